/*
 * sn_top.c: the Super Net top page, and what the Super Net families
 * (sn_orgs.c, sn_events.c, sn_grants.c) share: master data held in
 * memory for one family run, attachment labels, month calendars and the
 * list of detail pages a publish must re-render.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "esc.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

enum sql {
	SQL_M_FIELD,
	SQL_M_MUNI,
	SQL_M_AREA,
	SQL_M_FEATURE,
	SQL_M_CLASS,
	SQL_M_CATEGORY,
	SQL_M_BUDGET,
	SQL_M_PREF,
	SQL_SETTING,
	SQL_TOP_ORGS,
	SQL_TOP_EVENTS,
	SQL_TOP_GRANTS,
	SQL_TOP_CENTER,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_M_FIELD */
	"SELECT id, short_name, slug FROM m_field WHERE on_supernet = 1 "
	"ORDER BY sort, id",
	/* SQL_M_MUNI */
	"SELECT id, name, slug FROM m_municipality ORDER BY sort, id",
	/* SQL_M_AREA */
	"SELECT id, name, slug FROM m_target_area ORDER BY sort, id",
	/* SQL_M_FEATURE */
	"SELECT id, name, '' FROM m_feature ORDER BY sort, id",
	/* SQL_M_CLASS */
	"SELECT id, name, '' FROM m_group_class ORDER BY sort, id",
	/* SQL_M_CATEGORY */
	"SELECT id, name, '' FROM m_company_category ORDER BY sort, id",
	/* SQL_M_BUDGET */
	"SELECT id, name, '' FROM m_budget_range ORDER BY sort, id",
	/* SQL_M_PREF */
	"SELECT id, name, '' FROM m_prefecture ORDER BY sort, id",
	/* SQL_SETTING */
	"SELECT value FROM setting WHERE key = ?1",
	/* SQL_TOP_ORGS: the newest listed groups */
	"SELECT id, kind, name, muni_id FROM org "
	"WHERE state = 'public' AND status = 'active' "
	"ORDER BY published_at DESC, id DESC LIMIT ?1",
	/* SQL_TOP_EVENTS */
	"SELECT id, title, organizer, held_text, starts_on, cancelled "
	"FROM event WHERE state = 'public' "
	"ORDER BY published_at DESC, id DESC LIMIT 3",
	/* SQL_TOP_GRANTS */
	"SELECT id, name, funder, apply_until, cancelled FROM grant_item "
	"WHERE state = 'public' ORDER BY published_at DESC, id DESC LIMIT 3",
	/* SQL_TOP_CENTER */
	"SELECT id, title, posted_on FROM notice WHERE site = 'supernet' "
	"AND kind = 'center' AND state = 'public' "
	"ORDER BY posted_on DESC, id DESC LIMIT 5",
};

/* ---- master data ---- */

struct sn_mtable {
	struct sn_mrow	*rows;
	size_t		 len;
};

struct sn_master {
	struct sn_mtable t[SNM__MAX];
};

/*
 * Load the master tables the Super Net pages name (a few hundred rows
 * at most).  NULL on a database error (printed).  Free with
 * sn_master_free().
 */
struct sn_master *
sn_master_load(struct db *db)
{
	struct sn_master	*m;
	struct sn_mtable	*t;
	sqlite3_stmt		*st;
	size_t			 i;
	int			 rc;

	m = xcalloc(1, sizeof(*m));
	for (i = 0; i < SNM__MAX; i++) {
		t = &m->t[i];
		if ((st = db_prep(db, sqls[SQL_M_FIELD + i])) == NULL)
			goto fail;
		while ((rc = db_row(db, st)) == 1) {
			t->rows = xrealloc(t->rows,
			    (t->len + 1) * sizeof(*t->rows));
			t->rows[t->len].id = sqlite3_column_int64(st, 0);
			t->rows[t->len].name = xstrdup(db_col_text(st, 1));
			t->rows[t->len].slug = xstrdup(db_col_text(st, 2));
			t->len++;
		}
		if (rc < 0)
			goto fail;
	}
	return m;
fail:
	sn_master_free(m);
	return NULL;
}

void
sn_master_free(struct sn_master *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < SNM__MAX; i++) {
		for (j = 0; j < m->t[i].len; j++) {
			free(m->t[i].rows[j].name);
			free(m->t[i].rows[j].slug);
		}
		free(m->t[i].rows);
	}
	free(m);
}

/* The rows of table t in display order; *len gets their number. */
const struct sn_mrow *
sn_master_rows(const struct sn_master *m, enum sn_mtab t, size_t *len)
{
	*len = m->t[t].len;
	return m->t[t].rows;
}

/* The row of table t with this id, or NULL. */
const struct sn_mrow *
sn_master_get(const struct sn_master *m, enum sn_mtab t, int64_t id)
{
	size_t	 i;

	for (i = 0; i < m->t[t].len; i++)
		if (m->t[t].rows[i].id == id)
			return &m->t[t].rows[i];
	return NULL;
}

/*
 * The next id of the comma list of ids csv (group_concat output) from
 * *p into *v; 0 at the end.  Entries that are not numbers are skipped.
 */
static int
csv_next(const char **p, long long *v)
{
	const char	*e;
	char		 num[32];
	size_t		 n;

	while (*p != NULL && **p != '\0') {
		if ((e = strchr(*p, ',')) == NULL)
			e = *p + strlen(*p);
		n = (size_t)(e - *p);
		*p = *e == ',' ? e + 1 : e;
		if (n == 0 || n >= sizeof(num))
			continue;
		memcpy(num, e - n, n);
		num[n] = '\0';
		if (util_strtoll(num, INT64_MIN, INT64_MAX, v))
			return 1;
	}
	return 0;
}

/* Whether the comma list of ids csv (group_concat output) holds id. */
int
sn_csv_has(const char *csv, int64_t id)
{
	long long	 v;

	while (csv_next(&csv, &v))
		if (v == id)
			return 1;
	return 0;
}

/*
 * sql (with ?1 the id) on the row of item id of kind what, read after
 * the run began: the statement on that row (the caller reads it, then
 * calls sqlite3_reset()), or NULL, said if the row is gone (a publish
 * reads rows by id while others may change the database).
 */
sqlite3_stmt *
sn_row_by_id(struct rctx *r, const char *sql, int64_t id, const char *what)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(r->g->db, sql)) == NULL)
		return NULL;
	db_bind_int(st, 1, id);
	if ((rc = db_row(r->g->db, st)) == 1)
		return st;
	if (rc == 0)
		kerr("%s %lld: gone while publishing", what, (long long)id);
	return NULL;
}

/*
 * Bit id of every id 1..63 of csv, so that a list's membership test of
 * a row costs one AND instead of a parse per row and list (sn_csv_in()).
 */
uint64_t
sn_csv_mask(const char *csv)
{
	long long	 v;
	uint64_t	 m = 0;

	while (csv_next(&csv, &v))
		if (v >= 1 && v <= 63)
			m |= (uint64_t)1 << v;
	return m;
}

/* Whether id is in csv, whose sn_csv_mask() is m. */
int
sn_csv_in(const char *csv, uint64_t m, int64_t id)
{
	if (id >= 1 && id <= 63)
		return (m >> id) & 1;
	return sn_csv_has(csv, id);
}

/*
 * Set obj.key to the list of the rows of t named in csv, in display
 * order, each {name, href} (href = hrefbase + slug + "/" when hrefbase
 * is not NULL), and obj.has_KEY to true.  Nothing is set when csv
 * names none.
 */
void
sn_tv_master(struct tval *obj, const char *key, struct tarena *a,
    const struct sn_master *m, enum sn_mtab t, const char *csv,
    const char *hrefbase)
{
	struct tval	*list = NULL, *o;
	char		 href[256];
	size_t		 i;

	for (i = 0; i < m->t[t].len; i++) {
		if (!sn_csv_has(csv, m->t[t].rows[i].id))
			continue;
		if (list == NULL)
			list = tv_list(a);
		o = tv_push_obj(list);
		tv_set_str(o, "name", m->t[t].rows[i].name);
		if (hrefbase != NULL && *m->t[t].rows[i].slug != '\0') {
			snprintf(href, sizeof(href), "%s%s/", hrefbase,
			    m->t[t].rows[i].slug);
			tv_set_str(o, "href", href);
		}
	}
	if (list != NULL) {
		tv_set(obj, key, list);
		snprintf(href, sizeof(href), "has_%s", key);
		tv_set_bool(obj, href, 1);
	}
}

/* ---- small shared pieces ---- */

/* The value of setting key as a copy the caller frees, or NULL. */
char *
sn_setting(struct db *db, const char *key)
{
	sqlite3_stmt	*st;
	char		*v = NULL;

	if ((st = db_prep(db, sqls[SQL_SETTING])) == NULL)
		return NULL;
	db_bind_text(st, 1, key);
	if (db_row(db, st) == 1) {
		v = xstrdup(db_col_text(st, 0));
		sqlite3_reset(st);
	}
	return v;
}

static const struct {
	const char	*mime;
	const char	*label;
} formats[] = {
	{ "application/pdf", "PDF形式" },
	{ "application/msword", "Word形式" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  "Word形式" },
	{ "application/vnd.ms-excel", "Excel形式" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  "Excel形式" },
	{ "application/vnd.ms-powerpoint", "PowerPoint形式" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	  "PowerPoint形式" },
	{ "image/jpeg", "JPEG形式" },
	{ "image/png", "PNG形式" },
	{ "image/gif", "GIF形式" },
	{ "text/plain", "テキスト形式" },
	{ "text/csv", "CSV形式" },
};

/*
 * Append an attachment to list for partials/files: {href, name, info},
 * shown as 「定款.pdf（PDF形式、123KB）」: name is the original file
 * name (alt only when that is empty), info the format and size.  A
 * public_name the publisher would refuse (upload_name_ok()) is left
 * out, so no page links a file that is not there.
 */
void
sn_tv_file(struct tval *list, const char *public_name, const char *orig,
    const char *alt, const char *mime, int64_t size)
{
	struct tval	*o;
	const char	*fmt = "ファイル";
	char		 s[128], href[512];
	size_t		 i;

	if (!upload_name_ok(public_name))
		return;
	for (i = 0; i < KENMIN_NELEM(formats); i++)
		if (strcmp(mime, formats[i].mime) == 0)
			fmt = formats[i].label;
	if (size >= 1024 * 1024)
		snprintf(s, sizeof(s), "（%s、%lld.%lldMB）", fmt,
		    (long long)(size / (1024 * 1024)),
		    (long long)(size % (1024 * 1024) * 10 / (1024 * 1024)));
	else
		snprintf(s, sizeof(s), "（%s、%lldKB）", fmt,
		    (long long)((size + 1023) / 1024));
	o = tv_push_obj(list);
	snprintf(href, sizeof(href), "/files/%s", public_name);
	tv_set_str(o, "href", href);
	if (orig != NULL && *orig != '\0')
		tv_set_str(o, "name", orig);
	else if (alt != NULL && *alt != '\0')
		tv_set_str(o, "name", alt);
	else
		tv_set_str(o, "name", "添付ファイル");
	tv_set_str(o, "info", s);
}

/*
 * Set obj.key (HTML) to the plain text v, escaped, its line breaks as
 * <br>; nothing when v is empty.
 */
void
sn_tv_text(struct tval *obj, const char *key, const char *v)
{
	struct buf	 b;
	const char	*p, *e;

	if (v == NULL || *v == '\0')
		return;
	buf_init(&b, 0);
	for (p = v; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if (p != v)
			buf_puts(&b, "<br>\n");
		esc_html(&b, p, (size_t)(e - p - (e > p && e[-1] == '\r')));
	}
	tv_set_html(obj, key, buf_str(&b));
	buf_free(&b);
}

static const char *const org_kinds[][2] = {
	{ "group", "県民活動団体" },
	{ "npo", "NPO法人" },
	{ "company", "企業" },
};

/* 「県民活動団体」 for "group" and so on. */
const char *
sn_org_kind_label(const char *kind)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(org_kinds); i++)
		if (strcmp(kind, org_kinds[i][0]) == 0)
			return org_kinds[i][1];
	return "団体";
}

/* ---- dates and calendars ---- */

/* Parse YYYY-MM-DD; 1 ok. */
int
sn_date_parse(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 ||
	    *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return 0;
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* 0 Sunday … 6 Saturday (Sakamoto). */
static int
weekday(int y, int m, int d)
{
	static const int off[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + off[m - 1] + d) % 7;
}

/*
 * Set ctx.calendar to the month y-m as weeks of seven days, each day
 * {day, iso, today, items: [{title, href, cancelled}]} listing the items
 * whose [from, to] covers it (to empty: one day).  prev and next are
 * "YYYY-MM" of the neighbouring months that have a page (or NULL);
 * links are calbase + "YYYY-MM.html" and hrefbase + id + ".html".
 */
static void
sn_calendar(struct rctx *r, struct tval *ctx, int y, int m,
    const struct sn_calitem *items, size_t n, const char *hrefbase,
    const char *calbase, const char *prev, const char *next)
{
	struct tval	*cal, *weeks, *week = NULL, *days = NULL, *day, *list;
	struct tval	*o;
	char		 s[512], iso[48];
	int		 d, wd, nd, py, pm;
	size_t		 i;

	cal = tv_obj(r->arena);
	snprintf(s, sizeof(s), "%d年%d月", y, m);
	tv_set_str(cal, "caption", s);
	snprintf(s, sizeof(s), "%04d-%02d", y, m);
	tv_set_str(cal, "ym", s);
	weeks = tv_list(r->arena);
	nd = days_in_month(y, m);
	wd = weekday(y, m, 1);
	for (d = 1 - wd; d <= nd || (d - 1 + wd) % 7 != 0; d++) {
		if ((d - 1 + wd) % 7 == 0) {
			week = tv_push_obj(weeks);
			days = tv_list(r->arena);
			tv_set(week, "days", days);
		}
		day = tv_push_obj(days);
		if (d < 1 || d > nd) {
			tv_set_bool(day, "blank", 1);
			continue;
		}
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
		tv_set_int(day, "day", d);
		tv_set_str(day, "iso", iso);
		tv_set_bool(day, "sun", (d - 1 + wd) % 7 == 0);
		tv_set_bool(day, "sat", (d - 1 + wd) % 7 == 6);
		tv_set_bool(day, "today", strcmp(iso, r->g->today) == 0);
		list = NULL;
		for (i = 0; i < n; i++) {
			const char *to = items[i].to != NULL &&
			    *items[i].to != '\0' ? items[i].to : items[i].from;

			if (strcmp(items[i].from, iso) > 0 ||
			    strcmp(to, iso) < 0)
				continue;
			if (list == NULL)
				list = tv_list(r->arena);
			o = tv_push_obj(list);
			tv_set_str(o, "title", items[i].title);
			snprintf(s, sizeof(s), "%s%lld.html", hrefbase,
			    (long long)items[i].id);
			tv_set_str(o, "href", s);
			tv_set_bool(o, "cancelled", items[i].cancelled);
		}
		if (list != NULL) {
			tv_set(day, "items", list);
			tv_set_bool(day, "has_items", 1);
		}
	}
	tv_set(cal, "weeks", weeks);
	if (prev != NULL && sscanf(prev, "%4d-%2d", &py, &pm) == 2) {
		o = tv_obj(r->arena);
		snprintf(s, sizeof(s), "%s%s.html", calbase, prev);
		tv_set_str(o, "href", s);
		snprintf(s, sizeof(s), "%d年%d月", py, pm);
		tv_set_str(o, "label", s);
		tv_set(cal, "prev", o);
	}
	if (next != NULL && sscanf(next, "%4d-%2d", &py, &pm) == 2) {
		o = tv_obj(r->arena);
		snprintf(s, sizeof(s), "%s%s.html", calbase, next);
		tv_set_str(o, "href", s);
		snprintf(s, sizeof(s), "%d年%d月", py, pm);
		tv_set_str(o, "label", s);
		tv_set(cal, "next", o);
	}
	tv_set(ctx, "calendar", cal);
}

/* Whether s is YYYY-MM-DD to the letter (what the month buckets need). */
static int
ymd_ok(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The index of the first of the sorted months not before ym's month. */
static size_t
month_lb(char (*months)[8], size_t nm, const char *ym)
{
	size_t	 lo = 0, hi = nm, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(months[mid], ym, 7) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The items that may be on each month's page, in item order: month k's
 * are (*idx)[off[k] .. off[k + 1]).  An item with dates from and to can
 * only be on the months from from's to the later of from's and to's
 * (in_month() still decides), so each month's page looks at its own
 * items instead of all of them (150 months times 58,000 events at scale
 * 10).  An undated item (from "") is on no month, as in_month() says.
 * NULL when a date is not YYYY-MM-DD: the caller then tests every item
 * against every month.
 */
static size_t *
month_buckets(const struct sn_calitem *all, size_t nall,
    char (*months)[8], size_t nm, size_t **idx)
{
	size_t		*off, *at, j, k;
	const char	*to;
	int		 pass;

	off = xcalloc(nm + 2, sizeof(*off));
	*idx = NULL;
	at = NULL;
	for (pass = 0; pass < 2; pass++) {
		for (j = 0; j < nall; j++) {
			if (*all[j].from == '\0')
				continue;	/* undated: on no month */
			to = *all[j].to != '\0' ? all[j].to : all[j].from;
			if (!ymd_ok(all[j].from) || !ymd_ok(to)) {
				free(off);
				free(at);
				free(*idx);
				*idx = NULL;
				return NULL;
			}
			if (strcmp(to, all[j].from) < 0)
				to = all[j].from;
			for (k = month_lb(months, nm, all[j].from); k < nm &&
			    strncmp(months[k], to, 7) <= 0; k++) {
				if (pass == 0)
					off[k + 1]++;
				else
					(*idx)[at[k]++] = j;
			}
		}
		if (pass == 0) {
			for (k = 0; k < nm; k++)
				off[k + 1] += off[k];
			*idx = xcalloc(off[nm] + 1, sizeof(**idx));
			at = xcalloc(nm + 1, sizeof(*at));
			memcpy(at, off, nm * sizeof(*at));
		}
	}
	free(at);
	return off;
}

/*
 * The calendar page of each of months (sorted) listing the items of
 * all (in the order of a day's cell) that cp->in_month() puts there;
 * cp->fill(), if set, gives the titles of the items of a month that is
 * rendered, not kept.
 */
int
sn_calendars(struct rctx *r, const struct sn_calpages *cp,
    const struct sn_calitem *all, size_t nall, char (*months)[8], size_t nm)
{
	struct sn_calitem	*items;
	struct tval		*ctx;
	int64_t			*ids;
	char			 path[256], href[256], cal[256], title[256];
	char			 first[16], last[16], meta[64];
	size_t			 i, j, n, b, *off, *idx;
	int			 y, mo, kept, rc = 0;

	items = xcalloc(nall + 1, sizeof(*items));
	ids = xcalloc(nall + 1, sizeof(*ids));
	off = month_buckets(all, nall, months, nm, &idx);
	snprintf(href, sizeof(href), "/%s", cp->base);
	snprintf(cal, sizeof(cal), "/%scalendar/", cp->base);
	for (i = 0; i < nm; i++) {
		if (sscanf(months[i], "%4d-%2d", &y, &mo) != 2)
			goto out;
		snprintf(first, sizeof(first), "%s-01", months[i]);
		snprintf(last, sizeof(last), "%s-31", months[i]);
		n = 0;
		if (off != NULL) {
			for (b = off[i]; b < off[i + 1]; b++)
				if (cp->in_month(&all[idx[b]], first, last))
					items[n++] = all[idx[b]];
		} else
			for (j = 0; j < nall; j++)
				if (cp->in_month(&all[j], first, last))
					items[n++] = all[j];
		snprintf(path, sizeof(path), "%scalendar/%s.html", cp->base,
		    months[i]);
		for (j = 0; j < n; j++)
			ids[j] = items[j].id;
		/* Besides its items a month prints the months around it. */
		snprintf(meta, sizeof(meta), "prev=%s next=%s",
		    i > 0 ? months[i - 1] : "", i + 1 < nm ? months[i + 1] : "");
		ctx = rctx_list_page(r, path, KBIT(cp->kind), cp->kind, ids, n,
		    meta, &kept);
		if (kept)
			continue;
		if (ctx == NULL)
			goto out;
		for (j = 0; cp->fill != NULL && j < n; j++)
			if (!cp->fill(r, &items[j]))
				goto out;
		snprintf(title, sizeof(title), "%s（%d年%d月）", cp->title, y,
		    mo);
		tv_set_str(ctx, "title", title);
		rctx_crumb(r, cp->crumb, href);
		rctx_crumb(r, title, NULL);
		sn_calendar(r, ctx, y, mo, items, n, href, cal,
		    i > 0 ? months[i - 1] : NULL,
		    i + 1 < nm ? months[i + 1] : NULL);
		if (!rctx_write(r, SITE_SUPERNET, cp->tmpl, ctx))
			goto out;
	}
	rc = 1;
out:
	free(off);
	free(idx);
	free(ids);
	free(items);
	return rc;
}

/*
 * Add "YYYY-MM" of every month [from, to] touches to the sorted set
 * *months (at most 24 months per item, so a typo cannot make
 * hundreds of pages).
 */
void
sn_months_add(char (**months)[8], size_t *n, const char *from,
    const char *to)
{
	int	 y, m, d, ty, tm, td, k;
	char	 ym[32];
	size_t	 i;

	if (!sn_date_parse(from, &y, &m, &d))
		return;
	if (to == NULL || !sn_date_parse(to, &ty, &tm, &td) ||
	    strcmp(to, from) < 0) {
		ty = y;
		tm = m;
	}
	for (k = 0; k < 24 && (y < ty || (y == ty && m <= tm)); k++) {
		snprintf(ym, sizeof(ym), "%04d-%02d", y % 10000, m);
		for (i = 0; i < *n && strcmp((*months)[i], ym) < 0; i++)
			continue;
		if (i == *n || strcmp((*months)[i], ym) != 0) {
			*months = xrealloc(*months, (*n + 1) * sizeof(**months));
			memmove(&(*months)[i + 1], &(*months)[i],
			    (*n - i) * sizeof(**months));
			memcpy((*months)[i], ym, sizeof(**months));
			(*n)++;
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
}

/* ---- the top page ---- */

static int
top_orgs(struct rctx *r, struct tval *ctx, const struct sn_master *m)
{
	struct db		*db = r->g->db;
	sqlite3_stmt		*st;
	struct tval		*list, *o;
	const struct sn_mrow	*mu;
	char			 href[64];
	int			 rc;

	if ((st = db_prep(db, sqls[SQL_TOP_ORGS])) == NULL)
		return 0;
	db_bind_int(st, 1, r->g->cfg->top_new_groups > 0 ?
	    r->g->cfg->top_new_groups : 5);
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		site_dep(r->site, kind_name(K_ORG), id);
		o = tv_push_obj(list);
		snprintf(href, sizeof(href), "/groups/%lld.html",
		    (long long)id);
		tv_set_str(o, "href", href);
		tv_set_str(o, "kind", sn_org_kind_label(db_col_text(st, 1)));
		tv_set_str(o, "name", db_col_text(st, 2));
		mu = sn_master_get(m, SNM_MUNI, sqlite3_column_int64(st, 3));
		if (mu != NULL)
			tv_set_str(o, "muni", mu->name);
	}
	if (tv_len(list) > 0) {
		tv_set(ctx, "new_orgs", list);
		tv_set_bool(ctx, "has_new_orgs", 1);
	}
	return rc == 0;
}

static int
top_events(struct rctx *r, struct tval *ctx)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 href[64];
	int		 rc;

	if ((st = db_prep(db, sqls[SQL_TOP_EVENTS])) == NULL)
		return 0;
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		site_dep(r->site, kind_name(K_EVENT), id);
		o = tv_push_obj(list);
		snprintf(href, sizeof(href), "/events/%lld.html",
		    (long long)id);
		tv_set_str(o, "href", href);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_set_str(o, "organizer", db_col_text(st, 2));
		tv_set_str(o, "held", db_col_text(st, 3));
		tv_date_ja(o, "starts", db_col_text(st, 4));
		tv_set_bool(o, "cancelled", sqlite3_column_int(st, 5));
	}
	if (tv_len(list) > 0) {
		tv_set(ctx, "new_events", list);
		tv_set_bool(ctx, "has_new_events", 1);
	}
	return rc == 0;
}

static int
top_grants(struct rctx *r, struct tval *ctx)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 href[64];
	int		 rc;

	if ((st = db_prep(db, sqls[SQL_TOP_GRANTS])) == NULL)
		return 0;
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		site_dep(r->site, kind_name(K_GRANT), id);
		o = tv_push_obj(list);
		snprintf(href, sizeof(href), "/grants/%lld.html",
		    (long long)id);
		tv_set_str(o, "href", href);
		tv_set_str(o, "name", db_col_text(st, 1));
		tv_set_str(o, "funder", db_col_text(st, 2));
		tv_date_ja(o, "until", db_col_text(st, 3));
		tv_set_bool(o, "cancelled", sqlite3_column_int(st, 4));
	}
	if (tv_len(list) > 0) {
		tv_set(ctx, "new_grants", list);
		tv_set_bool(ctx, "has_new_grants", 1);
	}
	return rc == 0;
}

static int
top_center(struct rctx *r, struct tval *ctx)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 href[64];
	int		 rc;

	if ((st = db_prep(db, sqls[SQL_TOP_CENTER])) == NULL)
		return 0;
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		site_dep(r->site, kind_name(K_NOTICE), id);
		o = tv_push_obj(list);
		snprintf(href, sizeof(href), "/center-notices/%lld.html",
		    (long long)id);
		tv_set_str(o, "href", href);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_date_ja(o, "posted", db_col_text(st, 2));
	}
	if (tv_len(list) > 0) {
		tv_set(ctx, "center_notices", list);
		tv_set_bool(ctx, "has_center_notices", 1);
	}
	return rc == 0;
}

/*
 * The staff-edited slot (R035, A-41): Markdown, or an embed URL that
 * the static page shows as a link (the CSP allows no frame we did not
 * list; a Google Calendar link works without one).
 */
static int
top_slot(struct rctx *r, struct tval *ctx)
{
	struct db	*db = r->g->db;
	struct tval	*o;
	struct buf	 html;
	char		*kind, *title, *body, *url;
	int		 rc = 0;

	buf_init(&html, 1024 * 1024);
	kind = sn_setting(db, "supernet.slot_kind");
	title = sn_setting(db, "supernet.slot_title");
	body = sn_setting(db, "supernet.slot_body");
	url = sn_setting(db, "supernet.slot_embed_url");
	o = tv_obj(r->arena);
	if (title != NULL && *title != '\0')
		tv_set_str(o, "title", title);
	if (kind != NULL && strcmp(kind, "embed") == 0) {
		if (url != NULL && strncmp(url, "https://", 8) == 0)
			tv_set_str(o, "embed", url);
	} else if (body != NULL && *body != '\0') {
		if (!md_render(body, &html))
			goto out;
		tv_set_html(o, "html", buf_str(&html));
	}
	if (title != NULL && *title != '\0')
		tv_set(ctx, "slot", o);
	rc = 1;
out:
	free(kind);
	free(title);
	free(body);
	free(url);
	buf_free(&html);
	return rc;
}

/* The Super Net top page (R030–R037). */
static int
render_top(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	struct tval		*ctx;
	char			*urgent = NULL, *st_title = NULL, *st_body = NULL;
	int			 rc = 0;

	(void)ids;
	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if ((ctx = rctx_page(r, "index.html")) == NULL)
		goto out;
	tv_set_bool(ctx, "is_top", 1);
	urgent = sn_setting(r->g->db, "supernet.urgent");
	if (urgent != NULL && *urgent != '\0')
		tv_set_str(ctx, "urgent", urgent);
	st_title = sn_setting(r->g->db, "supernet.standing_notice_title");
	st_body = sn_setting(r->g->db, "supernet.standing_notice");
	if (st_body != NULL && *st_body != '\0') {
		tv_set_str(ctx, "standing_title",
		    st_title != NULL && *st_title != '\0' ? st_title :
		    "センターの利用について");
		tv_set_str(ctx, "standing_body", st_body);
	}
	if (!top_orgs(r, ctx, m) || !top_events(r, ctx) ||
	    !top_grants(r, ctx) || !top_center(r, ctx) || !top_slot(r, ctx))
		goto out;
	rc = rctx_write(r, SITE_SUPERNET, "supernet/top", ctx);
out:
	free(urgent);
	free(st_title);
	free(st_body);
	sn_master_free(m);
	return rc;
}

const struct family fam_sn_top = {
	"Super Net top", KBIT(K_ORG) | KBIT(K_EVENT) | KBIT(K_GRANT) |
	KBIT(K_NOTICE) | KBIT(K_SETTING) | KBIT(K_MASTER),
	"index.html", K_ORG, 0, render_top, NULL, NULL
};
