-- 0007_random_indexes.sql: two fewer index entries at random places
-- per annotation.
--
-- Why: an annotation's id, its author and its thread's root are hashes,
-- so every index keyed by one of them takes each new annotation on a
-- leaf page of its own.  At a million annotations those leaves no longer
-- meet in a group commit or a checkpoint, and each is a page written to
-- the WAL and again to the database per POST: POSTs/s fell by a third
-- from 10k to 1M annotations (bench/README.md).  Two of those indexes
-- were not needed:
--
-- annotations_author (author, status) and annotations_mine (author, seq)
-- were two B-trees keyed by author.  One (author, seq, status) serves an
-- author's pages in order (SQL_MINE) and, covering, their visible count
-- and a ban's hiding (SQL_KEY, SQL_BAN_HIDE).
--
-- annotations_root (root, seq) held every annotation, though a top one
-- is its own root (root = id) and is found by its id.  Only replies are
-- kept now; SQL_THREAD reads the top one through the id's index.
DROP INDEX annotations_author;
DROP INDEX annotations_mine;
CREATE INDEX annotations_mine ON annotations (author, seq, status);

DROP INDEX annotations_root;
CREATE INDEX annotations_replies ON annotations (root, seq)
	WHERE root != id;
