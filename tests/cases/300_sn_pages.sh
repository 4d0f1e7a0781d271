#!/usr/bin/env bash
# 300_sn_pages.sh: the Super Net top, group, event and grant pages built
# from the demo data: what they must show and what they must never show.
# needs: fixture
# (the shared demo site of tests/fixture.sh, read-only; the cancelled
# event 900001 comes from tests/fixture.sql)
set -u
: "${KENMIN_FIXTURE:?}"
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

TODAY=$(cat "$KENMIN_FIXTURE/today")
S=$KENMIN_FIXTURE/site
q() { sqlite3 -readonly "$KENMIN_FIXTURE/k.db" "$1"; }

check "top page exists with the standing notice" "grep -q 'センターの利用について' $S/index.html"
check "top page lists newest groups" "grep -q '新着の団体情報' $S/index.html && grep -q 'href=\"/groups/[0-9]*.html\"' $S/index.html"
n=$(grep -o 'href="/groups/[0-9]*.html"' $S/index.html | wc -l)
check "top page shows 5 new groups" "[ $n -eq 5 ]"
check "no urgent slot when the setting is empty" "! grep -q '緊急のお知らせ' $S/index.html"
check "layout: skip link, main, lang" "grep -q 'href=\"#main\"' $S/index.html && grep -q '<main id=\"main\">' $S/index.html && grep -q '<html lang=\"ja\">' $S/index.html"
check "layout: current tab marked" "grep -q 'aria-current=\"page\">団体・企業を探す' $S/groups/index.html"

pub=$(q "SELECT id FROM org WHERE state='public' AND status='active' ORDER BY id LIMIT 1")
check "listed org has a detail page" "[ -f $S/groups/$pub.html ]"
check "org page has JSON-LD Organization" "grep -q '\"@type\": \"Organization\"' $S/groups/$pub.html"
check "org page has breadcrumbs" "grep -q 'aria-label=\"パンくずリスト\"' $S/groups/$pub.html"
wd=$(q "SELECT o.id FROM org o WHERE o.status='withdrawn' AND o.state='public' AND NOT EXISTS (SELECT 1 FROM org p WHERE p.name=o.name AND p.id<>o.id) ORDER BY id LIMIT 1")
wname=$(q "SELECT name FROM org WHERE id=$wd")
check "withdrawn org has no page" "[ -n '$wd' ] && [ ! -f $S/groups/$wd.html ]"
check "withdrawn org's name appears nowhere" "! grep -rqF '$wname' $S --include=*.html"
dr=$(q "SELECT id FROM org WHERE state<>'public' ORDER BY id LIMIT 1")
check "draft org has no page" "[ -z '$dr' ] || [ ! -f $S/groups/$dr.html ]"
cnt=$(q "SELECT count(*) FROM org WHERE state='public' AND status='active' AND kind='npo'")
check "NPO list counts every listed NPO" "grep -q \"該当する団体・企業：${cnt}件\" $S/groups/npo/index.html"
check "field and area facets exist" "[ -f $S/groups/field/welfare/index.html ] && [ -f $S/groups/area/shimonoseki/index.html ]"
check "lists are paginated" "[ -f $S/groups/index-2.html ] && grep -q 'rel=\"next\"' $S/groups/index.html"

ev=$(q "SELECT id FROM event WHERE id = 900001 AND state='public' AND cancelled = 1")
check "cancelled event shows 中止" "[ -n '$ev' ] && grep -q '中止' $S/events/$ev.html"
check "event page has JSON-LD Event" "grep -q '\"@type\": \"Event\"' $S/events/$ev.html"
dev=$(q "SELECT id FROM event WHERE state<>'public' ORDER BY id LIMIT 1")
check "draft event has no page" "[ -z '$dev' ] || [ ! -f $S/events/$dev.html ]"
m=$(q "SELECT substr(starts_on,1,7) FROM event WHERE state='public' AND starts_on IS NOT NULL ORDER BY starts_on DESC LIMIT 1")
check "calendar page for a month with events" "[ -f $S/events/calendar/$m.html ] && grep -q '<caption>' $S/events/calendar/$m.html && grep -q '<th scope=\"col\"' $S/events/calendar/$m.html"
tm=${TODAY:0:7}
if [ -f $S/events/calendar/$tm.html ]; then
	check "today marked in this month's calendar" "grep -q 'aria-current=\"date\"' $S/events/calendar/$tm.html"
fi

# The lists are split in two: /events/ (current and upcoming by date,
# then undated) and /events/past/ (the newest first); likewise per field,
# and /grants/ (open) and /grants/closed/ per field and area.
# ids DIR: the item ids a list shows, page by page, in order.
ids() {
	local d=$S/$1 k=2 f
	f=$d/index.html
	while [ -f "$f" ]; do
		grep -o "href=\"/$2/[0-9]*\.html\"" "$f" | tr -dc '0-9\n'
		f=$d/index-$k.html
		k=$((k + 1))
	done
}
EV_CUR="e.state='public' AND coalesce(e.starts_on,'') <> '' AND coalesce(nullif(e.ends_on,''), e.starts_on) >= '$TODAY'"
EV_UND="e.state='public' AND coalesce(e.starts_on,'') = ''"
EV_PAST="e.state='public' AND coalesce(e.starts_on,'') <> '' AND coalesce(nullif(e.ends_on,''), e.starts_on) < '$TODAY'"
cur=$( (q "SELECT id FROM event e WHERE $EV_CUR ORDER BY starts_on, id"; q "SELECT id FROM event e WHERE $EV_UND ORDER BY id") )
past=$(q "SELECT id FROM event e WHERE $EV_PAST ORDER BY starts_on DESC, id DESC")
up=$(echo "$cur" | head -1)
old=$(echo "$past" | head -1)
check "an upcoming event is on /events/, not on /events/past/" "[ -n '$up' ] && grep -q 'href=\"/events/$up.html\"' $S/events/index.html && ! grep -rq 'href=\"/events/$up.html\"' $S/events/past"
check "a past event is on /events/past/, not on /events/" "[ -n '$old' ] && grep -q 'href=\"/events/$old.html\"' $S/events/past/index.html && ! grep -q 'href=\"/events/$old.html\"' $S/events/index*.html"
check "/events/ lists every current event in date order, then the undated" "[ \"\$(echo \"\$cur\" | wc -l)\" -gt 20 ] && [ \"\$(ids events events)\" = \"\$cur\" ]"
check "/events/past/ lists every past event, the newest first" "[ \"\$(echo \"\$past\" | wc -l)\" -gt 20 ] && [ \"\$(ids events/past events)\" = \"\$past\" ]"
fid=$(q "SELECT id FROM m_field WHERE slug = 'welfare'")
fpast=$(q "SELECT id FROM event e WHERE $EV_PAST AND EXISTS (SELECT 1 FROM event_field f WHERE f.event_id = e.id AND f.field_id = $fid) ORDER BY starts_on DESC, id DESC")
fcur=$( (q "SELECT id FROM event e WHERE $EV_CUR AND EXISTS (SELECT 1 FROM event_field f WHERE f.event_id = e.id AND f.field_id = $fid) ORDER BY starts_on, id"; q "SELECT id FROM event e WHERE $EV_UND AND EXISTS (SELECT 1 FROM event_field f WHERE f.event_id = e.id AND f.field_id = $fid) ORDER BY id") )
check "a field's past list: its past events, the newest first" "[ -n \"\$fpast\" ] && [ \"\$(ids events/field/welfare/past events)\" = \"\$fpast\" ]"
check "a field's current list: no past event" "[ -n \"\$fcur\" ] && [ \"\$(ids events/field/welfare events)\" = \"\$fcur\" ]"
check "every field has a past list, empty or not" "[ \$(ls $S/events/field/*/past/index.html | wc -l) -eq \$(ls $S/events/field/*/index.html | wc -l) ]"
nc=$(echo "$cur" | grep -c .)
np=$(echo "$past" | grep -c .)
check "the count is on page 1 of each part only" "grep -q '該当するイベント・募集：${nc}件' $S/events/index.html && grep -q '該当するイベント・募集：${np}件' $S/events/past/index.html && ! grep -q '該当するイベント・募集：' $S/events/index-2.html $S/events/past/index-2.html"
check "the parts link each other without counts" "grep -q '<a href=\"/events/past/\">終了したイベント・募集を見る</a>' $S/events/index.html $S/events/index-2.html && grep -q '<a href=\"/events/\">開催中・開催予定のイベント・募集を見る</a>' $S/events/past/index-2.html && grep -q '<a href=\"/events/field/welfare/\">開催中・開催予定' $S/events/field/welfare/past/index.html"
check "the past list's title and breadcrumbs" "grep -q '<h1>終了したイベント・募集</h1>' $S/events/past/index.html && grep -q '<li><a href=\"/events/\">イベント・募集を探す</a></li>' $S/events/past/index.html && grep -q '<span aria-current=\"page\">終了したイベント・募集</span>' $S/events/past/index.html"
check "no 終了 badge on every row of a list" "! grep -q 'badge-past' $S/events/index.html $S/events/past/index.html"

GR_OPEN="g.state='public' AND g.cancelled = 0 AND (coalesce(g.apply_until,'') = '' OR g.apply_until >= '$TODAY')"
GR_CLOSED="g.state='public' AND NOT (g.cancelled = 0 AND (coalesce(g.apply_until,'') = '' OR g.apply_until >= '$TODAY'))"
gopen=$(q "SELECT id FROM grant_item g WHERE $GR_OPEN ORDER BY coalesce(nullif(apply_until,''),'9999'), id")
gclosed=$(q "SELECT id FROM grant_item g WHERE $GR_CLOSED ORDER BY apply_until DESC, id DESC")
check "/grants/ lists the open grants, the nearest deadline first" "[ -n \"\$gopen\" ] && [ \"\$(ids grants grants)\" = \"\$gopen\" ]"
check "/grants/closed/ lists the closed grants, the latest deadline first" "[ -n \"\$gclosed\" ] && [ \"\$(ids grants/closed grants)\" = \"\$gclosed\" ]"
aid=$(q "SELECT id FROM m_target_area WHERE slug = 'nationwide'")
gac=$(q "SELECT id FROM grant_item g WHERE $GR_CLOSED AND EXISTS (SELECT 1 FROM grant_area a WHERE a.grant_id = g.id AND a.area_id = $aid) ORDER BY apply_until DESC, id DESC")
check "an area's closed list" "[ -n \"\$gac\" ] && [ \"\$(ids grants/area/nationwide/closed grants)\" = \"\$gac\" ]"
check "a field's closed list exists" "[ -f $S/grants/field/welfare/closed/index.html ]"
ngc=$(echo "$gclosed" | grep -c .)
check "grants: count on page 1 only, cross links" "grep -q '該当する助成：${ngc}件' $S/grants/closed/index.html && ! grep -q '該当する助成：' $S/grants/closed/index-2.html && grep -q '<a href=\"/grants/closed/\">募集を終了した助成を見る</a>' $S/grants/index.html && grep -q '<a href=\"/grants/\">募集中・募集予定の助成を見る</a>' $S/grants/closed/index.html"
check "the HTML sitemap names the past and closed lists" "grep -q 'href=\"/events/past/\"' $S/sitemap.html && grep -q 'href=\"/grants/closed/\"' $S/sitemap.html"

gr=$(q "SELECT id FROM grant_item WHERE state='public' AND contact_org IS NOT NULL ORDER BY id LIMIT 1")
check "grant page shows the inquiry contact" "[ -n '$gr' ] && grep -q '問い合わせ先' $S/grants/$gr.html"
check "grant deadline calendar exists" "ls $S/grants/calendar/*.html >/dev/null 2>&1"
check "grant facets exist" "[ -f $S/grants/field/welfare/index.html ] && [ -f $S/grants/area/nationwide/index.html ]"
exit 0
