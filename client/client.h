/*
 * client.h: the gloss command-line client's modules.
 *
 * One file per group of commands, each exporting its entries for the table
 * in gloss.c; the network, key handling and output formatting are shared
 * by all of them.
 */

#ifndef CLIENT_H
#define CLIENT_H

#include "gloss.h"

/* Exit codes, as minisign uses them. */
#define EXIT_OK		0
#define EXIT_REFUSED	1	/* refused, or verification failed */
#define EXIT_USAGE	2	/* usage, I/O or network */

struct event_base;
struct evhttp_connection;

struct client {
	const char			*server;	/* base URL */
	const char			*keyfile;	/* NULL: default */
	int				 json;
	int				 color;
	struct event_base		*base;
	struct evhttp_connection	*conn;
	char				*host;
	int				 port;
	const struct minisig_seckey	*signer;	/* signs requests */
	/* What operands resolved to (cmd_statement_id, cmd_public_key). */
	char				 id[GLOSS_ID_LEN + 1];
	char				 key[GLOSS_PUBKEY_LEN + 1];
	int				 rate_wait;	/* s post may wait */
};

struct cmd {
	const char	*name;
	const char	*usage;
	int		(*exec)(struct client *, int, char **);
};

/* net.c */
struct net_response {
	int		status;
	int		retry_after;	/* seconds a 429 says; 0: none */
	struct buf	body;
};
int	 net_request(struct client *, const char *, const char *,
	     const char *, size_t, struct net_response *);
void	 net_response_clear(struct net_response *);
json_t	*net_get_json(struct client *, const char *, int *);
json_t	*net_get_pages(struct client *, const char *, const char *, size_t,
	     int *);
json_t	*net_get_at(struct client *, const char *, const char *,
	     const char *, int *);
int	 net_get_own(struct client *, const char *, struct net_response *);
json_t	*net_get_own_at(struct client *, const char *, const char *,
	     const char *, int *);
int	 net_refused(const struct net_response *);
void	 net_close(struct client *);
char	*net_escape(const char *);
void	 net_query(struct buf *, const char *, const char *);
int	 net_log_walk(struct client *, int64_t *, int64_t *,
	     int (*)(const char *, size_t, int64_t *, void *), void *);

/* files.c */
char	*file_read(const char *, size_t, size_t *);
int	 file_write(const char *, const void *, size_t, mode_t);
/* The directories file_mkdirs created, in the order it made them. */
struct file_made {
	char	**dirs;
	size_t	  n;
};
int	 file_mkdirs(const char *, mode_t, struct file_made *);
void	 file_rmdirs(struct file_made *);
void	 file_made_clear(struct file_made *);

/* keys.c */
char	*keys_default_path(const char *);
char	*keys_secret_path(struct client *);
struct minisig_seckey *keys_load_secret(struct client *,
	     struct minisig_pubkey *);
char	*keys_passphrase(const char *, int, const char **);
void	 keys_passphrase_free(char *);
time_t	 keys_created(const struct minisig_pubkey *);

/* output.c */
void	 out_init(struct client *);
void	 out_text(FILE *, const char *, size_t, const char *);
void	 out_line(FILE *, const char *, size_t);
void	 out_entry(struct client *, json_t *, const char *);
void	 out_body(json_t *, const char *);
void	 out_when(json_t *, char *, size_t);
void	 out_who(struct client *, FILE *, const char *, const char *);
void	 out_field(FILE *, const char *, const char *);
void	 out_json(json_t *);
void	 out_status(FILE *, json_t *);
const char *out_color(struct client *, const char *);
void	 out_keyid(const char *, char [17]);
void	 out_fingerprint(const char *, char [10]);

/* cmd_verify.c, shared with the bundle commands */
struct verified {
	char			*canonical;
	size_t			 canonical_len;
	char			*minisig;
	struct statement	*st;
};
void	 verified_clear(struct verified *);
int	 verify_bytes(struct verified *, const char *);
int	 verify_statement(struct client *, const char *, struct verified *);
int	 verify_line(const char *, size_t, struct verified *, int64_t *);

/* cmd_bundle.c */
struct bundle_walk {			/* called for each good statement */
	int	(*cb)(const struct verified *, void *);	/* 0 or stop */
	void	 *arg;
	int	  stopped;		/* cb failed: the walk ended */
};
int	 bundle_export(struct client *, const char *, const char *);
int	 bundle_check(const char *, struct bundle_walk *, int64_t *);

/* tty.c */
int	 tty_keypress(FILE *);
char	*tty_line(FILE *, const char *);

/* gloss.c */
struct option;
int	 cmd_getopt(int, char **, const char *, const struct option *);
int	 cmd_usage(const char *);
int	 cmd_arity(int, char **, const char *, int);
int	 cmd_operands(struct client *, int, char **, const char *, int);
void	 cmd_error(const char *, ...) GLOSS_PRINTF(1, 2);
int	 cmd_misuse(const char *, ...) GLOSS_PRINTF(1, 2);
int	 cmd_after(int, char **, int64_t *, int *, const char *);
int64_t	 cmd_number(const char *, const char *, int64_t, int64_t);
int	 cmd_one_of(const char *, const char *, int, const char *);
int	 cmd_kind(const char *);
/* What cmd_statement_id takes, for messages. */
#define CMD_ID_FORM	\
	"an id is 64 hex digits, or its first 4 or more, in either case"
/*
 * Bytes of a text shown beside each id a prefix begins, fewer than the
 * server sends (API_IDS_TEXT), so that "..." says truly when it is cut.
 */
#define CMD_ID_TEXT	40
int	 cmd_id_form(const char *);
int	 cmd_statement_id(struct client *, char **);
int	 cmd_id_operand(struct client *, int, char **);
int	 cmd_public_key(struct client *, char **, const char *, json_t **);
const char *cmd_word(const char *);

/* cmd_*.c */
int	 cmd_keygen(struct client *, int, char **);
int	 cmd_record(struct client *, int, char **);
int	 cmd_records(struct client *, int, char **);
int	 cmd_post(struct client *, int, char **);
int	 cmd_comment(struct client *, int, char **);
int	 cmd_critique(struct client *, int, char **);
int	 cmd_reading(struct client *, int, char **);
int	 cmd_list(struct client *, int, char **);
int	 cmd_show(struct client *, int, char **);
int	 cmd_verify(struct client *, int, char **);
int	 cmd_export(struct client *, int, char **);
int	 cmd_reply(struct client *, int, char **);
int	 cmd_edit(struct client *, int, char **);
int	 cmd_retract(struct client *, int, char **);
int	 cmd_endorse(struct client *, int, char **);
int	 cmd_unendorse(struct client *, int, char **);
int	 cmd_profile(struct client *, int, char **);
int	 cmd_whois(struct client *, int, char **);
int	 cmd_history(struct client *, int, char **);
int	 cmd_thread(struct client *, int, char **);
int	 cmd_search(struct client *, int, char **);
int	 cmd_import_log(struct client *, int, char **);
int	 cmd_verify_log(struct client *, int, char **);
int	 cmd_mod(struct client *, int, char **);
int	 cmd_flag(struct client *, int, char **);
int	 cmd_mine(struct client *, int, char **);
int	 cmd_links(struct client *, int, char **);
int	 cmd_review(struct client *, int, char **);
int	 cmd_verify_bundle(struct client *, int, char **);
int	 cmd_import(struct client *, int, char **);
int	 cmd_review_link(struct client *, int, char **);
int	 reading_list(struct client *, int, char **);
json_t	*reading_entries(struct client *, const char *, long, const char *,
	     int *);
int	 reading_citation(json_t *, const char **, const char **);
json_t	*review_statement(const char *, const char *, const char *,
	     const char *, const char *);

/* cmd_post.c, shared with the commands that sign and send or ask by time */
int	 post_statement(struct client *, json_t *,
	     const struct minisig_seckey *, char [GLOSS_ID_LEN + 1]);
int	 post_resolve_at(struct client *, const char *, const char *, int,
	     int64_t *, int64_t *);
int	 post_signed(struct client *, const char *, json_t *);
int	 post_as(struct client *, const char *, json_t *,
	     const struct minisig_seckey *, const struct minisig_pubkey *,
	     char [GLOSS_ID_LEN + 1]);
json_t	*post_created(const struct minisig_pubkey *);
int	 post_wire(struct client *, const char *, size_t, const char *,
	     struct net_response *);

#endif /* CLIENT_H */
