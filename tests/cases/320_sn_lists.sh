#!/usr/bin/env bash
# 320_sn_lists.sh: the archive lists (reports, books, notices, center
# notices, newsletters, あいかさねっと notices and news), the fixed pages
# from content/ and the HTML sitemaps: content shown, content hidden,
# Markdown made safe, staff edits kept, and publishes that remove pages.
# needs: fixture
# (init is checked on a database of its own; the pages on the shared demo
# site of tests/fixture.sh, read-only, whose hostile notice 900001 and
# draft notice 900002 come from tests/fixture.sql; the publishes, and the
# report photos, whose files no site has, on a copy of it)
set -u
: "${KENMIN_FIXTURE:?}"
T=$KENMIN_TMP
G=$KENMIN_GEN
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
q() { sqlite3 "$T/k.db" "$1"; }
TODAY=$(cat "$KENMIN_FIXTURE/today")
gen() { "$G" -c "$T/k.ini" --today $TODAY "$@"; }

printf '[paths]\ndatabase=%s/k.db\nsite_dir=%s/site\ngit_dir=%s/site.git\nkey_dir=%s/keys\nspool_dir=%s/spool\ntheme_dir=%s/themes/default\ncontent_dir=%s/content\n' \
    "$T" "$T" "$T" "$T" "$T" "$KENMIN_ROOT" "$KENMIN_ROOT" > "$T/k.ini"
out=$(gen init) || no "init"
nmd=$(ls "$KENMIN_ROOT"/content/supernet/*.md "$KENMIN_ROOT"/content/aikasa/*.md | wc -l)
check "init loads every content file" "[ \"\$(q \"SELECT count(*) FROM page WHERE state='public' AND from_content IS NOT NULL\")\" -eq $nmd ]"
check "init says how many pages it added" "echo \"\$out\" | grep -q '$nmd fixed pages added'"

# Staff edits survive a second init; a deleted page comes back.
q "UPDATE page SET title = '職員が直した題名' WHERE site = 'supernet' AND slug = 'about'"
q "DELETE FROM page WHERE site = 'aikasa' AND slug = 'links'"
out=$(gen init) || no "second init"
check "second init keeps the staff edit" "[ \"\$(q \"SELECT title FROM page WHERE site='supernet' AND slug='about'\")\" = '職員が直した題名' ]"
check "second init restores only the missing page" "echo \"\$out\" | grep -q '1 fixed page added'"

# A content file with a bad front matter stops init with FILE:LINE.
mkdir -p "$T/badc/supernet"
printf -- '---\ntitle: x\nslug: ../etc\n---\nbody\n' > "$T/badc/supernet/bad.md"
sed "s|^content_dir=.*|content_dir=$T/badc|; s|^database=.*|database=$T/bad.db|" "$T/k.ini" > "$T/bad.ini"
err=$("$G" -c "$T/bad.ini" init 2>&1 >/dev/null)
check "bad slug in content stops init with FILE:LINE" "echo \"\$err\" | grep -q 'bad.md:3: slug'"

# The rest reads the shared demo site: hostile Markdown in the public
# notice 900001 and the draft notice 900002 with a unique title.
q() { sqlite3 -readonly "$KENMIN_FIXTURE/k.db" "$1"; }
S=$KENMIN_FIXTURE/site
rp=$(q "SELECT min(id) FROM report WHERE state='public'")

# Reports (R060).
n=$(q "SELECT count(*) FROM report WHERE state='public'")
check "reports list counts the public reports" "grep -q \"全${n}件中\" $S/reports/index.html"
check "report page shows 紙1 fields" "grep -q '<dt>団体名</dt>' $S/reports/$rp.html && grep -q '<h2 id=\"body-h\">内容</h2>' $S/reports/$rp.html"
check "report page has JSON-LD" "grep -q '\"@type\":\"Article\"' $S/reports/$rp.html"
dr=$(q "SELECT id FROM report WHERE state<>'public' ORDER BY id LIMIT 1")
check "draft report has no page" "[ -n '$dr' ] && [ ! -f $S/reports/$dr.html ]"

# Books (R064) and the 発行年 facet.
b=$(q "SELECT id FROM book WHERE state='public' ORDER BY id LIMIT 1")
rno=$(q "SELECT receipt_no FROM book WHERE id=$b")
check "book page shows 受付番号" "grep -q \"<dd>$rno</dd>\" $S/books/$b.html"
nb=$(q "SELECT count(*) FROM book WHERE state='public'")
check "book list counts every public book" "grep -q \"全${nb}冊中\" $S/books/index.html"
check "book list is paginated 20 a page" "[ -f $S/books/index-$(( (nb + 19) / 20 )).html ] && [ ! -f $S/books/index-$(( (nb + 19) / 20 + 1 )).html ]"
sum=$(grep -o '（[0-9]*冊）' $S/books/year/index.html | tail -n +2 | tr -dc '0-9\n' | awk '{s+=$1} END{print s}')
check "year facet counts add up to all books" "[ \"$sum\" = \"$nb\" ]"
ylink=$(grep -o 'href="/books/year/[0-9a-z]*/"' $S/books/year/index.html | head -1 | sed 's/href="\(.*\)"/\1/')
check "a year facet page links book pages" "[ -n '$ylink' ] && grep -q 'href=\"/books/[0-9]*.html\"' $S${ylink}index.html"
db=$(q "SELECT id FROM book WHERE state<>'public' ORDER BY id LIMIT 1")
check "draft book has no page" "[ -n '$db' ] && [ ! -f $S/books/$db.html ]"

# Notices of three lists and the newsletters of both sites.
sn=$(q "SELECT id FROM notice WHERE id=900001 AND site='supernet' AND kind='notice' AND state='public'")
cn=$(q "SELECT min(id) FROM notice WHERE site='supernet' AND kind='center' AND state='public'")
an=$(q "SELECT min(id) FROM notice WHERE site='aikasa' AND state='public'")
check "notice, center notice and aikasa notice pages in their lists" "[ -f $S/notices/$sn.html ] && [ -f $S/center-notices/$cn.html ] && [ -f $S/boranet201909/notices/$an.html ] && [ ! -f $S/notices/$cn.html ]"
check "center notice list links its notices" "grep -q 'href=\"/center-notices/[0-9]*.html\"' $S/center-notices/index.html"
check "draft notice appears nowhere" "! grep -rqF '下書きのお知らせＺＺＱ' $S"
check "raw HTML in Markdown is not passed through" "! grep -q '<script>alert' $S/notices/$sn.html && ! grep -q 'onclick' $S/notices/$sn.html"
check "javascript: links are dropped" "! grep -qi 'href=\"javascript' $S/notices/$sn.html"
sl=$(q "SELECT min(id) FROM newsletter WHERE site='supernet' AND state='public'")
al=$(q "SELECT min(id) FROM newsletter WHERE site='aikasa' AND state='public'")
check "newsletter back numbers of both sites" "[ -f $S/newsletters/$sl.html ] && [ -f $S/boranet201909/news/$al.html ] && grep -q 'href=\"/newsletters/[0-9]*.html\"' $S/newsletters/index.html"
check "notice page has a date and breadcrumbs" "grep -q '<time datetime=\"' $S/notices/$sn.html && grep -q 'href=\"/notices/\">お知らせ</a>' $S/notices/$sn.html"

# Fixed pages and sitemaps.
for p in about.html contact.html terms.html accessibility.html display.html companies.html \
    center/index.html center/about.html center/services.html center/guide.html center/access.html \
    center/reservation.html center/information.html consult/desks.html consult/links.html \
    register/index.html register/npo.html register/group.html register/company.html \
    register/events.html register/reports.html register/grants.html register/edit.html \
    boranet201909/guide/index.html boranet201909/links.html boranet201909/privacy.html \
    boranet201909/terms.html boranet201909/newsletter.html boranet201909/accessibility.html \
    sitemap.html boranet201909/sitemap.html; do
	[ -f "$S/$p" ] || no "fixed page $p exists"
done
ok "fixed pages exist"
check "register guide links the CGI form" "grep -q 'href=\"/cgi-bin/formsvc.cgi/supernet/register?type=npo\"' $S/register/npo.html"
check "nested page has breadcrumbs through its parent" "grep -q 'href=\"/center/\">やまぐち県民活動支援センター</a>' $S/center/access.html"
check "index page lists its sub-pages" "grep -q 'href=\"/register/edit.html\"' $S/register/index.html"
check "accessibility page states the target level" "grep -q 'AA' $S/accessibility.html && grep -q 'JIS X 8341-3:2016' $S/accessibility.html"
check "aikasa fixed pages carry no e-mail address" "! grep -qE '[A-Za-z0-9._-]+@[A-Za-z0-9-]+\\.[A-Za-z]' $S/boranet201909/guide/index.html $S/boranet201909/privacy.html $S/boranet201909/terms.html $S/boranet201909/newsletter.html $S/boranet201909/links.html"
bad=0
for f in $S/sitemap.html $S/boranet201909/sitemap.html $(grep -l 'class="page"' -r $S --include=*.html); do
	for h in $(grep -o 'href="/[^"#?]*"' "$f" | sed 's/href="\(.*\)"/\1/' | grep -v '^/cgi-bin/' | grep -v '^/assets/'); do
		t=$S$h
		case $h in */) t=${t}index.html ;; esac
		[ -f "$t" ] || { bad=1; echo "# broken: $f -> $h"; }
	done
done
check "no broken internal links from fixed pages and sitemaps" "[ $bad -eq 0 ]"
np=$(q "SELECT count(*) FROM page WHERE site='supernet' AND state='public'")
nl=$(sed -n '/id="pages-h"/,/<\/section>/p' $S/sitemap.html | grep -c '<li><a ')
check "sitemap lists every Super Net fixed page" "[ $nl -eq $np ]"

# Publishes: unpublish a notice and a page, move a page to a new slug,
# on a copy of the fixture (database, keys, site and its git directory).
P=$T/pub
mkdir -p "$P"
cp -a "$KENMIN_FIXTURE/k.db" "$KENMIN_FIXTURE/keys" "$KENMIN_FIXTURE/site" \
    "$KENMIN_FIXTURE/site.git" "$P/" || no "fixture copied"
sed "s|$KENMIN_FIXTURE/|$P/|" "$KENMIN_FIXTURE/k.ini" >"$P/k.ini"
q() { sqlite3 "$P/k.db" "$1"; }
gen() { "$G" -c "$P/k.ini" --today $TODAY "$@"; }
S=$P/site
q "UPDATE notice SET state='draft' WHERE id=$cn"
q "UPDATE page SET state='draft' WHERE site='supernet' AND slug='display'"
pid=$(q "SELECT id FROM page WHERE site='supernet' AND slug='companies'")
q "UPDATE page SET slug='center/companies' WHERE id=$pid"
# The first public report gets one published and one quarantined photo.
q "INSERT INTO upload (id, stored_name, public_name, orig_name, mime, size, alt, state, created_at) VALUES (900001, 's900001', '0a1b2c3d4e5f6071.jpg', 'a.jpg', 'image/jpeg', 10, '清掃活動の参加者の集合写真', 'public', 0), (900002, 's900002', 'quarphoto2.jpg', 'b.jpg', 'image/jpeg', 10, '未承認', 'quarantine', 0)"
q "INSERT INTO report_photo (report_id, sort, upload_id) VALUES ($rp, 900001, 900001), ($rp, 900002, 900002)"
q "INSERT INTO publish_queue (kind, item_id, reason, enqueued_at) VALUES ('notice', $cn, 'test', 0), ('page', $(q "SELECT id FROM page WHERE slug='display'"), 'test', 0), ('page', $pid, 'test', 0), ('report', $rp, 'test', 0)"
gen publish >/dev/null || no "publish"
check "report page shows the public photo with alt" "grep -q 'src=\"/files/0a1b2c3d4e5f6071.jpg\" alt=\"清掃活動の参加者の集合写真\"' $S/reports/$rp.html"
check "report page hides the quarantined photo" "! grep -q quarphoto2 $S/reports/$rp.html"
check "unpublished center notice page removed" "[ ! -f $S/center-notices/$cn.html ] && ! grep -q \"href=\\\"/center-notices/$cn.html\\\"\" $S/center-notices/index.html"
check "unpublished fixed page removed and gone from the sitemap" "[ ! -f $S/display.html ] && ! grep -q 'href=\"/display.html\"' $S/sitemap.html"
check "moved page: old file removed, new one written" "[ ! -f $S/companies.html ] && [ -f $S/center/companies.html ] && grep -q 'href=\"/center/companies.html\"' $S/center/index.html"
check "publish left the other pages alone" "[ -f $S/about.html ] && [ -f $S/sitemap.html ] && [ -f $S/index.html ]"
