/*
 * session.c: formsvc's session module: random ids in a __Host-
 * cookie stored only as SHA-256, idle and absolute timeouts, a new id
 * at every login, and CSRF tokens (per session, or double-submit for
 * anonymous forms); for A-30 the time a session has left, 「延長する」
 * and the member whose session just expired.  See docs/session.md.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define LAST_SEEN_GRAIN	60	/* seconds: write last_seen at most this often */
#define ACSRF_MAXAGE	7200	/* seconds an anonymous form token lives */

enum stmt {
	STMT_GET,
	STMT_TOUCH,
	STMT_DEL,
	STMT_INS,
	STMT_MFA,
	STMT_MEMBER,
	STMT_STAFF,
	STMT_PURGE,
	STMT_OTHERS,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_GET */
	"SELECT principal, principal_id, mfa_ok, csrf, created_at, last_seen "
	"FROM session WHERE id_hash = ?1",
	/* STMT_TOUCH */
	"UPDATE session SET last_seen = ?2 WHERE id_hash = ?1",
	/* STMT_DEL */
	"DELETE FROM session WHERE id_hash = ?1",
	/* STMT_INS */
	"INSERT INTO session (id_hash, principal, principal_id, mfa_ok, csrf, "
	"created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	/* STMT_MFA */
	"UPDATE session SET mfa_ok = 1 WHERE id_hash = ?1",
	/* STMT_MEMBER: only members who may still log in keep a session */
	"SELECT type FROM member WHERE id = ?1 AND pw_hash IS NOT NULL "
	"AND state <> 'unverified' AND status IN ('active', 'paused')",
	/* STMT_STAFF */
	"SELECT role FROM staff WHERE id = ?1 AND status = 'active'",
	/* STMT_PURGE: sessions of everyone idle past the longest limit */
	"DELETE FROM session WHERE last_seen < ?1",
	/* STMT_OTHERS: every session of an account but one */
	"DELETE FROM session WHERE principal = ?1 AND principal_id = ?2 "
	"AND id_hash IS NOT ?3",
};

/* SHA-256 of a NUL-terminated string. */
void
sess_sha256(const char *s, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)s, strlen(s));
}

/* Open the database once per request; 1 ok, 0 error (printed). */
int
sess_db(struct ctx *ctx)
{
	if (ctx->db != NULL)
		return 1;
	if (!crypto_init())
		return 0;
	ctx->db = db_open(ctx->cfg->database, 0);
	return ctx->db != NULL;
}

/* Load the keys once per request (TOTP secrets, e-mail); 1 ok. */
int
sess_keys(struct ctx *ctx)
{
	if (ctx->keys != NULL)
		return 1;
	if (!crypto_init())
		return 0;
	ctx->keys = xcalloc(1, sizeof(*ctx->keys));
	if (!keys_load(ctx->keys, ctx->cfg->key_dir, 0)) {
		free(ctx->keys);
		ctx->keys = NULL;
		return 0;
	}
	return 1;
}

/* Close what sess_db() and sess_keys() opened; frees the session. */
void
sess_close(struct ctx *ctx)
{
	db_close(ctx->db);
	ctx->db = NULL;
	if (ctx->keys != NULL) {
		keys_wipe(ctx->keys);
		free(ctx->keys);
		ctx->keys = NULL;
	}
	if (ctx->sess != NULL)
		sodium_memzero(ctx->sess, sizeof(*ctx->sess));
	free(ctx->sess);
	ctx->sess = NULL;
}

/*
 * The kenmin_ui cookie for the JavaScript login indicator: not
 * HttpOnly, and it holds only "member" or "staff".  value NULL deletes.
 */
static int
ui_cookie(struct ctx *ctx, const char *value)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, 256);
	buf_printf(&b, "%skenmin_ui=%s; Path=/",
	    ctx->cfg->cookie_secure ? "__Host-" : "",
	    value != NULL ? value : "");
	if (value == NULL)
		buf_puts(&b, "; Max-Age=0");
	if (ctx->cfg->cookie_secure)
		buf_puts(&b, "; Secure");
	buf_puts(&b, "; SameSite=Lax");
	rc = buf_ok(&b) && resp_headern(&ctx->resp, "Set-Cookie", b.p, b.len);
	buf_free(&b);
	return rc;
}

/* Copy s into dst[dstsz], truncating (only fixed-size tokens go here). */
static void
copy(char *dst, const char *s, size_t dstsz)
{
	size_t	 n;

	n = strnlen(s, dstsz - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Idle limit of a session in seconds, and its absolute limit (0: none). */
static long long
idle_limit(const struct ctx *ctx, enum principal p)
{
	return 60LL * (p == PRINC_STAFF ? ctx->cfg->staff_idle_min :
	    ctx->cfg->session_idle_min);
}

static long long
abs_limit(const struct ctx *ctx, enum principal p)
{
	return p == PRINC_STAFF ? 60LL * ctx->cfg->staff_absolute_min : 0;
}

/* Delete the row and tell the browser to drop both cookies. */
static int
drop(struct ctx *ctx, const unsigned char idhash[32])
{
	sqlite3_stmt	*st;
	int		 rc = 0;

	if ((st = db_prep(ctx->db, sql[STMT_DEL])) == NULL)
		goto out;
	db_bind_blob(st, 1, idhash, 32);
	if (!db_run(ctx->db, st))
		goto out;
	rc = resp_cookie(&ctx->resp, ctx->cfg, "kenmin", "", 0) &&
	    ui_cookie(ctx, NULL);
out:
	return rc;
}

/*
 * Find the session the cookie names.  A session past its idle or
 * absolute limit, or whose member or staff account can no longer log
 * in, is destroyed (row deleted, cookies cleared) and the request is
 * anonymous.  last_seen is refreshed at most once a minute.  Also
 * picks up the anonymous CSRF cookie.  Returns 1 (ctx->sess set or
 * NULL), 0 on a database error.
 */
int
sess_load(struct ctx *ctx)
{
	const struct kfield	*f;
	struct sess		*s = NULL;
	sqlite3_stmt		*st;
	const char		*pr;
	int			 rc = 0, r, gone = 0;

	ctx->now = (long long)time(NULL);
	if ((f = req_get(&ctx->req, KSRC_COOKIE, KEY_ACSRF)) != NULL)
		copy(ctx->acsrf, f->val, sizeof(ctx->acsrf));
	if ((f = req_get(&ctx->req, KSRC_COOKIE, KEY_SESS)) == NULL)
		return 1;
	if (!sess_db(ctx))
		return 0;

	s = xcalloc(1, sizeof(*s));
	sess_sha256(f->val, s->idhash);
	if ((st = db_prep(ctx->db, sql[STMT_GET])) == NULL)
		goto out;
	db_bind_blob(st, 1, s->idhash, sizeof(s->idhash));
	if ((r = db_row(ctx->db, st)) < 0)
		goto out;
	if (r == 0) {
		/* Unknown or already destroyed: clear the stale cookie. */
		rc = resp_cookie(&ctx->resp, ctx->cfg, "kenmin", "", 0) &&
		    ui_cookie(ctx, NULL);
		goto out;
	}
	pr = db_col_text(st, 0);
	s->principal = strcmp(pr, "staff") == 0 ? PRINC_STAFF : PRINC_MEMBER;
	s->pid = sqlite3_column_int64(st, 1);
	s->mfa_ok = sqlite3_column_int(st, 2);
	copy(s->csrf, db_col_text(st, 3), sizeof(s->csrf));
	s->created = sqlite3_column_int64(st, 4);
	s->last_seen = sqlite3_column_int64(st, 5);
	sqlite3_reset(st);

	if (ctx->now - s->last_seen > idle_limit(ctx, s->principal) ||
	    (abs_limit(ctx, s->principal) > 0 &&
	    ctx->now - s->created > abs_limit(ctx, s->principal))) {
		gone = 1;
		/* A form it sent may be held for after the login. */
		if (s->principal == PRINC_MEMBER) {
			ctx->stale_pid = s->pid;
			copy(ctx->stale_csrf, s->csrf,
			    sizeof(ctx->stale_csrf));
		}
	}

	/* The account must still exist and be allowed in. */
	if (!gone) {
		st = db_prep(ctx->db, sql[s->principal == PRINC_STAFF ?
		    STMT_STAFF : STMT_MEMBER]);
		if (st == NULL)
			goto out;
		db_bind_int(st, 1, s->pid);
		if ((r = db_row(ctx->db, st)) < 0)
			goto out;
		if (r == 0)
			gone = 1;
		else if (s->principal == PRINC_STAFF)
			s->admin = strcmp(db_col_text(st, 0), "admin") == 0;
		else
			copy(s->mtype, db_col_text(st, 0),
			    sizeof(s->mtype));
		if (r > 0)
			sqlite3_reset(st);
	}
	if (gone) {
		rc = drop(ctx, s->idhash);
		goto out;
	}
	if (ctx->now - s->last_seen >= LAST_SEEN_GRAIN) {
		if ((st = db_prep(ctx->db, sql[STMT_TOUCH])) == NULL)
			goto out;
		db_bind_blob(st, 1, s->idhash, sizeof(s->idhash));
		db_bind_int(st, 2, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
		s->last_seen = ctx->now;
	}
	ctx->sess = s;
	s = NULL;
	rc = 1;
out:
	free(s);
	return rc;
}

/*
 * Start a session for (p, id) after a successful login: the old
 * session, if any, is deleted first (no fixation), then a new random
 * id is set in the cookie and its hash stored with a fresh CSRF token.
 * Sessions idle past every limit are purged on the way.  1 ok.
 */
int
sess_start(struct ctx *ctx, enum principal p, long long id, int mfa_ok)
{
	char		 sid[SESS_HEX + 1];
	struct sess	*s;
	sqlite3_stmt	*st;
	long long	 oldest;
	int		 rc = 0;

	if (!sess_db(ctx))
		return 0;
	if (ctx->sess != NULL) {
		if ((st = db_prep(ctx->db, sql[STMT_DEL])) == NULL)
			goto out;
		db_bind_blob(st, 1, ctx->sess->idhash, 32);
		if (!db_run(ctx->db, st))
			goto out;
		sodium_memzero(ctx->sess, sizeof(*ctx->sess));
		free(ctx->sess);
		ctx->sess = NULL;
	}
	oldest = idle_limit(ctx, PRINC_MEMBER) > idle_limit(ctx, PRINC_STAFF) ?
	    idle_limit(ctx, PRINC_MEMBER) : idle_limit(ctx, PRINC_STAFF);
	if ((st = db_prep(ctx->db, sql[STMT_PURGE])) == NULL)
		goto out;
	db_bind_int(st, 1, ctx->now - oldest);
	if (!db_run(ctx->db, st))
		goto out;

	s = xcalloc(1, sizeof(*s));
	ctx->sess = s;
	crypto_token_hex(sid, SESS_HEX / 2);
	crypto_token_hex(s->csrf, SESS_HEX / 2);
	sess_sha256(sid, s->idhash);
	s->principal = p;
	s->pid = id;
	s->mfa_ok = mfa_ok;
	s->created = s->last_seen = ctx->now;
	if ((st = db_prep(ctx->db, sql[STMT_INS])) == NULL)
		goto out;
	db_bind_blob(st, 1, s->idhash, sizeof(s->idhash));
	db_bind_text(st, 2, p == PRINC_STAFF ? "staff" : "member");
	db_bind_int(st, 3, id);
	db_bind_int(st, 4, mfa_ok);
	db_bind_text(st, 5, s->csrf);
	db_bind_int(st, 6, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	rc = resp_cookie(&ctx->resp, ctx->cfg, "kenmin", sid, -1) &&
	    ui_cookie(ctx, p == PRINC_STAFF ? "staff" : "member");
out:
	sodium_memzero(sid, sizeof(sid));
	return rc;
}

/*
 * Seconds the request's session has left before its idle (or staff
 * absolute) limit ends it; 0 without a session.
 */
long long
sess_remaining(const struct ctx *ctx)
{
	const struct sess	*s = ctx->sess;
	long long		 left, lim;

	if (s == NULL)
		return 0;
	left = s->last_seen + idle_limit(ctx, s->principal) - ctx->now;
	if ((lim = abs_limit(ctx, s->principal)) > 0 &&
	    s->created + lim - ctx->now < left)
		left = s->created + lim - ctx->now;
	return left > 0 ? left : 0;
}

/* 「延長する」: last_seen is now, whatever the grain.  1 ok. */
int
sess_touch(struct ctx *ctx)
{
	sqlite3_stmt	*st;

	if (ctx->sess == NULL || !sess_db(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_TOUCH])) == NULL)
		return 0;
	db_bind_blob(st, 1, ctx->sess->idhash, 32);
	db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		return 0;
	ctx->sess->last_seen = ctx->now;
	return 1;
}

/*
 * What the layout needs for the expiry warning: the seconds
 * left, the extend URL and the session's CSRF token, only for a
 * session that reaches its pages (members, staff past TOTP).
 */
void
sess_vars(struct ctx *ctx, struct tval *v)
{
	const struct sess	*s = ctx->sess;

	if (s == NULL || (s->principal == PRINC_STAFF && !s->mfa_ok))
		return;
	tv_set_int(v, "sess_left", sess_remaining(ctx));
	form_url(ctx, v, "sess_extend", "/session/extend");
	tv_set_str(v, "sess_csrf", s->csrf);
}

/* Mark the staff session as past its second factor. */
int
sess_set_mfa(struct ctx *ctx)
{
	sqlite3_stmt	*st;

	if (ctx->sess == NULL || (st = db_prep(ctx->db, sql[STMT_MFA])) == NULL)
		return 0;
	db_bind_blob(st, 1, ctx->sess->idhash, 32);
	if (!db_run(ctx->db, st))
		return 0;
	ctx->sess->mfa_ok = 1;
	return 1;
}

/* Log out: delete the row, clear the cookies.  1 ok (also if none). */
int
sess_end(struct ctx *ctx)
{
	int	 rc;

	if (ctx->sess == NULL)
		return 1;
	rc = drop(ctx, ctx->sess->idhash);
	sodium_memzero(ctx->sess, sizeof(*ctx->sess));
	free(ctx->sess);
	ctx->sess = NULL;
	return rc;
}

/*
 * End every session of (p, id), but the request's own when keep_own is
 * set and the request belongs to that account: after a password change
 * or reset, whoever else holds a session of the account is logged out.
 * Runs inside the caller's transaction.  If the request's own session
 * is deleted, it is also dropped from ctx.  1 ok.
 */
int
sess_end_others(struct ctx *ctx, enum principal p, long long id,
    int keep_own)
{
	sqlite3_stmt	*st;
	int		 own;

	own = ctx->sess != NULL && ctx->sess->principal == p &&
	    ctx->sess->pid == id;
	if ((st = db_prep(ctx->db, sql[STMT_OTHERS])) == NULL)
		return 0;
	db_bind_text(st, 1, p == PRINC_STAFF ? "staff" : "member");
	db_bind_int(st, 2, id);
	if (own && keep_own)
		db_bind_blob(st, 3, ctx->sess->idhash, 32);
	else
		db_bind_text(st, 3, NULL);
	if (!db_run(ctx->db, st))
		return 0;
	if (own && !keep_own)
		return sess_end(ctx);
	return 1;
}

/*
 * The CSRF token to put in a form: the session's, or for an anonymous
 * visitor the double-submit token of the kenmin_csrf cookie, made and
 * set here if the request had none.  Static storage in ctx.
 */
const char *
sess_csrf(struct ctx *ctx)
{
	if (ctx->sess != NULL)
		return ctx->sess->csrf;
	if (ctx->acsrf[0] == '\0') {
		crypto_token_hex(ctx->acsrf, SESS_HEX / 2);
		resp_cookie(&ctx->resp, ctx->cfg, "kenmin_csrf", ctx->acsrf,
		    ACSRF_MAXAGE);
	}
	return ctx->acsrf;
}

/*
 * 1 if the POST body's csrf field equals the expected token (compared
 * in constant time): the session's, else the anonymous cookie's.
 */
int
sess_csrf_ok(struct ctx *ctx)
{
	const struct kfield	*f;
	const char		*want;

	f = req_get(&ctx->req, KSRC_BODY, KEY_CSRF);
	want = ctx->sess != NULL ? ctx->sess->csrf : ctx->acsrf;
	if (f == NULL || strlen(want) != SESS_HEX || f->valsz != SESS_HEX)
		return 0;
	return sodium_memcmp(f->val, want, SESS_HEX) == 0;
}
