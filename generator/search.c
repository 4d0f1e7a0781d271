/*
 * search.c: the search index family: every public item of both sites
 * as sharded static files under search/ (format in lib/search.h), read
 * by search.js in the browser and by formsvc's /search, plus the static
 * search page search/index.html that search.js runs on.
 *
 * Shards are keyed by a hash of the term and by docno (id * 16 + kind
 * code), never by a position, and postings hold docnos, not ranks, so
 * one changed item changes only the lines of the terms it gained or
 * lost (all of its terms if its date moved it in the order) and its doc
 * shard; the site writer skips every other shard, its bytes unchanged.
 *
 * The build is one pass in rank order: each term's postings are
 * appended to a per-term array found through an open-addressing hash
 * of the term packed into 64 bits, so no (term, doc) tuple is sorted.
 *
 * Reading and tokenising every document is most of the family's time
 * (0.7 s of a 1 s publish), and it needs nothing the other families
 * make, so build.c starts it first on a second thread with a
 * connection of its own (search_prefetch()); render_index() then only
 * waits for it and writes the files.  The thread touches nothing but
 * its own struct search_pre.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "search.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define FACETS_MAX	256	/* distinct facet terms */
#define FACET_BIT	((uint64_t)1 << 62)
#define TERMS_CAP_MAX	((size_t)1 << 22)	/* hash slots, a bound */
#define SEEN_SLOTS	4096	/* per-document filter, a power of 2 */

/* The kinds of document; code is docno % 16. */
enum sk {
	SK_ORG = 1, SK_EVENT, SK_GRANT, SK_REPORT, SK_BOOK, SK_NOTICE,
	SK_CENTER, SK_AKNOTICE, SK_NEWS, SK_AKNEWS, SK_MEMBER, SK_POSTING,
	SK_INTERVIEW, SK_SNPAGE, SK_AKPAGE, SK__MAX
};

static const struct {
	const char	*label;		/* shown with each hit */
	const char	*type;		/* the type facet value */
	const char	*site;		/* the site facet value */
	const char	*dir;		/* detail page directory */
} sks[SK__MAX] = {
	{ NULL, NULL, NULL, NULL },
	{ "団体・企業", "org", "sn", "groups/" },
	{ "イベント・募集", "event", "sn", "events/" },
	{ "助成金", "grant", "sn", "grants/" },
	{ "活動実績・事例", "report", "sn", "reports/" },
	{ "蔵書", "book", "sn", "books/" },
	{ "お知らせ", "notice", "sn", "notices/" },
	{ "センターからのお知らせ", "center", "sn", "center-notices/" },
	{ "お知らせ", "notice", "ak", "boranet201909/notices/" },
	{ "さぽーとメール", "news", "sn", "newsletters/" },
	{ "活動ニュース", "news", "ak", "boranet201909/news/" },
	{ "会員", "member", "ak", "boranet201909/members/" },
	{ "ボランティア募集", "posting", "ak", "boranet201909/postings/" },
	{ "取材報告", "interview", "ak", "boranet201909/interviews/" },
	{ "ページ", "page", "sn", "" },
	{ "ページ", "page", "ak", "boranet201909/" },
};

#define PUBDATE(c)	"COALESCE(date(" c ", 'unixepoch', '+9 hours'), '')"
#define T(c)		"COALESCE(" c ", '')"
#define CSV(sql)	"(SELECT group_concat(x) FROM (SELECT " sql "))"
/*
 * Fresh: first published on the build's date in Japan (see search.h),
 * as a range of published_at so that an index can find them.
 */
#define DAY0		"CAST(strftime('%s', ?1) AS INTEGER)"
#define FRESH(t)	"(" t ".published_at >= " DAY0 " - 32400 AND " t \
	".published_at < " DAY0 " + 54000)"

/*
 * One statement per source table, all with the same columns:
 * 0 id, 1 date, 2 title, 3 text, 4 variant (kind/site/type/slug),
 * 5 field ids, 6 municipality ids, 7 grant area ids, 8 probono id,
 * 9 open grant (0/1), 10 muni name, 11 occupation, 12 fresh (0/1).
 * ?1 is today.
 * Only public fields: no 非公開 column is ever selected (R303).
 */
#define Q_ORG \
	"SELECT o.id, " PUBDATE("o.published_at") ", o.name, " \
	T("o.kana") "||' '||" T("o.purpose") "||' '||" T("o.activities") \
	"||' '||" T("o.appeal") ", o.kind, " \
	CSV("field_id AS x FROM org_field WHERE org_id = o.id ORDER BY 1") \
	", " CSV("muni_id AS x FROM org_muni WHERE org_id = o.id " \
	"ORDER BY 1") ", NULL, NULL, 0, '', '', " FRESH("o") " FROM org o " \
	"WHERE o.state = 'public' AND o.status = 'active' AND ?1 = ?1"
#define Q_EVENT \
	"SELECT e.id, " T("e.starts_on") ", e.title, " T("e.organizer") \
	"||' '||" T("e.place") "||' '||" T("e.purpose") "||' '||" \
	T("e.body") ", '', " CSV("field_id AS x FROM event_field WHERE " \
	"event_id = e.id ORDER BY 1") ", NULL, NULL, NULL, 0, '', '', " \
	FRESH("e") " FROM event e WHERE e.state = 'public' AND ?1 = ?1"
#define Q_GRANT \
	"SELECT g.id, COALESCE(g.apply_from, " PUBDATE("g.published_at") \
	"), g.name, " T("g.funder") "||' '||" T("g.purpose") "||' '||" \
	T("g.target_project") "||' '||" T("g.audience") ", '', " \
	CSV("field_id AS x FROM grant_field WHERE grant_id = g.id " \
	"ORDER BY 1") ", NULL, " CSV("area_id AS x FROM grant_area WHERE " \
	"grant_id = g.id ORDER BY 1") ", NULL, (g.cancelled = 0 AND " \
	"(g.apply_from IS NULL OR g.apply_from <= ?1) AND " \
	"(g.apply_until IS NULL OR g.apply_until >= ?1)), '', '', " \
	FRESH("g") " FROM grant_item g WHERE g.state = 'public'"
#define Q_REPORT \
	"SELECT r.id, " T("r.held_on") ", r.title, " T("r.org_name") \
	"||' '||" T("r.place") "||' '||" T("r.body") ", '', NULL, NULL, " \
	"NULL, NULL, 0, '', '', " FRESH("r") " FROM report r WHERE r.state = 'public' " \
	"AND ?1 = ?1"
#define Q_BOOK \
	"SELECT b.id, " PUBDATE("b.published_at") ", b.title, " \
	T("b.author") "||' '||" T("b.publisher") "||' '||" T("b.body") \
	", '', NULL, NULL, NULL, NULL, 0, '', '', " FRESH("b") " FROM book b " \
	"WHERE b.state = 'public' AND ?1 = ?1"
#define Q_NOTICE \
	"SELECT n.id, n.posted_on, n.title, n.body, n.site||'/'||n.kind, " \
	"NULL, NULL, NULL, NULL, 0, '', '', " FRESH("n") " FROM notice n " \
	"WHERE n.state = 'public' AND ?1 = ?1"
#define Q_NEWS \
	"SELECT n.id, n.posted_on, n.title, n.body, n.site, NULL, NULL, " \
	"NULL, NULL, 0, '', '', " FRESH("n") " FROM newsletter n " \
	"WHERE n.state = 'public' AND ?1 = ?1"
#define Q_MEMBER \
	"SELECT m.id, " PUBDATE("m.published_at") ", " T("m.org_name") \
	", CASE m.type WHEN 'individual' THEN " T("m.sales_point") \
	"||' '||" T("m.probono_content") " ELSE " T("m.purpose") \
	"||' '||" T("m.activities") "||' '||" T("m.sales_point") \
	" END, m.type, " CSV("field_id AS x FROM member_field WHERE " \
	"member_id = m.id ORDER BY 1") ", " CSV("muni_id AS x FROM " \
	"member_area WHERE member_id = m.id ORDER BY 1") ", NULL, " \
	"m.probono_field_id, 0, " T("mu.name") ", " T("m.occupation") \
	", " FRESH("m") " FROM member m LEFT JOIN m_municipality mu ON mu.id = m.muni_id " \
	"WHERE " AK_M_VISIBLE " AND ?1 = ?1"
#define Q_POSTING \
	"SELECT p.id, COALESCE(p.apply_from, " PUBDATE("p.published_at") \
	"), p.title, " T("p.org_name") "||' '||" T("p.activity") \
	"||' '||" T("p.area_text") "||' '||" T("p.place") ", '', " \
	CSV("field_id AS x FROM posting_field WHERE posting_id = p.id " \
	"ORDER BY 1") ", " CSV("muni_id AS x FROM posting_area WHERE " \
	"posting_id = p.id ORDER BY 1") ", NULL, NULL, 0, '', '', " FRESH("p") \
	" FROM posting p JOIN member m ON m.id = p.member_id " \
	"WHERE " AK_P_VISIBLE " AND " AK_P_STARTED
#define Q_INTERVIEW \
	"SELECT i.id, i.posted_on, i.title, i.body, '', NULL, NULL, NULL, " \
	"NULL, 0, '', '', " FRESH("i") " FROM interview i WHERE i.state = 'public' " \
	"AND ?1 = ?1"
#define Q_PAGE \
	"SELECT pg.id, " PUBDATE("pg.published_at") ", pg.title, pg.body, " \
	"pg.site||'/'||pg.slug, NULL, NULL, NULL, NULL, 0, '', '', " \
	FRESH("pg") " FROM page pg WHERE pg.state = 'public' AND ?1 = ?1"

/*
 * The statements' columns named, to wrap them: an ids-only variant (?2
 * a JSON array of ids), the date of one id (?2), and the number of
 * fresh documents.
 */
#define QCOLS	"q(id, date, title, body, var, fids, aids, gids, pid, " \
	"open, muni, occ, fresh)"
#define ONLY(s)	"WITH " QCOLS " AS (" s ") SELECT * FROM q " \
	"WHERE id IN (SELECT value FROM json_each(?2))"
#define DATE1(s) "WITH " QCOLS " AS (" s ") SELECT id, date, var, " \
	"fresh FROM q WHERE id = ?2"
#define DATES(s) "WITH " QCOLS " AS (" s ") SELECT id, date, var, " \
	"fresh FROM q"
#define NFRESH(s) "WITH " QCOLS " AS (" s ") SELECT count(*) FROM q " \
	"WHERE fresh"
#define EACH(W)	{ W(Q_ORG), W(Q_EVENT), W(Q_GRANT), W(Q_REPORT), W(Q_BOOK), \
	W(Q_NOTICE), W(Q_NEWS), W(Q_MEMBER), W(Q_POSTING), W(Q_INTERVIEW), \
	W(Q_PAGE) }
#define ALL(s)	s

static const char *const sqls[] = EACH(ALL);
static const char *const sqls_only[] = EACH(ONLY);
static const char *const sqls_date1[] = EACH(DATE1);
static const char *const sqls_dates[] = EACH(DATES);
static const char *const sqls_nfresh[] = EACH(NFRESH);

/* The kind each statement yields, before its variant column decides. */
static const enum sk sql_kind[] = { SK_ORG, SK_EVENT, SK_GRANT, SK_REPORT,
	SK_BOOK, SK_NOTICE, SK_NEWS, SK_MEMBER, SK_POSTING, SK_INTERVIEW,
	SK_SNPAGE };

/* One document, its strings owned here. */
struct sdoc {
	int64_t		 docno;
	char		*date;
	char		*url;
	char		*title;
	char		*text;		/* at most SEARCH_TEXT_CPS code points */
	char		*facets;	/* "\n"-separated facet terms */
	int		 fresh;		/* first published today */
};

/*
 * One term: its packed key (up to two code points + 1, 22 bits each,
 * or FACET_BIT | facet index) and its postings, rank * 2 + in title,
 * in rank order.  last is the rank + 1 of the last document appended.
 */
struct term {
	uint64_t	 key;
	uint32_t	*p;
	uint32_t	 n, cap;
	uint32_t	 last;
};

/* A term ready to write: its shard, its text and that's search_hash(). */
struct tout {
	uint32_t	 hash;
	unsigned	 shard;
	char		 text[24];
	const struct term *t;
};

struct ix {
	struct sdoc	*docs;
	size_t		 docsz, doccap;
	struct term	*tab;		/* open addressing, key 0 free */
	size_t		 tabcap, tabsz;
	char		*facet[FACETS_MAX];
	size_t		 facetsz;
	uint32_t	 cur;		/* rank of the document being added */
	uint32_t	 title;
	uint64_t	 seen[SEEN_SLOTS];	/* terms this document posted */
	uint32_t	 seengen[SEEN_SLOTS];	/* ... when seengen == cur + 1 */
	int		 full;		/* too many facets */
	size_t		 nfresh;	/* fresh documents (see search.h) */
};

/*
 * A fresh document's posting, for its term's line in search/n/: the
 * term and its shards, the document (its date points into the docs or
 * the date table), and how many postings of the term's line in
 * search/t/ rank above it.
 */
struct fpost {
	char		 text[24];
	unsigned	 tshard;	/* in search/t/ */
	unsigned	 nshard;	/* in search/n/ */
	int64_t		 docno;
	int		 title;
	uint32_t	 above;
	const char	*date;
};

struct fposts {
	struct fpost	*v;
	size_t		 n, cap;
};

/* Copy s with tabs and line breaks turned into spaces; caller frees. */
static char *
flat(const char *s)
{
	char	*d, *p;

	d = xstrdup(s);
	for (p = d; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

/* The first max code points of s (valid UTF-8); caller frees. */
static char *
cut_cps(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0;

	while (*p != '\0' && n < max) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		n++;
	}
	return xstrndup(s, (size_t)((const char *)p - s));
}

/*
 * A zeroed hash table of n slots, written now rather than calloc()'d:
 * calloc()'d pages are first mapped to the shared zero page, and each
 * first write to one then costs a TLB flush on every core the process
 * runs on (an interrupt of the rendering thread; 25 ms of a publish's
 * 70 ms on this thread before).
 */
static void *
table_new(size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		n = SIZE_MAX / size;	/* xmalloc() then fails */
	p = xmalloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static size_t
key_slot(uint64_t key, size_t cap)
{
	key ^= key >> 29;
	key *= 0xBF58476D1CE4E5B9ULL;
	key ^= key >> 32;
	return (size_t)key & (cap - 1);
}

/* Double the hash table. */
static void
tab_grow(struct ix *ix)
{
	struct term	*old = ix->tab;
	size_t		 oldcap = ix->tabcap, i, s;

	ix->tabcap = oldcap == 0 ? 65536 : oldcap * 2;
	ix->tab = table_new(ix->tabcap, sizeof(ix->tab[0]));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		s = key_slot(old[i].key, ix->tabcap);
		while (ix->tab[s].key != 0)
			s = (s + 1) & (ix->tabcap - 1);
		ix->tab[s] = old[i];
	}
	free(old);
}

/*
 * Post the current document under key (once per document).  A small
 * direct-mapped filter of the document's own terms skips most repeats
 * before the big table is touched; a repeat never adds anything since
 * the title's terms come first.
 */
static void
post(struct ix *ix, uint64_t key)
{
	struct term	*t;
	size_t		 s;

	s = key_slot(key, SEEN_SLOTS);
	if (ix->seengen[s] == ix->cur + 1 && ix->seen[s] == key)
		return;
	ix->seengen[s] = ix->cur + 1;
	ix->seen[s] = key;
	if (ix->tabsz * 2 >= ix->tabcap) {
		if (ix->tabcap >= TERMS_CAP_MAX) {
			ix->full = 1;
			return;
		}
		tab_grow(ix);
	}
	s = key_slot(key, ix->tabcap);
	while (ix->tab[s].key != 0 && ix->tab[s].key != key)
		s = (s + 1) & (ix->tabcap - 1);
	t = &ix->tab[s];
	if (t->key == 0) {
		t->key = key;
		ix->tabsz++;
	}
	if (t->last == ix->cur + 1) {
		t->p[t->n - 1] |= ix->title;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 4 : t->cap * 2;
		t->p = xrealloc(t->p, t->cap * sizeof(t->p[0]));
	}
	t->p[t->n++] = ix->cur * 2 + ix->title;
	t->last = ix->cur + 1;
}

/* search_terms() callback: pack a term of one or two code points. */
static void
term_cb(void *arg, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint64_t		 key = 0, cp;
	size_t			 i = 0, j, n;

	while (i < len) {
		if (p[i] < 0x80) {
			cp = p[i];
			n = 1;
		} else if (p[i] < 0xE0) {
			cp = p[i] & 0x1F;
			n = 2;
		} else if (p[i] < 0xF0) {
			cp = p[i] & 0x0F;
			n = 3;
		} else {
			cp = p[i] & 0x07;
			n = 4;
		}
		for (j = 1; j < n && i + j < len; j++)
			cp = (cp << 6) | (p[i + j] & 0x3F);
		i += n;
		key = (key << 22) | (cp + 1);
	}
	post(arg, key);
}

static void
facet_add(struct ix *ix, const char *term)
{
	size_t	 i;

	for (i = 0; i < ix->facetsz; i++)
		if (strcmp(ix->facet[i], term) == 0)
			break;
	if (i == ix->facetsz) {
		if (i == FACETS_MAX) {
			ix->full = 1;
			return;
		}
		ix->facet[ix->facetsz++] = xstrdup(term);
	}
	post(ix, FACET_BIT | i);
}

static int
doc_cmp(const void *a, const void *b)
{
	const struct sdoc	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(y->date, x->date)) != 0)
		return c;		/* newer first, "" last */
	return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/* Doc shard order: by shard, then docno. */
static int
docshard_cmp(const void *a, const void *b)
{
	const struct sdoc	*x = a, *y = b;
	unsigned		 sx = search_doc_shard(x->docno),
				 sy = search_doc_shard(y->docno);

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->docno < y->docno ? -1 : x->docno > y->docno;
}

static int
tout_cmp(const void *a, const void *b)
{
	const struct tout	*x = a, *y = b;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Append facet terms " F:VALUE\n" for each id in csv. */
static void
facets_csv(struct buf *f, char name, const char *csv)
{
	const char	*p = csv, *e;

	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		buf_printf(f, " %c:%.*s\n", name, (int)(e - p), p);
		p = *e == ',' ? e + 1 : e;
	}
}

/* The kind of a row of statement i whose variant column is var. */
static enum sk
row_kind(size_t i, const char *var)
{
	enum sk	 k = sql_kind[i];

	if (k == SK_NOTICE && strcmp(var, "aikasa/notice") == 0)
		k = SK_AKNOTICE;
	else if (k == SK_NOTICE && strcmp(var, "supernet/center") == 0)
		k = SK_CENTER;
	else if (k == SK_NEWS && strcmp(var, "aikasa") == 0)
		k = SK_AKNEWS;
	else if (k == SK_SNPAGE && strncmp(var, "aikasa/", 7) == 0)
		k = SK_AKPAGE;
	return k;
}

/*
 * Read every public item (as of today) into ix->docs, or with only,
 * just the ids of statement i that only[i] lists (a JSON array; NULL:
 * none).  1 ok, 0 error (printed).
 */
static int
docs_load(struct db *db, const char *today, struct ix *ix,
    char *const *only)
{
	sqlite3_stmt	*st;
	struct sdoc	*d;
	struct buf	 f, t;
	const char	*var, *slash;
	enum sk		 k;
	size_t		 i;
	int		 rc, ok = 0;

	buf_init(&f, 64 * 1024);
	buf_init(&t, 1024 * 1024);
	for (i = 0; i < KENMIN_NELEM(sqls); i++) {
		if (only != NULL && only[i] == NULL)
			continue;
		if ((st = db_prep(db, only != NULL ? sqls_only[i] :
		    sqls[i])) == NULL)
			goto out;
		db_bind_text(st, 1, today);
		if (only != NULL)
			db_bind_text(st, 2, only[i]);
		while ((rc = db_row(db, st)) == 1) {
			var = db_col_text(st, 4);
			slash = strchr(var, '/');
			k = row_kind(i, var);
			if (ix->docsz == ix->doccap) {
				ix->doccap = ix->doccap == 0 ? 1024 :
				    ix->doccap * 2;
				ix->docs = xrealloc(ix->docs,
				    ix->doccap * sizeof(ix->docs[0]));
			}
			d = &ix->docs[ix->docsz++];
			memset(d, 0, sizeof(*d));
			d->docno = sqlite3_column_int64(st, 0) * 16 + k;
			d->date = flat(db_col_text(st, 1));
			buf_reset(&t);
			if (k == SK_SNPAGE || k == SK_AKPAGE)
				buf_printf(&t, "/%s%s.html", sks[k].dir,
				    slash != NULL ? slash + 1 : var);
			else
				buf_printf(&t, "/%s%lld.html", sks[k].dir,
				    (long long)sqlite3_column_int64(st, 0));
			d->url = flat(buf_str(&t));
			buf_reset(&t);
			if (k == SK_MEMBER)
				ak_member_label(&t, var, db_col_text(st, 2),
				    db_col_text(st, 10), db_col_text(st, 11));
			else
				buf_puts(&t, db_col_text(st, 2));
			d->title = flat(buf_str(&t));
			d->text = cut_cps(db_col_text(st, 3), SEARCH_TEXT_CPS);
			buf_reset(&f);
			buf_printf(&f, " t:%s\n s:%s\n", sks[k].type,
			    sks[k].site);
			if (k == SK_MEMBER)
				buf_printf(&f, " m:%s\n", var);
			facets_csv(&f, 'f', db_col_text(st, 5));
			facets_csv(&f, 'a', db_col_text(st, 6));
			facets_csv(&f, 'g', db_col_text(st, 7));
			facets_csv(&f, 'p', db_col_text(st, 8));
			if (sqlite3_column_int64(st, 9) == 1)
				buf_puts(&f, " o:1\n");
			d->facets = xstrdup(buf_str(&f));
			d->fresh = sqlite3_column_int64(st, 12) == 1;
		}
		if (rc == -1)
			goto out;
	}
	ok = buf_ok(&f) && buf_ok(&t);
	if (!ok)
		kerr("search: a document is too large");
out:
	buf_free(&f);
	buf_free(&t);
	return ok;
}

/* The postings of every term, documents taken in rank order. */
static int
terms_build(struct ix *ix)
{
	struct sdoc	*d;
	char		*n, *p, *e;
	size_t		 i;

	if (ix->docsz > 0)
		qsort(ix->docs, ix->docsz, sizeof(ix->docs[0]), doc_cmp);
	for (i = 0; i < ix->docsz; i++) {
		d = &ix->docs[i];
		ix->cur = (uint32_t)i;
		ix->title = 1;
		if ((n = text_normalize(d->title)) != NULL)
			search_terms(n, term_cb, ix);
		free(n);
		ix->title = 0;
		if ((n = text_normalize(d->text)) != NULL)
			search_terms(n, term_cb, ix);
		free(n);
		for (p = d->facets; *p != '\0'; p = e + 1) {
			e = strchr(p, '\n');
			*e = '\0';
			facet_add(ix, p);
			*e = '\n';
		}
	}
	if (ix->full) {
		kerr("search: more than %d facet terms or %zu terms",
		    FACETS_MAX, TERMS_CAP_MAX / 2);
		return 0;
	}
	return 1;
}

/*
 * Whether n documents flagged fresh stay fresh: at most
 * SEARCH_FRESH_MAX (see search.h).
 */
static int
fresh_on(size_t n)
{
	return n <= SEARCH_FRESH_MAX;
}

/* The whole index computed from the database: every public document. */
static int
ix_compute(struct db *db, const char *today, struct ix *ix)
{
	size_t	 i;

	if (!docs_load(db, today, ix, NULL))
		return 0;
	for (i = 0; i < ix->docsz; i++)
		ix->nfresh += ix->docs[i].fresh;
	if (!fresh_on(ix->nfresh)) {
		for (i = 0; i < ix->docsz; i++)
			ix->docs[i].fresh = 0;
		ix->nfresh = 0;
	}
	return terms_build(ix);
}

/* The UTF-8 text of a key into out. */
static void
key_text(const struct ix *ix, uint64_t key, char *out, size_t outsz)
{
	uint32_t	 cp[2];
	size_t		 n = 0, i, o = 0;

	if (key & FACET_BIT) {
		snprintf(out, outsz, "%s", ix->facet[key & 0xFFFF]);
		return;
	}
	if (key >> 22)
		cp[n++] = (uint32_t)(key >> 22) - 1;
	cp[n++] = (uint32_t)(key & 0x3FFFFF) - 1;
	for (i = 0; i < n && o + 5 < outsz; i++) {
		if (cp[i] < 0x80)
			out[o++] = (char)cp[i];
		else if (cp[i] < 0x800) {
			out[o++] = (char)(0xC0 | (cp[i] >> 6));
			out[o++] = (char)(0x80 | (cp[i] & 0x3F));
		} else if (cp[i] < 0x10000) {
			out[o++] = (char)(0xE0 | (cp[i] >> 12));
			out[o++] = (char)(0x80 | ((cp[i] >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp[i] & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | (cp[i] >> 18));
			out[o++] = (char)(0x80 | ((cp[i] >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((cp[i] >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp[i] & 0x3F));
		}
	}
	out[o] = '\0';
}

/*
 * A posting: base 32, most significant digit first, each digit the
 * character '0' + digit, the last one '0' + 32 + digit (so no
 * separator is needed; see search.h).
 */
static void
put_post(struct buf *b, uint64_t v)
{
	char	 s[16];
	size_t	 n = sizeof(s);

	s[--n] = (char)('0' + 32 + (v & 31));
	v >>= 5;
	while (v > 0 && n > 0) {
		s[--n] = (char)('0' + (v & 31));
		v >>= 5;
	}
	buf_putn(b, s + n, sizeof(s) - n);
}

/*
 * The line of document d in its doc shard (the snippet's tabs and
 * line breaks made spaces, as the other fields' are).
 */
static void
doc_line(struct buf *b, const struct sdoc *d)
{
	char	*cut, *sn;

	cut = cut_cps(d->text, SEARCH_SNIPPET_CPS);
	sn = flat(cut);
	buf_printf(b, "%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)d->docno,
	    sks[d->docno % 16].label, d->date, d->url, d->title, sn);
	free(sn);
	free(cut);
}

/*
 * search/manifest.json: the format the readers must expect (the head,
 * all a patch compares), then how many documents are fresh.
 */
static void
manifest_head(struct buf *b)
{
	buf_printf(b, "{\"version\":%d,\"termShards\":%d,\"docShards\":%d,"
	    "\"freshShards\":%d,\"pageSize\":%d,\"maxPage\":%d,"
	    "\"wordsMax\":%d,\"wordChars\":%d,\"queryMax\":%d,\"fresh\":",
	    SEARCH_VERSION, SEARCH_TERM_SHARDS, SEARCH_DOC_SHARDS,
	    SEARCH_FRESH_SHARDS, SEARCH_PAGE_SIZE, SEARCH_MAX_PAGE,
	    SEARCH_WORDS_MAX, SEARCH_WORD_CPS, SEARCH_QUERY_MAX);
}

static void
manifest_text(struct buf *b, size_t nfresh)
{
	manifest_head(b);
	buf_printf(b, "%zu}\n", nfresh);
}

/*
 * A fresh posting of term text (shorter than fpost's text), whose
 * search_hash() is h.
 */
static void
fpost_add(struct fposts *fp, const char *text, uint32_t h, int64_t docno,
    int title, uint32_t above, const char *date)
{
	struct fpost	*f;

	if (fp->n == fp->cap) {
		fp->cap = fp->cap == 0 ? 1024 : fp->cap * 2;
		fp->v = xrealloc(fp->v, fp->cap * sizeof(fp->v[0]));
	}
	f = &fp->v[fp->n++];
	memset(f, 0, sizeof(*f));
	memcpy(f->text, text, strlen(text) + 1);
	f->tshard = h % SEARCH_TERM_SHARDS;
	f->nshard = h % SEARCH_FRESH_SHARDS;
	f->docno = docno;
	f->title = title;
	f->above = above;
	f->date = date;
}

/* search/n/ order: shard, term, then the documents' rank. */
static int
fpost_cmp(const void *a, const void *b)
{
	const struct fpost	*x = a, *y = b;
	int			 c;

	if (x->nshard != y->nshard)
		return x->nshard < y->nshard ? -1 : 1;
	if ((c = strcmp(x->text, y->text)) != 0)
		return c;
	if ((c = strcmp(y->date, x->date)) != 0)
		return c;		/* newer first, "" last */
	return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/*
 * Write one index file, and mark it made this run (r->seen) so that a
 * publish does not prune it as a file the family no longer makes.
 */
static int
put_file(void *arg, const char *path, const struct buf *b)
{
	struct rctx	*r = arg;

	if (!buf_ok(b)) {
		kerr("%s: too large", path);
		return 0;
	}
	if (!strset_add(r->seen, path)) {
		kerr("%s: written twice in one run", path);
		return 0;
	}
	return site_put(r->site, path, b->p == NULL ? "" : b->p, b->len);
}

/* ix's terms with their text and shard, by shard and text. */
static struct tout *
terms_sorted(const struct ix *ix, size_t *n)
{
	struct tout	*o;
	size_t		 i, osz = 0;

	o = xcalloc(ix->tabsz + 1, sizeof(o[0]));
	for (i = 0; i < ix->tabcap; i++) {
		if (ix->tab[i].key == 0)
			continue;
		key_text(ix, ix->tab[i].key, o[osz].text, sizeof(o[osz].text));
		o[osz].hash = search_hash(o[osz].text, strlen(o[osz].text));
		o[osz].shard = o[osz].hash % SEARCH_TERM_SHARDS;
		o[osz].t = &ix->tab[i];
		osz++;
	}
	if (osz > 0)
		qsort(o, osz, sizeof(o[0]), tout_cmp);
	*n = osz;
	return o;
}

/* Where the index files go: the site, or a comparison with it. */
typedef int	 emit_fn(void *, const char *path, const struct buf *);

/*
 * The search/n/ shards of the fresh postings f[0..n) (sorted here), to
 * emit: every one of them while nfresh documents are fresh, none when
 * none is.
 */
static int
fresh_files(struct fpost *f, size_t n, size_t nfresh, emit_fn *emit,
    void *arg)
{
	struct buf	 b;
	char		 path[64];
	size_t		 i = 0, j;
	unsigned	 s;
	int		 ok = 1;

	if (nfresh == 0)
		return 1;
	if (n > 0)
		qsort(f, n, sizeof(f[0]), fpost_cmp);
	buf_init(&b, SEARCH_FILE_MAX);
	for (s = 0; ok && s < SEARCH_FRESH_SHARDS; s++) {
		buf_reset(&b);
		for (; i < n && f[i].nshard == s; i = j) {
			buf_puts(&b, f[i].text);
			buf_putc(&b, '\t');
			for (j = i; j < n && f[j].nshard == s &&
			    strcmp(f[j].text, f[i].text) == 0; j++) {
				put_post(&b, (uint64_t)f[j].docno * 2 +
				    (uint64_t)f[j].title);
				put_post(&b, f[j].above);
			}
			buf_putc(&b, '\n');
		}
		snprintf(path, sizeof(path), "search/n/%03x.txt", s);
		ok = emit(arg, path, &b);
	}
	buf_free(&b);
	return ok;
}

/* The term shards, the doc shards and the manifest, to emit. */
static int
files_write(struct ix *ix, emit_fn *emit, void *arg)
{
	struct tout	*o = NULL;
	struct fposts	 fp;
	const struct sdoc *d;
	struct buf	 b;
	char		 path[64];
	size_t		 osz = 0, i, j, k, mark;
	uint32_t	 above;
	unsigned	 s;
	int		 rc = 0;

	memset(&fp, 0, sizeof(fp));
	buf_init(&b, SEARCH_FILE_MAX);
	o = terms_sorted(ix, &osz);
	for (i = 0; i < osz; i = j) {
		buf_reset(&b);
		for (j = i; j < osz && o[j].shard == o[i].shard; j++) {
			mark = b.len;
			buf_puts(&b, o[j].text);
			buf_putc(&b, '\t');
			for (k = above = 0; k < o[j].t->n; k++) {
				d = &ix->docs[o[j].t->p[k] / 2];
				if (d->fresh)
					fpost_add(&fp, o[j].text, o[j].hash,
					    d->docno, o[j].t->p[k] & 1, above,
					    d->date);
				else {
					put_post(&b, (uint64_t)d->docno * 2 +
					    (o[j].t->p[k] & 1));
					above++;
				}
			}
			if (above > 0)
				buf_putc(&b, '\n');
			else
				buf_truncate(&b, mark);
		}
		snprintf(path, sizeof(path), "search/t/%03x.txt",
		    o[i].shard);
		if (b.len > 0 && !emit(arg, path, &b))
			goto out;
	}
	if (!fresh_files(fp.v, fp.n, ix->nfresh, emit, arg))
		goto out;
	if (ix->docsz > 0)
		qsort(ix->docs, ix->docsz, sizeof(ix->docs[0]),
		    docshard_cmp);
	for (i = 0; i < ix->docsz; i = j) {
		s = search_doc_shard(ix->docs[i].docno);
		buf_reset(&b);
		for (j = i; j < ix->docsz &&
		    search_doc_shard(ix->docs[j].docno) == s; j++)
			doc_line(&b, &ix->docs[j]);
		snprintf(path, sizeof(path), "search/d/%03x.txt", s);
		if (!emit(arg, path, &b))
			goto out;
	}
	buf_reset(&b);
	manifest_text(&b, ix->nfresh);
	if (!emit(arg, "search/manifest.json", &b))
		goto out;
	rc = 1;
out:
	free(o);
	free(fp.v);
	buf_free(&b);
	return rc;
}

/*
 * The option lists of the search page's facets, from the master data
 * (so staff edits show up): key, the statement (id, name).
 */
static const struct {
	const char	*key;
	const char	*sql;
} opts[] = {
	{ "areas", "SELECT id, name FROM m_municipality WHERE outside = 0 "
	    "ORDER BY sort, id" },
	{ "fields", "SELECT id, short_name FROM m_field "
	    "WHERE on_aikasa = 1 OR on_supernet = 1 ORDER BY sort, id" },
	{ "probono", "SELECT id, name FROM m_probono_field "
	    "ORDER BY sort, id" },
	{ "gareas", "SELECT id, name FROM m_target_area ORDER BY sort, id" },
};

/* Fill ctx with the option lists of opts[].  1 ok, 0 error. */
static int
page_opts(struct rctx *r, struct tval *ctx)
{
	sqlite3_stmt	*st;
	struct tval	*list, *o;
	size_t		 i;
	int		 rc;

	site_dep(r->site, kind_name(K_MASTER), 0);
	for (i = 0; i < KENMIN_NELEM(opts); i++) {
		if ((st = db_prep(r->g->db, opts[i].sql)) == NULL)
			return 0;
		list = tv_list(r->arena);
		while ((rc = db_row(r->g->db, st)) == 1) {
			o = tv_push_obj(list);
			tv_set_int(o, "id", sqlite3_column_int64(st, 0));
			tv_set_str(o, "name", db_col_text(st, 1));
		}
		if (rc == -1)
			return 0;
		tv_set(ctx, opts[i].key, list);
	}
	return 1;
}

/* search/index.html: the page search.js runs the query on. */
static int
page_write(struct rctx *r)
{
	struct tval	*ctx;

	if ((ctx = rctx_page(r, "search/index.html")) == NULL ||
	    !page_opts(r, ctx))
		return 0;
	tv_set_str(ctx, "title", "サイト内検索");
	tv_set_bool(ctx, "noindex", 1);
	rctx_crumb(r, "サイト内検索", NULL);
	return rctx_write(r, SITE_SUPERNET, "search/index", ctx);
}

static void
ix_free(struct ix *ix)
{
	size_t	 i;

	for (i = 0; i < ix->docsz; i++) {
		free(ix->docs[i].date);
		free(ix->docs[i].url);
		free(ix->docs[i].title);
		free(ix->docs[i].text);
		free(ix->docs[i].facets);
	}
	for (i = 0; i < ix->tabcap; i++)
		free(ix->tab[i].p);
	for (i = 0; i < ix->facetsz; i++)
		free(ix->facet[i]);
	free(ix->tab);
	free(ix->docs);
}

/*
 * ---- A publish patches the index instead of recomputing it ----
 *
 * Recomputing reads and tokenises every document (0.5 s at scale 1).
 * A publish of some items instead reads the candidates (the documents
 * of the queued ids, as they are now), and patches the files the last
 * run wrote: in every term shard, the candidates' postings are dropped
 * from every line and their new postings merged in (a posting's place
 * is its document's rank: newer date first, then docno; the dates of
 * all documents come from one cheap query), and in their doc shards
 * their lines are replaced.  The previous files are the old state: no
 * other copy of the index is kept, so nothing can disagree with what
 * readers see.  The result is the bytes a full recompute would give
 * (340 compares them after random sequences of changes).
 *
 * It is not tried (and a full recompute runs) when anything but items
 * changed (master data, the date), when many items are queued, when the
 * last files are of another format, or when a posting names a document
 * that has no date now (the database changed without a queue entry).
 */
#define PATCH_IDS_MAX	2000	/* queued ids beyond which recompute */
#define PATCH_KINDS	(KBIT(K_ORG) | KBIT(K_EVENT) | KBIT(K_GRANT) | \
	KBIT(K_REPORT) | KBIT(K_BOOK) | KBIT(K_NOTICE) | KBIT(K_NEWSLETTER) | \
	KBIT(K_MEMBER) | KBIT(K_POSTING) | KBIT(K_INTERVIEW) | KBIT(K_PAGE))
#define CAND_BITS	4096	/* filter in front of cand[], a power of 2 */
#define PAIRS_MAX	16	/* see hits_find() */

/* The queued kind each statement reads its ids from. */
static const enum kind stmt_kind[] = { K_ORG, K_EVENT, K_GRANT, K_REPORT,
	K_BOOK, K_NOTICE, K_NEWSLETTER, K_MEMBER, K_POSTING, K_INTERVIEW,
	K_PAGE };

/* Postings are also candidates when their member is queued. */
#define STMT_POSTING	8
static const char sql_member_postings[] =
	"SELECT id FROM posting WHERE member_id IN "
	"(SELECT value FROM json_each(?1)) ORDER BY id";

/*
 * One document's date, for ranks, and whether it is fresh, read when
 * first needed; date is NULL if there is no such public document.
 */
struct dmap {
	int64_t		 docno;
	char		*date;
	int		 fresh;
};

/*
 * A rebuilt line of search/t/ whose term has fresh postings: what the
 * candidates did to it, so that each kept fresh posting's count of the
 * postings above it moves by as much (fresh_patch()).
 */
struct lchange {
	char		 text[24];
	size_t		*gone;		/* old indices of dropped postings */
	size_t		 ngone;		/* ... ascending */
	const struct term *added;	/* nix's postings put in, or NULL */
};

/* A file of the patched index: its new bytes, or kept as it is. */
struct pfile {
	char		 path[24];
	char		*bytes;		/* NULL: keep */
	size_t		 len;
	int		 written;	/* by the thread: its stat data */
	struct stat	 sb;
};

struct patch {
	struct db	*db;
	struct histpack	*hp;		/* the run's history blobs, or NULL */
	const char	*today;
	const char	*dir;		/* site_dir */
	struct idlist	 queued[K__MAX];	/* copies */
	char		*only[KENMIN_NELEM(sqls)];	/* JSON ids */
	int64_t		*cand;		/* docnos that may change, sorted */
	size_t		 candsz;
	uint64_t	 candbit[CAND_BITS / 64];
	struct ix	 nix;		/* the candidates as they are now */
	struct ix	 fix;		/* ... those of them fresh now */
	const struct sdoc **byno;	/* both's docs by (doc shard, docno) */
	struct tout	*nt;		/* nix's terms by (shard, text) */
	size_t		 ntsz;
	struct dmap	*dm;		/* documents' dates: dmap_get() */
	size_t		 dmsz, dmcap;
	size_t		 nfresh;	/* fresh documents now (fresh_on()) */
	int		 dberr;		/* a date read failed (printed) */
	int		 alldates;	/* dm holds every document */
	struct fposts	 fp;		/* search/n/'s postings */
	int64_t		*fold;		/* documents in search/n/ before */
	size_t		 foldsz;
	struct strset	*ffacets;	/* facet terms in search/n/ before */
	char		*nold[SEARCH_FRESH_SHARDS];	/* search/n/ before */
	size_t		 noldlen[SEARCH_FRESH_SHARDS];
	struct strset	*ftexts;	/* terms of the kept fresh postings */
	struct lchange	*lch;		/* line_put() */
	size_t		 lchsz;
	struct {			/* term shards rewritten */
		const char	*p;	/* new bytes, or NULL: unchanged */
		size_t		 len;
	}		 tnew[SEARCH_TERM_SHARDS];
	struct buf	 rbuf;		/* the term shard being read */
	size_t		*hits;		/* hits_find() */
	size_t		 nhits, hitcap;
	unsigned char	 endc[256];	/* last characters of candidates */
	unsigned char	 pairs[PAIRS_MAX][2];	/* see hits_find() */
	size_t		 npairs;
	int		 newfacet;	/* a facet term not in the index */
	int		 lost;		/* a posting without a date */
	const char	*why;		/* not patched: the reason */
	struct pfile	*files;
	size_t		 filesz;
};

static int
i64_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
byno_cmp(const void *a, const void *b)
{
	return docshard_cmp(*(const struct sdoc *const *)a,
	    *(const struct sdoc *const *)b);
}

static int
is_cand(const struct patch *pt, int64_t docno)
{
	size_t	 h = (size_t)docno & (CAND_BITS - 1);

	if ((pt->candbit[h / 64] & ((uint64_t)1 << (h % 64))) == 0)
		return 0;
	return bsearch(&docno, pt->cand, pt->candsz, sizeof(pt->cand[0]),
	    i64_cmp) != NULL;
}

/* Look for the posting end (digit, last) too; see hits_find(). */
static void
pair_add(struct patch *pt, unsigned char digit, unsigned char last)
{
	size_t	 k;

	pt->endc[last] = 1;
	for (k = 0; k < pt->npairs && k < PAIRS_MAX; k++)
		if (pt->pairs[k][0] == digit && pt->pairs[k][1] == last)
			return;
	if (pt->npairs < PAIRS_MAX) {
		pt->pairs[pt->npairs][0] = digit;
		pt->pairs[pt->npairs][1] = last;
	}
	pt->npairs++;		/* past PAIRS_MAX: endc alone */
}

static void
cand_add(struct patch *pt, int64_t docno)
{
	size_t	 h = (size_t)docno & (CAND_BITS - 1);

	pair_add(pt, '0' + (docno / 16) % 32, '0' + 32 + (docno % 16) * 2);
	pair_add(pt, '0' + (docno / 16) % 32, '0' + 32 + (docno % 16) * 2 + 1);
	pt->cand = xrealloc(pt->cand, (pt->candsz + 1) * sizeof(pt->cand[0]));
	pt->cand[pt->candsz++] = docno;
	pt->candbit[h / 64] |= (uint64_t)1 << (h % 64);
}

/* The kind codes a row of statement i can have (its variant decides). */
static size_t
stmt_codes(size_t i, enum sk *out)
{
	size_t	 n = 0;

	out[n++] = sql_kind[i];
	if (sql_kind[i] == SK_NOTICE) {
		out[n++] = SK_CENTER;
		out[n++] = SK_AKNOTICE;
	} else if (sql_kind[i] == SK_NEWS)
		out[n++] = SK_AKNEWS;
	else if (sql_kind[i] == SK_SNPAGE)
		out[n++] = SK_AKPAGE;
	return n;
}

/* ids as a JSON array into b. */
static void
ids_json(struct buf *b, const int64_t *ids, size_t n)
{
	size_t	 i;

	buf_putc(b, '[');
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%lld", i > 0 ? "," : "", (long long)ids[i]);
	buf_putc(b, ']');
}

/*
 * The candidates: per statement, its kind's queued ids (and for
 * postings, those of queued members) as JSON in pt->only[], and every
 * docno they can have in pt->cand.  1 ok, 0 recompute instead.
 */
static int
cands_load(struct patch *pt)
{
	struct idlist	 l;
	struct buf	 b;
	sqlite3_stmt	*st;
	enum sk		 codes[4];
	size_t		 i, j, c, n, total = 0;
	int		 rc, ok = 0;

	buf_init(&b, 0);
	for (i = 0; i < KENMIN_NELEM(sqls); i++) {
		memset(&l, 0, sizeof(l));
		for (j = 0; j < pt->queued[stmt_kind[i]].len; j++)
			idlist_add(&l, pt->queued[stmt_kind[i]].ids[j]);
		if (i == STMT_POSTING && pt->queued[K_MEMBER].len > 0) {
			buf_reset(&b);
			ids_json(&b, pt->queued[K_MEMBER].ids,
			    pt->queued[K_MEMBER].len);
			if ((st = db_prep(pt->db, sql_member_postings)) == NULL)
				goto out;
			db_bind_text(st, 1, buf_str(&b));
			while ((rc = db_row(pt->db, st)) == 1)
				idlist_add(&l, sqlite3_column_int64(st, 0));
			if (rc < 0) {
				free(l.ids);
				goto out;
			}
		}
		if (l.len == 0)
			continue;
		total += l.len;
		buf_reset(&b);
		ids_json(&b, l.ids, l.len);
		pt->only[i] = xstrdup(buf_str(&b));
		n = stmt_codes(i, codes);
		for (j = 0; j < l.len; j++)
			for (c = 0; c < n; c++)
				cand_add(pt, l.ids[j] * 16 + codes[c]);
		free(l.ids);
	}
	if (pt->candsz > 0)
		qsort(pt->cand, pt->candsz, sizeof(pt->cand[0]), i64_cmp);
	ok = total > 0 && total <= PATCH_IDS_MAX && buf_ok(&b);
out:
	buf_free(&b);
	return ok;
}

/* The slot of docno in the date table (open addressing, docno 0 free). */
static struct dmap *
dmap_slot(const struct patch *pt, int64_t docno)
{
	size_t	 h;

	h = key_slot((uint64_t)docno, pt->dmcap);
	while (pt->dm[h].docno != 0 && pt->dm[h].docno != docno)
		h = (h + 1) & (pt->dmcap - 1);
	return &pt->dm[h];
}

/* The statement that reads documents of kind code. */
static size_t
code_stmt(enum sk code)
{
	enum sk	 codes[4];
	size_t	 i, c, n;

	for (i = 0; i < KENMIN_NELEM(sqls); i++)
		for (c = 0, n = stmt_codes(i, codes); c < n; c++)
			if (codes[c] == code)
				return i;
	return 0;
}

/* docno's entry in the date table, added (no date yet) if new. */
static struct dmap *
dmap_slot_new(struct patch *pt, int64_t docno)
{
	struct dmap	*d, *old;
	size_t		 oldcap;

	if (pt->dmsz * 2 >= pt->dmcap) {
		old = pt->dm;
		oldcap = pt->dmcap;
		pt->dmcap = oldcap == 0 ? 16384 : oldcap * 2;
		pt->dm = table_new(pt->dmcap, sizeof(*d));
		for (d = old; d < old + oldcap; d++)
			if (d->docno != 0)
				*dmap_slot(pt, d->docno) = *d;
		free(old);
	}
	if ((d = dmap_slot(pt, docno))->docno != docno) {
		d->docno = docno;
		pt->dmsz++;
	}
	return d;
}

/*
 * docno's date and freshness, read with one query the first time: a
 * patch of a few documents compares a few thousand (1,500 for an edited
 * event), of the 24,000 (scale 1) to 240,000 (scale 10) whose dates a
 * full read would take.  Past DATES_LAZY_MAX candidates, dates_all()
 * has read them all (a member and its 21 postings compared 12,000 one
 * by one: 40 ms, against 20 ms for all of them at scale 1).
 */
static const struct dmap *
dmap_get(struct patch *pt, int64_t docno)
{
	sqlite3_stmt	*st;
	struct dmap	*d;
	size_t		 i, sz = pt->dmsz;
	int		 rc;

	d = dmap_slot_new(pt, docno);
	if (pt->dmsz == sz || pt->alldates)
		return d;	/* read before, or no such document */
	i = code_stmt((enum sk)(docno % 16));
	if ((st = db_prep(pt->db, sqls_date1[i])) == NULL) {
		pt->dberr = 1;
		return d;
	}
	db_bind_text(st, 1, pt->today);
	sqlite3_bind_int64(st, 2, docno / 16);
	if ((rc = db_row(pt->db, st)) == 1 &&
	    row_kind(i, db_col_text(st, 2)) == docno % 16) {
		d->date = flat(db_col_text(st, 1));	/* as docs_load() */
		d->fresh = sqlite3_column_int64(st, 3) == 1;
	}
	if (rc == 1)
		sqlite3_reset(st);
	if (rc == -1)
		pt->dberr = 1;
	return d;
}

#define DATES_LAZY_MAX	8	/* candidates whose dates are read lazily */

/* Every document's date and freshness into the date table.  1 ok. */
static int
dates_all(struct patch *pt)
{
	sqlite3_stmt	*st;
	struct dmap	*d;
	size_t		 i;
	int		 rc;

	for (i = 0; i < KENMIN_NELEM(sqls); i++) {
		if ((st = db_prep(pt->db, sqls_dates[i])) == NULL)
			return 0;
		db_bind_text(st, 1, pt->today);
		while ((rc = db_row(pt->db, st)) == 1) {
			d = dmap_slot_new(pt, sqlite3_column_int64(st, 0) * 16 +
			    row_kind(i, db_col_text(st, 2)));
			free(d->date);
			d->date = flat(db_col_text(st, 1));
			d->fresh = sqlite3_column_int64(st, 3) == 1;
		}
		if (rc < 0)
			return 0;
	}
	pt->alldates = 1;
	return 1;
}

/* How many documents are fresh now (0 past the limit).  1 ok, 0 error. */
static int
fresh_count(struct patch *pt)
{
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < KENMIN_NELEM(sqls); i++) {
		if ((st = db_prep(pt->db, sqls_nfresh[i])) == NULL)
			return 0;
		db_bind_text(st, 1, pt->today);
		if (db_row(pt->db, st) != 1)
			return 0;
		pt->nfresh += (size_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (!fresh_on(pt->nfresh))
		pt->nfresh = 0;
	return 1;
}

/* Whether docno is a fresh document now. */
static int
is_fresh(struct patch *pt, int64_t docno)
{
	const struct dmap	*d;

	if (pt->nfresh == 0)
		return 0;
	d = dmap_get(pt, docno);
	return d->date != NULL && d->fresh;
}

/*
 * The date of docno, or "" (pt->lost set) if it has none.  The string
 * lasts as long as the patch.
 */
static const char *
date_of(struct patch *pt, int64_t docno)
{
	const struct dmap	*d;

	if ((d = dmap_get(pt, docno))->date == NULL) {
		pt->lost = 1;
		return "";
	}
	return d->date;
}

/* Rank order of an indexed posting v against document (date, docno). */
static int
rank_cmp(struct patch *pt, uint64_t v, const char *date, int64_t docno)
{
	int64_t	 vno = (int64_t)(v >> 1);
	int	 c;

	if ((c = strcmp(date, date_of(pt, vno))) != 0)
		return c;
	return vno < docno ? -1 : vno > docno;
}

/* Compare a line's term (len bytes) with s as strcmp() would. */
static int
text_cmp(const char *a, size_t alen, const char *s)
{
	size_t	 slen = strlen(s);
	int	 c;

	if ((c = memcmp(a, s, alen < slen ? alen : slen)) != 0)
		return c;
	return alen < slen ? -1 : alen > slen;
}

/* File path made this run, kept as it is. */
static struct pfile *
pfile_keep(struct patch *pt, const char *path)
{
	struct pfile	*f;

	pt->files = xrealloc(pt->files, (pt->filesz + 1) * sizeof(*f));
	f = &pt->files[pt->filesz++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

/*
 * File path with the bytes of b, if they differ from old's (NULL: the
 * file is not there).
 */
static void
pfile_add(struct patch *pt, const char *path, struct buf *b,
    const char *old, size_t oldlen)
{
	struct pfile	*f;

	f = pfile_keep(pt, path);
	if (old != NULL && oldlen == b->len &&
	    (b->len == 0 || memcmp(old, b->p, b->len) == 0))
		return;
	f->len = b->len;
	f->bytes = buf_take(b);
}

/*
 * A candidate's posting ends in two characters: the last base-32 digit
 * of its item id ('0' + id % 32) and 'P' + kind code * 2 + in-title.
 * pt->pairs holds those pairs (both in-title values) of every
 * candidate; PAIRS_MAX of them are looked for 16 bytes at a time, more
 * fall back to a byte at a time over the last characters alone.
 */
typedef unsigned char v16 __attribute__((vector_size(16)));

/* Whether any pair of pt->pairs may end in the 16 bytes at p. */
static inline int
block_any(const struct patch *pt, const unsigned char *p, uint64_t *m)
{
	v16		 a, b, hit = { 0 }, d, x;
	uint64_t	 w[2];
	size_t		 k;

	memcpy(&a, p, 16);
	memcpy(&b, p - 1, 16);
	for (k = 0; k < pt->npairs; k++) {
		d = (v16){ 0 } + pt->pairs[k][0];
		x = (v16){ 0 } + pt->pairs[k][1];
		hit |= (v16)((b == d) & (a == x));
	}
	memcpy(w, &hit, 16);
	m[0] = w[0];
	m[1] = w[1];
	return (w[0] | w[1]) != 0;
}

/*
 * Whether the posting whose last character is p[i] is a candidate's:
 * its item id is read back from the digits before it.
 */
static int
hit_is_cand(const struct patch *pt, const char *old, size_t i)
{
	const unsigned char	*p = (const unsigned char *)old, *q;
	int64_t			 id = 0, mul = 1;

	for (q = p + i; q > p && q[-1] >= '0' && q[-1] < '0' + 32 &&
	    mul < ((int64_t)1 << 50); q--, mul *= 32)
		id += (q[-1] - '0') * mul;
	return is_cand(pt, id * 16 + (p[i] - '0' - 32) / 2);
}

static void
hit_add(struct patch *pt, size_t off)
{
	if (pt->nhits == pt->hitcap) {
		pt->hitcap = pt->hitcap == 0 ? 64 : pt->hitcap * 2;
		pt->hits = xrealloc(pt->hits, pt->hitcap * sizeof(pt->hits[0]));
	}
	pt->hits[pt->nhits++] = off;
}

/*
 * The offsets of the last characters of the candidates' postings in
 * old[0..len), ascending, into pt->hits.  A term's text can hold such
 * a pair too: term_shard() only takes hits after a line's tab.
 */
static void
hits_find(struct patch *pt, const char *old, size_t len)
{
	const unsigned char	*p = (const unsigned char *)old;
	uint64_t		 m[2];
	size_t			 i = 1, k;

	pt->nhits = 0;
	if (pt->npairs <= PAIRS_MAX)
		for (; i + 16 <= len; i += 16) {
			if (!block_any(pt, p + i, m))
				continue;
			for (k = 0; k < 16; k++)
				if (((k < 8 ? m[0] >> (k * 8) :
				    m[1] >> ((k - 8) * 8)) & 0xFF) != 0 &&
				    hit_is_cand(pt, old, i + k))
					hit_add(pt, i + k);
		}
	for (; i < len; i++)
		if (pt->endc[p[i]] && hit_is_cand(pt, old, i))
			hit_add(pt, i);
}

/*
 * Where new term text goes in old[0..len) (lines sorted by term), from
 * lo (a line's offset) on: the offset of the first line whose term is
 * not less, len if none; *eq tells whether it is text's line.  A binary
 * search over the bytes, each probe moved to the next line's start.
 */
static size_t
term_place(const char *old, size_t len, size_t lo, const char *text,
    int *eq)
{
	const char	*nl, *tab;
	size_t		 hi = len, mid, s;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = lo;
		if (mid > lo) {
			nl = memchr(old + mid - 1, '\n', hi - (mid - 1));
			s = nl == NULL ? hi : (size_t)(nl - old) + 1;
			if (s >= hi)
				s = lo;	/* no line starts in [mid, hi) */
		}
		nl = memchr(old + s, '\n', len - s);
		tab = memchr(old + s, '\t', (nl == NULL ? len : (size_t)(nl -
		    old)) - s);
		c = text_cmp(old + s, tab == NULL ? 0 : (size_t)(tab - old) -
		    s, text);
		if (c == 0) {
			*eq = 1;
			return s;
		}
		if (c < 0)
			lo = nl == NULL ? len : (size_t)(nl - old) + 1;
		else if (s == lo)
			break;
		else
			hi = s;
	}
	*eq = 0;
	return lo;
}

/* The posting of post[0..len) holding byte i: [*s, *e], e its end. */
static void
post_at(const char *post, size_t len, size_t i, size_t *s, size_t *e)
{
	const unsigned char	*p = (const unsigned char *)post;

	*s = i;
	while (*s > 0 && p[*s - 1] < '0' + 32)
		(*s)--;
	*e = i;
	while (*e + 1 < len && p[*e] < '0' + 32)
		(*e)++;
}

static uint64_t
post_val(const char *post, size_t s, size_t e)
{
	uint64_t	 v = 0;

	for (; s < e; s++)
		v = v * 32 + (uint64_t)((unsigned char)post[s] - '0');
	return v * 32 + (uint64_t)((unsigned char)post[e] - '0' - 32);
}

/* Whether e is among the dropped ends drop[0..nd) (ascending). */
static int
is_drop(const size_t *drop, size_t nd, size_t e)
{
	size_t	 lo = 0, hi = nd, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (drop[mid] == e)
			return 1;
		if (drop[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The offset in post[0..len) where the posting of document (date,
 * docno) goes, from lo (a posting's start) on: before the first kept
 * posting that ranks after it.  Postings that end at drop[] are the
 * candidates' and are not compared (their documents may be gone).
 */
static size_t
post_place(struct patch *pt, const char *post, size_t len, size_t lo,
    const char *date, int64_t docno, const size_t *drop, size_t nd)
{
	size_t	 hi = len, mid, s0, s, e;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		post_at(post, len, mid, &s0, &e);
		s = s0;
		while (is_drop(drop, nd, e)) {
			if ((s = e + 1) >= hi)
				break;
			post_at(post, len, s, &s, &e);
		}
		if (s >= hi)
			hi = s0;	/* only dropped ones in [s0, hi) */
		else if (rank_cmp(pt, post_val(post, s, e), date, docno) < 0)
			lo = e + 1;
		else
			hi = s0;
	}
	return lo;
}

/* post[from..to) into b without the dropped postings. */
static void
post_copy(struct buf *b, const char *post, size_t from, size_t to,
    const size_t *drop, size_t nd, size_t *di)
{
	size_t	 s, e;

	for (; *di < nd && drop[*di] < to; (*di)++) {
		post_at(post, to, drop[*di], &s, &e);
		if (s > from)
			buf_putn(b, post + from, s - from);
		from = e + 1;
	}
	if (to > from)
		buf_putn(b, post + from, to - from);
}

/*
 * If fresh postings have the term text (tlen bytes), what a rebuilt
 * line does to it: the indices of the postings of post[] ending at
 * drop[0..nd) go, those of t come.
 */
static void
lchange_add(struct patch *pt, const char *text, size_t tlen,
    const char *post, const size_t *drop, size_t nd, const struct term *t)
{
	struct lchange	*c;
	char		 key[sizeof(c->text)];
	size_t		 i = 0, k, n = 0;

	if (tlen >= sizeof(key))
		return;
	memcpy(key, text, tlen);
	key[tlen] = '\0';
	if (pt->ftexts == NULL || !strset_has(pt->ftexts, key))
		return;
	pt->lch = xrealloc(pt->lch, (pt->lchsz + 1) * sizeof(pt->lch[0]));
	c = &pt->lch[pt->lchsz++];
	memcpy(c->text, key, sizeof(key));
	c->gone = xcalloc(nd + 1, sizeof(c->gone[0]));
	c->ngone = nd;
	c->added = t;
	for (k = 0; k < nd; k++) {
		for (; i < drop[k]; i++)
			n += (unsigned char)post[i] >= '0' + 32;
		c->gone[k] = n;
	}
}

/*
 * The line of term text (tlen bytes) into b: its postings post[0..plen)
 * without those ending at drop[0..nd), with those of nix's term t
 * (NULL: none) put in their places; nothing if no posting is left.
 */
static void
line_put(struct patch *pt, struct buf *b, const char *text, size_t tlen,
    const char *post, size_t plen, const struct term *t, const size_t *drop,
    size_t nd)
{
	const struct sdoc	*d;
	size_t			 mark = b->len, cur = 0, at, di = 0, k;

	lchange_add(pt, text, tlen, post, drop, nd, t);
	buf_putn(b, text, tlen);
	buf_putc(b, '\t');
	for (k = 0; t != NULL && k < t->n; k++) {
		d = &pt->nix.docs[t->p[k] / 2];
		at = post_place(pt, post, plen, cur, d->date, d->docno, drop,
		    nd);
		post_copy(b, post, cur, at, drop, nd, &di);
		put_post(b, (uint64_t)d->docno * 2 + (t->p[k] & 1));
		cur = at;
	}
	post_copy(b, post, cur, plen, drop, nd, &di);
	if (b->len == mark + tlen + 1) {
		buf_truncate(b, mark);	/* no posting left: no line */
		return;
	}
	buf_putc(b, '\n');
}

/*
 * Term shard n: its lines merged with the new terms nt[0..ntn) of the
 * shard.  Only the lines holding a candidate's posting and the lines of
 * the new terms are rebuilt; the runs between them are copied.  1 ok,
 * 0 error.
 */
static int
term_shard(struct patch *pt, unsigned n, int exists, const struct tout *nt,
    size_t ntn, struct buf *b)
{
	struct buf	*v = &pt->rbuf;
	const struct pfile *f;
	char		 path[4096];
	const char	*p, *nl, *tab, *end;
	size_t		 cur = 0, hi = 0, j = 0, o, oh, on = 0, h0, pofs;
	int		 eq = 0, placed = 0;

	snprintf(path, sizeof(path), "%s/search/t/%03x.txt", pt->dir, n);
	buf_reset(v);
	if (exists && buf_read_file(v, path) != 1)
		return 0;
	if (v->p == NULL)
		buf_putn(v, "", 0);
	hits_find(pt, v->p, v->len);
	snprintf(path, sizeof(path), "search/t/%03x.txt", n);
	if (pt->nhits == 0 && ntn == 0) {
		(void)pfile_keep(pt, path);
		return 1;
	}
	end = v->p + v->len;
	buf_reset(b);
	for (;;) {
		oh = SIZE_MAX;
		if (hi < pt->nhits) {
			p = memrchr(v->p, '\n', pt->hits[hi]);
			oh = p == NULL ? 0 : (size_t)(p - v->p) + 1;
		}
		if (j < ntn && !placed) {
			on = term_place(v->p, v->len, cur, nt[j].text, &eq);
			placed = 1;
		}
		if ((o = oh < (j < ntn ? on : SIZE_MAX) ? oh :
		    (j < ntn ? on : SIZE_MAX)) == SIZE_MAX)
			break;
		buf_putn(b, v->p + cur, o - cur);
		cur = o;
		if (j < ntn && o == on && !eq) {	/* a new line */
			line_put(pt, b, nt[j].text, strlen(nt[j].text), "", 0,
			    nt[j].t, NULL, 0);
			if (nt[j].text[0] == ' ')
				pt->newfacet = 1;
			j++;
			placed = 0;
			continue;
		}
		p = v->p + o;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (tab = memchr(p, '\t', (size_t)(nl - p))) == NULL) {
			kerr("%s: not an index file", path);
			return 0;
		}
		/* This line's hits, as offsets into its postings. */
		pofs = (size_t)(tab + 1 - v->p);
		for (h0 = hi; hi < pt->nhits &&
		    pt->hits[hi] < (size_t)(nl - v->p); hi++)
			pt->hits[hi] -= pofs;
		while (h0 < hi && pt->hits[h0] > (size_t)(nl - v->p))
			h0++;	/* in the term's text (wrapped below 0) */
		line_put(pt, b, p, (size_t)(tab - p), tab + 1,
		    (size_t)(nl - tab - 1), j < ntn && o == on ? nt[j].t : NULL,
		    pt->hits + h0, hi - h0);
		if (j < ntn && o == on) {
			j++;
			placed = 0;
		}
		cur = (size_t)(nl + 1 - v->p);
	}
	buf_putn(b, v->p + cur, v->len - cur);
	pt->tnew[n].p = "";
	if (b->len > 0) {	/* empty: not made, so pruned */
		pfile_add(pt, path, b, exists ? v->p : NULL, v->len);
		f = &pt->files[pt->filesz - 1];
		pt->tnew[n].p = f->bytes;
		pt->tnew[n].len = f->len;
	}
	return buf_ok(b);
}

/*
 * Doc shard n: its lines without the candidates', with those of the
 * new documents byno[0..nn) of the shard, by docno.  1 ok, 0 error.
 */
static int
doc_shard(struct patch *pt, unsigned n, int exists,
    const struct sdoc *const *byno, size_t nn, struct buf *old,
    struct buf *b)
{
	char		 path[64];
	const char	*p, *end, *nl;
	long long	 docno;
	size_t		 j = 0;

	snprintf(path, sizeof(path), "%s/search/d/%03x.txt", pt->dir, n);
	buf_reset(old);
	if (exists && buf_read_file(old, path) != 1)
		return 0;
	buf_reset(b);
	p = old->p;
	end = old->p + old->len;
	while (p != NULL && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    sscanf(p, "%lld\t", &docno) != 1) {
			kerr("%s: not an index file", path);
			return 0;
		}
		for (; j < nn && byno[j]->docno < docno; j++)
			doc_line(b, byno[j]);
		if (!is_cand(pt, docno))
			buf_putn(b, p, (size_t)(nl - p + 1));
		p = nl + 1;
	}
	for (; j < nn; j++)
		doc_line(b, byno[j]);
	snprintf(path, sizeof(path), "search/d/%03x.txt", n);
	if (b->len > 0)
		pfile_add(pt, path, b, exists ? old->p : NULL, old->len);
	return buf_ok(b);
}

/* Whether docno was fresh in the last index (in search/n/). */
static int
was_fresh(const struct patch *pt, int64_t docno)
{
	return pt->foldsz > 0 && bsearch(&docno, pt->fold, pt->foldsz,
	    sizeof(pt->fold[0]), i64_cmp) != NULL;
}

/*
 * Whether any candidate is in the last index's search/t/: a document
 * of the index has a line in its doc shard, so the candidates' doc
 * shards tell (a fresh one's postings are in search/n/ only).  If none
 * is (new items only, the common approval), no term shard holds a
 * posting to drop, and only the shards of the new terms are read.
 * 1 yes, 0 no, -1 error.
 */
static int
cands_indexed(struct patch *pt, const unsigned char *dmade, struct buf *b)
{
	char		 path[4096], key[32];
	const char	*p;
	size_t		 k, kl;
	unsigned	 s, last = SEARCH_DOC_SHARDS;

	for (k = 0; k < pt->candsz; k++) {
		if (!dmade[s = search_doc_shard(pt->cand[k])] ||
		    was_fresh(pt, pt->cand[k]))
			continue;
		if (s != last) {
			snprintf(path, sizeof(path), "%s/search/d/%03x.txt",
			    pt->dir, s);
			buf_reset(b);
			if (buf_read_file(b, path) != 1)
				return -1;
			last = s;
		}
		kl = (size_t)snprintf(key, sizeof(key), "%lld\t",
		    (long long)pt->cand[k]);
		for (p = b->p; p != NULL && p < b->p + b->len; p++) {
			if ((size_t)(b->p + b->len - p) >= kl &&
			    memcmp(p, key, kl) == 0)
				return 1;
			p = memchr(p, '\n', (size_t)(b->p + b->len - p));
			if (p == NULL)
				break;
		}
	}
	return 0;
}

/*
 * The last index's search/n/ (the shards nmade[] says it made): every
 * document named into pt->fold, every posting but the candidates' into
 * pt->fp.  1 ok, 0 error (printed).
 */
static int
fresh_load(struct patch *pt, const unsigned char *nmade, struct buf *b)
{
	char		 path[4096], text[sizeof(pt->fp.v[0].text)];
	const char	*p, *nl, *tab, *end;
	uint64_t	*v;
	size_t		 n, k, i, j, foldcap = 0;
	int64_t		 docno;
	uint32_t	 h;
	unsigned	 s;

	for (s = 0; s < SEARCH_FRESH_SHARDS; s++) {
		if (!nmade[s])
			continue;
		snprintf(path, sizeof(path), "%s/search/n/%03x.txt", pt->dir,
		    s);
		if (buf_read_file(b, path) != 1)
			return 0;
		end = b->p + b->len;
		for (p = b->p; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
			    (tab = memchr(p, '\t', (size_t)(nl - p))) ==
			    NULL || (size_t)(tab - p) >= sizeof(text) ||
			    (v = search_nums(tab + 1, (size_t)(nl - tab - 1),
			    &n)) == NULL) {
				kerr("%s: not an index file", path);
				return 0;
			}
			memcpy(text, p, (size_t)(tab - p));
			text[tab - p] = '\0';
			h = search_hash(text, (size_t)(tab - p));
			if (text[0] == ' ')
				strset_add(pt->ffacets, text);
			for (k = 0; k + 1 < n; k += 2) {
				docno = (int64_t)(v[k] / 2);
				if (pt->foldsz == foldcap) {
					foldcap = foldcap == 0 ? 1024 :
					    foldcap * 2;
					pt->fold = xrealloc(pt->fold, foldcap *
					    sizeof(pt->fold[0]));
				}
				pt->fold[pt->foldsz++] = docno;
				if (is_cand(pt, docno))
					continue;
				fpost_add(&pt->fp, text, h, docno,
				    (int)(v[k] % 2), (uint32_t)v[k + 1],
				    date_of(pt, docno));
				strset_add(pt->ftexts, text);
			}
			free(v);
		}
		pt->noldlen[s] = b->len;	/* for pfile_emit() */
		pt->nold[s] = buf_take(b);
	}
	if (pt->foldsz > 0)
		qsort(pt->fold, pt->foldsz, sizeof(pt->fold[0]), i64_cmp);
	for (i = j = 0; i < pt->foldsz; i++)
		if (j == 0 || pt->fold[j - 1] != pt->fold[i])
			pt->fold[j++] = pt->fold[i];
	pt->foldsz = j;
	return 1;
}

/*
 * Whether the fresh documents, but for the candidates, are those of the
 * last index.  They are not when the day's count passed
 * SEARCH_FRESH_MAX, or a date changed without a queue entry: the patch
 * does not know which postings move then.
 */
static int
fresh_same(struct patch *pt)
{
	size_t	 i, kept = 0, cands = 0;

	for (i = 0; i < pt->foldsz; i++) {
		if (is_cand(pt, pt->fold[i]))
			continue;
		if (!is_fresh(pt, pt->fold[i]))
			return 0;
		kept++;
	}
	for (i = 0; i < pt->candsz; i++)
		cands += (size_t)is_fresh(pt, pt->cand[i]);
	return pt->nfresh == kept + cands;
}

/* The candidates that are fresh now move from pt->nix to pt->fix. */
static void
fresh_split(struct patch *pt)
{
	struct ix	*f = &pt->fix;
	size_t		 i, j;

	for (i = j = 0; i < pt->nix.docsz; i++) {
		if (!is_fresh(pt, pt->nix.docs[i].docno)) {
			pt->nix.docs[j++] = pt->nix.docs[i];
			continue;
		}
		if (f->docsz == f->doccap) {
			f->doccap = f->doccap == 0 ? 16 : f->doccap * 2;
			f->docs = xrealloc(f->docs, f->doccap *
			    sizeof(f->docs[0]));
		}
		f->docs[f->docsz++] = pt->nix.docs[i];
	}
	pt->nix.docsz = j;
}

/*
 * How many postings of f's term's line in the term shard old[0..len)
 * rank above f's document (0 if there is no such line: *found says).
 */
static uint32_t
above_count(struct patch *pt, const char *old, size_t len,
    const struct fpost *f, int *found)
{
	const char	*post, *nl;
	size_t		 at, i, plen, s;
	uint32_t	 n = 0;

	s = term_place(old, len, 0, f->text, found);
	if (!*found)
		return 0;
	post = (const char *)memchr(old + s, '\t', len - s) + 1;
	nl = memchr(post, '\n', (size_t)(old + len - post));
	plen = (size_t)((nl == NULL ? old + len : nl) - post);
	at = post_place(pt, post, plen, 0, f->date, f->docno, NULL, 0);
	for (i = 0; i < at; i++)
		n += (unsigned char)post[i] >= '0' + 32;
	return n;
}

static int
fpost_tshard_cmp(const void *a, const void *b)
{
	const struct fpost	*x = *(const struct fpost *const *)a,
				*y = *(const struct fpost *const *)b;

	return x->tshard < y->tshard ? -1 : x->tshard > y->tshard;
}

/*
 * emit_fn of fresh_files() in a patch: search/n/ shard path gets b's
 * bytes if they differ from the last run's (fresh_load() read them).
 */
static int
pfile_emit(void *arg, const char *path, const struct buf *b)
{
	struct patch	*pt = arg;
	struct buf	 nb;
	unsigned long	 s;

	s = strtoul(path + strlen("search/n/"), NULL, 16);
	if (s >= SEARCH_FRESH_SHARDS || !buf_ok(b))
		return 0;
	buf_init(&nb, SEARCH_FILE_MAX);
	buf_putn(&nb, buf_str(b), b->len);
	pfile_add(pt, path, &nb, pt->nold[s], pt->noldlen[s]);
	buf_free(&nb);
	return 1;
}

static int
lchange_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lchange *)a)->text,
	    ((const struct lchange *)b)->text);
}

/*
 * Move the count of kept fresh posting f by what the candidates did to
 * its term's line (if anything): minus those dropped from above it,
 * plus those put in above it.  No other posting of the line moved
 * relative to f, so no line needs reading (pt->lch sorted by text).
 */
static void
lchange_apply(struct patch *pt, struct fpost *f)
{
	const struct lchange	*c;
	const struct sdoc	*d;
	struct lchange		 key;
	size_t			 lo = 0, hi, mid, k;
	int			 r;

	memcpy(key.text, f->text, sizeof(key.text));
	if (pt->lchsz == 0 || (c = bsearch(&key, pt->lch, pt->lchsz,
	    sizeof(pt->lch[0]), lchange_cmp)) == NULL)
		return;
	for (hi = c->ngone; lo < hi; ) {	/* how many gone from above */
		mid = lo + (hi - lo) / 2;
		if (c->gone[mid] < f->above)
			lo = mid + 1;
		else
			hi = mid;
	}
	f->above -= (uint32_t)lo;
	for (k = 0; c->added != NULL && k < c->added->n; k++) {
		d = &pt->nix.docs[c->added->p[k] / 2];
		r = strcmp(d->date, f->date);
		f->above += r > 0 || (r == 0 && d->docno < f->docno);
	}
}

/*
 * search/n/ patched: the kept postings (fresh_load()) and those of the
 * fresh candidates (pt->fix).  A kept one's count of postings above it
 * moves by what the candidates did to its term's line (lchange_apply():
 * a candidate's date can move it past a fresh document without changing
 * the line's bytes).  A new one counts the postings of its term's line
 * in search/t/ that rank above it: about 300 term shards read, none
 * written, for a new document.  tmade[] tells which term shards the
 * last run made.  1 ok, 0 error.
 */
static int
fresh_patch(struct patch *pt, const unsigned char *tmade, struct buf *b)
{
	struct tout	*ft;
	struct fpost	**st;
	const struct sdoc *d;
	const char	*old;
	char		 path[4096];
	size_t		 ftsz, i, k, n = 0, len, kept = pt->fp.n;
	unsigned	 s;
	int		 found, ok = 0;

	ft = terms_sorted(&pt->fix, &ftsz);
	for (i = 0; i < ftsz; i++)
		for (k = 0; k < ft[i].t->n; k++) {
			d = &pt->fix.docs[ft[i].t->p[k] / 2];
			fpost_add(&pt->fp, ft[i].text, ft[i].hash, d->docno,
			    (int)(ft[i].t->p[k] & 1), 0, d->date);
		}
	if (pt->lchsz > 0)
		qsort(pt->lch, pt->lchsz, sizeof(pt->lch[0]), lchange_cmp);
	st = xcalloc(pt->fp.n + 1, sizeof(st[0]));
	for (i = 0; i < pt->fp.n; i++)	/* kept ones first, then the new */
		if (i < kept)
			lchange_apply(pt, &pt->fp.v[i]);
		else
			st[n++] = &pt->fp.v[i];
	if (n > 0)
		qsort(st, n, sizeof(st[0]), fpost_tshard_cmp);
	for (i = 0; i < n; i++) {
		s = st[i]->tshard;
		if (i == 0 || s != st[i - 1]->tshard) {
			old = pt->tnew[s].p;
			len = pt->tnew[s].len;
			buf_reset(b);
			if (old == NULL && tmade[s]) {
				snprintf(path, sizeof(path),
				    "%s/search/t/%03x.txt", pt->dir, s);
				if (buf_read_file(b, path) != 1)
					goto out;
				old = buf_str(b);
				len = b->len;
			} else if (old == NULL) {
				old = "";
				len = 0;
			}
		}
		st[i]->above = above_count(pt, old, len, st[i], &found);
		/* A facet term in neither part before: see term_shard(). */
		if (!found && st[i]->text[0] == ' ' &&
		    !strset_has(pt->ffacets, st[i]->text))
			pt->newfacet = 1;
	}
	ok = fresh_files(pt->fp.v, pt->fp.n, pt->nfresh, pfile_emit, pt);
out:
	free(st);
	free(ft);
	return ok;
}

/* Which shard files the last run made, from the manifest. */
static int
shards_made(struct patch *pt, unsigned char *tmade, unsigned char *dmade,
    unsigned char *nmade)
{
	static const char sql[] = "SELECT path FROM site_file "
	    "WHERE path >= 'search/' AND path < 'search0'";
	sqlite3_stmt	*st;
	const char	*path;
	long		 n;
	char		*end;
	int		 rc;

	if ((st = db_prep(pt->db, sql)) == NULL)
		return 0;
	while ((rc = db_row(pt->db, st)) == 1) {
		/* "search/[tdn]/XXX.txt": 3 hex digits */
		path = db_col_text(st, 0);
		if (strlen(path) != 16 || strcmp(path + 12, ".txt") != 0 ||
		    strspn(path + 9, "0123456789abcdef") != 3)
			continue;
		n = strtol(path + 9, &end, 16);
		if (strncmp(path, "search/t/", 9) == 0 &&
		    n < SEARCH_TERM_SHARDS)
			tmade[n] = 1;
		else if (strncmp(path, "search/d/", 9) == 0 &&
		    n < SEARCH_DOC_SHARDS)
			dmade[n] = 1;
		else if (strncmp(path, "search/n/", 9) == 0 &&
		    n < SEARCH_FRESH_SHARDS)
			nmade[n] = 1;
	}
	return rc == 0;
}

/*
 * Patch the index (see above): pt->files gets every shard file to
 * write or keep.  1 done, 0 recompute instead (nothing is printed for a
 * case the patch does not handle; errors are).
 */
static int
patch_run(struct patch *pt)
{
	unsigned char	*tmade, *dmade, nmade[SEARCH_FRESH_SHARDS];
	struct buf	 old, b;
	char		 path[4096];
	size_t		 i, j, k, nd;
	unsigned	 s;
	int		 ok = 0, old_cands;

	tmade = xcalloc(SEARCH_TERM_SHARDS, 1);
	dmade = xcalloc(SEARCH_DOC_SHARDS, 1);
	memset(nmade, 0, sizeof(nmade));
	pt->ffacets = strset_new();
	pt->ftexts = strset_new();
	buf_init(&pt->rbuf, SEARCH_FILE_MAX);
	buf_init(&old, SEARCH_FILE_MAX);
	buf_init(&b, SEARCH_FILE_MAX);
	/* Files of another format are not patched. */
	snprintf(path, sizeof(path), "%s/search/manifest.json", pt->dir);
	manifest_head(&b);
	pt->why = "the last index is of another format";
	if (buf_read_file(&old, path) != 1 || old.len <= b.len ||
	    memcmp(old.p, b.p, b.len) != 0)
		goto out;
	pt->why = "too many items queued";
	if (!cands_load(pt))
		goto out;
	pt->why = "a read failed";
	if (!fresh_count(pt) ||
	    (pt->candsz > DATES_LAZY_MAX && !dates_all(pt)))
		goto out;
	if (!docs_load(pt->db, pt->today, &pt->nix, pt->only))
		goto out;
	fresh_split(pt);
	if (!terms_build(&pt->nix) || !terms_build(&pt->fix) ||
	    !shards_made(pt, tmade, dmade, nmade) ||
	    !fresh_load(pt, nmade, &old))
		goto out;
	pt->why = "the day's new documents changed otherwise";
	if (!fresh_same(pt))
		goto out;
	pt->why = "a read failed";
	if ((old_cands = cands_indexed(pt, dmade, &old)) == -1)
		goto out;
	pt->nt = terms_sorted(&pt->nix, &pt->ntsz);
	for (i = j = 0, s = 0; s < SEARCH_TERM_SHARDS; s++, i = j) {
		for (j = i; j < pt->ntsz && pt->nt[j].shard == s; j++)
			;
		if (tmade[s] && !old_cands && j == i) {
			snprintf(path, sizeof(path), "search/t/%03x.txt", s);
			(void)pfile_keep(pt, path);
		} else if ((tmade[s] || j > i) && !term_shard(pt, s,
		    tmade[s], pt->nt + i, j - i, &b))
			goto out;
	}
	if (!fresh_patch(pt, tmade, &old))
		goto out;
	/* A new facet may be one too many: the recompute says. */
	pt->why = pt->dberr ? "a read failed" : pt->lost ?
	    "a posting's document has no date now" : "a new facet term";
	if (pt->dberr || pt->lost || pt->newfacet)
		goto out;
	pt->why = "a read failed";
	/* Doc shards: those of candidates patched, the others kept. */
	nd = pt->nix.docsz + pt->fix.docsz;
	pt->byno = xcalloc(nd + 1, sizeof(pt->byno[0]));
	for (i = 0; i < pt->nix.docsz; i++)
		pt->byno[i] = &pt->nix.docs[i];
	for (i = 0; i < pt->fix.docsz; i++)
		pt->byno[pt->nix.docsz + i] = &pt->fix.docs[i];
	if (nd > 0)
		qsort(pt->byno, nd, sizeof(pt->byno[0]), byno_cmp);
	for (k = 0; k < pt->candsz; k++)
		dmade[search_doc_shard(pt->cand[k])] |= 2;
	for (j = 0, s = 0; s < SEARCH_DOC_SHARDS; s++) {
		for (i = j; j < nd &&
		    search_doc_shard(pt->byno[j]->docno) == s; j++)
			;
		if (dmade[s] & 2) {
			if (!doc_shard(pt, s, dmade[s] & 1, pt->byno + i,
			    j - i, &old, &b))
				goto out;
		} else if (dmade[s]) {
			snprintf(path, sizeof(path), "search/d/%03x.txt", s);
			(void)pfile_keep(pt, path);
		}
	}
	pt->why = NULL;
	ok = 1;
out:
	free(tmade);
	free(dmade);
	buf_free(&old);
	buf_free(&b);
	return ok;
}

static void
patch_free(struct patch *pt)
{
	size_t	 i;

	for (i = 0; i < K__MAX; i++)
		free(pt->queued[i].ids);
	for (i = 0; i < KENMIN_NELEM(pt->only); i++)
		free(pt->only[i]);
	for (i = 0; i < pt->filesz; i++)
		free(pt->files[i].bytes);
	ix_free(&pt->nix);
	ix_free(&pt->fix);
	free(pt->fp.v);
	free(pt->fold);
	strset_free(pt->ffacets);
	strset_free(pt->ftexts);
	for (i = 0; i < SEARCH_FRESH_SHARDS; i++)
		free(pt->nold[i]);
	for (i = 0; i < pt->lchsz; i++)
		free(pt->lch[i].gone);
	free(pt->lch);
	free(pt->files);
	free(pt->cand);
	free(pt->byno);
	free(pt->nt);
	for (i = 0; i < pt->dmcap; i++)
		free(pt->dm[i].date);
	free(pt->dm);
	buf_free(&pt->rbuf);
	free(pt->hits);
}

/*
 * The index computed on its own thread: patched (patched set, the
 * files in pt) or recomputed (ix).
 */
struct search_pre {
	pthread_t	 thr;
	struct ix	 ix;
	struct patch	 pt;
	int		 try_patch;
	int		 patched;
	int		 ok;
};

/*
 * The patch's changed files written by its thread, beside the run's
 * rendering rather than after it: on this disk each replaced file costs
 * about 150 us in the kernel, and a new document changes about 300.
 * The run marked the site dirty first (search_prefetch()) and adopts
 * each with site_put_written(); a file not written here is written by
 * patch_write() the usual way.  Their blobs go to the run's history
 * writer from here too, so it hashes and compresses them meanwhile.
 * (histpack_put() fails only when the whole history writer has, and
 * the commit then reads every file from disk.)
 */
static void
files_write_here(struct patch *pt)
{
	struct pfile	*f;
	size_t		 i;

	for (i = 0; i < pt->filesz; i++) {
		f = &pt->files[i];
		if (f->bytes == NULL || !site_write_file(pt->dir, f->path, i,
		    f->bytes, f->len, &f->sb))
			continue;
		f->written = 1;
		if (pt->hp != NULL)
			(void)histpack_put(pt->hp, f->path, f->bytes, f->len,
			    &f->sb);
	}
}

static void *
prefetch_run(void *arg)
{
	struct search_pre	*p = arg;
	struct patch		*pt = &p->pt;

	if (p->try_patch && patch_run(pt)) {
		p->patched = p->ok = 1;
		files_write_here(pt);
		return NULL;
	}
	p->ok = ix_compute(pt->db, pt->today, &p->ix);
	return NULL;
}

/*
 * Start computing the index on a thread if this run will render the
 * family (a full build, or a publish of a kind it reads): a publish
 * that changed only items tries to patch the last files.  If the
 * thread cannot start, render_index() computes it itself.
 */
void
search_prefetch(struct rctx *r)
{
	struct search_pre	*p;
	size_t			 k, i;

	if (r->searchpre != NULL || r->preview != NULL ||
	    (!r->full && (r->changed & fam_search.kinds) == 0))
		return;
	p = xcalloc(1, sizeof(*p));
	p->pt.today = r->g->today;
	p->pt.dir = r->g->cfg->site_dir;
	p->try_patch = !r->full &&
	    (r->changed & fam_search.kinds & ~PATCH_KINDS) == 0;
	for (k = 0; p->try_patch && k < K__MAX; k++)
		for (i = 0; i < r->queued[k].len; i++)
			idlist_add(&p->pt.queued[k], r->queued[k].ids[i]);
	/* A patch's thread writes its files (files_write_here()). */
	if (p->try_patch && !site_dirty(r->site))
		p->try_patch = 0;
	p->pt.hp = r->hp;
	/* A full build keeps the thread's memory small; a patch reads. */
	if ((p->pt.db = db_open(r->g->cfg->database,
	    DB_READONLY | (r->full ? DB_LEAN : 0))) == NULL ||
	    pthread_create(&p->thr, NULL, prefetch_run, p) != 0) {
		db_close(p->pt.db);
		patch_free(&p->pt);
		free(p);
		return;
	}
	r->searchpre = p;
}

/*
 * Wait for the thread and take what it made: ix (which must be empty)
 * gets the recomputed index, or *pre is kept for its patch (the
 * caller then calls prefetch_free()).  1 if it succeeded.
 */
static int
prefetch_take(struct rctx *r, struct ix *ix, struct search_pre **pre)
{
	struct search_pre	*p = r->searchpre;
	int			 ok;

	pthread_join(p->thr, NULL);
	db_close(p->pt.db);
	p->pt.db = NULL;
	r->searchpre = NULL;
	*ix = p->ix;
	memset(&p->ix, 0, sizeof(p->ix));
	ok = p->ok;
	*pre = p;
	return ok;
}

static void
prefetch_free(struct search_pre *p)
{
	if (p == NULL)
		return;
	patch_free(&p->pt);
	ix_free(&p->ix);
	free(p);
}

/* Wait for the thread, if one runs, and drop what it made. */
void
search_prefetch_end(struct rctx *r)
{
	struct search_pre	*p;
	struct ix		 ix;

	if (r->searchpre == NULL)
		return;
	(void)prefetch_take(r, &ix, &p);
	ix_free(&ix);
	prefetch_free(p);
}

/* The patched files: written if changed, else kept.  1 ok. */
static int
patch_write(struct rctx *r, const struct patch *pt)
{
	struct buf	 b;
	size_t		 i;
	int		 ok = 1;

	for (i = 0; ok && i < pt->filesz; i++) {
		if (pt->files[i].bytes == NULL) {
			strset_add(r->seen, pt->files[i].path);
			continue;
		}
		if (pt->files[i].written) {
			ok = strset_add(r->seen, pt->files[i].path) &&
			    site_put_written(r->site, pt->files[i].path,
			    pt->files[i].bytes, pt->files[i].len,
			    &pt->files[i].sb);
			continue;
		}
		b.p = pt->files[i].bytes;
		b.len = pt->files[i].len;
		b.overflow = 0;
		ok = put_file(r, pt->files[i].path, &b);
	}
	buf_init(&b, 0);
	manifest_text(&b, pt->nfresh);
	ok = ok && put_file(r, "search/manifest.json", &b);
	buf_free(&b);
	return ok;
}

/* KENMIN_TIMINGS: whether the index was patched, and if not why. */
static void
patch_say(const struct search_pre *p)
{
	size_t	 i, n = 0;

	if (p != NULL && p->patched) {
		for (i = 0; i < p->pt.filesz; i++)
			n += p->pt.files[i].bytes != NULL;
		fprintf(stderr, "search index: patched, %zu of %zu files "
		    "changed, %zu dates read\n", n, p->pt.filesz, p->pt.dmsz);
	} else
		fprintf(stderr, "search index: recomputed (%s)\n",
		    p == NULL ? "not on a thread" : !p->try_patch ?
		    "not a publish of items only" : p->pt.why != NULL ?
		    p->pt.why : "?");
}

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	struct search_pre	*pre = NULL;
	struct ix		 ix;
	int			 ok;

	(void)ids;
	memset(&ix, 0, sizeof(ix));
	if (r->searchpre != NULL)
		ok = prefetch_take(r, &ix, &pre);
	else
		ok = ix_compute(r->g->db, r->g->today, &ix);
	if (getenv("KENMIN_TIMINGS") != NULL)
		patch_say(pre);
	if (ok && pre != NULL && pre->patched)
		ok = patch_write(r, &pre->pt);
	else
		ok = ok && files_write(&ix, put_file, r);
	ok = ok && page_write(r);
	ix_free(&ix);
	prefetch_free(pre);
	return ok;
}

/* ---- kenmin-gen search-check ---- */

struct chk {
	const char	*dir;		/* site_dir */
	struct strset	*made;
	struct buf	 disk;
	size_t		 files, differ;
};

/* emit_fn: compare the recomputed bytes of path with the file. */
static int
chk_emit(void *arg, const char *path, const struct buf *b)
{
	struct chk	*c = arg;
	char		 full[4096];
	int		 rc;

	c->files++;
	strset_add(c->made, path);
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", c->dir, path) >=
	    sizeof(full)) {
		kerr("%s: path too long", c->dir);
		return 0;
	}
	if ((rc = buf_read_file(&c->disk, full)) == -1)
		return 0;
	if (rc == 0 || c->disk.len != b->len ||
	    (b->len > 0 && memcmp(c->disk.p, b->p, b->len) != 0)) {
		printf("search-check: %s %s\n", path,
		    rc == 0 ? "is missing" : "differs");
		c->differ++;
	}
	return 1;
}

/* Shard files on disk in search/<sub>/ that the recompute did not make. */
static int
chk_extra(struct chk *c, char sub)
{
	struct dirent	*e;
	DIR		*d;
	char		 full[4096], rel[300];

	snprintf(full, sizeof(full), "%s/search/%c", c->dir, sub);
	if ((d = opendir(full)) == NULL)
		return errno == ENOENT;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "search/%c/%s", sub, e->d_name);
		if (!strset_has(c->made, rel)) {
			printf("search-check: %s should not exist\n", rel);
			c->differ++;
		}
	}
	closedir(d);
	return 1;
}

/*
 * kenmin-gen search-check: recompute the search index from the
 * database and compare it with the files in site_dir/search/ (what the
 * last build or publish wrote, patched or not).  Prints each file that
 * differs; fails if any does.
 */
int
cmd_search_check(struct gen *g, int argc, char *argv[])
{
	struct chk	 c;
	struct ix	 ix;
	int		 ok;

	(void)argv;
	if (argc != 1) {
		kerr("usage: search-check");
		return 0;
	}
	if (!gen_open_db(g, 0))
		return 0;
	memset(&ix, 0, sizeof(ix));
	memset(&c, 0, sizeof(c));
	c.dir = g->cfg->site_dir;
	c.made = strset_new();
	buf_init(&c.disk, SEARCH_FILE_MAX);
	ok = ix_compute(g->db, g->today, &ix) &&
	    files_write(&ix, chk_emit, &c) && chk_extra(&c, 't') &&
	    chk_extra(&c, 'd') && chk_extra(&c, 'n');
	if (ok)
		printf("search-check: %zu files, %zu differ\n", c.files,
		    c.differ);
	ix_free(&ix);
	buf_free(&c.disk);
	strset_free(c.made);
	return ok && c.differ == 0;
}

/*
 * The tables the statements read (build.c's rule): the searchable
 * kinds, K_MASTER (municipality names in member labels) and K_DATE
 * (grants open now, postings whose recruiting has begun).  FAQ,
 * settings and uploads are not indexed and do not re-run it.
 */
#define SEARCH_KINDS	(KBIT(K_ORG) | KBIT(K_EVENT) | KBIT(K_GRANT) | \
	KBIT(K_REPORT) | KBIT(K_BOOK) | KBIT(K_NOTICE) | KBIT(K_NEWSLETTER) | \
	KBIT(K_MEMBER) | KBIT(K_POSTING) | KBIT(K_INTERVIEW) | KBIT(K_PAGE) | \
	KBIT(K_MASTER) | KBIT(K_DATE))

const struct family fam_search = {
	"search index", SEARCH_KINDS, "search/", K__MAX, 0, render_index,
	NULL, NULL
};
