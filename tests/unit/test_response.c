/*
 * test_response.c: formsvc's response builder: security headers, refusal
 * of header values that could split a header, redirects and cookies.
 */
#include <string.h>

#include "t.h"
#include "buf.h"
#include "config.h"
#include "extern.h"

static int
has(const struct buf *b, const char *s)
{
	return strstr(buf_str(b), s) != NULL;
}

static void
test_headers(void)
{
	struct resp	 r;
	struct buf	 out;

	resp_init(&r, RESP_NOSTORE);
	buf_init(&out, 0);
	T_OK(resp_header(&r, "X-A", "tab\there"), "tab allowed");
	buf_puts(&r.body, "<p>body</p>");
	T_OK(resp_emit(&r, &out), "emit");
	T_OK(strncmp(buf_str(&out), "Status: 200 OK\r\n", 16) == 0, "status line");
	T_OK(has(&out, "\r\nContent-Type: text/html; charset=utf-8\r\n"),
	    "content type with charset");
	T_OK(has(&out, "\r\nContent-Security-Policy: default-src 'self'; "
	    "form-action 'self'; base-uri 'none'; object-src 'none'; "
	    "frame-ancestors 'none'\r\n"), "CSP");
	T_OK(has(&out, "\r\nX-Frame-Options: DENY\r\n"), "X-Frame-Options");
	T_OK(has(&out, "\r\nX-Content-Type-Options: nosniff\r\n"), "nosniff");
	T_OK(has(&out, "\r\nReferrer-Policy: same-origin\r\n"), "referrer");
	T_OK(has(&out, "\r\nCache-Control: no-store\r\n"), "no-store");
	T_OK(has(&out, "\r\nContent-Length: 11\r\n"), "content length");
	T_OK(has(&out, "\r\nX-A: tab\there\r\n\r\n<p>body</p>"), "header, body");
	resp_free(&r);
	buf_free(&out);

	resp_init(&r, RESP_NOREFERRER | RESP_HEAD);
	buf_init(&out, 0);
	buf_puts(&r.body, "hidden");
	resp_emit(&r, &out);
	T_OK(has(&out, "Referrer-Policy: no-referrer\r\n"), "no-referrer flag");
	T_OK(has(&out, "Cache-Control: no-cache\r\n"), "public page no-cache");
	T_OK(!has(&out, "hidden") && has(&out, "Content-Length: 6\r\n"),
	    "HEAD: length but no body");
	resp_free(&r);
	buf_free(&out);

	resp_init(&r, 0);
	T_OK(!resp_header(&r, "X-A", "a\r\nSet-Cookie: x=1"), "CRLF refused");
	T_OK(!resp_header(&r, "X-A", "a\nb"), "LF refused");
	T_OK(!resp_header(&r, "X-A", "a\rb"), "CR refused");
	T_OK(!resp_headern(&r, "X-A", "a\0b", 3), "NUL refused");
	T_OK(!resp_header(&r, "X-A", "a\x7f"), "DEL refused");
	T_OK(!resp_header(&r, "X-A: b\r\nX-C", "v"), "bad name refused");
	T_OK(r.hdr.len == 0, "nothing of a refused header added");
	buf_init(&out, 0);
	T_OK(!resp_emit(&r, &out), "refused response not emitted as built");
	T_OK(strncmp(buf_str(&out), "Status: 500 ", 12) == 0 &&
	    !has(&out, "Set-Cookie") && has(&out, "X-Frame-Options: DENY"),
	    "refused response is a 500 with the security headers");
	resp_free(&r);
	buf_free(&out);
}

static void
test_redirect(void)
{
	static const struct {
		const char	*path;
		int		 ok;
	} paths[] = {
		{ "/", 1 }, { "/member/home", 1 }, { "/a?b=c&d=%20", 1 },
		{ "/a.b/c-d_e", 1 }, { "/a/..b", 1 },
		{ "", 0 }, { "a", 0 }, { "//evil.example", 0 },
		{ "/a//b", 0 }, { "/\\evil", 0 }, { "https://x", 0 },
		{ "/https://x", 0 }, { "/a/../b", 0 }, { "/..", 0 },
		{ "/./a", 0 }, { "/a b", 0 }, { "/a\r\nb", 0 },
		{ "/%E3%81%82", 1 }, { "/あ", 0 },
	};
	struct config	 cfg;
	struct resp	 r;
	struct buf	 out;
	size_t		 i;
	char		 name[80];

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(name, sizeof(name), "safe path %zu", i);
		T_OK(resp_safe_path(paths[i].path) == paths[i].ok, name);
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.cgi_path = (char *)"/cgi-bin/formsvc.cgi";
	resp_init(&r, 0);
	buf_init(&out, 0);
	T_OK(resp_redirect(&r, &cfg, "/x?y=1"), "redirect set");
	resp_emit(&r, &out);
	T_OK(strncmp(buf_str(&out), "Status: 303 See Other\r\n", 23) == 0,
	    "303");
	T_OK(has(&out, "\r\nLocation: /cgi-bin/formsvc.cgi/x?y=1\r\n"),
	    "Location under the service");
	resp_free(&r);
	buf_free(&out);

	resp_init(&r, 0);
	buf_init(&out, 0);
	resp_redirect(&r, &cfg, "//evil.example/");
	resp_emit(&r, &out);
	T_OK(has(&out, "\r\nLocation: /cgi-bin/formsvc.cgi/\r\n"),
	    "open redirect falls back to the root");
	resp_free(&r);
	buf_free(&out);
}

static void
test_cookie(void)
{
	struct config	 cfg;
	struct resp	 r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cookie_secure = 1;
	resp_init(&r, 0);
	T_OK(resp_cookie(&r, &cfg, "sid", "abc", -1), "cookie set");
	T_STREQ(buf_str(&r.hdr),
	    "Set-Cookie: __Host-sid=abc; Path=/; Secure; HttpOnly; "
	    "SameSite=Lax\r\n", "secure session cookie");
	buf_reset(&r.hdr);
	T_OK(resp_cookie(&r, &cfg, "sid", "", 0), "cookie deleted");
	T_STREQ(buf_str(&r.hdr),
	    "Set-Cookie: __Host-sid=; Path=/; Max-Age=0; Secure; HttpOnly; "
	    "SameSite=Lax\r\n", "delete cookie");
	buf_reset(&r.hdr);
	T_OK(!resp_cookie(&r, &cfg, "sid", "a;Domain=evil", 10) &&
	    !resp_cookie(&r, &cfg, "sid", "a b", 10) &&
	    !resp_cookie(&r, &cfg, "sid", "a\r\nX: y", 10) &&
	    !resp_cookie(&r, &cfg, "s=id", "a", 10),
	    "bad cookie values and names refused");
	T_OK(r.hdr.len == 0 && r.refused, "refused cookie not added");
	resp_free(&r);
	cfg.cookie_secure = 0;
	resp_init(&r, 0);
	resp_cookie(&r, &cfg, "sid", "abc", 60);
	T_STREQ(buf_str(&r.hdr),
	    "Set-Cookie: sid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax\r\n",
	    "plain-http cookie: no prefix, no Secure");
	resp_free(&r);
}

int
main(void)
{
	test_headers();
	test_redirect();
	test_cookie();
	return t_done();
}
