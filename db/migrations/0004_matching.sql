-- 0004_matching.sql: member.matched_at, so the matching mails of a newly
-- public member (R192–R194, generator/matching.c) go exactly once, as
-- posting.matched_at already does for postings (R180–R182).  Members
-- and recruiting postings that were public before this migration count
-- as matched: upgrading a database never mails its existing members.
-- Postings whose recruitment has not started yet keep NULL: their mails
-- go when they start (A-20).

ALTER TABLE member ADD COLUMN matched_at INTEGER;

UPDATE member SET matched_at = coalesce(published_at, updated_at)
WHERE state = 'public';

UPDATE posting SET matched_at = coalesce(published_at, updated_at)
WHERE state = 'public' AND matched_at IS NULL
AND (apply_from IS NULL OR apply_from <= date('now', '+9 hours'));
