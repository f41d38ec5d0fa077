#!/bin/sh
# Conversations (issue 3), end to end through the real client: threads
# that print as trees, edit histories that read back in order and cannot
# be forged by another key, retractions that leave listings and search
# but stay in the log and still verify, endorsements counted once per key,
# profile names that always travel with a key fingerprint and cannot carry
# hostile text, and a search that takes any words without erroring.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon
import_record
me=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
"$GLOSS" keygen -W -s "$T/bob.key" -p "$T/bob.pub" >/dev/null 2>&1 ||
    not_ok "make a second key"
bob=$(tail -n 1 "$T/bob.pub")
"$GLOSS" keygen -W -s "$T/carol.key" -p "$T/carol.pub" >/dev/null 2>&1 ||
    not_ok "make a third key"
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
mkey=$(tail -n 1 "$T/m.pub")

myfp=$(fingerprint "$XDG_CONFIG_HOME/gloss/gloss.pub")
bobfp=$(fingerprint "$T/bob.pub")

# indent TEXT: the leading blanks of the first line of $T/out that is
# TEXT once they are stripped.
# indent TEXT: the blanks before TEXT's line in $T/out (before the bar
# of a text's line).
indent() {
	awk -v t="$1" '{ s = $0; sub(/^ +/, "", s); n = length($0) - length(s)
	    sub(/^\| /, "", s); if (s == t) { print n; exit } }' "$T/out"
}

# head_of TEXT: the header line (when, kind, who, counts) of the entry
# whose text line is TEXT in a top-level listing in $T/out.
head_of() {
	awk -v t="$1" '/^  [^ ]/ { h = $0 } { s = $0; sub(/^ +\| /, "", s)
	    if (s == t) { print h; exit } }' "$T/out"
}

# signed FILE JSON [KEY]: FILE holds JSON (canonical, written by hand),
# signed with the stock minisign; FILE.body is the POST body.
signed() {
	printf '%s' "$2" > "$1"
	sign_minisign "$1" "${3:-$XDG_CONFIG_HOME/gloss/gloss.key}"
	wire "$1" > "$1.body"
}

# --- Threads -----------------------------------------------------------

expect 0 "a critique in talk 5 at 01:09:29" "$GLOSS" critique "$RID" \
    --talk 5 --at 1:09:29 -m "Root: the alignment data is never described."
root=$(cat "$T/out")
expect 0 "a reply" "$GLOSS" reply "$root" -m "Depth one, first branch."
r1=$(cat "$T/out")
expect 0 "a reply by another key" "$GLOSS" -k "$T/bob.key" reply "$root" \
    -m "Depth one, second branch."
r2=$(cat "$T/out")
expect 0 "a reply to the reply" "$GLOSS" reply "$r1" -m "Depth two."
r11=$(cat "$T/out")
expect 0 "a reply three levels deep" "$GLOSS" -k "$T/bob.key" reply "$r11" \
    -m "Depth three."
r111=$(cat "$T/out")

expect 0 "gloss thread from the deepest reply" "$GLOSS" thread "$r111"
same "$(grep -oE '(Root:|Depth) .*' "$T/out" | tr '\n' '|')" \
    "Root: the alignment data is never described.|Depth one, first branch.|Depth two.|Depth three.|Depth one, second branch.|" \
    "the whole thread prints in tree order, not arrival order"
same "$(indent "Root: the alignment data is never described.") $(indent \
    "Depth one, first branch.") $(indent "Depth two.") $(indent \
    "Depth three.") $(indent "Depth one, second branch.")" "6 8 10 12 8" \
    "each level is indented two more than its parent"
contains "$T/out" "(reply to $(printf %.12s "$r11"))" \
    "a reply names what it answers"
contains "$T/out" "2 replies" "the root counts its two replies"

expect 0 "gloss thread --json" "$GLOSS" thread "$root" --json
contains "$T/out" "\"root\": \"$root\"" "the tree names its root"
contains "$T/out" '"annotations": 5' "the tree holds five annotations"
same "$(indent '"text": "Root: the alignment data is never described.",') $(
    indent '"text": "Depth one, first branch.",') $(indent \
    '"text": "Depth two.",') $(indent '"text": "Depth three.",') $(indent \
    '"text": "Depth one, second branch.",')" "4 8 12 16 8" \
    "--json nests each reply in its parent's thread"

expect 0 "list talk 5" "$GLOSS" list "$RID" --talk 5 --json
same "$(grep -oE '"id": "[0-9a-f]{64}"' "$T/out" | cut -d'"' -f4 |
    tr '\n' ' ')" "$root $r1 $r2 $r11 $r111 " \
    "replies inherit the parent's talk: all are in talk 5"
expect 0 "list at 01:09:29" "$GLOSS" list "$RID" --at 1:09:29 --json
same "$(grep -c '"id": ' "$T/out")" 5 \
    "replies inherit the parent's time: all are at 01:09:29"
expect 0 "list at 01:09:30" "$GLOSS" list "$RID" --at 1:09:30 --json
same "$(grep -c '"id": ' "$T/out")" 0 "and none is a moment later"
expect 0 "the people's timeline" "$GLOSS" list "$RID"
same "$(awk '/^(Talk [0-9]|Whole record)/ { h = $1 " " $2 }
    /Depth three\.$/ { print h }' "$T/out")" "Talk 5" \
    "the deepest reply is listed under its parent's talk"

before=$(statements)
expect 1 "gloss reply to an unknown id is refused" \
    "$GLOSS" reply "$(printf '%064d' 0)" -m "To nobody."
contains "$T/err" "no visible annotation has that id" "the refusal says why"
expect 1 "a reply_to naming an unknown id is refused by the daemon" \
    "$GLOSS" comment "$RID" --reply-to "$(printf '%064d' 1)" -m "To nobody."
contains "$T/err" "unknown_annotation" "the refusal is unknown_annotation"
same "$(statements)" "$before" "the refused replies stored nothing"

# --- Revisions ---------------------------------------------------------

expect 0 "a comment to revise" "$GLOSS" comment "$RID" --talk 5 \
    --at 1:20:00 -m "Version zero mentions zeppelin."
ann=$(cat "$T/out")
tick
expect 0 "the author edits it" "$GLOSS" edit "$ann" \
    -m "Version one mentions quokka."
rev1=$(cat "$T/out")
tick
expect 0 "and again" "$GLOSS" edit "$ann" -m "Version two mentions narwhal."
rev2=$(cat "$T/out")
tick
expect 0 "and again, moving it within its talk" "$GLOSS" edit "$ann" \
    --at 1:21:00 -m "Version three mentions axolotl."
rev3=$(cat "$T/out")

expect 0 "gloss history" "$GLOSS" history "$ann"
same "$(grep -oE '^(original|revision)' "$T/out" | tr '\n' ' ')" \
    "original revision revision revision " "the original, then three revisions"
same "$(grep -oE '[0-9a-f]{64}' "$T/out" | tr '\n' ' ')" \
    "$ann $rev1 $rev2 $rev3 " "the revisions read back in the order made"
same "$(grep -oE 'Version [a-z]+' "$T/out" | tr '\n' ' ')" \
    "Version zero Version one Version two Version three " \
    "every version's text is still readable"
same "$(sed -n 2,3p "$T/out")" "    comment  01:20:00
    | Version zero mentions zeppelin." \
    "the original says its kind and time, then its text behind a bar"
same "$(grep -A1 "$rev1" "$T/out" | sed -n 2p)" \
    "    | Version one mentions quokka." \
    "a revision of the text alone has no line of kind or place"
same "$(grep -A1 "$rev3" "$T/out" | sed -n 2p)" "    01:21:00" \
    "the revision that moves it says where to"
cp "$T/out" "$T/history.before"

# On a terminal, edit opens the current text in $EDITOR: saved unchanged,
# nothing is sent; changed, the new text goes out without its newline.
if command -v script >/dev/null 2>&1; then
	expect 0 "a comment to revise in the editor" "$GLOSS" comment "$RID" \
	    --talk 8 -m "Written at the prompt."
	ed=$(cat "$T/out")
	st=0
	EDITOR=true script -qec "'$GLOSS' edit $ed" /dev/null \
	    >"$T/tty" 2>&1 || st=$?
	same "$st" 1 "an edit saved unchanged exits 1"
	contains "$T/tty" "the text is unchanged; nothing was sent" \
	    "and says nothing was sent"
	printf '#!/bin/sh\nprintf "Rewritten in the editor.\\n" >"$1"\n' \
	    >"$T/editor"
	chmod +x "$T/editor"
	st=0
	EDITOR=$T/editor script -qec "'$GLOSS' edit $ed" /dev/null \
	    >"$T/tty" 2>&1 || st=$?
	same "$st" 0 "an edit changed in the editor is sent"
	curl -s "$SERVER/v1/annotations/$ed" >"$T/ann.json"
	same "$(jq -r .text "$T/ann.json")" "Rewritten in the editor." \
	    "the editor's text is the annotation's, without its newline"
	same "$(jq -r .revisions "$T/ann.json")" 1 \
	    "one revision, none for the unchanged save"
else
	for i in 1 2 3 4 5 6; do ok "# SKIP script(1) is not installed"; done
fi

expect 0 "list" "$GLOSS" list "$RID" --talk 5
contains "$T/out" "Version three mentions axolotl." \
    "the listing shows the latest text"
lacks "$T/out" "Version zero" "and not the original's"
case $(head_of "Version three mentions axolotl.") in
*"01:21:00"*"(edited)"*) ok "the entry is marked (edited) at its new time" ;;
*) not_ok "the entry is marked (edited) at its new time" \
    "$(head_of "Version three mentions axolotl.")" ;;
esac
case $(head_of "Root: the alignment data is never described.") in
*"(edited)"*) not_ok "an annotation never revised is not marked (edited)" ;;
*) ok "an annotation never revised is not marked (edited)" ;;
esac
"$GLOSS" list "$RID" --json > "$T/list.before" 2>/dev/null

before=$(statements)
expect 1 "a revision by another key is refused" \
    "$GLOSS" -k "$T/bob.key" edit "$ann" -m "Bob rewrites Ada's words."
contains "$T/err" "403 not_author" "the refusal is 403 not_author"
same "$(statements)" "$before" "the refused revision stored nothing"
"$GLOSS" history "$ann" > "$T/out" 2>/dev/null
cmp -s "$T/out" "$T/history.before" && ok "the history is unchanged" ||
    not_ok "the history is unchanged"
"$GLOSS" list "$RID" --json > "$T/out" 2>/dev/null
cmp -s "$T/out" "$T/list.before" && ok "the listing is unchanged" ||
    not_ok "the listing is unchanged"

expect 1 "gloss edit of a revision id is refused" \
    "$GLOSS" edit "$rev2" -m "Revising a revision."
contains "$T/err" "revision_of_revision" \
    "the client reports revision_of_revision"
expect 1 "gloss history of a revision id is refused" "$GLOSS" history "$rev2"
contains "$T/err" "it is a revision of " "saying whose revision it is"
signed "$T/rr.json" "$(printf '{"author":"%s","created":"%s","of":"%s","text":"Revising a revision.","type":"revision","v":1}' \
    "$me" "$(now_utc)" "$rev2")"
post_raw "$T/rr.json.body"
same "$http:$(error_code)" "422:revision_of_revision" \
    "the daemon refuses a revision of a revision: 422 revision_of_revision"
tick	# dated after the last revision, so these would be the current state
expect 1 "an edit moving --at outside the talk is refused" \
    "$GLOSS" edit "$ann" --at 0:30:00 -m "Moved out of talk 5."
contains "$T/err" "time_outside_talk" "the refusal is time_outside_talk"
expect 1 "an edit moving --at past the recording is refused" \
    "$GLOSS" edit "$ann" --at 5:00:00 -m "Moved off the end."
contains "$T/err" "time_outside_record" "the refusal is time_outside_record"
same "$(statements)" "$before" "the refused edits stored nothing"
"$GLOSS" history "$ann" > "$T/out" 2>/dev/null
cmp -s "$T/out" "$T/history.before" &&
    ok "the history is still unchanged" ||
    not_ok "the history is still unchanged"

expect 0 "a critique with a link" "$GLOSS" critique "$RID" --talk 5 \
    --link https://example.org/wrong -m "See the wrong paper."
linked=$(cat "$T/out")
tick
expect 0 "edited into a reading with two other links" "$GLOSS" edit "$linked" \
    --kind reading --link https://example.org/right --title "The Right One" \
    --link https://example.org/also </dev/null
tick
expect 1 "a reading cannot lose its links" \
    "$GLOSS" edit "$linked" --no-links </dev/null
contains "$T/err" "422 invalid_statement" "the refusal is 422 invalid_statement"
expect 0 "back to a critique" "$GLOSS" edit "$linked" --kind critique \
    </dev/null
tick
expect 0 "--no-links removes its links" \
    "$GLOSS" edit "$linked" --no-links -m "No paper after all."
same "$(curl -s "$SERVER/v1/annotations/$linked" | jq -c .links)" "[]" \
    "the annotation has no links left"
expect 2 "--no-links with --link is a usage error" "$GLOSS" edit "$linked" \
    --no-links --link https://example.org/x -m "Both."
contains "$T/err" "--no-links and --link cannot both be given" "and says so"
expect 2 "--no-links is for edit" "$GLOSS" comment "$RID" --no-links -m "x"
contains "$T/err" "--no-links is for gloss edit" "and says so"
expect 0 "gloss history of it" "$GLOSS" history "$linked"
same "$(grep -vE '^(original|revision) ' "$T/out")" \
"    critique  (whole talk 5)
    | See the wrong paper.
    -> https://example.org/wrong
    reading
    | See the wrong paper.
    -> https://example.org/right  \"The Right One\"
    -> https://example.org/also
    critique
    | See the wrong paper.
    | No paper after all.
    -> no links" "history shows what each version sets: kind, place, links"
# A revision that names a talk alone keeps the time (the talk holding it):
# history shows where that leaves the annotation, not the whole talk.
expect 0 "a comment at a moment of talk 5" "$GLOSS" comment "$RID" \
    --at 1:30:00 -m "At half past one."
timed=$(cat "$T/out")
tick
expect 0 "an edit naming its talk alone" "$GLOSS" edit "$timed" --talk 5 \
    </dev/null
tick
expect 0 "then its time alone" "$GLOSS" edit "$timed" --at 1:31:00 </dev/null
tick
before=$(statements)
expect 1 "then talk 5 again, which changes nothing, is refused" \
    "$GLOSS" edit "$timed" --talk 5 </dev/null
contains "$T/err" "the revision changes nothing" "the refusal says so"
contains "$T/err" "409 no_change" "and is 409 no_change"
expect 1 "so is the same text again with -m" \
    "$GLOSS" edit "$timed" -m "At half past one."
contains "$T/err" "409 no_change" "409 no_change too"
same "$(statements)" "$before" "neither was stored"
expect 0 "gloss history of it" "$GLOSS" history "$timed"
same "$(grep -vE '^(original|revision) |^    \| ' "$T/out")" \
"    comment  01:30:00
    01:30:00
    01:31:00" "a revision of the talk alone shows the time it keeps"
lacks "$T/out" "(whole talk 5)" "not the whole talk"
same "$(curl -s "$SERVER/v1/annotations/$timed" | jq -c .at)" \
    '{"start":5460000}' "the annotation is still at that time"

# --- Retractions -------------------------------------------------------

expect 0 "a comment to retract" "$GLOSS" comment "$RID" --talk 6 \
    -m "Withdrawn soon: pangolin."
gone=$(cat "$T/out")
expect 0 "it can be found before" "$GLOSS" search pangolin
contains "$T/out" "$gone" "search finds it before the retraction"
expect 0 "bob replies to it" "$GLOSS" -k "$T/bob.key" reply "$gone" \
    -m "A reply that outlives its parent."
before=$(statements)
expect 1 "another key cannot retract it" \
    "$GLOSS" -k "$T/bob.key" retract "$gone" --reason "Not yours."
contains "$T/err" "403 not_author" "the refusal is 403 not_author"
same "$(statements)" "$before" "the refused retraction stored nothing"
expect 0 "the author retracts it" "$GLOSS" retract "$gone" \
    --reason "I misheard the speaker."
retraction=$(cat "$T/out")
expect 0 "list" "$GLOSS" list "$RID"
lacks "$T/out" "pangolin" "the retracted annotation is gone from the listing"
lacks "$T/out" "$gone" "its id is gone from the listing"
expect 0 "search for its word" "$GLOSS" search pangolin
lacks "$T/out" "$gone" "it is gone from search"
contains "$T/err" "nothing matches" "search says nothing matches"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$SERVER/v1/annotations/$gone")
same "$http:$(error_code)" "410:retracted" "its GET answers 410 retracted"
contains "$T/out" "\"retraction\":{\"id\":\"$retraction\"" \
    "the 410 carries the retraction"
contains "$T/out" '"reason":"I misheard the speaker."' "with its reason"
expect 0 "gloss show of the retracted annotation" "$GLOSS" show "$gone"
contains "$T/out" "status   retracted: I misheard the speaker." \
    "says it is retracted, and why"
expect 0 "its thread is still there" "$GLOSS" thread "$gone"
contains "$T/out" "(retracted) $gone" "with it as a stub"
contains "$T/out" "A reply that outlives its parent." "and the reply under it"
lacks "$T/out" "pangolin" "but not its text"
expect 0 "the original still verifies" "$GLOSS" verify "$gone"
contains "$T/out" "valid: annotation $gone" "verify says valid"
expect 0 "the retraction verifies" "$GLOSS" verify "$retraction"
contains "$T/out" "valid: retraction $retraction" "verify says valid"
curl -s "$SERVER/v1/log?limit=500" > "$T/log"
contains "$T/log" "\"id\":\"$gone\"" "the log still holds the original"
contains "$T/log" "\"id\":\"$retraction\"" "and the retraction"
expect 1 "retracting twice is refused" "$GLOSS" retract "$gone"
contains "$T/err" "409 retracted" "the refusal is 409 retracted"
expect 1 "gloss reply to a retracted annotation is refused" \
    "$GLOSS" reply "$gone" -m "Too late."
contains "$T/err" "retracted" "the refusal says it was retracted"
expect 1 "a reply_to naming a retracted annotation is refused by the daemon" \
    "$GLOSS" comment "$RID" --reply-to "$gone" -m "Too late."
contains "$T/err" "422 reply_to_retracted" "the refusal is reply_to_retracted"
expect 1 "a revision cannot be retracted" "$GLOSS" retract "$rev1"
contains "$T/err" "422 not_retractable" "the refusal is not_retractable"
same "$(statements)" "$((before + 1))" "only the retraction was stored"

# --- Endorsements ------------------------------------------------------

endorsements() {
	"$GLOSS" list "$RID" --talk 5 > "$T/out" 2>/dev/null
	head_of "Root: the alignment data is never described." |
	    sed -n 's/.*  \([0-9]*\) endorsements*$/\1/p'
}
before=$(statements)
expect 1 "the author cannot endorse its own annotation" \
    "$GLOSS" endorse "$root"
same "$(cat "$T/err")" "gloss: a key may not endorse its own annotation \
(403 own_annotation)" "saying so: 403 own_annotation"
expect 1 "nor flag it" "$GLOSS" flag "$root" --reason other
contains "$T/err" "(403 own_annotation)" "the refusal is 403 own_annotation"
same "$(statements)" "$before" "the refused endorse and flag stored nothing"
expect 0 "another key endorses" "$GLOSS" -k "$T/carol.key" endorse "$root"
e1=$(cat "$T/out")
same "$(endorsements)" 1 "the listing counts one endorsement"
tick
expect 0 "endorse again from the same key" \
    "$GLOSS" -k "$T/carol.key" endorse "$root"
same "$(cat "$T/out")" "$e1" "the second endorse prints the first one's id"
same "$(statements)" "$((before + 1))" "only one endorse statement was stored"
same "$(endorsements)" 1 "the listing still counts one"
expect 0 "a second key endorses" "$GLOSS" -k "$T/bob.key" endorse "$root"
same "$(endorsements)" 2 "the listing counts two"
expect 0 "the second key unendorses" "$GLOSS" -k "$T/bob.key" unendorse "$root"
same "$(endorsements)" 1 "the listing counts one again"
before=$(statements)
tick	# the same command in the same second is the same statement (a 200)
expect 1 "unendorsing again is refused" \
    "$GLOSS" -k "$T/bob.key" unendorse "$root"
contains "$T/err" "409 not_endorsed" "the refusal is 409 not_endorsed"
same "$(statements)" "$before" "the refused unendorse stored nothing"
expect 1 "another key cannot retract the endorsement" \
    "$GLOSS" -k "$T/bob.key" retract "$e1"
contains "$T/err" "403 not_author" "the refusal is 403 not_author"
expect 0 "retracting the endorse statement" \
    "$GLOSS" -k "$T/carol.key" retract "$e1"
same "$(endorsements)" "" "removes the endorsement from the listing"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$SERVER/v1/annotations/$root")
contains "$T/out" '"endorsements":0' "the annotation counts none"
tick
expect 1 "retracting it again is refused" \
    "$GLOSS" -k "$T/carol.key" retract "$e1"
contains "$T/err" "409 not_endorsed" "the refusal is 409 not_endorsed"
expect 1 "an unknown annotation cannot be endorsed" \
    "$GLOSS" endorse "$(printf '%064d' 0)"
contains "$T/err" "unknown_annotation" "the refusal is unknown_annotation"
expect 1 "a retracted annotation cannot be endorsed" \
    "$GLOSS" -k "$T/carol.key" endorse "$gone"
contains "$T/err" "409 retracted" "the refusal is 409 retracted"

# --- Profiles ----------------------------------------------------------

expect 0 "list before any profile" "$GLOSS" list "$RID" --talk 5
contains "$T/out" "key $myfp" "an author without a profile is a fingerprint"
expect 0 "profile set --name" "$GLOSS" profile set --name "Ada Reviewer"
expect 0 "list" "$GLOSS" list "$RID" --talk 5
contains "$T/out" "Ada Reviewer ($myfp)" \
    "the listing shows the name beside the key fingerprint"
lacks "$T/out" "key $myfp" "no entry of that key is left without its name"
contains "$T/out" "key $bobfp" "another key's entries keep their fingerprint"
tick
expect 0 "a second profile" "$GLOSS" profile set --name "Ada L." \
    --url https://example.org/ada --about "Reads papers."
expect 0 "list" "$GLOSS" list "$RID" --talk 5
contains "$T/out" "Ada L. ($myfp)" "the latest profile's name is shown"
lacks "$T/out" "Ada Reviewer" "the earlier name is gone"
"$GLOSS" list "$RID" --author "$me" --json > "$T/mine" 2>/dev/null
mine=$(grep -c '"id": ' "$T/mine")
curl -s "$SERVER/v1/log?limit=500" > "$T/log"
signed_by_me=$(grep -cF "\"author\":\"$me\"" "$T/log")
expect 0 "gloss whois" "$GLOSS" whois "$me"
same "$(head -n 1 "$T/out")" "Ada L. ($myfp)" "whois names the key beside it"
contains "$T/out" "key id      $(sed -n \
    's/^untrusted comment: minisign public key //p' \
    "$XDG_CONFIG_HOME/gloss/gloss.pub")" "whois gives the whole key id"
contains "$T/out" "statements  $signed_by_me" \
    "whois counts every statement the key signed"
contains "$T/out" "annotations $mine" "whois counts its visible annotations"
contains "$T/out" "url         https://example.org/ada" "whois gives the url"
contains "$T/out" "about       Reads papers." "and the about text"
tick
expect 0 "an about text of two lines" "$GLOSS" profile set --name "Ada L." \
    --about "$(printf 'Reads papers.\n  statements  999')"
expect 0 "gloss whois" "$GLOSS" whois "$me"
contains "$T/out" "about       Reads papers." "whois gives its first line"
contains "$T/out" "    |   statements  999" \
    "and marks its second line as the about text's"
same "$(grep -c '^  statements  999' "$T/out")" 0 \
    "and cannot pass for whois's count of statements"
expect 0 "gloss show of the annotation edited three times" "$GLOSS" show "$ann"
contains "$T/out" "Version zero" "shows the statement it is, the first text"
contains "$T/out" "edited   3 times since: the text above is the first" \
    "and says it was edited since"
contains "$T/out" "gloss history ${ann%"${ann#????????????}"} shows each" \
    "and where the texts are"
same "$(grep -c "  Ada L. ($(fingerprint "$XDG_CONFIG_HOME/gloss/gloss.pub"))  " "$T/out")" 1 \
    "with its author's name beside the key id on its line, as list has it"
expect 0 "gloss show of one never edited" "$GLOSS" show "$gone"
lacks "$T/out" "edited" "says nothing of edits it did not have"
expect 0 "an edit of the time alone, nothing piped, keeps the text" \
    "$GLOSS" edit "$ann" --at 1:22:00 </dev/null
expect 0 "list" "$GLOSS" list "$RID" --talk 5
case $(head_of "Version three mentions axolotl.") in
*"01:22:00"*) ok "the text is kept, at the new time" ;;
*) not_ok "the text is kept, at the new time" "$(cat "$T/out")" ;;
esac
t5=$(curl -s "$SERVER/v1/records/$RID" | jq '.talks[4].start')
expect 0 "--at +T of an edit is in the annotation's own talk" \
    "$GLOSS" edit "$ann" --at +0:10 </dev/null
expect 0 "list --json" "$GLOSS" list "$RID" --talk 5 --json
same "$(jq --arg id "$ann" '.annotations[] | select(.id == $id) |
    .at.start' "$T/out")" "$((t5 + 10000))" "ten seconds into talk 5"
expect 1 "whois of a key that signed nothing" "$GLOSS" whois "$mkey"
contains "$T/err" "not_found" "the refusal is not_found"

# Hostile names: the client refuses them before signing (exit 2) ...
before=$(statements)
expect 2 "a name with ESC is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set --name "$(printf 'Ada\033[2J')"
expect 2 "a name with an RTL override is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set \
    --name "$(printf 'evil\342\200\256redaeR adA')"
expect 2 "a name of 65 characters is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set --name "$(printf '%065d' 7)"
expect 2 "an empty name is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set --name ""
lacks "$T/err" "member" "the refusal speaks of the name, not a member"
expect 2 "a name with a key id in parentheses is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set --name "Ann Example (6ae97d88)"
contains "$T/err" "a name may not hold a key id in parentheses" \
    "the client says why"
expect 2 "a name of invisible characters is refused by the client" \
    "$GLOSS" -k "$T/bob.key" profile set \
    --name "$(printf ' \343\200\200\302\255\342\200\213')"
contains "$T/err" "a name must show at least one character" \
    "the client says why"
same "$(statements)" "$before" "nothing was sent"
e64=$(printf 'é%.0s' $(seq 64))
expect 0 "a name of 64 characters (128 bytes) is accepted" \
    "$GLOSS" -k "$T/bob.key" profile set --name "$e64"
expect 0 "whois" "$GLOSS" whois "$bob"
same "$(head -n 1 "$T/out")" "$e64 ($bobfp)" "the 64-character name is shown"

# ... and the daemon refuses them when they are signed and sent raw.
now=$(now_utc)
profile() {
	printf '{"author":"%s","created":"%s","name":"%s","type":"profile","v":1}' \
	    "$mkey" "$now" "$1"
}
before=$(statements)
raw_name() {
	signed "$T/p$2.json" "$(profile "$1")" "$T/m.key"
	post_raw "$T/p$2.json.body"
	same "$http:$(error_code)" "422:invalid_statement" \
	    "the daemon refuses $3: 422 invalid_statement"
}
raw_name 'Ada\u001b[2J' 1 "a name with ESC"
raw_name "$(printf 'Ada\302\205')" 2 "a name with a C1 control (U+0085)"
raw_name "$(printf 'evil\342\200\256redaeR adA')" 3 "a name with an RTL override"
contains "$T/out" "change the direction of text" "the daemon says what it does"
raw_name "$(printf 'Ada\342\201\246x')" 4 "a name with an LRI isolate (U+2066)"
raw_name "$(printf '%065d' 7)" 5 "a name of 65 characters"
raw_name "$(printf 'é%.0s' $(seq 65))" 6 "a name of 65 two-byte characters"
raw_name "Ann Example (6AE97D88)" 8 "a name with a key id in parentheses"
contains "$T/out" "a name may not hold a key id in parentheses" \
    "the daemon says why"
raw_name "$(printf '\343\200\200\302\255')" 9 \
    "a name of an ideographic space and a soft hyphen"
contains "$T/out" "a name must show at least one character" \
    "the daemon says why"
same "$(statements)" "$before" "the refused profiles stored nothing"
signed "$T/p7.json" "$(profile "$e64")" "$T/m.key"
post_raw "$T/p7.json.body"
same "$http" 201 "the daemon accepts 64 two-byte characters"

# Text from others is shown with its control characters made harmless.
expect 0 "a comment holding an RTL override is accepted" \
    "$GLOSS" comment "$RID" --talk 7 -m "$(printf 'abc\342\200\256xyz')"
expect 0 "list talk 7" "$GLOSS" list "$RID" --talk 7
contains "$T/out" "abc?xyz" "the override is shown as ?"
lacks "$T/out" "$(printf '\342\200\256')" "and never written to the terminal"
expect 0 "list talk 7 --json" "$GLOSS" list "$RID" --talk 7 --json
contains "$T/out" 'abc\u202exyz' "--json writes the override as an escape"
lacks "$T/out" "$(printf '\342\200\256')" "not as the character"
expect 0 "jq reads the escape back" jq -e \
    --arg t "$(printf 'abc\342\200\256xyz')" \
    '[.annotations[] | select(.text == $t)] | length == 1' "$T/out"
expect 2 "a comment holding ESC is refused by the client" \
    "$GLOSS" comment "$RID" -m "$(printf 'a\033[2Jb')"

# --- Search ------------------------------------------------------------

expect 0 "search a word of the latest revision" "$GLOSS" search axolotl
contains "$T/out" "$ann" "it finds the revised annotation"
contains "$T/out" "match: Version three mentions [axolotl]" \
    "with a snippet marking the word"
for word in zeppelin quokka narwhal; do
	expect 0 "search a superseded word: $word" "$GLOSS" search "$word"
	lacks "$T/out" "$ann" "$word is not found any more"
done
expect 0 "the curator imports a copy of the record" \
    "$GLOSS" -k "$T/curator.key" record import --id mllm.copy-2 "$RECORD"
expect 0 "a critique on the copy" "$GLOSS" critique mllm.copy-2 \
    -m "The copy's axolotl critique."
copy=$(cat "$T/out")
expect 0 "a reading with a titled link" "$GLOSS" reading "$RID" --talk 8 \
    --link https://example.org/bench --title "Capybara Benchmarks" \
    -m "A benchmark list."
reading=$(cat "$T/out")
expect 0 "search across records" "$GLOSS" search axolotl
contains "$T/out" "$ann" "it finds the annotation on the record"
contains "$T/out" "$copy" "and the one on the copy"
expect 0 "search WORD RID" "$GLOSS" search axolotl "$RID"
contains "$T/out" "$ann" "RID keeps the record's annotation"
lacks "$T/out" "$copy" "and leaves out the copy's"
expect 1 "search WORD with a mistyped RID" "$GLOSS" search axolotl "${RID}x"
contains "$T/err" "gloss: there is no such record (404 unknown_record)" \
    "says there is no such record, not that nothing matches"
expect 0 "search --kind critique" "$GLOSS" search axolotl --kind critique
contains "$T/out" "$copy" "--kind critique keeps the critique"
lacks "$T/out" "$ann" "and leaves out the comment"
expect 0 "search a link title" "$GLOSS" search capybara
contains "$T/out" "$reading" "link titles are searched too"
lacks "$T/err" "more match" "a search that shows every match says no more"
# Only one page is printed: when more match, gloss says so.
expect 0 "search --limit 1 of a word two annotations hold" \
    "$GLOSS" search axolotl --limit 1
same "$(grep -c '^      id ' "$T/out")" 1 "prints one match"
same "$(cat "$T/err")" "gloss: more match than the 1 shown; --limit N shows \
the first N (the server's page_max at most)" "and says that more match"
expect 0 "search --limit 2 of it" "$GLOSS" search axolotl --limit 2
same "$(grep -c '^      id ' "$T/out")" 2 "prints both"
same "$(cat "$T/err")" "" "and says nothing more"
expect 0 "search --limit 1 --json" "$GLOSS" search axolotl --limit 1 --json
same "$(cat "$T/err")" "" "--json leaves the next to the JSON"
for q in '"a" OR b*' 'NEAR(' '-x' 'axolotl"' '*' '(' 'text:axolotl' '^'; do
	expect 0 "search $q never errors" "$GLOSS" search -- "$q"
	lacks "$T/err" "internal_error" "search $q: no server error"
	http=$(curl -s -o "$T/out" -w '%{http_code}' -G \
	    --data-urlencode "q=$q" "$SERVER/v1/search")
	same "$http" 200 "GET /v1/search?q=$q answers 200"
done

# --- Colour ------------------------------------------------------------

esc=$(printf '\033')
for cmd in "list $RID" "thread $root" "history $ann" "whois $me" \
    "search axolotl"; do
	# shellcheck disable=SC2086
	expect 0 "gloss $cmd to a pipe" "$GLOSS" $cmd
	lacks "$T/out" "$esc" "gloss $cmd: no escape sequence when not a tty"
done
if command -v script >/dev/null 2>&1; then
	script -qec "'$GLOSS' list '$RID'" /dev/null > "$T/tty" 2>&1
	contains "$T/tty" "${esc}[" "on a terminal the listing has colour"
	NO_COLOR=1 script -qec "'$GLOSS' list '$RID'" /dev/null > "$T/tty" 2>&1
	lacks "$T/tty" "$esc" "on a terminal with NO_COLOR it has none"
else
	echo "ok $((ntests += 1)) - # SKIP script(1) is not installed"
fi

stop_daemon
done_testing
