/*
 * history.c: the git history of site_dir (libgit2): one commit per run
 * that changed files, `kenmin-gen history` and `kenmin-gen rollback`.
 *
 * The repository is bare at cfg->git_dir (var/site.git), outside the
 * served tree, and site_dir is attached as its work tree at run time
 * with git_repository_set_workdir(…, 0), so no ".git" file or directory
 * ever appears in site_dir.  From a shell:
 *   git --git-dir=var/site.git --work-tree=site-out log --stat
 * Commits have the fixed author and committer "kenmin <kenmin@localhost>"
 * and the time of the run; the message says what triggered them.
 * A commit's tree is HEAD's with the run's changes, never read from the
 * index file, which is kept for git by hand (docs/history.md).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define HIST_NAME	"kenmin"
#define HIST_EMAIL	"kenmin@localhost"
#define HIST_MSG_MAX	1024
#define HIST_REV_MAX	200
#define HIST_TZ_MIN	540	/* Asia/Tokyo, UTC+9, no DST (as main.c) */
#define HIST_FILE_MAX	((size_t)1 << 30)	/* a site file read whole */
#define HIST_PENDING	"kenmin-pending"	/* in git_dir: see below */

/* One change of a run: its path (the site's), blob id and stat data. */
struct hchg {
	git_index_entry	 e;
	int		 removed;
};

static void
git_fail(const char *what)
{
	const git_error	*e = git_error_last();

	kerr("git: %s: %s", what, e != NULL && e->message != NULL ?
	    e->message : "unknown error");
}

/*
 * The absolute, symlink-free form of path, which need not exist yet:
 * the longest existing prefix is resolved and the rest appended (it may
 * not hold "." or ".." components).  NULL on error (printed); the
 * caller frees.
 */
static char *
abs_path(const char *path)
{
	char		*r = NULL, *pre, *full;
	const char	*rest, *c;
	size_t		 cut, sz, n;

	cut = strlen(path);
	for (;;) {
		pre = cut == 0 ? xstrdup(".") : xstrndup(path, cut);
		r = realpath(pre, NULL);
		free(pre);
		if (r != NULL)
			break;
		if (errno != ENOENT || cut == 0)
			goto fail;
		while (cut > 0 && path[cut - 1] != '/')
			cut--;
		while (cut > 1 && path[cut - 1] == '/')
			cut--;
		if (cut == 1 && path[0] == '/')
			break;	/* "/" exists: realpath cannot fail on it */
	}
	if (r == NULL)
		r = xstrdup("/");
	rest = path + cut;
	while (*rest == '/')
		rest++;
	for (c = rest; *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' &&
		    c[1] == '.')) {
			errno = EINVAL;
			goto fail;
		}
	}
	sz = strlen(r) + 1 + strlen(rest) + 1;
	full = xmalloc(sz);
	snprintf(full, sz, "%s%s%s", r, *rest == '\0' ||
	    strcmp(r, "/") == 0 ? "" : "/", rest);
	free(r);
	return full;
fail:
	kerr("%s: %s", path, strerror(errno != 0 ? errno : EINVAL));
	free(r);
	return NULL;
}

/* Is a equal to b or below it? */
static int
path_within(const char *a, const char *b)
{
	size_t	 n = strlen(b);

	if (strcmp(b, "/") == 0)
		return 1;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/*
 * Open the history of cfg->site_dir, creating the bare repository if
 * create is set and it does not exist.  *repo is NULL (and 1 returned)
 * when it does not exist and create is not set.  Refuses a git dir
 * inside site_dir or a site_dir inside the git dir.  1 ok, 0 error
 * (printed).  The caller frees *repo with git_repository_free().
 */
static int
hist_open(const struct config *cfg, int create, git_repository **repo)
{
	git_repository_init_options	 opts;
	char				*gd = NULL, *sd = NULL;
	int				 rc = 0, r;

	*repo = NULL;
	if (git_repository_init_options_init(&opts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION) < 0) {
		git_fail("init options");
		return 0;
	}
	if ((gd = abs_path(cfg->git_dir)) == NULL ||
	    (sd = abs_path(cfg->site_dir)) == NULL)
		goto out;
	if (path_within(gd, sd) || path_within(sd, gd)) {
		kerr("%s: the git directory must be outside the site "
		    "directory %s (A-33)", cfg->git_dir, cfg->site_dir);
		goto out;
	}
	r = git_repository_open_ext(repo, gd, GIT_REPOSITORY_OPEN_NO_SEARCH |
	    GIT_REPOSITORY_OPEN_BARE, NULL);
	if (r == GIT_ENOTFOUND && !create) {
		rc = 1;
		goto out;
	}
	if (r == GIT_ENOTFOUND) {
		opts.flags = GIT_REPOSITORY_INIT_BARE |
		    GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
		opts.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
		opts.initial_head = "main";
		opts.description = "kenmin: history of the generated site";
		r = git_repository_init_ext(repo, gd, &opts);
	}
	if (r < 0) {
		git_fail(cfg->git_dir);
		goto out;
	}
	if (git_repository_set_workdir(*repo, sd, 0) < 0) {
		git_fail(cfg->site_dir);
		goto out;
	}
	rc = 1;
out:
	if (!rc) {
		git_repository_free(*repo);
		*repo = NULL;
	}
	free(gd);
	free(sd);
	return rc;
}

/*
 * The writer of a run's blobs into the history's objects (histpack.c):
 * a pack for a run that will write many files (a full build), loose
 * objects with flags HP_LOOSE (a publish, into an existing history);
 * NULL if there is none (the run then stages its files the slow way).
 */
struct histpack *
history_pack_start(struct gen *g, int flags)
{
	git_repository	*repo = NULL;
	struct histpack	*hp = NULL;
	struct stat	 sb;
	char		 dir[PATH_MAX];

	/*
	 * A publish only needs an existing history's objects directory:
	 * the repository is not opened (nor HEAD read) until the commit.
	 */
	if (flags & HP_LOOSE) {
		if ((size_t)snprintf(dir, sizeof(dir), "%s/objects",
		    g->cfg->git_dir) < sizeof(dir) &&
		    stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			hp = histpack_open(dir, flags);
		return hp;
	}
	git_libgit2_init();
	if (hist_open(g->cfg, 1, &repo) && repo != NULL &&
	    (size_t)snprintf(dir, sizeof(dir), "%sobjects",
	    git_repository_path(repo)) < sizeof(dir))
		hp = histpack_open(dir, flags);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return hp;
}

/* ---- the commit ---- */

static int
chg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hchg *)a)->e.path,
	    ((const struct hchg *)b)->e.path);
}

/*
 * Write the file relpath of the work tree as a blob: e->id and its stat
 * data.  1 ok, 0 error (printed).
 */
static int
blob_from_file(git_repository *repo, git_index_entry *e)
{
	struct stat	 sb;
	char		 path[PATH_MAX];
	char		*data = NULL;
	int		 fd = -1, rc = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s%s",
	    git_repository_workdir(repo), e->path) >= sizeof(path)) {
		kerr("history: %s: path too long", e->path);
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		kerr("history: %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > HIST_FILE_MAX) {
		kerr("history: %s: not a regular file of at most %zu bytes",
		    path, HIST_FILE_MAX);
		goto out;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	if (!util_read_all(fd, data, (size_t)sb.st_size)) {
		kerr("history: %s: %s", path, errno != 0 ? strerror(errno) :
		    "shorter than its size");
		goto out;
	}
	if (git_blob_create_from_buffer(&e->id, repo, data,
	    (size_t)sb.st_size) < 0) {
		git_fail(path);
		goto out;
	}
	e->ctime.seconds = (int32_t)sb.st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)sb.st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)sb.st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)sb.st_mtim.tv_nsec;
	e->dev = (uint32_t)sb.st_dev;
	e->ino = (uint32_t)sb.st_ino;
	e->mode = GIT_FILEMODE_BLOB;
	e->uid = (uint32_t)sb.st_uid;
	e->gid = (uint32_t)sb.st_gid;
	e->file_size = (uint32_t)sb.st_size;
	rc = 1;
out:
	free(data);
	if (fd != -1)
		close(fd);
	return rc;
}

/*
 * The changes of run s, sorted by path, each written file with its blob
 * id and stat data: from the run's pack hp when it has the file, else
 * read from disk into a loose object.  *out (n of them, paths owned by
 * s) is freed by the caller, also on error.  1 ok, 0 error (printed).
 */
static int
changes(git_repository *repo, const struct site *s,
    const struct histpack *hp, struct hchg **out, size_t *n)
{
	const git_index_entry	*pe;
	struct hchg		*c;
	const char		*p;
	size_t			 i, k;
	int			 removed;

	for (k = 0; site_change(s, k, NULL) != NULL; k++)
		continue;
	*out = c = xcalloc(k + 1, sizeof(*c));
	*n = 0;
	for (i = 0; i < k; i++) {
		p = site_change(s, i, &removed);
		c[i].removed = removed;
		if (removed)
			;
		else if ((pe = histpack_entry(hp, p)) != NULL)
			c[i].e = *pe;
		else {
			c[i].e.path = p;
			if (!blob_from_file(repo, &c[i].e))
				return 0;
		}
		c[i].e.path = p;
		*n = i + 1;
	}
	/* Stale deletions come last in site_change(): one order for all. */
	if (k > 1)
		qsort(c, k, sizeof(*c), chg_cmp);
	return 1;
}

/*
 * The new tree: base (HEAD's, NULL for none) with the n changes c[].
 * A path removed that base does not have (written and removed in the
 * same run) is skipped.  1 ok, 0 error (printed).
 */
static int
tree_updated(git_repository *repo, git_tree *base, const struct hchg *c,
    size_t n, git_oid *out)
{
	git_tree_update	*u;
	git_tree_entry	*te = NULL;
	git_treebuilder	*tb = NULL;
	git_tree	*empty = NULL;
	git_oid		 eid;
	size_t		 i, nu = 0;
	int		 rc = 0, r;

	if (base == NULL) {
		if (git_treebuilder_new(&tb, repo, NULL) < 0 ||
		    git_treebuilder_write(&eid, tb) < 0 ||
		    git_tree_lookup(&empty, repo, &eid) < 0) {
			git_fail("empty tree");
			git_treebuilder_free(tb);
			return 0;
		}
		git_treebuilder_free(tb);
		base = empty;
	}
	u = xcalloc(n + 1, sizeof(*u));
	for (i = 0; i < n; i++) {
		if (c[i].removed) {
			r = git_tree_entry_bypath(&te, base, c[i].e.path);
			git_tree_entry_free(te);
			te = NULL;
			if (r == GIT_ENOTFOUND)
				continue;
			if (r < 0) {
				git_fail(c[i].e.path);
				goto out;
			}
			u[nu].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			u[nu].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&u[nu].id, &c[i].e.id);
			u[nu].filemode = GIT_FILEMODE_BLOB;
		}
		u[nu++].path = c[i].e.path;
	}
	if (git_tree_create_updated(out, repo, base, nu, u) < 0) {
		git_fail("update the tree");
		goto out;
	}
	rc = 1;
out:
	free(u);
	git_tree_free(empty);
	return rc;
}

/*
 * The tree of the whole work tree, every file hashed: an empty index
 * of our own (never the file) given everything git_index_add_all()
 * finds.  *idx is the caller's to free.  1 ok, 0 error (printed).
 */
static int
tree_walk(git_repository *repo, git_index **idx, git_oid *out)
{
	if (git_index_new(idx) < 0) {
		git_fail("index");
		return 0;
	}
	git_repository_set_index(repo, *idx);
	if (git_index_add_all(*idx, NULL, GIT_INDEX_ADD_DEFAULT, NULL,
	    NULL) < 0 || git_index_write_tree(out, *idx) < 0) {
		git_fail("stage the site directory");
		return 0;
	}
	return 1;
}

/*
 * Remove $git_dir/index and the note older versions kept beside it.
 * 1 ok, 0 error (printed).
 */
static int
index_remove(git_repository *repo)
{
	static const char *const names[] = { "index", "kenmin-index" };
	char	 path[PATH_MAX];
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(names); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s",
		    git_repository_path(repo), names[i]) >= sizeof(path)) {
			kerr("history: %s: path too long",
			    git_repository_path(repo));
			return 0;
		}
		if (unlink(path) == -1 && errno != ENOENT) {
			kerr("history: %s: %s", path, strerror(errno));
			return 0;
		}
	}
	return 1;
}

/*
 * The marker $git_dir/kenmin-pending says HEAD may be behind the site
 * directory.  history_begin() makes it before the run's manifest is
 * committed (site_finish() clears the dirty mark), and history_commit()
 * removes it once the commit is made, so a process killed anywhere in
 * between leaves it, and the next commit hashes the whole work tree.
 * path gets its name.  1 ok, 0 error (printed).
 */
static int
pending_path(const struct gen *g, char *path, size_t sz)
{
	if ((size_t)snprintf(path, sz, "%s/%s", g->cfg->git_dir,
	    HIST_PENDING) >= sz) {
		kerr("history: %s: path too long", g->cfg->git_dir);
		return 0;
	}
	return 1;
}

/*
 * Before site_finish() of a run that will commit: remember whether a
 * marker was left by an earlier run (g->hist_stale) and make it.  No
 * history yet: nothing to mark.  1 ok, 0 error (printed).
 */
int
history_begin(struct gen *g)
{
	char	 pend[PATH_MAX];
	int	 fd;

	if (!pending_path(g, pend, sizeof(pend)))
		return 0;
	g->hist_stale = access(pend, F_OK) == 0;
	g->hist_begun = 1;
	if (access(g->cfg->git_dir, F_OK) == -1)
		return 1;
	if ((fd = open(pend, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		kerr("history: %s: %s", pend, strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/*
 * Commit what the run s (stats st, its blobs in hp unless NULL) changed
 * with msg as HEAD's child.  HEAD's tree is what site_dir held before
 * the run unless the last run crashed (SITE_VERIFY) or the last commit
 * was cut short (the marker), so the new tree is HEAD's with the run's
 * changes (git_tree_create_updated(): only the trees on the changed
 * paths are read and written).  Without HEAD, a full build that wrote
 * every file gives the tree from its changes alone.  Otherwise, or if
 * the update fails, the whole work tree is hashed.  No commit is made
 * if the tree equals HEAD's: *committed (may be NULL) tells.  No index
 * file is kept (index_remove()).  1 ok, 0 error (printed).
 */
int
history_commit(struct gen *g, const struct site *s,
    const struct site_stats *st, struct histpack *hp, const char *msg,
    int *committed)
{
	git_repository	*repo = NULL;
	git_index	*idx = NULL;
	git_signature	*sig = NULL;
	git_commit	*parent = NULL;
	git_tree	*base = NULL, *tree = NULL;
	git_oid		 tree_id, head_id, commit_id;
	struct hchg	*c = NULL;
	char		 pend[PATH_MAX];
	size_t		 n = 0;
	time_t		 now;
	int		 rc = 0, removed, r, fd, fast, same, stale;

	if (committed != NULL)
		*committed = 0;
	if (strnlen(msg, HIST_MSG_MAX + 1) > HIST_MSG_MAX) {
		kerr("history: commit message too long");
		return 0;
	}
	if (!pending_path(g, pend, sizeof(pend)))
		return 0;
	stale = g->hist_begun ? g->hist_stale : access(pend, F_OK) == 0;
	g->hist_begun = 0;
	/* A publish that wrote and deleted nothing has nothing to commit. */
	if ((site_flags(s) & (SITE_FULL | SITE_VERIFY)) == 0 &&
	    site_change(s, 0, &removed) == NULL) {
		if (!stale && unlink(pend) == -1 && errno != ENOENT) {
			kerr("history: %s: %s", pend, strerror(errno));
			return 0;
		}
		return 1;
	}
	git_libgit2_init();
	/* The objects a commit points to were just written by us. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	if (!hist_open(g->cfg, 1, &repo))
		goto out;
	if (hp != NULL && !histpack_finish(hp))
		hp = NULL;
	if (hp != NULL) {
		/* The new pack: libgit2 must see it before trees name it. */
		git_odb	*odb = NULL;

		r = git_repository_odb(&odb, repo) < 0 ||
		    git_odb_refresh(odb) < 0;
		git_odb_free(odb);
		if (r) {
			git_fail("object database");
			goto out;
		}
	}
	r = git_reference_name_to_id(&head_id, repo, "HEAD");
	if (r == 0) {
		if (git_commit_lookup(&parent, repo, &head_id) < 0 ||
		    git_commit_tree(&base, parent) < 0) {
			git_fail("HEAD");
			goto out;
		}
	} else if (r != GIT_ENOTFOUND) {
		git_fail("HEAD");
		goto out;
	}

	fast = (site_flags(s) & SITE_VERIFY) == 0 && !stale;
	if (parent == NULL)
		fast = fast && (site_flags(s) & SITE_FULL) != 0 &&
		    st != NULL && st->unchanged == 0;
	if ((fd = open(pend, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		kerr("history: %s: %s", pend, strerror(errno));
		goto out;
	}
	close(fd);
	if (fast && (!changes(repo, s, hp, &c, &n) ||
	    !tree_updated(repo, base, c, n, &tree_id))) {
		kerr("history: hashing the whole site directory instead");
		fast = 0;
	}
	if (!fast && !tree_walk(repo, &idx, &tree_id))
		goto out;

	same = parent != NULL &&
	    git_oid_equal(git_commit_tree_id(parent), &tree_id);
	if (!same && (parent != NULL || (fast ? n > 0 :
	    git_index_entrycount(idx) > 0))) {
		now = time(NULL);
		if (git_signature_new(&sig, HIST_NAME, HIST_EMAIL, now,
		    HIST_TZ_MIN) < 0 ||
		    git_tree_lookup(&tree, repo, &tree_id) < 0 ||
		    git_commit_create_v(&commit_id, repo, "HEAD", sig, sig,
		    NULL, msg, tree, parent != NULL ? 1 : 0, parent) < 0) {
			git_fail("commit");
			goto out;
		}
		if (committed != NULL)
			*committed = 1;
	}

	/*
	 * No index file is kept: HEAD's tree is the record, and a stale
	 * index would make `git status` by hand lie (docs/history.md).
	 */
	if (!index_remove(repo))
		goto out;
	if (unlink(pend) == -1 && errno != ENOENT) {
		kerr("history: %s: %s", pend, strerror(errno));
		goto out;
	}
	rc = 1;
out:
	free(c);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_signature_free(sig);
	git_index_free(idx);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

/*
 * kenmin-gen history [-n N]: one line per commit, newest first:
 * ID<TAB>YYYY-MM-DD HH:MM:SS +HHMM<TAB>message summary.
 * No repository or no commit yet prints nothing.
 */
int
cmd_history(struct gen *g, int argc, char *argv[])
{
	git_repository	*repo = NULL;
	git_revwalk	*walk = NULL;
	git_commit	*c = NULL;
	git_oid		 id;
	const git_signature *who;
	char		 hex[13], date[32];
	long long	 max = LLONG_MAX, n = 0;
	struct tm	 tm;
	time_t		 t;
	int		 rc = 0, r, off;

	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		if (!util_strtoll(argv[2], 1, 1000000, &max)) {
			kerr("history: -n wants a number 1..1000000");
			return 0;
		}
	} else if (argc != 1) {
		kerr("usage: history [-n N]");
		return 0;
	}
	git_libgit2_init();
	if (!hist_open(g->cfg, 0, &repo))
		goto out;
	if (repo == NULL || git_repository_head_unborn(repo) == 1) {
		rc = 1;
		goto out;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push_head(walk) < 0) {
		git_fail("history");
		goto out;
	}
	while (n < max && (r = git_revwalk_next(&id, walk)) == 0) {
		if (git_commit_lookup(&c, repo, &id) < 0) {
			git_fail("history");
			goto out;
		}
		who = git_commit_committer(c);
		off = who->when.offset;
		t = (time_t)who->when.time + (time_t)off * 60;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		git_oid_tostr(hex, sizeof(hex), &id);
		printf("%s\t%s %c%02d%02d\t%s\n", hex, date,
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60,
		    git_commit_summary(c) != NULL ? git_commit_summary(c) : "");
		git_commit_free(c);
		c = NULL;
		n++;
	}
	if (fflush(stdout) == EOF) {
		kerr("history: stdout: %s", strerror(errno));
		goto out;
	}
	rc = 1;
out:
	git_commit_free(c);
	git_revwalk_free(walk);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

struct rb_walk {
	struct site	*site;
	git_repository	*repo;
	char		 path[1024];
	int		 ok;
};

/* git_tree_walk callback: write one blob of the target tree. */
static int
rb_entry(const char *root, const git_tree_entry *e, void *arg)
{
	struct rb_walk	*w = arg;
	git_blob	*b = NULL;
	git_filemode_t	 mode;
	int		 n;

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return 0;
	mode = git_tree_entry_filemode(e);
	n = snprintf(w->path, sizeof(w->path), "%s%s", root,
	    git_tree_entry_name(e));
	if (n < 0 || (size_t)n >= sizeof(w->path) ||
	    (mode != GIT_FILEMODE_BLOB &&
	    mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
		kerr("rollback: skipping %s%s", root, git_tree_entry_name(e));
		w->ok = 0;
		return 0;
	}
	if (git_blob_lookup(&b, w->repo, git_tree_entry_id(e)) < 0) {
		git_fail(w->path);
		w->ok = 0;
		return -1;
	}
	if (!site_page_begin(w->site, w->path) ||
	    !site_page_end(w->site, git_blob_rawcontent(b),
	    (size_t)git_blob_rawsize(b)))
		w->ok = 0;
	git_blob_free(b);
	return 0;
}

/*
 * kenmin-gen rollback REV: write the tree of REV back into site_dir
 * through the site writer (atomic, unchanged files untouched), delete
 * the files REV does not have, update the manifest (the deps of files
 * that stay are kept; a later build recomputes them), and commit the
 * result as a new commit "rollback to REV (ID)".  History is never
 * rewritten.
 */
int
cmd_rollback(struct gen *g, int argc, char *argv[])
{
	git_repository	*repo = NULL;
	git_object	*obj = NULL;
	git_commit	*target = NULL;
	git_tree	*tree = NULL;
	struct site	*s = NULL;
	struct site_stats st;
	struct rb_walk	 w;
	char		 hex[13], msg[HIST_REV_MAX + 64];
	int		 rc = 0, committed = 0, inlib = 0;

	if (argc != 2 || strnlen(argv[1], HIST_REV_MAX + 1) > HIST_REV_MAX) {
		kerr("usage: rollback REV");
		return 0;
	}
	if (!gen_open_db(g, 0))
		return 0;
	git_libgit2_init();
	inlib = 1;
	if (!hist_open(g->cfg, 0, &repo))
		goto out;
	if (repo == NULL) {
		kerr("rollback: %s: no history", g->cfg->git_dir);
		goto out;
	}
	if (git_revparse_single(&obj, repo, argv[1]) < 0 ||
	    git_object_peel((git_object **)&target, obj,
	    GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_tree(&tree, target) < 0) {
		git_fail(argv[1]);
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_id(target));
	/* This repository handle is done with once the files are out. */
	if ((s = site_open(g->db, g->cfg->site_dir,
	    SITE_FULL | SITE_KEEPDEPS)) == NULL)
		goto out;
	memset(&w, 0, sizeof(w));
	w.site = s;
	w.repo = repo;
	w.ok = 1;
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, rb_entry, &w) < 0)
		w.ok = 0;
	if ((w.ok && !history_begin(g)) || !site_finish(s, w.ok, &st))
		goto out;
	snprintf(msg, sizeof(msg), "rollback to %s (%s)", argv[1], hex);
	if (!history_commit(g, s, &st, NULL, msg, &committed))
		goto out;
	printf("%s: %zu written, %zu unchanged, %zu deleted%s\n", msg,
	    st.written, st.unchanged, st.deleted,
	    committed ? "" : " (already at that version)");
	rc = 1;
out:
	site_free(s);
	git_tree_free(tree);
	git_commit_free(target);
	git_object_free(obj);
	git_repository_free(repo);
	if (inlib)
		git_libgit2_shutdown();
	return rc;
}
