# fixture.sh: what the cases that start from the shared demo site ("# needs:
# fixture", built once per run by tests/fixture.sh and read-only) share.
# Source it after setting W (the case's temporary directory); it needs
# KENMIN_ROOT and KENMIN_FIXTURE.  A copy NAME lives under $W as NAME.db,
# NAME-site, NAME.git and NAME-spool; keys and uploads are shared
# ($W/keys, $W/uploads).
#
#   fx_ini NAME [THEME]   write $W/NAME.ini for the copy NAME (the theme
#                         by default $KENMIN_TEST_THEME or themes/default;
#                         base_url as the fixture's)
#   fx_copy NAME          copy the fixture's database, site directory and
#                         history as NAME (and keys and uploads, once);
#                         status 0 if all was copied

fx_ini() {
	cat >"$W/$1.ini" <<EOF
[paths]
database = $W/$1.db
site_dir = $W/$1-site
git_dir = $W/$1.git
key_dir = $W/keys
upload_dir = $W/uploads
spool_dir = $W/$1-spool
theme_dir = ${2:-${KENMIN_TEST_THEME:-$KENMIN_ROOT/themes/default}}
content_dir = $KENMIN_ROOT/content
[site]
base_url = $(sed -n 's/^base_url = //p' "$KENMIN_FIXTURE/k.ini")
EOF
}

fx_copy() {
	{ [ -d "$W/keys" ] || cp -a "$KENMIN_FIXTURE/keys" "$W/keys"; } &&
	    { [ -d "$W/uploads" ] || cp -a "$KENMIN_FIXTURE/uploads" "$W/uploads" ||
	    mkdir -p "$W/uploads"; } &&
	    sqlite3 "$KENMIN_FIXTURE/k.db" ".backup '$W/$1.db'" &&
	    cp -a "$KENMIN_FIXTURE/site" "$W/$1-site" &&
	    cp -a "$KENMIN_FIXTURE/site.git" "$W/$1.git"
}
