/*
 * response.c: HTTP responses built in memory, with the security headers
 * every response carries, refusal of header values that could split a
 * header, redirects that only go to the service's own paths, and the
 * one way cookies are set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "util.h"
#include "extern.h"

#define RESP_HDR_MAX	((size_t)16 * 1024)
#define RESP_BODY_MAX	((size_t)32 * 1024 * 1024)
#define REDIRECT_MAX	1024

/* The policy of every formsvc screen: no inline script, no framing. */
#define CSP	"default-src 'self'; form-action 'self'; base-uri 'none'; " \
		"object-src 'none'; frame-ancestors 'none'"

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" },
	{ 303, "See Other" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 413, "Payload Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

/* The reason phrase of status; unknown codes are reported as 500's. */
const char *
resp_reason(int status)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(reasons); i++)
		if (reasons[i].code == status)
			return reasons[i].reason;
	return NULL;
}

/* A 200 text/html response; flags are RESP_* bits. */
void
resp_init(struct resp *r, int flags)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->flags = flags;
	r->ctype = "text/html; charset=utf-8";
	buf_init(&r->hdr, RESP_HDR_MAX);
	buf_init(&r->body, RESP_BODY_MAX);
}

void
resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	buf_free(&r->hdr);
	buf_free(&r->body);
}

/* Drop headers and body (to start an error page); flags stay. */
void
resp_reset(struct resp *r)
{
	buf_reset(&r->hdr);
	buf_reset(&r->body);
	r->status = 200;
	r->refused = 0;
	r->ctype = "text/html; charset=utf-8";
}

/* RFC 9110 token characters: what a header or cookie name may hold. */
static int
tokenok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("()<>@,;:\\\"/[]?={}", *s) != NULL)
			return 0;
	return 1;
}

/*
 * Add header "name: value" where value is v[0..vsz).  A value with CR,
 * LF, NUL or another control character (tab excepted), or a name that
 * is not a token, is refused: nothing is added, the response is marked
 * so that resp_emit() callers send a 500 instead, and 0 is returned.
 */
int
resp_headern(struct resp *r, const char *name, const char *v, size_t vsz)
{
	size_t	 i;

	if (!tokenok(name)) {
		kerr("refused header name");
		r->refused = 1;
		return 0;
	}
	for (i = 0; i < vsz; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
		    (unsigned char)v[i] == 0x7f) {
			kerr("refused value of header %s: control character",
			    name);
			r->refused = 1;
			return 0;
		}
	buf_puts(&r->hdr, name);
	buf_putn(&r->hdr, ": ", 2);
	buf_putn(&r->hdr, v, vsz);
	buf_putn(&r->hdr, "\r\n", 2);
	if (!buf_ok(&r->hdr)) {
		kerr("headers too long");
		r->refused = 1;
		return 0;
	}
	return 1;
}

int
resp_header(struct resp *r, const char *name, const char *value)
{
	return resp_headern(r, name, value, strlen(value));
}

/*
 * Set cookie NAME (without prefix) to value.  With cookie_secure it is
 * "__Host-NAME" with Secure; always Path=/, HttpOnly, SameSite=Lax.
 * maxage < 0: a session cookie; 0: delete it.  The value must be
 * RFC 6265 cookie-octets.  Returns 1, or 0 if refused (as for headers).
 */
int
resp_cookie(struct resp *r, const struct config *cfg, const char *name,
    const char *value, long long maxage)
{
	struct buf	 b;
	const char	*p;
	int		 c, rc = 0;

	buf_init(&b, 4096);
	for (p = value; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' ||
		    c == ';' || c == '\\') {
			kerr("refused value of cookie %s", name);
			r->refused = 1;
			goto out;
		}
	}
	if (!tokenok(name)) {
		kerr("refused cookie name");
		r->refused = 1;
		goto out;
	}
	buf_printf(&b, "%s%s=%s; Path=/", cfg->cookie_secure ? "__Host-" : "",
	    name, value);
	if (maxage >= 0)
		buf_printf(&b, "; Max-Age=%lld", maxage);
	if (cfg->cookie_secure)
		buf_puts(&b, "; Secure");
	buf_puts(&b, "; HttpOnly; SameSite=Lax");
	if (!buf_ok(&b)) {
		kerr("cookie %s too long", name);
		r->refused = 1;
		goto out;
	}
	rc = resp_headern(r, "Set-Cookie", b.p, b.len);
out:
	buf_free(&b);
	return rc;
}

/*
 * 1 if path may follow the service's own prefix in a Location: it
 * starts with "/", holds only [A-Za-z0-9/_-.?=&%], no "//" anywhere
 * (so no scheme-relative URL), no "." or ".." segment, and no more than
 * REDIRECT_MAX bytes.  A backslash, a colon (scheme) or any other
 * character fails the first rule.
 */
int
resp_safe_path(const char *path)
{
	const char	*p, *seg;
	int		 inquery = 0;

	if (path == NULL || path[0] != '/' ||
	    strnlen(path, REDIRECT_MAX + 1) > REDIRECT_MAX ||
	    strstr(path, "//") != NULL)
		return 0;
	for (p = path; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') &&
		    strchr("/_-.?=&%", *p) == NULL)
			return 0;
	/* Dot segments, before any query. */
	for (seg = path + 1, p = seg; !inquery; p++) {
		if (*p == '/' || *p == '?' || *p == '\0') {
			if ((p - seg == 1 && seg[0] == '.') ||
			    (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*p != '/')
				inquery = 1;
			seg = p + 1;
		}
	}
	return 1;
}

/*
 * A 303 See Other to the service's own path (cfg->cgi_path + path).
 * A path resp_safe_path() refuses is replaced by "/", the service root:
 * never an open redirect.  Returns what resp_header() returns.
 */
int
resp_redirect(struct resp *r, const struct config *cfg, const char *path)
{
	struct buf	 b;
	size_t		 plen;
	int		 rc;

	if (!resp_safe_path(path))
		path = "/";
	plen = strlen(cfg->cgi_path);
	while (plen > 0 && cfg->cgi_path[plen - 1] == '/')
		plen--;
	buf_init(&b, REDIRECT_MAX * 2);
	buf_putn(&b, cfg->cgi_path, plen);
	buf_puts(&b, path);
	r->status = 303;
	rc = buf_ok(&b) && resp_headern(r, "Location", b.p, b.len);
	buf_free(&b);
	return rc;
}

/*
 * Append the whole CGI response to out: status, the security headers,
 * the extra headers, and the body unless RESP_HEAD.  A refused or
 * overflowed response becomes a bare 500 here (callers that can render
 * a nicer page do so before).  Returns 1 if the response was the one
 * built, 0 if it was replaced.
 */
int
resp_emit(struct resp *r, struct buf *out)
{
	const char	*reason, *ctype;
	const char	*body;
	size_t		 bodysz;
	int		 status, ok;

	ok = !r->refused && buf_ok(&r->hdr) && buf_ok(&r->body) &&
	    resp_reason(r->status) != NULL;
	status = ok ? r->status : 500;
	reason = resp_reason(status);
	ctype = ok ? r->ctype : "text/plain; charset=utf-8";
	body = ok ? buf_str(&r->body) : "サーバーの内部エラーが発生しました。\n";
	bodysz = ok ? r->body.len : strlen(body);

	buf_printf(out, "Status: %d %s\r\n", status, reason);
	buf_printf(out, "Content-Type: %s\r\n", ctype);
	buf_printf(out, "Content-Length: %zu\r\n", bodysz);
	buf_puts(out, "Content-Security-Policy: " CSP "\r\n");
	buf_puts(out, "X-Frame-Options: DENY\r\n");
	buf_puts(out, "X-Content-Type-Options: nosniff\r\n");
	buf_printf(out, "Referrer-Policy: %s\r\n",
	    (r->flags & RESP_NOREFERRER) ? "no-referrer" : "same-origin");
	buf_printf(out, "Cache-Control: %s\r\n",
	    !ok || (r->flags & RESP_NOSTORE) ? "no-store" : "no-cache");
	buf_puts(out, "X-Robots-Tag: noindex, nofollow\r\n");
	if (ok)
		buf_putn(out, r->hdr.p != NULL ? r->hdr.p : "", r->hdr.len);
	buf_puts(out, "\r\n");
	if (!(r->flags & RESP_HEAD))
		buf_putn(out, body, bodysz);
	return ok;
}
