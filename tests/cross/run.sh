#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs cross-built (arm64) test programs under qemu-user, after checking
# the programs: aarch64, which libgpiod API presensid was linked against
# (EXPECT_GPIOD=1 or 2 makes a mismatch a failure), then a smoke test:
# presensid --check on the shipped config, presensi --help.
# Usage: QEMU="qemu-aarch64-static -L SYSROOT" O=build-arm64-SUITE \
#        [EXPECT_GPIOD=N] run.sh TEST...
# Ends with run-tests.sh's "N passed, N failed, N skipped"; non-zero on any
# failure.
set -u
o=${O:-build-arm64}
qemu=${QEMU:?set QEMU, e.g. "qemu-aarch64-static -L /usr/aarch64-linux-gnu"}
here=$(dirname "$0")
rc=0

for prog in "$o/presensid" "$o/presensi"; do
	case $(file -b "$prog") in
	*"ARM aarch64"*) ;;
	*)
		echo "cross: $prog is not an aarch64 program" >&2
		exit 1
		;;
	esac
done

# The libgpiod API presensid calls: v2's request calls or v1's.  Nothing
# runs the backends here (qemu has no gpiochip); the stand-in tests do.
syms=$(readelf --dyn-syms -W "$o/presensid")
lib=$(readelf -d "$o/presensid" | sed -n 's/.*Shared library: \[\(libgpiod[^]]*\)\].*/\1/p')
api=none
if echo "$syms" | grep -q ' gpiod_chip_request_lines'; then
	api=2
elif echo "$syms" | grep -q ' gpiod_line_request_output'; then
	api=1
fi
echo "cross: presensid calls the libgpiod v$api API (${lib:-no libgpiod})"
if [ -n "${EXPECT_GPIOD:-}" ] && [ "$api" != "$EXPECT_GPIOD" ]; then
	echo "cross: the sysroot's libgpiod is v$EXPECT_GPIOD: wrong backends" >&2
	exit 1
fi

# shellcheck disable=SC2086
smoke() {
	log="$o/test-logs/smoke-$1.log"
	shift
	prog=$1
	shift
	printf '%-40s ' "smoke: $(basename "$prog") $*"
	if $qemu "$prog" "$@" >"$log" 2>&1; then
		echo ok
	else
		echo "FAILED (exit $?)"
		sed 's/^/    /' "$log" | tail -n 20
		rc=1
	fi
}
mkdir -p "$o/test-logs"
smoke check "$o/presensid" --config firmware/presensi.conf --check
smoke help "$o/presensi" --help

RUNNER=$qemu O=$o sh "$here/../run-tests.sh" "$@" || rc=1
exit $rc
