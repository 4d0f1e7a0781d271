#!/usr/bin/env bash
# 346_history_tree.sh: every commit's tree is the site directory as git
# itself sees it.  history_commit() builds a publish's tree from HEAD's
# and the run's changes, never from the index file; these checks compare
# HEAD^{tree} with a `git add -A` of the work tree into a temporary
# index (GIT_INDEX_FILE), after: a publish that rewrites pages, one that
# removes a page, a publish after someone rewrote the index file by hand
# (it must not be trusted), a publish after a crash (site_state.dirty
# = 1, a page edited, one deleted and a stray file added by hand: the
# whole work tree is hashed), a commit that was cut short (the marker
# $git_dir/kenmin-pending left behind, a page edited by hand), a run
# killed between its manifest and its commit (strace), and a rollback.  After each, no index file is left (none is kept, so none
# can be stale), and a run with nothing to do commits nothing.
# needs: fixture
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
W=$KENMIN_TMP
T=$(cat "$KENMIN_FIXTURE/today")
S=$W/k-site
GD=$W/k.git
DB=$W/k.db

. "$KENMIN_ROOT/tests/lib/fixture.sh"
fx_ini k
if ! fx_copy k; then
	nok "copy of the fixture's demo and first build"
	exit 1
fi
ok "copy of the fixture's demo and first build"

G() { "$KENMIN_GEN" -c "$W/k.ini" --today "$T" "$@"; }
git_() { git --git-dir="$GD" --work-tree="$S" "$@"; }
# The tree of the work tree as git computes it, the index file untouched.
wt_tree() {
	rm -f "$W/tmp.index"
	GIT_INDEX_FILE=$W/tmp.index git_ add -A &&
	    GIT_INDEX_FILE=$W/tmp.index git_ write-tree
	rm -f "$W/tmp.index"
}
ncommits() { git --git-dir="$GD" rev-list --count HEAD; }
# same NAME: HEAD's tree is the work tree's, and no index file is kept.
same() {
	local h w st
	h=$(git --git-dir="$GD" rev-parse 'HEAD^{tree}')
	w=$(wt_tree)
	if [ -n "$h" ] && [ "$h" = "$w" ]; then
		ok "$1: HEAD's tree is the work tree"
	else
		nok "$1: HEAD's tree is the work tree"
		git --git-dir="$GD" diff-tree -r --stat "$h" "$w" 2>&1 |
		    tail -5 | sed 's/^/#   /'
	fi
	if [ ! -e "$GD/index" ]; then
		ok "$1: no index file is left to mislead git status"
	else
		nok "$1: no index file is left to mislead git status"
	fi
}
# publish_event ID SQL-SET: change an event and publish it.
publish_event() {
	sqlite3 "$DB" "UPDATE event SET $2, updated_at = updated_at + 1 WHERE id = $1;
	    INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
	    VALUES ('event', $1, 'test', 0);" &&
	    G publish >"$W/out" 2>"$W/err"
}
ev() { sqlite3 "$DB" "SELECT id FROM event WHERE state = 'public' ORDER BY id LIMIT 1 OFFSET $1"; }

same "the fixture's build"

# 1. A publish that rewrites a few pages.
n0=$(ncommits)
e1=$(ev 3)
if publish_event "$e1" "title = title || '（変更346）'" &&
    grep -q '（変更346）' "$S/events/$e1.html"; then
	ok "a publish rewrites the event page"
else
	nok "a publish rewrites the event page"
	sed 's/^/#   /' "$W/err" | head -5
fi
[ "$(ncommits)" = $((n0 + 1)) ] && ok "the publish made one commit" ||
    nok "the publish made one commit"
same "after a publish"
# The publish wrote its blobs itself (histpack.c, loose mode): each is a
# loose object git reads back as the page's bytes, no pack was added,
# no temporary object file is left, and git fsck accepts them all.
b=$(git --git-dir="$GD" rev-parse "HEAD:events/$e1.html")
if [ -f "$GD/objects/${b:0:2}/${b:2}" ] &&
    git --git-dir="$GD" cat-file blob "$b" | cmp -s - "$S/events/$e1.html"; then
	ok "the page's blob is a loose object holding the page's bytes"
else
	nok "the page's blob is a loose object holding the page's bytes"
fi
np=$(find "$GD/objects/pack" -name '*.pack' | wc -l)
[ "$np" = "$(find "$KENMIN_FIXTURE/site.git/objects/pack" -name '*.pack' | wc -l)" ] &&
    ok "a publish adds no pack ($np)" || nok "a publish adds no pack ($np)"
if [ -z "$(find "$GD/objects" -name 'tmp_*' | head -1)" ] &&
    git --git-dir="$GD" fsck --full --strict --no-dangling --no-progress >"$W/fsck" 2>&1; then
	ok "no temporary object is left, and git fsck --strict accepts the objects"
else
	nok "no temporary object is left, and git fsck --strict accepts the objects"
	head -5 "$W/fsck" | sed 's/^/#   /'
fi

# 2. A publish that removes a page (the event leaves the site).
e2=$(ev 5)
if publish_event "$e2" "state = 'review'" && [ ! -e "$S/events/$e2.html" ] &&
    ! git --git-dir="$GD" cat-file -e "HEAD:events/$e2.html" 2>/dev/null &&
    git --git-dir="$GD" cat-file -e "HEAD~1:events/$e2.html"; then
	ok "a removed page leaves the site and the commit's tree"
else
	nok "a removed page leaves the site and the commit's tree"
fi
same "after a removal"

# 3. Nothing to publish: no commit.
n0=$(ncommits)
G publish >"$W/out" 2>"$W/err"
[ "$(ncommits)" = "$n0" ] && ok "a publish with nothing to do commits nothing" ||
    nok "a publish with nothing to do commits nothing"

# 4. An index file written by hand for an older tree (as an operator's
# `git read-tree` leaves it): never used for a commit, and removed.
git_ read-tree HEAD~2
e3=$(ev 7)
publish_event "$e3" "title = title || '（索引）'" ||
    nok "publish after the index file was rewritten"
same "after the index file was rewritten by hand"

# 5. A crash: dirty = 1, a page edited, one deleted and a stray file
# added by hand.  The next run rebuilds everything and hashes the work
# tree; the run after it is back on the fast path.
sqlite3 "$DB" "UPDATE site_state SET dirty = 1"
printf '<!-- edited by hand -->\n' >>"$S/about.html"
rm -f "$S/events/$e1.html"
printf 'stray\n' >"$S/stray-346.txt"
e4=$(ev 9)
if publish_event "$e4" "title = title || '（クラッシュ後）'" &&
    grep -q '（変更346）' "$S/events/$e1.html" &&
    ! grep -q 'edited by hand' "$S/about.html"; then
	ok "after a crash the publish rebuilds the site"
else
	nok "after a crash the publish rebuilds the site"
	sed 's/^/#   /' "$W/err" | head -5
fi
if git --git-dir="$GD" cat-file -e "HEAD:stray-346.txt" 2>/dev/null; then
	ok "the crash's commit holds what is on disk (the stray file too)"
else
	nok "the crash's commit holds what is on disk (the stray file too)"
fi
same "after a crash"
[ "$(sqlite3 "$DB" 'SELECT dirty FROM site_state')" = 0 ] &&
    ok "the site is clean again" || nok "the site is clean again"
e5=$(ev 11)
publish_event "$e5" "title = title || '（その後）'" ||
    nok "a publish after the crash's run"
same "the next publish"

# 6. A commit cut short: the marker stays, and a page was edited by hand
# meanwhile.  The next commit hashes the whole work tree.
: >"$GD/kenmin-pending"
printf '<!-- edited by hand 2 -->\n' >>"$S/about.html"
e6=$(ev 13)
publish_event "$e6" "title = title || '（中断後）'" ||
    nok "publish after a commit was cut short"
if git --git-dir="$GD" show HEAD:about.html 2>/dev/null | grep -q 'edited by hand 2'; then
	ok "a commit cut short makes the next one read the whole work tree"
else
	nok "a commit cut short makes the next one read the whole work tree"
fi
[ ! -e "$GD/kenmin-pending" ] && ok "the marker is gone after the commit" ||
    nok "the marker is gone after the commit"
same "after a commit cut short"

# 6b. Killed between the manifest's commit and the history's: strace
# sends SIGKILL at the run's first touch of $GD/HEAD, which is in
# history_commit(), after site_finish() cleared the dirty mark.  The
# page is on disk, HEAD does not have it, and history_begin()'s marker
# is left: the next commit hashes the work tree and has it.
e7=$(ev 15)
sqlite3 "$DB" "UPDATE event SET title = title || '（強制終了）', updated_at = updated_at + 1
    WHERE id = $e7; INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('event', $e7, 'test', 0);"
(strace -f -qq -o /dev/null -P "$GD/HEAD" -e trace=all -e inject=all:signal=KILL \
    "$KENMIN_GEN" -c "$W/k.ini" --today "$T" publish >"$W/out" 2>"$W/err"; :) 2>/dev/null
if grep -q '（強制終了）' "$S/events/$e7.html" &&
    ! git --git-dir="$GD" show "HEAD:events/$e7.html" 2>/dev/null | grep -q '（強制終了）' &&
    [ "$(sqlite3 "$DB" 'SELECT dirty FROM site_state')" = 0 ] &&
    [ -e "$GD/kenmin-pending" ]; then
	ok "killed before its commit: the page is out, HEAD is behind, the marker is left"
else
	nok "killed before its commit: the page is out, HEAD is behind, the marker is left"
fi
e8=$(ev 17)
publish_event "$e8" "title = title || '（再開）'" ||
    nok "publish after a run killed before its commit"
if git --git-dir="$GD" show "HEAD:events/$e7.html" 2>/dev/null | grep -q '（強制終了）'; then
	ok "the next commit holds the killed run's page"
else
	nok "the next commit holds the killed run's page"
fi
same "after a run killed before its commit"

# 7. Rollback to the fixture's build.
first=$(git --git-dir="$GD" rev-list --max-parents=0 HEAD)
if G rollback "$first" >"$W/out" 2>"$W/err" &&
    git --git-dir="$GD" cat-file -e "HEAD:events/$e2.html" &&
    ! grep -q '（変更346）' "$S/events/$e1.html"; then
	ok "rollback gives the first build's pages back"
else
	nok "rollback gives the first build's pages back"
	sed 's/^/#   /' "$W/err" | head -5
fi
same "after a rollback"
if git --git-dir="$GD" log --stat -n 3 >/dev/null 2>&1 &&
    [ "$(G history | wc -l)" = "$(ncommits)" ]; then
	ok "git log --stat and kenmin-gen history read the history"
else
	nok "git log --stat and kenmin-gen history read the history"
fi
if git --git-dir="$GD" fsck --no-dangling --no-progress >"$W/fsck" 2>&1; then
	ok "git fsck accepts the history"
else
	nok "git fsck accepts the history"
	head -5 "$W/fsck" | sed 's/^/#   /'
fi

exit $((n_fail > 0))
