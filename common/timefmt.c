/*
 * timefmt.c: positions in a recording and wall-clock timestamps as text.
 *
 * People write a moment in a talk the way a video player shows it
 * ("1:09:29", "69:29", "01:09:29.5"); the client and the daemon both turn
 * that into milliseconds so the statement carries one unambiguous integer.
 * Both sides must accept and refuse exactly the same strings, hence one
 * strict parser here instead of sscanf() guesses in each program.  The
 * RFC 3339 helpers do the same for the "created" member: one 20-character
 * UTC form out, and only that form in.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gloss.h"

#define TIMEFMT_MAX_MS		(1000LL * 3600 * 1000)	/* 1000 hours */
#define TIMEFMT_MAX_DIGITS	10	/* per field; keeps sums in int64_t */
#define TIMEFMT_MAX_FIELDS	3	/* H:MM:SS */
#define TIMEFMT_MAX_FRACTION	3	/* milliseconds */
#define RFC3339_LEN		20	/* 2026-11-26T15:04:05Z */

static int	timefmt_parse_span(const char *, size_t, int64_t *,
		    const char **);
static int	rfc3339_number(const char *, size_t, int *);
static int	rfc3339_days_in_month(int, int);

/*
 * Parse len bytes at s as a position.  The grammar is
 *
 *	[[H...:]M...:]S...[.F[F[F]]]
 *
 * with two-digit minutes (00..59) when an hour is given, two-digit
 * seconds (00..59) when a minute is given, and free-width leading fields
 * otherwise, so "69:29" and "4169" both work.  Every byte must belong to
 * the grammar: signs, spaces and trailing junk are refused.  On success
 * stores the position in *ms; on failure leaves *ms alone and points
 * *errstr at a static sentence.
 */
static int
timefmt_parse_span(const char *s, size_t len, int64_t *ms,
    const char **errstr)
{
	const char	*p = s, *end = s + len;
	int64_t		 field[TIMEFMT_MAX_FIELDS], frac = 0, total;
	size_t		 width[TIMEFMT_MAX_FIELDS], nfield = 0, n, nfrac = 0;

	if (len == 0) {
		*errstr = "time is empty";
		return (-1);
	}
	for (;;) {
		if (nfield == TIMEFMT_MAX_FIELDS) {
			*errstr = "time has more than three ':' parts";
			return (-1);
		}
		field[nfield] = 0;
		for (n = 0; p < end && *p >= '0' && *p <= '9'; n++, p++) {
			if (n == TIMEFMT_MAX_DIGITS) {
				*errstr = "time is more than 1000 hours";
				return (-1);
			}
			field[nfield] = field[nfield] * 10 + (*p - '0');
		}
		if (n == 0) {
			*errstr = "time must be digits separated by ':', "
			    "like 1:09:29 or 69:29.5";
			return (-1);
		}
		width[nfield++] = n;
		if (p == end || *p != ':')
			break;
		p++;
	}
	if (p < end && *p == '.') {
		p++;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (nfrac == TIMEFMT_MAX_FRACTION) {
				*errstr = "fraction of a second has more than "
				    "three digits";
				return (-1);
			}
			frac = frac * 10 + (*p - '0');
			nfrac++;
		}
		if (nfrac == 0) {
			*errstr = "'.' must be followed by 1 to 3 digits";
			return (-1);
		}
		for (n = nfrac; n < TIMEFMT_MAX_FRACTION; n++)
			frac *= 10;
	}
	if (p != end) {
		*errstr = "time has an unexpected character";
		return (-1);
	}

	/* The last field is seconds, the one before minutes, then hours. */
	if (nfield >= 2 &&
	    (width[nfield - 1] != 2 || field[nfield - 1] > 59)) {
		*errstr = "seconds must be two digits, 00 to 59";
		return (-1);
	}
	if (nfield == 3 && (width[1] != 2 || field[1] > 59)) {
		*errstr = "minutes must be two digits, 00 to 59, after an hour";
		return (-1);
	}
	total = 0;
	for (n = 0; n < nfield; n++)
		total = total * 60 + field[n];
	total = total * 1000 + frac;
	if (total > TIMEFMT_MAX_MS) {
		*errstr = "time is more than 1000 hours";
		return (-1);
	}
	*ms = total;
	return (0);
}

/*
 * Parse a position such as "1:09:29", "01:09:29.5", "69:29" or "90.5"
 * into milliseconds.  Returns 0 and sets *ms, or -1 with *errstr set to a
 * static sentence (and *ms untouched).
 */
int
timefmt_parse(const char *s, int64_t *ms, const char **errstr)
{
	if (s == NULL) {
		*errstr = "time is empty";
		return (-1);
	}
	return (timefmt_parse_span(s, strlen(s), ms, errstr));
}

/*
 * Parse "T" or "T-T".  A single time sets *end to -1; a range must end
 * strictly after it starts.  Returns 0 or -1 with *errstr set; *start and
 * *end are only written on success.  Times never contain '-', so the
 * first one splits the range.
 */
int
timefmt_parse_range(const char *s, int64_t *start, int64_t *end,
    const char **errstr)
{
	const char	*dash;
	int64_t		 a, b = -1;

	if (s == NULL) {
		*errstr = "time is empty";
		return (-1);
	}
	dash = strchr(s, '-');
	if (dash == s || (dash != NULL && dash[1] == '-')) {
		*errstr = "negative times are not accepted: a time counts "
		    "from the start, like 1:09:29";
		return (-1);
	}
	if (dash == NULL) {
		if (timefmt_parse_span(s, strlen(s), &a, errstr) != 0)
			return (-1);
	} else {
		if (timefmt_parse_span(s, (size_t)(dash - s), &a, errstr) != 0)
			return (-1);
		if (timefmt_parse_span(dash + 1, strlen(dash + 1), &b,
		    errstr) != 0)
			return (-1);
		if (b <= a) {
			*errstr = "range must end after it starts";
			return (-1);
		}
	}
	*start = a;
	*end = b;
	return (0);
}

/*
 * Write ms as "HH:MM:SS", with ".mmm" only when there are milliseconds,
 * into buf (always NUL-terminated when len > 0, truncated if too short;
 * 32 bytes always suffice).  Hours grow past two digits as needed.  A
 * negative value, which no valid position has, is written with a '-'.
 */
void
timefmt_format(int64_t ms, char *buf, size_t len)
{
	uint64_t	 v;
	const char	*sign = "";

	if (len == 0)
		return;
	if (ms < 0) {
		sign = "-";
		v = (uint64_t)0 - (uint64_t)ms;
	} else
		v = (uint64_t)ms;
	if (v % 1000 != 0) {
		snprintf(buf, len, "%s%02llu:%02llu:%02llu.%03llu", sign,
		    (unsigned long long)(v / 3600000),
		    (unsigned long long)(v / 60000 % 60),
		    (unsigned long long)(v / 1000 % 60),
		    (unsigned long long)(v % 1000));
	} else {
		snprintf(buf, len, "%s%02llu:%02llu:%02llu", sign,
		    (unsigned long long)(v / 3600000),
		    (unsigned long long)(v / 60000 % 60),
		    (unsigned long long)(v / 1000 % 60));
	}
}

/*
 * Write t as "2026-11-26T15:04:05Z" (UTC).  A time that has no such form
 * (year outside 0000..9999) yields the empty string.
 */
void
timefmt_rfc3339(time_t t, char out[21])
{
	struct tm	tm;
	char		text[80];	/* what six ints could take */

	if (gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		out[0] = '\0';
		return;
	}
	snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	memcpy(out, text, RFC3339_LEN + 1);
}

/* Read exactly n ASCII digits at s into *v; -1 if any is not a digit. */
static int
rfc3339_number(const char *s, size_t n, int *v)
{
	size_t	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	return (0);
}

/* Days in month mon (1..12) of year, Gregorian. */
static int
rfc3339_days_in_month(int year, int mon)
{
	static const int	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (mon == 2 &&
	    ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return (29);
	return (days[mon - 1]);
}

/*
 * Parse exactly "YYYY-MM-DDTHH:MM:SSZ" (uppercase T and Z, no fraction, no
 * offset, no leap second) into *t.  Impossible dates such as Feb 30 are
 * refused rather than normalized.  Returns 0, or -1 leaving *t alone.
 */
int
timefmt_parse_rfc3339(const char *s, time_t *t)
{
	struct tm	tm;
	int		year, mon, mday, hour, min, sec;

	if (s == NULL || strlen(s) != RFC3339_LEN)
		return (-1);
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return (-1);
	if (rfc3339_number(s, 4, &year) != 0 ||
	    rfc3339_number(s + 5, 2, &mon) != 0 ||
	    rfc3339_number(s + 8, 2, &mday) != 0 ||
	    rfc3339_number(s + 11, 2, &hour) != 0 ||
	    rfc3339_number(s + 14, 2, &min) != 0 ||
	    rfc3339_number(s + 17, 2, &sec) != 0)
		return (-1);
	if (mon < 1 || mon > 12 || mday < 1 ||
	    mday > rfc3339_days_in_month(year, mon) ||
	    hour > 23 || min > 59 || sec > 59)
		return (-1);

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	*t = timegm(&tm);
	return (0);
}
