#!/usr/bin/env bash
# 610_html_validate.sh: html-validate (html-validate:recommended, void-style
# off, see tests/a11y/validate.js; tests/a11y/htmlvalidate.json) reports 0 errors on one page
# of every generated page type of a demo site and on every formsvc
# screen that answers GET without a login (run as a CGI, no server).
# needs: fixture
# (the shared demo site of tests/fixture.sh, see tests/a11y/site.sh)
set -uo pipefail
ROOT=${KENMIN_ROOT:?}
. "$ROOT/tests/a11y/site.sh"

if ! a11y_prepare >"$KENMIN_TMP/a11y_prepare.log" 2>&1; then
	echo "not ok - demo site prepared for html-validate"
	sed 's/^/#   /' "$KENMIN_TMP/a11y_prepare.log"
	exit 1
fi
echo "ok - demo site prepared for html-validate"

# Each formsvc screen's body, as the CGI answers a GET for it.
FORMS_DIR=$KENMIN_TMP/forms
mkdir -p "$FORMS_DIR"
while read -r p; do
	case "$p" in /health|/_test/*|'') continue ;; esac
	out=$KENMIN_TMP/cgi.out
	env -i PATH="$PATH" KENMIN_CONFIG="$KENMIN_CONFIG" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
	    SCRIPT_NAME=/cgi-bin/formsvc.cgi PATH_INFO="$p" QUERY_STRING= \
	    SERVER_NAME=127.0.0.1 SERVER_PORT="$A11Y_PORT" \
	    SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
	    "$KENMIN_CGI" >"$out" </dev/null
	status=$(head -n 1 "$out" | tr -d '\r')
	case "$status" in
	"Status: 200"*)
		name=$(printf '%s' "$p" | sed -e 's|^/||' -e 's|/$||' -e 's|/|_|g')
		[ -n "$name" ] || name=index
		# The body: everything after the first empty line.
		awk 'b { print } /^\r?$/ { b = 1 }' "$out" >"$FORMS_DIR/$name.html" ;;
	*)	echo "# formsvc $p answers '$status' without a login; not validated here" ;;
	esac
done <"$A11Y_FORMS"

cd "$ROOT/tests/a11y" || exit 1
node validate.js --site "$A11Y_SITE" --manifest "$A11Y_MANIFEST" \
    --forms "$FORMS_DIR"
