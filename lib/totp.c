/*
 * totp.c: RFC 6238 one-time passwords over HMAC-SHA-256 (libsodium)
 * and the RFC 4648 base32 alphabet used to show secrets to staff.
 */
#include <string.h>

#include <sodium.h>

#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
totp_b32_encode(const unsigned char *in, size_t insz, char *out,
    size_t outsz)
{
	size_t		 i, o = 0;
	unsigned int	 acc = 0;
	int		 bits = 0;

	if (outsz < (insz * 8 + 4) / 5 + 1)
		return 0;
	for (i = 0; i < insz; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 0x1f];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32[(acc << (5 - bits)) & 0x1f];
	out[o] = '\0';
	return 1;
}

int
totp_b32_decode(const char *s, unsigned char *out, size_t outmax,
    size_t *outsz)
{
	const char	*p;
	unsigned int	 acc = 0, v;
	int		 bits = 0;
	size_t		 o = 0;
	char		 c;

	*outsz = 0;
	for (p = s; *p != '\0'; p++) {
		c = *p;
		if (c == ' ' || c == '=')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			v = (unsigned int)(c - 'A');
		else if (c >= '2' && c <= '7')
			v = (unsigned int)(c - '2' + 26);
		else
			return 0;
		acc = ((acc << 5) | v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			if (o == outmax)
				return 0;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return 0;
	*outsz = o;
	return 1;
}

uint32_t
totp_code(const unsigned char *key, size_t keysz, uint64_t step,
    int digits)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 msg[8];
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];
	uint32_t			 bin, mod = 1;
	unsigned int			 off;
	int				 i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	crypto_auth_hmacsha256_init(&st, key, keysz);
	crypto_auth_hmacsha256_update(&st, msg, sizeof(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	/* RFC 4226 5.3: dynamic truncation. */
	off = mac[sizeof(mac) - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	sodium_memzero(&st, sizeof(st));
	return bin % mod;
}

uint64_t
totp_step(int64_t now)
{
	return now < 0 ? 0 : (uint64_t)now / TOTP_STEP;
}

int
totp_verify(const unsigned char *key, size_t keysz, const char *code,
    int64_t now, int64_t last_step, int64_t *step)
{
	char		 want[TOTP_DIGITS + 1];
	uint64_t	 base, s;
	uint32_t	 c;
	int		 d, i, found = 0;

	if (strlen(code) != TOTP_DIGITS)
		return 0;
	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	base = totp_step(now);
	for (d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
		if (d < 0 && base < (uint64_t)-d)
			continue;
		s = base + (uint64_t)(int64_t)d;
		if (last_step >= 0 && s <= (uint64_t)last_step)
			continue;
		c = totp_code(key, keysz, s, TOTP_DIGITS);
		for (i = TOTP_DIGITS - 1; i >= 0; i--) {
			want[i] = (char)('0' + c % 10);
			c /= 10;
		}
		want[TOTP_DIGITS] = '\0';
		/* Every candidate is compared in full: no early exit. */
		if (sodium_memcmp(want, code, TOTP_DIGITS) == 0 && !found) {
			*step = (int64_t)s;
			found = 1;
		}
	}
	sodium_memzero(want, sizeof(want));
	return found;
}
