/*
 * search.c: GET /search, the keyword search for browsers without
 * JavaScript: it answers from the generator's index files in site_dir
 * through lib/search.c, the same rules search.js applies, and never
 * changes any state (R485).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "esc.h"
#include "search.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

static const char *const types[] = { "org", "event", "grant", "report",
	"book", "notice", "center", "news", "member", "posting", "interview",
	"page" };
/* site= as the header form sends it ({{site.id}}), and its facet value. */
static const char *const sites[] = { "supernet", "aikasa" };
static const char *const sitefacets[] = { "sn", "ak" };
static const char *const mtypes[] = { "individual", "group", "company" };

/* The query value of key, or NULL. */
static const struct kfield *
arg(struct ctx *ctx, enum key k)
{
	return req_get(&ctx->req, KSRC_QUERY, k);
}

/* v if it is one of list[], else NULL. */
static const char *
oneof(const struct kfield *f, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; f != NULL && i < n; i++)
		if (strcmp(f->val, list[i]) == 0)
			return list[i];
	return NULL;
}

/* Keep name=val as a hidden field of the form on the result page. */
static void
keep(struct tval *list, const char *name, const char *val)
{
	struct tval	*o;

	o = tv_push_obj(list);
	tv_set_str(o, "name", name);
	tv_set_str(o, "value", val);
}

/* Append "&name=value" (value URL-encoded) to the query string b. */
static void
qs_add(struct buf *b, const char *name, const char *val)
{
	buf_puts(b, b->len == 0 ? "?" : "&");
	buf_puts(b, name);
	buf_putc(b, '=');
	esc_urlcomp(b, val, strlen(val));
}

int
search_page(struct ctx *ctx)
{
	struct search_result	 res;
	struct tarena		*ta;
	struct tval		*v, *list, *o, *kept;
	struct buf		 qs, link, ft[SEARCH_FACETS_MAX];
	const struct kfield	*f;
	const char		*facets[SEARCH_FACETS_MAX], *s, *q;
	char			 num[32];
	size_t			 nf = 0, i, page = 1;
	int			 rc = 0;

	memset(&res, 0, sizeof(res));
	ta = tarena_new();
	v = page_vars(ctx, ta);
	kept = tv_list(ta);
	buf_init(&qs, 4096);
	buf_init(&link, 8192);
	for (i = 0; i < SEARCH_FACETS_MAX; i++)
		buf_init(&ft[i], 64);
	f = arg(ctx, KEY_S_Q);
	q = f != NULL ? f->val : "";
	if (*q != '\0')
		qs_add(&qs, "q", q);
	tv_set_str(v, "q", q);
	if ((s = oneof(arg(ctx, KEY_S_TYPE), types, KENMIN_NELEM(types))) !=
	    NULL) {
		buf_printf(&ft[nf], " t:%s", s);
		qs_add(&qs, "type", s);
		keep(kept, "type", s);
		tv_set_str(v, "type", s);
		nf++;
	}
	if ((s = oneof(arg(ctx, KEY_S_SITE), sites, KENMIN_NELEM(sites))) !=
	    NULL) {
		buf_printf(&ft[nf], " s:%s", sitefacets[s == sites[0] ? 0 : 1]);
		qs_add(&qs, "site", s);
		keep(kept, "site", s);
		tv_set_str(v, "site", s);
		nf++;
	}
	if ((s = oneof(arg(ctx, KEY_S_MT), mtypes, KENMIN_NELEM(mtypes))) !=
	    NULL) {
		buf_printf(&ft[nf], " m:%s", s);
		qs_add(&qs, "mt", s);
		keep(kept, "mt", s);
		nf++;
	}
	{
		static const struct { enum key k; char c; const char *n; }
		    ids[] = { { KEY_S_AREA, 'a', "area" },
		    { KEY_S_FIELD, 'f', "field" },
		    { KEY_S_PROBONO, 'p', "probono" },
		    { KEY_S_GAREA, 'g', "garea" } };

		for (i = 0; i < KENMIN_NELEM(ids); i++) {
			if ((f = arg(ctx, ids[i].k)) == NULL)
				continue;
			snprintf(num, sizeof(num), "%lld", f->ival);
			buf_printf(&ft[nf], " %c:%s", ids[i].c, num);
			qs_add(&qs, ids[i].n, num);
			keep(kept, ids[i].n, num);
			nf++;
		}
	}
	if ((f = arg(ctx, KEY_S_OPEN)) != NULL && f->ival == 1) {
		buf_puts(&ft[nf], " o:1");
		qs_add(&qs, "open", "1");
		keep(kept, "open", "1");
		tv_set_bool(v, "open", 1);
		nf++;
	}
	for (i = 0; i < nf; i++)
		facets[i] = buf_str(&ft[i]);
	if ((f = arg(ctx, KEY_S_PAGE)) != NULL)
		page = (size_t)f->ival;
	if (!search_run(ctx->cfg->site_dir, q, facets, nf, page, &res))
		goto out;
	tv_set_bool(v, "asked", *q != '\0' || nf > 0);
	tv_set_int(v, "total", (long long)res.total);
	tv_set_int(v, "page", (long long)res.page);
	tv_set_int(v, "pages", (long long)res.pages);
	tv_set_bool(v, "capped", res.total > res.pages * SEARCH_PAGE_SIZE);
	list = tv_list(ta);
	for (i = 0; i < res.hitsz; i++) {
		o = tv_push_obj(list);
		tv_set_str(o, "title", res.hits[i].title);
		tv_set_str(o, "url", res.hits[i].url);
		tv_set_str(o, "kind", res.hits[i].kind);
		tv_set_str(o, "date", res.hits[i].date);
		tv_set_str(o, "snippet", res.hits[i].snippet);
	}
	tv_set(v, "hits", list);
	tv_set(v, "kept", kept);
	if (res.page > 1) {
		buf_reset(&link);
		buf_printf(&link, "%s/search%s%spage=%zu", ctx->cfg->cgi_path,
		    buf_str(&qs), qs.len == 0 ? "?" : "&", res.page - 1);
		tv_set_str(v, "prev", buf_str(&link));
	}
	if (res.page < res.pages) {
		buf_reset(&link);
		buf_printf(&link, "%s/search%s%spage=%zu", ctx->cfg->cgi_path,
		    buf_str(&qs), qs.len == 0 ? "?" : "&", res.page + 1);
		tv_set_str(v, "next", buf_str(&link));
	}
	tv_set_str(v, "action", ctx->cfg->cgi_path);
	if (!buf_ok(&qs) || !buf_ok(&link))
		goto out;
	rc = page_render(ctx, "search", "検索結果", v);
out:
	search_result_free(&res);
	for (i = 0; i < SEARCH_FACETS_MAX; i++)
		buf_free(&ft[i]);
	buf_free(&qs);
	buf_free(&link);
	tarena_free(ta);
	return rc;
}
