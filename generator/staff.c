/*
 * staff.c: `kenmin-gen staff add|unlock`: create a staff account with a
 * single-use set-password link (A-29: no printed password) and lift a
 * lockout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "text.h"
#include "util.h"
#include "extern.h"

#define SETPW_TTL	(24 * 60 * 60)	/* seconds the link is valid */
#define NAME_MAX_CP	100		/* code points of a display name */

enum stmt {
	STMT_ADD,
	STMT_TOKEN,
	STMT_UNLOCK,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_ADD */
	"INSERT INTO staff (login_id, login_key, display_name, role, "
	"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	/* STMT_TOKEN */
	"INSERT INTO token (hash, purpose, subject_kind, subject_id, "
	"created_at, expires_at) VALUES (?1, 'set_password', 'staff', ?2, "
	"?3, ?4)",
	/* STMT_UNLOCK */
	"UPDATE staff SET failed_logins = 0, locked_until = NULL, "
	"updated_at = ?2 WHERE login_key = ?1",
};

/* A-38: 4 to 64 characters of A-Z a-z 0-9 . _ - @. */
static int
login_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n < 4 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._-@", s[i]) != NULL))
			return 0;
	return 1;
}

/* The display name: one line of valid UTF-8, 1 to NAME_MAX_CP chars. */
static int
name_ok(const char *s)
{
	const char	*p;
	size_t		 n;

	if (!text_utf8_valid(s, strlen(s)))
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	n = text_utf8_count(s);
	return n >= 1 && n <= NAME_MAX_CP;
}

/* staff add LOGIN --role admin|editor --name NAME */
static int
staff_add(struct gen *g, int argc, char *argv[])
{
	const char	*login, *role = NULL, *name = NULL;
	char		 tok[65], *key = NULL;
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	long long	 now, id;
	size_t		 n;
	int		 i, rc = 0;

	if (argc < 1) {
		kerr("usage: staff add LOGIN --role admin|editor --name NAME");
		return 0;
	}
	login = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else {
			kerr("staff add: unexpected argument %s", argv[i]);
			return 0;
		}
	}
	if (!login_ok(login)) {
		kerr("staff add: login ID must be 4-64 characters of "
		    "A-Z a-z 0-9 . _ - @");
		return 0;
	}
	if (role == NULL || (strcmp(role, "admin") != 0 &&
	    strcmp(role, "editor") != 0)) {
		kerr("staff add: --role must be admin or editor");
		return 0;
	}
	if (name == NULL || !name_ok(name)) {
		kerr("staff add: --name must be 1-%d characters on one line",
		    NAME_MAX_CP);
		return 0;
	}
	if (!gen_open_db(g, 0) || !gen_load_keys(g, 1))
		return 0;
	if ((key = text_normalize(login)) == NULL)
		return 0;
	now = (long long)time(NULL);
	if (!db_begin(g->db))
		goto out;
	if ((st = db_prep(g->db, sql[STMT_ADD])) == NULL)
		goto fail;
	db_bind_text(st, 1, login);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, role);
	db_bind_int(st, 5, now);
	if (!db_run(g->db, st)) {
		kerr("staff add: %s: login ID already taken?", login);
		goto fail;
	}
	id = db_last_id(g->db);
	crypto_token_hex(tok, 32);
	crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
	if ((st = db_prep(g->db, sql[STMT_TOKEN])) == NULL)
		goto fail;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, now + SETPW_TTL);
	if (!db_run(g->db, st) || !db_commit(g->db))
		goto fail;
	n = strlen(g->cfg->cgi_path);
	while (n > 0 && g->cfg->cgi_path[n - 1] == '/')
		n--;
	printf("%s%.*s/setpw?t=%s\n", g->cfg->base_url, (int)n,
	    g->cfg->cgi_path, tok);
	fprintf(stderr, "staff %s (%s) created; the link above sets the "
	    "password, once, within 24 hours\n", login, role);
	rc = 1;
	goto out;
fail:
	db_rollback(g->db);
out:
	sodium_memzero(tok, sizeof(tok));
	free(key);
	return rc;
}

/* staff unlock LOGIN */
static int
staff_unlock(struct gen *g, int argc, char *argv[])
{
	sqlite3_stmt	*st;
	char		*key;
	int		 rc = 0;

	if (argc != 1) {
		kerr("usage: staff unlock LOGIN");
		return 0;
	}
	if (!gen_open_db(g, 0) || (key = text_normalize(argv[0])) == NULL)
		return 0;
	if ((st = db_prep(g->db, sql[STMT_UNLOCK])) == NULL)
		goto out;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, (long long)time(NULL));
	if (!db_run(g->db, st))
		goto out;
	if (db_changes(g->db) != 1) {
		kerr("staff unlock: %s: no such staff login", argv[0]);
		goto out;
	}
	rc = 1;
out:
	free(key);
	return rc;
}

/* kenmin-gen staff add|unlock … */
int
cmd_staff(struct gen *g, int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return staff_add(g, argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "unlock") == 0)
		return staff_unlock(g, argc - 2, argv + 2);
	kerr("usage: staff add LOGIN --role admin|editor --name NAME | "
	    "staff unlock LOGIN");
	return 0;
}
