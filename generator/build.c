/*
 * build.c: `kenmin-gen build` (every page of both sites) and
 * `kenmin-gen publish` (only what the publish queue names), both ending
 * in one git commit of the site directory when files changed.
 *
 * A publish re-renders the detail pages of the queued items and every
 * list family whose kinds changed, and deletes the pages a list family
 * no longer produces.  The site writer skips unchanged bytes, so only
 * files whose bytes differ are written, and the result is the tree a
 * full build of the same data would give (tests/cases/3*_incremental).
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
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
};

/* ---- a set of strings (the paths one run rendered) ---- */

struct strset {
	char	**slots;
	size_t	 cap;		/* power of two */
	size_t	 len;
};

static uint64_t
strhash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct strset *
strset_new(void)
{
	struct strset	*s;

	s = xcalloc(1, sizeof(*s));
	s->cap = 1024;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	return s;
}

static void
strset_free(struct strset *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	free(s);
}

int
strset_has(const struct strset *s, const char *k)
{
	size_t	 i;

	i = strhash(k) & (s->cap - 1);
	for (; s->slots[i] != NULL; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slots[i], k) == 0)
			return 1;
	return 0;
}

/*
 * Iterate: start with *pos = 0; returns the next string (owned by the
 * set) or NULL at the end.  The order is the hash order: sort it.
 */
const char *
strset_next(const struct strset *s, size_t *pos)
{
	const char	*k;

	while (*pos < s->cap) {
		k = s->slots[(*pos)++];
		if (k != NULL)
			return k;
	}
	return NULL;
}

/* Add k; 0 if it was there already. */
int
strset_add(struct strset *s, const char *k)
{
	char	**old;
	size_t	 i, j, oldcap;

	if (strset_has(s, k))
		return 0;
	if ((s->len + 1) * 2 > s->cap) {
		old = s->slots;
		oldcap = s->cap;
		s->cap *= 2;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
		for (j = 0; j < oldcap; j++) {
			if (old[j] == NULL)
				continue;
			i = strhash(old[j]) & (s->cap - 1);
			while (s->slots[i] != NULL)
				i = (i + 1) & (s->cap - 1);
			s->slots[i] = old[j];
		}
		free(old);
	}
	i = strhash(k) & (s->cap - 1);
	while (s->slots[i] != NULL)
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = xstrdup(k);
	s->len++;
	return 1;
}

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

static void
idlist_add(struct idlist *l, int64_t id)
{
	if (l->len > 0 && l->ids[l->len - 1] == id)
		return;		/* the queue is read sorted by id */
	l->ids = xrealloc(l->ids, (l->len + 1) * sizeof(*l->ids));
	l->ids[l->len++] = id;
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

/* After a list family ran in a publish: delete what it no longer makes. */
static int
prune(struct rctx *r, const char *prefix)
{
	struct db	*db = r->g->db;
	sqlite3_stmt	*st;
	char		**stale = NULL;
	size_t		 n = 0, i;
	int		 rc, ok = 1;

	if ((st = db_prep(db, sqls[SQL_FILES_UNDER])) == NULL)
		return 0;
	db_bind_text(st, 1, prefix);
	while ((rc = db_row(db, st)) == 1) {
		const char *p = db_col_text(st, 0);

		if (strset_has(r->seen, p))
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

static const struct family *const *const tables[] = {
	fam_supernet, fam_aikasa, fam_common, fam_final,
};

static int	 run_family(struct rctx *, const struct family *);

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
	size_t			 t, i, pages;
	double			 t0;
	int			 timings;

	timings = getenv("KENMIN_TIMINGS") != NULL;
	for (t = 0; t < KENMIN_NELEM(tables); t++) {
		for (i = 0; (f = tables[t][i]) != NULL; i++) {
			t0 = now_ms();
			pages = r->pages;
			if (!run_family(r, f))
				goto fail;
			if (timings)
				fprintf(stderr, "%8.1f ms %6zu pages  %s\n",
				    now_ms() - t0, r->pages - pages, f->name);
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
	if (r->full)
		return f->render(r, NULL);
	if (f->is_detail) {
		/* Every page when a kind they all show changed. */
		if (r->changed & f->kinds)
			return f->render(r, NULL);
		if (r->queued[f->detail].len > 0)
			return f->render(r, &r->queued[f->detail]);
		return 1;
	}
	if ((r->changed & f->kinds) == 0)
		return 1;
	if (!f->render(r, NULL))
		return 0;
	return f->owns == NULL || prune(r, f->owns);
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
	size_t		 k;
	int		 rc = 0, committed = 0, ok;

	memset(&r, 0, sizeof(r));
	buf_init(&body, 0);
	buf_init(&out, 0);
	buf_init(&msg, 64 * 1024);
	r.g = g;
	r.body = &body;
	r.out = &out;
	r.seen = strset_new();
	*again = 0;

	if ((r.tmpl = tmpl_set_load(g->cfg->theme_dir)) == NULL)
		goto out;
	r.arena = tarena_new();
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
	if (full) {
		buf_reset(&msg);
		buf_printf(&msg, "build: full build for %s", g->today);
	} else if (r.changed == KBIT(K_DATE) && prev != NULL) {
		buf_reset(&msg);
		buf_printf(&msg, "publish: date changed to %s", g->today);
	}

	ok = run_families(&r);
	if (!site_finish(r.site, ok, &st) || !ok)
		goto out;
	if (!history_commit(g, r.site, buf_str(&msg), &committed))
		goto out;
	if (!built_for_set(g->db, g->today) || !queue_delete(g->db, max))
		goto out;
	printf("%s: %zu pages rendered, %zu written, %zu unchanged, "
	    "%zu deleted%s\n", full ? "build" : "publish", r.pages,
	    st.written, st.unchanged, st.deleted,
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
	site_free(r.site);
	tmpl_set_free(r.tmpl);
	tarena_free(r.arena);
	strset_free(r.seen);
	for (k = 0; k < K__MAX; k++)
		free(r.queued[k].ids);
	free(prev);
	buf_free(&body);
	buf_free(&out);
	buf_free(&msg);
	return rc;
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
