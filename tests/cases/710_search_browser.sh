#!/usr/bin/env bash
# 710_search_browser.sh: the search in headless Chromium on the served
# demo site (tests/search/browser.js): search.js's hits on /search/ equal
# formsvc /search's for golden queries, the aria-live region updates, and
# the list, member and grant search forms reach /search/ with JavaScript
# and the CGI without it.
# needs: fixture
set -uo pipefail
ROOT=${KENMIN_ROOT:?}
. "$ROOT/tests/a11y/site.sh"

SERVE=$ROOT/scripts/serve
export KENMIN_PORT=$A11Y_PORT
trap '"$SERVE" --stop >/dev/null 2>&1; a11y_cleanup' EXIT

if ! a11y_prepare >"$KENMIN_TMP/prepare.log" 2>&1; then
	echo "not ok - demo site prepared for the browser"
	sed 's/^/#   /' "$KENMIN_TMP/prepare.log"
	exit 1
fi
if ! "$SERVE" --background >"$KENMIN_TMP/serve.log" 2>&1; then
	echo "not ok - serve --background starts the demo site"
	sed 's/^/#   /' "$KENMIN_TMP/serve.log"
	exit 1
fi
echo "ok - serve --background starts the demo site"
node "$ROOT/tests/search/browser.js" --base "http://127.0.0.1:$A11Y_PORT"
rc=$?
if grep -q -E 'Sanitizer|runtime error' "$KENMIN_VAR/log/error.log" 2>/dev/null; then
	echo "not ok - no sanitizer report from the CGI"
	rc=1
fi
exit $rc
