#!/usr/bin/env bash
# 720_flows_browser.sh: issue #5's browser test: every registration flow
# walked by a person in headless Chromium (tests/browser/flows.js) on a
# site of its own (an empty database, lighttpd through scripts/serve and
# the SMTP sink, all started here and stopped at exit): register, follow
# the mailed link, log in and finish, a member of staff approves, the
# public page shows the item.  Screenshots of the public pages reached go
# to $KENMIN_FLOWS_SHOTS when set, else under $KENMIN_TMP.  Sanitizer
# reports of the CGI and of the detached kenmin-gen runs fail the case.
set -uo pipefail
ROOT=${KENMIN_ROOT:?}
: "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_CGI:?}"
. "$ROOT/tests/lib/sink.sh"

SERVE=$ROOT/scripts/serve
S=$KENMIN_TMP/flows
export KENMIN_VAR=$S/var
export KENMIN_CONFIG=$S/kenmin.ini
KENMIN_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KENMIN_PORT
SHOTS=${KENMIN_FLOWS_SHOTS:-$KENMIN_TMP/shots}
# Sanitizer reports of the CGI and of the generator runs it starts
# (their standard streams are /dev/null) are written to files here.
SANLOG=$S/sanitizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:log_path=$SANLOG/asan
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}:log_path=$SANLOG/ubsan
SINK=

# Stop the server and the sink, then wait (bounded) for a detached
# `kenmin-gen publish` or `mail` the last approval started.
cleanup() {
	"$SERVE" --stop >/dev/null 2>&1
	if [ -n "$SINK" ]; then
		kill "$SINK" 2>/dev/null
		wait "$SINK" 2>/dev/null
	fi
	for _ in $(seq 200); do
		pgrep -f -- "$KENMIN_CONFIG" >/dev/null || break
		sleep 0.1
	done
}
trap cleanup EXIT

# 0 (and an ok line) when no sanitizer report was written, else 1 with
# the start of each report.
sanitizer_reports() {
	grep -l -E 'Sanitizer|runtime error' "$KENMIN_VAR/log/error.log" \
	    "$SANLOG"/* >"$S/reports" 2>/dev/null
	if [ ! -s "$S/reports" ]; then
		echo "ok - no sanitizer report from the CGI or the generator"
		return 0
	fi
	echo "not ok - no sanitizer report from the CGI or the generator"
	while read -r f; do
		echo "#   $f:"
		head -n 30 "$f" | sed 's/^/#     /'
	done <"$S/reports"
	return 1
}

mkdir -p "$KENMIN_VAR" "$SANLOG" "$SHOTS"
chmod 0700 "$KENMIN_VAR"
sink_start "$S"
if [ -z "$PORT" ]; then
	echo "not ok - the SMTP sink starts"
	sed 's/^/#   /' "$S/sink.err"
	exit 1
fi
echo "ok - the SMTP sink starts"

cat >"$KENMIN_CONFIG" <<EOC
[paths]
database = $KENMIN_VAR/kenmin.db
site_dir = $S/site
git_dir = $KENMIN_VAR/site.git
key_dir = $KENMIN_VAR/keys
upload_dir = $KENMIN_VAR/uploads
spool_dir = $KENMIN_VAR/spool
theme_dir = $ROOT/themes/default
content_dir = $ROOT/content
generator = $KENMIN_GEN
[site]
base_url = http://127.0.0.1:$KENMIN_PORT
[mail]
smtp_url = smtp://127.0.0.1:$PORT
mail_from = noreply@kenmin.example.jp
center_supernet = center-sn@kenmin.example.jp
center_aikasa = center-ak@kenmin.example.jp
EOC

# An empty site: init and a full build (no demo data; fast under ASan).
if ! { "$KENMIN_GEN" init && "$KENMIN_GEN" build; } >"$S/build.log" 2>&1; then
	echo "not ok - kenmin-gen init and build make the empty site"
	sed 's/^/#   /' "$S/build.log"
	sanitizer_reports
	exit 1
fi
echo "ok - kenmin-gen init and build make the empty site"
if ! "$SERVE" --background >"$S/serve.log" 2>&1; then
	echo "not ok - serve --background starts the site"
	sed 's/^/#   /' "$S/serve.log" "$KENMIN_VAR/log/error.log" 2>/dev/null
	sanitizer_reports
	exit 1
fi
echo "ok - serve --background starts the site"

node "$ROOT/tests/browser/flows.js" --base "http://127.0.0.1:$KENMIN_PORT" \
    --spool "$S/spool" --gen "$KENMIN_GEN" --db "$KENMIN_VAR/kenmin.db" \
    --shots "$SHOTS"
rc=$?

# The last publish may still run; its report must be in before we look.
cleanup
SINK=
sanitizer_reports || rc=1
exit $rc
