/*
 * test_config.c: config_load against the golden files in
 * tests/golden/config (bad-*.ini must fail with exactly bad-*.err on
 * stderr, good-*.ini must load to exactly good-*.out), plus defaults and
 * config_locate's order.  Runs from $KENMIN_ROOT (or the current directory).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "util.h"
#include "t.h"

#define GOLDEN	"tests/golden/config"
#define FILE_MAX	(1024 * 1024)

static const char *const tls_names[] = { "none", "starttls", "smtps" };

/* Read a whole file; NULL if it cannot be read.  The caller frees. */
static char *
slurp(const char *path)
{
	struct buf	 b;
	FILE		*f;
	char		 chunk[4096];
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf_init(&b, FILE_MAX);
	buf_puts(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_putn(&b, chunk, n);
	fclose(f);
	if (!buf_ok(&b)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* Every field, one "[section] key = value" line each.  Caller frees. */
static char *
dump(const struct config *c)
{
	struct buf	 b;

	buf_init(&b, FILE_MAX);
	buf_puts(&b, "");
#define DS(sec, f)	buf_printf(&b, "[%s] %s = %s\n", sec, #f, c->f)
#define DI(sec, f)	buf_printf(&b, "[%s] %s = %d\n", sec, #f, c->f)
	DS("paths", database);
	DS("paths", site_dir);
	DS("paths", git_dir);
	DS("paths", key_dir);
	DS("paths", upload_dir);
	DS("paths", spool_dir);
	DS("paths", theme_dir);
	DS("paths", content_dir);
	DS("paths", generator);
	DS("site", base_url);
	DS("site", cgi_path);
	DS("site", aikasa_path);
	DS("site", ga_supernet);
	DS("site", ga_aikasa);
	DI("site", top_new_groups);
	DS("mail", smtp_url);
	buf_printf(&b, "[mail] smtp_tls = %s\n",
	    (unsigned)c->smtp_tls < TLS__MAX ? tls_names[c->smtp_tls] : "?");
	DS("mail", smtp_user);
	DS("mail", smtp_password_file);
	DS("mail", mail_from);
	DS("mail", center_supernet);
	DS("mail", center_aikasa);
	DI("mail", mail_max_attempts);
	DI("mail", bounce_threshold);
	DI("security", session_idle_min);
	DI("security", staff_idle_min);
	DI("security", staff_absolute_min);
	DI("security", lockout_failures);
	DI("security", lockout_min);
	DI("security", cookie_secure);
	DS("security", admin_allow);
	DI("retention", audit_days);
	DI("retention", application_days);
	DI("retention", unverified_days);
	DI("retention", withdrawn_days);
#undef DS
#undef DI
	return buf_take(&b);
}

/*
 * Load path with stderr sent to a temporary file; *err gets what was
 * printed (caller frees) and *out the dump of the result (caller frees).
 */
static int
load_capture(const char *path, char **err, char **out)
{
	struct config	 cfg;
	struct buf	 b;
	FILE		*tmp;
	char		 chunk[4096];
	size_t		 n;
	int		 saved, rc;

	fflush(stderr);
	if ((tmp = tmpfile()) == NULL || (saved = dup(STDERR_FILENO)) < 0) {
		perror("tmpfile/dup");
		exit(2);
	}
	dup2(fileno(tmp), STDERR_FILENO);
	rc = config_load(&cfg, path);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	buf_init(&b, FILE_MAX);
	buf_puts(&b, "");
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_putn(&b, chunk, n);
	fclose(tmp);
	*err = buf_take(&b);
	*out = dump(&cfg);
	config_free(&cfg);
	return rc;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run one golden case: GOLDEN/name (".ini"), compared with .err or .out. */
static void
golden_case(const char *name)
{
	char	 ini[512], want[512], label[600];
	char	*err = NULL, *out = NULL, *exp;
	size_t	 stem;
	int	 rc, bad;

	bad = strncmp(name, "bad-", 4) == 0;
	stem = strlen(name) - 4;
	snprintf(ini, sizeof(ini), "%s/%s", GOLDEN, name);
	snprintf(want, sizeof(want), "%s/%.*s.%s", GOLDEN, (int)stem, name,
	    bad ? "err" : "out");
	rc = load_capture(ini, &err, &out);
	exp = slurp(want);
	if (bad) {
		snprintf(label, sizeof(label), "%s fails", name);
		T_OK(rc == 0, label);
		snprintf(label, sizeof(label), "%s message", name);
		T_STREQ(err, exp, label);
	} else {
		snprintf(label, sizeof(label), "%s loads", name);
		T_OK(rc == 1, label);
		snprintf(label, sizeof(label), "%s prints nothing", name);
		T_STREQ(err, "", label);
		snprintf(label, sizeof(label), "%s values", name);
		T_STREQ(out, exp, label);
	}
	free(exp);
	free(err);
	free(out);
}

static void
test_golden(void)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, i;

	if ((d = opendir(GOLDEN)) == NULL) {
		T_OK(0, "open " GOLDEN);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!has_suffix(de->d_name, ".ini"))
			continue;
		if (strncmp(de->d_name, "bad-", 4) != 0 &&
		    strncmp(de->d_name, "good-", 5) != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), namecmp);
	T_OK(n >= 10, "golden config cases found");
	for (i = 0; i < n; i++) {
		golden_case(names[i]);
		free(names[i]);
	}
	free(names);
}

static void
test_defaults(char **defaults)
{
	char	*err = NULL, *out = NULL, *exp;
	int	 rc;

	exp = slurp(GOLDEN "/defaults.out");
	T_OK(exp != NULL, "defaults.out readable");
	rc = load_capture(NULL, &err, &out);
	T_OK(rc == 1, "no file: defaults load");
	T_STREQ(err, "", "no file: nothing printed");
	T_STREQ(out, exp, "no file: the documented defaults");
	free(err);
	free(out);

	/* Every key in the example is commented out: defaults again. */
	rc = load_capture("kenmin.ini.example", &err, &out);
	T_OK(rc == 1, "kenmin.ini.example loads");
	T_STREQ(err, "", "kenmin.ini.example: nothing printed");
	T_STREQ(out, exp, "kenmin.ini.example gives the defaults");
	free(err);
	free(out);

	rc = load_capture(GOLDEN "/missing.ini", &err, &out);
	T_OK(rc == 0, "missing file fails");
	T_STREQ(err, GOLDEN "/missing.ini: cannot open: "
	    "No such file or directory\n", "missing file message");
	free(err);
	free(out);
	rc = load_capture(GOLDEN, &err, &out);
	T_OK(rc == 0, "directory fails");
	T_STREQ(err, GOLDEN ":1: cannot read: Is a directory\n",
	    "directory message");
	free(err);
	free(out);
	*defaults = exp != NULL ? exp : xstrdup("(no defaults.out)");
}

/* The example must mention every key with its default value. */
static void
test_example_complete(const char *defaults)
{
	char		*ex, *copy, *line, *nl, *eq, pat[512];
	int		 missing = 0;

	if ((ex = slurp("kenmin.ini.example")) == NULL) {
		T_OK(0, "kenmin.ini.example readable");
		return;
	}
	copy = xstrdup(defaults);
	for (line = copy; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		/* "[sec] key = value" -> ";key = value" */
		if ((eq = strchr(line, ']')) == NULL)
			continue;
		snprintf(pat, sizeof(pat), "\n;%s", eq + 2);
		if (has_suffix(pat, " = "))
			pat[strlen(pat) - 1] = '\0';
		if (strstr(ex, pat) == NULL) {
			printf("# kenmin.ini.example lacks \"%s\"\n", pat + 1);
			missing++;
		}
	}
	T_OK(missing == 0, "kenmin.ini.example documents every default");
	free(copy);
	free(ex);
}

static void
test_locate(void)
{
	char	 tmpl[] = "/tmp/kenmin-test-config-XXXXXX";
	char	 ini[sizeof(tmpl) + 16];
	int	 here, fd;

	if ((here = open(".", O_RDONLY | O_DIRECTORY)) < 0 ||
	    mkdtemp(tmpl) == NULL || chdir(tmpl) != 0) {
		T_OK(0, "locate: temp dir");
		return;
	}
	unsetenv("KENMIN_CONFIG");
	T_OK(config_locate(NULL) == NULL, "locate: nothing -> NULL");
	T_STREQ(config_locate("x.ini"), "x.ini", "locate: -c wins");

	snprintf(ini, sizeof(ini), "%s/kenmin.ini", tmpl);
	if ((fd = open(ini, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
		close(fd);
	T_STREQ(config_locate(NULL), "kenmin.ini", "locate: ./kenmin.ini");

	setenv("KENMIN_CONFIG", "/etc/kenmin/env.ini", 1);
	T_STREQ(config_locate(NULL), "/etc/kenmin/env.ini",
	    "locate: $KENMIN_CONFIG before ./kenmin.ini");
	T_STREQ(config_locate("arg.ini"), "arg.ini",
	    "locate: -c before $KENMIN_CONFIG");
	setenv("KENMIN_CONFIG", "", 1);
	T_STREQ(config_locate(NULL), "kenmin.ini",
	    "locate: empty $KENMIN_CONFIG is ignored");
	unsetenv("KENMIN_CONFIG");

	unlink(ini);
	T_OK(fchdir(here) == 0, "locate: back to the tree");
	close(here);
	rmdir(tmpl);
}

static void
test_free(void)
{
	struct config	 cfg;

	config_free(NULL);
	T_OK(config_load(&cfg, NULL) == 1, "free: load");
	config_free(&cfg);
	config_free(&cfg);
	T_OK(cfg.database == NULL && cfg.path == NULL,
	    "free: twice is harmless");
}

int
main(void)
{
	const char	*root;
	char		*defaults = NULL;

	if ((root = getenv("KENMIN_ROOT")) != NULL && *root != '\0' &&
	    chdir(root) != 0) {
		perror(root);
		return 2;
	}
	unsetenv("KENMIN_CONFIG");
	test_defaults(&defaults);
	test_golden();
	test_example_complete(defaults);
	test_locate();
	test_free();
	free(defaults);
	return t_done();
}
