/*
 * store_int.h: what the files of the SQLite store share, and nothing else
 * includes.
 *
 * The store is one module in several files: store.c (the connection, the
 * SQL table, migrations, the log, records), store_conv.c (annotations and
 * the conversation around them), store_mod.c (moderation),
 * store_links.c (follow-up links and their reviews), store_ckpt.c
 * (WAL checkpoints on a thread), store_pace.c (the checkpoints' writes
 * sent to the disk as they go) and store_sync.c (commits synced on a
 * thread).  All SQL stays in store.c's one table, prepared once; every
 * file steps it through the same helpers.
 */

#ifndef STORE_INT_H
#define STORE_INT_H

#include <stdatomic.h>

#include <sqlite3.h>

#include "glossd.h"

enum store_sql {
	SQL_BEGIN,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_SAVEPOINT,
	SQL_RELEASE,
	SQL_ROLLBACK_TO,
	SQL_STATEMENT_SEQ,
	SQL_STATEMENT_INSERT,
	SQL_RECORD_INSERT,
	SQL_TALK_INSERT,
	SQL_RECORD_EXISTS,
	SQL_ANNOTATION_INSERT,
	SQL_STATEMENT,
	SQL_IDS,
	SQL_LOG,
	SQL_RECORD,
	SQL_TALKS,
	SQL_RECORDS,
	SQL_TALK_SPAN,
	SQL_ANNOTATIONS,
	SQL_LISTING_PAGE,
	SQL_TALK_COUNT,
	SQL_ANNOTATION,
	SQL_THREAD,
	SQL_SEARCH,
	SQL_SEARCH_PENDING,
	SQL_SEARCH_INDEX,
	SQL_SEARCH_MERGE,
	SQL_SEARCH_INDEXED,
	SQL_REVISION_INSERT,
	SQL_ANNOTATION_REVISE,
	SQL_REVISIONS,
	SQL_ANNOTATION_RETRACT,
	SQL_ENDORSEMENT,
	SQL_ENDORSE_INSERT,
	SQL_ENDORSE_DELETE,
	SQL_ENDORSE_RETRACT,
	SQL_PROFILE,
	SQL_KEY,
	SQL_KEY_STATE,
	SQL_KEY_SET_STATE,
	SQL_KEY_APPROVED,
	SQL_KEY_REJECTED,
	SQL_SET_STATUS,
	SQL_SHOWN_AGAIN,
	SQL_BAN_HIDE,
	SQL_FLAG,
	SQL_FLAG_INSERT,
	SQL_FLAG_HIDE,
	SQL_FLAGGERS,
	SQL_FLAGS,
	SQL_FLAGS_OF,
	SQL_DECISION_INSERT,
	SQL_DECISIONS,
	SQL_LOCK,
	SQL_UNLOCK,
	SQL_LOCKED,
	SQL_LOCKS,
	SQL_QUEUE,
	SQL_MINE,
	SQL_COUNT,
	SQL_MIRROR_AFTER,
	SQL_MIRROR_SET,
	SQL_LINK_NORM,
	SQL_LINK_NORM_SET,
	SQL_LINKS_CLEAR,
	SQL_LINKS_FILL,
	SQL_LINK_REVIEWS_REKEY,
	SQL_LINK_REVIEWS_CURRENT,
	SQL_LINK_REVIEW_INSERT,
	SQL_CITES,
	SQL_CITATIONS,
	SQL_LINK_REVIEWS,
	SQL_FEED,
	SQL__MAX
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmts[SQL__MAX];
	int		 version;	/* user_version after migrating */
	uint64_t	 generation;	/* moves on with every commit */
	int		 group;		/* store_group: appends share a */
					/* transaction until store_commit */
	int		 group_lost;	/* SQLite undid that transaction */
	struct store_ckpt *ckpt;	/* NULL: SQLite checkpoints */
	struct store_walbuf *walbuf;	/* the VFS s->db was opened with */
	size_t		 wal_left;	/* bytes store_walbuf_committed wrote */
	struct store_sync *sync;	/* NULL: SQLite syncs each COMMIT */
	_Atomic int	 sync_error;	/* errno of a failed sync or lost */
					/* write (store_disk_failed): final */
	int		 pace_fd;	/* store_pace.c's, closed last */
	enum store_rc	 bindrc;	/* first failed bind since the reset */
	int64_t		 deadline;	/* store_deadline's, 0 none */
};

#define STORE_WAL_AUTOCHECKPOINT 1000	/* frames: SQLite's own default */

/*
 * When the checkpointing thread copies the WAL (store_ckpt.c): each time
 * it has grown by step frames, and at every commit in the last step
 * before hard, where the writer copies it itself.
 */
struct store_ckpt_steps {
	int		 step;
	int		 hard;
	int		 next;		/* frames: the next step's wake */
	int		 last;		/* frames after the last commit */
};

/* store_ckpt.c */
int		 store_ckpt_due(struct store_ckpt_steps *, int);

/* store_pace.c */
const char	*store_pace_vfs(void);
void		 store_pace(struct store *, sqlite3 *);

/* store_walbuf.c */
struct store_walbuf *store_walbuf_new(void);
const char	*store_walbuf_name(const struct store_walbuf *);
void		 store_walbuf_free(struct store_walbuf *);
int		 store_walbuf_committed(struct store *);

/* store_sync.c */
void		 store_sync_ask(struct store_sync *, uint64_t);
void		 store_disk_failed(struct store *, int, const char *);
int		 store_sync_failed(struct store *, int *);

/* store.c */
enum store_rc	 store_result(struct store *, int);
enum store_rc	 store_step(struct store *, enum store_sql, int *);
void		 store_reset(struct store *, enum store_sql);
enum store_rc	 store_run(struct store *, enum store_sql);
void		 store_rollback(struct store *);
enum store_rc	 store_search_ready(struct store *);
void		 store_bind_text(struct store *, enum store_sql, int,
		     const char *, size_t);
void		 store_bind_str(struct store *, enum store_sql, int,
		     const char *);
void		 store_bind_blob(struct store *, enum store_sql, int,
		     const void *, size_t);
void		 store_bind_int(struct store *, enum store_sql, int, int64_t);
void		 store_bind_opt(struct store *, enum store_sql, int, int64_t);
const char	*store_text(struct store *, enum store_sql, int);
int64_t		 store_int(struct store *, enum store_sql, int);
int64_t		 store_opt(struct store *, enum store_sql, int);
char		*store_dup(struct store *, enum store_sql, int);
int		 store_copy(char *, size_t, const char *);
void		 store_statement_row(struct store *, enum store_sql,
		     struct store_statement *);
enum store_rc	 store_statement_rows(struct store *, enum store_sql,
		     store_statement_cb, void *);
enum store_rc	 store_changed(struct store *, enum store_sql);

/* store_conv.c */
enum store_rc	 store_append_annotation(struct store *,
		     const struct statement *, const struct store_placement *,
		     int64_t);
enum store_rc	 store_append_conversation(struct store *,
		     const struct statement *, const struct store_placement *,
		     int64_t, int64_t);
enum store_rc	 store_annotation_rows(struct store *, enum store_sql,
		     store_annotation_cb, void *);

/* store_links.c */
int		 store_links_functions(sqlite3 *);
enum store_rc	 store_links_renormalize(struct store *);
enum store_rc	 store_append_link_review(struct store *,
		     const struct statement *, int64_t);

/* store_mod.c */
enum store_rc	 store_append_moderation(struct store *,
		     const struct statement *, const struct store_placement *,
		     int64_t, int64_t);

#endif /* STORE_INT_H */
