#!/bin/sh
# The moderation queue on a terminal: gloss mod queue walks it one item at
# a time and one key press decides (a reason is asked for a rejection and
# a ban; a ban passes over its author's other items).
# tmux gives the client a real terminal; the key presses are typed into
# it up front, as a fast typist would, and tmux wait-for tells when the
# walk has ended.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

need tmux
make_keys
"$GLOSS" keygen -W -s "$T/mod.key" -p "$T/mod.pub" >/dev/null 2>&1
"$GLOSS" keygen -W -s "$T/eve.key" -p "$T/eve.pub" >/dev/null 2>&1
EVE=$(tail -n 1 "$T/eve.pub")
start_daemon "moderation = all" "moderator = $(tail -n 1 "$T/mod.pub")"
import_record
a=$("$GLOSS" comment "$RID" --talk 2 -m "First in the queue." 2>/dev/null)
b=$("$GLOSS" comment "$RID" --talk 3 -m "Second in the queue." 2>/dev/null)
c=$("$GLOSS" comment "$RID" --talk 4 -m "Third in the queue." 2>/dev/null)
d=$("$GLOSS" -k "$T/eve.key" comment "$RID" --talk 5 -m "Fourth, by Eve." \
    2>/dev/null)
e=$("$GLOSS" -k "$T/eve.key" comment "$RID" --talk 6 -m "Fifth, by Eve." \
    2>/dev/null)
expect 0 "five posts wait" "$GLOSS" list "$RID"
contains "$T/err" "no annotations match" "none is listed yet"

sock="$T/tmux"
tmux -S "$sock" new-session -d -x 200 -y 100 \
    "GLOSS_SERVER=$SERVER XDG_CONFIG_HOME=$XDG_CONFIG_HOME NO_COLOR=1 \
    '$GLOSS' -k '$T/mod.key' mod queue; tmux -S '$sock' wait-for -S walked; \
    tmux -S '$sock' wait-for read"
tmux -S "$sock" send-keys r "Off topic." Enter a s b "Spam account." Enter
tmux -S "$sock" wait-for walked
walked=$(date +%s)
tmux -S "$sock" capture-pane -p -S - > "$T/walk"
tmux -S "$sock" wait-for -S read
tmux -S "$sock" kill-server 2>/dev/null
contains "$T/walk" "[a]pprove [r]eject [h]ide [b]an author [s]kip [q]uit?" \
    "each item asks for one key"
same "$(grep -c "^Reason: " "$T/walk")" 2 \
    "a rejection and a ban ask for a reason"
contains "$T/walk" "First in the queue." "the first item is shown"
contains "$T/walk" "Fourth, by Eve." "the walk reaches Eve's first item"
lacks "$T/walk" "Fifth, by Eve." "the ban passes over her second"
contains "$T/walk" "skipped, its author is banned: $e" "and says so"
# history TEXT: the author's history shown with the item holding TEXT.
history() {
	grep -A 2 -F "$1" "$T/walk" | sed -n \
	    's/^ *author: first seen .*, \([0-9]* approved, [0-9]* rejected\)$/\1/p'
}
same "$(history "First in the queue.")" "0 approved, 0 rejected" \
    "the first item shows its author's history as the queue gave it"
same "$(history "Second in the queue.")" "0 approved, 1 rejected" \
    "the next one of the same author counts the walk's rejection"
same "$(history "Third in the queue.")" "1 approved, 1 rejected" \
    "and the next its approval"
same "$(history "Fourth, by Eve.")" "0 approved, 0 rejected" \
    "another author's history counts none of them"

expect 0 "list after the walk" "$GLOSS" list "$RID" --json
lacks "$T/out" "$a" "r rejected the first"
contains "$T/out" "$b" "a approved the second"
lacks "$T/out" "$c" "s skipped the third"
expect 0 "the moderation log" "$GLOSS" mod log
contains "$T/out" "reject   $a" "the log holds the rejection"
contains "$T/out" ": Off topic." "with the reason typed at the prompt"
contains "$T/out" "approve  $b" "and the approval"
contains "$T/out" "ban      $EVE" "b banned the author of the fourth"
contains "$T/out" ": Spam account." "with its reason"
expect 1 "the banned key posts" "$GLOSS" -k "$T/eve.key" comment "$RID" \
    --talk 5 -m "Again."
contains "$T/err" "403 key_banned" "and is refused"
# The walk signed its read of the queue at $walked or before; the same
# read signed within that second again would be refused as a replay.
[ "$(date +%s)" != "$walked" ] || tick
expect 0 "the queue still holds the skipped one" \
    "$GLOSS" -k "$T/mod.key" mod queue
contains "$T/out" "Third in the queue." "the skipped item waits"
lacks "$T/out" "First in the queue." "the decided ones are gone"
lacks "$T/out" "by Eve." "the ban hid both of Eve's"
fp=$(fingerprint "$XDG_CONFIG_HOME/gloss/gloss.pub")
contains "$T/out" "  (whole talk 4)      comment   key $fp  " \
    "an annotation of a whole talk says which talk"
expect 0 "the author's own annotations" "$GLOSS" mine
contains "$T/out" "  (whole talk 2)      comment   key $fp  " \
    "gloss mine says which talk too"
stop_daemon
done_testing
