-- 0008_search_batches.sql: the search index is written in batches.
--
-- Why: FTS5 writes each transaction's new rows as a segment of its own
-- and merges segments as they pile up.  With group commit that was a
-- segment for every few annotations, merged again and again: a POST
-- cost a fifth more with the search index than without it
-- (bench/README.md).  Now an annotation to index waits in
-- search_pending, appended in seq order, and store.c indexes all that
-- wait at once: in the commit that finds STORE_SEARCH_BATCH of them, and
-- before any search, so a search still finds every annotation committed
-- before it.  A change of text, links or status takes the annotation out
-- of the index and, if it is visible, queues it again.
CREATE TABLE search_pending (
	seq		INTEGER PRIMARY KEY REFERENCES annotations (seq)
);

DROP TRIGGER annotations_fts_insert;
CREATE TRIGGER annotations_fts_insert AFTER INSERT ON annotations
    WHEN new.status = 'visible'
BEGIN
	INSERT INTO search_pending (seq) VALUES (new.seq);
END;

DROP TRIGGER annotations_fts_update;
CREATE TRIGGER annotations_fts_update
    AFTER UPDATE OF text, links, status ON annotations
BEGIN
	DELETE FROM annotations_fts WHERE rowid = old.seq;
	INSERT OR IGNORE INTO search_pending (seq)
	    SELECT new.seq WHERE new.status = 'visible';
END;
