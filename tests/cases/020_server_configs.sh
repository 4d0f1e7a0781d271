#!/usr/bin/env bash
# 020_server_configs.sh: the production web-server configurations
# (scripts/nginx.conf.in, apache.conf.in, lighttpd-production.conf.in)
# rendered with test paths, each run on loopback ports with a throw-away
# certificate and probed with curl: HTTPS redirect, HSTS, TLS versions,
# dot paths, security headers, uploads as downloads, the CGI, the logs.
# A server that is not installed is a failure, not a skip: every one of
# them comes with scripts/install-deps.
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_CGI:?}"

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
diag() { sed 's/^/#   /'; }

T=$KENMIN_TMP
HOST=kenmin.test
PIDS=()
FCGI_PID=
cleanup() {
	local p
	[ -n "$FCGI_PID" ] && kill -- "-$FCGI_PID" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for f in "$T"/*/server.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	wait 2>/dev/null
}
trap cleanup EXIT

# Running as root, the servers drop to www-data, which must read the tree.
if [ "$(id -u)" -eq 0 ]; then
	WEB_USER=www-data WEB_GROUP=www-data
	chmod 0755 "$T"
else
	WEB_USER=$(id -un) WEB_GROUP=$(id -gn)
fi

# ---- the tiny site, the state directory, the certificate ----

SITE=$T/site
STATE=$T/state
mkdir -p "$SITE/.git" "$SITE/files" "$SITE/assets" "$SITE/x" "$SITE/search" \
    "$STATE/redirects" "$STATE/empty" "$T/bin"
echo '<!doctype html><title>top</title><p>KENMIN-TOP' >"$SITE/index.html"
echo '<!doctype html><title>404</title><p>KENMIN-NOT-FOUND' >"$SITE/404.html"
echo 'ref: refs/heads/main' >"$SITE/.git/HEAD"
echo 'SECRET=1' >"$SITE/.env"
echo 'deny from all' >"$SITE/x/.htaccess"
echo 'hidden' >"$SITE/files/.hidden"
printf '%%PDF-1.4\n%%EOF\n' >"$SITE/files/a.pdf"
echo '<script>alert(1)</script>' >"$SITE/files/x.html"
printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho EXECUTED\n' >"$SITE/files/run.cgi"
chmod 0755 "$SITE/files/run.cgi"
printf '\x89PNG\r\n\x1a\n' >"$SITE/files/p.png"
for _ in $(seq 200); do echo 'body { color: #333; margin: 0 auto; }'; done >"$SITE/assets/site.css"
echo '{}' >"$SITE/search/0.json"
# A legacy redirect in each server's map (A-45).
echo 'location = /old.html { return 301 /; }' >"$STATE/redirects/nginx.conf"
echo 'Redirect permanent /old.html /' >"$STATE/redirects/apache.conf"
echo '$HTTP["url"] == "/old.html" { url.redirect = ( "" => "/" ) }' >"$STATE/redirects/lighttpd.conf"
chmod -R a+rX "$SITE" "$STATE"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" -keyout "$T/key.pem" -out "$T/cert.pem" \
    >"$T/openssl.log" 2>&1 || { nok "openssl makes a test certificate"; diag <"$T/openssl.log"; exit 1; }
chmod 0644 "$T/key.pem"

# formsvc with a minimal configuration (/health touches nothing else).
CONF=$T/kenmin.ini
printf '[paths]\ntheme_dir = %s/themes/default\ndatabase = %s/k.db\n' \
    "$KENMIN_ROOT" "$T" >"$CONF"
chmod 0644 "$CONF"

ports() {	# N free loopback ports
	/usr/bin/python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# The fcgiwrap all three servers hand the CGI to.
FCGI=$T/fcgiwrap.sock
if command -v fcgiwrap >/dev/null 2>&1; then
	# In its own process group, so that its workers stop with it.
	(umask 0; exec setsid fcgiwrap -c 2 -s "unix:$FCGI") >"$T/fcgiwrap.log" 2>&1 &
	FCGI_PID=$!
	for _ in $(seq 50); do [ -S "$FCGI" ] && break; sleep 0.1; done
	check "fcgiwrap listens" test -S "$FCGI"
else
	nok "fcgiwrap is installed (scripts/install-deps)"
fi

# render TEMPLATE OUT DIR HTTP HTTPS: fill in every @NAME@ field.
render() {
	sed -e "s|@SERVER_NAME@|$HOST|g" \
	    -e "s|@HTTPS_ORIGIN@|https://$HOST:$5|g" \
	    -e "s|@ADDR@|127.0.0.1|g" \
	    -e "s|@HTTP_PORT@|$4|g" -e "s|@HTTPS_PORT@|$5|g" \
	    -e "s|@WEB_USER@|$WEB_USER|g" -e "s|@WEB_GROUP@|$WEB_GROUP|g" \
	    -e "s|@CERT@|$T/cert.pem|g" -e "s|@CERT_KEY@|$T/key.pem|g" \
	    -e "s|@SITE_DIR@|$SITE|g" -e "s|@STATE_DIR@|$STATE|g" \
	    -e "s|@CGI@|$KENMIN_CGI|g" -e "s|@CONFIG@|$CONF|g" \
	    -e "s|@FCGI_SOCKET@|$FCGI|g" -e "s|@LOG_DIR@|$3|g" \
	    -e "s|@RUN_DIR@|$3|g" -e "s|@EMPTY_DIR@|$STATE/empty|g" \
	    "$1" >"$2"
	if grep -v '^[[:space:]]*#' "$2" | grep -q '@[A-Z_]*@'; then
		nok "$(basename "$1"): every field is filled in"
		grep -n '@[A-Z_]*@' "$2" | diag
	fi
}

# fetch URL [CURL ARGS]: headers to $H, body to $B, status in $STATUS.
H=$T/h B=$T/b STATUS=
fetch() {
	local url=$1
	shift
	: >"$H"; : >"$B"
	STATUS=$(curl -s -o "$B" -D "$H" -w '%{http_code}' --max-time 10 \
	    --resolve "$HOST:$HTTP:127.0.0.1" --resolve "$HOST:$HTTPS:127.0.0.1" \
	    --cacert "$T/cert.pem" "$@" "$url")
}
hdr() {	# the value of header $1 in $H (first one)
	tr -d '\r' <"$H" | grep -i -m1 "^$1:" | sed 's/^[^:]*:[[:space:]]*//'
}
hdr_count() { tr -d '\r' <"$H" | grep -c -i "^$1:"; }
hsts_ok() {
	local v age
	v=$(hdr Strict-Transport-Security)
	age=$(printf '%s\n' "$v" | sed -n 's/.*max-age=\([0-9]*\).*/\1/p')
	[ -n "$age" ] && [ "$age" -ge 31536000 ]
}
static_headers() {	# NAME: the security headers of a static answer
	check "$1: nosniff" test "$(hdr X-Content-Type-Options)" = nosniff
	check "$1: X-Frame-Options DENY" test "$(hdr X-Frame-Options)" = DENY
	check "$1: Referrer-Policy" test -n "$(hdr Referrer-Policy)"
	local csp
	csp=$(hdr Content-Security-Policy)
	check "$1: CSP frame-ancestors 'none'" grep -q -F "frame-ancestors 'none'" <<<"$csp"
	check "$1: HSTS at least a year" hsts_ok
}
tls_refused() {	# VERSION-FLAG: the handshake fails
	! openssl s_client -connect "127.0.0.1:$HTTPS" -servername "$HOST" "$1" \
	    -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >"$T/s_client.log" 2>&1
}
tls_accepted() {
	openssl s_client -connect "127.0.0.1:$HTTPS" -servername "$HOST" "$@" \
	    </dev/null >"$T/s_client.log" 2>&1
}

# A control: the client can speak TLS 1.1 when a server offers it, so a
# refusal below is the server's doing.
read -r CP <<<"$(ports 1)"
openssl s_server -accept "127.0.0.1:$CP" -cert "$T/cert.pem" -key "$T/key.pem" \
    -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' -www >"$T/s_server.log" 2>&1 &
SPID=$!
PIDS+=($SPID)
for _ in $(seq 50); do
	curl -s -k -o /dev/null --max-time 1 "https://127.0.0.1:$CP/" && break
	sleep 0.1
done
HTTPS=$CP
check "control: the TLS 1.1 client works against a TLS 1.1 server" \
    tls_accepted -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
kill "$SPID" 2>/dev/null

# probe NAME: every behavioural check against a running server.
probe() {
	local n=$1
	fetch "http://$HOST:$HTTP/a/b?x=1"
	check "$n: http is 301" test "$STATUS" = 301
	check "$n: http redirects to the same URL on https" \
	    test "$(hdr Location)" = "https://$HOST:$HTTPS/a/b?x=1"

	fetch "https://$HOST:$HTTPS/"
	check "$n: GET / is 200" test "$STATUS" = 200
	check "$n: GET / is the site's index.html" grep -q KENMIN-TOP "$B"
	static_headers "$n: GET /"
	check "$n: CSP default-src 'self'" \
	    grep -q -F "default-src 'self'" <<<"$(hdr Content-Security-Policy)"
	check "$n: CSP frame-src is Google Calendar only" \
	    grep -q -E "frame-src https://calendar\.google\.com(;|$)" <<<"$(hdr Content-Security-Policy)"
	check "$n: no Google Analytics in the default CSP" \
	    bash -c '! grep -q google-analytics <<<"$1"' _ "$(hdr Content-Security-Policy)"
	check "$n: pages are revalidated (Cache-Control no-cache)" \
	    test "$(hdr Cache-Control)" = no-cache

	local p
	for p in /.git/HEAD /.env /files/.hidden /x/.htaccess /%2egit/HEAD /.git/; do
		fetch "https://$HOST:$HTTPS$p"
		check "$n: GET $p is 404" test "$STATUS" = 404
		if grep -q -e 'ref: refs' -e SECRET -e hidden -e 'deny from' "$B"; then
			nok "$n: GET $p shows nothing of the file"
		fi
	done
	fetch "https://$HOST:$HTTPS/no-such-page.html"
	check "$n: a missing page is 404" test "$STATUS" = 404
	check "$n: the 404 is the site's 404.html" grep -q KENMIN-NOT-FOUND "$B"
	static_headers "$n: the 404"
	fetch "https://$HOST:$HTTPS/.env"
	static_headers "$n: the 404 of a dot path"

	fetch "https://$HOST:$HTTPS/files/x.html"
	check "$n: /files/x.html is 200" test "$STATUS" = 200
	check "$n: /files/x.html is an attachment" \
	    grep -q -i '^attachment' <<<"$(hdr Content-Disposition)"
	check "$n: /files/x.html is not text/html" \
	    bash -c '! grep -q -i html <<<"$1"' _ "$(hdr Content-Type)"
	check "$n: /files/x.html nosniff" test "$(hdr X-Content-Type-Options)" = nosniff
	fetch "https://$HOST:$HTTPS/files/run.cgi"
	check "$n: /files/run.cgi is not executed" grep -q -F 'echo EXECUTED' "$B"
	check "$n: /files/run.cgi is an attachment" \
	    grep -q -i '^attachment' <<<"$(hdr Content-Disposition)"
	fetch "https://$HOST:$HTTPS/files/a.pdf"
	check "$n: /files/a.pdf is application/pdf" \
	    grep -q '^application/pdf' <<<"$(hdr Content-Type)"
	check "$n: /files/a.pdf is an attachment" \
	    grep -q -i '^attachment' <<<"$(hdr Content-Disposition)"
	fetch "https://$HOST:$HTTPS/files/p.png"
	check "$n: /files/p.png is image/png" \
	    grep -q '^image/png' <<<"$(hdr Content-Type)"
	check "$n: /files/p.png is shown inline" test "$(hdr_count Content-Disposition)" = 0

	fetch "https://$HOST:$HTTPS/assets/site.css" -H 'Accept-Encoding: gzip'
	check "$n: /assets/ is compressed" test "$(hdr Content-Encoding)" = gzip
	check "$n: /assets/ has a short max-age" \
	    grep -q 'max-age=3600' <<<"$(hdr Cache-Control)"
	check "$n: /assets/ has an ETag" test -n "$(hdr ETag)"
	static_headers "$n: /assets/site.css"

	fetch "https://$HOST:$HTTPS/old.html"
	check "$n: the legacy redirect map is included" test "$STATUS" = 301

	fetch "https://$HOST:$HTTPS/cgi-bin/formsvc.cgi/health"
	check "$n: the CGI answers /health with 200" test "$STATUS" = 200
	check "$n: the CGI says ok" test "$(cat "$B")" = ok
	check "$n: the CGI's CSP is sent once" test "$(hdr_count Content-Security-Policy)" = 1
	check "$n: the CGI's X-Frame-Options is sent once" test "$(hdr_count X-Frame-Options)" = 1
	check "$n: the CGI answer has HSTS" hsts_ok
	fetch "https://$HOST:$HTTPS/cgi-bin/formsvc.cgi/aikasa/verify?t=TOKEN0123456789SECRET"
	check "$n: the verify URL reaches the CGI" test -n "$STATUS"
	fetch "https://$HOST:$HTTPS/cgi-bin/other.cgi"
	check "$n: nothing else under /cgi-bin/ answers" \
	    bash -c '[ "$1" = 404 ] || [ "$1" = 403 ]' _ "$STATUS"

	check "$n: TLS 1.1 is refused" tls_refused -tls1_1
	check "$n: TLS 1.2 is accepted" tls_accepted -tls1_2
	check "$n: TLS 1.3 is accepted" tls_accepted -tls1_3
}

# stop_and_check_log NAME DIR: stop the server (which flushes its log),
# then check that the token stayed out of the access log.
stop_and_check_log() {
	local n=$1 d=$2 pid
	[ -s "$d/server.pid" ] || return 0
	pid=$(cat "$d/server.pid")
	kill "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	check "$n: stops" bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
	check "$n: the access log records the verify path" \
	    grep -q -F /cgi-bin/formsvc.cgi/aikasa/verify "$d/log/access.log"
	check "$n: the access log holds no token" \
	    bash -c '! grep -q TOKEN0123456789SECRET "$1"' _ "$d/log/access.log"
}

wait_up() {
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 1 -k "https://127.0.0.1:$HTTPS/" && return 0
		sleep 0.1
	done
	return 1
}

# ---- nginx ----

D=$T/nginx NAME=nginx
mkdir -p "$D/log"
read -r HTTP HTTPS <<<"$(ports 2)"
if ! command -v nginx >/dev/null 2>&1; then
	nok "nginx is installed (scripts/install-deps)"
else
	render "$KENMIN_ROOT/scripts/nginx.conf.in" "$D/kenmin.conf" "$D/log" "$HTTP" "$HTTPS"
	{
		[ "$(id -u)" -eq 0 ] && echo "user $WEB_USER $WEB_GROUP;"
		echo "worker_processes 1;"
		echo "pid $D/server.pid;"
		echo "error_log $D/log/main-error.log;"
		echo "events { worker_connections 64; }"
		echo "http {"
		echo "	include /etc/nginx/mime.types;"
		echo "	default_type application/octet-stream;"
		for t in client_body proxy fastcgi uwsgi scgi; do
			echo "	${t}_temp_path $D/$t;"
		done
		echo "	include $D/kenmin.conf;"
		echo "}"
	} >"$D/nginx.conf"
	if nginx -t -q -c "$D/nginx.conf" -e "$D/log/main-error.log" >"$D/t.log" 2>&1; then
		ok "nginx: nginx -t accepts the config"
	else
		nok "nginx: nginx -t accepts the config"; diag <"$D/t.log"
	fi
	if nginx -c "$D/nginx.conf" -e "$D/log/main-error.log" >"$D/start.log" 2>&1 && wait_up; then
		ok "nginx: starts"
		probe nginx
	else
		nok "nginx: starts"; cat "$D/start.log" "$D/log/"*error.log 2>/dev/null | diag
	fi
	stop_and_check_log "$NAME" "$D"
fi

# ---- lighttpd ----

D=$T/lighttpd NAME=lighttpd
mkdir -p "$D/log"
read -r HTTP HTTPS <<<"$(ports 2)"
if ! command -v lighttpd >/dev/null 2>&1; then
	nok "lighttpd is installed (scripts/install-deps)"
else
	render "$KENMIN_ROOT/scripts/lighttpd-production.conf.in" "$D/lighttpd.conf" "$D/log" "$HTTP" "$HTTPS"
	sed -i "s|$D/log/lighttpd.pid|$D/server.pid|" "$D/lighttpd.conf"
	[ "$(id -u)" -eq 0 ] && chown "$WEB_USER:$WEB_GROUP" "$D/log"
	if lighttpd -tt -f "$D/lighttpd.conf" >"$D/t.log" 2>&1; then
		ok "lighttpd: lighttpd -tt accepts the config"
	else
		nok "lighttpd: lighttpd -tt accepts the config"; diag <"$D/t.log"
	fi
	if lighttpd -f "$D/lighttpd.conf" >"$D/start.log" 2>&1 && wait_up; then
		ok "lighttpd: starts"
		probe lighttpd
	else
		nok "lighttpd: starts"; cat "$D/start.log" "$D/log/error.log" 2>/dev/null | diag
	fi
	stop_and_check_log "$NAME" "$D"
fi

# ---- Apache ----

D=$T/apache NAME=apache
mkdir -p "$D/log" "$D/run"
read -r HTTP HTTPS <<<"$(ports 2)"
if ! command -v apache2 >/dev/null 2>&1; then
	nok "apache2 is installed (scripts/install-deps)"
else
	render "$KENMIN_ROOT/scripts/apache.conf.in" "$D/kenmin.conf" "$D/log" "$HTTP" "$HTTPS"
	M=/usr/lib/apache2/modules
	{
		echo "Define APACHE_RUN_DIR $D/run"
		echo "ServerRoot $D"
		echo "PidFile $D/server.pid"
		echo "DefaultRuntimeDir $D/run"
		echo "Mutex file:$D/run default"
		echo "ErrorLog $D/log/main-error.log"
		echo "LoadModule mpm_event_module $M/mod_mpm_event.so"
		for m in authz_core authz_host alias mime dir headers setenvif \
		    deflate filter ssl socache_shmcb proxy proxy_fcgi; do
			echo "LoadModule ${m}_module $M/mod_$m.so"
		done
		[ -f /etc/mime.types ] && echo "TypesConfig /etc/mime.types"
		if [ "$(id -u)" -eq 0 ]; then
			echo "User $WEB_USER"
			echo "Group $WEB_GROUP"
		fi
		echo "Listen 127.0.0.1:$HTTP"
		echo "Listen 127.0.0.1:$HTTPS"
		echo "ServerName $HOST"
		echo "<Directory />"
		echo "	AllowOverride None"
		echo "	Require all denied"
		echo "</Directory>"
		echo "Include $D/kenmin.conf"
	} >"$D/apache2.conf"
	if apache2 -t -f "$D/apache2.conf" >"$D/t.log" 2>&1; then
		ok "apache: apache2 -t accepts the config"
	else
		nok "apache: apache2 -t accepts the config"; diag <"$D/t.log"
	fi
	if apache2 -f "$D/apache2.conf" -k start >"$D/start.log" 2>&1 && wait_up; then
		ok "apache: starts"
		probe apache
	else
		nok "apache: starts"; cat "$D/start.log" "$D/log/"*error.log 2>/dev/null | diag
	fi
	stop_and_check_log "$NAME" "$D"
fi

exit 0
