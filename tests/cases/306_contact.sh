#!/bin/bash
# 306_contact.sh: the center's お問い合わせ form (R048) and the newsletter
# subscribe / unsubscribe pages (A-10, A-26, R215, R216) end to end
# through formsvc.cgi: every rule with its message beside the field and
# in the summary, values kept, confirmation, idempotent submit, the mails
# at the SMTP sink (center with Reply-To, the quoting auto-reply, no
# header injection), the double opt-in link (GET shows, POST acts),
# sealed addresses, single-use and expiring tokens, the same answer for
# known and unknown addresses, RFC 8058 one-click and the rate limits.

. "$(dirname "$0")/../lib/cgi.sh"
sink_start "$T"
cgi_setup
anon

# mailto ADDR SUBJECT-PART: the decoded text of the newest mail to ADDR
# whose subject contains SUBJECT-PART ("" if none yet; waits a little).
mailto() {
	local i
	for i in $(seq 100); do
		$PY - "$T/spool" "$1" "$2" <<'PYEOF' > "$T/mail" && [ -s "$T/mail" ] && return 0
import glob, os, sys
from email import policy
from email.parser import BytesParser
best = None
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = BytesParser(policy=policy.default).parse(open(f, "rb"))
    if str(m["To"]) == sys.argv[2] and sys.argv[3] in str(m["Subject"]):
        if best is None or os.path.getmtime(f) >= best[0]:
            best = (os.path.getmtime(f), f, m)
if best:
    m = best[2]
    for h in ("To", "Reply-To", "Subject", "Bcc", "X-Evil"):
        if m[h] is not None:
            print("%s: %s" % (h, m[h]))
    print()
    print(m.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n"))
PYEOF
		sleep 0.1
	done
	return 1
}
nmails() { find "$T/spool" -name '*.eml' 2>/dev/null | wc -l; }
# Wait until the outbox is empty (every queued mail was handed over).
drain() {
	local i
	for i in $(seq 200); do
		[ "$(sq "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
idem() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
field_err() { grep -qF "id=\"f-$1-error\">$2" "$T/body"; }
summary_err() { grep -qF "<a href=\"#f-$1\">$2" "$T/body"; }

# ---- お問い合わせ ----
CT=/supernet/contact
cgi GET $CT
check "contact form shown" is 200
check "contact form has one h1" test "$(grep -c '<h1' "$T/body")" = 1
check "contact form marks 必須 as text" has '<span class="required">必須</span>'
for o in 掲載について ボランティアについて センターの利用について その他; do
	check "category option $o" has ">$o</option>"
done

cgi POST $CT "$A" "$C&step=confirm"
check "empty form: error title" has '<title>エラー：'
for p in "fullname|お名前を入力してください。" "email|Eメールを入力してください。" \
    "email2|Eメール（確認用）を入力してください。" \
    "category|お問い合わせの種類を選択してください。" \
    "message|お問い合わせ内容を入力してください。" \
    "privacy_agree|「個人情報の取り扱いに同意する」にチェックを入れてください。"; do
	f=${p%%|*}; m=${p#*|}
	check "required $f: beside the field" field_err "$f" "$m"
	check "required $f: in the summary" summary_err "$f" "$m"
done
check "phone is optional" hasnt 'id="f-tel-error"'

LONG=$(printf 'あ%.0s' $(seq 2001))
cgi POST $CT "$A" "$C&step=confirm&fullname=$(enc '山口 花子')&email=a@b&email2=x@example.jp&tel=abc&category=nosuch&message=$(enc "$LONG")&privacy_agree=1"
check "bad address: strict addr-spec" field_err email 'Eメールの形式が正しくありません'
check "bad address: in the summary" summary_err email 'Eメールの形式が正しくありません'
check "second address must match" field_err email2 '確認のために入力したEメールが一致しません。'
check "bad phone refused" field_err tel '電話番号は数字とハイフンで'
check "unknown category refused" field_err category 'お問い合わせの種類を選択してください。'
check "message over 2000 chars refused" field_err message 'お問い合わせ内容は2000文字以内で入力してください。'
check "message over 2000: in the summary" summary_err message 'お問い合わせ内容は2000文字以内'
check "name kept after an error" has 'value="山口 花子"'
check "second address kept after an error" has 'value="x@example.jp"'
check "agreement kept after an error" grep -q 'name="privacy_agree" value="1" checked' "$T/body"

cgi POST $CT "$A" "$C&step=confirm&fullname=$(enc $'山口\r\nBcc: evil@example.jp')&email=a@example.jp&email2=a@example.jp&category=other&message=x&privacy_agree=1"
check "CR/LF in the name refused" field_err fullname 'お名前に改行などの制御文字は使用できません。'
cgi POST $CT "$A" "$C&step=confirm&fullname=x&email=$(enc $'a@example.jp\r\nBcc: evil@example.jp')&email2=a@example.jp&category=other&message=x&privacy_agree=1"
check "CR/LF in the address refused" has 'id="f-email-error"'

M2000=$(printf 'い%.0s' $(seq 1951))
MSG=$'掲載の方法を教えてください。\r\nBcc: evil@example.jp\r\nX-Evil: 1\r\n'"$M2000"
cgi POST $CT "$A" "$C&step=confirm&fullname=$(enc '山口 太郎')&email=taro@example.jp&email2=taro@example.jp&tel=$(enc '０８３-922-0000')&category=listing&message=$(enc "$MSG")&privacy_agree=1"
check "message of exactly 2000 chars accepted: confirmation page" has '入力内容の確認'
check "confirmation shows the category label" has '<td>掲載について</td>'
check "confirmation shows the name" has '<td>山口 太郎</td>'
check "confirmation carries an idempotency key" test "$(hidden idem | tr -d '\n' | wc -c)" = 64
BODY=$(hiddenbody)
cgi POST $CT "$A" "$BODY&step=edit"
check "「修正する」 keeps the values" has 'value="taro@example.jp"'
check "「修正する」 keeps the message" has '掲載の方法を教えてください。'
cgi POST $CT "" "$BODY&step=submit"
check "submit without the CSRF cookie: 403" is 403
check "nothing queued by a refused submit" test "$(sq "SELECT count(*) FROM outbox")" = 0
cgi POST $CT "$A" "$BODY&step=submit"
check "submit: done page" has 'お問い合わせを受け付けました'
check "submit queued two mails" test "$(sq "SELECT count(*) FROM outbox")" = 2
cgi POST $CT "$A" "$BODY&step=submit"
check "replayed submit: the same done page" has 'お問い合わせを受け付けました'
check "replayed submit queued nothing" test "$(sq "SELECT count(*) FROM outbox")" = 2
check "audit row without personal data" test \
    "$(sq "SELECT action || ' ' || detail FROM audit WHERE action = 'contact'")" = 'contact category=listing'
check "audit row has no address" test "$(sq "SELECT count(*) FROM audit WHERE detail LIKE '%taro%' OR detail LIKE '%山口%'")" = 0
check "no table but the outbox holds the inquiry" test \
    "$(sq "SELECT count(*) FROM subscriber") $(sq "SELECT count(*) FROM idempotency WHERE result = 'contact'")" = "0 1"

mailto center-sn@kenmin.example.jp 'お問い合わせ（掲載について）'
check "center mail arrives" grep -q '^Subject: 【スーパーネット】お問い合わせ（掲載について）' "$T/mail"
check "center mail: Reply-To is the sender" grep -qx 'Reply-To: taro@example.jp' "$T/mail"
check "center mail: the name, address and phone" grep -q '^お名前：山口 太郎$' "$T/mail"
check "center mail: phone folded to half width" grep -q '^電話番号：083-922-0000$' "$T/mail"
check "center mail: the whole message" grep -q "$(printf 'い%.0s' $(seq 50))" "$T/mail"
check "center mail: no injected Bcc or X-Evil header" test "$(sed '/^$/q' "$T/mail" | grep -c '^\(Bcc\|X-Evil\):')" = 0
check "center mail: typed header text stays in the body" grep -q '^Bcc: evil@example.jp$' "$T/mail"
mailto taro@example.jp '受け付けました'
check "auto-reply arrives" grep -q '^Subject: 【スーパーネット】お問い合わせを受け付けました' "$T/mail"
check "auto-reply greets the sender" grep -q '^山口 太郎 様$' "$T/mail"
check "auto-reply quotes the message" grep -q '^> 掲載の方法を教えてください。$' "$T/mail"
check "auto-reply quotes every line" grep -q '^> X-Evil: 1$' "$T/mail"
check "auto-reply: no injected header" test "$(sed '/^$/q' "$T/mail" | grep -c '^\(Bcc\|X-Evil\):')" = 0
check "envelope: nothing to evil@" test "$(grep -l 'evil@example.jp' "$T"/spool/*.env 2>/dev/null | wc -l)" = 0

# Rate limit: CONTACT_PER_WINDOW (5) inquiries an hour per client.
n0=$(sq "SELECT count(*) FROM outbox")
for i in 1 2 3 4 5; do
	FULL="fullname=x&email=r$i@example.jp&email2=r$i@example.jp&category=other&message=m&privacy_agree=1"
	REMOTE_ADDR=198.51.100.5 cgi POST $CT "$A" "$C&$FULL&step=submit&idem=$(idem)"
done
check "five inquiries from one client accepted" has 'お問い合わせを受け付けました'
REMOTE_ADDR=198.51.100.5 cgi POST $CT "$A" "$C&$FULL&step=submit&idem=$(idem)"
check "the sixth is refused in Japanese" has '短い時間に多くのお問い合わせが送信されたため'
check "the refused one queued nothing" test "$(sq "SELECT count(*) FROM outbox")" = $((n0 + 10))
REMOTE_ADDR=198.51.100.6 cgi POST $CT "$A" "$C&$FULL&step=submit&idem=$(idem)"
check "another client is not limited" has 'お問い合わせを受け付けました'

# Auto-replies to one typed address: at most 3 a day, whoever sends; the
# center still gets every inquiry.
FULL="fullname=x&email=stranger@example.jp&email2=stranger@example.jp&category=other&message=m&privacy_agree=1"
for i in 1 2 3 4; do
	REMOTE_ADDR=192.0.2.$i cgi POST $CT "$A" "$C&$FULL&step=submit&idem=$(idem)"
	check "inquiry $i to one address accepted" has 'お問い合わせを受け付けました'
done
check "four inquiries reached the center" test "$(sq "SELECT count(*) FROM outbox WHERE template = 'contact_center'")" = 11
check "one address got three auto-replies, not four" test \
    "$(sq "SELECT count(*) FROM outbox WHERE template = 'contact_autoreply'")" = 10

# ---- newsletters ----
for p in /supernet/subscribe /supernet/unsubscribe /aikasa/subscribe /aikasa/unsubscribe; do
	cgi GET $p
	check "$p shown" is 200
done
check "AK unsubscribe heading" has '<h1>あいかさねっと メールマガジン 配信の停止</h1>'
cgi GET /supernet/subscribe
check "SN subscribe heading" has '<h1>さぽーとメール 配信の申し込み</h1>'

cgi POST /aikasa/subscribe "$A" "$C&step=send"
check "subscribe: address required beside the field" field_err email 'Eメールを入力してください。'
check "subscribe: and in the summary" summary_err email 'Eメールを入力してください。'
cgi POST /aikasa/subscribe "$A" "$C&step=send&email=$(enc 'a b@example.jp')"
check "subscribe: strict addr-spec" field_err email 'Eメールの形式が正しくありません'
check "subscribe: value kept" has 'value="a b@example.jp"'
cgi POST /aikasa/subscribe "" "step=send&email=x@example.jp"
check "subscribe POST without CSRF: 403" is 403
cgi POST /aikasa/unsubscribe "" "step=send&email=x@example.jp"
check "unsubscribe form POST without CSRF: 403" is 403

# Subscribe -> link -> active.
drain
cgi POST /aikasa/subscribe "$A" "$C&step=send&email=Hana@Example.jp"
check "subscribe: the sent page" has '<h1>確認メールを送信しました</h1>'
SENT_NEW=$(cat "$T/body")
check "pending row" test "$(sq "SELECT list, state, source FROM subscriber")" = 'aikasa|pending|form'
check "address sealed, not in clear" test "$(sq "SELECT count(*) FROM subscriber WHERE instr(lower(hex(email_ct)), lower(hex('Hana@Example.jp'))) = 0 AND length(email_ct) > 28")" = 1
check "blind index of 32 bytes" test "$(sq "SELECT length(email_bidx) FROM subscriber")" = 32
check "address not anywhere in the database file" test "$(grep -c 'Hana@Example' "$T/k.db")" = 0
mailto Hana@Example.jp '配信申し込みの確認'
check "confirmation mail arrives" grep -q '^Subject: 【あいかさねっと】あいかさねっと メールマガジンの配信申し込みの確認' "$T/mail"
LINK=$(grep -o 'https://[^ ]*/aikasa/subscribe?t=[0-9a-f]\{64\}' "$T/mail" | head -1)
check "mail carries the link" test -n "$LINK"
TOK=${LINK##*t=}
check "token stored hashed, purpose subscribe, 24 h" test \
    "$(sq "SELECT purpose || ' ' || subject_kind || ' ' || (expires_at - created_at) FROM token WHERE hex(hash) = '$(sha "$TOK")'")" = 'subscribe subscriber 86400'
cgi GET /aikasa/subscribe "" "" "t=$TOK"
check "link GET shows one button" has '配信を申し込む</button>'
check "link page sends no Referer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "link GET changes nothing" test "$(sq "SELECT state FROM subscriber")" = pending
cgi POST /aikasa/subscribe "" "t=$TOK"
check "link POST without CSRF: 403" is 403
cgi POST /supernet/subscribe "$A" "$C&t=$TOK"
check "another list's page refuses the link" has 'このURLは使えません'
check "and leaves the token unused" test "$(sq "SELECT used_at IS NULL FROM token WHERE hex(hash) = '$(sha "$TOK")'")" = 1
cgi POST /aikasa/subscribe "$A" "$C&t=$TOK"
check "link POST: done" has '配信の申し込みが完了しました'
check "row active" test "$(sq "SELECT state FROM subscriber")" = active
check "audit row of the activation" test "$(sq "SELECT count(*) FROM audit WHERE action = 'nl_subscribe' AND detail = 'aikasa'")" = 1
cgi POST /aikasa/subscribe "$A" "$C&t=$TOK"
check "the link works once" has 'このURLは使えません'

# Known (active) and unknown addresses get the same answer.
drain
n0=$(nmails)
cgi POST /aikasa/subscribe "$A" "$C&step=send&email=hana@example.jp"
check "re-subscribe: the same page as for a new address" test "$(cat "$T/body")" = "$SENT_NEW"
check "re-subscribe: still one row, active" test "$(sq "SELECT count(*), state FROM subscriber")" = '1|active'
mailto hana@example.jp 'お申し込みについて'
check "re-subscribe: a neutral notice, no link" grep -q 'すでに配信しています' "$T/mail"
check "re-subscribe: notice has no token" test "$(grep -c 't=[0-9a-f]\{64\}' "$T/mail")" = 0

drain
n0=$(nmails)
cgi POST /aikasa/unsubscribe "$A" "$C&step=send&email=nobody@example.jp"
UNKNOWN=$(cat "$T/body")
check "unsubscribe unknown: the sent page" has '確認メールを送信しました'
check "unsubscribe unknown: no row created" test "$(sq "SELECT count(*) FROM subscriber")" = 1
cgi POST /aikasa/unsubscribe "$A" "$C&step=send&email=HANA@example.jp"
check "unsubscribe known: the same page" test "$(cat "$T/body")" = "$UNKNOWN"
mailto HANA@example.jp '配信停止の確認'
check "unsubscribe known: the mail with a link" grep -q '/aikasa/unsubscribe?t=' "$T/mail"
drain
check "unsubscribe unknown: no mail sent" test "$(nmails)" = $((n0 + 1))
UTOK=$(grep -o 't=[0-9a-f]\{64\}' "$T/mail" | head -1 | cut -c3-)
cgi GET /aikasa/unsubscribe "" "" "t=$UTOK"
check "stop link GET shows one button" has '配信を停止する</button>'
check "stop link GET changes nothing" test "$(sq "SELECT state FROM subscriber")" = active
cgi POST /aikasa/unsubscribe "" "t=$UTOK"
check "stop link POST without CSRF (not one-click): 403" is 403
cgi POST /aikasa/unsubscribe "$A" "$C&t=$UTOK"
check "stop link POST: done" has '配信を停止しました'
check "row stopped" test "$(sq "SELECT state FROM subscriber")" = stopped
cgi POST /aikasa/unsubscribe "$A" "$C&t=$UTOK"
check "the stop link works once" has 'このURLは使えません'
drain
n0=$(nmails)
cgi POST /aikasa/unsubscribe "$A" "$C&step=send&email=hana@example.jp"
check "unsubscribe stopped address: the same page" test "$(cat "$T/body")" = "$UNKNOWN"
drain
check "unsubscribe stopped address: no mail" test "$(nmails)" = "$n0"

# A stopped address subscribes again through the link.
cgi POST /aikasa/subscribe "$A" "$C&step=send&email=hana@example.jp"
mailto hana@example.jp '配信申し込みの確認'
RTOK=$(grep -o 't=[0-9a-f]\{64\}' "$T/mail" | head -1 | cut -c3-)
cgi POST /aikasa/subscribe "$A" "$C&t=$RTOK"
check "stopped address re-subscribed" test "$(sq "SELECT count(*), state FROM subscriber")" = '1|active'

# An expired link.
cgi POST /supernet/subscribe "$A" "$C&step=send&email=old@example.jp"
mailto old@example.jp '配信申し込みの確認'
OTOK=$(grep -o 't=[0-9a-f]\{64\}' "$T/mail" | head -1 | cut -c3-)
check "SN list row pending" test "$(sq "SELECT list, state FROM subscriber WHERE id = (SELECT max(id) FROM subscriber)")" = 'supernet|pending'
sq "UPDATE token SET expires_at = strftime('%s', 'now') - 1 WHERE hex(hash) = '$(sha "$OTOK")'"
cgi GET /supernet/subscribe "" "" "t=$OTOK"
check "expired link: GET shows no button" hasnt '配信を申し込む</button>'
check "expired link: GET says so in Japanese" has '有効期限（24時間）'
cgi POST /supernet/subscribe "$A" "$C&t=$OTOK"
check "expired link: POST refused" has 'このURLは使えません'
check "expired link: row still pending" test "$(sq "SELECT state FROM subscriber WHERE list = 'supernet'")" = pending
cgi GET /supernet/subscribe "" "" "t=zz"
check "malformed token: the invalid page" has 'このURLは使えません'

# RFC 8058 one-click: a POST with no cookie, the token in the URL.
sq "UPDATE subscriber SET state = 'active' WHERE list = 'supernet'"
cgi POST /supernet/unsubscribe "$A" "$C&step=send&email=old@example.jp"
mailto old@example.jp '配信停止の確認'
OC=$(grep -o 't=[0-9a-f]\{64\}' "$T/mail" | head -1 | cut -c3-)
cgi POST /supernet/unsubscribe "" "List-Unsubscribe=Two-Clicks" "t=$OC"
check "one-click with a wrong body value: 403" is 403
cgi POST /supernet/unsubscribe "" "List-Unsubscribe=One-Click" "t=$OC"
check "one-click POST: 200" is 200
check "one-click POST: stopped" test "$(sq "SELECT state FROM subscriber WHERE list = 'supernet'")" = stopped
cgi POST /supernet/unsubscribe "" "List-Unsubscribe=One-Click" "t=$OC"
check "one-click token used once" has 'このURLは使えません'
cgi POST /supernet/unsubscribe "" "List-Unsubscribe=One-Click" "t=$(printf 'a%.0s' $(seq 64))"
check "one-click with an unknown token changes nothing" has 'このURLは使えません'

# Per-address cap: at most 3 mails a day for one address and list, silently.
drain
n0=$(nmails)
for i in 1 2 3 4 5; do
	REMOTE_ADDR=203.0.113.$i cgi POST /supernet/subscribe "$A" "$C&step=send&email=victim@example.jp"
done
check "capped address: the same sent page" has '<h1>確認メールを送信しました</h1>'
drain
check "capped address: three mails, not five" test "$(nmails)" = $((n0 + 3))

# Per-client limit: NL_PER_WINDOW (10) requests an hour.
for i in $(seq 10); do
	REMOTE_ADDR=198.51.100.77 cgi POST /aikasa/unsubscribe "$A" "$C&step=send&email=n$i@example.jp"
done
check "ten requests from one client accepted" has '確認メールを送信しました'
REMOTE_ADDR=198.51.100.77 cgi POST /aikasa/subscribe "$A" "$C&step=send&email=n11@example.jp"
check "the eleventh is refused in Japanese" has '短い時間に何度も手続きが送信されたため'
check "the refused one created no row" test "$(sq "SELECT count(*) FROM subscriber WHERE created_at > 0 AND list = 'aikasa'")" = 1
drain

[ "$fails" -eq 0 ]
