#!/usr/bin/env bash
# 355_preview_uploads.sh: `kenmin-gen preview KIND ID` prints the page
# an item in review would have, writing nothing (site_dir, its git
# history, the database); approved uploads are published as
# files/<public_name> and nothing else from upload_dir is; a copy goes
# when its upload or its item leaves the site, is not rewritten when
# its bytes are unchanged and is when they change; attachment links
# read 「定款.pdf（PDF形式、1KB）」 and photos have an alt.
# needs: fixture
# (a copy of the shared demo: its database, keys, uploads, site and git)
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"
n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }

W=$KENMIN_TMP
TODAY=$(cat "$KENMIN_FIXTURE/today")
THEME=${KENMIN_TEST_THEME:-$KENMIN_ROOT/themes/default}
. "$KENMIN_ROOT/tests/lib/fixture.sh"
fx_ini k "$THEME"
if ! fx_copy k ||
    ! sqlite3 "$W/k.db" "PRAGMA journal_mode = DELETE" >/dev/null; then
	nok "copy of the fixture"
	exit 1
fi
ok "copy of the fixture"
G() { "$KENMIN_GEN" -c "$W/k.ini" --today "$TODAY" "$@"; }
q() { sqlite3 "$W/k.db" "$1"; }
# Everything under the site, its git history and the database, hashed.
snap() {
	(cd "$W" && find site site.git -printf '%p %s %T@\n' | sort &&
	    sha256sum k.db && ls k.db*) | sha256sum
}

# ---- preview ----
before=$(snap)
org=$(q "SELECT id FROM org WHERE state = 'review' ORDER BY id LIMIT 1")
oname=$(q "SELECT name FROM org WHERE id = $org")
G preview org "$org" >"$W/p-org.html" 2>"$W/p.err"
check "preview of an org in review exits 0" [ $? -eq 0 ]
check "the org in review has no page in the site" [ ! -e "$W/k-site/groups/$org.html" ]
check "preview prints the whole page with its name" \
    grep -q "<h1>$oname</h1>" "$W/p-org.html"
check "preview has the layout: doctype, navigation, skip link, footer" \
    sh -c "head -c 15 '$W/p-org.html' | grep -q '<!DOCTYPE html>' &&
    grep -q 'aria-current=\"page\">団体・企業を探す' '$W/p-org.html' &&
    grep -q 'href=\"#main\"' '$W/p-org.html' && grep -q '</footer>' '$W/p-org.html'"
bad=$(grep -ohE '(href|src|action)="[^"]*"' "$W"/p-org.html |
    grep -vE '="(/|#|https?:|mailto:)' | head -3)
check "every link in the preview is root-absolute or absolute${bad:+ ($bad)}" [ -z "$bad" ]
for k in event member posting; do
	id=$(q "SELECT id FROM $k WHERE state = 'review' ORDER BY id LIMIT 1")
	if [ "$k" = member ]; then
		id=$(q "SELECT id FROM member WHERE state = 'review' AND detail_done = 1 ORDER BY id LIMIT 1")
	fi
	G preview "$k" "$id" >"$W/p-$k.html" 2>>"$W/p.err"
	rc=$?
	title=$(q "SELECT title FROM $k WHERE id = $id" 2>/dev/null)
	[ "$k" = member ] && title=会員番号
	check "preview of a $k in review ($id)" sh -c "[ $rc -eq 0 ] &&
	    grep -qF -- '$title' '$W/p-$k.html' && grep -q '</html>' '$W/p-$k.html'"
done
pub=$(q "SELECT o.id FROM org o JOIN org_file f ON f.org_id = o.id WHERE o.state = 'public' AND o.status = 'active' ORDER BY o.id LIMIT 1")
G preview org "$pub" >"$W/p-pub.html" 2>>"$W/p.err"
check "preview of a listed org equals its built page byte for byte" \
    cmp -s "$W/p-pub.html" "$W/k-site/groups/$pub.html"
G preview org 987654321 >"$W/p-none.html" 2>"$W/p-none.err"
rc=$?
check "preview of an unknown id exits 1, prints nothing, says why" \
    sh -c "[ $rc -eq 1 ] && [ ! -s '$W/p-none.html' ] &&
    [ \$(wc -l <'$W/p-none.err') -eq 1 ] && grep -q 'no org 987654321' '$W/p-none.err'"
G preview grant 1 >/dev/null 2>&1
check "preview of an unsupported kind exits 1" [ $? -eq 1 ]
check "preview wrote nothing: site, git history and database unchanged" \
    [ "$before" = "$(snap)" ]
check "preview printed nothing on stderr" [ ! -s "$W/p.err" ]

# ---- uploads ----
npub=$(q "SELECT count(*) FROM upload WHERE state = 'public' AND public_name IS NOT NULL")
check "the demo has public uploads ($npub) and one waiting" \
    [ "$npub" -ge 4 -a "$(q "SELECT count(*) FROM upload WHERE state = 'ok'")" -ge 1 ]
same_all=1
while IFS='|' read -r stored pname; do
	cmp -s "$W/uploads/$stored" "$W/k-site/files/$pname" || same_all=0
done < <(q "SELECT stored_name, public_name FROM upload WHERE state = 'public'")
check "every public upload is published as files/<public_name>" [ $same_all -eq 1 ]
check "nothing else is in files/" [ "$(ls "$W/k-site/files" | wc -l)" -eq "$npub" ]
wait_stored=$(q "SELECT stored_name FROM upload WHERE state = 'ok' LIMIT 1")
found=0
for f in "$W"/k-site/files/*; do cmp -s "$f" "$W/uploads/$wait_stored" && found=1; done
check "an upload not yet public is not published" [ $found -eq 0 ]

ogname=$(q "SELECT u.orig_name FROM org_file f JOIN upload u ON u.id = f.upload_id WHERE f.org_id = $pub")
check "org attachment label 「定款.pdf（PDF形式、1KB）」" \
    grep -qF ">$ogname（PDF形式、1KB）</a>" "$W/k-site/groups/$pub.html"
post=$(q "SELECT posting_id FROM posting_file LIMIT 1")
check "posting attachment label names PNG形式 and KB" \
    grep -qE '>募集チラシ\.png（PNG形式、[0-9]+KB）</a>' "$W/k-site/boranet201909/postings/$post.html"
mem=$(q "SELECT member_id FROM member_file LIMIT 1")
check "member page lists its attachment" \
    grep -qE '>団体紹介\.pdf（PDF形式、[0-9]+KB）</a>' "$W/k-site/boranet201909/members/$mem.html"
rep=$(q "SELECT report_id FROM report_photo LIMIT 1")
check "report photo has its alt text" \
    grep -qE '<img src="/files/[0-9a-f]+\.png" alt="[^"]+"' "$W/k-site/reports/$rep.html"

# A stray file in upload_dir is never copied; a full build changes nothing.
printf 'secret' >"$W/uploads/stray.pdf"
pname=$(q "SELECT u.public_name FROM org_file f JOIN upload u ON u.id = f.upload_id WHERE f.org_id = $pub")
uid=$(q "SELECT upload_id FROM org_file WHERE org_id = $pub")
st0=$(stat -c '%i %Y' "$W/k-site/files/$pname")
G build >/dev/null 2>"$W/b.err"
check "full build: no stray file published" sh -c "! grep -rqs secret '$W/k-site/files'"
check "full build: unchanged bytes are not rewritten" \
    [ "$st0" = "$(stat -c '%i %Y' "$W/k-site/files/$pname")" ]
q "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('upload', $uid, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "publish of an unchanged upload does not rewrite it" \
    [ "$st0" = "$(stat -c '%i %Y' "$W/k-site/files/$pname")" ]

# New bytes: the copy is replaced.
stored=$(q "SELECT stored_name FROM upload WHERE id = $uid")
printf '%%PDF-1.4\n%% new bytes\n%%%%EOF\n' >"$W/uploads/$stored"
q "UPDATE upload SET size = $(stat -c %s "$W/uploads/$stored") WHERE id = $uid;
   INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('upload', $uid, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "publish after new bytes replaces the copy" \
    cmp -s "$W/uploads/$stored" "$W/k-site/files/$pname"

# The item leaves the site: its upload's copy goes with it.
q "UPDATE org SET state = 'review' WHERE id = $pub;
   INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('org', $pub, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "org unpublished: its attachment is deleted" [ ! -e "$W/k-site/files/$pname" ]
check "org unpublished: and leaves the manifest" \
    [ "$(q "SELECT count(*) FROM site_file WHERE path = 'files/$pname'")" -eq 0 ]
q "UPDATE org SET state = 'public' WHERE id = $pub;
   INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('org', $pub, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "org published again: its attachment is back" \
    cmp -s "$W/uploads/$stored" "$W/k-site/files/$pname"

# The upload stops being public: the copy and the link go.
evu=$(q "SELECT f.upload_id || '|' || f.event_id || '|' || u.public_name FROM event_file f JOIN upload u ON u.id = f.upload_id LIMIT 1")
IFS='|' read -r eu ev epn <<<"$evu"
q "UPDATE upload SET state = 'ok' WHERE id = $eu;
   INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('upload', $eu, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "upload no longer public: its copy is deleted" [ ! -e "$W/k-site/files/$epn" ]
check "upload no longer public: the event page no longer links it" \
    sh -c "! grep -q '$epn' '$W/k-site/events/$ev.html'"

# A public name that is not hex + known extension is never published.
q "UPDATE upload SET state = 'public', public_name = 'Evil.html' WHERE id = $eu;
   INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('upload', $eu, 'test', 0)"
G publish >/dev/null 2>>"$W/b.err"
check "an unsafe public name is not published nor linked" \
    sh -c "[ ! -e '$W/k-site/files/Evil.html' ] && [ ! -e '$W/k-site/files/evil.html' ] &&
    ! grep -q 'Evil.html' '$W/k-site/events/$ev.html'"

# Publish and a full build agree on files/.
cp -a "$W/k-site" "$W/k-site-pub"
rm -rf "$W/k-site" "$W/k.git"
q "DELETE FROM site_file"
G build >/dev/null 2>>"$W/b.err"
check "full build gives the same files/ as the publishes" \
    diff -r "$W/k-site-pub/files" "$W/k-site/files"
[ "$n_fail" -eq 0 ]
