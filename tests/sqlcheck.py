#!/usr/bin/python3
"""sqlcheck.py: SQL reaches SQLite only through lib/db.c.

db_prep() and db_exec() refuse any SQL text that is not a constant of the
program (lib/db.c: sql_static; tests/unit/test_db.c proves it), so values
reach SQLite only through bindings (脆弱性リスト 1, SQL injection).  This
check makes sure nothing goes around them: outside lib/db.c no source may
call sqlite3_prepare*, sqlite3_exec or sqlite3_get_table, except the one
documented exception.

usage: sqlcheck.py ROOT   prints "ok - …" / "not ok - FILE:LINE …"
"""
import os
import re
import sys

DIRECT = re.compile(r"\b(sqlite3_prepare\w*|sqlite3_exec|sqlite3_get_table)\s*\(")
# `kenmin-gen keys rotate` builds UPDATEs from column names it read from
# the schema and checked against [a-z_]+_ct (README, docs/keys.md).
EXCEPTIONS = {"generator/keys.c"}
WRAPPER = "lib/db.c"


def code_only(src):
    """src with comments and string literals blanked (lines kept)."""
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"',
                  lambda m: re.sub(r"[^\n]", " ", m.group(0)), src, flags=re.S)


def main():
    root = sys.argv[1]
    bad = files = 0
    for top in ("lib", "generator", "formsvc"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for f in sorted(names):
                if not f.endswith(".c"):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                if rel == WRAPPER:
                    continue
                files += 1
                src = code_only(open(os.path.join(root, rel), encoding="utf-8").read())
                for m in DIRECT.finditer(src):
                    line = src.count("\n", 0, m.start()) + 1
                    if rel in EXCEPTIONS:
                        print("ok - %s:%d %s: the documented keys-rotate exception"
                              % (rel, line, m.group(1)))
                        continue
                    print("not ok - %s:%d calls %s directly, not through db_prep/db_exec"
                          % (rel, line, m.group(1)))
                    bad += 1
    print("%s - no source but lib/db.c calls SQLite's statement functions (%d files)"
          % ("not ok" if bad else "ok", files))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
