/*
 * account.c: the rest of a member account's life (issue #4): a new
 * e-mail address verified through a link mailed to it, withdrawal with
 * the password, the staff screens that find, suspend, reinstate,
 * unlock, delete and export member accounts, and the guards of A-29 and
 * the admin address allow-list, 「延長する」 and the form held
 * over an expired session until the member has logged in again.
 */
#include <arpa/inet.h>

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
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define EMAIL_TTL	(24 * 60 * 60)	/* seconds an address link lives */
#define HELD_TTL	(30 * 60)	/* seconds a held form is kept */
#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define REASON_MAX	500		/* code points of a staff reason */
#define LIST_MAX	200		/* rows of one search result */
#define CSV_MAX		((size_t)30 * 1024 * 1024)
#define ALLOW_MAX	64		/* bytes of one allow-list entry */
#define EMAIL_KIND	"member_email"	/* token subject: an address change */

enum stmt {
	STMT_MEMBER,
	STMT_TOK_OLD,
	STMT_EMAIL_DUP,
	STMT_EMAIL_SET,
	STMT_WITHDRAW,
	STMT_POSTINGS,
	STMT_SEARCH,
	STMT_ITEM,
	STMT_LAST_LOGIN,
	STMT_STATUS,
	STMT_UNLOCK,
	STMT_CSV,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_MEMBER */
	"SELECT pw_hash, email_ct, type, login_id, org_name, status "
	"FROM member WHERE id = ?1",
	/* STMT_TOK_OLD: a new request voids the links mailed before */
	"UPDATE token SET used_at = ?2 WHERE purpose = 'verify_email' AND "
	"subject_kind = '" EMAIL_KIND "' AND subject_id = ?1 AND "
	"used_at IS NULL",
	/* STMT_EMAIL_DUP: an address another live account uses */
	"SELECT 1 FROM member WHERE email_bidx = ?1 AND id <> ?2 AND "
	"status <> 'withdrawn' LIMIT 1",
	/* STMT_EMAIL_SET */
	"UPDATE member SET email_ct = ?2, email_bidx = ?3, "
	"email_verified_at = ?4, updated_at = ?4 WHERE id = ?1 AND "
	"status IN ('active', 'paused')",
	/* STMT_WITHDRAW */
	"UPDATE member SET status = 'withdrawn', withdrawn_at = ?2, "
	"updated_at = ?2 WHERE id = ?1 AND status <> 'withdrawn'",
	/* STMT_POSTINGS */
	"SELECT id FROM posting WHERE member_id = ?1 ORDER BY id",
	/* STMT_SEARCH: ?1 words ("" = all), ?2 LIKE pattern, ?3 number */
	"SELECT id, type, state, status, login_id, org_name, created_at "
	"FROM member WHERE (?1 = '' OR login_key LIKE ?2 ESCAPE '\\' OR "
	"org_name LIKE ?2 ESCAPE '\\' OR org_kana LIKE ?2 ESCAPE '\\' OR "
	"id = ?3) AND (?4 = '' OR status = ?4) ORDER BY id LIMIT ?5",
	/* STMT_ITEM */
	"SELECT type, state, status, login_id, org_name, created_at, "
	"updated_at, failed_logins, coalesce(locked_until, 0), "
	"coalesce(withdrawn_at, 0), coalesce(published_at, 0), "
	"email_verified_at IS NOT NULL FROM member WHERE id = ?1",
	/* STMT_LAST_LOGIN */
	"SELECT coalesce(max(at), 0) FROM audit WHERE action = 'login' AND "
	"target_kind = 'member' AND target_id = ?1",
	/* STMT_STATUS: ?4 the status it must have now */
	"UPDATE member SET status = ?2, updated_at = ?3 WHERE id = ?1 AND "
	"status = ?4",
	/* STMT_UNLOCK */
	"UPDATE member SET failed_logins = 0, locked_until = NULL, "
	"updated_at = ?2 WHERE id = ?1",
	/* STMT_CSV: no sealed column */
	"SELECT m.id, m.type, m.state, m.status, m.login_id, m.org_name, "
	"mu.name, m.created_at, coalesce(m.published_at, 0), "
	"coalesce(m.withdrawn_at, 0) FROM member m LEFT JOIN m_municipality "
	"mu ON mu.id = m.muni_id ORDER BY m.id",
};

/* Japanese labels of the member table's codes. */
struct label {
	const char	*code;
	const char	*label;
};

static const struct label type_labels[] = {
	{ "individual", "個人" },
	{ "group", "団体" },
	{ "company", "企業" },
	{ NULL, NULL },
};

static const struct label state_labels[] = {
	{ "unverified", "メールアドレス確認待ち" },
	{ "draft", "詳細登録待ち" },
	{ "review", "審査中" },
	{ "public", "公開" },
	{ NULL, NULL },
};

static const struct label status_labels[] = {
	{ "active", "有効" },
	{ "paused", "休止" },
	{ "suspended", "利用停止" },
	{ "withdrawn", "退会" },
	{ NULL, NULL },
};

/* The label of code in table, or code itself. */
static const char *
label_of(const struct label *t, const char *code)
{
	for (; t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return t->label;
	return code;
}

/* The value of a valid field of src, or NULL. */
static const char *
arg(const struct ctx *ctx, enum ksrc src, enum key k)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, k);
	return f != NULL ? f->val : NULL;
}

/* A Unix time as "YYYY-MM-DD HH:MM" in Japan into out; "—" for 0. */
static void
jst_time(long long t, char *out, size_t outsz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)(t + 9 * 3600);

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outsz, "—");
}

/* Zero and free a buffer that held personal data. */
static void
wipe(struct buf *b)
{
	if (b->p != NULL)
		sodium_memzero(b->p, b->len);
	buf_free(b);
}

/*
 * The member's row: its password hash into hash[hashsz] and its opened
 * address into email ("" if none).  1 ok, 0 if there is no such member,
 * -1 on an error.
 */
static int
member_get(struct ctx *ctx, int64_t id, char *hash, size_t hashsz,
    struct buf *email)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_MEMBER])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	if (hash != NULL)
		snprintf(hash, hashsz, "%s", db_col_text(st, 0));
	if (email != NULL && !flow_col_open(ctx, st, 1, "member", "email_ct",
	    id, email)) {
		kerr("member %lld: email_ct does not open", (long long)id);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 1;
}

/*
 * 1 if pw is the password of the session's member.  Hashing costs the
 * same when the member has none (R436).
 */
static int
password_ok(struct ctx *ctx, const char *pw, struct buf *email)
{
	char	 hash[256];
	int	 r, ok;

	hash[0] = '\0';
	if ((r = member_get(ctx, ctx->sess->pid, hash, sizeof(hash),
	    email)) < 0)
		return -1;
	ok = hash[0] != '\0' && crypto_pw_verify(hash, pw != NULL ? pw : "");
	sodium_memzero(hash, sizeof(hash));
	return r > 0 && ok;
}

/* ---- the e-mail address (/mypage/email, /mypage/email/verify) ---- */

static void
check_new_email2(struct form *fm, size_t i)
{
	if (strcmp(form_val(fm, KEY_R_EMAIL), form_val(fm, KEY_R_EMAIL2)) != 0)
		form_error(fm, i, "確認のために入力した新しいEメールが"
		    "一致しません。");
}

static const struct ffield email_form[] = {
	{ KEY_PASSWORD, "現在のパスワード", FK_PASSWORD, 1, NULL, NULL, 0, 128,
	  "本人確認のため、ログインに使っているパスワードを入力してください。",
	  NULL, FO_NONE, NULL, "current-password" },
	{ KEY_R_EMAIL, "新しいEメール", FK_EMAIL, 1, NULL, NULL, 0, 254,
	  "確認のメールをこのアドレスにお送りします。例：taro@example.jp",
	  NULL, FO_NONE, NULL, "email" },
	{ KEY_R_EMAIL2, "新しいEメール（確認用）", FK_EMAIL, 1, NULL,
	  check_new_email2, 0, 254, "確認のため、もう一度入力してください。",
	  NULL, FO_NONE, NULL, "email" },
};

/* The form, or with done the page after the mails were queued. */
static int
show_email(struct ctx *ctx, struct form *fm, int errors, const char *idem,
    int done)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	char		 fresh[SESS_HEX + 1];

	tv_set_bool(v, "done", done);
	if (!done) {
		if (idem == NULL) {
			crypto_token_hex(fresh, SESS_HEX / 2);
			idem = fresh;
		}
		tv_set_str(v, "idem", idem);
		form_vars(fm, ta, v, errors);
		form_url(ctx, v, "action", "/mypage/email");
	}
	form_url(ctx, v, "mypage_url", "/mypage");
	return flow_show(ctx, ta, v, "account_email", done ?
	    "Eメールアドレスの変更：確認メールを送信しました" :
	    "Eメールアドレスの変更", errors && fm->nerr > 0);
}

/*
 * Queue the link to the new address and a notice without it to the old
 * one, in the caller's transaction.  Values the member typed go only
 * into bodies.  1 ok, 0 error.
 */
static int
email_mails(struct ctx *ctx, const char *newaddr, const char *oldaddr,
    const char *tok)
{
	struct buf	 body, masked;
	int		 rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&masked, 512);
	buf_puts(&body, "あいかさねっとの会員様\n\n"
	    "登録メールアドレスの変更のお申し込みを受け付けました。\n"
	    "変更を完了するには、次のURLを開き、表示された画面の"
	    "「メールアドレスを変更する」ボタンを押してください。\n\n");
	flow_abs_url(ctx, &body, "/mypage/email/verify?t=");
	buf_puts(&body, tok);
	buf_puts(&body, "\n\n"
	    "このURLの有効期限は24時間で、一度だけ使えます。"
	    "ボタンを押すまでは、これまでのメールアドレスが使われます。\n"
	    "（パスワードはこのメールには記載していません。）\n\n"
	    "このメールにお心当たりのない場合は、何もせずに削除して"
	    "ください。\n"
	    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n");
	if (!buf_ok(&body) || !flow_mail(ctx, "aikasa_email_change", newaddr,
	    "【あいかさねっと】メールアドレス変更の確認", buf_str(&body)))
		goto out;
	if (oldaddr != NULL && *oldaddr != '\0') {
		audit_mask_email(newaddr, &masked);
		buf_reset(&body);
		buf_printf(&body, "あいかさねっとの会員様\n\n"
		    "登録メールアドレスを %s に変更するお申し込みがありました。\n"
		    "新しいアドレスに送った確認のURLが開かれるまで、"
		    "このアドレスが引き続き使われます。\n\n"
		    "お心当たりのない場合は、パスワードを変更のうえ、"
		    "やまぐち県民活動支援センターまでご連絡ください。\n"
		    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n",
		    buf_str(&masked));
		if (!buf_ok(&body) || !flow_mail(ctx,
		    "aikasa_email_change_notice", oldaddr,
		    "【あいかさねっと】メールアドレス変更のお申し込み",
		    buf_str(&body)))
			goto out;
	}
	rc = 1;
out:
	wipe(&body);
	buf_free(&masked);
	return rc;
}

/*
 * The request, in one transaction: earlier links voided, the token with
 * the new address sealed in it, both mails, the audit row and the
 * idempotency key.  1 ok, 0 error.
 */
static int
email_request(struct ctx *ctx, const char *newaddr, const char *oldaddr,
    const char *idem)
{
	char		 tok[SESS_HEX + 1];
	struct buf	 d;
	sqlite3_stmt	*st;
	int64_t		 id = ctx->sess->pid;
	int		 r, began = 0, rc = 0;

	buf_init(&d, AUDIT_DETAIL_MAX);
	tok[0] = '\0';
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &d)) < 0)
		goto out;
	if (r == 0) {
		if ((st = db_prep(ctx->db, sql[STMT_TOK_OLD])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, ctx->now);
		if (!db_run(ctx->db, st) ||
		    !flow_token_new(ctx, "verify_email", EMAIL_KIND, id,
		    EMAIL_TTL, newaddr, tok) ||
		    !email_mails(ctx, newaddr, oldaddr, tok))
			goto out;
		buf_reset(&d);
		buf_puts(&d, "new=");
		audit_mask_email(newaddr, &d);
		if (!buf_ok(&d) || !flow_audit(ctx, "email_change_request",
		    "member", id, buf_str(&d)) ||
		    !form_idem_put(ctx, idem, "email_change"))
			goto out;
	}
	if (!db_commit(ctx->db))
		goto out;
	began = 0;
	if (r == 0)
		spawn_gen(ctx->cfg, "mail");
	rc = 1;
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(tok, sizeof(tok));
	buf_free(&d);
	return rc;
}

/*
 * /mypage/email: the current password and the new address twice; the
 * link goes to the new address, a notice to the old one.  The address
 * changes only when the link's button is pressed.
 */
int
acct_email(struct ctx *ctx)
{
	struct form	 fm;
	struct buf	 old, done;
	const char	*idem;
	char		*a = NULL, *b = NULL;
	size_t		 pi, ei;
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&old, 1024);
	buf_init(&done, 256);
	if (!form_init(&fm, ctx, email_form, KENMIN_NELEM(email_form), NULL))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		rc = show_email(ctx, &fm, 0, NULL, 0);
		goto out;
	}
	if ((idem = arg(ctx, KSRC_BODY, KEY_F_IDEM)) == NULL) {
		rc = page_error(ctx, 400);
		goto out;
	}
	/* A second press of the button sends nothing twice. */
	if ((r = form_idem_get(ctx, idem, &done)) < 0)
		goto out;
	if (r > 0) {
		rc = show_email(ctx, &fm, 0, NULL, 1);
		goto out;
	}
	form_read(&fm);
	if (!form_validate(&fm)) {
		rc = show_email(ctx, &fm, 1, idem, 0);
		goto out;
	}
	pi = form_find(&fm, KEY_PASSWORD);
	ei = form_find(&fm, KEY_R_EMAIL);
	if ((r = password_ok(ctx, form_val(&fm, KEY_PASSWORD), &old)) < 0)
		goto out;
	if (r == 0)
		form_error(&fm, pi, "現在のパスワードが正しくありません。");
	else {
		a = text_normalize(form_val(&fm, KEY_R_EMAIL));
		b = text_normalize(buf_str(&old));
		if (a == NULL || b == NULL)
			goto out;
		if (strcmp(a, b) == 0)
			form_error(&fm, ei, "新しいEメールが、現在登録されている"
			    "アドレスと同じです。");
	}
	if (fm.nerr > 0) {
		rc = show_email(ctx, &fm, 1, idem, 0);
		goto out;
	}
	if (!email_request(ctx, form_val(&fm, KEY_R_EMAIL), buf_str(&old),
	    idem))
		goto out;
	rc = show_email(ctx, &fm, 0, NULL, 1);
out:
	free(a);
	free(b);
	wipe(&old);
	buf_free(&done);
	form_free(&fm);
	return rc;
}

/*
 * Swap the address of member id for addr (sealed, blind index), void
 * the token, mail the new address and log, in the caller's transaction.
 * Returns 1 done, 0 if another account uses addr, -1 on an error.
 */
static int
email_swap(struct ctx *ctx, int64_t id, const char *addr, const char *tok)
{
	unsigned char	 bidx[BIDX_SZ];
	struct audit_ev	 ev;
	struct buf	 ct, body, d;
	sqlite3_stmt	*st;
	char		*lower;
	int		 r, rc = -1;

	buf_init(&ct, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&d, AUDIT_DETAIL_MAX);
	if ((lower = text_normalize(addr)) == NULL)
		goto out;
	crypto_bidx(ctx->keys, "email", lower, bidx);
	if ((st = db_prep(ctx->db, sql[STMT_EMAIL_DUP])) == NULL)
		goto out;
	db_bind_blob(st, 1, bidx, sizeof(bidx));
	db_bind_int(st, 2, id);
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r > 0) {
		sqlite3_reset(st);
		rc = 0;
		goto out;
	}
	if (flow_token_use(ctx, "verify_email", tok) != 1 ||
	    (st = db_prep(ctx->db, sql[STMT_EMAIL_SET])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!flow_bind_sealed(ctx, st, 2, "member", "email_ct", id, addr,
	    &ct)) {
		sqlite3_reset(st);
		goto out;
	}
	db_bind_blob(st, 3, bidx, sizeof(bidx));
	db_bind_int(st, 4, ctx->now);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1)
		goto out;

	buf_puts(&body, "あいかさねっとの会員様\n\n"
	    "登録メールアドレスの変更が完了しました。今後のお知らせは"
	    "このアドレスにお送りします。\n"
	    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n");
	if (!buf_ok(&body) || !flow_mail(ctx, "aikasa_email_changed", addr,
	    "【あいかさねっと】メールアドレス変更の完了", buf_str(&body)))
		goto out;
	buf_puts(&d, "new=");
	audit_mask_email(addr, &d);
	memset(&ev, 0, sizeof(ev));
	ev.at = ctx->now;
	ev.actor_kind = "member";
	ev.actor_id = id;
	ev.action = "email_change";
	ev.target_kind = "member";
	ev.target_id = id;
	ev.detail = buf_str(&d);
	ev.ip = ctx->req.env.remote[0] != '\0' ? ctx->req.env.remote : NULL;
	if (!buf_ok(&d) || !audit_log(ctx->db, ctx->keys, &ev))
		goto out;
	rc = 1;
out:
	free(lower);
	buf_free(&ct);
	buf_free(&body);
	buf_free(&d);
	return rc;
}

/*
 * /mypage/email/verify?t=TOKEN: GET shows one button and changes
 * nothing; its POST swaps the address, once.  It works without
 * a login: the link itself proves the new mailbox.
 */
int
acct_email_verify(struct ctx *ctx)
{
	char		 kind[32];
	const char	*tok, *err = NULL;
	struct buf	 addr;
	struct tarena	*ta;
	struct tval	*v;
	int64_t		 id = 0;
	int		 post, r, began = 0, done = 0, rc = 0;

	post = ctx->req.env.method == METHOD_POST;
	tok = arg(ctx, post ? KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	buf_init(&addr, 1024);
	if (!sess_db(ctx) || !sess_keys(ctx))
		goto out;
	if (post) {
		if (!db_begin(ctx->db))
			goto out;
		began = 1;
	}
	if ((r = flow_token_get(ctx, "verify_email", tok, kind, sizeof(kind),
	    &id, &addr)) < 0)
		goto out;
	if (r == 0 || strcmp(kind, EMAIL_KIND) != 0 || addr.len == 0)
		err = "このURLは無効です。有効期限（24時間）が過ぎたか、"
		    "すでに使われたか、後から別の変更を申し込まれた可能性が"
		    "あります。お手数ですが、マイページからもう一度"
		    "お申し込みください。";
	else if (post) {
		if ((r = email_swap(ctx, id, buf_str(&addr), tok)) < 0)
			goto out;
		if (r == 0)
			err = "このメールアドレスは、すでに別の会員が登録して"
			    "いるため、変更できません。別のアドレスで、"
			    "マイページからもう一度お申し込みください。";
		else {
			if (!db_commit(ctx->db))
				goto out;
			began = 0;
			done = 1;
			spawn_gen(ctx->cfg, "mail");
		}
	}
	if (began) {
		db_rollback(ctx->db);
		began = 0;
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	form_url(ctx, v, "action", "/mypage/email/verify");
	form_url(ctx, v, "mypage_url", "/mypage");
	tv_set_bool(v, "done", done);
	if (err != NULL)
		tv_set_str(v, "error", err);
	else if (!done)
		tv_set_str(v, "token", tok);
	rc = flow_show(ctx, ta, v, "account_email_verify", done ?
	    "メールアドレスの変更が完了しました" : "メールアドレスの変更", 0);
out:
	if (began)
		db_rollback(ctx->db);
	wipe(&addr);
	return rc;
}

/* ---- withdrawal (/mypage/delete, and staff's delete) ---- */

/*
 * Withdraw member id in the caller's transaction: status and
 * withdrawn_at, every session ended, the member and its postings queued
 * for the publish that removes them, a confirmation mail, the audit row
 * 'delete' with detail.  1 ok, 0 if already withdrawn, -1 error.
 */
static int
withdraw(struct ctx *ctx, int64_t id, const char *detail, int by_staff)
{
	struct buf	 email, body;
	sqlite3_stmt	*st;
	int64_t		 pid;
	int		 r, rc = -1;

	buf_init(&email, 1024);
	buf_init(&body, MAIL_BODY_MAX);
	if ((r = member_get(ctx, id, NULL, 0, &email)) <= 0)
		goto out;
	if ((st = db_prep(ctx->db, sql[STMT_WITHDRAW])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = 0;
		goto out;
	}
	if (!flow_publish(ctx, "member", id, "withdrawn"))
		goto out;
	if ((st = db_prep(ctx->db, sql[STMT_POSTINGS])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		pid = sqlite3_column_int64(st, 0);
		if (!flow_publish(ctx, "posting", pid, "member withdrawn")) {
			sqlite3_reset(st);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if (email.len > 0) {
		buf_printf(&body, "あいかさねっとの会員様\n\n"
		    "%s"
		    "会員ページと、掲載していた情報はサイトから削除されます。"
		    "お名前やご連絡先などの登録情報は、%d日後に消去します。\n"
		    "再び利用される場合は、あらためて会員登録をしてください。\n\n"
		    "お心当たりのない場合は、やまぐち県民活動支援センターまで"
		    "ご連絡ください。\n"
		    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n",
		    by_staff ? "センターにて、あいかさねっとの退会の手続きを"
		    "行いました。\n" : "あいかさねっとの退会の手続きが"
		    "完了しました。ご利用ありがとうございました。\n",
		    ctx->cfg->withdrawn_days);
		if (!buf_ok(&body) || !flow_mail(ctx, "aikasa_withdrawn",
		    buf_str(&email), "【あいかさねっと】退会手続き完了のお知らせ",
		    buf_str(&body)))
			goto out;
	}
	/* Logged while the session is still the actor, then ended. */
	if (!flow_audit(ctx, "delete", "member", id, detail) ||
	    !sess_end_others(ctx, PRINC_MEMBER, id, 0))
		goto out;
	rc = 1;
out:
	wipe(&email);
	buf_free(&body);
	return rc;
}

static const struct ffield delete_form[] = {
	{ KEY_PASSWORD, "現在のパスワード", FK_PASSWORD, 1, NULL, NULL, 0, 128,
	  "本人確認のため、ログインに使っているパスワードを入力してください。",
	  NULL, FO_NONE, NULL, "current-password" },
	{ KEY_AC_AGREE, "上記の内容を確認し、退会します", FK_AGREE, 1, NULL,
	  NULL, 0, 0, NULL, NULL, FO_NONE, NULL, NULL },
};

static int
show_delete(struct ctx *ctx, struct form *fm, int errors, int done)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_bool(v, "done", done);
	tv_set_int(v, "days", ctx->cfg->withdrawn_days);
	if (!done) {
		form_vars(fm, ta, v, errors);
		form_url(ctx, v, "action", "/mypage/delete");
	}
	form_url(ctx, v, "mypage_url", "/mypage");
	return flow_show(ctx, ta, v, "account_delete", done ?
	    "退会の手続きが完了しました" : "退会の手続き",
	    errors && fm->nerr > 0);
}

/*
 * /mypage/delete: the effect explained, the password and a box to
 * confirm; withdraws at once, ending this session too.
 */
int
acct_delete(struct ctx *ctx)
{
	struct form	 fm;
	int64_t		 id = ctx->sess->pid;
	int		 r, began = 0, rc = 0;

	memset(&fm, 0, sizeof(fm));
	if (!form_init(&fm, ctx, delete_form, KENMIN_NELEM(delete_form), NULL))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		rc = show_delete(ctx, &fm, 0, 0);
		goto out;
	}
	form_read(&fm);
	if (form_validate(&fm)) {
		if ((r = password_ok(ctx, form_val(&fm, KEY_PASSWORD),
		    NULL)) < 0)
			goto out;
		if (r == 0)
			form_error(&fm, form_find(&fm, KEY_PASSWORD),
			    "現在のパスワードが正しくありません。");
	}
	if (fm.nerr > 0) {
		rc = show_delete(ctx, &fm, 1, 0);
		goto out;
	}
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if (withdraw(ctx, id, "by=member", 0) != 1 || !db_commit(ctx->db))
		goto out;
	began = 0;
	flow_publish_now(ctx);
	spawn_gen(ctx->cfg, "mail");
	rc = show_delete(ctx, &fm, 0, 1);
out:
	if (began)
		db_rollback(ctx->db);
	form_free(&fm);
	return rc;
}

/* ---- staff: member accounts ---- */

/* A LIKE pattern "%q%" with % _ \ escaped, into out. */
static void
like_pattern(const char *q, struct buf *out)
{
	buf_putc(out, '%');
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *q);
	}
	buf_putc(out, '%');
}

static const struct fopt status_opts[] = {
	{ "active", "有効" },
	{ "paused", "休止" },
	{ "suspended", "利用停止" },
	{ "withdrawn", "退会" },
	{ NULL, NULL },
};

/*
 * /admin/members?q=&status=: search by login ID, member number or the
 * name of the organisation; no sealed data is read.
 */
int
acct_members(struct ctx *ctx)
{
	struct tarena	*ta;
	struct tval	*v, *list, *opts, *o;
	struct buf	 pat, url;
	sqlite3_stmt	*st;
	const char	*q, *status;
	char		*key = NULL, when[32];
	long long	 num = 0;
	size_t		 i;
	int		 r, rc = 0;

	q = arg(ctx, KSRC_QUERY, KEY_S_Q);
	status = arg(ctx, KSRC_QUERY, KEY_AC_STATUS);
	if (status != NULL && strcmp(label_of(status_labels, status),
	    status) == 0)
		status = NULL;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	buf_init(&pat, 1024);
	buf_init(&url, 1024);
	if (q != NULL && (key = text_normalize(q)) == NULL)
		goto out;
	if (key != NULL)
		text_trim(key);
	if (key != NULL && *key != '\0') {
		like_pattern(key, &pat);
		if (!util_strtoll(key, 1, 999999999999LL, &num))
			num = 0;
	}
	if (!buf_ok(&pat) || !sess_db(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_SEARCH])) == NULL)
		goto out;
	db_bind_text(st, 1, key != NULL ? key : "");
	db_bind_text(st, 2, buf_str(&pat));
	db_bind_int(st, 3, num);
	db_bind_text(st, 4, status != NULL ? status : "");
	db_bind_int(st, 5, LIST_MAX + 1);
	list = tv_list(ta);
	for (i = 0; (r = db_row(ctx->db, st)) > 0; i++) {
		if (i == LIST_MAX) {
			tv_set_bool(v, "more", 1);
			sqlite3_reset(st);
			break;
		}
		o = tv_push_obj(list);
		tv_set_int(o, "id", sqlite3_column_int64(st, 0));
		tv_set_str(o, "type", label_of(type_labels,
		    db_col_text(st, 1)));
		tv_set_str(o, "state", label_of(state_labels,
		    db_col_text(st, 2)));
		tv_set_str(o, "status", label_of(status_labels,
		    db_col_text(st, 3)));
		tv_set_str(o, "login_id", db_col_text(st, 4));
		tv_set_str(o, "org_name", db_col_text(st, 5));
		jst_time(sqlite3_column_int64(st, 6), when, sizeof(when));
		tv_set_str(o, "created", when);
		buf_reset(&url);
		buf_printf(&url, "/admin/members/item?id=%lld",
		    (long long)sqlite3_column_int64(st, 0));
		form_url(ctx, o, "href", buf_str(&url));
	}
	if (r < 0)
		goto out;
	tv_set(v, "members", list);
	tv_set_bool(v, "has_members", i > 0);
	tv_set_int(v, "count", (long long)i);
	tv_set_bool(v, "searched", q != NULL || status != NULL);
	if (q != NULL)
		tv_set_str(v, "q", q);
	opts = tv_list(ta);
	for (i = 0; status_opts[i].value != NULL; i++) {
		o = tv_push_obj(opts);
		tv_set_str(o, "value", status_opts[i].value);
		tv_set_str(o, "label", status_opts[i].label);
		tv_set_bool(o, "on", status != NULL &&
		    strcmp(status, status_opts[i].value) == 0);
	}
	tv_set(v, "status_opts", opts);
	tv_set_bool(v, "admin", ctx->sess->admin);
	form_url(ctx, v, "action", "/admin/members");
	form_url(ctx, v, "csv_url", "/admin/members.csv");
	form_url(ctx, v, "admin_url", "/admin/");
	rc = flow_show(ctx, ta, v, "account_members", "会員アカウントの管理", 0);
	ta = NULL;
out:
	tarena_free(ta);
	free(key);
	buf_free(&pat);
	buf_free(&url);
	return rc;
}

/* What a staff action does, the statuses it applies to, its message. */
struct action {
	const char	*name;
	const char	*label;
	const char	*from;		/* status it needs (NULL: any live) */
	const char	*to;		/* status it sets (NULL: none) */
	const char	*done;		/* the message after it */
};

static const struct action actions[] = {
	{ "suspend", "利用停止にする", "active", "suspended",
	  "利用停止にしました。この会員はログインできません。" },
	{ "reinstate", "利用停止を解除する", "suspended", "active",
	  "利用停止を解除しました。" },
	{ "unlock", "ロックを解除する", NULL, NULL,
	  "ログインのロックを解除しました。" },
	{ "delete", "退会させる", NULL, NULL,
	  "退会の処理をしました。登録情報は保存期間の後に消去されます。" },
};

static const struct action *
action_find(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < KENMIN_NELEM(actions); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* 1 if a can apply to a member whose status is status. */
static int
action_applies(const struct action *a, const char *status)
{
	if (strcmp(status, "withdrawn") == 0)
		return 0;
	return a->from == NULL || strcmp(a->from, status) == 0;
}

static const struct ffield reason_form[] = {
	{ KEY_AC_REASON, "操作の理由", FK_TEXTAREA, 1, NULL, NULL, 0, REASON_MAX,
	  "監査ログに記録されます。氏名や連絡先などの個人情報は"
	  "書かないでください。", NULL, FO_NONE, NULL, NULL },
};

/*
 * The member view: type, state, status, login ID, dates, lockout and
 * the actions that apply.  fm carries the reason and its error after a
 * refused action (NULL: a fresh form); message is shown on top.
 * Returns 1 ok, 0 error; a member that does not exist is a 404.
 */
static int
show_member(struct ctx *ctx, int64_t id, struct form *fm,
    const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta), *list, *o;
	struct form	 own;
	sqlite3_stmt	*st;
	char		 when[32], status[16];
	long long	 locked;
	size_t		 i;
	int		 r, errors, rc = 0;

	memset(&own, 0, sizeof(own));
	if (fm == NULL) {
		if (!form_init(&own, ctx, reason_form,
		    KENMIN_NELEM(reason_form), NULL))
			goto out;
		fm = &own;
	}
	form_url(ctx, v, "list_url", "/admin/members");
	if (id <= 0) {
		tv_set_bool(v, "none", 1);
		rc = flow_show(ctx, ta, v, "account_member", "会員アカウント", 0);
		ta = NULL;
		goto out;
	}
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_ITEM])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r == 0) {
		rc = page_error(ctx, 404);
		goto out;
	}
	tv_set_int(v, "id", id);
	tv_set_str(v, "type", label_of(type_labels, db_col_text(st, 0)));
	tv_set_str(v, "state", label_of(state_labels, db_col_text(st, 1)));
	snprintf(status, sizeof(status), "%s", db_col_text(st, 2));
	tv_set_str(v, "status", label_of(status_labels, status));
	tv_set_str(v, "login_id", db_col_text(st, 3));
	tv_set_str(v, "org_name", db_col_text(st, 4));
	jst_time(sqlite3_column_int64(st, 5), when, sizeof(when));
	tv_set_str(v, "created", when);
	jst_time(sqlite3_column_int64(st, 6), when, sizeof(when));
	tv_set_str(v, "updated", when);
	tv_set_int(v, "failed", sqlite3_column_int64(st, 7));
	locked = sqlite3_column_int64(st, 8);
	if (locked > ctx->now) {
		jst_time(locked, when, sizeof(when));
		tv_set_str(v, "locked_until", when);
	}
	if (sqlite3_column_int64(st, 9) > 0) {
		jst_time(sqlite3_column_int64(st, 9), when, sizeof(when));
		tv_set_str(v, "withdrawn", when);
	}
	jst_time(sqlite3_column_int64(st, 10), when, sizeof(when));
	tv_set_str(v, "published", when);
	tv_set_bool(v, "verified", sqlite3_column_int(st, 11));
	sqlite3_reset(st);
	if ((st = db_prep(ctx->db, sql[STMT_LAST_LOGIN])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (db_row(ctx->db, st) <= 0)
		goto out;
	jst_time(sqlite3_column_int64(st, 0), when, sizeof(when));
	sqlite3_reset(st);
	tv_set_str(v, "last_login", when);

	list = tv_list(ta);
	for (i = 0; i < KENMIN_NELEM(actions); i++) {
		if (!action_applies(&actions[i], status))
			continue;
		o = tv_push_obj(list);
		tv_set_str(o, "name", actions[i].name);
		tv_set_str(o, "label", actions[i].label);
	}
	tv_set(v, "actions", list);
	tv_set_bool(v, "has_actions", tv_len(list) > 0);
	if (message != NULL)
		tv_set_str(v, "message", message);
	errors = fm->nerr > 0;
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/admin/members/act");
	rc = flow_show(ctx, ta, v, "account_member", "会員アカウント",
	    errors);
	ta = NULL;
out:
	tarena_free(ta);
	form_free(&own);
	return rc;
}

/* /admin/members/item?id=N[&done=ACTION]: one account. */
int
acct_member(struct ctx *ctx)
{
	const struct kfield	*f;
	const struct action	*a;

	f = req_get(&ctx->req, KSRC_QUERY, KEY_AC_ID);
	a = action_find(arg(ctx, KSRC_QUERY, KEY_AC_DONE));
	return show_member(ctx, f != NULL ? f->ival : 0, NULL,
	    a != NULL ? a->done : NULL);
}

/*
 * Run action a on member id in one transaction with its audit row and
 * the publish of the member (and its postings when it leaves or
 * returns to the site).  1 done, 0 if it no longer applies, -1 error.
 */
static int
member_act(struct ctx *ctx, int64_t id, const struct action *a,
    const char *reason)
{
	struct buf	 d;
	sqlite3_stmt	*st;
	char		 status[16];
	int64_t		 pid;
	int		 r, rc = -1, began = 0;

	buf_init(&d, AUDIT_DETAIL_MAX);
	buf_printf(&d, "reason=%s", reason);
	if (!buf_ok(&d) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((st = db_prep(ctx->db, sql[STMT_MEMBER])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r == 0) {
		rc = 0;
		goto out;
	}
	snprintf(status, sizeof(status), "%s", db_col_text(st, 5));
	sqlite3_reset(st);
	if (!action_applies(a, status)) {
		rc = 0;
		goto out;
	}
	if (strcmp(a->name, "delete") == 0) {
		buf_reset(&d);
		buf_printf(&d, "by=staff reason=%s", reason);
		if (!buf_ok(&d) || (r = withdraw(ctx, id, buf_str(&d), 1)) < 0)
			goto out;
		if (r == 0) {
			rc = 0;
			goto out;
		}
	} else {
		if (a->to != NULL) {
			st = db_prep(ctx->db, sql[STMT_STATUS]);
			if (st == NULL)
				goto out;
			db_bind_int(st, 1, id);
			db_bind_text(st, 2, a->to);
			db_bind_int(st, 3, ctx->now);
			db_bind_text(st, 4, a->from);
		} else {
			st = db_prep(ctx->db, sql[STMT_UNLOCK]);
			if (st == NULL)
				goto out;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, ctx->now);
		}
		if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1)
			goto out;
		/* Suspended: whoever holds a session of it is out now. */
		if (strcmp(a->name, "suspend") == 0 &&
		    !sess_end_others(ctx, PRINC_MEMBER, id, 0))
			goto out;
		if (!flow_publish(ctx, "member", id, a->name))
			goto out;
		if (a->to != NULL) {
			if ((st = db_prep(ctx->db, sql[STMT_POSTINGS])) == NULL)
				goto out;
			db_bind_int(st, 1, id);
			while ((r = db_row(ctx->db, st)) > 0) {
				pid = sqlite3_column_int64(st, 0);
				if (!flow_publish(ctx, "posting", pid,
				    a->name)) {
					sqlite3_reset(st);
					goto out;
				}
			}
			if (r < 0)
				goto out;
		}
		if (!flow_audit(ctx, a->name, "member", id, buf_str(&d)))
			goto out;
	}
	if (!db_commit(ctx->db))
		goto out;
	began = 0;
	rc = 1;
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&d);
	return rc;
}

/*
 * /admin/members/act (POST): id, action and a reason; on success a
 * redirect to the member view (the publish and any mail started).
 */
int
acct_member_act(struct ctx *ctx)
{
	const struct kfield	*f;
	const struct action	*a;
	struct form		 fm;
	struct buf		 url;
	int64_t			 id;
	int			 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&url, 256);
	f = req_get(&ctx->req, KSRC_BODY, KEY_AC_ID);
	a = action_find(arg(ctx, KSRC_BODY, KEY_AC_ACTION));
	if (f == NULL || a == NULL) {
		rc = page_error(ctx, 400);
		goto out;
	}
	id = f->ival;
	if (!form_init(&fm, ctx, reason_form, KENMIN_NELEM(reason_form), NULL))
		goto out;
	form_read(&fm);
	if (!form_validate(&fm)) {
		rc = show_member(ctx, id, &fm, NULL);
		goto out;
	}
	if ((r = member_act(ctx, id, a, form_val(&fm, KEY_AC_REASON))) < 0)
		goto out;
	if (r == 0) {
		rc = show_member(ctx, id, &fm, "この操作は、会員の現在の状態"
		    "では行えません。画面を確認してください。");
		goto out;
	}
	flow_publish_now(ctx);
	if (strcmp(a->name, "delete") == 0)
		spawn_gen(ctx->cfg, "mail");
	buf_printf(&url, "/admin/members/item?id=%lld&done=%s",
	    (long long)id, a->name);
	rc = buf_ok(&url) && resp_redirect(&ctx->resp, ctx->cfg,
	    buf_str(&url));
out:
	buf_free(&url);
	form_free(&fm);
	return rc;
}

/* One CSV line of the columns of st (types as the SELECT gives them). */
static void
csv_line(sqlite3_stmt *st, struct buf *out)
{
	static const struct label *const tables[] = { NULL, type_labels,
	    state_labels, status_labels, NULL, NULL, NULL };
	char		 when[32];
	const char	*s;
	int		 c;

	for (c = 0; c < 10; c++) {
		if (c > 0)
			buf_putc(out, ',');
		if (c == 0) {
			buf_printf(out, "%lld",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		if (c >= 7) {
			jst_time(sqlite3_column_int64(st, c), when,
			    sizeof(when));
			s = sqlite3_column_int64(st, c) > 0 ? when : "";
		} else {
			s = db_col_text(st, c);
			if (tables[c] != NULL)
				s = label_of(tables[c], s);
		}
		esc_csv(out, s, strlen(s));
	}
	buf_puts(out, "\r\n");
}

/*
 * /admin/members.csv: every member account without sealed columns,
 * each field through esc_csv() (formulas neutralised), with an audit
 * row 'export'.  Admin only.
 */
int
acct_members_csv(struct ctx *ctx)
{
	static const char *const head[] = { "会員番号", "種類", "状態",
	    "ステータス", "ログインID", "団体・企業名", "市町", "登録日時",
	    "公開日時", "退会日時" };
	struct buf	*b = &ctx->resp.body;
	struct buf	 d;
	sqlite3_stmt	*st;
	size_t		 i, n = 0;
	int		 r, began = 0, rc = 0;

	buf_init(&d, AUDIT_DETAIL_MAX);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	buf_reset(b);
	esc_csv_bom(b);
	for (i = 0; i < KENMIN_NELEM(head); i++) {
		if (i > 0)
			buf_putc(b, ',');
		esc_csv(b, head[i], strlen(head[i]));
	}
	buf_puts(b, "\r\n");
	if ((st = db_prep(ctx->db, sql[STMT_CSV])) == NULL)
		goto out;
	while ((r = db_row(ctx->db, st)) > 0) {
		csv_line(st, b);
		n++;
	}
	if (r < 0 || !buf_ok(b))
		goto out;
	buf_printf(&d, "members.csv rows=%zu", n);
	if (!buf_ok(&d) || !flow_audit(ctx, "export", "member", 0,
	    buf_str(&d)))
		goto out;
	if (!db_commit(ctx->db))
		goto out;
	began = 0;
	ctx->resp.ctype = "text/csv; charset=utf-8";
	/* R501: the file's name says its class (機密性I: login IDs). */
	rc = resp_header(&ctx->resp, "Content-Disposition",
	    "attachment; filename=\"members_kimitsusei-1.csv\"; "
	    "filename*=UTF-8''%E4%BC%9A%E5%93%A1%E4%B8%80%E8%A6%A7_"
	    "%E6%A9%9F%E5%AF%86%E6%80%A7I.csv");
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&d);
	return rc;
}

/* ---- the idle timeout ---- */

/*
 * /session/extend (POST with the session's CSRF token): the idle timer
 * starts again; answers JSON {"left": seconds}.  Without a session 403.
 */
int
acct_extend(struct ctx *ctx)
{
	if (ctx->sess == NULL || (ctx->sess->principal == PRINC_STAFF &&
	    !ctx->sess->mfa_ok))
		return page_error(ctx, 403);
	if (!sess_touch(ctx))
		return 0;
	ctx->resp.ctype = "application/json; charset=utf-8";
	buf_printf(&ctx->resp.body, "{\"left\":%lld}\n", sess_remaining(ctx));
	return buf_ok(&ctx->resp.body);
}

/*
 * 1 if a held body of page pg, sent again, cannot complete anything by
 * itself: a form of steps (its "submit" comes back as "edit") or one
 * that needs a password (passwords are never held).
 */
static int
holdable(const struct pageinfo *pg)
{
	const enum key	*k;

	for (k = pg->keys; *k != KEY__MAX; k++)
		if (*k == KEY_F_STEP || *k == KEY_R_PASSWORD ||
		    keys[*k].valid == kvalid_password)
			return 1;
	return 0;
}

/*
 * Keep the body of a POST whose member session just expired:
 * only when the form's CSRF token is the expired session's own (so no
 * other site can plant one), and only for member pages a GET reaches.
 * Passwords, the CSRF token and files are not kept; a final "submit"
 * step comes back as "edit", so nothing is sent without a new press.
 * The body is sealed into a 'held_form' token of the member for 30
 * minutes and the browser goes to /login?next=PAGE&h=TOKEN.  A page
 * whose form would act when sent again (see holdable()) keeps nothing:
 * the browser goes to /login?next=PAGE.  Returns 1 if the response is
 * made (a redirect, or a 500), 0 if the request is not one to hold
 * (the caller answers 403).
 */
int
acct_hold(struct ctx *ctx)
{
	const struct pageinfo	*pg = ctx->page;
	const struct kfield	*f;
	char			 tok[SESS_HEX + 1];
	struct buf		 body, url;
	size_t			 i;
	int			 began = 0, rc = 0;

	f = req_get(&ctx->req, KSRC_BODY, KEY_CSRF);
	if (pg->role != ROLE_MEMBER || !(pg->methods & M_GET) ||
	    ctx->sess != NULL || ctx->stale_pid == 0 || f == NULL ||
	    f->valsz != SESS_HEX || strlen(ctx->stale_csrf) != SESS_HEX ||
	    sodium_memcmp(f->val, ctx->stale_csrf, SESS_HEX) != 0)
		return 0;
	buf_init(&body, REQ_URLENC_MAX);
	buf_init(&url, 2048);
	for (i = 0; i < ctx->req.fieldsz; i++) {
		f = &ctx->req.fields[i];
		if (f->src != KSRC_BODY || f->file != NULL ||
		    f->key == KEY_CSRF || f->key == KEY_F_PWSEAL ||
		    f->key == KEY_R_PASSWORD || f->key == KEY_R_PASSWORD2 ||
		    keys[f->key].valid == kvalid_password)
			continue;
		if (body.len > 0)
			buf_putc(&body, '&');
		esc_urlcomp(&body, f->name, strlen(f->name));
		buf_putc(&body, '=');
		if (f->key == KEY_F_STEP && strcmp(f->val, "submit") == 0)
			buf_puts(&body, "edit");
		else
			esc_urlcomp(&body, f->val, f->valsz);
	}
	buf_printf(&url, "/login?next=%s", pg->path);
	rc = 1;
	if (buf_ok(&body) && holdable(pg)) {
		if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
			goto fail;
		began = 1;
		if (!flow_token_new(ctx, "held_form", "member", ctx->stale_pid,
		    HELD_TTL, body.len > 0 ? buf_str(&body) : "-", tok) ||
		    !db_commit(ctx->db))
			goto fail;
		began = 0;
		buf_printf(&url, "&h=%s", tok);
		sodium_memzero(tok, sizeof(tok));
	}
	if (!buf_ok(&url) || !resp_redirect(&ctx->resp, ctx->cfg,
	    buf_str(&url)))
		goto fail;
	goto out;
fail:
	if (began)
		db_rollback(ctx->db);
	page_error(ctx, 500);
out:
	wipe(&body);
	buf_free(&url);
	return rc;
}

/*
 * After the login: a GET of a member page with h=TOKEN of a form held
 * for this member turns into the POST it was, so the page renders with
 * the values kept (its own rules run; a missing password is asked for
 * again).  The token is used once.  A token that is unknown, expired,
 * used or of another member is ignored: the page shows as for a GET.
 * 1 ok, 0 on an error.
 */
int
acct_restore(struct ctx *ctx)
{
	const struct kfield	*h;
	unsigned char		 accept[KEY__MAX];
	struct reqspec		 spec;
	const enum key		*k;
	char			 kind[16];
	struct buf		 payload;
	int64_t			 id = 0;
	int			 r, began = 0, rc = 0;

	if (ctx->page->role != ROLE_MEMBER || ctx->sess == NULL ||
	    ctx->req.env.method != METHOD_GET ||
	    (h = req_get(&ctx->req, KSRC_QUERY, KEY_AC_HELD)) == NULL)
		return 1;
	buf_init(&payload, REQ_URLENC_MAX);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = flow_token_get(ctx, "held_form", h->val, kind, sizeof(kind),
	    &id, &payload)) < 0)
		goto out;
	if (r == 0 || strcmp(kind, "member") != 0 || id != ctx->sess->pid) {
		rc = 1;
		goto out;
	}
	if (flow_token_use(ctx, "held_form", h->val) != 1 ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	memset(accept, 0, sizeof(accept));
	for (k = ctx->page->keys; *k != KEY__MAX; k++)
		accept[*k] = 1;
	spec.keys = keys;
	spec.keysz = KEY__MAX;
	spec.accept = accept;
	spec.cookie_host = ctx->cfg->cookie_secure;
	if (strcmp(buf_str(&payload), "-") != 0 &&
	    req_parse_urlenc(&ctx->req, &spec, KSRC_BODY, payload.p,
	    payload.len) != REQ_OK)
		goto out;
	req_index(&ctx->req);
	ctx->req.env.method = METHOD_POST;
	rc = 1;
out:
	if (began)
		db_rollback(ctx->db);
	wipe(&payload);
	return rc;
}

/*
 * Where a member goes after the login: next (a path of the service) or
 * /mypage, with the held form's key passed on.
 */
int
acct_login_next(struct ctx *ctx, const char *next)
{
	const char	*h;
	struct buf	 b;
	int		 rc;

	buf_init(&b, 2048);
	buf_puts(&b, next != NULL && resp_safe_path(next) ? next : "/mypage");
	if ((h = arg(ctx, KSRC_BODY, KEY_AC_HELD)) != NULL &&
	    strchr(buf_str(&b), '?') == NULL)
		buf_printf(&b, "?h=%s", h);
	rc = buf_ok(&b) && resp_redirect(&ctx->resp, ctx->cfg, buf_str(&b));
	buf_free(&b);
	return rc;
}

/* ---- the address allow-list of the staff pages ---- */

/*
 * 1 if addr matches the allow-list entry e: "ADDR/BITS" (IPv4 or IPv6),
 * a whole address, or else a textual prefix ("192.0.2.", "2001:db8:").
 */
static int
allow_match(const char *e, const char *addr)
{
	unsigned char	 net[16], a[16];
	char		 host[ALLOW_MAX];
	const char	*slash;
	long long	 bits = -1;
	size_t		 n, len;
	int		 af;

	slash = strchr(e, '/');
	n = slash != NULL ? (size_t)(slash - e) : strlen(e);
	if (n == 0 || n >= sizeof(host))
		return 0;
	memcpy(host, e, n);
	host[n] = '\0';
	af = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	len = af == AF_INET6 ? 16 : 4;
	if (inet_pton(af, host, net) != 1) {
		/* Not an address: a textual prefix, compared as written. */
		return slash == NULL && strncasecmp(addr, e, n) == 0;
	}
	if (inet_pton(af, addr, a) != 1)
		return 0;
	if (slash != NULL && !util_strtoll(slash + 1, 0, (long long)len * 8,
	    &bits))
		return 0;
	if (bits < 0)
		bits = (long long)len * 8;
	for (n = 0; bits >= 8; n++, bits -= 8)
		if (a[n] != net[n])
			return 0;
	return bits == 0 || ((a[n] ^ net[n]) &
	    (unsigned char)(0xff << (8 - bits))) == 0;
}

/* 1 if the client may reach staff pages under cfg->admin_allow. */
static int
allow_ok(const char *list, const char *addr)
{
	const char	*p, *end;
	char		 e[ALLOW_MAX];
	size_t		 n;

	if (list == NULL || *list == '\0')
		return 1;
	for (p = list; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(e))
			continue;
		memcpy(e, p, n);
		e[n] = '\0';
		if (allow_match(e, addr))
			return 1;
	}
	return 0;
}

/*
 * the staff pages (role staff or admin, and every /admin/ page
 * with the staff login) answer only clients admin_allow lets in.  A
 * refusal is a Japanese 403 page and an audit row.  1 if the request
 * may go on; 0 if the response is made.
 */
int
acct_ip_ok(struct ctx *ctx)
{
	const struct pageinfo	*pg = ctx->page;
	struct tarena		*ta;
	struct buf		 d;
	int			 rc = 0;

	if (pg->role != ROLE_STAFF && pg->role != ROLE_ADMIN &&
	    strncmp(pg->path, "/admin/", 7) != 0)
		return 1;
	if (allow_ok(ctx->cfg->admin_allow, ctx->req.env.remote))
		return 1;
	if (ctx->now == 0)
		ctx->now = (long long)time(NULL);
	buf_init(&d, AUDIT_DETAIL_MAX);
	buf_printf(&d, "path=%s", pg->path);
	if (!buf_ok(&d) || !sess_db(ctx) || !sess_keys(ctx) ||
	    !db_begin(ctx->db))
		goto out;
	if (!flow_audit(ctx, "ip_refused", NULL, 0, buf_str(&d)) ||
	    !db_commit(ctx->db)) {
		db_rollback(ctx->db);
		goto out;
	}
	rc = 1;
out:
	buf_free(&d);
	ta = tarena_new();
	if (!rc || !page_render(ctx, "account_ip",
	    "このネットワークからは利用できません", page_vars(ctx, ta)))
		page_error(ctx, 500);
	else
		ctx->resp.status = 403;
	tarena_free(ta);
	return 0;
}
