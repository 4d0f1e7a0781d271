/*
 * audit.h: the append-only audit log, HMAC-SHA-256 chained under the
 * audit key so that an edit, deletion, insertion or reordering of rows
 * is found by audit_verify(), and the masking helpers its callers use.
 */
#ifndef KENMIN_AUDIT_H
#define KENMIN_AUDIT_H

#include <stdint.h>

struct buf;
struct db;
struct keys;

#define AUDIT_DETAIL_MAX	2000	/* bytes */
#define AUDIT_WORD_MAX		64	/* actor_kind, action, target_kind */

/*
 * One event.  detail is free text the caller has already masked (use
 * audit_mask_email() / audit_mask_name()); ip is the client address as
 * given, masked by audit_log() itself.
 */
struct audit_ev {
	int64_t		 at;		/* Unix seconds; 0 = now */
	const char	*actor_kind;	/* public, member, staff, system */
	int64_t		 actor_id;	/* 0 = none */
	const char	*action;	/* login, login_failed, lockout, … */
	const char	*target_kind;	/* NULL = none */
	int64_t		 target_id;	/* 0 = none */
	const char	*detail;	/* NULL = none */
	const char	*ip;		/* NULL = none */
};

/*
 * Append ev to the chain.  Must be called inside the caller's write
 * transaction (BEGIN IMMEDIATE), which also serialises the chain; it
 * refuses (0) outside one.  1 ok, 0 error (printed).
 */
int	 audit_log(struct db *, const struct keys *, const struct audit_ev *);

/*
 * Walk the whole chain from the purge anchor.  1 if intact; 0 if
 * broken, with *bad the first row that does not verify (0 when the
 * break is after the last row: the tail was cut) and a reason in why
 * (replaced); -1 on a database error.
 */
int	 audit_verify(struct db *, const struct keys *, int64_t *bad,
	    struct buf *why);

/*
 * Delete the rows older than before (Unix seconds), move the anchor to
 * the last deleted row and log a 'purge' row saying how many went.
 * Refuses when the chain does not verify.  Runs its own transaction.
 * 1 ok (*n rows deleted), 0 error (printed).
 */
int	 audit_purge(struct db *, const struct keys *, int64_t before,
	    int64_t *n);

/*
 * Masks, appended to out.  IPv4 keeps /24 ("192.0.2.0"), IPv6 /48;
 * anything else becomes "-".  An address keeps two characters of the
 * local part and the domain ("ya***@example.jp"); a name keeps its
 * first character ("山***").  Each returns 1, or 0 for an empty or
 * malformed input (out gets "-" or "***").
 */
int	 audit_mask_ip(const char *, struct buf *out);
int	 audit_mask_email(const char *, struct buf *out);
int	 audit_mask_name(const char *, struct buf *out);

#endif
