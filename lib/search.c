/*
 * search.c: index terms and the query over the static index files,
 * shared by kenmin-gen (which writes the index) and formsvc (which
 * answers /search without JavaScript); see search.h for the format.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "search.h"
#include "text.h"
#include "util.h"

#define CACHE_MAX	64	/* shard files kept during one query */
#define TERMS_MAX	(SEARCH_WORDS_MAX * SEARCH_WORD_CPS + SEARCH_FACETS_MAX)

/* One shard file read into memory. */
struct shard {
	char		 dir;		/* 't' or 'd' */
	unsigned	 n;
	char		*data;		/* NUL-terminated */
	size_t		 len;
};

/* One posting: a document and whether the term is in its title. */
struct post {
	int64_t		 docno;
	int		 title;
};

/* The postings of one query term. */
struct plist {
	char		 term[SEARCH_WORD_CPS * 4 + 16];
	int		 word;		/* index of its word, -1 for a facet */
	struct post	*p;		/* global order */
	struct post	*byno;		/* sorted by docno */
	size_t		 len;
};

struct qstate {
	const char	*dir;
	struct shard	 cache[CACHE_MAX];
	size_t		 cachesz;
};

/* A match before paging: its docno, title score and global rank. */
struct match {
	int64_t		 docno;
	size_t		 score;
	size_t		 rank;
};

uint32_t
search_hash(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

unsigned
search_doc_shard(int64_t docno)
{
	char	 s[32];
	int	 n;

	n = snprintf(s, sizeof(s), "%lld", (long long)docno);
	return search_hash(s, (size_t)n) % SEARCH_DOC_SHARDS;
}

/* Byte length of the UTF-8 sequence starting with c (1 for junk). */
static size_t
u8len(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

void
search_terms(const char *norm, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char	*p, *q;
	size_t		 a, b;

	for (p = norm; *p != '\0'; p += a) {
		a = u8len((unsigned char)*p);
		if (*p == ' ')
			continue;
		fn(arg, p, a);
		q = p + a;
		if (*q == '\0' || *q == ' ')
			continue;
		b = u8len((unsigned char)*q);
		fn(arg, p, a + b);
	}
}

/*
 * The shard file dir/search/<sub>/NNN.txt, read once per query.
 * Returns NULL for a missing file (no such term), sets *err on a read
 * error.  The memory belongs to st.
 */
static const struct shard *
shard_get(struct qstate *st, char sub, unsigned n, int *err)
{
	struct shard	*s;
	struct buf	 path, data;
	size_t		 i;
	int		 rc;

	for (i = 0; i < st->cachesz; i++)
		if (st->cache[i].dir == sub && st->cache[i].n == n)
			return &st->cache[i];
	buf_init(&path, 4096);
	buf_init(&data, SEARCH_FILE_MAX);
	buf_printf(&path, "%s/search/%c/%03x.txt", st->dir, sub, n);
	if (!buf_ok(&path)) {
		kerr("search: index path too long");
		rc = -1;
	} else
		rc = buf_read_file(&data, path.p);
	buf_free(&path);
	if (rc != 1) {
		*err = rc == -1;
		buf_free(&data);
		return NULL;
	}
	if (st->cachesz == CACHE_MAX) {
		free(st->cache[0].data);
		memmove(&st->cache[0], &st->cache[1],
		    (CACHE_MAX - 1) * sizeof(st->cache[0]));
		st->cachesz--;
	}
	s = &st->cache[st->cachesz++];
	s->dir = sub;
	s->n = n;
	s->len = data.len;
	s->data = buf_take(&data);
	return s;
}

/*
 * The line of shard s whose first field is key (keylen bytes); returns
 * a pointer just past the tab and sets *len to the rest of the line, or
 * NULL if there is none.
 */
static const char *
shard_line(const struct shard *s, const char *key, size_t keylen,
    size_t *len)
{
	const char	*p, *nl, *end = s->data + s->len;

	for (p = s->data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > keylen && p[keylen] == '\t' &&
		    memcmp(p, key, keylen) == 0) {
			*len = (size_t)(nl - p) - keylen - 1;
			return p + keylen + 1;
		}
	}
	return NULL;
}

static int
post_cmp(const void *a, const void *b)
{
	const struct post	*x = a, *y = b;

	return x->docno < y->docno ? -1 : x->docno > y->docno;
}

uint64_t *
search_nums(const char *line, size_t len, size_t *n)
{
	const char	*p, *end = line + len;
	uint64_t	*v, x = 0;
	int		 d;

	for (*n = 0, p = line; p < end; p++)
		if (*p >= '0' + 32)
			(*n)++;
	v = xcalloc(*n + 1, sizeof(v[0]));
	for (*n = 0, p = line; p < end; p++) {
		d = (unsigned char)*p - '0';
		if (d < 0 || d >= 64 || x > (UINT64_MAX >> 6)) {
			free(v);
			return NULL;
		}
		x = (x << 5) | (uint64_t)(d & 31);
		if (d < 32)
			continue;
		v[(*n)++] = x;
		x = 0;
	}
	if (x != 0) {
		free(v);
		return NULL;
	}
	return v;
}

/* The line of term in the shard of sub ('t' or 'n'), or NULL. */
static const char *
term_line(struct qstate *st, char sub, unsigned shards, const char *term,
    size_t *len, int *err)
{
	const struct shard	*s;

	s = shard_get(st, sub, search_hash(term, strlen(term)) % shards, err);
	return s == NULL ? NULL : shard_line(s, term, strlen(term), len);
}

/*
 * Load the postings of pl->term: its line in search/t/ with the fresh
 * documents' postings of search/n/ merged in (each pair's second number
 * says how many of the first line's postings come before it).  1 ok (an
 * unknown term has none), 0 on error (printed).
 */
static int
plist_load(struct qstate *st, struct plist *pl)
{
	const char	*line;
	uint64_t	*b = NULL, *f = NULL;
	size_t		 len, bn = 0, fn = 0, i, k;
	int		 err = 0, ok = 0;

	line = term_line(st, 't', SEARCH_TERM_SHARDS, pl->term, &len, &err);
	if (err)
		goto out;
	if (line != NULL && (b = search_nums(line, len, &bn)) == NULL)
		goto bad;
	line = term_line(st, 'n', SEARCH_FRESH_SHARDS, pl->term, &len, &err);
	if (err)
		goto out;
	if (line != NULL && ((f = search_nums(line, len, &fn)) == NULL ||
	    fn % 2 != 0))
		goto bad;
	/*
	 * Files of two publishes (read while one writes them, or a
	 * browser's cache) can disagree: a count past the line's end or
	 * below the one before is clamped, an order off by a little for
	 * a while rather than a failed search.
	 */
	for (k = 1; k < fn; k += 2)
		if (f[k] > bn)
			f[k] = bn;
		else if (k > 1 && f[k] < f[k - 2])
			f[k] = f[k - 2];
	pl->p = xcalloc(bn + fn / 2 + 1, sizeof(pl->p[0]));
	for (i = k = 0; i < bn || k < fn; ) {
		if (k < fn && f[k + 1] == i) {
			pl->p[pl->len].docno = (int64_t)(f[k] / 2);
			pl->p[pl->len++].title = (int)(f[k] % 2);
			k += 2;
		} else {
			pl->p[pl->len].docno = (int64_t)(b[i] / 2);
			pl->p[pl->len++].title = (int)(b[i] % 2);
			i++;
		}
	}
	pl->byno = xcalloc(pl->len + 1, sizeof(pl->byno[0]));
	memcpy(pl->byno, pl->p, pl->len * sizeof(pl->p[0]));
	qsort(pl->byno, pl->len, sizeof(pl->byno[0]), post_cmp);
	ok = 1;
	goto out;
bad:
	kerr("search: bad postings of \"%s\"", pl->term);
out:
	free(b);
	free(f);
	return ok;
}

static const struct post *
plist_find(const struct plist *pl, int64_t docno)
{
	struct post	 key;

	key.docno = docno;
	key.title = 0;
	return bsearch(&key, pl->byno, pl->len, sizeof(pl->byno[0]),
	    post_cmp);
}

static int
match_cmp(const void *a, const void *b)
{
	const struct match	*x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Add a term (once) for word w; returns 0 when the table is full. */
static int
term_add(struct plist *pl, size_t *plsz, int w, const char *t, size_t len)
{
	size_t	 i;

	if (len >= sizeof(pl[0].term))
		return 1;
	for (i = 0; i < *plsz; i++)
		if (pl[i].word == w && strlen(pl[i].term) == len &&
		    memcmp(pl[i].term, t, len) == 0)
			return 1;
	if (*plsz == TERMS_MAX)
		return 0;
	memcpy(pl[*plsz].term, t, len);
	pl[*plsz].term[len] = '\0';
	pl[*plsz].word = w;
	(*plsz)++;
	return 1;
}

/*
 * Split the normalised query into words and their terms: a word of one
 * code point is its own term, a longer one its adjacent pairs.  Returns
 * the number of words.
 */
static size_t
query_terms(const char *norm, struct plist *pl, size_t *plsz)
{
	const char	*p, *w;
	size_t		 words = 0, cps, a, b;

	p = norm;
	while (*p != '\0' && words < SEARCH_WORDS_MAX) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		w = p;
		for (cps = 0; *p != '\0' && *p != ' '; cps++)
			p += u8len((unsigned char)*p);
		if (cps == 1)
			term_add(pl, plsz, (int)words, w, (size_t)(p - w));
		else {
			for (cps = 0; cps + 1 < SEARCH_WORD_CPS && w < p;
			    cps++) {
				a = u8len((unsigned char)*w);
				if (w + a >= p)
					break;
				b = u8len((unsigned char)w[a]);
				term_add(pl, plsz, (int)words, w, a + b);
				w += a;
			}
		}
		words++;
	}
	return words;
}

/* Split a doc line into its fields; 1 ok, 0 malformed. */
static int
hit_parse(const char *line, size_t len, struct search_hit *h)
{
	char		*f[5];
	const char	*p = line, *t, *end = line + len;
	size_t		 i;

	for (i = 0; i < 5; i++) {
		t = memchr(p, '\t', (size_t)(end - p));
		if (i == 4)
			t = end;
		if (t == NULL)
			break;
		f[i] = xstrndup(p, (size_t)(t - p));
		p = t + 1;
	}
	if (i < 5) {
		while (i > 0)
			free(f[--i]);
		return 0;
	}
	h->kind = f[0];
	h->date = f[1];
	h->url = f[2];
	h->title = f[3];
	h->snippet = f[4];
	return 1;
}

int
search_run(const char *dir, const char *q, const char *const *facets,
    size_t facetsz, size_t page, struct search_result *res)
{
	struct qstate	 st;
	struct plist	*pl = NULL;
	struct match	*m = NULL;
	const struct post *hit;
	const struct plist *base;
	const struct shard *s;
	const char	*line;
	char		*norm = NULL, key[32];
	size_t		 plsz = 0, i, j, w, msz = 0, from, len, tw[SEARCH_WORDS_MAX];
	int		 rc = 0, err = 0, ok;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	st.dir = dir;
	pl = xcalloc(TERMS_MAX, sizeof(pl[0]));
	if (q != NULL && strlen(q) <= SEARCH_QUERY_MAX &&
	    (norm = text_normalize(q)) != NULL)
		res->words = query_terms(norm, pl, &plsz);
	for (i = 0; i < facetsz && i < SEARCH_FACETS_MAX; i++)
		term_add(pl, &plsz, -1, facets[i], strlen(facets[i]));
	res->page = 1;
	if (plsz == 0) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < plsz; i++) {
		if (!plist_load(&st, &pl[i]))
			goto out;
	}
	/* Walk the shortest list: its order is the global order. */
	base = &pl[0];
	for (i = 1; i < plsz; i++)
		if (pl[i].len < base->len)
			base = &pl[i];
	m = xcalloc(base->len + 1, sizeof(m[0]));
	for (j = 0; j < base->len; j++) {
		memset(tw, 0, sizeof(tw));
		for (i = 0, ok = 1; i < plsz && ok; i++) {
			if ((hit = plist_find(&pl[i], base->p[j].docno)) ==
			    NULL)
				ok = 0;
			else if (pl[i].word >= 0 && !hit->title)
				tw[pl[i].word] = 1;	/* not all in title */
		}
		if (!ok)
			continue;
		m[msz].docno = base->p[j].docno;
		m[msz].rank = j;
		for (w = 0; w < res->words; w++)
			if (!tw[w])
				m[msz].score++;
		msz++;
	}
	qsort(m, msz, sizeof(m[0]), match_cmp);
	res->total = msz;
	res->pages = (msz + SEARCH_PAGE_SIZE - 1) / SEARCH_PAGE_SIZE;
	if (res->pages > SEARCH_MAX_PAGE)
		res->pages = SEARCH_MAX_PAGE;
	if (page > res->pages)
		page = res->pages;
	if (page < 1)
		page = 1;
	res->page = page;
	from = (page - 1) * SEARCH_PAGE_SIZE;
	res->hits = xcalloc(SEARCH_PAGE_SIZE, sizeof(res->hits[0]));
	for (j = from; j < msz && j < from + SEARCH_PAGE_SIZE; j++) {
		s = shard_get(&st, 'd', search_doc_shard(m[j].docno), &err);
		snprintf(key, sizeof(key), "%lld", (long long)m[j].docno);
		if (s == NULL ||
		    (line = shard_line(s, key, strlen(key), &len)) == NULL ||
		    !hit_parse(line, len, &res->hits[res->hitsz])) {
			kerr("search: document %s missing from the index",
			    key);
			goto out;
		}
		res->hits[res->hitsz++].docno = m[j].docno;
	}
	rc = 1;
out:
	for (i = 0; i < st.cachesz; i++)
		free(st.cache[i].data);
	for (i = 0; pl != NULL && i < plsz; i++) {
		free(pl[i].p);
		free(pl[i].byno);
	}
	free(pl);
	free(m);
	free(norm);
	return rc;
}

void
search_result_free(struct search_result *res)
{
	size_t	 i;

	if (res == NULL)
		return;
	for (i = 0; i < res->hitsz; i++) {
		free(res->hits[i].kind);
		free(res->hits[i].date);
		free(res->hits[i].url);
		free(res->hits[i].title);
		free(res->hits[i].snippet);
	}
	free(res->hits);
	memset(res, 0, sizeof(*res));
}
