#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz / fuzz-smoke: runs each libFuzzer harness for a bounded time
# over its seed corpus (tests/fuzz/corpus/<name>, read only) plus a work
# corpus in $FUZZ_O/corpus/<name>, then prints the executions per harness.
# A crash leaves its input in $FUZZ_O/crashes/ and fails the run.
# usage: run.sh SECONDS NAME...
set -u
FUZZ_O=${FUZZ_O:-build-fuzz}
secs=$1
shift
mkdir -p "$FUZZ_O/crashes" "$FUZZ_O/logs"
failed=0
summary=
for name in "$@"; do
	bin="$FUZZ_O/tests/fuzz/fuzz_$name"
	work="$FUZZ_O/corpus/$name"
	log="$FUZZ_O/logs/$name.log"
	mkdir -p "$work"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	echo "== fuzz_$name: ${secs}s"
	# -timeout: a single input slower than this is a hang, so a bug.
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=25 \
		-rss_limit_mb=2048 -artifact_prefix="$FUZZ_O/crashes/$name-" \
		$dict "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=?
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		echo "fuzz_$name FAILED (exit $rc); log $log:"
		grep -E 'ERROR|runtime error|property broken|SUMMARY|Test unit written' "$log" | head -n 20
		status=CRASH
	else
		status=ok
	fi
	summary="$summary$(printf '%-10s %12s execs  cov %-6s %s' "$name" "$runs" "${cov:-?}" "$status")
"
done
echo
echo "== fuzz summary (${secs}s per harness)"
printf '%s' "$summary"
if [ $failed -ne 0 ]; then
	echo "$failed harness(es) crashed; inputs in $FUZZ_O/crashes/"
	exit 1
fi
