#!/bin/sh
# Flags hide an annotation for review only while no moderator has shown
# it again: a restore after a reject or a hide sticks, and a flag from a
# key that is not trusted never hides anything, even one whose earlier
# flaggers were trusted since.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys mod f1 f2 n1 n2 u
start_daemon "moderator = $(key_of mod)" "flag_threshold = 2"
import_record
mod() { expect 0 "$1" "$GLOSS" -k "$T/mod.key" mod "$2" "$3"; }
flag() { expect 0 "$1" "$GLOSS" -k "$T/$2.key" flag "$3" --reason spam; }
listed() {
	run "$GLOSS" list "$RID"
	if [ "$1" = yes ]; then
		contains "$T/out" "id $2" "$3"
	else
		lacks "$T/out" "id $2" "$3"
	fi
}
post() { "$GLOSS" comment "$RID" --talk 2 -m "$1" 2>/dev/null; }

expect 0 "trust f1" "$GLOSS" -k "$T/mod.key" mod trust "$(key_of f1)"
expect 0 "trust f2" "$GLOSS" -k "$T/mod.key" mod trust "$(key_of f2)"

a=$(post "Flagged, rejected, restored.")
flag "f1 flags a" f1 "$a"
flag "f2 flags a" f2 "$a"
listed no "$a" "two trusted flags hide a"
expect 0 "the moderator rejects a" \
    "$GLOSS" -k "$T/mod.key" mod reject "$a" --reason "Looks bad."
mod "and restores it" restore "$a"
listed yes "$a" "a is listed again"
flag "an untrusted key flags a" u "$a"
listed yes "$a" "the restore sticks: a stays listed"
expect 0 "gloss show of a" "$GLOSS" show "$a"
contains "$T/out" "| Flagged, rejected, restored." "shows its text"
lacks "$T/out" "by flags" "and does not say flags hid it"

b=$(post "Flagged once, hidden, restored.")
flag "f1 flags b" f1 "$b"
expect 0 "the moderator hides b" \
    "$GLOSS" -k "$T/mod.key" mod hide "$b" --reason "A look."
mod "and restores it" restore "$b"
flag "f2 flags b: two trusted flags" f2 "$b"
listed yes "$b" "a restore after a hide sticks too"

c=$(post "Flagged by keys trusted later.")
flag "n1, not trusted, flags c" n1 "$c"
flag "n2, not trusted, flags c" n2 "$c"
listed yes "$c" "untrusted flags do not count"
expect 0 "trust n1" "$GLOSS" -k "$T/mod.key" mod trust "$(key_of n1)"
expect 0 "trust n2" "$GLOSS" -k "$T/mod.key" mod trust "$(key_of n2)"
flag "an untrusted key flags c" u "$c"
listed yes "$c" "an untrusted flag never hides"
flag "a moderator flags c" mod "$c"
listed no "$c" "a flag that counts does, at the threshold"

stop_daemon
done_testing
