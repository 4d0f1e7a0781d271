/*
 * form.c: the form framework every formsvc form uses: a static table
 * of fields, reading their values from the body, server-side rules with
 * a Japanese message per field, the values for the field, error-summary,
 * confirmation and hidden-field templates, the sealed password carried
 * past the confirmation page, and idempotency keys for the final submit.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "text.h"
#include "tmpl.h"
#include "util.h"
#include "extern.h"

#define FORM_MSG_MAX	1024	/* bytes of one error message */
#define FORM_OPTS_MAX	200	/* options of one master-data field */
#define PWSEAL_MAX	4096	/* hex chars of a sealed password */

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
		for (pass = 0; pass < 2; pass++) {
			f = pass == 0 ? req_get(&fm->ctx->req, KSRC_BODY,
			    fd->key) : req_get_invalid(&fm->ctx->req,
			    KSRC_BODY, fd->key);
			for (; f != NULL; f = f->next) {
				if (fd->kind != FK_CHECKS && fv->valsz > 0)
					break;
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
	struct buf		 id, hid, eid, nid, desc, target;
	size_t			 i;

	fields = tv_list(ta);
	errs = tv_list(ta);
	buf_init(&id, 256);
	buf_init(&hid, 256);
	buf_init(&eid, 256);
	buf_init(&nid, 256);
	buf_init(&desc, 1024);
	buf_init(&target, 256);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		fd = &fm->fields[i];
		fv = &fm->v[i];
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
		if (fd->hint != NULL) {
			tv_set_str(o, "hint", fd->hint);
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
}

/*
 * The "rows" list of the confirmation page (JIS 3.3.4): every shown
 * field with the value as the person will see it; passwords masked.
 */
void
form_confirm_vars(struct form *fm, struct tarena *ta, struct tval *v)
{
	const struct ffield	*fd;
	const struct fvalue	*fv;
	const char		*lb;
	struct tval		*rows, *o;
	struct buf		 b;
	size_t			 i, j;

	rows = tv_list(ta);
	buf_init(&b, 64 * 1024);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i))
			continue;
		fd = &fm->fields[i];
		fv = &fm->v[i];
		buf_reset(&b);
		for (j = 0; fd->kind != FK_PASSWORD && j < fv->valsz; j++) {
			lb = fd->optsrc != FO_NONE ?
			    form_label(fm, i, fv->vals[j]) : fv->vals[j];
			if (lb == NULL)
				continue;
			if (b.len > 0)
				buf_puts(&b, "、");
			buf_puts(&b, lb);
		}
		if (fd->kind == FK_PASSWORD && fv->valsz > 0)
			buf_puts(&b, "（入力済み・表示しません）");
		else if (fd->kind == FK_AGREE && b.len > 0) {
			buf_reset(&b);
			buf_puts(&b, "同意する");
		} else if (b.len == 0)
			buf_puts(&b, "（未入力）");
		o = tv_push_obj(rows);
		tv_set_str(o, "label", fd->label);
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
	size_t		 i, j;

	list = tv_list(ta);
	for (i = 0; i < fm->fieldsz; i++) {
		if (!form_shown(fm, i) || fm->fields[i].kind == FK_PASSWORD)
			continue;
		for (j = 0; j < fm->v[i].valsz; j++) {
			o = tv_push_obj(list);
			tv_set_str(o, "name", kname(fm->fields[i].key));
			tv_set_str(o, "value", fm->v[i].vals[j]);
		}
	}
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
