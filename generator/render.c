/*
 * render.c: what every generated page shares: the page context with
 * the site's navigation and breadcrumbs, the layout, Japanese dates,
 * pagination, the rule by which a publish keeps a list page that cannot
 * have changed (rctx_list_page()), and Markdown through cmark-gfm with
 * its safe defaults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

static const char *const kind_names[K__MAX] = {
	"org", "event", "grant", "report", "book", "notice", "newsletter",
	"member", "posting", "interview", "faq", "page", "setting",
	"master", "upload", "date",
};

const char *
kind_name(enum kind k)
{
	return k < K__MAX ? kind_names[k] : "?";
}

int
kind_parse(const char *s, enum kind *out)
{
	size_t	 i;

	for (i = 0; i < K__MAX; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum kind)i;
			return 1;
		}
	return 0;
}

/* The header tabs of each site (紙1 and 紙2 「タブ表示(上部)」). */
struct navitem {
	const char	*label;
	const char	*href;
};

static const struct navitem nav_supernet[] = {
	{ "ホーム", "/" },
	{ "掲載登録", "/register/" },
	{ "団体・企業を探す", "/groups/" },
	{ "イベント・募集を探す", "/events/" },
	{ "助成を探す", "/grants/" },
	{ "活動実績・事例を探す", "/reports/" },
	{ "ボランティア", "/boranet201909/" },
	{ NULL, NULL }
};

static const struct navitem nav_aikasa[] = {
	{ "ホーム", "/boranet201909/" },
	{ "募集中", "/boranet201909/postings/" },
	{ "探す", "/boranet201909/members/" },
	{ "取材報告", "/boranet201909/interviews/" },
	{ "Q&A", "/boranet201909/faq/" },
	{ "利用案内", "/boranet201909/guide/" },
	{ NULL, NULL }
};

static const char *const site_names[SITE__MAX] = {
	"山口県県民活動スーパーネット",
	"あいかさねっと",
};

static const char *const site_ids[SITE__MAX] = { "supernet", "aikasa" };

const char *
site_root(enum siteid s)
{
	return s == SITE_AIKASA ? "/boranet201909/" : "/";
}

struct tval *
rctx_page(struct rctx *r, const char *relpath)
{
	tarena_reset(r->arena);
	if ((size_t)snprintf(r->relpath, sizeof(r->relpath), "%s", relpath) >=
	    sizeof(r->relpath)) {
		kerr("%s: path too long", relpath);
		return NULL;
	}
	r->crumbs = tv_list(r->arena);
	if (r->preview != NULL)
		return tv_obj(r->arena);	/* no site, nothing recorded */
	if (!strset_add(r->seen, relpath)) {
		kerr("%s: rendered twice in one run", relpath);
		return NULL;
	}
	if (!site_page_begin(r->site, relpath))
		return NULL;
	return tv_obj(r->arena);
}

void
rctx_crumb(struct rctx *r, const char *label, const char *href)
{
	struct tval	*c;

	c = tv_push_obj(r->crumbs);
	tv_set_str(c, "label", label);
	if (href != NULL)
		tv_set_str(c, "href", href);
}

/* The navigation with the current tab marked (longest prefix wins). */
static struct tval *
nav(struct rctx *r, enum siteid s, const char *url)
{
	const struct navitem	*items, *it, *best = NULL;
	struct tval		*list, *o;
	size_t			 n, bestn = 0;

	items = s == SITE_AIKASA ? nav_aikasa : nav_supernet;
	for (it = items; it->label != NULL; it++) {
		n = strlen(it->href);
		if (strcmp(url, it->href) == 0 ||
		    (n > strlen(site_root(s)) && strncmp(url, it->href, n) == 0)) {
			if (n > bestn) {
				best = it;
				bestn = n;
			}
		}
	}
	list = tv_list(r->arena);
	for (it = items; it->label != NULL; it++) {
		o = tv_push_obj(list);
		tv_set_str(o, "label", it->label);
		tv_set_str(o, "href", it->href);
		tv_set_bool(o, "current", it == best);
	}
	return list;
}

/* The page's URL: "/x/index.html" is shown as "/x/". */
static void
page_url(const char *relpath, struct buf *url)
{
	size_t	 n;

	buf_reset(url);
	buf_putc(url, '/');
	n = strlen(relpath);
	if (n >= 10 && strcmp(relpath + n - 10, "index.html") == 0)
		buf_putn(url, relpath, n - 10);
	else
		buf_puts(url, relpath);
}

/* Render tmpl with ctx, then the layout around it, and write the page. */
int
rctx_write(struct rctx *r, enum siteid s, const char *tmpl, struct tval *ctx)
{
	struct tval	*site;
	struct buf	 url;
	const char	*ga;
	int		 rc = 0;

	buf_init(&url, 4096);
	page_url(r->relpath, &url);
	site = tv_obj(r->arena);
	tv_set_str(site, "id", site_ids[s]);
	tv_set_str(site, "name", site_names[s]);
	tv_set_str(site, "root", site_root(s));
	tv_set_bool(site, "supernet", s == SITE_SUPERNET);
	tv_set_bool(site, "aikasa", s == SITE_AIKASA);
	tv_set(site, "nav", nav(r, s, buf_str(&url)));
	tv_set_str(site, "cgi", r->g->cfg->cgi_path);
	ga = s == SITE_AIKASA ? r->g->cfg->ga_aikasa : r->g->cfg->ga_supernet;
	if (ga != NULL && *ga != '\0')
		tv_set_str(site, "ga", ga);
	tv_set(ctx, "site", site);
	tv_set_str(ctx, "url", buf_str(&url));
	if (tv_len(r->crumbs) > 0) {
		struct tval	*home;

		/* Breadcrumbs start at the site's home. */
		home = tv_obj(r->arena);
		tv_set_str(home, "label", "ホーム");
		tv_set_str(home, "href", site_root(s));
		tv_set(ctx, "crumbs", r->crumbs);
		tv_set(ctx, "crumb_home", home);
	}

	buf_reset(r->body);
	if (!tmpl_render(r->tmpl, tmpl, ctx, r->body))
		goto out;
	tv_set_html(ctx, "body", buf_str(r->body));
	buf_reset(r->out);
	if (!tmpl_render(r->tmpl, "layout", ctx, r->out))
		goto out;
	if (!buf_ok(r->out)) {
		kerr("%s: page too large", r->relpath);
		goto out;
	}
	if (r->preview != NULL) {
		buf_putn(r->preview, r->out->p, r->out->len);
		rc = buf_ok(r->preview);
	} else
		rc = site_page_end(r->site, r->out->p, r->out->len);
	r->pages++;
out:
	buf_free(&url);
	return rc;
}

/* Render tmpl with ctx and write it as it is (feeds, sitemap, robots). */
int
rctx_write_raw(struct rctx *r, const char *tmpl, struct tval *ctx)
{
	buf_reset(r->out);
	if (!tmpl_render(r->tmpl, tmpl, ctx, r->out))
		return 0;
	r->pages++;
	return site_page_end(r->site, r->out->p, r->out->len);
}

static const char *const wdays[] = { "日", "月", "火", "水", "木", "金", "土" };

/*
 * Set key to "2026年11月25日（水）" and key_iso to the date itself, for
 * a valid YYYY-MM-DD; leave both unset otherwise.
 */
void
tv_date_ja(struct tval *obj, const char *key, const char *ymd)
{
	char	 s[64], k[64];
	int	 y, m, d, t;

	if (ymd == NULL || strlen(ymd) != 10 ||
	    sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	/* Sakamoto's day of the week. */
	{
		static const int off[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
		int yy = m < 3 ? y - 1 : y;

		if (m < 1 || m > 12)
			return;
		t = (yy + yy / 4 - yy / 100 + yy / 400 + off[m - 1] + d) % 7;
	}
	snprintf(s, sizeof(s), "%d年%d月%d日（%s）", y, m, d, wdays[t]);
	tv_set_str(obj, key, s);
	snprintf(k, sizeof(k), "%s_iso", key);
	tv_set_str(obj, k, ymd);
}

/* Set key to v unless v is NULL or empty. */
void
tv_set_nonempty(struct tval *obj, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		tv_set_str(obj, key, v);
}

/* Append id unless it repeats the last one (ids are read sorted). */
void
idlist_add(struct idlist *l, int64_t id)
{
	if (l->len > 0 && l->ids[l->len - 1] == id)
		return;
	l->ids = xrealloc(l->ids, (l->len + 1) * sizeof(*l->ids));
	l->ids[l->len++] = id;
}

/*
 * A detail family's loop: call one(r, arg, id) for each of ids, or
 * (ids NULL) for every id the statement sql yields, all of them read
 * before the first page is rendered; 1 ok.
 */
int
rctx_each_id(struct rctx *r, const struct idlist *ids, const char *sql,
    int (*one)(struct rctx *, void *, int64_t), void *arg)
{
	struct idlist	 all = { NULL, 0 };
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = 0, row;

	if (ids == NULL) {
		if ((st = db_prep(r->g->db, sql)) == NULL)
			return 0;
		while ((row = db_row(r->g->db, st)) == 1)
			idlist_add(&all, sqlite3_column_int64(st, 0));
		if (row < 0)
			goto out;
		ids = &all;
	}
	for (i = 0; i < ids->len; i++)
		if (!one(r, arg, ids->ids[i]))
			goto out;
	rc = 1;
out:
	free(all.ids);
	return rc;
}

/* "dir/" + page 1 → "dir/index.html", page n → "dir/index-n.html". */
char *
page_path(const char *base, size_t page)
{
	struct buf	 b;

	buf_init(&b, 1024);
	buf_puts(&b, base);
	if (page <= 1)
		buf_puts(&b, "index.html");
	else
		buf_printf(&b, "index-%zu.html", page);
	return buf_take(&b);
}

/*
 * Store v under key, freeing the value stored before with its function;
 * fn(v) frees v when it is replaced or when the run ends (build.c calls
 * rctx_cache_set(r, NULL, NULL, NULL)).
 */
void
rctx_cache_set(struct rctx *r, const void *key, void *v, void (*fn)(void *))
{
	if (r->cache_free != NULL)
		r->cache_free(r->cache);
	r->cache_key = key;
	r->cache = v;
	r->cache_free = fn;
}

/*
 * One value a family keeps for the families after it in the run that
 * read the same rows (the three event families read every public event
 * once, not three times): the value stored under key (the address of a
 * static of the caller's file), else a new one of size bytes, zeroed,
 * that load(r, v) fills and that is then stored with fn (see
 * rctx_cache_set()).  NULL if load failed (it printed why).
 */
void *
rctx_cache_load(struct rctx *r, const void *key, size_t size,
    int (*load)(struct rctx *, void *), void (*fn)(void *))
{
	void	*v;

	if (r->cache_key == key && r->cache != NULL)
		return r->cache;
	v = xcalloc(1, size);
	if (!load(r, v)) {
		fn(v);
		return NULL;
	}
	rctx_cache_set(r, key, v, fn);
	return v;
}

/* Whether sorted l holds id. */
static int
idlist_has(const struct idlist *l, int64_t id)
{
	size_t	 lo = 0, hi = l->len, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->ids[mid] == id)
			return 1;
		if (l->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The dep that stands for a list page's meta string: 63 bits of it. */
static int64_t
meta_id(const char *meta)
{
	unsigned char	 h[crypto_generichash_BYTES_MIN];
	uint64_t	 v = 0;
	size_t		 i;

	crypto_generichash(h, sizeof(h), (const unsigned char *)meta,
	    strlen(meta), NULL, 0);
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)(v & INT64_MAX);
}

#define LIST_META_KIND	"list"	/* the site_dep kind of a page's meta */

/*
 * Whether this run is a publish in which the family's list pages may be
 * kept: every kind that changed and re-runs it is in kinds (condition
 * (1) of rctx_list_page()).
 */
int
rctx_list_keepable(const struct rctx *r, unsigned kinds)
{
	return !r->full && r->preview == NULL && r->site != NULL &&
	    r->fam != NULL && (r->changed & r->fam->kinds & ~kinds) == 0;
}

/*
 * Whether a publish may keep list page relpath as the last run wrote it
 * (see rctx_list_page()); 1 yes, 0 no, -1 on a database error.
 */
static int
list_keep(struct rctx *r, const char *relpath, unsigned kinds,
    enum kind kind, const int64_t *ids, size_t n, int64_t meta)
{
	struct site_depv	*v;
	size_t			 i;
	int			 rc;

	if (!rctx_list_keepable(r, kinds))
		return 0;
	for (i = 0; i < n; i++)
		if (idlist_has(&r->queued[kind], ids[i]))
			return 0;
	if (strset_has(r->seen, relpath))
		return 0;	/* rctx_page() reports it */
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].kind = kind_name(kind);
		v[i].id = ids[i];
	}
	v[n].kind = LIST_META_KIND;
	v[n].id = meta;
	rc = site_deps_same(r->site, relpath, v, n + 1);
	free(v);
	return rc;
}

/*
 * Start list page relpath, which shows the n items ids (of kind, in
 * page order) and otherwise prints only what meta (a string the caller
 * makes of the list's counts, page count, links to other pages …) and
 * data of kinds outside the mask `kinds` determine.  The page records
 * the ids and a digest of meta with site_dep().  Returns the page's
 * context to fill and write, or NULL: with *kept set when a publish may
 * leave the page as it is (it is marked rendered, so the family's
 * pruning keeps it, and not counted in r->pages), else on error.
 *
 * The page is kept when, in a publish, (1) every kind that changed and
 * re-runs the family is in `kinds`: kinds whose change can alter the
 * page only through which items are listed where, and the meta (the
 * item kind itself; a kind that only filters items, such as the member
 * a posting needs to be visible); (2) the manifest has the page with
 * exactly these deps: the same set of ids and the same meta digest as
 * the last run recorded; and (3) none of the ids is queued.  Why that
 * gives the same bytes: an item that is not queued did not change, so
 * what it shows did not change and neither did its place relative to
 * the other unchanged items (the list orders are total orders on the
 * items' own fields, and anything else they read is a kind outside
 * `kinds`, which did not change).  The same set of unchanged items is
 * therefore printed in the same order, and everything else on the page
 * is in meta or comes from data that did not change.  A mistake the
 * other way (a dep missing from ids, meta printed but left out) only
 * makes the deps differ, and the page is rendered: the rule fails safe
 * wherever the family records more than this helper knows.
 */
struct tval *
rctx_list_page(struct rctx *r, const char *relpath, unsigned kinds,
    enum kind kind, const int64_t *ids, size_t n, const char *meta,
    int *kept)
{
	struct tval	*ctx;
	int		 k;

	*kept = 0;
	if ((k = rctx_list_kept(r, relpath, kinds, kind, ids, n, meta)) != 0) {
		*kept = k == 1;
		return NULL;
	}
	if ((ctx = rctx_page(r, relpath)) == NULL)
		return NULL;
	rctx_list_deps(r, kind, ids, n, meta);
	return ctx;
}

/*
 * The keep test of rctx_list_page() alone, for a file the caller starts
 * itself: 1 kept (marked rendered), 0 render it, -1 error.
 */
int
rctx_list_kept(struct rctx *r, const char *relpath, unsigned kinds,
    enum kind kind, const int64_t *ids, size_t n, const char *meta)
{
	int	 k;

	if ((k = list_keep(r, relpath, kinds, kind, ids, n,
	    meta_id(meta))) != 1)
		return k;
	strset_add(r->seen, relpath);
	r->kept++;
	return 1;
}

/*
 * Keep, without reading the list, every page of one list under prefix
 * (a directory it owns alone) that the caller knows cannot have
 * changed: no queued item of a changed kind is on it, or was when the
 * last run wrote it (the family checks that; site_shows() tells the
 * second).  With condition (1) of rctx_list_page() that is what the
 * page-by-page test would find, without the list's query.  1 kept, 0
 * render the list (not a publish that may keep, no pages, or one the
 * manifest cannot vouch for: site_under()), -1 on a database error.
 */
int
rctx_list_keep_under(struct rctx *r, const char *prefix, unsigned kinds)
{
	char	**v;
	size_t	 i;
	int	 same;

	if (!rctx_list_keepable(r, kinds))
		return 0;
	if ((v = site_under(r->site, prefix, &same)) == NULL)
		return -1;
	if (!same || v[0] == NULL) {
		site_paths_free(v);
		return 0;
	}
	for (i = 0; v[i] != NULL; i++)
		if (strset_add(r->seen, v[i]))
			r->kept++;
	site_paths_free(v);
	return 1;
}

/* The deps of rctx_list_page() for the page being rendered. */
void
rctx_list_deps(struct rctx *r, enum kind kind, const int64_t *ids, size_t n,
    const char *meta)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		site_dep(r->site, kind_name(kind), ids[i]);
	site_dep(r->site, LIST_META_KIND, meta_id(meta));
}

/*
 * Pagination for a list at URL base ("/events/"): "paging" with
 * current/total, prev/next hrefs, and a window of page links.
 */
void
rctx_paging(struct rctx *r, struct tval *ctx, const char *base, size_t page,
    size_t pages)
{
	struct tval	*p, *list, *o;
	char		 href[512];
	size_t		 i, lo, hi;

	if (pages <= 1)
		return;
	p = tv_obj(r->arena);
	tv_set_int(p, "current", (long long)page);
	tv_set_int(p, "total", (long long)pages);
	if (page > 1) {
		if (page == 2)
			snprintf(href, sizeof(href), "%s", base);
		else
			snprintf(href, sizeof(href), "%sindex-%zu.html",
			    base, page - 1);
		tv_set_str(p, "prev", href);
	}
	if (page < pages) {
		snprintf(href, sizeof(href), "%sindex-%zu.html", base, page + 1);
		tv_set_str(p, "next", href);
	}
	lo = page > 3 ? page - 3 : 1;
	hi = page + 3 < pages ? page + 3 : pages;
	list = tv_list(r->arena);
	if (lo > 1) {
		o = tv_push_obj(list);
		tv_set_int(o, "n", 1);
		tv_set_str(o, "href", base);
		if (lo > 2)
			tv_set_bool(o, "gap_after", 1);
	}
	for (i = lo; i <= hi; i++) {
		o = tv_push_obj(list);
		tv_set_int(o, "n", (long long)i);
		if (i == 1)
			snprintf(href, sizeof(href), "%s", base);
		else
			snprintf(href, sizeof(href), "%sindex-%zu.html", base, i);
		tv_set_str(o, "href", href);
		tv_set_bool(o, "current", i == page);
	}
	if (hi < pages) {
		o = tv_push_obj(list);
		tv_set_int(o, "n", (long long)pages);
		snprintf(href, sizeof(href), "%sindex-%zu.html", base, pages);
		tv_set_str(o, "href", href);
		if (hi < pages - 1)
			tv_set_bool(o, "gap_before", 1);
	}
	tv_set(p, "pages", list);
	tv_set(ctx, "paging", p);
}

/*
 * Markdown to HTML with cmark-gfm's safe defaults (raw HTML and
 * dangerous URLs dropped) plus the tagfilter, table, autolink and
 * strikethrough extensions.  Appends to out; 1 ok.
 */
int
md_render(const char *md, struct buf *out)
{
	static int		 registered;
	cmark_parser		*p;
	cmark_node		*doc;
	cmark_llist		*exts;
	cmark_syntax_extension	*e;
	char			*html;
	static const char *const names[] = {
		"table", "autolink", "strikethrough", "tagfilter"
	};
	size_t			 i;

	if (!registered) {
		cmark_gfm_core_extensions_ensure_registered();
		registered = 1;
	}
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; i < KENMIN_NELEM(names); i++)
		if ((e = cmark_find_syntax_extension(names[i])) != NULL)
			cmark_parser_attach_syntax_extension(p, e);
	cmark_parser_feed(p, md, strlen(md));
	doc = cmark_parser_finish(p);
	exts = cmark_parser_get_syntax_extensions(p);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, exts);
	buf_puts(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return buf_ok(out);
}
