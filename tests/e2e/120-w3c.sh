#!/bin/sh
# W3C Web Annotation (issue 6), end to end: annotations of every kind,
# a reply, a revision, a retraction and moderation decisions, posted with
# the real client under moderation = first, are fetched as JSON-LD and
# validated by a real JSON Schema validator against the W3C annotation
# model's tests (web-platform-tests annotation-model/, draft-04, in
# tests/data/w3c); then the web-platform-tests annotation-protocol/server
# checks, ported to curl and jq, run against the same live glossd with
# more than one page: headers, HEAD, OPTIONS, Prefer, paging, ETags,
# content negotiation, CORS, and POST, signed and not.
real_home=${HOME:-/}
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

W3C=$top_srcdir/tests/data/w3c
NODE_DIR=$top_builddir/tests/w3c-node
LD='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
LDP=http://www.w3.org/ns/ldp#
OA=http://www.w3.org/ns/oa#

# --- The validator: Node with ajv, installed under the build tree --------

for tool in node npm jq minisign; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "Bail out! no $tool (scripts/deps installs it)"
		exit 99
	fi
done
if ! cmp -s "$top_srcdir/tests/w3c/package-lock.json" \
    "$NODE_DIR/package-lock.json" ||
    [ ! -d "$NODE_DIR/node_modules/ajv-draft-04" ]; then
	echo "# installing ajv, ajv-draft-04 and ajv-formats with npm ci" \
	    "into $NODE_DIR"
	mkdir -p "$NODE_DIR"
	cp "$top_srcdir/tests/w3c/package.json" \
	    "$top_srcdir/tests/w3c/package-lock.json" "$NODE_DIR/"
	# The user's npm configuration (registry, CA), not its cache.
	if ! npm_config_userconfig=${npm_config_userconfig:-$real_home/.npmrc} \
	    npm ci --prefix "$NODE_DIR" --cache "$T/npm-cache" \
	    --ignore-scripts --no-audit --no-fund >"$T/npm.log" 2>&1; then
		rm -f "$NODE_DIR/package-lock.json"
		echo "Bail out! npm ci failed: $(tail -n 3 "$T/npm.log")"
		exit 99
	fi
fi
export NODE_PATH="$NODE_DIR/node_modules"

# model FILE TEST DESC: the W3C model's TEST (annotations/annotationMusts,
# collections/pages/pageMusts) passes on the JSON in FILE.
model() {
	node "$W3C/run-model-tests.js" "$1" "$2.test" >"$T/model.out" 2>&1
	m_rc=$?
	if [ $m_rc -eq 0 ] && grep -q '^RESULT: all MUST' "$T/model.out"; then
		ok "$3"
	else
		not_ok "$3" "exit $m_rc" "$(grep -E -A3 \
		    '^ *(FAIL|ERROR)|usage' "$T/model.out" | head -n 12)"
	fi
}

# unmodel FILE TEST DESC: TEST fails on FILE (exit 1, a MUST failed).
unmodel() {
	node "$W3C/run-model-tests.js" "$1" "$2.test" >"$T/model.out" 2>&1
	m_rc=$?
	if [ $m_rc -eq 1 ] && grep -q '^RESULT: [1-9][0-9]* MUST' \
	    "$T/model.out"; then
		ok "$3"
	else
		not_ok "$3" "exit $m_rc, expected 1"
	fi
}

# --- Helpers -------------------------------------------------------------

# fetch URL [CURL ARGS...]: $http the status, $T/h the headers (no CR),
# $T/b the body.
fetch() {
	f_url=$1
	shift
	: > "$T/b"
	http=$(curl -s -D "$T/h.raw" -o "$T/b" -w '%{http_code}' "$@" \
	    "$f_url")
	tr -d '\r' < "$T/h.raw" > "$T/h"
}

# hdr NAME: the value of response header NAME in $T/h.
hdr() {
	sed -n "s/^$1: //p" "$T/h" | head -n 1
}

# bodyless REQUEST-LINE [HEADER]: what the server sends after the headers
# of its answer to that request (HTTP/1.0, so it closes), in bytes.
bodyless() {
	{
		printf '%s HTTP/1.0\r\n' "$1"
		[ -z "${2:-}" ] || printf '%s\r\n' "$2"
		printf '\r\n'
	} | "$RAWHTTP" "$PORT" > "$T/raw"
	if grep -q '^HTTP/1\.[01] [0-9]' "$T/raw"; then
		sed '1,/^\r$/d' "$T/raw" | wc -c | tr -d ' '
	else
		echo "no answer"
	fi
}

# jb FILTER: jq -r FILTER on the body.
jb() {
	jq -r "$1" "$T/b" 2>/dev/null
}

# matches TEXT PATTERN DESC: TEXT matches the grep -E PATTERN.
matches() {
	if printf '%s\n' "$1" | grep -qE -- "$2"; then
		ok "$3"
	else
		not_ok "$3" "'$1' does not match /$2/"
	fi
}

# say DESC GLOSS-ARGS...: the real client must accept it; its id in $id.
say() {
	s_desc=$1
	shift
	expect 0 "$s_desc" "$GLOSS" "$@"
	id=$(cat "$T/out")
}

# ld ID: GET /annotations/$RID/ID, which must be JSON-LD; DIR/ID.json.
ld() {
	fetch "$C$1"
	same "$http $(hdr Content-Type)" "200 $LD" \
	    "annotation ${1%"${1#????????}"}: 200 as JSON-LD"
	cp "$T/b" "$T/$1.json"
}

make_keys
named_keys mod newbie
ME=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
MOD=$(tail -n 1 "$T/mod.pub")
start_daemon "moderator = $MOD" "moderation = first"
import_record || not_ok "import the record"
C=$SERVER/annotations/$RID/
REC=$SERVER/v1/records/$RID

# === Annotations of every kind, as JSON-LD ===============================

say "the moderator trusts the main key" -k "$T/mod.key" mod trust "$ME"
trust=$id
say "a comment on a range of talk 5" comment "$RID" --talk 5 \
    --at 1:09:29.5-1:12:00 -m "Where the method is explained."
comment=$id
say "a critique at a moment" critique "$RID" --at 2:00:00 \
    -m "This claim needs a citation."
critique=$id
say "a reading on the whole record" reading "$RID" \
    --link https://arxiv.org/abs/2306.13549 --title "A Survey on MLLMs" \
    -m "The survey the tutorial follows."
reading=$id
say "a comment on talk 2" comment "$RID" --talk 2 -m "Before the edit."
edited=$id
say "a reply" reply "$comment" -m "Agreed, see the slides."
reply=$id
say "a reply at a moment of its own" post "$RID" --kind comment \
    --reply-to "$comment" --at 1:10:30 -m "The slide at 1:10:30 differs."
replyat=$id
say "a comment to withdraw" comment "$RID" -m "I take this back."
gone=$id
say "a comment to hide" comment "$RID" --talk 3 -m "Off topic."
hidden=$id
say "a new key's first post waits" -k "$T/newbie.key" comment "$RID" \
    --talk 4 -m "A newcomer's note."
newbie=$id
tick	# the revision is dated after the original
say "the author edits the talk 2 comment" edit "$edited" \
    -m "After the edit."
say "the author retracts one" retract "$gone"

fetch "$C$newbie"
same "$http" 404 "pending: 404 while it waits"
same "$(jb .error.code)" not_found "with the not_found error"
say "the moderator approves the new key's post" -k "$T/mod.key" \
    mod approve "$newbie"
approve=$id
say "the moderator hides one" -k "$T/mod.key" mod hide "$hidden" \
    --reason "not about this talk"
hide=$id

ld "$comment"
same "$(jb '.motivation + " " + .target.type + " " + .target.source')" \
    "commenting SpecificResource $REC" \
    "comment: commenting, a SpecificResource of the recording"
same "$(jb '.target.selector.type + " " + .target.selector.conformsTo')" \
    "FragmentSelector http://www.w3.org/TR/media-frags/" \
    "with a Media Fragments FragmentSelector"
same "$(jb .target.selector.value)" "t=npt:4169.5,4320" \
    "whose value is the range in seconds, decimals kept"
same "$(jb .target.scope)" "$REC/talks/5" "scoped to its talk"
same "$(jb '.body[0] | .type + " " + .format + " " + .value')" \
    "TextualBody text/plain Where the method is explained." \
    "its text is a plain TextualBody"
same "$(jb '.creator.type + " " + .creator.key')" "Person $ME" \
    "its creator is a Person with the minisign key"
same "$(jb .creator.id)" "$SERVER/v1/keys/$(printf %s "$ME" |
    sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')" "the creator's IRI is its key's"
same "$(jb '.gloss.statement + " " + .gloss.key')" "$comment $ME" \
    "the gloss member names the statement and the key"
model "$T/$comment.json" annotations/annotationMusts \
    "comment: the W3C annotation model's MUSTs pass"

# The gloss member verifies with the stock minisign, from what it gives.
curl -s -o "$T/$comment.stmt" "$(jb .gloss.json)"
jq -j .gloss.minisig "$T/b" > "$T/$comment.stmt.minisig"
expect 0 "minisign -Vm verifies the statement the gloss member points to" \
    minisign -Vm "$T/$comment.stmt" -P "$(jb .gloss.key)"
printf ' ' >> "$T/$comment.stmt"
expect 1 "and refuses it one byte longer" \
    minisign -Vm "$T/$comment.stmt" -P "$(jb .gloss.key)"

ld "$critique"
same "$(jb '.motivation + " " + .target.selector.value')" \
    "assessing t=npt:7200" "critique: assessing, a moment without an end"
model "$T/$critique.json" annotations/annotationMusts \
    "critique: the W3C annotation model's MUSTs pass"

ld "$reading"
same "$(jb '.motivation + " " + .target')" "linking $REC" \
    "reading: linking, the whole record"
same "$(jb '.body[1] | .id + " " + .type + " " + .label')" \
    "https://arxiv.org/abs/2306.13549 Text A Survey on MLLMs" \
    "its link is an external body, with its title as label"
model "$T/$reading.json" annotations/annotationMusts \
    "reading: the W3C annotation model's MUSTs pass"

ld "$edited"
same "$(jb '.target + " " + .body[0].value')" \
    "$REC/talks/2 After the edit." "revised: the talk, the new text"
created=$(jb .created)
modified=$(jb .modified)
matches "$modified" '^20[0-9-]+T[0-9:]+Z$' "modified is set"
if [ "$modified" \> "$created" ]; then
	ok "and later than created"
else
	not_ok "and later than created" "created $created, modified $modified"
fi
same "$(jb .gloss.revisions)" "$SERVER/v1/annotations/$edited/revisions" \
    "the gloss member says where the signed revisions are"
model "$T/$edited.json" annotations/annotationMusts \
    "revised: the W3C annotation model's MUSTs pass"

ld "$reply"
same "$(jb '.motivation + " " + .target + " " + .body[0].purpose')" \
    "replying $C$comment commenting" \
    "reply: replying, its target the parent's IRI"
model "$T/$reply.json" annotations/annotationMusts \
    "reply: the W3C annotation model's MUSTs pass"

ld "$replyat"
same "$(jb '.target[0] + " " + .target[1].selector.value + " " + .target[1].scope')" \
    "$C$comment t=npt:4230 $REC/talks/5" \
    "a reply at its own moment targets its parent and that moment"
model "$T/$replyat.json" annotations/annotationMusts \
    "reply at a moment: the W3C annotation model's MUSTs pass"

ld "$newbie"
same "$(jb .gloss.status)" visible "approved: visible now"
model "$T/$newbie.json" annotations/annotationMusts \
    "approved: the W3C annotation model's MUSTs pass"

for d in approve hide; do
	eval "did=\$$d"
	ld "$did"
	same "$(jb .motivation)" moderating "$d decision: moderating"
	model "$T/$did.json" annotations/annotationMusts \
	    "$d decision: the W3C annotation model's MUSTs pass"
done
same "$(jb '.target + " " + .body[0].value + " " + .creator.key')" \
    "$C$hidden hide: not about this talk $MOD" \
    "it targets the hidden annotation, says why, and is the moderator's"

fetch "$C$gone"
same "$http $(jb .error.code)" "410 retracted" "retracted: 410 retracted"
fetch "$C$hidden"
same "$http" 404 "hidden: 404"
fetch "$C$trust"
same "$http" 404 "a decision on a key is not an annotation: 404"
fetch "${SERVER}/annotations/mllm-elsewhere/$comment"
same "$http" 404 "under another record's IRI: 404"

# The validator can fail: a document without a target, a page that is not.
jq 'del(.target)' "$T/$comment.json" > "$T/broken.json"
unmodel "$T/broken.json" annotations/annotationMusts \
    "the model tests refuse an annotation without a target"
jq '.created = "yesterday"' "$T/$comment.json" > "$T/broken.json"
unmodel "$T/broken.json" annotations/annotationMusts \
    "the model tests refuse a created that is not a date-time"
unmodel "$T/$comment.json" collections/pages/pageMusts \
    "the page tests refuse an annotation"

# === The protocol (web-platform-tests annotation-protocol/server) =======

for n in 1 2 3 4 5; do
	"$GLOSS" comment "$RID" --talk 6 -m "Filler $n for the pages." \
	    >/dev/null 2>&1 || not_ok "filler $n"
done
total=$(curl -s "$REC" | jq .annotations)
curl -s "$REC/annotations?limit=500" | jq -r '.annotations[].id' \
    > "$T/listing"
same "$(wc -l < "$T/listing" | tr -d ' ')" "$total" \
    "the listing holds the record's $total visible annotations"

# --- Containers: GET, HEAD, OPTIONS ---

fetch "$C"
same "$http" 200 "container: GET 200"
matches "$(jb .id)" "^${C}[?]" "container: its IRI ends in /, then the query"
for m in GET HEAD OPTIONS POST; do
	matches "$(hdr Allow)" "(^|, )$m(,|$)" "container: Allow has $m"
done
same "$(hdr Content-Type)" "$LD" "container: JSON-LD with the profile"
same "$(jb '.type | index("BasicContainer") != null and
    index("AnnotationCollection") != null')" true \
    "container: a BasicContainer and an AnnotationCollection"
matches "$(hdr Link)" "<${LDP}BasicContainer>; *rel=\"type\"" \
    "container: Link type BasicContainer"
PROTOCOL=http://www.w3.org/TR/annotation-protocol/
matches "$(hdr Link)" "<$PROTOCOL>; *rel=\"${LDP}constrainedBy\"" \
    "container: Link constrainedBy the protocol"
matches "$(hdr ETag)" '^"[0-9a-f]{32}"$' "container: a strong ETag"
matches "$(hdr Vary)" 'Accept' "container: Vary has Accept"
matches "$(hdr Vary)" 'Prefer' "container: Vary has Prefer"
same "$(hdr Accept-Post)" "$LD" "container: Accept-Post JSON-LD"
same "$(hdr Content-Location)" "$(jb .id)" \
    "container: Content-Location is its id"
same "$(hdr Content-Location)" "${C}?iris=0" \
    "container: descriptions by default (?iris=0)"
same "$(jb '.first.items | map(has("@context")) | all')" true \
    "container: the first page embedded, with full descriptions"
same "$(jb .total)" "$total" "container: total"
same "$(hdr Prefer)" "" "container: no Prefer header in the answer"
cp "$T/b" "$T/container.json"
get_etag=$(hdr ETag)
get_len=$(wc -c < "$T/b" | tr -d ' ')
model "$T/container.json" collections/pages/pageMusts \
    "container: its embedded first page passes the page MUSTs"

fetch "$C" -I
same "$http" 200 "container: HEAD 200"
same "$(hdr ETag) $(hdr Content-Length)" "$get_etag $get_len" \
    "container: HEAD has GET's ETag and length"
same "$(hdr Content-Location)" "${C}?iris=0" \
    "container: HEAD's Content-Location"
same "$(bodyless "HEAD /annotations/$RID/")" 0 \
    "container: HEAD has no body"
same "$(head -n 1 "$T/raw" | tr -d '\r')" "HTTP/1.0 200 OK" \
    "container: HEAD over HTTP/1.0 too"
fetch "$C" -X OPTIONS
same "$http" 200 "container: OPTIONS 200"
matches "$(hdr Allow)" 'GET, HEAD, OPTIONS, POST' "container: OPTIONS Allow"

# --- An annotation: GET, HEAD, OPTIONS ---

fetch "$C$comment"
for m in GET HEAD OPTIONS; do
	matches "$(hdr Allow)" "(^|, )$m(,|$)" "annotation: Allow has $m"
done
matches "$(hdr Link)" "<${LDP}Resource>; *rel=\"type\"" \
    "annotation: Link type ldp#Resource"
matches "$(hdr Link)" "<${OA}Annotation>; *rel=\"type\"" \
    "annotation: Link type oa#Annotation"
matches "$(hdr ETag)" '^"[0-9a-f]{32}"$' "annotation: a strong ETag"
matches "$(hdr Vary)" 'Accept' "annotation: Vary has Accept"
a_etag=$(hdr ETag)
fetch "$C$comment" -I
same "$http $(hdr ETag)" "200 $a_etag" "annotation: HEAD 200, same ETag"
same "$(bodyless "HEAD /annotations/$RID/$comment")" 0 \
    "annotation: HEAD has no body"
fetch "$C$comment" -X OPTIONS
same "$http $(hdr Allow)" "200 GET, HEAD, OPTIONS" "annotation: OPTIONS"

# --- Prefer ---

prefer() {
	fetch "$C" -H "Prefer: return=representation;include=\"$1\""
}
prefer "${LDP}PreferMinimalContainer"
same "$(jb '(.first | type) + " " + (.last | type)')" "string string" \
    "minimal: first and last are links"
same "$(jb 'has("items") or (.first | type) == "object"')" false \
    "minimal: no annotations embedded"
same "$(jb 'has("ldp:contains") or has("contains")')" false \
    "minimal: no ldp:contains"
same "$(jb .total)" "$total" "minimal: total"
same "$(hdr Preference-Applied)" "return=representation" \
    "minimal: Preference-Applied"
matches "$(hdr Vary)" Prefer "minimal: Vary has Prefer"
fetch "$(jq -r .first "$T/b")"
same "$(jb '.items | map(has("@context")) | all')" true \
    "minimal: its first page has full descriptions"

prefer "${OA}PreferContainedIRIs"
same "$(hdr Content-Location)" "${C}?iris=1" "IRIs: Content-Location ?iris=1"
same "$(jb '.first.items | map(type) | unique | join(",")')" string \
    "IRIs: the first page's items are IRIs"
same "$(jb '.first.items[0]')" "$C$(head -n 1 "$T/listing")" \
    "IRIs: the first is the listing's first"
same "$(hdr Preference-Applied)" "return=representation" \
    "IRIs: Preference-Applied"

prefer "${OA}PreferContainedDescriptions"
same "$(jb '.first.items[0].id')" "$C$(head -n 1 "$T/listing")" \
    "descriptions: full annotations, in listing order"
same "$(hdr Preference-Applied)" "return=representation" \
    "descriptions: Preference-Applied"

# --- Paging: three to a page, walked first to last ---

fetch "${C}?limit=3" -H "Prefer: return=representation;include=\"\
${LDP}PreferMinimalContainer ${OA}PreferContainedIRIs\""
first=$(jb .first)
last=$(jb .last)
same "$first" "${C}?iris=1&limit=3&page=0" "pages: first"
pages=$(( (total + 2) / 3 ))
same "$last" "${C}?iris=1&limit=3&page=$((pages - 1))" \
    "pages: last is page $((pages - 1)) of $total at 3 a page"
url=$first
n=0
prev=
: > "$T/walked"
while [ -n "$url" ] && [ $n -lt 20 ]; do
	fetch "$url"
	same "$http $(jb .type) $(jb .partOf) $(jb .total) $(jb .startIndex)" \
	    "200 AnnotationPage ${C}?iris=1&limit=3 $total $((n * 3))" \
	    "page $n: partOf, total, startIndex"
	same "$(jb '.prev // ""')" "$prev" "page $n: prev"
	same "$(hdr Content-Location)" "$url" "page $n: Content-Location"
	cp "$T/b" "$T/page$n.json"
	model "$T/page$n.json" collections/pages/pageMusts \
	    "page $n: the W3C page MUSTs pass"
	jb '.items[]' | sed "s|^$C||" >> "$T/walked"
	prev=$url
	url=$(jb '.next // ""')
	n=$((n + 1))
done
same "$n $prev" "$pages $last" "pages: next leads from first to last"
if cmp -s "$T/walked" "$T/listing"; then
	ok "pages: every annotation once, in the listing's order"
else
	not_ok "pages: every annotation once, in the listing's order" \
	    "$(diff "$T/walked" "$T/listing" | head -n 5)"
fi
fetch "${C}?limit=3&page=$pages"
same "$http $(jb .error.code)" "404 no_such_page" "pages: one past the last"
fetch "${C}?page=0&limit=3"
same "$(jb '.items | length') $(jb '.items[0].id')" \
    "3 $C$(head -n 1 "$T/listing")" "pages: ?iris=0 pages hold descriptions"
model "$T/b" collections/pages/pageMusts \
    "a page of descriptions passes the page MUSTs"

# --- A talk's container ---

fetch "${C}talks/6/?iris=1"
same "$http $(hdr Allow)" "200 GET, HEAD, OPTIONS" "talk 6: read-only"
same "$(hdr Accept-Post)" "" "talk 6: no Accept-Post"
curl -s "$REC/annotations?talk=6&limit=500" |
    jq -r --arg c "$C" '.annotations[] | $c + .id' > "$T/talk6"
jb '.first.items[]' > "$T/talk6.walked"
if [ -s "$T/talk6" ] && cmp -s "$T/talk6" "$T/talk6.walked"; then
	ok "talk 6: the talk's annotations, in order"
else
	not_ok "talk 6: the talk's annotations, in order"
fi
same "$(jb .total)" "$(wc -l < "$T/talk6" | tr -d ' ')" "talk 6: total"
fetch "${C}talks/6/" -X POST -H 'Content-Type: application/ld+json' \
    --data-binary '{}'
same "$http" 405 "talk 6: POST 405"
fetch "$REC/talks/5"
same "$http $(jb .talk.n) $(jb .talk.start)" "200 5 4169000" \
    "a talk's IRI, the target, answers with the talk"

# --- ETags and 304 ---

fetch "$C" -H "If-None-Match: $get_etag"
same "$http $(hdr ETag)" "304 $get_etag" "If-None-Match: 304 with the ETag"
same "$(hdr Content-Location) $(hdr Content-Type)" "${C}?iris=0 " \
    "with its Content-Location and no Content-Type"
same "$(bodyless "GET /annotations/$RID/" "If-None-Match: $get_etag")" 0 \
    "and no body"
same "$(head -n 1 "$T/raw" | tr -d '\r')" "HTTP/1.0 304 Not Modified" \
    "(a 304 over HTTP/1.0 too)"
fetch "$C$comment" -H "If-None-Match: \"x\", W/$a_etag"
same "$http" 304 "an annotation's weak match in a list: 304"
fetch "$C" -H 'If-None-Match: "0123456789abcdef0123456789abcdef"'
same "$http" 200 "another ETag: 200"

# --- Content negotiation ---

fetch "$C$comment" -H 'Accept: text/html'
same "$http $(jb .error.code)" "406 not_acceptable" "Accept: text/html: 406"
fetch "$C" -H 'Accept: text/html, application/ld+json;q=0'
same "$http" 406 "JSON-LD at q=0: 406"
fetch "$C$comment" -H "Accept: $LD"
same "$http" 200 "Accept with the profile: 200"
fetch "$C$comment" -H 'Accept: application/json'
same "$http $(hdr Content-Type)" "200 $LD" "Accept: application/json: 200"

# --- CORS ---

fetch "$C" -H 'Origin: https://client.example'
same "$(hdr Access-Control-Allow-Origin)" "*" "CORS: any origin may read"
for h in ETag Link Location Allow Content-Location Vary \
    Preference-Applied Accept-Post; do
	matches "$(hdr Access-Control-Expose-Headers)" "(^|, )$h(,|$)" \
	    "CORS: $h is exposed"
done
fetch "$C" -X OPTIONS -H 'Origin: https://client.example' \
    -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: content-type, prefer'
same "$http" 200 "preflight: 200"
matches "$(hdr Access-Control-Allow-Methods)" 'POST' "preflight: POST"
matches "$(hdr Access-Control-Allow-Headers)" 'Content-Type' \
    "preflight: Content-Type"
matches "$(hdr Access-Control-Allow-Headers)" 'Prefer' "preflight: Prefer"
matches "$(hdr Access-Control-Max-Age)" '^[1-9][0-9]*$' "preflight: Max-Age"
fetch "$C$gone" -H 'Origin: https://client.example'
same "$http $(hdr Access-Control-Allow-Origin)" "410 *" \
    "CORS: an error is readable too"

# --- POST ---

before=$(statements)
# The protocol tests' own annotation, unsigned.
jq -n '{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
    "body": {"type": "TextualBody", "value": "I like this page!"},
    "target": "http://www.example.com/index.html"}' > "$T/unsigned"
fetch "$C" -H "Content-Type: $LD" --data-binary @"$T/unsigned"
same "$http $(jb .error.code)" "401 signature_required" \
    "POST unsigned: 401 signature_required"
matches "$(jb .error.message)" 'gloss post.*"gloss" member' \
    "and the error says how to sign"
same "$(statements)" "$before" "and nothing is stored"
fetch "$C" -H 'Content-Type: text/plain' --data-binary '{}'
same "$http" 415 "POST as text/plain: 415"

canonical_annotation "$ME" "$(now_utc)" "Posted as a W3C annotation." \
    > "$T/w3c.json"
sign_minisign "$T/w3c.json" "$XDG_CONFIG_HOME/gloss/gloss.key"
wire "$T/w3c.json" > "$T/w3c.wire"
jq -n --slurpfile g "$T/w3c.wire" '{"@context":
    "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
    "body": {"type": "TextualBody", "value": "Posted as a W3C annotation."},
    "target": "http://www.example.com/", "gloss": $g[0]}' > "$T/w3c.post"
posted=$(sha256sum "$T/w3c.json" | cut -d' ' -f1)
fetch "$C" -H "Content-Type: $LD" --data-binary @"$T/w3c.post"
same "$http" 201 "POST signed: 201 Created"
same "$(hdr Location)" "$C$posted" "with Location, the annotation's IRI"
same "$(jb .id)" "$(hdr Location)" "the body's id is the Location"
matches "$(hdr ETag)" '^"[0-9a-f]{32}"$' "and an ETag"
same "$(statements)" "$((before + 1))" "one statement is stored"
fetch "$(hdr Location)"
same "$http $(jb '.body[0].value')" "200 Posted as a W3C annotation." \
    "the Location answers with it"
fetch "$C" -H 'Content-Type: application/ld+json' --data-binary \
    @"$T/w3c.post"
same "$http $(statements)" "200 $((before + 1))" \
    "POST again: 200, nothing more stored"
sed 's/Posted as/Forged as/' "$T/w3c.post" > "$T/w3c.forged"
fetch "$C" -H 'Content-Type: application/ld+json' --data-binary \
    @"$T/w3c.forged"
same "$http $(jb .error.code)" "401 bad_signature" \
    "POST with a signature of other text: 401 bad_signature"
fetch "$SERVER/annotations/mllm-elsewhere/" -H \
    'Content-Type: application/ld+json' --data-binary @"$T/w3c.post"
same "$http" 404 "POST to a record that does not exist: 404"

stop_daemon
done_testing
