/*
 * files.c: reading inputs and writing exports, with their size limits.
 *
 * Every file the client reads (records, texts, statements) has a bound, so
 * a wrong path (a log, a device) fails quickly with a clear message instead
 * of filling memory.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/*
 * Read path ("-" for stdin) into a NUL-terminated malloc'd buffer of at
 * most max bytes.  NULL after printing why.
 */
char *
file_read(const char *path, size_t max, size_t *lenp)
{
	struct buf	 b;
	char		 chunk[8192];
	FILE		*f;
	size_t		 n;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > max) {
			fprintf(stderr, "gloss: %s: larger than %zu bytes\n",
			    path, max);
			goto fail;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*lenp = b.len;
	return buf_take(&b);
fail:
	if (f != stdin)
		fclose(f);
	buf_free(&b);
	return NULL;
}

/*
 * Write data to path with mode (replacing any old file).  -1 after
 * printing why.
 */
int
file_write(const char *path, const void *data, size_t len, mode_t mode)
{
	int	fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	if (fd == -1 || write(fd, data, len) != (ssize_t)len)
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
	else
		rc = 0;
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/*
 * mkdir -p path with mode for the directories it creates.  With made,
 * each directory it created is added to *made, in order, for file_rmdirs
 * or file_made_clear.
 */
int
file_mkdirs(const char *path, mode_t mode, struct file_made *made)
{
	char	*copy = xstrdup(path), *p = copy;
	int	 rc = 0;

	do {
		if ((p = strchr(p + 1, '/')) != NULL)
			*p = '\0';
		if (mkdir(copy, mode) == 0) {
			if (made != NULL) {
				made->dirs = xreallocarray(made->dirs,
				    made->n + 1, sizeof *made->dirs);
				made->dirs[made->n++] = xstrdup(copy);
			}
		} else if (errno != EEXIST) {
			fprintf(stderr, "gloss: %s: %s\n", copy,
			    strerror(errno));
			rc = -1;
		}
		if (p != NULL)
			*p = '/';
	} while (p != NULL && rc == 0);
	free(copy);
	return rc;
}

/*
 * Remove the directories file_mkdirs made (those still empty), the last
 * made first, and forget them.  Only those: a path through ".." may pass
 * through directories that were there before, which stay.
 */
void
file_rmdirs(struct file_made *made)
{
	size_t	i;

	for (i = made->n; i > 0; i--)
		(void)rmdir(made->dirs[i - 1]);
	file_made_clear(made);
}

/* Forget the directories file_mkdirs made, leaving them. */
void
file_made_clear(struct file_made *made)
{
	while (made->n > 0)
		free(made->dirs[--made->n]);
	free(made->dirs);
	made->dirs = NULL;
}
