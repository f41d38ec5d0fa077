/*
 * buf.c: a growable byte buffer.
 *
 * Canonical bytes, HTTP bodies and error messages are all built by
 * appending small pieces whose total size is not known in advance.  One
 * buffer type with amortised O(1) appends keeps that code free of length
 * arithmetic, and keeping the data NUL-terminated lets the result be used
 * as a C string without a copy.  Allocation failure aborts (xmalloc.c).
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"

#define BUF_MIN_CAP	64

static void	buf_grow(struct buf *, size_t);

/* Make an empty buffer.  It owns no memory until something is added. */
void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Release the buffer's memory and leave it empty; buf_free(NULL) is a no-op. */
void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	buf_init(b);
}

/* Forget the contents but keep the memory for reuse. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Make room for more bytes plus the terminating NUL.  Capacity doubles so
 * a long run of small appends costs amortised O(1) each.  A size that
 * cannot be represented is a broken invariant, so abort like xmalloc.
 */
static void
buf_grow(struct buf *b, size_t more)
{
	size_t	need, cap;

	if (more > SIZE_MAX - 1 - b->len) {
		fputs("gloss: buffer size overflow\n", stderr);
		abort();
	}
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

/* Append len bytes from p (which may contain NULs). */
void
buf_add(struct buf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	buf_grow(b, len);
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Append a C string without its NUL. */
void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append one byte. */
void
buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Append formatted text, like printf. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/*
 * Append formatted text.  Formats straight into the spare capacity and
 * only grows and formats again when that was too small.  An encoding
 * error from vsnprintf leaves the buffer unchanged.
 */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	size_t	avail;
	int	n;

	avail = b->cap - b->len;	/* 0 when nothing was allocated yet */
	va_copy(ap2, ap);
	n = vsnprintf(avail == 0 ? NULL : b->data + b->len, avail, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (b->data != NULL)
			b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= avail) {
		buf_grow(b, (size_t)n);
		va_copy(ap2, ap);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
		va_end(ap2);
		if (n < 0) {
			b->data[b->len] = '\0';
			return;
		}
	}
	b->len += (size_t)n;
}

/*
 * Hand the contents to the caller, who must free() them, and leave the
 * buffer empty.  Never returns NULL: an empty buffer yields a fresh "".
 */
char *
buf_take(struct buf *b)
{
	char	*s;

	if (b->data == NULL) {
		s = xmalloc(1);
		s[0] = '\0';
	} else
		s = b->data;
	buf_init(b);
	return (s);
}
