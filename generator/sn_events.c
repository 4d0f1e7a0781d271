/*
 * sn_events.c: the Super Net pages of events and recruitments (募集情報):
 * the list, the per-field lists, a month calendar for every month an
 * event touches, and one detail page per public event (R057, R059).
 *
 * Two lists, each in a total order: events/ (and events/field/SLUG/)
 * holds the events not yet over (ends_on, or starts_on for a one-day
 * event, on or after today) by starts_on ascending, then those without
 * a date by id; events/past/ (and events/field/SLUG/past/) the past ones
 * by starts_on descending, ties by id descending.
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
 * The list query: SQL_LIST reads EV_COLS and the text columns (EV_TEXT)
 * of every public event, SQL_SKEL the same rows in the same order
 * (which decides the pages) with EV_COLS only: what the order, the list
 * membership, the keep test and the calendar months need.
 */
#define EV_COLS \
	"id, starts_on, coalesce(ends_on, ''), cancelled, grp, " \
	"coalesce(fields, '')"
#define EV_TEXT "title, organizer, held_text, place, category"
#define EV_FROM(cols) \
	"FROM (SELECT " cols ", (SELECT group_concat(field_id) FROM " \
	"event_field WHERE event_id = e.id) AS fields, " \
	"CASE WHEN e.starts_on IS NULL OR e.starts_on = '' THEN 1 " \
	"WHEN coalesce(nullif(e.ends_on, ''), e.starts_on) >= ?1 THEN 0 " \
	"ELSE 2 END AS grp FROM event e WHERE e.state = 'public') " \
	"ORDER BY grp, " \
	"CASE grp WHEN 0 THEN starts_on END, " \
	"CASE grp WHEN 2 THEN starts_on END DESC, " \
	"CASE grp WHEN 2 THEN -id ELSE id END"

enum sql {
	SQL_LIST,
	SQL_SKEL,
	SQL_TEXT,
	SQL_IDS,
	SQL_ONE,
	SQL_FILES,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_LIST: ?1 = today; grp 0 current/upcoming, 1 undated, 2 past */
	"SELECT " EV_COLS ", " EV_TEXT " " EV_FROM("e.*"),
	/*
	 * SQL_SKEL: a publish's, from the covering index event_span
	 * (migration 0006) and event_field's primary key.
	 */
	"SELECT " EV_COLS " "
	EV_FROM("e.id, e.starts_on, e.ends_on, e.cancelled"),
	/* SQL_TEXT: the text columns of one event */
	"SELECT " EV_TEXT " FROM event WHERE id = ?1",
	/* SQL_IDS */
	"SELECT id FROM event WHERE state = 'public' ORDER BY id",
	/*
	 * SQL_ONE: every public 紙1 field, and the linked listed org, of a
	 * public event or of any event when ?2 (a preview) is 1.
	 */
	"SELECT e.category, e.organizer, e.title, e.held_text, e.starts_on, "
	"e.ends_on, e.place, e.purpose, e.body, e.fee, e.audience, "
	"e.apply_from, e.apply_until, e.apply_method, e.contact, "
	"e.cosponsor, e.ref_url, e.cancelled, e.org_id, "
	"(SELECT o.name FROM org o WHERE o.id = e.org_id "
	"AND o.state = 'public' AND o.status = 'active'), "
	"(SELECT group_concat(field_id) FROM event_field "
	"WHERE event_id = e.id) "
	"FROM event e WHERE e.id = ?1 AND (?2 OR e.state = 'public')",
	/* SQL_FILES */
	"SELECT u.id, u.public_name, u.orig_name, u.alt, u.mime, u.size "
	"FROM event_file f JOIN upload u ON u.id = f.upload_id "
	"WHERE f.event_id = ?1 AND u.state = 'public' "
	"AND u.public_name IS NOT NULL ORDER BY f.slot",
};

static const char *const categories[][2] = {
	{ "event", "イベント" },
	{ "course", "講座" },
	{ "other", "参加その他（作品・意見等）" },
};

static const char *
category_label(const char *c)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(categories); i++)
		if (strcmp(c, categories[i][0]) == 0)
			return categories[i][1];
	return "募集情報";
}

/*
 * A row of the list query.  In a publish only the skeleton is read (id,
 * dates, fields, cancelled, grp: what the order, the list membership,
 * the keep test and the calendar months need); the text columns stay
 * NULL until ev_fill() reads them for a page that is rendered.
 */
struct ev {
	int64_t		 id;
	char		*title, *organizer, *held, *starts, *ends, *place;
	char		*category, *fields;
	uint64_t	 fmask;		/* sn_csv_mask(fields) */
	int		 cancelled;
	int		 grp;
	int		 filled;	/* 1: the text columns are read */
};

struct evs {
	struct ev	*v;
	size_t		 len;
};

static void
evs_free(struct evs *e)
{
	size_t	 i;

	for (i = 0; i < e->len; i++) {
		free(e->v[i].title);
		free(e->v[i].organizer);
		free(e->v[i].held);
		free(e->v[i].starts);
		free(e->v[i].ends);
		free(e->v[i].place);
		free(e->v[i].category);
		free(e->v[i].fields);
	}
	free(e->v);
}

/* The text columns of v from st's columns off.. (EV_TEXT). */
static void
ev_text(struct ev *v, sqlite3_stmt *st, int off)
{
	v->title = xstrdup(db_col_text(st, off));
	v->organizer = xstrdup(db_col_text(st, off + 1));
	v->held = xstrdup(db_col_text(st, off + 2));
	v->place = xstrdup(db_col_text(st, off + 3));
	v->category = xstrdup(db_col_text(st, off + 4));
	v->filled = 1;
}

/*
 * Every public event in list order into e: in a full build with its
 * text columns (every page is rendered), in a publish the skeleton.
 */
static int
evs_load(struct rctx *r, void *arg)
{
	struct evs	*e = arg;
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct ev	*v;
	size_t		 cap = 0;
	int		 rc;

	if ((st = db_prep(db, sqls[r->full ? SQL_LIST : SQL_SKEL])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	while ((rc = db_row(db, st)) == 1) {
		if (e->len == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			e->v = xrealloc(e->v, cap * sizeof(*e->v));
		}
		v = &e->v[e->len++];
		memset(v, 0, sizeof(*v));
		v->id = sqlite3_column_int64(st, 0);
		v->starts = xstrdup(db_col_text(st, 1));
		v->ends = xstrdup(db_col_text(st, 2));
		v->cancelled = sqlite3_column_int(st, 3);
		v->grp = sqlite3_column_int(st, 4);
		v->fields = xstrdup(db_col_text(st, 5));
		v->fmask = sn_csv_mask(v->fields);
		if (r->full)
			ev_text(v, st, 6);
	}
	return rc == 0;
}

/* Read the text columns of a skeleton row; 1 ok, 0 error (printed). */
static int
ev_fill(struct rctx *r, struct ev *v)
{
	sqlite3_stmt	*st;

	if (v->filled)
		return 1;
	if ((st = sn_row_by_id(r, sqls[SQL_TEXT], v->id, "event")) == NULL)
		return 0;
	ev_text(v, st, 0);
	sqlite3_reset(st);
	return 1;
}

static const char evs_key;	/* rctx_cache_load() key of the rows */

static void
evs_release(void *arg)
{
	evs_free(arg);
	free(arg);
}

/*
 * Every public event in list order, read once per run for the list, by
 * field and calendar families (rctx's cache owns it); NULL on error.
 */
static struct evs *
evs_get(struct rctx *r)
{
	return rctx_cache_load(r, &evs_key, sizeof(struct evs), evs_load,
	    evs_release);
}

/* The item of a list: the fields a list row shows; 0 on error. */
static int
ev_item(struct rctx *r, struct tval *list, const struct sn_master *m,
    struct ev *v)
{
	struct tval	*o;
	char		 href[64];

	if (!ev_fill(r, v))
		return 0;
	site_dep(r->site, kind_name(K_EVENT), v->id);
	o = tv_push_obj(list);
	snprintf(href, sizeof(href), "/events/%lld.html", (long long)v->id);
	tv_set_str(o, "href", href);
	tv_set_str(o, "title", v->title);
	tv_set_str(o, "organizer", v->organizer);
	tv_set_str(o, "category", category_label(v->category));
	if (*v->held != '\0')
		tv_set_str(o, "held", v->held);
	tv_date_ja(o, "starts", v->starts);
	if (*v->ends != '\0' && strcmp(v->ends, v->starts) != 0)
		tv_date_ja(o, "ends", v->ends);
	if (*v->place != '\0')
		tv_set_str(o, "place", v->place);
	/*
	 * No 終了 badge: a list holds only current or only past events and
	 * its heading says which, so a badge on every row of the past list
	 * would be heard twenty times by a screen reader for nothing.
	 * 中止 still differs from row to row and stays.
	 */
	tv_set_bool(o, "cancelled", v->cancelled);
	sn_tv_master(o, "fields", r->arena, m, SNM_FIELD, v->fields, NULL);
	return 1;
}

static void
field_links(struct rctx *r, struct tval *ctx, const struct sn_master *m,
    const char *sub)
{
	const struct sn_mrow	*rows;
	struct tval		*list, *o;
	char			 href[256];
	size_t			 i, n;

	list = tv_list(r->arena);
	rows = sn_master_rows(m, SNM_FIELD, &n);
	for (i = 0; i < n; i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "name", rows[i].name);
		snprintf(href, sizeof(href), "/events/field/%s/%s",
		    rows[i].slug, sub);
		tv_set_str(o, "href", href);
	}
	tv_set(ctx, "field_links", list);
}

/*
 * One list of events: the current part (grp 0 and 1: not over yet, then
 * undated) at dir, or the past part (grp 2) at dir "past/", of every
 * event or of one field's.  The two parts are separate lists so that a
 * new upcoming event, the common case, leaves the past part, which holds
 * most of the events, alone (rctx_list_page() keeps its pages).
 */
struct evlist {
	const char	*dir;		/* "events/" or "events/field/SLUG/" */
	const char	*field;		/* the field's name, or NULL: all */
	int64_t		 field_id;	/* its id, or 0 */
	int		 past;		/* 1: the past part */
	const char	*calendar;	/* current part: calendar link or NULL */
};

static int
ev_in_list(const struct evlist *l, const struct ev *v)
{
	if ((v->grp == 2) != l->past)
		return 0;
	return l->field_id == 0 || sn_csv_in(v->fields, v->fmask, l->field_id);
}

/* The breadcrumbs, and the title into t. */
static void
ev_list_title(struct rctx *r, const struct evlist *l, char *t, size_t tsz)
{
	char	 href[256], up[512];

	if (l->field == NULL) {
		snprintf(t, tsz, "%s", l->past ? "終了したイベント・募集" :
		    "イベント・募集を探す");
		rctx_crumb(r, "イベント・募集を探す", l->past ? "/events/" :
		    NULL);
		if (l->past)
			rctx_crumb(r, t, NULL);
		return;
	}
	snprintf(up, sizeof(up), "活動分野「%s」のイベント・募集", l->field);
	rctx_crumb(r, "イベント・募集を探す", "/events/");
	if (!l->past) {
		snprintf(t, tsz, "%s", up);
		rctx_crumb(r, t, NULL);
		return;
	}
	snprintf(t, tsz, "活動分野「%s」の終了したイベント・募集", l->field);
	snprintf(href, sizeof(href), "/%s", l->dir);
	rctx_crumb(r, up, href);
	rctx_crumb(r, t, NULL);
}

/* The paginated pages of list l. */
static int
ev_list(struct rctx *r, const struct sn_master *m, struct evs *all,
    const struct evlist *l)
{
	struct tval	*ctx, *list;
	size_t		*idx, n = 0, i, page, pages, k, nid;
	int64_t		 ids[PER_PAGE];
	char		*path = NULL, dir[256], base[264], href[256];
	char		 title[512], t[600], meta[512];
	const char	*sub = l->past ? "past/" : "";
	int		 rc = 0, kept;

	idx = xcalloc(all->len + 1, sizeof(*idx));
	for (i = 0; i < all->len; i++)
		if (ev_in_list(l, &all->v[i]))
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
		/*
		 * What a page prints besides its events: the page count
		 * (paging), the calendar link and, on page 1 only, the
		 * total; so a new event re-renders page 1 and the pages
		 * from its place on, not every page of the list.
		 */
		if (page == 1)
			snprintf(meta, sizeof(meta), "total=%zu pages=%zu "
			    "cal=%s", n, pages, l->calendar != NULL ?
			    l->calendar : "");
		else
			snprintf(meta, sizeof(meta), "pages=%zu cal=%s", pages,
			    l->calendar != NULL ? l->calendar : "");
		ctx = rctx_list_page(r, path, KBIT(K_EVENT), K_EVENT, ids, nid,
		    meta, &kept);
		if (kept)
			continue;
		if (ctx == NULL)
			goto out;
		ev_list_title(r, l, title, sizeof(title));
		if (page > 1)
			snprintf(t, sizeof(t), "%s（%zuページ目）", title, page);
		else
			snprintf(t, sizeof(t), "%s", title);
		tv_set_str(ctx, "title", t);
		tv_set_str(ctx, "heading", title);
		if (page == 1)
			tv_set_int(ctx, "total", (long long)n);
		tv_set_bool(ctx, "past_list", l->past);
		if (l->calendar != NULL)
			tv_set_str(ctx, "calendar_href", l->calendar);
		/* The other part, without its count (not in this meta). */
		snprintf(href, sizeof(href), "/%s%s", l->dir,
		    l->past ? "" : "past/");
		tv_set_str(ctx, "other_href", href);
		tv_set_str(ctx, "all_href", l->past ? "/events/past/" :
		    "/events/");
		list = tv_list(r->arena);
		for (k = (page - 1) * PER_PAGE;
		    k < n && k < page * PER_PAGE; k++)
			if (!ev_item(r, list, m, &all->v[idx[k]]))
				goto out;
		if (tv_len(list) > 0) {
			tv_set(ctx, "items", list);
			tv_set_bool(ctx, "has_items", 1);
		}
		field_links(r, ctx, m, sub);
		rctx_paging(r, ctx, base, page, pages);
		if (!rctx_write(r, SITE_SUPERNET, "supernet/events/list", ctx))
			goto out;
	}
	rc = 1;
out:
	free(path);
	free(idx);
	return rc;
}

/* The month of today's calendar page, or the nearest later/earlier one. */
static const char *
calendar_entry(const struct rctx *r, char (*months)[8], size_t n)
{
	size_t	 i;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(months[i], r->g->today, 7) >= 0)
			return months[i];
	return months[n - 1];
}

/* Months that have a calendar page, sorted. */
static void
ev_months(const struct evs *all, char (**months)[8], size_t *n)
{
	size_t	 i;

	for (i = 0; i < all->len; i++)
		sn_months_add(months, n, all->v[i].starts, all->v[i].ends);
}

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct evs		*all;
	struct evlist		 l = { "events/", NULL, 0, 0, NULL };
	char			(*months)[8] = NULL, href[64];
	const char		*cal;
	size_t			 nm = 0;
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = evs_get(r)) == NULL)
		goto out;
	ev_months(all, &months, &nm);
	if ((cal = calendar_entry(r, months, nm)) != NULL) {
		snprintf(href, sizeof(href), "/events/calendar/%s.html", cal);
		l.calendar = href;
	}
	rc = ev_list(r, m, all, &l);
out:
	free(months);
	sn_master_free(m);
	return rc;
}

/* events/past/: every past event, the newest first. */
static int
render_past(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct evs		*all;
	struct evlist		 l = { "events/", NULL, 0, 1, NULL };
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = evs_get(r)) != NULL)
		rc = ev_list(r, m, all, &l);
	sn_master_free(m);
	return rc;
}

/* Both parts of every field's list (a past part even when empty). */
static int
render_field(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct evs		*all;
	const struct sn_mrow	*rows;
	struct evlist		 l;
	char			 dir[256];
	size_t			 i, n;
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((all = evs_get(r)) == NULL)
		goto out;
	rows = sn_master_rows(m, SNM_FIELD, &n);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "events/field/%s/", rows[i].slug);
		l.dir = dir;
		l.field = rows[i].name;
		l.field_id = rows[i].id;
		l.calendar = NULL;
		for (l.past = 0; l.past <= 1; l.past++)
			if (!ev_list(r, m, all, &l))
				goto out;
	}
	rc = 1;
out:
	sn_master_free(m);
	return rc;
}

/* An event is on the pages of the months its dates touch. */
static int
ev_in_month(const struct sn_calitem *it, const char *first, const char *last)
{
	const char	*to = *it->to != '\0' ? it->to : it->from;

	return *it->from != '\0' && strcmp(it->from, last) <= 0 &&
	    strcmp(to, first) >= 0;
}

/* The title of a calendar item, read for a month that is rendered. */
static int
ev_cal_fill(struct rctx *r, struct sn_calitem *it)
{
	struct ev	*v = it->ref;

	if (!ev_fill(r, v))
		return 0;
	it->title = v->title;
	return 1;
}

static const struct sn_calpages ev_cal = {
	K_EVENT, "events/", "イベント・募集を探す", "イベント・募集カレンダー",
	"supernet/events/calendar", ev_in_month, ev_cal_fill
};

static int
render_calendar(struct rctx *r, const struct idlist *ids)
{
	struct evs		*all;
	struct sn_calitem	*items = NULL;
	char			(*months)[8] = NULL;
	size_t			 nm = 0, i;
	int			 rc = 0;

	(void)ids;
	if ((all = evs_get(r)) == NULL)
		goto out;
	ev_months(all, &months, &nm);
	items = xcalloc(all->len + 1, sizeof(*items));
	for (i = 0; i < all->len; i++) {	/* in list order by date */
		items[i].id = all->v[i].id;
		items[i].title = all->v[i].title;	/* NULL: ev_cal_fill */
		items[i].ref = &all->v[i];
		items[i].from = all->v[i].starts;
		items[i].to = all->v[i].ends;
		items[i].cancelled = all->v[i].cancelled;
	}
	rc = sn_calendars(r, &ev_cal, items, all->len, months, nm);
out:
	free(items);
	free(months);
	return rc;
}

/* ---- the detail page ---- */

static int
ev_detail(struct rctx *r, void *arg, int64_t id)
{
	const struct sn_master	*m = arg;
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct tval	*ctx, *list;
	char		 path[64], href[64], title[1024];
	int		 rc;

	snprintf(path, sizeof(path), "events/%lld.html", (long long)id);
	if ((st = db_prep(db, sqls[SQL_ONE])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, r->preview != NULL);
	if ((rc = db_row(db, st)) < 0)
		return 0;
	if (rc == 0)
		return 1;	/* not public: build.c removes its page */
	if ((ctx = rctx_page(r, path)) == NULL) {
		sqlite3_reset(st);
		return 0;
	}
	site_dep(r->site, kind_name(K_EVENT), id);
	tv_set_str(ctx, "category", category_label(db_col_text(st, 0)));
	tv_set_str(ctx, "organizer", db_col_text(st, 1));
	snprintf(title, sizeof(title), "%s", db_col_text(st, 2));
	tv_set_str(ctx, "name", title);
	tv_set_nonempty(ctx, "held", db_col_text(st, 3));
	tv_date_ja(ctx, "starts", db_col_text(st, 4));
	if (strcmp(db_col_text(st, 5), db_col_text(st, 4)) != 0)
		tv_date_ja(ctx, "ends", db_col_text(st, 5));
	tv_set_nonempty(ctx, "place", db_col_text(st, 6));
	sn_tv_text(ctx, "purpose", db_col_text(st, 7));
	/* "body" is the layout's: the 内容 field is "content". */
	sn_tv_text(ctx, "content", db_col_text(st, 8));
	tv_set_nonempty(ctx, "fee", db_col_text(st, 9));
	tv_set_nonempty(ctx, "audience", db_col_text(st, 10));
	tv_date_ja(ctx, "apply_from", db_col_text(st, 11));
	tv_date_ja(ctx, "apply_until", db_col_text(st, 12));
	sn_tv_text(ctx, "apply_method", db_col_text(st, 13));
	sn_tv_text(ctx, "contact", db_col_text(st, 14));
	tv_set_nonempty(ctx, "cosponsor", db_col_text(st, 15));
	tv_set_nonempty(ctx, "ref_url", db_col_text(st, 16));
	tv_set_bool(ctx, "cancelled", sqlite3_column_int(st, 17));
	if (sqlite3_column_type(st, 18) != SQLITE_NULL) {
		int64_t oid = sqlite3_column_int64(st, 18);

		/* Shown or not, a change of the org must re-render this. */
		site_dep(r->site, kind_name(K_ORG), oid);
		if (sqlite3_column_type(st, 19) != SQLITE_NULL) {
			snprintf(href, sizeof(href), "/groups/%lld.html",
			    (long long)oid);
			tv_set_str(ctx, "org_href", href);
			tv_set_str(ctx, "org_name", db_col_text(st, 19));
		}
	}
	sn_tv_master(ctx, "fields", r->arena, m, SNM_FIELD,
	    db_col_text(st, 20), "/events/field/");
	sqlite3_reset(st);
	tv_set_str(ctx, "title", title);
	rctx_crumb(r, "イベント・募集を探す", "/events/");
	rctx_crumb(r, title, NULL);

	if ((st = db_prep(db, sqls[SQL_FILES])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		site_dep(r->site, kind_name(K_UPLOAD),
		    sqlite3_column_int64(st, 0));
		sn_tv_file(list, db_col_text(st, 1), db_col_text(st, 2),
		    db_col_text(st, 3), db_col_text(st, 4),
		    sqlite3_column_int64(st, 5));
	}
	if (rc < 0)
		return 0;
	if (tv_len(list) > 0)
		tv_set(ctx, "files", list);
	return rctx_write(r, SITE_SUPERNET, "supernet/events/detail", ctx);
}

/* The events of ids, or every public event (ids NULL). */
static int
render_detail(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	int			 rc;

	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	rc = rctx_each_id(r, ids, sqls[SQL_IDS], ev_detail, m);
	sn_master_free(m);
	return rc;
}

const struct family fam_sn_events_index = {
	"events: list", KBIT(K_EVENT) | KBIT(K_MASTER) | KBIT(K_DATE),
	"events/index", K_EVENT, 0, render_index, NULL, NULL
};
const struct family fam_sn_events_past = {
	"events: past", KBIT(K_EVENT) | KBIT(K_MASTER) | KBIT(K_DATE),
	"events/past/", K_EVENT, 0, render_past, NULL, NULL
};
const struct family fam_sn_events_field = {
	"events: by field", KBIT(K_EVENT) | KBIT(K_MASTER) | KBIT(K_DATE),
	"events/field/", K_EVENT, 0, render_field, NULL, NULL
};
const struct family fam_sn_events_calendar = {
	"events: calendar", KBIT(K_EVENT) | KBIT(K_DATE),
	"events/calendar/", K_EVENT, 0, render_calendar, NULL, NULL
};
static const char *const detail_dirs[] = { "events/", NULL };
/* An org's page change (name, withdrawal): site_shows() (every event
 * page depends on its org). */
static const struct famdep detail_deps[] = {
	{ K_UPLOAD, "SELECT event_id FROM event_file WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};
const struct family fam_sn_event_detail = {
	"events: detail", KBIT(K_MASTER), NULL, K_EVENT, 1, render_detail,
	detail_dirs, detail_deps
};
