/*
 * sn_orgs.c: the Super Net pages of groups, NPOs and companies: the
 * lists (all, per type, per 活動分野, per municipality of the main
 * office) and one detail page per listed organisation (R050, R054,
 * R055; A-16 (1)).
 *
 * Listed means state 'public' and status 'active'.  Lists are sorted by
 * kana, then id.  The detail page also lists the organisation's public
 * events; rather than re-render every detail page when any event
 * changes, a publish re-renders only the pages that showed a queued
 * event (their site_dep rows) and the pages of the events' current
 * organisations (see org_targets()).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PER_PAGE	20

enum sql {
	SQL_LIST,
	SQL_IDS,
	SQL_ONE,
	SQL_URLS,
	SQL_FILES,
	SQL_EVENTS,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_LIST: every listed organisation, in list order */
	"SELECT o.id, o.kind, o.name, o.kana, o.muni_id, o.group_class_id, "
	"o.company_category_id, "
	"(SELECT group_concat(field_id) FROM org_field WHERE org_id = o.id) "
	"FROM org o WHERE o.state = 'public' AND o.status = 'active' "
	"ORDER BY o.kana, o.id",
	/* SQL_IDS */
	"SELECT id FROM org WHERE state = 'public' AND status = 'active' "
	"ORDER BY id",
	/*
	 * SQL_ONE: the public fields (never reg_*, consents, requirements)
	 * of a listed org, or of any org when ?2 (a preview) is 1.
	 */
	"SELECT o.kind, o.name, o.kana, o.rep_name, o.rep_title, "
	"o.staff_name, o.staff_title, o.target_area_id, o.purpose, "
	"o.activities, o.csr, o.collaboration, o.appeal, o.main_office, "
	"o.sub_office, o.zip, o.pref_id, o.muni_id, o.address, o.tel, "
	"o.fax, o.email, o.founded_on, o.budget_range_id, o.members_count, "
	"o.fee, o.membership, o.activity_time, o.group_class_id, "
	"o.company_category_id, "
	"(SELECT group_concat(field_id) FROM org_field WHERE org_id = o.id), "
	"(SELECT group_concat(muni_id) FROM org_muni WHERE org_id = o.id), "
	"(SELECT group_concat(feature_id) FROM org_feature "
	"WHERE org_id = o.id) "
	"FROM org o WHERE o.id = ?1 AND (?2 OR (o.state = 'public' "
	"AND o.status = 'active'))",
	/* SQL_URLS */
	"SELECT url, label FROM org_url WHERE org_id = ?1 ORDER BY slot",
	/* SQL_FILES */
	"SELECT u.id, u.public_name, u.orig_name, u.alt, u.mime, u.size "
	"FROM org_file f JOIN upload u ON u.id = f.upload_id "
	"WHERE f.org_id = ?1 AND u.state = 'public' "
	"AND u.public_name IS NOT NULL ORDER BY f.slot",
	/* SQL_EVENTS: the organisation's public events, newest first */
	"SELECT id, title, held_text, starts_on, cancelled FROM event "
	"WHERE org_id = ?1 AND state = 'public' "
	"ORDER BY starts_on IS NULL, starts_on DESC, id DESC",
};

/* One listed organisation. */
struct org {
	int64_t		 id;
	char		*kind;
	char		*name;
	char		*kana;
	int64_t		 muni_id;
	int64_t		 class_id;
	int64_t		 category_id;
	char		*fields;	/* comma list of m_field ids */
};

struct orgs {
	struct org	*v;
	size_t		 len;
};

static void
orgs_free(struct orgs *o)
{
	size_t	 i;

	for (i = 0; i < o->len; i++) {
		free(o->v[i].kind);
		free(o->v[i].name);
		free(o->v[i].kana);
		free(o->v[i].fields);
	}
	free(o->v);
	o->v = NULL;
	o->len = 0;
}

/* Load every listed organisation in list order; 1 ok. */
static int
orgs_load(struct db *db, struct orgs *o)
{
	sqlite3_stmt	*st;
	struct org	*g;
	int		 rc;

	if ((st = db_prep(db, sqls[SQL_LIST])) == NULL)
		return 0;
	while ((rc = db_row(db, st)) == 1) {
		o->v = xrealloc(o->v, (o->len + 1) * sizeof(*o->v));
		g = &o->v[o->len++];
		g->id = sqlite3_column_int64(st, 0);
		g->kind = xstrdup(db_col_text(st, 1));
		g->name = xstrdup(db_col_text(st, 2));
		g->kana = xstrdup(db_col_text(st, 3));
		g->muni_id = sqlite3_column_int64(st, 4);
		g->class_id = sqlite3_column_int64(st, 5);
		g->category_id = sqlite3_column_int64(st, 6);
		g->fields = xstrdup(db_col_text(st, 7));
	}
	return rc == 0;
}

/* Which organisations one list shows. */
struct filter {
	const char	*kind;		/* NULL: every type */
	int64_t		 field_id;	/* 0: any */
	int64_t		 muni_id;	/* 0: any */
};

static int
matches(const struct org *g, const struct filter *f)
{
	if (f->kind != NULL && strcmp(g->kind, f->kind) != 0)
		return 0;
	if (f->field_id != 0 && !sn_csv_has(g->fields, f->field_id))
		return 0;
	if (f->muni_id != 0 && g->muni_id != f->muni_id)
		return 0;
	return 1;
}

static const struct {
	const char	*kind;
	const char	*dir;
	const char	*label;
} types[] = {
	{ "group", "group", "県民活動団体" },
	{ "npo", "npo", "NPO法人" },
	{ "company", "company", "企業" },
};

/* The links to the other lists every list page offers. */
static void
facet_links(struct rctx *r, struct tval *ctx, const struct sn_master *m)
{
	const struct sn_mrow	*rows;
	struct tval		*list, *o;
	char			 href[256];
	size_t			 i, n;

	list = tv_list(r->arena);
	for (i = 0; i < KENMIN_NELEM(types); i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "name", types[i].label);
		snprintf(href, sizeof(href), "/groups/%s/", types[i].dir);
		tv_set_str(o, "href", href);
	}
	tv_set(ctx, "type_links", list);
	list = tv_list(r->arena);
	rows = sn_master_rows(m, SNM_FIELD, &n);
	for (i = 0; i < n; i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "name", rows[i].name);
		snprintf(href, sizeof(href), "/groups/field/%s/", rows[i].slug);
		tv_set_str(o, "href", href);
	}
	tv_set(ctx, "field_links", list);
	list = tv_list(r->arena);
	rows = sn_master_rows(m, SNM_MUNI, &n);
	for (i = 0; i < n; i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "name", rows[i].name);
		snprintf(href, sizeof(href), "/groups/area/%s/", rows[i].slug);
		tv_set_str(o, "href", href);
	}
	tv_set(ctx, "area_links", list);
}

/*
 * Render the paginated list dir ("groups/npo/") of the organisations
 * matching f, titled title; parent is an optional middle breadcrumb.
 */
static int
org_list(struct rctx *r, const struct sn_master *m, const struct orgs *all,
    const struct filter *f, const char *dir, const char *title,
    const char *lead)
{
	const struct sn_mrow	*mr;
	struct tval		*ctx, *list, *o;
	size_t			*idx, n = 0, i, page, pages, k, nid;
	int64_t			 ids[PER_PAGE];
	char			*path = NULL, base[256], href[64], t[512];
	char			 meta[128];
	int			 rc = 0, kept;

	idx = xcalloc(all->len + 1, sizeof(*idx));
	for (i = 0; i < all->len; i++)
		if (matches(&all->v[i], f))
			idx[n++] = i;
	pages = n == 0 ? 1 : (n + PER_PAGE - 1) / PER_PAGE;
	snprintf(base, sizeof(base), "/%s", dir);
	/* What a page prints besides its orgs (the template's total). */
	snprintf(meta, sizeof(meta), "total=%zu pages=%zu", n, pages);
	for (page = 1; page <= pages; page++) {
		free(path);
		path = page_path(dir, page);
		for (nid = 0, k = (page - 1) * PER_PAGE;
		    k < n && k < page * PER_PAGE; k++)
			ids[nid++] = all->v[idx[k]].id;
		ctx = rctx_list_page(r, path, KBIT(K_ORG), K_ORG, ids, nid,
		    meta, &kept);
		if (kept)
			continue;
		if (ctx == NULL)
			goto out;
		if (page > 1)
			snprintf(t, sizeof(t), "%s（%zuページ目）", title, page);
		else
			snprintf(t, sizeof(t), "%s", title);
		tv_set_str(ctx, "title", t);
		tv_set_str(ctx, "heading", title);
		if (lead != NULL)
			tv_set_str(ctx, "lead", lead);
		tv_set_int(ctx, "total", (long long)n);
		if (strcmp(dir, "groups/") != 0) {
			rctx_crumb(r, "団体・企業を探す", "/groups/");
			rctx_crumb(r, title, NULL);
		} else
			rctx_crumb(r, "団体・企業を探す", NULL);
		list = tv_list(r->arena);
		for (k = (page - 1) * PER_PAGE;
		    k < n && k < page * PER_PAGE; k++) {
			const struct org *g = &all->v[idx[k]];

			site_dep(r->site, kind_name(K_ORG), g->id);
			o = tv_push_obj(list);
			snprintf(href, sizeof(href), "/groups/%lld.html",
			    (long long)g->id);
			tv_set_str(o, "href", href);
			tv_set_str(o, "name", g->name);
			tv_set_str(o, "kana", g->kana);
			tv_set_str(o, "kind", sn_org_kind_label(g->kind));
			mr = strcmp(g->kind, "company") == 0 ?
			    sn_master_get(m, SNM_CATEGORY, g->category_id) :
			    sn_master_get(m, SNM_CLASS, g->class_id);
			if (mr != NULL)
				tv_set_str(o, "class", mr->name);
			if ((mr = sn_master_get(m, SNM_MUNI, g->muni_id)) != NULL)
				tv_set_str(o, "muni", mr->name);
			sn_tv_master(o, "fields", r->arena, m, SNM_FIELD,
			    g->fields, NULL);
		}
		if (tv_len(list) > 0) {
			tv_set(ctx, "items", list);
			tv_set_bool(ctx, "has_items", 1);
		}
		facet_links(r, ctx, m);
		rctx_paging(r, ctx, base, page, pages);
		if (!rctx_write(r, SITE_SUPERNET, "supernet/groups/list", ctx))
			goto out;
	}
	rc = 1;
out:
	free(path);
	free(idx);
	return rc;
}

/* Run fn with the master data and every listed organisation loaded. */
static int
with_orgs(struct rctx *r, int (*fn)(struct rctx *, const struct sn_master *,
    const struct orgs *))
{
	struct sn_master	*m;
	struct orgs		 all = { NULL, 0 };
	int			 rc = 0;

	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	if (orgs_load(r->g->db, &all))
		rc = fn(r, m, &all);
	orgs_free(&all);
	sn_master_free(m);
	return rc;
}

static int
lists_index(struct rctx *r, const struct sn_master *m, const struct orgs *all)
{
	struct filter	 f = { NULL, 0, 0 };

	return org_list(r, m, all, &f, "groups/", "団体・企業を探す",
	    "スーパーネットに登録している県民活動団体・NPO法人・企業の一覧です。"
	    "種別・活動分野・所在地の市町からも探せます。");
}

static int
lists_type(struct rctx *r, const struct sn_master *m, const struct orgs *all,
    size_t t)
{
	struct filter	 f = { types[t].kind, 0, 0 };
	char		 dir[64], title[128];

	snprintf(dir, sizeof(dir), "groups/%s/", types[t].dir);
	snprintf(title, sizeof(title), "%sの一覧", types[t].label);
	return org_list(r, m, all, &f, dir, title, NULL);
}

static int
lists_group(struct rctx *r, const struct sn_master *m, const struct orgs *a)
{
	return lists_type(r, m, a, 0);
}

static int
lists_npo(struct rctx *r, const struct sn_master *m, const struct orgs *a)
{
	return lists_type(r, m, a, 1);
}

static int
lists_company(struct rctx *r, const struct sn_master *m, const struct orgs *a)
{
	return lists_type(r, m, a, 2);
}

/* One page set per 活動分野, empty ones included (the index links all). */
static int
lists_field(struct rctx *r, const struct sn_master *m, const struct orgs *all)
{
	const struct sn_mrow	*rows;
	struct filter		 f = { NULL, 0, 0 };
	char			 dir[256], title[256];
	size_t			 i, n;

	rows = sn_master_rows(m, SNM_FIELD, &n);
	for (i = 0; i < n; i++) {
		f.field_id = rows[i].id;
		snprintf(dir, sizeof(dir), "groups/field/%s/", rows[i].slug);
		snprintf(title, sizeof(title), "活動分野「%s」の団体・企業",
		    rows[i].name);
		if (!org_list(r, m, all, &f, dir, title, NULL))
			return 0;
	}
	return 1;
}

/* One page set per municipality of the main office. */
static int
lists_area(struct rctx *r, const struct sn_master *m, const struct orgs *all)
{
	const struct sn_mrow	*rows;
	struct filter		 f = { NULL, 0, 0 };
	char			 dir[256], title[256];
	size_t			 i, n;

	rows = sn_master_rows(m, SNM_MUNI, &n);
	for (i = 0; i < n; i++) {
		f.muni_id = rows[i].id;
		snprintf(dir, sizeof(dir), "groups/area/%s/", rows[i].slug);
		snprintf(title, sizeof(title), "%sの団体・企業", rows[i].name);
		if (!org_list(r, m, all, &f, dir, title, NULL))
			return 0;
	}
	return 1;
}

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_index);
}

static int
render_group(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_group);
}

static int
render_npo(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_npo);
}

static int
render_company(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_company);
}

static int
render_field(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_field);
}

static int
render_area(struct rctx *r, const struct idlist *ids)
{
	(void)ids;
	return with_orgs(r, lists_area);
}

/* ---- the detail page ---- */

/* The detail page of org id, or its removal when it is not listed. */
static int
org_detail(struct rctx *r, void *arg, int64_t id)
{
	const struct sn_master	*m = arg;
	struct db		*db = r->g->db;
	sqlite3_stmt		*st;
	const struct sn_mrow	*mr;
	struct tval		*ctx, *list, *o;
	char			 path[64], href[64], s[256], kind[16];
	char			 name[1024];
	size_t			 t;
	int			 rc, company;

	snprintf(path, sizeof(path), "groups/%lld.html", (long long)id);
	if ((st = db_prep(db, sqls[SQL_ONE])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, r->preview != NULL);
	if ((rc = db_row(db, st)) < 0)
		return 0;
	if (rc == 0)
		return 1;	/* not public: build.c removes its page */
	if ((ctx = rctx_page(r, path)) == NULL) {
		sqlite3_reset(st);
		return 0;
	}
	site_dep(r->site, kind_name(K_ORG), id);
	snprintf(kind, sizeof(kind), "%s", db_col_text(st, 0));
	snprintf(name, sizeof(name), "%s", db_col_text(st, 1));
	company = strcmp(kind, "company") == 0;
	tv_set_str(ctx, "kind", sn_org_kind_label(kind));
	tv_set_str(ctx, "kind_id", kind);
	tv_set_bool(ctx, "company", company);
	tv_set_str(ctx, "title", db_col_text(st, 1));
	tv_set_str(ctx, "name", db_col_text(st, 1));
	tv_set_nonempty(ctx, "kana", db_col_text(st, 2));
	tv_set_nonempty(ctx, "rep_name", db_col_text(st, 3));
	tv_set_nonempty(ctx, "rep_title", db_col_text(st, 4));
	tv_set_nonempty(ctx, "staff_name", db_col_text(st, 5));
	tv_set_nonempty(ctx, "staff_title", db_col_text(st, 6));
	if ((mr = sn_master_get(m, SNM_AREA, sqlite3_column_int64(st, 7)))
	    != NULL)
		tv_set_str(ctx, "target_area", mr->name);
	tv_set_nonempty(ctx, "purpose", db_col_text(st, 8));
	tv_set_nonempty(ctx, "activities", db_col_text(st, 9));
	tv_set_nonempty(ctx, "csr", db_col_text(st, 10));
	tv_set_nonempty(ctx, "collaboration", db_col_text(st, 11));
	tv_set_nonempty(ctx, "appeal", db_col_text(st, 12));
	tv_set_nonempty(ctx, "main_office", db_col_text(st, 13));
	tv_set_nonempty(ctx, "sub_office", db_col_text(st, 14));
	tv_set_nonempty(ctx, "zip", db_col_text(st, 15));
	if ((mr = sn_master_get(m, SNM_PREF, sqlite3_column_int64(st, 16)))
	    != NULL && mr->id != 0)
		tv_set_str(ctx, "pref", mr->name);
	if ((mr = sn_master_get(m, SNM_MUNI, sqlite3_column_int64(st, 17)))
	    != NULL && sqlite3_column_type(st, 17) != SQLITE_NULL) {
		tv_set_str(ctx, "muni", mr->name);
		snprintf(href, sizeof(href), "/groups/area/%s/", mr->slug);
		tv_set_str(ctx, "muni_href", href);
	}
	tv_set_nonempty(ctx, "address", db_col_text(st, 18));
	tv_set_nonempty(ctx, "tel", db_col_text(st, 19));
	tv_set_nonempty(ctx, "fax", db_col_text(st, 20));
	tv_set_nonempty(ctx, "email", db_col_text(st, 21));
	tv_date_ja(ctx, "founded", db_col_text(st, 22));
	if (sqlite3_column_type(st, 22) != SQLITE_NULL &&
	    *db_col_text(st, 22) != '\0')
		tv_set_str(ctx, "founded_raw", db_col_text(st, 22));
	if ((mr = sn_master_get(m, SNM_BUDGET, sqlite3_column_int64(st, 23)))
	    != NULL)
		tv_set_str(ctx, "budget", mr->name);
	if (sqlite3_column_type(st, 24) != SQLITE_NULL) {
		snprintf(s, sizeof(s), "%lld人",
		    (long long)sqlite3_column_int64(st, 24));
		tv_set_str(ctx, "members_count", s);
	}
	tv_set_nonempty(ctx, "fee", db_col_text(st, 25));
	tv_set_nonempty(ctx, "membership", db_col_text(st, 26));
	tv_set_nonempty(ctx, "activity_time", db_col_text(st, 27));
	mr = company ? sn_master_get(m, SNM_CATEGORY,
	    sqlite3_column_int64(st, 29)) :
	    sn_master_get(m, SNM_CLASS, sqlite3_column_int64(st, 28));
	if (mr != NULL)
		tv_set_str(ctx, "class", mr->name);
	sn_tv_master(ctx, "fields", r->arena, m, SNM_FIELD,
	    db_col_text(st, 30), "/groups/field/");
	sn_tv_master(ctx, "target_munis", r->arena, m, SNM_MUNI,
	    db_col_text(st, 31), NULL);
	sn_tv_master(ctx, "features", r->arena, m, SNM_FEATURE,
	    db_col_text(st, 32), NULL);
	sqlite3_reset(st);

	rctx_crumb(r, "団体・企業を探す", "/groups/");
	for (t = 0; t < KENMIN_NELEM(types); t++)
		if (strcmp(kind, types[t].kind) == 0) {
			snprintf(href, sizeof(href), "/groups/%s/",
			    types[t].dir);
			snprintf(s, sizeof(s), "%sの一覧", types[t].label);
			rctx_crumb(r, s, href);
		}
	rctx_crumb(r, name, NULL);

	/* URLs with their descriptions (#31). */
	if ((st = db_prep(db, sqls[SQL_URLS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		o = tv_push_obj(list);
		tv_set_str(o, "url", db_col_text(st, 0));
		tv_set_nonempty(o, "label", db_col_text(st, 1));
	}
	if (rc < 0)
		return 0;
	if (tv_len(list) > 0)
		tv_set(ctx, "urls", list);

	/* Attachments (#32): published uploads only. */
	if ((st = db_prep(db, sqls[SQL_FILES])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		site_dep(r->site, kind_name(K_UPLOAD),
		    sqlite3_column_int64(st, 0));
		sn_tv_file(list, db_col_text(st, 1), db_col_text(st, 2),
		    db_col_text(st, 3), db_col_text(st, 4),
		    sqlite3_column_int64(st, 5));
	}
	if (rc < 0)
		return 0;
	if (tv_len(list) > 0)
		tv_set(ctx, "files", list);

	/* The organisation's public events. */
	if ((st = db_prep(db, sqls[SQL_EVENTS])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	list = tv_list(r->arena);
	while ((rc = db_row(db, st)) == 1) {
		int64_t eid = sqlite3_column_int64(st, 0);

		site_dep(r->site, kind_name(K_EVENT), eid);
		o = tv_push_obj(list);
		snprintf(href, sizeof(href), "/events/%lld.html",
		    (long long)eid);
		tv_set_str(o, "href", href);
		tv_set_str(o, "title", db_col_text(st, 1));
		tv_set_nonempty(o, "held", db_col_text(st, 2));
		tv_date_ja(o, "starts", db_col_text(st, 3));
		tv_set_bool(o, "cancelled", sqlite3_column_int(st, 4));
	}
	if (rc < 0)
		return 0;
	if (tv_len(list) > 0)
		tv_set(ctx, "events", list);
	snprintf(s, sizeof(s), "%s/supernet/edit?org=%lld",
	    r->g->cfg->cgi_path, (long long)id);
	tv_set_str(ctx, "edit_href", s);
	return rctx_write(r, SITE_SUPERNET, "supernet/groups/detail", ctx);
}

static int
render_detail(struct rctx *r, const struct idlist *ids)
{
	struct sn_master	*m;
	int			 rc;

	if ((m = sn_master_load(r->g->db)) == NULL)
		return 0;
	rc = rctx_each_id(r, ids, sqls[SQL_IDS], org_detail, m);
	sn_master_free(m);
	return rc;
}

#define ORG_LIST_KINDS	(KBIT(K_ORG) | KBIT(K_MASTER))

const struct family fam_sn_orgs_index = {
	"groups: all", ORG_LIST_KINDS, "groups/index", K_ORG, 0, render_index, NULL, NULL
};
const struct family fam_sn_orgs_group = {
	"groups: 県民活動団体", ORG_LIST_KINDS, "groups/group/", K_ORG, 0,
	render_group, NULL, NULL
};
const struct family fam_sn_orgs_npo = {
	"groups: NPO法人", ORG_LIST_KINDS, "groups/npo/", K_ORG, 0, render_npo, NULL, NULL
};
const struct family fam_sn_orgs_company = {
	"groups: 企業", ORG_LIST_KINDS, "groups/company/", K_ORG, 0,
	render_company, NULL, NULL
};
const struct family fam_sn_orgs_field = {
	"groups: by field", ORG_LIST_KINDS, "groups/field/", K_ORG, 0,
	render_field, NULL, NULL
};
const struct family fam_sn_orgs_area = {
	"groups: by municipality", ORG_LIST_KINDS, "groups/area/", K_ORG, 0,
	render_area, NULL, NULL
};
/*
 * The page lists the org's events: a queued event re-renders its org's
 * page now (and, by site_shows(), the one that listed it before).
 */
static const char *const detail_dirs[] = { "groups/", NULL };
static const struct famdep detail_deps[] = {
	{ K_EVENT, "SELECT org_id FROM event WHERE id = ?1 "
	    "AND org_id IS NOT NULL" },
	{ K_UPLOAD, "SELECT org_id FROM org_file WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};
const struct family fam_sn_org_detail = {
	"groups: detail", KBIT(K_MASTER), NULL, K_ORG, 1, render_detail,
	detail_dirs, detail_deps
};
