#!/bin/sh
# Listing: time-range overlap at its edges, talk/kind/author filters, and
# keyset paging that loses and repeats nothing.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon "page_max = 3"
import_record
post() {
	"$GLOSS" "$@" > "$T/id" 2>"$T/err" || not_ok "post $*"
	cat "$T/id"
}
a=$(post critique "$RID" --at 1:09:29 -m "A: at the start of talk 5")
b=$(post comment "$RID" --talk 4 -m "B: all of talk 4")
c=$(post comment "$RID" --at 1:10:00-1:12:00 -m "C: a range")
d=$(post comment "$RID" --at 1:12:00 -m "D: exactly at the end")
e=$(post comment "$RID" -m "E: the whole record")
f=$(post comment "$RID" --at 1:12:00.001 -m "F: just after")
g=$(GLOSS_KEY="$T/curator.key" post critique "$RID" --at 1:11:00 \
    -m "G: another author")
h=$(post comment "$RID" --at 0:01:00 -m "H: before the first talk")

ids() {
	grep -oE '"id": "[0-9a-f]{64}"' "$T/out" | cut -d'"' -f4 | tr '\n' ' '
}

expect 0 "list by range" "$GLOSS" list "$RID" --at 1:09:29-1:12:00 --json
same "$(ids)" "$a $c $g $d " \
    "the range holds A, C, G, D in time order, not B, E or F"
expect 0 "list at one moment" "$GLOSS" list "$RID" --at 1:09:28 --json
same "$(ids)" "$b " "1:09:28 lies in talk 4's span and nothing else"
expect 0 "list a talk" "$GLOSS" list "$RID" --talk 5 --json
same "$(ids)" "$a $c $g $d $f " "talk 5 holds everything timed inside it"
expect 0 "list a kind" "$GLOSS" list "$RID" --kind critique --json
same "$(ids)" "$a $g " "kind=critique"
expect 0 "list an author" "$GLOSS" list "$RID" \
    --author "$(tail -n 1 "$T/curator.pub")" --json
same "$(ids)" "$g " "author= the curator"
cfp=$(fingerprint "$T/curator.pub")
expect 0 "list by the 8 hex digits gloss prints beside a name" \
    "$GLOSS" list "$RID" --author "$cfp" --json
same "$(ids)" "$g " "they choose the curator's, over pages of three"
expect 0 "the same in lower case" "$GLOSS" list "$RID" \
    --author "$(echo "$cfp" | tr 'A-F' 'a-f')" --json
same "$(ids)" "$g " "and choose the same"
myfp=$(fingerprint "$XDG_CONFIG_HOME/gloss/gloss.pub")
expect 0 "a key id with --limit 2" "$GLOSS" list "$RID" --author "$myfp" \
    --limit 2 --json
same "$(ids)" "$e $h " "the first two of that key's, in timeline order"
expect 0 "a key id nobody has" "$GLOSS" list "$RID" \
    --author 0000000000000000
same "$(cat "$T/err")" "gloss: no annotations match" "matches nothing"
expect 2 "seven hex digits are not a key id" "$GLOSS" list "$RID" \
    --author "$(echo "$cfp" | cut -c1-7)"
contains "$T/err" "--author needs a whole public key (RW..., 56 characters) \
or its key id (8 to 16 hex digits)" "nor a key: refused before the server is asked"
expect 0 "list everything" "$GLOSS" list "$RID" --json
all=$(ids)
same "$(echo "$all" | wc -w)" 8 "all eight are listed, over pages of three"
same "$all" "$e $h $b $a $c $g $d $f " "in the order of their spans"
expect 0 "list before the first talk" "$GLOSS" list "$RID" --at 0:00:30-0:02:00 --json
same "$(ids)" "$h " "a time before the first talk is still timed"
expect 0 "list --limit 4" "$GLOSS" list "$RID" --limit 4 --json
same "$(ids)" "$e $h $b $a " "--limit 4 gives the first four"
expect 2 "--limit 0 is refused" "$GLOSS" list "$RID" --limit 0
expect 0 "list talk-relative" "$GLOSS" list "$RID" --talk 5 --at +0:00-+0:20 \
    --json
same "$(ids)" "$a " "+0:00-+0:20 in talk 5 is 01:09:29-01:09:49"

expect 0 "the people's timeline" "$GLOSS" list "$RID" --at 1:09:29-1:12:00
contains "$T/out" "Talk 5  01:09:29-02:57:59  Yuan-Hong Liao" \
    "annotations are grouped under their talk"
contains "$T/out" "01:10:00-01:12:00" "a range prints as a range"
contains "$T/out" "C: a range" "the text is shown"
lacks "$T/out" "$(printf '\033')" "no colour when stdout is not a terminal"

expect 2 "a bad --at is a usage error" "$GLOSS" list "$RID" --at 1:xx
expect 0 "--at the first moment of talk 5" "$GLOSS" list "$RID" --talk 5 \
    --at 1:09:29 --json
same "$(ids)" "$a " "is inside talk 5"
expect 2 "--at the first moment of talk 5, in talk 4" "$GLOSS" list "$RID" \
    --talk 4 --at 1:09:29
same "$(cat "$T/err")" \
    "gloss: --at 1:09:29 is outside talk 4, which starts at 01:01:00 and ends at 01:09:29" \
    "is outside talk 4, which ends there, and says so"
expect 2 "--at after the recording" "$GLOSS" list "$RID" --at 4:38:00-5:00:00
same "$(cat "$T/err")" \
    "gloss: --at 4:38:00-5:00:00 is outside the recording, which ends at 04:38:00" \
    "is outside the recording, and says so"
lacks "$T/out" "Talk" "and lists nothing"
expect 1 "an unknown talk is refused" "$GLOSS" list "$RID" --talk 10
contains "$T/err" "bad_query" "the refusal is bad_query"

# The search's limits are checked before the server is asked: it would
# refuse with a 400, exit 1, for what is a usage error.
words16="a b c d e f g h i j k l m n o p"
expect 0 "a search of 16 words is asked" "$GLOSS" search "$words16"
same "$(cat "$T/err")" "gloss: nothing matches" "and matches nothing"
expect 2 "a search of 17 words is refused" "$GLOSS" search "$words16 q"
contains "$T/err" "gloss: search: the query must hold 1 to 16 words, \
at most 256 bytes" "saying what a query must hold"
expect 2 "an empty search is refused" "$GLOSS" search ""
expect 2 "a search of blanks is refused" "$GLOSS" search "  	"
expect 2 "a search of 257 bytes is refused" "$GLOSS" \
    search "$(printf '%0257d' 0)"
cursor() {
	curl -s "$SERVER/v1/records/$RID/annotations?limit=3${1:+&after=$1}" |
	    sed -n 's/.*"next":"\([0-9.]*\)".*/\1/p'
}
next1=$(cursor)
next2=$(cursor "$next1")
[ -n "$next1" ] && [ -n "$next2" ] && [ "$next1" != "$next2" ] &&
    ok "full pages carry distinct next cursors" ||
    not_ok "full pages carry distinct next cursors" "$next1 / $next2"
last=$(curl -s "$SERVER/v1/records/$RID/annotations?after=$next2")
echo "$last" | grep -q '"next":null' && ok "the last page has next null" ||
    not_ok "the last page has next null" "$last"
http=$(curl -s -o /dev/null -w '%{http_code}' \
    "$SERVER/v1/records/$RID/annotations?limit=4")
same "$http" 400 "a page one over page_max is refused"
stop_daemon
done_testing
