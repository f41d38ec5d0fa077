#!/bin/sh
# The daemon as an operator sees it: -n checks, bad configuration, a
# database from the future, loopback by default, SIGINT, detaching,
# kill -9 durability, disks that fail to sync, and (on a build without
# sanitizers) a leak-free shutdown under valgrind.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
echo "curator = $CURATOR" > "$T/ok.conf"
expect 0 "glossd -n accepts a good configuration" \
    "$GLOSSD" -n -f "$T/ok.conf" -D "$T/n.db"
contains "$T/out" "configuration OK: 1 curator(s)" "-n reports what it checked"
printf 'curator = %s\nport = 65536\n' "$CURATOR" > "$T/bad.conf"
expect 1 "glossd -n refuses a bad configuration" \
    "$GLOSSD" -n -f "$T/bad.conf" -D "$T/n.db"
contains "$T/err" "bad.conf:2: port must be a number from 0 to 65535" \
    "the error names the file, line and limit"
printf 'colour = blue\n' > "$T/unknown.conf"
expect 1 "an unknown key is refused" "$GLOSSD" -n -f "$T/unknown.conf"
contains "$T/err" 'unknown key "colour"' "the error names the key"
expect 1 "a missing configuration file is refused" \
    "$GLOSSD" -n -f "$T/none.conf"
expect 2 "an unknown flag is a usage error" "$GLOSSD" -x
sqlite3 "$T/future.db" "PRAGMA user_version = 99;"
expect 1 "a database from a newer glossd is refused" \
    "$GLOSSD" -n -D "$T/future.db"
contains "$T/err" "newer than this glossd" "the error says why"

start_daemon
contains "$T/glossd.log" "listening on 127.0.0.1 port $PORT" \
    "glossd listens on 127.0.0.1 by default"
expect 0 "healthz" curl -sf "$SERVER/healthz"
contains "$T/out" '"status":"ok"' "healthz says ok"
printf 'HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    "$RAWHTTP" "$PORT" > "$T/head"
contains "$T/head" "Content-Length: $(wc -c < "$T/out")" \
    "HEAD gives the length a GET would"
lacks "$T/head" '"status"' "HEAD sends no body"
import_record
expect 0 "post" "$GLOSS" critique "$RID" --at 1:09:29 -m "Durable."
id=$(cat "$T/out")
expect 0 "the log feed is NDJSON" curl -sf "$SERVER/v1/log?after=1"
same "$(wc -l < "$T/out")" 1 "after=1 holds one line"
contains "$T/out" "\"seq\":2,\"id\":\"$id\"" "the line is the critique"
contains "$T/glossd.log" "POST /v1/statements 201" "each request is logged"
expect 0 "a read of the log" curl -sf "$SERVER/v1/log?after=1"
contains "$T/glossd.log" "GET /v1/log?after=1 200 $(wc -c < "$T/out") " \
    "with the length of the body it sent"

# critiques_at_once N NAME TEXT: N critiques "TEXT i." posted at once,
# the i-th's id (if accepted) in $T/NAME.i; prints how many failed.
critiques_at_once() {
	i=0
	pids=
	while [ $i -lt "$1" ]; do
		"$GLOSS" critique "$RID" --at "1:0$((i % 10)):$((10 + i))" \
		    -m "$3 $i." >"$T/$2.$i" 2>"$T/$2.$i.err" &
		pids="$pids $!"
		i=$((i + 1))
	done
	failed=0
	for p in $pids; do
		wait "$p" || failed=$((failed + 1))
	done
	echo "$failed"
}

# Posts that arrive together are committed as one group (group commit),
# each answered only once the group is on disk.
same "$(critiques_at_once 24 par Concurrent)" 0 \
    "24 concurrent posts are all accepted"
same "$(statements)" 26 "a read right after them sees all 24"

kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
start_daemon
expect 0 "after kill -9 the acknowledged critique verifies" \
    "$GLOSS" verify "$id"
same "$(statements)" 26 "and so do the 24 posted at once"
i=0
while [ $i -lt 24 ]; do
	"$GLOSS" verify "$(cat "$T/par.$i")" >/dev/null 2>&1 || break
	i=$((i + 1))
done
same "$i" 24 "each of the 24 ids verifies from the restarted daemon"
kill -INT "$daemon_pid"
wait "$daemon_pid"
same "$?" 0 "glossd exits 0 on SIGINT"
daemon_pid=

# Without -d glossd detaches, but only once it is listening: the command
# returns 0 then, with the port file written, and the detached process
# (which started its verifier, syncer and checkpointing threads after
# the fork) takes posts.  A start-up failure still reaches the terminal
# and the exit status.
rm -f "$T/port"
expect 0 "without -d glossd returns once it is listening" \
    env ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$T/detached-san" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$T/detached-san" \
    "$GLOSSD" -f "$T/glossd.conf" -p 0 -P "$T/port" -D "$T/gloss.db"
if [ -s "$T/port" ]; then
	ok "its port file is there when it returns"
else
	not_ok "its port file is there when it returns"
fi
detached=
for d in /proc/[0-9]*; do
	tr '\0' ' ' < "$d/cmdline" 2>/dev/null |
	    grep -q -- "-D $T/gloss.db" && detached=${d#/proc/}
done
[ -n "$detached" ] || echo "Bail out! the detached glossd is not running"
export GLOSS_SERVER="http://127.0.0.1:$(cat "$T/port")"
expect 0 "the detached glossd takes a post" \
    "$GLOSS" critique "$RID" --at 1:09:35 -m "Detached."
expect 0 "and lists it" "$GLOSS" list "$RID" --at 1:09:35
contains "$T/out" "Detached." "the post is in the list"
kill -TERM "$detached"
timeout 60 tail --pid="$detached" -f /dev/null
if [ -e "$T/port" ]; then
	not_ok "the detached glossd stops on SIGTERM, removing its port file"
else
	ok "the detached glossd stops on SIGTERM, removing its port file"
fi
if ls "$T"/detached-san* >/dev/null 2>&1; then
	not_ok "the detached glossd had no sanitizer report" \
	    "$(cat "$T"/detached-san* | head -3)"
else
	ok "the detached glossd had no sanitizer report"
fi
expect 1 "without -d a start-up failure still exits 1" \
    "$GLOSSD" -f "$T/glossd.conf" -p 0 -D "$T/no/such/dir/gloss.db"
contains "$T/err" "no/such/dir/gloss.db" "and its error reaches the terminal"

# A disk that stops syncing (tests/e2e/failsync.c, preloaded into
# glossd) as it starts: the first commit to a new WAL is synced by SQLite
# itself (its header), so the posts whose group cannot be made durable
# are refused, nothing of them is kept, what was stored before stays, and
# once the disk syncs again glossd takes posts as before.
failing_glossd "$T/glossd-failsync" "GLOSS_FAILSYNC=$T/disk-fails" \
    "GLOSS_SYNCGATE=$T/gate"
real_glossd=$GLOSSD
GLOSSD=$T/glossd-failsync
start_daemon
GLOSSD=$real_glossd
: > "$T/disk-fails"
expect 2 "a post the disk cannot make durable is refused (a server error)" \
    "$GLOSS" critique "$RID" --at 1:09:40 -m "Never durable."
contains "$T/err" "(500 internal_error)" "with a 500"
contains "$T/err" "nothing was changed" "saying nothing was changed"
same "$(critiques_at_once 6 lost "Lost together")" 6 \
    "6 posts at once on that disk are all refused"
rm -f "$T/disk-fails"
same "$(statements)" 27 "nothing of them was kept, nothing before was lost"
expect 0 "the disk syncs again: a post is accepted" \
    "$GLOSS" critique "$RID" --at 1:09:50 -m "Durable again."
again=$(cat "$T/out")
same "$(statements)" 28 "and stored"
stop_daemon
start_daemon
expect 0 "after a restart the post made after the failure verifies" \
    "$GLOSS" verify "$again"
expect 0 "and so does the one acknowledged before it" "$GLOSS" verify "$id"
expect 0 "the log verifies whole" "$GLOSS" verify-log
expect 1 "the log holds no refused post" sh -c \
    "curl -s '$SERVER/v1/log?limit=500' | grep -q 'Never durable\\|Lost together'"
stop_daemon

# A disk that fails once the WAL is under way: a commit's frames are
# written without a sync (synchronous=NORMAL) and the syncer thread's
# fdatasync of them fails.  glossd cannot take the commit back, so it
# answers 503 (the statement may have been stored) and stops, exiting 1:
# a later sync could succeed without the pages the kernel dropped.
# Started again on a good disk it has everything acknowledged before,
# and the statement in doubt can be posted again safely.
minisign -G -W -p "$T/d.pub" -s "$T/d.key" >/dev/null 2>&1
canonical_annotation "$(tail -n 1 "$T/d.pub")" "$(now_utc)" \
    "In doubt." > "$T/d.json"
sign_minisign "$T/d.json" "$T/d.key"
wire "$T/d.json" > "$T/d.body"
GLOSSD=$T/glossd-failsync
start_daemon
GLOSSD=$real_glossd
expect 0 "a post before the disk fails" \
    "$GLOSS" critique "$RID" --at 1:10:00 -m "Before the disk failed."
before=$(cat "$T/out")

# post_gated NAME TEXT: sign an annotation of TEXT and POST it in the
# background; NAME.code gets its status, $gated is the curl, $gid its id.
post_gated() {
	canonical_annotation "$(tail -n 1 "$T/d.pub")" "$(now_utc)" "$2" \
	    > "$T/$1.json"
	sign_minisign "$T/$1.json" "$T/d.key"
	wire "$T/$1.json" > "$T/$1.body"
	gid=$(sha256sum "$T/$1.json" | cut -d' ' -f1)
	curl -s --max-time 60 -o "$T/$1.out" -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    --data-binary @"$T/$1.body" "$SERVER/v1/statements" \
	    > "$T/$1.code" &
	gated=$!
}
# waiting NAME TEXT: the POST of post_gated NAME has no answer yet.
waiting() {
	if kill -0 "$gated" 2>/dev/null && [ ! -s "$T/$1.code" ]; then
		ok "$2"
	else
		not_ok "$2" "$(cat "$T/$1.code")"
	fi
}
# same_bytes A B TEXT: files A and B hold the same bytes.
same_bytes() {
	if cmp -s "$1" "$2"; then ok "$3"; else not_ok "$3"; fi
}
# shut_gate: from now on every sync of glossd's syncer waits at the gate
# (failsync.c) until a byte is written to descriptor 3, which holds the
# FIFO open so that the syncer's open of it returns.
shut_gate() {
	mkfifo "$T/gate"
	exec 3<>"$T/gate"
}
# open_gate: let every sync through from now on (no sync can wait at a
# gate that is gone), and wait for the POST.
open_gate() {
	rm -f "$T/gate" "$T/gate.waiting"
	printf x >&3
	exec 3>&-
	wait "$gated"
}

# A sync held at the gate (failsync.c): the commit is written, but
# neither its 201 nor a read of it goes out before the sync is done.  A
# kept answer (cache.c) of what the disk already has goes out meanwhile.
L="$SERVER/v1/records/$RID/annotations?limit=100"
curl -s -o "$T/kept.before" "$L"
shut_gate
post_gated g "Held at the gate."
wait_for "$daemon_pid" "$T/gate.waiting" ||
    not_ok "the syncer reaches the gate"
expect 28 "a read of the statement waits for the sync (no answer in 2 s)" \
    curl -s --max-time 2 "$SERVER/v1/statements/$gid"
expect 0 "a kept listing the disk has is answered meanwhile" \
    curl -sf --max-time 2 -o "$T/kept.during" "$L"
same_bytes "$T/kept.before" "$T/kept.during" \
    "as it was, without the statement"
waiting g "and so does the POST's 201"
open_gate
same "$(cat "$T/g.code")" 201 "the sync done, the POST is answered 201"
expect 0 "and the read finds it" curl -sf "$SERVER/v1/statements/$gid"
curl -s -o "$T/kept.after" "$L"
contains "$T/kept.after" "Held at the gate." "and so does the listing"

# A kept answer held behind a newer one goes out with the sync of its
# own generation.  The gate holds the sync of post a; a listing asked
# for the first time meanwhile is kept at a's generation and held for
# that sync (its curl gives up, the answer stays kept).  Post b waits in
# the open group (the syncer is busy) until a read commits it: the
# listing is asked again until one of these reads has committed b, and
# that one, the kept answer, is then held behind b's 201.  SQLite's
# count of commits (the WAL index header's iChange, offset 8 of the
# -shm file) tells when b is committed.  The sync of a must send every
# listing, and not b's 201.
commits() { od -An -tu4 -j8 -N4 "$T/gloss.db-shm" | tr -d ' '; }
committed() { [ "$(commits)" != "$n0" ]; }
L="$SERVER/v1/records/$RID/annotations?limit=99"
shut_gate
post_gated a "Synced first."
sent=$gated
wait_for "$daemon_pid" "$T/gate.waiting" ||
    not_ok "the sync of a reaches the gate"
expect 28 "the listing asked first waits for the sync of a" \
    curl -s --max-time 1 -o /dev/null "$L"
n0=$(commits)
post_gated b "Synced second."
n=0
while ! committed && [ $n -lt 100 ]; do
	n=$((n + 1))
	curl -s --max-time 60 -o "$T/again.$n" "$L" &
	sent="$sent $!"
	poll 10 committed
done
committed || not_ok "a read of the listing commits b"
rm -f "$T/gate.waiting"
printf x >&3		# the sync of a goes through
wait_for "$daemon_pid" "$T/gate.waiting" ||
    not_ok "the sync of b reaches the gate"
all=yes
for pid in $sent; do
	poll 500 dead "$pid" || { all=no; break; }
done
same "$all" yes "the sync of a sends a's 201 and every listing held"
same "$(cat "$T/a.code")" 201 "a is answered 201"
curl -s --max-time 2 -o "$T/first.out" "$L"
contains "$T/again.$n" "Synced first." "the kept listing shows a"
lacks "$T/again.$n" "Synced second." "but not b"
same_bytes "$T/first.out" "$T/again.$n" "the kept listing, as asked now"
waiting b "b's 201 waits for its own sync"
open_gate
same "$(cat "$T/b.code")" 201 "the sync of b done, b is answered 201"
n=$(statements)
: > "$T/disk-fails"
post_raw "$T/d.body"
same "$http" 503 "a commit the disk cannot sync is answered 503"
same "$(error_code)" disk_failed "as disk_failed"
contains "$T/out" "posting it again is safe" "saying a retry is safe"
daemon_exit
same "$status" 1 "glossd stops, exiting 1"
contains "$T/glossd.log" "the WAL cannot be made durable; stopping" \
    "and logs why"
lacks "$T/glossd.log" "Sanitizer" "with no sanitizer report on the way"
rm -f "$T/disk-fails"
start_daemon
expect 0 "started again, it has the post acknowledged before" \
    "$GLOSS" verify "$before"
post_raw "$T/d.body"
case $http in
200|201) ok "the statement in doubt posted again is taken ($http)" ;;
*) not_ok "the statement in doubt posted again is taken" "HTTP $http" ;;
esac
same "$(statements)" $((n + 1)) "and stored once"
expect 0 "the log verifies whole after the failure" "$GLOSS" verify-log
stop_daemon

if ! command -v valgrind >/dev/null 2>&1; then
	echo "ok $((ntests += 1)) - # SKIP valgrind is not installed"
elif nm -D "$GLOSSD" 2>/dev/null | grep -q __asan_init ||
    ldd "$GLOSSD" | grep -q libasan; then
	echo "ok $((ntests += 1)) - # SKIP valgrind needs a build without ASan"
else
	rm -f "$T/port"
	valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
	    --log-file="$T/valgrind.log" "$GLOSSD" -d -f "$T/glossd.conf" \
	    -p 0 -P "$T/port" -D "$T/gloss.db" >>"$T/glossd.log" 2>&1 &
	daemon_pid=$!
	wait_for "$daemon_pid" "$T/port" || not_ok "glossd starts under valgrind"
	export GLOSS_SERVER="http://127.0.0.1:$(cat "$T/port")"
	expect 0 "post under valgrind" "$GLOSS" comment "$RID" -m "valgrind"
	expect 0 "list under valgrind" "$GLOSS" list "$RID"
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	same "$?" 0 "valgrind finds no errors or leaks in glossd's shutdown"
	daemon_pid=
	contains "$T/valgrind.log" "ERROR SUMMARY: 0 errors" \
	    "valgrind's summary is clean"
fi
done_testing
