/*
 * pages.c: the fixed pages of both sites, rendered from the page table
 * (Markdown through md_render), and the two HTML sitemaps, which list
 * every generated section and every fixed page.
 *
 * A page's slug is its path below the site root without ".html":
 * "about" → /about.html, "center/index" → /center/.  Pages nest by
 * directory: the nearest "DIR/index" above a page is its parent, which
 * gives the breadcrumbs, the list of sub-pages an index page shows
 * under its text, and the tree of the sitemap (sorted by sort, slug,
 * id).  Slugs that would collide with generated pages (the reserved
 * first components below, and "sitemap") are refused with a warning and
 * not rendered, so a bad staff edit cannot overwrite a list.
 *
 * One family renders all of it whenever any page changes (there are a
 * few dozen pages), and then removes the old files of the queued pages
 * that were not rendered again (unpublished, deleted, or moved to
 * another slug), found through their site_dep rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PG_PATH_MAX	256
#define PG_DEPTH_MAX	8	/* nesting the sitemap shows */

enum sql {
	SQL_PAGES,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_PAGES */
	"SELECT id, site, slug, title, body FROM page WHERE state = 'public' "
	"ORDER BY site, sort, slug, id",
};

/* First slug components generated pages use, per site. */
static const char *const reserved_sn[] = {
	"index", "sitemap", "404", "groups", "events", "grants", "reports",
	"books", "notices", "center-notices", "newsletters", "feeds",
	"search", "files", "boranet201909", "cgi-bin", "css", "js", "img",
	"assets", NULL
};
static const char *const reserved_ak[] = {
	"index", "sitemap", "postings", "members", "interviews", "faq",
	"notices", "news", "feeds", "downloads", "files", "css", "js", "img",
	NULL
};

/* The generated sections each sitemap lists before the fixed pages. */
struct section {
	const char	*title;
	const char	*href;
	int		 sub;		/* 1: under the previous entry */
};

static const struct section sections_sn[] = {
	{ "ホーム", "/", 0 },
	{ "団体・企業を探す", "/groups/", 0 },
	{ "イベント・募集を探す", "/events/", 0 },
	{ "終了したイベント・募集", "/events/past/", 1 },
	{ "助成を探す", "/grants/", 0 },
	{ "募集を終了した助成", "/grants/closed/", 1 },
	{ "活動実績・事例を探す", "/reports/", 0 },
	{ "蔵書を探す", "/books/", 0 },
	{ "発行年から探す", "/books/year/", 1 },
	{ "お知らせ", "/notices/", 0 },
	{ "センターからのお知らせ", "/center-notices/", 0 },
	{ "さぽーとメール（バックナンバー）", "/newsletters/", 0 },
	{ "あいかさねっと（ボランティア）", "/boranet201909/", 0 },
	{ NULL, NULL, 0 }
};

static const struct section sections_ak[] = {
	{ "ホーム", "/boranet201909/", 0 },
	{ "募集中のボランティア", "/boranet201909/postings/", 0 },
	{ "過去のボランティア募集", "/boranet201909/postings/past/", 1 },
	{ "会員を探す", "/boranet201909/members/", 0 },
	{ "取材報告", "/boranet201909/interviews/", 0 },
	{ "Q&A", "/boranet201909/faq/", 0 },
	{ "お知らせ", "/boranet201909/notices/", 0 },
	{ "活動ニュース（メールマガジン）", "/boranet201909/news/", 0 },
	{ "申込用紙のダウンロード", "/boranet201909/downloads.html", 0 },
	{ "山口県県民活動スーパーネット", "/", 0 },
	{ NULL, NULL, 0 }
};

/* One public page; strings owned by the array. */
struct pg {
	int64_t		 id;
	enum siteid	 site;
	char		*slug, *title, *body;
	long		 parent;	/* index into the array, or -1 */
	int		 ok;		/* a slug we render */
};

struct pgs {
	struct pg	*v;
	size_t		 len;
};

static void
pgs_free(struct pgs *p)
{
	size_t	 i;

	for (i = 0; i < p->len; i++) {
		free(p->v[i].slug);
		free(p->v[i].title);
		free(p->v[i].body);
	}
	free(p->v);
}

/* 1 if slug's first component is one generated pages of s use. */
static int
reserved(enum siteid s, const char *slug)
{
	const char *const *r;
	size_t		 n;

	n = strcspn(slug, "/");
	for (r = s == SITE_AIKASA ? reserved_ak : reserved_sn; *r != NULL; r++)
		if (strlen(*r) == n && strncmp(slug, *r, n) == 0)
			return 1;
	return 0;
}

/* relpath of a slug: "boranet201909/" + slug + ".html". */
static void
pg_path(char *s, size_t sz, enum siteid site, const char *slug)
{
	snprintf(s, sz, "%s%s.html", site == SITE_AIKASA ?
	    "boranet201909/" : "", slug);
}

/* The URL of a slug: "/x/" for "x/index", else "/x.html". */
static void
pg_href(char *s, size_t sz, enum siteid site, const char *slug)
{
	size_t	 n = strlen(slug);

	if (n > 6 && strcmp(slug + n - 6, "/index") == 0)
		snprintf(s, sz, "%s%.*s/", site_root(site), (int)(n - 6), slug);
	else
		snprintf(s, sz, "%s%s.html", site_root(site), slug);
}

/* The index of the page of site s with this slug, or -1. */
static long
pg_find(const struct pgs *p, enum siteid s, const char *slug, size_t n)
{
	size_t	 i;

	for (i = 0; i < p->len; i++)
		if (p->v[i].ok && p->v[i].site == s &&
		    strlen(p->v[i].slug) == n + 6 &&
		    strncmp(p->v[i].slug, slug, n) == 0 &&
		    strcmp(p->v[i].slug + n, "/index") == 0)
			return (long)i;
	return -1;
}

/* Link each page to its nearest "DIR/index" above it. */
static void
pg_parents(struct pgs *p)
{
	struct pg	*g;
	size_t		 i, n;

	for (i = 0; i < p->len; i++) {
		g = &p->v[i];
		g->parent = -1;
		if (!g->ok)
			continue;
		n = strlen(g->slug);
		/* An index page starts looking above its own directory. */
		if (n > 6 && strcmp(g->slug + n - 6, "/index") == 0)
			n -= 6;
		while (n > 0 && g->parent == -1) {
			while (n > 0 && g->slug[n - 1] != '/')
				n--;
			if (n == 0)
				break;
			n--;		/* the slash */
			g->parent = pg_find(p, g->site, g->slug, n);
		}
	}
}

/* Read the public pages; 1 ok. */
static int
pgs_load(struct rctx *r, struct pgs *p)
{
	sqlite3_stmt	*st;
	struct pg	*g;
	size_t		 cap = 0;
	int		 rc;

	memset(p, 0, sizeof(*p));
	if ((st = db_prep(r->g->db, sqls[SQL_PAGES])) == NULL)
		return 0;
	while ((rc = db_row(r->g->db, st)) == 1) {
		if (p->len == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			p->v = xrealloc(p->v, cap * sizeof(*p->v));
		}
		g = &p->v[p->len++];
		g->id = sqlite3_column_int64(st, 0);
		g->site = strcmp(db_col_text(st, 1), "aikasa") == 0 ?
		    SITE_AIKASA : SITE_SUPERNET;
		g->slug = xstrdup(db_col_text(st, 2));
		g->title = xstrdup(db_col_text(st, 3));
		g->body = xstrdup(db_col_text(st, 4));
		g->ok = content_slug_ok(g->slug) &&
		    !reserved(g->site, g->slug);
		if (!g->ok)
			kerr("page %lld: slug \"%s\" is not allowed "
			    "(generated pages use it); not published",
			    (long long)g->id, g->slug);
	}
	if (rc < 0)
		return 0;
	pg_parents(p);
	return 1;
}

/*
 * The sitemap tree below parent (-1: the top) of site s, as a list of
 * {title, href, children}; every node has children (maybe empty) so a
 * recursive partial never finds an outer one.
 */
static struct tval *
pg_tree(struct rctx *r, const struct pgs *p, enum siteid s, long parent,
    int depth)
{
	struct tval	*l, *o, *kids;
	char		 href[PG_PATH_MAX];
	size_t		 i;

	l = tv_list(r->arena);
	if (depth > PG_DEPTH_MAX)
		return l;
	for (i = 0; i < p->len; i++) {
		if (!p->v[i].ok || p->v[i].site != s ||
		    p->v[i].parent != parent)
			continue;
		o = tv_push_obj(l);
		tv_set_str(o, "title", p->v[i].title);
		pg_href(href, sizeof(href), s, p->v[i].slug);
		tv_set_str(o, "href", href);
		kids = pg_tree(r, p, s, (long)i, depth + 1);
		tv_set(o, "children", kids);
		tv_set_bool(o, "has_children", tv_len(kids) > 0);
	}
	return l;
}

/* Add the crumbs of page i's ancestors, top first. */
static void
pg_crumbs(struct rctx *r, const struct pgs *p, long i, int depth)
{
	char	 href[PG_PATH_MAX];

	if (i < 0 || depth > PG_DEPTH_MAX)
		return;
	pg_crumbs(r, p, p->v[i].parent, depth + 1);
	pg_href(href, sizeof(href), p->v[i].site, p->v[i].slug);
	rctx_crumb(r, p->v[i].title, href);
	site_dep(r->site, "page", p->v[i].id);
}

static int
render_one(struct rctx *r, const struct pgs *p, size_t i)
{
	const struct pg	*g = &p->v[i];
	struct tval	*ctx, *kids;
	struct buf	 b;
	char		 path[PG_PATH_MAX];
	size_t		 j;
	int		 rc = 0;

	pg_path(path, sizeof(path), g->site, g->slug);
	if ((ctx = rctx_page(r, path)) == NULL)
		return 0;
	buf_init(&b, 4 * 1024 * 1024);
	site_dep(r->site, "page", g->id);
	tv_set_str(ctx, "title", g->title);
	if (!md_render(g->body, &b)) {
		kerr("page %lld: text too large", (long long)g->id);
		goto out;
	}
	tv_set_html(ctx, "content", buf_str(&b));
	kids = pg_tree(r, p, g->site, (long)i, PG_DEPTH_MAX);
	for (j = 0; j < p->len; j++)
		if (p->v[j].parent == (long)i)
			site_dep(r->site, "page", p->v[j].id);
	tv_set(ctx, "children", kids);
	tv_set_bool(ctx, "has_children", tv_len(kids) > 0);
	pg_crumbs(r, p, g->parent, 0);
	rctx_crumb(r, g->title, NULL);
	rc = rctx_write(r, g->site, "page", ctx);
out:
	buf_free(&b);
	return rc;
}

static int
render_sitemap(struct rctx *r, const struct pgs *p, enum siteid s)
{
	const struct section *sec;
	struct tval	*ctx, *l, *o, *top = NULL, *kids = NULL;

	if ((ctx = rctx_page(r, s == SITE_AIKASA ?
	    "boranet201909/sitemap.html" : "sitemap.html")) == NULL)
		return 0;
	tv_set_str(ctx, "title", "サイトマップ");
	l = tv_list(r->arena);
	for (sec = s == SITE_AIKASA ? sections_ak : sections_sn;
	    sec->title != NULL; sec++) {
		if (sec->sub && kids != NULL) {
			o = tv_push_obj(kids);
			tv_set(o, "children", tv_list(r->arena));
			tv_set_bool(o, "has_children", 0);
			tv_set_bool(top, "has_children", 1);
		} else {
			o = top = tv_push_obj(l);
			kids = tv_list(r->arena);
			tv_set(o, "children", kids);
			tv_set_bool(o, "has_children", 0);
		}
		tv_set_str(o, "title", sec->title);
		tv_set_str(o, "href", sec->href);
	}
	tv_set(ctx, "sections", l);
	tv_set(ctx, "pages", pg_tree(r, p, s, -1, 0));
	rctx_crumb(r, "サイトマップ", NULL);
	return rctx_write(r, s, "supernet/page/sitemap", ctx);
}

/*
 * After a publish re-rendered everything: remove the old files of the
 * queued pages that this run did not write (unpublished, deleted or
 * moved).  Only paths a page could have are considered, so a generated
 * page that merely named the page is never touched.
 */
static int
remove_stale(struct rctx *r)
{
	const struct idlist *l = &r->queued[K_PAGE];
	char		**paths, slug[PG_PATH_MAX];
	enum siteid	 s;
	size_t		 i, j, n;
	const char	*p;
	int		 ok = 1;

	for (i = 0; ok && i < l->len; i++) {
		if ((paths = site_shows(r->site, "page", l->ids[i])) == NULL)
			return 0;
		for (j = 0; ok && paths[j] != NULL; j++) {
			p = paths[j];
			s = SITE_SUPERNET;
			if (strncmp(p, "boranet201909/", 14) == 0) {
				s = SITE_AIKASA;
				p += 14;
			}
			n = strlen(p);
			if (n <= 5 || n - 5 >= sizeof(slug) ||
			    strcmp(p + n - 5, ".html") != 0)
				continue;
			memcpy(slug, p, n - 5);
			slug[n - 5] = '\0';
			if (!content_slug_ok(slug) || reserved(s, slug) ||
			    strset_has(r->seen, paths[j]))
				continue;
			ok = site_remove(r->site, paths[j]);
		}
		site_paths_free(paths);
	}
	return ok;
}

/* Every fixed page of both sites and the two sitemaps. */
static int
render_pages(struct rctx *r, const struct idlist *ids)
{
	struct pgs	 p;
	size_t		 i;
	int		 rc = 0;

	(void)ids;	/* pages are few: always all of them */
	if (!pgs_load(r, &p))
		goto out;
	for (i = 0; i < p.len; i++)
		if (p.v[i].ok && !render_one(r, &p, i))
			goto out;
	if (!render_sitemap(r, &p, SITE_SUPERNET) ||
	    !render_sitemap(r, &p, SITE_AIKASA))
		goto out;
	rc = r->full ? 1 : remove_stale(r);
out:
	pgs_free(&p);
	return rc;
}

const struct family fam_pages = { "fixed pages and sitemaps",
	KBIT(K_PAGE), NULL, K_PAGE, 1, render_pages, NULL, NULL };
