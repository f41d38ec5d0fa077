/*
 * ratelimit.c: per-key rate limits with bounded memory.
 *
 * A flood must not be able to grow the daemon without bound, nor make it
 * forget the keys it is busy limiting, so the table holds at most
 * max_entries keys and, when full, gives up the key it loses least by
 * forgetting.
 *
 * Each key is a token bucket kept as GCRA: one "theoretical arrival time"
 * (TAT), the moment its bucket is full again.  A request at now is allowed
 * while max(TAT, now) + T - now <= burst * T, where T = per_ms / rate, and
 * then moves TAT on by T.  T need not be a whole number of milliseconds, so
 * TAT is kept as milliseconds plus a remainder in 1/rate ms: the arithmetic
 * is exact and never drifts, "7 a second" admits 7 in every second.
 *
 * Keys are not stored: each is replaced by a 128-bit keyed BLAKE2b
 * fingerprint under a key drawn at ratelimit_new, which also picks its hash
 * chain.  Any length of key works the same, entries are a fixed 40 bytes,
 * and without the secret nobody can aim keys at one chain or make two keys
 * share a bucket (by chance: about n^2 / 2^129 for n keys).
 *
 * Forgetting, in order:
 * - An idle key (TAT <= now, its bucket full) is exactly a key never seen,
 *   so dropping it loses nothing.  Each call drops up to RATELIMIT_SWEEP
 *   idle keys, oldest first: lazy, and at most one drop per insertion over
 *   time.
 * - When the table is full and a new key comes, the key with the earliest
 *   TAT goes: idle keys first, then the key nearest to a full bucket.  A min-
 *   heap on TAT finds it; a call costs O(log max_entries).  Forgetting a
 *   key only ever gives it a full bucket early, by TAT - now.  A flood of new
 *   keys making one request each sits at TAT <= now + T, so it only evicts
 *   its own kind and keys within one token of full; a key owing k tokens is
 *   evicted only once every other entry owes at least k, which costs the
 *   flood about k * max_entries admitted requests inside k * T.  New keys are
 *   never refused for want of room: that would turn a flood into a lockout
 *   of every newcomer.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gloss.h"
#include "ratelimit.h"

#define RATELIMIT_NIL		UINT32_MAX
#define RATELIMIT_ID_LEN	16
#define RATELIMIT_SWEEP		2	/* idle keys dropped per call */
#define RATELIMIT_FIRST_CAP	64

struct ratelimit_entry {
	int64_t		tat_ms;		/* TAT = tat_ms + tat_frac / rate */
	unsigned	tat_frac;	/* < rate */
	uint32_t	next;		/* hash chain, or the free list */
	uint32_t	heap;		/* position in heap[] */
	uint8_t		id[RATELIMIT_ID_LEN];	/* fingerprint of the key */
};

struct ratelimit {
	struct ratelimit_rule	 rule;
	int64_t			 step_ms;	/* T: whole ms */
	unsigned		 step_frac;	/* and 1/rate ms */
	int64_t			 limit;		/* burst * T, in 1/rate ms */
	int64_t			 now;		/* latest time seen */
	uint8_t			 secret[crypto_generichash_KEYBYTES];

	struct ratelimit_entry	*ent;		/* cap slots, used handed out */
	uint32_t		 cap;
	uint32_t		 used;
	uint32_t		 max;
	uint32_t		 free;		/* freed slots, through next */
	uint32_t		*heap;		/* n live, earliest TAT first */
	uint32_t		 n;
	uint32_t		*bucket;	/* mask + 1 chain heads */
	uint32_t		 mask;
};

/*
 * Check a rule before use (config.c can report it with the line).  Returns
 * 0, or -1 with *errstr set to a static sentence.
 */
int
ratelimit_rule_check(const struct ratelimit_rule *rule, const char **errstr)
{
	if (rule->rate == 0) {
		*errstr = "rate must be at least 1";
		return -1;
	}
	if (rule->per_ms == 0) {
		*errstr = "period must be at least 1 ms";
		return -1;
	}
	if (rule->burst == 0) {
		*errstr = "burst must be at least 1";
		return -1;
	}
	if ((uint64_t)rule->burst > (uint64_t)RATELIMIT_SCALED_MAX /
	    rule->per_ms) {
		*errstr = "burst times period is too large";
		return -1;
	}
	return 0;
}

static uint32_t
ratelimit_buckets_for(uint32_t cap)
{
	uint32_t	n = 1;

	while (n < cap)
		n <<= 1;
	return n;
}

/* Thread every live entry onto freshly sized, empty chains. */
static void
ratelimit_rehash(struct ratelimit *rl)
{
	struct ratelimit_entry	*e;
	uint64_t		 h;
	uint32_t		 i, nb, b;

	nb = ratelimit_buckets_for(rl->cap);
	free(rl->bucket);
	rl->bucket = xreallocarray(NULL, nb, sizeof *rl->bucket);
	rl->mask = nb - 1;
	for (i = 0; i < nb; i++)
		rl->bucket[i] = RATELIMIT_NIL;
	for (i = 0; i < rl->n; i++) {
		e = &rl->ent[rl->heap[i]];
		memcpy(&h, e->id, sizeof h);
		b = (uint32_t)(h & rl->mask);
		e->next = rl->bucket[b];
		rl->bucket[b] = rl->heap[i];
	}
}

/*
 * Make a table for rule holding at most max_entries keys.  Call
 * sodium_init first.  Returns NULL if the rule fails ratelimit_rule_check
 * or max_entries is 0 or above RATELIMIT_ENTRIES_MAX; the caller owns the
 * result and frees it with ratelimit_free.
 */
struct ratelimit *
ratelimit_new(const struct ratelimit_rule *rule, size_t max_entries)
{
	struct ratelimit	*rl;
	const char		*errstr;

	if (ratelimit_rule_check(rule, &errstr) != 0)
		return NULL;
	if (max_entries == 0 || max_entries > RATELIMIT_ENTRIES_MAX)
		return NULL;

	rl = xcalloc(1, sizeof *rl);
	rl->rule = *rule;
	rl->step_ms = rule->per_ms / rule->rate;
	rl->step_frac = rule->per_ms % rule->rate;
	rl->limit = (int64_t)rule->burst * rule->per_ms;
	rl->now = -RATELIMIT_NOW_MAX;
	randombytes_buf(rl->secret, sizeof rl->secret);

	rl->max = (uint32_t)max_entries;
	rl->cap = rl->max < RATELIMIT_FIRST_CAP ? rl->max : RATELIMIT_FIRST_CAP;
	rl->ent = xreallocarray(NULL, rl->cap, sizeof *rl->ent);
	rl->heap = xreallocarray(NULL, rl->cap, sizeof *rl->heap);
	rl->free = RATELIMIT_NIL;
	ratelimit_rehash(rl);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	sodium_memzero(rl->secret, sizeof rl->secret);
	free(rl->bucket);
	free(rl->heap);
	free(rl->ent);
	free(rl);
}

/* Number of keys the table holds now, at most max_entries. */
size_t
ratelimit_size(const struct ratelimit *rl)
{
	return rl->n;
}

/* Does a's TAT come strictly before b's? */
static int
ratelimit_before(const struct ratelimit_entry *a,
    const struct ratelimit_entry *b)
{
	if (a->tat_ms != b->tat_ms)
		return a->tat_ms < b->tat_ms;
	return a->tat_frac < b->tat_frac;
}

/* Is the bucket full again at now, TAT <= now? */
static int
ratelimit_idle(const struct ratelimit_entry *e, int64_t now)
{
	return e->tat_ms < now || (e->tat_ms == now && e->tat_frac == 0);
}

static void
ratelimit_heap_set(struct ratelimit *rl, uint32_t pos, uint32_t idx)
{
	rl->heap[pos] = idx;
	rl->ent[idx].heap = pos;
}

static void
ratelimit_sift_up(struct ratelimit *rl, uint32_t pos)
{
	uint32_t	idx = rl->heap[pos], parent;

	while (pos > 0) {
		parent = (pos - 1) / 2;
		if (!ratelimit_before(&rl->ent[idx],
		    &rl->ent[rl->heap[parent]]))
			break;
		ratelimit_heap_set(rl, pos, rl->heap[parent]);
		pos = parent;
	}
	ratelimit_heap_set(rl, pos, idx);
}

static void
ratelimit_sift_down(struct ratelimit *rl, uint32_t pos)
{
	uint32_t	idx = rl->heap[pos], child;

	for (;;) {
		child = 2 * pos + 1;	/* max_entries <= 2^24: no overflow */
		if (child >= rl->n)
			break;
		if (child + 1 < rl->n && ratelimit_before(
		    &rl->ent[rl->heap[child + 1]], &rl->ent[rl->heap[child]]))
			child++;
		if (!ratelimit_before(&rl->ent[rl->heap[child]],
		    &rl->ent[idx]))
			break;
		ratelimit_heap_set(rl, pos, rl->heap[child]);
		pos = child;
	}
	ratelimit_heap_set(rl, pos, idx);
}

/* Forget entry idx: off its chain, out of the heap, onto the free list. */
static void
ratelimit_remove(struct ratelimit *rl, uint32_t idx)
{
	struct ratelimit_entry	*e = &rl->ent[idx];
	uint32_t		*link, pos, last;
	uint64_t		 h;

	memcpy(&h, e->id, sizeof h);
	for (link = &rl->bucket[h & rl->mask]; *link != idx;
	    link = &rl->ent[*link].next)
		;
	*link = e->next;

	pos = e->heap;
	last = rl->heap[--rl->n];
	if (pos != rl->n) {
		ratelimit_heap_set(rl, pos, last);
		ratelimit_sift_down(rl, pos);
		ratelimit_sift_up(rl, rl->ent[last].heap);
	}

	e->next = rl->free;
	rl->free = idx;
}

/* A slot for one more entry; the caller has made sure n < max. */
static uint32_t
ratelimit_slot(struct ratelimit *rl)
{
	uint32_t	idx;

	if (rl->free != RATELIMIT_NIL) {
		idx = rl->free;
		rl->free = rl->ent[idx].next;
		return idx;
	}
	if (rl->used == rl->cap) {
		rl->cap = rl->cap > rl->max / 2 ? rl->max : rl->cap * 2;
		rl->ent = xreallocarray(rl->ent, rl->cap, sizeof *rl->ent);
		rl->heap = xreallocarray(rl->heap, rl->cap, sizeof *rl->heap);
		ratelimit_rehash(rl);
	}
	return rl->used++;
}

/*
 * Take one token for key (only look, without take) (a NUL-terminated
 * string of any length: a public key, an address in text) at now_ms,
 * milliseconds on a monotonic clock.
 * Time never runs backwards here: a now_ms below the latest seen counts as
 * the latest, and now_ms is clamped to +-RATELIMIT_NOW_MAX.  Returns 0 if
 * the request may go ahead, else the milliseconds until it would (>= 1;
 * round up to seconds for Retry-After).  A refused request takes nothing.
 */
static int64_t
ratelimit_run(struct ratelimit *rl, const char *key, int64_t now_ms,
    int take)
{
	struct ratelimit_entry	*e;
	uint8_t			 id[RATELIMIT_ID_LEN];
	uint64_t		 h;
	uint32_t		 idx, b, i;
	int64_t			 now, tat_ms, debt;
	unsigned		 tat_frac, rate = rl->rule.rate;

	now = now_ms;
	if (now > RATELIMIT_NOW_MAX)
		now = RATELIMIT_NOW_MAX;
	if (now < rl->now)
		now = rl->now;
	rl->now = now;

	for (i = 0; i < RATELIMIT_SWEEP && rl->n > 0; i++) {
		if (!ratelimit_idle(&rl->ent[rl->heap[0]], now))
			break;
		ratelimit_remove(rl, rl->heap[0]);
	}

	crypto_generichash(id, sizeof id, (const unsigned char *)key,
	    strlen(key), rl->secret, sizeof rl->secret);
	memcpy(&h, id, sizeof h);
	for (idx = rl->bucket[h & rl->mask]; idx != RATELIMIT_NIL;
	    idx = rl->ent[idx].next) {
		if (memcmp(rl->ent[idx].id, id, sizeof id) == 0)
			break;
	}

	if (idx == RATELIMIT_NIL && !take)
		return 0;		/* unknown: a full bucket */
	if (idx == RATELIMIT_NIL) {
		if (rl->n == rl->max)
			ratelimit_remove(rl, rl->heap[0]);
		idx = ratelimit_slot(rl);
		e = &rl->ent[idx];
		memcpy(e->id, id, sizeof e->id);
		e->tat_ms = now;
		e->tat_frac = 0;
		b = (uint32_t)(h & rl->mask);
		e->next = rl->bucket[b];
		rl->bucket[b] = idx;
		ratelimit_heap_set(rl, rl->n++, idx);
		ratelimit_sift_up(rl, e->heap);
	}
	e = &rl->ent[idx];

	/* TAT' = max(TAT, now) + T */
	if (ratelimit_idle(e, now)) {
		tat_ms = now;
		tat_frac = 0;
	} else {
		tat_ms = e->tat_ms;
		tat_frac = e->tat_frac;
	}
	tat_ms += rl->step_ms;
	tat_frac += rl->step_frac;
	if (tat_frac >= rate) {
		tat_frac -= rate;
		tat_ms++;
	}

	/* TAT' - now, in 1/rate ms; TAT <= now + burst * T keeps it small. */
	debt = (tat_ms - now) * (int64_t)rate + tat_frac;
	if (debt > rl->limit)
		return (debt - rl->limit + rate - 1) / rate;
	if (!take)
		return 0;

	e->tat_ms = tat_ms;
	e->tat_frac = tat_frac;
	ratelimit_sift_down(rl, e->heap);
	return 0;
}

/*
 * Take one token for key at now_ms: 0 if allowed, else the milliseconds
 * until one is available (>= 1); a refusal takes nothing.
 */
int64_t
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms)
{
	return ratelimit_run(rl, key, now_ms, 1);
}

/*
 * What ratelimit_take would answer, taking nothing (and remembering no
 * new key): lets a caller refuse a spent key before costly work, while
 * only work that succeeded spends its tokens.
 */
int64_t
ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms)
{
	return ratelimit_run(rl, key, now_ms, 0);
}
