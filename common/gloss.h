/*
 * gloss.h: libgloss, the code glossd and gloss share.
 *
 * Both sides must agree byte for byte on what a statement is, how it is
 * canonicalized and how it is signed, so all of that lives here and nowhere
 * else.  Prototypes are grouped by the file that defines them, tmux-style.
 */

#ifndef GLOSS_H
#define GLOSS_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define GLOSS_MAX_SAFE_INT	9007199254740991LL	/* 2^53 - 1 */
#define GLOSS_ID_LEN		64	/* lowercase hex SHA-256 */
#define GLOSS_PUBKEY_LEN	56	/* base64 minisign public key, "RW..." */
#define GLOSS_RID_MAX		64	/* record ids: [a-z0-9][a-z0-9._-]* */
#define GLOSS_NAME_MAX		64	/* profile names, in characters */

#define GLOSS_PRINTF(a, b)	__attribute__((format(printf, a, b)))
#define GLOSS_DEAD		__attribute__((noreturn))

/* buf.c */
struct buf {
	char	*data;		/* always NUL-terminated once non-empty */
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) GLOSS_PRINTF(2, 3);
void	 buf_vprintf(struct buf *, const char *, va_list) GLOSS_PRINTF(2, 0);
char	*buf_take(struct buf *);

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) GLOSS_PRINTF(2, 3);

/* log.c */
extern int log_verbose;
void	 log_init(const char *, int, int);
void	 log_warn(const char *, ...) GLOSS_PRINTF(1, 2);
void	 log_warnx(const char *, ...) GLOSS_PRINTF(1, 2);
void	 log_info(const char *, ...) GLOSS_PRINTF(1, 2);
void	 log_debug_(const char *, ...) GLOSS_PRINTF(1, 2);
#define log_debug(...) do {						\
	if (log_verbose > 1)						\
		log_debug_(__VA_ARGS__);				\
} while (0)
void	 fatal(const char *, ...) GLOSS_PRINTF(1, 2) GLOSS_DEAD;
void	 fatalx(const char *, ...) GLOSS_PRINTF(1, 2) GLOSS_DEAD;

/* jcs.c */
enum jcs_error {
	JCS_OK,
	JCS_E_SYNTAX,		/* not JSON */
	JCS_E_UTF8,		/* invalid UTF-8 in the input or a string */
	JCS_E_DUPLICATE,	/* an object names a member twice */
	JCS_E_NUMBER,		/* fraction, exponent, or negative number */
	JCS_E_RANGE,		/* integer above 2^53 - 1 */
	JCS_E_SURROGATE,	/* \uD800-\uDFFF escape not in a valid pair */
	JCS_E_NAME,		/* member name not ASCII, or holds NUL */
	JCS_E_DEPTH,		/* nested deeper than JCS_MAX_DEPTH */
	JCS__MAX
};
#define JCS_MAX_DEPTH	32
struct jcs_err {
	enum jcs_error	code;
	size_t		offset;		/* byte offset in the input */
	char		message[160];	/* one human sentence */
};
json_t		*jcs_parse(const char *, size_t, struct jcs_err *);
int		 jcs_serialize(const json_t *, struct buf *, struct jcs_err *);
void		 jcs_write_string(struct buf *, const char *, size_t);
const char	*jcs_error_code(enum jcs_error);
int		 jcs_utf8_valid(const char *, size_t);
size_t		 jcs_utf8_len(const unsigned char *, size_t);
size_t		 jcs_utf8_cut(const char *, size_t, size_t);

/* minisig.c */
#define MINISIG_KEYNUM_LEN	8
#define MINISIG_TRUSTED_MAX	1024
enum minisig_status {
	MINISIG_OK,
	MINISIG_E_MALFORMED,	/* not the 4-line minisign text */
	MINISIG_E_LEGACY,	/* "Ed" (not prehashed): refused */
	MINISIG_E_KEY_MISMATCH,	/* key id differs from the public key */
	MINISIG_E_SIGNATURE,	/* signature over the message fails */
	MINISIG_E_GLOBAL,	/* signature over the trusted comment fails */
};
struct minisig_pubkey {
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	pk[32];
};
struct minisig_seckey {			/* always in sodium_malloc memory */
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	sk[64];
};
struct minisig {
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	sig[64];
	char	trusted[MINISIG_TRUSTED_MAX + 1];
	uint8_t	global_sig[64];
};
typedef const char *(*minisig_pass_cb)(void *);
int	 minisig_pubkey_parse(const char *, size_t, struct minisig_pubkey *,
	     const char **);
int	 minisig_pubkey_load(const char *, struct minisig_pubkey *,
	     const char **);
void	 minisig_pubkey_format(const struct minisig_pubkey *,
	     char [GLOSS_PUBKEY_LEN + 1]);
char	*minisig_pubkey_file(const struct minisig_pubkey *);
void	 minisig_keyid(const struct minisig_pubkey *, char [17]);
struct minisig_seckey *minisig_keygen(struct minisig_pubkey *);
void	 minisig_seckey_pubkey(const struct minisig_seckey *,
	     struct minisig_pubkey *);
int	 minisig_seckey_write(const char *, const struct minisig_seckey *,
	     const char *, int, const char **);
struct minisig_seckey *minisig_seckey_read(const char *, minisig_pass_cb,
	     void *, const char **);
void	 minisig_seckey_free(struct minisig_seckey *);
char	*minisig_sign(const struct minisig_seckey *, const void *, size_t,
	     const char *, const char *);
enum minisig_status minisig_parse(const char *, size_t, struct minisig *,
	     const char **);
enum minisig_status minisig_verify(const struct minisig *,
	     const struct minisig_pubkey *, const void *, size_t);
const char *minisig_status_string(enum minisig_status);

/* reqsig.c */
#define REQSIG_WINDOW	300	/* seconds a signed request stays good */
char	*reqsig_sign(const struct minisig_seckey *, const char *,
	     const char *, time_t);
int	 reqsig_verify(const char *, const char *, const char *, time_t, int,
	     struct minisig_pubkey *, const char **);

/* timefmt.c */
int	 timefmt_parse(const char *, int64_t *, const char **);
int	 timefmt_parse_range(const char *, int64_t *, int64_t *,
	     const char **);
void	 timefmt_format(int64_t, char *, size_t);
void	 timefmt_rfc3339(time_t, char [21]);
int	 timefmt_parse_rfc3339(const char *, time_t *);

/* citing.c: where a reading list's entry was cited, in words */
struct citing {
	size_t	 n;		/* citations, listed or not */
	int64_t	*times;		/* distinct seconds, ascending */
	size_t	 ntimes;
	int64_t	*talks;		/* distinct talks, ascending */
	size_t	 ntalks;
	int	 whole;		/* one is of the whole record */
	int	 untimed;	/* one is of a whole talk */
};
void	 citing_get(const json_t *, struct citing *);
void	 citing_clear(struct citing *);
void	 citing_at(struct buf *, const struct citing *);
void	 citing_in(struct buf *, const struct citing *);
const char *citing_replaced(const char *);

/* link.c */
enum link_type {
	LINK_URL,			/* an http or https URL */
	LINK_ARXIV,			/* an arXiv identifier */
	LINK_DOI,			/* a DOI */
};
/*
 * A follow-up link as posted, parsed and normalized.  The posted URL stays
 * in the signed statement; everything here is derived from it, so a better
 * normalization only needs the views recomputed (LINK_NORM_VERSION).
 */
#define LINK_NORM_VERSION	2
struct link {
	enum link_type	 type;
	char		*key;	/* identity: arxiv:ID, doi:10.x/y, https://... */
	char		*href;	/* where to fetch it */
};
int		 link_parse(const char *, size_t, struct link *, char *,
		    size_t);
void		 link_clear(struct link *);
const char	*link_type_name(enum link_type);

/* logline.c */
struct logline {
	int64_t		 seq;
	char		 id[GLOSS_ID_LEN + 1];
	const char	*canonical;	/* S, borrowed from the line */
	size_t		 canonical_len;
	char		*minisig;	/* owned */
};
int		 logline_parse(const char *, size_t, struct logline *,
		    const char **);
void		 logline_clear(struct logline *);
void		 logline_wire(const char *, size_t, const char *,
		    struct buf *);

/* search.c */
#define SEARCH_QUERY_MAX	256	/* bytes */
#define SEARCH_WORDS_MAX	16
int		 search_query_valid(const char *);

/* statement.c */
enum stmt_type {
	STMT_RECORD,
	STMT_ANNOTATION,
	STMT_REVISION,
	STMT_RETRACTION,
	STMT_ENDORSE,
	STMT_UNENDORSE,
	STMT_PROFILE,
	STMT_FLAG,
	STMT_MODERATION,
	STMT_LINK_REVIEW,
	STMT__MAX
};
enum stmt_action {			/* what a moderation statement does */
	ACTION_APPROVE,
	ACTION_REJECT,
	ACTION_HIDE,
	ACTION_RESTORE,
	ACTION_BAN,
	ACTION_UNBAN,
	ACTION_TRUST,
	ACTION_LOCK,
	ACTION_UNLOCK,
	ACTION__MAX
};
enum stmt_kind {
	KIND_COMMENT,
	KIND_CRITIQUE,
	KIND_READING,
	KIND__MAX
};
struct stmt_link {
	const char	*url;		/* borrowed from the statement's JSON */
	const char	*title;		/* NULL if absent */
};
struct stmt_talk {
	int64_t		 start;		/* ms into the recording */
	const char	*speaker;
	const char	*title;
	const char	*description;	/* NULL if absent */
};
/* An annotation, or a revision of one (which names it in "of"). */
struct stmt_annotation {
	const char		*record;	/* NULL in a revision */
	const char		*of;		/* revision: the annotation */
	enum stmt_kind		 kind;
	int			 has_kind;	/* a revision may omit it */
	int			 talk;		/* 1-based, 0 if absent */
	int64_t			 at_start;	/* -1 if absent */
	int64_t			 at_end;	/* -1 if absent */
	const char		*text;
	size_t			 text_len;
	struct stmt_link	*links;
	size_t			 nlinks;
	int			 has_links;	/* "links" present, maybe [] */
	const char		*reply_to;	/* NULL if absent */
};
struct stmt_retraction {
	const char		*of;		/* annotation or endorse id */
	const char		*reason;	/* NULL if absent */
};
struct stmt_endorse {				/* endorse and unendorse */
	const char		*subject;	/* annotation id */
};
struct stmt_profile {
	const char		*name;
	const char		*url;		/* NULL if absent */
	const char		*about;		/* NULL if absent */
};
struct stmt_flag {
	const char		*subject;	/* annotation id */
	const char		*reason;	/* spam, abuse, off-topic, ... */
	const char		*note;		/* NULL if absent */
};
struct stmt_moderation {
	enum stmt_action	 action;
	const char		*subject;	/* annotation id, key or record */
	int			 talk;		/* lock/unlock: 0 = record */
	const char		*reason;	/* NULL if absent */
};
enum stmt_verdict {			/* what a link review says */
	VERDICT_OK,
	VERDICT_RELEVANT,
	VERDICT_IRRELEVANT,
	VERDICT_BROKEN,
	VERDICT_MOVED,
	VERDICT_PAYWALLED,
	VERDICT_DUPLICATE,
	VERDICT_SPAM,
	VERDICT__MAX
};
struct stmt_link_review {
	const char		*subject;	/* annotation id */
	const char		*url;		/* one of its links */
	enum stmt_verdict	 verdict;
	const char		*note;		/* NULL if absent */
	const char		*replacement;	/* moved, duplicate; or NULL */
	int			 checked;	/* carries a "check" result */
	int64_t			 check_status;	/* HTTP status, 0 for none */
	const char		*check_final;	/* NULL if absent */
	const char		*check_error;	/* NULL if absent */
};
struct stmt_record {
	const char		*rid;
	const char		*title;
	const char		*event;		/* NULL if absent */
	int64_t			 duration;	/* ms */
	struct stmt_talk	*talks;
	size_t			 ntalks;
};
struct stmt_limits {
	size_t	max_text;
	size_t	max_links;
	size_t	max_url;
};
struct statement {
	enum stmt_type		 type;
	json_t			*root;		/* owned */
	char			 author[GLOSS_PUBKEY_LEN + 1];
	struct minisig_pubkey	 key;
	time_t			 created;
	char			 created_text[21];
	char			*canonical;	/* S, NUL-terminated, owned */
	size_t			 canonical_len;
	char			 id[GLOSS_ID_LEN + 1];
	union {
		struct stmt_annotation	annotation;	/* and revision */
		struct stmt_record	record;
		struct stmt_retraction	retraction;
		struct stmt_endorse	endorse;	/* and unendorse */
		struct stmt_profile	profile;
		struct stmt_flag	flag;
		struct stmt_moderation	moderation;
		struct stmt_link_review	link_review;
	} u;
};
extern const struct stmt_limits stmt_default_limits;
const char	*stmt_type_name(enum stmt_type);
const char	*stmt_kind_name(enum stmt_kind);
const char	*stmt_action_name(enum stmt_action);
const char	*stmt_verdict_name(enum stmt_verdict);
int		 stmt_verdict_replaces(enum stmt_verdict);
int		 stmt_verdict_from_name(const char *, enum stmt_verdict *);
int		 stmt_action_from_name(const char *, enum stmt_action *);
int		 stmt_kind_from_name(const char *, enum stmt_kind *);
const char	*stmt_kind_list(void);
const char	*stmt_verdict_list(void);
int		 stmt_flag_reason_valid(const char *);
const char	*stmt_flag_reason_list(void);
int		 stmt_reading_status_valid(const char *);
const char	*stmt_reading_status_list(void);
int		 stmt_reading_format_valid(const char *);
const char	*stmt_reading_format_list(void);
int		 stmt_rid_valid(const char *);
int		 stmt_id_valid(const char *);
const char	*stmt_name_fault(const char *);
struct statement *stmt_from_json(json_t *, const struct stmt_limits *,
		     const char **, char **);
void		 stmt_free(struct statement *);
char		*stmt_sign(const struct statement *,
		     const struct minisig_seckey *);
void		 stmt_trusted_comment(const char *, char *, size_t);
int		 stmt_verify(const struct statement *, const char *, size_t,
		     const char **, char **);
void		 stmt_sha256_hex(const void *, size_t,
		     char [GLOSS_ID_LEN + 1]);

#endif /* GLOSS_H */
