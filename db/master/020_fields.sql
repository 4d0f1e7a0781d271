-- 020_fields.sql: 活動分野, the 20 fields of the NPO Act's 別表 (A-01),
-- shown on both sites by default; legacy_code keeps the old numbering
-- for migration.  And the 10 一芸・プロボノ分野: the spec gives no list
-- (別途提示), so these are marked placeholders for the center to edit.
INSERT INTO m_field (id, name, short_name, slug, legacy_code, on_supernet, on_aikasa, sort) VALUES
 (1, '保健、医療又は福祉の増進を図る活動', '保健・医療・福祉', 'welfare', '1', 1, 1, 1),
 (2, '社会教育の推進を図る活動', '社会教育', 'social-education', '2', 1, 1, 2),
 (3, 'まちづくりの推進を図る活動', 'まちづくり', 'community', '3', 1, 1, 3),
 (4, '観光の振興を図る活動', '観光', 'tourism', '4', 1, 1, 4),
 (5, '農山漁村又は中山間地域の振興を図る活動', '農山漁村・中山間地域', 'rural', '5', 1, 1, 5),
 (6, '学術、文化、芸術又はスポーツの振興を図る活動', '学術・文化・芸術・スポーツ', 'culture-sports', '6', 1, 1, 6),
 (7, '環境の保全を図る活動', '環境保全', 'environment', '7', 1, 1, 7),
 (8, '災害救援活動', '災害救援', 'disaster-relief', '8', 1, 1, 8),
 (9, '地域安全活動', '地域安全', 'safety', '9', 1, 1, 9),
 (10, '人権の擁護又は平和の推進を図る活動', '人権・平和', 'human-rights', '10', 1, 1, 10),
 (11, '国際協力の活動', '国際協力', 'international', '11', 1, 1, 11),
 (12, '男女共同参画社会の形成の促進を図る活動', '男女共同参画', 'gender-equality', '12', 1, 1, 12),
 (13, '子どもの健全育成を図る活動', '子どもの健全育成', 'children', '13', 1, 1, 13),
 (14, '情報化社会の発展を図る活動', '情報化社会', 'information', '14', 1, 1, 14),
 (15, '科学技術の振興を図る活動', '科学技術', 'science', '15', 1, 1, 15),
 (16, '経済活動の活性化を図る活動', '経済活動', 'economy', '16', 1, 1, 16),
 (17, '職業能力の開発又は雇用機会の拡充を支援する活動', '職業能力・雇用機会', 'employment', '17', 1, 1, 17),
 (18, '消費者の保護を図る活動', '消費者保護', 'consumer', '18', 1, 1, 18),
 (19, '前各号に掲げる活動を行う団体の運営又は活動に関する連絡、助言又は援助の活動', '団体の運営・活動支援', 'intermediary', '19', 1, 1, 19),
 (20, '前各号に掲げる活動に準ずる活動として都道府県又は指定都市の条例で定める活動', '条例で定める活動', 'ordinance', '20', 1, 1, 20);

INSERT INTO m_probono_field (id, name, slug, placeholder, sort) VALUES
 (1, 'パソコン・IT', 'it', 1, 1),
 (2, 'デザイン・写真・映像', 'design', 1, 2),
 (3, '語学・通訳・翻訳', 'language', 1, 3),
 (4, '音楽・演奏・芸能', 'music', 1, 4),
 (5, '料理・調理', 'cooking', 1, 5),
 (6, '手芸・工作・修理', 'crafts', 1, 6),
 (7, 'スポーツ・健康づくり', 'sports', 1, 7),
 (8, '法律・会計・税務', 'legal', 1, 8),
 (9, '教育・学習支援・読み聞かせ', 'education', 1, 9),
 (10, 'その他の特技', 'other', 1, 10);
