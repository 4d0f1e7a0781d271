/*
 * main.c: kenmin-gen, the operator's command: parses the global
 * options, loads the configuration and dispatches to one command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "util.h"
#include "extern.h"

struct cmd {
	const char	*name;
	int		(*run)(struct gen *, int, char *[]);
	const char	*usage;
};

static const struct cmd cmds[] = {
	{ "init", cmd_init, "init" },
	{ "demo", cmd_demo, "demo [--scale N] [--seed S] [--force]" },
	{ "stats", cmd_stats, "stats" },
	{ "mail", cmd_mail, "mail [--list-dead]" },
	{ "audit", cmd_audit, "audit verify|purge|export" },
	{ "keys", cmd_keys, "keys rotate|check" },
	{ "purge", cmd_purge, "purge" },
	{ "build", cmd_build, "build" },
	{ "publish", cmd_publish, "publish" },
	{ "build-worker", cmd_build_worker, "build-worker FD VERIFY (internal: "
	    "half of a full build)" },
	{ "match", cmd_match, "match" },
	{ "search-check", cmd_search_check, "search-check" },
	{ "history", cmd_history, "history" },
	{ "rollback", cmd_rollback, "rollback REV" },
	{ "preview", cmd_preview, "preview org|event|member|posting ID" },
	{ "staff", cmd_staff, "staff add LOGIN --role admin|editor --name NAME | staff unlock LOGIN" },
};

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: kenmin-gen [-c FILE] [--today YYYY-MM-DD] "
	    "COMMAND [ARGS]\ncommands:\n");
	for (i = 0; i < KENMIN_NELEM(cmds); i++)
		fprintf(stderr, "  %s\n", cmds[i].usage);
}

/* 1 if s is a valid calendar date YYYY-MM-DD. */
static int
valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int	 y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

/* Today in Asia/Tokyo (UTC+9, no daylight saving), as YYYY-MM-DD. */
static void
today_tokyo(char out[11])
{
	time_t		 t;
	struct tm	 tm;

	t = time(NULL) + 9 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Midnight of --today in Asia/Tokyo, as Unix seconds. */
int64_t
gen_today_epoch(const struct gen *g)
{
	struct tm	 tm;
	int		 y, m, d;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(g->today, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm) - 9 * 3600;
}

int
gen_open_db(struct gen *g, int create)
{
	if (g->db != NULL)
		return 1;
	g->db = db_open(g->cfg->database, create ? DB_CREATE : 0);
	if (g->db == NULL)
		return 0;
	if (!create && db_version(g->db) < db_version_latest()) {
		kerr("%s: schema version %d, this kenmin-gen needs %d: "
		    "run `kenmin-gen init`", g->cfg->database,
		    db_version(g->db), db_version_latest());
		return 0;
	}
	return 1;
}

int
gen_load_keys(struct gen *g, int create)
{
	if (g->keys != NULL)
		return 1;
	if (!crypto_init())
		return 0;
	g->keys = xcalloc(1, sizeof(*g->keys));
	return keys_load(g->keys, g->cfg->key_dir, create);
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct gen	 g;
	const char	*cfgarg = NULL, *path;
	char		 today[11];
	size_t		 i;
	int		 rc = 1, loaded;

	util_setprogname(argv[0]);
	memset(&g, 0, sizeof(g));
	today_tokyo(today);
	g.today = today;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (strcmp(argv[0], "-c") == 0 && argc > 1) {
			cfgarg = argv[1];
			argc--, argv++;
		} else if (strcmp(argv[0], "--today") == 0 && argc > 1) {
			if (!valid_date(argv[1])) {
				kerr("--today: %s is not a date YYYY-MM-DD",
				    argv[1]);
				return 1;
			}
			g.today = argv[1];
			argc--, argv++;
		} else {
			usage();
			return 1;
		}
	}
	if (argc < 1) {
		usage();
		return 1;
	}
	for (i = 0; i < KENMIN_NELEM(cmds); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (i == KENMIN_NELEM(cmds)) {
		kerr("unknown command: %s", argv[0]);
		usage();
		return 1;
	}

	path = config_locate(cfgarg);
	g.cfgpath = path;
	loaded = config_load(&cfg, path);
	g.cfg = &cfg;
	if (loaded)
		rc = cmds[i].run(&g, argc, argv) ? 0 : 1;

	db_close(g.db);
	if (g.keys != NULL) {
		keys_wipe(g.keys);
		free(g.keys);
	}
	config_free(&cfg);
	return rc;
}
