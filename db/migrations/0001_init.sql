-- 0001_init.sql: the whole data model of both sites (Super Net and
-- あいかさねっと): master data tables, content, members, postings,
-- accounts, sessions, tokens, audit log, mail outbox, publish queue and
-- settings.  Applied by `kenmin-gen init` (lib/db.c db_migrate).
--
-- Conventions
--   state   下書 'draft' | 仮登録(レビュー) 'review' | 公開 'public'.
--           Members also start as 'unverified' (メールアドレス確認待ち,
--           A-52).  複製 is not a state: it inserts a new 'draft' row
--           copied from another (A-11).
--   review_flag  the outcome of a review that did not publish: 'held'
--           (保留, the center will call, A-13), 'returned' (差し戻し with
--           review_note), 'duplicate' (duplicate_of names the original).
--   *_ct    confidential value sealed with AES-256-GCM (lib/crypto.c),
--           (table, column, id) bound as associated data (A-22).
--   *_bidx  keyed blind index (HMAC-SHA-256) of a sealed value, for
--           look-ups and uniqueness without plaintext.
--   dates   'YYYY-MM-DD' text; machine times are Unix seconds.
--   legacy_gaps  comma list of required fields missing in imported
--           records (A-35); they do not block records already public.

-- ------------------------------------------------------------------
-- Master data (editable by staff; loaded from db/master at init)
-- ------------------------------------------------------------------

CREATE TABLE m_municipality (		-- the 19 市町 + 山口県外 (A-04)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	kana		TEXT NOT NULL,
	slug		TEXT NOT NULL UNIQUE,	-- used in facet page paths
	outside		INTEGER NOT NULL DEFAULT 0 CHECK (outside IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_prefecture (		-- 47 都道府県; id 0 is 「—」 (import only)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	legacy_only	INTEGER NOT NULL DEFAULT 0 CHECK (legacy_only IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_field (			-- 活動分野: the NPO Act's 20 (A-01)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	short_name	TEXT NOT NULL,
	slug		TEXT NOT NULL UNIQUE,
	legacy_code	TEXT,
	on_supernet	INTEGER NOT NULL DEFAULT 1 CHECK (on_supernet IN (0, 1)),
	on_aikasa	INTEGER NOT NULL DEFAULT 1 CHECK (on_aikasa IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_probono_field (		-- 一芸・プロボノ分野 (10)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	slug		TEXT NOT NULL UNIQUE,
	placeholder	INTEGER NOT NULL DEFAULT 0 CHECK (placeholder IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_group_class (		-- 団体の分類 (A-02, A-03)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	is_npo		INTEGER NOT NULL DEFAULT 0 CHECK (is_npo IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_company_category (	-- 企業のカテゴリ／企業の分類
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_target_area (		-- 対象エリア (紙3 #9)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	slug		TEXT NOT NULL UNIQUE,
	is_municipal	INTEGER NOT NULL DEFAULT 0 CHECK (is_municipal IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_budget_range (		-- 前年度総決算 (紙3 #26)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_time_band (		-- 活動可能時間帯 (紙4 #37; values 別途)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	placeholder	INTEGER NOT NULL DEFAULT 0 CHECK (placeholder IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_weekday (		-- 1 月 … 7 日
	id		INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 7),
	name		TEXT NOT NULL UNIQUE,
	short_name	TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE m_requirement (		-- 登録要件 (紙3 #38, 紙4 #18; 別途提示)
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL CHECK (site IN ('supernet', 'aikasa')),
	text		TEXT NOT NULL,
	placeholder	INTEGER NOT NULL DEFAULT 0 CHECK (placeholder IN (0, 1)),
	sort		INTEGER NOT NULL
) STRICT;

CREATE TABLE m_feature (		-- 特徴 (紙3 #33)
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	sort		INTEGER NOT NULL
) STRICT;

-- ------------------------------------------------------------------
-- Uploads: stored outside the web root under a random name; published
-- under another random name only after approval (R256, R482).
-- ------------------------------------------------------------------

CREATE TABLE upload (
	id		INTEGER PRIMARY KEY,
	stored_name	TEXT NOT NULL UNIQUE,
	public_name	TEXT UNIQUE,
	orig_name	TEXT NOT NULL,
	mime		TEXT NOT NULL,
	size		INTEGER NOT NULL CHECK (size >= 0),
	sha256		BLOB,
	alt		TEXT,			-- 1.1.1: staff/members enter it
	state		TEXT NOT NULL DEFAULT 'quarantine'
			CHECK (state IN ('quarantine', 'ok', 'public', 'rejected')),
	created_at	INTEGER NOT NULL
) STRICT;

-- ------------------------------------------------------------------
-- Super Net: groups, NPOs and companies (紙3)
-- ------------------------------------------------------------------

CREATE TABLE org (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('group', 'npo', 'company')),
	source		TEXT NOT NULL CHECK (source IN
			('supernet_form', 'staff', 'aikasa_link', 'legacy_other')),
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	status		TEXT NOT NULL DEFAULT 'active'	-- 活動中・解散・退会
			CHECK (status IN ('active', 'dissolved', 'withdrawn')),
	review_flag	TEXT CHECK (review_flag IN ('held', 'returned', 'duplicate')),
	review_note	TEXT,
	duplicate_of	INTEGER REFERENCES org(id),
	group_class_id	INTEGER REFERENCES m_group_class(id),		-- #1 団体
	company_category_id INTEGER REFERENCES m_company_category(id),	-- #1 企業
	name		TEXT NOT NULL,					-- #2
	kana		TEXT NOT NULL,					-- #3
	rep_name	TEXT NOT NULL,					-- #4
	minor_consent	INTEGER NOT NULL DEFAULT 0 CHECK (minor_consent IN (0, 1)),
	rep_title	TEXT,						-- #5
	staff_name	TEXT,						-- #6 担当者名
	staff_title	TEXT,						-- #7
	target_area_id	INTEGER REFERENCES m_target_area(id),		-- #9
	purpose		TEXT,						-- #11 活動目的
	activities	TEXT,						-- #12 活動内容／業務内容
	csr		TEXT,						-- #13 企業
	collaboration	TEXT,						-- #14
	appeal		TEXT,						-- #15
	main_office	TEXT,						-- #16
	sub_office	TEXT,						-- #17
	zip		TEXT,						-- #18
	pref_id		INTEGER REFERENCES m_prefecture(id),		-- #19
	muni_id		INTEGER REFERENCES m_municipality(id),		-- #20
	address		TEXT,						-- #21
	tel		TEXT,						-- #22
	fax		TEXT,						-- #23
	email		TEXT,						-- #24 (public)
	founded_on	TEXT,						-- #25
	budget_range_id	INTEGER REFERENCES m_budget_range(id),		-- #26
	members_count	INTEGER CHECK (members_count >= 0),		-- #27
	fee		TEXT,						-- #28
	membership	TEXT,						-- #29
	activity_time	TEXT,						-- #30
	requirements_ok	INTEGER NOT NULL DEFAULT 0 CHECK (requirements_ok IN (0, 1)), -- #38
	reg_name_ct	BLOB,						-- #34 一般非公開
	reg_title_ct	BLOB,						-- #35 一般非公開
	reg_tel_ct	BLOB,						-- #36 一般非公開
	reg_email_ct	BLOB,						-- #37 一般非公開
	reg_email_bidx	BLOB,
	reg_email_verified_at INTEGER,		-- A-09: confirmed before review
	member_id	INTEGER REFERENCES member(id),	-- linked あいかさねっと record
	legacy_id	TEXT,
	legacy_gaps	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	CHECK ((kind = 'company') = (company_category_id IS NOT NULL)
	    OR legacy_gaps IS NOT NULL)
) STRICT;
CREATE INDEX org_list ON org (kind, state, status, published_at);
CREATE INDEX org_email ON org (reg_email_bidx);

CREATE TABLE org_field (		-- #8 活動分野
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES m_field(id),
	PRIMARY KEY (org_id, field_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_field_f ON org_field (field_id);

CREATE TABLE org_muni (			-- #10 対象市町
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	muni_id		INTEGER NOT NULL REFERENCES m_municipality(id),
	PRIMARY KEY (org_id, muni_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE org_feature (		-- #33 特徴
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	feature_id	INTEGER NOT NULL REFERENCES m_feature(id),
	PRIMARY KEY (org_id, feature_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE org_url (			-- #31 URL ×3 with descriptions
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	url		TEXT NOT NULL,
	label		TEXT,
	PRIMARY KEY (org_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE org_file (			-- #32 参考ファイル ×3
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (org_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE org_edit (			-- 修正依頼 (A-07)
	id		INTEGER PRIMARY KEY,
	org_id		INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	via		TEXT NOT NULL CHECK (via IN ('link', 'fallback', 'staff')),
	state		TEXT NOT NULL DEFAULT 'review'
			CHECK (state IN ('review', 'approved', 'returned', 'held')),
	payload_ct	BLOB NOT NULL,		-- the proposed record (JSON), sealed
	requester_ct	BLOB,			-- fallback: new contact details
	review_note	TEXT,
	created_at	INTEGER NOT NULL,
	decided_at	INTEGER,
	decided_by	INTEGER REFERENCES staff(id)
) STRICT;
CREATE INDEX org_edit_q ON org_edit (state, created_at);

-- ------------------------------------------------------------------
-- Super Net content (紙1)
-- ------------------------------------------------------------------

CREATE TABLE event (			-- イベント・募集 (募集情報)
	id		INTEGER PRIMARY KEY,
	category	TEXT NOT NULL CHECK (category IN ('event', 'course', 'other')),
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	review_flag	TEXT CHECK (review_flag IN ('held', 'returned', 'duplicate')),
	review_note	TEXT,
	duplicate_of	INTEGER REFERENCES event(id),
	org_id		INTEGER REFERENCES org(id),	-- optional link (A-43)
	organizer	TEXT NOT NULL,			-- 主催者
	title		TEXT NOT NULL,			-- タイトル
	held_text	TEXT,				-- 開催日時 (as written)
	starts_on	TEXT,				-- first day, for the calendar
	ends_on		TEXT,				-- last day
	place		TEXT,				-- 開催場所
	purpose		TEXT,				-- 事業の主旨
	body		TEXT,				-- 内容
	fee		TEXT,				-- 参加料・入場料
	audience	TEXT,				-- 対象者
	apply_from	TEXT,				-- 募集期間
	apply_until	TEXT,
	apply_method	TEXT,				-- 申込み・応募方法
	contact		TEXT,				-- 問い合わせ先団体情報
	cosponsor	TEXT,				-- 共催・後援など
	ref_url		TEXT,				-- 参考URL
	cancelled	INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
	submitter_email_ct BLOB,			-- A-43 verified contact
	submitter_email_bidx BLOB,
	submitter_verified_at INTEGER,
	legacy_id	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;
CREATE INDEX event_list ON event (state, starts_on);
CREATE INDEX event_new ON event (state, published_at);

CREATE TABLE event_field (
	event_id	INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES m_field(id),
	PRIMARY KEY (event_id, field_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE event_file (		-- 参考資料
	event_id	INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (event_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE event_edit (		-- 募集情報修正依頼 (R098)
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
	state		TEXT NOT NULL DEFAULT 'review'
			CHECK (state IN ('review', 'approved', 'returned', 'held')),
	payload_ct	BLOB NOT NULL,
	review_note	TEXT,
	created_at	INTEGER NOT NULL,
	decided_at	INTEGER,
	decided_by	INTEGER REFERENCES staff(id)
) STRICT;

CREATE TABLE grant_item (		-- 助成金情報
	id		INTEGER PRIMARY KEY,
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	funder		TEXT NOT NULL,			-- 募集団体
	name		TEXT NOT NULL,			-- 助成名
	purpose		TEXT,				-- 助成の目的
	amount		TEXT,				-- 助成金額
	target_project	TEXT,				-- 対象事業
	audience	TEXT,				-- 対象者
	apply_from	TEXT,				-- 募集期間
	apply_until	TEXT,				-- deadline (calendar)
	apply_method	TEXT,				-- 申込み・応募方法
	contact_org	TEXT,				-- 問い合わせ先団体名
	contact_zip	TEXT,
	contact_address	TEXT,
	contact_tel	TEXT,
	contact_fax	TEXT,
	contact_email	TEXT,
	ref_url		TEXT,
	cancelled	INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
	legacy_id	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;
CREATE INDEX grant_list ON grant_item (state, apply_until);
CREATE INDEX grant_new ON grant_item (state, published_at);

CREATE TABLE grant_field (		-- 対象分野
	grant_id	INTEGER NOT NULL REFERENCES grant_item(id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES m_field(id),
	PRIMARY KEY (grant_id, field_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE grant_area (		-- 対象エリア
	grant_id	INTEGER NOT NULL REFERENCES grant_item(id) ON DELETE CASCADE,
	area_id		INTEGER NOT NULL REFERENCES m_target_area(id),
	PRIMARY KEY (grant_id, area_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE report (			-- 活動実績・事例
	id		INTEGER PRIMARY KEY,
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,			-- 内容 (Markdown)
	org_name	TEXT NOT NULL,
	org_kana	TEXT,
	held_on		TEXT,				-- 開催日
	held_time	TEXT,				-- 開催時間
	place		TEXT,
	people		TEXT,				-- 人数
	related_orgs	TEXT,				-- 関連団体
	ref_url		TEXT,
	org_id		INTEGER REFERENCES org(id),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;

CREATE TABLE report_photo (
	report_id	INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
	sort		INTEGER NOT NULL,
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (report_id, sort)
) STRICT, WITHOUT ROWID;

CREATE TABLE book (			-- 蔵書
	id		INTEGER PRIMARY KEY,
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	title		TEXT NOT NULL,			-- 書籍名
	author		TEXT,				-- 著者・編集者
	body		TEXT,				-- 内容説明
	publisher	TEXT,				-- 発行所
	published_on	TEXT,				-- 発行日 (as printed)
	receipt_no	TEXT NOT NULL UNIQUE,		-- 受付番号
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;

CREATE TABLE notice (			-- お知らせ / センターからのお知らせ
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL CHECK (site IN ('supernet', 'aikasa')),
	kind		TEXT NOT NULL CHECK (kind IN ('notice', 'center')),
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,			-- Markdown
	posted_on	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	CHECK (site = 'supernet' OR kind = 'notice')
) STRICT;
CREATE INDEX notice_list ON notice (site, kind, state, posted_on);

CREATE TABLE newsletter (		-- さぽーとメール (SN) / 活動ニュース (AK)
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL CHECK (site IN ('supernet', 'aikasa')),
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	issue_no	INTEGER,
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,			-- Markdown
	posted_on	TEXT NOT NULL,
	sent_at		INTEGER,			-- mailed to subscribers
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;
CREATE INDEX newsletter_list ON newsletter (site, state, posted_on);

-- ------------------------------------------------------------------
-- あいかさねっと members (紙4) and volunteer postings (紙2 §5)
-- ------------------------------------------------------------------

CREATE TABLE member (
	id		INTEGER PRIMARY KEY,
	type		TEXT NOT NULL CHECK (type IN ('individual', 'group', 'company')),
	state		TEXT NOT NULL DEFAULT 'unverified'
			CHECK (state IN ('unverified', 'draft', 'review', 'public')),
	status		TEXT NOT NULL DEFAULT 'active'	-- 休止・退会; staff suspension
			CHECK (status IN ('active', 'paused', 'withdrawn', 'suspended')),
	review_flag	TEXT CHECK (review_flag IN ('held', 'returned', 'duplicate')),
	review_note	TEXT,
	duplicate_of	INTEGER REFERENCES member(id),
	detail_done	INTEGER NOT NULL DEFAULT 0 CHECK (detail_done IN (0, 1)), -- A-46
	-- credentials (#1, #2)
	login_id	TEXT,			-- as typed (legacy IDs kept, A-38)
	login_key	TEXT UNIQUE,		-- NFKC case-folded: unique under races
	pw_hash		TEXT,			-- argon2id; NULL until set (A-12, A-39)
	pw_legacy	TEXT,			-- phpass/bcrypt until rehashed (A-39)
	failed_logins	INTEGER NOT NULL DEFAULT 0,
	locked_until	INTEGER,
	-- e-mail (#13): sealed for everyone; verified before activation
	email_ct	BLOB,
	email_bidx	BLOB,
	email_verified_at INTEGER,
	-- public profile (A-16: no contact data is ever published)
	group_class_id	INTEGER REFERENCES m_group_class(id),		-- #5 団
	company_category_id INTEGER REFERENCES m_company_category(id),	-- #5 企
	org_name	TEXT,						-- #6
	org_kana	TEXT,						-- #7
	rep_name	TEXT,						-- #8
	minor_consent	INTEGER NOT NULL DEFAULT 0 CHECK (minor_consent IN (0, 1)),
	rep_title	TEXT,						-- #9
	pref_id		INTEGER REFERENCES m_prefecture(id),		-- #10
	muni_id		INTEGER REFERENCES m_municipality(id),		-- #11
	wants_recruit	INTEGER NOT NULL DEFAULT 0 CHECK (wants_recruit IN (0, 1)), -- #16
	wants_join	INTEGER NOT NULL DEFAULT 0 CHECK (wants_join IN (0, 1)),
	requirements_ok	INTEGER NOT NULL DEFAULT 0 CHECK (requirements_ok IN (0, 1)), -- #18
	occupation	TEXT,						-- #23 個
	qualification	TEXT,						-- #24 個
	sales_point	TEXT,						-- #25
	members_count	INTEGER CHECK (members_count >= 0),		-- #26
	founded_on	TEXT,						-- #27
	purpose		TEXT,						-- #28
	activities	TEXT,						-- #29
	volunteer_record TEXT,						-- #33 企
	time_band_id	INTEGER REFERENCES m_time_band(id),		-- #37
	probono_field_id INTEGER REFERENCES m_probono_field(id),	-- #39
	probono_content	TEXT,						-- #40
	probono_prep	TEXT,						-- #41
	-- staff-only, not published (A-16 (4))
	gender		TEXT CHECK (gender IN ('male', 'female', 'unanswered')), -- #14
	minor_flag	INTEGER NOT NULL DEFAULT 0 CHECK (minor_flag IN (0, 1)), -- A-06
	newsletter_opt	INTEGER NOT NULL DEFAULT 0 CHECK (newsletter_opt IN (0, 1)), -- #42
	mail_stopped	INTEGER NOT NULL DEFAULT 0 CHECK (mail_stopped IN (0, 1)), -- A-27
	bounce_count	INTEGER NOT NULL DEFAULT 0,
	-- 非公開 (sealed): #3 #4 #12 #15 #19 #20 #21 #30 #31 #32
	name_ct		BLOB,			-- #3 氏名
	kana_ct		BLOB,			-- #4 ふりがな
	tel_ct		BLOB,			-- #12 電話番号
	birth_ct	BLOB,			-- #15 生年月日
	zip_ct		BLOB,			-- #19 郵便番号
	address_ct	BLOB,			-- #20 住所
	fax_ct		BLOB,			-- #21 FAX
	dept_ct		BLOB,			-- #30 担当部署名
	contact_name_ct	BLOB,			-- #31 担当者名
	contact_title_ct BLOB,			-- #32 役職名
	legacy_age_ct	BLOB,			-- A-35: only to flag minors
	org_id		INTEGER REFERENCES org(id),	-- linked Super Net record
	legacy_id	TEXT,
	legacy_gaps	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	paused_at	INTEGER,
	withdrawn_at	INTEGER
) STRICT;
CREATE INDEX member_list ON member (type, state, status, published_at);
CREATE INDEX member_email ON member (email_bidx);

CREATE TABLE member_area (		-- #34 活動可能地域
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	muni_id		INTEGER NOT NULL REFERENCES m_municipality(id),
	PRIMARY KEY (member_id, muni_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_area_m ON member_area (muni_id);

CREATE TABLE member_field (		-- #35 活動希望分野
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES m_field(id),
	PRIMARY KEY (member_id, field_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_field_f ON member_field (field_id);

CREATE TABLE member_weekday (		-- #36 活動可能曜日
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	weekday_id	INTEGER NOT NULL REFERENCES m_weekday(id),
	PRIMARY KEY (member_id, weekday_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_url (		-- #22 URL ×3
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	url		TEXT NOT NULL,
	label		TEXT,
	PRIMARY KEY (member_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_file (		-- #17 参考ファイル ×3 (団)
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (member_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_edit (		-- edits of published fields (A-14)
	id		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
	state		TEXT NOT NULL DEFAULT 'review'
			CHECK (state IN ('review', 'approved', 'returned', 'held')),
	payload_ct	BLOB NOT NULL,
	review_note	TEXT,
	created_at	INTEGER NOT NULL,
	decided_at	INTEGER,
	decided_by	INTEGER REFERENCES staff(id)
) STRICT;

CREATE TABLE posting (			-- ボランティア募集 (紙2 §5)
	id		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL REFERENCES member(id),	-- the group
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	review_flag	TEXT CHECK (review_flag IN ('held', 'returned', 'duplicate')),
	review_note	TEXT,
	duplicate_of	INTEGER REFERENCES posting(id),
	title		TEXT NOT NULL,
	activity	TEXT NOT NULL,			-- 活動内容
	activity_when	TEXT,				-- 活動日時 (as written)
	area_text	TEXT,				-- 活動地域 (as written)
	area_all	INTEGER NOT NULL DEFAULT 0 CHECK (area_all IN (0, 1)), -- 県内全域
	place		TEXT,				-- 活動場所
	org_name	TEXT NOT NULL,			-- 募集主体 名称
	org_contact	TEXT,				-- 募集主体 連絡先 (public, A-16)
	org_url		TEXT,				-- 募集主体 URL
	headcount	TEXT,				-- 募集人員
	dress		TEXT,				-- 服装、準備物等
	apply_from	TEXT,				-- 募集期間 (NULL with anytime)
	apply_until	TEXT,
	anytime		INTEGER NOT NULL DEFAULT 0 CHECK (anytime IN (0, 1)), -- 随時
	closed		INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
	notes		TEXT,				-- その他連絡事項
	matched_at	INTEGER,			-- matching mails queued (A-20)
	legacy_id	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	CHECK (anytime = 1 OR apply_until IS NOT NULL OR legacy_id IS NOT NULL)
) STRICT;
CREATE INDEX posting_list ON posting (state, apply_from, apply_until);
CREATE INDEX posting_member ON posting (member_id);

CREATE TABLE posting_field (
	posting_id	INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES m_field(id),
	PRIMARY KEY (posting_id, field_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE posting_area (
	posting_id	INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,
	muni_id		INTEGER NOT NULL REFERENCES m_municipality(id),
	PRIMARY KEY (posting_id, muni_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE posting_weekday (
	posting_id	INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,
	weekday_id	INTEGER NOT NULL REFERENCES m_weekday(id),
	PRIMARY KEY (posting_id, weekday_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE posting_file (		-- 参考ファイル (チラシデータ等)
	posting_id	INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,
	slot		INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (posting_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE posting_edit (		-- re-review of a published posting (A-43)
	id		INTEGER PRIMARY KEY,
	posting_id	INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,
	state		TEXT NOT NULL DEFAULT 'review'
			CHECK (state IN ('review', 'approved', 'returned', 'held')),
	payload_ct	BLOB NOT NULL,
	review_note	TEXT,
	created_at	INTEGER NOT NULL,
	decided_at	INTEGER,
	decided_by	INTEGER REFERENCES staff(id)
) STRICT;

CREATE TABLE application (		-- 参加申込・問い合わせ・参加要請 (R185)
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('apply', 'inquiry', 'request')),
	posting_id	INTEGER REFERENCES posting(id) ON DELETE SET NULL,
	from_member_id	INTEGER REFERENCES member(id) ON DELETE SET NULL,
	to_member_id	INTEGER REFERENCES member(id) ON DELETE SET NULL,
	body_ct		BLOB,			-- sealed; no admin screen shows it (A-18)
	idem_key	TEXT NOT NULL UNIQUE,	-- a retry never makes two
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX application_posting ON application (posting_id, kind);

CREATE TABLE interview (		-- 取材報告
	id		INTEGER PRIMARY KEY,
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,			-- Markdown
	posted_on	TEXT NOT NULL,
	member_id	INTEGER REFERENCES member(id),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;

CREATE TABLE interview_photo (
	interview_id	INTEGER NOT NULL REFERENCES interview(id) ON DELETE CASCADE,
	sort		INTEGER NOT NULL,
	upload_id	INTEGER NOT NULL REFERENCES upload(id),
	PRIMARY KEY (interview_id, sort)
) STRICT, WITHOUT ROWID;

CREATE TABLE faq (			-- Q&A / ヘルプ
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL CHECK (site IN ('supernet', 'aikasa')),
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	category	TEXT NOT NULL,
	question	TEXT NOT NULL,
	answer		TEXT NOT NULL,			-- Markdown
	sort		INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER
) STRICT;

CREATE TABLE page (			-- 固定ページ (content/ is the default)
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL CHECK (site IN ('supernet', 'aikasa')),
	slug		TEXT NOT NULL,			-- path below the site root
	state		TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'review', 'public')),
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,			-- Markdown
	sort		INTEGER NOT NULL DEFAULT 0,
	from_content	TEXT,			-- the content/ file it was loaded from
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	UNIQUE (site, slug)
) STRICT;

CREATE TABLE subscriber (		-- newsletter lists (A-10, A-26)
	id		INTEGER PRIMARY KEY,
	list		TEXT NOT NULL CHECK (list IN ('supernet', 'aikasa')),
	state		TEXT NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending', 'active', 'stopped')),
	source		TEXT NOT NULL CHECK (source IN ('form', 'staff', 'member', 'import')),
	email_ct	BLOB NOT NULL,
	email_bidx	BLOB NOT NULL,
	member_id	INTEGER REFERENCES member(id) ON DELETE CASCADE,
	bounce_count	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	UNIQUE (list, email_bidx)
) STRICT;

-- ------------------------------------------------------------------
-- Staff, sessions, tokens
-- ------------------------------------------------------------------

CREATE TABLE staff (			-- 管理者 / 編集者 (R116, R211)
	id		INTEGER PRIMARY KEY,
	login_id	TEXT NOT NULL,
	login_key	TEXT NOT NULL UNIQUE,
	display_name	TEXT NOT NULL,
	role		TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
	status		TEXT NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'paused')),	-- 休止
	pw_hash		TEXT,			-- NULL until the set-password link is used
	totp_secret_ct	BLOB,			-- A-29
	totp_enabled	INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
	totp_last_step	INTEGER,		-- refuse replay of a used code
	failed_logins	INTEGER NOT NULL DEFAULT 0,
	locked_until	INTEGER,
	pw_changed_at	INTEGER,
	last_login_at	INTEGER,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
) STRICT;

CREATE TABLE staff_recovery (		-- single-use recovery codes, hashed
	staff_id	INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	code_hash	BLOB NOT NULL,
	used_at		INTEGER,
	PRIMARY KEY (staff_id, code_hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE session (
	id_hash		BLOB PRIMARY KEY,	-- SHA-256 of the cookie value
	principal	TEXT NOT NULL CHECK (principal IN ('member', 'staff')),
	principal_id	INTEGER NOT NULL,
	mfa_ok		INTEGER NOT NULL DEFAULT 0 CHECK (mfa_ok IN (0, 1)),
	csrf		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE token (			-- single-use links and hand-overs
	hash		BLOB PRIMARY KEY,	-- SHA-256 of the token
	purpose		TEXT NOT NULL CHECK (purpose IN (
			'verify_email', 'reset_password', 'set_password',
			'org_edit_link', 'event_edit_link', 'handover',
			'one_click', 'subscribe', 'unsubscribe', 'held_form')),
	subject_kind	TEXT,
	subject_id	INTEGER,
	payload_ct	BLOB,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX token_expiry ON token (expires_at);

CREATE TABLE idempotency (		-- a double submit creates one record
	key		TEXT PRIMARY KEY,
	result		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE rate_limit (		-- forms that send mail (R521)
	bucket		TEXT PRIMARY KEY,
	window_start	INTEGER NOT NULL,
	count		INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- ------------------------------------------------------------------
-- Audit log, mail outbox, publish queue, settings
-- ------------------------------------------------------------------

CREATE TABLE audit (			-- append-only, HMAC chained (R454)
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	actor_kind	TEXT NOT NULL CHECK (actor_kind IN
			('public', 'member', 'staff', 'system')),
	actor_id	INTEGER,
	action		TEXT NOT NULL,
	target_kind	TEXT,
	target_id	INTEGER,
	detail		TEXT,			-- personal data masked
	ip		TEXT,			-- masked (last octet / 80 bits)
	mac		BLOB NOT NULL		-- HMAC(prev mac || this row)
) STRICT;

CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	channel		TEXT NOT NULL DEFAULT 'mail' CHECK (channel IN ('mail', 'line')),
	template	TEXT NOT NULL,		-- mail_template key, for the catalogue
	to_ct		BLOB NOT NULL,		-- sealed recipient address
	reply_to_ct	BLOB,
	bcc_center	TEXT CHECK (bcc_center IN ('supernet', 'aikasa')),
	subject		TEXT NOT NULL,		-- made by the system (脆7)
	body_ct		BLOB NOT NULL,		-- sealed: bodies carry personal data
	attachment_id	INTEGER REFERENCES upload(id),
	list_unsubscribe TEXT,
	state		TEXT NOT NULL DEFAULT 'queued'
			CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'dead')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_at		INTEGER NOT NULL,
	last_error	TEXT,
	created_at	INTEGER NOT NULL,
	sent_at		INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_at);

CREATE TABLE mail_template (		-- A-25: staff edit, versioned
	key		TEXT NOT NULL,
	version		INTEGER NOT NULL,
	subject		TEXT NOT NULL,
	body		TEXT NOT NULL,
	updated_at	INTEGER NOT NULL,
	updated_by	INTEGER REFERENCES staff(id),
	PRIMARY KEY (key, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE publish_queue (		-- (kind, id) changed since last publish
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL,
	item_id		INTEGER NOT NULL,
	reason		TEXT NOT NULL,
	enqueued_at	INTEGER NOT NULL
) STRICT;

CREATE TABLE setting (			-- urgent notices, the variable slot, GA …
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL,
	updated_at	INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE redirect (			-- legacy URL map (A-45)
	old_path	TEXT PRIMARY KEY,
	new_path	TEXT NOT NULL
) STRICT, WITHOUT ROWID;
