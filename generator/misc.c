/*
 * misc.c: the files that belong to the whole host rather than to one
 * site: robots.txt, 404.html and sitemap.xml.
 *
 * The sitemap lists every HTML page of both sites but 404.html, as a
 * full build of the same data would leave them.  It is the one family
 * of fam_final, so it runs after every other family of the run, and it
 * runs in every publish (its kinds are KALL).  The pages are:
 *  - in a full build, the relpaths rendered in this run (r->seen): the
 *    manifest still lists files the build will delete as stale;
 *  - in a publish, those plus the manifest's paths (site_file, which
 *    site_finish() has not yet changed, so it is the last run's tree)
 *    but the pages a family removed this run (site_gone()): every
 *    other page of the last run is still there.
 * Every .html page must therefore be written through rctx_page().
 *
 * sitemap.xml is a sitemap index of one file per section, a section
 * being the first directory of a page's path ("events") or "root" for
 * the pages at the top: sitemaps/SECTION.xml, and when a section has
 * more than SITEMAP_CHUNK pages (the protocol allows 50,000 URLs a
 * file) SECTION.2.xml and so on.  A section's file changes exactly when
 * a page of it is added or removed, so a publish renders only those
 * sections (a new event: the 6,000 URLs of events, not all 30,000)
 * and keeps the others' files as the last run wrote them.  The URLs of
 * a file and the files of the index are sorted (strcmp), so the bytes
 * do not depend on the order of a run.  No top directory is named
 * "root" or has a dot in its name (the file names rely on it).
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
#define SITEMAP_ROOT	"root"		/* the section of the top pages */
#define URL_MAX		4096

enum sql {
	SQL_ALL,
	SQL_ROOT,
	SQL_UNDER,
	SQL_MAPS,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_ALL */
	"SELECT path FROM site_file",
	/* SQL_ROOT: the files at the top of the manifest */
	"SELECT path FROM site_file WHERE instr(path, '/') = 0",
	/* SQL_UNDER: the files under directory ?1 ("events/") */
	"SELECT path FROM site_file WHERE path >= ?1 AND path < ?1 || x'ff'",
	/* SQL_MAPS: the section files of the last run's sitemap */
	"SELECT path FROM site_file WHERE "
	"path >= '" SITEMAP_DIR "' AND path < '" SITEMAP_DIR "' || x'ff'",
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

/* The section of page p (see the top of the file): *sec, its length. */
static size_t
section_of(const char *p, const char **sec)
{
	const char	*sl;

	if ((sl = strchr(p, '/')) == NULL) {
		*sec = SITEMAP_ROOT;
		return strlen(SITEMAP_ROOT);
	}
	*sec = p;
	return (size_t)(sl - p);
}

/* The order of the sections of pages x and y. */
static int
section_cmp(const char *x, const char *y)
{
	const char	*sx, *sy;
	size_t		 nx, ny;
	int		 c;

	nx = section_of(x, &sx);
	ny = section_of(y, &sy);
	if ((c = strncmp(sx, sy, nx < ny ? nx : ny)) == 0 && nx != ny)
		c = nx < ny ? -1 : 1;
	return c;
}

/* By section, then by path: the order of the section files' URLs. */
static int
page_cmp(const void *a, const void *b)
{
	const char	*x = *(char *const *)a, *y = *(char *const *)b;
	int		 c;

	return (c = section_cmp(x, y)) != 0 ? c : strcmp(x, y);
}

/* The section of page p into sec. */
static void
page_section(const char *p, char *sec, size_t sz)
{
	const char	*s;
	size_t		 n;

	n = section_of(p, &s);
	snprintf(sec, sz, "%.*s", (int)n, s);
}

/* The section of sitemaps/SECTION[.N].xml into sec. */
static void
file_section(const char *path, char *sec, size_t sz)
{
	const char	*name = path + strlen(SITEMAP_DIR);

	snprintf(sec, sz, "%.*s", (int)strcspn(name, "."), name);
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
 * The files of one section, its pages pg[lo, hi) (sorted), added to
 * files.  1 ok, 0 error (printed).
 */
static int
write_section(struct rctx *r, const struct paths *pg, size_t lo, size_t hi,
    struct paths *files)
{
	const char	*sec;
	char		 rel[512];
	size_t		 n, i, a, b;

	n = section_of(pg->v[lo], &sec);
	for (i = 0, a = lo; a < hi; i++, a = b) {
		b = hi - a > SITEMAP_CHUNK ? a + SITEMAP_CHUNK : hi;
		if (i == 0)
			snprintf(rel, sizeof(rel), SITEMAP_DIR "%.*s.xml",
			    (int)n, sec);
		else
			snprintf(rel, sizeof(rel), SITEMAP_DIR "%.*s.%zu.xml",
			    (int)n, sec, i + 1);
		if (!write_urlset(r, rel, pg, a, b))
			return 0;
		paths_add(files, rel);
	}
	return 1;
}

/* Sort pg and write every section of it.  1 ok, 0 error. */
static int
write_sections(struct rctx *r, struct paths *pg, struct paths *files)
{
	size_t	 lo, hi;

	if (pg->len > 1)
		qsort(pg->v, pg->len, sizeof(*pg->v), page_cmp);
	for (lo = 0; lo < pg->len; lo = hi) {
		for (hi = lo + 1; hi < pg->len &&
		    section_cmp(pg->v[lo], pg->v[hi]) == 0; hi++)
			;
		if (!write_section(r, pg, lo, hi, files))
			return 0;
	}
	return 1;
}

/*
 * Add to out the pages of section sec (NULL: of every section) the site
 * will hold when this run ends that the last run's manifest lists (see
 * the top of the file).  1 ok, 0 error (printed).
 */
static int
manifest_pages(struct rctx *r, const char *sec, struct paths *out)
{
	sqlite3_stmt	*st;
	const char	*p;
	char		 dir[512];
	enum sql	 q;
	int		 row;

	q = sec == NULL ? SQL_ALL : strcmp(sec, SITEMAP_ROOT) == 0 ?
	    SQL_ROOT : SQL_UNDER;
	if ((st = db_prep(r->g->db, sqls[q])) == NULL)
		return 0;
	if (q == SQL_UNDER) {
		snprintf(dir, sizeof(dir), "%s/", sec);
		db_bind_text(st, 1, dir);
	}
	while ((row = db_row(r->g->db, st)) == 1) {
		p = db_col_text(st, 0);
		if (is_page(p) && !strset_has(r->seen, p) &&
		    !site_gone(r->site, p))
			paths_add(out, p);
	}
	return row == 0;
}

/*
 * The section files of a publish: those of the sections in changed,
 * where a page was added or removed, are written (pages from this run
 * and from the manifest), the others' are kept as the last run wrote
 * them; all go into files.  A manifest without section files (a site
 * of an older kenmin-gen) has every section written.  *all_kept tells
 * whether every file was kept.  1 ok, 0 error (printed).
 */
static int
publish_sections(struct rctx *r, const struct strset *changed,
    struct paths *files, int *all_kept)
{
	struct paths	 pg;
	sqlite3_stmt	*st;
	const char	*p;
	char		 sec[512];
	size_t		 pos = 0, nmaps = 0;
	int		 row, rc = 0;

	memset(&pg, 0, sizeof(pg));
	if ((st = db_prep(r->g->db, sqls[SQL_MAPS])) == NULL)
		return 0;
	while ((row = db_row(r->g->db, st)) == 1) {
		p = db_col_text(st, 0);
		nmaps++;
		file_section(p, sec, sizeof(sec));
		if (!strset_has(changed, sec)) {
			strset_add(r->seen, p);
			r->kept++;
			paths_add(files, p);
		}
	}
	if (row != 0)
		goto out;
	*all_kept = nmaps > 0 && strset_next(changed, &pos) == NULL;
	pos = 0;
	if (nmaps == 0) {
		if (!manifest_pages(r, NULL, &pg))
			goto out;
	} else
		while ((p = strset_next(changed, &pos)) != NULL)
			if (!manifest_pages(r, p, &pg))
				goto out;
	pos = 0;
	while ((p = strset_next(r->seen, &pos)) != NULL) {
		if (!is_page(p))
			continue;
		page_section(p, sec, sizeof(sec));
		if (nmaps == 0 || strset_has(changed, sec))
			paths_add(&pg, p);
	}
	rc = write_sections(r, &pg, files);
out:
	paths_free(&pg);
	return rc;
}

static int
render_sitemap(struct rctx *r, const struct idlist *ids)
{
	struct paths	 pg, files;
	struct strset	*changed;
	struct tval	*ctx, *list;
	struct buf	 u;
	const char	*p;
	char		 sec[512];
	size_t		 pos = 0, i;
	int		 rc = 0, all_kept;

	(void)ids;
	memset(&pg, 0, sizeof(pg));
	memset(&files, 0, sizeof(files));
	changed = strset_new();
	buf_init(&u, URL_MAX);
	if (r->full) {
		while ((p = strset_next(r->seen, &pos)) != NULL)
			if (is_page(p))
				paths_add(&pg, p);
		if (!write_sections(r, &pg, &files))
			goto out;
	} else {
		while ((p = site_added_or_gone(r->site, &pos)) != NULL)
			if (is_page(p)) {
				page_section(p, sec, sizeof(sec));
				strset_add(changed, sec);
			}
		if (!publish_sections(r, changed, &files, &all_kept))
			goto out;
		if (all_kept) {
			/* No page added or removed: the index is kept too. */
			strset_add(r->seen, "sitemap.xml");
			r->kept++;
			rc = 1;
			goto out;
		}
	}
	if ((ctx = rctx_page(r, "sitemap.xml")) == NULL)
		goto out;
	if (files.len > 1)
		qsort(files.v, files.len, sizeof(*files.v), path_cmp);
	list = tv_list(r->arena);
	for (i = 0; i < files.len; i++) {
		buf_reset(&u);
		base_url(&u, r);
		buf_printf(&u, "/%s", files.v[i]);
		tv_set_str(tv_push_obj(list), "loc", buf_str(&u));
	}
	tv_set(ctx, "sitemaps", list);
	rc = buf_ok(&u) && rctx_write_raw(r, "feeds/sitemapindex", ctx);
out:
	paths_free(&pg);
	paths_free(&files);
	strset_free(changed);
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
