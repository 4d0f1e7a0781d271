/*
 * totp.h: time-based one-time passwords (RFC 6238) with HMAC-SHA-256
 * and RFC 4648 base32 for showing the shared secret.
 */
#ifndef KENMIN_TOTP_H
#define KENMIN_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP	30	/* seconds per time step */
#define TOTP_DIGITS	6	/* digits of a code typed by staff */
#define TOTP_SECRET_SZ	32	/* bytes of a new secret (256 bits) */
#define TOTP_WINDOW	1	/* steps accepted either side of now */
#define TOTP_B32_MAX	128	/* chars of an encoded secret, NUL excluded */

/*
 * Base32 (RFC 4648, upper case, no padding) of in[0..insz) into out
 * (outsz bytes incl. NUL).  1 ok, 0 if out is too small.
 */
int		 totp_b32_encode(const unsigned char *in, size_t insz,
		    char *out, size_t outsz);
/*
 * Decode base32 (either case, spaces and '=' padding ignored) into out
 * (at most outmax bytes); *outsz gets the length.  1 ok, 0 if s holds
 * another character, ends in a partial byte with bits set, or is long.
 */
int		 totp_b32_decode(const char *s, unsigned char *out,
		    size_t outmax, size_t *outsz);

/* The code of time step "step" with "digits" digits (6 to 9). */
uint32_t	 totp_code(const unsigned char *key, size_t keysz,
		    uint64_t step, int digits);

/* The time step of a Unix time. */
uint64_t	 totp_step(int64_t now);

/*
 * Check a typed code (TOTP_DIGITS decimal digits) against the steps
 * now-1, now, now+1 that are newer than last_step (-1: none used yet),
 * comparing in constant time.  Returns 1 and sets *step to the step
 * that matched (the caller stores it as the new last_step so that the
 * code cannot be replayed), or 0.
 */
int		 totp_verify(const unsigned char *key, size_t keysz,
		    const char *code, int64_t now, int64_t last_step,
		    int64_t *step);

#endif
