/*
 * posting.c: あいかさねっと volunteer recruitments posted by groups from
 * their my page (紙2 §5, R166-R174, A-19-A-21, A-43): the new-posting
 * form with its confirmation and idempotent submit (state 'review',
 * mails to the center and the group), editing one's own posting (in
 * place while in review, as a sealed posting_edit once published),
 * closing a recruitment early, and the two hooks of the staff review.
 */
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
#include "esc.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define MAIL_BODY_MAX	((size_t)32 * 1024)
#define PAYLOAD_MAX	((size_t)256 * 1024)	/* one urlencoded posting */
#define AREA_TEXT_MAX	((size_t)4096)

enum stmt {
	STMT_MEMBER,
	STMT_INSERT,
	STMT_UPDATE,
	STMT_DEL_FIELD,
	STMT_DEL_WEEKDAY,
	STMT_DEL_AREA,
	STMT_ADD_FIELD,
	STMT_ADD_WEEKDAY,
	STMT_ADD_AREA,
	STMT_ADD_FILE,
	STMT_ROW,
	STMT_LINKS,
	STMT_PENDING,
	STMT_EDIT_ADD,
	STMT_EDIT_SEAL,
	STMT_CLOSE,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_MEMBER: who may post (R171, R131) */
	"SELECT type, state, status, org_name, email_ct FROM member "
	"WHERE id = ?1",
	/* STMT_INSERT: ?1-?15 as bind_cols(), ?16 member, ?17 now */
	"INSERT INTO posting (title, activity, activity_when, area_text, "
	"area_all, place, org_name, org_contact, org_url, headcount, dress, "
	"apply_from, apply_until, anytime, notes, member_id, state, "
	"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, 'review', ?17, ?17)",
	/* STMT_UPDATE: the same columns of posting ?16 */
	"UPDATE posting SET title = ?1, activity = ?2, activity_when = ?3, "
	"area_text = ?4, area_all = ?5, place = ?6, org_name = ?7, "
	"org_contact = ?8, org_url = ?9, headcount = ?10, dress = ?11, "
	"apply_from = ?12, apply_until = ?13, anytime = ?14, notes = ?15, "
	"updated_at = ?17 WHERE id = ?16",
	/* STMT_DEL_FIELD */
	"DELETE FROM posting_field WHERE posting_id = ?1",
	/* STMT_DEL_WEEKDAY */
	"DELETE FROM posting_weekday WHERE posting_id = ?1",
	/* STMT_DEL_AREA */
	"DELETE FROM posting_area WHERE posting_id = ?1",
	/* STMT_ADD_FIELD */
	"INSERT OR IGNORE INTO posting_field (posting_id, field_id) "
	"VALUES (?1, ?2)",
	/* STMT_ADD_WEEKDAY */
	"INSERT OR IGNORE INTO posting_weekday (posting_id, weekday_id) "
	"VALUES (?1, ?2)",
	/* STMT_ADD_AREA */
	"INSERT OR IGNORE INTO posting_area (posting_id, muni_id) "
	"VALUES (?1, ?2)",
	/* STMT_ADD_FILE */
	"INSERT OR REPLACE INTO posting_file (posting_id, slot, upload_id) "
	"VALUES (?1, ?2, ?3)",
	/* STMT_ROW: posting ?1, of member ?2 unless ?2 is 0 */
	"SELECT title, activity, activity_when, area_all, place, org_name, "
	"org_contact, org_url, headcount, dress, apply_from, apply_until, "
	"anytime, notes, state, closed, member_id FROM posting "
	"WHERE id = ?1 AND (?2 = 0 OR member_id = ?2)",
	/* STMT_LINKS: the matching keys, tagged 1 field, 2 weekday, 3 area */
	"SELECT 1, field_id FROM posting_field WHERE posting_id = ?1 "
	"UNION ALL SELECT 2, weekday_id FROM posting_weekday "
	"WHERE posting_id = ?1 UNION ALL SELECT 3, muni_id FROM posting_area "
	"WHERE posting_id = ?1 ORDER BY 1, 2",
	/* STMT_PENDING: the edit request still waiting for review */
	"SELECT id, payload_ct FROM posting_edit WHERE posting_id = ?1 AND "
	"state = 'review' ORDER BY id DESC LIMIT 1",
	/* STMT_EDIT_ADD: the row first; the payload is sealed to its id */
	"INSERT INTO posting_edit (posting_id, state, payload_ct, created_at) "
	"VALUES (?1, 'review', x'', ?2)",
	/* STMT_EDIT_SEAL */
	"UPDATE posting_edit SET payload_ct = ?2, created_at = ?3 "
	"WHERE id = ?1",
	/* STMT_CLOSE */
	"UPDATE posting SET closed = 1, updated_at = ?3 WHERE id = ?1 AND "
	"member_id = ?2",
};

/* What the rules need to know besides the values. */
struct pflow {
	int	 staff;		/* applied by staff: no "not in the past" rule */
};

/* The poster as the member table has it. */
struct poster {
	int	 group;		/* type 'group' (R171) */
	int	 published;	/* state 'public' and status 'active' */
	char	 org[512];
	char	 email[512];	/* "" if none is on file (legacy rows) */
};

/* A posting as loaded for its owner. */
struct prow {
	int	 found;
	int	 published;	/* state 'public' */
	int	 closed;
	int64_t	 member;
};

static const struct fopt area_all_opts[] = {
	{ "1", "県内全域で活動する" },
	{ NULL, NULL },
};

static const struct fopt anytime_opts[] = {
	{ "1", "随時募集（募集期間を定めない）" },
	{ NULL, NULL },
};

static const char period_missing[] =
    "募集期間（終了日）を入力するか、「随時募集」にチェックを入れて"
    "ください。";

/* Today in Japan (JST) as YYYY-MM-DD into out. */
static void
today_iso(long long now, char out[11])
{
	struct tm	 tm;
	time_t		 t = (time_t)(now + 9 * 3600);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		out[0] = '\0';
}

/* 活動地域: at least one 市町, or 県内全域. */
static void
check_areas(struct form *fm, size_t i)
{
	if (fm->v[i].valsz == 0 && !form_has(fm, KEY_PO_AREA_ALL, "1"))
		form_error(fm, i, "活動地域を選択してください（県内全域で"
		    "活動する場合は「県内全域で活動する」にチェックを入れて"
		    "ください）。");
}

/* Only web addresses, so the public page links nowhere else. */
static void
check_url(struct form *fm, size_t i)
{
	const char	*u = form_val(fm, KEY_PO_URL);

	if (*u == '\0')
		return;		/* optional */
	if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) ||
	    strchr(u, ' ') != NULL || strchr(u, '"') != NULL ||
	    strlen(u) < 10)
		form_error(fm, i, "%sは「https://」から始まる形式で入力して"
		    "ください（例：https://example.jp/）。",
		    fm->fields[i].label);
}

/*
 * 募集期間: without 随時 the end date is required, not before the start
 * and (for the group, not when staff apply an edit) not in the past.
 */
static void
check_until(struct form *fm, size_t i)
{
	const struct pflow	*pf = fm->arg;
	const char		*from, *until;
	size_t			 fi;
	char			 today[11];

	if (form_has(fm, KEY_PO_ANYTIME, "1"))
		return;
	until = form_val(fm, KEY_PO_UNTIL);
	if (*until == '\0') {
		form_error(fm, i, "%s", period_missing);
		return;
	}
	from = form_val(fm, KEY_PO_FROM);
	fi = form_find(fm, KEY_PO_FROM);
	if (*from != '\0' && fi < fm->fieldsz && fm->v[fi].err == NULL &&
	    strcmp(until, from) < 0) {
		form_error(fm, i, "募集期間（終了日）は、開始日と同じ日か、"
		    "それより後の日付を入力してください。");
		return;
	}
	today_iso(fm->ctx->now, today);
	if (!pf->staff && strcmp(until, today) < 0)
		form_error(fm, i, "募集期間（終了日）に過去の日付は入力できません。");
}

/* 紙2 §5 in its order, with the matching keys of A-19. */
static const struct ffield post_form[] = {
	{ KEY_PO_TITLE, "タイトル", FK_TEXT, 1, NULL, NULL, 0, 100,
	  "募集の一覧に表示されます。例：海岸清掃ボランティア募集", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_PO_FIELDS, "活動分野", FK_CHECKS, 1, NULL, NULL, 0, 0,
	  "当てはまるものすべてにチェックを入れてください。", NULL,
	  FO_FIELD_AK, NULL, NULL },
	{ KEY_PO_ACTIVITY, "活動内容", FK_TEXTAREA, 1, NULL, NULL, 0, 2000,
	  "2000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_WHEN, "活動日時", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "例：毎月第2土曜日 9時～12時", NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_WEEKDAYS, "活動曜日", FK_CHECKS, 1, NULL, NULL, 0, 0,
	  "活動する曜日すべてにチェックを入れてください。条件が合う会員への"
	  "お知らせ（マッチングメール）に使います。", NULL, FO_WEEKDAY,
	  NULL, NULL },
	{ KEY_PO_AREAS, "活動地域", FK_CHECKS, 0, NULL, check_areas, 0, 0,
	  "活動する市町すべてにチェックを入れてください。県内全域の場合は、"
	  "次の「県内全域で活動する」にチェックを入れてください。どちらかは"
	  "必須です。", NULL, FO_MUNI_IN, NULL, NULL },
	{ KEY_PO_AREA_ALL, "県内全域", FK_CHECKS, 0, NULL, NULL, 0, 0, NULL,
	  NULL, FO_STATIC, area_all_opts, NULL },
	{ KEY_PO_PLACE, "活動場所", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "例：きらら浜（山口市）", NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_ORG, "募集主体の名称", FK_TEXT, 1, NULL, NULL, 0, 100, NULL,
	  NULL, FO_NONE, NULL, "organization" },
	{ KEY_PO_CONTACT, "募集主体の連絡先", FK_TEXTAREA, 1, NULL, NULL, 0,
	  500, "募集ページに公開されます。問い合わせを受ける電話番号や"
	  "Eメールなどを入力してください。", NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_URL, "募集主体のホームページURL", FK_TEXT, 0, NULL,
	  check_url, 0, 500, "例：https://example.jp/", NULL, FO_NONE, NULL,
	  "url" },
	{ KEY_PO_HEADCOUNT, "募集人員", FK_TEXT, 1, NULL, NULL, 0, 50,
	  "例：10名", NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_DRESS, "服装・準備物等", FK_TEXTAREA, 0, NULL, NULL, 0, 1000,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_ANYTIME, "随時募集", FK_CHECKS, 0, NULL, NULL, 0, 0,
	  "チェックを入れると、募集期間は設けず、募集を終了するまで"
	  "掲載します。", NULL, FO_STATIC, anytime_opts, NULL },
	{ KEY_PO_FROM, "募集期間（開始日）", FK_DATE, 0, NULL, NULL, 0, 10,
	  "省略すると、公開した日から募集します。例：2025-04-01", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_PO_UNTIL, "募集期間（終了日）", FK_DATE, 0, NULL, check_until,
	  0, 10, "随時募集でない場合は必須です。例：2025-04-30", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_PO_NOTES, "その他連絡事項", FK_TEXTAREA, 0, NULL, NULL, 0,
	  2000, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_FILE1, "参考ファイル1（チラシデータ等）", FK_FILE, 0, NULL,
	  NULL, 0, REQ_FILE_MAX, "任意。募集ページに掲載されます。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_PO_FILE2, "参考ファイル2", FK_FILE, 0, NULL, NULL, 0,
	  REQ_FILE_MAX, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_PO_FILE3, "参考ファイル3", FK_FILE, 0, NULL, NULL, 0,
	  REQ_FILE_MAX, NULL, NULL, FO_NONE, NULL, NULL },
};

static const enum key file_keys[] = { KEY_PO_FILE1, KEY_PO_FILE2,
    KEY_PO_FILE3 };

/* 随時 clears the period (it has none), before any rule runs. */
static void
clear_period(struct form *fm)
{
	if (form_has(fm, KEY_PO_ANYTIME, "1")) {
		form_set(fm, KEY_PO_FROM, "");
		form_set(fm, KEY_PO_UNTIL, "");
	}
}

/* The valid body (or, for a GET, query) value of k, or NULL. */
static const char *
req_val(const struct ctx *ctx, enum ksrc src, enum key k)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, k);
	return f != NULL ? f->val : NULL;
}

/* The posting id the request names (?id= on GET, the body on POST). */
static int64_t
req_id(const struct ctx *ctx)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, KEY_PO_ID);
	return f != NULL ? (int64_t)f->ival : 0;
}

/*
 * Load the session's member: may it post, its name and its e-mail
 * (opened).  1 ok, 0 no such member, -1 error.
 */
static int
load_poster(struct ctx *ctx, struct poster *p)
{
	sqlite3_stmt	*st;
	struct buf	 em;
	int64_t		 id = ctx->sess->pid;
	int		 r, rc = -1;

	memset(p, 0, sizeof(*p));
	buf_init(&em, sizeof(p->email));
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_MEMBER])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0) {
		rc = r;
		goto out;
	}
	p->group = strcmp(db_col_text(st, 0), "group") == 0;
	p->published = strcmp(db_col_text(st, 1), "public") == 0 &&
	    strcmp(db_col_text(st, 2), "active") == 0;
	snprintf(p->org, sizeof(p->org), "%s", db_col_text(st, 3));
	if (!flow_col_open(ctx, st, 4, "member", "email_ct", id, &em)) {
		kerr("member %lld: e-mail does not open", (long long)id);
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	if (em.len < sizeof(p->email))
		memcpy(p->email, buf_str(&em), em.len + 1);
	rc = 1;
out:
	if (em.p != NULL)
		sodium_memzero(em.p, em.len);
	buf_free(&em);
	return rc;
}

/*
 * Posting id as an urlencoded body of the form's names (so the form
 * can show and check it); owner 0 means any member's.  Fills pr.
 * 1 ok (pr->found says whether it exists), 0 error.
 */
static int
row_payload(struct ctx *ctx, int64_t id, int64_t owner, struct prow *pr,
    struct buf *b)
{
	static const enum key cols[] = { KEY_PO_TITLE, KEY_PO_ACTIVITY,
	    KEY_PO_WHEN, KEY_PO_AREA_ALL, KEY_PO_PLACE, KEY_PO_ORG,
	    KEY_PO_CONTACT, KEY_PO_URL, KEY_PO_HEADCOUNT, KEY_PO_DRESS,
	    KEY_PO_FROM, KEY_PO_UNTIL, KEY_PO_ANYTIME, KEY_PO_NOTES };
	static const enum key tags[] = { KEY__MAX, KEY_PO_FIELDS,
	    KEY_PO_WEEKDAYS, KEY_PO_AREAS };
	sqlite3_stmt	*st;
	const char	*v;
	char		 n[32];
	size_t		 i;
	int		 r, tag;

	memset(pr, 0, sizeof(*pr));
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_ROW])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, owner);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r == 0;
	for (i = 0; i < KENMIN_NELEM(cols); i++) {
		v = db_col_text(st, (int)i);
		/* The two flags are checkbox groups: only "1" is a value. */
		if ((cols[i] == KEY_PO_AREA_ALL || cols[i] == KEY_PO_ANYTIME) &&
		    strcmp(v, "1") != 0)
			continue;
		if (*v != '\0')
			form_pair(b, keys[cols[i]].name, v);
	}
	pr->found = 1;
	pr->published = strcmp(db_col_text(st, 14), "public") == 0;
	pr->closed = sqlite3_column_int(st, 15);
	pr->member = sqlite3_column_int64(st, 16);
	sqlite3_reset(st);

	if ((st = db_prep(ctx->db, sql[STMT_LINKS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		tag = sqlite3_column_int(st, 0);
		if (tag < 1 || tag > 3)
			continue;
		snprintf(n, sizeof(n), "%lld",
		    (long long)sqlite3_column_int64(st, 1));
		form_pair(b, keys[tags[tag]].name, n);
	}
	return r == 0 && buf_ok(b);
}

/* 活動地域 as written for the lists: 県内全域 or the 市町 names. */
static void
area_text(const struct form *fm, struct buf *b)
{
	const char	*lb;
	size_t		 i, j;

	if (form_has(fm, KEY_PO_AREA_ALL, "1")) {
		buf_puts(b, "県内全域");
		return;
	}
	if ((i = form_find(fm, KEY_PO_AREAS)) == fm->fieldsz)
		return;
	for (j = 0; j < fm->v[i].valsz; j++) {
		if ((lb = form_label(fm, i, fm->v[i].vals[j])) == NULL)
			continue;
		if (b->len > 0)
			buf_puts(b, "、");
		buf_puts(b, lb);
	}
}

/* The upload ids the form's three file fields hold (0: none). */
static void
form_files(const struct form *fm, int64_t files[3])
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(file_keys); i++)
		files[i] = form_upload_id(fm, file_keys[i]);
}

/*
 * Read fm from an urlencoded body instead of the request (a stored
 * posting or an edit request's payload); the upload ids of its three
 * files go to files.  1 ok, 0 if it does not parse.
 */
static int
payload_read(struct form *fm, const char *payload, int64_t files[3])
{
	if (!form_from_payload(fm, payload))
		return 0;
	form_files(fm, files);
	return 1;
}

/* NULL for an empty optional value. */
static const char *
opt(const char *s)
{
	return *s == '\0' ? NULL : s;
}

/*
 * Store the form as posting id (0: a new one of member, in review),
 * with its matching keys and the upload ids files (0: slot unchanged),
 * in the caller's transaction.
 * The new id goes to *idp.  1 ok, 0 error.
 */
static int
store(struct ctx *ctx, struct form *fm, int64_t id, int64_t member,
    const int64_t files[3], int64_t *idp)
{
	static const struct {
		enum key	 key;
		enum stmt	 del, add;
	} links[] = {
		{ KEY_PO_FIELDS, STMT_DEL_FIELD, STMT_ADD_FIELD },
		{ KEY_PO_WEEKDAYS, STMT_DEL_WEEKDAY, STMT_ADD_WEEKDAY },
		{ KEY_PO_AREAS, STMT_DEL_AREA, STMT_ADD_AREA },
	};
	sqlite3_stmt	*st;
	struct buf	 at;
	size_t		 i, j, fi;
	int		 anytime, rc = 0;

	buf_init(&at, AREA_TEXT_MAX);
	area_text(fm, &at);
	if (!buf_ok(&at))
		goto out;
	anytime = form_has(fm, KEY_PO_ANYTIME, "1");
	if ((st = db_prep(ctx->db, sql[id == 0 ? STMT_INSERT :
	    STMT_UPDATE])) == NULL)
		goto out;
	db_bind_text(st, 1, form_val(fm, KEY_PO_TITLE));
	db_bind_text(st, 2, form_val(fm, KEY_PO_ACTIVITY));
	db_bind_text(st, 3, form_val(fm, KEY_PO_WHEN));
	db_bind_text(st, 4, buf_str(&at));
	db_bind_int(st, 5, form_has(fm, KEY_PO_AREA_ALL, "1"));
	db_bind_text(st, 6, form_val(fm, KEY_PO_PLACE));
	db_bind_text(st, 7, form_val(fm, KEY_PO_ORG));
	db_bind_text(st, 8, form_val(fm, KEY_PO_CONTACT));
	db_bind_text(st, 9, opt(form_val(fm, KEY_PO_URL)));
	db_bind_text(st, 10, form_val(fm, KEY_PO_HEADCOUNT));
	db_bind_text(st, 11, opt(form_val(fm, KEY_PO_DRESS)));
	db_bind_text(st, 12, anytime ? NULL : opt(form_val(fm, KEY_PO_FROM)));
	db_bind_text(st, 13, anytime ? NULL :
	    opt(form_val(fm, KEY_PO_UNTIL)));
	db_bind_int(st, 14, anytime);
	db_bind_text(st, 15, opt(form_val(fm, KEY_PO_NOTES)));
	db_bind_int(st, 16, id == 0 ? member : id);
	db_bind_int(st, 17, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (id == 0)
		id = db_last_id(ctx->db);

	for (i = 0; i < KENMIN_NELEM(links); i++) {
		if ((st = db_prep(ctx->db, sql[links[i].del])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		if (!db_run(ctx->db, st))
			goto out;
		if ((fi = form_find(fm, links[i].key)) == fm->fieldsz)
			continue;
		for (j = 0; j < fm->v[fi].valsz; j++) {
			if ((st = db_prep(ctx->db, sql[links[i].add])) == NULL)
				goto out;
			db_bind_int(st, 1, id);
			flow_bind_id(st, 2, fm->v[fi].vals[j]);
			if (!db_run(ctx->db, st))
				goto out;
		}
	}
	/* 参考ファイル: a new file replaces its slot; none keeps it. */
	for (i = 0; i < KENMIN_NELEM(file_keys); i++) {
		if (files[i] == 0)
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_ADD_FILE])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)i + 1);
		db_bind_int(st, 3, files[i]);
		if (!db_run(ctx->db, st))
			goto out;
	}
	*idp = id;
	rc = 1;
out:
	buf_free(&at);
	return rc;
}

/* ---- screens ---- */

/* The headings of the two flows. */
static const char *
flow_name(int64_t id)
{
	return id == 0 ? "ボランティア募集の新規登録" : "ボランティア募集の修正";
}

/*
 * A refusal with its reason (R171: groups only; R131: a published
 * group), as 403 with the explanation in Japanese.
 */
static int
show_refused(struct ctx *ctx, const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	ctx->resp.status = 403;
	tv_set_str(v, "message", message);
	return flow_show(ctx, ta, v, "posting_refused",
	    "ボランティア募集を登録できません", 0);
}

/* The form (new, or edit of id); errors shows the messages. */
static int
show_form(struct ctx *ctx, struct form *fm, int64_t id,
    const struct prow *pr, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	int		 rc;

	buf_init(&b, 256);
	tv_set_str(v, "heading", flow_name(id));
	if (id != 0) {
		buf_printf(&b, "%lld", (long long)id);
		tv_set_str(v, "id", buf_str(&b));
		tv_set_bool(v, "published", pr->published);
		tv_set_bool(v, "can_close", !pr->closed);
		tv_set_bool(v, "closed", pr->closed);
		form_url(ctx, v, "action", "/mypage/posting/edit");
		form_url(ctx, v, "close_action", "/mypage/posting/close");
	} else
		form_url(ctx, v, "action", "/mypage/posting/new");
	form_vars(fm, ta, v, errors);
	buf_reset(&b);
	buf_printf(&b, "%s：入力", flow_name(id));
	rc = flow_show(ctx, ta, v, "posting_form", buf_str(&b),
	    errors && fm->nerr > 0);
	buf_free(&b);
	return rc;
}

/* The confirmation page (JIS 3.3.4) with a fresh idempotency key. */
static int
show_confirm(struct ctx *ctx, struct form *fm, int64_t id,
    const struct prow *pr)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	char		 idem[SESS_HEX + 1];
	int		 rc;

	buf_init(&b, 256);
	crypto_token_hex(idem, SESS_HEX / 2);
	tv_set_str(v, "heading", flow_name(id));
	tv_set_str(v, "idem", idem);
	if (id != 0) {
		buf_printf(&b, "%lld", (long long)id);
		tv_set_str(v, "id", buf_str(&b));
		tv_set_bool(v, "published", pr->published);
		form_url(ctx, v, "action", "/mypage/posting/edit");
	} else
		form_url(ctx, v, "action", "/mypage/posting/new");
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	buf_reset(&b);
	buf_printf(&b, "%s：入力内容の確認", flow_name(id));
	rc = flow_show(ctx, ta, v, "posting_confirm", buf_str(&b), 0);
	buf_free(&b);
	return rc;
}

/* What happened, for the done page: each its heading and text. */
enum done {
	DONE_NEW,
	DONE_UPDATED,
	DONE_REQUESTED,
	DONE_CLOSED,
	DONE__MAX
};

static const struct {
	const char	*heading;
	const char	*message;
} done_text[DONE__MAX] = {
	{ "ボランティア募集を受け付けました",
	  "ボランティア募集の登録を受け付けました（仮登録）。センターが内容を"
	  "確認したうえで公開します。受付のお知らせをEメールでお送りしました。" },
	{ "ボランティア募集を修正しました",
	  "センターの確認待ちの募集を、入力された内容に修正しました。"
	  "センターが内容を確認したうえで公開します。" },
	{ "修正の依頼を受け付けました",
	  "公開中の募集の修正を受け付けました。センターが内容を確認してから、"
	  "修正した内容を公開します。それまでは、現在の内容が公開されたままです。" },
	{ "募集を終了しました",
	  "この募集を終了しました。募集中の一覧からは、まもなく外れます。" },
};

static int
show_done(struct ctx *ctx, enum done d)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", done_text[d].heading);
	tv_set_str(v, "message", done_text[d].message);
	return flow_show(ctx, ta, v, "posting_done", done_text[d].heading, 0);
}

/* The done page a stored idempotency result names. */
static int
show_replay(struct ctx *ctx, const char *result)
{
	enum done	 d = DONE_NEW;

	if (strncmp(result, "posting_edit:", 13) == 0)
		d = DONE_REQUESTED;
	else if (strncmp(result, "posting_update:", 15) == 0)
		d = DONE_UPDATED;
	return show_done(ctx, d);
}

/* ---- mails ---- */

/*
 * The submission's mails (R173, R174), in the caller's transaction:
 * the center is told 「ボランティア募集登録あり」, the group gets its
 * 仮登録完了.  Typed values go into bodies only.  1 ok, 0 error.
 */
static int
mail_new(struct ctx *ctx, const struct poster *p, struct form *fm,
    int64_t id)
{
	struct buf	 body;
	int		 rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	buf_printf(&body, "あいかさねっとにボランティア募集の登録がありました。\n\n"
	    "受付番号：%lld\n団体：%s（会員番号 %lld）\nタイトル：%s\n\n"
	    "管理画面で内容を確認し、公開してください。\n", (long long)id,
	    p->org, (long long)ctx->sess->pid, form_val(fm, KEY_PO_TITLE));
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	if (!buf_ok(&body) || !flow_mail_center(ctx, "aikasa",
	    "aikasa_center_posting", "【あいかさねっと】ボランティア募集登録あり",
	    buf_str(&body)))
		goto out;
	if (p->email[0] != '\0') {
		buf_reset(&body);
		buf_printf(&body, "%s 様\n\n"
		    "あいかさねっとへのボランティア募集の登録を受け付けました"
		    "（仮登録）。\n"
		    "センターが内容を確認したうえで公開します。\n\n"
		    "受付番号：%lld\nタイトル：%s\n募集期間：", p->org,
		    (long long)id, form_val(fm, KEY_PO_TITLE));
		if (form_has(fm, KEY_PO_ANYTIME, "1"))
			buf_puts(&body, "随時募集");
		else
			buf_printf(&body, "%s～%s",
			    form_val(fm, KEY_PO_FROM)[0] != '\0' ?
			    form_val(fm, KEY_PO_FROM) : "公開日",
			    form_val(fm, KEY_PO_UNTIL));
		buf_puts(&body, "\n\n内容の確認・修正は、マイページから"
		    "できます。\n");
		flow_abs_url(ctx, &body, "/mypage");
		buf_puts(&body, "\n\n-- \nあいかさねっと（やまぐち県民活動支援"
		    "センター）\n");
		if (!buf_ok(&body) || !flow_mail(ctx, "aikasa_posting_received",
		    p->email, "【あいかさねっと】ボランティア募集 仮登録完了",
		    buf_str(&body)))
			goto out;
	}
	rc = 1;
out:
	buf_free(&body);
	return rc;
}

/* The center hears of an edit request of a published posting. */
static int
mail_edit(struct ctx *ctx, const struct form *fm, int64_t id, int64_t eid)
{
	struct buf	 body;
	int		 rc;

	buf_init(&body, MAIL_BODY_MAX);
	buf_printf(&body, "公開中のボランティア募集に修正の依頼がありました。\n\n"
	    "受付番号：%lld（修正依頼 %lld）\n会員番号：%lld\nタイトル：%s\n\n"
	    "管理画面で修正内容を確認してください。\n", (long long)id,
	    (long long)eid, (long long)ctx->sess->pid,
	    form_val(fm, KEY_PO_TITLE));
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	rc = buf_ok(&body) && flow_mail_center(ctx, "aikasa",
	    "aikasa_center_posting_edit",
	    "【あいかさねっと】ボランティア募集 修正依頼あり", buf_str(&body));
	buf_free(&body);
	return rc;
}

/* ---- submits ---- */

/*
 * The new posting's submit: posting, keys, files, mails, audit and the
 * idempotency key in one transaction; a replayed key shows the same
 * done page and stores nothing.
 */
static int
submit_new(struct ctx *ctx, struct form *fm, const struct poster *p,
    const char *idem)
{
	struct buf	 res;
	int64_t		 id = 0, files[3];
	int		 r, began = 0, rc = 0;

	buf_init(&res, 256);
	form_files(fm, files);
	if (!db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_replay(ctx, buf_str(&res));
		goto out;
	}
	if (!store(ctx, fm, 0, ctx->sess->pid, files, &id) ||
	    !mail_new(ctx, p, fm, id) ||
	    !flow_audit(ctx, "posting_submit", "posting", id, "state=review"))
		goto out;
	buf_reset(&res);
	buf_printf(&res, "posting:%lld", (long long)id);
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_done(ctx, DONE_NEW);
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&res);
	return rc;
}

/*
 * Seal payload as the edit request's payload_ct: the pending request
 * of the posting is replaced, else a new one is added.  In the
 * caller's transaction; its id goes to *eidp.  1 ok, 0 error.
 */
static int
edit_request(struct ctx *ctx, int64_t id, const char *payload,
    int64_t *eidp)
{
	sqlite3_stmt	*st;
	struct buf	 ct;
	int64_t		 eid;
	int		 r, rc = 0;

	buf_init(&ct, PAYLOAD_MAX * 2);
	if ((st = db_prep(ctx->db, sql[STMT_PENDING])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r > 0) {
		eid = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	} else {
		if ((st = db_prep(ctx->db, sql[STMT_EDIT_ADD])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
		eid = db_last_id(ctx->db);
	}
	if ((st = db_prep(ctx->db, sql[STMT_EDIT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, eid);
	if (!flow_bind_sealed(ctx, st, 2, "posting_edit", "payload_ct", eid,
	    payload, &ct)) {
		sqlite3_reset(st);
		goto out;
	}
	db_bind_int(st, 3, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	*eidp = eid;
	rc = 1;
out:
	buf_free(&ct);
	return rc;
}

/*
 * The edit's submit: a posting in review is changed in place; a
 * published one gets a sealed edit request and stays as it is until
 * staff approve.  One transaction, idempotent like the new one.
 */
static int
submit_edit(struct ctx *ctx, struct form *fm, int64_t id, const char *idem)
{
	struct buf	 res, payload, scratch;
	struct prow	 pr;
	int64_t		 eid = 0, same, files[3];
	int		 r, began = 0, rc = 0;

	buf_init(&res, 256);
	buf_init(&payload, PAYLOAD_MAX);
	buf_init(&scratch, PAYLOAD_MAX);
	if (!db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_replay(ctx, buf_str(&res));
		goto out;
	}
	/* Ownership again, under the writer lock. */
	if (!row_payload(ctx, id, ctx->sess->pid, &pr, &scratch))
		goto out;
	if (!pr.found) {
		db_rollback(ctx->db);
		began = 0;
		rc = page_error(ctx, 404);
		goto out;
	}
	buf_reset(&res);
	if (pr.published) {
		form_payload(fm, &payload);
		if (!buf_ok(&payload) ||
		    !edit_request(ctx, id, buf_str(&payload), &eid) ||
		    !mail_edit(ctx, fm, id, eid) ||
		    !flow_audit(ctx, "posting_edit_request", "posting", id,
		    "state=review"))
			goto out;
		buf_printf(&res, "posting_edit:%lld", (long long)eid);
	} else {
		form_files(fm, files);
		if (!store(ctx, fm, id, 0, files, &same) ||
		    !flow_audit(ctx, "posting_update", "posting", id,
		    "in review"))
			goto out;
		buf_printf(&res, "posting_update:%lld", (long long)id);
	}
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	if (pr.published)
		spawn_gen(ctx->cfg, "mail");
	rc = show_done(ctx, pr.published ? DONE_REQUESTED : DONE_UPDATED);
out:
	if (began)
		db_rollback(ctx->db);
	if (payload.p != NULL)
		sodium_memzero(payload.p, payload.len);
	buf_free(&res);
	buf_free(&payload);
	buf_free(&scratch);
	return rc;
}

/*
 * The steps both pages share: a GET (or no step) shows fm as loaded,
 * confirm validates and shows the confirmation, edit goes back, submit
 * validates again and stores.  id 0 is a new posting.
 */
static int
run_steps(struct ctx *ctx, struct form *fm, int64_t id,
    const struct prow *pr, const struct poster *p)
{
	const char	*step, *idem = NULL;
	struct buf	 res;
	int		 r, rc = 0;

	buf_init(&res, 256);
	step = ctx->req.env.method == METHOD_POST ?
	    req_val(ctx, KSRC_BODY, KEY_F_STEP) : NULL;
	if (step == NULL) {
		rc = show_form(ctx, fm, id, pr, 0);
		goto out;
	}
	form_read(fm);
	clear_period(fm);
	if (strcmp(step, "edit") == 0) {
		rc = show_form(ctx, fm, id, pr, 0);
		goto out;
	}
	if (strcmp(step, "submit") == 0) {
		if ((idem = req_val(ctx, KSRC_BODY, KEY_F_IDEM)) == NULL) {
			rc = page_error(ctx, 400);
			goto out;
		}
		/* A replay shows the same done page before any rule runs. */
		if ((r = form_idem_get(ctx, idem, &res)) < 0)
			goto out;
		if (r > 0) {
			rc = show_replay(ctx, buf_str(&res));
			goto out;
		}
	} else if (strcmp(step, "confirm") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(fm)) {
		rc = show_form(ctx, fm, id, pr, 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0)
		rc = show_confirm(ctx, fm, id, pr);
	else if (id == 0)
		rc = submit_new(ctx, fm, p, idem);
	else
		rc = submit_edit(ctx, fm, id, idem);
out:
	buf_free(&res);
	return rc;
}

/*
 * /mypage/posting/new: groups only (R171) whose own registration is
 * published (R131); anyone else gets the reason as a 403 page.
 */
int
posting_new(struct ctx *ctx)
{
	struct form	 fm;
	struct poster	 p;
	struct pflow	 pf = { 0 };
	struct prow	 pr;
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&pr, 0, sizeof(pr));
	if ((r = load_poster(ctx, &p)) < 0)
		goto out;
	if (r == 0 || !p.group) {
		rc = show_refused(ctx, "ボランティア募集は、団体会員のみ登録"
		    "できます（個人・企業の会員は登録できません）。");
		goto out;
	}
	if (!p.published) {
		rc = show_refused(ctx, "団体の会員登録がセンターの確認を経て"
		    "公開されてから、ボランティア募集を登録できます。"
		    "公開までお待ちください。休止中の場合は、再開の手続きの後に"
		    "登録できます。");
		goto out;
	}
	if (!form_init(&fm, ctx, post_form, KENMIN_NELEM(post_form), &pf))
		goto out;
	if (ctx->req.env.method != METHOD_POST)
		form_set(&fm, KEY_PO_ORG, p.org);
	rc = run_steps(ctx, &fm, 0, &pr, &p);
out:
	sodium_memzero(p.email, sizeof(p.email));
	form_free(&fm);
	return rc;
}

/*
 * /mypage/posting/edit?id=: one's own posting only; any other id is
 * 404, never a 403 that tells it exists.  A GET shows the pending edit
 * request's values if there is one, else the posting's.
 */
int
posting_edit(struct ctx *ctx)
{
	struct form	 fm;
	struct pflow	 pf = { 0 };
	struct prow	 pr;
	struct buf	 payload, pend;
	sqlite3_stmt	*st;
	int64_t		 id, eid, files[3];
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&payload, PAYLOAD_MAX);
	buf_init(&pend, PAYLOAD_MAX);
	id = req_id(ctx);
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    !row_payload(ctx, id, ctx->sess->pid, &pr, &payload))
		goto out;
	if (id == 0 || !pr.found) {
		rc = page_error(ctx, 404);
		goto out;
	}
	if (!form_init(&fm, ctx, post_form, KENMIN_NELEM(post_form), &pf))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		if ((st = db_prep(ctx->db, sql[STMT_PENDING])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		if ((r = db_row(ctx->db, st)) < 0)
			goto out;
		if (r > 0) {
			eid = sqlite3_column_int64(st, 0);
			if (!flow_col_open(ctx, st, 1, "posting_edit",
			    "payload_ct", eid, &pend)) {
				sqlite3_reset(st);
				kerr("posting_edit %lld: payload does not "
				    "open", (long long)eid);
				goto out;
			}
			sqlite3_reset(st);
		}
		if (!payload_read(&fm, pend.len > 0 ? buf_str(&pend) :
		    buf_str(&payload), files))
			goto out;
	}
	rc = run_steps(ctx, &fm, id, &pr, NULL);
out:
	if (pend.p != NULL)
		sodium_memzero(pend.p, pend.len);
	buf_free(&payload);
	buf_free(&pend);
	form_free(&fm);
	return rc;
}

/*
 * /mypage/posting/close (POST id): end one's own recruitment now; it
 * leaves the recruiting lists with the publish it starts.
 */
int
posting_close(struct ctx *ctx)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 began = 0, rc = 0;

	id = req_id(ctx);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((st = db_prep(ctx->db, sql[STMT_CLOSE])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->sess->pid);
	db_bind_int(st, 3, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (db_changes(ctx->db) != 1) {
		db_rollback(ctx->db);
		began = 0;
		rc = page_error(ctx, 404);
		goto out;
	}
	if (!flow_publish(ctx, "posting", id, "closed") ||
	    !flow_audit(ctx, "posting_close", "posting", id, "closed=1") ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	flow_publish_now(ctx);
	rc = show_done(ctx, DONE_CLOSED);
out:
	if (began)
		db_rollback(ctx->db);
	return rc;
}

/* ---- hooks of the staff review (review.c) ---- */

/*
 * Label/value rows of posting id for the staff screen; with payload
 * (an edit request's opened values) {label, before, after, changed}.
 * Appends to rows.  1 ok, 0 error (or no such posting).
 */
int
posting_review_rows(struct ctx *ctx, int64_t id, const char *payload,
    struct tarena *ta, struct tval *rows)
{
	struct form	 cur, nw;
	struct pflow	 pf = { 1 };
	struct prow	 pr;
	struct buf	 live;
	int64_t		 files[3];
	size_t		 i;
	int		 rc = 0;

	(void)ta;
	memset(&cur, 0, sizeof(cur));
	memset(&nw, 0, sizeof(nw));
	buf_init(&live, PAYLOAD_MAX);
	if (!row_payload(ctx, id, 0, &pr, &live) || !pr.found ||
	    !form_init(&cur, ctx, post_form, KENMIN_NELEM(post_form), &pf) ||
	    !payload_read(&cur, buf_str(&live), files))
		goto out;
	if (payload != NULL && (!form_init(&nw, ctx, post_form,
	    KENMIN_NELEM(post_form), &pf) || !payload_read(&nw, payload,
	    files)))
		goto out;
	for (i = 0; i < cur.fieldsz; i++)
		if (cur.fields[i].kind != FK_FILE)
			form_review_row(&cur, payload != NULL ? &nw : NULL, i,
			    rows);
	rc = 1;
out:
	form_free(&cur);
	form_free(&nw);
	buf_free(&live);
	return rc;
}

/*
 * Apply an approved edit request's payload to posting id, in the
 * caller's transaction: the same rules (but the past-date one) and the
 * same store as the group's own submit.  1 ok, 0 error.
 */
int
posting_edit_apply(struct ctx *ctx, int64_t id, const char *payload)
{
	struct form	 fm;
	struct pflow	 pf = { 1 };
	int64_t		 same, files[3];
	size_t		 i;
	int		 rc = 0;

	if (!form_init(&fm, ctx, post_form, KENMIN_NELEM(post_form), &pf) ||
	    !payload_read(&fm, payload, files))
		goto out;
	clear_period(&fm);
	if (!form_validate(&fm)) {
		for (i = 0; i < fm.fieldsz; i++)
			if (fm.v[i].err != NULL)
				kerr("posting %lld: edit: %s", (long long)id,
				    fm.v[i].err);
		goto out;
	}
	rc = store(ctx, &fm, id, 0, files, &same);
out:
	form_free(&fm);
	return rc;
}
