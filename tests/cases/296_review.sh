#!/bin/bash
# 296_review.sh: the staff review screens (formsvc/review.c) on a copy of
# the demo fixture: the overview and each queue's list, an item's rows
# and an edit request's diff, the four actions and their effect on the
# rows, the owner's mails at the SMTP sink, audit rows, publish_queue
# rows, duplicate_of that must exist, 10 racing approvals of one item,
# the preview through `kenmin-gen preview`, 403 for members, CSRF.
# needs: fixture

. "$(dirname "$0")/../lib/cgi.sh"
: "${KENMIN_FIXTURE:?}"

sink_start "$T"
[ -n "$PORT" ] || { notok "SMTP sink started"; exit 1; }
# The demo database and its keys, copied: the fixture stays read-only.
cp "$KENMIN_FIXTURE/k.db" "$T/k.db" && cp -r "$KENMIN_FIXTURE/keys" "$T/keys" &&
    chmod 700 "$T/keys" || { notok "copy the fixture"; exit 1; }
cgi_setup

# The generator the CGI starts is a recorder: publish and preview runs
# are logged (preview prints a page; exit 1 for events, as for a missing
# item), mail runs the real sender so the mails reach the sink.
cat > "$T/gen.sh" <<EOF
#!/bin/sh
echo "\$*" >> "$T/gen.log"
case "\$3" in
mail) exec "$GEN" -c "\$2" mail ;;
preview)
	[ "\$4" = event ] && exit 1
	printf '<!DOCTYPE html>\n<html lang="ja"><head><title>p</title></head>\n<body class="detail">\n<h1>PREVIEW-%s-%s</h1>\n</body></html>\n' "\$4" "\$5"
	exit 0 ;;
esac
exit 0
EOF
chmod 755 "$T/gen.sh"
sed -i "s|^generator = .*|generator = $T/gen.sh|" "$T/k.ini"

# seal TABLE COLUMN ID TEXT: the hex of a value sealed as lib/crypto.c
# does (AES-256-GCM, key id byte, AD table\0column\0id), for rows the
# test makes itself.
seal() {
	$PY - "$T/keys" "$@" <<'PYEOF'
import hashlib, os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
d, table, col, rid, text = sys.argv[1:]
k = open(d + "/data.key", "rb").read()
kid = hashlib.blake2b(k, digest_size=32).digest()[0]
ad = table.encode() + b"\0" + col.encode() + b"\0" + int(rid).to_bytes(8, "big")
n = os.urandom(12)
print((bytes([kid]) + n + AESGCM(k).encrypt(n, text.encode(), ad)).hex())
PYEOF
}
# The newest .eml sent to ADDRESS, decoded (mailbody), or nothing.
mailto() {
	local f
	for f in $(ls -t "$T/spool"/*.eml 2>/dev/null); do
		if mailbody "$f" 2>/dev/null | grep -q "^To: .*$1"; then mailbody "$f"; return; fi
	done
}
nmails() { find "$T/spool" -name '*.eml' 2>/dev/null | wc -l; }
count() { sq "$1"; }

PW='review staff pass 1'
staff_add rv_editor "$PW" editor
staff_session rv_editor "$PW"
check "editor session" test -n "${SS#*=}"

# ---- the overview and the lists ----
cgi GET /admin/review "$SS"
check "overview: 200 for an editor" is 200
check "overview: one h1" test "$(grep -c '<h1' "$T/body")" = 1
n=$(count "SELECT count(*) FROM org WHERE state = 'review'")
check "overview: new groups counted ($n)" grep -q "q=org\">スーパーネット 新規団体・企業登録</a></th><td>$n 件" "$T/body"
n=$(count "SELECT count(*) FROM member WHERE state = 'review' AND detail_done = 1")
check "overview: members counted ($n, detail done only)" grep -q "q=member\">あいかさねっと 会員登録</a></th><td>$n 件" "$T/body"
for q in org_edit event event_edit member_edit posting posting_edit; do
	check "overview: queue $q listed" has "?q=$q\""
done
cgi GET /admin/ "$SS"
check "admin top links the review overview" has 'admin/review">審査待ちの一覧</a>'

for spec in "org:name:org" "event:title:event" "posting:title:posting" \
    "member:coalesce(org_name, '個人会員 ' || login_id):member"; do
	IFS=: read -r q col table <<< "$spec"
	extra=; [ "$q" = member ] && extra=" AND detail_done = 1"
	ids=$(count "SELECT id FROM $table WHERE state = 'review'$extra ORDER BY created_at DESC, id DESC LIMIT 2")
	first=$(echo "$ids" | sed -n 1p); second=$(echo "$ids" | sed -n 2p)
	title=$(count "SELECT $col FROM $table WHERE id = $first")
	cgi GET /admin/review/list "$SS" "" "q=$q"
	check "list $q: 200" is 200
	check "list $q: newest item's title" has "$title"
	a=$(grep -n "id=$first\"" "$T/body" | head -1 | cut -d: -f1)
	b=$(grep -n "id=$second\"" "$T/body" | head -1 | cut -d: -f1)
	check "list $q: newest first" test -n "$a" -a -n "$b" -a "${a:-0}" -lt "${b:-0}"
done
cgi GET /admin/review/list "$SS" "" "q=nosuch"
check "list of an unknown queue goes to the overview" test "$(status) $(loc)" = "303 /cgi-bin/formsvc.cgi/admin/review"

# ---- an item's rows (the owner's hook) ----
ORG1=$(count "SELECT id FROM org WHERE state = 'review' ORDER BY id LIMIT 1")
ORG2=$(count "SELECT id FROM org WHERE state = 'review' ORDER BY id LIMIT 1 OFFSET 1")
cgi GET /admin/review/item "$SS" "" "q=org&id=$ORG1"
check "item: 200" is 200
check "item: its name" has "$(count "SELECT name FROM org WHERE id = $ORG1")"
check "item: the owner's rows" test "$(sed -n '/class="review-rows"/,/<\/table>/p' "$T/body" | grep -c '<th scope="row">')" -ge 1
check "item: four actions with the CSRF token" test "$(grep -c "name=\"csrf\" value=\"${SC#csrf=}\"" "$T/body")" = 4
check "item: preview link" has "admin/review/preview?q=org&amp;id=$ORG1"
cgi GET /admin/review/item "$SS" "" "q=org&id=999999"
check "item: unknown id is 404" is 404

# ---- who may see it ----
cgi GET /admin/review
check "public: redirected to the staff login" test "$(status) $(loc)" = "303 /cgi-bin/formsvc.cgi/admin/login"
member_add rv_member individual public rv_editor
member_login rv_member "$PW"
for p in /admin/review /admin/review/list /admin/review/item /admin/review/preview; do
	cgi GET "$p" "$MS" "" "q=org&id=$ORG1"
	check "member: GET $p is 403" is 403
done
cgi POST /admin/review/act "$MS" "$MC&q=org&id=$ORG1&action=approve"
check "member: POST act is 403" is 403

# ---- CSRF ----
cgi POST /admin/review/act "$SS" "q=org&id=$ORG1&action=approve"
check "act without the CSRF token is 403" is 403
check "... and changes nothing" test "$(count "SELECT state FROM org WHERE id = $ORG1")" = review
cgi GET /admin/review/act "$SS"
check "act: GET is 405" is 405

# ---- hold ----
audit0=$(count "SELECT count(*) FROM audit")
cgi POST /admin/review/act "$SS" "$SC&q=org&id=$ORG1&action=hold&note=$(enc '電話で確認中')"
check "hold: done" has '保留にしました。'
check "hold: review_flag and note" test "$(count "SELECT review_flag || '|' || review_note || '|' || state FROM org WHERE id = $ORG1")" = "held|電話で確認中|review"
check "hold: audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'hold' AND target_kind = 'org' AND target_id = $ORG1 AND actor_kind = 'staff'")" = 1
cgi GET /admin/review/list "$SS" "" "q=org"
check "hold: the list shows 保留中" grep -q "id=$ORG1\">.*保留中" "$T/body"

# ---- return, with the message mailed to the owner ----
EV1=$(count "SELECT id FROM event WHERE state = 'review' ORDER BY id LIMIT 1")
sq "UPDATE event SET submitter_email_ct = X'$(seal event submitter_email_ct "$EV1" ev-owner@example.jp)' WHERE id = $EV1"
cgi POST /admin/review/act "$SS" "$SC&q=event&id=$EV1&action=return&note="
check "return: a message is required" has '登録者へ送るメッセージを入力してください'
check "return: required error in the title" grep -q '<title>エラー：' "$T/body"
check "return: nothing changed" test -z "$(count "SELECT review_flag FROM event WHERE id = $EV1")"
m0=$(nmails)
NOTE=$(printf '開催日時を確認してください。\r\nBcc: evil@example.com')
cgi POST /admin/review/act "$SS" "$SC&q=event&id=$EV1&action=return&note=$(enc "$NOTE")"
check "return: done" has '差し戻しました'
check "return: review_flag returned, note kept" test "$(count "SELECT review_flag || '|' || instr(review_note, '開催日時を確認') FROM event WHERE id = $EV1")" = "returned|1"
check "return: audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'return' AND target_kind = 'event' AND target_id = $EV1")" = 1
waitmail $((m0 + 1))
M=$(mailto ev-owner@example.jp)
check "return: mail to the submitter" grep -q '^To: ev-owner@example.jp' <<< "$M"
check "return: subject is ours" grep -q '^Subject: 【スーパーネット】募集情報について確認のお願い' <<< "$M"
check "return: the message in the body" grep -q '開催日時を確認してください。' <<< "$M"
check "return: CR/LF in the message injects no header" test "$(grep -l 'evil@example.com' "$T/spool"/*.eml | xargs -r grep -il '^Bcc:' | wc -l)" = 0

# ---- duplicate ----
PUB=$(count "SELECT id FROM org WHERE state = 'public' ORDER BY id LIMIT 1")
cgi POST /admin/review/act "$SS" "$SC&q=org&id=$ORG2&action=duplicate&dup=9999999"
check "duplicate: an unknown id is refused" has '重複先の登録番号が見つかりません'
cgi POST /admin/review/act "$SS" "$SC&q=org&id=$ORG2&action=duplicate&dup=abc"
check "duplicate: not a number is refused" has '半角数字で入力してください'
check "duplicate: the typed value is kept" has 'name="dup" value="abc"'
check "duplicate: nothing changed" test -z "$(count "SELECT review_flag FROM org WHERE id = $ORG2")"
cgi POST /admin/review/act "$SS" "$SC&q=org&id=$ORG2&action=duplicate&dup=$PUB"
check "duplicate: done" has '重複として記録しました'
check "duplicate: flag and duplicate_of" test "$(count "SELECT review_flag || '|' || duplicate_of FROM org WHERE id = $ORG2")" = "duplicate|$PUB"
check "duplicate: audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'duplicate' AND target_id = $ORG2 AND detail LIKE '%duplicate_of=$PUB%'")" = 1
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=1&action=duplicate&dup=$PUB"
check "duplicate: not offered for edit requests (400)" is 400

# ---- approve: row, upload, mail, audit, publish queue ----
sq "UPDATE org SET reg_email_ct = X'$(seal org reg_email_ct "$ORG1" org-owner@example.jp)' WHERE id = $ORG1"
sq "INSERT INTO upload (stored_name, orig_name, mime, size, state, created_at) VALUES ('rv-test-stored', 'チラシ.PDF', 'application/pdf', 10, 'ok', 0)"
UP=$(count "SELECT id FROM upload WHERE stored_name = 'rv-test-stored'")
sq "INSERT INTO org_file (org_id, slot, upload_id) VALUES ($ORG1, 1, $UP)"
: > "$T/gen.log"
m0=$(nmails)
cgi POST /admin/review/act "$SS" "$SC&q=org&id=$ORG1&action=approve"
check "approve: done" has '承認しました'
check "approve: public, published_at set, flag cleared" test "$(count "SELECT state || '|' || (published_at > 0) || '|' || ifnull(review_flag, '-') FROM org WHERE id = $ORG1")" = "public|1|-"
check "approve: upload public under a random name, extension kept" test "$(count "SELECT state || '|' || (public_name GLOB '[0-9a-f]*.pdf' AND length(public_name) = 36) FROM upload WHERE id = $UP")" = "public|1"
check "approve: publish_queue has the org" test "$(count "SELECT count(*) FROM publish_queue WHERE kind = 'org' AND item_id = $ORG1")" = 1
check "approve: publish_queue has the upload" test "$(count "SELECT count(*) FROM publish_queue WHERE kind = 'upload' AND item_id = $UP")" = 1
check "approve: audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'approve' AND target_kind = 'org' AND target_id = $ORG1")" = 1
check "approve: audit detail has no address" test "$(count "SELECT count(*) FROM audit WHERE detail LIKE '%org-owner%'")" = 0
waitmail $((m0 + 1))
M=$(mailto org-owner@example.jp)
check "approve: mail to the registrant" grep -q '^Subject: 【スーパーネット】団体・企業の登録情報を承認しました' <<< "$M"
for _ in $(seq 50); do grep -q '^-c .* publish$' "$T/gen.log" && break; sleep 0.1; done
check "approve: the publish was started" grep -q '^-c .* publish$' "$T/gen.log"
cgi GET /admin/review/item "$SS" "" "q=org&id=$ORG1"
check "approve: no actions left on the item" test "$(grep -c 'name="action"' "$T/body")" = 0

# ---- 10 staff approving one member at once ----
MEM=$(count "SELECT id FROM member WHERE state = 'review' AND detail_done = 1 ORDER BY id LIMIT 1")
sq "UPDATE member SET email_ct = X'$(seal member email_ct "$MEM" mem-owner@example.jp)' WHERE id = $MEM"
o0=$(count "SELECT count(*) FROM outbox WHERE template = 'review_approved'")
TT=$T
pids=
for i in $(seq 10); do
	( T=$TT/race$i; mkdir -p "$T"; cgi POST /admin/review/act "$SS" "$SC&q=member&id=$MEM&action=approve" ) &
	pids="$pids $!"
done
# Only the ten requests: the SMTP sink is a child of this shell too.
wait $pids
T=$TT
won=$(grep -l '承認しました。公開ページは' "$T"/race*/body | wc -l)
lost=$(grep -l 'すでに他の職員が処理した' "$T"/race*/body | wc -l)
check "race: one approval won ($won)" test "$won" = 1
check "race: nine were told it was done ($lost)" test "$lost" = 9
check "race: one mail queued" test "$(count "SELECT count(*) FROM outbox WHERE template = 'review_approved'")" = $((o0 + 1))
check "race: one audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'approve' AND target_kind = 'member' AND target_id = $MEM")" = 1
check "race: one publish_queue row" test "$(count "SELECT count(*) FROM publish_queue WHERE kind = 'member' AND item_id = $MEM")" = 1
check "race: the member is public" test "$(count "SELECT state FROM member WHERE id = $MEM")" = public

# ---- an edit request: the diff, hold, return ----
PORG=$PUB
sq "INSERT INTO org_edit (org_id, via, payload_ct, created_at) VALUES ($PORG, 'link', X'00', strftime('%s','now'))"
OE=$(count "SELECT max(id) FROM org_edit")
sq "UPDATE org_edit SET payload_ct = X'$(seal org_edit payload_ct "$OE" "name=$(enc '新しい団体名')")' WHERE id = $OE"
sq "UPDATE org SET reg_email_ct = X'$(seal org reg_email_ct "$PORG" edit-owner@example.jp)' WHERE id = $PORG"
cgi GET /admin/review/list "$SS" "" "q=org_edit"
check "edit list: the request is listed" has "q=org_edit&amp;id=$OE\""
cgi GET /admin/review/item "$SS" "" "q=org_edit&id=$OE"
check "edit item: 200" is 200
check "edit item: the diff table" test "$(sed -n '/class="review-diff"/,/<\/table>/p' "$T/body" | grep -c '<th scope="row">')" -ge 1
check "edit item: a changed row is marked" has '変更あり'
check "edit item: no duplicate action" hasnt 'name="action" value="duplicate"'
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=$OE&action=hold&note=$(enc '確認中')"
check "edit hold: state held" test "$(count "SELECT state || '|' || review_note FROM org_edit WHERE id = $OE")" = "held|確認中"
check "edit hold: audit row" test "$(count "SELECT count(*) FROM audit WHERE action = 'hold' AND target_kind = 'org_edit' AND target_id = $OE")" = 1
m0=$(nmails)
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=$OE&action=return&note=$(enc '団体名の根拠資料を添えてください。')"
check "edit return: state returned, decided" test "$(count "SELECT state || '|' || (decided_at > 0) || '|' || decided_by FROM org_edit WHERE id = $OE")" = "returned|1|$(count "SELECT id FROM staff WHERE login_id = 'rv_editor'")"
check "edit return: the org itself unchanged" test "$(count "SELECT state FROM org WHERE id = $PORG")" = public
waitmail $((m0 + 1))
M=$(mailto edit-owner@example.jp)
check "edit return: the message mailed to the org" grep -q '団体名の根拠資料を添えてください。' <<< "$M"
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=$OE&action=approve"
check "edit: a returned request cannot be approved" has 'すでに他の職員が処理した'

# An edit whose payload the owner's apply refuses: nothing is kept.
sq "INSERT INTO org_edit (org_id, via, payload_ct, created_at) VALUES ($PORG, 'link', X'00', strftime('%s','now'))"
OE2=$(count "SELECT max(id) FROM org_edit")
sq "UPDATE org_edit SET payload_ct = X'$(seal org_edit payload_ct "$OE2" "not-a-form=1")' WHERE id = $OE2"
a0=$(count "SELECT count(*) FROM audit")
q0=$(count "SELECT count(*) FROM publish_queue")
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=$OE2&action=approve"
check "edit approve refused by apply: 500" is 500
check "edit approve refused by apply: the request still waits" test "$(count "SELECT state || '|' || ifnull(decided_at, '-') FROM org_edit WHERE id = $OE2")" = "review|-"
check "edit approve refused by apply: no audit or publish row" test "$(count "SELECT count(*) FROM audit")|$(count "SELECT count(*) FROM publish_queue")" = "$a0|$q0"

# ---- preview ----
cgi GET /admin/review/preview "$SS" "" "q=org&id=$ORG2"
check "preview: 200" is 200
check "preview: the generator's page" has "PREVIEW-org-$ORG2"
banner_first() { grep -A1 '^<body class="detail">$' "$T/body" | tail -1 | grep -q 'プレビュー（未公開）'; }
check "preview: banner right after <body>" banner_first
check "preview: X-Robots-Tag noindex" grep -qi '^X-Robots-Tag: noindex' "$T/hdr"
check "preview: no-store" grep -qi '^Cache-Control: no-store' "$T/hdr"
check "preview: fixed argv" grep -qx -- "-c $T/k.ini preview org $ORG2" "$T/gen.log"
cgi GET /admin/review/preview "$SS" "" "q=event&id=$EV1"
check "preview: generator's exit 1 is 404" is 404
# The real generator, when it has the preview command.
sed -i "s|^generator = .*|generator = $GEN|" "$T/k.ini"
if "$GEN" preview org "$ORG2" > "$T/real.html" 2>/dev/null; then
	cgi GET /admin/review/preview "$SS" "" "q=org&id=$ORG2"
	check "real preview: 200 with the banner" test "$(status)" = 200 -a -n "$(grep -l 'プレビュー（未公開）' "$T/body")"
	check "real preview: the org's name" has "$(count "SELECT name FROM org WHERE id = $ORG2")"
else
	echo "ok - real preview # SKIP kenmin-gen has no preview command"
fi

exit $((fails > 0))
