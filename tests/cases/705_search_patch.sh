#!/usr/bin/env bash
# 705_search_patch.sh: a publish patches the search index (search.c)
# instead of recomputing it, and the patched files are the bytes a
# recompute gives.  On a copy of the fixture, seeded random changes of
# many kinds (tests/incremental.py) are published one by one; after
# each, `kenmin-gen search-check` recomputes the index from the database
# and compares every file under search/ (no file differs, none is
# missing, none is left over).  Most publishes must have been patched
# (KENMIN_TIMINGS says which).  Then a group withdrawn, whose postings
# must leave with it though only the member is queued, and the cases
# the patch refuses: an index of another format and the date moving
# on, and new events (only their terms' shards are read; a publish
# killed while the search thread writes is mended by the next run);
# search-check passes after each.  Approvals of the run's date go to the
# fresh part of the index (search/n/), and the date's change moves them.
# needs: fixture
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"
# The random steps use the release binary when tests/run names it (30
# publishes and recomputes); the cases after them run the sanitizer one.
GEN_SAN=$KENMIN_GEN
KENMIN_GEN=${KENMIN_GEN_REL:-$KENMIN_GEN}

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
W=$KENMIN_TMP
PY=/usr/bin/python3
T=$(cat "$KENMIN_FIXTURE/today")
STEPS=${KENMIN_SEARCH_STEPS:-30}
SEED=${KENMIN_SEARCH_SEED:-705}

. "$KENMIN_ROOT/tests/lib/fixture.sh"
fx_ini k
if ! fx_copy k; then
	nok "copy of the fixture"
	exit 1
fi
G() { "$KENMIN_GEN" -c "$W/k.ini" "$@"; }

# One publish with its KENMIN_TIMINGS lines kept, then the check; the
# command tests/incremental.py runs after each change.
cat >"$W/step.sh" <<EOF
#!/usr/bin/env bash
gen=\${STEP_GEN:-$KENMIN_GEN}
KENMIN_TIMINGS=1 "\$gen" -c "$W/k.ini" --today "\$1" publish \
    >/dev/null 2>"$W/last.err" || { cat "$W/last.err" >&2; exit 1; }
grep '^search index: ' "$W/last.err" >>"$W/says"
"\$gen" -c "$W/k.ini" --today "\$1" search-check >"$W/check.out" ||
    { echo "search-check after a publish:" >&2; head -5 "$W/check.out" >&2; exit 1; }
EOF
chmod +x "$W/step.sh"
: >"$W/says"

check "search-check passes on the fixture's full build" bash -c "\"\$0\" -c \"\$1\" --today \"\$2\" search-check >/dev/null" "$KENMIN_GEN" "$W/k.ini" "$T"

if $PY "$KENMIN_ROOT/tests/incremental.py" --uploads "$W/uploads" \
    "$W/k.db" "$STEPS" "$SEED" "$T" -- "$W/step.sh" "$T" >"$W/steps.out" 2>&1; then
	ok "$STEPS random changes published, the index equal to a recompute after each"
else
	nok "$STEPS random changes published, the index equal to a recompute after each"
	tail -8 "$W/steps.out" | sed 's/^/#   /'
fi
patched=$(grep -c '^search index: patched' "$W/says")
recomputed=$(grep -c '^search index: recomputed' "$W/says")
printf '# %d publishes patched the index, %d recomputed it\n' "$patched" "$recomputed"
grep '^search index: recomputed' "$W/says" | sort | uniq -c | sed 's/^/#   /'
check "most publishes that ran the index patched it ($patched of $((patched + recomputed)))" \
    test "$patched" -ge $((STEPS / 2)) -a "$recomputed" -eq 0
changed=$(grep -c '^search index: patched, [1-9]' "$W/says")
check "patches that changed files ($changed)" test "$changed" -ge 5

export STEP_GEN=$GEN_SAN
# queue ITEM-KIND ID: enqueue as formsvc does.
queue() {
	sqlite3 "$W/k.db" "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
	    VALUES ('$1', $2, 'test', 0)"
}
event=$(sqlite3 "$W/k.db" "SELECT id FROM event WHERE state = 'public' ORDER BY id LIMIT 1")

# 1. An index of another format is recomputed, not patched.
printf '{"version":1}\n' >"$W/k-site/search/manifest.json"
sqlite3 "$W/k.db" "UPDATE event SET title = title || '（形式）' WHERE id = $event"
queue event "$event"
: >"$W/says"
check "another format: publish succeeds" "$W/step.sh" "$T"
check "another format: recomputed, and equal to a recompute" \
    grep -q '^search index: recomputed (the last index is of another format)' "$W/says"

# 2. A group withdrawn (only the member is queued): its postings leave
#    the index with it.
member=$(sqlite3 "$W/k.db" "SELECT p.member_id FROM posting p JOIN member m ON m.id = p.member_id
    WHERE p.state = 'public' AND m.state = 'public' AND m.status = 'active'
    AND (p.apply_from IS NULL OR p.apply_from <= '$T') ORDER BY p.id LIMIT 1")
posting=$(sqlite3 "$W/k.db" "SELECT id FROM posting WHERE member_id = $member AND state = 'public'
    AND (apply_from IS NULL OR apply_from <= '$T') ORDER BY id LIMIT 1")
check "a group's posting is in the index" \
    grep -rq "^$((posting * 16 + 12))	" "$W/k-site/search/d"
sqlite3 "$W/k.db" "UPDATE member SET status = 'withdrawn' WHERE id = $member"
queue member "$member"
: >"$W/says"
check "a group withdrawn: publish succeeds, equal to a recompute" "$W/step.sh" "$T"
check "a group withdrawn: patched" grep -q '^search index: patched' "$W/says"
check "a group withdrawn: its posting left the index" \
    bash -c "! grep -rq '^$((posting * 16 + 12))	' '$W/k-site/search/d'"

# 3. Approvals today.  A document first published on the run's date is
#    fresh: its postings go to the 32 search/n/ shards (each with how
#    many postings of search/t/ rank above it), and no term shard is
#    written.  Both readers merge the two: the golden set still equals
#    the oracle through the CGI and through search.js.  Past
#    SEARCH_FRESH_MAX (200) fresh documents none is, and the postings
#    move into search/t/.
: "${KENMIN_CGI:?}"
GD=$W/k.git
# add_event TITLE DAY [PUBLISHED]: a new public event (a copy of
# $event) held 10 days after DAY, published at PUBLISHED (an SQL
# expression; by default the copied event's time, a past day); prints
# its id.
# The columns add_event copies.
cols=$(sqlite3 "$W/k.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('event')
    WHERE name NOT IN ('id', 'title', 'starts_on', 'ends_on', 'published_at')")
add_event() {
	local n
	n=$(sqlite3 "$W/k.db" "SELECT max(id) + 1 FROM event")
	sqlite3 "$W/k.db" "INSERT INTO event (id, title, starts_on, ends_on, published_at, $cols)
	    SELECT $n, '$1', date('$2', '+10 day'), NULL, ${3:-published_at}, $cols
	    FROM event WHERE id = $event" && queue event "$n" && echo "$n"
}
# fresh_event TITLE [DAY]: one approved at 11:00 on DAY (by default $T).
fresh_event() { add_event "$1" "${2:-$T}" "strftime('%s', '${2:-$T} 02:00:00')"; }
# changed_in_last DIR: how many files under search/DIR/ the last commit changed.
changed_in_last() {
	git --git-dir="$GD" diff --name-only HEAD~1 HEAD -- "search/$1/" | wc -l
}
none_fresh() {	# the manifest counts none and search/n/ is gone
	grep -q '"fresh":0}' "$W/k-site/search/manifest.json" &&
	    test -z "$(ls "$W/k-site/search/n" 2>/dev/null)"
}
# found Q ID: the CGI's first page of hits for query Q links event ID.
found() {
	printf 'q\tq=%s\n' "$1" >"$W/q.tsv"
	"$KENMIN_ROOT/tests/search/cgi.sh" "$KENMIN_CGI" "$W/k.ini" "$W/q.tsv" |
	    tr ',\t' '\n\n' | grep -qx "/events/$2.html"
}
fresh_before=$(grep -o '"fresh":[0-9]*' "$W/k-site/search/manifest.json" | cut -d: -f2)
f1=$(fresh_event '鮮度試験の講座')
: >"$W/says"
check "a new event approved today: publish succeeds, equal to a recompute" "$W/step.sh" "$T"
check "a new event approved today: patched" grep -q '^search index: patched' "$W/says"
check "a new event approved today: fresh, counted in the manifest" \
    grep -q "\"fresh\":$((fresh_before + 1))}" "$W/k-site/search/manifest.json"
check "a new event approved today: no term shard written ($(changed_in_last t))" \
    test "$(changed_in_last t)" -eq 0
check "a new event approved today: fresh shards and one doc shard written ($(changed_in_last n), $(changed_in_last d))" \
    test "$(changed_in_last n)" -ge 1 -a "$(changed_in_last n)" -le 32 -a "$(changed_in_last d)" -eq 1
check "a new event approved today: found by the CGI" found '鮮度試験' "$f1"
sqlite3 "$W/k.db" "UPDATE event SET title = '鮮度確認の講座' WHERE id = $f1"
queue event "$f1"
: >"$W/says"
check "a fresh event edited: publish succeeds, equal to a recompute" "$W/step.sh" "$T"
patched_t() {	# patched_t OP N: patched, and OP N term shards changed
	grep -q '^search index: patched' "$W/says" && test "$(changed_in_last t)" "$1" "$2"
}
check "a fresh event edited: patched, no term shard written" patched_t -eq 0
retitled() { found '鮮度確認' "$f1" && ! found '鮮度試験' "$f1"; }
check "a fresh event edited: found by its new title only" retitled
# The event it was copied from (in search/t/, sharing all its terms)
# moves past it in date: the fresh event's count of postings above it
# changes, also in lines whose bytes do not (it is their only posting).
sqlite3 "$W/k.db" "UPDATE event SET starts_on = date('$T', '+200 day') WHERE id = $event"
queue event "$event"
check "an event of search/t/ moved past a fresh one: equal to a recompute" "$W/step.sh" "$T"
"$KENMIN_ROOT/tests/search/cgi.sh" "$KENMIN_CGI" "$W/k.ini" "$KENMIN_ROOT/tests/search/golden.tsv" >"$W/g.cgi" 2>&1
node "$KENMIN_ROOT/tests/search/run.js" "$W/k-site" "$KENMIN_ROOT/tests/search/golden.tsv" 2>&1 |
    grep -v '^#' >"$W/g.js"
$PY "$KENMIN_ROOT/tests/search/expect.py" "$W/k.db" "$T" "$KENMIN_ROOT/tests/search/golden.tsv" >"$W/g.want" 2>&1
check "with fresh documents: the golden set through the CGI equals the oracle" cmp -s "$W/g.want" "$W/g.cgi"
check "with fresh documents: the golden set through search.js equals the oracle" cmp -s "$W/g.want" "$W/g.js"

# 4. The date moves on: not a publish of items only.
T2=$(date -d "$T + 40 days" +%F)
: >"$W/says"
check "the date moves on: publish succeeds" "$W/step.sh" "$T2"
check "the date moves on: recomputed" \
    grep -q '^search index: recomputed (not a publish of items only)' "$W/says"
check "the date moves on: yesterday's fresh documents moved into search/t/" none_fresh
check "the date moves on: the event approved yesterday found" found '鮮度確認' "$f1"

# 200 approvals on one day are fresh; with the 201st none is.
sqlite3 "$W/k.db" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 200)
    INSERT INTO event (title, starts_on, ends_on, published_at, $cols)
    SELECT '鮮度上限' || i, date('$T2', '+20 day'), NULL, strftime('%s', '$T2 03:00:00'), $cols
    FROM k, event WHERE event.id = $event;
    INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    SELECT 'event', id, 'test', 0 FROM event WHERE title LIKE '鮮度上限%';"
check "200 fresh documents: publish succeeds, equal to a recompute" "$W/step.sh" "$T2"
check "200 fresh documents: counted in the manifest" \
    grep -q '"fresh":200}' "$W/k-site/search/manifest.json"
fresh_event '鮮度上限201' "$T2" >/dev/null
: >"$W/says"
check "the 201st: publish succeeds, equal to a recompute" "$W/step.sh" "$T2"
check "the 201st: recomputed" grep -q \
    "^search index: recomputed (the day's new documents changed otherwise)" "$W/says"
check "the 201st: none fresh, no search/n/ left" none_fresh
f2=$(fresh_event '鮮度超過の講座' "$T2")
: >"$W/says"
check "one more that day: publish succeeds, equal to a recompute" "$W/step.sh" "$T2"
check "one more that day: patched into search/t/" patched_t -gt 100
check "one more that day: found by the CGI" found '鮮度超過' "$f2"

# 5. New events of past days.  No document of the last index is
#    a candidate, so the patch reads only the shards of the new terms,
#    not all 1,024.  The search thread writes its files itself: a publish
#    killed while files are written leaves the site marked dirty, and the
#    next run mends it (search-check passes).
new_event() { add_event '新規の講座' "$T2"; }
n1=$(new_event)
# (LeakSanitizer cannot run under ptrace: leaks are checked elsewhere.)
if ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=openat -o "$W/open.trace" \
    "$GEN_SAN" -c "$W/k.ini" --today "$T2" publish >/dev/null 2>"$W/new.err"; then
	nt=$(grep -c '/search/t/[0-9a-f]*\.txt"' "$W/open.trace")
	check "a new event: the patch read only the shards of its terms ($nt of 1024)" \
	    test "$nt" -gt 10 -a "$nt" -lt 700
	check "a new event: in the index, equal to a recompute" bash -c \
	    "'$GEN_SAN' -c '$W/k.ini' --today '$T2' search-check >/dev/null &&
	    grep -rq '^$((n1 * 16 + 2))	' '$W/k-site/search/d'"
else
	nok "a new event: publish succeeds"
	head -5 "$W/new.err" | sed 's/^/#   /'
fi
n2=$(new_event)
(ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o /dev/null -e trace=renameat \
    -e inject=renameat:signal=KILL:when=60 "$GEN_SAN" -c "$W/k.ini" --today "$T2" publish >/dev/null 2>&1; :) 2>/dev/null
check "a publish killed while writing leaves the site marked dirty" \
    test "$(sqlite3 "$W/k.db" 'SELECT dirty FROM site_state')" = 1
: >"$W/says"
check "the next publish mends it: equal to a recompute" "$W/step.sh" "$T2"
check "the next publish mends it: clean again, the event in the index" bash -c \
    "test \"\$(sqlite3 '$W/k.db' 'SELECT dirty FROM site_state')\" = 0 &&
    grep -rq '^$((n2 * 16 + 2))	' '$W/k-site/search/d'"
[ "$n_fail" -eq 0 ]
