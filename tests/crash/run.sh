#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make crash: runs each crash-suite program (tests/crash) in turn and fails
# on the first failure.  They read O, CRASH_ITER and CRASH_SEED from the
# environment and print what they checked.
set -u
for bin in "$@"; do
	echo "== $bin"
	"$bin" || { echo "crash suite: $bin FAILED"; exit 1; }
done
echo "crash suite: all passed"
