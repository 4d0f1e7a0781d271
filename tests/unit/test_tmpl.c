/*
 * test_tmpl.c: unit and golden tests of the template engine: escaping in
 * every HTML context, sections, partials, raw values and the exact text
 * of every compile error.  Golden files live in tests/golden/tmpl (or the
 * directory given as the first argument).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "tmpl.h"
#include "util.h"
#include "t.h"

#define PROG	"test_tmpl"

static char	 capbuf[8192];
static int	 cap_saved = -1;
static FILE	*cap_tmp;

/* Send stderr to a temporary file until cap_end(). */
static void
cap_begin(void)
{
	fflush(stderr);
	if ((cap_tmp = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(2);
	}
	cap_saved = dup(2);
	dup2(fileno(cap_tmp), 2);
}

/* What was printed since cap_begin(), without "test_tmpl: " prefixes. */
static const char *
cap_end(void)
{
	char	 line[1024];
	size_t	 len = 0, n;
	char	*p;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_tmp);
	capbuf[0] = '\0';
	while (fgets(line, sizeof(line), cap_tmp) != NULL) {
		p = line;
		if (strncmp(p, PROG ": ", strlen(PROG ": ")) == 0)
			p += strlen(PROG ": ");
		n = strlen(p);
		if (len + n + 1 > sizeof(capbuf))
			break;
		memcpy(capbuf + len, p, n + 1);
		len += n;
	}
	fclose(cap_tmp);
	while (len > 0 && capbuf[len - 1] == '\n')
		capbuf[--len] = '\0';
	return capbuf;
}

/* Compile src as "t.html" and render it; the result is static. */
static const char *
render(const char *src, const struct tval *ctx)
{
	static struct buf	 out;
	struct tmpl_set		*set;

	buf_free(&out);
	buf_init(&out, 0);
	if (src == NULL)
		return NULL;	/* just free the buffer */
	set = tmpl_set_new();
	if (!tmpl_set_add(set, "t", src, "t.html") ||
	    !tmpl_set_check(set) || !tmpl_render(set, "t", ctx, &out)) {
		tmpl_set_free(set);
		return "(error)";
	}
	tmpl_set_free(set);
	return buf_str(&out);
}

/* The error compiling src as "t.html" prints, or "(compiled)". */
static const char *
cerr(const char *src)
{
	struct tmpl_set	*set;
	int		 ok;

	set = tmpl_set_new();
	cap_begin();
	ok = tmpl_set_add(set, "t", src, "t.html") && tmpl_set_check(set);
	cap_end();
	tmpl_set_free(set);
	return ok ? "(compiled)" : capbuf;
}

/* The fixed context of the golden files and most unit tests. */
static struct tval *
fixture(struct tarena *a)
{
	struct tval	*c, *l, *o, *p;

	c = tv_obj(a);
	tv_set_str(c, "title", "県民活動 <スーパーネット> & \"あいかさ\"");
	tv_set_str(c, "xss", "<script>alert('x')</script>");
	tv_set_str(c, "jsurl", " JavaScript:alert(1)");
	tv_set_str(c, "goodurl", "/groups/12.html?a=1&b=2");
	tv_set_str(c, "q", "山口 市&x=1");
	tv_set_str(c, "blank", "");
	tv_set_html(c, "body", "<p>本文 <b>太字</b></p>");
	tv_set_int(c, "count", 3);
	tv_set_int(c, "zero", 0);
	tv_set_bool(c, "yes", 1);
	tv_set_bool(c, "no", 0);
	tv_set(c, "empty", tv_list(a));

	o = tv_obj(a);
	tv_set_str(o, "name", "山口 太郎");
	p = tv_obj(a);
	tv_set_str(p, "city", "山口市");
	tv_set(o, "profile", p);
	tv_set(c, "user", o);

	l = tv_list(a);
	o = tv_push_obj(l);
	tv_set_int(o, "id", 1);
	tv_set_str(o, "name", "A & B");
	tv_set_str(o, "url", "/a.html");
	tv_set_bool(o, "new", 1);
	o = tv_push_obj(l);
	tv_set_int(o, "id", 2);
	tv_set_str(o, "name", "<C>");
	tv_set_str(o, "url", "javascript:x()");
	tv_set(c, "items", l);

	l = tv_list(a);
	tv_push_str(l, "福祉");
	tv_push_str(l, "まちづくり");
	tv_set(c, "tags", l);
	return c;
}

static void
test_values(void)
{
	struct tarena	*a;
	struct tval	*c, *l;
	int		 i;

	a = tarena_new();
	c = tv_obj(a);
	tv_set_str(c, "k", "one");
	tv_set_str(c, "k", "two");
	T_STREQ(render("{{k}}", c), "two", "later set replaces a key");
	tv_set_strn(c, "n", "abcdef", 3);
	T_STREQ(render("{{n}}", c), "abc", "tv_set_strn copies n bytes");
	tv_set_str(c, "null", NULL);
	T_STREQ(render("[{{null}}]{{^null}}E{{/null}}", c), "[]E",
	    "NULL string is empty");
	tv_set_int(c, "neg", -42);
	T_STREQ(render("{{neg}}", c), "-42", "negative int");
	l = tv_list(a);
	T_OK(tv_len(l) == 0, "new list is empty");
	tv_push_str(l, "x");
	tv_push_obj(l);
	T_OK(tv_len(l) == 2, "tv_len counts items");
	T_OK(tv_len(c) == 0, "tv_len of an object is 0");
	T_OK(tv_push_obj(c) == NULL, "tv_push_obj on an object fails");

	/* A big string takes its own block; reset keeps working. */
	for (i = 0; i < 3; i++) {
		char	*big;

		tarena_reset(a);
		c = tv_obj(a);
		big = xmalloc(100000);
		memset(big, 'x', 99999);
		big[99999] = '\0';
		tv_set_str(c, "big", big);
		tv_set_str(c, "small", "s");
		free(big);
	}
	T_OK(strlen(render("{{big}}", c)) == 99999, "big value after reset");
	T_STREQ(render("{{small}}", c), "s", "small value after reset");
	tarena_free(a);
	tarena_free(NULL);
	tmpl_set_free(NULL);
}

static void
test_escaping(void)
{
	struct tarena	*a;
	struct tval	*c;

	a = tarena_new();
	c = fixture(a);
	T_STREQ(render("<p>{{xss}}</p>", c),
	    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>",
	    "XSS in text is escaped");
	T_STREQ(render("<img alt=\"{{xss}}\" title='{{title}}'>", c),
	    "<img alt=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\""
	    " title='県民活動 &lt;スーパーネット&gt; &amp; &quot;あいかさ&quot;'>",
	    "XSS in attributes is escaped");
	T_STREQ(render("<a href=\"{{jsurl}}\">x</a>", c),
	    "<a href=\"#\">x</a>", "javascript: href becomes #");
	T_STREQ(render("<a HREF = \"{{goodurl}}\">x</a>", c),
	    "<a HREF = \"/groups/12.html?a=1&amp;b=2\">x</a>",
	    "good href kept and escaped");
	T_STREQ(render("<img src=' {{jsurl}}'><form action=\"{{jsurl}}\">"
	    "<button formaction=\"{{jsurl}}\"></button></form>", c),
	    "<img src=' #'><form action=\"#\"><button formaction=\"#\">"
	    "</button></form>", "src, action, formaction are URLs");
	T_STREQ(render("<a href=\"/s?q={{jsurl}}\">x</a>", c),
	    "<a href=\"/s?q= JavaScript:alert(1)\">x</a>",
	    "variable after URL text is HTML escaped");
	T_STREQ(render("<a href=\"/s?q={{q|uri}}\">{{q|uri}}</a>", c),
	    "<a href=\"/s?q=%E5%B1%B1%E5%8F%A3%20%E5%B8%82%26x%3D1\">"
	    "%E5%B1%B1%E5%8F%A3%20%E5%B8%82%26x%3D1</a>", "|uri");
	T_STREQ(render("<p>{{jsurl|url}}</p><p>{{goodurl|url}}</p>", c),
	    "<p>#</p><p>/groups/12.html?a=1&amp;b=2</p>", "|url in text");
	T_STREQ(render("<div data-x=\"{{xss|json}}\"></div>", c),
	    "<div data-x=\"\\u003cscript\\u003ealert(\\u0027x\\u0027)"
	    "\\u003c/script\\u003e\"></div>", "|json in an attribute");
	T_STREQ(render("<script type=\"application/ld+json\">"
	    "{\"name\": \"{{xss}}\", \"t\": \"{{title}}\", \"q\": \"{{q|uri}}\"}"
	    "</script><p>{{xss}}</p>", c),
	    "<script type=\"application/ld+json\">"
	    "{\"name\": \"\\u003cscript\\u003ealert(\\u0027x\\u0027)"
	    "\\u003c/script\\u003e\", \"t\": \"県民活動 \\u003cスーパーネット"
	    "\\u003e \\u0026 \\\"あいかさ\\\"\", \"q\": "
	    "\"%E5%B1%B1%E5%8F%A3%20%E5%B8%82%26x%3D1\"}</script>"
	    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>",
	    "ld+json is JSON escaped, HTML after it again");
	T_STREQ(render("<SCRIPT Type=' Application/LD+JSON '>[\"{{xss}}\"]"
	    "</Script >{{xss}}", c),
	    "<SCRIPT Type=' Application/LD+JSON '>[\"\\u003cscript\\u003e"
	    "alert(\\u0027x\\u0027)\\u003c/script\\u003e\"]</Script >"
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
	    "ld+json detection ignores case");
	T_STREQ(render("<title>{{xss}}</title><textarea name=\"t\">{{xss}}"
	    "</textarea><!-- {{xss}} -->", c),
	    "<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"
	    "<textarea name=\"t\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
	    "&gt;</textarea><!-- &lt;script&gt;alert(&#39;x&#39;)&lt;/script"
	    "&gt; -->", "title, textarea, comment are HTML escaped");
	T_STREQ(render("<script src=\"/a.js\"></script><style>p{}</style>"
	    "<p>{{count}} {{yes}} {{no}}</p>", c),
	    "<script src=\"/a.js\"></script><style>p{}</style>"
	    "<p>3 true false</p>", "text after script and style");
	T_STREQ(render("{{{body}}}", c), "<p>本文 <b>太字</b></p>",
	    "raw HTML value");
	T_STREQ(render("<p>{{body}}</p>", c),
	    "<p>&lt;p&gt;本文 &lt;b&gt;太字&lt;/b&gt;&lt;/p&gt;</p>",
	    "HTML value in a normal tag is escaped");
	T_STREQ(render("{{{missing}}}.", c), ".", "raw of a missing name");
	tarena_free(a);
}

static void
test_sections(void)
{
	struct tarena	*a;
	struct tval	*c;

	a = tarena_new();
	c = fixture(a);
	T_STREQ(render("<ul>{{#items}}<li><a href=\"{{url}}\">{{name}}</a>"
	    "</li>{{/items}}</ul>", c),
	    "<ul><li><a href=\"/a.html\">A &amp; B</a></li>"
	    "<li><a href=\"#\">&lt;C&gt;</a></li></ul>", "list section");
	T_STREQ(render("{{#user}}{{name}}/{{profile.city}}{{/user}}", c),
	    "山口 太郎/山口市", "object section");
	T_STREQ(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", c), "Y",
	    "bool sections");
	T_STREQ(render("[{{#empty}}E{{/empty}}{{#blank}}B{{/blank}}"
	    "{{#missing}}M{{/missing}}{{#zero}}Z{{/zero}}]", c), "[Z]",
	    "empty list, empty string, missing are false; 0 is a value");
	T_STREQ(render("[{{^empty}}e{{/empty}}{{^blank}}b{{/blank}}"
	    "{{^missing}}m{{/missing}}{{^no}}n{{/no}}{{^yes}}Y{{/yes}}"
	    "{{^items}}I{{/items}}{{^user}}U{{/user}}]", c), "[ebmn]",
	    "inverted sections");
	T_STREQ(render("{{#tags}}<i>{{.}}</i>{{/tags}}", c),
	    "<i>福祉</i><i>まちづくり</i>", "\".\" in a list of strings");
	T_STREQ(render("{{#title}}[{{.}}]{{/title}}", c),
	    "[県民活動 &lt;スーパーネット&gt; &amp; &quot;あいかさ&quot;]",
	    "string section pushes the string");
	T_STREQ(render("{{#items}}{{id}}:{{count}}:{{user.name}}"
	    "{{#new}}*{{/new}}{{^new}}-{{/new}};{{/items}}", c),
	    "1:3:山口 太郎*;2:3:山口 太郎-;", "lookup walks outwards");
	T_STREQ(render("{{#user}}{{#profile}}{{name}}@{{city}}{{/profile}}"
	    "{{/user}}", c), "山口 太郎@山口市", "nested objects");
	T_STREQ(render("[{{user.profile.missing}}{{user.nope.city}}"
	    "{{missing}}{{items.name}}]", c), "[]", "missing names are empty");
	T_STREQ(render("{{#user.profile}}{{city}}{{/user.profile}}", c),
	    "山口市", "dotted section");
	T_STREQ(render("<input type=\"checkbox\"{{#yes}} checked{{/yes}}"
	    "{{#no}} disabled{{/no}}>", c),
	    "<input type=\"checkbox\" checked>", "section in a tag");
	T_STREQ(render("<li class=\"{{#yes}}on{{/yes}} x\">", c),
	    "<li class=\"on x\">", "section in an attribute value");
	T_STREQ(render("<a href=\"{{#no}}/x{{/no}}{{jsurl}}\">", c),
	    "<a href=\"#\">", "URL start survives a section that may not run");
	tarena_free(a);
}

static void
test_standalone(void)
{
	struct tarena	*a;
	struct tval	*c;

	a = tarena_new();
	c = fixture(a);
	T_STREQ(render("<ul>\n  {{#tags}}\n  <li>{{.}}</li>\n  {{/tags}}\n"
	    "</ul>\n", c),
	    "<ul>\n  <li>福祉</li>\n  <li>まちづくり</li>\n</ul>\n",
	    "standalone section lines vanish");
	T_STREQ(render("a\n{{! comment\n spanning lines }}\nb\r\n"
	    "  {{^yes}}\r\nno\n{{/yes}}  \nc", c), "a\nb\r\nc",
	    "standalone comment and CRLF");
	T_STREQ(render("{{#yes}}\nx\n{{/yes}}", c), "x\n",
	    "standalone at start and end of file");
	T_STREQ(render("a {{#yes}}\nx{{/yes}} b\n", c), "a \nx b\n",
	    "tags beside text are not standalone");
	T_STREQ(render("{{#yes}}{{/yes}}\nx", c), "\nx",
	    "two tags on a line are not standalone");
	tarena_free(a);
}

static void
test_partials(void)
{
	struct tarena	*a;
	struct tval	*c;
	struct tmpl_set	*set;
	struct buf	 out;
	int		 ok;

	a = tarena_new();
	c = fixture(a);
	buf_init(&out, 0);
	set = tmpl_set_new();
	T_OK(tmpl_set_add(set, "page", "<h1>{{title}}</h1>\n"
	    "{{#items}}\n  {{> partials/item}}\n{{/items}}\n"
	    "{{> partials/foot}}", "page.html"), "page compiles");
	T_OK(tmpl_set_add(set, "partials/item",
	    "<li>{{name}} ({{count}})</li>\n", "partials/item.html"),
	    "item partial compiles");
	/* Render before check: partials are found by name. */
	T_OK(tmpl_set_add(set, "partials/foot", "<footer>{{user.name}}"
	    "</footer>", "partials/foot.html"), "foot partial compiles");
	T_OK(tmpl_render(set, "page", c, &out), "render before check");
	T_OK(tmpl_set_check(set), "check finds every partial");
	buf_reset(&out);
	T_OK(tmpl_render(set, "page", c, &out), "render after check");
	T_STREQ(buf_str(&out), "<h1>県民活動 &lt;スーパーネット&gt; &amp; "
	    "&quot;あいかさ&quot;</h1>\n<li>A &amp; B (3)</li>\n"
	    "<li>&lt;C&gt; (3)</li>\n<footer>山口 太郎</footer>",
	    "partials render in the caller's context");

	cap_begin();
	ok = tmpl_set_add(set, "page", "x", "again.html");
	cap_end();
	T_OK(!ok, "a name is defined once");
	T_STREQ(capbuf, "again.html:1: template \"page\" defined twice",
	    "duplicate name message");

	cap_begin();
	ok = tmpl_render(set, "nope", c, &out);
	cap_end();
	T_OK(!ok, "unknown template is an error");
	T_STREQ(capbuf, "template \"nope\" not found",
	    "unknown template message");
	tmpl_set_free(set);

	set = tmpl_set_new();
	tmpl_set_add(set, "loop", "x{{> loop}}", "loop.html");
	T_OK(tmpl_set_check(set), "self-inclusion compiles");
	buf_reset(&out);
	cap_begin();
	ok = tmpl_render(set, "loop", c, &out);
	cap_end();
	T_OK(!ok, "endless partial recursion is an error");
	T_STREQ(capbuf, "loop.html:1: partials nested deeper than 32",
	    "recursion message");
	tmpl_set_free(set);

	set = tmpl_set_new();
	tmpl_set_add(set, "t", "a{{> gone}}b", "t.html");
	buf_reset(&out);
	cap_begin();
	ok = tmpl_render(set, "t", c, &out);
	cap_end();
	T_OK(!ok, "missing partial at render without check");
	T_STREQ(capbuf, "t.html:1: partial \"gone\" not found",
	    "missing partial render message");
	tmpl_set_free(set);
	buf_free(&out);
	tarena_free(a);
}

static void
test_render_errors(void)
{
	struct tarena	*a;
	struct tval	*c;
	struct tmpl_set	*set;
	struct buf	 out;
	int		 ok;

	a = tarena_new();
	c = fixture(a);
	buf_init(&out, 0);
	set = tmpl_set_new();
	T_OK(tmpl_set_add(set, "raw", "<div>\n{{{title}}}</div>", "raw.html"),
	    "raw tag compiles");
	T_OK(tmpl_set_add(set, "obj", "{{user}}", "obj.html"),
	    "object variable compiles");
	cap_begin();
	ok = tmpl_render(set, "raw", c, &out);
	cap_end();
	T_OK(!ok, "raw tag on a string is a render error");
	T_STREQ(capbuf, "raw.html:2: raw tag \"title\" on a value not set "
	    "with tv_set_html", "raw tag message");
	T_OK(strstr(buf_str(&out), "<script") == NULL &&
	    strstr(buf_str(&out), "スーパーネット>") == NULL,
	    "raw string never reaches the output");
	buf_reset(&out);
	cap_begin();
	ok = tmpl_render(set, "obj", c, &out);
	cap_end();
	T_OK(!ok, "printing an object is a render error");
	T_STREQ(capbuf, "obj.html:1: \"user\" is a list or object, not a "
	    "value", "object variable message");
	buf_free(&out);

	buf_init(&out, 10);
	T_OK(tmpl_set_add(set, "long", "0123456789abcdef", "long.html"),
	    "long compiles");
	cap_begin();
	ok = tmpl_render(set, "long", c, &out);
	cap_end();
	T_OK(!ok, "output over the buffer maximum fails");
	T_STREQ(capbuf, "long.html: output larger than 10 bytes",
	    "overflow message");
	buf_free(&out);
	tmpl_set_free(set);
	tarena_free(a);
}

/* Every compile error, with its exact message. */
static void
test_compile_errors(void)
{
	static const struct {
		const char	*src;
		const char	*err;
	} cases[] = {
		{ "a\n{{=<% %>=}}", "t.html:2: set-delimiter tags are not "
		    "supported" },
		{ "{{&x}}", "t.html:1: unknown tag \"{{&\"" },
		{ "{{x|upper}}", "t.html:1: unknown filter \"upper\"" },
		{ "{{x|url|json}}", "t.html:1: unknown filter \"url|json\"" },
		{ "\n\n{{#a}}\n{{#b}}{{/b}}", "t.html:3: unclosed section "
		    "\"a\"" },
		{ "{{#a}}\n{{/b}}", "t.html:2: close \"b\" does not match "
		    "section \"a\" opened on line 1" },
		{ "x\n{{/a}}", "t.html:2: close \"a\" without an open "
		    "section" },
		{ "{{> nothere}}", "t.html:1: partial \"nothere\" not found" },
		{ "<script>\nvar x = \"{{x}}\";</script>",
		    "t.html:2: variable inside <script>" },
		{ "<script type=\"text/javascript\">{{x}}</script>",
		    "t.html:1: variable inside <script>" },
		{ "<script type=\"application/ld+json\" type=\"text/"
		    "javascript\">{{x}}</script>",
		    "t.html:1: variable inside <script>" },
		{ "<script {{#a}}type=\"application/ld+json\"{{/a}}>{{x}}"
		    "</script>", "t.html:1: section \"a\" ends in another "
		    "HTML context than it starts (line 1)" },
		{ "<script type=\"{{t}}\">{{x}}</script>",
		    "t.html:1: variable inside <script>" },
		{ "<style>p { color: {{c}} }</style>",
		    "t.html:1: variable inside <style>" },
		{ "<a href={{u}}>", "t.html:1: variable in unquoted "
		    "attribute value" },
		{ "<a class=x{{u}}>", "t.html:1: variable in unquoted "
		    "attribute value" },
		{ "<{{t}}>", "t.html:1: variable in a tag or attribute name" },
		{ "<div {{attrs}}>", "t.html:1: variable in a tag or "
		    "attribute name" },
		{ "<div data-{{n}}=\"1\">", "t.html:1: variable in a tag or "
		    "attribute name" },
		{ "<a {{#x}}href{{/x}}=\"{{u}}\">", "t.html:1: variable in a "
		    "tag or attribute name" },
		{ "<a onclick=\"go('{{x}}')\">", "t.html:1: variable in "
		    "attribute \"onclick\"" },
		{ "<p style=\"color: {{c}}\">", "t.html:1: variable in "
		    "attribute \"style\"" },
		{ "<iframe srcdoc=\"{{h}}\">", "t.html:1: variable in "
		    "attribute \"srcdoc\"" },
		{ "<!DOCTYPE {{x}}>", "t.html:1: variable inside <!...>" },
		{ "<p>\n{{x\n}}</p>", "t.html:2: unterminated tag" },
		{ "{{{x}}", "t.html:1: unterminated tag" },
		{ "{{! never closed", "t.html:1: unterminated tag" },
		{ "{{}}", "t.html:1: empty tag" },
		{ "{{a b}}", "t.html:1: bad name \"a b\"" },
		{ "{{a..b}}", "t.html:1: bad name \"a..b\"" },
		{ "{{#a.}}{{/a.}}", "t.html:1: bad name \"a.\"" },
		{ "{{> ../etc}}", "t.html:1: bad name \"../etc\"" },
		{ "<p title=\"{{{body}}}\">", "t.html:1: raw tag outside HTML "
		    "text" },
		{ "{{{body|url}}}", "t.html:1: filter on a raw tag" },
		{ "<a href=\"{{> p}}\">", "t.html:1: partial outside HTML "
		    "text" },
		{ "<script type=\"application/ld+json\">\"{{u|url}}\""
		    "</script>", "t.html:1: filter \"url\" inside JSON" },
		{ "<a href=\"{{u|json}}\">", "t.html:1: filter \"json\" at "
		    "the start of a URL" },
		{ "<a href=\"{{a}}{{b}}\">", "t.html:1: variable follows "
		    "another variable at the start of a URL" },
		{ "<a href=\"{{#s}}{{a}}{{/s}}{{b}}\">", "t.html:1: variable "
		    "follows another variable at the start of a URL" },
		{ "{{#a}}<script>{{/a}}</script>", "t.html:1: section \"a\" "
		    "ends in another HTML context than it starts (line 1)" },
		{ "<a title=\"{{#a}}\" href=\"\n{{/a}}\">", "t.html:2: "
		    "section \"a\" ends in another HTML context than it "
		    "starts (line 1)" },
		{ "<p>\n<script>\n", "t.html:3: template ends inside "
		    "<script>" },
		{ "<a href=\"x", "t.html:1: template ends inside a tag" },
		{ "<!-- x -", "t.html:1: template ends inside an HTML "
		    "comment" },
	};
	char	 name[64];
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(cases); i++) {
		snprintf(name, sizeof(name), "compile error %zu", i);
		T_STREQ(cerr(cases[i].src), cases[i].err, name);
	}

	/* Limits. */
	{
		struct buf	 b;

		buf_init(&b, 0);
		for (i = 0; i < 65; i++)
			buf_puts(&b, "{{#a}}");
		T_STREQ(cerr(buf_str(&b)), "t.html:1: sections nested "
		    "deeper than 64", "nesting limit");
		buf_free(&b);
	}
	T_STREQ(cerr("<p>{{a}} {{b.c}} {{.}} {{x|url}} {{x|uri}} {{x|json}}"
	    " {{ spaced }} {{{raw}}}</p><a href=\"{{u}}/{{v}}\" "
	    "title='{{t}}'>{{! c }}</a>"), "(compiled)",
	    "well-formed template compiles");
}

/* Write path with contents. */
static void
put_file(const char *path, const char *s)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(s, f);
	fclose(f);
}

static void
test_load(void)
{
	char		 dir[] = "/tmp/test_tmpl.XXXXXX";
	char		 p[256], want[512];
	struct tmpl_set	*set;
	struct tarena	*a;
	struct buf	 out;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(p, sizeof(p), "%s/partials", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/partials/head.html", dir);
	put_file(p, "<head><title>{{title}}</title></head>\n");
	snprintf(p, sizeof(p), "%s/page.html", dir);
	put_file(p, "{{> partials/head}}\n<body>{{count}}</body>\n");
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	put_file(p, "{{#not a template");
	snprintf(p, sizeof(p), "%s/.hidden.html", dir);
	put_file(p, "{{#bad");

	a = tarena_new();
	buf_init(&out, 0);
	set = tmpl_set_load(dir);
	T_OK(set != NULL, "tmpl_set_load of a good directory");
	if (set != NULL) {
		T_OK(tmpl_render(set, "page", fixture(a), &out),
		    "render a loaded template");
		T_STREQ(buf_str(&out), "<head><title>県民活動 &lt;スーパーネット"
		    "&gt; &amp; &quot;あいかさ&quot;</title></head>\n"
		    "<body>3</body>\n", "loaded template output");
	}
	tmpl_set_free(set);

	snprintf(p, sizeof(p), "%s/partials/bad.html", dir);
	put_file(p, "ok\n{{/x}}\n");
	cap_begin();
	set = tmpl_set_load(dir);
	cap_end();
	T_OK(set == NULL, "tmpl_set_load fails on a bad template");
	snprintf(want, sizeof(want), "%s/partials/bad.html:2: close \"x\" "
	    "without an open section", dir);
	T_STREQ(capbuf, want, "load error names the file");
	unlink(p);
	snprintf(p, sizeof(p), "%s/page.html", dir);
	put_file(p, "{{> partials/gone}}");
	cap_begin();
	set = tmpl_set_load(dir);
	cap_end();
	T_OK(set == NULL, "tmpl_set_load fails on a missing partial");
	snprintf(want, sizeof(want), "%s/page.html:1: partial "
	    "\"partials/gone\" not found", dir);
	T_STREQ(capbuf, want, "missing partial names the file");

	unlink(p);
	snprintf(p, sizeof(p), "%s/partials/head.html", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/.hidden.html", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/partials", dir);
	rmdir(p);
	rmdir(dir);

	cap_begin();
	set = tmpl_set_load("/nonexistent/kenmin/themes");
	cap_end();
	T_OK(set == NULL, "tmpl_set_load of a missing directory");
	T_STREQ(capbuf, "/nonexistent/kenmin/themes: No such file or "
	    "directory", "missing directory message");
	buf_free(&out);
	tarena_free(a);
}

/* Read a whole small file; the caller frees it.  NULL if unreadable. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*p;
	long	 sz;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	p = xmalloc((size_t)sz + 1);
	if (fread(p, 1, (size_t)sz, f) != (size_t)sz) {
		fclose(f);
		free(p);
		return NULL;
	}
	p[sz] = '\0';
	fclose(f);
	return p;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * NAME.html renders to NAME.expect with the fixture (partials from the
 * partials/ directory); bad-NAME.html fails with the line in bad-NAME.err.
 */
static void
test_golden(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[256], path[512], name[300];
	char		*src, *want;
	size_t		 n = 0, i, len, ngood = 0, nbad = 0;
	struct tmpl_set	*set, *bad;
	struct tarena	*a;
	struct buf	 out;
	int		 ok;

	if ((d = opendir(dir)) == NULL) {
		T_OK(0, "golden directory opens");
		return;
	}
	while ((de = readdir(d)) != NULL && n < KENMIN_NELEM(names)) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".html") == 0)
			names[n++] = xstrndup(de->d_name, len - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmpstr);

	/* The partials every good template may use. */
	set = tmpl_set_new();
	snprintf(path, sizeof(path), "%s/partials", dir);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 5 || strcmp(de->d_name + len - 5,
			    ".html") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/partials/%s", dir,
			    de->d_name);
			snprintf(name, sizeof(name), "partials/%.*s",
			    (int)(len - 5), de->d_name);
			src = slurp(path);
			T_OK(src != NULL && tmpl_set_add(set, name, src,
			    path), name);
			free(src);
		}
		closedir(d);
	}

	a = tarena_new();
	buf_init(&out, 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.html", dir, names[i]);
		src = slurp(path);
		if (strncmp(names[i], "bad-", 4) == 0) {
			snprintf(path, sizeof(path), "%s/%s.err", dir,
			    names[i]);
			want = slurp(path);
			snprintf(name, sizeof(name), "%s.html", names[i]);
			bad = tmpl_set_new();
			cap_begin();
			ok = src != NULL && tmpl_set_add(bad, names[i], src,
			    name) && tmpl_set_check(bad);
			cap_end();
			tmpl_set_free(bad);
			if (want != NULL && (len = strlen(want)) > 0 &&
			    want[len - 1] == '\n')
				want[len - 1] = '\0';
			snprintf(name, sizeof(name), "golden %s", names[i]);
			T_STREQ(ok ? "(compiled)" : capbuf, want, name);
			nbad++;
		} else {
			snprintf(path, sizeof(path), "%s/%s.expect", dir,
			    names[i]);
			want = slurp(path);
			snprintf(name, sizeof(name), "%s.html", names[i]);
			ok = src != NULL &&
			    tmpl_set_add(set, names[i], src, name) &&
			    tmpl_set_check(set);
			tarena_reset(a);
			buf_reset(&out);
			if (ok)
				ok = tmpl_render(set, names[i], fixture(a),
				    &out);
			snprintf(name, sizeof(name), "golden %s", names[i]);
			T_STREQ(ok ? buf_str(&out) : "(error)", want, name);
			ngood++;
		}
		free(src);
		free(want);
		free(names[i]);
	}
	T_OK(ngood >= 5 && nbad >= 10, "golden files found");
	buf_free(&out);
	tarena_free(a);
	tmpl_set_free(set);
}

int
main(int argc, char *argv[])
{
	util_setprogname(PROG);
	test_values();
	test_escaping();
	test_sections();
	test_standalone();
	test_partials();
	test_render_errors();
	test_compile_errors();
	test_load();
	test_golden(argc > 1 ? argv[1] : "tests/golden/tmpl");
	render(NULL, NULL);	/* frees the static buffer */
	return t_done();
}
