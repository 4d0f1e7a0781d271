-- 090_settings.sql: site settings staff edit from the admin screens:
-- the urgent-notice slots (R030, R120), the standing notice of the
-- Super Net top (R031) and the variable slot (R035, A-41).
INSERT INTO setting (key, value) VALUES
 ('supernet.urgent', ''),
 ('aikasa.urgent', ''),
 ('supernet.standing_notice_title', 'センターの利用について'),
 ('supernet.standing_notice', 'やまぐち県民活動支援センターの開館時間は9時から21時（日曜・祝日は17時）まで、休館日は毎月第2・第4月曜日と年末年始です。印刷機や交流コーナーの予約状況は下のカレンダーでご確認ください。'),
 ('supernet.slot_kind', 'markdown'),
 ('supernet.slot_title', '印刷機・交流コーナー（Zoomルーム）予約状況'),
 ('supernet.slot_body', '印刷機と交流コーナー（Zoomルーム）の予約状況は、センターの予約カレンダーでご確認いただけます。ご予約はお電話（083-000-0000）または窓口で承ります。'),
 ('supernet.slot_embed_url', '');
