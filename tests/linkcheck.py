#!/usr/bin/env python3
"""linkcheck.py: check that every internal link of a generated site resolves.

Usage: linkcheck.py [--base URL] [--ignore PREFIX]... [--cgi PREFIX PAGES] SITE_DIR

Every href, src, action, poster and srcset URL of every .html file under
SITE_DIR is checked.  Internal links are root-relative ("/events/1.html"),
relative ("2.html", "../x/") or absolute ones that start with --base.  They
must name a file in SITE_DIR: "/x/" means "/x/index.html", a directory
without the slash is accepted when it holds index.html (a server
redirects), the query and the fragment are ignored, percent escapes are
decoded.  External links (another scheme or host), mailto:, tel:,
javascript: (reported separately: never allowed), and links under
/cgi-bin/ or an --ignore prefix are not checked.  Every broken link is
printed as "PAGE: URL" and the exit status is 1; 0 when all resolve.
With --cgi PREFIX PAGES, a link under PREFIX (formsvc's URL) must name
one of the pages listed in the file PAGES (`formsvc.cgi --list-pages`).
Standard library only.
"""

import html
import os
import re
import sys
import urllib.parse

# Attribute values in tags.  The generator quotes every attribute, and
# text or script content cannot hold `name="` unescaped, so a pattern is
# enough (and ten times faster than html.parser on 25,000 pages).
VALUE_RE = re.compile(
    r"""\s(href|src|action|formaction|poster|srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
TAG_RE = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
SKIP_RE = re.compile(r"<!--.*?-->", re.S)


def page_urls(text):
    """The URLs in the tags of one page."""
    urls = []
    text = SKIP_RE.sub("", text)
    for tag in TAG_RE.findall(text):
        for name, value in VALUE_RE.findall(tag):
            if value[:1] in "\"'":
                value = value[1:-1]
            value = html.unescape(value).strip()
            if name == "srcset":
                for part in value.split(","):
                    bits = part.split()
                    if bits:
                        urls.append(bits[0])
            else:
                urls.append(value)
    return urls


def cgi_page(url, base, prefix):
    """The formsvc page a URL names (query dropped), or None."""
    if base and url.lower().startswith(base.lower()):
        url = url[len(base):] or "/"
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    if not path.startswith(prefix + "/") and path != prefix:
        return None
    return path[len(prefix):] or "/"


def target(site, page_rel, url, base, ignores):
    """The file a URL names, None if not checked, "" if not internal."""
    if url == "" or url.startswith("#"):
        return None
    low = url.lower()
    if base and low.startswith(base.lower()):
        url = url[len(base):] or "/"
        if not url.startswith("/"):
            url = "/" + url
    elif low.startswith("javascript:"):
        return "javascript"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    path = urllib.parse.unquote(parts.path)
    if path == "":
        return None
    if not path.startswith("/"):
        path = "/" + os.path.join(os.path.dirname(page_rel), path)
    for pre in ignores:
        if path.startswith(pre):
            return None
    norm = os.path.normpath(path)
    if path.endswith("/") and norm != "/":
        norm += "/"
    if norm.startswith("/.."):
        return ""
    if norm.endswith("/"):
        norm += "index.html"
    return norm


def exists(site, norm):
    full = os.path.join(site, norm.lstrip("/"))
    if os.path.isfile(full):
        return True
    return os.path.isdir(full) and os.path.isfile(
        os.path.join(full, "index.html"))


def main(argv):
    base = ""
    ignores = ["/cgi-bin/"]
    cgi, cgi_pages = None, set()
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--base" and len(args) > 1:
            base = args[1].rstrip("/")
            args = args[2:]
        elif args[0] == "--ignore" and len(args) > 1:
            ignores.append(args[1])
            args = args[2:]
        elif args[0] == "--cgi" and len(args) > 2:
            cgi = args[1].rstrip("/")
            with open(args[2], encoding="utf-8") as f:
                cgi_pages = set(line.strip() for line in f if line.strip())
            args = args[3:]
        else:
            break
    if len(args) != 1:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    site = args[0]
    pages = links = broken = 0
    cache = {}
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".html"):
                continue
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, site)
            pages += 1
            with open(full, encoding="utf-8", errors="replace") as f:
                urls = page_urls(f.read())
            for url in urls:
                if cgi is not None:
                    pg = cgi_page(url, base, cgi)
                    if pg is not None:
                        links += 1
                        if pg not in cgi_pages:
                            print("%s: %s (no such formsvc page)" % (rel, url))
                            broken += 1
                        continue
                t = target(site, rel, url, base, ignores)
                if t is None:
                    continue
                links += 1
                if t == "javascript":
                    print("%s: %s (javascript: URL)" % (rel, url))
                    broken += 1
                    continue
                if t not in cache:
                    cache[t] = t != "" and exists(site, t)
                if not cache[t]:
                    print("%s: %s" % (rel, url))
                    broken += 1
    print("linkcheck: %d pages, %d internal links, %d broken"
          % (pages, links, broken), file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
