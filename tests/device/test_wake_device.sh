#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Device test of the libgpiod wake backend with the real libgpiod: on a
# gpio-sim chip (kernel module gpio-sim, configfs) the line's simulated pull
# plays a press and a glitch, and exactly one press must count.  With
# PD_WAKE_WATCH="chip line active_low bias" (bias: 0 as-is, 1 pull-up,
# 2 pull-down, 3 disable) it counts 30 s of presses of a real button or
# pad.  Needs root and a GPIO chip; else exits 77.
set -u
O=${1:-${O:-build}}
top=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "skipped: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
pkg-config --exists libgpiod || skip "libgpiod development files missing"
# The backend the Makefile picks: wake_gpiod2.c where libgpiod is v2.
backend=wake_gpiod.c
pkg-config --atleast-version=2 libgpiod &&
	backend="wake_gpiod2.c gpiod2_chip.c"

cfs=/sys/kernel/config
sim="$cfs/gpio-sim/presensi-wake"
if command -v modprobe >/dev/null && modprobe gpio-sim 2>/dev/null; then
	mountpoint -q "$cfs" || mount -t configfs none "$cfs" 2>/dev/null
fi
[ -d "$cfs/gpio-sim" ] || [ -n "${PD_WAKE_WATCH:-}" ] ||
	skip "no gpio-sim module and PD_WAKE_WATCH unset"

drv="$O/tests/device/wake_drive"
mkdir -p "$(dirname "$drv")"
# shellcheck disable=SC2046 # pkg-config flags split into words on purpose
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/include" \
	-o "$drv" "$top/tests/device/wake_drive.c" "$top/hw/wake.c" \
	$(for f in $backend; do echo "$top/hw/$f"; done) "$top/hw/clock.c" "$top/daemon/common/log.c" \
	$(pkg-config --cflags --libs libgpiod) || { echo "build failed"; exit 1; }

fail=0
ran=0
if [ -d "$cfs/gpio-sim" ]; then
	# shellcheck disable=SC2317 # called through trap
	cleanup() {
		[ -d "$sim" ] || return 0
		echo 0 >"$sim/live" 2>/dev/null
		rmdir "$sim/bank0" "$sim" 2>/dev/null
	}
	trap cleanup EXIT INT TERM
	if ! { mkdir "$sim" "$sim/bank0" &&
		echo 1 >"$sim/bank0/num_lines" &&
		echo 1 >"$sim/live"; }; then
		echo "cannot create gpio-sim chip"
		exit 1
	fi
	chip=$(cat "$sim/bank0/chip_name")
	simdir="/sys/devices/platform/$(cat "$sim/dev_name")/$chip"
	"$drv" check "$chip" "$simdir" || fail=1
	ran=1
fi
if [ -n "${PD_WAKE_WATCH:-}" ]; then
	# shellcheck disable=SC2086 # four words on purpose
	"$drv" watch $PD_WAKE_WATCH || fail=1
	ran=1
fi
[ "$ran" -eq 1 ] || skip "no gpio-sim module and PD_WAKE_WATCH unset"
if [ "$fail" -eq 0 ]; then echo "ok"; else echo "FAILED"; fi
exit "$fail"
