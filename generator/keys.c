/*
 * keys.c: `kenmin-gen keys rotate|check`: replace the data key and
 * re-seal every sealed (*_ct) value of every table under the new one in
 * one transaction, keeping the old key as data.key.old until nothing
 * needs it (R459, R460; docs/keys.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define IDENT_MAX	64	/* bytes of a table or column name */
#define KSQL_MAX	512	/* bytes of one generated statement */

enum stmt {
	STMT_TABLES,
	STMT_COLUMNS,
	STMT_ROWID,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_TABLES */
	"SELECT name FROM sqlite_schema WHERE type = 'table' AND "
	"name NOT LIKE 'sqlite_%' ORDER BY name",
	/* STMT_COLUMNS: the sealed columns and the primary key of a table */
	"SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid",
	/* STMT_ROWID: 1 for a WITHOUT ROWID table */
	"SELECT wr FROM pragma_table_list(?1)",
};

/* What one pass over the sealed values found. */
struct kcount {
	long long	 values;	/* non-NULL sealed values */
	long long	 resealed;
	long long	 old;		/* still under the old key */
	long long	 bad;		/* open under no key */
};

/* 1 if s is a plain lower-case SQL identifier we may quote into SQL. */
static int
ident_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i > 0 && i < IDENT_MAX;
}

static int
ends_ct(const char *s)
{
	size_t	 n = strlen(s);

	return n > 3 && strcmp(s + n - 3, "_ct") == 0;
}

/*
 * Open one sealed value of table.col, its associated data (adcol, row)
 * as the writer gave it.  1 ok.
 */
static int
open_any(const struct keys *k, const char *table, const char *adcol,
    int64_t row, const void *ct, size_t ctsz, struct buf *pt)
{
	return crypto_open(k, table, adcol, row, ct, ctsz, pt);
}

/*
 * Walk every value of table.col; with reseal, seal each under k's
 * current key and write it back (inside the caller's transaction).
 * The SQL is made from names read from the schema and checked by
 * ident_ok(), never from input.  1 ok (counts added to c), 0 error.
 */
static int
walk_column(struct gen *g, const struct keys *k, const char *table,
    const char *col, const char *pk, int reseal, struct kcount *c)
{
	char		 qs[KSQL_MAX], qu[KSQL_MAX], adcol[IDENT_MAX];
	const char	*key;
	struct buf	 q;
	sqlite3		*h = db_handle(g->db);
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	struct buf	 pt, ct;
	const void	*v;
	int64_t		 row;
	size_t		 vsz;
	int		 r, rc = 0, tok;

	buf_init(&pt, 0);
	buf_init(&ct, 0);
	key = pk != NULL ? pk : "rowid";
	tok = strcmp(table, "token") == 0 && strcmp(col, "payload_ct") == 0;
	buf_init(&q, KSQL_MAX);
	buf_puts(&q, "SELECT \"");
	buf_puts(&q, key);
	buf_puts(&q, "\", \"");
	buf_puts(&q, col);
	/*
	 * A token's payload is sealed with its purpose and subject id as
	 * the associated data (formsvc's flow_token_new()), which ties it
	 * to the link it was made for.
	 */
	if (tok)
		buf_puts(&q, "\", purpose, coalesce(subject_id, 0)");
	else
		buf_puts(&q, "\"");
	buf_puts(&q, " FROM \"");
	buf_puts(&q, table);
	buf_puts(&q, "\" WHERE \"");
	buf_puts(&q, col);
	buf_puts(&q, "\" IS NOT NULL");
	snprintf(qs, sizeof(qs), "%s", buf_str(&q));
	buf_reset(&q);
	buf_puts(&q, "UPDATE \"");
	buf_puts(&q, table);
	buf_puts(&q, "\" SET \"");
	buf_puts(&q, col);
	buf_puts(&q, "\" = ?1 WHERE \"");
	buf_puts(&q, key);
	buf_puts(&q, "\" = ?2");
	snprintf(qu, sizeof(qu), "%s", buf_str(&q));
	buf_free(&q);
	if (sqlite3_prepare_v2(h, qs, -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, qu, -1, &upd, NULL) != SQLITE_OK) {
		kerr("%s: %s", db_path(g->db), sqlite3_errmsg(h));
		goto out;
	}
	while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
		/* A table without rowid binds row 0 (docs/keys.md). */
		row = pk != NULL ? 0 : sqlite3_column_int64(sel, 0);
		snprintf(adcol, sizeof(adcol), "%s", col);
		if (tok) {
			snprintf(adcol, sizeof(adcol), "%s",
			    (const char *)sqlite3_column_text(sel, 2));
			row = sqlite3_column_int64(sel, 3);
		}
		v = sqlite3_column_blob(sel, 1);
		vsz = (size_t)sqlite3_column_bytes(sel, 1);
		c->values++;
		if (vsz > 0 && k->have_old &&
		    ((const unsigned char *)v)[0] == k->old_id &&
		    k->old_id != k->data_id)
			c->old++;
		if (!open_any(k, table, adcol, row, v, vsz, &pt)) {
			kerr("%s.%s row %lld: sealed value opens under no "
			    "key", table, col, (long long)sqlite3_column_int64(
			    sel, 0));
			c->bad++;
			continue;
		}
		/* Only values under another key are sealed again. */
		if (!reseal || (vsz > 0 &&
		    ((const unsigned char *)v)[0] == k->data_id))
			continue;
		if (!crypto_seal(k, table, adcol, row, pt.p, pt.len, &ct))
			goto out;
		sqlite3_bind_blob(upd, 1, ct.p, (int)ct.len, SQLITE_TRANSIENT);
		sqlite3_bind_value(upd, 2, sqlite3_column_value(sel, 0));
		if (!db_run(g->db, upd))
			goto out;
		c->resealed++;
	}
	if (r != SQLITE_DONE) {
		kerr("%s: %s", db_path(g->db), sqlite3_errmsg(h));
		goto out;
	}
	rc = 1;
out:
	if (pt.p != NULL)
		sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	buf_free(&ct);
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/* Walk the sealed columns of one table; 1 ok. */
static int
walk_table(struct gen *g, const struct keys *k, const char *table,
    int reseal, struct kcount *c)
{
	char		 pk[IDENT_MAX], cols[32][IDENT_MAX];
	sqlite3_stmt	*st;
	size_t		 n = 0, i;
	int		 r, wr = 0, npk = 0;

	pk[0] = '\0';
	if ((st = db_prep(g->db, sql[STMT_ROWID])) == NULL)
		return 0;
	db_bind_text(st, 1, table);
	if ((r = db_row(g->db, st)) < 0)
		return 0;
	if (r > 0) {
		wr = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	if ((st = db_prep(g->db, sql[STMT_COLUMNS])) == NULL)
		return 0;
	db_bind_text(st, 1, table);
	while ((r = db_row(g->db, st)) == 1) {
		const char *name = db_col_text(st, 0);

		if (sqlite3_column_int(st, 1) > 0) {
			npk++;
			snprintf(pk, sizeof(pk), "%s", name);
		}
		if (!ends_ct(name))
			continue;
		if (!ident_ok(name) || n == KENMIN_NELEM(cols)) {
			kerr("%s.%s: unexpected sealed column", table, name);
			sqlite3_reset(st);
			return 0;
		}
		snprintf(cols[n++], IDENT_MAX, "%s", name);
	}
	if (r < 0)
		return 0;
	if (n > 0 && wr && (npk != 1 || !ident_ok(pk))) {
		kerr("%s: sealed values in a table without rowid need a "
		    "one-column primary key", table);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!walk_column(g, k, table, cols[i], wr ? pk : NULL, reseal,
		    c))
			return 0;
	return 1;
}

/* Walk every table of the schema; 1 ok. */
static int
walk_all(struct gen *g, const struct keys *k, int reseal, struct kcount *c)
{
	char		 names[256][IDENT_MAX];
	sqlite3_stmt	*st;
	size_t		 n = 0, i;
	int		 r;

	memset(c, 0, sizeof(*c));
	if ((st = db_prep(g->db, sql[STMT_TABLES])) == NULL)
		return 0;
	while ((r = db_row(g->db, st)) == 1) {
		if (!ident_ok(db_col_text(st, 0)))
			continue;	/* not ours: no sealed columns */
		if (n == KENMIN_NELEM(names)) {
			kerr("too many tables");
			sqlite3_reset(st);
			return 0;
		}
		snprintf(names[n++], IDENT_MAX, "%s", db_col_text(st, 0));
	}
	if (r < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!walk_table(g, k, names[i], reseal, c))
			return 0;
	return 1;
}

/* dir "/" name into out; 0 (printed) if it does not fit. */
static int
key_path(char *out, size_t outsz, const char *dir, const char *name)
{
	size_t	 dl = strlen(dir), nl = strlen(name);

	if (dl + 1 + nl + 1 > outsz) {
		kerr("%s: path too long", dir);
		return 0;
	}
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return 1;
}

/* Write a key file (0600) and fsync it; 1 ok. */
static int
write_key(const char *path, const unsigned char *key)
{
	int	 fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		kerr("%s: %s", path, strerror(errno));
		return 0;
	}
	if (write(fd, key, KEY_SZ) != KEY_SZ || fsync(fd) == -1)
		kerr("%s: %s", path, strerror(errno));
	else
		rc = 1;
	close(fd);
	return rc;
}

static int
sync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		kerr("%s: %s", dir, strerror(errno));
		return 0;
	}
	rc = fsync(fd) == 0;
	close(fd);
	return rc;
}

/*
 * Put a new data key in place, the current one kept as data.key.old:
 * data.key.new is written, data.key hard-linked to data.key.old, then
 * data.key.new renamed over data.key.  At every step each key a sealed
 * value can carry is on disk.  1 ok.
 */
static int
install_key(const char *dir, unsigned char cur_id)
{
	char		 pnew[4096], pcur[4096], pold[4096];
	unsigned char	 key[KEY_SZ], id[32];
	int		 rc = 0;

	if (!key_path(pnew, sizeof(pnew), dir, "data.key.new") ||
	    !key_path(pcur, sizeof(pcur), dir, "data.key") ||
	    !key_path(pold, sizeof(pold), dir, "data.key.old"))
		return 0;
	/* The key id is a hash byte of the key: make it differ. */
	do {
		randombytes_buf(key, sizeof(key));
		crypto_generichash(id, sizeof(id), key, KEY_SZ, NULL, 0);
	} while (id[0] == cur_id);
	if (!write_key(pnew, key))
		goto out;
	if (link(pcur, pold) == -1) {
		kerr("%s: %s", pold, strerror(errno));
		unlink(pnew);
		goto out;
	}
	if (rename(pnew, pcur) == -1) {
		kerr("%s: %s", pcur, strerror(errno));
		unlink(pold);
		unlink(pnew);
		goto out;
	}
	rc = sync_dir(dir);
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* Log a 'system' audit row inside the caller's transaction. */
static int
keys_audit(struct gen *g, const char *action, const char *detail)
{
	struct audit_ev	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.at = (int64_t)time(NULL);
	ev.actor_kind = "system";
	ev.action = action;
	ev.target_kind = "data_key";
	ev.detail = detail;
	return audit_log(g->db, g->keys, &ev);
}

/*
 * rotate: a new key (unless an interrupted rotation left data.key.old:
 * then that one is finished), everything re-sealed in one transaction,
 * then a check under the write lock that nothing needs the old key,
 * and data.key.old removed.  Any failure leaves data.key.old in place.
 */
static int
rotate(struct gen *g)
{
	char		 pold[4096], detail[256];
	struct keys	 k;
	struct kcount	 c, v;
	int		 rc = 0, began = 0;

	memset(&k, 0, sizeof(k));
	if (!key_path(pold, sizeof(pold), g->cfg->key_dir, "data.key.old"))
		return 0;
	if (g->keys->have_old)
		fprintf(stderr, "keys: data.key.old present: finishing the "
		    "interrupted rotation\n");
	else if (!install_key(g->cfg->key_dir, g->keys->data_id))
		return 0;
	if (!keys_load(&k, g->cfg->key_dir, 0))
		return 0;
	if (!db_begin(g->db))
		goto out;
	began = 1;
	if (!walk_all(g, &k, 1, &c) || c.bad > 0)
		goto out;
	snprintf(detail, sizeof(detail), "%lld sealed values re-sealed "
	    "under key id %02x (old id %02x)", c.resealed, k.data_id,
	    k.old_id);
	if (!keys_audit(g, "keys_rotate", detail) || !db_commit(g->db))
		goto out;
	began = 0;
	/* A writer that still had the old key may have sealed since. */
	if (!db_begin(g->db))
		goto out;
	began = 1;
	if (!walk_all(g, &k, 1, &v) || v.bad > 0)
		goto out;
	k.have_old = 0;
	if (!walk_all(g, &k, 0, &v) || v.bad > 0) {
		kerr("keys: some values still need data.key.old; kept");
		goto out;
	}
	if (unlink(pold) == -1 || !sync_dir(g->cfg->key_dir)) {
		kerr("%s: %s", pold, strerror(errno));
		goto out;
	}
	if (!db_commit(g->db))
		goto out;
	began = 0;
	printf("keys: %lld values re-sealed; data key id %02x; "
	    "data.key.old removed\n", c.resealed, k.data_id);
	rc = 1;
out:
	if (began)
		db_rollback(g->db);
	keys_wipe(&k);
	return rc;
}

/* check: every sealed value opens; counts by key. */
static int
check(struct gen *g)
{
	struct kcount	 c;

	if (!walk_all(g, g->keys, 0, &c))
		return 0;
	printf("keys: %lld sealed values, %lld under data.key.old, "
	    "%lld open under no key; data key id %02x%s\n", c.values, c.old,
	    c.bad, g->keys->data_id, g->keys->have_old ?
	    ", data.key.old present" : "");
	return c.bad == 0;
}

int
cmd_keys(struct gen *g, int argc, char *argv[])
{
	if (argc != 2 || (strcmp(argv[1], "rotate") != 0 &&
	    strcmp(argv[1], "check") != 0)) {
		kerr("usage: keys rotate|check");
		return 0;
	}
	if (!gen_load_keys(g, 0) || !gen_open_db(g, 0))
		return 0;
	if (strcmp(argv[1], "rotate") == 0)
		return rotate(g);
	return check(g);
}
