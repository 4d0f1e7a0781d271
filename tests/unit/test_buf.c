/*
 * test_buf.c: unit tests of lib/buf.c: growth, the hard maximum and its
 * sticky overflow flag, formatted appends and handing the contents over.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "t.h"

/* Exercise buf_vprintf the way callers wrap it. */
static void
wrap_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
wrap_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void
test_growth(void)
{
	struct buf	 b;
	size_t		 i;
	int		 same = 1;

	buf_init(&b, 0);
	T_OK(b.max == BUF_DEFAULT_MAX, "init: max 0 means default");
	T_STREQ(buf_str(&b), "", "init: empty string");
	T_OK(b.len == 0 && buf_ok(&b), "init: empty and ok");

	for (i = 0; i < 5000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	T_OK(b.len == 5000, "growth: 5000 putc");
	T_OK(b.cap > 5000, "growth: capacity follows");
	T_OK(b.p[5000] == '\0', "growth: NUL terminated");
	for (i = 0; i < 5000; i++)
		if (b.p[i] != (char)('a' + i % 26))
			same = 0;
	T_OK(same, "growth: contents intact across reallocs");
	buf_free(&b);

	buf_init(&b, 0);
	buf_putn(&b, "a\0b", 3);
	T_OK(b.len == 3 && memcmp(b.p, "a\0b", 4) == 0,
	    "putn: embedded NUL counted");
	buf_puts(&b, "cd");
	T_OK(b.len == 5 && memcmp(b.p, "a\0bcd", 6) == 0, "puts: appends");
	buf_free(&b);

	buf_init(&b, 0);
	buf_putn(&b, "", 0);
	T_STREQ(buf_str(&b), "", "putn: zero bytes");
	T_OK(b.len == 0 && buf_ok(&b), "putn: zero bytes is ok");
	buf_free(&b);
}

static void
test_max(void)
{
	struct buf	 b;

	buf_init(&b, 10);
	buf_puts(&b, "0123456789");
	T_OK(buf_ok(&b) && b.len == 10, "max: exactly max fits");
	buf_putc(&b, 'x');
	T_OK(!buf_ok(&b), "max: one past max overflows");
	T_STREQ(buf_str(&b), "0123456789", "max: overflowing append dropped");
	buf_free(&b);

	buf_init(&b, 10);
	buf_puts(&b, "12345");
	buf_puts(&b, "678901");
	T_OK(!buf_ok(&b), "max: long append overflows");
	T_OK(b.len == 5, "max: length unchanged after overflow");
	T_STREQ(buf_str(&b), "12345", "max: no partial append");
	buf_puts(&b, "x");
	T_OK(!buf_ok(&b) && b.len == 5, "max: overflow is sticky");

	buf_reset(&b);
	T_OK(buf_ok(&b) && b.len == 0, "reset: clears overflow and length");
	T_STREQ(buf_str(&b), "", "reset: empty string");
	buf_puts(&b, "again");
	T_STREQ(buf_str(&b), "again", "reset: usable again, max kept");
	buf_puts(&b, "123456");
	T_OK(!buf_ok(&b), "reset: max still enforced");
	buf_free(&b);

	buf_init(&b, 4);
	buf_printf(&b, "%d", 12345);
	T_OK(!buf_ok(&b) && b.len == 0, "max: printf past max dropped");
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf	 b;
	char		*want;

	buf_init(&b, 0);
	buf_printf(&b, "%d-%s", 42, "abc");
	T_STREQ(buf_str(&b), "42-abc", "printf: formats");
	buf_printf(&b, "/%05.1f", 2.5);
	T_STREQ(buf_str(&b), "42-abc/002.5", "printf: appends");
	wrap_printf(&b, "[%s]", "山口");
	T_STREQ(buf_str(&b), "42-abc/002.5[山口]", "vprintf: through va_list");
	buf_reset(&b);

	buf_printf(&b, "%0600d", 7);
	want = malloc(601);
	if (want != NULL) {
		memset(want, '0', 599);
		want[599] = '7';
		want[600] = '\0';
	}
	T_STREQ(buf_str(&b), want, "printf: output longer than capacity");
	T_OK(b.len == 600, "printf: length");
	free(want);

	buf_reset(&b);
	buf_printf(&b, "%s", "");
	T_OK(b.len == 0 && buf_ok(&b), "printf: empty result");
	buf_free(&b);
}

static void
test_take(void)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 100);
	buf_puts(&b, "hello");
	s = buf_take(&b);
	T_STREQ(s, "hello", "take: contents");
	T_OK(b.p == NULL && b.len == 0 && b.cap == 0, "take: buffer emptied");
	T_STREQ(buf_str(&b), "", "take: buffer reads empty");
	free(s);

	buf_puts(&b, "next");
	T_STREQ(buf_str(&b), "next", "take: buffer reusable");
	T_OK(b.max == 100, "take: max kept");
	s = buf_take(&b);
	free(s);

	s = buf_take(&b);
	T_STREQ(s, "", "take: empty buffer gives \"\"");
	T_OK(s != NULL && s != buf_str(&b), "take: empty result is owned");
	free(s);
	buf_free(&b);

	buf_init(&b, 3);
	buf_puts(&b, "abcd");
	s = buf_take(&b);
	T_STREQ(s, "", "take: after overflow only what fitted");
	T_OK(buf_ok(&b), "take: resets overflow");
	free(s);
	buf_free(&b);
}

static void
test_free(void)
{
	struct buf	 b;
	struct buf	 z;

	buf_free(NULL);
	T_OK(1, "free: NULL accepted");

	buf_init(&b, 0);
	buf_puts(&b, "x");
	buf_free(&b);
	T_OK(b.p == NULL && b.len == 0, "free: clears");
	buf_free(&b);
	T_OK(1, "free: twice is safe");

	memset(&z, 0, sizeof(z));
	buf_puts(&z, "zero-initialised");
	T_STREQ(buf_str(&z), "zero-initialised", "zeroed struct usable");
	T_OK(z.max == BUF_DEFAULT_MAX, "zeroed struct gets default max");
	buf_free(&z);
}

int
main(void)
{
	test_growth();
	test_max();
	test_printf();
	test_take();
	test_free();
	return t_done();
}
