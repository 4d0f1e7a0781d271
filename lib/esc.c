/*
 * esc.c: the output escapers (HTML text and attributes, URLs, JSON, CSV);
 * every value the programs print goes through one of these.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "text.h"
#include "util.h"

/* Schemes a link may carry; anything else becomes "#". */
static const char *const url_schemes[] = {
	"http",
	"https",
	"mailto",
	"tel",
};

/* The entity for an HTML-special byte, "" for NUL, NULL for the rest. */
static const char *
html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\0':
		return "";
	default:
		return NULL;
	}
}

/*
 * & < > " ' become entities.  NUL bytes are dropped: HTML parsers turn
 * them into U+FFFD or ignore them, and no kenmin text carries one.
 * Runs that need nothing are copied in one piece.
 */
void
esc_html(struct buf *b, const char *s, size_t len)
{
	const char	*ent;
	size_t		 i, start;

	if (s == NULL)
		return;
	for (i = start = 0; i < len; i++) {
		if ((ent = html_entity(s[i])) == NULL)
			continue;
		buf_putn(b, s + start, i - start);
		buf_puts(b, ent);
		start = i + 1;
	}
	buf_putn(b, s + start, len - start);
}

/* ASCII lower case without the locale. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Whether s[0..len) may appear in an href.  The URL has already been
 * trimmed.  Control characters are refused anywhere, because browsers
 * delete TAB/LF/CR inside URLs ("java\tscript:" runs as "javascript:").
 * A ':' before the first '/', '?' or '#' means a scheme, which must be one
 * of url_schemes in any case; a scheme-like prefix with other characters
 * (space, non-ASCII, '%', ...) is refused rather than guessed at.
 */
static int
url_allowed(const char *s, size_t len)
{
	size_t	 i, colon, j, k;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return 0;
	for (colon = 0; colon < len; colon++)
		if (strchr(":/?#", s[colon]) != NULL)
			break;
	if (colon == len || s[colon] != ':')
		return 1;	/* relative: "/…", "#…", "?…", "a/b:c" */
	for (k = 0; k < KENMIN_NELEM(url_schemes); k++) {
		if (strlen(url_schemes[k]) != colon)
			continue;
		for (j = 0; j < colon; j++)
			if (lower((unsigned char)s[j]) != url_schemes[k][j])
				break;
		if (j == colon)
			return 1;
	}
	return 0;
}

/*
 * Leading and trailing bytes up to U+0020 are trimmed first, as the
 * WHATWG URL parser does, so " javascript:" is judged as "javascript:".
 * An empty URL is kept (empty output): it links to the page itself.
 */
int
esc_url(struct buf *b, const char *s, size_t len)
{
	if (s == NULL)
		return 1;
	while (len > 0 && (unsigned char)s[0] <= 0x20) {
		s++;
		len--;
	}
	while (len > 0 && (unsigned char)s[len - 1] <= 0x20)
		len--;
	if (!url_allowed(s, len)) {
		buf_putc(b, '#');
		return 0;
	}
	esc_html(b, s, len);
	return 1;
}

void
esc_urlcomp(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i;

	for (i = 0; s != NULL && i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_putc(b, (char)c);
			continue;
		}
		buf_putc(b, '%');
		buf_putc(b, hex[c >> 4]);
		buf_putc(b, hex[c & 0x0F]);
	}
}

/* Length of a UTF-8 sequence by its lead byte (0: cannot lead). */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/*
 * Quote and backslash get their short escapes; every other byte below
 * 0x20, DEL, < > & ' and U+2028/U+2029 become \u escapes, so the output
 * can sit inside <script> and in a JavaScript string literal.  Bytes that
 * are not well-formed UTF-8 become \ufffd: the result is always valid
 * JSON text.
 */
void
esc_json(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n;

	for (i = 0; p != NULL && i < len; i += n) {
		n = 1;
		if (p[i] == '"')
			buf_puts(b, "\\\"");
		else if (p[i] == '\\')
			buf_puts(b, "\\\\");
		else if (p[i] < 0x20 || p[i] == 0x7F || p[i] == '<' ||
		    p[i] == '>' || p[i] == '&' || p[i] == '\'')
			buf_printf(b, "\\u%04x", p[i]);
		else if (p[i] < 0x80)
			buf_putc(b, (char)p[i]);
		else if ((n = utf8_len(p[i])) == 0 || n > len - i ||
		    !text_utf8_valid(s + i, n)) {
			buf_puts(b, "\\ufffd");
			n = 1;
		} else if (n == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
			buf_puts(b, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
		else
			buf_putn(b, s + i, n);
	}
}

/*
 * Whether a CSV field would start a formula in Excel or LibreOffice.
 * Leading ASCII and ideographic spaces are skipped first (spreadsheets
 * may trim them on import), and the full-width ＝ ＋ － ＠ count as
 * well, in case an import or IME width conversion turns them into
 * formula starters; a stray ' in such a field is the cheaper mistake.
 */
static int
csv_formula(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0;

	for (;;) {
		if (i < len && p[i] == ' ')
			i++;
		else if (len - i >= 3 && p[i] == 0xE3 && p[i + 1] == 0x80 &&
		    p[i + 2] == 0x80)
			i += 3;
		else
			break;
	}
	if (i == len)
		return 0;
	if (strchr("=+-@\t\r", p[i]) != NULL && p[i] != '\0')
		return 1;
	/* U+FF0B ＋, U+FF0D －, U+FF1D ＝, U+FF20 ＠ */
	if (len - i >= 3 && p[i] == 0xEF && p[i + 1] == 0xBC &&
	    (p[i + 2] == 0x8B || p[i + 2] == 0x8D || p[i + 2] == 0x9D ||
	    p[i + 2] == 0xA0))
		return 1;
	return 0;
}

/*
 * The field is always quoted, embedded quotes doubled, newlines kept
 * (legal inside quotes).  A field that csv_formula() flags gets a
 * leading ' so the spreadsheet shows it as text.
 */
void
esc_csv(struct buf *b, const char *s, size_t len)
{
	size_t	 i, start;

	if (s == NULL)
		len = 0;
	buf_putc(b, '"');
	if (len > 0 && csv_formula(s, len))
		buf_putc(b, '\'');
	for (i = start = 0; i < len; i++) {
		if (s[i] != '"')
			continue;
		buf_putn(b, s + start, i + 1 - start);
		buf_putc(b, '"');
		start = i + 1;
	}
	if (len > 0)
		buf_putn(b, s + start, len - start);
	buf_putc(b, '"');
}

void
esc_csv_bom(struct buf *b)
{
	buf_putn(b, "\xEF\xBB\xBF", 3);
}
