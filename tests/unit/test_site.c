/*
 * test_site.c: the site output layer (generator/site.c) and its git
 * history (generator/history.c) against a temporary directory, SQLite
 * database and git directory.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <sodium.h>
#include <sqlite3.h>

#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"
#include "t.h"

static char	 root[64];
static char	 sitedir[128];
static char	 gitdir[128];
static char	 dbpath[128];

/* The tests open the database themselves; main.c is not linked. */
int
gen_open_db(struct gen *g, int create)
{
	(void)create;
	return g->db != NULL;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	p[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

static int
file_is(const char *rel, const char *want)
{
	char	 path[256];
	char	*got;
	int	 r;

	snprintf(path, sizeof(path), "%s/%s", sitedir, rel);
	if ((got = slurp(path, NULL)) == NULL)
		return 0;
	r = strcmp(got, want) == 0;
	free(got);
	return r;
}

static int
exists(const char *rel)
{
	char		 path[256];
	struct stat	 sb;

	snprintf(path, sizeof(path), "%s/%s", sitedir, rel);
	return lstat(path, &sb) == 0;
}

/* The permission bits of a file under sitedir, or -1. */
static int
mode_of(const char *rel)
{
	char		 path[256];
	struct stat	 sb;

	snprintf(path, sizeof(path), "%s/%s", sitedir, rel);
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    (int)(sb.st_mode & 07777) : -1;
}

/* Every regular file under sitedir, and whether temp files were seen. */
static char	*walked[64];
static size_t	 nwalked;
static int	 tmpseen;

static int
walk_cb(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	if (strncmp(path + f->base, ".kenmin-tmp-", 12) == 0)
		tmpseen = 1;
	if (type == FTW_F && nwalked < KENMIN_NELEM(walked))
		walked[nwalked++] = xstrdup(path + strlen(sitedir) + 1);
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_site(void)
{
	size_t	 i;

	for (i = 0; i < nwalked; i++)
		free(walked[i]);
	nwalked = 0;
	tmpseen = 0;
	nftw(sitedir, walk_cb, 16, FTW_PHYS);
	qsort(walked, nwalked, sizeof(walked[0]), str_cmp);
}

/* The manifest lists exactly the files on disk, with their size/hash. */
static int
manifest_matches(struct db *db)
{
	sqlite3_stmt		*st;
	unsigned char		 h[32];
	char			 path[256];
	char			*data;
	size_t			 i = 0, len;
	int			 ok = 1;

	walk_site();
	if (sqlite3_prepare_v2(db_handle(db), "SELECT path, size, hash "
	    "FROM site_file ORDER BY path", -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (i >= nwalked || strcmp(walked[i],
		    (const char *)sqlite3_column_text(st, 0)) != 0) {
			printf("# manifest has %s, disk %s\n",
			    sqlite3_column_text(st, 0),
			    i < nwalked ? walked[i] : "(end)");
			ok = 0;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", sitedir, walked[i]);
		if ((data = slurp(path, &len)) == NULL) {
			ok = 0;
			break;
		}
		crypto_generichash(h, sizeof(h), (unsigned char *)data, len,
		    NULL, 0);
		free(data);
		if ((size_t)sqlite3_column_int64(st, 1) != len ||
		    sqlite3_column_bytes(st, 2) != 32 ||
		    memcmp(sqlite3_column_blob(st, 2), h, 32) != 0) {
			printf("# manifest size/hash differ for %s\n",
			    walked[i]);
			ok = 0;
		}
		i++;
	}
	sqlite3_finalize(st);
	if (ok && i != nwalked) {
		printf("# disk has %s, not in the manifest\n", walked[i]);
		ok = 0;
	}
	return ok;
}

static int64_t
sql_int(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
commit_count(void)
{
	git_repository	*r;
	git_revwalk	*w;
	git_oid		 id;
	int		 n = 0;

	if (git_repository_open_bare(&r, gitdir) < 0)
		return -1;
	if (git_revwalk_new(&w, r) == 0) {
		if (git_revwalk_push_head(w) == 0)
			while (git_revwalk_next(&id, w) == 0)
				n++;
		git_revwalk_free(w);
	}
	git_repository_free(r);
	return n;
}

/* The summary of rev, or "" (static storage). */
static const char *
commit_msg(const char *rev, char *tree_hex)
{
	static char	 msg[256];
	git_repository	*r;
	git_object	*o;

	msg[0] = '\0';
	if (tree_hex != NULL)
		tree_hex[0] = '\0';
	if (git_repository_open_bare(&r, gitdir) < 0)
		return msg;
	if (git_revparse_single(&o, r, rev) == 0) {
		snprintf(msg, sizeof(msg), "%s",
		    git_commit_summary((git_commit *)o));
		if (tree_hex != NULL)
			git_oid_tostr(tree_hex, 41,
			    git_commit_tree_id((git_commit *)o));
		git_object_free(o);
	}
	git_repository_free(r);
	return msg;
}

struct snap {
	ino_t		 ino;
	struct timespec	 mtim;
};

static int
snap(const char *rel, struct snap *s)
{
	char		 path[256];
	struct stat	 sb;

	snprintf(path, sizeof(path), "%s/%s", sitedir, rel);
	if (stat(path, &sb) == -1)
		return 0;
	s->ino = sb.st_ino;
	s->mtim = sb.st_mtim;
	return 1;
}

static int
snap_same(const char *rel, const struct snap *old)
{
	struct snap	 now;

	return snap(rel, &now) && now.ino == old->ino &&
	    now.mtim.tv_sec == old->mtim.tv_sec &&
	    now.mtim.tv_nsec == old->mtim.tv_nsec;
}

static const char *const page_event1 = "<h1>event 1</h1>\n";
static const char *const page_event1b = "<h1>event 1, changed</h1>\n";
static const char *const page_event2 = "<h1>event 2</h1>\n";
static const char *const page_index = "<h1>top</h1>\n";
static const char *const page_list = "<ul><li>1</li><li>2</li></ul>\n";

static int
put(struct site *s, const char *rel, const char *text)
{
	return site_put(s, rel, text, strlen(text));
}

static int
to_pack(void *arg, const char *relpath, const void *bytes, size_t len,
    const struct stat *st)
{
	return histpack_put(arg, relpath, bytes, len, st);
}

/*
 * The history writer's queue: a small file leaves its thread asleep (it
 * waits for a batch), then one file larger than the queue's limit must
 * wake it rather than wait for room forever.  The alarm turns a hang
 * into a failure.
 */
static void
test_pack_queue(struct gen *g)
{
	const git_index_entry	*e;
	struct histpack		*hp;
	struct stat		 sb;
	git_oid			 want;
	size_t			 big = (size_t)25 * 1024 * 1024;
	char			*bytes;
	int			 ok;

	memset(&sb, 0, sizeof(sb));
	bytes = xmalloc(big);
	memset(bytes, 'k', big);
	alarm(120);
	hp = history_pack_start(g, 0);
	usleep(100000);		/* its thread is asleep by now */
	ok = hp != NULL && histpack_put(hp, "small.html", bytes, 100, &sb) &&
	    histpack_put(hp, "big.html", bytes, big, &sb) &&
	    histpack_finish(hp);
	alarm(0);
	T_OK(ok, "pack queue: a file over the queue's limit after a small "
	    "one is packed");
	e = hp != NULL ? histpack_entry(hp, "big.html") : NULL;
	T_OK(e != NULL && git_odb_hash(&want, bytes, big,
	    GIT_OBJECT_BLOB) == 0 && git_oid_equal(&want, &e->id),
	    "pack queue: its blob id");
	histpack_free(hp);
	free(bytes);
}

/*
 * The standard full build; with2 = 0 leaves out event 2.  With msg, it
 * commits, its blobs streamed into a pack as kenmin-gen build does.
 */
static int
build(struct gen *g, const char *ev1, int with2, struct site_stats *st,
    int *committed, const char *msg)
{
	struct site	*s;
	struct histpack	*hp = NULL;
	int		 ok = 1;

	if ((s = site_open(g->db, sitedir, SITE_FULL)) == NULL)
		return 0;
	if (msg != NULL && (hp = history_pack_start(g, 0)) != NULL)
		site_on_write(s, to_pack, hp);
	ok &= put(s, "index.html", page_index);
	ok &= site_page_begin(s, "events/1/index.html");
	site_dep(s, "event", 1);
	ok &= site_page_end(s, ev1, strlen(ev1));
	if (with2) {
		ok &= site_page_begin(s, "events/2/index.html");
		site_dep(s, "event", 2);
		ok &= site_page_end(s, page_event2, strlen(page_event2));
	}
	ok &= site_page_begin(s, "events/index.html");
	site_dep(s, "event", 2);
	site_dep(s, "event", 1);
	site_dep(s, "event", 1);
	ok &= site_page_end(s, page_list, strlen(page_list));
	ok &= site_finish(s, 1, st);
	if (ok && msg != NULL)
		ok &= history_commit(g, s, st, hp, msg, committed);
	histpack_free(hp);
	site_free(s);
	return ok;
}

static void
test_paths(void)
{
	char	 longp[600];

	T_OK(site_path_ok("index.html"), "path: plain name");
	T_OK(site_path_ok("supernet/groups/12/index.html"), "path: nested");
	T_OK(site_path_ok("a_b-c.d/e.css"), "path: _ - . allowed");
	T_OK(site_path_ok(".well-known/security.txt"), "path: .well-known");
	T_OK(!site_path_ok(""), "path: empty refused");
	T_OK(!site_path_ok("/etc/passwd"), "path: absolute refused");
	T_OK(!site_path_ok("a//b.html"), "path: // refused");
	T_OK(!site_path_ok("../x.html"), "path: .. refused");
	T_OK(!site_path_ok("a/../../x.html"), "path: inner .. refused");
	T_OK(!site_path_ok("a/./b.html"), "path: . refused");
	T_OK(!site_path_ok("a/"), "path: trailing / refused");
	T_OK(!site_path_ok("Index.html"), "path: upper case refused");
	T_OK(!site_path_ok("a b.html"), "path: space refused");
	T_OK(!site_path_ok("a\\b.html"), "path: backslash refused");
	T_OK(!site_path_ok("\xe3\x81\x82.html"), "path: non-ASCII refused");
	T_OK(!site_path_ok(".git/config"), "path: .git refused");
	T_OK(!site_path_ok("x/.kenmin-tmp-1-1"), "path: temp names refused");
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	T_OK(!site_path_ok(longp), "path: over 512 bytes refused");
}

int
main(void)
{
	struct config	 cfg, bad;
	struct gen	 g;
	struct site	*s;
	struct site_stats st;
	struct snap	 sn_index, sn_list, sn_ev1;
	char		 path[256], tree1[41], treeh[41], outp[256];
	char		**v;
	char		*out;
	char		*rbargv[] = { (char *)"rollback", (char *)"HEAD~2", NULL };
	char		*hargv[] = { (char *)"history", NULL };
	int		 committed, fd, saved, r;
	mode_t		 um;

	util_setprogname("test_site");
	if (sodium_init() < 0)
		return 1;
	git_libgit2_init();
	snprintf(root, sizeof(root), "/tmp/kenmin-test-site-XXXXXX");
	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(sitedir, sizeof(sitedir), "%s/site-out", root);
	snprintf(gitdir, sizeof(gitdir), "%s/var/site.git", root);
	snprintf(dbpath, sizeof(dbpath), "%s/kenmin.db", root);

	memset(&cfg, 0, sizeof(cfg));
	cfg.site_dir = sitedir;
	cfg.git_dir = gitdir;
	cfg.database = dbpath;
	memset(&g, 0, sizeof(g));
	g.cfg = &cfg;
	g.db = db_open(dbpath, DB_CREATE);
	T_OK(g.db != NULL && db_migrate(g.db), "db: open and migrate");
	if (g.db == NULL)
		return t_done();

	test_paths();

	/*
	 * 1. First full build, under a umask that would hide the files
	 * from the web server: new files (linked from O_TMPFILE) and,
	 * in build 3, a replaced one (renamed) are world-readable anyway.
	 */
	um = umask(077);
	memset(&st, 0, sizeof(st));
	T_OK(build(&g, page_event1, 1, &st, &committed, "build: full"),
	    "build 1: ok");
	T_OK(st.written == 4 && st.unchanged == 0 && st.deleted == 0,
	    "build 1: 4 written");
	T_OK(st.bytes_written == strlen(page_index) + strlen(page_event1) +
	    strlen(page_event2) + strlen(page_list), "build 1: bytes counted");
	T_OK(file_is("events/1/index.html", page_event1) &&
	    file_is("events/2/index.html", page_event2) &&
	    file_is("index.html", page_index), "build 1: bytes on disk");
	T_OK(manifest_matches(g.db), "build 1: manifest matches directory");
	T_OK(!tmpseen, "build 1: no temp files left");
	T_OK(mode_of("index.html") == 0644 &&
	    mode_of("events/1/index.html") == 0644,
	    "build 1: new files are 0644 under umask 077");
	T_OK(committed == 1 && commit_count() == 1, "build 1: one commit");
	T_STREQ(commit_msg("HEAD", tree1), "build: full",
	    "build 1: commit message");
	T_OK(sql_int(g.db, "SELECT count(*) FROM site_dep WHERE "
	    "path = 'events/index.html'") == 2, "build 1: deps deduplicated");
	T_OK(sql_int(g.db, "SELECT dirty FROM site_state") == 0,
	    "build 1: clean marker");

	/* The git dir is outside site_dir; nothing of git inside. */
	snprintf(path, sizeof(path), "%s/HEAD", gitdir);
	T_OK(access(path, F_OK) == 0, "git: repository at git_dir");
	T_OK(!exists(".git"), "git: no .git in site_dir");

	/* Which files show event 1? */
	s = site_open(g.db, sitedir, 0);
	v = s != NULL ? site_shows(s, "event", 1) : NULL;
	T_OK(v != NULL && v[0] != NULL && v[1] != NULL && v[2] == NULL &&
	    strcmp(v[0], "events/1/index.html") == 0 &&
	    strcmp(v[1], "events/index.html") == 0, "shows: event 1 files");
	site_paths_free(v);
	/* site_deps_same(): the manifest's deps of a page, any order. */
	{
		static const struct site_depv same[] = {
			{ "event", 1 }, { "event", 2 }, { "event", 1 } };
		static const struct site_depv less[] = { { "event", 1 } };
		static const struct site_depv more[] = {
			{ "event", 2 }, { "event", 1 }, { "list", 7 } };
		static const struct site_depv badk[] = {
			{ "event", 2 }, { "", 1 } };

		T_OK(s != NULL && site_deps_same(s, "events/index.html",
		    same, 3) == 1, "deps_same: same set, repeats, any order");
		T_OK(s != NULL && site_deps_same(s, "events/index.html",
		    less, 1) == 0, "deps_same: a subset differs");
		T_OK(s != NULL && site_deps_same(s, "events/index.html",
		    more, 3) == 0, "deps_same: a superset differs");
		T_OK(s != NULL && site_deps_same(s, "events/index.html",
		    badk, 2) == 0, "deps_same: an invalid kind differs");
		T_OK(s != NULL && site_deps_same(s, "events/none.html",
		    same, 3) == 0, "deps_same: no such file");
		T_OK(s != NULL && site_deps_same(s, "index.html", NULL, 0) == 1,
		    "deps_same: a file without deps");
	}
	/* Refusals through the API. */
	T_OK(s != NULL && !site_page_begin(s, "../escape.html"),
	    "refuse: page_begin ..");
	T_OK(s != NULL && !site_put(s, "/abs.html", "x", 1),
	    "refuse: absolute");
	T_OK(s != NULL && !site_remove(s, "a//b"), "refuse: remove //");
	T_OK(s != NULL && site_finish(s, 1, &st) && st.written == 0,
	    "refuse: nothing written");
	site_free(s);
	snprintf(path, sizeof(path), "%s/escape.html", root);
	T_OK(access(path, F_OK) == -1, "refuse: parent untouched");

	/* 2. Same build again: nothing touched, no commit. */
	T_OK(snap("index.html", &sn_index) &&
	    snap("events/index.html", &sn_list) &&
	    snap("events/1/index.html", &sn_ev1), "build 2: stat before");
	usleep(20000);
	memset(&st, 0, sizeof(st));
	T_OK(build(&g, page_event1, 1, &st, &committed, "build: full"),
	    "build 2: ok");
	T_OK(st.written == 0 && st.unchanged == 4 && st.deleted == 0,
	    "build 2: 4 unchanged");
	T_OK(snap_same("index.html", &sn_index) &&
	    snap_same("events/index.html", &sn_list) &&
	    snap_same("events/1/index.html", &sn_ev1),
	    "build 2: inode and mtime unchanged");
	T_OK(committed == 0 && commit_count() == 1, "build 2: no commit");

	/* 3. One page changes, event 2 is gone. */
	memset(&st, 0, sizeof(st));
	T_OK(build(&g, page_event1b, 0, &st, &committed, "build: full"),
	    "build 3: ok");
	T_OK(st.written == 1 && st.unchanged == 2 && st.deleted == 1,
	    "build 3: 1 written, 2 unchanged, 1 deleted");
	T_OK(file_is("events/1/index.html", page_event1b),
	    "build 3: new bytes");
	T_OK(!exists("events/2/index.html") && !exists("events/2"),
	    "build 3: stale file and its empty directory deleted");
	T_OK(snap_same("index.html", &sn_index), "build 3: others untouched");
	T_OK(manifest_matches(g.db) && !tmpseen, "build 3: manifest matches");
	T_OK(mode_of("events/1/index.html") == 0644,
	    "build 3: a replaced file is 0644 under umask 077");
	umask(um);
	T_OK(sql_int(g.db, "SELECT count(*) FROM site_dep WHERE "
	    "item_id = 2 AND path LIKE 'events/2/%'") == 0,
	    "build 3: deps of deleted file gone");
	T_OK(committed == 1 && commit_count() == 2, "build 3: second commit");

	/* 4. Incremental publish: event 1 removed, the list rewritten. */
	s = site_open(g.db, sitedir, 0);
	T_OK(s != NULL, "publish: open");
	if (s != NULL) {
		T_OK(site_remove(s, "events/1/index.html"), "publish: remove");
		T_OK(site_page_begin(s, "events/index.html"), "publish: page");
		site_dep(s, "event", 9);
		T_OK(site_page_end(s, "<ul></ul>\n", 10), "publish: page end");
		T_OK(site_finish(s, 1, &st) && st.written == 1 &&
		    st.deleted == 1, "publish: 1 written, 1 deleted");
		T_OK(history_commit(&g, s, &st, NULL,
		    "publish: event 1 removed", &committed) && committed,
		    "publish: committed");
		T_OK(site_change(s, 0, &r) != NULL && site_change(s, 2, &r) ==
		    NULL, "publish: two changes listed");
		site_free(s);
	}
	T_OK(!exists("events/1") && exists("events/index.html"),
	    "publish: removed file and empty dir gone");
	T_OK(manifest_matches(g.db), "publish: manifest matches");
	T_OK(commit_count() == 3, "publish: third commit");
	T_OK(sql_int(g.db, "SELECT count(*) FROM site_dep WHERE "
	    "kind = 'event' AND item_id = 9") == 1, "publish: new dep stored");

	/* history lists three commits, newest first. */
	snprintf(outp, sizeof(outp), "%s/history.out", root);
	fflush(stdout);
	saved = dup(1);
	fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	r = cmd_history(&g, 1, hargv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	out = slurp(outp, NULL);
	T_OK(r == 1 && out != NULL, "history: ran");
	T_OK(out != NULL && strstr(out, "\tpublish: event 1 removed\n") ==
	    strchr(out, '\t') + 26 && strstr(out, "build: full\n") != NULL,
	    "history: newest first, id<TAB>date<TAB>message");
	{
		size_t	 lines = 0;
		char	*p;

		for (p = out; p != NULL && *p != '\0'; p++)
			lines += *p == '\n';
		T_OK(lines == 3, "history: three lines");
	}
	free(out);

	/* 5. Roll back to the first build: a new, fourth commit. */
	fflush(stdout);
	r = cmd_rollback(&g, 2, rbargv);
	T_OK(r == 1, "rollback: ran");
	T_OK(file_is("events/1/index.html", page_event1) &&
	    file_is("events/2/index.html", page_event2) &&
	    file_is("events/index.html", page_list), "rollback: old bytes");
	T_OK(snap_same("index.html", &sn_index), "rollback: unchanged "
	    "file untouched");
	T_OK(manifest_matches(g.db) && !tmpseen, "rollback: manifest matches");
	T_OK(commit_count() == 4, "rollback: new commit, history kept");
	T_OK(strncmp(commit_msg("HEAD", treeh), "rollback to HEAD~2 (", 20)
	    == 0, "rollback: message");
	T_STREQ(treeh, tree1, "rollback: tree equals the first build's");
	T_OK(sql_int(g.db, "SELECT count(*) FROM site_dep WHERE "
	    "path = 'events/index.html' AND item_id = 9") == 1,
	    "rollback: deps of kept files kept");

	/* 6. Crash marker: a damaged file of the same size is repaired. */
	snprintf(path, sizeof(path), "%s/index.html", sitedir);
	fd = open(path, O_WRONLY);
	T_OK(fd != -1 && write(fd, "<h2>", 4) == 4, "crash: damage a file");
	if (fd != -1)
		close(fd);
	T_OK(db_exec(g.db, "UPDATE site_state SET dirty = 1"), "crash: mark");
	s = site_open(g.db, sitedir, 0);
	T_OK(s != NULL && (site_flags(s) & SITE_VERIFY),
	    "crash: next run verifies");
	site_free(s);
	memset(&st, 0, sizeof(st));
	T_OK(build(&g, page_event1, 1, &st, NULL, NULL) && st.written == 1 &&
	    file_is("index.html", page_index), "crash: full build repairs");
	T_OK(sql_int(g.db, "SELECT dirty FROM site_state") == 0,
	    "crash: marker cleared by a clean full build");

	/* 7. A page written twice with different bytes fails the run. */
	s = site_open(g.db, sitedir, 0);
	T_OK(s != NULL && put(s, "twice.html", "a") && put(s, "twice.html", "b")
	    && !site_finish(s, 1, &st), "twice: run fails");
	site_free(s);
	T_OK(sql_int(g.db, "SELECT dirty FROM site_state") == 1,
	    "twice: marker stays dirty");
	T_OK(build(&g, page_event1, 1, &st, NULL, NULL) && st.deleted == 1 &&
	    !exists("twice.html"), "twice: next full build cleans up");

	/* 8. A failed full build deletes nothing. */
	s = site_open(g.db, sitedir, SITE_FULL);
	T_OK(s != NULL && put(s, "index.html", page_index) &&
	    !site_finish(s, 0, &st) && st.deleted == 0 &&
	    exists("events/2/index.html"), "failed build: nothing deleted");
	site_free(s);

	/* 9. Symlinks inside site_dir do not lead outside. */
	snprintf(path, sizeof(path), "%s/outside", root);
	mkdir(path, 0755);
	snprintf(outp, sizeof(outp), "%s/evil", sitedir);
	T_OK(symlink(path, outp) == 0, "symlink: planted");
	s = site_open(g.db, sitedir, 0);
	T_OK(s != NULL && !put(s, "evil/x.html", "x"),
	    "symlink: write through it refused");
	if (s != NULL)
		site_finish(s, 1, NULL);
	site_free(s);
	snprintf(path, sizeof(path), "%s/outside/x.html", root);
	T_OK(access(path, F_OK) == -1, "symlink: nothing written outside");
	unlink(outp);

	/* 10. A git dir inside site_dir is refused. */
	bad = cfg;
	snprintf(outp, sizeof(outp), "%s/.git", sitedir);
	bad.git_dir = outp;
	g.cfg = &bad;
	s = site_open(g.db, sitedir, 0);
	T_OK(s != NULL && put(s, "new.html", "n") && site_finish(s, 1, NULL) &&
	    !history_commit(&g, s, NULL, NULL, "x", &committed),
	    "git inside: refused");
	site_free(s);
	T_OK(!exists(".git"), "git inside: not created");
	g.cfg = &cfg;

	test_pack_queue(&g);

	walk_site();
	for (r = 0; (size_t)r < nwalked; r++)
		free(walked[r]);
	nwalked = 0;
	db_close(g.db);
	git_libgit2_shutdown();
	if (!t_failed) {
		char	*argv[] = { (char *)"rm", (char *)"-rf", root, NULL };
		pid_t	 pid;

		fflush(stdout);
		if ((pid = fork()) == 0) {
			execv("/bin/rm", argv);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	} else
		printf("# left %s for inspection\n", root);
	return t_done();
}
