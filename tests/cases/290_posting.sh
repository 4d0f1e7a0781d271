#!/bin/bash
# 290_posting.sh: a group's volunteer recruitment (紙2 §5) from the my
# page through formsvc.cgi: who may post (groups only, published), every
# rule of the form with its message beside the field and in the summary,
# 募集期間 against 随時, the confirmation step, the idempotent submit with
# its rows and matching keys, the mails at the SMTP sink, header
# injection, editing in review (in place) and once published (a sealed
# posting_edit, the live row unchanged), another member's posting (404)
# and closing a recruitment early (publish queue).

. "$(dirname "$0")/../lib/cgi.sh"

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup
# The generator the CGI starts: mail runs for real (the sink checks it);
# publish is only recorded, so its queue rows stay for the checks.
cat > "$T/gen.sh" <<EOF2
#!/bin/bash
echo "\$*" >> "$T/gen.log"
[ "\${@: -1}" = publish ] && exit 0
exec "$GEN" "\$@"
EOF2
chmod +x "$T/gen.sh"
sed -i "s|^generator = .*|generator = $T/gen.sh|" "$T/k.ini"

TODAY=$(TZ=Asia/Tokyo date +%F)
FROM=$(TZ=Asia/Tokyo date -d '+3 days' +%F)
UNTIL=$(TZ=Asia/Tokyo date -d '+30 days' +%F)
PAST=$(TZ=Asia/Tokyo date -d '-1 days' +%F)
F1=$(sq "SELECT id FROM m_field WHERE on_aikasa = 1 ORDER BY sort, id LIMIT 1")
F2=$(sq "SELECT id FROM m_field WHERE on_aikasa = 1 ORDER BY sort, id LIMIT 1 OFFSET 1")
M1=$(sq "SELECT id FROM m_municipality WHERE outside = 0 ORDER BY sort, id LIMIT 1")
M2=$(sq "SELECT id FROM m_municipality WHERE outside = 0 ORDER BY sort, id LIMIT 1 OFFSET 1")
OUTSIDE=$(sq "SELECT id FROM m_municipality WHERE outside = 1 LIMIT 1")

# ---- a group with a sealed e-mail, through the registration form ----
anon
GEMAIL=kaigan.group@example.jp
PW='group pass 8 文字以上'
GC=$(sq "SELECT id FROM m_group_class ORDER BY sort, id LIMIT 1")
REQS=$(sq "SELECT group_concat('reqs=' || id, '&') FROM m_requirement WHERE site = 'aikasa'")
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=group&login_id=kaigan_g&password=$(enc "$PW")&password2=$(enc "$PW")&gclass=$GC&org_name=$(enc '海岸をきれいにする会')&org_kana=$(enc 'かいがんをきれいにするかい')&rep_name=$(enc '山口 花子')&rep_agree=1&rep_title=$(enc '代表')&pref=35&muni=$M1&tel=083-922-0000&email=$GEMAIL&email2=$GEMAIL&roles=recruit&$REQS"
check "group registration reaches its confirmation" has '入力内容の確認'
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "group registered" has '確認メールを送信しました'
GID=$(sq "SELECT id FROM member WHERE login_id = 'kaigan_g'")
check "group row stored" test -n "$GID"
sq "UPDATE member SET state = 'public', email_verified_at = 1 WHERE id = $GID"
waitmail 1
member_login kaigan_g "$PW"
check "group logged in" test ${#MS} -gt 20

# ---- the form ----
cgi GET /mypage/posting/new "$MS"
check "GET new: 200 for a published group" is 200
check "one h1" test "$(grep -c '<h1>' "$T/body")" = 1
check "h1 names the flow" has '<h1>ボランティア募集の新規登録</h1>'
check "required marker is text" has '<label for="f-title">タイトル <span class="required">必須</span></label>'
check "募集主体 prefilled with the group's name" has 'name="recruiter" value="海岸をきれいにする会"'
check "活動分野 checkboxes (FO_FIELD_AK)" has "name=\"fields\" value=\"$F1\""
check "活動曜日 checkboxes" has 'name="weekdays" value="1"'
check "活動地域: the 19 市町" has "name=\"areas\" value=\"$M1\""
check "活動地域: 山口県外 not offered" hasnt "name=\"areas\" value=\"$OUTSIDE\""
check "県内全域 box" has '県内全域で活動する'
check "随時 box" has '随時募集（募集期間を定めない）'
check "募集期間 as dates" has 'type="date" id="f-apply_until"'
check "three file inputs" test "$(grep -c 'type="file"' "$T/body")" = 3
check "form posts multipart" has 'enctype="multipart/form-data"'
check "no error summary on a fresh form" hasnt 'error-summary'

# Every required field empty: a message beside each and in the summary.
cgi POST /mypage/posting/new "$MS" "$MC&step=confirm"
check "errors: title prefixed" has '<title>エラー：'
for m in 'タイトルを入力してください。' '活動分野を選択してください。' \
    '活動内容を入力してください。' '活動日時を入力してください。' \
    '活動曜日を選択してください。' \
    '活動地域を選択してください（県内全域で活動する場合は「県内全域で活動する」にチェックを入れてください）。' \
    '活動場所を入力してください。' '募集主体の名称を入力してください。' \
    '募集主体の連絡先を入力してください。' '募集人員を入力してください。' \
    '募集期間（終了日）を入力するか、「随時募集」にチェックを入れてください。'; do
	check "required: $m beside the field" grep -qF -- "-error\">$m</p>" "$T/body"
	check "required: $m in the summary" grep -qF -- "$m</a></li>" "$T/body"
done
check "nothing stored on errors" test "$(sq 'SELECT count(*) FROM posting')" = 0

good() { # good [key=value overrides]: a complete posting body
	local b="$MC&step=confirm&title=$(enc '海岸清掃ボランティア募集')&fields=$F1&fields=$F2&activity=$(enc $'海岸のごみを拾います。\n軍手はこちらで用意します。')&when=$(enc '毎月第2土曜日 9時～12時')&weekdays=6&weekdays=7&areas=$M1&areas=$M2&place=$(enc 'きらら浜')&recruiter=$(enc '海岸をきれいにする会')&contact=$(enc '電話 083-922-0000')&url=$(enc 'https://kaigan.example.jp/')&headcount=$(enc '10名')&dress=$(enc '汚れてもよい服装')&apply_from=$FROM&apply_until=$UNTIL&notes=$(enc '雨天中止')"
	local kv k
	for kv in "$@"; do
		k=${kv%%=*}
		b=$(printf '%s' "$b" | sed "s/&$k=[^&]*//g")
		[ "$kv" = "$k=" ] || b="$b&$kv"
	done
	printf '%s' "$b"
}
rule() { # rule NAME MESSAGE OVERRIDES...
	local name=$1 msg=$2; shift 2
	cgi POST /mypage/posting/new "$MS" "$(good "$@")"
	check "rule: $name" grep -qF -- "$msg</p>" "$T/body"
	check "rule: $name in summary" grep -qF -- "$msg</a></li>" "$T/body"
}
rule "title length" 'タイトルは100文字以内で入力してください。' "title=$(printf 'x%.0s' $(seq 101))"
rule "activity length" '活動内容は2000文字以内で入力してください。' "activity=$(printf 'x%.0s' $(seq 2001))"
rule "until before from" '募集期間（終了日）は、開始日と同じ日か、それより後の日付を入力してください。' apply_from=$UNTIL apply_until=$FROM
rule "until in the past" '募集期間（終了日）に過去の日付は入力できません。' apply_from= apply_until=$PAST
rule "until needed without 随時" '募集期間（終了日）を入力するか、「随時募集」にチェックを入れてください。' apply_until=
rule "date format" '募集期間（開始日）は「2000-04-01」のように、正しい日付を入力してください。' apply_from=2025-02-30
rule "URL scheme" '募集主体のホームページURLは「https://」から始まる形式で入力してください（例：https://example.jp/）。' "url=$(enc 'javascript:alert(1)')"
rule "tampered weekday" '活動曜日の選択肢が正しくありません。' weekdays=9
rule "tampered area (山口県外 is not an area)" '活動地域の選択肢が正しくありません。' areas=$OUTSIDE
rule "CR/LF in the title (header injection)" 'タイトルに改行などの制御文字は使用できません。' "title=$(enc $'清掃\r\nBcc: x@evil.example')"
rule "CR/LF in 活動日時" '活動日時に改行などの制御文字は使用できません。' "when=$(enc $'土曜\r\nX: y')"
check "injection: no 500" is 200
cgi POST /mypage/posting/new "$MS" "$(good apply_until=$PAST)"
check "kept after an error: title" has 'value="海岸清掃ボランティア募集"'
check "kept after an error: a ticked weekday" grep -q 'name="weekdays" value="6" checked' "$T/body"
check "kept after an error: textarea" has '軍手はこちらで用意します。</textarea>'
cgi POST /mypage/posting/new "$MS" "$(good url= dress= notes=)&url=&dress=&notes="
check "optional fields may be sent empty" has '<caption>入力内容の確認</caption>'
cgi POST /mypage/posting/new "$MS" "$(good apply_from= apply_until=$TODAY)"
check "an end date of today is accepted" has '<caption>入力内容の確認</caption>'

# 随時 clears the period; 県内全域 alone is a valid area.
cgi POST /mypage/posting/new "$MS" "$(good anytime=1 areas= area_all=1 apply_from=$FROM apply_until=$PAST)"
check "随時: confirmation although the end date is past" has '<caption>入力内容の確認</caption>'
check "随時: period cleared on the confirmation" test "$(hidden apply_until)" = ""
check "随時 shown" has '随時募集（募集期間を定めない）'
cp "$T/body" "$T/anytime_confirm"

# ---- confirm, 修正する, submit ----
cgi POST /mypage/posting/new "$MS" "$(good)"
check "confirm page" has '<caption>入力内容の確認</caption>'
check "confirm shows option labels" has '<th scope="row">活動曜日</th><td>土曜日、日曜日</td>'
IDEM=$(hidden idem)
check "confirm carries an idempotency key" test ${#IDEM} = 64
check "confirm keeps values as hidden fields" test "$(hidden title)" = '海岸清掃ボランティア募集'
BODY=$(hiddenbody)
cgi POST /mypage/posting/new "$MS" "$BODY&step=edit"
check "修正する returns the form with values" has 'value="海岸清掃ボランティア募集"'
cgi POST /mypage/posting/new "$MS" "$BODY&step=submit"
check "submit: done page" has '<h1>ボランティア募集を受け付けました</h1>'
P1=$(sq "SELECT id FROM posting WHERE member_id = $GID ORDER BY id LIMIT 1")
check "posting stored, state review" test "$(sq "SELECT state FROM posting WHERE id = $P1")" = review
check "columns stored" test "$(sq "SELECT title || '|' || apply_from || '|' || apply_until || '|' || anytime || '|' || area_all || '|' || org_url || '|' || headcount FROM posting WHERE id = $P1")" = "海岸清掃ボランティア募集|$FROM|$UNTIL|0|0|https://kaigan.example.jp/|10名"
check "multi-line 活動内容 stored" test "$(sq "SELECT instr(activity, char(10)) > 0 FROM posting WHERE id = $P1")" = 1
check "weekday keys stored" test "$(sq "SELECT group_concat(weekday_id) FROM (SELECT weekday_id FROM posting_weekday WHERE posting_id = $P1 ORDER BY 1)")" = 6,7
check "area keys stored" test "$(sq "SELECT count(*) FROM posting_area WHERE posting_id = $P1 AND muni_id IN ($M1, $M2)")" = 2
check "field keys stored" test "$(sq "SELECT count(*) FROM posting_field WHERE posting_id = $P1 AND field_id IN ($F1, $F2)")" = 2
check "area_text for the lists" test -n "$(sq "SELECT area_text FROM posting WHERE id = $P1")"
check "audit row" test "$(sq "SELECT count(*) FROM audit WHERE action = 'posting_submit' AND target_id = $P1")" = 1
cgi POST /mypage/posting/new "$MS" "$BODY&step=submit"
check "replayed submit: same done page" has '<h1>ボランティア募集を受け付けました</h1>'
check "replayed submit stores nothing" test "$(sq 'SELECT count(*) FROM posting')" = 1
cgi POST /mypage/posting/new "$MS" "$(printf '%s' "$BODY" | sed 's/&idem=[^&]*//')&step=submit"
check "submit without an idempotency key: 400" is 400

# The mails (R173, R174): the center and the group.
mails() { # decode every message that arrived into $T/mail/N.txt
	local f
	mkdir -p "$T/mail"
	for f in "$T"/spool/*.eml; do
		mailbody "$f" > "$T/mail/$(basename "$f").txt"
	done
}
check "three mails arrived (verify, center, group)" waitmail 3
mails
CM=; GM=
for f in "$T"/mail/*.txt; do
	grep -q '^Subject: 【あいかさねっと】ボランティア募集登録あり$' "$f" && CM=$f
	grep -q '^Subject: 【あいかさねっと】ボランティア募集 仮登録完了$' "$f" && GM=$f
done
check "center mail: subject" test -n "$CM"
check "center mail: to the center" grep -q '^To: center-ak@kenmin.example.jp$' "${CM:-/dev/null}"
check "center mail: the posting number" grep -q "受付番号：$P1" "${CM:-/dev/null}"
check "group mail: subject" test -n "$GM"
check "group mail: to the group's sealed address" grep -q "^To: $GEMAIL$" "${GM:-/dev/null}"
check "group mail: the title" grep -q '海岸清掃ボランティア募集' "${GM:-/dev/null}"
check "group mail: the period" grep -q "募集期間：$FROM～$UNTIL" "${GM:-/dev/null}"
check "no password in any mail" test "$(grep -l -F "$PW" "$T"/mail/*.txt | wc -l)" = 0
check "no injected header or value in any mail" test "$(grep -il 'evil' "$T"/spool/*.eml | wc -l)" = 0

# The 随時 posting from above.
cp "$T/anytime_confirm" "$T/body"
cgi POST /mypage/posting/new "$MS" "$(hiddenbody)&step=submit"
P2=$(sq "SELECT max(id) FROM posting WHERE member_id = $GID")
check "随時 posting stored" test "$P2" != "$P1"
check "随時: anytime 1, no period" test "$(sq "SELECT anytime || '|' || coalesce(apply_from, 'null') || '|' || coalesce(apply_until, 'null') FROM posting WHERE id = $P2")" = '1|null|null'
check "県内全域: area_all, no 市町" test "$(sq "SELECT area_all || '|' || area_text || '|' || (SELECT count(*) FROM posting_area WHERE posting_id = $P2) FROM posting WHERE id = $P2")" = '1|県内全域|0'

# A reference file (FK_FILE) travels through the confirmation.
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$T/flyer.pdf"
mpargs=()
while IFS= read -r kv; do mpargs+=("$kv"); done < <($PY -c '
import sys, urllib.parse
for k, v in urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True):
    print(k + "=" + v)' "$(good)")
cgi_mp /mypage/posting/new "$MS" "${mpargs[@]}" "file1=@$T/flyer.pdf;type=application/pdf"
check "file: confirmation names it" has 'flyer.pdf（PDF形式'
cgi POST /mypage/posting/new "$MS" "$(hiddenbody)&step=submit"
P3=$(sq "SELECT max(id) FROM posting WHERE member_id = $GID")
check "file: linked as slot 1 of the posting" test "$(sq "SELECT u.orig_name || '|' || u.state FROM posting_file f JOIN upload u ON u.id = f.upload_id WHERE f.posting_id = $P3 AND f.slot = 1")" = 'flyer.pdf|quarantine'

# ---- who may post ----
N=$(sq 'SELECT count(*) FROM posting')
sq "UPDATE member SET type = 'individual' WHERE id = $GID"
cgi GET /mypage/posting/new "$MS"
check "individual refused: 403" is 403
check "individual refused: groups only, in Japanese" has 'ボランティア募集は、団体会員のみ登録できます'
cgi POST /mypage/posting/new "$MS" "$BODY&step=submit&idem=$(printf 'b%.0s' $(seq 64))"
check "individual's submit refused" is 403
sq "UPDATE member SET type = 'company' WHERE id = $GID"
cgi GET /mypage/posting/new "$MS"
check "company refused (R171: groups only)" is 403
sq "UPDATE member SET type = 'group', state = 'review' WHERE id = $GID"
cgi GET /mypage/posting/new "$MS"
check "unpublished group refused: 403" is 403
check "unpublished group: the reason" has '公開されてから、ボランティア募集を登録できます'
cgi POST /mypage/posting/new "$MS" "$BODY&step=submit&idem=$(printf 'c%.0s' $(seq 64))"
check "unpublished group's submit refused" is 403
sq "UPDATE member SET state = 'public', status = 'paused' WHERE id = $GID"
cgi GET /mypage/posting/new "$MS"
check "paused group refused" is 403
sq "UPDATE member SET status = 'active' WHERE id = $GID"
check "refusals stored nothing" test "$(sq 'SELECT count(*) FROM posting')" = "$N"
cgi GET /mypage/posting/new
check "anonymous: to the login" test "$(loc)" = '/cgi-bin/formsvc.cgi/login?next=/mypage/posting/new'

# ---- edit while in review: in place ----
cgi GET /mypage/posting/edit "$MS" "" "id=$P1"
check "edit GET: 200" is 200
check "edit: values from the row" has 'value="海岸清掃ボランティア募集"'
check "edit: weekday keys ticked" grep -q 'name="weekdays" value="7" checked' "$T/body"
check "edit: dates from the row" has "value=\"$UNTIL\""
check "edit: close button" has 'この募集を終了する'
cgi POST /mypage/posting/edit "$MS" "$(good "title=$(enc '海岸清掃（修正）')")&id=$P1"
check "edit: confirmation" has '<caption>入力内容の確認</caption>'
cgi POST /mypage/posting/edit "$MS" "$(hiddenbody)&step=submit"
check "edit in review: done" has '<h1>ボランティア募集を修正しました</h1>'
check "edit in review: updated in place" test "$(sq "SELECT title || '|' || state FROM posting WHERE id = $P1")" = '海岸清掃（修正）|review'
check "edit in review: no edit request" test "$(sq "SELECT count(*) FROM posting_edit")" = 0

# ---- edit once published: a sealed edit request (A-43) ----
sq "UPDATE posting SET state = 'public', published_at = 1 WHERE id = $P1"
cgi GET /mypage/posting/edit "$MS" "" "id=$P1"
check "published: the re-review notice" has 'この募集は公開中です。'
cgi POST /mypage/posting/edit "$MS" "$(good "title=$(enc '再審査される新しいタイトル')" weekdays=1)&id=$P1"
cgi POST /mypage/posting/edit "$MS" "$(hiddenbody)&step=submit"
check "published edit: done" has '<h1>修正の依頼を受け付けました</h1>'
check "published edit: posting_edit in review" test "$(sq "SELECT count(*) FROM posting_edit WHERE posting_id = $P1 AND state = 'review'")" = 1
check "published edit: the live row unchanged" test "$(sq "SELECT title || '|' || state FROM posting WHERE id = $P1")" = '海岸清掃（修正）|public'
check "published edit: live keys unchanged" test "$(sq "SELECT group_concat(weekday_id) FROM (SELECT weekday_id FROM posting_weekday WHERE posting_id = $P1 ORDER BY 1)")" = 6,7
check "published edit: payload sealed (no plain text)" test "$(sq "SELECT instr(payload_ct, CAST('再審査' AS BLOB)) FROM posting_edit WHERE posting_id = $P1")" = 0
check "published edit: audit row" test "$(sq "SELECT count(*) FROM audit WHERE action = 'posting_edit_request' AND target_id = $P1")" = 1
cgi GET /mypage/posting/edit "$MS" "" "id=$P1"
check "published edit: the pending values shown again" has 'value="再審査される新しいタイトル"'
cgi POST /mypage/posting/edit "$MS" "$(good "title=$(enc '二度目の修正')")&id=$P1"
cgi POST /mypage/posting/edit "$MS" "$(hiddenbody)&step=submit"
check "second edit replaces the pending request" test "$(sq "SELECT count(*) FROM posting_edit WHERE posting_id = $P1")" = 1
check "all nine mails arrived" waitmail 9
mails
check "center told of each edit request" test "$(grep -l '^Subject: 【あいかさねっと】ボランティア募集 修正依頼あり$' "$T"/mail/*.txt | wc -l)" = 2
check "edit request mail goes to the center" test "$(grep -l -e '修正依頼あり' "$T"/mail/*.txt | xargs grep -l '^To: center-ak@kenmin.example.jp$' | wc -l)" = 2

# ---- another member's posting: 404, never 403-with-data ----
staff_add staff1 'staff pass 8 chars' editor
member_add other_g group public staff1
OID=$(sq "SELECT id FROM member WHERE login_id = 'other_g'")
NOW=$(date +%s)
sq "INSERT INTO posting (member_id, state, title, activity, org_name, anytime, created_at, updated_at) VALUES ($OID, 'public', '他団体の募集', 'x', '他団体', 1, $NOW, $NOW)"
PO=$(sq "SELECT max(id) FROM posting WHERE member_id = $OID")
cgi GET /mypage/posting/edit "$MS" "" "id=$PO"
check "IDOR: another member's posting is 404" is 404
check "IDOR: nothing of it shown" hasnt '他団体の募集'
cgi POST /mypage/posting/edit "$MS" "$(good)&id=$PO"
check "IDOR: POST confirm is 404" is 404
cgi POST /mypage/posting/close "$MS" "$MC&id=$PO"
check "IDOR: close is 404" is 404
check "IDOR: their posting not closed" test "$(sq "SELECT closed FROM posting WHERE id = $PO")" = 0
cgi GET /mypage/posting/edit "$MS" "" "id=999999"
check "unknown id: 404" is 404
cgi GET /mypage/posting/edit "$MS"
check "no id: 404" is 404

# ---- the staff review through the hooks (review.c) ----
staff_session staff1 'staff pass 8 chars'
EID=$(sq "SELECT id FROM posting_edit WHERE posting_id = $P1 AND state = 'review'")
cgi GET /admin/review/item "$SS" "" "q=posting_edit&id=$EID"
check "review rows: the live title (before)" has '海岸清掃（修正）'
check "review rows: the requested title (after)" has '二度目の修正'
check "review rows: option labels, not ids" has '土曜日、日曜日'
cgi POST /admin/review/act "$SS" "$SC&q=posting_edit&id=$EID&action=approve"
check "edit apply: the live row takes the payload" test "$(sq "SELECT title || '|' || state FROM posting WHERE id = $P1")" = '二度目の修正|public'
check "edit apply: the request approved" test "$(sq "SELECT state FROM posting_edit WHERE id = $EID")" = approved

# ---- closing early: at once, with a publish ----
cgi POST /mypage/posting/close "$MS" "id=$P1"
check "close without CSRF: 403" is 403
check "close without CSRF: still open" test "$(sq "SELECT closed FROM posting WHERE id = $P1")" = 0
cgi GET /mypage/posting/close "$MS"
check "close by GET: 405" is 405
cgi POST /mypage/posting/close "$MS" "$MC&id=$P1"
check "close: done page" has '<h1>募集を終了しました</h1>'
check "close: closed = 1" test "$(sq "SELECT closed FROM posting WHERE id = $P1")" = 1
check "close: publish_queue row" test "$(sq "SELECT count(*) FROM publish_queue WHERE kind = 'posting' AND item_id = $P1 AND reason = 'closed'")" -ge 1
for _ in $(seq 100); do grep -q ' publish$' "$T/gen.log" 2>/dev/null && break; sleep 0.1; done
check "close: the publish was started" grep -qx -- "-c $T/k.ini publish" "$T/gen.log"
check "close: audit row" test "$(sq "SELECT count(*) FROM audit WHERE action = 'posting_close' AND target_id = $P1")" = 1
cgi GET /mypage/posting/edit "$MS" "" "id=$P1"
check "closed: no close button any more" hasnt 'この募集を終了する'

exit $((fails > 0))
