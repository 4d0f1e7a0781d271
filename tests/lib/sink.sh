# sink.sh: start the SMTP sink (tests/smtpsink.py) for a test case.
# sink_start DIR: messages go to DIR/spool; sets SINK (its pid) and PORT
# (empty if it did not start within 10 s).  The case stops it with
# kill "$SINK" in its EXIT trap.
sink_start() {
	/usr/bin/python3 "$KENMIN_ROOT/tests/smtpsink.py" "$1/spool" "$1/port" \
	    2>"$1/sink.err" &
	SINK=$!
	for _ in $(seq 100); do [ -s "$1/port" ] && break; sleep 0.1; done
	PORT=$(cat "$1/port" 2>/dev/null)
}
