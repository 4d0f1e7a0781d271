#!/bin/bash
# 430_purge.sh: `kenmin-gen purge` (A-51, R550): rows dated in the past
# with sqlite3 (no sleeping) are deleted or erased by class, young rows
# stay, each class writes one audit row with its count, and the chain
# still verifies.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 1
fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
[retention]
unverified_days = 7
application_days = 365
withdrawn_days = 30
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
sq() { sqlite3 -cmd '.timeout 10000' "$T/k.db" "$@"; }
N=$(date +%s); D=86400
# members: 1 unverified old, 2 unverified young, 3 withdrawn 31 days ago,
# 4 withdrawn 29 days ago, 5 active
sq "INSERT INTO member (id, type, state, status, login_id, login_key, email_ct, email_bidx, name_ct, tel_ct, created_at, updated_at, withdrawn_at) VALUES
 (1, 'individual', 'unverified', 'active', 'old1', 'old1', x'01', x'02', NULL, NULL, $N - 8*$D, $N, NULL),
 (2, 'individual', 'unverified', 'active', 'new2', 'new2', x'01', x'03', NULL, NULL, $N - 6*$D, $N, NULL),
 (3, 'individual', 'public', 'withdrawn', 'wd3', 'wd3', x'01', x'04', x'05', x'06', $N - 400*$D, $N, $N - 31*$D),
 (4, 'group', 'public', 'withdrawn', 'wd4', 'wd4', x'01', x'07', x'08', x'09', $N - 400*$D, $N, $N - 29*$D),
 (5, 'group', 'public', 'active', 'act5', 'act5', x'01', x'0a', x'0b', NULL, $N - 400*$D, $N, NULL)"
sq "INSERT INTO token (hash, purpose, created_at, expires_at, used_at) VALUES
 (x'aa', 'reset_password', $N - 3600, $N - 1, NULL),
 (x'bb', 'reset_password', $N - 60, $N + 1700, NULL),
 (x'cc', 'reset_password', $N - 60, $N + 1700, $N - 30)"
sq "INSERT INTO session (id_hash, principal, principal_id, csrf, created_at, last_seen) VALUES
 (x'01', 'member', 5, 'c', $N - 3600, $N - 31*60),
 (x'02', 'member', 5, 'c', $N - 3600, $N - 60),
 (x'03', 'staff', 1, 'c', $N - 9*3600, $N - 60),
 (x'04', 'staff', 1, 'c', $N - 3600, $N - 16*60),
 (x'05', 'staff', 1, 'c', $N - 3600, $N - 60)"
# postings: 1 ended 400 days ago, 2 ended 10 days ago
sq "INSERT INTO posting (id, member_id, title, activity, org_name, apply_until, created_at, updated_at) VALUES
 (1, 5, 'a', 'b', 'c', date($N - 400*$D, 'unixepoch'), $N - 500*$D, $N),
 (2, 5, 'a', 'b', 'c', date($N - 10*$D, 'unixepoch'), $N - 500*$D, $N)"
sq "INSERT INTO application (id, kind, posting_id, from_member_id, body_ct, idem_key, created_at) VALUES
 (1, 'apply', 1, 5, x'01', 'k1', $N - 450*$D),
 (2, 'apply', 2, 5, x'01', 'k2', $N - 450*$D),
 (3, 'request', NULL, 5, x'01', 'k3', $N - 366*$D),
 (4, 'request', NULL, 5, x'01', 'k4', $N - 300*$D)"
sq "INSERT INTO idempotency (key, result, created_at) VALUES ('old', 'r', $N - 2*$D), ('new', 'r', $N - 60)"
sq "INSERT INTO rate_limit (bucket, window_start, count) VALUES ('contact:198.51.100.1', $N - 3*$D, 2), ('contact:198.51.100.2', $N - 600, 1)"

"$GEN" purge > "$T/out" 2> "$T/err"
check "purge exits 0" test $? = 0
check "old unverified registration deleted, young kept" test "$(sq "SELECT group_concat(id) FROM member WHERE state='unverified'")" = 2
check "expired and used tokens deleted, live kept" test "$(sq "SELECT hex(hash) FROM token")" = BB
check "sessions past idle/absolute limits deleted" test "$(sq "SELECT group_concat(hex(id_hash)) FROM (SELECT id_hash FROM session ORDER BY 1)")" = 02,05
check "applications past retention deleted" test "$(sq "SELECT group_concat(id) FROM (SELECT id FROM application ORDER BY 1)")" = 2,4
check "withdrawn 31 days: every personal field erased" test \
    "$(sq "SELECT coalesce(email_ct, email_bidx, login_id, login_key, name_ct, tel_ct, 'gone') FROM member WHERE id=3")" = gone
check "withdrawn 29 days: kept" test "$(sq "SELECT login_id || hex(name_ct) FROM member WHERE id=4")" = wd408
check "active member untouched" test "$(sq "SELECT login_id FROM member WHERE id=5")" = act5
check "old idempotency row deleted" test "$(sq "SELECT group_concat(key) FROM idempotency")" = new
check "old rate-limit counter (a client address) deleted, current kept" test "$(sq "SELECT group_concat(bucket) FROM rate_limit")" = contact:198.51.100.2
check "one audit row per class (9)" test "$(sq "SELECT count(*) FROM audit WHERE action='retention_purge'")" = 9
check "counts in the audit rows" test "$(sq "SELECT group_concat(target_kind || '=' || substr(detail, instr(detail, ': ') + 2, instr(detail, ';') - instr(detail, ': ') - 2), ' ') FROM (SELECT * FROM audit WHERE action='retention_purge' ORDER BY id)")" = \
    "unverified_member=1 subscriber=0 token=2 session=3 application=2 withdrawn_member=1 idempotency=1 upload=0 rate_limit=1"
check "audit rows name who ran it" test "$(sq "SELECT count(*) FROM audit WHERE action='retention_purge' AND detail LIKE '%run by $(id -un)'")" = 9
check "audit chain intact" sh -c "'$GEN' audit verify | grep -q intact"
"$GEN" purge > /dev/null 2>&1
check "second run: erased member not counted again" test "$(sq "SELECT detail FROM audit WHERE action='retention_purge' AND target_kind='withdrawn_member' ORDER BY id DESC LIMIT 1")" = \
    "withdrawn members' personal fields erased: 0; run by $(id -un)"

exit $((fails > 0))
