/*
 * buf.h: a growable byte buffer with a hard maximum, used for every
 * string the programs build (pages, SQL results, mail, HTTP bodies).
 */
#ifndef KENMIN_BUF_H
#define KENMIN_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The contents are always NUL-terminated (p[len] == '\0') once anything
 * was added.  max is the largest len allowed (0: BUF_DEFAULT_MAX); an
 * append past it sets overflow and is dropped, so callers check once at
 * the end with buf_ok().
 */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 overflow;
};

#define BUF_DEFAULT_MAX	((size_t)256 * 1024 * 1024)

void	 buf_init(struct buf *, size_t max);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_ok(const struct buf *);
void	 buf_putc(struct buf *, char);
void	 buf_putn(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...)
		__attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
/* Cut the contents back to their first len bytes (len <= b->len). */
void	 buf_truncate(struct buf *, size_t len);
/* Give the contents to the caller (who frees them) and reset the buffer. */
char	*buf_take(struct buf *);

/*
 * Replace b's contents with the whole file at path: 1 read, 0 no such
 * file (b empty), -1 error or larger than b's max (printed).
 */
int	 buf_read_file(struct buf *, const char *path);
/*
 * Append everything fd gives until end of file: 1 ok, 0 on a read error
 * or past b's max (errno set; the caller prints).
 */
int	 buf_read_fd(struct buf *, int fd);

/*
 * A reader over bytes another process produced with buf_putn() (the
 * reports of kenmin-gen's build worker): take n bytes at a time.
 */
struct bufrd {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

void	 bufrd_init(struct bufrd *, const struct buf *);
/* Copy the next n bytes to dst: 1, or 0 if fewer are left (none taken). */
int	 bufrd_get(struct bufrd *, void *dst, size_t n);

/* The contents as a C string; "" when empty.  Owned by the buffer. */
const char *buf_str(const struct buf *);

#endif
