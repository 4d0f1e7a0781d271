/*
 * site.c: the output layer of kenmin-gen: writes site_dir atomically and
 * incrementally, and keeps its manifest (site_file, site_dep) in the DB.
 *
 * How a file is written.  The bytes are hashed (BLAKE2b-256) and looked
 * up in site_file.  If the manifest has the same size and hash and the
 * file on disk is a regular file of that size, nothing is touched (the
 * fast path: one indexed SELECT and one fstatat, no read).  Otherwise,
 * if a file of the same size exists its bytes are compared, so a lost or
 * stale manifest never causes 25,000 rewrites.  Only different bytes are
 * written, to ".kenmin-tmp-PID-N" in the same directory and renamed over
 * the name: a reader sees the old file or the new one, never a part.  A
 * name that does not exist yet gets an unnamed file (O_TMPFILE) linked
 * to it once written, which is cheaper (write_linked()).
 * The directory is never wiped: on this disk (ext4, no journal) deleting
 * and re-creating many files makes later writes far slower.  Measured for
 * 25,000 files of 20 KB with the page cache cold, an unchanged full run
 * costs 1.2 s with the hash fast path and 3.9 s comparing bytes, so the
 * fast path is the default and bytes are compared only when the
 * manifest cannot be trusted.
 *
 * Durability trade-off.  No file is fsync'd before its rename: on this
 * disk 2,000 files of 20 KB took 3.6 s with an fsync each (about 45 s
 * for 25,000) against 0.1 s without.  Instead, before the first change
 * of a run the DB gets site_state.dirty = 1 (committed), and at the end
 * one syncfs() flushes every file and directory of the run (0.5 s after
 * writing 25,000 files; it is a filesystem-wide flush, stronger than
 * fsyncing the directories, which on ext4 would not flush file data),
 * then the manifest and dirty = 0 are committed together.  A crash in
 * between can leave files empty or old on disk; the next run sees
 * dirty = 1, trusts no hash and compares every file it writes byte for
 * byte (SITE_VERIFY), and site_flags() lets the caller turn a publish
 * into a full build.  Only a clean full build clears the marker.
 *
 * Paths.  Every relpath is checked by site_path_ok(); directories are
 * opened one component at a time with O_NOFOLLOW relative to site_dir,
 * and files are created with O_EXCL|O_NOFOLLOW, so no symlink inside the
 * tree can make the writer touch anything outside site_dir.
 *
 * Manifest writes are kept in memory and applied in one short
 * transaction by site_finish(), so a 25,000-file build does not hold the
 * database write lock (and block formsvc) while it renders.  If the
 * caller already holds a transaction it must be a write transaction
 * (BEGIN IMMEDIATE); site_finish() then nests in a SAVEPOINT.  One run
 * at a time: the caller holds the publish lock.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define SITE_PATH_MAX	512		/* bytes of a relpath */
#define SITE_NAME_MAX	200		/* bytes of one component */
#define SITE_FILE_MAX	((size_t)64 * 1024 * 1024)	/* one file */
#define SITE_DEPS_MAX	100000		/* deps of one page */
#define SITE_KIND_MAX	31
#define SITE_HASH_SZ	32
#define SITE_DSUM_SZ	16
#define SITE_TMP_PREFIX	".kenmin-tmp-"

enum sql {
	SQL_FILE_GET,
	SQL_FILE_PUT,
	SQL_FILE_PUT_KEEP,
	SQL_FILE_DEL,
	SQL_FILE_ALL,
	SQL_DEP_CLEAR,
	SQL_DEP_ADD,
	SQL_SHOWS,
	SQL_DIRTY_GET,
	SQL_DIRTY_SET,
	SQL_FILE_NONE,
	SQL_UNDER,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_FILE_GET */
	"SELECT size, hash, deps FROM site_file WHERE path = ?1",
	/* SQL_FILE_PUT */
	"INSERT INTO site_file (path, size, hash, deps) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (path) DO UPDATE SET "
	"size = excluded.size, hash = excluded.hash, deps = excluded.deps",
	/*
	 * SQL_FILE_PUT_KEEP (rollback): the site_dep rows stay, but the
	 * deps digest becomes one no page's deps give, so a publish never
	 * keeps a rolled-back list page as current (rctx_list_page()).
	 */
	"INSERT INTO site_file (path, size, hash, deps) "
	"VALUES (?1, ?2, ?3, zeroblob(16)) ON CONFLICT (path) DO UPDATE SET "
	"size = excluded.size, hash = excluded.hash, deps = zeroblob(16)",
	/* SQL_FILE_DEL (site_dep follows by ON DELETE CASCADE) */
	"DELETE FROM site_file WHERE path = ?1",
	/* SQL_FILE_ALL: BINARY collation orders like strcmp() */
	"SELECT path FROM site_file ORDER BY path",
	/* SQL_DEP_CLEAR */
	"DELETE FROM site_dep WHERE path = ?1",
	/* SQL_DEP_ADD */
	"INSERT OR IGNORE INTO site_dep (path, kind, item_id) "
	"VALUES (?1, ?2, ?3)",
	/* SQL_SHOWS */
	"SELECT path FROM site_dep WHERE kind = ?1 AND item_id = ?2 "
	"ORDER BY path",
	/* SQL_DIRTY_GET */
	"SELECT dirty FROM site_state WHERE id = 1",
	/* SQL_DIRTY_SET */
	"INSERT INTO site_state (id, dirty) VALUES (1, ?1) "
	"ON CONFLICT (id) DO UPDATE SET dirty = excluded.dirty",
	/* SQL_FILE_NONE */
	"SELECT NOT EXISTS (SELECT 1 FROM site_file)",
	/* SQL_UNDER: restored by a rollback when deps is SQL_FILE_PUT_KEEP's */
	"SELECT path, deps = zeroblob(16) FROM site_file "
	"WHERE path >= ?1 AND path < ?1 || x'ff' ORDER BY path",
};

struct dep {
	char		 kind[SITE_KIND_MAX + 1];
	int64_t		 id;
};

/* One write or removal of the run, in call order (seq). */
struct op {
	char		*path;
	size_t		 seq;
	int		 removed;	/* site_remove() rather than a write */
	int		 changed;	/* the disk changed (written/unlinked) */
	int		 have_old;	/* site_file had a row for path */
	int		 man;		/* size or hash differ from the row */
	int		 depsdiff;	/* dep digest differs from the row */
	int64_t		 size;
	unsigned char	 hash[SITE_HASH_SZ];
	unsigned char	 dsum[SITE_DSUM_SZ];
	size_t		 dep0;		/* first dep in site->deps */
	size_t		 ndep;
};

struct change {
	char		*path;		/* points into an op or owned (stale) */
	int		 removed;
	int		 owned;
};

struct site {
	struct db	*db;
	char		*dir;
	int		 rootfd;
	int		 flags;
	int		 marked;	/* dirty = 1 committed for this run */
	int		 prevdirty;	/* the last run did not finish cleanly */
	int		 noman;		/* the manifest was empty at the start */
	int		 ioerr;		/* a file operation failed */
	int		 finished;
	char		*cdir;		/* cached open directory (relative) */
	int		 cfd;		/* its descriptor, or -1 */
	unsigned long	 tmpn;		/* temp file counter */
	struct op	*ops;
	size_t		 opsz, opmax;
	struct dep	*deps;
	size_t		 depsz, depmax;
	int		 inpage;	/* between page_begin and page_end */
	int		 pagebad;	/* an invalid dep was given */
	struct change	*chg;
	size_t		 chgsz;
	struct site_stats st;
	unsigned char	*rbuf;		/* compare buffer */
	struct strset	*gone;		/* paths site_remove() took */
	site_write_fn	*onwrite;	/* site_on_write() */
	void		*onwrite_arg;
};

#define RBUF_SZ		65536

/*
 * Whether relpath may name a file in site_dir: 1..SITE_PATH_MAX bytes of
 * [a-z0-9/_.-], relative, no empty, "." or ".." component, no component
 * starting with "." except ".well-known" (that reserves the temp names
 * and keeps ".git" or ".htaccess" out), no trailing "/".  1 if valid.
 */
int
site_path_ok(const char *p)
{
	const char	*c, *start;
	size_t		 len, n;

	if (p == NULL)
		return 0;
	len = strnlen(p, SITE_PATH_MAX + 1);
	if (len == 0 || len > SITE_PATH_MAX)
		return 0;
	for (c = p; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '/' || *c == '_' || *c == '.' || *c == '-'))
			return 0;
	start = p;
	for (;;) {
		c = strchr(start, '/');
		n = c == NULL ? strlen(start) : (size_t)(c - start);
		if (n == 0 || n > SITE_NAME_MAX)
			return 0;
		if (start[0] == '.' && !(n == 11 &&
		    strncmp(start, ".well-known", 11) == 0))
			return 0;
		if (c == NULL)
			break;
		start = c + 1;
	}
	return 1;
}

static void
stmt_err(struct site *s, const char *what)
{
	kerr("%s: site manifest: %s: %s", db_path(s->db), what,
	    sqlite3_errmsg(db_handle(s->db)));
}

/* Record dirty = 1 before the first change of this run.  1 ok. */
static int
mark_dirty(struct site *s)
{
	sqlite3_stmt	*st;

	if (s->marked)
		return 1;
	if ((st = db_prep(s->db, sqls[SQL_DIRTY_SET])) == NULL)
		return 0;
	db_bind_int(st, 1, 1);
	if (!db_run(s->db, st))
		return 0;
	s->marked = 1;
	return 1;
}

static void
dir_uncache(struct site *s)
{
	if (s->cfd != -1)
		close(s->cfd);
	s->cfd = -1;
	free(s->cdir);
	s->cdir = NULL;
}

/*
 * A new descriptor for the directory reldir (n > 0 bytes) under the
 * directory rootfd, opened component by component without following
 * symlinks; with create, missing directories are made (0755).  -1 on
 * error (errno set).
 */
static int
dir_walk(int rootfd, const char *reldir, size_t n, int create)
{
	char		 comp[SITE_NAME_MAX + 1];
	const char	*p, *e, *end;
	int		 fd, nfd;
	size_t		 cn;

	fd = rootfd;
	end = reldir + n;
	for (p = reldir; p < end; p = e + 1) {
		if ((e = memchr(p, '/', (size_t)(end - p))) == NULL)
			e = end;
		cn = (size_t)(e - p);
		if (cn == 0 || cn > SITE_NAME_MAX) {
			errno = EINVAL;
			goto fail;
		}
		memcpy(comp, p, cn);
		comp[cn] = '\0';
		nfd = openat(fd, comp,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd == -1 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) == -1 && errno != EEXIST)
				goto fail;
			nfd = openat(fd, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd == -1)
			goto fail;
		if (fd != rootfd)
			close(fd);
		fd = nfd;
		if (e == end)
			break;
	}
	return fd;
fail:
	if (fd != rootfd) {
		int	 save = errno;

		close(fd);
		errno = save;
	}
	return -1;
}

/*
 * A descriptor for the directory reldir (n bytes; "" is site_dir), as
 * dir_walk(), cached and owned by s: do not close it.
 */
static int
dir_open(struct site *s, const char *reldir, size_t n, int create)
{
	int	 fd;

	if (n == 0)
		return s->rootfd;
	if (s->cdir != NULL && strlen(s->cdir) == n &&
	    memcmp(s->cdir, reldir, n) == 0)
		return s->cfd;
	dir_uncache(s);
	if ((fd = dir_walk(s->rootfd, reldir, n, create)) == -1)
		return -1;
	s->cdir = xstrndup(reldir, n);
	s->cfd = fd;
	return fd;
}

/* Split relpath into its directory length and its last component. */
static const char *
base_of(const char *relpath, size_t *dirlen)
{
	const char	*sl;

	if ((sl = strrchr(relpath, '/')) == NULL) {
		*dirlen = 0;
		return relpath;
	}
	*dirlen = (size_t)(sl - relpath);
	return sl + 1;
}

/*
 * Compare the regular file name in dfd with bytes (len).  1 if equal,
 * 0 if different or unreadable (then it will simply be replaced).
 */
static int
same_bytes(struct site *s, int dfd, const char *name, const void *bytes,
    size_t len)
{
	const unsigned char	*b = bytes;
	size_t			 off = 0;
	ssize_t			 r;
	int			 fd, rc = 0;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	if (s->rbuf == NULL)
		s->rbuf = xmalloc(RBUF_SZ);
	for (;;) {
		r = read(fd, s->rbuf, RBUF_SZ);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		if ((size_t)r > len - off ||
		    memcmp(b + off, s->rbuf, (size_t)r) != 0)
			goto out;
		off += (size_t)r;
	}
	rc = off == len;
out:
	close(fd);
	return rc;
}

/* Write all of bytes to fd; 1 ok, 0 error (printed with relpath). */
static int
write_fd(int fd, const char *dir, const char *relpath, const void *bytes,
    size_t len)
{
	const unsigned char	*b = bytes;
	size_t			 off = 0;
	ssize_t			 w;

	/* Served files are world-readable whatever the umask. */
	if (fchmod(fd, 0644) == -1) {
		kerr("%s/%s: chmod: %s", dir, relpath, strerror(errno));
		return 0;
	}
	while (off < len) {
		w = write(fd, b + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			kerr("%s/%s: write: %s", dir, relpath,
			    w == 0 ? "no progress" : strerror(errno));
			return 0;
		}
		off += (size_t)w;
	}
	return 1;
}

/* Cleared once the kernel or file system cannot link an O_TMPFILE. */
static atomic_int	 linkable = 1;

/*
 * A name that does not exist yet: write an unnamed file in dfd
 * (O_TMPFILE) and link it to name, so a reader sees the whole file or
 * none.  That is one directory entry where a temporary name and a
 * rename make two and remove one: 30% less time per new file on ext4,
 * which is most of a cold build's 33,000.  1 done, 0 error (printed),
 * -1 not possible here (no O_TMPFILE, no /proc, or name appeared):
 * the caller renames instead.
 */
static int
write_linked(int dfd, const char *dir, const char *name,
    const char *relpath, const void *bytes, size_t len, struct stat *sb)
{
	char	 proc[64];
	int	 fd, rc = 0;

	if (!atomic_load_explicit(&linkable, memory_order_relaxed))
		return -1;
	if ((fd = openat(dfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC,
	    0644)) == -1) {
		if (errno == EOPNOTSUPP || errno == EISDIR ||
		    errno == EINVAL)
			atomic_store(&linkable, 0);
		return -1;
	}
	if (!write_fd(fd, dir, relpath, bytes, len))
		goto out;
	/*
	 * linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc
	 * link of the descriptor does not.  It never replaces a name.
	 */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW) == -1) {
		if (errno == EEXIST)
			rc = -1;	/* the name appeared meanwhile */
		else if (errno == ENOENT || errno == EPERM ||
		    errno == EACCES) {
			atomic_store(&linkable, 0);	/* no /proc here */
			rc = -1;
		} else
			kerr("%s/%s: link: %s", dir, relpath,
			    strerror(errno));
		goto out;
	}
	/* After the link, which changes the ctime a history index keeps. */
	if (fstat(fd, sb) == -1) {
		kerr("%s/%s: stat: %s", dir, relpath, strerror(errno));
		goto out;
	}
	rc = 1;
out:
	if (close(fd) == -1 && rc == 1) {
		kerr("%s/%s: close: %s", dir, relpath, strerror(errno));
		rc = 0;
	}
	return rc;
}

/*
 * Write bytes to name in dfd (of site directory dir) atomically, with
 * the file's stat data afterwards in *sb.  If fresh (name did not exist
 * a moment ago) by write_linked(); else, or if that cannot, to a
 * temporary name (ending in tag and n, unique in this process) renamed
 * to name.  1 ok, 0 error (printed with relpath); no temporary file is
 * left behind.
 */
static int
write_atomic(const char *dir, const char *tag, unsigned long n, int dfd,
    const char *name, const char *relpath, const void *bytes, size_t len,
    int fresh, struct stat *sb)
{
	char	 tmp[64];
	int	 fd, r, rc = 0, made = 0;

	if (fresh && (r = write_linked(dfd, dir, name, relpath, bytes, len,
	    sb)) != -1)
		return r;
	snprintf(tmp, sizeof(tmp), SITE_TMP_PREFIX "%ld-%s%lu",
	    (long)getpid(), tag, n);
	fd = openat(dfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		kerr("%s/%s: create temporary file: %s", dir, relpath,
		    strerror(errno));
		goto out;
	}
	made = 1;
	if (!write_fd(fd, dir, relpath, bytes, len))
		goto out;
	if (renameat(dfd, tmp, dfd, name) == -1) {
		kerr("%s/%s: rename: %s", dir, relpath, strerror(errno));
		goto out;
	}
	made = 0;
	/* After the rename, which changes the ctime a history index keeps. */
	if (fstat(fd, sb) == -1 || close(fd) == -1) {
		fd = -1;
		kerr("%s/%s: close: %s", dir, relpath, strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	if (made)
		unlinkat(dfd, tmp, 0);
	return rc;
}

/*
 * Remove the directories above relpath that are now empty, deepest
 * first; stop at the first that still holds something (or at site_dir,
 * which is never removed).
 */
static void
prune_dirs(struct site *s, const char *relpath)
{
	char		 name[SITE_NAME_MAX + 1];
	const char	*sl, *start;
	size_t		 dlen, plen, nlen;
	int		 pfd;

	base_of(relpath, &dlen);
	while (dlen > 0) {
		/* The directory relpath[0, dlen) in its parent [0, plen). */
		sl = memrchr(relpath, '/', dlen);
		plen = sl == NULL ? 0 : (size_t)(sl - relpath);
		start = sl == NULL ? relpath : sl + 1;
		nlen = dlen - (size_t)(start - relpath);
		if (nlen == 0 || nlen > SITE_NAME_MAX)
			return;
		memcpy(name, start, nlen);
		name[nlen] = '\0';
		/* Opening the parent also drops a cached fd of this one. */
		if ((pfd = dir_open(s, relpath, plen, 0)) == -1)
			return;
		if (unlinkat(pfd, name, AT_REMOVEDIR) == -1)
			return;	/* ENOTEMPTY: it still holds files */
		dlen = plen;
	}
}

/*
 * Unlink relpath if it is there, then prune empty directories.  1 if a
 * file was removed, 0 if there was none, -1 on error (printed).
 */
static int
unlink_rel(struct site *s, const char *relpath)
{
	const char	*base;
	size_t		 dlen;
	int		 dfd;

	base = base_of(relpath, &dlen);
	if ((dfd = dir_open(s, relpath, dlen, 0)) == -1) {
		if (errno == ENOENT)
			return 0;
		kerr("%s/%s: %s", s->dir, relpath, strerror(errno));
		return -1;
	}
	if (unlinkat(dfd, base, 0) == -1) {
		if (errno == ENOENT)
			return 0;
		kerr("%s/%s: unlink: %s", s->dir, relpath, strerror(errno));
		return -1;
	}
	prune_dirs(s, relpath);
	return 1;
}

static struct op *
op_new(struct site *s, const char *relpath)
{
	struct op	*o;

	if (s->opsz == s->opmax) {
		s->opmax = s->opmax == 0 ? 256 : s->opmax * 2;
		s->ops = xrealloc(s->ops, s->opmax * sizeof(*s->ops));
	}
	o = &s->ops[s->opsz];
	memset(o, 0, sizeof(*o));
	o->path = xstrdup(relpath);
	o->seq = s->opsz++;
	o->dep0 = s->depsz;
	return o;
}

/*
 * Open site_dir (created if missing, its parent must exist) for a run
 * on db.  flags: SITE_FULL for a build (site_finish() deletes whatever
 * the manifest lists that the run did not write), SITE_VERIFY to trust
 * no stored hash, SITE_KEEPDEPS for rollback.  If the previous run did
 * not finish, SITE_VERIFY is added (see site_flags()).  NULL on error
 * (printed).  The caller frees with site_free().
 */
struct site *
site_open(struct db *db, const char *dir, int flags)
{
	struct site	*s;
	sqlite3_stmt	*st;
	int		 r;

	if (sodium_init() < 0) {
		kerr("site: libsodium failed to initialise");
		return NULL;
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		kerr("%s: mkdir: %s", dir, strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->db = db;
	s->dir = xstrdup(dir);
	s->flags = flags & (SITE_FULL | SITE_VERIFY | SITE_KEEPDEPS |
	    SITE_WORKER);
	s->cfd = -1;
	s->rootfd = -1;
	if ((s->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		kerr("%s: %s", dir, strerror(errno));
		goto fail;
	}
	/*
	 * A first build looks nothing up: 33,000 lookups that find no row
	 * were 4% of a cold build.  The manifest changes only in
	 * site_finish().
	 */
	if ((st = db_prep(db, sqls[SQL_FILE_NONE])) == NULL ||
	    (r = db_row(db, st)) != 1)
		goto fail;
	s->noman = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	/* The process that started the worker judged the manifest. */
	if (flags & SITE_WORKER)
		return s;
	if ((st = db_prep(db, sqls[SQL_DIRTY_GET])) == NULL)
		goto fail;
	if ((r = db_row(db, st)) == -1)
		goto fail;
	/* No row, or the last run did not finish: check every byte. */
	if (r == 0 || sqlite3_column_int(st, 0) != 0) {
		s->flags |= SITE_VERIFY;
		s->prevdirty = 1;
	}
	if (r == 1)
		sqlite3_reset(st);
	return s;
fail:
	site_free(s);
	return NULL;
}

/* The flags in effect: SITE_VERIFY set means the last run crashed. */
int
site_flags(const struct site *s)
{
	return s->flags;
}

/*
 * Start the page relpath: site_dep() calls until site_page_end() say
 * which entities it shows.  0 if relpath is invalid or a page is open.
 */
int
site_page_begin(struct site *s, const char *relpath)
{
	if (s->finished || s->inpage) {
		kerr("site: page_begin(%s) inside another page", relpath);
		return 0;
	}
	if (!site_path_ok(relpath)) {
		kerr("site: refusing path \"%s\"", relpath);
		return 0;
	}
	op_new(s, relpath);
	s->inpage = 1;
	s->pagebad = 0;
	return 1;
}

/*
 * Record that the open page shows entity (kind, id).  kind is 1..31 of
 * [a-z_]; it is copied.  An invalid kind makes site_page_end() fail.
 * A NULL s (a preview renders without a site) records nothing.
 */
void
site_dep(struct site *s, const char *kind, int64_t id)
{
	struct dep	*d;
	const char	*c;
	size_t		 n;

	if (s == NULL)
		return;
	if (!s->inpage) {
		kerr("site: dep(%s, %lld) outside a page", kind,
		    (long long)id);
		return;
	}
	n = strnlen(kind, SITE_KIND_MAX + 1);
	for (c = kind; *c != '\0' && n <= SITE_KIND_MAX; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			n = 0;
	if (n == 0 || n > SITE_KIND_MAX ||
	    s->depsz - s->ops[s->opsz - 1].dep0 >= SITE_DEPS_MAX) {
		kerr("site: %s: bad or too many deps (\"%.40s\")",
		    s->ops[s->opsz - 1].path, kind);
		s->pagebad = 1;
		return;
	}
	if (s->depsz == s->depmax) {
		s->depmax = s->depmax == 0 ? 1024 : s->depmax * 2;
		s->deps = xrealloc(s->deps, s->depmax * sizeof(*s->deps));
	}
	d = &s->deps[s->depsz++];
	memset(d->kind, 0, sizeof(d->kind));
	memcpy(d->kind, kind, n);
	d->id = id;
}

static int
dep_cmp(const void *a, const void *b)
{
	const struct dep	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Sort and dedupe the n deps of d in place; returns how many remain,
 * with their digest (the site_file.deps column) in dsum.
 */
static size_t
deps_digest(struct dep *d, size_t n, unsigned char dsum[SITE_DSUM_SZ])
{
	crypto_generichash_state	 h;
	unsigned char			 idb[8];
	size_t				 i, j, nd;
	uint64_t			 v;

	if (n > 1)
		qsort(d, n, sizeof(*d), dep_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || dep_cmp(&d[j - 1], &d[i]) != 0)
			d[j++] = d[i];
	nd = j;
	crypto_generichash_init(&h, NULL, 0, SITE_DSUM_SZ);
	for (i = 0; i < nd; i++) {
		v = (uint64_t)d[i].id;
		for (j = 0; j < 8; j++)
			idb[j] = (unsigned char)(v >> (56 - 8 * j));
		crypto_generichash_update(&h, (const unsigned char *)d[i].kind,
		    strlen(d[i].kind) + 1);
		crypto_generichash_update(&h, idb, sizeof(idb));
	}
	crypto_generichash_final(&h, dsum, SITE_DSUM_SZ);
	return nd;
}

/* Sort and dedupe the open page's deps and digest them into o->dsum. */
static void
deps_close(struct site *s, struct op *o)
{
	o->ndep = deps_digest(s->deps == NULL ? NULL : s->deps + o->dep0,
	    s->depsz - o->dep0, o->dsum);
	s->depsz = o->dep0 + o->ndep;
}

/*
 * Whether the manifest, as this run found it, lists relpath with
 * exactly the n deps of v (any order, repeats allowed): the page the
 * last run wrote there recorded the same entities.  1 yes, 0 no (no
 * row, other deps, a kind of no or too many bytes, or relpath removed
 * by this run), -1 on a database error (printed).  The caller knows
 * whether this run wrote relpath already (rctx's seen set).
 */
int
site_deps_same(struct site *s, const char *relpath,
    const struct site_depv *v, size_t n)
{
	sqlite3_stmt	*st;
	struct dep	*d;
	unsigned char	 dsum[SITE_DSUM_SZ];
	size_t		 i, kl;
	int		 r, rc = 0;

	if (s->finished || s->noman || n > SITE_DEPS_MAX ||
	    !site_path_ok(relpath) ||
	    (s->gone != NULL && strset_has(s->gone, relpath)))
		return 0;
	d = xcalloc(n + 1, sizeof(*d));
	for (i = 0; i < n; i++) {
		kl = strnlen(v[i].kind, SITE_KIND_MAX + 1);
		if (kl == 0 || kl > SITE_KIND_MAX)
			goto out;
		memcpy(d[i].kind, v[i].kind, kl);
		d[i].id = v[i].id;
	}
	(void)deps_digest(d, n, dsum);
	if ((st = db_prep(s->db, sqls[SQL_FILE_GET])) == NULL) {
		rc = -1;
		goto out;
	}
	db_bind_text(st, 1, relpath);
	if ((r = db_row(s->db, st)) == -1) {
		rc = -1;
		goto out;
	}
	if (r == 1) {
		rc = sqlite3_column_bytes(st, 2) == SITE_DSUM_SZ &&
		    memcmp(sqlite3_column_blob(st, 2), dsum,
		    SITE_DSUM_SZ) == 0;
		sqlite3_reset(st);
	}
out:
	free(d);
	return rc;
}

/*
 * Finish the open page with its bytes (len; not kept): write them if
 * they differ from the file on disk, and queue the manifest row.  1 ok,
 * 0 error (printed); either way the page is closed.
 */
static int	 page_end(struct site *, const void *, size_t,
		    const struct stat *);

int
site_page_end(struct site *s, const void *bytes, size_t len)
{
	return page_end(s, bytes, len, NULL);
}

/*
 * site_put() of a file another thread already wrote with these bytes
 * (site_write_file(), after site_dirty()), its stat data *done: the
 * manifest row as for a file this run wrote.  The site_on_write()
 * listener is not called: that thread hands the bytes on itself.
 */
int
site_put_written(struct site *s, const char *relpath, const void *bytes,
    size_t len, const struct stat *done)
{
	if (!site_page_begin(s, relpath))
		return 0;
	return page_end(s, bytes, len, done);
}

/*
 * For a thread that is not the run's: write relpath of site directory
 * dir atomically with bytes (its directory made if missing); *sb gets its
 * stat data.  n makes the temporary name unique among the thread's.
 * The run must have called site_dirty() first, and then hands the
 * file to site_put_written().  1 ok, 0 error (printed).
 */
int
site_write_file(const char *dir, const char *relpath, unsigned long n,
    const void *bytes, size_t len, struct stat *sb)
{
	const char	*base;
	size_t		 dlen;
	int		 rootfd, dfd = -1, rc = 0;

	base = base_of(relpath, &dlen);
	if ((rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dfd = dlen == 0 ? rootfd : dir_walk(rootfd, relpath, dlen,
	    1)) == -1)
		kerr("%s/%.*s: %s", dir, (int)dlen, relpath, strerror(errno));
	else
		rc = write_atomic(dir, "t", n, dfd, base, relpath, bytes,
		    len, 0, sb);
	if (dfd != -1 && dfd != rootfd)
		close(dfd);
	if (rootfd != -1)
		close(rootfd);
	return rc;
}

/* Mark the site directory as being changed (see the top of the file). */
int
site_dirty(struct site *s)
{
	return mark_dirty(s);
}

/*
 * site_page_end(), or with done the end of a page another thread wrote
 * (site_put_written()).
 */
static int
page_end(struct site *s, const void *bytes, size_t len,
    const struct stat *done)
{
	sqlite3_stmt	*st;
	struct op	*o;
	struct stat	 sb;
	const char	*base;
	size_t		 dlen;
	int		 dfd, r, fast, fresh, rc = 0;

	if (!s->inpage) {
		kerr("site: page_end without page_begin");
		return 0;
	}
	s->inpage = 0;
	o = &s->ops[s->opsz - 1];
	deps_close(s, o);
	if (s->pagebad)
		goto out;
	if (len > SITE_FILE_MAX) {
		kerr("site: %s: %zu bytes is over the limit", o->path, len);
		goto out;
	}
	o->size = (int64_t)len;
	crypto_generichash(o->hash, SITE_HASH_SZ, bytes, len, NULL, 0);
	s->st.bytes += len;

	if (s->noman)
		r = 0;
	else if ((st = db_prep(s->db, sqls[SQL_FILE_GET])) == NULL)
		goto out;
	else {
		db_bind_text(st, 1, o->path);
		if ((r = db_row(s->db, st)) == -1)
			goto out;
	}
	o->man = o->depsdiff = 1;
	if (r == 1) {
		o->have_old = 1;
		o->man = sqlite3_column_int64(st, 0) != o->size ||
		    sqlite3_column_bytes(st, 1) != SITE_HASH_SZ ||
		    memcmp(sqlite3_column_blob(st, 1), o->hash,
		    SITE_HASH_SZ) != 0;
		o->depsdiff = sqlite3_column_bytes(st, 2) != SITE_DSUM_SZ ||
		    memcmp(sqlite3_column_blob(st, 2), o->dsum,
		    SITE_DSUM_SZ) != 0;
		sqlite3_reset(st);
	}
	fast = !(s->flags & SITE_VERIFY) && o->have_old && !o->man;
	if (done != NULL)
		goto written;

	base = base_of(o->path, &dlen);
	if ((dfd = dir_open(s, o->path, dlen, 0)) == -1 && errno != ENOENT) {
		kerr("%s/%s: %s", s->dir, o->path, strerror(errno));
		s->ioerr = 1;
		goto out;
	}
	fresh = 1;
	if (dfd != -1 && fstatat(dfd, base, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		fresh = 0;
		if (S_ISREG(sb.st_mode) && sb.st_size == o->size &&
		    (fast || same_bytes(s, dfd, base, bytes, len))) {
			s->st.unchanged++;
			rc = 1;
			goto out;
		}
	} else if (dfd != -1 && errno != ENOENT)
		fresh = 0;
	if (!mark_dirty(s))
		goto out;
	if (dfd == -1 && (dfd = dir_open(s, o->path, dlen, 1)) == -1) {
		kerr("%s/%s: %s", s->dir, o->path, strerror(errno));
		s->ioerr = 1;
		goto out;
	}
	if (!write_atomic(s->dir, "", ++s->tmpn, dfd, base, o->path, bytes,
	    len, fresh, &sb)) {
		s->ioerr = 1;
		goto out;
	}
	if (s->onwrite != NULL && !s->onwrite(s->onwrite_arg, o->path, bytes,
	    len, &sb))
		s->onwrite = NULL;	/* the listener gave up; not an error */
written:
	o->changed = 1;
	s->st.written++;
	s->st.bytes_written += len;
	rc = 1;
out:
	if (!rc) {
		/* Forget the op: the manifest keeps its old row. */
		free(o->path);
		s->depsz = o->dep0;
		s->opsz--;
	}
	return rc;
}

/* A page without deps (style sheets, images, robots.txt …). */
int
site_put(struct site *s, const char *relpath, const void *bytes, size_t len)
{
	if (!site_page_begin(s, relpath))
		return 0;
	return site_page_end(s, bytes, len);
}

/*
 * Delete relpath (a removed item's page) now, and its manifest row in
 * site_finish().  A file already gone is not an error.  1 ok, 0 error.
 */
int
site_remove(struct site *s, const char *relpath)
{
	struct op	*o;
	int		 r;

	if (s->finished || s->inpage || !site_path_ok(relpath)) {
		kerr("site: refusing to remove \"%s\"", relpath);
		return 0;
	}
	if (!mark_dirty(s))
		return 0;
	if ((r = unlink_rel(s, relpath)) == -1) {
		s->ioerr = 1;
		return 0;
	}
	if (s->gone == NULL)
		s->gone = strset_new();
	strset_add(s->gone, relpath);
	o = op_new(s, relpath);
	o->removed = 1;
	o->changed = r;
	if (r)
		s->st.deleted++;
	return 1;
}

/*
 * The paths st (bound, ready to step) gives in its first column, as a
 * NULL-terminated array; with same, *same is cleared where its second
 * column is true or this run removed the path.  NULL on a database
 * error (printed).
 */
static char **
paths_of(struct site *s, sqlite3_stmt *st, int *same)
{
	char		**v;
	size_t		 n = 0, max = 16;
	int		 r;

	v = xcalloc(max + 1, sizeof(*v));
	while ((r = db_row(s->db, st)) == 1) {
		if (n == max) {
			max *= 2;
			v = xrealloc(v, (max + 1) * sizeof(*v));
		}
		v[n] = xstrdup(db_col_text(st, 0));
		if (same != NULL && (sqlite3_column_int(st, 1) ||
		    (s->gone != NULL && strset_has(s->gone, v[n]))))
			*same = 0;
		v[++n] = NULL;
	}
	if (r == -1) {
		site_paths_free(v);
		return NULL;
	}
	return v;
}

/*
 * The files that showed (kind, id) when this run started, sorted, as a
 * NULL-terminated array the caller frees with site_paths_free().  NULL
 * on a database error (printed).
 */
char **
site_shows(struct site *s, const char *kind, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(s->db, sqls[SQL_SHOWS])) == NULL)
		return NULL;
	db_bind_text(st, 1, kind);
	db_bind_int(st, 2, id);
	return paths_of(s, st, NULL);
}

/*
 * The files under prefix (a directory, ending in '/') when this run
 * started, sorted, as site_shows() returns them; *same is cleared if
 * one of them may not be kept as the last run left it: removed by this
 * run, or restored by a rollback (whose deps match no page's).  NULL on
 * a database error (printed).
 */
char **
site_under(struct site *s, const char *prefix, int *same)
{
	sqlite3_stmt	*st;

	*same = 1;
	if ((st = db_prep(s->db, sqls[SQL_UNDER])) == NULL)
		return NULL;
	db_bind_text(st, 1, prefix);
	return paths_of(s, st, same);
}

void
site_paths_free(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* syncfs() of a directory's file system on a thread of its own. */
struct syncer {
	pthread_t	 thr;
	int		 fd;
	int		 err;		/* errno of a failed syncfs, or 0 */
};

static void *
syncer_run(void *arg)
{
	struct syncer	*y = arg;

	y->err = syncfs(y->fd) == -1 ? errno : 0;
	return NULL;
}

/* Start flushing fd's file system; NULL if no thread could start. */
static struct syncer *
syncer_start(int fd)
{
	struct syncer	*y;

	y = xcalloc(1, sizeof(*y));
	y->fd = fd;
	if (pthread_create(&y->thr, NULL, syncer_run, y) != 0) {
		free(y);
		return NULL;
	}
	return y;
}

/* Wait for it; 1 if the flush succeeded (else errno is set). */
static int
syncer_end(struct syncer **yp)
{
	struct syncer	*y = *yp;
	int		 err;

	pthread_join(y->thr, NULL);
	err = y->err;
	free(y);
	*yp = NULL;
	errno = err;
	return err == 0;
}

static int
op_cmp(const void *a, const void *b)
{
	const struct op	*x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
chg_add(struct site *s, char *path, int removed, int owned)
{
	s->chg = xrealloc(s->chg, (s->chgsz + 1) * sizeof(*s->chg));
	s->chg[s->chgsz].path = path;
	s->chg[s->chgsz].removed = removed;
	s->chg[s->chgsz].owned = owned;
	s->chgsz++;
}

/* Is path among the final ops (sorted, n of them)? */
static int
in_ops(struct op **fin, size_t n, const char *path)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(fin[mid]->path, path)) == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Apply one final op to the manifest.  1 ok. */
static int
man_apply(struct site *s, const struct op *o)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 keep = (s->flags & SITE_KEEPDEPS) != 0;

	if (o->removed) {
		if ((st = db_prep(s->db, sqls[SQL_FILE_DEL])) == NULL)
			return 0;
		db_bind_text(st, 1, o->path);
		return db_run(s->db, st);
	}
	if (o->man || (o->depsdiff && !keep) || !o->have_old) {
		st = db_prep(s->db, sqls[keep ? SQL_FILE_PUT_KEEP :
		    SQL_FILE_PUT]);
		if (st == NULL)
			return 0;
		db_bind_text(st, 1, o->path);
		db_bind_int(st, 2, o->size);
		db_bind_blob(st, 3, o->hash, SITE_HASH_SZ);
		if (!keep)
			db_bind_blob(st, 4, o->dsum, SITE_DSUM_SZ);
		if (!db_run(s->db, st))
			return 0;
	}
	if (keep || !o->depsdiff)
		return 1;
	if (o->have_old) {
		if ((st = db_prep(s->db, sqls[SQL_DEP_CLEAR])) == NULL)
			return 0;
		db_bind_text(st, 1, o->path);
		if (!db_run(s->db, st))
			return 0;
	}
	for (i = 0; i < o->ndep; i++) {
		if ((st = db_prep(s->db, sqls[SQL_DEP_ADD])) == NULL)
			return 0;
		db_bind_text(st, 1, o->path);
		db_bind_text(st, 2, s->deps[o->dep0 + i].kind);
		db_bind_int(st, 3, s->deps[o->dep0 + i].id);
		if (!db_run(s->db, st))
			return 0;
	}
	return 1;
}

/*
 * End the run.  With ok and SITE_FULL, every file the manifest lists
 * that this run neither wrote nor kept is deleted (and empty directories
 * with it).  Then one syncfs() makes the run's files durable, and the
 * manifest changes plus dirty = 0 are committed in one transaction (a
 * SAVEPOINT inside the caller's, if it holds one).  With !ok (the
 * renderer failed) the manifest still records the files that were
 * written, nothing stale is deleted and dirty stays 1.  The counts go to
 * stats (may be NULL).  1 ok, 0 error (printed).
 */
int
site_finish(struct site *s, int ok, struct site_stats *stats)
{
	struct op	**fin = NULL;
	char		**stale = NULL;
	sqlite3_stmt	*st;
	sqlite3		*h;
	struct syncer	*sy = NULL;
	size_t		 i, j, nfin = 0, nstale = 0, maxstale = 0;
	int		 r, own = 0, in = 0, rc = 0, clean;

	if (s->finished || s->inpage) {
		kerr("site: finish called twice or inside a page");
		return 0;
	}
	s->finished = 1;
	h = db_handle(s->db);

	/* The last op of each path is its final state. */
	if (s->opsz > 1)
		qsort(s->ops, s->opsz, sizeof(*s->ops), op_cmp);
	fin = xcalloc(s->opsz + 1, sizeof(*fin));
	for (i = 0; i < s->opsz; i = j) {
		int	 changed = 0;

		for (j = i; j < s->opsz &&
		    strcmp(s->ops[j].path, s->ops[i].path) == 0; j++) {
			changed |= s->ops[j].changed;
			if (j > i && !s->ops[j].removed &&
			    !s->ops[j - 1].removed &&
			    memcmp(s->ops[j].hash, s->ops[j - 1].hash,
			    SITE_HASH_SZ) != 0) {
				kerr("site: %s written twice with different "
				    "bytes", s->ops[j].path);
				ok = 0;
			}
		}
		fin[nfin++] = &s->ops[j - 1];
		if (changed)
			chg_add(s, s->ops[j - 1].path, s->ops[j - 1].removed,
			    0);
	}

	/* A full build: whatever the manifest has that we did not write. */
	if (ok && (s->flags & SITE_FULL)) {
		if ((st = db_prep(s->db, sqls[SQL_FILE_ALL])) == NULL)
			goto out;
		while ((r = db_row(s->db, st)) == 1) {
			if (in_ops(fin, nfin, db_col_text(st, 0)))
				continue;
			if (nstale == maxstale) {
				maxstale = maxstale == 0 ? 64 : maxstale * 2;
				stale = xrealloc(stale,
				    maxstale * sizeof(*stale));
			}
			stale[nstale++] = xstrdup(db_col_text(st, 0));
		}
		if (r == -1)
			goto out;
		for (i = 0; i < nstale; i++) {
			if (!site_path_ok(stale[i])) {
				/* Never unlink a name we could not write. */
				kerr("site: manifest holds bad path \"%s\"",
				    stale[i]);
				continue;
			}
			if (!mark_dirty(s))
				goto out;
			if ((r = unlink_rel(s, stale[i])) == -1) {
				/* Still on disk: keep its manifest row. */
				s->ioerr = 1;
				free(stale[i]);
				stale[i] = NULL;
				continue;
			}
			if (r == 1) {
				s->st.deleted++;
				chg_add(s, xstrdup(stale[i]), 1, 1);
			}
		}
	}

	/*
	 * Flush the run's files while the manifest is applied (the flush is
	 * the disk's time, the manifest the CPU's); it commits only once
	 * the files are on disk.
	 */
	if (s->marked && (sy = syncer_start(s->rootfd)) == NULL &&
	    syncfs(s->rootfd) == -1) {
		kerr("%s: syncfs: %s", s->dir, strerror(errno));
		s->ioerr = 1;
	}

	/* Apply the manifest in one transaction. */
	if (sqlite3_get_autocommit(h)) {
		if (!db_begin(s->db))
			goto out;
		own = 1;
	} else if (!db_exec(s->db, "SAVEPOINT site_finish"))
		goto out;
	in = 1;
	for (i = 0; i < nfin; i++)
		if (!man_apply(s, fin[i]))
			goto out;
	for (i = 0; i < nstale; i++) {
		if (stale[i] == NULL)
			continue;
		if ((st = db_prep(s->db, sqls[SQL_FILE_DEL])) == NULL)
			goto out;
		db_bind_text(st, 1, stale[i]);
		if (!db_run(s->db, st))
			goto out;
	}
	if (sy != NULL && !syncer_end(&sy)) {
		kerr("%s: syncfs: %s", s->dir, strerror(errno));
		s->ioerr = 1;
	}
	clean = ok && !s->ioerr;
	/*
	 * After a crash only a clean full run has checked every file, so
	 * only that clears the marker the crashed run left.
	 */
	if (s->marked || s->prevdirty) {
		if ((st = db_prep(s->db, sqls[SQL_DIRTY_SET])) == NULL)
			goto out;
		db_bind_int(st, 1, !clean ||
		    (s->prevdirty && !(s->flags & SITE_FULL)));
		if (!db_run(s->db, st))
			goto out;
	}
	if (own ? !db_commit(s->db) :
	    !db_exec(s->db, "RELEASE site_finish"))
		goto out;
	in = 0;
	rc = clean;
out:
	if (in) {
		stmt_err(s, "manifest not updated");
		if (own)
			db_rollback(s->db);
		else {
			db_exec(s->db, "ROLLBACK TO site_finish");
			db_exec(s->db, "RELEASE site_finish");
		}
	}
	for (i = 0; i < nstale; i++)
		free(stale[i]);
	free(stale);
	free(fin);
	if (sy != NULL)
		(void)syncer_end(&sy);
	if (stats != NULL)
		*stats = s->st;
	return rc;
}

/*
 * Hand what this run did (every op with its deps, the counts and the
 * dirty state) to another process's site_import(), appended to b: a
 * worker process of a parallel full build ends with this instead of
 * site_finish().  The format is raw structs: the same program reads
 * it.  1 ok, 0 error (printed).
 */
void
site_export(const struct site *s, struct buf *b)
{
	struct op	 o;
	size_t		 i, n;
	int		 flags[2];

	flags[0] = s->marked;
	flags[1] = s->ioerr || s->inpage;
	buf_putn(b, &s->opsz, sizeof(s->opsz));
	buf_putn(b, &s->st, sizeof(s->st));
	buf_putn(b, flags, sizeof(flags));
	for (i = 0; i < s->opsz; i++) {
		o = s->ops[i];
		n = strlen(o.path);
		o.path = NULL;
		buf_putn(b, &o, sizeof(o));
		buf_putn(b, &n, sizeof(n));
		buf_putn(b, s->ops[i].path, n);
		buf_putn(b, s->deps + o.dep0, o.ndep * sizeof(*s->deps));
	}
}

/*
 * Add what site_export() wrote (read back by rd) to this run, as if
 * this process had done it.  1 ok, 0 error (printed; the run must fail).
 */
int
site_import(struct site *s, struct bufrd *rd)
{
	struct site_stats st;
	struct op	 in, *o;
	char		 path[SITE_PATH_MAX + 1];
	size_t		 nops, i, n;
	int		 flags[2];

	if (s->finished || s->inpage ||
	    !bufrd_get(rd, &nops, sizeof(nops)) ||
	    !bufrd_get(rd, &st, sizeof(st)) ||
	    !bufrd_get(rd, flags, sizeof(flags)))
		goto fail;
	for (i = 0; i < nops; i++) {
		if (!bufrd_get(rd, &in, sizeof(in)) ||
		    !bufrd_get(rd, &n, sizeof(n)) || n > SITE_PATH_MAX ||
		    in.ndep > SITE_DEPS_MAX || !bufrd_get(rd, path, n))
			goto fail;
		path[n] = '\0';
		o = op_new(s, path);
		o->removed = in.removed;
		o->changed = in.changed;
		o->have_old = in.have_old;
		o->man = in.man;
		o->depsdiff = in.depsdiff;
		o->size = in.size;
		memcpy(o->hash, in.hash, sizeof(o->hash));
		memcpy(o->dsum, in.dsum, sizeof(o->dsum));
		if (s->depsz + in.ndep > s->depmax) {
			s->depmax = s->depsz + in.ndep + 1024;
			s->deps = xrealloc(s->deps,
			    s->depmax * sizeof(*s->deps));
		}
		if (!bufrd_get(rd, s->deps + s->depsz,
		    in.ndep * sizeof(*s->deps)))
			goto fail;
		o->ndep = in.ndep;
		s->depsz += in.ndep;
		if (in.removed) {
			if (s->gone == NULL)
				s->gone = strset_new();
			strset_add(s->gone, path);
		}
	}
	s->st.written += st.written;
	s->st.unchanged += st.unchanged;
	s->st.deleted += st.deleted;
	s->st.bytes_written += st.bytes_written;
	s->st.bytes += st.bytes;
	s->marked |= flags[0];
	s->ioerr |= flags[1];
	return 1;
fail:
	kerr("site: import: a worker's report is cut short");
	return 0;
}

/*
 * Whether this run removed relpath with site_remove() (a page written
 * again after that still counts: the caller knows what it wrote).
 */
int
site_gone(const struct site *s, const char *relpath)
{
	return s->gone != NULL && strset_has(s->gone, relpath);
}

/*
 * The paths this run so far made that the manifest did not list, then
 * those it removed, one per call from *pos = 0; NULL after the last.
 */
const char *
site_added_or_gone(const struct site *s, size_t *pos)
{
	const struct op	*o;
	const char	*p;
	size_t		 q;

	while (*pos < s->opsz) {
		o = &s->ops[(*pos)++];
		if (!o->have_old && !o->removed)
			return o->path;
	}
	if (s->gone == NULL)
		return NULL;
	q = *pos - s->opsz;
	p = strset_next(s->gone, &q);
	*pos = s->opsz + q;
	return p;
}

/* Have fn(arg, …) called with every file the run writes from now on. */
void
site_on_write(struct site *s, site_write_fn *fn, void *arg)
{
	s->onwrite = fn;
	s->onwrite_arg = arg;
}

/*
 * The i-th path this run changed on disk (sorted by path, stale
 * deletions last), with *removed set if it was deleted; NULL past the
 * end or before site_finish().  Owned by s.
 */
const char *
site_change(const struct site *s, size_t i, int *removed)
{
	if (!s->finished || i >= s->chgsz)
		return NULL;
	if (removed != NULL)
		*removed = s->chg[i].removed;
	return s->chg[i].path;
}

void
site_free(struct site *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	dir_uncache(s);
	if (s->rootfd != -1)
		close(s->rootfd);
	for (i = 0; i < s->chgsz; i++)
		if (s->chg[i].owned)
			free(s->chg[i].path);
	free(s->chg);
	for (i = 0; i < s->opsz; i++)
		free(s->ops[i].path);
	free(s->ops);
	free(s->deps);
	free(s->rbuf);
	free(s->dir);
	strset_free(s->gone);
	free(s);
}
