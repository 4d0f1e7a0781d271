/*
 * search.js: the keyword search in the browser.  It runs the query of
 * lib/search.c (same normalisation, terms, AND, ranking and paging) on
 * the static index files under /search/ and renders the hits into the
 * aria-live region of the search page; without JavaScript (or without
 * String.prototype.normalize) the same GET form goes to formsvc /search.
 * ES5 only.  In node, require() it for the query core.
 */
(function (root) {
	"use strict";

	var TYPES = ["org", "event", "grant", "report", "book", "notice",
	    "center", "news", "member", "posting", "interview", "page"];
	var SITES = { supernet: "sn", aikasa: "ak" };
	var MTYPES = ["individual", "group", "company"];
	var IDS = [["area", "a"], ["field", "f"], ["probono", "p"],
	    ["garea", "g"]];

	/* Code points of s (UTF-16 pairs joined). */
	function cps(s) {
		var out = [], i, c, d;

		for (i = 0; i < s.length; i++) {
			c = s.charCodeAt(i);
			if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
				d = s.charCodeAt(i + 1);
				if (d >= 0xDC00 && d <= 0xDFFF) {
					out.push((c - 0xD800) * 0x400 +
					    (d - 0xDC00) + 0x10000);
					i++;
					continue;
				}
			}
			out.push(c);
		}
		return out;
	}

	function utf8(s) {
		return unescape(encodeURIComponent(s));
	}

	/* FNV-1a of the UTF-8 bytes of s, as search_hash(). */
	function hash(s) {
		var b = utf8(s), h = 0x811C9DC5, i;

		for (i = 0; i < b.length; i++) {
			h ^= b.charCodeAt(i);
			h = Math.imul(h, 16777619) >>> 0;
		}
		return h >>> 0;
	}

	/* Controls and the Unicode separators (Zs, Zl, Zp), as text.c. */
	function isSpace(c) {
		return c < 0x20 || c === 0x7F || (c >= 0x80 && c <= 0xA0) ||
		    c === 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
		    c === 0x2028 || c === 0x2029 || c === 0x202F ||
		    c === 0x205F || c === 0x3000 || c === 0x20;
	}

	/* text_normalize(): NFKC, case fold, katakana to hiragana, spaces. */
	function normalize(s) {
		var a = cps(s.normalize("NFKC").toLowerCase().normalize("NFKC")),
		    out = "", space = false, i, c;

		for (i = 0; i < a.length; i++) {
			c = a[i];
			if (isSpace(c)) {
				space = out.length > 0;
				continue;
			}
			if (c >= 0x30A1 && c <= 0x30F6)
				c -= 0x60;
			if (space)
				out += " ";
			space = false;
			out += cpstr(c);
		}
		return out;
	}

	function cpstr(c) {
		if (c < 0x10000)
			return String.fromCharCode(c);
		c -= 0x10000;
		return String.fromCharCode(0xD800 + (c >> 10),
		    0xDC00 + (c & 0x3FF));
	}

	/* The terms of a query: [{term, word}], and the number of words. */
	function queryTerms(q, facets, m) {
		var terms = [], words = 0, norm, ws, i, j, a, seen = {};

		function add(t, w) {
			var k = w + "\u0000" + t;

			if (seen[k])
				return;
			seen[k] = true;
			terms.push({ term: t, word: w });
		}
		if (q !== null && utf8(q).length <= m.queryMax) {
			norm = normalize(q);
			ws = norm.split(" ");
			for (i = 0; i < ws.length && words < m.wordsMax; i++) {
				if (ws[i] === "")
					continue;
				a = cps(ws[i]);
				if (a.length === 1)
					add(cpstr(a[0]), words);
				else
					for (j = 0; j + 1 < a.length &&
					    j + 1 < m.wordChars; j++)
						add(cpstr(a[j]) + cpstr(a[j + 1]),
						    words);
				words++;
			}
		}
		for (i = 0; i < facets.length && i < 8; i++)
			add(facets[i], -1);
		return { terms: terms, words: words };
	}

	/* The line of shard text whose first field is key, or null. */
	function shardLine(text, key) {
		var at = 0, p, nl;

		if (text === null)
			return null;
		for (;;) {
			p = text.indexOf(key + "\t", at);
			if (p === -1)
				return null;
			if (p === 0 || text.charAt(p - 1) === "\n") {
				nl = text.indexOf("\n", p);
				return text.substring(p + key.length + 1,
				    nl === -1 ? text.length : nl);
			}
			at = p + 1;
		}
	}

	/* The numbers of a postings line (see lib/search.h). */
	function nums(line) {
		var out = [], v = 0, i, d;

		for (i = 0; line !== null && i < line.length; i++) {
			d = line.charCodeAt(i) - 48;
			if (d < 0 || d >= 64)
				throw new Error("bad posting");
			v = v * 32 + (d & 31);
			if (d < 32)
				continue;
			out.push(v);
			v = 0;
		}
		if (v !== 0)
			throw new Error("truncated posting");
		return out;
	}

	/*
	 * A term's postings as [docno, title] pairs: its line in t/ with
	 * the fresh documents' of n/ merged in (each pair there: a posting,
	 * then how many of the t/ line's postings come before it).
	 */
	function postings(line, fresh) {
		var b = nums(line), f = nums(fresh), out = [], i = 0, k = 0;

		if (f.length % 2 !== 0)
			throw new Error("bad fresh postings");
		/* Files of two publishes (a cache): clamp, as lib/search.c. */
		for (k = 1; k < f.length; k += 2)
			if (f[k] > b.length)
				f[k] = b.length;
			else if (k > 1 && f[k] < f[k - 2])
				f[k] = f[k - 2];
		k = 0;
		while (i < b.length || k < f.length) {
			if (k < f.length && f[k + 1] === i) {
				out.push([Math.floor(f[k] / 2), f[k] % 2]);
				k += 2;
			} else {
				out.push([Math.floor(b[i] / 2), b[i] % 2]);
				i++;
			}
		}
		return out;
	}

	function hex3(n) {
		var s = n.toString(16);

		while (s.length < 3)
			s = "0" + s;
		return s;
	}

	/*
	 * Run a query.  params: {q, facets: [" t:org", ...], page};
	 * m: the manifest; fetch(path, cb(err, textOrNull)) reads a file
	 * under the index (null text: no such file); done(err, result).
	 */
	function run(params, m, fetch, done) {
		var qt = queryTerms(params.q, params.facets, m), lists = [],
		    res = { total: 0, page: 1, pages: 0, hits: [],
		    words: qt.words }, pending, failed = false, cache = {};

		function get(path, cb) {
			if (cache.hasOwnProperty(path)) {
				if (cache[path].done)
					cb(null, cache[path].text);
				else
					cache[path].waiters.push(cb);
				return;
			}
			cache[path] = { done: false, waiters: [cb] };
			fetch(path, function (err, text) {
				var w = cache[path].waiters, i;

				cache[path] = { done: true, text: text };
				for (i = 0; i < w.length; i++)
					w[i](err, text);
			});
		}
		function fail(err) {
			if (!failed) {
				failed = true;
				done(err, null);
			}
		}
		if (qt.terms.length === 0) {
			done(null, res);
			return;
		}
		pending = qt.terms.length;
		qt.terms.forEach(function (t, i) {
			var h = hash(t.term), got = {}, want = m.fresh > 0 ? 2 : 1;

			function one(key, path) {
				get(path, function (err, text) {
					if (err)
						return fail(err);
					got[key] = shardLine(text, t.term);
					if (--want > 0)
						return;
					try {
						lists[i] = { word: t.word,
						    p: postings(got.t,
						    got.n || null) };
					} catch (e) {
						return fail(e);
					}
					if (--pending === 0)
						merge();
				});
			}
			one("t", "t/" + hex3(h % m.termShards) + ".txt");
			if (m.fresh > 0)
				one("n", "n/" + hex3(h % m.freshShards) +
				    ".txt");
		});

		function merge() {
			var base = 0, i, j, k, by = [], matches = [], tw, ok, hit,
			    from, want, got = 0, score;

			for (i = 0; i < lists.length; i++) {
				if (lists[i].p.length < lists[base].p.length)
					base = i;
				by[i] = {};
				for (j = 0; j < lists[i].p.length; j++)
					by[i][lists[i].p[j][0]] = lists[i].p[j][1];
			}
			for (j = 0; j < lists[base].p.length; j++) {
				tw = {};
				ok = true;
				for (i = 0; i < lists.length && ok; i++) {
					hit = by[i][lists[base].p[j][0]];
					if (hit === undefined)
						ok = false;
					else if (lists[i].word >= 0 && !hit)
						tw[lists[i].word] = true;
				}
				if (!ok)
					continue;
				for (score = 0, k = 0; k < qt.words; k++)
					if (!tw[k])
						score++;
				matches.push({ docno: lists[base].p[j][0],
				    score: score, rank: j });
			}
			matches.sort(function (x, y) {
				return x.score !== y.score ? y.score - x.score :
				    x.rank - y.rank;
			});
			res.total = matches.length;
			res.pages = Math.min(Math.ceil(matches.length /
			    m.pageSize), m.maxPage);
			res.page = Math.max(1, Math.min(params.page || 1,
			    res.pages));
			from = (res.page - 1) * m.pageSize;
			want = matches.slice(from, from + m.pageSize);
			if (want.length === 0) {
				done(null, res);
				return;
			}
			want.forEach(function (mt, n) {
				var key = String(mt.docno);

				get("d/" + hex3(hash(key) % m.docShards) + ".txt",
				    function (err, text) {
					var line, f;

					if (err)
						return fail(err);
					line = shardLine(text, key);
					if (line === null)
						return fail(new Error("document " +
						    key + " missing"));
					f = line.split("\t");
					res.hits[n] = { docno: mt.docno,
					    kind: f[0], date: f[1], url: f[2],
					    title: f[3], snippet: f[4] };
					if (++got === want.length && !failed)
						done(null, res);
				});
			});
		}
	}

	/*
	 * The query of a URL query string, validated like formsvc's keys:
	 * {q, facets, page, kept: [[name, value]]}.
	 */
	function parseQuery(search) {
		var out = { q: "", facets: [], page: 1, kept: [] }, args = {},
		    parts = search.replace(/^\?/, "").split("&"), i, kv, v, n;

		for (i = 0; i < parts.length; i++) {
			if (parts[i] === "")
				continue;
			kv = parts[i].split("=");
			try {
				v = decodeURIComponent((kv[1] || "").replace(
				    /\+/g, " "));
			} catch (e) {
				continue;
			}
			if (!args.hasOwnProperty(kv[0]))
				args[kv[0]] = v;
		}
		if (args.q !== undefined && utf8(args.q).length <= 400)
			out.q = args.q;
		if (TYPES.indexOf(args.type) !== -1) {
			out.facets.push(" t:" + args.type);
			out.kept.push(["type", args.type]);
		}
		if (SITES.hasOwnProperty(args.site)) {
			out.facets.push(" s:" + SITES[args.site]);
			out.kept.push(["site", args.site]);
		}
		if (MTYPES.indexOf(args.mt) !== -1) {
			out.facets.push(" m:" + args.mt);
			out.kept.push(["mt", args.mt]);
		}
		for (i = 0; i < IDS.length; i++) {
			v = args[IDS[i][0]];
			if (v !== undefined && /^[0-9]{1,3}$/.test(v) &&
			    (n = parseInt(v, 10)) >= 1 && n <= 999) {
				out.facets.push(" " + IDS[i][1] + ":" + n);
				out.kept.push([IDS[i][0], String(n)]);
			}
		}
		if (args.open === "1" || args.open === "on") {
			out.facets.push(" o:1");
			out.kept.push(["open", "1"]);
		}
		if (args.page !== undefined && /^[0-9]{1,4}$/.test(args.page))
			out.page = Math.max(1, parseInt(args.page, 10));
		return out;
	}

	var api = { normalize: normalize, hash: hash, run: run,
	    parseQuery: parseQuery, queryTerms: queryTerms };

	if (typeof module !== "undefined" && module.exports) {
		module.exports = api;
		return;
	}

	/* ---- the browser: progressive enhancement of the search page ---- */
	var doc = root.document, form, region, base;

	if (!doc || !String.prototype.normalize || !root.XMLHttpRequest ||
	    !Math.imul)
		return;
	form = doc.getElementById("search-form");
	region = doc.getElementById("search-results");
	if (!form || !region)
		return;
	base = form.getAttribute("data-search-index") || "/search/";

	function xfetch(path, cb) {
		var x = new root.XMLHttpRequest();

		x.open("GET", base + path);
		x.onload = function () {
			if (x.status === 200)
				cb(null, x.responseText);
			else if (x.status === 404)
				cb(null, null);
			else
				cb(new Error(path + ": " + x.status), null);
		};
		x.onerror = function () {
			cb(new Error(path), null);
		};
		x.send();
	}

	function el(name, text, cls) {
		var e = doc.createElement(name);

		if (text !== undefined && text !== null)
			e.appendChild(doc.createTextNode(text));
		if (cls)
			e.className = cls;
		return e;
	}

	function pageLink(p, page, rel, label) {
		var qs = [], a, i;

		if (p.q !== "")
			qs.push("q=" + encodeURIComponent(p.q));
		for (i = 0; i < p.kept.length; i++)
			qs.push(p.kept[i][0] + "=" +
			    encodeURIComponent(p.kept[i][1]));
		qs.push("page=" + page);
		a = el("a", label);
		a.href = "?" + qs.join("&");
		a.rel = rel;
		return a;
	}

	function render(p, r) {
		var ol, li, a, nav;

		while (region.firstChild)
			region.removeChild(region.firstChild);
		if (r === null) {
			region.appendChild(el("p", "検索できませんでした。" +
			    "しばらくしてから、もう一度お試しください。"));
			return;
		}
		if (p.q === "" && p.facets.length === 0) {
			region.appendChild(el("p",
			    "キーワードを入力して検索してください。"));
			return;
		}
		region.appendChild(el("p", r.total + "件見つかりました。" +
		    (r.total > r.pages * 20 ? "表示は上位のみです。" +
		    "キーワードを追加して絞り込んでください。" : ""),
		    "search-count"));
		ol = el("ol", null, "search-hits");
		r.hits.forEach(function (h) {
			li = el("li");
			a = el("a", h.title);
			a.href = h.url;
			li.appendChild(a);
			li.appendChild(doc.createTextNode(" "));
			li.appendChild(el("span", h.kind, "search-kind"));
			li.appendChild(doc.createTextNode(" "));
			li.appendChild(el("span", h.date, "search-date"));
			li.appendChild(el("p", h.snippet));
			ol.appendChild(li);
		});
		region.appendChild(ol);
		if (r.pages > 0)
			region.appendChild(el("p", r.page + "／" + r.pages +
			    "ページ", "search-pages"));
		nav = el("nav", null, "paging");
		nav.setAttribute("aria-label", "検索結果のページ");
		if (r.page > 1)
			nav.appendChild(pageLink(p, r.page - 1, "prev",
			    "前のページ"));
		if (r.page < r.pages)
			nav.appendChild(pageLink(p, r.page + 1, "next",
			    "次のページ"));
		region.appendChild(nav);
	}

	/* The aikasa-only conditions show (and submit) with site=aikasa. */
	function siteConds() {
		var fs = doc.getElementById("search-ak"), s = form.elements.site;

		if (!fs || !s)
			return;
		fs.hidden = s.value !== "aikasa";
		fs.disabled = s.value !== "aikasa";
	}

	/* Set the form's controls to the query p (kept facets and q). */
	function fill(p) {
		var kept = {}, i, f;

		for (i = 0; i < p.kept.length; i++)
			kept[p.kept[i][0]] = p.kept[i][1];
		kept.q = p.q;
		for (i = 0; i < form.elements.length; i++) {
			f = form.elements[i];
			if (!f.name || f.type === "hidden" || f.type === "submit")
				continue;
			if (f.type === "radio" || f.type === "checkbox")
				f.checked = (kept[f.name] || "") === f.value;
			else
				f.value = kept[f.name] || "";
		}
		siteConds();
	}

	function go(search) {
		var p = parseQuery(search);

		fill(p);
		region.setAttribute("aria-busy", "true");
		xfetch("manifest.json", function (err, text) {
			var m;

			try {
				m = err ? null : JSON.parse(text);
			} catch (e) {
				m = null;
			}
			if (m === null) {
				region.removeAttribute("aria-busy");
				render(p, null);
				return;
			}
			run(p, m, xfetch, function (e, r) {
				region.removeAttribute("aria-busy");
				render(p, e ? null : r);
			});
		});
	}

	form.addEventListener("submit", function (ev) {
		var qs = [], ak = doc.getElementById("search-ak"), i, f;

		for (i = 0; i < form.elements.length; i++) {
			f = form.elements[i];
			if ((f.type === "radio" || f.type === "checkbox") &&
			    !f.checked)
				continue;
			if (ak && ak.disabled && ak.contains(f))
				continue;
			if (f.name && f.value !== "" && !f.disabled)
				qs.push(encodeURIComponent(f.name) + "=" +
				    encodeURIComponent(f.value));
		}
		ev.preventDefault();
		if (root.history && root.history.pushState)
			root.history.pushState(null, "", "?" + qs.join("&"));
		go("?" + qs.join("&"));
	});
	if (form.elements.site)
		form.elements.site.addEventListener("change", siteConds);
	siteConds();
	root.addEventListener("popstate", function () {
		go(root.location.search);
	});
	if (root.location.search !== "")
		go(root.location.search);
}(this));
