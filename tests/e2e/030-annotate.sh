#!/bin/sh
# Annotations: comments, critiques and readings at a talk, a moment or a
# range, with the record's limits enforced by the daemon.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon "max_text = 100" "max_links = 2"
import_record

expect 0 "a critique at 01:09:29" \
    "$GLOSS" critique "$RID" --at 1:09:29 -m "Translation framing hides the alignment cost."
crit=$(cat "$T/out")
same "$(printf %s "$crit" | grep -cE '^[0-9a-f]{64}$')" 1 \
    "post prints the statement id"
expect 0 "the critique verifies" "$GLOSS" verify "$crit"
contains "$T/out" "valid: annotation $crit" "verify says valid"
expect 0 "show the critique" "$GLOSS" show "$crit"
contains "$T/out" "01:09:29" "show gives the time"
contains "$T/out" "critique" "show gives the kind"
contains "$T/out" "Translation framing" "show gives the text"
lacks "$T/out" "status" "and no status line for a visible annotation"

expect 0 "three -m are three paragraphs" "$GLOSS" comment "$RID" --talk 3 \
    -m "First paragraph." -m "Second paragraph." -m "Third paragraph."
paras=$(cat "$T/out")
same "$(curl -s "$SERVER/v1/annotations/$paras" | jq -r .text)" \
    "$(printf 'First paragraph.\n\nSecond paragraph.\n\nThird paragraph.')" \
    "joined by blank lines, as git commit does"
expect 0 "a comment on a whole talk" "$GLOSS" comment "$RID" --talk 2 \
    -m "Clear overview of encoders."
expect 0 "a reading over a range, talk-relative, with a titled link" \
    "$GLOSS" reading "$RID" --talk 5 --at +4:00-+5:30 \
    --link https://arxiv.org/abs/2304.08485 --title "Visual Instruction Tuning" \
    -m "The LLaVA paper."
reading=$(cat "$T/out")
expect 0 "show --json" "$GLOSS" show "$reading" --json
contains "$T/out" '"start": 4409000' "+4:00 in talk 5 is 01:13:29"
contains "$T/out" '"end": 4499000' "+5:30 in talk 5 is 01:14:59"
contains "$T/out" '"title": "Visual Instruction Tuning"' "the link keeps its title"

expect 0 "a reply" "$GLOSS" post "$RID" --kind comment --reply-to "$crit" \
    -m "Agreed."
echo "Text from a file." > "$T/text"
expect 0 "text from -F" "$GLOSS" comment "$RID" -F "$T/text"
printf 'Written elsewhere.\r\nSecond line.\r\n' > "$T/crlf"
expect 0 "text from -F with CR LF line ends" "$GLOSS" comment "$RID" \
    -F "$T/crlf"
same "$(curl -s "$SERVER/v1/annotations/$(cat "$T/out")" | jq -r .text)" \
    "$(printf 'Written elsewhere.\nSecond line.')" "is sent with LF line ends"
printf 'Over\rwritten.\n' > "$T/cr"
expect 2 "a CR alone is refused" "$GLOSS" comment "$RID" -F "$T/cr"
contains "$T/err" \
    'member "text" holds a control character, U+000D, at line 1, column 5' \
    "naming the character and where it is"
expect 0 "text from stdin" sh -c "echo 'Piped text.' | '$GLOSS' comment '$RID'"

max=$(printf '%0100d' 0)
expect 0 "a text of exactly max_text bytes is accepted" \
    "$GLOSS" comment "$RID" -m "$max"
expect 1 "one byte over max_text is refused" "$GLOSS" comment "$RID" -m "${max}0"
contains "$T/err" "text_too_long" "the refusal is text_too_long"
expect 0 "max_links links are accepted" "$GLOSS" reading "$RID" \
    --link https://a.example/1 --link https://a.example/2 -m "two"
expect 1 "one link over max_links is refused" "$GLOSS" reading "$RID" \
    --link https://a.example/1 --link https://a.example/2 \
    --link https://a.example/3 -m "three"
contains "$T/err" "too_many_links" "the refusal is too_many_links"

expect 1 "talk 10 of 9 is refused" "$GLOSS" comment "$RID" --talk 10 -m x
contains "$T/err" "talk_out_of_range" "the refusal is talk_out_of_range"
expect 1 "a time past the recording is refused" \
    "$GLOSS" comment "$RID" --at 4:38:00 -m x
contains "$T/err" "time_outside_record" "the refusal is time_outside_record"
contains "$T/err" "04:38:00 is past the end of the recording, which ends at \
04:38:00" "and says where the recording ends"
expect 2 "a negative time is refused by the client" \
    "$GLOSS" comment "$RID" --at -1:09:29 -m x
contains "$T/err" "negative times are not accepted" "saying so"
expect 1 "a time outside the given talk is refused" \
    "$GLOSS" comment "$RID" --talk 4 --at 1:09:29 -m x
contains "$T/err" "time_outside_talk" "the refusal is time_outside_talk"
contains "$T/err" "01:09:29 lies outside talk 4, which starts at 01:01:00 \
and ends at 01:09:29" "and says where the talk starts and ends"
expect 0 "the last millisecond of a talk is inside it" \
    "$GLOSS" comment "$RID" --talk 4 --at 1:09:28.999 -m "just in time"
expect 1 "an unknown record is refused" "$GLOSS" comment nosuch -m x
contains "$T/err" "unknown_record" "the refusal is unknown_record"
expect 1 "a reply to an unknown annotation is refused" "$GLOSS" comment \
    "$RID" --reply-to "$(printf '%064d' 0)" -m x
contains "$T/err" "unknown_annotation" "the refusal is unknown_annotation"
expect 2 "a reading without a link is refused by the client" \
    "$GLOSS" reading "$RID" -m "no link"
expect 2 "a range that ends before it starts is refused by the client" \
    "$GLOSS" comment "$RID" --at 1:10:00-1:09:00 -m x
expect 2 "an empty text is refused" "$GLOSS" comment "$RID" -m ""
expect 2 "a javascript: link is refused" "$GLOSS" reading "$RID" \
    --link "javascript:alert(1)" -m x
# Commands run side by side with one key take a second each: the same
# text posted five times at once is five statements, none a repeat.
pids=
for i in 1 2 3 4 5; do
	"$GLOSS" comment "$RID" --talk 2 -m "Said at once." \
	    >"$T/par$i.out" 2>"$T/par$i.err" &
	pids="$pids $!"
done
wait $pids	# not a bare wait: glossd is a job of this shell too
same "$(cat "$T"/par?.out | grep -E '^[0-9a-f]{64}$' | sort -u | wc -l)" 5 \
    "five parallel posts with one key make five statements"
cat "$T"/par?.err > "$T/err"
: > "$T/out"
lacks "$T/err" "nothing changed" "and none of them is taken for a repeat"
same "$(statements)" 17 "exactly the accepted statements were stored"
stop_daemon
done_testing
