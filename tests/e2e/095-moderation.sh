#!/bin/sh
# Moderation (issue 4), end to end with real keys: pre-moderation in its
# three modes and per record, decisions only moderators may take (and that
# refuse to change nothing), bans that hide and refuse, flags that hide at
# the threshold from distinct trusted keys only, locks on a record and on
# one talk, rate limits that trip at exactly the configured count with a
# Retry-After, signed moderator reads that refuse stale, foreign, replayed
# and re-aimed signatures, a SIGHUP that changes policies and moderators
# without a restart, and a moderation log that verifies statement by
# statement and replays into an empty glossd to the same state.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys mod mod2 ada bob eve mal ghost f1 f2 f3 carol importer
MOD=$(key_of mod)
MOD2=$(key_of mod2)
ADA=$(key_of ada)
BOB=$(key_of bob)
EVE=$(key_of eve)
MAL=$(key_of mal)
GHOST=$(key_of ghost)
F1=$(key_of f1)
F2=$(key_of f2)
F3=$(key_of f3)

# sread TAG CMD...: run a signed read (gloss mine, gloss mod queue).  The
# same key reading the same path twice within one second signs the very
# same header (Ed25519 is deterministic, ts is in seconds), which glossd
# refuses as a replay; one assertion below shows that on its own.  Every
# other signed read goes through here, so it tests what it is about: a
# read with the same TAG (key, path, server) waits for the next second.
sread() {
	sr_tag=$1
	shift
	eval "sr_prev=\${sread_$sr_tag:-}"
	[ "$sr_prev" != "$(date +%s)" ] || tick
	run "$@"
	eval "sread_$sr_tag=\$(date +%s)"
}

# fresh_daemon [CONFIG LINES...]: start_daemon with an empty database.
fresh_daemon() {
	rm -f "$T/gloss.db" "$T/gloss.db-wal" "$T/gloss.db-shm"
	start_daemon "$@"
}

# refuse EXIT CODE DESC CMD...: CMD exits EXIT and says CODE on stderr.
refuse() {
	x=$1
	code=$2
	d=$3
	shift 3
	expect "$x" "$d" "$@"
	contains "$T/err" "$code" "$d: $code"
}

# mget PATH [SERVER]: GET as the moderator, who sees annotations the
# public does not; a fresh nonce keeps each signed request new.
nonce=0
mget() {
	nonce=$((nonce + 1))
	mg_target="$1$(case $1 in *\?*) echo '&' ;; *) echo '?' ;; esac)n=$nonce"
	curl -s -w '\n%{http_code}\n' -H "Authorization: $(reqsig mod GET \
	    "$mg_target" "$(date +%s)")" "${2:-$SERVER}$mg_target"
}

# status ID [SERVER]: the status of annotation ID, as a moderator sees it.
status() {
	mget "/v1/annotations/$1" "${2:-$SERVER}" |
	    sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

# record_count: the record's count of annotations, as GET shows it.
record_count() {
	curl -s "$SERVER/v1/records/$RID" | grep -o '"annotations":[0-9]*'
}

# listed RID ID DESC / unlisted RID ID DESC: gloss list RID shows ID, or not.
listed() {
	run "$GLOSS" list "$1"
	contains "$T/out" "id $2" "$3"
}
unlisted() {
	run "$GLOSS" list "$1"
	lacks "$T/out" "id $2" "$3"
}

# say WHO DESC CMD-ARGS...: gloss -k WHO CMD-ARGS must be accepted; its id
# in $id.
say() {
	who=$1
	d=$2
	shift 2
	expect 0 "$d" "$GLOSS" -k "$T/$who.key" "$@"
	id=$(cat "$T/out")
}

# decide DESC WHO ARGS...: gloss -k WHO mod ARGS must be accepted; the
# decision's id in $id and in $T/decisions.
decide() {
	d=$1
	who=$2
	shift 2
	expect 0 "$d" "$GLOSS" -k "$T/$who.key" mod "$@"
	id=$(cat "$T/out")
	[ "$rc" -ne 0 ] || echo "$id" >> "$T/decisions"
}

# url_encode S: S with what a key needs escaped in a path.
url_encode() {
	printf '%s' "$1" | sed 's/%/%25/g; s/+/%2B/g; s/\//%2F/g; s/=/%3D/g'
}

# sget AUTHZ TARGET [SERVER]: GET with that Authorization; $http, $T/out.
sget() {
	http=$(curl -s -o "$T/out" -w '%{http_code}' -H "Authorization: $1" \
	    "${3:-$SERVER}$2")
}

# raw WHO FILE JSON: FILE holds JSON (canonical, by hand) signed by WHO's
# key with the stock minisign; FILE.body is the POST body.
raw() {
	printf '%s' "$3" > "$2"
	sign_minisign "$2" "$T/$1.key"
	wire "$2" > "$2.body"
}

# retry_after FILE: the Retry-After value in the headers curl -i saved.
retry_after() {
	tr -d '\r' < "$1" | sed -n 's/^[Rr]etry-[Aa]fter: *//p'
}

# within N MAX DESC: N is a whole number from 1 to MAX.
within() {
	case $1 in
	'' | *[!0-9]*)
		not_ok "$3" "got: '$1'" ;;
	*)
		if [ "$1" -ge 1 ] && [ "$1" -le "$2" ]; then
			ok "$3"
		else
			not_ok "$3" "got: $1, expected 1 to $2"
		fi ;;
	esac
}

# === Pre-moderation modes, per daemon and per record, and SIGHUP =======

fresh_daemon "moderator = $MOD" "moderation = all" \
    "record_moderation = mllm.open none"
import_record
"$GLOSS" -k "$T/curator.key" record import --id mllm.open "$RECORD" \
    >/dev/null 2>&1

say ada "all: a new key's post is accepted" comment "$RID" --talk 2 \
    -m "All mode, first post."
w1=$id
unlisted "$RID" "$w1" "all: it is not listed"
same "$(status "$w1")" pending "all: it is pending"
expect 1 "all: its author cannot reply to it yet" \
    "$GLOSS" -k "$T/ada.key" reply "$w1" -m "To my pending post."
same "$(cat "$T/err")" \
    "gloss: no visible annotation has that id (404 not_found)" \
    "the refusal says it is not visible, not that it does not exist"
say mod "all: a moderator's post is accepted" comment "$RID" --talk 2 \
    -m "All mode, the moderator."
listed "$RID" "$id" "all: a moderator's post is listed at once"
say ada "record_moderation = mllm.open none: a post there" \
    comment mllm.open --talk 2 -m "Open record."
listed mllm.open "$id" "a record set to none overrides the daemon's all"
decide "all: the moderator approves the first post" mod approve "$w1"
listed "$RID" "$w1" "all: the approved post is listed"
say ada "all: the approved key posts again" comment "$RID" --talk 3 \
    -m "All mode, second post."
w2=$id
unlisted "$RID" "$w2" "all: an approved key's next post still waits"
sread mod_queue_1 "$GLOSS" -k "$T/mod.key" mod queue
contains "$T/out" "$w2" "all: it is in the queue"
lacks "$T/out" "$w1" "all: the approved one is not"

write_conf "moderator = $MOD" "moderation = none" \
    "record_moderation = $RID all"
reload "SIGHUP: reloaded" && ok "SIGHUP: glossd reloads its configuration" ||
    not_ok "SIGHUP: glossd reloads its configuration"
say bob "none: a new key posts on another record" comment mllm.open \
    -m "None mode, open."
listed mllm.open "$id" "none (after SIGHUP): a new key's post is listed at once"
say bob "record_moderation = RID all over none: a post" comment "$RID" \
    -m "Record all, waits."
unlisted "$RID" "$id" "record_moderation = RID all overrides the daemon's none"
same "$(status "$id")" pending "and that post is pending"

write_conf "moderator = $MOD" "moderation = sometimes"
reload "keeping the running configuration" &&
    ok "SIGHUP with a broken configuration is refused in the log" ||
    not_ok "SIGHUP with a broken configuration is refused in the log"
say bob "after the refused reload, a post on RID" comment "$RID" \
    -m "Still record all."
same "$(status "$id")" pending "the running configuration is kept"
stop_daemon

# === Rate limits ========================================================

fresh_daemon "rate_key_writes = 3"
import_record
for n in 1 2 3; do
	say ada "rate_key_writes = 3: post $n passes" comment "$RID" \
	    -m "Rate post $n."
done
refuse 1 "429 rate_limited" "the 4th post in the minute is refused" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" -m "Rate post 4."
same "$(statements)" 4 "the record and exactly 3 posts are stored"
raw ada "$T/rate.json" "$(canonical_annotation "$ADA" "$(now_utc)" \
    "Rate post 5.")"
curl -s -i -H 'Content-Type: application/json' \
    --data-binary @"$T/rate.json.body" "$SERVER/v1/statements" > "$T/resp"
same "$(head -n 1 "$T/resp" | cut -d' ' -f2)" 429 "curl: the refusal is a 429"
contains "$T/resp" '"code":"rate_limited"' "with code rate_limited"
within "$(retry_after "$T/resp")" 20 \
    "and a Retry-After of 1 to 20 s (one token at 3 a minute)"
sed 's/Rate post 5\./Rate post 6./' "$T/rate.json.body" > "$T/forged.body"
curl -s -i -H 'Content-Type: application/json' \
    --data-binary @"$T/forged.body" "$SERVER/v1/statements" > "$T/resp"
same "$(head -n 1 "$T/resp" | cut -d' ' -f2)" 429 \
    "a spent key's forged post is refused before its signature is checked"
say bob "another key is not limited by ada's bucket" comment "$RID" \
    -m "Bob is fine."
same "$(statements)" 5 "it is stored"

write_conf "rate_ip_reads = 5" "rate_ip_writes = 2"
reload "SIGHUP: reloaded" || not_ok "SIGHUP to rate_ip_reads = 5"
codes=
for n in 1 2 3 4 5; do
	codes="$codes$(curl -s -o /dev/null -w '%{http_code}' \
	    "$SERVER/v1/records") "
done
same "$codes" "200 200 200 200 200 " "rate_ip_reads = 5: five reads pass"
curl -s -i "$SERVER/v1/records" > "$T/resp"
same "$(head -n 1 "$T/resp" | cut -d' ' -f2)" 429 "the 6th read is a 429"
contains "$T/resp" '"code":"rate_limited"' "with code rate_limited"
within "$(retry_after "$T/resp")" 12 \
    "and a Retry-After of 1 to 12 s (one token at 5 a minute)"
same "$(curl -s -o /dev/null -w '%{http_code}' -H \
    'X-Forwarded-For: 198.51.100.7' "$SERVER/v1/records")" 429 \
    "X-Forwarded-For is not believed without trusted_proxy"
say ada "rate_ip_writes = 2: write 1 passes" comment "$RID" -m "IP 1."
say bob "rate_ip_writes = 2: write 2 passes" comment "$RID" -m "IP 2."
refuse 1 "429 rate_limited" "the 3rd write from the address is refused" \
    "$GLOSS" -k "$T/carol.key" comment "$RID" -m "IP 3."

write_conf "rate_ip_reads = 5" "trusted_proxy = 127.0.0.1"
reload "SIGHUP: reloaded" || not_ok "SIGHUP to trusted_proxy"
for n in 1 2 3 4 5; do
	curl -s -o /dev/null "$SERVER/v1/records"
done
same "$(curl -s -o /dev/null -w '%{http_code}' "$SERVER/v1/records")" 429 \
    "trusted_proxy: the proxy's own address is limited"
same "$(curl -s -o /dev/null -w '%{http_code}' -H \
    'X-Forwarded-For: 198.51.100.7' "$SERVER/v1/records")" 200 \
    "a client it forwards for has a bucket of its own"
stop_daemon

# === The main daemon: moderation = first, flag_threshold = 2 ============

fresh_daemon "moderator = $MOD" "moderation = first" "flag_threshold = 2"
A=$SERVER
: > "$T/decisions"
import_record
"$GLOSS" -k "$T/curator.key" record import --id mllm.second "$RECORD" \
    >/dev/null 2>&1

# --- First post pre-moderation ------------------------------------------

say ada "first: a new key's first post is accepted" comment "$RID" \
    --talk 2 -m "Ada's first words: quokka."
a1=$id
contains "$T/err" "held for review" "gloss says it is held for review"
unlisted "$RID" "$a1" "it is not in gloss list"
run "$GLOSS" search quokka
lacks "$T/out" "$a1" "nor in gloss search"
same "$(record_count)" '"annotations":0' "nor in the record's count"
sread mine_ada "$GLOSS" -k "$T/ada.key" mine
contains "$T/out" "$a1" "gloss mine shows it to its author"
contains "$T/out" "$RID  pending (waits for a moderator)" \
    "with status pending"
run "$GLOSS" -k "$T/ada.key" show "$a1"
same "$rc $(grep '^status' "$T/out")" \
    "0 status   pending (waits for a moderator)" \
    "gloss show tells its author it is pending"
run "$GLOSS" -k "$T/bob.key" show "$a1"
same "$rc $(grep '^status' "$T/out")" "0 status   not visible: pending, \
hidden or rejected, which only its author and moderators may see" \
    "and another key that it is not visible"
run "$GLOSS" -k "$T/no-such.key" show "$a1"
same "$rc $(grep -c '^status   not visible' "$T/out") $(wc -c < "$T/err")" \
    "0 1 0" "as it does someone without a key, without asking for one"
sread mine_bob "$GLOSS" -k "$T/bob.key" mine
lacks "$T/out" "$a1" "gloss mine of another key does not show it"
same "$rc $(cat "$T/err")" "0 gloss: this key has no annotations here" \
    "and says it has none, exit 0"
sread mod_queue "$GLOSS" -k "$T/mod.key" mod queue
same "$rc" 0 "gloss mod queue by the moderator exits 0"
contains "$T/out" "$a1" "the queue holds it"
contains "$T/out" "Ada's first words: quokka." "with its text"
contains "$T/out" "0 approved, 0 rejected" "and its author's history"
sread mod_queue_second "$GLOSS" -k "$T/mod.key" mod queue mllm.second
same "$rc" 0 "gloss mod queue of a record with nothing waiting exits 0"
contains "$T/err" "the queue is empty" "and says the queue is empty"
sread mod_queue_nosuch "$GLOSS" -k "$T/mod.key" mod queue no.such.record
same "$rc $(cat "$T/err")" \
    "1 gloss: there is no such record (404 unknown_record)" \
    "gloss mod queue of a record that does not exist says so, exit 1"

decide "the moderator approves it" mod approve "$a1"
listed "$RID" "$a1" "the approved post is listed"
same "$(record_count)" '"annotations":1' "and counted"
sread mine_ada "$GLOSS" -k "$T/ada.key" mine
contains "$T/out" "$RID  visible" "gloss mine shows it visible"
sread mod_queue "$GLOSS" -k "$T/mod.key" mod queue
lacks "$T/out" "$a1" "the queue no longer holds it"
say ada "the approved key posts again" comment "$RID" --talk 2 \
    -m "Ada again, now trusted."
a2=$id
listed "$RID" "$a2" "the key is trusted: its next post is listed at once"
say bob "another new key posts" comment "$RID" --talk 2 -m "Bob's first."
b1=$id
unlisted "$RID" "$b1" "a key nobody approved still waits"
say mod "a moderator posts" comment "$RID" --talk 2 -m "The moderator."
listed "$RID" "$id" "a moderator's first post never waits"
say bob "a new key replies to a visible annotation" reply "$a2" \
    -m "Bob's pending reply: wombat."
b2=$id
same "$(status "$b2")" pending "the reply is pending"
run "$GLOSS" thread "$a2"
lacks "$T/out" "wombat" "gloss thread does not show a pending reply's text"
run "$GLOSS" search wombat
lacks "$T/out" "$b2" "nor does search"

# --- Reasons -------------------------------------------------------------

before=$(statements)
refuse 2 "reject needs a reason" "gloss mod reject without --reason" \
    "$GLOSS" -k "$T/mod.key" mod reject "$b1"
refuse 2 "hide needs a reason" "gloss mod hide without --reason" \
    "$GLOSS" -k "$T/mod.key" mod hide "$a2"
refuse 2 "ban needs a reason" "gloss mod ban without --reason" \
    "$GLOSS" -k "$T/mod.key" mod ban "$BOB"
for act in reject hide ban; do
	case $act in ban) subj=$BOB ;; *) subj=$b1 ;; esac
	json=$(printf '{"action":"%s","author":"%s","created":"%s",' \
	    "$act" "$MOD" "$(now_utc)")
	raw mod "$T/$act.json" "$json$(printf \
	    '"subject":"%s","type":"moderation","v":1}' "$subj")"
	post_raw "$T/$act.json.body"
	same "$http:$(error_code)" "422:invalid_statement" \
	    "the daemon refuses a signed $act without a reason: 422"
	contains "$T/out" "$act needs a reason" "saying $act needs a reason"
done
same "$(statements)" "$before" "the refused decisions stored nothing"

decide "reject with a reason" mod reject "$b1" --reason "Off topic here."
same "$(status "$b1")" rejected "the rejected post is rejected"
sread mine_bob "$GLOSS" -k "$T/bob.key" mine
contains "$T/out" "$RID  rejected: Off topic here." \
    "its author sees it rejected, with the moderator's reason"
run "$GLOSS" -k "$T/bob.key" show "$b1"
contains "$T/out" "status   rejected: Off topic here." \
    "gloss show tells its author it is rejected, and why"
run "$GLOSS" -k "$T/mod.key" show "$b1"
contains "$T/out" "status   rejected: Off topic here." "and a moderator"
unlisted "$RID" "$b1" "it is not listed"

# --- No change -----------------------------------------------------------

before=$(statements)
refuse 1 "409 no_change" "approving a visible annotation is 409" \
    "$GLOSS" -k "$T/mod.key" mod approve "$a1" --reason "Once more."
refuse 1 "409 no_change" "restoring a visible annotation is 409" \
    "$GLOSS" -k "$T/mod.key" mod restore "$a2"
refuse 1 "409 no_change" "approving a rejected annotation is 409" \
    "$GLOSS" -k "$T/mod.key" mod approve "$b1"
same "$(statements)" "$before" "no_change stored nothing"

# --- A non-moderator tries every action ---------------------------------

before=$(statements)
curl -s "$A/v1/records/$RID/annotations" > "$T/list.before"
for args in "approve $b2" "reject $a2 --reason No." "hide $a2 --reason No." \
    "restore $b1" "ban $ADA --reason No." "unban $ADA" "trust $BOB" \
    "lock $RID" "unlock $RID" "lock $RID --talk 4"; do
	# shellcheck disable=SC2086
	refuse 1 "403 not_moderator" "a non-moderator: mod ${args%% *}" \
	    "$GLOSS" -k "$T/bob.key" mod $args
done
same "$(statements)" "$before" "the refused decisions stored nothing"
curl -s "$A/v1/records/$RID/annotations" > "$T/list.after"
cmp -s "$T/list.before" "$T/list.after" && ok "the listing is unchanged" ||
    not_ok "the listing is unchanged"
same "$(status "$b2")" pending "the pending reply still waits"
refuse 1 "403 not_moderator" "a non-moderator's gloss mod queue" \
    "$GLOSS" -k "$T/bob.key" mod queue

# --- Signed moderator reads ----------------------------------------------

Q=/v1/moderation/queue
http=$(curl -s -o "$T/out" -w '%{http_code}' "$A$Q")
same "$http:$(error_code)" "401:auth_required" \
    "an unsigned GET $Q is 401 auth_required"
ts=$(date +%s)
h=$(reqsig mod GET "$Q?limit=50" "$ts")
sget "$h" "$Q?limit=50"
same "$http" 200 "a fresh moderator signature is accepted"
contains "$T/out" "$b2" "and the queue holds the pending reply"
sget "$h" "$Q?limit=50"
same "$http:$(error_code)" "401:replayed_request" \
    "the same header again is 401 replayed_request"
sget "$(reqsig mod GET "$Q?limit=51" $((ts - 400)))" "$Q?limit=51"
same "$http:$(error_code)" "401:bad_request_signature" \
    "a timestamp 400 s old is 401 bad_request_signature"
contains "$T/out" "too old or too new" "saying it is too old"
sget "$(reqsig mod GET "$Q?limit=52" $((ts + 400)))" "$Q?limit=52"
same "$http:$(error_code)" "401:bad_request_signature" \
    "a timestamp 400 s ahead is 401 too"
sget "$(reqsig bob GET "$Q?limit=53" "$ts")" "$Q?limit=53"
same "$http:$(error_code)" "403:not_moderator" \
    "a good signature by a non-moderator key is 403 not_moderator"
h=$(reqsig bob GET "$Q?limit=54" "$ts")
sget "Gloss key=$MOD, ts=$ts, sig=${h##*sig=}" "$Q?limit=54"
same "$http:$(error_code)" "401:bad_request_signature" \
    "the moderator's key named over another key's signature is 401"
sget "$(reqsig mod GET /v1/moderation/flags "$ts")" "$Q?limit=55"
same "$http:$(error_code)" "401:bad_request_signature" \
    "a signature over another path is 401"
sget "$(reqsig mod GET "$Q?limit=49" "$ts")" "$Q?limit=56"
same "$http:$(error_code)" "401:bad_request_signature" \
    "a signature over another query is 401"
sget "$(reqsig mod POST "$Q?limit=57" "$ts")" "$Q?limit=57"
same "$http:$(error_code)" "401:bad_request_signature" \
    "a signature over another method is 401"
mine=/v1/keys/$(url_encode "$ADA")/annotations
sget "$(reqsig bob GET "$mine" "$ts")" "$mine"
same "$http:$(error_code)" "403:not_author" \
    "another key's signed read of ada's own annotations is 403 not_author"
sget "$(reqsig ada GET "$mine?limit=9" "$ts")" "$mine?limit=9"
same "$http" 200 "ada's own signed read of them is 200"
tick	# both reads below fall in one second, as a person's would
run "$GLOSS" -k "$T/mod.key" mod queue
cp "$T/out" "$T/q1"
run "$GLOSS" -k "$T/mod.key" mod queue
lacks "$T/err" "replayed_request" \
    "gloss mod queue twice in one second: the second is not a replay"
cmp -s "$T/q1" "$T/out" && ok "and it prints the same queue" ||
    not_ok "and it prints the same queue"
# shellcheck disable=SC2034	# read by sread, through eval
sread_mod_queue=$(date +%s)	# the two reads above were mod_queue's too

# --- Flags ---------------------------------------------------------------

decide "trust a key that has signed nothing yet" mod trust "$F1"
decide "trust a second key" mod trust "$F2" --reason "Long-time viewer."
refuse 1 "409 no_change" "trusting a trusted key is 409" \
    "$GLOSS" -k "$T/mod.key" mod trust "$F1" --reason "Again."
refuse 2 "--reason must be spam," "gloss flag --reason rude is a usage error" \
    "$GLOSS" -k "$T/f1.key" flag "$a2" --reason rude
say f1 "a trusted key flags" flag "$a2" --reason spam \
    --note "Looks like an ad."
fl1=$id
listed "$RID" "$a2" "one trusted flag of two: still listed"
before=$(statements)
say f1 "the same key flags again" flag "$a2" --reason abuse
same "$id" "$fl1" "the repeat answers the first flag's id"
same "$(statements)" "$before" "and stores nothing"
say f3 "an untrusted new key flags" flag "$a2" --reason off-topic \
    --note "$(printf 'Not \342\200\256about this talk.')"
say bob "another untrusted key flags" flag "$a2" --reason other
listed "$RID" "$a2" "one trusted and two untrusted flags: still listed"
say f2 "a second trusted key flags" flag "$a2" --reason incorrect
unlisted "$RID" "$a2" "two trusted flags reach flag_threshold = 2: hidden"
same "$(status "$a2")" hidden "its status is hidden"
run "$GLOSS" -k "$T/mod.key" show "$a2"
contains "$T/out" "status   hidden (by flags; waits for a moderator)" \
    "gloss show says flags hid it"
sread mod_queue "$GLOSS" -k "$T/mod.key" mod queue
contains "$T/out" "$a2" "the queue holds the flagged annotation"
same "$(grep '^ *flagged ' "$T/out")" "$(printf '      flagged %s\n' \
    "spam by $(fingerprint "$T/f1.pub"): Looks like an ad." \
    "off-topic by $(fingerprint "$T/f3.pub"): Not ?about this talk." \
    "other by $(fingerprint "$T/bob.pub")" \
    "incorrect by $(fingerprint "$T/f2.pub")")" \
    "with each flag and its key, oldest first, each key once, its note made safe"
lacks "$T/out" "earlier flag" "all of its flags are listed"
sget "$(reqsig mod GET /v1/moderation/flags "$(date +%s)")" \
    /v1/moderation/flags
same "$http $(grep -o "\"subject\":\"$a2\"" "$T/out" | wc -l)" "200 4" \
    "GET /v1/moderation/flags (signed) lists four flags on it"
refuse 1 "409 not_visible" "flagging a hidden annotation is 409" \
    "$GLOSS" -k "$T/mod.key" flag "$a2" --reason spam
refuse 1 "409 not_visible" "and so is endorsing it, for a moderator" \
    "$GLOSS" -k "$T/mod.key" endorse "$a2"
# To a key that may not read it, it is what a read says: not there.
for verb in endorse "flag --reason spam"; do
	# shellcheck disable=SC2086	# $verb is one or three words
	expect 1 "another key's $verb of the hidden annotation" \
	    "$GLOSS" -k "$T/carol.key" $verb "$a2"
	same "$(cat "$T/err")" \
	    "gloss: no visible annotation has that id (404 not_found)" \
	    "is told what show says, not that it is hidden"
done
decide "the moderator approves the flagged annotation" mod approve "$a2"
listed "$RID" "$a2" "approved, it is listed again"

# The queue lists an annotation's last 20 flags, among them those that
# hid it, and says how many earlier ones it left out.
say mod "a post to be flagged 21 times" comment "$RID" --talk 4 \
    -m "Flagged by many."
a3=$id
n=0
for i in $(seq 1 19); do
	"$GLOSS" keygen -W -s "$T/many$i.key" -p "$T/many$i.pub" \
	    >/dev/null 2>&1 &&
	    "$GLOSS" -k "$T/many$i.key" flag "$a3" --reason spam \
	    >/dev/null 2>&1 && n=$((n + 1))
done
same "$n" 19 "nineteen untrusted keys flag it"
say f1 "a trusted key flags it" flag "$a3" --reason spam
say f2 "and a second: the twenty-first flag hides it" flag "$a3" \
    --reason incorrect
same "$(status "$a3")" hidden "it is hidden"
sread mod_queue "$GLOSS" -k "$T/mod.key" mod queue
same "$(sed -n "/$a3/,/author:/p" "$T/out" | grep -c '^ *flagged ')" 20 \
    "gloss mod queue prints its last 20 flags"
same "$(sed -n "/$a3/,/author:/p" "$T/out" | grep '^ *flagged ' | tail -n 2)" \
    "$(printf '      flagged %s\n' "spam by $(fingerprint "$T/f1.pub")" \
    "incorrect by $(fingerprint "$T/f2.pub")")" \
    "the trusted flags that hid it last"
same "$(grep -cx '      and 1 earlier flag' "$T/out")" 1 \
    "and says one earlier flag was left out"
decide "the moderator restores it" mod restore "$a3"

# --- Bans ----------------------------------------------------------------

say eve "a new key posts" comment "$RID" --talk 3 -m "Eve one."
e1=$id
decide "approved" mod approve "$e1"
approve_e1=$id
say eve "and posts again, trusted" comment "$RID" --talk 3 -m "Eve two."
e2=$id
listed "$RID" "$e2" "both are listed"
say mal "another key posts" comment "$RID" --talk 3 -m "Mal waits."
m1=$id
decide "ban a key" mod ban "$EVE" --reason "Spam ring."
unlisted "$RID" "$e1" "the banned key's annotations leave the listing"
unlisted "$RID" "$e2" "all of them"
same "$(status "$e1") $(status "$e2")" "hidden hidden" "they are hidden"
sread mine_eve "$GLOSS" -k "$T/eve.key" mine
same "$(grep -c "^$RID  hidden: Spam ring.\$" "$T/out")" 2 \
    "gloss mine gives the ban's reason for both, the approved one too"
run "$GLOSS" whois "$EVE"
contains "$T/out" "annotations 0" "gloss whois counts none of them"
decide "ban a key with a pending post" mod ban "$MAL" --reason "Sock."
same "$(status "$m1")" hidden "its pending post is hidden"
decide "ban a key that has signed nothing" mod ban "$GHOST" \
    --reason "Known abuser."
before=$(statements)
refuse 1 "403 key_banned" "a banned key's post is refused" \
    "$GLOSS" -k "$T/eve.key" comment "$RID" -m "Eve three."
refuse 1 "403 key_banned" "and its flag" \
    "$GLOSS" -k "$T/eve.key" flag "$a1" --reason spam
refuse 1 "403 key_banned" "and its endorsement" \
    "$GLOSS" -k "$T/eve.key" endorse "$a1"
refuse 1 "403 key_banned" "a key banned before it posted is refused" \
    "$GLOSS" -k "$T/ghost.key" comment "$RID" -m "Boo."
refuse 1 "409 no_change" "banning a banned key is 409" \
    "$GLOSS" -k "$T/mod.key" mod ban "$EVE" --reason "Still spam."
same "$(statements)" "$before" "the refusals stored nothing"
decide "unban" mod unban "$EVE"
refuse 1 "409 no_change" "unbanning a key that is not banned is 409" \
    "$GLOSS" -k "$T/mod.key" mod unban "$EVE" --reason "Again."
say eve "unban restores posting" comment "$RID" --talk 3 -m "Eve three."
unlisted "$RID" "$e1" "but not the hidden annotations"
unlisted "$RID" "$e2" "none of them"
decide "restore one of them" mod restore "$e1"
restore_e1=$id
listed "$RID" "$e1" "the restored one is listed"
unlisted "$RID" "$e2" "the other stays hidden"
refuse 1 "409 no_change" "restoring it again is 409" \
    "$GLOSS" -k "$T/mod.key" mod restore "$e1" --reason "Again."

# Decisions are dated to the second: ban, unban and the same ban again
# within one second must still leave the key banned.
tick
decide "ban f3" mod ban "$F3" --reason "Flag spam."
ban1=$id
decide "unban f3" mod unban "$F3"
decide "ban f3 again in the same second" mod ban "$F3" --reason "Flag spam."
[ "$id" != "$ban1" ] && ok "the second ban is a decision of its own" ||
    not_ok "the second ban is a decision of its own" \
	"it answered the first ban's id $ban1: a repeat, not a ban"
refuse 1 "403 key_banned" "f3 is banned after ban, unban, ban" \
    "$GLOSS" -k "$T/f3.key" endorse "$a1"

# --- Locks ---------------------------------------------------------------

say ada "a post in talk 4 before the lock" comment "$RID" --talk 4 \
    -m "Talk four."
t4=$id
decide "lock talk 4" mod lock "$RID" --talk 4
refuse 1 "403 locked" "a post in the locked talk is refused" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" --talk 4 -m "Closed."
contains "$T/err" "talk is closed" "the refusal says the talk is closed"
refuse 1 "403 locked" "a post placed in it by time is refused" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" --at 1:05:00 -m "Closed."
refuse 1 "403 locked" "a reply to an annotation in it is refused" \
    "$GLOSS" -k "$T/ada.key" reply "$t4" -m "Closed."
say ada "talk 5 is still open" comment "$RID" --talk 5 -m "Open five."
refuse 1 "409 no_change" "locking a locked talk is 409" \
    "$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk 4 --reason "Again."
decide "lock the record" mod lock "$RID"
refuse 1 "403 locked" "the locked record refuses a post in talk 5" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" --talk 5 -m "Closed."
contains "$T/err" "record is closed" "the refusal says the record is closed"
refuse 1 "403 locked" "and a post on the whole record" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" -m "Closed."
lock_record=$(tail -n 1 "$T/decisions")
run "$GLOSS" record show "$RID"
same "$rc $(grep -c '^locked: closed to new annotations$' "$T/out")" "0 1" \
    "gloss record show says the record is locked"
same "$(grep '(locked)$' "$T/out" | cut -c1-3)" "  4" \
    "and marks talk 4, and no other, locked"
curl -s "$SERVER/v1/records/$RID" > "$T/rec.json"
contains "$T/rec.json" "\"locks\":[{\"talk\":null,\"decision\":\"$lock_record\"},{\"talk\":4," \
    "GET /v1/records/{rid} lists the locks, the record's first, with their decisions"
say ada "another record stays open" comment mllm.second -m "Elsewhere."
decide "unlock the record" mod unlock "$RID"
say ada "talk 5 is open again" comment "$RID" --talk 5 -m "Reopened."
refuse 1 "403 locked" "talk 4 keeps its own lock" \
    "$GLOSS" -k "$T/ada.key" comment "$RID" --talk 4 -m "Closed."
decide "unlock talk 4" mod unlock "$RID" --talk 4
run "$GLOSS" record show "$RID"
same "$rc $(grep -c 'locked' "$T/out")" "0 0" \
    "unlocked, gloss record show shows no lock"
say ada "talk 4 is open again" comment "$RID" --talk 4 -m "Four again."
before=$(statements)
refuse 1 "409 no_change" "unlocking an open record is 409" \
    "$GLOSS" -k "$T/mod.key" mod unlock "$RID" --reason "Again."
refuse 1 "422 talk_out_of_range" "locking talk 10 of 9 is 422" \
    "$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk 10
refuse 1 "422 unknown_record" "locking an unknown record is 422" \
    "$GLOSS" -k "$T/mod.key" mod lock no.such-record
same "$(statements)" "$before" "those stored nothing"
decide "lock talk 6, to stay locked" mod lock "$RID" --talk 6

# --- SIGHUP adds a moderator ---------------------------------------------

before=$(statements)
refuse 1 "403 not_moderator" "mod2 cannot approve yet" \
    "$GLOSS" -k "$T/mod2.key" mod approve "$b2"
same "$(statements)" "$before" "nothing was stored"
echo "moderator = $MOD2" >> "$T/glossd.conf"
reload "2 moderator(s)" && ok "SIGHUP: glossd now has 2 moderators" ||
    not_ok "SIGHUP: glossd now has 2 moderators"
decide "after SIGHUP, mod2 approves without a restart" mod2 approve "$b2"
same "$(status "$b2")" visible "the reply is visible"
run "$GLOSS" thread "$a2"
contains "$T/out" "wombat" "and in the thread"
sread mod2_queue "$GLOSS" -k "$T/mod2.key" mod queue
lacks "$T/err" "not_moderator" "mod2 may read the queue"

# --- The moderation log --------------------------------------------------

ndec=$(sort -u "$T/decisions" | wc -l)
expect 0 "gloss mod log" "$GLOSS" mod log
same "$(grep -c '^    by ' "$T/out")" "$ndec" \
    "gloss mod log lists every decision ($ndec)"
contains "$T/out" ": Spam ring." "with its reason"
contains "$T/out" "approve  $a1" "and its action and subject"
expect 0 "gloss --json mod log" "$GLOSS" --json mod log
grep -o '"id": "[0-9a-f]*"' "$T/out" | cut -d'"' -f4 > "$T/logids"
same "$(sort "$T/logids" | tr '\n' ' ')" \
    "$(sort -u "$T/decisions" | tr '\n' ' ')" \
    "the log's decisions are exactly the accepted ones"
bad=0
while read -r d; do
	"$GLOSS" verify "$d" > "$T/v" 2>&1 && grep -q "^valid: moderation $d" \
	    "$T/v" || { bad=$((bad + 1)); sed 's/^/# /' "$T/v"; }
done < "$T/logids"
same "$bad" 0 "gloss verify: each of the $ndec decisions verifies (exit 0)"
curl -s "$A/v1/annotations/$e1/moderation" > "$T/out"
same "$(grep -o '"id":"[0-9a-f]*"' "$T/out" | cut -d'"' -f4 | tr '\n' ' ')" \
    "$approve_e1 $restore_e1 " \
    "GET /v1/annotations/ID/moderation: its approval and its restore"

# === Replay: the log into an empty glossd with the same moderation ======

{
	echo "importer = $(key_of importer)"
	echo "moderator = $MOD"
	echo "moderator = $MOD2"
	echo "moderation = first"
	echo "flag_threshold = 2"
	echo "rate_key_writes = 0"
	echo "rate_ip_writes = 0"
	echo "rate_ip_reads = 0"
} > "$T/b.conf"
start_second b
nA=$(statements)
expect 0 "import-log A into B by the importer key" \
    "$GLOSS" -S "$B" -k "$T/importer.key" import-log "$A"
same "$(SERVER=$B statements)" "$nA" "B holds A's $nA statements"

curl -s "$A/v1/log?limit=500" > "$T/a.log"
annotations=$(grep '"type":"annotation"' "$T/a.log" |
    sed -n 's/^{"seq":[0-9]*,"id":"\([0-9a-f]\{64\}\)".*/\1/p')
keys="$ADA $BOB $EVE $MAL $GHOST $F1 $F2 $F3 $MOD $MOD2"

# dump SERVER DIR: every public answer, one file each, with the times of
# arrival ("received", "first_seen" and whois's "first seen"), which are
# not part of any statement, removed.
dump() {
	mkdir -p "$2"
	for p in /v1/records "/v1/records/$RID" /v1/records/mllm.second \
	    "/v1/records/$RID/annotations?limit=500" \
	    /v1/records/mllm.second/annotations \
	    "/v1/moderation/log?limit=500"; do
		curl -s -w '\n%{http_code}\n' "$1$p"
	done > "$2/public"
	for a in $annotations; do
		for p in "" /moderation /thread; do
			curl -s -w '\n%{http_code}\n' "$1/v1/annotations/$a$p"
		done
		mget "/v1/annotations/$a" "$1"
	done > "$2/annotations"
	curl -s "$1/v1/log?limit=500" | sed 's/"received":"[^"]*",//' \
	    > "$2/log"
	for k in $keys; do
		curl -s -w '\n%{http_code}\n' "$1/v1/keys/$(url_encode "$k")" |
		    sed 's/"first_seen":"[^"]*",//'
		"$GLOSS" -S "$1" whois "$k" 2>&1 | sed '/first seen/d'
	done > "$2/keys"
	srv=$(echo "$1" | tr -dc '0-9')
	sread "q$srv" "$GLOSS" -S "$1" -k "$T/mod.key" --json mod queue
	sed '/"first_seen"/d' "$T/out" > "$2/queue"
	sget "$(reqsig mod GET "/v1/moderation/flags?limit=500" \
	    "$(date +%s)")" "/v1/moderation/flags?limit=500" "$1"
	echo "$http" >> "$T/out"
	cp "$T/out" "$2/flags"
	for who in ada bob eve mal f1; do
		sread "m$who$srv" "$GLOSS" -S "$1" -k "$T/$who.key" --json mine
		cat "$T/out"
	done > "$2/mine"
}
dump "$A" "$T/A"
dump "$B" "$T/B"
for f in public annotations log keys queue flags mine; do
	if cmp -s "$T/A/$f" "$T/B/$f"; then
		ok "replayed: B's $f answers are A's, byte for byte"
	else
		not_ok "replayed: B's $f answers are A's, byte for byte" \
		    "$(diff "$T/A/$f" "$T/B/$f" | head -6)"
	fi
done
# The comparisons are not between empty answers.
same "$(grep -c '"status": "pending"' "$T/A/mine")" 1 \
    "A's mine answers hold the one annotation still pending"
contains "$T/A/queue" '"text": "Eve three."' "A's queue holds it"
for s in visible hidden rejected; do
	grep -q "\"status\":\"$s\"" "$T/A/annotations" &&
	    ok "A's annotations include a $s one" ||
	    not_ok "A's annotations include a $s one"
done
contains "$T/A/flags" "\"reason\":\"incorrect\"" "A's flags are listed"
same "$(grep -o '"action":' "$T/A/public" | wc -l)" "$ndec" \
    "A's moderation log holds the $ndec decisions"

# Key states and locks decide what a post meets: the same probes, on A
# and on B, must meet the same state.  probe WHO ARGS...: the outcome of
# gloss -k WHO comment RID ARGS: the status, or the refusal's code.
probe() {
	srv=$1
	who=$2
	shift 2
	run "$GLOSS" -S "$srv" -k "$T/$who.key" comment "$RID" "$@"
	if [ "$rc" -eq 0 ]; then
		status "$(cat "$T/out")" "$srv"
	else
		sed -n 's/.*(\([0-9]* [a-z_]*\))$/\1/p' "$T/err"
	fi
}
for p in "ada|--talk 3|visible|trusted" "f1|--talk 3|visible|trusted by trust" \
    "eve|--talk 3|pending|new again after unban" \
    "mal|--talk 3|403 key_banned|banned" \
    "ghost|--talk 3|403 key_banned|banned before signing" \
    "mod2|--talk 3|visible|a moderator" \
    "ada|--talk 6|403 locked|talk 6 locked"; do
	IFS='|' read -r who where want what <<-EOP
	$p
	EOP
	# shellcheck disable=SC2086
	a=$(probe "$A" "$who" $where -m "Probe by $who, $where.")
	# shellcheck disable=SC2086
	b=$(probe "$B" "$who" $where -m "Probe by $who, $where.")
	same "$a" "$want" "probe on A: $who ($what) posts: $want"
	same "$b" "$a" "probe on B: $who meets the same state"
done

stop_second b
stop_daemon
done_testing
