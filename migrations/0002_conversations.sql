-- 0002_conversations.sql: threads, revisions, retractions, endorsements,
-- profiles and full-text search.
--
-- Why triggers: the counters of replies, endorsements and statements per
-- key, and the search index, are derived from rows store_append writes, so
-- SQLite keeps them in step inside the same transaction: no code path can
-- forget one, and a rebuild from the log recomputes them by replaying the
-- same inserts.  (A revision's count and a new annotation's record count
-- are bumped by the statements that write those rows.)

-- An annotation's place in its thread (root: the top-level annotation,
-- itself for one), how often it was revised, its visible replies and its
-- endorsements, and the retraction that withdrew it.  The text, links,
-- kind, talk, at and span columns hold the current state: the original as
-- amended by every revision in (created, id) order.
ALTER TABLE annotations ADD COLUMN root TEXT;
ALTER TABLE annotations ADD COLUMN revisions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN endorsements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN retraction TEXT;

WITH RECURSIVE thread (id, root) AS (
	SELECT id, id FROM annotations WHERE reply_to IS NULL
	UNION ALL
	SELECT a.id, t.root FROM annotations AS a JOIN thread AS t
	    ON a.reply_to = t.id
)
UPDATE annotations SET root = (SELECT root FROM thread
    WHERE thread.id = annotations.id);
UPDATE annotations SET replies = (SELECT count(*) FROM annotations AS r
    WHERE r.reply_to = annotations.id AND r.status = 'visible');

-- SQL_THREAD: a thread's annotations in arrival order.
CREATE INDEX annotations_root ON annotations (root, seq);
-- SQL_KEY: a key's visible annotations, counted.
CREATE INDEX annotations_author ON annotations (author, status);

-- Revision statements, by the annotation they revise; the chain order is
-- (created, id).
CREATE TABLE revisions (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL UNIQUE,
	of		TEXT NOT NULL REFERENCES annotations (id),
	created		TEXT NOT NULL
);
CREATE INDEX revisions_of ON revisions (of, created, id);

-- One endorsement per key per annotation; id is the endorse statement.
CREATE TABLE endorsements (
	subject		TEXT NOT NULL REFERENCES annotations (id),
	author		TEXT NOT NULL,
	id		TEXT NOT NULL UNIQUE,
	PRIMARY KEY (subject, author)
) WITHOUT ROWID;

CREATE TRIGGER endorsements_count_insert AFTER INSERT ON endorsements
BEGIN
	UPDATE annotations SET endorsements = endorsements + 1
	    WHERE id = new.subject;
END;

CREATE TRIGGER endorsements_count_delete AFTER DELETE ON endorsements
BEGIN
	UPDATE annotations SET endorsements = endorsements - 1
	    WHERE id = old.subject;
END;

-- Every key that ever signed a statement: when it was first seen, how
-- many statements it signed, and its latest profile (by created, then id).
CREATE TABLE keys (
	key		TEXT PRIMARY KEY,
	first_seq	INTEGER NOT NULL,
	first_received	INTEGER NOT NULL,
	statements	INTEGER NOT NULL DEFAULT 0,
	name		TEXT,
	url		TEXT,
	about		TEXT,
	profile		TEXT,
	profile_created	TEXT
) WITHOUT ROWID;

INSERT INTO keys (key, first_seq, first_received, statements)
    SELECT author, min(seq), min(received), count(*) FROM statements
    GROUP BY author;

CREATE TRIGGER keys_seen AFTER INSERT ON statements
BEGIN
	INSERT INTO keys (key, first_seq, first_received, statements)
	    VALUES (new.author, new.seq, new.received, 1)
	    ON CONFLICT (key) DO UPDATE SET statements = statements + 1;
END;

-- Replies and record counts follow the visible annotations.
CREATE TRIGGER annotations_reply AFTER INSERT ON annotations
    WHEN new.reply_to IS NOT NULL
BEGIN
	UPDATE annotations SET replies = replies + 1 WHERE id = new.reply_to;
END;

CREATE TRIGGER annotations_retracted AFTER UPDATE OF status ON annotations
    WHEN old.status = 'visible' AND new.status != 'visible'
BEGIN
	UPDATE annotations SET replies = replies - 1 WHERE id = new.reply_to;
	UPDATE records SET annotations = annotations - 1 WHERE rid = new.rid;
END;

-- Full-text search over the current text and link titles of visible
-- annotations; rowid is the annotation's seq.
CREATE VIRTUAL TABLE annotations_fts USING fts5 (text, titles,
    tokenize = 'unicode61 remove_diacritics 2');

CREATE VIEW annotations_fts_source (seq, text, titles) AS
    SELECT seq, text, coalesce((SELECT group_concat(json_extract(value,
        '$.title'), ' ') FROM json_each(annotations.links)), '')
    FROM annotations WHERE status = 'visible';

INSERT INTO annotations_fts (rowid, text, titles)
    SELECT seq, text, titles FROM annotations_fts_source;

CREATE TRIGGER annotations_fts_insert AFTER INSERT ON annotations
    WHEN new.status = 'visible'
BEGIN
	INSERT INTO annotations_fts (rowid, text, titles)
	    SELECT seq, text, titles FROM annotations_fts_source
	    WHERE seq = new.seq;
END;

CREATE TRIGGER annotations_fts_update
    AFTER UPDATE OF text, links, status ON annotations
BEGIN
	DELETE FROM annotations_fts WHERE rowid = old.seq;
	INSERT INTO annotations_fts (rowid, text, titles)
	    SELECT seq, text, titles FROM annotations_fts_source
	    WHERE seq = new.seq;
END;
