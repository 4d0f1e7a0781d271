/*
 * stats.c: `kenmin-gen stats`: one line per kind of item and state,
 * KIND<TAB>STATE<TAB>COUNT, with an "all" line per kind.
 *
 * Kinds: group, npo, company (registered through the Super Net form,
 * by 活動中/解散/退会 status), org_other (other sources, A-34), org (all);
 * event, grant, report, book, notice, center_notice, newsletter
 * (Super Net さぽーとメール), aikasa_notice, aikasa_news, interview, faq,
 * page, member_individual/_group/_company (by state), member_paused,
 * posting (by state) and posting_phase (public postings on --today:
 * recruiting, scheduled, past), subscriber_supernet/_aikasa, staff.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "util.h"
#include "extern.h"

/* Each query returns (kind, state, count) rows in a fixed order. */
static const char *const queries[] = {
	"SELECT kind, status, count(*) FROM org WHERE source = 'supernet_form' "
	"GROUP BY kind, status ORDER BY kind = 'company', kind = 'npo', kind, status",
	"SELECT 'org_other', status, count(*) FROM org "
	"WHERE source <> 'supernet_form' GROUP BY status ORDER BY status",
	"SELECT 'event', state, count(*) FROM event GROUP BY state ORDER BY state",
	"SELECT 'grant', state, count(*) FROM grant_item GROUP BY state ORDER BY state",
	"SELECT 'report', state, count(*) FROM report GROUP BY state ORDER BY state",
	"SELECT 'book', state, count(*) FROM book GROUP BY state ORDER BY state",
	"SELECT CASE WHEN site = 'aikasa' THEN 'aikasa_notice' "
	"WHEN kind = 'center' THEN 'center_notice' ELSE 'notice' END AS k, "
	"state, count(*) FROM notice GROUP BY k, state ORDER BY k, state",
	"SELECT CASE site WHEN 'supernet' THEN 'newsletter' ELSE 'aikasa_news' END "
	"AS k, state, count(*) FROM newsletter GROUP BY k, state ORDER BY k DESC, state",
	"SELECT 'member_' || type, state, count(*) FROM member "
	"GROUP BY type, state ORDER BY type = 'company', type = 'group', type, state",
	"SELECT 'member_status', status, count(*) FROM member "
	"GROUP BY status ORDER BY status",
	"SELECT 'posting', state, count(*) FROM posting GROUP BY state ORDER BY state",
	"SELECT 'posting_phase', CASE "
	"WHEN p.closed = 1 THEN 'past' "
	"WHEN p.anytime = 1 THEN 'recruiting' "
	"WHEN p.apply_until < ?1 THEN 'past' "
	"WHEN p.apply_from > ?1 THEN 'scheduled' "
	"ELSE 'recruiting' END AS ph, count(*) FROM posting p "
	"WHERE p.state = 'public' GROUP BY ph ORDER BY ph",
	"SELECT 'interview', state, count(*) FROM interview GROUP BY state ORDER BY state",
	"SELECT 'faq', state, count(*) FROM faq GROUP BY state ORDER BY state",
	"SELECT 'page', state, count(*) FROM page GROUP BY state ORDER BY state",
	"SELECT 'subscriber_' || list, state, count(*) FROM subscriber "
	"GROUP BY list, state ORDER BY list DESC, state",
	"SELECT 'staff', role, count(*) FROM staff GROUP BY role ORDER BY role",
};

int
cmd_stats(struct gen *g, int argc, char *argv[])
{
	sqlite3_stmt	*st;
	char		 kind[64] = "";
	int		 org_all_done = 0;
	long long	 total = 0, org_total = 0, n;
	size_t		 i;
	int		 r;

	(void)argv;
	if (argc != 1) {
		kerr("usage: stats");
		return 0;
	}
	if (!gen_open_db(g, 0))
		return 0;
	for (i = 0; i < KENMIN_NELEM(queries); i++) {
		if ((st = db_prep(g->db, queries[i])) == NULL)
			return 0;
		if (sqlite3_bind_parameter_count(st) > 0)
			db_bind_text(st, 1, g->today);
		while ((r = db_row(g->db, st)) == 1) {
			const char *k = db_col_text(st, 0);

			n = sqlite3_column_int64(st, 2);
			if (strcmp(k, kind) != 0) {
				if (kind[0] != '\0')
					printf("%s\tall\t%lld\n", kind, total);
				snprintf(kind, sizeof(kind), "%s", k);
				total = 0;
			}
			printf("%s\t%s\t%lld\n", k, db_col_text(st, 1), n);
			total += n;
			if (i <= 1)
				org_total += n;
		}
		if (r < 0)
			return 0;
		if (i == 1 && !org_all_done) {
			/* Close org_other, then the grand total of orgs. */
			if (kind[0] != '\0')
				printf("%s\tall\t%lld\n", kind, total);
			kind[0] = '\0';
			total = 0;
			printf("org\tall\t%lld\n", org_total);
			org_all_done = 1;
		}
	}
	if (kind[0] != '\0')
		printf("%s\tall\t%lld\n", kind, total);
	return 1;
}
