#!/bin/bash
# 305_apply.sh: あいかさねっと 参加する・問い合わせる (R183-R189) by login
# and by the mailed one-click token (A-17, R182), a group's 参加要請 to a
# member (R190-R191) and the staff counts page (A-18): who may send, a
# posting that is not recruiting, one's own posting, the required 問い
# 合わせ内容 and its length, the confirm step, the idempotent submit, the
# sealed row, the mails at the SMTP sink (recipient, subject, the
# center's envelope copy, no header injection), a token GET that sends
# nothing, one apply per token, an expired token and the daily limit.

. "$(dirname "$0")/../lib/cgi.sh"
TCGI=$(realpath "${KENMIN_TEST_CGI:-$(dirname "$CGI")/tests/formsvc-test.cgi}")

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup
# The generator the CGI starts: mail for real, publish only recorded.
cat > "$T/gen.sh" <<EOF2
#!/bin/bash
[ "\${@: -1}" = publish ] && exit 0
exec "$GEN" "\$@"
EOF2
chmod +x "$T/gen.sh"
sed -i "s|^generator = .*|generator = $T/gen.sh|" "$T/k.ini"

CENTER=center-ak@kenmin.example.jp
M1=$(sq "SELECT id FROM m_municipality WHERE outside = 0 ORDER BY sort, id LIMIT 1")
token() { "$TCGI" --test-token "$@" 2>/dev/null; }
no() { ! "$@"; }
napps() { sq "SELECT count(*) FROM application"; }
# findmail TO SUBJECT-PART [BODY-PART]: the newest message to TO whose
# subject (and text) has the part (waits up to 15 s); prints its path.
findmail() {
	local i f
	for i in $(seq 150); do
		for f in $(ls -t "$T"/spool/*.eml 2>/dev/null); do
			mailbody "$f" > "$T/fm" 2>/dev/null
			if head -2 "$T/fm" | grep -qF "To: $1" &&
			    head -2 "$T/fm" | grep -qF -- "$2" &&
			    grep -qF -- "${3:-}" "$T/fm"; then
				echo "$f"; return 0
			fi
		done
		sleep 0.1
	done
	return 1
}

# ---- a group and an individual with sealed data, through the form ----
anon
PW='apply pass 8 文字以上'
GC=$(sq "SELECT id FROM m_group_class ORDER BY sort, id LIMIT 1")
REQS=$(sq "SELECT group_concat('reqs=' || id, '&') FROM m_requirement WHERE site = 'aikasa'")
GEMAIL=umi.group@example.jp
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=group&login_id=umi_g&password=$(enc "$PW")&password2=$(enc "$PW")&gclass=$GC&org_name=$(enc '海をまもる会')&org_kana=$(enc 'うみをまもるかい')&rep_name=$(enc '海野 花子')&rep_agree=1&rep_title=$(enc '代表')&pref=35&muni=$M1&tel=083-111-2222&email=$GEMAIL&email2=$GEMAIL&roles=recruit&$REQS"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "group registered" has '確認メールを送信しました'
IEMAIL=taro.vol@example.jp
cgi POST /aikasa/register "$A" "$C&step=confirm&mtype=individual&login_id=taro_i&password=$(enc "$PW")&password2=$(enc "$PW")&fullname=$(enc '山口 太郎')&fullkana=$(enc 'やまぐち たろう')&pref=35&muni=$M1&tel=090-3333-4444&email=$IEMAIL&email2=$IEMAIL&gender=male&birth=1990-05-06&birth_agree=1"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "individual registered" has '確認メールを送信しました'
GID=$(sq "SELECT id FROM member WHERE login_id = 'umi_g'")
IID=$(sq "SELECT id FROM member WHERE login_id = 'taro_i'")
sq "UPDATE member SET state = 'public', email_verified_at = 1 WHERE id IN ($GID, $IID)"

NOW=$(date +%s)
posting() { # posting TITLE EXTRA-COLUMNS EXTRA-VALUES: a public posting's id
	sq "INSERT INTO posting (member_id, state, title, activity, org_name,
	    apply_until, $2 created_at, updated_at) VALUES ($GID, 'public', '$1',
	    '海岸のごみ拾い', '海をまもる会', '2099-12-31', $3 $NOW, $NOW);
	    SELECT last_insert_rowid()"
}
P1=$(posting '海岸清掃ボランティア' '' '')
PCLOSED=$(posting '終了した募集' 'closed,' '1,')
PFUTURE=$(posting 'まだ始まらない募集' 'apply_from,' "'2099-01-01',")
PDRAFT=$(sq "INSERT INTO posting (member_id, state, title, activity, org_name, anytime, created_at, updated_at) VALUES ($GID, 'review', '審査中', 'x', 'x', 1, $NOW, $NOW); SELECT last_insert_rowid()")

# ---- who may open the pages ----
cgi GET /aikasa/apply "" "" "posting=$P1"
check "public: 303 to the login" is 303
check "public: the login returns to the posting" test "$(loc)" = "/cgi-bin/formsvc.cgi/login?next=%2Faikasa%2Fapply%3Fposting%3D$P1"
cgi GET /aikasa/request "" "" "member=$IID"
check "public request: 303 with next" test "$(loc)" = "/cgi-bin/formsvc.cgi/login?next=%2Faikasa%2Frequest%3Fmember%3D$IID"
cgi GET /aikasa/inquire "" "" "posting=$P1"
check "public inquire: 303" is 303

member_login taro_i "$PW"
IS=$MS; ICS=$MC
check "login goes back to the posting" test "$(loc)" = /cgi-bin/formsvc.cgi/mypage
cgi POST /login "$A" "$C&login_id=umi_g&password=$(enc "$PW")&next=$(enc "/aikasa/apply?posting=$P1")"
check "login with next returns to /aikasa/apply?posting=" test "$(loc)" = "/cgi-bin/formsvc.cgi/aikasa/apply?posting=$P1"
GS="__Host-kenmin=$(sid)"
GCS="csrf=$(sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "${GS#*=}")'")"

# ---- 参加する, logged in ----
cgi GET /aikasa/apply "$IS" "" "posting=$P1"
check "apply: 200" is 200
check "apply: one h1" test "$(grep -c '<h1>' "$T/body")" = 1
check "apply: h1" has '<h1>ボランティアへの参加申込</h1>'
check "apply: the posting's summary" has '海岸清掃ボランティア'
check "apply: what will be sent: name" has '山口 太郎'
check "apply: what will be sent: e-mail" has "$IEMAIL"
check "apply: what will be sent: phone" has '090-3333-4444'
check "apply: message is optional (no 必須)" hasnt '必須'
check "apply: nothing sent by a GET" test "$(napps)" = 0
MSG='当日は軍手を持参します。よろしくお願いします。'
cgi POST /aikasa/apply "$IS" "$ICS&step=confirm&posting=$P1&message=$(enc "$MSG")"
check "apply: confirm page" has '<caption>入力内容の確認</caption>'
check "apply: confirm shows the message" has "$MSG"
IDEM=$(hidden idem)
check "apply: confirm carries an idempotency key" test ${#IDEM} = 64
check "apply: confirm sends nothing" test "$(napps)" = 0
SUBMIT="$(hiddenbody)&step=submit"
cgi POST /aikasa/apply "$IS" "$(hiddenbody)&step=edit"
check "apply: 修正する keeps the message" has "$MSG</textarea>"
cgi POST /aikasa/apply "$IS" "$SUBMIT"
check "apply: done" has '参加の申し込みを募集団体に送信しました'
check "apply: one row" test "$(sq "SELECT count(*) FROM application WHERE kind = 'apply' AND posting_id = $P1 AND from_member_id = $IID AND to_member_id IS NULL")" = 1
check "apply: body sealed" test "$(sq "SELECT length(body_ct) > 40 FROM application WHERE kind = 'apply'")" = 1
cgi POST /aikasa/apply "$IS" "$SUBMIT"
check "apply: double submit shows done" has '送信しました'
check "apply: double submit makes one row" test "$(napps)" = 1
check "apply: audit row without personal data" test "$(sq "SELECT count(*) FROM audit WHERE action = 'apply' AND target_kind = 'application' AND detail NOT LIKE '%@%' AND detail NOT LIKE '%太郎%'")" = 1

F=$(findmail "$GEMAIL" '参加の申し込みがありました')
check "apply: mail to the group" test -n "$F"
if [ -n "$F" ]; then
	mailbody "$F" > "$T/m1"
	check "apply mail: the member's name" grep -qF '山口 太郎' "$T/m1"
	check "apply mail: the member's e-mail" grep -qF "$IEMAIL" "$T/m1"
	check "apply mail: the member's phone" grep -qF '090-3333-4444' "$T/m1"
	check "apply mail: the message" grep -qF "$MSG" "$T/m1"
	check "apply mail: the center's envelope copy (BCC)" grep -qxF "$CENTER" "${F%.eml}.env"
	check "apply mail: no Bcc header" no grep -qi '^Bcc:' "$F"
	check "apply mail: Reply-To the member" grep -qi "^Reply-To: $IEMAIL" "$F"
	check "apply mail: no password" no grep -qF "$PW" "$T/m1"
fi
F=$(findmail "$IEMAIL" '参加の申し込みを送信しました')
check "apply: the member's copy" test -n "$F"

# ---- the rules ----
cgi GET /aikasa/apply "$GS" "" "posting=$P1"
check "own posting: 403" is 403
check "own posting: says why" has 'ご自身の団体のボランティア募集'
cgi GET /aikasa/apply "$IS" "" "posting=$PCLOSED"
check "closed posting: 403" is 403
check "closed posting: says why" has '現在は受け付けていません'
cgi GET /aikasa/inquire "$IS" "" "posting=$PFUTURE"
check "not yet started: refused" has '現在は受け付けていません'
cgi POST /aikasa/apply "$IS" "$ICS&step=submit&idem=$(printf 'a%.0s' $(seq 64))&posting=$PCLOSED"
check "closed posting: a forged submit is refused" test "$(napps)" = 1
cgi GET /aikasa/apply "$IS" "" "posting=$PDRAFT"
check "posting in review: 404" is 404
cgi GET /aikasa/apply "$IS" "" "posting=999999"
check "unknown posting: 404 in Japanese" has '募集情報が見つかりません'
sq "UPDATE member SET status = 'paused' WHERE id = $GID"
cgi GET /aikasa/apply "$IS" "" "posting=$P1"
check "posting of a paused group (A-21): 404" is 404
sq "UPDATE member SET status = 'active' WHERE id = $GID"

# ---- 問い合わせる, logged in ----
cgi POST /aikasa/inquire "$IS" "$ICS&step=confirm&posting=$P1"
check "inquire: required message beside the field" grep -qF -- '-error">問い合わせ内容を入力してください。</p>' "$T/body"
check "inquire: in the summary" grep -qF '問い合わせ内容を入力してください。</a></li>' "$T/body"
check "inquire: error title" has '<title>エラー：'
cgi POST /aikasa/inquire "$IS" "$ICS&step=confirm&posting=$P1&message=$(enc "$(printf 'あ%.0s' $(seq 2001))")"
check "inquire: 2000 characters at most" has '問い合わせ内容は2000文字以内で入力してください。'
check "inquire: value kept after an error" has 'あああああ</textarea>'
INJ=$'集合場所を教えてください。\r\nBcc: evil@attacker.example\r\nSubject: hacked'
cgi POST /aikasa/inquire "$IS" "$ICS&step=confirm&posting=$P1&message=$(enc "$INJ")"
check "inquire: confirm" has '<caption>入力内容の確認</caption>'
cgi POST /aikasa/inquire "$IS" "$(hiddenbody)&step=submit"
check "inquire: done" has '問い合わせを募集団体に送信しました'
check "inquire: row" test "$(sq "SELECT count(*) FROM application WHERE kind = 'inquiry'")" = 1
F=$(findmail "$GEMAIL" '問い合わせがありました')
check "inquire: mail to the group" test -n "$F"
if [ -n "$F" ]; then
	mailbody "$F" > "$T/m2"
	check "inquire mail: the text in the body" grep -qF '集合場所を教えてください。' "$T/m2"
	check "inquire mail: no phone (R186)" no grep -qF '090-3333-4444' "$T/m2"
	check "inquire mail: BCC the center" grep -qxF "$CENTER" "${F%.eml}.env"
	check "inquire mail: no injected recipient" no grep -qF 'evil@attacker.example' "${F%.eml}.env"
	check "inquire mail: no injected header" no grep -qiE '^(Bcc|Subject: hacked)' "$F"
fi

# ---- sealed at rest ----
sq "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
check "DB file: no plaintext message" no grep -qaF "$MSG" "$T/k.db"
check "DB file: no plaintext phone" no grep -qaF '090-3333-4444' "$T/k.db"

# ---- the one-click token (A-17) ----
TOK=$(token "$P1" "$IID" 3600)
check "test token made" test ${#TOK} = 64
N0=$(napps); O0=$(sq "SELECT count(*) FROM outbox")
cgi GET /aikasa/apply "" "" "t=$TOK"
check "token GET: 200 without a login" is 200
check "token GET: Referrer-Policy no-referrer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "token GET: the summary" has '海岸清掃ボランティア'
check "token GET: the member's data" has "$IEMAIL"
check "token GET: one 送信する button" test "$(grep -c '<button' "$T/body")" = 1
check "token GET: sends nothing" test "$(napps)" = "$N0"
TC="__Host-kenmin_csrf=$(acsrf)"
TCS="csrf=${TC#*=}"
TBODY=$(hiddenbody)
check "token GET: no mail queued" test "$(sq "SELECT count(*) FROM outbox")" = "$O0"
cgi POST /aikasa/apply "$TC" "$TBODY&message=$(enc 'ワンクリックで申し込みます')"
check "token POST: sent" has '参加の申し込みを募集団体に送信しました'
check "token POST: one row" test "$(napps)" = $((N0 + 1))
F=$(findmail "$GEMAIL" '参加の申し込みがありました' 'ワンクリックで申し込みます')
check "token mail: to the group, with the message" test -n "$F"
cgi GET /aikasa/apply "$TC" "" "t=$TOK"
cgi POST /aikasa/apply "$TC" "$(hiddenbody)"
check "token: a second apply is refused" has 'すでに送信済みです'
check "token: still one row" test "$(napps)" = $((N0 + 1))
cgi GET /aikasa/inquire "$TC" "" "t=$TOK"
check "token inquire: the same token serves 問い合わせ" is 200
cgi POST /aikasa/inquire "$TC" "$(hiddenbody)"
check "token inquire: message required" has '問い合わせ内容を入力してください。'
cgi POST /aikasa/inquire "$TC" "$(hiddenbody)&message=$(enc '駐車場はありますか。')"
check "token inquire: sent" has '問い合わせを募集団体に送信しました'
cgi POST /aikasa/inquire "$TC" "$TCS&t=$TOK&step=submit&idem=$(printf 'b%.0s' $(seq 64))&message=x"
check "token inquire: a second one is refused" has 'すでに送信済みです'
cgi POST /aikasa/apply "$TC" "csrf=0000&t=$TOK&step=submit"
check "token POST without CSRF: 403" is 403
OLD=$(token "$P1" "$IID" -10)
cgi GET /aikasa/apply "" "" "t=$OLD"
check "expired token: refused" is 404
check "expired token: says why" has 'このURLは無効か、有効期限が過ぎています'
cgi POST /aikasa/apply "$TC" "$TCS&t=$OLD&step=submit&idem=$(printf 'c%.0s' $(seq 64))"
check "expired token: POST refused" has 'このURLは無効か'
cgi GET /aikasa/apply "" "" "t=$(printf 'f%.0s' $(seq 64))"
check "unknown token: refused" is 404
CT=$(token "$PCLOSED" "$IID" 3600)
cgi GET /aikasa/apply "" "" "t=$CT"
check "token of a closed posting: refused" is 403
OWN=$(token "$P1" "$GID" 3600)
cgi GET /aikasa/apply "" "" "t=$OWN"
check "token of the group itself: refused" has 'ご自身の団体'

# ---- 参加要請: a group asks a member ----
cgi GET /aikasa/request "$IS" "" "member=$GID"
check "request by an individual: 403" is 403
check "request by an individual: says it is for groups" has '団体の会員'
cgi GET /aikasa/request "$GS" "" "member=$GID"
check "request to oneself: 403" is 403
cgi GET /aikasa/request "$GS" "" "member=999999"
check "request to an unknown member: 404" is 404
cgi GET /aikasa/request "$GS" "" "member=$IID"
check "request: 200 for a published group" is 200
check "request: h1" has '<h1>会員への問い合わせ（参加要請）</h1>'
check "request: the member's name is not shown" hasnt '山口 太郎'
check "request: the group's data to be sent" has "$GEMAIL"
cgi POST /aikasa/request "$GS" "$GCS&step=confirm&member=$IID"
check "request: message required" has '問い合わせ内容を入力してください。'
cgi POST /aikasa/request "$GS" "$GCS&step=confirm&member=$IID&message=$(enc '清掃活動に参加しませんか。')"
check "request: confirm" has '<caption>入力内容の確認</caption>'
cgi POST /aikasa/request "$GS" "$(hiddenbody)&step=submit"
check "request: done" has '問い合わせを会員に送信しました'
check "request: row with to_member_id" test "$(sq "SELECT count(*) FROM application WHERE kind = 'request' AND from_member_id = $GID AND to_member_id = $IID AND posting_id IS NULL AND body_ct IS NOT NULL")" = 1
F=$(findmail "$IEMAIL" '団体からボランティア参加の問い合わせ')
check "request: mail to the member" test -n "$F"
if [ -n "$F" ]; then
	mailbody "$F" > "$T/m4"
	check "request mail: the group's name" grep -qF '海をまもる会' "$T/m4"
	check "request mail: the group's e-mail" grep -qF "$GEMAIL" "$T/m4"
	check "request mail: the text" grep -qF '清掃活動に参加しませんか。' "$T/m4"
	check "request mail: BCC the center" grep -qxF "$CENTER" "${F%.eml}.env"
fi
sq "UPDATE member SET state = 'review' WHERE id = $IID"
cgi GET /aikasa/request "$GS" "" "member=$IID"
check "request to an unpublished member: 404" is 404
sq "UPDATE member SET state = 'public' WHERE id = $IID"

# ---- the daily limit ----
sq "UPDATE rate_limit SET count = 20 WHERE bucket = 'application:$IID'"
N1=$(napps)
cgi POST /aikasa/inquire "$IS" "$ICS&step=confirm&posting=$P1&message=$(enc 'もう一件')"
RB="$(hiddenbody)&step=submit"
cgi POST /aikasa/inquire "$IS" "$RB"
check "rate limit: refused in Japanese" has '送信の回数が上限（1日20件）に達しました'
check "rate limit: nothing stored" test "$(napps)" = "$N1"
sq "UPDATE rate_limit SET window_start = window_start - 86400 WHERE bucket = 'application:$IID'"
cgi POST /aikasa/inquire "$IS" "$RB"
check "rate limit: a new day sends again" has '問い合わせを募集団体に送信しました'

# ---- staff: counts only (A-18) ----
cgi GET /admin/applications "$IS"
check "counts page: 403 for a member" is 403
cgi GET /admin/applications
check "counts page: 303 for the public" is 303
staff_add editor1 'staff pass 8 文字以上' editor
staff_session editor1 'staff pass 8 文字以上'
cgi GET /admin/applications "$SS"
check "counts page: 200 for staff" is 200
check "counts page: per month" grep -qE "<th scope=\"row\">$(TZ=Asia/Tokyo date +%Y-%m)</th><td>2</td><td>3</td><td>1</td>" "$T/body"
check "counts page: per posting" has '海岸清掃ボランティア</th><td>2</td><td>3</td>'
check "counts page: no names" hasnt '山口 太郎'
check "counts page: no addresses" hasnt '@example.jp'
check "counts page: no messages" hasnt '軍手'
cgi GET /aikasa/apply "$SS" "" "posting=$P1"
check "staff cannot apply: 403" is 403

[ "$fails" = 0 ]
