-- 0004_talk_listing.sql: an index for one talk's listing.
--
-- Why: annotations_listing is (rid, status, span_start, seq), so a listing
-- of talk N entered it at the start of the record and walked every
-- annotation of the talks before N, which at a million annotations took
-- seconds (bench/README.md).  With talk in the key the walk starts at the
-- talk's first row.  SQL_ANNOTATIONS_TALK uses it.
CREATE INDEX annotations_talk_listing
	ON annotations (rid, status, talk, span_start, seq);
