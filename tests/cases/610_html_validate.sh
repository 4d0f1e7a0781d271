#!/usr/bin/env bash
# 610_html_validate.sh: html-validate (html-validate:recommended, void-style
# off, see tests/a11y/validate.js; tests/a11y/htmlvalidate.json) reports 0 errors on one page
# of every generated page type of a demo site, on every formsvc screen
# that answers GET without a login and on every state of every form flow
# of tests/a11y/flows.js (empty, errors, confirmation, done; logged-in
# screens too), saved by tests/a11y/collect.js from the served demo site.
# needs: fixture
# (the shared demo site of tests/fixture.sh, see tests/a11y/site.sh)
set -uo pipefail
ROOT=${KENMIN_ROOT:?}
. "$ROOT/tests/a11y/site.sh"

SERVE=$ROOT/scripts/serve
export KENMIN_PORT=$A11Y_PORT
trap '"$SERVE" --stop >/dev/null 2>&1; a11y_cleanup' EXIT

if ! a11y_prepare >"$KENMIN_TMP/a11y_prepare.log" 2>&1; then
	echo "not ok - demo site prepared for html-validate"
	sed 's/^/#   /' "$KENMIN_TMP/a11y_prepare.log"
	exit 1
fi
echo "ok - demo site prepared for html-validate"
if ! "$SERVE" --background >"$KENMIN_TMP/serve.log" 2>&1; then
	echo "not ok - serve --background starts the demo site"
	sed 's/^/#   /' "$KENMIN_TMP/serve.log"
	exit 1
fi
echo "ok - serve --background starts the demo site"

FORMS_DIR=$KENMIN_TMP/forms
cd "$ROOT/tests/a11y" || exit 1
node collect.js --base "http://127.0.0.1:$A11Y_PORT" --forms "$A11Y_FORMS" \
    --logins "$A11Y_DEMO" --out "$FORMS_DIR"
rc=$?
node validate.js --site "$A11Y_SITE" --manifest "$A11Y_MANIFEST" \
    --forms "$FORMS_DIR" || rc=1
if grep -q -E 'Sanitizer|runtime error' "$KENMIN_VAR/log/error.log" 2>/dev/null; then
	echo "not ok - no sanitizer report from the CGI"
	rc=1
else
	echo "ok - no sanitizer report from the CGI"
fi
exit "$rc"
