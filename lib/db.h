/*
 * db.h: the SQLite database: opening with the project's pragmas, the
 * prepared-statement cache, transactions and numbered migrations.
 *
 * SQL is never built at run time: every module keeps its statements in
 * a static const table indexed by an enum and passes the table entry to
 * db_prep(), which prepares it once and hands back the cached statement,
 * reset and with its bindings cleared.
 */
#ifndef KENMIN_DB_H
#define KENMIN_DB_H

#include <stdint.h>
#include <sqlite3.h>

struct db;

#define DB_READONLY	0x01
#define DB_CREATE	0x02
#define DB_LEAN		0x04	/* a second reader: small cache, no mmap */

/*
 * Open path with WAL, synchronous=FULL, foreign_keys=ON and a busy
 * timeout.  NULL on failure (printed).  Free with db_close().
 */
struct db	*db_open(const char *path, int flags);
void		 db_close(struct db *);
sqlite3		*db_handle(struct db *);
const char	*db_path(const struct db *);

/*
 * The cached statement for sql (a pointer into a static table: the
 * cache is keyed by that pointer).  NULL on a prepare error (printed
 * with the SQL).  Do not finalize it.
 */
sqlite3_stmt	*db_prep(struct db *, const char *sql);

/* Run trusted, static SQL with no parameters (schema, pragmas). */
int		 db_exec(struct db *, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; 1 ok, 0 error (printed). */
int		 db_begin(struct db *);
int		 db_commit(struct db *);
int		 db_rollback(struct db *);

/*
 * Step a statement that returns no rows, then reset it: 1 if it ran
 * (SQLITE_DONE), 0 on error (printed with the SQL).
 */
int		 db_run(struct db *, sqlite3_stmt *);
/*
 * Step once: SQLITE_ROW → 1, SQLITE_DONE → 0 (and reset), error → -1
 * (printed; reset).
 */
int		 db_row(struct db *, sqlite3_stmt *);

int64_t		 db_last_id(struct db *);
int		 db_changes(struct db *);

/* Bind helpers: NULL text binds SQL NULL.  Indices are 1-based. */
void		 db_bind_text(sqlite3_stmt *, int, const char *);
void		 db_bind_int(sqlite3_stmt *, int, int64_t);
void		 db_bind_blob(sqlite3_stmt *, int, const void *, size_t);
/* Column text as "" when NULL. */
const char	*db_col_text(sqlite3_stmt *, int);

/*
 * Apply the migrations embedded from db/migrations/NNNN_*.sql that are
 * newer than PRAGMA user_version, each in its own transaction, then
 * load master data if the tables are empty.  1 ok, 0 error.
 */
int		 db_migrate(struct db *);
/* Current schema version (PRAGMA user_version), -1 on error. */
int		 db_version(struct db *);
/* The newest version embedded in this binary. */
int		 db_version_latest(void);

#endif
