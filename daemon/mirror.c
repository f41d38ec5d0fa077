/*
 * mirror.c: following another glossd (mirror = URL in glossd.conf).
 *
 * A mirror pulls its upstream's /v1/log?after=SEQ a page at a time and
 * hands every line to the same acceptance chain a POST meets (marked as
 * a replay: the created times are past), so each statement's signature
 * and rules, and the roles of its author (curators, moderators), are
 * checked again here against this glossd's configuration; the upstream
 * is trusted for nothing but the order.  The cursor is kept in the
 * database, committed with each page's statements, so a restart resumes
 * where it stopped.  A statement that is refused stops the mirror at it,
 * since what follows may depend on it: the refusal is logged and shown
 * at GET /v1/mirror, and the mirror tries again with a growing delay, as
 * it does when the upstream cannot be reached.  Everybody else gets 403
 * read_only for writes.
 */

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "glossd.h"

#define MIRROR_TIMEOUT		30	/* seconds per request */
#define MIRROR_BACKOFF_MAX	60	/* seconds */
#define MIRROR_BODY_MAX		(64 * 1024 * 1024)

struct mirror {
	struct glossd			*gd;
	struct evhttp_connection	*conn;
	struct event			*timer;
	char				*host;
	char				*prefix;	/* the URL's path */
	int64_t				 after;		/* last seq applied */
	int64_t				 applied;	/* since start-up */
	int64_t				 page_applied;	/* not committed yet */
	int				 backoff;	/* seconds; 0: well */
	int				 caught_up;
	char				 error[256];	/* the last trouble */
	struct {
		int64_t			 seq;
		char			 id[GLOSS_ID_LEN + 1];
		char			 code[64];
	}				 refused;	/* seq 0: none */
};

static void	mirror_fetch(evutil_socket_t, short, void *);

/* Try again after a growing delay; why is logged once per change. */
static void
mirror_trouble(struct mirror *m, const char *why)
{
	struct timeval	tv = { 0, 0 };

	if (strcmp(m->error, why) != 0)
		log_warnx("mirror %s: %s", m->gd->cfg.mirror, why);
	snprintf(m->error, sizeof m->error, "%s", why);
	m->backoff = m->backoff == 0 ? 1 : m->backoff * 2;
	if (m->backoff > MIRROR_BACKOFF_MAX)
		m->backoff = MIRROR_BACKOFF_MAX;
	tv.tv_sec = m->backoff;
	evtimer_add(m->timer, &tv);
}

/* The code of a JSON error answer, for the report. */
static void
mirror_error_code(const struct http_response *resp, char *code, size_t len)
{
	json_error_t	 jerr;
	json_t		*root;
	const char	*c;

	root = json_loadb(resp->body.data, resp->body.len, 0, &jerr);
	c = json_string_value(json_object_get(json_object_get(root, "error"),
	    "code"));
	snprintf(code, len, "%s", c != NULL ? c : "refused");
	json_decref(root);
}

/*
 * Apply one log line through api_post, the chain of every POST, as a
 * replay.  Returns 0,
 * or -1 with the refusal recorded.
 */
static int
mirror_apply(struct mirror *m, const char *line, size_t len)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct api_posted	 posted;
	struct logline		 ll;
	struct buf		 body;
	const char		*errstr;
	char			 why[256];
	int			 rc = -1;

	if (logline_parse(line, len, &ll, &errstr) == -1) {
		snprintf(why, sizeof why, "after seq %lld: %s",
		    (long long)m->after, errstr);
		mirror_trouble(m, why);
		return -1;
	}
	if (ll.seq <= m->after) {		/* already applied */
		logline_clear(&ll);
		return 0;
	}
	buf_init(&body);
	logline_wire(ll.canonical, ll.canonical_len, ll.minisig, &body);
	memset(&req, 0, sizeof req);
	req.method = HTTP_POST;
	req.path = req.target = "/v1/statements";
	req.body = body.data;
	req.body_len = body.len;
	req.replay = 1;
	req.now = time(NULL);
	snprintf(req.client, sizeof req.client, "mirror");
	http_response_init(&resp);
	if (api_post(m->gd, &req, &resp, NULL, NULL, &posted) == -1)
		mirror_error_code(&resp, m->refused.code,
		    sizeof m->refused.code);
	else if (strcmp(posted.id, ll.id) != 0)
		snprintf(m->refused.code, sizeof m->refused.code,
		    "wrong_id");	/* the line's id is not its bytes' */
	else {
		m->after = ll.seq;
		m->page_applied += posted.status == 201;
		m->refused.seq = 0;
		rc = 0;
	}
	if (rc == -1) {
		m->refused.seq = ll.seq;
		snprintf(m->refused.id, sizeof m->refused.id, "%s", ll.id);
		snprintf(why, sizeof why, "seq %lld (%s) refused: %s",
		    (long long)ll.seq, ll.id, m->refused.code);
		mirror_trouble(m, why);
	}
	http_request_clear(&req);
	http_response_clear(&resp);
	buf_free(&body);
	logline_clear(&ll);
	return rc;
}

/*
 * Keep the cursor, if a page moved it from before, and commit it with
 * what the page applied, in one group (store_group).  If that fails the
 * cursor goes back to the stored one: at worst lines are applied again,
 * which changes nothing.  What the page applied counts in /v1/mirror's
 * "applied" only once it is committed.  A page already refused (refused)
 * has said its trouble.
 */
static int
mirror_commit(struct mirror *m, int64_t before, int refused)
{
	enum store_rc	rc = STORE_OK, committed;

	if (m->after != before)
		rc = store_mirror_set(m->gd->store, m->gd->cfg.mirror,
		    m->after);
	if ((committed = store_commit(m->gd->store)) == STORE_OK)
		m->applied += m->page_applied;
	m->page_applied = 0;
	if (committed == STORE_OK && rc == STORE_OK)
		return 0;
	if (store_mirror_after(m->gd->store, m->gd->cfg.mirror,
	    &m->after) != STORE_OK)
		m->after = 0;
	if (!refused)
		mirror_trouble(m, "cannot keep what was applied");
	return -1;
}

/* A page of the upstream's log: apply it, then fetch the next. */
static void
mirror_done(struct evhttp_request *req, void *arg)
{
	struct mirror	*m = arg;
	struct evbuffer	*in;
	struct timeval	 tv = { 0, 0 };
	const char	*p, *end, *nl;
	char		 why[64];
	int64_t		 before = m->after;

	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		mirror_trouble(m, "the upstream cannot be reached");
		return;
	}
	if (evhttp_request_get_response_code(req) != 200) {
		snprintf(why, sizeof why, "the upstream answered %d",
		    evhttp_request_get_response_code(req));
		mirror_trouble(m, why);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	p = (const char *)evbuffer_pullup(in, -1);
	end = p + evbuffer_get_length(in);
	for (; p != NULL && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		if (nl > p && mirror_apply(m, p, nl - p) == -1)
			break;
	}
	if (mirror_commit(m, before, p < end) == -1 || p < end)
		return;
	if (m->backoff != 0)
		log_info("mirror %s: following again", m->gd->cfg.mirror);
	m->backoff = 0;
	m->error[0] = '\0';
	/*
	 * A page that moved the cursor may have a next one; one that did
	 * not (empty, or only lines already applied) means waiting.
	 */
	m->caught_up = m->after == before;
	if (m->caught_up)
		tv.tv_sec = m->gd->cfg.mirror_interval;
	evtimer_add(m->timer, &tv);
}

static void
mirror_fetch(evutil_socket_t fd, short events, void *arg)
{
	struct mirror		*m = arg;
	struct evhttp_request	*req;
	char			*path;

	if ((req = evhttp_request_new(mirror_done, m)) == NULL) {
		mirror_trouble(m, "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    m->host);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Accept",
	    "application/x-ndjson");
	/* The upstream's own page size: its page_max may be smaller. */
	xasprintf(&path, "%s/v1/log?after=%lld", m->prefix,
	    (long long)m->after);
	if (evhttp_make_request(m->conn, req, EVHTTP_REQ_GET, path) == -1)
		mirror_trouble(m, "cannot send a request to the upstream");
	free(path);
}

/*
 * Set up following gd->cfg.mirror, if set, from where the database says
 * the last run stopped; the first request goes out once the event loop
 * runs.  NULL when there is nothing to follow; fatal if the URL cannot be
 * used, so call it before glossd leaves the terminal.
 */
struct mirror *
mirror_start(struct glossd *gd, struct event_base *base)
{
	struct mirror		*m;
	struct evhttp_uri	*uri;
	struct timeval		 now = { 0, 0 };
	const char		*host, *path;
	size_t			 len;
	int			 port;

	if (gd->cfg.mirror == NULL)
		return NULL;
	/* config.c took http:// URLs only. */
	if ((uri = evhttp_uri_parse(gd->cfg.mirror)) == NULL ||
	    (host = evhttp_uri_get_host(uri)) == NULL)
		fatalx("mirror %s: not a URL glossd can follow",
		    gd->cfg.mirror);
	m = xcalloc(1, sizeof *m);
	m->gd = gd;
	m->host = xstrdup(host);
	port = evhttp_uri_get_port(uri) == -1 ? 80 :
	    evhttp_uri_get_port(uri);
	path = evhttp_uri_get_path(uri);
	m->prefix = xstrdup(path != NULL ? path : "");
	len = strlen(m->prefix);
	while (len > 0 && m->prefix[len - 1] == '/')
		m->prefix[--len] = '\0';
	evhttp_uri_free(uri);
	if (store_mirror_after(gd->store, gd->cfg.mirror, &m->after) !=
	    STORE_OK)
		fatalx("mirror %s: cannot read where it stopped",
		    gd->cfg.mirror);
	if ((m->conn = evhttp_connection_base_new(base, NULL, m->host,
	    (unsigned short)port)) == NULL ||
	    (m->timer = evtimer_new(base, mirror_fetch, m)) == NULL)
		fatalx("mirror %s: cannot set up", gd->cfg.mirror);
	evhttp_connection_set_timeout(m->conn, MIRROR_TIMEOUT);
	evhttp_connection_set_max_body_size(m->conn, MIRROR_BODY_MAX);
	log_info("mirror %s: following from seq %lld", gd->cfg.mirror,
	    (long long)m->after);
	evtimer_add(m->timer, &now);	/* once the loop runs */
	return m;
}

void
mirror_free(struct mirror *m)
{
	if (m == NULL)
		return;
	if (m->timer != NULL)
		event_free(m->timer);
	if (m->conn != NULL)
		evhttp_connection_free(m->conn);
	free(m->host);
	free(m->prefix);
	free(m);
}

/* GET /v1/mirror: where the mirror is, and what stopped it if anything. */
void
api_get_mirror(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct mirror	*m = gd->mirror;
	struct buf	*b = &resp->body;

	if (m == NULL) {
		http_error(resp, 404, "not_mirror", "this glossd follows no "
		    "other");
		return;
	}
	http_json(resp, 200);
	buf_puts(b, "{\"upstream\":");
	jcs_write_string(b, gd->cfg.mirror, strlen(gd->cfg.mirror));
	buf_printf(b, ",\"after\":%lld,\"applied\":%lld,\"state\":\"%s\","
	    "\"retry_in\":%d,\"error\":", (long long)m->after,
	    (long long)m->applied, m->backoff != 0 ? "retrying" :
	    m->caught_up ? "caught_up" : "following", m->backoff);
	if (m->error[0] != '\0')
		jcs_write_string(b, m->error, strlen(m->error));
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"refused\":");
	if (m->refused.seq != 0) {
		buf_printf(b, "{\"seq\":%lld,\"id\":\"%s\",\"code\":",
		    (long long)m->refused.seq, m->refused.id);
		jcs_write_string(b, m->refused.code, strlen(m->refused.code));
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_puts(b, "}\n");
}
