#!/bin/bash
# 230_forms.sh: the form framework (formsvc/form.c) on the registration
# form of every member type: each control has a <label for>, every
# aria-describedby and summary link points at an element that exists,
# invalid controls carry aria-invalid and their message id, required
# fields say 「必須」 in text, passwords are never echoed, and a value
# with markup comes back escaped.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CGI=$(realpath "${KENMIN_CGI:-$ROOT/build/san/formsvc.cgi}")
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

cat > "$T/k.ini" <<EOF2
[paths]
database = $T/k.db
key_dir = $T/keys
theme_dir = $ROOT/themes/default
generator = /bin/true
[security]
cookie_secure = 1
EOF2
export KENMIN_CONFIG=$T/k.ini
"$GEN" init > /dev/null 2>&1 || { notok "kenmin-gen init"; exit 1; }

cgi() { # cgi METHOD PATH [COOKIE] [BODY]
	local m=$1 p=$2 c=${3:-} b=${4:-}
	printf '%s' "$b" | env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$KENMIN_CONFIG" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
	    REQUEST_METHOD="$m" PATH_INFO="$p" QUERY_STRING= HTTP_COOKIE="$c" \
	    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#b} \
	    "$CGI" > "$T/resp" 2> "$T/err"
	grep -E 'Sanitizer|runtime error:' "$T/err" >&2
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$T/resp" > "$T/hdr"
	sed '1,/^\r$/d' "$T/resp" > "$T/body"
}
has() { grep -qF -- "$1" "$T/body"; }
hasnt() { ! grep -qF -- "$1" "$T/body"; }

# structure FILE: prints one line per problem (none: the form is sound).
structure() {
	$PY - "$1" <<'PYEOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.fors, self.controls, self.refs, self.hrefs = set(), set(), [], [], []
        self.invalid, self.legend_ok, self.in_legend, self.fieldsets = [], True, False, []
    def handle_starttag(self, tag, a):
        a = dict(a)
        if "id" in a:
            if a["id"] in self.ids: print("duplicate id", a["id"])
            self.ids.add(a["id"])
        if tag == "label" and "for" in a: self.fors.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        for r in (a.get("aria-describedby") or "").split():
            self.refs.append(r)
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.hrefs.append(a["href"][1:])
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
for c in p.controls:
    if c.get("id") not in p.fors: print("no label for", c.get("name"))
    if c.get("aria-invalid") == "true":
        ds = (c.get("aria-describedby") or "")
        if "-error" not in ds and c.get("type") not in ("radio", "checkbox"):
            print("invalid without message id", c.get("name"))
for r in p.refs:
    if r not in p.ids: print("describedby to nothing", r)
for h in p.hrefs:
    if h and h not in p.ids and h != "main": print("summary link to nothing", h)
PYEOF
}

cgi GET /aikasa/register
AC=$(sed -n 's/^Set-Cookie: __Host-kenmin_csrf=\([0-9a-f]*\);.*/\1/p' "$T/hdr")
A="__Host-kenmin_csrf=$AC"
C="csrf=$AC"
structure "$T/body" > "$T/p"
check "terms form is sound" test ! -s "$T/p"
cat "$T/p" | sed 's/^/# /'

for t in individual group company; do
	cgi POST /aikasa/register "$A" "$C&step=agree&mtype=$t"
	structure "$T/body" > "$T/p"; sed 's/^/# /' "$T/p"
	check "$t: empty form is sound" test ! -s "$T/p"
	n=$(grep -c 'class="required">必須</span>' "$T/body")
	check "$t: required fields say 必須 in text ($n)" test "$n" -ge 10
	check "$t: form posts with CSRF" grep -q "name=\"csrf\" value=\"$AC\"" "$T/body"
	check "$t: novalidate (server messages)" has 'novalidate'
	cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=$t&password=secret-typed-1"
	structure "$T/body" > "$T/p"; sed 's/^/# /' "$T/p"
	check "$t: form with errors is sound" test ! -s "$T/p"
	ne=$(grep -c 'class="field-error"' "$T/body")
	ns=$(grep -c '^<li><a href="#f-' "$T/body")
	check "$t: one summary entry per field error ($ne)" test "$ne" = "$ns" -a "$ne" -ge 8
	check "$t: typed password not echoed" hasnt 'secret-typed-1'
	check "$t: title starts with エラー：" grep -q '<title>エラー：' "$T/body"
done

# Markup in a value comes back escaped, never as markup.
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=individual&fullname=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22"
check "value with markup escaped" has 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"'
check "no raw script" hasnt '<script>alert(1)'
# A checkbox group keeps several values; an unknown one is refused.
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=group&roles=recruit&roles=join&reqs=6&reqs=7"
check "checkbox group keeps every value" test "$(grep -c 'name="roles" value="[a-z]*" checked' "$T/body")" = 2
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=group&roles=admin"
check "unknown checkbox value refused" has 'ボランティアの募集・参加の選択肢が正しくありません。'
# An unknown step is a bad request.
cgi POST /aikasa/register "$A" "$C&step=bogus&mtype=group"
check "unknown step: 400" grep -q '^Status: 400' "$T/hdr"
# Full-width digits are accepted for a phone number.
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=individual&tel=$($PY -c 'import urllib.parse;print(urllib.parse.quote("０８３－９２２－００００"))')"
check "full-width phone accepted" hasnt '電話番号は数字とハイフンで'
check "phone kept as ASCII" has 'value="083-922-0000"'
exit 0
