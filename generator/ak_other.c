/*
 * ak_other.c: the remaining あいかさねっと pages: 取材報告 (list and
 * detail with photos, R136), Q&A grouped by category (R137) and the
 * membership form downloads (R138).
 */
#include <sys/stat.h>

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

enum sql {
	SQL_IV_LIST,
	SQL_IV_DETAIL,
	SQL_IV_PHOTOS,
	SQL_IV_ALL,
	SQL_FAQ,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_IV_LIST */
	"SELECT id, title, posted_on FROM interview WHERE state = 'public' "
	"ORDER BY posted_on DESC, id DESC",
	/* SQL_IV_DETAIL: the member only when it is shown itself */
	"SELECT i.id, i.title, i.body, i.posted_on, m.id, m.type, m.org_name, "
	"mu.name, m.occupation FROM interview i "
	"LEFT JOIN member m ON m.id = i.member_id AND " AK_M_VISIBLE " "
	"LEFT JOIN m_municipality mu ON mu.id = m.muni_id "
	"WHERE i.id = ?1 AND i.state = 'public'",
	/* SQL_IV_PHOTOS: published uploads only */
	"SELECT u.id, u.public_name, coalesce(u.alt, '') FROM interview_photo p "
	"JOIN upload u ON u.id = p.upload_id WHERE p.interview_id = ?1 "
	"AND u.state = 'public' AND u.public_name IS NOT NULL ORDER BY p.sort",
	/* SQL_IV_ALL */
	"SELECT id FROM interview ORDER BY id",
	/* SQL_FAQ */
	"SELECT id, category, question, answer FROM faq WHERE site = 'aikasa' "
	"AND state = 'public' ORDER BY sort, id",
};

/* ---- 取材報告 ---- */

struct ivrow {
	int64_t	 id;
	char	*title, *date;
};

static int
render_interviews(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct ivrow	*v = NULL;
	struct tval	*ctx, *items, *o;
	char		*rel, s[128], meta[64];
	int64_t		 pids[PER_PAGE];
	size_t		 n = 0, i, page, pages, nid;
	int		 rc, ok = 0, kept;

	(void)ids;
	if ((st = db_prep(r->g->db, sqls[SQL_IV_LIST])) == NULL)
		return 0;
	while ((rc = db_row(r->g->db, st)) == 1) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].title = xstrdup(db_col_text(st, 1));
		v[n].date = xstrdup(db_col_text(st, 2));
		n++;
	}
	if (rc < 0)
		goto out;
	pages = n == 0 ? 1 : (n + PER_PAGE - 1) / PER_PAGE;
	/* Besides its interviews a page prints only the paging. */
	snprintf(meta, sizeof(meta), "pages=%zu", pages);
	for (page = 1; page <= pages; page++) {
		rel = page_path("boranet201909/interviews/", page);
		for (nid = 0, i = (page - 1) * PER_PAGE;
		    i < n && i < page * PER_PAGE; i++)
			pids[nid++] = v[i].id;
		ctx = rctx_list_page(r, rel, KBIT(K_INTERVIEW), K_INTERVIEW,
		    pids, nid, meta, &kept);
		if (kept) {
			free(rel);
			continue;
		}
		if (ctx == NULL) {
			free(rel);
			goto out;
		}
		tv_set_str(ctx, "title", "取材報告");
		items = tv_list(r->arena);
		for (i = (page - 1) * PER_PAGE; i < n && i < page * PER_PAGE;
		    i++) {
			site_dep(r->site, kind_name(K_INTERVIEW), v[i].id);
			o = tv_push_obj(items);
			snprintf(s, sizeof(s),
			    "/boranet201909/interviews/%lld.html",
			    (long long)v[i].id);
			tv_set_str(o, "href", s);
			tv_set_str(o, "title", v[i].title);
			tv_date_ja(o, "date", v[i].date);
		}
		tv_set(ctx, "items", items);
		rctx_crumb(r, "取材報告", NULL);
		rctx_paging(r, ctx, "/boranet201909/interviews/", page, pages);
		ok = rctx_write(r, SITE_AIKASA, "aikasa/interviews/list", ctx);
		free(rel);
		if (!ok)
			goto out;
	}
	ok = 1;
out:
	for (i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].date);
	}
	free(v);
	return ok;
}

static int
render_interview(struct rctx *r, void *arg, int64_t id)
{
	sqlite3_stmt	*st;
	struct tval	*ctx, *o, *photos;
	struct buf	 b;
	char		 rel[128], s[600];
	int		 n, rc = 0;

	(void)arg;
	snprintf(rel, sizeof(rel), "boranet201909/interviews/%lld.html",
	    (long long)id);
	if ((st = db_prep(r->g->db, sqls[SQL_IV_DETAIL])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if ((n = db_row(r->g->db, st)) < 0)
		return 0;
	if (n == 0)
		return 1;	/* not shown: build.c removes its page */
	buf_init(&b, 0);
	if ((ctx = rctx_page(r, rel)) == NULL) {
		sqlite3_reset(st);
		goto out;
	}
	site_dep(r->site, kind_name(K_INTERVIEW), id);
	tv_set_str(ctx, "title", db_col_text(st, 1));
	tv_date_ja(ctx, "date", db_col_text(st, 3));
	if (!md_render(db_col_text(st, 2), &b)) {
		kerr("%s: body too large", rel);
		sqlite3_reset(st);
		goto out;
	}
	tv_set_html(ctx, "body_html", buf_str(&b));
	if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		site_dep(r->site, kind_name(K_MEMBER),
		    sqlite3_column_int64(st, 4));
		o = tv_obj(r->arena);
		snprintf(s, sizeof(s), "/boranet201909/members/%lld.html",
		    (long long)sqlite3_column_int64(st, 4));
		tv_set_str(o, "href", s);
		buf_reset(&b);
		ak_member_label(&b, db_col_text(st, 5), db_col_text(st, 6),
		    db_col_text(st, 7), db_col_text(st, 8));
		tv_set_str(o, "label", buf_str(&b));
		tv_set(ctx, "member", o);
	}
	rctx_crumb(r, "取材報告", "/boranet201909/interviews/");
	rctx_crumb(r, db_col_text(st, 1), NULL);
	sqlite3_reset(st);

	if ((st = db_prep(r->g->db, sqls[SQL_IV_PHOTOS])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	photos = tv_list(r->arena);
	while ((n = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_UPLOAD),
		    sqlite3_column_int64(st, 0));
		if (!upload_name_ok(db_col_text(st, 1)))
			continue;
		o = tv_push_obj(photos);
		snprintf(s, sizeof(s), "/files/%s", db_col_text(st, 1));
		tv_set_str(o, "src", s);
		/*
		 * The photos carry content: never an empty alt.  Without
		 * upload.alt a plain description stands in, and only a
		 * real alt becomes the visible caption.
		 */
		if (*db_col_text(st, 2) != '\0') {
			tv_set_str(o, "alt", db_col_text(st, 2));
			tv_set_str(o, "caption", db_col_text(st, 2));
		} else {
			snprintf(s, sizeof(s), "取材報告の写真（%zu枚目）",
			    tv_len(photos));
			tv_set_str(o, "alt", s);
		}
	}
	if (n < 0)
		goto out;
	if (tv_len(photos) > 0) {
		tv_set(ctx, "photos", photos);
		tv_set_bool(ctx, "has_photos", 1);
	}
	rc = rctx_write(r, SITE_AIKASA, "aikasa/interviews/detail", ctx);
out:
	buf_free(&b);
	return rc;
}

static int
render_interview_pages(struct rctx *r, const struct idlist *ids)
{
	return rctx_each_id(r, ids, sqls[SQL_IV_ALL], render_interview, NULL);
}

/* ---- Q&A ---- */

/*
 * Categories in the order of their first entry (entries sorted by sort,
 * id); each entry's answer is Markdown.
 */
static int
render_faq(struct rctx *r, const struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct tval	*ctx, *cats, *cat = NULL, *items = NULL, *o;
	struct buf	 b, prev;
	char		 s[32];
	int		 rc, ncat = 0, ok = 0;

	(void)ids;
	buf_init(&b, 0);
	buf_init(&prev, 4096);
	if ((ctx = rctx_page(r, "boranet201909/faq/index.html")) == NULL)
		goto out;
	tv_set_str(ctx, "title", "よくあるご質問（Q&A）");
	if ((st = db_prep(r->g->db, sqls[SQL_FAQ])) == NULL)
		goto out;
	cats = tv_list(r->arena);
	while ((rc = db_row(r->g->db, st)) == 1) {
		site_dep(r->site, kind_name(K_FAQ), sqlite3_column_int64(st, 0));
		if (cat == NULL || strcmp(buf_str(&prev), db_col_text(st, 1))) {
			/* A category seen before gets a second section. */
			cat = tv_push_obj(cats);
			tv_set_str(cat, "name", db_col_text(st, 1));
			snprintf(s, sizeof(s), "cat-%d", ++ncat);
			tv_set_str(cat, "anchor", s);
			items = tv_list(r->arena);
			tv_set(cat, "items", items);
			buf_reset(&prev);
			buf_puts(&prev, db_col_text(st, 1));
		}
		o = tv_push_obj(items);
		snprintf(s, sizeof(s), "q%lld",
		    (long long)sqlite3_column_int64(st, 0));
		tv_set_str(o, "anchor", s);
		tv_set_str(o, "q", db_col_text(st, 2));
		buf_reset(&b);
		if (!md_render(db_col_text(st, 3), &b)) {
			sqlite3_reset(st);
			goto out;
		}
		tv_set_html(o, "a_html", buf_str(&b));
	}
	if (rc < 0)
		goto out;
	tv_set(ctx, "cats", cats);
	rctx_crumb(r, "よくあるご質問（Q&A）", NULL);
	ok = rctx_write(r, SITE_AIKASA, "aikasa/faq", ctx);
out:
	buf_free(&b);
	buf_free(&prev);
	return ok;
}

/* ---- 登録用紙ダウンロード ---- */

struct form {
	const char	*who;		/* 個人会員 … */
	const char	*file;		/* under files/forms/ */
	const char	*type;		/* PDF形式 / Word形式 */
};

static const struct form forms[] = {
	{ "個人会員", "aikasa-individual.pdf", "PDF形式" },
	{ "個人会員", "aikasa-individual.docx", "Word形式" },
	{ "団体会員", "aikasa-group.pdf", "PDF形式" },
	{ "団体会員", "aikasa-group.docx", "Word形式" },
	{ "企業会員", "aikasa-company.pdf", "PDF形式" },
	{ "企業会員", "aikasa-company.docx", "Word形式" },
};

/*
 * The forms are shipped in content_dir/files/forms/; a form missing
 * there is listed as being prepared, never with an invented size.
 */
static int
render_downloads(struct rctx *r, const struct idlist *ids)
{
	struct tval	*ctx, *list, *o;
	struct stat	 sb;
	char		 path[4096], s[256];
	size_t		 i;

	(void)ids;
	if ((ctx = rctx_page(r, "boranet201909/downloads.html")) == NULL)
		return 0;
	tv_set_str(ctx, "title", "登録用紙ダウンロード");
	list = tv_list(r->arena);
	for (i = 0; i < KENMIN_NELEM(forms); i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "who", forms[i].who);
		tv_set_str(o, "type", forms[i].type);
		if ((size_t)snprintf(path, sizeof(path), "%s/files/forms/%s",
		    r->g->cfg->content_dir, forms[i].file) < sizeof(path) &&
		    stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			snprintf(s, sizeof(s), "/files/forms/%s", forms[i].file);
			tv_set_str(o, "href", s);
			snprintf(s, sizeof(s), "%s入会申込書（%s、%lldKB）",
			    forms[i].who, forms[i].type,
			    ((long long)sb.st_size + 1023) / 1024);
			tv_set_str(o, "label", s);
		} else {
			snprintf(s, sizeof(s), "%s入会申込書（%s）",
			    forms[i].who, forms[i].type);
			tv_set_str(o, "label", s);
		}
	}
	tv_set(ctx, "forms", list);
	rctx_crumb(r, "登録用紙ダウンロード", NULL);
	return rctx_write(r, SITE_AIKASA, "aikasa/downloads", ctx);
}

const struct family fam_ak_interviews = {
	"aikasa interview list", KBIT(K_INTERVIEW),
	"boranet201909/interviews/index", K_INTERVIEW, 0, render_interviews, NULL, NULL
};

/* An interview page names its member while the member is shown. */
static const char *const interview_dirs[] = {
	"boranet201909/interviews/", NULL };
static const struct famdep interview_deps[] = {
	{ K_MEMBER, "SELECT id FROM interview WHERE member_id = ?1" },
	{ K_UPLOAD, "SELECT interview_id FROM interview_photo "
	    "WHERE upload_id = ?1" },
	{ K__MAX, NULL }
};
const struct family fam_ak_interview = {
	"aikasa interview pages", KBIT(K_MASTER), NULL, K_INTERVIEW, 1,
	render_interview_pages, interview_dirs, interview_deps
};

const struct family fam_ak_faq = {
	"aikasa faq", KBIT(K_FAQ), "boranet201909/faq/", K_FAQ, 0, render_faq, NULL, NULL
};

const struct family fam_ak_downloads = {
	"aikasa downloads", KBIT(K_PAGE) | KBIT(K_UPLOAD),
	"boranet201909/downloads.html", K_PAGE, 0, render_downloads, NULL, NULL
};
