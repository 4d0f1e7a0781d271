/*
 * pages.c: the page and form-key tables of formsvc and the screens
 * that are not part of any area yet: the placeholder top page, the
 * health check and the error pages, rendered from themes/…/formsvc/.
 */
#ifdef KENMIN_TEST
#include <sys/socket.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PAGE_MAX	((size_t)4 * 1024 * 1024)	/* one rendered page */

static int	 page_index(struct ctx *);
static int	 page_health(struct ctx *);
#ifdef KENMIN_TEST
static int	 test_echo(struct ctx *);
static int	 test_header(struct ctx *);
static int	 test_redirect(struct ctx *);
static int	 test_cookie(struct ctx *);
static int	 kvalid_probe(struct kfield *, const struct kkey *);
#endif

/*
 * Every form key and cookie formsvc accepts, with its validator; a
 * page lists the ones it takes.  Anything else a request carries is
 * dropped by the parser.
 */
const struct kkey keys[KEY__MAX] = {
	[KEY_SID] = { "sid", kvalid_token, 32, 128 },
	[KEY_SESS] = { "kenmin", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_ACSRF] = { "kenmin_csrf", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_UI] = { "kenmin_ui", kvalid_token, 1, 16 },
	[KEY_CSRF] = { "csrf", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_LOGIN_ID] = { "login_id", kvalid_string, 1, 64 },
	[KEY_PASSWORD] = { "password", kvalid_password, 1, 128 },
	[KEY_NEWPW] = { "new_password", kvalid_password, 8, 128 },
	[KEY_NEWPW2] = { "new_password2", kvalid_password, 8, 128 },
	[KEY_CODE] = { "code", kvalid_string, 1, 40 },
	[KEY_TOKEN] = { "t", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_NEXT] = { "next", kvalid_string, 1, 1000 },
	/* Form fields: loose here, validated by form.c with messages. */
	[KEY_F_STEP] = { "step", kvalid_string, 1, 16 },
	[KEY_F_IDEM] = { "idem", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_F_PWSEAL] = { "pwseal", kvalid_token, 32, 4096 },
	[KEY_R_TYPE] = { "mtype", kvalid_string, 1, 16 },
	[KEY_R_PASSWORD] = { "password", kvalid_string, 0, 1000 },
	[KEY_R_PASSWORD2] = { "password2", kvalid_string, 0, 1000 },
	[KEY_R_NAME] = { "fullname", kvalid_string, 0, 1000 },
	[KEY_R_KANA] = { "fullkana", kvalid_string, 0, 1000 },
	[KEY_R_GCLASS] = { "gclass", kvalid_string, 0, 1000 },
	[KEY_R_CCAT] = { "ccat", kvalid_string, 0, 1000 },
	[KEY_R_ORG] = { "org_name", kvalid_string, 0, 1000 },
	[KEY_R_ORGKANA] = { "org_kana", kvalid_string, 0, 1000 },
	[KEY_R_REP] = { "rep_name", kvalid_string, 0, 1000 },
	[KEY_R_REPAGREE] = { "rep_agree", kvalid_string, 0, 1000 },
	[KEY_R_TITLE] = { "rep_title", kvalid_string, 0, 1000 },
	[KEY_R_PREF] = { "pref", kvalid_string, 0, 1000 },
	[KEY_R_MUNI] = { "muni", kvalid_string, 0, 1000 },
	[KEY_R_TEL] = { "tel", kvalid_string, 0, 1000 },
	[KEY_R_EMAIL] = { "email", kvalid_string, 0, 1000 },
	[KEY_R_EMAIL2] = { "email2", kvalid_string, 0, 1000 },
	[KEY_R_GENDER] = { "gender", kvalid_string, 0, 1000 },
	[KEY_R_BIRTH] = { "birth", kvalid_string, 0, 1000 },
	[KEY_R_BIRTHAGREE] = { "birth_agree", kvalid_string, 0, 1000 },
	[KEY_R_ROLES] = { "roles", kvalid_string, 0, 1000 },
	[KEY_R_REQS] = { "reqs", kvalid_string, 0, 1000 },
	[KEY_S_Q] = { "q", kvalid_string, 0, 100 },
	[KEY_S_TYPE] = { "type", kvalid_string, 1, 16 },
	[KEY_S_SITE] = { "site", kvalid_string, 1, 16 },
	[KEY_S_MT] = { "mt", kvalid_string, 1, 16 },
	[KEY_S_AREA] = { "area", kvalid_int, 1, 999 },
	[KEY_S_FIELD] = { "field", kvalid_int, 1, 999 },
	[KEY_S_PROBONO] = { "probono", kvalid_int, 1, 999 },
	[KEY_S_GAREA] = { "garea", kvalid_int, 1, 999 },
	[KEY_S_OPEN] = { "open", kvalid_bool, 0, 0 },
	[KEY_S_PAGE] = { "page", kvalid_int, 1, 1000 },
	/* -- keys: member.c -- */
	/* -- keys: posting.c -- */
	/* -- keys: snreg.c -- */
	/* -- keys: event.c -- */
	/* -- keys: review.c -- */
	/* -- keys: account.c -- */
#ifdef KENMIN_TEST
	[KEY_T_NAME] = { "name", kvalid_string, 1, 40 },
	[KEY_T_NUM] = { "num", kvalid_int, 1, 100 },
	[KEY_T_MAIL] = { "mail", kvalid_email, 0, 0 },
	[KEY_T_DATE] = { "date", kvalid_date, 0, 0 },
	[KEY_T_FLAG] = { "flag", kvalid_bool, 0, 0 },
	[KEY_T_TEXT] = { "text", kvalid_text, 0, 2000 },
	[KEY_T_FILE] = { "file", kvalid_file, 1, 1024 * 1024 },
	[KEY_T_TO] = { "to", kvalid_string, 0, 1000 },
	[KEY_T_VALUE] = { "value", kvalid_text, 0, 1000 },
	[KEY_T_PROBE] = { "probe", kvalid_probe, 0, 0 },
#endif
};

static const enum key keys_none[] = { KEY__MAX };
static const enum key keys_search[] = { KEY_S_Q, KEY_S_TYPE, KEY_S_SITE,
    KEY_S_MT, KEY_S_AREA, KEY_S_FIELD, KEY_S_PROBONO, KEY_S_GAREA,
    KEY_S_OPEN, KEY_S_PAGE, KEY__MAX };
static const enum key keys_login[] = { KEY_LOGIN_ID, KEY_PASSWORD, KEY_NEXT,
    KEY__MAX };
static const enum key keys_code[] = { KEY_CODE, KEY__MAX };
static const enum key keys_pwchange[] = { KEY_PASSWORD, KEY_NEWPW,
    KEY_NEWPW2, KEY__MAX };
static const enum key keys_reset[] = { KEY_LOGIN_ID, KEY__MAX };
static const enum key keys_setpw[] = { KEY_TOKEN, KEY_NEWPW, KEY_NEWPW2,
    KEY__MAX };
static const enum key keys_register[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_F_PWSEAL, KEY_R_TYPE, KEY_LOGIN_ID, KEY_R_PASSWORD, KEY_R_PASSWORD2,
    KEY_R_NAME, KEY_R_KANA, KEY_R_GCLASS, KEY_R_CCAT, KEY_R_ORG,
    KEY_R_ORGKANA, KEY_R_REP, KEY_R_REPAGREE, KEY_R_TITLE, KEY_R_PREF,
    KEY_R_MUNI, KEY_R_TEL, KEY_R_EMAIL, KEY_R_EMAIL2, KEY_R_GENDER,
    KEY_R_BIRTH, KEY_R_BIRTHAGREE, KEY_R_ROLES, KEY_R_REQS, KEY__MAX };
static const enum key keys_verify[] = { KEY_TOKEN, KEY__MAX };
/* -- key lists: member.c -- */
/* -- key lists: posting.c -- */
/* -- key lists: snreg.c -- */
/* -- key lists: event.c -- */
/* -- key lists: review.c -- */
/* -- key lists: account.c -- */
#ifdef KENMIN_TEST
static const enum key keys_echo[] = { KEY_SID, KEY_T_NAME, KEY_T_NUM,
    KEY_T_MAIL, KEY_T_DATE, KEY_T_FLAG, KEY_T_TEXT, KEY_T_FILE, KEY_T_PROBE,
    KEY__MAX };
static const enum key keys_value[] = { KEY_T_VALUE, KEY__MAX };
static const enum key keys_to[] = { KEY_T_TO, KEY__MAX };
#endif

/*
 * Every screen.  Pages show personal data unless PAGE_PUBLIC, so they
 * are no-store by default.  Debug pages exist only in the test build
 * (-DKENMIN_TEST, build/…/tests/formsvc-test.cgi), never in the
 * installed program.
 */
const struct pageinfo pages[PAGE__MAX] = {
	/* PAGE_INDEX */
	{ "/", M_GET | M_HEAD, page_index, ROLE_ANY, PAGE_PUBLIC, keys_none },
	/* PAGE_HEALTH */
	{ "/health", M_GET | M_HEAD, page_health, ROLE_ANY, 0, keys_none },
	/* PAGE_LOGIN */
	{ "/login", M_GET | M_HEAD | M_POST, auth_login, ROLE_ANY, 0,
	    keys_login },
	/* PAGE_STAFF_LOGIN */
	{ "/admin/login", M_GET | M_HEAD | M_POST, auth_staff_login, ROLE_ANY,
	    0, keys_login },
	/* PAGE_TOTP: the second step; the handler wants a pre-TOTP session */
	{ "/admin/totp", M_GET | M_HEAD | M_POST, auth_totp, ROLE_ANY, 0,
	    keys_code },
	/* PAGE_TOTP_ENROL */
	{ "/admin/totp/enrol", M_GET | M_HEAD | M_POST, auth_totp_enrol,
	    ROLE_ANY, 0, keys_code },
	/* PAGE_LOGOUT */
	{ "/logout", M_GET | M_HEAD | M_POST, auth_logout, ROLE_ANY, 0,
	    keys_none },
	/* PAGE_PASSWORD */
	{ "/password", M_GET | M_HEAD | M_POST, auth_password, ROLE_MEMBER, 0,
	    keys_pwchange },
	/* PAGE_STAFF_PASSWORD */
	{ "/admin/password", M_GET | M_HEAD | M_POST, auth_password,
	    ROLE_STAFF, 0, keys_pwchange },
	/* PAGE_RESET */
	{ "/reset", M_GET | M_HEAD | M_POST, auth_reset, ROLE_ANY, 0,
	    keys_reset },
	/* PAGE_SETPW */
	{ "/setpw", M_GET | M_HEAD | M_POST, auth_setpw, ROLE_ANY, PAGE_TOKEN,
	    keys_setpw },
	/* PAGE_MYPAGE */
	{ "/mypage", M_GET | M_HEAD, auth_mypage, ROLE_MEMBER, 0, keys_none },
	/* PAGE_ADMIN */
	{ "/admin/", M_GET | M_HEAD, auth_admin, ROLE_STAFF, 0, keys_none },
	/* PAGE_ADMIN_STAFF */
	{ "/admin/staff", M_GET | M_HEAD, auth_admin_staff, ROLE_ADMIN, 0,
	    keys_none },
	/* PAGE_AK_REGISTER: terms, form, confirmation, done (register.c) */
	{ "/aikasa/register", M_GET | M_HEAD | M_POST, reg_register, ROLE_ANY,
	    0, keys_register },
	/* PAGE_AK_VERIFY: the e-mail link; GET shows, POST verifies */
	{ "/aikasa/verify", M_GET | M_HEAD | M_POST, reg_verify, ROLE_ANY,
	    PAGE_TOKEN, keys_verify },
	/* PAGE_SEARCH: GET only, never changes state (R485) */
	{ "/search", M_GET | M_HEAD, search_page, ROLE_ANY, PAGE_PUBLIC,
	    keys_search },
	/* -- pages: member.c (same order as enum page) -- */
	/* -- pages: posting.c (same order as enum page) -- */
	/* -- pages: snreg.c (same order as enum page) -- */
	/* -- pages: event.c (same order as enum page) -- */
	/* -- pages: review.c (same order as enum page) -- */
	/* -- pages: account.c (same order as enum page) -- */
#ifdef KENMIN_TEST
	/* PAGE_TEST_ECHO */
	{ "/_test/echo", M_GET | M_HEAD | M_POST, test_echo, ROLE_ANY,
	    PAGE_NOCSRF, keys_echo },
	/* PAGE_TEST_HEADER */
	{ "/_test/header", M_GET, test_header, ROLE_ANY, 0, keys_value },
	/* PAGE_TEST_REDIRECT */
	{ "/_test/redirect", M_GET, test_redirect, ROLE_ANY, PAGE_TOKEN,
	    keys_to },
	/* PAGE_TEST_COOKIE */
	{ "/_test/cookie", M_GET, test_cookie, ROLE_ANY, 0, keys_value },
#endif
};

/* What each error status says to the person who sees it. */
static const struct {
	int		 status;
	const char	*heading;
	const char	*message;
} errors[] = {
	{ 400, "リクエストを処理できませんでした",
	  "送信された内容に誤りがあります。入力内容をご確認のうえ、"
	  "もう一度お試しください。" },
	{ 403, "このページは表示できません",
	  "このページを表示する権限がありません。" },
	{ 404, "ページが見つかりません",
	  "お探しのページは見つかりませんでした。"
	  "アドレスに誤りがないかご確認ください。" },
	{ 405, "この方法ではご利用いただけません",
	  "このページは、その方法でのアクセスには対応していません。" },
	{ 413, "送信された内容が大きすぎます",
	  "送信されたデータ（添付ファイルを含む）が上限を超えています。"
	  "ファイルを小さくするなどして、もう一度お試しください。" },
	{ 415, "送信形式に対応していません",
	  "このページは、その形式で送信されたデータを受け付けていません。" },
	{ 500, "サーバーでエラーが発生しました",
	  "申し訳ありません。サーバーの内部でエラーが発生しました。"
	  "しばらくしてから、もう一度お試しください。" },
	{ 503, "ただいま混み合っています",
	  "しばらくしてから、もう一度お試しください。" },
};

/*
 * The page shown when the theme cannot be used: complete, valid HTML,
 * nothing from the request in it.
 */
static const char fallback[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>エラー｜フォーム受付</title>\n</head>\n<body>\n"
	"<main>\n<h1>サーバーでエラーが発生しました</h1>\n"
	"<p>申し訳ありません。しばらくしてから、もう一度お試しください。</p>\n"
	"<p><a href=\"/\">山口県県民活動スーパーネットへ</a></p>\n"
	"</main>\n</body>\n</html>\n";

/*
 * The values every screen's layout uses: links to both sites and to
 * the service's top.  Returned object is owned by the arena.
 */
struct tval *
page_vars(struct ctx *ctx, struct tarena *ta)
{
	struct tval	*v;
	struct buf	 b;

	v = tv_obj(ta);
	buf_init(&b, 4096);
	buf_puts(&b, ctx->cfg->cgi_path);
	if (b.len == 0 || b.p[b.len - 1] != '/')
		buf_putc(&b, '/');
	tv_set_str(v, "supernet_url", "/");
	tv_set_str(v, "aikasa_url", ctx->cfg->aikasa_path);
	tv_set_str(v, "service_url", buf_str(&b));
	buf_free(&b);
	return v;
}

/*
 * Render template NAME with vars into the layout, as the response body.
 * title is the screen's own title.  1 ok, 0 error (printed; the caller
 * answers 500).
 */
int
page_render(struct ctx *ctx, const char *name, const char *title,
    struct tval *vars)
{
	struct buf	 inner;
	int		 rc = 0;

	if (ctx->tmpl == NULL)
		return 0;
	buf_init(&inner, PAGE_MAX);
	if (!tmpl_render(ctx->tmpl, name, vars, &inner) || !buf_ok(&inner))
		goto out;
	tv_set_html(vars, "content", buf_str(&inner));
	tv_set_str(vars, "title", title);
	buf_reset(&ctx->resp.body);
	if (!tmpl_render(ctx->tmpl, "layout", vars, &ctx->resp.body) ||
	    !buf_ok(&ctx->resp.body))
		goto out;
	rc = 1;
out:
	buf_free(&inner);
	return rc;
}

/*
 * Make the response an error page for status (any headers set so far
 * are dropped).  Falls back to a built-in page if the theme fails.
 * Always succeeds.
 */
int
page_error(struct ctx *ctx, int status)
{
	struct tarena	*ta;
	struct tval	*v;
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(errors); i++)
		if (errors[i].status == status)
			break;
	if (i == KENMIN_NELEM(errors)) {
		status = 500;
		for (i = 0; errors[i].status != 500; i++)
			continue;
	}
	resp_reset(&ctx->resp);
	ctx->resp.status = status;
	ctx->resp.flags |= RESP_NOSTORE;

	if (ctx->cfg != NULL && ctx->tmpl != NULL) {
		ta = tarena_new();
		v = page_vars(ctx, ta);
		tv_set_int(v, "status", status);
		tv_set_str(v, "heading", errors[i].heading);
		tv_set_str(v, "message", errors[i].message);
		if (page_render(ctx, "error", errors[i].heading, v)) {
			tarena_free(ta);
			return 1;
		}
		tarena_free(ta);
	}
	/* No theme: that is our failure whatever the request did. */
	buf_reset(&ctx->resp.body);
	buf_puts(&ctx->resp.body, fallback);
	ctx->resp.status = 500;
	return 1;
}

/* "/": the placeholder top page of the form service. */
static int
page_index(struct ctx *ctx)
{
	struct tarena	*ta;
	int		 rc;

	ta = tarena_new();
	rc = page_render(ctx, "index", "ご案内", page_vars(ctx, ta));
	tarena_free(ta);
	return rc;
}

/* "/health": "ok" for monitoring; touches nothing. */
static int
page_health(struct ctx *ctx)
{
	ctx->resp.ctype = "text/plain; charset=utf-8";
	buf_puts(&ctx->resp.body, "ok\n");
	return 1;
}

#ifdef KENMIN_TEST
/*
 * A validator that does what a compromised parser would try: open a
 * socket.  Validators run in the sandboxed child, whose seccomp filter
 * must kill it for that, so a request with "probe" must end in a 500.
 */
static int
kvalid_probe(struct kfield *f, const struct kkey *k)
{
	int	 s;

	(void)f;
	(void)k;
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
		close(s);
	return 1;
}

/*
 * The test build's pages: they show what the parser kept, or exercise
 * one response helper with a value from the query string.
 */
static int
test_echo(struct ctx *ctx)
{
	static const char *const srcs[KSRC__MAX] =
	    { "query", "body", "cookie" };
	const struct kfield	*f;
	struct buf		*b = &ctx->resp.body;
	size_t			 s, k;
	int			 valid;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	for (s = 0; s < KSRC__MAX; s++)
		for (k = 0; k < KEY__MAX; k++)
			for (valid = 1; valid >= 0; valid--) {
				f = valid ? req_get(&ctx->req, s, k) :
				    req_get_invalid(&ctx->req, s, k);
				for (; f != NULL; f = f->next) {
					buf_printf(b, "%s %s %s ival=%lld "
					    "size=%zu", srcs[s], f->name,
					    valid ? "valid" : "invalid",
					    f->ival, f->valsz);
					if (f->file != NULL)
						buf_printf(b, " file=%s "
						    "ctype=%s", f->file,
						    f->ctype);
					buf_puts(b, " value=");
					buf_putn(b, f->val, f->valsz);
					buf_putc(b, '\n');
				}
			}
	return 1;
}

static int
test_header(struct ctx *ctx)
{
	const struct kfield	*f;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	if ((f = req_get(&ctx->req, KSRC_QUERY, KEY_T_VALUE)) == NULL)
		return 0;
	buf_puts(&ctx->resp.body, "set\n");
	return resp_headern(&ctx->resp, "X-Test", f->val, f->valsz);
}

static int
test_redirect(struct ctx *ctx)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, KSRC_QUERY, KEY_T_TO);
	return resp_redirect(&ctx->resp, ctx->cfg, f != NULL ? f->val : "");
}

static int
test_cookie(struct ctx *ctx)
{
	const struct kfield	*f;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	if ((f = req_get(&ctx->req, KSRC_QUERY, KEY_T_VALUE)) == NULL)
		return 0;
	buf_puts(&ctx->resp.body, "set\n");
	return resp_cookie(&ctx->resp, ctx->cfg, "sid", f->val, 3600);
}
#endif
