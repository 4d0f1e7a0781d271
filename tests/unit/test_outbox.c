/*
 * test_outbox.c: outbox validation refuses header injection, queued
 * fields are sealed to their row, and the message builder makes valid
 * RFC 2047 / base64 / RFC 5322 output with no Bcc header.
 *
 * With arguments it is also the test driver of tests/cases/400_mail.sh
 * (no test commands live in the shipped kenmin-gen):
 *   test_outbox enqueue INI TEMPLATE TO SUBJECT BODYFILE [REPLYTO|- [BCC|- [UNSUB]]]
 *     queue one mail in its own transaction; prints "queued ID", exit 0,
 *     or exit 1 when outbox_enqueue() refuses it
 *   test_outbox bidx INI ADDRESS
 *     print the hex blind index ("email") of ADDRESS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "text.h"
#include "util.h"
#include "t.h"

static const char *const sql_count = "SELECT count(*) FROM outbox";
static const char *const sql_row =
    "SELECT to_ct, reply_to_ct, body_ct, state, subject, bcc_center "
    "FROM outbox WHERE id = ?1";

/* ---- driver mode ---- */

static char *
slurp(const char *path)
{
	struct buf	 b;
	FILE		*f;
	char		 tmp[4096];
	size_t		 n;

	buf_init(&b, 0);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_putn(&b, tmp, n);
	fclose(f);
	buf_putn(&b, "", 0);
	if (b.p == NULL)
		return xstrdup("");
	return buf_take(&b);
}

static const char *
opt(int argc, char *argv[], int i)
{
	if (i >= argc || strcmp(argv[i], "-") == 0)
		return NULL;
	return argv[i];
}

static int
driver(int argc, char *argv[])
{
	struct config	 cfg;
	struct keys	 k;
	struct db	*db = NULL;
	struct mail	 m;
	unsigned char	 h[BIDX_SZ];
	char		 hex[2 * BIDX_SZ + 1], *body = NULL;
	int64_t		 id;
	int		 rc = 2;

	util_setprogname("test_outbox");
	memset(&k, 0, sizeof(k));
	if (argc < 4 || !config_load(&cfg, argv[2])) {
		fprintf(stderr, "usage: see the head of test_outbox.c\n");
		config_free(&cfg);
		return 2;
	}
	if (!crypto_init() || !keys_load(&k, cfg.key_dir, 0))
		goto out;
	if (strcmp(argv[1], "bidx") == 0) {
		crypto_bidx(&k, "email", argv[3], h);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		printf("%s\n", hex);
		rc = 0;
		goto out;
	}
	if (strcmp(argv[1], "enqueue") != 0 || argc < 7)
		goto out;
	if ((body = slurp(argv[6])) == NULL)
		goto out;
	if ((db = db_open(cfg.database, 0)) == NULL || !db_begin(db))
		goto out;
	memset(&m, 0, sizeof(m));
	m.template = argv[3];
	m.to = argv[4];
	m.subject = argv[5];
	m.body = body;
	m.reply_to = opt(argc, argv, 7);
	m.bcc_center = opt(argc, argv, 8);
	m.list_unsubscribe = opt(argc, argv, 9);
	if (outbox_enqueue(db, &k, &m, &id)) {
		if (db_commit(db)) {
			printf("queued %lld\n", (long long)id);
			rc = 0;
		}
	} else {
		db_rollback(db);
		rc = 1;
	}
out:
	free(body);
	db_close(db);
	keys_wipe(&k);
	config_free(&cfg);
	return rc;
}

/* ---- unit tests ---- */

static void
addresses(void)
{
	static const char *const good[] = {
		"a@example.jp", "taro.yamada+news@mail.example.co.jp",
		"o'brien_1@example.com", "x-y@a-b.example",
	};
	static const char *const bad[] = {
		"", "a", "@example.jp", "a@", "a@jp", "a@@b.jp", "a@b@c.jp",
		"a..b@x.jp", ".a@x.jp", "a.@x.jp", "a b@x.jp",
		"a@x.jp\r\nBcc: e@x.jp", "a@x.jp\nBcc: e@x.jp", "a@x.jp\r",
		"a@x.jp,b@x.jp", "a@x.jp;b@x.jp", "<a@x.jp>", "Taro <a@x.jp>",
		"a@-x.jp", "a@x-.jp", "a@1.2.3.4", "山田@x.jp", "a@例え.jp",
		"\"a\"@x.jp", "a(c)@x.jp", "a@x..jp", "a@x.jp.",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"@x.jp",
	};
	size_t	 i;
	char	 name[160];

	for (i = 0; i < KENMIN_NELEM(good); i++) {
		snprintf(name, sizeof(name), "address ok: %s", good[i]);
		T_OK(outbox_addr_ok(good[i]), name);
	}
	for (i = 0; i < KENMIN_NELEM(bad); i++) {
		snprintf(name, sizeof(name), "address refused: #%zu", i);
		T_OK(!outbox_addr_ok(bad[i]), name);
	}
	T_OK(outbox_hdrtext_ok("【あいかさねっと】参加申込がありました", 400),
	    "Japanese subject ok");
	T_OK(!outbox_hdrtext_ok("hi\r\nBcc: e@x.jp", 400), "CRLF in subject");
	T_OK(!outbox_hdrtext_ok("hi\nBcc: e@x.jp", 400), "LF in subject");
	T_OK(!outbox_hdrtext_ok("hi\rX", 400), "CR in subject");
	T_OK(!outbox_hdrtext_ok("a\tb", 400), "TAB in subject");
	T_OK(!outbox_hdrtext_ok("a\xe2\x80\xa8" "b", 400), "U+2028 in subject");
	T_OK(!outbox_hdrtext_ok("a\xc2\x85" "b", 400), "NEL in subject");
	T_OK(!outbox_hdrtext_ok("a\xff", 400), "invalid UTF-8 in subject");
	T_OK(!outbox_hdrtext_ok("abcdef", 5), "subject too long");
}

/* Decode one "=?UTF-8?B?...?=" word into out (appended); 0 if malformed. */
static int
decode_word(const char *w, size_t len, struct buf *out)
{
	unsigned char	 raw[128];
	size_t		 rawlen;

	if (len < 12 || strncmp(w, "=?UTF-8?B?", 10) != 0 ||
	    strncmp(w + len - 2, "?=", 2) != 0)
		return 0;
	if (sodium_base642bin(raw, sizeof(raw), w + 10, len - 12, NULL,
	    &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	if (!text_utf8_valid((const char *)raw, rawlen))
		return 0;
	buf_putn(out, raw, rawlen);
	return 1;
}

static void
encoding(void)
{
	const char	*subj = "【スーパーネット】仮登録依頼を受け付けました"
	    "（やまぐち県民活動支援センター）ご確認ください。";
	struct buf	 enc, dec, body, raw;
	const char	*p, *e;
	size_t		 maxw = 0, rawlen;
	int		 ok = 1;
	unsigned char	*bin;

	buf_init(&enc, 0);
	buf_init(&dec, 0);
	outbox_encode_words(subj, &enc);
	for (p = buf_str(&enc); *p != '\0'; p = *e == '\0' ? e : e + 3) {
		if ((e = strstr(p, "\r\n ")) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > maxw)
			maxw = (size_t)(e - p);
		ok &= decode_word(p, (size_t)(e - p), &dec);
	}
	T_OK(strchr(buf_str(&enc), '\r') != NULL, "long subject is folded");
	T_OK(maxw <= 75, "encoded-words at most 75 chars");
	T_OK(ok, "each word decodes alone to whole UTF-8 characters");
	T_STREQ(buf_str(&dec), subj, "subject round-trips");

	buf_reset(&enc);
	outbox_encode_words("", &enc);
	T_STREQ(buf_str(&enc), "=?UTF-8?B?" "?=", "empty text is one empty word");

	buf_init(&body, 0);
	buf_init(&raw, 0);
	outbox_base64_body("一行目\n二行目 with ASCII and a long line "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\n", &body);
	ok = 1;
	for (p = buf_str(&body); *p != '\0'; p = e + 2) {
		if ((e = strstr(p, "\r\n")) == NULL)
			break;
		if (e - p > 76)
			ok = 0;
		buf_putn(&raw, p, (size_t)(e - p));
	}
	T_OK(ok && body.len > 0, "body lines at most 76 chars");
	bin = xmalloc(raw.len + 1);
	T_OK(sodium_base642bin(bin, raw.len + 1, buf_str(&raw), raw.len, NULL,
	    &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    rawlen > 10 && memcmp(bin, "一行目\r\n二行目", 20) == 0 &&
	    bin[rawlen - 2] == '\r' && bin[rawlen - 1] == '\n',
	    "body decodes to CRLF text");
	free(bin);

	buf_reset(&enc);
	outbox_date(0, &enc);
	T_STREQ(buf_str(&enc), "Thu, 01 Jan 1970 09:00:00 +0900", "date in JST");
	buf_reset(&enc);
	outbox_date(1743465600, &enc);	/* 2025-04-01 00:00 UTC */
	T_STREQ(buf_str(&enc), "Tue, 01 Apr 2025 09:00:00 +0900", "date 2025");

	buf_free(&enc);
	buf_free(&dec);
	buf_free(&body);
	buf_free(&raw);
}

static void
message(void)
{
	struct outmsg	 m;
	struct buf	 out;
	const char	*p, *e, *hend;
	int		 ok = 1;

	memset(&m, 0, sizeof(m));
	m.id = 12;
	m.from = "noreply@kenmin.example.jp";
	m.from_name = "やまぐち県民活動支援センター";
	m.to = "taro@example.jp";
	m.reply_to = "hanako@example.jp";
	m.subject = "【あいかさねっと】参加申込がありました";
	m.body = "本文です。\n";
	m.list_unsubscribe = "https://example.jp/u?t=abc";
	m.date = 0;
	m.msgid_rand = "0123456789abcdef";
	buf_init(&out, 0);
	T_OK(outbox_message(&m, &out), "message built");
	p = buf_str(&out);
	hend = strstr(p, "\r\n\r\n");
	T_OK(hend != NULL, "header ends with an empty line");
	for (; hend != NULL && p < hend; p = e + 2) {
		e = strstr(p, "\r\n");
		if (e - p > 78)
			ok = 0;
	}
	T_OK(ok, "header lines at most 78 chars");
	p = buf_str(&out);
	T_OK(strncmp(p, "From: =?UTF-8?B?", 16) == 0 &&
	    strstr(p, "\r\n <noreply@kenmin.example.jp>\r\n") != NULL,
	    "From with encoded display name");
	T_OK(strstr(p, "\r\nTo: taro@example.jp\r\n") != NULL, "To");
	T_OK(strstr(p, "\r\nReply-To: hanako@example.jp\r\n") != NULL, "Reply-To");
	T_OK(strstr(p, "\r\nSubject: =?UTF-8?B?") != NULL, "Subject encoded");
	T_OK(strstr(p, "\r\nDate: Thu, 01 Jan 1970 09:00:00 +0900\r\n") != NULL,
	    "Date");
	T_OK(strstr(p, "\r\nMessage-ID: <12.0123456789abcdef@kenmin.example.jp>"
	    "\r\n") != NULL, "Message-ID");
	T_OK(strstr(p, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
	    "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n") != NULL,
	    "MIME headers");
	T_OK(strstr(p, "\r\nList-Unsubscribe: <https://example.jp/u?t=abc>\r\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != NULL,
	    "List-Unsubscribe one-click");
	T_OK(strstr(p, "\r\nAuto-Submitted: auto-generated\r\n") != NULL,
	    "Auto-Submitted");
	T_OK(strcasestr(p, "\nBcc:") == NULL, "never a Bcc header");

	m.list_unsubscribe = NULL;
	m.reply_to = NULL;
	T_OK(outbox_message(&m, &out) && strstr(buf_str(&out),
	    "List-Unsubscribe") == NULL && strstr(buf_str(&out),
	    "Reply-To") == NULL, "optional headers left out");
	m.subject = "x\r\nBcc: evil@example.jp";
	T_OK(!outbox_message(&m, &out), "builder re-checks the subject");
	m.subject = "ok";
	m.reply_to = "a@x.jp\r\nBcc: evil@example.jp";
	T_OK(!outbox_message(&m, &out), "builder re-checks Reply-To");
	buf_free(&out);
}

/* Enqueue with one field changed by the caller; 1 if queued. */
static int
try_enqueue(struct db *db, const struct keys *k, const struct mail *m)
{
	int64_t	 id;

	return outbox_enqueue(db, k, m, &id);
}

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

static void
enqueue(void)
{
	struct db	*db;
	struct keys	 k;
	struct mail	 good, m;
	struct buf	 pt;
	sqlite3_stmt	*st;
	char		 dir[] = "/tmp/kenmin-outbox-XXXXXX", path[256];
	int64_t		 id = 0;
	const void	*ct;
	size_t		 ctsz;

	memset(&k, 0, sizeof(k));
	memset(k.data, 0x11, KEY_SZ);
	memset(k.index, 0x22, KEY_SZ);
	k.data_id = 1;
	buf_init(&pt, 0);
	T_OK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/o.db", dir);
	db = db_open(path, DB_CREATE);
	T_OK(db != NULL && db_migrate(db), "database");
	if (db == NULL)
		return;

	memset(&good, 0, sizeof(good));
	good.template = "aikasa_apply";
	good.to = "group@example.jp";
	good.reply_to = "member@example.jp";
	good.bcc_center = "aikasa";
	good.subject = "【あいかさねっと】参加申込がありました";
	good.body = "山田太郎 さんから参加申込がありました。\n電話 090-0000-0000\n";
	good.list_unsubscribe = NULL;

	T_OK(!try_enqueue(db, &k, &good), "refused outside a transaction");
	db_begin(db);
#define REFUSE(field, value, name) do {					\
	m = good;							\
	m.field = (value);						\
	T_OK(!try_enqueue(db, &k, &m), name);				\
} while (0)
	REFUSE(subject, "件名\r\nBcc: evil@example.jp", "CRLF subject refused");
	REFUSE(subject, "件名\nBcc: evil@example.jp", "LF subject refused");
	REFUSE(subject, "", "empty subject refused");
	REFUSE(to, "group@example.jp\r\nBcc: evil@example.jp",
	    "To with CRLF Bcc refused");
	REFUSE(to, "group@example.jp, evil@example.jp", "two recipients refused");
	REFUSE(to, "山田 <group@example.jp>", "display name in To refused");
	REFUSE(reply_to, "member@example.jp\r\nBcc: evil@example.jp",
	    "Reply-To with CRLF refused");
	REFUSE(reply_to, "member@example.jp;evil@example.jp",
	    "Reply-To list refused");
	REFUSE(bcc_center, "evil@example.jp", "unknown center refused");
	REFUSE(list_unsubscribe, "https://x.jp/u>\r\nBcc: e@x.jp",
	    "bad unsubscribe URL refused");
	REFUSE(list_unsubscribe, "javascript:alert(1)", "non-http URL refused");
	REFUSE(template, "Bad Key", "bad template key refused");
	REFUSE(body, "\xff\xfe", "non-UTF-8 body refused");
	T_OK(scalar(db, sql_count) == 0, "nothing queued by refusals");

	T_OK(outbox_enqueue(db, &k, &good, &id) && id > 0, "queued");
	db_commit(db);
	T_OK(scalar(db, sql_count) == 1, "one row");
	st = db_prep(db, sql_row);
	db_bind_int(st, 1, id);
	T_OK(db_row(db, st) == 1, "row read back");
	ct = sqlite3_column_blob(st, 0);
	ctsz = (size_t)sqlite3_column_bytes(st, 0);
	T_OK(ctsz > 16 && memmem(ct, ctsz, "group@", 6) == NULL,
	    "recipient not stored in plain text");
	T_OK(crypto_open(&k, "outbox", "to_ct", id, ct, ctsz, &pt) &&
	    strcmp(buf_str(&pt), good.to) == 0, "recipient opens for its row");
	T_OK(!crypto_open(&k, "outbox", "to_ct", id + 1, ct, ctsz, &pt),
	    "recipient does not open for another row");
	T_OK(!crypto_open(&k, "outbox", "reply_to_ct", id, ct, ctsz, &pt),
	    "recipient does not open as another column");
	T_OK(crypto_open(&k, "outbox", "reply_to_ct", id,
	    sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
	    &pt) && strcmp(buf_str(&pt), good.reply_to) == 0, "Reply-To opens");
	T_OK(memmem(sqlite3_column_blob(st, 2),
	    (size_t)sqlite3_column_bytes(st, 2), "090-", 4) == NULL &&
	    crypto_open(&k, "outbox", "body_ct", id, sqlite3_column_blob(st, 2),
	    (size_t)sqlite3_column_bytes(st, 2), &pt) &&
	    strcmp(buf_str(&pt), good.body) == 0, "body sealed and opens");
	T_STREQ(db_col_text(st, 3), "queued", "state queued");
	T_STREQ(db_col_text(st, 4), good.subject, "subject stored");
	T_STREQ(db_col_text(st, 5), "aikasa", "bcc center stored");
	sqlite3_reset(st);

	buf_free(&pt);
	db_close(db);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# could not remove %s\n", dir);
}

int
main(int argc, char *argv[])
{
	if (argc > 1)
		return driver(argc, argv);
	T_OK(crypto_init(), "crypto_init");
	addresses();
	encoding();
	message();
	enqueue();
	return t_done();
}
