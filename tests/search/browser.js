// browser.js: the search in headless Chromium on the served demo site:
// for golden queries, the hits search.js renders on /search/ equal the
// hits formsvc /search answers; the results land in the aria-live
// region; the list, member and grant search forms reach /search/ with
// JavaScript and the CGI without it, with the same results.
//   node browser.js --base http://127.0.0.1:PORT
"use strict";

const path = require("path");
const fs = require("fs");
const os = require("os");
const lib = require(path.join(__dirname, "..", "a11y", "lib.js"));

const base = lib.args(process.argv.slice(2)).base;
const CGI = "/cgi-bin/formsvc.cgi/search";

// Golden queries (tests/search/golden.tsv names) checked in the browser.
const GOLDEN = ["kanji2-fukushi", "kana-halfwidth-volunteer",
	"ascii-npo-fullwidth", "words-and-fukushi-iwakuni", "long-word",
	"nomatch", "type-event", "member-group-area", "posting-field-word",
	"grant-open-field", "grant-garea-word", "page-2"];

// The count and hit URLs of a results page's HTML (the CGI's markup
// and search.js's are the same: p.search-count, ol.search-hits).
function parse(html) {
	const m = /<p class="search-count">([0-9]+)件/.exec(html);
	const ol = /<ol class="search-hits">([\s\S]*?)<\/ol>/.exec(html);
	const urls = [];
	const re = /<li><a href="([^"]*)"/g;
	let x;
	while (ol && (x = re.exec(ol[1])) !== null)
		urls.push(x[1].replace(/&amp;/g, "&"));
	return { total: m ? Number(m[1]) : 0, urls: urls };
}

// The form's query string as a browser would send it.
function encode(qs) {
	return new URLSearchParams(qs).toString();
}

async function cgi(page, qs) {
	const r = await page.request.get(base + CGI + "?" + encode(qs));
	return parse(await r.text());
}

// What search.js shows in the region once it is done.
async function shown(page) {
	await page.waitForFunction(() => {
		const r = document.getElementById("search-results");
		return r && r.getAttribute("aria-busy") === null &&
		    r.firstChild !== null;
	}, null, { timeout: 20000 });
	return parse(await page.$eval("#search-results", (e) => e.outerHTML
	    .replace(/^<div[^>]*>/, "")));
}

function same(a, b) {
	return a.total === b.total && a.urls.join(",") === b.urls.join(",");
}

function show(r) {
	return r.total + " " + r.urls.slice(0, 5).join(",");
}

async function main() {
	const golden = {};
	for (const line of fs.readFileSync(path.join(__dirname, "golden.tsv"),
	    "utf8").split("\n")) {
		const f = line.split("\t");
		if (f.length === 2 && !line.startsWith("#"))
			golden[f[0]] = f[1];
	}
	const b = await lib.openBrowser();
	const page = await b.context.newPage();
	const errors = [];
	page.on("pageerror", (e) => errors.push(String(e)));

	// 1. Golden queries: search.js on /search/ == the CGI.
	for (const name of GOLDEN) {
		const qs = golden[name];
		const want = await cgi(page, qs);
		await page.goto(base + "/search/?" + encode(qs));
		const got = await shown(page);
		lib.check(same(got, want) && (name === "nomatch" ||
		    want.total > 0), "js == cgi: " + name + " (" + want.total +
		    ")", ["cgi " + show(want), "js  " + show(got)]);
	}

	// 2. The region is live and a new query from the form updates it.
	await page.goto(base + "/search/?q=" + encodeURIComponent("福祉"));
	const first = await shown(page);
	lib.check(await page.$eval("#search-results", (e) =>
	    e.getAttribute("aria-live")) === "polite",
	    "results region is aria-live=polite");
	await page.fill("#search-q", "岩国");
	await page.click("#search-form button[type=submit]");
	await page.waitForFunction(() => location.search.indexOf("%E5%B2%A9") !== -1);
	const second = await shown(page);
	const want2 = await cgi(page, "q=岩国");
	lib.check(same(second, want2) && !same(first, second),
	    "submitting the form updates the live region (" + want2.total +
	    ")", ["cgi " + show(want2), "js  " + show(second)]);
	lib.check(page.url().startsWith(base + "/search/?") &&
	    page.url().includes("q=%E5%B2%A9%E5%9B%BD"),
	    "the result has a bookmarkable URL", [page.url()]);
	// The aikasa conditions show only with site=aikasa.
	const hiddenBefore = await page.$eval("#search-ak", (e) => e.hidden);
	await page.selectOption("#search-site", "aikasa");
	const hiddenAfter = await page.$eval("#search-ak", (e) => e.hidden);
	lib.check(hiddenBefore === true && hiddenAfter === false,
	    "member conditions appear with site=aikasa");

	// 3. The forms of the list pages with JavaScript: to /search/.
	const forms = [
		["/events/", "#list-q", "まつり", {}, "type=event"],
		["/center-notices/", "#list-q", "センター", {}, "type=center"],
		["/boranet201909/members/", "#ms-q", "", { "#ms-area": "1" },
		    "type=member"],
		["/grants/", "#grant-q", "助成", { "#grant-field": "1" },
		    "type=grant"],
	];
	for (const [url, q, word, selects, type] of forms) {
		await page.goto(base + url);
		if (word !== "")
			await page.fill(q, word);
		for (const [sel, v] of Object.entries(selects))
			await page.selectOption(sel, v);
		if (url === "/boranet201909/members/")
			await page.check("#ms-mt-group");
		if (url === "/grants/")
			await page.check("#grant-open");
		await Promise.all([page.waitForURL(/\/search\/\?/),
		    page.click("form:has(" + q + ") button[type=submit]")]);
		const got = await shown(page);
		const qs = page.url().split("?")[1];
		const want = await cgi(page, qs);
		lib.check(qs.includes(type) && same(got, want) && want.total > 0,
		    "js form on " + url + " answers on /search/ like the cgi (" +
		    want.total + ")", [qs, "cgi " + show(want),
		    "js  " + show(got)]);
	}
	lib.check(errors.length === 0, "no script errors", errors);
	await lib.closeBrowser(b);

	// 4. Without JavaScript the same forms reach the CGI.
	const dir = fs.mkdtempSync(path.join(process.env.KENMIN_TMP ||
	    os.tmpdir(), "chromium-nojs-"));
	const { chromium } = require(path.join(lib.NODE_MODULES,
	    "playwright-core"));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: "/usr/bin/chromium", headless: true,
		args: lib.CHROMIUM_ARGS, javaScriptEnabled: false,
		ignoreDefaultArgs: ["--enable-automation"], locale: "ja-JP",
	});
	const np = await ctx.newPage();
	for (const [url, q, word, selects, type] of forms) {
		await np.goto(base + url);
		if (word !== "")
			await np.fill(q, word);
		for (const [sel, v] of Object.entries(selects))
			await np.selectOption(sel, v);
		if (url === "/boranet201909/members/")
			await np.check("#ms-mt-group");
		if (url === "/grants/")
			await np.check("#grant-open");
		await Promise.all([np.waitForURL(/formsvc\.cgi\/search\?/),
		    np.click("form:has(" + q + ") button[type=submit]")]);
		const got = parse(await np.content());
		const qs = np.url().split("?")[1];
		const want = await cgi(np, qs);
		lib.check(qs.includes(type) && same(got, want) && got.total > 0,
		    "no-js form on " + url + " reaches the cgi (" + got.total +
		    ")", [np.url(), show(got)]);
	}
	await ctx.close();
	fs.rmSync(dir, { recursive: true, force: true });
}

main().then(() => process.exit(lib.failed() ? 1 : 0), (e) => {
	lib.notok("browser run", [e.stack || String(e)]);
	process.exit(1);
});
