/*
 * cache.c: answers to public reads, served again until a write is on disk.
 *
 * Reads outnumber writes by far, and most read the same few listings (the
 * talk being watched), so glossd keeps the bytes of recent answers and
 * serves them again while nothing has changed.  "Nothing has changed" is
 * exact, not a time-to-live: every answer is stamped with the store's
 * generation, which moves on with every commit (a configuration reload
 * empties the cache).  An answer is served again while it is at least as
 * new as the last generation on disk: it shows every statement anyone
 * has been told is stored (a 201 waits for the disk), and those
 * committed since are not yet anyone's to read.  So while the disk is
 * slow, a kept answer goes out without waiting for it (http.c); an older
 * answer is never served.  The cache is direct-mapped (a slot per hash
 * of the request URI) with a bound on each answer and on all of them, so
 * memory stays small whatever is asked.
 *
 * A big answer (a listing of 100 annotations is about 90 KiB) is kept in
 * a file in memory (memfd) rather than in glossd's heap, and served as
 * that file's pages: the kernel hands them to the socket (sendfile)
 * instead of copying them from glossd each time, which doubles the
 * listings served per second.  Below CACHE_FILE_MIN the extra system call
 * costs more than the copy it saves, so small answers stay in the heap.
 * libevent counts the references to a file's pages, so an answer still
 * being sent outlives its slot.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "glossd.h"

#define CACHE_SLOTS		512
#define CACHE_ENTRY_MAX		(256 * 1024)
#define CACHE_TOTAL_MAX		(32 * 1024 * 1024)

struct cache_entry {
	char		*key;		/* the request URI; NULL: empty */
	uint64_t	 generation;
	const char	*content_type;	/* static strings only */
	char		 etag[HTTP_ETAG_LEN];
	char		*body;		/* in the heap, or */
	struct evbuffer_file_segment *file;	/* in a file */
	size_t		 len;
};

struct cache {
	struct cache_entry	 slot[CACHE_SLOTS];
	size_t			 bytes;
	size_t			 files;
};

struct cache *
cache_new(void)
{
	return xcalloc(1, sizeof (struct cache));
}

static void
cache_drop(struct cache *c, struct cache_entry *e)
{
	c->bytes -= e->len;
	free(e->key);
	free(e->body);
	if (e->file != NULL) {
		evbuffer_file_segment_free(e->file);	/* libevent's count */
		c->files--;
	}
	memset(e, 0, sizeof *e);
}

/* Forget every answer (the configuration changed under them). */
void
cache_clear(struct cache *c)
{
	size_t	i;

	for (i = 0; i < CACHE_SLOTS; i++)
		cache_drop(c, &c->slot[i]);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	free(c);
}

/* FNV-1a of the URI: a collision costs a miss, never a wrong answer. */
static struct cache_entry *
cache_slot(struct cache *c, const char *key)
{
	uint32_t	h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return &c->slot[h % CACHE_SLOTS];
}

/*
 * Fill resp and etag with the answer kept for key at a generation from
 * oldest to newest: its body, or its file's pages in resp->pages, and
 * the generation it shows in resp->generation.  0 on a hit, -1 on a
 * miss.
 */
int
cache_get(struct cache *c, const char *key, uint64_t oldest,
    uint64_t newest, struct http_response *resp, char etag[HTTP_ETAG_LEN])
{
	struct cache_entry	*e = cache_slot(c, key);

	if (e->key == NULL || e->generation < oldest ||
	    e->generation > newest || strcmp(e->key, key) != 0)
		return -1;
	http_body_reset(resp);
	if (e->file != NULL) {
		/* Only written to a socket: libevent may use sendfile. */
		if ((resp->pages = evbuffer_new()) == NULL ||
		    evbuffer_set_flags(resp->pages,
		    EVBUFFER_FLAG_DRAINS_TO_FD) == -1 ||
		    evbuffer_add_file_segment(resp->pages, e->file, 0,
		    -1) == -1) {
			http_body_reset(resp);
			return -1;
		}
	} else
		buf_add(&resp->body, e->body, e->len);
	resp->status = 200;		/* cache_put keeps nothing else */
	resp->content_type = e->content_type;
	resp->generation = e->generation;
	memcpy(etag, e->etag, HTTP_ETAG_LEN);
	return 0;
}

/*
 * A file in memory holding data, as a segment libevent can send with
 * sendfile; NULL when there is none to be had (out of descriptors).
 */
static struct evbuffer_file_segment *
cache_file(const char *data, size_t len)
{
	struct evbuffer_file_segment	*seg;
	size_t				 off = 0;
	ssize_t				 n;
	int				 fd;

	if ((fd = memfd_create("glossd-cache", MFD_CLOEXEC)) == -1)
		return NULL;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	if ((seg = evbuffer_file_segment_new(fd, 0, (ev_off_t)len,
	    EVBUF_FS_CLOSE_ON_FREE)) == NULL)
		close(fd);
	return seg;
}

/*
 * Keep resp as the answer for key at generation, if it is a plain one (a
 * 200 with no header of its own) and small enough.  Returns 0 with etag
 * its ETag when it is kept, -1 when not.
 */
int
cache_put(struct cache *c, const char *key, uint64_t generation,
    const struct http_response *resp, char etag[HTTP_ETAG_LEN])
{
	struct cache_entry	*e = cache_slot(c, key);

	if (resp->status != 200 || resp->nheaders != 0 ||
	    resp->location[0] != '\0' || resp->body.len > CACHE_ENTRY_MAX)
		return -1;
	cache_drop(c, e);
	if (c->bytes + resp->body.len > CACHE_TOTAL_MAX)
		return -1;
	e->key = xstrdup(key);
	e->generation = generation;
	e->content_type = resp->content_type;
	if (resp->body.len >= CACHE_FILE_MIN && c->files < CACHE_FILES_MAX &&
	    (e->file = cache_file(resp->body.data, resp->body.len)) != NULL)
		c->files++;
	else {
		e->body = xmalloc(resp->body.len + 1);
		if (resp->body.len > 0)
			memcpy(e->body, resp->body.data, resp->body.len);
	}
	e->len = resp->body.len;
	http_etag_of(&resp->body, e->etag);
	memcpy(etag, e->etag, HTTP_ETAG_LEN);
	c->bytes += e->len;
	return 0;
}
