/*
 * feeds.c: the Atom 1.0 and iCalendar (RFC 5545) feeds of Super Net's
 * events and grant deadlines and of あいかさねっと's postings.
 *
 * Each feed family reads the FEED_MAX most recently published items of
 * its kind once (ties by id, so the order is total; an item without
 * published_at sorts last, as SQLite orders NULL lowest, and the
 * (state, published_at) indexes give the newest without sorting every
 * item: 14 ms became 1 ms at scale 1) and writes two
 * files: DIR/feeds/NAME.atom through the template feeds/atom (the
 * template engine escapes every value, which is valid XML) and
 * DIR/feeds/NAME.ics, which is built here because iCalendar has its own
 * escaping and line folding.  Nothing comes from the clock: <updated>,
 * DTSTAMP and LAST-MODIFIED are the items' updated_at, and ids/UIDs are
 * derived from the kind and the item id, so they never change.  A
 * cancelled event or grant stays in the feeds, marked 「【中止】」 and
 * STATUS:CANCELLED.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define FEED_MAX	200		/* items per feed, newest first */
#define FEED_DOMAIN	"kenmin.pref.yamaguchi.lg.jp"
#define FEED_TAG	"tag:" FEED_DOMAIN ",2025:"
#define FEED_AUTHOR	"やまぐち県民活動支援センター"
#define FEED_TEXT_MAX	((size_t)64 * 1024)	/* one summary */
#define FEED_ICS_MAX	((size_t)32 * 1024 * 1024)
#define ICS_LINE_MAX	75		/* octets per line, CRLF excluded */

enum sql {
	SQL_EVENTS,
	SQL_GRANTS,
	SQL_POSTINGS,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_EVENTS */
	"SELECT id, title, organizer, place, starts_on, ends_on, "
	"held_text, purpose, cancelled, updated_at, published_at, 0 "
	"FROM event WHERE state = 'public' "
	"ORDER BY published_at DESC, id DESC LIMIT ?1",
	/* SQL_GRANTS */
	"SELECT id, name, funder, NULL, apply_until, apply_until, "
	"amount, purpose, cancelled, updated_at, published_at, 0, "
	"apply_from "
	"FROM grant_item WHERE state = 'public' "
	"ORDER BY published_at DESC, id DESC LIMIT ?1",
	/* SQL_POSTINGS: ?1 today, ?2 the limit */
	"SELECT p.id, p.title, p.org_name, p.place, "
	"coalesce(p.apply_from, p.apply_until), "
	"coalesce(p.apply_until, p.apply_from), "
	"p.activity_when, p.activity, 0, p.updated_at, p.published_at, "
	"p.member_id, p.apply_from, p.apply_until, p.anytime, "
	AK_P_ENDED " "
	"FROM posting p JOIN member m ON m.id = p.member_id "
	"WHERE " AK_P_VISIBLE " AND " AK_P_STARTED " "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2",
};

/* One feed entry, read once and written as Atom and as iCalendar. */
struct item {
	int64_t		 id;
	int64_t		 member;	/* postings: the group's member id */
	char		*title;
	int		 ended;		/* postings: recruitment over */
	char		*author;
	char		*location;	/* NULL if none */
	char		*start, *end;	/* YYYY-MM-DD or NULL: not in .ics */
	char		*summary;	/* plain text, lines */
	int		 cancelled;
	int64_t		 updated, published;
};

struct items {
	struct item	*v;
	int64_t		*ids;		/* v[i].id, for rctx_list_*() */
	size_t		 len;
};

/* What differs between the feeds. */
struct feed {
	enum kind	 kind;
	enum sql	 sql;
	const char	*atom;		/* relpath of the Atom file */
	const char	*ics;		/* relpath of the iCalendar file */
	const char	*detail;	/* URL path of detail pages, + id.html */
	const char	*list;		/* URL path of the HTML list */
	const char	*title;
	const char	*subtitle;
	const char	*uidpfx;	/* "event" → event-42@… */
	const char	*icsprefix;	/* SUMMARY prefix in .ics, or "" */
};

enum feedid { FEED_EVENTS, FEED_GRANTS, FEED_POSTINGS, FEED__MAX };

static const struct feed feeds[FEED__MAX] = {
	{ K_EVENT, SQL_EVENTS, "feeds/events.atom", "feeds/events.ics",
	  "/events/", "/events/",
	  "山口県県民活動スーパーネット イベント・募集情報",
	  "県内の市民活動団体・NPO・企業が開催するイベントや募集の新着情報です。",
	  "event", "" },
	{ K_GRANT, SQL_GRANTS, "feeds/grants.atom", "feeds/grants.ics",
	  "/grants/", "/grants/",
	  "山口県県民活動スーパーネット 助成金情報（締切）",
	  "市民活動に使える助成金の新着情報と応募締切日です。",
	  "grant", "【締切】" },
	{ K_POSTING, SQL_POSTINGS, "boranet201909/feeds/postings.atom",
	  "boranet201909/feeds/postings.ics",
	  "/boranet201909/postings/", "/boranet201909/postings/",
	  "あいかさねっと ボランティア募集情報",
	  "あいかさねっとに掲載されたボランティア募集の新着情報と募集期間です。",
	  "posting", "【募集期間】" },
};

static char *
col_dup(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	return xstrdup(db_col_text(st, i));
}

/* "2026-11-26" → "2026年11月26日"; anything else is copied as it is. */
static void
date_ja(struct buf *b, const char *ymd)
{
	int	 y, m, d;

	if (ymd != NULL && strlen(ymd) == 10 &&
	    sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3)
		buf_printf(b, "%d年%d月%d日", y, m, d);
	else if (ymd != NULL)
		buf_puts(b, ymd);
}

/* Append "LABEL：value\n" when value is not empty. */
static void
line_add(struct buf *b, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_printf(b, "%s：%s\n", label, value);
}

/* A valid YYYY-MM-DD, or NULL. */
static char *
date_ok(char *ymd)
{
	int64_t	 days;

	if (ymd == NULL || strlen(ymd) != 10 || !demo_parse_date(ymd, &days)) {
		free(ymd);
		return NULL;
	}
	return ymd;
}

/* Fill it from the current row of feed f's query.  Strings are owned. */
static void
item_read(const struct feed *f, sqlite3_stmt *st, struct item *it)
{
	struct buf	 s, t;
	const char	*title;

	buf_init(&s, FEED_TEXT_MAX);
	buf_init(&t, FEED_TEXT_MAX);
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	title = db_col_text(st, 1);
	it->author = xstrdup(db_col_text(st, 2));
	it->location = col_dup(st, 3);
	it->start = date_ok(col_dup(st, 4));
	it->end = date_ok(col_dup(st, 5));
	it->cancelled = sqlite3_column_int(st, 8) != 0;
	it->updated = sqlite3_column_int64(st, 9);
	it->published = sqlite3_column_int64(st, 10);
	it->member = sqlite3_column_int64(st, 11);
	if (it->start == NULL) {
		free(it->end);
		it->end = NULL;
	} else if (it->end == NULL || strcmp(it->end, it->start) < 0) {
		free(it->end);
		it->end = xstrdup(it->start);
	}

	switch (f->kind) {
	case K_EVENT:
		line_add(&s, "開催日時", db_col_text(st, 6));
		line_add(&s, "開催場所", it->location);
		line_add(&s, "主催", it->author);
		if (it->cancelled)
			buf_puts(&s, "このイベントは中止になりました。\n");
		line_add(&s, "事業の主旨", db_col_text(st, 7));
		break;
	case K_GRANT:
		line_add(&s, "募集団体", it->author);
		line_add(&s, "助成金額", db_col_text(st, 6));
		if (sqlite3_column_type(st, 12) != SQLITE_NULL ||
		    sqlite3_column_type(st, 4) != SQLITE_NULL) {
			buf_puts(&s, "募集期間：");
			date_ja(&s, sqlite3_column_type(st, 12) ==
			    SQLITE_NULL ? NULL : db_col_text(st, 12));
			buf_puts(&s, "〜");
			date_ja(&s, sqlite3_column_type(st, 4) ==
			    SQLITE_NULL ? NULL : db_col_text(st, 4));
			buf_putc(&s, '\n');
		}
		if (it->cancelled)
			buf_puts(&s, "この助成の募集は中止になりました。\n");
		line_add(&s, "助成の目的", db_col_text(st, 7));
		break;
	case K_POSTING:
		it->ended = sqlite3_column_int(st, 15) != 0;
		line_add(&s, "募集主体", it->author);
		line_add(&s, "活動日時", db_col_text(st, 6));
		line_add(&s, "活動場所", it->location);
		buf_puts(&s, "募集期間：");
		if (sqlite3_column_int(st, 14) != 0)
			buf_puts(&s, "随時");
		else {
			date_ja(&s, sqlite3_column_type(st, 12) ==
			    SQLITE_NULL ? NULL : db_col_text(st, 12));
			buf_puts(&s, "〜");
			date_ja(&s, sqlite3_column_type(st, 13) ==
			    SQLITE_NULL ? NULL : db_col_text(st, 13));
		}
		buf_putc(&s, '\n');
		if (it->ended)
			buf_puts(&s, "この募集は終了しました。\n");
		line_add(&s, "活動内容", db_col_text(st, 7));
		break;
	default:
		break;
	}
	buf_puts(&t, title);
	/* Drop the last newline. */
	if (s.len > 0 && s.p[s.len - 1] == '\n')
		s.p[--s.len] = '\0';
	if (!buf_ok(&s) || !buf_ok(&t))
		kerr("%s %lld: text too long for the feed; cut",
		    kind_name(f->kind), (long long)it->id);
	it->summary = buf_take(&s);
	it->title = buf_take(&t);
	buf_free(&s);
	buf_free(&t);
}

static void
items_free(struct items *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++) {
		free(l->v[i].title);
		free(l->v[i].author);
		free(l->v[i].location);
		free(l->v[i].start);
		free(l->v[i].end);
		free(l->v[i].summary);
	}
	free(l->v);
	free(l->ids);
	l->v = NULL;
	l->ids = NULL;
	l->len = 0;
}

/* Read feed f's items into l; 1 ok, 0 database error (printed). */
static int
items_load(struct rctx *r, const struct feed *f, struct items *l)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[f->sql])) == NULL)
		return 0;
	if (f->kind == K_POSTING) {
		db_bind_text(st, 1, r->g->today);
		db_bind_int(st, 2, FEED_MAX);
	} else
		db_bind_int(st, 1, FEED_MAX);
	l->v = xcalloc(FEED_MAX, sizeof(*l->v));
	l->ids = xcalloc(FEED_MAX, sizeof(*l->ids));
	while ((rc = db_row(r->g->db, st)) == 1 && l->len < FEED_MAX) {
		item_read(f, st, &l->v[l->len]);
		l->ids[l->len] = l->v[l->len].id;
		l->len++;
	}
	if (rc == 1)
		sqlite3_reset(st);
	return rc >= 0;
}

/* base_url without its trailing slashes, then path ("/x/"). */
static void
abs_url(struct buf *b, const struct rctx *r, const char *path)
{
	const char	*base = r->g->cfg->base_url;
	size_t		 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_putn(b, base, n);
	buf_puts(b, path);
}

/* Seconds since the epoch as RFC 3339 in UTC (Atom) or as iCalendar. */
static void
time_fmt(char *out, size_t sz, int64_t t, int ics)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t < 0 || gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(out, sz, ics ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ",
	    &tm);
}

/*
 * The deps of a feed file: its items (a list page's, rctx_list_deps(),
 * so a publish can keep the file: feed_kept()) and, for postings, their
 * members.
 */
static void
deps_add(struct rctx *r, const struct feed *f, const struct items *l)
{
	size_t	 i;

	rctx_list_deps(r, f->kind, l->ids, l->len, "");
	if (f->kind == K_POSTING)
		for (i = 0; i < l->len; i++)
			site_dep(r->site, kind_name(K_MEMBER),
			    l->v[i].member);
}

/*
 * Whether a publish keeps both files of feed f as they are: the rule
 * of a list page (rctx_list_page()) with the feed's items, which is all
 * an events or grants feed shows.  A postings feed records the members
 * too, so it never matches and is rendered.  1 kept, 0 no, -1 error.
 */
static int
feed_kept(struct rctx *r, const struct feed *f, const struct items *l)
{
	int	 a, i;

	if ((a = rctx_list_kept(r, f->atom, KBIT(f->kind), f->kind, l->ids,
	    l->len, "")) != 1)
		return a;
	if ((i = rctx_list_kept(r, f->ics, KBIT(f->kind), f->kind, l->ids,
	    l->len, "")) == 1)
		return 1;
	return i == -1 ? -1 : 0;
}

static int
write_atom(struct rctx *r, const struct feed *f, const struct items *l)
{
	struct tval	*ctx, *list, *e;
	struct buf	 b;
	char		 ts[40];
	int64_t		 newest = 0;
	size_t		 i;
	int		 rc = 0;

	buf_init(&b, 4096);
	if ((ctx = rctx_page(r, f->atom)) == NULL)
		goto out;
	deps_add(r, f, l);
	tv_set_str(ctx, "title", f->title);
	tv_set_str(ctx, "subtitle", f->subtitle);
	tv_set_str(ctx, "author", FEED_AUTHOR);
	abs_url(&b, r, "/");
	buf_puts(&b, f->atom);
	tv_set_str(ctx, "self", buf_str(&b));
	buf_reset(&b);
	abs_url(&b, r, f->list);
	tv_set_str(ctx, "alternate", buf_str(&b));
	buf_reset(&b);
	buf_printf(&b, FEED_TAG "%s", f->atom);
	tv_set_str(ctx, "id", buf_str(&b));
	list = tv_list(r->arena);
	for (i = 0; i < l->len; i++) {
		const struct item *it = &l->v[i];

		if (it->updated > newest)
			newest = it->updated;
		e = tv_push_obj(list);
		buf_reset(&b);
		buf_printf(&b, FEED_TAG "%s-%lld", f->uidpfx,
		    (long long)it->id);
		tv_set_str(e, "id", buf_str(&b));
		buf_reset(&b);
		abs_url(&b, r, f->detail);
		buf_printf(&b, "%lld.html", (long long)it->id);
		tv_set_str(e, "link", buf_str(&b));
		buf_reset(&b);
		if (it->cancelled)
			buf_puts(&b, "【中止】");
		else if (it->ended)
			buf_puts(&b, "【募集終了】");
		buf_puts(&b, it->title);
		tv_set_str(e, "title", buf_str(&b));
		tv_set_str(e, "author", it->author);
		tv_set_str(e, "summary", it->summary);
		time_fmt(ts, sizeof(ts), it->updated, 0);
		tv_set_str(e, "updated", ts);
		if (it->published > 0) {
			time_fmt(ts, sizeof(ts), it->published, 0);
			tv_set_str(e, "published", ts);
		}
	}
	tv_set(ctx, "entries", list);
	time_fmt(ts, sizeof(ts), newest, 0);
	tv_set_str(ctx, "updated", ts);
	rc = rctx_write_raw(r, "feeds/atom", ctx);
out:
	buf_free(&b);
	return rc;
}

/*
 * Append one content line NAME:VALUE to out, VALUE escaped as iCalendar
 * TEXT when text is set (\ ; , and newlines), folded so that no line is
 * longer than 75 octets, never inside a UTF-8 sequence, ended by CRLF.
 */
static void
ics_line(struct buf *out, const char *name, const char *value, int text)
{
	struct buf	 l;
	const char	*v;
	size_t		 i, n;

	buf_init(&l, FEED_TEXT_MAX * 2);
	buf_puts(&l, name);
	buf_putc(&l, ':');
	for (v = value; *v != '\0'; v++) {
		if (!text) {
			if ((unsigned char)*v >= 0x20 && *v != 0x7f)
				buf_putc(&l, *v);
			continue;
		}
		switch (*v) {
		case '\\':
		case ';':
		case ',':
			buf_putc(&l, '\\');
			buf_putc(&l, *v);
			break;
		case '\n':
			buf_puts(&l, "\\n");
			break;
		case '\r':
			break;
		default:
			if ((unsigned char)*v >= 0x20 && *v != 0x7f)
				buf_putc(&l, *v);
			else if (*v == '\t')
				buf_putc(&l, ' ');
			break;
		}
	}
	/* Fold: the first line takes 75 octets, the others 1 + 74. */
	for (i = 0; i < l.len; i += n) {
		size_t	 room = (i == 0 ? ICS_LINE_MAX : ICS_LINE_MAX - 1);

		n = l.len - i;
		if (n > room) {
			n = room;
			/* Back off to the start of a UTF-8 sequence. */
			while (n > 0 &&
			    ((unsigned char)l.p[i + n] & 0xc0) == 0x80)
				n--;
		}
		if (i > 0)
			buf_puts(out, "\r\n ");
		buf_putn(out, l.p + i, n);
	}
	buf_puts(out, "\r\n");
	buf_free(&l);
}

/* YYYY-MM-DD plus days as YYYYMMDD. */
static void
ics_date(char *out, size_t sz, const char *ymd, int plus)
{
	int64_t	 days = 0;
	int	 y, m, d;

	(void)demo_parse_date(ymd, &days);
	demo_ymd_from_days(days + plus, &y, &m, &d);
	snprintf(out, sz, "%04d%02d%02d", y, m, d);
}

static int
write_ics(struct rctx *r, const struct feed *f, const struct items *l)
{
	struct buf	 out, b;
	char		 ts[40];
	size_t		 i;
	int		 rc = 0;

	buf_init(&out, FEED_ICS_MAX);
	buf_init(&b, FEED_TEXT_MAX * 2);
	ics_line(&out, "BEGIN", "VCALENDAR", 0);
	ics_line(&out, "VERSION", "2.0", 0);
	ics_line(&out, "PRODID", "-//Yamaguchi Prefecture//kenmin//JA", 0);
	ics_line(&out, "CALSCALE", "GREGORIAN", 0);
	ics_line(&out, "METHOD", "PUBLISH", 0);
	ics_line(&out, "X-WR-CALNAME", f->title, 1);
	ics_line(&out, "X-WR-CALDESC", f->subtitle, 1);
	ics_line(&out, "X-WR-TIMEZONE", "Asia/Tokyo", 0);
	for (i = 0; i < l->len; i++) {
		const struct item *it = &l->v[i];

		if (it->start == NULL)
			continue;	/* no date: nothing to put on a calendar */
		ics_line(&out, "BEGIN", "VEVENT", 0);
		buf_reset(&b);
		buf_printf(&b, "%s-%lld@" FEED_DOMAIN, f->uidpfx,
		    (long long)it->id);
		ics_line(&out, "UID", buf_str(&b), 0);
		time_fmt(ts, sizeof(ts), it->updated, 1);
		ics_line(&out, "DTSTAMP", ts, 0);
		ics_line(&out, "LAST-MODIFIED", ts, 0);
		if (it->published > 0) {
			time_fmt(ts, sizeof(ts), it->published, 1);
			ics_line(&out, "CREATED", ts, 0);
		}
		ics_date(ts, sizeof(ts), it->start, 0);
		ics_line(&out, "DTSTART;VALUE=DATE", ts, 0);
		/* DTEND of an all-day event is the day after the last. */
		ics_date(ts, sizeof(ts), it->end, 1);
		ics_line(&out, "DTEND;VALUE=DATE", ts, 0);
		buf_reset(&b);
		buf_puts(&b, f->icsprefix);
		if (it->cancelled)
			buf_puts(&b, "【中止】");
		buf_puts(&b, it->title);
		ics_line(&out, "SUMMARY", buf_str(&b), 1);
		buf_reset(&b);
		buf_puts(&b, it->summary);
		if (it->location != NULL && *it->location != '\0')
			ics_line(&out, "LOCATION", it->location, 1);
		ics_line(&out, "DESCRIPTION", buf_str(&b), 1);
		buf_reset(&b);
		abs_url(&b, r, f->detail);
		buf_printf(&b, "%lld.html", (long long)it->id);
		ics_line(&out, "URL;VALUE=URI", buf_str(&b), 0);
		ics_line(&out, "STATUS", it->cancelled ? "CANCELLED" :
		    "CONFIRMED", 0);
		ics_line(&out, "TRANSP", "TRANSPARENT", 0);
		ics_line(&out, "END", "VEVENT", 0);
	}
	ics_line(&out, "END", "VCALENDAR", 0);
	if (!buf_ok(&out)) {
		kerr("%s: too large", f->ics);
		goto out;
	}
	if (rctx_page(r, f->ics) == NULL)
		goto out;
	deps_add(r, f, l);
	r->pages++;
	rc = site_page_end(r->site, out.p, out.len);
out:
	buf_free(&out);
	buf_free(&b);
	return rc;
}

static int
render_feed(struct rctx *r, enum feedid id)
{
	struct items	 l;
	int		 rc = 0, k = 0;

	memset(&l, 0, sizeof(l));
	if (!items_load(r, &feeds[id], &l) ||
	    (k = feed_kept(r, &feeds[id], &l)) == -1)
		goto out;
	if (k == 0 && (!write_atom(r, &feeds[id], &l) ||
	    !write_ics(r, &feeds[id], &l)))
		goto out;
	rc = 1;
out:
	items_free(&l);
	return rc;
}

static int
render_events(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_feed(r, FEED_EVENTS);
}

static int
render_grants(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_feed(r, FEED_GRANTS);
}

static int
render_postings(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_feed(r, FEED_POSTINGS);
}

const struct family fam_feed_events = {
	"events feeds", KBIT(K_EVENT), "feeds/events.", K_EVENT, 0,
	render_events, NULL, NULL
};

const struct family fam_feed_grants = {
	"grants feeds", KBIT(K_GRANT), "feeds/grants.", K_GRANT, 0,
	render_grants, NULL, NULL
};

/* The date decides which postings have started and which have ended. */
const struct family fam_feed_postings = {
	"postings feeds", KBIT(K_POSTING) | KBIT(K_MEMBER) | KBIT(K_DATE),
	"boranet201909/feeds/postings.", K_POSTING, 0, render_postings, NULL, NULL
};
