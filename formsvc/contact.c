/*
 * contact.c: the center's お問い合わせ form (R048) and the double
 * opt-in subscribe and unsubscribe forms of both newsletters (A-10,
 * A-26, R139, R215, R216), with their mailed links and the one-click
 * unsubscribe target of a newsletter's List-Unsubscribe (RFC 8058).
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
#include "outbox.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define MAIL_BODY_MAX	((size_t)32 * 1024)
#define NL_TTL		(24 * 60 * 60)	/* a mailed link lives 24 hours */
#define RATE_WINDOW	(60 * 60)	/* per client and hour: */
#define CONTACT_PER_WINDOW 5		/* inquiries sent */
#define NL_PER_WINDOW	10		/* subscribe/unsubscribe requests */
#define ADDR_WINDOW	(24 * 60 * 60)	/* per address and list and day: */
#define ADDR_PER_WINDOW	3		/* mails (silently capped) */
#define BUCKET_MAX	128

enum stmt {
	STMT_SUB_FIND,
	STMT_SUB_ADD,
	STMT_SUB_SEAL,
	STMT_SUB_STATE,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_SUB_FIND */
	"SELECT id, state FROM subscriber WHERE list = ?1 AND email_bidx = ?2",
	/* STMT_SUB_ADD: the row first, the sealed address bound to its id */
	"INSERT INTO subscriber (list, state, source, email_ct, email_bidx, "
	"created_at, updated_at) VALUES (?1, 'pending', 'form', x'', ?2, ?3, "
	"?3)",
	/* STMT_SUB_SEAL */
	"UPDATE subscriber SET email_ct = ?2 WHERE id = ?1",
	/* STMT_SUB_STATE */
	"UPDATE subscriber SET state = ?3, updated_at = ?4 WHERE id = ?1 AND "
	"list = ?2",
};

/* The per-client bucket "what:ADDRESS" into b[BUCKET_MAX]. */
static void
client_bucket(const struct ctx *ctx, const char *what, char b[BUCKET_MAX])
{
	const char	*ip = ctx->req.env.remote;

	snprintf(b, BUCKET_MAX, "%s:%s", what,
	    ip != NULL && *ip != '\0' ? ip : "-");
}

/*
 * Append s to b without CRs (a textarea sends CRLF, a mail body is
 * LF), each line prefixed by quote (may be "").
 */
static void
put_lines(struct buf *b, const char *s, const char *quote)
{
	int	 bol = 1;

	for (; *s != '\0'; s++) {
		if (*s == '\r')
			continue;
		if (bol)
			buf_puts(b, quote);
		buf_putc(b, *s);
		bol = *s == '\n';
	}
	if (!bol)
		buf_putc(b, '\n');
}

/* ---- お問い合わせ (R048) ---- */

static const struct fopt category_opts[] = {
	{ "listing", "掲載について" },
	{ "volunteer", "ボランティアについて" },
	{ "center", "センターの利用について" },
	{ "other", "その他" },
	{ NULL, NULL },
};

static const char privacy_notice[] =
    "お預かりした氏名・Eメール・電話番号・お問い合わせ内容は、"
    "やまぐち県民活動支援センターがお問い合わせへの回答のためにのみ"
    "利用し、法令に基づく場合を除き、ご本人の同意なく第三者に提供する"
    "ことはありません。";

static const struct ffield contact_form[] = {
	{ KEY_R_NAME, "お名前", FK_TEXT, 1, NULL, NULL, 0, 50,
	  "例：山口 太郎", NULL, FO_NONE, NULL, "name" },
	{ KEY_R_EMAIL, "Eメール", FK_EMAIL, 1, NULL, NULL, 0, 254,
	  "回答と受付の確認をこのアドレスにお送りします。"
	  "例：taro@example.jp", NULL, FO_NONE, NULL, "email" },
	{ KEY_R_EMAIL2, "Eメール（確認用）", FK_EMAIL, 1, NULL,
	  form_check_email2, 0, 254, "確認のため、もう一度入力してください。",
	  NULL, FO_NONE, NULL, "email" },
	{ KEY_R_TEL, "電話番号", FK_TEL, 0, NULL, NULL, 0, 20,
	  "お電話での連絡を希望される場合に、市外局番から入力してください"
	  "（任意）。例：083-922-0000", NULL, FO_NONE, NULL, "tel" },
	{ KEY_CT_CATEGORY, "お問い合わせの種類", FK_SELECT, 1, NULL, NULL, 0,
	  0, NULL, NULL, FO_STATIC, category_opts, NULL },
	{ KEY_CT_MESSAGE, "お問い合わせ内容", FK_TEXTAREA, 1, NULL, NULL, 0,
	  2000, "2000文字以内で入力してください。", NULL, FO_NONE, NULL,
	  NULL },
	{ KEY_CT_AGREE, "個人情報の取り扱いに同意する", FK_AGREE, 1, NULL,
	  NULL, 0, 0, NULL, privacy_notice, FO_NONE, NULL, NULL },
};

static int
contact_show_form(struct ctx *ctx, struct form *fm, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/supernet/contact");
	return flow_show(ctx, ta, v, "contact", "お問い合わせ：入力",
	    errors && fm->nerr > 0);
}

/* Every value, again as hidden fields, and a fresh idempotency key. */
static int
contact_show_confirm(struct ctx *ctx, struct form *fm)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	char		 idem[SESS_HEX + 1];

	crypto_token_hex(idem, SESS_HEX / 2);
	tv_set_str(v, "idem", idem);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	form_url(ctx, v, "action", "/supernet/contact");
	return flow_show(ctx, ta, v, "contact_confirm",
	    "お問い合わせ：入力内容の確認", 0);
}

static int
contact_show_done(struct ctx *ctx)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	return flow_show(ctx, ta, v, "contact_done",
	    "お問い合わせ：送信が完了しました", 0);
}

static int
contact_show_limited(struct ctx *ctx)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	form_url(ctx, v, "action", "/supernet/contact");
	return flow_show(ctx, ta, v, "contact_message",
	    "お問い合わせ：送信できませんでした", 0);
}

/* The time of the request in Japan, "YYYY-MM-DD HH:MM", appended. */
static void
put_jst(struct buf *b, long long now)
{
	struct tm	 tm;
	time_t		 t = (time_t)(now + 9 * 3600);

	if (gmtime_r(&t, &tm) == NULL)
		return;
	buf_printf(b, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/*
 * Queue the two mails of an inquiry in the caller's transaction: the
 * content to the center, answerable by Reply-To, and the auto-reply
 * quoting it to the sender.  Typed values go into bodies only.  Anyone
 * can type any address, so one address gets at most ADDR_PER_WINDOW
 * auto-replies a day: the form cannot be used to mail a stranger
 * repeatedly.  1 ok, 0 error.
 */
static int
contact_mails(struct ctx *ctx, struct form *fm)
{
	struct buf	 body, subj;
	const char	*cat, *email, *tel;
	char		 bucket[BUCKET_MAX], hex[BIDX_SZ * 2 + 1];
	unsigned char	 bidx[BIDX_SZ];
	char		*lower = NULL;
	size_t		 i;
	int		 r, rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&subj, OUTBOX_SUBJECT_MAX);
	email = form_val(fm, KEY_R_EMAIL);
	tel = form_val(fm, KEY_R_TEL);
	cat = form_label(fm, form_find(fm, KEY_CT_CATEGORY),
	    form_val(fm, KEY_CT_CATEGORY));
	if (cat == NULL || !sess_keys(ctx))
		goto out;

	buf_printf(&body, "スーパーネットのお問い合わせフォームから、"
	    "お問い合わせがありました。\n"
	    "このメールに返信すると、お問い合わせいただいた方に届きます。\n\n"
	    "受付日時：");
	put_jst(&body, ctx->now);
	buf_printf(&body, "\nお問い合わせの種類：%s\nお名前：%s\n"
	    "Eメール：%s\n電話番号：%s\n\nお問い合わせ内容：\n", cat,
	    form_val(fm, KEY_R_NAME), email, *tel != '\0' ? tel : "（なし）");
	put_lines(&body, form_val(fm, KEY_CT_MESSAGE), "");
	buf_printf(&subj, "【スーパーネット】お問い合わせ（%s）", cat);
	if (!buf_ok(&body) || !buf_ok(&subj))
		goto out;
	if (!flow_mail_reply(ctx, "contact_center", ctx->cfg->center_supernet,
	    email, NULL, buf_str(&subj), buf_str(&body)))
		goto out;

	if ((lower = text_normalize(email)) == NULL)
		goto out;
	crypto_bidx(ctx->keys, "email", lower, bidx);
	sodium_bin2hex(hex, sizeof(hex), bidx, 16);
	snprintf(bucket, sizeof(bucket), "contact_to:%s", hex);
	if ((r = flow_rate(ctx, bucket, ADDR_WINDOW, ADDR_PER_WINDOW)) <= 0) {
		rc = r == 0;	/* the center has it; no auto-reply */
		goto out;
	}
	buf_reset(&body);
	buf_printf(&body, "%s 様\n\n"
	    "山口県県民活動スーパーネット（やまぐち県民活動支援センター）への"
	    "お問い合わせを、次の内容で受け付けました。\n"
	    "内容を確認のうえ、担当者からご連絡します。回答までに数日かかる"
	    "ことがあります。\n\n"
	    "お問い合わせの種類：%s\nお問い合わせ内容：\n",
	    form_val(fm, KEY_R_NAME), cat);
	put_lines(&body, form_val(fm, KEY_CT_MESSAGE), "> ");
	buf_puts(&body, "\nこのメールにお心当たりのない場合は、お手数ですが"
	    "削除してください。\n"
	    "\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n");
	if (!buf_ok(&body) || !flow_mail(ctx, "contact_autoreply", email,
	    "【スーパーネット】お問い合わせを受け付けました", buf_str(&body)))
		goto out;
	rc = 1;
out:
	for (i = 0; i < body.len; i++)
		body.p[i] = '\0';
	free(lower);
	buf_free(&body);
	buf_free(&subj);
	return rc;
}

/*
 * The final POST: the rate limit of the client, both mails, an audit
 * row without personal data and the idempotency key in one
 * transaction; a replayed key shows the done page and sends nothing.
 */
static int
contact_submit(struct ctx *ctx, struct form *fm, const char *idem)
{
	char		 bucket[BUCKET_MAX];
	struct buf	 res, detail;
	int		 r, rc = 0, began = 0;

	buf_init(&res, 256);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = contact_show_done(ctx);
		goto out;
	}
	client_bucket(ctx, "contact", bucket);
	if ((r = flow_rate(ctx, bucket, RATE_WINDOW, CONTACT_PER_WINDOW)) < 0)
		goto out;
	if (r == 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = contact_show_limited(ctx);
		goto out;
	}
	buf_printf(&detail, "category=%s", form_val(fm, KEY_CT_CATEGORY));
	if (!contact_mails(ctx, fm) || !buf_ok(&detail) ||
	    !flow_audit(ctx, "contact", "contact", 0, buf_str(&detail)) ||
	    !form_idem_put(ctx, idem, "contact") || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = contact_show_done(ctx);
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&res);
	buf_free(&detail);
	return rc;
}

/*
 * /supernet/contact: GET shows the form; each POST names its step:
 * confirm (the form sent), edit (「修正する」), submit (「送信する」).
 */
int
contact_form_page(struct ctx *ctx)
{
	struct form	 fm;
	struct buf	 done;
	const char	*step, *idem = NULL;
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&done, 256);
	if (!form_init(&fm, ctx, contact_form, KENMIN_NELEM(contact_form),
	    NULL))
		goto out;
	step = flow_body(ctx, KEY_F_STEP);
	if (ctx->req.env.method != METHOD_POST || step == NULL) {
		rc = contact_show_form(ctx, &fm, 0);
		goto out;
	}
	form_read(&fm);
	if (strcmp(step, "edit") == 0) {
		rc = contact_show_form(ctx, &fm, 0);
		goto out;
	}
	if (strcmp(step, "submit") == 0) {
		/* A replay shows the same done page before any rule runs. */
		if ((r = form_submit_key(ctx, &idem, &done, &rc)) < 0)
			goto out;
		if (r > 0) {
			rc = contact_show_done(ctx);
			goto out;
		}
	} else if (strcmp(step, "confirm") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(&fm)) {
		rc = contact_show_form(ctx, &fm, 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0)
		rc = contact_show_confirm(ctx, &fm);
	else
		rc = contact_submit(ctx, &fm, idem);
out:
	buf_free(&done);
	form_free(&fm);
	return rc;
}

/* ---- the newsletters: subscribe and unsubscribe (A-10, A-26) ---- */

/* One newsletter list and the words of its pages and mails. */
struct nlist {
	const char	*list;		/* subscriber.list */
	const char	*name;		/* the newsletter */
	const char	*site;		/* the site, for headings */
	const char	*tag;		/* 【…】 of the subjects */
	const char	*sub_path;
	const char	*unsub_path;
};

static const struct nlist nlists[] = {
	{ "supernet", "さぽーとメール", "山口県県民活動スーパーネット",
	  "【スーパーネット】", "/supernet/subscribe", "/supernet/unsubscribe" },
	{ "aikasa", "あいかさねっと メールマガジン", "あいかさねっと",
	  "【あいかさねっと】", "/aikasa/subscribe", "/aikasa/unsubscribe" },
};

static const struct ffield nl_form[] = {
	{ KEY_R_EMAIL, "Eメール", FK_EMAIL, 1, NULL, NULL, 0, 254,
	  "確認のメールをこのアドレスにお送りします。例：taro@example.jp",
	  NULL, FO_NONE, NULL, "email" },
};

static const char nl_link_invalid[] =
    "このURLは使えません。すでに手続きが済んでいるか、有効期限"
    "（24時間）が過ぎているか、URLが途中で切れています。お手数ですが、"
    "もう一度フォームから手続きしてください。";

/* The list of the page being served. */
static const struct nlist *
nl_of(const struct ctx *ctx)
{
	if (ctx->page == &pages[PAGE_AK_SUBSCRIBE] ||
	    ctx->page == &pages[PAGE_AK_UNSUBSCRIBE])
		return &nlists[1];
	return &nlists[0];
}

/* The address form (unsub: the unsubscribe one). */
static int
nl_show_form(struct ctx *ctx, const struct nlist *nl, int unsub,
    struct form *fm, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 h;
	int		 rc;

	buf_init(&h, 512);
	buf_printf(&h, "%s 配信の%s", nl->name, unsub ? "停止" : "申し込み");
	tv_set_str(v, "heading", buf_str(&h));
	tv_set_str(v, "name", nl->name);
	tv_set_bool(v, "unsub", unsub);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", unsub ? nl->unsub_path : nl->sub_path);
	form_url(ctx, v, "other_url", unsub ? nl->sub_path : nl->unsub_path);
	rc = flow_show(ctx, ta, v, "subscribe", buf_str(&h),
	    errors && fm->nerr > 0);
	buf_free(&h);
	return rc;
}

/*
 * A screen of one heading and one message (sent, refused, done,
 * invalid link), with a way back to the form of the list.
 */
static int
nl_show_message(struct ctx *ctx, const struct nlist *nl, int unsub,
    const char *heading, const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", heading);
	tv_set_str(v, "message", message);
	tv_set_str(v, "site", nl->site);
	tv_set_bool(v, "aikasa", nl == &nlists[1]);
	form_url(ctx, v, "form_url", unsub ? nl->unsub_path : nl->sub_path);
	return flow_show(ctx, ta, v, "subscribe_message", heading, 0);
}

/* The page a mailed link opens: one button, nothing changed yet. */
static int
nl_show_link(struct ctx *ctx, const struct nlist *nl, int unsub,
    const char *tok)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 h;
	int		 rc;

	buf_init(&h, 512);
	buf_printf(&h, "%s 配信の%s", nl->name, unsub ? "停止" : "申し込み");
	tv_set_str(v, "heading", buf_str(&h));
	tv_set_str(v, "name", nl->name);
	tv_set_bool(v, "unsub", unsub);
	tv_set_str(v, "token", tok);
	form_url(ctx, v, "action", unsub ? nl->unsub_path : nl->sub_path);
	rc = flow_show(ctx, ta, v, "subscribe_link", buf_str(&h), 0);
	buf_free(&h);
	return rc;
}

/*
 * Queue the mail of a request for email on list nl: the link (tok) to
 * confirm the subscription or its stop, or (tok NULL) the notice that
 * the address already receives the newsletter.  1 ok, 0 error.
 */
static int
nl_mail(struct ctx *ctx, const struct nlist *nl, int unsub,
    const char *email, const char *tok)
{
	struct buf	 body, subj;
	int		 rc;

	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&subj, OUTBOX_SUBJECT_MAX);
	if (tok == NULL) {
		buf_printf(&body, "%sの配信の申し込みがありましたが、このメール"
		    "アドレスにはすでに配信しています。お手続きは不要です。\n\n"
		    "配信を停止したい場合は、次のページから手続きしてください。\n",
		    nl->name);
		flow_abs_url(ctx, &body, nl->unsub_path);
		buf_printf(&subj, "%s%sのお申し込みについて", nl->tag,
		    nl->name);
	} else {
		buf_printf(&body, "%sの%sを受け付けました。\n"
		    "手続きを完了するには、次のURLを開き、表示された画面の"
		    "「%s」ボタンを押してください。\n\n", nl->name,
		    unsub ? "配信停止の手続き" : "配信のお申し込み",
		    unsub ? "配信を停止する" : "配信を申し込む");
		flow_abs_url(ctx, &body, unsub ? nl->unsub_path :
		    nl->sub_path);
		buf_printf(&body, "?t=%s\n\nこのURLの有効期限は24時間で、"
		    "一度だけ使えます。\n", tok);
		buf_printf(&subj, "%s%sの配信%sの確認", nl->tag, nl->name,
		    unsub ? "停止" : "申し込み");
	}
	buf_printf(&body, "\nこのメールにお心当たりのない場合は、何もせずに"
	    "削除してください。配信の設定が変わることはありません。\n"
	    "\n-- \n%s（やまぐち県民活動支援センター）\n", nl->site);
	rc = buf_ok(&body) && buf_ok(&subj) && flow_mail(ctx, tok == NULL ?
	    "newsletter_already" : unsub ? "newsletter_unsubscribe" :
	    "newsletter_subscribe", email, buf_str(&subj), buf_str(&body));
	sodium_memzero(body.p, body.len);
	buf_free(&body);
	buf_free(&subj);
	return rc;
}

/*
 * Handle a valid address in the caller's transaction.  Subscribe: a
 * new address becomes a pending row; pending or stopped ones get a
 * link, active ones a notice.  Unsubscribe: pending or active ones get
 * a link, others nothing.  At most ADDR_PER_WINDOW mails per address,
 * list, direction and day; beyond that nothing is sent.  The caller answers the
 * same either way.  1 ok, 0 error.
 */
static int
nl_request(struct ctx *ctx, const struct nlist *nl, int unsub,
    const char *email)
{
	char		 tok[SESS_HEX + 1], bucket[BUCKET_MAX], state[16];
	char		 hex[BIDX_SZ * 2 + 1];
	unsigned char	 bidx[BIDX_SZ];
	char		*lower = NULL;
	struct buf	 ct, detail;
	sqlite3_stmt	*st;
	int64_t		 id = 0;
	int		 r, send, rc = 0;

	buf_init(&ct, 4096);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	state[0] = '\0';
	if ((lower = text_normalize(email)) == NULL)
		goto out;
	crypto_bidx(ctx->keys, "email", lower, bidx);
	if ((st = db_prep(ctx->db, sql[STMT_SUB_FIND])) == NULL)
		goto out;
	db_bind_text(st, 1, nl->list);
	db_bind_blob(st, 2, bidx, sizeof(bidx));
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r > 0) {
		id = sqlite3_column_int64(st, 0);
		snprintf(state, sizeof(state), "%s", db_col_text(st, 1));
		sqlite3_reset(st);
	}
	send = unsub ? strcmp(state, "pending") == 0 ||
	    strcmp(state, "active") == 0 : 1;
	if (send) {
		sodium_bin2hex(hex, sizeof(hex), bidx, 16);
		snprintf(bucket, sizeof(bucket), "nl_addr:%s:%s:%s",
		    unsub ? "stop" : "start", nl->list, hex);
		if ((r = flow_rate(ctx, bucket, ADDR_WINDOW,
		    ADDR_PER_WINDOW)) < 0)
			goto out;
		send = r;
	}
	if (send && id == 0) {
		if ((st = db_prep(ctx->db, sql[STMT_SUB_ADD])) == NULL)
			goto out;
		db_bind_text(st, 1, nl->list);
		db_bind_blob(st, 2, bidx, sizeof(bidx));
		db_bind_int(st, 3, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
		id = db_last_id(ctx->db);
		if ((st = db_prep(ctx->db, sql[STMT_SUB_SEAL])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		if (!flow_bind_sealed(ctx, st, 2, "subscriber", "email_ct", id,
		    email, &ct) || !db_run(ctx->db, st))
			goto out;
		snprintf(state, sizeof(state), "pending");
	}
	if (send && !unsub && strcmp(state, "active") == 0) {
		if (!nl_mail(ctx, nl, 0, email, NULL))
			goto out;
	} else if (send) {
		if (!flow_token_new(ctx, unsub ? "unsubscribe" : "subscribe",
		    "subscriber", id, NL_TTL, NULL, tok))
			goto out;
		r = nl_mail(ctx, nl, unsub, email, tok);
		sodium_memzero(tok, sizeof(tok));
		if (!r)
			goto out;
	}
	buf_printf(&detail, "list=%s sent=%d", nl->list, send);
	if (!buf_ok(&detail) || !flow_audit(ctx, unsub ?
	    "nl_unsubscribe_request" : "nl_subscribe_request", "subscriber",
	    id, buf_str(&detail)))
		goto out;
	rc = 1;
out:
	buf_free(&ct);
	buf_free(&detail);
	free(lower);
	return rc;
}

/* The address form's POST: validate, limit the client, mail. */
static int
nl_send(struct ctx *ctx, const struct nlist *nl, int unsub)
{
	struct form	 fm;
	char		 bucket[BUCKET_MAX];
	int		 r, rc = 0, began = 0;

	memset(&fm, 0, sizeof(fm));
	if (!form_init(&fm, ctx, nl_form, KENMIN_NELEM(nl_form), NULL))
		goto out;
	form_read(&fm);
	if (!form_validate(&fm)) {
		rc = nl_show_form(ctx, nl, unsub, &fm, 1);
		goto out;
	}
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	client_bucket(ctx, "newsletter", bucket);
	if ((r = flow_rate(ctx, bucket, RATE_WINDOW, NL_PER_WINDOW)) < 0)
		goto out;
	if (r == 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = nl_show_message(ctx, nl, unsub, "送信できませんでした",
		    "短い時間に何度も手続きが送信されたため、受け付けできません"
		    "でした。すでに届いているメールをご確認いただくか、1時間ほど"
		    "たってから、もう一度お試しください。");
		goto out;
	}
	if (!nl_request(ctx, nl, unsub, form_val(&fm, KEY_R_EMAIL)) ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = nl_show_message(ctx, nl, unsub, "確認メールを送信しました",
	    unsub ? "入力されたメールアドレスが配信先に登録されている場合は、"
	    "配信停止の手続きのためのメールをお送りしました。メールに記載"
	    "されたURLを24時間以内に開き、表示された画面で「配信を停止する」"
	    "を押してください。メールが届かない場合は、迷惑メールフォルダも"
	    "ご確認ください。" :
	    "入力されたメールアドレスに、確認のためのメールをお送りしました。"
	    "メールに記載されたURLを24時間以内に開き、表示された画面で"
	    "「配信を申し込む」を押すと、配信が始まります。メールが届かない"
	    "場合は、迷惑メールフォルダもご確認ください。");
out:
	if (began)
		db_rollback(ctx->db);
	form_free(&fm);
	return rc;
}

/*
 * The POST of a link: use the token and set the row's state, in one
 * transaction.  1 done, 0 if the token is not usable here, -1 error.
 */
static int
nl_apply(struct ctx *ctx, const struct nlist *nl, int unsub, const char *tok)
{
	const char	*purpose = unsub ? "unsubscribe" : "subscribe";
	char		 kind[32];
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 r, rc = -1, began = 0;

	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		return -1;
	began = 1;
	if ((r = flow_token_get(ctx, purpose, tok, kind, sizeof(kind), &id,
	    NULL)) <= 0 || strcmp(kind, "subscriber") != 0) {
		rc = r < 0 ? -1 : 0;
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_SUB_STATE])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, nl->list);
	db_bind_text(st, 3, unsub ? "stopped" : "active");
	db_bind_int(st, 4, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (db_changes(ctx->db) != 1) {
		/* Another list's link: leave its token unused. */
		rc = 0;
		goto out;
	}
	if ((r = flow_token_use(ctx, purpose, tok)) != 1) {
		rc = r < 0 ? -1 : 0;
		goto out;
	}
	if (!flow_audit(ctx, unsub ? "nl_unsubscribe" : "nl_subscribe",
	    "subscriber", id, nl->list) || !db_commit(ctx->db))
		goto out;
	began = 0;
	rc = 1;
out:
	if (began)
		db_rollback(ctx->db);
	return rc;
}

/*
 * One handler for the four pages.  Without a token: the address form
 * (GET) and its POST.  With ?t= (the mailed link): GET shows one button
 * and changes nothing; the POST acts.  The unsubscribe pages
 * skip the dispatcher's CSRF check to take RFC 8058's one-click POST
 * (body "List-Unsubscribe=One-Click", token in the URL, no cookies):
 * the token alone authorises that one; any other POST is checked here.
 */
static int
nl_page(struct ctx *ctx, int unsub)
{
	const struct nlist	*nl = nl_of(ctx);
	const struct kfield	*f;
	const char		*tok, *oc;
	struct form		 fm;
	char			 kind[32];
	int64_t			 id;
	int			 post, oneclick, r, rc = 0;

	post = ctx->req.env.method == METHOD_POST;
	f = post ? req_get(&ctx->req, KSRC_BODY, KEY_TOKEN) : NULL;
	if (f == NULL)
		f = req_get(&ctx->req, KSRC_QUERY, KEY_TOKEN);
	tok = f != NULL ? f->val : NULL;
	oc = post ? flow_body(ctx, KEY_CT_ONECLICK) : NULL;
	oneclick = unsub && tok != NULL && oc != NULL &&
	    strcmp(oc, "One-Click") == 0;
	if (post && unsub && !oneclick && !sess_csrf_ok(ctx))
		return page_error(ctx, 403);

	if (tok == NULL && (f = req_get_invalid(&ctx->req, post ? KSRC_BODY :
	    KSRC_QUERY, KEY_TOKEN)) != NULL)
		return nl_show_message(ctx, nl, unsub, "URLが正しくありません",
		    nl_link_invalid);
	if (tok == NULL && post && flow_body(ctx, KEY_F_STEP) != NULL)
		return nl_send(ctx, nl, unsub);
	if (tok == NULL) {
		memset(&fm, 0, sizeof(fm));
		if (form_init(&fm, ctx, nl_form, KENMIN_NELEM(nl_form), NULL))
			rc = nl_show_form(ctx, nl, unsub, &fm, 0);
		form_free(&fm);
		return rc;
	}
	if (!post) {
		if ((r = flow_token_get(ctx, unsub ? "unsubscribe" :
		    "subscribe", tok, kind, sizeof(kind), &id, NULL)) < 0)
			return 0;
		if (r == 0 || strcmp(kind, "subscriber") != 0)
			return nl_show_message(ctx, nl, unsub,
			    "URLが正しくありません", nl_link_invalid);
		return nl_show_link(ctx, nl, unsub, tok);
	}
	if ((r = nl_apply(ctx, nl, unsub, tok)) < 0)
		return 0;
	if (r == 0)
		return nl_show_message(ctx, nl, unsub, "URLが正しくありません",
		    nl_link_invalid);
	return nl_show_message(ctx, nl, unsub, unsub ?
	    "配信を停止しました" : "配信の申し込みが完了しました", unsub ?
	    "メールマガジンの配信を停止しました。これまでのご購読、"
	    "ありがとうございました。" :
	    "メールマガジンの配信を開始します。次の号から、登録された"
	    "メールアドレスにお届けします。");
}

/* /supernet/subscribe, /aikasa/subscribe */
int
contact_subscribe(struct ctx *ctx)
{
	return nl_page(ctx, 0);
}

/* /supernet/unsubscribe, /aikasa/unsubscribe (also List-Unsubscribe) */
int
contact_unsubscribe(struct ctx *ctx)
{
	return nl_page(ctx, 1);
}
