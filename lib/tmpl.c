/*
 * tmpl.c: the template engine: an arena for value trees, a compiler that
 * turns a template into an op list with the escaping of every tag fixed by
 * the HTML around it, and a renderer that walks the op list.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "tmpl.h"
#include "util.h"

#define TCHUNK_SZ	((size_t)64 * 1024)	/* arena chunk */
#define TALIGN		_Alignof(max_align_t)
#define TMPL_SRC_MAX	((size_t)4 * 1024 * 1024) /* one template file */
#define TMPL_NEST_MAX	64	/* sections open at once in one template */
#define TMPL_NAME_MAX	128	/* a variable, section or partial name */
#define TMPL_PART_MAX	32	/* partials inside partials */
#define TMPL_STACK_MAX	1024	/* context stack while rendering */
#define TMPL_STEPS_MAX	100000000UL /* ops one render may run */
#define TMPL_DIR_DEPTH	8	/* sub-directories tmpl_set_load follows */
#define TMPL_MSG_NAME	64	/* bytes of a name quoted in a message */

/* ---- values ---- */

struct tchunk {
	struct tchunk	*next;
	size_t		 sz;
	size_t		 used;
	unsigned char	*p;
};

struct tarena {
	struct tchunk	*head;	/* chunks reused after a reset */
	struct tchunk	*cur;	/* chunk being filled */
	struct tchunk	*big;	/* oversized blocks, freed on reset */
};

enum tvtype {
	TV_STR,
	TV_HTML,
	TV_INT,
	TV_BOOL,
	TV_OBJ,
	TV_LIST,
	TV__MAX
};

struct tkv {
	struct tkv	*next;
	const char	*key;
	size_t		 keysz;
	struct tval	*val;
};

struct titem {
	struct titem	*next;
	struct tval	*val;
};

struct tval {
	struct tarena	*a;
	enum tvtype	 type;
	union {
		struct {
			const char	*p;
			size_t		 sz;
		} s;				/* TV_STR, TV_HTML */
		long long	 i;		/* TV_INT */
		int		 b;		/* TV_BOOL */
		struct tkv	*kv;		/* TV_OBJ */
		struct {
			struct titem	*head;
			struct titem	*tail;
			size_t		 n;
		} l;				/* TV_LIST */
	} u;
};

/* ---- templates ---- */

enum optype {
	OP_TEXT,	/* literal bytes */
	OP_VAR,		/* a value, escaped as op->esc says */
	OP_SECT,	/* section: body is ops [i + 1, end) */
	OP_INV,		/* inverted section */
	OP_PART,	/* partial */
	OP__MAX
};

enum tesc {
	TE_HTML,	/* esc_html */
	TE_URL,		/* esc_url (HTML escaped too) */
	TE_URI,		/* esc_urlcomp, then esc_html */
	TE_JSON,	/* esc_json, inside ld+json */
	TE_JSONHTML,	/* esc_json, then esc_html */
	TE_URIJSON,	/* esc_urlcomp inside ld+json */
	TE_RAW,		/* TV_HTML values only */
	TE__MAX
};

struct top {
	enum optype		 type;
	enum tesc		 esc;
	unsigned int		 line;
	size_t			 off;	/* text or name in tmpl->src */
	size_t			 sz;
	size_t			 end;	/* OP_SECT, OP_INV */
	const struct tmpl	*part;	/* OP_PART, set by tmpl_set_check */
};

struct tmpl {
	char		*name;
	char		*file;
	char		*src;
	struct top	*ops;
	size_t		 opsz;
	size_t		 opmax;
};

struct tmpl_set {
	struct tmpl	**t;
	size_t		  tsz;
	size_t		  tmax;
};

/* ---- the HTML context the compiler follows ---- */

enum hst {
	H_TEXT,		/* element content */
	H_LT,		/* after "<" or "</" */
	H_BANG,		/* after "<!" */
	H_COMMENT,	/* <!-- … --> */
	H_DECL,		/* <!DOCTYPE …>, <?…>, bogus comments */
	H_TAGNAME,
	H_TAG,		/* between attributes */
	H_ATTRNAME,
	H_AFTERATTR,	/* after an attribute name */
	H_BEFOREVAL,	/* after "=" */
	H_VALQ,		/* quoted attribute value */
	H_VALUQ,	/* unquoted attribute value */
	H_RAW,		/* script, style, title, textarea content */
	H_RAWEND,	/* "</script" seen, one more byte decides */
	H__MAX
};

enum hraw {
	RAW_NONE,
	RAW_SCRIPT,
	RAW_STYLE,
	RAW_TITLE,
	RAW_TEXTAREA,
	RAW__MAX
};

static const char *const rawnames[RAW__MAX] = {
	"",		/* RAW_NONE */
	"script",	/* RAW_SCRIPT */
	"style",	/* RAW_STYLE */
	"title",	/* RAW_TITLE */
	"textarea",	/* RAW_TEXTAREA */
};

struct hctx {
	enum hst	 st;
	enum hraw	 raw;		/* H_RAW, H_RAWEND */
	int		 json;		/* H_RAW script is ld+json */
	int		 endtag;	/* tag is "</…" */
	char		 quote;		/* H_VALQ */
	int		 dash;		/* H_BANG, H_COMMENT */
	size_t		 rawm;		/* H_RAW: bytes of "</name" matched */
	char		 tag[12];	/* lower case, truncated */
	size_t		 tagsz;		/* full length */
	char		 attr[16];
	size_t		 attrsz;
	char		 type[24];	/* script type="…" */
	size_t		 typesz;
	int		 typeseen;
	int		 typebad;	/* type unknown at compile time */
	int		 intype;
	/* Not part of the compared state: */
	int		 url_lit;	/* URL value has a literal byte */
	int		 url_var;	/* a variable may start the URL */
	unsigned int	 depth;		/* sections open */
	unsigned int	 tagdepth;	/* sections open at "<" */
};

/* ---- arena ---- */

struct tarena *
tarena_new(void)
{
	return xcalloc(1, sizeof(struct tarena));
}

static void
chunks_free(struct tchunk *c)
{
	struct tchunk	*next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c->p);
		free(c);
	}
}

void
tarena_reset(struct tarena *a)
{
	struct tchunk	*c;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = c->next)
		c->used = 0;
	a->cur = a->head;
	chunks_free(a->big);
	a->big = NULL;
}

void
tarena_free(struct tarena *a)
{
	if (a == NULL)
		return;
	chunks_free(a->head);
	chunks_free(a->big);
	free(a);
}

static struct tchunk *
chunk_new(size_t sz)
{
	struct tchunk	*c;

	c = xcalloc(1, sizeof(*c));
	c->p = xmalloc(sz);
	c->sz = sz;
	return c;
}

/*
 * Return n bytes aligned for any type, owned by the arena until the next
 * reset.  Blocks larger than a quarter chunk get a block of their own.
 */
static void *
ta_alloc(struct tarena *a, size_t n)
{
	struct tchunk	*c;

	if (n > SIZE_MAX - TALIGN)
		n = SIZE_MAX;	/* xmalloc fails and exits */
	else
		n = (n + TALIGN - 1) & ~(TALIGN - 1);
	if (n > TCHUNK_SZ / 4) {
		c = chunk_new(n);
		c->used = n;
		c->next = a->big;
		a->big = c;
		return c->p;
	}
	if (a->cur == NULL) {
		if (a->head == NULL)
			a->head = chunk_new(TCHUNK_SZ);
		a->cur = a->head;
	}
	while (a->cur->sz - a->cur->used < n) {
		if (a->cur->next == NULL)
			a->cur->next = chunk_new(TCHUNK_SZ);
		a->cur = a->cur->next;
	}
	c = a->cur;
	c->used += n;
	return c->p + c->used - n;
}

/* A NUL-terminated copy of s[0..n) in the arena. */
static const char *
ta_strn(struct tarena *a, const char *s, size_t n)
{
	char	*p;

	p = ta_alloc(a, n == SIZE_MAX ? n : n + 1);
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static struct tval *
tv_new(struct tarena *a, enum tvtype type)
{
	struct tval	*v;

	v = ta_alloc(a, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->a = a;
	v->type = type;
	return v;
}

struct tval *
tv_obj(struct tarena *a)
{
	return tv_new(a, TV_OBJ);
}

struct tval *
tv_list(struct tarena *a)
{
	return tv_new(a, TV_LIST);
}

/* Bind key to v in obj, replacing an earlier binding of the key. */
void
tv_set(struct tval *obj, const char *key, struct tval *v)
{
	struct tkv	*kv;
	size_t		 keysz;

	if (obj == NULL || obj->type != TV_OBJ || key == NULL || v == NULL)
		return;
	keysz = strlen(key);
	for (kv = obj->u.kv; kv != NULL; kv = kv->next)
		if (kv->keysz == keysz && memcmp(kv->key, key, keysz) == 0) {
			kv->val = v;
			return;
		}
	kv = ta_alloc(obj->a, sizeof(*kv));
	kv->key = ta_strn(obj->a, key, keysz);
	kv->keysz = keysz;
	kv->val = v;
	kv->next = obj->u.kv;
	obj->u.kv = kv;
}

static struct tval *
tv_strn(struct tarena *a, enum tvtype type, const char *s, size_t n)
{
	struct tval	*v;

	v = tv_new(a, type);
	if (s == NULL)
		n = 0;
	v->u.s.p = ta_strn(a, s, n);
	v->u.s.sz = n;
	return v;
}

void
tv_set_strn(struct tval *obj, const char *key, const char *s, size_t n)
{
	if (obj == NULL || obj->type != TV_OBJ)
		return;
	tv_set(obj, key, tv_strn(obj->a, TV_STR, s, n));
}

void
tv_set_str(struct tval *obj, const char *key, const char *s)
{
	tv_set_strn(obj, key, s, s == NULL ? 0 : strlen(s));
}

void
tv_set_html(struct tval *obj, const char *key, const char *html)
{
	if (obj == NULL || obj->type != TV_OBJ)
		return;
	tv_set(obj, key, tv_strn(obj->a, TV_HTML, html,
	    html == NULL ? 0 : strlen(html)));
}

void
tv_set_int(struct tval *obj, const char *key, long long i)
{
	struct tval	*v;

	if (obj == NULL || obj->type != TV_OBJ)
		return;
	v = tv_new(obj->a, TV_INT);
	v->u.i = i;
	tv_set(obj, key, v);
}

void
tv_set_bool(struct tval *obj, const char *key, int b)
{
	struct tval	*v;

	if (obj == NULL || obj->type != TV_OBJ)
		return;
	v = tv_new(obj->a, TV_BOOL);
	v->u.b = b != 0;
	tv_set(obj, key, v);
}

void
tv_push(struct tval *list, struct tval *v)
{
	struct titem	*it;

	if (list == NULL || list->type != TV_LIST || v == NULL)
		return;
	it = ta_alloc(list->a, sizeof(*it));
	it->next = NULL;
	it->val = v;
	if (list->u.l.tail == NULL)
		list->u.l.head = it;
	else
		list->u.l.tail->next = it;
	list->u.l.tail = it;
	list->u.l.n++;
}

/* Append a new empty object to list and return it (NULL if not a list). */
struct tval *
tv_push_obj(struct tval *list)
{
	struct tval	*v;

	if (list == NULL || list->type != TV_LIST)
		return NULL;
	v = tv_obj(list->a);
	tv_push(list, v);
	return v;
}

void
tv_push_str(struct tval *list, const char *s)
{
	if (list == NULL || list->type != TV_LIST)
		return;
	tv_push(list, tv_strn(list->a, TV_STR, s, s == NULL ? 0 : strlen(s)));
}

size_t
tv_len(const struct tval *list)
{
	if (list == NULL || list->type != TV_LIST)
		return 0;
	return list->u.l.n;
}

/* ---- HTML context ---- */

static int
h_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static unsigned char
h_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int
h_tagis(const struct hctx *h, const char *name)
{
	size_t	 sz = strlen(name);

	return h->tagsz == sz && memcmp(h->tag, name, sz) == 0;
}

static int
h_attris(const struct hctx *h, const char *name)
{
	size_t	 sz = strlen(name);

	return h->attrsz == sz && memcmp(h->attr, name, sz) == 0;
}

static void
h_tagchar(struct hctx *h, unsigned char c)
{
	if (h->tagsz < sizeof(h->tag))
		h->tag[h->tagsz] = (char)h_lower(c);
	if (h->tagsz < SIZE_MAX)
		h->tagsz++;
}

static void
h_attrchar(struct hctx *h, unsigned char c)
{
	if (h->attrsz < sizeof(h->attr))
		h->attr[h->attrsz] = (char)h_lower(c);
	if (h->attrsz < SIZE_MAX)
		h->attrsz++;
}

/* Forget everything about the tag just ended. */
static void
h_tagreset(struct hctx *h)
{
	h->endtag = 0;
	h->quote = 0;
	h->tagsz = h->attrsz = h->typesz = 0;
	h->typeseen = h->typebad = h->intype = 0;
	h->url_lit = h->url_var = 0;
}

/* The ">" of a tag: script and friends switch to raw text. */
static void
h_endoftag(struct hctx *h)
{
	static const char	 ldjson[] = "application/ld+json";
	enum hraw		 r;
	size_t			 b, e;

	h->st = H_TEXT;
	if (!h->endtag)
		for (r = RAW_SCRIPT; r < RAW__MAX; r++)
			if (h_tagis(h, rawnames[r])) {
				h->st = H_RAW;
				h->raw = r;
				h->rawm = 0;
				break;
			}
	h->json = 0;
	if (h->st == H_RAW && h->raw == RAW_SCRIPT &&
	    h->typeseen == 1 && !h->typebad &&
	    h->typesz <= sizeof(h->type)) {
		b = 0;
		e = h->typesz;
		while (b < e && h_space((unsigned char)h->type[b]))
			b++;
		while (e > b && h_space((unsigned char)h->type[e - 1]))
			e--;
		h->json = e - b == sizeof(ldjson) - 1 &&
		    memcmp(h->type + b, ldjson, e - b) == 0;
	}
	h_tagreset(h);
}

static void
h_beginval(struct hctx *h)
{
	h->url_lit = h->url_var = 0;
	if (h_tagis(h, "script") && h_attris(h, "type")) {
		h->intype = 1;
		h->typeseen++;
		h->typesz = 0;
		if (h->depth != h->tagdepth)
			h->typebad = 1;
	}
}

static void
h_valchar(struct hctx *h, unsigned char c)
{
	if (!h_space(c))
		h->url_lit = 1;
	if (h->intype) {
		if (h->typesz < sizeof(h->type))
			h->type[h->typesz] = (char)h_lower(c);
		if (h->typesz < SIZE_MAX)
			h->typesz++;
	}
}

static void
h_endval(struct hctx *h)
{
	h->intype = 0;
	h->attrsz = 0;
	h->quote = 0;
	h->url_lit = h->url_var = 0;
	h->st = H_TAG;
}

/* Follow literal template text through the HTML tokenizer states. */
static void
h_feed(struct hctx *h, const char *p, size_t n)
{
	const char	*want;
	size_t		 i, wantsz;
	unsigned char	 c, w;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		switch (h->st) {
		case H_TEXT:
			if (c == '<') {
				h_tagreset(h);
				h->tagdepth = h->depth;
				h->st = H_LT;
			}
			break;
		case H_LT:
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				h->st = H_TAGNAME;
				h_tagchar(h, c);
			} else if (c == '/' && !h->endtag)
				h->endtag = 1;
			else if (c == '!' && !h->endtag) {
				h->st = H_BANG;
				h->dash = 0;
			} else if (c == '?' || (h->endtag && c != '>'))
				h->st = H_DECL;
			else if (c != '<') {
				h->st = H_TEXT;
				h_tagreset(h);
			} else
				h->endtag = 0;
			break;
		case H_BANG:
			if (c == '-' && ++h->dash == 2) {
				h->st = H_COMMENT;
				h->dash = 0;
			} else if (c != '-') {
				h->dash = 0;
				h->st = c == '>' ? H_TEXT : H_DECL;
			}
			break;
		case H_COMMENT:
			if (c == '-')
				h->dash++;
			else if (c == '>' && h->dash >= 2) {
				h->st = H_TEXT;
				h->dash = 0;
			} else
				h->dash = 0;
			break;
		case H_DECL:
			if (c == '>')
				h->st = H_TEXT;
			break;
		case H_TAGNAME:
			if (h_space(c) || c == '/')
				h->st = H_TAG;
			else if (c == '>')
				h_endoftag(h);
			else
				h_tagchar(h, c);
			break;
		case H_TAG:
			if (c == '>')
				h_endoftag(h);
			else if (!h_space(c) && c != '/') {
				h->st = H_ATTRNAME;
				h->attrsz = 0;
				h_attrchar(h, c);
			}
			break;
		case H_ATTRNAME:
			if (h_space(c))
				h->st = H_AFTERATTR;
			else if (c == '/')
				h->st = H_TAG;
			else if (c == '=')
				h->st = H_BEFOREVAL;
			else if (c == '>')
				h_endoftag(h);
			else
				h_attrchar(h, c);
			break;
		case H_AFTERATTR:
			if (c == '/')
				h->st = H_TAG;
			else if (c == '=')
				h->st = H_BEFOREVAL;
			else if (c == '>')
				h_endoftag(h);
			else if (!h_space(c)) {
				h->st = H_ATTRNAME;
				h->attrsz = 0;
				h_attrchar(h, c);
			}
			break;
		case H_BEFOREVAL:
			if (c == '"' || c == '\'') {
				h->st = H_VALQ;
				h->quote = (char)c;
				h_beginval(h);
			} else if (c == '>')
				h_endoftag(h);
			else if (!h_space(c)) {
				h->st = H_VALUQ;
				h_beginval(h);
				h_valchar(h, c);
			}
			break;
		case H_VALQ:
			if (c == (unsigned char)h->quote)
				h_endval(h);
			else
				h_valchar(h, c);
			break;
		case H_VALUQ:
			if (h_space(c))
				h_endval(h);
			else if (c == '>') {
				h_endval(h);
				h_endoftag(h);
			} else
				h_valchar(h, c);
			break;
		case H_RAW:
			want = rawnames[h->raw];
			wantsz = strlen(want);
			w = h->rawm == 0 ? '<' : h->rawm == 1 ? '/' :
			    (unsigned char)want[h->rawm - 2];
			if (h_lower(c) == w) {
				if (++h->rawm == wantsz + 2)
					h->st = H_RAWEND;
			} else
				h->rawm = c == '<' ? 1 : 0;
			break;
		case H_RAWEND:
			if (h_space(c) || c == '/' || c == '>') {
				h_tagreset(h);
				h->endtag = 1;
				h->tagdepth = h->depth;
				h->raw = RAW_NONE;
				h->rawm = 0;
				h->json = 0;
				if (c == '>')
					h_endoftag(h);
				else
					h->st = H_TAG;
			} else {
				h->st = H_RAW;
				h->rawm = c == '<' ? 1 : 0;
			}
			break;
		default:
			break;
		}
	}
}

/*
 * At a section boundary "in an attribute name" and "between attributes"
 * are the same place: the section may or may not add a name.
 */
static void
h_norm(struct hctx *h)
{
	if (h->st == H_ATTRNAME || h->st == H_AFTERATTR) {
		h->st = H_TAG;
		h->attrsz = 0;
	}
}

static size_t
h_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Whether two (normalised) contexts escape a variable the same way. */
static int
h_same(const struct hctx *a, const struct hctx *b)
{
	return a->st == b->st && a->raw == b->raw && a->json == b->json &&
	    a->endtag == b->endtag && a->quote == b->quote &&
	    a->dash == b->dash && a->rawm == b->rawm &&
	    a->tagsz == b->tagsz &&
	    memcmp(a->tag, b->tag, h_min(a->tagsz, sizeof(a->tag))) == 0 &&
	    a->attrsz == b->attrsz &&
	    memcmp(a->attr, b->attr, h_min(a->attrsz, sizeof(a->attr))) == 0 &&
	    a->intype == b->intype && a->typeseen == b->typeseen &&
	    a->typebad == b->typebad && a->typesz == b->typesz &&
	    memcmp(a->type, b->type, h_min(a->typesz, sizeof(a->type))) == 0;
}

/* What a template that ends in this state is still inside of. */
static const char *
h_where(const struct hctx *h)
{
	switch (h->st) {
	case H_COMMENT:
		return "an HTML comment";
	case H_BANG:
	case H_DECL:
		return "a <!...> declaration";
	case H_RAW:
	case H_RAWEND:
		switch (h->raw) {
		case RAW_SCRIPT:
			return "<script>";
		case RAW_STYLE:
			return "<style>";
		case RAW_TITLE:
			return "<title>";
		default:
			return "<textarea>";
		}
	default:
		return "a tag";
	}
}

/* ---- compiler ---- */

struct csec {
	size_t		 op;
	size_t		 off;	/* name */
	size_t		 sz;
	unsigned int	 line;
	struct hctx	 h;	/* context at the open tag */
};

struct comp {
	struct tmpl	*t;
	struct hctx	 h;
	struct csec	 sec[TMPL_NEST_MAX];
	size_t		 nsec;
};

enum tagkind {
	TK_VAR,
	TK_RAW,
	TK_SECT,
	TK_INV,
	TK_CLOSE,
	TK_PART,
	TK_COMMENT,
	TK__MAX
};

static int
msgsz(size_t sz)
{
	return (int)h_min(sz, TMPL_MSG_NAME);
}

static struct top *
op_add(struct tmpl *t, enum optype type, unsigned int line,
    size_t off, size_t sz)
{
	struct top	*op;

	if (t->opsz == t->opmax) {
		t->opmax = t->opmax == 0 ? 32 : t->opmax * 2;
		t->ops = xrealloc(t->ops, t->opmax * sizeof(*t->ops));
	}
	op = &t->ops[t->opsz++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->line = line;
	op->off = off;
	op->sz = sz;
	return op;
}

static void
text_add(struct comp *c, unsigned int line, size_t off, size_t sz)
{
	if (sz == 0)
		return;
	op_add(c->t, OP_TEXT, line, off, sz);
	h_feed(&c->h, c->t->src + off, sz);
}

static unsigned int
count_nl(const char *p, size_t sz)
{
	unsigned int	 n = 0;
	const char	*q, *e = p + sz;

	while (p < e && (q = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p = q + 1;
	}
	return n;
}

static int
name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* "." or dot-separated non-empty segments of [A-Za-z0-9_-]. */
static int
name_ok(const char *p, size_t sz)
{
	size_t	 i, seg = 0;

	if (sz == 1 && p[0] == '.')
		return 1;
	if (sz == 0 || sz > TMPL_NAME_MAX)
		return 0;
	for (i = 0; i < sz; i++) {
		if (p[i] == '.') {
			if (seg == 0)
				return 0;
			seg = 0;
		} else if (name_char((unsigned char)p[i]))
			seg++;
		else
			return 0;
	}
	return seg > 0;
}

/* A partial is named like a path under the theme: a/b-c_d.e */
static int
partname_ok(const char *p, size_t sz)
{
	size_t	 i;

	if (sz == 0 || sz > TMPL_NAME_MAX || p[0] == '/' || p[0] == '.')
		return 0;
	for (i = 0; i < sz; i++)
		if (!name_char((unsigned char)p[i]) && p[i] != '/' &&
		    p[i] != '.')
			return 0;
	return 1;
}

static void
trim(const char *src, size_t *off, size_t *sz)
{
	while (*sz > 0 && (src[*off] == ' ' || src[*off] == '\t')) {
		(*off)++;
		(*sz)--;
	}
	while (*sz > 0 &&
	    (src[*off + *sz - 1] == ' ' || src[*off + *sz - 1] == '\t'))
		(*sz)--;
}

/* Find "}}" (or "}}}") from p; stop at a newline unless multi-line. */
static const char *
find_close(const char *p, const char *close, int multiline)
{
	const char	*q;

	if (multiline)
		return strstr(p, close);
	for (q = p; *q != '\0' && *q != '\n'; q++)
		if (strncmp(q, close, strlen(close)) == 0)
			return q;
	return NULL;
}

/*
 * The escaping for a variable in the current context, or -1 after
 * reporting why no variable may stand here.  filt is "" or the filter.
 */
static int
var_esc(struct comp *c, unsigned int line, const char *filt, size_t filtsz,
    int raw)
{
	struct hctx	*h = &c->h;
	const char	*file = c->t->file;
	int		 f;	/* 0 none, 1 url, 2 uri, 3 json */

	if (filtsz == 0)
		f = 0;
	else if (filtsz == 3 && memcmp(filt, "url", 3) == 0)
		f = 1;
	else if (filtsz == 3 && memcmp(filt, "uri", 3) == 0)
		f = 2;
	else if (filtsz == 4 && memcmp(filt, "json", 4) == 0)
		f = 3;
	else {
		kerr("%s:%u: unknown filter \"%.*s\"", file, line,
		    msgsz(filtsz), filt);
		return -1;
	}

	switch (h->st) {
	case H_TEXT:
		if (raw)
			return TE_RAW;
		break;
	case H_COMMENT:
		break;
	case H_RAW:
	case H_RAWEND:
		if (h->raw == RAW_SCRIPT && !h->json) {
			kerr("%s:%u: variable inside <script>", file, line);
			return -1;
		}
		if (h->raw == RAW_STYLE) {
			kerr("%s:%u: variable inside <style>", file, line);
			return -1;
		}
		if (h->raw == RAW_SCRIPT && !raw) {
			if (f == 1) {
				kerr("%s:%u: filter \"url\" inside JSON",
				    file, line);
				return -1;
			}
			return f == 2 ? TE_URIJSON : TE_JSON;
		}
		break;
	case H_VALQ:
		if (raw)
			break;
		if ((h->attrsz > 2 && memcmp(h->attr, "on", 2) == 0) ||
		    h_attris(h, "style") || h_attris(h, "srcdoc")) {
			kerr("%s:%u: variable in attribute \"%.*s\"", file,
			    line, (int)h_min(h->attrsz, sizeof(h->attr)),
			    h->attr);
			return -1;
		}
		if (h->intype)
			h->typebad = 1;
		if ((h_attris(h, "href") || h_attris(h, "src") ||
		    h_attris(h, "action") || h_attris(h, "formaction")) &&
		    !h->url_lit) {
			if (h->url_var) {
				kerr("%s:%u: variable follows another "
				    "variable at the start of a URL",
				    file, line);
				return -1;
			}
			h->url_var = 1;
			if (f == 3) {
				kerr("%s:%u: filter \"json\" at the start "
				    "of a URL", file, line);
				return -1;
			}
			return f == 2 ? TE_URI : TE_URL;
		}
		break;
	case H_BEFOREVAL:
	case H_VALUQ:
		kerr("%s:%u: variable in unquoted attribute value",
		    file, line);
		return -1;
	case H_BANG:
	case H_DECL:
		kerr("%s:%u: variable inside <!...>", file, line);
		return -1;
	default:
		kerr("%s:%u: variable in a tag or attribute name",
		    file, line);
		return -1;
	}
	if (raw) {
		kerr("%s:%u: raw tag outside HTML text", file, line);
		return -1;
	}
	switch (f) {
	case 1:
		return TE_URL;
	case 2:
		return TE_URI;
	case 3:
		return TE_JSONHTML;
	default:
		return TE_HTML;
	}
}

/* Handle one parsed tag; 1 ok, 0 error (printed). */
static int
tag_do(struct comp *c, enum tagkind kind, unsigned int line,
    size_t off, size_t sz)
{
	struct tmpl	*t = c->t;
	const char	*src = t->src, *bar;
	struct csec	*s;
	struct top	*op;
	size_t		 fo = 0, fsz = 0;
	int		 esc;

	if (kind == TK_COMMENT)
		return 1;
	if (sz == 0) {
		kerr("%s:%u: empty tag", t->file, line);
		return 0;
	}
	if (kind == TK_VAR || kind == TK_RAW) {
		if ((bar = memchr(src + off, '|', sz)) != NULL) {
			fo = (size_t)(bar - src) + 1;
			fsz = off + sz - fo;
			sz = (size_t)(bar - src) - off;
			trim(src, &off, &sz);
			trim(src, &fo, &fsz);
			if (kind == TK_RAW) {
				kerr("%s:%u: filter on a raw tag",
				    t->file, line);
				return 0;
			}
		}
	}
	if (kind == TK_PART ? !partname_ok(src + off, sz) :
	    !name_ok(src + off, sz)) {
		kerr("%s:%u: bad name \"%.*s\"", t->file, line,
		    msgsz(sz), src + off);
		return 0;
	}

	switch (kind) {
	case TK_VAR:
	case TK_RAW:
		if ((esc = var_esc(c, line, src + fo, fsz,
		    kind == TK_RAW)) < 0)
			return 0;
		op = op_add(t, OP_VAR, line, off, sz);
		op->esc = (enum tesc)esc;
		return 1;
	case TK_SECT:
	case TK_INV:
		if (c->nsec == TMPL_NEST_MAX) {
			kerr("%s:%u: sections nested deeper than %d",
			    t->file, line, TMPL_NEST_MAX);
			return 0;
		}
		h_norm(&c->h);
		s = &c->sec[c->nsec++];
		s->op = t->opsz;
		s->off = off;
		s->sz = sz;
		s->line = line;
		s->h = c->h;
		c->h.depth++;
		op_add(t, kind == TK_SECT ? OP_SECT : OP_INV, line, off, sz);
		return 1;
	case TK_CLOSE:
		if (c->nsec == 0) {
			kerr("%s:%u: close \"%.*s\" without an open "
			    "section", t->file, line, msgsz(sz), src + off);
			return 0;
		}
		s = &c->sec[c->nsec - 1];
		if (s->sz != sz || memcmp(src + s->off, src + off, sz) != 0) {
			kerr("%s:%u: close \"%.*s\" does not match section "
			    "\"%.*s\" opened on line %u", t->file, line,
			    msgsz(sz), src + off, msgsz(s->sz),
			    src + s->off, s->line);
			return 0;
		}
		h_norm(&c->h);
		if (!h_same(&s->h, &c->h)) {
			kerr("%s:%u: section \"%.*s\" ends in another HTML "
			    "context than it starts (line %u)", t->file,
			    line, msgsz(sz), src + off, s->line);
			return 0;
		}
		/* The body may not run: keep only what held before it. */
		c->h.url_lit = s->h.url_lit;
		c->h.url_var = s->h.url_var || c->h.url_var;
		c->h.depth = s->h.depth;
		t->ops[s->op].end = t->opsz;
		c->nsec--;
		return 1;
	case TK_PART:
		if (c->h.st != H_TEXT) {
			kerr("%s:%u: partial outside HTML text",
			    t->file, line);
			return 0;
		}
		op_add(t, OP_PART, line, off, sz);
		return 1;
	default:
		return 1;
	}
}

static void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->file);
	free(t->src);
	free(t->ops);
	free(t);
}

static struct tmpl *
set_find(const struct tmpl_set *set, const char *name, size_t sz)
{
	size_t	 i;

	for (i = 0; i < set->tsz; i++)
		if (strncmp(set->t[i]->name, name, sz) == 0 &&
		    set->t[i]->name[sz] == '\0')
			return set->t[i];
	return NULL;
}

/*
 * Compile src into t->ops.  1 ok, 0 on the first error (printed).
 */
static int
compile(struct tmpl *t)
{
	struct comp	*c;
	const char	*src = t->src, *p, *q, *close;
	enum tagkind	 kind;
	size_t		 pos = 0, ts, te, io, isz, ls, next;
	unsigned int	 line = 1, tline;
	int		 rc = 0, standalone;

	c = xcalloc(1, sizeof(*c));
	c->t = t;
	c->h.st = H_TEXT;

	while ((p = strstr(src + pos, "{{")) != NULL) {
		ts = (size_t)(p - src);
		tline = line + count_nl(src + pos, ts - pos);
		p += 2;
		close = "}}";
		if (*p == '{') {
			kind = TK_RAW;
			p++;
			close = "}}}";
		} else
			switch (*p) {
			case '#':
				kind = TK_SECT;
				p++;
				break;
			case '^':
				kind = TK_INV;
				p++;
				break;
			case '/':
				kind = TK_CLOSE;
				p++;
				break;
			case '>':
				kind = TK_PART;
				p++;
				break;
			case '!':
				kind = TK_COMMENT;
				p++;
				break;
			case '=':
				kerr("%s:%u: set-delimiter tags are not "
				    "supported", t->file, tline);
				goto out;
			case '&':
			case '<':
			case '$':
			case '%':
			case '@':
			case '?':
			case '*':
			case '+':
			case '~':
			case ':':
			case ';':
				kerr("%s:%u: unknown tag \"{{%c\"",
				    t->file, tline, *p);
				goto out;
			default:
				kind = TK_VAR;
				break;
			}
		if ((q = find_close(p, close, kind == TK_COMMENT)) == NULL) {
			kerr("%s:%u: unterminated tag", t->file, tline);
			goto out;
		}
		io = (size_t)(p - src);
		isz = (size_t)(q - p);
		te = (size_t)(q - src) + strlen(close);
		trim(src, &io, &isz);

		/* A block tag alone on its line takes the line with it. */
		standalone = 0;
		ls = ts;
		next = te;
		if (kind != TK_VAR && kind != TK_RAW) {
			while (ls > pos && (src[ls - 1] == ' ' ||
			    src[ls - 1] == '\t'))
				ls--;
			if (ls == 0 || src[ls - 1] == '\n') {
				while (src[next] == ' ' || src[next] == '\t')
					next++;
				if (src[next] == '\r' && src[next + 1] == '\n')
					next += 2;
				else if (src[next] == '\n')
					next++;
				else if (src[next] != '\0')
					next = 0;
				standalone = next != 0;
			}
			if (!standalone) {
				ls = ts;
				next = te;
			}
		}
		text_add(c, line, pos, ls - pos);
		if (!tag_do(c, kind, tline, io, isz))
			goto out;
		line = tline + count_nl(src + ts, next - ts);
		pos = next;
	}
	text_add(c, line, pos, strlen(src + pos));
	line += count_nl(src + pos, strlen(src + pos));
	if (c->nsec > 0) {
		kerr("%s:%u: unclosed section \"%.*s\"", t->file,
		    c->sec[c->nsec - 1].line, msgsz(c->sec[c->nsec - 1].sz),
		    src + c->sec[c->nsec - 1].off);
		goto out;
	}
	if (c->h.st != H_TEXT) {
		kerr("%s:%u: template ends inside %s", t->file, line,
		    h_where(&c->h));
		goto out;
	}
	rc = 1;
out:
	free(c);
	return rc;
}

struct tmpl_set *
tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->tsz; i++)
		tmpl_free(set->t[i]);
	free(set->t);
	free(set);
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    const char *file)
{
	struct tmpl	*t;
	size_t		 len;

	if (file == NULL)
		file = name;
	len = strlen(src);
	if (len > TMPL_SRC_MAX) {
		kerr("%s:1: template larger than %zu bytes", file,
		    TMPL_SRC_MAX);
		return 0;
	}
	if (set_find(set, name, strlen(name)) != NULL) {
		kerr("%s:1: template \"%s\" defined twice", file, name);
		return 0;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->file = xstrdup(file);
	t->src = xstrndup(src, len);
	if (!compile(t)) {
		tmpl_free(t);
		return 0;
	}
	if (set->tsz == set->tmax) {
		set->tmax = set->tmax == 0 ? 16 : set->tmax * 2;
		set->t = xrealloc(set->t, set->tmax * sizeof(*set->t));
	}
	set->t[set->tsz++] = t;
	return 1;
}

/* Resolve every partial; 1 if all exist, else 0 (each one printed). */
int
tmpl_set_check(struct tmpl_set *set)
{
	struct tmpl	*t;
	struct top	*op;
	size_t		 i, j;
	int		 rc = 1;

	for (i = 0; i < set->tsz; i++) {
		t = set->t[i];
		for (j = 0; j < t->opsz; j++) {
			op = &t->ops[j];
			if (op->type != OP_PART)
				continue;
			op->part = set_find(set, t->src + op->off, op->sz);
			if (op->part == NULL) {
				kerr("%s:%u: partial \"%.*s\" not found",
				    t->file, op->line, msgsz(op->sz),
				    t->src + op->off);
				rc = 0;
			}
		}
	}
	return rc;
}

/*
 * Read a whole template file; the caller frees the result.  NULL on
 * error (printed).
 */
static char *
read_file(const char *path)
{
	FILE	*f;
	char	*p = NULL;
	size_t	 sz = 0, n;
	int	 ok = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		kerr("%s: %s", path, strerror(errno));
		return NULL;
	}
	p = xmalloc(TMPL_SRC_MAX + 2);
	while ((n = fread(p + sz, 1, TMPL_SRC_MAX + 1 - sz, f)) > 0)
		sz += n;
	if (ferror(f))
		kerr("%s: %s", path, strerror(errno));
	else if (sz > TMPL_SRC_MAX)
		kerr("%s: larger than %zu bytes", path, TMPL_SRC_MAX);
	else if (memchr(p, '\0', sz) != NULL)
		kerr("%s: contains a NUL byte", path);
	else
		ok = 1;
	fclose(f);
	if (!ok) {
		free(p);
		return NULL;
	}
	p[sz] = '\0';
	return p;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Add every *.html below base/rel (rel "" at the top) in name order.
 * 1 ok, 0 if anything failed (all printed, the walk goes on).
 */
/* 1 if name is in the NULL-terminated list skip (which may be NULL). */
static int
skipped(const char *const *skip, const char *name)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, name) == 0)
			return 1;
	return 0;
}

static int
load_dir(struct tmpl_set *set, const char *base, const char *rel, int depth,
    const char *const *skip)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	struct buf	 dir, path, name;
	char		**ents = NULL, *src;
	size_t		 nents = 0, maxents = 0, i, sz;
	int		 rc = 1;

	buf_init(&dir, 4096);
	buf_init(&path, 4096);
	buf_init(&name, 4096);
	buf_puts(&dir, base);
	if (*rel != '\0')
		buf_printf(&dir, "/%s", rel);
	if (!buf_ok(&dir)) {
		kerr("%s: path too long", base);
		rc = 0;
		goto out;
	}
	if ((d = opendir(buf_str(&dir))) == NULL) {
		kerr("%s: %s", buf_str(&dir), strerror(errno));
		rc = 0;
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nents == maxents) {
			maxents = maxents == 0 ? 32 : maxents * 2;
			ents = xrealloc(ents, maxents * sizeof(*ents));
		}
		ents[nents++] = xstrdup(de->d_name);
	}
	if (nents > 0)
		qsort(ents, nents, sizeof(*ents), cmpstr);

	for (i = 0; i < nents; i++) {
		buf_reset(&path);
		buf_reset(&name);
		buf_printf(&path, "%s/%s", buf_str(&dir), ents[i]);
		if (*rel != '\0')
			buf_printf(&name, "%s/", rel);
		buf_puts(&name, ents[i]);
		if (!buf_ok(&path) || !buf_ok(&name)) {
			kerr("%s: path too long", buf_str(&dir));
			rc = 0;
			continue;
		}
		if (stat(buf_str(&path), &st) == -1) {
			kerr("%s: %s", buf_str(&path), strerror(errno));
			rc = 0;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth == 0 && skipped(skip, ents[i]))
				continue;
			if (depth >= TMPL_DIR_DEPTH) {
				kerr("%s: directories nested too deeply",
				    buf_str(&path));
				rc = 0;
			} else if (!load_dir(set, base, buf_str(&name),
			    depth + 1, skip))
				rc = 0;
		} else if (S_ISREG(st.st_mode) &&
		    (sz = strlen(ents[i])) > 5 &&
		    strcmp(ents[i] + sz - 5, ".html") == 0) {
			if ((src = read_file(buf_str(&path))) == NULL) {
				rc = 0;
				continue;
			}
			name.p[name.len - 5] = '\0';
			if (!tmpl_set_add(set, name.p, src, buf_str(&path)))
				rc = 0;
			free(src);
		}
	}
out:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	buf_free(&dir);
	buf_free(&path);
	buf_free(&name);
	return rc;
}

struct tmpl_set *
tmpl_set_load(const char *dir)
{
	return tmpl_set_load_skip(dir, NULL);
}

struct tmpl_set *
tmpl_set_load_skip(const char *dir, const char *const *skip)
{
	struct tmpl_set	*set;

	set = tmpl_set_new();
	if (!load_dir(set, dir, "", 0, skip) || !tmpl_set_check(set)) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}

/* ---- renderer ---- */

struct rstate {
	const struct tmpl_set	*set;
	struct buf		*out;
	struct buf		 scratch;
	const struct tval	*stack[TMPL_STACK_MAX];
	size_t			 depth;
	int			 pdepth;
	unsigned long		 steps;	/* ops run, against runaway nesting */
};

static const struct tval *
obj_get(const struct tval *o, const char *k, size_t ksz)
{
	const struct tkv	*kv;

	if (o == NULL || o->type != TV_OBJ)
		return NULL;
	for (kv = o->u.kv; kv != NULL; kv = kv->next)
		if (kv->keysz == ksz && memcmp(kv->key, k, ksz) == 0)
			return kv->val;
	return NULL;
}

/*
 * The value of a (dotted) name: the first segment is looked up from the
 * innermost section outwards, the rest inside what it found.  NULL if
 * missing.
 */
static const struct tval *
lookup(const struct rstate *r, const char *name, size_t sz)
{
	const struct tval	*v = NULL;
	const char		*dot, *end = name + sz;
	size_t			 i, seg;

	if (sz == 1 && name[0] == '.')
		return r->stack[r->depth - 1];
	dot = memchr(name, '.', sz);
	seg = dot == NULL ? sz : (size_t)(dot - name);
	for (i = r->depth; i > 0 && v == NULL; i--)
		v = obj_get(r->stack[i - 1], name, seg);
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = memchr(name, '.', (size_t)(end - name));
		seg = dot == NULL ? (size_t)(end - name) :
		    (size_t)(dot - name);
		v = obj_get(v, name, seg);
	}
	return v;
}

static int
truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case TV_STR:
	case TV_HTML:
		return v->u.s.sz > 0;
	case TV_BOOL:
		return v->u.b;
	case TV_LIST:
		return v->u.l.n > 0;
	default:
		return 1;
	}
}

static int
rpush(struct rstate *r, const struct tmpl *t, const struct top *op,
    const struct tval *v)
{
	if (r->depth == TMPL_STACK_MAX) {
		kerr("%s:%u: sections nested too deeply", t->file, op->line);
		return 0;
	}
	r->stack[r->depth++] = v;
	return 1;
}

static int render_ops(struct rstate *, const struct tmpl *, size_t, size_t);

/* Print one value with the escaping its op fixed at compile time. */
static int
render_var(struct rstate *r, const struct tmpl *t, const struct top *op)
{
	const struct tval	*v;
	struct buf		*out = r->out;
	char			 num[32];
	int			 n;

	v = lookup(r, t->src + op->off, op->sz);
	if (v == NULL)
		return 1;
	if (op->esc == TE_RAW) {
		if (v->type != TV_HTML) {
			kerr("%s:%u: raw tag \"%.*s\" on a value not set "
			    "with tv_set_html", t->file, op->line,
			    msgsz(op->sz), t->src + op->off);
			return 0;
		}
		buf_putn(out, v->u.s.p, v->u.s.sz);
		return 1;
	}
	switch (v->type) {
	case TV_INT:
		n = snprintf(num, sizeof(num), "%lld", v->u.i);
		if (n > 0 && (size_t)n < sizeof(num))
			buf_putn(out, num, (size_t)n);
		return 1;
	case TV_BOOL:
		buf_puts(out, v->u.b ? "true" : "false");
		return 1;
	case TV_OBJ:
	case TV_LIST:
		kerr("%s:%u: \"%.*s\" is a list or object, not a value",
		    t->file, op->line, msgsz(op->sz), t->src + op->off);
		return 0;
	default:
		break;
	}
	switch (op->esc) {
	case TE_URL:
		esc_url(out, v->u.s.p, v->u.s.sz);
		break;
	case TE_URI:
		buf_reset(&r->scratch);
		esc_urlcomp(&r->scratch, v->u.s.p, v->u.s.sz);
		esc_html(out, r->scratch.p, r->scratch.len);
		break;
	case TE_JSON:
		esc_json(out, v->u.s.p, v->u.s.sz);
		break;
	case TE_JSONHTML:
		buf_reset(&r->scratch);
		esc_json(&r->scratch, v->u.s.p, v->u.s.sz);
		esc_html(out, r->scratch.p, r->scratch.len);
		break;
	case TE_URIJSON:
		esc_urlcomp(out, v->u.s.p, v->u.s.sz);
		break;
	default:
		esc_html(out, v->u.s.p, v->u.s.sz);
		break;
	}
	return 1;
}

static int
render_part(struct rstate *r, const struct tmpl *t, const struct top *op)
{
	const struct tmpl	*p;
	int			 rc;

	if ((p = op->part) == NULL &&
	    (p = set_find(r->set, t->src + op->off, op->sz)) == NULL) {
		kerr("%s:%u: partial \"%.*s\" not found", t->file, op->line,
		    msgsz(op->sz), t->src + op->off);
		return 0;
	}
	if (r->pdepth == TMPL_PART_MAX) {
		kerr("%s:%u: partials nested deeper than %d", t->file,
		    op->line, TMPL_PART_MAX);
		return 0;
	}
	r->pdepth++;
	rc = render_ops(r, p, 0, p->opsz);
	r->pdepth--;
	return rc;
}

/* Render ops [i, end) of t; 1 ok, 0 error (printed). */
static int
render_ops(struct rstate *r, const struct tmpl *t, size_t i, size_t end)
{
	const struct top	*op;
	const struct tval	*v;
	const struct titem	*it;
	int			 ok;

	while (i < end) {
		op = &t->ops[i];
		if (r->out->overflow)
			return 0;	/* tmpl_render reports it */
		if (++r->steps > TMPL_STEPS_MAX) {
			kerr("%s:%u: rendering takes more than %lu steps",
			    t->file, op->line, TMPL_STEPS_MAX);
			return 0;
		}
		switch (op->type) {
		case OP_TEXT:
			buf_putn(r->out, t->src + op->off, op->sz);
			break;
		case OP_VAR:
			if (!render_var(r, t, op))
				return 0;
			break;
		case OP_SECT:
			v = lookup(r, t->src + op->off, op->sz);
			if (!truthy(v))
				break;
			if (v->type == TV_LIST) {
				for (it = v->u.l.head; it != NULL;
				    it = it->next) {
					if (!rpush(r, t, op, it->val))
						return 0;
					ok = render_ops(r, t, i + 1, op->end);
					r->depth--;
					if (!ok)
						return 0;
				}
			} else {
				if (!rpush(r, t, op, v))
					return 0;
				ok = render_ops(r, t, i + 1, op->end);
				r->depth--;
				if (!ok)
					return 0;
			}
			break;
		case OP_INV:
			v = lookup(r, t->src + op->off, op->sz);
			if (!truthy(v) && !render_ops(r, t, i + 1, op->end))
				return 0;
			break;
		case OP_PART:
			if (!render_part(r, t, op))
				return 0;
			break;
		default:
			break;
		}
		i = op->type == OP_SECT || op->type == OP_INV ?
		    op->end : i + 1;
	}
	return 1;
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct tval *ctx, struct buf *out)
{
	const struct tmpl	*t;
	struct rstate		*r;
	int			 rc = 0;

	if ((t = set_find(set, name, strlen(name))) == NULL) {
		kerr("template \"%s\" not found", name);
		return 0;
	}
	r = xmalloc(sizeof(*r));
	r->set = set;
	r->out = out;
	buf_init(&r->scratch, out->max);
	r->stack[0] = ctx;
	r->depth = 1;
	r->pdepth = 0;
	r->steps = 0;
	rc = render_ops(r, t, 0, t->opsz);
	if (!buf_ok(out)) {
		kerr("%s: output larger than %zu bytes", t->file, out->max);
		rc = 0;
	}
	buf_free(&r->scratch);
	free(r);
	return rc;
}
