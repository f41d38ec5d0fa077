-- 0009_span_end_indexed.sql: the listing indexes carry span_end.
--
-- Why: a time query keeps the rows whose span [span_start, span_end)
-- overlaps [from, to].  The listing indexes are ordered by span_start,
-- so the walk runs from the cursor to "to", and span_end, which was only
-- in the table, cost a row read for every annotation on the way: at a
-- million annotations a one-minute query four hours into the recording
-- read nearly all of them and held the event loop for 27 s.  With
-- span_end in the index the overlap is checked there, and only the rows
-- that overlap are read (125 ms for that query).
DROP INDEX annotations_listing;
CREATE INDEX annotations_listing
	ON annotations (rid, status, span_start, seq, span_end);

DROP INDEX annotations_talk_listing;
CREATE INDEX annotations_talk_listing
	ON annotations (rid, status, talk, span_start, seq, span_end);
