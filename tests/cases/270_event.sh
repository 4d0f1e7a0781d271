#!/bin/bash
# 270_event.sh: スーパーネット 募集情報 (紙1 イベント・募集, A-43) end to
# end through formsvc.cgi, and the form framework's files (FK_FILE):
# every rule with its message beside the field and in the summary,
# files checked by content and kept across errors and the confirmation
# by a signed reference (not replayable by another visitor, removable),
# oversize and wrong types refused with a message, the idempotent
# submit, rows and sealed columns, the mails at the SMTP sink (no
# header injection), the address link (GET shows, POST confirms), the
# private edit link of the receipt filing a 修正依頼, and the purge of
# files nobody sent.

. "$(dirname "$0")/../lib/cgi.sh"

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup

# Every control of the page's main form as name=value lines (inputs
# with their values, ticked boxes, textareas), the way a browser sends
# them; files are left out.
formfields() {
	$PY - "$T/body" <<'PYEOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.out = []; self.ta = None; self.inform = False
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "form" and a.get("method") == "post":
            self.inform = True
        if not self.inform:
            return
        if tag == "input":
            t = a.get("type", "text")
            if t in ("file", "submit"):
                return
            if t in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("value") == "delete":
                return
            self.out.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.ta = [a["name"], ""]
    def handle_data(self, d):
        if self.ta is not None:
            self.ta[1] += d
    def handle_endtag(self, tag):
        if tag == "textarea" and self.ta is not None:
            self.out.append(tuple(self.ta)); self.ta = None
        if tag == "form":
            self.inform = False
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
for n, v in p.out:
    print("%s=%s" % (n, v.replace("\n", "\\n")))
PYEOF
}
# The body's fields as arguments for cgi_mp, with NAME=VALUE overrides
# (an override replaces every field of that name).
fields_args() {
	local over=" $* "
	ARGS=()
	while IFS= read -r line; do
		case "$over" in *" ${line%%=*}="*) continue ;; esac
		ARGS+=("$(printf '%b' "$line")")
	done < <(formfields)
	ARGS+=("$@")
}
# VALID with NAME=VALUE fields replaced (or added) into ARGS.
with() {
	local over=" $* " f
	ARGS=()
	for f in "${VALID[@]}"; do
		case "$over" in *" ${f%%=*}="*) continue ;; esac
		ARGS+=("$f")
	done
	ARGS+=("$@")
}
# The count of lines of the page holding TEXT.
count() { grep -cF -- "$1" "$T/body"; }

# ---- files the tests send ----
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n%%%%EOF\n' > "$T/申込書.pdf"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' > "$T/photo.png"
printf 'GIF89a\1\0\1\0\0\0\0;' > "$T/abandoned.gif"
printf 'MZ\x90\0\3\0\0\0PE\0\0program' > "$T/setup.pdf"
cp "$T/photo.png" "$T/photo_as.pdf"
printf '%%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n' > "$T/script.pdf"
{ printf '%%PDF-1.4\n'; head -c 3500000 /dev/zero; } > "$T/big.pdf"
{ printf '%%PDF-1.4\n'; head -c 6000000 /dev/zero; } > "$T/huge.pdf"

anon
EV=/supernet/event
VALID=(category=event "organizer=やまぐち森の会" "title=秋の森林ボランティア"
    "held=2025年10月12日（日）9時～12時" starts_on=2025-10-12
    "place=山口市 中央公園" "body=下草刈りをします。
軍手をお持ちください。" fields=1 fields=2 "fee=無料" "contact=やまぐち森の会 083-922-0000"
    email=mori@example.jp email2=mori@example.jp)

# ---- the empty form ----
cgi GET $EV "$A"
check "GET $EV answers 200" is 200
check "the form has one h1" test "$(grep -c '<h1' "$T/body")" = 1
check "the form is sent as multipart/form-data" has 'enctype="multipart/form-data"'
check "required fields say 「必須」 as text" has '<span class="required">必須</span>'
check "a file input offers the accepted types" \
    has 'type="file" id="f-file1" name="file1" accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png,.gif"'
check "the file hint lists the types and the size" \
    has '対応している形式：PDF、Word、Excel、PowerPoint、JPEG、PNG、GIF。1ファイル3MBまで。'
check "every field has a label" test "$(grep -c '<label for="f-' "$T/body")" -ge 20
check "the notes before the form say what is published" has 'Eメール以外の項目と参考資料は、掲載時に公開されます'

# ---- every required rule ----
cgi_mp $EV "$A" "$C" step=confirm
check "an empty submit answers 200" is 200
check "the title says エラー：" has '<title>エラー：'
check "the error summary is shown" has 'class="error-summary"'
for m in 募集の種類を選択してください。 主催者を入力してください。 \
    タイトルを入力してください。 開催日時を入力してください。 \
    開催日（初日）を入力してください。 開催場所を入力してください。 \
    内容を入力してください。 分野を選択してください。 \
    問い合わせ先を入力してください。 Eメールを入力してください。 \
    Eメール（確認用）を入力してください。; do
	check "required: $m beside the field and in the summary" \
	    test "$(count "$m")" -ge 2
done
check "optional fields have no message" hasnt '参加料・入場料を入力'
check "no upload row for an empty form" test "$(sq 'SELECT count(*) FROM upload')" = 0

# ---- format rules, wrong files, values kept ----
with email2=other@example.jp apply_from=2025-09-10 \
    apply_until=2025-09-01 ref_url=ftp://example.jp/x starts_on=2025-13-40
cgi_mp $EV "$A" "$C" step=confirm "${ARGS[@]}" \
    "file1=@$T/申込書.pdf;type=application/pdf" \
    "file2=@$T/setup.pdf;type=application/pdf" \
    "file3=@$T/photo_as.pdf;type=application/pdf"
check "a program renamed .pdf is refused by type" \
    has '参考資料2：ファイルの種類が対応していません（PDF、Word、Excel、PowerPoint、JPEG、PNG、GIF）。'
check "a PNG named .pdf is refused as a mismatch" \
    has '参考資料3のファイル名の拡張子が、ファイルの内容と一致しません。'
check "a date that does not exist is refused" \
    has '開催日（初日）は「2000-04-01」のように、正しい日付を入力してください。'
check "募集期間 must not end before it starts" \
    has '募集期間（終了日）は、募集期間（開始日）と同じ日か、それより後の日付を入力してください。'
check "参考URL must be http(s)" has '参考URLは「https://」または「http://」で始まるアドレスを入力してください。'
check "the e-mail confirmation must match" has '確認のために入力したEメールが一致しません。'
check "the typed title is kept after an error" has 'value="秋の森林ボランティア"'
check "the typed 内容 is kept with its line break" has '下草刈りをします。
軍手をお持ちください。</textarea>'
check "a ticked 分野 stays ticked" grep -qE 'name="fields" value="2" checked' "$T/body"
check "the good file is kept and shown with its type and size" \
    has '選択済みのファイル：申込書.pdf（PDF形式、51バイト）'
check "the kept file offers 「削除する」" has '<label for="f-file1-delete">このファイルを削除する</label>'
check "a kept file replaces the file input" hasnt 'type="file" id="f-file1"'
REF1=$(sed -n 's/.*name="file1" value="\([0-9][^"]*\)" checked.*/\1/p' "$T/body")
check "the kept file is carried as ID.HMAC" grep -qE '^[0-9]+\.[0-9a-f]{64}$' <<< "$REF1"
check "only the good file was stored" test "$(sq 'SELECT count(*) FROM upload')" = 1
check "the upload row is in quarantine with a sanitised name, type, size and hash" \
    test "$(sq "SELECT state || '|' || orig_name || '|' || mime || '|' || size || '|' || hex(sha256) FROM upload")" = \
    "quarantine|申込書.pdf|application/pdf|$(stat -c %s "$T/申込書.pdf")|$(sha256sum "$T/申込書.pdf" | cut -c1-64 | tr a-f A-F)"
STORED=$(sq 'SELECT stored_name FROM upload')
check "the file is stored under upload_dir with a random name" \
    cmp -s "$T/申込書.pdf" "$T/uploads/$STORED"
check "the stored name is not the sent one" grep -qE '^[0-9a-f]{32}$' <<< "$STORED"
check "upload_dir is 0700 and the file 0600" \
    test "$(stat -c %a "$T/uploads")/$(stat -c %a "$T/uploads/$STORED")" = 700/600

# ---- size, scripts, the request cap ----
with ends_on=2025-10-11
cgi_mp $EV "$A" "$C" step=confirm "${ARGS[@]}" "file1=@$T/big.pdf;type=application/pdf" \
    "file2=@$T/script.pdf;type=application/pdf"
check "開催日 must not end before it starts" \
    has '開催日（最終日）は、開催日（初日）と同じ日か、それより後の日付を入力してください。'
check "a file over 3MB gets a message, not a crash" \
    has '参考資料1のファイルが大きすぎます。3MBまでのファイルを選択してください。'
check "a PDF with JavaScript is refused" has '参考資料2に、マクロやスクリプトを含むファイルは添付できません。'
check "neither was stored" test "$(sq 'SELECT count(*) FROM upload')" = 1
cgi_mp $EV "$A" "$C" step=confirm "${VALID[@]}" "file1=@$T/huge.pdf;type=application/pdf"
check "a body over the request cap answers 413" is 413
check "the 413 page explains it in Japanese" has '送信された内容が大きすぎます'

# ---- the reference: kept, not replayable, removable ----
cgi_mp $EV "$A" "$C" step=confirm "${VALID[@]}" "file1=$REF1" \
    "file2=@$T/photo.png;type=image/png"
check "a clean form reaches the confirmation page" has '<caption>入力内容の確認</caption>'
check "the kept file is confirmed without a second upload" has '申込書.pdf（PDF形式、51バイト）'
check "the new file is confirmed with its type" has 'photo.png（PNG形式、'
check "an empty slot says （添付なし）" has '（添付なし）'
check "the category is shown by its label" has '<td>イベント</td>'
check "two uploads in all" test "$(sq 'SELECT count(*) FROM upload')" = 2
cp "$T/body" "$T/confirm.html"
BAD=${REF1%.*}.$(printf '%064d' 0)
cgi_mp $EV "$A" "$C" step=confirm "${VALID[@]}" "file1=$BAD"
check "a forged reference holds no file" hasnt '申込書.pdf'
cgi GET /login
A2="__Host-kenmin_csrf=$(acsrf)"
cgi_mp $EV "$A2" "csrf=${A2#*=}" step=confirm "${VALID[@]}" "file1=$REF1"
check "another visitor cannot reuse a reference" hasnt '申込書.pdf'
cgi_mp $EV "$A" "$C" step=edit "${VALID[@]}" "file1=$REF1" file1=delete
check "「削除する」 removes the kept file" hasnt '申込書.pdf'

# ---- header injection ----
with "title=森
Bcc: evil@example.jp" "email=mori@example.jp
Bcc: evil@example.jp"
cgi_mp $EV "$A" "$C" step=confirm "${ARGS[@]}"
check "a line break in the title is a field error" has 'タイトルに改行などの制御文字は使用できません。'
check "a line break in the e-mail is a field error" has 'Eメールに改行などの制御文字は使用できません。'

# ---- confirm, submit, replay ----
cp "$T/confirm.html" "$T/body"
fields_args step=submit
cgi_mp $EV "$A" "$C" "${ARGS[@]}"
check "submit shows the done page" has '確認メールを送信しました'
check "one event row in 下書 until the address is confirmed" \
    test "$(sq "SELECT count(*) || state || category FROM event")" = "1draftevent"
EID=$(sq 'SELECT id FROM event')
check "the entry's columns hold what was typed" \
    test "$(sq "SELECT organizer || '|' || title || '|' || starts_on || '|' || fee FROM event")" = \
    "やまぐち森の会|秋の森林ボランティア|2025-10-12|無料"
check "the submitter's e-mail is sealed, not in clear" \
    test "$(sq "SELECT instr(submitter_email_ct, 'mori@') = 0 AND length(submitter_email_ct) > 28 AND length(submitter_email_bidx) = 32 FROM event")" = 1
check "分野 rows" test "$(sq "SELECT group_concat(field_id) FROM event_field WHERE event_id = $EID")" = 1,2
check "参考資料 rows link the two uploads in slots 1 and 2" \
    test "$(sq "SELECT group_concat(slot || ':' || u.orig_name) FROM event_file f JOIN upload u ON u.id = f.upload_id WHERE event_id = $EID ORDER BY slot")" = "1:申込書.pdf,2:photo.png"
check "an audit row for the submit" test "$(sq "SELECT count(*) FROM audit WHERE action = 'event_submit' AND target_id = $EID")" = 1
cgi_mp $EV "$A" "$C" "${ARGS[@]}"
check "a replayed submit shows the done page again" has '確認メールを送信しました'
check "a replayed submit creates nothing" test "$(sq 'SELECT count(*) FROM event')" = 1

# ---- the address link ----
check "the confirmation mail arrived" waitmail 1
M1=$(ls "$T"/spool/*.eml | head -1)
mailbody "$M1" > "$T/m1"
check "it goes to the submitter only" grep -qx 'To: mori@example.jp' "$T/m1"
check "its subject" grep -qx 'Subject: 【スーパーネット】募集情報の登録：メールアドレスの確認' "$T/m1"
check "no Bcc header reached the mail" test "$(grep -ci '^Bcc:' "$M1")" = 0
check "the center is not mailed before the address is confirmed" \
    test "$(grep -l 'center-sn@' "$T"/spool/*.eml 2>/dev/null | wc -l)" = 0
VT=$(sed -n 's|.*/supernet/event/verify?t=\([0-9a-f]*\).*|\1|p' "$T/m1")
cgi GET /supernet/event/verify "$A" "" "t=$VT"
check "the link's GET shows a button" has 'メールアドレスを確認する</button>'
check "the link's GET changes nothing" test "$(sq 'SELECT state FROM event')" = draft
cgi POST /supernet/event/verify "$A" "$C&t=$VT"
check "its POST confirms the address" has 'メールアドレスの確認が完了しました'
check "the entry goes to review" \
    test "$(sq 'SELECT state || (submitter_verified_at IS NOT NULL) FROM event')" = review1
cgi POST /supernet/event/verify "$A" "$C&t=$VT"
check "the link works once" has 'このURLは無効か、使用済みか'
check "the receipt and the center's notice arrived" waitmail 3
for f in "$T"/spool/*.eml; do
	mailbody "$f" > "$T/m"
	grep -q '^Subject: 【スーパーネット】募集情報の登録を受け付けました' "$T/m" && cp "$T/m" "$T/receipt"
	grep -q '^Subject: 【スーパーネット】募集情報の登録あり' "$T/m" && cp "$T/m" "$T/center"
done
check "the receipt goes to the submitter" grep -qx 'To: mori@example.jp' "$T/receipt"
check "the receipt holds the private edit link" grep -q '/supernet/event/edit?t=' "$T/receipt"
check "the center's notice goes to the center" grep -qx 'To: center-sn@kenmin.example.jp' "$T/center"
check "the center's notice names the entry, not the address" \
    sh -c "grep -q 'タイトル：秋の森林ボランティア' '$T/center' && ! grep -q 'mori@' '$T/center'"

# ---- the private link: a 修正依頼 ----
ET=$(sed -n 's|.*/supernet/event/edit?t=\([0-9a-f]*\).*|\1|p' "$T/receipt")
cgi GET /supernet/event/edit "$A" "" "t=$ET"
check "the edit link opens the filled form" has 'value="秋の森林ボランティア"'
check "the edit page sends no Referer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "the filled form keeps the files" has '選択済みのファイル：photo.png（PNG形式、'
fields_args step=confirm "title=秋の森林ボランティア（雨天中止）"
cgi_mp /supernet/event/edit "$A" "$C" "${ARGS[@]}"
check "the edit reaches the confirmation page" has '<td>秋の森林ボランティア（雨天中止）</td>'
fields_args step=submit
cgi_mp /supernet/event/edit "$A" "$C" "${ARGS[@]}"
check "the edit request is accepted" has '修正依頼を受け付けました'
check "one event_edit row in review" \
    test "$(sq "SELECT count(*) || state FROM event_edit WHERE event_id = $EID")" = 1review
check "its payload is sealed" \
    test "$(sq "SELECT instr(payload_ct, '雨天') = 0 AND length(payload_ct) > 100 FROM event_edit")" = 1
check "the live entry is unchanged until approval" \
    test "$(sq 'SELECT title FROM event')" = 秋の森林ボランティア
cgi GET /supernet/event/edit "$A" "" "t=$ET"
check "a used edit link no longer works" has 'このURLは無効か、使用済みか、有効期限が過ぎています'
check "the edit receipt and the center's notice arrived" waitmail 5
for f in "$T"/spool/*.eml; do
	mailbody "$f" > "$T/m"
	grep -q '^Subject: 【スーパーネット】募集情報の修正依頼を受け付けました' "$T/m" && cp "$T/m" "$T/receipt2"
	grep -q '^Subject: 【スーパーネット】募集情報修正依頼あり' "$T/m" && cp "$T/m" "$T/center2"
done
check "the center is told of the 修正依頼" grep -qx 'To: center-sn@kenmin.example.jp' "$T/center2"
ET2=$(sed -n 's|.*/supernet/event/edit?t=\([0-9a-f]*\).*|\1|p' "$T/receipt2")
check "the edit receipt carries a new link" test -n "$ET2" -a "$ET2" != "$ET"
sq "UPDATE token SET expires_at = 1 WHERE purpose = 'event_edit_link' AND used_at IS NULL"
cgi GET /supernet/event/edit "$A" "" "t=$ET2"
check "an expired edit link no longer works" has '有効期限が過ぎています'
for f in "$T"/spool/*.eml; do mailbody "$f"; done > "$T/all"
check "no mail carries a password" sh -c "! grep -qiE 'password|パスワード' '$T/all'"
check "only the submitter and the center were mailed" \
    test "$(grep '^To: ' "$T/all" | sort -u | tr '\n' ' ')" = "To: center-sn@kenmin.example.jp To: mori@example.jp "

# ---- staff review through event_review_rows and event_edit_apply ----
staff_add rv-editor 'review pass 1234' editor
staff_session rv-editor 'review pass 1234'
EDIT=$(sq 'SELECT id FROM event_edit')
cgi GET /admin/review/item "$SS" "" "q=event_edit&id=$EDIT"
check "the review screen shows the change" has '秋の森林ボランティア（雨天中止）'
check "the changed row is marked" has '変更あり'
check "staff see the submitter's address" has 'mori@example.jp'
cgi GET /admin/review/item "$SS" "" "q=event&id=$EID"
check "the entry's review screen shows its files" has 'photo.png（PNG形式、'
check "and its 分野 by name" has "$(sq 'SELECT name FROM m_field WHERE id = 2')"
cgi POST /admin/review/act "$SS" "$SC&q=event_edit&id=$EDIT&action=approve"
check "approving the 修正依頼 updates the live entry" \
    test "$(sq 'SELECT title FROM event')" = 秋の森林ボランティア（雨天中止）
check "the entry keeps its files and 分野" \
    test "$(sq "SELECT count(*) FROM event_file WHERE event_id = $EID")/$(sq "SELECT count(*) FROM event_field WHERE event_id = $EID")" = 2/2
check "the request is approved" test "$(sq 'SELECT state FROM event_edit')" = approved

# ---- purge: files nobody sent go after a day ----
cgi_mp $EV "$A" "$C" step=confirm "file1=@$T/abandoned.gif;type=image/gif"
GONE=$(sq "SELECT stored_name FROM upload WHERE orig_name = 'abandoned.gif'")
sq "UPDATE event_edit SET state = 'review'"
sq "UPDATE upload SET created_at = created_at - 3 * 86400"
"$GEN" purge > /dev/null 2>&1
check "an unsent upload is kept while an edit request may hold it" test -f "$T/uploads/$GONE"
sq "UPDATE event_edit SET state = 'approved' WHERE state <> 'approved'"
"$GEN" purge > /dev/null 2>&1
check "kenmin-gen purge removes the unsent upload's row" \
    test "$(sq "SELECT count(*) FROM upload WHERE orig_name = 'abandoned.gif'")" = 0
check "and its file" test ! -e "$T/uploads/$GONE"
check "linked uploads stay" test "$(sq 'SELECT count(*) FROM upload')" = 2 -a -f "$T/uploads/$STORED"

exit $((fails > 0))
