/*
 * t.h: the tiny assertion kit of the C unit tests.  Each check prints
 * "ok - NAME" or "not ok - NAME" (with what differed); tests/run counts
 * these lines.  A test program returns t_done(): 0 if all passed.
 */
#ifndef KENMIN_T_H
#define KENMIN_T_H

#include <stdio.h>
#include <string.h>

static int t_failed;

#define T_OK(cond, name) do {						\
	if (cond)							\
		printf("ok - %s\n", (name));				\
	else {								\
		printf("not ok - %s (%s:%d: %s)\n", (name),		\
		    __FILE__, __LINE__, #cond);				\
		t_failed++;						\
	}								\
} while (0)

#define T_STREQ(got, want, name) do {					\
	const char *t_g_ = (got), *t_w_ = (want);			\
	if (t_g_ != NULL && t_w_ != NULL && strcmp(t_g_, t_w_) == 0)	\
		printf("ok - %s\n", (name));				\
	else {								\
		printf("not ok - %s (%s:%d)\n#   got:  %s\n#   want: %s\n",\
		    (name), __FILE__, __LINE__,				\
		    t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)");	\
		t_failed++;						\
	}								\
} while (0)

static inline int
t_done(void)
{
	fflush(stdout);
	return t_failed ? 1 : 0;
}

#endif
