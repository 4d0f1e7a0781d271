/*
 * fuzz_tmpl.c: fuzz driver for the template compiler and renderer: any
 * bytes are compiled as a template (and as a partial of itself), and what
 * compiles is rendered; nothing may crash, leak or hang.
 *
 * With libFuzzer (clang):
 *   clang -fsanitize=fuzzer,address,undefined -DKENMIN_LIBFUZZER -Ilib \
 *	tests/fuzz/fuzz_tmpl.c lib/tmpl.c lib/esc.c lib/text.c lib/buf.c \
 *	lib/util.c $(pkg-config --libs libutf8proc)
 * Without it (gcc), the same sources minus -DKENMIN_LIBFUZZER give a
 * program that runs every file named on the command line, or with no
 * files a deterministic random search of N (default 200000) inputs
 * built from template and HTML fragments:
 *   fuzz_tmpl [-n N] [-s SEED] [FILE ...]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "tmpl.h"
#include "util.h"

#define FUZZ_MAX	(64 * 1024)	/* input bytes used */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A small context touching every value type. */
static struct tval *
fuzz_ctx(struct tarena *a)
{
	struct tval	*c, *l, *o;

	c = tv_obj(a);
	tv_set_str(c, "a", "<a href=\"javascript:x\">'&</a>");
	tv_set_str(c, "x", "javascript:alert(1)");
	tv_set_str(c, "e", "");
	tv_set_html(c, "h", "<b>html</b>");
	tv_set_int(c, "n", -7);
	tv_set_bool(c, "t", 1);
	tv_set_bool(c, "f", 0);
	l = tv_list(a);
	o = tv_push_obj(l);
	tv_set_str(o, "a", "\xe2\x80\xa8\x01\"\\");
	tv_set(o, "self", c);
	tv_push_str(l, "s");
	tv_set(c, "l", l);
	tv_set(c, "o", o);
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct tmpl_set	*set;
	struct tarena	*a;
	struct buf	 out;
	char		*src;

	if (sz > FUZZ_MAX)
		sz = FUZZ_MAX;
	src = xstrndup((const char *)data, sz);
	set = tmpl_set_new();
	tmpl_set_add(set, "p", "<i>{{a}}</i>{{#l}}{{a}}{{/l}}", "p.html");
	if (tmpl_set_add(set, "t", src, "t.html")) {
		/* Also as a partial, so "{{> f}}" recurses. */
		tmpl_set_add(set, "f", src, "f.html");
		tmpl_set_check(set);
		a = tarena_new();
		buf_init(&out, 1024 * 1024);
		tmpl_render(set, "t", fuzz_ctx(a), &out);
		buf_free(&out);
		tarena_free(a);
	}
	tmpl_set_free(set);
	free(src);
	return 0;
}

#ifndef KENMIN_LIBFUZZER

static const char *const frags[] = {
	"{{", "}}", "{{{", "}}}", "{{#", "{{^", "{{/", "{{> ", "{{!", "{{=",
	"{{&", "a", "x", "h", "l", "o", "t", "f", "e", "n", ".", "a.b",
	"o.self.l", "|url", "|uri", "|json", "|", "p", "f", "t", " ", "\t",
	"\n", "\r\n", "<", ">", "</", "=", "\"", "'", "/", "-", "!",
	"<script>", "</script>", "<script type=\"application/ld+json\">",
	"<script type='", "application/ld+json", "<style>", "</style>",
	"<title>", "</title>", "<textarea>", "</textarea>", "<a href=\"",
	"<a href=", "<img src='", " onclick=\"", " style=\"", "<!--", "-->",
	"<!DOCTYPE html>", "<?x", "<p class=\"", "<input ", "checked",
	"{{#l}}", "{{/l}}", "{{#t}}", "{{/t}}", "{{^f}}", "{{/f}}", "{{a}}",
	"{{{h}}}", "{{> p}}", "{{> f}}", "{{.}}", "{{x|url}}",
};

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
run_file(const char *path)
{
	FILE		*f;
	uint8_t		*p;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return 0;
	}
	p = xmalloc(FUZZ_MAX);
	n = fread(p, 1, FUZZ_MAX, f);
	fclose(f);
	LLVMFuzzerTestOneInput(p, n);
	free(p);
	return 1;
}

int
main(int argc, char *argv[])
{
	struct buf	 in;
	long long	 iters = 200000, seed = 0, i, j, k;
	int		 c, fd, rc = 0;

	util_setprogname("fuzz_tmpl");
	while ((c = getopt(argc, argv, "n:s:")) != -1)
		switch (c) {
		case 'n':
			if (!util_strtoll(optarg, 0, 1LL << 40, &iters))
				return 2;
			break;
		case 's':
			if (!util_strtoll(optarg, 0, INT64_MAX, &seed))
				return 2;
			break;
		default:
			fprintf(stderr, "usage: fuzz_tmpl [-n N] [-s SEED] "
			    "[FILE ...]\n");
			return 2;
		}
	argc -= optind;
	argv += optind;

	/* Compile errors are expected by the thousand: silence them. */
	fflush(stderr);
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, 2);
		close(fd);
	}
	if (argc > 0) {
		for (i = 0; i < argc; i++)
			if (!run_file(argv[i]))
				rc = 1;
		return rc;
	}
	rng ^= (uint64_t)seed * 0x2545f4914f6cdd1dULL;
	buf_init(&in, FUZZ_MAX);
	for (i = 0; i < iters; i++) {
		buf_reset(&in);
		k = (long long)(next() % 40) + 1;
		for (j = 0; j < k; j++) {
			if (next() % 8 == 0)
				buf_putc(&in, (char)(next() % 255 + 1));
			else
				buf_puts(&in, frags[next() %
				    (sizeof(frags) / sizeof(frags[0]))]);
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf_str(&in),
		    in.len);
	}
	buf_free(&in);
	printf("fuzz_tmpl: %lld inputs, no crash\n", iters);
	return 0;
}

#endif
