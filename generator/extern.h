/*
 * extern.h: every non-static function of kenmin-gen.
 */
#ifndef KENMIN_GEN_EXTERN_H
#define KENMIN_GEN_EXTERN_H

#include <stdint.h>

struct config;
struct db;
struct keys;

/* The state one command runs with; set up by main.c. */
struct gen {
	struct config	*cfg;
	struct db	*db;		/* NULL until a command opens it */
	struct keys	*keys;		/* NULL until a command loads them */
	const char	*today;		/* YYYY-MM-DD, --today or Asia/Tokyo now */
	const char	*cfgpath;	/* the configuration file read */
	int		 hist_begun;	/* history_begin() ran for this run */
	int		 hist_stale;	/* ... and found an earlier marker */
};

/* main.c */
int	 gen_open_db(struct gen *, int create);
int	 gen_load_keys(struct gen *, int create);
int64_t	 gen_today_epoch(const struct gen *);

/* staff.c: staff add (set-password link), staff unlock. */
int	 cmd_staff(struct gen *, int argc, char *argv[]);

/* init.c: create or migrate the database and load master data. */
int	 cmd_init(struct gen *, int argc, char *argv[]);

/* stats.c: KIND<TAB>STATE<TAB>COUNT lines. */
int	 cmd_stats(struct gen *, int argc, char *argv[]);

/* mail.c: the outbox sender; audit.c: verify/purge the audit chain. */
int	 cmd_mail(struct gen *, int argc, char *argv[]);
int	 cmd_audit(struct gen *, int argc, char *argv[]);
int	 cmd_keys(struct gen *, int argc, char *argv[]);	/* keys.c */
int	 cmd_purge(struct gen *, int argc, char *argv[]);	/* purge.c */

/* demo.c: deterministic demo data. */
int	 cmd_demo(struct gen *, int argc, char *argv[]);

/* demodata.c: seeded generator (xoshiro256**) and demo vocabulary. */
struct buf;
struct bufrd;

struct demo_rng {
	uint64_t	 s[4];
};

struct demo_person {
	const char	*sei, *sei_kana, *mei, *mei_kana;
	int		 female;
};

struct demo_faq {
	const char	*category, *q, *a;
};

#define DEMO_MUNI_MAX	19	/* Yamaguchi's municipalities, code order */
#define DEMO_FIELD_MAX	20	/* NPO Act fields, in the Act's order */

enum demo_org { DEMO_ORG_CIVIC, DEMO_ORG_NPO, DEMO_ORG_COMPANY,
	DEMO_ORG__MAX };
enum demo_text { DEMO_TEXT_ABOUT, DEMO_TEXT_EVENT, DEMO_TEXT_NOTICE,
	DEMO_TEXT__MAX };
enum demo_title { DEMO_TITLE_EVENT, DEMO_TITLE_REPORT, DEMO_TITLE_INTERVIEW,
	DEMO_TITLE_POSTING, DEMO_TITLE_NOTICE, DEMO_TITLE_CENTER,
	DEMO_TITLE_GRANT, DEMO_TITLE_BOOK, DEMO_TITLE__MAX };

void	 demo_rng_seed(struct demo_rng *, uint64_t);
uint64_t demo_rng_next(struct demo_rng *);
uint32_t demo_rng_below(struct demo_rng *, uint32_t);
int	 demo_rng_range(struct demo_rng *, int lo, int hi);
int	 demo_rng_chance(struct demo_rng *, unsigned pct);
int64_t	 demo_days_from_ymd(int, int, int);
void	 demo_ymd_from_days(int64_t, int *, int *, int *);
int	 demo_parse_date(const char *, int64_t *);
int	 demo_weekday(int64_t);
const char *demo_weekday_name(int);
void	 demo_date_iso(int64_t, struct buf *);
void	 demo_date_ja(int64_t, struct buf *);
void	 demo_person(struct demo_rng *, struct demo_person *);
void	 demo_romaji(const char *, struct buf *);
const char *demo_muni_name(int);
const char *demo_muni_kana(int);
int	 demo_muni_pick(struct demo_rng *);
const char *demo_town(struct demo_rng *, int);
void	 demo_address(struct demo_rng *, int, struct buf *, struct buf *);
void	 demo_phone(struct demo_rng *, int, struct buf *);
void	 demo_mobile(struct demo_rng *, struct buf *);
void	 demo_email(struct demo_rng *, const struct demo_person *, int64_t,
	    struct buf *);
const char *demo_field_short(int);
const char *demo_topic(struct demo_rng *, int);
void	 demo_org_name(struct demo_rng *, enum demo_org, int, struct buf *,
	    struct buf *, int *);
void	 demo_paragraphs(struct demo_rng *, enum demo_text, int, int,
	    const char *, int, int, struct buf *);
void	 demo_short(struct demo_rng *, enum demo_text, int, int,
	    const char *, int, struct buf *);
void	 demo_title(struct demo_rng *, enum demo_title, int, int,
	    const char *, int, struct buf *);
void	 demo_funder(struct demo_rng *, struct buf *);
void	 demo_author(struct demo_rng *, struct buf *);
const char *demo_publisher(struct demo_rng *);
const char *demo_job(struct demo_rng *);
void	 demo_newsletter_body(struct demo_rng *, int, int, int64_t,
	    struct buf *);
const struct demo_faq *demo_faqs(size_t *);

/* ---- site output (site.c, history.c) ---- */
/*
 * site.c: atomic, incremental writing of site_dir with its manifest
 * (site_file, site_dep).  Pair site_open() with site_free(); call
 * site_finish() once in between.  relpaths are [a-z0-9/_.-], relative,
 * no "..", "//" or hidden components (".well-known" excepted).
 */
struct stat;
struct site;

#define SITE_FULL	0x01	/* full build: delete manifest files not written */
#define SITE_VERIFY	0x02	/* compare bytes on disk; trust no stored hash */
#define SITE_KEEPDEPS	0x04	/* keep site_dep of written files (rollback) */
#define SITE_WORKER	0x08	/* build-worker: flags as given, no finish */

struct site_stats {
	size_t		 written;	/* files created or replaced */
	size_t		 unchanged;	/* bytes already there: not touched */
	size_t		 deleted;	/* stale, removed or rolled-back files */
	uint64_t	 bytes_written;
	uint64_t	 bytes;		/* all bytes given to the writer */
};

int		 site_path_ok(const char *);
struct site	*site_open(struct db *, const char *dir, int flags);
int		 site_flags(const struct site *);
int		 site_page_begin(struct site *, const char *relpath);
void		 site_dep(struct site *, const char *kind, int64_t id);
int		 site_page_end(struct site *, const void *, size_t);
int		 site_put(struct site *, const char *relpath, const void *,
		    size_t);
int		 site_remove(struct site *, const char *relpath);
char		**site_shows(struct site *, const char *kind, int64_t id);
char		**site_under(struct site *, const char *prefix, int *same);
struct site_depv {		/* one dep, for site_deps_same() */
	const char	*kind;
	int64_t		 id;
};
int		 site_deps_same(struct site *, const char *relpath,
		    const struct site_depv *, size_t);
void		 site_paths_free(char **);
int		 site_finish(struct site *, int ok, struct site_stats *);
const char	*site_change(const struct site *, size_t, int *removed);
int		 site_gone(const struct site *, const char *relpath);
int		 site_dirty(struct site *);
int		 site_write_file(const char *dir, const char *relpath,
		    unsigned long n, const void *, size_t, struct stat *);
int		 site_put_written(struct site *, const char *relpath,
		    const void *, size_t, const struct stat *);
const char	*site_added_or_gone(const struct site *, size_t *pos);
void		 site_export(const struct site *, struct buf *);
int		 site_import(struct site *, struct bufrd *);
/* Called with every file the run writes, after its rename; 0 stops. */
typedef int	 site_write_fn(void *, const char *relpath, const void *,
		    size_t, const struct stat *);
void		 site_on_write(struct site *, site_write_fn *, void *);
void		 site_free(struct site *);

/* history.c: the git history of site_dir (git dir outside it). */
struct git_repository;
struct git_index;
struct git_oid;
struct git_index_entry;
struct histpack;
#define HP_LOOSE	0x01	/* histpack_open(): loose objects, no pack */
struct histpack	*histpack_open(const char *objects_dir, int flags); /* histpack.c */
int	 histpack_put(struct histpack *, const char *relpath, const void *,
	    size_t, const struct stat *);
int	 histpack_finish(struct histpack *);
const struct git_index_entry *histpack_entry(const struct histpack *,
	    const char *relpath);
void	 histpack_export(const struct histpack *, struct buf *);
int	 histpack_import(struct histpack *, struct bufrd *);
void	 histpack_free(struct histpack *);
struct histpack	*history_pack_start(struct gen *, int flags);
int	 history_begin(struct gen *);
int	 history_commit(struct gen *, const struct site *,
	    const struct site_stats *, struct histpack *, const char *msg,
	    int *committed);
int	 cmd_history(struct gen *, int argc, char *argv[]);
int	 cmd_rollback(struct gen *, int argc, char *argv[]);

/* ---- rendering (render.c, build.c) ---- */

struct buf;
struct site;
struct tarena;
struct tmpl_set;
struct tval;
struct strset;

/*
 * Kinds of entity a publish_queue row names.  A family of pages is
 * re-rendered by a publish when a kind in its mask changed.
 */
enum kind {
	K_ORG, K_EVENT, K_GRANT, K_REPORT, K_BOOK, K_NOTICE, K_NEWSLETTER,
	K_MEMBER, K_POSTING, K_INTERVIEW, K_FAQ, K_PAGE, K_SETTING,
	K_MASTER, K_UPLOAD,
	K_DATE,		/* the date changed: recruiting lists, calendars */
	K__MAX
};
#define KBIT(k)		(1u << (k))
#define KALL		((1u << K__MAX) - 1)

enum siteid {
	SITE_SUPERNET,
	SITE_AIKASA,
	SITE__MAX
};

/* Ids of one kind queued for a publish, sorted, no duplicates. */
struct idlist {
	int64_t		*ids;
	size_t		 len;
};

/* The state of one build or publish run. */
struct rctx {
	struct gen	*g;
	struct site	*site;
	struct tmpl_set	*tmpl;
	struct tarena	*arena;		/* reset per page by rctx_page() */
	struct buf	*body;		/* scratch: the rendered body */
	struct buf	*out;		/* scratch: the whole page */
	int		 full;		/* 1 build, 0 publish */
	unsigned	 changed;	/* publish: KBIT()s queued */
	struct idlist	 queued[K__MAX];/* publish: ids queued per kind */
	size_t		 pages;		/* pages rendered this run */
	char		 relpath[512];	/* the page being rendered (a copy) */
	struct tval	*crumbs;	/* its breadcrumbs */
	struct strset	*seen;		/* every relpath rendered this run */
	struct strset	*shown;		/* publish: paths that showed a queued item */
	/*
	 * preview.c: when set, the one page rendered is appended here
	 * instead of being written (site is NULL, nothing is recorded),
	 * and detail families read their item whatever its state.
	 */
	struct buf	*preview;
	/* search.c: the index being computed beside the other families */
	struct search_pre *searchpre;
	/*
	 * build.c: a full build's second process (build-worker) renders
	 * the families of worker_fams[]: part 0 renders all, 1 the rest
	 * (this process, while wpid runs), 2 only those (the worker).
	 */
	int		 part;
	int		 wpid;
	int		 wfd;		/* its report, read by worker_merge() */
	struct histpack	*hp;		/* the run's pack, or NULL */
	const struct family *fam;	/* build.c: the family rendering */
	size_t		 kept;		/* list pages kept (rctx_list_page) */
	/* render.c: rows one family read, for the next (rctx_cache_*) */
	const void	*cache_key;
	void		*cache;
	void		(*cache_free)(void *);
};

/*
 * A detail family's dependency on another kind: sql takes a queued id
 * of kind as ?1 and yields the ids of the family's pages that show that
 * item now (the pages that showed it before come from site_shows()).
 */
struct famdep {
	enum kind	 kind;
	const char	*sql;		/* NULL ends a list */
};

/*
 * One family of pages.  A list family renders all of its pages and
 * owns every file whose path starts with `owns` (so a publish deletes
 * its pages that are no longer produced); a detail family (detail set)
 * renders the detail pages "<dir><id>.html" (dir one of pages[]) of the
 * ids given, or of every public item when ids is NULL.  build.c picks
 * the ids and removes the pages of items no longer public.
 */
struct family {
	const char	*name;
	unsigned	 kinds;		/* KBIT()s whose change re-renders all */
	const char	*owns;		/* list family: its path prefix */
	enum kind	 detail;	/* detail family: the kind it shows */
	int		 is_detail;
	int		(*render)(struct rctx *, const struct idlist *ids);
	const char *const *pages;	/* detail: dirs, NULL-terminated */
	const struct famdep *deps;	/* detail: other kinds, or NULL */
};

/* Families, one NULL-terminated table per file that renders pages. */
extern const struct family *const fam_supernet[];	/* sn_*.c */
extern const struct family *const fam_aikasa[];		/* ak_*.c */
extern const struct family *const fam_common[];		/* feeds.c, pages.c */
extern const struct family fam_search;			/* search.c */
void	 search_prefetch(struct rctx *);
void	 search_prefetch_end(struct rctx *);
int	 cmd_search_check(struct gen *, int argc, char *argv[]);
extern const struct family *const fam_final[];		/* misc.c: sitemap */

/* render.c */
const char	*kind_name(enum kind);
int		 kind_parse(const char *, enum kind *);
const char	*site_root(enum siteid);	/* "/" or "/boranet201909/" */
struct tval	*rctx_page(struct rctx *, const char *relpath);
int		 rctx_write(struct rctx *, enum siteid, const char *tmpl,
		    struct tval *ctx);
int		 rctx_write_raw(struct rctx *, const char *tmpl,
		    struct tval *ctx);
void		 rctx_crumb(struct rctx *, const char *label, const char *href);
void		 tv_date_ja(struct tval *obj, const char *key, const char *ymd);
void		 rctx_paging(struct rctx *, struct tval *ctx, const char *base,
		    size_t page, size_t pages);
char		*page_path(const char *base, size_t page);
void		 rctx_cache_set(struct rctx *, const void *key, void *,
		    void (*)(void *));
void		*rctx_cache_load(struct rctx *, const void *key, size_t size,
		    int (*)(struct rctx *, void *), void (*)(void *));
struct tval	*rctx_list_page(struct rctx *, const char *relpath,
		    unsigned kinds, enum kind kind, const int64_t *ids,
		    size_t n, const char *meta, int *kept);
int		 rctx_list_kept(struct rctx *, const char *relpath,
		    unsigned kinds, enum kind kind, const int64_t *ids,
		    size_t n, const char *meta);
void		 rctx_list_deps(struct rctx *, enum kind kind,
		    const int64_t *ids, size_t n, const char *meta);
int		 rctx_list_keepable(const struct rctx *, unsigned kinds);
int		 rctx_list_keep_under(struct rctx *, const char *prefix,
		    unsigned kinds);
void		 tv_set_nonempty(struct tval *, const char *key, const char *);
void		 idlist_add(struct idlist *, int64_t);
int		 rctx_each_id(struct rctx *, const struct idlist *ids,
		    const char *sql, int (*one)(struct rctx *, void *, int64_t),
		    void *arg);
int		 md_render(const char *md, struct buf *out);

/*
 * ak_postings.c: rules and helpers the あいかさねっと pages share.  The
 * SQL fragments take today as ?1 and alias posting p, its member m:
 * AK_P_VISIBLE a public posting of a public, active member;
 * AK_P_STARTED its recruitment has begun (A-20: none before apply_from);
 * AK_P_ENDED closed, or past apply_until and not 随時.  Recruiting is
 * STARTED AND NOT ENDED; past is STARTED AND ENDED.
 */
#define AK_P_VISIBLE	"p.state = 'public' AND m.state = 'public' " \
			"AND m.status = 'active'"
#define AK_P_STARTED	"(p.apply_from IS NULL OR p.apply_from <= ?1)"
#define AK_P_ENDED	"(p.closed = 1 OR (p.anytime = 0 AND " \
			"p.apply_until IS NOT NULL AND p.apply_until < ?1))"
#define AK_M_VISIBLE	"m.state = 'public' AND m.status = 'active'"
void	 ak_set_text(struct tval *, const char *key, const char *text);
void	 ak_member_label(struct buf *, const char *type, const char *name,
	    const char *muni, const char *occupation);

/* build.c */
extern const char *const build_theme_skip[];
struct strset	*strset_new(void);
void	 strset_free(struct strset *);
int	 strset_add(struct strset *, const char *);
int	 strset_has(const struct strset *, const char *);
const char *strset_next(const struct strset *, size_t *pos);
int	 cmd_build(struct gen *, int argc, char *argv[]);
int	 cmd_publish(struct gen *, int argc, char *argv[]);
int	 cmd_build_worker(struct gen *, int argc, char *argv[]);
int	 publish_enqueue(struct db *, enum kind, int64_t id, const char *why);

/*
 * matching.c: the matching mails (R180–R182, R192–R194), once per item:
 * after a publish for the queued postings and members, and by
 * `kenmin-gen match` for every unmatched public one.  1 ok, 0 error.
 */
int	 matching_publish(struct gen *, const struct idlist *postings,
	    const struct idlist *members);
int	 cmd_match(struct gen *, int argc, char *argv[]);

/*
 * sn_top.c: the Super Net top page and what sn_orgs.c, sn_events.c and
 * sn_grants.c share.
 */
enum sn_mtab {		/* order of sn_top.c's SQL_M_* statements */
	SNM_FIELD, SNM_MUNI, SNM_AREA, SNM_FEATURE, SNM_CLASS,
	SNM_CATEGORY, SNM_BUDGET, SNM_PREF, SNM__MAX
};
struct sn_mrow {
	int64_t		 id;
	char		*name;
	char		*slug;		/* "" for tables without one */
};
struct sn_master;
struct sn_calitem {	/* one entry of a month calendar */
	int64_t		 id;
	const char	*title;		/* NULL until cp->fill() if lazy */
	const char	*from, *to;	/* YYYY-MM-DD; to may be "" */
	int		 cancelled;
	void		*ref;		/* the caller's row, for cp->fill() */
};

struct sn_master	*sn_master_load(struct db *);
void		 sn_master_free(struct sn_master *);
const struct sn_mrow *sn_master_rows(const struct sn_master *,
		    enum sn_mtab, size_t *);
const struct sn_mrow *sn_master_get(const struct sn_master *,
		    enum sn_mtab, int64_t);
int		 sn_csv_has(const char *csv, int64_t);
uint64_t	 sn_csv_mask(const char *csv);
int		 sn_csv_in(const char *csv, uint64_t mask, int64_t);
struct sqlite3_stmt *sn_row_by_id(struct rctx *, const char *sql, int64_t id,
		    const char *what);
void		 sn_tv_master(struct tval *, const char *key, struct tarena *,
		    const struct sn_master *, enum sn_mtab, const char *csv,
		    const char *hrefbase);
char		*sn_setting(struct db *, const char *key);
void		 sn_tv_file(struct tval *list, const char *public_name,
		    const char *orig, const char *alt, const char *mime,
		    int64_t size);
const char	*sn_org_kind_label(const char *kind);
void		 sn_tv_text(struct tval *, const char *key, const char *);
int		 sn_date_parse(const char *, int *, int *, int *);
struct sn_calpages {	/* the month calendar pages of one family */
	enum kind	 kind;		/* of the items */
	const char	*base;		/* "events/": pages base + "calendar/" */
	const char	*crumb;		/* the title of the list at /base */
	const char	*title;		/* "（YYYY年M月）" is appended */
	const char	*tmpl;
	/* Whether the item is on the month's page, first/last "-01"/"-31". */
	int		(*in_month)(const struct sn_calitem *,
			    const char *first, const char *last);
	/*
	 * Or NULL: set the title of an item of a month that is rendered
	 * (not kept), so a publish reads only those; 1 ok, 0 error.
	 */
	int		(*fill)(struct rctx *, struct sn_calitem *);
};
int		 sn_calendars(struct rctx *, const struct sn_calpages *,
		    const struct sn_calitem *, size_t, char (*months)[8],
		    size_t nm);
void		 sn_months_add(char (**)[8], size_t *, const char *from,
		    const char *to);

extern const struct family fam_sn_top;
/* sn_orgs.c */
extern const struct family fam_sn_orgs_index, fam_sn_orgs_group,
	    fam_sn_orgs_npo, fam_sn_orgs_company, fam_sn_orgs_field,
	    fam_sn_orgs_area, fam_sn_org_detail;
/* sn_events.c */
extern const struct family fam_sn_events_index, fam_sn_events_past,
	    fam_sn_events_calendar, fam_sn_events_field, fam_sn_event_detail;
/* sn_grants.c */
extern const struct family fam_sn_grants_index, fam_sn_grants_closed,
	    fam_sn_grants_calendar, fam_sn_grants_field, fam_sn_grants_area,
	    fam_sn_grant_detail;

/* preview.c: the page an item would have if it were published now. */
int	 cmd_preview(struct gen *, int argc, char *argv[]);

/*
 * assets.c: approved uploads published as files/<public_name>; a
 * public_name must be lower-case hex, a dot and a known extension.
 */
int	 upload_name_ok(const char *public_name);

/* content.c: the shipped fixed pages (content/) into the page table. */
int	 content_load(struct gen *);
int	 content_slug_ok(const char *);

#endif
