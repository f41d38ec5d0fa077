#!/bin/sh
# A page the checkpointing thread copied into the database that the
# kernel reports lost (sync_file_range fails with EIO: failsync.c,
# preloaded into glossd) is final, as a failed sync of the WAL is
# (docs/design.md §8, 56): a partial checkpoint may already count the
# page as copied, and the database's next sync would not report it
# again.  glossd answers 503 disk_failed and stops, exiting 1; started
# again on a good disk it has every statement it acknowledged, and its
# log verifies.  The load comes from bench/gen through bench/httpload,
# enough for the WAL to pass the checkpointer's first step.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

RID=writeback-rec
N=2000

gen_volume "$RID" "$N"
failing_glossd "$T/glossd-failing" "GLOSS_FAILWRITEBACK=$T/writeback-fails"
real_glossd=$GLOSSD
GLOSSD=$T/glossd-failing
start_daemon "curator = $(tail -n 1 "$T/gen.pub")"
GLOSSD=$real_glossd
"$LOAD" -p "$PORT" -c 1 -d 60 -t record -b "$T/record.json" \
    >"$T/load" 2>&1
contains "$T/load" " ok=1 " "the record is stored"

: > "$T/writeback-fails"
"$LOAD" -p "$PORT" -c 4 -d 300 -t load -b "$T/ann.ndjson" >"$T/load" 2>&1
daemon_exit
same "$status" 1 "a lost page of a checkpoint stops glossd, exiting 1"
contains "$T/glossd.log" "sync_file_range: Input/output error" \
    "it logs the lost write"
contains "$T/glossd.log" "the WAL cannot be made durable; stopping" \
    "and that it stops"
lacks "$T/glossd.log" "Sanitizer" "with no sanitizer report on the way"
acked=$(sed -n 's/.* ok=\([0-9]*\) .*/\1/p' "$T/load")
if [ -n "$acked" ] && [ "$acked" -lt "$N" ]; then
	ok "it stopped before the load ended ($acked of $N acknowledged)"
else
	not_ok "it stopped before the load ended" "$(cat "$T/load")"
fi
if grep -Eq 'statuses=([0-9]+,)*503(,|$)' "$T/load"; then
	ok "a write after the loss is answered 503"
else
	not_ok "a write after the loss is answered 503" "$(cat "$T/load")"
fi

rm -f "$T/writeback-fails"
start_daemon "curator = $(tail -n 1 "$T/gen.pub")"
n=$(statements)
if [ "$n" -ge "$((acked + 1))" ] && [ "$n" -le "$((N + 1))" ]; then
	ok "started again, it has every acknowledged statement ($n)"
else
	not_ok "started again, it has every acknowledged statement" \
	    "$n stored, $acked acknowledged"
fi
expect 0 "and its log verifies whole" "$GLOSS" verify-log
stop_daemon
done_testing
