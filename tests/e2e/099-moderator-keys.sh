#!/bin/sh
# A moderation decision cannot take away what the configuration gives: a
# ban of a key it lists for a role (moderator, curator, importer,
# reviewer) is refused, and a key banned before it was listed decides
# and posts once it is.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

make_keys
named_keys mod mod2 ada
MOD=$(tail -n 1 "$T/mod.pub")
MOD2=$(tail -n 1 "$T/mod2.pub")
ADA=$(tail -n 1 "$T/ada.pub")
start_daemon "moderator = $MOD" "moderator = $MOD2"
import_record

expect 1 "a moderator bans itself" \
    "$GLOSS" -k "$T/mod.key" mod ban "$MOD" --reason self
contains "$T/err" "that key is a moderator here" "it is refused, saying why"
contains "$T/err" "(403 has_role)" "with 403 has_role"
expect 1 "a moderator bans another moderator" \
    "$GLOSS" -k "$T/mod.key" mod ban "$MOD2" --reason rival
contains "$T/err" "(403 has_role)" "it is refused too"
expect 1 "a moderator bans the curator" \
    "$GLOSS" -k "$T/mod.key" mod ban "$CURATOR" --reason curator
contains "$T/err" "that key is a curator here" "it is refused, naming the role"
expect 0 "the moderator still decides" \
    "$GLOSS" -k "$T/mod.key" mod lock "$RID" --talk 2
expect 0 "the moderation log" "$GLOSS" mod log
lacks "$T/out" "ban " "no refused ban is in the log"

expect 0 "ban ada while she is no moderator" \
    "$GLOSS" -k "$T/mod.key" mod ban "$ADA" --reason "Not yet."
expect 1 "ada's decision while banned" \
    "$GLOSS" -k "$T/ada.key" mod lock "$RID" --talk 3
contains "$T/err" "403 not_moderator" "is refused: she is no moderator"
sed -i "\$a moderator = $ADA" "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "SIGHUP with ada as a moderator"
expect 0 "ada, banned before she was listed, decides" \
    "$GLOSS" -k "$T/ada.key" mod lock "$RID" --talk 3
lacks "$T/err" "key_banned" "without a 403 key_banned"
expect 0 "and comments" "$GLOSS" -k "$T/ada.key" comment "$RID" --talk 4 \
    -m "A moderator's comment."
expect 0 "a moderator unbans her" "$GLOSS" -k "$T/mod.key" mod unban "$ADA"

stop_daemon
done_testing
