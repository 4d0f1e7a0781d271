// validate.js: html-validate (tests/a11y/htmlvalidate.json, which extends
// html-validate:recommended) over one generated page per page type and
// over every formsvc screen and form flow state saved by collect.js.
// One rule is off: void-style, a style preference between <br> and
// <br />; cmark-gfm writes "<br />" for Markdown hard line breaks, and
// both are valid HTML (a void element may end in "/>"), so it has no
// bearing on 4.1.1.  Any further exception must be justified here and
// in docs/accessibility/達成基準チェックリスト.md.
//
//   node validate.js --site DIR --manifest FILE --forms DIR
"use strict";

const fs = require("fs");
const path = require("path");
const lib = require("./lib");

const opt = lib.args(process.argv.slice(2));
const { HtmlValidate, FileSystemConfigLoader } = require(path.join(
    lib.NODE_MODULES, "html-validate"));
const config = JSON.parse(fs.readFileSync(path.join(__dirname,
    "htmlvalidate.json"), "utf8"));
const hv = new HtmlValidate(new FileSystemConfigLoader(config));

async function one(file, label) {
	const report = await hv.validateFile(file);
	const msgs = [];
	for (const r of report.results)
		for (const m of r.messages)
			msgs.push(m.line + ":" + m.column + " " + m.ruleId + ": " +
			    m.message);
	lib.check(report.valid, "html-validate: 0 errors: " + label,
	    msgs.slice(0, 8));
}

async function main() {
	// The validator itself: a page with known faults must fail.
	const bad = path.join(process.env.KENMIN_TMP || "/tmp",
	    "a11y-bad.html");
	fs.writeFileSync(bad, "<!DOCTYPE html><html><head><title>x</title>" +
	    "</head><body><img src=\"a.png\"><p id=\"a\"></p><p id=\"a\">" +
	    "</p></body></html>\n");
	const r = await hv.validateFile(bad);
	const ids = new Set(r.results.flatMap((x) => x.messages.map((m) =>
	    m.ruleId)));
	lib.check(!r.valid && ids.has("wcag/h37") && ids.has("no-dup-id") &&
	    ids.has("element-required-attributes"), "html-validate finds a " +
	    "missing alt, a duplicate id and a missing lang", [...ids]);

	const pages = lib.pickPages(lib.readManifest(opt.manifest));
	lib.diag(pages.length + " page types");
	for (const p of pages)
		await one(path.join(opt.site, p.path), p.pattern + " (" +
		    p.path + ")");
	const forms = fs.readdirSync(opt.forms).filter((f) =>
	    /\.html$/.test(f)).sort();
	lib.check(forms.length > 0, "formsvc screens were saved (" +
	    forms.length + ")");
	for (const f of forms)
		await one(path.join(opt.forms, f), "formsvc " +
		    f.replace(/\.html$/, ""));
}

main().then(() => process.exit(lib.failed() === 0 ? 0 : 1), (e) => {
	lib.notok("html-validate ran to the end", [e.stack || String(e)]);
	process.exit(1);
});
