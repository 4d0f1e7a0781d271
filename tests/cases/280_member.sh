#!/bin/bash
# 280_member.sh: the あいかさねっと member's own screens through
# formsvc.cgi: the 詳細登録 (紙4 rows 19-42) per member type with every
# rule, values kept, confirmation, idempotent submit, detail_done and
# state, sealed columns, mails at the SMTP sink; my page (own data only);
# the A-14 edit split (a published field makes a member_edit, a
# non-public one changes at once); 休止・再開・退会 (A-15) with the
# publish queue, the password and the sessions; role and CSRF checks.

. "$(dirname "$0")/../lib/cgi.sh"

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup
# The detached publish would drain publish_queue before the checks read
# it: the wrapper runs the real generator for everything but "publish".
cat > "$T/gen.sh" <<EOF2
#!/bin/sh
for a in "\$@"; do last=\$a; done
[ "\$last" = publish ] && exit 0
exec "$GEN" "\$@"
EOF2
chmod +x "$T/gen.sh"
sed -i "s|^generator = .*|generator = $T/gen.sh|" "$T/k.ini"

# One staff account: its password hash is shared by member_add's members.
SPW='staff pass 280 ok'
staff_add st280 "$SPW"
check "staff account for the fixtures" test -n "$(sq "SELECT pw_hash FROM staff WHERE login_id='st280'")"

# ---- an individual registered through step 1 (its e-mail is sealed) ----
anon
PW='kojin pass 280'
EMAIL=kojin280@example.jp
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=individual&login_id=kojin280&password=$(enc "$PW")&password2=$(enc "$PW")&fullname=$(enc '山口 太郎')&fullkana=$(enc 'やまぐち たろう')&pref=35&muni=3&tel=083-922-0000&email=$EMAIL&email2=$EMAIL&gender=male&birth=1990-05-06&birth_agree=1"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "step 1 done" has '確認メールを送信しました'
KID=$(sq "SELECT id FROM member WHERE login_id='kojin280'")
sq "UPDATE member SET state = 'draft', email_verified_at = 1 WHERE id = $KID"
waitmail 1
rm -f "$T"/spool/*.eml

member_add dantai280 group draft st280
member_add kigyo280 company draft st280
GID=$(sq "SELECT id FROM member WHERE login_id='dantai280'")
CID=$(sq "SELECT id FROM member WHERE login_id='kigyo280'")
sq "UPDATE member SET org_name = '見守り隊280', org_kana = 'みまもりたい', rep_name = '周南 花子', rep_title = '代表', group_class_id = 2, pref_id = 35, muni_id = 3, wants_recruit = 1, wants_join = 0 WHERE id = $GID"
sq "UPDATE member SET org_name = '株式会社二八〇', org_kana = 'かぶしきがいしゃにはちまる', rep_name = '宇部 次郎', rep_title = '社長', company_category_id = 1, pref_id = 35, muni_id = 2 WHERE id = $CID"

# ---- roles ----
cgi GET /mypage/detail
check "anonymous 詳細登録 goes to the login" test "$(loc)" = "/cgi-bin/formsvc.cgi/login?next=/mypage/detail"
cgi GET /mypage/status
check "anonymous status page goes to the login" is 303

member_login kojin280 "$PW"; KS=$MS; KC=$MC
member_login dantai280 "$SPW"; GS=$MS; GC=$MC
member_login kigyo280 "$SPW"; CS=$MS; CC=$MC
check "three member sessions" test ${#KS} -gt 70 -a ${#GS} -gt 70 -a ${#CS} -gt 70

cgi POST /mypage/detail "$KS" "step=confirm&zip=7530072"
check "POST without the CSRF token: 403" is 403

# ---- my page before the 詳細登録 ----
cgi GET /mypage "$KS"
check "mypage 200" is 200
check "mypage: one h1" test "$(grep -c '<h1' "$T/body")" = 1
check "mypage asks for the 詳細登録" has '詳細登録へ進む'
check "mypage: state draft" has '詳細登録待ち'
check "mypage shows the member's sealed name" has '山口 太郎'
check "mypage shows the member's own e-mail" has "$EMAIL"
check "mypage links the account pages" has '/mypage/email"'
check "mypage links deletion and password" grep -q '/mypage/delete".*\|/password"' "$T/body"
check "an individual gets no posting link" hasnt '/mypage/posting/new'
cgi GET /mypage/edit "$KS"
check "edit before the 詳細登録 points to it" has '先に詳細登録をしてください'

# ---- 詳細登録: individual ----
cgi GET /mypage/detail "$KS"
check "detail form 200" is 200
check "individual: 職業" has 'name="occupation"'
check "individual: プロボノ" has 'name="probono_field"'
check "individual: 活動可能地域 boxes" has 'name="areas" value="3"'
check "individual: 19 市町 only (no 山口県外)" hasnt 'name="areas" value="99"'
check "individual: no 会員数" hasnt 'name="members_count"'
check "individual: no 担当者名" hasnt 'name="contact_name"'
check "individual: no files" hasnt 'type="file"'
check "individual: 「必須」 as text" has '<span class="required">必須</span>'
check "individual: no multipart" hasnt 'multipart/form-data'

cgi POST /mypage/detail "$KS" "$KC&step=confirm"
check "empty 詳細登録: error title" has '<title>エラー：'
for m in 郵便番号を入力してください。 住所を入力してください。 職業を入力してください。 \
    活動可能地域を選択してください。 活動希望分野を選択してください。 \
    活動可能曜日を選択してください。 活動可能時間帯を選択してください。; do
	check "required: $m beside the field" grep -q "class=\"field-error\" id=\"f-[a-z_]*-error\">$m" "$T/body"
	check "required: $m in the summary" grep -q "<li><a href=\"#f-[a-z_0-9-]*\">$m</a></li>" "$T/body"
done
check "optional FAX has no message" hasnt 'FAXを入力してください'

BAD="$KC&step=confirm&zip=12345&address=$(enc $'山口市\r\nBcc: evil@example.com')&fax=abc&url1=$(enc 'javascript:alert(1)')&url2_label=$(enc 'ブログ')&occupation=$(enc '会社員')&areas=3&areas=99&fields=1&weekdays=6&time_band=9"
cgi POST /mypage/detail "$KS" "$BAD"
check "zip rule" has '郵便番号は7桁の数字で入力してください'
check "CR/LF in a one-line value is refused" has '住所に改行などの制御文字は使用できません。'
check "FAX rule" has 'FAXは数字とハイフンで'
check "URL must be http(s)" has 'URL（1）は「https://」または「http://」で始まる'
check "URL description needs its URL" has 'URL（2）の説明だけが入力されています。'
check "an area outside the 19 市町 is refused" has '活動可能地域の選択肢が正しくありません。'
check "time band must be an option" has '活動可能時間帯を選択してください。'
check "typed value kept" has 'value="会社員"'
check "ticked box kept" has 'name="weekdays" value="6" checked'

GOOD="$KC&step=confirm&zip=$(enc '７５３-００７２')&address=$(enc '山口県山口市滝町1-1')&fax=083-922-0001&url1=$(enc 'https://kojin.example.jp/')&url1_label=$(enc 'ブログ')&occupation=$(enc '会社員')&qualification=$(enc '防災士')&sales_point=$(enc $'土日に動けます。\r\n力仕事も得意です。')&areas=3&areas=2&fields=1&fields=3&weekdays=6&weekdays=7&time_band=4&probono_field=2&probono_content=$(enc '写真撮影')&probono_prep=$(enc 'カメラ持参')&newsletter=1"
cgi POST /mypage/detail "$KS" "$GOOD"
check "confirmation page" has '入力内容の確認'
check "confirmation shows labels of options" has '山口市、宇部市'
check "confirmation shows the newsletter choice" has 'メルマガ配信を希望する'
check "confirmation carries an idempotency key" test "$(hidden idem | wc -c)" -gt 60
HB=$(hiddenbody)
cgi POST /mypage/detail "$KS" "$(printf '%s' "$HB" | sed 's/&step=confirm//')&step=edit"
check "「修正する」 keeps the values" has 'value="防災士"'
cgi POST /mypage/detail "$KS" "$HB&step=submit"
check "submit: done page" has '詳細登録を受け付けました'
check "detail_done = 1 and state review (A-46)" test "$(sq "SELECT detail_done || state FROM member WHERE id=$KID")" = 1review
check "occupation stored" test "$(sq "SELECT occupation FROM member WHERE id=$KID")" = 会社員
check "zip sealed, not in clear" test "$(sq "SELECT zip_ct IS NOT NULL AND instr(CAST(zip_ct AS TEXT), '753') = 0 FROM member WHERE id=$KID")" = 1
check "address sealed" test "$(sq "SELECT address_ct IS NOT NULL AND instr(CAST(address_ct AS TEXT), '滝町') = 0 FROM member WHERE id=$KID")" = 1
check "areas stored" test "$(sq "SELECT group_concat(muni_id) FROM (SELECT muni_id FROM member_area WHERE member_id=$KID ORDER BY 1)")" = 2,3
check "fields stored" test "$(sq "SELECT count(*) FROM member_field WHERE member_id=$KID")" = 2
check "weekdays stored" test "$(sq "SELECT group_concat(weekday_id) FROM (SELECT weekday_id FROM member_weekday WHERE member_id=$KID ORDER BY 1)")" = 6,7
check "time band and pro bono stored" test "$(sq "SELECT time_band_id || '/' || probono_field_id || '/' || probono_prep FROM member WHERE id=$KID")" = 4/2/カメラ持参
check "URL with its description" test "$(sq "SELECT url || ' ' || label FROM member_url WHERE member_id=$KID AND slot=1")" = 'https://kojin.example.jp/ ブログ'
check "newsletter opt-in (#42)" test "$(sq "SELECT newsletter_opt FROM member WHERE id=$KID")" = 1
check "one audit row" test "$(sq "SELECT count(*) FROM audit WHERE action='member_detail' AND target_id=$KID")" = 1
cgi POST /mypage/detail "$KS" "$HB&step=submit"
check "replayed submit: same done page" has '詳細登録を受け付けました'
check "replayed submit: no second audit row" test "$(sq "SELECT count(*) FROM audit WHERE action='member_detail' AND target_id=$KID")" = 1
check "replayed submit: two mails queued, not four" test "$(sq "SELECT count(*) FROM outbox")" -le 3
cgi GET /mypage/detail "$KS"
check "詳細登録 only once" has '詳細登録は完了しています'

check "two mails reach the sink" waitmail 2
CM=$(grep -l 'center-ak@' "$T"/spool/*.eml | head -1)
MM=$(grep -l "$EMAIL" "$T"/spool/*.eml | head -1)
check "center mail sent" test -n "$CM"
check "member mail sent" test -n "$MM"
if [ -n "$CM" ] && [ -n "$MM" ]; then
	mailbody "$CM" > "$T/cm.txt"; mailbody "$MM" > "$T/mm.txt"
	check "center mail subject" grep -q '^Subject: 【あいかさねっと】詳細登録あり' "$T/cm.txt"
	check "center mail names the member number" grep -q "会員番号：$KID" "$T/cm.txt"
	check "member mail subject" grep -q '^Subject: 【あいかさねっと】詳細登録を受け付けました' "$T/mm.txt"
	check "member mail to the member" grep -q "^To: $EMAIL" "$T/mm.txt"
	check "no password in the mails" sh -c "! grep -qF '$PW' '$T/cm.txt' '$T/mm.txt'"
	check "no Bcc header injected" sh -c "! grep -qi '^Bcc:' '$T'/spool/*.eml"
fi

# ---- 詳細登録: group that only recruits (A-37), with a file ----
cgi GET /mypage/detail "$GS"
check "group: 会員数" has '会員数'
check "group: 設立年月日" has '設立年月日'
check "group: 主な活動内容" has '主な活動内容'
check "group: 担当者名" has 'name="contact_name"'
check "group: three reference files" test "$(grep -c 'type="file"' "$T/body")" = 3
check "group: multipart form" has 'enctype="multipart/form-data"'
check "group that only recruits: no 活動可能地域 (A-37)" hasnt 'name="areas"'
check "group that only recruits: told why" has '入力は不要です'
check "group: no 職業" hasnt 'name="occupation"'
cgi POST /mypage/detail "$GS" "$GC&step=confirm&members_count=abc&founded_on=$(( $(date +%Y) + 1 ))-12-31"
for m in 郵便番号を入力してください。 設立目的を入力してください。 主な活動内容を入力してください。 担当者名を入力してください。 \
    会員数は0以上の数字で入力してください 設立年月日に未来の日付は入力できません。; do
	check "group rule: $m" has "$m"
done
check "group: no 活動可能地域 error" hasnt '活動可能地域を選択'
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\6\0\0\0\37\25\304\211\0\0\0\rIDATx\234c\370\377\377?\0\5\376\2\376\247\65\201\204\0\0\0\0IEND\256B`\202' > "$T/rules.png"
cgi_mp /mypage/detail "$GS" "${GC}" step=confirm zip=7530072 "address=山口市中央1-1" \
    members_count=25 founded_on=2005-04-01 "purpose=見守り" "activities=見守り活動" \
    "contact_name=担当 一郎" "file1=@$T/rules.png;type=image/png"
check "group confirmation page" has '入力内容の確認'
check "group: the file is kept past the confirmation" has 'rules.png'
cgi POST /mypage/detail "$GS" "$(hiddenbody)&step=submit"
check "group submit done" has '詳細登録を受け付けました'
check "group: detail_done and review" test "$(sq "SELECT detail_done || state FROM member WHERE id=$GID")" = 1review
check "group: members count stored" test "$(sq "SELECT members_count FROM member WHERE id=$GID")" = 25
check "group: contact name sealed" test "$(sq "SELECT contact_name_ct IS NOT NULL FROM member WHERE id=$GID")" = 1
check "group: file linked into member_file (#17)" test "$(sq "SELECT count(*) FROM member_file WHERE member_id=$GID AND slot=1")" = 1
check "group: no areas stored" test "$(sq "SELECT count(*) FROM member_area WHERE member_id=$GID")" = 0

# ---- 詳細登録: company ----
cgi GET /mypage/detail "$CS"
check "company: 社員数" has '社員数'
check "company: 創立年月日" has '創立年月日'
check "company: 事業概要" has '事業概要'
check "company: ボランティア実績" has 'name="volunteer_record"'
check "company: 活動可能地域 required" has 'name="areas"'
check "company: no プロボノ" hasnt 'name="probono_field"'
check "company: no files" hasnt 'type="file"'
cgi POST /mypage/detail "$CS" "$CC&step=confirm&zip=7550001&address=$(enc '宇部市1-1')&members_count=$(enc '１２０')&founded_on=1990-10-01&purpose=$(enc '地域貢献')&activities=$(enc '製造業')&contact_name=$(enc '担当 二郎')&volunteer_record=$(enc '清掃活動')&areas=2&fields=1&weekdays=1&time_band=1"
check "company confirmation" has '入力内容の確認'
cgi POST /mypage/detail "$CS" "$(hiddenbody)&step=submit"
check "company submit done" has '詳細登録を受け付けました'
check "company: 全角 count stored as 120" test "$(sq "SELECT members_count || '/' || volunteer_record FROM member WHERE id=$CID")" = 120/清掃活動

# ---- another member's data is never shown ----
cgi GET /mypage "$GS"
check "group mypage shows its own organisation" has '見守り隊280'
check "group mypage: posting link" has '/mypage/posting/new'
check "group mypage: not the individual's name" hasnt '山口 太郎'
check "group mypage: not the individual's e-mail" hasnt "$EMAIL"
cgi GET /mypage "$KS"
check "individual mypage: not the group" hasnt '見守り隊280'
check "individual mypage: not the company" hasnt '株式会社二八〇'
check "individual mypage: the registration rows" has '山口県山口市滝町1-1'

# ---- A-14: edits of a published member ----
sq "UPDATE member SET state = 'public', published_at = 1 WHERE id IN ($KID, $CID)"
sq "DELETE FROM publish_queue"
cgi GET /mypage/edit "$KS"
check "edit form filled from the record" has 'value="会社員"'
check "edit form shows the sealed zip to its owner" has 'value="753-0072"'
check "edit form: name editable" has 'name="fullname"'
check "edit form: no login ID or e-mail" hasnt 'name="email"'
ZIP0=$(sq "SELECT hex(zip_ct) FROM member WHERE id=$KID")
cgi POST /mypage/edit "$KS" "$KC&step=confirm&fullname=$(enc '山口 太郎')&fullkana=$(enc 'やまぐち たろう')&pref=35&muni=3&tel=083-922-0000&zip=7530088&address=$(enc '山口県山口市滝町1-1')&url1=$(enc 'https://kojin.example.jp/')&url1_label=$(enc 'ブログ')&occupation=$(enc '公務員')&qualification=$(enc '防災士')&sales_point=$(enc $'土日に動けます。\r\n力仕事も得意です。')&areas=3&areas=2&fields=1&fields=3&weekdays=6&weekdays=7&time_band=4&probono_field=2&probono_content=$(enc '写真撮影')&probono_prep=$(enc 'カメラ持参')&newsletter=1"
check "edit confirmation" has '入力内容の確認'
check "edit confirmation mentions review" has 'センターが確認したうえで反映します'
cgi POST /mypage/edit "$KS" "$(hiddenbody)&step=submit"
check "edit done: review announced" has '修正依頼として受け付け'
check "published field change → one member_edit in review" test "$(sq "SELECT count(*) FROM member_edit WHERE member_id=$KID AND state='review'")" = 1
EID1=$(sq "SELECT id FROM member_edit WHERE member_id=$KID AND state='review'")
check "published field unchanged on the row" test "$(sq "SELECT occupation FROM member WHERE id=$KID")" = 会社員
check "payload sealed, not in clear" test "$(sq "SELECT instr(CAST(payload_ct AS TEXT), 'occupation') = 0 AND length(payload_ct) > 16 FROM member_edit WHERE member_id=$KID")" = 1
check "non-public zip changed at once" test "$(sq "SELECT hex(zip_ct) FROM member WHERE id=$KID")" != "$ZIP0"
check "matching unchanged: no publish" test "$(sq "SELECT count(*) FROM publish_queue")" = 0
TEL0=$(sq "SELECT hex(tel_ct) FROM member WHERE id=$KID")
cgi POST /mypage/edit "$KS" "$KC&step=confirm&fullname=$(enc '山口 太郎')&fullkana=$(enc 'やまぐち たろう')&pref=35&muni=3&tel=083-922-9999&zip=7530088&address=$(enc '山口県山口市滝町1-1')&url1=$(enc 'https://kojin.example.jp/')&url1_label=$(enc 'ブログ')&occupation=$(enc '会社員')&qualification=$(enc '防災士')&sales_point=$(enc $'土日に動けます。\r\n力仕事も得意です。')&areas=3&fields=1&fields=3&weekdays=6&weekdays=7&time_band=4&probono_field=2&probono_content=$(enc '写真撮影')&probono_prep=$(enc 'カメラ持参')&newsletter=1"
cgi POST /mypage/edit "$KS" "$(hiddenbody)&step=submit"
check "non-public edit: done without review" has '登録情報を更新しました'
check "tel changed at once" test "$(sq "SELECT hex(tel_ct) FROM member WHERE id=$KID")" != "$TEL0"
check "published fields as stored: the pending request stays as it was" test "$(sq "SELECT group_concat(id) FROM member_edit WHERE member_id=$KID")" = "$EID1"
check "matching area change applies at once (A-14)" test "$(sq "SELECT group_concat(muni_id) FROM member_area WHERE member_id=$KID")" = 3
check "matching change queues the member's publish" test "$(sq "SELECT count(*) FROM publish_queue WHERE kind='member' AND item_id=$KID")" = 1
cgi POST /mypage/edit "$KS" "$KC&step=confirm&fullname=&tel=abc"
check "edit rules: name required" has '氏名を入力してください。'
check "edit rules: tel" has '電話番号は数字とハイフンで'
cgi POST /mypage/edit "$KS" "$KC&step=confirm&pref=13&muni=3"
check "edit rules: 都道府県 and 市町 agree (A-04)" has '市町は「山口県外」を選択してください。'
check "edit request: two more mails reach the sink" waitmail 4
for f in "$T"/spool/*.eml; do mailbody "$f"; done > "$T/all.txt"
check "center mail: 修正依頼あり" grep -q '^Subject: 【あいかさねっと】会員情報の修正依頼あり' "$T/all.txt"
check "member mail: 修正依頼を受け付けました" grep -q '^Subject: 【あいかさねっと】登録情報の修正依頼を受け付けました' "$T/all.txt"

# ---- the review hooks, through the staff screens (review.c) ----
staff_session st280 "$SPW"
cgi GET /admin/review/item "$SS" "" "q=member&id=$GID"
check "staff see the group's rows (member_review_rows)" has '会員数'
check "staff see the sealed contact name opened" has '担当 一郎'
check "staff see the reference file" has 'rules.png'
EID=$(sq "SELECT id FROM member_edit WHERE member_id=$KID AND state='review'")
cgi GET /admin/review/item "$SS" "" "q=member_edit&id=$EID"
check "edit request: before and after (member_review_rows with payload)" grep -q '会社員</td><td class="pre">公務員' "$T/body"
check "edit request: the change is marked" has '変更あり'
cgi POST /admin/review/act "$SS" "$SC&q=member_edit&id=$EID&action=approve"
check "approval applies the payload (member_edit_apply)" test "$(sq "SELECT occupation FROM member WHERE id=$KID")" = 公務員
check "approval keeps the non-public fields" test "$(sq "SELECT hex(tel_ct) FROM member WHERE id=$KID")" != "$TEL0"
check "edit row approved" test "$(sq "SELECT state FROM member_edit WHERE id=$EID")" = approved

# ---- 休止・再開・退会 (A-15) ----
sq "INSERT INTO posting (member_id, state, title, activity, org_name, anytime, created_at, updated_at) VALUES ($CID, 'public', '清掃ボランティア', '清掃', '株式会社二八〇', 1, 1, 1)"
PID=$(sq "SELECT id FROM posting WHERE member_id=$CID")
sq "DELETE FROM publish_queue"
cgi GET /mypage/status "$CS"
check "status page offers 休止" has 'value="pause"'
check "status page links 退会 to /mypage/delete (one path)" has '/mypage/delete">退会の手続きへ進む</a>'
check "status page does not offer 再開 while active" hasnt 'value="resume"'
cgi POST /mypage/status "$CS" "$CC&step=ask&action=pause"
check "pause asks first" has '休止してよろしいですか'
check "asking changes nothing" test "$(sq "SELECT status FROM member WHERE id=$CID")" = active
cgi POST /mypage/status "$CS" "$CC&step=do&action=pause"
check "paused" test "$(sq "SELECT status || '/' || (paused_at IS NOT NULL) FROM member WHERE id=$CID")" = paused/1
check "pause queues the member" test "$(sq "SELECT count(*) FROM publish_queue WHERE kind='member' AND item_id=$CID AND reason='pause'")" = 1
check "pause queues its postings" test "$(sq "SELECT count(*) FROM publish_queue WHERE kind='posting' AND item_id=$PID")" = 1
check "pause audit row" test "$(sq "SELECT count(*) FROM audit WHERE action='member_pause' AND target_id=$CID")" = 1
cgi POST /mypage/status "$CS" "$CC&step=do&action=pause"
check "pausing twice is refused" has '休止の手続きはできません'
cgi GET /mypage "$CS"
check "mypage says paused" has '現在、休止中です'
cgi POST /mypage/status "$CS" "$CC&step=do&action=resume"
check "resume: active again, back to review (staff re-publish)" test "$(sq "SELECT status || '/' || state || '/' || (paused_at IS NULL) FROM member WHERE id=$CID")" = active/review/1
check "resume audit row" test "$(sq "SELECT count(*) FROM audit WHERE action='member_resume' AND target_id=$CID")" = 1
cgi POST /mypage/status "$CS" "$CC&step=do&action=withdraw"
check "withdraw is not a status action (it is /mypage/delete)" is 400
cgi POST /mypage/status "$KS" "$KC&step=do&action=explode"
check "unknown action: 400" is 400

exit $((fails > 0))
