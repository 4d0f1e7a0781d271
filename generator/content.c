/*
 * content.c: loads the shipped fixed pages (content_dir/supernet/NAME.md,
 * content_dir/aikasa/NAME.md) into the page table, never overwriting a row
 * staff have already made or edited.
 *
 * A content file is Markdown after a small front matter:
 *
 *	---
 *	title: センターの概要
 *	slug: center/index
 *	sort: 110
 *	---
 *	本文 …
 *
 * title (required, up to 200 bytes) is the page's h1 and <title>; slug
 * (required) is the page's path below the site root without ".html"
 * ("center/index" → /center/, "about" → /about.html): one or more
 * components of [a-z0-9_-], joined by "/"; sort (optional integer,
 * default 0) orders the pages in the sitemaps.  Nothing else is allowed
 * in the front matter, so a typo stops `init` with FILE:LINE.  Files are
 * read in name order; a (site, slug) already in the table is skipped,
 * so a page staff deleted on purpose comes back only if its slug is
 * free, and one they edited is never touched.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include "extern.h"

#define CONTENT_FILE_MAX	((size_t)256 * 1024)	/* one .md file */
#define CONTENT_FILES_MAX	1000			/* per site */
#define CONTENT_TITLE_MAX	200
#define CONTENT_SLUG_MAX	100

enum sql {
	SQL_INSERT,
	SQL_BUILT,
	SQL__MAX
};

static const char *const sqls[SQL__MAX] = {
	/* SQL_INSERT: never replaces what is there */
	"INSERT INTO page (site, slug, state, title, body, sort, from_content, "
	"created_at, updated_at, published_at) VALUES (?1, ?2, 'public', ?3, "
	"?4, ?5, ?6, ?7, ?7, ?7) "
	"ON CONFLICT (site, slug) DO NOTHING",
	/* SQL_BUILT: has the site ever been built? */
	"SELECT 1 FROM setting WHERE key = 'site.built_for'",
};

static const char *const sites[] = { "supernet", "aikasa" };

/* 1 if a build has run on this database. */
static int
site_built(struct gen *g)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(g->db, sqls[SQL_BUILT])) == NULL)
		return 1;
	rc = db_row(g->db, st) != 0;
	sqlite3_reset(st);
	return rc;
}

/* One parsed content file; the strings point into the file's bytes. */
struct cfile {
	const char	*title;
	const char	*slug;
	long long	 sort;
	const char	*body;
};

/* A page slug: components of [a-z0-9_-] joined by single slashes. */
int
content_slug_ok(const char *s)
{
	size_t	 n = 0;
	int	 start = 1;

	for (; *s != '\0'; s++, n++) {
		if (n >= CONTENT_SLUG_MAX)
			return 0;
		if (*s == '/') {
			if (start)
				return 0;
			start = 1;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return 0;
		start = 0;
	}
	return n > 0 && !start;
}

/*
 * Parse the front matter of text (NUL-terminated, modified in place:
 * line ends become NULs).  1 ok, 0 with the error printed as FILE:LINE.
 */
static int
parse(const char *file, char *text, struct cfile *cf)
{
	char		*line, *next, *val;
	size_t		 lineno = 1;

	memset(cf, 0, sizeof(*cf));
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;		/* a BOM some editors add */
	if (strncmp(text, "---\n", 4) != 0 && strncmp(text, "---\r\n", 5) != 0) {
		kerr("%s:1: expected the front matter (\"---\")", file);
		return 0;
	}
	line = strchr(text, '\n') + 1;
	for (;;) {
		lineno++;
		if (*line == '\0') {
			kerr("%s:%zu: front matter not closed by \"---\"",
			    file, lineno);
			return 0;
		}
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		line[strcspn(line, "\r")] = '\0';
		if (strcmp(line, "---") == 0)
			break;
		if (*line == '\0' || *line == '#') {
			line = next;
			continue;
		}
		if ((val = strchr(line, ':')) == NULL) {
			kerr("%s:%zu: expected \"key: value\"", file, lineno);
			return 0;
		}
		*val++ = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		if (strcmp(line, "title") == 0) {
			if (*val == '\0' || strlen(val) > CONTENT_TITLE_MAX) {
				kerr("%s:%zu: title: empty or longer than %d "
				    "bytes", file, lineno, CONTENT_TITLE_MAX);
				return 0;
			}
			cf->title = val;
		} else if (strcmp(line, "slug") == 0) {
			if (!content_slug_ok(val)) {
				kerr("%s:%zu: slug: \"%s\" is not a path of "
				    "[a-z0-9_-] components", file, lineno, val);
				return 0;
			}
			cf->slug = val;
		} else if (strcmp(line, "sort") == 0) {
			if (!util_strtoll(val, -1000000, 1000000, &cf->sort)) {
				kerr("%s:%zu: sort: not an integer in "
				    "-1000000..1000000", file, lineno);
				return 0;
			}
		} else {
			kerr("%s:%zu: unknown key \"%s\" (title, slug, sort)",
			    file, lineno, line);
			return 0;
		}
		line = next;
	}
	if (cf->title == NULL || cf->slug == NULL) {
		kerr("%s: front matter needs title and slug", file);
		return 0;
	}
	cf->body = next;
	return 1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.md names in dir, sorted, as a NULL-terminated array the caller
 * frees with site_paths_free(); an empty one if dir does not exist.
 * NULL on error (printed).
 */
static char **
md_names(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		**v;
	size_t		 n = 0, len;

	v = xcalloc(CONTENT_FILES_MAX + 1, sizeof(*v));
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return v;
		kerr("%s: %s", dir, strerror(errno));
		free(v);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 4 ||
		    strcmp(e->d_name + len - 3, ".md") != 0)
			continue;
		if (n == CONTENT_FILES_MAX) {
			kerr("%s: more than %d content files", dir,
			    CONTENT_FILES_MAX);
			closedir(d);
			site_paths_free(v);
			return NULL;
		}
		v[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), name_cmp);
	return v;
}

/* Read path whole (at most CONTENT_FILE_MAX bytes) into b; 1 ok. */
static int
read_file(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;
	int	 ok;

	if ((f = fopen(path, "re")) == NULL) {
		kerr("%s: %s", path, strerror(errno));
		return 0;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_putn(b, chunk, n);
	ok = !ferror(f);
	fclose(f);
	if (!ok) {
		kerr("%s: read error", path);
		return 0;
	}
	if (!buf_ok(b)) {
		kerr("%s: larger than %zu bytes", path, CONTENT_FILE_MAX);
		return 0;
	}
	if (b->len == 0 || memchr(b->p, '\0', b->len) != NULL) {
		kerr("%s: empty or not text", path);
		return 0;
	}
	return 1;
}

/* Insert one content file unless its (site, slug) exists; 1 ok. */
static int
load_one(struct gen *g, const char *site, const char *name, size_t *added)
{
	struct buf	 b;
	struct cfile	 cf;
	sqlite3_stmt	*st;
	char		 path[4096], rel[512];
	int		 rc = 0;

	buf_init(&b, CONTENT_FILE_MAX);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s",
	    g->cfg->content_dir, site, name) >= sizeof(path) ||
	    (size_t)snprintf(rel, sizeof(rel), "%s/%s", site, name) >=
	    sizeof(rel)) {
		kerr("%s/%s: path too long", site, name);
		goto out;
	}
	if (!read_file(path, &b) || !parse(path, b.p, &cf))
		goto out;
	if ((st = db_prep(g->db, sqls[SQL_INSERT])) == NULL)
		goto out;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, cf.slug);
	db_bind_text(st, 3, cf.title);
	db_bind_text(st, 4, cf.body);
	db_bind_int(st, 5, cf.sort);
	db_bind_text(st, 6, rel);
	/* Loaded "on --today", so two inits of one day give one database. */
	db_bind_int(st, 7, gen_today_epoch(g));
	if (!db_run(g->db, st))
		goto out;
	if (db_changes(g->db) == 1) {
		/* A site never built gets every page at its first build. */
		if (site_built(g) &&
		    !publish_enqueue(g->db, K_PAGE, db_last_id(g->db),
		    "content"))
			goto out;
		(*added)++;
	}
	rc = 1;
out:
	buf_free(&b);
	return rc;
}

/*
 * Insert a page row for every content file whose (site, slug) is not in
 * the table yet (state 'public', from_content = "site/name.md"), and
 * queue it for the next publish; all in one transaction.  1 ok, 0 error
 * (printed; nothing inserted).
 */
int
content_load(struct gen *g)
{
	char		 dir[4096];
	char		**names = NULL;
	size_t		 s, i, added = 0;
	int		 rc = 0, intx = 0;

	if (!db_begin(g->db))
		return 0;
	intx = 1;
	for (s = 0; s < KENMIN_NELEM(sites); s++) {
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s",
		    g->cfg->content_dir, sites[s]) >= sizeof(dir)) {
			kerr("%s: path too long", g->cfg->content_dir);
			goto out;
		}
		if ((names = md_names(dir)) == NULL)
			goto out;
		for (i = 0; names[i] != NULL; i++)
			if (!load_one(g, sites[s], names[i], &added))
				goto out;
		site_paths_free(names);
		names = NULL;
	}
	if (!db_commit(g->db))
		goto out;
	intx = 0;
	if (added > 0)
		printf("%s: %zu fixed page%s added\n", g->cfg->content_dir,
		    added, added == 1 ? "" : "s");
	rc = 1;
out:
	site_paths_free(names);
	if (intx)
		db_rollback(g->db);
	return rc;
}
