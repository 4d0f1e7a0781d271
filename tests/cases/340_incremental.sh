#!/usr/bin/env bash
# 340_incremental.sh: incremental publishing ends where a full build
# does.  A demo is built, then 36 seeded random changes of many kinds
# (tests/incremental.py; uploads too: items carrying a public upload
# leave the site, uploads are withdrawn, added and replaced) are made
# with SQL, each enqueued as formsvc would and published; a full build of a copy of that database into an
# empty directory must equal the published tree byte for byte (diff -r).
# Then the date moves a month on: publish == full build at that date.
# Last, history lists the commits and rollback to the first build gives
# back its files.
#
# It starts from a copy of the shared fixture (built by the sanitizer
# binary) and drives the 36 publishes and the full builds with the
# release binary when tests/run names it (KENMIN_GEN_REL): this case
# proves that publish and build agree, and its ~40 runs would take ten
# minutes under ASan; publish under the sanitizers is exercised by 320
# and 330, and the fixture build by every case that reads it.
# needs: fixture
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"
KENMIN_GEN=${KENMIN_GEN_REL:-$KENMIN_GEN}

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
PY=/usr/bin/python3
T=2026-11-26
T2=2026-12-27
STEPS=${KENMIN_INCR_STEPS:-36}
SEED=${KENMIN_INCR_SEED:-20261126}
W=$KENMIN_TMP
. "$KENMIN_ROOT/tests/lib/fixture.sh"
# full NAME DATE: a full build of a copy of incr's database, fresh dirs.
full() {
	rm -rf "$W/$1-site" "$W/$1.git" "$W/$1.db"*
	fx_ini "$1"
	sqlite3 "$W/incr.db" ".backup '$W/$1.db'" &&
	    "$KENMIN_GEN" -c "$W/$1.ini" --today "$2" build >/dev/null
}
# same NAME A B: diff -r, the first differences as diagnostics.
same() {
	if diff -r "$2" "$3" >"$W/diff.out" 2>&1; then
		ok "$1"
	else
		nok "$1"
		grep -E '^(Only in|diff -r)' "$W/diff.out" | head -20 |
		    sed 's/^/#   /'
	fi
}

fx_ini incr
G() { "$KENMIN_GEN" -c "$W/incr.ini" "$@"; }
# The fixture's demo and first build, copied (the fixture is read-only).
if ! fx_copy incr; then
	nok "copy of the fixture's demo and first build"
	exit 1
fi
ok "copy of the fixture's demo and first build"
cp -a "$W/incr-site" "$W/first"

if $PY "$KENMIN_ROOT/tests/incremental.py" --uploads "$W/uploads" \
    "$W/incr.db" "$STEPS" "$SEED" \
    $T -- "$KENMIN_GEN" -c "$W/incr.ini" --today $T publish >"$W/steps.out"; then
	ok "$STEPS random changes published ($(tail -1 "$W/steps.out" | sed 's/^# //'))"
else
	nok "$STEPS random changes published"
	tail -5 "$W/steps.out" | sed 's/^/#   /'
	exit 1
fi
if grep -q 'upload_item_unpublish' "$W/steps.out" &&
    grep -q 'upload_add' "$W/steps.out"; then
	ok "the steps include items with public uploads leaving the site"
else
	nok "the steps include items with public uploads leaving the site"
fi
check_queue() {
	[ "$(sqlite3 "$W/incr.db" 'SELECT count(*) FROM publish_queue')" = 0 ]
}
if check_queue; then ok "the queue is empty"; else nok "the queue is empty"; fi

if full fullA $T; then
	same "publish after $STEPS changes == full build" "$W/incr-site" "$W/fullA-site"
else
	nok "full build of the changed data"
fi

# The date moves on a month: only K_DATE is queued.
if G --today $T2 publish >/dev/null && full fullB $T2; then
	same "publish a month later == full build at that date" \
	    "$W/incr-site" "$W/fullB-site"
else
	nok "publish a month later"
fi

# Races: three publishes at once (approvals in quick succession start
# one each).  The publish lock serialises them: all succeed, the queue
# ends empty, and the site equals one full build at that date.
T3=2027-01-15
sqlite3 "$W/incr.db" "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    SELECT 'org', id, 'race', 0 FROM org WHERE state = 'public' ORDER BY id LIMIT 3"
pids=""
for i in 1 2 3; do
	G --today $T3 publish >/dev/null 2>"$W/race$i.err" & pids="$pids $!"
done
race_ok=1
for p in $pids; do wait "$p" || race_ok=0; done
if [ $race_ok -eq 1 ] && [ "$(sqlite3 "$W/incr.db" 'SELECT count(*) FROM publish_queue')" = 0 ] &&
    full fullC $T3; then
	same "three concurrent publishes == one full build" "$W/incr-site" "$W/fullC-site"
else
	nok "three concurrent publishes == one full build"
	cat "$W"/race*.err | head -5 | sed 's/^/#   /'
fi

# History: one commit per run that changed files, newest first.
hist=$(G history -n 200 2>&1)
n=$(printf '%s\n' "$hist" | grep -c -E '^[0-9a-f]{7,40}	')
if [ "$n" -ge 3 ]; then
	ok "history lists the commits ($n)"
else
	nok "history lists the commits"
	printf '%s\n' "$hist" | head -5 | sed 's/^/#   /'
fi
# The first commit was written as one pack (generator/histpack.c) with
# our own index: git itself must find every object sound.
if ls "$W"/incr.git/objects/pack/pack-*.idx >/dev/null 2>&1 &&
    git --git-dir="$W/incr.git" fsck --full --no-dangling >/dev/null 2>&1 &&
    git --git-dir="$W/incr.git" verify-pack "$W"/incr.git/objects/pack/pack-*.idx; then
	ok "first commit is one pack that git fsck and verify-pack accept"
else
	nok "first commit is one pack that git fsck and verify-pack accept"
fi
first=$(printf '%s\n' "$hist" | grep -E '^[0-9a-f]{7,40}	' | tail -1 | cut -f1)
if [ -n "$first" ] && G rollback "$first" >/dev/null; then
	same "rollback to the first build gives its files back" \
	    "$W/first" "$W/incr-site"
else
	nok "rollback to the first build"
fi
[ "$n_fail" -eq 0 ]
