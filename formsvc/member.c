/*
 * member.c: the あいかさねっと member's own screens: my page, the
 * 詳細登録 (step 2, 紙4 rows 19-42), editing one's registration (A-14:
 * published fields go to review, the rest applies at once), 休止・再開・
 * 退会, and the review hooks staff screens call for members.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "esc.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define REC_MAX		((size_t)256 * 1024)	/* a member as urlencoded text */
#define MEMBERS_MAX	10000000LL		/* 会員数／社員数 */

enum mtype {
	MT_INDIVIDUAL,
	MT_GROUP,
	MT_COMPANY,
	MT__MAX
};

static const char *const mtype_names[MT__MAX] = {
	"individual", "group", "company" };
static const char *const mtype_labels[MT__MAX] = { "個人", "団体", "企業" };

/* Which screen a field table serves. */
enum mmode {
	MODE_DETAIL,		/* 詳細登録: rows 19-42 (+ #17 files) */
	MODE_EDIT,		/* 登録情報の修正: rows 3-16 and 19-42 */
	MODE__MAX
};

/*
 * How a change of a field is applied: published fields through
 * a 修正依頼 that staff approve; non-public ones at once; the matching
 * conditions at once although they are shown on the member's page.
 */
#define MC_REVIEW	0x01
#define MC_NOW		0x02
#define MC_NOWPUB	0x04
#define MC_ALL		(MC_REVIEW | MC_NOW | MC_NOWPUB)

/* What the shown() callbacks of the field table read. */
struct marg {
	enum mtype	 t;
	enum mmode	 mode;
	int		 join;		/* 詳細登録: the row's wants_join */
};

/* The row facts every screen needs. */
struct mrow {
	int64_t		 id;
	enum mtype	 t;
	char		 state[16];
	char		 status[16];
	int		 detail_done;
	int		 join;
	char		 login[128];
};

enum stmt {
	STMT_ROW,
	STMT_REC,
	STMT_AREAS,
	STMT_FIELDS,
	STMT_WEEKDAYS,
	STMT_URLS,
	STMT_FILES,
	STMT_DEL_AREAS,
	STMT_DEL_FIELDS,
	STMT_DEL_WEEKDAYS,
	STMT_DEL_URLS,
	STMT_ADD_AREA,
	STMT_ADD_FIELD,
	STMT_ADD_WEEKDAY,
	STMT_ADD_URL,
	STMT_ADD_FILE,
	STMT_UPD_PUB,
	STMT_UPD_PROFILE_PUB,
	STMT_UPD_NOW,
	STMT_UPD_PROFILE_NOW,
	STMT_DETAIL_DONE,
	STMT_EDIT_DEL,
	STMT_EDIT_ADD,
	STMT_EDIT_SEAL,
	STMT_EDIT_PENDING,
	STMT_POSTINGS,
	STMT_POSTING_IDS,
	STMT_PAUSE,
	STMT_RESUME,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_ROW */
	"SELECT type, state, status, detail_done, wants_join, login_id "
	"FROM member WHERE id = ?1",
	/* STMT_REC: every column the forms show, sealed ones last */
	"SELECT group_class_id, company_category_id, org_name, org_kana, "
	"rep_name, rep_title, pref_id, muni_id, wants_recruit, wants_join, "
	"occupation, qualification, sales_point, members_count, founded_on, "
	"purpose, activities, volunteer_record, time_band_id, "
	"probono_field_id, probono_content, probono_prep, newsletter_opt, "
	"name_ct, kana_ct, tel_ct, zip_ct, address_ct, fax_ct, dept_ct, "
	"contact_name_ct, contact_title_ct, email_ct, gender, birth_ct "
	"FROM member WHERE id = ?1",
	/* STMT_AREAS */
	"SELECT muni_id FROM member_area WHERE member_id = ?1 ORDER BY muni_id",
	/* STMT_FIELDS */
	"SELECT field_id FROM member_field WHERE member_id = ?1 "
	"ORDER BY field_id",
	/* STMT_WEEKDAYS */
	"SELECT weekday_id FROM member_weekday WHERE member_id = ?1 "
	"ORDER BY weekday_id",
	/* STMT_URLS */
	"SELECT slot, url, coalesce(label, '') FROM member_url "
	"WHERE member_id = ?1 ORDER BY slot",
	/* STMT_FILES */
	"SELECT f.slot, u.orig_name FROM member_file f JOIN upload u "
	"ON u.id = f.upload_id WHERE f.member_id = ?1 ORDER BY f.slot",
	/* STMT_DEL_AREAS */
	"DELETE FROM member_area WHERE member_id = ?1",
	/* STMT_DEL_FIELDS */
	"DELETE FROM member_field WHERE member_id = ?1",
	/* STMT_DEL_WEEKDAYS */
	"DELETE FROM member_weekday WHERE member_id = ?1",
	/* STMT_DEL_URLS */
	"DELETE FROM member_url WHERE member_id = ?1",
	/* STMT_ADD_AREA */
	"INSERT OR IGNORE INTO member_area (member_id, muni_id) VALUES (?1, ?2)",
	/* STMT_ADD_FIELD */
	"INSERT OR IGNORE INTO member_field (member_id, field_id) "
	"VALUES (?1, ?2)",
	/* STMT_ADD_WEEKDAY */
	"INSERT OR IGNORE INTO member_weekday (member_id, weekday_id) "
	"VALUES (?1, ?2)",
	/* STMT_ADD_URL */
	"INSERT INTO member_url (member_id, slot, url, label) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_ADD_FILE */
	"INSERT OR REPLACE INTO member_file (member_id, slot, upload_id) "
	"VALUES (?1, ?2, ?3)",
	/* STMT_UPD_PUB: rows 23-29, 33, 39-41 */
	"UPDATE member SET occupation = ?2, qualification = ?3, "
	"sales_point = ?4, members_count = ?5, founded_on = ?6, purpose = ?7, "
	"activities = ?8, volunteer_record = ?9, probono_field_id = ?10, "
	"probono_content = ?11, probono_prep = ?12, updated_at = ?13 "
	"WHERE id = ?1",
	/* STMT_UPD_PROFILE_PUB: rows 5-11, 16 (an individual keeps #16) */
	"UPDATE member SET group_class_id = ?2, company_category_id = ?3, "
	"org_name = ?4, org_kana = ?5, rep_name = ?6, rep_title = ?7, "
	"pref_id = ?8, muni_id = ?9, "
	"wants_recruit = coalesce(?10, wants_recruit), "
	"wants_join = coalesce(?11, wants_join), updated_at = ?12 "
	"WHERE id = ?1",
	/* STMT_UPD_NOW: rows 19-21, 30-32, 37, 42 */
	"UPDATE member SET zip_ct = ?2, address_ct = ?3, fax_ct = ?4, "
	"dept_ct = ?5, contact_name_ct = ?6, contact_title_ct = ?7, "
	"time_band_id = ?8, newsletter_opt = ?9, updated_at = ?10 "
	"WHERE id = ?1",
	/* STMT_UPD_PROFILE_NOW: rows 3, 4, 12 (an organisation has no 3, 4) */
	"UPDATE member SET name_ct = coalesce(?2, name_ct), "
	"kana_ct = coalesce(?3, kana_ct), tel_ct = ?4, updated_at = ?5 "
	"WHERE id = ?1",
	/* STMT_DETAIL_DONE: 下書 -> 仮登録; once */
	"UPDATE member SET detail_done = 1, state = 'review', "
	"review_flag = NULL, updated_at = ?2 "
	"WHERE id = ?1 AND detail_done = 0 AND state = 'draft'",
	/* STMT_EDIT_DEL: a newer request replaces a pending one */
	"DELETE FROM member_edit WHERE member_id = ?1 AND state = 'review'",
	/* STMT_EDIT_ADD */
	"INSERT INTO member_edit (member_id, state, payload_ct, created_at) "
	"VALUES (?1, 'review', x'', ?2)",
	/* STMT_EDIT_SEAL */
	"UPDATE member_edit SET payload_ct = ?2 WHERE id = ?1",
	/* STMT_EDIT_PENDING */
	"SELECT count(*) FROM member_edit WHERE member_id = ?1 AND "
	"state IN ('review', 'held')",
	/* STMT_POSTINGS */
	"SELECT id, title, state, closed, coalesce(apply_until, ''), anytime "
	"FROM posting WHERE member_id = ?1 ORDER BY id DESC",
	/* STMT_POSTING_IDS */
	"SELECT id FROM posting WHERE member_id = ?1 ORDER BY id",
	/* STMT_PAUSE: 休止 takes effect at once */
	"UPDATE member SET status = 'paused', paused_at = ?2, updated_at = ?2 "
	"WHERE id = ?1 AND status = 'active'",
	/* STMT_RESUME: a request; staff re-publish */
	"UPDATE member SET status = 'active', paused_at = NULL, "
	"state = CASE state WHEN 'public' THEN 'review' ELSE state END, "
	"updated_at = ?2 WHERE id = ?1 AND status = 'paused'",
};

static const struct fopt role_opts[] = {
	{ "recruit", "ボランティアを募集する" },
	{ "join", "ボランティアに参加する" },
	{ NULL, NULL },
};

static const struct fopt news_opts[] = {
	{ "1", "メルマガ配信を希望する" },
	{ NULL, NULL },
};

static const struct marg *
marg(const struct form *fm)
{
	return fm->arg;
}

static int
is_ind(const struct form *fm)
{
	return marg(fm)->t == MT_INDIVIDUAL;
}

static int
is_grp(const struct form *fm)
{
	return marg(fm)->t == MT_GROUP;
}

static int
is_com(const struct form *fm)
{
	return marg(fm)->t == MT_COMPANY;
}

static int
is_org(const struct form *fm)
{
	return marg(fm)->t != MT_INDIVIDUAL;
}

static int
ed_all(const struct form *fm)
{
	return marg(fm)->mode == MODE_EDIT;
}

static int
ed_ind(const struct form *fm)
{
	return ed_all(fm) && is_ind(fm);
}

static int
ed_grp(const struct form *fm)
{
	return ed_all(fm) && is_grp(fm);
}

static int
ed_com(const struct form *fm)
{
	return ed_all(fm) && is_com(fm);
}

static int
ed_org(const struct form *fm)
{
	return ed_all(fm) && is_org(fm);
}

/* #17 files: on the 詳細登録 of a group (edits of files: not yet). */
static int
det_grp(const struct form *fm)
{
	return marg(fm)->mode == MODE_DETAIL && is_grp(fm);
}

/*
 * Rows 34-37: for 個 and 企 always, for 団 only when it joins
 * activities (#16, A-37); on the edit form the ticked box decides.
 */
static int
matching(const struct form *fm)
{
	if (!is_grp(fm))
		return 1;
	if (marg(fm)->mode == MODE_EDIT)
		return form_has(fm, KEY_R_ROLES, "join");
	return marg(fm)->join;
}

/* #22: an http(s) address without spaces. */
static void
check_url(struct form *fm, size_t i)
{
	const char	*v = form_val(fm, fm->fields[i].key);

	if (*v == '\0')
		return;
	if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
	    strpbrk(v, " \"<>\\^`{|}") != NULL || strlen(v) < 10)
		form_error(fm, i, "%sは「https://」または「http://」で始まる"
		    "アドレスを入力してください。", fm->fields[i].label);
}

/* #22: a description needs its URL (the field before it). */
static void
check_url_label(struct form *fm, size_t i)
{
	if (i > 0 && form_val(fm, fm->fields[i].key)[0] != '\0' &&
	    form_val(fm, fm->fields[i - 1].key)[0] == '\0')
		form_error(fm, i, "%sだけが入力されています。URLも入力して"
		    "ください。", fm->fields[i].label);
}

/* #26: a whole number, stored in its plain form (全角 digits folded). */
static void
check_count(struct form *fm, size_t i)
{
	struct fvalue	*fv = &fm->v[i];
	char		*n, out[32];
	long long	 x;

	if (fv->valsz == 0 || fv->vals[0][0] == '\0')
		return;
	if ((n = text_normalize(fv->vals[0])) == NULL ||
	    !util_strtoll(n, 0, MEMBERS_MAX, &x)) {
		free(n);
		form_error(fm, i, "%sは0以上の数字で入力してください"
		    "（例：25）。", fm->fields[i].label);
		return;
	}
	free(n);
	snprintf(out, sizeof(out), "%lld", x);
	free(fv->vals[0]);
	fv->vals[0] = xstrdup(out);
}

/* Today in Japan as YYYY-MM-DD into out[11]. */
static void
today_iso(long long now, char out[11])
{
	struct tm	 tm;
	time_t		 t = (time_t)(now + 9 * 3600);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "9999-12-31");
}

/* #27: a date that is not in the future. */
static void
check_past(struct form *fm, size_t i)
{
	char	 today[11];

	today_iso(fm->ctx->now, today);
	if (strcmp(form_val(fm, fm->fields[i].key), today) > 0)
		form_error(fm, i, "%sに未来の日付は入力できません。",
		    fm->fields[i].label);
}

#define URLHINT	"「https://」で始まるアドレス。例：https://example.jp/"

/*
 * One table for both screens: the 詳細登録 shows rows 19-42 (and the
 * group's #17 files), the edit form adds the step-1 rows a member may
 * change (login ID, password, e-mail, 性別, 生年月日 and 登録要件 are
 * changed elsewhere or not at all).
 */
static const struct ffield mfields[] = {
	{ KEY_R_NAME, "氏名", FK_TEXT, 1, ed_ind, NULL, 0, 50,
	  "例：山口 太郎", NULL, FO_NONE, NULL, "name" },
	{ KEY_R_KANA, "ふりがな", FK_TEXT, 1, ed_ind, reg_check_kana, 0, 100,
	  "ひらがなで入力してください。", NULL, FO_NONE, NULL, NULL },
	{ KEY_R_GCLASS, "団体の分類", FK_SELECT, 1, ed_grp, NULL, 0, 0, NULL,
	  NULL, FO_GROUP_CLASS, NULL, NULL },
	{ KEY_R_CCAT, "企業の分類", FK_SELECT, 1, ed_com, NULL, 0, 0, NULL,
	  NULL, FO_COMPANY_CAT, NULL, NULL },
	{ KEY_R_ORG, "団体名", FK_TEXT, 1, ed_grp, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORG, "企業名", FK_TEXT, 1, ed_com, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORGKANA, "団体名ふりがな", FK_TEXT, 1, ed_grp, reg_check_kana,
	  0, 200, "ひらがなで入力してください。", NULL, FO_NONE, NULL, NULL },
	{ KEY_R_ORGKANA, "企業名ふりがな", FK_TEXT, 1, ed_com, reg_check_kana,
	  0, 200, "ひらがなで入力してください。", NULL, FO_NONE, NULL, NULL },
	{ KEY_R_REP, "代表者名", FK_TEXT, 1, ed_org, NULL, 0, 50, NULL, NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_TITLE, "代表者の役職名", FK_TEXT, 1, ed_org, NULL, 0, 50,
	  "例：代表理事", NULL, FO_NONE, NULL, "organization-title" },
	{ KEY_R_PREF, "都道府県", FK_SELECT, 1, ed_all, NULL, 0, 0, NULL, NULL,
	  FO_PREF, NULL, NULL },
	{ KEY_R_MUNI, "市町", FK_SELECT, 1, ed_all, reg_check_muni, 0, 0,
	  "山口県以外の方は「山口県外」を選んでください。", NULL, FO_MUNI,
	  NULL, NULL },
	{ KEY_R_TEL, "電話番号", FK_TEL, 1, ed_all, NULL, 0, 20,
	  "市外局番から。例：083-922-0000", NULL, FO_NONE, NULL, "tel" },
	{ KEY_R_ROLES, "ボランティアの募集・参加", FK_CHECKS, 0, ed_grp, NULL,
	  0, 0, "「ボランティアに参加する」を選ぶと、活動可能地域などの"
	  "入力が必要になります。", NULL, FO_STATIC, role_opts, NULL },

	/* 詳細登録 (紙4 rows 19-42) */
	{ KEY_MB_ZIP, "郵便番号", FK_ZIP, 1, NULL, NULL, 0, 8,
	  "例：753-0072（公開されません）", NULL, FO_NONE, NULL,
	  "postal-code" },
	{ KEY_MB_ADDRESS, "住所", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "都道府県から。例：山口県山口市…（公開されません）", NULL, FO_NONE,
	  NULL, "address-line1" },
	{ KEY_MB_FAX, "FAX", FK_TEL, 0, NULL, NULL, 0, 20,
	  "例：083-922-0001（公開されません）", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_URL1, "URL（1）", FK_TEXT, 0, NULL, check_url, 0, 500,
	  URLHINT, NULL, FO_NONE, NULL, "url" },
	{ KEY_MB_URL1_LABEL, "URL（1）の説明", FK_TEXT, 0, NULL,
	  check_url_label, 0, 100, "例：ホームページ", NULL, FO_NONE, NULL,
	  NULL },
	{ KEY_MB_URL2, "URL（2）", FK_TEXT, 0, NULL, check_url, 0, 500,
	  URLHINT, NULL, FO_NONE, NULL, "url" },
	{ KEY_MB_URL2_LABEL, "URL（2）の説明", FK_TEXT, 0, NULL,
	  check_url_label, 0, 100, "例：ブログ", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_URL3, "URL（3）", FK_TEXT, 0, NULL, check_url, 0, 500,
	  URLHINT, NULL, FO_NONE, NULL, "url" },
	{ KEY_MB_URL3_LABEL, "URL（3）の説明", FK_TEXT, 0, NULL,
	  check_url_label, 0, 100, "例：SNS", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_OCCUPATION, "職業", FK_TEXT, 1, is_ind, NULL, 0, 100,
	  "例：会社員、学生", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_QUALIFICATION, "資格", FK_TEXT, 0, is_ind, NULL, 0, 200,
	  "例：普通自動車免許、介護福祉士", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_SALES, "セールスポイント", FK_TEXTAREA, 0, NULL, NULL, 0, 1000,
	  "1000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_MEMBERS, "会員数", FK_TEXT, 1, is_grp, check_count, 0, 10,
	  "数字で入力してください。例：25", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_MEMBERS, "社員数", FK_TEXT, 1, is_com, check_count, 0, 10,
	  "数字で入力してください。例：120", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_FOUNDED, "設立年月日", FK_DATE, 1, is_grp, check_past, 0, 10,
	  "例：2005-04-01", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_FOUNDED, "創立年月日", FK_DATE, 1, is_com, check_past, 0, 10,
	  "例：1990-10-01", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_PURPOSE, "設立目的", FK_TEXTAREA, 1, is_org, NULL, 0, 2000,
	  "2000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_ACTIVITIES, "主な活動内容", FK_TEXTAREA, 1, is_grp, NULL, 0,
	  4000, "4000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_ACTIVITIES, "事業概要", FK_TEXTAREA, 1, is_com, NULL, 0,
	  4000, "4000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_DEPT, "担当部署名", FK_TEXT, 0, is_org, NULL, 0, 100,
	  "公開されません。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_CONTACT, "担当者名", FK_TEXT, 1, is_org, NULL, 0, 50,
	  "公開されません。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_CTITLE, "担当者の役職名", FK_TEXT, 0, is_org, NULL, 0, 50,
	  "公開されません。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_VREC, "ボランティア実績", FK_TEXTAREA, 0, is_com, NULL, 0,
	  2000, "2000文字以内。", NULL, FO_NONE, NULL, NULL },
	/* ボランティアに参加する場合の希望詳細 (#34-37) */
	{ KEY_MB_AREAS, "活動可能地域", FK_CHECKS, 1, matching, NULL, 0, 0,
	  "活動できる市町すべてにチェックを入れてください。", NULL,
	  FO_MUNI_IN, NULL, NULL },
	{ KEY_MB_FIELDS, "活動希望分野", FK_CHECKS, 1, matching, NULL, 0, 0,
	  "希望する分野すべてにチェックを入れてください。", NULL, FO_FIELD_AK,
	  NULL, NULL },
	{ KEY_MB_WEEKDAYS, "活動可能曜日", FK_CHECKS, 1, matching, NULL, 0, 0,
	  "活動できる曜日すべてにチェックを入れてください。", NULL, FO_WEEKDAY,
	  NULL, NULL },
	{ KEY_MB_TIMEBAND, "活動可能時間帯", FK_SELECT, 1, matching, NULL, 0,
	  0, NULL, NULL, FO_TIME_BAND, NULL, NULL },
	/* 一芸ボランティア・プロボノ詳細 (#38-41, 個) */
	{ KEY_MB_PB_FIELD, "一芸・プロボノの分野", FK_SELECT, 0, is_ind, NULL,
	  0, 0, "趣味・特技・専門性を活かしたボランティアをする場合に"
	  "選んでください（任意）。", NULL, FO_PROBONO, NULL, NULL },
	{ KEY_MB_PB_CONTENT, "一芸・プロボノの内容や対象", FK_TEXTAREA, 0,
	  is_ind, NULL, 0, 1000, "1000文字以内。", NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_PB_PREP, "一芸・プロボノの準備するもの・経費", FK_TEXTAREA, 0,
	  is_ind, NULL, 0, 1000, "1000文字以内。", NULL, FO_NONE, NULL, NULL },
	/* #17 参考ファイル (団) */
	{ KEY_MB_FILE1, "団体の定款又は規約ファイル", FK_FILE, 0, det_grp,
	  NULL, 0, (long long)REQ_FILE_MAX, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_FILE2, "活動内容が分かる資料ファイル", FK_FILE, 0, det_grp,
	  NULL, 0, (long long)REQ_FILE_MAX, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_MB_FILE3, "その他参考ファイル", FK_FILE, 0, det_grp, NULL, 0,
	  (long long)REQ_FILE_MAX, NULL, NULL, FO_NONE, NULL, NULL },
	/* #42 (非公開) */
	{ KEY_MB_NEWS, "メールマガジン", FK_CHECKS, 0, NULL, NULL, 0, 0,
	  "希望する場合はチェックを入れてください（任意）。", NULL, FO_STATIC,
	  news_opts, NULL },
};

/* How a change of field key k is applied. */
static int
key_class(enum key k)
{
	switch (k) {
	case KEY_R_NAME:
	case KEY_R_KANA:
	case KEY_R_TEL:
	case KEY_MB_ZIP:
	case KEY_MB_ADDRESS:
	case KEY_MB_FAX:
	case KEY_MB_DEPT:
	case KEY_MB_CONTACT:
	case KEY_MB_CTITLE:
	case KEY_MB_NEWS:
		return MC_NOW;
	case KEY_MB_AREAS:
	case KEY_MB_FIELDS:
	case KEY_MB_WEEKDAYS:
	case KEY_MB_TIMEBAND:
		return MC_NOWPUB;
	case KEY_MB_FILE1:
	case KEY_MB_FILE2:
	case KEY_MB_FILE3:
		return 0;	/* linked at the submit, never compared */
	default:
		return MC_REVIEW;
	}
}

/* ---- the member as text: the record, payloads, display ---- */

/* Append "&name=value" (value percent-encoded) unless value is empty. */
static void
enc_put(struct buf *b, enum key k, const char *value)
{
	if (value != NULL && *value != '\0')
		form_pair(b, keys[k].name, value);
}

/* Append key k with the text of column col of st when k's class is in mask. */
static void
enc_col(struct buf *b, int mask, enum key k, sqlite3_stmt *st, int col)
{
	if ((key_class(k) & mask) && sqlite3_column_type(st, col) != SQLITE_NULL)
		enc_put(b, k, db_col_text(st, col));
}

/* Append every value of a one-column id list query for member id. */
static int
enc_list(struct ctx *ctx, struct buf *b, int mask, enum key k, enum stmt s,
    int64_t id)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!(key_class(k) & mask))
		return 1;
	if ((st = db_prep(ctx->db, sql[s])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0)
		enc_put(b, k, db_col_text(st, 0));
	return r == 0;
}

/* Append the opened sealed column col (table member) as key k. */
static int
enc_sealed(struct ctx *ctx, struct buf *b, int mask, enum key k,
    sqlite3_stmt *st, int col, const char *column, int64_t id)
{
	struct buf	 pt;
	int		 rc;

	if (!(key_class(k) & mask))
		return 1;
	buf_init(&pt, 64 * 1024);
	rc = flow_col_open(ctx, st, col, "member", column, id, &pt);
	if (rc)
		enc_put(b, k, buf_str(&pt));
	else
		kerr("member %lld: %s does not open", (long long)id, column);
	sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	return rc;
}

/*
 * The stored member id as the urlencoded body of the edit form (the
 * fields whose class is in mask), into b (appended): what the edit form
 * opens with, what my page and the staff screens show, and the base an
 * edit request's payload is laid over.  1 ok, 0 error.
 */
static int
record_enc(struct ctx *ctx, int64_t id, int mask, struct buf *b)
{
	static const enum key urlk[3][2] = {
		{ KEY_MB_URL1, KEY_MB_URL1_LABEL },
		{ KEY_MB_URL2, KEY_MB_URL2_LABEL },
		{ KEY_MB_URL3, KEY_MB_URL3_LABEL } };
	static const struct { enum key k; const char *col; } sealed[] = {
		{ KEY_R_NAME, "name_ct" }, { KEY_R_KANA, "kana_ct" },
		{ KEY_R_TEL, "tel_ct" }, { KEY_MB_ZIP, "zip_ct" },
		{ KEY_MB_ADDRESS, "address_ct" }, { KEY_MB_FAX, "fax_ct" },
		{ KEY_MB_DEPT, "dept_ct" }, { KEY_MB_CONTACT, "contact_name_ct" },
		{ KEY_MB_CTITLE, "contact_title_ct" } };
	sqlite3_stmt	*st;
	long long	 slot;
	size_t		 i;
	int		 r, rc = 0;

	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_REC])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return 0;
	enc_col(b, mask, KEY_R_GCLASS, st, 0);
	enc_col(b, mask, KEY_R_CCAT, st, 1);
	enc_col(b, mask, KEY_R_ORG, st, 2);
	enc_col(b, mask, KEY_R_ORGKANA, st, 3);
	enc_col(b, mask, KEY_R_REP, st, 4);
	enc_col(b, mask, KEY_R_TITLE, st, 5);
	enc_col(b, mask, KEY_R_PREF, st, 6);
	enc_col(b, mask, KEY_R_MUNI, st, 7);
	if (key_class(KEY_R_ROLES) & mask) {
		if (sqlite3_column_int(st, 8))
			enc_put(b, KEY_R_ROLES, "recruit");
		if (sqlite3_column_int(st, 9))
			enc_put(b, KEY_R_ROLES, "join");
	}
	enc_col(b, mask, KEY_MB_OCCUPATION, st, 10);
	enc_col(b, mask, KEY_MB_QUALIFICATION, st, 11);
	enc_col(b, mask, KEY_MB_SALES, st, 12);
	enc_col(b, mask, KEY_MB_MEMBERS, st, 13);
	enc_col(b, mask, KEY_MB_FOUNDED, st, 14);
	enc_col(b, mask, KEY_MB_PURPOSE, st, 15);
	enc_col(b, mask, KEY_MB_ACTIVITIES, st, 16);
	enc_col(b, mask, KEY_MB_VREC, st, 17);
	enc_col(b, mask, KEY_MB_TIMEBAND, st, 18);
	enc_col(b, mask, KEY_MB_PB_FIELD, st, 19);
	enc_col(b, mask, KEY_MB_PB_CONTENT, st, 20);
	enc_col(b, mask, KEY_MB_PB_PREP, st, 21);
	if ((key_class(KEY_MB_NEWS) & mask) && sqlite3_column_int(st, 22))
		enc_put(b, KEY_MB_NEWS, "1");
	for (i = 0; i < KENMIN_NELEM(sealed); i++)
		if (!enc_sealed(ctx, b, mask, sealed[i].k, st, 23 + (int)i,
		    sealed[i].col, id)) {
			sqlite3_reset(st);
			return 0;
		}
	sqlite3_reset(st);

	if (!enc_list(ctx, b, mask, KEY_MB_AREAS, STMT_AREAS, id) ||
	    !enc_list(ctx, b, mask, KEY_MB_FIELDS, STMT_FIELDS, id) ||
	    !enc_list(ctx, b, mask, KEY_MB_WEEKDAYS, STMT_WEEKDAYS, id))
		return 0;
	if (key_class(KEY_MB_URL1) & mask) {
		if ((st = db_prep(ctx->db, sql[STMT_URLS])) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		while ((r = db_row(ctx->db, st)) > 0) {
			slot = sqlite3_column_int64(st, 0);
			if (slot < 1 || slot > 3)
				continue;
			enc_put(b, urlk[slot - 1][0], db_col_text(st, 1));
			enc_put(b, urlk[slot - 1][1], db_col_text(st, 2));
		}
		if (r < 0)
			return 0;
	}
	rc = buf_ok(b);
	return rc;
}

/*
 * Append every shown field of fm whose class is in mask, urlencoded;
 * ticked boxes in the order of their options, so two forms with the
 * same choices give the same text.
 */
static void
form_enc(const struct form *fm, int mask, struct buf *b)
{
	const struct ffield	*fd;
	size_t			 i, j;

	for (i = 0; i < fm->fieldsz; i++) {
		fd = &fm->fields[i];
		if (!form_shown(fm, i) || !(key_class(fd->key) & mask))
			continue;
		if (fd->kind == FK_CHECKS) {
			for (j = 0; j < fm->v[i].optsz; j++)
				if (form_has(fm, fd->key,
				    fm->v[i].opts[j].value))
					enc_put(b, fd->key,
					    fm->v[i].opts[j].value);
			continue;
		}
		for (j = 0; j < fm->v[i].valsz; j++)
			enc_put(b, fd->key, fm->v[i].vals[j]);
	}
}

/* Push {label, value} onto rows. */
static void
row_push(struct tval *rows, const char *label, const char *value)
{
	struct tval	*o = tv_push_obj(rows);

	tv_set_str(o, "label", label);
	tv_set_str(o, "value", value != NULL && *value != '\0' ? value :
	    "（未入力）");
}

/* ---- rows of the member table ---- */

/* Load the facts of member id into r: 1 found, 0 not, -1 error. */
static int
load_row(struct ctx *ctx, int64_t id, struct mrow *r)
{
	sqlite3_stmt	*st;
	const char	*t;
	int		 n, i;

	memset(r, 0, sizeof(*r));
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_ROW])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((n = db_row(ctx->db, st)) <= 0)
		return n;
	r->id = id;
	t = db_col_text(st, 0);
	r->t = MT_INDIVIDUAL;
	for (i = 0; i < MT__MAX; i++)
		if (strcmp(t, mtype_names[i]) == 0)
			r->t = (enum mtype)i;
	snprintf(r->state, sizeof(r->state), "%s", db_col_text(st, 1));
	snprintf(r->status, sizeof(r->status), "%s", db_col_text(st, 2));
	r->detail_done = sqlite3_column_int(st, 3);
	r->join = sqlite3_column_int(st, 4);
	snprintf(r->login, sizeof(r->login), "%s", db_col_text(st, 5));
	sqlite3_reset(st);
	return 1;
}

/* The member's e-mail address and name (or organisation) for mails. */
static int
load_contact(struct ctx *ctx, int64_t id, enum mtype t, struct buf *email,
    struct buf *who)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(ctx->db, sql[STMT_REC])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if (db_row(ctx->db, st) <= 0)
		return 0;
	rc = flow_col_open(ctx, st, 32, "member", "email_ct", id, email);
	if (rc && t == MT_INDIVIDUAL)
		rc = flow_col_open(ctx, st, 23, "member", "name_ct", id, who);
	else if (rc) {
		buf_reset(who);
		buf_puts(who, db_col_text(st, 2));
	}
	sqlite3_reset(st);
	if (!rc)
		kerr("member %lld: sealed contact does not open", (long long)id);
	return rc;
}

/*
 * Queue the mail to the member (if an address is stored) and, when
 * ctitle is set, the one to the center; member's text is the body
 * between the salutation and the signature.  1 ok.
 */
static int
mail_both(struct ctx *ctx, const struct mrow *r, const char *tmpl,
    const char *subject, const char *text, const char *ctmpl,
    const char *csubject, const char *ctext)
{
	struct buf	 email, who, body;
	int		 rc = 0;

	buf_init(&email, 4096);
	buf_init(&who, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	if (!load_contact(ctx, r->id, r->t, &email, &who))
		goto out;
	if (email.len > 0) {
		buf_printf(&body, "%s 様\n\n%s\n", who.len > 0 ?
		    buf_str(&who) : r->login, text);
		buf_puts(&body, "\nマイページ：");
		flow_abs_url(ctx, &body, "/mypage");
		buf_printf(&body, "\nログインID：%s\n"
		    "（パスワードはこのメールには記載していません。）\n"
		    "\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n",
		    r->login);
		if (!buf_ok(&body) || !flow_mail(ctx, tmpl, buf_str(&email),
		    subject, buf_str(&body)))
			goto out;
	}
	if (ctmpl != NULL) {
		buf_reset(&body);
		buf_printf(&body, "%s\n\n会員番号：%lld\n種類：%s\n"
		    "ログインID：%s\n\n管理画面で内容を確認してください。\n",
		    ctext, (long long)r->id, mtype_labels[r->t], r->login);
		flow_abs_url(ctx, &body, "/admin/");
		buf_putc(&body, '\n');
		if (!buf_ok(&body) || !flow_mail_center(ctx, "aikasa", ctmpl,
		    csubject, buf_str(&body)))
			goto out;
	}
	rc = 1;
out:
	if (email.p != NULL)
		sodium_memzero(email.p, email.len);
	buf_free(&email);
	buf_free(&who);
	buf_free(&body);
	return rc;
}

/* Replace the id list of member id (del, then add for each value). */
static int
store_list(struct ctx *ctx, int64_t id, const struct form *fm, enum key k,
    enum stmt del, enum stmt add)
{
	sqlite3_stmt	*st;
	size_t		 i, j;

	if ((st = db_prep(ctx->db, sql[del])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		return 0;
	if ((i = form_find(fm, k)) == fm->fieldsz)
		return 1;
	for (j = 0; j < fm->v[i].valsz; j++) {
		if ((st = db_prep(ctx->db, sql[add])) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		flow_bind_id(st, 2, fm->v[i].vals[j]);
		if (!db_run(ctx->db, st))
			return 0;
	}
	return 1;
}

/* Bind a text value, NULL for "". */
static void
bind_val(sqlite3_stmt *st, int n, const char *v)
{
	db_bind_text(st, n, v != NULL && *v != '\0' ? v : NULL);
}

/* The published columns (rows 5-11, 16, 22-29, 33, 39-41). */
static int
store_review(struct ctx *ctx, int64_t id, const struct form *fm,
    enum mmode mode)
{
	static const enum key urlk[6] = { KEY_MB_URL1, KEY_MB_URL1_LABEL,
	    KEY_MB_URL2, KEY_MB_URL2_LABEL, KEY_MB_URL3, KEY_MB_URL3_LABEL };
	sqlite3_stmt	*st;
	const char	*v;
	long long	 n;
	int		 slot;

	if ((st = db_prep(ctx->db, sql[STMT_UPD_PUB])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	bind_val(st, 2, form_val(fm, KEY_MB_OCCUPATION));
	bind_val(st, 3, form_val(fm, KEY_MB_QUALIFICATION));
	bind_val(st, 4, form_val(fm, KEY_MB_SALES));
	v = form_val(fm, KEY_MB_MEMBERS);
	if (*v != '\0' && util_strtoll(v, 0, MEMBERS_MAX, &n))
		db_bind_int(st, 5, n);
	else
		db_bind_text(st, 5, NULL);
	bind_val(st, 6, form_val(fm, KEY_MB_FOUNDED));
	bind_val(st, 7, form_val(fm, KEY_MB_PURPOSE));
	bind_val(st, 8, form_val(fm, KEY_MB_ACTIVITIES));
	bind_val(st, 9, form_val(fm, KEY_MB_VREC));
	flow_bind_id(st, 10, form_find(fm, KEY_MB_PB_FIELD) < fm->fieldsz ?
	    form_val(fm, KEY_MB_PB_FIELD) : NULL);
	bind_val(st, 11, form_val(fm, KEY_MB_PB_CONTENT));
	bind_val(st, 12, form_val(fm, KEY_MB_PB_PREP));
	db_bind_int(st, 13, ctx->now);
	if (!db_run(ctx->db, st))
		return 0;

	if ((st = db_prep(ctx->db, sql[STMT_DEL_URLS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		return 0;
	for (slot = 0; slot < 3; slot++) {
		if (*(v = form_val(fm, urlk[slot * 2])) == '\0')
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_ADD_URL])) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, slot + 1);
		db_bind_text(st, 3, v);
		bind_val(st, 4, form_val(fm, urlk[slot * 2 + 1]));
		if (!db_run(ctx->db, st))
			return 0;
	}
	if (mode != MODE_EDIT)
		return 1;

	if ((st = db_prep(ctx->db, sql[STMT_UPD_PROFILE_PUB])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	flow_bind_id(st, 2, form_find(fm, KEY_R_GCLASS) < fm->fieldsz ?
	    form_val(fm, KEY_R_GCLASS) : NULL);
	flow_bind_id(st, 3, form_find(fm, KEY_R_CCAT) < fm->fieldsz ?
	    form_val(fm, KEY_R_CCAT) : NULL);
	bind_val(st, 4, form_val(fm, KEY_R_ORG));
	bind_val(st, 5, form_val(fm, KEY_R_ORGKANA));
	bind_val(st, 6, form_val(fm, KEY_R_REP));
	bind_val(st, 7, form_val(fm, KEY_R_TITLE));
	flow_bind_id(st, 8, form_val(fm, KEY_R_PREF));
	flow_bind_id(st, 9, form_val(fm, KEY_R_MUNI));
	if (form_find(fm, KEY_R_ROLES) < fm->fieldsz) {
		db_bind_int(st, 10, form_has(fm, KEY_R_ROLES, "recruit"));
		db_bind_int(st, 11, form_has(fm, KEY_R_ROLES, "join"));
	} else {
		db_bind_text(st, 10, NULL);
		db_bind_text(st, 11, NULL);
	}
	db_bind_int(st, 12, ctx->now);
	return db_run(ctx->db, st);
}

/* The columns that change at once (rows 3-4, 12, 19-21, 30-32, 34-37, 42). */
static int
store_now(struct ctx *ctx, int64_t id, const struct form *fm, enum mmode mode)
{
	struct buf	 t[6];
	sqlite3_stmt	*st;
	int		 i, rc = 0;

	for (i = 0; i < 6; i++)
		buf_init(&t[i], 64 * 1024);
	if ((st = db_prep(ctx->db, sql[STMT_UPD_NOW])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!flow_bind_sealed(ctx, st, 2, "member", "zip_ct", id,
	    form_val(fm, KEY_MB_ZIP), &t[0]) ||
	    !flow_bind_sealed(ctx, st, 3, "member", "address_ct", id,
	    form_val(fm, KEY_MB_ADDRESS), &t[1]) ||
	    !flow_bind_sealed(ctx, st, 4, "member", "fax_ct", id,
	    form_val(fm, KEY_MB_FAX), &t[2]) ||
	    !flow_bind_sealed(ctx, st, 5, "member", "dept_ct", id,
	    form_val(fm, KEY_MB_DEPT), &t[3]) ||
	    !flow_bind_sealed(ctx, st, 6, "member", "contact_name_ct", id,
	    form_val(fm, KEY_MB_CONTACT), &t[4]) ||
	    !flow_bind_sealed(ctx, st, 7, "member", "contact_title_ct", id,
	    form_val(fm, KEY_MB_CTITLE), &t[5])) {
		sqlite3_reset(st);
		goto out;
	}
	flow_bind_id(st, 8, form_find(fm, KEY_MB_TIMEBAND) < fm->fieldsz ?
	    form_val(fm, KEY_MB_TIMEBAND) : NULL);
	db_bind_int(st, 9, form_has(fm, KEY_MB_NEWS, "1"));
	db_bind_int(st, 10, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (!store_list(ctx, id, fm, KEY_MB_AREAS, STMT_DEL_AREAS,
	    STMT_ADD_AREA) || !store_list(ctx, id, fm, KEY_MB_FIELDS,
	    STMT_DEL_FIELDS, STMT_ADD_FIELD) || !store_list(ctx, id, fm,
	    KEY_MB_WEEKDAYS, STMT_DEL_WEEKDAYS, STMT_ADD_WEEKDAY))
		goto out;
	if (mode == MODE_EDIT) {
		if ((st = db_prep(ctx->db, sql[STMT_UPD_PROFILE_NOW])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		if (!flow_bind_sealed(ctx, st, 2, "member", "name_ct", id,
		    form_val(fm, KEY_R_NAME), &t[0]) ||
		    !flow_bind_sealed(ctx, st, 3, "member", "kana_ct", id,
		    form_val(fm, KEY_R_KANA), &t[1]) ||
		    !flow_bind_sealed(ctx, st, 4, "member", "tel_ct", id,
		    form_val(fm, KEY_R_TEL), &t[2])) {
			sqlite3_reset(st);
			goto out;
		}
		db_bind_int(st, 5, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
	}
	rc = 1;
out:
	for (i = 0; i < 6; i++) {
		if (t[i].p != NULL)
			sodium_memzero(t[i].p, t[i].len);
		buf_free(&t[i]);
	}
	return rc;
}

/* Queue the member and each of its postings for the next publish. */
static int
publish_member(struct ctx *ctx, int64_t id, const char *reason)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL;
	size_t		 n = 0, i;
	int		 r, rc = 0;

	if (!flow_publish(ctx, "member", id, reason))
		return 0;
	if ((st = db_prep(ctx->db, sql[STMT_POSTING_IDS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (r < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (!flow_publish(ctx, "posting", ids[i], reason))
			goto out;
	rc = 1;
out:
	free(ids);
	return rc;
}

/*
 * Every row staff (and the member on my page) read about member id:
 * number, type, login ID, the sealed e-mail and birth date, 性別, then
 * every field of the edit form and the #17 files.  1 ok, 0 error.
 */
static int
detail_rows(struct ctx *ctx, int64_t id, struct tval *rows)
{
	struct mrow	 r;
	struct marg	 a;
	struct form	 fm;
	struct buf	 rec, b;
	sqlite3_stmt	*st;
	const char	*g;
	size_t		 i;
	int		 n, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&rec, REC_MAX);
	buf_init(&b, 64 * 1024);
	if ((n = load_row(ctx, id, &r)) <= 0)
		goto out;
	buf_printf(&b, "%lld", (long long)id);
	row_push(rows, "会員番号", buf_str(&b));
	row_push(rows, "会員の種類", mtype_labels[r.t]);
	row_push(rows, "ログインID", r.login);
	if ((st = db_prep(ctx->db, sql[STMT_REC])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (db_row(ctx->db, st) <= 0)
		goto out;
	if (!flow_col_open(ctx, st, 32, "member", "email_ct", id, &b)) {
		sqlite3_reset(st);
		goto out;
	}
	row_push(rows, "Eメール", buf_str(&b));
	if (r.t == MT_INDIVIDUAL) {
		g = db_col_text(st, 33);
		row_push(rows, "性別", strcmp(g, "male") == 0 ? "男性" :
		    strcmp(g, "female") == 0 ? "女性" :
		    strcmp(g, "unanswered") == 0 ? "回答しない" : "");
		if (!flow_col_open(ctx, st, 34, "member", "birth_ct", id, &b)) {
			sqlite3_reset(st);
			goto out;
		}
		row_push(rows, "生年月日", buf_str(&b));
	}
	sqlite3_reset(st);

	a.t = r.t;
	a.mode = MODE_EDIT;
	a.join = r.join;
	if (!form_init(&fm, ctx, mfields, KENMIN_NELEM(mfields), &a) ||
	    !record_enc(ctx, id, MC_ALL, &rec) ||
	    !form_from_payload(&fm, buf_str(&rec)))
		goto out;
	for (i = 0; i < fm.fieldsz; i++) {
		if (!form_shown(&fm, i))
			continue;
		form_review_row(&fm, NULL, i, rows);
	}
	if (r.t == MT_GROUP) {
		buf_reset(&b);
		if ((st = db_prep(ctx->db, sql[STMT_FILES])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		while ((n = db_row(ctx->db, st)) > 0) {
			if (b.len > 0)
				buf_puts(&b, "、");
			buf_puts(&b, db_col_text(st, 1));
		}
		if (n < 0)
			goto out;
		row_push(rows, "参考ファイル", buf_str(&b));
	}
	rc = 1;
out:
	form_free(&fm);
	if (rec.p != NULL)
		sodium_memzero(rec.p, rec.len);
	if (b.p != NULL)
		sodium_memzero(b.p, b.len);
	buf_free(&rec);
	buf_free(&b);
	return rc;
}

/* ---- hooks for the staff review screens (review.c) ---- */

/*
 * The form of member id in edit mode, loaded from the stored record
 * with payload (an edit request's published fields) laid over the
 * fields that change at once.  fm is set up here; free it in any case.
 */
static int
payload_form(struct ctx *ctx, int64_t id, const char *payload,
    struct form *fm, struct marg *a)
{
	struct mrow	 r;
	struct buf	 rec;
	int		 rc = 0;

	memset(fm, 0, sizeof(*fm));
	buf_init(&rec, REC_MAX);
	if (load_row(ctx, id, &r) <= 0)
		goto out;
	a->t = r.t;
	a->mode = MODE_EDIT;
	a->join = r.join;
	if (!form_init(fm, ctx, mfields, KENMIN_NELEM(mfields), a) ||
	    !record_enc(ctx, id, payload != NULL ? MC_NOW | MC_NOWPUB :
	    MC_ALL, &rec))
		goto out;
	if (payload != NULL && *payload != '\0') {
		if (rec.len > 0)
			buf_putc(&rec, '&');
		buf_puts(&rec, payload);
	}
	rc = buf_ok(&rec) && form_from_payload(fm, buf_str(&rec));
out:
	if (rec.p != NULL)
		sodium_memzero(rec.p, rec.len);
	buf_free(&rec);
	return rc;
}

/*
 * Label/value rows of member id for the staff screen, or with payload
 * the published fields before and after the edit request.  Appends to
 * rows (owned by ta).  1 ok, 0 error.
 */
int
member_review_rows(struct ctx *ctx, int64_t id, const char *payload,
    struct tarena *ta, struct tval *rows)
{
	struct form	 before, after;
	struct marg	 ab, aa;
	size_t		 i;
	int		 rc = 0;

	(void)ta;
	if (payload == NULL)
		return detail_rows(ctx, id, rows);
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	if (!payload_form(ctx, id, NULL, &before, &ab) ||
	    !payload_form(ctx, id, payload, &after, &aa))
		goto out;
	for (i = 0; i < after.fieldsz; i++)
		if (key_class(after.fields[i].key) == MC_REVIEW &&
		    (form_shown(&before, i) || form_shown(&after, i)))
			form_review_row(&before, &after, i, rows);
	rc = 1;
out:
	form_free(&before);
	form_free(&after);
	return rc;
}

/*
 * Apply an approved edit request's payload to member id in the
 * caller's transaction: the same rules and the same store as the edit
 * form.  1 ok, 0 error (an invalid payload is refused).
 */
int
member_edit_apply(struct ctx *ctx, int64_t id, const char *payload)
{
	struct form	 fm;
	struct marg	 a;
	size_t		 i;
	int		 rc = 0;

	if (payload == NULL)
		return 0;
	if (!payload_form(ctx, id, payload, &fm, &a))
		goto out;
	if (!form_validate(&fm)) {
		for (i = 0; i < fm.fieldsz; i++)
			if (fm.v[i].err != NULL)
				kerr("member %lld: edit request: %s: %s",
				    (long long)id, fm.fields[i].label,
				    fm.v[i].err);
		goto out;
	}
	rc = store_review(ctx, id, &fm, MODE_EDIT);
out:
	form_free(&fm);
	return rc;
}

/* ---- the screens ---- */

/* A page with a heading, a message and a link back to my page. */
static int
show_info(struct ctx *ctx, const char *heading, const char *message,
    const char *link, const char *link_label)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", heading);
	tv_set_str(v, "message", message);
	form_url(ctx, v, "link", link != NULL ? link : "/mypage");
	tv_set_str(v, "link_label", link_label != NULL ? link_label :
	    "マイページへ戻る");
	return flow_show(ctx, ta, v, "member_done", heading, 0);
}

static const char *const mode_titles[MODE__MAX] = {
	"詳細登録", "登録情報の修正" };
static const char *const mode_paths[MODE__MAX] = {
	"/mypage/detail", "/mypage/edit" };

/* The heading "あいかさねっと 詳細登録（団体）" etc. into b. */
static void
heading(struct buf *b, enum mmode mode, enum mtype t, const char *suffix)
{
	buf_reset(b);
	buf_printf(b, "あいかさねっと %s（%s）%s", mode_titles[mode],
	    mtype_labels[t], suffix);
}

static int
show_form(struct ctx *ctx, struct form *fm, const struct mrow *r,
    enum mmode mode, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	int		 rc;

	buf_init(&b, 1024);
	heading(&b, mode, r->t, "");
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_bool(v, "detail", mode == MODE_DETAIL);
	tv_set_bool(v, "edit", mode == MODE_EDIT);
	tv_set_bool(v, "public", strcmp(r->state, "public") == 0);
	tv_set_bool(v, "multipart", mode == MODE_DETAIL && r->t == MT_GROUP);
	tv_set_bool(v, "recruit_only", mode == MODE_DETAIL &&
	    r->t == MT_GROUP && !r->join);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", mode_paths[mode]);
	form_url(ctx, v, "mypage_url", "/mypage");
	heading(&b, mode, r->t, "：入力");
	rc = flow_show(ctx, ta, v, "member_form", buf_str(&b),
	    errors && fm->nerr > 0);
	buf_free(&b);
	return rc;
}

static int
show_confirm(struct ctx *ctx, struct form *fm, const struct mrow *r,
    enum mmode mode)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	char		 idem[SESS_HEX + 1];
	int		 rc;

	buf_init(&b, 1024);
	crypto_token_hex(idem, SESS_HEX / 2);
	heading(&b, mode, r->t, "");
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_str(v, "idem", idem);
	tv_set_bool(v, "review_note", mode == MODE_EDIT &&
	    strcmp(r->state, "public") == 0);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	form_url(ctx, v, "action", mode_paths[mode]);
	heading(&b, mode, r->t, "：入力内容の確認");
	rc = flow_show(ctx, ta, v, "member_confirm", buf_str(&b), 0);
	buf_free(&b);
	return rc;
}

/* Link the group's #17 files (form_upload_id) into member_file. */
static int
store_files(struct ctx *ctx, int64_t id, const struct form *fm)
{
	static const enum key fk[3] = { KEY_MB_FILE1, KEY_MB_FILE2,
	    KEY_MB_FILE3 };
	sqlite3_stmt	*st;
	int64_t		 up;
	int		 i;

	for (i = 0; i < 3; i++) {
		if (form_find(fm, fk[i]) == fm->fieldsz ||
		    (up = form_upload_id(fm, fk[i])) <= 0)
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_ADD_FILE])) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, i + 1);
		db_bind_int(st, 3, up);
		if (!db_run(ctx->db, st))
			return 0;
	}
	return 1;
}

/*
 * The 詳細登録 submit, in the caller's transaction: once only (draft,
 * detail_done = 0), then 仮登録 (state 'review', A-46), the columns,
 * the files, the mails and the audit row.  1 ok, 0 already done, -1
 * error.
 */
static int
submit_detail(struct ctx *ctx, struct form *fm, const struct mrow *r)
{
	sqlite3_stmt	*st;
	struct buf	 d;
	int		 rc = -1;

	buf_init(&d, AUDIT_DETAIL_MAX);
	if ((st = db_prep(ctx->db, sql[STMT_DETAIL_DONE])) == NULL)
		goto out;
	db_bind_int(st, 1, r->id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = 0;
		goto out;
	}
	if (!store_review(ctx, r->id, fm, MODE_DETAIL) ||
	    !store_now(ctx, r->id, fm, MODE_DETAIL) ||
	    !store_files(ctx, r->id, fm))
		goto out;
	if (!mail_both(ctx, r, "aikasa_detail_done",
	    "【あいかさねっと】詳細登録を受け付けました",
	    "あいかさねっとの詳細登録を受け付けました。\n"
	    "センターが内容を確認したうえで公開します。公開されましたら、"
	    "あらためてメールでお知らせします。",
	    "aikasa_center_detail", "【あいかさねっと】詳細登録あり",
	    "あいかさねっとの会員が詳細登録を完了しました（仮登録・審査待ち）。"))
		goto out;
	buf_printf(&d, "type=%s join=%d", mtype_names[r->t],
	    r->t != MT_GROUP || r->join);
	if (!buf_ok(&d) || !flow_audit(ctx, "member_detail", "member", r->id,
	    buf_str(&d)))
		goto out;
	rc = 1;
out:
	buf_free(&d);
	return rc;
}

/*
 * The edit submit, in the caller's transaction.  Before its
 * first approval everything applies at once; after it, the fields
 * that change at once are stored and a changed published field makes
 * one 修正依頼 (member_edit, payload sealed) that replaces a pending
 * one.  *review and *pub tell the caller what happened.  1 ok, 0 error.
 */
static int
submit_edit(struct ctx *ctx, struct form *fm, const struct mrow *r,
    int *review, int *pub)
{
	struct form	 old;
	struct marg	 a;
	struct buf	 n1, o1, n2, o2, ct, d;
	sqlite3_stmt	*st;
	int64_t		 eid;
	int		 rc = 0;

	*review = *pub = 0;
	memset(&old, 0, sizeof(old));
	buf_init(&n1, REC_MAX);
	buf_init(&o1, REC_MAX);
	buf_init(&n2, REC_MAX);
	buf_init(&o2, REC_MAX);
	buf_init(&ct, REC_MAX + 1024);
	buf_init(&d, AUDIT_DETAIL_MAX);
	if (!payload_form(ctx, r->id, NULL, &old, &a))
		goto out;
	form_enc(fm, MC_REVIEW, &n1);
	form_enc(&old, MC_REVIEW, &o1);
	form_enc(fm, MC_NOWPUB, &n2);
	form_enc(&old, MC_NOWPUB, &o2);
	if (!buf_ok(&n1) || !buf_ok(&o1) || !buf_ok(&n2) || !buf_ok(&o2))
		goto out;
	if (strcmp(r->state, "public") != 0) {
		/* Not published yet: staff review the whole record anyway. */
		if (!store_review(ctx, r->id, fm, MODE_EDIT) ||
		    !store_now(ctx, r->id, fm, MODE_EDIT))
			goto out;
	} else {
		if (!store_now(ctx, r->id, fm, MODE_EDIT))
			goto out;
		if (strcmp(buf_str(&n2), buf_str(&o2)) != 0 &&
		    strcmp(r->status, "active") == 0) {
			if (!flow_publish(ctx, "member", r->id, "member_edit"))
				goto out;
			*pub = 1;
		}
		if (strcmp(buf_str(&n1), buf_str(&o1)) != 0) {
			if ((st = db_prep(ctx->db, sql[STMT_EDIT_DEL])) == NULL)
				goto out;
			db_bind_int(st, 1, r->id);
			if (!db_run(ctx->db, st) ||
			    (st = db_prep(ctx->db, sql[STMT_EDIT_ADD])) == NULL)
				goto out;
			db_bind_int(st, 1, r->id);
			db_bind_int(st, 2, ctx->now);
			if (!db_run(ctx->db, st))
				goto out;
			eid = db_last_id(ctx->db);
			if ((st = db_prep(ctx->db, sql[STMT_EDIT_SEAL])) == NULL)
				goto out;
			db_bind_int(st, 1, eid);
			if (!flow_bind_sealed(ctx, st, 2, "member_edit",
			    "payload_ct", eid, buf_str(&n1), &ct)) {
				sqlite3_reset(st);
				goto out;
			}
			if (!db_run(ctx->db, st))
				goto out;
			if (!mail_both(ctx, r, "aikasa_edit_request",
			    "【あいかさねっと】登録情報の修正依頼を受け付けました",
			    "あいかさねっとの登録情報の修正依頼を受け付けました。\n"
			    "公開されている項目の変更は、センターが確認したうえで"
			    "反映します。",
			    "aikasa_center_edit",
			    "【あいかさねっと】会員情報の修正依頼あり",
			    "あいかさねっとの会員から登録情報の修正依頼がありました。"))
				goto out;
			*review = 1;
		}
	}
	buf_printf(&d, "review=%d publish=%d", *review, *pub);
	if (!buf_ok(&d) || !flow_audit(ctx, "member_edit", "member", r->id,
	    buf_str(&d)))
		goto out;
	rc = 1;
out:
	form_free(&old);
	buf_free(&n1);
	buf_free(&o1);
	buf_free(&n2);
	buf_free(&o2);
	buf_free(&ct);
	buf_free(&d);
	return rc;
}

/* The page after a submit (and for a replayed idempotency key). */
static int
show_done(struct ctx *ctx, enum mmode mode, int review)
{
	if (mode == MODE_DETAIL)
		return show_info(ctx, "詳細登録を受け付けました",
		    "ご入力ありがとうございました。センターが内容を確認したうえで"
		    "公開します。公開されましたら、メールでお知らせします。",
		    NULL, NULL);
	return show_info(ctx, "登録情報を更新しました", review ?
	    "公開されていない項目は更新しました。公開されている項目の変更は"
	    "修正依頼として受け付け、センターが確認したうえで反映します。" :
	    "登録情報を更新しました。", NULL, NULL);
}

/*
 * Commit-time of a submit: one transaction with the idempotency key;
 * a replayed key shows the done page again and changes nothing.
 */
static int
submit(struct ctx *ctx, struct form *fm, const struct mrow *r,
    enum mmode mode, const char *idem)
{
	struct buf	 res;
	int		 r2, review = 0, pub = 0, rc = 0, began = 0;

	buf_init(&res, 256);
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r2 = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r2 > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_done(ctx, mode, strstr(buf_str(&res), "review=1") !=
		    NULL);
		goto out;
	}
	if (mode == MODE_DETAIL) {
		if ((r2 = submit_detail(ctx, fm, r)) < 0)
			goto out;
		if (r2 == 0) {
			db_rollback(ctx->db);
			began = 0;
			rc = show_info(ctx, "詳細登録は完了しています",
			    "詳細登録はすでに完了しています。", NULL, NULL);
			goto out;
		}
	} else if (!submit_edit(ctx, fm, r, &review, &pub))
		goto out;
	buf_reset(&res);
	buf_printf(&res, "member:%lld review=%d", (long long)r->id, review);
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	if (pub)
		flow_publish_now(ctx);
	rc = show_done(ctx, mode, review);
out:
	if (began)
		db_rollback(ctx->db);
	buf_free(&res);
	return rc;
}

/*
 * /mypage/detail and /mypage/edit: GET shows the form (the edit form
 * filled from the record); each POST names its step: confirm, edit
 * (「修正する」) or submit (「送信する」).
 */
static int
form_flow(struct ctx *ctx, enum mmode mode)
{
	struct form	 fm;
	struct mrow	 r;
	struct marg	 a;
	struct buf	 rec, done;
	const char	*step, *idem;
	int		 n, rc = 0;

	memset(&fm, 0, sizeof(fm));
	buf_init(&rec, REC_MAX);
	buf_init(&done, 256);
	if ((n = load_row(ctx, ctx->sess->pid, &r)) < 0)
		goto out;
	if (n == 0) {
		rc = page_error(ctx, 403);
		goto out;
	}
	/* A replayed submit shows its done page before any other rule. */
	step = flow_body(ctx, KEY_F_STEP);
	idem = flow_body(ctx, KEY_F_IDEM);
	if (ctx->req.env.method == METHOD_POST && step != NULL &&
	    strcmp(step, "submit") == 0 && idem != NULL) {
		if ((n = form_idem_get(ctx, idem, &done)) < 0)
			goto out;
		if (n > 0) {
			rc = show_done(ctx, mode, strstr(buf_str(&done),
			    "review=1") != NULL);
			goto out;
		}
	}
	if (mode == MODE_DETAIL && r.detail_done) {
		rc = show_info(ctx, "詳細登録は完了しています",
		    "詳細登録はすでに完了しています。登録内容の変更は、"
		    "マイページの「登録情報の修正」から行えます。", NULL, NULL);
		goto out;
	}
	if (mode == MODE_EDIT && !r.detail_done) {
		rc = show_info(ctx, "先に詳細登録をしてください",
		    "登録情報の修正は、詳細登録の完了後に行えます。",
		    "/mypage/detail", "詳細登録へ進む");
		goto out;
	}
	a.t = r.t;
	a.mode = mode;
	a.join = r.join;
	if (!form_init(&fm, ctx, mfields, KENMIN_NELEM(mfields), &a))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		if (mode == MODE_EDIT && (!record_enc(ctx, r.id, MC_ALL, &rec) ||
		    !form_from_payload(&fm, buf_str(&rec))))
			goto out;
		rc = show_form(ctx, &fm, &r, mode, 0);
		goto out;
	}
	form_read(&fm);
	if (step == NULL || strcmp(step, "edit") == 0) {
		rc = show_form(ctx, &fm, &r, mode, 0);
		goto out;
	}
	if (strcmp(step, "submit") == 0) {
		if (idem == NULL) {
			rc = page_error(ctx, 400);
			goto out;
		}
	} else if (strcmp(step, "confirm") != 0) {
		rc = page_error(ctx, 400);
		goto out;
	} else
		idem = NULL;
	if (!form_validate(&fm)) {
		rc = show_form(ctx, &fm, &r, mode, 1);
		goto out;
	}
	rc = idem == NULL ? show_confirm(ctx, &fm, &r, mode) :
	    submit(ctx, &fm, &r, mode, idem);
out:
	if (rec.p != NULL)
		sodium_memzero(rec.p, rec.len);
	buf_free(&rec);
	buf_free(&done);
	form_free(&fm);
	return rc;
}

/* /mypage/detail: the 詳細登録 (紙4 rows 19-42, R159). */
int
member_detail(struct ctx *ctx)
{
	return form_flow(ctx, MODE_DETAIL);
}

/* /mypage/edit: 登録情報の修正 (R167, A-14). */
int
member_edit(struct ctx *ctx)
{
	return form_flow(ctx, MODE_EDIT);
}

static const char *
state_label(const char *s)
{
	return strcmp(s, "unverified") == 0 ? "メールアドレス確認待ち" :
	    strcmp(s, "draft") == 0 ? "詳細登録待ち" :
	    strcmp(s, "review") == 0 ? "仮登録（センターの確認待ち）" :
	    strcmp(s, "public") == 0 ? "公開中" : s;
}

static const char *
status_label(const char *s)
{
	return strcmp(s, "active") == 0 ? "活動中" :
	    strcmp(s, "paused") == 0 ? "休止中" :
	    strcmp(s, "withdrawn") == 0 ? "退会" :
	    strcmp(s, "suspended") == 0 ? "利用停止中" : s;
}

/* The member's postings (R166, R169) as the list "postings" of v. */
static int
posting_vars(struct ctx *ctx, int64_t id, struct tarena *ta, struct tval *v)
{
	struct tval	*list, *o;
	struct buf	 path;
	sqlite3_stmt	*st;
	const char	*s;
	int		 r;

	list = tv_list(ta);
	buf_init(&path, 256);
	if ((st = db_prep(ctx->db, sql[STMT_POSTINGS])) == NULL) {
		buf_free(&path);
		return 0;
	}
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		o = tv_push_obj(list);
		buf_reset(&path);
		buf_printf(&path, "/mypage/posting/edit?id=%lld",
		    (long long)sqlite3_column_int64(st, 0));
		form_url(ctx, o, "href", buf_str(&path));
		tv_set_str(o, "title", db_col_text(st, 1));
		s = db_col_text(st, 2);
		tv_set_str(o, "state", sqlite3_column_int(st, 3) ? "募集終了" :
		    strcmp(s, "public") == 0 ? "公開中" :
		    strcmp(s, "review") == 0 ? "審査中" : "下書き");
		tv_set_str(o, "until", sqlite3_column_int(st, 5) ? "随時" :
		    db_col_text(st, 4));
	}
	buf_free(&path);
	tv_set(v, "postings", list);
	tv_set_bool(v, "has_postings", tv_len(list) > 0);
	return r == 0;
}

/*
 * /mypage: the member's own registration (sealed fields opened for
 * them only), the next step while the 詳細登録 is missing, the pending
 * 修正依頼, the postings and the links to every account page.
 */
int
member_mypage(struct ctx *ctx)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta), *rows;
	struct mrow	 r;
	sqlite3_stmt	*st;
	int		 n, pending = 0;

	if ((n = load_row(ctx, ctx->sess->pid, &r)) <= 0) {
		tarena_free(ta);
		return n == 0 ? page_error(ctx, 403) : 0;
	}
	if (!sess_keys(ctx) || (st = db_prep(ctx->db,
	    sql[STMT_EDIT_PENDING])) == NULL)
		goto fail;
	db_bind_int(st, 1, r.id);
	if (db_row(ctx->db, st) > 0) {
		pending = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	rows = tv_list(ta);
	if (!detail_rows(ctx, r.id, rows) || !posting_vars(ctx, r.id, ta, v))
		goto fail;
	tv_set(v, "rows", rows);
	tv_set_str(v, "type_label", mtype_labels[r.t]);
	tv_set_str(v, "state_label", state_label(r.state));
	tv_set_str(v, "status_label", status_label(r.status));
	tv_set_bool(v, "need_detail", !r.detail_done);
	tv_set_bool(v, "can_edit", r.detail_done);
	tv_set_bool(v, "pending", pending > 0);
	tv_set_bool(v, "paused", strcmp(r.status, "paused") == 0);
	tv_set_bool(v, "group", r.t == MT_GROUP);
	form_url(ctx, v, "detail_url", "/mypage/detail");
	form_url(ctx, v, "edit_url", "/mypage/edit");
	form_url(ctx, v, "status_url", "/mypage/status");
	form_url(ctx, v, "password_url", "/password");
	form_url(ctx, v, "email_url", "/mypage/email");
	form_url(ctx, v, "delete_url", "/mypage/delete");
	form_url(ctx, v, "posting_new_url", "/mypage/posting/new");
	form_url(ctx, v, "logout_url", "/logout");
	return flow_show(ctx, ta, v, "mypage", "マイページ", 0);
fail:
	tarena_free(ta);
	return 0;
}

/* ---- 休止・再開・退会 (A-15, R168) ---- */

enum mact {
	ACT_PAUSE,
	ACT_RESUME,
	ACT__MAX
};

static const struct {
	const char	*name;
	const char	*tmpl;		/* the member's mail */
	const char	*label;		/* the button and the heading */
	enum stmt	 stmt;
	const char	*done;
	const char	*subject;
	const char	*text;
	const char	*csubject;	/* NULL: the center is not mailed */
	const char	*ctext;
} acts[ACT__MAX] = {
	{ "pause", "aikasa_member_pause", "休止する", STMT_PAUSE,
	  "休止しました。会員情報と募集情報は公開されなくなり、マッチングの"
	  "メールやメールマガジンも届かなくなります。再開するときは、"
	  "マイページから再開を依頼してください。",
	  "【あいかさねっと】休止しました",
	  "あいかさねっとの会員を休止しました。再開するときは、マイページ"
	  "から再開を依頼してください。", NULL, NULL },
	{ "resume", "aikasa_member_resume", "再開を依頼する", STMT_RESUME,
	  "再開の依頼を受け付けました。センターが確認したうえで、会員情報を"
	  "再び公開します。",
	  "【あいかさねっと】再開の依頼を受け付けました",
	  "あいかさねっとの再開の依頼を受け付けました。センターが確認した"
	  "うえで、会員情報を再び公開します。",
	  "【あいかさねっと】会員の再開依頼あり",
	  "あいかさねっとの会員から再開の依頼がありました。" },
};

static enum mact
act_find(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < ACT__MAX; i++)
		if (strcmp(s, acts[i].name) == 0)
			return (enum mact)i;
	return ACT__MAX;
}

/*
 * The status screen: the menu (what may be done now), the question
 * for one action (ask < ACT__MAX), or
 * the result (done < ACT__MAX).
 */
static int
show_status(struct ctx *ctx, const struct mrow *r, enum mact ask,
    enum mact done, const char *error)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	const char	*title;

	form_url(ctx, v, "action", "/mypage/status");
	form_url(ctx, v, "mypage_url", "/mypage");
	/* 退会 is /mypage/delete (account.c), one path for it. */
	form_url(ctx, v, "delete_url", "/mypage/delete");
	tv_set_str(v, "status_label", status_label(r->status));
	if (error != NULL)
		tv_set_str(v, "error", error);
	if (done < ACT__MAX) {
		tv_set_bool(v, "done", 1);
		tv_set_str(v, "heading", acts[done].label);
		tv_set_str(v, "message", acts[done].done);
		title = done == ACT_PAUSE ? "休止しました" :
		    "再開の依頼を受け付けました";
	} else if (ask < ACT__MAX) {
		tv_set_bool(v, "ask", 1);
		tv_set_str(v, "act", acts[ask].name);
		tv_set_str(v, "act_label", acts[ask].label);
		tv_set_bool(v, "ask_pause", ask == ACT_PAUSE);
		tv_set_bool(v, "ask_resume", ask == ACT_RESUME);
		title = ask == ACT_PAUSE ? "休止の確認" : "再開の依頼の確認";
	} else {
		tv_set_bool(v, "menu", 1);
		tv_set_bool(v, "can_pause", strcmp(r->status, "active") == 0);
		tv_set_bool(v, "can_resume", strcmp(r->status, "paused") == 0);
		title = "休止・再開・退会";
	}
	tv_set_str(v, "title_text", title);
	return flow_show(ctx, ta, v, "member_status", title, error != NULL);
}

/*
 * /mypage/status: GET shows what may be done; POST step=ask asks for
 * one action, step=do does it in one transaction: the status, the
 * publish queue (member and postings), the mails, the audit row.  The
 * public pages change at once (flow_publish_now).  退会 is
 * /mypage/delete (account.c).
 */
int
member_status(struct ctx *ctx)
{
	struct mrow	 r;
	sqlite3_stmt	*st;
	const char	*step;
	enum mact	 act;
	int		 n, rc = 0, began = 0;

	if ((n = load_row(ctx, ctx->sess->pid, &r)) <= 0)
		return n == 0 ? page_error(ctx, 403) : 0;
	if (ctx->req.env.method != METHOD_POST)
		return show_status(ctx, &r, ACT__MAX, ACT__MAX, NULL);
	step = flow_body(ctx, KEY_F_STEP);
	act = act_find(flow_body(ctx, KEY_MB_ACTION));
	if (step == NULL || act == ACT__MAX ||
	    (strcmp(step, "ask") != 0 && strcmp(step, "do") != 0))
		return page_error(ctx, 400);
	if ((act == ACT_PAUSE && strcmp(r.status, "active") != 0) ||
	    (act == ACT_RESUME && strcmp(r.status, "paused") != 0))
		return show_status(ctx, &r, ACT__MAX, ACT__MAX,
		    act == ACT_PAUSE ? "休止中のため、休止の手続きはできません。" :
		    "休止中ではないため、再開の依頼はできません。");
	if (strcmp(step, "ask") == 0)
		return show_status(ctx, &r, act, ACT__MAX, NULL);

	if (!sess_keys(ctx) || !db_begin(ctx->db))
		return 0;
	began = 1;
	if ((st = db_prep(ctx->db, sql[acts[act].stmt])) == NULL)
		goto out;
	db_bind_int(st, 1, r.id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	if (db_changes(ctx->db) != 1) {
		/* Another request changed the status first. */
		db_rollback(ctx->db);
		began = 0;
		if (load_row(ctx, r.id, &r) <= 0)
			goto out;
		rc = show_status(ctx, &r, ACT__MAX, ACT__MAX,
		    "状態がすでに変更されています。内容をご確認ください。");
		goto out;
	}
	if (!publish_member(ctx, r.id, acts[act].name) ||
	    !mail_both(ctx, &r, acts[act].tmpl, acts[act].subject,
	    acts[act].text, acts[act].csubject != NULL ? "aikasa_center_status" :
	    NULL, acts[act].csubject, acts[act].ctext) ||
	    !flow_audit(ctx, act == ACT_PAUSE ? "member_pause" :
	    "member_resume", "member", r.id, NULL))
		goto out;
	if (!db_commit(ctx->db))
		goto out;
	began = 0;
	flow_publish_now(ctx);
	spawn_gen(ctx->cfg, "mail");
	rc = show_status(ctx, &r, ACT__MAX, act, NULL);
out:
	if (began)
		db_rollback(ctx->db);
	return rc;
}
