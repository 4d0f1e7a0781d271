/*
 * fuzz_text.c: a libFuzzer driver for lib/text.c and lib/esc.c that feeds
 * arbitrary bytes to every function and aborts when an output breaks the
 * property its context relies on.
 *
 * libFuzzer:
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -Ilib \
 *     -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_text.c \
 *     lib/text.c lib/esc.c lib/buf.c lib/util.c -lutf8proc -o /tmp/fuzz_text
 *   /tmp/fuzz_text -max_len=512 -max_total_time=60
 * Without libFuzzer (replay files, e.g. crash reproducers), add
 * -DFUZZ_STANDALONE and drop "fuzzer," from -fsanitize.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "esc.h"
#include "text.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Nothing in s[0..len) may be one of the bytes in set. */
static int
none_of(const char *s, size_t len, const char *set)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (memchr(set, s[i], strlen(set)) != NULL)
			return 0;
	return 1;
}

static void
check_text(const char *s, size_t len)
{
	char	*key, *again, *copy;
	int	 valid;

	/* text_normalize sees s up to its first NUL. */
	valid = text_utf8_valid(s, strlen(s));
	CHECK(text_utf8_valid(s, len) == (valid && strlen(s) == len));
	key = text_normalize(s);
	if (valid) {
		CHECK(key != NULL);
		CHECK(text_utf8_valid(key, strlen(key)));
		CHECK(key[0] != ' ');
		CHECK(key[0] == '\0' || key[strlen(key) - 1] != ' ');
		CHECK(strstr(key, "  ") == NULL);
		CHECK(strstr(key, "\xE3\x80\x80") == NULL);
		CHECK(none_of(key, strlen(key), "\t\n\r\v\f"));
		again = text_normalize(key);
		CHECK(again != NULL && strcmp(again, key) == 0);
		free(again);
		CHECK(text_utf8_count(s) <= len);
	} else
		CHECK(key == NULL);
	free(key);

	if (text_is_hiragana(s))
		CHECK(text_utf8_valid(s, strlen(s)));

	copy = xstrndup(s, len);
	text_trim(copy);
	CHECK(strlen(copy) <= strlen(s));
	if (copy[0] != '\0')
		CHECK(copy[0] != ' ' && copy[strlen(copy) - 1] != ' ');
	free(copy);
}

static void
check_esc(const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i;
	int		 kept;

	buf_init(&b, 0);
	esc_html(&b, s, len);
	CHECK(buf_ok(&b) && none_of(b.p == NULL ? "" : b.p, b.len, "<>\"'"));
	CHECK(b.len == strlen(buf_str(&b)));
	buf_free(&b);

	buf_init(&b, 0);
	kept = esc_url(&b, s, len);
	CHECK(none_of(buf_str(&b), b.len, "<>\"'"));
	if (kept) {
		for (i = 0; i < b.len; i++)
			CHECK((unsigned char)b.p[i] >= 0x20 && b.p[i] != 0x7F);
		/* Whatever scheme survived is one of the four. */
		if (b.len > 0 && memchr(b.p, ':', b.len) != NULL &&
		    strcspn(b.p, "/?#") > strcspn(b.p, ":"))
			CHECK(strncasecmp(b.p, "http:", 5) == 0 ||
			    strncasecmp(b.p, "https:", 6) == 0 ||
			    strncasecmp(b.p, "mailto:", 7) == 0 ||
			    strncasecmp(b.p, "tel:", 4) == 0);
	} else
		CHECK(strcmp(buf_str(&b), "#") == 0);
	buf_free(&b);

	buf_init(&b, 0);
	esc_urlcomp(&b, s, len);
	for (i = 0; i < b.len; i++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-._~%", b.p[i]) != NULL && b.p[i] != '\0');
	buf_free(&b);

	buf_init(&b, 0);
	esc_json(&b, s, len);
	CHECK(text_utf8_valid(buf_str(&b), b.len));
	CHECK(none_of(buf_str(&b), b.len, "<>&'"));
	CHECK(strstr(buf_str(&b), "\xE2\x80\xA8") == NULL);
	CHECK(strstr(buf_str(&b), "\xE2\x80\xA9") == NULL);
	for (i = 0; i < b.len; i++) {
		CHECK((unsigned char)b.p[i] >= 0x20);
		CHECK(b.p[i] != '"');	/* escaped quotes are skipped below */
		if (b.p[i] == '\\')	/* every backslash starts an escape */
			CHECK(++i < b.len && strchr("\"\\u", b.p[i]) != NULL);
	}
	buf_free(&b);

	buf_init(&b, 0);
	esc_csv(&b, s, len);
	CHECK(b.len >= 2 && b.p[0] == '"' && b.p[b.len - 1] == '"');
	CHECK(b.p[1] == '\0' || strchr("=+-@\t\r", b.p[1]) == NULL);
	for (i = 1; i + 1 < b.len; i++)	/* inner quotes come in pairs */
		if (b.p[i] == '"')
			CHECK(b.p[++i] == '"' && i + 1 < b.len);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	/* A NUL-terminated copy; embedded NULs stay for the len APIs. */
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_text(s, size);
	check_esc(s, size);
	free(s);
	return 0;
}

#ifdef FUZZ_STANDALONE
/* Replay each file named on the command line through the driver. */
int
main(int argc, char *argv[])
{
	struct buf	 b;
	FILE		*f;
	char		 chunk[4096];
	size_t		 n;
	int		 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		buf_init(&b, 1024 * 1024);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_putn(&b, chunk, n);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf_str(&b), b.len);
		buf_free(&b);
		printf("%s: ok\n", argv[i]);
	}
	return 0;
}
#endif
