#!/bin/bash
# 420_keys.sh: `kenmin-gen keys rotate|check`: every sealed value of
# every table (found from the schema) is re-sealed under a new data key,
# no value keeps the old key id, everything opens, data.key.old is gone;
# with data.key.old present (an interrupted rotation) values under both
# keys open and rotate finishes the job.  Values are sealed the way
# lib/crypto.c does, with Python's AES-GCM, straight into the database.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
PY=/usr/bin/python3
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
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }
sq() { sqlite3 -cmd '.timeout 10000' "$T/k.db" "$@"; }
kid() { $PY -c 'import sys,hashlib;print("%02x" % hashlib.blake2b(open(sys.argv[1],"rb").read(),digest_size=32).digest()[0])' "$1"; }
seal() { # seal KEYFILE TABLE ADCOLUMN ROW TEXT -> hex
	$PY - "$@" <<'PYEOF'
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
K=$T/keys
NOW=$(date +%s)
fill() { # fill KEYFILE BASEID: a member, an outbox row and a token
	local k=$1 b=$2
	sq "INSERT INTO member (id, type, login_id, login_key, created_at, updated_at,
	    email_ct, name_ct) VALUES ($b, 'individual', 'u$b', 'u$b', $NOW, $NOW,
	    x'$(seal "$k" member email_ct "$b" "u$b@example.jp")',
	    x'$(seal "$k" member name_ct "$b" "山田 $b")')"
	sq "INSERT INTO outbox (id, template, to_ct, subject, body_ct, next_at, created_at)
	    VALUES ($b, 't', x'$(seal "$k" outbox to_ct "$b" "u$b@example.jp")', 's',
	    x'$(seal "$k" outbox body_ct "$b" "本文 $b")', $NOW, $NOW)"
	# as formsvc's flow_token_new seals it: (token, purpose, subject id)
	sq "INSERT INTO token (hash, purpose, subject_kind, subject_id, payload_ct, created_at, expires_at)
	    VALUES (randomblob(32), 'one_click', 'posting', $b, x'$(seal "$k" token one_click "$b" "member=$b")', $NOW, $NOW + 99)"
}
cp "$K/data.key" "$T/k0"
K0=$(kid "$K/data.key")
fill "$K/data.key" 1
fill "$K/data.key" 2
check "check: 10 values open" sh -c "'$GEN' keys check | grep -q '^keys: 10 sealed values, 0 under data.key.old, 0 open under no key'"
ADIT=$(sq "SELECT count(*) FROM audit")
"$GEN" keys rotate > "$T/out" 2> "$T/err"
check "rotate succeeds" grep -q '^keys: 10 values re-sealed' "$T/out"
K1=$(kid "$K/data.key")
check "a new data key with a different id" test "$K1" != "$K0" -a -n "$K1"
check "data.key.old removed" test ! -e "$K/data.key.old"
check "new key file is 0600" test "$(stat -c %a "$K/data.key")" = 600
check "no sealed value carries the old key id" test "$(sq "
    SELECT count(*) FROM (SELECT email_ct v FROM member UNION ALL SELECT name_ct FROM member
    UNION ALL SELECT to_ct FROM outbox UNION ALL SELECT body_ct FROM outbox
    UNION ALL SELECT payload_ct FROM token) WHERE hex(substr(v, 1, 1)) <> upper('$K1')")" = 0
check "everything opens under the new key alone" sh -c "'$GEN' keys check | grep -q '^keys: 10 sealed values, 0 under data.key.old, 0 open under no key'"
cp "$K/data.key" "$T/k1"
cp "$T/k0" "$K/data.key"
check "the old key alone opens nothing any more" sh -c "! '$GEN' keys check > /dev/null 2>&1"
cp "$T/k1" "$K/data.key"
check "rotation audited, chain intact" sh -c "test \$(sqlite3 '$T/k.db' \"SELECT count(*) FROM audit WHERE action='keys_rotate'\") = 1 && '$GEN' audit verify | grep -q intact"

# ---- an interrupted rotation: data.key.old present, values under both ----
cp "$K/data.key" "$K/data.key.old"
head -c 32 /dev/urandom > "$K/data.key"
while [ "$(kid "$K/data.key")" = "$K1" ]; do head -c 32 /dev/urandom > "$K/data.key"; done
K2=$(kid "$K/data.key")
fill "$K/data.key" 3
check "with data.key.old: old and new seals all open" sh -c "'$GEN' keys check | grep -q '^keys: 15 sealed values, 10 under data.key.old, 0 open under no key'"
mv "$K/data.key.old" "$T/hidden"
check "without it the old values do not open" sh -c "! '$GEN' keys check > /dev/null 2>&1"
mv "$T/hidden" "$K/data.key.old"
"$GEN" keys rotate > "$T/out" 2> "$T/err"
check "rotate finishes the interrupted rotation" grep -q 'finishing the interrupted rotation' "$T/err"
check "it keeps the newer key and re-seals only the old values" sh -c "test '$(kid "$K/data.key")' = '$K2' && grep -q '^keys: 10 values re-sealed' '$T/out'"
check "data.key.old removed after finishing" test ! -e "$K/data.key.old"
check "all 15 open under the current key alone" sh -c "'$GEN' keys check | grep -q '^keys: 15 sealed values, 0 under data.key.old, 0 open under no key'"

# ---- a value that opens under no key stops the rotation ----
sq "UPDATE member SET name_ct = x'$(seal "$T/k0" member name_ct 1 x)' WHERE id = 1"
BEFORE=$(sq "SELECT hex(email_ct) FROM member WHERE id = 2")
"$GEN" keys rotate > /dev/null 2>&1
check "rotate refuses when a value opens under no key" test $? = 1
check "refused rotation keeps data.key.old for the values it sealed" test -e "$K/data.key.old"
check "refused rotation changed no value" test "$(sq "SELECT hex(email_ct) FROM member WHERE id = 2")" = "$BEFORE"

exit $((fails > 0))
