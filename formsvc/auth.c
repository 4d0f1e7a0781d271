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

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "text.h"
#include "tmpl.h"
#include "totp.h"
#include "util.h"
#include "extern.h"

#define PW_HASH_MAX	256	/* bytes of a stored argon2id string */
#define RECOVERY_CODES	10
#define RECOVERY_HEX	16	/* hex chars of one recovery code */
#define RESET_TTL	(30 * 60)	/* seconds a reset link lives */

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
	STMT_TOK_ADD,
	STMT_TOK_GET,
	STMT_TOK_USE,
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
	/* STMT_M_FAIL */
	"UPDATE member SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
	/* STMT_S_FAIL */
	"UPDATE staff SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
	/* STMT_M_OK */
	"UPDATE member SET failed_logins = 0, locked_until = NULL "
	"WHERE id = ?1",
	/* STMT_S_OK */
	"UPDATE staff SET failed_logins = 0, locked_until = NULL, "
	"last_login_at = ?2 WHERE id = ?1",
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
	"SELECT totp_enabled, totp_secret_ct, coalesce(totp_last_step, -1) "
	"FROM staff WHERE id = ?1",
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
	"SELECT id FROM member WHERE login_key = ?1 AND email_verified_at IS "
	"NOT NULL AND status IN ('active', 'paused')",
	/* STMT_TOK_ADD */
	"INSERT INTO token (hash, purpose, subject_kind, subject_id, "
	"created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* STMT_TOK_GET */
	"SELECT subject_kind, subject_id FROM token WHERE hash = ?1 AND "
	"purpose IN ('set_password', 'reset_password') AND used_at IS NULL "
	"AND expires_at > ?2",
	/* STMT_TOK_USE */
	"UPDATE token SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL",
};

/* The value of a valid field of src, or NULL. */
static const char *
field(const struct ctx *ctx, enum ksrc src, enum key k)
{
	const struct kfield	*f;

	f = req_get(&ctx->req, src, k);
	return f != NULL ? f->val : NULL;
}

/* Render NAME with v, title and the csrf token; frees the arena. */
static int
show(struct ctx *ctx, struct tarena *ta, struct tval *v, const char *name,
    const char *title)
{
	int	 rc;

	tv_set_str(v, "csrf", sess_csrf(ctx));
	rc = page_render(ctx, name, title, v);
	tarena_free(ta);
	return rc;
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

static int
show_login(struct ctx *ctx, int staff, const char *error, const char *next)
{
	struct tarena	*ta = tarena_new();
	struct tval	*v = page_vars(ctx, ta);

	tv_set_str(v, "heading", staff ? "管理画面ログイン" : "ログイン");
	set_url(ctx, v, "action", staff ? "/admin/login" : "/login");
	tv_set_bool(v, "member", !staff);
	if (error != NULL)
		tv_set_str(v, "error", error);
	if (next != NULL && resp_safe_path(next))
		tv_set_str(v, "next", next);
	return show(ctx, ta, v, "login", staff ? "管理画面ログイン" :
	    "ログイン");
}

/*
 * Check login_id and password against the member or staff table with
 * the lockout rules; the same work is done for an unknown ID.  Returns
 * 1 and sets *id (and *totp for staff) on success, 0 on a failed login,
 * -1 on a database error.
 */
static int
check_login(struct ctx *ctx, int staff, const char *login,
    const char *pw, long long *id, int *totp)
{
	char		 hash[PW_HASH_MAX];
	char		*key = NULL;
	sqlite3_stmt	*st;
	long long	 failed = 0, locked = 0;
	int		 r, found = 0, ok, rc = -1;

	hash[0] = '\0';
	*id = 0;
	*totp = 0;
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
			failed = sqlite3_column_int64(st, 2);
			locked = sqlite3_column_int64(st, 3);
			*totp = sqlite3_column_int(st, 4);
			sqlite3_reset(st);
		}
	}
	ok = crypto_pw_verify(found && hash[0] != '\0' ? hash : dummy_hash,
	    pw != NULL ? pw : "");
	sodium_memzero(hash, sizeof(hash));
	if (!found) {
		rc = 0;
		goto out;
	}
	if (locked > ctx->now) {
		/* Locked: even the right password fails; nothing counts. */
		rc = 0;
		goto out;
	}
	if (!ok) {
		failed++;
		st = db_prep(ctx->db, sql[staff ? STMT_S_FAIL : STMT_M_FAIL]);
		if (st == NULL)
			goto out;
		db_bind_int(st, 1, *id);
		if (failed >= ctx->cfg->lockout_failures) {
			db_bind_int(st, 2, 0);
			db_bind_int(st, 3, ctx->now + 60LL * ctx->cfg->lockout_min);
			/* TODO(audit): audit_log "lockout" once lib/audit.h exists. */
		} else {
			db_bind_int(st, 2, failed);
			db_bind_text(st, 3, NULL);
		}
		if (!db_run(ctx->db, st))
			goto out;
		rc = 0;
		goto out;
	}
	if ((st = db_prep(ctx->db, sql[staff ? STMT_S_OK : STMT_M_OK])) == NULL)
		goto out;
	db_bind_int(st, 1, *id);
	if (staff)
		db_bind_int(st, 2, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	rc = 1;
out:
	free(key);
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
		/* TODO(audit): audit_log "login_failed" (ID masked). */
		return show_login(ctx, staff, login_failed, next);
	}
	/* TODO(audit): audit_log "login" for the member or staff id. */
	if (!sess_start(ctx, staff ? PRINC_STAFF : PRINC_MEMBER, id, 0))
		return 0;
	if (staff)
		return resp_redirect(&ctx->resp, ctx->cfg,
		    totp ? "/admin/totp" : "/admin/totp/enrol");
	return resp_redirect(&ctx->resp, ctx->cfg,
	    next != NULL && resp_safe_path(next) ? next : "/mypage");
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
 * secret, *secretsz 0 if none) and the last used step.  1 ok, 0 error.
 */
static int
totp_state(struct ctx *ctx, int *enabled, unsigned char *secret,
    size_t *secretsz, long long *last)
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
	return show(ctx, ta, v, "totp", "確認コードの入力");
}

/* /admin/totp: the second step, by TOTP code or recovery code. */
int
auth_totp(struct ctx *ctx)
{
	unsigned char	 secret[TOTP_SECRET_SZ], h[32];
	char		 code[48];
	const char	*in;
	sqlite3_stmt	*st;
	long long	 last;
	int64_t		 step;
	size_t		 secretsz;
	int		 enabled = 0, ok = 0, rc = 0;

	if (!pre_mfa(ctx))
		return 1;
	if (!sess_db(ctx) || !totp_state(ctx, &enabled, secret, &secretsz,
	    &last))
		goto out;
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
	}
	if (!ok) {
		rc = show_totp(ctx, "確認コードが正しくないか、"
		    "すでに使われています。");
		goto out;
	}
	if (!sess_set_mfa(ctx))
		goto out;
	rc = resp_redirect(&ctx->resp, ctx->cfg, "/admin/");
out:
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
	long long	 last;
	int64_t		 step;
	size_t		 secretsz;
	int		 enabled = 0, rc = 0;

	if (!pre_mfa(ctx))
		return 1;
	buf_init(&ct, 1024);
	if (!sess_db(ctx) || !totp_state(ctx, &enabled, secret, &secretsz,
	    &last))
		goto out;
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
			    !db_commit(ctx->db)) {
				db_rollback(ctx->db);
				goto out;
			}
			tv_set(v, "codes", codes);
			rc = show(ctx, ta, v, "totp_enrol", "2段階認証の設定");
			ta = NULL;
			goto out;
		}
		tv_set_str(v, "error", "確認コードが正しくありません。"
		    "認証アプリに表示されている最新のコードを入力してください。");
	}
	totp_b32_encode(secret, secretsz, b32, sizeof(b32));
	tv_set_str(v, "secret", b32);
	rc = show(ctx, ta, v, "totp_enrol", "2段階認証の設定");
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

	if (ctx->req.env.method == METHOD_POST) {
		/* TODO(audit): audit_log "logout" before the session goes. */
		if (ctx->sess != NULL && !sess_end(ctx))
			return 0;
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	tv_set_bool(v, "done", ctx->sess == NULL);
	return show(ctx, ta, v, "logout", "ログアウト");
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
			if (!store_password(ctx, ctx->sess->principal,
			    ctx->sess->pid, field(ctx, KSRC_BODY, KEY_NEWPW)))
				goto fail;
			done = 1;
		}
		sodium_memzero(hash, sizeof(hash));
	}
	if (err != NULL)
		tv_set_str(v, "error", err);
	tv_set_bool(v, "done", done);
	return show(ctx, ta, v, "password", "パスワードの変更");
fail:
	tarena_free(ta);
	return 0;
}

/*
 * Store a new single-use token for (purpose, kind, id) valid ttl
 * seconds; the plain token goes to out (SESS_HEX + 1 bytes).  1 ok.
 */
static int
new_token(struct ctx *ctx, const char *purpose, const char *kind,
    long long id, long long ttl, char *out)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;

	crypto_token_hex(out, SESS_HEX / 2);
	sess_sha256(out, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_ADD])) == NULL)
		return 0;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_text(st, 2, purpose);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, id);
	db_bind_int(st, 5, ctx->now);
	db_bind_int(st, 6, ctx->now + ttl);
	return db_run(ctx->db, st);
}

/*
 * /reset: a member asks for a reset link by login ID.  The answer is
 * the same whether or not the ID exists or has a verified address.
 */
int
auth_reset(struct ctx *ctx)
{
	char		 tok[SESS_HEX + 1];
	char		*key = NULL;
	const char	*login;
	struct tarena	*ta;
	struct tval	*v;
	sqlite3_stmt	*st;
	long long	 id;
	int		 r, rc = 0;

	if (ctx->req.env.method == METHOD_POST &&
	    (login = field(ctx, KSRC_BODY, KEY_LOGIN_ID)) != NULL &&
	    (key = text_normalize(login)) != NULL) {
		if (!sess_db(ctx) ||
		    (st = db_prep(ctx->db, sql[STMT_M_RESET])) == NULL)
			goto out;
		db_bind_text(st, 1, key);
		if ((r = db_row(ctx->db, st)) < 0)
			goto out;
		if (r > 0) {
			id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			if (!new_token(ctx, "reset_password", "member", id,
			    RESET_TTL, tok))
				goto out;
			/*
			 * TODO(mail): queue the link base_url + cgi_path +
			 * "/setpw?t=" + tok with outbox_enqueue() (lib/outbox.h),
			 * to the member's address opened from email_ct, in the
			 * same transaction as the token.
			 */
			sodium_memzero(tok, sizeof(tok));
		}
	}
	ta = tarena_new();
	v = page_vars(ctx, ta);
	tv_set_bool(v, "done", ctx->req.env.method == METHOD_POST);
	rc = show(ctx, ta, v, "reset", "パスワードの再設定");
out:
	free(key);
	return rc;
}

/*
 * Look up a set/reset token: 1 and *p, *id if it is unused and not
 * expired, 0 if not, -1 on error.
 */
static int
token_get(struct ctx *ctx, const char *tok, enum principal *p,
    long long *id)
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
	sqlite3_reset(st);
	return 1;
}

/*
 * /setpw?t=TOKEN: set a password from the staff set-password link or a
 * member's reset link.  The token is consumed only on success.
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
	int		 post, r = 0, done = 0;

	post = ctx->req.env.method == METHOD_POST;
	tok = field(ctx, post ? KSRC_BODY : KSRC_QUERY, KEY_TOKEN);
	if (!sess_db(ctx))
		return 0;
	if (tok != NULL && (r = token_get(ctx, tok, &p, &id)) < 0)
		return 0;
	ta = tarena_new();
	v = page_vars(ctx, ta);
	if (r == 0)
		err = "このURLは無効です。有効期限（発行から一定時間）が"
		    "過ぎたか、すでに使われています。お手数ですが、"
		    "もう一度手続きをしてください。";
	else if (post && (err = new_password(ctx)) == NULL) {
		sess_sha256(tok, h);
		if (!db_begin(ctx->db))
			goto fail;
		if ((st = db_prep(ctx->db, sql[STMT_TOK_USE])) == NULL ||
		    (db_bind_blob(st, 1, h, sizeof(h)),
		    db_bind_int(st, 2, ctx->now), !db_run(ctx->db, st)) ||
		    db_changes(ctx->db) != 1 ||
		    !store_password(ctx, p, id,
		    field(ctx, KSRC_BODY, KEY_NEWPW)) ||
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
	return show(ctx, ta, v, "setpw", "パスワードの設定");
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
	return show(ctx, ta, v, "admin", heading);
}

/* /mypage: a member's page (stub). */
int
auth_mypage(struct ctx *ctx)
{
	struct tarena	*ta = tarena_new();

	return show(ctx, ta, page_vars(ctx, ta), "mypage", "マイページ");
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
