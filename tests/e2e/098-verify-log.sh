#!/bin/sh
# gloss verify-log checks every statement a glossd serves in /v1/log
# against its own bytes, id and signature, so a database changed behind
# glossd's back is caught; --after resumes from a sequence number.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon
import_record
for i in 1 2 3; do
	"$GLOSS" comment "$RID" --talk "$i" -m "Comment $i." >/dev/null 2>&1
done
expect 0 "verify-log checks the whole log" "$GLOSS" verify-log
contains "$T/out" "valid: 4 statements, up to seq 4" "every statement is valid"
expect 0 "verify-log --after 2" "$GLOSS" verify-log --after 2
contains "$T/out" "valid: 2 statements, up to seq 4" "it resumes after seq 2"
expect 0 "verify-log --after past the end" "$GLOSS" verify-log --after 99
same "$(cat "$T/out")" \
    "valid: 0 statements: nothing follows seq 99, the log ends at seq 4" \
    "it says nothing follows and where the log ends"
expect 2 "a bad --after is a usage error" "$GLOSS" verify-log --after x
expect 0 "verify-log --json" "$GLOSS" verify-log --after 1 --json
same "$(jq -c . "$T/out")" \
    '{"after":1,"statements":3,"up_to":4,"valid":true}' \
    "says valid, how many, after and up to which seq, as an object"
expect 0 "verify-log --json past the end" "$GLOSS" verify-log --after 99 --json
same "$(jq -c . "$T/out")" \
    '{"after":99,"log_ends_at":4,"statements":0,"up_to":99,"valid":true}' \
    "says where the log ends there too"
stop_daemon

# Change one stored statement's text behind glossd's back (the log's
# triggers forbid it, so drop them first, as an intruder could).
sqlite3 "$T/gloss.db" "DROP TRIGGER statements_no_update;
    UPDATE statements SET canonical = CAST(replace(CAST(canonical AS TEXT),
    'Comment 2.', 'Comment X.') AS BLOB) WHERE seq = 3;"
start_daemon
expect 1 "verify-log refuses the changed log" "$GLOSS" verify-log
contains "$T/err" "log line seq 3 does not verify" "it names the changed line"
contains "$T/err" "bytes hash to" "its bytes no longer hash to its id"
expect 1 "verify-log --json refuses the changed log" "$GLOSS" --json verify-log
same "$(jq -c . "$T/out")" \
    '{"after":0,"failed_seq":3,"statements":2,"up_to":2,"valid":false}' \
    "the object says invalid and names the changed line"
stop_daemon
done_testing
