-- 0001_init.sql: the statement log and the views glossd reads from.
--
-- Why this shape: "statements" is the append-only log of every accepted
-- statement, kept verbatim (canonical bytes S and the minisig text), so it
-- alone can be exported, mirrored and verified offline, and every other
-- table can be rebuilt from it (glossd --rebuild).  The other tables are
-- views materialized by store_append in the same transaction as the log
-- row, so a reader never sees one without the other.
--
-- Every index below serves a query in daemon/store.c (named there), so no
-- request path scans a table; an index nobody queries only slows appends,
-- so add one together with the query that needs it.
--
-- store_open runs this file inside one transaction and then sets
-- PRAGMA user_version = 1.  Never edit an applied migration: add
-- migrations/NNNN_name.sql instead.

-- The log.  seq is the order of acceptance and the /v1/log cursor; mirrors
-- resume from the last seq they saw, so a seq must never be reused:
-- AUTOINCREMENT guarantees that even if a later migration ever deletes
-- rows, and the triggers below refuse changes to the log outright.
-- Without deletions seq has no gaps, which store_count relies on.
CREATE TABLE statements (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	id		TEXT NOT NULL UNIQUE CHECK (length(id) = 64),
	type		TEXT NOT NULL,
	author		TEXT NOT NULL,
	created		TEXT NOT NULL,
	canonical	BLOB NOT NULL,
	minisig		TEXT NOT NULL,
	received	INTEGER NOT NULL
);

CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements
BEGIN
	SELECT RAISE(ABORT, 'the statement log is append-only');
END;

CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements
BEGIN
	SELECT RAISE(ABORT, 'the statement log is append-only');
END;

-- One row per record statement.  annotations counts the visible
-- annotations, kept by store_append so listing records needs no COUNT.
CREATE TABLE records (
	rid		TEXT PRIMARY KEY,
	seq		INTEGER NOT NULL UNIQUE REFERENCES statements (seq),
	title		TEXT NOT NULL,
	event		TEXT,
	duration	INTEGER NOT NULL CHECK (duration > 0),
	annotations	INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- A record's talks, n = 1-based position; talk n spans
-- [span_start, span_end): from its start to the next talk's start, the
-- last one to the record's duration.  Talks may be empty (two talks can
-- start at the same moment).
CREATE TABLE talks (
	rid		TEXT NOT NULL REFERENCES records (rid),
	n		INTEGER NOT NULL CHECK (n >= 1),
	span_start	INTEGER NOT NULL,
	span_end	INTEGER NOT NULL,
	speaker		TEXT,
	title		TEXT NOT NULL,
	PRIMARY KEY (rid, n),
	CHECK (0 <= span_start AND span_start <= span_end)
) WITHOUT ROWID;

-- One row per annotation statement.  talk is the talk the annotation is
-- about (explicit or derived from "at"), 0 for the whole record; at_start
-- and at_end are the statement's "at" (NULL when absent); [span_start,
-- span_end) is the half-open stretch of the recording it covers, decided
-- by policy_annotation: the listing's ordering key and what time queries
-- overlap with.  links is the JCS text of the "links" array.  status is
-- 'visible' until moderation says otherwise.
CREATE TABLE annotations (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL UNIQUE,
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
	CHECK (0 <= span_start AND span_start <= span_end)
);

-- SQL_ANNOTATIONS: one record's annotations with a given status, in
-- (span_start, seq) order, entered at the keyset cursor and bounded above
-- by the time query's end.  The talk, kind, author and overlap filters are
-- checked on the rows this range yields.
CREATE INDEX annotations_listing
	ON annotations (rid, status, span_start, seq);
