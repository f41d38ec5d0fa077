/*
 * test_statement.c: unit tests for common/statement.c.
 *
 * Every statement the client signs and the daemon stores goes through
 * stmt_from_json, and its canonical bytes, id and minisign signature are
 * the wire format of DESIGN.md section 2: anyone must be able to check a
 * comment offline, years later.  So these tests pin the canonical bytes and
 * the id to a hand-written vector (checked with sha256sum and Python's
 * json.dumps), go to and one past every limit, expect each refusal's exact
 * code, and change every signed member in turn to show that the signature
 * covers it.  Statements are built with json_pack and jcs_parse rather than
 * the test fixtures, so this binary needs nothing but libgloss.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gloss.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define INVALID		"invalid_statement"
#define BAD_LINK	"invalid_link"
#define BAD_RANGE	"bad_time_range"
#define BAD_SIG		"bad_signature"

#define CREATED		"2026-11-26T15:04:05Z"
#define CREATED_T	1795705445	/* date -u -d CREATED +%s */
#define RID		"cvpr2024-mllm"
/* SHA-256("abc"), standing in for a statement id. */
#define REPLY_TO	"ba7816bf8f01cfea414140de5dae2223"		\
			"b00361a396177a9cb410ff61f20015ad"
#define ZERO_ID		"00000000000000000000000000000000"		\
			"00000000000000000000000000000000"

/* A fixed author (the minisign-made key of test_minisig.c) for the vector. */
#define VECTOR_AUTHOR							\
	"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJ"

/* Members out of order, spaces, and escapes that JCS writes otherwise. */
static const char VECTOR_IN[] =
    "{ \"v\": 1, \"type\": \"annotation\",\n"
    "  \"text\": \"Line one\\nsee \\\"Fig. 2\\\"\\t\\u00e9 \\\\ done\",\n"
    "  \"record\": \"cvpr2024-mllm\", \"kind\": \"reading\",\n"
    "  \"author\": \"" VECTOR_AUTHOR "\",\n"
    "  \"created\": \"2026-11-26T15:04:05Z\", \"talk\": 3,\n"
    "  \"at\": { \"end\": 72000, \"start\": 69000 },\n"
    "  \"links\": [ { \"url\": \"https:\\/\\/example.org\\/paper?a=1&b=2\",\n"
    "               \"title\": \"Paper\" } ],\n"
    "  \"reply_to\": \"" REPLY_TO "\" }\n";

/* S by hand: members sorted by bytes, no whitespace, raw UTF-8. */
static const char VECTOR_S[] =
    "{\"at\":{\"end\":72000,\"start\":69000},"
    "\"author\":\"" VECTOR_AUTHOR "\","
    "\"created\":\"2026-11-26T15:04:05Z\",\"kind\":\"reading\","
    "\"links\":[{\"title\":\"Paper\","
    "\"url\":\"https://example.org/paper?a=1&b=2\"}],"
    "\"record\":\"cvpr2024-mllm\",\"reply_to\":\"" REPLY_TO "\","
    "\"talk\":3,"
    "\"text\":\"Line one\\nsee \\\"Fig. 2\\\"\\t\xc3\xa9 \\\\ done\","
    "\"type\":\"annotation\",\"v\":1}";

/* printf '%s' "$VECTOR_S" | sha256sum */
static const char VECTOR_ID[] =
    "54ca966850a5d9b6b15088f326a2d45bd0032f8709d31b9526da9595541da189";

/* One member of a statement set to a JSON value (NULL: removed). */
struct variant {
	const char	*member;
	const char	*value;
	const char	*code;		/* the refusal; NULL if accepted */
};

static struct minisig_seckey	*key_a, *key_b;
static struct minisig_pubkey	 pk_a, pk_b;
static char			 pub_a[GLOSS_PUBKEY_LEN + 1];
static char			 pub_b[GLOSS_PUBKEY_LEN + 1];

#define ACCEPT(root, limits)						\
	accept_at((root), (limits), __LINE__)
#define REFUSE(root, limits, code)					\
	refuse_at((root), (limits), (code), __LINE__)
#define VERIFY_FAILS(st, text, len, code)				\
	verify_fails_at((st), (text), (len), (code), "", __LINE__)

/*
 * Run root through stmt_from_json (which takes it) and fail the test,
 * naming the caller's line, unless it is accepted.
 */
static struct statement *
accept_at(json_t *root, const struct stmt_limits *limits, int line)
{
	struct statement	*st;
	const char		*code = NULL;
	char			*message = NULL, why[256];

	if (root == NULL)
		fail_msg("line %d: no JSON to parse", line);
	st = stmt_from_json(root, limits, &code, &message);
	if (st == NULL) {
		snprintf(why, sizeof why, "%s: %s", code != NULL ? code :
		    "(null)", message != NULL ? message : "(null)");
		free(message);
		fail_msg("line %d: refused, %s", line, why);
	}
	return st;
}

/*
 * The same expecting a refusal with code want (NULL: acceptance) and a
 * message; what names the case in a failure.
 */
static void
check(json_t *root, const struct stmt_limits *limits, const char *want,
    const char *what, int line)
{
	struct statement	*st;
	const char		*code = NULL;
	char			*message = NULL, got[64], why[256];
	int			 have_message;

	if (root == NULL)
		fail_msg("line %d %s: no JSON to parse", line, what);
	st = stmt_from_json(root, limits, &code, &message);
	if (st != NULL) {
		stmt_free(st);
		if (want != NULL)
			fail_msg("line %d %s: accepted, expected %s", line,
			    what, want);
		return;
	}
	snprintf(got, sizeof got, "%s", code != NULL ? code : "(null)");
	snprintf(why, sizeof why, "%s", message != NULL ? message : "");
	have_message = message != NULL && *message != '\0';
	free(message);
	if (want == NULL || strcmp(got, want) != 0)
		fail_msg("line %d %s: refused with %s (%s), expected %s",
		    line, what, got, why, want != NULL ? want : "acceptance");
	if (!have_message)
		fail_msg("line %d %s: %s without a message", line, what, got);
}

static void
refuse_at(json_t *root, const struct stmt_limits *limits, const char *want,
    int line)
{
	check(root, limits, want, "", line);
}

/* Each variant of make()'s statement, with the default limits. */
static void
check_variants(json_t *(*make)(void), const struct variant *v, size_t n)
{
	struct jcs_err	 err;
	json_t		*root, *value;
	char		 what[128];
	size_t		 i;

	for (i = 0; i < n; i++) {
		snprintf(what, sizeof what, "[%zu] %s=%.64s", i, v[i].member,
		    v[i].value != NULL ? v[i].value : "(removed)");
		root = make();
		assert_non_null(root);
		if (v[i].value == NULL)
			assert_int_equal(json_object_del(root, v[i].member), 0);
		else {
			value = jcs_parse(v[i].value, strlen(v[i].value), &err);
			if (value == NULL)
				fail_msg("%s: %s", what, err.message);
			json_object_set_new(root, v[i].member, value);
		}
		check(root, &stmt_default_limits, v[i].code, what, __LINE__);
	}
}

/* stmt_verify must refuse text with code want and a message. */
static void
verify_fails_at(const struct statement *st, const char *text, size_t len,
    const char *want, const char *what, int line)
{
	const char	*code = NULL;
	char		*message = NULL, got[64];
	int		 rc, have_message;

	rc = stmt_verify(st, text, len, &code, &message);
	snprintf(got, sizeof got, "%s", code != NULL ? code : "(null)");
	have_message = message != NULL && *message != '\0';
	free(message);
	if (rc != -1)
		fail_msg("line %d %s: verified (%d), expected %s", line, what,
		    rc, want);
	if (strcmp(got, want) != 0)
		fail_msg("line %d %s: %s, expected %s", line, what, got, want);
	if (!have_message)
		fail_msg("line %d %s: %s without a message", line, what, got);
}

/* root with member name set to value; both stolen, root returned. */
static json_t *
with(json_t *root, const char *name, json_t *value)
{
	assert_non_null(root);
	assert_non_null(value);
	assert_int_equal(json_object_set_new(root, name, value), 0);
	return root;
}

/* A JSON string of exactly len bytes: prefix, then fill. */
static json_t *
filled(const char *prefix, size_t len, char fill)
{
	json_t	*s;
	char	*p;
	size_t	 plen = strlen(prefix);

	assert_true(len >= plen);
	p = xmalloc(len + 1);
	memcpy(p, prefix, plen);
	memset(p + plen, fill, len - plen);
	p[len] = '\0';
	s = json_stringn(p, len);
	free(p);
	assert_non_null(s);
	return s;
}

/* n links (as objects) or n talks a second apart. */
static json_t *
list_n(size_t n, int talks)
{
	json_t	*list = json_array();
	size_t	 i;

	for (i = 0; i < n; i++) {
		json_array_append_new(list, talks ?
		    json_pack("{s:I, s:s}", "start", (json_int_t)i * 1000,
		    "title", "Talk") :
		    json_pack("{s:s}", "url", "https://example.org/"));
	}
	assert_int_equal(json_array_size(list), n);
	return list;
}

static json_t *
annotation_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "annotation", "author", pub_a, "created", CREATED,
	    "record", RID, "kind", "comment", "text", "hello");
}

static json_t *
annotation_full(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:{s:i, s:i},"
	    " s:s, s:[{s:s, s:s}, {s:s}], s:s}",
	    "v", 1, "type", "annotation", "author", pub_a, "created", CREATED,
	    "record", RID, "kind", "comment", "talk", 3,
	    "at", "start", 69000, "end", 72000,
	    "text", "See table 2.\n\tIt contradicts the claim.",
	    "links", "url", "https://example.org/paper", "title", "The paper",
	    "url", "http://example.org/code",
	    "reply_to", REPLY_TO);
}

static json_t *
record_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:[{s:i, s:s}]}",
	    "v", 1, "type", "record", "author", pub_a, "created", CREATED,
	    "record", RID, "title", "A record", "duration", 600000,
	    "talks", "start", 0, "title", "Opening");
}

static json_t *
record_full(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s,"
	    " s:[{s:s, s:s}, {s:s}],"
	    " s:[{s:i, s:s, s:s, s:s}, {s:i, s:s}, {s:i, s:s, s:s}],"
	    " s:[s, s], s:[s], s:s, s:s}",
	    "v", 1, "type", "record", "author", pub_a, "created", CREATED,
	    "record", RID, "title", "MLLM tutorial", "event", "CVPR 2024",
	    "duration", 3600000, "abstract", "Two lines\nof abstract.",
	    "speakers", "name", "Ana Ruiz", "affiliation", "Univ. A",
	    "name", "Zo\xc3\xab Li",
	    "talks", "start", 0, "speaker", "Ana Ruiz", "title", "Opening",
	    "description", "Why\tnow.\nAnd how.",
	    "start", 600000, "title", "Benchmarks",
	    "start", 3599999, "speaker", "Zo\xc3\xab Li", "title", "Q&A",
	    "takeaways", "Scale helps", "Data matters", "topics", "MLLM",
	    "notes", "Slides\nlater.", "mentioned", "LLaVA, GPT-4V");
}

/* Line n (0-based) of a .minisig, without its line end; caller frees. */
static char *
sig_line(const char *sig, int n)
{
	const char	*p = sig, *nl;
	int		 i;

	for (i = 0; i < n; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	nl = strchr(p, '\n');
	return xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
}

/* sig with line n replaced by repl (NULL: dropped); caller frees. */
static char *
replace_line(const char *sig, int n, const char *repl)
{
	struct buf	 b;
	char		*line;
	int		 i;

	buf_init(&b);
	for (i = 0; i < 4; i++) {
		if (i == n) {
			if (repl == NULL)
				continue;
			buf_puts(&b, repl);
		} else {
			line = sig_line(sig, i);
			buf_puts(&b, line);
			free(line);
		}
		buf_putc(&b, '\n');
	}
	return buf_take(&b);
}

/* Decode base64 line n of sig into bin; returns the decoded length. */
static size_t
decode_line(const char *sig, int n, uint8_t *bin, size_t size)
{
	char	*line = sig_line(sig, n);
	size_t	 len = 0;
	int	 rc;

	rc = sodium_base642bin(bin, size, line, strlen(line), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL);
	free(line);
	assert_int_equal(rc, 0);
	return len;
}

/* sig with line n replaced by the base64 of bin; caller frees. */
static char *
encode_line(const char *sig, int n, const uint8_t *bin, size_t len)
{
	char	b64[256];

	assert_true(sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL) <= sizeof b64);
	sodium_bin2base64(b64, sizeof b64, bin, len,
	    sodium_base64_VARIANT_ORIGINAL);
	return replace_line(sig, n, b64);
}

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	if ((key_a = minisig_keygen(&pk_a)) == NULL ||
	    (key_b = minisig_keygen(&pk_b)) == NULL)
		return -1;
	minisig_pubkey_format(&pk_a, pub_a);
	minisig_pubkey_format(&pk_b, pub_b);
	return 0;
}

static int
teardown(void **state)
{
	minisig_seckey_free(key_a);
	minisig_seckey_free(key_b);
	return 0;
}

/* The smallest annotation: typed fields, absent members, canonical S. */
static void
test_annotation_minimal(void **state)
{
	struct statement	*st;
	struct stmt_annotation	*a;
	char			 want[512];

	st = ACCEPT(annotation_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_ANNOTATION);
	assert_string_equal(st->author, pub_a);
	assert_memory_equal(&st->key, &pk_a, sizeof pk_a);
	assert_string_equal(st->created_text, CREATED);
	assert_int_equal(st->created, CREATED_T);
	a = &st->u.annotation;
	assert_string_equal(a->record, RID);
	assert_int_equal(a->kind, KIND_COMMENT);
	assert_int_equal(a->talk, 0);
	assert_int_equal(a->at_start, -1);
	assert_int_equal(a->at_end, -1);
	assert_string_equal(a->text, "hello");
	assert_int_equal(a->text_len, 5);
	assert_null(a->links);
	assert_int_equal(a->nlinks, 0);
	assert_null(a->reply_to);

	snprintf(want, sizeof want, "{\"author\":\"%s\",\"created\":\"" CREATED
	    "\",\"kind\":\"comment\",\"record\":\"" RID "\",\"text\":\"hello\","
	    "\"type\":\"annotation\",\"v\":1}", pub_a);
	assert_int_equal(st->canonical_len, strlen(want));
	assert_string_equal(st->canonical, want);
	stmt_free(st);
}

/* Every annotation member at once, and the edges of "at". */
static void
test_annotation_full(void **state)
{
	struct statement	*st;
	struct stmt_annotation	*a;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_ANNOTATION);
	a = &st->u.annotation;
	assert_string_equal(a->record, RID);
	assert_int_equal(a->kind, KIND_COMMENT);
	assert_int_equal(a->talk, 3);
	assert_int_equal(a->at_start, 69000);
	assert_int_equal(a->at_end, 72000);
	assert_string_equal(a->text,
	    "See table 2.\n\tIt contradicts the claim.");
	assert_int_equal(a->text_len, strlen(a->text));
	assert_int_equal(a->nlinks, 2);
	assert_non_null(a->links);
	assert_string_equal(a->links[0].url, "https://example.org/paper");
	assert_string_equal(a->links[0].title, "The paper");
	assert_string_equal(a->links[1].url, "http://example.org/code");
	assert_null(a->links[1].title);
	assert_string_equal(a->reply_to, REPLY_TO);
	stmt_free(st);

	/* A start without an end is a moment. */
	st = ACCEPT(with(annotation_min(), "at", json_pack("{s:i}", "start",
	    0)), &stmt_default_limits);
	assert_int_equal(st->u.annotation.at_start, 0);
	assert_int_equal(st->u.annotation.at_end, -1);
	stmt_free(st);

	/* The largest safe integer is a position; one more is not. */
	st = ACCEPT(with(annotation_min(), "at", json_pack("{s:I}", "start",
	    (json_int_t)GLOSS_MAX_SAFE_INT)), &stmt_default_limits);
	assert_int_equal(st->u.annotation.at_start, GLOSS_MAX_SAFE_INT);
	stmt_free(st);
	REFUSE(with(annotation_min(), "at", json_pack("{s:I}", "start",
	    (json_int_t)GLOSS_MAX_SAFE_INT + 1)), &stmt_default_limits,
	    INVALID);
}

/* A record with every member, and the smallest one with its S. */
static void
test_record(void **state)
{
	struct statement	*st;
	struct stmt_record	*r;
	char			 want[512];

	st = ACCEPT(record_full(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_RECORD);
	r = &st->u.record;
	assert_string_equal(r->rid, RID);
	assert_string_equal(r->title, "MLLM tutorial");
	assert_string_equal(r->event, "CVPR 2024");
	assert_int_equal(r->duration, 3600000);
	assert_int_equal(r->ntalks, 3);
	assert_int_equal(r->talks[0].start, 0);
	assert_string_equal(r->talks[0].speaker, "Ana Ruiz");
	assert_string_equal(r->talks[0].title, "Opening");
	assert_string_equal(r->talks[0].description, "Why\tnow.\nAnd how.");
	assert_int_equal(r->talks[1].start, 600000);
	assert_null(r->talks[1].speaker);
	assert_string_equal(r->talks[1].title, "Benchmarks");
	assert_null(r->talks[1].description);
	assert_int_equal(r->talks[2].start, 3599999);
	assert_string_equal(r->talks[2].speaker, "Zo\xc3\xab Li");
	assert_string_equal(r->talks[2].title, "Q&A");
	stmt_free(st);

	st = ACCEPT(record_min(), &stmt_default_limits);
	r = &st->u.record;
	assert_null(r->event);
	assert_int_equal(r->ntalks, 1);
	snprintf(want, sizeof want, "{\"author\":\"%s\",\"created\":\"" CREATED
	    "\",\"duration\":600000,\"record\":\"" RID "\",\"talks\":[{"
	    "\"start\":0,\"title\":\"Opening\"}],\"title\":\"A record\","
	    "\"type\":\"record\",\"v\":1}", pub_a);
	assert_string_equal(st->canonical, want);
	stmt_free(st);
}

/* The hand-written vector: S, its id, and S parsed again. */
static void
test_canonical_vector(void **state)
{
	struct statement	*st, *st2;
	struct stmt_annotation	*a;
	struct jcs_err		 err;

	st = ACCEPT(jcs_parse(VECTOR_IN, strlen(VECTOR_IN), &err),
	    &stmt_default_limits);
	assert_int_equal(st->canonical_len, strlen(VECTOR_S));
	assert_memory_equal(st->canonical, VECTOR_S, sizeof VECTOR_S);
	assert_string_equal(st->id, VECTOR_ID);
	assert_string_equal(st->author, VECTOR_AUTHOR);
	a = &st->u.annotation;
	assert_int_equal(a->kind, KIND_READING);
	assert_string_equal(a->text,
	    "Line one\nsee \"Fig. 2\"\t\xc3\xa9 \\ done");
	assert_string_equal(a->links[0].url,
	    "https://example.org/paper?a=1&b=2");

	/* S is its own canonical form. */
	st2 = ACCEPT(jcs_parse(st->canonical, st->canonical_len, &err),
	    &stmt_default_limits);
	assert_string_equal(st2->canonical, VECTOR_S);
	assert_string_equal(st2->id, VECTOR_ID);
	stmt_free(st2);
	stmt_free(st);
}

/* id is the lowercase hex SHA-256 of S, computed here independently. */
static void
test_id_is_sha256(void **state)
{
	json_t			*(*make[])(void) = { annotation_min,
				    annotation_full, record_min, record_full };
	struct statement	*st;
	unsigned char		 hash[crypto_hash_sha256_BYTES];
	char			 hex[GLOSS_ID_LEN + 1];
	size_t			 i, j;

	for (i = 0; i < nitems(make); i++) {
		st = ACCEPT(make[i](), &stmt_default_limits);
		assert_int_equal(strlen(st->canonical), st->canonical_len);
		crypto_hash_sha256(hash, (const unsigned char *)st->canonical,
		    st->canonical_len);
		for (j = 0; j < sizeof hash; j++)
			snprintf(hex + 2 * j, 3, "%02x", hash[j]);
		assert_string_equal(st->id, hex);
		stmt_free(st);
	}

	/* FIPS 180-2 vectors. */
	stmt_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	stmt_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, REPLY_TO);
}

/*
 * stmt_from_json drops its reference to root, accepted or not; refusals
 * after the links or talks were copied free them (ASan checks).
 */
static void
test_ownership(void **state)
{
	json_t			*root;
	struct statement	*st;
	const char		*code;
	char			*message;
	int			 i;

	root = annotation_full();
	json_incref(root);
	st = ACCEPT(root, &stmt_default_limits);
	assert_ptr_equal(st->root, root);
	assert_int_equal(root->refcount, 2);
	stmt_free(st);
	assert_int_equal(root->refcount, 1);
	json_decref(root);

	for (i = 0; i < 3; i++) {
		if (i == 0)
			root = with(annotation_min(), "v", json_integer(2));
		else if (i == 1) {
			root = annotation_full();
			json_object_set_new(json_array_get(json_object_get(root,
			    "links"), 1), "url", json_string("ftp://x"));
		} else {
			root = record_full();
			json_object_set_new(json_array_get(json_object_get(root,
			    "talks"), 2), "start", json_integer(1));
		}
		json_incref(root);
		code = NULL;
		message = NULL;
		st = stmt_from_json(root, &stmt_default_limits, &code,
		    &message);
		assert_null(st);
		assert_non_null(code);
		assert_non_null(message);
		free(message);
		assert_int_equal(root->refcount, 1);
		json_decref(root);
	}
}

static void
test_refuse_not_object(void **state)
{
	REFUSE(json_pack("[i]", 1), &stmt_default_limits, INVALID);
	REFUSE(json_string("annotation"), &stmt_default_limits, INVALID);
	REFUSE(json_integer(1), &stmt_default_limits, INVALID);
	REFUSE(json_null(), &stmt_default_limits, INVALID);
	REFUSE(json_object(), &stmt_default_limits, INVALID);
}

static void
test_refuse_version_type(void **state)
{
	static const struct variant v[] = {
		{ "v", NULL, INVALID },
		{ "v", "0", INVALID },
		{ "v", "2", INVALID },
		{ "v", "\"1\"", INVALID },
		{ "v", "true", INVALID },
		{ "type", NULL, INVALID },
		{ "type", "\"comment\"", INVALID },
		{ "type", "\"Annotation\"", INVALID },
		{ "type", "\"\"", INVALID },
		{ "type", "1", INVALID },
		/* known types whose members differ from an annotation's */
		{ "type", "\"revision\"", INVALID },
		{ "type", "\"retraction\"", INVALID },
		{ "type", "\"endorse\"", INVALID },
		{ "type", "\"unendorse\"", INVALID },
		{ "type", "\"profile\"", INVALID },
		{ "type", "\"flag\"", INVALID },
		{ "type", "\"moderation\"", INVALID },
		{ "type", "\"link-review\"", INVALID },
	};

	check_variants(annotation_min, v, nitems(v));
}

/* Nothing unknown is signed and ignored, at any level. */
static void
test_refuse_unknown_member(void **state)
{
	static const struct variant a[] = {
		{ "extra", "1", INVALID },
		{ "title", "\"x\"", INVALID },		/* a record's */
		{ "at", "{\"start\":1,\"end\":2,\"stop\":3}", INVALID },
		{ "links", "[{\"url\":\"https://a.example/\",\"href\":\"x\"}]",
		    INVALID },
	};
	static const struct variant r[] = {
		{ "extra", "1", INVALID },
		{ "kind", "\"comment\"", INVALID },	/* an annotation's */
		{ "talks", "[{\"start\":0,\"title\":\"A\",\"slides\":\"x\"}]",
		    INVALID },
		{ "speakers", "[{\"name\":\"Ana\",\"email\":\"a@b.c\"}]",
		    INVALID },
		{ "speakers", "[{\"name\":\"Ana\",\"affiliation\":\"U\"}]",
		    NULL },
	};

	check_variants(annotation_min, a, nitems(a));
	check_variants(record_min, r, nitems(r));
}

static void
test_refuse_author(void **state)
{
	static const struct variant v[] = {
		{ "author", NULL, INVALID },
		{ "author", "\"RWQ\"", INVALID },
		{ "author", "\"\"", INVALID },
		{ "author", "1", INVALID },
	};
	uint8_t	blob[42];
	char	b64[GLOSS_PUBKEY_LEN + 1], bad[GLOSS_PUBKEY_LEN + 1];
	size_t	len = 0;

	check_variants(annotation_min, v, nitems(v));
	/* One character more, or one outside base64. */
	REFUSE(with(annotation_min(), "author", json_sprintf("%sA", pub_a)),
	    &stmt_default_limits, INVALID);
	snprintf(bad, sizeof bad, "%s", pub_a);
	bad[10] = '!';
	REFUSE(with(annotation_min(), "author", json_string(bad)),
	    &stmt_default_limits, INVALID);
	/* Valid base64 of a key blob, but not an "Ed" key. */
	assert_int_equal(sodium_base642bin(blob, sizeof blob, pub_a,
	    strlen(pub_a), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL),
	    0);
	assert_int_equal(len, sizeof blob);
	memcpy(blob, "ED", 2);
	sodium_bin2base64(b64, sizeof b64, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	REFUSE(with(annotation_min(), "author", json_string(b64)),
	    &stmt_default_limits, INVALID);
}

static void
test_refuse_created(void **state)
{
	static const struct variant v[] = {
		{ "created", "\"2026-11-26T15:04:05+00:00\"", INVALID },
		{ "created", "\"2026-11-26T16:04:05+01:00\"", INVALID },
		{ "created", "\"2026-11-26T15:04:05.5Z\"", INVALID },
		{ "created", "\"2026-11-26T15:04:05.000Z\"", INVALID },
		{ "created", "\"2026-11-26T15:04:05z\"", INVALID },
		{ "created", "\"2026-11-26t15:04:05Z\"", INVALID },
		{ "created", "\"2026-11-26 15:04:05Z\"", INVALID },
		{ "created", "\"2026-11-26T15:04:05\"", INVALID },
		{ "created", "\"2026-11-26T15:04Z\"", INVALID },
		{ "created", "\"2026-02-29T15:04:05Z\"", INVALID },
		{ "created", "\"2026-11-26T24:00:00Z\"", INVALID },
		{ "created", "\"2026-11-26T15:04:60Z\"", INVALID },
		{ "created", "\"\"", INVALID },
		{ "created", "1795705445", INVALID },
		{ "created", NULL, INVALID },
		{ "created", "\"2028-02-29T23:59:59Z\"", NULL },
	};

	check_variants(annotation_min, v, nitems(v));
}

/* Record ids in both types: [a-z0-9][a-z0-9._-]*, at most 64 bytes. */
static void
test_record_id(void **state)
{
	static const struct variant v[] = {
		{ "record", "\"Cvpr2024\"", INVALID },
		{ "record", "\"cvpr2024-MLLM\"", INVALID },
		{ "record", "\"-cvpr\"", INVALID },
		{ "record", "\".cvpr\"", INVALID },
		{ "record", "\"_cvpr\"", INVALID },
		{ "record", "\"cvpr 2024\"", INVALID },
		{ "record", "\"cvpr/2024\"", INVALID },
		{ "record", "\"caf\xc3\xa9\"", INVALID },
		{ "record", "\"\"", INVALID },
		{ "record", "2024", INVALID },
		{ "record", NULL, INVALID },
		{ "record", "\"0a.b_c-\"", NULL },
	};
	json_t			*(*make[])(void) = { annotation_min,
				    record_min };
	struct statement	*st;
	size_t			 j;

	for (j = 0; j < nitems(make); j++) {
		check_variants(make[j], v, nitems(v));
		REFUSE(with(make[j](), "record", filled("r", 65, 'x')),
		    &stmt_default_limits, INVALID);
		st = ACCEPT(with(make[j](), "record", filled("r", 64, 'x')),
		    &stmt_default_limits);
		assert_int_equal(strlen(j == 0 ? st->u.annotation.record :
		    st->u.record.rid), 64);
		stmt_free(st);
	}
}

static void
test_kind_talk(void **state)
{
	static const struct variant v[] = {
		{ "kind", "\"note\"", INVALID },
		{ "kind", "\"Comment\"", INVALID },
		{ "kind", "\"\"", INVALID },
		{ "kind", "0", INVALID },
		{ "kind", NULL, INVALID },
		{ "kind", "\"critique\"", NULL },
		{ "talk", "0", INVALID },
		{ "talk", "1001", INVALID },
		{ "talk", "\"1\"", INVALID },
	};
	static const char	*names[] = { "comment", "critique", "reading" };
	static const int	 talks[] = { 1, 1000 };
	struct statement	*st;
	size_t			 i;

	check_variants(annotation_min, v, nitems(v));
	for (i = 0; i < nitems(names); i++) {
		st = ACCEPT(with(annotation_full(), "kind",
		    json_string(names[i])), &stmt_default_limits);
		assert_int_equal(st->u.annotation.kind, i);
		stmt_free(st);
	}
	for (i = 0; i < nitems(talks); i++) {
		st = ACCEPT(with(annotation_min(), "talk",
		    json_integer(talks[i])), &stmt_default_limits);
		assert_int_equal(st->u.annotation.talk, talks[i]);
		stmt_free(st);
	}
}

/* A range ends after it starts; at.start < 0 cannot be parsed (JCS). */
static void
test_time_range(void **state)
{
	static const struct variant v[] = {
		{ "at", "{\"start\":5000,\"end\":5000}", BAD_RANGE },
		{ "at", "{\"start\":5000,\"end\":4999}", BAD_RANGE },
		{ "at", "{\"start\":5000,\"end\":0}", BAD_RANGE },
		{ "at", "{\"end\":5000}", INVALID },
		{ "at", "{\"start\":\"1:09:29\"}", INVALID },
		{ "at", "{\"start\":1,\"end\":null}", INVALID },
		{ "at", "[1,2]", INVALID },
		{ "at", "1", INVALID },
	};
	struct statement	*st;

	check_variants(annotation_min, v, nitems(v));
	st = ACCEPT(with(annotation_min(), "at", json_pack("{s:i, s:i}",
	    "start", 5000, "end", 5001)), &stmt_default_limits);
	assert_int_equal(st->u.annotation.at_start, 5000);
	assert_int_equal(st->u.annotation.at_end, 5001);
	stmt_free(st);
}

static void
test_text(void **state)
{
	static const struct variant v[] = {
		{ "text", "\"a\\u0001b\"", INVALID },
		{ "text", "\"red \\u001b[31m\"", INVALID },
		{ "text", "\"a\\u007f\"", INVALID },
		{ "text", "\"line\\r\\nbreak\"", INVALID },
		{ "text", "\"a\\u0000b\"", INVALID },
		{ "text", "\"\\u001f\"", INVALID },
		{ "text", "\"\"", INVALID },
		{ "text", "1", INVALID },
		{ "text", NULL, INVALID },
	};
	struct statement	*st;

	check_variants(annotation_min, v, nitems(v));
	st = ACCEPT(with(annotation_min(), "text",
	    json_string("one\ntwo\tthree\n")), &stmt_default_limits);
	assert_string_equal(st->u.annotation.text, "one\ntwo\tthree\n");
	assert_int_equal(st->u.annotation.text_len, 14);
	stmt_free(st);
}

/*
 * U+0080..U+009F are control characters too: U+009B is CSI, which xterm
 * obeys in UTF-8, so such a comment could recolour a reader's terminal.
 */
static void
test_text_c1_control(void **state)
{
	static const struct variant v[] = {
		{ "text", "\"red \\u009b31m alert\"", INVALID },
		{ "text", "\"next\\u0085line\"", INVALID },
	};

	check_variants(annotation_min, v, nitems(v));
}

/*
 * A refused control character is named, and placed by line and column
 * (in characters) in a text, by character in a one-line member.
 */
static void
test_control_named(void **state)
{
	static const struct {
		const char	*member, *value, *message;
	} c[] = {
		{ "text", "one\r\ntwo", "member \"text\" holds a control "
		    "character, U+000D, at line 1, column 4" },
		{ "text", "a\n\xc3\xa9t\xc2\x9b", "member \"text\" holds a "
		    "control character, U+009B, at line 2, column 3" },
		{ "record", "cvpr\x1b", "member \"record\" holds a control "
		    "character, U+001B, at character 5" },
	};
	struct statement	*st;
	const char		*code;
	char			*message;
	size_t			 i;

	for (i = 0; i < nitems(c); i++) {
		message = NULL;
		st = stmt_from_json(with(annotation_min(), c[i].member,
		    json_string(c[i].value)), NULL, &code, &message);
		assert_null(st);
		assert_string_equal(message, c[i].message);
		free(message);
	}
}

/* max_text counts bytes, not characters; NULL limits skip it. */
static void
test_text_limit(void **state)
{
	size_t			 max = stmt_default_limits.max_text, i;
	struct statement	*st;
	struct buf		 b;

	assert_int_equal(max, 16384);
	st = ACCEPT(with(annotation_min(), "text", filled("", max, 'a')),
	    &stmt_default_limits);
	assert_int_equal(st->u.annotation.text_len, max);
	stmt_free(st);
	REFUSE(with(annotation_min(), "text", filled("", max + 1, 'a')),
	    &stmt_default_limits, "text_too_long");
	st = ACCEPT(with(annotation_min(), "text", filled("", max + 1, 'a')),
	    NULL);
	assert_int_equal(st->u.annotation.text_len, max + 1);
	stmt_free(st);

	buf_init(&b);
	for (i = 0; i < max / 2; i++)
		buf_puts(&b, "\xc3\xa9");
	stmt_free(ACCEPT(with(annotation_min(), "text", json_string(b.data)),
	    &stmt_default_limits));
	buf_putc(&b, 'a');
	REFUSE(with(annotation_min(), "text", json_string(b.data)),
	    &stmt_default_limits, "text_too_long");
	buf_free(&b);
}

static void
test_links(void **state)
{
	static const struct variant v[] = {
		{ "links", "\"https://example.org/\"", INVALID },
		{ "links", "{\"url\":\"https://example.org/\"}", INVALID },
		{ "links", "[\"https://example.org/\"]", INVALID },
		{ "links", "[{\"title\":\"No URL\"}]", INVALID },
		{ "links", "[{\"url\":1}]", INVALID },
		{ "links", "[{\"url\":\"\"}]", INVALID },
		{ "links", "[{\"url\":\"javascript:alert(1)\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"ftp://example.org/\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"mailto:a@example.org\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"data:text/html,hi\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"file:///etc/passwd\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"//example.org/\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"https:example.org\"}]", BAD_LINK },
		{ "links", "[{\"url\":\" https://example.org/\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"https://a.example/a b\"}]", BAD_LINK },
		/* Control characters fail the plain-text check first. */
		{ "links", "[{\"url\":\"https://example.org/\\u0001\"}]",
		    INVALID },
		{ "links", "[{\"url\":\"https://a.example/\\ta\"}]", INVALID },
		{ "links", "[{\"url\":\"https://exa\\u007f\"}]", INVALID },
		{ "links", "[{\"url\":\"https://example.org/\"},"
		    "{\"url\":\"ftp://example.org/\"}]", BAD_LINK },
		{ "links", "[{\"url\":\"HTTPS://EXAMPLE.ORG/\"}]", NULL },
		{ "links", "[]", NULL },
	};
	json_t	*reading;

	check_variants(annotation_min, v, nitems(v));

	/* A reading needs at least one link. */
	reading = with(annotation_min(), "kind", json_string("reading"));
	REFUSE(reading, &stmt_default_limits, INVALID);
	reading = with(annotation_min(), "kind", json_string("reading"));
	REFUSE(with(reading, "links", json_array()), &stmt_default_limits,
	    INVALID);
	reading = with(annotation_min(), "kind", json_string("reading"));
	stmt_free(ACCEPT(with(reading, "links", list_n(1, 0)),
	    &stmt_default_limits));
}

/* max_links and max_url, and NULL limits skipping both. */
static void
test_links_limits(void **state)
{
	size_t			 max = stmt_default_limits.max_links;
	size_t			 max_url = stmt_default_limits.max_url;
	const char		*site = "https://example.org/";
	struct statement	*st;

	assert_int_equal(max, 16);
	st = ACCEPT(with(annotation_min(), "links", list_n(max, 0)),
	    &stmt_default_limits);
	assert_int_equal(st->u.annotation.nlinks, max);
	stmt_free(st);
	REFUSE(with(annotation_min(), "links", list_n(max + 1, 0)),
	    &stmt_default_limits, "too_many_links");
	st = ACCEPT(with(annotation_min(), "links", list_n(max + 1, 0)), NULL);
	assert_int_equal(st->u.annotation.nlinks, max + 1);
	stmt_free(st);

	assert_int_equal(max_url, 2048);
	st = ACCEPT(with(annotation_min(), "links", json_pack("[{s:o}]",
	    "url", filled(site, max_url, 'a'))), &stmt_default_limits);
	assert_int_equal(strlen(st->u.annotation.links[0].url), max_url);
	stmt_free(st);
	REFUSE(with(annotation_min(), "links", json_pack("[{s:o}]", "url",
	    filled(site, max_url + 1, 'a'))), &stmt_default_limits,
	    "url_too_long");
	stmt_free(ACCEPT(with(annotation_min(), "links", json_pack("[{s:o}]",
	    "url", filled(site, max_url + 1, 'a'))), NULL));
}

/* Titles have a fixed 512-byte cap, limits or not. */
static void
test_link_title(void **state)
{
	static const struct variant v[] = {
		{ "links", "[{\"url\":\"https://a.example/\",\"title\":\"\"}]",
		    INVALID },
		{ "links", "[{\"url\":\"https://a.example/\",\"title\":"
		    "\"a\\nb\"}]", INVALID },
		{ "links", "[{\"url\":\"https://a.example/\",\"title\":1}]",
		    INVALID },
	};
	const char		*site = "https://example.org/";
	struct statement	*st;

	check_variants(annotation_min, v, nitems(v));
	st = ACCEPT(with(annotation_min(), "links", json_pack("[{s:s, s:o}]",
	    "url", site, "title", filled("", 512, 't'))),
	    &stmt_default_limits);
	assert_int_equal(strlen(st->u.annotation.links[0].title), 512);
	stmt_free(st);
	REFUSE(with(annotation_min(), "links", json_pack("[{s:s, s:o}]",
	    "url", site, "title", filled("", 513, 't'))),
	    &stmt_default_limits, INVALID);
	REFUSE(with(annotation_min(), "links", json_pack("[{s:s, s:o}]",
	    "url", site, "title", filled("", 513, 't'))), NULL, INVALID);
}

static void
test_reply_to(void **state)
{
	static const struct variant v[] = {
		{ "reply_to", "\"ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015a\"", INVALID },
		{ "reply_to", "\"" REPLY_TO "0\"", INVALID },
		{ "reply_to", "\"BA7816BF8F01CFEA414140DE5DAE2223"
		    "B00361A396177A9CB410FF61F20015AD\"", INVALID },
		{ "reply_to", "\"ga7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad\"", INVALID },
		{ "reply_to", "\"\"", INVALID },
		{ "reply_to", "1", INVALID },
		{ "reply_to", "\"" ZERO_ID "\"", NULL },
	};

	check_variants(annotation_min, v, nitems(v));
}

static void
test_record_refusals(void **state)
{
	static const struct variant v[] = {
		{ "duration", "0", INVALID },
		{ "duration", "\"600000\"", INVALID },
		{ "duration", NULL, INVALID },
		{ "title", NULL, INVALID },
		{ "event", "\"\"", INVALID },
		{ "talks", NULL, INVALID },
		{ "talks", "[]", INVALID },
		{ "talks", "{\"start\":0}", INVALID },
		{ "talks", "[0]", INVALID },
		{ "talks", "[{\"start\":0}]", INVALID },
		{ "talks", "[{\"title\":\"No start\"}]", INVALID },
		{ "talks", "[{\"start\":1000,\"title\":\"A\"},"
		    "{\"start\":999,\"title\":\"B\"}]", INVALID },
		/* duration 600000: the last talk starts by 599999. */
		{ "talks", "[{\"start\":0,\"title\":\"A\"},"
		    "{\"start\":600000,\"title\":\"B\"}]", INVALID },
		{ "talks", "[{\"start\":0,\"title\":\"A\"},"
		    "{\"start\":599999,\"title\":\"B\"}]", NULL },
		{ "speakers", "[{\"affiliation\":\"Univ. A\"}]", INVALID },
		{ "speakers", "[\"Ana\"]", INVALID },
		{ "speakers", "\"Ana\"", INVALID },
		{ "takeaways", "[\"\"]", INVALID },
		{ "takeaways", "[\"two\\nlines\"]", INVALID },
		{ "topics", "[1]", INVALID },
		{ "topics", "\"MLLM\"", INVALID },
		{ "abstract", "\"\"", INVALID },
		{ "notes", "\"a\\u001b[2J\"", INVALID },
		{ "mentioned", "\"two\\nlines\"", INVALID },
	};

	check_variants(record_min, v, nitems(v));
}

static void
test_record_talk_count(void **state)
{
	struct statement	*st;
	json_t			*root;

	root = with(record_min(), "duration", json_integer(2000000));
	st = ACCEPT(with(root, "talks", list_n(1000, 1)),
	    &stmt_default_limits);
	assert_int_equal(st->u.record.ntalks, 1000);
	assert_int_equal(st->u.record.talks[999].start, 999000);
	stmt_free(st);
	root = with(record_min(), "duration", json_integer(2000000));
	REFUSE(with(root, "talks", list_n(1001, 1)), &stmt_default_limits,
	    INVALID);
	root = with(record_min(), "duration", json_integer(2000000));
	REFUSE(with(root, "talks", list_n(1001, 1)), NULL, INVALID);
}

/* Sign, verify, and the trusted comment is exactly "gloss/1 id=<id>". */
static void
test_sign_verify(void **state)
{
	json_t			*(*make[])(void) = { annotation_min,
				    annotation_full, record_full };
	struct statement	*st;
	struct minisig		 sig;
	const char		*code = NULL, *errstr = NULL;
	char			*text, *message = NULL, want[128];
	size_t			 i;

	for (i = 0; i < nitems(make); i++) {
		st = ACCEPT(make[i](), &stmt_default_limits);
		text = stmt_sign(st, key_a);
		assert_non_null(text);
		assert_int_equal(stmt_verify(st, text, strlen(text), &code,
		    &message), 0);
		assert_null(message);

		assert_int_equal(minisig_parse(text, strlen(text), &sig,
		    &errstr), MINISIG_OK);
		snprintf(want, sizeof want, "gloss/1 id=%s", st->id);
		assert_string_equal(sig.trusted, want);
		assert_memory_equal(sig.keynum, pk_a.keynum,
		    sizeof pk_a.keynum);
		/* What "minisign -V" checks: S itself. */
		assert_int_equal(minisig_verify(&sig, &pk_a, st->canonical,
		    st->canonical_len), MINISIG_OK);
		stmt_trusted_comment(st->id, want, sizeof want);
		assert_string_equal(sig.trusted, want);
		free(text);
		stmt_free(st);
	}
}

/* The signature is over S, so member order and spacing do not matter. */
static void
test_verify_reordered(void **state)
{
	struct statement	*st, *st2;
	struct jcs_err		 err;
	const char		*code = NULL;
	char			*text, *message = NULL, *pretty;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(st, key_a);
	assert_non_null(text);
	pretty = json_dumps(st->root, JSON_INDENT(3) | JSON_PRESERVE_ORDER);
	assert_non_null(pretty);
	assert_string_not_equal(pretty, st->canonical);
	st2 = ACCEPT(jcs_parse(pretty, strlen(pretty), &err),
	    &stmt_default_limits);
	assert_string_equal(st2->id, st->id);
	assert_int_equal(stmt_verify(st2, text, strlen(text), &code,
	    &message), 0);
	free(pretty);
	free(text);
	stmt_free(st2);
	stmt_free(st);
}

/*
 * Each signed member of a full annotation changed (or dropped, or added)
 * on its own, keeping the statement valid: the original minisig must not
 * verify it.  A changed author is caught by its key id first.
 */
static void
test_tampered_fields(void **state)
{
	static const struct {
		const char	*in;		/* NULL, "at" or a link index */
		struct variant	 v;
	} tampers[] = {
		{ NULL, { "created", "\"2026-11-26T15:04:06Z\"", BAD_SIG } },
		{ NULL, { "record", "\"" RID "2\"", BAD_SIG } },
		{ NULL, { "kind", "\"critique\"", BAD_SIG } },
		{ NULL, { "kind", "\"reading\"", BAD_SIG } },
		{ NULL, { "talk", "4", BAD_SIG } },
		{ NULL, { "talk", NULL, BAD_SIG } },
		{ "at", { "start", "69001", BAD_SIG } },
		{ "at", { "end", "72001", BAD_SIG } },
		{ "at", { "end", NULL, BAD_SIG } },
		{ NULL, { "at", NULL, BAD_SIG } },
		{ NULL, { "text", "\"See table 3.\\n\\tIt contradicts the "
		    "claim.\"", BAD_SIG } },
		{ NULL, { "text", "\"See table 2.\\n\\tIt contradicts the "
		    "claim. \"", BAD_SIG } },
		{ "0", { "url", "\"https://example.org/pape\"", BAD_SIG } },
		{ "0", { "title", "\"The Paper\"", BAD_SIG } },
		{ "0", { "title", NULL, BAD_SIG } },
		{ "1", { "title", "\"The code\"", BAD_SIG } },
		{ NULL, { "links", "[{\"url\":\"https://example.org/paper\","
		    "\"title\":\"The paper\"}]", BAD_SIG } },
		{ NULL, { "links", "[{\"url\":\"http://example.org/code\"},"
		    "{\"url\":\"https://example.org/paper\","
		    "\"title\":\"The paper\"}]", BAD_SIG } },
		{ NULL, { "reply_to", "\"" ZERO_ID "\"", BAD_SIG } },
		{ NULL, { "reply_to", NULL, BAD_SIG } },
	};
	struct statement	*orig, *st;
	struct jcs_err		 err;
	json_t			*root, *obj, *value;
	const struct variant	*v;
	const char		*code = NULL;
	char			*text, *message = NULL, what[128];
	size_t			 i;

	orig = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(orig, key_a);
	assert_non_null(text);
	assert_int_equal(stmt_verify(orig, text, strlen(text), &code,
	    &message), 0);

	for (i = 0; i < nitems(tampers); i++) {
		v = &tampers[i].v;
		snprintf(what, sizeof what, "%s.%s=%.40s", tampers[i].in ?
		    tampers[i].in : "", v->member, v->value ? v->value : "");
		obj = root = annotation_full();
		if (tampers[i].in != NULL && strcmp(tampers[i].in, "at") == 0)
			obj = json_object_get(root, "at");
		else if (tampers[i].in != NULL)
			obj = json_array_get(json_object_get(root, "links"),
			    (size_t)atoi(tampers[i].in));
		assert_non_null(obj);
		if (v->value == NULL)
			assert_int_equal(json_object_del(obj, v->member), 0);
		else {
			value = jcs_parse(v->value, strlen(v->value), &err);
			assert_non_null(value);
			assert_int_equal(json_object_set_new(obj, v->member,
			    value), 0);
		}
		st = ACCEPT(root, &stmt_default_limits);
		if (strcmp(st->id, orig->id) == 0)
			fail_msg("%s: the id did not change", what);
		verify_fails_at(st, text, strlen(text), v->code, what,
		    __LINE__);
		stmt_free(st);
	}

	/* Another author (a valid key): caught by the key id. */
	st = ACCEPT(with(annotation_full(), "author", json_string(pub_b)),
	    &stmt_default_limits);
	VERIFY_FAILS(st, text, strlen(text), "key_mismatch");
	stmt_free(st);

	/* Another type: the same v, author, created and record id. */
	root = annotation_full();
	json_object_del(root, "kind");
	json_object_del(root, "talk");
	json_object_del(root, "at");
	json_object_del(root, "text");
	json_object_del(root, "links");
	json_object_del(root, "reply_to");
	with(root, "type", json_string("record"));
	with(root, "title", json_string("See table 2."));
	with(root, "duration", json_integer(72000));
	with(root, "talks", json_pack("[{s:i, s:s}]", "start", 0, "title",
	    "One"));
	st = ACCEPT(root, &stmt_default_limits);
	assert_int_equal(st->type, STMT_RECORD);
	VERIFY_FAILS(st, text, strlen(text), BAD_SIG);
	stmt_free(st);

	free(text);
	stmt_free(orig);
}

/* A valid minisig of S by another key than the author's. */
static void
test_verify_other_key(void **state)
{
	struct statement	*st;
	char			*text;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(st, key_b);
	assert_non_null(text);
	VERIFY_FAILS(st, text, strlen(text), "key_mismatch");
	free(text);
	stmt_free(st);
}

/* Properly signed by the author, but the trusted comment is not T. */
static void
test_verify_trusted_comment(void **state)
{
	struct statement	*st;
	char			 tc[6][128], *text;
	size_t			 i;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	snprintf(tc[0], sizeof tc[0], "gloss/1 id=%s", ZERO_ID);
	snprintf(tc[1], sizeof tc[1], "%s", st->id);
	snprintf(tc[2], sizeof tc[2], "gloss/2 id=%s", st->id);
	snprintf(tc[3], sizeof tc[3], "gloss/1 id=%s ", st->id);
	snprintf(tc[4], sizeof tc[4], "gloss/1 id=%.63s", st->id);
	snprintf(tc[5], sizeof tc[5], "gloss/1 id=%s", st->id);
	for (i = 11; tc[5][i] != '\0'; i++) {
		if (tc[5][i] >= 'a' && tc[5][i] <= 'f')
			tc[5][i] = tc[5][i] - 'a' + 'A';
	}
	for (i = 0; i < nitems(tc); i++) {
		text = minisig_sign(key_a, st->canonical, st->canonical_len,
		    tc[i], NULL);
		assert_non_null(text);
		verify_fails_at(st, text, strlen(text), "bad_trusted_comment",
		    tc[i], __LINE__);
		free(text);
	}
	text = minisig_sign(key_a, st->canonical, st->canonical_len, "",
	    NULL);
	assert_non_null(text);
	VERIFY_FAILS(st, text, strlen(text), "bad_trusted_comment");
	free(text);
	stmt_free(st);
}

/* Bits flipped in the signature, the key id and the global signature. */
static void
test_verify_flipped(void **state)
{
	struct statement	*st;
	uint8_t			 bin[128];
	const char		*code = NULL;
	char			*text, *bad, *tc, *message = NULL;
	size_t			 len;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(st, key_a);
	assert_non_null(text);

	/* The helpers give the text back when nothing is changed. */
	len = decode_line(text, 1, bin, sizeof bin);
	assert_int_equal(len, 74);
	bad = encode_line(text, 1, bin, len);
	assert_string_equal(bad, text);
	free(bad);

	bin[2 + 8 + 17] ^= 0x01;		/* the signature */
	bad = encode_line(text, 1, bin, len);
	VERIFY_FAILS(st, bad, strlen(bad), BAD_SIG);
	free(bad);

	len = decode_line(text, 1, bin, sizeof bin);
	bin[2 + 3] ^= 0x80;			/* the key id */
	bad = encode_line(text, 1, bin, len);
	VERIFY_FAILS(st, bad, strlen(bad), "key_mismatch");
	free(bad);

	len = decode_line(text, 3, bin, sizeof bin);
	assert_int_equal(len, 64);
	bin[0] ^= 0x01;				/* the global signature */
	bad = encode_line(text, 3, bin, len);
	VERIFY_FAILS(st, bad, strlen(bad), "bad_trusted_comment_signature");
	free(bad);

	/* The trusted comment edited after signing. */
	xasprintf(&tc, "trusted comment: gloss/1 id=%s", ZERO_ID);
	bad = replace_line(text, 2, tc);
	VERIFY_FAILS(st, bad, strlen(bad), "bad_trusted_comment_signature");
	free(bad);
	free(tc);

	/* The untrusted comment is not signed. */
	bad = replace_line(text, 0, "untrusted comment: anything");
	assert_int_equal(stmt_verify(st, bad, strlen(bad), &code, &message),
	    0);
	free(bad);
	free(text);
	stmt_free(st);
}

static void
test_verify_malformed(void **state)
{
	struct statement	*st;
	struct buf		 b;
	uint8_t			 bin[128];
	char			*text, *bad, *line;
	const char		*p;
	size_t			 len;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(st, key_a);
	assert_non_null(text);

	VERIFY_FAILS(st, "", 0, "malformed_signature");
	VERIFY_FAILS(st, "not a minisig", 13, "malformed_signature");
	bad = replace_line(text, 3, NULL);		/* three lines */
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);
	xasprintf(&bad, "%sextra\n", text);		/* five lines */
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);
	buf_init(&b);					/* CRLF */
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			buf_putc(&b, '\r');
		buf_putc(&b, *p);
	}
	VERIFY_FAILS(st, b.data, b.len, "malformed_signature");
	buf_free(&b);
	line = sig_line(text, 1);			/* short base64 */
	line[strlen(line) - 1] = '\0';
	bad = replace_line(text, 1, line);
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);
	free(line);
	bad = replace_line(text, 0, "signature from gloss secret key");
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);
	xasprintf(&line, "gloss/1 id=%s", st->id);	/* no prefix */
	bad = replace_line(text, 2, line);
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);
	free(line);
	len = decode_line(text, 1, bin, sizeof bin);	/* unknown algorithm */
	memcpy(bin, "Xx", 2);
	bad = encode_line(text, 1, bin, len);
	VERIFY_FAILS(st, bad, strlen(bad), "malformed_signature");
	free(bad);

	free(text);
	stmt_free(st);
}

/* "Ed" (not prehashed) is minisign's legacy format: refused as such. */
static void
test_verify_legacy(void **state)
{
	struct statement	*st;
	uint8_t			 bin[128];
	char			*text, *bad;
	size_t			 len;

	st = ACCEPT(annotation_full(), &stmt_default_limits);
	text = stmt_sign(st, key_a);
	assert_non_null(text);
	len = decode_line(text, 1, bin, sizeof bin);
	assert_memory_equal(bin, "ED", 2);
	memcpy(bin, "Ed", 2);
	bad = encode_line(text, 1, bin, len);
	VERIFY_FAILS(st, bad, strlen(bad), "legacy_signature_algorithm");
	free(bad);
	free(text);
	stmt_free(st);
}

static void
test_rid_valid(void **state)
{
	static const char	*good[] = { "a", "0", RID, "a.b_c-d", "a-" };
	static const char	*bad[] = { "", "A", "cvpR", "-a", ".a", "_a",
				    "a b", "a/b", "a\n", "caf\xc3\xa9" };
	char			 rid[GLOSS_RID_MAX + 2];
	size_t			 i;

	for (i = 0; i < nitems(good); i++)
		assert_true(stmt_rid_valid(good[i]));
	for (i = 0; i < nitems(bad); i++)
		assert_false(stmt_rid_valid(bad[i]));
	memset(rid, 'a', GLOSS_RID_MAX);
	rid[GLOSS_RID_MAX] = '\0';
	assert_true(stmt_rid_valid(rid));
	rid[GLOSS_RID_MAX] = 'a';
	rid[GLOSS_RID_MAX + 1] = '\0';
	assert_false(stmt_rid_valid(rid));
}

static void
test_id_valid(void **state)
{
	char	id[GLOSS_ID_LEN + 2];

	assert_true(stmt_id_valid(REPLY_TO));
	assert_true(stmt_id_valid(ZERO_ID));
	assert_true(stmt_id_valid(VECTOR_ID));
	assert_false(stmt_id_valid(""));
	snprintf(id, sizeof id, "%.63s", REPLY_TO);
	assert_false(stmt_id_valid(id));
	snprintf(id, sizeof id, "%s0", REPLY_TO);
	assert_false(stmt_id_valid(id));
	snprintf(id, sizeof id, "%s", REPLY_TO);
	id[0] = 'B';
	assert_false(stmt_id_valid(id));
	id[0] = 'g';
	assert_false(stmt_id_valid(id));
	id[0] = ' ';
	assert_false(stmt_id_valid(id));
}

static void
test_names(void **state)
{
	enum stmt_kind	kind;
	int		i;

	for (i = 0; i < KIND__MAX; i++) {
		kind = KIND__MAX;
		assert_int_equal(stmt_kind_from_name(stmt_kind_name(i), &kind),
		    0);
		assert_int_equal(kind, i);
	}
	assert_string_equal(stmt_kind_name(KIND_COMMENT), "comment");
	assert_string_equal(stmt_kind_name(KIND_CRITIQUE), "critique");
	assert_string_equal(stmt_kind_name(KIND_READING), "reading");

	/* A miss leaves *kind alone. */
	kind = KIND_CRITIQUE;
	assert_int_equal(stmt_kind_from_name("Comment", &kind), -1);
	assert_int_equal(stmt_kind_from_name("", &kind), -1);
	assert_int_equal(stmt_kind_from_name("comments", &kind), -1);
	assert_int_equal(kind, KIND_CRITIQUE);

	assert_string_equal(stmt_type_name(STMT_RECORD), "record");
	assert_string_equal(stmt_type_name(STMT_ANNOTATION), "annotation");
}

/*
 * The conversation types of issue 3: revision, retraction, endorse,
 * unendorse and profile.  Each is built the way annotation_min is, and
 * each member is taken to its limits and past them.
 */
static json_t *
revision_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "revision", "author", pub_a, "created", CREATED,
	    "of", REPLY_TO, "text", "better wording");
}

static json_t *
retraction_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "retraction", "author", pub_a, "created", CREATED,
	    "of", REPLY_TO);
}

static json_t *
endorse_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "endorse", "author", pub_a, "created", CREATED,
	    "subject", REPLY_TO);
}

static json_t *
unendorse_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "unendorse", "author", pub_a, "created", CREATED,
	    "subject", REPLY_TO);
}

static json_t *
profile_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "profile", "author", pub_a, "created", CREATED,
	    "name", "Ada");
}

/* n copies of the UTF-8 character ch, as a JSON string. */
static json_t *
chars_n(const char *ch, size_t n)
{
	struct buf	 b;
	json_t		*s;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_puts(&b, ch);
	s = json_stringn(b.data, b.len);
	buf_free(&b);
	assert_non_null(s);
	return s;
}

/* A revision: of and text, and nothing else required. */
static void
test_revision_minimal(void **state)
{
	struct statement	*st;
	struct stmt_annotation	*a;
	char			 want[512];

	st = ACCEPT(revision_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_REVISION);
	assert_string_equal(stmt_type_name(st->type), "revision");
	a = &st->u.annotation;
	assert_string_equal(a->of, REPLY_TO);
	assert_null(a->record);
	assert_string_equal(a->text, "better wording");
	assert_int_equal(a->text_len, strlen("better wording"));
	assert_int_equal(a->has_kind, 0);
	assert_int_equal(a->has_links, 0);
	assert_int_equal(a->talk, 0);
	assert_int_equal(a->at_start, -1);
	assert_int_equal(a->at_end, -1);
	assert_int_equal(a->nlinks, 0);
	assert_null(a->links);
	assert_null(a->reply_to);
	snprintf(want, sizeof want, "{\"author\":\"%s\",\"created\":\"" CREATED
	    "\",\"of\":\"" REPLY_TO "\",\"text\":\"better wording\","
	    "\"type\":\"revision\",\"v\":1}", pub_a);
	assert_string_equal(st->canonical, want);
	stmt_free(st);
}

/* Every optional member of a revision, and the flags that say so. */
static void
test_revision_full(void **state)
{
	struct statement	*st;
	struct stmt_annotation	*a;

	st = ACCEPT(with(with(with(with(revision_min(), "kind",
	    json_string("critique")), "talk", json_integer(2)), "at",
	    json_pack("{s:i, s:i}", "start", 61000, "end", 62000)), "links",
	    json_pack("[{s:s, s:s}]", "url", "https://example.org/erratum",
	    "title", "Erratum")), &stmt_default_limits);
	a = &st->u.annotation;
	assert_int_equal(a->has_kind, 1);
	assert_int_equal(a->kind, KIND_CRITIQUE);
	assert_int_equal(a->talk, 2);
	assert_int_equal(a->at_start, 61000);
	assert_int_equal(a->at_end, 62000);
	assert_int_equal(a->has_links, 1);
	assert_int_equal(a->nlinks, 1);
	assert_string_equal(a->links[0].url, "https://example.org/erratum");
	assert_string_equal(a->links[0].title, "Erratum");
	stmt_free(st);

	/* "links": [] is present (it clears the links), not absent. */
	st = ACCEPT(with(revision_min(), "links", json_array()),
	    &stmt_default_limits);
	assert_int_equal(st->u.annotation.has_links, 1);
	assert_int_equal(st->u.annotation.nlinks, 0);
	assert_int_equal(st->u.annotation.has_kind, 0);
	stmt_free(st);

	/* A reading without links: they may be elsewhere in the chain. */
	st = ACCEPT(with(revision_min(), "kind", json_string("reading")),
	    &stmt_default_limits);
	assert_int_equal(st->u.annotation.has_kind, 1);
	assert_int_equal(st->u.annotation.kind, KIND_READING);
	stmt_free(st);

	/* An annotation always has its kind. */
	st = ACCEPT(annotation_min(), &stmt_default_limits);
	assert_int_equal(st->u.annotation.has_kind, 1);
	assert_int_equal(st->u.annotation.has_links, 0);
	stmt_free(st);
}

static void
test_revision_refusals(void **state)
{
	static const struct variant v[] = {
		{ "of", NULL, INVALID },
		{ "of", "\"\"", INVALID },
		{ "of", "1", INVALID },
		{ "of", "\"" REPLY_TO "0\"", INVALID },
		{ "of", "\"BA7816BF8F01CFEA414140DE5DAE2223"
		    "B00361A396177A9CB410FF61F20015AD\"", INVALID },
		{ "of", "\"" ZERO_ID "\"", NULL },
		{ "text", NULL, INVALID },
		{ "text", "\"\"", INVALID },
		{ "text", "\"a\\u001b[2J\"", INVALID },
		{ "text", "\"two\\nlines\\tok\"", NULL },
		/* An annotation's members that a revision does not have. */
		{ "reply_to", "\"" REPLY_TO "\"", INVALID },
		{ "record", "\"" RID "\"", INVALID },
		{ "subject", "\"" REPLY_TO "\"", INVALID },
		{ "extra", "1", INVALID },
		{ "kind", "\"flag\"", INVALID },
		{ "kind", "\"\"", INVALID },
		{ "kind", "1", INVALID },
		{ "kind", "\"comment\"", NULL },
		{ "talk", "0", INVALID },
		{ "talk", "1001", INVALID },
		{ "talk", "\"2\"", INVALID },
		{ "talk", "1", NULL },
		{ "at", "{\"start\":5,\"end\":5}", BAD_RANGE },
		{ "at", "{\"end\":5}", INVALID },
		{ "at", "{\"start\":5}", NULL },
		{ "links", "[{\"url\":\"ftp://example.org/\"}]", BAD_LINK },
		{ "links", "{}", INVALID },
		{ "links", "[{\"url\":\"https://example.org/\"}]", NULL },
	};

	check_variants(revision_min, v, nitems(v));
	/* The text limit applies to revisions too. */
	REFUSE(with(revision_min(), "text", filled("",
	    stmt_default_limits.max_text + 1, 'a')), &stmt_default_limits,
	    "text_too_long");
	stmt_free(ACCEPT(with(revision_min(), "text", filled("",
	    stmt_default_limits.max_text, 'a')), &stmt_default_limits));
}

/* A retraction: of, and an optional reason of at most 1024 bytes. */
static void
test_retraction(void **state)
{
	static const struct variant v[] = {
		{ "of", NULL, INVALID },
		{ "of", "\"\"", INVALID },
		{ "of", "\"nope\"", INVALID },
		{ "reason", "\"\"", INVALID },
		{ "reason", "1", INVALID },
		{ "reason", "\"wrong talk\\nsorry\"", NULL },
		{ "reason", "\"bell\\u0007\"", INVALID },
		{ "reason", "\"csi\\u009b\"", INVALID },
		{ "text", "\"x\"", INVALID },
		{ "subject", "\"" REPLY_TO "\"", INVALID },
	};
	struct statement	*st;

	st = ACCEPT(retraction_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_RETRACTION);
	assert_string_equal(stmt_type_name(st->type), "retraction");
	assert_string_equal(st->u.retraction.of, REPLY_TO);
	assert_null(st->u.retraction.reason);
	stmt_free(st);

	st = ACCEPT(with(retraction_min(), "reason", filled("r", 1024, 'x')),
	    &stmt_default_limits);
	assert_int_equal(strlen(st->u.retraction.reason), 1024);
	stmt_free(st);
	REFUSE(with(retraction_min(), "reason", filled("r", 1025, 'x')),
	    &stmt_default_limits, INVALID);
	/* Bytes, not characters, and without the daemon's limits too. */
	REFUSE(with(retraction_min(), "reason", chars_n("\xc3\xa9", 513)),
	    &stmt_default_limits, INVALID);
	REFUSE(with(retraction_min(), "reason", filled("r", 1025, 'x')),
	    NULL, INVALID);
	stmt_free(ACCEPT(with(retraction_min(), "reason",
	    chars_n("\xc3\xa9", 512)), &stmt_default_limits));

	check_variants(retraction_min, v, nitems(v));
}

/* endorse and unendorse: a subject, nothing else. */
static void
test_endorse(void **state)
{
	static const struct variant v[] = {
		{ "subject", NULL, INVALID },
		{ "subject", "\"\"", INVALID },
		{ "subject", "\"" REPLY_TO "a\"", INVALID },
		{ "subject", "[]", INVALID },
		{ "of", "\"" REPLY_TO "\"", INVALID },
		{ "text", "\"+1\"", INVALID },
		{ "subject", "\"" ZERO_ID "\"", NULL },
	};
	struct statement	*st;

	st = ACCEPT(endorse_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_ENDORSE);
	assert_string_equal(stmt_type_name(st->type), "endorse");
	assert_string_equal(st->u.endorse.subject, REPLY_TO);
	stmt_free(st);
	st = ACCEPT(unendorse_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_UNENDORSE);
	assert_string_equal(stmt_type_name(st->type), "unendorse");
	assert_string_equal(st->u.endorse.subject, REPLY_TO);
	stmt_free(st);

	check_variants(endorse_min, v, nitems(v));
	check_variants(unendorse_min, v, nitems(v));
}

/* A profile's name: 1 to 64 characters (not bytes). */
static void
test_profile_name_length(void **state)
{
	struct statement	*st;

	st = ACCEPT(profile_min(), &stmt_default_limits);
	assert_int_equal(st->type, STMT_PROFILE);
	assert_string_equal(stmt_type_name(st->type), "profile");
	assert_string_equal(st->u.profile.name, "Ada");
	assert_null(st->u.profile.url);
	assert_null(st->u.profile.about);
	stmt_free(st);

	stmt_free(ACCEPT(with(profile_min(), "name", json_string("A")),
	    &stmt_default_limits));
	REFUSE(with(profile_min(), "name", json_string("")),
	    &stmt_default_limits, INVALID);
	REFUSE(with(profile_min(), "name", json_integer(1)),
	    &stmt_default_limits, INVALID);

	/* 64 characters of 1, 2, 3 and 4 bytes; 65 of each is too many. */
	stmt_free(ACCEPT(with(profile_min(), "name", chars_n("a", 64)),
	    &stmt_default_limits));
	REFUSE(with(profile_min(), "name", chars_n("a", 65)),
	    &stmt_default_limits, INVALID);
	st = ACCEPT(with(profile_min(), "name", chars_n("\xc3\xa9", 64)),
	    &stmt_default_limits);
	assert_int_equal(strlen(st->u.profile.name), 128);
	stmt_free(st);
	REFUSE(with(profile_min(), "name", chars_n("\xc3\xa9", 65)),
	    &stmt_default_limits, INVALID);
	stmt_free(ACCEPT(with(profile_min(), "name",
	    chars_n("\xe6\x97\xa5", 64)), &stmt_default_limits));
	REFUSE(with(profile_min(), "name", chars_n("\xe6\x97\xa5", 65)),
	    &stmt_default_limits, INVALID);
	st = ACCEPT(with(profile_min(), "name",
	    chars_n("\xf0\x9f\x98\x80", 64)), &stmt_default_limits);
	assert_int_equal(strlen(st->u.profile.name), 256);
	stmt_free(st);
	REFUSE(with(profile_min(), "name", chars_n("\xf0\x9f\x98\x80", 65)),
	    &stmt_default_limits, INVALID);
	/* The limit holds without the daemon's limits as well. */
	REFUSE(with(profile_min(), "name", chars_n("\xc3\xa9", 65)), NULL,
	    INVALID);
}

/* Hostile names: control characters and bidirectional overrides. */
static void
test_profile_name_hostile(void **state)
{
	static const struct variant v[] = {
		{ "name", "\"Ada\\nLovelace\"", INVALID },
		{ "name", "\"Ada\\tLovelace\"", INVALID },
		{ "name", "\"Ada\\rLovelace\"", INVALID },
		{ "name", "\"\\u001b[31mAda\"", INVALID },
		{ "name", "\"Ada\\u007f\"", INVALID },
		{ "name", "\"Ada\\u0085\"", INVALID },
		{ "name", "\"Ada\\u009b31m\"", INVALID },
		/* U+202A..U+202E and U+2066..U+2069, anywhere in the name. */
		{ "name", "\"\\u202eecalevoL adA\"", INVALID },
		{ "name", "\"Ada \\u202e\"", INVALID },
		{ "name", "\"\\u202aAda\"", INVALID },
		{ "name", "\"\\u202bAda\"", INVALID },
		{ "name", "\"\\u202cAda\"", INVALID },
		{ "name", "\"\\u202dAda\"", INVALID },
		{ "name", "\"\\u2066Ada\\u2069\"", INVALID },
		{ "name", "\"A\\u2067da\"", INVALID },
		{ "name", "\"Ada\\u2068\"", INVALID },
		{ "name", "\"Ada\\u2069\"", INVALID },
		/* Neighbours of those ranges are ordinary text. */
		{ "name", "\"Ada \\u2029x\"", NULL },
		{ "name", "\"Ada \\u2065x\"", NULL },
		{ "name", "\"Ada \\u206ax\"", NULL },
		{ "name", "\"Ada \\u202fx\"", NULL },
		{ "name", "\"\\u0410\\u0434\\u0430 \\u05e2\\u05d3\\u05d4\"",
		    NULL },
	};

	check_variants(profile_min, v, nitems(v));
}

/*
 * A new profile's name (stmt_name_fault): none that shows nothing, none
 * with a key id of its own in parentheses; a statement holding one still
 * parses, as a log written before the rule must replay.
 */
static void
test_profile_name_fault(void **state)
{
	static const char *const refused[] = {
		" ", "   ", "\xe3\x80\x80", "\xc2\xad", "\xe2\x80\x8b",
		"\xe2\x80\x8c\xe2\x80\x8d", "\xe2\x81\xa0", "\xef\xbb\xbf",
		" \xc2\xa0\xe3\x80\x80\xc2\xad\xe2\x80\x8b ", "\xe2\xa0\x80",
		"Ann Example (6AE97D88)", "Ann (6ae97d88)",
		"(0123456789abcdef)", "Ann ( 6AE97D88 )", "x (1) (6AE97d88) y",
		/* What reads as one: a zero-width space, a no-break space,
		 * fullwidth parentheses and digits, small parentheses. */
		"Bob (1a2b3c4d\xe2\x80\x8b)", "Bob (\xc2\xa0" "1a2b3c4d)",
		"Bob \xef\xbc\x88" "1a2b3c4d\xef\xbc\x89",
		"Bob (\xef\xbc\x91\xef\xbc\xa1" "2b3c4d5e)",
		"Bob \xef\xb9\x99" "1a2b3c4d\xef\xb9\x9a", "Bob (1a2b 3c4d)",
	};
	static const char *const accepted[] = {
		"Ada", " Ada ", "\xe3\x80\x80" "A", "Ann (6AE97D8)",
		"Ann (0123456789abcdef0)", "Ann (6AE97D8G)", "Ann 6AE97D88",
		"Ann (editor)", "Ann (", "(", "Zo\xc3\xab (1a2b3c4\xc3\xab)",
		"\xef\xbc\x88" "editor\xef\xbc\x89",
	};
	size_t	i;

	for (i = 0; i < nitems(refused); i++)
		assert_non_null(stmt_name_fault(refused[i]));
	for (i = 0; i < nitems(accepted); i++)
		assert_null(stmt_name_fault(accepted[i]));
	stmt_free(ACCEPT(with(profile_min(), "name",
	    json_string("Ann Example (6AE97D88)")), &stmt_default_limits));
	stmt_free(ACCEPT(with(profile_min(), "name", json_string(" ")),
	    &stmt_default_limits));
}

/* The refusal of a name, in words a person reads (not "member ..."). */
static void
assert_name_message(const char *name, const char *want)
{
	const char	*code = NULL;
	char		*message = NULL;

	assert_null(stmt_from_json(with(profile_min(), "name",
	    json_string(name)), &stmt_default_limits, &code, &message));
	assert_string_equal(code, "invalid_statement");
	assert_non_null(message);
	assert_string_equal(message, want);
	free(message);
}

static void
test_profile_name_messages(void **state)
{
	static const char bidi[] = "a name may not hold characters that "
	    "change the direction of text (bidirectional marks, isolates or "
	    "overrides, such as U+200F or U+202E)";

	assert_name_message("", "a profile needs a name of 1 to 64 "
	    "characters");
	assert_name_message("Ada\xe2\x80\x8f", bidi);
	assert_name_message("\xd8\x9c" "Ada", bidi);
	assert_name_message("\xe2\x81\xa6" "Ada\xe2\x81\xa9", bidi);
}

/* url must be http(s); about at most 1024 bytes; nothing else. */
static void
test_profile_url_about(void **state)
{
	static const struct variant v[] = {
		{ "url", "\"https://ada.example/\"", NULL },
		{ "url", "\"http://ada.example/~ada\"", NULL },
		{ "url", "\"HTTPS://ADA.EXAMPLE/\"", NULL },
		{ "url", "\"ftp://ada.example/\"", BAD_LINK },
		{ "url", "\"javascript:alert(1)\"", BAD_LINK },
		{ "url", "\"data:text/html,x\"", BAD_LINK },
		{ "url", "\"ada.example\"", BAD_LINK },
		{ "url", "\"https://ada.example/a b\"", BAD_LINK },
		{ "url", "\"https://ada.example/\\u0007\"", INVALID },
		{ "url", "\"\"", INVALID },
		{ "url", "1", INVALID },
		{ "about", "\"Writes compilers.\\nLikes tea.\"", NULL },
		{ "about", "\"\"", INVALID },
		{ "about", "\"\\u001b]0;pwned\\u0007\"", INVALID },
		{ "about", "[]", INVALID },
		{ "name", NULL, INVALID },
		{ "text", "\"x\"", INVALID },
		{ "avatar", "\"https://ada.example/a.png\"", INVALID },
	};
	struct statement	*st;

	check_variants(profile_min, v, nitems(v));

	st = ACCEPT(with(with(profile_min(), "url",
	    json_string("https://ada.example/")), "about",
	    filled("A", 1024, 'b')), &stmt_default_limits);
	assert_string_equal(st->u.profile.url, "https://ada.example/");
	assert_int_equal(strlen(st->u.profile.about), 1024);
	stmt_free(st);
	REFUSE(with(profile_min(), "about", filled("A", 1025, 'b')),
	    &stmt_default_limits, INVALID);
	REFUSE(with(profile_min(), "about", filled("A", 1025, 'b')), NULL,
	    INVALID);
}

/*
 * The moderation types of issue 4: flag (any key) and moderation (a
 * moderator's decision).  Each action is tried with each kind of subject,
 * and every member to its limits and past them.
 */
static json_t *
flag_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "flag", "author", pub_a, "created", CREATED,
	    "subject", REPLY_TO, "reason", "spam");
}

/* A moderation statement; reason NULL leaves it out. */
static json_t *
moderation(const char *action, const char *subject, const char *reason)
{
	json_t	*root;

	root = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "moderation", "author", pub_a, "created", CREATED,
	    "action", action, "subject", subject);
	assert_non_null(root);
	if (reason != NULL)
		with(root, "reason", json_string(reason));
	return root;
}

static json_t *
approve_min(void)
{
	return moderation("approve", REPLY_TO, NULL);
}

static json_t *
ban_min(void)
{
	return moderation("ban", pub_b, "spam");
}

static json_t *
lock_min(void)
{
	return moderation("lock", RID, NULL);
}

/* The subject each action takes. */
static const struct {
	const char		*name;
	enum stmt_action	 action;
	int			 subject;	/* 0 id, 1 key, 2 record */
	int			 needs_reason;
} actions[] = {
	{ "approve", ACTION_APPROVE, 0, 0 },
	{ "reject", ACTION_REJECT, 0, 1 },
	{ "hide", ACTION_HIDE, 0, 1 },
	{ "restore", ACTION_RESTORE, 0, 0 },
	{ "ban", ACTION_BAN, 1, 1 },
	{ "unban", ACTION_UNBAN, 1, 0 },
	{ "trust", ACTION_TRUST, 1, 0 },
	{ "lock", ACTION_LOCK, 2, 0 },
	{ "unlock", ACTION_UNLOCK, 2, 0 },
};

static const char *
subject_of(int kind)
{
	return kind == 0 ? REPLY_TO : kind == 1 ? pub_b : RID;
}

/* A flag: an annotation id, one of six reasons, an optional note. */
static void
test_flag(void **state)
{
	static const char *const reasons[] = { "spam", "abuse", "off-topic",
	    "incorrect", "broken-link", "other" };
	static const struct variant v[] = {
		{ "subject", NULL, INVALID },
		{ "subject", "\"\"", INVALID },
		{ "subject", "\"nope\"", INVALID },
		{ "subject", "\"" REPLY_TO "0\"", INVALID },
		{ "subject", "\"" RID "\"", INVALID },
		{ "subject", "7", INVALID },
		{ "reason", NULL, INVALID },
		{ "reason", "\"\"", INVALID },
		{ "reason", "\"Spam\"", INVALID },
		{ "reason", "\"spam \"", INVALID },
		{ "reason", "\"offtopic\"", INVALID },
		{ "reason", "\"off_topic\"", INVALID },
		{ "reason", "\"broken_link\"", INVALID },
		{ "reason", "\"misleading\"", INVALID },
		{ "reason", "[\"spam\"]", INVALID },
		{ "reason", "1", INVALID },
		{ "note", "\"\"", INVALID },
		{ "note", "1", INVALID },
		{ "note", "\"see 12:30\\nand\\tlater\"", NULL },
		{ "note", "\"bell\\u0007\"", INVALID },
		{ "note", "\"csi\\u009b\"", INVALID },
		{ "text", "\"x\"", INVALID },
		{ "action", "\"hide\"", INVALID },
		{ "talk", "1", INVALID },
	};
	struct statement	*st;
	size_t			 i;

	for (i = 0; i < nitems(reasons); i++) {
		st = ACCEPT(with(flag_min(), "reason",
		    json_string(reasons[i])), &stmt_default_limits);
		assert_int_equal(st->type, STMT_FLAG);
		assert_string_equal(stmt_type_name(st->type), "flag");
		assert_string_equal(st->u.flag.subject, REPLY_TO);
		assert_string_equal(st->u.flag.reason, reasons[i]);
		assert_null(st->u.flag.note);
		stmt_free(st);
	}
	/* A note of 1024 bytes, not 1025, with or without the limits. */
	st = ACCEPT(with(flag_min(), "note", filled("n", 1024, 'x')),
	    &stmt_default_limits);
	assert_int_equal(strlen(st->u.flag.note), 1024);
	stmt_free(st);
	REFUSE(with(flag_min(), "note", filled("n", 1025, 'x')),
	    &stmt_default_limits, INVALID);
	REFUSE(with(flag_min(), "note", filled("n", 1025, 'x')), NULL,
	    INVALID);
	REFUSE(with(flag_min(), "note", chars_n("\xc3\xa9", 513)),
	    &stmt_default_limits, INVALID);

	check_variants(flag_min, v, nitems(v));
}

/*
 * link-review (issue 5): a verdict on one link of an annotation, with a
 * link checker's findings for the verdicts a check can reach.
 */
static json_t *
review_min(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1, "type", "link-review", "author", pub_a, "created", CREATED,
	    "subject", REPLY_TO, "url", "https://arxiv.org/abs/2304.08485",
	    "verdict", "ok");
}

static void
test_link_review(void **state)
{
	static const char *const verdicts[] = { "ok", "relevant",
	    "irrelevant", "broken", "moved", "paywalled", "duplicate",
	    "spam" };
	static const struct variant v[] = {
		{ "subject", NULL, INVALID },
		{ "subject", "\"" RID "\"", INVALID },
		{ "url", NULL, INVALID },
		{ "url", "\"\"", INVALID },
		{ "url", "\"javascript:alert(1)\"", BAD_LINK },
		{ "url", "\"https://user:pw@example.org/\"", BAD_LINK },
		{ "url", "\"arXiv:2304.08485\"", NULL },
		{ "url", "\"doi:10.1145/3290605.3300233\"", NULL },
		{ "verdict", NULL, INVALID },
		{ "verdict", "\"OK\"", INVALID },
		{ "verdict", "\"fine\"", INVALID },
		{ "verdict", "1", INVALID },
		{ "note", "\"\"", INVALID },
		{ "note", "\"read section 3\"", NULL },
		{ "replacement", "\"https://example.org/\"", INVALID },
		{ "check", "1", INVALID },
		{ "check", "{}", INVALID },
		{ "check", "{\"status\":200}", NULL },
		{ "check", "{\"status\":0,\"error\":\"timed out\"}", NULL },
		{ "check", "{\"status\":1000}", INVALID },
		{ "check", "{\"status\":200,\"final\":\"ftp://x/\"}",
		    BAD_LINK },
		{ "check", "{\"status\":200,\"when\":1}", INVALID },
		{ "text", "\"x\"", INVALID },
	};
	struct statement	*st;
	json_t			*root;
	size_t			 i;

	for (i = 0; i < nitems(verdicts); i++) {
		st = ACCEPT(with(review_min(), "verdict",
		    json_string(verdicts[i])), &stmt_default_limits);
		assert_int_equal(st->type, STMT_LINK_REVIEW);
		assert_string_equal(stmt_type_name(st->type), "link-review");
		assert_string_equal(stmt_verdict_name(
		    st->u.link_review.verdict), verdicts[i]);
		assert_string_equal(st->u.link_review.subject, REPLY_TO);
		assert_false(st->u.link_review.checked);
		stmt_free(st);
	}
	check_variants(review_min, v, nitems(v));

	/* A replacement for moved and duplicate only, and a valid URL. */
	root = with(review_min(), "verdict", json_string("moved"));
	st = ACCEPT(with(root, "replacement",
	    json_string("https://example.org/new")), &stmt_default_limits);
	assert_string_equal(st->u.link_review.replacement,
	    "https://example.org/new");
	stmt_free(st);
	root = with(review_min(), "verdict", json_string("duplicate"));
	REFUSE(with(root, "replacement", json_string("file:///x")),
	    &stmt_default_limits, BAD_LINK);

	/* A check only with ok, moved or broken; what it found is kept. */
	root = with(review_min(), "verdict", json_string("broken"));
	st = ACCEPT(with(root, "check", json_pack("{s:i, s:s}", "status",
	    404, "error", "not found")), &stmt_default_limits);
	assert_true(st->u.link_review.checked);
	assert_int_equal(st->u.link_review.check_status, 404);
	assert_string_equal(st->u.link_review.check_error, "not found");
	assert_null(st->u.link_review.check_final);
	stmt_free(st);
	root = with(review_min(), "verdict", json_string("relevant"));
	REFUSE(with(root, "check", json_pack("{s:i}", "status", 200)),
	    &stmt_default_limits, INVALID);
	/* A moved check, as links check posts it, names its replacement. */
	root = with(with(review_min(), "verdict", json_string("moved")),
	    "replacement", json_string("https://example.org/new"));
	st = ACCEPT(with(root, "check", json_pack("{s:i, s:s}", "status",
	    200, "final", "https://example.org/new?via=1")),
	    &stmt_default_limits);
	assert_string_equal(st->u.link_review.replacement,
	    "https://example.org/new");
	assert_true(st->u.link_review.checked);
	assert_string_equal(st->u.link_review.check_final,
	    "https://example.org/new?via=1");
	stmt_free(st);
	/* An error of 200 bytes, not 201. */
	root = with(review_min(), "check", json_pack("{s:i}", "status", 0));
	json_object_set_new(json_object_get(root, "check"), "error",
	    filled("e", 200, 'x'));
	stmt_free(ACCEPT(root, &stmt_default_limits));
	root = with(review_min(), "check", json_pack("{s:i}", "status", 0));
	json_object_set_new(json_object_get(root, "check"), "error",
	    filled("e", 201, 'x'));
	REFUSE(root, &stmt_default_limits, INVALID);
}

/* Each action with its own kind of subject, reason given where needed. */
static void
test_moderation_actions(void **state)
{
	struct statement	*st;
	enum stmt_action	 a;
	size_t			 i;

	for (i = 0; i < nitems(actions); i++) {
		st = ACCEPT(moderation(actions[i].name,
		    subject_of(actions[i].subject), "because"),
		    &stmt_default_limits);
		assert_int_equal(st->type, STMT_MODERATION);
		assert_string_equal(stmt_type_name(st->type), "moderation");
		assert_int_equal(st->u.moderation.action, actions[i].action);
		assert_string_equal(st->u.moderation.subject,
		    subject_of(actions[i].subject));
		assert_int_equal(st->u.moderation.talk, 0);
		assert_string_equal(st->u.moderation.reason, "because");
		stmt_free(st);
		assert_string_equal(stmt_action_name(actions[i].action),
		    actions[i].name);
		assert_int_equal(stmt_action_from_name(actions[i].name, &a), 0);
		assert_int_equal(a, actions[i].action);
	}
	assert_int_equal(nitems(actions), ACTION__MAX);
	assert_int_equal(stmt_action_from_name("Approve", &a), -1);
	assert_int_equal(stmt_action_from_name("approve ", &a), -1);
	assert_int_equal(stmt_action_from_name("", &a), -1);
	assert_int_equal(stmt_action_from_name("delete", &a), -1);

	REFUSE(moderation("delete", REPLY_TO, "x"), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("Approve", REPLY_TO, NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("approve ", REPLY_TO, NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("", REPLY_TO, NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(with(approve_min(), "action", json_integer(0)),
	    &stmt_default_limits, INVALID);
	REFUSE(with(approve_min(), "action", filled("approve", 17, 'x')),
	    &stmt_default_limits, INVALID);
	{
		json_t	*root = approve_min();

		assert_int_equal(json_object_del(root, "action"), 0);
		REFUSE(root, &stmt_default_limits, INVALID);
	}
}

/* A subject of another kind than the action's is refused. */
static void
test_moderation_subjects(void **state)
{
	char			 what[64];
	char			 long_rid[GLOSS_RID_MAX + 2];
	struct statement	*st;
	json_t			*root;
	size_t			 i;
	int			 kind;

	memset(long_rid, 'r', GLOSS_RID_MAX + 1);
	long_rid[GLOSS_RID_MAX + 1] = '\0';
	for (i = 0; i < nitems(actions); i++) {
		for (kind = 0; kind < 3; kind++) {
			if (kind == actions[i].subject)
				continue;
			/* An id is also a well-formed record id. */
			if (actions[i].subject == 2 && kind == 0)
				continue;
			snprintf(what, sizeof what, "%s of kind %d",
			    actions[i].name, kind);
			check(moderation(actions[i].name, subject_of(kind),
			    "x"), &stmt_default_limits, INVALID, what,
			    __LINE__);
		}
		root = moderation(actions[i].name, "x", "x");
		assert_int_equal(json_object_del(root, "subject"), 0);
		check(root, &stmt_default_limits, INVALID, actions[i].name,
		    __LINE__);
		check(moderation(actions[i].name, "", "x"),
		    &stmt_default_limits, INVALID, actions[i].name, __LINE__);
		check(with(moderation(actions[i].name, "x", "x"), "subject",
		    json_integer(1)), &stmt_default_limits, INVALID,
		    actions[i].name, __LINE__);
	}
	/* Ids and keys exactly; record ids by their grammar and length. */
	REFUSE(moderation("approve", REPLY_TO "0", NULL),
	    &stmt_default_limits, INVALID);
	REFUSE(moderation("hide", "BA7816BF8F01CFEA414140DE5DAE2223"
	    "B00361A396177A9CB410FF61F20015AD", "x"), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("ban", "RW", "x"), &stmt_default_limits, INVALID);
	REFUSE(moderation("trust", pub_b + 1, NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("lock", long_rid, NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("lock", "-rec", NULL), &stmt_default_limits,
	    INVALID);
	REFUSE(moderation("unlock", "Rec", NULL), &stmt_default_limits,
	    INVALID);
	long_rid[GLOSS_RID_MAX] = '\0';
	st = ACCEPT(moderation("lock", long_rid, NULL), &stmt_default_limits);
	assert_string_equal(st->u.moderation.subject, long_rid);
	stmt_free(st);
	/* A decision names nothing else. */
	REFUSE(with(ban_min(), "note", json_string("x")),
	    &stmt_default_limits, INVALID);
	REFUSE(with(approve_min(), "record", json_string(RID)),
	    &stmt_default_limits, INVALID);
}

/* reject, hide and ban need a reason; the others may give one. */
static void
test_moderation_reason(void **state)
{
	struct statement	*st;
	char			 what[64];
	size_t			 i;

	for (i = 0; i < nitems(actions); i++) {
		snprintf(what, sizeof what, "%s without a reason",
		    actions[i].name);
		check(moderation(actions[i].name,
		    subject_of(actions[i].subject), NULL),
		    &stmt_default_limits, actions[i].needs_reason ? INVALID :
		    NULL, what, __LINE__);
	}
	st = ACCEPT(moderation("unban", pub_b, NULL), &stmt_default_limits);
	assert_null(st->u.moderation.reason);
	stmt_free(st);

	st = ACCEPT(moderation("hide", REPLY_TO, "abuse\n\tsee the log"),
	    &stmt_default_limits);
	assert_string_equal(st->u.moderation.reason, "abuse\n\tsee the log");
	stmt_free(st);
	st = ACCEPT(with(ban_min(), "reason", filled("r", 1024, 'x')),
	    &stmt_default_limits);
	assert_int_equal(strlen(st->u.moderation.reason), 1024);
	stmt_free(st);
	REFUSE(with(ban_min(), "reason", filled("r", 1025, 'x')),
	    &stmt_default_limits, INVALID);
	REFUSE(with(ban_min(), "reason", filled("r", 1025, 'x')), NULL,
	    INVALID);
	REFUSE(with(approve_min(), "reason", filled("r", 1025, 'x')),
	    &stmt_default_limits, INVALID);
	REFUSE(with(ban_min(), "reason", json_string("")),
	    &stmt_default_limits, INVALID);
	REFUSE(with(ban_min(), "reason", json_string("bell\a")),
	    &stmt_default_limits, INVALID);
	REFUSE(with(ban_min(), "reason", json_string("esc\x1b[2J")),
	    &stmt_default_limits, INVALID);
	REFUSE(with(ban_min(), "reason", json_null()), &stmt_default_limits,
	    INVALID);
	REFUSE(with(approve_min(), "reason", json_integer(1)),
	    &stmt_default_limits, INVALID);
}

/* Only lock and unlock name a talk, from 1 to 1000. */
static void
test_moderation_talk(void **state)
{
	static const struct variant v[] = {
		{ "talk", "1", NULL },
		{ "talk", "1000", NULL },
		{ "talk", "0", INVALID },
		{ "talk", "1001", INVALID },
		{ "talk", "\"2\"", INVALID },
		{ "talk", "null", INVALID },
		{ "talk", "true", INVALID },
		{ "talk", "[2]", INVALID },
	};
	struct statement	*st;
	size_t			 i;

	check_variants(lock_min, v, nitems(v));
	REFUSE(with(lock_min(), "talk", json_integer(-1)),
	    &stmt_default_limits, INVALID);
	REFUSE(with(lock_min(), "talk", json_real(1.5)),
	    &stmt_default_limits, INVALID);
	st = ACCEPT(with(lock_min(), "talk", json_integer(1000)),
	    &stmt_default_limits);
	assert_int_equal(st->u.moderation.talk, 1000);
	stmt_free(st);
	st = ACCEPT(with(moderation("unlock", RID, NULL), "talk",
	    json_integer(7)), &stmt_default_limits);
	assert_int_equal(st->u.moderation.action, ACTION_UNLOCK);
	assert_int_equal(st->u.moderation.talk, 7);
	stmt_free(st);
	REFUSE(with(moderation("unlock", RID, NULL), "talk", json_integer(0)),
	    &stmt_default_limits, INVALID);
	REFUSE(with(moderation("unlock", RID, NULL), "talk",
	    json_integer(1001)), &stmt_default_limits, INVALID);
	/* Every other action: no talk, not even a valid one. */
	for (i = 0; i < nitems(actions); i++) {
		if (actions[i].subject == 2)
			continue;
		check(with(moderation(actions[i].name,
		    subject_of(actions[i].subject), "x"), "talk",
		    json_integer(1)), &stmt_default_limits, INVALID,
		    actions[i].name, __LINE__);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_annotation_minimal),
		cmocka_unit_test(test_annotation_full),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_canonical_vector),
		cmocka_unit_test(test_id_is_sha256),
		cmocka_unit_test(test_ownership),
		cmocka_unit_test(test_refuse_not_object),
		cmocka_unit_test(test_refuse_version_type),
		cmocka_unit_test(test_refuse_unknown_member),
		cmocka_unit_test(test_refuse_author),
		cmocka_unit_test(test_refuse_created),
		cmocka_unit_test(test_record_id),
		cmocka_unit_test(test_kind_talk),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_c1_control),
		cmocka_unit_test(test_control_named),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_links_limits),
		cmocka_unit_test(test_link_title),
		cmocka_unit_test(test_reply_to),
		cmocka_unit_test(test_record_refusals),
		cmocka_unit_test(test_record_talk_count),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_verify_reordered),
		cmocka_unit_test(test_tampered_fields),
		cmocka_unit_test(test_verify_other_key),
		cmocka_unit_test(test_verify_trusted_comment),
		cmocka_unit_test(test_verify_flipped),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_verify_legacy),
		cmocka_unit_test(test_rid_valid),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_revision_minimal),
		cmocka_unit_test(test_revision_full),
		cmocka_unit_test(test_revision_refusals),
		cmocka_unit_test(test_retraction),
		cmocka_unit_test(test_endorse),
		cmocka_unit_test(test_profile_name_length),
		cmocka_unit_test(test_profile_name_hostile),
		cmocka_unit_test(test_profile_name_fault),
		cmocka_unit_test(test_profile_name_messages),
		cmocka_unit_test(test_profile_url_about),
		cmocka_unit_test(test_flag),
		cmocka_unit_test(test_moderation_actions),
		cmocka_unit_test(test_moderation_subjects),
		cmocka_unit_test(test_moderation_reason),
		cmocka_unit_test(test_moderation_talk),
		cmocka_unit_test(test_link_review),
	};

	return cmocka_run_group_tests_name("statement", tests, setup,
	    teardown);
}
