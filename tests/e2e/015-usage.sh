#!/bin/sh
# Usage: -h and --help after any command print its usage on standard
# output and exit 0.  No server is needed: nothing here gets that far.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

# helps DESC USAGE CMD...: CMD prints "usage: gloss USAGE" on standard
# output, nothing on standard error, and exits 0.
helps() {
	d=$1
	u=$2
	shift 2
	expect 0 "$d exits 0" "$GLOSS" "$@"
	same "$(cat "$T/out")" "usage: gloss $u" "$d prints the usage"
	same "$(cat "$T/err")" "" "$d says nothing on standard error"
}

post="comment RID [post options]"
helps "comment -h" "$post" comment -h
helps "comment --help" "$post" comment --help
helps "--help after operands and options" "$post" \
    comment some-record --talk 2 --help
mod=$("$GLOSS" -h | sed -n 's/^  gloss \(mod queue .*\)/\1/p')
helps "mod -h, before an action" "$mod" mod -h
helps "mod approve --help, after one" "$mod" mod approve --help
helps "keygen -h" "keygen [-W] [-f] [-p pubfile] [-s secfile]" keygen -h
[ ! -e "$XDG_CONFIG_HOME/gloss/gloss.key" ] && ok "keygen -h made no key" ||
    not_ok "keygen -h made no key"
helps "records --help" "records" records --help
helps "verify-log -h" "verify-log [--after SEQ]" verify-log -h
helps "export -h" "export ID|RID -o DIR" export -h

# -h as an option's value is that value, not a request for help.
expect 2 "-m -h is a text" "$GLOSS" -k "$T/none.key" comment some-record \
    -m -h
contains "$T/err" "none.key" "it went on to load the key"
done_testing
