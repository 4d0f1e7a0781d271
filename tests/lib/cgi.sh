# cgi.sh: what every test case that drives formsvc.cgi shares.  Source it
# after setting nothing; it sets ROOT, CGI, GEN, PY and a temporary T
# (removed at exit unless KEEP is set), and defines:
#
#   ok / notok / check NAME CMD...   TAP-ish lines; $fails counts failures
#   cgi_setup [EXTRA_INI]           write $T/k.ini (every path under $T, the
#                                   SMTP sink's port if started), export
#                                   KENMIN_CONFIG, run `kenmin-gen init`
#   cgi METHOD PATH [COOKIE] [BODY] [QUERY]   one CGI request: $T/hdr, $T/body
#   cgi_mp PATH COOKIE FIELD...     a multipart POST; FIELD is name=value or
#                                   name=@FILE[;type=MIME] (curl -F syntax)
#   status / is CODE / loc / has TEXT / hasnt TEXT
#   acsrf / sid / formcsrf / hidden NAME / hiddenbody
#   enc TEXT / sha TEXT / sq SQL     (sq: sqlite3 on $T/k.db)
#   anon                            GET /login: sets A (anonymous cookie)
#                                   and C ("csrf=…") for anonymous POSTs
#   member_login LOGIN PASSWORD     a member session: sets MS (cookie) and
#                                   MC ("csrf=…")
#   staff_session LOGIN PASSWORD    an editor/admin session past TOTP: sets
#                                   SS (cookie) and SC ("csrf=…")
#   waitmail N                      until N mails reached the sink (bounded)
#   mailbody FILE                   the decoded text body of one .eml
#
# The case calls sink_start "$T" (tests/lib/sink.sh) before cgi_setup if
# it reads mail.

set -u
ROOT=${KENMIN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
PY=/usr/bin/python3
T=$(mktemp -d)
SINK=
PORT=
cgi_cleanup() {
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
	# A detached `kenmin-gen mail` or `publish` may still be finishing.
	for _ in $(seq 100); do pgrep -f "$T/k.ini" >/dev/null || break; sleep 0.1; done
	[ -n "${KEEP:-}" ] && { echo "# kept $T" >&2; return; }
	rm -rf "$T"
}
trap cgi_cleanup EXIT
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/sink.sh"

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

cgi_setup() { # cgi_setup [EXTRA_INI_LINES]
	cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
site_dir = $T/site
git_dir = $T/site.git
spool_dir = $T/var
upload_dir = $T/uploads
theme_dir = $ROOT/themes/default
generator = $GEN
[site]
base_url = https://kenmin.example.jp
[mail]
smtp_url = smtp://127.0.0.1:${PORT:-9}
mail_from = noreply@kenmin.example.jp
center_supernet = center-sn@kenmin.example.jp
center_aikasa = center-ak@kenmin.example.jp
[security]
cookie_secure = 1
${1:-}
EOF2
	export KENMIN_CONFIG=$T/k.ini
	"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
}
sq() { sqlite3 -cmd ".timeout 10000" "$T/k.db" "$@"; }

# The environment of one CGI request; the body comes on stdin.
cgi_run() { # cgi_run METHOD PATH COOKIE QUERY CONTENT_TYPE LENGTH
	env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$KENMIN_CONFIG" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    REMOTE_ADDR="${REMOTE_ADDR:-192.0.2.7}" \
	    REQUEST_METHOD="$1" PATH_INFO="$2" HTTP_COOKIE="$3" QUERY_STRING="$4" \
	    CONTENT_TYPE="$5" CONTENT_LENGTH="$6" \
	    "$CGI" > "$T/resp" 2> "$T/err"
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$T/resp" > "$T/hdr"
	sed '1,/^\r$/d' "$T/resp" > "$T/body"
	# Sanitizer reports of the CGI reach the runner through stderr.
	grep -E 'Sanitizer|runtime error:' "$T/err" >&2
	return 0
}
cgi() { # cgi METHOD PATH [COOKIE] [BODY] [QUERY]
	local b=${4:-}
	printf '%s' "$b" | cgi_run "$1" "$2" "${3:-}" "${5:-}" \
	    application/x-www-form-urlencoded ${#b}
}
cgi_mp() { # cgi_mp PATH COOKIE FIELD...
	local p=$1 c=$2 bnd=kenminTestBoundary7MA4YWxk
	shift 2
	$PY - "$bnd" "$@" > "$T/mpbody" <<'PYEOF'
import sys
bnd = sys.argv[1].encode()
out = []
for f in sys.argv[2:]:
    name, _, val = f.partition("=")
    out.append(b"--" + bnd + b"\r\n")
    if val.startswith("@"):
        path, _, typ = val[1:].partition(";type=")
        fn = path.rsplit("/", 1)[-1]
        out.append(b'Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
            % (name.encode(), fn.encode()))
        out.append(b"Content-Type: %s\r\n\r\n" % (typ or "application/octet-stream").encode())
        out.append(open(path, "rb").read())
    else:
        out.append(b'Content-Disposition: form-data; name="%s"\r\n\r\n' % name.encode())
        out.append(val.encode())
    out.append(b"\r\n")
out.append(b"--" + bnd + b"--\r\n")
sys.stdout.buffer.write(b"".join(out))
PYEOF
	cgi_run POST "$p" "$c" "" "multipart/form-data; boundary=$bnd" \
	    "$(stat -c %s "$T/mpbody")" < "$T/mpbody"
}
status() { head -1 "$T/hdr" | sed -n 's/^Status: \([0-9]*\).*/\1/p'; }
is() { [ "$(status)" = "$1" ]; }
loc() { grep -i '^Location: ' "$T/hdr" | sed 's/^[^:]*: //'; }
has() { grep -qF -- "$1" "$T/body"; }
hasnt() { ! grep -qF -- "$1" "$T/body"; }
acsrf() { sed -n 's/^Set-Cookie: __Host-kenmin_csrf=\([0-9a-f]*\);.*/\1/p' "$T/hdr"; }
sid() { sed -n 's/^Set-Cookie: __Host-kenmin=\([0-9a-f]\{64\}\);.*/\1/p' "$T/hdr"; }
formcsrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/body" | head -1; }
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$1"; }
sha() { printf '%s' "$1" | sha256sum | cut -c1-64 | tr a-f A-F; }
# The value of hidden input NAME on the page.
hidden() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$T/body" | head -1; }
# Every hidden input of the page as an urlencoded body (the browser's POST).
hiddenbody() {
	$PY - "$T/body" <<'PYEOF'
import html.parser, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.out = []
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "input" and a.get("type") == "hidden":
            self.out.append((a["name"], a.get("value", "")))
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(urllib.parse.urlencode(p.out))
PYEOF
}
anon() {
	cgi GET /login
	A="__Host-kenmin_csrf=$(acsrf)"
	C="csrf=${A#*=}"
}
member_login() { # member_login LOGIN PASSWORD
	[ -n "${A:-}" ] || anon
	cgi POST /login "$A" "$C&login_id=$(enc "$1")&password=$(enc "$2")"
	MS="__Host-kenmin=$(sid)"
	MC="csrf=$(sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "${MS#*=}")'")"
}
staff_session() { # staff_session LOGIN PASSWORD
	local c
	[ -n "${A:-}" ] || anon
	cgi POST /admin/login "$A" "$C&login_id=$(enc "$1")&password=$(enc "$2")"
	c=$(sid)
	sq "UPDATE session SET mfa_ok = 1 WHERE hex(id_hash)='$(sha "$c")'"
	sq "UPDATE staff SET totp_enabled = 1 WHERE login_id='$1'"
	SS="__Host-kenmin=$c"
	SC="csrf=$(sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "$c")'")"
}
waitmail() { # waitmail N: until N messages arrived (bounded)
	local i
	for i in $(seq 300); do
		[ "$(find "$T/spool" -name '*.eml' 2>/dev/null | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
mailbody() { # mailbody FILE: headers we check, a blank line, the text
	$PY - "$1" <<'PYEOF'
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
for h in ("To", "Subject"):
    print("%s: %s" % (h, m[h]))
print()
print(m.get_body(preferencelist=("plain",)).get_content())
PYEOF
}
staff_add() { # staff_add LOGIN PASSWORD [admin|editor]: through the link
	local link tok
	link=$("$GEN" staff add "$1" --role "${3:-editor}" --name '職員 一郎' 2> /dev/null)
	tok=${link##*t=}
	[ -n "${A:-}" ] || anon
	cgi POST /setpw "$A" "$C&t=$tok&new_password=$(enc "$2")&new_password2=$(enc "$2")"
}
# member_add LOGIN TYPE STATE STAFFLOGIN: an e-mail-verified member
# straight into the database, sharing STAFFLOGIN's password (its argon2id
# hash); the sealed e-mail is left empty.  Cases that test registration
# itself go through /aikasa/register and the mailed link instead.
member_add() {
	local now h
	now=$(date +%s)
	h=$(sq "SELECT pw_hash FROM staff WHERE login_id='$4'")
	sq "INSERT INTO member (type, state, login_id, login_key, pw_hash,
	    email_verified_at, created_at, updated_at)
	    VALUES ('$2', '$3', '$1', lower('$1'), '$h', $now, $now, $now)"
}
