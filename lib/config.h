/*
 * config.h: the one INI file (inih) both programs read.  Every setting
 * has a default that works for `make run`; see docs/config.md.
 */
#ifndef KENMIN_CONFIG_H
#define KENMIN_CONFIG_H

enum tls_mode {
	TLS_NONE,		/* plain SMTP; only sensible on loopback */
	TLS_STARTTLS,
	TLS_SMTPS,
	TLS__MAX
};

/*
 * All strings are owned by the struct and freed by config_free().
 * Relative paths are taken as given (relative to the working directory),
 * except that the defaults live under ./var and ./site-out.
 */
struct config {
	char	*path;			/* file read, or NULL for defaults */
	/* [paths] */
	char	*database;		/* var/kenmin.db */
	char	*site_dir;		/* site-out */
	char	*git_dir;		/* var/site.git (outside site_dir) */
	char	*key_dir;		/* var/keys (outside every web root) */
	char	*upload_dir;		/* var/uploads (not served) */
	char	*spool_dir;		/* var/spool (locks, held forms) */
	char	*theme_dir;		/* themes/default */
	char	*content_dir;		/* content */
	char	*generator;		/* generator/kenmin-gen, run by formsvc */
	/* [site] */
	char	*base_url;		/* http://127.0.0.1:8080 */
	char	*cgi_path;		/* /cgi-bin/formsvc.cgi */
	char	*aikasa_path;		/* /boranet201909/ */
	char	*ga_supernet;		/* "" = no analytics tag */
	char	*ga_aikasa;
	int	 top_new_groups;	/* 5 */
	/* [mail] */
	char	*smtp_url;		/* smtp://127.0.0.1:2525 */
	enum tls_mode smtp_tls;		/* none */
	char	*smtp_user;		/* "" = no AUTH */
	char	*smtp_password_file;	/* "" ; read at send time */
	char	*mail_from;		/* noreply@kenmin.pref.yamaguchi.lg.jp */
	char	*center_supernet;	/* */
	char	*center_aikasa;
	int	 mail_max_attempts;	/* 8 */
	int	 bounce_threshold;	/* 3 */
	/* [security] */
	int	 session_idle_min;	/* 30 */
	int	 staff_idle_min;	/* 15 */
	int	 staff_absolute_min;	/* 480 */
	int	 lockout_failures;	/* 5 */
	int	 lockout_min;		/* 15 */
	int	 cookie_secure;		/* 1; 0 only for plain-http local runs */
	char	*admin_allow;		/* "" = any address; else comma list of prefixes */
	/* [retention], days */
	int	 audit_days;		/* 1095 (>= 366 enforced) */
	int	 application_days;	/* 365 */
	int	 unverified_days;	/* 7 */
	int	 withdrawn_days;	/* 30 */
};

/*
 * Pick the file: the -c argument if not NULL, else $KENMIN_CONFIG, else
 * "kenmin.ini" if it exists, else NULL (defaults only).  Static storage
 * or the argument itself; do not free.
 */
const char	*config_locate(const char *arg);

/*
 * Fill cfg with defaults, then read path (NULL: defaults only).  On an
 * error print one line "FILE:LINE: [section] key: what is wrong" and
 * return 0; unknown sections and keys are errors.  Returns 1 on success.
 * The caller frees with config_free() in either case.
 */
int		 config_load(struct config *cfg, const char *path);
void		 config_free(struct config *cfg);

#endif
