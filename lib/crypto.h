/*
 * crypto.h: confidential fields at rest (AES-256-GCM through libsodium,
 * A-22), keyed blind indexes (HMAC-SHA-256) and random tokens.
 *
 * Sealed format: 1 byte key id, 12 byte nonce, ciphertext, 16 byte tag.
 * The associated data binds table, column and row id, so a ciphertext
 * moved to another row or column does not open.
 */
#ifndef KENMIN_CRYPTO_H
#define KENMIN_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define KEY_SZ		32
#define BIDX_SZ		32

struct keys {
	unsigned char	 data[KEY_SZ];		/* AEAD key */
	unsigned char	 index[KEY_SZ];		/* blind index HMAC key */
	unsigned char	 audit[KEY_SZ];		/* audit chain HMAC key */
	unsigned char	 data_id;		/* id written into each seal */
	unsigned char	 old[KEY_SZ];		/* previous AEAD key (rotation) */
	unsigned char	 old_id;
	int		 have_old;
};

/*
 * Initialise libsodium and check AES-NI: the process fails closed on a
 * CPU without AES-GCM support (0 returned, message printed).
 */
int	 crypto_init(void);

/*
 * Read the keys from dir (data.key, index.key, audit.key; 0600, never
 * under a web root).  With create, missing files are made with fresh
 * random keys and dir with mode 0700.  1 ok, 0 error (printed).
 */
int	 keys_load(struct keys *, const char *dir, int create);
void	 keys_wipe(struct keys *);

/* Seal pt for (table, column, row) into out (replaced).  1 ok. */
int	 crypto_seal(const struct keys *, const char *table,
	    const char *column, int64_t row, const void *pt, size_t ptsz,
	    struct buf *out);
/*
 * Open a sealed value into out (replaced, NUL-terminated).  0 if the
 * value was tampered with, moved, or sealed under an unknown key.
 */
int	 crypto_open(const struct keys *, const char *table,
	    const char *column, int64_t row, const void *ct, size_t ctsz,
	    struct buf *out);

/* HMAC-SHA-256 of the normalised value under the index key. */
void	 crypto_bidx(const struct keys *, const char *purpose,
	    const char *value, unsigned char out[BIDX_SZ]);

/* n random bytes as lowercase hex into out (2n chars + NUL). */
void	 crypto_token_hex(char *out, size_t n);

/* argon2id password hashing; 1 ok, 0 failure/mismatch. */
int	 crypto_pw_hash(const char *pw, char out[128]);
int	 crypto_pw_verify(const char *hash, const char *pw);

#endif
