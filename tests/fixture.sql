-- fixture.sql: the scenario rows the page, list and feed cases check,
-- added by tests/fixture.sh to the shared demo database (demo --scale 1
-- --seed 1 at 2026-11-25) before its one full build.  Every inserted row
-- has an id >= 900000 so that it never clashes with a demo row; a case
-- names the row it checks by that id and says which case it serves.
-- updated_at 1767225600 = 2026-01-01T00:00:00Z; published_at 4000000000+
-- (2096) puts the rows first in every "newest first" list and feed.
PRAGMA foreign_keys = ON;
BEGIN;

-- 310: あいかさねっと's urgent notice on its top page.  300 checks that
-- Super Net's own slot (supernet.urgent) stays empty.
UPDATE setting SET value = '台風接近に伴う臨時休館のお知らせ'
    WHERE key = 'aikasa.urgent';

-- 300, 330: a cancelled public event (中止 on its page, 【中止】 and
-- STATUS:CANCELLED in the feeds; the title tests iCalendar TEXT escaping,
-- the purpose a newline) and a draft event that must appear nowhere.
INSERT INTO event (id, category, state, organizer, title, starts_on,
    ends_on, place, purpose, cancelled, created_at, updated_at, published_at)
VALUES (900001, 'event', 'public', '試験主催会',
    '中止試験イベント、カンマ,セミコロン;円記号\', '2026-12-01',
    '2026-12-03', '山口市民会館', '一行目
二行目', 1, 1767225600, 1767225600, 4000000000);
INSERT INTO event (id, category, state, organizer, title, starts_on,
    created_at, updated_at, published_at)
VALUES (900002, 'event', 'draft', '試験主催会', '下書き非公開イベントQZX',
    '2026-12-05', 1767225600, 1767225600, 4000000001);

-- 330: a cancelled public grant (【中止】, 【締切】 in grants.ics).
INSERT INTO grant_item (id, state, funder, name, apply_from, apply_until,
    cancelled, created_at, updated_at, published_at)
VALUES (900001, 'public', '試験財団', '中止試験助成QGR', '2026-11-01',
    '2026-12-20', 1, 1767225600, 1767225600, 4000000000);

-- 310, 330: a public group that paused (A-21: its postings and its page
-- are nowhere), with a posting recruiting "anytime" and one with a period.
INSERT INTO member (id, type, state, status, org_name, org_kana,
    created_at, updated_at, published_at, paused_at)
VALUES (900001, 'group', 'public', 'paused', '休止試験の会QMP',
    'きゅうししけんのかい', 1767225600, 1767225600, 1767225600,
    1767225600);
INSERT INTO posting (id, member_id, state, title, activity, org_name,
    apply_from, apply_until, anytime, created_at, updated_at, published_at)
VALUES (900004, 900001, 'public', '休止団体試験投稿QPD', '清掃活動',
    '試験の会', '2026-11-01', '2026-12-31', 0, 1767225600, 1767225600,
    4000000003),
  (900005, 900001, 'public', '休止団体随時募集試験投稿QPE', '清掃活動',
    '試験の会', NULL, NULL, 1, 1767225600, 1767225600, 4000000004);

-- 330: postings of the first active public group: recruiting now, not
-- yet started (no page, no feed entry) and ended (【募集終了】).
INSERT INTO posting (id, member_id, state, title, activity, org_name,
    apply_from, apply_until, created_at, updated_at, published_at)
SELECT v.id, m.id, 'public', v.title, '清掃活動', '試験の会', v.f, v.u,
    1767225600, 1767225600, v.p
FROM (SELECT id FROM member WHERE type = 'group' AND state = 'public'
    AND status = 'active' ORDER BY id LIMIT 1) AS m,
  (SELECT 900001 AS id, '募集中試験投稿QPA' AS title, '2026-11-01' AS f,
      '2026-12-31' AS u, 4000000000 AS p
   UNION ALL SELECT 900002, '開始前試験投稿QPB', '2026-12-10', '2026-12-31',
      4000000001
   UNION ALL SELECT 900003, '終了試験投稿QPC', '2026-10-01', '2026-11-01',
      4000000002) AS v;

-- 320: a public notice with hostile Markdown (raw HTML, a javascript:
-- link, an event handler) and a draft notice with a unique title.
INSERT INTO notice (id, site, kind, state, title, body, posted_on,
    created_at, updated_at, published_at)
VALUES (900001, 'supernet', 'notice', 'public', 'Markdown試験のお知らせ',
    'あ<script>alert(1)</script>い [リンク](javascript:alert(2)) <b onclick=x>太字</b>',
    '2026-11-20', 1767225600, 1767225600, 4000000000),
  (900002, 'supernet', 'notice', 'draft', '下書きのお知らせＺＺＱ', '本文',
    '2026-11-01', 1767225600, 1767225600, NULL);

COMMIT;
