/*
 * build.c: `kenmin-gen build` (every page of both sites) and
 * `kenmin-gen publish` (only what the publish queue names), both ending
 * in one git commit of the site directory when files changed.
 *
 * A publish runs every list family whose kinds changed, and deletes the
 * pages a list family no longer produces.  A family renders only the
 * list pages that can have changed: a page whose set of items, meta
 * (counts, page count) and queued items say it is as the last run left
 * it is kept unrendered (rctx_list_page() in render.c gives the rule
 * and why it is sound).  The site writer skips unchanged bytes, so only
 * files whose bytes differ are written, and the result is the tree a
 * full build of the same data would give (tests/cases/340_incremental.sh,
 * 348_list_keep.sh).
 *
 * The rule for a family's `kinds` mask: a list family (and the top
 * pages, feeds, sitemap) has exactly the kinds of the tables its SQL
 * reads: org → K_ORG, event → K_EVENT, grant_item → K_GRANT, member
 * and its facet tables → K_MEMBER, posting → K_POSTING, m_* → K_MASTER,
 * setting → K_SETTING, upload → K_UPLOAD, page → K_PAGE, report,
 * book, notice, newsletter, interview, faq likewise, and ?today (any
 * comparison with the date) → K_DATE.  A detail family's mask has only
 * the kinds that change ALL of its pages (K_MASTER, K_DATE where the
 * page shows date-dependent state); for the rest a publish renders the
 * ids of detail_targets(): the queued items of its own kind, the pages
 * of the family that showed any queued item when the run started
 * (site_shows()), and the ids its famdep SQL gives for queued items of
 * other kinds (the pages that show them now).  A detail family that
 * ran for every item gets its other pages removed (detail_prune_all());
 * one that ran for some ids gets the pages of those ids it did not
 * render removed (detail_prune_ids()).
 */
#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

enum sql {
	SQL_QUEUE_MAX,
	SQL_QUEUE_ALL,
	SQL_QUEUE_DEL,
	SQL_ENQUEUE,
	SQL_BUILT_FOR_GET,
	SQL_BUILT_FOR_SET,
	SQL_FILES_UNDER,
	SQL_FILE_HAS,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_QUEUE_MAX */
	"SELECT coalesce(max(id), 0) FROM publish_queue",
	/* SQL_QUEUE_ALL */
	"SELECT kind, item_id, reason FROM publish_queue WHERE id <= ?1 "
	"ORDER BY kind, item_id",
	/* SQL_QUEUE_DEL */
	"DELETE FROM publish_queue WHERE id <= ?1",
	/* SQL_ENQUEUE */
	"INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) "
	"VALUES (?1, ?2, ?3, unixepoch())",
	/* SQL_BUILT_FOR_GET */
	"SELECT value FROM setting WHERE key = 'site.built_for'",
	/* SQL_BUILT_FOR_SET */
	"INSERT INTO setting (key, value, updated_at) "
	"VALUES ('site.built_for', ?1, unixepoch()) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
	"updated_at = excluded.updated_at",
	/* SQL_FILES_UNDER */
	"SELECT path FROM site_file WHERE path >= ?1 AND path < ?1 || x'ff' "
	"ORDER BY path",
	/* SQL_FILE_HAS */
	"SELECT 1 FROM site_file WHERE path = ?1",
};

/* ---- the publish queue ---- */

int
publish_enqueue(struct db *db, enum kind k, int64_t id, const char *why)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sqls[SQL_ENQUEUE])) == NULL)
		return 0;
	db_bind_text(st, 1, kind_name(k));
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, why);
	return db_run(db, st);
}

/*
 * Read the queue up to its current end into r->queued and r->changed,
 * and a commit message into msg.  Returns the last id read, -1 on error.
 */
static int64_t
queue_read(struct rctx *r, struct buf *msg)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	int64_t		 max = -1;
	enum kind	 k;
	size_t		 n = 0;
	int		 rc;

	if ((st = db_prep(db, sqls[SQL_QUEUE_MAX])) == NULL ||
	    db_row(db, st) != 1)
		return -1;
	max = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((st = db_prep(db, sqls[SQL_QUEUE_ALL])) == NULL)
		return -1;
	db_bind_int(st, 1, max);
	buf_puts(msg, "publish:");
	while ((rc = db_row(db, st)) == 1) {
		if (!kind_parse(db_col_text(st, 0), &k)) {
			kerr("publish_queue: unknown kind %s; ignored",
			    db_col_text(st, 0));
			continue;
		}
		r->changed |= KBIT(k);
		idlist_add(&r->queued[k], sqlite3_column_int64(st, 1));
		if (n++ < 8)
			buf_printf(msg, " %s %lld (%s)", kind_name(k),
			    (long long)sqlite3_column_int64(st, 1),
			    db_col_text(st, 2));
	}
	if (rc < 0)
		return -1;
	if (n > 8)
		buf_printf(msg, " and %zu more", n - 8);
	return max;
}

static int
queue_delete(struct db *db, int64_t max)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sqls[SQL_QUEUE_DEL])) == NULL)
		return 0;
	db_bind_int(st, 1, max);
	return db_run(db, st);
}

/* The date the site was last rendered for (a copy), or NULL. */
static char *
built_for(struct db *db)
{
	sqlite3_stmt	*st;
	char		*v = NULL;

	if ((st = db_prep(db, sqls[SQL_BUILT_FOR_GET])) != NULL &&
	    db_row(db, st) == 1) {
		v = xstrdup(db_col_text(st, 0));
		sqlite3_reset(st);
	}
	return v;
}

static int
built_for_set(struct db *db, const char *today)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sqls[SQL_BUILT_FOR_SET])) == NULL)
		return 0;
	db_bind_text(st, 1, today);
	return db_run(db, st);
}


/* ---- detail families: which pages, and removing the others ---- */

/*
 * If path is "<dir><id>.html" for one of f's dirs, set *id; 1 if so.
 */
static int
detail_id(const struct family *f, const char *path, int64_t *id)
{
	const char	*p;
	char		 num[24];
	long long	 v;
	size_t		 i, dl, n;

	if (f->pages == NULL)
		return 0;
	for (i = 0; f->pages[i] != NULL; i++) {
		dl = strlen(f->pages[i]);
		if (strncmp(path, f->pages[i], dl) != 0)
			continue;
		p = path + dl;
		n = strspn(p, "0123456789");
		if (n == 0 || n >= sizeof(num) || strcmp(p + n, ".html") != 0)
			continue;
		memcpy(num, p, n);
		num[n] = '\0';
		if (!util_strtoll(num, 1, INT64_MAX, &v))
			continue;
		*id = v;
		return 1;
	}
	return 0;
}

/*
 * Remove the files under prefix this run did not render; with f, only
 * f's detail pages there.
 */
static int
prune_under(struct rctx *r, const char *prefix, const struct family *f)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	char		**stale = NULL;
	int64_t		 id;
	size_t		 n = 0, i;
	int		 rc, ok = 1;

	if ((st = db_prep(db, sqls[SQL_FILES_UNDER])) == NULL)
		return 0;
	db_bind_text(st, 1, prefix);
	while ((rc = db_row(db, st)) == 1) {
		const char *p = db_col_text(st, 0);

		if ((f != NULL && !detail_id(f, p, &id)) ||
		    strset_has(r->seen, p))
			continue;
		stale = xrealloc(stale, (n + 1) * sizeof(*stale));
		stale[n++] = xstrdup(p);
	}
	if (rc < 0)
		ok = 0;
	for (i = 0; i < n; i++) {
		if (ok && !site_remove(r->site, stale[i]))
			ok = 0;
		free(stale[i]);
	}
	free(stale);
	return ok;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
ids_push(struct idlist *l, int64_t id)
{
	l->ids = xrealloc(l->ids, (l->len + 1) * sizeof(*l->ids));
	l->ids[l->len++] = id;
}

/* Sort l and drop duplicates. */
static void
ids_uniq(struct idlist *l)
{
	size_t	 i, n = 0;

	if (l->len < 2)
		return;
	qsort(l->ids, l->len, sizeof(*l->ids), id_cmp);
	for (i = 0; i < l->len; i++)
		if (n == 0 || l->ids[n - 1] != l->ids[i])
			l->ids[n++] = l->ids[i];
	l->len = n;
}

/*
 * Publish: every path that showed a queued item when the run started
 * into r->shown (read before any family replaces its site_dep rows).
 */
static int
shown_load(struct rctx *r)
{
	char	**paths;
	size_t	 k, i, j;

	for (k = 0; k < K__MAX; k++) {
		if (k == K_DATE)
			continue;
		for (i = 0; i < r->queued[k].len; i++) {
			paths = site_shows(r->site, kind_name((enum kind)k),
			    r->queued[k].ids[i]);
			if (paths == NULL)
				return 0;
			for (j = 0; paths[j] != NULL; j++)
				strset_add(r->shown, paths[j]);
			site_paths_free(paths);
		}
	}
	return 1;
}

/*
 * The ids a publish re-renders of detail family f: its queued items,
 * the pages of f that showed a queued item, and the ids f's deps give
 * for the queued items of other kinds.  1 ok, 0 on a database error.
 */
static int
detail_targets(struct rctx *r, const struct family *f, struct idlist *out)
{
	struct db		*db = r->g->db;
	const struct famdep	*d;
	const struct idlist	*q;
	sqlite3_stmt		*st;
	const char		*p;
	int64_t			 id;
	size_t			 i, pos = 0;
	int			 rc;

	q = &r->queued[f->detail];
	for (i = 0; i < q->len; i++)
		ids_push(out, q->ids[i]);
	while ((p = strset_next(r->shown, &pos)) != NULL)
		if (detail_id(f, p, &id))
			ids_push(out, id);
	for (d = f->deps; d != NULL && d->sql != NULL; d++) {
		q = &r->queued[d->kind];
		for (i = 0; i < q->len; i++) {
			if ((st = db_prep(db, d->sql)) == NULL)
				return 0;
			db_bind_int(st, 1, q->ids[i]);
			while ((rc = db_row(db, st)) == 1)
				if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
					ids_push(out, sqlite3_column_int64(st, 0));
			if (rc < 0)
				return 0;
		}
	}
	ids_uniq(out);
	return 1;
}

/*
 * After detail family f rendered every public item: remove its pages
 * this run did not render (items no longer public).
 */
static int
detail_prune_all(struct rctx *r, const struct family *f)
{
	size_t	 d;

	for (d = 0; f->pages[d] != NULL; d++)
		if (!prune_under(r, f->pages[d], f))
			return 0;
	return 1;
}

/*
 * After detail family f rendered the ids of l: remove the pages of
 * those ids it did not render (unpublished, deleted, or moved to
 * another of its dirs).
 */
static int
detail_prune_ids(struct rctx *r, const struct family *f,
    const struct idlist *l)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	char		 path[512];
	size_t		 i, d;
	int		 rc;

	for (i = 0; i < l->len; i++) {
		for (d = 0; f->pages[d] != NULL; d++) {
			if ((size_t)snprintf(path, sizeof(path), "%s%lld.html",
			    f->pages[d], (long long)l->ids[i]) >= sizeof(path))
				continue;
			if (strset_has(r->seen, path))
				continue;
			if ((st = db_prep(db, sqls[SQL_FILE_HAS])) == NULL)
				return 0;
			db_bind_text(st, 1, path);
			if ((rc = db_row(db, st)) < 0)
				return 0;
			if (rc == 0)
				continue;
			sqlite3_reset(st);
			if (!site_remove(r->site, path))
				return 0;
		}
	}
	return 1;
}

/* Theme subdirectories that are not the generator's templates. */
const char *const build_theme_skip[] = { "formsvc", "assets", NULL };

static const struct family *const *const tables[] = {
	fam_supernet, fam_aikasa, fam_common, fam_final,
};

static int	 run_family(struct rctx *, const struct family *);
static int	 worker_merge(struct rctx *);

/*
 * The families a full build hands to its second process: the largest
 * detail families, about half of the work (per-family times with
 * KENMIN_TIMINGS).  Rendering is single-threaded; two processes keep
 * both cores of the machine busy, and they share nothing but the site
 * directory (distinct files) and the database (each its own
 * connection).
 */
static const char *const worker_fams[] = {
	"events: detail", "grants: detail", "aikasa posting pages",
	"book pages", "aikasa member pages", NULL
};

static int
is_worker_fam(const struct family *f)
{
	size_t	 i;

	for (i = 0; worker_fams[i] != NULL; i++)
		if (strcmp(f->name, worker_fams[i]) == 0)
			return 1;
	return 0;
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Run every family (full) or those the queue touches (publish).  With
 * KENMIN_TIMINGS set in the environment, each family's time and page
 * count go to stderr (make bench uses it).
 */
static int
run_families(struct rctx *r)
{
	const struct family	*f;
	size_t			 t, i, pages, kept;
	double			 t0;
	int			 timings;

	timings = getenv("KENMIN_TIMINGS") != NULL;
	if (r->part != 2)
		search_prefetch(r);
	for (t = 0; t < KENMIN_NELEM(tables); t++) {
		/* The sitemap lists the worker's pages too. */
		if (tables[t] == fam_final && r->part == 1 &&
		    !worker_merge(r))
			return 0;
		for (i = 0; (f = tables[t][i]) != NULL; i++) {
			if (r->part != 0 && (r->part == 2) !=
			    is_worker_fam(f))
				continue;
			t0 = now_ms();
			pages = r->pages;
			kept = r->kept;
			if (!run_family(r, f))
				goto fail;
			if (timings && r->kept == kept)
				fprintf(stderr, "%8.1f ms %6zu pages  %s\n",
				    now_ms() - t0, r->pages - pages, f->name);
			else if (timings)
				fprintf(stderr, "%8.1f ms %6zu pages  %s "
				    "(%zu kept)\n", now_ms() - t0,
				    r->pages - pages, f->name, r->kept - kept);
		}
	}
	return 1;
fail:
	kerr("rendering %s failed", f->name);
	return 0;
}

/* Run one family as the run's mode asks; 1 ok. */
static int
run_family(struct rctx *r, const struct family *f)
{
	struct idlist	 t = { NULL, 0 };
	int		 ok;

	r->fam = f;	/* rctx_list_page() reads its kinds */
	if (r->full)
		return f->render(r, NULL);
	if (f->is_detail && f->pages == NULL) {
		/* Slug pages (pages.c): the family finds its own. */
		if (r->changed & f->kinds)
			return f->render(r, NULL);
		return 1;
	}
	if (f->is_detail) {
		/* Every page when a kind they all show changed. */
		if (r->changed & f->kinds)
			return f->render(r, NULL) && detail_prune_all(r, f);
		if (!detail_targets(r, f, &t)) {
			free(t.ids);
			return 0;
		}
		ok = t.len == 0 ||
		    (f->render(r, &t) && detail_prune_ids(r, f, &t));
		free(t.ids);
		return ok;
	}
	if ((r->changed & f->kinds) == 0)
		return 1;
	if (!f->render(r, NULL))
		return 0;
	return f->owns == NULL || prune_under(r, f->owns, NULL);
}


/* site_on_write() listener: the file goes into the run's history pack. */
static int
to_pack(void *arg, const char *relpath, const void *bytes, size_t len,
    const struct stat *st)
{
	return histpack_put(arg, relpath, bytes, len, st);
}

/* ---- the second process of a full build ---- */

/*
 * Start `kenmin-gen build-worker` on the families of worker_fams[],
 * its report coming back on a pipe.  Call after site_open(), before
 * anything is written: the worker is told whether this run trusts the
 * manifest (SITE_VERIFY), as it cannot tell once this process has
 * begun writing.  If it cannot start, this process renders everything.
 */
static void
worker_start(struct rctx *r)
{
	posix_spawn_file_actions_t	 fa;
	char				 verify[2], *argv[10];
	int				 p[2], n = 0;
	pid_t				 pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return;
	snprintf(verify, sizeof(verify), "%d",
	    (site_flags(r->site) & SITE_VERIFY) != 0);
	argv[n++] = (char *)"kenmin-gen";
	if (r->g->cfgpath != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = (char *)r->g->cfgpath;
	}
	argv[n++] = (char *)"--today";
	argv[n++] = (char *)r->g->today;
	argv[n++] = (char *)"build-worker";
	argv[n++] = (char *)"3";
	argv[n++] = verify;
	argv[n] = NULL;
	fflush(NULL);
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	/* dup2 onto 3 clears close-on-exec there. */
	if (posix_spawn_file_actions_adddup2(&fa, p[1], 3) != 0 ||
	    posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv,
	    environ) != 0) {
		kerr("build: no second process; rendering in one");
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	r->part = 1;
	r->wpid = pid;
	r->wfd = p[0];
}

/* Wait for the worker; 1 if it exited 0. */
static int
worker_wait(struct rctx *r)
{
	int	 status;

	if (r->wfd != -1)
		close(r->wfd);
	r->wfd = -1;
	while (waitpid(r->wpid, &status, 0) == -1)
		if (errno != EINTR) {
			kerr("build-worker: %s", strerror(errno));
			return 0;
		}
	r->wpid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	kerr("build-worker failed");
	return 0;
}

/*
 * Take the worker's report into this run: its page count, the paths it
 * rendered, its site ops and its pack's entries.  1 ok, 0 error.
 */
static int
worker_merge(struct rctx *r)
{
	struct buf	 in;
	struct bufrd	 rd;
	char		 path[512];
	size_t		 pages, n, i, len;
	int		 ok = 0, have;

	/* One read of the whole report: it is a few MB of small fields. */
	buf_init(&in, 0);
	if (!buf_read_fd(&in, r->wfd)) {
		kerr("build: the worker's report: %s", strerror(errno));
		goto out;
	}
	bufrd_init(&rd, &in);
	if (!bufrd_get(&rd, &pages, sizeof(pages)) ||
	    !bufrd_get(&rd, &n, sizeof(n)))
		goto out;
	for (i = 0; i < n; i++) {
		if (!bufrd_get(&rd, &len, sizeof(len)) ||
		    len >= sizeof(path) || !bufrd_get(&rd, path, len))
			goto out;
		path[len] = '\0';
		strset_add(r->seen, path);
	}
	r->pages += pages;
	if (!site_import(r->site, &rd) ||
	    !bufrd_get(&rd, &have, sizeof(have)))
		goto out;
	/* Without the entries, the parent stages those files from disk. */
	if (have && r->hp != NULL && !histpack_import(r->hp, &rd))
		goto out;
	ok = 1;
out:
	if (!ok)
		kerr("build: the worker's report is cut short");
	buf_free(&in);
	return worker_wait(r) && ok;
}

/*
 * The worker's report (read by worker_merge()) to fd, built in memory
 * and written at once: field by field it was 200,000 syscalls on each
 * side of the pipe.  1 ok.
 */
static int
worker_report(struct rctx *r, int fd)
{
	struct buf	 b;
	const char	*p;
	size_t		 n = 0, pos = 0, len;
	int		 have = r->hp != NULL, ok;

	buf_init(&b, 0);
	while (strset_next(r->seen, &pos) != NULL)
		n++;
	buf_putn(&b, &r->pages, sizeof(r->pages));
	buf_putn(&b, &n, sizeof(n));
	for (pos = 0; (p = strset_next(r->seen, &pos)) != NULL; ) {
		len = strlen(p);
		buf_putn(&b, &len, sizeof(len));
		buf_putn(&b, p, len);
	}
	site_export(r->site, &b);
	buf_putn(&b, &have, sizeof(have));
	if (have)
		histpack_export(r->hp, &b);
	if (!buf_ok(&b)) {
		kerr("build-worker: the report is over %zu bytes", b.max);
		ok = 0;
	} else if (!(ok = util_write_all(fd, b.p, b.len)))
		kerr("build-worker: report: %s", strerror(errno));
	buf_free(&b);
	return ok;
}

/* A run's context with its scratch buffers; 1 ok, 0 error (printed). */
static int
rctx_setup(struct rctx *r, struct gen *g, struct buf *body, struct buf *out)
{
	memset(r, 0, sizeof(*r));
	buf_init(body, 0);
	buf_init(out, 0);
	r->g = g;
	r->body = body;
	r->out = out;
	r->wfd = -1;
	r->seen = strset_new();
	r->shown = strset_new();
	r->arena = tarena_new();
	r->tmpl = tmpl_set_load_skip(g->cfg->theme_dir, build_theme_skip);
	return r->tmpl != NULL;
}

static void
rctx_teardown(struct rctx *r)
{
	size_t	 k;

	if (r->wpid > 0) {
		/* The run failed before the worker's report was read. */
		kill(r->wpid, SIGTERM);
		(void)worker_wait(r);
	}
	search_prefetch_end(r);
	rctx_cache_set(r, NULL, NULL, NULL);
	site_free(r->site);
	histpack_free(r->hp);
	tmpl_set_free(r->tmpl);
	tarena_free(r->arena);
	strset_free(r->seen);
	strset_free(r->shown);
	for (k = 0; k < K__MAX; k++)
		free(r->queued[k].ids);
	buf_free(r->body);
	buf_free(r->out);
}

/* Take the publish lock (one run at a time); -1 on error. */
static int
lock_take(struct gen *g)
{
	char	 path[4096];
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/publish.lock",
	    g->cfg->spool_dir) >= sizeof(path)) {
		kerr("%s: path too long", g->cfg->spool_dir);
		return -1;
	}
	if (!util_mkdirs(g->cfg->spool_dir))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		kerr("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1) {
		kerr("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One run: full build when full is set (or the site is not known to be
 * consistent), else apply the queue.  Returns 1 ok, 0 error; *again is
 * set when more work was queued while it ran.
 */
static int
run(struct gen *g, int full, int *again)
{
	struct rctx	 r;
	struct buf	 body, out, msg;
	struct site_stats st;
	char		*prev = NULL;
	int64_t		 max = 0;
	double		 t0, t1, t2;
	int		 rc = 0, committed = 0, ok, publish = !full;

	buf_init(&msg, 64 * 1024);
	*again = 0;
	if (!rctx_setup(&r, g, &body, &out))
		goto out;
	if ((max = queue_read(&r, &msg)) < 0)
		goto out;
	prev = built_for(g->db);
	if (prev == NULL || strcmp(prev, g->today) != 0)
		r.changed |= KBIT(K_DATE);
	r.site = site_open(g->db, g->cfg->site_dir, full ? SITE_FULL : 0);
	if (r.site == NULL)
		goto out;
	if (!full && (site_flags(r.site) & SITE_VERIFY)) {
		/* The last run did not finish: rebuild everything. */
		site_free(r.site);
		full = 1;
		r.site = site_open(g->db, g->cfg->site_dir, SITE_FULL);
		if (r.site == NULL)
			goto out;
	}
	r.full = full;
	/*
	 * The blobs of the files the run writes go into the history as it
	 * runs (histpack.c): a full build writes most files, into one pack;
	 * a publish writes few, as loose objects.  This creates the history
	 * first, so the worker need not.
	 */
	if ((r.hp = history_pack_start(g, full ? 0 : HP_LOOSE)) != NULL)
		site_on_write(r.site, to_pack, r.hp);
	if (full)
		worker_start(&r);
	if (full) {
		buf_reset(&msg);
		buf_printf(&msg, "build: full build for %s", g->today);
	} else if (r.changed == KBIT(K_DATE) && prev != NULL) {
		buf_reset(&msg);
		buf_printf(&msg, "publish: date changed to %s", g->today);
	}

	/* KENMIN_TIMINGS: the run's phases too (make bench prints them). */
	t0 = now_ms();
	ok = (full || shown_load(&r)) && run_families(&r);
	t1 = now_ms();
	/* A kill from here to the commit leaves history.c's marker. */
	if (ok && !history_begin(g))
		ok = 0;
	if (!site_finish(r.site, ok, &st) || !ok)
		goto out;
	t2 = now_ms();
	if (!history_commit(g, r.site, &st, r.hp, buf_str(&msg), &committed))
		goto out;
	if (getenv("KENMIN_TIMINGS") != NULL)
		fprintf(stderr, "%8.1f ms render, %.1f ms finish, "
		    "%.1f ms commit\n", t1 - t0, t2 - t1, now_ms() - t2);
	if (!built_for_set(g->db, g->today) || !queue_delete(g->db, max))
		goto out;
	/* The matching mails of what this publish made public (not build). */
	if (publish && !matching_publish(g, &r.queued[K_POSTING],
	    &r.queued[K_MEMBER]))
		kerr("publish: matching mails not queued; "
		    "`kenmin-gen match` will retry");
	printf("%s: %zu pages rendered, %zu kept, %zu written, "
	    "%zu unchanged, %zu deleted%s\n", full ? "build" : "publish",
	    r.pages, r.kept, st.written, st.unchanged, st.deleted,
	    committed ? "; committed" : "");
	/* More queued meanwhile? */
	{
		sqlite3_stmt	*q;

		if ((q = db_prep(g->db, sqls[SQL_QUEUE_MAX])) != NULL &&
		    db_row(g->db, q) == 1) {
			*again = sqlite3_column_int64(q, 0) > max;
			sqlite3_reset(q);
		}
	}
	rc = 1;
out:
	rctx_teardown(&r);
	free(prev);
	buf_free(&msg);
	return rc;
}

/*
 * kenmin-gen build-worker FD VERIFY: started by a full build
 * (worker_start()), render the families of worker_fams[] into the site
 * directory, their blobs into a pack of their own, and write what was
 * done to FD instead of finishing the run.
 */
int
cmd_build_worker(struct gen *g, int argc, char *argv[])
{
	struct rctx	 r;
	struct buf	 body, out;
	long long	 fd, verify;
	int		 ok = 0;

	if (argc != 3 || !util_strtoll(argv[1], 3, 1024, &fd) ||
	    !util_strtoll(argv[2], 0, 1, &verify)) {
		kerr("usage: build-worker FD VERIFY (started by build)");
		return 0;
	}
	if (!gen_open_db(g, 0) || !rctx_setup(&r, g, &body, &out))
		goto out;
	r.site = site_open(g->db, g->cfg->site_dir, SITE_FULL | SITE_WORKER |
	    (verify ? SITE_VERIFY : 0));
	if (r.site == NULL)
		goto out;
	r.full = 1;
	r.part = 2;
	if ((r.hp = history_pack_start(g, 0)) != NULL)
		site_on_write(r.site, to_pack, r.hp);
	if (!run_families(&r))
		goto out;
	if (r.hp != NULL && !histpack_finish(r.hp)) {
		/* The parent stages these files from disk instead. */
		histpack_free(r.hp);
		r.hp = NULL;
	}
	ok = worker_report(&r, (int)fd);
out:
	close((int)fd);
	rctx_teardown(&r);
	return ok;
}

static int
run_locked(struct gen *g, int full)
{
	int	 fd, again, rc, n = 0;

	if (!gen_open_db(g, 0) || (fd = lock_take(g)) == -1)
		return 0;
	do {
		rc = run(g, full, &again);
		full = 0;
	} while (rc && again && ++n < 10);
	close(fd);
	return rc;
}

int
cmd_build(struct gen *g, int argc, char *argv[])
{
	(void)argv;
	if (argc != 1) {
		kerr("usage: build");
		return 0;
	}
	return run_locked(g, 1);
}

int
cmd_publish(struct gen *g, int argc, char *argv[])
{
	(void)argv;
	if (argc != 1) {
		kerr("usage: publish");
		return 0;
	}
	return run_locked(g, 0);
}
