/*
 * buf.c: growable byte buffers with a maximum size.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max == 0 ? BUF_DEFAULT_MAX : max;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->overflow = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->p[len] = '\0';
}

int
buf_ok(const struct buf *b)
{
	return !b->overflow;
}

/* Make room for n more bytes plus the terminator; 0 if over max. */
static int
grow(struct buf *b, size_t n)
{
	size_t	 need, ncap;

	if (b->max == 0)
		b->max = BUF_DEFAULT_MAX;
	if (b->overflow || n > b->max - b->len) {
		b->overflow = 1;
		return 0;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 1;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need)
		ncap *= 2;
	b->p = xrealloc(b->p, ncap);
	b->cap = ncap;
	return 1;
}

void
buf_putn(struct buf *b, const void *s, size_t n)
{
	if (!grow(b, n))
		return;
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_putc(struct buf *b, char c)
{
	buf_putn(b, &c, 1);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_putn(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
buf_take(struct buf *b)
{
	char	*p;

	p = b->p != NULL ? b->p : xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	b->overflow = 0;
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->p != NULL ? b->p : "";
}

int
buf_read_fd(struct buf *b, int fd)
{
	ssize_t	 r;
	size_t	 n;
	char	 c;

	if (b->max == 0)
		b->max = BUF_DEFAULT_MAX;
	for (;;) {
		n = b->max - b->len < 65536 ? b->max - b->len : 65536;
		if (n == 0) {
			/* Full: only the end of the input may follow. */
			while ((r = read(fd, &c, 1)) == -1 && errno == EINTR)
				;
			if (r == 0)
				break;
			if (r == 1)
				errno = EFBIG;
			return 0;
		}
		if (!grow(b, n)) {
			errno = EFBIG;
			return 0;
		}
		r = read(fd, b->p + b->len, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return 0;
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	if (b->p != NULL)
		b->p[b->len] = '\0';
	return 1;
}

void
bufrd_init(struct bufrd *rd, const struct buf *b)
{
	rd->p = b->p;
	rd->len = b->len;
	rd->off = 0;
}

int
bufrd_get(struct bufrd *rd, void *dst, size_t n)
{
	if (n > rd->len - rd->off)
		return 0;
	if (n > 0)
		memcpy(dst, rd->p + rd->off, n);
	rd->off += n;
	return 1;
}

int
buf_read_file(struct buf *b, const char *path)
{
	struct stat	 sb;
	ssize_t		 r;
	size_t		 size;
	int		 fd, rc = -1;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		kerr("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		kerr("%s: %s", path, strerror(errno));
		goto out;
	}
	size = (size_t)sb.st_size;
	if (size > b->max || !grow(b, size)) {
		kerr("%s: larger than %zu bytes", path, b->max);
		goto out;
	}
	while (b->len < size) {
		if ((r = read(fd, b->p + b->len, size - b->len)) <= 0) {
			kerr("%s: %s", path, r == 0 ? "cut short while read" :
			    strerror(errno));
			goto out;
		}
		b->len += (size_t)r;
	}
	b->p[b->len] = '\0';
	rc = 1;
out:
	close(fd);
	if (rc != 1)
		buf_reset(b);
	return rc;
}
