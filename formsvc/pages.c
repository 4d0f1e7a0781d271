/*
 * pages.c: the page and form-key tables of formsvc and the screens
 * that are not part of any area yet: the placeholder top page, the
 * health check and the error pages, rendered from themes/…/formsvc/.
 */
#ifdef KENMIN_TEST
#include <sys/socket.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PAGE_MAX	((size_t)4 * 1024 * 1024)	/* one rendered page */

static int	 page_index(struct ctx *);
static int	 page_health(struct ctx *);
#ifdef KENMIN_TEST
static int	 test_echo(struct ctx *);
static int	 test_header(struct ctx *);
static int	 test_redirect(struct ctx *);
static int	 test_cookie(struct ctx *);
static int	 kvalid_probe(struct kfield *, const struct kkey *);
#endif

/*
 * Every form key and cookie formsvc accepts, with its validator; a
 * page lists the ones it takes.  Anything else a request carries is
 * dropped by the parser.
 */
const struct kkey keys[KEY__MAX] = {
	[KEY_SID] = { "sid", kvalid_token, 32, 128 },
	[KEY_SESS] = { "kenmin", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_ACSRF] = { "kenmin_csrf", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_UI] = { "kenmin_ui", kvalid_token, 1, 16 },
	[KEY_CSRF] = { "csrf", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_LOGIN_ID] = { "login_id", kvalid_string, 1, 64 },
	[KEY_PASSWORD] = { "password", kvalid_password, 1, 128 },
	[KEY_NEWPW] = { "new_password", kvalid_password, 8, 128 },
	[KEY_NEWPW2] = { "new_password2", kvalid_password, 8, 128 },
	[KEY_CODE] = { "code", kvalid_string, 1, 40 },
	[KEY_TOKEN] = { "t", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_NEXT] = { "next", kvalid_string, 1, 1000 },
	/* Form fields: loose here, validated by form.c with messages. */
	[KEY_F_STEP] = { "step", kvalid_string, 1, 16 },
	[KEY_F_IDEM] = { "idem", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_F_PWSEAL] = { "pwseal", kvalid_token, 32, 4096 },
	[KEY_R_TYPE] = { "mtype", kvalid_string, 1, 16 },
	[KEY_R_PASSWORD] = { "password", kvalid_string, 0, 1000 },
	[KEY_R_PASSWORD2] = { "password2", kvalid_string, 0, 1000 },
	[KEY_R_NAME] = { "fullname", kvalid_string, 0, 1000 },
	[KEY_R_KANA] = { "fullkana", kvalid_string, 0, 1000 },
	[KEY_R_GCLASS] = { "gclass", kvalid_string, 0, 1000 },
	[KEY_R_CCAT] = { "ccat", kvalid_string, 0, 1000 },
	[KEY_R_ORG] = { "org_name", kvalid_string, 0, 1000 },
	[KEY_R_ORGKANA] = { "org_kana", kvalid_string, 0, 1000 },
	[KEY_R_REP] = { "rep_name", kvalid_string, 0, 1000 },
	[KEY_R_REPAGREE] = { "rep_agree", kvalid_string, 0, 1000 },
	[KEY_R_TITLE] = { "rep_title", kvalid_string, 0, 1000 },
	[KEY_R_PREF] = { "pref", kvalid_string, 0, 1000 },
	[KEY_R_MUNI] = { "muni", kvalid_string, 0, 1000 },
	[KEY_R_TEL] = { "tel", kvalid_string, 0, 1000 },
	[KEY_R_EMAIL] = { "email", kvalid_string, 0, 1000 },
	[KEY_R_EMAIL2] = { "email2", kvalid_string, 0, 1000 },
	[KEY_R_GENDER] = { "gender", kvalid_string, 0, 1000 },
	[KEY_R_BIRTH] = { "birth", kvalid_string, 0, 1000 },
	[KEY_R_BIRTHAGREE] = { "birth_agree", kvalid_string, 0, 1000 },
	[KEY_R_ROLES] = { "roles", kvalid_string, 0, 1000 },
	[KEY_R_REQS] = { "reqs", kvalid_string, 0, 1000 },
	[KEY_S_Q] = { "q", kvalid_string, 0, 100 },
	[KEY_S_TYPE] = { "type", kvalid_string, 1, 16 },
	[KEY_S_SITE] = { "site", kvalid_string, 1, 16 },
	[KEY_S_MT] = { "mt", kvalid_string, 1, 16 },
	[KEY_S_AREA] = { "area", kvalid_int, 1, 999 },
	[KEY_S_FIELD] = { "field", kvalid_int, 1, 999 },
	[KEY_S_PROBONO] = { "probono", kvalid_int, 1, 999 },
	[KEY_S_GAREA] = { "garea", kvalid_int, 1, 999 },
	[KEY_S_OPEN] = { "open", kvalid_bool, 0, 0 },
	[KEY_S_PAGE] = { "page", kvalid_int, 1, 1000 },
	[KEY_MB_ZIP] = { "zip", kvalid_string, 0, 1000 },
	[KEY_MB_ADDRESS] = { "address", kvalid_string, 0, 1000 },
	[KEY_MB_FAX] = { "fax", kvalid_string, 0, 1000 },
	[KEY_MB_URL1] = { "url1", kvalid_string, 0, 1000 },
	[KEY_MB_URL1_LABEL] = { "url1_label", kvalid_string, 0, 1000 },
	[KEY_MB_URL2] = { "url2", kvalid_string, 0, 1000 },
	[KEY_MB_URL2_LABEL] = { "url2_label", kvalid_string, 0, 1000 },
	[KEY_MB_URL3] = { "url3", kvalid_string, 0, 1000 },
	[KEY_MB_URL3_LABEL] = { "url3_label", kvalid_string, 0, 1000 },
	[KEY_MB_OCCUPATION] = { "occupation", kvalid_string, 0, 1000 },
	[KEY_MB_QUALIFICATION] = { "qualification", kvalid_string, 0, 1000 },
	[KEY_MB_SALES] = { "sales_point", kvalid_text, 0, 10000 },
	[KEY_MB_MEMBERS] = { "members_count", kvalid_string, 0, 1000 },
	[KEY_MB_FOUNDED] = { "founded_on", kvalid_string, 0, 1000 },
	[KEY_MB_PURPOSE] = { "purpose", kvalid_text, 0, 10000 },
	[KEY_MB_ACTIVITIES] = { "activities", kvalid_text, 0, 10000 },
	[KEY_MB_DEPT] = { "dept", kvalid_string, 0, 1000 },
	[KEY_MB_CONTACT] = { "contact_name", kvalid_string, 0, 1000 },
	[KEY_MB_CTITLE] = { "contact_title", kvalid_string, 0, 1000 },
	[KEY_MB_VREC] = { "volunteer_record", kvalid_text, 0, 10000 },
	[KEY_MB_AREAS] = { "areas", kvalid_string, 0, 1000 },
	[KEY_MB_FIELDS] = { "fields", kvalid_string, 0, 1000 },
	[KEY_MB_WEEKDAYS] = { "weekdays", kvalid_string, 0, 1000 },
	[KEY_MB_TIMEBAND] = { "time_band", kvalid_string, 0, 1000 },
	[KEY_MB_PB_FIELD] = { "probono_field", kvalid_string, 0, 1000 },
	[KEY_MB_PB_CONTENT] = { "probono_content", kvalid_text, 0, 10000 },
	[KEY_MB_PB_PREP] = { "probono_prep", kvalid_text, 0, 10000 },
	[KEY_MB_FILE1] = { "file1", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_MB_FILE2] = { "file2", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_MB_FILE3] = { "file3", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_MB_NEWS] = { "newsletter", kvalid_string, 0, 1000 },
	[KEY_MB_ACTION] = { "action", kvalid_string, 1, 16 },
	/* -- keys: member.c -- */
	[KEY_PO_ID] = { "id", kvalid_int, 1, INT32_MAX },
	[KEY_PO_TITLE] = { "title", kvalid_string, 0, 1000 },
	[KEY_PO_FIELDS] = { "fields", kvalid_string, 0, 16 },
	[KEY_PO_ACTIVITY] = { "activity", kvalid_text, 0, 10000 },
	[KEY_PO_WHEN] = { "when", kvalid_string, 0, 1000 },
	[KEY_PO_WEEKDAYS] = { "weekdays", kvalid_string, 0, 16 },
	[KEY_PO_AREAS] = { "areas", kvalid_string, 0, 16 },
	[KEY_PO_AREA_ALL] = { "area_all", kvalid_string, 0, 16 },
	[KEY_PO_PLACE] = { "place", kvalid_string, 0, 1000 },
	[KEY_PO_ORG] = { "recruiter", kvalid_string, 0, 1000 },
	[KEY_PO_CONTACT] = { "contact", kvalid_text, 0, 10000 },
	[KEY_PO_URL] = { "url", kvalid_string, 0, 1000 },
	[KEY_PO_HEADCOUNT] = { "headcount", kvalid_string, 0, 1000 },
	[KEY_PO_DRESS] = { "dress", kvalid_text, 0, 10000 },
	[KEY_PO_ANYTIME] = { "anytime", kvalid_string, 0, 16 },
	[KEY_PO_FROM] = { "apply_from", kvalid_string, 0, 1000 },
	[KEY_PO_UNTIL] = { "apply_until", kvalid_string, 0, 1000 },
	[KEY_PO_NOTES] = { "notes", kvalid_text, 0, 10000 },
	[KEY_PO_FILE1] = { "file1", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_PO_FILE2] = { "file2", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_PO_FILE3] = { "file3", kvalid_file, 1, REQ_FILE_MAX },
	/* -- keys: posting.c -- */
	[KEY_SN_TYPE] = { "type", kvalid_string, 1, 16 },
	[KEY_SN_HANDOVER] = { "handover", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_SN_STAFF] = { "staff_name", kvalid_string, 0, 1000 },
	[KEY_SN_STAFF_TITLE] = { "staff_title", kvalid_string, 0, 1000 },
	[KEY_SN_FIELDS] = { "fields", kvalid_string, 0, 1000 },
	[KEY_SN_AREA] = { "target_area", kvalid_string, 0, 1000 },
	[KEY_SN_MUNIS] = { "munis", kvalid_string, 0, 1000 },
	[KEY_SN_PURPOSE] = { "purpose", kvalid_text, 0, 10000 },
	[KEY_SN_ACTIVITIES] = { "activities", kvalid_text, 0, 10000 },
	[KEY_SN_CSR] = { "csr", kvalid_text, 0, 10000 },
	[KEY_SN_COLLAB] = { "collaboration", kvalid_text, 0, 10000 },
	[KEY_SN_APPEAL] = { "appeal", kvalid_text, 0, 10000 },
	[KEY_SN_MAIN_OFFICE] = { "main_office", kvalid_string, 0, 1000 },
	[KEY_SN_SUB_OFFICE] = { "sub_office", kvalid_string, 0, 1000 },
	[KEY_SN_ZIP] = { "zip", kvalid_string, 0, 1000 },
	[KEY_SN_ADDRESS] = { "address", kvalid_string, 0, 1000 },
	[KEY_SN_FAX] = { "fax", kvalid_string, 0, 1000 },
	[KEY_SN_FOUNDED] = { "founded_on", kvalid_string, 0, 1000 },
	[KEY_SN_BUDGET] = { "budget", kvalid_string, 0, 1000 },
	[KEY_SN_MEMBERS] = { "members_count", kvalid_string, 0, 1000 },
	[KEY_SN_FEE] = { "fee", kvalid_string, 0, 1000 },
	[KEY_SN_MEMBERSHIP] = { "membership", kvalid_string, 0, 1000 },
	[KEY_SN_ACTTIME] = { "activity_time", kvalid_string, 0, 1000 },
	[KEY_SN_URL1] = { "url1", kvalid_string, 0, 1000 },
	[KEY_SN_URL2] = { "url2", kvalid_string, 0, 1000 },
	[KEY_SN_URL3] = { "url3", kvalid_string, 0, 1000 },
	[KEY_SN_URLDESC1] = { "url1_label", kvalid_string, 0, 1000 },
	[KEY_SN_URLDESC2] = { "url2_label", kvalid_string, 0, 1000 },
	[KEY_SN_URLDESC3] = { "url3_label", kvalid_string, 0, 1000 },
	[KEY_SN_FILE1] = { "file1", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_SN_FILE2] = { "file2", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_SN_FILE3] = { "file3", kvalid_file, 1, REQ_FILE_MAX },
	[KEY_SN_FEATURES] = { "features", kvalid_string, 0, 1000 },
	[KEY_SN_REG_NAME] = { "reg_name", kvalid_string, 0, 1000 },
	[KEY_SN_REG_TITLE] = { "reg_title", kvalid_string, 0, 1000 },
	[KEY_SN_REG_TEL] = { "reg_tel", kvalid_string, 0, 1000 },
	[KEY_SN_REG_EMAIL] = { "reg_email", kvalid_string, 0, 1000 },
	[KEY_SN_REG_EMAIL2] = { "reg_email2", kvalid_string, 0, 1000 },
	[KEY_SN_ORG] = { "org", kvalid_int, 1, INT32_MAX },
	[KEY_SN_REQUEST] = { "request", kvalid_text, 0, 10000 },
	/* -- keys: snreg.c -- */
	[KEY_EV_CATEGORY] = { "category", kvalid_string, 0, 1000 },
	[KEY_EV_ORGANIZER] = { "organizer", kvalid_string, 0, 1000 },
	[KEY_EV_TITLE] = { "title", kvalid_string, 0, 1000 },
	[KEY_EV_HELD] = { "held", kvalid_string, 0, 1000 },
	[KEY_EV_START] = { "starts_on", kvalid_string, 0, 1000 },
	[KEY_EV_END] = { "ends_on", kvalid_string, 0, 1000 },
	[KEY_EV_PLACE] = { "place", kvalid_string, 0, 1000 },
	[KEY_EV_PURPOSE] = { "purpose", kvalid_text, 0, 10000 },
	[KEY_EV_BODY] = { "body", kvalid_text, 0, 10000 },
	[KEY_EV_FIELDS] = { "fields", kvalid_string, 0, 1000 },
	[KEY_EV_FEE] = { "fee", kvalid_string, 0, 1000 },
	[KEY_EV_AUDIENCE] = { "audience", kvalid_string, 0, 1000 },
	[KEY_EV_FROM] = { "apply_from", kvalid_string, 0, 1000 },
	[KEY_EV_UNTIL] = { "apply_until", kvalid_string, 0, 1000 },
	[KEY_EV_METHOD] = { "apply_method", kvalid_text, 0, 10000 },
	[KEY_EV_CONTACT] = { "contact", kvalid_text, 0, 10000 },
	[KEY_EV_COSPONSOR] = { "cosponsor", kvalid_string, 0, 1000 },
	[KEY_EV_URL] = { "ref_url", kvalid_string, 0, 1000 },
	/* A file, or its kept reference / 「削除する」 (form.c) */
	[KEY_EV_FILE1] = { "file1", kvalid_file, 0, 0 },
	[KEY_EV_FILE2] = { "file2", kvalid_file, 0, 0 },
	[KEY_EV_FILE3] = { "file3", kvalid_file, 0, 0 },
	/* -- keys: event.c -- */
	[KEY_RV_Q] = { "q", kvalid_string, 1, 16 },
	[KEY_RV_ID] = { "id", kvalid_int, 1, INT32_MAX },
	[KEY_RV_ACTION] = { "action", kvalid_string, 1, 16 },
	[KEY_RV_NOTE] = { "note", kvalid_text, 0, 2000 },
	[KEY_RV_DUP] = { "dup", kvalid_string, 0, 40 },
	/* -- keys: review.c -- */
	[KEY_AC_HELD] = { "h", kvalid_token, SESS_HEX, SESS_HEX },
	[KEY_AC_ID] = { "id", kvalid_int, 1, 999999999999LL },
	[KEY_AC_ACTION] = { "action", kvalid_string, 1, 16 },
	[KEY_AC_REASON] = { "reason", kvalid_text, 0, 1000 },
	[KEY_AC_STATUS] = { "status", kvalid_string, 1, 16 },
	[KEY_AC_DONE] = { "done", kvalid_string, 1, 16 },
	[KEY_AC_AGREE] = { "agree", kvalid_string, 0, 1000 },
	/* -- keys: account.c -- */
	[KEY_AP_POSTING] = { "posting", kvalid_int, 1, INT32_MAX },
	[KEY_AP_MEMBER] = { "member", kvalid_int, 1, INT32_MAX },
	[KEY_AP_MESSAGE] = { "message", kvalid_text, 0, 10000 },
	/* -- keys: apply.c -- */
	[KEY_CT_CATEGORY] = { "category", kvalid_string, 0, 1000 },
	[KEY_CT_MESSAGE] = { "message", kvalid_text, 0, 10000 },
	[KEY_CT_AGREE] = { "privacy_agree", kvalid_string, 0, 1000 },
	[KEY_CT_ONECLICK] = { "List-Unsubscribe", kvalid_string, 0, 64 },
	/* -- keys: contact.c -- */
#ifdef KENMIN_TEST
	[KEY_T_NAME] = { "name", kvalid_string, 1, 40 },
	[KEY_T_NUM] = { "num", kvalid_int, 1, 100 },
	[KEY_T_MAIL] = { "mail", kvalid_email, 0, 0 },
	[KEY_T_DATE] = { "date", kvalid_date, 0, 0 },
	[KEY_T_FLAG] = { "flag", kvalid_bool, 0, 0 },
	[KEY_T_TEXT] = { "text", kvalid_text, 0, 2000 },
	[KEY_T_FILE] = { "file", kvalid_file, 1, 1024 * 1024 },
	[KEY_T_TO] = { "to", kvalid_string, 0, 1000 },
	[KEY_T_VALUE] = { "value", kvalid_text, 0, 1000 },
	[KEY_T_PROBE] = { "probe", kvalid_probe, 0, 0 },
#endif
};

static const enum key keys_none[] = { KEY__MAX };
static const enum key keys_search[] = { KEY_S_Q, KEY_S_TYPE, KEY_S_SITE,
    KEY_S_MT, KEY_S_AREA, KEY_S_FIELD, KEY_S_PROBONO, KEY_S_GAREA,
    KEY_S_OPEN, KEY_S_PAGE, KEY__MAX };
static const enum key keys_login[] = { KEY_LOGIN_ID, KEY_PASSWORD, KEY_NEXT,
    KEY__MAX };
static const enum key keys_code[] = { KEY_CODE, KEY__MAX };
static const enum key keys_pwchange[] = { KEY_PASSWORD, KEY_NEWPW,
    KEY_NEWPW2, KEY__MAX };
static const enum key keys_reset[] = { KEY_LOGIN_ID, KEY__MAX };
static const enum key keys_setpw[] = { KEY_TOKEN, KEY_NEWPW, KEY_NEWPW2,
    KEY__MAX };
static const enum key keys_register[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_F_PWSEAL, KEY_R_TYPE, KEY_LOGIN_ID, KEY_R_PASSWORD, KEY_R_PASSWORD2,
    KEY_R_NAME, KEY_R_KANA, KEY_R_GCLASS, KEY_R_CCAT, KEY_R_ORG,
    KEY_R_ORGKANA, KEY_R_REP, KEY_R_REPAGREE, KEY_R_TITLE, KEY_R_PREF,
    KEY_R_MUNI, KEY_R_TEL, KEY_R_EMAIL, KEY_R_EMAIL2, KEY_R_GENDER,
    KEY_R_BIRTH, KEY_R_BIRTHAGREE, KEY_R_ROLES, KEY_R_REQS, KEY_SN_HANDOVER,
    KEY__MAX };
static const enum key keys_verify[] = { KEY_TOKEN, KEY__MAX };
static const enum key keys_mb_form[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_R_NAME, KEY_R_KANA, KEY_R_GCLASS, KEY_R_CCAT, KEY_R_ORG,
    KEY_R_ORGKANA, KEY_R_REP, KEY_R_TITLE, KEY_R_PREF, KEY_R_MUNI,
    KEY_R_TEL, KEY_R_ROLES, KEY_MB_ZIP, KEY_MB_ADDRESS, KEY_MB_FAX,
    KEY_MB_URL1, KEY_MB_URL1_LABEL, KEY_MB_URL2, KEY_MB_URL2_LABEL,
    KEY_MB_URL3, KEY_MB_URL3_LABEL, KEY_MB_OCCUPATION,
    KEY_MB_QUALIFICATION, KEY_MB_SALES, KEY_MB_MEMBERS, KEY_MB_FOUNDED,
    KEY_MB_PURPOSE, KEY_MB_ACTIVITIES, KEY_MB_DEPT, KEY_MB_CONTACT,
    KEY_MB_CTITLE, KEY_MB_VREC, KEY_MB_AREAS, KEY_MB_FIELDS,
    KEY_MB_WEEKDAYS, KEY_MB_TIMEBAND, KEY_MB_PB_FIELD, KEY_MB_PB_CONTENT,
    KEY_MB_PB_PREP, KEY_MB_FILE1, KEY_MB_FILE2, KEY_MB_FILE3, KEY_MB_NEWS,
    KEY__MAX };
static const enum key keys_mb_status[] = { KEY_F_STEP, KEY_MB_ACTION,
    KEY__MAX };
/* -- key lists: member.c -- */
static const enum key keys_posting[] = { KEY_F_STEP, KEY_F_IDEM, KEY_PO_ID,
    KEY_PO_TITLE, KEY_PO_FIELDS, KEY_PO_ACTIVITY, KEY_PO_WHEN,
    KEY_PO_WEEKDAYS, KEY_PO_AREAS, KEY_PO_AREA_ALL, KEY_PO_PLACE, KEY_PO_ORG,
    KEY_PO_CONTACT, KEY_PO_URL, KEY_PO_HEADCOUNT, KEY_PO_DRESS,
    KEY_PO_ANYTIME, KEY_PO_FROM, KEY_PO_UNTIL, KEY_PO_NOTES, KEY_PO_FILE1,
    KEY_PO_FILE2, KEY_PO_FILE3, KEY__MAX };
static const enum key keys_posting_close[] = { KEY_PO_ID, KEY__MAX };
/* -- key lists: posting.c -- */
/* The fields of the スーパーネット form (snreg.c), on two pages. */
#define SN_FORM_KEYS KEY_R_GCLASS, KEY_R_CCAT, KEY_R_ORG, KEY_R_ORGKANA, \
    KEY_R_REP, KEY_R_REPAGREE, KEY_R_TITLE, KEY_SN_STAFF, KEY_SN_STAFF_TITLE, \
    KEY_SN_FIELDS, KEY_SN_AREA, KEY_SN_MUNIS, KEY_SN_PURPOSE, \
    KEY_SN_ACTIVITIES, KEY_SN_CSR, KEY_SN_COLLAB, KEY_SN_APPEAL, \
    KEY_SN_MAIN_OFFICE, KEY_SN_SUB_OFFICE, KEY_SN_ZIP, KEY_R_PREF, \
    KEY_R_MUNI, KEY_SN_ADDRESS, KEY_R_TEL, KEY_SN_FAX, KEY_R_EMAIL, \
    KEY_SN_FOUNDED, KEY_SN_BUDGET, KEY_SN_MEMBERS, KEY_SN_FEE, \
    KEY_SN_MEMBERSHIP, KEY_SN_ACTTIME, KEY_SN_URL1, KEY_SN_URLDESC1, \
    KEY_SN_URL2, KEY_SN_URLDESC2, KEY_SN_URL3, KEY_SN_URLDESC3, \
    KEY_SN_FILE1, KEY_SN_FILE2, KEY_SN_FILE3, KEY_SN_FEATURES, \
    KEY_SN_REG_NAME, KEY_SN_REG_TITLE, KEY_SN_REG_TEL, KEY_SN_REG_EMAIL, \
    KEY_SN_REG_EMAIL2, KEY_R_REQS
static const enum key keys_snreg[] = { KEY_F_STEP, KEY_F_IDEM, KEY_SN_TYPE,
    KEY_SN_HANDOVER, SN_FORM_KEYS, KEY__MAX };
static const enum key keys_snedit[] = { KEY_F_STEP, KEY_S_Q, KEY_SN_ORG,
    KEY__MAX };
static const enum key keys_snedit_form[] = { KEY_TOKEN, KEY_F_STEP,
    KEY_F_IDEM, SN_FORM_KEYS, KEY__MAX };
static const enum key keys_snfallback[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_SN_ORG, KEY_SN_REQUEST, KEY_SN_REG_NAME, KEY_SN_REG_TITLE,
    KEY_SN_REG_TEL, KEY_SN_REG_EMAIL, KEY_SN_REG_EMAIL2, KEY__MAX };
/* -- key lists: snreg.c -- */
static const enum key keys_event[] = { KEY_F_STEP, KEY_F_IDEM, KEY_TOKEN,
    KEY_EV_CATEGORY, KEY_EV_ORGANIZER, KEY_EV_TITLE, KEY_EV_HELD,
    KEY_EV_START, KEY_EV_END, KEY_EV_PLACE, KEY_EV_PURPOSE, KEY_EV_BODY,
    KEY_EV_FIELDS, KEY_EV_FEE, KEY_EV_AUDIENCE, KEY_EV_FROM, KEY_EV_UNTIL,
    KEY_EV_METHOD, KEY_EV_CONTACT, KEY_EV_COSPONSOR, KEY_EV_URL,
    KEY_EV_FILE1, KEY_EV_FILE2, KEY_EV_FILE3, KEY_R_EMAIL, KEY_R_EMAIL2,
    KEY__MAX };
/* -- key lists: event.c -- */
static const enum key keys_rv_q[] = { KEY_RV_Q, KEY__MAX };
static const enum key keys_rv_item[] = { KEY_RV_Q, KEY_RV_ID, KEY__MAX };
static const enum key keys_rv_act[] = { KEY_RV_Q, KEY_RV_ID, KEY_RV_ACTION,
    KEY_RV_NOTE, KEY_RV_DUP, KEY__MAX };
/* -- key lists: review.c -- */
static const enum key keys_ac_email[] = { KEY_PASSWORD, KEY_R_EMAIL,
    KEY_R_EMAIL2, KEY_F_IDEM, KEY__MAX };
static const enum key keys_ac_delete[] = { KEY_PASSWORD, KEY_AC_AGREE,
    KEY__MAX };
static const enum key keys_ac_members[] = { KEY_S_Q, KEY_AC_STATUS,
    KEY__MAX };
static const enum key keys_ac_member[] = { KEY_AC_ID, KEY_AC_DONE,
    KEY__MAX };
static const enum key keys_ac_act[] = { KEY_AC_ID, KEY_AC_ACTION,
    KEY_AC_REASON, KEY__MAX };
/* -- key lists: account.c -- */
static const enum key keys_apply[] = { KEY_F_STEP, KEY_F_IDEM, KEY_TOKEN,
    KEY_AP_POSTING, KEY_AP_MESSAGE, KEY__MAX };
static const enum key keys_request[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_AP_MEMBER, KEY_AP_MESSAGE, KEY__MAX };
/* -- key lists: apply.c -- */
static const enum key keys_contact[] = { KEY_F_STEP, KEY_F_IDEM,
    KEY_R_NAME, KEY_R_EMAIL, KEY_R_EMAIL2, KEY_R_TEL, KEY_CT_CATEGORY,
    KEY_CT_MESSAGE, KEY_CT_AGREE, KEY__MAX };
static const enum key keys_newsletter[] = { KEY_F_STEP, KEY_TOKEN,
    KEY_R_EMAIL, KEY_CT_ONECLICK, KEY__MAX };
/* -- key lists: contact.c -- */
#ifdef KENMIN_TEST
static const enum key keys_echo[] = { KEY_SID, KEY_T_NAME, KEY_T_NUM,
    KEY_T_MAIL, KEY_T_DATE, KEY_T_FLAG, KEY_T_TEXT, KEY_T_FILE, KEY_T_PROBE,
    KEY__MAX };
static const enum key keys_value[] = { KEY_T_VALUE, KEY__MAX };
static const enum key keys_to[] = { KEY_T_TO, KEY__MAX };
#endif

/*
 * Every screen.  Pages show personal data unless PAGE_PUBLIC, so they
 * are no-store by default.  Debug pages exist only in the test build
 * (-DKENMIN_TEST, build/…/tests/formsvc-test.cgi), never in the
 * installed program.
 */
const struct pageinfo pages[PAGE__MAX] = {
	/* PAGE_INDEX */
	{ "/", M_GET | M_HEAD, page_index, ROLE_ANY, PAGE_PUBLIC, keys_none },
	/* PAGE_HEALTH */
	{ "/health", M_GET | M_HEAD, page_health, ROLE_ANY, 0, keys_none },
	/* PAGE_LOGIN */
	{ "/login", M_GET | M_HEAD | M_POST, auth_login, ROLE_ANY, 0,
	    keys_login },
	/* PAGE_STAFF_LOGIN */
	{ "/admin/login", M_GET | M_HEAD | M_POST, auth_staff_login, ROLE_ANY,
	    0, keys_login },
	/* PAGE_TOTP: the second step; the handler wants a pre-TOTP session */
	{ "/admin/totp", M_GET | M_HEAD | M_POST, auth_totp, ROLE_ANY, 0,
	    keys_code },
	/* PAGE_TOTP_ENROL */
	{ "/admin/totp/enrol", M_GET | M_HEAD | M_POST, auth_totp_enrol,
	    ROLE_ANY, 0, keys_code },
	/* PAGE_LOGOUT */
	{ "/logout", M_GET | M_HEAD | M_POST, auth_logout, ROLE_ANY, 0,
	    keys_none },
	/* PAGE_PASSWORD */
	{ "/password", M_GET | M_HEAD | M_POST, auth_password, ROLE_MEMBER, 0,
	    keys_pwchange },
	/* PAGE_STAFF_PASSWORD */
	{ "/admin/password", M_GET | M_HEAD | M_POST, auth_password,
	    ROLE_STAFF, 0, keys_pwchange },
	/* PAGE_RESET */
	{ "/reset", M_GET | M_HEAD | M_POST, auth_reset, ROLE_ANY, 0,
	    keys_reset },
	/* PAGE_SETPW */
	{ "/setpw", M_GET | M_HEAD | M_POST, auth_setpw, ROLE_ANY, PAGE_TOKEN,
	    keys_setpw },
	/* PAGE_MYPAGE */
	{ "/mypage", M_GET | M_HEAD, member_mypage, ROLE_MEMBER, 0,
	    keys_none },
	/* PAGE_ADMIN */
	{ "/admin/", M_GET | M_HEAD, auth_admin, ROLE_STAFF, 0, keys_none },
	/* PAGE_ADMIN_STAFF */
	{ "/admin/staff", M_GET | M_HEAD, auth_admin_staff, ROLE_ADMIN, 0,
	    keys_none },
	/* PAGE_AK_REGISTER: terms, form, confirmation, done (register.c) */
	{ "/aikasa/register", M_GET | M_HEAD | M_POST, reg_register, ROLE_ANY,
	    PAGE_TOKEN, keys_register },
	/* PAGE_AK_VERIFY: the e-mail link; GET shows, POST verifies */
	{ "/aikasa/verify", M_GET | M_HEAD | M_POST, reg_verify, ROLE_ANY,
	    PAGE_TOKEN, keys_verify },
	/* PAGE_SEARCH: GET only, never changes state (R485) */
	{ "/search", M_GET | M_HEAD, search_page, ROLE_ANY, PAGE_PUBLIC,
	    keys_search },
	/* PAGE_MB_DETAIL: 詳細登録 form, confirmation, submit */
	{ "/mypage/detail", M_GET | M_HEAD | M_POST, member_detail,
	    ROLE_MEMBER, 0, keys_mb_form },
	/* PAGE_MB_EDIT: published fields to review, the rest at once */
	{ "/mypage/edit", M_GET | M_HEAD | M_POST, member_edit, ROLE_MEMBER,
	    0, keys_mb_form },
	/* PAGE_MB_STATUS: 休止・再開依頼・退会 */
	{ "/mypage/status", M_GET | M_HEAD | M_POST, member_status,
	    ROLE_MEMBER, 0, keys_mb_status },
	/* -- pages: member.c (same order as enum page) -- */
	/* PAGE_AK_POSTING_NEW: groups only (R171); form, confirm, done */
	{ "/mypage/posting/new", M_GET | M_HEAD | M_POST, posting_new,
	    ROLE_MEMBER, 0, keys_posting },
	/* PAGE_AK_POSTING_EDIT: ?id= of one's own posting, else 404 */
	{ "/mypage/posting/edit", M_GET | M_HEAD | M_POST, posting_edit,
	    ROLE_MEMBER, 0, keys_posting },
	/* PAGE_AK_POSTING_CLOSE: end a recruitment early, at once */
	{ "/mypage/posting/close", M_POST, posting_close, ROLE_MEMBER, 0,
	    keys_posting_close },
	/* -- pages: posting.c (same order as enum page) -- */
	/* PAGE_SN_REGISTER: terms, form, confirmation, done (snreg.c) */
	{ "/supernet/register", M_GET | M_HEAD | M_POST, snreg_register,
	    ROLE_ANY, PAGE_TOKEN, keys_snreg },
	/* PAGE_SN_VERIFY: the mailed link; GET shows, POST confirms */
	{ "/supernet/verify", M_GET | M_HEAD | M_POST, snreg_verify, ROLE_ANY,
	    PAGE_TOKEN, keys_verify },
	/* PAGE_SN_EDIT: 修正依頼: search published orgs, mail a link */
	{ "/supernet/edit", M_GET | M_HEAD | M_POST, snreg_edit, ROLE_ANY, 0,
	    keys_snedit },
	/* PAGE_SN_EDIT_FORM: the mailed link opens the filled-in form */
	{ "/supernet/edit/form", M_GET | M_HEAD | M_POST, snreg_edit_form,
	    ROLE_ANY, PAGE_TOKEN, keys_snedit_form },
	/* PAGE_SN_EDIT_FALLBACK: the contact changed */
	{ "/supernet/edit/fallback", M_GET | M_HEAD | M_POST, snreg_fallback,
	    ROLE_ANY, 0, keys_snfallback },
	/* -- pages: snreg.c (same order as enum page) -- */
	/* PAGE_SN_EVENT: the public 募集情報 form, multipart (files) */
	{ "/supernet/event", M_GET | M_HEAD | M_POST, event_submit, ROLE_ANY,
	    0, keys_event },
	/* PAGE_SN_EVENT_VERIFY: GET shows, POST confirms */
	{ "/supernet/event/verify", M_GET | M_HEAD | M_POST, event_verify,
	    ROLE_ANY, PAGE_TOKEN, keys_verify },
	/* PAGE_SN_EVENT_EDIT: the receipt's private link */
	{ "/supernet/event/edit", M_GET | M_HEAD | M_POST, event_edit,
	    ROLE_ANY, PAGE_TOKEN, keys_event },
	/* -- pages: event.c (same order as enum page) -- */
	/* PAGE_RV_OVERVIEW: counts per queue */
	{ "/admin/review", M_GET | M_HEAD, rv_overview, ROLE_STAFF, 0,
	    keys_none },
	/* PAGE_RV_LIST: one queue, newest first */
	{ "/admin/review/list", M_GET | M_HEAD, rv_list, ROLE_STAFF, 0,
	    keys_rv_q },
	/* PAGE_RV_ITEM: one item or edit request, its rows and actions */
	{ "/admin/review/item", M_GET | M_HEAD, rv_item, ROLE_STAFF, 0,
	    keys_rv_item },
	/* PAGE_RV_ACT: approve, hold, return, duplicate (POST only) */
	{ "/admin/review/act", M_POST, rv_act, ROLE_STAFF, 0, keys_rv_act },
	/* PAGE_RV_PREVIEW: the public page as it would be published */
	{ "/admin/review/preview", M_GET | M_HEAD, rv_preview, ROLE_STAFF, 0,
	    keys_rv_item },
	/* -- pages: review.c (same order as enum page) -- */
	/* PAGE_AC_EMAIL: change the address; the new one is verified */
	{ "/mypage/email", M_GET | M_HEAD | M_POST, acct_email, ROLE_MEMBER,
	    0, keys_ac_email },
	/* PAGE_AC_EMAIL_VERIFY: the mailed link; GET shows, POST swaps */
	{ "/mypage/email/verify", M_GET | M_HEAD | M_POST, acct_email_verify,
	    ROLE_ANY, PAGE_TOKEN, keys_verify },
	/* PAGE_AC_DELETE: 退会 with the password */
	{ "/mypage/delete", M_GET | M_HEAD | M_POST, acct_delete, ROLE_MEMBER,
	    0, keys_ac_delete },
	/* PAGE_AC_MEMBERS: search member accounts */
	{ "/admin/members", M_GET | M_HEAD, acct_members, ROLE_STAFF, 0,
	    keys_ac_members },
	/* PAGE_AC_MEMBER: one account and its actions */
	{ "/admin/members/item", M_GET | M_HEAD, acct_member, ROLE_STAFF, 0,
	    keys_ac_member },
	/* PAGE_AC_MEMBER_ACT: suspend, reinstate, unlock, delete */
	{ "/admin/members/act", M_POST, acct_member_act, ROLE_STAFF, 0,
	    keys_ac_act },
	/* PAGE_AC_MEMBERS_CSV: the list without sealed columns */
	{ "/admin/members.csv", M_GET | M_HEAD, acct_members_csv, ROLE_ADMIN,
	    0, keys_none },
	/* PAGE_AC_EXTEND: the idle timer restarts */
	{ "/session/extend", M_POST, acct_extend, ROLE_ANY, 0, keys_none },
	/* -- pages: account.c (same order as enum page) -- */
	/* PAGE_AK_APPLY: 参加する, by login or a mailed one-click ?t= (A-17) */
	{ "/aikasa/apply", M_GET | M_HEAD | M_POST, apply_apply, ROLE_ANY,
	    PAGE_TOKEN, keys_apply },
	/* PAGE_AK_INQUIRE: 問い合わせる, the same two ways */
	{ "/aikasa/inquire", M_GET | M_HEAD | M_POST, apply_inquire, ROLE_ANY,
	    PAGE_TOKEN, keys_apply },
	/* PAGE_AK_REQUEST: a group asks a volunteer member */
	{ "/aikasa/request", M_GET | M_HEAD | M_POST, apply_request, ROLE_ANY,
	    0, keys_request },
	/* PAGE_AP_ADMIN: counts of applications, never their content */
	{ "/admin/applications", M_GET | M_HEAD, apply_admin, ROLE_STAFF, 0,
	    keys_none },
	/* -- pages: apply.c (same order as enum page) -- */
	/* PAGE_SN_CONTACT: the center's お問い合わせ; form, confirm, done */
	{ "/supernet/contact", M_GET | M_HEAD | M_POST, contact_form_page,
	    ROLE_ANY, 0, keys_contact },
	/* PAGE_SN_SUBSCRIBE: address form; ?t= the mailed link */
	{ "/supernet/subscribe", M_GET | M_HEAD | M_POST, contact_subscribe,
	    ROLE_ANY, PAGE_TOKEN, keys_newsletter },
	/* PAGE_SN_UNSUBSCRIBE: also RFC 8058 one-click (CSRF in handler) */
	{ "/supernet/unsubscribe", M_GET | M_HEAD | M_POST,
	    contact_unsubscribe, ROLE_ANY, PAGE_TOKEN | PAGE_NOCSRF,
	    keys_newsletter },
	/* PAGE_AK_SUBSCRIBE */
	{ "/aikasa/subscribe", M_GET | M_HEAD | M_POST, contact_subscribe,
	    ROLE_ANY, PAGE_TOKEN, keys_newsletter },
	/* PAGE_AK_UNSUBSCRIBE */
	{ "/aikasa/unsubscribe", M_GET | M_HEAD | M_POST,
	    contact_unsubscribe, ROLE_ANY, PAGE_TOKEN | PAGE_NOCSRF,
	    keys_newsletter },
	/* -- pages: contact.c (same order as enum page) -- */
#ifdef KENMIN_TEST
	/* PAGE_TEST_ECHO */
	{ "/_test/echo", M_GET | M_HEAD | M_POST, test_echo, ROLE_ANY,
	    PAGE_NOCSRF, keys_echo },
	/* PAGE_TEST_HEADER */
	{ "/_test/header", M_GET, test_header, ROLE_ANY, 0, keys_value },
	/* PAGE_TEST_REDIRECT */
	{ "/_test/redirect", M_GET, test_redirect, ROLE_ANY, PAGE_TOKEN,
	    keys_to },
	/* PAGE_TEST_COOKIE */
	{ "/_test/cookie", M_GET, test_cookie, ROLE_ANY, 0, keys_value },
#endif
};

/* What each error status says to the person who sees it. */
static const struct {
	int		 status;
	const char	*heading;
	const char	*message;
} errors[] = {
	{ 400, "リクエストを処理できませんでした",
	  "送信された内容に誤りがあります。入力内容をご確認のうえ、"
	  "もう一度お試しください。" },
	{ 403, "このページは表示できません",
	  "このページを表示する権限がありません。" },
	{ 404, "ページが見つかりません",
	  "お探しのページは見つかりませんでした。"
	  "アドレスに誤りがないかご確認ください。" },
	{ 405, "この方法ではご利用いただけません",
	  "このページは、その方法でのアクセスには対応していません。" },
	{ 413, "送信された内容が大きすぎます",
	  "送信されたデータ（添付ファイルを含む）が上限を超えています。"
	  "ファイルを小さくするなどして、もう一度お試しください。" },
	{ 415, "送信形式に対応していません",
	  "このページは、その形式で送信されたデータを受け付けていません。" },
	{ 500, "サーバーでエラーが発生しました",
	  "申し訳ありません。サーバーの内部でエラーが発生しました。"
	  "しばらくしてから、もう一度お試しください。" },
	{ 503, "ただいま混み合っています",
	  "しばらくしてから、もう一度お試しください。" },
};

/*
 * The page shown when the theme cannot be used: complete, valid HTML,
 * nothing from the request in it.
 */
static const char fallback[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>エラー｜フォーム受付</title>\n</head>\n<body>\n"
	"<main>\n<h1>サーバーでエラーが発生しました</h1>\n"
	"<p>申し訳ありません。しばらくしてから、もう一度お試しください。</p>\n"
	"<p><a href=\"/\">山口県県民活動スーパーネットへ</a></p>\n"
	"</main>\n</body>\n</html>\n";

/*
 * The values every screen's layout uses: links to both sites and to
 * the service's top.  Returned object is owned by the arena.
 */
struct tval *
page_vars(struct ctx *ctx, struct tarena *ta)
{
	struct tval	*v;
	struct buf	 b;

	v = tv_obj(ta);
	buf_init(&b, 4096);
	buf_puts(&b, ctx->cfg->cgi_path);
	if (b.len == 0 || b.p[b.len - 1] != '/')
		buf_putc(&b, '/');
	tv_set_str(v, "supernet_url", "/");
	tv_set_str(v, "aikasa_url", ctx->cfg->aikasa_path);
	tv_set_str(v, "service_url", buf_str(&b));
	buf_free(&b);
	sess_vars(ctx, v);
	return v;
}

/*
 * Render template NAME with vars into the layout, as the response body.
 * title is the screen's own title.  1 ok, 0 error (printed; the caller
 * answers 500).
 */
int
page_render(struct ctx *ctx, const char *name, const char *title,
    struct tval *vars)
{
	struct buf	 inner;
	int		 rc = 0;

	if (ctx->tmpl == NULL)
		return 0;
	buf_init(&inner, PAGE_MAX);
	if (!tmpl_render(ctx->tmpl, name, vars, &inner) || !buf_ok(&inner))
		goto out;
	tv_set_html(vars, "content", buf_str(&inner));
	tv_set_str(vars, "title", title);
	buf_reset(&ctx->resp.body);
	if (!tmpl_render(ctx->tmpl, "layout", vars, &ctx->resp.body) ||
	    !buf_ok(&ctx->resp.body))
		goto out;
	rc = 1;
out:
	buf_free(&inner);
	return rc;
}

/*
 * Make the response an error page for status (any headers set so far
 * are dropped).  Falls back to a built-in page if the theme fails.
 * Always succeeds.
 */
int
page_error(struct ctx *ctx, int status)
{
	struct tarena	*ta;
	struct tval	*v;
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(errors); i++)
		if (errors[i].status == status)
			break;
	if (i == KENMIN_NELEM(errors)) {
		status = 500;
		for (i = 0; errors[i].status != 500; i++)
			continue;
	}
	resp_reset(&ctx->resp);
	ctx->resp.status = status;
	ctx->resp.flags |= RESP_NOSTORE;

	if (ctx->cfg != NULL && ctx->tmpl != NULL) {
		ta = tarena_new();
		v = page_vars(ctx, ta);
		tv_set_int(v, "status", status);
		tv_set_str(v, "heading", errors[i].heading);
		tv_set_str(v, "message", errors[i].message);
		if (page_render(ctx, "error", errors[i].heading, v)) {
			tarena_free(ta);
			return 1;
		}
		tarena_free(ta);
	}
	/* No theme: that is our failure whatever the request did. */
	buf_reset(&ctx->resp.body);
	buf_puts(&ctx->resp.body, fallback);
	ctx->resp.status = 500;
	return 1;
}

/* "/": the placeholder top page of the form service. */
static int
page_index(struct ctx *ctx)
{
	struct tarena	*ta;
	int		 rc;

	ta = tarena_new();
	rc = page_render(ctx, "index", "ご案内", page_vars(ctx, ta));
	tarena_free(ta);
	return rc;
}

/* "/health": "ok" for monitoring; touches nothing. */
static int
page_health(struct ctx *ctx)
{
	ctx->resp.ctype = "text/plain; charset=utf-8";
	buf_puts(&ctx->resp.body, "ok\n");
	return 1;
}

#ifdef KENMIN_TEST
/*
 * A validator that does what a compromised parser would try: open a
 * socket.  Validators run in the sandboxed child, whose seccomp filter
 * must kill it for that, so a request with "probe" must end in a 500.
 */
static int
kvalid_probe(struct kfield *f, const struct kkey *k)
{
	int	 s;

	(void)f;
	(void)k;
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
		close(s);
	return 1;
}

/*
 * The test build's pages: they show what the parser kept, or exercise
 * one response helper with a value from the query string.
 */
static int
test_echo(struct ctx *ctx)
{
	static const char *const srcs[KSRC__MAX] =
	    { "query", "body", "cookie" };
	const struct kfield	*f;
	struct buf		*b = &ctx->resp.body;
	size_t			 s, k;
	int			 valid;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	for (s = 0; s < KSRC__MAX; s++)
		for (k = 0; k < KEY__MAX; k++)
			for (valid = 1; valid >= 0; valid--) {
				f = valid ? req_get(&ctx->req, s, k) :
				    req_get_invalid(&ctx->req, s, k);
				for (; f != NULL; f = f->next) {
					buf_printf(b, "%s %s %s ival=%lld "
					    "size=%zu", srcs[s], f->name,
					    valid ? "valid" : "invalid",
					    f->ival, f->valsz);
					if (f->file != NULL)
						buf_printf(b, " file=%s "
						    "ctype=%s", f->file,
						    f->ctype);
					buf_puts(b, " value=");
					buf_putn(b, f->val, f->valsz);
					buf_putc(b, '\n');
				}
			}
	return 1;
}

static int
test_header(struct ctx *ctx)
{
	const struct kfield	*f;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	if ((f = req_get(&ctx->req, KSRC_QUERY, KEY_T_VALUE)) == NULL)
		return 0;
	buf_puts(&ctx->resp.body, "set\n");
	return resp_headern(&ctx->resp, "X-Test", f->val, f->valsz);
}

static int
test_redirect(struct ctx *ctx)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, KSRC_QUERY, KEY_T_TO);
	return resp_redirect(&ctx->resp, ctx->cfg, f != NULL ? f->val : "");
}

static int
test_cookie(struct ctx *ctx)
{
	const struct kfield	*f;

	ctx->resp.ctype = "text/plain; charset=utf-8";
	if ((f = req_get(&ctx->req, KSRC_QUERY, KEY_T_VALUE)) == NULL)
		return 0;
	buf_puts(&ctx->resp.body, "set\n");
	return resp_cookie(&ctx->resp, ctx->cfg, "sid", f->val, 3600);
}
#endif
