#!/usr/bin/env bash
# 345_build_worker.sh: a full build renders in two processes (build.c's
# build-worker).  A cold build of the demo leaves two packs in the
# history (one per process) and the same tree as a build that never
# had a worker to lose: equal to the fixture's, which the sanitizer
# binary built.  When the worker fails halfway (a template of a family
# only the worker renders recurses at render time), the build fails,
# says so, leaves the site marked dirty and commits nothing; the next
# build with the good theme mends the site to that same tree.
# needs: fixture
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"
KENMIN_GEN=${KENMIN_GEN_REL:-$KENMIN_GEN}

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
W=$KENMIN_TMP
THEME=${KENMIN_TEST_THEME:-$KENMIN_ROOT/themes/default}
T=$(cat "$KENMIN_FIXTURE/today")

. "$KENMIN_ROOT/tests/lib/fixture.sh"
cp -a "$KENMIN_FIXTURE/keys" "$W/keys" &&
    cp -a "$KENMIN_FIXTURE/uploads" "$W/uploads" 2>/dev/null ||
    mkdir -p "$W/uploads"

# A theme whose event detail pages (the worker's) recurse at render
# time: partials resolve when the theme loads, so only rendering fails.
cp -a "$THEME" "$W/bad-theme"
printf '{{> partials/loop}}\n' >"$W/bad-theme/partials/loop.html"
printf '{{> partials/loop}}\n' >>"$W/bad-theme/supernet/events/detail.html"

fx_ini good "$THEME"
fx_ini bad "$W/bad-theme"
sqlite3 "$KENMIN_FIXTURE/k.db" ".backup '$W/good.db'"

# 1. A cold build: two processes, two packs, the fixture's tree.
"$KENMIN_GEN" -c "$W/good.ini" --today "$T" build >"$W/out" 2>"$W/err"
check "cold build succeeds" test $? = 0
check "two packs: one from each process" test \
    "$(find "$W/good.git/objects/pack" -name '*.pack' | wc -l)" = 2
check "every page in the history, nothing loose but trees and the commit" \
    test "$(git --git-dir="$W/good.git" count-objects -v | sed -n 's/^in-pack: //p')" = \
    "$(find "$W/good-site" -type f | wc -l)"
check "git fsck accepts both packs" git --git-dir="$W/good.git" fsck --full --no-progress
if diff -r "$W/good-site" "$KENMIN_FIXTURE/site" >"$W/diff" 2>&1; then
	ok "the tree equals the fixture's"
else
	nok "the tree equals the fixture's"
	head -5 "$W/diff" | sed 's/^/#   /'
fi
check "the event pages were rendered (by the worker)" \
    test "$(find "$W/good-site/events" -maxdepth 1 -name '[0-9]*.html' | wc -l)" -gt 100

# 2. The worker fails: the build fails, nothing is committed, the site
# stays dirty.
cp "$W/good.db" "$W/bad.db"
cp -a "$W/good-site" "$W/bad-site"
cp -a "$W/good.git" "$W/bad.git"
sqlite3 "$W/bad.db" "UPDATE event SET title = title || '（変更）' WHERE state = 'public'"
"$KENMIN_GEN" -c "$W/bad.ini" --today "$T" build >"$W/out" 2>"$W/err"
check "a failing worker fails the build" test $? != 0
check "it says the worker failed" grep -q 'build-worker failed' "$W/err"
check "nothing committed" test "$(git --git-dir="$W/bad.git" rev-list --count HEAD)" = \
    "$(git --git-dir="$W/good.git" rev-list --count HEAD)"
check "the site is marked dirty" test "$(sqlite3 "$W/bad.db" 'SELECT dirty FROM site_state')" = 1

# 3. The next build, good theme, mends it: equal to a clean build of
# the same data.
sed "s#theme_dir = .*#theme_dir = $THEME#" "$W/bad.ini" >"$W/mend.ini"
"$KENMIN_GEN" -c "$W/mend.ini" --today "$T" build >"$W/out" 2>"$W/err"
check "the next build succeeds" test $? = 0
check "and clears the dirty mark" test "$(sqlite3 "$W/bad.db" 'SELECT dirty FROM site_state')" = 0
fx_ini ref "$THEME"
sqlite3 "$W/bad.db" ".backup '$W/ref.db'"
"$KENMIN_GEN" -c "$W/ref.ini" --today "$T" build >/dev/null 2>&1
if diff -r "$W/bad-site" "$W/ref-site" >"$W/diff" 2>&1; then
	ok "the mended site equals a clean build"
else
	nok "the mended site equals a clean build"
	head -5 "$W/diff" | sed 's/^/#   /'
fi
# HEAD's tree is the mended site: git's own hash of the work tree (a
# temporary index) equals it.
rm -f "$W/tmp.index"
wt=$(GIT_INDEX_FILE=$W/tmp.index git --git-dir="$W/bad.git" --work-tree="$W/bad-site" add -A &&
    GIT_INDEX_FILE=$W/tmp.index git --git-dir="$W/bad.git" write-tree)
check "the mended history is the mended site" test -n "$wt" -a \
    "$wt" = "$(git --git-dir="$W/bad.git" rev-parse 'HEAD^{tree}')"

exit $((n_fail > 0))
