// flows.js: issue #5's browser test: every registration flow walked in
// headless Chromium as a person would (type, confirm, send, open the
// mail and follow its link, log in, finish, then a member of staff
// approves and the public page shows the item), on the site
// tests/cases/720_flows_browser.sh serves.  Each step prints "ok - …" or
// "not ok - …" with what was expected; after a failed step the rest of
// its flow is printed as "not ok" (skipped), never "ok".
//
//   node flows.js --base URL --spool DIR --gen KENMIN-GEN --db FILE
//                 --shots DIR
//
// The flows (docs/forms/*.md has their fields):
//   A  あいかさねっと 個人 and 団体: register, verify, log in, 詳細登録,
//      approve (member), the member page
//   B  スーパーネット 団体 with a PDF: register, verify, approve (org), the
//      org page and its file; the hand-over to あいかさねっと
//   C  募集情報: submit, verify, approve (event), the event page; the
//      private edit link, approve (event_edit), the new title
//   D  the group of A posts a recruitment, approve (posting), its page
//      and the member page's list
//   E  修正依頼 of the org of B by the mailed link, approve (org_edit)
//   F  the individual of A edits a published field, approve (member_edit)
"use strict";

const childProcess = require("child_process");
const fs = require("fs");
const path = require("path");
const lib = require("../a11y/lib");

const opt = lib.args(process.argv.slice(2));
const BASE = opt.base.replace(/\/$/, "");
const CGI = BASE + "/cgi-bin/formsvc.cgi";
const SPOOL = opt.spool;
const GEN = opt.gen;
const DB = opt.db;
const SHOTS = opt.shots;
const RUN = Date.now().toString(36);
const MAIL_WAIT = 30000;	// ms a mail may take to reach the sink
const PUBLISH_WAIT = 60000;	// ms an approval may take to be public
const PASSWORD = "flows pass 8 文字以上";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- steps ----

// A step's failure: what was expected, and what was seen instead.
class Fail extends Error {
	constructor(msg, details) {
		super(msg);
		this.details = details || [];
	}
}

function need(cond, msg, details) {
	if (!cond)
		throw new Fail(msg, details);
}

// One flow: its steps run in order; after a failure the later ones
// are printed as "not ok" (skipped).  after names a flow this one
// builds on; when that one failed, every step here is skipped.
class Flow {
	constructor(label, after) {
		this.label = label;
		this.dead = after !== undefined && after.dead !== null ?
		    "flow " + after.label + " did not finish" : null;
	}

	// Run fn (async) as the step name; returns its value (true when it
	// returns nothing), or null when it failed or was skipped.
	async step(name, fn) {
		const title = this.label + ": " + name;
		if (this.dead !== null) {
			lib.notok(title, ["skipped: " + this.dead]);
			return null;
		}
		try {
			const v = await fn();
			lib.ok(title);
			return v === undefined ? true : v;
		} catch (e) {
			this.dead = "the step \"" + name + "\" failed";
			lib.notok(title, e instanceof Fail ? [e.message,
			    ...e.details] : [e.stack || String(e)]);
			return null;
		}
	}
}

// ---- the browser ----

// What a failed page check prints: where the browser is and the text
// of its main element (the error summary, if any, comes first).
async function seen(page) {
	let main = "";
	try {
		main = await page.innerText("main", { timeout: 1000 });
	} catch (e) {
		main = (await page.content()).slice(0, 600);
	}
	return ["at " + page.url(), main.replace(/\s+/g, " ").slice(0, 700)];
}

// The page must show text (in its HTML).
async function shows(page, text, what) {
	const html = await page.content();
	need(html.includes(text), (what || "the page") + " shows \"" + text +
	    "\"", await seen(page));
}

async function open(page, url) {
	const resp = await page.goto(url, { waitUntil: "load" });
	need(resp !== null && resp.status() === 200, "GET " + url +
	    " answers 200", ["status " + (resp === null ? "none" :
	    resp.status())]);
	return resp;
}

// Press the button with this text in main and wait for the next page.
async function press(page, text) {
	const button = page.locator("main button", { hasText: text }).first();
	need(await button.count() > 0, "a button 「" + text + "」",
	    await seen(page));
	const [resp] = await Promise.all([
		page.waitForNavigation({ waitUntil: "load" }),
		button.click(),
	]);
	need(resp !== null && resp.status() < 400, "「" + text + "」 leads " +
	    "to a page (not an error)", ["status " + (resp === null ?
	    "none" : resp.status()), ...(await seen(page))]);
	return resp;
}

// Follow the link with this text in main.
async function follow(page, text) {
	const a = page.locator("main a", { hasText: text }).first();
	need(await a.count() > 0, "a link 「" + text + "」", await seen(page));
	await Promise.all([
		page.waitForNavigation({ waitUntil: "load" }),
		a.click(),
	]);
}

const FIRST = Symbol("first option");

// Fill fields by name as a person would: a string for a text field,
// textarea or select (by value), FIRST for a select's first real option
// or the first box of a checkbox group, true for the checkbox or radio
// "name=value", a { name, mimeType, buffer } object for a file.
async function fill(page, fields) {
	for (const [k, v] of Object.entries(fields)) {
		if (v === true) {
			const [name, value] = k.split("=");
			await page.check("main [name=\"" + name + "\"][value=\"" +
			    value + "\"]");
			continue;
		}
		const sel = "main [name=\"" + k + "\"]";
		need(await page.locator(sel).count() > 0, "a field " + k +
		    " on the form", await seen(page));
		const el = page.locator(sel).first();
		const kind = await el.evaluate((e) => e.tagName.toLowerCase() +
		    (e.type ? ":" + e.type : ""));
		if (typeof v === "object" && v !== FIRST)
			await el.setInputFiles(v);
		else if (kind.startsWith("select") && v === FIRST) {
			const val = await el.evaluate((e) => Array.from(e.options)
			    .map((o) => o.value).find((x) => x !== ""));
			await el.selectOption(val);
		} else if (kind.startsWith("select"))
			await el.selectOption(v);
		else if (v === FIRST)
			await el.check();
		else
			await el.fill(v);
	}
}

// The value of the field name on the page ("" when there is none).
async function value(page, name) {
	const el = page.locator("main [name=\"" + name + "\"]").first();
	if (await el.count() === 0)
		return "";
	return el.inputValue();
}

let shotN = 0;

// A full-page screenshot of the public page now shown (for people).
async function shot(page, name) {
	shotN++;
	await page.screenshot({ path: path.join(SHOTS, String(shotN)
	    .padStart(2, "0") + "-" + name + ".png"), fullPage: true });
}

// ---- mail ----

// RFC 2047 encoded words (B and Q, UTF-8) in a header.
function words(s) {
	return s.replace(/\r?\n[ \t]/g, " ").replace(
	    /=\?utf-8\?([bq])\?([^?]*)\?=\s*(?==\?)?/gi, (m, enc, text) =>
	    enc.toLowerCase() === "b" ? Buffer.from(text, "base64")
	    .toString("utf8") : Buffer.from(text.replace(/_/g, " ")
	    .replace(/=([0-9a-f]{2})/gi, (x, h) => String.fromCharCode(
	    parseInt(h, 16))), "latin1").toString("utf8"));
}

// One message the sink stored: { file, to, subject, body }.  The
// outbox writes one text/plain part in base64 (lib/outbox.c).
function readMail(file) {
	const raw = fs.readFileSync(file, "latin1");
	const cut = raw.search(/\r?\n\r?\n/);
	const head = raw.slice(0, cut).replace(/\r?\n[ \t]+/g, " ");
	const body = raw.slice(cut).trim();
	const header = (n) => {
		const m = new RegExp("^" + n + ":[ \\t]*(.*)$", "im").exec(head);
		return m === null ? "" : words(m[1]);
	};
	const text = /^content-transfer-encoding:\s*base64/im.test(head) ?
	    Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") :
	    Buffer.from(body, "latin1").toString("utf8");
	return { file, to: header("To"), subject: header("Subject"),
	    body: text };
}

const usedMail = new Set();

// The next message to address whose subject includes subject (bounded
// wait); it is taken, so the same mail is never read twice.
async function mailTo(address, subject) {
	const end = Date.now() + MAIL_WAIT;
	const got = [];
	while (Date.now() < end) {
		let names = [];
		try {
			names = fs.readdirSync(SPOOL).filter((f) =>
			    f.endsWith(".eml")).sort();
		} catch (e) {
			// the sink makes the folder with its first message
		}
		got.length = 0;
		for (const n of names) {
			const file = path.join(SPOOL, n);
			if (usedMail.has(file))
				continue;
			const m = readMail(file);
			got.push(m.to + ": " + m.subject);
			if (m.to.includes(address) && m.subject.includes(subject)) {
				usedMail.add(file);
				return m;
			}
		}
		await sleep(200);
	}
	throw new Fail("a mail 「" + subject + "」 to " + address + " within " +
	    MAIL_WAIT / 1000 + " s", ["unread mails: " + (got.join("; ") ||
	    "none"), "outbox: " + sql("SELECT id, state, attempts, " +
	    "last_error FROM outbox ORDER BY id DESC LIMIT 5")]);
}

// The first link of the mail whose path starts with p (after the CGI).
function linkIn(mail, p) {
	const re = new RegExp(CGI.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") +
	    p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "[^\\s<>\"]*");
	const m = re.exec(mail.body);
	need(m !== null, "the mail 「" + mail.subject + "」 holds a link " +
	    CGI + p + "…", [mail.body.slice(0, 600)]);
	return m[0];
}

// ---- the database, only to explain a failure ----

function sql(q) {
	try {
		return childProcess.execFileSync("sqlite3", ["-cmd",
		    ".timeout 5000", DB, q], { encoding: "utf8" }).trim()
		    .replace(/\n/g, " | ");
	} catch (e) {
		return "(sqlite3: " + e.message + ")";
	}
}

// ---- the public site ----

// Poll (bounded) until GET path answers 200 with every text: the
// approval started `kenmin-gen publish` detached.  Returns the body.
async function published(p, texts) {
	const end = Date.now() + PUBLISH_WAIT;
	let last = "";
	while (Date.now() < end) {
		let r = null;
		try {
			r = await fetch(BASE + p);
		} catch (e) {
			last = String(e);
		}
		if (r !== null && r.status === 200) {
			const body = await r.text();
			const missing = texts.filter((t) => !body.includes(t));
			if (missing.length === 0)
				return body;
			last = "200 without " + JSON.stringify(missing);
		} else if (r !== null)
			last = "status " + r.status;
		await sleep(250);
	}
	throw new Fail(p + " shows " + JSON.stringify(texts) + " within " +
	    PUBLISH_WAIT / 1000 + " s of the approval", ["last answer: " + last,
	    "publish_queue: " + sql("SELECT kind, item_id, reason FROM " +
	    "publish_queue ORDER BY id DESC LIMIT 8")]);
}

// Open a public page in the browser: its main text must hold every
// text (a person reads it) and no hidden one; a screenshot is kept.
async function readPublic(page, p, texts, hidden, name) {
	await open(page, BASE + p);
	const main = await page.innerText("main");
	const missing = texts.filter((t) => !main.includes(t));
	need(missing.length === 0, p + " shows " + JSON.stringify(texts),
	    ["missing " + JSON.stringify(missing), ...(await seen(page))]);
	const html = await page.content();
	const leaked = (hidden || []).filter((t) => html.includes(t));
	need(leaked.length === 0, p + " shows none of " +
	    JSON.stringify(hidden), ["found " + JSON.stringify(leaked)]);
	await shot(page, name);
}

// ---- staff ----

// The item of queue q whose title includes title: opened on the staff
// page; returns its id.
async function staffOpen(staff, q, title) {
	await open(staff, CGI + "/admin/review/list?q=" + q);
	const a = staff.locator("table.review-list a", { hasText: title })
	    .first();
	need(await a.count() > 0, "the queue " + q + " lists 「" + title + "」",
	    await seen(staff));
	await Promise.all([
		staff.waitForNavigation({ waitUntil: "load" }),
		a.click(),
	]);
	await shows(staff, "value=\"approve\"", "the review item");
	const id = /[?&]id=([0-9]+)/.exec(staff.url());
	need(id !== null, "the item's URL has its id", [staff.url()]);
	return Number(id[1]);
}

async function staffApprove(staff) {
	await press(staff, "承認する");
	await shows(staff, "承認しました", "the review item after 承認する");
}

// Steps: staff open the item of queue q titled title, check the diff
// when changed is given (an edit request: the new value marked
// 「変更あり」), approve it.  Returns the id (of the record or request).
async function approve(flow, staff, q, title, changed) {
	let id = null;
	await flow.step("staff find 「" + title + "」 in the queue " + q,
	    async () => {
		id = await staffOpen(staff, q, title);
	});
	if (changed !== undefined)
		await flow.step("staff see the change 「" + changed + "」 " +
		    "marked 変更あり", async () => {
			const diff = await staff.innerText("table.review-diff");
			need(diff.includes(changed) && diff.includes("変更あり"),
			    "the diff table shows the new value and 変更あり",
			    [diff.replace(/\s+/g, " ").slice(0, 600)]);
		});
	await flow.step("staff approve it: 「承認しました」", async () => {
		await staffApprove(staff);
	});
	return id;
}

// The editor of this run, through the set-password link, the login
// and the TOTP enrolment; returns the staff page (logged in) or null.
async function staffLogin(flow, browser) {
	const page = await browser.newPage();
	let link = "";
	await flow.step("kenmin-gen staff add prints a /setpw link",
	    async () => {
		link = childProcess.execFileSync(GEN, ["staff", "add",
		    "flows-editor", "--role", "editor", "--name", "審査 花子"],
		    { encoding: "utf8" }).trim();
		need(link.startsWith(CGI + "/setpw?t="), "a link " + CGI +
		    "/setpw?t=…", [link]);
	});
	await flow.step("the link sets the password", async () => {
		await open(page, link);
		await fill(page, { new_password: PASSWORD,
		    new_password2: PASSWORD });
		await press(page, "設定する");
		await shows(page, "パスワードを設定しました");
	});
	await flow.step("the login leads to the TOTP enrolment", async () => {
		await open(page, CGI + "/admin/login");
		await fill(page, { login_id: "flows-editor", password: PASSWORD });
		await press(page, "ログイン");
		need(/\/admin\/totp\/enrol$/.test(page.url()), "at " +
		    "/admin/totp/enrol", await seen(page));
	});
	await flow.step("a code from the shown secret enrols TOTP",
	    async () => {
		const m = /秘密鍵：<code>([A-Z2-7]+)<\/code>/.exec(
		    await page.content());
		need(m !== null, "the secret on the page", await seen(page));
		await fill(page, { code: lib.totp(m[1],
		    Math.floor(Date.now() / 30000)) });
		await press(page, "設定する");
		await shows(page, "リカバリーコード");
	});
	await flow.step("the review overview opens", async () => {
		await open(page, CGI + "/admin/review");
		await shows(page, "審査待ちの一覧");
	});
	return page;
}

// ---- test data ----

// A small PDF with run-unique bytes (form.c takes a PDF by its content).
function pdf() {
	return Buffer.from("%PDF-1.4\n% kenmin flows " + RUN + "\n" +
	    "1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
	    "2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n" +
	    "trailer <</Root 1 0 R>>\n%%EOF\n", "latin1");
}

// A date n days from today, YYYY-MM-DD.
function day(n) {
	return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}

// ---- A: あいかさねっと ----

// The registration of one member: type "individual" or "group".
// Returns { login, email, name, id } once the member page shows it.
async function flowA(flow, browser, staff, type) {
	const page = await browser.newPage();
	const login = "flows-" + type + "-" + RUN;
	const email = login + "@example.jp";
	const m = { login, email, id: null, page };
	const step1 = type === "individual" ? {
		fullname: "山口 太郎", fullkana: "やまぐち たろう",
		gender: "male", birth: "1990-05-06", "birth_agree=1": true,
	} : {
		gclass: "2", org_name: "フロー見守り隊 " + RUN,
		org_kana: "ふろーみまもりたい", rep_name: "山口 花子",
		"rep_agree=1": true, rep_title: "代表", "roles=recruit": true,
	};
	m.name = type === "individual" ? "個人会員" : step1.org_name;
	await flow.step("/aikasa/register: 規約, 「同意する」, the form",
	    async () => {
		await open(page, CGI + "/aikasa/register");
		await fill(page, { ["mtype=" + type]: true });
		await press(page, "同意する");
		await shows(page, "name=\"login_id\"", "the form");
	});
	await flow.step("filled in: 「入力内容の確認」", async () => {
		await fill(page, Object.assign({
			login_id: login, password: PASSWORD,
			password2: PASSWORD, pref: "35", muni: "3",
			tel: "083-922-0000", email, email2: email,
		}, step1));
		if (type === "group")
			for (const box of await page.locator(
			    "main [name=\"reqs\"]").all())
				await box.check();
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
	});
	await flow.step("「送信する」: 「確認メールを送信しました」", async () => {
		await press(page, "送信する");
		await shows(page, "確認メールを送信しました");
	});
	let link = "";
	await flow.step("the verification mail holds a /aikasa/verify link",
	    async () => {
		const mail = await mailTo(email, "メールアドレスの確認");
		link = linkIn(mail, "/aikasa/verify?t=");
	});
	await flow.step("the link shows a button; pressing it verifies",
	    async () => {
		await open(page, link);
		await press(page, "メールアドレスを確認する");
		await shows(page, "メールアドレスの確認が完了しました");
	});
	await flow.step("/login leads to the my page with 「詳細登録へ進む」",
	    async () => {
		await open(page, CGI + "/login");
		await fill(page, { login_id: login, password: PASSWORD });
		await press(page, "ログイン");
		await shows(page, "マイページ");
		await follow(page, "詳細登録へ進む");
		await shows(page, "name=\"zip\"", "the 詳細登録 form");
	});
	const detail = type === "individual" ? {
		zip: "753-0072", address: "滝町1-1 " + RUN,
		occupation: "会社員", qualification: "普通救命講習",
		areas: FIRST, fields: FIRST, weekdays: FIRST,
		time_band: FIRST,
	} : {
		zip: "753-0072", address: "山口市滝町1-1 " + RUN,
		members_count: "12", founded_on: "2010-04-01",
		purpose: "地域の子どもの見守り", activities: "毎週の見回り活動",
		contact_name: "周南 次郎",
	};
	await flow.step("詳細登録 filled in: 「入力内容の確認」", async () => {
		await fill(page, detail);
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
	});
	await flow.step("「送信する」: 「詳細登録を受け付けました」", async () => {
		await press(page, "送信する");
		await shows(page, "詳細登録を受け付けました");
	});
	m.id = await approve(flow, staff, "member", type === "individual" ?
	    "個人会員 " + login : m.name);
	await flow.step("the member gets the mail 「…を承認しました」",
	    async () => {
		await mailTo(email, "を承認しました");
	});
	const shown = type === "individual" ? ["会社員", "個人"] : [m.name,
	    "毎週の見回り活動"];
	// 非公開: name, kana, phone, e-mail, address, zip, birth date.
	const hidden = type === "individual" ? ["山口 太郎", "やまぐち たろう",
	    "083-922-0000", email, "滝町", "753-0072", "1990"] : ["083-922-0000",
	    email, "滝町", "周南 次郎"];
	await flow.step("the member page shows " + JSON.stringify(shown) +
	    " and no private data", async () => {
		need(m.id !== null, "the member's id", []);
		const p = "/boranet201909/members/" + m.id + ".html";
		await published(p, shown);
		await readPublic(page, p, shown, hidden, "member-" + type);
	});
	return m;
}

// ---- B: スーパーネット 団体 ----

async function flowB(flow, browser, staff) {
	const page = await browser.newPage();
	const o = {
		name: "フロー森の会 " + RUN, email: "flows-sn-" + RUN +
		    "@example.jp", file: pdf(), id: null, page,
	};
	await flow.step("/supernet/register?type=group: 規約, 「同意する」",
	    async () => {
		await open(page, CGI + "/supernet/register?type=group");
		await press(page, "同意する");
		await shows(page, "name=\"org_name\"", "the form");
	});
	await flow.step("filled in with a PDF: the confirmation names the " +
	    "file 「（PDF形式、…）」", async () => {
		await fill(page, {
			gclass: "2", org_name: o.name, org_kana: "ふろーもりのかい",
			rep_name: "山口 花子", "rep_agree=1": true,
			staff_name: "周南 次郎", fields: FIRST, target_area: "2",
			purpose: "森を守る", activities: "月に一度の下草刈り",
			pref: "35", muni: "3", address: "山口市滝町1-1",
			reg_name: "宇部 三郎", reg_tel: "083-922-0001",
			reg_email: o.email, reg_email2: o.email,
			file1: { name: "活動紹介.pdf", mimeType: "application/pdf",
			    buffer: o.file },
		});
		for (const box of await page.locator("main [name=\"reqs\"]")
		    .all())
			await box.check();
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
		await shows(page, "活動紹介.pdf（PDF形式、");
	});
	await flow.step("「送信する」: 「確認メールを送信しました」", async () => {
		await press(page, "送信する");
		await shows(page, "確認メールを送信しました");
		await shows(page, "あいかさねっとにも登録する");
	});
	// The done page stays open for the hand-over at the end.
	const verify = await browser.newPage();
	let link = "";
	await flow.step("the 登録担当者 mail holds a /supernet/verify link",
	    async () => {
		const mail = await mailTo(o.email, "登録担当者メールアドレスの確認");
		link = linkIn(mail, "/supernet/verify?t=");
	});
	await flow.step("the link shows a button; pressing it: " +
	    "「仮登録の依頼を受け付けました」", async () => {
		await open(verify, link);
		await press(verify, "メールアドレスを確認する");
		await shows(verify, "仮登録の依頼を受け付けました");
	});
	o.id = await approve(flow, staff, "org", o.name);
	await flow.step("the 登録担当者 gets the mail 「…を承認しました」",
	    async () => {
		await mailTo(o.email, "を承認しました");
	});
	let href = "";
	await flow.step("the org page shows the name and links the file " +
	    "「活動紹介.pdf（PDF形式、…）」", async () => {
		need(o.id !== null, "the org's id", []);
		const p = "/groups/" + o.id + ".html";
		await published(p, [o.name, "活動紹介.pdf（PDF形式、"]);
		await readPublic(verify, p, [o.name, "活動紹介.pdf（PDF形式、"],
		    [o.email, "宇部 三郎", "083-922-0001"], "org");
		const a = verify.locator("main a", { hasText: "活動紹介.pdf" })
		    .first();
		href = await a.getAttribute("href");
		need(/^\/files\/[^/]+$/.test(href || ""), "the link goes to " +
		    "/files/…", [String(href)]);
	});
	await flow.step("GET of the /files/ link returns the uploaded bytes",
	    async () => {
		const r = await fetch(BASE + href);
		const got = Buffer.from(await r.arrayBuffer());
		need(r.status === 200 && got.equals(o.file), "200 and the " +
		    o.file.length + " bytes sent", ["status " + r.status +
		    ", " + got.length + " bytes"]);
	});
	await flow.step("「あいかさねっとにも登録する」 opens the あいかさねっと " +
	    "form with the shared fields filled (A-36)", async () => {
		await press(page, "あいかさねっとにも登録する");
		await press(page, "同意する");
		const want = { org_name: o.name, org_kana: "ふろーもりのかい",
		    rep_name: "山口 花子", pref: "35", muni: "3",
		    tel: "083-922-0001", email: o.email };
		const bad = [];
		for (const [k, v] of Object.entries(want)) {
			const got = await value(page, k);
			if (got !== v)
				bad.push(k + " is \"" + got + "\", not \"" + v + "\"");
		}
		need(bad.length === 0, "the shared fields filled", bad.concat(
		    await seen(page)));
	});
	await page.close();
	return o;
}

// ---- C: 募集情報 ----

async function flowC(flow, browser, staff) {
	const page = await browser.newPage();
	const email = "flows-ev-" + RUN + "@example.jp";
	const title = "フロー森林ボランティア " + RUN;
	const title2 = "フロー森林ボランティア（日程変更） " + RUN;
	await flow.step("/supernet/event filled in: 「入力内容の確認」",
	    async () => {
		await open(page, CGI + "/supernet/event");
		await fill(page, {
			"category=event": true, organizer: "やまぐち森の会",
			title, held: "10時～12時", starts_on: day(30),
			place: "山口市 中央公園", body: "下草刈りをします。",
			fields: FIRST, contact: "やまぐち森の会 083-922-0000",
			email, email2: email,
		});
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
	});
	await flow.step("「送信する」: 「確認メールを送信しました」", async () => {
		await press(page, "送信する");
		await shows(page, "確認メールを送信しました");
	});
	let link = "", edit = "", id = null;
	await flow.step("the mail holds a /supernet/event/verify link",
	    async () => {
		const mail = await mailTo(email, "メールアドレスの確認");
		link = linkIn(mail, "/supernet/event/verify?t=");
	});
	await flow.step("the link shows a button; pressing it confirms",
	    async () => {
		await open(page, link);
		await press(page, "メールアドレスを確認する");
		await shows(page, "メールアドレスの確認が完了しました");
	});
	await flow.step("the receipt holds the private edit link", async () => {
		const mail = await mailTo(email, "募集情報の登録を受け付けました");
		edit = linkIn(mail, "/supernet/event/edit?t=");
	});
	id = await approve(flow, staff, "event", title);
	await flow.step("the event page shows the title", async () => {
		need(id !== null, "the event's id", []);
		const p = "/events/" + id + ".html";
		await published(p, [title]);
		await readPublic(page, p, [title, "山口市 中央公園"], [email],
		    "event");
	});
	await flow.step("the edit link opens the filled form; a new title: " +
	    "「修正依頼を受け付けました」", async () => {
		await open(page, edit);
		const got = await value(page, "title");
		need(got === title, "the form filled with the title", ["title " +
		    "is \"" + got + "\""]);
		await fill(page, { title: title2 });
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
		await press(page, "送信する");
		await shows(page, "修正依頼を受け付けました");
	});
	await approve(flow, staff, "event_edit", title, title2);
	await flow.step("the event page shows the new title", async () => {
		const p = "/events/" + id + ".html";
		await published(p, [title2]);
		await readPublic(page, p, [title2], [], "event-edited");
	});
	await page.close();
}

// ---- D: a group's recruitment ----

async function flowD(flow, staff, group) {
	const page = group.page;
	const title = "フロー海岸清掃ボランティア " + RUN;
	let id = null;
	await flow.step("/mypage/posting/new filled in: 「入力内容の確認」",
	    async () => {
		await open(page, CGI + "/mypage");
		await follow(page, "ボランティア募集の新規登録");
		await fill(page, {
			title, fields: FIRST, activity: "海岸のごみを拾います。",
			when: "毎月第2土曜日 9時～12時", weekdays: FIRST,
			"area_all=1": true, place: "きらら浜",
			contact: "電話 083-922-0002", headcount: "10名",
			"anytime=1": true,
		});
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
	});
	await flow.step("「送信する」: 「ボランティア募集を受け付けました」",
	    async () => {
		await press(page, "送信する");
		await shows(page, "ボランティア募集を受け付けました");
	});
	id = await approve(flow, staff, "posting", title);
	await flow.step("the posting page shows the title", async () => {
		need(id !== null, "the posting's id", []);
		const p = "/boranet201909/postings/" + id + ".html";
		await published(p, [title]);
		await readPublic(page, p, [title, "きらら浜"], [], "posting");
	});
	await flow.step("the member page lists the posting", async () => {
		const p = "/boranet201909/members/" + group.id + ".html";
		await published(p, [title]);
		await readPublic(page, p, [group.name, title], [],
		    "member-with-posting");
	});
}

// ---- E: 修正依頼 of the org ----

async function flowE(flow, browser, staff, org) {
	const page = await browser.newPage();
	const act = "月に一度の下草刈りと植樹 " + RUN;
	let link = "";
	await flow.step("/supernet/edit finds the org; 「修正用のリンクを送る」",
	    async () => {
		await open(page, CGI + "/supernet/edit");
		await fill(page, { q: org.name });
		await press(page, "検索する");
		await shows(page, org.name);
		await press(page, "修正用のリンクを送る");
		await shows(page, "修正用のリンクをお送りしました");
	});
	await flow.step("the mail to the 登録担当者 holds the link", async () => {
		const mail = await mailTo(org.email, "修正用のリンク");
		link = linkIn(mail, "/supernet/edit/form?t=");
	});
	await flow.step("the link opens the filled form; a change: " +
	    "「修正依頼を受け付けました」", async () => {
		await open(page, link);
		const got = await value(page, "org_name");
		need(got === org.name, "the form filled with the name",
		    ["org_name is \"" + got + "\"", ...(await seen(page))]);
		await fill(page, { activities: act });
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
		await press(page, "送信する");
		await shows(page, "修正依頼を受け付けました");
	});
	await approve(flow, staff, "org_edit", org.name, act);
	await flow.step("the org page shows the change", async () => {
		const p = "/groups/" + org.id + ".html";
		await published(p, [act]);
		await readPublic(page, p, [org.name, act], [], "org-edited");
	});
	await page.close();
}

// ---- F: a member's edit (A-14) ----

async function flowF(flow, staff, person) {
	const page = person.page;
	const job = "看護師";
	await flow.step("/mypage/edit: a new 職業: the change is a request",
	    async () => {
		await open(page, CGI + "/mypage");
		await follow(page, "登録情報の修正");
		const got = await value(page, "occupation");
		need(got === "会社員", "the form filled with the 職業",
		    ["occupation is \"" + got + "\""]);
		await fill(page, { occupation: job });
		await press(page, "入力内容を確認する");
		await shows(page, "入力内容の確認");
		await press(page, "送信する");
		await shows(page, "修正依頼として受け付け");
	});
	await approve(flow, staff, "member_edit", "個人会員 " + person.login,
	    job);
	await flow.step("the member page shows the new 職業", async () => {
		const p = "/boranet201909/members/" + person.id + ".html";
		await published(p, [job]);
		await readPublic(page, p, [job], ["会社員"], "member-edited");
	});
}

// ---- main ----

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const { chromium } = require(path.join(lib.NODE_MODULES,
	    "playwright-core"));
	const browser = await chromium.launch({
		executablePath: "/usr/bin/chromium", headless: true,
		args: lib.CHROMIUM_ARGS,
	});
	// One context per person, so their sessions never mix.
	const person = async () => {
		const c = await browser.newContext({ locale: "ja-JP",
		    timezoneId: "Asia/Tokyo",
		    viewport: { width: 1280, height: 800 } });
		c.setDefaultTimeout(15000);
		return c;
	};
	try {
		const fs0 = new Flow("staff");
		const staff = await staffLogin(fs0, await person());
		const fa1 = new Flow("A 個人", fs0);
		const ind = await flowA(fa1, await person(), staff, "individual");
		const fa2 = new Flow("A 団体", fs0);
		const group = await flowA(fa2, await person(), staff, "group");
		const fb = new Flow("B スーパーネット 団体", fs0);
		const org = await flowB(fb, await person(), staff);
		await flowC(new Flow("C 募集情報", fs0), await person(), staff);
		await flowD(new Flow("D ボランティア募集", fa2), staff, group);
		await flowE(new Flow("E 修正依頼", fb), await person(), staff, org);
		await flowF(new Flow("F 登録情報の修正", fa1), staff, ind);
	} finally {
		await browser.close();
	}
}

main().then(() => process.exit(lib.failed() > 0 ? 1 : 0), (e) => {
	lib.notok("flows.js ran to the end", [e.stack || String(e)]);
	process.exit(1);
});
