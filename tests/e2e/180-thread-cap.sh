#!/bin/sh
# A thread's answer holds its first 1000 annotations only: gloss thread
# says, after them, that a longer thread has more, and says nothing of a
# thread of exactly 1000.  The replies are posted eight at a time, each
# with a state directory of its own so that none waits for the next
# second after another one's statement.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
"$GLOSS" keygen -W -s "$T/r.key" -p "$T/r.pub" >/dev/null 2>&1
start_daemon
import_record

expect 0 "a comment to reply to" "$GLOSS" comment "$RID" --talk 2 \
    -m "The root of a long thread."
root=$(cat "$T/out")

# replies FIRST LAST: replies numbered FIRST to LAST to the root; their
# ids go to $T/replies.
replies() {
	seq "$1" "$2" | xargs -P 8 -I @ env XDG_CONFIG_HOME="$T/st/@" \
	    "$GLOSS" -k "$T/r.key" reply "$root" -m "Reply @." \
	    >>"$T/replies" 2>>"$T/replies.err"
}

replies 1 999
same "$(grep -cE '^[0-9a-f]{64}$' "$T/replies")" 999 "999 replies are posted"
expect 0 "gloss thread of 1000 annotations" "$GLOSS" thread "$root"
same "$(grep -cE '^ +id [0-9a-f]{64}$' "$T/out")" 1000 "shows them all"
same "$(cat "$T/err")" "" "and says nothing more"

replies 1000 1000
same "$(grep -cE '^[0-9a-f]{64}$' "$T/replies")" 1000 "one more is posted"
expect 0 "gloss thread of 1001 annotations" "$GLOSS" thread "$root"
same "$(grep -cE '^ +id [0-9a-f]{64}$' "$T/out")" 1000 \
    "shows the first 1000, as the server answers them"
lacks "$T/out" "Reply 1000." "the last to arrive is not among them"
same "$(cat "$T/err")" "gloss: the thread has more than these 1000 \
annotations, the first to arrive; the others are not shown" \
    "and says that the thread has more"
expect 0 "gloss thread --json of it" "$GLOSS" thread --json "$root"
same "$(jq -r .truncated "$T/out")" true "the JSON says it is truncated"
same "$(cat "$T/err")" "" "with nothing on standard error"

stop_daemon
done_testing
