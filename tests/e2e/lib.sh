# lib.sh: what every end-to-end test shares.  Sourced, not run.
#
# Each test starts the real glossd on 127.0.0.1 with an ephemeral port in
# its own temporary directory, drives it with the real gloss client (curl
# and rawhttp for what a well-behaved client cannot send), and writes TAP.
# stop_daemon checks glossd's exit status and log, so a sanitizer report or
# an unclean shutdown fails the test.

set -u
top_builddir=${GLOSS_TOP_BUILDDIR:-$(pwd)}
top_srcdir=${GLOSS_TOP_SRCDIR:-$(pwd)}
GLOSSD=$top_builddir/glossd
GLOSS=$top_builddir/gloss
RAWHTTP=$top_builddir/tests/e2e/rawhttp
RECORD=$top_srcdir/tests/data/cvpr2024-mllm-tutorial.txt
RID=cvpr2024-mllm-tutorial

T=$(mktemp -d "${TMPDIR:-/tmp}/gloss-e2e.XXXXXX")
export XDG_CONFIG_HOME=$T/config HOME=$T
unset GLOSS_KEY GLOSS_PASSPHRASE GLOSS_SERVER NO_COLOR
ntests=0
nfailed=0
daemon_pid=
second_pid=

cleanup() {
	for pid in $daemon_pid $second_pid; do
		kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	ntests=$((ntests + 1))
	echo "ok $ntests - $1"
}

not_ok() {
	ntests=$((ntests + 1))
	nfailed=$((nfailed + 1))
	echo "not ok $ntests - $1"
	shift
	for line in "$@"; do
		echo "# $line"
	done
	if [ -s "$T/out" ]; then sed 's/^/# out: /' "$T/out" | head -20; fi
	if [ -s "$T/err" ]; then sed 's/^/# err: /' "$T/err" | head -20; fi
}

# run CMD...: run it with stdout in $T/out and stderr in $T/err; $rc holds
# the exit status.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect CODE DESC CMD...: the command exits with CODE.
expect() {
	want=$1
	desc=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc, expected $want: $*"
	fi
}

# contains FILE TEXT DESC: FILE holds TEXT (a fixed string).
contains() {
	if grep -qF -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3" "$1 lacks: $2"
	fi
}

lacks() {
	if grep -qF -- "$2" "$1"; then
		not_ok "$3" "$1 holds: $2"
	else
		ok "$3"
	fi
}

# same A B DESC: the two strings are equal.
same() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "got: $1" "expected: $2"
	fi
}

done_testing() {
	echo "1..$ntests"
	[ "$nfailed" -eq 0 ]
	exit $?
}

# poll N CMD...: run CMD every 20 ms until it succeeds, N times at most;
# fails if CMD never did.
poll() {
	poll_left=$1
	shift
	until "$@"; do
		poll_left=$((poll_left - 1))
		[ "$poll_left" -gt 0 ] || return 1
		sleep 0.02
	done
}

# dead PID: PID has exited.
dead() {
	! kill -0 "$1" 2>/dev/null
}

# wait_for PID FILE: until FILE is non-empty or PID has died (10 s at most).
wait_for() {
	poll 500 filled_or_dead "$1" "$2" && [ -s "$2" ]
}
filled_or_dead() {
	[ -s "$2" ] || dead "$1"
}

# reload TEXT: SIGHUP the daemon and wait (10 s at most) until its log
# holds one more line with TEXT: the reload, or its refusal, is done.
reload() {
	n0=$(grep -c "$1" "$T/glossd.log")
	kill -HUP "$daemon_pid"
	poll 500 logged_more "$1" "$n0"
}
logged_more() {
	[ "$(grep -c "$1" "$T/glossd.log")" -gt "$2" ]
}

# need CMD: a test that cannot run without CMD is skipped, said as such.
need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "ok 1 - # SKIP $1 is not installed"
		echo "1..1"
		exit 0
	fi
}

# A curator key and a user key, both unencrypted (the encrypted path has
# its own test in 010-keys.sh).
make_keys() {
	"$GLOSS" keygen -W -s "$T/curator.key" -p "$T/curator.pub" \
	    >/dev/null 2>&1 || return 1
	[ -f "$XDG_CONFIG_HOME/gloss/gloss.key" ] ||
	    "$GLOSS" keygen -W >/dev/null 2>&1 || return 1
	CURATOR=$(tail -n 1 "$T/curator.pub")
}

# named_keys NAME...: an unencrypted key pair for each NAME, in $T/NAME.key
# and $T/NAME.pub; key_of NAME prints its public key.
named_keys() {
	for nk in "$@"; do
		"$GLOSS" keygen -W -s "$T/$nk.key" -p "$T/$nk.pub" \
		    >/dev/null 2>&1 || { echo "Bail out! keygen $nk"; exit 99; }
	done
}
key_of() {
	tail -n 1 "$T/$1.pub"
}

# fingerprint PUBFILE: the first 8 hex digits of the minisign key id, as
# minisign itself writes it in the .pub file's comment.
fingerprint() {
	sed -n 's/^untrusted comment: minisign public key //p' "$1" | cut -c1-8
}

# write_conf [CONFIG LINES...]: glossd's configuration for start_daemon
# (or for a SIGHUP): the curator key, rate limits off, and the lines.
write_conf() {
	{
		echo "curator = $CURATOR"
		echo "rate_key_writes = 0"
		echo "rate_ip_writes = 0"
		echo "rate_ip_reads = 0"
		for line in "$@"; do echo "$line"; done
	} > "$T/glossd.conf"
}

# start_daemon [CONFIG LINES...]: start glossd with a fresh database.
# Rate limits are off unless a test turns them on: the tests post faster
# than any person.
start_daemon() {
	[ -n "${CURATOR:-}" ] || make_keys
	write_conf "$@"
	rm -f "$T/port"
	"$GLOSSD" -d -f "$T/glossd.conf" -p 0 -P "$T/port" -D "$T/gloss.db" \
	    >>"$T/glossd.log" 2>&1 &
	daemon_pid=$!
	if ! wait_for "$daemon_pid" "$T/port"; then
		echo "Bail out! glossd did not start: $(cat "$T/glossd.log")"
		exit 99
	fi
	PORT=$(cat "$T/port")
	SERVER=http://127.0.0.1:$PORT
	export GLOSS_SERVER=$SERVER
}

# daemon_exit: wait (60 s at most) for glossd to exit by itself; its
# exit status in $status, "killed" if it had to be.
daemon_exit() {
	if timeout 60 tail --pid="$daemon_pid" -f /dev/null; then
		wait "$daemon_pid"
		status=$?
	else
		kill -9 "$daemon_pid"	# a glossd that goes on would never exit
		wait "$daemon_pid" 2>/dev/null
		status=killed
	fi
	daemon_pid=
}

# failing_glossd FILE NAME=VALUE...: write FILE, a glossd with the
# failing disk of tests/e2e/failsync.c preloaded and each NAME set.
failing_glossd() {
	failing_file=$1
	shift
	{
		echo '#!/bin/sh'
		for e in "$@"; do
			printf '%s\n' "${e%%=*}='${e#*=}' \\"
		done
		printf '%s\n' \
		    "LD_PRELOAD='$top_builddir/tests/e2e/failsync.so' \\" \
		    'ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \' \
		    "exec '$GLOSSD' \"\$@\""
	} > "$failing_file"
	chmod +x "$failing_file"
}

# gen_volume RID N: a record RID signed by a curator of bench/gen's
# ($T/record.json, the key in $T/gen.pub) and N annotations of it
# ($T/ann.ndjson), to load with bench/httpload ($LOAD).
LOAD=$top_builddir/bench/httpload
gen_volume() {
	"$top_builddir/bench/gen" -r "$1" -s 1 -n 0 -R "$T/record.json" \
	    -K "$T/gen.pub" >/dev/null 2>&1 &&
	    "$top_builddir/bench/gen" -r "$1" -s 2 -n "$2" \
	    -o "$T/ann.ndjson" 2>/dev/null ||
	    { echo "Bail out! bench/gen failed"; exit 99; }
}

# load_volume N: post gen_volume's record and its N annotations to the
# daemon with bench/httpload, as the benchmark loads them; all must be
# stored.
load_volume() {
	"$LOAD" -p "$PORT" -c 1 -d 60 -t record -b "$T/record.json" \
	    >"$T/load" 2>&1
	"$LOAD" -p "$PORT" -c 4 -d 300 -t load -b "$T/ann.ndjson" \
	    >>"$T/load" 2>&1
	contains "$T/load" " ok=$1 " "the $1 annotations are stored"
}

# stop_daemon: SIGTERM, then glossd must exit 0 with a clean log.
stop_daemon() {
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	status=$?
	daemon_pid=
	same "$status" 0 "glossd exits 0 on SIGTERM"
	if grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$T/glossd.log"
	then
		not_ok "glossd log is free of sanitizer reports" \
		    "$(grep -E 'Sanitizer|runtime error' "$T/glossd.log" | head -3)"
	else
		ok "glossd log is free of sanitizer reports"
	fi
}

# start_second NAME: a second glossd, configured by $T/NAME.conf, with
# its database $T/NAME.db (empty unless the test made one) and its log
# in $T/NAME.log; its address in $B.  One runs at a time.
start_second() {
	"$GLOSSD" -d -f "$T/$1.conf" -p 0 -P "$T/$1.port" -D "$T/$1.db" \
	    >>"$T/$1.log" 2>&1 &
	second_pid=$!
	if ! wait_for "$second_pid" "$T/$1.port"; then
		echo "Bail out! glossd $1 did not start: $(cat "$T/$1.log")"
		exit 99
	fi
	B=http://127.0.0.1:$(cat "$T/$1.port")
}

# stop_second NAME: as stop_daemon, for start_second's glossd.
stop_second() {
	kill -TERM "$second_pid"
	wait "$second_pid"
	status=$?
	second_pid=
	same "$status" 0 "glossd $1 exits 0 on SIGTERM"
	if grep -qE 'Sanitizer|runtime error' "$T/$1.log"; then
		not_ok "glossd $1's log is free of sanitizer reports" \
		    "$(grep -E 'Sanitizer|runtime error' "$T/$1.log" | head -3)"
	else
		ok "glossd $1's log is free of sanitizer reports"
	fi
}

# import_record: the shared CVPR record, by the curator.
import_record() {
	"$GLOSS" -k "$T/curator.key" record import "$RECORD" >/dev/null 2>&1
}

# statements: how many statements the daemon holds.
statements() {
	curl -s "$SERVER/healthz" | sed -n 's/.*"statements":\([0-9]*\).*/\1/p'
}

# error_code: the "code" of the JSON error in $T/out.
error_code() {
	sed -n 's/.*"code":"\([a-z0-9_]*\)".*/\1/p' "$T/out"
}

# post_raw FILE: POST FILE's bytes; $T/out gets the body, $http the status.
post_raw() {
	http=$(curl -s -o "$T/out" -w '%{http_code}' -H \
	    'Content-Type: application/json' --data-binary @"$1" \
	    "$SERVER/v1/statements")
}

# canonical_annotation AUTHOR CREATED TEXT: a canonical annotation
# statement (members already in JCS order, no whitespace) on stdout.
canonical_annotation() {
	printf '{"author":"%s","created":"%s","kind":"comment","record":"%s","text":"%s","type":"annotation","v":1}' \
	    "$1" "$2" "$RID" "$3"
}

# tick: wait until the wall clock shows the next second.  Statements and
# signed requests are dated to the second, and revisions, profiles and
# link reviews are ordered by (created, id), so what is made after a tick
# is dated later.  It waits on the clock, not on a daemon.
tick() {
	t0=$(date +%s)
	while [ "$(date +%s)" = "$t0" ]; do sleep 0.05; done
}

now_utc() {
	date -u +%Y-%m-%dT%H:%M:%SZ
}

# sign_minisign FILE SECKEY [TRUSTED]: sign FILE with the stock minisign;
# the trusted comment defaults to gloss's, naming FILE's SHA-256.
sign_minisign() {
	id=$(sha256sum "$1" | cut -d' ' -f1)
	minisign -S -s "$2" -m "$1" -x "$1.minisig" \
	    -t "${3:-gloss/1 id=$id}" </dev/null >/dev/null
}

# reqsig WHO METHOD TARGET TS: an Authorization value (DESIGN.md §3) by
# the key in $T/WHO.key and $T/WHO.pub.  minisign -l makes a legacy
# signature, which is Ed25519 over the file's bytes themselves: here
# "gloss-req/1\nMETHOD\nTARGET\nTS".
reqsig() {
	printf 'gloss-req/1\n%s\n%s\n%s' "$2" "$3" "$4" > "$T/req.msg"
	rm -f "$T/req.msg.minisig"
	minisign -S -l -s "$T/$1.key" -m "$T/req.msg" </dev/null \
	    >/dev/null 2>&1 || return 1
	printf 'Gloss key=%s, ts=%s, sig=%s' "$(tail -n 1 "$T/$1.pub")" "$4" \
	    "$(sed -n 2p "$T/req.msg.minisig" | base64 -d | tail -c 64 |
	    base64 | tr -d '\n')"
}

# wire FILE: the POST body for FILE and FILE.minisig.
wire() {
	printf '{"statement":'
	cat "$1"
	printf ',"minisig":"'
	awk '{ printf "%s\\n", $0 }' "$1.minisig"
	printf '"}'
}
