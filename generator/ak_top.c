/*
 * ak_top.c: the あいかさねっと top page: the urgent notice, the newest
 * recruiting postings, member counts, the newest members, 活動ニュース,
 * お知らせ and the banners (紙2, R120–R129, A-32).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define TOP_POSTINGS	3	/* R121 */
#define TOP_MEMBERS	6	/* R123 */
#define TOP_NEWS	6	/* R124 */
#define TOP_NOTICES	7	/* R125, A-32 */

enum sql {
	SQL_URGENT,
	SQL_POSTINGS,
	SQL_COUNTS,
	SQL_MEMBERS,
	SQL_NEWS,
	SQL_NOTICES,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_URGENT */
	"SELECT value FROM setting WHERE key = 'aikasa.urgent'",
	/* SQL_POSTINGS: ordered as the recruiting list (ak_postings.c) */
	"SELECT p.id, p.title, p.org_name, p.apply_until, p.anytime "
	"FROM posting p JOIN member m ON m.id = p.member_id WHERE "
	AK_P_VISIBLE " AND " AK_P_STARTED " AND NOT " AK_P_ENDED
	" ORDER BY coalesce(p.apply_from, date(p.published_at, 'unixepoch', "
	"'+9 hours'), '') DESC, p.id DESC LIMIT 3",
	/* SQL_COUNTS */
	"SELECT sum(m.type = 'individual'), sum(m.type = 'group'), "
	"sum(m.type = 'company'), count(*) FROM member m WHERE " AK_M_VISIBLE,
	/* SQL_MEMBERS */
	"SELECT m.id, m.type, m.org_name, mu.name, m.occupation, "
	"date(m.published_at, 'unixepoch', '+9 hours') FROM member m "
	"LEFT JOIN m_municipality mu ON mu.id = m.muni_id WHERE "
	AK_M_VISIBLE " ORDER BY m.published_at DESC, m.id DESC LIMIT 6",
	/* SQL_NEWS */
	"SELECT id, title, posted_on, issue_no FROM newsletter "
	"WHERE site = 'aikasa' AND state = 'public' "
	"ORDER BY posted_on DESC, id DESC LIMIT 6",
	/* SQL_NOTICES */
	"SELECT id, title, posted_on FROM notice WHERE site = 'aikasa' "
	"AND kind = 'notice' AND state = 'public' "
	"ORDER BY posted_on DESC, id DESC LIMIT 7",
};

static int
top_postings(struct rctx *r, struct tval *ctx)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_POSTINGS])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_POSTING),
		    sqlite3_column_int64(st, 0));
		o = tv_push_obj(list);
		snprintf(s, sizeof(s), "/boranet201909/postings/%lld.html",
		    (long long)sqlite3_column_int64(st, 0));
		tv_set_str(o, "href", s);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_set_str(o, "org", db_col_text(st, 2));
		tv_date_ja(o, "until", db_col_text(st, 3));
		tv_set_bool(o, "anytime", sqlite3_column_int(st, 4));
	}
	tv_set(ctx, "postings", list);
	return rc == 0;
}

static int
top_counts(struct rctx *r, struct tval *ctx)
{
	sqlite3_stmt	*st;
	struct tval	*c;

	if ((st = db_prep(r->g->db, sqls[SQL_COUNTS])) == NULL ||
	    db_row(r->g->db, st) != 1)
		return 0;
	c = tv_obj(r->arena);
	tv_set_int(c, "individual", sqlite3_column_int64(st, 0));
	tv_set_int(c, "group", sqlite3_column_int64(st, 1));
	tv_set_int(c, "company", sqlite3_column_int64(st, 2));
	tv_set_int(c, "total", sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	tv_set(ctx, "counts", c);
	return 1;
}

static int
top_members(struct rctx *r, struct tval *ctx)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	struct buf	 b;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_MEMBERS])) == NULL)
		return 0;
	buf_init(&b, 4096);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_MEMBER),
		    sqlite3_column_int64(st, 0));
		o = tv_push_obj(list);
		snprintf(s, sizeof(s), "/boranet201909/members/%lld.html",
		    (long long)sqlite3_column_int64(st, 0));
		tv_set_str(o, "href", s);
		buf_reset(&b);
		ak_member_label(&b, db_col_text(st, 1), db_col_text(st, 2),
		    db_col_text(st, 3), db_col_text(st, 4));
		tv_set_str(o, "label", buf_str(&b));
		tv_date_ja(o, "since", db_col_text(st, 5));
	}
	buf_free(&b);
	tv_set(ctx, "members", list);
	return rc == 0;
}

/* 活動ニュース or お知らせ: id, title, date → list key under dir. */
static int
top_dated(struct rctx *r, struct tval *ctx, enum sql q, enum kind k,
    const char *dir, const char *key)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[q])) == NULL)
		return 0;
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(k), sqlite3_column_int64(st, 0));
		o = tv_push_obj(list);
		snprintf(s, sizeof(s), "/boranet201909/%s/%lld.html", dir,
		    (long long)sqlite3_column_int64(st, 0));
		tv_set_str(o, "href", s);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_date_ja(o, "date", db_col_text(st, 2));
	}
	tv_set(ctx, key, list);
	return rc == 0;
}

static int
render_top(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct tval	*ctx;
	int		 n;

	(void)ids;
	if ((ctx = rctx_page(r, "boranet201909/index.html")) == NULL)
		return 0;
	site_dep(r->site, kind_name(K_SETTING), 0);
	tv_set_str(ctx, "title", "あいかさねっと（山口県ボランティアマッチングサイト）");
	tv_set_bool(ctx, "is_top", 1);
	if ((st = db_prep(r->g->db, sqls[SQL_URGENT])) == NULL ||
	    (n = db_row(r->g->db, st)) < 0)
		return 0;
	if (n == 1) {
		if (*db_col_text(st, 0) != '\0')
			tv_set_str(ctx, "urgent", db_col_text(st, 0));
		sqlite3_reset(st);
	}
	if (!top_postings(r, ctx) || !top_counts(r, ctx) ||
	    !top_members(r, ctx) ||
	    !top_dated(r, ctx, SQL_NEWS, K_NEWSLETTER, "news", "news") ||
	    !top_dated(r, ctx, SQL_NOTICES, K_NOTICE, "notices", "notices"))
		return 0;
	return rctx_write(r, SITE_AIKASA, "aikasa/top", ctx);
}

const struct family fam_ak_top = {
	"aikasa top",
	KBIT(K_POSTING) | KBIT(K_MEMBER) | KBIT(K_NEWSLETTER) |
	    KBIT(K_NOTICE) | KBIT(K_SETTING) | KBIT(K_MASTER) | KBIT(K_DATE),
	"boranet201909/index.html", K_SETTING, 0, render_top, NULL, NULL
};
