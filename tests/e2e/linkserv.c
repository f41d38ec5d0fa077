/*
 * linkserv.c: a web server whose links fare every way a link can, for the
 * end-to-end test of gloss links check.
 *
 * Each route is one fate: found, gone, failing, moved by redirects of
 * every kind (permanent or temporary; absolute, relative, network-path),
 * looping, redirecting too often, never answering, refusing HEAD.  It
 * listens on 127.0.0.1 on a free port, written to the -P file once
 * connections are taken, and with --tls CERT KEY speaks only HTTPS.  Each
 * request is logged on stderr as "METHOD PATH STATUS USER-AGENT" for the
 * test to read; SIGTERM stops it, with everything freed, so a sanitizer
 * report fails the test.
 *
 * With --log FILE it is also a fake glossd for the mirror's test: GET
 * /v1/log (whatever the query) answers FILE's bytes, so a test can serve
 * a log it has tampered with; with --ids FILE, GET /v1/ids/ (whatever
 * follows) answers FILE's, so a test can resolve an id's prefix wrongly;
 * with --statements DIR, GET /v1/statements/NAME answers the file DIR/NAME
 * and with --keys FILE, GET /v1/keys/ (whatever follows) FILE's, so a
 * test can answer for a statement what it likes; with --modlog FILE, GET
 * /v1/moderation/log (whatever the query) FILE's, a page that may never
 * end.
 * With --mute-dns it also holds UDP on its port and never answers there:
 * a name server that does not answer, for the link checker's deadline;
 * with --nxdomain-dns it answers every query there that the name does not
 * exist (NXDOMAIN).
 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <openssl/ssl.h>

#define LS_BODY		(256 * 1024)	/* what /nohead sends to GET */

struct ls_server {
	const char	*scheme;
	int		 port;
	const char	*logfile;	/* served at /v1/log, or NULL */
	const char	*idsfile;	/* served at /v1/ids/..., or NULL */
	const char	*stmtdir;	/* /v1/statements/NAME, or NULL */
	const char	*keysfile;	/* served at /v1/keys/..., or NULL */
	const char	*modlogfile;	/* served at /v1/moderation/log */
};

enum ls_target {
	LS_NONE,
	LS_AS_IS,		/* a path, relative or absolute */
	LS_NETWORK,		/* "//127.0.0.1:PORT" and the path */
	LS_ABSOLUTE,		/* "SCHEME://127.0.0.1:PORT" and the path */
	LS_USERINFO,		/* "SCHEME://user@127.0.0.1:PORT" and the path */
};

struct ls_route {
	const char	*path;		/* ending in '/': every path under it */
	void		(*serve)(struct ls_server *, struct evhttp_request *,
			    const struct ls_route *);
	int		 status;
	enum ls_target	 where;
	const char	*target;
};

static void	ls_answer(struct ls_server *, struct evhttp_request *,
		    const struct ls_route *);
static void	ls_chain(struct ls_server *, struct evhttp_request *,
		    const struct ls_route *);
static void	ls_nohead(struct ls_server *, struct evhttp_request *,
		    const struct ls_route *);
static void	ls_slow(struct ls_server *, struct evhttp_request *,
		    const struct ls_route *);
static void	ls_tracking(struct ls_server *, struct evhttp_request *,
		    const struct ls_route *);

static const struct ls_route ls_routes[] = {
	{ "/ok", ls_answer, 200, LS_NONE, NULL },
	{ "/final", ls_answer, 200, LS_NONE, NULL },
	{ "/new-home", ls_answer, 200, LS_NONE, NULL },
	{ "/missing", ls_answer, 404, LS_NONE, NULL },
	{ "/gone", ls_answer, 410, LS_NONE, NULL },
	{ "/error", ls_answer, 503, LS_NONE, NULL },
	{ "/r1", ls_answer, 301, LS_AS_IS, "/r2" },
	{ "/r2", ls_answer, 302, LS_AS_IS, "./r3" },
	{ "/r3", ls_answer, 307, LS_NETWORK, "/final" },
	{ "/moved", ls_answer, 301, LS_ABSOLUTE, "/new-home" },
	{ "/p1", ls_answer, 308, LS_AS_IS, "p2" },
	{ "/p2", ls_answer, 301, LS_ABSOLUTE, "/new-home" },
	{ "/temp", ls_answer, 302, LS_AS_IS, "/new-home" },
	{ "/creds", ls_answer, 301, LS_USERINFO, "/new-home" },
	{ "/loop-a", ls_answer, 302, LS_AS_IS, "/loop-b" },
	{ "/loop-b", ls_answer, 302, LS_ABSOLUTE, "/loop-a" },
	{ "/tracking", ls_tracking, 301, LS_AS_IS, "/tracking?utm_source=x" },
	{ "/chain/", ls_chain, 302, LS_NONE, NULL },
	{ "/nohead", ls_nohead, 200, LS_NONE, NULL },
	{ "/slow", ls_slow, 0, LS_NONE, NULL },
};

static void
ls_log(struct evhttp_request *req, const char *path, const char *status)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	const char		*ua = evhttp_find_header(hdrs, "User-Agent");

	fprintf(stderr, "%s %s %s %s\n", evhttp_request_get_command(req) ==
	    EVHTTP_REQ_HEAD ? "HEAD" : "GET", path, status,
	    ua != NULL ? ua : "-");
}

/* Where target leads, written as where says. */
static void
ls_location(struct ls_server *srv, enum ls_target where, const char *target,
    char *out, size_t len)
{
	if (where == LS_NETWORK)
		snprintf(out, len, "//127.0.0.1:%d%s", srv->port, target);
	else if (where == LS_ABSOLUTE)
		snprintf(out, len, "%s://127.0.0.1:%d%s", srv->scheme,
		    srv->port, target);
	else if (where == LS_USERINFO)
		snprintf(out, len, "%s://user@127.0.0.1:%d%s", srv->scheme,
		    srv->port, target);
	else
		snprintf(out, len, "%s", target);
}

/* Reply with status, a Location for target, and body bytes (or a line). */
static void
ls_reply(struct ls_server *srv, struct evhttp_request *req, int status,
    enum ls_target where, const char *target, size_t body)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_output_headers(req);
	struct evbuffer		*buf = evbuffer_new();
	char			 location[256], code[8];

	if (buf == NULL)
		abort();
	if (where != LS_NONE) {
		ls_location(srv, where, target, location, sizeof location);
		evhttp_add_header(hdrs, "Location", location);
	}
	evhttp_add_header(hdrs, "Content-Type", "text/plain");
	if (body == 0)
		evbuffer_add_printf(buf, "%d\n", status);
	while (evbuffer_get_length(buf) < body)
		evbuffer_add(buf, "linkserv\n", 9);
	snprintf(code, sizeof code, "%d", status);
	ls_log(req, evhttp_request_get_uri(req), code);
	evhttp_send_reply(req, status, NULL, buf);
	evbuffer_free(buf);
}

static void
ls_answer(struct ls_server *srv, struct evhttp_request *req,
    const struct ls_route *r)
{
	ls_reply(srv, req, r->status, r->where, r->target, 0);
}

/* /chain/N redirects to N-1 (relative), /chain/0 is found. */
static void
ls_chain(struct ls_server *srv, struct evhttp_request *req,
    const struct ls_route *r)
{
	const char	*n = evhttp_request_get_uri(req) + strlen(r->path);
	char		 next[16];
	int		 i = atoi(n);

	snprintf(next, sizeof next, "%d", i - 1);
	if (i <= 0)
		ls_reply(srv, req, 200, LS_NONE, NULL, 0);
	else
		ls_reply(srv, req, r->status, LS_AS_IS, next, 0);
}

/* 405 to HEAD, and a body too large to want to read to GET. */
static void
ls_nohead(struct ls_server *srv, struct evhttp_request *req,
    const struct ls_route *r)
{
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET");
		ls_reply(srv, req, 405, LS_NONE, NULL, 0);
	} else
		ls_reply(srv, req, r->status, LS_NONE, NULL, LS_BODY);
}

/* Add a tracking parameter: the same page to anyone who ignores them. */
static void
ls_tracking(struct ls_server *srv, struct evhttp_request *req,
    const struct ls_route *r)
{
	if (strchr(evhttp_request_get_uri(req), '?') != NULL)
		ls_reply(srv, req, 200, LS_NONE, NULL, 0);
	else
		ls_answer(srv, req, r);
}

/*
 * Never answer: the request stays with its connection, which evhttp
 * frees when the client hangs up or, at the latest, in evhttp_free.
 */
static void
ls_slow(struct ls_server *srv, struct evhttp_request *req,
    const struct ls_route *r)
{
	ls_log(req, evhttp_request_get_uri(req), "held");
}

/*
 * A fake glossd's answer: file as it is, of type, or 404 if it is gone;
 * logged as path.
 */
static void
ls_serve_file(struct evhttp_request *req, const char *file,
    const char *type, const char *path)
{
	struct evbuffer	*out = evhttp_request_get_output_buffer(req);
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(file, "r")) == NULL) {
		ls_log(req, path, "404");
		evhttp_send_error(req, 404, NULL);
		return;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		evbuffer_add(out, chunk, n);
	fclose(f);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	ls_log(req, path, "200");
	evhttp_send_reply(req, 200, "OK", NULL);
}

/*
 * GET /v1/statements/NAME: the file NAME (an id, ID.json or ID.minisig:
 * hex digits, letters and one dot, never first) of srv->stmtdir.
 */
static void
ls_statement(struct ls_server *srv, struct evhttp_request *req,
    const char *name, size_t len)
{
	const char	*dot = memchr(name, '.', len);
	char		 path[4096];

	if (len == 0 || len > 80 || name[0] == '.' ||
	    strspn(name, "0123456789abcdefghijklmnopqrstuvwxyz.") < len ||
	    (dot != NULL && memchr(dot + 1, '.', len - (dot + 1 - name)) !=
	    NULL)) {
		ls_log(req, evhttp_request_get_uri(req), "404");
		evhttp_send_error(req, 404, NULL);
		return;
	}
	snprintf(path, sizeof path, "%s/%.*s", srv->stmtdir, (int)len, name);
	ls_serve_file(req, path, strstr(path, ".minisig") != NULL ?
	    "text/plain" : "application/json", evhttp_request_get_uri(req));
}

static void
ls_route_cb(struct evhttp_request *req, void *arg)
{
	struct ls_server	*srv = arg;
	const char		*uri = evhttp_request_get_uri(req);
	size_t			 i, len, plen;

	len = strcspn(uri, "?");
	if (srv->logfile != NULL && len == 7 &&
	    strncmp(uri, "/v1/log", 7) == 0) {
		ls_serve_file(req, srv->logfile, "application/x-ndjson",
		    "/v1/log");
		return;
	}
	if (srv->idsfile != NULL && strncmp(uri, "/v1/ids/", 8) == 0) {
		ls_serve_file(req, srv->idsfile, "application/json", uri);
		return;
	}
	if (srv->modlogfile != NULL && len == 18 &&
	    strncmp(uri, "/v1/moderation/log", 18) == 0) {
		ls_serve_file(req, srv->modlogfile, "application/json", uri);
		return;
	}
	if (srv->keysfile != NULL && strncmp(uri, "/v1/keys/", 9) == 0) {
		ls_serve_file(req, srv->keysfile, "application/json", uri);
		return;
	}
	if (srv->stmtdir != NULL && strncmp(uri, "/v1/statements/", 15) == 0) {
		ls_statement(srv, req, uri + 15, len - 15);
		return;
	}
	for (i = 0; i < sizeof ls_routes / sizeof ls_routes[0]; i++) {
		plen = strlen(ls_routes[i].path);
		if (ls_routes[i].path[plen - 1] == '/' ?
		    strncmp(uri, ls_routes[i].path, plen) == 0 :
		    plen == len && strncmp(uri, ls_routes[i].path, len) == 0) {
			ls_routes[i].serve(srv, req, &ls_routes[i]);
			return;
		}
	}
	ls_log(req, uri, "404");
	evhttp_send_error(req, 404, NULL);
}

static struct bufferevent *
ls_tls_cb(struct event_base *base, void *arg)
{
	SSL	*ssl;

	if ((ssl = SSL_new(arg)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

static SSL_CTX *
ls_tls(const char *cert, const char *key)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		fprintf(stderr, "linkserv: cannot load %s and %s\n", cert, key);
		exit(2);
	}
	return ctx;
}

/* Write the port to path atomically, so a reader never sees half. */
static void
ls_portfile(const char *path, int port)
{
	char	tmp[4096];
	FILE	*f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL || fprintf(f, "%d\n", port) < 0 ||
	    fclose(f) == EOF || rename(tmp, path) == -1) {
		perror(path);
		exit(2);
	}
}

/*
 * A DNS query on the UDP socket: answer it with itself, marked as an
 * answer (QR), recursion available, and RCODE 3, NXDOMAIN: its question
 * is then the answer's, with no records.
 */
static void
ls_nxdomain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockaddr_in	 from;
	socklen_t		 len = sizeof from;
	unsigned char		 msg[512];
	ssize_t			 n;

	if ((n = recvfrom(fd, msg, sizeof msg, 0, (struct sockaddr *)&from,
	    &len)) < 12)
		return;
	msg[2] |= 0x80;
	msg[3] = (unsigned char)(0x80 | 3);
	(void)sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&from, len);
}

static void
ls_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

static void
usage(void)
{
	fprintf(stderr, "usage: linkserv -P portfile [--tls cert key] "
	    "[--log file] [--ids file] [--statements dir] [--keys file] "
	    "[--modlog file] [--mute-dns | --nxdomain-dns]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tls", required_argument, NULL, 't' },
		{ "log", required_argument, NULL, 'l' },
		{ "ids", required_argument, NULL, 'i' },
		{ "statements", required_argument, NULL, 's' },
		{ "keys", required_argument, NULL, 'k' },
		{ "modlog", required_argument, NULL, 'M' },
		{ "mute-dns", no_argument, NULL, 'm' },
		{ "nxdomain-dns", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	struct ls_server		 srv = { .scheme = "http" };
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*sock;
	struct event			*sigterm, *sigint, *dns = NULL;
	struct sockaddr_in		 sin;
	socklen_t			 len = sizeof sin;
	SSL_CTX				*ctx = NULL;
	const char			*portfile = NULL;
	int				 ch, mute = 0, nxdomain = 0, udp = -1;

	while ((ch = getopt_long(argc, argv, "P:", opts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			portfile = optarg;
			break;
		case 'l':
			srv.logfile = optarg;
			break;
		case 'i':
			srv.idsfile = optarg;
			break;
		case 's':
			srv.stmtdir = optarg;
			break;
		case 'k':
			srv.keysfile = optarg;
			break;
		case 'M':
			srv.modlogfile = optarg;
			break;
		case 'm':
			mute = 1;
			break;
		case 'x':
			nxdomain = 1;
			break;
		case 't':
			if (optind >= argc)
				usage();
			ctx = ls_tls(optarg, argv[optind++]);
			srv.scheme = "https";
			break;
		default:
			usage();
		}
	}
	if (portfile == NULL || optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		return 2;
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, ls_route_cb, &srv);
	if (ctx != NULL)
		evhttp_set_bevcb(http, ls_tls_cb, ctx);
	if ((sock = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)) ==
	    NULL || getsockname(evhttp_bound_socket_get_fd(sock),
	    (struct sockaddr *)&sin, &len) == -1) {
		perror("linkserv: listen");
		return 2;
	}
	srv.port = ntohs(sin.sin_port);
	if ((mute || nxdomain) && ((udp = socket(AF_INET, SOCK_DGRAM, 0)) ==
	    -1 || bind(udp, (struct sockaddr *)&sin, sizeof sin) == -1)) {
		perror("linkserv: udp");
		return 2;
	}
	if (nxdomain && ((dns = event_new(base, udp, EV_READ | EV_PERSIST,
	    ls_nxdomain_cb, NULL)) == NULL || event_add(dns, NULL) == -1))
		return 2;
	sigterm = evsignal_new(base, SIGTERM, ls_stop_cb, base);
	sigint = evsignal_new(base, SIGINT, ls_stop_cb, base);
	if (sigterm == NULL || sigint == NULL ||
	    evsignal_add(sigterm, NULL) == -1 ||
	    evsignal_add(sigint, NULL) == -1)
		return 2;
	ls_portfile(portfile, srv.port);
	event_base_dispatch(base);

	evhttp_free(http);
	event_free(sigterm);
	event_free(sigint);
	if (dns != NULL)
		event_free(dns);
	event_base_free(base);
	SSL_CTX_free(ctx);
	if (udp != -1)
		close(udp);
	libevent_global_shutdown();
	remove(portfile);
	return 0;
}
