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
# search-check passes after each.
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

# 3. The date moves on: not a publish of items only.
T2=$(date -d "$T + 40 days" +%F)
: >"$W/says"
check "the date moves on: publish succeeds" "$W/step.sh" "$T2"
check "the date moves on: recomputed" \
    grep -q '^search index: recomputed (not a publish of items only)' "$W/says"

# 4. New events, the common approval.  No document of the last index is
#    a candidate, so the patch reads only the shards of the new terms,
#    not all 1,024.  The search thread writes its files itself: a publish
#    killed while files are written leaves the site marked dirty, and the
#    next run mends it (search-check passes).
new_event() {
	local n cols
	n=$(sqlite3 "$W/k.db" "SELECT max(id) + 1 FROM event")
	cols=$(sqlite3 "$W/k.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('event')
	    WHERE name NOT IN ('id', 'title', 'starts_on', 'ends_on')")
	sqlite3 "$W/k.db" "INSERT INTO event (id, title, starts_on, ends_on, $cols)
	    SELECT $n, title || '（新規$n）', date('$T2', '+3 day'), NULL, $cols
	    FROM event WHERE id = $event" && queue event "$n" && echo "$n"
}
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
