#!/bin/sh
# Keys: gloss keygen writes minisign key files, 0600 secrets, refuses to
# overwrite, encrypts with a passphrase and refuses a wrong one.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

expect 0 "keygen -W writes a key pair" "$GLOSS" keygen -W
key=$(cat "$T/out")
same "$(stat -c %a "$XDG_CONFIG_HOME/gloss/gloss.key")" 600 \
    "the secret key file is mode 0600"
same "$(stat -c %a "$XDG_CONFIG_HOME/gloss")" 700 \
    "the key directory is mode 0700"
same "$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")" "$key" \
    "the printed key is the public key file's key"
same "${#key}" 56 "the public key is a 56-character minisign key"
contains "$XDG_CONFIG_HOME/gloss/gloss.pub" \
    "untrusted comment: minisign public key" "the .pub file is minisign's"

expect 2 "keygen refuses to overwrite a key" "$GLOSS" keygen -W
contains "$T/err" "use -f" "the refusal says how to overwrite"
same "$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")" "$key" \
    "the refused keygen left the key alone"
expect 0 "keygen -f overwrites" "$GLOSS" keygen -W -f
[ "$(cat "$T/out")" != "$key" ] && ok "-f made a new key" ||
    not_ok "-f made a new key"

# The public key file must be another file than the secret key's,
# however spelled, and is not overwritten without -f either.
expect 2 "keygen refuses one file for both keys" \
    "$GLOSS" keygen -W -s "$T/one.key" -p "$T/one.key"
contains "$T/err" "cannot hold both keys" "the refusal says why"
[ ! -e "$T/one.key" ] && ok "no key file was written" ||
    not_ok "no key file was written"
mkdir "$T/sub"
expect 2 "keygen refuses one file for both keys, spelled apart" \
    "$GLOSS" keygen -W -s "$T/two.key" -p "$T/sub/../two.key"
[ ! -e "$T/two.key" ] && ok "no key file was written, spelled apart" ||
    not_ok "no key file was written, spelled apart"
expect 2 "and spelled apart through a directory not yet made" \
    "$GLOSS" keygen -W -s "$T/nd/three.key" -p "$T/nd/../nd/three.key"
[ ! -e "$T/nd/three.key" ] && ok "no key file was written there" ||
    not_ok "no key file was written there"
expect 0 "keygen writes a second pair" \
    "$GLOSS" keygen -W -s "$T/a.key" -p "$T/a.pub"
a_pub=$(cat "$T/a.pub")
ln -s a.key "$T/link.pub"
expect 2 "keygen -f refuses a public key file linked to the secret one" \
    "$GLOSS" keygen -W -f -s "$T/a.key" -p "$T/link.pub"
ln "$T/a.key" "$T/hard.pub"
a_key=$(cat "$T/a.key")
expect 2 "keygen -f refuses a public key file hard-linked to the secret one" \
    "$GLOSS" keygen -W -f -s "$T/a.key" -p "$T/hard.pub"
same "$(cat "$T/a.key")" "$a_key" "the secret key is intact"
expect 2 "keygen refuses to overwrite another key's public file" \
    "$GLOSS" keygen -W -s "$T/b.key" -p "$T/a.pub"
contains "$T/err" "a.pub exists; use -f" "the refusal names the file"
same "$(cat "$T/a.pub")" "$a_pub" "the other key's public file is intact"
expect 2 "and spelled through a directory not yet made" \
    "$GLOSS" keygen -W -s "$T/b.key" -p "$T/nd2/../a.pub"
same "$(cat "$T/a.pub")" "$a_pub" "the other key's public file is intact still"
[ ! -e "$T/b.key" ] && ok "no secret key was written for it" ||
    not_ok "no secret key was written for it"

# A server URL glossd cannot be reached at is refused, saying why.
expect 2 "a server URL with a port past 65535 is refused" \
    "$GLOSS" -S http://127.0.0.1:99999 list some-record
contains "$T/err" "PORT from 1 to 65535" "the refusal names the port"
expect 2 "a server URL with a path is refused" \
    "$GLOSS" -S http://127.0.0.1:1/prefix list some-record
contains "$T/err" "has a path" "the refusal says it is the path"
expect 2 "an https server URL is refused" \
    "$GLOSS" -S https://127.0.0.1:1 list some-record
contains "$T/err" "is not an http:// URL" "the refusal says http:// only"

expect 2 "keygen without -W, passphrase or terminal fails" \
    setsid "$GLOSS" keygen -s "$T/new/dir/nopass.key" -p "$T/nopass.pub"
same "$(cat "$T/err")" "gloss: a passphrase is needed: set \
GLOSS_PASSPHRASE, run on a terminal, or use -W for a key without one" \
    "the error says how to give one, or do without"
[ ! -e "$T/new" ] && ok "nothing was left behind, not even a directory" ||
    not_ok "nothing was left behind, not even a directory"

# A public key that cannot be written (here a directory, even with -f)
# fails the keygen, which takes back the secret key and the directory it
# made for it: half a pair is no use, and would refuse a retry.
mkdir "$T/pubdir"
expect 2 "keygen fails when the public key cannot be written" \
    "$GLOSS" keygen -W -f -s "$T/k/half.key" -p "$T/pubdir"
contains "$T/err" "$T/pubdir" "the error names the public key file"
[ ! -e "$T/k" ] && ok "neither the secret key nor its directory is left" ||
    not_ok "neither the secret key nor its directory is left"
expect 0 "a retry with a writable public key file succeeds" \
    "$GLOSS" keygen -W -s "$T/k/half.key" -p "$T/k/half.pub"

# An empty passphrase would not protect the key: keygen refuses it, from
# the environment or typed, and says how to make a key without one.
GLOSS_PASSPHRASE= expect 2 "keygen refuses an empty GLOSS_PASSPHRASE" \
    "$GLOSS" keygen -s "$T/empty.key" -p "$T/empty.pub"
same "$(cat "$T/err")" "gloss: GLOSS_PASSPHRASE is empty: set it to the \
new key's passphrase, or use -W for a key without one" \
    "the refusal says why and what to do"
[ ! -e "$T/empty.key" ] && ok "no key file was written" ||
    not_ok "no key file was written"

# prompted TEXT: the tmux pane shows TEXT.
prompted() {
	tmux -S "$sock" capture-pane -p | grep -qF "$1"
}
# typed NAME PASS [AGAIN]: keygen of $T/NAME.key in a tmux pane, PASS
# typed once "New passphrase:" shows (it is printed after echo is off,
# which flushes what was typed before), then AGAIN once "Again:" does;
# its exit status and standard error are left in $T/NAME.rc and .err.
typed() {
	tmux -S "$sock" new-session -d -x 200 -y 20 \
	    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME '$GLOSS' keygen \
	    -s '$T/$1.key' -p '$T/$1.pub' 2>'$T/$1.err'; \
	    echo \$? >'$T/$1.rc'; tmux -S '$sock' wait-for -S typed; \
	    tmux -S '$sock' wait-for end"
	poll 500 prompted "New passphrase:" &&
	    tmux -S "$sock" send-keys -l "$2" && tmux -S "$sock" send-keys Enter
	[ $# -lt 3 ] || { poll 500 prompted "Again:" &&
	    tmux -S "$sock" send-keys -l "$3" &&
	    tmux -S "$sock" send-keys Enter; }
	timeout 60 tmux -S "$sock" wait-for typed
	tmux -S "$sock" kill-server 2>/dev/null
}
if command -v tmux >/dev/null 2>&1; then
	sock="$T/tmux"
	# Enter alone, then again as an "Again:" would take it: a keygen
	# that took the empty one ends.
	typed empty "" ""
	same "$(cat "$T/empty.rc")" 2 "keygen refuses an empty typed passphrase"
	same "$(cat "$T/empty.err")" "gloss: the passphrase is empty: type \
one, or use -W for a key without one" "the refusal says why and what to do"
	[ ! -e "$T/empty.key" ] && ok "no key file was written for it" ||
	    not_ok "no key file was written for it"
	# minisign's limit, 1023 bytes, and one past it.
	long=$(printf '%01023d' 0)
	typed long "$long" "$long"
	same "$(cat "$T/long.rc")" 0 "keygen takes a typed passphrase of 1023 bytes"
	typed toolong "${long}1"
	same "$(cat "$T/toolong.rc")" 2 "keygen refuses 1024 typed bytes"
	same "$(cat "$T/toolong.err")" "gloss: the passphrase is longer than \
1023 bytes" "the refusal says why, not cutting it short"
	[ ! -e "$T/toolong.key" ] && ok "no key file was written for that" ||
	    not_ok "no key file was written for that"
else
	for i in 1 2 3 4 5 6 7; do ok "# SKIP tmux is not installed"; done
fi

export GLOSS_PASSPHRASE="correct horse"
expect 0 "keygen with a passphrase encrypts the key" \
    "$GLOSS" keygen -s "$T/enc.key" -p "$T/enc.pub"
contains "$T/err" "secret key: $T/enc.key" "keygen names the files"
lacks "$T/err" "not encrypted" "the key is reported encrypted"
unset GLOSS_PASSPHRASE

# Without GLOSS_PASSPHRASE or a terminal the key cannot be unlocked: one
# line says so, naming the key.
expect 2 "an encrypted key without passphrase or terminal fails" \
    setsid "$GLOSS" -k "$T/enc.key" mine
same "$(cat "$T/err")" "gloss: $T/enc.key: a passphrase is needed: set \
GLOSS_PASSPHRASE or run on a terminal" "one line says why, naming the key"
GLOSS_PASSPHRASE= expect 2 "an empty GLOSS_PASSPHRASE does not unlock it" \
    "$GLOSS" -k "$T/enc.key" mine
same "$(cat "$T/err")" "gloss: $T/enc.key: GLOSS_PASSPHRASE is empty, and \
the key's passphrase is not: set it, or unset it to be asked on the \
terminal" "the refusal says why and what to do"

start_daemon
import_record || not_ok "import the record"
GLOSS_PASSPHRASE="correct horse" expect 0 \
    "an encrypted key signs with the right passphrase" \
    "$GLOSS" -k "$T/enc.key" comment "$RID" -m "signed with an encrypted key"
GLOSS_PASSPHRASE="wrong" expect 2 "a wrong passphrase is refused" \
    "$GLOSS" -k "$T/enc.key" comment "$RID" -m "never posted"
contains "$T/err" "wrong passphrase" "the error names the passphrase"
if [ -n "${long:-}" ]; then
	GLOSS_PASSPHRASE=$long expect 0 \
	    "the key of a typed 1023-byte passphrase opens with it" \
	    "$GLOSS" -k "$T/long.key" mine
else
	ok "# SKIP tmux is not installed"
fi
GLOSS_PASSPHRASE= expect 0 "a key without a passphrase needs none" \
    "$GLOSS" comment "$RID" -m "signed with an unencrypted key"
expect 2 "a missing key file is a clear error" \
    "$GLOSS" -k "$T/none.key" comment "$RID" -m "never posted"
contains "$T/err" "gloss keygen" "the error says how to make a key"
same "$(statements)" 3 "only the record and two comments were stored"
stop_daemon
done_testing
