/*
 * search.c: what a search query may hold.
 *
 * glossd refuses any other query, and gloss checks one before asking, so
 * both read the limits from here.
 */

#include <string.h>

#include "gloss.h"

/*
 * Whether q is a query glossd searches for: at most SEARCH_QUERY_MAX
 * bytes, and 1 to SEARCH_WORDS_MAX words, separated by spaces and tabs.
 */
int
search_query_valid(const char *q)
{
	const char	*p = q;
	size_t		 words = 0;

	if (strlen(q) > SEARCH_QUERY_MAX)
		return 0;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		words++;
		p += strcspn(p, " \t");
	}
	return words >= 1 && words <= SEARCH_WORDS_MAX;
}
