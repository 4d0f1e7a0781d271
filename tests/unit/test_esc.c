/*
 * test_esc.c: unit tests of lib/esc.c: a table of XSS, URL-scheme, JSON
 * and CSV-injection vectors, each with its exact escaped output.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "t.h"

enum ctx {
	CTX_HTML,
	CTX_URL,
	CTX_URLCOMP,
	CTX_JSON,
	CTX_CSV,
	CTX__MAX
};

static const char *const ctx_names[CTX__MAX] = {
	"html",
	"url",
	"urlcomp",
	"json",
	"csv",
};

/*
 * One vector: context, input (len 0 means strlen; inputs with NUL give
 * it), exact output, and for CTX_URL whether the URL must be kept.
 */
struct vec {
	enum ctx	 ctx;
	const char	*in;
	size_t		 len;
	const char	*want;
	int		 kept;
};

static const struct vec vecs[] = {
	/* HTML text and attributes. */
	{ CTX_HTML, "<script>alert(1)</script>", 0,
	  "&lt;script&gt;alert(1)&lt;/script&gt;", 0 },
	{ CTX_HTML, "\" onmouseover=\"alert(1)", 0,
	  "&quot; onmouseover=&quot;alert(1)", 0 },
	{ CTX_HTML, "' onfocus='alert(1)' autofocus='", 0,
	  "&#39; onfocus=&#39;alert(1)&#39; autofocus=&#39;", 0 },
	{ CTX_HTML, "<img src=x onerror=alert(1)>", 0,
	  "&lt;img src=x onerror=alert(1)&gt;", 0 },
	{ CTX_HTML, "<svg/onload=alert(1)>", 0,
	  "&lt;svg/onload=alert(1)&gt;", 0 },
	{ CTX_HTML, "\"><iframe src=javascript:alert(1)>", 0,
	  "&quot;&gt;&lt;iframe src=javascript:alert(1)&gt;", 0 },
	{ CTX_HTML, "</title><script>x</script>", 0,
	  "&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;", 0 },
	{ CTX_HTML, "&lt;script&gt;", 0, "&amp;lt;script&amp;gt;", 0 },
	{ CTX_HTML, "a\0<b", 4, "a&lt;b", 0 },
	{ CTX_HTML, "山口<県>ＮＰＯ", 0, "山口&lt;県&gt;ＮＰＯ", 0 },
	{ CTX_HTML, "", 0, "", 0 },

	/* URLs in href/src: refused schemes. */
	{ CTX_URL, "javascript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "JaVaScRiPt:alert(1)", 0, "#", 0 },
	{ CTX_URL, "java\tscript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "java\nscript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "java\0script:alert(1)", 20, "#", 0 },
	{ CTX_URL, " javascript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "\x01\x1f javascript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "javascript :alert(1)", 0, "#", 0 },
	{ CTX_URL, "\xC2\xA0javascript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "ｊａｖａｓｃｒｉｐｔ:alert(1)", 0, "#", 0 },
	{ CTX_URL, "%6Aavascript:alert(1)", 0, "#", 0 },
	{ CTX_URL, "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	  0, "#", 0 },
	{ CTX_URL, "DATA:text/html,<script>alert(1)</script>", 0, "#", 0 },
	{ CTX_URL, "vbscript:msgbox(1)", 0, "#", 0 },
	{ CTX_URL, "VBScript:msgbox(1)", 0, "#", 0 },
	{ CTX_URL, "file:///etc/passwd", 0, "#", 0 },
	{ CTX_URL, "ftp://example.jp/", 0, "#", 0 },
	{ CTX_URL, "https://example.jp/a\nb", 0, "#", 0 },
	{ CTX_URL, "https://example.jp/\x7f", 0, "#", 0 },

	/* URLs: entity text is not a scheme; it stays literal. */
	{ CTX_URL, "&#106;avascript:alert(1)", 0,
	  "&amp;#106;avascript:alert(1)", 1 },
	{ CTX_URL, "jav&#x09;ascript:alert(1)", 0,
	  "jav&amp;#x09;ascript:alert(1)", 1 },
	{ CTX_URL, "javascript&colon;alert(1)", 0,
	  "javascript&amp;colon;alert(1)", 1 },

	/* URLs: kept, attribute-escaped. */
	{ CTX_URL, "https://example.jp/?q=a&b=\"x\"", 0,
	  "https://example.jp/?q=a&amp;b=&quot;x&quot;", 1 },
	{ CTX_URL, "http://a.jp/\" onmouseover=\"alert(1)", 0,
	  "http://a.jp/&quot; onmouseover=&quot;alert(1)", 1 },
	{ CTX_URL, "https://a.jp/'><script>", 0,
	  "https://a.jp/&#39;&gt;&lt;script&gt;", 1 },
	{ CTX_URL, "HTTP://EXAMPLE.JP/", 0, "HTTP://EXAMPLE.JP/", 1 },
	{ CTX_URL, "HtTpS://example.jp/", 0, "HtTpS://example.jp/", 1 },
	{ CTX_URL, "mailto:info@kenmin.pref.yamaguchi.lg.jp", 0,
	  "mailto:info@kenmin.pref.yamaguchi.lg.jp", 1 },
	{ CTX_URL, "tel:083-000-0000", 0, "tel:083-000-0000", 1 },
	{ CTX_URL, "  https://a.jp/  ", 0, "https://a.jp/", 1 },
	{ CTX_URL, "https://a.jp/\r\n", 0, "https://a.jp/", 1 },
	{ CTX_URL, "/boranet201909/", 0, "/boranet201909/", 1 },
	{ CTX_URL, "#top", 0, "#top", 1 },
	{ CTX_URL, "?page=2&sort=new", 0, "?page=2&amp;sort=new", 1 },
	{ CTX_URL, "dir/a:b", 0, "dir/a:b", 1 },
	{ CTX_URL, "//cdn.example.jp/x.png", 0, "//cdn.example.jp/x.png", 1 },
	{ CTX_URL, "", 0, "", 1 },

	/* URL components. */
	{ CTX_URLCOMP, "a b&c=d/é", 0, "a%20b%26c%3Dd%2F%C3%A9", 0 },
	{ CTX_URLCOMP, "-._~AZaz09", 0, "-._~AZaz09", 0 },
	{ CTX_URLCOMP, "\"><script>", 0, "%22%3E%3Cscript%3E", 0 },
	{ CTX_URLCOMP, "福祉", 0, "%E7%A6%8F%E7%A5%89", 0 },

	/* JSON string contents, safe inside <script>. */
	{ CTX_JSON, "</script><script>alert(1)</script>", 0,
	  "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
	  "\\u003c/script\\u003e", 0 },
	{ CTX_JSON, "<!--", 0, "\\u003c!--", 0 },
	{ CTX_JSON, "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", 0,
	  "a\\u2028b\\u2029c", 0 },
	{ CTX_JSON, "\"quoted\" \\ back", 0,
	  "\\\"quoted\\\" \\\\ back", 0 },
	{ CTX_JSON, "\"};alert(1);//", 0, "\\\"};alert(1);//", 0 },
	{ CTX_JSON, "line\nnext\ttab\x01\x1f\x7f", 0,
	  "line\\u000anext\\u0009tab\\u0001\\u001f\\u007f", 0 },
	{ CTX_JSON, "a\0b", 3, "a\\u0000b", 0 },
	{ CTX_JSON, "' & '", 0, "\\u0027 \\u0026 \\u0027", 0 },
	{ CTX_JSON, "山口 ＮＰＯ \xF0\x9F\x98\x80", 0,
	  "山口 ＮＰＯ \xF0\x9F\x98\x80", 0 },
	{ CTX_JSON, "ok\xFF" "end", 0, "ok\\ufffdend", 0 },
	{ CTX_JSON, "\xED\xA0\x80", 0, "\\ufffd\\ufffd\\ufffd", 0 },
	{ CTX_JSON, "a\xE3\x81", 0, "a\\ufffd\\ufffd", 0 },
	{ CTX_JSON, "\xC0\xBC", 0, "\\ufffd\\ufffd", 0 },

	/* CSV fields: quoting and formula injection. */
	{ CTX_CSV, "=HYPERLINK(\"http://evil.example/\",\"click\")", 0,
	  "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\"", 0 },
	{ CTX_CSV, "+cmd|' /C calc'!A0", 0, "\"'+cmd|' /C calc'!A0\"", 0 },
	{ CTX_CSV, "-1+1", 0, "\"'-1+1\"", 0 },
	{ CTX_CSV, "@SUM(1+1)*cmd|' /C calc'!A0", 0,
	  "\"'@SUM(1+1)*cmd|' /C calc'!A0\"", 0 },
	{ CTX_CSV, "\t=1+1", 0, "\"'\t=1+1\"", 0 },
	{ CTX_CSV, "\r=1+1", 0, "\"'\r=1+1\"", 0 },
	{ CTX_CSV, "  =1+1", 0, "\"'  =1+1\"", 0 },
	{ CTX_CSV, "　=1+1", 0, "\"'　=1+1\"", 0 },
	{ CTX_CSV, "＝SUM(A1:A9)", 0, "\"'＝SUM(A1:A9)\"", 0 },
	{ CTX_CSV, "＋1", 0, "\"'＋1\"", 0 },
	{ CTX_CSV, "－1", 0, "\"'－1\"", 0 },
	{ CTX_CSV, "＠SUM", 0, "\"'＠SUM\"", 0 },
	{ CTX_CSV, "say \"hi\"", 0, "\"say \"\"hi\"\"\"", 0 },
	{ CTX_CSV, "\"", 0, "\"\"\"\"", 0 },
	{ CTX_CSV, "line1\nline2,x", 0, "\"line1\nline2,x\"", 0 },
	{ CTX_CSV, "a\r\nb", 0, "\"a\r\nb\"", 0 },
	{ CTX_CSV, "", 0, "\"\"", 0 },
	{ CTX_CSV, "   ", 0, "\"   \"", 0 },
	{ CTX_CSV, "山口県", 0, "\"山口県\"", 0 },
	{ CTX_CSV, "a=1", 0, "\"a=1\"", 0 },
	{ CTX_CSV, "083-000-0000", 0, "\"083-000-0000\"", 0 },
	{ CTX_CSV, "ＮＰＯ法人", 0, "\"ＮＰＯ法人\"", 0 },
};

/* Make a printable test name: control bytes would split the line. */
static void
vec_name(char *name, size_t sz, size_t i, const struct vec *v)
{
	char	*p;

	snprintf(name, sz, "%s %zu: %s", ctx_names[v->ctx], i, v->in);
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
test_vectors(void)
{
	const struct vec	*v;
	struct buf		 b;
	char			 name[160], name2[192];
	size_t			 i, len;
	int			 kept;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		v = &vecs[i];
		len = v->len != 0 ? v->len : strlen(v->in);
		buf_init(&b, 0);
		kept = -1;
		switch (v->ctx) {
		case CTX_HTML:
			esc_html(&b, v->in, len);
			break;
		case CTX_URL:
			kept = esc_url(&b, v->in, len);
			break;
		case CTX_URLCOMP:
			esc_urlcomp(&b, v->in, len);
			break;
		case CTX_JSON:
			esc_json(&b, v->in, len);
			break;
		case CTX_CSV:
			esc_csv(&b, v->in, len);
			break;
		default:
			break;
		}
		vec_name(name, sizeof(name), i, v);
		T_STREQ(buf_str(&b), v->want, name);
		if (v->ctx == CTX_URL) {
			snprintf(name2, sizeof(name2), "%s (kept flag)",
			    name);
			T_OK(kept == v->kept, name2);
		}
		T_OK(buf_ok(&b), "buffer ok");
		buf_free(&b);
	}
}

int
main(void)
{
	struct buf	 b;

	test_vectors();

	/* The BOM, then a row: what the admin CSV export writes. */
	buf_init(&b, 0);
	esc_csv_bom(&b);
	esc_csv(&b, "団体名", strlen("団体名"));
	T_OK(b.len == 3 + 11 && memcmp(b.p, "\xEF\xBB\xBF\"団体名\"", 14) == 0,
	    "csv: BOM then field");
	buf_free(&b);

	/* Appends: escapers add to what is there, never replace it. */
	buf_init(&b, 0);
	buf_puts(&b, "<a href=\"");
	esc_url(&b, "javascript:x", 12);
	buf_puts(&b, "\">");
	esc_html(&b, "<b>", 3);
	T_STREQ(buf_str(&b), "<a href=\"#\">&lt;b&gt;", "escapers append");
	buf_free(&b);

	/* A NULL value prints as the empty string in every context. */
	buf_init(&b, 0);
	esc_html(&b, NULL, 0);
	esc_json(&b, NULL, 0);
	esc_urlcomp(&b, NULL, 0);
	T_OK(esc_url(&b, NULL, 0) == 1, "url: NULL kept as empty");
	esc_csv(&b, NULL, 0);
	T_STREQ(buf_str(&b), "\"\"", "NULL input: only the CSV quotes");
	buf_free(&b);

	/* Expansion respects the buffer maximum. */
	buf_init(&b, 8);
	esc_html(&b, "<<<", 3);
	T_OK(!buf_ok(&b), "html: expansion past max overflows");
	T_OK(b.len <= 8, "html: never past max");
	buf_free(&b);

	buf_init(&b, 8);
	esc_json(&b, "\xE2\x80\xA8\xE2\x80\xA8", 6);
	T_OK(!buf_ok(&b), "json: expansion past max overflows");
	buf_free(&b);

	return t_done();
}
