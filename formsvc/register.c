/*
 * register.c: あいかさねっと member registration, step 1 (紙4 rows
 * 1-18): the terms, the form, the confirmation page and the submit that
 * stores an unverified member and mails a verification link; then the
 * link's page, whose POST verifies the address (R150-R154, R445).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark-gfm.h>
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

#define VERIFY_TTL	(24 * 60 * 60)	/* seconds a verification link lives */
#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define ADULT_AGE	18		/* A-06 */

enum mtype {
	MT_INDIVIDUAL,
	MT_GROUP,
	MT_COMPANY,
	MT__MAX
};

static const char *const mtype_names[MT__MAX] = {
	"individual", "group", "company" };
static const char *const mtype_labels[MT__MAX] = { "個人", "団体", "企業" };

enum stmt {
	STMT_LOGIN_USED,
	STMT_INSERT,
	STMT_SEAL,
	STMT_TOK_GET,
	STMT_TOK_USE,
	STMT_VERIFY,
	STMT_MEMBER,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_LOGIN_USED */
	"SELECT 1 FROM member WHERE login_key = ?1",
	/* STMT_INSERT */
	"INSERT INTO member (type, state, login_id, login_key, pw_hash, "
	"email_bidx, group_class_id, company_category_id, org_name, org_kana, "
	"rep_name, minor_consent, rep_title, pref_id, muni_id, wants_recruit, "
	"wants_join, requirements_ok, gender, minor_flag, created_at, "
	"updated_at) VALUES (?1, 'unverified', ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	"?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)",
	/* STMT_SEAL */
	"UPDATE member SET email_ct = ?2, name_ct = ?3, kana_ct = ?4, "
	"tel_ct = ?5, birth_ct = ?6 WHERE id = ?1",
	/* STMT_TOK_GET */
	"SELECT subject_id, used_at IS NOT NULL, expires_at FROM token "
	"WHERE hash = ?1 AND purpose = 'verify_email' AND "
	"subject_kind = 'member'",
	/* STMT_TOK_USE */
	"UPDATE token SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL "
	"AND expires_at > ?2",
	/* STMT_VERIFY: メールアドレス確認待ち -> 下書 (詳細登録待ち, A-52) */
	"UPDATE member SET email_verified_at = ?2, state = 'draft', "
	"updated_at = ?2 WHERE id = ?1 AND state = 'unverified'",
	/* STMT_MEMBER */
	"SELECT type, login_id, email_ct, name_ct, org_name FROM member "
	"WHERE id = ?1",
};

/* Shared with snreg.c (紙3 #4 carries the same notice). */
const char reg_minors_notice[] =
    "（未成年者の方へ）親権者など保護者の同意を得たうえで、本サイトの"
    "会員登録及び利用を行ってください。また、本サイトを利用し、"
    "ボランティアに参加する際には、親権者など保護者の同意を得て"
    "申し込んでください。※未成年者からの申込みであって、親権者など"
    "保護者の同意を得ていると判断できない場合は、本サイトの利用停止、"
    "又は会員資格の取消しを行うことがございます。ご注意ください。";

static const struct fopt type_opts[] = {
	{ "individual", "個人" },
	{ "group", "団体" },
	{ "company", "企業" },
	{ NULL, NULL },
};

static const struct fopt gender_opts[] = {
	{ "male", "男性" },
	{ "female", "女性" },
	{ "unanswered", "回答しない" },
	{ NULL, NULL },
};

static const struct fopt role_opts[] = {
	{ "recruit", "ボランティアを募集する" },
	{ "join", "ボランティアに参加する" },
	{ NULL, NULL },
};

static int
is_ind(const struct form *fm)
{
	return *(const enum mtype *)fm->arg == MT_INDIVIDUAL;
}

static int
is_grp(const struct form *fm)
{
	return *(const enum mtype *)fm->arg == MT_GROUP;
}

static int
is_com(const struct form *fm)
{
	return *(const enum mtype *)fm->arg == MT_COMPANY;
}

static int
is_org(const struct form *fm)
{
	return *(const enum mtype *)fm->arg != MT_INDIVIDUAL;
}

/* A-38: A-Z a-z 0-9 . _ - @ (the length was checked before). */
static void
check_login(struct form *fm, size_t i)
{
	const char	*p;

	for (p = form_val(fm, KEY_LOGIN_ID); *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-@", *p) != NULL)) {
			form_error(fm, i, "ログインIDに使えるのは、半角英数字と"
			    "「.」「_」「-」「@」だけです。");
			return;
		}
}

static void
check_pw2(struct form *fm, size_t i)
{
	if (strcmp(form_val(fm, KEY_R_PASSWORD),
	    form_val(fm, KEY_R_PASSWORD2)) != 0)
		form_error(fm, i, "確認のために入力したパスワードが一致しません。");
}

void
reg_check_kana(struct form *fm, size_t i)
{
	if (!text_is_hiragana(form_val(fm, fm->fields[i].key)))
		form_error(fm, i, "%sはひらがなで入力してください。",
		    fm->fields[i].label);
}

/* A-04: 山口県 ⇒ one of the 19 市町; any other prefecture ⇒ 山口県外. */
void
reg_check_muni(struct form *fm, size_t i)
{
	const char	*pref, *muni;
	size_t		 pi;

	if ((pi = form_find(fm, KEY_R_PREF)) == fm->fieldsz ||
	    fm->v[pi].err != NULL ||
	    (pref = form_label(fm, pi, form_val(fm, KEY_R_PREF))) == NULL)
		return;
	if ((muni = form_label(fm, i, form_val(fm, KEY_R_MUNI))) == NULL)
		return;
	if (strcmp(pref, "山口県") == 0 && strcmp(muni, "山口県外") == 0)
		form_error(fm, i, "都道府県が山口県の場合は、市町を19市町から"
		    "選択してください。");
	else if (strcmp(pref, "山口県") != 0 && strcmp(muni, "山口県外") != 0)
		form_error(fm, i, "都道府県が山口県以外の場合は、市町は"
		    "「山口県外」を選択してください。");
}

/* Today in Japan as YYYYMMDD. */
static long long
today_jst(long long now)
{
	struct tm	 tm;
	time_t		 t = (time_t)(now + 9 * 3600);

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (long long)(tm.tm_year + 1900) * 10000 +
	    (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* YYYY-MM-DD (already valid) as YYYYMMDD. */
static long long
ymd(const char *s)
{
	long long	 y, m, d;

	if (strlen(s) != 10 || !util_strtoll((char[5]){ s[0], s[1], s[2],
	    s[3], '\0' }, 0, 9999, &y) || !util_strtoll((char[3]){ s[5], s[6],
	    '\0' }, 0, 99, &m) || !util_strtoll((char[3]){ s[8], s[9], '\0' },
	    0, 99, &d))
		return 0;
	return y * 10000 + m * 100 + d;
}

static void
check_birth(struct form *fm, size_t i)
{
	if (ymd(form_val(fm, KEY_R_BIRTH)) > today_jst(fm->ctx->now))
		form_error(fm, i, "生年月日に未来の日付は入力できません。");
}

/* 紙4 #18 (and 紙3 #38): every requirement ticked, or no registration. */
void
reg_check_reqs(struct form *fm, size_t i)
{
	size_t	 j;

	for (j = 0; j < fm->v[i].optsz; j++)
		if (!form_has(fm, KEY_R_REQS, fm->v[i].opts[j].value)) {
			form_error(fm, i, "登録要件のすべての項目を確認し、"
			    "チェックを入れてください。");
			return;
		}
}

/* The terms page's one field. */
static const struct ffield type_form[] = {
	{ KEY_R_TYPE, "登録の種類", FK_RADIO, 1, NULL, NULL, 0, 0,
	  "個人・団体・企業のいずれかを選んでください。", NULL, FO_STATIC,
	  type_opts, NULL },
};

/* Step 1 of the registration, 紙4 rows 1-18 (#17 files: later). */
static const struct ffield reg_form[] = {
	{ KEY_LOGIN_ID, "ログインID", FK_TEXT, 1, NULL, check_login, 4, 64,
	  "半角英数字と「.」「_」「-」「@」で4～64文字。大文字と小文字は"
	  "区別しません。", NULL, FO_NONE, NULL, "username" },
	{ KEY_R_PASSWORD, "パスワード", FK_PASSWORD, 1, NULL, NULL, 8, 128,
	  "8～128文字。どの文字も使えます。", NULL, FO_NONE, NULL,
	  "new-password" },
	{ KEY_R_PASSWORD2, "パスワード（確認用）", FK_PASSWORD, 1, NULL,
	  check_pw2, 0, 128, "確認のため、もう一度入力してください。", NULL,
	  FO_NONE, NULL, "new-password" },
	{ KEY_R_NAME, "氏名", FK_TEXT, 1, is_ind, NULL, 0, 50,
	  "例：山口 太郎", NULL, FO_NONE, NULL, "name" },
	{ KEY_R_KANA, "ふりがな", FK_TEXT, 1, is_ind, reg_check_kana, 0,
	  100, "ひらがなで入力してください。例：やまぐち たろう", NULL, FO_NONE,
	  NULL, NULL },
	{ KEY_R_GCLASS, "団体の分類", FK_SELECT, 1, is_grp, NULL, 0, 0, NULL,
	  NULL, FO_GROUP_CLASS, NULL, NULL },
	{ KEY_R_CCAT, "企業の分類", FK_SELECT, 1, is_com, NULL, 0, 0, NULL,
	  NULL, FO_COMPANY_CAT, NULL, NULL },
	{ KEY_R_ORG, "団体名", FK_TEXT, 1, is_grp, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORG, "企業名", FK_TEXT, 1, is_com, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORGKANA, "団体名ふりがな", FK_TEXT, 1, is_grp,
	  reg_check_kana, 0, 200, "ひらがなで入力してください。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_ORGKANA, "企業名ふりがな", FK_TEXT, 1, is_com,
	  reg_check_kana, 0, 200, "ひらがなで入力してください。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_REP, "代表者名", FK_TEXT, 1, is_org, NULL, 0, 50, NULL, NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_REPAGREE, "上記に同意する", FK_AGREE, 1, is_org, NULL, 0, 0,
	  NULL, reg_minors_notice, FO_NONE, NULL, NULL },
	{ KEY_R_TITLE, "役職名", FK_TEXT, 1, is_org, NULL, 0, 50,
	  "代表者の役職名。例：代表理事", NULL, FO_NONE, NULL,
	  "organization-title" },
	{ KEY_R_PREF, "都道府県", FK_SELECT, 1, NULL, NULL, 0, 0, NULL, NULL,
	  FO_PREF, NULL, NULL },
	{ KEY_R_MUNI, "市町", FK_SELECT, 1, NULL, reg_check_muni, 0, 0,
	  "山口県以外の方は「山口県外」を選んでください。", NULL, FO_MUNI,
	  NULL, NULL },
	{ KEY_R_TEL, "電話番号", FK_TEL, 1, NULL, NULL, 0, 20,
	  "市外局番から。例：083-922-0000", NULL, FO_NONE, NULL, "tel" },
	{ KEY_R_EMAIL, "Eメール", FK_EMAIL, 1, NULL, NULL, 0, 254,
	  "確認のメールをお送りします。例：taro@example.jp", NULL, FO_NONE,
	  NULL, "email" },
	{ KEY_R_EMAIL2, "Eメール（確認用）", FK_EMAIL, 1, NULL, form_check_email2,
	  0, 254, "確認のため、もう一度入力してください。", NULL, FO_NONE,
	  NULL, "email" },
	{ KEY_R_GENDER, "性別", FK_SELECT, 1, is_ind, NULL, 0, 0, NULL, NULL,
	  FO_STATIC, gender_opts, NULL },
	{ KEY_R_BIRTH, "生年月日", FK_DATE, 1, is_ind, check_birth, 0, 10,
	  "例：2000-04-01", NULL, FO_NONE, NULL, "bday" },
	{ KEY_R_BIRTHAGREE, "上記に同意する", FK_AGREE, 1, is_ind, NULL, 0,
	  0, NULL, reg_minors_notice, FO_NONE, NULL, NULL },
	{ KEY_R_ROLES, "ボランティアの募集・参加", FK_CHECKS, 0, is_grp, NULL,
	  0, 0, "当てはまるものすべてにチェックを入れてください（任意）。",
	  NULL, FO_STATIC, role_opts, NULL },
	{ KEY_R_REQS, "登録要件", FK_CHECKS, 1, is_grp, reg_check_reqs, 0, 0,
	  "すべての項目にチェックが入っていないと登録できません。", NULL,
	  FO_REQ_AIKASA, NULL, NULL },
};

/* The member type the body names, or MT__MAX. */
static enum mtype
body_type(const struct ctx *ctx)
{
	const char	*s;
	int		 i;

	if ((s = flow_body(ctx, KEY_R_TYPE)) == NULL)
		return MT__MAX;
	for (i = 0; i < MT__MAX; i++)
		if (strcmp(s, mtype_names[i]) == 0)
			return (enum mtype)i;
	return MT__MAX;
}

/* The hand-over token of the request (query for GET, body for POST). */
static const char *
handover_tok(const struct ctx *ctx)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, KEY_SN_HANDOVER);
	return f != NULL ? f->val : NULL;
}

/*
 * The terms page (R150) with the type choice and 「同意する」; fm holds
 * the choice and its error after a failed agree, or is NULL.
 */
static int
show_terms(struct ctx *ctx, struct form *fm, const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct form	 own;
	const char	*ho;
	enum mtype	 none = MT__MAX;
	int		 errors, rc = 0;

	memset(&own, 0, sizeof(own));
	/* A hand-over from スーパーネット (?handover=, A-36) goes along. */
	ho = handover_tok(ctx);
	if (fm == NULL) {
		if (!form_init(&own, ctx, type_form,
		    KENMIN_NELEM(type_form), &none))
			goto out;
		fm = &own;
		if (ho != NULL && snreg_handover(ctx, ho, 0, fm) != 1)
			ho = NULL;
	}
	if (!flow_page_md(ctx, v, "aikasa", "terms", "terms_title", "terms"))
		goto out;
	if (message != NULL)
		tv_set_str(v, "message", message);
	if (ho != NULL)
		tv_set_str(v, "handover", ho);
	errors = fm->nerr > 0;
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/aikasa/register");
	rc = flow_show(ctx, ta, v, "register_terms",
	    "あいかさねっと 会員登録：利用規約",
	    errors);
	ta = NULL;
out:
	tarena_free(ta);
	form_free(&own);
	return rc;
}

/*
 * The registration form; errors shows fm's messages and the summary,
 * note (may be NULL) what a hand-over filled in.
 */
static int
show_form(struct ctx *ctx, struct form *fm, enum mtype t, int errors,
    const char *note)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	int		 rc;

	buf_init(&b, 256);
	if (note != NULL)
		tv_set_str(v, "note", note);
	buf_printf(&b, "あいかさねっと 会員登録（%s）", mtype_labels[t]);
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_str(v, "mtype", mtype_names[t]);
	tv_set_str(v, "type_label", mtype_labels[t]);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/aikasa/register");
	form_url(ctx, v, "terms_url", "/aikasa/register");
	buf_reset(&b);
	buf_printf(&b, "あいかさねっと 会員登録（%s）：入力", mtype_labels[t]);
	rc = flow_show(ctx, ta, v, "register", buf_str(&b),
	    errors && fm->nerr > 0);
	buf_free(&b);
	return rc;
}

/*
 * The confirmation page (JIS 3.3.4): every value, the values again as
 * hidden fields, the password sealed, and a fresh idempotency key.
 */
static int
show_confirm(struct ctx *ctx, struct form *fm, enum mtype t)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 seal, b;
	char		 idem[SESS_HEX + 1];
	int		 rc = 0;

	buf_init(&seal, 8192);
	buf_init(&b, 256);
	if (!form_seal_pw(ctx, form_val(fm, KEY_R_PASSWORD), &seal)) {
		tarena_free(ta);
		goto out;
	}
	crypto_token_hex(idem, SESS_HEX / 2);
	buf_printf(&b, "あいかさねっと 会員登録（%s）", mtype_labels[t]);
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_str(v, "mtype", mtype_names[t]);
	tv_set_str(v, "type_label", mtype_labels[t]);
	tv_set_str(v, "pwseal", buf_str(&seal));
	tv_set_str(v, "idem", idem);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	form_url(ctx, v, "action", "/aikasa/register");
	buf_reset(&b);
	buf_printf(&b, "あいかさねっと 会員登録（%s）：入力内容の確認",
	    mtype_labels[t]);
	rc = flow_show(ctx, ta, v, "register_confirm", buf_str(&b), 0);
out:
	buf_free(&seal);
	buf_free(&b);
	return rc;
}

/*
 * The page after a submit, also for a replayed idempotency key; ho (a
 * group's or company's hand-over token, R220) offers スーパーネット.
 */
static int
show_done(struct ctx *ctx, const char *ho)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	if (ho != NULL && *ho != '\0') {
		tv_set_str(v, "sn_handover", ho);
		form_url(ctx, v, "sn_url", "/supernet/register");
	}
	return flow_show(ctx, ta, v, "register_done",
	    "あいかさねっと 会員登録：確認メールを送信しました", 0);
}

/* 1 if login (normalised) is taken, 0 if free, -1 on error. */
static int
login_used(struct ctx *ctx, const char *key)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_LOGIN_USED])) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	if ((r = db_row(ctx->db, st)) > 0)
		sqlite3_reset(st);
	return r;
}

static const char login_taken[] =
    "このログインIDはすでに使われています。別のログインIDを入力してください。";

/*
 * Validate fm and, if the login ID has no error yet, check that it is
 * free.  Returns 1 if the form is clean, 0 if it has errors, -1 on a
 * database error.
 */
static int
validate(struct ctx *ctx, struct form *fm)
{
	char	*key;
	size_t	 i;
	int	 r;

	form_validate(fm);
	i = form_find(fm, KEY_LOGIN_ID);
	if (i < fm->fieldsz && fm->v[i].err == NULL) {
		if ((key = text_normalize(form_val(fm, KEY_LOGIN_ID))) == NULL)
			return -1;
		r = login_used(ctx, key);
		free(key);
		if (r < 0)
			return -1;
		if (r > 0)
			form_error(fm, i, "%s", login_taken);
	}
	return fm->nerr == 0;
}

/*
 * Insert the member: the row first, then the sealed columns bound to
 * its id, the token, the mail and the audit row, in the caller's
 * transaction.  Returns 1 ok, 0 if the login ID is taken (UNIQUE),
 * -1 on any other error.
 */
static int
insert_member(struct ctx *ctx, struct form *fm, enum mtype t,
    const char *hash, const char *key, int64_t *idp, char ho[SESS_HEX + 1])
{
	char		 tok[SESS_HEX + 1];
	unsigned char	 bidx[BIDX_SZ];
	const char	*email, *who;
	char		*lower = NULL;
	struct buf	 tmp1, tmp2, tmp3, tmp4, tmp5, body, detail;
	sqlite3_stmt	*st;
	long long	 birth, today;
	int64_t		 id;
	int		 minor = 0, rc = -1;
	size_t		 i;

	buf_init(&tmp1, 4096);
	buf_init(&tmp2, 4096);
	buf_init(&tmp3, 4096);
	buf_init(&tmp4, 4096);
	buf_init(&tmp5, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	email = form_val(fm, KEY_R_EMAIL);
	if ((lower = text_normalize(email)) == NULL)
		goto out;
	crypto_bidx(ctx->keys, "email", lower, bidx);
	if (t == MT_INDIVIDUAL) {
		birth = ymd(form_val(fm, KEY_R_BIRTH));
		today = today_jst(ctx->now);
		minor = (today - birth) / 10000 < ADULT_AGE;
	}

	if ((st = db_prep(ctx->db, sql[STMT_INSERT])) == NULL)
		goto out;
	db_bind_text(st, 1, mtype_names[t]);
	db_bind_text(st, 2, form_val(fm, KEY_LOGIN_ID));
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, hash);
	db_bind_blob(st, 5, bidx, sizeof(bidx));
	flow_bind_id(st, 6, t == MT_GROUP ? form_val(fm, KEY_R_GCLASS) : NULL);
	flow_bind_id(st, 7, t == MT_COMPANY ? form_val(fm, KEY_R_CCAT) : NULL);
	db_bind_text(st, 8, t != MT_INDIVIDUAL ? form_val(fm, KEY_R_ORG) :
	    NULL);
	db_bind_text(st, 9, t != MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_ORGKANA) : NULL);
	db_bind_text(st, 10, t != MT_INDIVIDUAL ? form_val(fm, KEY_R_REP) :
	    NULL);
	/* The box is required on both forms (A-06). */
	db_bind_int(st, 11, 1);
	db_bind_text(st, 12, t != MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_TITLE) : NULL);
	flow_bind_id(st, 13, form_val(fm, KEY_R_PREF));
	flow_bind_id(st, 14, form_val(fm, KEY_R_MUNI));
	db_bind_int(st, 15, form_has(fm, KEY_R_ROLES, "recruit"));
	db_bind_int(st, 16, form_has(fm, KEY_R_ROLES, "join"));
	db_bind_int(st, 17, t == MT_GROUP);
	db_bind_text(st, 18, t == MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_GENDER) : NULL);
	db_bind_int(st, 19, minor);
	db_bind_int(st, 20, ctx->now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(db_handle(ctx->db)) ==
		    SQLITE_CONSTRAINT_UNIQUE ? 0 : -1;
		if (rc < 0)
			kerr("register: %s",
			    sqlite3_errmsg(db_handle(ctx->db)));
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	id = db_last_id(ctx->db);

	/* 非公開 columns, sealed to (member, column, id). */
	if ((st = db_prep(ctx->db, sql[STMT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!flow_bind_sealed(ctx, st, 2, "member", "email_ct", id, email,
	    &tmp1) ||
	    !flow_bind_sealed(ctx, st, 3, "member", "name_ct", id,
	    t == MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_NAME) : NULL, &tmp2) ||
	    !flow_bind_sealed(ctx, st, 4, "member", "kana_ct", id,
	    t == MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_KANA) : NULL, &tmp3) ||
	    !flow_bind_sealed(ctx, st, 5, "member", "tel_ct", id,
	    form_val(fm, KEY_R_TEL), &tmp4) ||
	    !flow_bind_sealed(ctx, st, 6, "member", "birth_ct", id,
	    t == MT_INDIVIDUAL ?
	    form_val(fm, KEY_R_BIRTH) : NULL, &tmp5) ||
	    !db_run(ctx->db, st))
		goto out;

	/* The verification link: 256 random bits, stored as SHA-256. */
	if (!flow_token_new(ctx, "verify_email", "member", id, VERIFY_TTL,
	    NULL, tok))
		goto out;

	who = t == MT_INDIVIDUAL ? form_val(fm, KEY_R_NAME) :
	    form_val(fm, KEY_R_ORG);
	buf_printf(&body, "%s 様\n\n"
	    "あいかさねっとへの会員登録のお申し込みを受け付けました。\n"
	    "登録を続けるには、次のURLを開き、表示された画面の"
	    "「メールアドレスを確認する」ボタンを押してください。\n\n",
	    who);
	flow_abs_url(ctx, &body, "/aikasa/verify?t=");
	buf_puts(&body, tok);
	buf_printf(&body, "\n\n"
	    "このURLの有効期限は24時間です。期限が過ぎた場合は、お手数ですが"
	    "もう一度会員登録をしてください。\n\n"
	    "ログインID：%s\n"
	    "（パスワードはこのメールには記載していません。）\n\n"
	    "このメールにお心当たりのない場合は、何もせずに削除してください。\n"
	    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n",
	    form_val(fm, KEY_LOGIN_ID));
	sodium_memzero(tok, sizeof(tok));
	if (!buf_ok(&body))
		goto out;
	if (!flow_mail(ctx, "aikasa_verify", email,
	    "【あいかさねっと】メールアドレスの確認", buf_str(&body)))
		goto out;

	buf_printf(&detail, "type=%s login=", mtype_names[t]);
	audit_mask_name(form_val(fm, KEY_LOGIN_ID), &detail);
	buf_puts(&detail, " email=");
	audit_mask_email(email, &detail);
	if (minor)
		buf_puts(&detail, " minor=1");
	if (!buf_ok(&detail) ||
	    !flow_audit(ctx, "register", "member", id, buf_str(&detail)))
		goto out;
	/* 連携③: the shared fields, ready for スーパーネット (snreg.c). */
	if (t != MT_INDIVIDUAL && !snreg_handover_new(ctx, id, fm, ho))
		goto out;
	*idp = id;
	rc = 1;
out:
	for (i = 0; i < body.len; i++)
		body.p[i] = '\0';
	buf_free(&tmp1);
	buf_free(&tmp2);
	buf_free(&tmp3);
	buf_free(&tmp4);
	buf_free(&tmp5);
	buf_free(&body);
	buf_free(&detail);
	free(lower);
	return rc;
}

/*
 * The final POST: one transaction stores the member, the token, the
 * mail, the audit row and the idempotency key; a replayed key shows
 * the same done page and creates nothing.
 */
static int
submit(struct ctx *ctx, struct form *fm, enum mtype t, const char *idem)
{
	char		 hash[128], ho[SESS_HEX + 1];
	char		*key = NULL;
	struct buf	 res;
	int64_t		 id = 0;
	int		 r, rc = 0, began = 0;
	size_t		 li;

	buf_init(&res, 256);
	hash[0] = '\0';
	ho[0] = '\0';
	if (!sess_db(ctx) || !sess_keys(ctx))
		goto out;
	/* A replay needs no password hash: look before the slow part. */
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		rc = show_done(ctx, NULL);
		goto out;
	}
	if ((key = text_normalize(form_val(fm, KEY_LOGIN_ID))) == NULL ||
	    !crypto_pw_hash(form_val(fm, KEY_R_PASSWORD), hash))
		goto out;
	if (!db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_done(ctx, NULL);
		goto out;
	}
	/* The writer lock is held: this look-up cannot race. */
	if ((r = login_used(ctx, key)) < 0)
		goto out;
	if (r == 0 && (r = insert_member(ctx, fm, t, hash, key, &id,
	    ho)) < 0)
		goto out;
	if (r == 0 || id == 0) {
		/* Taken, by a look-up or by the UNIQUE constraint. */
		db_rollback(ctx->db);
		began = 0;
		li = form_find(fm, KEY_LOGIN_ID);
		form_error(fm, li, "%s", login_taken);
		rc = show_form(ctx, fm, t, 1, NULL);
		goto out;
	}
	buf_reset(&res);
	buf_printf(&res, "member:%lld", (long long)id);
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	/* Committed: the mail goes now, or with cron's next run. */
	spawn_gen(ctx->cfg, "mail");
	rc = show_done(ctx, ho);
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(ho, sizeof(ho));
	free(key);
	buf_free(&res);
	return rc;
}

/*
 * /aikasa/register: GET shows the terms; each POST names its step:
 * agree (terms accepted, type chosen), confirm (the form sent), edit
 * (「修正する」), submit (「送信する」).  Without a valid type the form
 * is refused and the terms are shown again (R150).
 */
int
reg_register(struct ctx *ctx)
{
	struct form	 fm, tf;
	const char	*step, *seal, *idem = NULL, *ho;
	char		*pw = NULL;
	struct buf	 done;
	enum mtype	 t, none = MT__MAX;
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&tf, 0, sizeof(tf));
	if (ctx->req.env.method != METHOD_POST)
		return show_terms(ctx, NULL, NULL);
	buf_init(&done, 256);
	step = flow_body(ctx, KEY_F_STEP);
	if (step != NULL && strcmp(step, "agree") == 0) {
		if (!form_init(&tf, ctx, type_form, KENMIN_NELEM(type_form),
		    &none))
			goto out;
		form_read(&tf);
		if (!form_validate(&tf)) {
			rc = show_terms(ctx, &tf, NULL);
			goto out;
		}
	}
	if ((t = body_type(ctx)) == MT__MAX) {
		rc = show_terms(ctx, NULL, "会員登録の前に、利用規約をお読みいただき、"
		    "登録の種類を選んで「同意する」を押してください。");
		goto out;
	}
	if (!form_init(&fm, ctx, reg_form, KENMIN_NELEM(reg_form), &t))
		goto out;
	if (step == NULL || strcmp(step, "agree") == 0) {
		if ((ho = handover_tok(ctx)) != NULL) {
			if ((r = snreg_handover(ctx, ho, 1, &fm)) < 0)
				goto out;
			ho = r > 0 ? "スーパーネットで入力された内容を反映しました。"
			    "空欄の項目を入力し、内容をご確認ください。" :
			    "スーパーネットの入力内容を引き継げませんでした（有効期限"
			    "が過ぎたか、すでに使われています）。お手数ですが、"
			    "すべての項目を入力してください。";
		}
		rc = show_form(ctx, &fm, t, 0, ho);
		goto out;
	}
	form_read(&fm);
	if (strcmp(step, "edit") == 0) {
		rc = show_form(ctx, &fm, t, 0, NULL);
		goto out;
	}
	if (strcmp(step, "submit") == 0) {
		/* A replay shows the same done page before any rule runs. */
		if ((r = form_submit_key(ctx, &idem, &done, &rc)) < 0)
			goto out;
		if (r > 0) {
			rc = show_done(ctx, NULL);
			goto out;
		}
		/* The password comes back sealed, never in clear. */
		seal = flow_body(ctx, KEY_F_PWSEAL);
		if (seal != NULL && (pw = form_open_pw(ctx, seal)) != NULL) {
			form_set(&fm, KEY_R_PASSWORD, pw);
			form_set(&fm, KEY_R_PASSWORD2, pw);
		}
	} else if (strcmp(step, "confirm") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if ((r = validate(ctx, &fm)) < 0)
		goto out;
	if (r == 0) {
		rc = show_form(ctx, &fm, t, 1, NULL);
		goto out;
	}
	if (strcmp(step, "confirm") == 0) {
		rc = show_confirm(ctx, &fm, t);
		goto out;
	}
	rc = submit(ctx, &fm, t, idem);
out:
	buf_free(&done);
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	form_free(&fm);
	form_free(&tf);
	return rc;
}

/* ---- the verification link ---- */

enum tokstate {
	TOK_OK,
	TOK_UNKNOWN,
	TOK_USED,
	TOK_EXPIRED,
	TOK__MAX
};

static const char *const tok_messages[TOK__MAX] = {
	NULL,
	"このURLは無効です。メールに記載されたURLを、途中で切れていないか"
	"確認して開き直してください。",
	"このURLはすでに使われています。メールアドレスの確認は完了して"
	"いますので、ログインしてください。",
	"このURLの有効期限（24時間）が過ぎています。お手数ですが、"
	"もう一度会員登録をしてください。",
};

/* Look up tok: its state and member id; -1 on a database error. */
static int
tok_state(struct ctx *ctx, const char *tok, enum tokstate *ts, int64_t *id)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	int		 r;

	*ts = TOK_UNKNOWN;
	*id = 0;
	if (tok == NULL)
		return 0;
	sess_sha256(tok, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_GET])) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	*id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_int(st, 1))
		*ts = TOK_USED;
	else if (sqlite3_column_int64(st, 2) <= ctx->now)
		*ts = TOK_EXPIRED;
	else
		*ts = TOK_OK;
	sqlite3_reset(st);
	return 0;
}

/*
 * After the token is consumed: mark the member verified, mail the
 * center (R153) and the member (R154), audit.  In the caller's
 * transaction.  1 ok, 0 error.
 */
static int
verified(struct ctx *ctx, int64_t id)
{
	struct buf	 email, name, body, url;
	struct audit_ev	 ev;
	sqlite3_stmt	*st;
	char		 type[16], login[128];
	const char	*who;
	int		 rc = 0, ind;

	buf_init(&email, 4096);
	buf_init(&name, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	buf_init(&url, 4096);
	if ((st = db_prep(ctx->db, sql[STMT_VERIFY])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1)
		goto out;
	if ((st = db_prep(ctx->db, sql[STMT_MEMBER])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (db_row(ctx->db, st) <= 0)
		goto out;
	snprintf(type, sizeof(type), "%s", db_col_text(st, 0));
	snprintf(login, sizeof(login), "%s", db_col_text(st, 1));
	ind = strcmp(type, "individual") == 0;
	if (!crypto_open(ctx->keys, "member", "email_ct", id,
	    sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
	    &email) || (ind && !crypto_open(ctx->keys, "member", "name_ct",
	    id, sqlite3_column_blob(st, 3),
	    (size_t)sqlite3_column_bytes(st, 3), &name))) {
		kerr("member %lld: sealed columns do not open", (long long)id);
		sqlite3_reset(st);
		goto out;
	}
	if (!ind)
		buf_puts(&name, db_col_text(st, 4));
	sqlite3_reset(st);
	who = buf_str(&name);

	/* To the member: 仮登録完了・詳細入力のお願い (R154). */
	buf_printf(&body, "%s 様\n\n"
	    "メールアドレスの確認が完了し、あいかさねっとへの仮登録が"
	    "完了しました。\n"
	    "次のURLからログインし、マイページで詳細情報を入力してください。"
	    "詳細情報の入力後、センターが内容を確認して公開します。\n\n",
	    who);
	flow_abs_url(ctx, &body, "/login");
	buf_printf(&body, "\n\nログインID：%s\n"
	    "（パスワードはこのメールには記載していません。）\n"
	    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n", login);
	if (!buf_ok(&body) || !flow_mail(ctx, "aikasa_registered",
	    buf_str(&email), "【あいかさねっと】仮登録完了・詳細入力のお願い",
	    buf_str(&body)))
		goto out;

	/* To the center: 会員登録あり (R153); no personal data but the ID. */
	buf_reset(&body);
	buf_printf(&body, "あいかさねっとに会員登録がありました"
	    "（メールアドレス確認済み・詳細登録待ち）。\n\n"
	    "会員番号：%lld\n種類：%s\nログインID：%s\n\n"
	    "管理画面で内容を確認してください。\n",
	    (long long)id, strcmp(type, "group") == 0 ? "団体" :
	    strcmp(type, "company") == 0 ? "企業" : "個人", login);
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	if (!buf_ok(&body) || !flow_mail_center(ctx, "aikasa",
	    "aikasa_center_registered", "【あいかさねっと】会員登録あり",
	    buf_str(&body)))
		goto out;

	memset(&ev, 0, sizeof(ev));
	ev.actor_kind = "member";
	ev.actor_id = id;
	ev.action = "verify_email";
	ev.target_kind = "member";
	ev.target_id = id;
	ev.ip = ctx->req.env.remote;
	if (!audit_log(ctx->db, ctx->keys, &ev))
		goto out;
	rc = 1;
out:
	if (email.p != NULL)
		sodium_memzero(email.p, email.len);
	buf_free(&email);
	buf_free(&name);
	buf_free(&body);
	buf_free(&url);
	return rc;
}

/*
 * /aikasa/verify?t=TOKEN: GET shows a page with one button and changes
 * nothing (A-17: mail scanners fetch links); its POST consumes the
 * token and verifies the address.
 */
int
reg_verify(struct ctx *ctx)
{
	unsigned char	 h[32];
	const char	*tok;
	struct tarena	*ta;
	struct tval	*v;
	sqlite3_stmt	*st;
	enum tokstate	 ts;
	int64_t		 id;
	int		 post, done = 0, began = 0, rc = 0;

	post = ctx->req.env.method == METHOD_POST;
	tok = flow_body(ctx, KEY_TOKEN);
	if (!post) {
		const struct kfield *f = req_get(&ctx->req, KSRC_QUERY,
		    KEY_TOKEN);
		tok = f != NULL ? f->val : NULL;
	}
	if (!sess_db(ctx) || !sess_keys(ctx))
		return 0;
	if (post) {
		if (!db_begin(ctx->db))
			return 0;
		began = 1;
	}
	if (tok_state(ctx, tok, &ts, &id) < 0)
		goto out;
	if (post && ts == TOK_OK) {
		sess_sha256(tok, h);
		if ((st = db_prep(ctx->db, sql[STMT_TOK_USE])) == NULL)
			goto out;
		db_bind_blob(st, 1, h, sizeof(h));
		db_bind_int(st, 2, ctx->now);
		if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1 ||
		    !verified(ctx, id) || !db_commit(ctx->db))
			goto out;
		began = 0;
		done = 1;
		spawn_gen(ctx->cfg, "mail");
	}
	if (began) {
		db_rollback(ctx->db);
		began = 0;
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	form_url(ctx, v, "action", "/aikasa/verify");
	form_url(ctx, v, "login_url", "/login");
	tv_set_bool(v, "done", done);
	if (!done && ts == TOK_OK)
		tv_set_str(v, "token", tok);
	else if (!done)
		tv_set_str(v, "error", tok_messages[ts]);
	rc = flow_show(ctx, ta, v, "register_verify", done ?
	    "メールアドレスの確認が完了しました" : "メールアドレスの確認", 0);
out:
	if (began)
		db_rollback(ctx->db);
	return rc;
}
