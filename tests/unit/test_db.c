/*
 * test_db.c: migrations apply once and in order, the pragmas hold,
 * master data loads once and staff edits survive a second init, the
 * statement cache returns reset statements, and bad SQL is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "util.h"
#include "t.h"

static const char *const sql_count_muni = "SELECT count(*) FROM m_municipality";
static const char *const sql_rename = "UPDATE m_field SET short_name = ?1 WHERE id = 1";
static const char *const sql_field1 = "SELECT short_name FROM m_field WHERE id = 1";
static const char *const sql_pragma = "PRAGMA journal_mode";
static const char *const sql_fk = "PRAGMA foreign_keys";
static const char *const sql_bad = "SELECT no_such_column FROM m_field";
static const char *const sql_orphan =
    "INSERT INTO org_field (org_id, field_id) VALUES (999999, 1)";

static long long
scalar(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v = -1;

	if ((st = db_prep(db, sql)) != NULL && db_row(db, st) == 1)
		v = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	return v;
}

int
main(void)
{
	struct db	*db;
	sqlite3_stmt	*st;
	char		 dir[] = "/tmp/kenmin-db-XXXXXX", path[256];

	T_OK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/k.db", dir);
	T_OK(db_open(path, 0) == NULL, "open without create fails on a new path");
	db = db_open(path, DB_CREATE);
	T_OK(db != NULL, "create");
	T_OK(db_version(db) == 0, "new database is version 0");
	T_OK(db_version_latest() >= 1, "migrations are embedded");
	T_OK(db_migrate(db), "migrate");
	T_OK(db_version(db) == db_version_latest(), "at the latest version");
	T_OK(scalar(db, sql_count_muni) == 20, "19 municipalities + 山口県外");

	st = db_prep(db, sql_pragma);
	T_OK(st != NULL && db_row(db, st) == 1 &&
	    strcmp(db_col_text(st, 0), "wal") == 0, "journal_mode is WAL");
	T_OK(scalar(db, sql_fk) == 1, "foreign keys on");
	T_OK(db_prep(db, sql_pragma) == st, "statement cache returns the same statement");

	st = db_prep(db, sql_orphan);
	T_OK(st != NULL && !db_run(db, st), "foreign key violation refused");

	/* A staff edit of master data survives a second migrate. */
	st = db_prep(db, sql_rename);
	db_bind_text(st, 1, "ふくし");
	T_OK(db_run(db, st) && db_changes(db) == 1, "staff edits a field name");
	T_OK(db_migrate(db), "second migrate is a no-op");
	st = db_prep(db, sql_field1);
	T_OK(db_row(db, st) == 1 && strcmp(db_col_text(st, 0), "ふくし") == 0,
	    "the edit is kept");
	sqlite3_reset(st);
	T_OK(scalar(db, sql_count_muni) == 20, "master data not loaded twice");

	T_OK(db_prep(db, sql_bad) == NULL, "bad SQL is reported, not cached");
	{
		/* SQL built at run time is refused, whatever it says. */
		char	*heap = xstrdup(sql_pragma), stack[64];

		memcpy(stack, "SELECT 1", sizeof("SELECT 1"));
		T_OK(db_prep(db, heap) == NULL, "SQL on the heap is refused");
		T_OK(db_prep(db, stack) == NULL, "SQL on the stack is refused");
		T_OK(db_exec(db, heap) == 0, "db_exec refuses SQL on the heap");
		T_OK(db_prep(db, sql_pragma) != NULL,
		    "the same text as a constant is prepared");
		free(heap);
	}
	db_close(db);
	db_close(NULL);

	db = db_open(path, DB_READONLY);
	T_OK(db != NULL && db_version(db) == db_version_latest(),
	    "read-only open sees the schema");
	db_close(db);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# cleanup failed\n");
	return t_done();
}
