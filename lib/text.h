/*
 * text.h: UTF-8 validation and the Japanese-aware normalisation used for
 * search keys, unique login keys and duplicate checks.
 */
#ifndef KENMIN_TEXT_H
#define KENMIN_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 if s[0..len) is well-formed UTF-8 without NUL or overlong forms. */
int	 text_utf8_valid(const char *s, size_t len);

/* Number of code points in a valid UTF-8 string. */
size_t	 text_utf8_count(const char *s);

/*
 * The search key of s: NFKC (full/half width), case folded, katakana
 * folded to hiragana (so カタカナ, ｶﾀｶﾅ and かたかな compare equal),
 * runs of white space (incl. U+3000) collapsed to one ASCII space and
 * trimmed.  Returns a malloc'd string the caller frees, or NULL if s is
 * not valid UTF-8.
 */
char	*text_normalize(const char *s);

/*
 * 1 if s is non-empty and only hiragana, the prolonged sound mark,
 * middle dot and spaces (ASCII or U+3000): the rule for ふりがな.
 */
int	 text_is_hiragana(const char *s);

/*
 * Trim leading and trailing white space (ASCII and U+3000) in place.
 */
void	 text_trim(char *s);

#endif
