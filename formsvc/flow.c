/*
 * flow.c: the pieces every form flow shares: rendering a screen with
 * its title and CSRF token, absolute links for mails, binding sealed
 * and master-data values, single-use tokens, the audit row of the
 * request, the two kinds of mail (to a person, to the center) and the
 * publish queue an approval writes to.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <sodium.h>

#include "buf.h"
#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

enum stmt {
	STMT_TOK_ADD,
	STMT_TOK_GET,
	STMT_TOK_USE,
	STMT_PAGE,
	STMT_PUBQ,
	STMT_RATE,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_TOK_ADD */
	"INSERT INTO token (hash, purpose, subject_kind, subject_id, "
	"payload_ct, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7)",
	/* STMT_TOK_GET */
	"SELECT subject_kind, subject_id, payload_ct FROM token WHERE "
	"hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3",
	/* STMT_TOK_USE */
	"UPDATE token SET used_at = ?3 WHERE hash = ?1 AND purpose = ?2 AND "
	"used_at IS NULL AND expires_at > ?3",
	/* STMT_PAGE */
	"SELECT title, body FROM page WHERE site = ?1 AND slug = ?2 AND "
	"state = 'public'",
	/* STMT_PUBQ */
	"INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_RATE: count one use in its window, a new window when over */
	"INSERT INTO rate_limit (bucket, window_start, count) "
	"VALUES (?1, ?2, 1) ON CONFLICT (bucket) DO UPDATE SET "
	"count = CASE WHEN ?2 - window_start >= ?3 THEN 1 ELSE count + 1 END, "
	"window_start = CASE WHEN ?2 - window_start >= ?3 THEN ?2 "
	"ELSE window_start END RETURNING count",
};

/*
 * Render the template name with v into the layout, the title prefixed
 * with 「エラー：」 when errors is set (JIS 3.3.1), and the CSRF token
 * of the session added.  Frees ta.  1 ok, 0 error.
 */
int
flow_show(struct ctx *ctx, struct tarena *ta, struct tval *v,
    const char *name, const char *title, int errors)
{
	struct buf	 t;
	int		 rc;

	buf_init(&t, 1024);
	if (errors)
		buf_puts(&t, "エラー：");
	buf_puts(&t, title);
	tv_set_str(v, "csrf", sess_csrf(ctx));
	rc = buf_ok(&t) && page_render(ctx, name, buf_str(&t), v);
	buf_free(&t);
	tarena_free(ta);
	return rc;
}

/* The body's value of key k, valid or not (the form says why), or NULL. */
const char *
flow_body(const struct ctx *ctx, enum key k)
{
	const struct kfield	*f;

	if ((f = req_get(&ctx->req, KSRC_BODY, k)) == NULL)
		f = req_get_invalid(&ctx->req, KSRC_BODY, k);
	return f != NULL ? f->val : NULL;
}

/* "{base_url}{cgi_path}PATH" appended to b: a link for a mail. */
void
flow_abs_url(const struct ctx *ctx, struct buf *b, const char *path)
{
	size_t	 n;

	buf_puts(b, ctx->cfg->base_url);
	n = strlen(ctx->cfg->cgi_path);
	while (n > 0 && ctx->cfg->cgi_path[n - 1] == '/')
		n--;
	buf_putn(b, ctx->cfg->cgi_path, n);
	buf_puts(b, path);
}

/*
 * Seal value for (table, column, id) into bind slot n of st; NULL or
 * "" binds SQL NULL.  tmp holds the ciphertext until the statement
 * ran.  1 ok, 0 error.
 */
int
flow_bind_sealed(struct ctx *ctx, sqlite3_stmt *st, int n,
    const char *table, const char *column, int64_t id, const char *value,
    struct buf *tmp)
{
	if (value == NULL || *value == '\0') {
		db_bind_text(st, n, NULL);
		return 1;
	}
	if (!sess_keys(ctx) || !crypto_seal(ctx->keys, table, column, id,
	    value, strlen(value), tmp))
		return 0;
	db_bind_blob(st, n, tmp->p, tmp->len);
	return 1;
}

/* Bind an option id (a master-table key) or NULL. */
void
flow_bind_id(sqlite3_stmt *st, int n, const char *value)
{
	long long	 id;

	if (value != NULL && util_strtoll(value, 0, INT32_MAX, &id))
		db_bind_int(st, n, id);
	else
		db_bind_text(st, n, NULL);
}

/*
 * Open the sealed column at index col of the current row of st into
 * out (replaced; "" for NULL).  1 ok, 0 if it does not open.
 */
int
flow_col_open(struct ctx *ctx, sqlite3_stmt *st, int col, const char *table,
    const char *column, int64_t id, struct buf *out)
{
	const void	*p;
	int		 n;

	buf_reset(out);
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		buf_puts(out, "");
		return buf_ok(out);
	}
	p = sqlite3_column_blob(st, col);
	n = sqlite3_column_bytes(st, col);
	return sess_keys(ctx) && crypto_open(ctx->keys, table, column, id, p,
	    (size_t)n, out);
}

/*
 * Store a new single-use token for (purpose, kind, id), valid for ttl
 * seconds, with payload (may be NULL) sealed to the token row.  The
 * plain token (256 bits as hex) goes to out; only its SHA-256 is
 * stored.  In the caller's write transaction.  1 ok, 0 error.
 */
int
flow_token_new(struct ctx *ctx, const char *purpose, const char *kind,
    int64_t id, long long ttl, const char *payload, char out[SESS_HEX + 1])
{
	unsigned char	 h[32];
	struct buf	 ct;
	sqlite3_stmt	*st;
	int		 rc = 0;

	buf_init(&ct, 1024 * 1024);
	crypto_token_hex(out, SESS_HEX / 2);
	sess_sha256(out, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_ADD])) == NULL)
		goto out;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_text(st, 2, purpose);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, id);
	if (!flow_bind_sealed(ctx, st, 5, "token", purpose, id, payload,
	    &ct)) {
		sqlite3_reset(st);
		goto out;
	}
	db_bind_int(st, 6, ctx->now);
	db_bind_int(st, 7, ctx->now + ttl);
	rc = db_run(ctx->db, st);
out:
	buf_free(&ct);
	return rc;
}

/*
 * Look up an unused, unexpired token of purpose: 1 with its subject
 * (kind copied into kind[kindsz], id) and, if payload is not NULL, its
 * opened payload ("" if none); 0 if there is no such token; -1 error.
 */
int
flow_token_get(struct ctx *ctx, const char *purpose, const char *tok,
    char *kind, size_t kindsz, int64_t *id, struct buf *payload)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	size_t		 n;
	int		 r;

	if (tok == NULL || !sess_db(ctx))
		return tok == NULL ? 0 : -1;
	sess_sha256(tok, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_GET])) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_text(st, 2, purpose);
	db_bind_int(st, 3, ctx->now);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	if (kind != NULL && kindsz > 0) {
		n = strlen(db_col_text(st, 0));
		if (n >= kindsz)
			n = kindsz - 1;
		memcpy(kind, db_col_text(st, 0), n);
		kind[n] = '\0';
	}
	*id = sqlite3_column_int64(st, 1);
	if (payload != NULL && !flow_col_open(ctx, st, 2, "token", purpose,
	    *id, payload)) {
		sqlite3_reset(st);
		kerr("token: payload does not open");
		return -1;
	}
	sqlite3_reset(st);
	return 1;
}

/*
 * Mark the token used, in the caller's write transaction: 1 if this
 * call used it, 0 if it was used, expired or unknown (a race lost),
 * -1 on error.
 */
int
flow_token_use(struct ctx *ctx, const char *purpose, const char *tok)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;

	sess_sha256(tok, h);
	if ((st = db_prep(ctx->db, sql[STMT_TOK_USE])) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_text(st, 2, purpose);
	db_bind_int(st, 3, ctx->now);
	if (!db_run(ctx->db, st))
		return -1;
	return db_changes(ctx->db) == 1;
}

/*
 * Count one use of bucket (a name such as "contact:ADDRESS") in a
 * window of window seconds: 1 if it is within max uses, 0 if over, -1
 * on error.  In the caller's transaction if it has one, so a refused
 * action that rolls back does not count.
 */
int
flow_rate(struct ctx *ctx, const char *bucket, long long window,
    long long max)
{
	sqlite3_stmt	*st;
	long long	 n;

	if ((st = db_prep(ctx->db, sql[STMT_RATE])) == NULL)
		return -1;
	db_bind_text(st, 1, bucket);
	db_bind_int(st, 2, ctx->now);
	db_bind_int(st, 3, window);
	if (db_row(ctx->db, st) != 1)
		return -1;
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n <= max;
}

/*
 * One audit row for this request: the actor is the session (member or
 * staff) or the public; detail must already be masked.  In the
 * caller's write transaction.  1 ok, 0 error.
 */
int
flow_audit(struct ctx *ctx, const char *action, const char *target_kind,
    int64_t target_id, const char *detail)
{
	struct audit_ev	 ev;

	if (!sess_keys(ctx))
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.at = ctx->now;
	if (ctx->sess == NULL)
		ev.actor_kind = "public";
	else {
		ev.actor_kind = ctx->sess->principal == PRINC_STAFF ?
		    "staff" : "member";
		ev.actor_id = ctx->sess->pid;
	}
	ev.action = action;
	ev.target_kind = target_kind;
	ev.target_id = target_id;
	ev.detail = detail;
	ev.ip = ctx->req.env.remote != NULL && ctx->req.env.remote[0] != '\0' ?
	    ctx->req.env.remote : NULL;
	return audit_log(ctx->db, ctx->keys, &ev);
}

/*
 * Queue a mail to one person (to is the plain address) in the caller's
 * transaction.  The subject is ours; values a user typed go only into
 * the body.  1 ok, 0 refused or error (printed).
 */
int
flow_mail(struct ctx *ctx, const char *tmpl, const char *to,
    const char *subject, const char *body)
{
	return flow_mail_reply(ctx, tmpl, to, NULL, NULL, subject, body);
}

/*
 * flow_mail() with a Reply-To (the person who wrote, so that the
 * addressee can answer them directly; NULL for none) and, with
 * bcc_site ("supernet" or "aikasa"; NULL for none), the center of that
 * site as a hidden recipient.
 */
int
flow_mail_reply(struct ctx *ctx, const char *tmpl, const char *to,
    const char *reply, const char *bcc_site, const char *subject,
    const char *body)
{
	struct mail	 m;

	if (!sess_keys(ctx))
		return 0;
	memset(&m, 0, sizeof(m));
	m.template = tmpl;
	m.to = to;
	m.reply_to = reply;
	m.bcc_center = bcc_site;
	m.subject = subject;
	m.body = body;
	return outbox_enqueue(ctx->db, ctx->keys, &m, NULL);
}

/* A mail to the center of site ("supernet" or "aikasa"). */
int
flow_mail_center(struct ctx *ctx, const char *site, const char *tmpl,
    const char *subject, const char *body)
{
	return flow_mail(ctx, tmpl, strcmp(site, "aikasa") == 0 ?
	    ctx->cfg->center_aikasa : ctx->cfg->center_supernet, subject,
	    body);
}

/*
 * Queue (kind, id) for the next publish, in the caller's transaction;
 * kind is one of the generator's kinds (org, event, member, posting,
 * upload …).  After the commit, flow_publish_now() starts it.
 */
int
flow_publish(struct ctx *ctx, const char *kind, int64_t id,
    const char *reason)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(ctx->db, sql[STMT_PUBQ])) == NULL)
		return 0;
	db_bind_text(st, 1, kind);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, reason);
	db_bind_int(st, 4, ctx->now);
	return db_run(ctx->db, st);
}

/* Start the publish of what flow_publish() queued (detached). */
int
flow_publish_now(struct ctx *ctx)
{
	return spawn_gen(ctx->cfg, "publish");
}

/*
 * The fixed page (site, slug) as HTML into v: var_title and var_html,
 * and has_VAR_HTML set.  Raw HTML in the Markdown is not passed on.
 * 1 ok (also when the page does not exist), 0 error.
 */
int
flow_page_md(struct ctx *ctx, struct tval *v, const char *site,
    const char *slug, const char *var_title, const char *var_html)
{
	sqlite3_stmt	*st;
	const char	*md;
	char		*html;
	struct buf	 has;
	int		 r;

	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_PAGE])) == NULL)
		return 0;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, slug);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r == 0;
	tv_set_str(v, var_title, db_col_text(st, 0));
	md = db_col_text(st, 1);
	html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
	sqlite3_reset(st);
	if (html == NULL)
		return 0;
	tv_set_html(v, var_html, html);
	free(html);
	buf_init(&has, 128);
	buf_printf(&has, "has_%s", var_html);
	if (buf_ok(&has))
		tv_set_bool(v, buf_str(&has), 1);
	buf_free(&has);
	return 1;
}
