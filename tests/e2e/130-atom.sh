#!/bin/sh
# Atom feeds (issue 6), end to end: annotations of every kind posted with
# the real client (hostile text, a link with '&' in its query, a reply, a
# revision, a retraction, a profile name) come out of
# GET /v1/records/{rid}/feed.atom as feeds a real XML parser reads and the
# RFC 4287 RELAX NG schema accepts, with the RFC's rules the schema cannot
# say checked by XPath; the text comes back exactly, ids survive a
# restart, the filters filter and bad filters get the JSON errors.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

if ! command -v xmllint >/dev/null 2>&1; then
	echo "1..0 # SKIP xmllint is not installed (libxml2-utils)"
	exit 77
fi

RNG=$top_srcdir/tests/data/atom.rng
ATOM=http://www.w3.org/2005/Atom
BASE=https://gloss.example/g
FEED=/v1/records/$RID/feed.atom
HOSTILE='<script>alert(1)</script> & "quotes" ]]>'

# el NAME: an XPath step to the Atom element NAME.
el() {
	printf "*[local-name()='%s' and namespace-uri()='%s']" "$1" "$ATOM"
}
F=/$(el feed)
E=$F/$(el entry)

# xp FILE EXPR: EXPR evaluated on FILE, as xmllint prints it.
xp() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}

# entry_of ID: the XPath of the entry of annotation ID.
entry_of() {
	printf "%s[%s='%s/annotations/%s/%s']" "$E" "$(el id)" "$BASE" \
	    "$RID" "$1"
}

# fetch QUERY FILE: GET the feed with QUERY into FILE; $http is the status
# and the content type.
fetch() {
	http=$(curl -s -o "$2" -w '%{http_code} %{content_type}' \
	    "$SERVER$FEED$1")
}

# valid FILE DESC: FILE is an Atom feed the schema and the RFC's rules
# (Schematron in the RFC, not in RELAX NG) accept.
valid() {
	if xmllint --noout --relaxng "$RNG" "$1" >"$T/out" 2>"$T/err"; then
		ok "$2: valid against the RFC 4287 schema"
	else
		not_ok "$2: valid against the RFC 4287 schema"
	fi
	same "$(xp "$1" "boolean($F/$(el author)) or
	    not($E[not($(el author))])")" true \
	    "$2: the feed or every entry has an author"
	same "$(xp "$1" "count($E[not($(el link)[@rel='alternate'] or
	    $(el link)[not(@rel)] or $(el content))])")" 0 \
	    "$2: every entry has content or an alternate link"
	same "$(xp "$1" "count($E[count($(el link)[@rel='alternate']) != 1])
	    + count($E/$(el content)[@type != 'text'])
	    + count($E[count($(el id)) != 1 or count($(el updated)) != 1
	    or count($(el title)) != 1])")" 0 \
	    "$2: one alternate link, id, updated, title; text content only"
	same "$(xp "$1" "count(//$(el id)[not(starts-with(., '$BASE/'))])")" \
	    0 "$2: every id is an absolute IRI under base_url"
}

# ids FILE: the entry ids of FILE, one a line, in order.
ids() {
	xp "$1" "$E/$(el id)" | sed 's/<[^>]*>/\n/g' | grep -v '^$'
}

make_keys
"$GLOSS" keygen -W -s "$T/bob.key" -p "$T/bob.pub" >/dev/null 2>&1
start_daemon "base_url = $BASE/"
import_record
fp=$(sed -n 's/^untrusted comment: minisign public key //p' \
    "$XDG_CONFIG_HOME/gloss/gloss.pub" | cut -c1-8)
me=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")

# --- Every kind, and what happens to annotations ---------------------

expect 0 "a profile name with markup in it" "$GLOSS" profile set \
    --name 'Ann <Example> & co'
expect 0 "a comment of hostile text at 01:09:29" "$GLOSS" comment "$RID" \
    --talk 5 --at 1:09:29 -m "$HOSTILE"
c1=$(cat "$T/out")
printf 'Tabs\there,\nnew lines,\n\n  indents & <b>bold</b>' > "$T/multi"
expect 0 "a comment with tabs, newlines and indents" "$GLOSS" comment \
    "$RID" --talk 2 -F "$T/multi"
c2=$(cat "$T/out")
expect 0 "a critique over a range" "$GLOSS" critique "$RID" \
    --at 1:10:00-1:12:00 -m "The data is never described."
k1=$(cat "$T/out")
expect 0 "a reading whose link has '&' in its query" "$GLOSS" reading \
    "$RID" --talk 3 --link 'https://example.org/paper?a=1&b=2' \
    --title 'A & B <2024>' -m "Read this first."
r1=$(cat "$T/out")
expect 0 "a comment on the whole record" "$GLOSS" comment "$RID" \
    -m "On the whole record."
w1=$(cat "$T/out")
expect 0 "a reply by another key" "$GLOSS" -k "$T/bob.key" reply "$c1" \
    -m "A reply."
re=$(cat "$T/out")
expect 0 "a comment to retract" "$GLOSS" comment "$RID" --talk 5 \
    -m "Retract me."
gone=$(cat "$T/out")
expect 0 "its retraction" "$GLOSS" retract "$gone"
tick
expect 0 "a revision of the critique" "$GLOSS" edit "$k1" \
    -m "The data is described in section 3."

# --- The whole record ------------------------------------------------

fetch "" "$T/all.xml"
same "$http" "200 application/atom+xml; charset=utf-8" \
    "the feed answers 200 as Atom"
if xmllint --noout "$T/all.xml" 2>"$T/err"; then
	ok "the feed is well-formed XML"
else
	not_ok "the feed is well-formed XML"
fi
valid "$T/all.xml" "the record's feed"
# The schema must be able to say no: the same feed, broken three ways.
sed '0,/<id>/{/<id>/d}' "$T/all.xml" > "$T/bad1.xml"
sed 's/<published>/<published>x/' "$T/all.xml" > "$T/bad2.xml"
sed 's/<category term="[a-z]*"/<category/' "$T/all.xml" > "$T/bad3.xml"
for bad in bad1 bad2 bad3; do
	cmp -s "$T/all.xml" "$T/$bad.xml" &&
	    not_ok "$bad differs from the feed"
	expect 3 "the schema refuses the feed as $bad breaks it" \
	    xmllint --noout --relaxng "$RNG" "$T/$bad.xml"
done
same "$(xp "$T/all.xml" "count($E)")" 6 \
    "six entries: the retracted annotation is not one"
lacks "$T/all.xml" "$gone" "the retracted annotation's id is absent"
lacks "$T/all.xml" "Retract me." "the retracted text is absent"
same "$(ids "$T/all.xml" | head -n 1)" "$BASE/annotations/$RID/$k1" \
    "the revised critique is first: entries are newest first by updated"
same "$(xp "$T/all.xml" "string($(entry_of "$k1")/$(el content))")" \
    "The data is described in section 3." \
    "the revision's text is the entry's content"
# XPath 1.0 compares numbers, so the dates lose their punctuation.
same "$(xp "$T/all.xml" "translate($(entry_of "$k1")/$(el updated),
    '-:TZ', '') > translate($(entry_of "$k1")/$(el published),
    '-:TZ', '')")" true "its updated is after its published"
same "$(xp "$T/all.xml" "string($F/$(el updated))")" \
    "$(xp "$T/all.xml" "string($(entry_of "$k1")/$(el updated))")" \
    "the feed's updated is its newest entry's"
same "$(xp "$T/all.xml" "string($(entry_of "$c1")/$(el content))")" \
    "$HOSTILE" "hostile text comes back exactly from the parser"
contains "$T/all.xml" \
    '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; ]]&gt;' \
    "and is escaped in the document"
lacks "$T/all.xml" "<script>" "no markup from users reaches the feed"
same "$(xp "$T/all.xml" "string($(entry_of "$c2")/$(el content))")" \
    "$(cat "$T/multi")" "tabs, newlines and indents come back exactly"
same "$(xp "$T/all.xml" "string($(entry_of "$c1")/$(el title))")" \
    "Comment at 01:09:29 — $(sed -n 's/^- 01:09:29 — [^:]*: //p' \
    "$RECORD")" "an entry's title says kind, time and talk"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$c1")/$(el link)[@rel='alternate']/@href)")" \
    "$BASE/v1/records/$RID#t=01:09:29" "its alternate link is time-coded"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$k1")/$(el link)[@rel='alternate']/@href)")" \
    "$BASE/v1/records/$RID#t=01:10:00,01:12:00" "a range links to both ends"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$c2")/$(el link)[@rel='alternate']/@href)")" \
    "$BASE/v1/records/$RID#t=00:10:30" "a whole talk links to its start"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$w1")/$(el link)[@rel='alternate']/@href)")" \
    "$BASE/v1/records/$RID" "the whole record links to the record"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$r1")/$(el link)[@rel='related']/@href)")" \
    "https://example.org/paper?a=1&b=2" \
    "a follow-up link is related, '&' intact"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$r1")/$(el link)[@rel='related']/@title)")" \
    "A & B <2024>" "with its title"
same "$(xp "$T/all.xml" "string($(entry_of "$r1")/$(el category)/@term)
    ") $(xp "$T/all.xml" "string($(entry_of "$k1")/$(el category)/@term)
    ")" "reading critique" "the category is the kind"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$c1")/$(el author)/$(el name))")" \
    "Ann <Example> & co ($fp)" \
    "the author is the profile name beside the fingerprint"
same "$(xp "$T/all.xml" \
    "string($(entry_of "$c1")/$(el author)/$(el uri))")" \
    "$BASE/v1/keys/$(printf %s "$me" | sed 's|+|%2B|g; s|/|%2F|g')" \
    "the author's URI holds the whole key"
same "$(xp "$T/all.xml" "string($(entry_of "$re")/*[local-name()=
    'in-reply-to' and namespace-uri()=
    'http://purl.org/syndication/thread/1.0']/@ref)")" \
    "$BASE/annotations/$RID/$c1" "a reply names its parent (RFC 4685)"
run curl -s -o /dev/null -w '%{http_code} %{content_type} %{size_download}' \
    -I "$SERVER$FEED"
same "$(cat "$T/out")" "200 application/atom+xml; charset=utf-8 0" \
    "HEAD answers like GET, without a body"

# --- Filters ---------------------------------------------------------

fetch "?talk=5" "$T/talk.xml"
same "$http" "200 application/atom+xml; charset=utf-8" "?talk=5 answers"
valid "$T/talk.xml" "talk 5's feed"
same "$(ids "$T/talk.xml" | sort | tr '\n' ' ')" "$(printf '%s\n' \
    "$BASE/annotations/$RID/$c1" "$BASE/annotations/$RID/$k1" \
    "$BASE/annotations/$RID/$re" | sort | tr '\n' ' ')" \
    "talk 5's feed holds its annotations and the reply placed there"
same "$(xp "$T/talk.xml" "string($F/$(el id))")" "$BASE$FEED?talk=5" \
    "its id names the talk"

fetch "?kind=critique&talk=05" "$T/crit.xml"
valid "$T/crit.xml" "talk 5's critiques"
same "$(ids "$T/crit.xml")" "$BASE/annotations/$RID/$k1" \
    "?kind=critique&talk=05 holds the critique alone"
same "$(xp "$T/crit.xml" "string($F/$(el id))")" \
    "$BASE$FEED?talk=5&kind=critique" \
    "its id has the filters in one order, as numbers"
same "$(xp "$T/crit.xml" "string($F/$(el link)[@rel='self']/@href)")" \
    "$BASE$FEED?talk=5&kind=critique" "its self link is its id"

fetch "?kind=reading" "$T/read.xml"
valid "$T/read.xml" "the reading feed"
same "$(ids "$T/read.xml")" "$BASE/annotations/$RID/$r1" \
    "?kind=reading holds the reading"

fetch "?talk=9" "$T/empty.xml"
valid "$T/empty.xml" "an empty feed"
same "$(xp "$T/empty.xml" "count($E) + count($F/$(el author))")" 1 \
    "an empty feed has no entry and the feed's author"

fetch "?limit=2" "$T/two.xml"
same "$(ids "$T/two.xml")" "$(ids "$T/all.xml" | head -n 2)" \
    "?limit=2 is the newest two"

# --- Errors ----------------------------------------------------------

ntalks=$(curl -s "$SERVER/v1/records/$RID" | jq '.talks | length')
for q in talk=0 "talk=$((ntalks + 1))" talk=x kind=bogus kind=reply \
    limit=0; do
	fetch "?$q" "$T/out"
	same "$http $(error_code)" \
	    "400 application/json; charset=utf-8 bad_query" \
	    "?$q is refused with a JSON 400"
done
http=$(curl -s -o "$T/out" -w '%{http_code} %{content_type}' \
    "$SERVER/v1/records/no-such-record/feed.atom")
same "$http $(error_code)" \
    "404 application/json; charset=utf-8 unknown_record" \
    "an unknown record gets a JSON 404"

# --- Stable ids ------------------------------------------------------

fetch "" "$T/again.xml"
same "$(ids "$T/again.xml")" "$(ids "$T/all.xml")" \
    "entry ids are the same on a second fetch"
stop_daemon
start_daemon "base_url = $BASE"
fetch "" "$T/restarted.xml"
same "$(ids "$T/restarted.xml")" "$(ids "$T/all.xml")" \
    "entry ids are the same after a restart on another port"
same "$(xp "$T/restarted.xml" "string($F/$(el id))")" "$BASE$FEED" \
    "and so is the feed's id"
cmp -s "$T/all.xml" "$T/restarted.xml"
same "$?" 0 "the whole feed is byte for byte the same"
stop_daemon

done_testing
