#!/usr/bin/env bash
# fixture.sh: builds the one demo site that tests/run shares, read-only,
# among the cases that say "# needs: fixture" (as $KENMIN_FIXTURE).
#
#   tests/fixture.sh DIR
#
# DIR (empty or new) gets k.ini (absolute paths, base_url
# https://kenmin.example.jp), k.db, keys/, spool/, demo.txt (what
# `demo` printed: the demo logins and the demo individual), site/ and
# site.git: `init`, `demo --scale 1 --seed 1` and, after the scenario
# rows of tests/fixture.sql, one full `build`, all at --today 2026-11-25
# (also in DIR/today).  Last the database leaves WAL mode so that a
# reader (sqlite3 -readonly) creates no -wal/-shm file in DIR.
# Needs KENMIN_ROOT and KENMIN_GEN; KENMIN_TEST_THEME replaces the theme.
set -uo pipefail

: "${KENMIN_ROOT:?}" "${KENMIN_GEN:?}"
F=${1:?usage: fixture.sh DIR}
TODAY=2026-11-25
THEME=${KENMIN_TEST_THEME:-$KENMIN_ROOT/themes/default}

mkdir -p "$F" || exit 1
F=$(cd "$F" && pwd) || exit 1
printf '%s\n' "$TODAY" >"$F/today"
cat >"$F/k.ini" <<EOF
[paths]
database = $F/k.db
site_dir = $F/site
git_dir = $F/site.git
key_dir = $F/keys
upload_dir = $F/uploads
spool_dir = $F/spool
theme_dir = $THEME
content_dir = $KENMIN_ROOT/content
[site]
base_url = https://kenmin.example.jp
EOF

gen() { "$KENMIN_GEN" -c "$F/k.ini" --today "$TODAY" "$@"; }
step() {	# step NAME COMMAND...: run it, say so when it fails
	local name=$1
	shift
	if ! "$@"; then
		echo "fixture: $name failed" >&2
		exit 1
	fi
}

step init gen init >/dev/null
(umask 077; gen demo --scale 1 --seed 1 >"$F/demo.txt") ||
    { echo "fixture: demo failed" >&2; exit 1; }
step "tests/fixture.sql" sqlite3 -bail "$F/k.db" <"$KENMIN_ROOT/tests/fixture.sql"
step build gen build >"$F/build.txt"
step "journal_mode" sqlite3 "$F/k.db" "PRAGMA journal_mode = DELETE" >/dev/null
for f in "$F/k.db-wal" "$F/k.db-shm"; do
	[ ! -e "$f" ] || { echo "fixture: $f left behind" >&2; exit 1; }
done
exit 0
