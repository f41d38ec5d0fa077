/*
 * ratelimit.h: per-key rate limits (token buckets kept as GCRA).
 *
 * One table per limit (annotations per key, writes per IP, reads per IP);
 * the caller picks the key and turns a refusal into 429 with Retry-After.
 * The table does no I/O and reads no clock: the caller passes a monotonic
 * time in milliseconds, so every rule is tested without sleeping.
 */

#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * rate tokens every per_ms milliseconds, at most burst saved up: "10 a
 * minute" is { 10, 60000, 10 }.  All three are at least 1 and burst *
 * per_ms is at most RATELIMIT_SCALED_MAX (ratelimit_rule_check).  As in
 * any bucket, a token that comes when the bucket is full is lost: with
 * burst 1 a client asking every millisecond under { 3, 1000, 1 } gets one
 * every 334 ms, not three a second.  A burst of 2 or more avoids that
 * while per_ms / rate is at least one millisecond.
 */
struct ratelimit_rule {
	unsigned	rate;
	unsigned	per_ms;
	unsigned	burst;
};

#define RATELIMIT_SCALED_MAX	(INT64_C(1) << 61)
#define RATELIMIT_ENTRIES_MAX	(1U << 24)
#define RATELIMIT_NOW_MAX	(INT64_MAX / 2)	/* now_ms is clamped to +- */

struct ratelimit;

/* ratelimit.c */
int		 ratelimit_rule_check(const struct ratelimit_rule *,
		     const char **);
struct ratelimit *ratelimit_new(const struct ratelimit_rule *, size_t);
void		 ratelimit_free(struct ratelimit *);
int64_t		 ratelimit_take(struct ratelimit *, const char *, int64_t);
int64_t		 ratelimit_peek(struct ratelimit *, const char *, int64_t);
size_t		 ratelimit_size(const struct ratelimit *);

#endif /* RATELIMIT_H */
