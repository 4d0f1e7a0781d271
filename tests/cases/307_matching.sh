#!/bin/bash
# 307_matching.sh: the あいかさねっと matching mails (generator/matching.c,
# docs/matching.md): a posting's publish mails its group the matching
# members (public data only, R180) and each matching volunteer the
# posting with two one-click links (R181, R182); a new volunteer gets the
# matching postings (R192) and their groups hear of it (R194); a new
# recruiting group gets the members matching its fields and areas
# (R193).  Non-matching, paused and mail-stopped members get nothing;
# the token rows are the contract formsvc reads (hash, purpose, subject,
# sealed payload, expiry); a second publish, `kenmin-gen match` and a
# full build send nothing more; a posting that starts later mails then.

. "$(dirname "$0")/../lib/cgi.sh"

sink_start "$T"
[ -n "$PORT" ] || { notok "SMTP sink started"; exit 1; }
cgi_setup
TODAY=2025-06-02
gen() { "$GEN" --today "$TODAY" "$@"; }

# seal TABLE COLUMN ID TEXT: hex of a value sealed as lib/crypto.c does.
seal() {
	$PY - "$T/keys" "$@" <<'PYEOF'
import hashlib, os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
d, table, col, rid, text = sys.argv[1:]
k = open(d + "/data.key", "rb").read()
kid = hashlib.blake2b(k, digest_size=32).digest()[0]
ad = table.encode() + b"\0" + col.encode() + b"\0" + int(rid).to_bytes(8, "big")
n = os.urandom(12)
print((bytes([kid]) + n + AESGCM(k).encrypt(n, text.encode(), ad)).hex())
PYEOF
}
# unseal TABLE COLUMN ID HEX: the plaintext, or "DOES-NOT-OPEN".
unseal() {
	$PY - "$T/keys" "$@" <<'PYEOF'
import sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
d, table, col, rid, h = sys.argv[1:]
k = open(d + "/data.key", "rb").read()
b = bytes.fromhex(h)
ad = table.encode() + b"\0" + col.encode() + b"\0" + int(rid).to_bytes(8, "big")
try:
    print(AESGCM(k).decrypt(b[1:13], b[13:], ad).decode())
except Exception:
    print("DOES-NOT-OPEN")
PYEOF
}
NOW=$(date +%s)
# member ID TYPE NAME EMAIL STATUS WEEKDAYS AREAS FIELDS [MATCHED] [EXTRA SQL SET]
member() {
	local id=$1 type=$2 name=$3 email=$4 status=$5 wd=$6 ar=$7 fl=$8
	local matched=${9:-$NOW} w
	sq "INSERT INTO member (id, type, state, status, detail_done, org_name,
	    occupation, muni_id, wants_join, wants_recruit, email_ct,
	    email_verified_at, created_at, updated_at, published_at, matched_at)
	    VALUES ($id, '$type', 'public', '$status', 1,
	    NULLIF('$name', ''), '会社員', 3, 1, 0,
	    X'$(seal member email_ct "$id" "$email")', $NOW, $NOW, $NOW, $NOW,
	    NULLIF('$matched', 'NULL'))"
	for w in $wd; do sq "INSERT INTO member_weekday VALUES ($id, $w)"; done
	for w in $ar; do sq "INSERT INTO member_area VALUES ($id, $w)"; done
	for w in $fl; do sq "INSERT INTO member_field VALUES ($id, $w)"; done
}
# posting ID GROUP TITLE FROM UNTIL WEEKDAYS AREAS
posting() {
	local w
	sq "INSERT INTO posting (id, member_id, state, title, activity, org_name,
	    activity_when, area_text, apply_from, apply_until, created_at,
	    updated_at, published_at) VALUES ($1, $2, 'public', '$3', '清掃活動',
	    '山口テスト団体', '毎週土曜日 9時～', '山口市', '$4', '$5', $NOW, $NOW,
	    $NOW)"
	for w in $6; do sq "INSERT INTO posting_weekday VALUES ($1, $w)"; done
	for w in $7; do sq "INSERT INTO posting_area VALUES ($1, $w)"; done
}
nout() { sq "SELECT count(*) FROM outbox"; }
nmails() { find "$T/spool" -name '*.eml' 2>/dev/null | wc -l; }
# Every mail sent to ADDRESS, decoded, separated by a line "=====".
mailsto() {
	local f
	for f in $(ls "$T/spool"/*.eml 2>/dev/null | sort -V); do
		if grep -q "^$1\$" "${f%.eml}.env"; then mailbody "$f"; echo =====; fi
	done
}
nto() { mailsto "$1" | grep -c '^=====$'; }
sendall() { gen mail > /dev/null 2>> "$T/gen.err"; waitmail "$1"; }

# The group (recruits; weekdays/areas unused for it), and volunteers:
# V1 matches (土, 山口市); V2 wrong area; V3 wrong weekday; V4 matches
# but stopped mail; V5 matches but is paused; V7 matches, no weekday set.
member 10 group '山口テスト団体' g1@example.jp active '' '3' '1 2'
sq "UPDATE member SET wants_join = 0, wants_recruit = 1 WHERE id = 10"
member 11 individual '' v1@example.jp active '6' '3' '1'
sq "UPDATE member SET tel_ct = X'$(seal member tel_ct 11 083-000-1111)',
    name_ct = X'$(seal member name_ct 11 秘密太郎)' WHERE id = 11"
member 12 company '防府テスト株式会社' v2@example.jp active '6' '5' '1'
member 13 individual '' v3@example.jp active '1' '3' '1'
member 14 individual '' v4@example.jp active '6 7' '3' '1'
sq "UPDATE member SET mail_stopped = 1 WHERE id = 14"
member 15 individual '' v5@example.jp paused '6' '3' '1'
member 17 individual '' v7@example.jp active '' '3' '1'
posting 100 10 '公園清掃ボランティア募集' 2025-06-01 2025-06-30 '6' '3'
sq "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('posting', 100, 'approved', $NOW)"

# ---- R180–R182: the posting's publish ----
gen publish > "$T/pub1.out" 2> "$T/gen.err"
check "publish ran" grep -q '^publish:' "$T/pub1.out"
check "posting matched_at set" test "$(sq "SELECT matched_at IS NOT NULL FROM posting WHERE id = 100")" = 1
check "two mails queued (group list, V1)" test "$(nout)" = 2
check "templates" test "$(sq "SELECT group_concat(template, ' ') FROM (SELECT template FROM outbox ORDER BY template)")" = "ak_matching ak_matching_group"
check "one token, for V1" test "$(sq "SELECT count(*) FROM token")" = 1
check "an audit row without personal data" test "$(sq "SELECT count(*) FROM audit WHERE action = 'matching' AND target_kind = 'posting' AND target_id = 100 AND detail NOT LIKE '%@%'")" = 1
sendall 2
G=$(mailsto g1@example.jp)
V1=$(mailsto v1@example.jp)
check "R180: the group got one mail" test "$(nto g1@example.jp)" = 1
check "R180: subject" grep -q '^Subject: 【あいかさねっと】募集に合うボランティア会員のお知らせ' <<< "$G"
check "R180: names the posting" grep -q '公園清掃ボランティア募集' <<< "$G"
check "R180: V1 listed as 個人会員 with its page" grep -q '/boranet201909/members/11.html' <<< "$G"
check "R180: V1's label" grep -q '個人会員（山口市・会社員）' <<< "$G"
check "R180: mail-stopped V4 is still listed (public data)" grep -q 'members/14.html' <<< "$G"
check "R180: V2 (area) not listed" bash -c '! grep -q "members/12.html" <<< "$1"' _ "$G"
check "R180: V3 (weekday) not listed" bash -c '! grep -q "members/13.html" <<< "$1"' _ "$G"
check "R180: paused V5 not listed" bash -c '! grep -q "members/15.html" <<< "$1"' _ "$G"
check "R180: V7 (no weekday) not listed" bash -c '! grep -q "members/17.html" <<< "$1"' _ "$G"
check "R180: the group is not in its own list" bash -c '! grep -q "members/10.html" <<< "$1"' _ "$G"
check "R180: count 2" grep -q '会員は 2 件' <<< "$G"
check "R180: no e-mail, phone or name of a member" bash -c '! grep -qE "v[0-9]@example|083-000-1111|秘密太郎" <<< "$1"' _ "$G"
check "R181: V1 got one mail" test "$(nto v1@example.jp)" = 1
check "R181: subject" grep -q '^Subject: 【あいかさねっと】条件に合うボランティア募集のお知らせ' <<< "$V1"
check "R181: the posting's summary and page" grep -q 'https://kenmin.example.jp/boranet201909/postings/100.html' <<< "$V1"
check "R181: period" grep -q '募集期間：2025年6月1日～2025年6月30日' <<< "$V1"
for a in v2 v3 v4 v5 v7; do
	check "R181: $a got nothing" test "$(nto $a@example.jp)" = 0
done
APPLY=$(grep -o 'https://[^ ]*/aikasa/apply?t=[0-9a-f]*' <<< "$V1")
INQ=$(grep -o 'https://[^ ]*/aikasa/inquire?t=[0-9a-f]*' <<< "$V1")
TOK=${APPLY##*t=}
check "R182: apply URL under the CGI prefix" test "${APPLY%%\?*}" = "https://kenmin.example.jp/cgi-bin/formsvc.cgi/aikasa/apply"
check "R182: inquire URL, the same token" test "$INQ" = "https://kenmin.example.jp/cgi-bin/formsvc.cgi/aikasa/inquire?t=$TOK"
check "R182: token is 64 lowercase hex" grep -qE '^[0-9a-f]{64}$' <<< "$TOK"
H=$(printf '%s' "$TOK" | sha256sum | cut -c1-64 | tr a-f A-F)
ROW=$(sq "SELECT purpose, subject_kind, subject_id, used_at IS NULL, expires_at, hex(payload_ct) FROM token WHERE hex(hash) = '$H'")
check "token row: hash = SHA-256 of the hex" test -n "$ROW"
IFS='|' read -r purpose skind sid unused exp pct <<< "$ROW"
check "token row: purpose one_click" test "$purpose" = one_click
check "token row: subject posting 100" test "$skind:$sid" = posting:100
check "token row: unused" test "$unused" = 1
# 2025-06-30 23:59:59 +09:00
check "token row: expires at the end of 2025-06-30 JST" test "$exp" = "$(date -d '2025-06-30 23:59:59 +0900' +%s)"
check "token payload opens to member=11 under (token, one_click, 100)" test "$(unseal token one_click 100 "$pct")" = member=11
check "token payload bound to its posting" test "$(unseal token one_click 101 "$pct")" = DOES-NOT-OPEN
check "no token value in the database" bash -c '! grep -qa "$1" "$2"' _ "$TOK" "$T/k.db"

# ---- exactly once ----
sq "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('posting', 100, 'edited', $NOW)"
gen publish > /dev/null 2>> "$T/gen.err"
check "second publish: nothing new" test "$(nout)" = 2
gen match > "$T/match1.out" 2>> "$T/gen.err"
check "match: nothing new" test "$(nout)" = 2
check "match: says so" grep -q '^match: 0 postings, 0 members matched; 0 mails' "$T/match1.out"

# ---- R192, R194: a new volunteer V6 is published ----
member 16 individual '' v6@example.jp active '6' '3' '2' NULL
sq "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('member', 16, 'approved', $NOW)"
gen publish > /dev/null 2>> "$T/gen.err"
check "member matched_at set" test "$(sq "SELECT matched_at IS NOT NULL FROM member WHERE id = 16")" = 1
check "two more mails (V6, the group)" test "$(nout)" = 4
check "a token for V6" test "$(sq "SELECT count(*) FROM token WHERE subject_id = 100")" = 2
sendall 4
V6=$(mailsto v6@example.jp)
check "R192: V6 got the posting" grep -q 'postings/100.html' <<< "$V6"
check "R192: with its own links" grep -qE 'aikasa/apply\?t=[0-9a-f]{64}' <<< "$V6"
TOK6=$(grep -o 'apply?t=[0-9a-f]*' <<< "$V6" | head -1)
TOK6=${TOK6#*t=}
check "R192: not V1's token" test "$TOK6" != "$TOK"
H6=$(printf '%s' "$TOK6" | sha256sum | cut -c1-64 | tr a-f A-F)
check "R192: V6's token opens to member=16" test "$(unseal token one_click 100 "$(sq "SELECT hex(payload_ct) FROM token WHERE hex(hash) = '$H6'")")" = member=16
G2=$(mailsto g1@example.jp | awk 'BEGIN{RS="=====\n"} NR==2')
check "R194: the group got a second mail" test "$(nto g1@example.jp)" = 2
check "R194: subject" grep -q '^Subject: 【あいかさねっと】新しいボランティア会員の登録のお知らせ' <<< "$G2"
check "R194: names V6's page and the posting" bash -c 'grep -q "members/16.html" <<< "$1" && grep -q "公園清掃ボランティア募集" <<< "$1"' _ "$G2"
check "R194: no personal data" bash -c '! grep -q "v6@example" <<< "$1"' _ "$G2"

# ---- R193: a new recruiting group (fields 1, no areas: its 市町 山口市) ----
member 20 group '新規募集団体' g2@example.jp active '' '' '1' NULL
sq "UPDATE member SET wants_join = 0, wants_recruit = 1 WHERE id = 20"
gen match > "$T/match2.out" 2>> "$T/gen.err"
check "match: one member matched, one mail" grep -q '^match: 0 postings, 1 members matched; 1 mails' "$T/match2.out"
sendall 5
GR=$(mailsto g2@example.jp)
check "R193: subject" grep -q '^Subject: 【あいかさねっと】団体に合うボランティア会員のお知らせ' <<< "$GR"
check "R193: V1 (field 1, 山口市) listed" grep -q 'members/11.html' <<< "$GR"
check "R193: V3 listed (fields and areas; weekdays unused)" grep -q 'members/13.html' <<< "$GR"
check "R193: V2 (防府市) not listed" bash -c '! grep -q "members/12.html" <<< "$1"' _ "$GR"
check "R193: V6 (field 2) not listed" bash -c '! grep -q "members/16.html" <<< "$1"' _ "$GR"
check "R193: no e-mail or phone" bash -c '! grep -qE "v[0-9]@example|083-000" <<< "$1"' _ "$GR"

# ---- A-20: a posting that starts later mails when it starts ----
posting 101 10 '秋祭り運営ボランティア' 2025-07-01 2025-07-31 '6' '3'
sq "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('posting', 101, 'approved', $NOW)"
gen publish > /dev/null 2>> "$T/gen.err"
check "scheduled posting: no mail yet" test "$(nout)" = 5
check "scheduled posting: matched_at still NULL" test "$(sq "SELECT matched_at IS NULL FROM posting WHERE id = 101")" = 1
TODAY=2025-07-01
gen match > "$T/match3.out" 2>> "$T/gen.err"
check "on its start day, match mails it" grep -q '^match: 1 postings, 0 members matched; 3 mails' "$T/match3.out"
check "token of a later posting expires at its end" test "$(sq "SELECT max(expires_at) FROM token WHERE subject_id = 101")" = "$(date -d '2025-07-31 23:59:59 +0900' +%s)"

# ---- a full build sends nothing; a second match neither ----
n=$(nout)
gen build > /dev/null 2>> "$T/gen.err"
check "full build: no mail" test "$(nout)" = "$n"
gen match > /dev/null 2>> "$T/gen.err"
check "match again: no mail" test "$(nout)" = "$n"

# ---- a demo database: the demo's rows count as matched ----
cat > "$T/demo.ini" <<EOF
[paths]
database = $T/demo.db
key_dir = $T/keys
site_dir = $T/dsite
git_dir = $T/dsite.git
spool_dir = $T/dvar
upload_dir = $T/duploads
theme_dir = $ROOT/themes/default
[site]
base_url = https://kenmin.example.jp
EOF
"$GEN" -c "$T/demo.ini" init > /dev/null 2>> "$T/gen.err" &&
    "$GEN" -c "$T/demo.ini" --today 2025-06-02 demo > /dev/null 2>> "$T/gen.err"
check "demo loaded" test -s "$T/demo.db"
"$GEN" -c "$T/demo.ini" --today 2025-06-02 match > "$T/match4.out" 2>> "$T/gen.err"
check "demo: match sends nothing" grep -q '^match: 0 postings, 0 members matched; 0 mails' "$T/match4.out"
check "demo: outbox empty" test "$(sqlite3 "$T/demo.db" "SELECT count(*) FROM outbox")" = 0

check "no errors from kenmin-gen" test ! -s "$T/gen.err"
[ -s "$T/gen.err" ] && sed 's/^/# /' "$T/gen.err" >&2
exit $((fails > 0))
