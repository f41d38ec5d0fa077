#!/bin/sh
# Link checking (issue 5), end to end: gloss links check against
# linkserv, a web server whose routes fare every way a link can (found,
# gone, failing, moved by redirects of each kind, permanent or temporary,
# looping, redirecting too often, never answering, refusing HEAD), over
# HTTP and then over HTTPS with a certificate made here and trusted only
# through SSL_CERT_FILE; and the signed link reviews --post leaves, as the
# reading list shows them.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

LINKSERV=$top_builddir/tests/e2e/linkserv
servers=
trap 'for p in $servers; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

# start_linkserv NAME [ARGS...]: a linkserv logging to $T/NAME.log; its
# port is in $T/NAME.port.
start_linkserv() {
	name=$1
	shift
	"$LINKSERV" -P "$T/$name.port" "$@" 2>"$T/$name.log" &
	servers="$servers $!"
	if ! wait_for "$!" "$T/$name.port"; then
		echo "Bail out! linkserv did not start: $(cat "$T/$name.log")"
		exit 99
	fi
}

# line URL: the line of $T/out about URL, blanks squeezed.
line() {
	awk -v u="$1" '$3 == u { $1 = $1; print }' "$T/out"
}

# entry URL: the "cited" line of URL's entry in gloss reading's text.
entry() {
	awk -v u="$1" 'seen && /^     cited / { $1 = $1; print; exit }
	    $2 == u { seen = 1 }' "$T/out"
}

# result URL FILTER: jq FILTER on URL's result in links check --json.
result() {
	jq -r --arg u "$1" ".links[] | select(.href == \$u) | $2" "$T/out"
}

# check URL FILTER: jq FILTER on the "check" of URL's reading entry.
check() {
	jq -r --arg u "$1" ".entries[] | select(.href == \$u) | .check |
	    $2" "$T/list"
}

ms() {
	echo $(($(date +%s%N) / 1000000))
}

start_daemon
import_record
start_linkserv http
L=http://127.0.0.1:$(cat "$T/http.port")
REFUSED=http://127.0.0.1:1/

set --
for route in ok missing gone error r1 moved p1 temp creds loop-a \
    chain/5 chain/6 slow nohead tracking; do
	set -- "$@" --link "$L/$route"
done
expect 0 "a reading citing fifteen linkserv routes and a closed port" \
    "$GLOSS" reading "$RID" --talk 2 "$@" --link "$REFUSED" \
    -m "Everything a link can do."
first=$(cat "$T/out")
expect 0 "a second reading citing two of the same links" \
    "$GLOSS" reading "$RID" --talk 2 --link "$L/ok" --link "$L/missing" \
    -m "Two of them again."

# --- Private addresses ----------------------------------------------------

# A link in somebody's record must not make the checker probe the
# reviewer's own network: loopback (and every private, link-local or
# reserved address) is reported, not fetched, without --allow-private.
n0=$(wc -l < "$T/http.log" 2>/dev/null || echo 0)
expect 1 "links check refuses private addresses by default" \
    "$GLOSS" links check "$RID" --talk 2 --timeout 2
same "$(grep -c '^unsure  *-  .*(127.0.0.1 is a private address, not checked without --allow-private)$' "$T/out")" 16 \
    "every loopback link is unsure, and says why"
same "$(wc -l < "$T/http.log" 2>/dev/null || echo 0)" "$n0" \
    "and the server saw no request"

# --- Checking -----------------------------------------------------------

t0=$(ms)
expect 1 "links check exits 1 when a link is broken" \
    "$GLOSS" links check --allow-private "$RID" --talk 2 --timeout 2
elapsed=$(($(ms) - t0))
same "$(wc -l < "$T/out")" 16 "one line per link, however often it is cited"
same "$(line "$L/ok")" "ok 200 $L/ok" "200 is ok"
same "$(line "$L/missing")" "broken 404 $L/missing" "404 is broken"
same "$(line "$L/gone")" "broken 410 $L/gone" "410 is broken"
same "$(line "$L/error")" "unsure 503 $L/error" "503 is unsure"
same "$(line "$L/r1")" "moved 200 $L/r1 -> $L/r2" \
    "301 to /r2, then 302 to ./r3 and 307 to //host/final: moved to where the 301 led"
same "$(line "$L/moved")" "moved 200 $L/moved -> $L/new-home" \
    "a permanent redirect to another page is a move"
same "$(line "$L/p1")" "moved 200 $L/p1 -> $L/new-home" \
    "308 to p2, then 301: moved to where the permanent redirects end"
same "$(line "$L/temp")" "ok 200 $L/temp" \
    "a temporary redirect to another page is not a move"
same "$(line "$L/creds")" "unsure 200 $L/creds (moved to an invalid link: a link may not carry credentials (user:password@))" \
    "a move to a URL no statement may name is unsure, and says so"
same "$(line "$L/tracking")" "ok 200 $L/tracking" \
    "a redirect that only adds utm_source is not a move"
same "$(line "$L/chain/5")" "ok 200 $L/chain/5" \
    "five redirects are followed, temporary ones, so no move"
same "$(line "$L/chain/6")" "broken 302 $L/chain/6 (too many redirects)" \
    "a sixth redirect is too many"
same "$(line "$L/loop-a")" "broken 302 $L/loop-a (redirect loop)" \
    "a URL seen twice is a redirect loop"
same "$(line "$L/slow")" "broken - $L/slow (timeout after 2 s)" \
    "a server that never answers times out"
same "$(line "$L/nohead")" "ok 200 $L/nohead" \
    "a server refusing HEAD is asked with GET"
same "$(line "$REFUSED")" "broken - $REFUSED (connection refused)" \
    "a closed port is broken"
[ "$elapsed" -lt 5000 ] && ok "the checks run side by side ($elapsed ms)" ||
    not_ok "the checks run side by side" "took $elapsed ms"
lacks "$T/err" "checking" "no progress line when stderr is not a terminal"
contains "$T/http.log" "HEAD /nohead 405 gloss-linkcheck/" \
    "/nohead was asked with HEAD first"
contains "$T/http.log" "GET /nohead 200 gloss-linkcheck/" \
    "and then with GET, as gloss-linkcheck"
lacks "$T/http.log" "GET /ok" "a link that answers HEAD is not fetched"

expect 1 "links check --json" "$GLOSS" --json links check --allow-private "$RID" --talk 2 \
    --timeout 2 --concurrency 1
slow=$(result "$L/slow" '.ms')
# libevent's timers run on a coarse clock: a few ms early is on time.
[ "$slow" -ge 1950 ] && [ "$slow" -lt 3000 ] &&
    ok "/slow gives up after the 2 s of --timeout ($slow ms)" ||
    not_ok "/slow gives up after the 2 s of --timeout" "took $slow ms"
same "$(result "$L/r1" '"\(.verdict) \(.status) \(.final) \(.replacement)"')" \
    "moved 200 $L/final $L/r2" \
    "the JSON holds the verdict, status, final URL and replacement"
same "$(result "$L/temp" '"\(.verdict) \(.final) \(.replacement)"')" \
    "ok $L/new-home null" "a temporary redirect: where it ended, no replacement"
same "$(result "$L/chain/5" '.final')" "$L/chain/0" \
    "/chain/5 ended at /chain/0"
same "$(result "$L/slow" '"\(.verdict) \(.status)"')" "broken null" \
    "a link that gave no answer has no status: null, not 0"

if command -v script >/dev/null 2>&1; then
	script -qec "\"$GLOSS\" links check --allow-private $RID --talk 2 --timeout 1" \
	    /dev/null > "$T/tty" 2>&1
	contains "$T/tty" "] checking $L/" "a progress line on a terminal"
	same "$(grep -cE "$(printf '\033')\\[K(ok|moved|broken|unsure) " \
	    "$T/tty")" 1 "and it is cleared before the results"
else
	ok "# SKIP script(1) is not installed"
	ok "# SKIP script(1) is not installed"
fi

expect 2 "--concurrency 65 is refused" "$GLOSS" links check "$RID" \
    --concurrency 65
expect 2 "--timeout 0 is refused" "$GLOSS" links check "$RID" --timeout 0
expect 2 "links needs check" "$GLOSS" links "$RID"
expect 1 "an unknown record is refused" "$GLOSS" links check no-such-record

# A resolver that fails says nothing about a link: unsure, never broken.
printf 'nameserver 127.0.0.1:1\noptions timeout:1 attempts:1\n' \
    >"$T/resolv.conf"
DNSLINK=http://gloss-dns-test.example/paper
expect 0 "a reading citing a name to resolve" \
    "$GLOSS" reading "$RID" --talk 6 --link "$DNSLINK" -m "Resolve me."
expect 1 "links check with a resolver that does not answer" \
    env GLOSS_RESOLV_CONF="$T/resolv.conf" "$GLOSS" links check "$RID" \
    --talk 6 --post
case $(line "$DNSLINK") in
"unsure - $DNSLINK (DNS: "*) ok "a failed lookup is unsure, and says so" ;;
*) not_ok "a failed lookup is unsure, and says so" "$(cat "$T/out")" ;;
esac
lacks "$T/out" "broken" "a failed lookup is not broken"
lacks "$T/err" "Nameserver" "the resolver's own notes stay off the terminal"
# Nor does one that never answers, whose lookup the check's deadline ends.
start_linkserv mute --mute-dns
printf 'nameserver 127.0.0.1:%s\noptions timeout:30 attempts:1\n' \
    "$(cat "$T/mute.port")" >"$T/mute.conf"
expect 1 "links check with a resolver that never answers" \
    env GLOSS_RESOLV_CONF="$T/mute.conf" "$GLOSS" links check "$RID" \
    --talk 6 --timeout 1
same "$(line "$DNSLINK")" "unsure - $DNSLINK (DNS: no answer within 1 s)" \
    "its time running out in the lookup is unsure, not broken"
same "$(grep -cE '^[0-9a-f]{64}$' "$T/out")" 0 "and it is not posted"
# A name the DNS says does not exist is broken, in words a person reads.
start_linkserv nx --nxdomain-dns
printf 'nameserver 127.0.0.1:%s\noptions timeout:30 attempts:1\n' \
    "$(cat "$T/nx.port")" >"$T/nx.conf"
expect 1 "links check with a resolver that says the name does not exist" \
    env GLOSS_RESOLV_CONF="$T/nx.conf" "$GLOSS" links check "$RID" \
    --talk 6 --timeout 10
same "$(line "$DNSLINK")" "broken - $DNSLINK (DNS: gloss-dns-test.example \
does not exist)" "the link is broken, naming the host that does not exist"
expect 2 "an unreadable GLOSS_RESOLV_CONF is refused" \
    env GLOSS_RESOLV_CONF="$T/no-such-resolv.conf" "$GLOSS" links check \
    "$RID" --talk 6
contains "$T/err" "GLOSS_RESOLV_CONF" "the refusal names the variable"

# --- Posting the results ----------------------------------------------

# The key is loaded before the first check: a missing one (or a wrong
# passphrase) is found before minutes of checking, not after.
n0=$(wc -l < "$T/http.log")
expect 2 "links check --post without a key" env GLOSS_KEY="$T/no-such.key" \
    "$GLOSS" links check --allow-private "$RID" --talk 2 --post
contains "$T/err" "$T/no-such.key: " "the refusal names the key file"
same "$(wc -l < "$T/http.log")" "$n0" "and comes before any link is asked"
expect 0 "--post with no links to check needs no key" \
    env GLOSS_KEY="$T/no-such.key" "$GLOSS" links check "$RID" --talk 7 --post

expect 1 "links check --post" "$GLOSS" links check --allow-private "$RID" --talk 2 \
    --timeout 2 --post
cp "$T/out" "$T/posted"
same "$(grep -cE '^[0-9a-f]{64}  ' "$T/out")" 14 \
    "fourteen reviews are posted: one per link, none for unsure"
curl -s "$SERVER/v1/log?limit=500" | grep -c '"link-review"' > "$T/n"
same "$(cat "$T/n")" 14 "the log holds fourteen link reviews"
curl -s -o "$T/list" "$SERVER/v1/records/$RID/reading?talk=2&status=all"
same "$(check "$L/missing" '"\(.verdict) \(.status)"')" "broken 404" \
    "/missing: broken, 404"
same "$(check "$L/ok" '"\(.verdict) \(.status) \(.final)"')" "ok 200 null" \
    "/ok: ok, 200, no final URL as it did not change"
same "$(check "$L/moved" '"\(.verdict) \(.replacement) \(.final)"')" \
    "moved $L/new-home $L/new-home" "/moved: moved, with its replacement"
same "$(check "$L/p1" '"\(.verdict) \(.replacement)"')" \
    "moved $L/new-home" "/p1: moved where the permanent redirects end"
same "$(check "$L/r1" '"\(.verdict) \(.replacement) \(.final)"')" \
    "moved $L/r2 $L/final" \
    "/r1: moved where the 301 led, ending where the 302 and 307 went"
same "$(check "$L/temp" '"\(.verdict) \(.replacement) \(.final)"')" \
    "ok null $L/new-home" "/temp: ok, no replacement, and where it ended"
same "$(check "$L/loop-a" '"\(.verdict) \(.status) \(.error)"')" \
    "broken 302 redirect loop" "/loop-a: broken, saying it loops"
same "$(check "$L/tracking" '"\(.verdict) \(.final)"')" \
    "ok $L/tracking?utm_source=x" "/tracking: ok, ending at its own key"
same "$(check "$L/slow" '"\(.verdict) \(.status) \(.error)"')" \
    "broken 0 timeout after 2 s" "/slow: broken, no status, timed out"
same "$(check "$L/chain/6" '"\(.status) \(.final) \(.error)"')" \
    "302 $L/chain/1 too many redirects" "/chain/6: where it stopped, and why"
same "$(check "$L/error" '.')" "null" "/error (unsure) is not posted"
expect 0 "the reading list as text" "$GLOSS" reading "$RID" --talk 2
same "$(entry "$L/missing")" "cited 2 in talk 2, checked broken (404)" \
    "a check shows the status it got"
same "$(entry "$L/slow")" "cited 1 in talk 2, checked broken (timeout after 2 s)" \
    "a check without a status shows why it failed"
lacks "$T/out" "(0)" "no status is not shown as 0"
same "$(entry "$L/loop-a")" "cited 1 in talk 2, checked broken (redirect loop)" \
    "a redirect loop says so, not its 302"
same "$(entry "$L/chain/6")" \
    "cited 1 in talk 2, checked broken (too many redirects)" \
    "too many redirects says so"
same "$(entry "$L/moved")" "cited 1 in talk 2, checked moved to $L/new-home" \
    "a moved link shows where it moved, as a reviewer's replacement reads"
same "$(entry "$L/r1")" "cited 1 in talk 2, checked moved to $L/r2" \
    "/r1 shows where its 301 led"
same "$(entry "$L/temp")" "cited 1 in talk 2, checked ok (200)" \
    "a temporary redirect is ok"
curl -s -o "$T/md" \
    "$SERVER/v1/records/$RID/reading?talk=2&status=all&format=markdown"
contains "$T/md" "- <$L/moved> — cited 1×" "/moved is in the Markdown export"
lacks "$T/md" "new-home" \
    "but not a check's replacement: an export holds reviewers' word only"
same "$(check "$L/ok" '.annotation')" "$first" \
    "a review names the first annotation that cited the link"
review=$(check "$L/loop-a" '.id')
expect 0 "a posted review verifies" "$GLOSS" verify "$review"
same "$(grep "^$(check "$L/missing" '.id')  " "$T/posted")" \
    "$(check "$L/missing" '.id')  $L/missing" \
    "--post printed each review's id beside the link it judges"

# --- HTTPS ------------------------------------------------------------

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
    not_ok "make a certificate for 127.0.0.1"
start_linkserv tls --tls "$T/cert.pem" "$T/key.pem"
TP=$(cat "$T/tls.port")
S=https://127.0.0.1:$TP
expect 0 "a reading citing an HTTPS link" "$GLOSS" reading "$RID" \
    --talk 3 --link "$S/ok" --link "$S/moved" -m "Over TLS."
expect 0 "a reading citing it by a name the certificate lacks" \
    "$GLOSS" reading "$RID" --talk 4 --link "https://localhost:$TP/ok" \
    -m "Over TLS, by another name."

expect 1 "an untrusted certificate is broken" env -u SSL_CERT_FILE \
    -u SSL_CERT_DIR "$GLOSS" links check --allow-private "$RID" --talk 3
contains "$T/out" "broken    -  $S/ok  (certificate: " \
    "with the certificate error"
lacks "$T/tls.log" "HEAD /ok" "nothing was asked over the untrusted channel"
SSL_CERT_FILE=$T/cert.pem
export SSL_CERT_FILE
expect 0 "trusted through SSL_CERT_FILE, the links are fine" \
    "$GLOSS" links check --allow-private "$RID" --talk 3
same "$(line "$S/ok")" "ok 200 $S/ok" "the HTTPS link is ok"
same "$(line "$S/moved")" "moved 200 $S/moved -> $S/new-home" \
    "and its redirect is followed over HTTPS"
expect 1 "a certificate for another host is broken" \
    "$GLOSS" links check --allow-private "$RID" --talk 4
same "$(line "https://localhost:$TP/ok")" \
    "broken - https://localhost:$TP/ok (certificate: hostname mismatch)" \
    "the host name is verified"
unset SSL_CERT_FILE

# --- Posting under the key's rate limit -----------------------------------

# With rate_key_writes = 30 a key has 30 statements at once, then one
# every 2 s.  Once its bucket is empty (raw annotations signed by the
# user's key until the daemon says 429), --post waits as each 429 says
# and posts every review all the same.
expect 0 "a reading citing three links" "$GLOSS" reading "$RID" --talk 5 \
    --link "$L/ok" --link "$L/missing" --link "$L/moved" -m "Rated."
echo "rate_key_writes = 30" >> "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "glossd reloads its rate limits"
me=$(tail -n 1 "$XDG_CONFIG_HOME/gloss/gloss.pub")
i=0
http=201
while [ "$http" = 201 ] && [ "$i" -lt 40 ]; do
	i=$((i + 1))
	canonical_annotation "$me" "$(now_utc)" "Spending the rate $i." \
	    > "$T/spend"
	rm -f "$T/spend.minisig"
	sign_minisign "$T/spend" "$XDG_CONFIG_HOME/gloss/gloss.key"
	wire "$T/spend" > "$T/spend.body"
	post_raw "$T/spend.body"
done
same "$http $(error_code)" "429 rate_limited" "the key's rate is spent"
reviews() {
	curl -s "$SERVER/v1/log?limit=500" | grep -c '"link-review"'
}
n=$(reviews)
expect 1 "links check --post waits out the rate limit" "$GLOSS" links check \
    --allow-private "$RID" --talk 5 --timeout 2 --post
same "$(grep -cE '^[0-9a-f]{64}  ' "$T/out")" 3 "--post printed three reviews"
lacks "$T/err" "posts too fast" "and no review was refused"
same "$(reviews)" $((n + 3)) "the log holds all three"

for p in $servers; do
	kill -TERM "$p"
	wait "$p"
	same "$?" 0 "linkserv exits 0 on SIGTERM"
done
servers=
if grep -qE 'Sanitizer|runtime error' "$T/http.log" "$T/tls.log"; then
	not_ok "linkserv logs are free of sanitizer reports"
else
	ok "linkserv logs are free of sanitizer reports"
fi
stop_daemon
done_testing
