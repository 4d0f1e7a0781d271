#!/bin/bash
# 060_sql.sh: SQL injection (脆弱性リスト 1).  Statically, nothing but
# lib/db.c calls SQLite's statement functions (tests/sqlcheck.py; its
# self-test proves it finds a direct call); at run time, db_prep refuses
# SQL built in memory (tests/unit/test_db.c), and injection strings sent
# to the login, the search and a registration field are only data.
. "$KENMIN_ROOT/tests/lib/cgi.sh"

/usr/bin/python3 "$ROOT/tests/sqlcheck.py" "$ROOT" > "$T/sqlcheck.out"
rc=$?
grep -v '^ok - generator/keys.c' "$T/sqlcheck.out"
[ $rc -eq 0 ] || fails=$((fails + 1))

# Self-test: a copy of the tree with one direct call must fail.
mkdir -p "$T/tree/lib" "$T/tree/formsvc" "$T/tree/generator"
cp "$ROOT"/lib/*.c "$T/tree/lib/"
printf 'static void f(void) { sqlite3_exec(h, q, NULL, NULL, NULL); }\n' > "$T/tree/formsvc/evil.c"
check "sqlcheck finds a direct sqlite3_exec" \
    sh -c "! /usr/bin/python3 '$ROOT/tests/sqlcheck.py' '$T/tree' > /dev/null"

cgi_setup
NOW=$(date +%s)
sq "INSERT INTO org (kind, source, state, name, kana, rep_name, group_class_id, created_at, updated_at, published_at)
    VALUES ('group', 'staff', 'public', '山口ボランティアの会', 'やまぐち', '代表', 1, $NOW, $NOW, $NOW)"
before=$(sq "SELECT count(*) FROM org")
for q in "' OR '1'='1" "'); DROP TABLE org; --" '" OR 1=1 --' "%' UNION SELECT reg_email_ct FROM org --"; do
	cgi GET /search "" "" "q=$(enc "$q")"
	check "search with $(printf '%q' "$q"): 200, no SQL error" is 200
	check "search with $(printf '%q' "$q"): no error text" hasnt 'SQL'
done
check "org table intact after the searches" test "$(sq "SELECT count(*) FROM org")" = "$before"

anon
for q in "admin' --" "' OR '1'='1"; do
	cgi POST /login "$A" "$C&login_id=$(enc "$q")&password=$(enc "$q")"
	check "login with $(printf '%q' "$q"): the usual failure" has 'ログインIDまたはパスワードが正しくないか'
	check "login with $(printf '%q' "$q"): no session" test -z "$(sid)"
done
check "no sanitizer or SQL error in the CGI's stderr" sh -c "! grep -qiE 'sanitizer|syntax error|refused SQL' '$T/err'"
# 脆弱性リスト 10 (eval injection): C has no eval; the site's scripts
# never turn text into code.
check "no eval, new Function or string timers in the site's scripts" \
    sh -c "! grep -nE '\\beval\\(|new Function|set(Timeout|Interval)\\([[:space:]]*[\"\x27]' '$ROOT'/themes/default/assets/*.js"
exit $((fails > 0))
