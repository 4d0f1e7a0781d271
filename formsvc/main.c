/*
 * main.c: formsvc.cgi's entry point: read the CGI environment and the
 * configuration, find the page for PATH_INFO, parse the input in the
 * sandbox, run the page's handler and write the one response.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define OUT_MAX		((size_t)40 * 1024 * 1024)

/* The HTTP status that answers a parser result. */
static int
req_http_status(enum req_status st)
{
	switch (st) {
	case REQ_OK:
		return 200;
	case REQ_BAD:
	case REQ_BAD_UTF8:
		return 400;
	case REQ_TOO_LARGE:
		return 413;
	case REQ_MEDIA:
		return 415;
	default:
		return 500;
	}
}

/* "GET, HEAD, POST" for the methods the page allows. */
static int
set_allow(struct resp *r, unsigned int methods)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, 64);
	if (methods & M_GET)
		buf_puts(&b, "GET, HEAD");
	else if (methods & M_HEAD)
		buf_puts(&b, "HEAD");
	if (methods & M_POST)
		buf_puts(&b, b.len > 0 ? ", POST" : "POST");
	rc = resp_header(r, "Allow", buf_str(&b));
	buf_free(&b);
	return rc;
}

/* Load the theme's formsvc templates; NULL (printed) if unusable. */
static struct tmpl_set *
load_templates(const struct config *cfg)
{
	struct tmpl_set	*ts;
	struct buf	 b;

	buf_init(&b, 4096);
	buf_printf(&b, "%s/formsvc", cfg->theme_dir);
	ts = buf_ok(&b) ? tmpl_set_load(buf_str(&b)) : NULL;
	if (ts == NULL)
		kerr("%s: cannot load the templates", buf_str(&b));
	buf_free(&b);
	return ts;
}

/*
 * 1 if the session may see pg.  Otherwise the response is made: an
 * anonymous visitor goes to the login page of the area (members with
 * ?next= set to this page), anyone else gets 403.
 */
static int
role_ok(struct ctx *ctx, const struct pageinfo *pg)
{
	const struct sess	*s = ctx->sess;
	struct buf		 b;

	switch (pg->role) {
	case ROLE_ANY:
		return 1;
	case ROLE_MEMBER:
		if (s != NULL && s->principal == PRINC_MEMBER)
			return 1;
		if (s == NULL) {
			buf_init(&b, 2048);
			buf_puts(&b, "/login");
			if (resp_safe_path(pg->path) &&
			    strchr(pg->path, '?') == NULL)
				buf_printf(&b, "?next=%s", pg->path);
			if (!buf_ok(&b) ||
			    !resp_redirect(&ctx->resp, ctx->cfg, buf_str(&b)))
				page_error(ctx, 500);
			buf_free(&b);
			return 0;
		}
		break;
	case ROLE_STAFF:
	case ROLE_ADMIN:
		if (s != NULL && s->principal == PRINC_STAFF && s->mfa_ok &&
		    (pg->role == ROLE_STAFF || s->admin))
			return 1;
		if (s == NULL || (s->principal == PRINC_STAFF &&
		    !s->mfa_ok)) {
			if (!resp_redirect(&ctx->resp, ctx->cfg,
			    s == NULL ? "/admin/login" : "/admin/totp"))
				page_error(ctx, 500);
			return 0;
		}
		break;
	default:
		break;
	}
	page_error(ctx, 403);
	return 0;
}

/*
 * Find the page, check the method, parse the input, check the role and
 * run the handler; the response is left in ctx->resp.
 */
static void
dispatch(struct ctx *ctx)
{
	const struct pageinfo	*pg = NULL;
	const struct reqenv	*env = &ctx->req.env;
	unsigned char		 accept[KEY__MAX];
	struct reqspec		 spec;
	const enum key		*k;
	enum req_status		 st;
	size_t			 i;

	for (i = 0; i < PAGE__MAX; i++)
		if (strcmp(pages[i].path, env->path) == 0) {
			pg = &pages[i];
			break;
		}
	if (pg == NULL) {
		page_error(ctx, 404);
		return;
	}
	ctx->page = pg;
	if (pg->flags & PAGE_PUBLIC)
		ctx->resp.flags &= ~RESP_NOSTORE;
	if (pg->flags & PAGE_TOKEN)
		ctx->resp.flags |= RESP_NOREFERRER;

	if (env->method == METHOD_OTHER ||
	    !(pg->methods & (1u << env->method))) {
		page_error(ctx, 405);
		set_allow(&ctx->resp, pg->methods);
		return;
	}

	/* staff pages answer only the allowed addresses. */
	if (!acct_ip_ok(ctx))
		return;

	memset(accept, 0, sizeof(accept));
	for (k = pg->keys; *k != KEY__MAX; k++)
		accept[*k] = 1;
	/* Every page reads the session and CSRF cookies and token. */
	accept[KEY_SESS] = accept[KEY_ACSRF] = accept[KEY_CSRF] = 1;
	/* A held form's key: the login and the member pages. */
	if (pg->role == ROLE_MEMBER || pg == &pages[PAGE_LOGIN])
		accept[KEY_AC_HELD] = 1;
	spec.keys = keys;
	spec.keysz = KEY__MAX;
	spec.accept = accept;
	spec.cookie_host = ctx->cfg->cookie_secure;
	if ((st = sandbox_parse(&ctx->req, &spec)) != REQ_OK) {
		page_error(ctx, req_http_status(st));
		return;
	}

	/*
	 * The session, then CSRF on every POST, then the page's role
	 * (R433, R444, R452; docs/permissions.md).  A page anyone may
	 * see still works when the database cannot be opened.
	 */
	if (!sess_load(ctx) && (pg->role != ROLE_ANY ||
	    env->method == METHOD_POST)) {
		page_error(ctx, 500);
		return;
	}
	if (env->method == METHOD_POST && !(pg->flags & PAGE_NOCSRF) &&
	    !sess_csrf_ok(ctx)) {
		/* A form of a session that just expired is kept. */
		if (!acct_hold(ctx))
			page_error(ctx, 403);
		return;
	}
	if (!role_ok(ctx, pg))
		return;
	if (!acct_restore(ctx)) {
		page_error(ctx, 500);
		return;
	}
	if (!pg->handler(ctx) || ctx->resp.refused)
		page_error(ctx, 500);
}

/*
 * `formsvc.cgi --list-pages`: every path of the page table that answers
 * GET, one a line, for the accessibility tests (tests/a11y/).  Only when
 * not run as a CGI, so no request can reach it (a server may pass a
 * query string without "=" as arguments).
 */
static int
list_pages(void)
{
	size_t	 i;

	for (i = 0; i < PAGE__MAX; i++)
		if (pages[i].methods & M_GET)
			printf("%s\n", pages[i].path);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct ctx	 ctx;
	struct buf	 out;
	size_t		 off;
	ssize_t		 n;
	int		 rc = 1, cfgok;

	util_setprogname(argv[0] != NULL ? argv[0] : "formsvc.cgi");
	if (argc == 2 && strcmp(argv[1], "--list-pages") == 0 &&
	    getenv("GATEWAY_INTERFACE") == NULL)
		return list_pages();
#ifdef KENMIN_TEST
	if (argc >= 2 && strcmp(argv[1], "--test-token") == 0 &&
	    getenv("GATEWAY_INTERFACE") == NULL)
		return apply_test_token(argc, argv);
#endif
	signal(SIGPIPE, SIG_IGN);
	memset(&ctx, 0, sizeof(ctx));
	memset(&cfg, 0, sizeof(cfg));
	buf_init(&out, OUT_MAX);
	resp_init(&ctx.resp, RESP_NOSTORE);
	req_init(&ctx.req, KEY__MAX);

	cfgok = config_load(&cfg, config_locate(NULL));
	if (cfgok) {
		ctx.cfg = &cfg;
		ctx.tmpl = load_templates(&cfg);
	}
	if (req_env(&ctx.req.env) != REQ_OK) {
		/* Before the method is known: a body-less answer is safest. */
		page_error(&ctx, cfgok ? 400 : 500);
		goto emit;
	}
	if (ctx.req.env.method == METHOD_HEAD)
		ctx.resp.flags |= RESP_HEAD;
	if (!cfgok || ctx.tmpl == NULL || !sandbox_narrow()) {
		page_error(&ctx, 500);
		goto emit;
	}
	dispatch(&ctx);
	rc = 0;
emit:
	if (!resp_emit(&ctx.resp, &out))
		rc = 1;
	if (!buf_ok(&out)) {
		kerr("response too large");
		buf_reset(&out);
		resp_reset(&ctx.resp);
		page_error(&ctx, 500);
		resp_emit(&ctx.resp, &out);
		rc = 1;
	}
	for (off = 0; off < out.len; off += (size_t)n)
		if ((n = write(STDOUT_FILENO, out.p + off, out.len - off)) <= 0)
			break;
	buf_free(&out);
	resp_free(&ctx.resp);
	req_free(&ctx.req);
	sess_close(&ctx);
	tmpl_set_free(ctx.tmpl);
	config_free(&cfg);
	return rc;
}
