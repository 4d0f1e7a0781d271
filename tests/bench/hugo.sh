#!/usr/bin/env bash
# hugo.sh DB: export the demo content of a kenmin database (events,
# grants, groups, books, notices, postings) as Markdown files with front
# matter into a temp Hugo site and time `hugo`, to compare with
# kenmin-gen's full build side by side.  Installs the Debian hugo
# package if missing (a bench tool, not a test dependency).
set -uo pipefail
DB=${1:?usage: hugo.sh DB}
command -v hugo >/dev/null || apt-get install -y -q hugo >/dev/null || {
	echo "hugo.sh: hugo not available" >&2; exit 1; }
H=$(mktemp -d "${TMPDIR:-/tmp}/kenmin-hugo.XXXXXX")
trap 'rm -rf "$H"' EXIT
mkdir -p "$H/layouts/_default" "$H/content"
printf 'baseURL = "http://127.0.0.1/"\nlanguageCode = "ja"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[pagination]\npagerSize = 20\n' >"$H/hugo.toml"
printf '<!DOCTYPE html><html lang="ja"><head><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n' >"$H/layouts/_default/baseof.html"
printf '{{ define "main" }}<h1>{{ .Title }}</h1><dl>{{ range $k, $v := .Params }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>{{ .Content }}{{ end }}\n' >"$H/layouts/_default/single.html"
printf '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n' >"$H/layouts/_default/list.html"
# One Python pass writes every file (sqlite3 + os only).
/usr/bin/python3 - "$DB" "$H/content" <<'EOF'
import json, os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
out = sys.argv[2]
q = {
    "events": "SELECT id, title, organizer, starts_on, place, coalesce(body, '') FROM event WHERE state = 'public'",
    "grants": "SELECT id, name, funder, apply_until, amount, coalesce(purpose, '') FROM grant_item WHERE state = 'public'",
    "groups": "SELECT id, name, kana, founded_on, main_office, coalesce(activities, '') FROM org WHERE state = 'public' AND status = 'active'",
    "books": "SELECT id, title, author, published_on, publisher, coalesce(body, '') FROM book WHERE state = 'public'",
    "notices": "SELECT id, title, kind, posted_on, site, coalesce(body, '') FROM notice WHERE state = 'public'",
    "postings": "SELECT p.id, p.title, p.org_name, p.apply_until, p.place, p.activity FROM posting p JOIN member m ON m.id = p.member_id WHERE p.state = 'public' AND m.state = 'public' AND m.status = 'active'",
}
n = 0
for sect, sql in q.items():
    os.makedirs(os.path.join(out, sect), exist_ok=True)
    for row in db.execute(sql):
        fm = {"title": row[1] or "", "who": row[2] or "", "date_text": row[3] or "", "where": row[4] or ""}
        with open(os.path.join(out, sect, "%d.md" % row[0]), "w") as f:
            f.write(json.dumps(fm, ensure_ascii=False) + "\n\n" + (row[5] or "") + "\n")
        n += 1
print("hugo.sh: %d Markdown files exported" % n)
EOF
/usr/bin/time -f 'hugo: %e s wall, %M KB peak RSS' hugo --quiet -s "$H" -d "$H/public" 2>&1 | tail -3
printf 'hugo: %s files written\n' "$(find "$H/public" -type f | wc -l)"
