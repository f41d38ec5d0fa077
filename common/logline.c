/*
 * logline.c: one line of /v1/log (or of a record's bundle) taken apart.
 *
 * A follower must check the statement's bytes exactly as the server sent
 * them, not a re-serialization of what it parsed, or a server could
 * serve one thing and sign another.  The bytes are found between
 * "statement": and the last ,"minisig": of the line: a quote inside S is
 * always escaped, so that text cannot occur in it.  The client's
 * verify-log and import and the daemon's mirror all read lines here, and
 * turn them back into what a POST carries.
 */

#include <stdlib.h>
#include <string.h>

#include "gloss.h"

/*
 * Parse line (len bytes) into ll: its seq and id, the statement's bytes
 * (borrowed from line) and its minisig (owned).  Returns 0, or -1 with
 * *errstr saying why.
 */
int
logline_parse(const char *line, size_t len, struct logline *ll,
    const char **errstr)
{
	static const char	 smark[] = "\"statement\":";
	static const char	 mmark[] = ",\"minisig\":";
	struct jcs_err		 err;
	const char		*s, *m, *p, *id, *sig;
	json_t			*root;
	int			 rc = -1;

	memset(ll, 0, sizeof *ll);
	*errstr = "a log line is not {seq, id, statement, minisig}";
	if ((root = jcs_parse(line, len, &err)) == NULL ||
	    (id = json_string_value(json_object_get(root, "id"))) == NULL ||
	    !stmt_id_valid(id) ||
	    (sig = json_string_value(json_object_get(root, "minisig"))) ==
	    NULL || !json_is_integer(json_object_get(root, "seq")) ||
	    (s = memmem(line, len, smark, sizeof smark - 1)) == NULL)
		goto out;
	s += sizeof smark - 1;
	for (m = NULL, p = s; (p = memmem(p, line + len - p, mmark,
	    sizeof mmark - 1)) != NULL; p++)
		m = p;
	if (m == NULL)
		goto out;
	ll->seq = json_integer_value(json_object_get(root, "seq"));
	memcpy(ll->id, id, sizeof ll->id);
	ll->canonical = s;
	ll->canonical_len = m - s;
	ll->minisig = xstrdup(sig);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void
logline_clear(struct logline *ll)
{
	free(ll->minisig);
	memset(ll, 0, sizeof *ll);
}

/* The body of a POST of S (len bytes) with its minisig, into out. */
void
logline_wire(const char *canonical, size_t len, const char *minisig,
    struct buf *out)
{
	buf_puts(out, "{\"statement\":");
	buf_add(out, canonical, len);
	buf_puts(out, ",\"minisig\":");
	jcs_write_string(out, minisig, strlen(minisig));
	buf_putc(out, '}');
}
