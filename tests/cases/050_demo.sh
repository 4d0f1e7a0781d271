#!/bin/bash
# 050_demo.sh: `kenmin-gen demo`: exact volumes per kind (A-34 and the
# DESIGN scale), review work in the queues, postings around --today,
# determinism (same seed: same masked dump; other seed: different data),
# sealed personal data (no plaintext in the database file), demo
# accounts with random passwords, and the refusal to fill a database
# that already has content.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
T=${KENMIN_TMP:-$(mktemp -d)}
TODAY=2025-02-14

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# ini NAME: a configuration whose state lives under $T/NAME.
ini() {
	mkdir -p "$T/$1"
	cat > "$T/$1/kenmin.ini" <<EOF
[paths]
database = $T/$1/kenmin.db
key_dir = $T/$1/keys
site_dir = $T/$1/site
git_dir = $T/$1/site.git
upload_dir = $T/$1/uploads
spool_dir = $T/$1/spool
EOF
}

gen() { # gen NAME ARGS...: run kenmin-gen against $T/NAME
	local n=$1; shift
	"$GEN" -c "$T/$n/kenmin.ini" --today "$TODAY" "$@"
}

# masked NAME: the .dump of a copy with sealed values, blind indexes and
# password hashes replaced by NULL, the only bytes allowed to differ.
masked() {
	local db=$T/$1/masked.db sql
	rm -f "$db"
	sqlite3 "$T/$1/kenmin.db" ".backup '$db'"
	# NOT NULL and UNIQUE (list, email_bidx) stay satisfied: a value
	# becomes its row id (blobs) or MASKED (text).
	sql=$(sqlite3 "$db" "SELECT 'UPDATE \"' || m.name || '\" SET \"' ||
	    p.name || '\" = CASE WHEN \"' || p.name || '\" IS NULL THEN NULL
	    ELSE ' || CASE p.type WHEN 'BLOB' THEN 'CAST(rowid AS BLOB)'
	    ELSE '''MASKED''' END || ' END;' FROM sqlite_schema m,
	    pragma_table_info(m.name) p, pragma_table_list(m.name) l
	    WHERE m.type = 'table' AND l.wr = 0 AND
	    (p.name LIKE '%\_ct' ESCAPE '\' OR p.name LIKE '%\_bidx' ESCAPE '\'
	    OR p.name = 'pw_hash')")
	sqlite3 "$db" "$sql"
	sqlite3 "$db" .dump
}

for n in a b c; do
	ini $n
	gen $n init > /dev/null || notok "init $n"
done
# The web server (another user) reads the site directory; the key and
# spool directories stay private.
check "init makes the site directory 0755, keys and spool 0700" test \
    "$(stat -c %a "$T/a/site") $(stat -c %a "$T/a/keys") $(stat -c %a "$T/a/spool")" = "755 700 700"

gen a demo --scale 1 --seed 7 > "$T/a.out" 2> "$T/a.err"
check "demo --scale 1 --seed 7 succeeds" test $? -eq 0
gen b demo --seed 7 > "$T/b.out" 2> "$T/b.err"
check "second run with the same seed succeeds" test $? -eq 0
gen c demo --seed 8 > "$T/c.out" 2> "$T/c.err"
check "run with another seed succeeds" test $? -eq 0

# ---- exact volumes (kenmin-gen stats) ----
gen a stats > "$T/a.stats"
check "stats runs" test -s "$T/a.stats"
want() { # want KIND STATE COUNT
	if grep -q -x -F "$(printf '%s\t%s\t%s' "$1" "$2" "$3")" "$T/a.stats"
	then ok "stats $1 $2 = $3"
	else notok "stats $1 $2 = $3 (got: $(grep -F "$(printf '%s\t%s\t' "$1" "$2")" "$T/a.stats" | cut -f3))"
	fi
}
count() { # count KIND STATE: the number, 0 if no line
	awk -F '\t' -v k="$1" -v s="$2" '$1 == k && $2 == s { n = $3 }
	    END { print n + 0 }' "$T/a.stats"
}
want group active 603
want group all 1010
want npo active 221
want npo all 270
want company active 28
want company all 76
want org_other all 321
want org all 1677
want event all 5827
want grant all 8552
want report all 95
want book all 3101
want notice all 249
want center_notice all 133
want newsletter all 397
want member_individual all 1371
want member_group all 213
want member_company all 28
want interview all 20
want staff admin 1
want staff editor 1
check "groups dissolved and withdrawn split 407" test \
    $(( $(count group dissolved) + $(count group withdrawn) )) -eq 407 \
    -a "$(count group dissolved)" -gt 0 -a "$(count group withdrawn)" -gt 0
check "at least 3,000 volunteer postings" test "$(count posting all)" -ge 3000
check "postings recruiting on --today" test "$(count posting_phase recruiting)" -gt 0
check "postings not yet started" test "$(count posting_phase scheduled)" -gt 0
check "past postings" test "$(count posting_phase past)" -gt 0
check "FAQ entries" test "$(count faq public)" -gt 0
check "Super Net subscribers (some hundreds)" test "$(count subscriber_supernet all)" -ge 100
check "あいかさねっと subscribers (some hundreds)" test "$(count subscriber_aikasa all)" -ge 100
for k in event grant report book notice center_notice newsletter \
    member_individual member_group posting interview; do
	check "$k has items in review (仮登録)" test "$(count $k review)" -gt 0
	check "$k is mostly public" test \
	    $(( $(count $k public) * 10 )) -gt $(( $(count $k all) * 8 ))
done
check "some postings are 随時" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT count(*) FROM posting WHERE anytime = 1 AND state = 'public'")" -gt 0
check "multi-valued fields filled (member areas, weekdays, fields)" test \
    "$(sqlite3 "$T/a/kenmin.db" "SELECT (SELECT count(*) FROM member_area) > 1612
    AND (SELECT count(*) FROM member_weekday) > 1612
    AND (SELECT count(*) FROM member_field) > 1612
    AND (SELECT count(*) FROM org_field) > 1280
    AND (SELECT count(*) FROM posting_weekday) >= 3000")" = 1
check "every municipality has organisations" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT count(DISTINCT muni_id) FROM org")" -eq 19
check "furigana is hiragana only" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT count(*) FROM org WHERE kana GLOB '*[A-Za-z0-9]*'")" -eq 0

# ---- determinism ----
gen b stats > "$T/b.stats"
check "same seed: same stats" cmp -s "$T/a.stats" "$T/b.stats"
masked a > "$T/a.dump"
masked b > "$T/b.dump"
masked c > "$T/c.dump"
check "masked dump is not trivial" test "$(wc -l < "$T/a.dump")" -gt 20000
if cmp -s "$T/a.dump" "$T/b.dump"; then
	ok "same seed: identical masked dumps"
else
	notok "same seed: identical masked dumps"
	diff "$T/a.dump" "$T/b.dump" | head -5 | sed 's/^/# /'
fi
check "another seed: different data" test -n "$(cmp "$T/a.dump" "$T/c.dump" 2>&1)"
sqlite3 "$T/a/kenmin.db" .dump > "$T/a.raw"
sqlite3 "$T/b/kenmin.db" .dump > "$T/b.raw"
check "unmasked dumps differ (sealed values use random nonces)" \
    test -n "$(cmp "$T/a.raw" "$T/b.raw" 2>&1)"

# ---- confidential data is sealed ----
line=$(grep '^# demo individual:' "$T/a.out")
name=$(sed -n 's/.* name=\([^ ]*\) .*/\1/p' <<< "$line")
phone=$(sed -n 's/.* phone=\([^ ]*\) .*/\1/p' <<< "$line")
mail=$(sed -n 's/.* email=\([^ ]*\)$/\1/p' <<< "$line")
check "demo individual printed (name, phone, e-mail)" \
    test -n "$name" -a -n "$phone" -a -n "$mail"
files=$(ls "$T/a/kenmin.db" "$T/a/kenmin.db-wal" 2>/dev/null)
public=$(sqlite3 "$T/a/kenmin.db" "SELECT name FROM org WHERE id = 1")
check "a public value is found in the file (the grep works)" \
    grep -q -a -F "$public" $files
for v in "$name" "$phone" "$mail"; do
	if [ -n "$v" ] && ! grep -q -a -F "$v" $files; then
		ok "no plaintext '$v' in the database file"
	else
		notok "no plaintext '$v' in the database file"
	fi
done
check "member personal fields are sealed blobs" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT count(*) FROM member WHERE type = 'individual' AND
    status <> 'withdrawn' AND (typeof(name_ct) <> 'blob' OR
    typeof(tel_ct) <> 'blob' OR typeof(email_ct) <> 'blob' OR
    length(email_bidx) <> 32)")" -eq 0
check "registrant contacts of organisations are sealed" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT count(*) FROM org WHERE typeof(reg_email_ct) <> 'blob' OR
    typeof(reg_tel_ct) <> 'blob' OR typeof(reg_name_ct) <> 'blob'")" -eq 0

# ---- demo accounts ----
check "five demo accounts printed with 16-character passwords" test \
    "$(grep -c -E 'login: demo-[a-z]+	password: [0-9a-f]{16}$' "$T/a.out")" -eq 5
check "passwords differ between runs" test \
    "$(grep password: "$T/a.out")" != "$(grep password: "$T/b.out")"
check "only demo accounts have password hashes (argon2id)" test "$(sqlite3 "$T/a/kenmin.db" \
    "SELECT (SELECT count(*) FROM member WHERE pw_hash LIKE '\$argon2id\$%')
    || ' ' || (SELECT count(*) FROM member WHERE pw_hash IS NOT NULL)
    || ' ' || (SELECT count(*) FROM staff WHERE pw_hash LIKE '\$argon2id\$%')")" = "3 3 2"
pw=$(grep 'login: demo-admin' "$T/a.out" | sed 's/.*password: //')
check "the password is not stored in plaintext" test -n "$pw" -a \
    -z "$(grep -a -F "$pw" $files)"

# ---- refusal on a database with content ----
gen a demo --seed 7 > "$T/again.out" 2> "$T/again.err"
check "a second demo into a filled database fails" test $? -ne 0
check "the refusal names --force" grep -q -e '--force' "$T/again.err"
gen a stats > "$T/a2.stats"
check "the refused run changed nothing" cmp -s "$T/a.stats" "$T/a2.stats"
gen c demo --seed 9 --force > /dev/null 2> "$T/force.err"
check "--force adds demo data to a filled database" test $? -eq 0 \
    -a "$(gen c stats | grep -P '^org\tall\t' | cut -f3)" = 3354
gen a demo --scale 0 > /dev/null 2>&1
check "--scale 0 is refused" test $? -ne 0

[ "$fails" -eq 0 ]
