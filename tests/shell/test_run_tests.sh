#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Self-test of tests/run-tests.sh: feeds it fake test programs printing
# cmocka-style output (cmocka 1.1 prints its summary on stderr) and checks
# the last line, "N passed, N failed, N skipped", and the exit status.
# Usage: test_run_tests.sh [RUN_TESTS]  (default: run-tests.sh beside tests/)
set -u
here=$(cd "$(dirname "$0")" && pwd)
script=${1:-$here/../run-tests.sh}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

# fake NAME EXIT-STATUS: a program printing stdin's text (on stderr, as
# cmocka does) and exiting with EXIT-STATUS; "crash" kills itself instead.
fake() {
	f="$tmp/$1"
	{
		echo '#!/bin/sh'
		echo 'cat >&2 <<"OUT"'
		cat
		echo 'OUT'
		if [ "$2" = crash ]; then
			echo 'kill -SEGV $$'
		else
			echo "exit $2"
		fi
	} >"$f"
	chmod +x "$f"
}

fake pass 0 <<'OUT'
[==========] Running 2 test(s).
[ RUN      ] test_a
[       OK ] test_a
[ RUN      ] test_b
[       OK ] test_b
[==========] 2 test(s) run.
[  PASSED  ] 2 test(s).
OUT
# One skip: cmocka prints "[  SKIPPED ]" three times for it.
fake skip 0 <<'OUT'
[==========] Running 2 test(s).
[ RUN      ] test_a
[       OK ] test_a
[ RUN      ] test_b
[  SKIPPED ] test_b
[==========] 2 test(s) run.
[  PASSED  ] 1 test(s).
[  SKIPPED ] 1 test(s), listed below:
[  SKIPPED ] test_b

 1 SKIPPED TEST(S)
OUT
# cmocka exits with the number of failed tests.
fake fail 1 <<'OUT'
[==========] Running 2 test(s).
[ RUN      ] test_a
[       OK ] test_a
[ RUN      ] test_b
[  ERROR   ] --- 0x1 != 0x2
[   LINE   ] --- test_b.c:12: error: Failure!
[  FAILED  ] test_b
[==========] 2 test(s) run.
[  PASSED  ] 1 test(s).
[  FAILED  ] 1 test(s), listed below:
[  FAILED  ] test_b

 1 FAILED TEST(S)
OUT
fake nohw 77 <<'OUT'
skipped: no GPIO chip here
OUT
fake crash crash <<'OUT'
[==========] Running 1 test(s).
[ RUN      ] test_a
OUT
# Two groups in one program: the summaries add up.
fake groups 0 <<'OUT'
[==========] Running 1 test(s).
[ RUN      ] test_a
[       OK ] test_a
[==========] 1 test(s) run.
[  PASSED  ] 1 test(s).
[==========] Running 2 test(s).
[ RUN      ] test_b
[  SKIPPED ] test_b
[ RUN      ] test_c
[  SKIPPED ] test_c
[==========] 2 test(s) run.
[  PASSED  ] 0 test(s).
[  SKIPPED ] 2 test(s), listed below:
[  SKIPPED ] test_b
[  SKIPPED ] test_c

 2 SKIPPED TEST(S)
OUT
# 77 failed tests make cmocka exit 77: a failure, not a skipped program.
fake fail77 77 <<'OUT'
[==========] Running 77 test(s).
[==========] 77 test(s) run.
[  PASSED  ] 0 test(s).
[  FAILED  ] 77 test(s), listed below:
OUT
# A program without cmocka output (a shell test) is one test.
fake plain 0 </dev/null
fake plainfail 3 </dev/null

# expect WANT-LAST-LINE WANT-STATUS PROGRAM...
expect() {
	want=$1
	want_rc=$2
	shift 2
	checks=$((checks + 1))
	O="$tmp/o" sh "$script" "$@" >"$tmp/out" 2>&1
	rc=$?
	last=$(tail -n 1 "$tmp/out")
	# WANT-STATUS is 0 or 1: zero or any non-zero exit.
	if [ "$rc" -eq 0 ]; then got_rc=0; else got_rc=1; fi
	if [ "$last" = "$want" ] && [ "$got_rc" = "$want_rc" ]; then
		echo "ok: $* -> $last (exit $rc)"
	else
		echo "FAIL: $*"
		echo "  want: $want (exit ${want_rc})"
		echo "  got:  $last (exit $rc)"
		sed 's/^/    | /' "$tmp/out"
		fails=$((fails + 1))
	fi
}

cd "$tmp" || exit 1
expect "2 passed, 0 failed, 0 skipped" 0 ./pass
expect "1 passed, 0 failed, 1 skipped" 0 ./skip
# The program's own line counts the one skip once, too.
checks=$((checks + 1))
if grep -q '^skip  *ok (1 passed, 1 skipped)$' "$tmp/out"; then
	echo "ok: ./skip line -> $(grep '^skip ' "$tmp/out")"
else
	echo "FAIL: ./skip line: $(grep '^skip ' "$tmp/out")"
	fails=$((fails + 1))
fi
expect "0 passed, 0 failed, 1 skipped" 0 ./nohw
expect "3 passed, 0 failed, 2 skipped" 0 ./pass ./skip ./nohw
expect "1 passed, 1 failed, 0 skipped" 1 ./fail
expect "0 passed, 1 failed, 0 skipped" 1 ./crash
expect "4 passed, 2 failed, 2 skipped" 1 ./pass ./skip ./fail ./nohw ./crash
expect "1 passed, 0 failed, 2 skipped" 0 ./groups
expect "0 passed, 77 failed, 0 skipped" 1 ./fail77
expect "1 passed, 1 failed, 0 skipped" 1 ./plain ./plainfail
expect "0 passed, 1 failed, 0 skipped" 1 ./missing-program

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
