#!/bin/sh
# Usage: a usage error says what is wrong in one line, then the command's
# usage, and exits 2; -h and --help after any command print its usage on
# standard output and exit 0.  No server is needed: nothing here gets
# that far.
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
helps "mod queue -h" "$mod" mod queue -h
helps "mod log --help" "$mod" mod log --help
case $mod in
*"mod lock|unlock RID [--talk N] [--reason TEXT]"*)
	ok "mod's usage says that lock and unlock take a --reason" ;;
*)	not_ok "mod's usage says that lock and unlock take a --reason" "$mod" ;;
esac
helps "keygen -h" "keygen [-W] [-f] [-p pubfile] [-s secfile]" keygen -h
[ ! -e "$XDG_CONFIG_HOME/gloss/gloss.key" ] && ok "keygen -h made no key" ||
    not_ok "keygen -h made no key"
helps "records --help" "records" records --help
helps "verify-log -h" "verify-log [--after SEQ] [--json]" verify-log -h
helps "export -h" "export ID|RID -o DIR" export -h

# misuses DESC MESSAGE CMD...: CMD exits 2, and says "gloss: MESSAGE" and
# then its usage, as -h prints it, on standard error.
misuses() {
	d=$1
	m=$2
	shift 2
	expect 2 "$d exits 2" "$GLOSS" "$@"
	same "$(head -n 1 "$T/err")" "gloss: $m" "$d says what is wrong"
	same "$(tail -n +2 "$T/err")" "$("$GLOSS" "$1" -h)" "$d: then the usage"
}

misuses "flag without --reason" "flag: --reason is required" flag ID
misuses "a mistyped mod action" "mod: unknown action \"aprove\" (queue, \
log, approve, reject, hide, restore, ban, unban, trust, lock or unlock)" \
    mod aprove ID
misuses "mod approve --talk" "mod: --talk is for lock and unlock" \
    mod approve ID --talk 2
misuses "mod lock --talk 0" "mod: --talk takes a number from 1 to 1000" \
    mod lock RID --talk 0
for talk in abc 0 1.5; do
	misuses "list --talk $talk" "list: --talk takes a number from 1 to \
1000" list RID --talk "$talk"
done
misuses "list --author 6AE9" "list: --author needs a whole public key \
(RW..., 56 characters) or its key id (8 to 16 hex digits), not \"6AE9\"" \
    list RID --author 6AE9

# A value outside a fixed set is refused before the server is asked (none
# answers here), naming the set.
misuses "list --kind critic" "list: --kind must be comment, critique or \
reading, not \"critic\"" list RID --kind critic
misuses "search --kind" "search: --kind must be comment, critique or reading, \
not \"note\"" search words --kind note
misuses "post --kind" "post: --kind must be comment, critique or reading, not \
\"critic\"" post RID --kind critic -m text
misuses "reading --status" "reading: --status must be all, unreviewed, \
reviewed, ok, relevant, irrelevant, broken, moved, paywalled, duplicate or \
spam, not \"good\"" reading RID --status good
misuses "review --status" "review: --status must be all, unreviewed, \
reviewed, ok, relevant, irrelevant, broken, moved, paywalled, duplicate or \
spam, not \"good\"" review RID --status good
misuses "reading --format" "reading: --format must be json, bibtex or markdown, \
not \"md\"" reading RID --format md
misuses "flag --reason" "flag: --reason must be spam, abuse, off-topic, \
incorrect, broken-link or other, not \"rude\"" flag ID --reason rude
misuses "review-link --verdict" "review-link: --verdict must be ok, relevant, \
irrelevant, broken, moved, paywalled, duplicate or spam, not \"good\"" \
    review-link ID URL --verdict good
misuses "links check --concurrency 0" \
    "links: --concurrency takes a number from 1 to 64" \
    links check RID --concurrency 0
misuses "links check --timeout 301" \
    "links: --timeout takes a number from 1 to 300" \
    links check RID --timeout 301
misuses "links check --talk x" "links: --talk takes a number from 1 to 1000" \
    links check RID --talk x
misuses "a mistyped links action" "links: unknown action \"chek\"" \
    links chek RID
misuses "an action holding an escape sequence" \
    "links: unknown action \"x?]0;owned?\"" \
    links "$(printf 'x\033]0;owned\007')"
misuses "a long word, cut short" \
    "links: unknown action \"checkcheckcheckcheckcheckchec...\"" \
    links checkcheckcheckcheckcheckcheckcheck
misuses "a word of 32 characters, whole" \
    "links: unknown action \"checkcheckcheckcheckcheckcheckch\"" \
    links checkcheckcheckcheckcheckcheckch
misuses "a mistyped record action" "record: unknown action \"shwo\"" \
    record shwo RID
misuses "a mistyped profile action" "profile: unknown action \"get\"" \
    profile get
misuses "profile set without --name" "profile: --name is required" \
    profile set --url http://example.org
misuses "review --format" "review: --format is for gloss reading" \
    review RID --format json
misuses "reading --talk 0" "reading: --talk takes a number from 1 to 1000" \
    reading RID --talk 0
misuses "review-link without --verdict" "review-link: --verdict is required" \
    review-link ID http://example.org
misuses "list --limit 0" "list: --limit takes a number of at least 1" \
    list RID --limit 0
misuses "post without --kind" "post: --kind is required" post RID -m text
misuses "comment --talk 1001" \
    "comment: --talk takes a number from 1 to 1000" \
    comment RID --talk 1001 -m text
misuses "comment -m and -F" "comment: -m and -F cannot both be given" \
    comment RID -m text -F file
misuses "reply --reply-to" "reply: --reply-to is for new annotations" \
    reply ID --reply-to ID -m text
misuses "export without -o" "export: -o is required" export ID
misuses "verify-log --after -1" \
    "verify-log: --after takes a number of at least 0" verify-log --after -1
misuses "verify-log --after one past the largest number" \
    "verify-log: --after takes a number of at least 0" \
    verify-log --after 9223372036854775808
misuses "list --limit past the largest number" \
    "list: --limit takes a number of at least 1" \
    list RID --limit 99999999999999999999

# A missing operand is named as the usage line names it; one too many is
# quoted back.
misuses "list without a record" "list: missing RID" list
misuses "list with two records" "list: unexpected operand \"b\"" list a b
misuses "comment without a record" "comment: missing RID" comment -m text
expect 2 "a text given without -m" "$GLOSS" comment RID "It misleads."
same "$(head -n 2 "$T/err")" "gloss: comment: unexpected operand \"It misleads.\"
gloss: comment: a text goes after -m, or comes from -F or standard input" \
    "says so, and where a text goes"
misuses "reply without an id" "reply: missing ID" reply -m text
misuses "review-link without a URL" "review-link: missing URL" \
    review-link ID --verdict ok
misuses "search without a query" "search: missing QUERY" search
misuses "search with three operands" "search: unexpected operand \"c\"" \
    search a b c
misuses "mod without an action" "mod: missing action" mod
misuses "mod approve without an id" "mod: missing ID" mod approve
misuses "mod queue with two records" "mod: unexpected operand \"b\"" \
    mod queue a b
misuses "record without an action" "record: missing action" record
misuses "links without an action" "links: missing action" links
misuses "keygen with an operand" "keygen: unexpected operand \"x\"" \
    keygen x
misuses "verify-log with an operand" \
    "verify-log: unexpected operand \"x\"" verify-log x
misuses "export without an id" "export: missing ID|RID" export -o dir
misuses "import-log without a source" "import-log: missing SOURCE-URL" \
    import-log

# Options getopt refuses are said in gloss's words too.
misuses "an unknown short option" "list: unknown option -x" list RID -x
misuses "an option letter that is an escape" "list: unknown option -?" \
    list RID "$(printf -- '-\033')"
misuses "an unknown long option" "list: unknown option --bogus" \
    list RID --bogus
misuses "a long option without its value" "list: --talk needs a value" \
    list RID --talk
misuses "a short option without its value" "comment: -m needs a value" \
    comment RID -m
misuses "an option where a value should be" "comment: --at needs a value" \
    comment RID --at -m text
misuses "a long option where a short one's value should be" \
    "comment: -F needs a value" comment RID -F --talk 2
misuses "-h where a value should be" "list: --kind needs a value" \
    list RID --kind -h
misuses "a value given to an option that takes none" \
    "list: --json takes no value" list RID --json=1
misuses "an unknown option after a mod action" "mod: unknown option -x" \
    mod approve ID -x
expect 2 "an unknown option of gloss itself" "$GLOSS" --bogus list RID
same "$(head -n 2 "$T/err")" "gloss: unknown option --bogus
usage: gloss [-S server] [-k secfile] [--json] command [args]" \
    "says so in the same words, then the usage"
expect 2 "gloss -k without its value" "$GLOSS" -k
same "$(head -n 1 "$T/err")" "gloss: -k needs a value" "says so"
expect 2 "gloss -k followed by an option" "$GLOSS" -k --json list RID
same "$(head -n 1 "$T/err")" "gloss: -k needs a value" "says so"

# An operand that must be a statement's id (or its first 4 or more
# digits, which the server resolves: tests/e2e/170-id-prefix.sh) is
# checked before anything is asked or signed, and refused in the
# command's words, not a member's name.
notid() {
	expect 2 "$1 with an operand that is not an id" "$GLOSS" "$@"
	case $1 in
	mod)	bad=$3 ;;
	*)	bad=$2 ;;
	esac
	# quoted as cmd_word does: cut to 32 characters with "..."
	bad=$(printf '%s\n' "$bad" |
	    awk '{ print (length($0) > 32 ? substr($0, 1, 29) "..." : $0) }')
	same "$(cat "$T/err")" \
	    "gloss: $1: \"$bad\" is not a statement id: an id is 64 hex digits, or its first 4 or more, in either case" \
	    "$1 quotes it and says what an id is"
}
notid endorse 123
notid unendorse "$(printf '%065d' 0)"
notid retract "$(printf '%063dx' 0)"
notid show 12
notid thread ABCG
notid history 12
notid flag ID --reason spam
notid reply 12 -m text
notid edit 12 -m text
notid review-link 12 https://example.org/ --verdict ok
notid mod approve 12
misuses "comment --reply-to 123" \
    "comment: --reply-to takes a statement id, not \"123\": an id is 64 hex digits, or its first 4 or more, in either case" \
    comment RID --reply-to 123 -m text

# -h as an option's value is that value, not a request for help.
expect 2 "-m -h is a text" "$GLOSS" -k "$T/none.key" comment some-record \
    -m -h
contains "$T/err" "none.key" "it went on to load the key"
done_testing
