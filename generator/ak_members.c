/*
 * ak_members.c: the あいかさねっと member directory: the search entry
 * page, the 20 newest members, facet lists by member type, 活動可能地域,
 * 活動希望分野 and 一芸・プロボノ分野, and one page per member with its
 * public fields and postings (R132–R135, A-16).
 *
 * only public, active members appear, and the generator never
 * reads a sealed (*_ct) column, gender, login, e-mail or mail flags:
 * no statement here names them.  Individuals appear only as
 * 「個人会員（市町・職業）」 with their member number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PER_PAGE	20
#define NEW_MAX		20

enum facet {
	FACET_TYPE,
	FACET_AREA,
	FACET_FIELD,
	FACET_PROBONO,
	FACET__MAX
};

enum sql {
	SQL_LIST_TYPE,
	SQL_LIST_AREA,
	SQL_LIST_FIELD,
	SQL_LIST_PROBONO,
	SQL_IDS_TYPE,
	SQL_IDS_AREA,
	SQL_IDS_FIELD,
	SQL_IDS_PROBONO,
	SQL_ROW,
	SQL_LIST_NEW,
	SQL_M_TYPE,
	SQL_M_AREA,
	SQL_M_FIELD,
	SQL_M_PROBONO,
	SQL_DETAIL,
	SQL_URLS,
	SQL_POSTINGS,
	SQL_ALL_IDS,
	SQL_FILES,
	SQL_MINE_TYPE,
	SQL_MINE_AREA,
	SQL_MINE_FIELD,
	SQL_MINE_PROBONO,
	SQL__MAX
};

#define LIST_COLS \
	"SELECT m.id, m.type, m.org_name, mu.name, m.occupation, " \
	"coalesce(gc.name, cc.name, ''), " \
	"date(m.published_at, 'unixepoch', '+9 hours') FROM member m " \
	"LEFT JOIN m_municipality mu ON mu.id = m.muni_id " \
	"LEFT JOIN m_group_class gc ON gc.id = m.group_class_id " \
	"LEFT JOIN m_company_category cc ON cc.id = m.company_category_id " \
	"WHERE " AK_M_VISIBLE " AND "
#define LIST_ORDER " ORDER BY m.published_at DESC, m.id DESC"
/* The ids of a list, in its order: a publish fills rows by id (SQL_ROW). */
#define LIST_IDS "SELECT m.id FROM member m WHERE " AK_M_VISIBLE " AND "
#define IS_TYPE "m.type = ?1"
#define IN_AREA "EXISTS (SELECT 1 FROM member_area a WHERE " \
	"a.member_id = m.id AND a.muni_id = ?1)"
#define IN_FIELD "EXISTS (SELECT 1 FROM member_field f WHERE " \
	"f.member_id = m.id AND f.field_id = ?1)"
#define IS_PROBONO "m.probono_field_id = ?1"
/*
 * The listed members per facet value, counted in one grouped pass (a
 * count per value scanned every member once per value: 11 ms for the
 * 19 areas at scale 1, 1 ms so): joined as c(k, n) on key.
 */
#define COUNTS(key, from, col) \
	" LEFT JOIN (SELECT " col " AS k, count(*) AS n FROM " from \
	" WHERE " AK_M_VISIBLE " GROUP BY " col ") c ON c.k = " key
#define OF_MEMBERS	"member m"
#define OF_LINKS(t)	t " l JOIN member m ON m.id = l.member_id"

static const char *const sqls[SQL__MAX] = {
	/* SQL_LIST_TYPE … SQL_LIST_PROBONO */
	LIST_COLS IS_TYPE LIST_ORDER,
	LIST_COLS IN_AREA LIST_ORDER,
	LIST_COLS IN_FIELD LIST_ORDER,
	LIST_COLS IS_PROBONO LIST_ORDER,
	/* SQL_IDS_TYPE … SQL_IDS_PROBONO: the same lists' ids */
	LIST_IDS IS_TYPE LIST_ORDER,
	LIST_IDS IN_AREA LIST_ORDER,
	LIST_IDS IN_FIELD LIST_ORDER,
	LIST_IDS IS_PROBONO LIST_ORDER,
	/* SQL_ROW: the row of one listed member */
	LIST_COLS "m.id = ?1",
	/* SQL_LIST_NEW */
	LIST_COLS "1" LIST_ORDER " LIMIT 20",
	/* SQL_M_TYPE: id, name, slug, count */
	"SELECT x.id, x.name, x.slug, coalesce(c.n, 0) FROM (SELECT 1 AS id, "
	"'個人' AS name, 'individual' AS slug UNION ALL SELECT 2, '団体', "
	"'group' UNION ALL SELECT 3, '企業', 'company') x"
	COUNTS("x.slug", OF_MEMBERS, "m.type") " ORDER BY x.id",
	/* SQL_M_AREA */
	"SELECT x.id, x.name, x.slug, coalesce(c.n, 0) FROM m_municipality x"
	COUNTS("x.id", OF_LINKS("member_area"), "l.muni_id")
	" WHERE x.outside = 0 ORDER BY x.sort, x.id",
	/* SQL_M_FIELD */
	"SELECT x.id, x.short_name, x.slug, coalesce(c.n, 0) FROM m_field x"
	COUNTS("x.id", OF_LINKS("member_field"), "l.field_id")
	" WHERE x.on_aikasa = 1 ORDER BY x.sort, x.id",
	/* SQL_M_PROBONO */
	"SELECT x.id, x.name, x.slug, coalesce(c.n, 0) FROM m_probono_field x"
	COUNTS("x.id", OF_MEMBERS, "m.probono_field_id")
	" ORDER BY x.sort, x.id",
	/* SQL_DETAIL: public fields only; any state when ?2 (preview) */
	"SELECT m.id, m.type, m.org_name, m.org_kana, m.rep_name, "
	"m.rep_title, mu.name, coalesce(gc.name, cc.name, ''), "
	"m.occupation, m.qualification, m.sales_point, m.members_count, "
	"m.founded_on, m.purpose, m.activities, m.volunteer_record, "
	"tb.name, pf.name, pf.slug, m.probono_content, m.probono_prep, "
	"date(m.published_at, 'unixepoch', '+9 hours'), "
	"(SELECT group_concat(name, '、') FROM (SELECT x.name FROM "
	"member_area a JOIN m_municipality x ON x.id = a.muni_id "
	"WHERE a.member_id = m.id ORDER BY x.sort, x.id)), "
	"(SELECT group_concat(name, '、') FROM (SELECT x.short_name AS name "
	"FROM member_field f JOIN m_field x ON x.id = f.field_id "
	"WHERE f.member_id = m.id ORDER BY x.sort, x.id)), "
	"(SELECT group_concat(name, '・') FROM (SELECT w.short_name AS name "
	"FROM member_weekday d JOIN m_weekday w ON w.id = d.weekday_id "
	"WHERE d.member_id = m.id ORDER BY w.id)) "
	"FROM member m "
	"LEFT JOIN m_municipality mu ON mu.id = m.muni_id "
	"LEFT JOIN m_group_class gc ON gc.id = m.group_class_id "
	"LEFT JOIN m_company_category cc ON cc.id = m.company_category_id "
	"LEFT JOIN m_time_band tb ON tb.id = m.time_band_id "
	"LEFT JOIN m_probono_field pf ON pf.id = m.probono_field_id "
	"WHERE m.id = ?1 AND (?2 OR (" AK_M_VISIBLE "))",
	/* SQL_URLS */
	"SELECT url, label FROM member_url WHERE member_id = ?1 ORDER BY slot",
	/* SQL_POSTINGS: ?1 today, ?2 the member; recruiting first */
	"SELECT p.id, p.title, p.apply_from, p.apply_until, p.anytime, "
	"CASE WHEN " AK_P_ENDED " THEN 1 ELSE 0 END AS ended FROM posting p "
	"JOIN member m ON m.id = p.member_id WHERE p.member_id = ?2 AND "
	AK_P_VISIBLE " AND " AK_P_STARTED " ORDER BY ended, "
	"coalesce(p.apply_until, '9999-12-31') DESC, p.id DESC",
	/* SQL_ALL_IDS */
	"SELECT id FROM member ORDER BY id",
	/* SQL_FILES: #17 参考ファイル, published uploads only */
	"SELECT u.id, u.public_name, u.orig_name, u.mime, u.size "
	"FROM member_file f JOIN upload u ON u.id = f.upload_id "
	"WHERE f.member_id = ?1 AND u.state = 'public' "
	"AND u.public_name IS NOT NULL ORDER BY f.slot",
	/* SQL_MINE_TYPE … SQL_MINE_PROBONO: one member's values (slugs) */
	"SELECT type FROM member WHERE id = ?1",
	"SELECT x.slug FROM member_area a JOIN m_municipality x "
	"ON x.id = a.muni_id WHERE a.member_id = ?1",
	"SELECT x.slug FROM member_field f JOIN m_field x "
	"ON x.id = f.field_id WHERE f.member_id = ?1",
	"SELECT x.slug FROM member m JOIN m_probono_field x "
	"ON x.id = m.probono_field_id WHERE m.id = ?1",
};

/* A facet: its directory, master statement, list statements, labels. */
struct facetdef {
	const char	*dir;		/* below boranet201909/members/ */
	enum sql	 master;
	enum sql	 list;
	enum sql	 ids;		/* the list's ids only */
	enum sql	 mine;		/* a member's values */
	const char	*heading;	/* 「…で探す」 */
	const char	*suffix;	/* after the value in page titles */
};

static const struct facetdef facets[FACET__MAX] = {
	{ "type", SQL_M_TYPE, SQL_LIST_TYPE, SQL_IDS_TYPE, SQL_MINE_TYPE,
	    "会員の種類で探す", "会員" },
	{ "area", SQL_M_AREA, SQL_LIST_AREA, SQL_IDS_AREA, SQL_MINE_AREA,
	    "活動可能地域で探す", "で活動できる会員" },
	{ "field", SQL_M_FIELD, SQL_LIST_FIELD, SQL_IDS_FIELD, SQL_MINE_FIELD,
	    "活動分野で探す", "の分野で活動したい会員" },
	{ "probono", SQL_M_PROBONO, SQL_LIST_PROBONO, SQL_IDS_PROBONO,
	    SQL_MINE_PROBONO, "一芸・プロボノ分野で探す",
	    "の一芸・プロボノ会員" },
};

struct mrow {
	int64_t	 id;
	char	*label, *type, *muni, *cls, *since;
};

struct mrows {
	struct mrow	*v;
	size_t		 len;
};

static void
mrows_free(struct mrows *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++) {
		free(l->v[i].label);
		free(l->v[i].type);
		free(l->v[i].muni);
		free(l->v[i].cls);
		free(l->v[i].since);
	}
	free(l->v);
	l->v = NULL;
	l->len = 0;
}

static const char *
type_ja(const char *type)
{
	if (strcmp(type, "individual") == 0)
		return "個人";
	if (strcmp(type, "group") == 0)
		return "団体";
	return "企業";
}

static int
mrows_load(struct db *db, sqlite3_stmt *st, struct mrows *l)
{
	struct mrow	*m;
	struct buf	 b;
	int		 rc;

	buf_init(&b, 4096);
	while ((rc = db_row(db, st)) == 1) {
		l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
		m = &l->v[l->len++];
		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_count(st) == 1)
			continue;	/* ids only: mrow_fill() */
		m->type = xstrdup(db_col_text(st, 1));
		buf_reset(&b);
		ak_member_label(&b, m->type, db_col_text(st, 2),
		    db_col_text(st, 3), db_col_text(st, 4));
		m->label = xstrdup(buf_str(&b));
		m->muni = xstrdup(db_col_text(st, 3));
		m->cls = xstrdup(db_col_text(st, 5));
		m->since = xstrdup(db_col_text(st, 6));
	}
	buf_free(&b);
	return rc == 0;
}

/*
 * The columns of a row read as ids only (a publish: most facet pages
 * are kept, so their members' rows are never read).  1 ok, 0 error.
 */
static int
mrow_fill(struct db *db, struct mrow *m)
{
	struct mrows	 one = { NULL, 0 };
	sqlite3_stmt	*st;
	int		 ok;

	if (m->label != NULL)
		return 1;
	if ((st = db_prep(db, sqls[SQL_ROW])) == NULL)
		return 0;
	db_bind_int(st, 1, m->id);
	if ((ok = mrows_load(db, st, &one) && one.len == 1)) {
		*m = one.v[0];
		one.len = 0;
	} else
		kerr("member %lld: gone while publishing", (long long)m->id);
	mrows_free(&one);
	return ok;
}

static void
mrow_push(struct rctx *r, struct tval *list, const struct mrow *m)
{
	struct tval	*o;
	char		 s[128];

	site_dep(r->site, kind_name(K_MEMBER), m->id);
	o = tv_push_obj(list);
	snprintf(s, sizeof(s), "/boranet201909/members/%lld.html",
	    (long long)m->id);
	tv_set_str(o, "href", s);
	tv_set_int(o, "id", (long long)m->id);
	tv_set_str(o, "label", m->label);
	tv_set_str(o, "type", type_ja(m->type));
	tv_set_bool(o, "individual", strcmp(m->type, "individual") == 0);
	tv_set_str(o, "muni", m->muni);
	tv_set_str(o, "cls", m->cls);
	tv_date_ja(o, "since", m->since);
}

/* Member counts by type and in total into ctx "counts" (R122). */
static int
member_counts(struct rctx *r, struct tval *ctx)
{
	sqlite3_stmt	*st;
	struct tval	*c, *list, *o;
	long long	 total = 0, n;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_M_TYPE])) == NULL)
		return 0;
	c = tv_obj(r->arena);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		n = sqlite3_column_int64(st, 3);
		total += n;
		o = tv_push_obj(list);
		tv_set_str(o, "name", db_col_text(st, 1));
		tv_set_int(o, "n", n);
		snprintf(s, sizeof(s), "/boranet201909/members/type/%s/",
		    db_col_text(st, 2));
		tv_set_str(o, "href", s);
	}
	tv_set(c, "types", list);
	tv_set_int(c, "total", total);
	tv_set(ctx, "counts", c);
	return rc == 0;
}

/* ---- the search entry page and the newest members ---- */

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct tval	*ctx, *groups, *g, *list, *o;
	struct mrows	 l = { NULL, 0 };
	char		 s[256];
	size_t		 f, i;
	int		 rc;

	(void)ids;
	if ((ctx = rctx_page(r, "boranet201909/members/index.html")) == NULL)
		return 0;
	site_dep(r->site, kind_name(K_MASTER), 0);
	tv_set_str(ctx, "title", "ボランティア会員を探す");
	groups = tv_list(r->arena);
	for (f = 0; f < FACET__MAX; f++) {
		if ((st = db_prep(r->g->db, sqls[facets[f].master])) == NULL)
			return 0;
		g = tv_push_obj(groups);
		tv_set_str(g, "heading", facets[f].heading);
		tv_set_str(g, "key", facets[f].dir);
		/* search form: id options; the type facet is the mt radios */
		tv_set_bool(g, "by_id", facets[f].master != SQL_M_TYPE);
		list = tv_list(r->arena);
		while ((rc = db_row(r->g->db, st)) == 1) {
			o = tv_push_obj(list);
			tv_set_int(o, "id", sqlite3_column_int64(st, 0));
			tv_set_str(o, "name", db_col_text(st, 1));
			tv_set_int(o, "n", sqlite3_column_int64(st, 3));
			snprintf(s, sizeof(s), "/boranet201909/members/%s/%s/",
			    facets[f].dir, db_col_text(st, 2));
			tv_set_str(o, "href", s);
		}
		if (rc < 0)
			return 0;
		tv_set(g, "items", list);
	}
	tv_set(ctx, "facets", groups);
	if (!member_counts(r, ctx))
		return 0;
	rctx_crumb(r, "ボランティア会員を探す", NULL);
	if (!rctx_write(r, SITE_AIKASA, "aikasa/members/index", ctx))
		return 0;

	/* R126: ボランティアしたい, the 20 newest members. */
	if ((st = db_prep(r->g->db, sqls[SQL_LIST_NEW])) == NULL)
		return 0;
	rc = 0;
	if (!mrows_load(r->g->db, st, &l))
		goto out;
	if ((ctx = rctx_page(r, "boranet201909/members/new.html")) == NULL)
		goto out;
	tv_set_str(ctx, "title", "新しく登録した会員");
	list = tv_list(r->arena);
	for (i = 0; i < l.len && i < NEW_MAX; i++)
		mrow_push(r, list, &l.v[i]);
	tv_set(ctx, "items", list);
	rctx_crumb(r, "ボランティア会員を探す", "/boranet201909/members/");
	rctx_crumb(r, "新しく登録した会員", NULL);
	rc = rctx_write(r, SITE_AIKASA, "aikasa/members/new", ctx);
out:
	mrows_free(&l);
	return rc;
}

/* ---- facet lists ---- */

/* The directory of facet f's value slug, or of the facet if slug is "". */
static void
facet_dir(char *dir, size_t sz, enum facet f, const char *slug)
{
	snprintf(dir, sz, "boranet201909/members/%s/%s%s", facets[f].dir,
	    slug, *slug != '\0' ? "/" : "");
}

static int
render_facet_value(struct rctx *r, enum facet f, int64_t vid,
    const char *name, const char *slug)
{
	sqlite3_stmt	*st;
	struct mrows	 l = { NULL, 0 };
	struct tval	*ctx, *items;
	char		 dir[256], url[264], title[256], meta[128];
	char		*rel;
	int64_t		 ids[PER_PAGE];
	size_t		 page, pages, i, nid;
	int		 rc = 0, ok, kept;

	if ((st = db_prep(r->g->db, sqls[r->full ? facets[f].list :
	    facets[f].ids])) == NULL)
		return 0;
	if (f == FACET_TYPE)
		db_bind_text(st, 1, slug);
	else
		db_bind_int(st, 1, vid);
	if (!mrows_load(r->g->db, st, &l))
		goto out;
	facet_dir(dir, sizeof(dir), f, slug);
	snprintf(url, sizeof(url), "/%s", dir);
	snprintf(title, sizeof(title), "%s%s", name, facets[f].suffix);
	pages = (l.len + PER_PAGE - 1) / PER_PAGE;
	if (pages == 0)
		pages = 1;
	/* What a page prints besides its members (the template's count). */
	snprintf(meta, sizeof(meta), "count=%zu pages=%zu", l.len, pages);
	for (page = 1; page <= pages; page++) {
		rel = page_path(dir, page);
		for (nid = 0, i = (page - 1) * PER_PAGE;
		    i < l.len && i < page * PER_PAGE; i++)
			ids[nid++] = l.v[i].id;
		ctx = rctx_list_page(r, rel, KBIT(K_MEMBER), K_MEMBER, ids,
		    nid, meta, &kept);
		if (kept) {
			free(rel);
			continue;
		}
		if (ctx == NULL) {
			free(rel);
			goto out;
		}
		tv_set_str(ctx, "title", title);
		tv_set_str(ctx, "heading", facets[f].heading);
		tv_set_int(ctx, "count", (long long)l.len);
		items = tv_list(r->arena);
		for (i = (page - 1) * PER_PAGE;
		    i < l.len && i < page * PER_PAGE; i++) {
			if (!mrow_fill(r->g->db, &l.v[i])) {
				free(rel);
				goto out;
			}
			mrow_push(r, items, &l.v[i]);
		}
		tv_set(ctx, "items", items);
		rctx_crumb(r, "ボランティア会員を探す", "/boranet201909/members/");
		rctx_crumb(r, title, NULL);
		rctx_paging(r, ctx, url, page, pages);
		ok = rctx_write(r, SITE_AIKASA, "aikasa/members/list", ctx);
		free(rel);
		if (!ok)
			goto out;
	}
	rc = 1;
out:
	mrows_free(&l);
	return rc;
}

/*
 * The values of facet f (slugs) whose lists a publish of queued members
 * can change: those a queued member is in now, and those whose pages
 * showed one (site_shows()).  NULL with *err clear when none can be
 * known that way (not such a publish: every list is read).
 */
static struct strset *
facet_touched(struct rctx *r, enum facet f, int *err)
{
	struct strset	*t;
	sqlite3_stmt	*st;
	const struct idlist *q = &r->queued[K_MEMBER];
	char		 pre[128];
	char		**v;
	size_t		 i, j, n;
	int		 rc;

	*err = 0;
	if (!rctx_list_keepable(r, KBIT(K_MEMBER)))
		return NULL;
	facet_dir(pre, sizeof(pre), f, "");
	n = strlen(pre);
	t = strset_new();
	for (i = 0; i < q->len; i++) {
		if ((st = db_prep(r->g->db, sqls[facets[f].mine])) == NULL)
			goto fail;
		db_bind_int(st, 1, q->ids[i]);
		while ((rc = db_row(r->g->db, st)) == 1)
			strset_add(t, db_col_text(st, 0));
		if (rc == -1 ||
		    (v = site_shows(r->site, kind_name(K_MEMBER),
		    q->ids[i])) == NULL)
			goto fail;
		for (j = 0; v[j] != NULL; j++)
			if (strncmp(v[j], pre, n) == 0 &&
			    strchr(v[j] + n, '/') != NULL) {
				*strchr(v[j] + n, '/') = '\0';
				strset_add(t, v[j] + n);
			}
		site_paths_free(v);
	}
	return t;
fail:
	*err = 1;
	strset_free(t);
	return NULL;
}

/* Every value of facet f, read first: the list statement reuses the db. */
static int
render_facet(struct rctx *r, enum facet f)
{
	sqlite3_stmt	*st;
	struct vals {
		int64_t	 id;
		char	*name, *slug;
	}		*v = NULL;
	struct strset	*touched;
	char		 dir[256];
	size_t		 n = 0, i;
	int		 rc, ok = 1, err = 0, keep;

	if ((st = db_prep(r->g->db, sqls[facets[f].master])) == NULL)
		return 0;
	while ((rc = db_row(r->g->db, st)) == 1) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].name = xstrdup(db_col_text(st, 1));
		v[n].slug = xstrdup(db_col_text(st, 2));
		n++;
	}
	if (rc < 0)
		ok = 0;
	/*
	 * A publish of members reads only the lists of values a queued
	 * member is or was in (all 52 id lists were 27 ms of every member
	 * publish at scale 1): the others keep their pages.
	 */
	touched = ok ? facet_touched(r, f, &err) : NULL;
	if (err)
		ok = 0;
	for (i = 0; i < n; i++) {
		if (ok && touched != NULL &&
		    !strset_has(touched, v[i].slug)) {
			facet_dir(dir, sizeof(dir), f, v[i].slug);
			if ((keep = rctx_list_keep_under(r, dir,
			    KBIT(K_MEMBER))) == -1)
				ok = 0;
		} else
			keep = 0;
		if (ok && !keep && !render_facet_value(r, f, v[i].id,
		    v[i].name, v[i].slug))
			ok = 0;
		free(v[i].name);
		free(v[i].slug);
	}
	strset_free(touched);
	free(v);
	return ok;
}

static int
render_type(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, FACET_TYPE);
}

static int
render_area(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, FACET_AREA);
}

static int
render_field(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, FACET_FIELD);
}

static int
render_probono(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return render_facet(r, FACET_PROBONO);
}

/* ---- member pages ---- */

static int
member_urls(struct rctx *r, struct tval *m, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_URLS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		o = tv_push_obj(list);
		tv_set_str(o, "url", db_col_text(st, 0));
		tv_set_str(o, "label", *db_col_text(st, 1) != '\0' ?
		    db_col_text(st, 1) : db_col_text(st, 0));
	}
	if (tv_len(list) > 0)
		tv_set(m, "urls", list);
	return rc == 0;
}

/* #17: the member's published attachments as m.files. */
static int
member_files(struct rctx *r, struct tval *m, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*list;
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_FILES])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_UPLOAD),
		    sqlite3_column_int64(st, 0));
		sn_tv_file(list, db_col_text(st, 1), db_col_text(st, 2),
		    NULL, db_col_text(st, 3), sqlite3_column_int64(st, 4));
	}
	if (tv_len(list) > 0) {
		tv_set(m, "files", list);
		tv_set_bool(m, "has_files", 1);
	}
	return rc == 0;
}

/* R134: the member's postings, recruiting and past. */
static int
member_postings(struct rctx *r, struct tval *m, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*now, *past, *o;
	char		 s[128];
	int		 rc;

	if ((st = db_prep(r->g->db, sqls[SQL_POSTINGS])) == NULL)
		return 0;
	db_bind_text(st, 1, r->g->today);
	db_bind_int(st, 2, id);
	now = tv_list(r->arena);
	past = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_POSTING),
		    sqlite3_column_int64(st, 0));
		o = tv_push_obj(sqlite3_column_int(st, 5) ? past : now);
		snprintf(s, sizeof(s), "/boranet201909/postings/%lld.html",
		    (long long)sqlite3_column_int64(st, 0));
		tv_set_str(o, "href", s);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_date_ja(o, "from", db_col_text(st, 2));
		tv_date_ja(o, "until", db_col_text(st, 3));
		tv_set_bool(o, "anytime", sqlite3_column_int(st, 4));
	}
	if (tv_len(now) > 0)
		tv_set(m, "recruiting", now);
	if (tv_len(past) > 0)
		tv_set(m, "past", past);
	return rc == 0;
}

static int
render_member(struct rctx *r, void *arg, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*ctx, *m;
	struct buf	 b;
	char		 rel[128], s[512];
	const char	*type;
	int		 n, rc = 0;

	(void)arg;
	snprintf(rel, sizeof(rel), "boranet201909/members/%lld.html",
	    (long long)id);
	if ((st = db_prep(r->g->db, sqls[SQL_DETAIL])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, r->preview != NULL);
	if ((n = db_row(r->g->db, st)) < 0)
		return 0;
	if (n == 0)
		return 1;	/* not shown: build.c removes its page */
	buf_init(&b, 4096);
	if ((ctx = rctx_page(r, rel)) == NULL)
		goto out;
	site_dep(r->site, kind_name(K_MEMBER), id);
	m = tv_obj(r->arena);
	type = db_col_text(st, 1);
	ak_member_label(&b, type, db_col_text(st, 2), db_col_text(st, 6),
	    db_col_text(st, 8));
	tv_set_int(m, "id", (long long)id);
	tv_set_str(m, "label", buf_str(&b));
	tv_set_str(m, "type", type_ja(type));
	tv_set_bool(m, "individual", strcmp(type, "individual") == 0);
	tv_set_bool(m, "company", strcmp(type, "company") == 0);
	tv_set_str(m, "muni", db_col_text(st, 6));
	tv_set_str(m, "cls", db_col_text(st, 7));
	tv_date_ja(m, "since", db_col_text(st, 21));
	tv_set_str(m, "areas", db_col_text(st, 22));
	tv_set_str(m, "fields", db_col_text(st, 23));
	tv_set_str(m, "weekdays", db_col_text(st, 24));
	tv_set_str(m, "time_band", db_col_text(st, 16));
	tv_set_str(m, "probono", db_col_text(st, 17));
	if (*db_col_text(st, 18) != '\0') {
		snprintf(s, sizeof(s), "/boranet201909/members/probono/%s/",
		    db_col_text(st, 18));
		tv_set_str(m, "probono_href", s);
	}
	ak_set_text(m, "probono_content", db_col_text(st, 19));
	ak_set_text(m, "probono_prep", db_col_text(st, 20));
	ak_set_text(m, "sales_point", db_col_text(st, 10));
	if (strcmp(type, "individual") == 0) {
		tv_set_str(m, "occupation", db_col_text(st, 8));
		ak_set_text(m, "qualification", db_col_text(st, 9));
	} else {
		tv_set_str(m, "name", db_col_text(st, 2));
		tv_set_str(m, "kana", db_col_text(st, 3));
		tv_set_str(m, "rep_name", db_col_text(st, 4));
		tv_set_str(m, "rep_title", db_col_text(st, 5));
		if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
			snprintf(s, sizeof(s), "%lld人",
			    (long long)sqlite3_column_int64(st, 11));
			tv_set_str(m, "members_count", s);
		}
		tv_set_str(m, "founded", db_col_text(st, 12));
		ak_set_text(m, "purpose", db_col_text(st, 13));
		ak_set_text(m, "activities", db_col_text(st, 14));
		if (strcmp(type, "company") == 0)
			ak_set_text(m, "volunteer_record", db_col_text(st, 15));
		snprintf(s, sizeof(s), "%s/boranet201909/members/%lld.html",
		    r->g->cfg->base_url, (long long)id);
		tv_set_str(m, "abs_url", s);
	}
	tv_set_str(ctx, "title", buf_str(&b));
	sqlite3_reset(st);
	tv_set(ctx, "m", m);
	if (!member_urls(r, m, id) || !member_files(r, m, id) ||
	    !member_postings(r, m, id))
		goto out;
	rctx_crumb(r, "ボランティア会員を探す", "/boranet201909/members/");
	rctx_crumb(r, buf_str(&b), NULL);
	rc = rctx_write(r, SITE_AIKASA, "aikasa/members/detail", ctx);
out:
	buf_free(&b);
	return rc;
}

static int
render_members(struct rctx *r, const struct idlist *ids)
{
	return rctx_each_id(r, ids, sqls[SQL_ALL_IDS], render_member, NULL);
}

#define AK_MEMBER_KINDS	(KBIT(K_MEMBER) | KBIT(K_MASTER))

const struct family fam_ak_members_index = {
	"aikasa member search", AK_MEMBER_KINDS, NULL, K_MEMBER, 0,
	render_index, NULL, NULL
};

const struct family fam_ak_members_type = {
	"aikasa members by type", AK_MEMBER_KINDS,
	"boranet201909/members/type/", K_MEMBER, 0, render_type, NULL, NULL
};

const struct family fam_ak_members_area = {
	"aikasa members by area", AK_MEMBER_KINDS,
	"boranet201909/members/area/", K_MEMBER, 0, render_area, NULL, NULL
};

const struct family fam_ak_members_field = {
	"aikasa members by field", AK_MEMBER_KINDS,
	"boranet201909/members/field/", K_MEMBER, 0, render_field, NULL, NULL
};

const struct family fam_ak_members_probono = {
	"aikasa members by pro bono field", AK_MEMBER_KINDS,
	"boranet201909/members/probono/", K_MEMBER, 0, render_probono, NULL, NULL
};

/*
 * A member page lists the group's recruiting and past postings: a
 * queued posting re-renders its group's page (and, by site_shows(),
 * the one that listed it before).
 */
static const char *const member_dirs[] = { "boranet201909/members/",
	NULL };
static const struct famdep member_deps[] = {
	{ K_POSTING, "SELECT member_id FROM posting WHERE id = ?1" },
	{ K_UPLOAD, "SELECT member_id FROM member_file WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};
const struct family fam_ak_member = {
	"aikasa member pages", KBIT(K_MASTER) | KBIT(K_DATE),
	NULL, K_MEMBER, 1, render_members, member_dirs, member_deps
};
