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
    setsid "$GLOSS" keygen -s "$T/nopass.key" -p "$T/nopass.pub"
contains "$T/err" "GLOSS_PASSPHRASE" "the error says how to give one"
[ ! -e "$T/nopass.key" ] && ok "no key file was left behind" ||
    not_ok "no key file was left behind"

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

start_daemon
import_record || not_ok "import the record"
GLOSS_PASSPHRASE="correct horse" expect 0 \
    "an encrypted key signs with the right passphrase" \
    "$GLOSS" -k "$T/enc.key" comment "$RID" -m "signed with an encrypted key"
GLOSS_PASSPHRASE="wrong" expect 2 "a wrong passphrase is refused" \
    "$GLOSS" -k "$T/enc.key" comment "$RID" -m "never posted"
contains "$T/err" "wrong passphrase" "the error names the passphrase"
expect 2 "a missing key file is a clear error" \
    "$GLOSS" -k "$T/none.key" comment "$RID" -m "never posted"
contains "$T/err" "gloss keygen" "the error says how to make a key"
same "$(statements)" 2 "only the record and one comment were stored"
stop_daemon
done_testing
