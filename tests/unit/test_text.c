/*
 * test_text.c: unit tests of lib/text.c: UTF-8 validation edge cases, the
 * search-key normalisation and the ふりがな rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "text.h"

/* One normalisation case: input and the exact key it must give. */
struct norm_case {
	const char	*in;
	const char	*want;
	const char	*name;
};

static const struct norm_case norm_cases[] = {
	{ "ＡＢＣ", "abc", "full-width latin -> abc" },
	{ "ｱｲｳ", "あいう", "half-width katakana -> hiragana" },
	{ "ｶﾞｷﾞ", "がぎ", "half-width dakuten composes" },
	{ "ﾊﾟ", "ぱ", "half-width handakuten composes" },
	{ "カタカナ", "かたかな", "katakana -> hiragana" },
	{ "福祉　 ＮＰＯ", "福祉 npo", "U+3000 + space collapse, NPO folded" },
	{ "①", "1", "circled digit" },
	{ "Ｒ７", "r7", "full-width R7" },
	{ "HeLLo WoRLD", "hello world", "ASCII case fold" },
	{ "  \t前後\r\n ", "前後", "trim ASCII white space" },
	{ "　山口　", "山口", "trim U+3000" },
	{ "a \t\n　 b", "a b", "mixed white-space run" },
	{ "コーヒー", "こーひー", "prolonged sound mark kept" },
	{ "ｺｰﾋｰ", "こーひー", "half-width prolonged sound mark" },
	{ "ヴ", "ゔ", "vu folds to U+3094" },
	{ "ァヶ", "ぁゖ", "range ends U+30A1 and U+30F6" },
	{ "ヷ", "ヷ", "U+30F7 has no hiragana, kept" },
	{ "ヽ・", "ヽ・", "U+30FD and middle dot kept" },
	{ "か\xE3\x82\x99", "が", "decomposed dakuten composes" },
	{ "㈱やまぐち", "(株)やまぐち", "parenthesised ideograph" },
	{ "Straße", "strasse", "full case folding" },
	{ "ＮＰＯ\xE2\x80\x8B法人", "npo法人", "zero width space dropped" },
	{ "a\xC2\xA0" "b", "a b", "no-break space" },
	{ "", "", "empty string" },
	{ " 　\t", "", "only white space" },
};

/* Bytes text_utf8_valid must accept (1) or refuse (0). */
struct valid_case {
	const char	*s;
	size_t		 len;
	int		 want;
	const char	*name;
};

static const struct valid_case valid_cases[] = {
	{ "", 0, 1, "valid: empty" },
	{ "abc", 3, 1, "valid: ASCII" },
	{ "\xE3\x81\x82", 3, 1, "valid: U+3042" },
	{ "\xC2\x80", 2, 1, "valid: U+0080" },
	{ "\xE0\xA0\x80", 3, 1, "valid: U+0800" },
	{ "\xED\x9F\xBF", 3, 1, "valid: U+D7FF" },
	{ "\xEE\x80\x80", 3, 1, "valid: U+E000" },
	{ "\xF0\x90\x80\x80", 4, 1, "valid: U+10000" },
	{ "\xF4\x8F\xBF\xBF", 4, 1, "valid: U+10FFFF" },
	{ "\xC0\x80", 2, 0, "invalid: overlong C0 80" },
	{ "\xC1\xBF", 2, 0, "invalid: overlong C1 BF" },
	{ "\xE0\x9F\xBF", 3, 0, "invalid: overlong 3-byte" },
	{ "\xF0\x8F\xBF\xBF", 4, 0, "invalid: overlong 4-byte" },
	{ "\xED\xA0\x80", 3, 0, "invalid: surrogate ED A0 80" },
	{ "\xED\xBF\xBF", 3, 0, "invalid: surrogate ED BF BF" },
	{ "\xF4\x90\x80\x80", 4, 0, "invalid: F4 90 80 80 > U+10FFFF" },
	{ "\xF5\x80\x80\x80", 4, 0, "invalid: F5 lead" },
	{ "\xE3\x81", 2, 0, "invalid: truncated E3 81" },
	{ "a\xE3", 2, 0, "invalid: truncated at end" },
	{ "\x80", 1, 0, "invalid: lone continuation" },
	{ "\xE3\x81\x82\x82", 4, 0, "invalid: extra continuation" },
	{ "\xE3\x41\x82", 3, 0, "invalid: ASCII inside sequence" },
	{ "\xFF", 1, 0, "invalid: FF" },
	{ "a\0b", 3, 0, "invalid: embedded NUL" },
	{ "\0", 1, 0, "invalid: lone NUL" },
};

/* Strings text_is_hiragana must accept (1) or refuse (0). */
struct hira_case {
	const char	*s;
	int		 want;
};

static const struct hira_case hira_cases[] = {
	{ "やまだ たろう", 1 },
	{ "やまだ　たろう", 1 },
	{ "こーひー", 1 },
	{ "やまだ・たろう", 1 },
	{ "ぁゖゔ", 1 },
	{ "さゝき", 1 },
	{ "か\xE3\x82\x99", 1 },
	{ "", 0 },
	{ " 　", 0 },
	{ "ーー", 0 },
	{ "ヤマダ", 0 },
	{ "ﾔﾏﾀﾞ", 0 },
	{ "yamada", 0 },
	{ "山田", 0 },
	{ "やまだ1", 0 },
	{ "やまだ\t", 0 },
	{ "\xE3\x82\x99か", 0 },
	{ "か\xE3\x82\x99\xE3\x82\x99", 0 },
	{ "や\xFF", 0 },
	{ "\xE3\x81", 0 },
};

/* text_trim input and result. */
struct trim_case {
	const char	*in;
	const char	*want;
};

static const struct trim_case trim_cases[] = {
	{ "  abc  ", "abc" },
	{ "　あ　", "あ" },
	{ "\t\n x \r", "x" },
	{ "   ", "" },
	{ "　　", "" },
	{ "", "" },
	{ "a b", "a b" },
	{ "あ　い", "あ　い" },
	{ " 　 い 　 ", "い" },
};

/* Control bytes in a test name would split the ok/not ok line. */
static void
clean_name(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			*s = '?';
}

int
main(void)
{
	char	 name[128], tmp[64];
	char	*got;
	size_t	 i;

	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		got = text_normalize(norm_cases[i].in);
		snprintf(name, sizeof(name), "normalize: %s",
		    norm_cases[i].name);
		T_STREQ(got, norm_cases[i].want, name);
		free(got);
	}

	/* A key is a fixed point: normalising it again changes nothing. */
	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		char	*again;

		got = text_normalize(norm_cases[i].in);
		again = got == NULL ? NULL : text_normalize(got);
		snprintf(name, sizeof(name), "normalize idempotent: %s",
		    norm_cases[i].name);
		T_STREQ(again, got, name);
		free(again);
		free(got);
	}

	/* Equal keys for the spellings a searcher might type. */
	{
		char	*a = text_normalize("ボランティア　ｾﾝﾀｰ");
		char	*b = text_normalize("ぼらんてぃあ センター");
		char	*c = text_normalize("ﾎﾞﾗﾝﾃｨｱ   せんたー");

		T_OK(a != NULL && b != NULL && strcmp(a, b) == 0,
		    "normalize: katakana/hiragana spellings equal");
		T_OK(a != NULL && c != NULL && strcmp(a, c) == 0,
		    "normalize: half-width spelling equal");
		free(a);
		free(b);
		free(c);
	}

	T_OK(text_normalize("\xC0\x80") == NULL, "normalize: overlong -> NULL");
	T_OK(text_normalize("\xED\xA0\x80") == NULL,
	    "normalize: surrogate -> NULL");
	T_OK(text_normalize("ok\xE3\x81") == NULL,
	    "normalize: truncated -> NULL");
	T_OK(text_normalize("\xF4\x90\x80\x80") == NULL,
	    "normalize: > U+10FFFF -> NULL");
	T_OK(text_normalize(NULL) == NULL, "normalize: NULL -> NULL");

	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++)
		T_OK(text_utf8_valid(valid_cases[i].s, valid_cases[i].len) ==
		    valid_cases[i].want, valid_cases[i].name);
	T_OK(text_utf8_valid("abc\xE3\x81\x82", 4) == 0,
	    "valid: length cuts a sequence");
	T_OK(text_utf8_valid("abc\xE3\x81\x82", 3) == 1,
	    "valid: length before a sequence");

	T_OK(text_utf8_count("") == 0, "count: empty");
	T_OK(text_utf8_count("abc") == 3, "count: ASCII");
	T_OK(text_utf8_count("あいう") == 3, "count: hiragana");
	T_OK(text_utf8_count("aé\xF0\x9F\x98\x80") == 3, "count: mixed widths");

	for (i = 0; i < sizeof(hira_cases) / sizeof(hira_cases[0]); i++) {
		snprintf(name, sizeof(name), "hiragana %s: %s",
		    hira_cases[i].want ? "yes" : "no", hira_cases[i].s);
		clean_name(name);
		T_OK(text_is_hiragana(hira_cases[i].s) == hira_cases[i].want,
		    name);
	}
	T_OK(text_is_hiragana(NULL) == 0, "hiragana no: NULL");

	for (i = 0; i < sizeof(trim_cases) / sizeof(trim_cases[0]); i++) {
		snprintf(tmp, sizeof(tmp), "%s", trim_cases[i].in);
		text_trim(tmp);
		snprintf(name, sizeof(name), "trim: [%s]", trim_cases[i].in);
		clean_name(name);
		T_STREQ(tmp, trim_cases[i].want, name);
	}

	return t_done();
}
