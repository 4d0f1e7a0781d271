/*
 * test_totp.c: RFC 6238 SHA-256 test vectors, the ±1 step window, replay
 * refusal through last_step, and RFC 4648 base32.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "totp.h"
#include "t.h"

static const unsigned char seed[] = "12345678901234567890123456789012";
#define SEEDSZ	32

/* RFC 6238 appendix B, SHA-256 column. */
static const struct {
	int64_t		 t;
	uint32_t	 code;
} vec[] = {
	{ 59LL, 46119246 },
	{ 1111111109LL, 68084774 },
	{ 1111111111LL, 67062674 },
	{ 1234567890LL, 91819424 },
	{ 2000000000LL, 90698825 },
	{ 20000000000LL, 77737706 },
};

int
main(void)
{
	char		 name[128], enc[TOTP_B32_MAX + 1], six[8];
	unsigned char	 dec[64];
	size_t		 i, decsz;
	int64_t		 step;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		snprintf(name, sizeof(name), "RFC 6238 SHA-256 T=%lld",
		    (long long)vec[i].t);
		T_OK(totp_code(seed, SEEDSZ, totp_step(vec[i].t), 8) ==
		    vec[i].code, name);
	}

	/* The 6-digit code at T=59 is the vector's last six digits. */
	snprintf(six, sizeof(six), "%06u", (unsigned)(46119246 % 1000000));
	step = -5;
	T_OK(totp_verify(seed, SEEDSZ, six, 59, -1, &step) && step == 1,
	    "verify: vector code at its time");
	T_OK(totp_verify(seed, SEEDSZ, six, 59 + 30, -1, &step) && step == 1,
	    "verify: previous step accepted (window)");
	T_OK(totp_verify(seed, SEEDSZ, six, 59 - 30, -1, &step) && step == 1,
	    "verify: next step accepted (clock skew)");
	T_OK(!totp_verify(seed, SEEDSZ, six, 59 + 90, -1, &step),
	    "verify: three steps later refused");
	T_OK(!totp_verify(seed, SEEDSZ, six, 59, 1, &step),
	    "verify: replay of the used step refused");
	T_OK(!totp_verify(seed, SEEDSZ, six, 59, 2, &step),
	    "verify: older than the last used step refused");
	T_OK(!totp_verify(seed, SEEDSZ, "119247", 59, -1, &step),
	    "verify: wrong code refused");
	T_OK(!totp_verify(seed, SEEDSZ, "11924", 59, -1, &step),
	    "verify: short code refused");
	T_OK(!totp_verify(seed, SEEDSZ, "11924a", 59, -1, &step),
	    "verify: non-digit refused");
	snprintf(six, sizeof(six), "%06u", (unsigned)(68084774 % 1000000));
	T_OK(totp_verify(seed, SEEDSZ, six, 1111111109, -1, &step) &&
	    step == 1111111109 / 30, "verify: second vector");

	/* RFC 4648 section 10. */
	T_OK(totp_b32_encode((const unsigned char *)"foobar", 6, enc,
	    sizeof(enc)), "b32 encode fits");
	T_STREQ(enc, "MZXW6YTBOI", "b32 encode foobar");
	totp_b32_encode((const unsigned char *)"f", 1, enc, sizeof(enc));
	T_STREQ(enc, "MY", "b32 encode f");
	T_OK(!totp_b32_encode(seed, SEEDSZ, enc, 10), "b32 encode: too small");
	T_OK(totp_b32_decode("mzxw6ytboi", dec, sizeof(dec), &decsz) &&
	    decsz == 6 && memcmp(dec, "foobar", 6) == 0,
	    "b32 decode lower case");
	T_OK(totp_b32_decode("MZXW6===", dec, sizeof(dec), &decsz) &&
	    decsz == 3 && memcmp(dec, "foo", 3) == 0, "b32 decode padding");
	T_OK(!totp_b32_decode("MZ1W", dec, sizeof(dec), &decsz),
	    "b32 decode refuses 1");
	T_OK(!totp_b32_decode("MZXW6YTBOI", dec, 3, &decsz),
	    "b32 decode refuses overflow");
	totp_b32_encode(seed, SEEDSZ, enc, sizeof(enc));
	T_OK(totp_b32_decode(enc, dec, sizeof(dec), &decsz) &&
	    decsz == SEEDSZ && memcmp(dec, seed, SEEDSZ) == 0,
	    "b32 round trip of a 32-byte secret");
	return t_done();
}
