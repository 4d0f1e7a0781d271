/*
 * test_buf.c: unit tests of lib/buf.c: growth, the hard maximum and its
 * sticky overflow flag, formatted appends, handing the contents over,
 * and reading a whole descriptor back field by field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A temporary file holding n bytes of a pattern, rewound; -1 on error. */
static int
pattern_fd(size_t n)
{
	FILE	*f;
	size_t	 i;
	int	 fd;

	if ((f = tmpfile()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fputc((int)('a' + i % 23), f);
	fflush(f);
	fd = dup(fileno(f));
	fclose(f);
	if (fd != -1)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

static void
test_read_fd(void)
{
	struct buf	 b, rep;
	struct bufrd	 rd;
	size_t		 i, bad = 0, n = 200000, big, small;
	char		 tail[4];
	int		 fd;

	/* More than one read's worth, appended after what is there. */
	buf_init(&b, 0);
	buf_puts(&b, "head:");
	fd = pattern_fd(n);
	T_OK(fd != -1 && buf_read_fd(&b, fd), "read_fd: 200,000 bytes");
	T_OK(b.len == 5 + n && b.p[b.len] == '\0', "read_fd: appended, "
	    "terminated");
	for (i = 0; i < n && b.len == 5 + n; i++)
		bad += b.p[5 + i] != (char)('a' + i % 23);
	T_OK(memcmp(b.p, "head:", 5) == 0 && bad == 0, "read_fd: bytes kept");
	if (fd != -1)
		close(fd);
	buf_free(&b);

	/* Exactly max fits; one byte more is refused with EFBIG. */
	buf_init(&b, 70000);
	fd = pattern_fd(70000);
	T_OK(fd != -1 && buf_read_fd(&b, fd) && b.len == 70000,
	    "read_fd: exactly max");
	if (fd != -1)
		close(fd);
	buf_free(&b);
	buf_init(&b, 70000);
	fd = pattern_fd(70001);
	errno = 0;
	T_OK(fd != -1 && !buf_read_fd(&b, fd) && errno == EFBIG,
	    "read_fd: past max refused");
	if (fd != -1)
		close(fd);
	buf_free(&b);
	buf_init(&b, 0);
	errno = 0;
	T_OK(!buf_read_fd(&b, -1) && errno == EBADF, "read_fd: bad fd");
	buf_free(&b);

	/* A report: fields put in, taken out in order, a short tail refused. */
	buf_init(&rep, 0);
	big = 123456789;
	buf_putn(&rep, &big, sizeof(big));
	buf_putn(&rep, "abc", 3);
	bufrd_init(&rd, &rep);
	T_OK(bufrd_get(&rd, &small, sizeof(small)) && small == big,
	    "bufrd: a field");
	T_OK(!bufrd_get(&rd, tail, 4), "bufrd: past the end refused");
	T_OK(bufrd_get(&rd, tail, 3) && memcmp(tail, "abc", 3) == 0,
	    "bufrd: a refused get takes nothing");
	T_OK(bufrd_get(&rd, tail, 0) && !bufrd_get(&rd, tail, 1),
	    "bufrd: empty at the end");
	buf_free(&rep);
}

int
main(void)
{
	test_growth();
	test_max();
	test_printf();
	test_take();
	test_free();
	test_read_fd();
	return t_done();
}
