#!/bin/bash
# 220_auth.sh: sessions, CSRF, member and staff login with lockout, the
# staff set-password link and TOTP step, logout, idle timeout and the
# permission matrix of docs/permissions.md, driving formsvc.cgi as a CGI.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 1
PY=/usr/bin/python3

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
theme_dir = $ROOT/themes/default
[security]
cookie_secure = 1
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
DB=$T/k.db
sq() { sqlite3 "$DB" "$@"; }

# cgi METHOD PATH [COOKIE] [BODY] [QUERY]
cgi() {
	local m=$1 p=$2 c=${3:-} b=${4:-} q=${5:-}
	printf '%s' "$b" | env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$KENMIN_CONFIG" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
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
formcsrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/body" | head -1; }
has() { grep -qF -- "$1" "$T/body"; }
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$1"; }
sha() { printf '%s' "$1" | sha256sum | cut -c1-64 | tr a-f A-F; }

# Anonymous CSRF: GET the form for a token bound to a cookie.
cgi GET /login
AC=$(acsrf)
check "login form sets an anonymous CSRF cookie" test ${#AC} = 64
check "login form carries the same token" test "$(formcsrf)" = "$AC"
check "login form is Japanese" has 'ログインID'
A="__Host-kenmin_csrf=$AC"

# ---- staff: add -> link -> set password -> login -> TOTP enrol ----
LINK=$("$GEN" staff add admin1 --role admin --name '管理 太郎' 2> /dev/null)
check "staff add prints a set-password link" \
    grep -q '/setpw?t=[0-9a-f]\{64\}$' <<< "$LINK"
TOK=${LINK##*t=}
check "token stored hashed, purpose set_password" test \
    "$(sq "SELECT purpose, expires_at - created_at FROM token WHERE hex(hash) = '$(sha "$TOK")'")" = "set_password|86400"
check "token not stored in clear" test "$(sq "SELECT count(*) FROM token WHERE hash = '$TOK'")" = 0
"$GEN" staff add editor1 --role editor --name '編集 花子' > "$T/elink" 2> /dev/null
ETOK=$(sed 's/.*t=//' "$T/elink")
check "staff add refuses a short login" test "$("$GEN" staff add ab --role admin --name x 2>/dev/null; echo $?)" = 1

cgi GET /setpw "" "" "t=$TOK"
check "set-password form shown" has 'name="new_password"'
PW='Correct horse 電池 staple!'
cgi POST /setpw "$A" "csrf=$AC&t=$TOK&new_password=$(enc "$PW")&new_password2=$(enc "$PW")"
check "set password ok" has 'パスワードを設定しました'
check "password stored as argon2id" test "$(sq "SELECT substr(pw_hash,1,9) FROM staff WHERE login_id='admin1'")" = '$argon2id'
cgi POST /setpw "$A" "csrf=$AC&t=$TOK&new_password=$(enc "$PW")&new_password2=$(enc "$PW")"
check "used link refused in Japanese" has 'このURLは無効です'
check "used link shows no form" test "$(grep -c 'name="new_password"' "$T/body")" = 0
cgi POST /setpw "$A" "csrf=$AC&t=$ETOK&new_password=short&new_password2=short"
check "7-char password refused" has '8文字以上128文字以内'
check "token kept after a failed set" test "$(sq "SELECT used_at IS NULL FROM token WHERE hex(hash)='$(sha "$ETOK")'")" = 1
P128=$(printf 'a%.0s' $(seq 128))
cgi POST /setpw "$A" "csrf=$AC&t=$ETOK&new_password=$P128&new_password2=$P128"
check "128-char password accepted" has 'パスワードを設定しました'

cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"
check "staff password step redirects to enrolment" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/totp/enrol
S1=$(sid)
check "staff session cookie is __Host-, Secure, HttpOnly" \
    grep -q '^Set-Cookie: __Host-kenmin=[0-9a-f]\{64\}; Path=/; Secure; HttpOnly; SameSite=Lax' "$T/hdr"
check "kenmin_ui cookie is not HttpOnly" \
    grep -q '^Set-Cookie: __Host-kenmin_ui=staff; Path=/; Secure; SameSite=Lax$' "$T/hdr"
cgi GET /admin/ "__Host-kenmin=$S1"
check "dashboard needs the TOTP step" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/totp
cgi GET /admin/totp/enrol "__Host-kenmin=$S1"
SECRET=$(sed -n 's/.*秘密鍵：<code>\([A-Z2-7]*\)<\/code>.*/\1/p' "$T/body")
check "enrolment shows a base32 secret" test ${#SECRET} = 52
SC=$(sq "SELECT csrf FROM session WHERE principal='staff'")
totp() { # totp SECRET [OFFSET_STEPS]
	$PY - "$1" "${2:-0}" <<'PYEOF'
import base64, hmac, hashlib, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
s = int(time.time()) // 30 + int(sys.argv[2])
h = hmac.new(k, struct.pack(">Q", s), hashlib.sha256).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o+4])[0] & 0x7fffffff) % 1000000))
PYEOF
}
cgi POST /admin/totp/enrol "__Host-kenmin=$S1" "csrf=$SC&code=000000$(: wrong)"
check "wrong enrolment code refused" has '確認コードが正しくありません'
check "TOTP still off" test "$(sq "SELECT totp_enabled FROM staff WHERE login_id='admin1'")" = 0
CODE=$(totp "$SECRET" -1)
cgi POST /admin/totp/enrol "__Host-kenmin=$S1" "csrf=$SC&code=$CODE"
check "enrolment accepts a valid code" has 'リカバリーコード'
grep -o '<code>[0-9a-f]\{16\}</code>' "$T/body" | sed 's/<[^>]*>//g' > "$T/rec"
check "ten recovery codes shown" test "$(wc -l < "$T/rec")" = 10
check "recovery codes stored hashed" test "$(sq "SELECT count(*) FROM staff_recovery WHERE code_hash = '$(head -1 "$T/rec")'")" = 0
check "totp_enabled set" test "$(sq "SELECT totp_enabled FROM staff WHERE login_id='admin1'")" = 1
cgi GET /admin/ "__Host-kenmin=$S1"
check "dashboard after enrolment is 200" is 200
check "dashboard title 管理画面" has '<h1>管理画面</h1>'

# Second login: TOTP code, replay, recovery code single use.
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"
check "enrolled staff go to the TOTP step" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/totp
S2=$(sid); SC2=$(sq "SELECT csrf FROM session WHERE principal='staff' AND mfa_ok=0")
cgi POST /admin/totp "__Host-kenmin=$S2" "csrf=$SC2&code=$CODE"
check "replayed TOTP step refused" has 'すでに使われています'
cgi POST /admin/totp "__Host-kenmin=$S2" "csrf=$SC2&code=123456"
check "wrong TOTP code refused" is 200
cgi GET /admin/ "__Host-kenmin=$S2"
check "no dashboard after a wrong code" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/totp
R1=$(head -1 "$T/rec")
cgi POST /admin/totp "__Host-kenmin=$S2" "csrf=$SC2&code=$R1"
check "recovery code accepted" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/
cgi POST /admin/login "$A" "csrf=$AC&login_id=admin1&password=$(enc "$PW")"
S3=$(sid); SC3=$(sq "SELECT csrf FROM session WHERE principal='staff' AND mfa_ok=0")
cgi POST /admin/totp "__Host-kenmin=$S3" "csrf=$SC3&code=$R1"
check "recovery code is single use" has 'すでに使われています'
CODE2=$(totp "$SECRET" 0)
[ "$CODE2" = "$CODE" ] && CODE2=$(totp "$SECRET" 1)
cgi POST /admin/totp "__Host-kenmin=$S3" "csrf=$SC3&code=$CODE2"
check "fresh TOTP code accepted" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/

# ---- members: hash borrowed from a staff row set through /setpw ----
NOW=$(date +%s)
MH=$(sq "SELECT pw_hash FROM staff WHERE login_id='editor1'")
for t in individual group company; do
	sq "INSERT INTO member (type, state, login_id, login_key, pw_hash, created_at, updated_at)
	    VALUES ('$t', 'public', 'm_$t', 'm_$t', '$MH', $NOW, $NOW)"
done
MP=$P128
cgi POST /login "__Host-kenmin=$S1; $A" "csrf=$SC&login_id=m_individual&password=$MP&next=/mypage"
check "pre-set (fixation) cookie: CSRF is the session's" is 303
check "old session deleted at login (fixation)" test "$(sq "SELECT count(*) FROM session WHERE hex(id_hash)='$(sha "$S1")'")" = 0
M1=$(sid)
check "login sets a new __Host- cookie" test -n "$M1" -a "$M1" != "$S1"
check "session row stores only the hash" test "$(sq "SELECT count(*) FROM session WHERE hex(id_hash)='$(sha "$M1")' AND principal='member'")" = 1
check "session id not stored in clear" test "$(sq "SELECT count(*) FROM session WHERE id_hash='$M1' OR csrf='$M1'")" = 0
check "member login goes to next" test "$(loc)" = /cgi-bin/formsvc.cgi/mypage
cgi GET /mypage "__Host-kenmin=$M1"
check "mypage 200 for member" is 200

cgi POST /login "$A" "csrf=$AC&login_id=m_group&password=wrongpassword"
cp "$T/body" "$T/wrongpw"
check "wrong password is 200 with a message" has 'ログインIDまたはパスワードが正しくない'
cgi POST /login "$A" "csrf=$AC&login_id=nosuchuser&password=wrongpassword"
check "unknown ID and wrong password: byte-identical bodies" cmp -s "$T/body" "$T/wrongpw"
cgi POST /login "$A" "csrf=$AC&login_id=m_group&password=$MP&next=https://evil.example/"
check "next outside the service is ignored" test "$(loc)" = /cgi-bin/formsvc.cgi/mypage

# CSRF
cgi POST /login "$A" "login_id=m_group&password=$MP"
check "POST without CSRF token is 403" is 403
check "403 page is Japanese" has '権限がありません'
cgi POST /login "$A" "csrf=$(printf 'a%.0s' $(seq 64))&login_id=m_group&password=$MP"
check "POST with a wrong CSRF token is 403" is 403
cgi POST /login "" "csrf=$AC&login_id=m_group&password=$MP"
check "token without its cookie is 403" is 403
cgi POST /logout "__Host-kenmin=$M1" "csrf=$AC"
check "anonymous token refused for a session" is 403

# Lockout: 5 failures, then the right password fails; unlock.
for i in 1 2 3 4 5; do cgi POST /login "$A" "csrf=$AC&login_id=m_company&password=bad-$i-pass"; done
check "5 failures lock the account" test "$(sq "SELECT locked_until > $NOW FROM member WHERE login_id='m_company'")" = 1
cgi POST /login "$A" "csrf=$AC&login_id=m_company&password=$MP"
check "6th try with the right password fails" has 'ログインIDまたはパスワードが正しくない'
check "locked message equals the wrong-password one" cmp -s "$T/body" "$T/wrongpw"
for i in 1 2 3 4 5; do cgi POST /admin/login "$A" "csrf=$AC&login_id=editor1&password=bad-$i-pass"; done
cgi POST /admin/login "$A" "csrf=$AC&login_id=editor1&password=$P128"
check "staff locked after 5 failures" test -z "$(loc)"
"$GEN" staff unlock editor1 2> /dev/null
check "staff unlock" test "$(sq "SELECT failed_logins || '/' || coalesce(locked_until, 'none') FROM staff WHERE login_id='editor1'")" = 0/none
cgi POST /admin/login "$A" "csrf=$AC&login_id=editor1&password=$P128"
check "login after unlock" test "$(loc)" = /cgi-bin/formsvc.cgi/admin/totp/enrol

# Idle timeout: push last_seen back past 30 minutes.
sq "UPDATE session SET last_seen = last_seen - 31*60 WHERE hex(id_hash)='$(sha "$M1")'"
cgi GET /mypage "__Host-kenmin=$M1"
check "idle session redirects to login" test "$(loc)" = "/cgi-bin/formsvc.cgi/login?next=/mypage"
check "idle session row destroyed" test "$(sq "SELECT count(*) FROM session WHERE hex(id_hash)='$(sha "$M1")'")" = 0
check "idle session cookie cleared" grep -q '^Set-Cookie: __Host-kenmin=; Path=/; Max-Age=0' "$T/hdr"

# Logout destroys the row.
cgi POST /login "$A" "csrf=$AC&login_id=m_individual&password=$MP"
M2=$(sid); MC2=$(sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "$M2")'")
cgi POST /logout "__Host-kenmin=$M2" "csrf=$MC2"
check "logout page" has 'ログアウトしました'
check "logout destroys the row" test "$(sq "SELECT count(*) FROM session WHERE hex(id_hash)='$(sha "$M2")'")" = 0
cgi GET /mypage "__Host-kenmin=$M2"
check "old cookie no longer works" is 303

# ---- the permission matrix (docs/permissions.md) ----
login_member() { # login_member LOGIN -> cookie
	cgi POST /login "$A" "csrf=$AC&login_id=$1&password=$MP"; sid
}
staff_session() { # staff_session LOGIN -> cookie of an mfa_ok session
	local c
	cgi POST /admin/login "$A" "csrf=$AC&login_id=$1&password=$(enc "$2")"; c=$(sid)
	sq "UPDATE session SET mfa_ok = 1 WHERE hex(id_hash)='$(sha "$c")'"
	sq "UPDATE staff SET totp_enabled = 1 WHERE login_id='$1'"
	echo "$c"
}
declare -A C
C[public]=""
C[individual]="__Host-kenmin=$(login_member m_individual)"
C[group]="__Host-kenmin=$(login_member m_group)"
sq "UPDATE member SET failed_logins=0, locked_until=NULL WHERE login_id='m_company'"
C[company]="__Host-kenmin=$(login_member m_company)"
C[editor]="__Host-kenmin=$(staff_session editor1 "$P128")"
C[admin]="__Host-kenmin=$(staff_session admin1 "$PW")"
# The matrix is docs/permissions.md itself: every row is checked, and
# every page of the installed program must have a row.
matrix=$(awk -F'|' '/^\| `\// { gsub(/[` ]/, "", $2); printf "%s", $2;
	for (i = 4; i <= 9; i++) { gsub(/[^0-9]/, "", $i); printf " %s", $i }
	print "" }' "$ROOT/docs/permissions.md")
for page in $("$CGI" --list-pages); do
	check "docs/permissions.md has a row for $page" \
	    grep -q "^$(printf '%s' "$page" | sed 's/[.[\*^$]/\\&/g') " <<< "$matrix"
done
while read -r page pub ind grp com edi adm; do
	set -- "$pub" "$ind" "$grp" "$com" "$edi" "$adm"
	for role in public individual group company editor admin; do
		want=$1; shift
		cgi GET "$page" "${C[$role]}"
		check "matrix: $role GET $page is $want" is "$want"
	done
done <<< "$matrix"

exit $((fails > 0))
