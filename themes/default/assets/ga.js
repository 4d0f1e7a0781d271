/*
 * ga.js: starts Google Analytics (gtag.js) with the measurement id the
 * layout puts in this script's data-ga-id; the layout includes it only
 * when [site] ga_id is configured.  A file, not an inline script, so
 * that the Content-Security-Policy needs no 'unsafe-inline'.  ES5 only.
 */
(function () {
	"use strict";

	var me = document.currentScript, id;

	if (!me) {
		me = document.querySelector("script[data-ga-id]");
		if (!me)
			return;
	}
	id = me.getAttribute("data-ga-id");
	if (!id || !/^[A-Za-z0-9-]{1,32}$/.test(id))
		return;
	window.dataLayer = window.dataLayer || [];
	function gtag() {
		window.dataLayer.push(arguments);
	}
	gtag("js", new Date());
	gtag("config", id, { anonymize_ip: true });
}());
