/*
 * text.c: strict UTF-8 validation and the NFKC + case + kana folding that
 * turns user text into search and duplicate-check keys (built on utf8proc).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "text.h"
#include "util.h"

/*
 * NFKC_Casefold as Unicode defines it: compatibility composition, full
 * case folding, and default-ignorable code points (ZERO WIDTH SPACE, SOFT
 * HYPHEN, variation selectors, ...) dropped so that invisible characters
 * cannot make two otherwise equal keys differ.
 */
#define NORM_FLAGS	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | \
			 UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/* Katakana ァ..ヶ fold onto hiragana ぁ..ゖ at this distance. */
#define KATA_FIRST	0x30A1
#define KATA_LAST	0x30F6
#define KATA_TO_HIRA	0x60

/*
 * Decode one code point from s[0..len).  Returns the length of the
 * sequence (1-4) and stores the code point in *cp, or 0 if the bytes are
 * not a well-formed sequence: truncated, stray continuation byte, overlong
 * form, UTF-16 surrogate, above U+10FFFF, or NUL.
 */
static size_t
decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned char	 c, lo, hi;
	size_t		 n, i;
	int32_t		 v;

	if (len == 0)
		return 0;
	c = s[0];
	lo = 0x80;
	hi = 0xBF;
	if (c == 0x00)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates U+D800..DFFF */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else
		return 0;	/* 80..C1 and F5..FF never lead */

	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		c = s[i];
		if (c < lo || c > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (c & 0x3F);
	}
	*cp = v;
	return n;
}

int
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n;
	int32_t			 cp;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i += n)
		if ((n = decode(p + i, len - i, &cp)) == 0)
			return 0;
	return 1;
}

size_t
text_utf8_count(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * White space for key purposes, judged after NFKC (which already turned
 * U+3000, U+00A0 and the U+2000 spaces into U+0020): the separator
 * categories, NEL, and every other control character, so that a stray
 * tab or CR separates words instead of gluing them.
 */
static int
is_key_space(int32_t cp)
{
	utf8proc_category_t	 cat;

	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return 1;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS ||
	    cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

/*
 * NFKC_Casefold via utf8proc, then katakana to hiragana and white-space
 * collapsing in one pass over the mapped text.  Returns a malloc'd string
 * the caller frees, or NULL when s is NULL or not valid UTF-8.
 */
char *
text_normalize(const char *s)
{
	utf8proc_uint8_t	*mapped = NULL;
	utf8proc_ssize_t	 mlen;
	utf8proc_uint8_t	 enc[4];
	utf8proc_ssize_t	 elen;
	struct buf		 b;
	size_t			 len, i, n;
	int32_t			 cp;
	int			 space;
	char			*rc = NULL;

	buf_init(&b, 0);
	if (s == NULL)
		goto out;
	len = strlen(s);
	if (!text_utf8_valid(s, len))
		goto out;
	mlen = utf8proc_map((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, &mapped, NORM_FLAGS);
	if (mlen < 0) {
		kerr("text_normalize: %s", utf8proc_errmsg(mlen));
		goto out;
	}

	space = 0;
	for (i = 0; i < (size_t)mlen; i += n) {
		if ((n = decode(mapped + i, (size_t)mlen - i, &cp)) == 0) {
			kerr("text_normalize: utf8proc produced bad UTF-8");
			goto out;
		}
		if (is_key_space(cp)) {
			space = b.len > 0;
			continue;
		}
		if (cp >= KATA_FIRST && cp <= KATA_LAST)
			cp -= KATA_TO_HIRA;
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		elen = utf8proc_encode_char(cp, enc);
		buf_putn(&b, enc, (size_t)elen);
	}
	if (!buf_ok(&b)) {
		kerr("text_normalize: result too long");
		goto out;
	}
	rc = buf_take(&b);
out:
	free(mapped);
	buf_free(&b);
	return rc;
}

/* Hiragana letters ぁ..ゖ and the iteration marks ゝ ゞ. */
static int
is_hira_letter(int32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E;
}

/*
 * The ふりがな rule: hiragana letters, ー (U+30FC), ・ (U+30FB),
 * ASCII space and U+3000; a combining (han)dakuten U+3099/U+309A is taken
 * only right after a letter, so decomposed input such as か+゙ passes.
 * At least one letter is required: white space alone is not a reading.
 */
int
text_is_hiragana(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len, i, n;
	int32_t			 cp;
	int			 letters = 0, after_letter = 0;

	if (s == NULL)
		return 0;
	len = strlen(s);
	for (i = 0; i < len; i += n) {
		if ((n = decode(p + i, len - i, &cp)) == 0)
			return 0;
		if (is_hira_letter(cp)) {
			letters++;
			after_letter = 1;
			continue;
		}
		if ((cp == 0x3099 || cp == 0x309A) && after_letter) {
			after_letter = 0;
			continue;
		}
		after_letter = 0;
		if (cp == 0x30FC || cp == 0x30FB || cp == ' ' || cp == 0x3000)
			continue;
		return 0;
	}
	return letters > 0;
}

/* Length of the white space (ASCII or U+3000) at s[0..len), or 0. */
static size_t
space_at(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (len >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (len >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

void
text_trim(char *s)
{
	size_t	 len, start, end, n;

	if (s == NULL)
		return;
	len = strlen(s);
	start = 0;
	while ((n = space_at(s + start, len - start)) > 0)
		start += n;
	end = len;
	for (;;) {
		if (end - start >= 1 && space_at(s + end - 1, 1) == 1)
			end--;
		else if (end - start >= 3 && space_at(s + end - 3, 3) == 3)
			end -= 3;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
}
