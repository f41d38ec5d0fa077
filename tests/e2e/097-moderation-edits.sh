#!/bin/sh
# Moderation meets revisions and rates: an edit is new text, so it waits
# for review where posts do (a rejected annotation stays rejected) and
# cannot move into a locked talk; moderators are not held to the per-key
# rate.  Its author and moderators read a waiting annotation's history
# and thread; nobody else does.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
"$GLOSS" keygen -W -s "$T/mod.key" -p "$T/mod.pub" >/dev/null 2>&1
"$GLOSS" keygen -W -s "$T/other.key" -p "$T/other.pub" >/dev/null 2>&1
MOD=$(tail -n 1 "$T/mod.pub")
start_daemon "moderation = all" "moderator = $MOD" "rate_key_writes = 3"
import_record

a=$("$GLOSS" comment "$RID" --talk 2 -m "Original words." 2>/dev/null)
pending=$("$GLOSS" -k "$T/mod.key" --json mod queue | grep -c "\"id\": \"$a\"")
same "$pending" 1 "under moderation = all a post waits"
# What show does for one who may see a waiting annotation, history and
# thread do too: the public answer is 404, the signed one is not.
expect 1 "the public reads the history of a waiting annotation" \
    env XDG_CONFIG_HOME="$T/nobody" "$GLOSS" history "$a"
contains "$T/err" "no visible annotation has that id (404" "and is told 404"
expect 1 "another key reads it" "$GLOSS" -k "$T/other.key" history "$a"
contains "$T/err" "(404 not_found)" "and is told 404 too"
# A key whose passphrase is not to be had here (no terminal, no
# GLOSS_PASSPHRASE) leaves the public answer as it is.
GLOSS_PASSPHRASE=locked "$GLOSS" keygen -s "$T/enc.key" -p "$T/enc.pub" \
    >/dev/null 2>&1
expect 0 "one with a locked key shows the waiting annotation" \
    "$GLOSS" -k "$T/enc.key" show "$a" </dev/null
contains "$T/out" "status   not visible" "as not visible, its statement kept"
expect 1 "and reads its history" "$GLOSS" -k "$T/enc.key" history "$a" \
    </dev/null
contains "$T/err" "(404 not_found)" "as the public does: 404"
for who in author moderator; do
	case $who in author) k= ;; moderator) k="-k $T/mod.key" ;; esac
	# shellcheck disable=SC2086	# $k is empty or two words
	expect 0 "its $who reads its history" "$GLOSS" $k history "$a"
	contains "$T/out" "Original words." "the history has its text"
	# shellcheck disable=SC2086
	expect 0 "its $who reads its thread" "$GLOSS" $k thread "$a"
	contains "$T/out" "(pending) $a" "the thread shows it, as a stub"
done
expect 0 "the moderator approves it" "$GLOSS" -k "$T/mod.key" mod approve "$a"
expect 0 "it is listed" "$GLOSS" list "$RID" --json
contains "$T/out" "Original words." "with its text"

expect 0 "its author edits it" "$GLOSS" edit "$a" -m "Edited words."
expect 0 "list after the edit" "$GLOSS" list "$RID" --json
lacks "$T/out" "Edited words." "the edit waits for review"
lacks "$T/out" "Original words." "and the annotation waits with it"
expect 0 "the queue" "$GLOSS" -k "$T/mod.key" mod queue
contains "$T/out" "Edited words." "the queue shows the edited text"
expect 0 "approve the edit" "$GLOSS" -k "$T/mod.key" mod approve "$a"
expect 0 "list after the approval" "$GLOSS" list "$RID" --json
contains "$T/out" "Edited words." "the edited text is public"

expect 0 "lock talk 5" "$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk 5
expect 1 "an edit moving the annotation into the locked talk" \
    "$GLOSS" edit "$a" --talk 5 -m "Moved."
contains "$T/err" "403 locked" "is refused: 403 locked"
contains "$T/err" "that talk is closed to new annotations and to edits" \
    "saying that the lock closes the talk to edits too"
expect 0 "an annotation in talk 6 by the moderator" "$GLOSS" \
    -k "$T/mod.key" comment "$RID" --talk 6 -m "In talk 6."
c=$(cat "$T/out")
expect 0 "lock talk 6" "$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk 6
expect 1 "an edit of its text alone, in the locked talk" \
    "$GLOSS" -k "$T/mod.key" edit "$c" -m "Still in talk 6."
same "$(cat "$T/err")" "gloss: that talk is closed to new annotations and \
to edits (403 locked)" "is refused, saying so"
expect 1 "a post in the locked talk" "$GLOSS" -k "$T/mod.key" comment \
    "$RID" --talk 6 -m "New in talk 6."
same "$(cat "$T/err")" "gloss: that talk is closed to new annotations \
(403 locked)" "is refused, saying only what concerns it"

# An edit of a rejected annotation keeps it rejected, out of the queue:
# its author is told so, not that it waits for a moderator.
b=$("$GLOSS" -k "$T/other.key" comment "$RID" --talk 2 -m "Other words." \
    2>/dev/null)
expect 0 "the moderator rejects another key's annotation" \
    "$GLOSS" -k "$T/mod.key" mod reject "$b" --reason "Off topic."
expect 0 "its author edits the rejected annotation" \
    "$GLOSS" -k "$T/other.key" edit "$b" -m "Rejected, edited."
contains "$T/err" "the annotation stays rejected" "and is told it stays so"
lacks "$T/err" "held for review" "not that it is held for review"
expect 0 "the author's own list" "$GLOSS" -k "$T/other.key" --json mine
contains "$T/out" '"status": "rejected"' "lists it rejected still"
expect 0 "the queue after the edit" "$GLOSS" -k "$T/mod.key" mod queue
lacks "$T/out" "Rejected, edited." "which does not list it"

for i in 1 2 3 4; do
	"$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk "$i" >/dev/null \
	    2>"$T/err" || break
done
same "$i" 4 "a moderator makes more decisions than rate_key_writes allows"
lacks "$T/err" "rate_limited" "without a 429"

stop_daemon
done_testing
