#!/bin/sh
# The moderation reads come in pages (at most page_max items each): gloss
# mod queue, mod log and mine read every page, so a moderator sees the
# whole queue and log and an author all of its annotations, not the first
# page alone.  Here pages hold 5 items, and each list 12 or more.  The
# log names each decision's moderator.  A server whose pages do not move
# on is not read forever.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys mod
start_daemon "moderator = $(tail -n 1 "$T/mod.pub")" "moderation = all" \
    "page_max = 5"
import_record || { echo "Bail out! record import"; exit 99; }

n=0
while [ "$n" -lt 12 ]; do
	n=$((n + 1))
	"$GLOSS" comment "$RID" --talk 3 -m "Waiting comment number $n." \
	    >> "$T/ids" 2>"$T/err" || not_ok "comment $n" "$(cat "$T/err")"
done
same "$(wc -l < "$T/ids")" 12 "12 comments wait for review"
same "$(curl -s "$SERVER/v1/moderation/log" | jq '.decisions | length')" 0 \
    "the log is empty"

expect 0 "gloss mine" "$GLOSS" --json mine
same "$(jq '.annotations | length' "$T/out")" 12 \
    "mine reads all 12, three pages of 5"
same "$(jq -r '.annotations[].id' "$T/out" | sort)" "$(sort "$T/ids")" \
    "each of them once"
same "$(jq .next "$T/out")" null "and says there is nothing after"

expect 0 "gloss mod queue (not on a terminal: a listing)" \
    "$GLOSS" -k "$T/mod.key" mod queue </dev/null
same "$(grep -c '^      id ' "$T/out")" 12 "the queue lists all 12"

expect 0 "the moderator names itself" \
    "$GLOSS" -k "$T/mod.key" profile set --name "Maud Erator"
for id in $(sed -n 1,11p "$T/ids"); do
	"$GLOSS" -k "$T/mod.key" mod approve "$id" >/dev/null 2>"$T/err" ||
	    not_ok "approve $id" "$(cat "$T/err")"
done
expect 0 "gloss mod log" "$GLOSS" mod log
same "$(grep -c '^[0-9TZ:-]*  approve ' "$T/out")" 11 \
    "the log lists all 11 approvals"
same "$(grep -c "^    by Maud Erator ($(fingerprint "$T/mod.pub"))\$" "$T/out")" 11 \
    "each by the moderator's name beside its key"
expect 0 "gloss mod queue" "$GLOSS" -k "$T/mod.key" --json mod queue
same "$(jq -r '.queue[].annotation.id' "$T/out")" "$(sed -n 12p "$T/ids")" \
    "the queue holds the one left"
expect 0 "gloss list" "$GLOSS" list "$RID" --json
same "$(jq '.annotations | length' "$T/out")" 11 \
    "the listing reads the 11 approved ones over three pages"

# A server whose pages never move on (a fake glossd, linkserv, answers
# every page of the log with the same next) is not read forever.
curl -s "$SERVER/v1/moderation/log?limit=2" > "$T/page"
same "$(jq -r .next "$T/page" | grep -c '^[0-9][0-9]*$')" 1 \
    "a page of the log names the next"
"$top_builddir/tests/e2e/linkserv" -P "$T/fake.port" --modlog "$T/page" \
    2>"$T/fake.log" &
fake=$!
wait_for "$fake" "$T/fake.port" || { echo "Bail out! fake glossd"; exit 99; }
expect 2 "gloss mod log from a server that gives the same page again" \
    "$GLOSS" -S "http://127.0.0.1:$(cat "$T/fake.port")" mod log
contains "$T/err" "the server gave the same page again (after=" "says so"
same "$(grep -c ' /v1/moderation/log' "$T/fake.log")" 2 \
    "after asking for the first page and the one it names"
kill "$fake"
wait "$fake"

stop_daemon
done_testing
