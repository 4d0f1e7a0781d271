/*
 * render.c: what every generated page shares: the page context with
 * the site's navigation and breadcrumbs, the layout, Japanese dates,
 * pagination, and Markdown through cmark-gfm with its safe defaults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
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
