// collect.js: saves the HTML of every formsvc screen for validate.js
// (tests/cases/610_html_validate.sh): each GET screen as the served CGI
// answers it without a login, and every state of every form flow of
// flows.js as Chromium reaches it (the response body, not the DOM).
//
//   node collect.js --base URL --forms FILE --logins FILE --out DIR
"use strict";

const fs = require("fs");
const path = require("path");
const lib = require("./lib");
const flows = require("./flows");

const opt = lib.args(process.argv.slice(2));
const CGI = opt.base.replace(/\/$/, "") + "/cgi-bin/formsvc.cgi";

function save(name, html) {
	fs.writeFileSync(path.join(opt.out, name + ".html"), html);
}

async function main() {
	const { chromium } = require(path.join(lib.NODE_MODULES, "playwright-core"));
	fs.mkdirSync(opt.out, { recursive: true });
	const inFlow = flows.flowPaths();
	let n = 0;
	for (const p of lib.readFormPages(opt.forms)) {
		if (inFlow.has(p))
			continue;
		const r = await fetch(CGI + p, { redirect: "manual" });
		if (r.status !== 200) {
			lib.diag("formsvc " + p + " answers " + r.status +
			    " without a login; its states come from the flows");
			continue;
		}
		save(p.replace(/^\//, "").replace(/\/$/, "").replace(/\//g, "_") ||
		    "index", await r.text());
		n++;
	}
	const browser = await chromium.launch({
		executablePath: "/usr/bin/chromium", headless: true,
		args: lib.CHROMIUM_ARGS,
	});
	let states = 0;
	try {
		const logins = flows.readLogins(fs.readFileSync(opt.logins, "utf8"));
		await flows.walkFlows(lib, browser, { viewport: { width: 1280,
		    height: 800 }, locale: "ja-JP", timezoneId: "Asia/Tokyo" }, CGI,
		    logins, async (st) => {
			save(st.flow.id + "." + st.step.state, st.html);
			states++;
		});
	} finally {
		await browser.close();
	}
	lib.check(states > 0, "form flow states saved (" + states + ") and " +
	    "GET screens (" + n + ")");
}

main().then(() => process.exit(lib.failed() === 0 ? 0 : 1), (e) => {
	lib.notok("the formsvc screens were collected", [e.stack || String(e)]);
	process.exit(1);
});
