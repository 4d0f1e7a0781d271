/*
 * ak_postings.c: the あいかさねっと volunteer postings: the recruiting
 * list, the past list, the recruitment calendar and one page per
 * posting (紙2 §5, R130, R131, A-20, A-21), plus the helpers the other
 * ak_*.c files share.
 *
 * The calendar shows each posting on its deadline day (apply_until),
 * not on every day of its recruitment period: periods often run for
 * months, so marking every day would repeat the same postings in every
 * cell of the table.  随時 postings have no deadline and are listed
 * under the table instead.  It covers the current month through the
 * month of the last deadline of a recruiting posting, at most
 * CAL_MONTHS_MAX months.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "esc.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PER_PAGE	20
#define CAL_MONTHS_MAX	12

enum sql {
	SQL_RECRUITING,
	SQL_PAST,
	SQL_ANYTIME,
	SQL_CAL_LAST,
	SQL_CAL_MONTH,
	SQL_DETAIL,
	SQL_ALL_IDS,
	SQL_FIELDS,
	SQL_FILES,
	SQL__MAX
};

#define LIST_COLS \
	"SELECT p.id, p.title, p.org_name, p.area_text, p.apply_from, " \
	"p.apply_until, p.anytime, p.closed FROM posting p " \
	"JOIN member m ON m.id = p.member_id WHERE " AK_P_VISIBLE " AND " \
	AK_P_STARTED " AND "

static const char *const sqls[SQL__MAX] = {
	/* SQL_RECRUITING: newest recruitment first */
	LIST_COLS "NOT " AK_P_ENDED " ORDER BY "
	"coalesce(p.apply_from, date(p.published_at, 'unixepoch', "
	"'+9 hours'), '') DESC, p.id DESC",
	/* SQL_PAST: latest deadline first */
	LIST_COLS AK_P_ENDED " ORDER BY coalesce(p.apply_until, '') DESC, "
	"p.id DESC",
	/* SQL_ANYTIME: recruiting without a deadline */
	LIST_COLS "NOT " AK_P_ENDED " AND p.anytime = 1 ORDER BY p.id DESC",
	/* SQL_CAL_LAST: the last deadline of a recruiting posting */
	"SELECT max(p.apply_until) FROM posting p JOIN member m "
	"ON m.id = p.member_id WHERE " AK_P_VISIBLE " AND " AK_P_STARTED
	" AND NOT " AK_P_ENDED " AND p.anytime = 0",
	/* SQL_CAL_MONTH: deadlines between ?2 and ?3 */
	LIST_COLS "p.anytime = 0 AND p.apply_until BETWEEN ?2 AND ?3 "
	"ORDER BY p.apply_until, p.id",
	/*
	 * SQL_DETAIL: ?2 the posting, if shown or ?3 (a preview) is 1;
	 * phase 1 recruiting, 2 past
	 */
	"SELECT p.id, p.title, p.activity, p.activity_when, p.area_text, "
	"p.area_all, p.place, p.org_name, p.org_contact, p.org_url, "
	"p.headcount, p.dress, p.apply_from, p.apply_until, p.anytime, "
	"p.closed, p.notes, p.member_id, m.type, "
	"CASE WHEN " AK_P_ENDED " THEN 2 ELSE 1 END, "
	"(SELECT group_concat(name, '、') FROM (SELECT x.name FROM "
	"posting_area a JOIN m_municipality x ON x.id = a.muni_id "
	"WHERE a.posting_id = p.id ORDER BY x.sort, x.id)), "
	"(SELECT group_concat(name, '・') FROM (SELECT w.short_name AS name "
	"FROM posting_weekday pw JOIN m_weekday w ON w.id = pw.weekday_id "
	"WHERE pw.posting_id = p.id ORDER BY w.id)) "
	"FROM posting p JOIN member m ON m.id = p.member_id "
	"WHERE p.id = ?2 AND (?3 OR (" AK_P_VISIBLE " AND " AK_P_STARTED "))",
	/* SQL_ALL_IDS: every posting that may have had a page */
	"SELECT id FROM posting ORDER BY id",
	/* SQL_FIELDS */
	"SELECT f.id, f.short_name, f.slug FROM posting_field pf "
	"JOIN m_field f ON f.id = pf.field_id WHERE pf.posting_id = ?1 "
	"ORDER BY f.sort, f.id",
	/* SQL_FILES: published attachments only */
	"SELECT u.id, u.public_name, u.orig_name, u.mime, u.size "
	"FROM posting_file pf JOIN upload u ON u.id = pf.upload_id "
	"WHERE pf.posting_id = ?1 AND u.state = 'public' "
	"AND u.public_name IS NOT NULL ORDER BY pf.slot",
};

/* One row of a posting list, kept outside the page arena. */
struct prow {
	int64_t	 id;
	char	*title, *org, *area, *from, *until;
	int	 anytime, closed;
};

struct prows {
	struct prow	*v;
	size_t		 len;
};

static void
prows_free(struct prows *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++) {
		free(l->v[i].title);
		free(l->v[i].org);
		free(l->v[i].area);
		free(l->v[i].from);
		free(l->v[i].until);
	}
	free(l->v);
	l->v = NULL;
	l->len = 0;
}

/* Read the rows of a LIST_COLS statement into l; 1 ok. */
static int
prows_load(struct db *db, sqlite3_stmt *st, struct prows *l)
{
	struct prow	*p;
	int		 rc;

	while ((rc = db_row(db, st)) == 1) {
		l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
		p = &l->v[l->len++];
		p->id = sqlite3_column_int64(st, 0);
		p->title = xstrdup(db_col_text(st, 1));
		p->org = xstrdup(db_col_text(st, 2));
		p->area = xstrdup(db_col_text(st, 3));
		p->from = xstrdup(db_col_text(st, 4));
		p->until = xstrdup(db_col_text(st, 5));
		p->anytime = sqlite3_column_int(st, 6);
		p->closed = sqlite3_column_int(st, 7);
	}
	return rc == 0;
}

/* A posting as a list item in ctx list; records the dependency. */
static void
prow_push(struct rctx *r, struct tval *list, const struct prow *p,
    const char *today)
{
	struct tval	*o;
	char		 href[128];

	site_dep(r->site, kind_name(K_POSTING), p->id);
	o = tv_push_obj(list);
	snprintf(href, sizeof(href), "/boranet201909/postings/%lld.html",
	    (long long)p->id);
	tv_set_str(o, "href", href);
	tv_set_int(o, "id", (long long)p->id);
	tv_set_str(o, "title", p->title);
	tv_set_str(o, "org", p->org);
	tv_set_str(o, "area", p->area);
	tv_set_bool(o, "anytime", p->anytime);
	tv_date_ja(o, "from", p->from);
	tv_date_ja(o, "until", p->until);
	tv_set_bool(o, "ended", p->closed ||
	    (!p->anytime && *p->until != '\0' && strcmp(p->until, today) < 0));
}

void
ak_set_text(struct tval *obj, const char *key, const char *text)
{
	struct buf	 b;
	const char	*s, *nl;

	if (text == NULL || *text == '\0')
		return;
	buf_init(&b, 0);
	for (s = text; *s != '\0'; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL) {
			esc_html(&b, s, strlen(s));
			break;
		}
		esc_html(&b, s, (size_t)(nl - s) -
		    (nl > s && nl[-1] == '\r' ? 1 : 0));
		buf_puts(&b, "<br>\n");
	}
	tv_set_html(obj, key, buf_str(&b));
	buf_free(&b);
}

void
ak_member_label(struct buf *b, const char *type, const char *name,
    const char *muni, const char *occupation)
{
	if (strcmp(type, "individual") != 0) {
		buf_puts(b, name != NULL && *name != '\0' ? name : "（名称未登録）");
		return;
	}
	/* A-16 (3): an individual is never named. */
	buf_puts(b, "個人会員（");
	buf_puts(b, muni != NULL && *muni != '\0' ? muni : "市町未登録");
	if (occupation != NULL && *occupation != '\0') {
		buf_puts(b, "・");
		buf_puts(b, occupation);
	}
	buf_puts(b, "）");
}

/* Render l as pages of PER_PAGE under dir (relpath "…/", URL "/…/"). */
static int
render_list(struct rctx *r, const struct prows *l, const char *dir,
    const char *tmpl, const char *title, int past)
{
	struct tval	*ctx, *items;
	char		*rel, url[256], cal[128], meta[256];
	int64_t		 ids[PER_PAGE];
	size_t		 page, pages, i, nid;
	int		 ok, kept;

	pages = (l->len + PER_PAGE - 1) / PER_PAGE;
	if (pages == 0)
		pages = 1;
	snprintf(url, sizeof(url), "/%s", dir);
	snprintf(cal, sizeof(cal), "/boranet201909/postings/calendar/"
	    "%.7s.html", r->g->today);
	/* What a page prints besides its postings (the template's count). */
	snprintf(meta, sizeof(meta), "count=%zu pages=%zu cal=%s", l->len,
	    pages, cal);
	for (page = 1; page <= pages; page++) {
		rel = page_path(dir, page);
		for (nid = 0, i = (page - 1) * PER_PAGE;
		    i < l->len && i < page * PER_PAGE; i++)
			ids[nid++] = l->v[i].id;
		/* A member's change shows here only by hiding its postings. */
		ctx = rctx_list_page(r, rel, KBIT(K_POSTING) | KBIT(K_MEMBER),
		    K_POSTING, ids, nid, meta, &kept);
		if (kept) {
			free(rel);
			continue;
		}
		if (ctx == NULL) {
			free(rel);
			return 0;
		}
		tv_set_str(ctx, "title", title);
		tv_set_bool(ctx, "past", past);
		tv_set_str(ctx, "calendar_href", cal);
		tv_set_int(ctx, "count", (long long)l->len);
		items = tv_list(r->arena);
		for (i = (page - 1) * PER_PAGE;
		    i < l->len && i < page * PER_PAGE; i++)
			prow_push(r, items, &l->v[i], r->g->today);
		tv_set(ctx, "items", items);
		if (past)
			rctx_crumb(r, "ボランティア募集情報",
			    "/boranet201909/postings/");
		rctx_crumb(r, title, NULL);
		rctx_paging(r, ctx, url, page, pages);
		ok = rctx_write(r, SITE_AIKASA, tmpl, ctx);
		free(rel);
		if (!ok)
			return 0;
	}
	return 1;
}

static int
render_recruiting(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct prows	 l = { NULL, 0 };
	int		 rc = 0;

	(void)ids;
	if ((st = db_prep(r->g->db, sqls[SQL_RECRUITING])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	if (!prows_load(r->g->db, st, &l))
		goto out;
	rc = render_list(r, &l, "boranet201909/postings/",
	    "aikasa/postings/list", "募集中のボランティア", 0);
out:
	prows_free(&l);
	return rc;
}

static int
render_past(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct prows	 l = { NULL, 0 };
	int		 rc = 0;

	(void)ids;
	if ((st = db_prep(r->g->db, sqls[SQL_PAST])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	if (!prows_load(r->g->db, st, &l))
		goto out;
	rc = render_list(r, &l, "boranet201909/postings/past/",
	    "aikasa/postings/list", "過去のボランティア募集", 1);
out:
	prows_free(&l);
	return rc;
}

/* ---- the calendar ---- */

/* 0 = Sunday (Sakamoto). */
static int
weekday(int y, int m, int d)
{
	static const int off[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + off[m - 1] + d) % 7;
}

static int
month_days(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

static void
month_add(int *y, int *m, int n)
{
	int	 t;

	t = *y * 12 + (*m - 1) + n;
	*y = t / 12;
	*m = t % 12 + 1;
}

/* One month's table: weeks of 7 cells, deadlines in their cells. */
static int
render_month(struct rctx *r, int y, int m, int fy, int fm, int ly, int lm,
    const struct prows *anytime)
{
	sqlite3_stmt	*st;
	struct prows	 l = { NULL, 0 };
	struct tval	*ctx, *weeks, *cells = NULL, *cell, *items, *o;
	char		 rel[128], lo[48], hi[48], ymd[48], s[96], meta[128];
	int64_t		*ids = NULL;
	int		 py, pm, d, wd, n, ndays, kept, rc = 0;
	size_t		 i = 0, k;

	ndays = month_days(y, m);
	snprintf(lo, sizeof(lo), "%04d-%02d-01", y, m);
	snprintf(hi, sizeof(hi), "%04d-%02d-%02d", y, m, ndays);
	if ((st = db_prep(r->g->db, sqls[SQL_CAL_MONTH])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	if (!prows_load(r->g->db, st, &l))
		goto out;

	snprintf(rel, sizeof(rel), "boranet201909/postings/calendar/"
	    "%04d-%02d.html", y, m);
	/* The month's deadlines, the 随時 ones, the months around it. */
	ids = xcalloc(l.len + anytime->len + 1, sizeof(*ids));
	for (k = 0; k < l.len; k++)
		ids[k] = l.v[k].id;
	for (k = 0; k < anytime->len; k++)
		ids[l.len + k] = anytime->v[k].id;
	snprintf(meta, sizeof(meta), "count=%zu first=%d-%d last=%d-%d",
	    l.len, fy, fm, ly, lm);
	ctx = rctx_list_page(r, rel, KBIT(K_POSTING) | KBIT(K_MEMBER),
	    K_POSTING, ids, l.len + anytime->len, meta, &kept);
	if (kept) {
		rc = 1;
		goto out;
	}
	if (ctx == NULL)
		goto out;
	snprintf(s, sizeof(s), "%d年%d月", y, m);
	tv_set_str(ctx, "month", s);
	snprintf(s, sizeof(s), "募集カレンダー（%d年%d月）", y, m);
	tv_set_str(ctx, "title", s);
	tv_set_int(ctx, "count", (long long)l.len);
	weeks = tv_list(r->arena);
	wd = weekday(y, m, 1);
	for (n = 0, d = 1 - wd; d <= ndays || n % 7 != 0; d++, n++) {
		if (n % 7 == 0) {
			o = tv_push_obj(weeks);
			cells = tv_list(r->arena);
			tv_set(o, "cells", cells);
		}
		cell = tv_push_obj(cells);
		if (d < 1 || d > ndays)
			continue;
		snprintf(ymd, sizeof(ymd), "%04d-%02d-%02d", y, m, d);
		tv_set_int(cell, "day", d);
		tv_set_str(cell, "date", ymd);
		tv_set_bool(cell, "today", strcmp(ymd, r->g->today) == 0);
		tv_set_bool(cell, "sun", n % 7 == 0);
		tv_set_bool(cell, "sat", n % 7 == 6);
		items = tv_list(r->arena);
		for (; i < l.len && strcmp(l.v[i].until, ymd) == 0; i++)
			prow_push(r, items, &l.v[i], r->g->today);
		if (tv_len(items) > 0) {
			tv_set(cell, "items", items);
			tv_set_bool(cell, "has", 1);
		}
	}
	tv_set(ctx, "weeks", weeks);
	items = tv_list(r->arena);
	for (k = 0; k < anytime->len; k++)
		prow_push(r, items, &anytime->v[k], r->g->today);
	tv_set(ctx, "anytime", items);
	if (y * 12 + m > fy * 12 + fm) {
		py = y;
		pm = m;
		month_add(&py, &pm, -1);
		snprintf(s, sizeof(s), "/boranet201909/postings/calendar/"
		    "%04d-%02d.html", py, pm);
		o = tv_obj(r->arena);
		tv_set_str(o, "href", s);
		snprintf(s, sizeof(s), "%d年%d月", py, pm);
		tv_set_str(o, "label", s);
		tv_set(ctx, "prev", o);
	}
	if (y * 12 + m < ly * 12 + lm) {
		py = y;
		pm = m;
		month_add(&py, &pm, 1);
		snprintf(s, sizeof(s), "/boranet201909/postings/calendar/"
		    "%04d-%02d.html", py, pm);
		o = tv_obj(r->arena);
		tv_set_str(o, "href", s);
		snprintf(s, sizeof(s), "%d年%d月", py, pm);
		tv_set_str(o, "label", s);
		tv_set(ctx, "next", o);
	}
	rctx_crumb(r, "ボランティア募集情報", "/boranet201909/postings/");
	snprintf(s, sizeof(s), "募集カレンダー（%d年%d月）", y, m);
	rctx_crumb(r, s, NULL);
	rc = rctx_write(r, SITE_AIKASA, "aikasa/postings/calendar", ctx);
out:
	free(ids);
	prows_free(&l);
	return rc;
}

static int
render_calendar(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct prows	 any = { NULL, 0 };
	int		 fy, fm, ly, lm, y, m, n, rc = 0;

	(void)ids;
	if (sscanf(r->g->today, "%4d-%2d", &fy, &fm) != 2 || fm < 1 ||
	    fm > 12) {
		kerr("%s: bad date", r->g->today);
		return 0;
	}
	ly = fy;
	lm = fm;
	if ((st = db_prep(r->g->db, sqls[SQL_CAL_LAST])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	if ((n = db_row(r->g->db, st)) < 0)
		return 0;
	if (n == 1) {
		if (sscanf(db_col_text(st, 0), "%4d-%2d", &y, &m) == 2 &&
		    m >= 1 && m <= 12 && y * 12 + m > fy * 12 + fm) {
			ly = y;
			lm = m;
		}
		sqlite3_reset(st);
	}
	if (ly * 12 + lm - (fy * 12 + fm) >= CAL_MONTHS_MAX) {
		ly = fy;
		lm = fm;
		month_add(&ly, &lm, CAL_MONTHS_MAX - 1);
	}
	if ((st = db_prep(r->g->db, sqls[SQL_ANYTIME])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	if (!prows_load(r->g->db, st, &any))
		goto out;
	for (y = fy, m = fm; y * 12 + m <= ly * 12 + lm; month_add(&y, &m, 1))
		if (!render_month(r, y, m, fy, fm, ly, lm, &any))
			goto out;
	rc = 1;
out:
	prows_free(&any);
	return rc;
}

/* ---- detail pages ---- */

static int
posting_files(struct rctx *r, struct tval *ctx, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*list;
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_FILES])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_UPLOAD),
		    sqlite3_column_int64(st, 0));
		sn_tv_file(list, db_col_text(st, 1), db_col_text(st, 2),
		    NULL, db_col_text(st, 3), sqlite3_column_int64(st, 4));
	}
	if (tv_len(list) > 0) {
		tv_set(ctx, "files", list);
		tv_set_bool(ctx, "has_files", 1);
	}
	return rc == 0;
}

static int
posting_fields(struct rctx *r, struct tval *ctx, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_FIELDS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		o = tv_push_obj(list);
		tv_set_str(o, "name", db_col_text(st, 1));
		snprintf(s, sizeof(s), "/boranet201909/members/field/%s/",
		    db_col_text(st, 2));
		tv_set_str(o, "href", s);
	}
	if (tv_len(list) > 0)
		tv_set(ctx, "fields", list);
	return rc == 0;
}

/* Render posting id if it is shown; 0 on error. */
static int
render_posting(struct rctx *r, void *arg, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*ctx, *p;
	char		 rel[128], s[128];
	int		 n, past;

	(void)arg;
	snprintf(rel, sizeof(rel), "boranet201909/postings/%lld.html",
	    (long long)id);
	if ((st = db_prep(r->g->db, sqls[SQL_DETAIL])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, r->preview != NULL);
	if ((n = db_row(r->g->db, st)) < 0)
		return 0;
	if (n == 0)
		return 1;	/* not shown: build.c removes its page */
	if ((ctx = rctx_page(r, rel)) == NULL) {
		sqlite3_reset(st);
		return 0;
	}
	site_dep(r->site, kind_name(K_POSTING), id);
	site_dep(r->site, kind_name(K_MEMBER), sqlite3_column_int64(st, 17));
	p = tv_obj(r->arena);
	tv_set_int(p, "id", (long long)id);
	tv_set_str(p, "title", db_col_text(st, 1));
	ak_set_text(p, "activity", db_col_text(st, 2));
	ak_set_text(p, "when", db_col_text(st, 3));
	tv_set_str(p, "area_text", db_col_text(st, 4));
	tv_set_bool(p, "area_all", sqlite3_column_int(st, 5));
	tv_set_str(p, "areas", db_col_text(st, 20));
	tv_set_str(p, "weekdays", db_col_text(st, 21));
	tv_set_str(p, "place", db_col_text(st, 6));
	tv_set_str(p, "org_name", db_col_text(st, 7));
	ak_set_text(p, "org_contact", db_col_text(st, 8));
	tv_set_str(p, "org_url", db_col_text(st, 9));
	tv_set_str(p, "headcount", db_col_text(st, 10));
	ak_set_text(p, "dress", db_col_text(st, 11));
	tv_date_ja(p, "from", db_col_text(st, 12));
	tv_date_ja(p, "until", db_col_text(st, 13));
	tv_set_bool(p, "anytime", sqlite3_column_int(st, 14));
	tv_set_bool(p, "closed", sqlite3_column_int(st, 15));
	ak_set_text(p, "notes", db_col_text(st, 16));
	snprintf(s, sizeof(s), "/boranet201909/members/%lld.html",
	    (long long)sqlite3_column_int64(st, 17));
	tv_set_str(p, "member_href", s);
	past = sqlite3_column_int(st, 19) == 2;
	tv_set_bool(p, "past", past);
	if (past)
		rctx_crumb(r, "過去のボランティア募集",
		    "/boranet201909/postings/past/");
	else
		rctx_crumb(r, "募集中のボランティア", "/boranet201909/postings/");
	rctx_crumb(r, db_col_text(st, 1), NULL);
	tv_set_str(ctx, "title", db_col_text(st, 1));
	sqlite3_reset(st);
	tv_set(ctx, "p", p);
	if (!posting_fields(r, p, id) || !posting_files(r, p, id))
		return 0;
	return rctx_write(r, SITE_AIKASA, "aikasa/postings/detail", ctx);
}

static int
render_postings(struct rctx *r, const struct idlist *ids)
{
	return rctx_each_id(r, ids, sqls[SQL_ALL_IDS], render_posting, NULL);
}

const struct family fam_ak_recruiting = {
	"aikasa recruiting postings",
	KBIT(K_POSTING) | KBIT(K_MEMBER) | KBIT(K_DATE),
	"boranet201909/postings/index", K_POSTING, 0, render_recruiting,
	NULL, NULL
};

const struct family fam_ak_past = {
	"aikasa past postings",
	KBIT(K_POSTING) | KBIT(K_MEMBER) | KBIT(K_DATE),
	"boranet201909/postings/past/", K_POSTING, 0, render_past,
	NULL, NULL
};

const struct family fam_ak_calendar = {
	"aikasa recruitment calendar",
	KBIT(K_POSTING) | KBIT(K_MEMBER) | KBIT(K_DATE),
	"boranet201909/postings/calendar/", K_POSTING, 0, render_calendar,
	NULL, NULL
};

/*
 * A posting page shows its group (hidden with it) and its state on
 * today's date: K_MASTER and K_DATE re-render all.
 */
static const char *const posting_dirs[] = { "boranet201909/postings/",
	NULL };
static const struct famdep posting_deps[] = {
	{ K_MEMBER, "SELECT id FROM posting WHERE member_id = ?1" },
	{ K_UPLOAD, "SELECT posting_id FROM posting_file WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};
const struct family fam_ak_posting = {
	"aikasa posting pages", KBIT(K_MASTER) | KBIT(K_DATE),
	NULL, K_POSTING, 1, render_postings, posting_dirs, posting_deps
};
