/*
 * citing.c: how a reading list says where a link was cited and what
 * replaced it, in words.
 *
 * The list has three forms for people: gloss's own text, and the
 * daemon's Markdown and BibTeX exports.  Each used to word the
 * citations its own way: the text form printed the first four times in
 * the order they came, zero-padded, where the exports sorted them; the
 * exports said "in talk 5" of a link also cited about the whole
 * record.  So the summary is made here, once, from an entry of the
 * JSON document (GET /v1/records/{rid}/reading), and every form prints
 * the same words.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"

#define CITING_SERIES_MAX	5	/* times or talks before "and N more" */

/* What a review that names a replacement says before it. */
static const struct {
	const char	*status;
	const char	*words;
} citing_replaced_words[] = {
	{ "moved", "moved to" },
	{ "duplicate", "duplicate of" },
};

static int
citing_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Sort v and drop repeats; returns how many distinct values are left. */
static size_t
citing_distinct(int64_t *v, size_t n)
{
	size_t	i, k = 0;

	qsort(v, n, sizeof *v, citing_cmp);
	for (i = 0; i < n; i++) {
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	}
	return (k);
}

/*
 * Gather what entry e's citations name: their times (at.start, in whole
 * seconds) and talks, and whether one is of the whole record (no talk,
 * no time) or of a whole talk (a talk, no time).  The document lists at most the first 50; "cited" counts
 * them all.  Release with citing_clear.
 */
void
citing_get(const json_t *e, struct citing *ct)
{
	const json_t	*cites, *c, *start;
	json_int_t	 talk;
	size_t		 i;

	memset(ct, 0, sizeof *ct);
	cites = json_object_get(e, "citations");
	ct->times = xcalloc(json_array_size(cites) + 1, sizeof *ct->times);
	ct->talks = xcalloc(json_array_size(cites) + 1, sizeof *ct->talks);
	ct->n = json_integer_value(json_object_get(e, "cited")) > 0 ?
	    (size_t)json_integer_value(json_object_get(e, "cited")) :
	    json_array_size(cites);
	json_array_foreach(cites, i, c) {
		start = json_object_get(json_object_get(c, "at"), "start");
		if (json_is_integer(start) && json_integer_value(start) >= 0)
			ct->times[ct->ntimes++] = json_integer_value(start) /
			    1000;
		talk = json_integer_value(json_object_get(c, "talk"));
		if (talk > 0)
			ct->talks[ct->ntalks++] = talk;
		if (!json_is_integer(start) && talk > 0)
			ct->untimed = 1;
		else if (!json_is_integer(start))
			ct->whole = 1;
	}
	ct->ntimes = citing_distinct(ct->times, ct->ntimes);
	ct->ntalks = citing_distinct(ct->talks, ct->ntalks);
}

void
citing_clear(struct citing *ct)
{
	free(ct->times);
	free(ct->talks);
	memset(ct, 0, sizeof *ct);
}

/*
 * Append up to CITING_SERIES_MAX values, comma-separated, as HH:MM:SS
 * (clock, as gloss prints every time) or as numbers, then "and N more"
 * for the rest.
 */
static void
citing_series(struct buf *out, const int64_t *v, size_t n, int clock)
{
	char	at[32];
	size_t	i;

	for (i = 0; i < n && i < CITING_SERIES_MAX; i++) {
		if (i > 0)
			buf_puts(out, ", ");
		if (clock) {
			timefmt_format(v[i] * 1000, at, sizeof at);
			buf_puts(out, at);
		} else
			buf_printf(out, "%lld", (long long)v[i]);
	}
	if (n > CITING_SERIES_MAX)
		buf_printf(out, " and %zu more", n - CITING_SERIES_MAX);
}

/*
 * " at 01:09:29, 01:12:00" when the citations carry times, then " and
 * the whole talk" (" and a whole talk" of several) when one names a
 * talk without a time, which would otherwise read as cited at those.
 */
void
citing_at(struct buf *out, const struct citing *ct)
{
	if (ct->ntimes == 0)
		return;
	buf_puts(out, " at ");
	citing_series(out, ct->times, ct->ntimes, 1);
	if (ct->untimed)
		buf_puts(out, ct->ntalks > 1 ? " and a whole talk" :
		    " and the whole talk");
}

/*
 * " in talk 5", " in talks 5, 6", then " and the whole record" when
 * one citation is of the whole record; nothing when the citations name
 * no talk (then none needs telling apart).
 */
void
citing_in(struct buf *out, const struct citing *ct)
{
	if (ct->ntalks == 0)
		return;
	buf_puts(out, ct->ntalks == 1 ? " in talk " : " in talks ");
	citing_series(out, ct->talks, ct->ntalks, 0);
	if (ct->whole)
		buf_puts(out, ct->ntalks > CITING_SERIES_MAX ?
		    ", and the whole record" : " and the whole record");
}

/*
 * "moved to" or "duplicate of", the words before a review's replacement
 * URL; NULL for a status that names none.
 */
const char *
citing_replaced(const char *status)
{
	size_t	i;

	for (i = 0; i < sizeof citing_replaced_words /
	    sizeof citing_replaced_words[0]; i++) {
		if (strcmp(status, citing_replaced_words[i].status) == 0)
			return (citing_replaced_words[i].words);
	}
	return (NULL);
}
