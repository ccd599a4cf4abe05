#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every tests/device/test_*.sh (make check-device).  They need root and
# real or simulated hardware; a script exiting 77 is skipped.  Exits 77
# when all were skipped, 1 when any failed, else 0.
set -u
O=${1:-build}
dir=$(dirname "$0")
passed=0
failed=0
skipped=0
for t in "$dir"/test_*.sh; do
	printf '%-32s ' "$(basename "$t")"
	out=$(sh "$t" "$O" 2>&1)
	rc=$?
	case $rc in
	0) echo "ok"; passed=$((passed + 1)) ;;
	77) echo "$out" | tail -n 1; skipped=$((skipped + 1)) ;;
	*) echo "FAILED"; echo "$out" | sed 's/^/    /'; failed=$((failed + 1)) ;;
	esac
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || exit 1
[ "$passed" -eq 0 ] && [ "$skipped" -gt 0 ] && exit 77
exit 0
