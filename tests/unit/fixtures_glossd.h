/*
 * fixtures_glossd.h: a glossd under test, driven through its router.
 *
 * Handler tests need the same few things: a struct glossd on a
 * ":memory:" store built by the real migrations, a way to send it a
 * request exactly as http.c hands one to http_dispatch (headers
 * included), and checks on the answer (its status, the one error shape,
 * its body as JSON, its headers).  They live here, apart from
 * fixtures.c, because they link the whole daemon (libevent, SQLite),
 * which the statement-only tests do not.  Everything a test keeps is
 * freed with the glossd, so a failing assertion does not also leak.
 */

#ifndef FIXTURES_GLOSSD_H
#define FIXTURES_GLOSSD_H

#include "glossd.h"
#include "fixtures.h"

#define FIXTURE_BASE	"https://gloss.test"	/* cfg.base_url */

struct fixture_glossd {
	struct glossd		  gd;

	/* The request in flight and its answer, cleared by the next one. */
	struct http_request	  req;
	struct http_response	  resp;
	char			 *path;
	char			 *target;
	int			  active;

	/* Whatever a test kept, freed by fixture_glossd_free. */
	void			**mems;
	size_t			  nmems;
	json_t			**jsons;
	size_t			  njsons;
	struct statement	**sts;
	size_t			  nsts;
};

/* Request headers to send; a NULL member is not sent. */
struct fixture_headers {
	const char	*accept;
	const char	*prefer;
	const char	*if_none_match;
	const char	*authz;
};

struct fixture_glossd	*fixture_glossd_new(void);
void			 fixture_glossd_free(struct fixture_glossd *);
void			*fixture_keep(struct fixture_glossd *, void *);
json_t			*fixture_keep_json(struct fixture_glossd *, json_t *);
struct statement	*fixture_keep_st(struct fixture_glossd *,
			    struct statement *);
void			 fixture_dispatch(struct fixture_glossd *,
			    enum http_method, const char *, const char *,
			    size_t, const struct fixture_headers *);
const char		*fixture_body(struct fixture_glossd *);
void			 fixture_status(struct fixture_glossd *, int);
json_t			*fixture_json(struct fixture_glossd *);
void			 fixture_error(struct fixture_glossd *, int,
			    const char *);
const char		*fixture_header(const struct fixture_glossd *,
			    const char *);
int64_t			 fixture_post(struct fixture_glossd *,
			    const struct fixture_key *,
			    const struct statement *);

#endif /* FIXTURES_GLOSSD_H */
