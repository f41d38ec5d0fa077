-- 0006_mirror.sql: where a mirroring glossd is in its upstream's log.
--
-- Why: a mirror (mirror = URL in glossd.conf) pulls /v1/log?after=SEQ
-- and applies each statement through the same checks a POST meets; it
-- must resume where it stopped after a restart.  The cursor is written
-- after each applied statement, in its own transaction: a crash between
-- the two replays one statement, which is a repeat and changes nothing,
-- so nothing is lost and nothing is applied twice.
CREATE TABLE mirror (
	upstream	TEXT PRIMARY KEY,
	after		INTEGER NOT NULL CHECK (after >= 0)
) WITHOUT ROWID;
