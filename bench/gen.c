/*
 * gen.c: signed statements for the benchmark, fast and reproducible.
 *
 * A benchmark of signed writes needs many statements that glossd will
 * accept, each signed by its own key, made in seconds rather than by
 * running the client a million times.  gen builds each annotation as a
 * JSON object, runs it through stmt_from_json and stmt_sign, the very
 * functions the gloss client uses, and writes the wire body
 * {"statement":S,"minisig":"..."} exactly as the client sends it, one per
 * line (NDJSON).  Keys come from the seed (crypto_sign_seed_keypair), so
 * the same flags give the same keys and texts; only "created" follows the
 * clock, because glossd refuses statements outside its skew window.
 *
 * The record is the CVPR 2024 tutorial's shape (9 talks, one of them 31
 * seconds long), signed by a curator key derived from the seed, whose
 * public key -K writes for glossd's configuration.  Signing dominates, so
 * batches are split across threads and written back in order.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "gloss.h"

#define GEN_MAX_THREADS		64
#define GEN_MAX_COUNT		100000000LL
#define GEN_BATCH		8192	/* per thread per round */
#define GEN_TEXT_MIN		300
#define GEN_TEXT_MAX		600
#define GEN_CREATED_SPREAD	120	/* seconds before -t, at most */

struct gen_talk {
	int64_t		 start;	/* ms into the recording */
	const char	*speaker;
	const char	*title;
};

/* The CVPR 2024 "From Multimodal LLM to Human-level AI" tutorial. */
static const struct gen_talk gen_talks[] = {
	{ 158000, "Hao Fei", "Background and Introduction" },
	{ 630000, "Yuan Yao", "MLLM Design: Architecture" },
	{ 2290000, "Hao Fei", "Modality and Functionality" },
	{ 3660000, "Haotian Liu", "Why Multimodal Instruction Tuning?" },
	{ 4169000, "Yuan-Hong Liao", "How to Create Multimodal Models that "
	    "Follow Human Intent Efficiently" },
	{ 10679000, "Fuxiao Liu", "Multimodal Hallucinations" },
	{ 12508000, "Ao Zhang", "Efficient MLLM" },
	{ 12539000, "Zhuosheng Zhang", "Multimodal Reasoning" },
	{ 12788000, "Multiple", "Panel Discussion: Path to Multimodal "
	    "Generalist" },
};
#define GEN_NTALKS	((int)(sizeof gen_talks / sizeof gen_talks[0]))
#define GEN_DURATION	16680000LL

static const char *gen_openers[] = {
	"Around this point", "Here", "At this moment the speaker says",
	"This slide claims", "Worth noting:", "I think", "Compare this with",
	"In the Q&A", "Counterpoint:", "Follow-up:", "The framing here —",
	"Le point clé :", "Für später:", "Small correction:", "Honestly,",
};
static const char *gen_subjects[] = {
	"the alignment stage", "instruction tuning on synthetic data",
	"the projection layer", "the number of visual tokens",
	"hallucination benchmarks such as POPE", "the data recipe",
	"RLHF-V", "chain-of-thought prompting", "the Q-Former",
	"image slicing at high resolution", "CLIP ViT-L/14 features",
	"the 158k instruction set", "the “translation” metaphor",
	"the evaluation on VQA-v2", "mixture-of-experts routing",
	"the agent loop", "the tokenizer for audio", "GPT-4V’s OCR",
};
static const char *gen_verbs[] = {
	"hides", "depends on", "underestimates", "is close to",
	"was later revisited in", "conflicts with", "explains",
	"does not account for", "trades off against", "is measured by",
	"quietly assumes", "overlaps with",
};
static const char *gen_objects[] = {
	"the cost of filtering alignment data", "what the model does with OCR",
	"leakage between training and evaluation sets", "compute per token",
	"the language prior of the base model", "the 2023 ablations",
	"how annotators were paid", "the résumé of prior work",
	"counterfactual negatives", "the long-context results",
	"the failure cases shown at the end", "scaling past 13B parameters",
};
static const char *gen_tails[] = {
	".", ".", ".", " — see the ablation table.",
	", which matters for small models.", "; the later numbers disagree.",
	". Ça reste discutable.", ", and the paper says so in a footnote.",
	" (the same holds for video).", "? I am not convinced.",
};
#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

struct gen_opts {
	long long	 n;
	long long	 authors;
	int		 threads;
	uint64_t	 seed;
	const char	*rid;
	time_t		 created;
};

struct gen_job {
	pthread_t		 tid;
	const struct gen_opts	*o;
	long long		 first;
	long long		 count;
	struct buf		 out;
	struct buf		 ids;
	struct minisig_seckey	*sk;	/* sodium_malloc, reused */
	long long		 author;	/* whose key sk holds, or -1 */
	char			 pub[GLOSS_PUBKEY_LEN + 1];
	const char		*error;
};

static void GLOSS_DEAD
usage(void)
{
	fprintf(stderr, "usage: gen [-a authors] [-i idsfile] [-j threads] "
	    "[-K curator.pub] [-n count]\n"
	    "           [-o out.ndjson] [-R record.json] [-r rid] [-s seed] "
	    "[-t created]\n");
	exit(2);
}

/* splitmix64: small, fast, and good enough to vary texts. */
static uint64_t
gen_rand(uint64_t *state)
{
	uint64_t	z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
gen_below(uint64_t *state, uint64_t n)
{
	return gen_rand(state) % n;
}

/*
 * Key number who (an author index, or -1 for the curator) under seed:
 * the Ed25519 seed and the minisign key id are both hashed from them.
 */
static void
gen_key(uint64_t seed, long long who, struct minisig_seckey *sk,
    char pub[GLOSS_PUBKEY_LEN + 1])
{
	struct minisig_pubkey	pk;
	uint8_t			in[24], out[32 + MINISIG_KEYNUM_LEN];
	uint8_t			edpk[crypto_sign_PUBLICKEYBYTES];

	memcpy(in, "gloss-bench-key!", 16);
	memcpy(in + 16, &who, 8);
	crypto_generichash(out, sizeof out, in, sizeof in,
	    (const uint8_t *)&seed, sizeof seed);
	crypto_sign_seed_keypair(edpk, sk->sk, out);
	memcpy(sk->keynum, out + 32, MINISIG_KEYNUM_LEN);
	minisig_seckey_pubkey(sk, &pk);
	minisig_pubkey_format(&pk, pub);
}

/* 300 to 600 bytes of plausible commentary, valid UTF-8, no controls. */
static void
gen_text(uint64_t *rs, struct buf *b)
{
	size_t	target, cut;

	buf_reset(b);
	target = GEN_TEXT_MIN + gen_below(rs, GEN_TEXT_MAX - GEN_TEXT_MIN);
	while (b->len < target) {
		if (b->len > 0)
			buf_puts(b, gen_below(rs, 20) == 0 ? "\n\n" : " ");
		buf_printf(b, "%s %s %s %s%s",
		    gen_openers[gen_below(rs, NELEM(gen_openers))],
		    gen_subjects[gen_below(rs, NELEM(gen_subjects))],
		    gen_verbs[gen_below(rs, NELEM(gen_verbs))],
		    gen_objects[gen_below(rs, NELEM(gen_objects))],
		    gen_tails[gen_below(rs, NELEM(gen_tails))]);
	}
	if (b->len > GEN_TEXT_MAX) {
		/* Cut at an ASCII space, so no UTF-8 sequence is split. */
		for (cut = GEN_TEXT_MAX - 1; cut > 0 && b->data[cut] != ' ';
		    cut--)
			;
		b->len = cut;
		b->data[b->len] = '\0';
		buf_putc(b, '.');
	}
}

static json_t *
gen_links(uint64_t *rs)
{
	json_t	*links = json_array(), *link;
	char	 url[128], title[128];
	int	 i, n = 1 + (int)gen_below(rs, 2);

	for (i = 0; i < n; i++) {
		snprintf(url, sizeof url, "https://arxiv.org/abs/23%02d.%05d",
		    1 + (int)gen_below(rs, 12), (int)gen_below(rs, 20000));
		snprintf(title, sizeof title, "Follow-up reading %d on %s",
		    (int)gen_below(rs, 1000),
		    gen_subjects[gen_below(rs, NELEM(gen_subjects))]);
		link = json_object();
		json_object_set_new(link, "url", json_string(url));
		if (gen_below(rs, 4) != 0)
			json_object_set_new(link, "title", json_string(title));
		json_array_append_new(links, link);
	}
	return links;
}

/*
 * Where annotation i sits: 1 % the whole record, 10 % a whole talk, 55 %
 * a moment of a talk, 25 % a range inside a talk, 9 % a moment with the
 * talk left for glossd to derive.  Talks are picked uniformly, so each
 * holds about a ninth of the volume.
 */
static void
gen_place(uint64_t *rs, json_t *root)
{
	const struct gen_talk	*t;
	json_t			*at;
	int64_t			 start, end, len;
	int			 k = (int)gen_below(rs, GEN_NTALKS);
	unsigned		 p = (unsigned)gen_below(rs, 100);

	if (p < 1)
		return;
	t = &gen_talks[k];
	end = k + 1 < GEN_NTALKS ? gen_talks[k + 1].start : GEN_DURATION;
	len = end - t->start;
	if (p <= 90)
		json_object_set_new(root, "talk", json_integer(k + 1));
	if (p < 11)
		return;
	start = t->start + (int64_t)gen_below(rs, (uint64_t)len);
	at = json_object();
	json_object_set_new(at, "start", json_integer(start));
	if (p >= 66 && p <= 90) {
		end = start + 5000 + (int64_t)gen_below(rs, 175000);
		if (end > t->start + len)
			end = t->start + len;
		if (end > start)
			json_object_set_new(at, "end", json_integer(end));
	}
	json_object_set_new(root, "at", at);
}

/* Append the wire body of a signed root to out; -1 if refused. */
static int
gen_emit(json_t *root, const struct minisig_seckey *sk, struct buf *out,
    struct buf *ids, const char **error)
{
	struct statement	*st;
	const char		*code;
	char			*message, *sig;

	st = stmt_from_json(root, &stmt_default_limits, &code, &message);
	if (st == NULL) {
		*error = code;
		free(message);
		return -1;
	}
	if ((sig = stmt_sign(st, sk)) == NULL) {
		*error = "signing failed";
		stmt_free(st);
		return -1;
	}
	buf_puts(out, "{\"statement\":");
	buf_add(out, st->canonical, st->canonical_len);
	buf_puts(out, ",\"minisig\":");
	jcs_write_string(out, sig, strlen(sig));
	buf_puts(out, "}\n");
	if (ids != NULL) {
		buf_add(ids, st->id, GLOSS_ID_LEN);
		buf_putc(ids, '\n');
	}
	free(sig);
	stmt_free(st);
	return 0;
}

static void *
gen_main(void *arg)
{
	struct gen_job		*j = arg;
	const struct gen_opts	*o = j->o;
	struct buf		 text;
	json_t			*root;
	uint64_t		 rs;
	long long		 i, author;
	char			 created[21];
	unsigned		 k;

	buf_init(&text);
	for (i = j->first; i < j->first + j->count; i++) {
		rs = o->seed * 0x100000001b3ULL ^ (uint64_t)i;
		gen_rand(&rs);
		/* Contiguous blocks per author: one key derivation each. */
		author = i * o->authors / o->n;
		if (author != j->author) {
			gen_key(o->seed, author, j->sk, j->pub);
			j->author = author;
		}
		timefmt_rfc3339(o->created -
		    (time_t)gen_below(&rs, GEN_CREATED_SPREAD), created);
		gen_text(&rs, &text);
		root = json_object();
		json_object_set_new(root, "v", json_integer(1));
		json_object_set_new(root, "type", json_string("annotation"));
		json_object_set_new(root, "author", json_string(j->pub));
		json_object_set_new(root, "created", json_string(created));
		json_object_set_new(root, "record", json_string(o->rid));
		k = (unsigned)gen_below(&rs, 100);
		json_object_set_new(root, "kind", json_string(k < 60 ?
		    "comment" : k < 85 ? "critique" : "reading"));
		gen_place(&rs, root);
		json_object_set_new(root, "text", json_stringn(text.data,
		    text.len));
		if (k >= 85)
			json_object_set_new(root, "links", gen_links(&rs));
		if (gen_emit(root, j->sk, &j->out, &j->ids, &j->error) == -1)
			break;
	}
	buf_free(&text);
	return NULL;
}

/* The record statement, signed by the seed's curator key. */
static void
gen_record(const struct gen_opts *o, const char *recfile,
    const char *curfile)
{
	struct minisig_seckey	*sk;
	struct buf		 out;
	json_t			*root, *talks, *talk;
	const char		*error = NULL;
	char			 pub[GLOSS_PUBKEY_LEN + 1], created[21];
	FILE			*f;
	int			 i;

	if ((sk = sodium_malloc(sizeof *sk)) == NULL)
		fatalx("sodium_malloc failed");
	gen_key(o->seed, -1, sk, pub);
	timefmt_rfc3339(o->created - GEN_CREATED_SPREAD - 1, created);
	talks = json_array();
	for (i = 0; i < GEN_NTALKS; i++) {
		talk = json_object();
		json_object_set_new(talk, "start",
		    json_integer(gen_talks[i].start));
		json_object_set_new(talk, "speaker",
		    json_string(gen_talks[i].speaker));
		json_object_set_new(talk, "title",
		    json_string(gen_talks[i].title));
		json_array_append_new(talks, talk);
	}
	root = json_object();
	json_object_set_new(root, "v", json_integer(1));
	json_object_set_new(root, "type", json_string("record"));
	json_object_set_new(root, "author", json_string(pub));
	json_object_set_new(root, "created", json_string(created));
	json_object_set_new(root, "record", json_string(o->rid));
	json_object_set_new(root, "title",
	    json_string("From Multimodal LLM to Human-level AI"));
	json_object_set_new(root, "event", json_string("CVPR 2024"));
	json_object_set_new(root, "duration", json_integer(GEN_DURATION));
	json_object_set_new(root, "talks", talks);
	buf_init(&out);
	if (gen_emit(root, sk, &out, NULL, &error) == -1)
		fatalx("the record statement is refused: %s", error);
	sodium_free(sk);
	if (recfile != NULL) {
		if ((f = fopen(recfile, "w")) == NULL)
			fatal("%s", recfile);
		fwrite(out.data, 1, out.len, f);
		if (fclose(f) == EOF)
			fatal("%s", recfile);
	}
	if (curfile != NULL) {
		if ((f = fopen(curfile, "w")) == NULL)
			fatal("%s", curfile);
		fprintf(f, "%s\n", pub);
		if (fclose(f) == EOF)
			fatal("%s", curfile);
	}
	buf_free(&out);
}

static long long
gen_number(const char *s, long long min, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		usage();
	return n;
}

int
main(int argc, char **argv)
{
	struct gen_opts	 o;
	struct gen_job	 jobs[GEN_MAX_THREADS];
	const char	*outfile = NULL, *idsfile = NULL;
	const char	*recfile = NULL, *curfile = NULL;
	FILE		*out = stdout, *ids = NULL;
	long long	 base, cnt, per;
	long		 ncpu;
	int		 ch, t;

	memset(&o, 0, sizeof o);
	o.n = 1000;
	o.seed = 1;
	o.rid = "bench-cvpr2024";
	o.created = time(NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu < 1 ? 1 : ncpu > GEN_MAX_THREADS ? GEN_MAX_THREADS :
	    (int)ncpu;
	while ((ch = getopt(argc, argv, "a:i:j:K:n:o:R:r:s:t:")) != -1) {
		switch (ch) {
		case 'a':
			o.authors = gen_number(optarg, 1, GEN_MAX_COUNT);
			break;
		case 'i':
			idsfile = optarg;
			break;
		case 'j':
			o.threads = (int)gen_number(optarg, 1,
			    GEN_MAX_THREADS);
			break;
		case 'K':
			curfile = optarg;
			break;
		case 'n':
			o.n = gen_number(optarg, 0, GEN_MAX_COUNT);
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'R':
			recfile = optarg;
			break;
		case 'r':
			o.rid = optarg;
			break;
		case 's':
			o.seed = (uint64_t)gen_number(optarg, 0, INT64_MAX);
			break;
		case 't':
			o.created = (time_t)gen_number(optarg, 0,
			    253402300799LL);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.authors == 0 || o.authors > o.n)
		o.authors = o.n;
	log_init("gen", 1, 1);
	if (sodium_init() == -1)
		fatalx("libsodium failed to initialise");
	json_object_seed(0);
	if (!stmt_rid_valid(o.rid))
		fatalx("%s is not a record id", o.rid);

	if (recfile != NULL || curfile != NULL)
		gen_record(&o, recfile, curfile);
	if (outfile != NULL && (out = fopen(outfile, "w")) == NULL)
		fatal("%s", outfile);
	if (idsfile != NULL && (ids = fopen(idsfile, "w")) == NULL)
		fatal("%s", idsfile);

	memset(jobs, 0, sizeof jobs);
	for (t = 0; t < o.threads; t++) {
		jobs[t].o = &o;
		jobs[t].author = -1;
		buf_init(&jobs[t].out);
		buf_init(&jobs[t].ids);
		if ((jobs[t].sk = sodium_malloc(sizeof *jobs[t].sk)) == NULL)
			fatalx("sodium_malloc failed");
	}
	for (base = 0; base < o.n; base += cnt) {
		cnt = o.n - base;
		if (cnt > (long long)GEN_BATCH * o.threads)
			cnt = (long long)GEN_BATCH * o.threads;
		per = (cnt + o.threads - 1) / o.threads;
		for (t = 0; t < o.threads; t++) {
			jobs[t].first = base + per * t;
			jobs[t].count = per * t >= cnt ? 0 :
			    per * (t + 1) > cnt ? cnt - per * t : per;
			buf_reset(&jobs[t].out);
			buf_reset(&jobs[t].ids);
			if (pthread_create(&jobs[t].tid, NULL, gen_main,
			    &jobs[t]) != 0)
				fatalx("pthread_create failed");
		}
		for (t = 0; t < o.threads; t++) {
			pthread_join(jobs[t].tid, NULL);
			if (jobs[t].error != NULL)
				fatalx("statement refused: %s",
				    jobs[t].error);
			if (jobs[t].out.len > 0 && fwrite(jobs[t].out.data, 1,
			    jobs[t].out.len, out) != jobs[t].out.len)
				fatal("write");
			if (ids != NULL && jobs[t].ids.len > 0 &&
			    fwrite(jobs[t].ids.data, 1, jobs[t].ids.len,
			    ids) != jobs[t].ids.len)
				fatal("write ids");
		}
	}
	for (t = 0; t < o.threads; t++) {
		buf_free(&jobs[t].out);
		buf_free(&jobs[t].ids);
		sodium_free(jobs[t].sk);
	}
	if (fflush(out) == EOF || (out != stdout && fclose(out) == EOF))
		fatal("%s", outfile != NULL ? outfile : "stdout");
	if (ids != NULL && fclose(ids) == EOF)
		fatal("%s", idsfile);
	return 0;
}
