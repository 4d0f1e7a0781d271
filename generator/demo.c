/*
 * demo.c: `kenmin-gen demo [--scale N] [--seed S] [--force]`: fills the
 * database with deterministic, realistic demo data at today's scale
 * times N, plus demo staff and member accounts with random passwords.
 *
 * Same seed, same --today, same data: every choice comes from one
 * seeded demo_rng, every date from gen->today, every row id from the
 * table's current maximum.  Only sealed values (*_ct: random nonces),
 * blind indexes (keyed per installation) and password hashes differ
 * between two runs.  Confidential values are sealed before the row is
 * written, so no plaintext of them ever reaches the database file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "util.h"
#include "extern.h"

/* Today's volumes (DESIGN "Scale to plan for", A-34); times --scale. */
#define N_GROUP			1010
#define N_GROUP_ACTIVE		603
#define N_NPO			270
#define N_NPO_ACTIVE		221
#define N_COMPANY		76
#define N_COMPANY_ACTIVE	28
#define N_ORG_OTHER		321
#define N_EVENT			5827
#define N_GRANT			8552
#define N_REPORT		95
#define N_BOOK			3101
#define N_NOTICE		249
#define N_CENTER		133
#define N_NEWSLETTER		397
#define N_AK_NEWS		72
#define N_AK_NOTICE		48
#define N_INDIVIDUAL		1371
#define N_MGROUP		213
#define N_MCOMPANY		28
#define N_POSTING		3050
#define N_INTERVIEW		20
#define N_SUB_SUPERNET		420
#define N_SUB_AIKASA		160

#define SCALE_MAX		100
#define PICK_TITLE(a)	((a)[demo_rng_below(&d->r, KENMIN_NELEM(a))])
#define PW_BYTES		8	/* 16 hex characters */

enum stmt {
	STMT_HAS_CONTENT,
	STMT_LOGIN_TAKEN,
	STMT_MAX_ORG,
	STMT_MAX_EVENT,
	STMT_MAX_GRANT,
	STMT_MAX_REPORT,
	STMT_MAX_BOOK,
	STMT_MAX_NOTICE,
	STMT_MAX_NEWSLETTER,
	STMT_MAX_MEMBER,
	STMT_MAX_POSTING,
	STMT_MAX_INTERVIEW,
	STMT_MAX_FAQ,
	STMT_MAX_SUBSCRIBER,
	STMT_MAX_STAFF,
	STMT_INS_ORG,
	STMT_INS_ORG_FIELD,
	STMT_INS_ORG_MUNI,
	STMT_INS_ORG_FEATURE,
	STMT_INS_ORG_URL,
	STMT_INS_EVENT,
	STMT_INS_EVENT_FIELD,
	STMT_INS_GRANT,
	STMT_INS_GRANT_FIELD,
	STMT_INS_GRANT_AREA,
	STMT_INS_REPORT,
	STMT_INS_BOOK,
	STMT_INS_NOTICE,
	STMT_INS_NEWSLETTER,
	STMT_INS_MEMBER,
	STMT_INS_MEMBER_AREA,
	STMT_INS_MEMBER_FIELD,
	STMT_INS_MEMBER_WEEKDAY,
	STMT_INS_MEMBER_URL,
	STMT_INS_POSTING,
	STMT_INS_POSTING_FIELD,
	STMT_INS_POSTING_AREA,
	STMT_INS_POSTING_WEEKDAY,
	STMT_INS_INTERVIEW,
	STMT_INS_FAQ,
	STMT_INS_SUBSCRIBER,
	STMT_INS_STAFF,
	STMT_MAX_UPLOAD,
	STMT_PICK_ORG,
	STMT_PICK_ORG_REVIEW,
	STMT_PICK_EVENT,
	STMT_PICK_MEMBER,
	STMT_PICK_POSTING,
	STMT_PICK_REPORT,
	STMT_PICK_INTERVIEW,
	STMT_INS_UPLOAD,
	STMT_INS_ORG_FILE,
	STMT_INS_EVENT_FILE,
	STMT_INS_MEMBER_FILE,
	STMT_INS_POSTING_FILE,
	STMT_INS_REPORT_PHOTO,
	STMT_INS_INTERVIEW_PHOTO,
	STMT__MAX
};

static const char *const sqls[STMT__MAX] = {
	/* STMT_HAS_CONTENT */
	"SELECT (SELECT count(*) FROM org) + (SELECT count(*) FROM event) + "
	"(SELECT count(*) FROM grant_item) + (SELECT count(*) FROM report) + "
	"(SELECT count(*) FROM book) + (SELECT count(*) FROM notice) + "
	"(SELECT count(*) FROM newsletter) + (SELECT count(*) FROM member) + "
	"(SELECT count(*) FROM posting) + (SELECT count(*) FROM interview) + "
	"(SELECT count(*) FROM faq) + (SELECT count(*) FROM subscriber) + "
	"(SELECT count(*) FROM staff)",
	/* STMT_LOGIN_TAKEN */
	"SELECT (SELECT count(*) FROM staff WHERE login_key = ?1) + "
	"(SELECT count(*) FROM member WHERE login_key = ?1)",
	/* STMT_MAX_* */
	"SELECT coalesce(max(id), 0) FROM org",
	"SELECT coalesce(max(id), 0) FROM event",
	"SELECT coalesce(max(id), 0) FROM grant_item",
	"SELECT coalesce(max(id), 0) FROM report",
	"SELECT coalesce(max(id), 0) FROM book",
	"SELECT coalesce(max(id), 0) FROM notice",
	"SELECT coalesce(max(id), 0) FROM newsletter",
	"SELECT coalesce(max(id), 0) FROM member",
	"SELECT coalesce(max(id), 0) FROM posting",
	"SELECT coalesce(max(id), 0) FROM interview",
	"SELECT coalesce(max(id), 0) FROM faq",
	"SELECT coalesce(max(id), 0) FROM subscriber",
	"SELECT coalesce(max(id), 0) FROM staff",
	/* STMT_INS_ORG */
	"INSERT INTO org (id, kind, source, state, status, group_class_id, "
	"company_category_id, name, kana, rep_name, minor_consent, rep_title, "
	"staff_name, staff_title, target_area_id, purpose, activities, csr, "
	"collaboration, appeal, main_office, sub_office, zip, pref_id, "
	"muni_id, address, tel, fax, email, founded_on, budget_range_id, "
	"members_count, fee, membership, activity_time, requirements_ok, "
	"reg_name_ct, reg_title_ct, reg_tel_ct, reg_email_ct, reg_email_bidx, "
	"reg_email_verified_at, member_id, created_at, updated_at, "
	"published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, "
	"?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, 35, ?23, "
	"?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, 1, ?34, ?35, ?36, "
	"?37, ?38, ?39, ?40, ?41, ?42, ?43)",
	/* STMT_INS_ORG_FIELD */
	"INSERT OR IGNORE INTO org_field (org_id, field_id) VALUES (?1, ?2)",
	/* STMT_INS_ORG_MUNI */
	"INSERT OR IGNORE INTO org_muni (org_id, muni_id) VALUES (?1, ?2)",
	/* STMT_INS_ORG_FEATURE */
	"INSERT OR IGNORE INTO org_feature (org_id, feature_id) VALUES (?1, ?2)",
	/* STMT_INS_ORG_URL */
	"INSERT INTO org_url (org_id, slot, url, label) VALUES (?1, ?2, ?3, ?4)",
	/* STMT_INS_EVENT */
	"INSERT INTO event (id, category, state, org_id, organizer, title, "
	"held_text, starts_on, ends_on, place, purpose, body, fee, audience, "
	"apply_from, apply_until, apply_method, contact, cosponsor, ref_url, "
	"submitter_email_ct, submitter_email_bidx, submitter_verified_at, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
	"?21, ?22, ?23, ?24, ?25, ?26)",
	/* STMT_INS_EVENT_FIELD */
	"INSERT OR IGNORE INTO event_field (event_id, field_id) VALUES (?1, ?2)",
	/* STMT_INS_GRANT */
	"INSERT INTO grant_item (id, state, funder, name, purpose, amount, "
	"target_project, audience, apply_from, apply_until, apply_method, "
	"contact_org, contact_zip, contact_address, contact_tel, contact_fax, "
	"contact_email, ref_url, created_at, updated_at, published_at) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	"?16, ?17, ?18, ?19, ?20, ?21)",
	/* STMT_INS_GRANT_FIELD */
	"INSERT OR IGNORE INTO grant_field (grant_id, field_id) VALUES (?1, ?2)",
	/* STMT_INS_GRANT_AREA */
	"INSERT OR IGNORE INTO grant_area (grant_id, area_id) VALUES (?1, ?2)",
	/* STMT_INS_REPORT */
	"INSERT INTO report (id, state, title, body, org_name, org_kana, "
	"held_on, held_time, place, people, related_orgs, ref_url, org_id, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	/* STMT_INS_BOOK */
	"INSERT INTO book (id, state, title, author, body, publisher, "
	"published_on, receipt_no, created_at, updated_at, published_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* STMT_INS_NOTICE */
	"INSERT INTO notice (id, site, kind, state, title, body, posted_on, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10)",
	/* STMT_INS_NEWSLETTER */
	"INSERT INTO newsletter (id, site, state, issue_no, title, body, "
	"posted_on, sent_at, created_at, updated_at, published_at) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* STMT_INS_MEMBER */
	"INSERT INTO member (id, type, state, status, detail_done, login_id, "
	"login_key, pw_hash, email_ct, email_bidx, email_verified_at, "
	"group_class_id, company_category_id, org_name, org_kana, rep_name, "
	"minor_consent, rep_title, pref_id, muni_id, wants_recruit, wants_join, "
	"requirements_ok, occupation, qualification, sales_point, "
	"members_count, founded_on, purpose, activities, volunteer_record, "
	"time_band_id, probono_field_id, probono_content, probono_prep, gender, "
	"minor_flag, newsletter_opt, name_ct, kana_ct, tel_ct, birth_ct, "
	"zip_ct, address_ct, fax_ct, dept_ct, contact_name_ct, "
	"contact_title_ct, created_at, updated_at, published_at, paused_at, "
	"withdrawn_at, matched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	"?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
	"?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, "
	"?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, "
	"?54)",
	/* STMT_INS_MEMBER_AREA */
	"INSERT OR IGNORE INTO member_area (member_id, muni_id) VALUES (?1, ?2)",
	/* STMT_INS_MEMBER_FIELD */
	"INSERT OR IGNORE INTO member_field (member_id, field_id) VALUES (?1, ?2)",
	/* STMT_INS_MEMBER_WEEKDAY */
	"INSERT OR IGNORE INTO member_weekday (member_id, weekday_id) "
	"VALUES (?1, ?2)",
	/* STMT_INS_MEMBER_URL */
	"INSERT INTO member_url (member_id, slot, url, label) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_INS_POSTING */
	"INSERT INTO posting (id, member_id, state, title, activity, "
	"activity_when, area_text, area_all, place, org_name, org_contact, "
	"org_url, headcount, dress, apply_from, apply_until, anytime, closed, "
	"notes, matched_at, created_at, updated_at, published_at) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	"?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
	/* STMT_INS_POSTING_FIELD */
	"INSERT OR IGNORE INTO posting_field (posting_id, field_id) "
	"VALUES (?1, ?2)",
	/* STMT_INS_POSTING_AREA */
	"INSERT OR IGNORE INTO posting_area (posting_id, muni_id) "
	"VALUES (?1, ?2)",
	/* STMT_INS_POSTING_WEEKDAY */
	"INSERT OR IGNORE INTO posting_weekday (posting_id, weekday_id) "
	"VALUES (?1, ?2)",
	/* STMT_INS_INTERVIEW */
	"INSERT INTO interview (id, state, title, body, posted_on, member_id, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9)",
	/* STMT_INS_FAQ */
	"INSERT INTO faq (id, site, state, category, question, answer, sort, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10)",
	/* STMT_INS_SUBSCRIBER */
	"INSERT INTO subscriber (id, list, state, source, email_ct, email_bidx, "
	"member_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	"?8, ?9)",
	/* STMT_INS_STAFF */
	"INSERT INTO staff (id, login_id, login_key, display_name, role, "
	"pw_hash, pw_changed_at, created_at, updated_at) VALUES (?1, ?2, ?3, "
	"?4, ?5, ?6, ?7, ?7, ?7)",
	/* STMT_MAX_UPLOAD */
	"SELECT coalesce(max(id), 0) FROM upload",
	/* STMT_PICK_*: the newest item of a kind without attachments */
	"SELECT o.id FROM org o WHERE o.state = 'public' AND o.status = "
	"'active' AND NOT EXISTS (SELECT 1 FROM org_file f WHERE f.org_id = "
	"o.id) ORDER BY o.id DESC LIMIT 1",
	"SELECT o.id FROM org o WHERE o.state = 'review' AND NOT EXISTS "
	"(SELECT 1 FROM org_file f WHERE f.org_id = o.id) "
	"ORDER BY o.id DESC LIMIT 1",
	"SELECT e.id FROM event e WHERE e.state = 'public' AND NOT EXISTS "
	"(SELECT 1 FROM event_file f WHERE f.event_id = e.id) "
	"ORDER BY e.id DESC LIMIT 1",
	"SELECT m.id FROM member m WHERE m.type = 'group' AND " AK_M_VISIBLE
	" AND NOT EXISTS (SELECT 1 FROM member_file f WHERE f.member_id = "
	"m.id) ORDER BY m.id DESC LIMIT 1",
	"SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id "
	"WHERE " AK_P_VISIBLE " AND " AK_P_STARTED " AND NOT " AK_P_ENDED
	" AND NOT EXISTS (SELECT 1 FROM posting_file f WHERE f.posting_id = "
	"p.id) ORDER BY p.id DESC LIMIT 1",
	"SELECT x.id FROM report x WHERE x.state = 'public' AND NOT EXISTS "
	"(SELECT 1 FROM report_photo f WHERE f.report_id = x.id) "
	"ORDER BY x.id DESC LIMIT 1",
	"SELECT x.id FROM interview x WHERE x.state = 'public' AND NOT EXISTS "
	"(SELECT 1 FROM interview_photo f WHERE f.interview_id = x.id) "
	"ORDER BY x.id DESC LIMIT 1",
	/* STMT_INS_UPLOAD */
	"INSERT INTO upload (id, stored_name, public_name, orig_name, mime, "
	"size, sha256, alt, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	"?6, ?7, ?8, ?9, ?10)",
	/* STMT_INS_*_FILE, *_PHOTO: ?1 item, ?2 upload, slot/sort 1 */
	"INSERT INTO org_file (org_id, slot, upload_id) VALUES (?1, 1, ?2)",
	"INSERT INTO event_file (event_id, slot, upload_id) VALUES (?1, 1, ?2)",
	"INSERT INTO member_file (member_id, slot, upload_id) "
	"VALUES (?1, 1, ?2)",
	"INSERT INTO posting_file (posting_id, slot, upload_id) "
	"VALUES (?1, 1, ?2)",
	"INSERT INTO report_photo (report_id, sort, upload_id) "
	"VALUES (?1, 1, ?2)",
	"INSERT INTO interview_photo (interview_id, sort, upload_id) "
	"VALUES (?1, 1, ?2)",
};

/* A public member that may post: what a posting needs to know of it. */
struct poster {
	int64_t	 id;
	char	*name;
	char	*kana;
	int	 muni;
	int	 field;
	int64_t	 since;		/* day it was published */
};

/* A demo account printed once at the end. */
struct account {
	char	 login[64];
	char	 pw[2 * PW_BYTES + 1];
	char	 what[96];
};

struct demo {
	struct gen		*g;
	struct db		*db;
	struct demo_rng		 r;
	int			 scale;
	int64_t			 today;		/* day number */
	int			 year;		/* today's year */
	int64_t			 aikasa_start;	/* あいかさねっと opened */
	struct buf		 b[8];		/* scratch text */
	struct buf		 ct;		/* sealed value */
	struct demo_person	 reserved;	/* the demo individual */
	struct poster		*posters;	/* public recruiting groups */
	size_t			 npost;
	int64_t			*pub_orgs;	/* public active org ids */
	char			**pub_org_names;
	char			**pub_org_kana;
	size_t			 npub;
	int64_t			*ak_members;	/* (id) newsletter opt-ins */
	char			**ak_emails;
	size_t			 nak;
	struct account		 acct[5];
	char			 demo_ind[256];	/* the demo individual */
	size_t			 nacct;
};

static sqlite3_stmt *
prep(struct demo *d, enum stmt s)
{
	return db_prep(d->db, sqls[s]);
}

/* The first column of a one-row query, or -1 on error. */
static int64_t
scalar(struct demo *d, enum stmt s, const char *arg)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = prep(d, s)) == NULL)
		return -1;
	if (arg != NULL)
		db_bind_text(st, 1, arg);
	if (db_row(d->db, st) == 1)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/*
 * Seal pt for (table, column, id) and bind it at col; NULL pt binds
 * NULL.  1 ok, 0 error (printed by crypto_seal).
 */
static int
bind_sealed(struct demo *d, sqlite3_stmt *st, int col, const char *table,
    const char *column, int64_t id, const char *pt)
{
	if (pt == NULL) {
		sqlite3_bind_null(st, col);
		return 1;
	}
	if (!crypto_seal(d->g->keys, table, column, id, pt, strlen(pt),
	    &d->ct))
		return 0;
	db_bind_blob(st, col, d->ct.p, d->ct.len);
	return 1;
}

/* Bind the blind index of an e-mail address (lower case already). */
static void
bind_email_bidx(struct demo *d, sqlite3_stmt *st, int col, const char *v)
{
	unsigned char	 h[BIDX_SZ];

	crypto_bidx(d->g->keys, "email", v, h);
	db_bind_blob(st, col, h, sizeof(h));
}

/* A Unix time on day (Asia/Tokyo office hours), deterministic. */
static int64_t
stamp(struct demo *d, int64_t day)
{
	return day * 86400 - 9 * 3600 +
	    (int64_t)demo_rng_range(&d->r, 9 * 3600, 18 * 3600);
}

static const char *
iso(struct demo *d, int slot, int64_t day)
{
	demo_date_iso(day, &d->b[slot]);
	return buf_str(&d->b[slot]);
}

static int
year_of(int64_t day)
{
	int	 y, m, dd;

	demo_ymd_from_days(day, &y, &m, &dd);
	return y;
}

/*
 * The content state of the i-th newest item of a kind: almost all are
 * 公開; a few of the newest wait in 仮登録 or 下書 so the review queues
 * have work.  The 2nd newest is always in review and the 3rd a draft.
 */
static const char *
content_state(struct demo *d, size_t from_newest, size_t n)
{
	size_t	 recent;

	if (n >= 4 && from_newest == 1)
		return "review";
	if (n >= 4 && from_newest == 2)
		return "draft";
	recent = n / 25 < 3 ? 3 : n / 25;
	if (from_newest < recent) {
		if (demo_rng_chance(&d->r, 15))
			return "review";
		if (demo_rng_chance(&d->r, 6))
			return "draft";
	}
	return "public";
}

/* A person for a public column: never the reserved demo individual. */
static void
public_person(struct demo *d, struct demo_person *p)
{
	do
		demo_person(&d->r, p);
	while (strcmp(p->sei, d->reserved.sei) == 0 &&
	    strcmp(p->mei, d->reserved.mei) == 0);
}

static void
person_name(const struct demo_person *p, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "%s　%s", p->sei, p->mei);
}

static void
shuffle_int(struct demo *d, int *a, size_t n)
{
	size_t	 i, j;
	int	 t;

	for (i = n; i > 1; i--) {
		j = demo_rng_below(&d->r, (uint32_t)i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* Insert 1..max random distinct values in [1, range] with stmt (id, v). */
static int
link_some(struct demo *d, enum stmt s, int64_t id, int min, int max,
    int range, int first)
{
	sqlite3_stmt	*st;
	int		 i, n, v;

	n = demo_rng_range(&d->r, min, max);
	for (i = 0; i < n; i++) {
		v = (i == 0 && first > 0) ? first :
		    demo_rng_range(&d->r, 1, range);
		if ((st = prep(d, s)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, v);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* ---- Super Net organisations ---- */

struct orgspec {
	const char	*kind;		/* group, npo, company */
	const char	*source;
	const char	*status;
	int64_t		 member_id;	/* aikasa_link: 0 or the member */
	const char	*name;		/* NULL: make one up */
	const char	*kana;
};

static const char *const rep_titles[] = {
	"代表", "会長", "代表理事", "理事長", "代表世話人", "共同代表",
};
static const char *const co_titles[] = {
	"代表取締役", "代表取締役社長", "代表社員", "取締役会長", "社長",
};
static const char *const staff_titles[] = {
	"事務局長", "事務局", "副代表", "理事", "総務部 課長", "広報担当",
	NULL, NULL,
};

static int
insert_org(struct demo *d, int64_t id, const struct orgspec *o,
    int64_t created)
{
	struct demo_person	 p, q, rg;
	sqlite3_stmt		*st;
	struct buf		*name = &d->b[0], *kana = &d->b[1],
				*zip = &d->b[2], *addr = &d->b[3],
				*tel = &d->b[4], *mail = &d->b[5],
				*txt = &d->b[6], *txt2 = &d->b[7];
	enum demo_org		 k;
	int			 field, muni, cat, area, company, y;
	int64_t			 pub;
	char			 url[128];
	const char		*state;
	char			*sname, *skana, *szip, *saddr, *stel, *smail;
	char			*purpose, *acts, *rname, *sfname, *rtel, *rmail;
	int			 rc = 0;

	company = strcmp(o->kind, "company") == 0;
	k = company ? DEMO_ORG_COMPANY :
	    strcmp(o->kind, "npo") == 0 ? DEMO_ORG_NPO : DEMO_ORG_CIVIC;
	field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
	muni = demo_muni_pick(&d->r);
	demo_org_name(&d->r, k, field, name, kana, &cat);
	if (o->name != NULL) {
		buf_reset(name);
		buf_puts(name, o->name);
		buf_reset(kana);
		buf_puts(kana, o->kana);
	}
	sname = xstrdup(buf_str(name));
	skana = xstrdup(buf_str(kana));
	demo_address(&d->r, muni, zip, addr);
	szip = xstrdup(buf_str(zip));
	saddr = xstrdup(buf_str(addr));
	demo_phone(&d->r, muni, tel);
	stel = xstrdup(buf_str(tel));
	demo_email(&d->r, NULL, id, mail);
	smail = xstrdup(buf_str(mail));
	y = year_of(created);
	buf_reset(txt);
	demo_paragraphs(&d->r, DEMO_TEXT_ABOUT, field, muni, sname,
	    y - demo_rng_range(&d->r, 0, 15), demo_rng_range(&d->r, 1, 3),
	    txt);
	acts = buf_take(txt);
	demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, sname, y, txt);
	purpose = buf_take(txt);
	public_person(d, &p);
	person_name(&p, txt);
	rname = buf_take(txt);
	public_person(d, &q);
	person_name(&q, txt);
	sfname = buf_take(txt);

	state = "public";
	if (strcmp(o->status, "active") == 0 && created > d->today - 60) {
		if (demo_rng_chance(&d->r, 50))
			state = "review";
		else if (demo_rng_chance(&d->r, 30))
			state = "draft";
	}
	pub = strcmp(state, "public") == 0 ?
	    stamp(d, created + demo_rng_range(&d->r, 1, 14)) : 0;

	if ((st = prep(d, STMT_INS_ORG)) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, o->kind);
	db_bind_text(st, 3, o->source);
	db_bind_text(st, 4, state);
	db_bind_text(st, 5, o->status);
	if (company)
		db_bind_int(st, 7, cat + 1 > 5 ? 5 : cat + 1);
	else if (k == DEMO_ORG_NPO)
		db_bind_int(st, 6, 1);
	else
		db_bind_int(st, 6, demo_rng_chance(&d->r, 80) ? 2 :
		    demo_rng_range(&d->r, 3, 11));
	db_bind_text(st, 8, sname);
	db_bind_text(st, 9, skana);
	db_bind_text(st, 10, rname);
	db_bind_text(st, 11, company ? PICK_TITLE(co_titles) :
	    PICK_TITLE(rep_titles));
	db_bind_text(st, 12, sfname);
	db_bind_text(st, 13, staff_titles[demo_rng_below(&d->r,
	    KENMIN_NELEM(staff_titles))]);
	area = company ? 0 : demo_rng_chance(&d->r, 70) ? 1 :
	    demo_rng_range(&d->r, 2, 5);
	if (area > 0)
		db_bind_int(st, 14, area);
	if (!company)
		db_bind_text(st, 15, purpose);
	db_bind_text(st, 16, acts);
	if (company) {
		buf_reset(txt2);
		demo_paragraphs(&d->r, DEMO_TEXT_ABOUT, field, muni, sname, y,
		    1, txt2);
		db_bind_text(st, 17, buf_str(txt2));
		db_bind_text(st, 19, purpose);	/* ひとこと PR */
	} else if (demo_rng_chance(&d->r, 40)) {
		buf_reset(txt2);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, sname, y,
		    txt2);
		db_bind_text(st, 19, buf_str(txt2));
	}
	if (demo_rng_chance(&d->r, 30)) {
		buf_reset(txt2);
		buf_printf(txt2, "%s、%sとの協働事業（%d年度）",
		    demo_muni_name(muni), demo_rng_chance(&d->r, 50) ?
		    "地元の小学校" : "社会福祉協議会", y - 1);
		db_bind_text(st, 18, buf_str(txt2));
	}
	if (!company) {
		buf_reset(txt2);
		buf_printf(txt2, "%s%s", demo_muni_name(muni), saddr);
		db_bind_text(st, 20, buf_str(txt2));
		if (demo_rng_chance(&d->r, 8))
			db_bind_text(st, 21, demo_town(&d->r,
			    demo_muni_pick(&d->r)));
	}
	if (company || demo_rng_chance(&d->r, 60))
		db_bind_text(st, 22, szip);
	db_bind_int(st, 23, muni + 1);
	db_bind_text(st, 24, saddr);
	db_bind_text(st, 25, stel);
	if (company || demo_rng_chance(&d->r, 25)) {
		demo_phone(&d->r, muni, tel);
		db_bind_text(st, 26, buf_str(tel));
	}
	if (demo_rng_chance(&d->r, 70))
		db_bind_text(st, 27, smail);
	db_bind_text(st, 28, iso(d, 2, created -
	    demo_rng_range(&d->r, 30, 365 * 30)));
	if (!company && demo_rng_chance(&d->r, 60))
		db_bind_int(st, 29, demo_rng_range(&d->r, 1, 7));
	db_bind_int(st, 30, company ? demo_rng_range(&d->r, 5, 800) :
	    demo_rng_range(&d->r, 3, 120));
	if (!company) {
		buf_reset(txt2);
		if (demo_rng_chance(&d->r, 30))
			buf_puts(txt2, "なし");
		else
			buf_printf(txt2, "年会費 %d円",
			    demo_rng_range(&d->r, 1, 12) * 500);
		db_bind_text(st, 31, buf_str(txt2));
		db_bind_text(st, 32, demo_rng_chance(&d->r, 60) ?
		    "趣旨に賛同する方はどなたでも" : "県内在住・在勤の方");
		buf_reset(txt2);
		buf_printf(txt2, "毎月第%d%s曜日 %d時～",
		    demo_rng_range(&d->r, 1, 4),
		    demo_weekday_name(demo_rng_range(&d->r, 0, 6)),
		    demo_rng_range(&d->r, 9, 19));
		db_bind_text(st, 33, buf_str(txt2));
	}
	/* 登録担当者 (#34–37): sealed, 一般非公開. */
	public_person(d, &rg);
	person_name(&rg, txt2);
	if (!bind_sealed(d, st, 34, "org", "reg_name_ct", id, buf_str(txt2)))
		goto out;
	if (!bind_sealed(d, st, 35, "org", "reg_title_ct", id,
	    demo_rng_chance(&d->r, 50) ? "事務局" : NULL))
		goto out;
	demo_mobile(&d->r, tel);
	rtel = xstrdup(buf_str(tel));
	if (!bind_sealed(d, st, 36, "org", "reg_tel_ct", id, rtel)) {
		free(rtel);
		goto out;
	}
	free(rtel);
	demo_email(&d->r, &rg, id, mail);
	rmail = xstrdup(buf_str(mail));
	if (!bind_sealed(d, st, 37, "org", "reg_email_ct", id, rmail)) {
		free(rmail);
		goto out;
	}
	bind_email_bidx(d, st, 38, rmail);
	free(rmail);
	if (strcmp(o->source, "supernet_form") == 0)
		db_bind_int(st, 39, stamp(d, created));
	if (o->member_id > 0)
		db_bind_int(st, 40, o->member_id);
	db_bind_int(st, 41, stamp(d, created));
	db_bind_int(st, 42, pub > 0 ? pub : stamp(d, created));
	if (pub > 0)
		db_bind_int(st, 43, pub);
	if (!db_run(d->db, st))
		goto out;

	if (!company) {
		if (!link_some(d, STMT_INS_ORG_FIELD, id, 1, 4, DEMO_FIELD_MAX,
		    field + 1))
			goto out;
		if (area == 1 && !link_some(d, STMT_INS_ORG_MUNI, id, 1, 3,
		    DEMO_MUNI_MAX, muni + 1))
			goto out;
	}
	if (demo_rng_chance(&d->r, 65) && !link_some(d, STMT_INS_ORG_FEATURE,
	    id, 1, 3, 6, company ? 2 : 4))
		goto out;
	if (demo_rng_chance(&d->r, 55)) {
		if ((st = prep(d, STMT_INS_ORG_URL)) == NULL)
			goto out;
		snprintf(url, sizeof(url), "https://org%lld.example.jp/",
		    (long long)id);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, 1);
		db_bind_text(st, 3, url);
		db_bind_text(st, 4, "ホームページ");
		if (!db_run(d->db, st))
			goto out;
		if (demo_rng_chance(&d->r, 30)) {
			if ((st = prep(d, STMT_INS_ORG_URL)) == NULL)
				goto out;
			snprintf(url, sizeof(url),
			    "https://blog.example.jp/org%lld", (long long)id);
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, 2);
			db_bind_text(st, 3, url);
			db_bind_text(st, 4, "活動ブログ");
			if (!db_run(d->db, st))
				goto out;
		}
	}
	if (strcmp(state, "public") == 0 && strcmp(o->status, "active") == 0) {
		d->pub_orgs = xrealloc(d->pub_orgs,
		    (d->npub + 1) * sizeof(*d->pub_orgs));
		d->pub_org_names = xrealloc(d->pub_org_names,
		    (d->npub + 1) * sizeof(*d->pub_org_names));
		d->pub_org_kana = xrealloc(d->pub_org_kana,
		    (d->npub + 1) * sizeof(*d->pub_org_kana));
		d->pub_orgs[d->npub] = id;
		d->pub_org_names[d->npub] = xstrdup(sname);
		d->pub_org_kana[d->npub] = xstrdup(skana);
		d->npub++;
	}
	rc = 1;
out:
	free(sname);
	free(skana);
	free(szip);
	free(saddr);
	free(stel);
	free(smail);
	free(purpose);
	free(acts);
	free(rname);
	free(sfname);
	return rc;
}

/* ---- あいかさねっと members ---- */

enum mtype { MT_INDIVIDUAL, MT_GROUP, MT_COMPANY, MT__MAX };

static const char *const mtype_names[MT__MAX] = {
	"individual", "group", "company"
};

static const char *const qualifications[] = {
	"普通自動車免許", "介護福祉士", "保育士", "看護師", "防災士",
	"手話通訳士", "調理師", "社会福祉士", "教員免許", "英語検定2級",
};

/* Pick a login ID not yet taken: want, want-2, want-3 … (--force). */
static int
free_login(struct demo *d, const char *want, char *out, size_t outsz)
{
	int64_t	 n;
	int	 i;

	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(out, outsz, "%s", want);
		else
			snprintf(out, outsz, "%s-%d", want, i);
		if ((n = scalar(d, STMT_LOGIN_TAKEN, out)) < 0)
			return 0;
		if (n == 0)
			return 1;
	}
	kerr("demo: no free login ID like %s", want);
	return 0;
}

/* A random password for a demo account, hashed into hash. */
static int
demo_password(struct account *a, char hash[128])
{
	crypto_token_hex(a->pw, PW_BYTES);
	return crypto_pw_hash(a->pw, hash);
}

/*
 * One member.  demo > 0 makes it a demo account with a password (the
 * account is recorded for printing).  Public recruiting groups go to
 * d->posters, newsletter opt-ins to d->ak_members.
 */
static int
insert_member(struct demo *d, int64_t id, enum mtype t, int64_t created,
    const char *state, const char *status, int demo)
{
	struct demo_person	 p, rep;
	sqlite3_stmt		*st;
	struct buf		*name = &d->b[0], *kana = &d->b[1],
				*zip = &d->b[2], *addr = &d->b[3],
				*tel = &d->b[4], *mail = &d->b[5],
				*txt = &d->b[6], *tmp = &d->b[7];
	struct account		*a = NULL;
	char			 login[64], hash[128];
	char			*email = NULL, *orgname = NULL, *phone = NULL;
	char			*orgkana = NULL;
	int			 muni, field, cat, age, outside, i, n;
	int			 recruit = 0, join = 1, opt, detail, erased;
	int64_t			 pub = 0, birth;
	enum demo_org		 k;
	int			 rc = 0;

	muni = demo_muni_pick(&d->r);
	field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
	outside = t == MT_INDIVIDUAL && demo_rng_chance(&d->r, 3);
	if (demo > 0 && t == MT_INDIVIDUAL) {
		p = d->reserved;
		outside = 0;
	} else if (t == MT_INDIVIDUAL)
		demo_person(&d->r, &p);	/* sealed: may repeat */
	else
		public_person(d, &p);	/* the contact person */
	detail = strcmp(state, "unverified") != 0 &&
	    (strcmp(state, "draft") != 0 || demo_rng_chance(&d->r, 30));
	erased = strcmp(status, "withdrawn") == 0;
	opt = !erased && demo_rng_chance(&d->r, t == MT_INDIVIDUAL ? 30 : 20);

	if (demo > 0) {
		a = &d->acct[d->nacct++];
		if (!free_login(d, t == MT_INDIVIDUAL ? "demo-kojin" :
		    t == MT_GROUP ? "demo-dantai" : "demo-kigyo", login,
		    sizeof(login)))
			goto out;
		snprintf(a->login, sizeof(a->login), "%s", login);
		if (!demo_password(a, hash))
			goto out;
	} else {
		buf_reset(tmp);
		if (t == MT_INDIVIDUAL)
			demo_romaji(p.sei_kana, tmp);
		else
			buf_puts(tmp, t == MT_GROUP ? "dantai" : "kigyo");
		snprintf(login, sizeof(login), "%s%lld", buf_str(tmp),
		    (long long)id);
	}
	demo_email(&d->r, &p, id, mail);
	email = xstrdup(buf_str(mail));
	if (t == MT_INDIVIDUAL)
		demo_mobile(&d->r, tel);
	else
		demo_phone(&d->r, muni, tel);
	phone = xstrdup(buf_str(tel));
	demo_address(&d->r, muni, zip, addr);

	if ((st = prep(d, STMT_INS_MEMBER)) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, mtype_names[t]);
	db_bind_text(st, 3, state);
	db_bind_text(st, 4, status);
	db_bind_int(st, 5, detail);
	db_bind_text(st, 6, login);
	db_bind_text(st, 7, login);
	if (a != NULL)
		db_bind_text(st, 8, hash);
	if (!bind_sealed(d, st, 9, "member", "email_ct", id, email))
		goto out;
	bind_email_bidx(d, st, 10, email);
	if (strcmp(state, "unverified") != 0)
		db_bind_int(st, 11, stamp(d, created));
	if (t != MT_INDIVIDUAL) {
		k = t == MT_GROUP ? DEMO_ORG_CIVIC : DEMO_ORG_COMPANY;
		demo_org_name(&d->r, k, field, name, kana, &cat);
		if (t == MT_GROUP) {
			i = (int)demo_rng_below(&d->r, 10);
			db_bind_int(st, 12, i < 6 ? 2 : i < 8 ? 1 :
			    demo_rng_range(&d->r, 3, 11));
		} else
			db_bind_int(st, 13, cat + 1 > 5 ? 5 : cat + 1);
		orgname = xstrdup(buf_str(name));
		orgkana = xstrdup(buf_str(kana));
		db_bind_text(st, 14, orgname);
		db_bind_text(st, 15, orgkana);
		public_person(d, &rep);
		person_name(&rep, tmp);
		db_bind_text(st, 16, buf_str(tmp));
		db_bind_int(st, 17, 1);
		db_bind_text(st, 18, t == MT_GROUP ? PICK_TITLE(rep_titles) :
		    PICK_TITLE(co_titles));
		if (t == MT_GROUP) {
			recruit = demo_rng_chance(&d->r, 92);
			join = !recruit || demo_rng_chance(&d->r, 30);
		} else
			join = 1;
	} else
		db_bind_int(st, 17, 1);
	db_bind_int(st, 19, outside ? (int64_t)PICK_TITLE(((const int[]){
	    34, 40, 32, 13 })) : 35);
	db_bind_int(st, 20, outside ? 99 : muni + 1);
	db_bind_int(st, 21, recruit);
	db_bind_int(st, 22, join);
	db_bind_int(st, 23, t == MT_GROUP);
	if (t == MT_INDIVIDUAL) {
		db_bind_text(st, 24, demo_job(&d->r));
		if (demo_rng_chance(&d->r, 35))
			db_bind_text(st, 25, PICK_TITLE(qualifications));
	}
	if (demo_rng_chance(&d->r, 60)) {
		buf_reset(txt);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, orgname,
		    d->year, txt);
		db_bind_text(st, 26, buf_str(txt));
	}
	if (t != MT_INDIVIDUAL) {
		db_bind_int(st, 27, demo_rng_range(&d->r, 3, t == MT_GROUP ?
		    150 : 900));
		db_bind_text(st, 28, iso(d, 2, created -
		    demo_rng_range(&d->r, 60, 365 * 40)));
		buf_reset(txt);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, orgname,
		    d->year, txt);
		db_bind_text(st, 29, buf_str(txt));
		buf_reset(txt);
		demo_paragraphs(&d->r, DEMO_TEXT_ABOUT, field, muni, orgname,
		    year_of(created) - demo_rng_range(&d->r, 1, 20),
		    demo_rng_range(&d->r, 1, 3), txt);
		db_bind_text(st, 30, buf_str(txt));
		if (t == MT_COMPANY && demo_rng_chance(&d->r, 70)) {
			buf_reset(txt);
			buf_printf(txt, "%d年から社員有志で%sに参加しています。",
			    year_of(created) - demo_rng_range(&d->r, 0, 10),
			    demo_topic(&d->r, field));
			db_bind_text(st, 31, buf_str(txt));
		}
	}
	if (detail)
		db_bind_int(st, 32, demo_rng_range(&d->r, 1, 5));
	if (t == MT_INDIVIDUAL && detail && demo_rng_chance(&d->r, 15)) {
		db_bind_int(st, 33, demo_rng_range(&d->r, 1, 10));
		buf_reset(txt);
		buf_printf(txt, "%sの経験を生かして、%sのお手伝いができます。",
		    demo_job(&d->r), demo_topic(&d->r, field));
		db_bind_text(st, 34, buf_str(txt));
		db_bind_text(st, 35, demo_rng_chance(&d->r, 50) ?
		    "特になし" : "材料費は実費でお願いします");
	}
	age = 0;
	db_bind_int(st, 37, 0);
	if (t == MT_INDIVIDUAL) {
		db_bind_text(st, 36, PICK_TITLE(((const char *const[]){
		    "male", "female", "female", "male", "unanswered" })) );
		age = demo_rng_chance(&d->r, 3) ? demo_rng_range(&d->r, 15, 17) :
		    demo_rng_range(&d->r, 18, 84);
		if (demo > 0)
			age = 40;
		db_bind_int(st, 37, age < 18);
	}
	db_bind_int(st, 38, opt);
	/* 非公開 fields, sealed; erased 30 days after 退会. */
	if (!erased) {
		if (t == MT_INDIVIDUAL) {
			person_name(&p, tmp);
			if (!bind_sealed(d, st, 39, "member", "name_ct", id,
			    buf_str(tmp)))
				goto out;
			buf_reset(tmp);
			buf_printf(tmp, "%s　%s", p.sei_kana, p.mei_kana);
			if (!bind_sealed(d, st, 40, "member", "kana_ct", id,
			    buf_str(tmp)))
				goto out;
			birth = created - age * 365 - demo_rng_range(&d->r, 0,
			    364);
			/* Slot 7 (tmp, sealed above): slot 2 holds zip. */
			if (!bind_sealed(d, st, 42, "member", "birth_ct", id,
			    iso(d, 7, birth)))
				goto out;
		}
		if (!bind_sealed(d, st, 41, "member", "tel_ct", id, phone))
			goto out;
		if (detail) {
			if (!bind_sealed(d, st, 43, "member", "zip_ct", id,
			    outside ? "730-0011" : buf_str(zip)))
				goto out;
			buf_reset(tmp);
			if (outside)
				buf_printf(tmp, "広島市中区基町%d-%d",
				    demo_rng_range(&d->r, 1, 20),
				    demo_rng_range(&d->r, 1, 30));
			else
				buf_printf(tmp, "%s%s", demo_muni_name(muni),
				    buf_str(addr));
			if (!bind_sealed(d, st, 44, "member", "address_ct", id,
			    buf_str(tmp)))
				goto out;
			if (t != MT_INDIVIDUAL && demo_rng_chance(&d->r, 50)) {
				demo_phone(&d->r, muni, tmp);
				if (!bind_sealed(d, st, 45, "member", "fax_ct",
				    id, buf_str(tmp)))
					goto out;
			}
		}
		if (t != MT_INDIVIDUAL && detail) {
			if (!bind_sealed(d, st, 46, "member", "dept_ct", id,
			    t == MT_COMPANY ? "総務部" : NULL))
				goto out;
			person_name(&p, tmp);
			if (!bind_sealed(d, st, 47, "member",
			    "contact_name_ct", id, buf_str(tmp)))
				goto out;
			if (!bind_sealed(d, st, 48, "member",
			    "contact_title_ct", id, demo_rng_chance(&d->r, 50) ?
			    "事務局長" : NULL))
				goto out;
		}
	}
	db_bind_int(st, 49, stamp(d, created));
	if (strcmp(state, "public") == 0) {
		pub = stamp(d, created + demo_rng_range(&d->r, 1, 10));
		db_bind_int(st, 51, pub);
		/* Its matching mails went when it was published. */
		db_bind_int(st, 54, pub);
	}
	db_bind_int(st, 50, pub > 0 ? pub : stamp(d, created));
	if (strcmp(status, "paused") == 0)
		db_bind_int(st, 52, stamp(d, created + (d->today - created) / 2));
	if (erased)
		db_bind_int(st, 53, stamp(d, created + (d->today - created) / 2));
	if (!db_run(d->db, st))
		goto out;

	/* Matching conditions (#34–36), filled once the detail is done. */
	if (detail && join) {
		if (!link_some(d, STMT_INS_MEMBER_AREA, id, 1, 4,
		    DEMO_MUNI_MAX, outside ? 0 : muni + 1))
			goto out;
		if (!link_some(d, STMT_INS_MEMBER_FIELD, id, 1, 4,
		    DEMO_FIELD_MAX, field + 1))
			goto out;
		n = demo_rng_range(&d->r, 1, 5);
		for (i = 0; i < n; i++) {
			if ((st = prep(d, STMT_INS_MEMBER_WEEKDAY)) == NULL)
				goto out;
			db_bind_int(st, 1, id);
			/* Weekends are the most offered days. */
			db_bind_int(st, 2, demo_rng_chance(&d->r, 50) ?
			    demo_rng_range(&d->r, 6, 7) :
			    demo_rng_range(&d->r, 1, 7));
			if (!db_run(d->db, st))
				goto out;
		}
	}
	if (t != MT_INDIVIDUAL && detail && demo_rng_chance(&d->r, 50)) {
		if ((st = prep(d, STMT_INS_MEMBER_URL)) == NULL)
			goto out;
		buf_reset(tmp);
		buf_printf(tmp, "https://member%lld.example.jp/", (long long)id);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, 1);
		db_bind_text(st, 3, buf_str(tmp));
		db_bind_text(st, 4, "ホームページ");
		if (!db_run(d->db, st))
			goto out;
	}

	if (a != NULL)
		snprintf(a->what, sizeof(a->what), "%s", t == MT_INDIVIDUAL ?
		    "あいかさねっと 個人会員" : t == MT_GROUP ?
		    "あいかさねっと 団体会員" : "あいかさねっと 企業会員");
	if (a != NULL && t == MT_INDIVIDUAL) {
		/* Printed once so the operator (and the test) can check it. */
		snprintf(d->demo_ind, sizeof(d->demo_ind),
		    "name=%s　%s phone=%s email=%s", p.sei, p.mei, phone,
		    email);
	}
	if (strcmp(state, "public") == 0 && strcmp(status, "active") == 0) {
		if (recruit) {
			d->posters = xrealloc(d->posters,
			    (d->npost + 1) * sizeof(*d->posters));
			d->posters[d->npost].id = id;
			d->posters[d->npost].name = xstrdup(orgname);
			d->posters[d->npost].kana = xstrdup(orgkana);
			d->posters[d->npost].muni = muni;
			d->posters[d->npost].field = field;
			d->posters[d->npost].since = created;
			d->npost++;
		}
		if (opt) {
			d->ak_members = xrealloc(d->ak_members,
			    (d->nak + 1) * sizeof(*d->ak_members));
			d->ak_emails = xrealloc(d->ak_emails,
			    (d->nak + 1) * sizeof(*d->ak_emails));
			d->ak_members[d->nak] = id;
			d->ak_emails[d->nak] = xstrdup(email);
			d->nak++;
		}
	}
	rc = 1;
out:
	free(email);
	free(orgname);
	free(orgkana);
	free(phone);
	return rc;
}

static int
gen_members(struct demo *d, int64_t base)
{
	size_t		 n[MT__MAX], ntype[MT__MAX], total, i, j;
	int		*types;
	int		 seen[MT__MAX] = { 0 };
	int64_t		 span, created;
	const char	*state, *status;
	int		 rc = 0, isdemo;

	n[MT_INDIVIDUAL] = (size_t)N_INDIVIDUAL * (size_t)d->scale;
	n[MT_GROUP] = (size_t)N_MGROUP * (size_t)d->scale;
	n[MT_COMPANY] = (size_t)N_MCOMPANY * (size_t)d->scale;
	total = n[0] + n[1] + n[2];
	memcpy(ntype, n, sizeof(ntype));
	types = xcalloc(total, sizeof(*types));
	for (i = j = 0; i < MT__MAX; i++)
		while (n[i]-- > 0)
			types[j++] = (int)i;
	shuffle_int(d, types, total);
	span = d->today - d->aikasa_start;
	for (i = 0; i < total; i++) {
		created = d->aikasa_start + (int64_t)i * span / (int64_t)total;
		isdemo = seen[types[i]] == 0;
		/* Review work for every member type, not only individuals. */
		state = isdemo ? "public" : content_state(d,
		    ntype[types[i]] - 1 - (size_t)seen[types[i]],
		    ntype[types[i]]);
		seen[types[i]]++;
		/* The newest few have not confirmed their address yet. */
		if (!isdemo && total - 1 - i < 6 && i % 3 == 0)
			state = "unverified";
		status = "active";
		if (!isdemo && strcmp(state, "public") == 0) {
			if (demo_rng_chance(&d->r, 4))
				status = "paused";
			else if (demo_rng_chance(&d->r, 5))
				status = "withdrawn";
			else if (demo_rng_chance(&d->r, 1))
				status = "suspended";
		}
		if (!insert_member(d, base + (int64_t)i, (enum mtype)types[i],
		    created, state, status, isdemo))
			goto out;
	}
	rc = 1;
out:
	free(types);
	return rc;
}

/* ---- volunteer postings ---- */

struct pspec {
	int64_t	 created, from, until;
	int	 anytime, closed;
	size_t	 idx;
};

static int
pspec_cmp(const void *a, const void *b)
{
	const struct pspec *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static const char *const dresses[] = {
	"動きやすい服装、帽子、飲み物", "汚れてもよい服装、軍手、タオル",
	"エプロン・三角巾、マスク", "特になし", "上履き、筆記用具",
	"長袖・長ズボン、長靴、雨具",
};

static int
insert_posting(struct demo *d, int64_t id, const struct pspec *ps,
    const char *state)
{
	const struct poster	*po;
	sqlite3_stmt		*st;
	struct buf		*title = &d->b[0], *body = &d->b[1],
				*when = &d->b[3], *area = &d->b[4],
				*contact = &d->b[5], *tmp = &d->b[6];
	struct demo_person	 p;
	int			 areaall, i, n, m, field, wd;
	int64_t			 pub = 0, day;

	po = &d->posters[demo_rng_below(&d->r, (uint32_t)d->npost)];
	field = demo_rng_chance(&d->r, 70) ? po->field :
	    (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
	demo_title(&d->r, DEMO_TITLE_POSTING, field, po->muni, po->name,
	    year_of(ps->created), title);
	buf_reset(body);
	if (demo_rng_chance(&d->r, 35))
		demo_short(&d->r, DEMO_TEXT_EVENT, field, po->muni, po->name,
		    year_of(ps->created), body);
	else
		demo_paragraphs(&d->r, DEMO_TEXT_EVENT, field, po->muni,
		    po->name, year_of(ps->created), demo_rng_range(&d->r, 2, 4),
		    body);
	wd = demo_rng_range(&d->r, 0, 6);
	buf_reset(when);
	if (ps->anytime)
		buf_printf(when, "毎週%s曜日 %d:00～%d:00（応相談）",
		    demo_weekday_name(wd), demo_rng_range(&d->r, 9, 13),
		    demo_rng_range(&d->r, 14, 17));
	else {
		day = ps->until + demo_rng_range(&d->r, 1, 20);
		wd = demo_weekday(day);
		demo_date_ja(day, when);
		buf_printf(when, " %d:00～%d:00", demo_rng_range(&d->r, 8, 13),
		    demo_rng_range(&d->r, 14, 18));
	}
	areaall = demo_rng_chance(&d->r, 8);
	buf_reset(area);
	buf_puts(area, areaall ? "県内全域" : demo_muni_name(po->muni));
	public_person(d, &p);
	buf_reset(contact);
	demo_phone(&d->r, po->muni, tmp);
	buf_printf(contact, "%s 担当：%s（電話 %s）", po->name, p.sei,
	    buf_str(tmp));

	if ((st = prep(d, STMT_INS_POSTING)) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, po->id);
	db_bind_text(st, 3, state);
	db_bind_text(st, 4, buf_str(title));
	db_bind_text(st, 5, buf_str(body));
	db_bind_text(st, 6, buf_str(when));
	db_bind_text(st, 7, buf_str(area));
	db_bind_int(st, 8, areaall);
	buf_reset(tmp);
	buf_puts(tmp, demo_town(&d->r, po->muni));
	buf_puts(tmp, PICK_TITLE(((const char *const[]){ "公民館", "集会所",
	    "海岸", "公園", "小学校", "交流センター", "福祉施設" })));
	db_bind_text(st, 9, buf_str(tmp));
	db_bind_text(st, 10, po->name);
	db_bind_text(st, 11, buf_str(contact));
	if (demo_rng_chance(&d->r, 40)) {
		buf_reset(tmp);
		buf_printf(tmp, "https://member%lld.example.jp/",
		    (long long)po->id);
		db_bind_text(st, 12, buf_str(tmp));
	}
	buf_reset(tmp);
	if (demo_rng_chance(&d->r, 20))
		buf_puts(tmp, "若干名");
	else
		buf_printf(tmp, "%d名", demo_rng_range(&d->r, 1, 30));
	db_bind_text(st, 13, buf_str(tmp));
	db_bind_text(st, 14, PICK_TITLE(dresses));
	if (!ps->anytime) {
		db_bind_text(st, 15, iso(d, 2, ps->from));
		db_bind_text(st, 16, iso(d, 7, ps->until));
	}
	db_bind_int(st, 17, ps->anytime);
	db_bind_int(st, 18, ps->closed);
	if (demo_rng_chance(&d->r, 30))
		db_bind_text(st, 19, "ボランティア保険は団体で加入します。");
	if (strcmp(state, "public") == 0) {
		pub = stamp(d, ps->created + demo_rng_range(&d->r, 1, 5));
		if (pub > (d->today + 1) * 86400 - 9 * 3600)
			pub = stamp(d, d->today);
		/* Matching mails went when recruiting started. */
		if (ps->anytime || ps->from <= d->today)
			db_bind_int(st, 20, pub);
		db_bind_int(st, 23, pub);
	}
	db_bind_int(st, 21, stamp(d, ps->created));
	db_bind_int(st, 22, pub > 0 ? pub : stamp(d, ps->created));
	if (!db_run(d->db, st))
		return 0;

	if (!link_some(d, STMT_INS_POSTING_FIELD, id, 1, 3, DEMO_FIELD_MAX,
	    field + 1))
		return 0;
	if (!areaall && !link_some(d, STMT_INS_POSTING_AREA, id, 1, 3,
	    DEMO_MUNI_MAX, po->muni + 1))
		return 0;
	n = ps->anytime ? demo_rng_range(&d->r, 1, 3) : 1;
	for (i = 0; i < n; i++) {
		if ((st = prep(d, STMT_INS_POSTING_WEEKDAY)) == NULL)
			return 0;
		m = i == 0 ? wd : demo_rng_range(&d->r, 0, 6);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, m + 1);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/*
 * Postings spread around today: most past, some recruiting now, some
 * not yet started, some 随時 (a few of those closed).
 */
static int
gen_postings(struct demo *d, int64_t base)
{
	struct pspec	*ps;
	size_t		 n, i;
	unsigned	 v;
	int64_t		 span;
	int		 rc = 0;

	if (d->npost == 0) {
		kerr("demo: no public group may post volunteer recruitments");
		return 0;
	}
	n = (size_t)N_POSTING * (size_t)d->scale;
	ps = xcalloc(n, sizeof(*ps));
	span = d->today - d->aikasa_start - 30;
	for (i = 0; i < n; i++) {
		ps[i].idx = i;
		v = demo_rng_below(&d->r, 100);
		if (v < 68) {		/* past */
			ps[i].created = d->aikasa_start +
			    demo_rng_range(&d->r, 0, (int)span);
			ps[i].from = ps[i].created + demo_rng_range(&d->r, 1, 7);
			ps[i].until = ps[i].from + demo_rng_range(&d->r, 7, 60);
			if (ps[i].until >= d->today)
				ps[i].until = d->today - 1;
			if (ps[i].from > ps[i].until)
				ps[i].from = ps[i].until;
		} else if (v < 85) {	/* recruiting now */
			ps[i].from = d->today - demo_rng_range(&d->r, 0, 45);
			ps[i].until = d->today + demo_rng_range(&d->r, 0, 75);
			ps[i].created = ps[i].from - demo_rng_range(&d->r, 1, 10);
		} else if (v < 90) {	/* approved, starts later */
			ps[i].from = d->today + demo_rng_range(&d->r, 1, 45);
			ps[i].until = ps[i].from + demo_rng_range(&d->r, 7, 60);
			ps[i].created = d->today - demo_rng_range(&d->r, 1, 20);
		} else {		/* 随時 */
			ps[i].anytime = 1;
			ps[i].created = d->aikasa_start +
			    demo_rng_range(&d->r, 0, (int)span);
			ps[i].closed = ps[i].created < d->today - 365 &&
			    demo_rng_chance(&d->r, 40);
		}
		if (ps[i].created >= d->today)
			ps[i].created = d->today - 1;
	}
	qsort(ps, n, sizeof(*ps), pspec_cmp);
	for (i = 0; i < n; i++)
		if (!insert_posting(d, base + (int64_t)i, &ps[i],
		    content_state(d, n - 1 - i, n)))
			goto out;
	rc = 1;
out:
	free(ps);
	return rc;
}

/* ---- Super Net organisations: counts and statuses of A-34 ---- */

static int
gen_orgs(struct demo *d, int64_t base)
{
	static const struct {
		const char	*kind;
		int		 n, active, dissolved_pct;
	} sn[] = {
		{ "group", N_GROUP, N_GROUP_ACTIVE, 60 },
		{ "npo", N_NPO, N_NPO_ACTIVE, 60 },
		{ "company", N_COMPANY, N_COMPANY_ACTIVE, 25 },
	};
	struct orgspec	*os;
	int		*order;
	size_t		 total, i, j, k, inactive, dissolved, nlink;
	int64_t		 lo, created;
	unsigned	 v;
	int		 rc = 0;

	total = (size_t)(N_GROUP + N_NPO + N_COMPANY + N_ORG_OTHER) *
	    (size_t)d->scale;
	os = xcalloc(total, sizeof(*os));
	j = 0;
	for (k = 0; k < KENMIN_NELEM(sn); k++) {
		inactive = (size_t)(sn[k].n - sn[k].active) * (size_t)d->scale;
		dissolved = inactive * (size_t)sn[k].dissolved_pct / 100;
		for (i = 0; i < (size_t)sn[k].n * (size_t)d->scale; i++, j++) {
			os[j].kind = sn[k].kind;
			os[j].source = "supernet_form";
			os[j].status = i < (size_t)sn[k].active *
			    (size_t)d->scale ? "active" :
			    i < (size_t)sn[k].active * (size_t)d->scale +
			    dissolved ? "dissolved" : "withdrawn";
		}
	}
	nlink = 0;
	for (; j < total; j++) {
		v = demo_rng_below(&d->r, 100);
		os[j].source = v < 40 ? "staff" : v < 70 ? "aikasa_link" :
		    "legacy_other";
		v = demo_rng_below(&d->r, 100);
		os[j].kind = v < 70 ? "group" : v < 82 ? "npo" : "company";
		v = demo_rng_below(&d->r, 100);
		os[j].status = v < 85 ? "active" : v < 95 ? "dissolved" :
		    "withdrawn";
		/* Registered through あいかさねっと's 連携: link the member. */
		if (strcmp(os[j].source, "aikasa_link") == 0 &&
		    strcmp(os[j].kind, "group") == 0 && nlink < d->npost) {
			os[j].member_id = d->posters[nlink].id;
			os[j].name = d->posters[nlink].name;
			os[j].kana = d->posters[nlink].kana;
			os[j].status = "active";
			nlink++;
		}
	}
	order = xcalloc(total, sizeof(*order));
	for (i = 0; i < total; i++)
		order[i] = (int)i;
	shuffle_int(d, order, total);
	lo = d->today - 20 * 365;
	for (i = 0; i < total; i++) {
		created = lo + (int64_t)i * (d->today - lo) / (int64_t)total;
		if (os[order[i]].member_id > 0 && created < d->aikasa_start)
			created = d->aikasa_start +
			    demo_rng_range(&d->r, 1, 300);
		if (created >= d->today)
			created = d->today - 1;
		if (!insert_org(d, base + (int64_t)i, &os[order[i]], created))
			goto out;
	}
	rc = 1;
out:
	free(order);
	free(os);
	return rc;
}

/* ---- events and recruitments (Super Net 募集情報) ---- */

static const char *const audiences[] = {
	"どなたでも", "県内在住の方", "小学生とその保護者", "中学生・高校生",
	"60歳以上の方", "子育て中の方", "NPO・ボランティア団体の方",
	"大学生・専門学校生", "企業の社会貢献担当者",
};

static int
gen_events(struct demo *d, int64_t base)
{
	sqlite3_stmt		*st;
	struct buf		*title = &d->b[0], *body = &d->b[1],
				*held = &d->b[3], *org = &d->b[4],
				*tmp = &d->b[5], *kana = &d->b[6];
	size_t			 n, i, o;
	int64_t			 lo, hi, start, end, created, pub, id;
	int			 field, muni, cat, dur, h;
	const char		*state, *orgname;

	n = (size_t)N_EVENT * (size_t)d->scale;
	lo = d->today - 12 * 365;
	hi = d->today + 180;
	for (i = 0; i < n; i++) {
		id = base + (int64_t)i;
		start = lo + (int64_t)i * (hi - lo) / (int64_t)n;
		dur = demo_rng_chance(&d->r, 80) ? 0 : demo_rng_range(&d->r, 1, 2);
		end = start + dur;
		created = start - demo_rng_range(&d->r, 20, 90);
		if (created >= d->today)
			created = d->today - demo_rng_range(&d->r, 0, 10);
		field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
		muni = demo_muni_pick(&d->r);
		state = content_state(d, n - 1 - i, n);
		o = 0;
		if (d->npub > 0 && demo_rng_chance(&d->r, 60)) {
			o = demo_rng_below(&d->r, (uint32_t)d->npub) + 1;
			orgname = d->pub_org_names[o - 1];
		} else {
			demo_org_name(&d->r, DEMO_ORG_CIVIC, field, org, kana,
			    &cat);
			if (demo_rng_chance(&d->r, 30)) {
				buf_reset(org);
				buf_printf(org, "%s%sまつり実行委員会",
				    demo_muni_name(muni),
				    demo_field_short(field));
			}
			orgname = buf_str(org);
		}
		demo_title(&d->r, DEMO_TITLE_EVENT, field, muni, orgname,
		    year_of(start), title);
		buf_reset(body);
		if (demo_rng_chance(&d->r, 30))
			demo_short(&d->r, DEMO_TEXT_EVENT, field, muni,
			    orgname, year_of(start), body);
		else
			demo_paragraphs(&d->r, DEMO_TEXT_EVENT, field, muni,
			    orgname, year_of(start), demo_rng_range(&d->r, 2, 4),
			    body);
		buf_reset(held);
		demo_date_ja(start, held);
		h = demo_rng_range(&d->r, 9, 18);
		if (dur > 0) {
			buf_puts(held, "～");
			demo_date_ja(end, held);
		}
		buf_printf(held, " %d:%s～%d:00", h,
		    demo_rng_chance(&d->r, 50) ? "00" : "30",
		    h + demo_rng_range(&d->r, 1, 3));
		if ((st = prep(d, STMT_INS_EVENT)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		cat = (int)demo_rng_below(&d->r, 100);
		db_bind_text(st, 2, cat < 55 ? "event" : cat < 85 ? "course" :
		    "other");
		db_bind_text(st, 3, state);
		if (o > 0)
			db_bind_int(st, 4, d->pub_orgs[o - 1]);
		db_bind_text(st, 5, orgname);
		db_bind_text(st, 6, buf_str(title));
		db_bind_text(st, 7, buf_str(held));
		db_bind_text(st, 8, iso(d, 2, start));
		db_bind_text(st, 9, iso(d, 7, end));
		buf_reset(tmp);
		buf_printf(tmp, "%s%s%s", demo_muni_name(muni),
		    demo_town(&d->r, muni), PICK_TITLE(((const char *const[]){
		    "公民館", "地域交流センター", "市民会館", "文化センター",
		    "福祉会館", "図書館 多目的室", "体育館" })));
		db_bind_text(st, 10, buf_str(tmp));
		buf_reset(tmp);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, orgname,
		    year_of(start), tmp);
		db_bind_text(st, 11, buf_str(tmp));
		db_bind_text(st, 12, buf_str(body));
		buf_reset(tmp);
		if (demo_rng_chance(&d->r, 60))
			buf_puts(tmp, "無料");
		else
			buf_printf(tmp, "%d円", demo_rng_range(&d->r, 1, 20) * 100);
		db_bind_text(st, 13, buf_str(tmp));
		db_bind_text(st, 14, PICK_TITLE(audiences));
		if (demo_rng_chance(&d->r, 70)) {
			db_bind_text(st, 15, iso(d, 4, created + 1));
			db_bind_text(st, 16, iso(d, 5, start -
			    demo_rng_range(&d->r, 0, 7)));
			db_bind_text(st, 17, PICK_TITLE(((const char *const[]){
			    "電話、FAX、メールのいずれかでお申し込みください。",
			    "申込フォームからお申し込みください。",
			    "当日受付（事前申込不要）",
			    "はがきに住所・氏名・電話番号を書いてお送りください。"
			    })));
		}
		buf_reset(tmp);
		demo_phone(&d->r, muni, kana);
		buf_printf(tmp, "%s（電話 %s）", orgname, buf_str(kana));
		db_bind_text(st, 18, buf_str(tmp));
		if (demo_rng_chance(&d->r, 25)) {
			buf_reset(tmp);
			buf_printf(tmp, "後援：%s、%s教育委員会",
			    demo_muni_name(muni), demo_muni_name(muni));
			db_bind_text(st, 19, buf_str(tmp));
		}
		if (demo_rng_chance(&d->r, 30)) {
			buf_reset(tmp);
			buf_printf(tmp, "https://event.example.jp/%lld",
			    (long long)id);
			db_bind_text(st, 20, buf_str(tmp));
		}
		/* Submitted through the public form: sealed e-mail. */
		if (demo_rng_chance(&d->r, 50)) {
			demo_email(&d->r, NULL, id, tmp);
			if (!bind_sealed(d, st, 21, "event",
			    "submitter_email_ct", id, buf_str(tmp)))
				return 0;
			bind_email_bidx(d, st, 22, buf_str(tmp));
			db_bind_int(st, 23, stamp(d, created));
		}
		db_bind_int(st, 24, stamp(d, created));
		pub = strcmp(state, "public") == 0 ?
		    stamp(d, created + demo_rng_range(&d->r, 0, 3)) : 0;
		db_bind_int(st, 25, pub > 0 ? pub : stamp(d, created));
		if (pub > 0)
			db_bind_int(st, 26, pub);
		if (!db_run(d->db, st))
			return 0;
		if (!link_some(d, STMT_INS_EVENT_FIELD, id, 1, 2,
		    DEMO_FIELD_MAX, field + 1))
			return 0;
	}
	return 1;
}

/* ---- grants ---- */

static int
gen_grants(struct demo *d, int64_t base)
{
	sqlite3_stmt	*st;
	struct buf	*name = &d->b[0], *funder = &d->b[1], *tmp = &d->b[3],
			*zip = &d->b[4], *addr = &d->b[5], *tel = &d->b[6];
	size_t		 n, i;
	int64_t		 lo, hi, until, from, created, pub, id;
	int		 field, muni;
	const char	*state;

	n = (size_t)N_GRANT * (size_t)d->scale;
	lo = d->today - 12 * 365;
	hi = d->today + 150;
	for (i = 0; i < n; i++) {
		id = base + (int64_t)i;
		until = lo + (int64_t)i * (hi - lo) / (int64_t)n;
		from = until - demo_rng_range(&d->r, 20, 90);
		created = from - demo_rng_range(&d->r, 0, 20);
		if (created >= d->today)
			created = d->today - demo_rng_range(&d->r, 0, 10);
		field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
		muni = demo_muni_pick(&d->r);
		state = content_state(d, n - 1 - i, n);
		demo_funder(&d->r, funder);
		demo_title(&d->r, DEMO_TITLE_GRANT, field, muni, NULL,
		    year_of(until), name);
		if ((st = prep(d, STMT_INS_GRANT)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, state);
		db_bind_text(st, 3, buf_str(funder));
		db_bind_text(st, 4, buf_str(name));
		buf_reset(tmp);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, muni, NULL,
		    year_of(until), tmp);
		db_bind_text(st, 5, buf_str(tmp));
		buf_reset(tmp);
		if (demo_rng_chance(&d->r, 70))
			buf_printf(tmp, "1団体あたり上限%d万円",
			    demo_rng_range(&d->r, 1, 50) * 10);
		else
			buf_printf(tmp, "総額%d万円（%d団体程度）",
			    demo_rng_range(&d->r, 5, 100) * 10,
			    demo_rng_range(&d->r, 3, 20));
		db_bind_text(st, 6, buf_str(tmp));
		buf_reset(tmp);
		buf_printf(tmp, "%sに関する事業", demo_topic(&d->r, field));
		db_bind_text(st, 7, buf_str(tmp));
		db_bind_text(st, 8, PICK_TITLE(((const char *const[]){
		    "県内で活動するNPO法人・ボランティア団体",
		    "設立5年以内の市民活動団体", "法人格の有無を問わない非営利団体",
		    "自治会・町内会などの地域団体", "県内の大学生を中心とした団体" })));
		db_bind_text(st, 9, iso(d, 2, from));
		db_bind_text(st, 10, iso(d, 7, until));
		db_bind_text(st, 11, demo_rng_chance(&d->r, 60) ?
		    "所定の申請書に必要事項を記入し、郵送またはメールで提出してください。" :
		    "募集要項をご確認のうえ、申請フォームからお申し込みください。");
		db_bind_text(st, 12, buf_str(funder));
		demo_address(&d->r, muni, zip, addr);
		db_bind_text(st, 13, buf_str(zip));
		buf_reset(tmp);
		buf_printf(tmp, "山口県%s%s", demo_muni_name(muni), buf_str(addr));
		db_bind_text(st, 14, buf_str(tmp));
		demo_phone(&d->r, muni, tel);
		db_bind_text(st, 15, buf_str(tel));
		if (demo_rng_chance(&d->r, 60)) {
			demo_phone(&d->r, muni, tel);
			db_bind_text(st, 16, buf_str(tel));
		}
		demo_email(&d->r, NULL, id, tmp);
		db_bind_text(st, 17, buf_str(tmp));
		if (demo_rng_chance(&d->r, 70)) {
			buf_reset(tmp);
			buf_printf(tmp, "https://grant.example.org/%lld",
			    (long long)id);
			db_bind_text(st, 18, buf_str(tmp));
		}
		db_bind_int(st, 19, stamp(d, created));
		pub = strcmp(state, "public") == 0 ?
		    stamp(d, created + demo_rng_range(&d->r, 0, 3)) : 0;
		db_bind_int(st, 20, pub > 0 ? pub : stamp(d, created));
		if (pub > 0)
			db_bind_int(st, 21, pub);
		if (!db_run(d->db, st))
			return 0;
		if (!link_some(d, STMT_INS_GRANT_FIELD, id, 1, 3,
		    DEMO_FIELD_MAX, field + 1))
			return 0;
		if (!link_some(d, STMT_INS_GRANT_AREA, id, 1, 1, 5, 0))
			return 0;
	}
	return 1;
}

/* ---- activity reports and books ---- */

static int
gen_reports(struct demo *d, int64_t base)
{
	sqlite3_stmt	*st;
	struct buf	*title = &d->b[0], *body = &d->b[1], *tmp = &d->b[3];
	size_t		 n, i, o;
	int64_t		 lo, held, pub, id;
	int		 field, muni, h;
	const char	*state;

	n = (size_t)N_REPORT * (size_t)d->scale;
	lo = d->today - 8 * 365;
	for (i = 0; i < n; i++) {
		id = base + (int64_t)i;
		held = lo + (int64_t)i * (d->today - 7 - lo) / (int64_t)n;
		field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
		muni = demo_muni_pick(&d->r);
		o = demo_rng_below(&d->r, (uint32_t)d->npub);
		state = content_state(d, n - 1 - i, n);
		demo_title(&d->r, DEMO_TITLE_REPORT, field, muni,
		    d->pub_org_names[o], year_of(held), title);
		buf_reset(body);
		demo_paragraphs(&d->r, DEMO_TEXT_ABOUT, field, muni,
		    d->pub_org_names[o], year_of(held),
		    demo_rng_range(&d->r, 2, 5), body);
		if ((st = prep(d, STMT_INS_REPORT)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, state);
		db_bind_text(st, 3, buf_str(title));
		db_bind_text(st, 4, buf_str(body));
		db_bind_text(st, 5, d->pub_org_names[o]);
		db_bind_text(st, 6, d->pub_org_kana[o]);
		db_bind_text(st, 7, iso(d, 2, held));
		h = demo_rng_range(&d->r, 9, 16);
		buf_reset(tmp);
		buf_printf(tmp, "%d:00～%d:00", h, h + demo_rng_range(&d->r, 1, 4));
		db_bind_text(st, 8, buf_str(tmp));
		buf_reset(tmp);
		buf_printf(tmp, "%s%s", demo_muni_name(muni),
		    demo_town(&d->r, muni));
		buf_puts(tmp, "公民館");
		db_bind_text(st, 9, buf_str(tmp));
		buf_reset(tmp);
		buf_printf(tmp, "約%d名", demo_rng_range(&d->r, 2, 40) * 5);
		db_bind_text(st, 10, buf_str(tmp));
		if (demo_rng_chance(&d->r, 40))
			db_bind_text(st, 11, d->pub_org_names[
			    demo_rng_below(&d->r, (uint32_t)d->npub)]);
		db_bind_int(st, 13, d->pub_orgs[o]);
		db_bind_int(st, 14, stamp(d, held + 3));
		pub = strcmp(state, "public") == 0 ? stamp(d, held + 5) : 0;
		db_bind_int(st, 15, pub > 0 ? pub : stamp(d, held + 3));
		if (pub > 0)
			db_bind_int(st, 16, pub);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

static int
gen_books(struct demo *d, int64_t base)
{
	sqlite3_stmt	*st;
	struct buf	*title = &d->b[0], *body = &d->b[1], *author = &d->b[3],
			*tmp = &d->b[4];
	size_t		 n, i;
	int64_t		 lo, created, pub, id;
	int		 field, y;
	const char	*state;

	n = (size_t)N_BOOK * (size_t)d->scale;
	lo = d->today - 15 * 365;
	for (i = 0; i < n; i++) {
		id = base + (int64_t)i;
		created = lo + (int64_t)i * (d->today - lo) / (int64_t)n;
		field = (int)demo_rng_below(&d->r, DEMO_FIELD_MAX);
		state = content_state(d, n - 1 - i, n);
		demo_title(&d->r, DEMO_TITLE_BOOK, field, -1, NULL,
		    year_of(created), title);
		demo_author(&d->r, author);
		buf_reset(body);
		demo_short(&d->r, DEMO_TEXT_ABOUT, field, -1, NULL,
		    year_of(created), body);
		if ((st = prep(d, STMT_INS_BOOK)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, state);
		db_bind_text(st, 3, buf_str(title));
		db_bind_text(st, 4, buf_str(author));
		db_bind_text(st, 5, buf_str(body));
		db_bind_text(st, 6, demo_publisher(&d->r));
		y = year_of(created) - demo_rng_range(&d->r, 0, 12);
		buf_reset(tmp);
		buf_printf(tmp, "%d年%d月", y, demo_rng_range(&d->r, 1, 12));
		db_bind_text(st, 7, buf_str(tmp));
		buf_reset(tmp);
		buf_printf(tmp, "%06lld", (long long)id);
		db_bind_text(st, 8, buf_str(tmp));
		db_bind_int(st, 9, stamp(d, created));
		pub = strcmp(state, "public") == 0 ? stamp(d, created + 1) : 0;
		db_bind_int(st, 10, pub > 0 ? pub : stamp(d, created));
		if (pub > 0)
			db_bind_int(st, 11, pub);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* ---- notices, newsletters, interviews, FAQ ---- */

static int
gen_notices(struct demo *d, int64_t *id, const char *site, const char *kind,
    size_t n, int64_t lo)
{
	sqlite3_stmt	*st;
	struct buf	*title = &d->b[0], *body = &d->b[1];
	size_t		 i;
	int64_t		 day, pub;
	const char	*state;

	for (i = 0; i < n; i++, (*id)++) {
		day = lo + (int64_t)i * (d->today - lo) / (int64_t)n;
		state = content_state(d, n - 1 - i, n);
		demo_title(&d->r, strcmp(kind, "center") == 0 ?
		    DEMO_TITLE_CENTER : DEMO_TITLE_NOTICE, -1, -1, NULL,
		    year_of(day), title);
		buf_reset(body);
		demo_paragraphs(&d->r, DEMO_TEXT_NOTICE, -1, -1, NULL,
		    year_of(day), demo_rng_range(&d->r, 1, 3), body);
		if ((st = prep(d, STMT_INS_NOTICE)) == NULL)
			return 0;
		db_bind_int(st, 1, *id);
		db_bind_text(st, 2, site);
		db_bind_text(st, 3, kind);
		db_bind_text(st, 4, state);
		db_bind_text(st, 5, buf_str(title));
		db_bind_text(st, 6, buf_str(body));
		db_bind_text(st, 7, iso(d, 2, day));
		db_bind_int(st, 8, stamp(d, day));
		pub = strcmp(state, "public") == 0 ? stamp(d, day) : 0;
		db_bind_int(st, 9, pub > 0 ? pub : stamp(d, day));
		if (pub > 0)
			db_bind_int(st, 10, pub);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

static int
gen_newsletters(struct demo *d, int64_t *id, int ak, size_t n, int64_t lo)
{
	sqlite3_stmt	*st;
	struct buf	*title = &d->b[0], *body = &d->b[1];
	size_t		 i;
	int64_t		 day, pub;
	const char	*state;

	for (i = 0; i < n; i++, (*id)++) {
		day = lo + (int64_t)i * (d->today - lo) / (int64_t)n;
		state = content_state(d, n - 1 - i, n);
		buf_reset(title);
		if (ak)
			buf_printf(title, "あいかさねっと活動ニュース Vol.%zu",
			    i + 1);
		else
			buf_printf(title, "さぽーとメール第%zu号", i + 1);
		demo_newsletter_body(&d->r, ak, (int)i + 1, day, body);
		if ((st = prep(d, STMT_INS_NEWSLETTER)) == NULL)
			return 0;
		db_bind_int(st, 1, *id);
		db_bind_text(st, 2, ak ? "aikasa" : "supernet");
		db_bind_text(st, 3, state);
		db_bind_int(st, 4, (int64_t)i + 1);
		db_bind_text(st, 5, buf_str(title));
		db_bind_text(st, 6, buf_str(body));
		db_bind_text(st, 7, iso(d, 2, day));
		pub = strcmp(state, "public") == 0 ? stamp(d, day) : 0;
		if (pub > 0)
			db_bind_int(st, 8, pub);
		db_bind_int(st, 9, stamp(d, day - 2));
		db_bind_int(st, 10, pub > 0 ? pub : stamp(d, day - 2));
		if (pub > 0)
			db_bind_int(st, 11, pub);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

static int
gen_interviews(struct demo *d, int64_t base)
{
	sqlite3_stmt		*st;
	struct buf		*title = &d->b[0], *body = &d->b[1];
	const struct poster	*po;
	size_t			 n, i;
	int64_t			 day, pub, lo;
	const char		*state;

	n = (size_t)N_INTERVIEW * (size_t)d->scale;
	lo = d->aikasa_start + 60;
	for (i = 0; i < n; i++) {
		day = lo + (int64_t)i * (d->today - lo) / (int64_t)n;
		po = &d->posters[demo_rng_below(&d->r, (uint32_t)d->npost)];
		state = content_state(d, n - 1 - i, n);
		demo_title(&d->r, DEMO_TITLE_INTERVIEW, po->field, po->muni,
		    po->name, year_of(day), title);
		buf_reset(body);
		demo_paragraphs(&d->r, DEMO_TEXT_ABOUT, po->field, po->muni,
		    po->name, year_of(day), demo_rng_range(&d->r, 3, 6), body);
		if ((st = prep(d, STMT_INS_INTERVIEW)) == NULL)
			return 0;
		db_bind_int(st, 1, base + (int64_t)i);
		db_bind_text(st, 2, state);
		db_bind_text(st, 3, buf_str(title));
		db_bind_text(st, 4, buf_str(body));
		db_bind_text(st, 5, iso(d, 2, day));
		db_bind_int(st, 6, po->id);
		db_bind_int(st, 7, stamp(d, day));
		pub = strcmp(state, "public") == 0 ? stamp(d, day) : 0;
		db_bind_int(st, 8, pub > 0 ? pub : stamp(d, day));
		if (pub > 0)
			db_bind_int(st, 9, pub);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* The Q&A pages: a fixed list (not scaled), one 下書 among them. */
static int
gen_faq(struct demo *d, int64_t base)
{
	sqlite3_stmt		*st;
	const struct demo_faq	*f;
	size_t			 n, i;
	int64_t			 t;

	f = demo_faqs(&n);
	t = stamp(d, d->aikasa_start);
	for (i = 0; i < n; i++) {
		if ((st = prep(d, STMT_INS_FAQ)) == NULL)
			return 0;
		db_bind_int(st, 1, base + (int64_t)i);
		db_bind_text(st, 2, "aikasa");
		db_bind_text(st, 3, i + 1 == n ? "draft" :
		    i + 2 == n ? "review" : "public");
		db_bind_text(st, 4, f[i].category);
		db_bind_text(st, 5, f[i].q);
		db_bind_text(st, 6, f[i].a);
		db_bind_int(st, 7, (int64_t)(i + 1) * 10);
		db_bind_int(st, 8, t);
		db_bind_int(st, 9, t);
		if (i + 2 < n)
			db_bind_int(st, 10, t);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* ---- newsletter subscribers: sealed addresses ---- */

static int
insert_subscriber(struct demo *d, int64_t id, const char *list,
    const char *state, const char *source, const char *email,
    int64_t member, int64_t day)
{
	sqlite3_stmt	*st;

	if ((st = prep(d, STMT_INS_SUBSCRIBER)) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, list);
	db_bind_text(st, 3, state);
	db_bind_text(st, 4, source);
	if (!bind_sealed(d, st, 5, "subscriber", "email_ct", id, email))
		return 0;
	bind_email_bidx(d, st, 6, email);
	if (member > 0)
		db_bind_int(st, 7, member);
	db_bind_int(st, 8, stamp(d, day));
	db_bind_int(st, 9, stamp(d, day));
	return db_run(d->db, st);
}

static int
gen_subscribers(struct demo *d, int64_t *id)
{
	struct demo_person	 p;
	struct buf		*mail = &d->b[0];
	size_t			 n, i, k;
	int64_t			 lo, day;
	unsigned		 v;
	const char		*state, *source;

	for (k = 0; k < 2; k++) {
		if (k == 1) {
			/* Members who ticked #42 are on the AK list. */
			for (i = 0; i < d->nak; i++, (*id)++)
				if (!insert_subscriber(d, *id, "aikasa",
				    "active", "member", d->ak_emails[i],
				    d->ak_members[i], d->today -
				    (int64_t)(d->nak - i)))
					return 0;
		}
		n = (size_t)(k == 0 ? N_SUB_SUPERNET : N_SUB_AIKASA) *
		    (size_t)d->scale;
		lo = k == 0 ? d->today - 10 * 365 : d->aikasa_start;
		for (i = 0; i < n; i++, (*id)++) {
			day = lo + (int64_t)i * (d->today - lo) / (int64_t)n;
			v = demo_rng_below(&d->r, 100);
			state = i + 3 >= n && v < 50 ? "pending" :
			    v < 88 ? "active" : "stopped";
			v = demo_rng_below(&d->r, 100);
			source = v < 50 ? "form" : v < 70 ? "staff" : "import";
			demo_person(&d->r, &p);
			/* Offset keeps these apart from member addresses. */
			demo_email(&d->r, &p, 5000000 + *id, mail);
			if (!insert_subscriber(d, *id, k == 0 ? "supernet" :
			    "aikasa", state, source, buf_str(mail), 0, day))
				return 0;
		}
	}
	return 1;
}

/* ---- staff ---- */

static int
gen_staff(struct demo *d, int64_t base)
{
	static const struct {
		const char	*login, *name, *role, *what;
	} st_[] = {
		{ "demo-admin", "デモ管理者", "admin", "管理画面 管理者" },
		{ "demo-editor", "デモ編集者", "editor", "管理画面 編集者" },
	};
	sqlite3_stmt	*st;
	struct account	*a;
	char		 hash[128];
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(st_); i++) {
		a = &d->acct[d->nacct++];
		if (!free_login(d, st_[i].login, a->login, sizeof(a->login)))
			return 0;
		snprintf(a->what, sizeof(a->what), "%s", st_[i].what);
		if (!demo_password(a, hash))
			return 0;
		if ((st = prep(d, STMT_INS_STAFF)) == NULL)
			return 0;
		db_bind_int(st, 1, base + (int64_t)i);
		db_bind_text(st, 2, a->login);
		db_bind_text(st, 3, a->login);
		db_bind_text(st, 4, st_[i].name);
		db_bind_text(st, 5, st_[i].role);
		db_bind_text(st, 6, hash);
		db_bind_int(st, 7, stamp(d, d->today));
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* ---- attachments and an edit request for the review screens ---- */

/* CRC-32 (PNG) of n bytes, continuing crc (start with 0). */
static uint32_t
png_crc(uint32_t crc, const unsigned char *p, size_t n)
{
	size_t	 i;
	int	 k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void
put_be32(struct buf *b, uint32_t v)
{
	unsigned char	 c[4];

	c[0] = (unsigned char)(v >> 24);
	c[1] = (unsigned char)(v >> 16);
	c[2] = (unsigned char)(v >> 8);
	c[3] = (unsigned char)v;
	buf_putn(b, c, 4);
}

/* One PNG chunk of type (4 letters) and n bytes of data. */
static void
png_chunk(struct buf *b, const char *type, const unsigned char *data,
    size_t n)
{
	uint32_t	 crc;

	put_be32(b, (uint32_t)n);
	buf_putn(b, type, 4);
	buf_putn(b, data, n);
	crc = png_crc(0, (const unsigned char *)type, 4);
	put_be32(b, png_crc(crc, data, n));
}

#define DEMO_PNG_W	48
#define DEMO_PNG_H	32

/*
 * A small valid PNG (RGB, stored deflate blocks: no zlib needed) of
 * horizontal bands in two colours, into b (replaced).
 */
static void
demo_png(struct buf *b, uint32_t c1, uint32_t c2)
{
	unsigned char	 raw[DEMO_PNG_H * (1 + 3 * DEMO_PNG_W)];
	unsigned char	 ihdr[13], z[sizeof(raw) + 11];
	uint32_t	 a = 1, s = 0, c;
	size_t		 i, x, y, n = 0;

	for (y = 0; y < DEMO_PNG_H; y++) {
		raw[n++] = 0;			/* filter: none */
		c = (y / 8) % 2 ? c2 : c1;
		for (x = 0; x < DEMO_PNG_W; x++) {
			raw[n++] = (unsigned char)(c >> 16);
			raw[n++] = (unsigned char)(c >> 8);
			raw[n++] = (unsigned char)c;
		}
	}
	for (i = 0; i < n; i++) {		/* Adler-32 */
		a = (a + raw[i]) % 65521;
		s = (s + a) % 65521;
	}
	buf_reset(b);
	buf_putn(b, "\x89PNG\r\n\x1a\n", 8);
	memset(ihdr, 0, sizeof(ihdr));
	ihdr[3] = DEMO_PNG_W;
	ihdr[7] = DEMO_PNG_H;
	ihdr[8] = 8;				/* bit depth */
	ihdr[9] = 2;				/* RGB */
	png_chunk(b, "IHDR", ihdr, sizeof(ihdr));
	z[0] = 0x78;
	z[1] = 0x01;
	z[2] = 1;				/* final, stored */
	z[3] = (unsigned char)(n & 0xff);
	z[4] = (unsigned char)(n >> 8);
	z[5] = (unsigned char)(~n & 0xff);
	z[6] = (unsigned char)((~n >> 8) & 0xff);
	memcpy(z + 7, raw, n);
	c = (s << 16) | a;
	z[7 + n] = (unsigned char)(c >> 24);
	z[8 + n] = (unsigned char)(c >> 16);
	z[9 + n] = (unsigned char)(c >> 8);
	z[10 + n] = (unsigned char)c;
	png_chunk(b, "IDAT", z, n + 11);
	png_chunk(b, "IEND", NULL, 0);
}

/* A one-page valid PDF whose page says text (ASCII), into b. */
static void
demo_pdf(struct buf *b, const char *text)
{
	struct buf	 content;
	size_t		 off[6], i, xref;

	buf_init(&content, 4096);
	buf_printf(&content, "BT /F1 18 Tf 72 760 Td (%s) Tj ET", text);
	buf_reset(b);
	buf_puts(b, "%PDF-1.4\n");
	off[1] = b->len;
	buf_puts(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->len;
	buf_puts(b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
	    "endobj\n");
	off[3] = b->len;
	buf_puts(b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox "
	    "[0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
	    "/Contents 4 0 R >>\nendobj\n");
	off[4] = b->len;
	buf_printf(b, "4 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\n"
	    "endobj\n", content.len, buf_str(&content));
	off[5] = b->len;
	buf_puts(b, "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont "
	    "/Helvetica >>\nendobj\n");
	xref = b->len;
	buf_puts(b, "xref\n0 6\n0000000000 65535 f \n");
	for (i = 1; i < 6; i++)
		buf_printf(b, "%010zu 00000 n \n", off[i]);
	buf_printf(b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n"
	    "%%%%EOF\n", xref);
	buf_free(&content);
}

/* Write len bytes to upload_dir/name (a new file).  1 ok. */
static int
upload_write(struct demo *d, const char *name, const void *p, size_t len)
{
	char	 path[4096];
	FILE	*f;
	int	 rc;

	if (!util_mkdirs(d->g->cfg->upload_dir))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s",
	    d->g->cfg->upload_dir, name) >= sizeof(path)) {
		kerr("%s: path too long", d->g->cfg->upload_dir);
		return 0;
	}
	if ((f = fopen(path, "wbx")) == NULL) {
		kerr("%s: cannot create", path);
		return 0;
	}
	rc = fwrite(p, 1, len, f) == len;
	if (fclose(f) != 0 || !rc) {
		kerr("%s: write failed", path);
		return 0;
	}
	return 1;
}

/*
 * A few attachments so the detail pages and the review screens show
 * some: a public PDF on the newest listed org, public event, group
 * member, and a PNG flyer on the newest recruiting posting; a PNG
 * photo on the newest report and interview; and one PDF not yet
 * public ('ok') on the newest org in review.  The bytes go to
 * upload_dir under a random stored name; the public name is random
 * too, made of the rng and the row id.  Items that do not exist (small
 * or odd data) are skipped.
 */
static int
gen_uploads(struct demo *d)
{
	static const struct {
		enum stmt	 pick, link;
		const char	*orig, *mime, *alt, *text;
		int		 pub;
		uint32_t	 c1, c2;
	} ups[] = {
		{ STMT_PICK_ORG, STMT_INS_ORG_FILE, "定款.pdf",
		  "application/pdf", NULL, "Articles (demo)", 1, 0, 0 },
		{ STMT_PICK_EVENT, STMT_INS_EVENT_FILE, "チラシ.pdf",
		  "application/pdf", NULL, "Event flyer (demo)", 1, 0, 0 },
		{ STMT_PICK_MEMBER, STMT_INS_MEMBER_FILE, "団体紹介.pdf",
		  "application/pdf", NULL, "About us (demo)", 1, 0, 0 },
		{ STMT_PICK_POSTING, STMT_INS_POSTING_FILE, "募集チラシ.png",
		  "image/png", "ボランティア募集チラシ", NULL, 1,
		  0x2e7d32, 0xffffff },
		{ STMT_PICK_REPORT, STMT_INS_REPORT_PHOTO, "活動写真.png",
		  "image/png", "海岸清掃に参加した皆さんの集合写真", NULL, 1,
		  0x1565c0, 0xfdd835 },
		{ STMT_PICK_INTERVIEW, STMT_INS_INTERVIEW_PHOTO, "取材写真.png",
		  "image/png", "子ども食堂で配膳するボランティア", NULL, 1,
		  0xef6c00, 0xfff3e0 },
		{ STMT_PICK_ORG_REVIEW, STMT_INS_ORG_FILE, "会則.pdf",
		  "application/pdf", NULL, "Rules (demo, in review)", 0, 0, 0 },
	};
	unsigned char	 sha[crypto_hash_sha256_BYTES];
	sqlite3_stmt	*st;
	struct buf	*data = &d->b[0];
	char		 stored[64], pub[64];
	int64_t		 id, item;
	size_t		 i;

	if ((id = scalar(d, STMT_MAX_UPLOAD, NULL)) < 0)
		return 0;
	for (i = 0; i < KENMIN_NELEM(ups); i++) {
		if ((item = scalar(d, ups[i].pick, NULL)) < 0)
			return 0;
		if (item == 0)
			continue;	/* nothing to attach it to */
		id++;
		if (ups[i].text != NULL)
			demo_pdf(data, ups[i].text);
		else
			demo_png(data, ups[i].c1, ups[i].c2);
		if (!buf_ok(data))
			return 0;
		snprintf(stored, sizeof(stored), "%016llx%08llx",
		    (unsigned long long)demo_rng_next(&d->r),
		    (unsigned long long)id);
		snprintf(pub, sizeof(pub), "%016llx%08llx.%s",
		    (unsigned long long)demo_rng_next(&d->r),
		    (unsigned long long)id, ups[i].text != NULL ? "pdf" : "png");
		if (!upload_write(d, stored, data->p, data->len))
			return 0;
		crypto_hash_sha256(sha, (const unsigned char *)data->p,
		    data->len);
		if ((st = prep(d, STMT_INS_UPLOAD)) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, stored);
		db_bind_text(st, 3, ups[i].pub ? pub : NULL);
		db_bind_text(st, 4, ups[i].orig);
		db_bind_text(st, 5, ups[i].mime);
		db_bind_int(st, 6, (int64_t)data->len);
		db_bind_blob(st, 7, sha, sizeof(sha));
		db_bind_text(st, 8, ups[i].alt);
		db_bind_text(st, 9, ups[i].pub ? "public" : "ok");
		db_bind_int(st, 10, stamp(d, d->today - 3));
		if (!db_run(d->db, st))
			return 0;
		if ((st = prep(d, ups[i].link)) == NULL)
			return 0;
		db_bind_int(st, 1, item);
		db_bind_int(st, 2, id);
		if (!db_run(d->db, st))
			return 0;
	}
	return 1;
}

/* ---- the command ---- */

static void
demo_free(struct demo *d)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(d->b); i++)
		buf_free(&d->b[i]);
	buf_free(&d->ct);
	for (i = 0; i < d->npost; i++) {
		free(d->posters[i].name);
		free(d->posters[i].kana);
	}
	free(d->posters);
	for (i = 0; i < d->npub; i++) {
		free(d->pub_org_names[i]);
		free(d->pub_org_kana[i]);
	}
	free(d->pub_orgs);
	free(d->pub_org_names);
	free(d->pub_org_kana);
	for (i = 0; i < d->nak; i++)
		free(d->ak_emails[i]);
	free(d->ak_members);
	free(d->ak_emails);
	explicit_bzero(d->acct, sizeof(d->acct));
}

/* The next free id of each table, read before anything is inserted. */
static int
next_ids(struct demo *d, int64_t *ids)
{
	int	 s;

	for (s = STMT_MAX_ORG; s <= STMT_MAX_STAFF; s++)
		if ((ids[s - STMT_MAX_ORG] = scalar(d, (enum stmt)s,
		    NULL)) < 0)
			return 0;
		else
			ids[s - STMT_MAX_ORG]++;
	return 1;
}

#define ID(s)	(ids[(s) - STMT_MAX_ORG])

static int
generate(struct demo *d)
{
	int64_t	 ids[STMT_MAX_STAFF - STMT_MAX_ORG + 1];
	int64_t	 nid;

	if (!next_ids(d, ids))
		return 0;
	if (!gen_members(d, ID(STMT_MAX_MEMBER)) ||
	    !gen_orgs(d, ID(STMT_MAX_ORG)))
		return 0;
	if (d->npub == 0) {
		kerr("demo: no public organisation was made");
		return 0;
	}
	if (!gen_postings(d, ID(STMT_MAX_POSTING)) ||
	    !gen_events(d, ID(STMT_MAX_EVENT)) ||
	    !gen_grants(d, ID(STMT_MAX_GRANT)) ||
	    !gen_reports(d, ID(STMT_MAX_REPORT)) ||
	    !gen_books(d, ID(STMT_MAX_BOOK)))
		return 0;
	nid = ID(STMT_MAX_NOTICE);
	if (!gen_notices(d, &nid, "supernet", "notice",
	    (size_t)N_NOTICE * (size_t)d->scale, d->today - 10 * 365) ||
	    !gen_notices(d, &nid, "supernet", "center",
	    (size_t)N_CENTER * (size_t)d->scale, d->today - 8 * 365) ||
	    !gen_notices(d, &nid, "aikasa", "notice",
	    (size_t)N_AK_NOTICE * (size_t)d->scale, d->aikasa_start))
		return 0;
	nid = ID(STMT_MAX_NEWSLETTER);
	if (!gen_newsletters(d, &nid, 0, (size_t)N_NEWSLETTER *
	    (size_t)d->scale, d->today - 16 * 365) ||
	    !gen_newsletters(d, &nid, 1, (size_t)N_AK_NEWS *
	    (size_t)d->scale, d->aikasa_start + 30))
		return 0;
	if (!gen_interviews(d, ID(STMT_MAX_INTERVIEW)) ||
	    !gen_faq(d, ID(STMT_MAX_FAQ)))
		return 0;
	nid = ID(STMT_MAX_SUBSCRIBER);
	if (!gen_subscribers(d, &nid) || !gen_staff(d, ID(STMT_MAX_STAFF)))
		return 0;
	/* Last: it picks among the items made above. */
	if (!gen_uploads(d))
		return 0;
	return 1;
}

#undef ID

int
cmd_demo(struct gen *g, int argc, char *argv[])
{
	struct demo	 d;
	long long	 scale = 1, seed = 1, v;
	int64_t		 n;
	size_t		 i;
	int		 force = 0, rc = 0, intx = 0;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < KENMIN_NELEM(d.b); i++)
		buf_init(&d.b[i], 1024 * 1024);
	buf_init(&d.ct, 0);
	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (strcmp(argv[0], "--force") == 0)
			force = 1;
		else if (strcmp(argv[0], "--scale") == 0 && argc > 1 &&
		    util_strtoll(argv[1], 1, SCALE_MAX, &v)) {
			scale = v;
			argc--, argv++;
		} else if (strcmp(argv[0], "--seed") == 0 && argc > 1 &&
		    util_strtoll(argv[1], 0, INT64_MAX, &v)) {
			seed = v;
			argc--, argv++;
		} else {
			kerr("usage: demo [--scale 1-%d] [--seed S] [--force]",
			    SCALE_MAX);
			goto out;
		}
	}
	d.g = g;
	d.scale = (int)scale;
	if (!demo_parse_date(g->today, &d.today)) {
		kerr("demo: bad date %s", g->today);
		goto out;
	}
	d.year = year_of(d.today);
	/* あいかさねっと opened in September 2019 (/boranet201909/). */
	d.aikasa_start = demo_days_from_ymd(2019, 9, 1);
	if (d.aikasa_start > d.today - 400)
		d.aikasa_start = d.today - 400;
	if (!gen_load_keys(g, 0) || !gen_open_db(g, 0))
		goto out;
	d.db = g->db;
	if ((n = scalar(&d, STMT_HAS_CONTENT, NULL)) < 0)
		goto out;
	if (n > 0 && !force) {
		kerr("%s: the database already has content (%lld rows); "
		    "demo data goes only into an empty database. "
		    "Use --force to add demo data anyway",
		    g->cfg->database, (long long)n);
		goto out;
	}
	demo_rng_seed(&d.r, (uint64_t)seed);
	demo_person(&d.r, &d.reserved);

	if (!db_begin(d.db))
		goto out;
	intx = 1;
	if (!generate(&d))
		goto out;
	if (!db_commit(d.db))
		goto out;
	intx = 0;
	/* Move everything from the WAL into the database file. */
	if (!db_exec(d.db, "PRAGMA wal_checkpoint(TRUNCATE)"))
		goto out;

	printf("%s: demo data (scale %d, seed %lld, today %s) loaded\n",
	    g->cfg->database, d.scale, seed, g->today);
	printf("demo accounts (passwords are shown only this once):\n");
	for (i = 0; i < d.nacct; i++)
		printf("  %s\tlogin: %s\tpassword: %s\n", d.acct[i].what,
		    d.acct[i].login, d.acct[i].pw);
	printf("# demo individual: %s\n", d.demo_ind);
	rc = 1;
out:
	if (intx)
		db_rollback(d.db);
	demo_free(&d);
	return rc;
}
