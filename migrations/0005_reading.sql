-- 0005_reading.sql: follow-up links, normalized, and the reviews of them.
--
-- Why this shape: a record's reading list is one entry per normalized
-- link, however many annotations cite it and however each wrote it.  The
-- posted URL stays in the signed statement; its key (arxiv:ID, doi:10...,
-- or the normalized URL), type and fetchable href are derived by
-- common/link.c, which store.c registers as the SQL functions
-- gloss_link_key, gloss_link_type and gloss_link_href.  So the triggers
-- below keep "links" in step with every annotation's current links (a
-- revision may change them), and when link.c's rules improve
-- (LINK_NORM_VERSION) store_open recomputes every key from the posted
-- URLs: nothing derived is ever signed.

-- One row per link of an annotation's current state, in its order.  A URL
-- that no longer parses (it was accepted under older rules) has no row.
CREATE TABLE links (
	aseq		INTEGER NOT NULL REFERENCES annotations (seq),
	pos		INTEGER NOT NULL,
	rid		TEXT NOT NULL,
	key		TEXT NOT NULL,
	type		TEXT NOT NULL,
	href		TEXT NOT NULL,
	url		TEXT NOT NULL,
	title		TEXT,
	PRIMARY KEY (aseq, pos)
) WITHOUT ROWID;

-- SQL_CITATIONS walks one record's links in key order; SQL_CITES
-- asks whether an annotation cites a key.
CREATE INDEX links_reading ON links (rid, key);

-- The rows "links" should hold, computed from the annotations; the
-- triggers copy an annotation's rows, store_open all of them when the
-- normalization changed.
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

-- Every link-review statement.  key is the reviewed URL's, so verdicts
-- about one paper reached through different annotations meet.  checked
-- is 1 for a link checker's result (status, final, error).  current marks
-- the latest (created, id) of each (rid, key, author, checked): one
-- verdict per key per link, the latest wins, and a key's checks do not
-- replace its own reading of the link.
CREATE TABLE link_reviews (
	seq		INTEGER PRIMARY KEY REFERENCES statements (seq),
	id		TEXT NOT NULL UNIQUE,
	rid		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	url		TEXT NOT NULL,
	key		TEXT NOT NULL,
	author		TEXT NOT NULL,
	created		TEXT NOT NULL,
	verdict		TEXT NOT NULL,
	note		TEXT,
	replacement	TEXT,
	checked		INTEGER NOT NULL CHECK (checked IN (0, 1)),
	status		INTEGER,
	final		TEXT,
	error		TEXT,
	current		INTEGER NOT NULL DEFAULT 1
);

-- SQL_LINK_REVIEWS: one record's current reviews in key order; the
-- trigger below finds a group's current row by the same prefix.
CREATE INDEX link_reviews_reading
	ON link_reviews (rid, key, current, author, checked);

CREATE TRIGGER link_reviews_latest AFTER INSERT ON link_reviews
BEGIN
	UPDATE link_reviews SET current = 0
	WHERE rid = new.rid AND key = new.key AND current = 1
	    AND author = new.author AND checked = new.checked
	    AND seq != new.seq
	    AND (created, id) < (new.created, new.id);
	UPDATE link_reviews SET current = 0
	WHERE seq = new.seq AND EXISTS (SELECT 1 FROM link_reviews
	    WHERE rid = new.rid AND key = new.key AND current = 1
	    AND author = new.author AND checked = new.checked
	    AND seq != new.seq);
END;

-- Which LINK_NORM_VERSION the keys above were computed with.
CREATE TABLE link_norm (
	version		INTEGER NOT NULL
);
INSERT INTO link_norm (version) VALUES (0);
