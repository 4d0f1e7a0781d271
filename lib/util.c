/*
 * util.c: allocation wrappers and error reporting shared by all programs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *progname = "kenmin";

void
util_setprogname(const char *name)
{
	const char	*p;

	if (name == NULL)
		return;
	p = strrchr(name, '/');
	progname = p != NULL ? p + 1 : name;
}

void
kerr(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
oom(void)
{
	kerr("out of memory");
	exit(1);
}

void *
xmalloc(size_t sz)
{
	void	*p;

	if ((p = malloc(sz == 0 ? 1 : sz)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz)) == NULL)
		oom();
	return p;
}

void *
xrealloc(void *old, size_t sz)
{
	void	*p;

	if ((p = realloc(old, sz == 0 ? 1 : sz)) == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
util_strtoll(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

int
util_mkdirs(const char *dir)
{
	char	 path[4096];
	char	*p;

	if ((size_t)snprintf(path, sizeof(path), "%s", dir) >= sizeof(path)) {
		kerr("%s: path too long", dir);
		return 0;
	}
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			kerr("%s: %s", path, strerror(errno));
			return 0;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		kerr("%s: %s", path, strerror(errno));
		return 0;
	}
	return 1;
}

int
util_write_all(int fd, const void *p, size_t n)
{
	const unsigned char	*b = p;
	ssize_t			 w;

	while (n > 0) {
		if ((w = write(fd, b, n)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		b += w;
		n -= (size_t)w;
	}
	return 1;
}

int
util_read_all(int fd, void *p, size_t n)
{
	unsigned char	*b = p;
	ssize_t		 r;

	while (n > 0) {
		if ((r = read(fd, b, n)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (r == 0)
			return 0;
		b += r;
		n -= (size_t)r;
	}
	return 1;
}
