/*
 * apply.c: あいかさねっと 参加申込 and 問い合わせ to a group's posting
 * (R183-R189), by a logged-in member or by a mailed one-click token
 * (A-17, R182), the group's 参加要請 to a volunteer member (R190-R191),
 * and the staff page that counts them without showing them.
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
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define TEXT_MAX	((size_t)16 * 1024)	/* one column shown or mailed */
#define MAIL_BODY_MAX	((size_t)32 * 1024)
#define RATE_WINDOW	(24 * 60 * 60)	/* seconds of one send budget */
#define RATE_MAX	20		/* sends per member per window */
#define IDEM_MAX	128		/* bytes of application.idem_key */

/* The three kinds of record, as application.kind names them. */
enum akind {
	AK_APPLY,
	AK_INQUIRY,
	AK_REQUEST,
	AK__MAX
};

static const struct kinfo {
	const char	*kind;		/* application.kind */
	const char	*path;		/* the page */
	const char	*heading;	/* h1 and title */
	const char	*mail;		/* template of the mail to the addressee */
	const char	*subject;
	const char	*receipt;	/* template of the sender's copy */
	const char	*rsubject;
	const char	*done;		/* the done page's message */
} kinfo[AK__MAX] = {
	{ "apply", "/aikasa/apply", "ボランティアへの参加申込", "ak_apply",
	  "【あいかさねっと】ボランティア参加の申し込みがありました",
	  "ak_apply_receipt",
	  "【あいかさねっと】ボランティア参加の申し込みを送信しました",
	  "参加の申し込みを募集団体に送信しました。確認のメールをお送り"
	  "しましたので、団体からの連絡をお待ちください。" },
	{ "inquiry", "/aikasa/inquire", "ボランティア募集への問い合わせ",
	  "ak_inquiry",
	  "【あいかさねっと】ボランティア募集への問い合わせがありました",
	  "ak_inquiry_receipt",
	  "【あいかさねっと】ボランティア募集への問い合わせを送信しました",
	  "問い合わせを募集団体に送信しました。確認のメールをお送り"
	  "しましたので、団体からの回答をお待ちください。" },
	{ "request", "/aikasa/request", "会員への問い合わせ（参加要請）",
	  "ak_request",
	  "【あいかさねっと】団体からボランティア参加の問い合わせが届きました",
	  "ak_request_receipt",
	  "【あいかさねっと】会員への問い合わせを送信しました",
	  "問い合わせを会員に送信しました。確認のメールをお送り"
	  "しましたので、会員からの連絡をお待ちください。" },
};

enum stmt {
	STMT_POSTING,
	STMT_MEMBER,
	STMT_IDEM,
	STMT_ADD,
	STMT_SEAL,
	STMT_MONTHS,
	STMT_POSTINGS,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_POSTING: visible as generator/extern.h AK_P_* define it */
	"SELECT p.title, p.org_name, p.member_id, "
	"coalesce(p.activity_when, ''), coalesce(p.place, ''), "
	"coalesce(p.apply_from, ''), coalesce(p.apply_until, ''), p.anytime, "
	"p.state = 'public' AND m.state = 'public' AND m.status = 'active', "
	"(p.apply_from IS NULL OR p.apply_from <= d.today) AND NOT "
	"(p.closed = 1 OR (p.anytime = 0 AND p.apply_until IS NOT NULL AND "
	"p.apply_until < d.today)) "
	"FROM posting p JOIN member m ON m.id = p.member_id, "
	"(SELECT date(?2, 'unixepoch', '+9 hours') AS today) d "
	"WHERE p.id = ?1",
	/* STMT_MEMBER */
	"SELECT m.type, m.state, m.status, m.wants_join, "
	"coalesce(m.org_name, ''), coalesce(m.rep_name, ''), "
	"coalesce(mu.name, ''), m.name_ct, m.email_ct, m.tel_ct "
	"FROM member m LEFT JOIN m_municipality mu ON mu.id = m.muni_id "
	"WHERE m.id = ?1",
	/* STMT_IDEM */
	"SELECT 1 FROM application WHERE idem_key = ?1",
	/* STMT_ADD: the row first, the sealed body bound to its id */
	"INSERT INTO application (kind, posting_id, from_member_id, "
	"to_member_id, idem_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* STMT_SEAL */
	"UPDATE application SET body_ct = ?2 WHERE id = ?1",
	/* STMT_MONTHS: counts only */
	"SELECT strftime('%Y-%m', created_at, 'unixepoch', '+9 hours') AS ym, "
	"sum(kind = 'apply'), sum(kind = 'inquiry'), sum(kind = 'request') "
	"FROM application GROUP BY ym ORDER BY ym DESC LIMIT 60",
	/* STMT_POSTINGS */
	"SELECT p.id, p.title, sum(a.kind = 'apply'), "
	"sum(a.kind = 'inquiry') FROM application a JOIN posting p "
	"ON p.id = a.posting_id GROUP BY p.id ORDER BY p.id DESC LIMIT 500",
};

/* One member as a sender or an addressee; the sealed values opened. */
struct party {
	int64_t		 id;
	char		 type[16];
	int		 verified;	/* past メールアドレス確認 */
	int		 published;	/* public and active */
	int		 active;
	int		 joins;		/* wants to volunteer */
	struct buf	 name;		/* 氏名, or the organisation's name */
	struct buf	 org;
	struct buf	 rep;
	struct buf	 muni;
	struct buf	 email;
	struct buf	 tel;
};

struct posting {
	int64_t		 id;
	int64_t		 group;		/* member id of the group */
	int		 visible;
	int		 recruiting;	/* started, not ended */
	struct buf	 title;
	struct buf	 org;
	struct buf	 when;
	struct buf	 place;
	struct buf	 period;
};

static const struct ffield apply_form[] = {
	{ KEY_AP_MESSAGE, "メッセージ", FK_TEXTAREA, 0, NULL, NULL, 0, 2000,
	  "団体に伝えたいことがあれば入力してください（任意、2000文字以内）。",
	  NULL, FO_NONE, NULL, NULL },
};

static const struct ffield inquire_form[] = {
	{ KEY_AP_MESSAGE, "問い合わせ内容", FK_TEXTAREA, 1, NULL, NULL, 0,
	  2000, "2000文字以内で入力してください。", NULL, FO_NONE, NULL, NULL },
};

static const char msg_token[] =
    "このURLは無効か、有効期限が過ぎています。募集が終了した可能性が"
    "あります。あいかさねっとにログインして、募集情報をご確認ください。";
static const char msg_posting[] =
    "ご指定のボランティア募集は見つかりませんでした。公開が終了した"
    "可能性があります。";
static const char msg_closed[] =
    "このボランティア募集は、現在は受け付けていません（募集期間の前か、"
    "募集が終了しています）。";
static const char msg_own[] =
    "ご自身の団体のボランティア募集には、参加の申し込みや問い合わせは"
    "できません。";
static const char msg_account[] =
    "現在の会員の状態では送信できません（休止中・退会済み・利用停止中、"
    "またはメールアドレスの確認が済んでいません）。";
static const char msg_rate[] =
    "送信の回数が上限（1日20件）に達しました。お手数ですが、明日以降に"
    "もう一度お試しください。";
static const char msg_sent[] =
    "すでに送信済みです。同じ内容を二重に送信しないよう、今回の送信は"
    "行いませんでした。";

static void
party_init(struct party *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->name, TEXT_MAX);
	buf_init(&p->org, TEXT_MAX);
	buf_init(&p->rep, TEXT_MAX);
	buf_init(&p->muni, TEXT_MAX);
	buf_init(&p->email, TEXT_MAX);
	buf_init(&p->tel, TEXT_MAX);
}

/* Free p, its personal data overwritten first. */
static void
party_free(struct party *p)
{
	struct buf	*b[] = { &p->name, &p->email, &p->tel };
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(b); i++)
		if (b[i]->p != NULL)
			sodium_memzero(b[i]->p, b[i]->len);
	buf_free(&p->name);
	buf_free(&p->org);
	buf_free(&p->rep);
	buf_free(&p->muni);
	buf_free(&p->email);
	buf_free(&p->tel);
}

static void
posting_init(struct posting *po)
{
	memset(po, 0, sizeof(*po));
	buf_init(&po->title, TEXT_MAX);
	buf_init(&po->org, TEXT_MAX);
	buf_init(&po->when, TEXT_MAX);
	buf_init(&po->place, TEXT_MAX);
	buf_init(&po->period, TEXT_MAX);
}

static void
posting_free(struct posting *po)
{
	buf_free(&po->title);
	buf_free(&po->org);
	buf_free(&po->when);
	buf_free(&po->place);
	buf_free(&po->period);
}

/*
 * Load member id into p (sealed columns opened): 1 ok, 0 no such
 * member, -1 error.
 */
static int
load_party(struct ctx *ctx, int64_t id, struct party *p)
{
	sqlite3_stmt	*st;
	const char	*state;
	int		 r, ok;

	p->id = id;
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_MEMBER])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	snprintf(p->type, sizeof(p->type), "%s", db_col_text(st, 0));
	state = db_col_text(st, 1);
	p->verified = strcmp(state, "unverified") != 0;
	p->active = strcmp(db_col_text(st, 2), "active") == 0;
	p->published = strcmp(state, "public") == 0 && p->active;
	p->joins = strcmp(p->type, "group") != 0 ||
	    sqlite3_column_int(st, 3) == 1;
	buf_puts(&p->org, db_col_text(st, 4));
	buf_puts(&p->rep, db_col_text(st, 5));
	buf_puts(&p->muni, db_col_text(st, 6));
	ok = flow_col_open(ctx, st, 8, "member", "email_ct", id, &p->email) &&
	    flow_col_open(ctx, st, 9, "member", "tel_ct", id, &p->tel);
	if (ok && strcmp(p->type, "individual") == 0)
		ok = flow_col_open(ctx, st, 7, "member", "name_ct", id,
		    &p->name);
	else
		buf_puts(&p->name, buf_str(&p->org));
	sqlite3_reset(st);
	if (!ok) {
		kerr("member %lld: sealed columns do not open", (long long)id);
		return -1;
	}
	return buf_ok(&p->name) && buf_ok(&p->email) && buf_ok(&p->tel) ?
	    1 : -1;
}

/* Load posting id into po: 1 ok, 0 no such posting, -1 error. */
static int
load_posting(struct ctx *ctx, int64_t id, struct posting *po)
{
	sqlite3_stmt	*st;
	int		 r;

	po->id = id;
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_POSTING])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	buf_puts(&po->title, db_col_text(st, 0));
	buf_puts(&po->org, db_col_text(st, 1));
	po->group = sqlite3_column_int64(st, 2);
	buf_puts(&po->when, db_col_text(st, 3));
	buf_puts(&po->place, db_col_text(st, 4));
	if (sqlite3_column_int(st, 7))
		buf_puts(&po->period, "随時");
	else
		buf_printf(&po->period, "%s～%s", db_col_text(st, 5),
		    db_col_text(st, 6));
	po->visible = sqlite3_column_int(st, 8);
	po->recruiting = po->visible && sqlite3_column_int(st, 9);
	sqlite3_reset(st);
	return 1;
}

/* A page that only says why (status 200, 403 or 404). */
static int
show_message(struct ctx *ctx, int status, const char *heading,
    const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	ctx->resp.status = status;
	tv_set_bool(v, "mypage", ctx->sess != NULL &&
	    ctx->sess->principal == PRINC_MEMBER);
	tv_set_str(v, "heading", heading);
	tv_set_str(v, "message", message);
	return flow_show(ctx, ta, v, "apply_done", heading, 0);
}

/* The value of key k in the query (GET) or body (POST), or NULL. */
static const struct kfield *
arg(const struct ctx *ctx, enum key k)
{
	return req_get(&ctx->req, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, k);
}

/*
 * Send an anonymous visitor to the login page and back to path with
 * ?NAME=id.  1 ok.
 */
static int
to_login(struct ctx *ctx, const char *path, const char *name, int64_t id)
{
	struct buf	 b;
	const char	*p;
	int		 rc;

	buf_init(&b, 2048);
	buf_puts(&b, "/login?next=");
	for (p = path; *p != '\0'; p++)
		if (*p == '/')
			buf_puts(&b, "%2F");
		else
			buf_putc(&b, *p);
	if (id > 0)
		buf_printf(&b, "%%3F%s%%3D%lld", name, (long long)id);
	rc = buf_ok(&b) && resp_redirect(&ctx->resp, ctx->cfg, buf_str(&b));
	buf_free(&b);
	return rc;
}

/* Push {label, value} onto list. */
static void
row(struct tval *list, const char *label, const char *value)
{
	struct tval	*o = tv_push_obj(list);

	tv_set_str(o, "label", label);
	tv_set_str(o, "value", value);
}

/* What the addressee will receive, as rows (the page shows them). */
static void
sent_rows(struct tarena *ta, struct tval *v, enum akind k,
    const struct party *from)
{
	struct tval	*l = tv_list(ta);

	if (k == AK_REQUEST) {
		row(l, "団体名", buf_str(&from->org));
		if (from->rep.len > 0)
			row(l, "代表者名", buf_str(&from->rep));
	} else
		row(l, strcmp(from->type, "individual") == 0 ? "氏名" :
		    "団体・企業名", buf_str(&from->name));
	row(l, "Eメール", buf_str(&from->email));
	if (k != AK_INQUIRY)
		row(l, "電話番号", from->tel.len > 0 ? buf_str(&from->tel) :
		    "（登録なし）");
	tv_set(v, "sent", l);
}

/* The posting's summary (or the addressee's, for a request). */
static void
summary_vars(struct tarena *ta, struct tval *v, const struct posting *po,
    const struct party *to)
{
	struct tval	*l = tv_list(ta);
	struct buf	 b;

	if (po != NULL) {
		row(l, "募集タイトル", buf_str(&po->title));
		row(l, "募集主体", buf_str(&po->org));
		if (po->when.len > 0)
			row(l, "活動日時", buf_str(&po->when));
		if (po->place.len > 0)
			row(l, "活動場所", buf_str(&po->place));
		row(l, "募集期間", buf_str(&po->period));
		tv_set_str(v, "summary_caption", "ボランティア募集の概要");
	} else {
		buf_init(&b, 64);
		buf_printf(&b, "%lld", (long long)to->id);
		row(l, "会員番号", buf_str(&b));
		buf_free(&b);
		row(l, "種類", strcmp(to->type, "group") == 0 ? "団体" :
		    strcmp(to->type, "company") == 0 ? "企業" : "個人");
		if (strcmp(to->type, "individual") != 0)
			row(l, "名称", buf_str(&to->org));
		if (to->muni.len > 0)
			row(l, "市町", buf_str(&to->muni));
		tv_set_str(v, "summary_caption", "問い合わせ先の会員");
	}
	tv_set(v, "summary", l);
}

/*
 * The form: the summary, what will be sent and the message box.  With
 * tok (the one-click link) the page has one 「送信する」 button that
 * submits at once; else 「入力内容を確認する」 leads to the confirm page.
 */
static int
show_form(struct ctx *ctx, struct form *fm, enum akind k,
    const struct posting *po, const struct party *from,
    const struct party *to, const char *tok, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	char		 idem[SESS_HEX + 1];
	struct buf	 b;
	int		 rc;

	buf_init(&b, 256);
	tv_set_str(v, "heading", kinfo[k].heading);
	summary_vars(ta, v, po, to);
	sent_rows(ta, v, k, from);
	tv_set_bool(v, "request", k == AK_REQUEST);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", kinfo[k].path);
	if (tok != NULL) {
		crypto_token_hex(idem, SESS_HEX / 2);
		tv_set_str(v, "token", tok);
		tv_set_str(v, "idem", idem);
	} else if (po != NULL)
		tv_set_int(v, "posting", po->id);
	else
		tv_set_int(v, "member", to->id);
	buf_printf(&b, "%s：入力", kinfo[k].heading);
	rc = flow_show(ctx, ta, v, "apply_form", buf_str(&b),
	    errors && fm->nerr > 0);
	buf_free(&b);
	return rc;
}

/* The confirmation page (logged-in flows): every value, hidden again. */
static int
show_confirm(struct ctx *ctx, struct form *fm, enum akind k,
    const struct posting *po, const struct party *from,
    const struct party *to)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	char		 idem[SESS_HEX + 1];
	struct buf	 b;
	int		 rc;

	buf_init(&b, 256);
	crypto_token_hex(idem, SESS_HEX / 2);
	tv_set_str(v, "heading", kinfo[k].heading);
	tv_set_str(v, "idem", idem);
	summary_vars(ta, v, po, to);
	sent_rows(ta, v, k, from);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	form_url(ctx, v, "action", kinfo[k].path);
	if (po != NULL)
		tv_set_int(v, "posting", po->id);
	else
		tv_set_int(v, "member", to->id);
	buf_printf(&b, "%s：入力内容の確認", kinfo[k].heading);
	rc = flow_show(ctx, ta, v, "apply_confirm", buf_str(&b), 0);
	buf_free(&b);
	return rc;
}

static const char sig[] =
    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n";

/*
 * The record's sealed body, the mail to the addressee (BCC the
 * center) and the sender's copy.  In the caller's transaction.
 */
static int
store_and_mail(struct ctx *ctx, enum akind k, int64_t id,
    const struct posting *po, const struct party *from,
    const struct party *to, const char *msg)
{
	struct buf	 rec, body, ct;
	sqlite3_stmt	*st;
	const char	*toname;
	int		 rc = 0;

	buf_init(&rec, MAIL_BODY_MAX);
	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&ct, MAIL_BODY_MAX + 1024);

	/* The stored record: who, how to reach them, what they wrote. */
	buf_printf(&rec, "name=%s\nemail=%s\ntel=%s\nmessage=%s\n",
	    buf_str(&from->name), buf_str(&from->email), buf_str(&from->tel),
	    msg);
	if (!buf_ok(&rec) || (st = db_prep(ctx->db, sql[STMT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!flow_bind_sealed(ctx, st, 2, "application", "body_ct", id,
	    buf_str(&rec), &ct) || !db_run(ctx->db, st))
		goto out;

	toname = k == AK_REQUEST ? buf_str(&to->name) : buf_str(&po->org);
	if (k == AK_REQUEST) {
		buf_printf(&body, "%s 様\n\n"
		    "あいかさねっとの団体会員から、ボランティアへの参加について"
		    "問い合わせが届きました。\n"
		    "ご関心があれば、下記の連絡先へ直接ご連絡ください（この"
		    "メールに返信すると、団体に届きます）。\n\n"
		    "団体名：%s\n", toname, buf_str(&from->org));
		if (from->rep.len > 0)
			buf_printf(&body, "代表者名：%s\n", buf_str(&from->rep));
		if (from->muni.len > 0)
			buf_printf(&body, "市町：%s\n", buf_str(&from->muni));
		buf_printf(&body, "Eメール：%s\n電話番号：%s\n\n"
		    "問い合わせ内容：\n%s\n", buf_str(&from->email),
		    from->tel.len > 0 ? buf_str(&from->tel) : "（登録なし）",
		    msg);
	} else {
		buf_printf(&body, "%s 御中\n\n"
		    "あいかさねっとに掲載中のボランティア募集に、%sがありました。\n"
		    "下記の方へ直接ご連絡ください（このメールに返信すると、"
		    "送信した方に届きます）。\n\n"
		    "募集：%s（募集番号 %lld）\n\n"
		    "氏名：%s\nEメール：%s\n", toname,
		    k == AK_APPLY ? "参加の申し込み" : "問い合わせ",
		    buf_str(&po->title), (long long)po->id,
		    buf_str(&from->name), buf_str(&from->email));
		if (k == AK_APPLY)
			buf_printf(&body, "電話番号：%s\n\nメッセージ：\n%s\n",
			    from->tel.len > 0 ? buf_str(&from->tel) :
			    "（登録なし）", *msg != '\0' ? msg : "（なし）");
		else
			buf_printf(&body, "\n問い合わせ内容：\n%s\n", msg);
	}
	buf_puts(&body, "\nこのメールは、あいかさねっと"
	    "（やまぐち県民活動支援センター）にも送信されています。\n");
	buf_puts(&body, sig);
	if (!buf_ok(&body))
		goto out;
	/* To the group (or the member asked), Reply-To the sender. */
	if (!flow_mail_reply(ctx, kinfo[k].mail, buf_str(&to->email),
	    buf_str(&from->email), "aikasa", kinfo[k].subject,
	    buf_str(&body)))
		goto out;

	/* The sender's copy. */
	sodium_memzero(body.p, body.len);
	buf_reset(&body);
	buf_printf(&body, "%s 様\n\n", buf_str(&from->name));
	if (k == AK_REQUEST)
		buf_printf(&body, "あいかさねっとの会員（会員番号 %lld）に、"
		    "次の内容で問い合わせを送信しました。会員からの連絡を"
		    "お待ちください。\n\n問い合わせ内容：\n%s\n",
		    (long long)to->id, msg);
	else
		buf_printf(&body, "次のボランティア募集に%sを送信しました。"
		    "募集団体からの連絡をお待ちください。\n\n"
		    "募集：%s（募集番号 %lld）\n募集主体：%s\n\n%s：\n%s\n",
		    k == AK_APPLY ? "参加の申し込み" : "問い合わせ",
		    buf_str(&po->title), (long long)po->id, buf_str(&po->org),
		    k == AK_APPLY ? "メッセージ" : "問い合わせ内容",
		    *msg != '\0' ? msg : "（なし）");
	buf_puts(&body, "\nお心当たりのない場合は、あいかさねっと"
	    "（やまぐち県民活動支援センター）までご連絡ください。\n");
	buf_puts(&body, sig);
	if (!buf_ok(&body) || !flow_mail(ctx, kinfo[k].receipt,
	    buf_str(&from->email), kinfo[k].rsubject, buf_str(&body)))
		goto out;
	rc = 1;
out:
	if (rec.p != NULL)
		sodium_memzero(rec.p, rec.len);
	if (body.p != NULL)
		sodium_memzero(body.p, body.len);
	buf_free(&rec);
	buf_free(&body);
	buf_free(&ct);
	return rc;
}

/* What a submit came to. */
enum sres {
	SRES_DONE,		/* stored and queued */
	SRES_REPLAY,		/* the idempotency key was used */
	SRES_RATE,		/* over the daily budget */
	SRES_ERROR,
	SRES__MAX
};

/*
 * One transaction: the idempotency check, the rate limit, the row,
 * its sealed body, the mails and the audit row (no personal data).
 */
static enum sres
submit(struct ctx *ctx, enum akind k, const struct posting *po,
    const struct party *from, const struct party *to, const char *msg,
    const char *idem, const char *via)
{
	struct buf	 d;
	sqlite3_stmt	*st;
	enum sres	 rc = SRES_ERROR;
	char		 bucket[64];
	int64_t		 id;
	int		 r, began = 0;

	buf_init(&d, AUDIT_DETAIL_MAX);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((st = db_prep(ctx->db, sql[STMT_IDEM])) == NULL)
		goto out;
	db_bind_text(st, 1, idem);
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r > 0) {
		sqlite3_reset(st);
		rc = SRES_REPLAY;
		goto out;
	}
	snprintf(bucket, sizeof(bucket), "application:%lld",
	    (long long)from->id);
	if ((r = flow_rate(ctx, bucket, RATE_WINDOW, RATE_MAX)) <= 0) {
		if (r == 0)
			rc = SRES_RATE;
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_ADD])) == NULL)
		goto out;
	db_bind_text(st, 1, kinfo[k].kind);
	if (po != NULL)
		db_bind_int(st, 2, po->id);
	else
		db_bind_text(st, 2, NULL);
	db_bind_int(st, 3, from->id);
	if (po == NULL)
		db_bind_int(st, 4, to->id);
	else
		db_bind_text(st, 4, NULL);
	db_bind_text(st, 5, idem);
	db_bind_int(st, 6, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	id = db_last_id(ctx->db);
	if (!store_and_mail(ctx, k, id, po, from, to, msg))
		goto out;
	buf_printf(&d, "kind=%s via=%s from=%lld", kinfo[k].kind, via,
	    (long long)from->id);
	if (po != NULL)
		buf_printf(&d, " posting=%lld", (long long)po->id);
	else
		buf_printf(&d, " to=%lld", (long long)to->id);
	if (!buf_ok(&d) || !flow_audit(ctx, kinfo[k].kind, "application", id,
	    buf_str(&d)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	/* Committed: the mails go now, or with cron's next run. */
	spawn_gen(ctx->cfg, "mail");
	rc = SRES_DONE;
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&d);
	return rc;
}

/* The answer to a submit's result; tokmode says a replay was a token's. */
static int
show_result(struct ctx *ctx, enum akind k, enum sres r, int tokmode)
{
	switch (r) {
	case SRES_DONE:
		return show_message(ctx, 200, "送信しました", kinfo[k].done);
	case SRES_REPLAY:
		return tokmode ? show_message(ctx, 200, "すでに送信済みです",
		    msg_sent) : show_message(ctx, 200, "送信しました",
		    kinfo[k].done);
	case SRES_RATE:
		return show_message(ctx, 403, "送信できません", msg_rate);
	default:
		return 0;
	}
}

/*
 * The idempotency key of a one-click send: one apply and one inquiry
 * per token, whatever the form carried.
 */
static void
token_idem(const char *tok, enum akind k, char *out, size_t outsz)
{
	unsigned char	 h[32];
	char		 hex[65];

	sess_sha256(tok, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, outsz, "t:%s:%s", hex, kinfo[k].kind);
}

/*
 * The one-click token of the request: 1 with its posting and member, 0
 * if invalid or expired, -1 on error.
 */
static int
one_click(struct ctx *ctx, const char *tok, int64_t *posting,
    int64_t *member)
{
	struct buf	 payload;
	char		 kind[16];
	long long	 m;
	int		 r;

	buf_init(&payload, 1024);
	r = flow_token_get(ctx, "one_click", tok, kind, sizeof(kind), posting,
	    &payload);
	if (r > 0 && (strcmp(kind, "posting") != 0 ||
	    strncmp(buf_str(&payload), "member=", 7) != 0 ||
	    !util_strtoll(buf_str(&payload) + 7, 1, INT64_MAX, &m)))
		r = 0;
	if (r > 0)
		*member = (int64_t)m;
	buf_free(&payload);
	return r;
}

/*
 * /aikasa/apply and /aikasa/inquire: who sends (the session's member or
 * the token's), which posting, the rules, then the steps.
 */
static int
posting_flow(struct ctx *ctx, enum akind k)
{
	const struct kfield	*f;
	const char		*tok = NULL, *step, *idem;
	char			 key[IDEM_MAX];
	struct posting		 po;
	struct party		 from, to;
	struct form		 fm;
	int64_t			 pid = 0, mid;
	int			 r, post, rc = 0;

	post = ctx->req.env.method == METHOD_POST;
	posting_init(&po);
	party_init(&from);
	party_init(&to);
	memset(&fm, 0, sizeof(fm));
	if ((f = arg(ctx, KEY_TOKEN)) != NULL)
		tok = f->val;
	if (tok != NULL || req_get_invalid(&ctx->req, post ? KSRC_BODY :
	    KSRC_QUERY, KEY_TOKEN) != NULL) {
		if (tok == NULL || (r = one_click(ctx, tok, &pid, &mid)) == 0) {
			rc = show_message(ctx, 404, "URLが無効です", msg_token);
			goto out;
		}
		if (r < 0)
			goto out;
	} else {
		f = arg(ctx, KEY_AP_POSTING);
		pid = f != NULL ? (int64_t)f->ival : 0;
		if (ctx->sess == NULL) {
			rc = to_login(ctx, kinfo[k].path, "posting", pid);
			goto out;
		}
		if (ctx->sess->principal != PRINC_MEMBER) {
			rc = page_error(ctx, 403);
			goto out;
		}
		mid = ctx->sess->pid;
	}
	if ((r = pid > 0 ? load_posting(ctx, pid, &po) : 0) < 0)
		goto out;
	if (r == 0 || !po.visible) {
		rc = show_message(ctx, 404, "募集情報が見つかりません",
		    msg_posting);
		goto out;
	}
	if ((r = load_party(ctx, mid, &from)) < 0)
		goto out;
	if (r == 0 || !from.verified || !from.active || from.email.len == 0) {
		rc = show_message(ctx, 403, "送信できません", msg_account);
		goto out;
	}
	if (mid == po.group) {
		rc = show_message(ctx, 403, "送信できません", msg_own);
		goto out;
	}
	if (!po.recruiting) {
		rc = show_message(ctx, 403, "受付期間外です", msg_closed);
		goto out;
	}
	if ((r = load_party(ctx, po.group, &to)) <= 0 || to.email.len == 0) {
		kerr("posting %lld: the group has no address", (long long)pid);
		goto out;
	}
	if (k == AK_APPLY ? !form_init(&fm, ctx, apply_form,
	    KENMIN_NELEM(apply_form), NULL) : !form_init(&fm, ctx,
	    inquire_form, KENMIN_NELEM(inquire_form), NULL))
		goto out;
	if (!post) {
		rc = show_form(ctx, &fm, k, &po, &from, NULL, tok, 0);
		goto out;
	}
	step = flow_body(ctx, KEY_F_STEP);
	form_read(&fm);
	if (step == NULL || (tok != NULL && strcmp(step, "submit") != 0)) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (strcmp(step, "edit") == 0) {
		rc = show_form(ctx, &fm, k, &po, &from, NULL, tok, 0);
		goto out;
	}
	if (strcmp(step, "confirm") != 0 && strcmp(step, "submit") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(&fm)) {
		rc = show_form(ctx, &fm, k, &po, &from, NULL, tok, 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0) {
		rc = show_confirm(ctx, &fm, k, &po, &from, NULL);
		goto out;
	}
	if (tok != NULL)
		token_idem(tok, k, key, sizeof(key));
	else {
		if ((f = req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM)) == NULL) {
			rc = page_error(ctx, 400);
			goto out;
		}
		idem = f->val;
		snprintf(key, sizeof(key), "f:%s", idem);
	}
	rc = show_result(ctx, k, submit(ctx, k, &po, &from, &to,
	    form_val(&fm, KEY_AP_MESSAGE), key, tok != NULL ? "token" :
	    "login"), tok != NULL);
out:
	form_free(&fm);
	posting_free(&po);
	party_free(&from);
	party_free(&to);
	return rc;
}

/* /aikasa/apply: 参加する (R183, R188). */
int
apply_apply(struct ctx *ctx)
{
	return posting_flow(ctx, AK_APPLY);
}

/* /aikasa/inquire: 問い合わせる (R186, R189). */
int
apply_inquire(struct ctx *ctx)
{
	return posting_flow(ctx, AK_INQUIRY);
}

/*
 * /aikasa/request?member=ID: a published group asks a public member
 * who volunteers (R190, R191); anyone else is told it is for groups.
 */
int
apply_request(struct ctx *ctx)
{
	const struct kfield	*f;
	const char		*step;
	char			 key[IDEM_MAX];
	struct party		 from, to;
	struct form		 fm;
	int64_t			 mid;
	int			 r, rc = 0;

	party_init(&from);
	party_init(&to);
	memset(&fm, 0, sizeof(fm));
	f = arg(ctx, KEY_AP_MEMBER);
	mid = f != NULL ? (int64_t)f->ival : 0;
	if (ctx->sess == NULL) {
		rc = to_login(ctx, kinfo[AK_REQUEST].path, "member", mid);
		goto out;
	}
	if (ctx->sess->principal != PRINC_MEMBER) {
		rc = page_error(ctx, 403);
		goto out;
	}
	if ((r = load_party(ctx, ctx->sess->pid, &from)) < 0)
		goto out;
	if (r == 0 || strcmp(from.type, "group") != 0) {
		rc = show_message(ctx, 403, "団体の会員専用の機能です",
		    "会員への問い合わせ（ボランティアへの参加のお願い）は、"
		    "団体の会員としてログインしている場合にだけ送信できます。");
		goto out;
	}
	if (!from.published) {
		rc = show_message(ctx, 403, "送信できません",
		    "団体の登録情報が公開されてから、会員への問い合わせを"
		    "送信できます。");
		goto out;
	}
	if (mid == from.id) {
		rc = show_message(ctx, 403, "送信できません",
		    "ご自身には問い合わせを送信できません。");
		goto out;
	}
	if ((r = mid > 0 ? load_party(ctx, mid, &to) : 0) < 0)
		goto out;
	if (r == 0 || !to.published || !to.joins || to.email.len == 0) {
		rc = show_message(ctx, 404, "会員が見つかりません",
		    "ご指定の会員は見つからないか、現在はボランティアへの参加"
		    "を受け付けていません。");
		goto out;
	}
	if (from.email.len == 0) {
		rc = show_message(ctx, 403, "送信できません", msg_account);
		goto out;
	}
	if (!form_init(&fm, ctx, inquire_form, KENMIN_NELEM(inquire_form),
	    NULL))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		rc = show_form(ctx, &fm, AK_REQUEST, NULL, &from, &to, NULL, 0);
		goto out;
	}
	step = flow_body(ctx, KEY_F_STEP);
	form_read(&fm);
	if (step != NULL && strcmp(step, "edit") == 0) {
		rc = show_form(ctx, &fm, AK_REQUEST, NULL, &from, &to, NULL, 0);
		goto out;
	}
	if (step == NULL || (strcmp(step, "confirm") != 0 &&
	    strcmp(step, "submit") != 0)) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(&fm)) {
		rc = show_form(ctx, &fm, AK_REQUEST, NULL, &from, &to, NULL, 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0) {
		rc = show_confirm(ctx, &fm, AK_REQUEST, NULL, &from, &to);
		goto out;
	}
	if ((f = req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM)) == NULL) {
		rc = page_error(ctx, 400);
		goto out;
	}
	snprintf(key, sizeof(key), "f:%s", f->val);
	rc = show_result(ctx, AK_REQUEST, submit(ctx, AK_REQUEST, NULL, &from,
	    &to, form_val(&fm, KEY_AP_MESSAGE), key, "login"), 0);
out:
	form_free(&fm);
	party_free(&from);
	party_free(&to);
	return rc;
}

/* /admin/applications: how many, per month and kind, per posting. */
int
apply_admin(struct ctx *ctx)
{
	struct tarena	*ta;
	struct tval	*v, *months, *postings, *o;
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx))
		return 0;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	months = tv_list(ta);
	postings = tv_list(ta);
	if ((st = db_prep(ctx->db, sql[STMT_MONTHS])) == NULL)
		goto fail;
	while ((r = db_row(ctx->db, st)) > 0) {
		o = tv_push_obj(months);
		tv_set_str(o, "month", db_col_text(st, 0));
		tv_set_int(o, "apply", sqlite3_column_int64(st, 1));
		tv_set_int(o, "inquiry", sqlite3_column_int64(st, 2));
		tv_set_int(o, "request", sqlite3_column_int64(st, 3));
	}
	if (r < 0 || (st = db_prep(ctx->db, sql[STMT_POSTINGS])) == NULL)
		goto fail;
	while ((r = db_row(ctx->db, st)) > 0) {
		o = tv_push_obj(postings);
		tv_set_int(o, "id", sqlite3_column_int64(st, 0));
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_set_int(o, "apply", sqlite3_column_int64(st, 2));
		tv_set_int(o, "inquiry", sqlite3_column_int64(st, 3));
	}
	if (r < 0)
		goto fail;
	tv_set(v, "months", months);
	tv_set(v, "postings", postings);
	tv_set_bool(v, "has_months", tv_len(months) > 0);
	tv_set_bool(v, "has_postings", tv_len(postings) > 0);
	return flow_show(ctx, ta, v, "apply_admin",
	    "参加申込・問い合わせの件数", 0);
fail:
	tarena_free(ta);
	return 0;
}

#ifdef KENMIN_TEST
/*
 * formsvc-test.cgi --test-token POSTING MEMBER TTL: make the one-click
 * token generator/matching.c mails (docs/forms/apply.md), print it.
 * The test build only; never reachable from a request.
 */
int
apply_test_token(int argc, char *argv[])
{
	struct config	 cfg;
	struct ctx	 ctx;
	struct buf	 pl;
	char		 tok[SESS_HEX + 1];
	long long	 posting, member, ttl;
	int		 rc = 1;

	if (argc != 5 || !util_strtoll(argv[2], 1, INT64_MAX, &posting) ||
	    !util_strtoll(argv[3], 1, INT64_MAX, &member) ||
	    !util_strtoll(argv[4], -1000000000LL, 1000000000LL, &ttl)) {
		fprintf(stderr, "usage: --test-token POSTING MEMBER TTL\n");
		return 2;
	}
	memset(&ctx, 0, sizeof(ctx));
	memset(&cfg, 0, sizeof(cfg));
	buf_init(&pl, 128);
	if (!config_load(&cfg, config_locate(NULL)))
		goto out;
	ctx.cfg = &cfg;
	ctx.now = (long long)time(NULL);
	buf_printf(&pl, "member=%lld", member);
	if (!sess_db(&ctx) || !sess_keys(&ctx) || !db_begin(ctx.db))
		goto out;
	if (!flow_token_new(&ctx, "one_click", "posting", posting, ttl,
	    buf_str(&pl), tok) || !db_commit(ctx.db)) {
		db_rollback(ctx.db);
		goto out;
	}
	printf("%s\n", tok);
	rc = 0;
out:
	buf_free(&pl);
	sess_close(&ctx);
	config_free(&cfg);
	return rc;
}
#endif
