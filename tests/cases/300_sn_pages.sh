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
check "events list: upcoming before past" "awk '/class=\"past\"/{p=1} p && /<li>$/{bad=1} END{exit bad}' $S/events/index.html"

gr=$(q "SELECT id FROM grant_item WHERE state='public' AND contact_org IS NOT NULL ORDER BY id LIMIT 1")
check "grant page shows the inquiry contact" "[ -n '$gr' ] && grep -q '問い合わせ先' $S/grants/$gr.html"
check "grant deadline calendar exists" "ls $S/grants/calendar/*.html >/dev/null 2>&1"
check "grant facets exist" "[ -f $S/grants/field/welfare/index.html ] && [ -f $S/grants/area/nationwide/index.html ]"
exit 0
