#!/usr/bin/env bash
# 010_serve.sh: scripts/serve end to end: lighttpd on a free port serving
# the shared demo site with a copy of its database under $KENMIN_TMP, the
# pages, the CGI, the dot-path rule and the security headers checked with
# curl, then the server stopped.
# needs: fixture
# (the shared demo site of tests/fixture.sh, read-only: the served tree
# is $KENMIN_TMP/site-out, the fixture's top-level entries as symbolic
# links, so that the dot files this case plants stay in $KENMIN_TMP)
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_CGI:?}"
: "${KENMIN_FIXTURE:?}"

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
diag() { sed 's/^/#   /'; }

# A port nothing listens on: ask the kernel for one.
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KENMIN_PORT=$PORT
export KENMIN_VAR=$KENMIN_TMP/var
export KENMIN_CONFIG=$KENMIN_TMP/kenmin.ini
SITE=$KENMIN_TMP/site-out
cat >"$KENMIN_CONFIG" <<EOF
[paths]
database = $KENMIN_VAR/kenmin.db
site_dir = $SITE
git_dir = $KENMIN_VAR/site.git
key_dir = $KENMIN_VAR/keys
upload_dir = $KENMIN_VAR/uploads
spool_dir = $KENMIN_VAR/spool
theme_dir = $KENMIN_ROOT/themes/default
content_dir = $KENMIN_ROOT/content
generator = $KENMIN_GEN
[site]
base_url = http://127.0.0.1:$PORT
EOF

# The state serve finds: the fixture's database and keys, copied with
# loose modes that serve must tighten; the site exists, so serve builds
# nothing.
FIX_SITE=$KENMIN_FIXTURE/site
mkdir -p "$KENMIN_VAR" "$SITE/boranet201909"
cp "$KENMIN_FIXTURE/k.db" "$KENMIN_VAR/kenmin.db"
cp -R "$KENMIN_FIXTURE/keys" "$KENMIN_VAR/keys"
chmod 0755 "$KENMIN_VAR" "$KENMIN_VAR/keys"
for f in "$FIX_SITE"/*; do
	[ "${f##*/}" = boranet201909 ] || ln -s "$f" "$SITE/"
done
for f in "$FIX_SITE"/boranet201909/*; do
	ln -s "$f" "$SITE/boranet201909/"
done
touch "$KENMIN_TMP/stamp"

SERVE=$KENMIN_ROOT/scripts/serve
trap '"$SERVE" --stop >/dev/null 2>&1' EXIT

URL=http://127.0.0.1:$PORT
if ! "$SERVE" --background >"$KENMIN_TMP/serve.log" 2>&1; then
	nok "serve --background starts the site"
	diag <"$KENMIN_TMP/serve.log"
	exit 1
fi
ok "serve --background starts the site"
check "serve prints the Super Net URL" grep -q -F "$URL/" "$KENMIN_TMP/serve.log"
check "serve prints the あいかさねっと URL" \
    grep -q -F "$URL/boranet201909/" "$KENMIN_TMP/serve.log"
check "serve prints the forms URL" \
    grep -q -F "$URL/cgi-bin/formsvc.cgi/" "$KENMIN_TMP/serve.log"
check "var is private (0700)" \
    test "$(stat -c %a "$KENMIN_VAR")" = 700
check "var/keys is private (0700)" \
    test "$(stat -c %a "$KENMIN_VAR/keys")" = 700
check "the database is in var" test -s "$KENMIN_VAR/kenmin.db"
check "serve wrote nothing into the site" \
    test -z "$(find "$SITE" "$FIX_SITE" -newer "$KENMIN_TMP/stamp" | head -n 3)"

# fetch PATH: headers to $KENMIN_TMP/h, body to $KENMIN_TMP/b, status out.
fetch() {
	curl -s --max-time 30 -D "$KENMIN_TMP/h" -o "$KENMIN_TMP/b" \
	    -w '%{http_code}' "$URL$1"
}
header() {	# header NAME: its value in the last response (CR removed)
	grep -i "^$1:" "$KENMIN_TMP/h" | head -n 1 | cut -d: -f2- |
	    sed -e 's/^ *//' -e 's/\r$//'
}
is_html() { grep -q -i '<html' "$KENMIN_TMP/b"; }
no_secret() { ! grep -q -e secret-branch -e SECRET "$KENMIN_TMP/b"; }
no_report() { ! grep -q -E 'Sanitizer|runtime error' "$1"; }
closed() { ! curl -s -o /dev/null --max-time 5 "$1"; }

st=$(fetch /)
check "GET / answers 200 (got $st)" test "$st" = 200
check "GET / is HTML" is_html
check "GET / says text/html; charset=utf-8" \
    test "$(header Content-Type)" = "text/html; charset=utf-8"
check "static: X-Content-Type-Options nosniff" \
    test "$(header X-Content-Type-Options)" = nosniff
check "static: X-Frame-Options DENY" test "$(header X-Frame-Options)" = DENY
check "static: Referrer-Policy" \
    test "$(header Referrer-Policy)" = strict-origin-when-cross-origin
csp=$(header Content-Security-Policy)
check "static: CSP default-src 'self'" \
    grep -q -F "default-src 'self'" <<<"$csp"
check "static: CSP frame-ancestors 'none'" \
    grep -q -F "frame-ancestors 'none'" <<<"$csp"
check "no Server header" test -z "$(header Server)"

st=$(fetch /boranet201909/)
check "GET /boranet201909/ answers 200 (got $st)" test "$st" = 200
check "GET /boranet201909/ is HTML" is_html

st=$(fetch /cgi-bin/formsvc.cgi/)
check "GET /cgi-bin/formsvc.cgi/ answers 200 (got $st)" test "$st" = 200
check "the CGI answers text/html" \
    grep -q -i '^text/html' <<<"$(header Content-Type)"
# Static files carry an ETag; a CGI response does not.
check "the answer comes from the CGI, not a file" test -z "$(header ETag)"

# A dot directory in the served tree must stay invisible.
mkdir -p "$SITE/.git" "$SITE/boranet201909"
printf 'ref: refs/heads/secret-branch\n' >"$SITE/.git/HEAD"
printf 'SECRET=1\n' >"$SITE/boranet201909/.env"
check "the planted .git/HEAD exists" test -f "$SITE/.git/HEAD"
for p in /.git/HEAD /.git/ /%2egit/HEAD /boranet201909/.env \
    /cgi-bin/formsvc.cgi/.git/HEAD; do
	st=$(fetch "$p")
	check "GET $p answers 404 (got $st)" test "$st" = 404
	check "GET $p leaks nothing" \
	    no_secret
done

addrs=$(ss -Hltn "sport = :$PORT" | awk '{ print $4 }' | sort -u)
check "listens on 127.0.0.1 only (${addrs//$'\n'/ })" \
    test "$addrs" = "127.0.0.1:$PORT"

check "no sanitizer report from the CGI" \
    no_report "$KENMIN_VAR/log/error.log"

if "$SERVE" --stop >"$KENMIN_TMP/stop.log" 2>&1; then
	ok "serve --stop"
else
	nok "serve --stop"
	diag <"$KENMIN_TMP/stop.log"
fi
check "the pid file is gone" test ! -e "$KENMIN_VAR/lighttpd.pid"
check "the port is closed after --stop" \
    closed "$URL/"

[ "$n_fail" -eq 0 ]
