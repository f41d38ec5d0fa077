#!/bin/sh
# Reviewing links on a terminal: gloss review walks a record's unreviewed
# links one at a time, showing each with the annotations that cite it, and
# one key press signs a verdict (a replacement URL is asked for "moved",
# again until it is a link; offered when a check found one).
# tmux gives the client a real terminal; the key presses are typed into
# it up front, and tmux wait-for tells when the walk has ended.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

need tmux
make_keys
"$GLOSS" keygen -W -s "$T/rev.key" -p "$T/rev.pub" >/dev/null 2>&1
start_daemon "reviewer = $(tail -n 1 "$T/rev.pub")"
import_record
"$GLOSS" reading "$RID" --talk 3 --link https://example.org/first \
    --title "First link" -m "Why the first link matters." >/dev/null 2>&1
"$GLOSS" reading "$RID" --talk 3 --link https://example.org/second \
    --title "Second link" -m "The second one." >/dev/null 2>&1
"$GLOSS" reading "$RID" --talk 3 --link https://example.org/third \
    --title "Third link" -m "And a third." >/dev/null 2>&1
expect 0 "three links wait for review" "$GLOSS" review "$RID"
same "$(grep -c 'example.org/' "$T/out")" 3 "all three are listed"

sock="$T/tmux"
tmux -S "$sock" new-session -d -x 200 -y 100 \
    "GLOSS_SERVER=$SERVER XDG_CONFIG_HOME=$XDG_CONFIG_HOME NO_COLOR=1 \
    '$GLOSS' -k '$T/rev.key' review $RID; tmux -S '$sock' wait-for -S walked; \
    tmux -S '$sock' wait-for read"
tmux -S "$sock" send-keys o m "ftp://example.org/typo" Enter \
    "https://example.org/moved-here" Enter s
tmux -S "$sock" wait-for walked
tmux -S "$sock" capture-pane -p -S - > "$T/walk"
tmux -S "$sock" wait-for -S read
tmux -S "$sock" kill-server 2>/dev/null
contains "$T/walk" "[o]k [r]elevant [i]rrelevant [b]roken [m]oved" \
    "each link asks for one key"
contains "$T/walk" "Why the first link matters." "the citing annotation is shown"
contains "$T/walk" "Replacement URL" "moved asks for the new address"
contains "$T/walk" "type it again" \
    "a replacement that is no link is asked for again, not the walk's end"
contains "$T/walk" "Third link" "the walk reaches the last link"

curl -s "$SERVER/v1/records/$RID/reading?status=all" > "$T/list"
status_of() {
	jq -r --arg k "$1" '.entries[] | select(.key == $k) | .status' "$T/list"
}
same "$(status_of https://example.org/first)" ok "o said ok"
same "$(status_of https://example.org/second)" moved "m said moved"
same "$(jq -r '.entries[] | select(.key == "https://example.org/second") | .replacement' "$T/list")" \
    https://example.org/moved-here "with the replacement typed at the prompt"
same "$(status_of https://example.org/third)" unreviewed "s skipped the third"
expect 0 "the queue after the walk" "$GLOSS" review "$RID"
contains "$T/out" "example.org/third" "holds the skipped link"
lacks "$T/out" "example.org/first" "and not the reviewed ones"

# A link a check found moved (as links check --post signs it): "m" offers
# where it went, which Enter takes.
"$GLOSS" reading "$RID" --talk 4 --link https://example.org/fourth \
    -m "A fourth, since moved." > "$T/fourth" 2>/dev/null
me=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
printf '{"author":"%s","check":{"status":301},"created":"%s","replacement":"https://example.org/fourth-moved","subject":"%s","type":"link-review","url":"https://example.org/fourth","v":1,"verdict":"moved"}' \
    "$me" "$(now_utc)" "$(cat "$T/fourth")" > "$T/check.json"
sign_minisign "$T/check.json" "$XDG_CONFIG_HOME/gloss/gloss.key"
wire "$T/check.json" > "$T/check.body"
post_raw "$T/check.body"
same "$http" 201 "a check finds the fourth link moved"
tmux -S "$sock" new-session -d -x 200 -y 100 \
    "GLOSS_SERVER=$SERVER XDG_CONFIG_HOME=$XDG_CONFIG_HOME NO_COLOR=1 \
    '$GLOSS' -k '$T/rev.key' review $RID --talk 4; \
    tmux -S '$sock' wait-for -S walked; tmux -S '$sock' wait-for read"
tmux -S "$sock" send-keys m Enter
tmux -S "$sock" wait-for walked
tmux -S "$sock" capture-pane -p -S - > "$T/walk"
tmux -S "$sock" wait-for -S read
tmux -S "$sock" kill-server 2>/dev/null
contains "$T/walk" \
    "Replacement URL (empty for https://example.org/fourth-moved, - for none)" \
    "moved offers where the check found it went"
curl -s "$SERVER/v1/records/$RID/reading?status=all" > "$T/list"
same "$(status_of https://example.org/fourth)" moved "m said moved"
same "$(jq -r '.entries[] | select(.key == "https://example.org/fourth") | .replacement' "$T/list")" \
    https://example.org/fourth-moved "Enter took the check's replacement"
stop_daemon
done_testing
