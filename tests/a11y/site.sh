# site.sh: sourced by tests/cases/600_a11y.sh and 610_html_validate.sh:
# writes $KENMIN_TMP/kenmin.ini for a demo site under $KENMIN_TMP and
# defines a11y_build (init, demo, full build, then the manifest as
# "SIZE<TAB>PATH" lines in $A11Y_MANIFEST and formsvc's GET screens in
# $A11Y_FORMS).  Needs KENMIN_ROOT, KENMIN_TMP, KENMIN_GEN, KENMIN_CGI.

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_CGI:?}"

A11Y_TODAY=2025-02-14
A11Y_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KENMIN_VAR=$KENMIN_TMP/var
export KENMIN_CONFIG=$KENMIN_TMP/kenmin.ini
A11Y_SITE=$KENMIN_TMP/site-out
A11Y_MANIFEST=$KENMIN_TMP/manifest.tsv
A11Y_FORMS=$KENMIN_TMP/forms.txt
A11Y_DEMO=$KENMIN_VAR/demo.txt
mkdir -p "$KENMIN_VAR"
chmod 0700 "$KENMIN_VAR"
cat >"$KENMIN_CONFIG" <<EOC
[paths]
database = $KENMIN_VAR/kenmin.db
site_dir = $A11Y_SITE
git_dir = $KENMIN_VAR/site.git
key_dir = $KENMIN_VAR/keys
upload_dir = $KENMIN_VAR/uploads
spool_dir = $KENMIN_VAR/spool
theme_dir = $KENMIN_ROOT/themes/default
content_dir = $KENMIN_ROOT/content
generator = $KENMIN_GEN
[site]
base_url = http://127.0.0.1:$A11Y_PORT
EOC

a11y_gen() {
	"$KENMIN_GEN" -c "$KENMIN_CONFIG" --today "$A11Y_TODAY" "$@"
}

# 1 ok, else prints what failed; the site, manifest and screen list made.
a11y_build() {
	a11y_gen init >"$KENMIN_TMP/init.log" 2>&1 || { cat "$KENMIN_TMP/init.log"; return 1; }
	(umask 077; a11y_gen demo >"$A11Y_DEMO" 2>"$KENMIN_TMP/demo.log") ||
	    { cat "$KENMIN_TMP/demo.log"; return 1; }
	a11y_gen build >"$KENMIN_TMP/build.log" 2>&1 || { cat "$KENMIN_TMP/build.log"; return 1; }
	sqlite3 -separator '	' "$KENMIN_VAR/kenmin.db" \
	    "SELECT size, path FROM site_file ORDER BY path" >"$A11Y_MANIFEST" || return 1
	"$KENMIN_CGI" --list-pages >"$A11Y_FORMS" || return 1
}
