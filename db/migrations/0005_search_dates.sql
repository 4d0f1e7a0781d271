-- 0005_search_dates.sql: covering indexes for the dates query of a
-- publish that patches the search index (generator/search.c,
-- dates_load()): the date of every public document, read from the
-- index instead of from rows that carry the bodies.  18 ms → 10 ms at
-- scale 1.
CREATE INDEX grant_date ON grant_item (state, apply_from, published_at);
CREATE INDEX book_date ON book (state, published_at);
CREATE INDEX report_date ON report (state, held_on);
CREATE INDEX member_date ON member (state, status, published_at, type);
CREATE INDEX posting_date ON posting (state, apply_from, published_at,
    member_id);
