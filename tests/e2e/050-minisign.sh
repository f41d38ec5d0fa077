#!/bin/sh
# Interop with the stock minisign: gloss exports verify with minisign -V,
# statements signed by minisign -S with minisign -G keys are accepted, and
# an encrypted gloss key works in minisign -S.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

start_daemon
import_record

expect 0 "post a critique" "$GLOSS" critique "$RID" --at 1:09:29 -m "Exported."
id=$(cat "$T/out")
expect 0 "export it" "$GLOSS" export "$id" -o "$T/export"
pub=$(ls "$T/export"/*.pub)
expect 0 "minisign -V verifies the export" \
    minisign -Vm "$T/export/$id.json" -p "$pub"
contains "$T/out" "Trusted comment: gloss/1 id=$id" \
    "minisign shows the gloss trusted comment"
same "$(sha256sum "$T/export/$id.json" | cut -d' ' -f1)" "$id" \
    "sha256sum of the exported statement is its id"
expect 0 "gloss verify FILE checks the export offline" \
    "$GLOSS" -S http://127.0.0.1:1 verify "$T/export/$id.json"
sed 's/Exported/Exp0rted/' "$T/export/$id.json" > "$T/tampered.json"
cp "$T/export/$id.json.minisig" "$T/tampered.json.minisig"
expect 1 "minisign rejects a tampered statement" \
    minisign -Vm "$T/tampered.json" -p "$pub"
expect 1 "gloss verify rejects it too" "$GLOSS" verify "$T/tampered.json"
contains "$T/err" "bad_signature" "the refusal is bad_signature"

# A statement made and signed without gloss at all.
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
mkey=$(tail -n 1 "$T/m.pub")
canonical_annotation "$mkey" "$(now_utc)" "Signed by minisign." > "$T/m.json"
mid=$(sha256sum "$T/m.json" | cut -d' ' -f1)
sign_minisign "$T/m.json" "$T/m.key"
wire "$T/m.json" > "$T/m.body"
post_raw "$T/m.body"
same "$http" 201 "glossd accepts a statement signed by minisign -S"
contains "$T/out" "\"id\":\"$mid\"" "its id is the SHA-256 of the bytes"
post_raw "$T/m.body"
same "$http" 200 "posting the same statement again is idempotent (200)"
same "$(statements)" 3 "the repeat stored nothing"
expect 0 "gloss verify checks it" "$GLOSS" verify "$mid"
curl -s "$SERVER/v1/statements/$mid.json" > "$T/served.json"
cmp -s "$T/served.json" "$T/m.json" && ok "the stored bytes are verbatim" ||
    not_ok "the stored bytes are verbatim"
curl -s "$SERVER/v1/statements/$mid.minisig" > "$T/served.minisig"
cmp -s "$T/served.minisig" "$T/m.json.minisig" &&
    ok "the stored minisig is verbatim" || not_ok "the stored minisig is verbatim"

# An encrypted gloss key in minisign (it reads the passphrase from stdin).
GLOSS_PASSPHRASE=sesame "$GLOSS" keygen -s "$T/g.key" -p "$T/g.pub" \
    >/dev/null 2>&1
echo "any file" > "$T/file"
expect 0 "minisign -S signs with an encrypted gloss key" \
    sh -c "echo sesame | minisign -S -s '$T/g.key' -m '$T/file'"
expect 0 "and minisign -V verifies it with the gloss .pub" \
    minisign -Vm "$T/file" -p "$T/g.pub"
expect 2 "minisign refuses the key with a wrong passphrase" \
    sh -c "echo wrong | minisign -S -s '$T/g.key' -m '$T/file'"

# A minisign key used by gloss directly.
expect 0 "gloss signs with a minisign -G key" \
    "$GLOSS" -k "$T/m.key" comment "$RID" -m "Posted with a minisign key."
expect 0 "list by that author" "$GLOSS" list "$RID" --author "$mkey" --json
same "$(grep -c '"id"' "$T/out")" 2 "both of its statements are listed"
stop_daemon
done_testing
