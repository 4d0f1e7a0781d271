// run.js: the browser path of the search golden set: runs search.js's
// query core in node against the index files of a built site and
// prints NAME<TAB>TOTAL<TAB>URL,... per golden query (as expect.py),
// plus "# bytes NAME N" and "# ms NAME N" lines (cold: no cache).
//   node run.js SITE_DIR golden.tsv
"use strict";
var fs = require("fs"), path = require("path");
var search = require(path.join(__dirname,
    "../../themes/default/assets/search.js"));
var dir = path.join(process.argv[2], "search");
var m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
var lines = fs.readFileSync(process.argv[3], "utf8").split("\n");

lines.forEach(function (line) {
	if (line === "" || line.charAt(0) === "#")
		return;
	var f = line.split("\t"), name = f[0], p = search.parseQuery(f[1]);
	var bytes = 0, t0, out = null;

	function fetch(rel, cb) {
		var t = null;

		try {
			t = fs.readFileSync(path.join(dir, rel), "utf8");
			bytes += Buffer.byteLength(t);
		} catch (e) {
			if (e.code !== "ENOENT")
				return cb(e, null);
		}
		cb(null, t);
	}
	t0 = process.hrtime.bigint();
	// fetch is synchronous here, so run() finishes before it returns
	search.run(p, m, fetch, function (err, r) {
		if (err)
			throw err;
		out = r;
	});
	var ms = Number(process.hrtime.bigint() - t0) / 1e6;
	console.log(name + "\t" + out.total + "\t" +
	    out.hits.map(function (h) { return h.url; }).join(","));
	console.log("# bytes " + name + " " + bytes);
	console.log("# ms " + name + " " + ms.toFixed(2));
});
