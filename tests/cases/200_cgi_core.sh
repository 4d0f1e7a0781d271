#!/bin/bash
# 200_cgi_core.sh: formsvc.cgi's request/response core, driven as a real
# CGI (environment and stdin in, the whole response out): dispatch,
# 404/405, security headers on every response, size limits, UTF-8,
# multipart, cookies, header injection, open redirects, the sandbox.
#
# KENMIN_CGI is the installed-style program (default build/san/formsvc.cgi);
# KENMIN_TEST_CGI the -DKENMIN_TEST build with the /_test/ pages (default
# tests/formsvc-test.cgi next to KENMIN_CGI).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
TCGI=$(realpath "${KENMIN_TEST_CGI:-$(dirname "$CGI")/tests/formsvc-test.cgi}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

cat > "$T/secure.ini" <<EOF
[paths]
theme_dir = $ROOT/themes/default
[security]
cookie_secure = 1
EOF
cat > "$T/plain.ini" <<EOF
[paths]
theme_dir = $ROOT/themes/default
[security]
cookie_secure = 0
EOF
CONF=$T/secure.ini

# cgi BIN [VAR=VALUE ...] < body: run one request; the response goes to
# $T/resp, its headers to $T/hdr, its body to $T/body.
cgi() {
	local bin=$1; shift
	env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$CONF" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    REMOTE_ADDR=127.0.0.1 "$@" "$bin" > "$T/resp" 2> "$T/err"
	# Headers end at the first empty (CRLF) line.
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$T/resp" > "$T/hdr"
	sed '1,/^\r$/d' "$T/resp" > "$T/body"
}
status() { head -1 "$T/hdr" | sed -n 's/^Status: \([0-9]*\).*/\1/p'; }
hdr() { grep -i "^$1: " "$T/hdr" | head -1 | sed 's/^[^:]*: //'; }
has_status() { [ "$(status)" = "$1" ]; }
has_hdr() { [ "$(hdr "$1")" = "$2" ]; }
body_has() { grep -qF -- "$1" "$T/body"; }
body_is() { [ "$(cat "$T/body")" = "$1" ]; }
no_hdr() { ! grep -qi "^$1: " "$T/hdr"; }

# Every response, errors included, carries the same security headers.
security_headers() { # security_headers NAME [no-store|no-cache] [referrer]
	local name=$1 cache=${2:-no-store} ref=${3:-same-origin} bad=""
	hdr Content-Type | grep -q 'charset=utf-8' || bad="$bad content-type"
	has_hdr Content-Security-Policy "default-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'" || bad="$bad csp"
	has_hdr X-Frame-Options DENY || bad="$bad xfo"
	has_hdr X-Content-Type-Options nosniff || bad="$bad nosniff"
	has_hdr Referrer-Policy "$ref" || bad="$bad referrer"
	has_hdr Cache-Control "$cache" || bad="$bad cache"
	if [ -z "$bad" ]; then ok "$name: security headers"
	else notok "$name: security headers (wrong:$bad)"; fi
}

# A page in Japanese that is well-formed enough: lang, title, one h1, main.
html_page() { # html_page NAME TEXT
	local name=$1 bad=""
	grep -q '^<!DOCTYPE html>' "$T/body" || bad="$bad doctype"
	grep -q '<html lang="ja">' "$T/body" || bad="$bad lang"
	grep -q '<title>[^<][^<]*</title>' "$T/body" || bad="$bad title"
	[ "$(grep -o '<h1' "$T/body" | wc -l)" = 1 ] || bad="$bad h1"
	grep -q '<main' "$T/body" || bad="$bad main"
	body_has "$2" || bad="$bad text"
	if [ -z "$bad" ]; then ok "$name: page"
	else notok "$name: page (wrong:$bad)"; fi
}

validate_html() { # validate_html NAME: html-validate, if installed
	local hv=$ROOT/tests/node_modules/.bin/html-validate
	if [ ! -x "$hv" ] || ! command -v node > /dev/null; then
		ok "$1: html-validate # skip not installed"
		return
	fi
	cp "$T/body" "$T/page.html"
	if "$hv" "$T/page.html" > "$T/hv.out" 2>&1; then ok "$1: valid HTML"
	else notok "$1: valid HTML"; sed 's/^/# /' "$T/hv.out"; fi
}

# ---- dispatch ----

cgi "$CGI" REQUEST_METHOD=GET PATH_INFO=/ < /dev/null
check "GET / is 200" has_status 200
security_headers "GET /" no-cache
html_page "GET /" "フォーム受付"
check "GET / links to あいかさねっと" body_has 'href="/boranet201909/"'
check "GET / links to スーパーネット" body_has 'href="/"'
check "GET / has Content-Length" has_hdr Content-Length "$(stat -c %s "$T/body")"
validate_html "GET /"

cgi "$CGI" REQUEST_METHOD=GET < /dev/null
check "no PATH_INFO is the top page" has_status 200

cgi "$CGI" REQUEST_METHOD=HEAD PATH_INFO=/ < /dev/null
check "HEAD / is 200" has_status 200
check "HEAD / has no body" test ! -s "$T/body"
security_headers "HEAD /" no-cache

cgi "$CGI" REQUEST_METHOD=GET PATH_INFO=/health < /dev/null
check "GET /health is 200" has_status 200
check "GET /health says ok" body_is ok
check "GET /health is text/plain" has_hdr Content-Type "text/plain; charset=utf-8"
security_headers "GET /health"

cgi "$CGI" REQUEST_METHOD=GET PATH_INFO=/no/such/page < /dev/null
check "unknown path is 404" has_status 404
security_headers "404"
html_page "404" "ページが見つかりません"
validate_html "404"

cgi "$CGI" REQUEST_METHOD=GET 'PATH_INFO=/<script>' < /dev/null
check "404 does not echo the path" sh -c "! grep -q '<script>' '$T/body'"

cgi "$CGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo QUERY_STRING=name=x < /dev/null
check "the installed CGI has no test pages" has_status 404

cgi "$CGI" REQUEST_METHOD=POST PATH_INFO=/ CONTENT_LENGTH=0 < /dev/null
check "POST / is 405" has_status 405
check "405 says what is allowed" has_hdr Allow "GET, HEAD"
security_headers "405"
html_page "405" "この方法ではご利用いただけません"

cgi "$CGI" REQUEST_METHOD=DELETE PATH_INFO=/health < /dev/null
check "DELETE /health is 405" has_status 405

cgi "$CGI" REQUEST_METHOD=GET PATH_INFO=/ CONTENT_LENGTH=abc < /dev/null
check "bad CONTENT_LENGTH is 400" has_status 400
security_headers "400"

# ---- parsing, through the test build's echo page ----

printf 'name=%%E5%%B1%%B1%%E5%%8F%%A3&num=42&num=500&mail=a@example.jp&date=2024-02-29&flag=on&junk=1' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo QUERY_STRING='name=q+r' \
    CONTENT_TYPE='application/x-www-form-urlencoded; charset=UTF-8' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "urlencoded POST is 200" has_status 200
security_headers "echo"
check "query field kept apart from body" body_has "query name valid ival=0 size=3 value=q r"
check "percent-decoded UTF-8 value" body_has "body name valid ival=0 size=6 value=山口"
check "int in range, ival set" body_has "body num valid ival=42 size=2 value=42"
check "int out of range invalid" body_has "body num invalid ival=0 size=3 value=500"
check "e-mail valid" body_has "body mail valid"
check "leap day valid, ival YYYYMMDD" body_has "body date valid ival=20240229"
check "checkbox on is true" body_has "body flag valid ival=1"
check "undeclared field dropped" sh -c "! grep -q junk '$T/body'"

printf 'date=2023-02-29&mail=a..b@example.jp&flag=maybe&num=4x' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "non-date invalid" body_has "body date invalid"
check "bad e-mail invalid" body_has "body mail invalid"
check "bad bool invalid" body_has "body flag invalid"
check "trailing junk int invalid" body_has "body num invalid"

# multipart: a text part, a file part with a Windows path and a NUL byte,
# an empty "no file chosen" part.
printf -- '--xYz\r\nContent-Disposition: form-data; name="name"\r\n\r\n県民\r\n--xYz\r\nContent-Disposition: form-data; name="file"; filename="C:\\\\Users\\\\a\\\\報告 1.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\000end\r\n--xYz\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--xYz--\r\n' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary="xYz"' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "multipart POST is 200" has_status 200
check "multipart text part" body_has "body name valid ival=0 size=6 value=県民"
check "multipart file: basename, type, size" body_has "body file valid ival=0 size=16 file=報告 1.txt ctype=text/plain value=line1"
file_bytes() { cmp -s <(tail -c 17 "$T/body") <(printf 'line1\r\nline2\000end\n'); }
check "multipart file bytes intact" file_bytes
check "empty file part skipped" test "$(grep -c '^body file' "$T/body")" = 1

printf -- '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nno end' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "truncated multipart is 400" has_status 400

printf -- '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "multipart without boundary is 400" has_status 400

# ---- limits ----

head -c 70000 /dev/zero | tr '\0' a | sed 's/^/text=/' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "urlencoded body over 64 KiB is 413" has_status 413
security_headers "413"
html_page "413" "送信された内容が大きすぎます"

cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH=$((10 * 1024 * 1024 + 1)) < /dev/null
check "multipart body over 10 MiB is 413" has_status 413

{ printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
  head -c $((5 * 1024 * 1024 + 1)) /dev/zero
  printf -- '\r\n--b--\r\n'; } > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "one file over 5 MiB is 413" has_status 413

{ printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="ok.bin"\r\n\r\n'
  head -c $((1024 * 1024 + 1)) /dev/zero
  printf -- '\r\n--b--\r\n'; } > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "file over its key's cap is kept but invalid" body_has "body file invalid ival=0 size=1048577"

for i in $(seq 1 300); do printf 'f%d=1&' "$i"; done > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "more than 256 fields is 413" has_status 413

printf '%s=1' "$(head -c 100 /dev/zero | tr '\0' n)" > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "field name over 64 bytes is 400" has_status 400

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo \
    QUERY_STRING="name=$(head -c 9000 /dev/zero | tr '\0' q)" < /dev/null
check "query string over 8 KiB is 400" has_status 400

printf 'name=x' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo CONTENT_TYPE=text/xml \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "unknown Content-Type is 415" has_status 415
security_headers "415"

printf 'name=x' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=50 < "$T/in"
check "body shorter than CONTENT_LENGTH is 400" has_status 400

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo QUERY_STRING='name=%zz' < /dev/null
check "bad percent escape is 400" has_status 400

# ---- UTF-8 ----

for q in 'name=%FF' 'name=%C0%AF' 'name=%ED%A0%80' 'name=a%00b' 'junk=%E3%81' \
    "name=$(printf '\xfe')"; do
	cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo QUERY_STRING="$q" < /dev/null
	check "bad UTF-8 '$q' is 400" has_status 400
done
security_headers "bad UTF-8"
html_page "bad UTF-8" "リクエストを処理できませんでした"

printf -- '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\n\xe3\x81\r\n--b--\r\n' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "bad UTF-8 in a multipart text part is 400" has_status 400

printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n\r\n\xff\xfe\r\n--b--\r\n' > "$T/in"
cgi "$TCGI" REQUEST_METHOD=POST PATH_INFO=/_test/echo \
    CONTENT_TYPE='multipart/form-data; boundary=b' \
    CONTENT_LENGTH="$(stat -c %s "$T/in")" < "$T/in"
check "binary file content is not UTF-8 checked" has_status 200

# ---- cookies ----

SID=abcdefghijklmnopqrstuvwxyz0123456789ABCD
cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo \
    HTTP_COOKIE="theme=dark; __Host-sid=$SID; x=\"y\"" < /dev/null
check "__Host- cookie parsed" body_has "cookie __Host-sid valid ival=0 size=40 value=$SID"

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo HTTP_COOKIE="sid=$SID" < /dev/null
check "cookie without __Host- ignored when Secure" sh -c "! grep -q '^cookie' '$T/body'"

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo HTTP_COOKIE="__Host-sid=short" < /dev/null
check "cookie value checked by its validator" body_has "cookie __Host-sid invalid"

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo HTTP_COOKIE="__Host-sid=$(printf '\xff')bad; a" < /dev/null
check "malformed cookie dropped, request served" has_status 200

CONF=$T/plain.ini
cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo HTTP_COOKIE="sid=$SID" < /dev/null
check "plain cookie parsed when cookie_secure=0" body_has "cookie sid valid"
cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/cookie QUERY_STRING=value=abc < /dev/null
check "cookie_secure=0: no prefix, no Secure" has_hdr Set-Cookie "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"
CONF=$T/secure.ini

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/cookie QUERY_STRING=value=abc < /dev/null
check "Set-Cookie: __Host-, Path=/, Secure, HttpOnly, SameSite" has_hdr Set-Cookie "__Host-sid=abc; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax"

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/cookie QUERY_STRING='value=a%3B+Domain%3Devil' < /dev/null
check "cookie value with ';' refused: 500" has_status 500
check "refused cookie not sent" no_hdr Set-Cookie

# ---- header injection (R478) ----

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/header QUERY_STRING='value=fine' < /dev/null
check "plain header value set" has_hdr X-Test fine

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/header \
    QUERY_STRING='value=a%0D%0ASet-Cookie:+x%3D1' < /dev/null
check "CRLF in a header value: 500" has_status 500
check "no injected header" no_hdr Set-Cookie
check "no X-Test at all" no_hdr X-Test
security_headers "injection 500"
html_page "injection 500" "サーバーでエラーが発生しました"

cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/header QUERY_STRING='value=a%0Ab' < /dev/null
check "bare LF in a header value: 500" has_status 500

# ---- redirects (R484) ----

redirect() { # redirect NAME TO WANT
	cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/redirect QUERY_STRING="to=$2" < /dev/null
	if has_status 303 && has_hdr Location "$3"; then ok "$1"
	else notok "$1 (got $(status) $(hdr Location))"; fi
}
redirect "redirect to own path" '/member/home%3Fx%3D1' '/cgi-bin/formsvc.cgi/member/home?x=1'
redirect "scheme-relative refused" '//evil.example/' '/cgi-bin/formsvc.cgi/'
redirect "absolute URL refused" 'https://evil.example/' '/cgi-bin/formsvc.cgi/'
redirect "backslash refused" '/%5Cevil.example' '/cgi-bin/formsvc.cgi/'
redirect "double slash inside refused" '/a//b' '/cgi-bin/formsvc.cgi/'
redirect "dot-dot refused" '/a/../../x' '/cgi-bin/formsvc.cgi/'
redirect "CRLF refused" '/a%0D%0ALocation:+x' '/cgi-bin/formsvc.cgi/'
redirect "javascript: refused" 'javascript:alert(1)' '/cgi-bin/formsvc.cgi/'
redirect "empty goes to root" '' '/cgi-bin/formsvc.cgi/'
security_headers "redirect" no-store no-referrer

# ---- the sandbox ----

# Under valgrind (KENMIN_UNDER_VALGRIND set by whoever wraps the CGI in
# it) the child runs without its seccomp filter: see sandbox.c.
if [ -n "${KENMIN_UNDER_VALGRIND:-}" ]; then
	ok "a parser that opens a socket is killed # skip under valgrind"
else
	cgi "$TCGI" REQUEST_METHOD=GET PATH_INFO=/_test/echo QUERY_STRING='probe=1' < /dev/null
	check "a parser that opens a socket is killed: 500" has_status 500
	check "the kill is logged" grep -q 'killed by signal' "$T/err"
fi

echo "# 200_cgi_core: $fails failed"
[ "$fails" = 0 ]
