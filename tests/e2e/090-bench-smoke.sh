#!/bin/sh
# The benchmark's smoke run: bench/run --smoke against the binaries this
# build made (glossd and the bench/ helpers, which are check programs).
# The full benchmark takes minutes and wants wrk, nginx and Waline, so it
# is run by hand; this proves every piece of it still runs (generating,
# loading, all six workloads, the paced runs, the references) and that
# its one table has every workload row with a throughput above zero.
. "${GLOSS_TOP_SRCDIR:-.}/tests/e2e/lib.sh"

run sh "$top_srcdir/bench/run" --smoke --builddir "$top_builddir"
same "$rc" 0 "bench/run --smoke exits 0"
contains "$T/out" "| #    | workload" "it prints the table"

# throughput ROW: the ok/s column of the table row whose first cell is ROW.
throughput() {
	awk -F'|' -v id="$1" '{ c = $2; gsub(/ /, "", c) }
	    c == id { v = $5; gsub(/ /, "", v); print v; exit }' "$T/out"
}

for w in 1 2 3 4 5 6 1h 2h; do
	n=$(throughput "($w)")
	if awk -v n="$n" 'BEGIN { exit !(n ~ /^[0-9.]+$/ && n + 0 > 0) }'
	then
		ok "workload ($w) has a row with a non-zero throughput"
	else
		not_ok "workload ($w) has a row with a non-zero throughput" \
		    "ok/s: ${n:-no row}"
	fi
done
contains "$T/out" "| ref  | libsodium Ed25519 verify/s" \
    "the table has the in-run references"
# The disk's floor beside (1h): SQLite commits paced at its rate, timed.
p99=$(awk -F'|' '$3 ~ /SQLite FULL tx paced/ { v = $7; gsub(/ /, "", v);
    print v; exit }' "$T/out")
if awk -v n="$p99" 'BEGIN { exit !(n ~ /^[0-9.]+$/ && n + 0 > 0) }'; then
	ok "the paced SQLite reference has a p99"
else
	not_ok "the paced SQLite reference has a p99" "p99: ${p99:-no row}"
fi
# What reached the disk per POST, when the run's files are on a disk
# (the header names it).
dev=$(sed -n 's/.*disk under the temporary files: \([^;]*\);.*/\1/p' \
    "$T/out")
kib=$(awk -F'|' -v d="$dev" '$2 ~ /\(1\)/ {
    if (match($9, "[0-9]+ KiB per POST reached " d))
	print substr($9, RSTART, index(substr($9, RSTART), " ") - 1); exit }' \
    "$T/out")
case $dev in
"") not_ok "the header names the disk under the temporary files" \
    "$(grep '^gloss benchmark' "$T/out")" ;;
none) same "${kib:-none}" none "(1) says no KiB per POST off a disk" ;;
*)	if [ "${kib:-0}" -gt 0 ]; then
		ok "(1) says how many KiB per POST reached $dev"
	else
		not_ok "(1) says how many KiB per POST reached $dev" \
		    "row: $(grep '^| (1)' "$T/out")"
	fi ;;
esac
# The CPU bound of (1): glossd's CPU per POST beside a verify's.
us=$(sed -n 's/^| (1) .* \([0-9][0-9]*\) µs of glossd CPU per POST (a minisig verify: \([0-9][0-9]*\)).*/\1 \2/p' \
    "$T/out" | head -n 1)
if [ -n "$us" ] && [ "${us% *}" -gt 0 ] && [ "${us#* }" -gt 0 ]; then
	ok "(1) says glossd's CPU per POST and a verify's (${us% *} and ${us#* } µs)"
else
	not_ok "(1) says glossd's CPU per POST and a verify's" \
	    "row: $(grep '^| (1)' "$T/out" | head -n 1)"
fi
lacks "$T/err" "Sanitizer" "no sanitizer reports from the bench helpers"

# Options that need another say so, with a usage message (exit 2).
run "$top_builddir/bench/ref" -o paced -t 1
same "$rc" 2 "ref -o paced without a rate (-R) is refused"
contains "$T/err" "usage: ref" "with its usage"
run "$top_builddir/bench/verifylog" -t 1 -p 1
same "$rc" 2 "verifylog -t without -P (the log fetched first) is refused"
contains "$T/err" "usage: verifylog" "with its usage"
run "$top_builddir/bench/verifylog" -P -t 3601 -p 1
same "$rc" 2 "verifylog -t over an hour is refused"
done_testing
