/*
 * families.c: the tables of page families build.c runs, in order.  Each
 * file that renders pages defines its families and lists them here.
 */
#include <stddef.h>
#include <stdint.h>

#include "extern.h"

/* sn_lists.c, pages.c */
extern const struct family fam_reports_list, fam_reports_detail,
    fam_books_list, fam_books_years, fam_books_detail, fam_sn_notices_list,
    fam_sn_center_list, fam_ak_notices_list, fam_notices_detail,
    fam_sn_news_list, fam_ak_news_list, fam_news_detail, fam_pages;

const struct family *const fam_supernet[] = {
	&fam_sn_top,
	&fam_sn_orgs_index, &fam_sn_orgs_group, &fam_sn_orgs_npo,
	&fam_sn_orgs_company, &fam_sn_orgs_field, &fam_sn_orgs_area,
	&fam_sn_org_detail,
	&fam_sn_events_index, &fam_sn_events_past, &fam_sn_events_field,
	&fam_sn_events_calendar, &fam_sn_event_detail,
	&fam_sn_grants_index, &fam_sn_grants_closed, &fam_sn_grants_field,
	&fam_sn_grants_area, &fam_sn_grants_calendar, &fam_sn_grant_detail,
	&fam_reports_list, &fam_reports_detail, &fam_books_list,
	&fam_books_years, &fam_books_detail, &fam_sn_notices_list,
	&fam_sn_center_list, &fam_ak_notices_list, &fam_notices_detail,
	&fam_sn_news_list, &fam_ak_news_list, &fam_news_detail,
	NULL
};

extern const struct family fam_ak_top, fam_ak_recruiting, fam_ak_past,
    fam_ak_calendar, fam_ak_posting, fam_ak_members_index,
    fam_ak_members_type, fam_ak_members_area, fam_ak_members_field,
    fam_ak_members_probono, fam_ak_member, fam_ak_interviews,
    fam_ak_interview, fam_ak_faq, fam_ak_downloads;

const struct family *const fam_aikasa[] = {
	&fam_ak_top, &fam_ak_recruiting, &fam_ak_past, &fam_ak_calendar,
	&fam_ak_posting, &fam_ak_members_index, &fam_ak_members_type,
	&fam_ak_members_area, &fam_ak_members_field, &fam_ak_members_probono,
	&fam_ak_member, &fam_ak_interviews, &fam_ak_interview, &fam_ak_faq,
	&fam_ak_downloads,
	NULL
};

extern const struct family fam_feed_events, fam_feed_grants,
    fam_feed_postings, fam_robots, fam_404, fam_sitemap;
extern const struct family fam_assets, fam_uploads;	/* assets.c */

const struct family *const fam_common[] = {
	&fam_feed_events, &fam_feed_grants, &fam_feed_postings,
	&fam_robots, &fam_404, &fam_pages, &fam_assets, &fam_uploads,
	&fam_search,
	NULL
};

/* Run after every other family: sitemap.xml lists what they made. */
const struct family *const fam_final[] = {
	&fam_sitemap,
	NULL
};
