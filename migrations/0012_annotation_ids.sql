-- 0012_annotation_ids.sql: no index of its own for an annotation's id.
--
-- Why: annotations.id was UNIQUE, so SQLite kept an index of every
-- annotation's id beside statements.id, which holds the same ids (an
-- annotation's seq is its statement's).  The ids are hashes: each new
-- annotation wrote a leaf of that index at a random place, a page in the
-- WAL and again in the database that no group commit or checkpoint
-- shared.  One such index costs a POST about 11 KiB at the disk and
-- 6-10 % of the POSTs/s at a million annotations (bench/README.md).
-- An annotation is now found by its id through the log:
-- seq = (SELECT seq FROM statements WHERE id = ?), then by its seq.
--
-- Three tables named annotations (id) as their foreign key's parent,
-- which must be unique; they now name statements (id).  The daemon
-- checks that a subject is an annotation before it stores anything.
--
-- The tables are rebuilt as SQLite's ALTER TABLE page says (new table,
-- copy, drop, rename, then the indexes and triggers again); store_migrate
-- runs every migration with foreign keys off and checks them before it
-- commits.  The triggers that found an annotation by its id find it
-- through the log too.

-- What names annotations from elsewhere goes first, so the renames find
-- nothing that names a missing table, and comes back after.
DROP TRIGGER revisions_updated;
DROP TRIGGER endorsements_count_insert;
DROP TRIGGER endorsements_count_delete;
DROP VIEW annotations_fts_source;
DROP VIEW link_source;

CREATE TABLE annotations_new (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL,
	rid		TEXT NOT NULL REFERENCES records (rid),
	kind		TEXT NOT NULL,
	author		TEXT NOT NULL,
	created		TEXT NOT NULL,
	talk		INTEGER NOT NULL DEFAULT 0 CHECK (talk >= 0),
	at_start	INTEGER,
	at_end		INTEGER,
	span_start	INTEGER NOT NULL,
	span_end	INTEGER NOT NULL,
	text		TEXT NOT NULL,
	links		TEXT,
	reply_to	TEXT,
	status		TEXT NOT NULL DEFAULT 'visible',
	root		TEXT,
	revisions	INTEGER NOT NULL DEFAULT 0,
	replies		INTEGER NOT NULL DEFAULT 0,
	endorsements	INTEGER NOT NULL DEFAULT 0,
	retraction	TEXT,
	flagged		INTEGER NOT NULL DEFAULT 0,
	updated		TEXT,
	CHECK (0 <= span_start AND span_start <= span_end)
);
INSERT INTO annotations_new (seq, id, rid, kind, author, created, talk,
    at_start, at_end, span_start, span_end, text, links, reply_to, status,
    root, revisions, replies, endorsements, retraction, flagged, updated)
    SELECT seq, id, rid, kind, author, created, talk, at_start, at_end,
    span_start, span_end, text, links, reply_to, status, root, revisions,
    replies, endorsements, retraction, flagged, updated FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_new RENAME TO annotations;

CREATE INDEX annotations_queue ON annotations (status, seq);
CREATE INDEX annotations_mine ON annotations (author, seq, status);
CREATE INDEX annotations_replies ON annotations (root, seq)
	WHERE root != id;
CREATE INDEX annotations_listing
	ON annotations (rid, status, span_start, seq, span_end);
CREATE INDEX annotations_talk_listing
	ON annotations (rid, status, talk, span_start, seq, span_end);
CREATE INDEX annotations_feed ON annotations (rid, status, updated, seq);

CREATE VIEW annotations_fts_source (seq, text, titles) AS
    SELECT seq, text, coalesce((SELECT group_concat(json_extract(value,
        '$.title'), ' ') FROM json_each(annotations.links)), '')
    FROM annotations WHERE status = 'visible';

CREATE VIEW link_source AS
SELECT a.seq AS aseq, j.key AS pos, a.rid AS rid,
    gloss_link_key(json_extract(j.value, '$.url')) AS key,
    gloss_link_type(json_extract(j.value, '$.url')) AS type,
    gloss_link_href(json_extract(j.value, '$.url')) AS href,
    json_extract(j.value, '$.url') AS url,
    json_extract(j.value, '$.title') AS title
FROM annotations AS a, json_each(a.links) AS j
WHERE a.links IS NOT NULL
    AND gloss_link_key(json_extract(j.value, '$.url')) IS NOT NULL;

CREATE TRIGGER annotations_counted AFTER INSERT ON annotations
    WHEN new.status = 'visible'
BEGIN
	UPDATE annotations SET replies = replies + 1
	    WHERE seq = (SELECT seq FROM statements WHERE id = new.reply_to);
	UPDATE records SET annotations = annotations + 1 WHERE rid = new.rid;
END;

CREATE TRIGGER annotations_unshown AFTER UPDATE OF status ON annotations
    WHEN old.status = 'visible' AND new.status != 'visible'
BEGIN
	UPDATE annotations SET replies = replies - 1
	    WHERE seq = (SELECT seq FROM statements WHERE id = new.reply_to);
	UPDATE records SET annotations = annotations - 1 WHERE rid = new.rid;
END;

CREATE TRIGGER annotations_shown AFTER UPDATE OF status ON annotations
    WHEN old.status != 'visible' AND new.status = 'visible'
BEGIN
	UPDATE annotations SET replies = replies + 1
	    WHERE seq = (SELECT seq FROM statements WHERE id = new.reply_to);
	UPDATE records SET annotations = annotations + 1 WHERE rid = new.rid;
END;

CREATE TRIGGER links_insert AFTER INSERT ON annotations
WHEN new.links IS NOT NULL
BEGIN
	INSERT INTO links SELECT * FROM link_source WHERE aseq = new.seq;
END;

CREATE TRIGGER links_revise AFTER UPDATE OF links ON annotations
BEGIN
	DELETE FROM links WHERE aseq = old.seq;
	INSERT INTO links SELECT * FROM link_source WHERE aseq = new.seq;
END;

CREATE TRIGGER annotations_fts_insert AFTER INSERT ON annotations
    WHEN new.status = 'visible'
BEGIN
	INSERT INTO search_pending (seq) VALUES (new.seq);
END;

CREATE TRIGGER annotations_fts_update
    AFTER UPDATE OF text, links, status ON annotations
BEGIN
	DELETE FROM annotations_fts WHERE rowid = old.seq;
	INSERT OR IGNORE INTO search_pending (seq)
	    SELECT new.seq WHERE new.status = 'visible';
END;

-- The tables whose subject is an annotation, now named by the log.
CREATE TABLE revisions_new (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL UNIQUE,
	of		TEXT NOT NULL REFERENCES statements (id),
	created		TEXT NOT NULL
);
INSERT INTO revisions_new (seq, id, of, created)
    SELECT seq, id, of, created FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_new RENAME TO revisions;
CREATE INDEX revisions_of ON revisions (of, created, id);

CREATE TRIGGER revisions_updated AFTER INSERT ON revisions
BEGIN
	UPDATE annotations SET updated = max(updated, new.created)
	    WHERE seq = (SELECT seq FROM statements WHERE id = new.of);
END;

CREATE TABLE endorsements_new (
	subject		TEXT NOT NULL REFERENCES statements (id),
	author		TEXT NOT NULL,
	id		TEXT NOT NULL UNIQUE,
	PRIMARY KEY (subject, author)
) WITHOUT ROWID;
INSERT INTO endorsements_new (subject, author, id)
    SELECT subject, author, id FROM endorsements;
DROP TABLE endorsements;
ALTER TABLE endorsements_new RENAME TO endorsements;

CREATE TRIGGER endorsements_count_insert AFTER INSERT ON endorsements
BEGIN
	UPDATE annotations SET endorsements = endorsements + 1
	    WHERE seq = (SELECT seq FROM statements WHERE id = new.subject);
END;

CREATE TRIGGER endorsements_count_delete AFTER DELETE ON endorsements
BEGIN
	UPDATE annotations SET endorsements = endorsements - 1
	    WHERE seq = (SELECT seq FROM statements WHERE id = old.subject);
END;

CREATE TABLE flags_new (
	subject		TEXT NOT NULL REFERENCES statements (id),
	author		TEXT NOT NULL,
	id		TEXT NOT NULL UNIQUE,
	seq		INTEGER NOT NULL REFERENCES statements (seq),
	reason		TEXT NOT NULL,
	note		TEXT,
	PRIMARY KEY (subject, author)
) WITHOUT ROWID;
INSERT INTO flags_new (subject, author, id, seq, reason, note)
    SELECT subject, author, id, seq, reason, note FROM flags;
DROP TABLE flags;
ALTER TABLE flags_new RENAME TO flags;
CREATE INDEX flags_seq ON flags (seq);
