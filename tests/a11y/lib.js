// lib.js: what the accessibility scripts share: TAP-like output, the
// choice of one page per page type from the generator's manifest, the
// formsvc screens, a headless Chromium started the same way every time
// and the staff login's TOTP code.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const NODE_MODULES = path.join(__dirname, "..", "node_modules");

let failures = 0;

function ok(name) {
	console.log("ok - " + name);
}

function notok(name, details) {
	failures++;
	console.log("not ok - " + name);
	for (const d of details || [])
		console.log("#   " + String(d).replace(/\n/g, "\n#   "));
}

function check(cond, name, details) {
	if (cond)
		ok(name);
	else
		notok(name, details);
	return cond;
}

function diag(msg) {
	console.log("# " + msg);
}

function failed() {
	return failures;
}

// Run fn with its output hidden; the failures it reported are taken
// back and returned (the self-tests that prove a check can fail).
async function expectFailures(fn) {
	const before = failures, log = console.log;
	console.log = () => {};
	try {
		await fn();
	} finally {
		console.log = log;
	}
	const n = failures - before;
	failures = before;
	return n;
}

// The page type of a site path: digits become N, "index-N.html" (the
// further pages of a list) becomes "index.html", and a folder below the
// second level with at least three sibling folders that hold the same
// kind of file (a facet value: a field, an area, a type) becomes "*".
function patterns(paths) {
	const base = paths.map((p) => p.replace(/[0-9]+/g, "N")
	    .replace(/(^|\/)index-N\.html$/, "$1index.html"));
	const split = base.map((p) => p.split("/"));
	// For each (depth, prefix, suffix): the distinct folder names.
	const siblings = new Map();
	for (const parts of split) {
		for (let i = 2; i < parts.length - 1; i++) {
			const key = i + "\0" + parts.slice(0, i).join("/") +
			    "\0" + parts.slice(i + 1).join("/");
			if (!siblings.has(key))
				siblings.set(key, new Set());
			siblings.get(key).add(parts[i]);
		}
	}
	return split.map((parts) => {
		const out = parts.slice();
		for (let i = 2; i < parts.length - 1; i++) {
			const key = i + "\0" + parts.slice(0, i).join("/") +
			    "\0" + parts.slice(i + 1).join("/");
			if (siblings.get(key).size >= 3)
				out[i] = "*";
		}
		return out.join("/");
	});
}

// One page per page type: from each group of *.html paths with the same
// pattern, the largest file (the richest example of its template; ties
// by name).  sizes maps path to bytes.  Returns [{ pattern, path }]
// sorted by pattern.
function pickPages(sizes) {
	const paths = Object.keys(sizes).filter((p) => /\.html$/.test(p))
	    .sort();
	const pats = patterns(paths);
	const best = new Map();
	paths.forEach((p, i) => {
		const cur = best.get(pats[i]);
		if (cur === undefined || sizes[p] > sizes[cur])
			best.set(pats[i], p);
	});
	return Array.from(best.keys()).sort()
	    .map((k) => ({ pattern: k, path: best.get(k) }));
}

// The manifest list written by the case scripts: "SIZE<TAB>PATH" lines.
function readManifest(file) {
	const sizes = {};
	for (const line of fs.readFileSync(file, "utf8").split("\n")) {
		const t = line.indexOf("\t");
		if (t > 0)
			sizes[line.slice(t + 1)] = Number(line.slice(0, t));
	}
	return sizes;
}

// formsvc's GET screens (formsvc.cgi --list-pages output), test pages
// and the health check (not HTML) left out.
function readFormPages(file) {
	return fs.readFileSync(file, "utf8").split("\n")
	    .filter((p) => p.startsWith("/") && !p.startsWith("/_test/") &&
	    p !== "/health");
}

// The site a page belongs to: "aikasa", "supernet" or "formsvc".
function siteOf(url) {
	if (url.includes("/cgi-bin/"))
		return "formsvc";
	return /\/boranet[0-9]+\//.test(url) ? "aikasa" : "supernet";
}

const CHROMIUM_ARGS = [
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync",
	"--disable-dev-shm-usage", "--font-render-hinting=none",
];

// Headless Chromium with a fresh profile; close with closeBrowser().
async function openBrowser() {
	const { chromium } = require(path.join(NODE_MODULES, "playwright-core"));
	const dir = fs.mkdtempSync(path.join(process.env.KENMIN_TMP ||
	    os.tmpdir(), "chromium-"));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: "/usr/bin/chromium",
		headless: true,
		args: CHROMIUM_ARGS,
		ignoreDefaultArgs: ["--enable-automation"],
		viewport: { width: 1280, height: 800 },
		locale: "ja-JP",
		timezoneId: "Asia/Tokyo",
	});
	return { context, dir };
}

async function closeBrowser(b) {
	await b.context.close();
	fs.rmSync(b.dir, { recursive: true, force: true });
}

// RFC 4648 base32 (as the enrolment page shows the secret) to bytes.
function base32(s) {
	const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	let bits = 0, acc = 0;
	const out = [];
	for (const ch of s.toUpperCase().replace(/[\s=]/g, "")) {
		acc = (acc << 5) | abc.indexOf(ch);
		bits += 5;
		if (bits >= 8) {
			out.push((acc >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// RFC 6238 with HMAC-SHA-256, 30 s, 6 digits (lib/totp.c), for step
// (Unix time / 30): the staff login's second step (a11y/flows.js and
// browser/flows.js).
function totp(secret, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac("sha256", base32(secret)).update(msg)
	    .digest();
	const off = mac[mac.length - 1] & 0x0f;
	const bin = mac.readUInt32BE(off) & 0x7fffffff;
	return String(bin % 1000000).padStart(6, "0");
}

// Arguments: --name value pairs into an object.
function args(argv) {
	const o = {};
	for (let i = 0; i + 1 < argv.length; i += 2)
		o[argv[i].replace(/^--/, "")] = argv[i + 1];
	return o;
}

module.exports = {
	NODE_MODULES, ok, notok, check, diag, failed, patterns, pickPages,
	readManifest, readFormPages, siteOf, openBrowser, closeBrowser, args,
	CHROMIUM_ARGS, expectFailures, totp,
};
