-- 0015_shown_again.sql: the mark of an annotation a moderator showed
-- again, set where glossd now sets it.
--
-- Why: flagged = -1 says a moderator showed the annotation again, so
-- flags no longer hide it.  Before, only an approval or a restore of one
-- that flags had hidden set it; a hide or a reject cleared it and a
-- restore after them did not set it again, so the next flag from any key
-- hid it again (docs/design.md §8, 62).  glossd now sets it at every
-- restore and every approval of a hidden annotation, and keeps it through
-- an edit held for review.  A database kept from before holds 0 where a
-- replay of its log now gives -1, and the two would part at the next
-- trusted flag.  So a visible annotation gets the mark when a showing
-- again (a restore, or an approval right after a hide; not one after a
-- ban, which names the key) is later than its last hide or reject.
-- Flags alone leave no decision, and an annotation
-- they hid and a moderator approved was marked already.  Only the
-- annotations some decision made visible are looked at, through the
-- decisions' index of subjects.
UPDATE annotations SET flagged = -1
WHERE flagged = 0 AND status = 'visible' AND seq IN (
	SELECT s.seq FROM decisions AS d
	JOIN statements AS s ON s.id = d.subject
	WHERE d.action IN ('restore', 'approve'))
AND (SELECT max(d.seq) FROM decisions AS d
	WHERE d.subject = annotations.id AND (d.action = 'restore' OR
	(d.action = 'approve' AND (SELECT p.action FROM decisions AS p
	    WHERE p.subject = d.subject AND p.seq < d.seq
	    ORDER BY p.seq DESC LIMIT 1) = 'hide')))
    > coalesce((SELECT max(d.seq) FROM decisions AS d
	WHERE d.subject = annotations.id AND d.action IN ('hide', 'reject')),
	0);
