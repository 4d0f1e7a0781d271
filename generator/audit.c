/*
 * audit.c: `kenmin-gen audit verify|purge|export`, the operator's view
 * of the HMAC-chained audit log (lib/audit.c does the work).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "esc.h"
#include "util.h"
#include "extern.h"

static const char *const sql_export =
    "SELECT id, at, actor_kind, coalesce(actor_id, ''), action, "
    "coalesce(target_kind, ''), coalesce(target_id, ''), "
    "coalesce(detail, ''), coalesce(ip, '') FROM audit ORDER BY id";

/* verify: exit 0 and one line when intact, else name the first bad row. */
static int
verify(struct gen *g)
{
	struct buf	 why;
	int64_t		 bad;
	int		 r;

	buf_init(&why, 1024);
	r = audit_verify(g->db, g->keys, &bad, &why);
	if (r == 1)
		printf("audit: chain intact\n");
	else if (r == 0)
		kerr("audit: chain broken at row %lld: %s", (long long)bad,
		    buf_str(&why));
	buf_free(&why);
	return r == 1;
}

static int
purge(struct gen *g)
{
	int64_t	 n, before;

	before = (int64_t)time(NULL) - (int64_t)g->cfg->audit_days * 86400;
	if (!audit_purge(g->db, g->keys, before, &n))
		return 0;
	printf("audit: %lld rows older than %d days purged\n", (long long)n,
	    g->cfg->audit_days);
	return 1;
}

/* export: the log as CSV on stdout (already masked data only). */
static int
export(struct gen *g)
{
	sqlite3_stmt	*st;
	struct buf	 out;
	int		 i, r;

	if ((st = db_prep(g->db, sql_export)) == NULL)
		return 0;
	buf_init(&out, 0);
	buf_puts(&out, "id,at,actor_kind,actor_id,action,target_kind,"
	    "target_id,detail,ip\r\n");
	while ((r = db_row(g->db, st)) == 1) {
		for (i = 0; i < 9; i++) {
			const char *v = db_col_text(st, i);

			if (i > 0)
				buf_putc(&out, ',');
			esc_csv(&out, v, strlen(v));
		}
		buf_puts(&out, "\r\n");
	}
	if (r == 0 && buf_ok(&out))
		fwrite(out.p, 1, out.len, stdout);
	buf_free(&out);
	return r == 0;
}

int
cmd_audit(struct gen *g, int argc, char *argv[])
{
	if (argc != 2) {
		kerr("usage: audit verify|purge|export");
		return 0;
	}
	if (!gen_load_keys(g, 0) || !gen_open_db(g, 0))
		return 0;
	if (strcmp(argv[1], "verify") == 0)
		return verify(g);
	if (strcmp(argv[1], "purge") == 0)
		return purge(g);
	if (strcmp(argv[1], "export") == 0)
		return export(g);
	kerr("usage: audit verify|purge|export");
	return 0;
}
