#!/bin/sh
# Records: a curator imports the shared CVPR record; anyone can read it;
# nobody else can create one, and an id is taken only once.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon
expect 0 "the curator imports the shared record" \
    "$GLOSS" -k "$T/curator.key" record import "$RECORD"
same "$(cat "$T/out")" "$RID" "import prints the record id"
contains "$T/err" "9 talks" "import says how many talks it read"

expect 0 "record show" "$GLOSS" record show "$RID"
contains "$T/out" "From Multimodal LLM to Human-level AI" "show has the title"
contains "$T/out" "CVPR 2024 · 04:38:00" "show has the event and duration"
contains "$T/out" \
    "5  01:09:29-02:57:59  Yuan-Hong Liao: How to Create Multimodal" \
    "talk 5 runs from its start to the next talk's start"
contains "$T/out" "7  03:28:28-03:28:59  Ao Zhang: Efficient MLLM" \
    "a 31-second talk keeps its span"
contains "$T/out" "9  03:33:08-04:38:00  Multiple: Panel Discussion" \
    "the last talk ends at the record's duration"
expect 0 "record show --json" "$GLOSS" record show "$RID" --json
contains "$T/out" '"end": 16680000' "the JSON gives the last end in ms"

expect 0 "records lists it" "$GLOSS" records
contains "$T/out" "$RID" "the listing names the record"

sed '1s/^From/FROM/' "$RECORD" > "$T/changed.txt"
expect 1 "a record id cannot be taken twice" \
    "$GLOSS" -k "$T/curator.key" record import --id "$RID" "$T/changed.txt"
contains "$T/err" "record_exists" "the refusal is record_exists (409)"
expect 1 "a key that is not a curator's cannot create records" \
    "$GLOSS" record import --id other "$RECORD"
contains "$T/err" "not_curator" "the refusal is not_curator (403)"
expect 0 "--id picks the record id" \
    "$GLOSS" -k "$T/curator.key" record import --id mllm.copy-2 "$RECORD"
same "$(cat "$T/out")" "mllm.copy-2" "the chosen id is printed"
expect 2 "a bad record id is refused before signing" \
    "$GLOSS" -k "$T/curator.key" record import --id "Bad Id" "$RECORD"

printf 'Title\nEvent: X · Duration: 10 min\nTalks (1)\n- 00:1x:00 — A: B\n' \
    > "$T/broken.txt"
expect 2 "a broken record file is refused" \
    "$GLOSS" -k "$T/curator.key" record import "$T/broken.txt"
contains "$T/err" "line 4" "the error names the line"
expect 2 "a missing file is refused" \
    "$GLOSS" -k "$T/curator.key" record import "$T/missing.txt"
expect 1 "an unknown record is not found" "$GLOSS" record show nosuch
contains "$T/err" "unknown_record" "the refusal is unknown_record (404)"
same "$(statements)" 2 "only the two imports were stored"
stop_daemon
done_testing
