#!/bin/bash
# 258_account_more.sh: the rest of issue #4 through formsvc.cgi: the
# e-mail change verified through a link to the new address (notice to
# the old one, single use, expiry, duplicate refused), withdrawal with
# the password (sessions ended, publish queued, mail, purge later), the
# staff member screens (search, view, suspend / reinstate / unlock /
# delete with a reason, CSV export), A-30 (the layout's timeout data,
# /session/extend, a form POSTed after expiry held and restored after
# the login) and A-29's address allow-list for IPv4 and IPv6.

. "$KENMIN_ROOT/tests/lib/cgi.sh"
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup "admin_allow = 192.0.2.0/24, 2001:db8:1::/48"

# What is queued for publish, kept after a detached publish took it.
sq "CREATE TABLE qlog (kind TEXT, item_id INTEGER, reason TEXT);
    CREATE TRIGGER qlog_add AFTER INSERT ON publish_queue BEGIN
    INSERT INTO qlog VALUES (new.kind, new.item_id, new.reason); END;"
PW='Account more パスワード 1'
staff_add admin1 "$PW" admin
staff_session admin1 "$PW"
member_add kojin1 individual public admin1
member_add dantai1 group public admin1
sq "UPDATE member SET org_name = '=HYPERLINK(\"http://x\")山口の会' WHERE login_id = 'dantai1'"
KID=$(sq "SELECT id FROM member WHERE login_id = 'kojin1'")
DID=$(sq "SELECT id FROM member WHERE login_id = 'dantai1'")
NOW=$(date +%s)
sq "INSERT INTO posting (member_id, title, activity, org_name, anytime, created_at, updated_at)
    VALUES ($DID, '清掃ボランティア', '海岸の清掃', '山口の会', 1, $NOW, $NOW)"
PID=$(sq "SELECT id FROM posting WHERE member_id = $DID")
member_login kojin1 "$PW"
check "member logged in" test -n "${MS#*=}"

# mail_to ADDR SUBJECT: the decoded newest mail to ADDR with SUBJECT in
# its subject line, into $T/mail; 1 if there is none.
mail_to() {
	local f
	: > "$T/mail"
	for f in $(ls -t "$T"/spool/*.eml 2>/dev/null); do
		mailbody "$f" > "$T/m1"
		if grep -q "^To: .*$1" "$T/m1" && grep -q "^Subject: .*$2" "$T/m1"; then
			cp "$T/m1" "$T/mail"; return 0
		fi
	done
	return 1
}
not() { ! "$@"; }
nmail() { find "$T/spool" -name '*.eml' 2>/dev/null | wc -l; }
audits() { sq "SELECT count(*) FROM audit WHERE action = '$1'"; }

# ---- A-30 (a): the layout carries the timeout; 「延長する」 ----
cgi GET /mypage/email "$MS"
check "email form 200" is 200
check "layout carries the seconds left" grep -q 'data-session-left="1[78][0-9][0-9]"' "$T/body"
check "layout carries the extend URL" has 'data-session-extend="/cgi-bin/formsvc.cgi/session/extend"'
check "layout carries the CSRF token" has "data-session-csrf=\"${MC#csrf=}\""
sq "UPDATE session SET last_seen = last_seen - 20*60 WHERE hex(id_hash) = '$(sha "${MS#*=}")'"
cgi POST /session/extend "$MS" "$MC"
check "extend answers JSON with the full idle time" grep -q '^{"left":1800}$' "$T/body"
check "extend is application/json" grep -q '^Content-Type: application/json' "$T/hdr"
check "extend refreshed last_seen" test "$(sq "SELECT last_seen >= $NOW FROM session WHERE hex(id_hash) = '$(sha "${MS#*=}")'")" = 1
cgi POST /session/extend "$MS" ""
check "extend without the CSRF token is 403" is 403
anon
cgi POST /session/extend "$A" "$C"
check "extend without a session is 403" is 403
cgi GET /session/extend "$MS"
check "extend by GET is 405" is 405
check "kenmin.js offers 延長する in an alertdialog" grep -q 'alertdialog' themes/default/assets/kenmin.js
check "kenmin.js posts to the extend URL with the token" grep -q 'data-session-csrf' themes/default/assets/kenmin.js
cgi GET /login
check "anonymous pages carry no timeout" hasnt 'data-session-left'

# ---- the e-mail change ----
cgi GET /mypage/email "$MS"
check "email form has the current password" has 'name="password"'
check "email form has the new address twice" has 'name="email2"'
check "email form marks 必須" has '必須'
IDEM=$(hidden idem)
check "email form carries an idempotency key" test ${#IDEM} = 64
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM"
check "empty: password required (field and summary)" test "$(grep -c '現在のパスワードを入力してください。' "$T/body")" = 2
check "empty: new address required" test "$(grep -c '新しいEメールを入力してください。' "$T/body")" = 2
check "empty: title says エラー" has '<title>エラー：'
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=x&email=nota-mail&email2=other%40example.jp"
check "bad format refused" has '新しいEメールの形式が正しくありません'
check "mismatch refused" has '確認のために入力した新しいEメールが一致しません。'
check "typed value kept" has 'value="nota-mail"'
check "password never echoed" hasnt 'value="x"'
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=wrong-password&email=a1%40example.jp&email2=a1%40example.jp"
check "wrong password refused beside the field" test "$(grep -c '現在のパスワードが正しくありません。' "$T/body")" = 2
INJ=$(enc $'a9@example.jp\r\nBcc: evil@example.jp')
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=$INJ&email2=$INJ"
check "CR/LF in the address is a field error" has '制御文字'
check "no token after refusals" test "$(sq "SELECT count(*) FROM token WHERE purpose = 'verify_email'")" = 0

cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=a1%40example.jp&email2=a1%40example.jp"
check "request accepted" has '確認メールを送信しました'
check "token stored for the member" test "$(sq "SELECT subject_kind || ':' || subject_id || ':' || (expires_at - created_at) FROM token WHERE purpose = 'verify_email'")" = "member_email:$KID:86400"
check "new address sealed in the token" test "$(sq "SELECT count(*) FROM token WHERE purpose = 'verify_email' AND payload_ct IS NOT NULL AND instr(CAST(payload_ct AS TEXT), 'a1@') = 0")" = 1
check "address unchanged until the link" test "$(sq "SELECT email_ct IS NULL FROM member WHERE id = $KID")" = 1
check "audit row email_change_request (masked)" test "$(sq "SELECT detail FROM audit WHERE action = 'email_change_request'")" = 'new=a***@example.jp'
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=a1%40example.jp&email2=a1%40example.jp"
check "replayed submit shows done" has '確認メールを送信しました'
check "replay made no second token" test "$(sq "SELECT count(*) FROM token WHERE purpose = 'verify_email'")" = 1
check "link mail arrives" waitmail 1
mail_to a1@example.jp 'メールアドレス変更の確認'
check "link mail to the new address" grep -q '^To: a1@example.jp' "$T/mail"
check "link mail subject" grep -q '^Subject: 【あいかさねっと】メールアドレス変更の確認' "$T/mail"
check "link mail has no password" not grep -qF "$PW" "$T/mail"
L1=$(sed -n 's/.*email\/verify?t=\([0-9a-f]\{64\}\).*/\1/p' "$T/mail")
check "link mail carries the link" test ${#L1} = 64
check "no notice: the account had no address" test "$(nmail)" = 1

cgi GET /mypage/email/verify "" "" "t=$L1"
check "link GET shows a button" has 'メールアドレスを変更する</button>'
check "link GET changes nothing" test "$(sq "SELECT email_ct IS NULL FROM member WHERE id = $KID")" = 1
check "link page sends no Referer" grep -q '^Referrer-Policy: no-referrer' "$T/hdr"
anon
cgi POST /mypage/email/verify "$A" "$C&t=$L1"
check "link POST completes" has 'メールアドレスの変更が完了しました'
check "address and blind index stored" test "$(sq "SELECT email_ct IS NOT NULL AND email_bidx IS NOT NULL FROM member WHERE id = $KID")" = 1
check "sealed, not in clear" test "$(sq "SELECT instr(CAST(email_ct AS TEXT), 'a1@') FROM member WHERE id = $KID")" = 0
check "audit row email_change" test "$(sq "SELECT actor_kind || actor_id FROM audit WHERE action = 'email_change'")" = "member$KID"
B1=$(sq "SELECT hex(email_bidx) FROM member WHERE id = $KID")
cgi POST /mypage/email/verify "$A" "$C&t=$L1"
check "link is single use" has 'このURLは無効です'
check "completion mail arrives" waitmail 2

cgi GET /mypage/email "$MS"
IDEM=$(hidden idem)
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=A1%40Example.jp&email2=A1%40Example.jp"
check "the current address again is refused" has '現在登録されているアドレスと同じです'
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=b2%40example.jp&email2=b2%40example.jp"
check "second request accepted" has '確認メールを送信しました'
check "link and notice arrive" waitmail 4
check "notice to the old address" mail_to a1@example.jp 'メールアドレス変更のお申し込み'
check "notice names the new address masked" grep -qF 'b***@example.jp' "$T/mail"
check "notice carries no link" not grep -q 'verify?t=' "$T/mail"
mail_to b2@example.jp 'メールアドレス変更の確認'
L2=$(sed -n 's/.*email\/verify?t=\([0-9a-f]\{64\}\).*/\1/p' "$T/mail")
cgi POST /mypage/email/verify "$A" "$C&t=$L2"
check "second change completes" has 'メールアドレスの変更が完了しました'

# Duplicate: another live account now holds a1's blind index.
sq "UPDATE member SET email_bidx = X'$B1' WHERE id = $DID"
cgi GET /mypage/email "$MS"
IDEM=$(hidden idem)
cgi POST /mypage/email "$MS" "$MC&idem=$IDEM&password=$(enc "$PW")&email=a1%40example.jp&email2=a1%40example.jp"
waitmail 7
mail_to a1@example.jp 'メールアドレス変更の確認'
L3=$(sed -n 's/.*email\/verify?t=\([0-9a-f]\{64\}\).*/\1/p' "$T/mail")
B2=$(sq "SELECT hex(email_bidx) FROM member WHERE id = $KID")
cgi POST /mypage/email/verify "$A" "$C&t=$L3"
check "duplicate address: clear message" has 'すでに別の会員が登録しているため、変更できません'
check "duplicate address: nothing changed" test "$(sq "SELECT hex(email_bidx) FROM member WHERE id = $KID")" = "$B2"
sq "UPDATE token SET expires_at = $NOW - 1 WHERE hex(hash) = '$(sha "$L3")'"
cgi GET /mypage/email/verify "" "" "t=$L3"
check "expired link refused" has 'このURLは無効です'
check "expired link shows no button" hasnt '</button>'

# ---- A-30 (b): a form POSTed after the idle timeout is held ----
# expired_session MEMBER_ID: a session idle for 31 minutes, straight
# into the table (no password hashing); sets XS (cookie) and XC (csrf).
expired_session() {
	local c k
	c=$(openssl rand -hex 32); k=$(openssl rand -hex 32)
	sq "INSERT INTO session (id_hash, principal, principal_id, csrf, created_at, last_seen)
	    VALUES (X'$(sha "$c")', 'member', $1, '$k', $NOW - 3600, $NOW - 31*60)"
	XS="__Host-kenmin=$c"; XC="csrf=$k"
}
expired_session "$KID"
cgi POST /mypage/email "$XS" "csrf=$(printf 'b%.0s' $(seq 64))&email=held%40example.jp&email2=held%40example.jp&password=$(enc "$PW")"
check "expired session, foreign CSRF token: 403, nothing held" is 403
check "no held form" test "$(sq "SELECT count(*) FROM token WHERE purpose = 'held_form'")" = 0
expired_session "$KID"
cgi POST /mypage/email "$XS" "$XC&idem=$(printf 'c%.0s' $(seq 64))&email=held%40example.jp&email2=held%40example.jp&password=$(enc "$PW")"
check "expired session: redirect to the login with the held key" grep -q '^Location: /cgi-bin/formsvc.cgi/login?next=/mypage/email&h=[0-9a-f]\{64\}$' "$T/hdr"
H=$(loc | sed 's/.*h=//')
check "held form stored for 30 minutes, for the member" test "$(sq "SELECT subject_id || ':' || (expires_at - created_at) FROM token WHERE purpose = 'held_form'")" = "$KID:1800"
check "expired session cleared" grep -q '^Set-Cookie: __Host-kenmin=; ' "$T/hdr"
check "expired session row deleted" test "$(sq "SELECT count(*) FROM session WHERE hex(id_hash) = '$(sha "${XS#*=}")'")" = 0
cgi GET /login "" "" "next=/mypage/email&h=$H"
check "login page explains the held form" has '入力内容は保存しています'
check "login page carries the key" has "name=\"h\" value=\"$H\""
A=; anon
cgi POST /login "$A" "$C&login_id=kojin1&password=$(enc "$PW")&next=/mypage/email&h=$H"
check "login returns to the page with the key" test "$(loc)" = "/cgi-bin/formsvc.cgi/mypage/email?h=$H"
MS="__Host-kenmin=$(sid)"
MC="csrf=$(sq "SELECT csrf FROM session WHERE hex(id_hash)='$(sha "${MS#*=}")'")"
cgi GET /mypage/email "$MS" "" "h=$H"
check "held values restored" test "$(grep -c 'value="held@example.jp"' "$T/body")" = 2
check "held password not kept: asked again" has '現在のパスワードを入力してください。'
check "restored page sent nothing" test "$(sq "SELECT count(*) FROM token WHERE purpose = 'verify_email' AND used_at IS NULL")" = 1
check "held form used once" test "$(sq "SELECT used_at IS NOT NULL FROM token WHERE purpose = 'held_form'")" = 1
cgi GET /mypage/email "$MS" "" "h=$H"
check "second use shows the empty form" hasnt 'held@example.jp'

# ---- staff: the member screens ----
cgi GET /admin/members "$SS"
check "members page 200" is 200
check "members page heading" has '<h1>会員アカウントの管理</h1>'
check "admin sees the CSV link" has 'members.csv'
cgi GET /admin/members "$SS" "" "q=DANTAI"
check "search by login ID (case folded)" has ">dantai1<"
check "search lists no other" hasnt ">kojin1<"
cgi GET /admin/members "$SS" "" "q=$KID"
check "search by member number" has ">kojin1<"
cgi GET /admin/members "$SS" "" "q=$(enc 山口の会)"
check "search by organisation name" has ">dantai1<"
cgi GET /admin/members "$SS" "" "q=%25"
check "LIKE wildcard is literal" has '該当する会員はいません'
cgi GET /admin/members/item "$SS" "" "id=$KID"
check "member view shows the login ID" has '<td>kojin1</td>'
check "member view shows no sealed data" hasnt 'b2@example.jp'
check "member view shows the last login" grep -q '最終ログイン</th><td>20[0-9][0-9]-' "$T/body"
check "member view offers suspend" has 'value="suspend"'
cgi GET /admin/members/item "$SS" "" "id=999999"
check "unknown member is 404" is 404

KS=$MS; KC=$MC
member_login dantai1 "$PW"
DS=$MS
MS=$KS; MC=$KC
check "group member has a session" test "$(sq "SELECT count(*) FROM session WHERE principal = 'member' AND principal_id = $DID")" = 1
cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=suspend&reason="
check "reason required (field and summary)" test "$(grep -c '操作の理由を入力してください。' "$T/body")" = 2
check "no change without a reason" test "$(sq "SELECT status FROM member WHERE id = $DID")" = active
cgi POST /admin/members/act "$SS" "id=$DID&action=suspend&reason=x"
check "action without CSRF is 403" is 403
cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=suspend&reason=$(enc '規約違反の投稿')"
check "suspend redirects to the view" test "$(loc)" = "/cgi-bin/formsvc.cgi/admin/members/item?id=$DID&done=suspend"
check "status suspended" test "$(sq "SELECT status FROM member WHERE id = $DID")" = suspended
check "suspended member's sessions ended" test "$(sq "SELECT count(*) FROM session WHERE principal = 'member' AND principal_id = $DID")" = 0
check "suspend audit row with the reason" test "$(sq "SELECT actor_kind || ':' || target_id || ':' || detail FROM audit WHERE action = 'suspend'")" = "staff:$DID:reason=規約違反の投稿"
check "member and posting queued" test "$(sq "SELECT count(DISTINCT kind) FROM qlog WHERE (kind = 'member' AND item_id = $DID) OR (kind = 'posting' AND item_id = $PID)")" = 2
cgi GET /admin/members/item "$SS" "" "id=$DID&done=suspend"
check "view says it is done" has '利用停止にしました'
check "view offers reinstate" has 'value="reinstate"'
cgi GET /mypage "$DS"
check "old session of a suspended member is gone" is 303
cgi POST /login "$A" "$C&login_id=dantai1&password=$(enc "$PW")"
check "suspended login refused, neutral message" has 'ログインIDまたはパスワードが正しくない'
cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=reinstate&reason=$(enc '確認済み')"
check "reinstate" test "$(sq "SELECT status FROM member WHERE id = $DID")" = active
check "reinstate audit row" test "$(audits reinstate)" = 1
sq "UPDATE member SET failed_logins = 5, locked_until = $NOW + 900 WHERE id = $DID"
cgi GET /admin/members/item "$SS" "" "id=$DID"
check "view shows the lockout" has 'ロック中'
cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=unlock&reason=$(enc '本人から電話')"
check "unlock" test "$(sq "SELECT failed_logins || '/' || coalesce(locked_until, 'none') FROM member WHERE id = $DID")" = 0/none
check "unlock audit row" test "$(audits unlock)" = 1

cgi GET /admin/members.csv "$SS"
check "CSV 200" is 200
check "CSV content type" grep -q '^Content-Type: text/csv; charset=utf-8' "$T/hdr"
check "CSV is an attachment named with its class (R501)" grep -q '^Content-Disposition: attachment; filename="members_kimitsusei-1.csv"; filename\*=UTF-8'"''"'%E4%BC%9A%E5%93%A1' "$T/hdr"
check "CSV starts with the BOM and the header" test "$(head -c 20 "$T/body" | od -An -tx1 | tr -d ' \n' | cut -c1-8)" = efbbbf22
check "CSV has the header row" grep -q '"会員番号","種類","状態"' "$T/body"
check "CSV lists the accounts" grep -q "^$KID,\"個人\",\"公開\",\"有効\",\"kojin1\"" "$T/body"
check "CSV neutralises a formula" grep -qF "\"'=HYPERLINK(\"\"http://x\"\")山口の会\"" "$T/body"
check "CSV holds no address" not grep -q '@example.jp' "$T/body"
check "CSV export audited" test "$(sq "SELECT detail FROM audit WHERE action = 'export'")" = 'members.csv rows=2'

cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=delete&reason=$(enc '本人の申し出')"
check "staff delete: withdrawn" test "$(sq "SELECT status || ':' || (withdrawn_at > 0) FROM member WHERE id = $DID")" = withdrawn:1
check "staff delete audit row" test "$(sq "SELECT detail FROM audit WHERE action = 'delete' AND target_id = $DID")" = 'by=staff reason=本人の申し出'
cgi GET /admin/members/item "$SS" "" "id=$DID"
check "withdrawn: no actions left" hasnt 'name="action"'
cgi POST /admin/members/act "$SS" "$SC&id=$DID&action=suspend&reason=x"
check "withdrawn: action refused with a message" has '現在の状態では行えません'

# ---- withdrawal by the member ----
cgi GET /mypage/delete "$MS"
check "delete page explains the effect" has '退会すると'
check "delete page names the retention" has '30日後に消去します'
cgi POST /mypage/delete "$MS" "$MC"
check "delete: password required" test "$(grep -c '現在のパスワードを入力してください。' "$T/body")" = 2
check "delete: confirmation required" test "$(grep -c '「上記の内容を確認し、退会します」にチェックを入れてください。' "$T/body")" = 2
cgi POST /mypage/delete "$MS" "$MC&password=wrong-password&agree=1"
check "delete: wrong password refused" has '現在のパスワードが正しくありません。'
check "delete: still active" test "$(sq "SELECT status FROM member WHERE id = $KID")" = active
M0=$(nmail)
cgi POST /mypage/delete "$MS" "$MC&password=$(enc "$PW")&agree=1"
check "delete done page" has '退会の手続きが完了しました'
check "delete: withdrawn with its time" test "$(sq "SELECT status || ':' || (withdrawn_at >= $NOW) FROM member WHERE id = $KID")" = withdrawn:1
check "delete: every session ended" test "$(sq "SELECT count(*) FROM session WHERE principal = 'member' AND principal_id = $KID")" = 0
check "delete: cookie cleared" grep -q '^Set-Cookie: __Host-kenmin=; ' "$T/hdr"
check "delete: member queued for publish" test "$(sq "SELECT count(*) > 0 FROM qlog WHERE kind = 'member' AND item_id = $KID AND reason = 'withdrawn'")" = 1
check "delete: audit row by the member" test "$(sq "SELECT actor_kind || actor_id || ':' || detail FROM audit WHERE action = 'delete' AND target_id = $KID")" = "member$KID:by=member"
check "delete: confirmation mail" waitmail $((M0 + 1))
check "delete mail to the current address" mail_to b2@example.jp '退会手続き完了'
check "delete mail has no password" not grep -qF "$PW" "$T/mail"
cgi GET /mypage "$MS"
check "old cookie after withdrawal goes to the login" is 303
cgi POST /login "$A" "$C&login_id=kojin1&password=$(enc "$PW")"
check "withdrawn login refused" has 'ログインIDまたはパスワードが正しくない'
sq "UPDATE member SET withdrawn_at = withdrawn_at - 31*86400 WHERE id = $KID"
"$GEN" purge > /dev/null 2> "$T/purge.err" || cat "$T/purge.err" >&2
check "purge erases the withdrawn member's data (A-51)" test "$(sq "SELECT coalesce(login_id, '-') || ':' || (email_ct IS NULL) FROM member WHERE id = $KID")" = '-:1'

# ---- A-29: the address allow-list ----
REMOTE_ADDR=198.51.100.9 cgi GET /admin/members "$SS"
check "IPv4 outside the list: 403" is 403
check "refusal page is Japanese" has 'このネットワークからは利用できません'
check "refusal audited" test "$(sq "SELECT detail FROM audit WHERE action = 'ip_refused'")" = 'path=/admin/members'
REMOTE_ADDR=198.51.100.9 cgi GET /admin/login
check "staff login refused outside the list" is 403
REMOTE_ADDR=198.51.100.9 cgi GET /login
check "member login not affected" is 200
REMOTE_ADDR=192.0.2.200 cgi GET /admin/members "$SS"
check "IPv4 inside the /24: 200" is 200
REMOTE_ADDR=2001:db8:1:5::7 cgi GET /admin/login
check "IPv6 inside the /48: 200" is 200
REMOTE_ADDR=2001:db8:2::7 cgi GET /admin/login
check "IPv6 outside the /48: 403" is 403
check "two refusals more audited" test "$(audits ip_refused)" = 3

quiet() { "$@" > /dev/null 2>&1; }
check "audit chain verifies" quiet "$GEN" audit verify
exit $((fails > 0))
