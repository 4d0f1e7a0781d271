/*
 * review.c: the staff review screens for every queue of 仮登録 items
 * and edit requests (new groups, 修正依頼, recruitments, members,
 * volunteer postings): the overview, one queue's list, one item with
 * its rows (the owner's hook) or its field-by-field diff, a preview of
 * the public page, and the four actions: approve (one transaction that
 * publishes, mails, audits and queues the publish), hold, return with
 * a message, and flag as a duplicate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define LIST_MAX	200			/* items one list shows */
#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define PREVIEW_MAX	((size_t)8 * 1024 * 1024) /* bytes of a preview */
#define PREVIEW_SEC	20			/* seconds a preview may take */
#define EXT_MAX		8			/* bytes of a kept extension */

/* The queues: each record kind's 仮登録 items, then its edit requests. */
enum rq {
	RQ_ORG,
	RQ_ORG_EDIT,
	RQ_EVENT,
	RQ_EVENT_EDIT,
	RQ_MEMBER,
	RQ_MEMBER_EDIT,
	RQ_POSTING,
	RQ_POSTING_EDIT,
	RQ__MAX
};

/* The statements every queue has (NULL where a queue has none). */
enum qs {
	QS_COUNT,	/* () -> n */
	QS_LIST,	/* () -> id, title, created_at, flag */
	QS_GET,		/* (id) -> title, state, flag, note, dup, created,
			   record id, payload_ct */
	QS_APPROVE,	/* (id, now, staff): guarded on the review state */
	QS_HOLD,	/* (id, note, now, staff) */
	QS_RETURN,	/* (id, note, now, staff) */
	QS_DUP,		/* (id, dup, now) */
	QS_EXISTS,	/* (id) -> 1: a registration of the same kind */
	QS_EMAIL,	/* (record id) -> sealed address, its row id */
	QS_FILES,	/* (record id) -> upload id, orig_name (not public) */
	QS__MAX
};

enum act {
	ACT_APPROVE,
	ACT_HOLD,
	ACT_RETURN,
	ACT_DUP,
	ACT__MAX
};

static const char *const act_names[ACT__MAX] = {
	"approve", "hold", "return", "duplicate" };

typedef int (*rows_fn)(struct ctx *, int64_t, const char *,
    struct tarena *, struct tval *);
typedef int (*apply_fn)(struct ctx *, int64_t, const char *);

struct queue {
	const char	*name;		/* q= */
	const char	*label;		/* what staff read */
	const char	*kind;		/* generator kind, audit target */
	const char	*table;		/* the row an id names */
	const char	*email_table;	/* AD of the owner's sealed address */
	const char	*email_col;
	const char	*site;		/* "supernet" | "aikasa" */
	const char	*what;		/* the item in a mail: 「団体情報」 */
	int		 edit;
	rows_fn		 rows;
	apply_fn	 apply;
};

static const struct queue queues[RQ__MAX] = {
	{ "org", "スーパーネット 新規団体・企業登録", "org", "org", "org",
	  "reg_email_ct", "supernet", "団体・企業の登録情報", 0,
	  org_review_rows, NULL },
	{ "org_edit", "スーパーネット 修正依頼", "org", "org_edit", "org",
	  "reg_email_ct", "supernet", "団体・企業情報の修正依頼", 1,
	  org_review_rows, org_edit_apply },
	{ "event", "スーパーネット 募集情報（イベント等）", "event", "event",
	  "event", "submitter_email_ct", "supernet", "募集情報", 0,
	  event_review_rows, NULL },
	{ "event_edit", "スーパーネット 募集情報の修正依頼", "event",
	  "event_edit", "event", "submitter_email_ct", "supernet",
	  "募集情報の修正依頼", 1, event_review_rows, event_edit_apply },
	{ "member", "あいかさねっと 会員登録", "member", "member", "member",
	  "email_ct", "aikasa", "会員登録", 0, member_review_rows, NULL },
	{ "member_edit", "あいかさねっと 会員情報の変更", "member",
	  "member_edit", "member", "email_ct", "aikasa", "会員情報の変更",
	  1, member_review_rows, member_edit_apply },
	{ "posting", "あいかさねっと ボランティア募集", "posting", "posting",
	  "member", "email_ct", "aikasa", "ボランティア募集", 0,
	  posting_review_rows, NULL },
	{ "posting_edit", "あいかさねっと ボランティア募集の変更", "posting",
	  "posting_edit", "member", "email_ct", "aikasa",
	  "ボランティア募集の変更", 1, posting_review_rows,
	  posting_edit_apply },
};

/*
 * The shared SQL shapes.  Parameters: ?1 the id; approve ?2 now, ?3
 * staff; hold and return ?2 note, ?3 now, ?4 staff; duplicate ?2 the
 * other id, ?3 now (a shape may leave a parameter unused).
 */
#define EDIT_COUNT(T) \
	"SELECT count(*) FROM " T " WHERE state IN ('review', 'held')"
#define EDIT_APPROVE(T) \
	"UPDATE " T " SET state = 'approved', decided_at = ?2, " \
	"decided_by = ?3 WHERE id = ?1 AND state IN ('review', 'held')"
#define EDIT_HOLD(T) \
	"UPDATE " T " SET state = 'held', review_note = ?2 WHERE id = ?1 " \
	"AND state IN ('review', 'held')"
#define EDIT_RETURN(T) \
	"UPDATE " T " SET state = 'returned', review_note = ?2, " \
	"decided_at = ?3, decided_by = ?4 WHERE id = ?1 AND " \
	"state IN ('review', 'held')"
#define REC_HOLD(T, W) \
	"UPDATE " T " SET review_flag = 'held', review_note = ?2, " \
	"updated_at = ?3 WHERE id = ?1 AND state = 'review'" W
#define REC_RETURN(T, W) \
	"UPDATE " T " SET review_flag = 'returned', review_note = ?2, " \
	"updated_at = ?3 WHERE id = ?1 AND state = 'review'" W
#define REC_DUP(T, W) \
	"UPDATE " T " SET review_flag = 'duplicate', duplicate_of = ?2, " \
	"updated_at = ?3 WHERE id = ?1 AND state = 'review'" W
#define REC_APPROVE(T, W) \
	"UPDATE " T " SET state = 'public', published_at = ?2, " \
	"updated_at = ?2, review_flag = NULL WHERE id = ?1 AND " \
	"state = 'review'" W
#define FILES(T, C) \
	"SELECT u.id, u.orig_name FROM " T " f JOIN upload u ON " \
	"u.id = f.upload_id WHERE f." C " = ?1 AND u.state != 'public' " \
	"ORDER BY f.slot"
#define MEMBER_READY	" AND detail_done = 1"

static const char *const sql[RQ__MAX][QS__MAX] = {
	[RQ_ORG] = {
		"SELECT count(*) FROM org WHERE state = 'review'",
		"SELECT id, name, created_at, review_flag FROM org WHERE "
		"state = 'review' ORDER BY created_at DESC, id DESC LIMIT 200",
		"SELECT name, state, review_flag, review_note, duplicate_of, "
		"created_at, id, NULL FROM org WHERE id = ?1",
		REC_APPROVE("org", ""),
		REC_HOLD("org", ""),
		REC_RETURN("org", ""),
		REC_DUP("org", ""),
		"SELECT 1 FROM org WHERE id = ?1",
		"SELECT reg_email_ct, id FROM org WHERE id = ?1",
		FILES("org_file", "org_id"),
	},
	[RQ_ORG_EDIT] = {
		EDIT_COUNT("org_edit"),
		"SELECT e.id, o.name, e.created_at, CASE e.state WHEN 'held' "
		"THEN 'held' END FROM org_edit e JOIN org o ON o.id = e.org_id "
		"WHERE e.state IN ('review', 'held') ORDER BY e.created_at "
		"DESC, e.id DESC LIMIT 200",
		"SELECT o.name, e.state, CASE e.state WHEN 'held' THEN 'held' "
		"WHEN 'returned' THEN 'returned' END, e.review_note, NULL, "
		"e.created_at, e.org_id, e.payload_ct FROM org_edit e JOIN "
		"org o ON o.id = e.org_id WHERE e.id = ?1",
		EDIT_APPROVE("org_edit"),
		EDIT_HOLD("org_edit"),
		EDIT_RETURN("org_edit"),
		NULL,
		NULL,
		"SELECT reg_email_ct, id FROM org WHERE id = ?1",
		FILES("org_file", "org_id"),
	},
	[RQ_EVENT] = {
		"SELECT count(*) FROM event WHERE state = 'review'",
		"SELECT id, title, created_at, review_flag FROM event WHERE "
		"state = 'review' ORDER BY created_at DESC, id DESC LIMIT 200",
		"SELECT title, state, review_flag, review_note, duplicate_of, "
		"created_at, id, NULL FROM event WHERE id = ?1",
		REC_APPROVE("event", ""),
		REC_HOLD("event", ""),
		REC_RETURN("event", ""),
		REC_DUP("event", ""),
		"SELECT 1 FROM event WHERE id = ?1",
		"SELECT submitter_email_ct, id FROM event WHERE id = ?1",
		FILES("event_file", "event_id"),
	},
	[RQ_EVENT_EDIT] = {
		EDIT_COUNT("event_edit"),
		"SELECT e.id, v.title, e.created_at, CASE e.state WHEN 'held' "
		"THEN 'held' END FROM event_edit e JOIN event v ON "
		"v.id = e.event_id WHERE e.state IN ('review', 'held') ORDER "
		"BY e.created_at DESC, e.id DESC LIMIT 200",
		"SELECT v.title, e.state, CASE e.state WHEN 'held' THEN 'held' "
		"WHEN 'returned' THEN 'returned' END, e.review_note, NULL, "
		"e.created_at, e.event_id, e.payload_ct FROM event_edit e "
		"JOIN event v ON v.id = e.event_id WHERE e.id = ?1",
		EDIT_APPROVE("event_edit"),
		EDIT_HOLD("event_edit"),
		EDIT_RETURN("event_edit"),
		NULL,
		NULL,
		"SELECT submitter_email_ct, id FROM event WHERE id = ?1",
		FILES("event_file", "event_id"),
	},
	[RQ_MEMBER] = {
		"SELECT count(*) FROM member WHERE state = 'review' AND "
		"detail_done = 1",
		"SELECT id, coalesce(org_name, '個人会員 ' || login_id), "
		"created_at, review_flag FROM member WHERE state = 'review' "
		"AND detail_done = 1 ORDER BY created_at DESC, id DESC "
		"LIMIT 200",
		"SELECT coalesce(org_name, '個人会員 ' || login_id), state, "
		"review_flag, review_note, duplicate_of, created_at, id, NULL "
		"FROM member WHERE id = ?1 AND detail_done = 1",
		REC_APPROVE("member", MEMBER_READY),
		REC_HOLD("member", MEMBER_READY),
		REC_RETURN("member", MEMBER_READY),
		REC_DUP("member", MEMBER_READY),
		"SELECT 1 FROM member WHERE id = ?1",
		"SELECT email_ct, id FROM member WHERE id = ?1",
		FILES("member_file", "member_id"),
	},
	[RQ_MEMBER_EDIT] = {
		EDIT_COUNT("member_edit"),
		"SELECT e.id, coalesce(m.org_name, '個人会員 ' || m.login_id), "
		"e.created_at, CASE e.state WHEN 'held' THEN 'held' END FROM "
		"member_edit e JOIN member m ON m.id = e.member_id WHERE "
		"e.state IN ('review', 'held') ORDER BY e.created_at DESC, "
		"e.id DESC LIMIT 200",
		"SELECT coalesce(m.org_name, '個人会員 ' || m.login_id), "
		"e.state, CASE e.state WHEN 'held' THEN 'held' WHEN "
		"'returned' THEN 'returned' END, e.review_note, NULL, "
		"e.created_at, e.member_id, e.payload_ct FROM member_edit e "
		"JOIN member m ON m.id = e.member_id WHERE e.id = ?1",
		EDIT_APPROVE("member_edit"),
		EDIT_HOLD("member_edit"),
		EDIT_RETURN("member_edit"),
		NULL,
		NULL,
		"SELECT email_ct, id FROM member WHERE id = ?1",
		FILES("member_file", "member_id"),
	},
	[RQ_POSTING] = {
		"SELECT count(*) FROM posting WHERE state = 'review'",
		"SELECT id, title, created_at, review_flag FROM posting WHERE "
		"state = 'review' ORDER BY created_at DESC, id DESC LIMIT 200",
		"SELECT title, state, review_flag, review_note, duplicate_of, "
		"created_at, id, NULL FROM posting WHERE id = ?1",
		REC_APPROVE("posting", ""),
		REC_HOLD("posting", ""),
		REC_RETURN("posting", ""),
		REC_DUP("posting", ""),
		"SELECT 1 FROM posting WHERE id = ?1",
		"SELECT m.email_ct, m.id FROM posting p JOIN member m ON "
		"m.id = p.member_id WHERE p.id = ?1",
		FILES("posting_file", "posting_id"),
	},
	[RQ_POSTING_EDIT] = {
		EDIT_COUNT("posting_edit"),
		"SELECT e.id, p.title, e.created_at, CASE e.state WHEN 'held' "
		"THEN 'held' END FROM posting_edit e JOIN posting p ON "
		"p.id = e.posting_id WHERE e.state IN ('review', 'held') "
		"ORDER BY e.created_at DESC, e.id DESC LIMIT 200",
		"SELECT p.title, e.state, CASE e.state WHEN 'held' THEN 'held' "
		"WHEN 'returned' THEN 'returned' END, e.review_note, NULL, "
		"e.created_at, e.posting_id, e.payload_ct FROM posting_edit e "
		"JOIN posting p ON p.id = e.posting_id WHERE e.id = ?1",
		EDIT_APPROVE("posting_edit"),
		EDIT_HOLD("posting_edit"),
		EDIT_RETURN("posting_edit"),
		NULL,
		NULL,
		"SELECT m.email_ct, m.id FROM posting p JOIN member m ON "
		"m.id = p.member_id WHERE p.id = ?1",
		FILES("posting_file", "posting_id"),
	},
};

enum stmt {
	STMT_UPLOAD_PUBLIC,
	STMT__MAX
};

static const char *const sql1[STMT__MAX] = {
	/* STMT_UPLOAD_PUBLIC */
	"UPDATE upload SET state = 'public', public_name = ?2 WHERE id = ?1",
};

/* What a review_flag means on the screens. */
static const char *
flag_label(const char *flag)
{
	if (strcmp(flag, "held") == 0)
		return "保留中";
	if (strcmp(flag, "returned") == 0)
		return "差し戻し済み";
	if (strcmp(flag, "duplicate") == 0)
		return "重複の疑い";
	return "";
}

/* A Unix time as 「YYYY-MM-DD HH:MM」 in Japan time into out[outsz]. */
static void
jst(long long t, char *out, size_t outsz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)(t + 9 * 3600);

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outsz, "—");
}

/* The value of key k from src if valid, else NULL. */
static const char *
val(const struct ctx *ctx, enum ksrc src, enum key k)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, k);
	return f != NULL ? f->val : NULL;
}

/* The queue q= names (query or body), or RQ__MAX. */
static enum rq
queue_of(const struct ctx *ctx, enum ksrc src)
{
	const char	*s;
	size_t		 i;

	if ((s = val(ctx, src, KEY_RV_Q)) == NULL)
		return RQ__MAX;
	for (i = 0; i < RQ__MAX; i++)
		if (strcmp(s, queues[i].name) == 0)
			return (enum rq)i;
	return RQ__MAX;
}

/* The id= (query or body), or 0. */
static int64_t
id_of(const struct ctx *ctx, enum ksrc src)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, KEY_RV_ID);
	return f != NULL ? (int64_t)f->ival : 0;
}

/* The screens' own links: "{cgi}/admin/review…" into v. */
static void
links(struct ctx *ctx, struct tval *v)
{
	form_url(ctx, v, "overview_url", "/admin/review");
	form_url(ctx, v, "list_url", "/admin/review/list");
	form_url(ctx, v, "item_url", "/admin/review/item");
	form_url(ctx, v, "act_url", "/admin/review/act");
	form_url(ctx, v, "preview_url", "/admin/review/preview");
	form_url(ctx, v, "admin_url", "/admin/");
}

/* Send the browser to the overview (a GET without a valid queue). */
static int
to_overview(struct ctx *ctx)
{
	return resp_redirect(&ctx->resp, ctx->cfg, "/admin/review");
}

/*
 * /admin/review: every queue with its count, linked to its list.
 */
int
rv_overview(struct ctx *ctx)
{
	struct tarena	*ta;
	struct tval	*v, *list, *o;
	sqlite3_stmt	*st;
	size_t		 i;
	long long	 total = 0;

	if (!sess_db(ctx))
		return 0;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	links(ctx, v);
	list = tv_list(ta);
	for (i = 0; i < RQ__MAX; i++) {
		if ((st = db_prep(ctx->db, sql[i][QS_COUNT])) == NULL ||
		    db_row(ctx->db, st) <= 0) {
			tarena_free(ta);
			return 0;
		}
		o = tv_push_obj(list);
		tv_set_str(o, "q", queues[i].name);
		tv_set_str(o, "label", queues[i].label);
		tv_set_int(o, "count", sqlite3_column_int64(st, 0));
		total += sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	tv_set(v, "queues", list);
	tv_set_int(v, "total", total);
	return flow_show(ctx, ta, v, "review_overview", "審査待ちの一覧", 0);
}

/*
 * /admin/review/list?q=QUEUE: the queue's items, newest first, with
 * their held/returned/duplicate flags.
 */
int
rv_list(struct ctx *ctx)
{
	struct tarena	*ta;
	struct tval	*v, *list, *o;
	sqlite3_stmt	*st;
	enum rq		 q;
	char		 when[32];
	const char	*flag;
	int		 r;

	if ((q = queue_of(ctx, KSRC_QUERY)) == RQ__MAX)
		return to_overview(ctx);
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[q][QS_LIST])) == NULL)
		return 0;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	links(ctx, v);
	list = tv_list(ta);
	while ((r = db_row(ctx->db, st)) > 0) {
		o = tv_push_obj(list);
		tv_set_int(o, "id", sqlite3_column_int64(st, 0));
		tv_set_str(o, "title", db_col_text(st, 1));
		jst(sqlite3_column_int64(st, 2), when, sizeof(when));
		tv_set_str(o, "created", when);
		flag = db_col_text(st, 3);
		if (*flag != '\0')
			tv_set_str(o, "flag", flag_label(flag));
	}
	if (r < 0) {
		tarena_free(ta);
		return 0;
	}
	tv_set(v, "items", list);
	tv_set_bool(v, "has_items", tv_len(list) > 0);
	tv_set_int(v, "max", LIST_MAX);
	tv_set_str(v, "q", queues[q].name);
	tv_set_str(v, "label", queues[q].label);
	tv_set_bool(v, "edit", queues[q].edit);
	return flow_show(ctx, ta, v, "review_list", queues[q].label, 0);
}

/* The header of one item or edit request (owned by the caller). */
struct item {
	int64_t		 id;		/* item or edit-request id */
	int64_t		 rec;		/* the record: item id or parent */
	char		 state[16];
	char		 flag[16];
	int64_t		 dup;
	long long	 created;
	struct buf	 title;
	struct buf	 note;
	struct buf	 payload;	/* an edit request's, opened */
};

static void
item_init(struct item *it)
{
	memset(it, 0, sizeof(*it));
	buf_init(&it->title, 4096);
	buf_init(&it->note, 16 * 1024);
	buf_init(&it->payload, REQ_URLENC_MAX);
}

static void
item_free(struct item *it)
{
	if (it->payload.p != NULL)
		sodium_memzero(it->payload.p, it->payload.len);
	buf_free(&it->title);
	buf_free(&it->note);
	buf_free(&it->payload);
}

/*
 * Load item id of queue q into it (an edit request's payload opened
 * with AD ("<kind>_edit", "payload_ct", id)).  1 found, 0 not found,
 * -1 error.
 */
static int
item_load(struct ctx *ctx, enum rq q, int64_t id, struct item *it)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = db_prep(ctx->db, sql[q][QS_GET])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	it->id = id;
	buf_puts(&it->title, db_col_text(st, 0));
	snprintf(it->state, sizeof(it->state), "%s", db_col_text(st, 1));
	snprintf(it->flag, sizeof(it->flag), "%s", db_col_text(st, 2));
	buf_puts(&it->note, db_col_text(st, 3));
	it->dup = sqlite3_column_int64(st, 4);
	it->created = sqlite3_column_int64(st, 5);
	it->rec = sqlite3_column_int64(st, 6);
	if (queues[q].edit && !flow_col_open(ctx, st, 7, queues[q].table,
	    "payload_ct", id, &it->payload)) {
		kerr("%s %lld: payload does not open", queues[q].table,
		    (long long)id);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return buf_ok(&it->title) && buf_ok(&it->note) ? 1 : -1;
}

/* 1 if the item still waits for a decision. */
static int
item_open(enum rq q, const struct item *it)
{
	if (queues[q].edit)
		return strcmp(it->state, "review") == 0 ||
		    strcmp(it->state, "held") == 0;
	return strcmp(it->state, "review") == 0;
}

/*
 * The detail screen of item id of queue q; message (may be NULL) is
 * the outcome of an action, error a refusal (both shown at the top),
 * note and dup the values typed before a refusal.
 */
static int
show_item(struct ctx *ctx, enum rq q, int64_t id, const char *message,
    const char *error, const char *note, const char *dup)
{
	struct tarena	*ta;
	struct tval	*v, *rows;
	struct item	 it;
	struct buf	 t;
	char		 when[32];
	int		 r, rc = 0;

	item_init(&it);
	buf_init(&t, 4096);
	ta = tarena_new();
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (r = item_load(ctx, q, id, &it)) < 0)
		goto out;
	if (r == 0) {
		rc = page_error(ctx, 404);
		goto out;
	}
	v = page_vars(ctx, ta);
	links(ctx, v);
	tv_set_str(v, "q", queues[q].name);
	tv_set_str(v, "label", queues[q].label);
	tv_set_int(v, "id", id);
	tv_set_int(v, "rec", it.rec);
	tv_set_str(v, "kind", queues[q].kind);
	tv_set_str(v, "title_text", buf_str(&it.title));
	tv_set_bool(v, "edit", queues[q].edit);
	tv_set_bool(v, "open", item_open(q, &it));
	tv_set_bool(v, "can_dup", sql[q][QS_DUP] != NULL);
	tv_set_str(v, "state", strcmp(it.state, "public") == 0 ? "公開中" :
	    strcmp(it.state, "approved") == 0 ? "承認済み" :
	    strcmp(it.state, "returned") == 0 ? "差し戻し済み" :
	    strcmp(it.state, "draft") == 0 ? "下書き" : "審査待ち");
	if (it.flag[0] != '\0')
		tv_set_str(v, "flag", flag_label(it.flag));
	if (it.note.len > 0)
		tv_set_str(v, "review_note", buf_str(&it.note));
	if (it.dup > 0)
		tv_set_int(v, "duplicate_of", it.dup);
	jst(it.created, when, sizeof(when));
	tv_set_str(v, "created", when);
	if (message != NULL)
		tv_set_str(v, "message", message);
	if (error != NULL)
		tv_set_str(v, "error", error);
	tv_set_str(v, "note", note != NULL ? note : "");
	tv_set_str(v, "dup", dup != NULL ? dup : "");

	/* The owner's rows: the record, and for an edit its diff. */
	rows = tv_list(ta);
	if (!queues[q].rows(ctx, it.rec, NULL, ta, rows))
		goto out;
	tv_set(v, "rows", rows);
	if (queues[q].edit) {
		rows = tv_list(ta);
		if (!queues[q].rows(ctx, it.rec, buf_str(&it.payload), ta,
		    rows))
			goto out;
		tv_set(v, "diff", rows);
	}
	buf_printf(&t, "%s：%s", queues[q].label, buf_str(&it.title));
	if (!buf_ok(&t))
		goto out;
	rc = flow_show(ctx, ta, v, "review_item", buf_str(&t),
	    error != NULL);
	ta = NULL;
out:
	tarena_free(ta);
	item_free(&it);
	buf_free(&t);
	return rc;
}

/* /admin/review/item?q=QUEUE&id=N: one item, its rows and actions. */
int
rv_item(struct ctx *ctx)
{
	enum rq		 q;
	int64_t		 id;

	if ((q = queue_of(ctx, KSRC_QUERY)) == RQ__MAX ||
	    (id = id_of(ctx, KSRC_QUERY)) == 0)
		return to_overview(ctx);
	return show_item(ctx, q, id, NULL, NULL, NULL, NULL);
}

/*
 * The owner's address of record rec of queue q into to ("" if none).
 * 1 ok, 0 error.
 */
static int
owner_email(struct ctx *ctx, enum rq q, int64_t rec, struct buf *to)
{
	sqlite3_stmt	*st;
	int64_t		 row;
	int		 r;

	buf_reset(to);
	if ((st = db_prep(ctx->db, sql[q][QS_EMAIL])) == NULL)
		return 0;
	db_bind_int(st, 1, rec);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r == 0;
	row = sqlite3_column_int64(st, 1);
	r = flow_col_open(ctx, st, 0, queues[q].email_table,
	    queues[q].email_col, row, to);
	sqlite3_reset(st);
	if (!r)
		kerr("%s %lld: %s does not open", queues[q].email_table,
		    (long long)row, queues[q].email_col);
	return r;
}

/*
 * Mail the owner of record rec, if the record has an address: subject
 * and body are ours, note (typed by staff) only in the body.  1 ok
 * (also with no address), 0 error.
 */
static int
mail_owner(struct ctx *ctx, enum rq q, int64_t rec, enum act a,
    const char *title, const char *note)
{
	const struct queue	*qu = &queues[q];
	const char		*sitename, *tmpl;
	struct buf		 to, body, subj;
	int			 rc = 0;

	buf_init(&to, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&subj, 1024);
	if (!owner_email(ctx, q, rec, &to))
		goto out;
	if (to.len == 0) {
		rc = 1;
		goto out;
	}
	sitename = strcmp(qu->site, "aikasa") == 0 ? "あいかさねっと" :
	    "スーパーネット";
	buf_printf(&body, "ご担当者 様\n\n「%s」（%s）について、", title,
	    qu->what);
	if (a == ACT_APPROVE) {
		tmpl = qu->edit ? "review_edit_approved" : "review_approved";
		buf_printf(&subj, "【%s】%sを承認しました", sitename,
		    qu->what);
		buf_printf(&body, "センターで内容を確認し、承認しました。\n"
		    "%sに掲載されるまで、数分かかることがあります。\n",
		    sitename);
	} else {
		tmpl = qu->edit ? "review_edit_returned" : "review_returned";
		buf_printf(&subj, "【%s】%sについて確認のお願い", sitename,
		    qu->what);
		buf_printf(&body, "センターで内容を確認しましたが、"
		    "このままでは掲載できません。\n"
		    "次の内容をご確認のうえ、修正してもう一度お送り"
		    "ください。\n\n----\n%s\n----\n", note);
	}
	buf_printf(&body, "\nご不明な点は、このメールに返信せず、"
	    "やまぐち県民活動支援センターへお問い合わせください。\n"
	    "\n-- \n%s（やまぐち県民活動支援センター）\n", sitename);
	if (!buf_ok(&body) || !buf_ok(&subj))
		goto out;
	rc = flow_mail(ctx, tmpl, buf_str(&to), buf_str(&subj),
	    buf_str(&body));
out:
	if (to.p != NULL)
		sodium_memzero(to.p, to.len);
	buf_free(&to);
	buf_free(&body);
	buf_free(&subj);
	return rc;
}

/*
 * "." and up to EXT_MAX lowercase letters and digits of name's
 * extension into ext (empty if it has none or another character).
 */
static void
extension(const char *name, char *ext, size_t extsz)
{
	const char	*dot;
	size_t		 i, n;

	ext[0] = '\0';
	if ((dot = strrchr(name, '.')) == NULL || (n = strlen(dot + 1)) == 0 ||
	    n > EXT_MAX || n + 2 > extsz)
		return;
	for (i = 0; i < n; i++) {
		char c = dot[1 + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			ext[0] = '\0';
			return;
		}
		ext[1 + i] = c;
	}
	ext[0] = '.';
	ext[1 + n] = '\0';
}

/*
 * Every upload linked to record rec that is not public yet: public
 * with a fresh random name (the extension kept), and queued for the
 * publish.  In the caller's transaction.  Returns the count, -1 error.
 */
static int
publish_uploads(struct ctx *ctx, enum rq q, int64_t rec)
{
	sqlite3_stmt	*st, *up;
	int64_t		 ids[3 * 4];
	char		 exts[3 * 4][EXT_MAX + 2];
	char		 hex[SESS_HEX / 2 + 1];
	char		 name[SESS_HEX / 2 + EXT_MAX + 2];
	size_t		 n = 0, i;
	int		 r = 0;

	if ((st = db_prep(ctx->db, sql[q][QS_FILES])) == NULL)
		return -1;
	db_bind_int(st, 1, rec);
	while (n < KENMIN_NELEM(ids) && (r = db_row(ctx->db, st)) > 0) {
		ids[n] = sqlite3_column_int64(st, 0);
		extension(db_col_text(st, 1), exts[n], sizeof(exts[n]));
		n++;
	}
	if (n == KENMIN_NELEM(ids))
		sqlite3_reset(st);
	else if (r < 0)
		return -1;
	for (i = 0; i < n; i++) {
		crypto_token_hex(hex, SESS_HEX / 4);
		snprintf(name, sizeof(name), "%s%.*s", hex, EXT_MAX + 1,
		    exts[i]);
		if ((up = db_prep(ctx->db, sql1[STMT_UPLOAD_PUBLIC])) == NULL)
			return -1;
		db_bind_int(up, 1, ids[i]);
		db_bind_text(up, 2, name);
		if (!db_run(ctx->db, up) ||
		    !flow_publish(ctx, "upload", ids[i], "approve"))
			return -1;
	}
	return (int)n;
}

/*
 * Run the guarded UPDATE of action a on item it, in the caller's
 * transaction.  1 if this request changed the row, 0 if it was no
 * longer waiting (another member of staff was first), -1 error.
 */
static int
guarded(struct ctx *ctx, enum rq q, enum act a, const struct item *it,
    const char *note, int64_t dup)
{
	static const enum qs which[ACT__MAX] = {
		QS_APPROVE, QS_HOLD, QS_RETURN, QS_DUP };
	sqlite3_stmt	*st;

	if ((st = db_prep(ctx->db, sql[q][which[a]])) == NULL)
		return -1;
	db_bind_int(st, 1, it->id);
	switch (a) {
	case ACT_APPROVE:
		db_bind_int(st, 2, ctx->now);
		db_bind_int(st, 3, ctx->sess->pid);
		break;
	case ACT_HOLD:
	case ACT_RETURN:
		db_bind_text(st, 2, note != NULL && *note != '\0' ? note :
		    NULL);
		db_bind_int(st, 3, ctx->now);
		db_bind_int(st, 4, ctx->sess->pid);
		break;
	default:
		db_bind_int(st, 2, dup);
		db_bind_int(st, 3, ctx->now);
		break;
	}
	if (!db_run(ctx->db, st))
		return -1;
	return db_changes(ctx->db) == 1;
}

/* 1 if a registration id of queue q's kind exists, 0 if not, -1 error. */
static int
exists(struct ctx *ctx, enum rq q, int64_t id)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = db_prep(ctx->db, sql[q][QS_EXISTS])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) > 0)
		sqlite3_reset(st);
	return r;
}

static const char *const act_done[ACT__MAX] = {
	"承認しました。公開ページは数分以内に更新されます。",
	"保留にしました。",
	"差し戻しました。登録者にメッセージをメールで送りました。",
	"重複として記録しました。",
};

static const char already[] =
    "この項目は、すでに他の職員が処理したか、審査待ちではありません。"
    "画面を開き直して、現在の状態を確認してください。";

/*
 * Do action a on item it of queue q in one transaction: the guarded
 * UPDATE, for an approval the owner's edit applied, the uploads made
 * public and the publish queued; the owner's mail (approve, return),
 * the audit row.  Returns 1 done, 0 lost the race (nothing changed),
 * -1 error (rolled back).
 */
static int
act_commit(struct ctx *ctx, enum rq q, enum act a, struct item *it,
    const char *note, int64_t dup)
{
	const struct queue	*qu = &queues[q];
	struct buf		 detail;
	int			 r, began = 0, rc = -1, nup = 0;

	buf_init(&detail, AUDIT_DETAIL_MAX);
	if (!db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = guarded(ctx, q, a, it, note, dup)) <= 0) {
		rc = r;
		goto out;
	}
	if (a == ACT_APPROVE) {
		if (qu->edit && !qu->apply(ctx, it->rec,
		    buf_str(&it->payload)))
			goto out;
		if ((nup = publish_uploads(ctx, q, it->rec)) < 0 ||
		    !flow_publish(ctx, qu->kind, it->rec, qu->edit ?
		    "edit approved" : "approved"))
			goto out;
	}
	if ((a == ACT_APPROVE || a == ACT_RETURN) && !mail_owner(ctx, q,
	    it->rec, a, buf_str(&it->title), note))
		goto out;
	/* Masked: queue names and ids only, never a typed value. */
	buf_printf(&detail, "queue=%s", qu->name);
	if (qu->edit)
		buf_printf(&detail, " %s=%lld", qu->kind, (long long)it->rec);
	if (a == ACT_DUP)
		buf_printf(&detail, " duplicate_of=%lld", (long long)dup);
	if (nup > 0)
		buf_printf(&detail, " uploads=%d", nup);
	if (!buf_ok(&detail) || !flow_audit(ctx, act_names[a],
	    qu->edit ? qu->table : qu->kind, it->id, buf_str(&detail)) ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	rc = 1;
	/* Committed: the public page and the mail go now, or with cron. */
	if (a == ACT_APPROVE)
		flow_publish_now(ctx);
	if (a == ACT_APPROVE || a == ACT_RETURN)
		spawn_gen(ctx->cfg, "mail");
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&detail);
	return rc;
}

/*
 * /admin/review/act (POST, CSRF checked by the dispatcher): q, id,
 * action and, for hold and return, note; for duplicate, dup.  Shows
 * the item again with the outcome or the refusal.
 */
int
rv_act(struct ctx *ctx)
{
	const struct kfield	*f;
	const char		*s, *note, *dupstr;
	struct item		 it;
	enum rq			 q;
	enum act		 a;
	int64_t			 id, dup = 0;
	long long		 n;
	int			 r, rc = 0;

	if ((q = queue_of(ctx, KSRC_BODY)) == RQ__MAX ||
	    (id = id_of(ctx, KSRC_BODY)) == 0 ||
	    (s = val(ctx, KSRC_BODY, KEY_RV_ACTION)) == NULL)
		return page_error(ctx, 400);
	for (a = 0; a < ACT__MAX; a++)
		if (strcmp(s, act_names[a]) == 0)
			break;
	if (a == ACT__MAX || (a == ACT_DUP && sql[q][QS_DUP] == NULL))
		return page_error(ctx, 400);
	note = val(ctx, KSRC_BODY, KEY_RV_NOTE);
	if (note == NULL && (f = req_get_invalid(&ctx->req, KSRC_BODY,
	    KEY_RV_NOTE)) != NULL)
		return show_item(ctx, q, id, NULL, "メッセージは2000文字以内で"
		    "入力してください。", NULL, NULL);
	dupstr = val(ctx, KSRC_BODY, KEY_RV_DUP);

	item_init(&it);
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (r = item_load(ctx, q, id, &it)) < 0)
		goto out;
	if (r == 0) {
		rc = page_error(ctx, 404);
		goto out;
	}
	if (a == ACT_RETURN && (note == NULL || *note == '\0')) {
		rc = show_item(ctx, q, id, NULL, "差し戻すときは、登録者へ送る"
		    "メッセージを入力してください。", note, dupstr);
		goto out;
	}
	if (a == ACT_DUP) {
		if (dupstr == NULL || !util_strtoll(dupstr, 1, INT32_MAX,
		    &n)) {
			rc = show_item(ctx, q, id, NULL, "重複先の登録番号を"
			    "半角数字で入力してください。", note, dupstr);
			goto out;
		}
		dup = (int64_t)n;
		if ((r = exists(ctx, q, dup)) < 0)
			goto out;
		if (r == 0 || dup == id) {
			rc = show_item(ctx, q, id, NULL, r == 0 ?
			    "重複先の登録番号が見つかりません。番号を確認して"
			    "ください。" : "重複先には、別の登録の番号を入力"
			    "してください。", note, dupstr);
			goto out;
		}
	}
	if ((r = act_commit(ctx, q, a, &it, note, dup)) < 0)
		goto out;
	rc = show_item(ctx, q, id, r > 0 ? act_done[a] : NULL,
	    r > 0 ? NULL : already, NULL, NULL);
out:
	item_free(&it);
	return rc;
}

/*
 * /admin/review/preview?q=QUEUE&id=N: `kenmin-gen preview KIND ID`
 * (the public detail page as it would be published), with a banner,
 * never indexed or stored.
 */
int
rv_preview(struct ctx *ctx)
{
	const char	*args[4];
	struct buf	 out;
	struct item	 it;
	char		 idbuf[32];
	const char	*body, *gt;
	enum rq		 q;
	int64_t		 id;
	int		 r, rc = 0;

	if ((q = queue_of(ctx, KSRC_QUERY)) == RQ__MAX ||
	    (id = id_of(ctx, KSRC_QUERY)) == 0)
		return to_overview(ctx);
	buf_init(&out, PREVIEW_MAX);
	item_init(&it);
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (r = item_load(ctx, q, id, &it)) < 0)
		goto out;
	if (r == 0) {
		rc = page_error(ctx, 404);
		goto out;
	}
	/* A fixed argv: the kind is ours, the id a number. */
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)it.rec);
	args[0] = "preview";
	args[1] = queues[q].kind;
	args[2] = idbuf;
	args[3] = NULL;
	if ((r = spawn_capture(ctx->cfg, args, &out, PREVIEW_SEC)) != 0) {
		rc = r == 1 ? page_error(ctx, 404) : 0;
		goto out;
	}
	if (!resp_header(&ctx->resp, "X-Robots-Tag", "noindex, nofollow"))
		goto out;
	ctx->resp.flags |= RESP_NOSTORE;
	/* The banner goes right after <body …>, else first. */
	body = strstr(buf_str(&out), "<body");
	gt = body != NULL ? strchr(body, '>') : NULL;
	if (gt != NULL)
		buf_putn(&ctx->resp.body, out.p, (size_t)(gt + 1 - out.p));
	buf_puts(&ctx->resp.body, "\n<p class=\"preview-banner\" "
	    "role=\"status\"><strong>プレビュー（未公開）</strong>：この"
	    "ページはまだ公開されていません。</p>\n");
	buf_puts(&ctx->resp.body, gt != NULL ? gt + 1 : buf_str(&out));
	rc = buf_ok(&ctx->resp.body);
out:
	item_free(&it);
	buf_free(&out);
	return rc;
}
