#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs each test program given, captures its output (cmocka prints its
# summary on stderr), and ends with one line "N passed, N failed" summing
# every program.  Exit 77 from a program means skipped (no hardware here).
# Exits non-zero when any test failed or any program crashed.  RUNNER, when
# set, prefixes each program (e.g. "qemu-aarch64-static -L SYSROOT").
set -u
runner=${RUNNER:-}
passed=0
failed=0
skipped=0
bad=""
logdir=${O:-build}/test-logs
mkdir -p "$logdir"
for t in "$@"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	printf '%-40s ' "$name"
	# shellcheck disable=SC2086
	$runner "$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	s=$(grep -c '^\[  SKIPPED \]' "$log")
	if [ "$rc" -eq 77 ]; then
		echo "skipped ($(tail -n 1 "$log"))"
		skipped=$((skipped + 1))
		continue
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Crashed or failed outside a test case: count it as a failure.
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAILED ($p passed, $f failed)"
		bad="$bad $name"
		sed 's/^/    /' "$log" | tail -n 60
	else
		echo "ok ($p passed${s:+, $s skipped})"
	fi
done
[ -n "$bad" ] && echo "failed programs:$bad"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
