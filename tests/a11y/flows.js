// flows.js: the formsvc form flows the accessibility checks walk in
// Chromium, as one table (FLOWS), and the driver that walks them and
// hands every state's page and HTML to a callback: run.js runs axe and
// the keyboard checks on each, collect.js saves the HTML for
// html-validate.  A later form joins the checks by adding a row.
"use strict";

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
];

// Where each login is entered.
const LOGIN_PATH = { "demo-kojin": "/login", "demo-admin": "/admin/login" };

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

// Log in as who in this page's context; returns the URL reached.
async function login(page, cgi, who, pw) {
	await page.goto(cgi + LOGIN_PATH[who], { waitUntil: "load" });
	await page.fill("#login_id", who);
	await page.fill("#password", pw);
	await submit(page, "ログイン");
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
				    logins[flow.login]);
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
