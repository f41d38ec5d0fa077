/*
 * fixtures.h: real signed statements for unit tests.
 *
 * Tests of the store, the policy and the API need statements that went
 * through stmt_from_json exactly as posted ones do, signed by real keys,
 * rather than hand-filled structs that could drift from what the parser
 * produces.  These helpers build them; a statement the parser refuses
 * fails the calling cmocka test with the parser's message.
 */

#ifndef FIXTURES_H
#define FIXTURES_H

#include "gloss.h"

#define FIXTURE_DURATION	600000	/* ms: a 10 minute record */

struct fixture_key {
	struct minisig_seckey	*sk;			/* sodium_malloc'd */
	struct minisig_pubkey	 pk;
	char			 pubkey[GLOSS_PUBKEY_LEN + 1];	/* "RW..." */
};

/* Three keys for a test group, made by fixture_group_setup. */
extern struct fixture_key *key_curator, *key_other, *key_third;

int			 fixture_group_setup(void **);
int			 fixture_group_teardown(void **);
struct fixture_key	*fixture_key_new(void);
struct fixture_key	*fixture_key_escaped(void);
void			 fixture_key_free(struct fixture_key *);
struct statement	*fixture_statement(json_t *);
struct statement	*fixture_record(const struct fixture_key *,
			    const char *);
struct statement	*fixture_annotation(const struct fixture_key *,
			    const char *, const char *, int, int64_t, int64_t,
			    const char *);
char			*fixture_sign(const struct fixture_key *,
			    const struct statement *);
struct statement	*fixture_dated(const struct fixture_key *,
			    const char *, time_t, json_t *);
char			*fixture_wire(const struct fixture_key *,
			    const struct statement *);

#endif /* FIXTURES_H */
