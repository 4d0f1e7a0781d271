/*
 * sn_lists.c: the archive listings and their detail pages: Super Net
 * activity reports, books (with 発行年 facets), notices, center notices
 * and さぽーとメール back numbers, and the あいかさねっと お知らせ and
 * 活動ニュース (which share the notice and newsletter tables).
 *
 * Paths.  Lists are DIR/index.html, DIR/index-N.html (20 per page);
 * details DIR/<id>.html.  Books also get books/year/index.html (every
 * 発行年 with its count) and books/year/<yyyy>/ (or books/year/unknown/
 * when the printed date has no year we can read): a library is
 * browsed by age, and the year is the one structured thing 発行日 holds.
 *
 *   reports/           report (活動実績・事例), newest 開催日 first
 *   books/             book, newest acquisition (published_at) first
 *   notices/           notice site 'supernet' kind 'notice'
 *   center-notices/    notice site 'supernet' kind 'center'
 *   newsletters/       newsletter site 'supernet' (さぽーとメール)
 *   boranet201909/notices/  notice site 'aikasa'
 *   boranet201909/news/     newsletter site 'aikasa' (活動ニュース)
 *
 * Notices and newsletters are ordered by posted_on, newest first; every
 * order ends in id so it is total.  Each list is one query read into
 * memory; a detail family reads all public rows in one query (build) or
 * one row per queued id (publish), and removes the page of a queued id
 * it did not render (unpublished or deleted).
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

#define PER_PAGE	20
#define ROW_COLS	16	/* text columns of one row, at most */
#define PATH_MAX_SZ	256

enum sql {
	SQL_REPORT_LIST,
	SQL_REPORT_ROWS,
	SQL_REPORT_PHOTOS,
	SQL_BOOK_LIST,
	SQL_BOOK_ROWS,
	SQL_NOTICE_LIST,
	SQL_NOTICE_ROWS,
	SQL_NEWS_LIST,
	SQL_NEWS_ROWS,
	SQL__MAX
};

/*
 * Every *_ROWS statement takes an id range (?1, ?2) so one statement
 * serves a full build (everything) and a publish (one id at a time).
 */
static const char *const sqls[SQL__MAX] = {
	/* SQL_REPORT_LIST */
	"SELECT id, title, org_name, held_on, place FROM report "
	"WHERE state = 'public' "
	"ORDER BY held_on IS NULL, held_on DESC, id DESC",
	/* SQL_REPORT_ROWS: o.id only for a listed group (public, active) */
	"SELECT r.id, r.title, r.body, r.org_name, r.org_kana, r.held_on, "
	"r.held_time, r.place, r.people, r.related_orgs, r.ref_url, o.id "
	"FROM report r LEFT JOIN org o ON o.id = r.org_id "
	"AND o.state = 'public' AND o.status = 'active' "
	"WHERE r.state = 'public' AND r.id BETWEEN ?1 AND ?2 ORDER BY r.id",
	/* SQL_REPORT_PHOTOS: published uploads only */
	"SELECT p.report_id, u.public_name, u.alt, u.id FROM report_photo p "
	"JOIN upload u ON u.id = p.upload_id "
	"WHERE u.state = 'public' AND u.public_name IS NOT NULL "
	"AND p.report_id BETWEEN ?1 AND ?2 ORDER BY p.report_id, p.sort",
	/* SQL_BOOK_LIST */
	"SELECT id, title, author, publisher, published_on, receipt_no "
	"FROM book WHERE state = 'public' "
	"ORDER BY coalesce(published_at, 0) DESC, id DESC",
	/* SQL_BOOK_ROWS */
	"SELECT id, title, author, body, publisher, published_on, receipt_no "
	"FROM book WHERE state = 'public' AND id BETWEEN ?1 AND ?2 "
	"ORDER BY id",
	/* SQL_NOTICE_LIST */
	"SELECT id, title, posted_on FROM notice WHERE site = ?1 "
	"AND kind = ?2 AND state = 'public' ORDER BY posted_on DESC, id DESC",
	/* SQL_NOTICE_ROWS */
	"SELECT id, site, kind, title, body, posted_on FROM notice "
	"WHERE state = 'public' AND id BETWEEN ?1 AND ?2 ORDER BY id",
	/* SQL_NEWS_LIST */
	"SELECT id, title, posted_on, issue_no FROM newsletter WHERE site = ?1 "
	"AND state = 'public' ORDER BY posted_on DESC, id DESC",
	/* SQL_NEWS_ROWS */
	"SELECT id, site, title, body, posted_on, issue_no FROM newsletter "
	"WHERE state = 'public' AND id BETWEEN ?1 AND ?2 ORDER BY id",
};

/* ---- rows read into memory ---- */

/* One result row: column 0 as id, the others as text (NULL kept). */
struct row {
	int64_t		 id;
	char		*c[ROW_COLS];
};

struct rows {
	struct row	*v;
	size_t		 len;
	size_t		 ncol;
};

static void
rows_free(struct rows *rs)
{
	size_t	 i, j;

	for (i = 0; i < rs->len; i++)
		for (j = 0; j < rs->ncol; j++)
			free(rs->v[i].c[j]);
	free(rs->v);
	rs->v = NULL;
	rs->len = 0;
}

/*
 * Step st to its end, appending each row to rs (c[i] is column i + 1).
 * 1 ok, 0 on a database error (printed).  The caller frees rs.
 */
static int
rows_read(struct db *db, sqlite3_stmt *st, struct rows *rs)
{
	const unsigned char	*t;
	struct row		*r;
	size_t			 i, cap = rs->len;
	int			 rc;

	rs->ncol = (size_t)sqlite3_column_count(st) - 1;
	if (rs->ncol > ROW_COLS)
		rs->ncol = ROW_COLS;
	while ((rc = db_row(db, st)) == 1) {
		if (rs->len == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			rs->v = xrealloc(rs->v, cap * sizeof(*rs->v));
		}
		r = &rs->v[rs->len++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		for (i = 0; i < rs->ncol; i++)
			if ((t = sqlite3_column_text(st, (int)i + 1)) != NULL)
				r->c[i] = xstrdup((const char *)t);
	}
	return rc == 0;
}

/* Run sqls[q] over ids lo..hi into rs; 1 ok. */
static int
rows_range(struct rctx *r, enum sql q, int64_t lo, int64_t hi,
    struct rows *rs)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(r->g->db, sqls[q])) == NULL)
		return 0;
	db_bind_int(st, 1, lo);
	db_bind_int(st, 2, hi);
	return rows_read(r->g->db, st, rs);
}

/* Run sqls[q] with up to two text parameters into rs; 1 ok. */
static int
rows_query(struct rctx *r, enum sql q, const char *p1, const char *p2,
    struct rows *rs)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(r->g->db, sqls[q])) == NULL)
		return 0;
	if (p1 != NULL)
		db_bind_text(st, 1, p1);
	if (p2 != NULL)
		db_bind_text(st, 2, p2);
	return rows_read(r->g->db, st, rs);
}

/* ---- shared helpers ---- */

/* Set key to s when s holds anything but white space. */
static void
set_nz(struct tval *o, const char *key, const char *s)
{
	const char	*p;

	if (s == NULL)
		return;
	for (p = s; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		continue;
	if (*p != '\0')
		tv_set_str(o, key, s);
}

/* Set key to an http(s) URL; anything else is not linked. */
static void
set_url(struct tval *o, const char *key, const char *u)
{
	if (u != NULL && (strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "http://", 7) == 0))
		tv_set_str(o, key, u);
}

/* Set key to the Markdown md rendered as HTML; 1 ok. */
static int
set_md(struct tval *o, const char *key, const char *md)
{
	struct buf	 b;
	int		 ok;

	buf_init(&b, 4 * 1024 * 1024);
	ok = md_render(md == NULL ? "" : md, &b);
	if (ok)
		tv_set_html(o, key, buf_str(&b));
	else
		kerr("Markdown too large");
	buf_free(&b);
	return ok;
}

/* "/" + relpath of a detail page: "/reports/12.html". */
static void
detail_href(char *s, size_t sz, const char *dir, int64_t id)
{
	snprintf(s, sz, "/%s%lld.html", dir, (long long)id);
}

/*
 * Read the detail rows of q: every public one (ids NULL) or those of
 * ids, in id order.  1 ok.
 */
static int
detail_rows(struct rctx *r, enum sql q, const struct idlist *ids,
    struct rows *rs)
{
	size_t	 i;

	if (ids == NULL)
		return rows_range(r, q, 0, INT64_MAX, rs);
	for (i = 0; i < ids->len; i++)
		if (!rows_range(r, q, ids->ids[i], ids->ids[i], rs))
			return 0;
	return 1;
}

/*
 * One page of a paginated list.  What every list page shares: the page
 * context (started with its deps to add), breadcrumbs, paging.
 */
struct listdef {
	enum siteid	 site;
	const char	*dir;		/* "reports/" */
	const char	*title;		/* h1 and breadcrumb */
	const char	*tmpl;		/* template name */
	const char	*kind;		/* kind_name() for site_dep */
	const char	*parent;	/* a crumb before title, or NULL */
	const char	*parent_href;
	const char	*item_dir;	/* detail pages, when not dir */
};

/* Fills one list item from a row; the page's deps are added for it. */
typedef void (*item_fn)(struct rctx *, const struct listdef *,
    const struct row *, struct tval *);

/*
 * Render the rows rs as the pages of list d (at least one page, which
 * says that there is nothing yet when rs is empty).  extra, when set,
 * is called on each page's context, and xmeta (or NULL) says all that
 * it prints that the list's kind can change (rctx_list_page()).  1 ok.
 */
static int
list_pages(struct rctx *r, const struct listdef *d, const struct rows *rs,
    item_fn fill, void (*extra)(struct rctx *, struct tval *, void *),
    void *arg, const char *xmeta)
{
	struct tval	*ctx, *items;
	struct buf	 meta;
	enum kind	 k;
	int64_t		 ids[PER_PAGE];
	char		*path, base[PATH_MAX_SZ], title[512];
	size_t		 pages, page, i, nid;
	int		 ok, kept;

	if (!kind_parse(d->kind, &k)) {
		kerr("%s: unknown kind %s", d->dir, d->kind);
		return 0;
	}
	pages = rs->len == 0 ? 1 : (rs->len + PER_PAGE - 1) / PER_PAGE;
	snprintf(base, sizeof(base), "%s%s", site_root(d->site), d->dir);
	/* What a page prints besides its items: count, from/to, paging. */
	buf_init(&meta, 64 * 1024);
	buf_printf(&meta, "count=%zu pages=%zu %s", rs->len, pages,
	    xmeta != NULL ? xmeta : "");
	if (!buf_ok(&meta)) {
		kerr("%s: list too long", d->dir);
		buf_free(&meta);
		return 0;
	}
	/* site_root() is "/" or "/boranet201909/"; d->dir is site-relative. */
	for (page = 1; page <= pages; page++) {
		char	 rel[PATH_MAX_SZ];

		snprintf(rel, sizeof(rel), "%s%s",
		    d->site == SITE_AIKASA ? "boranet201909/" : "", d->dir);
		path = page_path(rel, page);
		for (nid = 0, i = (page - 1) * PER_PAGE;
		    i < rs->len && i < page * PER_PAGE; i++)
			ids[nid++] = rs->v[i].id;
		ctx = rctx_list_page(r, path, KBIT(k), k, ids, nid,
		    buf_str(&meta), &kept);
		if (kept) {
			free(path);
			continue;
		}
		if (ctx == NULL) {
			free(path);
			buf_free(&meta);
			return 0;
		}
		if (page == 1)
			snprintf(title, sizeof(title), "%s", d->title);
		else
			snprintf(title, sizeof(title), "%s（%zuページ目）",
			    d->title, page);
		tv_set_str(ctx, "title", title);
		tv_set_str(ctx, "heading", d->title);
		/* the type of the list's keyword search form (search.c) */
		tv_set_str(ctx, "search_type", strcmp(d->dir,
		    "center-notices/") == 0 ? "center" : d->kind);
		tv_set_int(ctx, "count", (long long)rs->len);
		tv_set_int(ctx, "from", (long long)((page - 1) * PER_PAGE + 1));
		tv_set_int(ctx, "to", (long long)(page * PER_PAGE < rs->len ?
		    page * PER_PAGE : rs->len));
		items = tv_list(r->arena);
		for (i = (page - 1) * PER_PAGE;
		    i < rs->len && i < page * PER_PAGE; i++) {
			struct tval	*it = tv_push_obj(items);
			char		 href[PATH_MAX_SZ];

			snprintf(href, sizeof(href), "%s%s%lld.html",
			    site_root(d->site), d->item_dir != NULL ?
			    d->item_dir : d->dir, (long long)rs->v[i].id);
			tv_set_str(it, "href", href);
			site_dep(r->site, d->kind, rs->v[i].id);
			fill(r, d, &rs->v[i], it);
		}
		tv_set(ctx, "items", items);
		tv_set_bool(ctx, "has_items", rs->len > 0);
		if (d->parent != NULL)
			rctx_crumb(r, d->parent, d->parent_href);
		if (page == 1)
			rctx_crumb(r, d->title, NULL);
		else {
			rctx_crumb(r, d->title, base);
			snprintf(title, sizeof(title), "%zuページ目", page);
			rctx_crumb(r, title, NULL);
		}
		rctx_paging(r, ctx, base, page, pages);
		if (extra != NULL)
			extra(r, ctx, arg);
		ok = rctx_write(r, d->site, d->tmpl, ctx);
		free(path);
		if (!ok) {
			buf_free(&meta);
			return 0;
		}
	}
	buf_free(&meta);
	return 1;
}

/*
 * Start a detail page dir<id>.html with crumbs to its list; NULL on
 * error.  The relpath is made in path, which must live until the page
 * is written (rctx_page keeps the pointer).
 */
static struct tval *
detail_page(struct rctx *r, char *path, size_t pathsz, const char *dir,
    int64_t id, const char *list, const char *list_href, const char *title)
{
	struct tval	*ctx;

	snprintf(path, pathsz, "%s%lld.html", dir, (long long)id);
	if ((ctx = rctx_page(r, path)) == NULL)
		return NULL;
	tv_set_str(ctx, "title", title);
	tv_set_int(ctx, "id", (long long)id);
	rctx_crumb(r, list, list_href);
	rctx_crumb(r, title, NULL);
	return ctx;
}

/* ---- activity reports ---- */

static const struct listdef reports_def = {
	SITE_SUPERNET, "reports/", "活動実績・事例", "supernet/reports/list",
	"report", NULL, NULL, NULL
};

static void
report_item(struct rctx *r, const struct listdef *d, const struct row *w,
    struct tval *it)
{
	(void)r;
	(void)d;
	tv_set_str(it, "title", w->c[0]);
	set_nz(it, "org_name", w->c[1]);
	tv_date_ja(it, "held_on", w->c[2]);
	set_nz(it, "place", w->c[3]);
}

static int
render_reports_list(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 };
	int		 rc = 0;

	(void)ids;
	if (!rows_query(r, SQL_REPORT_LIST, NULL, NULL, &rs))
		goto out;
	rc = list_pages(r, &reports_def, &rs, report_item, NULL, NULL,
	    NULL);
out:
	rows_free(&rs);
	return rc;
}

/* Report rows: title body org_name org_kana held_on held_time place
 * people related_orgs ref_url org_id; photos: report public_name alt
 * upload_id. */
static int
render_reports_detail(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 }, ph = { NULL, 0, 0 };
	struct tval	*ctx, *photos, *p;
	const struct row *w;
	char		 href[PATH_MAX_SZ];
	size_t		 i, j = 0;
	char		 path[PATH_MAX_SZ];
	int		 rc = 0;

	if (!detail_rows(r, SQL_REPORT_ROWS, ids, &rs))
		goto out;
	if (ids == NULL) {
		if (!rows_range(r, SQL_REPORT_PHOTOS, 0, INT64_MAX, &ph))
			goto out;
	} else {
		for (i = 0; i < rs.len; i++)
			if (!rows_range(r, SQL_REPORT_PHOTOS, rs.v[i].id,
			    rs.v[i].id, &ph))
				goto out;
	}
	for (i = 0; i < rs.len; i++) {
		w = &rs.v[i];
		ctx = detail_page(r, path, sizeof(path), "reports/", w->id, reports_def.title,
		    "/reports/", w->c[0]);
		if (ctx == NULL)
			goto out;
		site_dep(r->site, "report", w->id);
		if (!set_md(ctx, "body", w->c[1]))
			goto out;
		set_nz(ctx, "org_name", w->c[2]);
		set_nz(ctx, "org_kana", w->c[3]);
		tv_date_ja(ctx, "held_on", w->c[4]);
		set_nz(ctx, "held_time", w->c[5]);
		set_nz(ctx, "place", w->c[6]);
		set_nz(ctx, "people", w->c[7]);
		set_nz(ctx, "related_orgs", w->c[8]);
		set_url(ctx, "ref_url", w->c[9]);
		if (w->c[10] != NULL) {
			long long oid;

			if (util_strtoll(w->c[10], 1, INT64_MAX, &oid)) {
				snprintf(href, sizeof(href), "/groups/%lld.html",
				    oid);
				tv_set_str(ctx, "org_href", href);
				site_dep(r->site, "org", oid);
			}
		}
		photos = tv_list(r->arena);
		while (j < ph.len && ph.v[j].id < w->id)
			j++;
		for (; j < ph.len && ph.v[j].id == w->id; j++) {
			if (ph.v[j].c[0] == NULL ||
			    !upload_name_ok(ph.v[j].c[0]))
				continue;
			p = tv_push_obj(photos);
			snprintf(href, sizeof(href), "/files/%s", ph.v[j].c[0]);
			tv_set_str(p, "src", href);
			/* Content, not decoration: never an empty alt. */
			if (ph.v[j].c[1] != NULL && *ph.v[j].c[1] != '\0')
				tv_set_str(p, "alt", ph.v[j].c[1]);
			else {
				snprintf(href, sizeof(href),
				    "活動の写真（%zu枚目）", tv_len(photos));
				tv_set_str(p, "alt", href);
			}
			if (ph.v[j].c[2] != NULL) {
				long long uid;

				if (util_strtoll(ph.v[j].c[2], 1, INT64_MAX,
				    &uid))
					site_dep(r->site, "upload", uid);
			}
		}
		tv_set(ctx, "photos", photos);
		tv_set_bool(ctx, "has_photos", tv_len(photos) > 0);
		detail_href(href, sizeof(href), "reports/", w->id);
		tv_set_str(ctx, "href", href);
		if (!rctx_write(r, SITE_SUPERNET, "supernet/reports/detail",
		    ctx))
			goto out;
	}
	rc = 1;
out:
	rows_free(&rs);
	rows_free(&ph);
	return rc;
}

/* ---- books ---- */

static const struct listdef books_def = {
	SITE_SUPERNET, "books/", "蔵書情報", "supernet/books/list",
	"book", NULL, NULL, NULL
};

/*
 * The year of a printed 発行日 ("2019年3月", "2019-03-01", "平成31年",
 * "令和元年"), 0 when none can be read.  Only ASCII and full-width
 * digits count.
 */
static int
book_year(const char *s)
{
	static const struct { const char *name; int base; } eras[] = {
		{ "令和", 2018 }, { "平成", 1988 }, { "昭和", 1925 },
	};
	const unsigned char	*p;
	size_t			 i, n;
	int			 v, digits;

	if (s == NULL)
		return 0;
	for (i = 0; i < KENMIN_NELEM(eras); i++) {
		const char *e = strstr(s, eras[i].name);

		if (e == NULL)
			continue;
		e += strlen(eras[i].name);
		if (strncmp(e, "元", 3) == 0)
			return eras[i].base + 1;
		for (v = 0, digits = 0; digits < 2; digits++) {
			if (*e >= '0' && *e <= '9')
				v = v * 10 + (*e++ - '0');
			else if ((unsigned char)e[0] == 0xef &&
			    (unsigned char)e[1] == 0xbc &&
			    (unsigned char)e[2] >= 0x90 &&
			    (unsigned char)e[2] <= 0x99) {
				v = v * 10 + ((unsigned char)e[2] - 0x90);
				e += 3;
			} else
				break;
		}
		return v > 0 ? eras[i].base + v : 0;
	}
	/* The first run of four digits between 1900 and 2099. */
	p = (const unsigned char *)s;
	for (v = 0, n = 0; *p != '\0';) {
		int d = -1;

		if (*p >= '0' && *p <= '9') {
			d = *p - '0';
			p++;
		} else if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 &&
		    p[2] <= 0x99) {
			d = p[2] - 0x90;
			p += 3;
		} else
			p++;
		if (d < 0) {
			if (n == 4 && v >= 1900 && v <= 2099)
				return v;
			v = 0;
			n = 0;
			continue;
		}
		v = v * 10 + d;
		n++;
		if (n > 4) {
			v = 0;
			n = 5;	/* a longer number: skip it */
		}
	}
	return n == 4 && v >= 1900 && v <= 2099 ? v : 0;
}

static void
book_item(struct rctx *r, const struct listdef *d, const struct row *w,
    struct tval *it)
{
	(void)r;
	(void)d;
	tv_set_str(it, "title", w->c[0]);
	set_nz(it, "author", w->c[1]);
	set_nz(it, "publisher", w->c[2]);
	set_nz(it, "published_on", w->c[3]);
	set_nz(it, "receipt_no", w->c[4]);
}

/* The 発行年 facet: years with their counts, newest first. */
struct years {
	int	*year;		/* 0: unknown */
	size_t	*count;
	size_t	 len;
};

static void
years_free(struct years *y)
{
	free(y->year);
	free(y->count);
}

static int
year_cmp(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	/* Newest first, unknown (0) last. */
	if (x == y)
		return 0;
	if (x == 0)
		return 1;
	if (y == 0)
		return -1;
	return x > y ? -1 : 1;
}

/* Collect the distinct years of the book rows rs (column 3). */
static void
years_collect(const struct rows *rs, struct years *y)
{
	size_t	 i, j;
	int	 v;

	memset(y, 0, sizeof(*y));
	for (i = 0; i < rs->len; i++) {
		v = book_year(rs->v[i].c[3]);
		for (j = 0; j < y->len; j++)
			if (y->year[j] == v)
				break;
		if (j == y->len) {
			y->year = xrealloc(y->year, (y->len + 1) *
			    sizeof(*y->year));
			y->len++;
			y->year[j] = v;
		}
	}
	if (y->len > 1)
		qsort(y->year, y->len, sizeof(*y->year), year_cmp);
	y->count = xcalloc(y->len == 0 ? 1 : y->len, sizeof(*y->count));
	for (i = 0; i < rs->len; i++) {
		v = book_year(rs->v[i].c[3]);
		for (j = 0; j < y->len; j++)
			if (y->year[j] == v)
				y->count[j]++;
	}
}

static void
year_slug(char *s, size_t sz, int year)
{
	if (year == 0)
		snprintf(s, sz, "unknown");
	else
		snprintf(s, sz, "%d", year);
}

static void
year_label(char *s, size_t sz, int year)
{
	if (year == 0)
		snprintf(s, sz, "発行年不明");
	else
		snprintf(s, sz, "%d年発行", year);
}

/* The years and counts years_links() prints, as list meta into b. */
static void
years_meta(const struct years *y, struct buf *b)
{
	size_t	 i;

	buf_puts(b, "years=");
	for (i = 0; i < y->len; i++)
		buf_printf(b, "%d:%zu,", y->year[i], y->count[i]);
}

/* The facet links every book list page shows. */
static void
years_links(struct rctx *r, struct tval *ctx, void *arg)
{
	const struct years	*y = arg;
	struct tval		*l, *o;
	char			 s[64], href[128];
	size_t			 i;

	l = tv_list(r->arena);
	for (i = 0; i < y->len; i++) {
		o = tv_push_obj(l);
		year_slug(s, sizeof(s), y->year[i]);
		snprintf(href, sizeof(href), "/books/year/%s/", s);
		tv_set_str(o, "href", href);
		year_label(s, sizeof(s), y->year[i]);
		tv_set_str(o, "label", s);
		tv_set_int(o, "count", (long long)y->count[i]);
	}
	tv_set(ctx, "years", l);
	tv_set_bool(ctx, "has_years", y->len > 0);
}

static int
render_books_list(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 };
	struct years	 y;
	struct buf	 ym;
	int		 rc = 0;

	(void)ids;
	buf_init(&ym, 64 * 1024);
	memset(&y, 0, sizeof(y));
	if (!rows_query(r, SQL_BOOK_LIST, NULL, NULL, &rs))
		goto out;
	years_collect(&rs, &y);
	years_meta(&y, &ym);
	rc = list_pages(r, &books_def, &rs, book_item, years_links, &y,
	    buf_str(&ym));
out:
	buf_free(&ym);
	years_free(&y);
	rows_free(&rs);
	return rc;
}

/* books/year/index.html and one paginated list per year. */
static int
render_books_years(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 }, sub = { NULL, 0, 0 };
	struct years	 y;
	struct buf	 ym;
	struct listdef	 d;
	struct tval	*ctx;
	char		 dir[64], slug[32], label[64];
	size_t		 i, j;
	int		 rc = 0;

	(void)ids;
	buf_init(&ym, 64 * 1024);
	memset(&y, 0, sizeof(y));
	if (!rows_query(r, SQL_BOOK_LIST, NULL, NULL, &rs))
		goto out;
	years_collect(&rs, &y);
	years_meta(&y, &ym);

	if ((ctx = rctx_page(r, "books/year/index.html")) == NULL)
		goto out;
	tv_set_str(ctx, "title", "発行年から探す（蔵書情報）");
	tv_set_int(ctx, "count", (long long)rs.len);
	years_links(r, ctx, &y);
	rctx_crumb(r, books_def.title, "/books/");
	rctx_crumb(r, "発行年から探す", NULL);
	if (!rctx_write(r, SITE_SUPERNET, "supernet/books/years", ctx))
		goto out;

	sub.ncol = rs.ncol;
	for (i = 0; i < y.len; i++) {
		/* The rows of this year, in the list's order (borrowed). */
		sub.len = 0;
		for (j = 0; j < rs.len; j++) {
			if (book_year(rs.v[j].c[3]) != y.year[i])
				continue;
			sub.v = xrealloc(sub.v, (sub.len + 1) * sizeof(*sub.v));
			sub.v[sub.len++] = rs.v[j];
		}
		year_slug(slug, sizeof(slug), y.year[i]);
		year_label(label, sizeof(label), y.year[i]);
		snprintf(dir, sizeof(dir), "books/year/%s/", slug);
		d = books_def;
		d.dir = dir;
		d.title = label;
		d.parent = books_def.title;
		d.parent_href = "/books/";
		d.item_dir = books_def.dir;
		if (!list_pages(r, &d, &sub, book_item, years_links, &y,
		    buf_str(&ym)))
			goto out;
	}
	rc = 1;
out:
	buf_free(&ym);
	free(sub.v);		/* the strings belong to rs */
	years_free(&y);
	rows_free(&rs);
	return rc;
}

/* Book rows: title author body publisher published_on receipt_no. */
static int
render_books_detail(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 };
	struct tval	*ctx;
	const struct row *w;
	char		 s[64], href[128];
	size_t		 i;
	char		 path[PATH_MAX_SZ];
	int		 rc = 0, year;

	if (!detail_rows(r, SQL_BOOK_ROWS, ids, &rs))
		goto out;
	for (i = 0; i < rs.len; i++) {
		w = &rs.v[i];
		ctx = detail_page(r, path, sizeof(path), "books/", w->id, books_def.title,
		    "/books/", w->c[0]);
		if (ctx == NULL)
			goto out;
		site_dep(r->site, "book", w->id);
		set_nz(ctx, "author", w->c[1]);
		if (w->c[2] != NULL && !set_md(ctx, "body", w->c[2]))
			goto out;
		set_nz(ctx, "publisher", w->c[3]);
		set_nz(ctx, "published_on", w->c[4]);
		set_nz(ctx, "receipt_no", w->c[5]);
		year = book_year(w->c[4]);
		year_slug(s, sizeof(s), year);
		snprintf(href, sizeof(href), "/books/year/%s/", s);
		tv_set_str(ctx, "year_href", href);
		year_label(s, sizeof(s), year);
		tv_set_str(ctx, "year_label", s);
		if (!rctx_write(r, SITE_SUPERNET, "supernet/books/detail", ctx))
			goto out;
	}
	rc = 1;
out:
	rows_free(&rs);
	return rc;
}

/* ---- notices (お知らせ, センターからのお知らせ, あいかさねっと) ---- */

static const struct listdef notices_def = {
	SITE_SUPERNET, "notices/", "お知らせ", "supernet/notices/list",
	"notice", NULL, NULL, NULL
};
static const struct listdef center_def = {
	SITE_SUPERNET, "center-notices/", "センターからのお知らせ",
	"supernet/notices/list", "notice", NULL, NULL, NULL
};
static const struct listdef ak_notices_def = {
	SITE_AIKASA, "notices/", "お知らせ", "supernet/notices/list",
	"notice", NULL, NULL, NULL
};

static void
notice_item(struct rctx *r, const struct listdef *d, const struct row *w,
    struct tval *it)
{
	(void)r;
	(void)d;
	tv_set_str(it, "title", w->c[0]);
	tv_date_ja(it, "posted_on", w->c[1]);
}

static int
render_notices(struct rctx *r, const struct listdef *d, const char *site,
    const char *kind)
{
	struct rows	 rs = { NULL, 0, 0 };
	int		 rc = 0;

	if (!rows_query(r, SQL_NOTICE_LIST, site, kind, &rs))
		goto out;
	rc = list_pages(r, d, &rs, notice_item, NULL, NULL, NULL);
out:
	rows_free(&rs);
	return rc;
}

static int
render_sn_notices(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_notices(r, &notices_def, "supernet", "notice");
}

static int
render_sn_center(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_notices(r, &center_def, "supernet", "center");
}

static int
render_ak_notices(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_notices(r, &ak_notices_def, "aikasa", "notice");
}

/* Notice rows: site kind title body posted_on. */
static int
render_notices_detail(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 };
	const struct listdef *d;
	struct tval	*ctx;
	const struct row *w;
	char		 dir[64], list[64];
	size_t		 i;
	char		 path[PATH_MAX_SZ];
	int		 rc = 0;

	if (!detail_rows(r, SQL_NOTICE_ROWS, ids, &rs))
		goto out;
	for (i = 0; i < rs.len; i++) {
		w = &rs.v[i];
		if (strcmp(w->c[0], "aikasa") == 0)
			d = &ak_notices_def;
		else if (strcmp(w->c[1], "center") == 0)
			d = &center_def;
		else
			d = &notices_def;
		snprintf(dir, sizeof(dir), "%s%s",
		    d->site == SITE_AIKASA ? "boranet201909/" : "", d->dir);
		snprintf(list, sizeof(list), "%s%s", site_root(d->site),
		    d->dir);
		ctx = detail_page(r, path, sizeof(path), dir, w->id, d->title, list, w->c[2]);
		if (ctx == NULL)
			goto out;
		site_dep(r->site, "notice", w->id);
		tv_set_str(ctx, "list_title", d->title);
		tv_set_str(ctx, "list_href", list);
		tv_date_ja(ctx, "posted_on", w->c[4]);
		if (!set_md(ctx, "body", w->c[3]))
			goto out;
		if (!rctx_write(r, d->site, "supernet/notices/detail", ctx))
			goto out;
	}
	rc = 1;
out:
	rows_free(&rs);
	return rc;
}

/* ---- newsletters (さぽーとメール, 活動ニュース) ---- */

static const struct listdef news_def = {
	SITE_SUPERNET, "newsletters/", "さぽーとメール（バックナンバー）",
	"supernet/newsletters/list", "newsletter", NULL, NULL, NULL
};
static const struct listdef ak_news_def = {
	SITE_AIKASA, "news/", "活動ニュース（メールマガジン）",
	"supernet/newsletters/list", "newsletter", NULL, NULL, NULL
};

static void
news_item(struct rctx *r, const struct listdef *d, const struct row *w,
    struct tval *it)
{
	(void)r;
	(void)d;
	tv_set_str(it, "title", w->c[0]);
	tv_date_ja(it, "posted_on", w->c[1]);
	set_nz(it, "issue_no", w->c[2]);
}

static int
render_news(struct rctx *r, const struct listdef *d, const char *site)
{
	struct rows	 rs = { NULL, 0, 0 };
	int		 rc = 0;

	if (!rows_query(r, SQL_NEWS_LIST, site, NULL, &rs))
		goto out;
	rc = list_pages(r, d, &rs, news_item, NULL, NULL, NULL);
out:
	rows_free(&rs);
	return rc;
}

static int
render_sn_news(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_news(r, &news_def, "supernet");
}

static int
render_ak_news(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_news(r, &ak_news_def, "aikasa");
}

/* Newsletter rows: site title body posted_on issue_no. */
static int
render_news_detail(struct rctx *r, const struct idlist *ids)
{
	struct rows	 rs = { NULL, 0, 0 };
	const struct listdef *d;
	struct tval	*ctx;
	const struct row *w;
	char		 dir[64], list[64];
	size_t		 i;
	char		 path[PATH_MAX_SZ];
	int		 rc = 0;

	if (!detail_rows(r, SQL_NEWS_ROWS, ids, &rs))
		goto out;
	for (i = 0; i < rs.len; i++) {
		w = &rs.v[i];
		d = strcmp(w->c[0], "aikasa") == 0 ? &ak_news_def : &news_def;
		snprintf(dir, sizeof(dir), "%s%s",
		    d->site == SITE_AIKASA ? "boranet201909/" : "", d->dir);
		snprintf(list, sizeof(list), "%s%s", site_root(d->site),
		    d->dir);
		ctx = detail_page(r, path, sizeof(path), dir, w->id, d->title, list, w->c[1]);
		if (ctx == NULL)
			goto out;
		site_dep(r->site, "newsletter", w->id);
		tv_set_str(ctx, "list_title", d->title);
		tv_set_str(ctx, "list_href", list);
		tv_date_ja(ctx, "posted_on", w->c[3]);
		set_nz(ctx, "issue_no", w->c[4]);
		if (!set_md(ctx, "body", w->c[2]))
			goto out;
		if (!rctx_write(r, d->site, "supernet/newsletters/detail", ctx))
			goto out;
	}
	rc = 1;
out:
	rows_free(&rs);
	return rc;
}

/* ---- the families ---- */

/*
 * Detail families: a report page links its org (site_dep, so
 * site_shows() finds it) and shows photos; the others show their own
 * row only.  A notice or newsletter moves between the dirs when its
 * site changes: build.c removes the page it no longer renders.
 */
static const char *const report_dirs[] = { "reports/", NULL };
static const char *const book_dirs[] = { "books/", NULL };
static const char *const notice_dirs[] = { "notices/", "center-notices/",
	"boranet201909/notices/", NULL };
static const char *const news_dirs[] = { "newsletters/",
	"boranet201909/news/", NULL };
static const struct famdep report_deps[] = {
	{ K_UPLOAD, "SELECT report_id FROM report_photo WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};

const struct family fam_reports_list = { "reports list",
	KBIT(K_REPORT), "reports/index", K_REPORT, 0, render_reports_list,
	NULL, NULL };
const struct family fam_reports_detail = { "report pages",
	0, NULL, K_REPORT, 1, render_reports_detail, report_dirs,
	report_deps };
const struct family fam_books_list = { "books list",
	KBIT(K_BOOK), "books/index", K_BOOK, 0, render_books_list,
	NULL, NULL };
const struct family fam_books_years = { "books by year",
	KBIT(K_BOOK), "books/year/", K_BOOK, 0, render_books_years,
	NULL, NULL };
const struct family fam_books_detail = { "book pages",
	0, NULL, K_BOOK, 1, render_books_detail, book_dirs, NULL };
const struct family fam_sn_notices_list = { "notices list",
	KBIT(K_NOTICE), "notices/index", K_NOTICE, 0, render_sn_notices,
	NULL, NULL };
const struct family fam_sn_center_list = { "center notices list",
	KBIT(K_NOTICE), "center-notices/index", K_NOTICE, 0,
	render_sn_center, NULL, NULL };
const struct family fam_ak_notices_list = { "aikasa notices list",
	KBIT(K_NOTICE), "boranet201909/notices/index", K_NOTICE, 0,
	render_ak_notices, NULL, NULL };
const struct family fam_notices_detail = { "notice pages",
	0, NULL, K_NOTICE, 1, render_notices_detail, notice_dirs, NULL };
const struct family fam_sn_news_list = { "newsletters list",
	KBIT(K_NEWSLETTER), "newsletters/index", K_NEWSLETTER, 0,
	render_sn_news, NULL, NULL };
const struct family fam_ak_news_list = { "aikasa news list",
	KBIT(K_NEWSLETTER), "boranet201909/news/index", K_NEWSLETTER, 0,
	render_ak_news, NULL, NULL };
const struct family fam_news_detail = { "newsletter pages",
	0, NULL, K_NEWSLETTER, 1, render_news_detail, news_dirs, NULL };
