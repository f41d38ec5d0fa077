/*
 * policy.c: the rules a valid, correctly signed statement must still pass.
 *
 * Pure functions: no I/O, the clock and the record come in as arguments,
 * so every rule is tested directly.  Each refusal carries the HTTP status
 * and the stable error code the API documents.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

static int GLOSS_PRINTF(4, 5)
policy_refuse(struct policy_verdict *v, int status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;

	v->status = status;
	v->code = code;
	va_start(ap, fmt);
	if (vasprintf(&v->message, fmt, ap) == -1)
		v->message = xstrdup(code);
	va_end(ap);
	return -1;
}

void
policy_verdict_clear(struct policy_verdict *v)
{
	free(v->message);
	memset(v, 0, sizeof *v);
}

/* A live statement's created time must be within skew seconds of now. */
int
policy_created(time_t created, time_t now, int skew, struct policy_verdict *v)
{
	if (created > now + skew || created < now - skew)
		return policy_refuse(v, 422, "clock_skew",
		    "created is %lld seconds from the server's clock; "
		    "the limit is %d", (long long)(created - now), skew);
	return 0;
}

/* Only a curator listed in the configuration may create records. */
int
policy_record(const struct config *cfg, const struct statement *st,
    struct policy_verdict *v)
{
	if (!config_has_key(&cfg->curators, &st->key))
		return policy_refuse(v, 403, "not_curator",
		    "only curator keys may create records");
	return 0;
}

/*
 * What a key may not do to its own annotation: judging it is for the
 * others.  Only a live post is held to this; a replay (an import, a
 * mirror) brings a log that may hold such statements from before.
 */
static const enum stmt_type policy_judgements[] = {
	STMT_ENDORSE,
	STMT_FLAG,
};

/* Refuse st, live, when it judges subject_author's own annotation. */
int
policy_judge(const struct statement *st, const char *subject_author,
    int live, struct policy_verdict *v)
{
	size_t	i;

	if (!live || strcmp(st->author, subject_author) != 0)
		return 0;
	for (i = 0; i < sizeof policy_judgements /
	    sizeof policy_judgements[0]; i++) {
		if (st->type == policy_judgements[i])
			return policy_refuse(v, 403, "own_annotation",
			    "a key may not %s its own annotation",
			    stmt_type_name(st->type));
	}
	return 0;
}

static char *
policy_time(int64_t ms, char *buf, size_t len)
{
	timefmt_format(ms, buf, len);
	return buf;
}

/*
 * Check an annotation against its record and decide where it sits: the
 * talk (explicit, or the one its time falls in) and its span, half-open,
 * for the overlap queries.  A point in time spans one millisecond, and so
 * does a talk that starts where the next one does.
 */
int
policy_annotation(const struct store_record *rec,
    const struct stmt_annotation *a, struct store_placement *out,
    struct policy_verdict *v)
{
	const struct store_talk	*talk = NULL;
	int64_t			 start, end;
	char			 t1[32], t2[32], t3[32];
	size_t			 i;

	if (a->talk != 0) {
		if ((size_t)a->talk > rec->ntalks)
			return policy_refuse(v, 422, "talk_out_of_range",
			    "record %s has %zu talks, not %d", rec->rid,
			    rec->ntalks, a->talk);
		talk = &rec->talks[a->talk - 1];
	}
	if (a->at_start == -1) {
		out->talk = a->talk;
		out->span_start = talk != NULL ? talk->start : 0;
		out->span_end = talk != NULL ? talk->end : rec->duration;
		/* An empty talk (two start together) is at its start. */
		if (out->span_end == out->span_start)
			out->span_end++;
		return 0;
	}
	start = a->at_start;
	end = a->at_end != -1 ? a->at_end : start + 1;
	if (start >= rec->duration || end > rec->duration)
		return policy_refuse(v, 422, "time_outside_record",
		    "%s is past the end of the recording, which ends at %s",
		    policy_time(a->at_end != -1 ? a->at_end : start, t1,
		    sizeof t1), policy_time(rec->duration, t2, sizeof t2));
	/* The message names the end that lies outside: a range's end may. */
	if (talk != NULL && (start < talk->start || end > talk->end))
		return policy_refuse(v, 422, "time_outside_talk",
		    "%s lies outside talk %d, which starts at %s and ends at "
		    "%s",
		    policy_time(start >= talk->start && a->at_end != -1 ?
		    a->at_end : start, t1, sizeof t1), talk->n,
		    policy_time(talk->start, t2, sizeof t2),
		    policy_time(talk->end, t3, sizeof t3));
	if (talk == NULL) {
		for (i = 0; i < rec->ntalks; i++) {
			if (rec->talks[i].start <= start &&
			    start < rec->talks[i].end)
				talk = &rec->talks[i];
		}
	}
	out->talk = talk != NULL ? talk->n : 0;
	out->span_start = start;
	out->span_end = end;
	return 0;
}
