-- 0014_one_listing.sql: one listing index serves a record and each talk.
--
-- Why: annotations_listing (rid, status, span_start, ...) and
-- annotations_talk_listing (rid, status, talk, span_start, ...) are both
-- keyed by a time in the recording, so each new annotation wrote a leaf
-- of each at a place of its own: at a million annotations, two pages per
-- POST that no group commit or checkpoint shares (bench/README.md).
-- A talk's annotations lie in one range of the record's listing: placed
-- by policy_annotation, an annotation of talk n starts inside the talk,
-- at or after its start and before its end (an empty talk's at its
-- start; docs/design.md §4).  So a talk's listing is that range of
-- annotations_listing with talk checked in the index, which now ends
-- with it, and is read in the same (span_start, seq) order as before.
DROP INDEX annotations_talk_listing;
DROP INDEX annotations_listing;
CREATE INDEX annotations_listing
	ON annotations (rid, status, span_start, seq, span_end, talk);
