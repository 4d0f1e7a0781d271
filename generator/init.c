/*
 * init.c: `kenmin-gen init`: create the state directories, the keys and
 * the database, apply the migrations and load the master data.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"

/* Create the parent directory of path. */
static int
mkparent(const char *path)
{
	char	 dir[4096];
	char	*p;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir)) {
		kerr("%s: path too long", path);
		return 0;
	}
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 1;
	*p = '\0';
	return util_mkdirs(dir);
}

int
cmd_init(struct gen *g, int argc, char *argv[])
{
	int	 before;

	(void)argv;
	if (argc != 1) {
		kerr("usage: init");
		return 0;
	}
	if (!mkparent(g->cfg->database) || !mkparent(g->cfg->key_dir) ||
	    !util_mkdirs(g->cfg->spool_dir) || !mkparent(g->cfg->site_dir))
		return 0;
	/* Served: the web server's user reads it (docs/deploy.md). */
	if (mkdir(g->cfg->site_dir, 0755) == -1 && errno != EEXIST) {
		kerr("%s: %s", g->cfg->site_dir, strerror(errno));
		return 0;
	}
	if (!gen_load_keys(g, 1))
		return 0;
	if (!gen_open_db(g, 1))
		return 0;
	before = db_version(g->db);
	if (!db_migrate(g->db))
		return 0;
	if (!content_load(g))
		return 0;
	printf("%s: schema version %d (was %d)\n", g->cfg->database,
	    db_version(g->db), before);
	return 1;
}
