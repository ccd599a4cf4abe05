#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs each test program given, captures its output (cmocka prints its
# summary on stderr), and ends with one line "N passed, N failed, N skipped"
# summing every program.  Counts come from cmocka's summary lines
# ("[  PASSED  ] N test(s)." and the "N test(s), listed below:" lines of
# FAILED and SKIPPED), so a skipped test counts once.  A program exiting 77
# is skipped as a whole (no hardware here) and counts as one skip; a
# program that prints no cmocka summary (a shell test) counts as one test.
# Exits non-zero when any test failed or any program crashed.  RUNNER, when
# set, prefixes each program (e.g. "qemu-aarch64-static -L SYSROOT").
# tests/shell/test_run_tests.sh tests this script.
set -u
runner=${RUNNER:-}
passed=0
failed=0
skipped=0
bad=""
logdir=${O:-build}/test-logs
mkdir -p "$logdir"

# summed KIND LOG: the sum of cmocka's "[  KIND  ] N test(s)" summary lines
# (one per group run); the per-test lines name a test, never a number.
summed() {
	sed -n "s/^\[  $1 *\] \([0-9][0-9]*\) test(s).*/\1/p" "$2" |
		awk '{ s += $1 } END { print s + 0 }'
}

for t in "$@"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	printf '%-40s ' "$name"
	# shellcheck disable=SC2086
	$runner "$t" >"$log" 2>&1
	rc=$?
	p=$(summed PASSED "$log")
	f=$(summed FAILED "$log")
	s=$(summed SKIPPED "$log")
	# cmocka exits with the number of failed tests, so 77 failures also
	# exit 77: only a program with no failed test is a skipped program.
	if [ "$rc" -eq 77 ] && [ "$f" -eq 0 ]; then
		echo "skipped ($(tail -n 1 "$log"))"
		skipped=$((skipped + 1))
		continue
	fi
	if ! grep -q '^\[==========\] [0-9][0-9]* test(s) run\.' "$log" &&
		[ "$p$f$s" = 000 ]; then
		# No cmocka summary: the program is one test.
		if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Crashed or failed outside a test case: count it as a failure.
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		echo "FAILED ($p passed, $f failed, exit $rc)"
		bad="$bad $name"
		sed 's/^/    /' "$log" | tail -n 60
	elif [ "$s" -ne 0 ]; then
		echo "ok ($p passed, $s skipped)"
	else
		echo "ok ($p passed)"
	fi
done
[ -n "$bad" ] && echo "failed programs:$bad"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
