/*
 * tmpl.h: logic-less, mustache-like templates with escaping by default.
 *
 * Tags:
 *   {{name}}            value, escaped for its context (see below)
 *   {{name|url}}        forced URL escaping (esc_url)
 *   {{name|uri}}        URL component (esc_urlcomp, then HTML)
 *   {{name|json}}       JSON string contents (esc_json)
 *   {{{name}}}          raw; only for values set with tv_set_html()
 *                       (HTML the program made); any other value is a
 *                       render error
 *   {{#name}}…{{/name}} section: once per list item, once for an object
 *                       or a true/non-empty value, never for false, "",
 *                       an empty list or a missing name
 *   {{^name}}…{{/name}} inverted section
 *   {{> name}}          partial: another template of the same set
 *   {{! text}}          comment
 * Names may be dotted (a.b.c) and "." is the current item.  Lookup walks
 * outwards through the enclosing sections, as mustache does.
 *
 * Context: the compiler follows the HTML around each tag.  A variable at
 * the start of an href, src, action or formaction attribute value is URL
 * escaped; inside <script type="application/ld+json"> it is JSON escaped;
 * everywhere else HTML escaped.  A variable inside any other <script> or
 * <style>, in an unquoted attribute, or as an attribute or tag name is a
 * compile error.  Anything else unknown ({{=…=}}, an unknown filter, an
 * unclosed or mismatched section, a missing partial) is a compile error
 * "FILE:LINE: message".
 * Also compile errors, because the escaping could not be right: a
 * variable in an on*, style or srcdoc attribute; two variables with no
 * text between them at the start of a URL attribute; a section that ends
 * in another HTML context than it starts; {{{raw}}} or {{> partial}}
 * anywhere but in element text; a template that ends inside a tag,
 * comment, <script> or <style> (every template and partial starts and
 * ends in element text).  |json outside ld+json is JSON then HTML
 * escaped; |url inside ld+json is an error.  An int is always true in a
 * section (0 too); a bool prints "true"/"false"; printing a list or
 * object is a render error.  A standalone block tag line is dropped, but
 * a partial's lines are not re-indented.
 */
#ifndef KENMIN_TMPL_H
#define KENMIN_TMPL_H

#include <stddef.h>

struct buf;
struct tval;
struct tarena;
struct tmpl_set;

/* ---- values: a tree owned by an arena, freed all at once ---- */

struct tarena	*tarena_new(void);
void		 tarena_reset(struct tarena *);	/* keep memory, drop values */
void		 tarena_free(struct tarena *);

struct tval	*tv_obj(struct tarena *);		/* new empty object */
struct tval	*tv_list(struct tarena *);		/* new empty list */
/* Setters copy strings into the arena; a later set of a key replaces it. */
void		 tv_set_str(struct tval *obj, const char *key, const char *s);
void		 tv_set_strn(struct tval *obj, const char *key, const char *s, size_t n);
void		 tv_set_int(struct tval *obj, const char *key, long long v);
void		 tv_set_bool(struct tval *obj, const char *key, int v);
void		 tv_set_html(struct tval *obj, const char *key, const char *html);
void		 tv_set(struct tval *obj, const char *key, struct tval *child);
/* Lists: append a new object (returned) or an existing value. */
struct tval	*tv_push_obj(struct tval *list);
void		 tv_push(struct tval *list, struct tval *v);
void		 tv_push_str(struct tval *list, const char *s);
size_t		 tv_len(const struct tval *list);

/* ---- templates ---- */

struct tmpl_set	*tmpl_set_new(void);
/*
 * Compile src as template NAME; file is used in messages.  Partials are
 * resolved by tmpl_set_check() (or at the first render).  1 ok, 0 error
 * (already printed).
 */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *src, const char *file);
/*
 * Load every *.html file under dir (recursively); the name is the path
 * relative to dir without ".html" ("partials/header").  Then check that
 * every partial exists.  NULL on any error (already printed).
 */
struct tmpl_set	*tmpl_set_load(const char *dir);
/*
 * The same, leaving out the top-level subdirectories named in skip (a
 * NULL-terminated list): the generator skips the form service's own
 * template root, formsvc/, and assets/.
 */
struct tmpl_set	*tmpl_set_load_skip(const char *dir, const char *const *skip);
int		 tmpl_set_check(struct tmpl_set *);
void		 tmpl_set_free(struct tmpl_set *);

/*
 * Render template NAME with ctx (an object) appended to out.
 * 1 ok, 0 on error (unknown template, raw tag on a non-HTML value,
 * partial recursion deeper than 32), printed with the template name.
 */
int		 tmpl_render(const struct tmpl_set *, const char *name,
		    const struct tval *ctx, struct buf *out);

#endif
