/*
 * search.h: the keyword index both programs share: how text becomes
 * index terms, where a term's postings live, and the query that reads
 * the static index files (site_dir/search/) for formsvc's /search page.
 * search.js implements the same rules for the browser.
 *
 * Files (all UTF-8 text, one record a line, tab-separated):
 *   search/manifest.json  version, shard counts, page size, limits,
 *                         and "fresh": how many documents are fresh
 *   search/t/XXX.txt      "TERM\tPOSTINGS" lines sorted by TERM bytes;
 *                         XXX = search_hash(TERM) % SEARCH_TERM_SHARDS,
 *                         three lower-case hex digits; POSTINGS is one
 *                         number per document, docno * 2 + (term in
 *                         title), in the index's global order: newer
 *                         date first, then docno ascending.  A number
 *                         is written in base 32, most significant digit
 *                         first, each digit d as the character '0' + d
 *                         except the last as '0' + 32 + d (so "0".."O"
 *                         continue, "P".."o" end a number, no commas)
 *   search/d/XXX.txt      "DOCNO\tKIND\tDATE\tURL\tTITLE\tSNIPPET",
 *                         XXX = search_doc_shard(docno) in hex,
 *                         sorted by docno; no field holds a tab or a
 *                         line break
 *   search/n/XXX.txt      the fresh documents' postings (those first
 *                         published today, see below): "TERM\tPAIRS"
 *                         lines sorted by TERM bytes, XXX =
 *                         search_hash(TERM) % SEARCH_FRESH_SHARDS.
 *                         PAIRS is two numbers per fresh document having
 *                         the term, in the global order: docno * 2 +
 *                         (term in title), then how many postings of the
 *                         term's line in search/t/ rank above it (both
 *                         written as postings are).  Merging them into
 *                         the term's postings gives the list the term
 *                         would have had with every document in search/t/.
 * docno = id * 16 + a kind code, so it never changes while the item
 * exists.  A shard with no line is not written (a reader treats a
 * missing shard as empty), except that while any document is fresh
 * (manifest "fresh" > 0) every search/n/ shard is written.
 *
 * Fresh documents: those whose published_at falls on the build's date
 * (Asia/Tokyo), unless there are more than SEARCH_FRESH_MAX of them (then
 * none is).  A new approval thus changes the small search/n/ shards and
 * one doc shard, not the ~300 term shards its terms fall in; the date's
 * change (the nightly publish) moves them into search/t/.
 *
 * Terms: every code point and every two adjacent code points within a
 * word of the normalised text (text_normalize; words split at spaces)
 * of the title and the body (its first SEARCH_TEXT_CPS code points),
 * and the facet terms " F:VALUE" (a leading space: no text term has
 * one).  A query word of one code point matches the documents having
 * it as a term; a longer word matches the documents having all of its
 * adjacent pairs (so "子ども" needs "子ど" and "ども"): exact for words
 * of up to two code points; for longer words a document that has every
 * pair but never in sequence also matches (documented in
 * docs/search.md).  Words and facets are ANDed.  Ranking: the number
 * of query words whose terms are all in the title (more first), then
 * newer date, then docno: the order of the postings.
 */
#ifndef KENMIN_SEARCH_H
#define KENMIN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#define SEARCH_VERSION		3
#define SEARCH_TERM_SHARDS	1024
#define SEARCH_FRESH_SHARDS	32
#define SEARCH_FRESH_MAX	200	/* fresh documents, at most */
#define SEARCH_DOC_SHARDS	4096
#define SEARCH_PAGE_SIZE	20
#define SEARCH_MAX_PAGE		50	/* paging stops here (R485) */
#define SEARCH_WORDS_MAX	8	/* words of a query used */
#define SEARCH_WORD_CPS		32	/* code points of a word used */
#define SEARCH_QUERY_MAX	400	/* bytes of the raw query */
#define SEARCH_FACETS_MAX	8
#define SEARCH_FILE_MAX		((size_t)32 * 1024 * 1024)
#define SEARCH_TEXT_CPS		20000	/* code points of body text indexed */
#define SEARCH_SNIPPET_CPS	60	/* code points of the snippet */

/* FNV-1a (32 bit) of s[0..len): picks the term shard. */
uint32_t search_hash(const char *s, size_t len);

/* The doc shard of docno: search_hash of its decimal digits. */
unsigned search_doc_shard(int64_t docno);

/*
 * Call fn(arg, term, termlen) for every term of the normalised text
 * norm: each code point and each pair of adjacent code points within a
 * word.  Terms may repeat.  norm must be valid UTF-8.
 */
void	 search_terms(const char *norm,
	    void (*fn)(void *, const char *, size_t), void *arg);

/*
 * The numbers of a postings line (see above) into a new array of *n;
 * NULL if the line is malformed.
 */
uint64_t *search_nums(const char *line, size_t len, size_t *n);

struct search_hit {
	int64_t		 docno;
	char		*kind;		/* the kind label, Japanese */
	char		*date;		/* YYYY-MM-DD or "" */
	char		*url;
	char		*title;
	char		*snippet;
};

struct search_result {
	size_t			 total;		/* matching documents */
	size_t			 page;		/* 1-based, clamped */
	size_t			 pages;		/* min(needed, SEARCH_MAX_PAGE) */
	struct search_hit	*hits;
	size_t			 hitsz;
	size_t			 words;		/* query words used */
};

/*
 * Run query q (raw user text, may be NULL) with facet terms facets[]
 * (each " F:VALUE") against the index under dir (site_dir), and fill
 * res with page `page` (1-based).  A query with neither words nor
 * facets finds nothing.  1 ok (also when nothing matched), 0 error
 * (printed: unreadable or malformed index).  Free res with
 * search_result_free() in both cases.
 */
int	 search_run(const char *dir, const char *q,
	    const char *const *facets, size_t facetsz, size_t page,
	    struct search_result *res);
void	 search_result_free(struct search_result *);

#endif
