#!/usr/bin/env bash
# 348_list_keep.sh: a publish renders only the list pages that can have
# changed (rctx_list_page() in generator/render.c) and still ends where
# a full build does.  From a copy of the fixture, each step makes one
# kind of change with SQL, queues it as formsvc would, publishes at the
# fixture's date, and compares the site with a full build of a copy of
# the database after EVERY publish (manifests, the path and hash of
# every file; at the end diff -r): an edit that keeps a list's order,
# moves across pages and months, a new event, a new upcoming event and
# open grant (past and closed lists left alone), a page dropped and one
# added by the number of events, postings edited and moved to the past,
# a member hidden (its postings leave the lists unqueued), a member
# moved between facet values and a new member (after a rollback, its
# area rendered again), orgs, grants, books (the year facet counts),
# notices and interviews.  It also checks the work done: an edited
# event re-renders just the event list pages that show it; the sitemap
# (no page added) and the events feeds (unless they show the event) are
# kept, and a new event renders only the events section of the sitemap.
# Release binary as in 340.
# needs: fixture
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"
KENMIN_GEN=${KENMIN_GEN_REL:-$KENMIN_GEN}

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
T=$(cat "$KENMIN_FIXTURE/today")
W=$KENMIN_TMP
. "$KENMIN_ROOT/tests/lib/fixture.sh"
fx_ini incr
G() { "$KENMIN_GEN" -c "$W/incr.ini" --today "$T" "$@"; }
Q() { sqlite3 -bail "$W/incr.db" "PRAGMA foreign_keys = ON; $1"; }
enq() {	# enq KIND ID...
	local k=$1 i
	shift
	for i in "$@"; do
		Q "INSERT INTO publish_queue (kind, item_id, reason,
		    enqueued_at) VALUES ('$k', $i, '348', 0)"
	done
}

if ! fx_copy incr; then
	nok "copy of the fixture's demo and first build"
	exit 1
fi
ok "copy of the fixture's demo and first build"

# pub NAME [last]: publish, then the site must equal a full build of the
# data.  The publish's summary line is left in $W/pub.out.
# The full builds reuse their directory (creating 33,000 files each
# time would take most of the case's time): full.db is the data of
# incr.db with the manifest of full-site, so each is the ordinary full
# build of a site that exists (340 compares that with a fresh one).
fx_ini full
fulldb() {
	if [ -e "$W/full.db" ]; then
		mv "$W/full.db" "$W/prev.db" || return 1
	fi
	sqlite3 "$W/incr.db" ".backup '$W/full.db'" || return 1
	[ -e "$W/prev.db" ] || return 0
	sqlite3 -bail "$W/full.db" "ATTACH '$W/prev.db' AS p;
	    DELETE FROM site_dep; DELETE FROM site_file;
	    INSERT INTO site_file SELECT * FROM p.site_file;
	    INSERT INTO site_dep SELECT * FROM p.site_dep;
	    DELETE FROM site_state; INSERT INTO site_state SELECT * FROM p.site_state"
}
pub() {
	if ! KENMIN_TIMINGS=1 G publish >"$W/pub.out" 2>"$W/pub.err"; then
		nok "$1: publish"
		head -5 "$W/pub.err" | sed 's/^/#   /'
		return 1
	fi
	if [ "$(Q 'SELECT count(*) FROM publish_queue')" != 0 ] || ! fulldb ||
	    ! "$KENMIN_GEN" -c "$W/full.ini" --today "$T" build >/dev/null; then
		nok "$1: full build of the same data"
		return 1
	fi
	# The manifests name every file with the hash of its bytes (a kept
	# page keeps its row); the last step compares the trees themselves.
	man "$W/incr.db" >"$W/incr.man"
	man "$W/full.db" >"$W/full.man"
	if [ "${2:-}" = last ]; then
		diff -r "$W/incr-site" "$W/full-site" >"$W/diff.out" 2>&1
	else
		diff "$W/incr.man" "$W/full.man" >"$W/diff.out" 2>&1
	fi
	if [ $? -eq 0 ] && [ -s "$W/incr.man" ]; then
		ok "$1: publish == full build"
	else
		nok "$1: publish == full build"
		grep -E '^(Only in|diff -r|[<>])' "$W/diff.out" | head -10 |
		    sed 's/^/#   /'
		return 1
	fi
}
man() { sqlite3 "$1" "SELECT path, hex(hash) FROM site_file ORDER BY path"; }
# The "N pages rendered, K kept" numbers of the last publish.
rendered() { sed -n 's/^publish: \([0-9]*\) pages rendered.*/\1/p' "$W/pub.out"; }
kept() { sed -n 's/^publish: .* \([0-9]*\) kept,.*/\1/p' "$W/pub.out"; }
# rendered_in FAMILY...: the pages the last publish rendered in those
# families, and kept_in FAMILY...: those it kept, from its
# KENMIN_TIMINGS lines "… N pages  FAMILY" or "… N pages  FAMILY (K kept)".
in_families() {	# in_families FIELD FAMILY...: the sum of N (1) or K (2)
	local which=$1 f n=0 k
	shift
	for f in "$@"; do
		k=$(sed -n "s/^ *[0-9.]* ms *\([0-9]*\) pages  $f\( (\([0-9]*\) kept)\)\{0,1\}\$/\1 \3/p" \
		    "$W/pub.err" | cut -d' ' -f"$which")
		n=$((n + ${k:-0}))
	done
	echo "$n"
}
rendered_in() { in_families 1 "$@"; }
kept_in() { in_families 2 "$@"; }
# Pages of the three event list families in the site now.
event_list_pages() {
	(cd "$W/incr-site" && find events/index*.html events/past \
	    events/field events/calendar -name '*.html') | wc -l
}

# 1. An event's title: its place in every list stays.
e=$(Q "SELECT e.id FROM event e WHERE e.state = 'public' AND
    e.starts_on >= '$T' AND EXISTS (SELECT 1 FROM event_field f
    WHERE f.event_id = e.id) ORDER BY e.id LIMIT 1")
F=$(event_list_pages)
S=$(Q "SELECT count(*) FROM site_dep WHERE kind = 'event' AND
    item_id = $e AND (path GLOB 'events/index*' OR
    path GLOB 'events/field/*' OR path GLOB 'events/calendar/*')")
Q "UPDATE event SET title = title || '（改）' WHERE id = $e"
enq event "$e"
if pub "event $e title"; then
	if [ "$S" -ge 3 ] && [ "$(kept_in 'events: list' 'events: past' \
	    'events: by field' 'events: calendar')" = $((F - S)) ] &&
	    [ "$(rendered)" -lt $((S + 20)) ]; then
		ok "the title edit kept the $((F - S)) of $F event list pages that do not show the event"
	else
		nok "the title edit kept the event list pages that do not show the event"
		printf '#   %s list pages, %s show it; %s\n' "$F" "$S" \
		    "$(cat "$W/pub.out")"
	fi
	# No page was added or removed: the sitemap is kept, its index and
	# every section file (sitemaps/SECTION.xml).
	nmaps=$(find "$W/incr-site/sitemaps" -name '*.xml' | wc -l)
	check "the title edit kept the sitemap ($nmaps section files and the index)" \
	    test "$(rendered_in sitemap.xml)" = 0 -a \
	    "$(kept_in sitemap.xml)" = $((nmaps + 1)) -a "$nmaps" -gt 10
fi

# 1b. An old event the feeds (the 200 newest) do not show: both feeds
# are kept; one they show: both are rendered.
old=$(Q "SELECT id FROM event WHERE state = 'public' AND id NOT IN
    (SELECT item_id FROM site_dep WHERE kind = 'event' AND
    path GLOB 'feeds/events.*') ORDER BY id LIMIT 1")
Q "UPDATE event SET title = title || '（旧）' WHERE id = $old"
enq event "$old"
if pub "event $old (not in the feeds) title"; then
	check "an event the feeds do not show: both feeds kept" \
	    test "$(kept_in 'events feeds')" = 2
fi
shown=$(Q "SELECT item_id FROM site_dep WHERE kind = 'event' AND
    path = 'feeds/events.atom' ORDER BY item_id LIMIT 1")
Q "UPDATE event SET title = title || '（新）' WHERE id = $shown"
enq event "$shown"
if pub "event $shown (in the feeds) title"; then
	check "an event the feeds show: both feeds rendered" \
	    grep -q '^ *[0-9.]* ms *2 pages  events feeds$' "$W/pub.err"
fi

# 2. The same event moves half a year on: other pages, another month.
Q "UPDATE event SET starts_on = date('$T', '+200 day'),
    ends_on = date('$T', '+201 day') WHERE id = $e"
enq event "$e"
pub "event $e moved across pages and months"

# 3. A new event next month, copied from a public one with its fields.
n=$(Q "SELECT max(id) + 1 FROM event")
cols=$(Q "SELECT group_concat(name, ', ') FROM pragma_table_info('event')
    WHERE name NOT IN ('id', 'starts_on', 'ends_on')")
Q "INSERT INTO event (id, starts_on, ends_on, $cols) SELECT $n,
    date('$T', '+20 day'), date('$T', '+20 day'), $cols FROM event
    WHERE id = $e;
    INSERT INTO event_field (event_id, field_id) SELECT $n, field_id
    FROM event_field WHERE event_id = $e"
enq event "$n"
nmaps=$(find "$W/incr-site/sitemaps" -name '*.xml' | wc -l)
if pub "new event $n"; then
	check "a new page: the events section of the sitemap and its index are rendered, the other $((nmaps - 1)) sections kept" \
	    test "$(rendered_in sitemap.xml)" = 2 -a \
	    "$(kept_in sitemap.xml)" = $((nmaps - 1))
	check "the new event is in sitemaps/events.xml" \
	    grep -q "/events/$n.html</loc>" "$W/incr-site/sitemaps/events.xml"
fi

# 3b. A new upcoming event and a new open grant, the common approval:
# the past and closed lists (events/past/, grants/closed/ and those of
# every field and area) are split off the current ones so that none of
# their pages is rendered or written, and only a few event list pages
# are.  Their files' mtimes must not move; their families keep them all.
n=$(Q "SELECT max(id) + 1 FROM event")
Q "INSERT INTO event (id, starts_on, ends_on, $cols) SELECT $n,
    date('$T', '+2 day'), date('$T', '+2 day'), $cols FROM event
    WHERE id = $e;
    INSERT INTO event_field (event_id, field_id) SELECT $n, field_id
    FROM event_field WHERE event_id = $e"
gn=$(Q "SELECT max(id) + 1 FROM grant_item")
gcols=$(Q "SELECT group_concat(name, ', ') FROM
    pragma_table_info('grant_item') WHERE name NOT IN ('id', 'apply_until')")
gsrc=$(Q "SELECT g.id FROM grant_item g WHERE g.state = 'public' AND
    g.cancelled = 0 AND g.apply_until >= '$T' AND EXISTS (SELECT 1 FROM
    grant_area a WHERE a.grant_id = g.id) ORDER BY g.id LIMIT 1")
Q "INSERT INTO grant_item (id, apply_until, $gcols) SELECT $gn,
    date('$T', '+10 day'), $gcols FROM grant_item WHERE id = $gsrc;
    INSERT INTO grant_field (grant_id, field_id) SELECT $gn, field_id
    FROM grant_field WHERE grant_id = $gsrc;
    INSERT INTO grant_area (grant_id, area_id) SELECT $gn, area_id
    FROM grant_area WHERE grant_id = $gsrc"
enq event "$n"
enq grant "$gn"
old_parts() {	# old_parts [PREDICATE...]: the past and closed list pages
	(cd "$W/incr-site" && find events/past events/field grants/closed \
	    grants/field grants/area \( -path '*/past/*.html' -o \
	    -path '*/closed/*.html' \) "$@")
}
npast=$(find "$W/incr-site/events/past" -name '*.html' | wc -l)
nclosed=$(find "$W/incr-site/grants/closed" -name '*.html' | wc -l)
nold=$(old_parts | wc -l)
touch "$W/stamp"
sleep 0.01
if pub "new upcoming event $n, new open grant $gn"; then
	check "the new event and grant are on the current lists" \
	    grep -q "href=\"/events/$n.html\"" "$W/incr-site/events/index.html"
	check "a new upcoming event renders no page of events/past/ ($npast kept)" \
	    test "$(rendered_in 'events: past')" = 0 -a \
	    "$(kept_in 'events: past')" = "$npast" -a "$npast" -gt 20
	check "a new open grant renders no page of grants/closed/ ($nclosed kept)" \
	    test "$(rendered_in 'grants: closed')" = 0 -a \
	    "$(kept_in 'grants: closed')" = "$nclosed" -a "$nclosed" -gt 20
	old_parts -newer "$W/stamp" >"$W/newer.out" 2>&1
	if [ ! -s "$W/newer.out" ] && [ "$nold" -gt 400 ]; then
		ok "no past or closed list page ($nold, per field and area too) was written"
	else
		nok "no past or closed list page was written"
		head -5 "$W/newer.out" | sed 's/^/#   /'
	fi
	nev=$(rendered_in 'events: list' 'events: past' 'events: by field')
	check "a new upcoming event renders fewer than 30 event list pages ($nev)" \
	    test "$nev" -lt 30 -a "$nev" -gt 0
fi

# 4. Unpublish as many current events as the current list (/events/)
# has on its last page: one page less.
CUR="state = 'public' AND (coalesce(starts_on, '') = '' OR
    coalesce(nullif(ends_on, ''), starts_on) >= '$T')"
N=$(Q "SELECT count(*) FROM event WHERE $CUR")
P=$(( (N + 19) / 20 ))
k=$(( (N - 1) % 20 + 1 ))
ids=$(Q "SELECT id FROM event WHERE $CUR ORDER BY id DESC LIMIT $k")
Q "UPDATE event SET state = 'review' WHERE id IN ($(echo $ids | tr ' ' ,))"
enq event $ids
pub "$k events unpublished"
if [ -e "$W/incr-site/events/index-$((P - 1)).html" ] &&
    [ ! -e "$W/incr-site/events/index-$P.html" ]; then
	ok "the event list lost its page $P"
else
	nok "the event list lost its page $P"
fi

# 5. Publish them again and one more: a page is added.
m=$(Q "SELECT id FROM event WHERE state <> 'public' AND id NOT IN
    ($(echo $ids | tr ' ' ,)) ORDER BY id LIMIT 1")
Q "UPDATE event SET state = 'public' WHERE id IN ($(echo $ids $m | tr ' ' ,))"
enq event $ids $m
pub "$((k + 1)) events published"
if [ -e "$W/incr-site/events/index-$P.html" ]; then
	ok "the event list has its page $P again"
else
	nok "the event list has its page $P again"
fi

# 6. Postings: a title, then one moved to the past list.
p=$(Q "SELECT id FROM posting WHERE state = 'public' ORDER BY id LIMIT 1")
Q "UPDATE posting SET title = title || '（改）' WHERE id = $p"
enq posting "$p"
pub "posting $p title"
p=$(Q "SELECT p.id FROM posting p WHERE p.state = 'public' AND
    p.closed = 0 ORDER BY p.id DESC LIMIT 1")
Q "UPDATE posting SET anytime = 0, apply_from = date('$T', '-40 day'),
    apply_until = date('$T', '-3 day') WHERE id = $p"
enq posting "$p"
pub "posting $p ended"

# 7. A member: its name, then paused (its postings leave the lists
# although only the member is queued).
mb=$(Q "SELECT DISTINCT m.id FROM member m JOIN posting p ON
    p.member_id = m.id WHERE m.state = 'public' AND m.status = 'active'
    AND p.state = 'public' ORDER BY m.id LIMIT 1")
Q "UPDATE member SET org_name = org_name || '（改）' WHERE id = $mb"
enq member "$mb"
pub "member $mb name"
Q "UPDATE member SET status = 'paused' WHERE id = $mb"
enq member "$mb"
pub "member $mb paused"

# 7b. Member facets: a member leaves an area and joins another, changes
# its pro bono field and a field (the lists of the values it is in now,
# and of those it was in, change; a publish reads only those: the
# values it was in come from the manifest's deps), then a new member is
# approved into an area no queued member was in before.
mv=$(Q "SELECT m.id FROM member m JOIN member_area a ON a.member_id = m.id
    WHERE m.state = 'public' AND m.status = 'active' AND m.id != $mb
    GROUP BY m.id ORDER BY m.id LIMIT 1")
a_old=$(Q "SELECT muni_id FROM member_area WHERE member_id = $mv
    ORDER BY muni_id LIMIT 1")
a_new=$(Q "SELECT id FROM m_municipality WHERE outside = 0 AND id NOT IN
    (SELECT muni_id FROM member_area WHERE member_id = $mv) ORDER BY id LIMIT 1")
f_new=$(Q "SELECT id FROM m_field WHERE on_aikasa = 1 AND id NOT IN
    (SELECT field_id FROM member_field WHERE member_id = $mv) ORDER BY id LIMIT 1")
pb=$(Q "SELECT id FROM m_probono_field WHERE id IS NOT
    (SELECT probono_field_id FROM member WHERE id = $mv) ORDER BY id LIMIT 1")
Q "DELETE FROM member_area WHERE member_id = $mv AND muni_id = $a_old;
    INSERT INTO member_area (member_id, muni_id) VALUES ($mv, $a_new);
    DELETE FROM member_field WHERE member_id = $mv;
    INSERT INTO member_field (member_id, field_id) VALUES ($mv, $f_new);
    UPDATE member SET probono_field_id = $pb, updated_at = updated_at + 1
    WHERE id = $mv"
enq member "$mv"
pub "member $mv moved between areas, fields and pro bono fields"
a_slug=$(Q "SELECT slug FROM m_municipality WHERE id = $a_new")
check "the area it joined lists it" grep -rq "/boranet201909/members/$mv.html" \
    "$W/incr-site/boranet201909/members/area/$a_slug/"
cols=$(Q "SELECT group_concat(name, ', ') FROM pragma_table_info('member')
    WHERE name NOT IN ('id', 'login_id', 'login_key', 'email_bidx',
    'published_at', 'created_at', 'updated_at')")
a_fresh=$(Q "SELECT id FROM m_municipality WHERE outside = 0 AND id NOT IN
    (SELECT muni_id FROM member_area WHERE member_id IN ($mv, $mb))
    ORDER BY id DESC LIMIT 1")
nm=$(Q "INSERT INTO member ($cols, published_at, created_at, updated_at)
    SELECT $cols, unixepoch('$T 14:00:00'), 1, 1 FROM member WHERE id = $mv;
    SELECT last_insert_rowid()")
Q "INSERT INTO member_area (member_id, muni_id) VALUES ($nm, $a_fresh)"
enq member "$nm"
pub "new member $nm in area $a_fresh"
a_slug=$(Q "SELECT slug FROM m_municipality WHERE id = $a_fresh")
check "the new member heads its area's list" sh -c "grep -o 'members/[0-9]*\.html' \
    '$W/incr-site/boranet201909/members/area/$a_slug/index.html' | head -1 |
    grep -qx 'members/$nm.html'"

# 8. Super Net: a grant's deadline, an org's kana (its place in the
# lists), a book's year, a notice and an interview in one publish.
g=$(Q "SELECT id FROM grant_item WHERE state = 'public' ORDER BY id LIMIT 1")
o=$(Q "SELECT id FROM org WHERE state = 'public' AND status = 'active'
    ORDER BY id LIMIT 1")
Q "UPDATE grant_item SET apply_until = date('$T', '+45 day') WHERE id = $g;
    UPDATE org SET kana = 'んんん' WHERE id = $o"
enq grant "$g"
enq org "$o"
pub "grant $g deadline, org $o kana"
b=$(Q "SELECT id FROM book WHERE state = 'public' ORDER BY id LIMIT 1")
nt=$(Q "SELECT id FROM notice WHERE state = 'public' ORDER BY id LIMIT 1")
iv=$(Q "SELECT id FROM interview WHERE state = 'public' ORDER BY id LIMIT 1")
Q "UPDATE book SET published_on = '1999年4月' WHERE id = $b;
    UPDATE notice SET title = title || '（改）' WHERE id = $nt;
    UPDATE interview SET state = 'review' WHERE id = $iv"
enq book "$b"
enq notice "$nt"
enq interview "$iv"
pub "book $b year, notice $nt, interview $iv" last

# 9. A rollback to before the new member gives its area its old page
# back; the next publish of another member (which would not read this
# area's list) must still render it again, as its deps are now the
# rollback's.
prev=$(G history | awk -F '\t' -v m="publish: member $nm (348)" \
    'f { print $1; exit } $3 == m { f = 1 }')
if G rollback "$prev" >/dev/null 2>&1 &&
    ! grep -q "members/$nm.html" "$W/incr-site/boranet201909/members/area/$a_slug/index.html"; then
	Q "UPDATE member SET org_kana = 'ああ', updated_at = updated_at + 1 WHERE id = $mv"
	enq member "$mv"
	G publish >/dev/null 2>&1
	check "after a rollback, a member publish renders that area's list again" \
	    grep -q "members/$nm.html" "$W/incr-site/boranet201909/members/area/$a_slug/index.html"
else
	nok "rollback to before the new member"
fi

[ "$n_fail" -eq 0 ]
