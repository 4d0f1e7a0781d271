/*
 * audit.c: the HMAC-chained audit log: appending, verifying, purging
 * past the retention period, and masking personal data for it.
 *
 * Each row's mac is HMAC-SHA-256 under keys->audit of
 *   "kenmin-audit-v1" NUL, the previous row's mac (32 bytes), then the
 *   fields id, at, actor_kind, actor_id, action, target_kind, target_id,
 *   detail, ip, each as a tag byte ('N' null, 'I' integer, 'T' text),
 *   an 8-byte big-endian length and the bytes (integers: 8 bytes BE).
 * The previous mac of the first row ever is 32 zero bytes.  A purge
 * stores "ID:HEXMAC" of the last deleted row in setting 'audit.anchor'
 * and the chain continues from it; setting 'audit.head' holds the same
 * for the newest row, so cutting the tail is found too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "text.h"
#include "util.h"

#define MAC_SZ		32
#define TAG		"kenmin-audit-v1"

enum stmt {
	STMT_LAST,
	STMT_INSERT,
	STMT_ALL,
	STMT_GETSET,
	STMT_PUTSET,
	STMT_PURGE_LAST,
	STMT_PURGE_COUNT,
	STMT_PURGE,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_LAST */
	"SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1",
	/* STMT_INSERT */
	"INSERT INTO audit (id, at, actor_kind, actor_id, action, "
	"target_kind, target_id, detail, ip, mac) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* STMT_ALL */
	"SELECT id, at, actor_kind, actor_id, action, target_kind, "
	"target_id, detail, ip, mac FROM audit ORDER BY id",
	/* STMT_GETSET */
	"SELECT value FROM setting WHERE key = ?1",
	/* STMT_PUTSET */
	"INSERT INTO setting (key, value, updated_at) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
	"updated_at = excluded.updated_at",
	/* STMT_PURGE_LAST: the newest row older than ?1 with no younger row below it */
	"SELECT id, mac FROM audit WHERE id < coalesce((SELECT min(id) "
	"FROM audit WHERE at >= ?1), 9223372036854775807) "
	"ORDER BY id DESC LIMIT 1",
	/* STMT_PURGE_COUNT */
	"SELECT count(*) FROM audit WHERE id <= ?1",
	/* STMT_PURGE */
	"DELETE FROM audit WHERE id <= ?1",
};

/* One row as the mac sees it; has_* say whether an integer is NULL. */
struct arow {
	int64_t		 id;
	int64_t		 at;
	const char	*actor_kind;
	int		 has_actor;
	int64_t		 actor_id;
	const char	*action;
	const char	*target_kind;
	int		 has_target;
	int64_t		 target_id;
	const char	*detail;
	const char	*ip;
};

/* A chain link: a row id and its mac. */
struct link {
	int64_t		 id;
	unsigned char	 mac[MAC_SZ];
};

static void
put_len(crypto_auth_hmacsha256_state *st, unsigned char tag, uint64_t n)
{
	unsigned char	 b[9];
	int		 i;

	b[0] = tag;
	for (i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(n >> (56 - 8 * i));
	crypto_auth_hmacsha256_update(st, b, sizeof(b));
}

static void
put_int(crypto_auth_hmacsha256_state *st, int has, int64_t v)
{
	unsigned char	 b[8];
	uint64_t	 u = (uint64_t)v;
	int		 i;

	if (!has) {
		put_len(st, 'N', 0);
		return;
	}
	put_len(st, 'I', 8);
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (56 - 8 * i));
	crypto_auth_hmacsha256_update(st, b, sizeof(b));
}

static void
put_text(crypto_auth_hmacsha256_state *st, const char *s)
{
	size_t	 n;

	if (s == NULL) {
		put_len(st, 'N', 0);
		return;
	}
	n = strlen(s);
	put_len(st, 'T', n);
	crypto_auth_hmacsha256_update(st, (const unsigned char *)s, n);
}

/* mac = HMAC(key, TAG || prev || canonical(r)). */
static void
row_mac(const struct keys *k, const unsigned char prev[MAC_SZ],
    const struct arow *r, unsigned char mac[MAC_SZ])
{
	crypto_auth_hmacsha256_state	 st;

	crypto_auth_hmacsha256_init(&st, k->audit, KEY_SZ);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)TAG,
	    sizeof(TAG));
	crypto_auth_hmacsha256_update(&st, prev, MAC_SZ);
	put_int(&st, 1, r->id);
	put_int(&st, 1, r->at);
	put_text(&st, r->actor_kind);
	put_int(&st, r->has_actor, r->actor_id);
	put_text(&st, r->action);
	put_text(&st, r->target_kind);
	put_int(&st, r->has_target, r->target_id);
	put_text(&st, r->detail);
	put_text(&st, r->ip);
	crypto_auth_hmacsha256_final(&st, mac);
}

/*
 * Read setting key as a link "ID:HEX" into l.  1 found and well formed,
 * 0 absent (l zeroed), -1 malformed or a database error.
 */
static int
get_link(struct db *db, const char *key, struct link *l)
{
	sqlite3_stmt	*st;
	const char	*v, *colon;
	char		 num[32];
	long long	 id;
	size_t		 binlen;
	int		 r, rc;

	memset(l, 0, sizeof(*l));
	if ((st = db_prep(db, sql[STMT_GETSET])) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	if ((r = db_row(db, st)) != 1)
		return r == 0 ? 0 : -1;
	v = db_col_text(st, 0);
	rc = -1;
	if ((colon = strchr(v, ':')) != NULL &&
	    (size_t)(colon - v) < sizeof(num) && strlen(colon + 1) == 2 * MAC_SZ) {
		memcpy(num, v, colon - v);
		num[colon - v] = '\0';
		if (util_strtoll(num, 0, INT64_MAX, &id) &&
		    sodium_hex2bin(l->mac, MAC_SZ, colon + 1, 2 * MAC_SZ,
		    NULL, &binlen, NULL) == 0 && binlen == MAC_SZ) {
			l->id = id;
			rc = 1;
		}
	}
	sqlite3_reset(st);
	return rc;
}

static int
put_link(struct db *db, const char *key, const struct link *l)
{
	sqlite3_stmt	*st;
	char		 hex[2 * MAC_SZ + 1], v[2 * MAC_SZ + 32];

	if ((st = db_prep(db, sql[STMT_PUTSET])) == NULL)
		return 0;
	sodium_bin2hex(hex, sizeof(hex), l->mac, MAC_SZ);
	snprintf(v, sizeof(v), "%lld:%s", (long long)l->id, hex);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, v);
	db_bind_int(st, 3, (int64_t)time(NULL));
	return db_run(db, st);
}

/* 1 if s is a lower-case word [a-z_]{1,AUDIT_WORD_MAX}. */
static int
word_ok(const char *s)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0' || strlen(s) > AUDIT_WORD_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return 1;
}

static int
actor_ok(const char *s)
{
	return s != NULL && (strcmp(s, "public") == 0 ||
	    strcmp(s, "member") == 0 || strcmp(s, "staff") == 0 ||
	    strcmp(s, "system") == 0);
}

int
audit_log(struct db *db, const struct keys *k, const struct audit_ev *ev)
{
	sqlite3_stmt	*st;
	struct arow	 r;
	struct link	 anchor, last, head;
	struct buf	 ip;
	int		 got, rc = 0;

	buf_init(&ip, 128);
	if (sqlite3_get_autocommit(db_handle(db))) {
		kerr("audit_log: not inside a transaction");
		goto out;
	}
	if (!actor_ok(ev->actor_kind) || !word_ok(ev->action) ||
	    (ev->target_kind != NULL && !word_ok(ev->target_kind))) {
		kerr("audit_log: bad actor kind, action or target kind");
		goto out;
	}
	if (ev->detail != NULL && (strlen(ev->detail) > AUDIT_DETAIL_MAX ||
	    !text_utf8_valid(ev->detail, strlen(ev->detail)))) {
		kerr("audit_log: detail too long or not UTF-8");
		goto out;
	}
	if (ev->ip != NULL)
		audit_mask_ip(ev->ip, &ip);

	/* The link to continue from: the newest row, else the anchor. */
	if (get_link(db, "audit.anchor", &anchor) < 0) {
		kerr("audit_log: setting audit.anchor is malformed");
		goto out;
	}
	if ((st = db_prep(db, sql[STMT_LAST])) == NULL)
		goto out;
	if ((got = db_row(db, st)) < 0)
		goto out;
	if (got == 1) {
		last.id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != MAC_SZ) {
			sqlite3_reset(st);
			kerr("audit_log: row %lld has a bad mac; run "
			    "`kenmin-gen audit verify`", (long long)last.id);
			goto out;
		}
		memcpy(last.mac, sqlite3_column_blob(st, 1), MAC_SZ);
		sqlite3_reset(st);
		if (last.id < anchor.id)
			last = anchor;
	} else
		last = anchor;

	memset(&r, 0, sizeof(r));
	r.id = last.id + 1;
	r.at = ev->at != 0 ? ev->at : (int64_t)time(NULL);
	r.actor_kind = ev->actor_kind;
	r.has_actor = ev->actor_id != 0;
	r.actor_id = ev->actor_id;
	r.action = ev->action;
	r.target_kind = ev->target_kind;
	r.has_target = ev->target_id != 0;
	r.target_id = ev->target_id;
	r.detail = ev->detail;
	r.ip = ev->ip != NULL ? buf_str(&ip) : NULL;
	head.id = r.id;
	row_mac(k, last.mac, &r, head.mac);

	if ((st = db_prep(db, sql[STMT_INSERT])) == NULL)
		goto out;
	db_bind_int(st, 1, r.id);
	db_bind_int(st, 2, r.at);
	db_bind_text(st, 3, r.actor_kind);
	if (r.has_actor)
		db_bind_int(st, 4, r.actor_id);
	db_bind_text(st, 5, r.action);
	db_bind_text(st, 6, r.target_kind);
	if (r.has_target)
		db_bind_int(st, 7, r.target_id);
	db_bind_text(st, 8, r.detail);
	db_bind_text(st, 9, r.ip);
	db_bind_blob(st, 10, head.mac, MAC_SZ);
	if (!db_run(db, st))
		goto out;
	rc = put_link(db, "audit.head", &head);
out:
	buf_free(&ip);
	return rc;
}

int
audit_verify(struct db *db, const struct keys *k, int64_t *bad,
    struct buf *why)
{
	sqlite3_stmt	*st;
	struct arow	 r;
	struct link	 anchor, head, prev;
	unsigned char	 mac[MAC_SZ];
	int64_t		 rows = 0;
	int		 got, hgot, rc = -1;

	*bad = 0;
	buf_reset(why);
	if ((got = get_link(db, "audit.anchor", &anchor)) < 0 ||
	    (hgot = get_link(db, "audit.head", &head)) < 0) {
		buf_puts(why, "setting audit.anchor or audit.head is malformed");
		return 0;
	}
	prev = anchor;
	if ((st = db_prep(db, sql[STMT_ALL])) == NULL)
		return -1;
	while ((got = db_row(db, st)) == 1) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.at = sqlite3_column_int64(st, 1);
		r.actor_kind = (const char *)sqlite3_column_text(st, 2);
		r.has_actor = sqlite3_column_type(st, 3) != SQLITE_NULL;
		r.actor_id = sqlite3_column_int64(st, 3);
		r.action = (const char *)sqlite3_column_text(st, 4);
		r.target_kind = (const char *)sqlite3_column_text(st, 5);
		r.has_target = sqlite3_column_type(st, 6) != SQLITE_NULL;
		r.target_id = sqlite3_column_int64(st, 6);
		r.detail = (const char *)sqlite3_column_text(st, 7);
		r.ip = (const char *)sqlite3_column_text(st, 8);
		rows++;
		if (r.id <= anchor.id) {
			*bad = r.id;
			buf_printf(why, "row %lld is older than the purge "
			    "anchor (row %lld)", (long long)r.id,
			    (long long)anchor.id);
			rc = 0;
			break;
		}
		row_mac(k, prev.mac, &r, mac);
		if (sqlite3_column_bytes(st, 9) != MAC_SZ ||
		    sodium_memcmp(mac, sqlite3_column_blob(st, 9),
		    MAC_SZ) != 0) {
			*bad = r.id;
			buf_printf(why, "row %lld does not verify: edited, "
			    "inserted, moved, or a row before it was deleted",
			    (long long)r.id);
			rc = 0;
			break;
		}
		prev.id = r.id;
		memcpy(prev.mac, mac, MAC_SZ);
	}
	sqlite3_reset(st);
	if (rc == 0)
		return 0;
	if (got < 0)
		return -1;
	/* The newest row must be the one the last audit_log() wrote. */
	if (hgot == 0 && rows > 0) {
		buf_puts(why, "setting audit.head is missing");
		return 0;
	}
	if (hgot == 1 && (prev.id != head.id ||
	    sodium_memcmp(prev.mac, head.mac, MAC_SZ) != 0)) {
		if (prev.id < head.id)
			buf_printf(why, "rows after %lld up to %lld are "
			    "missing (the tail was cut)", (long long)prev.id,
			    (long long)head.id);
		else
			buf_printf(why, "the newest row %lld is not the "
			    "recorded head %lld", (long long)prev.id,
			    (long long)head.id);
		*bad = prev.id > head.id ? prev.id : 0;
		return 0;
	}
	return 1;
}

int
audit_purge(struct db *db, const struct keys *k, int64_t before,
    int64_t *n)
{
	sqlite3_stmt	*st;
	struct buf	 why, detail;
	struct link	 last;
	struct audit_ev	 ev;
	struct tm	 tm;
	time_t		 t;
	int64_t		 bad;
	char		 day[16];
	int		 got, v, rc = 0, began = 0;

	*n = 0;
	buf_init(&why, 1024);
	buf_init(&detail, 256);
	if (!db_begin(db))
		goto out;
	began = 1;
	if ((v = audit_verify(db, k, &bad, &why)) != 1) {
		if (v == 0)
			kerr("audit purge refused: the chain is broken: %s",
			    buf_str(&why));
		goto out;
	}
	if ((st = db_prep(db, sql[STMT_PURGE_LAST])) == NULL)
		goto out;
	db_bind_int(st, 1, before);
	if ((got = db_row(db, st)) < 0)
		goto out;
	if (got == 1) {
		last.id = sqlite3_column_int64(st, 0);
		memcpy(last.mac, sqlite3_column_blob(st, 1), MAC_SZ);
		sqlite3_reset(st);
		if ((st = db_prep(db, sql[STMT_PURGE_COUNT])) == NULL)
			goto out;
		db_bind_int(st, 1, last.id);
		if (db_row(db, st) != 1)
			goto out;
		*n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if ((st = db_prep(db, sql[STMT_PURGE])) == NULL)
			goto out;
		db_bind_int(st, 1, last.id);
		if (!db_run(db, st) || !put_link(db, "audit.anchor", &last))
			goto out;
	}
	t = (time_t)before + 9 * 3600;
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	buf_printf(&detail, "%lld rows before %s purged", (long long)*n, day);
	memset(&ev, 0, sizeof(ev));
	ev.actor_kind = "system";
	ev.action = "purge";
	ev.target_kind = "audit";
	ev.detail = buf_str(&detail);
	if (!audit_log(db, k, &ev))
		goto out;
	if (!db_commit(db))
		goto out;
	began = 0;
	rc = 1;
out:
	if (began)
		db_rollback(db);
	buf_free(&why);
	buf_free(&detail);
	return rc;
}

int
audit_mask_ip(const char *s, struct buf *out)
{
	unsigned char	 a[16];
	char		 txt[INET6_ADDRSTRLEN];

	if (s != NULL && inet_pton(AF_INET, s, a) == 1) {
		a[3] = 0;
		if (inet_ntop(AF_INET, a, txt, sizeof(txt)) != NULL) {
			buf_puts(out, txt);
			return 1;
		}
	} else if (s != NULL && inet_pton(AF_INET6, s, a) == 1) {
		memset(a + 6, 0, 10);
		if (inet_ntop(AF_INET6, a, txt, sizeof(txt)) != NULL) {
			buf_puts(out, txt);
			return 1;
		}
	}
	buf_puts(out, "-");
	return 0;
}

/* Byte length of the first n UTF-8 characters of s (s valid). */
static size_t
u8prefix(const char *s, size_t n)
{
	size_t	 i = 0;

	while (s[i] != '\0' && n > 0) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n--;
	}
	return i;
}

int
audit_mask_email(const char *s, struct buf *out)
{
	const char	*at, *p;
	size_t		 chars = 0;

	if (s == NULL || (at = strrchr(s, '@')) == NULL || at == s ||
	    at[1] == '\0' || !text_utf8_valid(s, strlen(s))) {
		buf_puts(out, "***");
		return 0;
	}
	for (p = s; p < at; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			chars++;
	buf_putn(out, s, u8prefix(s, chars >= 3 ? 2 : 1));
	buf_puts(out, "***");
	buf_puts(out, at);
	return 1;
}

int
audit_mask_name(const char *s, struct buf *out)
{
	if (s == NULL || s[0] == '\0' || !text_utf8_valid(s, strlen(s))) {
		buf_puts(out, "***");
		return 0;
	}
	buf_putn(out, s, u8prefix(s, 1));
	buf_puts(out, "***");
	return 1;
}
