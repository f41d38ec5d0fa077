#!/bin/sh
# Follow-up reading (issue 5), end to end through the real client: the
# same paper posted three ways is one entry, hostile links are refused
# before anything is stored, reviews follow their rules (the link must be
# the annotation's, one verdict per key per link and the latest wins, only
# reviewer keys decide the status), the list is ranked and follows
# revisions and retractions, and the BibTeX export parses with bibtool.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
"$GLOSS" keygen -W -s "$T/bob.key" -p "$T/bob.pub" >/dev/null 2>&1
"$GLOSS" keygen -W -s "$T/rev.key" -p "$T/rev.pub" >/dev/null 2>&1
start_daemon "reviewer = $(tail -n 1 "$T/rev.pub")"
import_record
BOB="-k $T/bob.key"
REV="-k $T/rev.key"

# reading_json [QUERY]: the reading list as JSON into $T/list.
reading_json() {
	curl -s -o "$T/list" -w '%{http_code}' \
	    "$SERVER/v1/records/$RID/reading${1:+?$1}"
}

# entry KEY FILTER: jq FILTER applied to the entry with key KEY.
entry() {
	jq -r --arg k "$1" ".entries[] | select(.key == \$k) | $2" "$T/list"
}

ARXIV=arxiv:2304.08485
DOI=doi:10.1145/3290605.3300233
PAGE=https://example.org/blog/post?id=3

# --- One paper, three ways --------------------------------------------
r1=$("$GLOSS" reading "$RID" --talk 5 --at +4:00 \
    --link https://arxiv.org/abs/2304.08485 --title "Visual Instruction Tuning" \
    -m "The LLaVA paper this talk builds on." 2>"$T/err")
same "$?" 0 "a reading with an arXiv abstract link"
r2=$("$GLOSS" $BOB critique "$RID" --talk 5 --at 1:12:00 \
    --link http://arxiv.org/pdf/2304.08485v2 --title "LLaVA" \
    -m "The data in section 3 is synthetic; see the paper." 2>>"$T/err")
same "$?" 0 "a critique citing the PDF of version 2 over http"
r3=$("$GLOSS" comment "$RID" --talk 5 --link arXiv:2304.08485 \
    --link doi:10.1145/3290605.3300233 -m "Both of these, really." \
    2>>"$T/err")
same "$?" 0 "a comment citing arXiv: and doi: identifiers"
r4=$("$GLOSS" $BOB reading "$RID" --talk 5 \
    --link https://doi.org/10.1145/3290605.3300233 --title "Guidelines" \
    -m "The human-AI interaction guidelines." 2>>"$T/err")
r5=$("$GLOSS" reading "$RID" --talk 5 \
    --link 'https://Example.ORG:443/blog/post?utm_source=x&id=3#intro' \
    -m "A blog post that explains it." 2>>"$T/err")
r6=$("$GLOSS" $BOB reading "$RID" --talk 5 \
    --link 'http://example.org/blog/post?id=3&fbclid=abc' \
    -m "The same post." 2>>"$T/err")
r7=$("$GLOSS" reading "$RID" --talk 2 --link https://example.com/only-two \
    -m "Only about talk 2." 2>>"$T/err")
expect 2 "a reading without a link is refused" "$GLOSS" reading "$RID" \
    -m "No link, but text."
contains "$T/err" "a reading needs at least one --link" "and says why"
for id in "$r4" "$r5" "$r6" "$r7"; do
	[ -n "$id" ] || not_ok "post the readings" "$(cat "$T/err")"
done

same "$(reading_json "talk=5")" 200 "GET the reading list of talk 5"
same "$(jq '.total' "$T/list")" 3 "six links in four annotations are three entries"
same "$(entry $ARXIV .cited)" 3 "the arXiv paper is cited three times"
same "$(entry $ARXIV .type)" arxiv "and typed arxiv"
same "$(entry $ARXIV .href)" https://arxiv.org/abs/2304.08485 "with its abstract page as href"
same "$(entry $ARXIV .title)" "Visual Instruction Tuning" \
    "the earliest of equally common titles wins"
same "$(entry $DOI .cited)" 2 "the DOI written two ways is one entry"
same "$(entry $DOI .href)" https://doi.org/10.1145/3290605.3300233 "with doi.org as href"
same "$(entry "$PAGE" .cited)" 2 "tracking parameters, port, case and fragment do not split a page"
same "$(entry $ARXIV '[.citations[].annotation] | sort | join(",")')" \
    "$(printf '%s\n' "$r1" "$r2" "$r3" | sort | paste -sd,)" \
    "the citations name the three annotations"
same "$(entry $ARXIV '.citations[] | select(.annotation == "'"$r2"'") | .url')" \
    http://arxiv.org/pdf/2304.08485v2 "each citation keeps the URL as posted"
same "$(entry $ARXIV '.citations[] | select(.annotation == "'"$r1"'") | .at.start')" \
    "$(curl -s "$SERVER/v1/annotations/$r1" | jq '.at.start')" \
    "and the time it was posted at"
same "$(entry $ARXIV .status)" unreviewed "nothing is reviewed yet"
same "$(reading_json)" 200 "the whole record's list"
same "$(jq '.total' "$T/list")" 4 "holds talk 2's link too"
same "$(reading_json "talk=2")" 200 "talk 2's list"
same "$(jq -r '.entries[0].key' "$T/list")" https://example.com/only-two \
    "holds only talk 2's link"

# --- Hostile links ------------------------------------------------------
n=$(statements)
for url in 'javascript:alert(1)' 'file:///etc/passwd' \
    'https://user:pw@example.org/' 'https://раураl.com/' \
    'ftp://example.org/paper.pdf' 'arXiv:notanid'; do
	expect 2 "a reading of $url is refused by the client" \
	    "$GLOSS" reading "$RID" --link "$url" -m "x"
done
contains "$T/err" "arXiv" "the error says what is wrong"
expect 2 "an IDN host is refused" "$GLOSS" reading "$RID" \
    --link 'https://раураl.com/' -m x
contains "$T/err" "xn--" "and shown as punycode"
# The daemon refuses them too, whoever signs: the stock minisign here.
created=$(now_utc)
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
mkey=$(tail -n 1 "$T/m.pub")
printf '{"author":"%s","created":"%s","kind":"reading","links":[{"url":"https://user@example.org/"}],"record":"%s","text":"x","type":"annotation","v":1}' \
    "$mkey" "$created" "$RID" > "$T/cred.json"
sign_minisign "$T/cred.json" "$T/m.key"
wire "$T/cred.json" > "$T/cred.body"
post_raw "$T/cred.body"
same "$http $(error_code)" "422 invalid_link" "a link with credentials gets 422 invalid_link"
same "$(statements)" "$n" "nothing refused was stored"

# --- Reviews --------------------------------------------------------
expect 1 "a review of a link the annotation does not cite is refused" \
    "$GLOSS" review-link "$r1" https://example.org/other --verdict ok
contains "$T/err" "does not cite" "and says so"
expect 2 "an unknown verdict is refused by the client" \
    "$GLOSS" review-link "$r1" https://arxiv.org/abs/2304.08485 --verdict great
expect 2 "a replacement needs moved or duplicate" \
    "$GLOSS" review-link "$r1" https://arxiv.org/abs/2304.08485 \
    --verdict ok --replacement https://example.org/
expect 0 "a reviewer's verdict, naming the link another way" \
    "$GLOSS" $REV review-link "$r5" http://example.org/blog/post?id=3 \
    --verdict relevant --note "Clear and short."
reading_json "talk=5" >/dev/null
same "$(entry "$PAGE" .status)" relevant "a reviewer's verdict sets the status"
same "$(jq -r '.entries[0].key' "$T/list")" "$PAGE" \
    "and ranks the reviewed entry first"
same "$(entry "$PAGE" '.verdicts[0].note')" "Clear and short." "its note is shown"
expect 0 "anybody may review" \
    "$GLOSS" $BOB review-link "$r1" https://arxiv.org/abs/2304.08485 \
    --verdict irrelevant
reading_json "talk=5" >/dev/null
same "$(entry $ARXIV .status)" unreviewed "a non-reviewer's verdict does not set the status"
same "$(entry $ARXIV .reviews.irrelevant)" 1 "but it is counted"
same "$(entry $ARXIV '.verdicts[0].authoritative')" false "and marked as not authoritative"
tick
expect 0 "the same key changes its mind" \
    "$GLOSS" $BOB review-link "$r2" http://arxiv.org/pdf/2304.08485v2 \
    --verdict ok
reading_json "talk=5" >/dev/null
same "$(entry $ARXIV '.verdicts | length')" 1 "one verdict per key per link"
same "$(entry $ARXIV '.verdicts[0].verdict')" ok "the latest wins"
same "$(entry $ARXIV '.reviews | keys | join(",")')" ok "and only it is counted"
expect 0 "the reviewer calls the DOI spam" \
    "$GLOSS" $REV review-link "$r4" https://doi.org/10.1145/3290605.3300233 \
    --verdict spam
same "$(reading_json "talk=5")" 200 "the list after the spam verdict"
same "$(jq '.total' "$T/list")" 2 "spam leaves the default list"
same "$(reading_json "talk=5&status=all")" 200 "status=all"
same "$(entry $DOI .status)" spam "shows it with its status"
same "$(jq -r '.entries[-1].key' "$T/list")" $DOI "ranked last"
same "$(reading_json "talk=5&status=unreviewed")" 200 "the reviewers' queue"
same "$(jq -r '[.entries[].key] | join(" ")' "$T/list")" $ARXIV \
    "holds only what no reviewer has judged"
same "$(reading_json "talk=5&status=relevant")" 200 "status=relevant"
same "$(jq -r '[.entries[].key] | join(" ")' "$T/list")" "$PAGE" \
    "filters by the reviewers' verdict"
expect 0 "gloss review lists the queue off a terminal" "$GLOSS" review "$RID" --talk 5
contains "$T/out" "2304.08485" "with the unreviewed paper"
lacks "$T/out" "example.org" "and not the reviewed page"
expect 0 "gloss review --json" "$GLOSS" review "$RID" --talk 5 --json
same "$(jq -r '[.entries[].key] | join(" ")' "$T/out")" $ARXIV \
    "prints the server's document, its entries the queue"
same "$(jq -r '.total' "$T/out")" 1 "with their total"

# --- Revisions, retractions, ranking by endorsements -------------------
expect 0 "an edit replaces a reading's link" "$GLOSS" edit "$r7" \
    --link https://example.com/replaced -m "Only about talk 2, corrected."
reading_json "talk=2" >/dev/null
same "$(jq -r '[.entries[].key] | join(" ")' "$T/list")" \
    https://example.com/replaced "the list follows the revision"
expect 0 "retract one citation" "$GLOSS" retract "$r3"
reading_json "talk=5&status=all" >/dev/null
same "$(entry $ARXIV .cited)" 2 "a retracted annotation no longer cites"
"$GLOSS" $BOB reading "$RID" --talk 5 --link https://example.net/a -m "A." >/dev/null 2>&1
rb=$("$GLOSS" $BOB reading "$RID" --talk 5 --link https://example.net/b -m "B." 2>/dev/null)
expect 0 "endorse the later one" "$GLOSS" endorse "$rb"
reading_json "talk=5&status=unreviewed" >/dev/null
same "$(jq -r '[.entries[].key] | join(" ")' "$T/list")" \
    "$ARXIV https://example.net/b https://example.net/a" \
    "unreviewed entries rank by verdicts, then endorsements, then citations"

# --- Exports ----------------------------------------------------------
expect 0 "gloss reading --format bibtex" "$GLOSS" reading "$RID" --format bibtex
cp "$T/out" "$T/list.bib"
contains "$T/list.bib" "eprint = {2304.08485}" "arXiv as an eprint"
contains "$T/list.bib" "archivePrefix = {arXiv}" "with its archive prefix"
# bibtool exits 0 whatever it finds: what it says on stderr is the test.
# pass.comments keeps the header comment from counting as stray text, -d
# reports a key used twice.
if bibtool -- pass.comments=on -d -i "$T/list.bib" -o "$T/parsed.bib" \
    2>"$T/bibtool.err" && [ ! -s "$T/bibtool.err" ]; then
	ok "bibtool parses the export without a complaint"
else
	not_ok "bibtool parses the export without a complaint" \
	    "$(cat "$T/bibtool.err")"
fi
same "$(grep -ci '^@misc{' "$T/parsed.bib")" "$(curl -s "$SERVER/v1/records/$RID/reading" | jq '.total')" \
    "one BibTeX entry per reading-list entry"
curl -s -D "$T/headers" -o "$T/md" "$SERVER/v1/records/$RID/reading?format=markdown&talk=5"
contains "$T/headers" "text/markdown" "Markdown has its content type"
same "$(head -n 1 "$T/md" | sed 's/.* — talk 5, /talk 5, /')" \
    "talk 5, Yuan\\-Hong Liao: How to Create Multimodal Models that \
Follow Human Intent Efficiently" \
    "the heading of talk 5's Markdown names the talk as gloss list does"
contains "$T/md" "[Visual Instruction Tuning](<https://arxiv.org/abs/2304.08485>)" \
    "Markdown links the title to the paper"
expect 0 "gloss reading lists the entries" "$GLOSS" reading "$RID" --talk 5
contains "$T/out" "Visual Instruction Tuning" "with their titles"
contains "$T/out" "relevant" "and their status"

# --- Every form words the citations the same way ----------------------
W=https://example.net/w
for at in 2:30:00 1:20:00 ''; do
	w=$("$GLOSS" $BOB reading "$RID" ${at:+--talk 5 --at "$at"} \
	    --link "$W" -m "W${at:+ at $at}." 2>>"$T/err")
done
expect 0 "a reviewer says it moved" "$GLOSS" $REV review-link "$w" "$W" \
    --verdict moved --replacement https://example.net/w2
expect 0 "gloss reading with a link cited in a talk and on the record" \
    "$GLOSS" reading "$RID"
same "$(grep -A 3 "^ *[0-9]*\. $W  moved\$" "$T/out" | tail -n 2)" \
    "     cited 3 at 01:20:00, 02:30:00 in talk 5 and the whole record, moved 1
     moved to https://example.net/w2" \
    "the text sorts the times, names the talk and the record, and the move"
expect 0 "the same as Markdown" "$GLOSS" reading "$RID" --format markdown
contains "$T/out" "- <$W> — cited 3× at 01:20:00, 02:30:00 in talk 5 and the whole record · moved to <https://example.net/w2>" \
    "Markdown says the same, an untitled page by its URL"
expect 0 "the same as BibTeX" "$GLOSS" reading "$RID" --format bibtex
contains "$T/out" "note = {Cited at 01:20:00, 02:30:00 in talk 5 and the whole record of " \
    "and BibTeX"

# --- Kept answers: the same ETag until the next write ----------------------
etag_of() {
	curl -s -D - -o /dev/null "$SERVER$1" | tr -d '\r' |
	    sed -n 's/^[Ee][Tt][Aa][Gg]: //p'
}
R=/v1/records/$RID/reading?talk=5
e1=$(etag_of "$R")
case $e1 in
'"'*'"') ok "a public read carries an ETag" ;;
*) not_ok "a public read carries an ETag" "got: $e1" ;;
esac
same "$(etag_of "$R")" "$e1" "the same answer, the same ETag"
same "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $e1" "$SERVER$R")" 304 \
    "If-None-Match with it: 304"
"$GLOSS" reading "$RID" --talk 5 --link https://example.net/c -m "C." >/dev/null 2>&1
same "$(curl -s -o "$T/out" -w '%{http_code}' -H "If-None-Match: $e1" "$SERVER$R")" 200 \
    "after a write: 200"
contains "$T/out" "example.net/c" "with the new entry"

# --- Big kept answers: in a file, sent as its pages -----------------------
# From 16 KiB glossd keeps an answer in a memfd of its own and sends it
# with sendfile; what goes out must be the same bytes, in every form.
cache_files() {
	ls -l "/proc/$daemon_pid/fd" | grep -c 'memfd:glossd-cache'
}
m0=$(cache_files)
big=$(head -c 16000 /dev/zero | tr '\0' k)
"$GLOSS" comment "$RID" --talk 3 -m "$big" >/dev/null 2>&1
L="/v1/records/$RID/annotations?talk=3"
curl -s -o "$T/big1" "$SERVER$L"
n=$(wc -c < "$T/big1")
[ "$n" -ge 16384 ] && ok "a listing of $n bytes" ||
    not_ok "a listing of 16 KiB or more" "$n bytes"
same "$(cache_files)" "$((m0 + 1))" "is kept in a file"
curl -s -o "$T/big2" -o "$T/big3" "$SERVER$L" "$SERVER$L"
cmp -s "$T/big1" "$T/big2" && cmp -s "$T/big1" "$T/big3" &&
    ok "served from it twice on one connection, byte for byte" ||
    not_ok "served from it twice on one connection, byte for byte"
same "$(curl -s -I "$SERVER$L" | tr -d '\r' | sed -n 's/^Content-Length: //p')" "$n" \
    "HEAD tells its length"
eb=$(etag_of "$L")
same "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "If-None-Match: $eb" "$SERVER$L")" \
    "304 0" "If-None-Match with its ETag: 304 without it"
"$GLOSS" comment "$RID" --talk 3 -m "D." >/dev/null 2>&1
curl -s -o "$T/big4" "$SERVER$L"
curl -s -o "$T/big5" "$SERVER$L"
same "$(jq '.annotations | length' "$T/big5")" 2 "after a write, the new answer"
cmp -s "$T/big4" "$T/big5" && ok "kept again the same" ||
    not_ok "kept again the same"
same "$(cache_files)" "$((m0 + 1))" "and the old file let go"

# --- Bad queries ------------------------------------------------------
for q in talk=0 talk=99 status=great format=pdf limit=0 limit=501 offset=-1; do
	same "$(reading_json "$q") $(jq -r .error.code "$T/list")" \
	    "400 bad_query" "?$q gets 400 bad_query"
done
same "$(curl -s -o "$T/out" -w '%{http_code}' "$SERVER/v1/records/nope/reading") $(error_code)" \
    "404 unknown_record" "an unknown record gets 404"

# --- Exports past page_max --------------------------------------------
echo "page_max = 1" >> "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "SIGHUP to page_max = 1"
contains "$T/glossd.log" "1 reviewer(s)" "the reload counts the reviewer keys"
reading_json "" >/dev/null
n=$(jq .total "$T/list")
same "$(jq '.entries | length' "$T/list") $([ "$n" -gt 1 ] && echo more)" "1 more" \
    "a JSON page holds page_max entries of more"
"$GLOSS" reading "$RID" --format bibtex > "$T/all.bib"
same "$(grep -ci '^@misc{' "$T/all.bib")" "$n" "a BibTeX export holds all of them"
curl -s "$SERVER/v1/records/$RID/reading?format=markdown&limit=1" > "$T/one.md"
same "$(grep -c '^- ' "$T/one.md")" 1 "unless it asks for a page"
expect 0 "a status none has" "$GLOSS" reading "$RID" --status paywalled
same "$(cat "$T/err")" "gloss: no follow-up reading of status paywalled" \
    "says that none has it, not that there is none"
stop_daemon
done_testing
