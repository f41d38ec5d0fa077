#!/bin/sh
# Bad input: every malformed, unsigned, mis-signed or out-of-bounds write
# gets its documented status and error code, and changes nothing.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon
import_record
"$GLOSS" critique "$RID" --at 1:09:29 -m "Accepted before the storm." \
    >/dev/null 2>&1
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
minisign -G -W -p "$T/o.pub" -s "$T/o.key" >/dev/null 2>&1
mkey=$(tail -n 1 "$T/m.pub")
before=$(statements)

# refused STATUS CODE DESC FILE: POST FILE, expect STATUS and CODE, and
# the log unchanged.
refused() {
	post_raw "$4"
	if [ "$http" = "$1" ] && [ "$(error_code)" = "$2" ]; then
		ok "$3: $1 $2"
	else
		not_ok "$3: $1 $2" "got $http $(error_code)"
	fi
	same "$(statements)" "$before" "$3: nothing was stored"
}

# statement FILE JSON [TRUSTED [KEY]]: a statement signed by minisign.
statement() {
	printf '%s' "$2" > "$1"
	sign_minisign "$1" "${4:-$T/m.key}" ${3:+"$3"}
	wire "$1" > "$1.body"
}

now=$(now_utc)
good=$(canonical_annotation "$mkey" "$now" "fine")

printf '{"statement": {' > "$T/b1"
refused 400 malformed_json "malformed JSON" "$T/b1"
printf '{"statement":{"v":1,"v":1},"minisig":"x"}' > "$T/b2"
refused 422 duplicate_member "a duplicate member" "$T/b2"
printf '{"statement":{"v":1.0},"minisig":"x"}' > "$T/b3"
refused 422 number_not_integer "a float" "$T/b3"
printf '{"statement":{"v":9007199254740992},"minisig":"x"}' > "$T/b4"
refused 422 integer_out_of_range "an integer of 2^53" "$T/b4"
printf '{"statement":{"text":"\377"},"minisig":"x"}' > "$T/b5"
refused 400 invalid_utf8 "invalid UTF-8" "$T/b5"
printf '{"statement":{"text":"\\ud800"},"minisig":"x"}' > "$T/b6"
refused 422 lone_surrogate "a lone surrogate" "$T/b6"
printf '{"statement":{}}' > "$T/b7"
refused 400 malformed_request "no minisig" "$T/b7"

statement "$T/s1.json" "$good"
sed 's/"text":"fine"/"text":"f1ne"/' "$T/s1.json.body" > "$T/s1.bad"
refused 401 bad_signature "a signature over other bytes" "$T/s1.bad"

statement "$T/s2.json" "$good" "" "$T/o.key"
refused 401 key_mismatch "a minisig by another key than author" \
    "$T/s2.json.body"

printf '%s' "$good" > "$T/s3.json"
minisign -S -l -s "$T/m.key" -m "$T/s3.json" \
    -t "gloss/1 id=$(sha256sum "$T/s3.json" | cut -d' ' -f1)" >/dev/null
wire "$T/s3.json" > "$T/s3.body"
refused 401 legacy_signature_algorithm "the legacy Ed algorithm" "$T/s3.body"

statement "$T/s4.json" "$good" "gloss/1 id=$(printf '%064d' 0)"
refused 401 bad_trusted_comment "a wrong trusted comment" "$T/s4.json.body"

statement "$T/s5.json" "$(canonical_annotation "$mkey" \
    2020-01-01T00:00:00Z "old")"
refused 422 clock_skew "created outside the window" "$T/s5.json.body"

# ann AT TALK [RID]: an annotation with optional "at" and "talk" members
# (each given with its trailing comma), in canonical member order.
ann() {
	printf '{%s"author":"%s","created":"%s","kind":"comment","record":"%s",%s"text":"x","type":"annotation","v":1}' \
	    "$1" "$mkey" "$now" "${3:-$RID}" "$2"
}
statement "$T/s6.json" "$(ann "" "" nosuch)"
refused 422 unknown_record "an unknown record" "$T/s6.json.body"
statement "$T/s7.json" "$(ann "" '"talk":10,')"
refused 422 talk_out_of_range "talk 10 of 9" "$T/s7.json.body"
statement "$T/s8.json" "$(ann '"at":{"start":16680000},' "")"
refused 422 time_outside_record "a time at the record's end" "$T/s8.json.body"
statement "$T/s9.json" "$(ann '"at":{"end":16680001,"start":0},' "")"
refused 422 time_outside_record "a range past the record's end" \
    "$T/s9.json.body"
statement "$T/s10.json" "$(ann '"at":{"start":4169000},' '"talk":4,')"
refused 422 time_outside_talk "a time outside its talk" "$T/s10.json.body"
statement "$T/s11.json" "$(ann '"at":{"end":4169000,"start":4169000},' "")"
refused 422 bad_time_range "start equal to end" "$T/s11.json.body"
statement "$T/s12.json" "$(ann '"at":{"end":5,"start":9},' "")"
refused 422 bad_time_range "start after end" "$T/s12.json.body"

rec=$(printf '{"author":"%s","created":"%s","duration":60000,"record":"mine","talks":[{"start":0,"title":"t"}],"title":"Mine","type":"record","v":1}' "$mkey" "$now")
statement "$T/s13.json" "$rec"
refused 403 not_curator "a record by a non-curator" "$T/s13.json.body"

head -c 65537 /dev/zero | tr '\0' ' ' > "$T/big"
refused 413 body_too_large "a body one byte over 64 KiB" "$T/big"
head -c 65536 /dev/zero | tr '\0' ' ' > "$T/edge"
post_raw "$T/edge"
same "$http:$(error_code)" "400:malformed_json" \
    "a body of exactly 64 KiB reaches the parser"

http=$(curl -s -o "$T/out" -w '%{http_code}' -H 'Content-Type: text/plain' \
    --data-binary @"$T/s1.json.body" "$SERVER/v1/statements")
same "$http:$(error_code)" "415:unsupported_media_type" "a non-JSON media type"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$SERVER/v1/nowhere")
same "$http:$(error_code)" "404:not_found" "an unknown path is a JSON 404"
http=$(curl -s -o "$T/out" -w '%{http_code}' -X DELETE "$SERVER/v1/records")
same "$http:$(error_code)" "405:method_not_allowed" "a wrong method is a JSON 405"
http=$(curl -s -o "$T/out" -w '%{http_code}' \
    "$SERVER/v1/records/$RID/annotations?limit=501")
same "$http:$(error_code)" "400:bad_query" "a page one over 500 is refused"
http=$(curl -s -o "$T/out" -w '%{http_code}' \
    "$SERVER/v1/records/$RID/annotations?limit=500")
same "$http" 200 "a page of 500 is allowed"
http=$(curl -s -o "$T/out" -w '%{http_code}' \
    "$SERVER/v1/records/$RID/annotations?from=9&to=1")
same "$http:$(error_code)" "400:bad_query" "to before from is refused"
http=$(curl -s -o "$T/out" -w '%{http_code}' \
    "$SERVER/v1/records/$RID/annotations?kind=a&kind=b")
same "$http:$(error_code)" "400:bad_query" "a repeated parameter is refused"

# libevent 2.1 answers headers over its limit itself, with an HTML 400.
# header_status N: the status of GET /healthz with an N-byte header.
header_status() {
	curl -s -o "$T/out" -w '%{http_code}' \
	    -H "X-Big: $(head -c "$1" /dev/zero | tr '\0' a)" "$SERVER/healthz"
}
same "$(header_status 8200)" 400 "headers over 8 KiB are refused"
same "$(header_status 7900)" 200 "headers just under 8 KiB are served"
# SIGHUP gives libevent a new max_headers for the connections after it.
cp "$T/glossd.conf" "$T/glossd.conf.8k"
echo "max_headers = 1024" >> "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "SIGHUP to max_headers = 1024"
same "$(header_status 1100)" 400 \
    "after a SIGHUP to 1 KiB, headers over it are refused"
same "$(header_status 800)" 200 "and headers under it are served"
cp "$T/glossd.conf.8k" "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "SIGHUP back to 8 KiB"
same "$(header_status 7900)" 200 \
    "a SIGHUP back to 8 KiB serves headers under it again"
printf 'GARBAGE\r\n\r\n' | "$RAWHTTP" "$PORT" > "$T/raw"
contains "$T/raw" "400" "a malformed request line gets 400"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab' |
    "$RAWHTTP" "$PORT" > "$T/raw"
expect 0 "the daemon still serves after all of it" "$GLOSS" list "$RID"
contains "$T/out" "Accepted before the storm." \
    "the annotation accepted before is still there"
same "$(statements)" "$before" "the log holds exactly what it held"
expect 2 "an empty -m is refused by the client" \
    "$GLOSS" comment "$RID" --talk 2 -m ''
same "$(cat "$T/err")" "gloss: the text is empty" "and says so"
printf '\n\r\n' > "$T/newlines"
expect 2 "a text file of line ends only is empty too" \
    "$GLOSS" comment "$RID" --talk 2 -F "$T/newlines"
same "$(cat "$T/err")" "gloss: the text is empty" "and says so too"
expect 0 "one character is a text" "$GLOSS" comment "$RID" --talk 2 -m 'x'
same "$(statements)" "$((before + 1))" "and only it was stored"
before=$((before + 1))

# Clients that hang up right after sending: each POST arrived whole, so
# each is stored, and glossd's answers go nowhere without harm (the
# sanitizer build checks that much at stop_daemon).
i=0
while [ $i -lt 8 ]; do
	canonical_annotation "$CURATOR" "$(now_utc)" \
	    "Gone before the answer $i." > "$T/gone.$i"
	sign_minisign "$T/gone.$i" "$T/curator.key"
	wire "$T/gone.$i" > "$T/gone.$i.body"
	{
		printf 'POST /v1/statements HTTP/1.1\r\nHost: x\r\n'
		printf 'Content-Type: application/json\r\n'
		printf 'Content-Length: %d\r\n\r\n' "$(wc -c < "$T/gone.$i.body")"
		cat "$T/gone.$i.body"
	} | "$RAWHTTP" -c "$PORT"
	i=$((i + 1))
done
stored_all() { [ "$(statements)" = $((before + 8)) ]; }
poll 500 stored_all
same "$(statements)" $((before + 8)) \
    "8 POSTs whose clients hung up at once are all stored"
expect 0 "and the daemon serves on" "$GLOSS" list "$RID"
contains "$T/out" "Gone before the answer 7." "the last of them is listed"
stop_daemon
done_testing
