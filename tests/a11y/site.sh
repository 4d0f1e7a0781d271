# site.sh: sourced by tests/cases/600_a11y.sh and 610_html_validate.sh:
# writes $KENMIN_TMP/kenmin.ini for the shared demo site of
# tests/fixture.sh ($KENMIN_FIXTURE/site, served and read as it is, never
# written) with a private copy of its database and keys under
# $KENMIN_VAR (formsvc writes sessions there), and defines a11y_prepare
# (the copies, then the manifest as "SIZE<TAB>PATH" lines in
# $A11Y_MANIFEST, formsvc's GET screens in $A11Y_FORMS and the demo
# logins in $A11Y_DEMO; an SMTP sink, tests/smtpsink.py, for the mail the
# form flows send, stopped by a11y_cleanup).  Needs KENMIN_ROOT,
# KENMIN_TMP, KENMIN_GEN, KENMIN_CGI and KENMIN_FIXTURE.

: "${KENMIN_ROOT:?}" "${KENMIN_TMP:?}" "${KENMIN_GEN:?}" "${KENMIN_CGI:?}"
: "${KENMIN_FIXTURE:?}"

A11Y_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KENMIN_VAR=$KENMIN_TMP/var
export KENMIN_CONFIG=$KENMIN_TMP/kenmin.ini
A11Y_SITE=$KENMIN_FIXTURE/site
A11Y_MANIFEST=$KENMIN_TMP/manifest.tsv
A11Y_FORMS=$KENMIN_TMP/forms.txt
A11Y_DEMO=$KENMIN_VAR/demo.txt
A11Y_SINK=
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

# 1 ok, else prints what failed; the copies, manifest and screen list made.
a11y_prepare() {
	cp "$KENMIN_FIXTURE/k.db" "$KENMIN_VAR/kenmin.db" || return 1
	cp -a "$KENMIN_FIXTURE/keys" "$KENMIN_VAR/keys" || return 1
	(umask 077; cp "$KENMIN_FIXTURE/demo.txt" "$A11Y_DEMO") || return 1
	[ -f "$A11Y_SITE/index.html" ] || { echo "no $A11Y_SITE/index.html"; return 1; }
	sqlite3 -separator '	' "$KENMIN_VAR/kenmin.db" \
	    "SELECT size, path FROM site_file ORDER BY path" >"$A11Y_MANIFEST" || return 1
	[ -s "$A11Y_MANIFEST" ] || { echo "the manifest is empty"; return 1; }
	"$KENMIN_CGI" --list-pages >"$A11Y_FORMS" || return 1
	# Registration and the reset request start `kenmin-gen mail`.
	/usr/bin/python3 "$KENMIN_ROOT/tests/smtpsink.py" "$KENMIN_VAR/mail" \
	    "$KENMIN_VAR/smtp.port" </dev/null >/dev/null 2>&1 &
	A11Y_SINK=$!
	local i
	for i in $(seq 100); do
		[ -s "$KENMIN_VAR/smtp.port" ] && break
		sleep 0.1
	done
	[ -s "$KENMIN_VAR/smtp.port" ] || { echo "the SMTP sink did not start"; return 1; }
	printf '[mail]\nsmtp_url = smtp://127.0.0.1:%s\nmail_from = noreply@kenmin.example.jp\ncenter_aikasa = center-ak@kenmin.example.jp\n' \
	    "$(cat "$KENMIN_VAR/smtp.port")" >>"$KENMIN_CONFIG"
}

# Stops the SMTP sink a11y_prepare started.
a11y_cleanup() {
	if [ -n "$A11Y_SINK" ]; then
		kill "$A11Y_SINK" 2>/dev/null
		wait "$A11Y_SINK" 2>/dev/null
	fi
}
