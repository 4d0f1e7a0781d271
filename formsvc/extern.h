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
	PAGE_MB_DETAIL,		/* member.c: 詳細登録, edit, 休止・再開・退会 */
	PAGE_MB_EDIT,
	PAGE_MB_STATUS,
	/* -- pages: member.c -- */
	PAGE_AK_POSTING_NEW,	/* posting.c: a group's volunteer recruitment */
	PAGE_AK_POSTING_EDIT,
	PAGE_AK_POSTING_CLOSE,
	/* -- pages: posting.c -- */
	PAGE_SN_REGISTER,	/* snreg.c: スーパーネット registration */
	PAGE_SN_VERIFY,
	PAGE_SN_EDIT,		/* 修正依頼: search, mail a link */
	PAGE_SN_EDIT_FORM,
	PAGE_SN_EDIT_FALLBACK,
	/* -- pages: snreg.c -- */
	PAGE_SN_EVENT,		/* event.c: スーパーネット 募集情報 */
	PAGE_SN_EVENT_VERIFY,
	PAGE_SN_EVENT_EDIT,	/* the receipt's private link: 修正依頼 */
	/* -- pages: event.c -- */
	PAGE_RV_OVERVIEW,	/* review.c: staff review queues */
	PAGE_RV_LIST,
	PAGE_RV_ITEM,
	PAGE_RV_ACT,
	PAGE_RV_PREVIEW,
	/* -- pages: review.c -- */
	PAGE_AC_EMAIL,		/* account.c: e-mail change, withdrawal */
	PAGE_AC_EMAIL_VERIFY,
	PAGE_AC_DELETE,
	PAGE_AC_MEMBERS,	/* staff: member accounts */
	PAGE_AC_MEMBER,
	PAGE_AC_MEMBER_ACT,
	PAGE_AC_MEMBERS_CSV,
	PAGE_AC_EXTEND,		/* 「延長する」 */
	/* -- pages: account.c -- */
	PAGE_AK_APPLY,		/* apply.c: 参加申込, 問い合わせ, 参加要請 */
	PAGE_AK_INQUIRE,
	PAGE_AK_REQUEST,
	PAGE_AP_ADMIN,		/* staff: counts only */
	/* -- pages: apply.c -- */
	PAGE_SN_CONTACT,	/* contact.c: お問い合わせ (R048) */
	PAGE_SN_SUBSCRIBE,	/* newsletters: double opt-in */
	PAGE_SN_UNSUBSCRIBE,
	PAGE_AK_SUBSCRIBE,
	PAGE_AK_UNSUBSCRIBE,
	/* -- pages: contact.c -- */
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
	KEY_MB_ZIP,		/* member.c: 詳細登録 (紙4 rows 19-42) */
	KEY_MB_ADDRESS,
	KEY_MB_FAX,
	KEY_MB_URL1,
	KEY_MB_URL1_LABEL,
	KEY_MB_URL2,
	KEY_MB_URL2_LABEL,
	KEY_MB_URL3,
	KEY_MB_URL3_LABEL,
	KEY_MB_OCCUPATION,
	KEY_MB_QUALIFICATION,
	KEY_MB_SALES,
	KEY_MB_MEMBERS,
	KEY_MB_FOUNDED,
	KEY_MB_PURPOSE,
	KEY_MB_ACTIVITIES,
	KEY_MB_DEPT,
	KEY_MB_CONTACT,
	KEY_MB_CTITLE,
	KEY_MB_VREC,
	KEY_MB_AREAS,
	KEY_MB_FIELDS,
	KEY_MB_WEEKDAYS,
	KEY_MB_TIMEBAND,
	KEY_MB_PB_FIELD,
	KEY_MB_PB_CONTENT,
	KEY_MB_PB_PREP,
	KEY_MB_FILE1,
	KEY_MB_FILE2,
	KEY_MB_FILE3,
	KEY_MB_NEWS,
	KEY_MB_ACTION,		/* /mypage/status: pause | resume | withdraw */
	/* -- keys: member.c -- */
	KEY_PO_ID,		/* posting.c: the posting (edit, close) */
	KEY_PO_TITLE,
	KEY_PO_FIELDS,
	KEY_PO_ACTIVITY,
	KEY_PO_WHEN,
	KEY_PO_WEEKDAYS,
	KEY_PO_AREAS,
	KEY_PO_AREA_ALL,
	KEY_PO_PLACE,
	KEY_PO_ORG,
	KEY_PO_CONTACT,
	KEY_PO_URL,
	KEY_PO_HEADCOUNT,
	KEY_PO_DRESS,
	KEY_PO_ANYTIME,
	KEY_PO_FROM,
	KEY_PO_UNTIL,
	KEY_PO_NOTES,
	KEY_PO_FILE1,
	KEY_PO_FILE2,
	KEY_PO_FILE3,
	/* -- keys: posting.c -- */
	KEY_SN_TYPE,		/* snreg.c: npo | group | company */
	KEY_SN_HANDOVER,	/* a hand-over token (連携③) */
	KEY_SN_STAFF,		/* 紙3 #6 担当者名 */
	KEY_SN_STAFF_TITLE,
	KEY_SN_FIELDS,
	KEY_SN_AREA,
	KEY_SN_MUNIS,
	KEY_SN_PURPOSE,
	KEY_SN_ACTIVITIES,
	KEY_SN_CSR,
	KEY_SN_COLLAB,
	KEY_SN_APPEAL,
	KEY_SN_MAIN_OFFICE,
	KEY_SN_SUB_OFFICE,
	KEY_SN_ZIP,
	KEY_SN_ADDRESS,
	KEY_SN_FAX,
	KEY_SN_FOUNDED,
	KEY_SN_BUDGET,
	KEY_SN_MEMBERS,
	KEY_SN_FEE,
	KEY_SN_MEMBERSHIP,
	KEY_SN_ACTTIME,
	KEY_SN_URL1,
	KEY_SN_URL2,
	KEY_SN_URL3,
	KEY_SN_URLDESC1,
	KEY_SN_URLDESC2,
	KEY_SN_URLDESC3,
	KEY_SN_FILE1,
	KEY_SN_FILE2,
	KEY_SN_FILE3,
	KEY_SN_FEATURES,
	KEY_SN_REG_NAME,	/* 紙3 #34-37, 一般非公開 */
	KEY_SN_REG_TITLE,
	KEY_SN_REG_TEL,
	KEY_SN_REG_EMAIL,
	KEY_SN_REG_EMAIL2,
	KEY_SN_ORG,		/* 修正依頼: the org searched for */
	KEY_SN_REQUEST,		/* the fallback's free text */
	/* -- keys: snreg.c -- */
	KEY_EV_CATEGORY,	/* event.c: 紙1 イベント・募集 */
	KEY_EV_ORGANIZER,
	KEY_EV_TITLE,
	KEY_EV_HELD,
	KEY_EV_START,
	KEY_EV_END,
	KEY_EV_PLACE,
	KEY_EV_PURPOSE,
	KEY_EV_BODY,
	KEY_EV_FIELDS,
	KEY_EV_FEE,
	KEY_EV_AUDIENCE,
	KEY_EV_FROM,
	KEY_EV_UNTIL,
	KEY_EV_METHOD,
	KEY_EV_CONTACT,
	KEY_EV_COSPONSOR,
	KEY_EV_URL,
	KEY_EV_FILE1,
	KEY_EV_FILE2,
	KEY_EV_FILE3,
	/* -- keys: event.c -- */
	KEY_RV_Q,		/* review.c: the queue */
	KEY_RV_ID,		/* item or edit-request id */
	KEY_RV_ACTION,		/* approve | hold | return | duplicate */
	KEY_RV_NOTE,		/* hold note or the returned message */
	KEY_RV_DUP,		/* duplicate_of */
	/* -- keys: review.c -- */
	KEY_AC_HELD,		/* h=: a held form, every page */
	KEY_AC_ID,		/* account.c: member number */
	KEY_AC_ACTION,
	KEY_AC_REASON,
	KEY_AC_STATUS,
	KEY_AC_DONE,
	KEY_AC_AGREE,
	/* -- keys: account.c -- */
	KEY_AP_POSTING,		/* apply.c: ?posting= */
	KEY_AP_MEMBER,		/* ?member= of a 参加要請 */
	KEY_AP_MESSAGE,		/* the message or 問い合わせ内容 */
	/* -- keys: apply.c -- */
	KEY_CT_CATEGORY,	/* contact.c: お問い合わせの種類 */
	KEY_CT_MESSAGE,
	KEY_CT_AGREE,		/* 個人情報の取り扱いに同意する */
	KEY_CT_ONECLICK,	/* RFC 8058 "List-Unsubscribe=One-Click" */
	/* -- keys: contact.c -- */
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
#define PAGE_NOCSRF	0x04	/* no CSRF check in dispatch: test pages, and
				   one-click unsubscribe (handler checks) */

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
	/* A member session sess_load() just ended for being idle. */
	long long		 stale_pid;	/* 0: none */
	char			 stale_csrf[SESS_HEX + 1];
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
int	 sess_touch(struct ctx *);
long long sess_remaining(const struct ctx *);
void	 sess_vars(struct ctx *, struct tval *);

/* auth.c */
int	 auth_login(struct ctx *);
int	 auth_staff_login(struct ctx *);
int	 auth_totp(struct ctx *);
int	 auth_totp_enrol(struct ctx *);
int	 auth_logout(struct ctx *);
int	 auth_password(struct ctx *);
int	 auth_reset(struct ctx *);
int	 auth_setpw(struct ctx *);
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
void	 form_check_email2(struct form *, size_t idx);
void	 form_review_row(struct form *now, struct form *req, size_t idx,
	    struct tval *rows);
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
int	 form_submit_key(struct ctx *, const char **key, struct buf *done,
	    int *rc);
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
int	 form_set_upload(struct form *, enum key, int64_t id);
void	 form_pair(struct buf *, const char *name, const char *value);
void	 form_payload(const struct form *, struct buf *);
int	 form_from_payload(struct form *, const char *payload);
void	 form_text(struct form *, size_t idx, struct buf *);
/*
 * What form_sniff() found in a file's bytes: an accepted type whose
 * extension agrees, no known type, an extension that names another
 * type, or active content (Office macros, PDF JavaScript: A-50).
 */
enum fsniff {
	FSNIFF_OK,
	FSNIFF_UNKNOWN,
	FSNIFF_EXT,
	FSNIFF_ACTIVE,
	FSNIFF__MAX
};
enum fsniff form_sniff(const void *, size_t, const char *filename,
	    const char **mime, const char **label);

/* register.c */
int	 reg_register(struct ctx *);
int	 reg_verify(struct ctx *);

/* flow.c: what every form flow shares */
typedef struct sqlite3_stmt sqlite3_stmt;
int	 flow_show(struct ctx *, struct tarena *, struct tval *,
	    const char *tmpl, const char *title, int errors);
const char *flow_body(const struct ctx *, enum key);
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
int	 flow_mail_reply(struct ctx *, const char *tmpl, const char *to,
	    const char *reply, const char *bcc_site, const char *subject,
	    const char *body);
int	 flow_rate(struct ctx *, const char *bucket, long long window,
	    long long max);
int	 flow_mail_center(struct ctx *, const char *site, const char *tmpl,
	    const char *subject, const char *body);
int	 flow_publish(struct ctx *, const char *kind, int64_t id,
	    const char *reason);
int	 flow_publish_now(struct ctx *);
int	 flow_page_md(struct ctx *, struct tval *, const char *site,
	    const char *slug, const char *var_title, const char *var_html);

/* member.c */
int	 member_mypage(struct ctx *);
int	 member_detail(struct ctx *);
int	 member_edit(struct ctx *);
int	 member_status(struct ctx *);
int	 member_review_rows(struct ctx *, int64_t id, const char *payload,
	    struct tarena *, struct tval *rows);
int	 member_edit_apply(struct ctx *, int64_t id, const char *payload);
/* -- functions: member.c -- */

/* posting.c: a group's volunteer recruitments (紙2 §5) */
int	 posting_new(struct ctx *);
int	 posting_edit(struct ctx *);
int	 posting_close(struct ctx *);
int	 posting_review_rows(struct ctx *, int64_t id, const char *payload,
	    struct tarena *, struct tval *rows);
int	 posting_edit_apply(struct ctx *, int64_t id, const char *payload);
/* -- functions: posting.c -- */

/* snreg.c: スーパーネット registration, 修正依頼, hand-over (連携③) */
int	 snreg_register(struct ctx *);
int	 snreg_verify(struct ctx *);
int	 snreg_edit(struct ctx *);
int	 snreg_edit_form(struct ctx *);
int	 snreg_fallback(struct ctx *);
int	 org_review_rows(struct ctx *, int64_t id, const char *payload,
	    struct tarena *, struct tval *rows);
int	 org_edit_apply(struct ctx *, int64_t id, const char *payload);
int	 snreg_handover(struct ctx *, const char *tok, int use, struct form *);
int	 snreg_handover_new(struct ctx *, int64_t member_id,
	    const struct form *, char out[SESS_HEX + 1]);
/* register.c, shared with snreg.c */
extern const char reg_minors_notice[];
void	 reg_check_kana(struct form *, size_t);
void	 reg_check_muni(struct form *, size_t);
void	 reg_check_reqs(struct form *, size_t);
/* -- functions: snreg.c -- */

/* event.c: スーパーネット 募集情報 (紙1, A-43) */
int	 event_submit(struct ctx *);
int	 event_verify(struct ctx *);
int	 event_edit(struct ctx *);
int	 event_review_rows(struct ctx *, int64_t id, const char *payload,
	    struct tarena *, struct tval *rows);
int	 event_edit_apply(struct ctx *, int64_t id, const char *payload);

/* -- functions: event.c -- */

/* review.c */
int	 rv_overview(struct ctx *);
int	 rv_list(struct ctx *);
int	 rv_item(struct ctx *);
int	 rv_act(struct ctx *);
int	 rv_preview(struct ctx *);

/* -- functions: review.c -- */

/* account.c */
int	 acct_email(struct ctx *);
int	 acct_email_verify(struct ctx *);
int	 acct_delete(struct ctx *);
int	 acct_members(struct ctx *);
int	 acct_member(struct ctx *);
int	 acct_member_act(struct ctx *);
int	 acct_members_csv(struct ctx *);
int	 acct_extend(struct ctx *);
int	 acct_ip_ok(struct ctx *);
int	 acct_hold(struct ctx *);
int	 acct_restore(struct ctx *);
int	 acct_login_next(struct ctx *, const char *next);
/* -- functions: account.c -- */
/* apply.c: 参加申込・問い合わせ (R183-R189), 参加要請 (R190-R191) */
int	 apply_apply(struct ctx *);
int	 apply_inquire(struct ctx *);
int	 apply_request(struct ctx *);
int	 apply_admin(struct ctx *);
#ifdef KENMIN_TEST
int	 apply_test_token(int argc, char *argv[]);
#endif
/* -- functions: apply.c -- */
/* contact.c: お問い合わせ, newsletter subscribe and unsubscribe */
int	 contact_form_page(struct ctx *);
int	 contact_subscribe(struct ctx *);
int	 contact_unsubscribe(struct ctx *);
/* -- functions: contact.c -- */

/* spawn.c */
int	 spawn_gen(const struct config *, const char *command);
#define SPAWN_ARGS_MAX	8	/* arguments of spawn_capture() */
int	 spawn_capture(const struct config *, const char *const *args,
	    struct buf *out, int timeout_sec);

#endif
