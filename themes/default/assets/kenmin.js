/*
 * kenmin.js: the text size and background colour switcher (文字サイズ・
 * 背景色変更).  Loaded in <head> without defer, it applies the stored
 * choice to <html> before the first paint, then fills the empty
 * #kenmin-tools container with buttons once the document is parsed.
 * ES5 only; without JavaScript the container stays hidden and the
 * browser's own zoom and colours still work.
 */
(function () {
	"use strict";

	var KEY_SIZE = "kenmin.size", KEY_BG = "kenmin.bg";
	var SIZES = [["m", "標準", ""], ["l", "大", "fs-l"], ["xl", "特大", "fs-xl"]];
	var BGS = [["white", "白", ""], ["black", "黒", "bg-black"],
	    ["blue", "青", "bg-blue"]];
	var root = document.documentElement;

	/* localStorage may be missing or throw (private mode, disabled). */
	function load(key) {
		try {
			return window.localStorage.getItem(key);
		} catch (e) {
			return null;
		}
	}

	function save(key, value) {
		try {
			window.localStorage.setItem(key, value);
		} catch (e) {
			/* The choice lasts for this page only. */
		}
	}

	/* The entry of table whose id is id, else the first (the default). */
	function find(table, id) {
		var i;

		for (i = 0; i < table.length; i++)
			if (table[i][0] === id)
				return table[i];
		return table[0];
	}

	/* Replace the classes of table on <html> by the one of entry. */
	function apply(table, entry) {
		var cls = " " + root.className + " ", i;

		for (i = 0; i < table.length; i++)
			if (table[i][2] !== "")
				cls = cls.replace(" " + table[i][2] + " ", " ");
		if (entry[2] !== "")
			cls += entry[2];
		root.className = cls.replace(/^\s+|\s+$/g, "").replace(/\s+/g, " ");
	}

	apply(SIZES, find(SIZES, load(KEY_SIZE)));
	apply(BGS, find(BGS, load(KEY_BG)));

	/* One labelled group of toggle buttons; returns its element. */
	function group(label, table, key, id) {
		var div = document.createElement("div"), span, i, b, cur;

		cur = find(table, load(key))[0];
		div.className = "tools-group";
		div.setAttribute("role", "group");
		span = document.createElement("span");
		span.className = "tools-label";
		span.id = id;
		span.appendChild(document.createTextNode(label));
		div.setAttribute("aria-labelledby", id);
		div.appendChild(span);
		for (i = 0; i < table.length; i++) {
			b = document.createElement("button");
			b.type = "button";
			b.setAttribute("data-value", table[i][0]);
			b.setAttribute("aria-pressed",
			    table[i][0] === cur ? "true" : "false");
			b.appendChild(document.createTextNode(table[i][1]));
			div.appendChild(b);
		}
		div.onclick = function (ev) {
			var t = ev.target || ev.srcElement, all, j, v;

			if (t.nodeName !== "BUTTON")
				return;
			v = t.getAttribute("data-value");
			apply(table, find(table, v));
			save(key, v);
			all = div.getElementsByTagName("button");
			for (j = 0; j < all.length; j++)
				all[j].setAttribute("aria-pressed",
				    all[j] === t ? "true" : "false");
		};
		return div;
	}

	function build() {
		var box = document.getElementById("kenmin-tools");

		if (box === null || box.getAttribute("data-ready") === "1")
			return;
		box.setAttribute("data-ready", "1");
		box.appendChild(group("文字サイズ", SIZES, KEY_SIZE,
		    "kenmin-tools-size"));
		box.appendChild(group("背景色", BGS, KEY_BG, "kenmin-tools-bg"));
		box.removeAttribute("hidden");
		searchInBrowser();
	}

	/*
	 * With JavaScript the header search goes to the static search page,
	 * which answers from the index files; without it, to formsvc.
	 */
	function searchInBrowser() {
		var forms = document.getElementsByTagName("form"), i, page;

		if (typeof window.XMLHttpRequest === "undefined")
			return;
		for (i = 0; i < forms.length; i++) {
			page = forms[i].getAttribute("data-search-page");
			if (page !== null && page !== "")
				forms[i].setAttribute("action", page);
		}
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", build, false);
	else
		build();
}());
