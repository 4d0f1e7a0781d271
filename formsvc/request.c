/*
 * request.c: the CGI environment, the parsers for query strings,
 * urlencoded and multipart bodies and cookies, the form-key validators,
 * and the framing that carries parsed fields from the sandboxed parser
 * to the parent (see sandbox.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "text.h"
#include "util.h"
#include "extern.h"

#define HOST_PREFIX	"__Host-"

/* ---- the environment ---- */

/* A copy of variable NAME, at most max bytes, else NULL; "" if unset. */
static char *
envdup(const char *name, size_t max)
{
	const char	*v;

	if ((v = getenv(name)) == NULL)
		v = "";
	if (strnlen(v, max + 1) > max)
		return NULL;
	return xstrdup(v);
}

/*
 * Fill env from the CGI variables.  Returns REQ_OK, or REQ_BAD for a
 * variable over its cap or an unparsable CONTENT_LENGTH.  The caller
 * frees with req_env_free() in either case.
 */
enum req_status
req_env(struct reqenv *env)
{
	const char	*v;
	long long	 len;

	memset(env, 0, sizeof(*env));
	env->method_name = envdup("REQUEST_METHOD", 32);
	env->path = envdup("PATH_INFO", REQ_PATH_MAX);
	env->query = envdup("QUERY_STRING", REQ_QUERY_MAX);
	env->ctype = envdup("CONTENT_TYPE", 1024);
	env->cookie = envdup("HTTP_COOKIE", REQ_COOKIE_MAX);
	env->remote = envdup("REMOTE_ADDR", 64);
	if (env->cookie == NULL)	/* oversized: act as if none came */
		env->cookie = xstrdup("");
	if (env->method_name == NULL || env->path == NULL ||
	    env->query == NULL || env->ctype == NULL || env->remote == NULL)
		return REQ_BAD;
	if (env->path[0] == '\0') {
		free(env->path);
		env->path = xstrdup("/");
	}

	if (strcmp(env->method_name, "GET") == 0)
		env->method = METHOD_GET;
	else if (strcmp(env->method_name, "HEAD") == 0)
		env->method = METHOD_HEAD;
	else if (strcmp(env->method_name, "POST") == 0)
		env->method = METHOD_POST;
	else
		env->method = METHOD_OTHER;

	v = getenv("HTTPS");
	env->https = v != NULL && (strcasecmp(v, "on") == 0 ||
	    strcmp(v, "1") == 0);

	v = getenv("CONTENT_LENGTH");
	if (v != NULL && *v != '\0') {
		if (!isdigit((unsigned char)*v) ||
		    !util_strtoll(v, 0, INT64_MAX, &len))
			return REQ_BAD;
		env->has_length = 1;
		/* Anything past SIZE_MAX is over every cap anyway. */
		env->length = (unsigned long long)len > SIZE_MAX ?
		    SIZE_MAX : (size_t)len;
	}
	return REQ_OK;
}

void
req_env_free(struct reqenv *env)
{
	if (env == NULL)
		return;
	free(env->method_name);
	free(env->path);
	free(env->query);
	free(env->ctype);
	free(env->cookie);
	free(env->remote);
	memset(env, 0, sizeof(*env));
}

/* ---- the field list ---- */

void
req_init(struct req *req, size_t keysz)
{
	size_t	 i;

	memset(req, 0, sizeof(*req));
	req->keysz = keysz;
	for (i = 0; i < KSRC__MAX; i++) {
		req->map[i] = xcalloc(keysz, sizeof(struct kfield *));
		req->nmap[i] = xcalloc(keysz, sizeof(struct kfield *));
	}
}

/* Drop every field (the maps are rebuilt by req_index()). */
void
req_free_fields(struct req *req)
{
	size_t	 i;

	for (i = 0; i < req->fieldsz; i++) {
		free(req->fields[i].name);
		free(req->fields[i].val);
		free(req->fields[i].file);
		free(req->fields[i].ctype);
	}
	free(req->fields);
	req->fields = NULL;
	req->fieldsz = req->fieldmax = req->seen = 0;
	for (i = 0; i < KSRC__MAX; i++) {
		if (req->map[i] != NULL)
			memset(req->map[i], 0,
			    req->keysz * sizeof(struct kfield *));
		if (req->nmap[i] != NULL)
			memset(req->nmap[i], 0,
			    req->keysz * sizeof(struct kfield *));
	}
}

/* Frees the fields and the environment; the struct itself is the caller's. */
void
req_free(struct req *req)
{
	size_t	 i;

	if (req == NULL)
		return;
	req_free_fields(req);
	for (i = 0; i < KSRC__MAX; i++) {
		free(req->map[i]);
		free(req->nmap[i]);
		req->map[i] = req->nmap[i] = NULL;
	}
	req_env_free(&req->env);
}

/*
 * Link the fields: map[src][key] is the first valid field, nmap the
 * first invalid one, and next chains the rest in request order.  Call
 * after the last field was added (the array may have moved).
 */
void
req_index(struct req *req)
{
	struct kfield	*f;
	size_t		 i, s;

	for (s = 0; s < KSRC__MAX; s++) {
		memset(req->map[s], 0, req->keysz * sizeof(struct kfield *));
		memset(req->nmap[s], 0, req->keysz * sizeof(struct kfield *));
	}
	/* Walk backwards so each field links to the next one after it. */
	for (i = req->fieldsz; i > 0; i--) {
		f = &req->fields[i - 1];
		if (f->valid) {
			f->next = req->map[f->src][f->key];
			req->map[f->src][f->key] = f;
		} else {
			f->next = req->nmap[f->src][f->key];
			req->nmap[f->src][f->key] = f;
		}
	}
}

/* The first valid field KEY from SRC, or NULL.  Follow ->next for more. */
const struct kfield *
req_get(const struct req *req, enum ksrc src, size_t key)
{
	if (src >= KSRC__MAX || key >= req->keysz || req->map[src] == NULL)
		return NULL;
	return req->map[src][key];
}

/* The first field KEY from SRC its validator refused, or NULL. */
const struct kfield *
req_get_invalid(const struct req *req, enum ksrc src, size_t key)
{
	if (src >= KSRC__MAX || key >= req->keysz || req->nmap[src] == NULL)
		return NULL;
	return req->nmap[src][key];
}

/* The key NAME stands for on this page, or keysz if none. */
static size_t
findkey(const struct reqspec *spec, enum ksrc src, const char *name)
{
	size_t	 i;

	if (src == KSRC_COOKIE && spec->cookie_host) {
		/* Only __Host- cookies: no sibling host can have set them. */
		if (strncmp(name, HOST_PREFIX, sizeof(HOST_PREFIX) - 1) != 0)
			return spec->keysz;
		name += sizeof(HOST_PREFIX) - 1;
	}
	for (i = 0; i < spec->keysz; i++)
		if ((spec->accept == NULL || spec->accept[i]) &&
		    strcmp(spec->keys[i].name, name) == 0)
			return i;
	return spec->keysz;
}

/*
 * Count, check and (if the page accepts the key) keep one field.  name
 * and val need not be NUL-terminated; they are copied.  A file part has
 * file != NULL.  Returns REQ_OK (kept or ignored) or why the whole
 * request must be refused.
 */
static enum req_status
addfield(struct req *req, const struct reqspec *spec, enum ksrc src,
    const char *name, size_t namesz, const char *val, size_t valsz,
    const char *file, const char *ctype)
{
	struct kfield	*f;
	char		*n;
	size_t		 key;

	if (++req->seen > REQ_FIELDS_MAX)
		return REQ_TOO_LARGE;
	if (namesz == 0 || namesz > REQ_NAME_MAX)
		return REQ_BAD;
	if (file != NULL ? valsz > REQ_FILE_MAX : valsz > REQ_VALUE_MAX)
		return REQ_TOO_LARGE;
	if (!text_utf8_valid(name, namesz) ||
	    (file == NULL && !text_utf8_valid(val, valsz)))
		return REQ_BAD_UTF8;

	n = xstrndup(name, namesz);
	key = findkey(spec, src, n);
	if (key == spec->keysz) {
		free(n);
		return REQ_OK;		/* undeclared: ignored */
	}
	if (req->fieldsz == req->fieldmax) {
		req->fieldmax = req->fieldmax == 0 ? 8 : req->fieldmax * 2;
		req->fields = xrealloc(req->fields,
		    req->fieldmax * sizeof(struct kfield));
	}
	f = &req->fields[req->fieldsz++];
	memset(f, 0, sizeof(*f));
	f->name = n;
	f->val = xmalloc(valsz + 1);
	if (valsz > 0)
		memcpy(f->val, val, valsz);
	f->val[valsz] = '\0';
	f->valsz = valsz;
	if (file != NULL) {
		f->file = xstrdup(file);
		f->ctype = xstrdup(ctype != NULL ? ctype :
		    "application/octet-stream");
	}
	f->src = src;
	f->key = key;
	f->valid = spec->keys[key].valid != NULL &&
	    spec->keys[key].valid(f, &spec->keys[key]) ? 1 : 0;
	return REQ_OK;
}

/* ---- urlencoded: query strings and bodies ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..len) ('+' is a space) into out, which has room
 * for len bytes.  Returns the decoded length, or (size_t)-1 for a bad
 * escape.
 */
static size_t
urldecode(const char *s, size_t len, char *out)
{
	size_t	 i, o;
	int	 hi, lo;

	for (i = o = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return (size_t)-1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	return o;
}

/*
 * Parse "a=1&b=2" from s[0..len) as fields of SRC.  Empty pairs are
 * skipped; a pair without '=' has an empty value.
 */
enum req_status
req_parse_urlenc(struct req *req, const struct reqspec *spec,
    enum ksrc src, const char *s, size_t len)
{
	const char	*p, *end, *amp, *eq;
	char		*name = NULL, *val = NULL;
	size_t		 namesz, valsz;
	enum req_status	 rc;

	rc = REQ_OK;
	end = s + len;
	for (p = s; p < end && rc == REQ_OK; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		name = xmalloc((size_t)(eq - p) + 1);
		val = xmalloc(eq < amp ? (size_t)(amp - eq) : 1);
		namesz = urldecode(p, (size_t)(eq - p), name);
		valsz = eq < amp ? urldecode(eq + 1, (size_t)(amp - eq - 1),
		    val) : 0;
		if (namesz == (size_t)-1 || valsz == (size_t)-1)
			rc = REQ_BAD;
		else
			rc = addfield(req, spec, src, name, namesz, val,
			    valsz, NULL, NULL);
		free(name);
		free(val);
		name = val = NULL;
	}
	return rc;
}

/* ---- header parameters: Content-Type and Content-Disposition ---- */

static int
istoken(int c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/*
 * Find parameter WANT in a header value "type; a=b; c=\"d\"" and copy
 * its (unquoted) value to out[outsz].  Returns 1 if found, 0 if absent,
 * -1 if the header is malformed or the value does not fit.
 */
static int
hdrparam(const char *s, const char *want, char *out, size_t outsz)
{
	const char	*name;
	size_t		 namesz, o;
	int		 match;

	if ((s = strchr(s, ';')) == NULL)
		return 0;
	while (*s == ';') {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;		/* a trailing ';' */
		for (name = s; istoken((unsigned char)*s); s++)
			continue;
		namesz = (size_t)(s - name);
		while (*s == ' ' || *s == '\t')
			s++;
		if (namesz == 0 || *s++ != '=')
			return -1;
		while (*s == ' ' || *s == '\t')
			s++;
		match = strlen(want) == namesz &&
		    strncasecmp(name, want, namesz) == 0;
		o = 0;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0')
					return -1;
				if (*s == '\\' && s[1] != '\0')
					s++;
				if (match && o + 1 >= outsz)
					return -1;
				if (match)
					out[o++] = *s;
			}
			s++;
		} else {
			for (; istoken((unsigned char)*s); s++) {
				if (match && o + 1 >= outsz)
					return -1;
				if (match)
					out[o++] = *s;
			}
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != ';' && *s != '\0')
			return -1;
		if (match) {
			out[o] = '\0';
			return 1;
		}
	}
	return 0;
}

/* 1 if header value s starts with media type or value WANT. */
static int
hdrtype(const char *s, const char *want)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(want);
	if (strncasecmp(s, want, n) != 0)
		return 0;
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == ';' || *s == '\0';
}

/* ---- multipart/form-data ---- */

/* State of one part's headers. */
struct part {
	char	 name[REQ_NAME_MAX + 1];
	char	 file[REQ_FILENAME_MAX + 1];
	char	 ctype[REQ_CTYPE_MAX + 1];
	int	 has_name;
	int	 has_file;
	int	 has_disp;
};

/*
 * Parse the header block of one part, h[0..len) without the final
 * empty line.  Returns REQ_OK or why not.
 */
static enum req_status
part_headers(struct part *pt, const char *h, size_t len)
{
	char		 line[REQ_PART_HDR_MAX + 1], *v;
	const char	*p, *end, *eol, *base;
	size_t		 n, i;
	int		 r;

	memset(pt, 0, sizeof(*pt));
	end = h + len;
	for (p = h; p < end; p = eol + 2) {
		if ((eol = memmem(p, (size_t)(end - p), "\r\n", 2)) == NULL)
			eol = end;
		n = (size_t)(eol - p);
		if (n == 0 || n > REQ_PART_HDR_MAX)
			return REQ_BAD;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strlen(line) != n || line[0] == ' ' || line[0] == '\t')
			return REQ_BAD;	/* NUL or folded line */
		if ((v = strchr(line, ':')) == NULL)
			return REQ_BAD;
		*v++ = '\0';
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (pt->has_disp++ || !hdrtype(v, "form-data"))
				return REQ_BAD;
			if ((r = hdrparam(v, "name", pt->name,
			    sizeof(pt->name))) < 0)
				return REQ_BAD;
			pt->has_name = r;
			if ((r = hdrparam(v, "filename", pt->file,
			    sizeof(pt->file))) < 0)
				return REQ_BAD;
			pt->has_file = r;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			while (*v == ' ' || *v == '\t')
				v++;
			if (hdrtype(v, "multipart/mixed"))
				return REQ_BAD;	/* RFC 7578 4.3: obsolete */
			for (i = 0; v[i] != '\0'; i++)
				if ((unsigned char)v[i] < 0x20 ||
				    (unsigned char)v[i] >= 0x7f)
					break;
			if (v[i] == '\0' && i > 0 && i <= REQ_CTYPE_MAX)
				memcpy(pt->ctype, v, i + 1);
		}
		/* Other headers (Content-Transfer-Encoding …) are ignored. */
		if (eol == end)
			break;
	}
	if (!pt->has_disp || !pt->has_name)
		return REQ_BAD;
	if (pt->has_file) {
		/* Old browsers send a whole path: keep only the last part. */
		base = pt->file;
		for (i = 0; pt->file[i] != '\0'; i++)
			if (pt->file[i] == '/' || pt->file[i] == '\\')
				base = &pt->file[i + 1];
		memmove(pt->file, base, strlen(base) + 1);
		if (!text_utf8_valid(pt->file, strlen(pt->file)))
			return REQ_BAD_UTF8;
		for (i = 0; pt->file[i] != '\0'; i++)
			if ((unsigned char)pt->file[i] < 0x20 ||
			    pt->file[i] == 0x7f)
				return REQ_BAD;
	}
	return REQ_OK;
}

/*
 * Parse a multipart/form-data body s[0..len) whose Content-Type header
 * is ctype (it carries the boundary).  File parts keep their bytes in
 * memory; the caller has already capped len.
 */
enum req_status
req_parse_multipart(struct req *req, const struct reqspec *spec,
    const char *ctype, const char *s, size_t len)
{
	char		 bnd[80], delim[84];
	const char	*p, *end, *hend, *next;
	size_t		 dlen;
	struct part	 pt;
	enum req_status	 rc;
	int		 r;

	r = hdrparam(ctype, "boundary", bnd, sizeof(bnd));
	if (r != 1 || bnd[0] == '\0' || strlen(bnd) > 70)
		return REQ_BAD;
	delim[0] = '\r';
	delim[1] = '\n';
	delim[2] = delim[3] = '-';
	memcpy(delim + 4, bnd, strlen(bnd) + 1);
	dlen = strlen(delim);	/* "\r\n--boundary" */

	end = s + len;
	/* The first delimiter may open the body without a CRLF. */
	if (len >= dlen - 2 && memcmp(s, delim + 2, dlen - 2) == 0)
		p = s + dlen - 2;
	else if ((p = memmem(s, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return REQ_BAD;

	for (;;) {
		/* p is just past a delimiter. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return REQ_OK;	/* close delimiter; epilogue ignored */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return REQ_BAD;
		p += 2;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return REQ_BAD;	/* no headers: no name */
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hend == NULL || (size_t)(hend - p) > REQ_PART_HDR_MAX * 4)
			return REQ_BAD;
		if ((rc = part_headers(&pt, p, (size_t)(hend - p))) != REQ_OK)
			return rc;
		p = hend + 4;
		if ((next = memmem(p, (size_t)(end - p), delim, dlen)) == NULL)
			return REQ_BAD;	/* truncated */
		if (pt.has_file && pt.file[0] == '\0' && next == p) {
			/* "No file chosen": not a field at all. */
			if (++req->seen > REQ_FIELDS_MAX)
				return REQ_TOO_LARGE;
		} else if ((rc = addfield(req, spec, KSRC_BODY, pt.name,
		    strlen(pt.name), p, (size_t)(next - p),
		    pt.has_file ? pt.file : NULL,
		    pt.ctype[0] != '\0' ? pt.ctype : NULL)) != REQ_OK)
			return rc;
		p = next + dlen;
	}
}

/* ---- cookies ---- */

/* RFC 6265 cookie-octet. */
static int
iscookie(int c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

/*
 * Parse a Cookie header "a=b; c=d".  Cookies are never a reason to
 * refuse a request (other software on the host may set odd ones):
 * malformed pairs are dropped, and so is everything once a cap is hit.
 */
void
req_parse_cookies(struct req *req, const struct reqspec *spec, const char *s)
{
	const char	*name, *val, *p;
	size_t		 namesz, valsz, i;
	int		 ok;

	for (p = s; *p != '\0'; ) {
		while (*p == ' ' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (istoken((unsigned char)*p))
			p++;
		namesz = (size_t)(p - name);
		ok = namesz > 0 && *p == '=';
		if (ok)
			p++;
		val = p;
		while (*p != ';' && *p != '\0')
			p++;
		valsz = (size_t)(p - val);
		while (valsz > 0 && val[valsz - 1] == ' ')
			valsz--;
		if (valsz >= 2 && val[0] == '"' && val[valsz - 1] == '"') {
			val++;
			valsz -= 2;
		}
		for (i = 0; ok && i < valsz; i++)
			if (!iscookie((unsigned char)val[i]))
				ok = 0;
		if (ok && addfield(req, spec, KSRC_COOKIE, name, namesz,
		    val, valsz, NULL, NULL) != REQ_OK)
			return;
	}
}

/* ---- the whole input ---- */

/*
 * Read exactly len bytes of the body from fd into a new buffer (the
 * caller frees *out).  REQ_BAD if the input ends early.
 */
static enum req_status
readbody(int fd, size_t len, char **out)
{
	char	*b;
	size_t	 got;
	ssize_t	 n;

	b = xmalloc(len + 1);
	for (got = 0; got < len; got += (size_t)n) {
		n = read(fd, b + got, len - got);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			free(b);
			return REQ_BAD;
		}
	}
	b[len] = '\0';
	*out = b;
	return REQ_OK;
}

/*
 * Parse everything the request carries: query string, cookies and, for
 * a POST, the body read from fd.  This is what runs in the sandbox.
 * Fields end up indexed (req_index).
 */
enum req_status
req_parse_input(struct req *req, const struct reqspec *spec, int fd)
{
	const struct reqenv	*env = &req->env;
	char			*body = NULL;
	size_t			 cap;
	enum req_status		 rc;
	int			 multi;

	rc = req_parse_urlenc(req, spec, KSRC_QUERY, env->query,
	    strlen(env->query));
	if (rc != REQ_OK)
		goto out;
	req_parse_cookies(req, spec, env->cookie);

	if (env->method != METHOD_POST || env->length == 0)
		goto out;
	if (hdrtype(env->ctype, "application/x-www-form-urlencoded")) {
		multi = 0;
		cap = REQ_URLENC_MAX;
	} else if (hdrtype(env->ctype, "multipart/form-data")) {
		multi = 1;
		cap = REQ_MULTIPART_MAX;
	} else {
		rc = REQ_MEDIA;
		goto out;
	}
	if (env->length > cap) {
		rc = REQ_TOO_LARGE;
		goto out;
	}
	if ((rc = readbody(fd, env->length, &body)) != REQ_OK)
		goto out;
	if (multi)
		rc = req_parse_multipart(req, spec, env->ctype, body,
		    env->length);
	else
		rc = req_parse_urlenc(req, spec, KSRC_BODY, body,
		    env->length);
out:
	free(body);
	req_index(req);
	return rc;
}

/* ---- validators ---- */

/* Code points of f->val within [min, max] (0 max: dmax). */
static int
cplen(const struct kfield *f, const struct kkey *k, long long dmin,
    long long dmax)
{
	long long	 n, min, max;

	min = k->min > 0 ? k->min : dmin;
	max = k->max > 0 ? k->max : dmax;
	n = (long long)text_utf8_count(f->val);
	return n >= min && n <= max;
}

/* 1 if f->val holds no control characters (but those in allow). */
static int
noctrl(const struct kfield *f, const char *allow)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)f->val; *p != '\0'; p++)
		if ((*p < 0x20 || *p == 0x7f) &&
		    strchr(allow, *p) == NULL)
			return 0;
	return (size_t)(p - (const unsigned char *)f->val) == f->valsz;
}

/* One line of text, 0 (or min) to max (default 1000) code points. */
int
kvalid_string(struct kfield *f, const struct kkey *k)
{
	return f->file == NULL && noctrl(f, "") && cplen(f, k, 0, 1000);
}

/* Multi-line text: tabs and line breaks allowed; default max 20000. */
int
kvalid_text(struct kfield *f, const struct kkey *k)
{
	return f->file == NULL && noctrl(f, "\t\r\n") &&
	    cplen(f, k, 0, 20000);
}

/* A decimal integer in [min, max]; stored in ival. */
int
kvalid_int(struct kfield *f, const struct kkey *k)
{
	const char	*p = f->val;

	if (f->file != NULL || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	return util_strtoll(f->val, k->min, k->max, &f->ival);
}

/* A checkbox: 1/on/true/yes or 0/off/false/no/""; stored in ival. */
int
kvalid_bool(struct kfield *f, const struct kkey *k)
{
	static const char *const yes[] = { "1", "on", "true", "yes" };
	static const char *const no[] = { "", "0", "off", "false", "no" };
	size_t	 i;

	(void)k;
	if (f->file != NULL)
		return 0;
	for (i = 0; i < KENMIN_NELEM(yes); i++)
		if (strcasecmp(f->val, yes[i]) == 0) {
			f->ival = 1;
			return 1;
		}
	for (i = 0; i < KENMIN_NELEM(no); i++)
		if (strcasecmp(f->val, no[i]) == 0) {
			f->ival = 0;
			return 1;
		}
	return 0;
}

/*
 * An e-mail address as people type it: local@domain, ASCII, dot-atom
 * local part of at most 64 bytes, a domain of LDH labels with at least
 * one dot, 254 bytes in all.  No quoted local parts, no IP literals.
 */
int
kvalid_email(struct kfield *f, const struct kkey *k)
{
	const char	*at, *p, *label;
	size_t		 n;

	(void)k;
	if (f->file != NULL || f->valsz > 254 ||
	    (at = strchr(f->val, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	n = (size_t)(at - f->val);
	if (n == 0 || n > 64 || f->val[0] == '.' || at[-1] == '.')
		return 0;
	for (p = f->val; p < at; p++) {
		if (*p == '.' && p[1] == '.')
			return 0;
		if (!isalnum((unsigned char)*p) &&
		    strchr(".!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return 0;
	}
	if (strchr(at + 1, '.') == NULL)
		return 0;
	for (label = p = at + 1; ; p++) {
		if (*p == '.' || *p == '\0') {
			n = (size_t)(p - label);
			if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
				return 0;
			if (*p == '\0')
				return 1;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
	}
}

/*
 * A date YYYY-MM-DD that exists in the calendar, years 1900-2199;
 * ival = YYYYMMDD, which must lie in [min, max] when max is set.
 */
int
kvalid_date(struct kfield *f, const struct kkey *k)
{
	static const int mdays[12] =
	    { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char	*s = f->val;
	int		 y, m, d, i;

	if (f->file != NULL || f->valsz != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	f->ival = (long long)y * 10000 + m * 100 + d;
	if (k->max > 0 && (f->ival < k->min || f->ival > k->max))
		return 0;
	return 1;
}

/*
 * A login ID: ASCII letters, digits and . _ - @ +, starting with a
 * letter or digit, 3 (or min) to 64 (or max) characters.
 */
int
kvalid_login(struct kfield *f, const struct kkey *k)
{
	const char	*p;

	if (f->file == NULL && !isalnum((unsigned char)f->val[0]))
		return 0;
	for (p = f->val; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-@+", *p) == NULL)
			return 0;
	return f->file == NULL && cplen(f, k, 3, 64);
}

/*
 * A password (R434): any characters but control characters, at least
 * 8 (or min) and at most 128 (or max) of them.
 */
int
kvalid_password(struct kfield *f, const struct kkey *k)
{
	return f->file == NULL && noctrl(f, "") && cplen(f, k, 8, 128);
}

/* A token (CSRF, session, mail link): base64url, 16 to 128 chars. */
int
kvalid_token(struct kfield *f, const struct kkey *k)
{
	const char	*p;

	if (f->file != NULL)
		return 0;
	for (p = f->val; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return cplen(f, k, 16, 128);
}

/* An uploaded file with a name, min (default 1) to max bytes. */
int
kvalid_file(struct kfield *f, const struct kkey *k)
{
	long long	 min, max;

	min = k->min > 0 ? k->min : 1;
	max = k->max > 0 ? k->max : (long long)REQ_FILE_MAX;
	return f->file != NULL && f->file[0] != '\0' &&
	    (long long)f->valsz >= min && (long long)f->valsz <= max;
}

/* ---- framing between the parser child and the parent ---- */

/*
 * The child writes: "KFS1", status (u32), count (u32), then per field
 * src, valid, hasfile, 0 (u8 each), key (u32), ival (i64), and the
 * sizes of name, val, file, ctype (u32 each) followed by their bytes.
 */
#define FRAME_MAGIC	"KFS1"
#define FRAME_HEAD	12
#define FIELD_HEAD	(4 + 4 + 8 + 16)
/* The most the parent ever reads: a full body plus every header. */
#define FRAME_MAX	(FRAME_HEAD + REQ_MULTIPART_MAX + REQ_QUERY_MAX + \
	REQ_COOKIE_MAX + REQ_FIELDS_MAX * (FIELD_HEAD + REQ_NAME_MAX + \
	REQ_FILENAME_MAX + REQ_CTYPE_MAX))

static void
put32(struct buf *b, size_t v)
{
	uint32_t	 u = (uint32_t)v;

	buf_putn(b, &u, sizeof(u));
}

/* Write the fields (only if status is REQ_OK) to fd; 1 ok, 0 error. */
int
req_write(int fd, enum req_status status, const struct req *req)
{
	struct buf		 b;
	const struct kfield	*f;
	size_t			 i, off, count;
	unsigned char		 flags[4];
	int64_t			 iv;
	ssize_t			 n;
	int			 rc = 0;

	buf_init(&b, FRAME_MAX);
	count = status == REQ_OK ? req->fieldsz : 0;
	buf_putn(&b, FRAME_MAGIC, 4);
	put32(&b, status);
	put32(&b, count);
	for (i = 0; i < count; i++) {
		f = &req->fields[i];
		flags[0] = (unsigned char)f->src;
		flags[1] = (unsigned char)f->valid;
		flags[2] = f->file != NULL;
		flags[3] = 0;
		buf_putn(&b, flags, 4);
		put32(&b, f->key);
		iv = f->ival;
		buf_putn(&b, &iv, sizeof(iv));
		put32(&b, strlen(f->name));
		put32(&b, f->valsz);
		put32(&b, f->file != NULL ? strlen(f->file) : 0);
		put32(&b, f->ctype != NULL ? strlen(f->ctype) : 0);
		buf_puts(&b, f->name);
		buf_putn(&b, f->val, f->valsz);
		if (f->file != NULL) {
			buf_puts(&b, f->file);
			buf_puts(&b, f->ctype);
		}
	}
	if (!buf_ok(&b))
		goto out;
	for (off = 0; off < b.len; off += (size_t)n) {
		n = write(fd, b.p + off, b.len - off);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			goto out;
	}
	rc = 1;
out:
	buf_free(&b);
	return rc;
}

/* A reader over the frame that refuses to run past its end. */
struct frame {
	const char	*p;
	size_t		 left;
};

static int
take(struct frame *fr, void *out, size_t n)
{
	if (n > fr->left)
		return 0;
	memcpy(out, fr->p, n);
	fr->p += n;
	fr->left -= n;
	return 1;
}

static int
take32(struct frame *fr, size_t *out)
{
	uint32_t	 u;

	if (!take(fr, &u, sizeof(u)))
		return 0;
	*out = u;
	return 1;
}

/* A string of sz bytes from the frame, NUL-free when text is set. */
static char *
takestr(struct frame *fr, size_t sz, int text)
{
	char	*s;

	if (sz > fr->left || (text && memchr(fr->p, '\0', sz) != NULL))
		return NULL;
	s = xmalloc(sz + 1);
	take(fr, s, sz);
	s[sz] = '\0';
	return s;
}

/*
 * Decode one field record into f (zeroed by the caller).  Every size,
 * index and string is checked against the same limits the parser
 * applies, as if the child could lie.  1 ok, 0 bad framing.
 */
static int
frame_field(struct frame *fr, const struct reqspec *spec, struct kfield *f,
    size_t *filetotal)
{
	unsigned char	 flags[4];
	size_t		 key, namesz, valsz, filesz, ctypesz;
	int64_t		 iv;

	if (!take(fr, flags, 4) || !take32(fr, &key) ||
	    !take(fr, &iv, sizeof(iv)) || !take32(fr, &namesz) ||
	    !take32(fr, &valsz) || !take32(fr, &filesz) ||
	    !take32(fr, &ctypesz))
		return 0;
	if (flags[0] >= KSRC__MAX || flags[1] > 1 || flags[2] > 1 ||
	    flags[3] != 0 || key >= spec->keysz ||
	    (spec->accept != NULL && !spec->accept[key]) ||
	    namesz == 0 || namesz > REQ_NAME_MAX ||
	    valsz > (flags[2] ? REQ_FILE_MAX : REQ_VALUE_MAX) ||
	    filesz > REQ_FILENAME_MAX || ctypesz > REQ_CTYPE_MAX ||
	    (!flags[2] && (filesz != 0 || ctypesz != 0)) ||
	    (flags[2] && flags[0] != KSRC_BODY))
		return 0;
	f->src = flags[0];
	f->valid = flags[1];
	f->key = key;
	f->ival = iv;
	if ((f->name = takestr(fr, namesz, 1)) == NULL ||
	    (f->val = takestr(fr, valsz, !flags[2])) == NULL)
		return 0;
	f->valsz = valsz;
	if (!text_utf8_valid(f->name, namesz) ||
	    (!flags[2] && !text_utf8_valid(f->val, valsz)))
		return 0;
	if (flags[2]) {
		if ((*filetotal += valsz) > REQ_MULTIPART_MAX)
			return 0;
		if ((f->file = takestr(fr, filesz, 1)) == NULL ||
		    (f->ctype = takestr(fr, ctypesz, 1)) == NULL ||
		    !text_utf8_valid(f->file, filesz))
			return 0;
	}
	return 1;
}

/*
 * Read what req_write() sent from fd (at most FRAME_MAX bytes) into
 * req, which holds no fields yet.  Returns the child's status, or
 * REQ_FAIL if the framing is bad in any way (nothing is kept then).
 */
enum req_status
req_read(int fd, struct req *req, const struct reqspec *spec)
{
	struct buf	 b;
	struct frame	 fr;
	char		 chunk[65536];
	size_t		 status, count, i, filetotal = 0;
	ssize_t		 n;
	enum req_status	 rc = REQ_FAIL;

	buf_init(&b, FRAME_MAX);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR) {
			rc = REQ_TIMEOUT;	/* the alarm (sandbox.c) */
			goto out;
		}
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		buf_putn(&b, chunk, (size_t)n);
		if (!buf_ok(&b))
			goto out;
	}
	fr.p = b.p;
	fr.left = b.len;
	if (fr.left < FRAME_HEAD || memcmp(fr.p, FRAME_MAGIC, 4) != 0)
		goto out;
	fr.p += 4;
	fr.left -= 4;
	if (!take32(&fr, &status) || !take32(&fr, &count) ||
	    status >= REQ__MAX || count > REQ_FIELDS_MAX ||
	    (status != REQ_OK && count != 0))
		goto out;
	req->fields = xcalloc(count, sizeof(struct kfield));
	req->fieldmax = count;
	for (i = 0; i < count; i++) {
		req->fieldsz++;
		if (!frame_field(&fr, spec, &req->fields[i], &filetotal))
			goto out;
	}
	if (fr.left != 0)
		goto out;
	req_index(req);
	rc = (enum req_status)status;
out:
	if (rc == REQ_FAIL || rc == REQ_TIMEOUT)
		req_free_fields(req);
	buf_free(&b);
	return rc;
}
