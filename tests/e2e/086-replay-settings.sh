#!/bin/sh
# A log written while glossd's moderation setting changed (SIGHUP from
# none to first) replays with gloss import-log into a glossd with either
# setting, whole and in order: there an annotation may wait, or show, when
# it did not at the source, and what the source took about it (a reply,
# an endorsement, a link review, a moderator's decision) is stored all the
# same.  What waits or shows follows the receiving glossd's setting, and
# its own moderator decides what waits there.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys bob carol mod importer
MOD=$(tail -n 1 "$T/mod.pub")
IMPORTER=$(tail -n 1 "$T/importer.pub")
URL=https://arxiv.org/abs/2304.08485

# say DESC [-k WHO] CMD-ARGS...: gloss must accept it; its id in $id.
say() {
	d=$1
	shift
	expect 0 "A: $d" "$GLOSS" "$@"
	id=$(cat "$T/out")
}

# --- A: moderation none, then first -----------------------------------

start_daemon "moderator = $MOD" "moderation = none"
A=$SERVER
import_record || { echo "Bail out! record import"; exit 99; }
say "none: a new key's reading shows at once" -k "$T/bob.key" \
    reading "$RID" --talk 2 --link "$URL" -m "Read the LLaVA paper first."
bob=$id
say "an endorsement of it" endorse "$bob"
say "a reply to it" reply "$bob" -m "Agreed, and the appendix too."
reply=$id
say "a review of its link" review-link "$bob" "$URL" --verdict ok

write_conf "moderator = $MOD" "moderation = first"
reload "SIGHUP: reloaded" && ok "A: SIGHUP to moderation = first" ||
    not_ok "A: SIGHUP to moderation = first"
say "first: a new key's comment waits" -k "$T/carol.key" \
    comment "$RID" --talk 3 -m "Which encoder did they freeze?"
carol=$id
same "$(curl -s -o /dev/null -w '%{http_code}' "$A/v1/annotations/$carol")" \
    404 "A: the public does not see it yet"
say "the moderator approves it" -k "$T/mod.key" mod approve "$carol"
say "the moderator hides it" -k "$T/mod.key" \
    mod hide "$carol" --reason "Checking a claim."
say "and restores it" -k "$T/mod.key" mod restore "$carol"

nA=$(statements)
curl -s "$A/v1/log?limit=500" | sed 's/"received":"[^"]*",//' > "$T/a.log"
same "$(wc -l < "$T/a.log")" "$nA" "A's log holds its $nA statements"

# replay NAME SETTING: a glossd NAME with moderation SETTING, A's log
# imported into it whole.
replay() {
	{
		echo "importer = $IMPORTER"
		echo "moderator = $MOD"
		echo "moderation = $2"
	} > "$T/$1.conf"
	start_second "$1"
	expect 0 "$1 (moderation $2): import-log of A's whole log" \
	    "$GLOSS" -S "$B" -k "$T/importer.key" import-log "$A"
	contains "$T/err" "$nA of them new here" "$1 takes every statement"
	curl -s "$B/v1/log?limit=500" | sed 's/"received":"[^"]*",//' \
	    > "$T/$1.log"
	cmp -s "$T/a.log" "$T/$1.log" &&
	    ok "$1's log is A's, in A's order" ||
	    not_ok "$1's log is A's, in A's order" \
		"$(diff "$T/a.log" "$T/$1.log" | head -4)"
}

# shows NAME ID DESC: the public GET of annotation ID on $B answers 200.
shows() {
	same "$(curl -s -o /dev/null -w '%{http_code}' \
	    "$B/v1/annotations/$2")" 200 "$1: $3"
}
waits() {
	same "$(curl -s -o /dev/null -w '%{http_code}' \
	    "$B/v1/annotations/$2")" 404 "$1: $3"
}

# --- B: moderation none ------------------------------------------------

replay b none
shows b "$carol" "the comment that waited at A shows, restored"
expect 0 "b: gloss list" "$GLOSS" -S "$B" list "$RID"
contains "$T/out" "1 reply  1 endorsement" \
    "b: the reading has its reply and its endorsement"
expect 1 "b: a live approval of the comment changes nothing" \
    "$GLOSS" -S "$B" -k "$T/mod.key" mod approve "$carol"
contains "$T/err" "409 no_change" "b: 409 no_change"
stop_second b

# --- C: moderation first -----------------------------------------------

replay c first
waits c "$bob" "the reading, shown at once at A, waits for c's moderator"
waits c "$reply" "so does the reply, by a key c has not seen approved"
shows c "$carol" "the comment A's moderator approved and restored shows"
expect 0 "c: its moderator approves the reading" \
    "$GLOSS" -S "$B" -k "$T/mod.key" mod approve "$bob"
shows c "$bob" "the reading shows"
expect 0 "c: gloss list" "$GLOSS" -S "$B" list "$RID"
contains "$T/out" "1 endorsement" "c: with the endorsement the log brought"
lacks "$T/out" "1 reply" "c: its reply still waits"
expect 0 "c: gloss reading" "$GLOSS" -S "$B" reading "$RID"
contains "$T/out" "$URL" "c: the reading list has the link"
stop_second c

stop_daemon
done_testing
