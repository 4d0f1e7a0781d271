-- 0003_indexes.sql: indexes the generator's per-item look-ups need (an
-- organisation's events and reports on its detail page).
CREATE INDEX event_org ON event (org_id) WHERE org_id IS NOT NULL;
CREATE INDEX report_org ON report (org_id) WHERE org_id IS NOT NULL;
