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
 * One statement per source table, all with the same columns:
 * 0 id, 1 date, 2 title, 3 text, 4 variant (kind/site/type/slug),
 * 5 field ids, 6 municipality ids, 7 grant area ids, 8 probono id,
 * 9 open grant (0/1), 10 muni name, 11 occupation.  ?1 is today.
 * Only public fields: no 非公開 column is ever selected (R303).
 */
static const char *const sqls[] = {
	"SELECT o.id, " PUBDATE("o.published_at") ", o.name, "
	    T("o.kana") "||' '||" T("o.purpose") "||' '||" T("o.activities")
	    "||' '||" T("o.appeal") ", o.kind, "
	    CSV("field_id AS x FROM org_field WHERE org_id = o.id ORDER BY 1")
	    ", " CSV("muni_id AS x FROM org_muni WHERE org_id = o.id "
	    "ORDER BY 1") ", NULL, NULL, 0, '', '' FROM org o "
	    "WHERE o.state = 'public' AND o.status = 'active' AND ?1 = ?1",
	"SELECT e.id, " T("e.starts_on") ", e.title, " T("e.organizer")
	    "||' '||" T("e.place") "||' '||" T("e.purpose") "||' '||"
	    T("e.body") ", '', " CSV("field_id AS x FROM event_field WHERE "
	    "event_id = e.id ORDER BY 1") ", NULL, NULL, NULL, 0, '', '' "
	    "FROM event e WHERE e.state = 'public' AND ?1 = ?1",
	"SELECT g.id, COALESCE(g.apply_from, " PUBDATE("g.published_at")
	    "), g.name, " T("g.funder") "||' '||" T("g.purpose") "||' '||"
	    T("g.target_project") "||' '||" T("g.audience") ", '', "
	    CSV("field_id AS x FROM grant_field WHERE grant_id = g.id "
	    "ORDER BY 1") ", NULL, " CSV("area_id AS x FROM grant_area WHERE "
	    "grant_id = g.id ORDER BY 1") ", NULL, (g.cancelled = 0 AND "
	    "(g.apply_from IS NULL OR g.apply_from <= ?1) AND "
	    "(g.apply_until IS NULL OR g.apply_until >= ?1)), '', '' "
	    "FROM grant_item g WHERE g.state = 'public'",
	"SELECT r.id, " T("r.held_on") ", r.title, " T("r.org_name")
	    "||' '||" T("r.place") "||' '||" T("r.body") ", '', NULL, NULL, "
	    "NULL, NULL, 0, '', '' FROM report r WHERE r.state = 'public' "
	    "AND ?1 = ?1",
	"SELECT b.id, " PUBDATE("b.published_at") ", b.title, "
	    T("b.author") "||' '||" T("b.publisher") "||' '||" T("b.body")
	    ", '', NULL, NULL, NULL, NULL, 0, '', '' FROM book b "
	    "WHERE b.state = 'public' AND ?1 = ?1",
	"SELECT n.id, n.posted_on, n.title, n.body, n.site||'/'||n.kind, "
	    "NULL, NULL, NULL, NULL, 0, '', '' FROM notice n "
	    "WHERE n.state = 'public' AND ?1 = ?1",
	"SELECT n.id, n.posted_on, n.title, n.body, n.site, NULL, NULL, "
	    "NULL, NULL, 0, '', '' FROM newsletter n "
	    "WHERE n.state = 'public' AND ?1 = ?1",
	"SELECT m.id, " PUBDATE("m.published_at") ", " T("m.org_name")
	    ", CASE m.type WHEN 'individual' THEN " T("m.sales_point")
	    "||' '||" T("m.probono_content") " ELSE " T("m.purpose")
	    "||' '||" T("m.activities") "||' '||" T("m.sales_point")
	    " END, m.type, " CSV("field_id AS x FROM member_field WHERE "
	    "member_id = m.id ORDER BY 1") ", " CSV("muni_id AS x FROM "
	    "member_area WHERE member_id = m.id ORDER BY 1") ", NULL, "
	    "m.probono_field_id, 0, " T("mu.name") ", " T("m.occupation")
	    " FROM member m LEFT JOIN m_municipality mu ON mu.id = m.muni_id "
	    "WHERE " AK_M_VISIBLE " AND ?1 = ?1",
	"SELECT p.id, COALESCE(p.apply_from, " PUBDATE("p.published_at")
	    "), p.title, " T("p.org_name") "||' '||" T("p.activity")
	    "||' '||" T("p.area_text") "||' '||" T("p.place") ", '', "
	    CSV("field_id AS x FROM posting_field WHERE posting_id = p.id "
	    "ORDER BY 1") ", " CSV("muni_id AS x FROM posting_area WHERE "
	    "posting_id = p.id ORDER BY 1") ", NULL, NULL, 0, '', '' "
	    "FROM posting p JOIN member m ON m.id = p.member_id "
	    "WHERE " AK_P_VISIBLE " AND " AK_P_STARTED,
	"SELECT i.id, i.posted_on, i.title, i.body, '', NULL, NULL, NULL, "
	    "NULL, 0, '', '' FROM interview i WHERE i.state = 'public' "
	    "AND ?1 = ?1",
	"SELECT pg.id, " PUBDATE("pg.published_at") ", pg.title, pg.body, "
	    "pg.site||'/'||pg.slug, NULL, NULL, NULL, NULL, 0, '', '' "
	    "FROM page pg WHERE pg.state = 'public' AND ?1 = ?1",
};

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

/* A term ready to write: its shard and its text. */
struct tout {
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
	ix->tab = xcalloc(ix->tabcap, sizeof(ix->tab[0]));
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
 * Read every public item (as of today) into ix->docs.  1 ok, 0 error
 * (printed).
 */
static int
docs_load(struct db *db, const char *today, struct ix *ix)
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
		if ((st = db_prep(db, sqls[i])) == NULL)
			goto out;
		db_bind_text(st, 1, today);
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
 * Write one index file, and mark it made this run (r->seen) so that a
 * publish does not prune it as a file the family no longer makes.
 */
static int
put_file(struct rctx *r, const char *path, const struct buf *b)
{
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

/* Write the term shards, the doc shards and the manifest. */
static int
files_write(struct rctx *r, struct ix *ix)
{
	struct tout	*o = NULL;
	struct sdoc	*d;
	struct buf	 b;
	char		 path[64], *sn;
	size_t		 osz = 0, i, j, k;
	unsigned	 s;
	int		 rc = 0;

	buf_init(&b, SEARCH_FILE_MAX);
	o = xcalloc(ix->tabsz + 1, sizeof(o[0]));
	for (i = 0; i < ix->tabcap; i++) {
		if (ix->tab[i].key == 0)
			continue;
		key_text(ix, ix->tab[i].key, o[osz].text, sizeof(o[osz].text));
		o[osz].shard = search_hash(o[osz].text,
		    strlen(o[osz].text)) % SEARCH_TERM_SHARDS;
		o[osz].t = &ix->tab[i];
		osz++;
	}
	if (osz > 0)
		qsort(o, osz, sizeof(o[0]), tout_cmp);
	for (i = 0; i < osz; i = j) {
		buf_reset(&b);
		for (j = i; j < osz && o[j].shard == o[i].shard; j++) {
			buf_puts(&b, o[j].text);
			buf_putc(&b, '\t');
			for (k = 0; k < o[j].t->n; k++)
				put_post(&b, (uint64_t)ix->docs[
				    o[j].t->p[k] / 2].docno * 2 +
				    (o[j].t->p[k] & 1));
			buf_putc(&b, '\n');
		}
		snprintf(path, sizeof(path), "search/t/%03x.txt",
		    o[i].shard);
		if (!put_file(r, path, &b))
			goto out;
	}
	if (ix->docsz > 0)
		qsort(ix->docs, ix->docsz, sizeof(ix->docs[0]),
		    docshard_cmp);
	for (i = 0; i < ix->docsz; i = j) {
		s = search_doc_shard(ix->docs[i].docno);
		buf_reset(&b);
		for (j = i; j < ix->docsz &&
		    search_doc_shard(ix->docs[j].docno) == s; j++) {
			d = &ix->docs[j];
			sn = cut_cps(d->text, SEARCH_SNIPPET_CPS);
			buf_printf(&b, "%lld\t%s\t%s\t%s\t%s\t%s\n",
			    (long long)d->docno, sks[d->docno % 16].label,
			    d->date, d->url, d->title, sn);
			free(sn);
		}
		snprintf(path, sizeof(path), "search/d/%03x.txt", s);
		if (!put_file(r, path, &b))
			goto out;
	}
	buf_reset(&b);
	buf_printf(&b, "{\"version\":%d,\"termShards\":%d,\"docShards\":%d,"
	    "\"pageSize\":%d,\"maxPage\":%d,\"wordsMax\":%d,"
	    "\"wordChars\":%d,\"queryMax\":%d}\n", SEARCH_VERSION,
	    SEARCH_TERM_SHARDS, SEARCH_DOC_SHARDS, SEARCH_PAGE_SIZE,
	    SEARCH_MAX_PAGE, SEARCH_WORDS_MAX, SEARCH_WORD_CPS,
	    SEARCH_QUERY_MAX);
	if (!put_file(r, "search/manifest.json", &b))
		goto out;
	rc = 1;
out:
	free(o);
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

/* The index computed on its own thread. */
struct search_pre {
	pthread_t	 thr;
	struct db	*db;
	const char	*today;
	struct ix	 ix;
	int		 ok;
};

static void *
prefetch_run(void *arg)
{
	struct search_pre	*p = arg;

	p->ok = docs_load(p->db, p->today, &p->ix) && terms_build(&p->ix);
	return NULL;
}

/*
 * Start computing the index on a thread if this run will render the
 * family (a full build, or a publish of a kind it reads).  If the
 * thread cannot start, render_index() computes it itself.
 */
void
search_prefetch(struct rctx *r)
{
	struct search_pre	*p;

	if (r->searchpre != NULL || r->preview != NULL ||
	    (!r->full && (r->changed & fam_search.kinds) == 0))
		return;
	p = xcalloc(1, sizeof(*p));
	p->today = r->g->today;
	if ((p->db = db_open(r->g->cfg->database,
	    DB_READONLY | DB_LEAN)) == NULL ||
	    pthread_create(&p->thr, NULL, prefetch_run, p) != 0) {
		db_close(p->db);
		free(p);
		return;
	}
	r->searchpre = p;
}

/*
 * Wait for the thread and move what it made into ix (which must be
 * empty); 1 if it succeeded.
 */
static int
prefetch_take(struct rctx *r, struct ix *ix)
{
	struct search_pre	*p = r->searchpre;
	int			 ok;

	pthread_join(p->thr, NULL);
	db_close(p->db);
	*ix = p->ix;
	ok = p->ok;
	free(p);
	r->searchpre = NULL;
	return ok;
}

/* Wait for the thread, if one runs, and drop what it made. */
void
search_prefetch_end(struct rctx *r)
{
	struct ix	 ix;

	if (r->searchpre == NULL)
		return;
	(void)prefetch_take(r, &ix);
	ix_free(&ix);
}

static int
render_index(struct rctx *r, const struct idlist *ids)
{
	struct ix	 ix;
	int		 ok;

	(void)ids;
	memset(&ix, 0, sizeof(ix));
	if (r->searchpre != NULL)
		ok = prefetch_take(r, &ix);
	else
		ok = docs_load(r->g->db, r->g->today, &ix) && terms_build(&ix);
	ok = ok && files_write(r, &ix) && page_write(r);
	ix_free(&ix);
	return ok;
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
