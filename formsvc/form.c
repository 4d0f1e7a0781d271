/*
 * form.c: the form framework every formsvc form uses: a static table
 * of fields, reading their values from the body, server-side rules with
 * a Japanese message per field, the values for the field, error-summary,
 * confirmation and hidden-field templates, the sealed password carried
 * past the confirmation page, idempotency keys for the final submit, and
 * uploaded files (FK_FILE: type check, quarantine store, signed reference).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "esc.h"
#include "outbox.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define FORM_MSG_MAX	1024	/* bytes of one error message */
#define FORM_OPTS_MAX	200	/* options of one master-data field */
#define PWSEAL_MAX	4096	/* hex chars of a sealed password */
#define UPREF_MAX	96	/* bytes of an upload reference "ID.HMAC" */
#define UPNAME_MAX	200	/* bytes of a kept original file name */
#define ZIP_ENTRIES_MAX	10000	/* central directory entries looked at */

enum stmt {
	STMT_OPT_PREF,
	STMT_OPT_MUNI,
	STMT_OPT_GCLASS,
	STMT_OPT_CCAT,
	STMT_OPT_REQ_AIKASA,
	STMT_OPT_REQ_SUPERNET,
	STMT_OPT_FIELD_SN,
	STMT_OPT_FIELD_AK,
	STMT_OPT_TARGET_AREA,
	STMT_OPT_BUDGET,
	STMT_OPT_FEATURE,
	STMT_OPT_TIME_BAND,
	STMT_OPT_WEEKDAY,
	STMT_OPT_PROBONO,
	STMT_OPT_MUNI_IN,
	STMT_IDEM_GET,
	STMT_IDEM_PUT,
	STMT_UPLOAD_ADD,
	STMT_UPLOAD_GET,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_OPT_PREF: 「—」 is for imported records only */
	"SELECT id, name FROM m_prefecture WHERE legacy_only = 0 "
	"ORDER BY sort, id",
	/* STMT_OPT_MUNI */
	"SELECT id, name FROM m_municipality ORDER BY sort, id",
	/* STMT_OPT_GCLASS */
	"SELECT id, name FROM m_group_class ORDER BY sort, id",
	/* STMT_OPT_CCAT */
	"SELECT id, name FROM m_company_category ORDER BY sort, id",
	/* STMT_OPT_REQ_AIKASA */
	"SELECT id, text FROM m_requirement WHERE site = 'aikasa' "
	"ORDER BY sort, id",
	/* STMT_OPT_REQ_SUPERNET */
	"SELECT id, text FROM m_requirement WHERE site = 'supernet' "
	"ORDER BY sort, id",
	/* STMT_OPT_FIELD_SN */
	"SELECT id, name FROM m_field WHERE on_supernet = 1 ORDER BY sort, id",
	/* STMT_OPT_FIELD_AK */
	"SELECT id, name FROM m_field WHERE on_aikasa = 1 ORDER BY sort, id",
	/* STMT_OPT_TARGET_AREA */
	"SELECT id, name FROM m_target_area ORDER BY sort, id",
	/* STMT_OPT_BUDGET */
	"SELECT id, name FROM m_budget_range ORDER BY sort, id",
	/* STMT_OPT_FEATURE */
	"SELECT id, name FROM m_feature ORDER BY sort, id",
	/* STMT_OPT_TIME_BAND */
	"SELECT id, name FROM m_time_band ORDER BY sort, id",
	/* STMT_OPT_WEEKDAY */
	"SELECT id, name FROM m_weekday ORDER BY id",
	/* STMT_OPT_PROBONO */
	"SELECT id, name FROM m_probono_field ORDER BY sort, id",
	/* STMT_OPT_MUNI_IN: the 19 市町 without 山口県外 */
	"SELECT id, name FROM m_municipality WHERE outside = 0 "
	"ORDER BY sort, id",
	/* STMT_IDEM_GET */
	"SELECT result FROM idempotency WHERE key = ?1",
	/* STMT_IDEM_PUT */
	"INSERT INTO idempotency (key, result, created_at) VALUES (?1, ?2, ?3)",
	/* STMT_UPLOAD_ADD */
	"INSERT INTO upload (stored_name, orig_name, mime, size, sha256, "
	"state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'quarantine', ?6)",
	/* STMT_UPLOAD_GET */
	"SELECT orig_name, mime, size FROM upload WHERE id = ?1 AND "
	"state <> 'rejected'",
};

/* The option query of each source (FO_NONE and FO_STATIC have none). */
static const int optstmt[FO__MAX] = {
	-1,			/* FO_NONE */
	-1,			/* FO_STATIC */
	STMT_OPT_PREF,
	STMT_OPT_MUNI,
	STMT_OPT_GCLASS,
	STMT_OPT_CCAT,
	STMT_OPT_REQ_AIKASA,
	STMT_OPT_REQ_SUPERNET,
	STMT_OPT_FIELD_SN,
	STMT_OPT_FIELD_AK,
	STMT_OPT_TARGET_AREA,
	STMT_OPT_BUDGET,
	STMT_OPT_FEATURE,
	STMT_OPT_TIME_BAND,
	STMT_OPT_WEEKDAY,
	STMT_OPT_PROBONO,
	STMT_OPT_MUNI_IN,
};

/* Load the options of field i into its fvalue; 1 ok, 0 db error. */
static int
load_opts(struct form *fm, size_t i)
{
	const struct ffield	*fd = &fm->fields[i];
	struct fvalue		*fv = &fm->v[i];
	const struct fopt	*o;
	sqlite3_stmt		*st;
	size_t			 n;
	int			 r;

	if (fd->optsrc == FO_STATIC) {
		for (n = 0, o = fd->opts; o != NULL && o->value != NULL; o++)
			n++;
		fv->opts = xcalloc(n + 1, sizeof(struct fopt));
		for (n = 0, o = fd->opts; o != NULL && o->value != NULL; o++) {
			fv->opts[n].value = xstrdup(o->value);
			fv->opts[n++].label = xstrdup(o->label);
		}
		fv->optsz = n;
		return 1;
	}
	if (fd->optsrc == FO_NONE || optstmt[fd->optsrc] < 0)
		return 1;
	if (!sess_db(fm->ctx) ||
	    (st = db_prep(fm->ctx->db, sql[optstmt[fd->optsrc]])) == NULL)
		return 0;
	fv->opts = xcalloc(FORM_OPTS_MAX + 1, sizeof(struct fopt));
	while ((r = db_row(fm->ctx->db, st)) > 0) {
		if (fv->optsz == FORM_OPTS_MAX) {
			sqlite3_reset(st);
			break;
		}
		fv->opts[fv->optsz].value = xstrdup(db_col_text(st, 0));
		fv->opts[fv->optsz++].label = xstrdup(db_col_text(st, 1));
	}
	return r >= 0;
}

/*
 * Set up fm for the field table (n entries); arg is the flow's data
 * that shown() callbacks read.  Options from master data are loaded
 * now (the database is opened on demand).  1 ok, 0 on a database
 * error (printed).  Free with form_free() in either case.
 */
int
form_init(struct form *fm, struct ctx *ctx, const struct ffield *fields,
    size_t n, const void *arg)
{
	size_t	 i;

	memset(fm, 0, sizeof(*fm));
	fm->ctx = ctx;
	fm->fields = fields;
	fm->fieldsz = n;
	fm->arg = arg;
	fm->v = xcalloc(n, sizeof(struct fvalue));
	for (i = 0; i < n; i++)
		if (!load_opts(fm, i))
			return 0;
	return 1;
}

/* Drop the values of one field (wiping them: passwords live here). */
static void
clear_vals(struct fvalue *fv)
{
	size_t	 i;

	for (i = 0; i < fv->valsz; i++) {
		sodium_memzero(fv->vals[i], strlen(fv->vals[i]));
		free(fv->vals[i]);
	}
	free(fv->vals);
	fv->vals = NULL;
	fv->valsz = 0;
}

void
form_free(struct form *fm)
{
	size_t	 i, j;

	if (fm == NULL || fm->v == NULL)
		return;
	for (i = 0; i < fm->fieldsz; i++) {
		clear_vals(&fm->v[i]);
		free(fm->v[i].err);
		for (j = 0; j < fm->v[i].optsz; j++) {
			free((char *)fm->v[i].opts[j].value);
			free((char *)fm->v[i].opts[j].label);
		}
		free(fm->v[i].opts);
	}
	free(fm->v);
	fm->v = NULL;
}

/* 1 if field idx is part of the form for this request. */
int
form_shown(const struct form *fm, size_t idx)
{
	const struct ffield	*fd = &fm->fields[idx];

	return fd->shown == NULL || fd->shown(fm);
}

/* The index of the shown field with key k, or fieldsz. */
size_t
form_find(const struct form *fm, enum key k)
{
	size_t	 i;

	for (i = 0; i < fm->fieldsz; i++)
		if (fm->fields[i].key == k && form_shown(fm, i))
			return i;
	return fm->fieldsz;
}

/* The (first) value of the shown field k, "" if none; owned by fm. */
const char *
form_val(const struct form *fm, enum key k)
{
	size_t	 i;

	if ((i = form_find(fm, k)) == fm->fieldsz || fm->v[i].valsz == 0)
		return "";
	return fm->v[i].vals[0];
}

/* 1 if the shown field k carries value (checkbox groups). */
int
form_has(const struct form *fm, enum key k, const char *value)
{
	size_t	 i, j;

	if ((i = form_find(fm, k)) == fm->fieldsz)
		return 0;
	for (j = 0; j < fm->v[i].valsz; j++)
		if (strcmp(fm->v[i].vals[j], value) == 0)
			return 1;
	return 0;
}

/* The label of option value of field idx, or NULL if it is none. */
const char *
form_label(const struct form *fm, size_t idx, const char *value)
{
	size_t	 j;

	for (j = 0; j < fm->v[idx].optsz; j++)
		if (strcmp(fm->v[idx].opts[j].value, value) == 0)
			return fm->v[idx].opts[j].label;
	return NULL;
}

static void
add_val(struct fvalue *fv, const char *s)
{
	fv->vals = xrealloc(fv->vals, (fv->valsz + 1) * sizeof(char *));
	fv->vals[fv->valsz++] = xstrdup(s);
}

/* Replace the value of the shown field k (password from its seal). */
void
form_set(struct form *fm, enum key k, const char *value)
{
	size_t	 i;

	if ((i = form_find(fm, k)) == fm->fieldsz)
		return;
	clear_vals(&fm->v[i]);
	add_val(&fm->v[i], value);
}

/* ---- FK_FILE: accepted types, quarantine store, signed references ---- */

enum magic {
	MAGIC_NONE,
	MAGIC_PDF,
	MAGIC_PNG,
	MAGIC_JPEG,
	MAGIC_GIF,
	MAGIC_OLE,		/* legacy Office compound file */
	MAGIC_DOCX,
	MAGIC_XLSX,
	MAGIC_PPTX,
	MAGIC__MAX
};

/* Every accepted extension, the content it must have and its name. */
static const struct {
	const char	*ext;
	enum magic	 magic;
	const char	*mime;
	const char	*label;
} ftypes[] = {
	{ "pdf", MAGIC_PDF, "application/pdf", "PDF" },
	{ "doc", MAGIC_OLE, "application/msword", "Word" },
	{ "docx", MAGIC_DOCX, "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document", "Word" },
	{ "xls", MAGIC_OLE, "application/vnd.ms-excel", "Excel" },
	{ "xlsx", MAGIC_XLSX, "application/vnd.openxmlformats-officedocument."
	  "spreadsheetml.sheet", "Excel" },
	{ "ppt", MAGIC_OLE, "application/vnd.ms-powerpoint", "PowerPoint" },
	{ "pptx", MAGIC_PPTX, "application/vnd.openxmlformats-officedocument."
	  "presentationml.presentation", "PowerPoint" },
	{ "jpg", MAGIC_JPEG, "image/jpeg", "JPEG" },
	{ "jpeg", MAGIC_JPEG, "image/jpeg", "JPEG" },
	{ "png", MAGIC_PNG, "image/png", "PNG" },
	{ "gif", MAGIC_GIF, "image/gif", "GIF" },
};

/* What the file input offers and the hint and message name. */
#define FILE_ACCEPT	".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg," \
			".png,.gif"
#define FILE_KINDS	"PDF、Word、Excel、PowerPoint、JPEG、PNG、GIF"

static unsigned int
le16(const unsigned char *p)
{
	return (unsigned int)p[0] | (unsigned int)p[1] << 8;
}

static size_t
le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	    (size_t)p[3] << 24;
}

/* 1 if the entry name n[0..len) ends with suffix. */
static int
ends_with(const unsigned char *n, size_t len, const char *suffix)
{
	size_t	 sl = strlen(suffix);

	return len >= sl && memcmp(n + len - sl, suffix, sl) == 0;
}

/*
 * Walk the central directory of a ZIP archive: an OOXML document has a
 * [Content_Types].xml entry and a word/, xl/ or ppt/ part.  *active is
 * set for a VBA project or ActiveX part.  MAGIC_NONE if it is not one.
 */
static enum magic
zip_kind(const unsigned char *p, size_t sz, int *active)
{
	const unsigned char	*e, *n;
	size_t			 i, lo, pos, cdoff, cdsz, count, nl;
	int			 ct = 0, word = 0, xl = 0, ppt = 0;

	if (sz < 22)
		return MAGIC_NONE;
	/* The end record sits within the last 22 + 65535 bytes. */
	lo = sz > 22 + 65535 ? sz - 22 - 65535 : 0;
	for (i = sz - 22 + 1; i-- > lo; )
		if (memcmp(p + i, "PK\5\6", 4) == 0)
			break;
	if (i < lo || i == (size_t)-1 || memcmp(p + i, "PK\5\6", 4) != 0)
		return MAGIC_NONE;
	e = p + i;
	count = le16(e + 10);
	cdsz = le32(e + 12);
	cdoff = le32(e + 16);
	if (cdoff > i || cdsz > i - cdoff)
		return MAGIC_NONE;
	for (pos = cdoff, i = 0; i < count && i < ZIP_ENTRIES_MAX; i++) {
		if (cdoff + cdsz - pos < 46 ||
		    memcmp(p + pos, "PK\1\2", 4) != 0)
			return MAGIC_NONE;
		nl = le16(p + pos + 28);
		lo = 46 + nl + le16(p + pos + 30) + le16(p + pos + 32);
		if (cdoff + cdsz - pos < lo)
			return MAGIC_NONE;
		n = p + pos + 46;
		if (nl == 19 && memcmp(n, "[Content_Types].xml", 19) == 0)
			ct = 1;
		else if (nl > 5 && memcmp(n, "word/", 5) == 0)
			word = 1;
		else if (nl > 3 && memcmp(n, "xl/", 3) == 0)
			xl = 1;
		else if (nl > 4 && memcmp(n, "ppt/", 4) == 0)
			ppt = 1;
		if (ends_with(n, nl, "vbaProject.bin") ||
		    memmem(n, nl, "activeX", 7) != NULL)
			*active = 1;
		pos += lo;
	}
	if (!ct || word + xl + ppt != 1)
		return MAGIC_NONE;
	return word ? MAGIC_DOCX : xl ? MAGIC_XLSX : MAGIC_PPTX;
}

/* 1 if a PDF carries a /JavaScript, /JS or /Launch action. */
static int
pdf_active(const unsigned char *p, size_t sz)
{
	static const char *const names[] = { "/JavaScript", "/JS", "/Launch" };
	const unsigned char	*q, *end = p + sz;
	size_t			 i, nl;

	for (i = 0; i < KENMIN_NELEM(names); i++) {
		nl = strlen(names[i]);
		for (q = p; (q = memmem(q, (size_t)(end - q), names[i], nl)) !=
		    NULL; q += nl)
			/* A name ends at a delimiter or whitespace. */
			if (q + nl == end || strchr("/<>[]() \t\r\n\f",
			    q[nl]) != NULL)
				return 1;
	}
	return 0;
}

/* The type the content shows; *active for macros and scripts. */
static enum magic
magic_of(const unsigned char *p, size_t sz, int *active)
{
	static const unsigned char ole[8] =
	    { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	static const unsigned char png[8] =
	    { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	/* "_VBA_PROJECT" as the UTF-16LE name of a storage. */
	static const unsigned char vba[24] = { '_', 0, 'V', 0, 'B', 0, 'A', 0,
	    '_', 0, 'P', 0, 'R', 0, 'O', 0, 'J', 0, 'E', 0, 'C', 0, 'T', 0 };

	*active = 0;
	if (sz >= 5 && memcmp(p, "%PDF-", 5) == 0) {
		*active = pdf_active(p, sz);
		return MAGIC_PDF;
	}
	if (sz >= 8 && memcmp(p, png, 8) == 0)
		return MAGIC_PNG;
	if (sz >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return MAGIC_JPEG;
	if (sz >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return MAGIC_GIF;
	if (sz >= 512 && memcmp(p, ole, 8) == 0) {
		*active = memmem(p, sz, vba, sizeof(vba)) != NULL;
		return MAGIC_OLE;
	}
	if (sz >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return zip_kind(p, sz, active);
	return MAGIC_NONE;
}

/*
 * Decide whether the bytes p[0..sz) sent as filename may be kept: the
 * type is read from the content, and the extension must name the same
 * type.  On FSNIFF_OK (and FSNIFF_ACTIVE) *mime and *label are static
 * strings of the type ("application/pdf", "PDF").
 */
enum fsniff
form_sniff(const void *data, size_t sz, const char *filename,
    const char **mime, const char **label)
{
	const char	*dot;
	char		 ext[8];
	enum magic	 m;
	size_t		 i, n;
	int		 active;

	*mime = *label = NULL;
	if ((m = magic_of(data, sz, &active)) == MAGIC_NONE)
		return FSNIFF_UNKNOWN;
	if ((dot = strrchr(filename, '.')) == NULL ||
	    (n = strlen(dot + 1)) == 0 || n >= sizeof(ext))
		return FSNIFF_EXT;
	for (i = 0; i <= n; i++)
		ext[i] = (char)tolower((unsigned char)dot[1 + i]);
	for (i = 0; i < KENMIN_NELEM(ftypes); i++)
		if (strcmp(ftypes[i].ext, ext) == 0)
			break;
	if (i == KENMIN_NELEM(ftypes) || ftypes[i].magic != m)
		return FSNIFF_EXT;
	*mime = ftypes[i].mime;
	*label = ftypes[i].label;
	return active ? FSNIFF_ACTIVE : FSNIFF_OK;
}

/* The display name of a stored type ("PDF"), or "不明". */
static const char *
mime_label(const char *mime)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(ftypes); i++)
		if (strcmp(ftypes[i].mime, mime) == 0)
			return ftypes[i].label;
	return "不明";
}

/* A size the Japanese way: 「512バイト」「123KB」「1.5MB」. */
static void
size_text(struct buf *b, long long sz)
{
	if (sz < 1024)
		buf_printf(b, "%lldバイト", sz);
	else if (sz < 1024 * 1024)
		buf_printf(b, "%lldKB", (sz + 1023) / 1024);
	else if (sz % (1024 * 1024) == 0)
		buf_printf(b, "%lldMB", sz / (1024 * 1024));
	else
		buf_printf(b, "%lld.%lldMB", sz / (1024 * 1024),
		    sz % (1024 * 1024) * 10 / (1024 * 1024));
}

/*
 * The HMAC of a reference: bound to the upload id and the visitor's
 * CSRF token (session or anonymous), under a key derived from the
 * index key.  hex gets 64 chars and a NUL.  0 if no keys.
 */
static int
upref_mac(struct ctx *ctx, int64_t id, char hex[65])
{
	unsigned char	 k[crypto_auth_hmacsha256_BYTES];
	unsigned char	 mac[crypto_auth_hmacsha256_BYTES];
	static const char label[] = "kenmin upload reference v1";
	char		 msg[32 + SESS_HEX];
	int		 n;

	if (!sess_keys(ctx))
		return 0;
	crypto_auth_hmacsha256(k, (const unsigned char *)label,
	    sizeof(label) - 1, ctx->keys->index);
	n = snprintf(msg, sizeof(msg), "%lld:%s", (long long)id,
	    sess_csrf(ctx));
	if (n < 0 || (size_t)n >= sizeof(msg))
		return 0;
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (size_t)n, k);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	sodium_memzero(k, sizeof(k));
	return 1;
}

/* The reference "ID.HMAC" of upload id into ref[UPREF_MAX]. */
static int
upref_make(struct ctx *ctx, int64_t id, char ref[UPREF_MAX])
{
	char	 hex[65];
	int	 n;

	if (!upref_mac(ctx, id, hex))
		return 0;
	n = snprintf(ref, UPREF_MAX, "%lld.%s", (long long)id, hex);
	return n > 0 && n < UPREF_MAX;
}

/* The upload id a reference names if its HMAC holds, else 0. */
static int64_t
upref_id(struct ctx *ctx, const char *ref)
{
	const char	*dot;
	char		 num[24], hex[65];
	long long	 id;
	size_t		 n;

	if ((dot = strchr(ref, '.')) == NULL ||
	    (n = (size_t)(dot - ref)) == 0 || n >= sizeof(num) ||
	    strlen(dot + 1) != 64)
		return 0;
	memcpy(num, ref, n);
	num[n] = '\0';
	if (!util_strtoll(num, 1, INT64_MAX, &id) || !upref_mac(ctx, id, hex))
		return 0;
	return sodium_memcmp(hex, dot + 1, 64) == 0 ? (int64_t)id : 0;
}

/*
 * The row of upload id: 1 with its description 「名前（PDF形式、123KB）」
 * appended to desc (if not NULL), 0 if there is none (purged, rejected),
 * -1 on a database error.
 */
static int
upload_desc(struct ctx *ctx, int64_t id, struct buf *desc)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx) ||
	    (st = db_prep(ctx->db, sql[STMT_UPLOAD_GET])) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	if (desc != NULL) {
		buf_printf(desc, "%s（%s形式、", db_col_text(st, 0),
		    mime_label(db_col_text(st, 1)));
		size_text(desc, sqlite3_column_int64(st, 2));
		buf_puts(desc, "）");
	}
	sqlite3_reset(st);
	return 1;
}

/* The file part the body sent for key k (valid or not), or NULL. */
static const struct kfield *
file_part(const struct form *fm, enum key k)
{
	const struct kfield	*f;
	int			 pass;

	for (pass = 0; pass < 2; pass++)
		for (f = pass == 0 ? req_get(&fm->ctx->req, KSRC_BODY, k) :
		    req_get_invalid(&fm->ctx->req, KSRC_BODY, k); f != NULL;
		    f = f->next)
			if (f->file != NULL && f->file[0] != '\0')
				return f;
	return NULL;
}

/*
 * Read an FK_FILE field: the value is the reference of the file kept
 * from an earlier step, if its HMAC holds, its row still exists and the
 * 「削除する」 choice was not taken.  A newly sent file is looked at by
 * form_validate().
 */
static void
read_file(struct form *fm, size_t i)
{
	const struct kfield	*f;
	const char		*ref = NULL;
	int64_t			 id;
	int			 pass, del = 0;

	for (pass = 0; pass < 2; pass++)
		for (f = pass == 0 ? req_get(&fm->ctx->req, KSRC_BODY,
		    fm->fields[i].key) : req_get_invalid(&fm->ctx->req,
		    KSRC_BODY, fm->fields[i].key); f != NULL; f = f->next) {
			if (f->file != NULL)
				continue;
			if (strcmp(f->val, "delete") == 0)
				del = 1;
			else if (ref == NULL && f->valsz < UPREF_MAX)
				ref = f->val;
		}
	if (del || ref == NULL || (id = upref_id(fm->ctx, ref)) == 0 ||
	    upload_desc(fm->ctx, id, NULL) != 1)
		return;
	add_val(&fm->v[i], ref);
}

/*
 * The name kept for a file: the browser's base name with control and
 * path characters replaced, at most UPNAME_MAX bytes on a character
 * boundary.  Returns a malloc'd string.
 */
static char *
clean_name(const char *name)
{
	char	*s;
	size_t	 i, n;

	n = strlen(name);
	if (n > UPNAME_MAX) {
		n = UPNAME_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	s = xstrndup(name, n);
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    strchr("/\\:*?\"<>|", s[i]) != NULL)
			s[i] = '_';
	if (s[0] == '\0' || s[0] == '.') {
		free(s);
		s = xstrdup("file");
	}
	return s;
}

/*
 * Store the file f under upload_dir (made 0700, never inside the site
 * directory) with a random name, and its upload row in state
 * 'quarantine'.  1 with the row id in *id, 0 on error (printed; the
 * file is removed again).
 */
static int
store_file(struct ctx *ctx, const struct kfield *f, const char *mime,
    int64_t *id)
{
	const struct config	*cfg = ctx->cfg;
	unsigned char		 h[crypto_hash_sha256_BYTES];
	char			 name[33];
	char			*orig = NULL;
	struct buf		 path;
	sqlite3_stmt		*st;
	size_t			 off, n;
	ssize_t			 w;
	int			 fd = -1, made = 0, rc = 0;

	buf_init(&path, 4096);
	n = strlen(cfg->site_dir);
	if (n > 0 && strncmp(cfg->upload_dir, cfg->site_dir, n) == 0 &&
	    (cfg->upload_dir[n] == '/' || cfg->upload_dir[n] == '\0')) {
		kerr("%s: upload_dir is inside site_dir", cfg->upload_dir);
		goto out;
	}
	if (!util_mkdirs(cfg->upload_dir) || !sess_db(ctx))
		goto out;
	crypto_token_hex(name, 16);
	buf_printf(&path, "%s/%s", cfg->upload_dir, name);
	if (!buf_ok(&path))
		goto out;
	fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		kerr("%s: %s", buf_str(&path), strerror(errno));
		goto out;
	}
	made = 1;
	for (off = 0; off < f->valsz; off += (size_t)w)
		if ((w = write(fd, f->val + off, f->valsz - off)) <= 0) {
			kerr("%s: %s", buf_str(&path),
			    w < 0 ? strerror(errno) : "short write");
			goto out;
		}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		kerr("%s: %s", buf_str(&path), strerror(errno));
		goto out;
	}
	fd = -1;
	crypto_hash_sha256(h, (const unsigned char *)f->val, f->valsz);
	orig = clean_name(f->file);
	if ((st = db_prep(ctx->db, sql[STMT_UPLOAD_ADD])) == NULL)
		goto out;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, orig);
	db_bind_text(st, 3, mime);
	db_bind_int(st, 4, (long long)f->valsz);
	db_bind_blob(st, 5, h, sizeof(h));
	db_bind_int(st, 6, ctx->now);
	if (!db_run(ctx->db, st))
		goto out;
	*id = db_last_id(ctx->db);
	rc = 1;
out:
	if (fd >= 0)
		close(fd);
	if (!rc && made)
		unlink(buf_str(&path));
	free(orig);
	buf_free(&path);
	return rc;
}

/* The most bytes field idx takes. */
static size_t
file_max(const struct ffield *fd)
{
	return fd->max > 0 && (size_t)fd->max < REQ_FILE_MAX ?
	    (size_t)fd->max : REQ_FILE_MAX;
}

/*
 * The rules of an FK_FILE field: a newly sent file must be of an
 * accepted type named by its extension, not empty, within the size, and
 * is then stored and replaces the kept one; required means a file is
 * kept or sent.
 */
static void
check_file(struct form *fm, size_t i)
{
	const struct ffield	*fd = &fm->fields[i];
	const struct kfield	*f;
	const char		*mime, *label, *lb = fd->label;
	char			 ref[UPREF_MAX];
	struct buf		 b;
	int64_t			 id;

	buf_init(&b, 64);
	if ((f = file_part(fm, fd->key)) != NULL) {
		clear_vals(&fm->v[i]);
		size_text(&b, (long long)file_max(fd));
		if (f->valsz == 0)
			form_error(fm, i, "%sのファイル（%s）は空です。"
			    "内容のあるファイルを選択してください。", lb, f->file);
		else if (f->valsz > file_max(fd))
			form_error(fm, i, "%sのファイルが大きすぎます。%sまでの"
			    "ファイルを選択してください。", lb, buf_str(&b));
		else switch (form_sniff(f->val, f->valsz, f->file, &mime,
		    &label)) {
		case FSNIFF_OK:
			if (!store_file(fm->ctx, f, mime, &id) ||
			    !upref_make(fm->ctx, id, ref))
				form_error(fm, i, "%sのファイルを保存できません"
				    "でした。しばらくしてから、もう一度お試し"
				    "ください。", lb);
			else
				add_val(&fm->v[i], ref);
			break;
		case FSNIFF_ACTIVE:
			form_error(fm, i, "%sに、マクロやスクリプトを含むファイルは"
			    "添付できません。", lb);
			break;
		case FSNIFF_EXT:
			form_error(fm, i, "%sのファイル名の拡張子が、ファイルの"
			    "内容と一致しません。正しい拡張子のファイルを選択して"
			    "ください（" FILE_KINDS "）。", lb);
			break;
		default:
			form_error(fm, i, "%s：ファイルの種類が対応していません"
			    "（" FILE_KINDS "）。", lb);
			break;
		}
	}
	if (fm->v[i].err == NULL && fd->required && fm->v[i].valsz == 0)
		form_error(fm, i, "%sのファイルを選択してください。", lb);
	buf_free(&b);
}

/*
 * The upload id the shown FK_FILE field k holds (its reference was
 * checked when read or stored), or 0 if none.
 */
int64_t
form_upload_id(const struct form *fm, enum key k)
{
	size_t	 i;

	if ((i = form_find(fm, k)) == fm->fieldsz ||
	    fm->fields[i].kind != FK_FILE || fm->v[i].valsz == 0)
		return 0;
	return upref_id(fm->ctx, fm->v[i].vals[0]);
}

/*
 * The values of a checkbox group that came as one hidden field, joined
 * with "," by form_hidden_vars() (option values never hold a comma; a
 * tampered one fails the option check like any other).
 */
static void
add_joined(struct fvalue *fv, const char *s)
{
	const char	*e;
	char		*one;

	for (; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s)
			continue;
		one = xstrndup(s, (size_t)(e - s));
		add_val(fv, one);
		free(one);
	}
}

/*
 * Read every shown field from the POST body.  A field the key table's
 * validator refused is read too (form_validate() says why in Japanese).
 * One value per field but checkbox groups; text is trimmed, passwords
 * are taken exactly as typed.
 */
void
form_read(struct form *fm)
{
	const struct kfield	*f;
	const struct ffield	*fd;
	struct fvalue		*fv;
	size_t			 i;
	int			 pass;

	for (i = 0; i < fm->fieldsz; i++) {
		fd = &fm->fields[i];
		fv = &fm->v[i];
		clear_vals(fv);
		if (!form_shown(fm, i))
			continue;
		if (fd->kind == FK_FILE) {
			read_file(fm, i);
			continue;
		}
		for (pass = 0; pass < 2; pass++) {
			f = pass == 0 ? req_get(&fm->ctx->req, KSRC_BODY,
			    fd->key) : req_get_invalid(&fm->ctx->req,
			    KSRC_BODY, fd->key);
			for (; f != NULL; f = f->next) {
				if (fd->kind != FK_CHECKS && fv->valsz > 0)
					break;
				if (fd->kind == FK_CHECKS &&
				    strchr(f->val, ',') != NULL) {
					add_joined(fv, f->val);
					continue;
				}
				add_val(fv, f->val);
				if (fd->kind != FK_PASSWORD)
					text_trim(fv->vals[fv->valsz - 1]);
			}
		}
		/* An empty checkbox value means nothing was ticked. */
		if (fd->kind == FK_CHECKS && fv->valsz == 1 &&
		    fv->vals[0][0] == '\0')
			clear_vals(fv);
	}
}

/*
 * The check of an "email2" field (KEY_R_EMAIL2): the address typed a
 * second time must equal KEY_R_EMAIL's.
 */
void
form_check_email2(struct form *fm, size_t i)
{
	if (strcmp(form_val(fm, KEY_R_EMAIL), form_val(fm, KEY_R_EMAIL2)) != 0)
		form_error(fm, i, "確認のために入力したEメールが一致しません。");
}

/*
 * Give field idx the message fmt (printf, Japanese, naming the field),
 * unless it already has one: the first rule that fails is shown.
 */
void
form_error(struct form *fm, size_t idx, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;

	if (idx >= fm->fieldsz || fm->v[idx].err != NULL)
		return;
	buf_init(&b, FORM_MSG_MAX);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fm->v[idx].err = buf_ok(&b) ? buf_take(&b) : xstrdup("入力内容をご確認ください。");
	buf_free(&b);
	fm->nerr++;
}

/* 1 if s has control characters other than those in allow. */
static int
has_ctrl(const char *s, const char *allow)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 || *s == 0x7f) &&
		    strchr(allow, *s) == NULL)
			return 1;
	return 0;
}

/* 1 if value is one of field idx's options. */
static int
is_option(const struct form *fm, size_t idx, const char *value)
{
	return form_label(fm, idx, value) != NULL;
}

/* Telephone: digits and hyphens, 10 or 11 digits, as 083-922-0000. */
static int
tel_ok(const char *s)
{
	size_t	 digits = 0;

	if (*s == '-')
		return 0;
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (*s != '-' || s[1] == '-' || s[1] == '\0')
			return 0;
	}
	return digits >= 10 && digits <= 11;
}

/* Postcode: 7 digits, optionally 3-4 with a hyphen. */
static int
zip_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n != 7 && n != 8)
		return 0;
	for (i = 0; i < n; i++)
		if (n == 8 && i == 3 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A date YYYY-MM-DD that exists (kvalid_date's rule). */
static int
date_ok(const char *s)
{
	struct kfield	 f;
	struct kkey	 k;

	memset(&f, 0, sizeof(f));
	memset(&k, 0, sizeof(k));
	f.val = (char *)s;
	f.valsz = strlen(s);
	return kvalid_date(&f, &k);
}

/* Full-width digits and hyphens to ASCII (NFKC) in place of *val. */
static void
fold_width(char **val)
{
	char	*n;

	if ((n = text_normalize(*val)) == NULL)
		return;
	free(*val);
	*val = n;
}

/* The generic rules of one shown field. */
static void
check_field(struct form *fm, size_t i)
{
	const struct ffield	*fd = &fm->fields[i];
	struct fvalue		*fv = &fm->v[i];
	const char		*v, *lb = fd->label;
	size_t			 j, n;

	if (fd->kind == FK_FILE) {
		check_file(fm, i);
		return;
	}
	v = fv->valsz > 0 ? fv->vals[0] : "";
	for (j = 0; j < fv->valsz; j++)
		if (has_ctrl(fv->vals[j], fd->kind == FK_TEXTAREA ?
		    "\t\r\n" : "")) {
			form_error(fm, i, "%sに改行などの制御文字は使用できません。",
			    lb);
			return;
		}
	if (*v == '\0') {
		if (!fd->required)
			return;
		switch (fd->kind) {
		case FK_SELECT:
		case FK_RADIO:
		case FK_CHECKS:
			form_error(fm, i, "%sを選択してください。", lb);
			break;
		case FK_AGREE:
			form_error(fm, i, "「%s」にチェックを入れてください。", lb);
			break;
		default:
			form_error(fm, i, "%sを入力してください。", lb);
			break;
		}
		return;
	}
	n = text_utf8_count(v);
	switch (fd->kind) {
	case FK_TEXT:
	case FK_TEXTAREA:
	case FK_PASSWORD:
		if (fd->min > 0 && fd->max > 0 &&
		    ((long long)n < fd->min || (long long)n > fd->max))
			form_error(fm, i, "%sは%lld文字以上%lld文字以内で"
			    "入力してください。", lb, fd->min, fd->max);
		else if (fd->max > 0 && (long long)n > fd->max)
			form_error(fm, i, "%sは%lld文字以内で入力してください。",
			    lb, fd->max);
		break;
	case FK_EMAIL:
		if (strlen(v) > OUTBOX_ADDR_MAX || !outbox_addr_ok(v))
			form_error(fm, i, "%sの形式が正しくありません"
			    "（例：taro@example.jp）。", lb);
		break;
	case FK_TEL:
		fold_width(&fv->vals[0]);
		if (!tel_ok(fv->vals[0]))
			form_error(fm, i, "%sは数字とハイフンで、市外局番から"
			    "入力してください（例：083-922-0000）。", lb);
		break;
	case FK_ZIP:
		fold_width(&fv->vals[0]);
		if (!zip_ok(fv->vals[0]))
			form_error(fm, i, "%sは7桁の数字で入力してください"
			    "（例：753-0072）。", lb);
		break;
	case FK_DATE:
		fold_width(&fv->vals[0]);
		if (!date_ok(fv->vals[0]))
			form_error(fm, i, "%sは「2000-04-01」のように、"
			    "正しい日付を入力してください。", lb);
		break;
	case FK_SELECT:
	case FK_RADIO:
		if (!is_option(fm, i, v))
			form_error(fm, i, "%sを選択してください。", lb);
		break;
	case FK_CHECKS:
		for (j = 0; j < fv->valsz; j++)
			if (!is_option(fm, i, fv->vals[j])) {
				form_error(fm, i, "%sの選択肢が正しく"
				    "ありません。", lb);
				break;
			}
		break;
	case FK_AGREE:
		if (strcmp(v, "1") != 0)
			form_error(fm, i, "「%s」にチェックを入れてください。",
			    lb);
		break;
	default:
		break;
	}
}

/*
 * Apply every rule to every shown field: control characters, required,
 * length, format, options, then the field's own check.  Returns 1 if
 * no field has an error; the messages are in fm->v[].err.
 */
int
form_validate(struct form *fm)
{
	size_t	 i;

	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		check_field(fm, i);
		if (fm->v[i].err == NULL && fm->fields[i].check != NULL)
			fm->fields[i].check(fm, i);
	}
	return fm->nerr == 0;
}

/* The HTML name of a key. */
static const char *
kname(enum key k)
{
	return keys[k].name;
}

/* The options of field i as template values. */
static struct tval *
opt_list(struct form *fm, struct tarena *ta, size_t i, const char *id,
    const char *type)
{
	const struct fvalue	*fv = &fm->v[i];
	struct tval		*list, *o;
	struct buf		 b;
	size_t			 j, k;
	int			 on;

	list = tv_list(ta);
	buf_init(&b, 256);
	for (j = 0; j < fv->optsz; j++) {
		o = tv_push_obj(list);
		tv_set_str(o, "value", fv->opts[j].value);
		tv_set_str(o, "label", fv->opts[j].label);
		for (on = 0, k = 0; k < fv->valsz; k++)
			if (strcmp(fv->vals[k], fv->opts[j].value) == 0)
				on = 1;
		tv_set_bool(o, "on", on);
		buf_reset(&b);
		buf_printf(&b, "%s-%zu", id, j + 1);
		tv_set_str(o, "oid", buf_str(&b));
		tv_set_str(o, "type", type);
	}
	buf_free(&b);
	return list;
}

/*
 * Put into v what form_fields.html and form_summary.html show: the
 * "fields" list and, when errors is set and a field has one, the
 * "errors" list (links to the fields) and "has_errors".
 */
void
form_vars(struct form *fm, struct tarena *ta, struct tval *v, int errors)
{
	const struct ffield	*fd;
	struct fvalue		*fv;
	struct tval		*fields, *errs, *o, *e;
	struct buf		 id, hid, eid, nid, desc, target, fh;
	size_t			 i;
	int			 kept;

	fields = tv_list(ta);
	errs = tv_list(ta);
	buf_init(&id, 256);
	buf_init(&hid, 256);
	buf_init(&eid, 256);
	buf_init(&nid, 256);
	buf_init(&desc, 1024);
	buf_init(&target, 256);
	buf_init(&fh, 4096);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		fd = &fm->fields[i];
		fv = &fm->v[i];
		buf_reset(&fh);
		buf_reset(&id);
		buf_reset(&hid);
		buf_reset(&eid);
		buf_reset(&nid);
		buf_reset(&desc);
		buf_reset(&target);
		buf_printf(&id, "f-%s", kname(fd->key));
		buf_printf(&hid, "f-%s-hint", kname(fd->key));
		buf_printf(&eid, "f-%s-error", kname(fd->key));
		buf_printf(&nid, "f-%s-notice", kname(fd->key));

		o = tv_push_obj(fields);
		tv_set_str(o, "id", buf_str(&id));
		tv_set_str(o, "name", kname(fd->key));
		tv_set_str(o, "label", fd->label);
		tv_set_bool(o, "required", fd->required);
		if (fd->notice != NULL) {
			tv_set_str(o, "notice", fd->notice);
			tv_set_str(o, "notice_id", buf_str(&nid));
			buf_puts(&desc, buf_str(&nid));
		}
		if (fd->kind == FK_FILE) {
			/* The types and the size, in every file's hint. */
			if (fd->hint != NULL)
				buf_printf(&fh, "%s", fd->hint);
			buf_puts(&fh, "対応している形式：" FILE_KINDS "。"
			    "1ファイル");
			size_text(&fh, (long long)file_max(fd));
			buf_puts(&fh, "まで。");
		} else if (fd->hint != NULL)
			buf_puts(&fh, fd->hint);
		if (fh.len > 0) {
			tv_set_str(o, "hint", buf_str(&fh));
			tv_set_str(o, "hint_id", buf_str(&hid));
			if (desc.len > 0)
				buf_putc(&desc, ' ');
			buf_puts(&desc, buf_str(&hid));
		}
		if (errors && fv->err != NULL) {
			tv_set_str(o, "error", fv->err);
			tv_set_str(o, "error_id", buf_str(&eid));
			tv_set_bool(o, "invalid", 1);
			if (desc.len > 0)
				buf_putc(&desc, ' ');
			buf_puts(&desc, buf_str(&eid));
		}
		if (desc.len > 0)
			tv_set_str(o, "describedby", buf_str(&desc));

		buf_puts(&target, buf_str(&id));
		switch (fd->kind) {
		case FK_TEXTAREA:
			tv_set_bool(o, "textarea", 1);
			tv_set_str(o, "value", fv->valsz > 0 ? fv->vals[0] : "");
			break;
		case FK_SELECT:
			tv_set_bool(o, "select", 1);
			tv_set(o, "options", opt_list(fm, ta, i,
			    buf_str(&id), "option"));
			break;
		case FK_RADIO:
		case FK_CHECKS:
			tv_set_bool(o, "group", 1);
			tv_set(o, "options", opt_list(fm, ta, i, buf_str(&id),
			    fd->kind == FK_RADIO ? "radio" : "checkbox"));
			/* The summary links to the first box of the group. */
			buf_puts(&target, "-1");
			break;
		case FK_AGREE:
			tv_set_bool(o, "agree", 1);
			tv_set_bool(o, "on", fv->valsz > 0 &&
			    strcmp(fv->vals[0], "1") == 0);
			break;
		case FK_FILE:
			tv_set_bool(o, "file", 1);
			tv_set_str(o, "accept", FILE_ACCEPT);
			/* A kept file: keep it (its reference) or delete. */
			buf_reset(&fh);
			kept = fv->valsz > 0 && upload_desc(fm->ctx,
			    form_upload_id(fm, fd->key), &fh) == 1;
			tv_set_bool(o, "kept", kept);
			if (kept) {
				tv_set_str(o, "kept_desc", buf_str(&fh));
				tv_set_str(o, "ref", fv->vals[0]);
				buf_reset(&fh);
				buf_printf(&fh, "%s-kept", buf_str(&id));
				tv_set_str(o, "kept_id", buf_str(&fh));
				if (desc.len > 0)
					buf_putc(&desc, ' ');
				buf_puts(&desc, buf_str(&fh));
				tv_set_str(o, "describedby", buf_str(&desc));
				buf_reset(&fh);
				buf_printf(&fh, "%s-keep", buf_str(&id));
				tv_set_str(o, "keep_id", buf_str(&fh));
				buf_reset(&fh);
				buf_printf(&fh, "%s-delete", buf_str(&id));
				tv_set_str(o, "delete_id", buf_str(&fh));
			}
			break;
		default:
			tv_set_bool(o, "input", 1);
			tv_set_str(o, "type", fd->kind == FK_EMAIL ? "email" :
			    fd->kind == FK_TEL ? "tel" :
			    fd->kind == FK_DATE ? "date" :
			    fd->kind == FK_PASSWORD ? "password" : "text");
			/* A password is never sent back to the browser. */
			if (fd->kind != FK_PASSWORD && fv->valsz > 0)
				tv_set_str(o, "value", fv->vals[0]);
			/* maxlength is not allowed on <input type="date">. */
			if (fd->max > 0 && fd->kind != FK_DATE)
				tv_set_int(o, "maxlength", fd->max);
			if (fd->autocomplete != NULL)
				tv_set_str(o, "autocomplete", fd->autocomplete);
			if (fd->kind == FK_TEL || fd->kind == FK_ZIP)
				tv_set_str(o, "inputmode", "numeric");
			break;
		}
		if (errors && fv->err != NULL) {
			e = tv_push_obj(errs);
			buf_reset(&desc);
			buf_printf(&desc, "#%s", buf_str(&target));
			tv_set_str(e, "href", buf_str(&desc));
			tv_set_str(e, "message", fv->err);
		}
	}
	tv_set(v, "fields", fields);
	if (tv_len(errs) > 0) {
		tv_set(v, "errors", errs);
		tv_set_bool(v, "has_errors", 1);
	}
	buf_free(&id);
	buf_free(&hid);
	buf_free(&eid);
	buf_free(&nid);
	buf_free(&desc);
	buf_free(&target);
	buf_free(&fh);
}

/*
 * Append to b the value of field idx as the person will see it on the
 * confirmation page (and staff on a review screen): option labels, a
 * file's name, type and size, 「（未入力）」; passwords masked.
 */
void
form_text(struct form *fm, size_t idx, struct buf *b)
{
	const struct ffield	*fd = &fm->fields[idx];
	const struct fvalue	*fv = &fm->v[idx];
	const char		*lb;
	size_t			 j, start = b->len;

	if (fd->kind == FK_FILE) {
		if (fv->valsz == 0 || upload_desc(fm->ctx,
		    form_upload_id(fm, fd->key), b) != 1) {
			b->len = start;
			buf_puts(b, "（添付なし）");
		}
		return;
	}
	for (j = 0; fd->kind != FK_PASSWORD && j < fv->valsz; j++) {
		lb = fd->optsrc != FO_NONE ?
		    form_label(fm, idx, fv->vals[j]) : fv->vals[j];
		if (lb == NULL)
			continue;
		if (b->len > start)
			buf_puts(b, "、");
		buf_puts(b, lb);
	}
	if (fd->kind == FK_PASSWORD && fv->valsz > 0)
		buf_puts(b, "（入力済み・表示しません）");
	else if (fd->kind == FK_AGREE && b->len > start) {
		b->len = start;
		buf_puts(b, "同意する");
	} else if (b->len == start)
		buf_puts(b, "（未入力）");
}

/*
 * One row of a staff review screen for field idx: {label, value} of
 * now, or with req (an edit request of the same form) {label, before,
 * after, changed}; values as form_text() gives them, 「（なし）」 for a
 * field a form does not show.  The strings are copied into rows' arena.
 */
void
form_review_row(struct form *now, struct form *req, size_t idx,
    struct tval *rows)
{
	struct buf	 a, b;
	struct tval	*o;

	buf_init(&a, 0);
	buf_init(&b, 0);
	if (form_shown(now, idx))
		form_text(now, idx, &a);
	else
		buf_puts(&a, "（なし）");
	o = tv_push_obj(rows);
	tv_set_str(o, "label", now->fields[idx].label);
	if (req == NULL)
		tv_set_str(o, "value", buf_str(&a));
	else {
		if (form_shown(req, idx))
			form_text(req, idx, &b);
		else
			buf_puts(&b, "（なし）");
		tv_set_str(o, "before", buf_str(&a));
		tv_set_str(o, "after", buf_str(&b));
		tv_set_bool(o, "changed", strcmp(buf_str(&a), buf_str(&b)) != 0);
	}
	buf_free(&a);
	buf_free(&b);
}

/*
 * Hold upload id in the shown FK_FILE field k, as when a form is
 * filled from a stored record: the field gets a fresh reference for
 * this visitor.  1 ok, 0 if there is no such field or no keys.
 */
int
form_set_upload(struct form *fm, enum key k, int64_t id)
{
	char	 ref[UPREF_MAX];
	size_t	 i;

	if ((i = form_find(fm, k)) == fm->fieldsz ||
	    fm->fields[i].kind != FK_FILE || !upref_make(fm->ctx, id, ref))
		return 0;
	clear_vals(&fm->v[i]);
	add_val(&fm->v[i], ref);
	return 1;
}

/* ---- payloads: a form's values kept as urlencoded text ---- */

/* Append "name=value", both percent-encoded, to the urlencoded b. */
void
form_pair(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_putc(b, '&');
	esc_urlcomp(b, name, strlen(name));
	buf_putc(b, '=');
	esc_urlcomp(b, value, strlen(value));
}

/*
 * Append fm's shown values to b as urlencoded text under the form's
 * own names: the stored form of an edit request.  A file is its upload
 * id, since a reference is bound to one visitor.
 */
void
form_payload(const struct form *fm, struct buf *b)
{
	const struct ffield	*fd;
	char			 num[24];
	int64_t			 id;
	size_t			 i, j;

	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		fd = &fm->fields[i];
		if (fd->kind == FK_FILE) {
			if ((id = form_upload_id(fm, fd->key)) > 0) {
				snprintf(num, sizeof(num), "%lld",
				    (long long)id);
				form_pair(b, keys[fd->key].name, num);
			}
			continue;
		}
		for (j = 0; j < fm->v[i].valsz; j++)
			form_pair(b, keys[fd->key].name, fm->v[i].vals[j]);
	}
}

/*
 * Read fm's values from urlencoded text (a stored record or an edit
 * request's payload) as if it had been posted: only the form's own
 * keys are taken (another page's key may share a name), and a file
 * given as an upload id becomes a reference of this visitor.  The
 * parsed copy is wiped (contact data passes here).  1 ok, 0 if the
 * text does not parse.
 */
int
form_from_payload(struct form *fm, const char *payload)
{
	const struct kfield	*f;
	unsigned char		 accept[KEY__MAX];
	struct reqspec		 spec;
	struct req		 saved, r;
	struct ctx		*ctx = fm->ctx;
	long long		 id;
	size_t			 i;
	int			 rc = 0;

	/* Opened now, so nothing below opens them with a borrowed req. */
	if (!sess_db(ctx) || !sess_keys(ctx))
		return 0;
	memset(accept, 0, sizeof(accept));
	for (i = 0; i < fm->fieldsz; i++)
		accept[fm->fields[i].key] = 1;
	memset(&spec, 0, sizeof(spec));
	spec.keys = keys;
	spec.keysz = KEY__MAX;
	spec.accept = accept;
	req_init(&r, KEY__MAX);
	if (req_parse_urlenc(&r, &spec, KSRC_BODY, payload,
	    strlen(payload)) != REQ_OK) {
		kerr("form: a stored payload does not parse");
		goto out;
	}
	req_index(&r);
	saved = ctx->req;
	ctx->req = r;
	form_read(fm);
	r = ctx->req;
	ctx->req = saved;
	for (i = 0; i < fm->fieldsz; i++) {
		if (fm->fields[i].kind != FK_FILE || !form_shown(fm, i))
			continue;
		if ((f = req_get(&r, KSRC_BODY, fm->fields[i].key)) == NULL)
			f = req_get_invalid(&r, KSRC_BODY, fm->fields[i].key);
		clear_vals(&fm->v[i]);
		if (f != NULL && f->file == NULL &&
		    util_strtoll(f->val, 1, INT64_MAX, &id))
			form_set_upload(fm, fm->fields[i].key, id);
	}
	rc = 1;
out:
	for (i = 0; i < r.fieldsz; i++)
		sodium_memzero(r.fields[i].val, r.fields[i].valsz);
	req_free(&r);
	return rc;
}

/*
 * The "rows" list of the confirmation page (JIS 3.3.4): every shown
 * field with the value as the person will see it; passwords masked.
 */
void
form_confirm_vars(struct form *fm, struct tarena *ta, struct tval *v)
{
	struct tval	*rows, *o;
	struct buf	 b;
	size_t		 i;

	rows = tv_list(ta);
	buf_init(&b, 64 * 1024);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		buf_reset(&b);
		form_text(fm, i, &b);
		o = tv_push_obj(rows);
		tv_set_str(o, "label", fm->fields[i].label);
		tv_set_str(o, "value", buf_str(&b));
	}
	tv_set(v, "rows", rows);
	buf_free(&b);
}

/*
 * The "hidden" list: every value of every shown field but passwords,
 * as name/value pairs, for the confirmation page.  The next step reads
 * and validates them again: they are never trusted.
 */
void
form_hidden_vars(struct form *fm, struct tarena *ta, struct tval *v)
{
	struct tval	*list, *o;
	struct buf	 b;
	size_t		 i, j;

	list = tv_list(ta);
	buf_init(&b, 64 * 1024);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i) || fm->fields[i].kind == FK_PASSWORD)
			continue;
		/* A checkbox group is one field, its values joined. */
		if (fm->fields[i].kind == FK_CHECKS) {
			buf_reset(&b);
			for (j = 0; j < fm->v[i].valsz; j++)
				buf_printf(&b, "%s%s", j > 0 ? "," : "",
				    fm->v[i].vals[j]);
			o = tv_push_obj(list);
			tv_set_str(o, "name", kname(fm->fields[i].key));
			tv_set_str(o, "value", buf_str(&b));
			continue;
		}
		for (j = 0; j < fm->v[i].valsz; j++) {
			o = tv_push_obj(list);
			tv_set_str(o, "name", kname(fm->fields[i].key));
			tv_set_str(o, "value", fm->v[i].vals[j]);
		}
	}
	buf_free(&b);
	tv_set(v, "hidden", list);
}

/*
 * Seal pw under the data key (table "form", column "password") as hex
 * into hex (replaced), so the confirmation page carries no password in
 * clear.  1 ok, 0 error (printed).
 */
int
form_seal_pw(struct ctx *ctx, const char *pw, struct buf *hex)
{
	struct buf	 ct;
	char		*h;
	int		 rc = 0;

	buf_init(&ct, PWSEAL_MAX);
	if (!sess_keys(ctx) || !crypto_seal(ctx->keys, "form", "password", 0,
	    pw, strlen(pw), &ct) || ct.len * 2 + 1 > PWSEAL_MAX)
		goto out;
	h = xmalloc(ct.len * 2 + 1);
	sodium_bin2hex(h, ct.len * 2 + 1, (unsigned char *)ct.p, ct.len);
	buf_reset(hex);
	buf_puts(hex, h);
	free(h);
	rc = buf_ok(hex);
out:
	buf_free(&ct);
	return rc;
}

/*
 * Open a password sealed by form_seal_pw().  Returns a malloc'd string
 * the caller wipes and frees, or NULL if it does not open.
 */
char *
form_open_pw(struct ctx *ctx, const char *hex)
{
	unsigned char	*bin;
	struct buf	 pt;
	size_t		 binsz, hexsz;
	char		*pw = NULL;

	hexsz = strlen(hex);
	if (hexsz == 0 || hexsz > PWSEAL_MAX || !sess_keys(ctx))
		return NULL;
	bin = xmalloc(hexsz / 2 + 1);
	buf_init(&pt, PWSEAL_MAX);
	if (sodium_hex2bin(bin, hexsz / 2 + 1, hex, hexsz, NULL, &binsz,
	    NULL) == 0 && crypto_open(ctx->keys, "form", "password", 0, bin,
	    binsz, &pt) && strlen(buf_str(&pt)) == pt.len)
		pw = xstrdup(buf_str(&pt));
	if (pt.p != NULL)
		sodium_memzero(pt.p, pt.len);
	buf_free(&pt);
	free(bin);
	return pw;
}

/*
 * The result stored for idempotency key, into result (replaced).
 * Returns 1 if the key was used, 0 if not, -1 on a database error.
 * Call inside the write transaction that will store the record.
 */
int
form_idem_get(struct ctx *ctx, const char *key, struct buf *result)
{
	sqlite3_stmt	*st;
	int		 r;

	if (!sess_db(ctx) || (st = db_prep(ctx->db, sql[STMT_IDEM_GET])) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	if ((r = db_row(ctx->db, st)) <= 0)
		return r;
	buf_reset(result);
	buf_puts(result, db_col_text(st, 0));
	sqlite3_reset(st);
	return 1;
}

/*
 * The submit step's replay check, before any rule runs: the POST's
 * idempotency key into *key.  Returns 1 if a submit with it was made
 * before (its result in done: the caller shows the done page again), 0
 * to go on, -1 to stop with *rc set (the 400 page for a missing or bad
 * key; 0 on a database error).  Call inside the write transaction.
 */
int
form_submit_key(struct ctx *ctx, const char **key, struct buf *done,
    int *rc)
{
	int	 r;

	*rc = 0;
	if ((*key = flow_body(ctx, KEY_F_IDEM)) == NULL ||
	    req_get(&ctx->req, KSRC_BODY, KEY_F_IDEM) == NULL) {
		*rc = page_error(ctx, 400);
		return -1;
	}
	if ((r = form_idem_get(ctx, *key, done)) < 0)
		return -1;
	return r > 0;
}

/* Store key with result, in the caller's transaction.  1 ok. */
int
form_idem_put(struct ctx *ctx, const char *key, const char *result)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(ctx->db, sql[STMT_IDEM_PUT])) == NULL)
		return 0;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, result);
	db_bind_int(st, 3, ctx->now);
	return db_run(ctx->db, st);
}

/* Set var to the service's URL of path (cgi_path + path). */
void
form_url(const struct ctx *ctx, struct tval *v, const char *var,
    const char *path)
{
	struct buf	 b;
	size_t		 n;

	buf_init(&b, 2048);
	n = strlen(ctx->cfg->cgi_path);
	while (n > 0 && ctx->cfg->cgi_path[n - 1] == '/')
		n--;
	buf_putn(&b, ctx->cfg->cgi_path, n);
	buf_puts(&b, path);
	tv_set_str(v, var, buf_str(&b));
	buf_free(&b);
}
