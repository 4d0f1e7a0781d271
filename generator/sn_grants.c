/*
 * sn_grants.c: the Super Net pages of grants (助成金情報): the list, the
 * lists per 対象分野 and per 対象エリア, the calendar of application
 * deadlines, and one detail page per public grant (R061, R063).
 *
 * Two lists, each in a total order: grants/ (and the field and area
 * lists under grants/field/ and grants/area/) holds the open grants
 * (not cancelled, deadline today or later, or none) by deadline
 * ascending, undated last, ties by id; grants/closed/ (and
 * grants/field/SLUG/closed/, grants/area/SLUG/closed/) the closed ones
 * (past deadline or cancelled) by deadline descending, ties by id
 * descending.
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

/*
 * The list query: SQL_LIST reads GR_COLS and the text columns (GR_TEXT)
 * of every public grant, SQL_SKEL the same rows in the same order
 * (which decides the pages) with GR_COLS only: what the order, the list
 * membership, the keep test and the calendar months need.  grp 0 is
 * open (not cancelled, deadline today or later, or none), 1 closed.
 */
#define GR_COLS \
	"id, coalesce(apply_until, ''), cancelled, grp, " \
	"coalesce(fields, ''), coalesce(areas, '')"
#define GR_TEXT "name, funder, coalesce(apply_from, '')"
#define GR_FROM(cols) \
	"FROM (SELECT " cols ", (SELECT group_concat(field_id) FROM " \
	"grant_field WHERE grant_id = g.id) AS fields, " \
	"(SELECT group_concat(area_id) FROM grant_area " \
	"WHERE grant_id = g.id) AS areas, " \
	"CASE WHEN g.cancelled = 0 AND (g.apply_until IS NULL " \
	"OR g.apply_until = '' OR g.apply_until >= ?1) THEN 0 ELSE 1 END " \
	"AS grp FROM grant_item g WHERE g.state = 'public') " \
	"ORDER BY grp, " \
	"CASE grp WHEN 0 THEN coalesce(nullif(apply_until, ''), '9999') END, " \
	"CASE grp WHEN 1 THEN apply_until END DESC, " \
	"CASE grp WHEN 1 THEN -id ELSE id END"

enum sql {
	SQL_LIST,
	SQL_SKEL,
	SQL_TEXT,
	SQL_IDS,
	SQL_ONE,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_LIST: ?1 = today */
	"SELECT " GR_COLS ", " GR_TEXT " " GR_FROM("g.*"),
	/*
	 * SQL_SKEL: a publish's, from the covering index grant_span
	 * (migration 0006) and the facet tables' primary keys.
	 */
	"SELECT " GR_COLS " " GR_FROM("g.id, g.apply_until, g.cancelled"),
	/* SQL_TEXT: the text columns of one grant */
	"SELECT " GR_TEXT " FROM grant_item WHERE id = ?1",
	/* SQL_IDS */
	"SELECT id FROM grant_item WHERE state = 'public' ORDER BY id",
	/* SQL_ONE: every R063 field */
	"SELECT g.funder, g.name, g.purpose, g.amount, g.target_project, "
	"g.audience, g.apply_from, g.apply_until, g.apply_method, "
	"g.contact_org, g.contact_zip, g.contact_address, g.contact_tel, "
	"g.contact_fax, g.contact_email, g.ref_url, g.cancelled, "
	"(SELECT group_concat(field_id) FROM grant_field "
	"WHERE grant_id = g.id), "
	"(SELECT group_concat(area_id) FROM grant_area WHERE grant_id = g.id) "
	"FROM grant_item g WHERE g.id = ?1 AND g.state = 'public'",
};

/*
 * A row of the list query.  In a publish only the skeleton is read (id,
 * deadline, fields, areas, cancelled, closed: what the order, the list
 * membership, the keep test and the calendar months need); name, funder
 * and from stay NULL until gr_fill() reads them for a rendered page.
 */
struct gr {
	int64_t		 id;
	char		*name, *funder, *from, *until, *fields, *areas;
	uint64_t	 fmask, amask;	/* sn_csv_mask() of fields, areas */
	int		 cancelled;
	int		 closed;
	int		 filled;	/* 1: the text columns are read */
};

struct grs {
	struct gr	*v;
	size_t		 len;
};

static void
grs_free(struct grs *g)
{
	size_t	 i;

	for (i = 0; i < g->len; i++) {
		free(g->v[i].name);
		free(g->v[i].funder);
		free(g->v[i].from);
		free(g->v[i].until);
		free(g->v[i].fields);
		free(g->v[i].areas);
	}
	free(g->v);
}

/* The text columns of v from st's columns off.. (GR_TEXT). */
static void
gr_text(struct gr *v, sqlite3_stmt *st, int off)
{
	v->name = xstrdup(db_col_text(st, off));
	v->funder = xstrdup(db_col_text(st, off + 1));
	v->from = xstrdup(db_col_text(st, off + 2));
	v->filled = 1;
}

/*
 * Every public grant in list order into g: in a full build with its
 * text columns (every page is rendered), in a publish the skeleton.
 */
static int
grs_load(struct rctx *r, void *arg)
{
	struct grs	*g = arg;
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct gr	*v;
	size_t		 cap = 0;
	int		 rc;

	if ((st = db_prep(db, sqls[r->full ? SQL_LIST : SQL_SKEL])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	while ((rc = db_row(db, st)) == 1) {
		if (g->len == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			g->v = xrealloc(g->v, cap * sizeof(*g->v));
		}
		v = &g->v[g->len++];
		memset(v, 0, sizeof(*v));
		v->id = sqlite3_column_int64(st, 0);
		v->until = xstrdup(db_col_text(st, 1));
		v->cancelled = sqlite3_column_int(st, 2);
		v->closed = sqlite3_column_int(st, 3);
		v->fields = xstrdup(db_col_text(st, 4));
		v->areas = xstrdup(db_col_text(st, 5));
		v->fmask = sn_csv_mask(v->fields);
		v->amask = sn_csv_mask(v->areas);
		if (r->full)
			gr_text(v, st, 6);
	}
	return rc == 0;
}

/* Read the text columns of a skeleton row; 1 ok, 0 error (printed). */
static int
gr_fill(struct rctx *r, struct gr *v)
{
	sqlite3_stmt	*st;

	if (v->filled)
		return 1;
	if ((st = sn_row_by_id(r, sqls[SQL_TEXT], v->id, "grant")) == NULL)
		return 0;
	gr_text(v, st, 0);
	sqlite3_reset(st);
	return 1;
}

static const char grs_key;	/* rctx_cache_load() key of the rows */

static void
grs_release(void *arg)
{
	grs_free(arg);
	free(arg);
}

/*
 * Every public grant in list order, read once per run for the five
 * list families (rctx's cache owns it); NULL on error.
 */
static struct grs *
grs_get(struct rctx *r)
{
	return rctx_cache_load(r, &grs_key, sizeof(struct grs), grs_load,
	    grs_release);
}

/* 募集中・募集予定・募集終了・中止 on today's date. */
static const char *
status_label(const struct rctx *r, const struct gr *v)
{
	if (v->cancelled)
		return "中止";
	if (v->closed)
		return "募集終了";
	if (*v->from != '\0' && strcmp(v->from, r->g->today) > 0)
		return "募集予定";
	return "募集中";
}

static void
links(struct rctx *r, struct tval *ctx, const struct sn_master *m,
    enum sn_mtab t, const char *key, const char *dir, const char *sub)
{
	const struct sn_mrow	*rows;
	struct tval		*list, *o;
	char			 href[256];
	size_t			 i, n;

	list = tv_list(r->arena);
	rows = sn_master_rows(m, t, &n);
	for (i = 0; i < n; i++) {
		o = tv_push_obj(list);
		tv_set_int(o, "id", (long long)rows[i].id);
		tv_set_str(o, "name", rows[i].name);
		snprintf(href, sizeof(href), "/grants/%s/%s/%s", dir,
		    rows[i].slug, sub);
		tv_set_str(o, "href", href);
	}
	tv_set(ctx, key, list);
}

/*
 * One list of grants: the open part (grp 0) at dir, or the closed part
 * (grp 1) at dir "closed/", of every grant or of one 対象分野 or
 * 対象エリア.  A new open grant, the common case, leaves the pages of
 * the closed part alone.
 */
struct grlist {
	const char	*dir;		/* "grants/", "grants/field/SLUG/" */
	const char	*facet;		/* "対象分野「…」", NULL: all */
	int64_t		 field_id;	/* 0: any */
	int64_t		 area_id;	/* 0: any */
	int		 closed;	/* 1: the closed part */
	const char	*calendar;	/* open part: calendar link or NULL */
};

static int
gr_in_list(const struct grlist *l, const struct gr *v)
{
	return v->closed == l->closed &&
	    (l->field_id == 0 || sn_csv_in(v->fields, v->fmask, l->field_id)) &&
	    (l->area_id == 0 || sn_csv_in(v->areas, v->amask, l->area_id));
}

/* The breadcrumbs, and the title into t. */
static void
gr_list_title(struct rctx *r, const struct grlist *l, char *t, size_t tsz)
{
	char	 href[256], up[512];

	if (l->facet == NULL) {
		snprintf(t, tsz, "%s", l->closed ? "募集を終了した助成" :
		    "助成を探す");
		rctx_crumb(r, "助成を探す", l->closed ? "/grants/" : NULL);
		if (l->closed)
			rctx_crumb(r, t, NULL);
		return;
	}
	snprintf(up, sizeof(up), "%sの助成", l->facet);
	rctx_crumb(r, "助成を探す", "/grants/");
	if (!l->closed) {
		snprintf(t, tsz, "%s", up);
		rctx_crumb(r, t, NULL);
		return;
	}
	snprintf(t, tsz, "%sの募集を終了した助成", l->facet);
	snprintf(href, sizeof(href), "/%s", l->dir);
	rctx_crumb(r, up, href);
	rctx_crumb(r, t, NULL);
}

/* The item of a list: the fields a list row shows; 0 on error. */
static int
gr_item(struct rctx *r, struct tval *list, const struct sn_master *m,
    struct gr *v)
{
	struct tval	*o;
	char		 href[64];

	if (!gr_fill(r, v))
		return 0;
	site_dep(r->site, kind_name(K_GRANT), v->id);
	o = tv_push_obj(list);
	snprintf(href, sizeof(href), "/grants/%lld.html", (long long)v->id);
	tv_set_str(o, "href", href);
	tv_set_str(o, "name", v->name);
	tv_set_str(o, "funder", v->funder);
	tv_date_ja(o, "from", v->from);
	tv_date_ja(o, "until", v->until);
	/*
	 * The status stays on every row: in the open list it tells 募集中
	 * from 募集予定, in the closed list 募集終了 from 中止.
	 */
	tv_set_str(o, "status", status_label(r, v));
	sn_tv_master(o, "fields", r->arena, m, SNM_FIELD, v->fields, NULL);
	return 1;
}

/* The paginated pages of list l. */
static int
gr_list(struct rctx *r, const struct sn_master *m, struct grs *all,
    const struct grlist *l)
{
	struct tval	*ctx, *list;
	size_t		*idx, n = 0, i, page, pages, k, nid;
	int64_t		 ids[PER_PAGE];
	char		*path = NULL, dir[256], base[264], href[256];
	char		 title[512], t[600], meta[512];
	const char	*sub = l->closed ? "closed/" : "";
	int		 rc = 0, kept;

	idx = xcalloc(all->len + 1, sizeof(*idx));
	for (i = 0; i < all->len; i++)
		if (gr_in_list(l, &all->v[i]))
			idx[n++] = i;
	pages = n == 0 ? 1 : (n + PER_PAGE - 1) / PER_PAGE;
	snprintf(dir, sizeof(dir), "%s%s", l->dir, sub);
	snprintf(base, sizeof(base), "/%s", dir);
	for (page = 1; page <= pages; page++) {
		free(path);
		path = page_path(dir, page);
		for (nid = 0, k = (page - 1) * PER_PAGE;
		    k < n && k < page * PER_PAGE; k++)
			ids[nid++] = all->v[idx[k]].id;
		/* As in sn_events.c: the total is printed on page 1 only. */
		if (page == 1)
			snprintf(meta, sizeof(meta), "total=%zu pages=%zu "
			    "cal=%s", n, pages, l->calendar != NULL ?
			    l->calendar : "");
		else
			snprintf(meta, sizeof(meta), "pages=%zu cal=%s", pages,
			    l->calendar != NULL ? l->calendar : "");
		ctx = rctx_list_page(r, path, KBIT(K_GRANT), K_GRANT, ids, nid,
		    meta, &kept);
		if (kept)
			continue;
		if (ctx == NULL)
			goto out;
		gr_list_title(r, l, title, sizeof(title));
		if (page > 1)
			snprintf(t, sizeof(t), "%s（%zuページ目）", title, page);
		else
			snprintf(t, sizeof(t), "%s", title);
		tv_set_str(ctx, "title", t);
		tv_set_str(ctx, "heading", title);
		if (page == 1)
			tv_set_int(ctx, "total", (long long)n);
		tv_set_bool(ctx, "closed_list", l->closed);
		if (l->calendar != NULL)
			tv_set_str(ctx, "calendar_href", l->calendar);
		/* The other part, without its count (not in this meta). */
		snprintf(href, sizeof(href), "/%s%s", l->dir,
		    l->closed ? "" : "closed/");
		tv_set_str(ctx, "other_href", href);
		tv_set_str(ctx, "all_href", l->closed ? "/grants/closed/" :
		    "/grants/");
		list = tv_list(r->arena);
		for (k = (page - 1) * PER_PAGE;
		    k < n && k < page * PER_PAGE; k++)
			if (!gr_item(r, list, m, &all->v[idx[k]]))
				goto out;
		if (tv_len(list) > 0) {
			tv_set(ctx, "items", list);
			tv_set_bool(ctx, "has_items", 1);
		}
		links(r, ctx, m, SNM_FIELD, "field_links", "field", sub);
		links(r, ctx, m, SNM_AREA, "area_links", "area", sub);
		rctx_paging(r, ctx, base, page, pages);
		if (!rctx_write(r, SITE_SUPERNET, "supernet/grants/list", ctx))
			goto out;
	}
	rc = 1;
out:
	free(path);
	free(idx);
	return rc;
}

static void
gr_months(const struct grs *all, char (**months)[8], size_t *n)
{
	size_t	 i;

	for (i = 0; i < all->len; i++)
		sn_months_add(months, n, all->v[i].until, NULL);
}

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct grs		*all;
	struct grlist		 l = { "grants/", NULL, 0, 0, 0, NULL };
	char			(*months)[8] = NULL, href[64];
	const char		*cal = NULL;
	size_t			 nm = 0, i;
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = grs_get(r)) == NULL)
		goto out;
	gr_months(all, &months, &nm);
	for (i = 0; i < nm && cal == NULL; i++)
		if (strncmp(months[i], r->g->today, 7) >= 0)
			cal = months[i];
	if (cal == NULL && nm > 0)
		cal = months[nm - 1];
	if (cal != NULL) {
		snprintf(href, sizeof(href), "/grants/calendar/%s.html", cal);
		l.calendar = href;
	}
	rc = gr_list(r, m, all, &l);
out:
	free(months);
	sn_master_free(m);
	return rc;
}

/* grants/closed/: every closed grant, the latest deadline first. */
static int
render_closed(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct grs		*all;
	struct grlist		 l = { "grants/", NULL, 0, 0, 1, NULL };
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = grs_get(r)) != NULL)
		rc = gr_list(r, m, all, &l);
	sn_master_free(m);
	return rc;
}

/*
 * Both parts of the list of every 対象分野 (field != 0) or 対象エリア
 * (a closed part even when empty).
 */
static int
render_facet(struct rctx *r, int field)
{
	struct sn_master	*m;
	struct grs		*all;
	const struct sn_mrow	*rows;
	struct grlist		 l;
	char			 dir[256], facet[256];
	size_t			 i, n;
	int			 rc = 0;

	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = grs_get(r)) == NULL)
		goto out;
	rows = sn_master_rows(m, field ? SNM_FIELD : SNM_AREA, &n);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "grants/%s/%s/",
		    field ? "field" : "area", rows[i].slug);
		snprintf(facet, sizeof(facet), field ? "対象分野「%s」" :
		    "対象エリア「%s」", rows[i].name);
		l.dir = dir;
		l.facet = facet;
		l.field_id = field ? rows[i].id : 0;
		l.area_id = field ? 0 : rows[i].id;
		l.calendar = NULL;
		for (l.closed = 0; l.closed <= 1; l.closed++)
			if (!gr_list(r, m, all, &l))
				goto out;
	}
	rc = 1;
out:
	sn_master_free(m);
	return rc;
}

static int
render_field(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, 1);
}

static int
render_area(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, 0);
}

/* A grant is on the page of its deadline's month. */
static int
gr_in_month(const struct sn_calitem *it, const char *first, const char *last)
{
	(void)last;
	return strncmp(it->from, first, 7) == 0;
}

/* The title of a calendar item, read for a month that is rendered. */
static int
gr_cal_fill(struct rctx *r, struct sn_calitem *it)
{
	struct gr	*v = it->ref;

	if (!gr_fill(r, v))
		return 0;
	it->title = v->name;
	return 1;
}

static const struct sn_calpages gr_cal = {
	K_GRANT, "grants/", "助成を探す", "助成の募集締め切りカレンダー",
	"supernet/grants/calendar", gr_in_month, gr_cal_fill
};

static int
render_calendar(struct rctx *r, const struct idlist *ids)
{
	struct grs		*all;
	struct sn_calitem	*items = NULL;
	char			(*months)[8] = NULL;
	size_t			 nm = 0, i;
	int			 rc = 0;

	(void)ids;
	if ((all = grs_get(r)) == NULL)
		goto out;
	gr_months(all, &months, &nm);
	items = xcalloc(all->len + 1, sizeof(*items));
	for (i = 0; i < all->len; i++) {	/* by deadline, then id */
		items[i].id = all->v[i].id;
		items[i].title = all->v[i].name;	/* NULL: gr_cal_fill */
		items[i].ref = &all->v[i];
		items[i].from = all->v[i].until;
		items[i].to = all->v[i].until;
		items[i].cancelled = all->v[i].cancelled;
	}
	rc = sn_calendars(r, &gr_cal, items, all->len, months, nm);
out:
	free(items);
	free(months);
	return rc;
}

/* ---- the detail page ---- */

static int
gr_detail(struct rctx *r, void *arg, int64_t id)
{
	const struct sn_master	*m = arg;
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct tval	*ctx, *c;
	char		 path[64], title[1024];
	int		 rc, has = 0;
	size_t		 i;

	snprintf(path, sizeof(path), "grants/%lld.html", (long long)id);
	if ((st = db_prep(db, sqls[SQL_ONE])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if ((rc = db_row(db, st)) < 0)
		return 0;
	if (rc == 0)
		return 1;	/* not public: build.c removes its page */
	if ((ctx = rctx_page(r, path)) == NULL) {
		sqlite3_reset(st);
		return 0;
	}
	site_dep(r->site, kind_name(K_GRANT), id);
	tv_set_str(ctx, "funder", db_col_text(st, 0));
	snprintf(title, sizeof(title), "%s", db_col_text(st, 1));
	tv_set_str(ctx, "name", title);
	tv_set_str(ctx, "title", title);
	sn_tv_text(ctx, "purpose", db_col_text(st, 2));
	tv_set_nonempty(ctx, "amount", db_col_text(st, 3));
	sn_tv_text(ctx, "target_project", db_col_text(st, 4));
	tv_set_nonempty(ctx, "audience", db_col_text(st, 5));
	tv_date_ja(ctx, "apply_from", db_col_text(st, 6));
	tv_date_ja(ctx, "apply_until", db_col_text(st, 7));
	sn_tv_text(ctx, "apply_method", db_col_text(st, 8));
	c = tv_obj(r->arena);
	{
		static const char *const keys[] = { "org", "zip", "address",
		    "tel", "fax", "email" };

		for (i = 0; i < KENMIN_NELEM(keys); i++)
			if (*db_col_text(st, 9 + (int)i) != '\0') {
				tv_set_str(c, keys[i], db_col_text(st,
				    9 + (int)i));
				has = 1;
			}
	}
	if (has)
		tv_set(ctx, "contact", c);
	tv_set_nonempty(ctx, "ref_url", db_col_text(st, 15));
	tv_set_bool(ctx, "cancelled", sqlite3_column_int(st, 16));
	sn_tv_master(ctx, "fields", r->arena, m, SNM_FIELD,
	    db_col_text(st, 17), "/grants/field/");
	sn_tv_master(ctx, "areas", r->arena, m, SNM_AREA,
	    db_col_text(st, 18), "/grants/area/");
	sqlite3_reset(st);
	rctx_crumb(r, "助成を探す", "/grants/");
	rctx_crumb(r, title, NULL);
	return rctx_write(r, SITE_SUPERNET, "supernet/grants/detail", ctx);
}

static int
render_detail(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	int			 rc;

	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	rc = rctx_each_id(r, ids, sqls[SQL_IDS], gr_detail, m);
	sn_master_free(m);
	return rc;
}

#define GRANT_LIST_KINDS (KBIT(K_GRANT) | KBIT(K_MASTER) | KBIT(K_DATE))

const struct family fam_sn_grants_index = {
	"grants: list", GRANT_LIST_KINDS, "grants/index", K_GRANT, 0,
	render_index, NULL, NULL
};
const struct family fam_sn_grants_closed = {
	"grants: closed", GRANT_LIST_KINDS, "grants/closed/", K_GRANT, 0,
	render_closed, NULL, NULL
};
const struct family fam_sn_grants_field = {
	"grants: by field", GRANT_LIST_KINDS, "grants/field/", K_GRANT, 0,
	render_field, NULL, NULL
};
const struct family fam_sn_grants_area = {
	"grants: by area", GRANT_LIST_KINDS, "grants/area/", K_GRANT, 0,
	render_area, NULL, NULL
};
const struct family fam_sn_grants_calendar = {
	"grants: calendar", KBIT(K_GRANT) | KBIT(K_DATE),
	"grants/calendar/", K_GRANT, 0, render_calendar, NULL, NULL
};
/* The detail page shows field and area names: K_MASTER re-renders all. */
static const char *const detail_dirs[] = { "grants/", NULL };
const struct family fam_sn_grant_detail = {
	"grants: detail", KBIT(K_MASTER), NULL, K_GRANT, 1, render_detail,
	detail_dirs, NULL
};
