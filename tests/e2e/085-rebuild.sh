#!/bin/sh
# The views can be rebuilt from the log alone (issue 3): a glossd with a
# rich history is replayed with gloss import-log into an empty glossd
# whose only configuration is an importer key, and every read answer of
# the two (records, listings and their filters, annotations, revisions,
# threads, search, keys, the log itself) must be the same bytes.  Imports
# are exempt from the replay window, live posts are not; a key that is not
# an importer changes nothing; a second import changes nothing.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
me=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
named_keys bob importer
bob=$(key_of bob)
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
mkey=$(tail -n 1 "$T/m.pub")

# Daemon A accepts statements a week old, so its log can hold one that a
# glossd with the default window would refuse if it were posted live,
# and lists the importer key, so that it can hold what a live post may no
# longer bring (an author's endorsement and flag of its own annotation).
start_daemon "skew = 604800" "importer = $(tail -n 1 "$T/importer.pub")"
A=$SERVER

# post DESC CMD...: a statement that must be accepted; its id in $id.
post() {
	desc=$1
	shift
	expect 0 "A: $desc" "$@"
	id=$(cat "$T/out")
}

# --- A: a rich history through the client ------------------------------

post "the curator imports the record" "$GLOSS" -k "$T/curator.key" \
    record import "$RECORD"
post "the curator imports a copy" "$GLOSS" -k "$T/curator.key" \
    record import --id mllm.copy-2 "$RECORD"
post "a comment on the whole record" "$GLOSS" comment "$RID" \
    -m "The whole tutorial, on the wombat scale."
post "a comment on talk 2" "$GLOSS" comment "$RID" --talk 2 \
    -m "Clear overview of encoders."
talk2=$id
post "a critique at 01:09:29" "$GLOSS" critique "$RID" --at 1:09:29 \
    -m "Translation framing hides the alignment cost."
crit=$id
post "a reading over a talk-relative range with a titled link" \
    "$GLOSS" reading "$RID" --talk 5 --at +4:00-+5:30 \
    --link https://arxiv.org/abs/2304.08485 \
    --title "Visual Instruction Tuning" -m "The LLaVA paper."
reading=$id
post "a comment before the first talk" "$GLOSS" comment "$RID" \
    --at 0:01:00 -m "Before anyone speaks."
post "another key's critique over a range" "$GLOSS" -k "$T/bob.key" \
    critique "$RID" --at 1:10:00-1:12:00 -m "Bob doubts the benchmark."
bobcrit=$id
post "a comment on the copy" "$GLOSS" comment mllm.copy-2 --talk 3 \
    -m "The copy has a wombat too."
oncopy=$id
post "a reply" "$GLOSS" -k "$T/bob.key" reply "$crit" \
    -m "Depth one: which cost?"
d1=$id
post "a reply to the reply" "$GLOSS" reply "$d1" -m "Depth two: the data."
d2=$id
post "a reply three levels deep" "$GLOSS" -k "$T/bob.key" reply "$d2" \
    -m "Depth three: fair enough."
d3=$id
post "a second branch" "$GLOSS" -k "$T/curator.key" reply "$crit" \
    -m "Another branch."
post "a revision" "$GLOSS" edit "$talk2" -m "Clear overview of encoders, v2."
rev1=$id
tick
post "a revision that changes kind and links" "$GLOSS" edit "$talk2" \
    --kind reading --link https://example.org/clip --title "CLIP Paper" \
    -m "Encoders: read the platypus paper first."
post "a revision that moves the time" "$GLOSS" edit "$crit" \
    --at 1:09:40 -m "Translation framing hides the alignment cost (edited)."
post "a revision of a reply" "$GLOSS" edit "$d2" -m "Depth two: the data mix."
post "the author retracts a reply in the middle of the thread" \
    "$GLOSS" retract "$d2" --reason "Said better elsewhere."
post "the author retracts a top-level annotation" \
    "$GLOSS" -k "$T/bob.key" retract "$bobcrit"
expect 1 "A: a live endorsement of one's own annotation is refused" \
    "$GLOSS" endorse "$crit"
contains "$T/err" "endorse its own annotation (403 own_annotation)" \
    "the refusal is 403 own_annotation"
expect 1 "A: so is a live flag of one's own annotation" \
    "$GLOSS" flag "$crit" --reason other
contains "$T/err" "flag its own annotation (403 own_annotation)" \
    "the refusal is 403 own_annotation"
# own WHAT JSON: the user's own statement, by hand, posted to A by the
# importer key as an older log would bring it.
own() {
	printf '%s' "$2" > "$T/own.json"
	sign_minisign "$T/own.json" "$XDG_CONFIG_HOME/gloss/gloss.key"
	wire "$T/own.json" > "$T/own.body"
	target=/v1/statements?body=$(sha256sum "$T/own.body" | cut -d' ' -f1)
	http=$(curl -s -o "$T/out" -w '%{http_code}' -H \
	    'Content-Type: application/json' -H "Authorization: $(reqsig \
	    importer POST "$target" "$(date +%s)")" \
	    --data-binary @"$T/own.body" "$A$target")
	same "$http" 201 "A: an import brings $1 of the author's own"
}
own "an endorsement" "$(printf '{"author":"%s","created":"%s","subject":"%s","type":"endorse","v":1}' \
    "$me" "$(now_utc)" "$crit")"
own "a flag" "$(printf '{"author":"%s","created":"%s","reason":"other","subject":"%s","type":"flag","v":1}' \
    "$me" "$(now_utc)" "$crit")"
post "a second key's endorsement" "$GLOSS" -k "$T/bob.key" endorse "$crit"
post "an endorsement of the reading" "$GLOSS" -k "$T/bob.key" endorse "$reading"
post "and its withdrawal" "$GLOSS" -k "$T/bob.key" unendorse "$reading"
post "an endorsement to retract" "$GLOSS" -k "$T/curator.key" endorse "$crit"
post "retracting that endorsement" "$GLOSS" -k "$T/curator.key" retract "$id"
post "a profile" "$GLOSS" profile set --name "Ada Reviewer"
tick
post "a second profile for the same key" "$GLOSS" profile set \
    --name "Ada L." --url https://example.org/ada --about "Reads papers."
post "a profile for the other key" "$GLOSS" -k "$T/bob.key" profile set \
    --name "Bob"

# A statement dated five days ago, signed by the stock minisign.
old_created=$(date -u -d @$(($(date +%s) - 5 * 86400)) +%Y-%m-%dT%H:%M:%SZ)
printf '{"author":"%s","created":"%s","kind":"comment","record":"%s","talk":3,"text":"Written five days ago.","type":"annotation","v":1}' \
    "$mkey" "$old_created" "$RID" > "$T/old.json"
old=$(sha256sum "$T/old.json" | cut -d' ' -f1)
sign_minisign "$T/old.json" "$T/m.key"
wire "$T/old.json" > "$T/old.body"
post_raw "$T/old.body"
same "$http" 201 "A (skew of a week) accepts a statement five days old"

nA=$(statements)
curl -s "$A/v1/log?limit=500" > "$T/a.log"
same "$(wc -l < "$T/a.log")" "$nA" "A's log holds every statement"

# --- B: an empty glossd with an importer key ---------------------------

echo "importer = $(tail -n 1 "$T/importer.pub")" > "$T/b.conf"
start_second b
same "$(SERVER=$B statements)" 0 "B starts empty"

expect 1 "import-log with a key that is not an importer is refused" \
    "$GLOSS" -S "$B" -k "$T/bob.key" import-log "$A"
contains "$T/err" "403 not_importer" "the refusal is 403 not_importer"
expect 1 "so is A's curator key" \
    "$GLOSS" -S "$B" -k "$T/curator.key" import-log "$A"
contains "$T/err" "403 not_importer" "the refusal is 403 not_importer"
same "$(SERVER=$B statements)" 0 "B is unchanged"

http=$(curl -s -o "$T/out" -w '%{http_code}' -H \
    'Content-Type: application/json' -H \
    "Authorization: Gloss key=$(tail -n 1 "$T/importer.pub"), ts=$(date +%s), sig=AAAA" \
    --data-binary @"$T/old.body" "$B/v1/statements")
same "$http:$(error_code)" "401:bad_request_signature" \
    "a request signature that does not verify is 401 bad_request_signature"
SERVER=$B post_raw "$T/old.body"
same "$http:$(error_code)" "422:clock_skew" \
    "B refuses the five-day-old statement posted live: 422 clock_skew"
same "$(SERVER=$B statements)" 0 "B is still empty"

expect 0 "import-log by the importer key" \
    "$GLOSS" -S "$B" -k "$T/importer.key" import-log "$A"
contains "$T/err" "read $nA statements up to seq $nA, $nA of them new here" \
    "import-log says how many statements it replayed"
same "$(SERVER=$B statements)" "$nA" "B holds as many statements as A"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$B/v1/statements/$old.json")
same "$http" 200 "B holds the five-day-old statement the import brought"
cmp -s "$T/out" "$T/old.json" && ok "byte for byte" || not_ok "byte for byte"
SERVER=$B post_raw "$T/old.body"
same "$http" 200 "posted live now, it is a repeat (200), whatever its age"

# --- Every answer of A and B, compared byte for byte -------------------

# url_encode S: S with the characters a key or a query needs escaped.
url_encode() {
	printf '%s' "$1" | sed 's/%/%25/g; s/+/%2B/g; s/\//%2F/g; s/ /%20/g;
	    s/"/%22/g; s/(/%28/g; s/)/%29/g; s/\*/%2A/g; s/=/%3D/g'
}
annotations=$(grep '"type":"annotation"' "$T/a.log" |
    sed -n 's/^{"seq":[0-9]*,"id":"\([0-9a-f]\{64\}\)".*/\1/p')
same "$(echo "$annotations" | wc -w)" 12 "A's log holds 12 annotations"
retracted=" $d2 $bobcrit "
ame=$(url_encode "$me")
abob=$(url_encode "$bob")
next=$(curl -s "$A/v1/records/$RID/annotations?limit=3" |
    sed -n 's/.*"next":"\([0-9.]*\)".*/\1/p')

# The answers to compare: STATUS|PATH|WHAT.
paths() {
	L=/v1/records/$RID/annotations
	echo "200|/v1/records|the record list"
	echo "200|/v1/records/$RID|the record"
	echo "200|/v1/records/mllm.copy-2|the copy"
	echo "200|$L|every annotation"
	echo "200|/v1/records/mllm.copy-2/annotations|the copy's annotations"
	echo "200|$L?talk=5|talk=5"
	echo "200|$L?talk=2|talk=2"
	echo "200|$L?talk=3|talk=3"
	echo "200|$L?from=4169000&to=4499000|from/to"
	echo "200|$L?from=4180000|a point query"
	echo "200|$L?to=100000|to alone"
	echo "200|$L?kind=comment|kind=comment"
	echo "200|$L?kind=critique|kind=critique"
	echo "200|$L?kind=reading|kind=reading"
	echo "200|$L?author=$ame|author= the user"
	echo "200|$L?author=$abob|author= the second key"
	echo "200|$L?talk=5&kind=critique&author=$ame|talk, kind and author"
	echo "200|$L?limit=3|the first page of three"
	echo "200|$L?limit=3&after=$next|the second page"
	for a in $annotations; do
		case $retracted in
		*" $a "*) s=410 ;;
		*) s=200 ;;
		esac
		echo "$s|/v1/annotations/$a|annotation $(printf %.8s "$a")"
		echo "$s|/v1/annotations/$a/revisions|its revisions"
		echo "200|/v1/annotations/$a/thread|its thread"
	done
	echo "404|/v1/annotations/$rev1|a revision id is no annotation"
	for q in wombat platypus encoders "Depth" "alignment cost" "clip" \
	    "instruction" "plat*" "five days"; do
		echo "200|/v1/search?q=$(url_encode "$q")|search $q"
	done
	echo "200|/v1/search?q=wombat&record=$RID|search with record"
	echo "200|/v1/search?q=depth&kind=comment|search with kind"
	echo "200|/v1/search?q=depth&limit=1&after=1|search, second page"
}

# dump SERVER DIR: every answer of paths, body then status, into DIR/N;
# the log with "received" (the arrival time, not part of any statement)
# and "first_seen" (derived from it) removed.
dump() {
	mkdir -p "$2"
	n=0
	paths > "$T/paths"
	while IFS='|' read -r status path what; do
		n=$((n + 1))
		curl -s -w '\n%{http_code}\n' "$1$path" > "$2/$n"
	done < "$T/paths"
	curl -s "$1/v1/log?limit=500" |
	    sed 's/"received":"[^"]*",//' > "$2/log"
	for k in "$me" "$bob" "$mkey"; do
		curl -s -w '\n%{http_code}\n' "$1/v1/keys/$(url_encode "$k")" |
		    sed 's/"first_seen":"[^"]*",//'
	done > "$2/keys"
}
dump "$A" "$T/A"
dump "$B" "$T/B"

n=0
while IFS='|' read -r status path what; do
	n=$((n + 1))
	got=$(tail -n 1 "$T/A/$n")
	if [ "$got" != "$status" ]; then
		not_ok "$what: A answers $status" "A answered $got to $path"
	elif cmp -s "$T/A/$n" "$T/B/$n"; then
		ok "$what: B's answer is A's, byte for byte ($status)"
	else
		not_ok "$what: B's answer is A's, byte for byte ($status)" \
		    "GET $path" "$(diff "$T/A/$n" "$T/B/$n" | head -6)"
	fi
done < "$T/paths"
cmp -s "$T/A/log" "$T/B/log" &&
    ok "/v1/log, without received: B's is A's, byte for byte" ||
    not_ok "/v1/log, without received: B's is A's, byte for byte" \
	"$(diff "$T/A/log" "$T/B/log" | head -6)"
cmp -s "$T/A/keys" "$T/B/keys" &&
    ok "/v1/keys for three keys, without first_seen: the same" ||
    not_ok "/v1/keys for three keys, without first_seen: the same" \
	"$(diff "$T/A/keys" "$T/B/keys" | head -6)"

# The comparisons are not between two empty answers.
same "$(grep -o '"id":"[0-9a-f]*"' "$T/A/4" | wc -l)" 9 \
    "the full listing holds the 9 visible annotations of the record"
contains "$T/A/5" "$oncopy" "the copy's listing holds its comment"
contains "$T/A/keys" '"name":"Ada L."' "the keys answer holds the latest name"
contains "$T/A/log" "\"id\":\"$old\"" "the log holds the old statement"
expect 0 "gloss on B: list" "$GLOSS" -S "$B" list "$RID" --talk 5
contains "$T/out" "Translation framing hides the alignment cost (edited)." \
    "B shows the latest revision"
contains "$T/out" "(edited)  2 replies  2 endorsements" \
    "with its edit marker and counts"
contains "$T/out" "Ada L. (" "and the latest profile's name"
expect 0 "gloss on B: thread" "$GLOSS" -S "$B" thread "$d3"
contains "$T/out" "(retracted) $d2" "B keeps the retracted reply as a stub"
expect 0 "gloss on B: search" "$GLOSS" -S "$B" search platypus
contains "$T/out" "$talk2" "B finds the word of the revision that changed kind"
contains "$T/out" "reading" "and shows its new kind"

# --- A second import changes nothing -----------------------------------

expect 0 "import-log again" \
    "$GLOSS" -S "$B" -k "$T/importer.key" import-log "$A"
contains "$T/err" ", 0 of them new here" "the second import says none is new"
same "$(SERVER=$B statements)" "$nA" "B holds no more statements"
dump "$B" "$T/B2"
diff -r "$T/B" "$T/B2" > "$T/diff" && ok "every answer of B is unchanged" ||
    not_ok "every answer of B is unchanged" "$(head -6 "$T/diff")"
diff -r "$T/A" "$T/B2" > "$T/diff" && ok "and still A's, byte for byte" ||
    not_ok "and still A's, byte for byte" "$(head -6 "$T/diff")"

# --- The author takes back its own imported endorsement ----------------

expect 0 "on B the author unendorses its own annotation, live" \
    "$GLOSS" -S "$B" unendorse "$crit"
same "$(curl -s "$B/v1/annotations/$crit" |
    sed -n 's/.*"endorsements":\([0-9]*\).*/\1/p')" 1 \
    "only the other key's endorsement stands"

# --- B stops cleanly ---------------------------------------------------

stop_second b
stop_daemon
done_testing
