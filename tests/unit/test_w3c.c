/*
 * test_w3c.c: unit tests for daemon/api_w3c.c, the W3C Web Annotation
 * views.
 *
 * What a Web Annotation client sees is pinned here member by member: the
 * motivation of each kind and of replies and decisions, the targets
 * (record, talk, time range as a Media Fragments selector in seconds,
 * the annotation replied to), the creator and its key IRI, created and
 * modified, the bodies, and the "gloss" member that must verify with
 * nothing but the minisign algorithm.  Then the protocol: 404 and 410
 * for what the public may not see, content negotiation, containers and
 * their pages under every Prefer, ETags and 304, OPTIONS, and POST, whose
 * only way in is a signed statement.  Requests go through http_dispatch
 * into a real glossd on a ":memory:" store (fixtures_glossd.c) holding
 * statements signed by real keys; the parsers of Prefer, Accept and the
 * time values are also tested on their own, with negative cases.  The
 * end-to-end test (tests/e2e/120-w3c.sh) runs the W3C JSON Schemas and
 * the protocol's checks against a live glossd.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures_glossd.h"

#define LD_TYPE		"application/ld+json; " \
			"profile=\"http://www.w3.org/ns/anno.jsonld\""
#define CONTAINER	FIXTURE_BASE "/annotations/rec/"
#define RECORD_IRI	FIXTURE_BASE "/v1/records/rec"
#define MINIMAL		"http://www.w3.org/ns/ldp#PreferMinimalContainer"
#define IRIS		"http://www.w3.org/ns/oa#PreferContainedIRIs"
#define DESCRIPTIONS	"http://www.w3.org/ns/oa#PreferContainedDescriptions"

/* --- Fixtures ----------------------------------------------------------- */

/* A glossd with records "rec" and "other" (three talks each). */
static int
setup(void **state)
{
	struct fixture_glossd	*g;

	if ((g = fixture_glossd_new()) == NULL)
		return -1;
	fixture_post(g, key_curator, fixture_keep_st(g,
	    fixture_record(key_curator, "rec")));
	fixture_post(g, key_curator, fixture_keep_st(g,
	    fixture_record(key_curator, "other")));
	*state = g;
	return 0;
}

static int
teardown(void **state)
{
	fixture_glossd_free(*state);
	return 0;
}

/* A statement of type by k, dt seconds from now, with extra (stolen). */
static struct statement *
dated(struct fixture_glossd *g, const struct fixture_key *k,
    const char *type, int dt, json_t *extra)
{
	return fixture_keep_st(g, fixture_dated(k, type, time(NULL) + dt,
	    extra));
}

/* The same, posted (it must be stored). */
static struct statement *
posted(struct fixture_glossd *g, const struct fixture_key *k,
    const char *type, int dt, json_t *extra)
{
	struct statement	*st = dated(g, k, type, dt, extra);

	fixture_post(g, k, st);
	return st;
}

/* An annotation of "rec" of kind by k, with extra members, posted. */
static struct statement *
annotate(struct fixture_glossd *g, const struct fixture_key *k,
    const char *kind, const char *text, json_t *extra)
{
	json_t	*m = json_pack("{s:s, s:s, s:s}", "record", "rec", "kind",
		    kind, "text", text);

	if (extra != NULL) {
		json_object_update(m, extra);
		json_decref(extra);
	}
	return posted(g, k, "annotation", -30, m);
}

/* FIXTURE_BASE and a printf-built path (kept). */
static const char * GLOSS_PRINTF(2, 3)
iri(struct fixture_glossd *g, const char *fmt, ...)
{
	struct buf	b;
	va_list		ap;

	buf_init(&b);
	buf_puts(&b, FIXTURE_BASE);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return fixture_keep(g, buf_take(&b));
}

static void
get(struct fixture_glossd *g, const char *target,
    const struct fixture_headers *h)
{
	fixture_dispatch(g, HTTP_GET, target, NULL, 0, h);
}

/* GET target as JSON-LD: 200 with the profiled type; its body. */
static json_t *
get_ld(struct fixture_glossd *g, const char *target)
{
	get(g, target, NULL);
	fixture_status(g, 200);
	assert_string_equal(g->resp.content_type, LD_TYPE);
	return fixture_json(g);
}

/* GET the annotation id of "rec". */
static json_t *
annotation(struct fixture_glossd *g, const char *id)
{
	char	target[128];

	snprintf(target, sizeof target, "/annotations/rec/%s", id);
	return get_ld(g, target);
}

static const char *
str(const json_t *j, const char *path)
{
	const char	*dot;
	char		 key[64];

	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		j = json_object_get(j, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(j, path));
}

/* j's member at path (dotted; "" for j itself) must be want. */
static void
check_str(const json_t *j, const char *path, const char *want)
{
	const char	*got = *path != '\0' ? str(j, path) :
			    json_string_value(j);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s is \"%s\", wanted \"%s\"", path,
		    got != NULL ? got : "(none)", want);
}

static void
check_absent(const json_t *j, const char *member)
{
	if (json_object_get(j, member) != NULL)
		fail_msg("%s should be absent", member);
}

/* The answer carries header name with exactly want. */
static void
check_header(struct fixture_glossd *g, const char *name, const char *want)
{
	const char	*got = fixture_header(g, name);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: %s is \"%s\", wanted \"%s\"", g->target, name,
		    got != NULL ? got : "(none)", want);
}

static void
check_cors(struct fixture_glossd *g)
{
	check_header(g, "Access-Control-Allow-Origin", "*");
	check_header(g, "Access-Control-Expose-Headers", "ETag, Link, "
	    "Location, Allow, Content-Location, Vary, Preference-Applied, "
	    "Accept-Post");
}

/* --- One annotation's JSON-LD ------------------------------------------ */

/* A comment on a talk: every member, and the annotation's headers. */
static void
test_comment_on_talk(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	json_t			*j, *body;
	const char		*a;

	st = annotate(g, key_other, "comment", "On talk two.",
	    json_pack("{s:i}", "talk", 2));
	j = annotation(g, st->id);
	check_str(j, "@context", "http://www.w3.org/ns/anno.jsonld");
	a = iri(g, "/annotations/rec/%s", st->id);
	check_str(j, "id", a);
	check_str(j, "type", "Annotation");
	check_str(j, "motivation", "commenting");
	check_str(j, "created", st->created_text);
	check_absent(j, "modified");
	check_str(j, "target", RECORD_IRI "/talks/2");
	body = json_object_get(j, "body");
	assert_int_equal(json_array_size(body), 1);
	check_str(json_array_get(body, 0), "type", "TextualBody");
	check_str(json_array_get(body, 0), "value", "On talk two.");
	check_str(json_array_get(body, 0), "format", "text/plain");
	check_absent(json_array_get(body, 0), "purpose");
	check_str(j, "creator.type", "Person");
	check_str(j, "creator.key", key_other->pubkey);
	check_absent(json_object_get(j, "creator"), "name");
	check_str(j, "gloss.statement", st->id);
	check_str(j, "gloss.key", key_other->pubkey);
	check_str(j, "gloss.json", iri(g, "/v1/statements/%s.json", st->id));
	check_str(j, "gloss.status", "visible");
	check_absent(json_object_get(j, "gloss"), "revisions");
	assert_int_equal(json_object_size(j), 9);

	check_header(g, "Link", "<http://www.w3.org/ns/ldp#Resource>; "
	    "rel=\"type\", <http://www.w3.org/ns/oa#Annotation>; rel=\"type\"");
	check_header(g, "Allow", "GET, HEAD, OPTIONS");
	check_header(g, "Vary", "Accept");
	assert_non_null(fixture_header(g, "ETag"));
	assert_null(fixture_header(g, "Location"));
	check_cors(g);
}

/* A critique of a range: assessing, a selector in seconds, scoped. */
static void
test_critique_of_range(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	json_t			*j;

	st = annotate(g, key_other, "critique", "From 1:30 to 1:35.5.",
	    json_pack("{s:{s:i, s:i}}", "at", "start", 90000, "end", 95500));
	j = annotation(g, st->id);
	check_str(j, "motivation", "assessing");
	check_str(j, "target.type", "SpecificResource");
	check_str(j, "target.source", RECORD_IRI);
	check_str(j, "target.scope", RECORD_IRI "/talks/2");
	check_str(j, "target.selector.type", "FragmentSelector");
	check_str(j, "target.selector.conformsTo",
	    "http://www.w3.org/TR/media-frags/");
	check_str(j, "target.selector.value", "t=npt:90,95.5");
}

/* A moment without an end: no end in the fragment. */
static void
test_point_in_time(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	json_t			*j;

	st = annotate(g, key_other, "comment", "At 0.25 s, before talk 2.",
	    json_pack("{s:{s:i}}", "at", "start", 250));
	j = annotation(g, st->id);
	check_str(j, "target.selector.value", "t=npt:0.25");
	check_str(j, "target.scope", RECORD_IRI "/talks/1");
}

/* Whole record; a reading's links as external bodies, titled or not. */
static void
test_reading_links(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	json_t			*j, *body;

	st = annotate(g, key_other, "reading", "Two papers.", json_pack(
	    "{s:[{s:s, s:s}, {s:s}, {s:s}, {s:s}]}", "links", "url",
	    "https://arxiv.org/abs/2306.13549", "title", "A survey \"MLLM\"",
	    "url", "https://example.org/paper?a=1&b=2", "url",
	    "doi:10.1145/3290605.3300233", "url", "arXiv:2304.08485v2"));
	j = annotation(g, st->id);
	check_str(j, "motivation", "linking");
	check_str(j, "target", RECORD_IRI);
	body = json_object_get(j, "body");
	assert_int_equal(json_array_size(body), 5);
	/* Identifiers as the addresses they are fetched at. */
	check_str(json_array_get(body, 3), "id",
	    "https://doi.org/10.1145/3290605.3300233");
	check_str(json_array_get(body, 4), "id",
	    "https://arxiv.org/abs/2304.08485");
	check_str(json_array_get(body, 0), "value", "Two papers.");
	check_str(json_array_get(body, 1), "id",
	    "https://arxiv.org/abs/2306.13549");
	check_str(json_array_get(body, 1), "type", "Text");
	check_str(json_array_get(body, 1), "label", "A survey \"MLLM\"");
	check_str(json_array_get(body, 2), "id",
	    "https://example.org/paper?a=1&b=2");
	check_absent(json_array_get(body, 2), "label");
}

/* A reply targets its parent; its kind stays as the body's purpose. */
static void
test_reply(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*parent, *reply;
	json_t			*j;

	parent = annotate(g, key_other, "comment", "The parent.",
	    json_pack("{s:i}", "talk", 3));
	reply = annotate(g, key_third, "critique", "A critical reply.",
	    json_pack("{s:s}", "reply_to", parent->id));
	j = annotation(g, reply->id);
	check_str(j, "motivation", "replying");
	check_str(j, "target", iri(g, "/annotations/rec/%s", parent->id));
	check_str(json_array_get(json_object_get(j, "body"), 0), "purpose",
	    "assessing");
}

/*
 * A reply that names a moment of its own targets both: its parent, and
 * that moment of the recording, scoped to the talk it falls in.
 */
static void
test_reply_at(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*parent, *reply;
	json_t			*j, *target;

	parent = annotate(g, key_other, "comment", "The parent.",
	    json_pack("{s:i}", "talk", 3));
	reply = annotate(g, key_third, "comment", "At 1:30, not in talk 3.",
	    json_pack("{s:s, s:{s:i}}", "reply_to", parent->id, "at",
	    "start", 90000));
	j = annotation(g, reply->id);
	check_str(j, "motivation", "replying");
	target = json_object_get(j, "target");
	assert_true(json_is_array(target));
	assert_int_equal(json_array_size(target), 2);
	assert_string_equal(json_string_value(json_array_get(target, 0)),
	    iri(g, "/annotations/rec/%s", parent->id));
	check_str(json_array_get(target, 1), "type", "SpecificResource");
	check_str(json_array_get(target, 1), "source", RECORD_IRI);
	check_str(json_array_get(target, 1), "scope", RECORD_IRI "/talks/2");
	check_str(json_array_get(target, 1), "selector.value", "t=npt:90");
}

/* The creator: the profile name once there is one, the key escaped. */
static void
test_creator(void **state)
{
	struct fixture_glossd	*g = *state;
	struct fixture_key	*k;
	struct statement	*st;
	struct buf		 want;
	const char		*p, *id;
	json_t			*j;

	k = fixture_key_escaped();
	buf_init(&want);
	buf_puts(&want, FIXTURE_BASE "/v1/keys/");
	for (p = k->pubkey; *p != '\0'; p++) {
		if (strchr("/+=", *p) != NULL)
			buf_printf(&want, "%%%02X", (unsigned char)*p);
		else
			buf_putc(&want, *p);
	}
	id = fixture_keep(g, buf_take(&want));
	posted(g, k, "profile", -60, json_pack("{s:s}", "name",
	    "Ada \"the\" Lovelace"));
	st = annotate(g, k, "comment", "Named.", NULL);
	j = annotation(g, st->id);
	check_str(j, "creator.id", id);
	check_str(j, "creator.name", "Ada \"the\" Lovelace");
	check_str(j, "creator.key", k->pubkey);
	fixture_key_free(k);
}

/* After a revision: modified, the new text, where the revisions are. */
static void
test_modified(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st, *rev1, *rev2;
	json_t			*j;

	st = posted(g, key_other, "annotation", -100, json_pack(
	    "{s:s, s:s, s:s}", "record", "rec", "kind", "comment", "text",
	    "First words."));
	rev2 = posted(g, key_other, "revision", -10, json_pack(
	    "{s:s, s:s}", "of", st->id, "text", "Last words."));
	rev1 = posted(g, key_other, "revision", -50, json_pack(
	    "{s:s, s:s}", "of", st->id, "text", "Middle words."));
	j = annotation(g, st->id);
	check_str(j, "created", st->created_text);
	/* The latest by created, not the last to arrive. */
	check_str(j, "modified", rev2->created_text);
	assert_string_not_equal(rev1->created_text, rev2->created_text);
	check_str(json_array_get(json_object_get(j, "body"), 0), "value",
	    "Last words.");
	check_str(j, "gloss.statement", st->id);
	check_str(j, "gloss.revisions", iri(g,
	    "/v1/annotations/%s/revisions", st->id));

	/* A revision dated before its annotation (the skew allows it). */
	st = posted(g, key_other, "annotation", -10, json_pack(
	    "{s:s, s:s, s:s}", "record", "rec", "kind", "comment", "text",
	    "Words."));
	rev1 = posted(g, key_other, "revision", -50, json_pack(
	    "{s:s, s:s}", "of", st->id, "text", "Earlier words."));
	j = annotation(g, st->id);
	check_str(j, "modified", st->created_text);
	assert_string_not_equal(rev1->created_text, st->created_text);
	check_str(json_array_get(json_object_get(j, "body"), 0), "value",
	    "Earlier words.");
}

/* The gloss member verifies the statement's exact bytes, as minisign. */
static void
test_signature_verifies(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	struct minisig		 sig;
	struct minisig_pubkey	 pk;
	const char		*errstr, *text;
	char			*bytes, path[128];
	json_t			*j;

	st = annotate(g, key_other, "comment", "Verify me.", NULL);
	j = annotation(g, st->id);
	text = str(j, "gloss.minisig");
	assert_non_null(text);
	assert_int_equal(minisig_parse(text, strlen(text), &sig, &errstr),
	    MINISIG_OK);
	assert_int_equal(minisig_pubkey_parse(str(j, "gloss.key"),
	    strlen(str(j, "gloss.key")), &pk, &errstr), 0);
	/* What the "json" IRI serves. */
	snprintf(path, sizeof path, "%s", str(j, "gloss.json") +
	    strlen(FIXTURE_BASE));
	get(g, path, NULL);
	fixture_status(g, 200);
	bytes = fixture_keep(g, xstrndup(fixture_body(g), g->resp.body.len));
	assert_int_equal(g->resp.body.len, st->canonical_len);
	assert_int_equal(minisig_verify(&sig, &pk, bytes, strlen(bytes)),
	    MINISIG_OK);
	/* One byte off and it fails: the check can fail. */
	bytes[1] ^= 1;
	assert_int_equal(minisig_verify(&sig, &pk, bytes, strlen(bytes)),
	    MINISIG_E_SIGNATURE);
}

/* --- What the public may not see --------------------------------------- */

static void
test_retracted_gone(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	char			 target[128];

	st = annotate(g, key_other, "comment", "Soon withdrawn.", NULL);
	posted(g, key_other, "retraction", -5, json_pack("{s:s}", "of",
	    st->id));
	snprintf(target, sizeof target, "/annotations/rec/%s", st->id);
	get(g, target, NULL);
	fixture_error(g, 410, "retracted");
	assert_null(fixture_header(g, "ETag"));
	assert_null(fixture_header(g, "Link"));
	check_cors(g);
}

/* Pending, hidden, rejected, elsewhere, unknown, malformed: 404. */
static void
test_not_shown(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*vis, *pend, *hid, *rej, *mod;
	char			 target[160];

	g->gd.cfg.moderators.keys = xcalloc(1,
	    sizeof *g->gd.cfg.moderators.keys);
	g->gd.cfg.moderators.keys[0] = key_third->pk;
	g->gd.cfg.moderators.n = 1;
	vis = annotate(g, key_other, "comment", "Visible.", NULL);
	hid = annotate(g, key_other, "comment", "To be hidden.", NULL);
	g->gd.cfg.moderation = MODERATION_ALL;
	pend = annotate(g, key_other, "comment", "Pending.", NULL);
	rej = annotate(g, key_other, "comment", "To be rejected.", NULL);
	g->gd.cfg.moderation = MODERATION_NONE;
	mod = posted(g, key_third, "moderation", -2, json_pack(
	    "{s:s, s:s, s:s}", "action", "hide", "subject", hid->id,
	    "reason", "spam"));
	posted(g, key_third, "moderation", -1, json_pack("{s:s, s:s, s:s}",
	    "action", "reject", "subject", rej->id, "reason", "abuse"));

	annotation(g, vis->id);
	snprintf(target, sizeof target, "/annotations/rec/%s", pend->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	check_cors(g);
	snprintf(target, sizeof target, "/annotations/rec/%s", hid->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	snprintf(target, sizeof target, "/annotations/rec/%s", rej->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	/* Under another record's container. */
	snprintf(target, sizeof target, "/annotations/other/%s", vis->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	snprintf(target, sizeof target, "/annotations/nope/%s", vis->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	/* Statements that are not annotations or decisions on one. */
	snprintf(target, sizeof target, "/annotations/rec/%s",
	    g->sts[0]->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	get(g, "/annotations/rec/" "0000000000000000000000000000000000000000"
	    "000000000000000000000000", NULL);
	fixture_error(g, 404, "not_found");
	get(g, "/annotations/rec/xyz", NULL);
	fixture_error(g, 404, "not_found");
	/* The decision on the hidden one is public, as in /v1. */
	annotation(g, mod->id);
}

/* A decision on an annotation is one, motivated by moderating. */
static void
test_decision(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st, *hide, *restore, *ban;
	json_t			*j, *body;
	char			 target[160];

	g->gd.cfg.moderators.keys = xcalloc(1,
	    sizeof *g->gd.cfg.moderators.keys);
	g->gd.cfg.moderators.keys[0] = key_third->pk;
	g->gd.cfg.moderators.n = 1;
	posted(g, key_third, "profile", -60, json_pack("{s:s}", "name",
	    "Mod"));
	st = annotate(g, key_other, "comment", "Moderated.", NULL);
	hide = posted(g, key_third, "moderation", -3, json_pack(
	    "{s:s, s:s, s:s}", "action", "hide", "subject", st->id,
	    "reason", "off topic"));
	restore = posted(g, key_third, "moderation", -2, json_pack(
	    "{s:s, s:s}", "action", "restore", "subject", st->id));
	ban = posted(g, key_third, "moderation", -1, json_pack(
	    "{s:s, s:s, s:s}", "action", "ban", "subject", key_other->pubkey,
	    "reason", "a test"));

	j = annotation(g, hide->id);
	check_str(j, "id", iri(g, "/annotations/rec/%s", hide->id));
	check_str(j, "type", "Annotation");
	check_str(j, "motivation", "moderating");
	check_str(j, "target", iri(g, "/annotations/rec/%s", st->id));
	check_str(j, "created", hide->created_text);
	check_str(j, "creator.key", key_third->pubkey);
	check_str(j, "creator.name", "Mod");
	body = json_object_get(j, "body");
	assert_int_equal(json_array_size(body), 1);
	check_str(json_array_get(body, 0), "value", "hide: off topic");
	check_str(j, "gloss.statement", hide->id);
	check_absent(json_object_get(j, "gloss"), "status");
	j = annotation(g, restore->id);
	check_str(json_array_get(json_object_get(j, "body"), 0), "value",
	    "restore");
	/* Not under another record; not a decision on a key. */
	snprintf(target, sizeof target, "/annotations/other/%s", hide->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
	snprintf(target, sizeof target, "/annotations/rec/%s", ban->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
}

/* --- Parsers ------------------------------------------------------------- */

static void
check_npt(int64_t ms, const char *want)
{
	char	got[32];

	w3c_npt(ms, got, sizeof got);
	if (strcmp(got, want) != 0)
		fail_msg("%lld ms: \"%s\", wanted \"%s\"", (long long)ms, got,
		    want);
}

static void
test_npt(void **state)
{
	check_npt(0, "0");
	check_npt(1, "0.001");
	check_npt(10, "0.01");
	check_npt(100, "0.1");
	check_npt(999, "0.999");
	check_npt(1000, "1");
	check_npt(1010, "1.01");
	check_npt(4169000, "4169");
	check_npt(4169500, "4169.5");
	check_npt(4169999, "4169.999");
	check_npt(3600000000LL, "3600000");	/* 1000 hours */
	check_npt(GLOSS_MAX_SAFE_INT, "9007199254740.991");
}

static void
check_prefer(const char *h, int want)
{
	int	got = api_w3c_prefer(h);

	if (got != want)
		fail_msg("Prefer: %s gives %#x, wanted %#x", h != NULL ? h :
		    "(none)", got, want);
}

static void
test_prefer(void **state)
{
	check_prefer(NULL, 0);
	check_prefer("", 0);
	check_prefer("return=representation", 0);
	check_prefer("return=representation;include=\"" MINIMAL "\"",
	    PREFER_MINIMAL);
	check_prefer("return=representation; include=\"" IRIS "\"",
	    PREFER_IRIS);
	check_prefer("return=representation;include=\"" DESCRIPTIONS "\"",
	    PREFER_DESCRIPTIONS);
	check_prefer("return=representation;include=\"" MINIMAL " " IRIS
	    "\"", PREFER_MINIMAL | PREFER_IRIS);
	check_prefer("  RETURN = \"representation\" ; Include = \"  " IRIS
	    "   " MINIMAL " \"  ", PREFER_MINIMAL | PREFER_IRIS);
	/* Among other preferences, and after other parameters. */
	check_prefer("respond-async, wait=10, return=representation;"
	    "x=\"a;b,c\";include=\"" DESCRIPTIONS "\"", PREFER_DESCRIPTIONS);
	/* Not ours: another return, another parameter, wrong IRIs. */
	check_prefer("return=minimal;include=\"" IRIS "\"", 0);
	check_prefer("return=representation;omit=\"" IRIS "\"", 0);
	check_prefer("return=representation;include=\""
	    "http://www.w3.org/ns/ldp#PreferContainedIRIs\"", 0);
	check_prefer("return=representation;include=\"" IRIS "x\"", 0);
	check_prefer("return=representation;include=" IRIS, 0);
	check_prefer("include=\"" IRIS "\"", 0);
	/* Malformed: an open quote, a stray character, no name. */
	check_prefer("return=representation;include=\"" IRIS, 0);
	check_prefer("return=representation;include=\"" IRIS "\" x", 0);
	check_prefer("=representation", 0);
	check_prefer("return=representation;;include=\"" IRIS "\"", 0);
}

static void
check_accept(const char *h, int want)
{
	if (api_w3c_acceptable(h) != want)
		fail_msg("Accept: %s should %sbe acceptable", h != NULL ? h :
		    "(none)", want ? "" : "not ");
}

static void
test_accept(void **state)
{
	check_accept(NULL, 1);
	check_accept("", 1);
	check_accept("*/*", 1);
	check_accept(LD_TYPE, 1);
	check_accept("application/ld+json", 1);
	check_accept("Application/LD+JSON; q=0.5", 1);
	check_accept("application/json", 1);
	check_accept("application/*", 1);
	check_accept("text/html, application/xhtml+xml, */*;q=0.8", 1);
	check_accept("text/html;q=0.9, application/ld+json;q=0.1", 1);
	check_accept("text/html", 0);
	check_accept("text/html, text/plain", 0);
	check_accept("application/xml", 0);
	check_accept("text/*", 0);
	check_accept("application/ld+json;q=0", 0);
	check_accept("application/ld+json;q=0.000, text/html", 0);
	check_accept("application/json;q=0.", 0);
	check_accept("application/json;q=0.001", 1);
	/* Unparseable: served rather than refused. */
	check_accept("garbage", 1);
	check_accept("text/html; q=\"", 1);
}

/* --- Containers and pages ---------------------------------------------- */

/*
 * Five annotations on "rec" in listing order (span_start, seq), and one
 * on "other"; ids[] in that order.
 */
static void
seed(struct fixture_glossd *g, const char *ids[5])
{
	struct statement	*st[5];

	st[3] = annotate(g, key_other, "comment", "C on talk 2.",
	    json_pack("{s:i}", "talk", 2));
	st[0] = annotate(g, key_other, "comment", "A on the record.", NULL);
	st[4] = annotate(g, key_third, "critique", "E at 5:00.",
	    json_pack("{s:{s:i}}", "at", "start", 300000));
	st[2] = annotate(g, key_other, "comment", "B at 0:30.",
	    json_pack("{s:{s:i}}", "at", "start", 30000));
	st[1] = annotate(g, key_third, "comment", "A2 on the record.", NULL);
	posted(g, key_other, "annotation", -30, json_pack("{s:s, s:s, s:s}",
	    "record", "other", "kind", "comment", "text", "Elsewhere."));
	ids[0] = st[0]->id;
	ids[1] = st[1]->id;
	ids[2] = st[2]->id;
	ids[3] = st[3]->id;
	ids[4] = st[4]->id;
}

/* items must be the IRIs (or descriptions) of ids[0..n). */
static void
check_items(struct fixture_glossd *g, const json_t *items, const char **ids,
    size_t n, int iris)
{
	const json_t	*item;
	size_t		 i;

	if (json_array_size(items) != n)
		fail_msg("%s: %zu items, wanted %zu", g->target,
		    json_array_size(items), n);
	for (i = 0; i < n; i++) {
		item = json_array_get(items, i);
		if (iris)
			check_str(item, "", iri(g, "/annotations/rec/%s",
			    ids[i]));
		else {
			check_str(item, "id", iri(g, "/annotations/rec/%s",
			    ids[i]));
			check_str(item, "@context",
			    "http://www.w3.org/ns/anno.jsonld");
		}
	}
}

/* No Prefer: the descriptions, the first page embedded. */
static void
test_container(void **state)
{
	struct fixture_glossd	*g = *state;
	const char		*ids[5];
	json_t			*j, *first;

	seed(g, ids);
	j = get_ld(g, "/annotations/rec/");
	check_str(json_array_get(json_object_get(j, "@context"), 0), "",
	    "http://www.w3.org/ns/anno.jsonld");
	check_str(json_array_get(json_object_get(j, "@context"), 1), "",
	    "http://www.w3.org/ns/ldp.jsonld");
	check_str(j, "id", CONTAINER "?iris=0");
	check_str(json_array_get(json_object_get(j, "type"), 0), "",
	    "BasicContainer");
	check_str(json_array_get(json_object_get(j, "type"), 1), "",
	    "AnnotationCollection");
	check_str(j, "label", "Test record");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
	first = json_object_get(j, "first");
	check_str(first, "id", CONTAINER "?iris=0&page=0");
	check_str(first, "type", "AnnotationPage");
	assert_int_equal(json_integer_value(json_object_get(first,
	    "startIndex")), 0);
	check_absent(first, "next");
	check_absent(first, "prev");
	check_items(g, json_object_get(first, "items"), ids, 5, 0);
	check_str(j, "last", CONTAINER "?iris=0&page=0");

	check_header(g, "Link", "<http://www.w3.org/ns/ldp#BasicContainer>; "
	    "rel=\"type\", <http://www.w3.org/TR/annotation-protocol/>; "
	    "rel=\"http://www.w3.org/ns/ldp#constrainedBy\"");
	check_header(g, "Allow", "GET, HEAD, OPTIONS, POST");
	check_header(g, "Accept-Post", LD_TYPE);
	check_header(g, "Vary", "Accept, Prefer");
	check_header(g, "Content-Location", CONTAINER "?iris=0");
	assert_null(fixture_header(g, "Preference-Applied"));
	check_cors(g);
}

/* Each Prefer, and ?iris=, with Preference-Applied when honoured. */
static void
test_container_prefer(void **state)
{
	struct fixture_glossd	*g = *state;
	struct fixture_headers	 h = { 0 };
	const char		*ids[5];
	json_t			*j;

	seed(g, ids);
	h.prefer = "return=representation;include=\"" MINIMAL "\"";
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 200);
	j = fixture_json(g);
	check_str(j, "id", CONTAINER "?iris=0");
	check_str(j, "first", CONTAINER "?iris=0&page=0");
	check_str(j, "last", CONTAINER "?iris=0&page=0");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
	check_absent(j, "items");
	check_header(g, "Preference-Applied", "return=representation");
	check_header(g, "Content-Location", CONTAINER "?iris=0");

	h.prefer = "return=representation;include=\"" MINIMAL " " IRIS "\"";
	get(g, "/annotations/rec/", &h);
	j = fixture_json(g);
	check_str(j, "id", CONTAINER "?iris=1");
	check_str(j, "first", CONTAINER "?iris=1&page=0");
	check_header(g, "Content-Location", CONTAINER "?iris=1");

	h.prefer = "return=representation;include=\"" IRIS "\"";
	get(g, "/annotations/rec/", &h);
	j = fixture_json(g);
	check_str(j, "id", CONTAINER "?iris=1");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids, 5, 1);
	check_header(g, "Preference-Applied", "return=representation");

	h.prefer = "return=representation;include=\"" DESCRIPTIONS "\"";
	get(g, "/annotations/rec/", &h);
	j = fixture_json(g);
	check_str(j, "id", CONTAINER "?iris=0");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids, 5, 0);
	check_header(g, "Preference-Applied", "return=representation");

	/* Both contained forms: the default, descriptions. */
	h.prefer = "return=representation;include=\"" IRIS " " DESCRIPTIONS
	    "\"";
	get(g, "/annotations/rec/", &h);
	check_str(fixture_json(g), "id", CONTAINER "?iris=0");

	/* A Prefer that is not ours is not applied. */
	h.prefer = "return=minimal";
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 200);
	assert_null(fixture_header(g, "Preference-Applied"));

	/* The Content-Location IRI itself answers the same way. */
	j = get_ld(g, "/annotations/rec/?iris=1");
	check_str(j, "id", CONTAINER "?iris=1");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids, 5, 1);

	/*
	 * ?iris= over a Prefer for the other form: not applied.  The same
	 * form, or a minimal container (no items to shape), is.
	 */
	h.prefer = "return=representation;include=\"" DESCRIPTIONS "\"";
	get(g, "/annotations/rec/?iris=1", &h);
	check_str(fixture_json(g), "id", CONTAINER "?iris=1");
	assert_null(fixture_header(g, "Preference-Applied"));
	h.prefer = "return=representation;include=\"" IRIS "\"";
	get(g, "/annotations/rec/?iris=0", &h);
	check_str(fixture_json(g), "id", CONTAINER "?iris=0");
	assert_null(fixture_header(g, "Preference-Applied"));
	h.prefer = "return=representation;include=\"" IRIS " " DESCRIPTIONS
	    "\"";
	get(g, "/annotations/rec/?iris=1", &h);
	assert_null(fixture_header(g, "Preference-Applied"));
	get(g, "/annotations/rec/?iris=0", &h);
	check_header(g, "Preference-Applied", "return=representation");
	h.prefer = "return=representation;include=\"" IRIS "\"";
	get(g, "/annotations/rec/?iris=1", &h);
	check_header(g, "Preference-Applied", "return=representation");
	h.prefer = "return=representation;include=\"" MINIMAL " " IRIS "\"";
	get(g, "/annotations/rec/?iris=0", &h);
	check_str(fixture_json(g), "first", CONTAINER "?iris=0&page=0");
	check_header(g, "Preference-Applied", "return=representation");

	/* A page is the page asked for, whatever Prefer says. */
	get(g, "/annotations/rec/?page=0", &h);
	fixture_status(g, 200);
	assert_null(fixture_header(g, "Preference-Applied"));
}

/* Pages of 2: first, next, prev, last, partOf, total, startIndex. */
static void
test_pages(void **state)
{
	struct fixture_glossd	*g = *state;
	const char		*ids[5];
	json_t			*j;

	seed(g, ids);
	j = get_ld(g, "/annotations/rec/?limit=2");
	check_str(j, "id", CONTAINER "?iris=0&limit=2");
	check_str(j, "first.id", CONTAINER "?iris=0&limit=2&page=0");
	check_str(j, "first.next", CONTAINER "?iris=0&limit=2&page=1");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids, 2, 0);
	check_str(j, "last", CONTAINER "?iris=0&limit=2&page=2");

	j = get_ld(g, "/annotations/rec/?iris=0&limit=2&page=0");
	check_str(j, "@context", "http://www.w3.org/ns/anno.jsonld");
	check_str(j, "id", CONTAINER "?iris=0&limit=2&page=0");
	check_str(j, "type", "AnnotationPage");
	check_str(j, "partOf", CONTAINER "?iris=0&limit=2");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "startIndex")), 0);
	check_absent(j, "prev");
	check_str(j, "next", CONTAINER "?iris=0&limit=2&page=1");
	check_items(g, json_object_get(j, "items"), ids, 2, 0);
	check_header(g, "Content-Location", CONTAINER "?iris=0&limit=2&page=0");
	assert_null(fixture_header(g, "Link"));

	j = get_ld(g, "/annotations/rec/?iris=1&limit=2&page=1");
	check_str(j, "prev", CONTAINER "?iris=1&limit=2&page=0");
	check_str(j, "next", CONTAINER "?iris=1&limit=2&page=2");
	assert_int_equal(json_integer_value(json_object_get(j,
	    "startIndex")), 2);
	check_items(g, json_object_get(j, "items"), ids + 2, 2, 1);

	j = get_ld(g, "/annotations/rec/?iris=1&limit=2&page=2");
	check_str(j, "prev", CONTAINER "?iris=1&limit=2&page=1");
	check_absent(j, "next");
	assert_int_equal(json_integer_value(json_object_get(j,
	    "startIndex")), 4);
	check_items(g, json_object_get(j, "items"), ids + 4, 1, 1);

	/* A page is a page whatever the Prefer. */
	{
		struct fixture_headers	h = { 0 };

		h.prefer = "return=representation;include=\"" MINIMAL "\"";
		get(g, "/annotations/rec/?limit=2&page=1", &h);
		check_items(g, json_object_get(fixture_json(g), "items"),
		    ids + 2, 2, 0);
		assert_null(fixture_header(g, "Preference-Applied"));
	}

	get(g, "/annotations/rec/?limit=2&page=3", NULL);
	fixture_error(g, 404, "no_such_page");
	check_cors(g);
}

/* The default page size is 100, or page_max when that is less. */
static void
test_page_size(void **state)
{
	struct fixture_glossd	*g = *state;
	const char		*ids[5];
	json_t			*j;

	seed(g, ids);
	g->gd.cfg.limits.page_max = 3;
	j = get_ld(g, "/annotations/rec/");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids, 3, 0);
	check_str(j, "last", CONTAINER "?iris=0&page=1");
	get(g, "/annotations/rec/?limit=4", NULL);
	fixture_error(g, 400, "bad_query");
	g->gd.cfg.limits.page_max = 500;
	j = get_ld(g, "/annotations/rec/?limit=100");
	check_str(j, "id", CONTAINER "?iris=0");
}

static void
test_container_errors(void **state)
{
	struct fixture_glossd	*g = *state;

	get(g, "/annotations/nope/", NULL);
	fixture_error(g, 404, "unknown_record");
	check_cors(g);
	get(g, "/annotations/rec/talks/4/", NULL);
	fixture_error(g, 404, "unknown_talk");
	get(g, "/annotations/rec/talks/0/", NULL);
	fixture_error(g, 404, "unknown_talk");
	get(g, "/annotations/rec/talks/01/", NULL);
	fixture_error(g, 404, "unknown_talk");
	get(g, "/annotations/rec/?iris=2", NULL);
	fixture_error(g, 400, "bad_query");
	get(g, "/annotations/rec/?page=-1", NULL);
	fixture_error(g, 400, "bad_query");
	get(g, "/annotations/rec/?limit=0", NULL);
	fixture_error(g, 400, "bad_query");
	/* An empty container has one empty page. */
	get_ld(g, "/annotations/other/?page=0");
	get(g, "/annotations/other/?page=1", NULL);
	fixture_error(g, 404, "no_such_page");
}

/* A talk's container: only that talk's, read-only, labelled. */
static void
test_talk_container(void **state)
{
	struct fixture_glossd	*g = *state;
	const char		*ids[5];
	json_t			*j;

	seed(g, ids);
	j = get_ld(g, "/annotations/rec/talks/1/?iris=1");
	check_str(j, "id", CONTAINER "talks/1/?iris=1");
	check_str(j, "label", "Test record, talk 1: Opening remarks");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids + 2, 1, 1);
	check_header(g, "Allow", "GET, HEAD, OPTIONS");
	assert_null(fixture_header(g, "Accept-Post"));
	j = get_ld(g, "/annotations/rec/talks/2/?iris=1");
	check_items(g, json_object_get(json_object_get(j, "first"), "items"),
	    ids + 3, 1, 1);
	j = get_ld(g, "/annotations/rec/talks/3/?iris=1&page=0");
	check_str(j, "partOf", CONTAINER "talks/3/?iris=1");
	check_items(g, json_object_get(j, "items"), ids + 4, 1, 1);

	/* And the talk's IRI, the target, dereferences. */
	get(g, "/v1/records/rec/talks/3", NULL);
	fixture_status(g, 200);
	check_str(fixture_json(g), "record", "rec");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    fixture_json(g), "talk"), "start")), 300000);
	get(g, "/v1/records/rec/talks/4", NULL);
	fixture_error(g, 404, "unknown_talk");
}

/* --- Negotiation, ETags, OPTIONS --------------------------------------- */

static void
test_not_acceptable(void **state)
{
	struct fixture_glossd	*g = *state;
	struct fixture_headers	 h = { 0 };
	struct statement	*st;
	char			 target[128];

	st = annotate(g, key_other, "comment", "Negotiated.", NULL);
	snprintf(target, sizeof target, "/annotations/rec/%s", st->id);
	h.accept = "text/html";
	get(g, target, &h);
	fixture_error(g, 406, "not_acceptable");
	check_cors(g);
	get(g, "/annotations/rec/", &h);
	fixture_error(g, 406, "not_acceptable");
	h.accept = LD_TYPE;
	get(g, target, &h);
	fixture_status(g, 200);
	h.accept = "text/html, application/json;q=0.1";
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 200);
	assert_string_equal(g->resp.content_type, LD_TYPE);
}

/* A strong ETag; If-None-Match with it is 304, with no body. */
static void
test_etag(void **state)
{
	struct fixture_glossd	*g = *state;
	struct fixture_headers	 h = { 0 };
	const char		*ids[5];
	char			*etag, list[128];

	seed(g, ids);
	get_ld(g, "/annotations/rec/");
	etag = fixture_keep(g, xstrdup(fixture_header(g, "ETag")));
	assert_int_equal(strlen(etag), 34);
	assert_true(etag[0] == '"' && etag[33] == '"');
	get_ld(g, "/annotations/rec/");
	check_header(g, "ETag", etag);

	h.if_none_match = etag;
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 304);
	assert_int_equal(g->resp.body.len, 0);
	assert_null(g->resp.content_type);
	check_header(g, "ETag", etag);
	check_header(g, "Content-Location", CONTAINER "?iris=0");
	check_header(g, "Vary", "Accept, Prefer");
	snprintf(list, sizeof list, "\"x\", W/%s", etag);
	h.if_none_match = list;
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 304);
	h.if_none_match = "*";
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 304);

	/* Another representation, or a changed container: 200. */
	h.if_none_match = etag;
	get(g, "/annotations/rec/?iris=1", &h);
	fixture_status(g, 200);
	annotate(g, key_other, "comment", "One more.", NULL);
	get(g, "/annotations/rec/", &h);
	fixture_status(g, 200);
	assert_string_not_equal(fixture_header(g, "ETag"), etag);

	/* An annotation's, the same way. */
	h.if_none_match = NULL;
	snprintf(list, sizeof list, "/annotations/rec/%s", ids[0]);
	get(g, list, &h);
	fixture_status(g, 200);
	h.if_none_match = fixture_keep(g, xstrdup(fixture_header(g, "ETag")));
	get(g, list, &h);
	fixture_status(g, 304);
}

static void
test_options(void **state)
{
	struct fixture_glossd	*g = *state;

	fixture_dispatch(g, HTTP_OPTIONS, "/annotations/rec/", NULL, 0, NULL);
	fixture_status(g, 200);
	assert_null(g->resp.content_type);
	assert_int_equal(g->resp.body.len, 0);
	check_header(g, "Allow", "GET, HEAD, OPTIONS, POST");
	check_header(g, "Accept-Post", LD_TYPE);
	check_cors(g);
	check_header(g, "Access-Control-Allow-Methods",
	    "GET, HEAD, OPTIONS, POST");
	check_header(g, "Access-Control-Allow-Headers", "Accept, "
	    "Content-Type, Prefer, If-None-Match, If-Match, Authorization");
	check_header(g, "Access-Control-Max-Age", "86400");

	fixture_dispatch(g, HTTP_OPTIONS, "/annotations/rec/talks/2/", NULL,
	    0, NULL);
	fixture_status(g, 200);
	check_header(g, "Allow", "GET, HEAD, OPTIONS");
	check_header(g, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
	assert_null(fixture_header(g, "Accept-Post"));

	fixture_dispatch(g, HTTP_OPTIONS, "/annotations/rec/abc", NULL, 0,
	    NULL);
	fixture_status(g, 200);
	check_header(g, "Allow", "GET, HEAD, OPTIONS");
}

/* --- POST ---------------------------------------------------------------- */

/* A W3C annotation document wrapping wire (or none) as "gloss". */
static const char *
document(struct fixture_glossd *g, const char *wire)
{
	char	*s;

	xasprintf(&s, "{\"@context\":\"http://www.w3.org/ns/anno.jsonld\","
	    "\"type\":\"Annotation\",\"body\":{\"type\":\"TextualBody\","
	    "\"value\":\"ignored\"},\"target\":\"http://example.com/\"%s%s}",
	    wire != NULL ? ",\"gloss\":" : "", wire != NULL ? wire : "");
	return fixture_keep(g, s);
}

static void
post(struct fixture_glossd *g, const char *target, const char *body)
{
	fixture_dispatch(g, HTTP_POST, target, body, strlen(body), NULL);
}

/* POST target body; refused with status and code, nothing stored. */
static void
refused(struct fixture_glossd *g, const char *target, const char *body,
    int status, const char *code)
{
	int64_t	before = store_count(g->gd.store);

	post(g, target, body);
	fixture_error(g, status, code);
	assert_null(fixture_header(g, "Location"));
	check_cors(g);
	assert_int_equal(store_count(g->gd.store), before);
}

static void
test_post(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	const char		*wire, *where;
	json_t			*j;
	int64_t			 before = store_count(g->gd.store);

	st = dated(g, key_other, "annotation", -5, json_pack(
	    "{s:s, s:s, s:s, s:i}", "record", "rec", "kind", "critique",
	    "text", "Posted the W3C way.", "talk", 3));
	wire = fixture_keep(g, fixture_wire(key_other, st));
	post(g, "/annotations/rec/", document(g, wire));
	fixture_status(g, 201);
	assert_int_equal(store_count(g->gd.store), before + 1);
	assert_string_equal(g->resp.content_type, LD_TYPE);
	where = iri(g, "/annotations/rec/%s", st->id);
	check_header(g, "Location", where);
	assert_non_null(fixture_header(g, "ETag"));
	check_cors(g);
	j = fixture_json(g);
	check_str(j, "id", where);
	check_str(j, "motivation", "assessing");
	check_str(j, "target", RECORD_IRI "/talks/3");
	check_str(json_array_get(json_object_get(j, "body"), 0), "value",
	    "Posted the W3C way.");
	/* It is there to GET, the same. */
	j = annotation(g, st->id);
	check_str(j, "id", where);

	/* Again: 200, the same answer, nothing new stored. */
	post(g, "/annotations/rec/", document(g, wire));
	fixture_status(g, 200);
	check_header(g, "Location", where);
	assert_int_equal(store_count(g->gd.store), before + 1);
}

/* Without a signature, with a bad one, or the wrong statement: refused. */
static void
test_post_refused(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st, *elsewhere, *flag;
	const char		*wire;
	char			*bad;

	refused(g, "/annotations/rec/", document(g, NULL), 401,
	    "signature_required");
	if (strstr(fixture_body(g), "\\\"gloss\\\" member") == NULL ||
	    strstr(fixture_body(g), "gloss post") == NULL)
		fail_msg("the 401 does not say how to sign: %s",
		    fixture_body(g));
	st = dated(g, key_other, "annotation", -5, json_pack(
	    "{s:s, s:s, s:s}", "record", "rec", "kind", "comment", "text",
	    "Signed by another."));
	/* Signed by a key that is not its author's. */
	refused(g, "/annotations/rec/", document(g, fixture_keep(g,
	    fixture_wire(key_third, st))), 401, "key_mismatch");
	/* The text changed after signing. */
	wire = fixture_keep(g, fixture_wire(key_other, st));
	bad = fixture_keep(g, xstrdup(wire));
	memcpy(strstr(bad, "Signed by"), "Signed bY", 9);
	refused(g, "/annotations/rec/", document(g, bad), 401,
	    "bad_signature");
	refused(g, "/annotations/rec/", document(g, "\"text\""), 400,
	    "malformed_request");
	refused(g, "/annotations/rec/", document(g, "{\"statement\":{}}"),
	    400, "malformed_request");
	refused(g, "/annotations/rec/", "[1,2]", 400, "malformed_request");
	refused(g, "/annotations/rec/", "{\"gloss\":1.5}", 422,
	    "number_not_integer");
	refused(g, "/annotations/rec/", "{", 400, "malformed_json");
	/* Another record's annotation, or not an annotation at all. */
	elsewhere = dated(g, key_other, "annotation", -5, json_pack(
	    "{s:s, s:s, s:s}", "record", "other", "kind", "comment", "text",
	    "Wrong container."));
	refused(g, "/annotations/rec/", document(g, fixture_keep(g,
	    fixture_wire(key_other, elsewhere))), 422, "wrong_container");
	fixture_post(g, key_other, st);
	flag = dated(g, key_third, "flag", -2, json_pack("{s:s, s:s}",
	    "subject", st->id, "reason", "spam"));
	refused(g, "/annotations/rec/", document(g, fixture_keep(g,
	    fixture_wire(key_third, flag))), 422, "wrong_container");
	/* A container that does not exist. */
	refused(g, "/annotations/nope/", document(g, wire), 404,
	    "unknown_record");
}

/* Held for review: 201 all the same, the answer says pending. */
static void
test_post_pending(void **state)
{
	struct fixture_glossd	*g = *state;
	struct statement	*st;
	char			 target[128];

	g->gd.cfg.moderation = MODERATION_ALL;
	st = dated(g, key_other, "annotation", -5, json_pack(
	    "{s:s, s:s, s:s}", "record", "rec", "kind", "comment", "text",
	    "Waits for a moderator."));
	post(g, "/annotations/rec/", document(g, fixture_keep(g,
	    fixture_wire(key_other, st))));
	fixture_status(g, 201);
	check_str(fixture_json(g), "gloss.status", "pending");
	snprintf(target, sizeof target, "/annotations/rec/%s", st->id);
	get(g, target, NULL);
	fixture_error(g, 404, "not_found");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_comment_on_talk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_critique_of_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_point_in_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reading_links, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_at, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_creator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signature_verifies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retracted_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_shown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_decision, setup,
		    teardown),
		cmocka_unit_test(test_npt),
		cmocka_unit_test(test_prefer),
		cmocka_unit_test(test_accept),
		cmocka_unit_test_setup_teardown(test_container, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_container_prefer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_container_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_talk_container, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_acceptable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_etag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_post, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_post_pending, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("w3c", tests,
	    fixture_group_setup, fixture_group_teardown);
}
