-- 0013_author_numbers.sql: an author's annotations indexed by the
-- author's number, not by the key.
--
-- Why: annotations_mine was keyed by the author's key, a hash, so every
-- new author's first annotation wrote a leaf of it at a random place: a
-- page in the WAL and again in the database that no group commit or
-- checkpoint shared, 6-10 % of the POSTs/s at a million annotations
-- (bench/README.md).  A key's number is the seq of the first statement
-- that named it (keys.first_seq), so a new author's entries go at the
-- end of the index, beside the other new authors', and a returning
-- author's beside each other as before.
--
-- The number is not unique (a key banned before it signs takes the
-- decision's seq, which may be its moderator's first too), so the index
-- keeps the key after it, and every query names both.
DROP INDEX annotations_mine;
ALTER TABLE annotations ADD COLUMN author_no INTEGER NOT NULL DEFAULT 0;
UPDATE annotations
    SET author_no = (SELECT first_seq FROM keys WHERE key = author);
CREATE INDEX annotations_mine
	ON annotations (author_no, author, seq, status);
