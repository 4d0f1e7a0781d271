/*
 * test_crypto.c: sealing binds table, column and row; tampering and
 * wrong keys fail; key files are private; blind indexes and password
 * hashes behave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "util.h"
#include "t.h"

int
main(void)
{
	struct keys	 k, k2;
	struct buf	 ct, pt;
	char		 dir[] = "/tmp/kenmin-keys-XXXXXX";
	char		 dir2[] = "/tmp/kenmin-keys-XXXXXX";
	char		 path[256], tok[33], hash[128];
	unsigned char	 b1[BIDX_SZ], b2[BIDX_SZ], b3[BIDX_SZ];
	struct stat	 st;
	const char	*secret = "山口 太郎 083-000-1234";

	T_OK(crypto_init(), "libsodium with AES-GCM available");
	T_OK(mkdtemp(dir) != NULL && mkdtemp(dir2) != NULL, "temp dirs");
	snprintf(path, sizeof(path), "%s/keys", dir);
	T_OK(!keys_load(&k, path, 0), "missing key dir refused without create");
	T_OK(keys_load(&k, path, 1), "keys created");
	T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "key dir is 0700");
	snprintf(path, sizeof(path), "%s/keys/data.key", dir);
	T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    st.st_size == KEY_SZ, "data.key is 0600 and 32 bytes");

	buf_init(&ct, 0);
	buf_init(&pt, 0);
	T_OK(crypto_seal(&k, "member", "name_ct", 42, secret, strlen(secret),
	    &ct), "seal");
	T_OK(ct.len == 1 + 12 + strlen(secret) + 16, "sealed size");
	T_OK(memmem(ct.p, ct.len, "083", 3) == NULL, "no plaintext in seal");
	T_OK(crypto_open(&k, "member", "name_ct", 42, ct.p, ct.len, &pt) &&
	    strcmp(pt.p, secret) == 0, "open round trip");
	T_OK(!crypto_open(&k, "member", "name_ct", 43, ct.p, ct.len, &pt),
	    "other row does not open");
	T_OK(!crypto_open(&k, "member", "tel_ct", 42, ct.p, ct.len, &pt),
	    "other column does not open");
	T_OK(!crypto_open(&k, "org", "name_ct", 42, ct.p, ct.len, &pt),
	    "other table does not open");
	ct.p[20] ^= 1;
	T_OK(!crypto_open(&k, "member", "name_ct", 42, ct.p, ct.len, &pt),
	    "tampered ciphertext does not open");
	ct.p[20] ^= 1;
	T_OK(!crypto_open(&k, "member", "name_ct", 42, ct.p, 10, &pt),
	    "truncated value refused");

	/* Another key set opens nothing of the first. */
	snprintf(path, sizeof(path), "%s/keys", dir2);
	T_OK(keys_load(&k2, path, 1), "second key set");
	T_OK(!crypto_open(&k2, "member", "name_ct", 42, ct.p, ct.len, &pt),
	    "wrong key does not open");

	/* Rotation: the old key, kept as data.key.old, still opens. */
	snprintf(path, sizeof(path), "%s/keys/data.key", dir);
	{
		char	 dst[256];

		snprintf(dst, sizeof(dst), "%s/keys/data.key.old", dir2);
		T_OK(link(path, dst) == 0, "install old key");
		keys_wipe(&k2);
		snprintf(dst, sizeof(dst), "%s/keys", dir2);
		T_OK(keys_load(&k2, dst, 0) && k2.have_old, "old key loaded");
		T_OK(crypto_open(&k2, "member", "name_ct", 42, ct.p, ct.len,
		    &pt) && strcmp(pt.p, secret) == 0,
		    "value sealed under the old key opens during rotation");
	}

	/* A key file readable by others is refused. */
	T_OK(chmod(path, 0644) == 0, "chmod");
	keys_wipe(&k2);
	snprintf(path, sizeof(path), "%s/keys", dir);
	T_OK(!keys_load(&k2, path, 0), "world-readable key refused");

	crypto_bidx(&k, "email", "a@example.jp", b1);
	crypto_bidx(&k, "email", "a@example.jp", b2);
	crypto_bidx(&k, "login", "a@example.jp", b3);
	T_OK(memcmp(b1, b2, BIDX_SZ) == 0, "blind index is deterministic");
	T_OK(memcmp(b1, b3, BIDX_SZ) != 0, "blind index depends on purpose");

	crypto_token_hex(tok, 16);
	T_OK(strlen(tok) == 32 && strspn(tok, "0123456789abcdef") == 32,
	    "128-bit token as 32 hex digits");

	T_OK(crypto_pw_hash("correct horse 8", hash), "argon2id hash");
	T_OK(strncmp(hash, "$argon2id$", 10) == 0, "hash is argon2id");
	T_OK(crypto_pw_verify(hash, "correct horse 8"), "password verifies");
	T_OK(!crypto_pw_verify(hash, "correct horse 9"), "wrong password fails");
	T_OK(!crypto_pw_verify("", "x"), "empty hash never verifies");

	buf_free(&ct);
	buf_free(&pt);
	keys_wipe(&k);
	keys_wipe(&k2);
	{
		char	 cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, dir2);
		if (system(cmd) != 0)
			printf("# cleanup failed\n");
	}
	return t_done();
}
