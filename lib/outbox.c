/*
 * outbox.c: validating and queueing mails (sealed at rest) and building
 * the RFC 5322 message the sender hands to SMTP.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "text.h"
#include "util.h"

enum stmt {
	STMT_INSERT,
	STMT_SEAL,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_INSERT: placeholders for the sealed columns, sealed next */
	"INSERT INTO outbox (template, to_ct, bcc_center, subject, body_ct, "
	"list_unsubscribe, state, next_at, created_at) "
	"VALUES (?1, x'', ?2, ?3, x'', ?4, 'queued', ?5, ?5)",
	/* STMT_SEAL */
	"UPDATE outbox SET to_ct = ?2, reply_to_ct = ?3, body_ct = ?4 "
	"WHERE id = ?1",
};

/* RFC 5322 atext. */
static int
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

int
outbox_addr_ok(const char *s)
{
	const char	*at, *p, *label;
	size_t		 len, labels = 0;

	if (s == NULL || (len = strlen(s)) == 0 || len > OUTBOX_ADDR_MAX)
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at == s || (size_t)(at - s) > OUTBOX_LOCAL_MAX)
		return 0;
	/* Local part: dot-atom, no leading, trailing or double dot. */
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p + 1 == at || p[1] == '.')
				return 0;
		} else if (!is_atext((unsigned char)*p))
			return 0;
	}
	/* Domain: LDH labels of 1..63, at least two, TLD not numeric. */
	label = at + 1;
	for (p = label;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 ||
			    *label == '-' || p[-1] == '-')
				return 0;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!is_ldh((unsigned char)*p))
			return 0;
	}
	if (labels < 2)
		return 0;
	for (p = label; *p != '\0'; p++)
		if (!(*p >= '0' && *p <= '9'))
			return 1;
	return 0;
}

int
outbox_hdrtext_ok(const char *s, size_t max)
{
	size_t	 len, i;

	if (s == NULL || (len = strlen(s)) > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	/* C1 controls (U+0080..U+009F) and line/paragraph separators */
	for (i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xc2 &&
		    (unsigned char)s[i + 1] < 0xa0)
			return 0;
	for (i = 0; i + 2 < len; i++)
		if ((unsigned char)s[i] == 0xe2 &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		    (unsigned char)s[i + 2] == 0xa9))
			return 0;
	return text_utf8_valid(s, len);
}

/* 1 if the template key is [a-z0-9_.-]{1,OUTBOX_KEY_MAX}. */
static int
key_ok(const char *s)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0' || strlen(s) > OUTBOX_KEY_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* 1 if u is an http(s) URL safe between "<" and ">" in a header. */
static int
url_ok(const char *u)
{
	size_t	 i;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	if (strlen(u) > OUTBOX_URL_MAX)
		return 0;
	for (i = 0; u[i] != '\0'; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f ||
		    u[i] == '<' || u[i] == '>' || u[i] == '"' || u[i] == ',')
			return 0;
	return 1;
}

/* 1 if body is valid UTF-8 of at most OUTBOX_BODY_MAX bytes. */
static int
body_ok(const char *s)
{
	size_t	 len;

	if (s == NULL || (len = strlen(s)) > OUTBOX_BODY_MAX)
		return 0;
	return text_utf8_valid(s, len);
}

/*
 * Check every field; 1 ok, 0 with the reason printed.  Field values are
 * never printed (they may be personal data or an attack).
 */
static int
mail_ok(const struct mail *m)
{
	if (!key_ok(m->template)) {
		kerr("outbox: bad template key");
		return 0;
	}
	if (!outbox_addr_ok(m->to)) {
		kerr("outbox %s: recipient is not a plain address",
		    m->template);
		return 0;
	}
	if (m->reply_to != NULL && !outbox_addr_ok(m->reply_to)) {
		kerr("outbox %s: Reply-To is not a plain address",
		    m->template);
		return 0;
	}
	if (m->bcc_center != NULL && strcmp(m->bcc_center, "supernet") != 0 &&
	    strcmp(m->bcc_center, "aikasa") != 0) {
		kerr("outbox %s: bcc_center must be supernet or aikasa",
		    m->template);
		return 0;
	}
	if (m->subject == NULL || m->subject[0] == '\0' ||
	    !outbox_hdrtext_ok(m->subject, OUTBOX_SUBJECT_MAX)) {
		kerr("outbox %s: subject empty, too long or with control "
		    "characters", m->template);
		return 0;
	}
	if (!body_ok(m->body)) {
		kerr("outbox %s: body not UTF-8 or too long", m->template);
		return 0;
	}
	if (m->list_unsubscribe != NULL && !url_ok(m->list_unsubscribe)) {
		kerr("outbox %s: bad List-Unsubscribe URL", m->template);
		return 0;
	}
	return 1;
}

/* Seal a NUL-terminated value and bind it; NULL binds SQL NULL. */
static int
bind_sealed(const struct keys *k, sqlite3_stmt *st, int col,
    const char *column, int64_t id, const char *pt, struct buf *ct)
{
	if (pt == NULL) {
		sqlite3_bind_null(st, col);
		return 1;
	}
	if (!crypto_seal(k, "outbox", column, id, pt, strlen(pt), ct))
		return 0;
	db_bind_blob(st, col, ct->p, ct->len);
	return 1;
}

int
outbox_enqueue(struct db *db, const struct keys *k, const struct mail *m,
    int64_t *idp)
{
	sqlite3_stmt	*st;
	struct buf	 ct_to, ct_rt, ct_body;
	int64_t		 id;
	int		 rc = 0;

	buf_init(&ct_to, 0);
	buf_init(&ct_rt, 0);
	buf_init(&ct_body, 0);
	if (!mail_ok(m))
		goto out;
	if (sqlite3_get_autocommit(db_handle(db))) {
		kerr("outbox_enqueue: not inside a transaction");
		goto out;
	}
	if ((st = db_prep(db, sql[STMT_INSERT])) == NULL)
		goto out;
	db_bind_text(st, 1, m->template);
	db_bind_text(st, 2, m->bcc_center);
	db_bind_text(st, 3, m->subject);
	db_bind_text(st, 4, m->list_unsubscribe);
	db_bind_int(st, 5, (int64_t)time(NULL));
	if (!db_run(db, st))
		goto out;
	id = db_last_id(db);

	if ((st = db_prep(db, sql[STMT_SEAL])) == NULL)
		goto out;
	db_bind_int(st, 1, id);
	if (!bind_sealed(k, st, 2, "to_ct", id, m->to, &ct_to) ||
	    !bind_sealed(k, st, 3, "reply_to_ct", id, m->reply_to, &ct_rt) ||
	    !bind_sealed(k, st, 4, "body_ct", id, m->body, &ct_body))
		goto out;
	if (!db_run(db, st))
		goto out;
	if (idp != NULL)
		*idp = id;
	rc = 1;
out:
	if (ct_body.p != NULL)
		sodium_memzero(ct_body.p, ct_body.len);
	buf_free(&ct_to);
	buf_free(&ct_rt);
	buf_free(&ct_body);
	return rc;
}

/* Append the base64 of p[0..n) (no line breaks). */
static void
b64(struct buf *out, const void *p, size_t n)
{
	char	 tmp[128];

	while (n > 0) {
		size_t	 c = n > 90 ? 90 : n;	/* 90 bytes → 120 chars */

		sodium_bin2base64(tmp, sizeof(tmp), p, c,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_puts(out, tmp);
		p = (const char *)p + c;
		n -= c;
	}
}

/* Length of the UTF-8 sequence starting with lead byte c (1 if bad). */
static size_t
u8len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * 36 bytes of UTF-8 make 48 base64 chars, a 60-char encoded-word: the
 * first fits after "Subject: " in 78 columns, and every word stays well
 * under the 75-char limit of RFC 2047.
 */
#define WORD_RAW	36
#define FROM_RAW	45	/* 72-char word: "From: " + word = 78 */

/* Encode s as words of at most raw bytes of UTF-8 each. */
static void
encode_words(const char *s, size_t raw, struct buf *out)
{
	size_t	 len = strlen(s), i = 0, n, c;
	int	 first = 1;

	do {
		/* Take whole characters up to WORD_RAW bytes. */
		n = 0;
		while (i + n < len) {
			c = u8len((unsigned char)s[i + n]);
			if (i + n + c > len)
				c = len - i - n;
			if (n + c > raw)
				break;
			n += c;
		}
		if (!first)
			buf_puts(out, "\r\n ");
		first = 0;
		buf_puts(out, "=?UTF-8?B?");
		b64(out, s + i, n);
		buf_puts(out, "?=");
		i += n;
	} while (i < len);
}

void
outbox_encode_words(const char *s, struct buf *out)
{
	encode_words(s, WORD_RAW, out);
}

void
outbox_base64_body(const char *s, struct buf *out)
{
	struct buf	 crlf;
	size_t		 i;

	buf_init(&crlf, OUTBOX_BODY_MAX * 2 + 2);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			buf_putc(&crlf, '\r');
		buf_putc(&crlf, s[i]);
	}
	/* 57 bytes → one 76-char line */
	for (i = 0; i < crlf.len; i += 57) {
		b64(out, crlf.p + i, crlf.len - i > 57 ? 57 : crlf.len - i);
		buf_puts(out, "\r\n");
	}
	if (!buf_ok(&crlf))
		out->overflow = 1;
	buf_free(&crlf);
}

void
outbox_date(time_t t, struct buf *out)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 jst = t + 9 * 3600;

	gmtime_r(&jst, &tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0900",
	    wday[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
outbox_message(const struct outmsg *m, struct buf *out)
{
	const char	*dom;

	buf_reset(out);
	if (!outbox_addr_ok(m->from) || !outbox_addr_ok(m->to) ||
	    (m->reply_to != NULL && !outbox_addr_ok(m->reply_to)) ||
	    !outbox_hdrtext_ok(m->subject, OUTBOX_SUBJECT_MAX) ||
	    (m->from_name != NULL &&
	    !outbox_hdrtext_ok(m->from_name, OUTBOX_SUBJECT_MAX)) ||
	    (m->list_unsubscribe != NULL && !url_ok(m->list_unsubscribe)) ||
	    !body_ok(m->body)) {
		kerr("outbox %lld: a header field is unsafe; not sent",
		    (long long)m->id);
		return 0;
	}
	dom = strchr(m->from, '@') + 1;

	buf_puts(out, "From: ");
	if (m->from_name != NULL && m->from_name[0] != '\0') {
		/*
		 * One word if it fits "From: " in 78 columns: some readers
		 * (Python's email among them) put a space between the
		 * words of a display name.
		 */
		encode_words(m->from_name, FROM_RAW, out);
		buf_puts(out, "\r\n ");
	}
	buf_printf(out, "<%s>\r\n", m->from);
	buf_printf(out, "To: %s\r\n", m->to);
	if (m->reply_to != NULL)
		buf_printf(out, "Reply-To: %s\r\n", m->reply_to);
	buf_puts(out, "Subject: ");
	outbox_encode_words(m->subject, out);
	buf_puts(out, "\r\nDate: ");
	outbox_date(m->date, out);
	buf_printf(out, "\r\nMessage-ID: <%lld.%s@%s>\r\n",
	    (long long)m->id, m->msgid_rand, dom);
	buf_puts(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n");
	if (m->list_unsubscribe != NULL)
		buf_printf(out, "List-Unsubscribe: <%s>\r\n"
		    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		    m->list_unsubscribe);
	buf_puts(out, "Auto-Submitted: auto-generated\r\n\r\n");
	outbox_base64_body(m->body, out);
	if (!buf_ok(out)) {
		kerr("outbox %lld: message too large", (long long)m->id);
		return 0;
	}
	return 1;
}
