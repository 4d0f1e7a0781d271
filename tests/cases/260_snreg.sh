#!/bin/bash
# 260_snreg.sh: スーパーネット registration, 修正依頼 and the hand-over
# to and from あいかさねっと through formsvc.cgi (snreg.c): the terms
# gate, the three forms with every 紙3 rule, 対象市町 only for
# 山口県内市町, consent and 登録要件, URLs and files, confirmation and
# idempotent submit, sealed columns, the 登録担当者Eメール link (GET
# shows, POST confirms, single use), the mails at the sink, header
# injection, the edit search (public data only), the 30-minute link
# (expiry, single use, rate limit), the fallback form, and the hand-over
# both ways (values prefilled, token single use, only the token in the
# URL).

. "$KENMIN_ROOT/tests/lib/cgi.sh"

if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	notok "python3-aiosmtpd is needed"; exit 1
fi
sink_start "$T"
check "SMTP sink started" test -n "$PORT"
cgi_setup
anon
DB=$T/k.db
# Every mail at the sink as "FILE<TAB>To<TAB>Subject", one process.
heads() {
	$PY - "$T/spool" <<'PYEOF'
import glob, os, sys
from email import policy
from email.parser import BytesParser
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.eml")), key=os.path.getmtime):
    m = BytesParser(policy=policy.default).parse(open(f, "rb"))
    print("%s\t%s\t%s" % (f, m["To"], m["Subject"]))
PYEOF
}
waitsubj() { # waitsubj SUBJECT N: until N mails with that subject arrived
	local i
	for i in $(seq 150); do
		[ "$(heads | cut -f3 | grep -cxF "$1")" -ge "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
# The decoded text of the newest mail whose subject is S.
lastmail() {
	local f
	f=$(heads | awk -F'\t' -v s="$1" '$3 == s { f = $1 } END { print f }')
	[ -n "$f" ] && mailbody "$f"
}

# ---- the terms gate (R080, R081) ----
cgi GET /supernet/register
check "GET register: 200" is 200
check "terms shown from the page table" has 'スーパーネット登録規約'
check "terms: 第1条" has '第1条（目的）'
check "agree button" has '>同意する</button>'
check "three kinds offered" test "$(grep -c 'name="type" value="\(npo\|group\|company\)"' "$T/body")" = 3
check "no form field before consent" hasnt 'name="org_name"'
cgi GET /supernet/register "" "" "type=company"
check "?type= preselects the kind" has 'name="type" value="company" checked'
cgi POST /supernet/register "$A" "step=agree&type=group"
check "POST without CSRF refused" is 403
cgi POST /supernet/register "$A" "$C&step=agree"
check "agree without a kind: error title" has '<title>エラー：'
check "agree without a kind: message" has '登録の種類を選択してください。'
check "agree without a kind: still no form" hasnt 'name="org_name"'
cgi POST /supernet/register "$A" "$C&step=confirm&org_name=x"
check "form refused without consent" has '登録規約をお読みいただき'
check "form refused: no form fields" hasnt 'name="org_name"'

# ---- the three forms ----
cgi POST /supernet/register "$A" "$C&step=agree&type=npo"
check "NPO form opens" has 'name="org_name"'
check "NPO form: 団体の分類 starts at NPO法人 (R082)" grep -q '<option value="1" selected>NPO法人</option>' "$T/body"
check "NPO form: no other class" hasnt '>任意団体</option>'
check "form is multipart (files)" has 'enctype="multipart/form-data"'
check "required marker is text" has '<label for="f-org_name">団体名 <span class="required">必須</span></label>'
check "minors' notice at 代表者名" has 'id="f-rep_agree-notice"'
check "19 対象市町 boxes" test "$(grep -c 'name="munis" value="[0-9]*"' "$T/body")" = 19
check "活動分野 boxes" test "$(grep -c 'name="fields" value="[0-9]*"' "$T/body")" = 20
check "6 特徴 boxes" test "$(grep -c 'name="features" value="[0-9]*"' "$T/body")" = 6
check "登録要件 from m_requirement" has '暴力団又は暴力団若しくはその構成員'
check "three URL slots with descriptions" test "$(grep -c 'name="url[123]_label"' "$T/body")" = 3
check "three file slots" test "$(grep -c 'type="file"' "$T/body")" = 3
check "file slot 1 is 定款又は規約" has '参考ファイル1（団体の定款又は規約）'
check "一般非公開 hint on 登録担当者" grep -q 'id="f-reg_name-hint">一般には公開しません。' "$T/body"
cgi POST /supernet/register "$A" "$C&step=agree&type=group"
check "group form: no NPO法人 (A-02)" hasnt '>NPO法人</option>'
check "group form: 任意団体 offered" has '>任意団体</option>'
cgi POST /supernet/register "$A" "$C&step=agree&type=company"
check "company form: 企業のカテゴリ" has '>株式会社</option>'
check "company form: CSR活動" has 'name="csr"'
check "company form: no 活動分野/対象エリア/登録要件" test "$(grep -c 'name="\(fields\|target_area\|reqs\|purpose\|main_office\|budget\)"' "$T/body")" = 0

# Every required field empty: a message beside it and in the summary.
req_check() { # req_check TYPE MESSAGE...
	local t=$1 m; shift
	cgi POST /supernet/register "$A" "$C&step=confirm&type=$t"
	for m in "$@"; do
		check "$t required: $m beside the field" grep -q "class=\"field-error\" id=\"f-[a-z_0-9]*-error\">$m</p>" "$T/body"
		check "$t required: $m in the summary" grep -q "<li><a href=\"#f-[a-z_0-9-]*\">$m</a></li>" "$T/body"
	done
}
req_check group '団体の分類を選択してください。' '団体名を入力してください。' \
    '団体名ふりがなを入力してください。' '代表者名を入力してください。' \
    '「上記に同意する」にチェックを入れてください。' '担当者名を入力してください。' \
    '活動分野を選択してください。' '対象エリアを選択してください。' \
    '活動目的を入力してください。' '活動内容を入力してください。' \
    '都道府県を選択してください。' '市町を選択してください。' \
    '住所を入力してください。' '登録担当者を入力してください。' \
    '登録担当者電話番号を入力してください。' '登録担当者Eメールを入力してください。' \
    '登録担当者Eメール（確認用）を入力してください。' '登録要件を選択してください。'
check "group: optional fields have no error" test "$(grep -c 'id="f-\(rep_title\|staff_title\|collaboration\|appeal\|zip\|tel\|fax\|email\|founded_on\|budget\|members_count\|url1\|features\|reg_title\|munis\)-error"' "$T/body")" = 0
req_check company '企業のカテゴリを選択してください。' '企業名を入力してください。' \
    '企業名ふりがなを入力してください。' '業務内容を入力してください。' \
    'CSR活動（CSRの取り組み、社会貢献活動等の概要）を入力してください。'

# ---- field rules, one bad value each ----
ORG='やまぐち里山の会'; OKANA='やまぐちさとやまのかい'; REG='周南 次郎'
REGTEL='083-922-0000'; REGMAIL='jiro.shunan@example.jp'
good() { # good [OVERRIDES]: a group's body with key=value overrides
	local b="$C&step=confirm&type=group&gclass=2&org_name=$(enc "$ORG")&org_kana=$(enc "$OKANA")&rep_name=$(enc '山口 花子')&rep_agree=1&rep_title=$(enc '代表')&staff_name=$(enc '宇部 三郎')&fields=3&fields=7&target_area=1&munis=3&munis=12&purpose=$(enc '里山を守る')&activities=$(enc $'毎月の下草刈り\r\n植樹')&main_office=$(enc '山口市')&zip=753-0072&pref=35&muni=3&address=$(enc '滝町1-1')&tel=083-900-1111&email=info@satoyama.example.jp&founded_on=2010-04-01&budget=2&members_count=25&fee=$(enc '年1,000円')&url1=https://satoyama.example.jp/&url1_label=$(enc 'ホームページ')&url2=http://blog.example.jp/satoyama&url3=https://sns.example.jp/satoyama&url3_label=SNS&features=1&features=4&reg_name=$(enc "$REG")&reg_title=$(enc '事務局長')&reg_tel=$REGTEL&reg_email=$REGMAIL&reg_email2=$REGMAIL&reqs=1&reqs=2&reqs=3&reqs=4&reqs=5"
	local kv k
	for kv in "$@"; do
		k=${kv%%=*}
		b=$(printf '%s' "$b" | sed "s/&$k=[^&]*//g")
		b="$b&$kv"
	done
	printf '%s' "$b"
}
rule() { # rule NAME MESSAGE OVERRIDES...
	local name=$1 msg=$2; shift 2
	cgi POST /supernet/register "$A" "$(good "$@")"
	check "rule: $name" grep -qF "$msg</p>" "$T/body"
	check "rule: $name in summary" grep -qF "$msg</a></li>" "$T/body"
}
rule "kana hiragana" '団体名ふりがなはひらがなで入力してください。' "org_kana=$(enc 'サトヤマ')"
rule "対象市町 required for 山口県内市町 (#10)" '対象エリアで「山口県内市町」を選んだ場合は、対象市町を選択してください。' munis=
rule "consent box (#4)" '「上記に同意する」にチェックを入れてください。' rep_agree=
rule "every 登録要件 (#38)" '登録要件のすべての項目を確認し、チェックを入れてください。' reqs=1
rule "URL scheme" 'URL1は「https://」または「http://」で始まる形で入力してください。' "url1=$(enc 'javascript:alert(1)')"
rule "URL description needs its URL" 'URL2の説明を入力した場合は、URL2も入力してください。' url2= url2_label=x
rule "zip format" '郵便番号は7桁の数字で入力してください（例：753-0072）。' zip=75-0072
rule "tel format" '電話番号は数字とハイフンで、市外局番から入力してください（例：083-922-0000）。' tel=12-ab
rule "fax format" 'FAXは数字とハイフンで、市外局番から入力してください（例：083-922-0000）。' fax=abc
rule "public e-mail format" 'Eメールの形式が正しくありません（例：taro@example.jp）。' email=info@
rule "founded date" '設立年月日・発足年月日は「2000-04-01」のように、正しい日付を入力してください。' founded_on=2010-02-30
rule "members count" '会員数は半角数字で入力してください（例：25）。' members_count=many
rule "reg e-mail confirmation" '確認のために入力した登録担当者Eメールが一致しません。' reg_email2=other@example.jp
rule "山口県 needs one of the 19" '都道府県が山口県の場合は、市町を19市町から選択してください。' muni=99
rule "name length" '団体名は100文字以内で入力してください。' "org_name=$(printf 'x%.0s' $(seq 101))"
rule "tampered class (NPO法人 on the group form)" '団体の分類を選択してください。' gclass=1
rule "CR/LF in a name (header injection)" '登録担当者に改行などの制御文字は使用できません。' "reg_name=$(enc $'周南\r\nBcc: x@evil.example')"
rule "CR/LF in the e-mail (header injection)" '登録担当者Eメールに改行などの制御文字は使用できません。' "reg_email=$(enc $'a@example.jp\r\nBcc: x@evil.example')"
check "injection: no 500" is 200
cgi POST /supernet/register "$A" "$(good target_area=2 munis=)"
check "対象市町 not needed for 県内全域" has '入力内容の確認'

# Values kept after an error.
cgi POST /supernet/register "$A" "$(good address=)"
check "kept: name" has "value=\"$ORG\""
check "kept: reg e-mail" has "value=\"$REGMAIL\""
check "kept: select" grep -q '<option value="1" selected>山口県内市町</option>' "$T/body"
check "kept: checkbox" grep -q 'name="munis" value="12" checked' "$T/body"
check "kept: agree" grep -q 'name="rep_agree" value="1" checked' "$T/body"
check "kept: textarea" has '植樹</textarea>'

# ---- confirmation, 修正する, 送信する ----
cgi POST /supernet/register "$A" "$(good)"
check "confirm page" has '入力内容の確認'
for v in "$ORG" '任意団体' '山口市、周南市' 'まちづくりの推進を図る活動、環境の保全を図る活動' \
    "$REG" "$REGMAIL" '10万円～30万円未満' 'https://satoyama.example.jp/' '同意する'; do
	check "confirm shows $v" grep -qF "<td>$v</td>" "$T/body"
done
check "confirm carries an idempotency key" test "$(hidden idem | wc -c)" = 65
check "a checkbox group is one hidden field (html-validate form-dup-name)" \
    test "$(grep -c 'type="hidden" name="reqs"' "$T/body")/$(hidden reqs)" = '1/1,2,3,4,5'
HB=$(hiddenbody)
cgi POST /supernet/register "$A" "$HB&step=edit"
check "修正する keeps values" has "value=\"$ORG\""
cgi POST /supernet/register "$A" "$(printf '%s' "$HB" | sed 's/reg_tel=[^&]*/reg_tel=abc/')&step=submit"
check "submit re-validates hidden values" has '登録担当者電話番号は数字とハイフンで'
check "nothing stored after a tampered submit" test "$(sq 'SELECT count(*) FROM org')" = 0

cgi POST /supernet/register "$A" "$HB&step=submit"
check "submit: done page" has '確認メールを送信しました'
cp "$T/body" "$T/done1.html"
OID=$(sq "SELECT id FROM org WHERE name='$ORG'")
check "one org, draft, from the form" test "$(sq "SELECT count(*), kind, state, source FROM org")" = "1|group|draft|supernet_form"
check "columns stored" test "$(sq "SELECT group_class_id, kana, target_area_id, pref_id, muni_id, zip, founded_on, budget_range_id, members_count, minor_consent, requirements_ok, reg_email_verified_at IS NULL FROM org")" = "2|$OKANA|1|35|3|753-0072|2010-04-01|2|25|1|1|1"
check "activities keep the line break" test "$(sq "SELECT activities FROM org")" = $'毎月の下草刈り\n植樹'
check "org_field" test "$(sq "SELECT group_concat(field_id) FROM org_field")" = '3,7'
check "org_muni" test "$(sq "SELECT group_concat(muni_id) FROM org_muni")" = '3,12'
check "org_feature" test "$(sq "SELECT group_concat(feature_id) FROM org_feature")" = '1,4'
check "org_url: 3 slots with descriptions" test "$(sq "SELECT group_concat(slot || ':' || url || ':' || coalesce(label, ''), ' ') FROM org_url")" = '1:https://satoyama.example.jp/:ホームページ 2:http://blog.example.jp/satoyama: 3:https://sns.example.jp/satoyama:SNS'
check "sealed 登録担当者 columns" test "$(sq "SELECT length(reg_name_ct) > 16 AND length(reg_title_ct) > 16 AND length(reg_tel_ct) > 16 AND length(reg_email_ct) > 16 AND length(reg_email_bidx) = 32 FROM org")" = 1
check "verify token 24 h" test "$(sq "SELECT purpose, subject_kind, expires_at - created_at FROM token WHERE purpose = 'verify_email'")" = 'verify_email|org|86400'
check "hand-over record sealed" test "$(sq "SELECT subject_kind, length(payload_ct) > 16 FROM token WHERE purpose = 'handover'")" = 'org|1'
check "audit row, masked" test "$(sq "SELECT action, detail FROM audit WHERE action = 'sn_register'")" = 'sn_register|kind=group reg_email=ji***@example.jp'
cgi POST /supernet/register "$A" "$HB&step=submit"
check "double submit: same done page" has '確認メールを送信しました'
check "double submit creates nothing" test "$(sq 'SELECT count(*) FROM org'):$(sq "SELECT count(*) FROM token")" = '1:2'
sq 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for s in "$REG" "$REGTEL" "$REGMAIL" '事務局長'; do
	check "no plaintext '$s' in the DB" test "$(cat "$DB" "$DB-wal" 2>/dev/null | grep -caF -- "$s")" = 0
done

# ---- the verification mail and link (A-09) ----
check "verification mail arrives" waitsubj '【スーパーネット】登録担当者メールアドレスの確認' 1
lastmail '【スーパーネット】登録担当者メールアドレスの確認' > "$T/m1"
check "verification mail to 登録担当者Eメール (#37)" grep -qx "To: $REGMAIL" "$T/m1"
check "verification mail names the org" grep -qF "団体・企業名：$ORG" "$T/m1"
LINK=$(grep -o 'https://kenmin.example.jp/cgi-bin/formsvc.cgi/supernet/verify?t=[0-9a-f]*' "$T/m1")
TOK=${LINK##*t=}
check "mail carries a 256-bit link" test ${#TOK} = 64
cgi GET /supernet/verify "" "" "t=$TOK"
check "verify GET: button" has 'メールアドレスを確認する</button>'
check "verify GET: no-referrer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "verify GET changes nothing" test "$(sq "SELECT state FROM org"):$(sq "SELECT used_at IS NULL FROM token WHERE purpose='verify_email'")" = 'draft:1'
cgi POST /supernet/verify "$A" "$C&t=$TOK"
check "verify POST: done" has '仮登録の依頼を受け付けました'
check "org is 仮登録 (review), address verified" test "$(sq "SELECT state, reg_email_verified_at IS NOT NULL FROM org")" = 'review|1'
check "verify audited" test "$(sq "SELECT count(*) FROM audit WHERE action='sn_verify_email'")" = 1
check "registrant mail 仮登録依頼完了 arrives" waitsubj '【スーパーネット】仮登録依頼完了' 1
check "registrant mail to #37" grep -qx "To: $REGMAIL" <(lastmail '【スーパーネット】仮登録依頼完了')
check "center mail 登録依頼あり arrives" waitsubj '【スーパーネット】登録依頼あり' 1
lastmail '【スーパーネット】登録依頼あり' > "$T/m2"
check "center mail to the center" grep -qx 'To: center-sn@kenmin.example.jp' "$T/m2"
check "center mail has no 一般非公開 data" test "$(grep -cF -e "$REGMAIL" -e "$REG" -e "$REGTEL" "$T/m2")" = 0
cgi POST /supernet/verify "$A" "$C&t=$TOK"
check "used link refused" has 'このURLは無効です'
check "used link: no button" hasnt 'メールアドレスを確認する</button>'

# ---- files (紙3 #32) through multipart ----
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$T/teikan.pdf"
mp=()
# The company's fields as multipart parts, and the file.
while IFS= read -r kv; do mp+=("$kv"); done < <(good type=company ccat=1 \
    "org_name=$(enc '合同会社さとやま')" "org_kana=$(enc 'さとやま')" \
    "csr=$(enc '森林保全')" | tr '&' '\n' | $PY -c '
import sys, urllib.parse
for l in sys.stdin:
    k, _, v = l.rstrip("\n").partition("=")
    if k: print(k + "=" + urllib.parse.unquote_plus(v))')
cgi_mp /supernet/register "$A" "${mp[@]}" "file1=@$T/teikan.pdf;type=application/pdf"
check "multipart form accepted" is 200
check "company with a file: confirm page" has '入力内容の確認'
check "file kept on the confirm page" has 'teikan.pdf'
cgi POST /supernet/register "$A" "$(hiddenbody)&step=submit"
CID=$(sq "SELECT id FROM org WHERE kind='company'")
check "company stored" test -n "$CID"
check "company: category set, no group class" test "$(sq "SELECT company_category_id, group_class_id IS NULL, requirements_ok FROM org WHERE id=$CID")" = '1|1|0'
check "org_file links the upload (slot 1)" test "$(sq "SELECT f.slot, u.orig_name, u.state FROM org_file f JOIN upload u ON u.id = f.upload_id WHERE f.org_id=$CID")" = '1|teikan.pdf|quarantine'

# ---- hand-over スーパーネット → あいかさねっと ----
HO=$(sed -n 's/.*name="handover" value="\([0-9a-f]*\)".*/\1/p' "$T/done1.html")
check "done page offers あいかさねっと" grep -qF 'あいかさねっとにも登録する</button>' "$T/done1.html"
check "the offer is a GET with only the token" test "$(grep -c '<input type="hidden"' <(sed -n '/ak-title/,/<\/form>/p' "$T/done1.html"))" = 1
check "hand-over token is 256 bits" test ${#HO} = 64
cgi GET /aikasa/register "" "" "handover=$HO"
check "AK terms: type preselected" has 'name="mtype" value="group" checked'
check "AK terms: token carried to the agree step" has "name=\"handover\" value=\"$HO\""
check "AK terms: no-referrer (token in URL)" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "peek leaves the token unused" test "$(sq "SELECT used_at IS NULL FROM token WHERE purpose='handover' AND subject_id=$OID")" = 1
cgi POST /aikasa/register "$A" "$C&step=agree&mtype=group&handover=$HO"
check "AK form: prefilled note" has 'スーパーネットで入力された内容を反映しました。'
check "AK form: 団体名" has "value=\"$ORG\""
check "AK form: ふりがな" has "value=\"$OKANA\""
check "AK form: 代表者名" has 'value="山口 花子"'
check "AK form: 団体の分類" grep -q '<option value="2" selected>任意団体</option>' "$T/body"
check "AK form: 市町" grep -q '<option value="3" selected>山口市</option>' "$T/body"
check "AK form: 電話番号" has 'value="083-900-1111"'
check "AK form: Eメール from 登録担当者Eメール" has "name=\"email\" value=\"$REGMAIL\""
check "AK form: consent not carried" hasnt 'name="rep_agree" value="1" checked'
check "hand-over token used" test "$(sq "SELECT used_at IS NOT NULL FROM token WHERE purpose='handover' AND subject_id=$OID")" = 1
cgi POST /aikasa/register "$A" "$C&step=agree&mtype=group&handover=$HO"
check "hand-over is single use" has 'スーパーネットの入力内容を引き継げませんでした'
check "second use fills nothing" hasnt "value=\"$ORG\""

# ---- hand-over あいかさねっと → スーパーネット ----
AKB="$C&step=confirm&mtype=group&login_id=satoyama.ak&password=grouppass1&password2=grouppass1&gclass=1&org_name=$(enc 'NPO法人ほうふ子ども食堂')&org_kana=$(enc 'ほうふこどもしょくどう')&rep_name=$(enc '防府 一子')&rep_agree=1&rep_title=$(enc '理事長')&pref=35&muni=5&tel=0835-11-2222&email=kodomo@example.jp&email2=kodomo@example.jp&reqs=6&reqs=7&reqs=8&reqs=9"
cgi POST /aikasa/register "$A" "$AKB"
cgi POST /aikasa/register "$A" "$(hiddenbody)&step=submit"
check "AK group registered" has '確認メールを送信しました'
check "AK done page offers スーパーネット" has 'スーパーネットにも登録する</button>'
HO2=$(sed -n 's/.*name="handover" value="\([0-9a-f]*\)".*/\1/p' "$T/body")
check "AK offer is a GET with only the token" test "$(grep -c '<input type="hidden"' <(sed -n '/sn-title/,/<\/form>/p' "$T/body"))" = 1
cgi GET /supernet/register "" "" "handover=$HO2"
check "SN terms: NPO法人 class gives the NPO form" has 'name="type" value="npo" checked'
check "SN terms: token carried" has "name=\"handover\" value=\"$HO2\""
cgi POST /supernet/register "$A" "$C&step=agree&type=npo&handover=$HO2"
check "SN form: prefilled note" has 'あいかさねっとで入力された内容を反映しました。'
check "SN form: 団体名" has 'value="NPO法人ほうふ子ども食堂"'
check "SN form: 役職名" has 'value="理事長"'
check "SN form: 市町" grep -q '<option value="5" selected>防府市</option>' "$T/body"
check "SN form: 登録担当者Eメール from the AK e-mail" has 'name="reg_email" value="kodomo@example.jp"'
check "SN form: 電話番号" has 'name="tel" value="0835-11-2222"'
cgi POST /supernet/register "$A" "$C&step=agree&type=npo&handover=$HO2"
check "SN hand-over is single use" has 'あいかさねっとの入力内容を引き継げませんでした'
cgi GET /supernet/register "" "" "handover=$HO"
check "an AK-bound token does not fill the SN terms" hasnt 'value="group" checked'

# ---- 修正依頼: search (public data only) ----
sq "UPDATE org SET state = 'public' WHERE id = $OID"
sq "INSERT INTO org (kind, source, state, name, kana, rep_name, created_at, updated_at) VALUES ('group', 'staff', 'draft', 'やまぐち里山の会（下書）', 'さとやま', 'x', 1, 1)"
cgi GET /supernet/edit
check "edit: search form" has 'name="q"'
cgi GET /supernet/edit "" "" "q=$(enc 'さとやま')"
check "search finds the public org" has "<strong>$ORG</strong>"
check "search hides a draft org" hasnt '（下書）'
check "search hides the review-state company" hasnt 'さとやま</strong>'
for s in "$REG" "$REGMAIL" "$REGTEL" '事務局長'; do
	check "search never shows '$s'" hasnt "$s"
done
check "search offers the link" has '修正用のリンクを送る</button>'
check "search offers the fallback" has '登録担当者が変わった場合</button>'

cgi POST /supernet/edit "$A" "$C&step=send&org=$OID"
check "send: message" has '修正用のリンクをお送りしました'
check "send: the address is not shown" hasnt "$REGMAIL"
check "edit link token: 30 minutes" test "$(sq "SELECT subject_id, expires_at - created_at FROM token WHERE purpose='org_edit_link'")" = "$OID|1800"
check "edit link mail arrives" waitsubj '【スーパーネット】修正用のリンク' 1
lastmail '【スーパーネット】修正用のリンク' > "$T/m3"
check "edit link mail to the address on file" grep -qx "To: $REGMAIL" "$T/m3"
ETOK=$(grep -o 'supernet/edit/form?t=[0-9a-f]*' "$T/m3" | sed 's/.*t=//')
check "edit link in the mail" test ${#ETOK} = 64
cgi POST /supernet/edit "$A" "$C&step=send&org=$OID"
cgi POST /supernet/edit "$A" "$C&step=send&org=$OID"
cgi POST /supernet/edit "$A" "$C&step=send&org=$OID"
check "rate limit: the 4th send is refused" has '短い時間に何度もリンクの送信が依頼された'
check "rate limit: 3 links only" test "$(sq "SELECT count(*) FROM token WHERE purpose='org_edit_link'")" = 3
cgi POST /supernet/edit "$A" "$C&step=send&org=$(sq "SELECT id FROM org WHERE name LIKE '%下書%'")"
check "no link for a non-public org" has '見つかりませんでした'

# ---- the link opens the filled-in form ----
cgi GET /supernet/edit/form "$A" "" "t=$ETOK"
check "edit form: 200" is 200
check "edit form: no-referrer" grep -qi '^Referrer-Policy: no-referrer' "$T/hdr"
check "edit form: filled (public)" has "value=\"$ORG\""
check "edit form: filled (一般非公開, via the link only)" has "name=\"reg_email\" value=\"$REGMAIL\""
check "edit form: checkboxes filled" grep -q 'name="munis" value="12" checked' "$T/body"
check "edit form: URL filled" has 'value="https://sns.example.jp/satoyama"'
check "edit form: token carried" has "name=\"t\" value=\"$ETOK\""
$PY - "$T/body" > "$T/editbody" <<'PYEOF'
import html.parser, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.out = []; self.ta = None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "input" and a.get("type") in ("hidden", "text", "email", "tel", "date"):
            self.out.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.out.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.ta = [a["name"], ""]
        elif tag == "select":
            self.sel = a["name"]
        elif tag == "option" and "selected" in a:
            self.out.append((self.sel, a.get("value", "")))
    def handle_data(self, d):
        if self.ta is not None: self.ta[1] += d
    def handle_endtag(self, tag):
        if tag == "textarea" and self.ta is not None:
            self.out.append(tuple(self.ta)); self.ta = None
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(urllib.parse.urlencode([(k, v) for k, v in p.out if k != "activities"]))
PYEOF
cgi POST /supernet/edit/form "$A" "$(cat "$T/editbody")&activities=$(enc '毎月の下草刈りと植樹、間伐')"
check "edit: confirm page" has '入力内容の確認'
check "edit: confirm shows the change" has '毎月の下草刈りと植樹、間伐'
cgi POST /supernet/edit/form "$A" "$(hiddenbody)&step=submit"
check "edit: received" has '修正依頼を受け付けました'
check "edit: org_edit row via the link, in review" test "$(sq "SELECT org_id, via, state, length(payload_ct) > 32, requester_ct IS NULL FROM org_edit")" = "$OID|link|review|1|1"
check "edit: the public record is unchanged (R090)" test "$(sq "SELECT activities FROM org WHERE id=$OID")" = $'毎月の下草刈り\n植樹'
check "edit: link used" test "$(sq "SELECT count(*) FROM token WHERE purpose='org_edit_link' AND used_at IS NOT NULL")" = 1
check "edit: audited" test "$(sq "SELECT count(*) FROM audit WHERE action='sn_edit_request' AND target_id=$OID")" = 1
sq 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
check "edit: payload sealed (no plaintext)" test "$(cat "$DB" "$DB-wal" 2>/dev/null | grep -caF '間伐')" = 0
check "edit: center mail 修正依頼あり" waitsubj '【スーパーネット】修正依頼あり' 1
check "edit: center mail to the center" grep -qx 'To: center-sn@kenmin.example.jp' <(lastmail '【スーパーネット】修正依頼あり')
check "edit: registrant mail 受付" waitsubj '【スーパーネット】修正依頼の受付' 1
check "edit: 受付 to the address on file" grep -qx "To: $REGMAIL" <(lastmail '【スーパーネット】修正依頼の受付')
cgi GET /supernet/edit/form "" "" "t=$ETOK"
check "edit link is single use" has 'このURLは無効です。'
check "used link shows no stored data" hasnt "$REGMAIL"
# A second link, moved past its 30 minutes.
waitsubj '【スーパーネット】修正用のリンク' 3
ETOK2=$(for f in "$T"/spool/*.eml; do mailbody "$f"; done | grep -o 'supernet/edit/form?t=[0-9a-f]*' | sed 's/.*t=//' | sort -u | grep -v "$ETOK" | head -1)
check "second link mailed" test ${#ETOK2} = 64
cgi GET /supernet/edit/form "" "" "t=$ETOK2"
check "second link opens before expiry" has "value=\"$ORG\""
sq "UPDATE token SET created_at = created_at - 1801, expires_at = expires_at - 1801 WHERE purpose='org_edit_link' AND used_at IS NULL"
cgi GET /supernet/edit/form "" "" "t=$ETOK2"
check "expired link (30 min) refused" has '有効期限（30分）'
check "expired link shows no stored data" hasnt "$REGMAIL"
cgi POST /supernet/edit/form "$A" "$(cat "$T/editbody" | sed "s/t=$ETOK/t=$ETOK2/")&step=confirm"
check "expired link: POST refused too" has '有効期限（30分）'

# ---- fallback (A-07 3) ----
cgi GET /supernet/edit/fallback "" "" "org=$OID"
check "fallback: form" has 'name="request"'
check "fallback: names the public org" has "「$ORG」"
for s in "$REG" "$REGMAIL" "$REGTEL" '事務局長' '山口 花子'; do
	check "fallback never shows '$s'" hasnt "$s"
done
cgi POST /supernet/edit/fallback "$A" "$C&step=confirm&org=$OID"
for m in '修正を依頼する内容を入力してください。' '新しい登録担当者を入力してください。' \
    '新しい登録担当者の電話番号を入力してください。' '登録担当者Eメールを入力してください。'; do
	check "fallback required: $m" grep -qF "$m</a></li>" "$T/body"
done
FB="$C&step=confirm&org=$OID&request=$(enc '代表者が替わりました。代表者名を「萩 四郎」に。')&reg_name=$(enc '萩 五郎')&reg_tel=083-933-4444&reg_email=goro@example.jp&reg_email2=goro@example.jp"
cgi POST /supernet/edit/fallback "$A" "$FB"
check "fallback: confirm" has '入力内容の確認'
check "fallback: confirm names the org" has "<td>$ORG</td>"
cgi POST /supernet/edit/fallback "$A" "$(hiddenbody)&step=submit"
check "fallback: received" has '修正依頼を受け付けました'
check "fallback: org_edit with requester" test "$(sq "SELECT via, state, length(requester_ct) > 16 FROM org_edit WHERE via='fallback'")" = 'fallback|review|1'
cgi POST /supernet/edit/fallback "$A" "$(hiddenbody)&step=submit"
check "fallback: double submit stores once" test "$(sq "SELECT count(*) FROM org_edit WHERE via='fallback'")" = 1
check "fallback: 受付 to the new address" waitsubj '【スーパーネット】修正依頼の受付' 2
check "fallback: 受付 mail To" test "$(heads | awk -F'\t' '$3 == "【スーパーネット】修正依頼の受付" { print $2 }' | sort | tr '\n' ' ')" = "goro@example.jp $REGMAIL "
cgi GET /supernet/edit/fallback "" "" "org=$CID"
check "fallback refuses a non-public org" hasnt 'name="request"'

# ---- the staff review hooks (review.c calls org_review_rows/org_edit_apply) ----
EID=$(sq "SELECT id FROM org_edit WHERE via='link'")
staff_add rv.editor 'editor pass 123' editor
staff_session rv.editor 'editor pass 123'
cgi GET /admin/review/item "$SS" "" "q=org&id=$OID"
check "review: staff see the 一般非公開 data" has "$REGMAIL"
check "review: rows name the fields" has '登録担当者電話番号'
cgi GET /admin/review/item "$SS" "" "q=org_edit&id=$EID"
check "review: the edit shows the new value" has '毎月の下草刈りと植樹、間伐'
check "review: and the old one" has '植樹'
cgi POST /admin/review/act "$SS" "$SC&q=org_edit&id=$EID&action=approve"
check "review: approve applies the edit (org_edit_apply)" test "$(sq "SELECT activities FROM org WHERE id=$OID")" = '毎月の下草刈りと植樹、間伐'
check "review: other fields unchanged" test "$(sq "SELECT name, group_class_id, target_area_id FROM org WHERE id=$OID"):$(sq "SELECT group_concat(muni_id) FROM org_muni WHERE org_id=$OID"):$(sq "SELECT count(*) FROM org_url WHERE org_id=$OID")" = "$ORG|2|1:3,12:3"
check "review: edit approved" test "$(sq "SELECT state FROM org_edit WHERE id=$EID")" = approved

check "audit chain intact" "$GEN" -c "$T/k.ini" audit verify >/dev/null
exit 0
