-- 0010_feed_order.sql: a feed reads its newest entries from an index.
--
-- Why: an Atom feed lists a record's visible annotations newest first by
-- "updated", the later of an annotation's created and its revisions'.
-- That was computed per row, with a revision lookup each, and sorted: at
-- a million annotations, 8.3 s per feed on the event loop.  Now each
-- annotation keeps it, set to created on insert (store.c) and moved on by
-- every revision (the trigger), and (rid, status, updated, seq) yields
-- the feed in its order: the first rows are the answer.
ALTER TABLE annotations ADD COLUMN updated TEXT;

UPDATE annotations SET updated = max(created, coalesce((SELECT
    max(r.created) FROM revisions AS r WHERE r.of = annotations.id), ''));

CREATE INDEX annotations_feed ON annotations (rid, status, updated, seq);

CREATE TRIGGER revisions_updated AFTER INSERT ON revisions
BEGIN
	UPDATE annotations SET updated = max(updated, new.created)
	    WHERE id = new.of;
END;
