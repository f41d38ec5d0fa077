/*
 * output.c: what a person sees on the terminal.
 *
 * Text from the server is someone else's words: it is written with
 * control (C0, DEL, C1) and bidirectional-override characters replaced,
 * so a comment cannot move the cursor, recolour the screen or reorder
 * what follows it.  Colour only when stdout is a terminal and NO_COLOR
 * is unset.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

void
out_init(struct client *c)
{
	const char	*nc = getenv("NO_COLOR");

	c->color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

/* An SGR sequence when colour is on, else "". */
const char *
out_color(struct client *c, const char *sgr)
{
	return c->color ? sgr : "";
}

/*
 * The length of a character at p (left bytes) that a terminal would
 * obey rather than show, 0 if none, its code point in *cp: a C0 control
 * or DEL, a C1 control (U+0080..U+009F, C2 80..9F), or a bidirectional
 * control: U+061C (D8 9C), U+200E and U+200F (E2 80 8E/8F),
 * U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9).  Even
 * the marks move neutral text about, so none reaches the terminal.
 */
static size_t
out_obeyed(const unsigned char *p, size_t left, unsigned int *cp)
{
	if (p[0] < 0x20 || p[0] == 0x7f) {
		*cp = p[0];
		return 1;
	}
	if (left >= 2 && ((p[0] == 0xc2 && p[1] <= 0x9f) ||
	    (p[0] == 0xd8 && p[1] == 0x9c))) {
		*cp = (p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (left < 3 || p[0] != 0xe2 || !((p[1] == 0x80 &&
	    ((p[2] >= 0xaa && p[2] <= 0xae) || p[2] == 0x8e ||
	    p[2] == 0x8f)) || (p[1] == 0x81 && p[2] >= 0xa6 &&
	    p[2] <= 0xa9)))
		return 0;
	*cp = (p[0] & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return 3;
}

/*
 * What begins each further line of a text printed inside a line of
 * gloss's own (a field, a status, a flag's note): no line gloss prints
 * begins so, so someone's newline cannot start a line that passes for
 * one of them.
 */
#define OUT_MORE	"    | "

/*
 * Write s[0..len) safely; each line after a newline begins with indent
 * (NULL: OUT_MORE; "" for a whole document, whose lines are its own),
 * but for an empty line, which stays empty rather than ending in blanks.
 */
void
out_text(FILE *f, const char *s, size_t len, const char *indent)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n;
	unsigned int		 cp;

	if (indent == NULL)
		indent = OUT_MORE;
	for (i = 0; i < len; i += n) {
		n = 1;
		if (i > 0 && p[i - 1] == '\n' && p[i] != '\n')
			fputs(indent, f);
		if (p[i] == '\n')
			fputc('\n', f);
		else if (p[i] == '\t')
			fputc(' ', f);
		else if ((n = out_obeyed(p + i, len - i, &cp)) > 0)
			fputc('?', f);
		else {
			n = 1;
			fputc(p[i], f);
		}
	}
}

/*
 * Write s safely on one line, each line break as a blank, cut to its
 * first max bytes (a whole character) with "..." when it is longer.
 */
void
out_line(FILE *f, const char *s, size_t max)
{
	size_t	len = strlen(s), keep = jcs_utf8_cut(s, len, max), n;

	while (keep > 0) {
		if ((n = strcspn(s, "\n")) > keep)
			n = keep;
		out_text(f, s, n, NULL);
		if (n < keep) {
			fputc(' ', f);
			n++;
		}
		s += n;
		keep -= n;
	}
	if (len > max)
		fputs("...", f);
}

/* The key id of author, 16 hex digits as minisign prints it, or "?". */
void
out_keyid(const char *author, char out[17])
{
	struct minisig_pubkey	 pk;
	const char		*errstr;

	if (minisig_pubkey_parse(author, strlen(author), &pk, &errstr) == -1)
		snprintf(out, 17, "?");
	else
		minisig_keyid(&pk, out);
}

/* Eight hex digits of the key id: enough to tell keys apart at a glance. */
void
out_fingerprint(const char *author, char out[10])
{
	char	hex[17];

	out_keyid(author, hex);
	snprintf(out, 10, "%.8s", hex);
}

/*
 * Print root as JSON for a program, or a terminal: what out_text turns
 * into '?' (DEL, the C1 controls, the bidirectional controls) is written
 * as a \uXXXX escape, which a JSON reader takes as the same character
 * but a terminal does not obey.  jansson escapes the C0 controls itself,
 * and puts every non-ASCII byte inside a string, where an escape fits.
 */
void
out_json(json_t *root)
{
	const unsigned char	*p;
	char			*text;
	size_t			 i, len, n;
	unsigned int		 cp;

	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS)) ==
	    NULL)
		fatalx("out of memory");
	p = (const unsigned char *)text;
	len = strlen(text);
	for (i = 0; i < len; i += n) {
		/* The C0 controls here are the layout's own newlines. */
		if ((n = out_obeyed(p + i, len - i, &cp)) > 0 && cp >= 0x7f)
			printf("\\u%04x", cp);
		else {
			n = 1;
			putchar(p[i]);
		}
	}
	putchar('\n');
	free(text);
}

void
out_when(json_t *a, char *buf, size_t len)
{
	json_t	*at = json_object_get(a, "at");
	json_t	*talk = json_object_get(a, "talk");
	char	 start[32], end[32];

	if (!json_is_object(at)) {
		/* A reply without a place of its own sits at its parent's. */
		if (json_is_string(json_object_get(a, "reply_to")))
			snprintf(buf, len, "(reply)");
		else if (json_is_integer(talk))
			snprintf(buf, len, "(whole talk %lld)",
			    (long long)json_integer_value(talk));
		else
			snprintf(buf, len, "(whole record)");
		return;
	}
	timefmt_format(json_integer_value(json_object_get(at, "start")), start,
	    sizeof start);
	if (json_is_integer(json_object_get(at, "end"))) {
		timefmt_format(json_integer_value(json_object_get(at, "end")),
		    end, sizeof end);
		snprintf(buf, len, "%s-%s", start, end);
	} else
		snprintf(buf, len, "%s", start);
}

/* Write label and the text safely, then a newline. */
void
out_field(FILE *f, const char *label, const char *text)
{
	fputs(label, f);
	if (text != NULL)
		out_text(f, text, strlen(text), NULL);
	fputc('\n', f);
}

/*
 * Who signed: the profile name (made safe) beside the key fingerprint,
 * never the name alone, so a name cannot pass for someone else's.
 */
void
out_who(struct client *c, FILE *f, const char *author, const char *name)
{
	char	fp[10];

	out_fingerprint(author != NULL ? author : "", fp);
	if (name != NULL) {
		fputs(out_color(c, "\033[35m"), f);
		out_text(f, name, strlen(name), NULL);
		fprintf(f, "%s (%s)", out_color(c, "\033[0m"), fp);
	} else
		fprintf(f, "key %s", fp);
}

static void
out_count(json_t *a, const char *member, const char *one, const char *many)
{
	json_int_t	n = json_integer_value(json_object_get(a, member));

	if (n > 0)
		printf("  %lld %s", (long long)n, n == 1 ? one : many);
}

/*
 * Annotation a's status for a person, without a newline: "visible",
 * "pending (...)", or "hidden" or "rejected" with the moderator's
 * reason (made safe) when the answer carries one, as a hide, reject, ban
 * or retraction does; a hidden one without is one that flags hid.
 */
void
out_status(FILE *f, json_t *a)
{
	const char	*status = json_string_value(json_object_get(a,
			    "status"));
	const char	*reason = json_string_value(json_object_get(a,
			    "reason"));

	out_text(f, status != NULL ? status : "?", status != NULL ?
	    strlen(status) : 1, NULL);
	if (reason != NULL) {
		fputs(": ", f);
		out_text(f, reason, strlen(reason), NULL);
	} else if (status != NULL && strcmp(status, "pending") == 0)
		fputs(" (waits for a moderator)", f);
	else if (status != NULL && strcmp(status, "hidden") == 0 &&
	    json_object_get(a, "reason") != NULL)
		fputs(" (by flags; waits for a moderator)", f);
}

/*
 * An annotation's text and links (of a view, or of one statement), after
 * pad.  Each line of the text begins with a bar, so that none, whatever
 * its indent, passes for a line of gloss's own: an entry's head (a
 * reply's, deeper in a thread), a link or an id.
 */
void
out_body(json_t *a, const char *pad)
{
	const char	*text = json_string_value(json_object_get(a, "text"));
	const char	*url, *title;
	json_t		*links, *link;
	char		 bar[84];
	size_t		 i;

	if (text != NULL) {
		snprintf(bar, sizeof bar, "%s| ", pad);
		fputs(bar, stdout);
		out_text(stdout, text, strlen(text), bar);
		fputc('\n', stdout);
	}
	links = json_object_get(a, "links");
	json_array_foreach(links, i, link) {
		url = json_string_value(json_object_get(link, "url"));
		title = json_string_value(json_object_get(link, "title"));
		printf("%s-> ", pad);
		if (url != NULL)
			out_text(stdout, url, strlen(url), NULL);
		if (title != NULL) {
			fputs("  \"", stdout);
			out_text(stdout, title, strlen(title), NULL);
			fputc('"', stdout);
		}
		fputc('\n', stdout);
	}
}

/*
 * One annotation (from a listing, a thread or a search) for a person,
 * each line after indent: when, kind, who, when written, "(edited)" and
 * counts; the text indented below; then links and the id.
 */
void
out_entry(struct client *c, json_t *a, const char *indent)
{
	const char	*id, *reply;
	char		 when[64], pad[80];

	out_when(a, when, sizeof when);
	printf("%s  %s%-19s%s %s%-8s%s  ", indent, out_color(c, "\033[1m"),
	    when, out_color(c, "\033[0m"), out_color(c, "\033[36m"),
	    json_string_value(json_object_get(a, "kind")),
	    out_color(c, "\033[0m"));
	out_who(c, stdout, json_string_value(json_object_get(a, "author")),
	    json_string_value(json_object_get(a, "name")));
	printf("  %s", json_string_value(json_object_get(a, "created")));
	if (json_integer_value(json_object_get(a, "revisions")) > 0)
		printf("  (edited)");
	out_count(a, "replies", "reply", "replies");
	out_count(a, "endorsements", "endorsement", "endorsements");
	fputc('\n', stdout);
	snprintf(pad, sizeof pad, "%s      ", indent);
	if ((reply = json_string_value(json_object_get(a, "reply_to"))) != NULL)
		printf("%s(reply to %.12s)\n", pad, reply);
	out_body(a, pad);
	id = json_string_value(json_object_get(a, "id"));
	printf("%s%sid %s%s\n", pad, out_color(c, "\033[2m"),
	    id != NULL ? id : "?", out_color(c, "\033[0m"));
}
