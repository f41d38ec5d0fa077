/*
 * httpc.c: a blocking HTTP/1.1 client for one keep-alive connection to
 * 127.0.0.1, and the timing helpers the benchmark's C tools share.
 *
 * The smoke benchmark must run where wrk is not installed, and the log
 * verifier must fetch pages without pulling libevent's client into a
 * tight loop, so this is the least HTTP that talks to glossd: one request
 * at a time, answers framed by Content-Length (what evhttp sends), the
 * connection reopened when the server closes it.  Not a general client:
 * no chunked bodies, no TLS, no redirects, loopback only.
 */

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define HTTPC_READ	65536
#define HTTPC_MAX	(64 * 1024 * 1024)	/* one answer, at most */

void
httpc_init(struct httpc *c, int port)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->port = port;
	buf_init(&c->in);
}

void
httpc_close(struct httpc *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	buf_reset(&c->in);
	c->used = 0;
}

static int
httpc_connect(struct httpc *c)
{
	struct sockaddr_in	sin;
	int			one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)c->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

/* Read more bytes into c->in; 0 at end of stream, -1 on error. */
static ssize_t
httpc_fill(struct httpc *c)
{
	ssize_t	n;

	if (c->in.cap - c->in.len < HTTPC_READ + 1) {
		c->in.cap = c->in.cap * 2 > c->in.len + HTTPC_READ + 1 ?
		    c->in.cap * 2 : c->in.len + HTTPC_READ + 1;
		c->in.data = xreallocarray(c->in.data, 1, c->in.cap);
	}
	do {
		n = read(c->fd, c->in.data + c->in.len, HTTPC_READ);
	} while (n == -1 && errno == EINTR);
	if (n > 0) {
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = '\0';
	}
	return n;
}

static int
httpc_write_all(int fd, struct iovec *iov, int iovcnt)
{
	ssize_t	n;

	while (iovcnt > 0) {
		n = writev(fd, iov, iovcnt);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/*
 * Parse one complete answer at the start of c->in: status, the body
 * framed by Content-Length.  1 when complete, 0 when more bytes are
 * needed, -1 when it cannot be an answer we understand.  *close is set
 * when the server says it will close the connection.
 */
static int
httpc_parse(struct httpc *c, int head, int *close_after)
{
	const char	*end, *line, *next;
	size_t		 hlen, clen = 0;
	int		 have_len = 0;

	if (c->in.len == 0)
		return 0;
	if ((end = strstr(c->in.data, "\r\n\r\n")) == NULL)
		return c->in.len > HTTPC_MAX ? -1 : 0;
	hlen = (size_t)(end - c->in.data) + 4;
	if (strncmp(c->in.data, "HTTP/1.", 7) != 0 || c->in.len < 12)
		return -1;
	c->status = atoi(c->in.data + 9);
	*close_after = strncmp(c->in.data, "HTTP/1.0", 8) == 0;
	for (line = strstr(c->in.data, "\r\n") + 2; line < end; line = next) {
		next = strstr(line, "\r\n") + 2;
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			clen = strtoul(line + 15, NULL, 10);
			have_len = 1;
		} else if (strncasecmp(line, "Connection:", 11) == 0 &&
		    strncasecmp(line + 11 + strspn(line + 11, " "), "close",
		    5) == 0)
			*close_after = 1;
	}
	if (head || c->status == 204 || c->status == 304)
		clen = 0;
	else if (!have_len)
		return -1;
	if (clen > HTTPC_MAX)
		return -1;
	if (c->in.len < hlen + clen)
		return 0;
	c->body = c->in.data + hlen;
	c->body_len = clen;
	c->used = hlen + clen;
	return 1;
}

/*
 * Send one request and read its answer.  Returns 0 with c->status and
 * c->body set (valid until the next call), or -1 if the connection failed
 * (the caller may retry; the next call reconnects).
 */
int
httpc_request(struct httpc *c, const char *method, const char *path,
    const char *body, size_t len)
{
	struct iovec	iov[2];
	char		head[512];
	int		n, rc, close_after = 0, is_head;

	/* Drop the previous answer. */
	if (c->used > 0) {
		memmove(c->in.data, c->in.data + c->used, c->in.len - c->used);
		c->in.len -= c->used;
		c->in.data[c->in.len] = '\0';
		c->used = 0;
	}
	if (c->fd == -1 && httpc_connect(c) == -1)
		return -1;
	if (body != NULL)
		n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n", method, path, len);
	else
		n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\n\r\n", method, path);
	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	iov[0].iov_base = head;
	iov[0].iov_len = (size_t)n;
	iov[1].iov_base = (void *)(uintptr_t)body;
	iov[1].iov_len = body != NULL ? len : 0;
	if (httpc_write_all(c->fd, iov, body != NULL ? 2 : 1) == -1)
		goto fail;
	is_head = strcmp(method, "HEAD") == 0;
	while ((rc = httpc_parse(c, is_head, &close_after)) == 0) {
		if (httpc_fill(c) <= 0)
			goto fail;
	}
	if (rc == -1)
		goto fail;
	if (close_after) {
		/* Keep the answer readable; reconnect on the next call. */
		close(c->fd);
		c->fd = -1;
	}
	return 0;
fail:
	httpc_close(c);
	return -1;
}

double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
bench_cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of n sorted samples; 0 if none. */
uint32_t
bench_percentile(uint32_t *v, size_t n, double p)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)n);
	return v[i >= n ? n - 1 : i];
}
