/*
 * preview.c: `kenmin-gen preview KIND ID` prints to stdout the detail
 * page an org, event, member or posting would have if it were
 * published now, whatever its state, so staff can review it.
 *
 * It renders through the item's own detail family with the same
 * templates and layout as a build; r.preview makes rctx_page() and
 * rctx_write() skip the site writer (there is no site: r.site is NULL,
 * so site_dep() records nothing) and append the page to a buffer, and
 * makes the family's one-row statement ignore the item's state.  The
 * database is opened read-only, and nothing is written to site_dir, to
 * its git history or to the database.  Every link the pages hold is
 * root-absolute ("/assets/site.css", "/groups/12.html") or absolute,
 * so the page works when served from formsvc's URL.  Attachments are
 * shown only when already published (files/<public_name>).
 *
 * Exit 0 with the page on stdout; 1 with one line on stderr (no such
 * item, bad arguments, or an error).  formsvc runs it with a fixed argv.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define PREVIEW_MAX	((size_t)16 * 1024 * 1024)	/* one page */

/* ak_members.c, ak_postings.c (listed in families.c) */
extern const struct family fam_ak_member, fam_ak_posting;

static const struct {
	const char		*name;
	const struct family	*fam;
} kinds[] = {
	{ "org", &fam_sn_org_detail },
	{ "event", &fam_sn_event_detail },
	{ "member", &fam_ak_member },
	{ "posting", &fam_ak_posting },
};

int
cmd_preview(struct gen *g, int argc, char *argv[])
{
	struct rctx		 r;
	struct buf		 body, out, page;
	struct idlist		 one = { NULL, 0 };
	const struct family	*f = NULL;
	long long		 id;
	size_t			 i;
	int			 rc = 0;

	memset(&r, 0, sizeof(r));
	buf_init(&body, 0);
	buf_init(&out, 0);
	buf_init(&page, PREVIEW_MAX);
	if (argc == 3)
		for (i = 0; i < KENMIN_NELEM(kinds); i++)
			if (strcmp(argv[1], kinds[i].name) == 0)
				f = kinds[i].fam;
	if (f == NULL || !util_strtoll(argv[2], 1, INT64_MAX, &id)) {
		kerr("usage: preview org|event|member|posting ID");
		goto out;
	}
	g->db = db_open(g->cfg->database, DB_READONLY);
	if (g->db == NULL)
		goto out;
	if (db_version(g->db) < db_version_latest()) {
		kerr("%s: schema version %d, this kenmin-gen needs %d: "
		    "run `kenmin-gen init`", g->cfg->database,
		    db_version(g->db), db_version_latest());
		goto out;
	}
	if ((r.tmpl = tmpl_set_load_skip(g->cfg->theme_dir,
	    build_theme_skip)) == NULL)
		goto out;
	r.g = g;
	r.arena = tarena_new();
	r.body = &body;
	r.out = &out;
	r.full = 1;
	r.preview = &page;
	idlist_add(&one, (int64_t)id);
	if (!f->render(&r, &one))
		goto out;
	if (page.len == 0) {
		kerr("preview: no %s %lld", argv[1], id);
		goto out;
	}
	if (fwrite(page.p, 1, page.len, stdout) != page.len ||
	    fflush(stdout) != 0) {
		kerr("preview: writing the page failed");
		goto out;
	}
	rc = 1;
out:
	free(one.ids);
	tmpl_set_free(r.tmpl);
	tarena_free(r.arena);
	buf_free(&body);
	buf_free(&out);
	buf_free(&page);
	return rc;
}
