#!/bin/sh
# Export and import bundles (issue 6): gloss export RID -o DIR writes every
# statement about one record (the record, annotations, replies, revisions,
# retractions, endorsements, flags, link reviews, moderation decisions,
# locks, and the profiles of and decisions about the keys involved) with
# each author's .pub, verifiable with nothing but sha256sum and the stock
# minisign; gloss verify-bundle reports every failure of a tampered copy;
# gloss import loads it into another glossd, authorized by a curator key,
# keeping the original created times, and the listings come out the same.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys bob mod rev eve
ME=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
POLICY="moderation = first
moderator = $(key_of mod)
reviewer = $(key_of rev)"
start_daemon "moderation = first" "moderator = $(key_of mod)" \
    "reviewer = $(key_of rev)"
A=$SERVER
import_record
"$GLOSS" -k "$T/curator.key" record import --id other "$RECORD" >/dev/null 2>&1

# post DESC CMD...: a statement that must be accepted; its id in $id.
post() {
	desc=$1
	shift
	id=$("$@" 2>"$T/err")
	if [ $? -eq 0 ] && [ -n "$id" ]; then
		ok "$desc"
	else
		not_ok "$desc" "$*"
	fi
}
M="-k $T/mod.key"

post "a profile" "$GLOSS" profile set --name "Ada Lovelace"
post "a comment, pending" "$GLOSS" comment "$RID" --talk 5 --at +1:00 \
    -m "The alignment cost is understated."
c1=$id
post "approved" "$GLOSS" $M mod approve "$c1"
post "a reading" "$GLOSS" reading "$RID" --talk 5 \
    --link https://arxiv.org/abs/2304.08485 --title "LLaVA" -m "The paper."
r1=$id
post "a reply" "$GLOSS" -k "$T/bob.key" reply "$c1" -m "Agreed, see table 2."
reply=$id
post "approved" "$GLOSS" $M mod approve "$reply"
post "a revision" "$GLOSS" edit "$c1" -m "The alignment cost is understated by half."
post "a second comment" "$GLOSS" comment "$RID" --talk 3 -m "Withdrawn later."
gone=$id
post "its retraction" "$GLOSS" retract "$gone"
post "an endorsement" "$GLOSS" -k "$T/bob.key" endorse "$c1"
post "a link review" "$GLOSS" -k "$T/rev.key" review-link "$r1" \
    https://arxiv.org/abs/2304.08485 --verdict relevant
post "a flag" "$GLOSS" -k "$T/bob.key" flag "$r1" --reason other --note "Check the version."
post "a spammer's comment" "$GLOSS" -k "$T/eve.key" comment "$RID" -m "Buy now."
spam=$id
post "a ban" "$GLOSS" $M mod ban "$(key_of eve)" --reason spam
post "a lock on talk 7" "$GLOSS" $M mod lock "$RID" --talk 7
post "a comment on the other record" "$GLOSS" comment other -m "Elsewhere."
elsewhere=$id

# --- Export -------------------------------------------------------------
expect 0 "gloss export RID -o DIR" "$GLOSS" export "$RID" -o "$T/bundle"
contains "$T/out" "statements of $RID" "it says how many statements it wrote"
n=$(wc -l < "$T/bundle/STATEMENTS")
same "$(head -n 1 "$T/bundle/STATEMENTS" | cut -d' ' -f2)" record \
    "the record statement comes first"
for x in "$c1" "$r1" "$reply" "$gone" "$spam"; do
	grep -q "^$x " "$T/bundle/STATEMENTS" ||
	    not_ok "STATEMENTS lists $x"
done
ok "STATEMENTS lists every annotation of the record, retracted and banned ones too"
lacks "$T/bundle/STATEMENTS" "$elsewhere" "and nothing about another record"
for t in profile revision retraction endorse flag link-review moderation; do
	grep -q " $t " "$T/bundle/STATEMENTS" && ok "it holds a $t" ||
	    not_ok "it holds a $t"
done
same "$(grep -c ' moderation ' "$T/bundle/STATEMENTS")" 4 \
    "two approvals, the ban of an author and the lock"
same "$(ls "$T/bundle"/*.pub | wc -l)" 6 "one .pub per author"
same "$(($(wc -l < "$T/bundle/SHA256SUMS")))" "$((2 * n + 6 + 3))" \
    "SHA256SUMS lists every file"
(cd "$T/bundle" && sha256sum -c --quiet SHA256SUMS) >"$T/out" 2>&1 &&
    ok "sha256sum -c accepts it" || not_ok "sha256sum -c accepts it"
bad=0
while read -r sid type key; do
	minisign -Vm "$T/bundle/$sid.json" -p "$T/bundle/$key.pub" \
	    >"$T/out" 2>&1 || bad=$((bad + 1))
	grep -q "Trusted comment: gloss/1 id=$sid" "$T/out" || bad=$((bad + 1))
done < "$T/bundle/STATEMENTS"
same "$bad" 0 "the stock minisign verifies all $n statements with their trusted comments"
for sid in $(cut -d' ' -f1 "$T/bundle/STATEMENTS"); do
	[ "$(sha256sum "$T/bundle/$sid.json" | cut -d' ' -f1)" = "$sid" ] ||
	    bad=$((bad + 1))
done
same "$bad" 0 "each statement's id is the SHA-256 of its file"
expect 2 "gloss verify of a bundle's directory" "$GLOSS" verify "$T/bundle"
contains "$T/err" "is a directory: gloss verify-bundle checks a bundle" \
    "points to verify-bundle"
expect 0 "gloss verify-bundle" "$GLOSS" verify-bundle "$T/bundle"
contains "$T/out" "valid: $n statements" "and says how many"
expect 0 "gloss verify-bundle --json" "$GLOSS" verify-bundle --json "$T/bundle"
same "$(jq -c . "$T/out")" "{\"valid\":true,\"statements\":$n,\"problems\":0}" \
    "says it in JSON"
expect 2 "export into a directory that is not empty is refused" \
    "$GLOSS" export "$RID" -o "$T/bundle"
same "$(curl -s "$A/v1/records/$RID/bundle" | wc -l)" "$n" \
    "GET /v1/records/RID/bundle streams the same statements"
same "$(curl -s -o /dev/null -w '%{http_code}' "$A/v1/records/nope/bundle")" 404 \
    "an unknown record's bundle is 404"

# --- Tampering ----------------------------------------------------------
cp -R "$T/bundle" "$T/bad"
sed -i 's/understated\./overstated./' "$T/bad/$c1.json"
cp "$T/bad/$reply.json.minisig" "$T/bad/$r1.json.minisig"
gone=$(grep "^$reply " "$T/bad/STATEMENTS" | cut -d' ' -f3)
rm "$T/bad/$gone.pub"
# The record's author's key, replaced by a link out of the bundle.
rkey=$(head -n 1 "$T/bad/STATEMENTS" | cut -d' ' -f3)
rm "$T/bad/$rkey.pub"
ln -s /etc/hostname "$T/bad/$rkey.pub"
# A signature SHA256SUMS no longer vouches for.
sed -i "/  $reply.json.minisig\$/d" "$T/bad/SHA256SUMS"
(cd "$T/bad" && sha256sum -c --quiet SHA256SUMS) >/dev/null 2>&1 &&
    not_ok "sha256sum -c refuses the tampered copy" ||
    ok "sha256sum -c refuses the tampered copy"
expect 1 "gloss verify-bundle refuses it" "$GLOSS" verify-bundle "$T/bad"
contains "$T/err" "$c1.json: its SHA-256 is not the one SHA256SUMS gives" \
    "it names the changed statement"
contains "$T/err" "$r1.json.minisig: its SHA-256" "and the swapped signature"
contains "$T/err" "$gone.pub: No such file" "and the missing key"
contains "$T/err" "$rkey.pub: not a regular file" "and the key that is a link"
contains "$T/err" "$reply.json.minisig is not listed in SHA256SUMS" \
    "and the signature SHA256SUMS does not list"
grep -q "problems in $n statements" "$T/err" && ok "it counts every problem" ||
    not_ok "it counts every problem"
same "$(sed -n 's/.*: \([0-9]*\) problems in .*/\1/p' "$T/err")" \
    "$(grep -vc 'problems in' "$T/err")" \
    "every problem counted is reported, and once"
expect 1 "gloss verify-bundle --json of it" "$GLOSS" verify-bundle --json "$T/bad"
same "$(jq .valid "$T/out")" false "is not valid in JSON either"

# A key file SHA256SUMS vouches for that holds no key: each statement
# it signed says so.
cp -R "$T/bundle" "$T/junkkey"
jkey=$(head -n 1 "$T/junkkey/STATEMENTS" | cut -d' ' -f3)
echo "not a key" > "$T/junkkey/$jkey.pub"
(cd "$T/junkkey" && sed -i "/  $jkey.pub\$/d" SHA256SUMS &&
    sha256sum "$jkey.pub" >> SHA256SUMS)
signed=$(grep -c " $jkey\$" "$T/junkkey/STATEMENTS")
expect 1 "gloss verify-bundle refuses a key file with no key" \
    "$GLOSS" verify-bundle "$T/junkkey"
same "$(grep -c "$jkey.pub holds no public key" "$T/err")" "$signed" \
    "each statement it signed says its key file holds no key"

# --- Import into B --------------------------------------------------------
{
	echo "curator = $ME"
	echo "$POLICY"
} > "$T/b.conf"
start_second b
expect 1 "importing the tampered copy sends nothing" \
    "$GLOSS" -S "$B" import "$T/bad"
contains "$T/err" "nothing was sent" "and says so"
expect 1 "a key B does not list may not import" \
    "$GLOSS" -S "$B" -k "$T/bob.key" import "$T/bundle"
contains "$T/err" "403 not_importer" "403 not_importer"
same "$(SERVER=$B statements)" 0 "B is still empty"
expect 0 "gloss import by B's curator" "$GLOSS" -S "$B" import "$T/bundle"
contains "$T/err" "imported $n statements from $T/bundle, $n of them new here" \
    "every statement is new there"
same "$(SERVER=$B statements)" "$n" "B holds the bundle"
expect 0 "a second import changes nothing" "$GLOSS" -S "$B" import "$T/bundle"
contains "$T/err" "0 of them new here" "every statement is a repeat"
same "$(curl -s "$B/v1/statements/$c1" | jq -r .statement.created)" \
    "$(curl -s "$A/v1/statements/$c1" | jq -r .statement.created)" \
    "the original created time is kept"

# Every answer about the record, A's and B's, byte for byte but for the
# seq numbers: a position in each server's own log (A's also holds the
# other record).
noseq() {
	curl -s -w ' %{http_code}' "$1" | sed 's/"seq":[0-9]*,//g'
}
L=/v1/records/$RID/annotations
for path in "/v1/records/$RID" "$L" "$L?talk=5" "$L?talk=3" \
    "$L?kind=reading" "/v1/records/$RID/reading?status=all" \
    "/v1/annotations/$c1" "/v1/annotations/$c1/revisions" \
    "/v1/annotations/$c1/thread" "/v1/annotations/$gone" \
    "/v1/annotations/$spam" "/v1/annotations/$r1/moderation" \
    "/v1/annotations/$c1/moderation"; do
	a=$(noseq "$A$path")
	b=$(noseq "$B$path")
	same "$b" "$a" "B answers GET $path as A does"
done
expect 0 "B's bundle" "$GLOSS" -S "$B" export "$RID" -o "$T/bundle-b"
cmp -s "$T/bundle/STATEMENTS" "$T/bundle-b/STATEMENTS" &&
    ok "holds the same statements in the same order" ||
    not_ok "holds the same statements in the same order"
expect 1 "B keeps the lock" "$GLOSS" -S "$B" comment "$RID" --talk 7 -m "Late."
contains "$T/err" "locked" "talk 7 is closed there too"

stop_second b

# A curator vouches for records, not for decisions: into a glossd that
# does not list the bundle's moderator, the import stops at the first
# decision, and what came before it stays.
echo "curator = $ME" > "$T/c.conf"
start_second c
expect 1 "a curator's import meets the target's moderators" \
    "$GLOSS" -S "$B" import "$T/bundle"
contains "$T/err" "403 not_moderator" "403 not_moderator"
first_decision=$(grep -n ' moderation ' "$T/bundle/STATEMENTS" | head -n 1 | cut -d: -f1)
same "$(curl -s "$B/healthz" | jq .statements)" "$((first_decision - 1))" \
    "everything before the first decision was imported"
stop_second c
stop_daemon
done_testing
