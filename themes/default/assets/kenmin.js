/*
 * kenmin.js: the text size and background colour switcher (文字サイズ・
 * 背景色変更).  Loaded in <head> without defer, it applies the stored
 * choice to <html> before the first paint, then fills the empty
 * #kenmin-tools container with buttons once the document is parsed.
 * ES5 only; without JavaScript the container stays hidden and the
 * browser's own zoom and colours still work.  On formsvc pages of a
 * logged-in session it also warns before the idle timeout.
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

	/*
	 * A-30 (JIS 2.2.1 タイミング調整可能): a formsvc page of a logged-in
	 * session carries the seconds its session has left (data-session-*
	 * on <body>).  Two minutes before the end an alert dialog takes the
	 * focus and offers 「延長する」, which POSTs the session's CSRF token
	 * to /session/extend; the answer's {"left": N} restarts the count.
	 * Escape or 「閉じる」 closes it and gives the focus back.  Without
	 * JavaScript the server keeps a form sent after the end instead.
	 */
	function sessionWarning() {
		var body = document.body, WARN = 120, timer = null, box = null,
		    back = null, left, url, token;

		if (body === null || typeof window.XMLHttpRequest === "undefined")
			return;
		left = parseInt(body.getAttribute("data-session-left"), 10);
		url = body.getAttribute("data-session-extend");
		token = body.getAttribute("data-session-csrf");
		if (isNaN(left) || !url || !token)
			return;

		function schedule(secs) {
			if (timer !== null)
				clearTimeout(timer);
			timer = setTimeout(open, Math.max(secs - WARN, 0) * 1000);
		}

		function close() {
			if (box !== null && box.parentNode !== null)
				box.parentNode.removeChild(box);
			box = null;
			if (back !== null && typeof back.focus === "function")
				back.focus();
			back = null;
		}

		function button(text, action) {
			var b = document.createElement("button");

			b.type = "button";
			b.className = "button";
			b.appendChild(document.createTextNode(text));
			b.onclick = action;
			return b;
		}

		function extend(msg) {
			var xhr = new XMLHttpRequest();

			xhr.open("POST", url, true);
			xhr.setRequestHeader("Content-Type",
			    "application/x-www-form-urlencoded");
			xhr.onreadystatechange = function () {
				var n = NaN;

				if (xhr.readyState !== 4)
					return;
				if (xhr.status === 200) {
					try {
						n = JSON.parse(xhr.responseText).left;
					} catch (e) {
						n = NaN;
					}
				}
				if (typeof n === "number" && n > 0) {
					close();
					schedule(n);
					return;
				}
				msg.firstChild.nodeValue = "延長できませんでした。" +
				    "ログインの有効期限が切れた可能性があります。" +
				    "入力中の内容は、送信するとログイン後に戻ります。";
			};
			xhr.send("csrf=" + encodeURIComponent(token));
		}

		function open() {
			var title, msg, yes, no, actions;

			if (box !== null)
				return;
			back = document.activeElement;
			box = document.createElement("div");
			box.id = "kenmin-session";
			box.setAttribute("role", "alertdialog");
			box.setAttribute("aria-labelledby", "kenmin-session-title");
			box.setAttribute("aria-describedby", "kenmin-session-text");
			box.style.cssText = "position:fixed;left:1em;right:1em;" +
			    "bottom:1em;max-width:40em;margin:0 auto;padding:1em;" +
			    "border:3px solid;background:#fff;background:Canvas;" +
			    "color:#000;color:CanvasText;z-index:1000";
			title = document.createElement("h2");
			title.id = "kenmin-session-title";
			title.appendChild(document.createTextNode(
			    "まもなくログインの有効期限が切れます"));
			msg = document.createElement("p");
			msg.id = "kenmin-session-text";
			msg.appendChild(document.createTextNode("操作がないまま約2分" +
			    "たつと、自動的にログアウトします。続けて入力する場合は" +
			    "「延長する」を押してください。"));
			yes = button("延長する", function () { extend(msg); });
			no = button("閉じる", close);
			actions = document.createElement("div");
			actions.className = "actions";
			actions.appendChild(yes);
			actions.appendChild(document.createTextNode(" "));
			actions.appendChild(no);
			box.appendChild(title);
			box.appendChild(msg);
			box.appendChild(actions);
			/* Escape closes; Tab stays on the two buttons. */
			box.onkeydown = function (ev) {
				ev = ev || window.event;
				if (ev.key === "Escape" || ev.keyCode === 27) {
					close();
				} else if (ev.key === "Tab" || ev.keyCode === 9) {
					(document.activeElement === yes ? no : yes).focus();
					if (ev.preventDefault)
						ev.preventDefault();
				}
			};
			body.appendChild(box);
			yes.focus();
		}

		schedule(left);
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", sessionWarning,
		    false);
	else
		sessionWarning();
}());
