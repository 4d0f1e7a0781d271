#!/usr/bin/env python3
"""incremental.py: the random edit sequence of tests/cases/340_incremental.sh.

Usage: incremental.py [--uploads DIR] DB STEPS SEED TODAY -- PUBLISH-COMMAND...

Runs STEPS seeded random changes on the database directly (creates,
edits, state changes, deletions of many kinds), each followed by the
publish_queue row formsvc would write and by PUBLISH-COMMAND.  Prints one
"# step N: what" line per step; exits 1 when a publish fails.

Uploads are covered too: the first steps always unpublish an item that
carries a public upload, take an upload off the site and (with
--uploads, the configuration's upload_dir) attach a new upload and
replace an upload's bytes; later steps pick such changes at random.
Standard library only.
"""

import calendar
import os
import random
import sqlite3
import subprocess
import sys
import time


def day_start(today):
    """09:00 in Japan on TODAY: the changes are made (and approved) that
    day, so new items are the search index's fresh documents."""
    return calendar.timegm(time.strptime(today, "%Y-%m-%d"))


def one(db, sql, args=()):
    r = db.execute(sql, args).fetchone()
    return r[0] if r else None


def pick(db, rng, sql, args=()):
    ids = [r[0] for r in db.execute(sql, args)]
    return rng.choice(ids) if ids else None


# (table, item column, kind, "is on the site" condition on x) of each
# kind of item that carries uploads.
CARRIERS = [
    ("org_file", "org_id", "org", "org",
     "x.state = 'public' AND x.status = 'active'"),
    ("event_file", "event_id", "event", "event", "x.state = 'public'"),
    ("posting_file", "posting_id", "posting", "posting", "x.state = 'public'"),
    ("member_file", "member_id", "member", "member", "x.state = 'public'"),
    ("report_photo", "report_id", "report", "report", "x.state = 'public'"),
    ("interview_photo", "interview_id", "interview", "interview",
     "x.state = 'public'"),
]
FIRST = ["upload_item_unpublish", "upload_unpublish", "upload_add",
         "upload_replace"]


def upload_step(db, rng, a, t, n, updir):
    """The upload changes; same contract as step()."""
    if a == "upload_item_unpublish":
        c = rng.choice(CARRIERS)
        i = pick(db, rng, "SELECT DISTINCT x.id FROM %s f JOIN %s x ON x.id ="
                 " f.%s JOIN upload u ON u.id = f.upload_id WHERE %s AND"
                 " u.state = 'public'" % (c[0], c[3], c[1], c[4]))
        if i is None:
            return None
        db.execute("UPDATE %s SET state = 'review' WHERE id = ?" % c[3], (i,))
        return a, [(c[2], i)]
    if a == "upload_unpublish":
        i = pick(db, rng, "SELECT id FROM upload WHERE state = 'public'")
        if i is None:
            return None
        db.execute("UPDATE upload SET state = 'ok' WHERE id = ?", (i,))
        return a, [("upload", i)]
    if updir is None:
        return None
    if a == "upload_add":
        e = pick(db, rng, "SELECT x.id FROM event x WHERE x.state = 'public'"
                 " AND NOT EXISTS (SELECT 1 FROM event_file f WHERE"
                 " f.event_id = x.id)")
        if e is None:
            return None
        uid = one(db, "SELECT coalesce(max(id), 0) + 1 FROM upload")
        data = b"%%PDF-1.4\n%% incremental %d\n%%%%EOF\n" % n
        stored = "incr%08x%08x" % (uid, rng.getrandbits(32))
        with open(os.path.join(updir, stored), "wb") as f:
            f.write(data)
        db.execute("INSERT INTO upload (id, stored_name, public_name,"
                   " orig_name, mime, size, state, created_at) VALUES"
                   " (?, ?, ?, '資料.pdf', 'application/pdf', ?, 'public', ?)",
                   (uid, stored, "%016x%08x.pdf" % (rng.getrandbits(64), uid),
                    len(data), t))
        db.execute("INSERT INTO event_file (event_id, slot, upload_id)"
                   " VALUES (?, 1, ?)", (e, uid))
        return a, [("upload", uid), ("event", e)]
    if a == "upload_replace":
        r = db.execute("SELECT id, stored_name FROM upload WHERE state ="
                       " 'public' ORDER BY id").fetchall()
        if not r:
            return None
        uid, stored = rng.choice(r)
        data = b"%%PDF-1.4\n%% replaced at step %d\n%%%%EOF\n" % n
        # A new stored file, as a re-upload would make: never overwrite.
        stored = "incr%08x%08x" % (uid, rng.getrandbits(32))
        with open(os.path.join(updir, stored), "wb") as f:
            f.write(data)
        db.execute("UPDATE upload SET stored_name = ?, size = ? WHERE id = ?",
                   (stored, len(data), uid))
        return a, [("upload", uid)]
    return None


def step(db, rng, today, now, n, updir):
    """Make one change; return (what, [(kind, id)]) or None to retry."""
    t = now + n * 60
    if n < len(FIRST):
        r = upload_step(db, rng, FIRST[n], t, n, updir)
        if r is not None:
            return r
    a = rng.choice([
        "event_create", "event_edit", "event_unpublish", "event_publish",
        "event_cancel", "event_delete", "grant_create", "grant_edit",
        "grant_cancel", "grant_delete", "org_withdraw", "org_edit",
        "org_unpublish", "member_pause", "member_withdraw", "posting_past",
        "posting_create", "posting_unpublish", "posting_close",
        "posting_delete", "notice_edit", "book_edit", "report_edit",
        "interview_edit", "faq_edit", "newsletter_unpublish",
        "setting_urgent", "upload_item_unpublish", "upload_unpublish",
        "upload_add", "upload_replace"])
    if a.startswith("upload_"):
        return upload_step(db, rng, a, t, n, updir)
    if a == "event_create":
        cur = db.execute(
            "INSERT INTO event (category, state, organizer, title, starts_on,"
            " ends_on, place, created_at, updated_at, published_at) VALUES"
            " ('event', 'public', '増分試験の会', ?, date(?, ?), date(?, ?),"
            " '山口市', ?, ?, ?)",
            ("増分試験イベント%d" % n, today, "+%d day" % rng.randint(-40, 60),
             today, "+%d day" % rng.randint(61, 70), t, t, t))
        return a, [("event", cur.lastrowid)]
    if a in ("event_edit", "event_unpublish", "event_cancel", "event_delete"):
        i = pick(db, rng, "SELECT id FROM event WHERE state = 'public'")
        if i is None:
            return None
        if a == "event_edit":
            db.execute("UPDATE event SET title = title || '（改）', starts_on ="
                       " date(?, ?), updated_at = ? WHERE id = ?",
                       (today, "+%d day" % rng.randint(-20, 20), t, i))
        elif a == "event_unpublish":
            db.execute("UPDATE event SET state = 'review', updated_at = ?"
                       " WHERE id = ?", (t, i))
        elif a == "event_cancel":
            db.execute("UPDATE event SET cancelled = 1, updated_at = ?"
                       " WHERE id = ?", (t, i))
        else:
            db.execute("DELETE FROM event WHERE id = ?", (i,))
        return a, [("event", i)]
    if a == "event_publish":
        i = pick(db, rng, "SELECT id FROM event WHERE state <> 'public'")
        if i is None:
            return None
        db.execute("UPDATE event SET state = 'public', published_at = ?,"
                   " updated_at = ? WHERE id = ?", (t, t, i))
        return a, [("event", i)]
    if a == "grant_create":
        cur = db.execute(
            "INSERT INTO grant_item (state, funder, name, apply_from,"
            " apply_until, created_at, updated_at, published_at) VALUES"
            " ('public', '増分試験財団', ?, ?, date(?, ?), ?, ?, ?)",
            ("増分試験助成%d" % n, today, today,
             "+%d day" % rng.randint(-10, 90), t, t, t))
        return a, [("grant", cur.lastrowid)]
    if a.startswith("grant_"):
        i = pick(db, rng, "SELECT id FROM grant_item WHERE state = 'public'")
        if i is None:
            return None
        if a == "grant_edit":
            db.execute("UPDATE grant_item SET name = name || '（改）',"
                       " apply_until = date(?, ?), updated_at = ?"
                       " WHERE id = ?",
                       (today, "+%d day" % rng.randint(-30, 30), t, i))
        elif a == "grant_cancel":
            db.execute("UPDATE grant_item SET cancelled = 1, updated_at = ?"
                       " WHERE id = ?", (t, i))
        else:
            db.execute("DELETE FROM grant_item WHERE id = ?", (i,))
        return a, [("grant", i)]
    if a.startswith("org_"):
        i = pick(db, rng, "SELECT id FROM org WHERE state = 'public' AND"
                 " status = 'active'")
        if i is None:
            return None
        if a == "org_withdraw":
            db.execute("UPDATE org SET status = 'withdrawn', updated_at = ?"
                       " WHERE id = ?", (t, i))
        elif a == "org_edit":
            db.execute("UPDATE org SET name = name || '（改）', updated_at = ?"
                       " WHERE id = ?", (t, i))
        else:
            db.execute("UPDATE org SET state = 'review', updated_at = ?"
                       " WHERE id = ?", (t, i))
        return a, [("org", i)]
    if a.startswith("member_"):
        # Prefer a group with postings: the change must hide them too.
        i = pick(db, rng, "SELECT DISTINCT m.id FROM member m JOIN posting p"
                 " ON p.member_id = m.id WHERE m.state = 'public' AND"
                 " m.status = 'active' AND p.state = 'public'")
        if i is None:
            return None
        db.execute("UPDATE member SET status = ?, updated_at = ? WHERE id = ?",
                   ("paused" if a == "member_pause" else "withdrawn", t, i))
        return a, [("member", i)]
    if a == "posting_create":
        m = pick(db, rng, "SELECT id FROM member WHERE type = 'group' AND"
                 " state = 'public' AND status = 'active'")
        if m is None:
            return None
        cur = db.execute(
            "INSERT INTO posting (member_id, state, title, activity, org_name,"
            " apply_from, apply_until, created_at, updated_at, published_at)"
            " VALUES (?, 'public', ?, '清掃', '増分試験の会', date(?, ?),"
            " date(?, ?), ?, ?, ?)",
            (m, "増分試験募集%d" % n, today, "+%d day" % rng.randint(-20, 10),
             today, "+%d day" % rng.randint(11, 40), t, t, t))
        return a, [("posting", cur.lastrowid)]
    if a.startswith("posting_"):
        i = pick(db, rng, "SELECT id FROM posting WHERE state = 'public'")
        if i is None:
            return None
        if a == "posting_past":
            db.execute("UPDATE posting SET anytime = 0, apply_from ="
                       " date(?, '-40 day'), apply_until = date(?, '-3 day'),"
                       " updated_at = ? WHERE id = ?", (today, today, t, i))
        elif a == "posting_unpublish":
            db.execute("UPDATE posting SET state = 'review', updated_at = ?"
                       " WHERE id = ?", (t, i))
        elif a == "posting_close":
            db.execute("UPDATE posting SET closed = 1, updated_at = ?"
                       " WHERE id = ?", (t, i))
        else:
            try:
                db.execute("DELETE FROM posting WHERE id = ?", (i,))
            except sqlite3.IntegrityError:
                return None
        return a, [("posting", i)]
    table, kind, col = {
        "notice_edit": ("notice", "notice", "title"),
        "book_edit": ("book", "book", "title"),
        "report_edit": ("report", "report", "title"),
        "interview_edit": ("interview", "interview", "title"),
        "faq_edit": ("faq", "faq", "question"),
        "newsletter_unpublish": ("newsletter", "newsletter", None),
    }.get(a, (None, None, None))
    if table is not None:
        i = pick(db, rng, "SELECT id FROM %s WHERE state = 'public'" % table)
        if i is None:
            return None
        if col is None:
            db.execute("UPDATE %s SET state = 'review', updated_at = ?"
                       " WHERE id = ?" % table, (t, i))
        else:
            db.execute("UPDATE %s SET %s = %s || '（改）', updated_at = ?"
                       " WHERE id = ?" % (table, col, col), (t, i))
        return a, [(kind, i)]
    if a == "setting_urgent":
        db.execute("INSERT INTO setting (key, value, updated_at) VALUES"
                   " ('supernet.urgent', ?, ?) ON CONFLICT (key) DO UPDATE"
                   " SET value = excluded.value",
                   ("【緊急】増分試験のお知らせ%d" % n, t))
        return a, [("setting", 0)]
    return None


def main(argv):
    updir = None
    if len(argv) > 2 and argv[1] == "--uploads":
        updir = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 6 or argv[5] != "--":
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    path, steps, seed, today = argv[1], int(argv[2]), int(argv[3]), argv[4]
    now = day_start(today)
    cmd = argv[6:]
    rng = random.Random(seed)
    done = {}
    n = 0
    while n < steps:
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = ON")
        try:
            r = step(db, rng, today, now, n, updir)
        except sqlite3.IntegrityError as e:
            print("# step %d: skipped (%s)" % (n, e))
            db.rollback()
            db.close()
            continue
        if r is None:
            db.rollback()
            db.close()
            continue
        what, items = r
        for kind, i in items:
            db.execute("INSERT INTO publish_queue (kind, item_id, reason,"
                       " enqueued_at) VALUES (?, ?, ?, ?)",
                       (kind, i, what, now + n))
        db.commit()
        db.close()
        done[what] = done.get(what, 0) + 1
        print("# step %d: %s %s" % (n, what, items), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            print("# publish failed after step %d: %s" % (n, p.stderr.strip()))
            return 1
        n += 1
    print("# kinds of change: %d (%s)" % (len(done), ", ".join(
        "%s×%d" % kv for kv in sorted(done.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
