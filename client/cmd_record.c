/*
 * cmd_record.c: gloss record import|show and gloss records.
 *
 * Import turns a record text file into a signed `record` statement; only a
 * key the daemon lists as a curator can create one.  The other two read
 * what the daemon knows.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "recordfmt.h"

#define RECORD_FILE_MAX	(1024 * 1024)

static json_t *
record_strings(char **items, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static void
record_set_string(json_t *obj, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(obj, name, json_string(value));
}

/* The record statement for r, unsigned. */
static json_t *
record_statement(const struct recordfmt *r, const char *rid,
    const struct minisig_pubkey *pk, const char *author)
{
	json_t	*root, *talks = json_array(), *speakers = json_array(), *o;
	size_t	 i;

	root = json_pack("{s:i,s:s,s:s,s:o,s:s,s:s,s:I}", "v", 1, "type",
	    "record", "author", author, "created", post_created(pk),
	    "record", rid,
	    "title", r->title, "duration", (json_int_t)r->duration);
	record_set_string(root, "event", r->event);
	record_set_string(root, "abstract", r->abstract);
	record_set_string(root, "mentioned", r->mentioned);
	record_set_string(root, "notes", r->notes);
	for (i = 0; i < r->ntalks; i++) {
		o = json_pack("{s:I,s:s}", "start",
		    (json_int_t)r->talks[i].start, "title", r->talks[i].title);
		record_set_string(o, "speaker", r->talks[i].speaker);
		record_set_string(o, "description", r->talks[i].description);
		json_array_append_new(talks, o);
	}
	json_object_set_new(root, "talks", talks);
	for (i = 0; i < r->nspeakers; i++) {
		o = json_pack("{s:s}", "name", r->speakers[i].name);
		record_set_string(o, "affiliation",
		    r->speakers[i].affiliation);
		json_array_append_new(speakers, o);
	}
	if (r->nspeakers > 0)
		json_object_set_new(root, "speakers", speakers);
	else
		json_decref(speakers);
	if (r->ntakeaways > 0)
		json_object_set_new(root, "takeaways",
		    record_strings(r->takeaways, r->ntakeaways));
	if (r->ntopics > 0)
		json_object_set_new(root, "topics",
		    record_strings(r->topics, r->ntopics));
	return root;
}

static int
record_import(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct recordfmt	 r;
	struct minisig_seckey	*sk = NULL;
	struct minisig_pubkey	 pk;
	const char		*rid = NULL;
	char			*text = NULL, *cause = NULL, *defid = NULL;
	char			 author[GLOSS_PUBKEY_LEN + 1];
	char			 id[GLOSS_ID_LEN + 1];
	size_t			 len;
	int			 ch, rc = EXIT_USAGE;

	memset(&r, 0, sizeof r);
	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch != 'i')
			return cmd_usage("record");
		rid = optarg;
	}
	if (cmd_arity(argc, argv, "FILE", 0) == -1)
		return cmd_usage("record");
	if (rid == NULL && (rid = defid =
	    recordfmt_default_id(argv[optind])) == NULL) {
		fprintf(stderr, "gloss: cannot make a record id from %s; "
		    "use --id\n", argv[optind]);
		goto out;
	}
	if (!stmt_rid_valid(rid)) {
		fprintf(stderr, "gloss: record ids are 1 to %d of a-z, 0-9, "
		    "'.', '_' and '-', starting with a letter or digit\n",
		    GLOSS_RID_MAX);
		goto out;
	}
	if ((text = file_read(argv[optind], RECORD_FILE_MAX, &len)) == NULL)
		goto out;
	if (recordfmt_parse(text, len, &r, &cause) == -1) {
		fprintf(stderr, "gloss: %s: %s\n", argv[optind], cause);
		goto out;
	}
	if ((sk = keys_load_secret(c, &pk)) == NULL)
		goto out;
	minisig_pubkey_format(&pk, author);
	rc = post_statement(c, record_statement(&r, rid, &pk, author), sk,
	    id);
	if (rc == EXIT_OK) {
		printf("%s\n", rid);
		fprintf(stderr, "record %s: %zu talks, statement %s\n", rid,
		    r.ntalks, id);
	}
out:
	minisig_seckey_free(sk);
	recordfmt_free(&r);
	free(cause);
	free(text);
	free(defid);
	return rc;
}

/*
 * Whether a lock statement closed record rec (talk 0) or its talk n to
 * new annotations, as GET /v1/records/{rid} lists them.
 */
static int
record_locked(json_t *rec, json_int_t n)
{
	json_t	*lock;
	size_t	 i;

	json_array_foreach(json_object_get(rec, "locks"), i, lock) {
		if (json_integer_value(json_object_get(lock, "talk")) == n)
			return 1;
	}
	return 0;
}

static void
record_print_talks(json_t *rec)
{
	json_t		*talks = json_object_get(rec, "talks"), *t;
	const char	*speaker;
	char		 start[32], end[32];
	size_t		 i;

	json_array_foreach(talks, i, t) {
		timefmt_format(json_integer_value(json_object_get(t, "start")),
		    start, sizeof start);
		timefmt_format(json_integer_value(json_object_get(t, "end")),
		    end, sizeof end);
		speaker = json_string_value(json_object_get(t, "speaker"));
		printf("%3zu  %s-%s  ", i + 1, start, end);
		if (speaker != NULL) {
			out_text(stdout, speaker, strlen(speaker), NULL);
			fputs(": ", stdout);
		}
		out_text(stdout, json_string_value(json_object_get(t, "title")),
		    strlen(json_string_value(json_object_get(t, "title"))),
		    NULL);
		if (record_locked(rec, (json_int_t)i + 1))
			fputs("  (locked)", stdout);
		fputc('\n', stdout);
	}
}

static void
record_print_head(json_t *rec)
{
	const char	*title = json_string_value(json_object_get(rec, "title"));
	const char	*event = json_string_value(json_object_get(rec, "event"));
	char		 dur[32];

	timefmt_format(json_integer_value(json_object_get(rec, "duration")),
	    dur, sizeof dur);
	out_text(stdout, title, strlen(title), NULL);
	fputc('\n', stdout);
	if (event != NULL) {
		out_text(stdout, event, strlen(event), NULL);
		fputs(" · ", stdout);
	}
	printf("%s · %lld annotations · id %s\n", dur,
	    (long long)json_integer_value(json_object_get(rec, "annotations")),
	    json_string_value(json_object_get(rec, "id")));
	if (record_locked(rec, 0))
		printf("locked: closed to new annotations\n");
}

static int
record_show(struct client *c, int argc, char **argv)
{
	json_t	*rec;
	int	 rc;

	if (cmd_operands(c, argc, argv, "RID", 0) == -1)
		return cmd_usage("record");
	if ((rec = net_get_at(c, "/v1/records/", argv[optind], "", &rc)) ==
	    NULL)
		return rc;
	if (c->json)
		out_json(rec);
	else {
		record_print_head(rec);
		record_print_talks(rec);
	}
	json_decref(rec);
	return EXIT_OK;
}

int
cmd_record(struct client *c, int argc, char **argv)
{
	optind = 0;
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return record_import(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return record_show(c, argc - 1, argv + 1);
	if (argc >= 2)
		return cmd_misuse("unknown action \"%s\"",
		    cmd_word(argv[1]));
	return cmd_misuse("missing action");
}

int
cmd_records(struct client *c, int argc, char **argv)
{
	json_t		*root, *rec;
	const char	*title;
	size_t		 i;
	int		 rc;

	if (cmd_operands(c, argc, argv, "", 0) == -1)
		return cmd_usage("records");
	if ((root = net_get_json(c, "/v1/records", &rc)) == NULL)
		return rc;
	if (c->json)
		out_json(root);
	json_array_foreach(c->json ? NULL : json_object_get(root, "records"),
	    i, rec) {
		title = json_string_value(json_object_get(rec, "title"));
		printf("%-32s %3lld talks %5lld annotations  ",
		    json_string_value(json_object_get(rec, "id")),
		    (long long)json_integer_value(json_object_get(rec,
		    "talks")), (long long)json_integer_value(
		    json_object_get(rec, "annotations")));
		out_text(stdout, title, strlen(title), NULL);
		fputc('\n', stdout);
	}
	json_decref(root);
	return EXIT_OK;
}
