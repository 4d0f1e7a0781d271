/*
 * matching.c: the あいかさねっと matching mails (R180–R182, R192–R194,
 * ), queued exactly once per newly public posting or
 * member, after `kenmin-gen publish` committed and by `kenmin-gen match`.
 *
 * Rules (A-19, kept here in one place, docs/matching.md):
 *   match(v, p)  = weekday(v) ∩ weekday(p) ≠ ∅ AND (area(v) ∩ area(p) ≠ ∅
 *                  OR p is 県内全域): posting publish (R180, R181) and
 *                  member publish (R192, R194).
 *   match(v, g)  = field(v) ∩ field(g) ≠ ∅ AND area(v) ∩ area(g) ≠ ∅,
 *                  area(g) being g's 活動可能地域, or its municipality when
 *                  it named none: a recruiting group's publish (R193).
 * v is a volunteer-wanting member (wants_join; individual, group or
 * company) that is public and active; p is recruiting now.
 * Mail goes only to public, active members whose mail is not stopped
 * a group never gets its own posting or itself.
 *
 * Exactly once: each item is handled in one transaction that re-reads
 * it with matched_at IS NULL, queues its mails and tokens and sets
 * matched_at; a crash leaves nothing, a second run finds nothing.
 * Members are handled before postings, and a member's R192 mail lists
 * only postings already matched, so a member published together with
 * a posting hears of it once (through R181).
 *
 * Privacy: the lists a group receives come from statements that
 * read only what a member's public page shows; the only sealed column
 * read is the recipient's own e-mail (STMT_CONTACT).
 */
#include <stdint.h>
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
#include "outbox.h"
#include "util.h"
#include "extern.h"

#define MATCH_MAX	200	/* members listed and mailed per item and run */
#define POSTINGS_MAX	50	/* postings in one member's mail (R192) */
#define TOKEN_BYTES	32	/* 256 bits, 64 hex chars (formsvc SESS_HEX) */
#define ANYTIME_TTL	(90 * 86400)	/* a 随時 posting's token */
#define MAIL_MAX	(200 * 1024)	/* below OUTBOX_BODY_MAX */
#define FOOTER		"\n-- \nあいかさねっと（やまぐち県民活動支援センター）\n"

/*
 * A-19's predicates over the aliases v (the volunteer) and p (the
 * posting); and a volunteer who may be matched at all.
 */
#define MATCH_WEEKDAY_AREA \
	"EXISTS (SELECT 1 FROM member_weekday vw JOIN posting_weekday pw " \
	"ON pw.weekday_id = vw.weekday_id WHERE vw.member_id = v.id " \
	"AND pw.posting_id = p.id) AND (p.area_all = 1 OR EXISTS (SELECT 1 " \
	"FROM member_area va JOIN posting_area pa ON pa.muni_id = va.muni_id " \
	"WHERE va.member_id = v.id AND pa.posting_id = p.id))"
#define MATCH_FIELD_AREA(g) \
	"EXISTS (SELECT 1 FROM member_field vf JOIN member_field gf " \
	"ON gf.field_id = vf.field_id WHERE vf.member_id = v.id " \
	"AND gf.member_id = " g ") AND (EXISTS (SELECT 1 FROM member_area va " \
	"JOIN member_area ga ON ga.muni_id = va.muni_id " \
	"WHERE va.member_id = v.id AND ga.member_id = " g ") OR (NOT EXISTS " \
	"(SELECT 1 FROM member_area ga WHERE ga.member_id = " g ") AND " \
	"EXISTS (SELECT 1 FROM member_area va JOIN member gm ON gm.id = " g \
	" WHERE va.member_id = v.id AND va.muni_id = gm.muni_id)))"
#define VOLUNTEER \
	"v.state = 'public' AND v.status = 'active' AND v.wants_join = 1"
#define RECRUITING \
	AK_P_VISIBLE " AND " AK_P_STARTED " AND NOT " AK_P_ENDED

/* What a member's public page shows, columns 0–8. */
#define VCOLS \
	"SELECT v.id, v.type, coalesce(v.org_name, ''), coalesce(mu.name, ''), " \
	"coalesce(v.occupation, ''), coalesce(gc.name, cc.name, ''), " \
	"(SELECT group_concat(name, '、') FROM (SELECT x.name FROM " \
	"member_area a JOIN m_municipality x ON x.id = a.muni_id " \
	"WHERE a.member_id = v.id ORDER BY x.sort, x.id)), " \
	"(SELECT group_concat(name, '、') FROM (SELECT x.short_name AS name " \
	"FROM member_field f JOIN m_field x ON x.id = f.field_id " \
	"WHERE f.member_id = v.id ORDER BY x.sort, x.id)), " \
	"(SELECT group_concat(name, '・') FROM (SELECT w.short_name AS name " \
	"FROM member_weekday d JOIN m_weekday w ON w.id = d.weekday_id " \
	"WHERE d.member_id = v.id ORDER BY w.id))"
#define VFROM \
	" FROM member v LEFT JOIN m_municipality mu ON mu.id = v.muni_id " \
	"LEFT JOIN m_group_class gc ON gc.id = v.group_class_id " \
	"LEFT JOIN m_company_category cc ON cc.id = v.company_category_id "
#define VORDER	" ORDER BY v.published_at DESC, v.id DESC"

/* A posting's public summary, columns 0–10. */
#define PCOLS \
	"SELECT p.id, p.member_id, p.title, p.org_name, " \
	"coalesce(p.activity_when, ''), coalesce(p.area_text, ''), " \
	"p.area_all, coalesce(p.place, ''), coalesce(p.apply_from, ''), " \
	"coalesce(p.apply_until, ''), p.anytime, coalesce(p.headcount, '') "

enum stmt {
	STMT_POSTING,
	STMT_POSTING_MEMBERS,
	STMT_MEMBER,
	STMT_MEMBER_POSTINGS,
	STMT_GROUP_MEMBERS,
	STMT_CONTACT,
	STMT_TOKEN_ADD,
	STMT_POSTING_DONE,
	STMT_MEMBER_DONE,
	STMT_TODO_MEMBERS,
	STMT_TODO_POSTINGS,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_POSTING: ?1 today, ?2 id; only if recruiting and unmatched */
	PCOLS "FROM posting p JOIN member m ON m.id = p.member_id "
	"WHERE p.id = ?2 AND p.matched_at IS NULL AND " RECRUITING,
	/* STMT_POSTING_MEMBERS: the volunteers matching posting ?1 */
	VCOLS VFROM "JOIN posting p ON p.id = ?1 WHERE " VOLUNTEER
	" AND v.id <> p.member_id AND " MATCH_WEEKDAY_AREA VORDER,
	/* STMT_MEMBER: an unmatched public member; 9 wants_join, 10 recruit */
	VCOLS ", v.wants_join, v.type = 'group' AND v.wants_recruit = 1"
	VFROM "WHERE v.id = ?1 AND v.matched_at IS NULL "
	"AND v.state = 'public' AND v.status = 'active'",
	/* STMT_MEMBER_POSTINGS: ?1 today, ?2 the volunteer; matched ones */
	PCOLS "FROM posting p JOIN member m ON m.id = p.member_id "
	"JOIN member v ON v.id = ?2 WHERE " RECRUITING " AND "
	"p.matched_at IS NOT NULL AND p.member_id <> v.id AND "
	MATCH_WEEKDAY_AREA " ORDER BY p.published_at DESC, p.id DESC",
	/* STMT_GROUP_MEMBERS: the volunteers matching group ?1 (R193) */
	VCOLS VFROM "WHERE " VOLUNTEER " AND v.id <> ?1 AND "
	MATCH_FIELD_AREA("?1") VORDER,
	/* STMT_CONTACT: a recipient's sealed e-mail, if it may get mail */
	"SELECT email_ct FROM member WHERE id = ?1 AND state = 'public' "
	"AND status = 'active' AND mail_stopped = 0 AND email_ct IS NOT NULL",
	/* STMT_TOKEN_ADD: as formsvc/flow.c flow_token_new() writes it */
	"INSERT INTO token (hash, purpose, subject_kind, subject_id, "
	"payload_ct, created_at, expires_at) VALUES (?1, 'one_click', "
	"'posting', ?2, ?3, ?4, ?5)",
	/* STMT_POSTING_DONE */
	"UPDATE posting SET matched_at = ?2 WHERE id = ?1 "
	"AND matched_at IS NULL",
	/* STMT_MEMBER_DONE */
	"UPDATE member SET matched_at = ?2 WHERE id = ?1 "
	"AND matched_at IS NULL",
	/* STMT_TODO_MEMBERS */
	"SELECT id FROM member WHERE matched_at IS NULL AND state = 'public' "
	"AND status = 'active' ORDER BY id",
	/* STMT_TODO_POSTINGS: ?1 today */
	"SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id "
	"WHERE p.matched_at IS NULL AND " RECRUITING " ORDER BY p.id",
};

/* One member as its public page shows it; strings owned. */
struct vrow {
	int64_t		 id;
	char		*type;		/* individual, group, company */
	char		*label;		/* name, or 個人会員（市町・職業） */
	char		*klass;		/* 団体の分類 / 企業のカテゴリ */
	char		*areas, *fields, *weekdays;
};

struct vlist {
	struct vrow	*v;
	size_t		 len;		/* at most MATCH_MAX kept */
	size_t		 total;		/* all that matched */
};

/* One posting's public summary; strings owned. */
struct prow {
	int64_t		 id;
	int64_t		 group;		/* its member_id */
	char		*title, *org, *when, *area, *place;
	char		*from, *until, *headcount;
	int		 area_all, anytime;
};

struct plist {
	struct prow	*p;
	size_t		 len;
};

/* What one run did, for cmd_match's summary. */
struct tally {
	size_t		 postings, members, mails, tokens;
};

static char *
col(sqlite3_stmt *st, int i)
{
	return xstrdup(db_col_text(st, i));
}

static void
vrow_free(struct vrow *r)
{
	free(r->type);
	free(r->label);
	free(r->klass);
	free(r->areas);
	free(r->fields);
	free(r->weekdays);
}

static void
vlist_free(struct vlist *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++)
		vrow_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
prow_free(struct prow *p)
{
	free(p->title);
	free(p->org);
	free(p->when);
	free(p->area);
	free(p->place);
	free(p->from);
	free(p->until);
	free(p->headcount);
}

static void
plist_free(struct plist *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++)
		prow_free(&l->p[i]);
	free(l->p);
	memset(l, 0, sizeof(*l));
}

/* The current row of a VCOLS statement into r. */
static void
vrow_read(sqlite3_stmt *st, struct vrow *r)
{
	struct buf	 b;

	memset(r, 0, sizeof(*r));
	buf_init(&b, 4096);
	r->id = sqlite3_column_int64(st, 0);
	r->type = col(st, 1);
	ak_member_label(&b, r->type, db_col_text(st, 2), db_col_text(st, 3),
	    db_col_text(st, 4));
	r->label = xstrdup(buf_ok(&b) ? buf_str(&b) : "");
	r->klass = col(st, 5);
	r->areas = col(st, 6);
	r->fields = col(st, 7);
	r->weekdays = col(st, 8);
	buf_free(&b);
}

/* The current row of a PCOLS statement into p. */
static void
prow_read(sqlite3_stmt *st, struct prow *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->group = sqlite3_column_int64(st, 1);
	p->title = col(st, 2);
	p->org = col(st, 3);
	p->when = col(st, 4);
	p->area = col(st, 5);
	p->area_all = sqlite3_column_int(st, 6);
	p->place = col(st, 7);
	p->from = col(st, 8);
	p->until = col(st, 9);
	p->anytime = sqlite3_column_int(st, 10);
	p->headcount = col(st, 11);
}

/*
 * Step the bound VCOLS statement st to its end: the first MATCH_MAX
 * rows into l, all counted.  1 ok, 0 error.
 */
static int
vlist_load(struct db *db, sqlite3_stmt *st, struct vlist *l)
{
	int	 rc;

	while ((rc = db_row(db, st)) == 1) {
		l->total++;
		if (l->len >= MATCH_MAX)
			continue;
		l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
		vrow_read(st, &l->v[l->len++]);
	}
	return rc == 0;
}

/* The absolute URL of the あいかさねっと root into b ("…/boranet201909/"). */
static void
site_url(const struct gen *g, struct buf *b)
{
	size_t	 n;

	n = strlen(g->cfg->base_url);
	while (n > 0 && g->cfg->base_url[n - 1] == '/')
		n--;
	buf_putn(b, g->cfg->base_url, n);
	buf_puts(b, site_root(SITE_AIKASA));
}

/*
 * "{base_url}{cgi_path}PATH" into b: the formsvc link, built as
 * formsvc's flow_abs_url() builds the links of its own mails.
 */
static void
cgi_url(const struct gen *g, struct buf *b, const char *path)
{
	size_t	 n;

	n = strlen(g->cfg->base_url);
	while (n > 0 && g->cfg->base_url[n - 1] == '/')
		n--;
	buf_putn(b, g->cfg->base_url, n);
	n = strlen(g->cfg->cgi_path);
	while (n > 0 && g->cfg->cgi_path[n - 1] == '/')
		n--;
	buf_putn(b, g->cfg->cgi_path, n);
	buf_puts(b, path);
}

static const char *
type_name(const char *type)
{
	if (strcmp(type, "group") == 0)
		return "団体";
	if (strcmp(type, "company") == 0)
		return "企業";
	return "個人";
}

/* "YYYY-MM-DD" as 「YYYY年M月D日」 into b (as written if malformed). */
static void
date_ja(struct buf *b, const char *ymd)
{
	int	 y, m, d;

	if (sn_date_parse(ymd, &y, &m, &d))
		buf_printf(b, "%d年%d月%d日", y, m, d);
	else
		buf_puts(b, ymd);
}

/*
 * The end of p's recruitment as Unix seconds: 23:59:59 Asia/Tokyo of
 * apply_until; for 随時 (or a legacy posting without an end) now + 90
 * days.
 */
static int64_t
posting_expiry(const struct prow *p, int64_t now)
{
	struct tm	 tm;
	int		 y, m, d;

	if (p->anytime || !sn_date_parse(p->until, &y, &m, &d))
		return now + ANYTIME_TTL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm) - 9 * 3600 + 86399;
}

/* A member's public data as list lines (the group's mails). */
static void
put_member(const struct gen *g, struct buf *b, const struct vrow *v,
    size_t n)
{
	if (n > 0)
		buf_printf(b, "%zu. ", n);
	/* An individual's label already says 個人会員 (A-16 (3)). */
	if (strcmp(v->type, "individual") == 0)
		buf_printf(b, "%s\n", v->label);
	else
		buf_printf(b, "%s（%s%s%s）\n", v->label, type_name(v->type),
		    *v->klass != '\0' ? "・" : "", v->klass);
	buf_printf(b, "   活動可能地域：%s\n", *v->areas != '\0' ? v->areas :
	    "未登録");
	buf_printf(b, "   活動希望分野：%s\n", *v->fields != '\0' ? v->fields :
	    "未登録");
	buf_printf(b, "   活動可能曜日：%s\n", *v->weekdays != '\0' ?
	    v->weekdays : "未登録");
	buf_puts(b, "   ");
	site_url(g, b);
	buf_printf(b, "members/%lld.html", (long long)v->id);
	buf_puts(b, "\n\n");
}

/* A posting's summary lines (the members' mails). */
static void
put_posting(const struct gen *g, struct buf *b, const struct prow *p)
{
	buf_printf(b, "■ %s\n", p->title);
	buf_printf(b, "募集主体：%s\n", p->org);
	if (*p->when != '\0')
		buf_printf(b, "活動日時：%s\n", p->when);
	buf_printf(b, "活動地域：%s\n", *p->area != '\0' ? p->area :
	    p->area_all ? "県内全域" : "—");
	if (*p->place != '\0')
		buf_printf(b, "活動場所：%s\n", p->place);
	buf_puts(b, "募集期間：");
	if (p->anytime)
		buf_puts(b, "随時");
	else {
		if (*p->from != '\0') {
			date_ja(b, p->from);
			buf_puts(b, "～");
		}
		date_ja(b, p->until);
		if (*p->from == '\0')
			buf_puts(b, "まで");
	}
	buf_putc(b, '\n');
	if (*p->headcount != '\0')
		buf_printf(b, "募集人員：%s\n", p->headcount);
	buf_puts(b, "募集の詳細：");
	site_url(g, b);
	buf_printf(b, "postings/%lld.html", (long long)p->id);
	buf_putc(b, '\n');
}

/*
 * Open member id's e-mail into addr (replaced) if the member may get
 * matching mail now: 1 yes, 0 no (stopped, paused, no address), -1
 * error.  The caller wipes addr.
 */
static int
contact(struct gen *g, int64_t id, struct buf *addr)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = db_prep(g->db, sql[STMT_CONTACT])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(g->db, st)) <= 0)
		return r;
	r = crypto_open(g->keys, "member", "email_ct", id,
	    sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
	    addr);
	sqlite3_reset(st);
	if (!r) {
		kerr("match: member %lld: e-mail does not open; skipped",
		    (long long)id);
		return 0;
	}
	return outbox_addr_ok(buf_str(addr)) ? 1 : 0;
}

/* Queue one mail to member id (if it may get one).  1 ok, 0 error. */
static int
mail_member(struct gen *g, struct tally *t, int64_t id, const char *tmpl,
    const char *subject, const struct buf *body)
{
	struct mail	 m;
	struct buf	 addr;
	int		 r, rc = 0;

	buf_init(&addr, OUTBOX_ADDR_MAX + 64);
	if ((r = contact(g, id, &addr)) < 0)
		goto out;
	if (r == 0) {
		rc = 1;
		goto out;
	}
	if (!buf_ok(body)) {
		kerr("match: %s mail to member %lld too long", tmpl,
		    (long long)id);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.template = tmpl;
	m.to = buf_str(&addr);
	m.subject = subject;
	m.body = buf_str(body);
	if (!outbox_enqueue(g->db, g->keys, &m, NULL))
		goto out;
	t->mails++;
	rc = 1;
out:
	if (addr.p != NULL)
		sodium_memzero(addr.p, addr.len);
	buf_free(&addr);
	return rc;
}

/*
 * A one-click token for (member, posting), expiring at exp, as formsvc
 * flow_token_new() makes them: 32 random bytes as lowercase hex into
 * tok; stored is SHA-256 of that hex string (crypto_hash_sha256, as
 * sess_sha256), purpose one_click, subject ('posting', posting id),
 * payload "member=<id>" sealed with AD ("token", "one_click", posting
 * id).  In the caller's transaction.  1 ok, 0 error.
 */
static int
token_new(struct gen *g, struct tally *t, int64_t posting, int64_t member,
    int64_t now, int64_t exp, char tok[2 * TOKEN_BYTES + 1])
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 payload[64];
	struct buf	 ct;
	sqlite3_stmt	*st;
	int		 rc = 0;

	buf_init(&ct, 4096);
	crypto_token_hex(tok, TOKEN_BYTES);
	crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
	snprintf(payload, sizeof(payload), "member=%lld", (long long)member);
	if (!crypto_seal(g->keys, "token", "one_click", posting, payload,
	    strlen(payload), &ct))
		goto out;
	if ((st = db_prep(g->db, sql[STMT_TOKEN_ADD])) == NULL)
		goto out;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_int(st, 2, posting);
	db_bind_blob(st, 3, ct.p, ct.len);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, exp);
	if (!db_run(g->db, st))
		goto out;
	t->tokens++;
	rc = 1;
out:
	buf_free(&ct);
	return rc;
}

/*
 * A new token for (member, posting) and its two one-click links (R182)
 * into b.  1 ok, 0 error.
 */
static int
put_links(struct gen *g, struct tally *t, struct buf *b,
    const struct prow *p, int64_t member, int64_t now)
{
	char	 tok[2 * TOKEN_BYTES + 1];

	if (!token_new(g, t, p->id, member, now, posting_expiry(p, now), tok))
		return 0;
	buf_puts(b, "参加を申し込む（ログイン不要）：\n");
	cgi_url(g, b, "/aikasa/apply?t=");
	buf_puts(b, tok);
	buf_puts(b, "\n問い合わせる（ログイン不要）：\n");
	cgi_url(g, b, "/aikasa/inquire?t=");
	buf_puts(b, tok);
	buf_putc(b, '\n');
	sodium_memzero(tok, sizeof(tok));
	return 1;
}

static const char one_click_note[] =
    "上のURLを開くと確認の画面が表示されます。その画面で「送信」ボタンを"
    "押すまで、団体には何も送られません。\n"
    "URLはあなた専用です。他の方には転送しないでください。"
    "募集期間が終わるまで（随時の募集は90日間）使えます。\n\n"
    "このメールは、活動可能曜日・活動可能地域を登録されたボランティア会員の"
    "方にお送りしています。受け取りを止めたい場合は、やまぐち県民活動支援"
    "センターまでご連絡ください。\n";

static void
wipe(struct buf *b)
{
	if (b->p != NULL)
		sodium_memzero(b->p, b->cap);
}

/* One audit row for the item (no personal data).  1 ok. */
static int
audit(struct gen *g, const char *kind, int64_t id, const char *detail)
{
	struct audit_ev	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor_kind = "system";
	ev.action = "matching";
	ev.target_kind = kind;
	ev.target_id = id;
	ev.detail = detail;
	return audit_log(g->db, g->keys, &ev);
}

/*
 * R180–R182 for posting id, if it is recruiting and unmatched: the
 * group gets the matching members (public data only), each member the
 * posting with its one-click links.  One transaction.  1 ok, 0 error.
 */
static int
do_posting(struct gen *g, struct tally *t, int64_t id)
{
	struct prow	 p;
	struct vlist	 l;
	struct buf	 body, det;
	sqlite3_stmt	*st;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	int		 r, rc = 0, have = 0, intx = 0;

	memset(&p, 0, sizeof(p));
	memset(&l, 0, sizeof(l));
	buf_init(&body, MAIL_MAX);
	buf_init(&det, 1024);
	if (!db_begin(g->db))
		goto out;
	intx = 1;
	if ((st = db_prep(g->db, sql[STMT_POSTING])) == NULL)
		goto out;
	db_bind_text(st, 1, g->today);
	db_bind_int(st, 2, id);
	if ((r = db_row(g->db, st)) < 0)
		goto out;
	if (r == 0) {
		/* Not public, not recruiting yet, or done: nothing now. */
		rc = 1;
		goto out;
	}
	prow_read(st, &p);
	have = 1;
	sqlite3_reset(st);
	if ((st = db_prep(g->db, sql[STMT_POSTING_MEMBERS])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!vlist_load(g->db, st, &l))
		goto out;

	/* R180: the group's list. */
	if (l.total > 0) {
		buf_printf(&body, "%s ご担当者様\n\n"
		    "あいかさねっとで、ボランティア募集「%s」が公開されました。\n"
		    "活動曜日と活動地域が合うボランティア会員は %zu 件です"
		    "（会員のページで公開している情報のみお知らせします）。\n"
		    "参加の要請は、各会員のページからお送りいただけます。\n\n",
		    p.org, p.title, l.total);
		for (i = 0; i < l.len; i++)
			put_member(g, &body, &l.v[i], i + 1);
		if (l.total > l.len) {
			buf_printf(&body, "ほか %zu 件は省略しました。"
			    "会員の一覧でご覧いただけます：\n",
			    l.total - l.len);
			site_url(g, &body);
			buf_puts(&body, "members/");
			buf_putc(&body, '\n');
		}
		buf_puts(&body, "\n該当する会員には、この募集をご案内する"
		    "メールをお送りしました。\n" FOOTER);
		if (!mail_member(g, t, p.group, "ak_matching_group",
		    "【あいかさねっと】募集に合うボランティア会員のお知らせ",
		    &body))
			goto out;
	}

	/* R181, R182: each member, with links of its own. */
	for (i = 0; i < l.len; i++) {
		buf_reset(&body);
		if ((r = contact(g, l.v[i].id, &det)) < 0)
			goto out;
		wipe(&det);
		if (r == 0)
			continue;
		buf_puts(&body, "あいかさねっと会員の皆様\n\n"
		    "ご登録の活動可能曜日・活動可能地域に合うボランティア募集が"
		    "公開されました。\n\n");
		put_posting(g, &body, &p);
		buf_putc(&body, '\n');
		if (!put_links(g, t, &body, &p, l.v[i].id, now))
			goto out;
		buf_putc(&body, '\n');
		buf_puts(&body, one_click_note);
		buf_puts(&body, FOOTER);
		if (!mail_member(g, t, l.v[i].id, "ak_matching",
		    "【あいかさねっと】条件に合うボランティア募集のお知らせ",
		    &body))
			goto out;
		wipe(&body);
	}

	buf_reset(&det);
	buf_printf(&det, "posting matched: %zu members, %zu listed", l.total,
	    l.len);
	if (!audit(g, "posting", id, buf_str(&det)))
		goto out;
	if ((st = db_prep(g->db, sql[STMT_POSTING_DONE])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	if (!db_run(g->db, st) || db_changes(g->db) != 1 ||
	    !db_commit(g->db))
		goto out;
	intx = 0;
	t->postings++;
	rc = 1;
out:
	if (intx)
		db_rollback(g->db);
	if (have)
		prow_free(&p);
	vlist_free(&l);
	wipe(&body);
	buf_free(&body);
	buf_free(&det);
	return rc;
}

/* Recruiting postings matching volunteer v (matched ones) into l. */
static int
plist_load(struct gen *g, int64_t v, struct plist *l)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(g->db, sql[STMT_MEMBER_POSTINGS])) == NULL)
		return 0;
	db_bind_text(st, 1, g->today);
	db_bind_int(st, 2, v);
	while ((rc = db_row(g->db, st)) == 1) {
		if (l->len >= POSTINGS_MAX)
			continue;
		l->p = xrealloc(l->p, (l->len + 1) * sizeof(*l->p));
		prow_read(st, &l->p[l->len++]);
	}
	return rc == 0;
}

/*
 * R194: the group of each posting in l hears that volunteer v
 * registered (v's public data and which of its postings match).
 */
static int
tell_groups(struct gen *g, struct tally *t, const struct vrow *v,
    const struct plist *l)
{
	struct buf	 body;
	size_t		 i, j, ngroups = 0;
	int		 rc = 0, seen;

	buf_init(&body, MAIL_MAX);
	for (i = 0; i < l->len && ngroups < MATCH_MAX; i++) {
		for (seen = 0, j = 0; j < i && !seen; j++)
			seen = l->p[j].group == l->p[i].group;
		if (seen)
			continue;
		ngroups++;
		buf_reset(&body);
		buf_printf(&body, "%s ご担当者様\n\n"
		    "あいかさねっとに新しいボランティア会員が登録されました。\n"
		    "公開中の次の募集の活動曜日・活動地域に合う会員です"
		    "（会員のページで公開している情報のみお知らせします）。\n\n",
		    l->p[i].org);
		for (j = i; j < l->len; j++)
			if (l->p[j].group == l->p[i].group)
				buf_printf(&body, "・%s\n", l->p[j].title);
		buf_puts(&body, "\n");
		put_member(g, &body, v, 0);
		buf_puts(&body, "参加の要請は、会員のページからお送り"
		    "いただけます。\n" FOOTER);
		if (!mail_member(g, t, l->p[i].group, "ak_matching_new_member",
		    "【あいかさねっと】新しいボランティア会員の登録のお知らせ",
		    &body))
			goto out;
	}
	rc = 1;
out:
	buf_free(&body);
	return rc;
}

/*
 * R192 and R194 for the newly public volunteer v: v gets the recruiting
 * postings that match, each with its links; their groups hear of v.
 */
static int
member_volunteer(struct gen *g, struct tally *t, const struct vrow *v,
    int64_t now)
{
	struct plist	 l;
	struct buf	 body;
	size_t		 i;
	int		 r, rc = 0;

	memset(&l, 0, sizeof(l));
	buf_init(&body, MAIL_MAX);
	if (!plist_load(g, v->id, &l))
		goto out;
	if (l.len == 0) {
		rc = 1;
		goto out;
	}
	/* No tokens for a member who gets no mail. */
	if ((r = contact(g, v->id, &body)) < 0)
		goto out;
	wipe(&body);
	buf_reset(&body);
	if (r == 1) {
		buf_puts(&body, "あいかさねっと会員の皆様\n\n"
		    "会員登録が公開されました。ご登録の活動可能曜日・"
		    "活動可能地域に合う、募集中のボランティア募集を"
		    "お知らせします。\n\n");
		for (i = 0; i < l.len; i++) {
			put_posting(g, &body, &l.p[i]);
			if (!put_links(g, t, &body, &l.p[i], v->id, now))
				goto out;
			buf_putc(&body, '\n');
		}
		buf_puts(&body, one_click_note);
		buf_puts(&body, FOOTER);
		if (!mail_member(g, t, v->id, "ak_matching_member",
		    "【あいかさねっと】条件に合うボランティア募集のお知らせ",
		    &body))
			goto out;
	}
	rc = tell_groups(g, t, v, &l);
out:
	plist_free(&l);
	wipe(&body);
	buf_free(&body);
	return rc;
}

/* R193: recruiting group v gets the volunteers matching its fields and areas. */
static int
member_recruiter(struct gen *g, struct tally *t, const struct vrow *v,
    const char *name)
{
	struct vlist	 l;
	struct buf	 body;
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = 0;

	memset(&l, 0, sizeof(l));
	buf_init(&body, MAIL_MAX);
	if ((st = db_prep(g->db, sql[STMT_GROUP_MEMBERS])) == NULL)
		goto out;
	db_bind_int(st, 1, v->id);
	if (!vlist_load(g->db, st, &l))
		goto out;
	if (l.total == 0) {
		rc = 1;
		goto out;
	}
	buf_printf(&body, "%s ご担当者様\n\n"
	    "あいかさねっとへの団体登録が公開されました。\n"
	    "団体の活動分野と活動地域に合うボランティア会員は %zu 件です"
	    "（会員のページで公開している情報のみお知らせします）。\n"
	    "参加の要請は、各会員のページからお送りいただけます。\n\n",
	    name, l.total);
	for (i = 0; i < l.len; i++)
		put_member(g, &body, &l.v[i], i + 1);
	if (l.total > l.len) {
		buf_printf(&body, "ほか %zu 件は省略しました。会員の一覧で"
		    "ご覧いただけます：\n", l.total - l.len);
		site_url(g, &body);
		buf_puts(&body, "members/\n");
	}
	buf_puts(&body, FOOTER);
	rc = mail_member(g, t, v->id, "ak_matching_recruiter",
	    "【あいかさねっと】団体に合うボランティア会員のお知らせ", &body);
out:
	vlist_free(&l);
	buf_free(&body);
	return rc;
}

/*
 * R192–R194 for member id, if it is public, active and unmatched.  One
 * transaction.  1 ok, 0 error.
 */
static int
do_member(struct gen *g, struct tally *t, int64_t id)
{
	struct vrow	 v;
	struct buf	 det;
	sqlite3_stmt	*st;
	char		*name = NULL;
	int64_t		 now = (int64_t)time(NULL);
	int		 r, rc = 0, have = 0, intx = 0, join, recruit;

	memset(&v, 0, sizeof(v));
	buf_init(&det, 256);
	if (!db_begin(g->db))
		goto out;
	intx = 1;
	if ((st = db_prep(g->db, sql[STMT_MEMBER])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if ((r = db_row(g->db, st)) < 0)
		goto out;
	if (r == 0) {
		rc = 1;
		goto out;
	}
	vrow_read(st, &v);
	have = 1;
	name = col(st, 2);
	join = sqlite3_column_int(st, 9);
	recruit = sqlite3_column_int(st, 10);
	sqlite3_reset(st);
	if (join && !member_volunteer(g, t, &v, now))
		goto out;
	if (recruit && !member_recruiter(g, t, &v, name))
		goto out;
	buf_printf(&det, "member matched: volunteer %d, recruiter %d", join,
	    recruit);
	if (!audit(g, "member", id, buf_str(&det)))
		goto out;
	if ((st = db_prep(g->db, sql[STMT_MEMBER_DONE])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	if (!db_run(g->db, st) || db_changes(g->db) != 1 ||
	    !db_commit(g->db))
		goto out;
	intx = 0;
	t->members++;
	rc = 1;
out:
	if (intx)
		db_rollback(g->db);
	if (have)
		vrow_free(&v);
	free(name);
	buf_free(&det);
	return rc;
}

/* Every id statement st yields into l (bound by the caller). */
static int
ids_load(struct db *db, sqlite3_stmt *st, struct idlist *l)
{
	int	 rc;

	while ((rc = db_row(db, st)) == 1) {
		l->ids = xrealloc(l->ids, (l->len + 1) * sizeof(*l->ids));
		l->ids[l->len++] = sqlite3_column_int64(st, 0);
	}
	return rc == 0;
}

/*
 * Members first, then postings (see the top of the file).  Each item
 * is its own transaction: an error stops the run, and what is done
 * stays done.  1 ok, 0 error.
 */
static int
run_items(struct gen *g, struct tally *t, const struct idlist *postings,
    const struct idlist *members)
{
	size_t	 i;

	if (postings->len == 0 && members->len == 0)
		return 1;
	if (!gen_load_keys(g, 0))
		return 0;
	for (i = 0; i < members->len; i++)
		if (!do_member(g, t, members->ids[i])) {
			kerr("match: member %lld failed",
			    (long long)members->ids[i]);
			return 0;
		}
	for (i = 0; i < postings->len; i++)
		if (!do_posting(g, t, postings->ids[i])) {
			kerr("match: posting %lld failed",
			    (long long)postings->ids[i]);
			return 0;
		}
	return 1;
}

int
matching_publish(struct gen *g, const struct idlist *postings,
    const struct idlist *members)
{
	struct tally	 t;

	memset(&t, 0, sizeof(t));
	return run_items(g, &t, postings, members);
}

int
cmd_match(struct gen *g, int argc, char *argv[])
{
	struct idlist	 p = { NULL, 0 }, m = { NULL, 0 };
	struct tally	 t;
	sqlite3_stmt	*st;
	int		 rc = 0;

	(void)argv;
	memset(&t, 0, sizeof(t));
	if (argc != 1) {
		kerr("usage: match");
		return 0;
	}
	if (!gen_open_db(g, 0))
		return 0;
	if ((st = db_prep(g->db, sql[STMT_TODO_MEMBERS])) == NULL ||
	    !ids_load(g->db, st, &m))
		goto out;
	if ((st = db_prep(g->db, sql[STMT_TODO_POSTINGS])) == NULL)
		goto out;
	db_bind_text(st, 1, g->today);
	if (!ids_load(g->db, st, &p) || !run_items(g, &t, &p, &m))
		goto out;
	printf("match: %zu postings, %zu members matched; %zu mails and "
	    "%zu one-click tokens queued\n", t.postings, t.members, t.mails,
	    t.tokens);
	rc = 1;
out:
	free(p.ids);
	free(m.ids);
	return rc;
}
