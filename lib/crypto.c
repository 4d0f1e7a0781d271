/*
 * crypto.c: AES-256-GCM sealing of confidential fields, blind indexes,
 * random tokens and argon2id password hashes, all through libsodium.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "crypto.h"
#include "util.h"

#define NONCE_SZ	crypto_aead_aes256gcm_NPUBBYTES
#define TAG_SZ		crypto_aead_aes256gcm_ABYTES
#define SEAL_MAX	((size_t)16 * 1024 * 1024)

int
crypto_init(void)
{
	if (sodium_init() < 0) {
		kerr("libsodium failed to initialise");
		return 0;
	}
	if (!crypto_aead_aes256gcm_is_available()) {
		/* Fail closed: no software fallback. */
		kerr("this CPU has no AES-GCM support; refusing to handle "
		    "confidential data");
		return 0;
	}
	return 1;
}

/* Read exactly KEY_SZ bytes from dir/name, creating it if allowed. */
static int
key_file(const char *dir, const char *name, unsigned char *key, int create)
{
	char		 path[4096];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		kerr("%s: path too long", dir);
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT || !create) {
			kerr("%s: %s", path, strerror(errno));
			return 0;
		}
		randombytes_buf(key, KEY_SZ);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1) {
			kerr("%s: %s", path, strerror(errno));
			return 0;
		}
		if (write(fd, key, KEY_SZ) != KEY_SZ || fsync(fd) == -1) {
			kerr("%s: %s", path, strerror(errno));
			goto out;
		}
		rc = 1;
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		kerr("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		kerr("%s: key file readable by group or others (mode %o); "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	n = read(fd, key, KEY_SZ);
	if (n != KEY_SZ || st.st_size != KEY_SZ) {
		kerr("%s: not a %d-byte key", path, KEY_SZ);
		goto out;
	}
	rc = 1;
out:
	close(fd);
	return rc;
}

static int
has_file(const char *dir, const char *name)
{
	char	 path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return 0;
	return access(path, F_OK) == 0;
}

int
keys_load(struct keys *k, const char *dir, int create)
{
	struct stat	 st;
	unsigned char	 id[KEY_SZ];

	memset(k, 0, sizeof(*k));
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || !create || mkdir(dir, 0700) == -1) {
			kerr("%s: %s", dir, strerror(errno));
			return 0;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		kerr("%s: not a directory", dir);
		return 0;
	}
	if (!key_file(dir, "data.key", k->data, create) ||
	    !key_file(dir, "index.key", k->index, create) ||
	    !key_file(dir, "audit.key", k->audit, create)) {
		keys_wipe(k);
		return 0;
	}
	/* The key id is derived from the key, so no extra file is needed. */
	crypto_generichash(id, sizeof(id), k->data, KEY_SZ, NULL, 0);
	k->data_id = id[0];
	/* During a rotation the previous key still opens old values. */
	if (has_file(dir, "data.key.old")) {
		if (!key_file(dir, "data.key.old", k->old, 0)) {
			keys_wipe(k);
			return 0;
		}
		crypto_generichash(id, sizeof(id), k->old, KEY_SZ, NULL, 0);
		k->old_id = id[0];
		k->have_old = 1;
	}
	sodium_memzero(id, sizeof(id));
	return 1;
}

void
keys_wipe(struct keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

/* Associated data: "table\0column\0" followed by the row id, 8 bytes. */
static size_t
make_ad(unsigned char *ad, size_t adsz, const char *table,
    const char *column, int64_t row)
{
	size_t		 tl, cl, i;
	uint64_t	 r;

	tl = strlen(table);
	cl = strlen(column);
	if (tl + cl + 2 + 8 > adsz)
		return 0;
	memcpy(ad, table, tl + 1);
	memcpy(ad + tl + 1, column, cl + 1);
	r = (uint64_t)row;
	for (i = 0; i < 8; i++)
		ad[tl + cl + 2 + i] = (unsigned char)(r >> (56 - 8 * i));
	return tl + cl + 2 + 8;
}

int
crypto_seal(const struct keys *k, const char *table, const char *column,
    int64_t row, const void *pt, size_t ptsz, struct buf *out)
{
	unsigned char		 ad[256];
	unsigned char		*p;
	unsigned long long	 clen;
	size_t			 adsz, total;

	if (ptsz > SEAL_MAX ||
	    (adsz = make_ad(ad, sizeof(ad), table, column, row)) == 0) {
		kerr("seal %s.%s: value or names too long", table, column);
		return 0;
	}
	total = 1 + NONCE_SZ + ptsz + TAG_SZ;
	buf_reset(out);
	p = xmalloc(total);
	p[0] = k->data_id;
	randombytes_buf(p + 1, NONCE_SZ);
	crypto_aead_aes256gcm_encrypt(p + 1 + NONCE_SZ, &clen, pt, ptsz,
	    ad, adsz, NULL, p + 1, k->data);
	buf_putn(out, p, total);
	sodium_memzero(p, total);
	free(p);
	return buf_ok(out);
}

int
crypto_open(const struct keys *k, const char *table, const char *column,
    int64_t row, const void *ct, size_t ctsz, struct buf *out)
{
	const unsigned char	*c = ct;
	const unsigned char	*key;
	unsigned char		 ad[256];
	unsigned char		*p;
	unsigned long long	 plen;
	size_t			 adsz;
	int			 i, rc = 0;

	buf_reset(out);
	if (ct == NULL || ctsz < 1 + NONCE_SZ + TAG_SZ || ctsz > SEAL_MAX ||
	    (adsz = make_ad(ad, sizeof(ad), table, column, row)) == 0)
		return 0;
	p = xmalloc(ctsz);
	/* The id byte picks the key; on an id clash both are tried. */
	for (i = 0; i < 2 && rc == 0; i++) {
		if (i == 0 && c[0] == k->data_id)
			key = k->data;
		else if (i == 1 && k->have_old && c[0] == k->old_id)
			key = k->old;
		else
			continue;
		if (crypto_aead_aes256gcm_decrypt(p, &plen, NULL,
		    c + 1 + NONCE_SZ, ctsz - 1 - NONCE_SZ, ad, adsz, c + 1,
		    key) == 0) {
			buf_putn(out, p, (size_t)plen);
			rc = buf_ok(out);
		}
	}
	sodium_memzero(p, ctsz);
	free(p);
	return rc;
}

void
crypto_bidx(const struct keys *k, const char *purpose, const char *value,
    unsigned char out[BIDX_SZ])
{
	crypto_auth_hmacsha256_state	 st;

	crypto_auth_hmacsha256_init(&st, k->index, KEY_SZ);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose,
	    strlen(purpose) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)value,
	    strlen(value));
	crypto_auth_hmacsha256_final(&st, out);
}

void
crypto_token_hex(char *out, size_t n)
{
	unsigned char	 raw[64];

	if (n > sizeof(raw))
		n = sizeof(raw);
	randombytes_buf(raw, n);
	sodium_bin2hex(out, 2 * n + 1, raw, n);
	sodium_memzero(raw, sizeof(raw));
}

int
crypto_pw_hash(const char *pw, char out[128])
{
	if (crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		kerr("password hashing failed (out of memory?)");
		return 0;
	}
	return 1;
}

int
crypto_pw_verify(const char *hash, const char *pw)
{
	if (hash == NULL || *hash == '\0')
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}
