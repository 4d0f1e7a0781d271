/*
 * snreg.c: スーパーネット registration of NPOs, groups and companies
 * (紙3, R080-R091): the terms, the three forms, the confirmation and an
 * idempotent submit that stores a draft org and mails a link confirming
 * the 登録担当者Eメール; the 修正依頼: a search of public
 * orgs, a mailed 30-minute link to the filled-in form, the fallback
 * form; the staff review hooks; and the hand-over of shared fields to
 * and from あいかさねっと (連携③, A-36, docs/handover.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define VERIFY_TTL	(24 * 60 * 60)	/* the 登録担当者Eメール link */
#define EDIT_TTL	(30 * 60)	/* the 修正依頼 link */
#define HANDOVER_TTL	(2 * 60 * 60)	/* a hand-over record */
#define LINK_WINDOW	(60 * 60)	/* rate limit of 「リンクを送る」 */
#define LINK_PER_WINDOW	3		/* links per org and window */
#define MAIL_BODY_MAX	((size_t)16 * 1024)
#define PAYLOAD_MAX	((size_t)256 * 1024)
#define SEARCH_MAX	50		/* results shown */
#define FILE_SLOTS	3

enum okind {
	OKIND_NPO,
	OKIND_GROUP,
	OKIND_COMPANY,
	OKIND__MAX
};

static const char *const okind_names[OKIND__MAX] = {
	"npo", "group", "company" };
static const char *const okind_labels[OKIND__MAX] = {
	"NPO法人", "県民活動団体", "企業" };

/* The state of one flow: the form's kind and, editing, the link. */
struct snflow {
	enum okind	 kind;
	const char	*token;		/* edit link token, or NULL */
	int64_t		 org;		/* edit, fallback: the org */
};

enum stmt {
	STMT_INSERT,
	STMT_UPDATE,
	STMT_DEL_FIELD,
	STMT_ADD_FIELD,
	STMT_DEL_MUNI,
	STMT_ADD_MUNI,
	STMT_DEL_FEATURE,
	STMT_ADD_FEATURE,
	STMT_DEL_URL,
	STMT_ADD_URL,
	STMT_ADD_FILE,
	STMT_NPO_CLASS,
	STMT_AREA_MUNICIPAL,
	STMT_REQ_IDS,
	STMT_ORG,
	STMT_ORG_FIELDS,
	STMT_ORG_MUNIS,
	STMT_ORG_FEATURES,
	STMT_ORG_URLS,
	STMT_ORG_FILE,
	STMT_UPLOAD_NAME,
	STMT_VERIFY,
	STMT_SEARCH,
	STMT_PUBLIC_ORG,
	STMT_EDIT_ADD,
	STMT_EDIT_SEAL,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_INSERT: the row first; store_org() fills it */
	"INSERT INTO org (kind, source, state, name, kana, rep_name, "
	"company_category_id, created_at, updated_at) VALUES (?1, "
	"'supernet_form', 'draft', '', '', '', ?2, ?3, ?3)",
	/* STMT_UPDATE: ?N is column N - 1 of STMT_ORG */
	"UPDATE org SET group_class_id = ?2, company_category_id = ?3, "
	"name = ?4, kana = ?5, rep_name = ?6, minor_consent = ?7, "
	"rep_title = ?8, staff_name = ?9, staff_title = ?10, "
	"target_area_id = ?11, purpose = ?12, activities = ?13, csr = ?14, "
	"collaboration = ?15, appeal = ?16, main_office = ?17, "
	"sub_office = ?18, zip = ?19, pref_id = ?20, muni_id = ?21, "
	"address = ?22, tel = ?23, fax = ?24, email = ?25, founded_on = ?26, "
	"budget_range_id = ?27, members_count = ?28, fee = ?29, "
	"membership = ?30, activity_time = ?31, requirements_ok = ?32, "
	"reg_name_ct = ?33, reg_title_ct = ?34, reg_tel_ct = ?35, "
	"reg_email_ct = ?36, reg_email_bidx = ?37, updated_at = ?38 "
	"WHERE id = ?1",
	/* STMT_DEL_FIELD */
	"DELETE FROM org_field WHERE org_id = ?1",
	/* STMT_ADD_FIELD */
	"INSERT OR IGNORE INTO org_field (org_id, field_id) VALUES (?1, ?2)",
	/* STMT_DEL_MUNI */
	"DELETE FROM org_muni WHERE org_id = ?1",
	/* STMT_ADD_MUNI */
	"INSERT OR IGNORE INTO org_muni (org_id, muni_id) VALUES (?1, ?2)",
	/* STMT_DEL_FEATURE */
	"DELETE FROM org_feature WHERE org_id = ?1",
	/* STMT_ADD_FEATURE */
	"INSERT OR IGNORE INTO org_feature (org_id, feature_id) "
	"VALUES (?1, ?2)",
	/* STMT_DEL_URL */
	"DELETE FROM org_url WHERE org_id = ?1",
	/* STMT_ADD_URL */
	"INSERT INTO org_url (org_id, slot, url, label) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_ADD_FILE: a new file replaces the slot's old one */
	"INSERT OR REPLACE INTO org_file (org_id, slot, upload_id) "
	"VALUES (?1, ?2, ?3)",
	/* STMT_NPO_CLASS */
	"SELECT is_npo FROM m_group_class WHERE id = ?1",
	/* STMT_AREA_MUNICIPAL */
	"SELECT is_municipal FROM m_target_area WHERE id = ?1",
	/* STMT_REQ_IDS */
	"SELECT id FROM m_requirement WHERE site = 'supernet' "
	"ORDER BY sort, id",
	/* STMT_ORG: the columns ocols[] and scols[] name */
	"SELECT kind, group_class_id, company_category_id, name, kana, "
	"rep_name, minor_consent, rep_title, staff_name, staff_title, "
	"target_area_id, purpose, activities, csr, collaboration, appeal, "
	"main_office, sub_office, zip, pref_id, muni_id, address, tel, fax, "
	"email, founded_on, budget_range_id, members_count, fee, membership, "
	"activity_time, requirements_ok, reg_name_ct, reg_title_ct, "
	"reg_tel_ct, reg_email_ct, state, status FROM org WHERE id = ?1",
	/* STMT_ORG_FIELDS */
	"SELECT field_id FROM org_field WHERE org_id = ?1 ORDER BY field_id",
	/* STMT_ORG_MUNIS */
	"SELECT muni_id FROM org_muni WHERE org_id = ?1 ORDER BY muni_id",
	/* STMT_ORG_FEATURES */
	"SELECT feature_id FROM org_feature WHERE org_id = ?1 "
	"ORDER BY feature_id",
	/* STMT_ORG_URLS */
	"SELECT slot, url, coalesce(label, '') FROM org_url WHERE org_id = ?1 "
	"ORDER BY slot",
	/* STMT_ORG_FILE */
	"SELECT u.orig_name FROM org_file f JOIN upload u ON u.id = "
	"f.upload_id WHERE f.org_id = ?1 AND f.slot = ?2",
	/* STMT_UPLOAD_NAME */
	"SELECT orig_name FROM upload WHERE id = ?1",
	/* STMT_VERIFY: 下書 -> 仮登録(レビュー) once the address is confirmed */
	"UPDATE org SET reg_email_verified_at = ?2, state = 'review', "
	"updated_at = ?2 WHERE id = ?1 AND state = 'draft'",
	/* STMT_SEARCH: public data of public orgs only */
	"SELECT o.id, o.name, o.kind, coalesce(m.name, '') FROM org o "
	"LEFT JOIN m_municipality m ON m.id = o.muni_id "
	"WHERE o.state = 'public' AND o.status = 'active' AND "
	"(instr(o.name, ?1) > 0 OR instr(o.kana, ?1) > 0) "
	"ORDER BY o.kana, o.id LIMIT ?2",
	/* STMT_PUBLIC_ORG */
	"SELECT name, kind, reg_email_ct FROM org WHERE id = ?1 AND "
	"state = 'public' AND status = 'active'",
	/* STMT_EDIT_ADD: the row first, the sealed payload bound to its id */
	"INSERT INTO org_edit (org_id, via, state, payload_ct, created_at) "
	"VALUES (?1, ?2, 'review', x'', ?3)",
	/* STMT_EDIT_SEAL */
	"UPDATE org_edit SET payload_ct = ?2, requester_ct = ?3 WHERE id = ?1",
};

/* Plain columns of org: the form key, STMT_ORG's column, how bound. */
enum bkind {
	BIND_TEXT,
	BIND_ID,
	BIND_INT,
	BIND__MAX
};

static const struct ocol {
	enum key	 key;
	int		 col;
	enum bkind	 bind;
} ocols[] = {
	{ KEY_R_GCLASS, 1, BIND_ID },
	{ KEY_R_CCAT, 2, BIND_ID },
	{ KEY_R_ORG, 3, BIND_TEXT },
	{ KEY_R_ORGKANA, 4, BIND_TEXT },
	{ KEY_R_REP, 5, BIND_TEXT },
	{ KEY_R_TITLE, 7, BIND_TEXT },
	{ KEY_SN_STAFF, 8, BIND_TEXT },
	{ KEY_SN_STAFF_TITLE, 9, BIND_TEXT },
	{ KEY_SN_AREA, 10, BIND_ID },
	{ KEY_SN_PURPOSE, 11, BIND_TEXT },
	{ KEY_SN_ACTIVITIES, 12, BIND_TEXT },
	{ KEY_SN_CSR, 13, BIND_TEXT },
	{ KEY_SN_COLLAB, 14, BIND_TEXT },
	{ KEY_SN_APPEAL, 15, BIND_TEXT },
	{ KEY_SN_MAIN_OFFICE, 16, BIND_TEXT },
	{ KEY_SN_SUB_OFFICE, 17, BIND_TEXT },
	{ KEY_SN_ZIP, 18, BIND_TEXT },
	{ KEY_R_PREF, 19, BIND_ID },
	{ KEY_R_MUNI, 20, BIND_ID },
	{ KEY_SN_ADDRESS, 21, BIND_TEXT },
	{ KEY_R_TEL, 22, BIND_TEXT },
	{ KEY_SN_FAX, 23, BIND_TEXT },
	{ KEY_R_EMAIL, 24, BIND_TEXT },
	{ KEY_SN_FOUNDED, 25, BIND_TEXT },
	{ KEY_SN_BUDGET, 26, BIND_ID },
	{ KEY_SN_MEMBERS, 27, BIND_INT },
	{ KEY_SN_FEE, 28, BIND_TEXT },
	{ KEY_SN_MEMBERSHIP, 29, BIND_TEXT },
	{ KEY_SN_ACTTIME, 30, BIND_TEXT },
};

#define COL_MINOR	6
#define COL_REQS	31
#define COL_STATE	36
#define COL_STATUS	37

/* The 一般非公開 columns (紙3 #34-37), sealed to (org, column, id). */
static const struct scol {
	enum key	 key;
	int		 col;
	const char	*column;
} scols[] = {
	{ KEY_SN_REG_NAME, 32, "reg_name_ct" },
	{ KEY_SN_REG_TITLE, 33, "reg_title_ct" },
	{ KEY_SN_REG_TEL, 34, "reg_tel_ct" },
	{ KEY_SN_REG_EMAIL, 35, "reg_email_ct" },
};

/* Checkbox groups stored as link tables. */
static const struct lcol {
	enum key	 key;
	enum stmt	 del;
	enum stmt	 add;
	enum stmt	 sel;
} lcols[] = {
	{ KEY_SN_FIELDS, STMT_DEL_FIELD, STMT_ADD_FIELD, STMT_ORG_FIELDS },
	{ KEY_SN_MUNIS, STMT_DEL_MUNI, STMT_ADD_MUNI, STMT_ORG_MUNIS },
	{ KEY_SN_FEATURES, STMT_DEL_FEATURE, STMT_ADD_FEATURE,
	  STMT_ORG_FEATURES },
};

static const enum key url_keys[3] = { KEY_SN_URL1, KEY_SN_URL2,
    KEY_SN_URL3 };
static const enum key urldesc_keys[3] = { KEY_SN_URLDESC1, KEY_SN_URLDESC2,
    KEY_SN_URLDESC3 };
static const enum key file_keys[FILE_SLOTS] = { KEY_SN_FILE1, KEY_SN_FILE2,
    KEY_SN_FILE3 };

static const struct fopt kind_opts[] = {
	{ "npo", "NPO法人" },
	{ "group", "県民活動団体（NPO法人以外の非営利団体）" },
	{ "company", "企業" },
	{ NULL, NULL },
};

static enum okind
flow_kind(const struct form *fm)
{
	return ((const struct snflow *)fm->arg)->kind;
}

static int
is_grp(const struct form *fm)
{
	return flow_kind(fm) != OKIND_COMPANY;
}

static int
is_com(const struct form *fm)
{
	return flow_kind(fm) == OKIND_COMPANY;
}

/* 1 if the 0/1 column of master row id (stmt) is 1; -1 on error. */
static int
master_flag(struct ctx *ctx, enum stmt s, const char *idstr)
{
	sqlite3_stmt	*st;
	long long	 id;
	int		 r;

	if (!util_strtoll(idstr, 1, INT32_MAX, &id))
		return 0;
	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[s])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	r = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return r;
}

/* 1 if the chosen 対象エリア is 山口県内市町 (m_target_area.is_municipal). */
static int
area_municipal(const struct form *fm)
{
	return master_flag(fm->ctx, STMT_AREA_MUNICIPAL,
	    form_val(fm, KEY_SN_AREA)) == 1;
}

/* 紙3 #10: required only when 対象エリア is 山口県内市町. */
static void
check_munis(struct form *fm, size_t i)
{
	if (fm->v[i].valsz == 0 && area_municipal(fm))
		form_error(fm, i, "対象エリアで「山口県内市町」を選んだ場合は、"
		    "対象市町を選択してください。");
}

/* 紙3 #31: http or https only, no spaces. */
static void
check_url(struct form *fm, size_t i)
{
	const char	*v = form_val(fm, fm->fields[i].key), *p;

	if (*v == '\0')
		return;
	if (strncmp(v, "https://", 8) == 0)
		p = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		p = v + 7;
	else
		p = NULL;
	if (p == NULL || *p == '\0' || *p == '/' || strpbrk(v, " \"<>\\^`{|}")
	    != NULL) {
		form_error(fm, i, "%sは「https://」または「http://」で始まる"
		    "形で入力してください。", fm->fields[i].label);
	}
}

/* A URL's description needs its URL (the field before it). */
static void
check_urldesc(struct form *fm, size_t i)
{
	if (i > 0 && *form_val(fm, fm->fields[i].key) != '\0' &&
	    *form_val(fm, fm->fields[i - 1].key) == '\0')
		form_error(fm, i, "%sを入力した場合は、%sも入力してください。",
		    fm->fields[i].label, fm->fields[i - 1].label);
}

/* 紙3 #27: a whole number (full-width digits accepted). */
static void
check_count(struct form *fm, size_t i)
{
	char		*n;
	long long	 v;

	if (*form_val(fm, fm->fields[i].key) == '\0')
		return;
	n = text_normalize(form_val(fm, fm->fields[i].key));
	if (n == NULL || !util_strtoll(n, 0, 99999999, &v))
		form_error(fm, i, "%sは半角数字で入力してください"
		    "（例：25）。", fm->fields[i].label);
	free(n);
}

static void
check_email2(struct form *fm, size_t i)
{
	if (strcmp(form_val(fm, KEY_SN_REG_EMAIL),
	    form_val(fm, KEY_SN_REG_EMAIL2)) != 0)
		form_error(fm, i, "確認のために入力した登録担当者Eメールが"
		    "一致しません。");
}

static const char hidden_hint[] = "一般には公開しません。";

/* The terms page's one field: which form. */
static const struct ffield kind_form[] = {
	{ KEY_SN_TYPE, "登録の種類", FK_RADIO, 1, NULL, NULL, 0, 0,
	  "NPO法人・県民活動団体・企業のいずれかを選んでください。", NULL,
	  FO_STATIC, kind_opts, NULL },
};

/*
 * 紙3, every row, for the three kinds (is_grp: NPO法人 and other
 * non-profit groups; is_com: companies).  Rows sharing a key differ
 * only in their label.
 */
static const struct ffield sn_form[] = {
	{ KEY_R_GCLASS, "団体の分類", FK_SELECT, 1, is_grp, NULL, 0, 0, NULL,
	  NULL, FO_GROUP_CLASS, NULL, NULL },
	{ KEY_R_CCAT, "企業のカテゴリ", FK_SELECT, 1, is_com, NULL, 0, 0,
	  NULL, NULL, FO_COMPANY_CAT, NULL, NULL },
	{ KEY_R_ORG, "団体名", FK_TEXT, 1, is_grp, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORG, "企業名", FK_TEXT, 1, is_com, NULL, 0, 100, NULL, NULL,
	  FO_NONE, NULL, "organization" },
	{ KEY_R_ORGKANA, "団体名ふりがな", FK_TEXT, 1, is_grp, reg_check_kana,
	  0, 200, "ひらがなで入力してください。一覧の並び順に使います。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_ORGKANA, "企業名ふりがな", FK_TEXT, 1, is_com, reg_check_kana,
	  0, 200, "ひらがなで入力してください。一覧の並び順に使います。", NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_REP, "代表者名", FK_TEXT, 1, NULL, NULL, 0, 50, NULL, NULL,
	  FO_NONE, NULL, NULL },
	{ KEY_R_REPAGREE, "上記に同意する", FK_AGREE, 1, NULL, NULL, 0, 0,
	  NULL, reg_minors_notice, FO_NONE, NULL, NULL },
	{ KEY_R_TITLE, "役職名", FK_TEXT, 0, NULL, NULL, 0, 50,
	  "代表者の役職名。例：代表理事", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_STAFF, "担当者名", FK_TEXT, 1, NULL, NULL, 0, 50,
	  "公開されます。", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_STAFF_TITLE, "担当者役職", FK_TEXT, 0, NULL, NULL, 0, 50,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FIELDS, "活動分野", FK_CHECKS, 1, is_grp, NULL, 0, 0,
	  "当てはまるものすべてにチェックを入れてください。", NULL,
	  FO_FIELD_SN, NULL, NULL },
	{ KEY_SN_AREA, "対象エリア", FK_SELECT, 1, is_grp, NULL, 0, 0, NULL,
	  NULL, FO_TARGET_AREA, NULL, NULL },
	{ KEY_SN_MUNIS, "対象市町", FK_CHECKS, 0, is_grp, check_munis, 0, 0,
	  "対象エリアで「山口県内市町」を選んだ場合は必須です。", NULL,
	  FO_MUNI_IN, NULL, NULL },
	{ KEY_SN_PURPOSE, "活動目的", FK_TEXTAREA, 1, is_grp, NULL, 0, 2000,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_ACTIVITIES, "活動内容", FK_TEXTAREA, 1, is_grp, NULL, 0,
	  2000, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_ACTIVITIES, "業務内容", FK_TEXTAREA, 1, is_com, NULL, 0,
	  2000, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_CSR, "CSR活動（CSRの取り組み、社会貢献活動等の概要）",
	  FK_TEXTAREA, 1, is_com, NULL, 0, 2000, NULL, NULL, FO_NONE, NULL,
	  NULL },
	{ KEY_SN_COLLAB, "協働・連携実績", FK_TEXTAREA, 0, NULL, NULL, 0,
	  2000, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_APPEAL, "アピールポイント・広報・設立の経緯など",
	  FK_TEXTAREA, 0, NULL, NULL, 0, 2000, NULL, NULL, FO_NONE, NULL,
	  NULL },
	{ KEY_SN_MAIN_OFFICE, "主たる事務所", FK_TEXT, 0, is_grp, NULL, 0,
	  200, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_SUB_OFFICE, "従たる事務所", FK_TEXT, 0, is_grp, NULL, 0,
	  200, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_ZIP, "郵便番号", FK_ZIP, 0, NULL, NULL, 0, 8,
	  "例：753-0072", NULL, FO_NONE, NULL, "postal-code" },
	{ KEY_R_PREF, "都道府県", FK_SELECT, 1, NULL, NULL, 0, 0, NULL, NULL,
	  FO_PREF, NULL, NULL },
	{ KEY_R_MUNI, "市町", FK_SELECT, 1, NULL, reg_check_muni, 0, 0,
	  "山口県以外の場合は「山口県外」を選んでください。", NULL, FO_MUNI,
	  NULL, NULL },
	{ KEY_SN_ADDRESS, "住所", FK_TEXT, 1, NULL, NULL, 0, 200,
	  "市町名に続く住所。例：滝町1-1", NULL, FO_NONE, NULL, NULL },
	{ KEY_R_TEL, "電話番号", FK_TEL, 0, NULL, NULL, 0, 20,
	  "公開されます。例：083-922-0000", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FAX, "FAX", FK_TEL, 0, NULL, NULL, 0, 20,
	  "公開されます。例：083-922-0001", NULL, FO_NONE, NULL, NULL },
	{ KEY_R_EMAIL, "Eメール", FK_EMAIL, 0, NULL, NULL, 0, 254,
	  "公開されます。例：info@example.jp", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FOUNDED, "設立年月日・発足年月日", FK_DATE, 0, NULL, NULL, 0,
	  10, "例：2010-04-01", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_BUDGET, "前年度総決算", FK_SELECT, 0, is_grp, NULL, 0, 0,
	  NULL, NULL, FO_BUDGET, NULL, NULL },
	{ KEY_SN_MEMBERS, "会員数", FK_TEXT, 0, is_grp, check_count, 0, 9,
	  "半角数字。例：25", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_MEMBERS, "従業員数", FK_TEXT, 0, is_com, check_count, 0, 9,
	  "半角数字。例：120", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FEE, "会費", FK_TEXT, 0, is_grp, NULL, 0, 200,
	  "例：年会費1,000円", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_MEMBERSHIP, "会員資格", FK_TEXT, 0, is_grp, NULL, 0, 200,
	  NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_ACTTIME, "活動日時", FK_TEXT, 0, is_grp, NULL, 0, 200,
	  "例：毎月第2土曜日 10時～12時", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_URL1, "URL1", FK_TEXT, 0, NULL, check_url, 0, 500,
	  "例：https://www.example.jp/", NULL, FO_NONE, NULL, "url" },
	{ KEY_SN_URLDESC1, "URL1の説明", FK_TEXT, 0, NULL, check_urldesc, 0,
	  100, "例：団体のホームページ", NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_URL2, "URL2", FK_TEXT, 0, NULL, check_url, 0, 500, NULL,
	  NULL, FO_NONE, NULL, "url" },
	{ KEY_SN_URLDESC2, "URL2の説明", FK_TEXT, 0, NULL, check_urldesc, 0,
	  100, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_URL3, "URL3", FK_TEXT, 0, NULL, check_url, 0, 500, NULL,
	  NULL, FO_NONE, NULL, "url" },
	{ KEY_SN_URLDESC3, "URL3の説明", FK_TEXT, 0, NULL, check_urldesc, 0,
	  100, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE1, "参考ファイル1（団体の定款又は規約）", FK_FILE, 0,
	  is_grp, NULL, 0, 5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE1, "参考ファイル1", FK_FILE, 0, is_com, NULL, 0,
	  5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE2, "参考ファイル2（活動内容が分かる資料）", FK_FILE, 0,
	  is_grp, NULL, 0, 5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE2, "参考ファイル2", FK_FILE, 0, is_com, NULL, 0,
	  5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE3, "参考ファイル3（その他参考ファイル）", FK_FILE, 0,
	  is_grp, NULL, 0, 5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FILE3, "参考ファイル3", FK_FILE, 0, is_com, NULL, 0,
	  5 * 1024 * 1024, NULL, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_FEATURES, "特徴", FK_CHECKS, 0, NULL, NULL, 0, 0,
	  "当てはまるものにチェックを入れてください（任意）。", NULL,
	  FO_FEATURE, NULL, NULL },
	{ KEY_SN_REG_NAME, "登録担当者", FK_TEXT, 1, NULL, NULL, 0, 50,
	  hidden_hint, NULL, FO_NONE, NULL, "name" },
	{ KEY_SN_REG_TITLE, "登録担当者役職", FK_TEXT, 0, NULL, NULL, 0, 50,
	  hidden_hint, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_REG_TEL, "登録担当者電話番号", FK_TEL, 1, NULL, NULL, 0, 20,
	  hidden_hint, NULL, FO_NONE, NULL, "tel" },
	{ KEY_SN_REG_EMAIL, "登録担当者Eメール", FK_EMAIL, 1, NULL, NULL, 0,
	  254, "一般には公開しません。登録に関するメールはこのアドレスに"
	  "お送りします。", NULL, FO_NONE, NULL, "email" },
	{ KEY_SN_REG_EMAIL2, "登録担当者Eメール（確認用）", FK_EMAIL, 1, NULL,
	  check_email2, 0, 254, "確認のため、もう一度入力してください。",
	  NULL, FO_NONE, NULL, "email" },
	{ KEY_R_REQS, "登録要件", FK_CHECKS, 1, is_grp, reg_check_reqs, 0, 0,
	  "すべての項目にチェックが入っていないと登録できません。", NULL,
	  FO_REQ_SUPERNET, NULL, NULL },
};

/* The fallback form (A-07 3): the request and the new contact. */
static const struct ffield fb_form[] = {
	{ KEY_SN_REQUEST, "修正を依頼する内容", FK_TEXTAREA, 1, NULL, NULL, 0,
	  4000, "修正したい項目と新しい内容を書いてください。", NULL, FO_NONE,
	  NULL, NULL },
	{ KEY_SN_REG_NAME, "新しい登録担当者", FK_TEXT, 1, NULL, NULL, 0, 50,
	  hidden_hint, NULL, FO_NONE, NULL, "name" },
	{ KEY_SN_REG_TITLE, "新しい登録担当者の役職", FK_TEXT, 0, NULL, NULL,
	  0, 50, hidden_hint, NULL, FO_NONE, NULL, NULL },
	{ KEY_SN_REG_TEL, "新しい登録担当者の電話番号", FK_TEL, 1, NULL, NULL,
	  0, 20, "センターから確認のお電話をします。", NULL, FO_NONE, NULL,
	  "tel" },
	{ KEY_SN_REG_EMAIL, "登録担当者Eメール", FK_EMAIL, 1, NULL, NULL, 0,
	  254, "受付のメールをお送りします。", NULL, FO_NONE, NULL, "email" },
	{ KEY_SN_REG_EMAIL2, "登録担当者Eメール（確認用）", FK_EMAIL, 1,
	  NULL, check_email2, 0, 254, "確認のため、もう一度入力してください。",
	  NULL, FO_NONE, NULL, "email" },
};

/* ---- small helpers ---- */

/* The body's (or for GET the query's) value of k, valid or not. */
static const char *
in_val(const struct ctx *ctx, enum key k)
{
	const struct kfield	*f;
	enum ksrc		 s;

	s = ctx->req.env.method == METHOD_POST ? KSRC_BODY : KSRC_QUERY;
	if ((f = req_get(&ctx->req, s, k)) == NULL)
		f = req_get_invalid(&ctx->req, s, k);
	return f != NULL ? f->val : NULL;
}

/* The kind a request names, or OKIND__MAX. */
static enum okind
in_kind(const struct ctx *ctx)
{
	const char	*s;
	int		 i;

	if ((s = in_val(ctx, KEY_SN_TYPE)) == NULL)
		return OKIND__MAX;
	for (i = 0; i < OKIND__MAX; i++)
		if (strcmp(s, okind_names[i]) == 0)
			return (enum okind)i;
	return OKIND__MAX;
}

static enum okind
kind_of(const char *s)
{
	int	 i;

	for (i = 0; i < OKIND__MAX; i++)
		if (s != NULL && strcmp(s, okind_names[i]) == 0)
			return (enum okind)i;
	return OKIND__MAX;
}

/* Drop every value of field i (wiped: contact data lives here). */
static void
drop_vals(struct fvalue *fv)
{
	size_t	 j;

	for (j = 0; j < fv->valsz; j++) {
		sodium_memzero(fv->vals[j], strlen(fv->vals[j]));
		free(fv->vals[j]);
	}
	free(fv->vals);
	fv->vals = NULL;
	fv->valsz = 0;
}

/*
 * The 団体の分類 options of kind: the NPO form offers NPO法人 only and
 * starts with it (R082), the other group form everything else.
 * 1 ok, 0 database error.
 */
static int
filter_gclass(struct form *fm, enum okind kind)
{
	struct fvalue	*fv;
	size_t		 i, j, n;
	int		 npo;

	if (kind == OKIND_COMPANY ||
	    (i = form_find(fm, KEY_R_GCLASS)) == fm->fieldsz)
		return 1;
	fv = &fm->v[i];
	for (j = n = 0; j < fv->optsz; j++) {
		if ((npo = master_flag(fm->ctx, STMT_NPO_CLASS,
		    fv->opts[j].value)) < 0)
			return 0;
		if (npo == (kind == OKIND_NPO))
			fv->opts[n++] = fv->opts[j];
		else {
			free((char *)fv->opts[j].value);
			free((char *)fv->opts[j].label);
		}
	}
	fv->optsz = n;
	return 1;
}

/* A fresh NPO form shows NPO法人 chosen (R082). */
static void
default_gclass(struct form *fm, enum okind kind)
{
	size_t	 i;

	if (kind == OKIND_NPO &&
	    (i = form_find(fm, KEY_R_GCLASS)) < fm->fieldsz &&
	    fm->v[i].valsz == 0 && fm->v[i].optsz > 0)
		form_set(fm, KEY_R_GCLASS, fm->v[i].opts[0].value);
}

/* Set up fm as the 紙3 form of fl->kind.  1 ok, 0 error. */
static int
sn_init(struct form *fm, struct ctx *ctx, const struct snflow *fl)
{
	return form_init(fm, ctx, sn_form, KENMIN_NELEM(sn_form), fl) &&
	    filter_gclass(fm, fl->kind);
}

/*
 * Validate fm; 対象市町 ticked for another 対象エリア are dropped (the
 * form shows every field at once without JavaScript).  1 clean.
 */
static int
sn_validate(struct form *fm)
{
	size_t	 i;

	form_validate(fm);
	if ((i = form_find(fm, KEY_SN_MUNIS)) < fm->fieldsz &&
	    !area_municipal(fm))
		drop_vals(&fm->v[i]);
	return fm->nerr == 0;
}

/*
 * Read the urlencoded payload into fm's values, as if it were the
 * body of a request; files[] (if not NULL) gets the upload ids the
 * payload names for file1..3 (the stored form of an FK_FILE value).
 * 1 ok, 0 if the payload does not parse.
 */
static int
payload_parse(struct form *fm, const char *payload,
    int64_t files[FILE_SLOTS])
{
	size_t	 i;

	if (!form_from_payload(fm, payload))
		return 0;
	for (i = 0; files != NULL && i < FILE_SLOTS; i++)
		files[i] = form_upload_id(fm, file_keys[i]);
	return 1;
}

/* ---- the org row ---- */

/*
 * The org's record as an urlencoded payload of the form's fields into
 * b (replaced), its kind into *kind; sealed columns opened.  Returns 1,
 * 0 if there is no such org, -1 on error.
 */
static int
org_payload(struct ctx *ctx, int64_t id, struct buf *b, enum okind *kind)
{
	sqlite3_stmt	*st;
	struct buf	 pt;
	size_t		 i;
	int		 r, rc = -1, reqs;

	buf_init(&pt, 64 * 1024);
	buf_reset(b);
	if (!sess_db(ctx) || !sess_keys(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_ORG])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0) {
		rc = r;
		goto out;
	}
	if ((*kind = kind_of(db_col_text(st, 0))) == OKIND__MAX) {
		sqlite3_reset(st);
		kerr("org %lld: unknown kind", (long long)id);
		goto out;
	}
	form_pair(b, keys[KEY_SN_TYPE].name, okind_names[*kind]);
	for (i = 0; i < KENMIN_NELEM(ocols); i++)
		if (sqlite3_column_type(st, ocols[i].col) != SQLITE_NULL)
			form_pair(b, keys[ocols[i].key].name,
			    db_col_text(st, ocols[i].col));
	if (sqlite3_column_int(st, COL_MINOR))
		form_pair(b, keys[KEY_R_REPAGREE].name, "1");
	reqs = sqlite3_column_int(st, COL_REQS);
	for (i = 0; i < KENMIN_NELEM(scols); i++) {
		if (!flow_col_open(ctx, st, scols[i].col, "org",
		    scols[i].column, id, &pt)) {
			sqlite3_reset(st);
			kerr("org %lld: %s does not open", (long long)id,
			    scols[i].column);
			goto out;
		}
		if (pt.len == 0)
			continue;
		form_pair(b, keys[scols[i].key].name, buf_str(&pt));
		if (scols[i].key == KEY_SN_REG_EMAIL)
			form_pair(b, keys[KEY_SN_REG_EMAIL2].name,
			    buf_str(&pt));
	}
	sqlite3_reset(st);

	if (reqs) {
		if ((st = db_prep(ctx->db, sql[STMT_REQ_IDS])) == NULL)
			goto out;
		while ((r = db_row(ctx->db, st)) > 0)
			form_pair(b, keys[KEY_R_REQS].name, db_col_text(st, 0));
		if (r < 0)
			goto out;
	}
	for (i = 0; i < KENMIN_NELEM(lcols); i++) {
		if ((st = db_prep(ctx->db, sql[lcols[i].sel])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		while ((r = db_row(ctx->db, st)) > 0)
			form_pair(b, keys[lcols[i].key].name,
			    db_col_text(st, 0));
		if (r < 0)
			goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_ORG_URLS])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	while ((r = db_row(ctx->db, st)) > 0) {
		i = (size_t)sqlite3_column_int(st, 0);
		if (i < 1 || i > 3)
			continue;
		form_pair(b, keys[url_keys[i - 1]].name, db_col_text(st, 1));
		form_pair(b, keys[urldesc_keys[i - 1]].name,
		    db_col_text(st, 2));
	}
	if (r < 0)
		goto out;
	rc = buf_ok(b) ? 1 : -1;
out:
	if (pt.p != NULL)
		sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	return rc;
}

/* Bind the plain value v of column kind bk into slot n ("" is NULL). */
static void
bind_plain(sqlite3_stmt *st, int n, enum bkind bk, const char *v)
{
	char		*norm;
	long long	 x;

	if (*v == '\0') {
		db_bind_text(st, n, NULL);
		return;
	}
	switch (bk) {
	case BIND_ID:
		flow_bind_id(st, n, v);
		break;
	case BIND_INT:
		norm = text_normalize(v);
		if (norm != NULL && util_strtoll(norm, 0, 99999999, &x))
			db_bind_int(st, n, x);
		else
			db_bind_text(st, n, NULL);
		free(norm);
		break;
	default:
		db_bind_text(st, n, v);
		break;
	}
}

/* Run statement s with (id, value) for each value of checkbox group k. */
static int
store_links(struct ctx *ctx, const struct form *fm, int64_t id,
    const struct lcol *lc, int keep)
{
	sqlite3_stmt	*st;
	size_t		 i, j;

	if ((st = db_prep(ctx->db, sql[lc->del])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		return 0;
	if (!keep || (i = form_find(fm, lc->key)) == fm->fieldsz)
		return 1;
	for (j = 0; j < fm->v[i].valsz; j++) {
		if ((st = db_prep(ctx->db, sql[lc->add])) == NULL)
			return 0;
		db_bind_int(st, 1, id);
		flow_bind_id(st, 2, fm->v[i].vals[j]);
		if (!db_run(ctx->db, st))
			return 0;
	}
	return 1;
}

/*
 * Write the validated form fm to org id (created by STMT_INSERT or
 * existing): every column, the sealed ones bound to id, the link
 * tables, the URLs and the files (files[] if not NULL, else the
 * form's own uploads; 0 keeps a slot).  In the caller's transaction.
 * 1 ok, 0 error.
 */
static int
store_org(struct ctx *ctx, const struct form *fm, int64_t id,
    const int64_t *files)
{
	struct buf	 tmp[KENMIN_NELEM(scols)];
	unsigned char	 bidx[BIDX_SZ];
	sqlite3_stmt	*st;
	char		*lower = NULL;
	int64_t		 up;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < KENMIN_NELEM(scols); i++)
		buf_init(&tmp[i], 4096);
	if ((lower = text_normalize(form_val(fm, KEY_SN_REG_EMAIL))) == NULL)
		goto out;
	crypto_bidx(ctx->keys, "email", lower, bidx);
	if ((st = db_prep(ctx->db, sql[STMT_UPDATE])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	for (i = 0; i < KENMIN_NELEM(ocols); i++)
		bind_plain(st, ocols[i].col + 1, ocols[i].bind,
		    form_val(fm, ocols[i].key));
	/* Both boxes are required on the forms that show them. */
	db_bind_int(st, COL_MINOR + 1, 1);
	db_bind_int(st, COL_REQS + 1, is_grp(fm));
	for (i = 0; i < KENMIN_NELEM(scols); i++)
		if (!flow_bind_sealed(ctx, st, scols[i].col + 1, "org",
		    scols[i].column, id, form_val(fm, scols[i].key),
		    &tmp[i])) {
			sqlite3_reset(st);
			goto out;
		}
	db_bind_blob(st, 37, bidx, sizeof(bidx));
	db_bind_int(st, 38, ctx->now);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1)
		goto out;

	for (i = 0; i < KENMIN_NELEM(lcols); i++)
		if (!store_links(ctx, fm, id, &lcols[i],
		    lcols[i].key != KEY_SN_MUNIS || area_municipal(fm)))
			goto out;

	if ((st = db_prep(ctx->db, sql[STMT_DEL_URL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!db_run(ctx->db, st))
		goto out;
	for (i = 0; i < 3; i++) {
		if (*form_val(fm, url_keys[i]) == '\0')
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_ADD_URL])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)i + 1);
		db_bind_text(st, 3, form_val(fm, url_keys[i]));
		bind_plain(st, 4, BIND_TEXT, form_val(fm, urldesc_keys[i]));
		if (!db_run(ctx->db, st))
			goto out;
	}

	for (i = 0; i < FILE_SLOTS; i++) {
		up = files != NULL ? files[i] :
		    form_upload_id(fm, file_keys[i]);
		if (up <= 0)
			continue;
		if ((st = db_prep(ctx->db, sql[STMT_ADD_FILE])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)i + 1);
		db_bind_int(st, 3, up);
		if (!db_run(ctx->db, st))
			goto out;
	}
	rc = 1;
out:
	for (i = 0; i < KENMIN_NELEM(scols); i++)
		buf_free(&tmp[i]);
	free(lower);
	return rc;
}

/* ---- screens ---- */

/* Put the flow's own hidden fields (type, t or org) into v. */
static void
flow_hidden(struct ctx *ctx, struct tarena *ta, struct tval *v,
    const struct snflow *fl, int fallback)
{
	struct tval	*list, *o;
	char		 num[24];

	(void)ctx;
	list = tv_list(ta);
	o = tv_push_obj(list);
	if (fallback) {
		snprintf(num, sizeof(num), "%lld", (long long)fl->org);
		tv_set_str(o, "name", keys[KEY_SN_ORG].name);
		tv_set_str(o, "value", num);
	} else if (fl->token != NULL) {
		tv_set_str(o, "name", keys[KEY_TOKEN].name);
		tv_set_str(o, "value", fl->token);
	} else {
		tv_set_str(o, "name", keys[KEY_SN_TYPE].name);
		tv_set_str(o, "value", okind_names[fl->kind]);
	}
	tv_set(v, "flowhidden", list);
}

/* The heading of the flow's screens into b. */
static void
heading(struct buf *b, const struct snflow *fl, int fallback)
{
	buf_reset(b);
	if (fallback)
		buf_puts(b, "スーパーネット 修正依頼（登録担当者が変わった場合）");
	else if (fl->token != NULL)
		buf_printf(b, "スーパーネット %s情報の修正依頼",
		    okind_labels[fl->kind]);
	else
		buf_printf(b, "スーパーネット %s情報の登録",
		    okind_labels[fl->kind]);
}

/* A page with one heading, one message and a link back. */
static int
show_message(struct ctx *ctx, const char *title, const char *message,
    const char *link_path, const char *link_text)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", title);
	tv_set_str(v, "message", message);
	if (link_path != NULL) {
		form_url(ctx, v, "link", link_path);
		tv_set_str(v, "link_text", link_text);
	}
	return flow_show(ctx, ta, v, "snreg_message", title, 0);
}

/* The terms with the kind choice (R080); fm holds its error, or NULL. */
static int
show_terms(struct ctx *ctx, struct form *fm, const char *message,
    const char *handover)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct form	 own;
	struct snflow	 none;
	enum okind	 k;
	int		 errors, rc = 0;

	memset(&own, 0, sizeof(own));
	memset(&none, 0, sizeof(none));
	none.kind = OKIND__MAX;
	if (fm == NULL) {
		if (!form_init(&own, ctx, kind_form, KENMIN_NELEM(kind_form),
		    &none))
			goto out;
		fm = &own;
		if (handover != NULL &&
		    snreg_handover(ctx, handover, 0, fm) != 1)
			handover = NULL;
		if ((k = in_kind(ctx)) != OKIND__MAX)
			form_set(fm, KEY_SN_TYPE, okind_names[k]);
	}
	if (!flow_page_md(ctx, v, "supernet", "terms", "terms_title", "terms"))
		goto out;
	if (message != NULL)
		tv_set_str(v, "message", message);
	if (handover != NULL)
		tv_set_str(v, "handover", handover);
	errors = fm->nerr > 0;
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/supernet/register");
	rc = flow_show(ctx, ta, v, "snreg_terms",
	    "スーパーネット 団体・企業情報の登録：登録規約", errors);
	ta = NULL;
out:
	tarena_free(ta);
	form_free(&own);
	return rc;
}

/* The form of fl (registration or edit); errors shows the messages. */
static int
show_form(struct ctx *ctx, struct form *fm, const struct snflow *fl,
    int errors, const char *note)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	int		 rc;

	buf_init(&b, 512);
	heading(&b, fl, 0);
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_bool(v, "edit", fl->token != NULL);
	if (note != NULL)
		tv_set_str(v, "note", note);
	flow_hidden(ctx, ta, v, fl, 0);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", fl->token != NULL ? "/supernet/edit/form" :
	    "/supernet/register");
	buf_puts(&b, "：入力");
	rc = flow_show(ctx, ta, v, "snreg_form", buf_str(&b),
	    errors && fm->nerr > 0);
	buf_free(&b);
	return rc;
}

/* The confirmation page (JIS 3.3.4) with a fresh idempotency key. */
static int
show_confirm(struct ctx *ctx, struct form *fm, const struct snflow *fl,
    int fallback, const char *orgname)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	struct buf	 b;
	char		 idem[SESS_HEX + 1];
	int		 rc;

	buf_init(&b, 512);
	crypto_token_hex(idem, SESS_HEX / 2);
	heading(&b, fl, fallback);
	tv_set_str(v, "heading", buf_str(&b));
	tv_set_str(v, "idem", idem);
	if (orgname != NULL)
		tv_set_str(v, "orgname", orgname);
	else
		tv_set_str(v, "kind_label", okind_labels[fl->kind]);
	flow_hidden(ctx, ta, v, fl, fallback);
	form_confirm_vars(fm, ta, v);
	form_hidden_vars(fm, ta, v);
	form_url(ctx, v, "action", fallback ? "/supernet/edit/fallback" :
	    fl->token != NULL ? "/supernet/edit/form" : "/supernet/register");
	buf_puts(&b, "：入力内容の確認");
	rc = flow_show(ctx, ta, v, "snreg_confirm", buf_str(&b), 0);
	buf_free(&b);
	return rc;
}

/* After the registration's submit (and its replay: no hand-over). */
static int
show_done(struct ctx *ctx, const char *handover)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	if (handover != NULL) {
		tv_set_str(v, "ak_handover", handover);
		form_url(ctx, v, "ak_url", "/aikasa/register");
	}
	return flow_show(ctx, ta, v, "snreg_done",
	    "スーパーネット 団体・企業情報の登録：確認メールを送信しました", 0);
}

/* ---- the registration ---- */

/*
 * The registrant's verification mail (to #37) in the caller's
 * transaction.  1 ok, 0 error.
 */
static int
mail_verify(struct ctx *ctx, const struct form *fm, enum okind kind,
    int64_t id)
{
	char		 tok[SESS_HEX + 1];
	struct buf	 body;
	int		 rc = 0;

	buf_init(&body, MAIL_BODY_MAX);
	if (!flow_token_new(ctx, "verify_email", "org", id, VERIFY_TTL, NULL,
	    tok))
		goto out;
	buf_printf(&body, "%s 様\n\n"
	    "山口県県民活動スーパーネットへの%s情報の登録のお申し込みを"
	    "受け付けました。\n"
	    "登録担当者のメールアドレスを確認するため、次のURLを開き、表示"
	    "された画面の「メールアドレスを確認する」ボタンを押してください。"
	    "確認が済むと、センターが内容を確認します。\n\n",
	    form_val(fm, KEY_SN_REG_NAME), okind_labels[kind]);
	flow_abs_url(ctx, &body, "/supernet/verify?t=");
	buf_puts(&body, tok);
	buf_printf(&body, "\n\nこのURLの有効期限は24時間です。\n\n"
	    "登録の種類：%s\n団体・企業名：%s\n\n"
	    "このメールにお心当たりのない場合は、何もせずに削除してください。\n"
	    "\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n",
	    okind_labels[kind], form_val(fm, KEY_R_ORG));
	sodium_memzero(tok, sizeof(tok));
	rc = buf_ok(&body) && flow_mail(ctx, "supernet_verify",
	    form_val(fm, KEY_SN_REG_EMAIL),
	    "【スーパーネット】登録担当者メールアドレスの確認", buf_str(&body));
out:
	sodium_memzero(body.p, body.len);
	buf_free(&body);
	return rc;
}

/*
 * The hand-over record to あいかさねっと (R086, A-36): the shared
 * fields under the names of register.c's form, sealed behind a
 * one-time token.  In the caller's transaction.  1 ok, 0 error.
 */
static int
handover_to_aikasa(struct ctx *ctx, const struct form *fm, enum okind kind,
    int64_t id, char tok[SESS_HEX + 1])
{
	struct buf	 p;
	const char	*tel;
	int		 rc;

	buf_init(&p, PAYLOAD_MAX);
	form_pair(&p, keys[KEY_R_TYPE].name, kind == OKIND_COMPANY ?
	    "company" : "group");
	form_pair(&p, keys[KEY_R_GCLASS].name, form_val(fm, KEY_R_GCLASS));
	form_pair(&p, keys[KEY_R_CCAT].name, form_val(fm, KEY_R_CCAT));
	form_pair(&p, keys[KEY_R_ORG].name, form_val(fm, KEY_R_ORG));
	form_pair(&p, keys[KEY_R_ORGKANA].name, form_val(fm, KEY_R_ORGKANA));
	form_pair(&p, keys[KEY_R_REP].name, form_val(fm, KEY_R_REP));
	form_pair(&p, keys[KEY_R_TITLE].name, form_val(fm, KEY_R_TITLE));
	form_pair(&p, keys[KEY_R_PREF].name, form_val(fm, KEY_R_PREF));
	form_pair(&p, keys[KEY_R_MUNI].name, form_val(fm, KEY_R_MUNI));
	tel = form_val(fm, KEY_R_TEL);
	form_pair(&p, keys[KEY_R_TEL].name, *tel != '\0' ? tel :
	    form_val(fm, KEY_SN_REG_TEL));
	form_pair(&p, keys[KEY_R_EMAIL].name, form_val(fm, KEY_SN_REG_EMAIL));
	rc = buf_ok(&p) && flow_token_new(ctx, "handover", "org", id,
	    HANDOVER_TTL, buf_str(&p), tok);
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	return rc;
}

/*
 * The registration's final POST: one transaction stores the org, its
 * verification token and mail, the hand-over record, the audit row and
 * the idempotency key; a replayed key shows the done page again.
 */
static int
reg_submit(struct ctx *ctx, struct form *fm, const struct snflow *fl,
    const char *idem)
{
	char		 ho[SESS_HEX + 1];
	struct buf	 res, detail;
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 r, rc = 0, began = 0;

	buf_init(&res, 256);
	buf_init(&detail, AUDIT_DETAIL_MAX);
	ho[0] = '\0';
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_done(ctx, NULL);
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_INSERT])) == NULL)
		goto out;
	db_bind_text(st, 1, okind_names[fl->kind]);
	flow_bind_id(st, 2, fl->kind == OKIND_COMPANY ?
	    form_val(fm, KEY_R_CCAT) : NULL);
	db_bind_int(st, 3, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	id = db_last_id(ctx->db);
	if (!store_org(ctx, fm, id, NULL) ||
	    !mail_verify(ctx, fm, fl->kind, id) ||
	    !handover_to_aikasa(ctx, fm, fl->kind, id, ho))
		goto out;
	buf_printf(&detail, "kind=%s reg_email=", okind_names[fl->kind]);
	audit_mask_email(form_val(fm, KEY_SN_REG_EMAIL), &detail);
	if (!buf_ok(&detail) ||
	    !flow_audit(ctx, "sn_register", "org", id, buf_str(&detail)))
		goto out;
	buf_reset(&res);
	buf_printf(&res, "org:%lld", (long long)id);
	if (!form_idem_put(ctx, idem, buf_str(&res)) || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_done(ctx, ho);
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(ho, sizeof(ho));
	buf_free(&res);
	buf_free(&detail);
	return rc;
}

/*
 * The steps every form POST shares: edit shows the form again,
 * confirm validates and shows the confirmation, submit checks the
 * idempotency key and validates again.  Returns 1 with *idem set when
 * the caller should store, 2 when a page was rendered, 0 on error.
 */
static int
form_steps(struct ctx *ctx, struct form *fm, const struct snflow *fl,
    const char **idem)
{
	const char	*step;

	step = in_val(ctx, KEY_F_STEP);
	form_read(fm);
	if (step != NULL && strcmp(step, "edit") == 0)
		return show_form(ctx, fm, fl, 0, NULL) ? 2 : 0;
	if (step == NULL || (strcmp(step, "confirm") != 0 &&
	    strcmp(step, "submit") != 0))
		return page_error(ctx, 400) ? 2 : 0;
	if (strcmp(step, "submit") == 0 &&
	    req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM) == NULL)
		return page_error(ctx, 400) ? 2 : 0;
	if (!sn_validate(fm))
		return show_form(ctx, fm, fl, 1, NULL) ? 2 : 0;
	if (strcmp(step, "confirm") == 0)
		return show_confirm(ctx, fm, fl, 0, NULL) ? 2 : 0;
	*idem = req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM)->val;
	return 1;
}

/*
 * /supernet/register: GET shows the terms (?type= preselects a form,
 * ?handover= a hand-over from あいかさねっと); POST step agree opens the
 * form (and takes the hand-over), then edit, confirm, submit.
 */
int
snreg_register(struct ctx *ctx)
{
	struct form	 fm, tf;
	struct snflow	 fl, none;
	const char	*step, *ho, *idem = NULL, *note = NULL;
	int		 r, rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&tf, 0, sizeof(tf));
	memset(&fl, 0, sizeof(fl));
	memset(&none, 0, sizeof(none));
	none.kind = OKIND__MAX;
	ho = in_val(ctx, KEY_SN_HANDOVER);
	if (ctx->req.env.method != METHOD_POST)
		return show_terms(ctx, NULL, NULL, ho);
	step = in_val(ctx, KEY_F_STEP);
	if (step != NULL && strcmp(step, "agree") == 0) {
		if (!form_init(&tf, ctx, kind_form, KENMIN_NELEM(kind_form),
		    &none))
			goto out;
		form_read(&tf);
		if (!form_validate(&tf)) {
			rc = show_terms(ctx, &tf, NULL, ho);
			goto out;
		}
	}
	if ((fl.kind = in_kind(ctx)) == OKIND__MAX) {
		rc = show_terms(ctx, NULL, "登録の前に、登録規約をお読みいただき、"
		    "登録の種類を選んで「同意する」を押してください。", NULL);
		goto out;
	}
	if (!sn_init(&fm, ctx, &fl))
		goto out;
	if (step == NULL || strcmp(step, "agree") == 0) {
		if (ho != NULL) {
			if ((r = snreg_handover(ctx, ho, 1, &fm)) < 0)
				goto out;
			note = r > 0 ? "あいかさねっとで入力された内容を反映しました。"
			    "空欄の項目を入力し、内容をご確認ください。" :
			    "あいかさねっとの入力内容を引き継げませんでした"
			    "（引き継ぎの有効期限が過ぎたか、すでに使われています）。"
			    "お手数ですが、すべての項目を入力してください。";
		}
		default_gclass(&fm, fl.kind);
		rc = show_form(ctx, &fm, &fl, 0, note);
		goto out;
	}
	if ((r = form_steps(ctx, &fm, &fl, &idem)) != 1) {
		rc = r != 0;
		goto out;
	}
	rc = reg_submit(ctx, &fm, &fl, idem);
out:
	form_free(&fm);
	form_free(&tf);
	return rc;
}

/* ---- the 登録担当者Eメール link ---- */

/*
 * After the token is consumed: the org is 仮登録 (review); mail the
 * registrant (仮登録依頼完了, R085) and the center (登録依頼あり, R084)
 * and audit.  In the caller's transaction.  1 ok, 0 error.
 */
static int
verified(struct ctx *ctx, int64_t id)
{
	struct buf	 p, body;
	struct form	 fm;
	struct snflow	 fl;
	sqlite3_stmt	*st;
	int		 rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&fl, 0, sizeof(fl));
	buf_init(&p, PAYLOAD_MAX);
	buf_init(&body, MAIL_BODY_MAX);
	if ((st = db_prep(ctx->db, sql[STMT_VERIFY])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st) || db_changes(ctx->db) != 1)
		goto out;
	if (org_payload(ctx, id, &p, &fl.kind) != 1 ||
	    !sn_init(&fm, ctx, &fl) ||
	    !form_from_payload(&fm, buf_str(&p)))
		goto out;

	buf_printf(&body, "%s 様\n\n"
	    "メールアドレスの確認が完了し、山口県県民活動スーパーネットへの"
	    "仮登録の依頼を受け付けました。\n"
	    "センターが内容を確認したうえで掲載し、掲載しましたらこの"
	    "アドレスにお知らせします。\n\n"
	    "受付番号：%lld\n登録の種類：%s\n団体・企業名：%s\n"
	    "\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n",
	    form_val(&fm, KEY_SN_REG_NAME), (long long)id,
	    okind_labels[fl.kind], form_val(&fm, KEY_R_ORG));
	if (!buf_ok(&body) || !flow_mail(ctx, "supernet_registered",
	    form_val(&fm, KEY_SN_REG_EMAIL),
	    "【スーパーネット】仮登録依頼完了", buf_str(&body)))
		goto out;

	/* To the center: no 一般非公開 data, the public name only. */
	buf_reset(&body);
	buf_printf(&body, "スーパーネットに団体・企業情報の登録依頼が"
	    "ありました（登録担当者のメールアドレス確認済み）。\n\n"
	    "受付番号：%lld\n登録の種類：%s\n団体・企業名：%s\n\n"
	    "管理画面で内容を確認してください。\n",
	    (long long)id, okind_labels[fl.kind], form_val(&fm, KEY_R_ORG));
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	if (!buf_ok(&body) || !flow_mail_center(ctx, "supernet",
	    "supernet_center_registered", "【スーパーネット】登録依頼あり",
	    buf_str(&body)))
		goto out;
	rc = flow_audit(ctx, "sn_verify_email", "org", id, NULL);
out:
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	buf_free(&body);
	form_free(&fm);
	return rc;
}

static const char link_gone[] =
    "このURLは無効です。有効期限が過ぎたか、すでに使われたか、途中で"
    "切れている可能性があります。";

/*
 * /supernet/verify?t=TOKEN: GET shows one button and changes nothing
 * mail scanners fetch links); its POST consumes the token and
 * confirms the address.
 */
int
snreg_verify(struct ctx *ctx)
{
	const char	*tok;
	struct tarena	*ta;
	struct tval	*v;
	char		 kind[16];
	int64_t		 id = 0;
	int		 r, post, done = 0, began = 0, rc = 0;

	post = ctx->req.env.method == METHOD_POST;
	tok = in_val(ctx, KEY_TOKEN);
	if (tok != NULL && req_get(&ctx->req, post ? KSRC_BODY : KSRC_QUERY,
	    KEY_TOKEN) == NULL)
		tok = NULL;
	if (!sess_db(ctx) || !sess_keys(ctx))
		return 0;
	if (post) {
		if (!db_begin(ctx->db))
			return 0;
		began = 1;
	}
	if ((r = flow_token_get(ctx, "verify_email", tok, kind, sizeof(kind),
	    &id, NULL)) < 0)
		goto out;
	if (r > 0 && strcmp(kind, "org") != 0)
		r = 0;
	if (post && r > 0) {
		if ((r = flow_token_use(ctx, "verify_email", tok)) < 0)
			goto out;
		if (r > 0) {
			if (!verified(ctx, id) || !db_commit(ctx->db))
				goto out;
			began = 0;
			done = 1;
			spawn_gen(ctx->cfg, "mail");
		}
	}
	if (began) {
		db_rollback(ctx->db);
		began = 0;
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	form_url(ctx, v, "action", "/supernet/verify");
	tv_set_bool(v, "done", done);
	if (!done && r > 0)
		tv_set_str(v, "token", tok);
	else if (!done)
		tv_set_str(v, "error", link_gone);
	rc = flow_show(ctx, ta, v, "snreg_verify", done ?
	    "スーパーネット：仮登録の依頼を受け付けました" :
	    "スーパーネット：登録担当者メールアドレスの確認", 0);
out:
	if (began)
		db_rollback(ctx->db);
	return rc;
}

/* ---- 修正依頼 (A-07) ---- */

/*
 * The public org id: its name into name (replaced) and its opened
 * 登録担当者Eメール into email (if not NULL; "" if none).  1, 0 if it is
 * not public, -1 on error.
 */
static int
public_org(struct ctx *ctx, int64_t id, struct buf *name, struct buf *email,
    enum okind *kind)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_PUBLIC_ORG])) ==
	    NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	buf_reset(name);
	buf_puts(name, db_col_text(st, 0));
	if (kind != NULL)
		*kind = kind_of(db_col_text(st, 1));
	r = 1;
	if (email != NULL && !flow_col_open(ctx, st, 2, "org",
	    "reg_email_ct", id, email))
		r = -1;
	sqlite3_reset(st);
	return r;
}

/*
 * 「修正用のリンクを送る」: mail a 30-minute single-use link to the
 * 登録担当者Eメール on file.  The page never shows the address.
 */
static int
edit_send(struct ctx *ctx, int64_t id)
{
	char		 tok[SESS_HEX + 1], bucket[64];
	struct buf	 name, email, body;
	int		 r, rc = 0, began = 0;

	buf_init(&name, 4096);
	buf_init(&email, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = public_org(ctx, id, &name, &email, NULL)) < 0)
		goto out;
	if (r == 0) {
		rc = show_message(ctx, "修正依頼", "指定された団体・企業は"
		    "見つかりませんでした。もう一度検索してください。",
		    "/supernet/edit", "修正依頼の検索へ戻る");
		goto out;
	}
	if (email.len == 0) {
		rc = show_message(ctx, "修正依頼", "この団体・企業には登録担当者"
		    "のメールアドレスが登録されていないため、リンクをお送りでき"
		    "ません。「登録担当者が変わった場合」のフォームから修正を"
		    "依頼してください。", "/supernet/edit", "修正依頼の検索へ戻る");
		goto out;
	}
	/* 「リンクを送る」 of one org, LINK_PER_WINDOW times a window */
	snprintf(bucket, sizeof(bucket), "org_edit_link:%lld", (long long)id);
	if ((r = flow_rate(ctx, bucket, LINK_WINDOW, LINK_PER_WINDOW)) < 0)
		goto out;
	if (r == 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_message(ctx, "修正依頼", "短い時間に何度もリンクの"
		    "送信が依頼されたため、送信できませんでした。すでに届いて"
		    "いるメールをご確認いただくか、1時間ほどたってから、もう一度"
		    "お試しください。", "/supernet/edit", "修正依頼の検索へ戻る");
		goto out;
	}
	if (!flow_token_new(ctx, "org_edit_link", "org", id, EDIT_TTL, NULL,
	    tok))
		goto out;
	buf_printf(&body, "%s 登録担当者 様\n\n"
	    "山口県県民活動スーパーネットに掲載中の情報の修正依頼のため、"
	    "修正用のリンクをお送りします。\n次のURLを開くと、登録内容が入力"
	    "された修正フォームが表示されます。\n\n", buf_str(&name));
	flow_abs_url(ctx, &body, "/supernet/edit/form?t=");
	buf_puts(&body, tok);
	buf_puts(&body, "\n\nこのURLの有効期限は30分で、一度だけ使えます。\n"
	    "このメールにお心当たりのない場合は、何もせずに削除してください。"
	    "登録内容が変わることはありません。\n"
	    "\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n");
	sodium_memzero(tok, sizeof(tok));
	if (!buf_ok(&body) || !flow_mail(ctx, "supernet_edit_link",
	    buf_str(&email), "【スーパーネット】修正用のリンク",
	    buf_str(&body)) ||
	    !flow_audit(ctx, "sn_edit_link", "org", id, NULL) ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_message(ctx, "修正用のリンクをお送りしました",
	    "登録担当者のメールアドレスに、修正用のリンクをお送りしました。"
	    "メールに記載されたURLを30分以内に開いてください。メールが届かない"
	    "場合は、迷惑メールフォルダをご確認ください。",
	    "/supernet/edit", "修正依頼の検索へ戻る");
out:
	if (began)
		db_rollback(ctx->db);
	if (email.p != NULL)
		sodium_memzero(email.p, email.len);
	buf_free(&name);
	buf_free(&email);
	buf_free(&body);
	return rc;
}

/*
 * /supernet/edit: GET searches published orgs by name (R087, R088;
 * public data only); POST step=send org=ID mails the link.
 */
int
snreg_edit(struct ctx *ctx)
{
	const struct kfield	*f;
	struct tarena		*ta;
	struct tval		*v, *list, *o;
	sqlite3_stmt		*st;
	char			*q = NULL;
	const char		*step;
	char			 num[24];
	enum okind		 k;
	int			 r = 0, n = 0, rc = 0;

	if (ctx->req.env.method == METHOD_POST) {
		step = in_val(ctx, KEY_F_STEP);
		f = req_get(&ctx->req, KSRC_BODY, KEY_SN_ORG);
		if (step == NULL || strcmp(step, "send") != 0 || f == NULL)
			return page_error(ctx, 400);
		return edit_send(ctx, (int64_t)f->ival);
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	form_url(ctx, v, "action", "/supernet/edit");
	form_url(ctx, v, "fallback_url", "/supernet/edit/fallback");
	f = req_get(&ctx->req, KSRC_QUERY, KEY_S_Q);
	if (f != NULL) {
		q = xstrdup(f->val);
		text_trim(q);
		tv_set_str(v, "q", q);
	}
	if (q != NULL && *q != '\0') {
		if (!sess_db(ctx) ||
		    (st = db_prep(ctx->db, sql[STMT_SEARCH])) == NULL) {
			tarena_free(ta);
			goto out;
		}
		db_bind_text(st, 1, q);
		db_bind_int(st, 2, SEARCH_MAX + 1);
		list = tv_list(ta);
		while ((r = db_row(ctx->db, st)) > 0) {
			if (++n > SEARCH_MAX) {
				sqlite3_reset(st);
				tv_set_bool(v, "more", 1);
				break;
			}
			o = tv_push_obj(list);
			snprintf(num, sizeof(num), "%lld",
			    (long long)sqlite3_column_int64(st, 0));
			tv_set_str(o, "id", num);
			tv_set_str(o, "name", db_col_text(st, 1));
			k = kind_of(db_col_text(st, 2));
			tv_set_str(o, "kind", k < OKIND__MAX ?
			    okind_labels[k] : "");
			tv_set_str(o, "muni", db_col_text(st, 3));
		}
		if (r < 0) {
			tarena_free(ta);
			goto out;
		}
		tv_set_bool(v, "searched", 1);
		tv_set(v, "results", list);
		tv_set_int(v, "count", n > SEARCH_MAX ? SEARCH_MAX : n);
		tv_set_bool(v, "none", n == 0);
	}
	rc = flow_show(ctx, ta, v, "snreg_edit",
	    q != NULL && *q != '\0' ? "スーパーネット 修正依頼：検索結果" :
	    "スーパーネット 修正依頼：団体・企業の検索", 0);
out:
	free(q);
	return rc;
}

/*
 * Store an edit request of org id: the org_edit row, its sealed
 * payload (and requester), the mails to the center and to to, and
 * the audit row, in the caller's transaction.  1 ok, 0 error.
 */
static int
edit_store(struct ctx *ctx, int64_t id, const char *via, const char *payload,
    const char *requester, const char *orgname, const char *to)
{
	struct buf	 t1, t2, body;
	sqlite3_stmt	*st;
	int64_t		 eid;
	int		 fb, rc = 0;

	fb = strcmp(via, "fallback") == 0;
	buf_init(&t1, PAYLOAD_MAX);
	buf_init(&t2, 64 * 1024);
	buf_init(&body, MAIL_BODY_MAX);
	if ((st = db_prep(ctx->db, sql[STMT_EDIT_ADD])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, via);
	db_bind_int(st, 3, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	eid = db_last_id(ctx->db);
	if ((st = db_prep(ctx->db, sql[STMT_EDIT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, eid);
	if (!flow_bind_sealed(ctx, st, 2, "org_edit", "payload_ct", eid,
	    payload, &t1) || !flow_bind_sealed(ctx, st, 3, "org_edit",
	    "requester_ct", eid, requester, &t2)) {
		sqlite3_reset(st);
		goto out;
	}
	if (!db_run(ctx->db, st))
		goto out;

	buf_printf(&body, "スーパーネットに団体・企業情報の修正依頼が"
	    "ありました%s。\n\n受付番号：%lld\n団体・企業名：%s\n\n"
	    "管理画面で内容を確認してください。\n",
	    fb ? "（登録担当者が変わったとの申し出です。電話で本人確認を"
	    "してください）" : "（登録担当者のメールアドレスに送ったリンク"
	    "から）", (long long)eid, orgname);
	flow_abs_url(ctx, &body, "/admin/");
	buf_putc(&body, '\n');
	if (!buf_ok(&body) || !flow_mail_center(ctx, "supernet",
	    "supernet_center_edit", "【スーパーネット】修正依頼あり",
	    buf_str(&body)))
		goto out;
	buf_reset(&body);
	buf_printf(&body, "山口県県民活動スーパーネットに掲載中の「%s」の"
	    "情報の修正依頼を受け付けました。\n受付番号：%lld\n\n"
	    "センターで内容を確認したうえで、掲載内容を更新します%s。"
	    "更新するまでは、これまでの内容が掲載されます。\n"
	    "このメールにお心当たりのない場合は、センターにご連絡ください。\n"
	    "\n-- \n山口県県民活動スーパーネット"
	    "（やまぐち県民活動支援センター）\n", orgname, (long long)eid,
	    fb ? "（確認のため、センターからお電話することがあります）" : "");
	if (!buf_ok(&body) || !flow_mail(ctx, "supernet_edit_received", to,
	    "【スーパーネット】修正依頼の受付", buf_str(&body)) ||
	    !flow_audit(ctx, fb ? "sn_edit_fallback" : "sn_edit_request",
	    "org", id, NULL))
		goto out;
	rc = 1;
out:
	buf_free(&t1);
	buf_free(&t2);
	buf_free(&body);
	return rc;
}

/* The token of an edit form request (query for GET, body for POST). */
static const char *
edit_token(const struct ctx *ctx)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	return f != NULL ? f->val : NULL;
}

/*
 * /supernet/edit/form?t=TOKEN: only the mailed link opens the form
 * with the stored values, the 一般非公開 ones included; the
 * submit uses the token up and stores a 修正依頼 (R090).
 */
int
snreg_edit_form(struct ctx *ctx)
{
	struct form	 fm;
	struct snflow	 fl;
	struct buf	 p, name, email, res;
	const char	*idem = NULL;
	char		 kind[16];
	int		 r, rc = 0, began = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&fl, 0, sizeof(fl));
	buf_init(&p, PAYLOAD_MAX);
	buf_init(&name, 4096);
	buf_init(&email, 4096);
	buf_init(&res, 256);
	fl.token = edit_token(ctx);
	if ((r = flow_token_get(ctx, "org_edit_link", fl.token, kind,
	    sizeof(kind), &fl.org, NULL)) < 0)
		goto out;
	if (r == 0 && ctx->req.env.method == METHOD_POST &&
	    req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM) != NULL &&
	    form_idem_get(ctx, req_get(&ctx->req, KSRC_BODY,
	    KEY_F_IDEM)->val, &res) > 0) {
		/* The replay of a submit that used the token. */
		rc = show_message(ctx, "修正依頼を受け付けました",
		    "修正依頼を受け付けました。センターで内容を確認したうえで、"
		    "掲載内容を更新します。", NULL, NULL);
		goto out;
	}
	if (r == 0 || strcmp(kind, "org") != 0) {
		rc = show_message(ctx, "修正依頼", "このURLは無効です。有効期限"
		    "（30分）が過ぎたか、すでに使われた可能性があります。お手数"
		    "ですが、修正依頼の画面からもう一度リンクをお送りください。",
		    "/supernet/edit", "修正依頼の検索へ");
		goto out;
	}
	if ((r = org_payload(ctx, fl.org, &p, &fl.kind)) <= 0) {
		if (r == 0)
			rc = page_error(ctx, 404);
		goto out;
	}
	if (!sn_init(&fm, ctx, &fl))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		if (!form_from_payload(&fm, buf_str(&p)))
			goto out;
		rc = show_form(ctx, &fm, &fl, 0, NULL);
		goto out;
	}
	if ((r = form_steps(ctx, &fm, &fl, &idem)) != 1) {
		rc = r != 0;
		goto out;
	}
	/* The mails go to the address on file, which the link reached. */
	if (public_org(ctx, fl.org, &name, &email, NULL) < 0 ||
	    !sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r > 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_message(ctx, "修正依頼を受け付けました",
		    "修正依頼を受け付けました。センターで内容を確認したうえで、"
		    "掲載内容を更新します。", NULL, NULL);
		goto out;
	}
	if ((r = flow_token_use(ctx, "org_edit_link", fl.token)) < 0)
		goto out;
	if (r == 0) {
		db_rollback(ctx->db);
		began = 0;
		rc = show_message(ctx, "修正依頼", "このURLはすでに使われて"
		    "います。", "/supernet/edit", "修正依頼の検索へ");
		goto out;
	}
	buf_reset(&p);
	form_payload(&fm, &p);
	if (name.len == 0) {
		buf_puts(&name, form_val(&fm, KEY_R_ORG));
	}
	if (!buf_ok(&p) || !edit_store(ctx, fl.org, "link", buf_str(&p),
	    NULL, buf_str(&name), email.len > 0 ? buf_str(&email) :
	    form_val(&fm, KEY_SN_REG_EMAIL)) ||
	    !form_idem_put(ctx, idem, "org_edit") || !db_commit(ctx->db))
		goto out;
	began = 0;
	spawn_gen(ctx->cfg, "mail");
	rc = show_message(ctx, "修正依頼を受け付けました",
	    "修正依頼を受け付けました。センターで内容を確認したうえで、掲載"
	    "内容を更新します。更新するまでは、これまでの内容が掲載されます。"
	    "受付のメールを登録担当者のメールアドレスにお送りしました。",
	    NULL, NULL);
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(p.p, p.len);
	if (email.p != NULL)
		sodium_memzero(email.p, email.len);
	buf_free(&p);
	buf_free(&name);
	buf_free(&email);
	buf_free(&res);
	form_free(&fm);
	return rc;
}

/* The fallback form; errors shows the messages. */
static int
show_fallback(struct ctx *ctx, struct form *fm, const struct snflow *fl,
    const char *orgname, int errors)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	const char	*title;

	title = "スーパーネット 修正依頼（登録担当者が変わった場合）";
	tv_set_str(v, "heading", title);
	tv_set_str(v, "orgname", orgname);
	flow_hidden(ctx, ta, v, fl, 1);
	form_vars(fm, ta, v, errors);
	form_url(ctx, v, "action", "/supernet/edit/fallback");
	return flow_show(ctx, ta, v, "snreg_fallback", title,
	    errors && fm->nerr > 0);
}

/*
 * /supernet/edit/fallback?org=ID: the contact on file changed (A-07 3):
 * the request and the new contact, without showing stored data; the
 * payload is the record as it is plus the request, for staff to edit
 * after a phone check.
 */
int
snreg_fallback(struct ctx *ctx)
{
	const struct kfield	*f;
	struct form		 fm;
	struct snflow		 fl;
	struct buf		 name, p, who, res;
	const char		*step, *idem;
	enum okind		 kind = OKIND__MAX;
	int			 r = 0, rc = 0, began = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&fl, 0, sizeof(fl));
	buf_init(&name, 4096);
	buf_init(&p, PAYLOAD_MAX);
	buf_init(&who, 64 * 1024);
	buf_init(&res, 256);
	f = req_get(&ctx->req, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, KEY_SN_ORG);
	if (f == NULL || (r = public_org(ctx, (int64_t)f->ival, &name, NULL,
	    &kind)) == 0) {
		rc = show_message(ctx, "スーパーネット 修正依頼（登録担当者が"
		    "変わった場合）", "修正を依頼する団体・企業を、修正依頼の画面"
		    "で検索して選んでください。", "/supernet/edit",
		    "修正依頼の検索へ");
		goto out;
	}
	if (r < 0)
		goto out;
	fl.org = (int64_t)f->ival;
	fl.kind = kind;
	if (!form_init(&fm, ctx, fb_form, KENMIN_NELEM(fb_form), &fl))
		goto out;
	if (ctx->req.env.method != METHOD_POST) {
		rc = show_fallback(ctx, &fm, &fl, buf_str(&name), 0);
		goto out;
	}
	step = in_val(ctx, KEY_F_STEP);
	form_read(&fm);
	if (step != NULL && strcmp(step, "edit") == 0) {
		rc = show_fallback(ctx, &fm, &fl, buf_str(&name), 0);
		goto out;
	}
	if (step == NULL || (strcmp(step, "confirm") != 0 &&
	    strcmp(step, "submit") != 0) || (strcmp(step, "submit") == 0 &&
	    req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM) == NULL)) {
		rc = page_error(ctx, 400);
		goto out;
	}
	if (!form_validate(&fm)) {
		rc = show_fallback(ctx, &fm, &fl, buf_str(&name), 1);
		goto out;
	}
	if (strcmp(step, "confirm") == 0) {
		rc = show_confirm(ctx, &fm, &fl, 1, buf_str(&name));
		goto out;
	}
	idem = req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM)->val;
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if ((r = form_idem_get(ctx, idem, &res)) < 0)
		goto out;
	if (r == 0) {
		if (org_payload(ctx, fl.org, &p, &kind) != 1)
			goto out;
		buf_printf(&who, "%s\n\n【依頼者（新しい登録担当者）】\n"
		    "氏名：%s\n役職：%s\n電話番号：%s\nEメール：%s",
		    form_val(&fm, KEY_SN_REQUEST),
		    form_val(&fm, KEY_SN_REG_NAME),
		    form_val(&fm, KEY_SN_REG_TITLE),
		    form_val(&fm, KEY_SN_REG_TEL),
		    form_val(&fm, KEY_SN_REG_EMAIL));
		form_pair(&p, keys[KEY_SN_REQUEST].name, buf_str(&who));
		buf_reset(&who);
		form_payload(&fm, &who);
		if (!buf_ok(&p) || !buf_ok(&who) ||
		    !edit_store(ctx, fl.org, "fallback", buf_str(&p),
		    buf_str(&who), buf_str(&name),
		    form_val(&fm, KEY_SN_REG_EMAIL)) ||
		    !form_idem_put(ctx, idem, "org_edit") ||
		    !db_commit(ctx->db))
			goto out;
		began = 0;
		spawn_gen(ctx->cfg, "mail");
	}
	rc = show_message(ctx, "修正依頼を受け付けました",
	    "修正依頼を受け付けました。センターから、入力された電話番号に"
	    "確認のご連絡をしたうえで、掲載内容を更新します。受付のメールを"
	    "入力されたメールアドレスにお送りしました。", NULL, NULL);
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(p.p, p.len);
	sodium_memzero(who.p, who.len);
	buf_free(&name);
	buf_free(&p);
	buf_free(&who);
	buf_free(&res);
	form_free(&fm);
	return rc;
}

/* ---- the staff review hooks ---- */

/* The value of shown field i as the confirmation page shows it. */
static void
field_text(struct ctx *ctx, const struct form *fm, size_t i, int64_t org,
    int64_t fileid, struct buf *b)
{
	const struct ffield	*fd = &fm->fields[i];
	const struct fvalue	*fv = &fm->v[i];
	sqlite3_stmt		*st;
	const char		*lb;
	size_t			 j;

	buf_reset(b);
	if (fd->kind == FK_FILE) {
		st = db_prep(ctx->db, sql[fileid > 0 ? STMT_UPLOAD_NAME :
		    STMT_ORG_FILE]);
		if (st != NULL) {
			db_bind_int(st, 1, fileid > 0 ? fileid : org);
			if (fileid <= 0)
				db_bind_int(st, 2, fd->key == KEY_SN_FILE1 ? 1 :
				    fd->key == KEY_SN_FILE2 ? 2 : 3);
			if (db_row(ctx->db, st) > 0) {
				buf_puts(b, db_col_text(st, 0));
				sqlite3_reset(st);
			}
		}
	} else if (fd->kind == FK_AGREE) {
		if (fv->valsz > 0)
			buf_puts(b, "同意する");
	} else
		for (j = 0; j < fv->valsz; j++) {
			lb = fd->optsrc != FO_NONE ?
			    form_label(fm, i, fv->vals[j]) : fv->vals[j];
			if (lb == NULL)
				continue;
			if (b->len > 0)
				buf_puts(b, "、");
			buf_puts(b, lb);
		}
	if (b->len == 0)
		buf_puts(b, "（未入力）");
}

/*
 * Label/value rows of org id for the staff screen, 一般非公開 data
 * opened; with payload (an edit request), {label, before, after,
 * changed} rows and, for a fallback request, its text.  Appends to
 * rows.  1 ok, 0 error.
 */
int
org_review_rows(struct ctx *ctx, int64_t id, const char *payload,
    struct tarena *ta, struct tval *rows)
{
	struct form	 cur, req, fb;
	struct snflow	 fl;
	struct buf	 p, a, b;
	struct tval	*o;
	int64_t		 files[FILE_SLOTS] = { 0, 0, 0 }, fid;
	size_t		 i, slot;
	int		 rc = 0;

	(void)ta;
	memset(&cur, 0, sizeof(cur));
	memset(&req, 0, sizeof(req));
	memset(&fb, 0, sizeof(fb));
	memset(&fl, 0, sizeof(fl));
	buf_init(&p, PAYLOAD_MAX);
	buf_init(&a, 64 * 1024);
	buf_init(&b, 64 * 1024);
	if (org_payload(ctx, id, &p, &fl.kind) != 1 ||
	    !sn_init(&cur, ctx, &fl) ||
	    !form_from_payload(&cur, buf_str(&p)))
		goto out;
	if (payload != NULL && (!sn_init(&req, ctx, &fl) ||
	    !payload_parse(&req, payload, files)))
		goto out;
	for (i = 0; i < cur.fieldsz; i++) {
		if (!form_shown(&cur, i))
			continue;
		for (fid = 0, slot = 0; slot < FILE_SLOTS; slot++)
			if (cur.fields[i].key == file_keys[slot])
				fid = files[slot];
		field_text(ctx, &cur, i, id, 0, &a);
		o = tv_push_obj(rows);
		tv_set_str(o, "label", cur.fields[i].label);
		if (payload == NULL) {
			tv_set_str(o, "value", buf_str(&a));
			continue;
		}
		/* A file slot the request leaves alone keeps its file. */
		if (cur.fields[i].kind == FK_FILE && fid == 0) {
			buf_reset(&b);
			buf_puts(&b, buf_str(&a));
		} else
			field_text(ctx, &req, i, id, fid, &b);
		tv_set_str(o, "before", buf_str(&a));
		tv_set_str(o, "after", buf_str(&b));
		tv_set_bool(o, "changed",
		    strcmp(buf_str(&a), buf_str(&b)) != 0);
	}
	/* The fallback's request (fb_form's first field) is not in sn_form. */
	if (payload != NULL && (!form_init(&fb, ctx, fb_form, 1, &fl) ||
	    !form_from_payload(&fb, payload)))
		goto out;
	if (payload != NULL && *form_val(&fb, KEY_SN_REQUEST) != '\0') {
		o = tv_push_obj(rows);
		tv_set_str(o, "label", "修正を依頼する内容"
		    "（登録担当者が変わった場合のフォーム）");
		tv_set_str(o, "before", "");
		tv_set_str(o, "after", form_val(&fb, KEY_SN_REQUEST));
		tv_set_bool(o, "changed", 1);
	}
	rc = 1;
out:
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	buf_free(&a);
	buf_free(&b);
	form_free(&cur);
	form_free(&req);
	form_free(&fb);
	return rc;
}

/*
 * Apply an approved edit request's payload to org id, in the caller's
 * transaction: the same rules and the same store as the registration.
 * 1 ok, 0 error (printed).
 */
int
org_edit_apply(struct ctx *ctx, int64_t id, const char *payload)
{
	struct form	 fm;
	struct snflow	 fl;
	struct buf	 p;
	int64_t		 files[FILE_SLOTS];
	size_t		 i;
	int		 rc = 0;

	memset(&fm, 0, sizeof(fm));
	memset(&fl, 0, sizeof(fl));
	buf_init(&p, PAYLOAD_MAX);
	if (org_payload(ctx, id, &p, &fl.kind) != 1 ||
	    !sn_init(&fm, ctx, &fl) ||
	    !payload_parse(&fm, payload, files))
		goto out;
	if (!sn_validate(&fm)) {
		for (i = 0; i < fm.fieldsz; i++)
			if (fm.v[i].err != NULL)
				kerr("org %lld: edit request: %s: %s",
				    (long long)id, fm.fields[i].label,
				    fm.v[i].err);
		goto out;
	}
	rc = store_org(ctx, &fm, id, files);
out:
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	form_free(&fm);
	return rc;
}

/* ---- the hand-over (連携③) ---- */

/*
 * Look up hand-over token tok and read its payload into fm; with use,
 * the token is used up in a transaction of its own.  1 filled, 0 if
 * the token is unknown, used or expired, -1 on error.
 */
int
snreg_handover(struct ctx *ctx, const char *tok, int use, struct form *fm)
{
	struct buf	 p;
	char		 kind[16];
	int64_t		 id;
	int		 r = -1, began = 0;

	buf_init(&p, PAYLOAD_MAX);
	if (tok == NULL) {
		r = 0;
		goto out;
	}
	if (!sess_db(ctx) || !sess_keys(ctx))
		goto out;
	if (use) {
		if (!db_begin(ctx->db))
			goto out;
		began = 1;
	}
	if ((r = flow_token_get(ctx, "handover", tok, kind, sizeof(kind), &id,
	    &p)) <= 0)
		goto out;
	if (use) {
		if ((r = flow_token_use(ctx, "handover", tok)) <= 0)
			goto out;
		if (!db_commit(ctx->db)) {
			r = -1;
			goto out;
		}
		began = 0;
	}
	r = form_from_payload(fm, buf_str(&p)) ? 1 : -1;
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	return r;
}

/*
 * The hand-over record from あいかさねっと (register.c's group or
 * company form ak, member id) to this form: the shared fields
 * under this form's names, sealed behind a one-time token written to
 * out.  In the caller's transaction.  1 ok, 0 error.
 */
int
snreg_handover_new(struct ctx *ctx, int64_t member_id, const struct form *ak,
    char out[SESS_HEX + 1])
{
	struct buf	 p;
	const char	*kind;
	int		 rc;

	buf_init(&p, PAYLOAD_MAX);
	if (*form_val(ak, KEY_R_CCAT) != '\0')
		kind = "company";
	else if (master_flag(ak->ctx, STMT_NPO_CLASS,
	    form_val(ak, KEY_R_GCLASS)) == 1)
		kind = "npo";
	else
		kind = "group";
	form_pair(&p, keys[KEY_SN_TYPE].name, kind);
	form_pair(&p, keys[KEY_R_GCLASS].name, form_val(ak, KEY_R_GCLASS));
	form_pair(&p, keys[KEY_R_CCAT].name, form_val(ak, KEY_R_CCAT));
	form_pair(&p, keys[KEY_R_ORG].name, form_val(ak, KEY_R_ORG));
	form_pair(&p, keys[KEY_R_ORGKANA].name, form_val(ak, KEY_R_ORGKANA));
	form_pair(&p, keys[KEY_R_REP].name, form_val(ak, KEY_R_REP));
	form_pair(&p, keys[KEY_R_TITLE].name, form_val(ak, KEY_R_TITLE));
	form_pair(&p, keys[KEY_R_PREF].name, form_val(ak, KEY_R_PREF));
	form_pair(&p, keys[KEY_R_MUNI].name, form_val(ak, KEY_R_MUNI));
	form_pair(&p, keys[KEY_R_TEL].name, form_val(ak, KEY_R_TEL));
	form_pair(&p, keys[KEY_SN_REG_TEL].name, form_val(ak, KEY_R_TEL));
	form_pair(&p, keys[KEY_SN_REG_EMAIL].name, form_val(ak, KEY_R_EMAIL));
	rc = buf_ok(&p) && flow_token_new(ctx, "handover", "member",
	    member_id, HANDOVER_TTL, buf_str(&p), out);
	sodium_memzero(p.p, p.len);
	buf_free(&p);
	return rc;
}
