/*
 * glossd.h: the daemon's modules and the plain structs that pass between
 * them.
 *
 * Only http.c sees libevent's request type and only store.c sees SQLite, so
 * handlers and rules here work on these structs and can be tested without
 * sockets or a database file.
 */

#ifndef GLOSSD_H
#define GLOSSD_H

#include "gloss.h"

/* config.c */
struct config_limits {
	size_t		max_body;	/* request body bytes */
	size_t		max_headers;	/* request header bytes */
	int		timeout;	/* seconds per request */
	int		page_max;	/* largest ?limit= */
	int		query_ms;	/* a read's SQL budget, 0 none */
	int		skew;		/* seconds created may differ from now */
	struct stmt_limits stmt;	/* text, links, URL sizes */
};
struct config_keys {
	struct minisig_pubkey	*keys;
	size_t			 n;
};
enum config_moderation {		/* who waits for a moderator */
	MODERATION_NONE,		/* nobody */
	MODERATION_FIRST,		/* keys no moderator approved yet */
	MODERATION_ALL,			/* everybody but moderators */
	MODERATION__MAX
};
struct config_record_mode {		/* moderation = for one record */
	char			rid[GLOSS_RID_MAX + 1];
	enum config_moderation	mode;
};
struct config_rates {			/* per minute; 0 = no limit */
	int	key_writes;		/* statements per signing key */
	int	ip_writes;		/* POSTs per client address */
	int	ip_reads;		/* GETs per client address */
};
struct config {
	char			*listen;
	int			 port;
	char			*database;
	char			*base_url;	/* absolute IRIs start here */
	char			*mirror;	/* the glossd it follows */
	int			 mirror_interval; /* seconds */
	struct config_keys	 curators;	/* may create records */
	struct config_keys	 importers;	/* may replay old statements */
	struct config_keys	 moderators;	/* may decide */
	struct config_keys	 reviewers;	/* link verdicts that count */
	enum config_moderation	 moderation;
	struct config_record_mode *record_modes;
	size_t			 nrecord_modes;
	int			 flag_threshold;
	struct config_rates	 rates;
	char			*trusted_proxy;	/* believe its X-Forwarded-For */
	struct config_limits	 limits;
};
void	 config_defaults(struct config *);
int	 config_parse(struct config *, const char *, size_t, const char *,
	     char **);
int	 config_load(struct config *, const char *, char **);
void	 config_clear(struct config *);
int	 config_has_key(const struct config_keys *,
	     const struct minisig_pubkey *);
int	 config_has_author(const struct config_keys *, const char *);
const char *config_role(const struct config *, const char *);
enum config_moderation config_moderation(const struct config *,
	     const char *);
const char *config_moderation_name(enum config_moderation);

/* store.c */
enum store_rc {
	STORE_OK,
	STORE_EXISTS,		/* the statement id is already stored */
	STORE_CONFLICT,		/* a record with that id exists */
	STORE_NOTFOUND,
	STORE_BUSY,		/* SQLITE_BUSY/LOCKED: try again */
	STORE_SLOW,		/* past the deadline (store_deadline) */
	STORE_DISK,		/* a WAL sync failed: nothing more commits */
	STORE_ERROR,
};
struct store;
struct store_talk {
	int		 n;		/* 1-based */
	int64_t		 start;		/* ms into the recording */
	int64_t		 end;		/* next talk's start, or duration */
	char		*speaker;	/* NULL if none */
	char		*title;
};
struct store_record {
	char			 rid[GLOSS_RID_MAX + 1];
	char			 id[GLOSS_ID_LEN + 1];	/* record statement */
	char			*title;
	char			*event;			/* NULL if none */
	int64_t			 duration;
	int64_t			 annotations;		/* visible count */
	struct store_talk	*talks;
	size_t			 ntalks;
};
/* A row of the log; every pointer is borrowed for the callback's length. */
struct store_statement {
	int64_t		 seq;
	const char	*id;
	const char	*type;
	const char	*author;
	const char	*canonical;	/* S */
	size_t		 canonical_len;
	const char	*minisig;
	int64_t		 received;	/* unix seconds */
};
/*
 * An annotation in its current state (as amended by its revisions);
 * pointers borrowed for the callback's length.
 */
struct store_annotation {
	int64_t		 seq;
	const char	*id;
	const char	*rid;
	const char	*kind;
	const char	*author;
	const char	*created;
	int		 talk;		/* explicit or derived; 0 = record */
	int64_t		 at_start;	/* -1 if none */
	int64_t		 at_end;	/* -1 if none */
	int64_t		 span_start;	/* the ordering key */
	int64_t		 span_end;
	const char	*text;
	size_t		 text_len;
	const char	*links;		/* JSON array text, NULL if none */
	const char	*reply_to;	/* NULL if none */
	const char	*status;	/* visible, pending, hidden, ... */
	const char	*root;		/* its thread's top annotation */
	int64_t		 revisions;
	int64_t		 replies;	/* visible ones */
	int64_t		 endorsements;
	const char	*retraction;	/* NULL unless retracted */
	const char	*name;		/* the author's profile name or NULL */
	const char	*snippet;	/* search only */
	const char	*updated;	/* feed only: created or last revised */
	int64_t		 approved;	/* queue only: the author's history */
	int64_t		 rejected;
	int64_t		 first_received;
	const char	*flags;		/* queue only: reasons, comma-separated */
	const char	*reason;	/* one and mine only: why hidden or */
					/* rejected, NULL if flags hid it */
};
/* One link of one visible annotation, as reading lists cite it. */
struct store_citation {
	const char	*key;		/* link.c's identity */
	const char	*type;		/* url, arxiv, doi */
	const char	*href;
	const char	*url;		/* as the annotation posted it */
	const char	*title;		/* NULL if none */
	const char	*annotation;
	const char	*kind;
	const char	*author;
	int		 talk;
	int64_t		 at_start;	/* -1 if none */
	int64_t		 at_end;	/* -1 if none */
	int64_t		 endorsements;
	int64_t		 seq;
};
/* A current link review (latest per key, link and kind); borrowed. */
struct store_link_review {
	const char	*key;
	const char	*id;
	const char	*subject;
	const char	*url;
	const char	*author;
	const char	*created;
	const char	*verdict;
	const char	*note;		/* NULL if none */
	const char	*replacement;	/* NULL if none */
	int		 checked;	/* a link checker's result */
	int64_t		 status;	/* checked: the HTTP status or 0 */
	const char	*final;		/* checked: NULL if none */
	const char	*error;		/* checked: NULL if none */
};
/* A flag as the moderators' list shows it; pointers borrowed. */
struct store_flag {
	const char	*id;
	const char	*subject;
	const char	*author;
	const char	*reason;
	const char	*note;		/* NULL if none */
	int64_t		 seq;
	const char	*status;	/* the subject's */
};
/*
 * Where an accepted annotation sits, decided by policy_annotation; for a
 * revision also the annotation's whole new state, folded from its chain.
 */
struct store_placement {
	char		 rid[GLOSS_RID_MAX + 1];	/* its record */
	int		 pending;	/* waits for review (again) */
	char		 status[16];	/* the annotation's, once stored */
	int		 hide;		/* a flag: the subject reaches the limit */
	int		 talk;		/* 0 = the whole record */
	int64_t		 span_start;	/* half-open [start, end) */
	int64_t		 span_end;
	enum stmt_kind	 kind;		/* revision: the new state */
	int64_t		 at_start;
	int64_t		 at_end;
	const char	*text;
	size_t		 text_len;
	const char	*links;		/* JCS text of the links, or NULL */
};
/* A key as GET /v1/keys shows it; pointers borrowed. */
struct store_key {
	const char	*key;
	int64_t		 first_received;
	int64_t		 statements;
	int64_t		 annotations;	/* visible ones */
	const char	*name;		/* NULL until a profile */
	const char	*url;
	const char	*about;
	const char	*profile;	/* the profile statement's id */
	const char	*state;		/* new, trusted, banned */
};
/*
 * The search index takes annotations this many at once (0008): few
 * enough that the batch's pause, which every request behind it waits
 * out, stays under a millisecond (docs/design.md §8, 50), and the merge
 * that comes with it (0011) a few (55).
 */
#define STORE_SEARCH_BATCH	32
struct store_search {
	const char	*match;		/* an FTS5 query */
	const char	*rid;		/* NULL = every record */
	const char	*kind;		/* NULL = any */
	int		 limit;
	int		 offset;
};
struct store_query {
	const char	*rid;
	int		 talk;		/* 0 = any */
	int64_t		 from;		/* -1 = no time filter */
	int64_t		 to;		/* inclusive */
	const char	*kind;		/* NULL = any */
	const char	*author;	/* NULL = any */
	int64_t		 after_span;	/* keyset cursor; -1 = from the start */
	int64_t		 after_seq;
	int		 limit;
};
typedef int (*store_statement_cb)(const struct store_statement *, void *);
typedef int (*store_annotation_cb)(const struct store_annotation *, void *);
typedef int (*store_record_cb)(const struct store_record *, void *);
typedef int (*store_key_cb)(const struct store_key *, void *);
typedef int (*store_flag_cb)(const struct store_flag *, void *);
typedef int (*store_flagger_cb)(const char *, const char *, void *);
typedef int (*store_lock_cb)(int, const char *, void *);
typedef int (*store_citation_cb)(const struct store_citation *, void *);
typedef int (*store_link_review_cb)(const struct store_link_review *,
		     void *);
struct store	*store_open(const char *, const char **);
void		 store_close(struct store *);
int		 store_user_version(struct store *);
enum store_rc	 store_append(struct store *, const struct statement *,
		     const char *, int64_t, const struct store_placement *,
		     int64_t *);
int		 store_checkpointer(struct store *, int, int);
void		 store_checkpointer_stop(struct store *);
int		 store_syncer(struct store *);
void		 store_syncer_stop(struct store *);
int		 store_sync_fd(struct store *);
int		 store_durable(struct store *, int, uint64_t *);
void		 store_group(struct store *, int);
int		 store_uncommitted(struct store *);
enum store_rc	 store_commit(struct store *);
int64_t		 store_clock_ms(void);
void		 store_deadline(struct store *, int64_t);
enum store_rc	 store_statement(struct store *, const char *,
		     store_statement_cb, void *);
enum store_rc	 store_ids(struct store *, const char *, int,
		     store_statement_cb, void *);
enum store_rc	 store_log(struct store *, int64_t, int, store_statement_cb,
		     void *);
enum store_rc	 store_record_exists(struct store *, const char *);
enum store_rc	 store_record(struct store *, const char *,
		     struct store_record *);
void		 store_record_clear(struct store_record *);
enum store_rc	 store_records(struct store *, store_record_cb, void *);
enum store_rc	 store_annotations(struct store *, const struct store_query *,
		     store_annotation_cb, void *);
enum store_rc	 store_feed(struct store *, const struct store_query *,
		     store_annotation_cb, void *);
enum store_rc	 store_listing_page(struct store *, const char *, int, int64_t,
		     int, char (*)[GLOSS_ID_LEN + 1], int *);
enum store_rc	 store_talk_count(struct store *, const char *, int,
		     int64_t *);
enum store_rc	 store_annotation(struct store *, const char *,
		     store_annotation_cb, void *);
enum store_rc	 store_thread(struct store *, const char *, int,
		     store_annotation_cb, void *);
enum store_rc	 store_search(struct store *, const struct store_search *,
		     store_annotation_cb, void *);
enum store_rc	 store_revisions(struct store *, const char *,
		     store_statement_cb, void *);
enum store_rc	 store_endorsement(struct store *, const char *,
		     const char *, char [GLOSS_ID_LEN + 1]);
enum store_rc	 store_key(struct store *, const char *, store_key_cb,
		     void *);
enum store_rc	 store_key_state(struct store *, const char *, char [16]);
enum store_rc	 store_locked(struct store *, const char *, int, int *,
		     int *);
enum store_rc	 store_locks(struct store *, const char *, store_lock_cb,
		     void *);
enum store_rc	 store_flag(struct store *, const char *, const char *,
		     char [GLOSS_ID_LEN + 1]);
enum store_rc	 store_flaggers(struct store *, const char *,
		     store_flagger_cb, void *);
enum store_rc	 store_flags(struct store *, int64_t, int, store_flag_cb,
		     void *);
enum store_rc	 store_flags_of(struct store *, const char *, int,
		     store_flag_cb, void *);
enum store_rc	 store_queue(struct store *, const char *, int64_t, int,
		     store_annotation_cb, void *);
enum store_rc	 store_decisions(struct store *, const char *, int64_t, int,
		     store_statement_cb, void *);
enum store_rc	 store_mine(struct store *, const char *, int64_t, int,
		     store_annotation_cb, void *);
int64_t		 store_count(struct store *);
uint64_t	 store_generation(struct store *);
enum store_rc	 store_mirror_after(struct store *, const char *,
		     int64_t *);
enum store_rc	 store_mirror_set(struct store *, const char *, int64_t);
enum store_rc	 store_citations(struct store *, const char *, int,
		     store_citation_cb, void *);
enum store_rc	 store_link_reviews(struct store *, const char *,
		     store_link_review_cb, void *);
enum store_rc	 store_cites(struct store *, const char *, const char *);

/* migrations.c (generated from migrations/NNNN_*.sql) */
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
extern const struct migration migrations[];
extern const size_t nmigrations;

/* policy.c */
struct policy_verdict {
	int		 status;	/* HTTP status when refused */
	const char	*code;
	char		*message;	/* malloc'd */
};
int	 policy_created(time_t, time_t, int, struct policy_verdict *);
int	 policy_record(const struct config *, const struct statement *,
	     struct policy_verdict *);
int	 policy_annotation(const struct store_record *,
	     const struct stmt_annotation *, struct store_placement *,
	     struct policy_verdict *);
int	 policy_judge(const struct statement *, const char *, int,
	     struct policy_verdict *);
void	 policy_verdict_clear(struct policy_verdict *);

/* http.c */
enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_OPTIONS,
	HTTP_OTHER,
};
#define HTTP_MAX_PARAMS	4
#define HTTP_MAX_QUERY	16
#define HTTP_MAX_HEADERS 12	/* extra response headers */
struct http_kv {
	char	*key;
	char	*value;
};
struct http_header {
	const char	*name;		/* a literal */
	char		*value;		/* owned; never client input */
};
struct http_request {
	enum http_method	 method;
	const char		*path;		/* as sent, without the query */
	const char		*body;
	size_t			 body_len;
	const char		*accept;	/* Accept header or NULL */
	const char		*authz;		/* Authorization or NULL */
	const char		*prefer;	/* Prefer or NULL */
	const char		*if_none_match;	/* If-None-Match or NULL */
	const char		*target;	/* the URI as sent */
	int			 replay;	/* from the mirror, not a peer */
	int			 admitted;	/* api_post_admit said origin */
	int			 origin;	/* enum api_origin */
	int			 verified;	/* the wire's signature checks */
					/* out (verifier.c) */
	json_t			*parsed;	/* the body, once parsed */
	time_t			 now;
	int64_t			 now_ms;	/* store_clock_ms(), for rates */
	char			 client[64];	/* address, for rates */
	struct http_kv		 params[HTTP_MAX_PARAMS];	/* :name */
	size_t			 nparams;
	struct http_kv		 query[HTTP_MAX_QUERY];
	size_t			 nquery;
};
struct http_response {
	int		 status;
	int		 retry_after;	/* seconds, for 429 and 503 */
	const char	*content_type;	/* NULL: none (an empty body) */
	char		 location[128];
	struct buf	 body;
	struct evbuffer	*pages;		/* the body instead: a kept answer's */
					/* file, sent by sendfile (cache.c) */
	uint64_t	 generation;	/* a kept answer's: the store's it */
					/* shows; 0: the store as it is */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t		 nheaders;
};
struct glossd;
typedef void (*http_handler)(struct glossd *, struct http_request *,
	     struct http_response *);
struct http_route {
	enum http_method	 method;
	const char		*pattern;	/* "/v1/records/:rid" */
	http_handler		 handler;
	int			 cached;	/* public: cache.c may keep it */
};
struct http_server;
struct event_base;
struct http_server *http_start(struct glossd *, struct event_base *,
		     const char *, int, int *, const char **);
void		 http_stop(struct http_server *);
void		 http_limits(struct http_server *);
int		 http_route_match(const char *, const char *,
		     struct http_request *);
const struct http_route *http_route_find(enum http_method, const char *,
		     struct http_request *, int *);
int		 http_parse_query(const char *, struct http_request *);
void		 http_request_clear(struct http_request *);
const char	*http_param(const struct http_request *, const char *);
const char	*http_query(const struct http_request *, const char *);
int		 http_query_int(struct http_response *,
		     const struct http_request *, const char *, int64_t,
		     int64_t, int64_t *);
void		 http_response_init(struct http_response *);
void		 http_response_clear(struct http_response *);
void		 http_body_reset(struct http_response *);
size_t		 http_body_len(const struct http_response *);
void		 http_error(struct http_response *, int, const char *,
		     const char *, ...) GLOSS_PRINTF(4, 5);
#define HTTP_ETAG_LEN	35		/* "32 hex digits", quoted */
void		 http_etag_of(const struct buf *, char [HTTP_ETAG_LEN]);
void		 http_etag(const struct http_request *, struct http_response *,
		     const char *);
void		 http_header(struct http_response *, const char *,
		     const char *, ...) GLOSS_PRINTF(3, 4);
void		 http_json(struct http_response *, int);
void		 http_rate_limited(struct http_response *, int64_t,
		     const char *);
void		 http_dispatch(struct glossd *, struct http_request *,
		     struct http_response *);

#define API_THREAD_MAX	1000	/* annotations in one thread answer */
#define API_QUEUE_FLAGS	20	/* flags of each annotation in the queue */
#define API_IDS_MAX	4	/* ids in one answer to an id's prefix */
#define API_IDS_TEXT	64	/* bytes of a text that answer shows */
#define API_PREFIX_MIN	4	/* hex digits an id's prefix needs */

/* api_statements.c, api_records.c, api_log.c */
/*
 * Where a POST comes from (api_importer), each exempt from more checks:
 * a live client from none; a replay (the mirror's, or an import) from
 * the created-time window, the rate limits and policy_judge; an import
 * by a curator also from the curator check of records, which it may
 * vouch for; an import by an importer key, trusted with another glossd's
 * whole log, also from the moderator check of decisions.  A mirror is
 * trusted with nothing but the order: its upstream's roles must be this
 * glossd's.
 */
enum api_origin {
	ORIGIN_LIVE,
	ORIGIN_MIRROR,
	ORIGIN_CURATOR,
	ORIGIN_IMPORTER,
};
struct api_posted {			/* what a POST stored, or had */
	int		 status;	/* 201 stored now, 200 before */
	char		 id[GLOSS_ID_LEN + 1];
	const char	*type;
	int64_t		 seq;
	char		 annotation[16]; /* its status, if not visible */
};
int	 api_post(struct glossd *, struct http_request *,
	     struct http_response *, const char *, const char *,
	     struct api_posted *);
int	 api_post_admit(struct glossd *, struct http_request *,
	     struct http_response *);
int	 api_post_precheck(struct glossd *, struct http_request *,
	     struct http_response *);
int	 api_wire_verifies(const char *, size_t);
void	 api_post_statement(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_ids(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_statement(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_records(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_record(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_annotations(struct glossd *, struct http_request *,
	     struct http_response *);
int	 api_find_record(struct glossd *, struct http_request *,
	     struct http_response *, struct store_record *);
int	 api_record_known(struct glossd *, const char *,
	     struct http_response *);
int	 api_record_named(struct glossd *, const char *,
	     struct http_response *, struct store_record *);
void	 api_links_foreach(const struct store_annotation *,
	     void (*)(const char *, const char *, void *), void *);
int	 api_find_talk(struct http_request *, struct http_response *,
	     const struct store_record *);
void	 api_get_talk(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_log(struct glossd *, struct http_request *,
	     struct http_response *);
int	 api_log_line(const struct store_statement *, void *);
void	 api_get_bundle(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_healthz(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_store_error(struct http_response *, enum store_rc);
int	 api_refuse(struct http_response *, struct policy_verdict *);
void	 api_get_annotation(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_revisions(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_thread(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_key(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_search(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_annotation_json(struct buf *, const struct store_annotation *);
void	 api_member(struct buf *, const char *, const char *);
void	 api_statement_json(struct buf *, const struct store_statement *,
	     int);

/* api_conv.c */
struct api_target {			/* the annotation a statement names */
	char	id[GLOSS_ID_LEN + 1];
	char	rid[GLOSS_RID_MAX + 1];
	char	author[GLOSS_PUBKEY_LEN + 1];
	char	root[GLOSS_ID_LEN + 1];
	char	status[16];		/* visible, pending, hidden, ... */
	int	retracted;
	int	visible;
	struct store_placement place;	/* talk and span only */
};
struct api_type {			/* a stored statement's type, author */
	char	type[16];
	char	author[GLOSS_PUBKEY_LEN + 1];
};
struct api_chain {			/* parsed stored statements */
	struct statement	**st;
	size_t			  n;
	int			  failed;
};
struct api_fold {			/* what a revision's placement borrows */
	struct api_chain	 chain;
	char			*links;
};
int	 api_target(struct glossd *, struct http_response *, const char *,
	     const char *, struct api_target *);
int	 api_type_cb(const struct store_statement *, void *);
int	 api_what_is(struct glossd *, const char *, char *, size_t);
struct statement *api_stored_statement(const struct store_statement *);
int	 api_check_conversation(struct glossd *, struct http_response *,
	     const struct statement *, struct store_placement *,
	     struct api_fold *, char [GLOSS_ID_LEN + 1], int);
void	 api_fold_free(struct api_fold *);
int	 api_may_see(struct glossd *, const struct api_target *,
	     const struct statement *);
int	 api_may_act(const struct api_target *, int);
int	 api_not_visible(struct glossd *, struct http_response *,
	     const struct api_target *, const struct statement *);

/* cache.c */
#define CACHE_FILE_MIN		(16 * 1024)	/* kept in a file from here */
						/* (measured: bench/README.md) */
#define CACHE_FILES_MAX		64		/* descriptors the cache may hold */
struct cache;
struct cache	*cache_new(void);
void		 cache_free(struct cache *);
void		 cache_clear(struct cache *);
int		 cache_get(struct cache *, const char *, uint64_t, uint64_t,
		     struct http_response *, char [HTTP_ETAG_LEN]);
int		 cache_put(struct cache *, const char *, uint64_t,
		     const struct http_response *, char [HTTP_ETAG_LEN]);

/* verifier.c */
struct verifier;
struct event_base;
typedef void (*verifier_done)(void *, int);
struct verifier	*verifier_new(struct event_base *, int);
void		 verifier_submit(struct verifier *, const char *, size_t,
		     verifier_done, void *);
void		 verifier_free(struct verifier *);

/* mirror.c */
struct mirror;
struct mirror	*mirror_start(struct glossd *, struct event_base *);
void		 mirror_free(struct mirror *);
void		 api_get_mirror(struct glossd *, struct http_request *,
		     struct http_response *);

/* api_reading.c */
int	 api_check_link_review(struct glossd *, struct http_response *,
	     const struct statement *, int);
void	 api_get_reading(struct glossd *, struct http_request *,
	     struct http_response *);

/* api_mod.c */
int	 api_check_moderation(struct glossd *, struct http_response *,
	     const struct statement *, struct store_placement *,
	     char [GLOSS_ID_LEN + 1], int);
int	 api_check_posting(struct glossd *, struct http_request *,
	     struct http_response *, const struct statement *, int,
	     struct store_placement *);
void	 api_get_queue(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_flags(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_modlog(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_moderation(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_get_mine(struct glossd *, struct http_request *,
	     struct http_response *);

/* api_atom.c */
void	 api_get_feed(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_xml_escape(struct buf *, const char *, size_t);
void	 api_atom_entry(struct buf *, const char *,
	     const struct store_record *, const struct store_annotation *);

/* api_w3c.c */
enum api_prefer {			/* Prefer: return=representation */
	PREFER_MINIMAL = 0x1,		/* ldp#PreferMinimalContainer */
	PREFER_IRIS = 0x2,		/* oa#PreferContainedIRIs */
	PREFER_DESCRIPTIONS = 0x4,	/* oa#PreferContainedDescriptions */
};
int	 api_w3c_prefer(const char *);
int	 api_w3c_acceptable(const char *);
void	 api_w3c_get_container(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_w3c_get_annotation(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_w3c_post(struct glossd *, struct http_request *,
	     struct http_response *);
void	 api_w3c_options(struct glossd *, struct http_request *,
	     struct http_response *);

/* w3c_jsonld.c */
#define W3C_CONTEXT	"http://www.w3.org/ns/anno.jsonld"
struct w3c {				/* one W3C request's view */
	struct glossd	*gd;
	const char	*base;		/* cfg.base_url: every IRI's start */
	const char	*rid;		/* the record */
	int		 talk;		/* a talk's container, or 0 */
	int		 iris;		/* a page's items as IRIs */
	int		 limit;		/* annotations per page */
	int		 limit_default;
};
enum w3c_found {			/* what the public may see of an id */
	W3C_HIDDEN,			/* nothing: 404 */
	W3C_GONE,			/* a retracted annotation: 410 */
	W3C_SHOWN,			/* its JSON-LD, written */
};
/*
 * An annotation's IRI after base_url, from its rid and id: one name for it
 * in the W3C views, their Location headers and the Atom feed.
 */
#define W3C_ANNOTATION_PATH	"/annotations/%s/%s"
void		 w3c_iri(struct buf *, const struct w3c *, const char *, ...)
		     GLOSS_PRINTF(3, 4);
void		 w3c_npt(int64_t, char *, size_t);
enum store_rc	 w3c_write(const struct w3c *, struct buf *, const char *,
		     int, enum w3c_found *);

/* reading_fmt.c */
void	 reading_bibtex(const json_t *, struct buf *);
void	 reading_markdown(const json_t *, struct buf *);

/* auth.c */
struct auth;
struct auth	*auth_new(void);
void		 auth_free(struct auth *);
int		 auth_check(struct glossd *, struct http_request *,
		     struct http_response *, const struct config_keys *,
		     const char *, struct minisig_pubkey *);

/* glossd.c */
struct ratelimit;
struct glossd {
	struct config	 cfg;
	struct store	*store;
	struct auth	*auth;
	struct ratelimit *rl_key;	/* statements per signing key */
	struct ratelimit *rl_ip_writes;	/* POSTs per client address */
	struct ratelimit *rl_ip_reads;	/* GETs per client address */
	const char	*conffile;	/* reread on SIGHUP */
	struct mirror	*mirror;	/* NULL unless following a glossd */
	struct cache	*cache;		/* public answers; NULL: none */
	struct http_server *http;	/* NULL until listening */
	int64_t		 started;
	int		 disk_failed;	/* a sync failed: stop, exit 1 */
};
void	 glossd_limits(struct glossd *);

#endif /* GLOSSD_H */
