#!/usr/bin/env bash
# 600_a11y.sh: the theme's accessibility proofs in headless Chromium on a
# served demo site (tests/a11y/run.js): axe-core WCAG 2.0/2.1 A+AA with 0
# violations on one page per page type, every formsvc screen and every
# state of every form flow of tests/a11y/flows.js, and in
# all 9 text size x colour settings on each site's sample pages; a Tab
# walk (every element reached, in order, focus visible, no trap); reflow
# at 320 px and at 200 % text; the switcher; screenshots at 375 and
# 1280 px (kept in $KENMIN_A11Y_SHOTS when set, else under $KENMIN_TMP).
# needs: fixture
# (the shared demo site of tests/fixture.sh, see tests/a11y/site.sh)
set -uo pipefail
ROOT=${KENMIN_ROOT:?}
. "$ROOT/tests/a11y/site.sh"

SERVE=$ROOT/scripts/serve
export KENMIN_PORT=$A11Y_PORT
trap '"$SERVE" --stop >/dev/null 2>&1; a11y_cleanup' EXIT

if ! a11y_prepare >"$KENMIN_TMP/a11y_prepare.log" 2>&1; then
	echo "not ok - demo site prepared for the browser checks"
	sed 's/^/#   /' "$KENMIN_TMP/a11y_prepare.log"
	exit 1
fi
echo "ok - demo site prepared for the browser checks"
if ! "$SERVE" --background >"$KENMIN_TMP/serve.log" 2>&1; then
	echo "not ok - serve --background starts the demo site"
	sed 's/^/#   /' "$KENMIN_TMP/serve.log"
	exit 1
fi
echo "ok - serve --background starts the demo site"

SHOTS=${KENMIN_A11Y_SHOTS:-$KENMIN_TMP/screenshots}
echo "# screenshots: $SHOTS"
(cd "$ROOT/tests/a11y" && node run.js --base "http://127.0.0.1:$A11Y_PORT" \
    --manifest "$A11Y_MANIFEST" --forms "$A11Y_FORMS" \
    --logins "$A11Y_DEMO" --shots "$SHOTS")
rc=$?
if grep -q -E 'Sanitizer|runtime error' "$KENMIN_VAR/log/error.log" 2>/dev/null; then
	echo "not ok - no sanitizer report from the CGI"
	rc=1
else
	echo "ok - no sanitizer report from the CGI"
fi
exit "$rc"
