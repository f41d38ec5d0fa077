/*
 * test_recordfmt.c: the record text format, on the real export in
 * tests/data and on small texts that each carry one thing real exports
 * do (CRLF, a BOM, odd spacing, missing parts, non-ASCII names) or one
 * thing that must be refused, with the line the refusal names.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"
#include "recordfmt.h"

#define MIN	60000LL
#define SEC	1000LL

/* Parse text that must be accepted; fails the test with the cause. */
static void
parse_ok(const char *text, struct recordfmt *r)
{
	char	*cause = NULL;

	if (recordfmt_parse(text, strlen(text), r, &cause) != 0)
		fail_msg("refused: %s", cause);
	assert_null(cause);
}

/*
 * Parse len bytes of text that must be refused with a cause starting with
 * want; *out must come back zeroed.
 */
static void
parse_fails_len(const char *text, size_t len, const char *want)
{
	static const struct recordfmt	zero;
	struct recordfmt		r;
	char				*cause = NULL;

	memset(&r, 0xa5, sizeof r);
	assert_int_equal(recordfmt_parse(text, len, &r, &cause), -1);
	assert_non_null(cause);
	if (strncmp(cause, want, strlen(want)) != 0)
		fail_msg("cause \"%s\", want \"%s...\"", cause, want);
	assert_memory_equal(&r, &zero, sizeof r);
	free(cause);
}

static void
parse_fails(const char *text, const char *want)
{
	parse_fails_len(text, strlen(text), want);
}

/* Is id a record id as the daemon defines one? */
static int
rid_ok(const char *id)
{
	size_t	i, len = strlen(id);

	if (len == 0 || len > GLOSS_RID_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if ((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9'))
			continue;
		if (i == 0 || (id[i] != '.' && id[i] != '_' && id[i] != '-'))
			return (0);
	}
	return (1);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*data;
	long	 size;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	data = xmalloc((size_t)size);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return (data);
}

static void
test_real_record(void **state)
{
	struct recordfmt	 r;
	const char		*top;
	char			*path, *text, *cause = NULL;
	size_t			 len;

	/* make check says where the sources are; by hand, configure did. */
	if ((top = getenv("GLOSS_TOP_SRCDIR")) == NULL)
		top = TOP_SRCDIR;
	xasprintf(&path, "%s/tests/data/cvpr2024-mllm-tutorial.txt", top);
	text = read_file(path, &len);
	free(path);
	if (recordfmt_parse(text, len, &r, &cause) != 0)
		fail_msg("refused: %s", cause);
	free(text);	/* the result must not point into the input */

	assert_string_equal(r.title, "From Multimodal LLM to Human-level AI");
	assert_string_equal(r.event, "CVPR 2024");
	assert_int_equal(r.duration, 278 * MIN);
	assert_true(strncmp(r.abstract, "This segment introduces a "
	    "comprehensive tutorial", 45) == 0);
	assert_true(strstr(r.abstract, "scaling MLLMs.") != NULL);
	assert_null(strchr(r.abstract, '\n'));	/* one paragraph */

	assert_int_equal(r.nspeakers, 9);
	assert_string_equal(r.speakers[0].name, "Hao Fei");
	assert_string_equal(r.speakers[0].affiliation,
	    "National University of Singapore");
	assert_string_equal(r.speakers[3].name, "Yuan-Hong Liao");
	assert_string_equal(r.speakers[3].affiliation, "MIT");
	assert_string_equal(r.speakers[8].name, "Shuicheng Yan");
	assert_string_equal(r.speakers[8].affiliation,
	    "Kunlun 2050 Research, Skywork AI");

	assert_int_equal(r.ntalks, 9);
	assert_int_equal(r.talks[0].start, 2 * MIN + 38 * SEC);
	assert_string_equal(r.talks[0].speaker, "Hao Fei");
	assert_string_equal(r.talks[0].title,
	    "Background and Introduction: From MLLM to Human-level AI");
	assert_true(strncmp(r.talks[0].description, "Introduces the tutorial",
	    23) == 0);
	assert_int_equal(r.talks[4].start, 4169000);
	assert_string_equal(r.talks[4].speaker, "Yuan-Hong Liao");
	assert_string_equal(r.talks[4].title, "How to Create Multimodal "
	    "Models that Follow Human Intent Efficiently");
	assert_int_equal(r.talks[6].start, 3 * 3600000LL + 28 * MIN + 28 * SEC);
	assert_int_equal(r.talks[7].start, 3 * 3600000LL + 28 * MIN + 59 * SEC);
	assert_int_equal(r.talks[7].start - r.talks[6].start, 31 * SEC);
	assert_string_equal(r.talks[7].speaker, "Zhuosheng Zhang");
	assert_string_equal(r.talks[8].speaker, "Multiple");
	assert_string_equal(r.talks[8].title,
	    "Panel Discussion: Path to Multimodal Generalist");
	assert_true(strncmp(r.talks[8].description, "A panel discussion",
	    18) == 0);

	assert_int_equal(r.ntakeaways, 16);
	assert_true(strncmp(r.takeaways[0], "The tutorial aims", 17) == 0);
	assert_true(strncmp(r.takeaways[15], "Future MLLM development", 23)
	    == 0);
	assert_true(strncmp(r.mentioned, "3D-GPT3D-LLMADE20K", 18) == 0);
	assert_true(strstr(r.mentioned, "mT5mTO") != NULL);

	assert_int_equal(r.ntopics, 32);
	assert_string_equal(r.topics[0], "Agent Systems");
	assert_string_equal(r.topics[1], "Artificial General Intelligence "
	    "(AGI)");
	assert_string_equal(r.topics[31], "Visual question answering (VQA)");

	assert_string_equal(r.notes, "Open for commentary \xe2\x80\x94 "
	    "connections to other work, critiques, follow-up reading.");

	recordfmt_free(&r);
	assert_null(r.title);
	assert_int_equal(r.ntalks, 0);
	recordfmt_free(&r);	/* twice is harmless */
	recordfmt_free(NULL);
}

/* CRLF, a BOM, blank lines, odd spacing, a wrong count, equal starts. */
static void
test_messy_export(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf  Talk Title \t\r\n"
	    "\r\n"
	    "\r\n"
	    "Event:Foo Conf   \xc2\xb7" "Duration:  1 h 5 min  \xc2\xb7  "
	    "\xe2\x96\xb6 Watch on YouTube\r\n"
	    "abstract:\r\n"
	    "  First para.  \r\n"
	    "\r\n"
	    "Second para.\r\n"
	    "Speakers\r\n"
	    "-   Ann Lee   \xe2\x80\x94   Uni A  \r\n"
	    "- Bob\r\n"
	    "\r\n"
	    "Talks (7)\r\n"
	    "-   00:00:00   \xe2\x80\x94   Ann Lee:   Opening \r\n"
	    "-  Welcome words. \r\n"
	    "- 0:10:00 \xe2\x80\x94" "Bob: Middle\r\n"
	    "- 10:00 -  Same Start\r\n"
	    "\t- 01:04:59.5 \xe2\x80\x93 Closing\t\r\n"
	    "- 01:04:59.9\xe2\x80\x94Very Short\r\n"
	    "Key Takeaways\r\n"
	    "- One\r\n"
	    "\r\n"
	    "-\tTwo\r\n"
	    "TOPICS\r\n"
	    "A \xc2\xb7" "B\xc2\xb7  C  \xc2\xb7 \r\n"
	    "Notes\r\n"
	    "line one\r\n"
	    "\r\n"
	    "line two";
	struct recordfmt	r;

	parse_ok(text, &r);
	assert_string_equal(r.title, "Talk Title");
	assert_string_equal(r.event, "Foo Conf");
	assert_int_equal(r.duration, 65 * MIN);
	assert_string_equal(r.abstract, "First para.\nSecond para.");

	assert_int_equal(r.nspeakers, 2);
	assert_string_equal(r.speakers[0].name, "Ann Lee");
	assert_string_equal(r.speakers[0].affiliation, "Uni A");
	assert_string_equal(r.speakers[1].name, "Bob");
	assert_null(r.speakers[1].affiliation);

	assert_int_equal(r.ntalks, 5);		/* listed, not the "(7)" */
	assert_int_equal(r.talks[0].start, 0);
	assert_string_equal(r.talks[0].speaker, "Ann Lee");
	assert_string_equal(r.talks[0].title, "Opening");
	assert_string_equal(r.talks[0].description, "Welcome words.");
	assert_int_equal(r.talks[1].start, 10 * MIN);
	assert_string_equal(r.talks[1].speaker, "Bob");
	assert_string_equal(r.talks[1].title, "Middle");
	assert_null(r.talks[1].description);
	assert_int_equal(r.talks[2].start, 10 * MIN);
	assert_null(r.talks[2].speaker);
	assert_string_equal(r.talks[2].title, "Same Start");
	assert_int_equal(r.talks[3].start, 64 * MIN + 59 * SEC + 500);
	assert_null(r.talks[3].speaker);
	assert_string_equal(r.talks[3].title, "Closing");
	assert_int_equal(r.talks[4].start, 64 * MIN + 59 * SEC + 900);
	assert_string_equal(r.talks[4].title, "Very Short");

	assert_int_equal(r.ntakeaways, 2);
	assert_string_equal(r.takeaways[0], "One");
	assert_string_equal(r.takeaways[1], "Two");
	assert_int_equal(r.ntopics, 3);
	assert_string_equal(r.topics[0], "A");
	assert_string_equal(r.topics[1], "B");
	assert_string_equal(r.topics[2], "C");
	assert_string_equal(r.mentioned, "");
	assert_string_equal(r.notes, "line one\nline two");
	recordfmt_free(&r);
}

/* Only what is required; every optional part absent. */
static void
test_minimal(void **state)
{
	static const char text[] =
	    "T\n"
	    "Duration: 4:38:00\n"
	    "Talks (1)\n"
	    "- 00:00:00 \xe2\x80\x94 Only\n";
	struct recordfmt	r;

	parse_ok(text, &r);
	assert_string_equal(r.title, "T");
	assert_null(r.event);
	assert_int_equal(r.duration, 278 * MIN);
	assert_string_equal(r.abstract, "");
	assert_string_equal(r.mentioned, "");
	assert_string_equal(r.notes, "");
	assert_int_equal(r.nspeakers, 0);
	assert_int_equal(r.ntakeaways, 0);
	assert_int_equal(r.ntopics, 0);
	assert_int_equal(r.ntalks, 1);
	assert_null(r.talks[0].speaker);
	assert_string_equal(r.talks[0].title, "Only");
	assert_null(r.talks[0].description);
	recordfmt_free(&r);
}

static void
test_missing_descriptions(void **state)
{
	static const char text[] =
	    "Title\n"
	    "Event: E \xc2\xb7 Duration: 30 min\n"
	    "Talks (3)\n"
	    "- 00:00:00 \xe2\x80\x94 A: First\n"
	    "- 00:05:00 \xe2\x80\x94 B: Second\n"
	    "- The second talk.\n"
	    "  and its second line\n"
	    "- 00:06:00 \xe2\x80\x94 C: Third\n";
	struct recordfmt	r;

	parse_ok(text, &r);
	assert_int_equal(r.ntalks, 3);
	assert_null(r.talks[0].description);
	assert_string_equal(r.talks[1].description,
	    "The second talk.\nand its second line");
	assert_null(r.talks[2].description);
	recordfmt_free(&r);
}

static void
test_non_ascii_names(void **state)
{
	static const char text[] =
	    "Mod\xc3\xa8les multimodaux\n"
	    "Event: Rencontres \xc2\xb7 Duration: 1 h\n"
	    "Speakers\n"
	    "- \xc5\x81ukasz Kaiser \xe2\x80\x94 Universit\xc3\xa9 de "
	    "Montr\xc3\xa9" "al\n"
	    "- \xe5\xbc\xa0\xe4\xb8\x89 \xe2\x80\x94 \xe6\xb8\x85\xe5\x8d\x8e\n"
	    "Talks (2)\n"
	    "- 00:00:00 \xe2\x80\x94 \xe5\xbc\xa0\xe4\xb8\x89: "
	    "\xe5\xa4\x9a\xe6\xa8\xa1\xe6\x80\x81\n"
	    "- 00:30:00 \xe2\x80\x94 Zo\xc3\xab O\xe2\x80\x99" "Brien: "
	    "Caf\xc3\xa9 \xe2\x98\x95\n";
	struct recordfmt	r;

	parse_ok(text, &r);
	assert_string_equal(r.title, "Mod\xc3\xa8les multimodaux");
	assert_int_equal(r.duration, 3600000);
	assert_int_equal(r.nspeakers, 2);
	assert_string_equal(r.speakers[0].name, "\xc5\x81ukasz Kaiser");
	assert_string_equal(r.speakers[0].affiliation,
	    "Universit\xc3\xa9 de Montr\xc3\xa9" "al");
	assert_string_equal(r.speakers[1].name, "\xe5\xbc\xa0\xe4\xb8\x89");
	assert_string_equal(r.talks[0].speaker, "\xe5\xbc\xa0\xe4\xb8\x89");
	assert_string_equal(r.talks[0].title,
	    "\xe5\xa4\x9a\xe6\xa8\xa1\xe6\x80\x81");
	assert_string_equal(r.talks[1].speaker,
	    "Zo\xc3\xab O\xe2\x80\x99" "Brien");
	assert_string_equal(r.talks[1].title, "Caf\xc3\xa9 \xe2\x98\x95");
	recordfmt_free(&r);
}

/* En dashes and spaced hyphens separate like em dashes. */
static void
test_dash_separators(void **state)
{
	static const char text[] =
	    "Title\n"
	    "Event: E \xc2\xb7 Duration: 90 min\n"
	    "Speakers\n"
	    "- Jean-Luc Picard \xe2\x80\x93 Starfleet\n"
	    "- Ann Lee  -  Uni-B\n"
	    "Talks (3)\n"
	    "- 00:01:00 \xe2\x80\x93 Jean-Luc Picard: Engage\n"
	    "- 00:02:00 - Ann Lee: Two-Part Talk\n"
	    "- 00:03:00\t-\tNo Speaker\n";
	struct recordfmt	r;

	parse_ok(text, &r);
	assert_string_equal(r.speakers[0].name, "Jean-Luc Picard");
	assert_string_equal(r.speakers[0].affiliation, "Starfleet");
	assert_string_equal(r.speakers[1].name, "Ann Lee");
	assert_string_equal(r.speakers[1].affiliation, "Uni-B");
	assert_int_equal(r.ntalks, 3);
	assert_string_equal(r.talks[0].speaker, "Jean-Luc Picard");
	assert_string_equal(r.talks[0].title, "Engage");
	assert_string_equal(r.talks[1].speaker, "Ann Lee");
	assert_string_equal(r.talks[1].title, "Two-Part Talk");
	assert_null(r.talks[2].speaker);
	assert_string_equal(r.talks[2].title, "No Speaker");
	recordfmt_free(&r);
}

static void
test_durations(void **state)
{
	static const struct {
		const char	*field;
		int64_t		 ms;
	} good[] = {
		{ "278 min", 278 * MIN },
		{ "278min", 278 * MIN },
		{ "4 h 38 min", 278 * MIN },
		{ "4h38min", 278 * MIN },
		{ "2 hours", 120 * MIN },
		{ "1 h 0 min 30 s", 60 * MIN + 30 * SEC },
		{ "4:38:00", 278 * MIN },
		{ "278:00", 278 * MIN },
		{ "1 MIN", MIN },
	};
	static const char *bad[] = {
		"", "soon", "278", "min", "38 min 4 h", "4 h 4 h",
		"-5 min", "4 h 38", "1001 h", "12345678 min", "4:60:00",
		"5 lightyears",
	};
	struct recordfmt	 r;
	char			*text;
	size_t			 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		xasprintf(&text, "T\nDuration: %s\nTalks\n- 0:00 - X\n",
		    good[i].field);
		parse_ok(text, &r);
		if (r.duration != good[i].ms)
			fail_msg("\"%s\" = %lld", good[i].field,
			    (long long)r.duration);
		recordfmt_free(&r);
		free(text);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xasprintf(&text, "T\nDuration: %s\nTalks\n- 0:00 - X\n",
		    bad[i]);
		parse_fails(text, "line 2: duration \"");
		free(text);
	}
	parse_fails("T\nDuration: 0 min\nTalks\n- 0:00 - X\n",
	    "line 2: duration must be more than zero");
	parse_fails("T\nDuration: 5 min \xc2\xb7 Duration: 6 min\n",
	    "line 2: \"Duration:\" is given twice");
	parse_fails("T\nEvent: A\nEvent: B\n",
	    "line 3: \"Event:\" is given twice");
}

/* No Event line is fine; no Duration anywhere is not. */
static void
test_missing_event(void **state)
{
	struct recordfmt	r;
	static const char	nodur[] =
	    "Title\n"
	    "Abstract\n"
	    "Duration: 10 min\n"	/* too late: abstract text */
	    "Talks (1)\n"
	    "- 00:00:00 \xe2\x80\x94 X\n";

	parse_ok("Title\nDuration: 10 min\nTalks\n- 0:00 \xe2\x80\x94 X\n",
	    &r);
	assert_null(r.event);
	assert_int_equal(r.duration, 10 * MIN);
	recordfmt_free(&r);

	parse_ok("Title\nEvent:  \xc2\xb7 Duration: 10 min\nTalks\n"
	    "- 0:00 - X\n", &r);
	assert_null(r.event);		/* empty is absent */
	recordfmt_free(&r);

	parse_fails(nodur, "the record has no duration");
	parse_fails("Title\nTalks\n- 0:00 - X\n", "the record has no duration");
}

static void
test_invalid_utf8(void **state)
{
	static const char	bad1[] =
	    "Title\n"
	    "Event: \xff \xc2\xb7 Duration: 10 min\n"
	    "Talks\n- 0:00 - X\n";
	static const char	bad2[] =
	    "Title\nDuration: 10 min\nTalks\n- 0:00 - X\n"
	    "Notes\n\xc0\xaf overlong\n";
	static const char	bad3[] =
	    "Title\nDuration: 10 min\nTalks\n- 0:00 - X \xe2\x80";
	static const char	bad4[] =
	    "Title\nDuration: 10 min\nTalks\n- 0:00 - \xed\xa0\x80\n";
	static const char	nul[] =
	    "Title\nDuration: 10 min\nTalks\n- 0:00 - X\0Y\n";

	parse_fails(bad1, "line 2: the line is not valid UTF-8");
	parse_fails(bad2, "line 6: the line is not valid UTF-8");
	parse_fails(bad3, "line 4: the line is not valid UTF-8");
	parse_fails(bad4, "line 4: the line is not valid UTF-8");
	parse_fails_len(nul, sizeof nul - 1,
	    "line 4: the line holds a NUL byte");
}

static void
test_talk_order(void **state)
{
	static const char	unsorted[] =
	    "Title\n"
	    "Duration: 60 min\n"
	    "Talks (3)\n"
	    "- 00:00:00 \xe2\x80\x94 A\n"
	    "- 00:10:00 \xe2\x80\x94 B\n"
	    "- 00:09:59.999 \xe2\x80\x94 C\n";
	static const char	at_end[] =
	    "Title\n"
	    "Duration: 60 min\n"
	    "Talks (2)\n"
	    "- 00:00:00 \xe2\x80\x94 A\n"
	    "- 01:00:00 \xe2\x80\x94 B\n";
	static const char	past_end[] =
	    "Title\n"
	    "Duration: 60 min\n"
	    "Talks (1)\n"
	    "- 02:00:00 \xe2\x80\x94 A\n";
	struct recordfmt	r;

	parse_fails(unsorted, "line 6: talk starts at "
	    "00:09:59.999, before the talk above it (00:10:00)");
	parse_fails(at_end, "line 5: talk starts at "
	    "01:00:00, not before the end of the recording (01:00:00)");
	parse_fails(past_end, "line 4: talk starts at");

	/* One millisecond inside is fine. */
	parse_ok("Title\nDuration: 60 min\nTalks\n- 00:59:59.999 - Last\n",
	    &r);
	assert_int_equal(r.talks[0].start, 60 * MIN - 1);
	recordfmt_free(&r);
}

static void
test_no_talks(void **state)
{
	static const char	empty_section[] =
	    "Title\nEvent: E \xc2\xb7 Duration: 10 min\nTalks (3)\n\n"
	    "Key Takeaways\n- x\n";
	static const char	no_section[] =
	    "Title\nEvent: E \xc2\xb7 Duration: 10 min\nAbstract\nText.\n";

	parse_fails(empty_section, "the record lists no talks");
	parse_fails(no_section, "the record lists no talks");
}

static void
test_bad_time(void **state)
{
	static const char	text[] =
	    "Title\n"					/* 1 */
	    "Event: E \xc2\xb7 Duration: 60 min\n"	/* 2 */
	    "\n"					/* 3 */
	    "Abstract\n"				/* 4 */
	    "One.\n"					/* 5 */
	    "\n"					/* 6 */
	    "Two.\n"					/* 7 */
	    "Speakers\n"				/* 8 */
	    "- A \xe2\x80\x94 U\n"			/* 9 */
	    "- B \xe2\x80\x94 V\n"			/* 10 */
	    "\n"					/* 11 */
	    "Talks (3)\n"				/* 12 */
	    "- 00:00:00 \xe2\x80\x94 A: First\n"	/* 13 */
	    "- First description.\n"			/* 14 */
	    "- 00:10:00 \xe2\x80\x94 B: Second\n"	/* 15 */
	    "- Second description.\n"			/* 16 */
	    "- 1:2x:00 \xe2\x80\x94 A: Third\n";	/* 17 */
	static const char	sixty[] =
	    "Title\nDuration: 60 min\nTalks\n- 0:10:60 - X\n";
	static const char	notitle[] =
	    "Title\nDuration: 60 min\nTalks\n- 0:10:00 \xe2\x80\x94  \n";
	struct recordfmt	r;

	parse_fails(text, "line 17: talk time \"1:2x:00\" is not a time");
	parse_fails(sixty, "line 4: talk time \"0:10:60\" is not a time "
	    "(seconds must be two digits, 00 to 59)");
	parse_fails(notitle, "line 4: talk at 00:10:00 has no title");

	/* A description that starts with a number is still a description. */
	parse_ok("Title\nDuration: 60 min\nTalks\n- 0:10:00 - X\n"
	    "- 3D scenes, 2 models.\n", &r);
	assert_int_equal(r.ntalks, 1);
	assert_string_equal(r.talks[0].description, "3D scenes, 2 models.");
	recordfmt_free(&r);
}

static void
test_other_refusals(void **state)
{
	static const char	desc_first[] =
	    "Title\nDuration: 60 min\nTalks\n- Orphan description\n"
	    "- 0:00 - X\n";
	static const char	no_name[] =
	    "Title\nDuration: 60 min\nSpeakers\n- \xe2\x80\x94 MIT\n"
	    "Talks\n- 0:00 - X\n";

	parse_fails("", "the record is empty");
	parse_fails_len(NULL, 0, "the record is empty");
	parse_fails("\r\n \t\n\n", "the record is empty");
	parse_fails("\xef\xbb\xbf", "the record is empty");
	parse_fails("\nTalks (1)\n- 0:00 - X\n", "line 2: the record has "
	    "no title (the first line is a section header)");
	parse_fails("Event: E \xc2\xb7 Duration: 1 min\n", "line 1: the "
	    "record has no title (the first line is the Event/Duration line)");
	parse_fails(desc_first, "line 4: expected a talk");
	parse_fails(no_name, "line 4: speaker has no name");
}

/* Input need not be NUL-terminated: only len bytes are read. */
static void
test_length_bounded(void **state)
{
	static const char	text[] =
	    "Title\nDuration: 60 min\nTalks\n- 0:00 - X\nJUNK\xff";
	struct recordfmt	r;
	char			*cause = NULL;
	char			*copy;
	size_t			 len = sizeof text - 1 - 5;

	copy = xmalloc(len);		/* no NUL: ASan catches overreads */
	memcpy(copy, text, len);
	assert_int_equal(recordfmt_parse(copy, len, &r, &cause), 0);
	assert_int_equal(r.ntalks, 1);
	assert_string_equal(r.talks[0].title, "X");
	recordfmt_free(&r);
	free(copy);
}

static void
test_default_id(void **state)
{
	static const struct {
		const char	*path;
		const char	*id;	/* NULL: nothing usable */
	} cases[] = {
		{ "/work/shared/records/cvpr2024-mllm-tutorial.txt",
		    "cvpr2024-mllm-tutorial" },
		{ "cvpr2024-mllm-tutorial.txt", "cvpr2024-mllm-tutorial" },
		{ "CVPR 2024 Tutorial.TXT", "cvpr-2024-tutorial" },
		{ "a/b.c/archive.tar.gz", "archive.tar" },
		{ "noext", "noext" },
		{ "dir/", "dir" },
		{ "__Intro_v2.txt", "intro_v2" },
		{ "-x.txt", "x" },
		{ ".hidden", "hidden" },
		{ "Caf\xc3\xa9 Talk.txt", "caf--talk" },
		{ "\xe5\xbc\xa0\xe4\xb8\x89-talk.txt", "talk" },
		{ "a+b=c.txt", "a-b-c" },
		{ "", NULL },
		{ "/", NULL },
		{ ".txt", "txt" },
		{ "---.txt", NULL },
		{ "\xe5\xbc\xa0\xe4\xb8\x89.txt", NULL },
	};
	char	 longname[200], *id;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		id = recordfmt_default_id(cases[i].path);
		if (cases[i].id == NULL) {
			if (id != NULL)
				fail_msg("\"%s\" gave \"%s\"", cases[i].path,
				    id);
			continue;
		}
		if (id == NULL)
			fail_msg("\"%s\" gave NULL", cases[i].path);
		assert_string_equal(id, cases[i].id);
		assert_true(rid_ok(id));
		free(id);
	}
	assert_null(recordfmt_default_id(NULL));

	/* Trimmed to GLOSS_RID_MAX bytes. */
	memset(longname, 'a', sizeof longname);
	memcpy(longname + 150, ".txt", 5);
	id = recordfmt_default_id(longname);
	assert_non_null(id);
	assert_int_equal(strlen(id), GLOSS_RID_MAX);
	free(id);
	longname[0] = '_';
	id = recordfmt_default_id(longname);
	assert_int_equal(strlen(id), GLOSS_RID_MAX);	/* after the strip */
	assert_true(id[0] == 'a');
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_record),
		cmocka_unit_test(test_messy_export),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_missing_descriptions),
		cmocka_unit_test(test_non_ascii_names),
		cmocka_unit_test(test_dash_separators),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_missing_event),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_talk_order),
		cmocka_unit_test(test_no_talks),
		cmocka_unit_test(test_bad_time),
		cmocka_unit_test(test_other_refusals),
		cmocka_unit_test(test_length_bounded),
		cmocka_unit_test(test_default_id),
	};

	return (cmocka_run_group_tests_name("recordfmt", tests, NULL, NULL));
}
