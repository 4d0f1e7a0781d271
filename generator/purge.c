/*
 * purge.c: `kenmin-gen purge`, the retention rules of A-51 (R550):
 * deletes what is kept no longer and erases withdrawn members' personal
 * fields, each class logged as one audit row with its count (R505);
 * uploads left in quarantine by a form never sent go after a day.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define DAY	86400LL

enum stmt {
	STMT_UNVERIFIED,
	STMT_PENDING_SUB,
	STMT_TOKENS,
	STMT_SESS_MEMBER,
	STMT_SESS_STAFF,
	STMT_APPLICATIONS,
	STMT_WD_EDITS,
	STMT_WD_SUBS,
	STMT_WITHDRAWN,
	STMT_IDEMPOTENCY,
	STMT_RATE,
	STMT_MEMBER_COLS,
	STMT_UPLOADS_OLD,
	STMT_UPLOAD_DEL,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_UNVERIFIED: ?1 cutoff; never one another row points at */
	"DELETE FROM member WHERE state = 'unverified' AND created_at < ?1 "
	"AND NOT EXISTS (SELECT 1 FROM posting p WHERE p.member_id = member.id) "
	"AND NOT EXISTS (SELECT 1 FROM org o WHERE o.member_id = member.id) "
	"AND NOT EXISTS (SELECT 1 FROM interview i WHERE i.member_id = member.id) "
	"AND NOT EXISTS (SELECT 1 FROM member d WHERE d.duplicate_of = member.id)",
	/* STMT_PENDING_SUB: subscriptions never confirmed */
	"DELETE FROM subscriber WHERE state = 'pending' AND created_at < ?1",
	/* STMT_TOKENS: ?1 now; a used token guards nothing any more */
	"DELETE FROM token WHERE expires_at <= ?1 OR used_at IS NOT NULL",
	/* STMT_SESS_MEMBER: ?1 idle cutoff */
	"DELETE FROM session WHERE principal = 'member' AND last_seen < ?1",
	/* STMT_SESS_STAFF: ?1 idle cutoff, ?2 absolute cutoff */
	"DELETE FROM session WHERE principal = 'staff' AND "
	"(last_seen < ?1 OR created_at < ?2)",
	/*
	 * STMT_APPLICATIONS: ?1 cutoff.  A posting ends at the end of its
	 * last day (Asia/Tokyo), or when closed if it had no end; an
	 * application without a posting counts from its own date.
	 */
	"DELETE FROM application WHERE id IN (SELECT a.id FROM application a "
	"LEFT JOIN posting p ON p.id = a.posting_id WHERE (CASE "
	"WHEN p.id IS NULL THEN a.created_at "
	"WHEN p.apply_until IS NOT NULL THEN "
	"unixepoch(p.apply_until, '+1 day', '-9 hours') "
	"WHEN p.closed = 1 THEN p.updated_at ELSE NULL END) < ?1)",
	/* STMT_WD_EDITS: pending edits of withdrawn members, ?1 cutoff */
	"DELETE FROM member_edit WHERE member_id IN (SELECT id FROM member "
	"WHERE status = 'withdrawn' AND withdrawn_at < ?1)",
	/* STMT_WD_SUBS */
	"DELETE FROM subscriber WHERE member_id IN (SELECT id FROM member "
	"WHERE status = 'withdrawn' AND withdrawn_at < ?1)",
	/* STMT_WITHDRAWN: every personal field; keep STMT_MEMBER_COLS in step */
	"UPDATE member SET email_ct = NULL, email_bidx = NULL, "
	"email_verified_at = NULL, login_id = NULL, login_key = NULL, "
	"pw_hash = NULL, pw_legacy = NULL, name_ct = NULL, kana_ct = NULL, "
	"tel_ct = NULL, birth_ct = NULL, zip_ct = NULL, address_ct = NULL, "
	"fax_ct = NULL, dept_ct = NULL, contact_name_ct = NULL, "
	"contact_title_ct = NULL, legacy_age_ct = NULL, updated_at = ?2 "
	"WHERE status = 'withdrawn' AND withdrawn_at < ?1 AND "
	"coalesce(email_ct, email_bidx, login_id, login_key, pw_hash, "
	"pw_legacy, name_ct, kana_ct, tel_ct, birth_ct, zip_ct, address_ct, "
	"fax_ct, dept_ct, contact_name_ct, contact_title_ct, legacy_age_ct) "
	"IS NOT NULL",
	/* STMT_IDEMPOTENCY */
	"DELETE FROM idempotency WHERE created_at < ?1",
	/* STMT_RATE: buckets name client addresses; no window is over a day */
	"DELETE FROM rate_limit WHERE window_start < ?1",
	/* STMT_MEMBER_COLS: sealed member columns STMT_WITHDRAWN misses */
	"SELECT name FROM pragma_table_info('member') WHERE name LIKE '%\\_ct' "
	"ESCAPE '\\' AND name NOT IN ('email_ct', 'name_ct', 'kana_ct', "
	"'tel_ct', 'birth_ct', 'zip_ct', 'address_ct', 'fax_ct', 'dept_ct', "
	"'contact_name_ct', 'contact_title_ct', 'legacy_age_ct')",
	/*
	 * STMT_UPLOADS_OLD: ?1 cutoff.  A form's file stays in quarantine
	 * until its record links it; a pending edit request holds its files
	 * in its sealed payload, so nothing created before one is touched.
	 */
	"SELECT id, stored_name FROM upload u WHERE state = 'quarantine' AND "
	"created_at < ?1 "
	"AND NOT EXISTS (SELECT 1 FROM org_file x WHERE x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM event_file x WHERE x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM member_file x WHERE x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM posting_file x WHERE x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM report_photo x WHERE x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM interview_photo x WHERE "
	"x.upload_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.attachment_id = u.id) "
	"AND NOT EXISTS (SELECT 1 FROM org_edit e WHERE e.state IN "
	"('review', 'held') AND e.created_at >= u.created_at) "
	"AND NOT EXISTS (SELECT 1 FROM event_edit e WHERE e.state IN "
	"('review', 'held') AND e.created_at >= u.created_at) "
	"AND NOT EXISTS (SELECT 1 FROM member_edit e WHERE e.state IN "
	"('review', 'held') AND e.created_at >= u.created_at) "
	"AND NOT EXISTS (SELECT 1 FROM posting_edit e WHERE e.state IN "
	"('review', 'held') AND e.created_at >= u.created_at) "
	"ORDER BY id LIMIT 10000",
	/* STMT_UPLOAD_DEL */
	"DELETE FROM upload WHERE id = ?1 AND state = 'quarantine'",
};

/*
 * Delete the rows of quarantined uploads nobody sent (STMT_UPLOADS_OLD)
 * in the caller's transaction; their stored names are appended to
 * names, one a line, for unlinking after the commit.  The ids are read
 * first, so no row is deleted under the open SELECT.  1 ok.
 */
static int
old_uploads(struct gen *g, int64_t cutoff, struct buf *names, long long *n)
{
	sqlite3_stmt	*st;
	const char	*name;
	int64_t		*ids = NULL;
	size_t		 i, idsz = 0;
	int		 r, rc = 0;

	if ((st = db_prep(g->db, sql[STMT_UPLOADS_OLD])) == NULL)
		return 0;
	db_bind_int(st, 1, cutoff);
	while ((r = db_row(g->db, st)) > 0) {
		ids = xrealloc(ids, (idsz + 1) * sizeof(*ids));
		ids[idsz++] = sqlite3_column_int64(st, 0);
		/* Names are ours (32 hex); anything else is not a path. */
		name = db_col_text(st, 1);
		if (strlen(name) == 32 &&
		    strspn(name, "0123456789abcdef") == 32) {
			buf_puts(names, name);
			buf_putc(names, '\n');
		}
	}
	if (r < 0 || !buf_ok(names))
		goto out;
	for (i = 0; i < idsz; i++) {
		if ((st = db_prep(g->db, sql[STMT_UPLOAD_DEL])) == NULL)
			goto out;
		db_bind_int(st, 1, ids[i]);
		if (!db_run(g->db, st))
			goto out;
		(*n)++;
	}
	rc = 1;
out:
	free(ids);
	return rc;
}

/* Remove the files old_uploads() named, after its commit. */
static void
unlink_uploads(const struct config *c, const struct buf *names)
{
	const char	*p, *nl;
	struct buf	 path;

	buf_init(&path, 4096);
	for (p = buf_str(names); (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		buf_reset(&path);
		buf_printf(&path, "%s/", c->upload_dir);
		buf_putn(&path, p, (size_t)(nl - p));
		if (buf_ok(&path) && unlink(buf_str(&path)) < 0)
			kerr("%s: cannot remove", buf_str(&path));
	}
	buf_free(&path);
}

/* One retention class: its statements and how its audit row reads. */
struct rclass {
	const char	*target;	/* audit target_kind */
	enum stmt	 st;
	const char	*what;		/* English, for the log */
};

/* Run one bound statement; *n += rows changed.  1 ok. */
static int
run(struct gen *g, enum stmt s, int64_t a1, int64_t a2, long long *n)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(g->db, sql[s])) == NULL)
		return 0;
	db_bind_int(st, 1, a1);
	if (sqlite3_bind_parameter_count(st) > 1)
		db_bind_int(st, 2, a2);
	if (!db_run(g->db, st))
		return 0;
	*n += db_changes(g->db);
	return 1;
}

/* One 'system' audit row for a class, naming the operator (R505). */
static int
log_class(struct gen *g, int64_t now, const char *target, const char *what,
    long long n, const char *who)
{
	struct audit_ev	 ev;
	struct buf	 d;
	int		 rc;

	buf_init(&d, 512);
	buf_printf(&d, "%s: %lld; run by %s", what, n, who);
	memset(&ev, 0, sizeof(ev));
	ev.at = now;
	ev.actor_kind = "system";
	ev.action = "retention_purge";
	ev.target_kind = target;
	ev.detail = buf_str(&d);
	rc = audit_log(g->db, g->keys, &ev);
	buf_free(&d);
	return rc;
}

int
cmd_purge(struct gen *g, int argc, char *argv[])
{
	const struct config	*c = g->cfg;
	struct passwd		*pw;
	sqlite3_stmt		*st;
	const char		*who;
	struct buf		 names;
	long long		 n[10];
	int64_t			 now;
	int			 r, began = 0, rc = 0;

	(void)argv;
	if (argc != 1) {
		kerr("usage: purge");
		return 0;
	}
	if (!gen_load_keys(g, 0) || !gen_open_db(g, 0))
		return 0;
	now = (int64_t)time(NULL);
	pw = getpwuid(geteuid());
	who = pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown";
	memset(n, 0, sizeof(n));
	buf_init(&names, (size_t)10000 * 33);

	/* Fail closed if a migration added a sealed column we would keep. */
	if ((st = db_prep(g->db, sql[STMT_MEMBER_COLS])) == NULL)
		goto out;
	if ((r = db_row(g->db, st)) != 0) {
		if (r > 0) {
			kerr("purge: member.%s is not erased on withdrawal; "
			    "add it to generator/purge.c", db_col_text(st, 0));
			sqlite3_reset(st);
		}
		goto out;
	}
	if (!db_begin(g->db))
		goto out;
	began = 1;
	if (!run(g, STMT_UNVERIFIED, now - c->unverified_days * DAY, 0, &n[0]) ||
	    !run(g, STMT_PENDING_SUB, now - c->unverified_days * DAY, 0, &n[1]) ||
	    !run(g, STMT_TOKENS, now, 0, &n[2]) ||
	    !run(g, STMT_SESS_MEMBER, now - 60LL * c->session_idle_min, 0,
	    &n[3]) ||
	    !run(g, STMT_SESS_STAFF, now - 60LL * c->staff_idle_min,
	    now - 60LL * c->staff_absolute_min, &n[3]) ||
	    !run(g, STMT_APPLICATIONS, now - c->application_days * DAY, 0,
	    &n[4]) ||
	    !run(g, STMT_WD_EDITS, now - c->withdrawn_days * DAY, 0, &n[6]) ||
	    !run(g, STMT_WD_SUBS, now - c->withdrawn_days * DAY, 0, &n[6]) ||
	    !run(g, STMT_WITHDRAWN, now - c->withdrawn_days * DAY, now,
	    &n[5]) ||
	    !run(g, STMT_IDEMPOTENCY, now - DAY, 0, &n[7]) ||
	    !run(g, STMT_RATE, now - 2 * DAY, 0, &n[9]) ||
	    !old_uploads(g, now - DAY, &names, &n[8]))
		goto out;
	if (!log_class(g, now, "unverified_member",
	    "unverified registrations deleted", n[0], who) ||
	    !log_class(g, now, "subscriber",
	    "unconfirmed subscriptions deleted", n[1], who) ||
	    !log_class(g, now, "token", "expired or used tokens deleted",
	    n[2], who) ||
	    !log_class(g, now, "session", "sessions past their limits deleted",
	    n[3], who) ||
	    !log_class(g, now, "application",
	    "applications and inquiries deleted", n[4], who) ||
	    !log_class(g, now, "withdrawn_member",
	    "withdrawn members' personal fields erased", n[5], who) ||
	    !log_class(g, now, "idempotency", "idempotency rows deleted",
	    n[7], who) ||
	    !log_class(g, now, "upload", "unsent quarantined uploads deleted",
	    n[8], who) ||
	    !log_class(g, now, "rate_limit", "rate-limit counters deleted",
	    n[9], who))
		goto out;
	if (!db_commit(g->db))
		goto out;
	began = 0;
	unlink_uploads(c, &names);
	printf("purge: %lld unverified, %lld unconfirmed subscriptions, "
	    "%lld tokens, %lld sessions, %lld applications, %lld withdrawn "
	    "members erased (%lld related rows), %lld idempotency, "
	    "%lld uploads, %lld rate-limit counters\n",
	    n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9]);
	rc = 1;
out:
	if (began)
		db_rollback(g->db);
	buf_free(&names);
	return rc;
}
