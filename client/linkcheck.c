/*
 * linkcheck.c: asking the servers of many links, a few at a time, whether
 * each link still leads somewhere.
 *
 * One event loop runs up to N checks side by side, each with one deadline
 * for all its hops.  A check asks with HEAD, and again with GET when a
 * server refuses HEAD (405, 501, or a 400 or 403 given to HEAD alone); it
 * follows redirects itself so that it sees every hop: where each leads,
 * how many there are, whether they loop.  The headers of a response say
 * all a check needs, so it hangs up instead of reading the body, however
 * large.  Each hop has a connection of its own, and every connection is
 * freed outside evhttp's callbacks.  HTTPS verifies the chain and the host
 * name as a browser does: a link that only works once a warning is
 * clicked away is broken.
 *
 * A 2xx at the end is moved if the permanent redirects (301, 308) the
 * link starts with lead to a URL with another key (link.c, so the
 * scheme, a default port or tracking parameters make no difference), and
 * ok otherwise: a temporary one (302, 303, 307) says the link itself is
 * still the one to use (RFC 9110, 15.4), wherever it leads today.  So a
 * moved link's replacement is where the permanent ones led, not where a
 * temporary one then went.  A DOI or arXiv link names a paper, and its
 * resolver redirects by design, so a paper cannot move.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "gloss.h"
#include "linkcheck.h"

#define LC_URL_MAX	2048		/* glossd's default max_url */
#define LC_HEADERS_MAX	(64 * 1024)

struct linkcheck;

/* One link being checked. */
struct lc_check {
	struct linkcheck	*lc;
	struct linkcheck_link	*link;
	struct link		 parsed;	/* the href's key and type */
	char			*seen[LINKCHECK_REDIRECTS + 1];
	int			 hops;		/* seen[hops] is being asked */
	int			 permanent;	/* leading 301s, 308s */
	enum evhttp_cmd_type	 method;
	struct evhttp_uri	*uri;		/* this hop's */
	char			*name;		/* its host, no brackets */
	struct evdns_getaddrinfo_request *lookup;
	struct evhttp_connection *conn;
	struct event		*deadline;
	struct event		*step;		/* what to do after a hop */
	struct timespec		 start;

	/* What this hop got. */
	int			 status;	/* 0 until headers came */
	char			*location;
	int			 failed;	/* evhttp gave an error */
	enum evhttp_request_error reqerr;
	int			 syserr;	/* errno at that moment */
	char			 tlserr[LINKCHECK_ERROR_MAX];
};

struct linkcheck {
	const struct linkcheck_options *opt;
	struct event_base	*base;
	struct evdns_base	*dns;
	SSL_CTX			*ssl;
	struct lc_check		*checks;
	size_t			 n;
	size_t			 started;
	size_t			 finished;
	int			 cancelled;	/* lookups yet to say so */
	int			 filling;	/* in lc_fill */
};

static const char *lc_verdict_names[LINKCHECK__MAX] = {
	[LINKCHECK_OK] = "ok",
	[LINKCHECK_MOVED] = "moved",
	[LINKCHECK_BROKEN] = "broken",
	[LINKCHECK_UNSURE] = "unsure",
};

static void	lc_ask(struct lc_check *, enum evhttp_cmd_type);
static void	lc_fail(struct lc_check *, enum linkcheck_verdict,
		    const char *, ...) GLOSS_PRINTF(3, 4);

const char *
linkcheck_verdict_name(enum linkcheck_verdict verdict)
{
	return lc_verdict_names[verdict];
}

/* Free what linkcheck_run filled in; the href stays the caller's. */
void
linkcheck_clear(struct linkcheck_link *l)
{
	free(l->final);
	free(l->moved_to);
	free(l->error);
	l->final = l->moved_to = l->error = NULL;
}

static int64_t
lc_ms_since(const struct timespec *start)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* A URL glossd would store: not too long, valid UTF-8, nothing blank. */
static int
lc_url_valid(const char *url)
{
	const unsigned char	*p;
	size_t			 len = strlen(url);

	if (len == 0 || len > LC_URL_MAX || !jcs_utf8_valid(url, len))
		return 0;
	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * The absolute path with its "." and ".." segments applied, as RFC 3986
 * section 5.2.4 does; the caller frees it.
 */
static char *
lc_remove_dots(const char *path)
{
	char	*out = xmalloc(strlen(path) + 2);
	size_t	 n = 0, len;

	while (*path == '/') {
		path++;
		len = strcspn(path, "/");
		if (len == 1 && path[0] == '.') {
			if (path[1] == '\0')
				out[n++] = '/';
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			while (n > 0 && out[--n] != '/')
				/* drop the last segment */;
			if (path[2] == '\0')
				out[n++] = '/';
		} else {
			out[n++] = '/';
			memcpy(out + n, path, len);
			n += len;
		}
		path += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/*
 * Make r, a reference without a scheme, absolute against b (RFC 3986
 * section 5.2.2).  Returns 0, or -1 if evhttp refuses a part.
 */
static int
lc_absolute(struct evhttp_uri *r, const struct evhttp_uri *b)
{
	const char	*path = evhttp_uri_get_path(r);
	const char	*bpath = evhttp_uri_get_path(b), *slash;
	char		*merged;
	int		 rc = 0;

	if (path == NULL)
		path = "";
	if (bpath == NULL)
		bpath = "";
	if (evhttp_uri_set_scheme(r, evhttp_uri_get_scheme(b)) == -1)
		return -1;
	if (evhttp_uri_get_host(r) != NULL)
		return 0;
	if (evhttp_uri_set_host(r, evhttp_uri_get_host(b)) == -1 ||
	    evhttp_uri_set_port(r, evhttp_uri_get_port(b)) == -1)
		return -1;
	if (*path == '\0') {
		rc = evhttp_uri_set_path(r, bpath);
		if (rc == 0 && evhttp_uri_get_query(r) == NULL)
			rc = evhttp_uri_set_query(r, evhttp_uri_get_query(b));
	} else if (*path != '/') {
		/* A relative path goes under the base's directory. */
		slash = strrchr(bpath, '/');
		xasprintf(&merged, "%.*s/%s", slash != NULL ?
		    (int)(slash - bpath) : 0, bpath, path);
		rc = evhttp_uri_set_path(r, merged);
		free(merged);
	}
	return rc;
}

/*
 * The URL a Location header names, resolved against base, without its
 * fragment.  NULL unless both parse and the result passes lc_url_valid.
 */
static char *
lc_resolve(const char *base, const char *ref)
{
	struct evhttp_uri	*b, *r;
	const char		*path;
	char			 out[LC_URL_MAX + 1], *clean = NULL;
	char			*result = NULL;

	b = evhttp_uri_parse_with_flags(base, EVHTTP_URI_NONCONFORMANT);
	r = evhttp_uri_parse_with_flags(ref, EVHTTP_URI_NONCONFORMANT);
	if (b == NULL || r == NULL)
		goto out;
	if (evhttp_uri_get_scheme(r) == NULL && lc_absolute(r, b) == -1)
		goto out;
	if ((path = evhttp_uri_get_path(r)) != NULL && *path == '/') {
		clean = lc_remove_dots(path);
		if (evhttp_uri_set_path(r, clean) == -1)
			goto out;
	}
	evhttp_uri_set_fragment(r, NULL);
	if (evhttp_uri_join(r, out, sizeof out) != NULL && lc_url_valid(out))
		result = xstrdup(out);
out:
	if (b != NULL)
		evhttp_uri_free(b);
	if (r != NULL)
		evhttp_uri_free(r);
	free(clean);
	return result;
}

/*
 * Drop this hop: its lookup (whose callback still comes, to say it was
 * cancelled), its connection and what it got.
 */
static void
lc_hangup(struct lc_check *chk)
{
	if (chk->lookup != NULL) {
		evdns_getaddrinfo_cancel(chk->lookup);
		chk->lc->cancelled++;
	}
	chk->lookup = NULL;
	if (chk->conn != NULL)
		evhttp_connection_free(chk->conn);
	chk->conn = NULL;
	if (chk->uri != NULL)
		evhttp_uri_free(chk->uri);
	chk->uri = NULL;
	free(chk->name);
	chk->name = NULL;
	free(chk->location);
	chk->location = NULL;
}

static void
lc_start_next(struct linkcheck *lc)
{
	struct lc_check	*chk = &lc->checks[lc->started++];
	struct timeval	 tv = { lc->opt->timeout, 0 };
	char		 err[LINKCHECK_ERROR_MAX];
	const char	*href = chk->link->href;

	clock_gettime(CLOCK_MONOTONIC, &chk->start);
	evtimer_add(chk->deadline, &tv);
	if (lc->opt->progress_cb != NULL)
		lc->opt->progress_cb(lc->finished, lc->n, href, lc->opt->arg);
	chk->seen[0] = xstrdup(href);
	if (link_parse(href, strlen(href), &chk->parsed, err, sizeof err) ==
	    -1)
		lc_fail(chk, LINKCHECK_UNSURE, "%s", err);
	else
		lc_ask(chk, EVHTTP_REQ_HEAD);
}

/*
 * The verdict on the last answer: 404 and 410 are broken, any other
 * non-2xx proves nothing, and a 2xx is ok or moved by the key of the URL
 * the permanent redirects led to.
 */
static void
lc_judge(struct lc_check *chk)
{
	struct linkcheck_link	*l = chk->link;
	struct link		 moved;
	const char		*url = chk->seen[chk->permanent];
	char			 err[LINKCHECK_ERROR_MAX] =
				    "moved to an invalid link: ";
	size_t			 len = strlen(err);

	if (chk->status == 404 || chk->status == 410)
		l->verdict = LINKCHECK_BROKEN;
	else if (chk->status < 200 || chk->status > 299)
		l->verdict = LINKCHECK_UNSURE;
	else if (chk->permanent == 0 || chk->parsed.type != LINK_URL)
		l->verdict = LINKCHECK_OK;
	else if (link_parse(url, strlen(url), &moved, err + len,
	    sizeof err - len) == -1) {
		l->verdict = LINKCHECK_UNSURE;
		l->error = xstrdup(err);
	} else {
		if (strcmp(moved.key, chk->parsed.key) == 0)
			l->verdict = LINKCHECK_OK;
		else {
			l->verdict = LINKCHECK_MOVED;
			l->moved_to = xstrdup(url);
		}
		link_clear(&moved);
	}
}

/*
 * Start checks until opt->concurrency run or none is left.  A check can
 * end as it starts (a link that does not parse, a private address); the
 * lc_fill its lc_finish calls then returns at once and this loop goes
 * on, so no run of such links nests calls.
 */
static void
lc_fill(struct linkcheck *lc)
{
	if (lc->filling)
		return;
	lc->filling = 1;
	while (lc->started < lc->n &&
	    lc->started - lc->finished < (size_t)lc->opt->concurrency)
		lc_start_next(lc);
	lc->filling = 0;
}

/* The check is over: record it and start the next one, if any. */
static void
lc_finish(struct lc_check *chk)
{
	struct linkcheck	*lc = chk->lc;
	struct linkcheck_link	*l = chk->link;

	lc_hangup(chk);
	event_del(chk->deadline);
	event_del(chk->step);
	if (l->error == NULL)
		lc_judge(chk);
	l->status = chk->status;
	l->final = xstrdup(chk->seen[chk->hops]);
	l->ms = lc_ms_since(&chk->start);
	if (++lc->finished == lc->n)
		event_base_loopbreak(lc->base);
	else
		lc_fill(lc);
}

/* End the check with verdict and a short text saying what went wrong. */
static void
lc_fail(struct lc_check *chk, enum linkcheck_verdict verdict,
    const char *fmt, ...)
{
	char	error[LINKCHECK_ERROR_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(error, sizeof error, fmt, ap);
	va_end(ap);
	chk->link->verdict = verdict;
	chk->link->error = xstrdup(error);
	lc_finish(chk);
}

/*
 * The check's time is up: broken if the link's server did not answer,
 * unsure if the resolver did not, which says nothing about the link.
 */
static void
lc_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lc_check	*chk = arg;

	if (chk->lookup != NULL)
		lc_fail(chk, LINKCHECK_UNSURE, "DNS: no answer within %d s",
		    chk->lc->opt->timeout);
	else
		lc_fail(chk, LINKCHECK_BROKEN, "timeout after %d s",
		    chk->lc->opt->timeout);
}

/*
 * Certificate verification failed: keep OpenSSL's first reason, which
 * is the one that matters, for the check on this SSL.
 */
static int
lc_verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL		*ssl;
	struct lc_check	*chk;

	if (ok)
		return 1;
	ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if ((chk = SSL_get_app_data(ssl)) != NULL && chk->tlserr[0] == '\0')
		snprintf(chk->tlserr, sizeof chk->tlserr, "certificate: %s",
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(store)));
	return 0;
}

/* End the check as broken with errno e's text, in lower case. */
static void
lc_fail_errno(struct lc_check *chk, int e)
{
	char	text[LINKCHECK_ERROR_MAX];

	snprintf(text, sizeof text, "%s", strerror(e));
	text[0] = (char)tolower((unsigned char)text[0]);
	lc_fail(chk, LINKCHECK_BROKEN, "%s", text);
}

/*
 * OpenSSL's last error on bev, 0 if none; *any tells whether TLS failed
 * at all, as libevent also queues SSL_get_error()'s bare code, such as
 * SSL_ERROR_SYSCALL when the connection was refused or closed.
 */
static unsigned long
lc_tls_error(struct bufferevent *bev, int *any)
{
	unsigned long	e, last = 0;

	*any = 0;
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		*any = 1;
		if (ERR_GET_LIB(e) != 0)
			last = e;
	}
	return last;
}

/*
 * A hop with no answer: say why, from what OpenSSL and evhttp left.
 * evhttp reports no error when nothing listens, and errno means
 * something only for what went wrong with the connection itself: after
 * a plain end of file it is stale.
 */
static void
lc_unreachable(struct lc_check *chk)
{
	const char	*reason;
	unsigned long	 sslerr;
	int		 e = chk->syserr, tls;

	sslerr = lc_tls_error(evhttp_connection_get_bufferevent(chk->conn),
	    &tls);
	if (chk->tlserr[0] != '\0')
		lc_fail(chk, LINKCHECK_BROKEN, "%s", chk->tlserr);
	else if ((reason = ERR_reason_error_string(sslerr)) != NULL)
		lc_fail(chk, LINKCHECK_BROKEN, "TLS: %s", reason);
	else if (tls)
		lc_fail(chk, LINKCHECK_BROKEN, "TLS: connection refused or "
		    "closed");
	else if (!chk->failed)
		lc_fail(chk, LINKCHECK_BROKEN, "connection refused");
	else if (chk->reqerr == EVREQ_HTTP_EOF && (e == ECONNREFUSED ||
	    e == ECONNRESET || e == EHOSTUNREACH || e == ENETUNREACH ||
	    e == ETIMEDOUT))
		lc_fail_errno(chk, e);
	else if (chk->reqerr == EVREQ_HTTP_INVALID_HEADER ||
	    chk->reqerr == EVREQ_HTTP_DATA_TOO_LONG)
		lc_fail(chk, LINKCHECK_BROKEN, "not an HTTP answer");
	else
		lc_fail(chk, LINKCHECK_BROKEN, "closed without an answer");
}

/* Follow the redirect, unless it leads nowhere a check can follow. */
static void
lc_redirect(struct lc_check *chk)
{
	char	*next;
	int	 i;

	if ((next = lc_resolve(chk->seen[chk->hops], chk->location)) == NULL) {
		lc_fail(chk, LINKCHECK_BROKEN, "redirect to an invalid URL");
		return;
	}
	for (i = 0; i <= chk->hops && strcmp(chk->seen[i], next) != 0; i++)
		/* nothing */;
	if (strncasecmp(next, "http://", 7) != 0 &&
	    strncasecmp(next, "https://", 8) != 0)
		lc_fail(chk, LINKCHECK_UNSURE, "redirect to a URL that is not "
		    "http or https");
	else if (i <= chk->hops)
		lc_fail(chk, LINKCHECK_BROKEN, "redirect loop");
	else if (chk->hops == LINKCHECK_REDIRECTS)
		lc_fail(chk, LINKCHECK_BROKEN, "too many redirects");
	else {
		/* Only the redirects before the first temporary one move. */
		if (chk->permanent == chk->hops &&
		    (chk->status == 301 || chk->status == 308))
			chk->permanent++;
		chk->seen[++chk->hops] = next;
		lc_ask(chk, EVHTTP_REQ_HEAD);
		return;
	}
	free(next);
}

/* After a hop, outside evhttp: follow, retry with GET, or conclude. */
static void
lc_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lc_check	*chk = arg;
	int		 s = chk->status;

	if (s == 0)
		lc_unreachable(chk);
	else if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) &&
	    chk->location != NULL)
		lc_redirect(chk);
	else if (chk->method == EVHTTP_REQ_HEAD &&
	    (s == 405 || s == 501 || s == 400 || s == 403))
		lc_ask(chk, EVHTTP_REQ_GET);
	else
		lc_finish(chk);
}

/*
 * The headers are in: note the status and where a redirect leads, then
 * hang up (-1), as the body would tell a link checker nothing.
 */
static int
lc_header_cb(struct evhttp_request *req, void *arg)
{
	struct lc_check	*chk = arg;
	const char	*location;

	chk->status = evhttp_request_get_response_code(req);
	location = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Location");
	free(chk->location);
	chk->location = location != NULL ? xstrdup(location) : NULL;
	return -1;
}

static void
lc_error_cb(enum evhttp_request_error error, void *arg)
{
	struct lc_check	*chk = arg;

	chk->failed = 1;
	chk->reqerr = error;
	chk->syserr = errno;
}

/* evhttp is done with the request: go on once its callbacks are over. */
static void
lc_done_cb(struct evhttp_request *req, void *arg)
{
	struct lc_check	*chk = arg;

	event_active(chk->step, EV_TIMEOUT, 0);
}

/*
 * A bufferevent speaking TLS to name (no brackets), checking that the
 * certificate is for name, an address or a host (sent by SNI).
 */
static struct bufferevent *
lc_tls(struct lc_check *chk, const char *name)
{
	struct bufferevent	*bev;
	unsigned char		 addr[16];
	SSL			*ssl;
	int			 ok;

	if ((ssl = SSL_new(chk->lc->ssl)) == NULL)
		return NULL;
	SSL_set_app_data(ssl, chk);
	if (inet_pton(AF_INET, name, addr) == 1 ||
	    inet_pton(AF_INET6, name, addr) == 1)
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name);
	else
		ok = SSL_set_tlsext_host_name(ssl, name) == 1 &&
		    SSL_set1_host(ssl, name) == 1;
	bev = ok != 1 ? NULL : bufferevent_openssl_socket_new(chk->lc->base,
	    -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* The request for this hop's URI, with its headers. */
static struct evhttp_request *
lc_request(struct lc_check *chk)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*hdrs;
	char			*host;

	if ((req = evhttp_request_new(lc_done_cb, chk)) == NULL)
		fatalx("out of memory");
	evhttp_request_set_header_cb(req, lc_header_cb);
	evhttp_request_set_error_cb(req, lc_error_cb);
	hdrs = evhttp_request_get_output_headers(req);
	if (evhttp_uri_get_port(chk->uri) == -1)
		host = xstrdup(evhttp_uri_get_host(chk->uri));
	else
		xasprintf(&host, "%s:%d", evhttp_uri_get_host(chk->uri),
		    evhttp_uri_get_port(chk->uri));
	evhttp_add_header(hdrs, "Host", host);
	evhttp_add_header(hdrs, "User-Agent", "gloss-linkcheck/" GLOSS_VERSION);
	evhttp_add_header(hdrs, "Accept", "*/*");
	evhttp_add_header(hdrs, "Connection", "close");
	free(host);
	return req;
}

/* Connect to addr, the address of this hop's host, and send the request. */
static void
lc_send(struct lc_check *chk, const char *addr)
{
	struct bufferevent	*bev;
	const char		*path = evhttp_uri_get_path(chk->uri);
	const char		*query = evhttp_uri_get_query(chk->uri);
	char			*target;
	int			 https, port;

	https = strcasecmp(evhttp_uri_get_scheme(chk->uri), "https") == 0;
	if ((port = evhttp_uri_get_port(chk->uri)) == -1)
		port = https ? 443 : 80;
	bev = https ? lc_tls(chk, chk->name) : bufferevent_socket_new(
	    chk->lc->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL || (chk->conn = evhttp_connection_base_bufferevent_new(
	    chk->lc->base, NULL, bev, addr, (unsigned short)port)) == NULL) {
		if (bev != NULL)
			bufferevent_free(bev);
		lc_fail(chk, LINKCHECK_UNSURE, "cannot set up a connection");
		return;
	}
	/* Longer than what is left of the check's own deadline. */
	evhttp_connection_set_timeout(chk->conn, chk->lc->opt->timeout);
	evhttp_connection_set_max_headers_size(chk->conn, LC_HEADERS_MAX);
	xasprintf(&target, "%s%s%s", path != NULL && *path != '\0' ? path :
	    "/", query != NULL ? "?" : "", query != NULL ? query : "");
	if (evhttp_make_request(chk->conn, lc_request(chk), chk->method,
	    target) == -1)
		lc_fail(chk, LINKCHECK_BROKEN, "cannot send the request");
	free(target);
}

/*
 * The host's addresses are in (the first will do), or it has none.  The
 * lookups are the checker's own, not evhttp's, so that a deadline can
 * cancel one and wait for it to be gone.
 */
static void
lc_resolved_cb(int error, struct evutil_addrinfo *ai, void *arg)
{
	struct lc_check	*chk = arg;
	char		 addr[NI_MAXHOST];
	int		 private;

	if (error == EVUTIL_EAI_CANCEL) {
		chk->lc->cancelled--;
		return;
	}
	chk->lookup = NULL;
	if (error == 0 && (error = getnameinfo(ai->ai_addr, ai->ai_addrlen,
	    addr, sizeof addr, NULL, 0, NI_NUMERICHOST)) != 0)
		error = EVUTIL_EAI_FAIL;
	private = error == 0 && !chk->lc->opt->allow_private &&
	    linkcheck_private(ai->ai_addr);
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	/*
	 * Only a name the DNS says does not exist is broken; a resolver
	 * that failed or did not answer says nothing about the link.
	 */
	if (error == EVUTIL_EAI_NONAME)
		lc_fail(chk, LINKCHECK_BROKEN, "DNS: %s does not exist",
		    chk->name);
	else if (error != 0)
		lc_fail(chk, LINKCHECK_UNSURE, "DNS: %s",
		    evutil_gai_strerror(error));
	else if (private)
		lc_fail(chk, LINKCHECK_UNSURE, "%s is a private address, "
		    "not checked without --allow-private", addr);
	else
		lc_send(chk, addr);
}

/* Ask for seen[hops] with method, on a connection of its own. */
static void
lc_ask(struct lc_check *chk, enum evhttp_cmd_type method)
{
	struct evdns_getaddrinfo_request *lookup;
	struct evutil_addrinfo	 hints;
	const char		*scheme, *host;

	lc_hangup(chk);
	chk->method = method;
	chk->status = chk->failed = chk->syserr = 0;
	chk->tlserr[0] = '\0';
	if ((chk->uri = evhttp_uri_parse_with_flags(chk->seen[chk->hops],
	    EVHTTP_URI_NONCONFORMANT)) == NULL ||
	    (scheme = evhttp_uri_get_scheme(chk->uri)) == NULL ||
	    (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0) ||
	    (host = evhttp_uri_get_host(chk->uri)) == NULL || *host == '\0') {
		lc_fail(chk, LINKCHECK_UNSURE, "not an http or https URL");
		return;
	}
	/* An IPv6 literal is bracketed in a URL, not for the resolver. */
	chk->name = *host == '[' ? xstrndup(host + 1, strlen(host) - 2) :
	    xstrdup(host);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* NULL when the answer came at once (an address, /etc/hosts). */
	if ((lookup = evdns_getaddrinfo(chk->lc->dns, chk->name, NULL, &hints,
	    lc_resolved_cb, chk)) != NULL)
		chk->lookup = lookup;
}

/*
 * libevent's resolver notes its own troubles on stderr ("[msg]
 * Nameserver ... has failed"), between the lines of the report; a lookup
 * that fails is reported with its link, which is where it belongs.
 */
static void
lc_dns_log(int is_warning, const char *msg)
{
}

/*
 * Names from resolv.conf (GLOSS_RESOLV_CONF's file when set) and
 * /etc/hosts; just the latter if the system's resolv.conf fails.  NULL
 * with *errstr saying why if there is no resolver.
 */
static struct evdns_base *
lc_dns(struct event_base *base, const char **errstr)
{
	struct evdns_base	*dns;
	const char		*conf = getenv("GLOSS_RESOLV_CONF");

	evdns_set_log_fn(lc_dns_log);
	if (conf != NULL && *conf != '\0') {
		if ((dns = evdns_base_new(base,
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) != NULL &&
		    evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL,
		    conf) != 0) {
			evdns_base_free(dns, 0);
			dns = NULL;
		}
		if (dns == NULL)
			*errstr = "cannot use GLOSS_RESOLV_CONF's resolver "
			    "configuration";
		return dns;
	}
	dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (dns == NULL && (dns = evdns_base_new(base,
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) != NULL)
		evdns_base_load_hosts(dns, NULL);
	if (dns == NULL)
		*errstr = "cannot set up the resolver";
	return dns;
}

/*
 * One TLS context for every check: the system's trusted roots (or
 * SSL_CERT_FILE and SSL_CERT_DIR when set), peers always verified.
 */
static SSL_CTX *
lc_ssl_ctx(void)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_default_verify_paths(ctx) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, lc_verify_cb);
	return ctx;
}

static void
lc_free(struct linkcheck *lc)
{
	struct lc_check	*chk;
	size_t		 i;
	int		 j;

	for (i = 0; lc->checks != NULL && i < lc->n; i++) {
		chk = &lc->checks[i];
		lc_hangup(chk);
		if (chk->deadline != NULL)
			event_free(chk->deadline);
		if (chk->step != NULL)
			event_free(chk->step);
		link_clear(&chk->parsed);
		for (j = 0; j <= chk->hops; j++)
			free(chk->seen[j]);
	}
	free(lc->checks);
	SSL_CTX_free(lc->ssl);
	if (lc->dns != NULL)
		evdns_base_free(lc->dns, 1);
	if (lc->base != NULL)
		event_base_free(lc->base);
}

/*
 * Check the n links, opt->concurrency at a time, each within
 * opt->timeout seconds, calling opt->progress_cb as each starts.  Returns
 * 0 with every link's verdict, status, final URL, error, time and, if
 * it moved, where to, filled in (free them with linkcheck_clear), or -1
 * with *errstr if the checks could not be set up.
 */
int
linkcheck_run(struct linkcheck_link *links, size_t n,
    const struct linkcheck_options *opt, const char **errstr)
{
	struct linkcheck	 lc;
	struct lc_check		*chk;
	struct sigaction	 ign, old;
	size_t			 i;
	int			 rc = -1;

	memset(&lc, 0, sizeof lc);
	lc.opt = opt;
	lc.n = n;
	/* A server may hang up while we write; that is an answer too. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if ((lc.base = event_base_new()) == NULL) {
		*errstr = "cannot set up the event loop";
		goto out;
	}
	if ((lc.dns = lc_dns(lc.base, errstr)) == NULL)
		goto out;
	if ((lc.ssl = lc_ssl_ctx()) == NULL) {
		*errstr = "cannot set up TLS";
		goto out;
	}
	lc.checks = xcalloc(n, sizeof *lc.checks);
	for (i = 0; i < n; i++) {
		chk = &lc.checks[i];
		chk->lc = &lc;
		chk->link = &links[i];
		if ((chk->deadline = evtimer_new(lc.base, lc_deadline_cb,
		    chk)) == NULL || (chk->step = event_new(lc.base, -1, 0,
		    lc_step_cb, chk)) == NULL)
			fatalx("out of memory");
	}
	lc_fill(&lc);
	if (lc.finished < n)
		event_base_dispatch(lc.base);
	while (lc.cancelled > 0 && event_base_loop(lc.base, EVLOOP_ONCE) == 0)
		/* until every cancelled lookup has let go */;
	rc = 0;
out:
	lc_free(&lc);
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}
