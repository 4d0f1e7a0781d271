// flows.js: the formsvc form flows the accessibility checks walk in
// Chromium, as one table (FLOWS), and the driver that walks them and
// hands every state's page and HTML to a callback: run.js runs axe and
// the keyboard checks on each, collect.js saves the HTML for
// html-validate.  A later form joins the checks by adding a row.
"use strict";

const lib = require("./lib");

// One run-unique suffix, so a registration's login ID is new each time.
const RUN = Date.now().toString(36);

// Each row: id (file names), label, login (a demo login to sign in with
// first, or none), path (the GET that opens the flow) and steps.  A step
// may fill fields by name (a string for inputs and selects, true for a
// checkbox or radio with that value given as "name=value"), click the
// main button whose text is given, and then names the state reached,
// expects text in its HTML (so a flow that went wrong fails); keys asks
// for the keyboard walk and reflow (run.js does them on every GET state
// anyway) and summary for the check of the error summary's links.
// The first step (no click) is the state after the GET.
const FLOWS = [
	{ id: "aikasa_register_individual", label: "あいかさねっと 会員登録（個人）",
	    path: "/aikasa/register", steps: [
		{ state: "terms", expect: "同意する</button>" },
		{ fill: { "mtype=individual": true }, click: "同意する",
		    state: "empty", expect: 'name="login_id"' },
		{ click: "入力内容を確認する", state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
		{ fill: {
			login_id: "a11y_" + RUN, password: "a11y pass 8 文字以上",
			password2: "a11y pass 8 文字以上", fullname: "山口 太郎",
			fullkana: "やまぐち たろう", pref: "35", muni: "3",
			tel: "083-922-0000", email: "a11y-" + RUN + "@example.jp",
			email2: "a11y-" + RUN + "@example.jp", gender: "male",
			birth: "1990-05-06", "birth_agree=1": true,
		    }, click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
		{ click: "送信する", state: "done", expect: "確認メールを送信しました" },
	] },
	{ id: "login", label: "ログイン", path: "/login", steps: [
		{ state: "empty", expect: 'id="login_id"' },
		{ fill: { login_id: "a11y-nobody", password: "wrong-password-1" },
		    click: "ログイン", state: "errors", expect: 'role="alert"' },
	] },
	{ id: "admin_login", label: "職員ログイン", path: "/admin/login", steps: [
		{ state: "empty", expect: 'id="login_id"' },
		{ fill: { login_id: "a11y-nobody", password: "wrong-password-1" },
		    click: "ログイン", state: "errors", expect: 'role="alert"' },
	] },
	{ id: "reset", label: "パスワードの再設定", path: "/reset", steps: [
		{ state: "empty", expect: 'id="login_id"' },
		{ fill: { login_id: "a11y-nobody" }, click: "送信する",
		    state: "done", expect: "受け付けました" },
	] },
	{ id: "mypage", label: "マイページ", login: "demo-kojin", path: "/mypage",
	    steps: [{ state: "empty", expect: "マイページ" }] },
	{ id: "password", label: "パスワードの変更", login: "demo-kojin",
	    path: "/password", steps: [
		{ state: "empty", expect: 'id="new_password"' },
		{ fill: { password: "not-the-password-1", new_password: "a11y-new-pw-1",
		    new_password2: "a11y-new-pw-2" }, click: "変更する",
		    state: "errors", expect: 'role="alert"' },
	] },
	{ id: "admin_totp_enrol", label: "確認コードの登録", login: "demo-admin",
	    path: "/admin/totp/enrol", steps: [{ state: "empty" }] },
	{ id: "admin_totp", label: "確認コードの入力", login: "demo-admin",
	    path: "/admin/totp", steps: [{ state: "empty" }] },
	{ id: "member_edit", label: "登録情報の修正", login: "demo-kojin",
	    path: "/mypage/edit", steps: [
		{ state: "filled", expect: 'name="zip"' },
		{ fill: { zip: "" }, click: "入力内容を確認する", state: "errors",
		    keys: true, summary: true, expect: 'class="error-summary"' },
		{ fill: { zip: "753-0072" }, click: "入力内容を確認する",
		    state: "confirmation", expect: "入力内容の確認" },
	] },
	{ id: "member_status", label: "休止・再開・退会", login: "demo-kojin",
	    path: "/mypage/status", steps: [
		{ state: "menu", expect: "退会の手続きへ進む" },
		{ click: "休止する", state: "ask", expect: "休止してよろしいですか" },
	] },
	// -- rows: member.c --
	{ id: "aikasa_posting_new", label: "ボランティア募集の新規登録",
	    login: "demo-dantai", path: "/mypage/posting/new", steps: [
		{ state: "empty", expect: 'name="title"' },
		{ click: "入力内容を確認する", state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
		{ fill: {
			title: "a11y 海岸清掃ボランティア募集", "fields=1": true,
			activity: "海岸のごみを拾います。", when: "毎月第2土曜日 9時～12時",
			"weekdays=6": true, "area_all=1": true, place: "きらら浜",
			contact: "電話 083-922-0000", headcount: "10名",
			"anytime=1": true,
		    }, click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
		{ click: "送信する", state: "done", expect: "ボランティア募集を受け付けました" },
	] },
	// -- rows: posting.c --
	{ id: "supernet_register_group", label: "スーパーネット 団体登録",
	    path: "/supernet/register?type=group", steps: [
		{ state: "terms", expect: "同意する</button>" },
		{ click: "同意する", state: "empty", expect: 'name="org_name"' },
		{ click: "入力内容を確認する", state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
		{ fill: {
			gclass: "2", org_name: "a11y 見守り隊 " + RUN,
			org_kana: "みまもりたい", rep_name: "山口 花子",
			"rep_agree=1": true, staff_name: "周南 次郎", "fields=3": true,
			target_area: "2", purpose: "地域の見守り", activities: "毎週の見回り",
			pref: "35", muni: "3", address: "山口市滝町1-1",
			reg_name: "周南 次郎", reg_tel: "083-922-0000",
			reg_email: "a11y-sn-" + RUN + "@example.jp",
			reg_email2: "a11y-sn-" + RUN + "@example.jp",
			"reqs=1": true, "reqs=2": true, "reqs=3": true, "reqs=4": true,
			"reqs=5": true,
		    }, click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
		{ click: "送信する", state: "done", expect: "確認メールを送信しました" },
	] },
	{ id: "supernet_edit", label: "スーパーネット 修正依頼",
	    path: "/supernet/edit", steps: [
		{ state: "empty", expect: 'name="q"' },
		{ fill: { q: "NPO法人" }, click: "検索する", state: "results",
		    expect: "検索結果" },
		{ click: "登録担当者が変わった場合", state: "fallback",
		    expect: 'name="request"' },
		{ click: "入力内容を確認する", state: "fallback-errors", summary: true,
		    expect: 'class="error-summary"' },
	] },
	// -- rows: snreg.c --
	{ id: "supernet_event", label: "スーパーネット 募集情報の登録",
	    path: "/supernet/event", steps: [
		{ state: "empty", expect: 'type="file"' },
		{ click: "入力内容を確認する", state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
		{ fill: {
			"category=event": true, organizer: "やまぐち森の会",
			title: "a11y 森林ボランティア", held: "2025年10月12日（日）9時～12時",
			starts_on: "2025-10-12", place: "山口市 中央公園",
			body: "下草刈りをします。", "fields=1": true,
			contact: "やまぐち森の会 083-922-0000",
			email: "a11y-ev-" + RUN + "@example.jp",
			email2: "a11y-ev-" + RUN + "@example.jp",
		    }, click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
		{ click: "送信する", state: "done", expect: "確認メールを送信しました" },
	] },
	// -- rows: event.c --
	// Staff review (review.c): mfa completes the TOTP step; the demo's
	// 2nd newest organisation is always in review.
	{ id: "review_overview", label: "審査待ちの一覧", login: "demo-admin",
	    mfa: true, path: "/admin/review", steps: [
		{ state: "empty", expect: "審査待ちの一覧" },
	] },
	{ id: "review_list", label: "審査キュー（新規団体）", login: "demo-admin",
	    mfa: true, path: "/admin/review/list?q=org", steps: [
		{ state: "empty", expect: 'class="review-list"' },
	] },
	{ id: "review_item", label: "審査（新規団体）", login: "demo-admin",
	    mfa: true, path: "/admin/review/item?q=org&id=1676", steps: [
		{ state: "empty", expect: 'value="approve"' },
		{ fill: { dup: "abc" }, click: "重複として記録する",
		    state: "errors", expect: 'role="alert"' },
	] },
	// -- rows: review.c --
	{ id: "account_email", label: "Eメールアドレスの変更", login: "demo-kojin",
	    path: "/mypage/email", steps: [
		{ state: "empty", expect: 'name="email2"' },
		{ click: "確認メールを送信する", state: "errors", keys: true,
		    summary: true, expect: 'class="error-summary"' },
	] },
	{ id: "account_delete", label: "退会の手続き", login: "demo-kojin",
	    path: "/mypage/delete", steps: [
		{ state: "empty", expect: "退会すると" },
		{ click: "退会する", state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
	] },
	// -- rows: account.c --
	// The fixture's posting 8 recruits 随時 (another group's); member 2 is
	// a public individual (both from `demo --seed 1`).
	{ id: "aikasa_apply", label: "ボランティアへの参加申込",
	    login: "demo-kojin", path: "/aikasa/apply?posting=8", steps: [
		{ state: "empty", expect: 'name="message"' },
		{ fill: { message: "よろしくお願いします。" },
		    click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
		{ click: "送信する", state: "done", expect: "送信しました" },
	] },
	{ id: "aikasa_inquire", label: "ボランティア募集への問い合わせ",
	    login: "demo-kojin", path: "/aikasa/inquire?posting=8", steps: [
		{ state: "empty", expect: 'name="message"' },
		{ click: "入力内容を確認する", state: "errors", keys: true,
		    summary: true, expect: 'class="error-summary"' },
		{ fill: { message: "集合場所を教えてください。" },
		    click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
	] },
	{ id: "aikasa_request", label: "会員への問い合わせ（参加要請）",
	    login: "demo-dantai", path: "/aikasa/request?member=2", steps: [
		{ state: "empty", expect: 'name="message"' },
		{ click: "入力内容を確認する", state: "errors", keys: true,
		    summary: true, expect: 'class="error-summary"' },
		{ fill: { message: "清掃活動に参加しませんか。" },
		    click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
	] },
	// -- rows: apply.c --
	{ id: "supernet_contact", label: "お問い合わせ", path: "/supernet/contact",
	    steps: [
		{ state: "empty", expect: 'name="message"' },
		{ click: "入力内容を確認する", state: "errors", keys: true,
		    summary: true, expect: 'class="error-summary"' },
		{ fill: { fullname: "山口 太郎", email: "a11y-" + RUN + "@example.jp",
			email2: "a11y-" + RUN + "@example.jp", category: "other",
			message: "アクセシビリティ検査のお問い合わせです。",
			"privacy_agree=1": true },
		    click: "入力内容を確認する", state: "confirmation",
		    expect: "入力内容の確認" },
	] },
	{ id: "aikasa_subscribe", label: "メールマガジン 配信の申し込み",
	    path: "/aikasa/subscribe", steps: [
		{ state: "empty", expect: 'name="email"' },
		{ fill: { email: "not-an-address" }, click: "確認メールを送信する",
		    state: "errors", keys: true, summary: true,
		    expect: 'class="error-summary"' },
		{ fill: { email: "a11y-" + RUN + "@example.jp" },
		    click: "確認メールを送信する", state: "sent",
		    expect: "確認メールを送信しました" },
	] },
	{ id: "supernet_unsubscribe", label: "さぽーとメール 配信の停止",
	    path: "/supernet/unsubscribe", steps: [
		{ state: "empty", expect: 'name="email"' },
		{ click: "確認メールを送信する", state: "errors", keys: true,
		    summary: true, expect: 'class="error-summary"' },
	] },
	// -- rows: contact.c --
];

// Where each login is entered.
const LOGIN_PATH = { "demo-kojin": "/login", "demo-dantai": "/login",
    "demo-admin": "/admin/login" };

// The demo logins printed by `kenmin-gen demo` ("login: ID password: PW").
function readLogins(text) {
	const logins = {};
	for (const line of text.split("\n")) {
		const m = /login: (\S+)\s+password: (\S+)/.exec(line);
		if (m)
			logins[m[1]] = m[2];
	}
	return logins;
}

// The paths the flows open without a login (their first state is checked
// there, so the list of GET screens need not check them again).
function flowPaths() {
	return new Set(FLOWS.filter((f) => !f.login).map((f) => f.path));
}

async function fillForm(page, fill) {
	for (const [k, v] of Object.entries(fill)) {
		if (v === true) {
			const [name, value] = k.split("=");
			await page.check("main [name=\"" + name + "\"][value=\"" +
			    value + "\"]");
			continue;
		}
		const sel = "main [name=\"" + k + "\"]";
		const tag = await page.$eval(sel, (el) => el.tagName.toLowerCase());
		if (tag === "select")
			await page.selectOption(sel, v);
		else
			await page.fill(sel, v);
	}
}

async function submit(page, text) {
	const [resp] = await Promise.all([
		page.waitForNavigation({ waitUntil: "load" }),
		page.click("main button:text-is(\"" + text + "\")"),
	]);
	return resp;
}

// The TOTP secret and unused recovery codes of each staff login this
// run enrolled, so its later logins can pass the second step too.
const MFA = {};

// The staff second step after the password: on the enrolment page the
// code comes from the secret shown there (and the recovery codes shown
// next are kept); on the code page a kept recovery code is used (each
// once), else the code of the current step.
async function staffMfa(page, who) {
	if (/\/admin\/totp\/enrol$/.test(page.url())) {
		const html = await page.content();
		const m = /秘密鍵：<code>([A-Z2-7]+)<\/code>/.exec(html);
		if (!m)
			throw new Error("no TOTP secret on the enrolment page");
		await page.fill("#code", lib.totp(m[1],
		    Math.floor(Date.now() / 30000)));
		await submit(page, "設定する");
		const codes = [...(await page.content()).matchAll(
		    /<li><code>([^<]+)<\/code><\/li>/g)].map((c) => c[1]);
		MFA[who] = { secret: m[1], codes };
	} else if (/\/admin\/totp$/.test(page.url()) && MFA[who]) {
		const code = MFA[who].codes.length > 0 ? MFA[who].codes.shift() :
		    lib.totp(MFA[who].secret,
		    Math.floor(Date.now() / 30000));
		await page.fill("#code", code);
		await submit(page, "確認");
	}
}

// Log in as who in this page's context (with mfa, a staff login also
// passes the TOTP step); returns the URL reached.
async function login(page, cgi, who, pw, mfa) {
	await page.goto(cgi + LOGIN_PATH[who], { waitUntil: "load" });
	await page.fill("#login_id", who);
	await page.fill("#password", pw);
	await submit(page, "ログイン");
	if (mfa)
		await staffMfa(page, who);
	return page.url();
}

// Walk every flow in its own context; for each state reached,
// onState({ flow, step, page, html, status, errors, label }).  A flow
// that cannot go on (a missing login, text not found, a failed click)
// is reported through lib.notok and the rest of it skipped.
async function walkFlows(lib, browser, ctxOpt, cgi, logins, onState) {
	for (const flow of FLOWS) {
		const context = await browser.newContext(ctxOpt);
		const page = await context.newPage();
		const errors = [];
		// The browser's own /favicon.ico request is not the page's.
		page.on("console", (m) => {
			const url = m.location().url || "";
			if (m.type() === "error" && !/\/favicon\.ico$/.test(url))
				errors.push(m.text() + (url ? " (" + url + ")" : ""));
		});
		page.on("pageerror", (e) => errors.push(String(e)));
		try {
			if (flow.login) {
				if (logins[flow.login] === undefined) {
					lib.notok("demo login " + flow.login +
					    " printed by kenmin-gen demo");
					continue;
				}
				const where = await login(page, cgi, flow.login,
				    logins[flow.login], flow.mfa);
				lib.diag(flow.login + " logged in, now at " + where);
				errors.length = 0;
			}
			for (const step of flow.steps) {
				const label = "formsvc " + flow.label + " (" + flow.path +
				    ", " + step.state + ")";
				let resp;
				if (step.fill)
					await fillForm(page, step.fill);
				if (step.click)
					resp = await submit(page, step.click);
				else
					resp = await page.goto(cgi + flow.path,
					    { waitUntil: "load" });
				const html = resp === null ? "" : await resp.text();
				const status = resp === null ? 0 : resp.status();
				if (step.expect !== undefined &&
				    !lib.check(html.includes(step.expect), "flow reaches " +
				    "its state: " + label, ["no '" + step.expect +
				    "' in the page (status " + status + ")",
				    html.replace(/\s+/g, " ").slice(0, 600)]))
					break;
				await onState({ flow, step, page, html, status,
				    errors: errors.splice(0), label });
			}
		} catch (e) {
			lib.notok("flow " + flow.label + " ran to the end",
			    [e.stack || String(e)]);
		} finally {
			await context.close();
		}
	}
}

module.exports = { FLOWS, RUN, readLogins, flowPaths, walkFlows, login };
