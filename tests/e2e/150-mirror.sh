#!/bin/sh
# Mirroring (issue 6): a glossd with "mirror = URL" follows another one's
# log, checks every statement again and serves the same answers, read
# only.  Writes to the first appear on the second; a restarted mirror
# resumes where it stopped and loses nothing; a tampered statement served
# by a fake upstream is refused, reported at /v1/mirror and in the log,
# and nothing after it is applied until the upstream serves the truth.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

LINKSERV=$top_builddir/tests/e2e/linkserv
pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

make_keys
start_daemon
A=$SERVER
import_record
for n in 1 2 3; do
	"$GLOSS" comment "$RID" --talk "$n" -m "Comment $n." >/dev/null 2>&1 ||
	    not_ok "post comment $n"
done
c4=$("$GLOSS" critique "$RID" --talk 5 --at +1:00 -m "A critique." 2>/dev/null)
"$GLOSS" edit "$c4" -m "A critique, edited." >/dev/null 2>&1

# start_mirror NAME UPSTREAM [CURATOR]: glossd NAME following UPSTREAM,
# listing the upstream's curator key (as a mirror must) unless CURATOR
# says "none"; its URL in $url_NAME.
start_mirror() {
	printf 'mirror = %s\nmirror_interval = 1\n' "$2" > "$T/$1.conf"
	[ "${3:-}" = none ] || echo "curator = $CURATOR" >> "$T/$1.conf"
	rm -f "$T/$1.port"
	"$GLOSSD" -d -f "$T/$1.conf" -p 0 -P "$T/$1.port" -D "$T/$1.db" \
	    >>"$T/$1.log" 2>&1 &
	eval "pid_$1=$!"
	pids="$pids $!"
	wait_for "$!" "$T/$1.port" ||
	    { echo "Bail out! mirror $1 did not start"; exit 99; }
	eval "url_$1=http://127.0.0.1:$(cat "$T/$1.port")"
}

# stop_mirror NAME: SIGTERM, and it must exit 0.
stop_mirror() {
	eval "p=\$pid_$1"
	kill -TERM "$p"
	wait "$p"
	same "$?" 0 "mirror $1 exits 0 on SIGTERM"
}

count() {
	curl -s "$1/healthz" | sed -n 's/.*"statements":\([0-9]*\).*/\1/p'
}

# until_count URL N: wait (15 s at most) until URL holds N statements.
until_count() {
	poll 750 holds "$1" "$2"
}
holds() {
	[ "$(count "$1")" = "$2" ]
}

# until_mirror URL JQ: wait (15 s at most) until /v1/mirror satisfies JQ.
until_mirror() {
	poll 750 mirror_is "$1" "$2"
}
mirror_is() {
	curl -s "$1/v1/mirror" | jq -e "$2" >/dev/null 2>&1
}

# log_of URL: the log without "received", the arrival time.
log_of() {
	curl -s "$1/v1/log?limit=500" | sed 's/"received":"[^"]*",//'
}

# --- B follows A --------------------------------------------------------
start_mirror b "$A"
B=$url_b
until_count "$B" "$(count "$A")" && ok "B catches up with A" ||
    not_ok "B catches up with A" "A $(count "$A"), B $(count "$B")"
same "$(log_of "$B")" "$(log_of "$A")" "B's log is A's, byte for byte"
L=/v1/records/$RID/annotations
for path in "/v1/records/$RID" "$L" "$L?talk=5" "/v1/annotations/$c4" \
    "/v1/annotations/$c4/revisions"; do
	same "$(curl -s "$B$path")" "$(curl -s "$A$path")" "B answers GET $path as A does"
done
same "$(curl -s "$B/v1/mirror" | jq -r '.upstream + " " + .state + " " + (.after|tostring)')" \
    "$A caught_up $(count "$A")" "/v1/mirror says what it follows and where it is"
expect 0 "gloss verify-log on B" "$GLOSS" -S "$B" verify-log
expect 1 "B is read-only" "$GLOSS" -S "$B" comment "$RID" -m "Posted to a mirror."
contains "$T/err" "read_only" "403 read_only"
contains "$T/err" "$A" "naming where to post instead"
same "$(count "$B")" "$(count "$A")" "the refused post changed nothing"

"$GLOSS" comment "$RID" --talk 4 -m "Written after B started." >/dev/null 2>&1
until_count "$B" "$(count "$A")" && ok "a new statement on A reaches B" ||
    not_ok "a new statement on A reaches B"

# --- Restart: nothing lost, nothing twice ----------------------------------
stop_mirror b
for n in 6 7; do
	"$GLOSS" comment "$RID" --talk "$n" -m "While B was down, $n." >/dev/null 2>&1
done
start_mirror b "$A"
B=$url_b
until_count "$B" "$(count "$A")" && ok "the restarted B catches up" ||
    not_ok "the restarted B catches up"
same "$(log_of "$B")" "$(log_of "$A")" "its log is still A's, byte for byte"
same "$(curl -s "$B/v1/mirror" | jq .applied)" 2 \
    "it resumed where it stopped: two statements applied since"
grep -q "following from seq $(( $(count "$A") - 2 ))" "$T/b.log" &&
    ok "and says where it resumed" || not_ok "and says where it resumed"

# --- A fake upstream serving a tampered statement --------------------------
log_of "$A" > "$T/true.log"
# The third line is the second comment; change its text: its signature
# no longer matches.
seq3=$(sed -n 3p "$T/true.log" | jq .seq)
id3=$(sed -n 3p "$T/true.log" | jq -r .id)
sed '3s/Comment 2\./Comment 2, forged./' "$T/true.log" > "$T/served.log"
same "$(grep -c forged "$T/served.log")" 1 "the fake upstream serves one forged line"
"$LINKSERV" -P "$T/fake.port" --log "$T/served.log" 2>"$T/fake.err" &
pids="$pids $!"
wait_for "$!" "$T/fake.port" || { echo "Bail out! fake upstream"; exit 99; }
FAKE=http://127.0.0.1:$(cat "$T/fake.port")
start_mirror c "$FAKE"
C=$url_c
until_mirror "$C" '.refused != null' && ok "C refuses the tampered statement" ||
    not_ok "C refuses the tampered statement"
curl -s "$C/v1/mirror" > "$T/out"
same "$(jq -r '.refused.seq' "$T/out")" "$seq3" "/v1/mirror names its seq"
same "$(jq -r '.refused.id' "$T/out")" "$id3" "and its id"
same "$(jq -r '.refused.code' "$T/out")" bad_signature "and why"
same "$(jq -r '.state' "$T/out")" retrying "C retries later"
same "$(count "$C")" "$((seq3 - 1))" "C holds what came before it and nothing after"
contains "$T/c.log" "seq $seq3 ($id3) refused: bad_signature" "C's log reports it"
expect 1 "C holds no forged text" sh -c "curl -s '$C/v1/records/$RID/annotations' | grep -q forged"
cp "$T/true.log" "$T/served.log"
until_count "$C" "$(count "$A")" && ok "once the upstream serves the truth, C catches up" ||
    not_ok "once the upstream serves the truth, C catches up"
until_mirror "$C" '.refused == null and .error == null' &&
    ok "and clears the report" || not_ok "and clears the report"

# --- An upstream that cannot be reached ------------------------------------
start_mirror d "http://127.0.0.1:1"
until_mirror "$url_d" '.state == "retrying"' &&
    ok "an unreachable upstream: retrying" || not_ok "an unreachable upstream: retrying"
same "$(curl -s "$url_d/v1/mirror" | jq -r .error)" "the upstream cannot be reached" \
    "with the reason"
same "$(curl -s -o /dev/null -w '%{http_code}' "$A/v1/mirror")" 404 \
    "a glossd that mirrors nothing answers 404 at /v1/mirror"

# --- The upstream is trusted with the order, not with roles ----------------
start_mirror e "$A" none
until_mirror "$url_e" '.refused != null' &&
    ok "a mirror that does not list the upstream's curator refuses its record" ||
    not_ok "a mirror that does not list the upstream's curator refuses its record"
same "$(curl -s "$url_e/v1/mirror" | jq -r '(.refused.seq|tostring) + " " + .refused.code')" \
    "1 not_curator" "403 not_curator, at seq 1"
same "$(count "$url_e")" 0 "and holds nothing"

for m in b c d e; do
	stop_mirror $m
	grep -qE 'Sanitizer|runtime error' "$T/$m.log" &&
	    not_ok "mirror $m's log is free of sanitizer reports" ||
	    ok "mirror $m's log is free of sanitizer reports"
done
stop_daemon
done_testing
