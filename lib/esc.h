/*
 * esc.h: escaping for every output context: HTML text and attributes,
 * URLs, JSON strings and CSV fields.  Each appends to a buffer.
 */
#ifndef KENMIN_ESC_H
#define KENMIN_ESC_H

#include <stddef.h>

struct buf;

/* HTML text or quoted attribute value: & < > " ' escaped. */
void	 esc_html(struct buf *, const char *s, size_t len);

/*
 * A URL placed in href/src/action: only http:, https:, mailto:, tel:
 * and scheme-less (relative, "/…", "#…", "?…") URLs pass; anything else
 * (javascript:, data:, vbscript:, control characters …) becomes "#".
 * The result is also HTML-attribute escaped.  Returns 1 if the URL was
 * kept, 0 if it was replaced.
 */
int	 esc_url(struct buf *, const char *s, size_t len);

/* Percent-encode a URL component (RFC 3986 unreserved kept). */
void	 esc_urlcomp(struct buf *, const char *s, size_t len);

/*
 * JSON string contents without the quotes; < > & U+2028 U+2029 are
 * written as \u escapes so the result is safe inside <script>.
 */
void	 esc_json(struct buf *, const char *s, size_t len);

/*
 * One CSV field, always quoted, "" doubled.  A field starting with
 * = + - @ TAB or CR gets a leading ' so Excel does not run it.
 */
void	 esc_csv(struct buf *, const char *s, size_t len);

/* The UTF-8 byte-order mark that makes Excel read a CSV as UTF-8. */
void	 esc_csv_bom(struct buf *);

#endif
