#!/bin/bash
# 400_mail.sh: the outbox and `kenmin-gen mail` against a real SMTP
# server (tests/smtpsink.py on 127.0.0.1): headers and a Japanese subject
# decode, the body is base64 UTF-8, the center copy is envelope-only,
# 451 retries with a growing backoff until dead, 550 is dead at once and
# counts a bounce, two concurrent senders deliver each mail once, a
# stuck 'sending' row is taken back, and header injection is refused at
# enqueue.  Mails are queued with build/<variant>/tests/test_outbox in
# its driver mode (the shipped kenmin-gen has no test commands).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$(realpath "${KENMIN_GEN:-$ROOT/build/san/kenmin-gen}")
Q=$(dirname "$GEN")/tests/test_outbox
PY=/usr/bin/python3
T=$(mktemp -d)
SINK=
cleanup() {
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
	cat "$T"/*.err >&2 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$ROOT" || exit 1

fails=0
ok()    { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

if [ ! -x "$Q" ] || ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "test_outbox driver ($Q) and python3-aiosmtpd are needed"
	exit 1
fi

. "$KENMIN_ROOT/tests/lib/sink.sh"
sink_start "$T"
check "SMTP sink started" test -n "$PORT"

cat > "$T/k.ini" <<EOF
[paths]
database = $T/k.db
key_dir = $T/keys
site_dir = $T/site
git_dir = $T/site.git
spool_dir = $T/var
[mail]
smtp_url = smtp://127.0.0.1:$PORT
mail_from = noreply@kenmin.example.jp
center_supernet = center-sn@kenmin.example.jp
center_aikasa = center-ak@kenmin.example.jp
mail_max_attempts = 3
EOF
# A port nothing listens on, for connection failures.
DEADPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s/:$PORT\$/:$DEADPORT/" "$T/k.ini" > "$T/down.ini"

n=0
gen() { n=$((n + 1)); "$GEN" -c "$T/k.ini" "$@" 2>>"$T/gen$n.err"; }
sql() { sqlite3 "$T/k.db" "$@"; }
now() { date +%s; }
enqueue() { # enqueue TO SUBJECT [REPLYTO [BCC [UNSUB]]]; body from $T/body
	local to=$1 subj=$2; shift 2
	"$Q" enqueue "$T/k.ini" test_mail "$to" "$subj" "$T/body" "$@" \
	    2>>"$T/enqueue.log"
}
count_files() { find "$T/spool" -name '*.eml' | wc -l; }

check "init" gen init >/dev/null

# ---- one mail, every header ----
SUBJ='【スーパーネット】仮登録依頼を受け付けました（やまぐち県民活動支援センターからのお知らせ・長い件名の折り返し確認）'
printf '山田 太郎 様\n\n仮登録依頼を受け付けました。\nURL: https://example.jp/x\n' > "$T/body"
enqueue taro@example.jp "$SUBJ" reply@example.jp supernet \
    'https://kenmin.example.jp/cgi-bin/formsvc.cgi/unsubscribe?t=abc' >/dev/null
check "enqueue" test $? = 0
gen mail > "$T/out1"
check "summary line" grep -q '^mail: 1 sent, 0 to retry, 0 dead$' "$T/out1"
check "state sent" test "$(sql "SELECT state FROM outbox WHERE id = 1")" = sent
check "one message arrived" test "$(count_files)" = 1
EML=$(find "$T/spool" -name '*.eml' | head -1)
ENV=${EML%.eml}.env

$PY - "$EML" > "$T/hdr" <<'EOF'
import sys
from email import policy
from email.parser import BytesParser
raw = open(sys.argv[1], "rb").read()
m = BytesParser(policy=policy.default).parsebytes(raw)
print("subject\t" + str(m["Subject"]))
print("fromname\t" + m["From"].addresses[0].display_name)
print("fromaddr\t" + m["From"].addresses[0].addr_spec)
print("to\t" + str(m["To"]))
print("replyto\t" + str(m["Reply-To"]))
print("bcc\t" + str(m["Bcc"]))
print("date\t" + str(m["Date"]))
print("msgid\t" + str(m["Message-ID"]))
print("ctype\t" + m.get_content_type() + ";" + str(m.get_content_charset()))
print("cte\t" + str(m["Content-Transfer-Encoding"]))
print("lu\t" + str(m["List-Unsubscribe"]))
print("lup\t" + str(m["List-Unsubscribe-Post"]))
print("auto\t" + str(m["Auto-Submitted"]))
body = m.get_payload(decode=True).decode("utf-8")
print("body\t" + body.replace("\r\n", "\\n"))
hdr = raw.split(b"\r\n\r\n", 1)[0]
print("maxhdr\t%d" % max(len(l) for l in hdr.split(b"\r\n")
                          if not l.startswith(b"List-Unsubscribe:")))
print("maxlu\t%d" % max(len(l) for l in hdr.split(b"\r\n")))
print("maxbody\t%d" % max(len(l) for l in raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")))
print("center_in_data\t%d" % (b"center-sn" in raw))
EOF
h() { grep "^$1	" "$T/hdr" | cut -f2-; }
check "Japanese subject round-trips" test "$(h subject)" = "$SUBJ"
check "From display name" test "$(h fromname)" = "やまぐち県民活動支援センター"
check "From address" test "$(h fromaddr)" = noreply@kenmin.example.jp
check "To" test "$(h to)" = taro@example.jp
check "Reply-To" test "$(h replyto)" = reply@example.jp
check "no Bcc header" test "$(h bcc)" = None
check "Date in +0900" sh -c "echo '$(h date)' | grep -Eq '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} \+0900$'"
check "Message-ID" sh -c "echo '$(h msgid)' | grep -Eq '^<1\.[0-9a-f]{16}@kenmin\.example\.jp>$'"
check "text/plain UTF-8" test "$(h ctype)" = "text/plain;utf-8"
check "base64 transfer encoding" test "$(h cte)" = base64
check "body decodes to the UTF-8 text" test "$(h body)" = \
    '山田 太郎 様\n\n仮登録依頼を受け付けました。\nURL: https://example.jp/x\n'
check "List-Unsubscribe" test "$(h lu)" = \
    '<https://kenmin.example.jp/cgi-bin/formsvc.cgi/unsubscribe?t=abc>'
check "List-Unsubscribe-Post one-click" test "$(h lup)" = 'List-Unsubscribe=One-Click'
check "Auto-Submitted" test "$(h auto)" = auto-generated
check "header lines within 78 (List-Unsubscribe: 998)" test \
    "$(h maxhdr)" -le 78 -a "$(h maxlu)" -le 998
check "body lines within 76" test "$(h maxbody)" -le 76
check "envelope sender" test "$(head -1 "$ENV")" = noreply@kenmin.example.jp
check "envelope recipients: addressee and center" test \
    "$(tail -n +2 "$ENV" | sort | tr '\n' ' ')" = \
    "center-sn@kenmin.example.jp taro@example.jp "
check "center only in the envelope, not the message" test "$(h center_in_data)" = 0

# ---- 451: retry with growing backoff, then dead ----
printf 'retry\n' > "$T/body"
enqueue tempfail@example.jp "再送テスト" >/dev/null
id=$(sql "SELECT max(id) FROM outbox")
gen mail > "$T/out2"
check "451: summary" grep -q '^mail: 0 sent, 1 to retry, 0 dead$' "$T/out2"
check "451: state failed, attempts 1" test \
    "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $id")" = "failed 1"
d1=$(( $(sql "SELECT next_at FROM outbox WHERE id = $id") - $(now) ))
check "451: next try in about a minute" test "$d1" -ge 50 -a "$d1" -le 61
gen mail > "$T/out3"
check "not retried before next_at" grep -q '^mail: 0 sent, 0 to retry, 0 dead$' "$T/out3"
sql "UPDATE outbox SET next_at = $(( $(now) - 1 )) WHERE id = $id"
gen mail >/dev/null
d2=$(( $(sql "SELECT next_at FROM outbox WHERE id = $id") - $(now) ))
check "451 again: attempts 2" test "$(sql "SELECT attempts FROM outbox WHERE id = $id")" = 2
check "451 again: backoff grew to about 5 minutes" test "$d2" -ge 290 -a "$d2" -le 301
sql "UPDATE outbox SET next_at = $(( $(now) - 1 )) WHERE id = $id"
gen mail > "$T/out4"
check "451 at mail_max_attempts: dead" test \
    "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $id")" = "dead 3"
check "last_error names the reply, not the address" test \
    "$(sql "SELECT last_error FROM outbox WHERE id = $id")" = "451 at RCPT"
check "nothing from the 451 mail arrived" test "$(count_files)" = 1

# ---- 550: dead at once, bounce counted on the subscriber ----
BIDX=$("$Q" bidx "$T/k.ini" bounce@example.jp)
OTHER=$("$Q" bidx "$T/k.ini" other@example.jp)
sql "INSERT INTO subscriber (list, state, source, email_ct, email_bidx, created_at, updated_at)
     VALUES ('supernet', 'active', 'form', x'00', x'$BIDX', 0, 0),
            ('aikasa', 'active', 'form', x'00', x'$OTHER', 0, 0)"
printf 'bounce\n' > "$T/body"
enqueue bounce@example.jp "不達テスト" >/dev/null
id=$(sql "SELECT max(id) FROM outbox")
gen mail > "$T/out5" 2> "$T/mail5.log"
check "550: dead at the first attempt" test \
    "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $id")" = "dead 1"
check "550: bounce_count++ on the matching subscriber" test \
    "$(sql "SELECT bounce_count FROM subscriber WHERE email_bidx = x'$BIDX'")" = 1
check "550: other subscribers untouched" test \
    "$(sql "SELECT bounce_count FROM subscriber WHERE email_bidx = x'$OTHER'")" = 0
check "sender log has no full address" sh -c "! grep -q 'bounce@' '$T/mail5.log'"
gen mail --list-dead > "$T/dead"
check "--list-dead lists the bounced mail masked" grep -q \
    "^$id	test_mail	bo\*\*\*@example.jp	550 at RCPT (recipient)\$" "$T/dead"
check "--list-dead shows no full address" sh -c "! grep -Eq '(bounce|tempfail)@' '$T/dead'"

# ---- connection refused: temporary ----
printf 'down\n' > "$T/body"
enqueue down@example.jp "接続失敗テスト" >/dev/null
id=$(sql "SELECT max(id) FROM outbox")
"$GEN" -c "$T/down.ini" mail > "$T/out6" 2>>"$T/gen-down.err"
check "no server: failed, to retry" test \
    "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $id")" = "failed 1"
sql "UPDATE outbox SET next_at = $(( $(now) - 1 )) WHERE id = $id"
gen mail >/dev/null
check "server back: sent" test "$(sql "SELECT state FROM outbox WHERE id = $id")" = sent

# ---- a stuck 'sending' row is taken back only after its lease ----
printf 'stuck\n' > "$T/body"
enqueue stuck1@example.jp "中断テスト1" >/dev/null
enqueue stuck2@example.jp "中断テスト2" >/dev/null
sql "UPDATE outbox SET state = 'sending', next_at = $(( $(now) - 5 )) WHERE subject = '中断テスト1';
     UPDATE outbox SET state = 'sending', next_at = $(( $(now) + 500 )) WHERE subject = '中断テスト2'"
gen mail >/dev/null
check "expired lease: delivered" test \
    "$(sql "SELECT state FROM outbox WHERE subject = '中断テスト1'")" = sent
check "live lease: left alone" test \
    "$(sql "SELECT state FROM outbox WHERE subject = '中断テスト2'")" = sending

# ---- two concurrent senders deliver each mail exactly once ----
before=$(count_files)
printf '並行\n' > "$T/body"
for i in $(seq 1 30); do enqueue "u$i@example.jp" "並行テスト $i" >/dev/null; done
gen mail > "$T/outa" &
pa=$!
"$GEN" -c "$T/k.ini" mail > "$T/outb" 2>>"$T/genb.err" &
pb=$!
wait $pa $pb
after=$(count_files)
check "concurrent: 30 messages arrived" test $((after - before)) = 30
check "concurrent: each recipient once" test "$(cat "$T"/spool/*.env |
    grep -c '^u[0-9]*@example.jp$')" = 30
check "concurrent: 30 distinct recipients" test "$(cat "$T"/spool/*.env |
    grep '^u[0-9]*@example.jp$' | sort -u | wc -l)" = 30
check "concurrent: all rows sent" test \
    "$(sql "SELECT count(*) FROM outbox WHERE subject LIKE '並行テスト %' AND state = 'sent'")" = 30
sa=$(sed -n 's/^mail: \([0-9]*\) sent.*/\1/p' "$T/outa")
sb=$(sed -n 's/^mail: \([0-9]*\) sent.*/\1/p' "$T/outb")
check "concurrent: the two summaries add up to 30" test $((sa + sb)) = 30

# ---- header injection is refused at enqueue ----
rows=$(sql "SELECT count(*) FROM outbox")
printf 'x\n' > "$T/body"
refused() { # refused NAME ARGS...: the driver exits 1 (refused)
	local name=$1; shift
	enqueue "$@" >/dev/null
	check "$name" test $? = 1
}
CRLF=$'\r\n'
refused "CRLF in subject" a@example.jp "件名${CRLF}Bcc: evil@example.jp"
refused "LF in subject" a@example.jp $'件名\nBcc: evil@example.jp'
refused "CR in subject" a@example.jp $'件名\rBcc: evil@example.jp'
refused "address with CRLF Bcc" "a@example.jp${CRLF}Bcc: evil@example.jp" "件名"
refused "display name with CRLF" "Taro${CRLF}Bcc: evil@example.jp <a@example.jp>" "件名"
refused "two addresses" "a@example.jp,evil@example.jp" "件名"
refused "Reply-To with CRLF" a@example.jp "件名" "r@example.jp${CRLF}Bcc: evil@example.jp"
refused "Reply-To with a name" a@example.jp "件名" "悪 <r@example.jp>"
refused "unknown BCC center" a@example.jp "件名" - evil@example.jp
refused "List-Unsubscribe breaking out of <>" a@example.jp "件名" - - \
    "https://x.example.jp/>${CRLF}Bcc: evil@example.jp"
check "refusals queued nothing" test "$(sql "SELECT count(*) FROM outbox")" = "$rows"
gen mail >/dev/null
check "no message ever reached evil@" sh -c "! grep -rq 'evil@' '$T/spool'"

exit $((fails > 0))
