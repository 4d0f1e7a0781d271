/*
 * misc.c: the files that belong to the whole host rather than to one
 * site: robots.txt, 404.html and sitemap.xml.
 *
 * sitemap.xml lists every HTML page of both sites but 404.html, as a
 * full build of the same data would leave them.  It is the one family
 * of fam_final, so it runs after every other family of the run, and it
 * runs in every publish (its kinds are KALL).  The pages are:
 *  - in a full build, the relpaths rendered in this run (r->seen): the
 *    manifest still lists files the build will delete as stale;
 *  - in a publish, those plus the manifest's paths (site_file, which
 *    site_finish() has not yet changed, so it is the last run's tree)
 *    but the pages a family removed this run (site_gone()): every
 *    other page of the last run is still there.
 * So the sitemap changes exactly when a page is added or removed (and a
 * publish that did neither keeps it: sitemap_keep()), and every .html
 * page must be written through rctx_page().  The URLs are
 * sorted (strcmp), so the bytes do not depend on the order of a run.
 * Over SITEMAP_CHUNK pages, sitemap.xml becomes a sitemap index of
 * sitemaps/sitemap-N.xml files (the protocol allows 50,000 URLs each).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define SITEMAP_CHUNK	40000		/* URLs per sitemap file */
#define SITEMAP_DIR	"sitemaps/"
#define URL_MAX		4096

enum sql {
	SQL_FILES,
	SQL_MAPS,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_FILES */
	"SELECT path FROM site_file ORDER BY path",
	/* SQL_MAPS: the files of the last run's sitemap */
	"SELECT path FROM site_file WHERE path = 'sitemap.xml' OR "
	"(path >= '" SITEMAP_DIR "' AND path < '" SITEMAP_DIR "' || x'ff')",
};

struct paths {
	char		**v;
	size_t		 len, cap;
};

static void
paths_add(struct paths *p, const char *s)
{
	if (p->len == p->cap) {
		p->cap = p->cap == 0 ? 4096 : p->cap * 2;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->len++] = xstrdup(s);
}

static void
paths_free(struct paths *p)
{
	size_t	 i;

	for (i = 0; i < p->len; i++)
		free(p->v[i]);
	free(p->v);
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An HTML page the sitemap lists: *.html but the 404 page. */
static int
is_page(const char *p)
{
	size_t	 n = strlen(p);

	return n > 5 && strcmp(p + n - 5, ".html") == 0 &&
	    strcmp(p, "404.html") != 0;
}

/* base_url without trailing slashes. */
static void
base_url(struct buf *b, const struct rctx *r)
{
	const char	*base = r->g->cfg->base_url;
	size_t		 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_putn(b, base, n);
}

/*
 * Every page the site will hold when this run ends (see the top of the
 * file), sorted.  1 ok, 0 error (printed).
 */
static int
pages_collect(struct rctx *r, struct paths *out)
{
	sqlite3_stmt	*st;
	const char	*p;
	size_t		 pos = 0;
	int		 row;

	while ((p = strset_next(r->seen, &pos)) != NULL)
		if (is_page(p))
			paths_add(out, p);
	if (!r->full) {
		if ((st = db_prep(r->g->db, sqls[SQL_FILES])) == NULL)
			return 0;
		while ((row = db_row(r->g->db, st)) == 1) {
			p = db_col_text(st, 0);
			if (is_page(p) && !strset_has(r->seen, p) &&
			    !site_gone(r->site, p))
				paths_add(out, p);
		}
		if (row < 0)
			return 0;
	}
	if (out->len > 1)
		qsort(out->v, out->len, sizeof(*out->v), path_cmp);
	return 1;
}

/* One urlset file with pages [lo, hi). */
static int
write_urlset(struct rctx *r, const char *relpath, const struct paths *pg,
    size_t lo, size_t hi)
{
	struct tval	*ctx, *list;
	struct buf	 u;
	size_t		 i, n;
	int		 rc;

	if ((ctx = rctx_page(r, relpath)) == NULL)
		return 0;
	buf_init(&u, URL_MAX);
	list = tv_list(r->arena);
	for (i = lo; i < hi; i++) {
		buf_reset(&u);
		base_url(&u, r);
		buf_putc(&u, '/');
		n = strlen(pg->v[i]);
		if (n >= 10 && strcmp(pg->v[i] + n - 10, "index.html") == 0 &&
		    (n == 10 || pg->v[i][n - 11] == '/'))
			buf_putn(&u, pg->v[i], n - 10);
		else
			buf_puts(&u, pg->v[i]);
		tv_set_str(tv_push_obj(list), "loc", buf_str(&u));
	}
	tv_set(ctx, "urls", list);
	rc = buf_ok(&u) && rctx_write_raw(r, "feeds/sitemap", ctx);
	buf_free(&u);
	return rc;
}

/*
 * A publish that added no page and removed none leaves the sitemap as
 * the last run wrote it (it lists pages, nothing else): its files are
 * marked made, so the family's pruning keeps them.  1 kept, 0 render
 * it, -1 error.
 */
static int
sitemap_keep(struct rctx *r)
{
	sqlite3_stmt	*st;
	int		 row, n = 0;

	if (r->full || site_added_or_gone(r->site, ".html"))
		return 0;
	if ((st = db_prep(r->g->db, sqls[SQL_MAPS])) == NULL)
		return -1;
	while ((row = db_row(r->g->db, st)) == 1) {
		strset_add(r->seen, db_col_text(st, 0));
		n++;
	}
	if (row < 0)
		return -1;
	r->kept += (size_t)n;
	return n > 0;
}

static int
render_sitemap(struct rctx *r, const struct idlist *ids)
{
	struct paths	 pg;
	struct tval	*ctx, *list;
	struct buf	 u;
	char		 rel[64];
	size_t		 i, nchunk;
	int		 rc = 0;

	(void)ids;
	memset(&pg, 0, sizeof(pg));
	buf_init(&u, URL_MAX);
	if ((rc = sitemap_keep(r)) != 0) {
		rc = rc == 1;
		goto out;
	}
	if (!pages_collect(r, &pg))
		goto out;
	if (pg.len <= SITEMAP_CHUNK) {
		rc = write_urlset(r, "sitemap.xml", &pg, 0, pg.len);
		goto out;
	}
	nchunk = (pg.len + SITEMAP_CHUNK - 1) / SITEMAP_CHUNK;
	for (i = 0; i < nchunk; i++) {
		snprintf(rel, sizeof(rel), SITEMAP_DIR "sitemap-%zu.xml",
		    i + 1);
		if (!write_urlset(r, rel, &pg, i * SITEMAP_CHUNK,
		    i + 1 == nchunk ? pg.len : (i + 1) * SITEMAP_CHUNK))
			goto out;
	}
	if ((ctx = rctx_page(r, "sitemap.xml")) == NULL)
		goto out;
	list = tv_list(r->arena);
	for (i = 0; i < nchunk; i++) {
		buf_reset(&u);
		base_url(&u, r);
		buf_printf(&u, "/" SITEMAP_DIR "sitemap-%zu.xml", i + 1);
		tv_set_str(tv_push_obj(list), "loc", buf_str(&u));
	}
	tv_set(ctx, "sitemaps", list);
	rc = rctx_write_raw(r, "feeds/sitemapindex", ctx);
out:
	paths_free(&pg);
	buf_free(&u);
	return rc;
}

static int
render_robots(struct rctx *r, const struct idlist *ids)
{
	struct tval	*ctx;
	struct buf	 u;
	const char	*cgi = r->g->cfg->cgi_path, *slash;
	int		 rc;

	(void)ids;
	if ((ctx = rctx_page(r, "robots.txt")) == NULL)
		return 0;
	buf_init(&u, URL_MAX);
	base_url(&u, r);
	buf_puts(&u, "/sitemap.xml");
	tv_set_str(ctx, "sitemap", buf_str(&u));
	/* A CGI configured outside /cgi-bin/: keep robots out of it too. */
	if (strncmp(cgi, "/cgi-bin/", 9) != 0 && cgi[0] == '/' &&
	    (slash = strrchr(cgi, '/')) != NULL && slash != cgi)
		tv_set_strn(ctx, "cgi_dir", cgi, (size_t)(slash - cgi + 1));
	else if (strncmp(cgi, "/cgi-bin/", 9) != 0 && cgi[0] == '/')
		tv_set_str(ctx, "cgi_dir", cgi);
	rc = buf_ok(&u) && rctx_write_raw(r, "feeds/robots", ctx);
	buf_free(&u);
	return rc;
}

static int
render_404(struct rctx *r, const struct idlist *ids)
{
	struct tval	*ctx;

	(void)ids;
	if ((ctx = rctx_page(r, "404.html")) == NULL)
		return 0;
	tv_set_str(ctx, "title", "ページが見つかりません");
	return rctx_write(r, SITE_SUPERNET, "404", ctx);
}

/* Only a full build (a new configuration) changes these two. */
const struct family fam_robots = {
	"robots.txt", 0, NULL, K__MAX, 0, render_robots, NULL, NULL
};

const struct family fam_404 = {
	"404 page", 0, NULL, K__MAX, 0, render_404, NULL, NULL
};

/* Any change can add or remove a page: it runs in every publish. */
const struct family fam_sitemap = {
	"sitemap.xml", KALL, SITEMAP_DIR, K__MAX, 0, render_sitemap, NULL, NULL
};
