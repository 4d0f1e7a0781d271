/*
 * config.c: read the one INI file (inih) into struct config, checking every
 * key against a table of names, types, defaults and ranges.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config.h"
#include "util.h"

enum ctype {
	CT_PATH,		/* string, must not be empty */
	CT_STR,			/* string, may be empty */
	CT_URL,			/* http:// or https://, no trailing slash */
	CT_SMTPURL,		/* smtp:// or smtps:// */
	CT_URLPATH,		/* starts with '/', no trailing slash */
	CT_DIRPATH,		/* starts and ends with '/' */
	CT_MAIL,		/* empty or contains '@' */
	CT_MAILREQ,		/* contains '@' */
	CT_INT,			/* decimal in [min, max] */
	CT_BOOL,		/* 0/1, yes/no, true/false, on/off */
	CT_TLS,			/* none | starttls | smtps */
	CT__MAX
};

/*
 * Every key the file may hold, with its default.  The table is the only
 * place a key is declared; docs/config.md and kenmin.ini.example follow it.
 */
struct ckey {
	const char	*section;
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	const char	*def;		/* default, as it would be written */
	long long	 min;		/* CT_INT only */
	long long	 max;
};

#define S(f)	offsetof(struct config, f)

static const struct ckey ckeys[] = {
	{ "paths", "database", CT_PATH, S(database), "var/kenmin.db", 0, 0 },
	{ "paths", "site_dir", CT_PATH, S(site_dir), "site-out", 0, 0 },
	{ "paths", "git_dir", CT_PATH, S(git_dir), "var/site.git", 0, 0 },
	{ "paths", "key_dir", CT_PATH, S(key_dir), "var/keys", 0, 0 },
	{ "paths", "upload_dir", CT_PATH, S(upload_dir), "var/uploads", 0, 0 },
	{ "paths", "spool_dir", CT_PATH, S(spool_dir), "var/spool", 0, 0 },
	{ "paths", "theme_dir", CT_PATH, S(theme_dir), "themes/default", 0, 0 },
	{ "paths", "content_dir", CT_PATH, S(content_dir), "content", 0, 0 },
	{ "paths", "generator", CT_PATH, S(generator),
	    "generator/kenmin-gen", 0, 0 },
	{ "site", "base_url", CT_URL, S(base_url),
	    "http://127.0.0.1:8080", 0, 0 },
	{ "site", "cgi_path", CT_URLPATH, S(cgi_path),
	    "/cgi-bin/formsvc.cgi", 0, 0 },
	{ "site", "aikasa_path", CT_DIRPATH, S(aikasa_path),
	    "/boranet201909/", 0, 0 },
	{ "site", "ga_supernet", CT_STR, S(ga_supernet), "", 0, 0 },
	{ "site", "ga_aikasa", CT_STR, S(ga_aikasa), "", 0, 0 },
	{ "site", "top_new_groups", CT_INT, S(top_new_groups), "5", 1, 100 },
	{ "mail", "smtp_url", CT_SMTPURL, S(smtp_url),
	    "smtp://127.0.0.1:2525", 0, 0 },
	{ "mail", "smtp_tls", CT_TLS, S(smtp_tls), "none", 0, 0 },
	{ "mail", "smtp_user", CT_STR, S(smtp_user), "", 0, 0 },
	{ "mail", "smtp_password_file", CT_STR, S(smtp_password_file),
	    "", 0, 0 },
	{ "mail", "mail_from", CT_MAILREQ, S(mail_from),
	    "noreply@kenmin.pref.yamaguchi.lg.jp", 0, 0 },
	{ "mail", "center_supernet", CT_MAIL, S(center_supernet),
	    "supernet@kenmin.pref.yamaguchi.lg.jp", 0, 0 },
	{ "mail", "center_aikasa", CT_MAIL, S(center_aikasa),
	    "aikasa@kenmin.pref.yamaguchi.lg.jp", 0, 0 },
	{ "mail", "mail_max_attempts", CT_INT, S(mail_max_attempts),
	    "8", 1, 100 },
	{ "mail", "bounce_threshold", CT_INT, S(bounce_threshold),
	    "3", 1, 100 },
	{ "security", "session_idle_min", CT_INT, S(session_idle_min),
	    "30", 1, 1440 },
	{ "security", "staff_idle_min", CT_INT, S(staff_idle_min),
	    "15", 1, 1440 },
	{ "security", "staff_absolute_min", CT_INT, S(staff_absolute_min),
	    "480", 1, 10080 },
	{ "security", "lockout_failures", CT_INT, S(lockout_failures),
	    "5", 1, 100 },
	{ "security", "lockout_min", CT_INT, S(lockout_min), "15", 1, 10080 },
	{ "security", "cookie_secure", CT_BOOL, S(cookie_secure), "1", 0, 1 },
	{ "security", "admin_allow", CT_STR, S(admin_allow), "", 0, 0 },
	{ "retention", "audit_days", CT_INT, S(audit_days),
	    "1095", 366, 36500 },
	{ "retention", "application_days", CT_INT, S(application_days),
	    "365", 1, 36500 },
	{ "retention", "unverified_days", CT_INT, S(unverified_days),
	    "7", 1, 365 },
	{ "retention", "withdrawn_days", CT_INT, S(withdrawn_days),
	    "30", 1, 3650 },
};

#undef S

#define CKEY__MAX	KENMIN_NELEM(ckeys)

static const char *const tls_names[TLS__MAX] = {
	"none",			/* TLS_NONE */
	"starttls",		/* TLS_STARTTLS */
	"smtps",		/* TLS_SMTPS */
};

/* Longest value quoted back in a message. */
#define MSG_VALUE_MAX	60
/* Longest message, file name excluded. */
#define MSG_MAX		512

/* State shared by the reader and the handler during one ini_parse_stream. */
struct cparse {
	struct config	*cfg;
	const char	*path;
	FILE		*f;
	char		*line;		/* getline buffer */
	size_t		 linesz;
	int		 lineno;	/* line last handed to inih */
	int		 errline;	/* 0 = no error seen yet */
	char		 msg[MSG_MAX];
	int		 seen[CKEY__MAX]; /* line a key was set on, 0 = not */
};

static int
section_known(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < CKEY__MAX; i++)
		if (strlen(ckeys[i].section) == len &&
		    strncmp(ckeys[i].section, name, len) == 0)
			return 1;
	return 0;
}

static void
cparse_error(struct cparse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first error only; it is printed once parsing stops. */
static void
cparse_error(struct cparse *p, const char *fmt, ...)
{
	va_list	 ap;

	if (p->errline != 0)
		return;
	p->errline = p->lineno;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/*
 * The ini_reader: hand inih one whole line at a time, so that lineno
 * counts real lines.  Leading blanks are removed, which turns off inih's
 * multi-line continuations (an indented key is just a key).  Unknown
 * section headers are caught here, since inih only tells the handler
 * about sections that hold keys.  Returns NULL at the end of the file
 * or after the first error, which stops the parse.
 */
static char *
cparse_read(char *str, int num, void *arg)
{
	struct cparse	*p = arg;
	ssize_t		 len;
	size_t		 slen;
	const char	*s, *end;

	if (p->errline != 0 || num < 3)
		return NULL;
	if ((len = getline(&p->line, &p->linesz, p->f)) < 0)
		return NULL;
	p->lineno++;
	while (len > 0 &&
	    (p->line[len - 1] == '\n' || p->line[len - 1] == '\r'))
		p->line[--len] = '\0';
	s = p->line;
	if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;		/* a UTF-8 byte order mark */
	while (*s == ' ' || *s == '\t')
		s++;
	if (strlen(s) > (size_t)num - 2) {
		cparse_error(p, "line too long (at most %d bytes)", num - 2);
		return NULL;
	}
	if (*s == '[' && (end = strchr(s + 1, ']')) != NULL &&
	    !section_known(s + 1, (size_t)(end - s - 1))) {
		cparse_error(p, "[%.*s]: unknown section",
		    (int)(end - s - 1 > MSG_VALUE_MAX ?
		    MSG_VALUE_MAX : end - s - 1), s + 1);
		return NULL;
	}
	/* Fits, checked above: slen + newline + NUL <= num. */
	slen = strlen(s);
	memcpy(str, s, slen);
	str[slen] = '\n';
	str[slen + 1] = '\0';
	return str;
}

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Check a string value against its type; on failure return a static
 * explanation, else NULL.
 */
static const char *
check_string(enum ctype type, const char *v)
{
	size_t	 len;

	len = strlen(v);
	switch (type) {
	case CT_PATH:
		return len == 0 ? "must not be empty" : NULL;
	case CT_URL:
		if (!has_prefix(v, "http://") && !has_prefix(v, "https://"))
			return "must start with http:// or https://";
		if (v[len - 1] == '/')
			return "must not end with a slash";
		return NULL;
	case CT_SMTPURL:
		if (!has_prefix(v, "smtp://") && !has_prefix(v, "smtps://"))
			return "must start with smtp:// or smtps://";
		return NULL;
	case CT_URLPATH:
		if (len < 2 || v[0] != '/' || v[len - 1] == '/')
			return "must start with a slash and not end with one";
		return NULL;
	case CT_DIRPATH:
		if (len < 1 || v[0] != '/' || v[len - 1] != '/')
			return "must start and end with a slash";
		return NULL;
	case CT_MAILREQ:
		if (len == 0)
			return "must not be empty";
		/* FALLTHROUGH */
	case CT_MAIL:
		if (len > 0 && strchr(v, '@') == NULL)
			return "must be a mail address";
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Store value v for key k.  Returns 1, or 0 after recording an error
 * (without touching the field, which keeps its default).
 */
static int
set_value(struct cparse *p, const struct ckey *k, const char *v)
{
	char		*base = (char *)p->cfg;
	char		**sp;
	const char	*why;
	long long	 n;
	size_t		 i;

	switch (k->type) {
	case CT_INT:
		if (v[0] == '+' ||
		    !util_strtoll(v, LLONG_MIN, LLONG_MAX, &n)) {
			cparse_error(p, "[%s] %s: not an integer: \"%.*s\"",
			    k->section, k->name, MSG_VALUE_MAX, v);
			return 0;
		}
		if (n < k->min || n > k->max) {
			cparse_error(p, "[%s] %s: %lld is out of range "
			    "(%lld..%lld)", k->section, k->name, n,
			    k->min, k->max);
			return 0;
		}
		*(int *)(base + k->off) = (int)n;
		return 1;
	case CT_BOOL:
		if (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
		    strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0)
			n = 1;
		else if (strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
		    strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0)
			n = 0;
		else {
			cparse_error(p, "[%s] %s: must be 0 or 1, not \"%.*s\"",
			    k->section, k->name, MSG_VALUE_MAX, v);
			return 0;
		}
		*(int *)(base + k->off) = (int)n;
		return 1;
	case CT_TLS:
		for (i = 0; i < TLS__MAX; i++)
			if (strcmp(v, tls_names[i]) == 0)
				break;
		if (i == TLS__MAX) {
			cparse_error(p, "[%s] %s: must be none, starttls or "
			    "smtps, not \"%.*s\"", k->section, k->name,
			    MSG_VALUE_MAX, v);
			return 0;
		}
		*(enum tls_mode *)(base + k->off) = (enum tls_mode)i;
		return 1;
	default:
		if ((why = check_string(k->type, v)) != NULL) {
			cparse_error(p, "[%s] %s: %s: \"%.*s\"", k->section,
			    k->name, why, MSG_VALUE_MAX, v);
			return 0;
		}
		sp = (char **)(base + k->off);
		free(*sp);
		*sp = xstrdup(v);
		return 1;
	}
}

/* The ini_handler: one "name = value" in section. */
static int
cparse_handle(void *arg, const char *section, const char *name,
    const char *value)
{
	struct cparse	*p = arg;
	size_t		 i;

	if (p->errline != 0)
		return 0;
	if (*section == '\0') {
		cparse_error(p, "%.*s: key before any [section]",
		    MSG_VALUE_MAX, name);
		return 0;
	}
	for (i = 0; i < CKEY__MAX; i++)
		if (strcmp(ckeys[i].section, section) == 0 &&
		    strcmp(ckeys[i].name, name) == 0)
			break;
	if (i == CKEY__MAX) {
		cparse_error(p, "[%s] %.*s: unknown key", section,
		    MSG_VALUE_MAX, name);
		return 0;
	}
	if (p->seen[i] != 0) {
		cparse_error(p, "[%s] %s: set twice (first on line %d)",
		    section, name, p->seen[i]);
		return 0;
	}
	p->seen[i] = p->lineno;
	return set_value(p, &ckeys[i], value);
}

/* Set every field to its default; cfg must be zeroed or freed. */
static void
config_defaults(struct config *cfg)
{
	struct cparse	 p;
	size_t		 i;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	for (i = 0; i < CKEY__MAX; i++)
		if (!set_value(&p, &ckeys[i], ckeys[i].def)) {
			/* A bad table is a programming error. */
			kerr("config: bad default for %s: %s",
			    ckeys[i].name, p.msg);
			abort();
		}
}

const char *
config_locate(const char *arg)
{
	const char	*env;
	struct stat	 st;

	if (arg != NULL)
		return arg;
	if ((env = getenv("KENMIN_CONFIG")) != NULL && *env != '\0')
		return env;
	if (stat("kenmin.ini", &st) == 0)
		return "kenmin.ini";
	return NULL;
}

int
config_load(struct config *cfg, const char *path)
{
	struct cparse	*p = NULL;
	int		 rc = 0, perr;

	memset(cfg, 0, sizeof(*cfg));
	config_defaults(cfg);
	if (path == NULL)
		return 1;
	cfg->path = xstrdup(path);

	p = xcalloc(1, sizeof(*p));
	p->cfg = cfg;
	p->path = path;
	if ((p->f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path,
		    strerror(errno));
		goto out;
	}
	errno = 0;
	perr = ini_parse_stream(cparse_read, p, cparse_handle, p);
	if (ferror(p->f)) {
		fprintf(stderr, "%s:%d: cannot read: %s\n", path,
		    p->lineno + 1, strerror(errno != 0 ? errno : EIO));
		goto out;
	}
	if (perr > 0 && (p->errline == 0 || perr < p->errline)) {
		/* inih found a line it could not parse. */
		fprintf(stderr, "%s:%d: syntax error: expected [section] "
		    "or key = value\n", path, perr);
		goto out;
	}
	if (p->errline != 0) {
		fprintf(stderr, "%s:%d: %s\n", path, p->errline, p->msg);
		goto out;
	}
	if (perr != 0) {
		fprintf(stderr, "%s: cannot parse\n", path);
		goto out;
	}
	rc = 1;
out:
	if (p != NULL) {
		if (p->f != NULL)
			fclose(p->f);
		free(p->line);
		free(p);
	}
	return rc;
}

void
config_free(struct config *cfg)
{
	size_t	 i;
	char	**sp;

	if (cfg == NULL)
		return;
	free(cfg->path);
	for (i = 0; i < CKEY__MAX; i++) {
		switch (ckeys[i].type) {
		case CT_INT:
		case CT_BOOL:
		case CT_TLS:
			break;
		default:
			sp = (char **)((char *)cfg + ckeys[i].off);
			free(*sp);
			break;
		}
	}
	memset(cfg, 0, sizeof(*cfg));
}
