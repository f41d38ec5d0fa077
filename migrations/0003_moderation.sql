-- 0003_moderation.sql: key states, flags, moderation decisions and locks.
--
-- Why: moderation is itself a log of signed statements, so its effects are
-- views like the others.  An annotation's status is now visible, pending,
-- hidden, rejected or retracted; only visible ones are public, and the
-- counters follow visibility both ways (a pending annotation approved
-- later counts from then on).

-- new, trusted or banned; how many of a key's annotations moderators
-- approved and rejected (its history in the queue).
ALTER TABLE keys ADD COLUMN state TEXT NOT NULL DEFAULT 'new';
ALTER TABLE keys ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;

-- flagged: hidden by flags, waiting for a moderator's review.
ALTER TABLE annotations ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;

-- SQL_QUEUE: pending and flagged annotations, oldest first.
CREATE INDEX annotations_queue ON annotations (status, seq);
-- SQL_MINE: an author's own annotations, whatever their status.
CREATE INDEX annotations_mine ON annotations (author, seq);

-- One flag per key per annotation.
CREATE TABLE flags (
	subject		TEXT NOT NULL REFERENCES annotations (id),
	author		TEXT NOT NULL,
	id		TEXT NOT NULL UNIQUE,
	seq		INTEGER NOT NULL REFERENCES statements (seq),
	reason		TEXT NOT NULL,
	note		TEXT,
	PRIMARY KEY (subject, author)
) WITHOUT ROWID;
CREATE INDEX flags_seq ON flags (seq);

-- Every moderation decision, by what it decided about.
CREATE TABLE decisions (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL UNIQUE,
	action		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	talk		INTEGER NOT NULL DEFAULT 0,
	reason		TEXT,
	author		TEXT NOT NULL
);
CREATE INDEX decisions_subject ON decisions (subject, seq);

-- Records (talk 0) and talks closed to new annotations.
CREATE TABLE locks (
	rid		TEXT NOT NULL REFERENCES records (rid),
	talk		INTEGER NOT NULL,
	decision	TEXT NOT NULL,
	PRIMARY KEY (rid, talk)
) WITHOUT ROWID;

-- Counters follow visibility: store.c no longer bumps a record's count on
-- insert, so a pending annotation is not counted until it is shown.
DROP TRIGGER annotations_reply;
DROP TRIGGER annotations_retracted;

CREATE TRIGGER annotations_counted AFTER INSERT ON annotations
    WHEN new.status = 'visible'
BEGIN
	UPDATE annotations SET replies = replies + 1 WHERE id = new.reply_to;
	UPDATE records SET annotations = annotations + 1 WHERE rid = new.rid;
END;

CREATE TRIGGER annotations_unshown AFTER UPDATE OF status ON annotations
    WHEN old.status = 'visible' AND new.status != 'visible'
BEGIN
	UPDATE annotations SET replies = replies - 1 WHERE id = new.reply_to;
	UPDATE records SET annotations = annotations - 1 WHERE rid = new.rid;
END;

CREATE TRIGGER annotations_shown AFTER UPDATE OF status ON annotations
    WHEN old.status != 'visible' AND new.status = 'visible'
BEGIN
	UPDATE annotations SET replies = replies + 1 WHERE id = new.reply_to;
	UPDATE records SET annotations = annotations + 1 WHERE rid = new.rid;
END;
