#!/bin/bash
# 240_register.sh: あいかさねっと registration step 1 end to end through
# formsvc.cgi: terms gate, the form with every rule, confirmation,
# idempotent submit, 50 racing registrations of one login ID, sealed
# columns, the verification mail through a real SMTP sink
# (tests/smtpsink.py) and its link (GET shows, POST verifies), header
# injection refused as a field error.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
PY=/usr/bin/python3
T=$(mktemp -d)
SINK=
cleanup() {
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
	# A detached `kenmin-gen mail` may still be finishing.
	for _ in $(seq 50); do pgrep -f "$T/k.ini" >/dev/null || break; sleep 0.1; done
	[ -n "${KEEP:-}" ] && return; rm -rf "$T"
}
trap cleanup EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
. "$KENMIN_ROOT/tests/lib/sink.sh"
sink_start "$T"
check "SMTP sink started" test -n "$PORT"

cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
site_dir = $T/site
git_dir = $T/site.git
spool_dir = $T/var
theme_dir = $ROOT/themes/default
generator = $GEN
[site]
base_url = https://kenmin.example.jp
[mail]
smtp_url = smtp://127.0.0.1:$PORT
mail_from = noreply@kenmin.example.jp
center_aikasa = center-ak@kenmin.example.jp
[security]
cookie_secure = 1
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
DB=$T/k.db
sq() { sqlite3 -cmd ".timeout 10000" "$DB" "$@"; }

# cgi METHOD PATH [COOKIE] [BODY] [QUERY] [OUTDIR]
cgi() {
	local m=$1 p=$2 c=${3:-} b=${4:-} q=${5:-} o=${6:-$T}
	printf '%s' "$b" | env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$KENMIN_CONFIG" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=192.0.2.7 \
	    REQUEST_METHOD="$m" PATH_INFO="$p" QUERY_STRING="$q" HTTP_COOKIE="$c" \
	    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#b} \
	    "$CGI" > "$o/resp" 2> "$o/err"
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$o/resp" > "$o/hdr"
	sed '1,/^\r$/d' "$o/resp" > "$o/body"
	# Sanitizer reports of the CGI reach the runner through stderr.
	grep -E 'Sanitizer|runtime error:' "$o/err" >&2
}
status() { head -1 "$T/hdr" | sed -n 's/^Status: \([0-9]*\).*/\1/p'; }
is() { [ "$(status)" = "$1" ]; }
acsrf() { sed -n 's/^Set-Cookie: __Host-kenmin_csrf=\([0-9a-f]*\);.*/\1/p' "$T/hdr"; }
has() { grep -qF -- "$1" "$T/body"; }
hasnt() { ! grep -qF -- "$1" "$T/body"; }
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$1"; }
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

# ---- the terms gate (R150) ----
cgi GET /aikasa/register
check "GET register: 200" is 200
check "terms shown from the page table" has '第1条（目的）'
check "terms heading" has '<h2 id="terms-title">利用規約</h2>'
check "agree button" has '>同意する</button>'
check "type choice offered" has 'name="mtype" value="group"'
check "no login field before consent" hasnt 'name="login_id"'
AC=$(acsrf)
check "anonymous CSRF cookie set" test ${#AC} = 64
A="__Host-kenmin_csrf=$AC"
C="csrf=$AC"

cgi POST /aikasa/register "$A" "step=agree&mtype=individual"
check "POST without CSRF refused" is 403
cgi POST /aikasa/register "$A" "$C&step=agree"
check "agree without a type: error title" has '<title>エラー：'
check "agree without a type: message" has '登録の種類を選択してください。'
check "agree without a type: still no form" hasnt 'name="login_id"'
cgi POST /aikasa/register "$A" "$C&step=confirm&login_id=abcd"
check "form refused without consent (terms again)" has '利用規約をお読みいただき'
check "form refused: no form fields" hasnt 'name="login_id"'
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=robot&login_id=abcd"
check "unknown type refused" has '利用規約をお読みいただき'

# ---- the form (individual) ----
cgi POST /aikasa/register "$A" "$C&step=agree&mtype=individual"
check "agree opens the form" has 'name="login_id"'
check "form heading names the type" has '会員登録（個人）'
check "no error summary on a fresh form" hasnt 'error-summary'
check "required marker is text" has '<label for="f-login_id">ログインID <span class="required">必須</span></label>'
check "hint linked by aria-describedby" has 'aria-describedby="f-login_id-hint"'
check "individual fields: 氏名" has 'name="fullname"'
check "individual fields: 生年月日 with minors' notice" has '（未成年者の方へ）'
check "no group fields for individuals" hasnt 'name="org_name"'
check "47 prefectures, no 「—」" test "$(grep -c '<option value="[0-9]*"[^>]*>[^<]*[都道府県]</option>' "$T/body")" -ge 47
check "「—」 not offered" hasnt '>—</option>'
check "山口県外 offered" has '>山口県外</option>'
check "gender placeholder is empty" has '<option value="">選択してください</option>'

# Every required field empty: a message beside each and in the summary.
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=individual"
check "errors: title prefixed" has '<title>エラー：'
check "errors: summary focusable" has 'class="error-summary" tabindex="-1"'
for m in 'ログインIDを入力してください。' 'パスワードを入力してください。' \
    'パスワード（確認用）を入力してください。' '氏名を入力してください。' \
    'ふりがなを入力してください。' '都道府県を選択してください。' \
    '市町を選択してください。' '電話番号を入力してください。' \
    'Eメールを入力してください。' 'Eメール（確認用）を入力してください。' \
    '性別を選択してください。' '生年月日を入力してください。' \
    '「上記に同意する」にチェックを入れてください。'; do
	check "required: $m beside the field" grep -q "class=\"field-error\" id=\"f-[a-z_0-9]*-error\">$m</p>" "$T/body"
	check "required: $m in the summary" grep -q "<li><a href=\"#f-[a-z_0-9-]*\">$m</a></li>" "$T/body"
done
check "invalid field marked" has 'aria-invalid="true">'
check "error id referenced" grep -q 'aria-describedby="f-login_id-hint f-login_id-error" aria-invalid="true"' "$T/body"

# Field rules, one bad value each; good values elsewhere.
NAME='山口 太郎'; KANA='やまぐち たろう'; TEL='083-922-0000'
EMAIL='taro.yamaguchi@example.jp'; PW='pass word 8 文字以上!'
good() { # good [OVERRIDES]: an individual's body with key=value overrides
	local b="$C&step=confirm&mtype=individual&login_id=taro_01&password=$(enc "$PW")&password2=$(enc "$PW")&fullname=$(enc "$NAME")&fullkana=$(enc "$KANA")&pref=35&muni=3&tel=$TEL&email=$EMAIL&email2=$EMAIL&gender=male&birth=1990-05-06&birth_agree=1"
	local kv k
	for kv in "$@"; do
		k=${kv%%=*}
		b=$(printf '%s' "$b" | sed "s/&$k=[^&]*//")
		b="$b&$kv"
	done
	printf '%s' "$b"
}
rule() { # rule NAME MESSAGE OVERRIDES...
	local name=$1 msg=$2; shift 2
	cgi POST /aikasa/register "$A" "$(good "$@")"
	check "rule: $name" grep -qF "$msg</p>" "$T/body"
	check "rule: $name in summary" grep -qF "$msg</a></li>" "$T/body"
}
rule "login too short" 'ログインIDは4文字以上64文字以内で入力してください。' login_id=abc
rule "login too long" 'ログインIDは4文字以上64文字以内で入力してください。' login_id=$(printf 'a%.0s' $(seq 65))
rule "login charset" 'ログインIDに使えるのは、半角英数字と「.」「_」「-」「@」だけです。' "login_id=$(enc 'taro+1')"
rule "password too short" 'パスワードは8文字以上128文字以内で入力してください。' password=short7c password2=short7c
P129=$(printf 'p%.0s' $(seq 129))
rule "password too long (never truncated)" 'パスワードは8文字以上128文字以内で入力してください。' password=$P129 password2=$P129
rule "password confirmation" '確認のために入力したパスワードが一致しません。' password2=different1
rule "kana hiragana" 'ふりがなはひらがなで入力してください。' "fullkana=$(enc 'ヤマグチ')"
rule "name length" '氏名は50文字以内で入力してください。' "fullname=$(printf 'x%.0s' $(seq 51))"
rule "tel format" '電話番号は数字とハイフンで、市外局番から入力してください（例：083-922-0000）。' tel=12-ab
rule "email format" 'Eメールの形式が正しくありません（例：taro@example.jp）。' email=taro@ email2=taro@
rule "email confirmation" '確認のために入力したEメールが一致しません。' email2=other@example.jp
rule "date format" '生年月日は「2000-04-01」のように、正しい日付を入力してください。' birth=2001-02-30
rule "birth in the future" '生年月日に未来の日付は入力できません。' birth=2199-01-01
rule "gender placeholder is not an answer (A-05)" '性別を選択してください。' gender=
rule "tampered option" '都道府県を選択してください。' pref=999
rule "山口県 needs one of the 19" '都道府県が山口県の場合は、市町を19市町から選択してください。' muni=99
rule "other prefecture needs 山口県外" '都道府県が山口県以外の場合は、市町は「山口県外」を選択してください。' pref=13 muni=3
rule "consent box" '「上記に同意する」にチェックを入れてください。' birth_agree=
rule "CR/LF in a name (header injection)" '氏名に改行などの制御文字は使用できません。' "fullname=$(enc $'山口\r\nBcc: x@evil.example')"
rule "CR/LF in an e-mail (header injection)" 'Eメールに改行などの制御文字は使用できません。' "email=$(enc $'a@example.jp\r\nBcc: x@evil.example')"
check "injection: no 500" is 200

# Values kept after an error; passwords never echoed.
cgi POST /aikasa/register "$A" "$(good tel=)"
check "kept: name" has "value=\"$NAME\""
check "kept: kana" has "value=\"$KANA\""
check "kept: e-mail" has "value=\"$EMAIL\""
check "kept: select" grep -q '<option value="35" selected>山口県</option>' "$T/body"
check "kept: agree box" grep -q 'name="birth_agree" value="1" checked' "$T/body"
check "password not echoed" hasnt 'word 8 文字以上'
check "password input empty" grep -q 'name="password" value=""' "$T/body"

# ---- confirmation (JIS 3.3.4), 修正する, 送信する ----
cgi POST /aikasa/register "$A" "$(good)"
check "confirm page" has '入力内容の確認'
check "confirm: no errors" hasnt 'error-summary'
for v in 'taro_01' "$NAME" "$KANA" '山口県' '山口市' "$TEL" "$EMAIL" '男性' '1990-05-06' '同意する'; do
	check "confirm shows $v" grep -qF "<td>$v</td>" "$T/body"
done
check "confirm masks the password" has '<td>（入力済み・表示しません）</td>'
check "confirm: no clear password anywhere" hasnt 'word 8 文字以上'
check "confirm carries the password sealed" test "$(hidden pwseal | wc -c)" -gt 64
check "confirm carries an idempotency key" test "$(hidden idem | wc -c)" = 65
check "修正する button" has 'value="edit" class="button secondary">修正する</button>'
check "送信する button" has 'value="submit" class="button">送信する</button>'
HB=$(hiddenbody)
cp "$T/body" "$T/confirm.html"

cgi POST /aikasa/register "$A" "$HB&step=edit"
check "修正する: back to the form" has 'name="login_id"'
check "修正する keeps values" has "value=\"$NAME\""
check "修正する keeps the select" grep -q '<option value="3" selected>山口市</option>' "$T/body"
check "修正する: no errors shown" hasnt 'error-summary'

# Tampered hidden values are validated again.
cgi POST /aikasa/register "$A" "$(printf '%s' "$HB" | sed 's/tel=[^&]*/tel=abc/')&step=submit"
check "submit re-validates hidden values" has '電話番号は数字とハイフンで'
check "nothing stored after a tampered submit" test "$(sq 'SELECT count(*) FROM member')" = 0
cgi POST /aikasa/register "$A" "$(printf '%s' "$HB" | sed 's/pwseal=[^&]*/pwseal=00ff00ff00ff00ff00ff00ff00ff00ff/')&step=submit"
check "a forged password seal is refused" has 'パスワードを入力してください。'

cgi POST /aikasa/register "$A" "$HB&step=submit"
check "submit: done page" has '確認メールを送信しました'
check "one member" test "$(sq 'SELECT count(*) FROM member')" = 1
check "state unverified (A-52)" test "$(sq "SELECT state FROM member")" = unverified
check "login_key is lower-case" test "$(sq "SELECT login_key FROM member")" = taro_01
check "pw_hash argon2id" test "$(sq "SELECT substr(pw_hash,1,9) FROM member")" = '$argon2id'
check "email blind index set" test "$(sq "SELECT length(email_bidx) FROM member")" = 32
check "sealed columns set" test "$(sq "SELECT length(name_ct) > 16 AND length(kana_ct) > 16 AND length(tel_ct) > 16 AND length(email_ct) > 16 AND length(birth_ct) > 16 FROM member")" = 1
check "gender stored" test "$(sq "SELECT gender, pref_id, muni_id, minor_flag FROM member")" = 'male|35|3|0'
check "verify token stored hashed, 24 h" test "$(sq "SELECT purpose, expires_at - created_at, length(hash) FROM token WHERE subject_kind='member'")" = 'verify_email|86400|32'
check "mail queued with the template" test "$(sq "SELECT template, subject FROM outbox")" = 'aikasa_verify|【あいかさねっと】メールアドレスの確認'
check "audit row, masked" test "$(sq "SELECT action, target_kind, detail FROM audit WHERE action='register'")" = 'register|member|type=individual login=t*** email=ta***@example.jp'
check "idempotency row" test "$(sq "SELECT count(*) FROM idempotency")" = 1

cgi POST /aikasa/register "$A" "$HB&step=submit"
check "double submit: same done page" has '確認メールを送信しました'
check "double submit creates nothing" test "$(sq 'SELECT count(*) FROM member'):$(sq 'SELECT count(*) FROM outbox'):$(sq 'SELECT count(*) FROM token')" = '1:1:1'

# Sealed columns: no plaintext anywhere in the database files.
sq 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for s in "$NAME" "$KANA" "$TEL" "$EMAIL" '1990-05-06'; do
	check "no plaintext '$s' in the DB" test "$(cat "$DB" "$DB-wal" 2>/dev/null | grep -caF -- "$s")" = 0
done

# ---- the verification mail, through the sink ----
waitmail() { # waitmail N: until N messages arrived (bounded)
	local i
	for i in $(seq 300); do
		[ "$(find "$T/spool" -name '*.eml' | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
check "verification mail arrives (kenmin-gen mail was started)" waitmail 1
EML=$(ls -t "$T"/spool/*.eml | tail -1)
$PY - "$EML" > "$T/mail" <<'PYEOF'
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parsebytes(open(sys.argv[1], "rb").read())
print("to\t" + str(m["To"]))
print("subject\t" + str(m["Subject"]))
print("body\t" + m.get_payload(decode=True).decode("utf-8").replace("\r\n", "\\n"))
PYEOF
mh() { grep "^$1	" "$T/mail" | cut -f2-; }
check "mail to the address" test "$(mh to)" = "$EMAIL"
check "mail subject" test "$(mh subject)" = '【あいかさねっと】メールアドレスの確認'
check "mail never has the password" test "$(mh body | grep -cF 'word 8 文字以上')" = 0
LINK=$(mh body | grep -o 'https://kenmin.example.jp/cgi-bin/formsvc.cgi/aikasa/verify?t=[0-9a-f]*')
check "mail carries the link" test -n "$LINK"
TOK=${LINK##*t=}
check "token is 256 bits" test ${#TOK} = 64

# ---- GET verify changes nothing; POST verifies ----
cgi GET /aikasa/verify "" "" "t=$TOK"
check "verify GET: confirmation page" has 'メールアドレスを確認する</button>'
check "verify GET: no-referrer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "verify GET changes nothing" test "$(sq "SELECT state, email_verified_at IS NULL FROM member"):$(sq "SELECT used_at IS NULL FROM token")" = 'unverified|1:1'
VC=$(acsrf); [ -n "$VC" ] || VC=$AC
cgi POST /aikasa/verify "__Host-kenmin_csrf=$VC" "csrf=$VC&t=$TOK"
check "verify POST: done" has 'メールアドレスの確認が完了しました'
check "member verified, state draft" test "$(sq "SELECT state, email_verified_at IS NOT NULL FROM member")" = 'draft|1'
check "token consumed" test "$(sq "SELECT used_at IS NOT NULL FROM token")" = 1
check "verify audited" test "$(sq "SELECT count(*) FROM audit WHERE action='verify_email'")" = 1
check "center and member mails queued" test "$(sq "SELECT group_concat(subject, '/') FROM (SELECT subject FROM outbox ORDER BY id)")" = '【あいかさねっと】メールアドレスの確認/【あいかさねっと】仮登録完了・詳細入力のお願い/【あいかさねっと】会員登録あり'
check "both mails arrive" waitmail 3
check "center mail to the center" grep -lq 'center-ak@kenmin.example.jp' "$T"/spool/*.env
cgi POST /aikasa/verify "__Host-kenmin_csrf=$VC" "csrf=$VC&t=$TOK"
check "used link explained" has 'このURLはすでに使われています'
cgi GET /aikasa/verify "" "" "t=$(printf '0%.0s' $(seq 64))"
check "unknown link explained" has 'このURLは無効です'
sq "UPDATE token SET used_at = NULL, expires_at = 1"
cgi GET /aikasa/verify "" "" "t=$TOK"
check "expired link explained" has '有効期限（24時間）が過ぎています'
check "expired link: no button" hasnt 'メールアドレスを確認する</button>'

# Now the member may log in (the login page accepts verified members).
cgi POST /login "$A" "$C&login_id=TARO_01&password=$(enc "$PW")"
check "verified member logs in (ID case-insensitive)" grep -q '^Set-Cookie: __Host-kenmin=' "$T/hdr"

# ---- group and company forms ----
cgi POST /aikasa/register "$A" "$C&step=agree&mtype=group"
check "group form: 団体の分類 with NPO法人 (A-02)" grep -q '<option value="1">NPO法人</option>' "$T/body"
check "group form: 団体名" has '<label for="f-org_name">団体名 <span class="required">必須</span></label>'
check "group form: minors' notice at 代表者名" has 'id="f-rep_agree-notice"'
check "group form: 登録要件 from m_requirement" has 'ボランティアの安全に配慮し'
check "group form: 募集する/参加する" has '<label for="f-roles-2">ボランティアに参加する</label>'
check "group form: no individual fields" hasnt 'name="fullname"'
GB="$C&step=confirm&mtype=group&login_id=Group.One&password=grouppass1&password2=grouppass1&gclass=2&org_name=$(enc 'やまぐち見守り隊')&org_kana=$(enc 'やまぐちみまもりたい')&rep_name=$(enc '周南 花子')&rep_agree=1&rep_title=$(enc '代表')&pref=13&muni=99&tel=0312345678&email=group@example.jp&email2=group@example.jp&roles=recruit&reqs=6&reqs=7&reqs=8"
cgi POST /aikasa/register "$A" "$GB"
check "group: every 登録要件 required" has '登録要件のすべての項目を確認し、チェックを入れてください。'
check "group: ticked requirements kept" grep -q 'name="reqs" value="6" checked' "$T/body"
cgi POST /aikasa/register "$A" "$GB&reqs=9"
check "group: confirm page" has '入力内容の確認'
check "group: confirm lists both roles label" grep -qF '<td>ボランティアを募集する</td>' "$T/body"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "group: stored" test "$(sq "SELECT type, org_name, group_class_id, wants_recruit, wants_join, requirements_ok, pref_id, muni_id, name_ct IS NULL FROM member WHERE login_key='group.one'")" = 'group|やまぐち見守り隊|2|1|0|1|13|99|1'
cgi POST /aikasa/register "$A" "$C&step=agree&mtype=company"
check "company form: 企業の分類" grep -q '<option value="1">株式会社</option>' "$T/body"
check "company form: 企業名ふりがな" has '企業名ふりがな'
check "company form: no 登録要件" hasnt 'name="reqs"'
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=company"
check "company: 企業名 required" has '企業名を入力してください。'
check "company: 企業の分類 required" has '企業の分類を選択してください。'
check "company: 代表者名 required" has '代表者名を入力してください。'
check "company: 役職名 required" has '役職名を入力してください。'

# A second registration of a taken ID (any case) is refused at the form.
cgi POST /aikasa/register "$A" "$(good login_id=TARO_01)"
check "taken login ID (case-insensitive)" has 'このログインIDはすでに使われています。'

# Minors are flagged (A-06).
cgi POST /aikasa/register "$A" "$(good login_id=young_1 birth=$(date -d '-10 years' +%F))"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "under-18 flagged" test "$(sq "SELECT minor_flag FROM member WHERE login_key='young_1'")" = 1

# ---- 50 parallel registrations of one login ID: exactly one account ----
cgi POST /aikasa/register "$A" "$(good login_id=race_id)"
RB=$(hiddenbody)
check "race: confirm page" test -n "$RB"
pids=
for i in $(seq 50); do
	mkdir -p "$T/r$i"
	# Each its own idempotency key, as 50 people would have.
	( cgi POST /aikasa/register "$A" "$(printf '%s' "$RB" | sed "s/idem=[0-9a-f]*/idem=$(printf '%064x' "$i")/")&step=submit" "" "$T/r$i" ) &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
check "race: exactly one account" test "$(sq "SELECT count(*) FROM member WHERE login_key='race_id'")" = 1
ndone=$(grep -l '確認メールを送信しました' "$T"/r*/body | wc -l)
ntaken=$(grep -l 'このログインIDはすでに使われています。' "$T"/r*/body | wc -l)
check "race: one done page, 49 told the ID is taken" test "$ndone:$ntaken" = '1:49'
check "race: no 500" test "$(grep -l '^Status: 500' "$T"/r*/hdr | wc -l)" = 0
check "race: one token, one mail for it" test "$(sq "SELECT count(*) FROM token t JOIN member m ON m.id = t.subject_id WHERE m.login_key='race_id'")" = 1
check "audit chain intact" "$GEN" -c "$T/k.ini" audit verify >/dev/null
exit 0
