/*
 * mail.c: `kenmin-gen mail`, the outbox sender: claims due mails one at
 * a time, builds each message and hands it to SMTP with libcurl, then
 * records sent, retry with backoff, or dead (and counts the bounce);
 * `kenmin-gen mail --list-dead` lists what staff must look at.
 */
#include <ctype.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "util.h"
#include "extern.h"

#define FROM_NAME	"やまぐち県民活動支援センター"
#define LEASE_SEC	600	/* a claim older than this is taken back */
#define PASSWORD_MAX	1024
#define ERR_MAX		200

enum stmt {
	STMT_RECOVER,
	STMT_NEXT,
	STMT_CLAIM,
	STMT_LOAD,
	STMT_SENT,
	STMT_RETRY,
	STMT_DEAD,
	STMT_BOUNCE_MEMBER,
	STMT_BOUNCE_SUB,
	STMT_LIST_DEAD,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_RECOVER: a sender died mid-message; its lease has run out */
	"UPDATE outbox SET state = 'failed', "
	"last_error = 'interrupted while sending' "
	"WHERE channel = 'mail' AND state = 'sending' AND next_at <= ?1",
	/* STMT_NEXT */
	"SELECT id FROM outbox WHERE channel = 'mail' "
	"AND state IN ('queued', 'failed') AND next_at <= ?1 "
	"ORDER BY next_at, id LIMIT 1",
	/* STMT_CLAIM: only one sender wins a row */
	"UPDATE outbox SET state = 'sending', next_at = ?2 "
	"WHERE id = ?1 AND state IN ('queued', 'failed') AND next_at <= ?3",
	/* STMT_LOAD */
	"SELECT template, to_ct, reply_to_ct, bcc_center, subject, body_ct, "
	"list_unsubscribe, attempts FROM outbox WHERE id = ?1",
	/* STMT_SENT */
	"UPDATE outbox SET state = 'sent', sent_at = ?2, "
	"attempts = attempts + 1, last_error = NULL WHERE id = ?1",
	/* STMT_RETRY */
	"UPDATE outbox SET state = CASE WHEN attempts + 1 >= ?3 "
	"THEN 'dead' ELSE 'failed' END, attempts = attempts + 1, "
	"next_at = ?2, last_error = ?4 WHERE id = ?1",
	/* STMT_DEAD */
	"UPDATE outbox SET state = 'dead', attempts = attempts + 1, "
	"last_error = ?2 WHERE id = ?1",
	/* STMT_BOUNCE_MEMBER */
	"UPDATE member SET bounce_count = bounce_count + 1 "
	"WHERE email_bidx = ?1",
	/* STMT_BOUNCE_SUB */
	"UPDATE subscriber SET bounce_count = bounce_count + 1, "
	"updated_at = ?2 WHERE email_bidx = ?1",
	/* STMT_LIST_DEAD */
	"SELECT id, template, to_ct, coalesce(last_error, '') FROM outbox "
	"WHERE channel = 'mail' AND state = 'dead' ORDER BY id",
};

/* Seconds to wait before attempt n+1 after n failed attempts. */
static int64_t
backoff(int64_t attempts)
{
	static const int64_t steps[] = { 60, 300, 900, 3600, 10800, 21600 };

	if (attempts < 1)
		attempts = 1;
	if ((size_t)attempts > KENMIN_NELEM(steps))
		return steps[KENMIN_NELEM(steps) - 1];
	return steps[attempts - 1];
}

/* One opened outbox row; every string owned here. */
struct row {
	int64_t		 id;
	int64_t		 attempts;
	char		*template;
	char		*to;
	char		*reply_to;
	char		*bcc_center;
	char		*subject;
	char		*body;
	char		*list_unsubscribe;
};

static void
row_free(struct row *r)
{
	free(r->template);
	free(r->to);
	free(r->reply_to);
	free(r->bcc_center);
	free(r->subject);
	if (r->body != NULL) {
		sodium_memzero(r->body, strlen(r->body));
		free(r->body);
	}
	free(r->list_unsubscribe);
	memset(r, 0, sizeof(*r));
}

/* Open the sealed column col of st into *out (NULL stays NULL). */
static int
open_col(const struct keys *k, sqlite3_stmt *st, int col,
    const char *column, int64_t id, char **out)
{
	struct buf	 pt;
	int		 rc;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 1;
	buf_init(&pt, 0);
	rc = crypto_open(k, "outbox", column, id, sqlite3_column_blob(st, col),
	    (size_t)sqlite3_column_bytes(st, col), &pt);
	if (rc)
		*out = xstrdup(buf_str(&pt));
	if (pt.p != NULL)
		sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	return rc;
}

static char *
col_dup(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	return xstrdup(db_col_text(st, col));
}

/* Load and open row id.  1 ok, 0 db error, -1 sealed fields don't open. */
static int
row_load(struct gen *g, int64_t id, struct row *r)
{
	sqlite3_stmt	*st;
	int		 ok;

	memset(r, 0, sizeof(*r));
	r->id = id;
	if ((st = db_prep(g->db, sql[STMT_LOAD])) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	if (db_row(g->db, st) != 1)
		return 0;
	r->template = col_dup(st, 0);
	r->bcc_center = col_dup(st, 3);
	r->subject = col_dup(st, 4);
	r->list_unsubscribe = col_dup(st, 6);
	r->attempts = sqlite3_column_int64(st, 7);
	ok = open_col(g->keys, st, 1, "to_ct", id, &r->to) &&
	    open_col(g->keys, st, 2, "reply_to_ct", id, &r->reply_to) &&
	    open_col(g->keys, st, 5, "body_ct", id, &r->body) &&
	    r->to != NULL && r->body != NULL;
	sqlite3_reset(st);
	return ok ? 1 : -1;
}

/* What one SMTP transaction did. */
struct xfer {
	const char	*p;		/* message left to upload */
	size_t		 left;
	int		 rcpts;		/* RCPT TO commands sent so far */
	int		 data;		/* DATA sent */
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;

	if (n > x->left)
		n = x->left;
	memcpy(dst, x->p, n);
	x->p += n;
	x->left -= n;
	return n;
}

/*
 * Watch the commands curl sends, to know at which step a reply came
 * (the recipient's RCPT, the center's, or DATA).  Nothing is printed:
 * bodies and addresses never reach a log.
 */
static int
debug_cb(CURL *c, curl_infotype type, char *data, size_t sz, void *arg)
{
	struct xfer	*x = arg;

	(void)c;
	if (type != CURLINFO_HEADER_OUT)
		return 0;
	if (sz >= 8 && strncasecmp(data, "RCPT TO:", 8) == 0)
		x->rcpts++;
	else if (sz >= 4 && strncasecmp(data, "DATA", 4) == 0)
		x->data = 1;
	return 0;
}

/* Read the SMTP password from path into out (trailing newline cut). */
static int
read_password(const char *path, char out[PASSWORD_MAX])
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		kerr("%s: cannot open the SMTP password file", path);
		return 0;
	}
	n = read(fd, out, PASSWORD_MAX - 1);
	close(fd);
	if (n < 0) {
		kerr("%s: cannot read the SMTP password file", path);
		return 0;
	}
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 1;
}

enum result {
	RES_SENT,
	RES_TEMP,	/* 4xx or no answer: retry later */
	RES_PERM,	/* 5xx not tied to the recipient: dead */
	RES_BOUNCE,	/* 5xx for the recipient's RCPT: dead and counted */
	RES__MAX
};

/*
 * Send msg to r->to (and the center, envelope only).  err gets a short
 * reason without addresses.
 */
static enum result
smtp_send(struct gen *g, const struct row *r, const struct buf *msg,
    char err[ERR_MAX])
{
	const struct config	*cfg = g->cfg;
	CURL			*c;
	struct curl_slist	*rcpt = NULL;
	struct xfer		 x;
	struct buf		 from, to, center;
	char			 pw[PASSWORD_MAX];
	const char		*caddr = NULL;
	CURLcode		 cc;
	long			 code = 0;
	enum result		 res = RES_TEMP;

	pw[0] = '\0';
	buf_init(&from, 512);
	buf_init(&to, 512);
	buf_init(&center, 512);
	memset(&x, 0, sizeof(x));
	x.p = msg->p;
	x.left = msg->len;
	snprintf(err, ERR_MAX, "internal error");

	if (r->bcc_center != NULL)
		caddr = strcmp(r->bcc_center, "aikasa") == 0 ?
		    cfg->center_aikasa : cfg->center_supernet;
	buf_printf(&from, "<%s>", cfg->mail_from);
	buf_printf(&to, "<%s>", r->to);
	rcpt = curl_slist_append(rcpt, buf_str(&to));
	if (caddr != NULL && caddr[0] != '\0' && outbox_addr_ok(caddr)) {
		buf_printf(&center, "<%s>", caddr);
		rcpt = curl_slist_append(rcpt, buf_str(&center));
	}
	if (cfg->smtp_user[0] != '\0' && cfg->smtp_password_file[0] != '\0' &&
	    !read_password(cfg->smtp_password_file, pw)) {
		snprintf(err, ERR_MAX, "SMTP password file unreadable");
		goto out;
	}
	if ((c = curl_easy_init()) == NULL)
		goto out;
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, buf_str(&from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &x);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &x);
	if (cfg->smtp_tls == TLS_STARTTLS || cfg->smtp_tls == TLS_SMTPS)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->smtp_user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pw);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);

	if (cc == CURLE_OK) {
		res = RES_SENT;
		snprintf(err, ERR_MAX, "sent");
	} else if (code >= 500 && code <= 599) {
		res = RES_PERM;
		if (x.rcpts == 1 && !x.data)
			res = RES_BOUNCE;
		snprintf(err, ERR_MAX, "%ld at %s", code, x.data ? "DATA" :
		    x.rcpts == 1 ? "RCPT (recipient)" :
		    x.rcpts > 1 ? "RCPT (center)" : "MAIL FROM or login");
	} else if (code >= 400 && code <= 499)
		snprintf(err, ERR_MAX, "%ld at %s", code, x.data ? "DATA" :
		    x.rcpts > 0 ? "RCPT" : "MAIL FROM or login");
	else
		snprintf(err, ERR_MAX, "%s (curl %d)", curl_easy_strerror(cc),
		    (int)cc);
out:
	sodium_memzero(pw, sizeof(pw));
	curl_slist_free_all(rcpt);
	buf_free(&from);
	buf_free(&to);
	buf_free(&center);
	return res;
}

/* Count a permanent failure against every record with this address. */
static int
count_bounce(struct gen *g, const char *addr)
{
	sqlite3_stmt	*st;
	unsigned char	 h[BIDX_SZ];
	char		*low;
	size_t		 i;

	low = xstrdup(addr);
	for (i = 0; low[i] != '\0'; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	crypto_bidx(g->keys, "email", low, h);
	free(low);
	if ((st = db_prep(g->db, sql[STMT_BOUNCE_MEMBER])) == NULL)
		return 0;
	db_bind_blob(st, 1, h, sizeof(h));
	if (!db_run(g->db, st))
		return 0;
	if ((st = db_prep(g->db, sql[STMT_BOUNCE_SUB])) == NULL)
		return 0;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_int(st, 2, (int64_t)time(NULL));
	return db_run(g->db, st);
}

/* Mark id dead with err; count the bounce when addr is not NULL. */
static int
mark_dead(struct gen *g, int64_t id, const char *err, const char *addr)
{
	sqlite3_stmt	*st;

	if (!db_begin(g->db))
		return 0;
	if ((st = db_prep(g->db, sql[STMT_DEAD])) == NULL)
		goto fail;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, err);
	if (!db_run(g->db, st))
		goto fail;
	if (addr != NULL && !count_bounce(g, addr))
		goto fail;
	return db_commit(g->db);
fail:
	db_rollback(g->db);
	return 0;
}

struct tally {
	int		 sent, retry, dead;
};

/* Build and send claimed row id, record the outcome.  0 on db error. */
static int
send_one(struct gen *g, int64_t id, struct tally *t)
{
	struct row	 r;
	struct outmsg	 m;
	struct buf	 msg;
	sqlite3_stmt	*st;
	char		 err[ERR_MAX], rnd[17];
	enum result	 res;
	int		 lr, rc = 0;

	buf_init(&msg, OUTBOX_BODY_MAX * 3);
	if ((lr = row_load(g, id, &r)) == 0)
		goto out;
	if (lr < 0) {
		kerr("mail %lld: sealed fields do not open", (long long)id);
		t->dead++;
		rc = mark_dead(g, id, "sealed fields do not open", NULL);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	crypto_token_hex(rnd, 8);
	m.id = id;
	m.from = g->cfg->mail_from;
	m.from_name = FROM_NAME;
	m.to = r.to;
	m.reply_to = r.reply_to;
	m.subject = r.subject;
	m.body = r.body;
	m.list_unsubscribe = r.list_unsubscribe;
	m.date = time(NULL);
	m.msgid_rand = rnd;
	if (!outbox_message(&m, &msg)) {
		t->dead++;
		rc = mark_dead(g, id, "unsafe header field", NULL);
		goto out;
	}

	res = smtp_send(g, &r, &msg, err);
	switch (res) {
	case RES_SENT:
		if ((st = db_prep(g->db, sql[STMT_SENT])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)time(NULL));
		rc = db_run(g->db, st);
		t->sent++;
		break;
	case RES_TEMP:
		kerr("mail %lld (%s): %s", (long long)id, r.template, err);
		if ((st = db_prep(g->db, sql[STMT_RETRY])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)time(NULL) +
		    backoff(r.attempts + 1));
		db_bind_int(st, 3, g->cfg->mail_max_attempts);
		db_bind_text(st, 4, err);
		rc = db_run(g->db, st);
		if (r.attempts + 1 >= g->cfg->mail_max_attempts)
			t->dead++;
		else
			t->retry++;
		break;
	case RES_PERM:
	case RES_BOUNCE:
		kerr("mail %lld (%s): %s", (long long)id, r.template, err);
		t->dead++;
		rc = mark_dead(g, id, err, res == RES_BOUNCE ? r.to : NULL);
		break;
	default:
		break;
	}
out:
	row_free(&r);
	if (msg.p != NULL)
		sodium_memzero(msg.p, msg.len);
	buf_free(&msg);
	return rc;
}

/* --list-dead: id, template, masked recipient, last error. */
static int
list_dead(struct gen *g)
{
	sqlite3_stmt	*st;
	struct buf	 pt, masked;
	int64_t		 id;
	int		 r, rc = 0;

	buf_init(&pt, 0);
	buf_init(&masked, 1024);
	if ((st = db_prep(g->db, sql[STMT_LIST_DEAD])) == NULL)
		goto out;
	while ((r = db_row(g->db, st)) == 1) {
		id = sqlite3_column_int64(st, 0);
		buf_reset(&masked);
		if (crypto_open(g->keys, "outbox", "to_ct", id,
		    sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2), &pt))
			audit_mask_email(buf_str(&pt), &masked);
		else
			buf_puts(&masked, "(開封できません)");
		printf("%lld\t%s\t%s\t%s\n", (long long)id,
		    db_col_text(st, 1), buf_str(&masked), db_col_text(st, 3));
	}
	rc = r == 0;
out:
	buf_free(&pt);
	buf_free(&masked);
	return rc;
}

int
cmd_mail(struct gen *g, int argc, char *argv[])
{
	sqlite3_stmt	*st;
	struct tally	 t;
	int64_t		 start, id;
	int		 r, rc = 0, inited = 0;

	memset(&t, 0, sizeof(t));
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--list-dead") != 0)) {
		kerr("usage: mail [--list-dead]");
		return 0;
	}
	if (!gen_load_keys(g, 0) || !gen_open_db(g, 0))
		return 0;
	if (argc == 2)
		return list_dead(g);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		kerr("curl_global_init failed");
		return 0;
	}
	inited = 1;
	/* Rows retried in this run get next_at > start: one try per run. */
	start = (int64_t)time(NULL);
	if ((st = db_prep(g->db, sql[STMT_RECOVER])) == NULL)
		goto out;
	db_bind_int(st, 1, start);
	if (!db_run(g->db, st))
		goto out;
	for (;;) {
		if ((st = db_prep(g->db, sql[STMT_NEXT])) == NULL)
			goto out;
		db_bind_int(st, 1, start);
		if ((r = db_row(g->db, st)) < 0)
			goto out;
		if (r == 0)
			break;
		id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if ((st = db_prep(g->db, sql[STMT_CLAIM])) == NULL)
			goto out;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)time(NULL) + LEASE_SEC);
		db_bind_int(st, 3, start);
		if (!db_run(g->db, st))
			goto out;
		if (db_changes(g->db) == 0)
			continue;	/* another sender took it */
		if (!send_one(g, id, &t))
			goto out;
	}
	rc = 1;
out:
	printf("mail: %d sent, %d to retry, %d dead\n", t.sent, t.retry,
	    t.dead);
	if (inited)
		curl_global_cleanup();
	return rc;
}
