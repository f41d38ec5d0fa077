/*
 * test_reading_fmt.c: unit tests for daemon/reading_fmt.c.
 *
 * A reading list ends up pasted into papers and pages, so each format is
 * pinned byte for byte on a small list with one link of each type, and
 * each gets hostile input: titles and URLs built to close a BibTeX field
 * or a Markdown link early, keys that collide once sanitized, and more
 * citations than a note lists.  The document is built the way
 * api_reading.c builds it; each test's document and output are freed by
 * the teardown, so a failing assertion leaks nothing.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "glossd.h"

#define RID	"cvpr2024-mllm-tutorial"
#define TITLE	"CVPR 2024 Tutorial on MLLMs"
#define ANN	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define AUTHOR	"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

struct ctx {
	json_t		*doc;
	struct buf	 out;
	char		*saved;		/* an earlier output */
};

static int
setup(void **state)
{
	struct ctx	*ctx;

	ctx = xcalloc(1, sizeof *ctx);
	buf_init(&ctx->out);
	*state = ctx;
	return (0);
}

static int
teardown(void **state)
{
	struct ctx	*ctx = *state;

	json_decref(ctx->doc);
	buf_free(&ctx->out);
	free(ctx->saved);
	free(ctx);
	return (0);
}

/*
 * A document for the record; talk 0 means a list for the whole record,
 * any other one of the tutorial's talk 5.
 */
static json_t *
doc_new(struct ctx *ctx, const char *title, int talk)
{
	ctx->doc = json_pack("{s:s, s:s, s:i, s:i, s:[]}", "record", RID,
	    "title", title, "total", 0, "offset", 0, "entries");
	assert_non_null(ctx->doc);
	if (talk > 0) {
		json_object_set_new(ctx->doc, "talk", json_integer(talk));
		json_object_set_new(ctx->doc, "talk_speaker",
		    json_string("Yuan-Hong Liao"));
		json_object_set_new(ctx->doc, "talk_title", json_string("How "
		    "to Create Multimodal Models that Follow Human Intent "
		    "Efficiently"));
	}
	return (ctx->doc);
}

/*
 * Append an entry with no citations yet; title may be NULL.  Returns it
 * (borrowed) for cite() and for extra members.
 */
static json_t *
entry_add(struct ctx *ctx, const char *key, const char *type,
    const char *href, const char *title, const char *status,
    int endorsements)
{
	json_t	*e;

	e = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:i, s:[], s:{},"
	    " s:[], s:n}", "key", key, "type", type, "href", href, "url",
	    href, "title", title, "status", status, "endorsements",
	    endorsements, "citations", "reviews", "verdicts", "check");
	assert_non_null(e);
	json_object_set_new(ctx->doc, "total", json_integer(
	    (json_int_t)json_array_size(json_object_get(ctx->doc,
	    "entries")) + 1));
	json_array_append_new(json_object_get(ctx->doc, "entries"), e);
	return (e);
}

/* Add a citation from talk at start ms into the recording (-1: no time). */
static void
cite(json_t *e, int talk, json_int_t start)
{
	json_t	*c;

	c = json_pack("{s:s, s:s, s:i, s:s, s:n, s:s}", "annotation", ANN,
	    "kind", "reading", "talk", talk, "url", "https://example.org/",
	    "title", "author", AUTHOR);
	assert_non_null(c);
	if (start >= 0)
		json_object_set_new(c, "at", json_pack("{s:I, s:I}", "start",
		    start, "end", start + 60000));
	json_array_append_new(json_object_get(e, "citations"), c);
}

static const char *
render(struct ctx *ctx, void (*fmt)(const json_t *, struct buf *))
{
	buf_reset(&ctx->out);
	fmt(ctx->doc, &ctx->out);
	assert_non_null(ctx->out.data);
	assert_int_equal(strlen(ctx->out.data), ctx->out.len);
	return (ctx->out.data);
}

/* One link of each type, as in the tutorial's talk 5. */
static void
three_entries(struct ctx *ctx)
{
	json_t	*e;

	doc_new(ctx, TITLE, 5);
	e = entry_add(ctx, "arxiv:2304.08485", "arxiv",
	    "https://arxiv.org/abs/2304.08485", "Visual Instruction Tuning",
	    "ok", 3);
	cite(e, 5, 4169000);
	cite(e, 5, 4320500);
	cite(e, 5, 4169999);		/* the same second again */
	e = entry_add(ctx, "doi:10.1145/3290605.3300233", "doi",
	    "https://doi.org/10.1145/3290605.3300233", NULL, "moved", 1);
	json_object_set_new(e, "replacement",
	    json_string("https://example.com/new"));
	cite(e, 5, -1);
	e = entry_add(ctx, "https://example.org/a?b=1", "url",
	    "https://example.org/a?b=1", "A post", "unreviewed", 0);
	cite(e, 5, 600000);
}

static void
test_bibtex(void **state)
{
	struct ctx	*ctx = *state;

	three_entries(ctx);
	assert_string_equal(render(ctx, reading_bibtex),
	    "% Reading list for " TITLE " (" RID "), talk 5, from gloss\n"
	    "\n"
	    "@misc{arXiv:2304.08485,\n"
	    "  title = {Visual Instruction Tuning},\n"
	    "  eprint = {2304.08485},\n"
	    "  archivePrefix = {arXiv},\n"
	    "  url = {https://arxiv.org/abs/2304.08485},\n"
	    "  note = {Cited at 01:09:29, 01:12:00 in talk 5 of " TITLE
	    "; 3 endorsements}\n"
	    "}\n"
	    "\n"
	    "@misc{doi:10.1145_3290605.3300233,\n"
	    "  doi = {10.1145/3290605.3300233},\n"
	    "  url = {https://doi.org/10.1145/3290605.3300233},\n"
	    "  note = {Cited in talk 5 of " TITLE "; 1 endorsement"
	    "; link reported moved to https://example.com/new}\n"
	    "}\n"
	    "\n"
	    "@misc{example.org-aa8f8f8d,\n"	/* SHA-256 of the key */
	    "  title = {A post},\n"
	    "  url = {https://example.org/a?b=1},\n"
	    "  note = {Cited at 00:10:00 in talk 5 of " TITLE "}\n"
	    "}\n");
}

static void
test_markdown(void **state)
{
	struct ctx	*ctx = *state;

	three_entries(ctx);
	assert_string_equal(render(ctx, reading_markdown),
	    "# Reading list: CVPR 2024 Tutorial on MLLMs — talk 5, "
	    "Yuan\\-Hong Liao: How to Create Multimodal Models that Follow "
	    "Human Intent Efficiently\n"
	    "\n"
	    "- [Visual Instruction Tuning](<https://arxiv.org/abs/2304.08485>)"
	    " — arXiv:2304\\.08485 · cited 3× at 01:09:29, 01:12:00"
	    " · 3 endorsements · ok\n"
	    "- [doi:10\\.1145\\/3290605\\.3300233]"
	    "(<https://doi.org/10.1145/3290605.3300233>)"
	    " — cited 1× · 1 endorsement · moved to <https://example.com/new>\n"
	    "- [A post](<https://example.org/a?b=1>) — cited 1× at 00:10:00\n");
}

static void
test_empty(void **state)
{
	struct ctx	*ctx = *state;

	doc_new(ctx, TITLE, 0);
	assert_string_equal(render(ctx, reading_bibtex),
	    "% Reading list for " TITLE " (" RID "), from gloss\n");
	assert_string_equal(render(ctx, reading_markdown),
	    "# Reading list: CVPR 2024 Tutorial on MLLMs\n"
	    "\n"
	    "No follow-up reading yet.\n");

	/* A record without a title is named by its id. */
	json_object_set_new(ctx->doc, "title", json_null());
	assert_string_equal(render(ctx, reading_markdown),
	    "# Reading list: cvpr2024\\-mllm\\-tutorial\n"
	    "\n"
	    "No follow-up reading yet.\n");
}

/*
 * Braces nest properly from start to end, and every line that starts
 * with '@' starts an entry: no text could open or close one.
 */
static void
assert_bibtex_shape(const char *s, size_t entries)
{
	const char	*p;
	long		 depth = 0;
	size_t		 ats = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth < 0)
			fail_msg("'}' closes nothing at offset %zu",
			    (size_t)(p - s));
		if (*p == '@' && (p == s || p[-1] == '\n')) {
			assert_memory_equal(p, "@misc{", 6);
			ats++;
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(ats, entries);
	assert_null(memchr(s, '@', strcspn(s, "\n")));	/* the comment */
}

static void
test_bibtex_escaping(void **state)
{
	struct ctx	*ctx = *state;
	const char	*s;
	json_t		*e;

	doc_new(ctx, "Evil } { @misc{x, title={y}} 50%\nnext\\", 0);
	e = entry_add(ctx, "https://ex.org/a", "url",
	    "https://ex.org/a_(b)>c<d e\\f{g}\"h%20\t#~",
	    "a } b { c \\ d % e & f # g $ h _ i ^ j ~ k < l > m | n @ o \\}",
	    "broken", 0);
	cite(e, 2, 1000);
	e = entry_add(ctx, "arxiv:hep-th/9901001", "arxiv",
	    "https://arxiv.org/abs/hep-th/9901001", "Ümlaut\r\n{", "ok", 0);
	s = render(ctx, reading_bibtex);
	assert_bibtex_shape(s, 2);
	assert_string_equal(s,
	    "% Reading list for Evil \\textbraceright{} \\textbraceleft{} "
	    "(at)misc\\textbraceleft{}x, title=\\textbraceleft{}y"
	    "\\textbraceright{}\\textbraceright{} 50\\% next\\textbackslash{} "
	    "(" RID "), from gloss\n"
	    "\n"
	    "@misc{ex.org-fc60963f,\n"
	    "  title = {a \\textbraceright{} b \\textbraceleft{} c "
	    "\\textbackslash{} d \\% e \\& f \\# g \\$ h \\_ i \\^{} j \\~{} k "
	    "\\textless{} l \\textgreater{} m \\textbar{} n @ o "
	    "\\textbackslash{}\\textbraceright{}},\n"
	    "  url = {https://ex.org/a_(b)%3Ec%3Cd%20e%5Cf%7Bg%7D%22h%20%09"
	    "#~},\n"
	    "  note = {Cited at 00:00:01 in talk 2 of Evil \\textbraceright{} "
	    "\\textbraceleft{} @misc\\textbraceleft{}x, title=\\textbraceleft{}"
	    "y\\textbraceright{}\\textbraceright{} 50\\% next\\textbackslash{}"
	    "; link reported broken}\n"
	    "}\n"
	    "\n"
	    "@misc{arXiv:hep-th_9901001,\n"
	    "  title = {Ümlaut  \\textbraceleft{}},\n"
	    "  eprint = {hep-th/9901001},\n"
	    "  archivePrefix = {arXiv},\n"
	    "  url = {https://arxiv.org/abs/hep-th/9901001},\n"
	    "  note = {Cited in Evil \\textbraceright{} \\textbraceleft{} "
	    "@misc\\textbraceleft{}x, title=\\textbraceleft{}y"
	    "\\textbraceright{}\\textbraceright{} 50\\% "
	    "next\\textbackslash{}}\n"
	    "}\n");
}

/* Keys that only differ in what a key may not hold, or in case. */
static void
test_bibtex_keys(void **state)
{
	struct ctx	*ctx = *state;
	static const char *const keys[] = {
		"doi:10.1000/a_b",	/* doi:10.1000_a_b */
		"doi:10.1000/a/b",	/* ... again: a */
		"doi:10.1000/A(B",	/* ... again, but for case: b */
		"doi:10.1000/a_ba",	/* what the second became: a */
		"doi:10.1000/x y",	/* doi:10.1000_x_y */
		"arxiv:2304.08485",	/* no collision */
		"arxiv:2304.08485v2",
	};
	static const char *const want[] = {
		"@misc{doi:10.1000_a_b,\n",
		"@misc{doi:10.1000_a_ba,\n",
		"@misc{doi:10.1000_A_Bb,\n",
		"@misc{doi:10.1000_a_baa,\n",
		"@misc{doi:10.1000_x_y,\n",
		"@misc{arXiv:2304.08485,\n",
		"@misc{arXiv:2304.08485v2,\n",
		"@misc{ex.org-3280bec4,\n",
		"@misc{ex.org-3280bec4a,\n",
		"@misc{url-",
	};
	const char	*s, *p;
	size_t		 i;

	doc_new(ctx, TITLE, 0);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		entry_add(ctx, keys[i], strncmp(keys[i], "doi:", 4) == 0 ?
		    "doi" : "arxiv", "https://example.org/", "t", "ok", 0);
	/* The same URL twice (the document should not, but...). */
	entry_add(ctx, "https://ex.org/x", "url", "https://ex.org/x", "t",
	    "ok", 0);
	entry_add(ctx, "https://ex.org/x", "url", "https://ex.org/x", "t",
	    "ok", 0);
	/* A type and key that do not agree: a plain URL, hostless. */
	entry_add(ctx, "hep-th/9901001", "arxiv", "https://example.org/", "t",
	    "ok", 0);
	s = render(ctx, reading_bibtex);
	assert_bibtex_shape(s, sizeof want / sizeof want[0]);
	p = s;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if ((p = strstr(p, "\n@misc{")) == NULL)
			fail_msg("entry %zu is missing", i);
		p++;
		if (strncmp(p, want[i], strlen(want[i])) != 0)
			fail_msg("entry %zu: %.40s", i, p);
	}
	/* The same document gives the same keys. */
	ctx->saved = buf_take(&ctx->out);
	assert_string_equal(render(ctx, reading_bibtex), ctx->saved);
}

static void
test_markdown_escaping(void **state)
{
	struct ctx	*ctx = *state;
	json_t		*e;

	doc_new(ctx, "# *Evil* [x](y) <b> #", 0);
	e = entry_add(ctx, "https://ex.org/a", "url",
	    "https://ex.org/a_(b)>c<d e\\f\n",
	    "[click](javascript:alert(1)) *em* `code` <b>x</b> &amp; \\](x)"
	    " ![i](y)\n\n# h | t ~~s~~ $x$ @u",
	    "moved", 2);
	json_object_set_new(e, "replacement",
	    json_string("https://new.example/p)a>t h"));
	cite(e, 3, 1000);
	cite(e, 2, 1000);
	e = entry_add(ctx, "https://ex.org/b", "url", "https://ex.org/b",
	    "", "spam", 0);		/* an empty title is no title */
	assert_string_equal(render(ctx, reading_markdown),
	    "# Reading list: \\# \\*Evil\\* \\[x\\]\\(y\\) \\<b\\> \\#\n"
	    "\n"
	    "- [\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\*em\\* \\`code\\` "
	    "\\<b\\>x\\<\\/b\\> \\&amp\\; \\\\\\]\\(x\\) \\!\\[i\\]\\(y\\)  "
	    "\\# h \\| t \\~\\~s\\~\\~ \\$x\\$ \\@u]"
	    "(<https://ex.org/a_(b)%3Ec%3Cd%20e%5Cf%0A>)"
	    " — cited 2× at 00:00:01 in talks 2, 3 · 2 endorsements"
	    " · moved to <https://new.example/p)a%3Et%20h>\n"
	    "- <https://ex.org/b> — spam\n");
}

/* Distinct times, ascending, at most five; talks likewise. */
static void
test_citations(void **state)
{
	struct ctx	*ctx = *state;
	json_t		*e;
	int		 i;

	doc_new(ctx, TITLE, 0);
	e = entry_add(ctx, "https://ex.org/x", "url", "https://ex.org/x",
	    "T", "paywalled", 1);
	for (i = 8; i >= 0; i--)
		cite(e, 1 + i % 7, 3600000LL * i + 1500);
	cite(e, 1, 1999);		/* second 1 again */
	cite(e, 0, -1);			/* the whole record, no time */
	assert_string_equal(render(ctx, reading_markdown),
	    "# Reading list: CVPR 2024 Tutorial on MLLMs\n"
	    "\n"
	    "- [T](<https://ex.org/x>) — cited 11× at 00:00:01, 01:00:01, "
	    "02:00:01, 03:00:01, 04:00:01 and 4 more in talks 1, 2, 3, 4, 5 and "
	    "2 more, and the whole record · 1 endorsement · paywalled\n");
	assert_non_null(strstr(render(ctx, reading_bibtex),
	    "  note = {Cited at 00:00:01, 01:00:01, 02:00:01, 03:00:01, 04:00:01 "
	    "and 4 more in talks 1, 2, 3, 4, 5 and 2 more, and the whole "
	    "record of " TITLE
	    "; 1 endorsement; link reported paywalled}\n"));

	/* For one talk, Markdown does not repeat it on every line. */
	json_object_set_new(ctx->doc, "talk", json_integer(1));
	assert_non_null(strstr(render(ctx, reading_markdown),
	    " — cited 11× at 00:00:01, 01:00:01, 02:00:01, 03:00:01, 04:00:01 and "
	    "4 more · 1 endorsement"));
	assert_non_null(strstr(render(ctx, reading_bibtex),
	    "04:00:01 and 4 more in talks 1, 2, 3, 4, 5 and 2 more, and the "
	    "whole record of "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bibtex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bibtex_escaping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bibtex_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_markdown_escaping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_citations, setup,
		    teardown),
	};

	return (cmocka_run_group_tests_name("reading_fmt", tests, NULL,
	    NULL));
}
