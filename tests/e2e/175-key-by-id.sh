#!/bin/sh
# Keys by a statement's id: listings and the queue show an author by the
# fingerprint of its key alone, so gloss whois and gloss mod ban, unban
# and trust also take the id of a statement, or its first digits, meaning
# the key that signed it, and say on stderr which key that is.  An
# annotation that waits for review, which only moderators may read, names
# its author too.  An id no statement has, a prefix that no id or more
# than one begins with, and an operand that is neither a key nor an id
# are refused, and no decision is signed.  2000 annotations from
# bench/gen give prefixes that several ids share.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

VOL=prefix-rec
N=2000

make_keys
named_keys mod ada bob
MOD=$(key_of mod)
ADA=$(key_of ada)
BOB=$(key_of bob)
ADAFP=$(fingerprint "$T/ada.pub")
BOBFP=$(fingerprint "$T/bob.pub")

gen_volume "$VOL" "$N"
start_daemon "curator = $(tail -n 1 "$T/gen.pub")" "page_max = 10000" \
    "moderator = $MOD" "record_moderation = $RID first"
load_volume "$N"
import_record || not_ok "import the record"

curl -s "$SERVER/v1/records/$VOL/annotations?limit=$N" |
    grep -o '"id":"[0-9a-f]\{64\}"' | cut -d'"' -f4 | sort >"$T/ids"
shared=$(cut -c1-4 "$T/ids" | uniq -d | head -n 1)
[ -n "$shared" ] && ok "some ids begin with the same four digits" ||
    not_ok "some ids begin with the same four digits"

# state KEY: the key's state as the server tells it (new, trusted, banned).
state() {
	"$GLOSS" whois --json "$1" 2>/dev/null | jq -r .state
}

# subject ID: the subject of decision ID.
subject() {
	curl -s "$SERVER/v1/statements/$1.json" | jq -r .subject
}

# unchanged DESC: the moderation log is as it was when $T/log0 was taken.
unchanged() {
	"$GLOSS" mod log >"$T/log1" 2>&1
	cmp -s "$T/log0" "$T/log1" && ok "$1" || not_ok "$1" "$(cat "$T/log1")"
}

expect 0 "ada names herself" "$GLOSS" -k "$T/ada.key" profile set \
    --name "Ada L."
profile=$(cat "$T/out")
expect 0 "ada comments; it waits for review" "$GLOSS" -k "$T/ada.key" \
    comment "$RID" --talk 2 -m "Ada's first."
a1=$(cat "$T/out")
expect 0 "so does bob" "$GLOSS" -k "$T/bob.key" comment "$RID" --talk 2 \
    -m "Bob's first."
b1=$(cat "$T/out")
same "$(curl -s -o /dev/null -w '%{http_code}' "$SERVER/v1/annotations/$a1")" \
    404 "the public cannot read ada's annotation"
a1short=$(echo "$a1" | cut -c1-12)

# gloss whois.
expect 0 "gloss whois takes an annotation's id" "$GLOSS" whois "$a1"
same "$(head -n 1 "$T/out")" "Ada L. ($ADAFP)" "and shows its author"
same "$(cat "$T/err")" \
    "gloss: looking up the author of $a1short: key $ADAFP (Ada L.)" \
    "saying on stderr which key that is"
expect 0 "gloss whois --json takes the first digits of one" \
    "$GLOSS" whois --json "$(echo "$b1" | cut -c1-10)"
same "$(jq -r .key "$T/out")" "$BOB" \
    "its standard output is JSON alone, about the author's whole key"
expect 0 "gloss whois still takes a key" "$GLOSS" whois "$ADA"
same "$(head -n 1 "$T/out")" "Ada L. ($ADAFP)" "the same key"
same "$(cat "$T/err")" "" "with nothing on stderr"

# What is refused signs nothing.
"$GLOSS" mod log >"$T/log0" 2>&1
before=$(statements)
# Twelve digits no id begins with (one of ada's changed), and a whole id.
nonep=$(echo "$a1" | cut -c1-11)$(echo "$a1" | cut -c12 | tr 0-9a-f 1-9a-f0)
none=$nonep$(echo "$a1" | cut -c13-)
expect 1 "gloss mod ban of an id no statement has is refused" \
    "$GLOSS" -k "$T/mod.key" mod ban "$none" --reason "Spam."
same "$(cat "$T/err")" "gloss: no statement has that id (404 not_found)" \
    "saying so"
expect 1 "and gloss whois of it" "$GLOSS" whois "$none"
expect 1 "gloss mod trust of a prefix no id begins with is refused" \
    "$GLOSS" -k "$T/mod.key" mod trust "$nonep"
same "$(cat "$T/err")" "gloss: mod: no statement id begins with $nonep" \
    "saying so"
expect 2 "gloss mod ban of a prefix several ids begin with is refused" \
    "$GLOSS" -k "$T/mod.key" mod ban "$shared" --reason "Spam."
same "$(head -n 1 "$T/err")" "gloss: mod: $shared begins more than one \
statement id; give more of its digits:" "saying so"
contains "$T/err" "  $(grep "^$shared" "$T/ids" | head -n 1) annotation by key" \
    "and listing them"
expect 2 "and gloss whois of it" "$GLOSS" whois "$shared"
expect 2 "gloss mod unban of a word neither a key nor an id is refused" \
    "$GLOSS" -k "$T/mod.key" mod unban xyz
same "$(cat "$T/err")" "gloss: mod: \"xyz\" is neither a public key (RW...) \
nor a statement id: an id is 64 hex digits, or its first 4 or more, in \
either case" "saying what each is"
for w in RWxyz "$(echo "$ADA" | cut -c1-55)"; do
	expect 2 "and of ${#w} characters that begin as a key does" \
	    "$GLOSS" -k "$T/mod.key" mod unban "$w"
	contains "$T/err" "is neither a public key" "saying so"
done
# A fingerprint, as listings print a key, is taken as an id's first
# digits, which none has here: the refusal says how to name the key.
expect 1 "gloss whois of a key's fingerprint is refused" \
    "$GLOSS" whois "$ADAFP"
contains "$T/err" "gloss: whois: no statement id begins with" "as no id's digits"
contains "$T/err" "if $ADAFP is a key's fingerprint, give the whole key \
(RW...) instead" "saying what to give instead"
contains "$T/err" "gloss list RID --author $ADAFP" "and how to find it"
expect 1 "and gloss mod ban of one" "$GLOSS" -k "$T/mod.key" mod ban \
    "$ADAFP" --reason "Spam."
contains "$T/err" "if $ADAFP is a key's fingerprint" "saying so too"
expect 2 "gloss mod ban of an id without --reason is refused" \
    "$GLOSS" -k "$T/mod.key" mod ban "$a1"
contains "$T/err" "ban needs a reason" "saying so"
lacks "$T/err" "banning" "before the id is looked up"
unchanged "the refusals signed no decision"
same "$(statements)" "$before" "and stored nothing"
same "$(state "$ADA"):$(state "$BOB")" "new:new" "both keys are as they were"

# Decisions by id: the key of the statement's author, and no other.
expect 0 "gloss mod ban takes ada's waiting annotation's id" \
    "$GLOSS" -k "$T/mod.key" mod ban "$a1" --reason "Spam."
same "$(cat "$T/err")" \
    "gloss: banning the author of $a1short: key $ADAFP (Ada L.)" \
    "saying on stderr whose key it bans"
same "$(subject "$(cat "$T/out")")" "$ADA" "the decision names ada's whole key"
same "$(state "$ADA"):$(state "$BOB")" "banned:new" "ada alone is banned"
expect 0 "gloss whois of her annotation" "$GLOSS" whois "$a1"
contains "$T/out" "  state       banned" "says in words that her key is banned"
expect 0 "gloss whois of bob's" "$GLOSS" whois "$b1"
contains "$T/out" "  state       new" "and that his is new"
expect 1 "ada's next comment is refused" "$GLOSS" -k "$T/ada.key" \
    comment "$RID" --talk 2 -m "Ada's second."
contains "$T/err" "403 key_banned" "her key is banned"
expect 0 "gloss mod unban --json takes the first digits of an id" \
    "$GLOSS" -k "$T/mod.key" mod unban "$(echo "$a1" | cut -c1-10)" --json
same "$(jq -r .id "$T/out" | grep -c '^[0-9a-f]\{64\}$')" 1 \
    "its standard output is JSON alone"
same "$(subject "$(jq -r .id "$T/out")")" "$ADA" "the unban names ada's key"
same "$(state "$ADA")" new "ada is no longer banned"
expect 0 "gloss mod trust takes the id of a profile" \
    "$GLOSS" -k "$T/mod.key" mod trust "$profile"
same "$(state "$ADA")" trusted "ada's key is trusted"
expect 0 "gloss whois of her profile" "$GLOSS" whois "$profile"
contains "$T/out" "  state       trusted" "says so in words"
expect 0 "so her next comment" "$GLOSS" -k "$T/ada.key" comment "$RID" \
    --talk 2 -m "Ada's second."
same "$(curl -s "$SERVER/v1/annotations/$(cat "$T/out")" | jq -r .status)" \
    visible "is visible at once"
expect 0 "gloss mod ban takes the first digits of bob's annotation" \
    "$GLOSS" -k "$T/mod.key" mod ban "$(echo "$b1" | cut -c1-10)" \
    --reason "Sock."
same "$(cat "$T/err")" "gloss: banning the author of $(echo "$b1" |
    cut -c1-12): key $BOBFP" "naming a key without a profile by its fingerprint"
same "$(subject "$(cat "$T/out")")" "$BOB" "the decision names bob's whole key"
same "$(state "$ADA"):$(state "$BOB")" "trusted:banned" "bob alone is banned"
expect 1 "bob's next comment is refused" "$GLOSS" -k "$T/bob.key" \
    comment "$RID" --talk 2 -m "Bob's second."
contains "$T/err" "403 key_banned" "his key is banned"
expect 0 "gloss mod log" "$GLOSS" mod log
same "$(grep -cF "  ban      $BOB" "$T/out")" 1 \
    "the moderation log has the ban of bob's key"
same "$(grep -cF "  ban      $BOB  (key $BOBFP)" "$T/out")" 1 \
    "naming it by the fingerprint listings show too"
same "$(grep -cF "  trust    $ADA  (key $ADAFP)" "$T/out")" 1 \
    "as it names a trusted key"

# The key is the statement's, whatever a server says of it: gloss takes
# it from the statement's own bytes, which must hash to the id and carry
# their author's signature, as gloss verify checks them.  A fake glossd
# (linkserv) answers for ada's annotation that bob signed it.
mkdir "$T/fake"
curl -s "$SERVER/v1/statements/$a1" | jq -c --arg k "$BOB" '.author = $k' \
    >"$T/fake/$a1"
curl -s "$SERVER/v1/statements/$a1.json" >"$T/fake/$a1.json"
curl -s "$SERVER/v1/statements/$a1.minisig" >"$T/fake/$a1.minisig"
printf '{"key":"%s","keyid":"?","statements":1,"annotations":0}\n' "$ADA" \
    >"$T/fake/key"
"$top_builddir/tests/e2e/linkserv" -P "$T/fake.port" \
    --statements "$T/fake" --keys "$T/fake/key" 2>"$T/fake.log" &
fake=$!
wait_for "$fake" "$T/fake.port" || { echo "Bail out! fake glossd"; exit 99; }
FAKE=http://127.0.0.1:$(cat "$T/fake.port")
expect 0 "gloss whois of ada's annotation where a server says bob wrote it" \
    "$GLOSS" -S "$FAKE" whois "$a1"
same "$(cat "$T/err")" "gloss: looking up the author of $a1short: key $ADAFP" \
    "names ada's key, the one the statement's bytes hold"
same "$(grep -c /v1/keys/ "$T/fake.log")" 1 \
    "asking the server about that key once, for the name and whois both"
# Bytes that say bob wrote it hash to another id.
jq -c --arg k "$BOB" '.author = $k' "$T/fake/$a1.json" | tr -d '\n' \
    >"$T/fake/forged"
mv "$T/fake/forged" "$T/fake/$a1.json"
asked=$(grep -c /v1/keys/ "$T/fake.log")
expect 1 "gloss mod ban of it, whose bytes the server forged, is refused" \
    "$GLOSS" -S "$FAKE" -k "$T/mod.key" mod ban "$a1" --reason "Spam."
contains "$T/err" "hash to" "saying the bytes are not that statement's"
lacks "$T/err" "banning" "before any key is named"
same "$(grep -c /v1/keys/ "$T/fake.log")" "$asked" "or asked about"
expect 1 "so is gloss whois of it" "$GLOSS" -S "$FAKE" whois "$a1"
kill "$fake"
wait "$fake"

stop_daemon
done_testing
