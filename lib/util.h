/*
 * util.h: allocation wrappers that exit on out-of-memory, and the one
 * error reporter every kenmin program uses.
 */
#ifndef KENMIN_UTIL_H
#define KENMIN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define KENMIN_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Allocation: exit(1) with a message on failure; never return NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/*
 * Print "progname: message" to stderr (printf format), one line.
 * The program name is set once by util_setprogname().
 */
void	 util_setprogname(const char *);
void	 kerr(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Parse a decimal integer in [min, max]; 1 on success, 0 otherwise. */
int	 util_strtoll(const char *, long long, long long, long long *);

/*
 * Create dir and its missing parents (mode 0700 for new ones); 1 ok, 0
 * error (printed).
 */
int	 util_mkdirs(const char *dir);

/*
 * Write or read exactly n bytes of fd, retrying after EINTR and short
 * counts; 1 ok, 0 error or (reading) end of file.  Not printed.
 */
int	 util_write_all(int fd, const void *, size_t n);
int	 util_read_all(int fd, void *, size_t n);

#endif
