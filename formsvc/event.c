/*
 * event.c: スーパーネット 募集情報 (紙1 イベント・募集, R095-R099,
 * the public form with up to three 参考資料 files, the mailed
 * link that confirms the submitter's address and sends the entry to
 * review, the private link of the receipt that files a 修正依頼, and
 * the two hooks staff review calls (event_review_rows, event_edit_apply).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "esc.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define VERIFY_TTL	(24 * 60 * 60)		/* the confirmation link */
#define EDIT_TTL	(365LL * 24 * 60 * 60)	/* the private edit link */
#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define PAYLOAD_MAX	((size_t)60 * 1024)	/* an edit request's values */
#define FILE_MAX	(3 * 1024 * 1024)	/* bytes of one 参考資料 */
#define EV_FILES	3

enum stmt {
	STMT_INSERT,
	STMT_UPDATE,
	STMT_SEAL,
	STMT_FIELD_DEL,
	STMT_FIELD_ADD,
	STMT_FILE_DEL,
	STMT_FILE_ADD,
	STMT_GET,
	STMT_GET_FIELDS,
	STMT_GET_FILES,
	STMT_VERIFY,
	STMT_EDIT_ADD,
	STMT_EDIT_SEAL,
	STMT__MAX
};

/* The 17 plain columns, in the order cols[] lists their keys. */
#define COLS "category, organizer, title, held_text, starts_on, ends_on, " \
	"place, purpose, body, fee, audience, apply_from, apply_until, " \
	"apply_method, contact, cosponsor, ref_url"

static const char *const sql[STMT__MAX] = {
	/* STMT_INSERT: 下書 until the address is confirmed */
	"INSERT INTO event (" COLS ", state, submitter_email_bidx, "
	"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 'draft', ?18, ?19, ?19)",
	/* STMT_UPDATE: an approved 修正依頼 (?20 the id) */
	"UPDATE event SET (" COLS ", submitter_email_bidx, updated_at) = "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	"?16, ?17, ?18, ?19) WHERE id = ?20",
	/* STMT_SEAL */
	"UPDATE event SET submitter_email_ct = ?2 WHERE id = ?1",
	/* STMT_FIELD_DEL */
	"DELETE FROM event_field WHERE event_id = ?1",
	/* STMT_FIELD_ADD */
	"INSERT INTO event_field (event_id, field_id) VALUES (?1, ?2)",
	/* STMT_FILE_DEL */
	"DELETE FROM event_file WHERE event_id = ?1",
	/* STMT_FILE_ADD */
	"INSERT INTO event_file (event_id, slot, upload_id) VALUES (?1, ?2, ?3)",
	/* STMT_GET */
	"SELECT " COLS ", submitter_email_ct, state FROM event WHERE id = ?1",
	/* STMT_GET_FIELDS */
	"SELECT field_id FROM event_field WHERE event_id = ?1 ORDER BY field_id",
	/* STMT_GET_FILES */
	"SELECT slot, upload_id FROM event_file WHERE event_id = ?1 "
	"ORDER BY slot",
	/* STMT_VERIFY: 下書 -> 仮登録 (レビュー) */
	"UPDATE event SET state = 'review', submitter_verified_at = ?2, "
	"updated_at = ?2 WHERE id = ?1 AND state = 'draft'",
	/* STMT_EDIT_ADD: the payload is sealed to the row's id next */
	"INSERT INTO event_edit (event_id, state, payload_ct, created_at) "
	"VALUES (?1, 'review', X'', ?2)",
	/* STMT_EDIT_SEAL */
	"UPDATE event_edit SET payload_ct = ?2 WHERE id = ?1",
};

static const struct fopt cat_opts[] = {
	{ "event", "イベント" },
	{ "course", "講座" },
	{ "other", "参加その他（作品・意見等）" },
	{ NULL, NULL },
};

/* The keys of the 17 plain columns (COLS), in that order. */
static const enum key cols[] = {
	KEY_EV_CATEGORY, KEY_EV_ORGANIZER, KEY_EV_TITLE, KEY_EV_HELD,
	KEY_EV_START, KEY_EV_END, KEY_EV_PLACE, KEY_EV_PURPOSE, KEY_EV_BODY,
	KEY_EV_FEE, KEY_EV_AUDIENCE, KEY_EV_FROM, KEY_EV_UNTIL,
	KEY_EV_METHOD, KEY_EV_CONTACT, KEY_EV_COSPONSOR, KEY_EV_URL,
};

static const enum key file_keys[EV_FILES] = {
	KEY_EV_FILE1, KEY_EV_FILE2, KEY_EV_FILE3 };

/* Field i (a date, if given) must not be before field a. */
static void
check_order(struct form *fm, size_t i, enum key a, const char *msg)
{
	size_t	 ai = form_find(fm, a);

	if (*form_val(fm, fm->fields[i].key) != '\0' && ai < fm->fieldsz && fm->v[ai].err == NULL &&
	    *form_val(fm, a) != '\0' &&
	    strcmp(form_val(fm, fm->fields[i].key), form_val(fm, a)) < 0)
		form_error(fm, i, "%s", msg);
}

static void
check_end(struct form *fm, size_t i)
{
	check_order(fm, i, KEY_EV_START,
	    "開催日（最終日）は、開催日（初日）と同じ日か、それより後の日付を"
	    "入力してください。");
}

static void
check_until(struct form *fm, size_t i)
{
	check_order(fm, i, KEY_EV_FROM,
	    "募集期間（終了日）は、募集期間（開始日）と同じ日か、それより後の"
	    "日付を入力してください。");
}

/* 参考URL: an http or https address without spaces. */
static void
check_url(struct form *fm, size_t i)
{
	const char	*u = form_val(fm, KEY_EV_URL);

	if (*u == '\0')
		return;
	if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) ||
	    strpbrk(u, " \"<>\\^`{|}") != NULL || strlen(u) < 10)
		form_error(fm, i, "参考URLは「https://」または「http://」で始まる"
		    "アドレスを入力してください。");
}

/* 紙1 イベント・募集: every row, in the order the detail page shows. */
static const struct ffield ev_form[] = {
	{ KEY_EV_CATEGORY, "募集の種類", FK_RADIO, 1, NULL, NULL, 0, 0, NULL,
	  NULL, FO_STATIC, cat_opts, NULL },
	{ KEY_EV_ORGANIZER, "主催者", FK_TEXT, 1, NULL, NULL, 0, 100,
	  "団体名または氏名。例：やまぐち県民活動支援センター", NULL, FO_NONE,
	  NULL, "organization" },
	{ KEY_EV_TITLE, "タイトル", FK_TEXT, 1, NULL, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_EV_HELD, "開催日時", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "掲載される表記です。例：2025年4月12日（土）13時30分～16時", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_EV_START, "開催日（初日）", FK_DATE, 1, NULL, NULL, 0, 10,
	  "カレンダーに載せる日です。例：2025-04-12", NULL, FO_NONE, NULL,
	  NULL },
	{ KEY_EV_END, "開催日（最終日）", FK_DATE, 0, NULL, check_end, 0, 10,
	  "複数日にわたる場合だけ入力してください。例：2025-04-13", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_EV_PLACE, "開催場所", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "例：山口県セミナーパーク（山口市秋穂二島1062）", NULL, FO_NONE,
	  NULL, NULL },
	{ KEY_EV_PURPOSE, "事業の主旨", FK_TEXTAREA, 0, NULL, NULL, 0, 2000,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_BODY, "内容", FK_TEXTAREA, 1, NULL, NULL, 0, 4000, NULL, NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_EV_FIELDS, "分野", FK_CHECKS, 1, NULL, NULL, 0, 0,
	  "当てはまるものすべてにチェックを入れてください。", NULL,
	  FO_FIELD_SN, NULL, NULL },
	{ KEY_EV_FEE, "参加料・入場料", FK_TEXT, 0, NULL, NULL, 0, 100,
	  "例：無料、500円（資料代）", NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_AUDIENCE, "対象者", FK_TEXT, 0, NULL, NULL, 0, 200,
	  "例：県内在住の方（どなたでも）", NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_FROM, "募集期間（開始日）", FK_DATE, 0, NULL, NULL, 0, 10,
	  "例：2025-03-01", NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_UNTIL, "募集期間（終了日）", FK_DATE, 0, NULL, check_until, 0,
	  10, "例：2025-04-05", NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_METHOD, "申込み・応募方法", FK_TEXTAREA, 0, NULL, NULL, 0,
	  1000, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_CONTACT, "問い合わせ先", FK_TEXTAREA, 1, NULL, NULL, 0, 1000,
	  "団体名、電話番号、メールアドレスなど。この欄は公開されます。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_EV_COSPONSOR, "共催・後援など", FK_TEXT, 0, NULL, NULL, 0, 200,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_URL, "参考URL", FK_TEXT, 0, NULL, check_url, 0, 500,
	  "例：https://www.example.jp/event/", NULL, FO_NONE, NULL, "url" },
	{ KEY_EV_FILE1, "参考資料1", FK_FILE, 0, NULL, NULL, 0, FILE_MAX,
	  "チラシなど。", NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_FILE2, "参考資料2", FK_FILE, 0, NULL, NULL, 0, FILE_MAX, NULL,
	  NULL, FO_NONE, NULL, NULL },
	{ KEY_EV_FILE3, "参考資料3", FK_FILE, 0, NULL, NULL, 0, FILE_MAX, NULL,
	  NULL, FO_NONE, NULL, NULL },
	{ KEY_R_EMAIL, "Eメール", FK_EMAIL, 1, NULL, NULL, 0, 254,
	  "公開されません。確認のメールと受付のメールをお送りします。"
	  "例：taro@example.jp", NULL, FO_NONE, NULL, "email" },
	{ KEY_R_EMAIL2, "Eメール（確認用）", FK_EMAIL, 1, NULL,
	  form_check_email2, 0, 254, "確認のため、もう一度入力してください。",
	  NULL, FO_NONE, NULL, "email" },
};

/* Which screen: a new entry or a 修正依頼 through the private link. */
struct evmode {
	int64_t		 id;		/* the event of an edit, else 0 */
	const char	*tok;		/* its link token */
};

static const char *
heading(const struct evmode *m)
{
	return m->id == 0 ? "スーパーネット 募集情報の登録" :
	    "スーパーネット 募集情報の修正依頼";
}

static void
mode_vars(struct ctx *ctx, struct tval *v, const struct evmode *m)
{
	tv_set_str(v, "heading", heading(m));
	tv_set_bool(v, "is_new", m->id == 0);
	if (m->tok != NULL)
		tv_set_str(v, "token", m->tok);
	form_url(ctx, v, "action", m->id == 0 ? "/supernet/event" :
	    "/supernet/event/edit");
}

/* The form; errors shows fm's messages and the summary. */
static int
show_form(struct ctx *ctx, struct form *fm, const struct evmode *m,
    int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 t;
	int		 rc;

	buf_init(&t, 256);
	mode_vars(ctx, v, m);
	form_vars(fm, ta, v, errors);
	buf_printf(&t, "%s：入力", heading(m));
	rc = flow_show(ctx, ta, v, "event", buf_str(&t), errors && fm->nerr > 0);
	buf_free(&t);
	return rc;
}

/* The confirmation page (JIS 3.3.4) with a fresh idempotency key. */
static int
show_confirm(struct ctx *ctx, struct form *fm, const struct evmode *m)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	char		 idem[SESS_HEX + 1];
	struct buf	 t;
	int		 rc;

	buf_init(&t, 256);
	crypto_token_hex(idem, SESS_HEX / 2);
	mode_vars(ctx, v, m);
	tv_set_str(v, "idem", idem);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	buf_printf(&t, "%s：入力内容の確認", heading(m));
	rc = flow_show(ctx, ta, v, "event_confirm", buf_str(&t), 0);
	buf_free(&t);
	return rc;
}

static int
show_done(struct ctx *ctx, const struct evmode *m)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_bool(v, "is_new", m->id == 0);
	return flow_show(ctx, ta, v, "event_done", m->id == 0 ?
	    "募集情報の登録：確認メールを送信しました" :
	    "募集情報の修正依頼を受け付けました", 0);
}

/* A link page: the verify button, its result, or why a link is dead. */
static int
show_link(struct ctx *ctx, const char *title, const char *tok, int done,
    const char *error)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	form_url(ctx, v, "action", "/supernet/event/verify");
	form_url(ctx, v, "form_url", "/supernet/event");
	tv_set_bool(v, "done", done);
	if (tok != NULL)
		tv_set_str(v, "token", tok);
	if (error != NULL)
		tv_set_str(v, "error", error);
	return flow_show(ctx, ta, v, "event_link", title, 0);
}

/* Bind the plain columns (1-17), the e-mail's blind index (18). */
static int
bind_cols(struct ctx *ctx, sqlite3_stmt *st, struct form *fm,
    unsigned char bidx[BIDX_SZ])
{
	const char	*s;
	char		*lower;
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(cols); i++) {
		s = form_val(fm, cols[i]);
		db_bind_text(st, (int)i + 1, *s != '\0' ? s : NULL);
	}
	if ((lower = text_normalize(form_val(fm, KEY_R_EMAIL))) == NULL ||
	    !sess_keys(ctx)) {
		free(lower);
		return 0;
	}
	crypto_bidx(ctx->keys, "email", lower, bidx);
	free(lower);
	db_bind_blob(st, 18, bidx, BIDX_SZ);
	return 1;
}

/*
 * Store the sealed e-mail, the 分野 and the files of event id from fm
 * (replacing what it had), in the caller's transaction.  1 ok.
 */
static int
store_parts(struct ctx *ctx, struct form *fm, int64_t id)
{
	struct buf	 tmp;
	sqlite3_stmt	*st;
	size_t		 i, j, slot;
	int64_t		 up;
	int		 rc = 0;

	buf_init(&tmp, 4096);
	if ((st = db_prep(ctx->db, sql[STMT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!flow_bind_sealed(ctx, st, 2, "event", "submitter_email_ct", id,
	    form_val(fm, KEY_R_EMAIL), &tmp) || !db_run(ctx->db, st))
		goto out;
	if ((st = db_prep(ctx->db, sql[STMT_FIELD_DEL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		goto out;
	i = form_find(fm, KEY_EV_FIELDS);
	for (j = 0; i < fm->fieldsz && j < fm->v[i].valsz; j++) {
		if ((st = db_prep(ctx->db, sql[STMT_FIELD_ADD])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		flow_bind_id(st, 2, fm->v[i].vals[j]);
		if (!db_run(ctx->db, st))
			goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_FILE_DEL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		goto out;
	/* Files fill slots 1, 2, 3 in the order chosen. */
	for (i = 0, slot = 1; i < EV_FILES; i++) {
		if ((up = form_upload_id(fm, file_keys[i])) == 0)
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_FILE_ADD])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (long long)slot++);
		db_bind_int(st, 3, up);
		if (!db_run(ctx->db, st))
			goto out;
	}
	rc = 1;
out:
	buf_free(&tmp);
	return rc;
}

/*
 * The live record id as the urlencoded values of the form (the e-mail
 * opened) into b; *state gets its state if not NULL.  1 ok, 0 if there
 * is no such event, -1 on error.
 */
static int
record_payload(struct ctx *ctx, int64_t id, struct buf *b, char *state,
    size_t statesz)
{
	struct buf	 email;
	sqlite3_stmt	*st;
	size_t		 i;
	int		 r, slot, rc = -1;

	buf_init(&email, 4096);
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_GET])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0) {
		rc = r;
		goto out;
	}
	for (i = 0; i < KENMIN_NELEM(cols); i++) {
		buf_printf(b, "%s%s=", i > 0 ? "&" : "", keys[cols[i]].name);
		esc_urlcomp(b, db_col_text(st, (int)i),
		    strlen(db_col_text(st, (int)i)));
	}
	if (!flow_col_open(ctx, st, (int)KENMIN_NELEM(cols), "event",
	    "submitter_email_ct", id, &email)) {
		sqlite3_reset(st);
		kerr("event %lld: e-mail does not open", (long long)id);
		goto out;
	}
	if (state != NULL)
		snprintf(state, statesz, "%s",
		    db_col_text(st, (int)KENMIN_NELEM(cols) + 1));
	sqlite3_reset(st);
	for (i = 0; i < 2; i++) {
		buf_printf(b, "&%s=", keys[i == 0 ? KEY_R_EMAIL :
		    KEY_R_EMAIL2].name);
		esc_urlcomp(b, buf_str(&email), email.len);
	}
	if ((st = db_prep(ctx->db, sql[STMT_GET_FIELDS])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0)
		buf_printf(b, "&%s=%lld", keys[KEY_EV_FIELDS].name,
		    (long long)sqlite3_column_int64(st, 0));
	if (r < 0 || (st = db_prep(ctx->db, sql[STMT_GET_FILES])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		slot = sqlite3_column_int(st, 0);
		if (slot >= 1 && slot <= EV_FILES)
			buf_printf(b, "&%s=%lld", keys[file_keys[slot - 1]].name,
			    (long long)sqlite3_column_int64(st, 1));
	}
	if (r < 0 || !buf_ok(b))
		goto out;
	rc = 1;
out:
	if (email.p != NULL)
		sodium_memzero(email.p, email.len);
	buf_free(&email);
	return rc;
}

/* Append the mail's summary of the entry: 受付番号, 種類, タイトル. */
static void
mail_summary(struct form *fm, struct buf *body, int64_t id)
{
	size_t	 i = form_find(fm, KEY_EV_CATEGORY);

	buf_printf(body, "受付番号：%lld\n募集の種類：", (long long)id);
	if (i < fm->fieldsz)
		form_text(fm, i, body);
	buf_printf(body, "\nタイトル：%s\n主催者：%s\n",
	    form_val(fm, KEY_EV_TITLE), form_val(fm, KEY_EV_ORGANIZER));
}

/*
 * A new entry: the row (下書), its sealed e-mail, 分野 and files, the
 * confirmation link mailed to the submitter and the audit row, in the
 * caller's transaction.  1 ok with *idp set, 0 error.
 */
static int
insert_event(struct ctx *ctx, struct form *fm, int64_t *idp)
{
	unsigned char	 bidx[BIDX_SZ];
	char		 tok[SESS_HEX + 1];
	struct buf	 body, detail;
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	if ((st = db_prep(ctx->db, sql[STMT_INSERT])) == NULL)
		goto out;
	if (!bind_cols(ctx, st, fm, bidx)) {
		sqlite3_reset(st);
		goto out;
	}
	db_bind_int(st, 19, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	id = db_last_id(ctx->db);
	if (!store_parts(ctx, fm, id) ||
	    !flow_token_new(ctx, "verify_email", "event", id, VERIFY_TTL,
	    NULL, tok))
		goto out;
	buf_puts(&body, "募集情報の登録のお申し込みを受け付けました。\n"
	    "次のURLを開き、表示された画面の「メールアドレスを確認する」"
	    "ボタンを押してください。確認が済むと、センターが内容を確認した"
	    "うえで掲載します。\n\n");
	flow_abs_url(ctx, &body, "/supernet/event/verify?t=");
	buf_puts(&body, tok);
	buf_puts(&body, "\n\nこのURLの有効期限は24時間です。\n\n");
	mail_summary(fm, &body, id);
	buf_puts(&body, "\nこのメールにお心当たりのない場合は、何もせずに削除して"
	    "ください。\n\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n");
	sodium_memzero(tok, sizeof(tok));
	if (!buf_ok(&body) || !flow_mail(ctx, "supernet_event_verify",
	    form_val(fm, KEY_R_EMAIL),
	    "【スーパーネット】募集情報の登録：メールアドレスの確認",
	    buf_str(&body)))
		goto out;
	buf_printf(&detail, "category=%s email=",
	    form_val(fm, KEY_EV_CATEGORY));
	audit_mask_email(form_val(fm, KEY_R_EMAIL), &detail);
	if (!buf_ok(&detail) ||
	    !flow_audit(ctx, "event_submit", "event", id, buf_str(&detail)))
		goto out;
	*idp = id;
	rc = 1;
out:
	buf_free(&body);
	buf_free(&detail);
	return rc;
}

/*
 * Mail the submitter a receipt with a new private edit link, and the
 * center a notice; what names the kind of receipt (new or 修正依頼).
 * In the caller's transaction.  1 ok.
 */
static int
mail_receipt(struct ctx *ctx, struct form *fm, int64_t id, int64_t edit_id)
{
	char		 tok[SESS_HEX + 1];
	struct buf	 body;
	int		 rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	if (!flow_token_new(ctx, "event_edit_link", "event", id, EDIT_TTL,
	    NULL, tok))
		goto out;
	buf_puts(&body, edit_id == 0 ?
	    "募集情報の登録を受け付けました。センターが内容を確認したうえで"
	    "掲載し、掲載した際にはメールでお知らせします。\n\n" :
	    "募集情報の修正依頼を受け付けました。センターが内容を確認した"
	    "うえで、掲載内容に反映します。\n\n");
	mail_summary(fm, &body, id);
	buf_puts(&body, "\n内容の修正を依頼する場合は、次のURLを開いてください"
	    "（このURLはあなた専用です。ほかの人に知らせないでください。"
	    "有効期限は1年間で、修正依頼を送ると新しいURLをお送りします）。\n");
	flow_abs_url(ctx, &body, "/supernet/event/edit?t=");
	buf_puts(&body, tok);
	buf_puts(&body, "\n\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n");
	sodium_memzero(tok, sizeof(tok));
	if (!buf_ok(&body) || !flow_mail(ctx, edit_id == 0 ?
	    "supernet_event_receipt" : "supernet_event_edit_receipt",
	    form_val(fm, KEY_R_EMAIL), edit_id == 0 ?
	    "【スーパーネット】募集情報の登録を受け付けました" :
	    "【スーパーネット】募集情報の修正依頼を受け付けました",
	    buf_str(&body)))
		goto out;

	/* The center: no personal data, the entry's public summary. */
	buf_reset(&body);
	buf_puts(&body, edit_id == 0 ?
	    "スーパーネットに募集情報の登録がありました"
	    "（メールアドレス確認済み・仮登録）。\n\n" :
	    "スーパーネットの募集情報に修正依頼がありました。\n\n");
	mail_summary(fm, &body, id);
	if (edit_id != 0)
		buf_printf(&body, "修正依頼番号：%lld\n", (long long)edit_id);
	buf_puts(&body, "\n管理画面で内容を確認してください。\n");
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	if (!buf_ok(&body) || !flow_mail_center(ctx, "supernet", edit_id == 0 ?
	    "supernet_center_event" : "supernet_center_event_edit",
	    edit_id == 0 ? "【スーパーネット】募集情報の登録あり" :
	    "【スーパーネット】募集情報修正依頼あり", buf_str(&body)))
		goto out;
	rc = 1;
out:
	buf_free(&body);
	return rc;
}

/*
 * A 修正依頼 through the private link: the event_edit row with the
 * form's values sealed as its payload, the used link replaced by a new
 * one in the receipt, the center's notice and the audit row, in the
 * caller's transaction.  1 ok, 0 if the link was used meanwhile, -1
 * on error.
 */
static int
insert_edit(struct ctx *ctx, struct form *fm, const struct evmode *m)
{
	struct buf	 payload, tmp, detail;
	sqlite3_stmt	*st;
	int64_t		 eid;
	int		 r, rc = -1;

	buf_init(&payload, PAYLOAD_MAX);
	buf_init(&tmp, PAYLOAD_MAX + 1024);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	if ((r = flow_token_use(ctx, "event_edit_link", m->tok)) <= 0) {
		rc = r;
		goto out;
	}
	form_payload(fm, &payload);
	if (!buf_ok(&payload) ||
	    (st = db_prep(ctx->db, sql[STMT_EDIT_ADD])) == NULL)
		goto out;
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	eid = db_last_id(ctx->db);
	if ((st = db_prep(ctx->db, sql[STMT_EDIT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, eid);
	if (!flow_bind_sealed(ctx, st, 2, "event_edit", "payload_ct", eid,
	    buf_str(&payload), &tmp) || !db_run(ctx->db, st) ||
	    !mail_receipt(ctx, fm, m->id, eid))
		goto out;
	buf_printf(&detail, "edit=%lld email=", (long long)eid);
	audit_mask_email(form_val(fm, KEY_R_EMAIL), &detail);
	if (!buf_ok(&detail) || !flow_audit(ctx, "event_edit_request",
	    "event", m->id, buf_str(&detail)))
		goto out;
	rc = 1;
out:
	if (payload.p != NULL)
		sodium_memzero(payload.p, payload.len);
	buf_free(&payload);
	buf_free(&tmp);
	buf_free(&detail);
	return rc;
}

/*
 * The final POST: one transaction stores the entry (or the 修正依頼),
 * the mails, the audit row and the idempotency key; a replayed key
 * shows the same done page and creates nothing.
 */
static int
submit(struct ctx *ctx, struct form *fm, const struct evmode *m,
    const char *idem)
{
	struct buf	 res;
	int64_t		 id = 0;
	int		 r, rc = 0, began = 0;

	buf_init(&res, 256);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_done(ctx, m);
		goto out;
	}
	if (m->id == 0) {
		if (!insert_event(ctx, fm, &id))
			goto out;
		buf_printf(&res, "event:%lld", (long long)id);
	} else {
		if ((r = insert_edit(ctx, fm, m)) < 0)
			goto out;
		if (r == 0) {
			db_rollback(ctx->db);
			began = 0;
			rc = show_link(ctx, "募集情報の修正依頼", NULL, 0,
			    "このURLは使用済みか、有効期限が過ぎています。"
			    "最新の受付メールに記載されたURLを開いてください。");
			goto out;
		}
		buf_printf(&res, "event_edit:%lld", (long long)m->id);
	}
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_done(ctx, m);
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&res);
	return rc;
}

/*
 * The steps every POST of the form names: confirm (the form sent),
 * edit (「修正する」), submit (「送信する」).
 */
static int
run_form(struct ctx *ctx, struct form *fm, const struct evmode *m)
{
	const char	*step, *idem = NULL;
	struct buf	 done;
	int		 r, rc = 0;

	buf_init(&done, 256);
	step = flow_body(ctx, KEY_F_STEP);
	form_read(fm);
	if (step == NULL || strcmp(step, "edit") == 0) {
		rc = show_form(ctx, fm, m, 0);
		goto out;
	}
	if (strcmp(step, "submit") == 0) {
		/* A replay shows the same done page before any rule runs. */
		if ((r = form_submit_key(ctx, &idem, &done, &rc)) < 0)
			goto out;
		if (r > 0) {
			rc = show_done(ctx, m);
			goto out;
		}
	} else if (strcmp(step, "confirm") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(fm)) {
		rc = show_form(ctx, fm, m, 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0)
		rc = show_confirm(ctx, fm, m);
	else
		rc = submit(ctx, fm, m, idem);
out:
	buf_free(&done);
	return rc;
}

/* /supernet/event: GET shows the empty form; POSTs run its steps. */
int
event_submit(struct ctx *ctx)
{
	struct form	 fm;
	struct evmode	 m;
	int		 rc = 0;

	memset(&m, 0, sizeof(m));
	if (!form_init(&fm, ctx, ev_form, KENMIN_NELEM(ev_form), &m))
		goto out;
	if (ctx->req.env.method != METHOD_POST)
		rc = show_form(ctx, &fm, &m, 0);
	else
		rc = run_form(ctx, &fm, &m);
out:
	form_free(&fm);
	return rc;
}

/*
 * /supernet/event/verify?t=TOKEN: GET shows one button and changes
 * nothing; its POST confirms the address, sends the entry to
 * review and mails the receipt (with the private edit link) and the
 * center's notice.
 */
int
event_verify(struct ctx *ctx)
{
	const struct kfield	*f;
	const char		*tok;
	struct buf		 vals;
	struct form		 fm;
	struct evmode		 m;
	sqlite3_stmt		*st;
	char			 kind[16];
	int64_t			 id = 0;
	int			 post, r, began = 0, rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&m, 0, sizeof(m));
	buf_init(&vals, PAYLOAD_MAX);
	post = ctx->req.env.method == METHOD_POST;
	f = req_get(&ctx->req, post ? KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	tok = f != NULL ? f->val : NULL;
	if (!sess_db(ctx) || !sess_keys(ctx))
		goto out;
	if (post) {
		if (!db_begin(ctx->db))
			goto out;
		began = 1;
	}
	/* Members' verification tokens share the purpose: check the kind. */
	if ((r = flow_token_get(ctx, "verify_email", tok, kind, sizeof(kind),
	    &id, NULL)) < 0)
		goto out;
	if (r == 0 || strcmp(kind, "event") != 0) {
		rc = show_link(ctx, "メールアドレスの確認", NULL, 0,
		    "このURLは無効か、使用済みか、有効期限（24時間）が過ぎて"
		    "います。お手数ですが、もう一度募集情報を登録してください。");
		goto out;
	}
	if (!post) {
		rc = show_link(ctx, "メールアドレスの確認", tok, 0, NULL);
		goto out;
	}
	if (flow_token_use(ctx, "verify_email", tok) != 1 ||
	    (st = db_prep(ctx->db, sql[STMT_VERIFY])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1 ||
	    record_payload(ctx, id, &vals, NULL, 0) != 1 ||
	    !form_init(&fm, ctx, ev_form, KENMIN_NELEM(ev_form), &m) ||
	    !form_from_payload(&fm, buf_str(&vals)) ||
	    !mail_receipt(ctx, &fm, id, 0) ||
	    !flow_audit(ctx, "verify_email", "event", id, NULL) ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_link(ctx, "メールアドレスの確認が完了しました", NULL, 1, NULL);
out:
	if (began)
		db_rollback(ctx->db);
	if (vals.p != NULL)
		sodium_memzero(vals.p, vals.len);
	buf_free(&vals);
	form_free(&fm);
	return rc;
}

/*
 * /supernet/event/edit?t=TOKEN: the private link of the receipt.  GET
 * opens the form filled from the live record; its POSTs (the token in
 * the body) run the same steps and file a 修正依頼 for review.
 */
int
event_edit(struct ctx *ctx)
{
	const struct kfield	*f;
	struct buf		 vals;
	struct form		 fm;
	struct evmode		 m;
	char			 kind[16];
	int			 post, r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&m, 0, sizeof(m));
	buf_init(&vals, PAYLOAD_MAX);
	post = ctx->req.env.method == METHOD_POST;
	f = req_get(&ctx->req, post ? KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	m.tok = f != NULL ? f->val : NULL;
	if ((r = flow_token_get(ctx, "event_edit_link", m.tok, kind,
	    sizeof(kind), &m.id, NULL)) < 0)
		goto out;
	if (r == 0 || m.id == 0 || strcmp(kind, "event") != 0) {
		rc = show_link(ctx, "募集情報の修正依頼", NULL, 0,
		    "このURLは無効か、使用済みか、有効期限が過ぎています。"
		    "最新の受付メールに記載されたURLを開いてください。");
		goto out;
	}
	if (!form_init(&fm, ctx, ev_form, KENMIN_NELEM(ev_form), &m))
		goto out;
	if (post) {
		rc = run_form(ctx, &fm, &m);
		goto out;
	}
	if ((r = record_payload(ctx, m.id, &vals, NULL, 0)) < 0)
		goto out;
	if (r == 0 || !form_from_payload(&fm, buf_str(&vals))) {
		rc = page_error(ctx, 404);
		goto out;
	}
	rc = show_form(ctx, &fm, &m, 0);
out:
	if (vals.p != NULL)
		sodium_memzero(vals.p, vals.len);
	buf_free(&vals);
	form_free(&fm);
	return rc;
}

/* ---- hooks of the staff review (review.c) ---- */

/*
 * Rows of event id for the staff screen; with payload (an edit
 * request's values) each row is {label, before, after, changed}.
 * Appends objects to rows.  1 ok, 0 error.
 */
int
event_review_rows(struct ctx *ctx, int64_t id, const char *payload,
    struct tarena *ta, struct tval *rows)
{
	struct form	 live, req;
	struct evmode	 m;
	struct buf	 vals;
	size_t		 i;
	int		 rc = 0;

	(void)ta;
	memset(&live, 0, sizeof(live));
	memset(&req, 0, sizeof(req));
	memset(&m, 0, sizeof(m));
	m.id = id;
	buf_init(&vals, PAYLOAD_MAX);
	if (record_payload(ctx, id, &vals, NULL, 0) != 1 ||
	    !form_init(&live, ctx, ev_form, KENMIN_NELEM(ev_form), &m) ||
	    !form_from_payload(&live, buf_str(&vals)))
		goto out;
	if (payload != NULL && (!form_init(&req, ctx, ev_form,
	    KENMIN_NELEM(ev_form), &m) || !form_from_payload(&req, payload)))
		goto out;
	/* The confirmation copy of the address says nothing new. */
	for (i = 0; i < live.fieldsz; i++)
		if (live.fields[i].key != KEY_R_EMAIL2)
			form_review_row(&live, payload != NULL ? &req : NULL, i,
			    rows);
	rc = 1;
out:
	if (vals.p != NULL)
		sodium_memzero(vals.p, vals.len);
	buf_free(&vals);
	form_free(&live);
	form_free(&req);
	return rc;
}

/*
 * Apply an approved edit request's payload to event id, in the
 * caller's transaction: the payload is validated by the form's own
 * rules, then stored as a new entry's values are.  1 ok, 0 error.
 */
int
event_edit_apply(struct ctx *ctx, int64_t id, const char *payload)
{
	unsigned char	 bidx[BIDX_SZ];
	struct form	 fm;
	struct evmode	 m;
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = 0;

	memset(&m, 0, sizeof(m));
	m.id = id;
	memset(&fm, 0, sizeof(fm));
	if (!form_init(&fm, ctx, ev_form, KENMIN_NELEM(ev_form), &m) ||
	    !form_from_payload(&fm, payload))
		goto out;
	if (!form_validate(&fm)) {
		for (i = 0; i < fm.fieldsz; i++)
			if (fm.v[i].err != NULL)
				kerr("event %lld: edit request: %s",
				    (long long)id, fm.v[i].err);
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_UPDATE])) == NULL)
		goto out;
	if (!bind_cols(ctx, st, &fm, bidx)) {
		sqlite3_reset(st);
		goto out;
	}
	db_bind_int(st, 19, ctx->now);
	db_bind_int(st, 20, id);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1 ||
	    !store_parts(ctx, &fm, id))
		goto out;
	rc = 1;
out:
	form_free(&fm);
	return rc;
}
