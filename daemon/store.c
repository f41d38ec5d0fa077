/*
 * store.c: the statement log and its views in SQLite.
 *
 * This is the only file that sees SQLite, so the rest of glossd deals in
 * the plain structs of glossd.h and a second backend (DESIGN.md §7) would
 * replace this file alone.  All SQL is in store_sqls[], prepared once when
 * the store opens and reused, and every SQLite result goes through
 * store_result(), which turns it into an enum store_rc: STORE_BUSY (the
 * caller answers 503) or STORE_ERROR (logged here, a 500 there); a write
 * after a failed sync of the WAL is STORE_DISK (store_sync.c).
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT has reached the disk
 * before store_append (or, for a group, store_commit) returns, and a 201
 * survives power loss, not just a crash of glossd.  With the syncer
 * (store_sync.c) a COMMIT returns once written, and store_durable says
 * when it is on disk.  Only the event loop uses this connection (the
 * checkpointing thread has its own, store_ckpt.c), so a short busy
 * timeout keeps another process (a backup, the sqlite3 shell) from
 * stalling it; if that process holds the lock longer the request gets
 * STORE_BUSY.
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

#define STORE_BUSY_MS		50	/* per request: a 503 beats a stall */
#define STORE_OPEN_BUSY_MS	5000	/* at start-up another glossd may */
					/* be migrating the same file */
#define STORE_PROGRESS_OPS	1000	/* VM steps per clock read */

static int	store_progress(void *);


/*
 * An annotation as every listing reads it, with its author's profile
 * name; store_annotation_row in store_conv.c reads these columns by
 * position.
 */
#define ANNOTATION_COLUMNS						\
	"a.seq, a.id, a.rid, a.kind, a.author, a.created, a.talk, "	\
	"a.at_start, a.at_end, a.span_start, a.span_end, a.text, "	\
	"a.links, a.reply_to, a.status, a.root, a.revisions, "		\
	"a.replies, a.endorsements, a.retraction, k.name"
#define ANNOTATION_SOURCE						\
	"annotations AS a LEFT JOIN keys AS k ON k.key = a.author "

/*
 * Why a hidden or rejected annotation is: the reason of the decision
 * that made it so, the latest about it or, for a hidden one, a ban of
 * its author; NULL for one that flags hid (flagged = 1), whose queue
 * has no decision yet.  Every reject, hide and ban carries a reason.
 * Read after ANNOTATION_COLUMNS by the reads its author or a moderator
 * makes of one annotation (SQL_ANNOTATION, SQL_MINE).
 *     SEARCH d USING INDEX decisions_subject (subject=?), for each term
 */
#define DECISION_REASON							\
	"CASE WHEN a.status = 'rejected' OR (a.status = 'hidden' AND "	\
	"a.flagged != 1) THEN (SELECT d.reason FROM decisions AS d "	\
	"WHERE d.subject = a.id OR (a.status = 'hidden' AND "		\
	"d.subject = a.author AND d.action = 'ban') "			\
	"ORDER BY d.seq DESC LIMIT 1) END"

/*
 * The seq of the statement whose id is the SQL expression id: how an
 * annotation is found by its id, through the log's index (0012), then
 * by its seq.
 */
#define SEQ_OF(id)	"(SELECT seq FROM statements WHERE id = " id ")"

/*
 * The number of the key that is the SQL expression key: the seq of the
 * first statement that named it.  annotations_mine leads with it (0013),
 * so a new author's entries go at the index's end; it is not unique, so
 * a query names the key too.
 */
#define AUTHOR_NO(key)	"(SELECT first_seq FROM keys WHERE key = " key ")"

/*
 * Every statement glossd runs after start-up, with the plan EXPLAIN QUERY
 * PLAN shows for the request paths (SQLite 3.40, schema 0001).  The
 * indexes they must use, and the few tables some may walk, are checked
 * by test_plans_scan_nothing (tests/unit/test_store.c).
 */
static const char *const store_sqls[SQL__MAX] = {
	/*
	 * BEGIN IMMEDIATE takes the write lock now, not at the first write,
	 * so a busy database fails here, before any work.
	 */
	[SQL_BEGIN] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	/* One statement of a group (store_group), undone alone if refused. */
	[SQL_SAVEPOINT] = "SAVEPOINT append",
	[SQL_RELEASE] = "RELEASE append",
	[SQL_ROLLBACK_TO] = "ROLLBACK TO append",
	/* SEARCH statements USING COVERING INDEX ..._statements_1 (id=?) */
	[SQL_STATEMENT_SEQ] =
	    "SELECT seq FROM statements WHERE id = ?1",
	[SQL_STATEMENT_INSERT] =
	    "INSERT INTO statements (id, type, author, created, canonical, "
	    "minisig, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/*
	 * A taken rid inserts nothing: sqlite3_changes() then says conflict
	 * without a constraint error to tell apart from real ones.
	 */
	[SQL_RECORD_INSERT] =
	    "INSERT INTO records (rid, seq, title, event, duration) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (rid) DO NOTHING",
	[SQL_TALK_INSERT] =
	    "INSERT INTO talks (rid, n, span_start, span_end, speaker, title) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* SEARCH records USING PRIMARY KEY (rid=?) */
	/* SEARCH records USING PRIMARY KEY (rid=?) */
	[SQL_RECORD_EXISTS] =
	    "SELECT 1 FROM records WHERE rid = ?1",
	/* A reply joins its parent's thread; any other starts one. */
	[SQL_ANNOTATION_INSERT] =
	    "INSERT INTO annotations (seq, id, rid, kind, author, created, "
	    "talk, at_start, at_end, span_start, span_end, text, links, "
	    "reply_to, root, status, updated, author_no) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, coalesce((SELECT root FROM annotations WHERE seq = "
	    SEQ_OF("?14") "), "
	    "?2), ?15, ?6, " AUTHOR_NO("?5") ")",
	/* SEARCH statements USING INDEX sqlite_autoindex_statements_1 (id=?) */
	[SQL_STATEMENT] =
	    "SELECT seq, id, type, author, canonical, minisig, received "
	    "FROM statements WHERE id = ?1",
	/*
	 * SEARCH statements USING INDEX sqlite_autoindex_statements_1
	 *     (id>? AND id<?): ids are lowercase hex, so every id that
	 *     begins with ?1 sorts before ?1 || 'g'.
	 */
	[SQL_IDS] =
	    "SELECT seq, id, type, author, canonical, minisig, received "
	    "FROM statements WHERE id >= ?1 AND id < ?1 || 'g' "
	    "ORDER BY id LIMIT ?2",
	/* SEARCH statements USING INTEGER PRIMARY KEY (rowid>?) */
	[SQL_LOG] =
	    "SELECT seq, id, type, author, canonical, minisig, received "
	    "FROM statements WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	/*
	 * SEARCH r USING PRIMARY KEY (rid=?)
	 * SEARCH s USING INTEGER PRIMARY KEY (rowid=?)
	 */
	[SQL_RECORD] =
	    "SELECT r.rid, s.id, r.title, r.event, r.duration, "
	    "r.annotations FROM records AS r "
	    "JOIN statements AS s ON s.seq = r.seq WHERE r.rid = ?1",
	/* SEARCH talks USING PRIMARY KEY (rid=?) */
	[SQL_TALKS] =
	    "SELECT n, span_start, span_end, speaker, title FROM talks "
	    "WHERE rid = ?1 ORDER BY n",
	/*
	 * SCAN r (every record is the answer)
	 * SEARCH s USING INTEGER PRIMARY KEY (rowid=?)
	 * CORRELATED SCALAR SUBQUERY: SEARCH t USING PRIMARY KEY (rid=?)
	 */
	[SQL_RECORDS] =
	    "SELECT r.rid, s.id, r.title, r.event, r.duration, "
	    "r.annotations, "
	    "(SELECT count(*) FROM talks AS t WHERE t.rid = r.rid) "
	    "FROM records AS r JOIN statements AS s ON s.seq = r.seq "
	    "ORDER BY r.rid",
	/* SEARCH talks USING PRIMARY KEY (rid=? AND n=?) */
	[SQL_TALK_SPAN] =
	    "SELECT span_start, max(span_end, span_start + 1) FROM talks "
	    "WHERE rid = ?1 AND n = ?2",
	/*
	 * SEARCH annotations USING INDEX annotations_listing
	 *     (rid=? AND status=? AND span_start>? AND span_start<?)
	 * and no temporary B-tree: the index yields (span_start, seq) order.
	 * Each filter is bound every time, a disabled one to a value that
	 * passes every row, so the index range never depends on which
	 * filters a request uses: ?2,?3 the cursor (-1, 0 from the start),
	 * ?4 the time query's end (INT64_MAX without one), ?5 its start (-1
	 * without one), ?6 1 when a time query must skip whole-record
	 * annotations (no talk and no time: a time before the first talk
	 * has no talk but is still timed), ?7 the talk (0 any), ?8 kind and
	 * ?9 author (NULL any).  A talk's annotations start inside it
	 * (0014), so for one talk the caller narrows the range to the talk's
	 * span, and the talk, the index's last column, is checked there.
	 * Overlap with [?5, ?4]: span_start <= ?4 AND span_end > ?5.  The
	 * range starts at the cursor, not at ?5, so a late "from" walks the
	 * index entries before it, but span_end is in the index (0009) and
	 * is checked there: a row is read only if it overlaps (at 1M
	 * annotations, 125 ms for a minute four hours in, 27 s before).
	 */
	[SQL_ANNOTATIONS] =
	    "SELECT " ANNOTATION_COLUMNS " FROM " ANNOTATION_SOURCE
	    "WHERE a.rid = ?1 AND a.status = 'visible' "
	    "AND (a.span_start, a.seq) > (?2, ?3) "
	    "AND a.span_start <= ?4 AND a.span_end > ?5 "
	    "AND (?6 = 0 OR a.talk > 0 OR a.at_start IS NOT NULL) "
	    "AND (?7 = 0 OR a.talk = ?7) "
	    "AND (?8 IS NULL OR a.kind = ?8) "
	    "AND (?9 IS NULL OR a.author = ?9) "
	    "ORDER BY a.span_start, a.seq LIMIT ?10",
	/*
	 * SEARCH annotations USING INDEX annotations_listing (rid=? AND
	 * status=? AND span_start>? AND span_start<?): the talk's range (the
	 * whole record for talk 0); the offset steps over index entries only,
	 * and the page's rows alone are read for their id.
	 */
	[SQL_LISTING_PAGE] =
	    "SELECT id FROM annotations WHERE rid = ?1 AND status = 'visible' "
	    "AND span_start >= ?5 AND span_start < ?6 "
	    "AND (?4 = 0 OR talk = ?4) "
	    "ORDER BY span_start, seq LIMIT ?2 OFFSET ?3",
	/*
	 * SEARCH annotations USING COVERING INDEX annotations_listing
	 *     (rid=? AND status=? AND span_start>? AND span_start<?)
	 */
	[SQL_TALK_COUNT] =
	    "SELECT count(*) FROM annotations WHERE rid = ?1 "
	    "AND status = 'visible' AND span_start >= ?3 AND span_start < ?4 "
	    "AND talk = ?2",
	/*
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
	 * SEARCH statements USING COVERING INDEX ..._statements_1 (id=?)
	 */
	[SQL_ANNOTATION] =
	    "SELECT " ANNOTATION_COLUMNS ", " DECISION_REASON " FROM "
	    ANNOTATION_SOURCE
	    "WHERE a.seq = " SEQ_OF("?1"),
	/*
	 * MULTI-INDEX OR
	 *   SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
	 *   SEARCH a USING INDEX annotations_replies (root=?)
	 * USE TEMP B-TREE FOR ORDER BY (a thread is at most limit rows)
	 * The top annotation is its own root, and annotations_replies holds
	 * only the others (0007): the two terms say so to the planner.
	 */
	[SQL_THREAD] =
	    "SELECT " ANNOTATION_COLUMNS " FROM " ANNOTATION_SOURCE
	    "WHERE (a.seq = " SEQ_OF("?1") " AND a.root = ?1) OR "
	    "(a.root = ?1 AND a.root != a.id) ORDER BY a.seq LIMIT ?2",
	/*
	 * SCAN annotations_fts VIRTUAL TABLE INDEX 0:M (the match)
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
	 * Ranked by bm25, so the cursor is an offset (?5).
	 */
	[SQL_SEARCH] =
	    "SELECT " ANNOTATION_COLUMNS ", snippet(annotations_fts, -1, "
	    "'[', ']', '...', 12) FROM annotations_fts "
	    "JOIN annotations AS a ON a.seq = annotations_fts.rowid "
	    "LEFT JOIN keys AS k ON k.key = a.author "
	    "WHERE annotations_fts MATCH ?1 AND a.status = 'visible' "
	    "AND (?2 IS NULL OR a.rid = ?2) "
	    "AND (?3 IS NULL OR a.kind = ?3) "
	    "ORDER BY annotations_fts.rank, a.seq LIMIT ?4 OFFSET ?5",
	/* Annotations the search index waits for (0008). */
	[SQL_SEARCH_PENDING] =
	    "SELECT count(*) FROM search_pending",
	/* SEARCH search_pending, then the view's row by seq, per row */
	[SQL_SEARCH_INDEX] =
	    "INSERT INTO annotations_fts (rowid, text, titles) "
	    "SELECT seq, text, titles FROM annotations_fts_source "
	    "WHERE seq IN (SELECT seq FROM search_pending)",
	/*
	 * A page of merging (0011) for every KiB of text and links in the
	 * batch (never empty: store_search_index runs only when annotations
	 * wait); FTS5 merges only levels of 4 segments or more, so often
	 * nothing.  SEARCH search_pending, then annotations by seq.
	 */
	[SQL_SEARCH_MERGE] =
	    "INSERT INTO annotations_fts (annotations_fts, rank) "
	    "SELECT 'merge', 1 + CAST(total(length(CAST(text AS BLOB)) + "
	    "coalesce(length(CAST(links AS BLOB)), 0)) / 1024 AS INTEGER) "
	    "FROM annotations WHERE seq IN (SELECT seq FROM search_pending)",
	[SQL_SEARCH_INDEXED] =
	    "DELETE FROM search_pending",
	[SQL_REVISION_INSERT] =
	    "INSERT INTO revisions (seq, id, of, created) "
	    "VALUES (?1, ?2, ?3, ?4)",
	/* The current state after the chain; see store_conv.c. */
	/* A revision held for review (api_check_posting) takes it back. */
	[SQL_ANNOTATION_REVISE] =
	    "UPDATE annotations SET kind = ?2, talk = ?3, at_start = ?4, "
	    "at_end = ?5, span_start = ?6, span_end = ?7, text = ?8, "
	    "links = ?9, revisions = revisions + 1, status = CASE "
	    "WHEN ?10 = 1 THEN 'pending' ELSE status END "
	    "WHERE seq = " SEQ_OF("?1"),
	/*
	 * SEARCH r USING INDEX revisions_of (of=?)
	 * SEARCH s USING INTEGER PRIMARY KEY (rowid=?)
	 */
	[SQL_REVISIONS] =
	    "SELECT s.seq, s.id, s.type, s.author, s.canonical, s.minisig, "
	    "s.received FROM revisions AS r "
	    "JOIN statements AS s ON s.seq = r.seq "
	    "WHERE r.of = ?1 ORDER BY r.created, r.id",
	[SQL_ANNOTATION_RETRACT] =
	    "UPDATE annotations SET status = 'retracted', retraction = ?2 "
	    "WHERE seq = " SEQ_OF("?1") " AND retraction IS NULL",
	/* SEARCH endorsements USING PRIMARY KEY (subject=? AND author=?) */
	[SQL_ENDORSEMENT] =
	    "SELECT id FROM endorsements WHERE subject = ?1 AND author = ?2",
	[SQL_ENDORSE_INSERT] =
	    "INSERT INTO endorsements (subject, author, id) "
	    "VALUES (?1, ?2, ?3)",
	[SQL_ENDORSE_DELETE] =
	    "DELETE FROM endorsements WHERE subject = ?1 AND author = ?2",
	/* SEARCH endorsements USING INDEX sqlite_autoindex_..._1 (id=?) */
	[SQL_ENDORSE_RETRACT] =
	    "DELETE FROM endorsements WHERE id = ?1",
	/* The latest profile wins: by created, then by id. */
	[SQL_PROFILE] =
	    "UPDATE keys SET name = ?2, url = ?3, about = ?4, profile = ?5, "
	    "profile_created = ?6 WHERE key = ?1 AND (profile IS NULL OR "
	    "(profile_created, profile) < (?6, ?5))",
	/*
	 * SEARCH k USING PRIMARY KEY (key=?)
	 * SEARCH annotations USING COVERING INDEX annotations_mine
	 *     (author_no=? AND author=?)
	 */
	[SQL_KEY] =
	    "SELECT k.key, k.first_received, k.statements, k.name, k.url, "
	    "k.about, k.profile, (SELECT count(*) FROM annotations "
	    "WHERE author_no = k.first_seq AND author = k.key "
	    "AND status = 'visible'), k.state "
	    "FROM keys AS k WHERE k.key = ?1",
	/* SEARCH keys USING PRIMARY KEY (key=?) */
	[SQL_KEY_STATE] =
	    "SELECT state FROM keys WHERE key = ?1",
	/* A key can be banned before it signs anything. */
	[SQL_KEY_SET_STATE] =
	    "INSERT INTO keys (key, first_seq, first_received, state) "
	    "VALUES (?1, ?3, ?4, ?2) ON CONFLICT (key) DO UPDATE "
	    "SET state = ?2",
	/* An approval makes a new key trusted. */
	[SQL_KEY_APPROVED] =
	    "UPDATE keys SET approved = approved + 1, state = CASE state "
	    "WHEN 'new' THEN 'trusted' ELSE state END "
	    "WHERE key = (SELECT author FROM annotations WHERE seq = "
	    SEQ_OF("?1") ")",
	[SQL_KEY_REJECTED] =
	    "UPDATE keys SET rejected = rejected + 1 "
	    "WHERE key = (SELECT author FROM annotations WHERE seq = "
	    SEQ_OF("?1") ")",
	/*
	 * flagged: 1 while flags hide it for review, -1 once a moderator
	 * showed it again (flags no longer hide it), else 0.  Showing again
	 * is making visible what was hidden or rejected, whoever hid it; an
	 * approval of a pending one (a first post, an edit) keeps the mark
	 * it had.  A hide or a reject clears it, and the next showing sets
	 * it again.  A replayed decision may find the status it names
	 * (api_check_decision): then it changes nothing.
	 */
	[SQL_SET_STATUS] =
	    "UPDATE annotations SET status = ?2, flagged = CASE "
	    "WHEN ?2 = 'visible' AND (status != 'pending' OR flagged != 0) "
	    "THEN -1 ELSE 0 END WHERE seq = " SEQ_OF("?1") " "
	    "AND status != ?2",
	/*
	 * A restore shows again whatever the status was: a replayed one
	 * may find the annotation pending or visible here.
	 */
	[SQL_SHOWN_AGAIN] =
	    "UPDATE annotations SET flagged = -1 WHERE seq = " SEQ_OF("?1")
	    " AND status = 'visible' AND flagged != -1",
	/*
	 * SEARCH annotations USING COVERING INDEX annotations_mine
	 *     (author_no=? AND author=?)
	 */
	[SQL_BAN_HIDE] =
	    "UPDATE annotations SET status = 'hidden' WHERE author_no = "
	    AUTHOR_NO("?1") " AND author = ?1 "
	    "AND status IN ('visible', 'pending')",
	/* SEARCH flags USING PRIMARY KEY (subject=? AND author=?) */
	[SQL_FLAG] =
	    "SELECT id FROM flags WHERE subject = ?1 AND author = ?2",
	[SQL_FLAG_INSERT] =
	    "INSERT INTO flags (subject, author, id, seq, reason, note) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQL_FLAG_HIDE] =
	    "UPDATE annotations SET status = 'hidden', flagged = 1 "
	    "WHERE seq = " SEQ_OF("?1") " AND status = 'visible' "
	    "AND flagged = 0",
	/*
	 * SEARCH f USING PRIMARY KEY (subject=?)
	 * SEARCH k USING PRIMARY KEY (key=?)
	 */
	[SQL_FLAGGERS] =
	    "SELECT f.author, coalesce(k.state, 'new') FROM flags AS f "
	    "LEFT JOIN keys AS k ON k.key = f.author WHERE f.subject = ?1",
	/*
	 * SEARCH f USING INDEX flags_seq (seq>?)
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?), its seq by its id
	 */
	[SQL_FLAGS] =
	    "SELECT f.id, f.subject, f.author, f.reason, f.note, f.seq, "
	    "a.status FROM flags AS f JOIN annotations AS a "
	    "ON a.seq = " SEQ_OF("f.subject") " WHERE f.seq > ?1 "
	    "ORDER BY f.seq LIMIT ?2",
	/*
	 * The last ?2 flags of a subject, in order: those that hid it are
	 * among them, since a hidden annotation takes no more flags.
	 * SEARCH f USING PRIMARY KEY (subject=?)
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?), its seq by its id
	 * USE TEMP B-TREE FOR ORDER BY, then SCAN (subquery-2) of ?2 rows
	 */
	[SQL_FLAGS_OF] =
	    "SELECT * FROM (SELECT f.id, f.subject, f.author, f.reason, "
	    "f.note, f.seq, a.status FROM flags AS f JOIN annotations AS a "
	    "ON a.seq = " SEQ_OF("f.subject") " WHERE f.subject = ?1 "
	    "ORDER BY f.seq DESC LIMIT ?2) ORDER BY seq",
	[SQL_DECISION_INSERT] =
	    "INSERT INTO decisions (seq, id, action, subject, talk, reason, "
	    "author) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/*
	 * SEARCH d USING INTEGER PRIMARY KEY (rowid>?), or with a subject
	 * SEARCH d USING INDEX decisions_subject (subject=? AND rowid>?)
	 */
	[SQL_DECISIONS] =
	    "SELECT s.seq, s.id, s.type, s.author, s.canonical, s.minisig, "
	    "s.received FROM decisions AS d "
	    "JOIN statements AS s ON s.seq = d.seq "
	    "WHERE (?1 IS NULL OR d.subject = ?1) AND d.seq > ?2 "
	    "ORDER BY d.seq LIMIT ?3",
	[SQL_LOCK] =
	    "INSERT INTO locks (rid, talk, decision) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (rid, talk) DO UPDATE SET decision = ?3",
	[SQL_UNLOCK] =
	    "DELETE FROM locks WHERE rid = ?1 AND talk = ?2",
	/* SEARCH locks USING PRIMARY KEY (rid=? AND talk=?) */
	[SQL_LOCKED] =
	    "SELECT min(talk), max(talk = ?2) FROM locks "
	    "WHERE rid = ?1 AND talk IN (0, ?2)",
	/* SEARCH locks USING PRIMARY KEY (rid=?) */
	[SQL_LOCKS] =
	    "SELECT talk, decision FROM locks WHERE rid = ?1 ORDER BY talk",
	/*
	 * MULTI-INDEX OR over annotations_queue (status=? AND seq>?):
	 * pending annotations and those flags hid, oldest first, with
	 * their authors' history and the reasons they were flagged for.
	 */
	[SQL_QUEUE] =
	    "SELECT " ANNOTATION_COLUMNS ", k.approved, k.rejected, "
	    "k.first_received, (SELECT group_concat(reason, ',') FROM flags "
	    "WHERE subject = a.id) FROM " ANNOTATION_SOURCE
	    "WHERE (a.status = 'pending' OR (a.status = 'hidden' AND "
	    "a.flagged = 1)) AND (?1 IS NULL OR a.rid = ?1) AND a.seq > ?2 "
	    "ORDER BY a.seq LIMIT ?3",
	/*
	 * SEARCH a USING INDEX annotations_mine
	 *     (author_no=? AND author=? AND seq>?)
	 */
	[SQL_MINE] =
	    "SELECT " ANNOTATION_COLUMNS ", " DECISION_REASON " FROM "
	    ANNOTATION_SOURCE
	    "WHERE a.author_no = " AUTHOR_NO("?1") " AND a.author = ?1 "
	    "AND a.seq > ?2 ORDER BY a.seq LIMIT ?3",
	/*
	 * SEARCH statements (the max() optimization: one B-tree descent).
	 * count(*) would read the whole id index on every /healthz.  The log
	 * is append-only (triggers) and an append that fails rolls back
	 * whole, AUTOINCREMENT counter included, so seq runs 1..count.
	 */
	[SQL_COUNT] =
	    "SELECT coalesce(max(seq), 0) FROM statements",
	/* SEARCH mirror USING PRIMARY KEY (upstream=?) */
	[SQL_MIRROR_AFTER] =
	    "SELECT after FROM mirror WHERE upstream = ?1",
	[SQL_MIRROR_SET] =
	    "INSERT INTO mirror (upstream, after) VALUES (?1, ?2) "
	    "ON CONFLICT (upstream) DO UPDATE SET after = ?2",
	/*
	 * Recomputing what link.c derives, when its LINK_NORM_VERSION is
	 * not the one the keys were made with (store_links_renormalize).
	 */
	[SQL_LINK_NORM] =
	    "SELECT version FROM link_norm",
	[SQL_LINK_NORM_SET] =
	    "UPDATE link_norm SET version = ?1",
	[SQL_LINKS_CLEAR] =
	    "DELETE FROM links",
	[SQL_LINKS_FILL] =
	    "INSERT INTO links SELECT * FROM link_source",
	[SQL_LINK_REVIEWS_REKEY] =
	    "UPDATE link_reviews SET key = coalesce(gloss_link_key(url), key)",
	[SQL_LINK_REVIEWS_CURRENT] =
	    "UPDATE link_reviews AS r SET current = NOT EXISTS (SELECT 1 "
	    "FROM link_reviews AS o WHERE o.rid = r.rid AND o.key = r.key "
	    "AND o.author = r.author AND o.checked = r.checked "
	    "AND (o.created, o.id) > (r.created, r.id))",
	/*
	 * The record is the subject annotation's; the trigger
	 * link_reviews_latest keeps one current row per author and link.
	 */
	[SQL_LINK_REVIEW_INSERT] =
	    "INSERT INTO link_reviews (seq, id, rid, subject, url, key, "
	    "author, created, verdict, note, replacement, checked, status, "
	    "final, error) VALUES (?1, ?2, (SELECT rid FROM annotations "
	    "WHERE seq = " SEQ_OF("?3") "), ?3, ?4, gloss_link_key(?4), ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	/*
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?), its seq by its id
	 * SEARCH l USING PRIMARY KEY (aseq=?)
	 */
	[SQL_CITES] =
	    "SELECT 1 FROM annotations AS a JOIN links AS l ON l.aseq = a.seq "
	    "WHERE a.seq = " SEQ_OF("?1") " AND l.key = gloss_link_key(?2)",
	/*
	 * SEARCH l USING INDEX links_reading (rid=?)
	 * SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
	 * USE TEMP B-TREE FOR RIGHT PART OF ORDER BY
	 */
	[SQL_CITATIONS] =
	    "SELECT l.key, l.type, l.href, l.url, l.title, a.id, a.kind, "
	    "a.author, a.talk, a.at_start, a.at_end, a.endorsements, a.seq "
	    "FROM links AS l JOIN annotations AS a ON a.seq = l.aseq "
	    "WHERE l.rid = ?1 AND a.status = 'visible' "
	    "AND (?2 = 0 OR a.talk = ?2) ORDER BY l.key, a.seq, l.pos",
	/*
	 * SEARCH link_reviews USING INDEX link_reviews_reading (rid=?)
	 * USE TEMP B-TREE FOR RIGHT PART OF ORDER BY
	 */
	[SQL_LINK_REVIEWS] =
	    "SELECT key, id, subject, url, author, created, verdict, note, "
	    "replacement, checked, status, final, error FROM link_reviews "
	    "WHERE rid = ?1 AND current = 1 ORDER BY key, created, id",
	/*
	 * An Atom feed: newest first by updated, the later of created and
	 * its revisions' (a revision may be dated a little earlier), which
	 * the row keeps (0010).
	 * SEARCH a USING INDEX annotations_feed (rid=? AND status=?)
	 * SEARCH k USING PRIMARY KEY (key=?) LEFT-JOIN
	 */
	[SQL_FEED] =
	    "SELECT " ANNOTATION_COLUMNS ", a.updated "
	    "FROM " ANNOTATION_SOURCE
	    "WHERE a.rid = ?1 AND a.status = 'visible' "
	    "AND (?2 = 0 OR a.talk = ?2) AND (?3 IS NULL OR a.kind = ?3) "
	    "ORDER BY a.updated DESC, a.seq DESC LIMIT ?4",
};


/* Why store_open failed; see store_open. */
static char	store_errbuf[512];

/*
 * Map a SQLite result code to ours.  Busy and locked are the caller's to
 * retry (503); anything else is logged with SQLite's message and is an
 * error.
 */
enum store_rc
store_result(struct store *s, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_debug("store: %s", sqlite3_errmsg(s->db));
		return STORE_BUSY;
	case SQLITE_INTERRUPT:
		log_info("store: a query ran past its deadline");
		return STORE_SLOW;
	default:
		log_warnx("store: %s", sqlite3_errmsg(s->db));
		return STORE_ERROR;
	}
}

/*
 * Step statement id once.  STORE_OK with *row 1 when a row is ready to be
 * read, 0 when the statement has finished; otherwise STORE_BUSY or
 * STORE_ERROR, including the error of a failed store_bind_* since the last
 * reset.  The caller resets the statement with store_reset either way.
 */
enum store_rc
store_step(struct store *s, enum store_sql id, int *row)
{
	int	rc;

	*row = 0;
	if (s->bindrc != STORE_OK)
		return s->bindrc;
	rc = sqlite3_step(s->stmts[id]);
	*row = rc == SQLITE_ROW;
	return store_result(s, rc);
}

/* Make statement id ready for its next use: no row, no bindings. */
void
store_reset(struct store *s, enum store_sql id)
{
	/* reset returns the last step's error, already dealt with. */
	sqlite3_reset(s->stmts[id]);
	sqlite3_clear_bindings(s->stmts[id]);
	s->bindrc = STORE_OK;
}

/*
 * Step a statement that writes, with its parameters bound: STORE_NOTFOUND
 * when it changed no row.  Resets it.
 */
enum store_rc
store_changed(struct store *s, enum store_sql id)
{
	enum store_rc	rc;
	int		row;

	rc = store_step(s, id, &row);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_NOTFOUND;
	store_reset(s, id);
	return rc;
}

/* Run a statement that takes no parameters and returns no rows. */
enum store_rc
store_run(struct store *s, enum store_sql id)
{
	enum store_rc	rc;
	int		row;

	rc = store_step(s, id, &row);
	store_reset(s, id);
	return rc;
}

/*
 * Undo the open transaction, if any: SQLite rolls back by itself after
 * some errors (full disk, I/O), and ROLLBACK without a transaction is an
 * error of its own.
 */
void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)store_run(s, SQL_ROLLBACK);
}

/*
 * The bind helpers borrow (SQLITE_STATIC): the value must stay alive until
 * store_reset.  A failure (logged) is kept in s->bindrc and returned by
 * the next store_step, so a run of binds needs one check, at the step.
 */
static void
store_bind_rc(struct store *s, int rc)
{
	enum store_rc	mapped;

	mapped = store_result(s, rc);
	if (s->bindrc == STORE_OK)
		s->bindrc = mapped;
}

/* Bind len bytes of text at p, NULL as SQL NULL. */
void
store_bind_text(struct store *s, enum store_sql id, int idx, const char *p,
    size_t len)
{
	if (p == NULL)
		store_bind_rc(s, sqlite3_bind_null(s->stmts[id], idx));
	else if (len > INT32_MAX)
		store_bind_rc(s, SQLITE_TOOBIG);
	else
		store_bind_rc(s, sqlite3_bind_text(s->stmts[id], idx, p,
		    (int)len, SQLITE_STATIC));
}

/* Bind a NUL-terminated string, NULL as SQL NULL. */
void
store_bind_str(struct store *s, enum store_sql id, int idx, const char *p)
{
	store_bind_text(s, id, idx, p, p == NULL ? 0 : strlen(p));
}

void
store_bind_blob(struct store *s, enum store_sql id, int idx, const void *p,
    size_t len)
{
	if (len > INT32_MAX)
		store_bind_rc(s, SQLITE_TOOBIG);
	else
		store_bind_rc(s, sqlite3_bind_blob(s->stmts[id], idx, p,
		    (int)len, SQLITE_STATIC));
}

void
store_bind_int(struct store *s, enum store_sql id, int idx, int64_t v)
{
	store_bind_rc(s, sqlite3_bind_int64(s->stmts[id], idx, v));
}

/* Bind v, or NULL when v is -1 (glossd.h's "absent"). */
void
store_bind_opt(struct store *s, enum store_sql id, int idx, int64_t v)
{
	if (v == -1)
		store_bind_rc(s, sqlite3_bind_null(s->stmts[id], idx));
	else
		store_bind_int(s, id, idx, v);
}

/* Column col of the current row as a C string, NULL for SQL NULL. */
const char *
store_text(struct store *s, enum store_sql id, int col)
{
	return (const char *)sqlite3_column_text(s->stmts[id], col);
}

int64_t
store_int(struct store *s, enum store_sql id, int col)
{
	return sqlite3_column_int64(s->stmts[id], col);
}

/* Column col as an integer, -1 for SQL NULL (glossd.h's "absent"). */
int64_t
store_opt(struct store *s, enum store_sql id, int col)
{
	if (sqlite3_column_type(s->stmts[id], col) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(s->stmts[id], col);
}

/* Column col as a malloc'd string, NULL for SQL NULL. */
char *
store_dup(struct store *s, enum store_sql id, int col)
{
	const char	*p;

	p = store_text(s, id, col);
	return p != NULL ? xstrdup(p) : NULL;
}

/* Copy src into dst of size dstsz; -1 (dst empty) if it does not fit. */
int
store_copy(char *dst, size_t dstsz, const char *src)
{
	size_t	len;

	len = src == NULL ? 0 : strlen(src);
	if (len >= dstsz) {
		dst[0] = '\0';
		return -1;
	}
	memcpy(dst, src == NULL ? "" : src, len + 1);
	return 0;
}

/* Read an integer PRAGMA; -1 with store_errbuf set on failure. */
static int
store_pragma_int(sqlite3 *db, const char *sql, int *v)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		snprintf(store_errbuf, sizeof store_errbuf, "%s: %s", sql,
		    sqlite3_errmsg(db));
		return -1;
	}
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		snprintf(store_errbuf, sizeof store_errbuf, "%s: %s", sql,
		    sqlite3_errmsg(db));
		sqlite3_finalize(q);
		return -1;
	}
	*v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return 0;
}

/* Run sql (no rows wanted); -1 with store_errbuf set on failure. */
static int
store_exec(sqlite3 *db, const char *sql, const char *what)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(store_errbuf, sizeof store_errbuf, "%s: %s", what,
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * -1 after a message if the migration left a row whose foreign key
 * names nothing.
 */
static int
store_migrate_fk_check(sqlite3 *db, const char *what)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &q,
	    NULL) != SQLITE_OK) {
		snprintf(store_errbuf, sizeof store_errbuf, "%s: %s", what,
		    sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(store_errbuf, sizeof store_errbuf, "%s: a row of %s "
		    "names no row of %s", what, sqlite3_column_text(q, 0),
		    sqlite3_column_text(q, 2));
	else if (rc != SQLITE_DONE)
		snprintf(store_errbuf, sizeof store_errbuf, "%s: %s", what,
		    sqlite3_errmsg(db));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* store_migrate's loop, with foreign keys off. */
static int
store_migrate_all(sqlite3 *db, int *version)
{
	const struct migration	*m;
	char			 sql[64], what[128];
	size_t			 i;

	for (i = 0; i < nmigrations; i++) {
		m = &migrations[i];
		if (m->version != (int)i + 1) {
			snprintf(store_errbuf, sizeof store_errbuf,
			    "migration %zu is numbered %d", i + 1,
			    m->version);
			return -1;
		}
		if (m->version <= *version)
			continue;
		snprintf(what, sizeof what, "migration %04d_%s", m->version,
		    m->name);
		if (store_exec(db, "BEGIN IMMEDIATE", what) == -1)
			return -1;
		if (store_pragma_int(db, "PRAGMA user_version", version) == -1)
			goto fail;
		if (m->version <= *version) {
			if (store_exec(db, "COMMIT", what) == -1)
				goto fail;
			continue;
		}
		/* PRAGMA takes no parameters; the version is our own int. */
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
		    m->version);
		if (store_exec(db, m->sql, what) == -1 ||
		    store_migrate_fk_check(db, what) == -1 ||
		    store_exec(db, sql, what) == -1 ||
		    store_exec(db, "COMMIT", what) == -1)
			goto fail;
		*version = m->version;
		log_info("store: applied %s", what);
	}
	return 0;

fail:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Bring the schema from *version up to the newest migration, each one in
 * its own IMMEDIATE transaction together with its user_version, so a
 * failure leaves the database at the previous version.  The version is
 * re-read under the write lock: another glossd starting on the same file
 * may have applied a migration meanwhile.  Returns 0 with foreign keys
 * enforced from then on, or -1 with store_errbuf set (the store is not
 * opened).
 */
static int
store_migrate(sqlite3 *db, int *version)
{
	/*
	 * A migration may rebuild a table others name as a foreign key's
	 * parent (SQLite's "ALTER TABLE" page: drop it, rename its copy),
	 * which enforced keys would refuse or cascade; each is checked
	 * instead before it commits.  PRAGMA foreign_keys is a no-op
	 * inside a transaction, so it is set around them all.
	 */
	if (store_exec(db, "PRAGMA foreign_keys = OFF", "migrations") == -1 ||
	    store_migrate_all(db, version) == -1)
		return -1;
	return store_exec(db, "PRAGMA foreign_keys = ON", "migrations");
}

/*
 * Open (creating if needed) the database at path, ":memory:" for a
 * private in-memory one, bring its schema up to date and prepare every
 * statement.  Returns the store, or NULL with *errstr saying why (for
 * start-up's fatalx): errstr points to a static buffer that stays valid
 * until the next store_open.  A database whose user_version is newer than
 * the newest migration built in is refused untouched.
 */
struct store *
store_open(const char *path, const char **errstr)
{
	struct store	*s;
	sqlite3_stmt	*q = NULL;
	const char	*mode, *tail;
	int		 i, newest, rc;

	s = xcalloc(1, sizeof *s);
	s->pace_fd = -1;
	store_errbuf[0] = '\0';
	*errstr = store_errbuf;
	s->walbuf = store_walbuf_new();
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    store_walbuf_name(s->walbuf));
	if (rc != SQLITE_OK) {
		snprintf(store_errbuf, sizeof store_errbuf,
		    "cannot open %s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_OPEN_BUSY_MS);
	/* No writable sqlite_master, no "string" taken as an identifier. */
#ifdef SQLITE_DBCONFIG_DEFENSIVE
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#endif
#ifdef SQLITE_DBCONFIG_DQS_DML
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
#endif

	if (strcmp(path, ":memory:") != 0) {
		if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1,
		    &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
			snprintf(store_errbuf, sizeof store_errbuf,
			    "cannot open %s: %s", path,
			    sqlite3_errmsg(s->db));
			sqlite3_finalize(q);
			goto fail;
		}
		mode = (const char *)sqlite3_column_text(q, 0);
		if (mode == NULL || strcmp(mode, "wal") != 0)
			log_warnx("store: %s: journal mode is %s, not wal",
			    path, mode != NULL ? mode : "unknown");
		sqlite3_finalize(q);
	}
	/*
	 * FULL: in WAL mode NORMAL may lose the last commits on power loss.
	 * temp_store MEMORY: the savepoint of each statement in a group
	 * (store_begin) keeps a journal that SQLite spills to a temporary
	 * file past 64 KiB, which cost an open, writes and an unlink per
	 * group, 63 % of all pwrite calls.  Its other temporary B-trees are
	 * the small sorts noted at SQL_CITATIONS and SQL_LINK_REVIEWS.
	 */
	if (store_exec(s->db, "PRAGMA synchronous = FULL", path) == -1 ||
	    store_exec(s->db, "PRAGMA temp_store = MEMORY", path) == -1 ||
	    store_pragma_int(s->db, "PRAGMA user_version", &s->version) == -1)
		goto fail;

	newest = nmigrations > 0 ? migrations[nmigrations - 1].version : 0;
	if (s->version > newest) {
		snprintf(store_errbuf, sizeof store_errbuf,
		    "database schema version %d is newer than this glossd (%d)",
		    s->version, newest);
		goto fail;
	}
	if (store_links_functions(s->db) == -1) {
		snprintf(store_errbuf, sizeof store_errbuf,
		    "cannot add the link functions: %s",
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	if (store_migrate(s->db, &s->version) == -1)
		goto fail;

	for (i = 0; i < SQL__MAX; i++) {
		tail = NULL;
		rc = sqlite3_prepare_v3(s->db, store_sqls[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmts[i], &tail);
		if (rc != SQLITE_OK || (tail != NULL && *tail != '\0')) {
			snprintf(store_errbuf, sizeof store_errbuf,
			    "cannot prepare \"%.60s\": %s", store_sqls[i],
			    rc != SQLITE_OK ? sqlite3_errmsg(s->db) :
			    "more than one statement");
			goto fail;
		}
	}
	if (store_links_renormalize(s) != STORE_OK) {
		snprintf(store_errbuf, sizeof store_errbuf,
		    "cannot normalize the links: %s", sqlite3_errmsg(s->db));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_progress_handler(s->db, STORE_PROGRESS_OPS, store_progress, s);
	return s;

fail:
	store_close(s);
	return NULL;
}

/* Milliseconds on the monotonic clock, for store_deadline. */
int64_t
store_clock_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * From now on a statement still running at store_clock_ms() time at (0:
 * never) is interrupted and its caller gets STORE_SLOW, so that one
 * request cannot hold the event loop for long.  Meant for reads: SQLite
 * rolls back the whole transaction of a write it interrupts, so the one
 * write a read makes (store_search_ready) runs without it.
 */
void
store_deadline(struct store *s, int64_t at)
{
	s->deadline = at;
}

/* SQLite's progress handler: non-zero interrupts the statement. */
static int
store_progress(void *arg)
{
	struct store	*s = arg;

	return s->deadline != 0 && store_clock_ms() >= s->deadline;
}

/* Finalize every statement and close the database.  NULL is a no-op. */
void
store_close(struct store *s)
{
	int	i;

	if (s == NULL)
		return;
	store_checkpointer_stop(s);	/* first: it may wake the syncer's */
	store_syncer_stop(s);
	for (i = 0; i < SQL__MAX; i++)
		sqlite3_finalize(s->stmts[i]);
	/*
	 * Closing also checkpoints the WAL and removes it, unless a sync of
	 * it failed: then what reached the disk is left to recovery.
	 */
	if (s->db != NULL && store_sync_failed(s, NULL))
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    NULL);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(s->db));
	else
		store_walbuf_free(s->walbuf);	/* nothing of it is open */
	/* Last: closing it would drop the process's locks on the file. */
	if (s->pace_fd != -1)
		close(s->pace_fd);
	free(s);
}

/* The schema version: the newest migration applied. */
int
store_user_version(struct store *s)
{
	return s->version;
}

/*
 * Group commit (docs/design.md §8): with store_group on, every append
 * joins one open transaction, each under a savepoint of its own, so a
 * refused statement is undone alone, and store_commit ends the group with
 * one COMMIT and one fdatasync for all of them (the syncer's, later, if
 * it runs).  Nothing of a group is on disk, or seen by another
 * connection, before store_commit returns STORE_OK: whoever answers for
 * an append in a group waits for that, and for store_durable.
 */
void
store_group(struct store *s, int on)
{
	s->group = on;
}

/* Whether appends of a group wait for store_commit. */
int
store_uncommitted(struct store *s)
{
	return s->group && (s->group_lost || !sqlite3_get_autocommit(s->db));
}

/* How many annotations wait for the search index (migration 0008). */
static enum store_rc
store_search_pending(struct store *s, int64_t *n)
{
	enum store_rc	rc;
	int		row;

	*n = 0;
	if ((rc = store_step(s, SQL_SEARCH_PENDING, &row)) == STORE_OK && row)
		*n = store_int(s, SQL_SEARCH_PENDING, 0);
	store_reset(s, SQL_SEARCH_PENDING);
	return rc;
}

/*
 * Index the annotations waiting (there are some: both callers count
 * them first), and merge the index as much as that calls for (0011),
 * in the open transaction.
 */
static enum store_rc
store_search_index(struct store *s)
{
	enum store_rc	rc;

	if ((rc = store_run(s, SQL_SEARCH_INDEX)) != STORE_OK ||
	    (rc = store_run(s, SQL_SEARCH_MERGE)) != STORE_OK)
		return rc;
	return store_run(s, SQL_SEARCH_INDEXED);
}

/* COMMIT, with the search index's batch if it is full. */
static enum store_rc
store_commit_now(struct store *s)
{
	enum store_rc	rc;
	int64_t		n;

	if (store_sync_failed(s, NULL))
		return STORE_DISK;	/* it would never be on disk */
	if ((rc = store_search_pending(s, &n)) == STORE_OK &&
	    n >= STORE_SEARCH_BATCH)
		rc = store_search_index(s);
	if (rc == STORE_OK && (rc = store_run(s, SQL_COMMIT)) == STORE_OK) {
		s->generation++;
		if (store_walbuf_committed(s) == -1)
			return STORE_DISK;
		if (s->sync != NULL)
			store_sync_ask(s->sync, s->generation);
	}
	return rc;
}

/*
 * Commit the open group, if any.  On failure nothing of the group is
 * kept, and the caller answers every append of it as failed.
 */
enum store_rc
store_commit(struct store *s)
{
	enum store_rc	rc = STORE_OK;

	if (s->group_lost)
		rc = STORE_ERROR;
	else if (!sqlite3_get_autocommit(s->db) &&
	    (rc = store_commit_now(s)) != STORE_OK)
		store_rollback(s);
	s->group_lost = 0;
	return rc;
}

/* Start one append: its own transaction, or a savepoint in the group's. */
static enum store_rc
store_begin(struct store *s)
{
	enum store_rc	rc;

	if (store_sync_failed(s, NULL))
		return STORE_DISK;
	if (!s->group)
		return store_run(s, SQL_BEGIN);
	if (s->group_lost)
		return STORE_ERROR;	/* until store_commit reports it */
	if (sqlite3_get_autocommit(s->db) &&
	    (rc = store_run(s, SQL_BEGIN)) != STORE_OK)
		return rc;
	return store_run(s, SQL_SAVEPOINT);
}

/* End an append that succeeded: commit it, or keep it in the group. */
static enum store_rc
store_end(struct store *s)
{
	if (s->group)
		return store_run(s, SQL_RELEASE);
	return store_commit_now(s);
}

/*
 * Undo an append that failed, and only it.  After some errors (full disk,
 * I/O) SQLite rolls the whole transaction back by itself: then the group's
 * earlier appends are gone too, and store_commit must say so.
 */
static void
store_undo(struct store *s)
{
	if (!s->group) {
		store_rollback(s);
		return;
	}
	if (sqlite3_get_autocommit(s->db)) {
		s->group_lost = 1;
		return;
	}
	if (store_run(s, SQL_ROLLBACK_TO) != STORE_OK ||
	    store_run(s, SQL_RELEASE) != STORE_OK) {
		store_rollback(s);
		s->group_lost = 1;
	}
}

/*
 * Before a search: index the annotations that wait, and merge as much
 * as that calls for, as an append would (in the group, if one is open),
 * so that the search finds every annotation committed before it.  Fewer
 * than a batch and a group wait, so this is short, and it runs without
 * the deadline: a write stopped halfway would take its whole transaction
 * with it.
 */
enum store_rc
store_search_ready(struct store *s)
{
	enum store_rc	rc;
	int64_t		n, deadline = s->deadline;

	if ((rc = store_search_pending(s, &n)) != STORE_OK || n == 0)
		return rc;
	s->deadline = 0;
	if ((rc = store_begin(s)) == STORE_OK &&
	    ((rc = store_search_index(s)) != STORE_OK ||
	    (rc = store_end(s)) != STORE_OK))
		store_undo(s);
	s->deadline = deadline;
	return rc;
}

/*
 * The record's view rows for st, appended as seq: the record and its
 * talks, talk n ending where talk n + 1 starts and the last at the
 * duration.  STORE_CONFLICT if a record with that rid exists.
 */
static enum store_rc
store_append_record(struct store *s, const struct statement *st,
    int64_t seq)
{
	const struct stmt_record	*r = &st->u.record;
	const struct stmt_talk		*t;
	const enum store_sql		 q = SQL_TALK_INSERT;
	enum store_rc			 rc;
	size_t				 i;
	int				 row;

	store_bind_str(s, SQL_RECORD_INSERT, 1, r->rid);
	store_bind_int(s, SQL_RECORD_INSERT, 2, seq);
	store_bind_str(s, SQL_RECORD_INSERT, 3, r->title);
	store_bind_str(s, SQL_RECORD_INSERT, 4, r->event);
	store_bind_int(s, SQL_RECORD_INSERT, 5, r->duration);
	rc = store_step(s, SQL_RECORD_INSERT, &row);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_CONFLICT;
	store_reset(s, SQL_RECORD_INSERT);

	for (i = 0; rc == STORE_OK && i < r->ntalks; i++) {
		t = &r->talks[i];
		store_bind_str(s, q, 1, r->rid);
		store_bind_int(s, q, 2, (int64_t)i + 1);
		store_bind_int(s, q, 3, t->start);
		store_bind_int(s, q, 4, i + 1 < r->ntalks ?
		    r->talks[i + 1].start : r->duration);
		store_bind_str(s, q, 5, t->speaker);
		store_bind_str(s, q, 6, t->title);
		rc = store_step(s, q, &row);
		store_reset(s, q);
	}
	return rc;
}

/*
 * Append st, already verified and accepted, to the log with its minisig
 * text (stored verbatim) and arrival time, and update the views, all in
 * one transaction: on any failure nothing of it remains.  placement is
 * required for annotations (policy_annotation decides it) and ignored
 * otherwise.  Returns STORE_OK with *seq the new position;
 * STORE_EXISTS with *seq the stored copy's position if the id is already
 * in the log (nothing written); STORE_CONFLICT for a record whose rid is
 * taken; STORE_NOTFOUND for an annotation of an unknown record;
 * STORE_BUSY, STORE_DISK or STORE_ERROR.
 */
enum store_rc
store_append(struct store *s, const struct statement *st,
    const char *minisig, int64_t received,
    const struct store_placement *placement, int64_t *seq)
{
	const enum store_sql	 q = SQL_STATEMENT_INSERT;
	enum store_rc		 rc;
	int64_t			 newseq;
	int			 row;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;

	store_bind_str(s, SQL_STATEMENT_SEQ, 1, st->id);
	if ((rc = store_step(s, SQL_STATEMENT_SEQ, &row)) == STORE_OK && row) {
		*seq = store_int(s, SQL_STATEMENT_SEQ, 0);
		rc = STORE_EXISTS;
	}
	store_reset(s, SQL_STATEMENT_SEQ);
	if (rc != STORE_OK)
		goto fail;

	store_bind_str(s, q, 1, st->id);
	store_bind_str(s, q, 2, stmt_type_name(st->type));
	store_bind_str(s, q, 3, st->author);
	store_bind_str(s, q, 4, st->created_text);
	store_bind_blob(s, q, 5, st->canonical, st->canonical_len);
	store_bind_str(s, q, 6, minisig);
	store_bind_int(s, q, 7, received);
	rc = store_step(s, q, &row);
	store_reset(s, q);
	if (rc != STORE_OK)
		goto fail;
	newseq = sqlite3_last_insert_rowid(s->db);

	switch (st->type) {
	case STMT_RECORD:
		rc = store_append_record(s, st, newseq);
		break;
	case STMT_ANNOTATION:
		rc = store_append_annotation(s, st, placement, newseq);
		break;
	default:
		rc = store_append_conversation(s, st, placement, newseq,
		    received);
		break;
	}
	if (rc != STORE_OK || (rc = store_end(s)) != STORE_OK)
		goto fail;
	*seq = newseq;
	return STORE_OK;

fail:
	store_undo(s);
	return rc;
}

/* The current row of SQL_STATEMENT or SQL_LOG, borrowed. */
void
store_statement_row(struct store *s, enum store_sql id,
    struct store_statement *ss)
{
	memset(ss, 0, sizeof *ss);
	ss->seq = store_int(s, id, 0);
	ss->id = store_text(s, id, 1);
	ss->type = store_text(s, id, 2);
	ss->author = store_text(s, id, 3);
	/* As text: SQLite then adds a NUL after the bytes (S holds none). */
	ss->canonical = store_text(s, id, 4);
	ss->canonical_len = (size_t)sqlite3_column_bytes(s->stmts[id], 4);
	ss->minisig = store_text(s, id, 5);
	ss->received = store_int(s, id, 6);
}

/*
 * Call cb for each log row statement q yields (SQL_LOG, SQL_IDS,
 * SQL_REVISIONS, SQL_DECISIONS), its parameters bound, then reset q.
 * A cb returning -1 stops the walk; that is still STORE_OK.
 */
enum store_rc
store_statement_rows(struct store *s, enum store_sql q,
    store_statement_cb cb, void *arg)
{
	struct store_statement	ss;
	enum store_rc		rc;
	int			row;

	while ((rc = store_step(s, q, &row)) == STORE_OK && row) {
		store_statement_row(s, q, &ss);
		if (cb(&ss, arg) == -1)
			break;
	}
	store_reset(s, q);
	return rc;
}

/*
 * Call cb once with the log row of statement id (every pointer borrowed
 * for the call; canonical is NUL-terminated, canonical_len its length).
 * cb's return value is ignored.  STORE_NOTFOUND if id is not in the log.
 * Callbacks must not call into the store.
 */
enum store_rc
store_statement(struct store *s, const char *id, store_statement_cb cb,
    void *arg)
{
	struct store_statement	ss;
	enum store_rc		rc;
	int			row;

	store_bind_str(s, SQL_STATEMENT, 1, id);
	if ((rc = store_step(s, SQL_STATEMENT, &row)) == STORE_OK) {
		if (row) {
			store_statement_row(s, SQL_STATEMENT, &ss);
			(void)cb(&ss, arg);
		} else
			rc = STORE_NOTFOUND;
	}
	store_reset(s, SQL_STATEMENT);
	return rc;
}

/* STORE_OK if record rid exists, STORE_NOTFOUND if not. */
enum store_rc
store_record_exists(struct store *s, const char *rid)
{
	enum store_rc	rc;
	int		row;

	store_bind_str(s, SQL_RECORD_EXISTS, 1, rid);
	if ((rc = store_step(s, SQL_RECORD_EXISTS, &row)) == STORE_OK && !row)
		rc = STORE_NOTFOUND;
	store_reset(s, SQL_RECORD_EXISTS);
	return rc;
}

/*
 * Call cb for each log row whose id begins with prefix (lowercase hex,
 * as the caller checked), in id order, at most limit rows, pointers
 * borrowed as in store_statement.
 */
enum store_rc
store_ids(struct store *s, const char *prefix, int limit,
    store_statement_cb cb, void *arg)
{
	store_bind_str(s, SQL_IDS, 1, prefix);
	store_bind_int(s, SQL_IDS, 2, limit);
	return store_statement_rows(s, SQL_IDS, cb, arg);
}

/*
 * Call cb for each log row with seq > after, in seq order, at most limit
 * rows (none when limit <= 0), pointers borrowed as in store_statement.
 * A cb returning -1 stops the walk; that is still STORE_OK.
 */
enum store_rc
store_log(struct store *s, int64_t after, int limit, store_statement_cb cb,
    void *arg)
{
	if (limit <= 0)
		return STORE_OK;
	store_bind_int(s, SQL_LOG, 1, after);
	store_bind_int(s, SQL_LOG, 2, limit);
	return store_statement_rows(s, SQL_LOG, cb, arg);
}

/*
 * The current row of SQL_RECORD or SQL_RECORDS into out, strings copied
 * (title and event malloc'd), talks left alone.  -1 if a stored id does
 * not fit its array, which only a damaged database can cause.
 */
static int
store_record_row(struct store *s, enum store_sql id, struct store_record *out)
{
	if (store_copy(out->rid, sizeof out->rid, store_text(s, id, 0)) ==
	    -1 || store_copy(out->id, sizeof out->id, store_text(s, id, 1)) ==
	    -1) {
		log_warnx("store: a stored record id is too long");
		return -1;
	}
	/* title is NOT NULL; NULL here would mean SQLite ran out of memory. */
	if ((out->title = store_dup(s, id, 2)) == NULL)
		out->title = xstrdup("");
	out->event = store_dup(s, id, 3);
	out->duration = store_int(s, id, 4);
	out->annotations = store_int(s, id, 5);
	return 0;
}

/*
 * Fill out with record rid and its talks in order; everything in out is
 * malloc'd, for store_record_clear.  Returns STORE_OK, or another code
 * with out cleared (STORE_NOTFOUND if there is no such record).
 */
enum store_rc
store_record(struct store *s, const char *rid, struct store_record *out)
{
	struct store_talk	*t;
	enum store_rc		 rc;
	size_t			 cap = 0;
	int			 row;

	memset(out, 0, sizeof *out);
	store_bind_str(s, SQL_RECORD, 1, rid);
	if ((rc = store_step(s, SQL_RECORD, &row)) == STORE_OK) {
		if (!row)
			rc = STORE_NOTFOUND;
		else if (store_record_row(s, SQL_RECORD, out) == -1)
			rc = STORE_ERROR;
	}
	store_reset(s, SQL_RECORD);
	if (rc != STORE_OK)
		goto fail;

	store_bind_str(s, SQL_TALKS, 1, rid);
	while ((rc = store_step(s, SQL_TALKS, &row)) == STORE_OK && row) {
		if (out->ntalks == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			out->talks = xreallocarray(out->talks, cap,
			    sizeof *out->talks);
		}
		t = &out->talks[out->ntalks++];
		t->n = (int)store_int(s, SQL_TALKS, 0);
		t->start = store_int(s, SQL_TALKS, 1);
		t->end = store_int(s, SQL_TALKS, 2);
		t->speaker = store_dup(s, SQL_TALKS, 3);
		if ((t->title = store_dup(s, SQL_TALKS, 4)) == NULL)
			t->title = xstrdup("");
	}
	store_reset(s, SQL_TALKS);
	if (rc == STORE_OK)
		return STORE_OK;
fail:
	store_record_clear(out);
	return rc;
}

/* Free what store_record filled in and zero it.  NULL-safe members. */
void
store_record_clear(struct store_record *r)
{
	size_t	i;

	if (r == NULL)
		return;
	/* store_records hands out ntalks without talks. */
	for (i = 0; r->talks != NULL && i < r->ntalks; i++) {
		free(r->talks[i].speaker);
		free(r->talks[i].title);
	}
	free(r->talks);
	free(r->title);
	free(r->event);
	memset(r, 0, sizeof *r);
}

/*
 * Call cb for every record, ordered by rid, without talks: talks is NULL
 * and ntalks their number.  The struct and its strings are valid only for
 * the call (copy what must outlive it).  A cb returning -1 stops the walk;
 * that is still STORE_OK.
 */
enum store_rc
store_records(struct store *s, store_record_cb cb, void *arg)
{
	struct store_record	r;
	enum store_rc		rc;
	int			row, stop;

	while ((rc = store_step(s, SQL_RECORDS, &row)) == STORE_OK && row) {
		memset(&r, 0, sizeof r);
		if (store_record_row(s, SQL_RECORDS, &r) == -1) {
			rc = STORE_ERROR;
			break;
		}
		r.ntalks = (size_t)store_int(s, SQL_RECORDS, 6);
		stop = cb(&r, arg) == -1;
		store_record_clear(&r);
		if (stop)
			break;
	}
	store_reset(s, SQL_RECORDS);
	return rc;
}

/* The number of statements in the log, or -1 on error (logged). */
int64_t
store_count(struct store *s)
{
	int64_t	n = -1;
	int	row;

	if (store_step(s, SQL_COUNT, &row) == STORE_OK && row)
		n = store_int(s, SQL_COUNT, 0);
	store_reset(s, SQL_COUNT);
	return n;
}

/* Where mirroring upstream stopped: the last seq applied, 0 if none. */
enum store_rc
store_mirror_after(struct store *s, const char *upstream, int64_t *after)
{
	enum store_rc	rc;
	int		row;

	*after = 0;
	store_bind_str(s, SQL_MIRROR_AFTER, 1, upstream);
	if ((rc = store_step(s, SQL_MIRROR_AFTER, &row)) == STORE_OK && row)
		*after = store_int(s, SQL_MIRROR_AFTER, 0);
	store_reset(s, SQL_MIRROR_AFTER);
	return rc;
}

enum store_rc
store_mirror_set(struct store *s, const char *upstream, int64_t after)
{
	enum store_rc	rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	store_bind_str(s, SQL_MIRROR_SET, 1, upstream);
	store_bind_int(s, SQL_MIRROR_SET, 2, after);
	if ((rc = store_changed(s, SQL_MIRROR_SET)) != STORE_OK ||
	    (rc = store_end(s)) != STORE_OK)
		store_undo(s);
	return rc;
}

/*
 * A number that moves on with every statement stored: an answer computed
 * at one generation is still right while it stays the same (cache.c).
 */
uint64_t
store_generation(struct store *s)
{
	return s->generation;
}
