#!/bin/bash
# 410_audit.sh: `kenmin-gen audit verify|purge|export` on a real
# database: an intact chain verifies; an edited row, a deleted middle
# row, a forged row, two swapped ids, a cut tail and a changed mac are
# each reported (exit 1, the first bad row named); purge deletes rows
# past audit_days, logs itself, keeps the chain verifiable and refuses
# to run on a broken chain.  Events are written with
# build/<variant>/tests/test_audit in its driver mode.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
A=$(dirname "$GEN")/tests/test_audit
T=$(mktemp -d)
trap 'cat "$T"/*.err >&2 2>/dev/null; rm -rf "$T"' EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

if [ ! -x "$A" ]; then
	notok "test_audit driver ($A) is needed"
	exit 1
fi

mkini() { # mkini FILE DB
	cat > "$1" <<EOF
[paths]
database = $2
key_dir = $T/keys
site_dir = $T/site
git_dir = $T/site.git
[retention]
audit_days = 366
EOF
}
mkini "$T/k.ini" "$T/k.db"
"$GEN" -c "$T/k.ini" init >/dev/null 2>>"$T/init.err"
check "init" test -f "$T/k.db"

check "an empty log verifies" "$GEN" -c "$T/k.ini" audit verify >/dev/null
"$A" log "$T/k.ini" 3 400 && "$A" log "$T/k.ini" 3 1
check "six events logged" test "$(sqlite3 "$T/k.db" 'SELECT count(*) FROM audit')" = 6
check "ip stored masked" test \
    "$(sqlite3 "$T/k.db" 'SELECT DISTINCT ip FROM audit')" = 198.51.100.0
"$GEN" -c "$T/k.ini" audit verify > "$T/v.out" 2>&1
check "intact chain: exit 0" test $? = 0
check "intact chain: says so" grep -q '^audit: chain intact$' "$T/v.out"

# tampered NAME SQL ROWTEXT: on a copy of the database, apply SQL and
# expect verify to exit 1 naming ROWTEXT.
tampered() {
	local name=$1 sql=$2 want=$3
	rm -f "$T/t.db" "$T/t.db-wal" "$T/t.db-shm"
	sqlite3 "$T/k.db" ".backup '$T/t.db'"
	mkini "$T/t.ini" "$T/t.db"
	sqlite3 "$T/t.db" "$sql"
	"$GEN" -c "$T/t.ini" audit verify > "$T/t.out" 2>&1
	local st=$?
	check "$name: exit 1" test $st = 1
	check "$name: reported as $want" grep -q "$want" "$T/t.out"
}
tampered "edited detail" \
    "UPDATE audit SET detail = 'event 99' WHERE id = 3" "broken at row 3:"
tampered "edited actor" \
    "UPDATE audit SET actor_id = 2 WHERE id = 5" "broken at row 5:"
tampered "deleted middle row" "DELETE FROM audit WHERE id = 3" "broken at row 4:"
tampered "deleted first row" "DELETE FROM audit WHERE id = 1" "broken at row 2:"
tampered "forged row appended" \
    "INSERT INTO audit (id, at, actor_kind, action, mac)
     SELECT 7, at, 'staff', 'export', mac FROM audit WHERE id = 6" \
    "broken at row 7:"
tampered "swapped ids" \
    "UPDATE audit SET id = -1 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = 3;
     UPDATE audit SET id = 3 WHERE id = -1" "broken at row 2:"
tampered "cut tail" "DELETE FROM audit WHERE id = 6" "tail was cut"
tampered "mac replaced" \
    "UPDATE audit SET mac = (SELECT mac FROM audit WHERE id = 1) WHERE id = 2" \
    "broken at row 2:"
tampered "head removed after cutting the tail" \
    "DELETE FROM audit WHERE id = 6; DELETE FROM setting WHERE key = 'audit.head'" \
    "audit.head is missing"

# purge refuses a broken chain and deletes nothing
rm -f "$T/t.db" "$T/t.db-wal" "$T/t.db-shm"
sqlite3 "$T/k.db" ".backup '$T/t.db'"
sqlite3 "$T/t.db" "UPDATE audit SET detail = 'x' WHERE id = 5"
"$GEN" -c "$T/t.ini" audit purge > "$T/p.out" 2>&1
check "purge on a broken chain: exit 1" test $? = 1
check "purge on a broken chain: nothing deleted" test \
    "$(sqlite3 "$T/t.db" 'SELECT count(*) FROM audit')" = 6

# purge
"$GEN" -c "$T/k.ini" audit purge > "$T/p.out" 2>>"$T/purge.err"
check "purge: exit 0" test $? = 0
check "purge: reports 3 rows" grep -q '^audit: 3 rows older than 366 days purged$' "$T/p.out"
check "purge: old rows gone, purge row added" test \
    "$(sqlite3 "$T/k.db" 'SELECT group_concat(id) FROM (SELECT id FROM audit ORDER BY id)')" = 4,5,6,7
check "purge: logged by the system" test \
    "$(sqlite3 "$T/k.db" "SELECT actor_kind || ' ' || action || ' ' || substr(detail, 1, 14) FROM audit WHERE id = 7")" \
    = "system purge 3 rows before "
check "purge: anchor stored" test \
    "$(sqlite3 "$T/k.db" "SELECT substr(value, 1, 2) FROM setting WHERE key = 'audit.anchor'")" = "3:"
check "after purge: verifies" "$GEN" -c "$T/k.ini" audit verify >/dev/null
"$A" log "$T/k.ini" 1 0
check "after purge and a new event: verifies" "$GEN" -c "$T/k.ini" audit verify >/dev/null
tampered "after purge, first remaining row deleted" \
    "DELETE FROM audit WHERE id = 4" "broken at row 5:"
tampered "after purge, anchor moved" \
    "UPDATE setting SET value = '4:' || substr(value, 3) WHERE key = 'audit.anchor'" \
    "broken at row 4:"
"$GEN" -c "$T/k.ini" audit purge > "$T/p2.out" 2>>"$T/purge.err"
check "second purge: nothing to delete" grep -q '^audit: 0 rows' "$T/p2.out"
check "second purge: still verifies" "$GEN" -c "$T/k.ini" audit verify >/dev/null

# export
"$GEN" -c "$T/k.ini" audit export > "$T/e.csv" 2>>"$T/export.err"
check "export: header" test "$(head -1 "$T/e.csv" | tr -d '\r')" = \
    'id,at,actor_kind,actor_id,action,target_kind,target_id,detail,ip'
check "export: one line per row" test "$(($(wc -l < "$T/e.csv") - 1))" = \
    "$(sqlite3 "$T/k.db" 'SELECT count(*) FROM audit')"
check "unknown subcommand: exit 1" sh -c "! '$GEN' -c '$T/k.ini' audit frob 2>/dev/null"

exit $((fails > 0))
