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
 * *made is the first (outermost) directory it created, for file_rmdirs,
 * or NULL if there was none; the caller frees it.
 */
int
file_mkdirs(const char *path, mode_t mode, char **made)
{
	char	*copy = xstrdup(path), *p = copy;
	int	 rc = 0;

	if (made != NULL)
		*made = NULL;
	do {
		if ((p = strchr(p + 1, '/')) != NULL)
			*p = '\0';
		if (mkdir(copy, mode) == 0) {
			if (made != NULL && *made == NULL)
				*made = xstrdup(copy);
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
 * Undo file_mkdirs(dir, ..., &made): remove dir and its parents up to
 * made, as long as they are empty.  Nothing if made is NULL.
 */
void
file_rmdirs(const char *dir, const char *made)
{
	char	*copy, *p;

	if (made == NULL)
		return;
	copy = xstrdup(dir);
	while (strlen(copy) >= strlen(made) && rmdir(copy) == 0 &&
	    strcmp(copy, made) != 0 && (p = strrchr(copy, '/')) != NULL)
		*p = '\0';
	free(copy);
}
