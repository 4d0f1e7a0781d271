#!/usr/bin/env bash
# cgi.sh: the no-JavaScript path of the search golden set: runs formsvc
# GET /search for each golden query and prints NAME<TAB>TOTAL<TAB>URL,...
# as expect.py does (page 1 of the hits, or the page asked for).
#   cgi.sh CGI CONFIG golden.tsv
set -uo pipefail
CGI=$1 CONF=$2 GOLDEN=$3
while IFS=$'\t' read -r name qs; do
	case "$name" in ''|'#'*) continue ;; esac
	qs=$(/usr/bin/python3 -c 'import sys, urllib.parse as u
print("&".join(k + "=" + u.quote(v) for k, v in
    u.parse_qsl(sys.argv[1], keep_blank_values=True)))' "$qs")
	env -i PATH=/usr/bin:/bin KENMIN_CONFIG="$CONF" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    REMOTE_ADDR=127.0.0.1 REQUEST_METHOD=GET PATH_INFO=/search \
	    QUERY_STRING="$qs" "$CGI" |
	    /usr/bin/python3 -c 'import re, sys
html = sys.stdin.read()
m = re.search(r"<p class=\"search-count\">([0-9]+)件", html)
ol = re.search(r"<ol class=\"search-hits\">(.*?)</ol>", html, re.S)
urls = re.findall(r"<li><a href=\"([^\"]*)\"", ol.group(1)) if ol else []
print("%s\t%s\t%s" % (sys.argv[1], m.group(1) if m else 0, ",".join(urls)))' "$name"
done < "$GOLDEN"
