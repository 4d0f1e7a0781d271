-- 0006_list_skeleton.sql: covering indexes for the skeleton list
-- queries of a publish (generator/sn_events.c and sn_grants.c,
-- SQL_SKEL): the id, dates and cancelled flag of every public event or
-- grant, in list order, read from the index instead of from the rows
-- that carry the texts.  At scale 1 (sqlite3 shell, 5,769 events,
-- 8,476 grants): events 12 ms → 7 ms, grants 11 ms → 7 ms.  They
-- extend event_list and grant_list (0001), which any query using those
-- could use instead; left alone here.
CREATE INDEX event_span ON event (state, starts_on, ends_on, cancelled);
CREATE INDEX grant_span ON grant_item (state, apply_until, cancelled);
