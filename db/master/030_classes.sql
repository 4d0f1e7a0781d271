-- 030_classes.sql: classifications and pulldown lists of 紙3/紙4.
-- One classification list with NPO法人 in it (A-02, A-03): Super Net
-- offers NPO法人 only on the NPO form.
INSERT INTO m_group_class (id, name, is_npo, sort) VALUES
 (1, 'NPO法人', 1, 1),
 (2, '任意団体', 0, 2),
 (3, '財団法人', 0, 3),
 (4, '社団法人', 0, 4),
 (5, '一般財団法人', 0, 5),
 (6, '一般社団法人', 0, 6),
 (7, '公益財団法人', 0, 7),
 (8, '公益社団法人', 0, 8),
 (9, '社会福祉法人', 0, 9),
 (10, '行政', 0, 10),
 (11, 'その他', 0, 11);

INSERT INTO m_company_category (id, name, sort) VALUES
 (1, '株式会社', 1), (2, '合同会社', 2), (3, '合名会社', 3),
 (4, '合資会社', 4), (5, 'その他', 5);

INSERT INTO m_target_area (id, name, slug, is_municipal, sort) VALUES
 (1, '山口県内市町', 'municipal', 1, 1),
 (2, '県内全域', 'prefecture-wide', 0, 2),
 (3, '中四国地域', 'chugoku-shikoku', 0, 3),
 (4, '西日本', 'west-japan', 0, 4),
 (5, '全国', 'nationwide', 0, 5);

INSERT INTO m_budget_range (id, name, sort) VALUES
 (1, '10万円未満', 1),
 (2, '10万円～30万円未満', 2),
 (3, '30万円～50万円未満', 3),
 (4, '50万円～100万円未満', 4),
 (5, '100万円～500万円未満', 5),
 (6, '500万円～1,000万円未満', 6),
 (7, '1,000万円以上', 7);

-- 紙4 #37 gives no values: placeholders for the center to confirm.
INSERT INTO m_time_band (id, name, placeholder, sort) VALUES
 (1, '午前（9時～12時）', 1, 1),
 (2, '午後（13時～17時）', 1, 2),
 (3, '夜間（18時以降）', 1, 3),
 (4, '終日', 1, 4),
 (5, '応相談', 1, 5);

INSERT INTO m_weekday (id, name, short_name) VALUES
 (1, '月曜日', '月'), (2, '火曜日', '火'), (3, '水曜日', '水'),
 (4, '木曜日', '木'), (5, '金曜日', '金'), (6, '土曜日', '土'),
 (7, '日曜日', '日');

INSERT INTO m_feature (id, name, sort) VALUES
 (1, '連携・協働の実績がある', 1),
 (2, 'CSR・社会貢献の実績がある', 2),
 (3, '助成団体である', 3),
 (4, '活動団体である', 4),
 (5, '支援団体である', 5),
 (6, '企業の社会貢献活動による地域づくり支援事業への参加を希望する', 6);

-- 登録要件 are 「別途提示」 in the spec: placeholders, editable by staff,
-- to be replaced with the center's text before go-live.
INSERT INTO m_requirement (id, site, text, placeholder, sort) VALUES
 (1, 'supernet', '営利を目的とした活動を主としていません。', 1, 1),
 (2, 'supernet', '宗教活動や政治活動を主たる目的としていません。', 1, 2),
 (3, 'supernet', '特定の公職の候補者若しくは公職にある者又は政党を推薦、支持又は反対することを目的としていません。', 1, 3),
 (4, 'supernet', '暴力団又は暴力団若しくはその構成員の統制の下にある団体ではありません。', 1, 4),
 (5, 'supernet', '山口県内で継続的に活動しています（又は活動する予定です）。', 1, 5),
 (6, 'aikasa', '営利を目的とした活動を主としていません。', 1, 1),
 (7, 'aikasa', '宗教活動や政治活動を主たる目的としていません。', 1, 2),
 (8, 'aikasa', '暴力団又は暴力団若しくはその構成員の統制の下にある団体ではありません。', 1, 3),
 (9, 'aikasa', 'ボランティアの安全に配慮し、必要に応じて保険に加入します。', 1, 4);
