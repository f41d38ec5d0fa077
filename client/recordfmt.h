/*
 * recordfmt.h: the record text format "gloss record import" reads.
 *
 * A small header of its own so the parser and its tests need nothing else
 * from the client.  The format is that of the .txt files under records/ in
 * the shared folder; recordfmt.c describes what it tolerates and refuses.
 */

#ifndef RECORDFMT_H
#define RECORDFMT_H

#include <stddef.h>
#include <stdint.h>

#include "gloss.h"

struct recordfmt_speaker {
	char	*name;
	char	*affiliation;		/* NULL if absent */
};

struct recordfmt_talk {
	int64_t	 start;			/* ms into the recording */
	char	*speaker;		/* NULL if absent */
	char	*title;
	char	*description;		/* NULL if absent */
};

/*
 * Every string is owned by the structure and valid UTF-8.  title is never
 * NULL; abstract, mentioned and notes are never NULL either ("" when the
 * section is missing).  Arrays are NULL when their count is 0.  duration
 * is > 0 and every talk starts before it, in non-decreasing order.
 */
struct recordfmt {
	char			 *title;
	char			 *event;	/* NULL if absent */
	int64_t			  duration;	/* ms */
	char			 *abstract;	/* lines joined by "\n" */
	struct recordfmt_speaker *speakers;
	size_t			  nspeakers;
	struct recordfmt_talk	 *talks;
	size_t			  ntalks;
	char			**takeaways;
	size_t			  ntakeaways;
	char			 *mentioned;	/* the raw line(s) */
	char			**topics;
	size_t			  ntopics;
	char			 *notes;	/* lines joined by "\n" */
};

int	 recordfmt_parse(const char *, size_t, struct recordfmt *, char **);
void	 recordfmt_free(struct recordfmt *);
char	*recordfmt_default_id(const char *);

#endif /* RECORDFMT_H */
