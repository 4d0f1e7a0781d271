/*
 * db.c: opening the SQLite database with the project's pragmas, the
 * statement cache keyed by the static SQL text, transactions, and the
 * numbered migrations and master data embedded from db/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "dbfiles.h"
#include "util.h"

/* One cached statement: the SQL pointer it was prepared from. */
struct db_cached {
	const char	*sql;
	sqlite3_stmt	*stmt;
};

struct db {
	sqlite3			*h;
	char			*path;
	struct db_cached	*cache;		/* open-addressed by pointer */
	size_t			 cachesz;	/* power of two */
	size_t			 cachelen;
};

enum stmt {
	STMT_USER_VERSION,
	STMT_MASTER_LOADED,
	STMT_MASTER_MARK,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_USER_VERSION */
	"PRAGMA user_version",
	/* STMT_MASTER_LOADED */
	"SELECT 1 FROM setting WHERE key = 'loaded:' || ?1",
	/* STMT_MASTER_MARK */
	"INSERT INTO setting (key, value) VALUES ('loaded:' || ?1, 'yes')",
};

/*
 * The bounds of the program image the linker provides: the code, the
 * read-only data and the initialised data, in this order.
 */
extern const char	 __executable_start[], edata[];

/*
 * 1 if sql lies in the program image, i.e. it is a constant of the
 * program, not text built at run time on the heap or the stack.  Every
 * statement is such a constant and values reach SQLite only through
 * bindings, so no input can change a statement (SQL injection, 脆1);
 * db_prep() and db_exec() refuse anything else.  tests/sqlcheck.py
 * checks that nothing calls SQLite but through them.
 */
static int
sql_static(const struct db *db, const char *sql)
{
	uintptr_t	 p = (uintptr_t)sql;

	if (p >= (uintptr_t)__executable_start && p < (uintptr_t)edata)
		return 1;
	kerr("%s: refused SQL that is not a constant of the program",
	    db->path);
	return 0;
}

/* Run sql; 1 ok, 0 error (printed).  Callers check sql_static(). */
static int
exec_sql(struct db *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		kerr("%s: %s: %s", db->path, sql, err != NULL ? err : "error");
		sqlite3_free(err);
		return 0;
	}
	return 1;
}

static int
pragma(struct db *db, const char *sql)
{
	return sql_static(db, sql) && exec_sql(db, sql);
}

struct db *
db_open(const char *path, int flags)
{
	struct db	*db;
	int		 oflags;

	db = xcalloc(1, sizeof(*db));
	db->path = xstrdup(path);
	db->cachesz = 256;
	db->cache = xcalloc(db->cachesz, sizeof(*db->cache));

	if (flags & DB_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE |
		    ((flags & DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;

	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		kerr("%s: %s", path, db->h != NULL ?
		    sqlite3_errmsg(db->h) : "cannot open");
		db_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 10000);
	/*
	 * A build reads the whole database many times over: a page cache
	 * larger than SQLite's 2 MB default (it only grows as used) and
	 * memory-mapped reads keep it out of pread().
	 */
	if (!pragma(db, "PRAGMA foreign_keys = ON") ||
	    !pragma(db, "PRAGMA trusted_schema = OFF"))
		goto fail;
	if ((flags & DB_LEAN) ? !pragma(db, "PRAGMA cache_size = -4096") :
	    (!pragma(db, "PRAGMA cache_size = -65536") ||
	    !pragma(db, "PRAGMA mmap_size = 1073741824")))
		goto fail;
	if (!(flags & DB_READONLY) &&
	    (!pragma(db, "PRAGMA journal_mode = WAL") ||
	     !pragma(db, "PRAGMA synchronous = FULL")))
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < db->cachesz; i++)
		if (db->cache[i].stmt != NULL)
			sqlite3_finalize(db->cache[i].stmt);
	free(db->cache);
	if (db->h != NULL)
		sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

const char *
db_path(const struct db *db)
{
	return db->path;
}

static size_t
slot_of(const struct db *db, const char *sql)
{
	uintptr_t	 h;

	h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 7) & (db->cachesz - 1);
}

static void
cache_grow(struct db *db)
{
	struct db_cached	*old;
	size_t			 oldsz, i, j;

	old = db->cache;
	oldsz = db->cachesz;
	db->cachesz *= 2;
	db->cache = xcalloc(db->cachesz, sizeof(*db->cache));
	for (i = 0; i < oldsz; i++) {
		if (old[i].sql == NULL)
			continue;
		j = slot_of(db, old[i].sql);
		while (db->cache[j].sql != NULL)
			j = (j + 1) & (db->cachesz - 1);
		db->cache[j] = old[i];
	}
	free(old);
}

sqlite3_stmt *
db_prep(struct db *db, const char *sql)
{
	size_t		 i;
	sqlite3_stmt	*st = NULL;

	if (!sql_static(db, sql))
		return NULL;
	i = slot_of(db, sql);
	while (db->cache[i].sql != NULL) {
		if (db->cache[i].sql == sql) {
			st = db->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		i = (i + 1) & (db->cachesz - 1);
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		kerr("%s: %s: in \"%s\"", db->path, sqlite3_errmsg(db->h), sql);
		return NULL;
	}
	if ((db->cachelen + 1) * 2 > db->cachesz) {
		cache_grow(db);
		i = slot_of(db, sql);
		while (db->cache[i].sql != NULL)
			i = (i + 1) & (db->cachesz - 1);
	}
	db->cache[i].sql = sql;
	db->cache[i].stmt = st;
	db->cachelen++;
	return st;
}

int
db_exec(struct db *db, const char *sql)
{
	return pragma(db, sql);
}

int
db_begin(struct db *db)
{
	return pragma(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	return pragma(db, "COMMIT");
}

int
db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return 1;
	return pragma(db, "ROLLBACK");
}

int
db_run(struct db *db, sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 1;
	}
	kerr("%s: %s: in \"%s\"", db->path, sqlite3_errmsg(db->h),
	    sqlite3_sql(st));
	sqlite3_reset(st);
	return 0;
}

int
db_row(struct db *db, sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	kerr("%s: %s: in \"%s\"", db->path, sqlite3_errmsg(db->h),
	    sqlite3_sql(st));
	sqlite3_reset(st);
	return -1;
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int
db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

void
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

void
db_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t sz)
{
	if (p == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_blob64(st, i, p, sz, SQLITE_TRANSIENT);
}

const char *
db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*p;

	p = sqlite3_column_text(st, i);
	return p != NULL ? (const char *)p : "";
}

int
db_version(struct db *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if ((st = db_prep(db, stmts[STMT_USER_VERSION])) == NULL)
		return -1;
	if (db_row(db, st) == 1)
		v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

/* The number NNNN of "migrations/NNNN_name.sql", or -1. */
static int
migration_number(const char *name)
{
	long long	 v;
	char		 num[5];

	if (strncmp(name, "migrations/", 11) != 0)
		return -1;
	name += 11;
	if (strlen(name) < 6 || name[4] != '_')
		return -1;
	memcpy(num, name, 4);
	num[4] = '\0';
	if (!util_strtoll(num, 1, 9999, &v))
		return -1;
	return (int)v;
}

int
db_version_latest(void)
{
	const struct dbfile	*f;
	int			 n, max = 0;

	for (f = dbfiles; f->name != NULL; f++)
		if ((n = migration_number(f->name)) > max)
			max = n;
	return max;
}

static int
apply_migration(struct db *db, const struct dbfile *f, int n)
{
	char	 sql[64];

	if (!db_begin(db))
		return 0;
	if (!db_exec(db, f->text))
		goto fail;
	/* PRAGMA takes no parameter; n is our own migration number. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", n);
	if (!exec_sql(db, sql))
		goto fail;
	if (!db_commit(db))
		goto fail;
	return 1;
fail:
	kerr("%s: migration %s failed; nothing of it was applied",
	    db->path, f->name);
	db_rollback(db);
	return 0;
}

/* Load a master-data file once; staff edits are never overwritten. */
static int
load_master(struct db *db, const struct dbfile *f)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (!db_begin(db))
		return 0;
	if ((st = db_prep(db, stmts[STMT_MASTER_LOADED])) == NULL)
		goto fail;
	db_bind_text(st, 1, f->name);
	if ((rc = db_row(db, st)) < 0)
		goto fail;
	sqlite3_reset(st);
	if (rc == 0) {
		if (!db_exec(db, f->text))
			goto fail;
		if ((st = db_prep(db, stmts[STMT_MASTER_MARK])) == NULL)
			goto fail;
		db_bind_text(st, 1, f->name);
		if (!db_run(db, st))
			goto fail;
	}
	return db_commit(db);
fail:
	kerr("%s: master data %s failed to load", db->path, f->name);
	db_rollback(db);
	return 0;
}

int
db_migrate(struct db *db)
{
	const struct dbfile	*f;
	int			 cur, n, want;

	if ((cur = db_version(db)) < 0)
		return 0;
	/* Apply in number order; dbfiles is sorted by name. */
	for (want = cur + 1; want <= db_version_latest(); want++) {
		for (f = dbfiles; f->name != NULL; f++)
			if ((n = migration_number(f->name)) == want)
				break;
		if (f->name == NULL)
			continue;	/* a gap in the numbering */
		if (!apply_migration(db, f, want))
			return 0;
	}
	for (f = dbfiles; f->name != NULL; f++)
		if (strncmp(f->name, "master/", 7) == 0 &&
		    !load_master(db, f))
			return 0;
	return 1;
}
