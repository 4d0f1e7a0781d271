#!/usr/bin/env bash
# 700_search.sh: the keyword search: the index files the build wrote,
# the golden set (tests/search/golden.tsv, expectations computed by
# tests/search/expect.py from the database, not by kenmin code) through
# formsvc GET /search and through search.js in node, and that the
# result pages are noindex and never written to.
# needs: fixture
set -uo pipefail
: "${KENMIN_FIXTURE:?}" "${KENMIN_CGI:?}" "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}"
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
F=$KENMIN_FIXTURE S=$F/site T=$KENMIN_TMP G=$KENMIN_ROOT/tests/search
TODAY=$(cat "$F/today")

check "index: manifest" "grep -q '\"version\":3' '$S/search/manifest.json'"
# The demo has documents first published on the fixture's date: fresh,
# in search/n/ (lib/search.h), which every reader merges in.
check "index: fresh documents, every fresh shard" "grep -q '\"fresh\":[1-9]' '$S/search/manifest.json' && [ \$(ls '$S/search/n' | wc -l) -eq 32 ]"
check "index: term shards" "[ \$(ls '$S/search/t' | wc -l) -gt 500 ]"
check "index: doc shards" "[ \$(ls '$S/search/d' | wc -l) -gt 1000 ]"
check "index: static search page" "grep -q 'id=\"search-results\" aria-live=\"polite\"' '$S/search/index.html'"
check "index: search.js copied" "[ -s '$S/assets/search.js' ]"
# R303: no 非公開 field of a member in the index (an individual's name).
name=$(sqlite3 -readonly "$F/k.db" "SELECT org_name FROM member WHERE type = 'individual' AND state = 'public' AND coalesce(org_name, '') <> '' LIMIT 1")
check "index: an individual member is not named" "[ -z '$name' ] || ! grep -rqF -- '$name' '$S/search/d'"

/usr/bin/python3 "$G/expect.py" "$F/k.db" "$TODAY" "$G/golden.tsv" >"$T/expect" 2>"$T/err"
check "golden: oracle ran (>= 50 queries)" "[ \$(wc -l <'$T/expect') -ge 50 ]"
check "golden: some queries have hits" "[ \$(awk -F'\t' '\$2 > 0' '$T/expect' | wc -l) -ge 40 ]"
sqlite3 -readonly "$F/k.db" "SELECT '/events/' || id || '.html' FROM event
    WHERE date(published_at, 'unixepoch', '+9 hours') = '$TODAY' UNION ALL
    SELECT '/grants/' || id || '.html' FROM grant_item
    WHERE date(published_at, 'unixepoch', '+9 hours') = '$TODAY'" >"$T/fresh"
check "golden: fresh documents among the hits expected" "[ \$(tr ',\t' '\n\n' <'$T/expect' | grep -cFxf '$T/fresh') -ge 10 ]"

"$G/cgi.sh" "$KENMIN_CGI" "$F/k.ini" "$G/golden.tsv" >"$T/cgi" 2>>"$T/err"
node "$G/run.js" "$S" "$G/golden.tsv" >"$T/js.all" 2>>"$T/err"
grep -v '^#' "$T/js.all" >"$T/js"
while IFS=$'\t' read -r name total urls; do
	c=$(grep -P "^\Q$name\E\t" "$T/cgi" | head -1)
	j=$(grep -P "^\Q$name\E\t" "$T/js" | head -1)
	want=$(printf '%s\t%s\t%s' "$name" "$total" "$urls")
	if [ "$c" = "$want" ]; then ok "cgi: $name ($total)"
	else notok "cgi: $name"; echo "# want $(echo "$want" | cut -c1-200)"; echo "# got  $(echo "$c" | cut -c1-200)"; fi
	if [ "$j" = "$want" ]; then ok "js: $name ($total)"
	else notok "js: $name"; echo "# want $(echo "$want" | cut -c1-200)"; echo "# got  $(echo "$j" | cut -c1-200)"; fi
done <"$T/expect"
# Cold bytes per query (uncompressed, the manifest not counted).
max=$(awk '/^# bytes/ { if ($4 > m) m = $4 } END { print m + 0 }' "$T/js.all")
check "js: every golden query fetches <= 300 KB cold ($max bytes)" "[ '$max' -le 307200 ]"

# The CGI page: noindex both ways, facets kept, paging links.
q=$(/usr/bin/python3 -c 'import urllib.parse as u; print(u.quote("福祉"))')
env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$F/k.ini" GATEWAY_INTERFACE=CGI/1.1 \
    SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 REQUEST_METHOD=GET \
    PATH_INFO=/search QUERY_STRING="q=$q&type=event&site=supernet" \
    "$KENMIN_CGI" >"$T/resp" 2>>"$T/err"
check "cgi: 200" "head -1 '$T/resp' | grep -q '^Status: 200'"
check "cgi: X-Robots-Tag noindex" "grep -q '^X-Robots-Tag: noindex' '$T/resp'"
check "cgi: meta robots noindex" "grep -q '<meta name=\"robots\" content=\"noindex' '$T/resp'"
check "cgi: facets kept in the form" "grep -q 'name=\"type\" value=\"event\"' '$T/resp' && grep -q 'name=\"site\" value=\"supernet\"' '$T/resp'"
check "cgi: next page link keeps the query" "grep -q 'rel=\"next\"' '$T/resp' && grep -q 'type=event&amp;site=supernet&amp;page=2' '$T/resp'"
check "cgi: every hit is an event" "! grep -o '<span class=\"search-kind\">[^<]*' '$T/resp' | grep -v 'イベント・募集'"
# Files of two publishes (a browser's cached fresh shard beside a newer
# term shard, or a read while a publish writes): a fresh count past its
# line's end is clamped by both readers, never a failed search.
mkdir -p "$T/skew" && cp -a "$S/search" "$T/skew/search" &&
sed "s#^site_dir = .*#site_dir = $T/skew#" "$F/k.ini" >"$T/skew.ini"
/usr/bin/python3 - "$T/skew/search/n" <<'PY'
import os, sys
def nums(s):
    out, v = [], 0
    for ch in s:
        d = ord(ch) - 48
        v = v * 32 + (d & 31)
        if d >= 32:
            out.append(v)
            v = 0
    return out
def enc(v):
    s = chr(48 + 32 + v % 32)
    v //= 32
    while v:
        s = chr(48 + v % 32) + s
        v //= 32
    return s
for name in sorted(os.listdir(sys.argv[1])):
    path = os.path.join(sys.argv[1], name)
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, l in enumerate(lines):
        if l.startswith("福祉\t"):
            n = nums(l.split("\t", 1)[1])
            n[1] = 1000000
            lines[i] = "福祉\t" + "".join(enc(x) for x in n)
            open(path, "w", encoding="utf-8").write("\n".join(lines))
            sys.exit(0)
sys.exit(1)
PY
skewed=$?
check "skew: a fresh line of 福祉 made inconsistent" "[ $skewed -eq 0 ]"
printf 'kanji2-fukushi\tq=福祉\n' >"$T/one.tsv"
want=$(grep -P '^kanji2-fukushi\t' "$T/expect" | cut -f2)
"$G/cgi.sh" "$KENMIN_CGI" "$T/skew.ini" "$T/one.tsv" >"$T/skew.cgi" 2>>"$T/err"
node "$G/run.js" "$T/skew" "$T/one.tsv" 2>>"$T/err" | grep -v '^#' >"$T/skew.js"
check "skew: the CGI still finds every hit ($want)" "[ \"\$(cut -f2 '$T/skew.cgi')\" = '$want' ]"
check "skew: search.js still finds every hit ($want)" "[ \"\$(cut -f2 '$T/skew.js')\" = '$want' ]"
check "no stderr" "[ ! -s '$T/err' ] || { sed 's/^/# /' '$T/err' | head; false; }"
