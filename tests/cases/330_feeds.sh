#!/usr/bin/env bash
# 330_feeds.sh: the Atom and iCalendar feeds, sitemap.xml, robots.txt and
# 404.html of a demo build (generator/feeds.c, generator/misc.c): valid
# XML, RFC 5545 line endings, folding and escaping, cancelled items kept
# and marked, drafts and hidden postings absent, stable ids, DTSTAMP
# from the data, sitemap == every page, and the same bytes from a
# second build.
# needs: fixture
# (the shared demo site of tests/fixture.sh, read-only, with the cancelled
# event and grant 900001, the draft event 900002, the postings 900001-3
# and the paused group 900001 with posting 900004 of tests/fixture.sql;
# the second build and the publish work on a copy of its database)
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_FIXTURE:?}"

n_fail=0
ok() { printf 'ok - %s\n' "$1"; }
nok() { printf 'not ok - %s\n' "$1"; n_fail=$((n_fail + 1)); }
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
PY=/usr/bin/python3
T=$(cat "$KENMIN_FIXTURE/today")
W=$KENMIN_TMP
. "$KENMIN_ROOT/tests/lib/fixture.sh"
gen() {	# gen NAME ARGS...
	local n=$1
	shift
	"$KENMIN_GEN" -c "$W/$n.ini" --today "$T" "$@"
}
sql() { sqlite3 -bail "$W/b.db" "$@"; }
# updated_at of the test rows: 1767225600 = 2026-01-01T00:00:00Z.
NOW=1767225600

S=$KENMIN_FIXTURE/site
rows=$(sqlite3 -readonly "$KENMIN_FIXTURE/k.db" "SELECT
    (SELECT count(*) FROM event WHERE id IN (900001, 900002)) ||
    (SELECT count(*) FROM grant_item WHERE id = 900001) ||
    (SELECT count(*) FROM posting WHERE id BETWEEN 900001 AND 900004) ||
    (SELECT count(*) FROM member WHERE id = 900001 AND status = 'paused')")
check "the fixture has the test rows of tests/fixture.sql ($rows)" \
    test "$rows" = 2141

# One Python checker for the structure; it prints ok/not ok lines.
$PY - "$S" <<'EOF'
import os, re, sys, xml.etree.ElementTree as ET

site = sys.argv[1]
A = "{http://www.w3.org/2005/Atom}"
fails = 0

def check(name, cond):
    global fails
    print(("ok - " if cond else "not ok - ") + name)
    if not cond:
        fails += 1

def atom(path):
    try:
        return ET.parse(os.path.join(site, path)).getroot()
    except Exception as e:
        print("#   %s: %s" % (path, e))
        return None

def unfold(raw):
    return raw.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")

def ics_ok(path):
    raw = open(os.path.join(site, path), "rb").read()
    good = raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    check(path + ": CRLF line endings only", good)
    lines = raw.split(b"\r\n")[:-1]
    check(path + ": no line over 75 octets",
          all(len(l) <= 75 for l in lines))
    utf = True
    for l in lines:
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            utf = False
    check(path + ": folded on UTF-8 boundaries", utf)
    u = unfold(raw)
    check(path + ": one VCALENDAR", u[0] == "BEGIN:VCALENDAR" and
          u[-2] == "END:VCALENDAR" and u.count("BEGIN:VEVENT") ==
          u.count("END:VEVENT"))
    check(path + ": no DTSTAMP-less event",
          u.count("BEGIN:VEVENT") == sum(1 for x in u
                                         if x.startswith("DTSTAMP:")))
    return u

def vevent(u, uid):
    out, cur = None, None
    for l in u:
        if l == "BEGIN:VEVENT":
            cur = []
        elif l == "END:VEVENT":
            if ("UID:" + uid) in cur:
                out = cur
            cur = None
        elif cur is not None:
            cur.append(l)
    return out

def entry(root, eid):
    for e in root.findall(A + "entry"):
        if e.findtext(A + "id") == eid:
            return e
    return None

TAG = "tag:kenmin.pref.yamaguchi.lg.jp,2025:"
ev = atom("feeds/events.atom")
check("events.atom is well-formed Atom", ev is not None and ev.tag == A + "feed")
if ev is not None:
    es = ev.findall(A + "entry")
    check("events.atom keeps 200 entries", len(es) == 200)
    ids = [e.findtext(A + "id") for e in es]
    check("events.atom ids unique and stable",
          len(set(ids)) == len(ids) and all(re.fullmatch(TAG + r"event-\d+", i)
                                             for i in ids))
    e = entry(ev, TAG + "event-900001")
    check("cancelled event stays in events.atom",  e is not None)
    if e is not None:
        check("cancelled event titled 【中止】",
              e.findtext(A + "title").startswith("【中止】中止試験イベント"))
        check("entry updated from updated_at",
              e.findtext(A + "updated") == "2026-01-01T00:00:00Z")
        lk = e.find(A + "link").get("href")
        check("entry links its page", lk == "https://kenmin.example.jp/events/900001.html")
    check("newest first", ids[0] == TAG + "event-900001")
    self_ = [l.get("href") for l in ev.findall(A + "link") if l.get("rel") == "self"]
    check("feed has a self link", self_ == ["https://kenmin.example.jp/feeds/events.atom"])

u = ics_ok("feeds/events.ics")
v = vevent(u, "event-900001@kenmin.pref.yamaguchi.lg.jp")
check("cancelled event stays in events.ics", v is not None)
if v:
    check("STATUS:CANCELLED", "STATUS:CANCELLED" in v)
    check("all-day DTSTART", "DTSTART;VALUE=DATE:20261201" in v)
    check("DTEND is the day after the last day", "DTEND;VALUE=DATE:20261204" in v)
    check("DTSTAMP from updated_at", "DTSTAMP:20260101T000000Z" in v)
    check("TEXT escaping of , ; \\",
          "SUMMARY:【中止】中止試験イベント、カンマ\\,セミコロン\\;円記号\\\\" in v)
    d = [x for x in v if x.startswith("DESCRIPTION:")]
    check("newline escaped as \\n", d and "一行目\\n二行目" in d[0])

gr = atom("feeds/grants.atom")
check("grants.atom is well-formed", gr is not None)
if gr is not None:
    e = entry(gr, TAG + "grant-900001")
    check("cancelled grant titled 【中止】", e is not None and
          e.findtext(A + "title") == "【中止】中止試験助成QGR")
u = ics_ok("feeds/grants.ics")
v = vevent(u, "grant-900001@kenmin.pref.yamaguchi.lg.jp")
check("grant deadline in grants.ics", v is not None and
      "DTSTART;VALUE=DATE:20261220" in v and "STATUS:CANCELLED" in v and
      "SUMMARY:【締切】【中止】中止試験助成QGR" in v)

po = atom("boranet201909/feeds/postings.atom")
check("postings.atom is well-formed", po is not None)
if po is not None:
    t = {e.findtext(A + "id"): e.findtext(A + "title") for e in po.findall(A + "entry")}
    check("recruiting posting listed", t.get(TAG + "posting-900001") == "募集中試験投稿QPA")
    check("not-yet-started posting absent", TAG + "posting-900002" not in t)
    check("ended posting marked 【募集終了】",
          t.get(TAG + "posting-900003") == "【募集終了】終了試験投稿QPC")
    check("paused group's posting absent", TAG + "posting-900004" not in t)
u = ics_ok("boranet201909/feeds/postings.ics")
v = vevent(u, "posting-900001@kenmin.pref.yamaguchi.lg.jp")
check("posting recruitment period in postings.ics", v is not None and
      "DTSTART;VALUE=DATE:20261101" in v and "DTEND;VALUE=DATE:20270101" in v)

# sitemap.xml: exactly the HTML pages of the tree but 404.html.
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
try:
    root = ET.parse(os.path.join(site, "sitemap.xml")).getroot()
except Exception as e:
    root = None
    print("#   sitemap.xml: %s" % e)
check("sitemap.xml is well-formed", root is not None)
locs = []
if root is not None and root.tag == SM + "sitemapindex":
    for s in root.findall(SM + "sitemap/" + SM + "loc"):
        p = s.text.split("https://kenmin.example.jp/", 1)[1]
        locs += [l.text for l in ET.parse(os.path.join(site, p)).getroot()
                 .findall(SM + "url/" + SM + "loc")]
elif root is not None:
    locs = [l.text for l in root.findall(SM + "url/" + SM + "loc")]
want = []
for d, _, fs in os.walk(site):
    for f in fs:
        if f.endswith(".html"):
            rel = os.path.relpath(os.path.join(d, f), site)
            if rel == "404.html":
                continue
            if rel == "index.html" or rel.endswith("/index.html"):
                rel = rel[:-len("index.html")]
            want.append("https://kenmin.example.jp/" + rel)
check("sitemap lists every page but 404 (%d)" % len(want),
      sorted(want) == sorted(locs) and len(locs) == len(set(locs)))

r = open(os.path.join(site, "robots.txt")).read()
check("robots.txt", "User-agent: *" in r and "\nDisallow: /cgi-bin/\n" in r
      and "\nSitemap: https://kenmin.example.jp/sitemap.xml\n" in r)
h = open(os.path.join(site, "404.html")).read()
check("404.html links both tops and sitemaps",
      all(('href="%s"' % x) in h for x in
          ("/", "/boranet201909/", "/sitemap.html", "/boranet201909/sitemap.html"))
      and h.count("<h1") == 1 and 'lang="ja"' in h)
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || n_fail=$((n_fail + 1))

check "draft event in no file" \
    bash -c "! grep -rqF '下書き非公開イベントQZX' '$S'"
check "paused group's posting in no file" \
    bash -c "! grep -rqF '休止団体試験投稿QPD' '$S'"

# A second build from a copy of the data into an empty directory gives
# the same feed bytes (nothing comes from the clock or hash order).  This
# is the suite's one rebuild of the same data; 340 compares publishes
# with full builds.
fx_ini b
cp "$KENMIN_FIXTURE/k.db" "$W/b.db" && cp -a "$KENMIN_FIXTURE/keys" "$W/keys"
if gen b build >/dev/null; then
	same=1
	for f in feeds/events.atom feeds/events.ics feeds/grants.atom \
	    feeds/grants.ics boranet201909/feeds/postings.atom \
	    boranet201909/feeds/postings.ics sitemap.xml robots.txt 404.html; do
		cmp -s "$S/$f" "$W/b-site/$f" || { same=0; echo "#   $f differs"; }
	done
	check "a second build writes the same bytes" [ "$same" -eq 1 ]
else
	nok "a second build writes the same bytes"
fi

# An incremental publish into that second site: un-cancel and retitle
# the event, unpublish the grant; the feeds follow and the entry id stays.
S=$W/b-site
sql "UPDATE event SET cancelled = 0, title = '再開試験イベントQRE',
    updated_at = $NOW + 60 WHERE id = 900001;
    UPDATE grant_item SET state = 'review' WHERE id = 900001;
    INSERT INTO publish_queue (kind, item_id, reason, enqueued_at)
    VALUES ('event', 900001, 'test', $NOW), ('grant', 900001, 'test', $NOW);"
if gen b publish >/dev/null; then
	check "publish: event retitled under the same id" \
	    $PY -c 'import sys; sys.exit("<id>tag:kenmin.pref.yamaguchi.lg.jp,2025:event-900001</id>\n<title>再開試験イベントQRE</title>" not in open(sys.argv[1]).read())' \
	    "$S/feeds/events.atom"
	check "publish: ics UID kept, STATUS:CONFIRMED, new DTSTAMP" \
	    $PY -c '
import sys
u = open(sys.argv[1], "rb").read().replace(b"\r\n ", b"").decode().split("\r\n")
i = u.index("UID:event-900001@kenmin.pref.yamaguchi.lg.jp")
ev = u[i:u.index("END:VEVENT", i)]
sys.exit(not ("STATUS:CONFIRMED" in ev and "DTSTAMP:20260101T000100Z" in ev))
' "$S/feeds/events.ics"
	check "publish: unpublished grant leaves the feeds" \
	    bash -c "! grep -qF '中止試験助成QGR' '$S/feeds/grants.atom' '$S/feeds/grants.ics'"
else
	nok "publish after edits"
fi

[ "$n_fail" -eq 0 ]
