/*
 * test_audit.c: the audit chain verifies, and an edited, deleted,
 * inserted or reordered row, a cut tail or a wrong key is found; purge
 * keeps the chain verifiable; the masks hide what they must.
 *
 * With arguments it is the driver of tests/cases/410_audit.sh (the
 * shipped kenmin-gen logs only its own events):
 *   test_audit log INI N DAYS_AGO   append N 'edit' events dated
 *                                   DAYS_AGO days back, one transaction
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "util.h"
#include "t.h"

static const char *const sql_detail3 =
    "UPDATE audit SET detail = 'login as someone else' WHERE id = 3";
static const char *const sql_del3 = "DELETE FROM audit WHERE id = 3";
static const char *const sql_del_last =
    "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)";
static const char *const sql_forge =
    "INSERT INTO audit (id, at, actor_kind, action, mac) "
    "SELECT max(id) + 1, 1, 'staff', 'export', "
    "(SELECT mac FROM audit ORDER BY id DESC LIMIT 1) FROM audit";
static const char *const sql_swap =
    "UPDATE audit SET id = -1 WHERE id = 2;"
    "UPDATE audit SET id = 2 WHERE id = 3;"
    "UPDATE audit SET id = 3 WHERE id = -1;";
static const char *const sql_ip = "SELECT ip FROM audit WHERE id = 1";
static const char *const sql_count = "SELECT count(*) FROM audit";
static const char *const sql_min = "SELECT min(id) FROM audit";
static const char *const sql_lastdetail =
    "SELECT detail FROM audit ORDER BY id DESC LIMIT 1";
static const char *const sql_old =
    "UPDATE audit SET at = ?1 WHERE id <= 3";

static struct buf	 why;

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

/* Verify result, and the bad row in *bad. */
static int
check(struct db *db, const struct keys *k, int64_t *bad)
{
	return audit_verify(db, k, bad, &why);
}

/* Apply tamper sql inside a transaction, verify, roll back. */
static int
tampered(struct db *db, const struct keys *k, const char *sql, int64_t *bad)
{
	int	 r;

	db_begin(db);
	if (!db_exec(db, sql)) {
		db_rollback(db);
		return -2;
	}
	r = check(db, k, bad);
	db_rollback(db);
	return r;
}

static int
log_ev(struct db *db, const struct keys *k, const char *action,
    const char *detail, const char *ip)
{
	struct audit_ev	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor_kind = "staff";
	ev.actor_id = 7;
	ev.action = action;
	ev.target_kind = "member";
	ev.target_id = 42;
	ev.detail = detail;
	ev.ip = ip;
	return audit_log(db, k, &ev);
}

static void
masks(void)
{
	struct buf	 b;

	buf_init(&b, 0);
	audit_mask_ip("192.0.2.123", &b);
	T_STREQ(buf_str(&b), "192.0.2.0", "IPv4 keeps /24");
	buf_reset(&b);
	audit_mask_ip("2001:db8:abcd:1234:5678::1", &b);
	T_STREQ(buf_str(&b), "2001:db8:abcd::", "IPv6 keeps /48");
	buf_reset(&b);
	T_OK(!audit_mask_ip("192.0.2.1\r\nX", &b), "junk IP refused");
	T_STREQ(buf_str(&b), "-", "junk IP masked to -");
	buf_reset(&b);
	audit_mask_email("yamada@example.jp", &b);
	T_STREQ(buf_str(&b), "ya***@example.jp", "email mask");
	buf_reset(&b);
	audit_mask_email("ab@example.jp", &b);
	T_STREQ(buf_str(&b), "a***@example.jp", "short local part keeps 1");
	buf_reset(&b);
	T_OK(!audit_mask_email("no-at-sign", &b), "not an address");
	T_STREQ(buf_str(&b), "***", "not an address masked");
	buf_reset(&b);
	audit_mask_name("山田太郎", &b);
	T_STREQ(buf_str(&b), "山***", "name keeps its first character");
	buf_free(&b);
}

static int
driver(int argc, char *argv[])
{
	struct config	 cfg;
	struct keys	 k;
	struct db	*db = NULL;
	struct audit_ev	 ev;
	long long	 n, days, i;
	char		 detail[64];
	int		 rc = 1;

	util_setprogname("test_audit");
	memset(&k, 0, sizeof(k));
	if (argc != 5 || strcmp(argv[1], "log") != 0 ||
	    !config_load(&cfg, argv[2]) ||
	    !util_strtoll(argv[3], 1, 100000, &n) ||
	    !util_strtoll(argv[4], 0, 100000, &days)) {
		fprintf(stderr, "usage: test_audit log INI N DAYS_AGO\n");
		config_free(&cfg);
		return 2;
	}
	if (!crypto_init() || !keys_load(&k, cfg.key_dir, 0) ||
	    (db = db_open(cfg.database, 0)) == NULL || !db_begin(db))
		goto out;
	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		snprintf(detail, sizeof(detail), "event %lld", i + 1);
		ev.at = (int64_t)time(NULL) - (int64_t)days * 86400;
		ev.actor_kind = "staff";
		ev.actor_id = 1;
		ev.action = "edit";
		ev.target_kind = "org";
		ev.target_id = i + 1;
		ev.detail = detail;
		ev.ip = "198.51.100.77";
		if (!audit_log(db, &k, &ev)) {
			db_rollback(db);
			goto out;
		}
	}
	rc = db_commit(db) ? 0 : 1;
out:
	db_close(db);
	keys_wipe(&k);
	config_free(&cfg);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct db	*db;
	struct keys	 k, wrong;
	sqlite3_stmt	*st;
	char		 dir[] = "/tmp/kenmin-audit-XXXXXX", path[256];
	int64_t		 bad, n;
	int		 i, ok;

	if (argc > 1)
		return driver(argc, argv);
	T_OK(crypto_init(), "crypto_init");
	buf_init(&why, 0);
	masks();
	memset(&k, 0, sizeof(k));
	memset(k.audit, 0xa5, KEY_SZ);
	wrong = k;
	wrong.audit[0] ^= 1;

	T_OK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/a.db", dir);
	db = db_open(path, DB_CREATE);
	T_OK(db != NULL && db_migrate(db), "database");
	if (db == NULL)
		return t_done();

	T_OK(check(db, &k, &bad) == 1, "empty log verifies");
	T_OK(!log_ev(db, &k, "login", NULL, NULL),
	    "audit_log refuses outside a transaction");
	db_begin(db);
	T_OK(!log_ev(db, &k, "Login; DROP", NULL, NULL), "bad action refused");
	ok = 1;
	for (i = 0; i < 5; i++)
		ok &= log_ev(db, &k, i == 2 ? "login_failed" : "edit",
		    "会員 ya***@example.jp", "192.0.2.200");
	T_OK(ok, "five events logged");
	db_commit(db);
	T_OK(scalar(db, sql_count) == 5, "five rows");
	st = db_prep(db, sql_ip);
	T_OK(st != NULL && db_row(db, st) == 1 &&
	    strcmp(db_col_text(st, 0), "192.0.2.0") == 0, "ip stored masked");
	if (st != NULL)
		sqlite3_reset(st);

	T_OK(check(db, &k, &bad) == 1, "chain verifies");
	T_OK(check(db, &wrong, &bad) == 0 && bad == 1,
	    "another key: broken at row 1");
	T_OK(tampered(db, &k, sql_detail3, &bad) == 0 && bad == 3,
	    "edited detail found at its row");
	T_OK(tampered(db, &k, sql_del3, &bad) == 0 && bad == 4,
	    "deleted middle row found at the next row");
	T_OK(tampered(db, &k, sql_forge, &bad) == 0 && bad == 6,
	    "forged row found");
	T_OK(tampered(db, &k, sql_swap, &bad) == 0 && bad == 2,
	    "swapped ids found");
	T_OK(tampered(db, &k, sql_del_last, &bad) == 0 && bad == 0,
	    "cut tail found");
	T_OK(check(db, &k, &bad) == 1, "rolled-back tampering leaves it intact");

	/* Purge: rows 1..3 become 400 days old. */
	st = db_prep(db, sql_old);
	db_bind_int(st, 1, (int64_t)time(NULL) - 400 * 86400);
	T_OK(db_run(db, st), "age three rows");
	T_OK(check(db, &k, &bad) == 0 && bad == 1,
	    "changing at breaks the chain");
	T_OK(!audit_purge(db, &k, (int64_t)time(NULL) - 366 * 86400, &n),
	    "purge refuses a broken chain");
	db_close(db);

	/* Start again with honestly old rows. */
	snprintf(path, sizeof(path), "%s/b.db", dir);
	db = db_open(path, DB_CREATE);
	T_OK(db != NULL && db_migrate(db), "second database");
	db_begin(db);
	ok = 1;
	for (i = 0; i < 5; i++) {
		struct audit_ev ev;

		memset(&ev, 0, sizeof(ev));
		ev.at = (int64_t)time(NULL) - (i < 3 ? 400 : 1) * 86400;
		ev.actor_kind = "member";
		ev.actor_id = i + 1;
		ev.action = "login";
		ok &= audit_log(db, &k, &ev);
	}
	db_commit(db);
	T_OK(ok, "old and new events logged");
	T_OK(audit_purge(db, &k, (int64_t)time(NULL) - 366 * 86400, &n),
	    "purge");
	T_OK(n == 3, "three rows purged");
	T_OK(scalar(db, sql_count) == 3, "two rows and the purge row remain");
	T_OK(scalar(db, sql_min) == 4, "the oldest remaining row is 4");
	st = db_prep(db, sql_lastdetail);
	T_OK(st != NULL && db_row(db, st) == 1 &&
	    strncmp(db_col_text(st, 0), "3 rows before ", 14) == 0,
	    "purge logged how many rows went");
	if (st != NULL)
		sqlite3_reset(st);
	T_OK(check(db, &k, &bad) == 1, "chain verifies after purge");
	db_begin(db);
	T_OK(log_ev(db, &k, "logout", NULL, "2001:db8::1"), "log after purge");
	db_commit(db);
	T_OK(check(db, &k, &bad) == 1, "chain verifies after purge and a new row");
	T_OK(tampered(db, &k, "DELETE FROM audit WHERE id = 4", &bad) == 0 &&
	    bad == 5, "deleting the first remaining row is found");
	T_OK(audit_purge(db, &k, (int64_t)time(NULL) - 366 * 86400, &n) &&
	    n == 0, "second purge deletes nothing");
	T_OK(check(db, &k, &bad) == 1, "still verifies");

	buf_free(&why);
	db_close(db);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
