#!/usr/bin/env bash
# 310_ak_pages.sh: the あいかさねっと pages from demo data: the top page,
# the posting rules (A-20, A-21: scheduled postings have no page, past
# ones are under past/, a paused group's postings are nowhere), the
# member directory, and A-16: no individual's name, no e-mail address
# and no phone number outside a posting's own 連絡先 block.
# needs: fixture
# (the shared demo site of tests/fixture.sh, read-only; the urgent notice
# and the paused group 900001 with its postings come from
# tests/fixture.sql)
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_FIXTURE:?}"

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

T=$KENMIN_TMP
DB=$KENMIN_FIXTURE/k.db
SITE=$KENMIN_FIXTURE/site
AK=$SITE/boranet201909
# A public group that paused while it had a recruiting posting (A-21:
# its postings must vanish).
PAUSED_GROUP=900001

q() { sqlite3 -readonly "$DB" "$1"; }
check "fixture: paused group $PAUSED_GROUP has a recruiting posting" \
    test -n "$(q "SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id WHERE m.id = $PAUSED_GROUP AND m.type = 'group' AND m.state = 'public' AND m.status = 'paused' AND p.state = 'public' AND p.anytime = 1 AND p.closed = 0")"
TODAY=$(q "SELECT value FROM setting WHERE key = 'site.built_for'")
VIS="p.state = 'public' AND m.state = 'public' AND m.status = 'active'"
STARTED="(p.apply_from IS NULL OR p.apply_from <= '$TODAY')"
ENDED="(p.closed = 1 OR (p.anytime = 0 AND p.apply_until IS NOT NULL AND p.apply_until < '$TODAY'))"

# ---- top page ----
check "top page exists" test -f "$AK/index.html"
check "top shows the urgent notice" grep -q '台風接近に伴う臨時休館のお知らせ' "$AK/index.html"
total=$(q "SELECT count(*) FROM member WHERE state = 'public' AND status = 'active'")
ind=$(q "SELECT count(*) FROM member WHERE state = 'public' AND status = 'active' AND type = 'individual'")
check "top shows the member total ($total)" grep -q "<dt>合計</dt><dd>${total}件</dd>" "$AK/index.html"
check "top shows the individual count ($ind)" grep -q "<dt>個人</dt><dd>${ind}件</dd>" "$AK/index.html"
n=$(grep -c 'href="/boranet201909/postings/[0-9]*\.html"' "$AK/index.html")
check "top lists 3 recruiting postings" test "$n" -eq 3
for l in members/new.html postings/ guide/ links.html sitemap.html privacy.html; do
	check "top banner links $l" grep -q "href=\"/boranet201909/$l\"" "$AK/index.html"
done

# ---- postings ----
sched=$(q "SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id WHERE $VIS AND p.apply_from > '$TODAY' ORDER BY p.id LIMIT 1")
if [ -n "$sched" ]; then
	check "scheduled posting $sched has no page" test ! -e "$AK/postings/$sched.html"
	check "scheduled posting $sched is linked nowhere" \
	    sh -c "! grep -rlq 'postings/$sched\.html\"' '$SITE'"
else
	nok "demo has a scheduled posting"
fi
past=$(q "SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id WHERE $VIS AND $STARTED AND $ENDED ORDER BY p.id LIMIT 1")
check "past posting $past has a page" test -f "$AK/postings/$past.html"
check "past posting $past is listed under past/" \
    sh -c "grep -lq 'postings/$past\.html\"' '$AK'/postings/past/index*.html"
check "past posting $past is not in the recruiting list" \
    sh -c "! grep -lq 'postings/$past\.html\"' '$AK'/postings/index*.html"
check "past posting page says the recruitment ended" grep -q '募集は終了しました' "$AK/postings/$past.html"
rec=$(q "SELECT count(*) FROM posting p JOIN member m ON m.id = p.member_id WHERE $VIS AND $STARTED AND NOT $ENDED")
n=$(cat "$AK"/postings/index*.html | grep -c '<h2><a href="/boranet201909/postings/[0-9]*\.html"')
check "recruiting list has every recruiting posting ($rec = $n)" test "$rec" -eq "$n"
paused=$(q "SELECT p.id FROM posting p WHERE p.state = 'public' AND p.member_id = $PAUSED_GROUP ORDER BY p.id LIMIT 1")
if [ -n "$paused" ]; then
	check "paused group's posting $paused has no page" test ! -e "$AK/postings/$paused.html"
	check "paused group's posting $paused is linked nowhere" \
	    sh -c "! grep -rlq 'postings/$paused\.html\"' '$SITE'"
else
	nok "demo has a posting of a paused group"
fi
pid=$(q "SELECT p.id FROM posting p JOIN member m ON m.id = p.member_id WHERE $VIS AND $STARTED AND NOT $ENDED ORDER BY p.id LIMIT 1")
check "posting page links 参加する to the CGI" grep -q "/aikasa/apply?posting=$pid\"" "$AK/postings/$pid.html"
check "posting page links 問い合わせる to the CGI" grep -q "/aikasa/inquire?posting=$pid\"" "$AK/postings/$pid.html"
check "posting page has JSON-LD" grep -q 'application/ld+json' "$AK/postings/$pid.html"
cal=$AK/postings/calendar/${TODAY:0:7}.html
check "calendar of this month exists" test -f "$cal"
check "calendar marks today" grep -q "aria-current=\"date\"><time class=\"day\" datetime=\"$TODAY\"" "$cal"
check "calendar has a caption and column headers" \
    sh -c "grep -q '<caption>' '$cal' && grep -q '<th scope=\"col\">日</th>' '$cal'"

# ---- members ----
gone=$(q "SELECT id FROM member WHERE state = 'public' AND status <> 'active' ORDER BY id LIMIT 1")
check "paused group $PAUSED_GROUP has no page" test ! -e "$AK/members/$PAUSED_GROUP.html"
check "inactive member $gone has no page" test ! -e "$AK/members/$gone.html"
gname=$(q "SELECT org_name FROM member WHERE type = 'group' AND status = 'withdrawn' AND org_name NOT IN (SELECT org_name FROM member WHERE state = 'public' AND status = 'active' AND org_name IS NOT NULL) AND org_name NOT IN (SELECT org_name FROM posting) AND org_name NOT IN (SELECT name FROM org) ORDER BY id LIMIT 1")
if [ -n "$gname" ]; then
	check "withdrawn group's name is in no page" sh -c "! grep -rqF '$gname' '$AK'"
fi
iid=$(q "SELECT id FROM member WHERE type = 'individual' AND state = 'public' AND status = 'active' ORDER BY id LIMIT 1")
check "individual $iid appears as 個人会員（…）" grep -q '<h1>個人会員（' "$AK/members/$iid.html"
check "member page links 問い合わせる to the CGI" grep -q "/aikasa/request?member=$iid\"" "$AK/members/$iid.html"
for f in type/individual area/yamaguchi field/welfare probono/it; do
	check "facet $f exists" test -f "$AK/members/$f/index.html"
done
n=$(grep -c '<li><a href="/boranet201909/members/[0-9]*\.html"' "$AK/members/new.html")
check "new members page lists 20" test "$n" -eq 20

# ---- A-16 ----
line=$(grep '^# demo individual:' "$KENMIN_FIXTURE/demo.txt")
name=$(printf '%s' "$line" | sed -n 's/.*name=\([^ ]*\) phone=.*/\1/p')
phone=$(printf '%s' "$line" | sed -n 's/.*phone=\([^ ]*\) email=.*/\1/p')
email=$(printf '%s' "$line" | sed -n 's/.*email=\([^ ]*\).*/\1/p')
if [ -n "$name" ]; then
	sei=${name%%　*}
	check "demo individual's name is in no file" sh -c "! grep -rqF '$name' '$SITE'"
	check "demo individual's phone is in no file" sh -c "! grep -rqF '$phone' '$SITE'"
	check "demo individual's e-mail is in no file" sh -c "! grep -rqF '$email' '$SITE'"
else
	nok "demo prints its demo individual"
fi
# Every file under boranet201909 with the posting 連絡先 blocks taken out.
/usr/bin/python3 - "$AK" >"$T/stripped.txt" <<'EOF'
import os, re, sys
blk = re.compile(r'<dd class="ak-contact">.*?</dd>', re.S)
for d, _, fs in os.walk(sys.argv[1]):
    for f in sorted(fs):
        p = os.path.join(d, f)
        s = open(p, encoding='utf-8').read()
        for l in blk.sub('', s).splitlines():
            # An iCalendar UID looks like an address but names no one.
            if p.endswith('.ics') and l.startswith('UID:'):
                continue
            print(p + ': ' + l)
EOF
check "no e-mail address under boranet201909/ outside 連絡先" \
    sh -c "! grep -qE '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+' '$T/stripped.txt'"
check "no phone number under boranet201909/ outside 連絡先" \
    sh -c "! grep -qE '0[0-9]{1,4}-[0-9]{1,4}-[0-9]{4}' '$T/stripped.txt'"
check "posting 連絡先 blocks are published (A-16)" grep -rq 'class="ak-contact"' "$AK/postings"

# ---- other pages ----
check "interviews list" test -f "$AK/interviews/index.html"
iv=$(q "SELECT id FROM interview WHERE state = 'public' ORDER BY id LIMIT 1")
check "interview $iv page" test -f "$AK/interviews/$iv.html"
ivd=$(q "SELECT id FROM interview WHERE state <> 'public' ORDER BY id LIMIT 1")
[ -n "$ivd" ] && check "unpublished interview $ivd has no page" test ! -e "$AK/interviews/$ivd.html"
check "faq uses details/summary" grep -q '<summary>Q. ' "$AK/faq/index.html"
fq=$(q "SELECT question FROM faq WHERE site = 'aikasa' AND state <> 'public' ORDER BY id LIMIT 1")
[ -n "$fq" ] && check "unpublished faq is not shown" sh -c "! grep -qF '$fq' '$AK/faq/index.html'"
check "downloads page" grep -q '会員登録申込用紙' "$AK/downloads.html"

[ "$n_fail" -eq 0 ]
