/*
 * extern.h: every non-static function and shared type of formsvc.cgi.
 */
#ifndef KENMIN_FSV_EXTERN_H
#define KENMIN_FSV_EXTERN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct config;
struct tarena;
struct tmpl_set;
struct tval;

/* ---- request limits (request.c enforces them, sandbox.c re-checks) ---- */

#define REQ_URLENC_MAX		((size_t)64 * 1024)	/* urlencoded body */
#define REQ_MULTIPART_MAX	((size_t)10 * 1024 * 1024) /* multipart body */
#define REQ_QUERY_MAX		((size_t)8 * 1024)	/* QUERY_STRING */
#define REQ_COOKIE_MAX		((size_t)8 * 1024)	/* HTTP_COOKIE */
#define REQ_PATH_MAX		((size_t)1024)		/* PATH_INFO */
#define REQ_FIELDS_MAX		256	/* fields of all sources together */
#define REQ_NAME_MAX		64	/* bytes of a field name */
#define REQ_VALUE_MAX		((size_t)64 * 1024)	/* bytes of a text value */
#define REQ_FILE_MAX		((size_t)5 * 1024 * 1024) /* bytes of one file */
#define REQ_PART_HDR_MAX	((size_t)4 * 1024)	/* headers of one part */
#define REQ_FILENAME_MAX	255	/* bytes of an uploaded file's name */
#define REQ_CTYPE_MAX		127	/* bytes of a part's content type */

/* What went wrong with a request; each maps to one HTTP status. */
enum req_status {
	REQ_OK,
	REQ_BAD,		/* 400: malformed input */
	REQ_BAD_UTF8,		/* 400: a value is not valid UTF-8 */
	REQ_TOO_LARGE,		/* 413: body, field or file over its cap */
	REQ_MEDIA,		/* 415: unsupported Content-Type */
	REQ_FAIL,		/* 500: our own failure (sandbox, pipe) */
	REQ_TIMEOUT,		/* 500: the parser took too long */
	REQ__MAX
};

enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_OTHER,		/* anything else: always 405 */
	METHOD__MAX
};

#define M_GET	(1u << METHOD_GET)
#define M_HEAD	(1u << METHOD_HEAD)
#define M_POST	(1u << METHOD_POST)

/* Where a field came from: handlers of a POST read only KSRC_BODY. */
enum ksrc {
	KSRC_QUERY,
	KSRC_BODY,
	KSRC_COOKIE,
	KSRC__MAX
};

/*
 * One field of the request.  val is NUL-terminated (files may hold more
 * NULs; valsz is the real size).  file and ctype are set only for
 * multipart parts that carried a filename.  Owned by the struct req.
 */
struct kfield {
	char		*name;
	char		*val;
	size_t		 valsz;
	char		*file;		/* basename the browser sent, or NULL */
	char		*ctype;		/* part Content-Type, or NULL */
	enum ksrc	 src;
	size_t		 key;		/* index into the key table */
	int		 valid;		/* the key's validator accepted it */
	long long	 ival;		/* int, bool and date validators */
	struct kfield	*next;		/* next field, same src, key, validity */
};

struct kkey;
typedef int (*kvalid_fn)(struct kfield *, const struct kkey *);

/*
 * One declared form key: its name, its validator and the bounds the
 * validator applies (a number range for kvalid_int, a length in code
 * points for strings, in bytes for files).  A cookie key is matched
 * against "__Host-NAME" when cookies are Secure, else "NAME".
 */
struct kkey {
	const char	*name;
	kvalid_fn	 valid;
	long long	 min;
	long long	 max;
};

/* Validators (request.c).  Each returns 1 if the field is acceptable. */
int	 kvalid_string(struct kfield *, const struct kkey *);	/* one line */
int	 kvalid_text(struct kfield *, const struct kkey *);	/* multi-line */
int	 kvalid_int(struct kfield *, const struct kkey *);
int	 kvalid_bool(struct kfield *, const struct kkey *);
int	 kvalid_email(struct kfield *, const struct kkey *);
int	 kvalid_date(struct kfield *, const struct kkey *);
int	 kvalid_login(struct kfield *, const struct kkey *);
int	 kvalid_password(struct kfield *, const struct kkey *);
int	 kvalid_token(struct kfield *, const struct kkey *);
int	 kvalid_file(struct kfield *, const struct kkey *);

/*
 * The CGI environment, copied (and length-checked) by req_env().
 * Strings are owned by the struct; absent variables are "".
 */
struct reqenv {
	enum method	 method;
	char		*method_name;
	char		*path;		/* PATH_INFO, "/" if empty */
	char		*query;
	char		*ctype;
	char		*cookie;
	char		*remote;
	int		 https;
	int		 has_length;	/* CONTENT_LENGTH was set */
	size_t		 length;
};

/*
 * The parsed request: every accepted field of the page, and for each
 * source and key the first valid and the first invalid occurrence.
 */
struct req {
	struct reqenv	 env;
	struct kfield	*fields;
	size_t		 fieldsz;
	size_t		 fieldmax;	/* allocated */
	size_t		 seen;		/* fields parsed, kept or not */
	size_t		 keysz;
	struct kfield	**map[KSRC__MAX];	/* [keysz]: valid fields */
	struct kfield	**nmap[KSRC__MAX];	/* [keysz]: invalid fields */
};

/*
 * What the parser needs to know: the key table, which keys the page
 * accepts (accept[keysz], 1 = accepted) and whether cookie names carry
 * the __Host- prefix.
 */
struct reqspec {
	const struct kkey	*keys;
	size_t			 keysz;
	const unsigned char	*accept;
	int			 cookie_host;
};

/* request.c */
enum req_status	 req_env(struct reqenv *);
void		 req_env_free(struct reqenv *);
void		 req_init(struct req *, size_t keysz);
void		 req_free(struct req *);
void		 req_free_fields(struct req *);
enum req_status	 req_parse_input(struct req *, const struct reqspec *, int fd);
enum req_status	 req_parse_urlenc(struct req *, const struct reqspec *,
		    enum ksrc, const char *, size_t);
enum req_status	 req_parse_multipart(struct req *, const struct reqspec *,
		    const char *ctype, const char *, size_t);
void		 req_parse_cookies(struct req *, const struct reqspec *,
		    const char *);
void		 req_index(struct req *);
int		 req_write(int fd, enum req_status, const struct req *);
enum req_status	 req_read(int fd, struct req *, const struct reqspec *);
const struct kfield *req_get(const struct req *, enum ksrc, size_t key);
const struct kfield *req_get_invalid(const struct req *, enum ksrc, size_t key);

/* sandbox.c */
enum req_status	 sandbox_parse(struct req *, const struct reqspec *);
int		 sandbox_narrow(void);

/* ---- responses (response.c) ---- */

#define RESP_NOSTORE	0x01	/* Cache-Control: no-store */
#define RESP_NOREFERRER	0x02	/* Referrer-Policy: no-referrer */
#define RESP_HEAD	0x04	/* HEAD: headers only */

/*
 * A response is built in memory and written once by resp_emit(), so a
 * refused header can still turn the whole response into a 500.
 */
struct resp {
	int		 status;
	int		 flags;
	int		 refused;	/* a header was refused: emit a 500 */
	const char	*ctype;		/* static string */
	struct buf	 hdr;		/* extra "Name: value\r\n" lines */
	struct buf	 body;
};

void		 resp_init(struct resp *, int flags);
void		 resp_free(struct resp *);
void		 resp_reset(struct resp *);
const char	*resp_reason(int status);
int		 resp_header(struct resp *, const char *, const char *);
int		 resp_headern(struct resp *, const char *, const char *, size_t);
int		 resp_cookie(struct resp *, const struct config *,
		    const char *name, const char *value, long long maxage);
int		 resp_safe_path(const char *);
int		 resp_redirect(struct resp *, const struct config *, const char *);
int		 resp_emit(struct resp *, struct buf *out);

/* ---- pages (pages.c) and the dispatcher's state (main.c) ---- */

enum role {
	ROLE_ANY,		/* no login needed */
	ROLE_MEMBER,		/* a logged-in member */
	ROLE_STAFF,		/* editor or admin */
	ROLE_ADMIN,
	ROLE__MAX
};

enum page {
	PAGE_INDEX,
	PAGE_HEALTH,
	PAGE_LOGIN,		/* auth.c: accounts */
	PAGE_STAFF_LOGIN,
	PAGE_TOTP,
	PAGE_TOTP_ENROL,
	PAGE_LOGOUT,
	PAGE_PASSWORD,
	PAGE_STAFF_PASSWORD,
	PAGE_RESET,
	PAGE_SETPW,
	PAGE_MYPAGE,
	PAGE_ADMIN,
	PAGE_ADMIN_STAFF,
	PAGE_AK_REGISTER,	/* register.c: あいかさねっと sign-up */
	PAGE_AK_VERIFY,
	PAGE_SEARCH,		/* search.c: the no-JS search */
	/* -- pages: member.c -- */
	/* -- pages: posting.c -- */
	/* -- pages: snreg.c -- */
	/* -- pages: event.c -- */
	/* -- pages: review.c -- */
	/* -- pages: account.c -- */
#ifdef KENMIN_TEST
	PAGE_TEST_ECHO,
	PAGE_TEST_HEADER,
	PAGE_TEST_REDIRECT,
	PAGE_TEST_COOKIE,
#endif
	PAGE__MAX
};

enum key {
	KEY_SID,		/* test pages' cookie */
	KEY_SESS,		/* session cookie (session.c) */
	KEY_ACSRF,		/* anonymous double-submit CSRF cookie */
	KEY_UI,			/* kenmin_ui indicator cookie (ignored) */
	KEY_CSRF,		/* CSRF token of every POST form */
	KEY_LOGIN_ID,
	KEY_PASSWORD,		/* current password */
	KEY_NEWPW,
	KEY_NEWPW2,
	KEY_CODE,		/* TOTP or recovery code */
	KEY_TOKEN,		/* t=: single-use link token */
	KEY_NEXT,		/* where to go after login */
	KEY_F_STEP,		/* form.c: which step a form POST is */
	KEY_F_IDEM,		/* idempotency key of a form's submit */
	KEY_F_PWSEAL,		/* password carried sealed past the confirm page */
	KEY_R_TYPE,		/* register.c: individual | group | company */
	KEY_R_PASSWORD,
	KEY_R_PASSWORD2,
	KEY_R_NAME,
	KEY_R_KANA,
	KEY_R_GCLASS,
	KEY_R_CCAT,
	KEY_R_ORG,
	KEY_R_ORGKANA,
	KEY_R_REP,
	KEY_R_REPAGREE,
	KEY_R_TITLE,
	KEY_R_PREF,
	KEY_R_MUNI,
	KEY_R_TEL,
	KEY_R_EMAIL,
	KEY_R_EMAIL2,
	KEY_R_GENDER,
	KEY_R_BIRTH,
	KEY_R_BIRTHAGREE,
	KEY_R_ROLES,
	KEY_R_REQS,
	KEY_S_Q,		/* search.c: the words */
	KEY_S_TYPE,
	KEY_S_SITE,
	KEY_S_MT,
	KEY_S_AREA,
	KEY_S_FIELD,
	KEY_S_PROBONO,
	KEY_S_GAREA,
	KEY_S_OPEN,
	KEY_S_PAGE,
	/* -- keys: member.c -- */
	/* -- keys: posting.c -- */
	/* -- keys: snreg.c -- */
	/* -- keys: event.c -- */
	/* -- keys: review.c -- */
	/* -- keys: account.c -- */
#ifdef KENMIN_TEST
	KEY_T_NAME,
	KEY_T_NUM,
	KEY_T_MAIL,
	KEY_T_DATE,
	KEY_T_FLAG,
	KEY_T_TEXT,
	KEY_T_FILE,
	KEY_T_TO,
	KEY_T_VALUE,
	KEY_T_PROBE,
#endif
	KEY__MAX
};

struct ctx;
struct db;
struct keys;

/* Who a session belongs to (session.c). */
enum principal {
	PRINC_NONE,
	PRINC_MEMBER,
	PRINC_STAFF,
	PRINC__MAX
};

#define SESS_HEX	64	/* hex chars of a session id or CSRF token */

/* The session of the request, loaded by sess_load(). */
struct sess {
	unsigned char	 idhash[32];	/* SHA-256 of the cookie value */
	enum principal	 principal;
	long long	 pid;		/* member.id or staff.id */
	int		 mfa_ok;	/* staff: TOTP step done */
	char		 csrf[SESS_HEX + 1];
	long long	 created;
	long long	 last_seen;
	char		 mtype[16];	/* member: individual|group|company */
	int		 admin;		/* staff: role is admin */
};

/*
 * One screen: its PATH_INFO, the methods it allows, its handler, the
 * role it needs, the keys it accepts (ended by KEY__MAX) and whether it
 * is public (no personal data: cacheable) or shows a token in its URL.
 */
#define PAGE_PUBLIC	0x01
#define PAGE_TOKEN	0x02
#define PAGE_NOCSRF	0x04	/* test build only: POST without a token */

struct pageinfo {
	const char	*path;
	unsigned int	 methods;
	int		(*handler)(struct ctx *);
	enum role	 role;
	unsigned int	 flags;
	const enum key	*keys;
};

/* The state of one request, set up by main.c. */
struct ctx {
	const struct config	*cfg;
	struct tmpl_set		*tmpl;		/* NULL if the theme failed */
	const struct pageinfo	*page;
	struct req		 req;
	struct resp		 resp;
	struct db		*db;		/* sess_db(): opened on demand */
	struct keys		*keys;		/* sess_keys(): loaded on demand */
	struct sess		*sess;		/* NULL: anonymous */
	char			 acsrf[SESS_HEX + 1]; /* anonymous token */
	long long		 now;
};

extern const struct pageinfo	 pages[PAGE__MAX];
extern const struct kkey	 keys[KEY__MAX];

/* pages.c */
int	 page_render(struct ctx *, const char *tmpl, const char *title,
	    struct tval *);
int	 page_error(struct ctx *, int status);
struct tval *page_vars(struct ctx *, struct tarena *);

/* session.c */
int	 sess_db(struct ctx *);
int	 sess_keys(struct ctx *);
int	 sess_load(struct ctx *);
int	 sess_start(struct ctx *, enum principal, long long id, int mfa_ok);
int	 sess_end(struct ctx *);
int	 sess_end_others(struct ctx *, enum principal, long long id,
	    int keep_own);
int	 sess_set_mfa(struct ctx *);
int	 sess_csrf_ok(struct ctx *);
const char *sess_csrf(struct ctx *);
void	 sess_close(struct ctx *);
void	 sess_sha256(const char *, unsigned char[32]);

/* auth.c */
int	 auth_login(struct ctx *);
int	 auth_staff_login(struct ctx *);
int	 auth_totp(struct ctx *);
int	 auth_totp_enrol(struct ctx *);
int	 auth_logout(struct ctx *);
int	 auth_password(struct ctx *);
int	 auth_reset(struct ctx *);
int	 auth_setpw(struct ctx *);
int	 auth_mypage(struct ctx *);
int	 auth_admin(struct ctx *);
int	 auth_admin_staff(struct ctx *);

/* search.c */
int	 search_page(struct ctx *);

/* ---- forms (form.c): one mechanism for every form of the service ---- */

/* What kind of control a field is. */
enum fkind {
	FK_TEXT,
	FK_TEXTAREA,
	FK_SELECT,
	FK_RADIO,
	FK_CHECKS,		/* checkbox group: any number of values */
	FK_DATE,		/* YYYY-MM-DD */
	FK_EMAIL,
	FK_TEL,
	FK_ZIP,
	FK_PASSWORD,		/* never echoed back */
	FK_AGREE,		/* one required box 「上記に同意する」 */
	FK_FILE,		/* one uploaded file: see form_upload_id() */
	FK__MAX
};

/* Where a choice field's options come from. */
enum fopts {
	FO_NONE,
	FO_STATIC,		/* ffield.opts */
	FO_PREF,		/* m_prefecture, 「—」 left out */
	FO_MUNI,		/* m_municipality: 19 + 山口県外 */
	FO_GROUP_CLASS,		/* m_group_class, NPO法人 included */
	FO_COMPANY_CAT,		/* m_company_category */
	FO_REQ_AIKASA,		/* m_requirement of あいかさねっと */
	FO_REQ_SUPERNET,	/* m_requirement of スーパーネット */
	FO_FIELD_SN,		/* m_field shown on スーパーネット */
	FO_FIELD_AK,		/* m_field shown on あいかさねっと */
	FO_TARGET_AREA,		/* m_target_area (紙3 #9) */
	FO_BUDGET,		/* m_budget_range (紙3 #26) */
	FO_FEATURE,		/* m_feature (紙3 #33) */
	FO_TIME_BAND,		/* m_time_band (紙4 #37) */
	FO_WEEKDAY,		/* m_weekday 月…日 */
	FO_PROBONO,		/* m_probono_field (紙4 #39) */
	FO_MUNI_IN,		/* the 19 市町 only */
	FO__MAX
};

struct fopt {
	const char	*value;
	const char	*label;
};

struct form;

/*
 * One field of a form's static table.  A field is shown (and read and
 * validated) when shown is NULL or returns 1; required applies only to
 * shown fields.  min and max bound the length in code points (0: none).
 * check, if set, runs after the generic rules passed and reports with
 * form_error().  opts (FO_STATIC) ends with { NULL, NULL }.  notice is
 * a paragraph shown above the control (the minors' notice).  Several
 * entries may share a key when at most one of them is shown.
 */
struct ffield {
	enum key	 key;
	const char	*label;
	enum fkind	 kind;
	int		 required;
	int		(*shown)(const struct form *);
	void		(*check)(struct form *, size_t idx);
	long long	 min;
	long long	 max;
	const char	*hint;
	const char	*notice;
	enum fopts	 optsrc;
	const struct fopt *opts;
	const char	*autocomplete;
};

/* The state of one field in one request (owned by the form). */
struct fvalue {
	char		**vals;		/* every value sent; [0] for single */
	size_t		 valsz;
	char		*err;		/* message beside the field, or NULL */
	struct fopt	*opts;		/* options loaded for this request */
	size_t		 optsz;
};

struct form {
	struct ctx		*ctx;
	const struct ffield	*fields;
	size_t			 fieldsz;
	struct fvalue		*v;		/* [fieldsz] */
	size_t			 nerr;
	const void		*arg;		/* the flow's own data */
};

int	 form_init(struct form *, struct ctx *, const struct ffield *,
	    size_t, const void *arg);
void	 form_free(struct form *);
void	 form_read(struct form *);
int	 form_validate(struct form *);
void	 form_error(struct form *, size_t idx, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 form_shown(const struct form *, size_t idx);
size_t	 form_find(const struct form *, enum key);
const char *form_val(const struct form *, enum key);
void	 form_set(struct form *, enum key, const char *);
int	 form_has(const struct form *, enum key, const char *value);
const char *form_label(const struct form *, size_t idx, const char *value);
void	 form_vars(struct form *, struct tarena *, struct tval *, int errors);
void	 form_confirm_vars(struct form *, struct tarena *, struct tval *);
void	 form_hidden_vars(struct form *, struct tarena *, struct tval *);
int	 form_seal_pw(struct ctx *, const char *pw, struct buf *hex);
char	*form_open_pw(struct ctx *, const char *hex);
int	 form_idem_get(struct ctx *, const char *key, struct buf *result);
int	 form_idem_put(struct ctx *, const char *key, const char *result);
void	 form_url(const struct ctx *, struct tval *, const char *var,
	    const char *path);
/*
 * FK_FILE (the form's page must take multipart bodies): a file sent
 * with a form is checked (type by content: PDF, Office, JPEG, PNG,
 * GIF; size up to ffield.max bytes), stored under upload_dir with a
 * random name as an upload row in state 'quarantine', and from then on
 * carried by a signed reference in a hidden field, so the confirmation
 * page and a validation error keep it without a second upload.  At
 * submit the flow links the id to its own *_file table.  0 if none.
 */
int64_t	 form_upload_id(const struct form *, enum key);

/* register.c */
int	 reg_register(struct ctx *);
int	 reg_verify(struct ctx *);

/* flow.c: what every form flow shares */
typedef struct sqlite3_stmt sqlite3_stmt;
int	 flow_show(struct ctx *, struct tarena *, struct tval *,
	    const char *tmpl, const char *title, int errors);
void	 flow_abs_url(const struct ctx *, struct buf *, const char *path);
int	 flow_bind_sealed(struct ctx *, sqlite3_stmt *, int n,
	    const char *table, const char *column, int64_t id,
	    const char *value, struct buf *tmp);
void	 flow_bind_id(sqlite3_stmt *, int n, const char *value);
int	 flow_col_open(struct ctx *, sqlite3_stmt *, int col,
	    const char *table, const char *column, int64_t id, struct buf *);
int	 flow_token_new(struct ctx *, const char *purpose, const char *kind,
	    int64_t id, long long ttl, const char *payload,
	    char out[SESS_HEX + 1]);
int	 flow_token_get(struct ctx *, const char *purpose, const char *tok,
	    char *kind, size_t kindsz, int64_t *id, struct buf *payload);
int	 flow_token_use(struct ctx *, const char *purpose, const char *tok);
int	 flow_audit(struct ctx *, const char *action, const char *target_kind,
	    int64_t target_id, const char *detail);
int	 flow_mail(struct ctx *, const char *tmpl, const char *to,
	    const char *subject, const char *body);
int	 flow_mail_center(struct ctx *, const char *site, const char *tmpl,
	    const char *subject, const char *body);
int	 flow_publish(struct ctx *, const char *kind, int64_t id,
	    const char *reason);
int	 flow_publish_now(struct ctx *);
int	 flow_page_md(struct ctx *, struct tval *, const char *site,
	    const char *slug, const char *var_title, const char *var_html);

/* -- functions: member.c -- */

/* -- functions: posting.c -- */

/* -- functions: snreg.c -- */

/* -- functions: event.c -- */

/* -- functions: review.c -- */

/* -- functions: account.c -- */

/* spawn.c */
int	 spawn_gen(const struct config *, const char *command);

#endif
