// run.js: the browser checks of tests/cases/600_a11y.sh on a served demo
// site: axe-core (WCAG 2.0/2.1 A and AA rules) on one page per page type
// and every formsvc screen, in the default setting and, on each site's
// sample pages, in all 9 text size x colour settings; every form flow of
// flows.js in each of its states (empty, errors, confirmation, done);
// a keyboard walk and reflow at 320 px and at 200 % text on every page
// and GET screen and on the flow states marked so (the registration
// error state, with its error summary's links); the switcher itself;
// screenshots.
//
//   node run.js --base URL --manifest FILE --forms FILE --logins FILE
//               --shots DIR [--only shots|flows]
"use strict";

const fs = require("fs");
const path = require("path");
const lib = require("./lib");
const flows = require("./flows");

const opt = lib.args(process.argv.slice(2));
const BASE = opt.base.replace(/\/$/, "");
const CGI = BASE + "/cgi-bin/formsvc.cgi";
const SHOTS = opt.shots;
const AXE_SRC = fs.readFileSync(path.join(lib.NODE_MODULES, "axe-core",
    "axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SIZES = ["m", "l", "xl"];
const BGS = ["white", "black", "blue"];
const WALK_MAX = 600;		// Tab presses on one page at most
const T0 = Date.now();

function elapsed() {
	return Math.round((Date.now() - T0) / 1000) + " s";
}

// ---- axe ----

async function axe(page, label) {
	const res = await page.evaluate(async (a) => {
		if (typeof window.axe === "undefined")
			(0, eval)(a.src);
		const r = await window.axe.run(document, {
			runOnly: { type: "tag", values: a.tags },
			resultTypes: ["violations"],
		});
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") +
			    " : " + (n.failureSummary || "").split("\n").slice(0, 2)
			    .join(" ")),
			count: v.nodes.length,
		}));
	}, { src: AXE_SRC, tags: AXE_TAGS });
	lib.check(res.length === 0, "axe: 0 violations: " + label,
	    res.map((v) => v.id + " (" + v.impact + ", " + v.count +
	    " nodes): " + v.help + "\n  " + v.nodes.join("\n  ")));
}

// ---- structure the rules of thumb of the theme promise ----

async function structure(page, label, isForm) {
	const s = await page.evaluate(() => {
		const first = document.querySelector("a[href], button, input, select, textarea");
		const tools = document.getElementById("kenmin-tools");
		return {
			h1: document.querySelectorAll("h1").length,
			main: document.querySelectorAll("main").length,
			lang: document.documentElement.lang,
			title: document.title,
			skip: first !== null && first.getAttribute("href") === "#main" &&
			    document.getElementById("main") !== null,
			tools: tools === null ? null : {
				hidden: tools.hidden,
				pressed: tools.querySelectorAll("button[aria-pressed]").length,
			},
		};
	});
	lib.check(s.h1 === 1 && s.main === 1 && s.lang === "ja" &&
	    s.title.length > 0 && s.skip, "structure: one h1, one main, " +
	    "lang ja, a title, skip link first: " + label, [JSON.stringify(s)]);
	lib.check(s.tools !== null && !s.tools.hidden && s.tools.pressed === 6,
	    "switcher shown with 6 toggle buttons: " + label,
	    [JSON.stringify(s.tools)]);
	void isForm;
}

// ---- keyboard walk ----

// The elements a Tab should reach, in DOM order, each marked with
// data-kw=i, with their unfocused outline/box-shadow/background.
async function focusables(page) {
	return page.evaluate(() => {
		const sel = "a[href], button, input:not([type=hidden]), select, " +
		    "textarea, summary, iframe, [tabindex]";
		const out = [];
		for (const el of document.querySelectorAll(sel)) {
			if (el.disabled || el.closest("[inert], [hidden]") ||
			    el.getAttribute("tabindex") === "-1")
				continue;
			const cs = getComputedStyle(el);
			if (cs.visibility === "hidden" || el.getClientRects().length === 0)
				continue;
			// Radio groups take one Tab stop: the checked or first radio.
			if (el.type === "radio" && el.name) {
				const g = el.form ? el.form.elements[el.name] :
				    document.getElementsByName(el.name);
				const list = Array.prototype.slice.call(g.length ? g : [g]);
				const stop = list.find((r) => r.checked) || list[0];
				if (stop !== el)
					continue;
			}
			el.setAttribute("data-kw", String(out.length));
			// A date or time input: a Tab stop per part (年/月/日).
			const multi = el.tagName === "INPUT" &&
			    /^(date|time|datetime-local|month|week)$/.test(el.type);
			out.push({ tag: el.tagName.toLowerCase(), multi, style:
			    [cs.outlineStyle, cs.outlineWidth, cs.outlineColor,
			    cs.boxShadow, cs.backgroundColor, cs.textDecorationLine,
			    cs.color].join("|"),
			    text: (el.textContent || el.name || "").trim().slice(0, 30) });
		}
		return out;
	});
}

async function walk(page, label) {
	const want = await focusables(page);
	// Each focus records its element and whether it looks different.
	await page.evaluate((styles) => {
		window.__kw = [];
		document.addEventListener("focusin", (ev) => {
			const el = ev.target;
			const cs = getComputedStyle(el);
			const kw = el.getAttribute && el.getAttribute("data-kw");
			window.__kw.push({ kw, visible: kw !== null &&
			    [cs.outlineStyle, cs.outlineWidth, cs.outlineColor,
			    cs.boxShadow, cs.backgroundColor, cs.textDecorationLine,
			    cs.color].join("|") !== styles[Number(kw)] });
		}, true);
		if (document.activeElement)
			document.activeElement.blur();
		window.scrollTo(0, 0);
	}, want.map((w) => w.style));
	const limit = Math.min(want.length + 2 +
	    3 * want.filter((w) => w.multi).length, WALK_MAX);
	// Pipelined: the key events still arrive one after another.
	const presses = [];
	for (let i = 0; i < limit; i++)
		presses.push(page.keyboard.press("Tab"));
	await Promise.all(presses);
	const st = await page.evaluate(() => ({ log: window.__kw,
	    body: document.activeElement === null ||
	    document.activeElement === document.body ||
	    document.activeElement.getAttribute("data-kw") === "0" }));
	const seen = [];
	let trapped = false, order = true;
	for (const e of st.log) {
		if (e.kw === null)
			continue;	// e.g. an element inside an iframe
		const k = Number(e.kw);
		if (seen.length > 0 && k === seen[seen.length - 1].k) {
			if (want[k].multi)
				continue;	// the next part of a date
			trapped = true;
			break;
		}
		if (seen.length > 0 && k < seen[seen.length - 1].k) {
			if (k === 0 && seen.length >= want.length)
				break;	// wrapped round: not a trap
			order = false;
		}
		seen.push({ k, visible: e.visible });
	}
	// After the last element, Tab leaves it (to the page or round).
	const left = want.length > WALK_MAX || st.body;
	const unseen = [];
	const reached = new Set(seen.map((s) => s.k));
	for (let k = 0; k < want.length && k < WALK_MAX; k++)
		if (!reached.has(k))
			unseen.push(k + ": <" + want[k].tag + "> " + want[k].text);
	const invisible = seen.filter((s) => !s.visible).map((s) => s.k + ": <" +
	    want[s.k].tag + "> " + want[s.k].text);
	if (want.length > WALK_MAX)
		lib.diag(label + ": " + want.length + " focusable elements; " +
		    "walked the first " + WALK_MAX);
	lib.check(unseen.length === 0, "keyboard: every focusable element " +
	    "reached by Tab (" + want.length + "): " + label, unseen.slice(0, 5));
	lib.check(order, "keyboard: focus order follows the document: " + label);
	lib.check(!trapped && left,
	    "keyboard: no trap, Tab leaves the last element: " + label);
	lib.check(invisible.length === 0, "keyboard: focus visible on every " +
	    "element: " + label, invisible.slice(0, 5));
}

// ---- reflow ----

async function reflow(page, label) {
	const vp = page.viewportSize();
	const over = async () => page.evaluate(() => {
		const d = document.documentElement;
		const bad = [];
		if (d.scrollWidth > window.innerWidth)
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (r.right > window.innerWidth + 1 && bad.length < 3 &&
				    getComputedStyle(el).position !== "absolute")
					bad.push(el.tagName.toLowerCase() + "." +
					    el.className + " right=" + Math.round(r.right));
			}
		return { sw: d.scrollWidth, iw: window.innerWidth, bad };
	});
	await page.setViewportSize({ width: 320, height: 640 });
	let r = await over();
	lib.check(r.sw <= r.iw, "reflow: no horizontal scroll at 320 px: " +
	    label, ["scrollWidth " + r.sw + " > " + r.iw].concat(r.bad));
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.evaluate(() => {
		document.documentElement.style.fontSize = "200%";
	});
	r = await over();
	lib.check(r.sw <= r.iw, "reflow: no horizontal scroll with 200 % " +
	    "text at 1280 px: " + label, ["scrollWidth " + r.sw + " > " + r.iw]
	    .concat(r.bad));
	await page.evaluate(() => {
		document.documentElement.style.fontSize = "";
	});
	await page.setViewportSize(vp);
}

// ---- one page in the default setting ----

async function openPage(context, url) {
	const page = await context.newPage();
	const errors = [];
	page.on("console", (m) => {
		if (m.type() === "error")
			errors.push(m.text());
	});
	page.on("pageerror", (e) => errors.push(String(e)));
	const resp = await page.goto(url, { waitUntil: "load" });
	return { page, errors, status: resp === null ? 0 : resp.status() };
}

// The checks of one loaded page; with keys also the keyboard walk and
// reflow (every page of the site and every GET screen; in a flow only the
// states marked so).
async function checkPage(page, errors, label, keys) {
	lib.check(errors.length === 0, "no console or CSP errors: " +
	    label, errors.slice(0, 3));
	const t = [Date.now()];
	await structure(page, label);
	await axe(page, label);
	t.push(Date.now());
	if (keys) {
		await walk(page, label);
		t.push(Date.now());
		await reflow(page, label);
		t.push(Date.now());
	}
	if (process.env.KENMIN_A11Y_TIMES)
		lib.diag("ms axe/walk/reflow " + t.slice(1).map((x, i) =>
		    x - t[i]).join("/") + ": " + label);
}

async function fullCheck(context, url, label) {
	const { page, errors, status } = await openPage(context, url);
	try {
		lib.check(status === 200 || (url.startsWith(CGI) && status < 500),
		    "loads (" + status + "): " + label);
		await checkPage(page, errors, label, true);
	} finally {
		await page.close();
	}
}

// A form's error state: the error summary comes before the form, its
// links are reached by Tab, and following each link (Enter) moves the
// focus to the field (or into the group) it names.
async function errorSummary(page, label) {
	const s = await page.evaluate(() => {
		const sum = document.querySelector(".error-summary");
		const form = document.querySelector("main form");
		if (sum === null)
			return null;
		return {
			before: form !== null && (sum.compareDocumentPosition(form) &
			    Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
			focusable: sum.getAttribute("tabindex") === "-1",
			links: Array.from(sum.querySelectorAll("a"), (a) =>
			    a.getAttribute("href")),
		};
	});
	if (!lib.check(s !== null && s.links.length > 0, "error summary " +
	    "with links shown: " + label))
		return;
	lib.check(s.before && s.focusable, "error summary before the form, " +
	    "focusable (tabindex -1): " + label, [JSON.stringify(s)]);
	const bad = [];
	for (let i = 0; i < s.links.length; i++) {
		const link = page.locator(".error-summary a").nth(i);
		await link.focus();
		const tabbed = await page.evaluate(() =>
		    document.activeElement.closest(".error-summary") !== null);
		await page.keyboard.press("Enter");
		const r = await page.evaluate((href) => {
			const id = decodeURIComponent(href.replace(/^#/, ""));
			const t = document.getElementById(id);
			const a = document.activeElement;
			return { target: t !== null, in: t !== null && a !== null &&
			    (a === t || t.contains(a)),
			    active: a === null ? "" : a.tagName + "#" + a.id };
		}, s.links[i]);
		if (!tabbed || !r.target || !r.in)
			bad.push(s.links[i] + " -> " + JSON.stringify(r));
	}
	lib.check(bad.length === 0, "error summary: each of its " +
	    s.links.length + " links moves focus to its field: " + label,
	    bad.slice(0, 5));
}

// ---- the 9 settings ----

async function setPrefs(page, size, bg) {
	await page.evaluate((p) => {
		localStorage.setItem("kenmin.size", p.size);
		localStorage.setItem("kenmin.bg", p.bg);
	}, { size, bg });
}

async function settings(context, url, label) {
	const page = await context.newPage();
	// The class <html> has when the first frame is drawn.
	await page.addInitScript(() => {
		requestAnimationFrame(() => {
			window.__kenminFirstFrame = document.documentElement.className;
		});
	});
	try {
		await page.goto(url, { waitUntil: "load" });
		for (const size of SIZES) {
			for (const bg of BGS) {
				const name = label + " [size " + size + ", bg " + bg + "]";
				await setPrefs(page, size, bg);
				await page.reload({ waitUntil: "load" });
				// "load" can come before the first frame is drawn on a
				// busy machine: wait for it, then compare.
				await page.waitForFunction(() =>
				    window.__kenminFirstFrame !== undefined,
				    null, { timeout: 10000 }).catch(() => {});
				const want = [size === "m" ? "" : "fs-" + size,
				    bg === "white" ? "" : "bg-" + bg].filter((c) => c)
				    .join(" ");
				const st = await page.evaluate(() => {
					const p = [];
					for (const b of document.querySelectorAll(
					    "#kenmin-tools button[aria-pressed=true]"))
						p.push(b.getAttribute("data-value"));
					return { cls: document.documentElement.className,
					    first: window.__kenminFirstFrame, pressed: p };
				});
				lib.check(st.cls === want && st.first === want &&
				    st.pressed.join(",") === size + "," + bg,
				    "setting applied before the first frame, buttons " +
				    "pressed: " + name, [JSON.stringify(st)]);
				await axe(page, name);
			}
		}
		// The buttons themselves: click 特大 and 黒, then back.
		await setPrefs(page, "m", "white");
		await page.reload({ waitUntil: "load" });
		await page.click("#kenmin-tools button[data-value=xl]");
		await page.click("#kenmin-tools button[data-value=black]");
		const st = await page.evaluate(() => ({
			cls: document.documentElement.className,
			size: localStorage.getItem("kenmin.size"),
			bg: localStorage.getItem("kenmin.bg"),
			fs: getComputedStyle(document.body).fontSize,
			bgc: getComputedStyle(document.body).backgroundColor,
		}));
		lib.check(st.cls === "fs-xl bg-black" && st.size === "xl" &&
		    st.bg === "black" && st.fs === "24px" &&
		    st.bgc === "rgb(0, 0, 0)", "switcher buttons change and " +
		    "store the setting: " + label, [JSON.stringify(st)]);
		await setPrefs(page, "xl", "white");
		await page.setViewportSize({ width: 320, height: 640 });
		await page.reload({ waitUntil: "load" });
		const w = await page.evaluate(() => [
		    document.documentElement.scrollWidth, window.innerWidth]);
		lib.check(w[0] <= w[1], "reflow: no horizontal scroll at 320 px " +
		    "in 特大: " + label, [w.join(" > ")]);
		await setPrefs(page, "m", "white");
	} finally {
		await page.close();
	}
}

// Without JavaScript the switcher stays hidden and the page still works.
async function noScript(browser, url, label) {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(url, { waitUntil: "load" });
	const st = await page.locator("#kenmin-tools").evaluate((el) => ({
		hidden: el.hidden, display: getComputedStyle(el).display,
		buttons: el.querySelectorAll("button").length,
	}));
	lib.check(st !== null && st.hidden && st.display === "none" &&
	    st.buttons === 0, "without JavaScript the switcher is hidden: " +
	    label, [JSON.stringify(st)]);
	await context.close();
}

// ---- screenshots ----

async function screenshots(browser, ctxOpt, shots) {
	fs.mkdirSync(SHOTS, { recursive: true });
	for (const bg of BGS) {
		const context = await browser.newContext(ctxOpt);
		await context.addInitScript((b) => {
			localStorage.setItem("kenmin.bg", b);
		}, bg);
		const page = await context.newPage();
		for (const width of [375, 1280]) {
			await page.setViewportSize({ width, height: 800 });
			for (const s of shots) {
				await page.goto(s.url, { waitUntil: "load" });
				const h = await page.evaluate(() =>
				    document.documentElement.scrollHeight);
				await page.screenshot({ path: path.join(SHOTS, s.name +
				    "-" + width + "-" + bg + ".png"), fullPage: true,
				    clip: { x: 0, y: 0, width, height: Math.min(h, 2400) } });
			}
		}
		await context.close();
	}
	lib.ok("screenshots saved under " + SHOTS + " (" + shots.length * 6 +
	    " files)");
}

// The checks themselves must be able to fail: a page with a missing
// alt, low contrast, a focus ring removed and a 600 px wide box.
async function selfTest(context) {
	const page = await context.newPage();
	await page.setContent("<!DOCTYPE html><html lang=\"ja\"><head>" +
	    "<title>t</title><style>a:focus{outline:none}</style></head>" +
	    "<body><main><h1>t</h1><img src=\"x.png\"><p style=\"" +
	    "color:#aaa;background:#fff\">薄い文字</p><a href=\"#a\">a</a>" +
	    "<a href=\"#b\">b</a><div style=\"width:600px\">w</div>" +
	    "</main></body></html>");
	const n = [
		await lib.expectFailures(() => axe(page, "self-test")),
		await lib.expectFailures(() => walk(page, "self-test")),
		await lib.expectFailures(() => reflow(page, "self-test")),
	];
	await page.close();
	lib.check(n[0] === 1 && n[1] >= 1 && n[2] >= 1, "self-test: axe, the " +
	    "focus check and the reflow check fail on a faulty page",
	    [n.join(" ")]);
}

async function main() {
	const { chromium } = require(path.join(lib.NODE_MODULES, "playwright-core"));
	const pages = lib.pickPages(lib.readManifest(opt.manifest));
	const forms = lib.readFormPages(opt.forms);
	const logins = flows.readLogins(fs.readFileSync(opt.logins, "utf8"));
	// The GET screens a flow opens are checked there, with their states.
	const inFlow = flows.flowPaths();
	lib.diag(pages.length + " page types, " + forms.length +
	    " formsvc screens");

	const browser = await chromium.launch({
		executablePath: "/usr/bin/chromium", headless: true,
		args: lib.CHROMIUM_ARGS,
	});
	const ctxOpt = { viewport: { width: 1280, height: 800 }, locale: "ja-JP",
	    timezoneId: "Asia/Tokyo" };
	try {
		// Every page type and every anonymous formsvc screen, 2 at once.
		const jobs = pages.map((p) => ({ url: BASE + "/" + p.path,
		    label: p.pattern + " (" + p.path + ")" }))
		    .concat(forms.filter((f) => !inFlow.has(f))
		    .map((f) => ({ url: CGI + f, label: "formsvc " + f })));
		const worker = async () => {
			const context = await browser.newContext(ctxOpt);
			for (let j; (j = jobs.shift()) !== undefined; )
				await fullCheck(context, j.url, j.label);
			await context.close();
		};
		if (opt.only === "shots" || opt.only === "flows")
			jobs.length = 0;
		else
			await selfTest(await browser.newContext(ctxOpt));
		await Promise.all([worker(), worker()]);
		lib.diag("page checks done at " + elapsed());

		// Every form flow in each of its states (flows.js), logged-in
		// screens included.
		const flowStates = [];
		if (opt.only !== "shots")
			await flows.walkFlows(lib, browser, ctxOpt, CGI, logins,
			    async (st) => {
				flowStates.push(st.label);
				// A flow's GET state stands for the screen's walk.
				await checkPage(st.page, st.errors, st.label,
				    st.step.keys === true || !st.step.click);
				if (st.step.summary === true)
					await errorSummary(st.page, st.label);
			});
		lib.diag(flowStates.length + " flow states checked at " + elapsed());
		if (opt.only === "flows")
			return;		// --only flows: while working on a form

		// All 9 settings on each site's sample pages.
		const context = await browser.newContext(ctxOpt);
		const byPat = new Map(pages.map((p) => [p.pattern, p.path]));
		const ak = pages.find((p) => /^boranetN\/index\.html$/.test(p.pattern));
		const samples = [["Super Net top", BASE + "/"],
		    ["あいかさねっと top", BASE + "/" + (ak ? ak.path : "")],
		    ["formsvc login", CGI + "/login"]];
		for (const [label, url] of opt.only === "shots" ? [] : samples)
			await settings(context, url, label);
		await noScript(browser, BASE + "/", "Super Net top");

		const sn = (pat) => BASE + "/" + byPat.get(pat);
		await context.close();
		lib.diag("settings done at " + elapsed());
		await screenshots(browser, ctxOpt, [
			{ name: "supernet-top", url: BASE + "/" },
			{ name: "supernet-list", url: sn("events/index.html") },
			{ name: "supernet-detail", url: sn("events/N.html") },
			{ name: "supernet-form", url: CGI + "/login" },
			{ name: "aikasa-top", url: BASE + "/" + (ak ? ak.path : "") },
			{ name: "aikasa-list", url: sn("boranetN/postings/index.html") },
			{ name: "aikasa-detail", url: sn("boranetN/postings/N.html") },
			{ name: "aikasa-form", url: sn("boranetN/members/new.html") },
		]);
		lib.diag("screenshots done at " + elapsed());
	} finally {
		await browser.close();
	}
}

main().then(() => process.exit(lib.failed() === 0 ? 0 : 1), (e) => {
	lib.notok("the browser checks ran to the end", [e.stack || String(e)]);
	process.exit(1);
});
