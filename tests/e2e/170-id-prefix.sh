#!/bin/sh
# Ids by their first digits: every command that names a statement takes
# the first 4 or more hex digits of its id, as listings print them
# ("(reply to 3f2a1b9c0d12)"), and the server resolves them (GET
# /v1/ids/), in gloss export when no record has that name; a prefix that
# begins no id, or more than one, is refused, saying which.  2000
# annotations from bench/gen, loaded as the benchmark loads them, give
# prefixes that several ids share.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

RID=prefix-rec
N=2000

gen_volume "$RID" "$N"
start_daemon "curator = $(tail -n 1 "$T/gen.pub")" "page_max = 10000"
load_volume "$N"

curl -s "$SERVER/v1/records/$RID/annotations?limit=$N" |
    grep -o '"id":"[0-9a-f]\{64\}"' | cut -d'"' -f4 | sort >"$T/ids"
same "$(wc -l <"$T/ids" | tr -d ' ')" "$N" "their ids, sorted"
shared=$(cut -c1-4 "$T/ids" | uniq -d | head -n 1)
[ -n "$shared" ] && ok "some of them begin with the same four digits" ||
    not_ok "some of them begin with the same four digits"
one=$(grep "^$shared" "$T/ids" | head -n 1)
# The shortest prefix of $one that no other id begins with.
len=5
while [ "$(grep -c "^$(echo "$one" | cut -c1-$len)" "$T/ids")" -gt 1 ]; do
	len=$((len + 1))
done
u=$(echo "$one" | cut -c1-$len)
# Twelve digits no id begins with (one of $one's changed).
none=$(echo "$one" | cut -c1-11)$(echo "$one" | cut -c12 | tr 0-9a-f 1-9a-f0)
same "$(grep -c "^$none" "$T/ids")" 0 "a prefix no id begins with"

expect 0 "gloss show takes a prefix that only one id begins with" \
    "$GLOSS" show "$u"
contains "$T/out" "$one" "and shows that statement"
expect 0 "in upper case too" "$GLOSS" show "$(echo "$u" | tr a-f A-F)"
contains "$T/out" "$one" "the same statement"
expect 2 "a prefix several ids begin with is refused" "$GLOSS" show "$shared"
same "$(head -n 1 "$T/err")" "gloss: show: $shared begins more than one \
statement id; give more of its digits:" "saying so"
contains "$T/err" "  $one annotation by key " \
    "and listing them, with their types and keys"
text=$(curl -s "$SERVER/v1/statements/$one.json" | jq -r .text)
grep -F "  $one annotation by key " "$T/err" |
    LC_ALL=C grep -qF ": $(printf '%.30s' "$text")" &&
    ok "and the first words of each text" ||
    not_ok "and the first words of each text" "text: $text"
curl -s "$SERVER/v1/ids/$shared" > "$T/out"
same "$(jq '[.ids[] | .text | utf8bytelength] | max <= 64' "$T/out")" true \
    "GET /v1/ids/ gives at most 64 bytes of each text"
expect 1 "a prefix no id begins with is refused" "$GLOSS" show "$none"
same "$(cat "$T/err")" "gloss: show: no statement id begins with $none" \
    "saying so"
expect 2 "three digits are no prefix" "$GLOSS" thread abc
same "$(cat "$T/err")" "gloss: thread: \"abc\" is not a statement id: an \
id is 64 hex digits, or its first 4 or more, in either case" \
    "and it quotes them and says what is one"

# Signed statements name the whole id.
expect 0 "gloss endorse takes a prefix" "$GLOSS" endorse "$u"
expect 0 "gloss show of the endorsement" "$GLOSS" show "$(cat "$T/out")"
contains "$T/out" "subject  $one" "names what it endorses"
same "$(curl -s "$SERVER/v1/annotations/$one" |
    sed -n 's/.*"endorsements":\([0-9]*\).*/\1/p')" 1 \
    "the whole id was endorsed"
expect 0 "gloss reply takes a prefix" "$GLOSS" reply "$u" \
    -m "A reply by the first digits."
reply=$(cat "$T/out")
expect 0 "--reply-to takes a prefix" "$GLOSS" comment "$RID" \
    --reply-to "$u" -m "Another, by --reply-to."
expect 0 "gloss thread takes a prefix" "$GLOSS" thread "$u"
contains "$T/out" "A reply by the first digits." "the reply is in the thread"
contains "$T/out" "Another, by --reply-to." "and so is the other"
short=$(sed -n 's/.*(reply to \([0-9a-f]*\)).*/\1/p' "$T/out" | head -n 1)
same "$short" "$(echo "$one" | cut -c1-12)" \
    "a reply shows its parent's first twelve digits"
expect 0 "which gloss show takes back" "$GLOSS" show "$short"
contains "$T/out" "$one" "naming the parent"
expect 0 "gloss verify takes a prefix" "$GLOSS" verify \
    "$(echo "$reply" | cut -c1-16)"
contains "$T/out" "valid: annotation $reply" "and checks the whole statement"
expect 0 "gloss flag takes a prefix" "$GLOSS" flag "$u" --reason spam
contains_subject() {
	curl -s "$SERVER/v1/statements/$1.json" | grep -q "\"subject\":\"$2\"" &&
	    ok "$3" || not_ok "$3"
}
contains_subject "$(cat "$T/out")" "$one" "the flag names the whole id"
expect 0 "gloss unendorse takes a prefix" "$GLOSS" unendorse "$u"
contains_subject "$(cat "$T/out")" "$one" "the unendorse names the whole id"
r=$(echo "$reply" | cut -c1-10)
expect 0 "gloss edit takes a prefix" "$GLOSS" edit "$r" -m "Edited by prefix."
expect 0 "gloss show of the revision" "$GLOSS" show "$(cat "$T/out")"
contains "$T/out" "of       $reply" "names what it revises"
expect 0 "gloss history takes a prefix" "$GLOSS" history "$r"
contains "$T/out" "Edited by prefix." "and shows the revision"
expect 0 "gloss retract takes a prefix" "$GLOSS" retract "$r"
same "$(curl -s -o /dev/null -w '%{http_code}' \
    "$SERVER/v1/annotations/$reply")" 410 "the whole id was retracted (410)"

# gloss export's operand may be a record's id: a record's first, then the
# first digits of a statement's.
expect 0 "gloss export takes a prefix" "$GLOSS" export "$u" -o "$T/exp"
[ -f "$T/exp/$one.json" ] && ok "and writes that statement" ||
    not_ok "and writes that statement" "$(ls "$T/exp")"
expect 1 "gloss export of a prefix no id begins with is refused" \
    "$GLOSS" export "$none" -o "$T/exp-none"
same "$(cat "$T/err")" "gloss: export: no statement id begins with $none" \
    "saying so"
"$GLOSS" -k "$T/curator.key" record import --id "$u" "$RECORD" \
    >/dev/null 2>&1 || not_ok "a record named like the prefix"
expect 0 "a record of that name comes first" "$GLOSS" export "$u" \
    -o "$T/exp-rec"
contains "$T/out" "statements of $u" "its bundle is written"
stop_daemon
GLOSS_SERVER=$SERVER expect 2 "a prefix with the server gone is refused" \
    "$GLOSS" endorse "$u"
contains "$T/err" "$SERVER" "naming the server it could not reach"

# What gloss signs is the id the user began, whatever a server answers:
# a fake one (linkserv --ids) resolves every prefix to another id.
printf '{"prefix":"%s","ids":[{"id":"%s","seq":2,"type":"annotation"}],"more":false}' \
    "$u" "$(echo "$one" | tr 0-9a-f 1-9a-f0)" >"$T/ids.json"
"$top_builddir/tests/e2e/linkserv" -P "$T/fake.port" --ids "$T/ids.json" \
    2>"$T/fake.log" &
fake=$!
wait_for "$fake" "$T/fake.port" || { echo "Bail out! fake glossd"; exit 99; }
GLOSS_SERVER=http://127.0.0.1:$(cat "$T/fake.port") expect 2 \
    "an id that does not begin with the prefix is refused" \
    "$GLOSS" endorse "$u"
same "$(cat "$T/err")" "gloss: endorse: the server answered $u with no id \
that begins with it" "saying so"
lacks "$T/fake.log" "POST" "and nothing was signed and sent"
# The texts beside ambiguous ids reach the terminal safe, on one line each
# and cut after 40 bytes, a character left whole.
gen=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
printf '{"prefix":"%s","ids":[{"id":"%s","seq":2,"type":"annotation","author":"%s","text":"Line one\\nline\\ttwo \\u001b[31mred"},{"id":"%s","seq":3,"type":"revision","author":"%s","text":"%s\303\251 and more"}],"more":false}' \
    "$u" "$one" "$gen" "$(echo "$one" | cut -c1-63)x" "$gen" \
    "$(printf '%039d' 0)" >"$T/ids.json"
GLOSS_SERVER=http://127.0.0.1:$(cat "$T/fake.port") expect 2 \
    "a prefix two fake ids begin with is refused" "$GLOSS" show "$u"
fp=$(fingerprint "$XDG_CONFIG_HOME/gloss/gloss.pub")
same "$(tail -n 2 "$T/err")" "  $one annotation by key $fp: Line one line two \
?[31mred
  ? revision by key $fp: $(printf '%039d' 0)..." \
    "each text made safe, on one line, cut"
kill "$fake"
wait "$fake"
done_testing
