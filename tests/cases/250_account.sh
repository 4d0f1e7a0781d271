#!/bin/bash
# 250_account.sh: account security through formsvc.cgi: one audit row per
# login, failure, lockout, logout, password change, reset request, reset,
# TOTP enrolment and recovery-code use (login IDs masked), wrong TOTP and
# recovery codes counting towards the lockout, a password change or reset
# ending the account's other sessions, and the reset mail delivered to a
# real SMTP sink (tests/smtpsink.py) with a link that works once and
# expires.  `kenmin-gen audit verify` passes at the end.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
PY=/usr/bin/python3
T=$(mktemp -d)
SINK=
cleanup() {
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

. "$KENMIN_ROOT/tests/lib/sink.sh"
sink_start "$T"
check "SMTP sink started" test -n "$PORT"

cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
theme_dir = $ROOT/themes/default
spool_dir = $T/var
generator = $GEN
[site]
base_url = https://kenmin.example.jp
[mail]
smtp_url = smtp://127.0.0.1:$PORT
mail_from = noreply@kenmin.example.jp
[security]
cookie_secure = 1
lockout_failures = 3
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
DB=$T/k.db
sq() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }

cgi() { # cgi METHOD PATH [COOKIE] [BODY] [QUERY]
	local m=$1 p=$2 c=${3:-} b=${4:-} q=${5:-}
	printf '%s' "$b" | env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$KENMIN_CONFIG" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=192.0.2.77 \
	    REQUEST_METHOD="$m" PATH_INFO="$p" QUERY_STRING="$q" HTTP_COOKIE="$c" \
	    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#b} \
	    "$CGI" > "$T/resp" 2> "$T/err"
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$T/resp" > "$T/hdr"
	sed '1,/^\r$/d' "$T/resp" > "$T/body"
}
status() { head -1 "$T/hdr" | sed -n 's/^Status: \([0-9]*\).*/\1/p'; }
is() { [ "$(status)" = "$1" ]; }
loc() { grep -i '^Location: ' "$T/hdr" | sed 's/^[^:]*: //'; }
sid() { sed -n 's/^Set-Cookie: __Host-kenmin=\([0-9a-f]\{64\}\);.*/\1/p' "$T/hdr"; }
acsrf() { sed -n 's/^Set-Cookie: __Host-kenmin_csrf=\([0-9a-f]*\);.*/\1/p' "$T/hdr"; }
has() { grep -qF -- "$1" "$T/body"; }
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$1"; }
sha() { printf '%s' "$1" | sha256sum | cut -c1-64 | tr a-f A-F; }
csrf_of() { sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "$1")'"; }
nsess() { sq "SELECT count(*) FROM session WHERE hex(id_hash)='$(sha "$1")'"; }
# rows ACTION: audit rows of that action so far
rows() { sq "SELECT count(*) FROM audit WHERE action='$1'"; }
# one ACTION COMMAND...: the command adds exactly one row of ACTION
declare -A BEFORE
mark() { local a; for a in "$@"; do BEFORE[$a]=$(rows "$a"); done; }
added() { echo $(( $(rows "$1") - ${BEFORE[$1]} )); }
# seal TABLE COLUMN ID TEXT: hex of a value sealed like lib/crypto.c
seal() {
	$PY - "$T/keys/data.key" "$@" <<'PYEOF'
import sys, os, hashlib
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = open(sys.argv[1], "rb").read()
t, c, i, v = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ad = t.encode() + b"\0" + c.encode() + b"\0" + i.to_bytes(8, "big")
kid = hashlib.blake2b(key, digest_size=32).digest()[0]
n = os.urandom(12)
print((bytes([kid]) + n + AESGCM(key).encrypt(n, v.encode(), ad)).hex())
PYEOF
}

cgi GET /login
AC=$(acsrf); A="__Host-kenmin_csrf=$AC"

# A member with a verified address and a password (hash made by /setpw
# through a staff link, then copied).
LINK=$("$GEN" staff add admin1 --role admin --name '管理 太郎' 2> /dev/null)
TOK=${LINK##*t=}
PW='Correct horse 電池 staple!'
cgi POST /setpw "$A" "csrf=$AC&t=$TOK&new_password=$(enc "$PW")&new_password2=$(enc "$PW")"
check "staff password set, audited as password_set" test "$(rows password_set)" = 1
NOW=$(date +%s)
MH=$(sq "SELECT pw_hash FROM staff WHERE login_id='admin1'")
sq "INSERT INTO member (id, type, state, login_id, login_key, pw_hash, email_verified_at, created_at, updated_at)
    VALUES (7, 'individual', 'public', 'yamada77', 'yamada77', '$MH', $NOW, $NOW, $NOW)"
sq "UPDATE member SET email_ct = x'$(seal member email_ct 7 yamada@example.jp)' WHERE id = 7"
sq "INSERT INTO member (id, type, state, login_id, login_key, pw_hash, created_at, updated_at)
    VALUES (8, 'group', 'public', 'noaddr88', 'noaddr88', '$MH', $NOW, $NOW)"

# ---- login, failures, lockout, logout: one row each ----
mark login login_failed lockout logout
cgi POST /login "$A" "csrf=$AC&login_id=yamada77&password=$(enc "$PW")"
M1=$(sid)
check "member login" test -n "$M1"
check "login: exactly one audit row" test "$(added login)" = 1
check "login row: member 7, ID masked, IP masked" test \
    "$(sq "SELECT actor_kind||'|'||actor_id||'|'||detail||'|'||ip FROM audit WHERE action='login' ORDER BY id DESC LIMIT 1")" = \
    "member|7|login_id=ya***|192.0.2.0"
check "no audit row holds a whole login ID" test "$(sq "SELECT count(*) FROM audit WHERE detail LIKE '%yamada77%' OR detail LIKE '%admin1%'")" = 0
cgi POST /login "$A" "csrf=$AC&login_id=nosuchuser&password=wrongwrong"
check "unknown ID: one login_failed row" test "$(added login_failed)" = 1
check "unknown ID masked" test "$(sq "SELECT detail FROM audit WHERE action='login_failed' ORDER BY id DESC LIMIT 1")" = \
    "login_id=no***; unknown or not allowed"
mark login_failed lockout
cgi POST /login "$A" "csrf=$AC&login_id=noaddr88&password=wrong-1-pw"
cgi POST /login "$A" "csrf=$AC&login_id=noaddr88&password=wrong-2-pw"
check "two wrong passwords: two login_failed, no lockout" test "$(added login_failed)/$(added lockout)" = 2/0
cgi POST /login "$A" "csrf=$AC&login_id=noaddr88&password=wrong-3-pw"
check "third failure: one lockout row" test "$(added login_failed)/$(added lockout)" = 3/1
check "account locked" test "$(sq "SELECT locked_until > $NOW FROM member WHERE id=8")" = 1
sq "UPDATE member SET locked_until = NULL WHERE id = 8"
mark logout
cgi POST /logout "__Host-kenmin=$M1" "csrf=$(csrf_of "$M1")"
check "logout: one audit row" test "$(added logout)" = 1
check "logout row names the member" test "$(sq "SELECT target_kind||target_id FROM audit WHERE action='logout'")" = member7

# ---- password change ends the other sessions, not this one ----
cgi POST /login "$A" "csrf=$AC&login_id=yamada77&password=$(enc "$PW")"; S1=$(sid)
cgi POST /login "$A" "csrf=$AC&login_id=yamada77&password=$(enc "$PW")"; S2=$(sid)
cgi POST /login "$A" "csrf=$AC&login_id=noaddr88&password=$(enc "$PW")"; O1=$(sid)
PW2='Second-password-二番目'
mark password_change
cgi POST /password "__Host-kenmin=$S1" "csrf=$(csrf_of "$S1")&password=$(enc "$PW")&new_password=$(enc "$PW2")&new_password2=$(enc "$PW2")"
check "password changed" test "$(added password_change)" = 1
check "the changing session stays" test "$(nsess "$S1")" = 1
check "the account's other session ended" test "$(nsess "$S2")" = 0
check "another account's session untouched" test "$(nsess "$O1")" = 1
cgi GET /mypage "__Host-kenmin=$S2"
check "the ended session no longer opens mypage" is 303

# ---- reset: same answer, mail through the sink, link once, expiry ----
cgi POST /reset "$A" "csrf=$AC&login_id=nosuchuser"; cp "$T/body" "$T/r_unknown"
cgi POST /reset "$A" "csrf=$AC&login_id=noaddr88"; cp "$T/body" "$T/r_noaddr"
check "no mail queued without a verified address" test "$(sq "SELECT count(*) FROM outbox")" = 0
check "no token without a verified address" test "$(sq "SELECT count(*) FROM token WHERE purpose='reset_password'")" = 0
mark password_reset_request password_reset
cgi POST /reset "$A" "csrf=$AC&login_id=yamada77"
check "same page for unknown, unverified and real accounts" \
    sh -c "cmp -s '$T/body' '$T/r_unknown' && cmp -s '$T/body' '$T/r_noaddr'"
check "reset request audited once" test "$(added password_reset_request)" = 1
check "one reset mail queued, template password_reset" test \
    "$(sq "SELECT count(*)||template FROM outbox")" = 1password_reset
for _ in $(seq 200); do [ -n "$(find "$T/spool" -name '*.eml' 2>/dev/null)" ] && break; sleep 0.1; done
EML=$(find "$T/spool" -name '*.eml' 2>/dev/null | head -1)
check "spawned kenmin-gen mail delivered it to the sink" test -n "$EML"
[ -z "$EML" ] && { "$GEN" mail >/dev/null 2>&1; EML=$(find "$T/spool" -name '*.eml' | head -1); }
$PY - "$EML" > "$T/mail" <<'PYEOF'
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parsebytes(open(sys.argv[1], "rb").read())
print(m["To"]); print(m["Subject"])
print(m.get_payload(decode=True).decode("utf-8"))
PYEOF
check "mail to the member's address" test "$(sed -n 1p "$T/mail")" = yamada@example.jp
check "Japanese subject" test "$(sed -n 2p "$T/mail")" = '【あいかさねっと】パスワード再設定のご案内'
RURL=$(grep -o 'https://kenmin.example.jp/cgi-bin/formsvc.cgi/setpw?t=[0-9a-f]\{64\}' "$T/mail")
check "body carries the setpw link" test -n "$RURL"
check "body says 30 minutes" grep -q '30分' "$T/mail"
check "no password in the mail" sh -c "! grep -qF -- '$PW2' '$T/mail'"
RT=${RURL##*t=}
check "reset token lives 30 minutes" test \
    "$(sq "SELECT expires_at - created_at FROM token WHERE hex(hash)='$(sha "$RT")'")" = 1800
cgi GET /setpw "" "" "t=$RT"
check "reset link opens the form" has 'name="new_password"'
PW3='Third-password-三番目'
cgi POST /setpw "$A" "csrf=$AC&t=$RT&new_password=$(enc "$PW3")&new_password2=$(enc "$PW3")"
check "reset sets the password" has 'パスワードを設定しました'
check "reset audited once" test "$(added password_reset)" = 1
check "reset ended every session of the account" test "$(nsess "$S1")" = 0
cgi POST /setpw "$A" "csrf=$AC&t=$RT&new_password=$(enc "$PW3")&new_password2=$(enc "$PW3")"
check "reset link works once" has 'このURLは無効です'
cgi POST /login "$A" "csrf=$AC&login_id=yamada77&password=$(enc "$PW3")"
check "login with the reset password" test -n "$(sid)"
cgi POST /reset "$A" "csrf=$AC&login_id=yamada77"
RT2=$(sq "SELECT count(*) FROM token WHERE purpose='reset_password' AND used_at IS NULL")
sq "UPDATE token SET expires_at = created_at - 1 WHERE purpose='reset_password' AND used_at IS NULL"
# The plain token of the second request is only in its mail.
for _ in $(seq 200); do [ "$(find "$T/spool" -name '*.eml' | wc -l)" -ge 2 ] && break; sleep 0.1; done
[ "$(find "$T/spool" -name '*.eml' | wc -l)" -ge 2 ] || "$GEN" mail > /dev/null 2>&1
X=$(find "$T/spool" -name '*.eml' ! -path "$EML" | head -1)
RT3=$($PY - "$X" <<'PYEOF'
import sys, re
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parsebytes(open(sys.argv[1], "rb").read())
print(re.search(r"t=([0-9a-f]{64})", m.get_payload(decode=True).decode()).group(1))
PYEOF
)
check "second reset request made one fresh token" test "$RT2" = 1 -a -n "$RT3" -a "$RT3" != "$RT"
cgi GET /setpw "" "" "t=$RT3"
check "expired reset link refused" has 'このURLは無効です'

# ---- staff: TOTP enrolment, recovery code, wrong codes lock ----
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"; F1=$(sid)
cgi GET /admin/totp/enrol "__Host-kenmin=$F1"
SECRET=$(sed -n 's/.*秘密鍵：<code>\([A-Z2-7]*\)<\/code>.*/\1/p' "$T/body")
totp() {
	$PY - "$1" <<'PYEOF'
import base64, hmac, hashlib, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
s = int(time.time()) // 30
h = hmac.new(k, struct.pack(">Q", s), hashlib.sha256).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o+4])[0] & 0x7fffffff) % 1000000))
PYEOF
}
mark totp_enrol recovery_code_used login_failed lockout
cgi POST /admin/totp/enrol "__Host-kenmin=$F1" "csrf=$(csrf_of "$F1")&code=$(totp "$SECRET")"
grep -o '<code>[0-9a-f]\{16\}</code>' "$T/body" | sed 's/<[^>]*>//g' > "$T/rec"
check "TOTP enrolment audited once" test "$(added totp_enrol)" = 1
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"; F2=$(sid)
cgi POST /admin/totp "__Host-kenmin=$F2" "csrf=$(csrf_of "$F2")&code=$(sed -n 1p "$T/rec")"
check "recovery code accepted" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/
check "recovery-code use audited once" test "$(added recovery_code_used)" = 1
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"; F3=$(sid)
C3=$(csrf_of "$F3")
cgi POST /admin/totp "__Host-kenmin=$F3" "csrf=$C3&code=000000"
cgi POST /admin/totp "__Host-kenmin=$F3" "csrf=$C3&code=$(sed -n 1p "$T/rec")"
check "wrong TOTP and used recovery code count as failures" test \
    "$(sq "SELECT failed_logins FROM staff WHERE login_id='admin1'")" = 2
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"; F4=$(sid)
check "a correct password does not clear second-factor failures" test \
    "$(sq "SELECT failed_logins FROM staff WHERE login_id='admin1'")" = 2
cgi POST /admin/totp "__Host-kenmin=$F4" "csrf=$(csrf_of "$F4")&code=111111"
check "third wrong code locks the staff account" test \
    "$(sq "SELECT locked_until > $NOW FROM staff WHERE login_id='admin1'")" = 1
check "lockout audited once" test "$(added lockout)" = 1
check "the waiting session ended at lockout" test "$(nsess "$F4")" = 0
cgi POST /admin/totp "__Host-kenmin=$F3" "csrf=$C3&code=$(totp "$SECRET")"
check "an older waiting session is refused while locked" sh -c "test '$(loc)' != /cgi-bin/formsvc.cgi/admin/ && test $(nsess "$F3") = 0"

# ---- the chain ----
"$GEN" audit verify > "$T/verify" 2>&1
check "kenmin-gen audit verify passes" grep -q 'chain intact' "$T/verify"
check "no audit row carries a token or password" test "$(sq "SELECT count(*) FROM audit WHERE detail LIKE '%$RT%' OR detail LIKE '%$PW3%'")" = 0

exit $((fails > 0))
