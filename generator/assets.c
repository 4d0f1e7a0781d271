/*
 * assets.c: the families that copy files byte for byte into site_dir:
 * the theme's static files (style sheet, scripts, icons under
 * theme_dir/assets/) into assets/, and the approved uploads into files/
 * (see the second half), so that any web server serves them.
 *
 * It is a list family owning "assets/": a full build copies every file
 * and deletes copies whose source is gone.  No entity kind re-runs it;
 * a new theme, like a new configuration, takes a full build.  Files are
 * visited in name order, so a build does not depend on readdir() order.
 * Names must pass site_path_ok() (lower case, digits, "._-"); hidden
 * files are skipped; anything else is an error rather than a silently
 * missing file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define ASSETS_DIR	"assets"
#define ASSET_MAX	((size_t)8 * 1024 * 1024)	/* one file */
#define ASSET_DEPTH	4				/* nested folders */
#define ASSET_PATH_MAX	4096

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read the regular file path into out (at most out->max bytes: give
 * it a buffer made with buf_init(out, max)).  1 ok, 0 error (printed).
 */
static int
slurp(const char *path, struct buf *out)
{
	char	 chunk[16384];
	ssize_t	 n;
	int	 fd, rc = 0;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		kerr("%s: %s", path, strerror(errno));
		return 0;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_putn(out, chunk, (size_t)n);
	if (n == -1) {
		kerr("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!buf_ok(out)) {
		kerr("%s: larger than %zu bytes", path, out->max);
		goto out;
	}
	rc = 1;
out:
	close(fd);
	return rc;
}

/*
 * Copy every file below theme_dir/assets/rel (rel "" at the top) to
 * site_dir/assets/rel.  1 ok, 0 error (printed).
 */
static int
copy_dir(struct rctx *r, const char *rel, int depth, struct buf *data)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	char		**ents = NULL;
	char		 dir[ASSET_PATH_MAX], src[ASSET_PATH_MAX];
	char		 dst[ASSET_PATH_MAX], sub[ASSET_PATH_MAX];
	size_t		 n = 0, cap = 0, i;
	int		 rc = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/" ASSETS_DIR "%s%s",
	    r->g->cfg->theme_dir, *rel == '\0' ? "" : "/", rel) >=
	    sizeof(dir)) {
		kerr("%s: path too long", r->g->cfg->theme_dir);
		return 0;
	}
	if ((d = opendir(dir)) == NULL) {
		/* A theme without assets has nothing to copy. */
		if (errno == ENOENT && depth == 0)
			return 1;
		kerr("%s: %s", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			ents = xrealloc(ents, cap * sizeof(*ents));
		}
		ents[n++] = xstrdup(de->d_name);
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), cmpname);

	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir,
		    ents[i]) >= sizeof(src) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    *rel == '\0' ? "" : "/", ents[i]) >= sizeof(sub) ||
		    (size_t)snprintf(dst, sizeof(dst), ASSETS_DIR "/%s",
		    sub) >= sizeof(dst)) {
			kerr("%s: path too long", dir);
			goto out;
		}
		if (lstat(src, &st) == -1) {
			kerr("%s: %s", src, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= ASSET_DEPTH) {
				kerr("%s: folders nested too deeply", src);
				goto out;
			}
			if (!copy_dir(r, sub, depth + 1, data))
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			kerr("%s: not a regular file", src);
			goto out;
		}
		if (!site_path_ok(dst)) {
			kerr("%s: file name not allowed in the site "
			    "(use a-z, 0-9, \".\", \"_\", \"-\")", src);
			goto out;
		}
		if (!slurp(src, data))
			goto out;
		/* rctx_page() records the path as made in this run. */
		if (rctx_page(r, dst) == NULL ||
		    !site_page_end(r->site, data->p != NULL ? data->p : "",
		    data->len))
			goto out;
	}
	rc = 1;
out:
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	closedir(d);
	return rc;
}

static int
render_assets(struct rctx *r, const struct idlist *ids)
{
	struct buf	 data;
	int		 rc;

	(void)ids;
	buf_init(&data, ASSET_MAX);
	rc = copy_dir(r, "", 0, &data);
	buf_free(&data);
	return rc;
}

const struct family fam_assets = {
	"theme assets", 0, ASSETS_DIR "/", K__MAX, 0, render_assets, NULL, NULL
};

/*
 * ---- approved uploads: files/<public_name> ----
 *
 * An upload is published while it is 'public', has a public_name that
 * upload_name_ok() accepts, and is attached to an item on the site: a
 * listed org (org_file), a public event (event_file), a shown member
 * (member_file), a posting of a shown member that is public
 * (posting_file; whether its recruitment has begun does not matter,
 * so no date re-runs this), a public report or interview (photos).
 * Its bytes come from upload_dir/<stored_name> and nothing else in
 * upload_dir is ever read.  Each copy depends on the upload and on the
 * items that carry it (a posting's member too), so a publish that
 * queues any of them finds the copies those items showed (r->shown)
 * and deletes the ones it did not write again; a full build deletes
 * every copy it did not write.  The site writer skips unchanged bytes.
 * A source file that is missing is reported and not published.
 */

#define UPLOAD_MAX	((size_t)64 * 1024 * 1024)	/* one file */
#define UPLOAD_DIR	"files/"

enum upsql {
	UPSQL_PUBLISHED,
	UPSQL_BY_NAME,
	UPSQL_ORG,
	UPSQL_EVENT,
	UPSQL_MEMBER,
	UPSQL_POSTING,
	UPSQL_REPORT,
	UPSQL_INTERVIEW,
	UPSQL__MAX
};

static const char *const upsqls[UPSQL__MAX] = {
	/*
	 * UPSQL_PUBLISHED: upload id, public_name, stored_name and the
	 * (kind, id) of each item on the site carrying it, plus the
	 * posting's member; every published upload, or only ?1 when not 0.
	 */
	"SELECT u.id, u.public_name, u.stored_name, x.kind, x.item, "
	"x.kind2, x.item2 FROM upload u JOIN ("
	"SELECT f.upload_id AS uid, 'org' AS kind, o.id AS item, "
	"NULL AS kind2, NULL AS item2 FROM org_file f "
	"JOIN org o ON o.id = f.org_id "
	"WHERE o.state = 'public' AND o.status = 'active' "
	"UNION ALL SELECT f.upload_id, 'event', e.id, NULL, NULL "
	"FROM event_file f JOIN event e ON e.id = f.event_id "
	"WHERE e.state = 'public' "
	"UNION ALL SELECT f.upload_id, 'member', m.id, NULL, NULL "
	"FROM member_file f JOIN member m ON m.id = f.member_id "
	"WHERE " AK_M_VISIBLE " "
	"UNION ALL SELECT f.upload_id, 'posting', p.id, 'member', m.id "
	"FROM posting_file f JOIN posting p ON p.id = f.posting_id "
	"JOIN member m ON m.id = p.member_id WHERE " AK_P_VISIBLE " "
	"UNION ALL SELECT f.upload_id, 'report', x.id, NULL, NULL "
	"FROM report_photo f JOIN report x ON x.id = f.report_id "
	"WHERE x.state = 'public' "
	"UNION ALL SELECT f.upload_id, 'interview', x.id, NULL, NULL "
	"FROM interview_photo f JOIN interview x ON x.id = f.interview_id "
	"WHERE x.state = 'public') x ON x.uid = u.id "
	"WHERE u.state = 'public' AND u.public_name IS NOT NULL "
	"AND (?1 = 0 OR u.id = ?1) ORDER BY u.id, x.kind, x.item",
	/* UPSQL_BY_NAME */
	"SELECT id FROM upload WHERE public_name = ?1",
	/* UPSQL_*: the uploads attached to one item, whatever their state */
	"SELECT upload_id FROM org_file WHERE org_id = ?1",
	"SELECT upload_id FROM event_file WHERE event_id = ?1",
	"SELECT upload_id FROM member_file WHERE member_id = ?1 "
	"UNION SELECT f.upload_id FROM posting_file f "
	"JOIN posting p ON p.id = f.posting_id WHERE p.member_id = ?1",
	"SELECT upload_id FROM posting_file WHERE posting_id = ?1",
	"SELECT upload_id FROM report_photo WHERE report_id = ?1",
	"SELECT upload_id FROM interview_photo WHERE interview_id = ?1",
};

/* The kinds whose items carry uploads, with their UPSQL_* statement. */
static const struct {
	enum kind	 kind;
	enum upsql	 sql;
} carriers[] = {
	{ K_ORG, UPSQL_ORG },
	{ K_EVENT, UPSQL_EVENT },
	{ K_MEMBER, UPSQL_MEMBER },
	{ K_POSTING, UPSQL_POSTING },
	{ K_REPORT, UPSQL_REPORT },
	{ K_INTERVIEW, UPSQL_INTERVIEW },
};

static const char *const upload_exts[] = {
	"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg",
	"png", "gif", "txt", "csv",
};

/*
 * 1 if name is a name files/ may publish: 8 to 128 lower-case hex
 * digits, a dot and one of upload_exts.  NULL is refused.
 */
int
upload_name_ok(const char *name)
{
	size_t	 n, i;

	if (name == NULL)
		return 0;
	n = strspn(name, "0123456789abcdef");
	if (n < 8 || n > 128 || name[n] != '.')
		return 0;
	for (i = 0; i < KENMIN_NELEM(upload_exts); i++)
		if (strcmp(name + n + 1, upload_exts[i]) == 0)
			return 1;
	return 0;
}

/* 1 if stored is a plain file name (no path, not hidden). */
static int
stored_name_ok(const char *stored)
{
	size_t	 n;

	n = strspn(stored, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	return n > 0 && n <= 255 && stored[n] == '\0' && stored[0] != '.';
}

/*
 * Publish upload uid if it is published now (UPSQL_PUBLISHED, ?1 uid;
 * 0: every one).  Each upload is copied once with the deps of all the
 * items carrying it.  1 ok, 0 error (printed).
 */
static int
uploads_copy(struct rctx *r, int64_t uid, struct buf *data)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	struct up {
		int64_t	 id;
		char	*pub, *stored;
		size_t	 dep0, ndep;
	}		*ups = NULL;
	struct updep {
		char	 kind[16];
		int64_t	 id;
	}		*deps = NULL;
	char		 src[4096], rel[256];
	size_t		 nup = 0, ndep = 0, i, j;
	int		 rc = 0, row;

	/* Read every row first: the copies may not interleave with st. */
	if ((st = db_prep(db, upsqls[UPSQL_PUBLISHED])) == NULL)
		return 0;
	db_bind_int(st, 1, uid);
	while ((row = db_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (nup == 0 || ups[nup - 1].id != id) {
			ups = xrealloc(ups, (nup + 1) * sizeof(*ups));
			ups[nup].id = id;
			ups[nup].pub = xstrdup(db_col_text(st, 1));
			ups[nup].stored = xstrdup(db_col_text(st, 2));
			ups[nup].dep0 = ndep;
			ups[nup].ndep = 0;
			nup++;
		}
		for (j = 3; j <= 5; j += 2) {
			if (sqlite3_column_type(st, (int)j) == SQLITE_NULL)
				continue;
			deps = xrealloc(deps, (ndep + 1) * sizeof(*deps));
			snprintf(deps[ndep].kind, sizeof(deps[ndep].kind), "%s",
			    db_col_text(st, (int)j));
			deps[ndep].id = sqlite3_column_int64(st, (int)j + 1);
			ndep++;
			ups[nup - 1].ndep++;
		}
	}
	if (row < 0)
		goto out;
	for (i = 0; i < nup; i++) {
		if (!upload_name_ok(ups[i].pub)) {
			kerr("upload %lld: public name \"%.40s\" not allowed; "
			    "not published", (long long)ups[i].id, ups[i].pub);
			continue;
		}
		if (!stored_name_ok(ups[i].stored)) {
			kerr("upload %lld: stored name \"%.40s\" not allowed; "
			    "not published", (long long)ups[i].id,
			    ups[i].stored);
			continue;
		}
		if ((size_t)snprintf(src, sizeof(src), "%s/%s",
		    r->g->cfg->upload_dir, ups[i].stored) >= sizeof(src)) {
			kerr("%s: path too long", r->g->cfg->upload_dir);
			goto out;
		}
		if (access(src, F_OK) == -1 && errno == ENOENT) {
			kerr("upload %lld: %s: missing; not published",
			    (long long)ups[i].id, src);
			continue;
		}
		if (!slurp(src, data))
			goto out;
		snprintf(rel, sizeof(rel), UPLOAD_DIR "%s", ups[i].pub);
		/* rctx_page() records the path as made in this run. */
		if (rctx_page(r, rel) == NULL)
			goto out;
		site_dep(r->site, kind_name(K_UPLOAD), ups[i].id);
		for (j = 0; j < ups[i].ndep; j++)
			site_dep(r->site, deps[ups[i].dep0 + j].kind,
			    deps[ups[i].dep0 + j].id);
		if (!site_page_end(r->site, data->p != NULL ? data->p : "",
		    data->len))
			goto out;
	}
	rc = 1;
out:
	for (i = 0; i < nup; i++) {
		free(ups[i].pub);
		free(ups[i].stored);
	}
	free(ups);
	free(deps);
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append to *v (len *n) the ids statement st yields; 1 ok. */
static int
ids_read(struct db *db, sqlite3_stmt *st, int64_t **v, size_t *n)
{
	int	 row;

	while ((row = db_row(db, st)) == 1) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	return row == 0;
}

/*
 * A publish: the uploads that may have changed (queued ones, those of
 * queued items, those files/ copies that showed a queued item), each
 * copied again if still published; then the copies that showed a
 * queued item and were not copied again are deleted.  1 ok.
 */
static int
uploads_publish(struct rctx *r, struct buf *data)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	const struct idlist *q;
	const char	*p;
	int64_t		*ids = NULL;
	char		**stale = NULL;
	size_t		 n = 0, nstale = 0, i, c, pos = 0;
	int		 rc = 0;

	q = &r->queued[K_UPLOAD];
	for (i = 0; i < q->len; i++) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = q->ids[i];
	}
	for (c = 0; c < KENMIN_NELEM(carriers); c++) {
		q = &r->queued[carriers[c].kind];
		for (i = 0; i < q->len; i++) {
			if ((st = db_prep(db, upsqls[carriers[c].sql])) == NULL)
				goto out;
			db_bind_int(st, 1, q->ids[i]);
			if (!ids_read(db, st, &ids, &n))
				goto out;
		}
	}
	while ((p = strset_next(r->shown, &pos)) != NULL) {
		if (strncmp(p, UPLOAD_DIR, sizeof(UPLOAD_DIR) - 1) != 0)
			continue;
		stale = xrealloc(stale, (nstale + 1) * sizeof(*stale));
		stale[nstale++] = xstrdup(p);
		if ((st = db_prep(db, upsqls[UPSQL_BY_NAME])) == NULL)
			goto out;
		db_bind_text(st, 1, p + sizeof(UPLOAD_DIR) - 1);
		if (!ids_read(db, st, &ids, &n))
			goto out;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), id_cmp);
	for (i = 0; i < n; i++)
		if ((i == 0 || ids[i] != ids[i - 1]) && ids[i] > 0 &&
		    !uploads_copy(r, ids[i], data))
			goto out;
	/* strset order is hash order: sort for a stable run. */
	if (nstale > 1)
		qsort(stale, nstale, sizeof(*stale), cmpname);
	for (i = 0; i < nstale; i++)
		if (!strset_has(r->seen, stale[i]) &&
		    !site_remove(r->site, stale[i]))
			goto out;
	rc = 1;
out:
	for (i = 0; i < nstale; i++)
		free(stale[i]);
	free(stale);
	free(ids);
	return rc;
}

static int
render_uploads(struct rctx *r, const struct idlist *ids)
{
	struct buf	 data;
	int		 rc;

	(void)ids;
	buf_init(&data, UPLOAD_MAX);
	rc = r->full ? uploads_copy(r, 0, &data) :
	    uploads_publish(r, &data);
	buf_free(&data);
	return rc;
}

/* A list family with no `owns`: render_uploads() deletes its stale copies. */
const struct family fam_uploads = {
	"uploads", KBIT(K_UPLOAD) | KBIT(K_ORG) | KBIT(K_EVENT) |
	KBIT(K_MEMBER) | KBIT(K_POSTING) | KBIT(K_REPORT) | KBIT(K_INTERVIEW),
	NULL, K_UPLOAD, 0, render_uploads, NULL, NULL
};
