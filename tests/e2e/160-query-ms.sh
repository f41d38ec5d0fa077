#!/bin/sh
# query_ms: a read whose SQL runs past it is answered 503 too_slow by the
# real daemon, other requests go on being served, nothing is lost, and a
# SIGHUP changes the limit.  The volume comes from bench/gen through
# bench/httpload, as the benchmark loads it.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

RID=deadline-rec
N=3000

gen_volume "$RID" "$N"
# 3000 rows in one answer take milliseconds: far past 1 ms.
start_daemon "curator = $(tail -n 1 "$T/gen.pub")" "page_max = 10000" \
    "query_ms = 1"
load_volume "$N"

LISTING="$SERVER/v1/records/$RID/annotations?limit=$N"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$LISTING")
same "$http:$(error_code)" "503:too_slow" \
    "a listing of $N past query_ms = 1 is refused: 503 too_slow"
same "$(curl -s -o /dev/null -w '%{http_code}' "$SERVER/healthz")" 200 \
    "and glossd goes on serving"
same "$(statements)" "$((N + 1))" "nothing stored was lost"

# query_ms = 0: no limit, after a SIGHUP.
sed 's/^query_ms = 1$/query_ms = 0/' "$T/glossd.conf" > "$T/conf.0"
cp "$T/conf.0" "$T/glossd.conf"
reload "SIGHUP: reloaded" || not_ok "SIGHUP to query_ms = 0"
http=$(curl -s -o "$T/out" -w '%{http_code}' "$LISTING")
same "$http" 200 "after a SIGHUP to query_ms = 0 the same listing is served"
same "$(grep -o '"seq":' "$T/out" | wc -l | tr -d ' ')" "$N" \
    "with all $N annotations"
stop_daemon
done_testing
