/*
 * auth.c: the account screens of formsvc: member and staff login with
 * lockout, the staff TOTP step and enrolment with recovery codes,
 * logout, password change, reset request, setting a password from a
 * single-use link, and the stub pages behind a login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "text.h"
#include "tmpl.h"
#include "totp.h"
#include "util.h"
#include "extern.h"

#define PW_HASH_MAX	256	/* bytes of a stored argon2id string */
#define RECOVERY_CODES	10
#define RECOVERY_HEX	16	/* hex chars of one recovery code */
#define RESET_TTL	(30 * 60)	/* seconds a reset link lives */
#define MASK_KEEP	2		/* code points of a login ID kept in the log */

/*
 * Verified when the login ID is unknown, so that a failure costs the
 * same work either way (R436).  Its password is not known to anyone.
 */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$46fdg894jHeE8HecpiM1SA$"
    "LMkk9teifAOtuJg60r39QuWPXGvJ/AdXLKoro5rTKGw";

/* One message for every login failure: never says which part was wrong. */
static const char login_failed[] =
    "ログインIDまたはパスワードが正しくないか、アカウントが一時的に"
    "ロックされています。続けて何度も間違えると、しばらくの間"
    "ログインできなくなります。";

enum stmt {
	STMT_M_LOGIN,
	STMT_S_LOGIN,
	STMT_M_FAIL,
	STMT_S_FAIL,
	STMT_M_LOCK,
	STMT_S_LOCK,
	STMT_M_OK,
	STMT_S_OK,
	STMT_M_PW,
	STMT_S_PW,
	STMT_M_SETPW,
	STMT_S_SETPW,
	STMT_S_TOTP,
	STMT_S_SECRET,
	STMT_S_STEP,
	STMT_S_ENABLE,
	STMT_REC_USE,
	STMT_REC_DEL,
	STMT_REC_ADD,
	STMT_M_RESET,
	STMT_TOK_GET,
	STMT_TOK_USE,
	STMT_S_MFA_OK,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_M_LOGIN */
	"SELECT id, pw_hash, failed_logins, coalesce(locked_until, 0), 0 "
	"FROM member WHERE login_key = ?1 AND state <> 'unverified' "
	"AND status IN ('active', 'paused')",
	/* STMT_S_LOGIN */
	"SELECT id, pw_hash, failed_logins, coalesce(locked_until, 0), "
	"totp_enabled FROM staff WHERE login_key = ?1 AND status = 'active'",
	/* STMT_M_FAIL: counted inside the transaction, so none is lost */
	"UPDATE member SET failed_logins = failed_logins + 1 WHERE id = ?1 "
	"RETURNING failed_logins",
	/* STMT_S_FAIL */
	"UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1 "
	"RETURNING failed_logins",
	/* STMT_M_LOCK */
	"UPDATE member SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
	/* STMT_S_LOCK */
	"UPDATE staff SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
	/* STMT_M_OK */
	"UPDATE member SET failed_logins = 0, locked_until = NULL "
	"WHERE id = ?1",
	/* STMT_S_OK: failures are cleared only after the second factor */
	"UPDATE staff SET locked_until = NULL, last_login_at = ?2 "
	"WHERE id = ?1",
	/* STMT_M_PW */
	"SELECT pw_hash FROM member WHERE id = ?1",
	/* STMT_S_PW */
	"SELECT pw_hash FROM staff WHERE id = ?1",
	/* STMT_M_SETPW */
	"UPDATE member SET pw_hash = ?2, pw_legacy = NULL, failed_logins = 0, "
	"locked_until = NULL, updated_at = ?3 WHERE id = ?1",
	/* STMT_S_SETPW */
	"UPDATE staff SET pw_hash = ?2, failed_logins = 0, locked_until = NULL, "
	"pw_changed_at = ?3, updated_at = ?3 WHERE id = ?1",
	/* STMT_S_TOTP */
	"SELECT totp_enabled, totp_secret_ct, coalesce(totp_last_step, -1), "
	"coalesce(locked_until, 0) FROM staff WHERE id = ?1",
	/* STMT_S_SECRET */
	"UPDATE staff SET totp_secret_ct = ?2, updated_at = ?3 WHERE id = ?1 "
	"AND totp_enabled = 0",
	/* STMT_S_STEP: only a newer step; a replay changes no row */
	"UPDATE staff SET totp_last_step = ?2 WHERE id = ?1 AND "
	"(totp_last_step IS NULL OR totp_last_step < ?2)",
	/* STMT_S_ENABLE */
	"UPDATE staff SET totp_enabled = 1, totp_last_step = ?2, "
	"updated_at = ?3 WHERE id = ?1 AND totp_enabled = 0",
	/* STMT_REC_USE */
	"UPDATE staff_recovery SET used_at = ?3 WHERE staff_id = ?1 AND "
	"code_hash = ?2 AND used_at IS NULL",
	/* STMT_REC_DEL */
	"DELETE FROM staff_recovery WHERE staff_id = ?1",
	/* STMT_REC_ADD */
	"INSERT INTO staff_recovery (staff_id, code_hash) VALUES (?1, ?2)",
	/* STMT_M_RESET */
	"SELECT id, email_ct FROM member WHERE login_key = ?1 AND "
	"email_verified_at IS NOT NULL AND email_ct IS NOT NULL AND "
	"state <> 'unverified' AND status IN ('active', 'paused')",
	/* STMT_TOK_GET */
	"SELECT subject_kind, subject_id, purpose FROM token WHERE hash = ?1 AND "
	"purpose IN ('set_password', 'reset_password') AND used_at IS NULL "
	"AND expires_at > ?2",
	/* STMT_TOK_USE */
	"UPDATE token SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL",
	/* STMT_S_MFA_OK: both factors passed */
	"UPDATE staff SET failed_logins = 0 WHERE id = ?1",
};

/* The value of a valid field of src, or NULL. */
static const char *
field(const struct ctx *ctx, enum ksrc src, enum key k)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, k);
	return f != NULL ? f->val : NULL;
}

/* The service's URL of a page, for a form's action. */
static void
set_url(struct ctx *ctx, struct tval *v, const char *key, const char *page)
{
	struct buf	 b;
	size_t		 n;

	buf_init(&b, 2048);
	n = strlen(ctx->cfg->cgi_path);
	while (n > 0 && ctx->cfg->cgi_path[n - 1] == '/')
		n--;
	buf_putn(&b, ctx->cfg->cgi_path, n);
	buf_puts(&b, page);
	tv_set_str(v, key, buf_str(&b));
	buf_free(&b);
}

/*
 * Append a login ID masked for the audit log: its first MASK_KEEP code
 * points (one for a short ID) and "***".  A login ID identifies a
 * person, so it never enters the log whole (R454).
 */
static void
mask_login(const char *s, struct buf *out)
{
	size_t	 i, n, cps, keep;

	if (s == NULL || *s == '\0') {
		buf_puts(out, "-");
		return;
	}
	for (cps = 0, i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cps++;
	keep = cps > MASK_KEEP + 1 ? MASK_KEEP : 1;
	for (n = 0, i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == keep)
			break;
	}
	buf_putn(out, s, i);
	buf_puts(out, "***");
}

static const char *
princ_kind(enum principal p)
{
	return p == PRINC_STAFF ? "staff" : "member";
}

/*
 * Write one audit row for this request: actor, action, target, an
 * already masked detail and the client address (masked by audit_log).
 * Must run inside the caller's write transaction.  1 ok, 0 error.
 */
static int
logev(struct ctx *ctx, const char *actor_kind, long long actor_id,
    const char *action, const char *target_kind, long long target_id,
    const char *detail)
{
	struct audit_ev	 ev;

	if (!sess_keys(ctx))
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.at = ctx->now;
	ev.actor_kind = actor_kind;
	ev.actor_id = actor_id;
	ev.action = action;
	ev.target_kind = target_kind;
	ev.target_id = target_id;
	ev.detail = detail;
	ev.ip = ctx->req.env.remote != NULL && ctx->req.env.remote[0] != '\0' ?
	    ctx->req.env.remote : NULL;
	return audit_log(ctx->db, ctx->keys, &ev);
}

/* An audit row whose actor is the request's session (or public). */
static int
logsess(struct ctx *ctx, const char *action, const char *target_kind,
    long long target_id, const char *detail)
{
	if (ctx->sess == NULL)
		return logev(ctx, "public", 0, action, target_kind, target_id,
		    detail);
	return logev(ctx, princ_kind(ctx->sess->principal), ctx->sess->pid,
	    action, target_kind, target_id, detail);
}

/*
 * Count one failed attempt against the member or staff id (a wrong
 * password, TOTP code or recovery code) and log it as 'login_failed'
 * with detail; at lockout_failures the account locks for lockout_min
 * minutes and a 'lockout' row follows.  Inside the caller's write
 * transaction.  1 if the account is now locked, 0 if not, -1 on error.
 */
static int
count_failure(struct ctx *ctx, int staff, long long id, const char *detail)
{
	const char	*kind = staff ? "staff" : "member";
	sqlite3_stmt	*st;
	long long	 failed;

	if ((st = db_prep(ctx->db, sql[staff ? STMT_S_FAIL : STMT_M_FAIL])) ==
	    NULL)
		return -1;
	db_bind_int(st, 1, id);
	if (db_row(ctx->db, st) != 1)
		return -1;
	failed = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!logsess(ctx, "login_failed", kind, id, detail))
		return -1;
	if (failed < ctx->cfg->lockout_failures)
		return 0;
	if ((st = db_prep(ctx->db, sql[staff ? STMT_S_LOCK : STMT_M_LOCK])) ==
	    NULL)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ctx->now + 60LL * ctx->cfg->lockout_min);
	if (!db_run(ctx->db, st) ||
	    !logsess(ctx, "lockout", kind, id, detail))
		return -1;
	return 1;
}

static int
show_login(struct ctx *ctx, int staff, const char *error, const char *next)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);
	const char	*held;

	tv_set_str(v, "heading", staff ? "管理画面ログイン" : "ログイン");
	set_url(ctx, v, "action", staff ? "/admin/login" : "/login");
	tv_set_bool(v, "member", !staff);
	if (error != NULL)
		tv_set_str(v, "error", error);
	if (next != NULL && resp_safe_path(next))
		tv_set_str(v, "next", next);
	/* A form kept when the session expired (A-30, account.c). */
	if (!staff && (held = field(ctx, ctx->req.env.method == METHOD_POST ?
	    KSRC_BODY : KSRC_QUERY, KEY_AC_HELD)) != NULL)
		tv_set_str(v, "held", held);
	return flow_show(ctx, ta, v, "login", staff ? "管理画面ログイン" :
	    "ログイン", 0);
}

/*
 * Check login_id and password against the member or staff table with
 * the lockout rules; the same work is done for an unknown ID.  The
 * password is verified before the write transaction begins; then the
 * outcome is recorded (failure count, lockout, audit rows).  Returns 1
 * and sets *id (and *totp for staff) on success, 0 on a failed login,
 * -1 on a database error.  On 1 and 0 the write transaction is still
 * open: the caller adds its changes and commits.
 */
static int
check_login(struct ctx *ctx, int staff, const char *login,
    const char *pw, long long *id, int *totp)
{
	char		 hash[PW_HASH_MAX];
	char		*key = NULL;
	struct buf	 d;
	sqlite3_stmt	*st;
	long long	 locked = 0;
	int		 r, found = 0, ok, began = 0, rc = -1;

	hash[0] = '\0';
	*id = 0;
	*totp = 0;
	buf_init(&d, 512);
	if (login != NULL && (key = text_normalize(login)) != NULL) {
		if ((st = db_prep(ctx->db, sql[staff ? STMT_S_LOGIN :
		    STMT_M_LOGIN])) == NULL)
			goto out;
		db_bind_text(st, 1, key);
		if ((r = db_row(ctx->db, st)) < 0)
			goto out;
		if (r > 0) {
			found = 1;
			*id = sqlite3_column_int64(st, 0);
			snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
			locked = sqlite3_column_int64(st, 3);
			*totp = sqlite3_column_int(st, 4);
			sqlite3_reset(st);
		}
	}
	ok = crypto_pw_verify(found && hash[0] != '\0' ? hash : dummy_hash,
	    pw != NULL ? pw : "");
	sodium_memzero(hash, sizeof(hash));
	buf_puts(&d, "login_id=");
	mask_login(login, &d);
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if (!found) {
		buf_puts(&d, "; unknown or not allowed");
		if (!logsess(ctx, "login_failed", NULL, 0, buf_str(&d)))
			goto out;
		rc = 0;
	} else if (locked > ctx->now) {
		/* Locked: even the right password fails; nothing counts. */
		buf_puts(&d, "; locked");
		if (!logsess(ctx, "login_failed", staff ? "staff" : "member",
		    *id, buf_str(&d)))
			goto out;
		rc = 0;
	} else if (!ok) {
		buf_puts(&d, "; wrong password");
		if (count_failure(ctx, staff, *id, buf_str(&d)) < 0)
			goto out;
		rc = 0;
	} else {
		st = db_prep(ctx->db, sql[staff ? STMT_S_OK : STMT_M_OK]);
		if (st == NULL)
			goto out;
		db_bind_int(st, 1, *id);
		if (staff)
			db_bind_int(st, 2, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
		if (staff)
			buf_puts(&d, "; password ok, second factor next");
		if (!logev(ctx, staff ? "staff" : "member", *id, "login",
		    staff ? "staff" : "member", *id, buf_str(&d)))
			goto out;
		rc = 1;
	}
out:
	if (rc < 0 && began)
		db_rollback(ctx->db);
	free(key);
	buf_free(&d);
	return rc;
}

/* /login and /admin/login. */
static int
login(struct ctx *ctx, int staff)
{
	const char	*next;
	long long	 id;
	int		 r, totp;

	if (ctx->req.env.method != METHOD_POST)
		return show_login(ctx, staff, NULL,
		    field(ctx, KSRC_QUERY, KEY_NEXT));
	next = field(ctx, KSRC_BODY, KEY_NEXT);
	if (!sess_db(ctx))
		return 0;
	r = check_login(ctx, staff, field(ctx, KSRC_BODY, KEY_LOGIN_ID),
	    field(ctx, KSRC_BODY, KEY_PASSWORD), &id, &totp);
	if (r < 0)
		return 0;
	if (r == 0) {
		if (!db_commit(ctx->db)) {
			db_rollback(ctx->db);
			return 0;
		}
		return show_login(ctx, staff, login_failed, next);
	}
	/* The session is made in the transaction that logged the login. */
	if (!sess_start(ctx, staff ? PRINC_STAFF : PRINC_MEMBER, id, 0) ||
	    !db_commit(ctx->db)) {
		db_rollback(ctx->db);
		return 0;
	}
	if (staff)
		return resp_redirect(&ctx->resp, ctx->cfg,
		    totp ? "/admin/totp" : "/admin/totp/enrol");
	return acct_login_next(ctx, next);
}

int
auth_login(struct ctx *ctx)
{
	return login(ctx, 0);
}

int
auth_staff_login(struct ctx *ctx)
{
	return login(ctx, 1);
}

/*
 * For the TOTP pages: 1 if the session is staff before the second
 * step; otherwise the response is a redirect (to the login, or to the
 * dashboard if the step is done) and 0 is returned in *go.
 */
static int
pre_mfa(struct ctx *ctx)
{
	if (ctx->sess != NULL && ctx->sess->principal == PRINC_STAFF &&
	    !ctx->sess->mfa_ok)
		return 1;
	if (ctx->sess != NULL && ctx->sess->principal == PRINC_STAFF)
		resp_redirect(&ctx->resp, ctx->cfg, "/admin/");
	else if (ctx->sess != NULL)
		page_error(ctx, 403);
	else
		resp_redirect(&ctx->resp, ctx->cfg, "/admin/login");
	return 0;
}

/*
 * Read the staff member's TOTP state: enabled, the secret (opened into
 * secret, *secretsz 0 if none), the last used step and the end of a
 * lockout (0 if none).  1 ok, 0 error.
 */
static int
totp_state(struct ctx *ctx, int *enabled, unsigned char *secret,
    size_t *secretsz, long long *last, long long *locked)
{
	struct buf	 pt;
	sqlite3_stmt	*st;
	int		 r, rc = 0;

	*secretsz = 0;
	buf_init(&pt, 256);
	if ((st = db_prep(ctx->db, sql[STMT_S_TOTP])) == NULL)
		goto out;
	db_bind_int(st, 1, ctx->sess->pid);
	if ((r = db_row(ctx->db, st)) <= 0)
		goto out;
	*enabled = sqlite3_column_int(st, 0);
	*last = sqlite3_column_int64(st, 2);
	*locked = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		if (!sess_keys(ctx) || !crypto_open(ctx->keys, "staff",
		    "totp_secret_ct", ctx->sess->pid,
		    sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), &pt) ||
		    pt.len != TOTP_SECRET_SZ) {
			kerr("staff %lld: TOTP secret does not open",
			    ctx->sess->pid);
			sqlite3_reset(st);
			goto out;
		}
		memcpy(secret, pt.p, TOTP_SECRET_SZ);
		*secretsz = TOTP_SECRET_SZ;
	}
	sqlite3_reset(st);
	rc = 1;
out:
	if (pt.p != NULL)
		sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	return rc;
}

/* A typed code without spaces and hyphens, lower case, into out. */
static void
clean_code(const char *in, char *out, size_t outsz)
{
	size_t	 o = 0;

	for (; *in != '\0' && o + 1 < outsz; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		out[o++] = (*in >= 'A' && *in <= 'Z') ?
		    (char)(*in - 'A' + 'a') : *in;
	}
	out[o] = '\0';
}

static int
show_totp(struct ctx *ctx, const char *error)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	if (error != NULL)
		tv_set_str(v, "error", error);
	return flow_show(ctx, ta, v, "totp", "確認コードの入力", 0);
}

/*
 * The staff account locked while its session waited for the second
 * step: end the session (inside the caller's transaction, if any) and
 * answer with the login page's failure message.
 */
static int
locked_out(struct ctx *ctx)
{
	if (!sess_end(ctx))
		return 0;
	return show_login(ctx, 1, login_failed, NULL);
}

/*
 * /admin/totp: the second step, by TOTP code or recovery code.  A wrong
 * code counts towards the lockout like a wrong password; when the
 * account locks, the half-made session ends.
 */
int
auth_totp(struct ctx *ctx)
{
	unsigned char	 secret[TOTP_SECRET_SZ], h[32];
	char		 code[48];
	const char	*in, *action = NULL;
	sqlite3_stmt	*st;
	long long	 last, locked = 0;
	int64_t		 step;
	size_t		 secretsz;
	int		 enabled = 0, ok = 0, began = 0, r, rc = 0;

	if (!pre_mfa(ctx))
		return 1;
	if (!sess_db(ctx) || !totp_state(ctx, &enabled, secret, &secretsz,
	    &last, &locked))
		goto out;
	if (locked > ctx->now) {
		rc = locked_out(ctx);
		goto out;
	}
	if (!enabled || secretsz == 0) {
		rc = resp_redirect(&ctx->resp, ctx->cfg, "/admin/totp/enrol");
		goto out;
	}
	if (ctx->req.env.method != METHOD_POST) {
		rc = show_totp(ctx, NULL);
		goto out;
	}
	in = field(ctx, KSRC_BODY, KEY_CODE);
	clean_code(in != NULL ? in : "", code, sizeof(code));
	if (!sess_keys(ctx) || !db_begin(ctx->db))
		goto out;
	began = 1;
	if (strlen(code) == TOTP_DIGITS) {
		if (totp_verify(secret, secretsz, code, ctx->now, last,
		    &step)) {
			/* Store the step; a concurrent replay changes nothing. */
			if ((st = db_prep(ctx->db, sql[STMT_S_STEP])) == NULL)
				goto out;
			db_bind_int(st, 1, ctx->sess->pid);
			db_bind_int(st, 2, step);
			if (!db_run(ctx->db, st))
				goto out;
			ok = db_changes(ctx->db) == 1;
			action = "login_mfa";
		}
	} else if (strlen(code) == RECOVERY_HEX) {
		sess_sha256(code, h);
		if ((st = db_prep(ctx->db, sql[STMT_REC_USE])) == NULL)
			goto out;
		db_bind_int(st, 1, ctx->sess->pid);
		db_bind_blob(st, 2, h, sizeof(h));
		db_bind_int(st, 3, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
		ok = db_changes(ctx->db) == 1;
		action = "recovery_code_used";
	}
	if (!ok) {
		r = count_failure(ctx, 1, ctx->sess->pid, "second factor: "
		    "wrong, replayed or used code");
		if (r < 0)
			goto out;
		if (r == 1) {
			if (!sess_end(ctx) || !db_commit(ctx->db))
				goto out;
			began = 0;
			rc = show_login(ctx, 1, login_failed, NULL);
			goto out;
		}
		if (!db_commit(ctx->db))
			goto out;
		began = 0;
		rc = show_totp(ctx, "確認コードが正しくないか、"
		    "すでに使われています。");
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[STMT_S_MFA_OK])) == NULL)
		goto out;
	db_bind_int(st, 1, ctx->sess->pid);
	if (!db_run(ctx->db, st) || !sess_set_mfa(ctx) ||
	    !logsess(ctx, action, "staff", ctx->sess->pid, NULL) ||
	    !db_commit(ctx->db))
		goto out;
	began = 0;
	rc = resp_redirect(&ctx->resp, ctx->cfg, "/admin/");
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(code, sizeof(code));
	return rc;
}

/*
 * Make RECOVERY_CODES new recovery codes for the session's staff (old
 * ones deleted), stored hashed; the plain codes go into list.  1 ok.
 */
static int
new_recovery(struct ctx *ctx, struct tval *list)
{
	char		 code[RECOVERY_HEX + 1];
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	int		 i;

	if ((st = db_prep(ctx->db, sql[STMT_REC_DEL])) == NULL)
		return 0;
	db_bind_int(st, 1, ctx->sess->pid);
	if (!db_run(ctx->db, st))
		return 0;
	for (i = 0; i < RECOVERY_CODES; i++) {
		crypto_token_hex(code, RECOVERY_HEX / 2);
		sess_sha256(code, h);
		if ((st = db_prep(ctx->db, sql[STMT_REC_ADD])) == NULL)
			return 0;
		db_bind_int(st, 1, ctx->sess->pid);
		db_bind_blob(st, 2, h, sizeof(h));
		if (!db_run(ctx->db, st))
			return 0;
		tv_push_str(list, code);
	}
	sodium_memzero(code, sizeof(code));
	return 1;
}

/* Turn TOTP on with step as the last used one; 1 ok. */
static int
enable_totp(struct ctx *ctx, int64_t step)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(ctx->db, sql[STMT_S_ENABLE])) == NULL)
		return 0;
	db_bind_int(st, 1, ctx->sess->pid);
	db_bind_int(st, 2, step);
	db_bind_int(st, 3, ctx->now);
	return db_run(ctx->db, st) && db_changes(ctx->db) == 1;
}

/* /admin/totp/enrol: show a new secret, enable TOTP on one valid code. */
int
auth_totp_enrol(struct ctx *ctx)
{
	unsigned char	 secret[TOTP_SECRET_SZ];
	char		 b32[TOTP_B32_MAX + 1], code[48];
	const char	*in;
	struct buf	 ct;
	struct tarena	*ta = NULL;
	struct tval	*v, *codes, *list;
	sqlite3_stmt	*st;
	long long	 last, locked = 0;
	int64_t		 step;
	size_t		 secretsz;
	int		 enabled = 0, rc = 0;

	if (!pre_mfa(ctx))
		return 1;
	buf_init(&ct, 1024);
	if (!sess_db(ctx) || !totp_state(ctx, &enabled, secret, &secretsz,
	    &last, &locked))
		goto out;
	if (locked > ctx->now) {
		rc = locked_out(ctx);
		goto out;
	}
	if (enabled) {
		rc = resp_redirect(&ctx->resp, ctx->cfg, "/admin/totp");
		goto out;
	}
	if (secretsz == 0) {
		randombytes_buf(secret, sizeof(secret));
		secretsz = sizeof(secret);
		if (!sess_keys(ctx) || !crypto_seal(ctx->keys, "staff",
		    "totp_secret_ct", ctx->sess->pid, secret, secretsz, &ct))
			goto out;
		if ((st = db_prep(ctx->db, sql[STMT_S_SECRET])) == NULL)
			goto out;
		db_bind_int(st, 1, ctx->sess->pid);
		db_bind_blob(st, 2, ct.p, ct.len);
		db_bind_int(st, 3, ctx->now);
		if (!db_run(ctx->db, st))
			goto out;
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	if (ctx->req.env.method == METHOD_POST) {
		in = field(ctx, KSRC_BODY, KEY_CODE);
		clean_code(in != NULL ? in : "", code, sizeof(code));
		if (totp_verify(secret, secretsz, code, ctx->now, last,
		    &step)) {
			codes = tv_obj(ta);
			list = tv_list(ta);
			tv_set(codes, "list", list);
			if (!db_begin(ctx->db))
				goto out;
			if (!enable_totp(ctx, step) ||
			    !new_recovery(ctx, list) || !sess_set_mfa(ctx) ||
			    (st = db_prep(ctx->db, sql[STMT_S_MFA_OK])) ==
			    NULL || (db_bind_int(st, 1, ctx->sess->pid),
			    !db_run(ctx->db, st)) ||
			    !logsess(ctx, "totp_enrol", "staff",
			    ctx->sess->pid, NULL) ||
			    !db_commit(ctx->db)) {
				db_rollback(ctx->db);
				goto out;
			}
			tv_set(v, "codes", codes);
			rc = flow_show(ctx, ta, v, "totp_enrol", "2段階認証の設定", 0);
			ta = NULL;
			goto out;
		}
		tv_set_str(v, "error", "確認コードが正しくありません。"
		    "認証アプリに表示されている最新のコードを入力してください。");
	}
	totp_b32_encode(secret, secretsz, b32, sizeof(b32));
	tv_set_str(v, "secret", b32);
	rc = flow_show(ctx, ta, v, "totp_enrol", "2段階認証の設定", 0);
	ta = NULL;
out:
	tarena_free(ta);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b32, sizeof(b32));
	buf_free(&ct);
	return rc;
}

/* /logout: GET shows the button, POST (with CSRF) ends the session. */
int
auth_logout(struct ctx *ctx)
{
	struct tarena	*ta;
	struct tval	*v;

	if (ctx->req.env.method == METHOD_POST && ctx->sess != NULL) {
		if (!sess_db(ctx) || !db_begin(ctx->db))
			return 0;
		if (!logsess(ctx, "logout", princ_kind(ctx->sess->principal),
		    ctx->sess->pid, NULL) || !sess_end(ctx) ||
		    !db_commit(ctx->db)) {
			db_rollback(ctx->db);
			return 0;
		}
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	tv_set_bool(v, "done", ctx->sess == NULL);
	return flow_show(ctx, ta, v, "logout", "ログアウト", 0);
}

/*
 * Hash pw into the member's or staff's pw_hash; 1 ok.  The caller
 * checked its length (R434: 8 to 128 characters, never truncated).
 */
static int
store_password(struct ctx *ctx, enum principal p, long long id,
    const char *pw)
{
	char		 hash[128];
	sqlite3_stmt	*st;
	int		 rc = 0;

	if (!crypto_pw_hash(pw, hash))
		return 0;
	st = db_prep(ctx->db, sql[p == PRINC_STAFF ? STMT_S_SETPW :
	    STMT_M_SETPW]);
	if (st == NULL)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	db_bind_int(st, 3, ctx->now);
	rc = db_run(ctx->db, st) && db_changes(ctx->db) == 1;
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* The two new-password fields, or an error message for the person. */
static const char *
new_password(const struct ctx *ctx)
{
	const char	*a, *b;

	if (req_get_invalid(&ctx->req, KSRC_BODY, KEY_NEWPW) != NULL)
		return "新しいパスワードは8文字以上128文字以内で入力してください"
		    "（改行などの制御文字は使えません）。";
	a = field(ctx, KSRC_BODY, KEY_NEWPW);
	b = field(ctx, KSRC_BODY, KEY_NEWPW2);
	if (a == NULL)
		return "新しいパスワードを入力してください。";
	if (b == NULL || strcmp(a, b) != 0)
		return "確認のために入力した新しいパスワードが一致しません。";
	return NULL;
}

/* /password and /admin/password: change one's own password (R448). */
int
auth_password(struct ctx *ctx)
{
	char		 hash[PW_HASH_MAX];
	const char	*err = NULL, *cur;
	struct tarena	*ta;
	struct tval	*v;
	sqlite3_stmt	*st;
	int		 staff, r, done = 0;

	staff = ctx->sess->principal == PRINC_STAFF;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	set_url(ctx, v, "action", staff ? "/admin/password" : "/password");
	if (ctx->req.env.method == METHOD_POST) {
		hash[0] = '\0';
		if (!sess_db(ctx) || (st = db_prep(ctx->db,
		    sql[staff ? STMT_S_PW : STMT_M_PW])) == NULL)
			goto fail;
		db_bind_int(st, 1, ctx->sess->pid);
		if ((r = db_row(ctx->db, st)) < 0)
			goto fail;
		if (r > 0) {
			snprintf(hash, sizeof(hash), "%s", db_col_text(st, 0));
			sqlite3_reset(st);
		}
		cur = field(ctx, KSRC_BODY, KEY_PASSWORD);
		if (!crypto_pw_verify(hash[0] != '\0' ? hash : dummy_hash,
		    cur != NULL ? cur : ""))
			err = "現在のパスワードが正しくありません。";
		else if ((err = new_password(ctx)) == NULL) {
			/* The other sessions of the account end with it. */
			if (!sess_keys(ctx) || !db_begin(ctx->db))
				goto fail;
			if (!store_password(ctx, ctx->sess->principal,
			    ctx->sess->pid, field(ctx, KSRC_BODY, KEY_NEWPW)) ||
			    !sess_end_others(ctx, ctx->sess->principal,
			    ctx->sess->pid, 1) ||
			    !logsess(ctx, "password_change",
			    princ_kind(ctx->sess->principal), ctx->sess->pid,
			    NULL) || !db_commit(ctx->db)) {
				db_rollback(ctx->db);
				goto fail;
			}
			done = 1;
		}
		sodium_memzero(hash, sizeof(hash));
	}
	if (err != NULL)
		tv_set_str(v, "error", err);
	tv_set_bool(v, "done", done);
	return flow_show(ctx, ta, v, "password", "パスワードの変更", 0);
fail:
	tarena_free(ta);
	return 0;
}

/*
 * Queue the reset mail with the link for tok to the member's address
 * (opened from email_ct); inside the caller's transaction.  The mail
 * carries the link only, never a password (R445, R449).  1 ok.
 */
static int
queue_reset_mail(struct ctx *ctx, long long id, const void *ct,
    size_t ctsz, const char *tok)
{
	struct buf	 to, url, body;
	struct mail	 m;
	size_t		 n;
	int		 rc = 0;

	buf_init(&to, OUTBOX_ADDR_MAX + 1);
	buf_init(&url, OUTBOX_URL_MAX);
	buf_init(&body, 8192);
	if (!crypto_open(ctx->keys, "member", "email_ct", id, ct, ctsz, &to)) {
		kerr("member %lld: email_ct does not open", id);
		goto out;
	}
	buf_puts(&url, ctx->cfg->base_url);
	n = strlen(ctx->cfg->cgi_path);
	while (n > 0 && ctx->cfg->cgi_path[n - 1] == '/')
		n--;
	buf_putn(&url, ctx->cfg->cgi_path, n);
	buf_puts(&url, "/setpw?t=");
	buf_puts(&url, tok);
	buf_puts(&body,
	    "あいかさねっとのパスワード再設定のお申し込みを受け付けました。\n"
	    "\n"
	    "次のURLを開き、新しいパスワードを設定してください。\n"
	    "このURLの有効期限は発行から30分間で、一度だけ使えます。\n"
	    "\n");
	buf_puts(&body, buf_str(&url));
	buf_puts(&body, "\n\n"
	    "お心当たりのない場合は、このメールを破棄してください。"
	    "パスワードは変更されません。\n"
	    "このメールは送信専用のアドレスから送っています。\n"
	    "\n"
	    "やまぐち県民活動支援センター\n");
	if (!buf_ok(&to) || !buf_ok(&url) || !buf_ok(&body))
		goto out;
	memset(&m, 0, sizeof(m));
	m.template = "password_reset";
	m.to = buf_str(&to);
	m.subject = "【あいかさねっと】パスワード再設定のご案内";
	m.body = buf_str(&body);
	rc = outbox_enqueue(ctx->db, ctx->keys, &m, NULL);
out:
	sodium_memzero(url.p, url.len);
	sodium_memzero(body.p, body.len);
	buf_free(&to);
	buf_free(&url);
	buf_free(&body);
	return rc;
}

/*
 * /reset: a member asks for a reset link by login ID.  The answer is
 * the same whether or not the ID exists or has a verified address.
 * For an account that has one, the token, the mail and the audit row
 * are written in one transaction, then `kenmin-gen mail` is started
 * detached; if that fails, cron's run sends it within a minute.
 */
int
auth_reset(struct ctx *ctx)
{
	char		 tok[SESS_HEX + 1];
	char		*key = NULL;
	const char	*login;
	struct buf	 d;
	struct tarena	*ta;
	struct tval	*v;
	sqlite3_stmt	*st;
	long long	 id = 0;
	int		 r, began = 0, rc = 0;

	tok[0] = '\0';
	buf_init(&d, 256);
	if (ctx->req.env.method == METHOD_POST &&
	    (login = field(ctx, KSRC_BODY, KEY_LOGIN_ID)) != NULL &&
	    (key = text_normalize(login)) != NULL) {
		if (!sess_db(ctx) || !sess_keys(ctx) || !db_begin(ctx->db))
			goto out;
		began = 1;
		if ((st = db_prep(ctx->db, sql[STMT_M_RESET])) == NULL)
			goto out;
		db_bind_text(st, 1, key);
		if ((r = db_row(ctx->db, st)) < 0)
			goto out;
		buf_puts(&d, "login_id=");
		mask_login(login, &d);
		if (r > 0) {
			id = sqlite3_column_int64(st, 0);
			if (!flow_token_new(ctx, "reset_password", "member", id,
			    RESET_TTL, NULL, tok) ||
			    !queue_reset_mail(ctx, id,
			    sqlite3_column_blob(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), tok)) {
				sqlite3_reset(st);
				goto out;
			}
			sqlite3_reset(st);
			buf_puts(&d, "; link mailed");
		} else
			buf_puts(&d, "; no account with a verified address");
		if (!logsess(ctx, "password_reset_request", id > 0 ?
		    "member" : NULL, id, buf_str(&d)) || !db_commit(ctx->db))
			goto out;
		began = 0;
		if (id > 0)
			spawn_gen(ctx->cfg, "mail");
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	tv_set_bool(v, "done", ctx->req.env.method == METHOD_POST);
	rc = flow_show(ctx, ta, v, "reset", "パスワードの再設定", 0);
out:
	if (began)
		db_rollback(ctx->db);
	sodium_memzero(tok, sizeof(tok));
	free(key);
	buf_free(&d);
	return rc;
}

/*
 * Look up a set/reset token: 1 and *p, *id if it is unused and not
 * expired, 0 if not, -1 on error.
 */
static int
token_get(struct ctx *ctx, const char *tok, enum principal *p,
    long long *id, int *reset)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	int		 r;

	sess_sha256(tok, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_GET])) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_int(st, 2, ctx->now);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	*p = strcmp(db_col_text(st, 0), "staff") == 0 ? PRINC_STAFF :
	    PRINC_MEMBER;
	*id = sqlite3_column_int64(st, 1);
	*reset = strcmp(db_col_text(st, 2), "reset_password") == 0;
	sqlite3_reset(st);
	return 1;
}

/*
 * /setpw?t=TOKEN: set a password from the staff set-password link or a
 * member's reset link.  The token is consumed only on success; every
 * session of the account ends (R442) and an audit row is written, all
 * in one transaction.
 */
int
auth_setpw(struct ctx *ctx)
{
	unsigned char	 h[32];
	const char	*tok, *err = NULL;
	struct tarena	*ta;
	struct tval	*v;
	sqlite3_stmt	*st;
	enum principal	 p = PRINC_NONE;
	long long	 id = 0;
	int		 post, r = 0, done = 0, reset = 0;

	post = ctx->req.env.method == METHOD_POST;
	tok = field(ctx, post ? KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	if (!sess_db(ctx))
		return 0;
	if (tok != NULL && (r = token_get(ctx, tok, &p, &id, &reset)) < 0)
		return 0;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	if (r == 0)
		err = "このURLは無効です。有効期限（発行から一定時間）が"
		    "過ぎたか、すでに使われています。お手数ですが、"
		    "もう一度手続きをしてください。";
	else if (post && (err = new_password(ctx)) == NULL) {
		sess_sha256(tok, h);
		if (!sess_keys(ctx) || !db_begin(ctx->db))
			goto fail;
		if ((st = db_prep(ctx->db, sql[STMT_TOK_USE])) == NULL ||
		    (db_bind_blob(st, 1, h, sizeof(h)),
		    db_bind_int(st, 2, ctx->now), !db_run(ctx->db, st)) ||
		    db_changes(ctx->db) != 1 ||
		    !store_password(ctx, p, id,
		    field(ctx, KSRC_BODY, KEY_NEWPW)) ||
		    !sess_end_others(ctx, p, id, 0) ||
		    !logsess(ctx, reset ? "password_reset" : "password_set",
		    princ_kind(p), id, NULL) ||
		    !db_commit(ctx->db)) {
			db_rollback(ctx->db);
			goto fail;
		}
		done = 1;
		set_url(ctx, v, "login_url", p == PRINC_STAFF ?
		    "/admin/login" : "/login");
	}
	if (err != NULL)
		tv_set_str(v, "error", err);
	tv_set_bool(v, "done", done);
	tv_set_bool(v, "form", r > 0 && !done);
	if (r > 0 && !done)
		tv_set_str(v, "token", tok);
	return flow_show(ctx, ta, v, "setpw", "パスワードの設定", 0);
fail:
	tarena_free(ta);
	return 0;
}

/* Render the admin stub with a heading and a line of text. */
static int
admin_stub(struct ctx *ctx, const char *heading, const char *message)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", heading);
	tv_set_str(v, "message", message);
	return flow_show(ctx, ta, v, "admin", heading, 0);
}

/* /admin/: the staff dashboard (stub). */
int
auth_admin(struct ctx *ctx)
{
	return admin_stub(ctx, "管理画面",
	    "管理機能は順次ここに追加されます。");
}

/* /admin/staff: staff accounts, admin only (stub). */
int
auth_admin_staff(struct ctx *ctx)
{
	return admin_stub(ctx, "職員アカウントの管理",
	    "職員アカウントの一覧は準備中です。");
}
