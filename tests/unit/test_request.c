/*
 * test_request.c: formsvc's request parsers, validators and the framing
 * between the sandboxed parser and the parent, run in-process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "buf.h"
#include "extern.h"

enum tkey { TK_A, TK_B, TK_NUM, TK_FILE, TK_SID, TK__MAX };

static const struct kkey tkeys[TK__MAX] = {
	{ "a", kvalid_string, 0, 5 },
	{ "b", kvalid_text, 0, 0 },
	{ "num", kvalid_int, 1, 10 },
	{ "file", kvalid_file, 0, 0 },
	{ "sid", kvalid_token, 0, 0 },
};

static struct reqspec spec = { tkeys, TK__MAX, NULL, 1 };

/* Parse s as a urlencoded body into a fresh req; returns the status. */
static enum req_status
urlenc(struct req *req, const char *s)
{
	enum req_status	 rc;

	req_init(req, TK__MAX);
	rc = req_parse_urlenc(req, &spec, KSRC_BODY, s, strlen(s));
	req_index(req);
	return rc;
}

static enum req_status
multipart(struct req *req, const char *ctype, const char *s, size_t len)
{
	enum req_status	 rc;

	req_init(req, TK__MAX);
	rc = req_parse_multipart(req, &spec, ctype, s, len);
	req_index(req);
	return rc;
}

static void
test_urlenc(void)
{
	struct req		 req;
	const struct kfield	*f;
	struct buf		 b;
	int			 i;

	T_OK(urlenc(&req, "a=1&b=%E3%81%82+x&a=2&&c=9&num") == REQ_OK,
	    "urlenc parses");
	f = req_get(&req, KSRC_BODY, TK_A);
	T_STREQ(f != NULL ? f->val : NULL, "1", "urlenc first value");
	T_STREQ(f != NULL && f->next != NULL ? f->next->val : NULL, "2",
	    "urlenc repeated key chained");
	f = req_get(&req, KSRC_BODY, TK_B);
	T_STREQ(f != NULL ? f->val : NULL, "あ x", "urlenc decodes % and +");
	T_OK(req_get(&req, KSRC_QUERY, TK_A) == NULL, "sources kept apart");
	T_OK(req.fieldsz == 4, "undeclared key dropped");
	f = req_get_invalid(&req, KSRC_BODY, TK_NUM);
	T_OK(f != NULL && f->valsz == 0, "key without '=' is empty, invalid int");
	req_free(&req);

	T_OK(urlenc(&req, "a=%4") == REQ_BAD, "short escape refused");
	req_free(&req);
	T_OK(urlenc(&req, "a=%g0") == REQ_BAD, "non-hex escape refused");
	req_free(&req);
	T_OK(urlenc(&req, "a=%ff") == REQ_BAD_UTF8, "bad UTF-8 refused");
	req_free(&req);
	T_OK(urlenc(&req, "zz=%C0%80") == REQ_BAD_UTF8,
	    "overlong NUL refused, even for undeclared keys");
	req_free(&req);
	T_OK(urlenc(&req, "a=x%00y") == REQ_BAD_UTF8, "NUL refused");
	req_free(&req);
	T_OK(urlenc(&req, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaa=1") == REQ_BAD, "65-byte name refused");
	req_free(&req);
	T_OK(urlenc(&req, "a=123456") == REQ_OK &&
	    req_get(&req, KSRC_BODY, TK_A) == NULL &&
	    req_get_invalid(&req, KSRC_BODY, TK_A) != NULL,
	    "string over its max is invalid, not an error");
	req_free(&req);

	buf_init(&b, 0);
	for (i = 0; i < REQ_FIELDS_MAX; i++)
		buf_puts(&b, "x=1&");
	T_OK(urlenc(&req, buf_str(&b)) == REQ_OK, "256 fields accepted");
	req_free(&req);
	buf_puts(&b, "x=1");
	T_OK(urlenc(&req, buf_str(&b)) == REQ_TOO_LARGE, "257 fields refused");
	req_free(&req);
	buf_free(&b);
}

static void
test_multipart(void)
{
	static const char body[] =
	    "preamble\r\n--AaB03x\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "hi\r\n--AaB03x \r\n"
	    "content-disposition: form-data; name=\"file\"; "
	    "filename=\"../../etc/pa\\\"sswd\"\r\n"
	    "Content-Type: image/png\r\n\r\n"
	    "\x89PNG\r\n\0\r\n--AaB0\r\n"
	    "\r\n--AaB03x--\r\nepilogue";
	struct req		 req;
	const struct kfield	*f;
	const char		*s;

	T_OK(multipart(&req, "multipart/form-data; boundary=\"AaB03x\"",
	    body, sizeof(body) - 1) == REQ_OK, "multipart parses");
	f = req_get(&req, KSRC_BODY, TK_A);
	T_STREQ(f != NULL ? f->val : NULL, "hi", "multipart text part");
	T_OK(f != NULL && f->file == NULL, "text part has no file name");
	f = req_get(&req, KSRC_BODY, TK_FILE);
	T_STREQ(f != NULL ? f->file : NULL, "pa\"sswd",
	    "file name: path dropped, quoted-pair kept");
	T_STREQ(f != NULL ? f->ctype : NULL, "image/png", "part content type");
	T_OK(f != NULL && f->valsz == 17 &&
	    memcmp(f->val, "\x89PNG\r\n\0\r\n--AaB0\r\n", 17) == 0,
	    "file bytes intact, near-boundary kept");
	req_free(&req);

	s = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD, "truncated part refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD, "part without name refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\n"
	    "x\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD, "folded header refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	    "Content-Type: multipart/mixed; boundary=c\r\n\r\nx\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD, "nested multipart/mixed refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n"
	    "x\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD, "non form-data disposition refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "x\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data", s, strlen(s)) == REQ_BAD,
	    "missing boundary refused");
	req_free(&req);
	T_OK(multipart(&req, "multipart/form-data; boundary=\"b", s,
	    strlen(s)) == REQ_BAD, "unterminated quoted boundary refused");
	req_free(&req);
	s = "--b\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"\xe3\x81.txt\"\r\n\r\nx\r\n--b--";
	T_OK(multipart(&req, "multipart/form-data; boundary=b", s,
	    strlen(s)) == REQ_BAD_UTF8, "bad UTF-8 file name refused");
	req_free(&req);
}

static void
test_cookies(void)
{
	struct req		 req;
	const struct kfield	*f;
	const char		*tok = "0123456789abcdef0123";

	req_init(&req, TK__MAX);
	spec.cookie_host = 1;
	req_parse_cookies(&req, &spec,
	    "sid=plainplainplainplain; __Host-sid=\"0123456789abcdef0123\";"
	    " a=b c; =x; junk");
	req_index(&req);
	f = req_get(&req, KSRC_COOKIE, TK_SID);
	T_STREQ(f != NULL ? f->val : NULL, tok, "__Host- cookie, quotes off");
	T_OK(f != NULL && f->next == NULL, "unprefixed cookie ignored");
	T_OK(req_get(&req, KSRC_COOKIE, TK_A) == NULL &&
	    req_get_invalid(&req, KSRC_COOKIE, TK_A) == NULL,
	    "space in cookie value: dropped");
	req_free(&req);

	req_init(&req, TK__MAX);
	spec.cookie_host = 0;
	req_parse_cookies(&req, &spec, "__Host-sid=0123456789abcdef0123");
	req_index(&req);
	T_OK(req_get(&req, KSRC_COOKIE, TK_SID) == NULL,
	    "prefixed cookie ignored when cookies are not Secure");
	req_free(&req);
	spec.cookie_host = 1;
}

/* Run validator fn on value s with bounds min, max. */
static int
v(kvalid_fn fn, const char *s, long long min, long long max)
{
	struct kkey	 k = { "k", fn, min, max };
	struct kfield	 f;

	memset(&f, 0, sizeof(f));
	f.val = (char *)(uintptr_t)s;
	f.valsz = strlen(s);
	return fn(&f, &k);
}

static void
test_validators(void)
{
	struct kkey	 k = { "d", kvalid_date, 0, 0 };
	struct kfield	 f;

	T_OK(v(kvalid_int, "10", 1, 10) && v(kvalid_int, "-3", -5, 5),
	    "int in range");
	T_OK(!v(kvalid_int, "11", 1, 10) && !v(kvalid_int, " 5", 1, 10) &&
	    !v(kvalid_int, "+5", 1, 10) && !v(kvalid_int, "5x", 1, 10) &&
	    !v(kvalid_int, "", 1, 10) &&
	    !v(kvalid_int, "99999999999999999999", 0, 10), "int refused");
	T_OK(v(kvalid_string, "山口県", 1, 3) && !v(kvalid_string, "山口県庁", 1, 3),
	    "string length in code points");
	T_OK(!v(kvalid_string, "a\nb", 0, 0) && v(kvalid_text, "a\r\nb\tc", 0, 0)
	    && !v(kvalid_text, "a\x1b", 0, 0), "line vs text control chars");
	T_OK(v(kvalid_email, "info@npo-yamaguchi.example.jp", 0, 0) &&
	    v(kvalid_email, "a.b+c@x.jp", 0, 0), "e-mail accepted");
	T_OK(!v(kvalid_email, "a@b", 0, 0) && !v(kvalid_email, "a@@b.jp", 0, 0)
	    && !v(kvalid_email, ".a@b.jp", 0, 0) &&
	    !v(kvalid_email, "a..b@b.jp", 0, 0) &&
	    !v(kvalid_email, "a@-b.jp", 0, 0) &&
	    !v(kvalid_email, "a@b..jp", 0, 0) &&
	    !v(kvalid_email, "a b@b.jp", 0, 0) &&
	    !v(kvalid_email, "a@b.jp\r\nBcc: x@y.jp", 0, 0) &&
	    !v(kvalid_email, "あ@b.jp", 0, 0), "e-mail refused");
	T_OK(v(kvalid_date, "2024-02-29", 0, 0) && v(kvalid_date, "2000-02-29", 0, 0)
	    && !v(kvalid_date, "1900-02-29", 0, 0) &&
	    !v(kvalid_date, "2023-02-29", 0, 0) &&
	    !v(kvalid_date, "2023-04-31", 0, 0) &&
	    !v(kvalid_date, "2023-4-01", 0, 0) &&
	    !v(kvalid_date, "2023-13-01", 0, 0), "dates");
	memset(&f, 0, sizeof(f));
	f.val = (char *)(uintptr_t)"2025-03-31";
	f.valsz = 10;
	T_OK(kvalid_date(&f, &k) && f.ival == 20250331, "date ival");
	T_OK(v(kvalid_login, "user_01", 0, 0) && !v(kvalid_login, "ab", 0, 0) &&
	    !v(kvalid_login, "_user", 0, 0) && !v(kvalid_login, "a b c", 0, 0),
	    "login");
	T_OK(v(kvalid_password, "やまぐちけんみん", 0, 0) &&
	    !v(kvalid_password, "1234567", 0, 0), "password: 8 characters");
	T_OK(v(kvalid_password, "Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!"
	    "Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!", 0, 0), "password: 64 characters");
	T_OK(v(kvalid_token, "abcdefghijklmnop_-09", 0, 0) &&
	    !v(kvalid_token, "abcdefghijklmnop+/", 0, 0) &&
	    !v(kvalid_token, "short", 0, 0), "token");
	T_OK(v(kvalid_bool, "on", 0, 0) && v(kvalid_bool, "", 0, 0) &&
	    !v(kvalid_bool, "2", 0, 0), "bool");
	T_OK(!v(kvalid_file, "data", 0, 0), "file validator needs a file part");
}

/* Write buf to a pipe and read it back as a frame. */
static enum req_status
readback(const void *p, size_t sz, struct req *out)
{
	int		 fds[2];
	enum req_status	 rc;

	if (pipe(fds) < 0)
		return REQ__MAX;
	if (write(fds[1], p, sz) != (ssize_t)sz)
		return REQ__MAX;
	close(fds[1]);
	req_init(out, TK__MAX);
	rc = req_read(fds[0], out, &spec);
	close(fds[0]);
	return rc;
}

static void
test_framing(void)
{
	static const char body[] =
	    "--b\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"a.bin\"\r\n\r\n\0\1\2\r\n--b--";
	struct req		 req, back;
	const struct kfield	*f;
	struct buf		 b;
	char			*frame = NULL;
	size_t			 framesz = 0;
	int			 fds[2];
	ssize_t			 n;
	enum req_status		 rc;
	uint32_t		 bad;

	multipart(&req, "multipart/form-data; boundary=b", body,
	    sizeof(body) - 1);
	req_parse_urlenc(&req, &spec, KSRC_QUERY, "num=7&a=xyz", 11);
	req_index(&req);
	T_OK(pipe(fds) == 0 && req_write(fds[1], REQ_OK, &req), "frame written");
	close(fds[1]);
	buf_init(&b, 0);
	while ((n = read(fds[0], &bad, 1)) == 1)
		buf_putn(&b, &bad, 1);
	close(fds[0]);
	frame = b.p;
	framesz = b.len;

	T_OK(readback(frame, framesz, &back) == REQ_OK, "frame read back");
	f = req_get(&back, KSRC_QUERY, TK_NUM);
	T_OK(f != NULL && f->ival == 7, "int and ival survive the frame");
	f = req_get(&back, KSRC_BODY, TK_FILE);
	T_OK(f != NULL && f->valsz == 3 && memcmp(f->val, "\0\1\2", 3) == 0 &&
	    strcmp(f->file, "a.bin") == 0, "file survives the frame");
	req_free(&back);

	T_OK(readback(frame, framesz - 1, &back) == REQ_FAIL &&
	    back.fieldsz == 0, "truncated frame refused, nothing kept");
	req_free(&back);
	buf_putc(&b, 'x');
	frame = b.p;
	T_OK(readback(frame, framesz + 1, &back) == REQ_FAIL,
	    "trailing bytes refused");
	req_free(&back);
	frame[0] = 'X';
	T_OK(readback(frame, framesz, &back) == REQ_FAIL, "bad magic refused");
	req_free(&back);
	frame[0] = 'K';
	/* First record's key index (after 12 bytes header and 4 flags). */
	memcpy(&bad, frame + 16, 4);
	bad = TK__MAX;
	memcpy(frame + 16, &bad, 4);
	T_OK(readback(frame, framesz, &back) == REQ_FAIL,
	    "key index out of range refused");
	req_free(&back);
	bad = 0xffffffffu;
	memcpy(frame + 8, &bad, 4);
	T_OK(readback(frame, framesz, &back) == REQ_FAIL,
	    "field count over the cap refused");
	req_free(&back);
	buf_free(&b);

	T_OK(pipe(fds) == 0 && req_write(fds[1], REQ_TOO_LARGE, &req),
	    "error frame written");
	close(fds[1]);
	req_init(&back, TK__MAX);
	rc = req_read(fds[0], &back, &spec);
	close(fds[0]);
	T_OK(rc == REQ_TOO_LARGE && back.fieldsz == 0,
	    "child status carried, no fields");
	req_free(&back);
	req_free(&req);
}

int
main(void)
{
	test_urlenc();
	test_multipart();
	test_cookies();
	test_validators();
	test_framing();
	return t_done();
}
