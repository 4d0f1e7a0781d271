#!/usr/bin/env python3
# expect.py: the independent oracle of the search golden set: reads the
# demo database with its own SQL, normalises with Python's unicodedata
# (NFKC + casefold + katakana to hiragana), matches every query word as
# docs/search.md defines (a word of 1-2 characters is a substring of the
# normalised title or text; a longer one has each adjacent pair in it)
# and ranks (more words in the title, newer date, docno), never calling
# kenmin code.  Prints per query: NAME<TAB>TOTAL<TAB>URL,URL,... (page 1).
#   expect.py DB TODAY golden.tsv
import sqlite3, sys, unicodedata

db, today, golden = sys.argv[1], sys.argv[2], sys.argv[3]
c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)

def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = unicodedata.normalize("NFKC", s.casefold())
    out, space = [], False
    for ch in s:
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or \
                unicodedata.category(ch) in ("Zs", "Zl", "Zp"):
            space = bool(out)
            continue
        if 0x30A1 <= o <= 0x30F6:
            ch = chr(o - 0x60)
        if space:
            out.append(" ")
        space = False
        out.append(ch)
    return "".join(out)

def PD(col):
    return "COALESCE(date(%s, 'unixepoch', '+9 hours'), '')" % col
def ids(sql, i):
    return set(str(r[0]) for r in c.execute(sql, (i,)))

docs = []   # (docno, date, url, title, text, facets)
def add(kind, id_, date, url, title, text, facets):
    docs.append((id_ * 16 + kind, date or "", url, title or "",
        text or "", facets))

for r in c.execute("SELECT id, %s, name, kind, purpose, activities, appeal, "
        "kana FROM org WHERE state='public' AND status='active'" % PD("published_at")):
    f = {" t:org", " s:sn"} | {" f:" + x for x in ids("SELECT field_id FROM org_field WHERE org_id=?", r[0])} \
        | {" a:" + x for x in ids("SELECT muni_id FROM org_muni WHERE org_id=?", r[0])}
    add(1, r[0], r[1], "/groups/%d.html" % r[0], r[2], " ".join(x or "" for x in (r[7], r[4], r[5], r[6])), f)
for r in c.execute("SELECT id, starts_on, title, organizer, place, purpose, body FROM event WHERE state='public'"):
    f = {" t:event", " s:sn"} | {" f:" + x for x in ids("SELECT field_id FROM event_field WHERE event_id=?", r[0])}
    add(2, r[0], r[1], "/events/%d.html" % r[0], r[2], " ".join(x or "" for x in r[3:]), f)
for r in c.execute("SELECT id, COALESCE(apply_from, %s), name, funder, purpose, target_project, audience, "
        "(cancelled = 0 AND (apply_from IS NULL OR apply_from <= ?1) AND (apply_until IS NULL OR apply_until >= ?1)) "
        "FROM grant_item WHERE state='public'" % PD("published_at"), (today,)):
    f = {" t:grant", " s:sn"} | {" f:" + x for x in ids("SELECT field_id FROM grant_field WHERE grant_id=?", r[0])} \
        | {" g:" + x for x in ids("SELECT area_id FROM grant_area WHERE grant_id=?", r[0])}
    if r[7] == 1:
        f.add(" o:1")
    add(3, r[0], r[1], "/grants/%d.html" % r[0], r[2], " ".join(x or "" for x in r[3:7]), f)
for r in c.execute("SELECT id, held_on, title, org_name, place, body FROM report WHERE state='public'"):
    add(4, r[0], r[1], "/reports/%d.html" % r[0], r[2], " ".join(x or "" for x in r[3:]), {" t:report", " s:sn"})
for r in c.execute("SELECT id, %s, title, author, publisher, body FROM book WHERE state='public'" % PD("published_at")):
    add(5, r[0], r[1], "/books/%d.html" % r[0], r[2], " ".join(x or "" for x in r[3:]), {" t:book", " s:sn"})
for r in c.execute("SELECT id, posted_on, title, body, site, kind FROM notice WHERE state='public'"):
    if r[4] == "aikasa":
        add(8, r[0], r[1], "/boranet201909/notices/%d.html" % r[0], r[2], r[3], {" t:notice", " s:ak"})
    elif r[5] == "center":
        add(7, r[0], r[1], "/center-notices/%d.html" % r[0], r[2], r[3], {" t:center", " s:sn"})
    else:
        add(6, r[0], r[1], "/notices/%d.html" % r[0], r[2], r[3], {" t:notice", " s:sn"})
for r in c.execute("SELECT id, posted_on, title, body, site FROM newsletter WHERE state='public'"):
    if r[4] == "aikasa":
        add(10, r[0], r[1], "/boranet201909/news/%d.html" % r[0], r[2], r[3], {" t:news", " s:ak"})
    else:
        add(9, r[0], r[1], "/newsletters/%d.html" % r[0], r[2], r[3], {" t:news", " s:sn"})
for r in c.execute("SELECT m.id, %s, m.org_name, m.type, m.sales_point, m.probono_content, m.purpose, "
        "m.activities, mu.name, m.occupation, m.probono_field_id FROM member m "
        "LEFT JOIN m_municipality mu ON mu.id = m.muni_id "
        "WHERE m.state='public' AND m.status='active'" % PD("m.published_at")):
    if r[3] == "individual":
        title = "個人会員（" + (r[8] or "市町未登録") + \
            ("・" + r[9] if r[9] else "") + "）"
        text = " ".join(x or "" for x in (r[4], r[5]))
    else:
        title = r[2] or "（名称未登録）"
        text = " ".join(x or "" for x in (r[6], r[7], r[4]))
    f = {" t:member", " s:ak", " m:" + r[3]} \
        | {" f:" + x for x in ids("SELECT field_id FROM member_field WHERE member_id=?", r[0])} \
        | {" a:" + x for x in ids("SELECT muni_id FROM member_area WHERE member_id=?", r[0])}
    if r[10] is not None:
        f.add(" p:%d" % r[10])
    add(11, r[0], r[1], "/boranet201909/members/%d.html" % r[0], title, text, f)
for r in c.execute("SELECT p.id, COALESCE(p.apply_from, %s), p.title, p.org_name, p.activity, p.area_text, p.place "
        "FROM posting p JOIN member m ON m.id = p.member_id WHERE p.state='public' AND m.state='public' "
        "AND m.status='active' AND (p.apply_from IS NULL OR p.apply_from <= ?1)" % PD("p.published_at"), (today,)):
    f = {" t:posting", " s:ak"} | {" f:" + x for x in ids("SELECT field_id FROM posting_field WHERE posting_id=?", r[0])} \
        | {" a:" + x for x in ids("SELECT muni_id FROM posting_area WHERE posting_id=?", r[0])}
    add(12, r[0], r[1], "/boranet201909/postings/%d.html" % r[0], r[2], " ".join(x or "" for x in r[3:]), f)
for r in c.execute("SELECT id, posted_on, title, body FROM interview WHERE state='public'"):
    add(13, r[0], r[1], "/boranet201909/interviews/%d.html" % r[0], r[2], r[3], {" t:interview", " s:ak"})
for r in c.execute("SELECT id, %s, title, body, site, slug FROM page WHERE state='public'" % PD("published_at")):
    if r[4] == "aikasa":
        add(15, r[0], r[1], "/boranet201909/%s.html" % r[5], r[2], r[3], {" t:page", " s:ak"})
    else:
        add(14, r[0], r[1], "/%s.html" % r[5], r[2], r[3], {" t:page", " s:sn"})

ndocs = [(d, norm(d[3]), norm(d[3]) + " " + norm(d[4])) for d in docs]

def has(word, text):
    if len(word) <= 2:
        return word in text
    return all(word[i:i + 2] in text for i in range(len(word) - 1))

from urllib.parse import parse_qs
SITES = {"supernet": " s:sn", "aikasa": " s:ak"}
for line in open(golden, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    name, qs = line.rstrip("\n").split("\t")[:2]
    a = {k: v[0] for k, v in parse_qs(qs, keep_blank_values=True).items()}
    words = [w for w in norm(a.get("q", "")).split(" ") if w][:8]
    words = [w[:32] for w in words]
    fac = set()
    if "type" in a: fac.add(" t:" + a["type"])
    if "site" in a: fac.add(SITES[a["site"]])
    if "mt" in a: fac.add(" m:" + a["mt"])
    for k, ch in (("area", "a"), ("field", "f"), ("probono", "p"), ("garea", "g")):
        if k in a: fac.add(" %s:%s" % (ch, a[k]))
    if a.get("open") == "1": fac.add(" o:1")
    hits = []
    if words or fac:
        for d, nt, nx in ndocs:
            if not fac <= d[5] or not all(has(w, nx) for w in words):
                continue
            score = sum(1 for w in words if has(w, nt))
            hits.append((-score, d[1], d[0], d[2]))
    # newer date first: sort by date descending, then docno ascending
    hits.sort(key=lambda h: (h[0], [-ord(ch) for ch in h[1]] + [0], h[2]))
    page = int(a.get("page", "1"))
    pages = min((len(hits) + 19) // 20, 50)
    page = max(1, min(page, pages))
    top = hits[(page - 1) * 20:page * 20]
    print("%s\t%d\t%s" % (name, len(hits), ",".join(h[3] for h in top)))
