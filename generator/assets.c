/*
 * assets.c: the family that copies the theme's static files (style
 * sheet, scripts, icons under theme_dir/assets/) byte for byte into
 * site_dir/assets/, so that any web server serves them with the pages.
 *
 * It is a list family owning "assets/": a full build copies every file
 * and deletes copies whose source is gone.  No entity kind re-runs it;
 * a new theme, like a new configuration, takes a full build.  Files are
 * visited in name order, so a build does not depend on readdir() order.
 * Names must pass site_path_ok() (lower case, digits, "._-"); hidden
 * files are skipped; anything else is an error rather than a silently
 * missing file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "util.h"
#include "extern.h"

#define ASSETS_DIR	"assets"
#define ASSET_MAX	((size_t)8 * 1024 * 1024)	/* one file */
#define ASSET_DEPTH	4				/* nested folders */
#define ASSET_PATH_MAX	4096

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read the regular file path into out (at most ASSET_MAX bytes).
 * 1 ok, 0 error (printed).
 */
static int
slurp(const char *path, struct buf *out)
{
	char	 chunk[16384];
	ssize_t	 n;
	int	 fd, rc = 0;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		kerr("%s: %s", path, strerror(errno));
		return 0;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_putn(out, chunk, (size_t)n);
	if (n == -1) {
		kerr("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!buf_ok(out)) {
		kerr("%s: larger than %zu bytes", path, ASSET_MAX);
		goto out;
	}
	rc = 1;
out:
	close(fd);
	return rc;
}

/*
 * Copy every file below theme_dir/assets/rel (rel "" at the top) to
 * site_dir/assets/rel.  1 ok, 0 error (printed).
 */
static int
copy_dir(struct rctx *r, const char *rel, int depth, struct buf *data)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	char		**ents = NULL;
	char		 dir[ASSET_PATH_MAX], src[ASSET_PATH_MAX];
	char		 dst[ASSET_PATH_MAX], sub[ASSET_PATH_MAX];
	size_t		 n = 0, cap = 0, i;
	int		 rc = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/" ASSETS_DIR "%s%s",
	    r->g->cfg->theme_dir, *rel == '\0' ? "" : "/", rel) >=
	    sizeof(dir)) {
		kerr("%s: path too long", r->g->cfg->theme_dir);
		return 0;
	}
	if ((d = opendir(dir)) == NULL) {
		/* A theme without assets has nothing to copy. */
		if (errno == ENOENT && depth == 0)
			return 1;
		kerr("%s: %s", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			ents = xrealloc(ents, cap * sizeof(*ents));
		}
		ents[n++] = xstrdup(de->d_name);
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), cmpname);

	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir,
		    ents[i]) >= sizeof(src) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    *rel == '\0' ? "" : "/", ents[i]) >= sizeof(sub) ||
		    (size_t)snprintf(dst, sizeof(dst), ASSETS_DIR "/%s",
		    sub) >= sizeof(dst)) {
			kerr("%s: path too long", dir);
			goto out;
		}
		if (lstat(src, &st) == -1) {
			kerr("%s: %s", src, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= ASSET_DEPTH) {
				kerr("%s: folders nested too deeply", src);
				goto out;
			}
			if (!copy_dir(r, sub, depth + 1, data))
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			kerr("%s: not a regular file", src);
			goto out;
		}
		if (!site_path_ok(dst)) {
			kerr("%s: file name not allowed in the site "
			    "(use a-z, 0-9, \".\", \"_\", \"-\")", src);
			goto out;
		}
		if (!slurp(src, data))
			goto out;
		/* rctx_page() records the path as made in this run. */
		if (rctx_page(r, dst) == NULL ||
		    !site_page_end(r->site, data->p != NULL ? data->p : "",
		    data->len))
			goto out;
	}
	rc = 1;
out:
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	closedir(d);
	return rc;
}

static int
render_assets(struct rctx *r, const struct idlist *ids)
{
	struct buf	 data;
	int		 rc;

	(void)ids;
	buf_init(&data, ASSET_MAX);
	rc = copy_dir(r, "", 0, &data);
	buf_free(&data);
	return rc;
}

const struct family fam_assets = {
	"theme assets", 0, ASSETS_DIR "/", K__MAX, 0, render_assets, NULL, NULL
};
