#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Device test of the libgpiod light backend with the real libgpiod: on a
# gpio-sim chip (kernel module gpio-sim, configfs) every output mask is
# driven and read back from sysfs, active-high and active-low.  With
# PD_GPIO_SHOW="chip green amber red buzzer active_low" it also plays every
# light state on real LEDs.  The backend is the one the Makefile picks:
# lights_gpiod2.c where libgpiod is v2 (trixie), else lights_gpiod.c.  The
# gpio-sim bank is labelled, and one check opens the chip by that label.
# Needs root and a GPIO chip; else exits 77.
set -u
O=${1:-${O:-build}}
top=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "skipped: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
pkg-config --exists libgpiod || skip "libgpiod development files missing"

cfs=/sys/kernel/config
sim="$cfs/gpio-sim/presensi-test"
if modprobe gpio-sim 2>/dev/null; then
	mountpoint -q "$cfs" || mount -t configfs none "$cfs" 2>/dev/null
fi
[ -d "$cfs/gpio-sim" ] || [ -n "${PD_GPIO_SHOW:-}" ] ||
	skip "no gpio-sim module and PD_GPIO_SHOW unset"

backend=lights_gpiod.c
pkg-config --atleast-version=2 libgpiod &&
	backend="lights_gpiod2.c gpiod2_chip.c"
label=presensi-lights
drv="$O/tests/device/gpio_drive"
mkdir -p "$(dirname "$drv")"
# shellcheck disable=SC2046 # pkg-config flags split into words on purpose
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$top/include" -o "$drv" \
	"$top/tests/device/gpio_drive.c" "$top/hw/lights.c" \
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
		echo 4 >"$sim/bank0/num_lines" &&
		echo "$label" >"$sim/bank0/label" &&
		echo 1 >"$sim/live"; }; then
		echo "cannot create gpio-sim chip"
		exit 1
	fi
	chip=$(cat "$sim/bank0/chip_name")
	simdir="/sys/devices/platform/$(cat "$sim/dev_name")/$chip"
	echo "backend: $backend"
	for al in 0 1; do
		"$drv" check "$chip" "$simdir" "$al" || fail=1
	done
	"$drv" check "$label" "$simdir" 0 || fail=1
	ran=1
fi
if [ -n "${PD_GPIO_SHOW:-}" ]; then
	ls /dev/gpiochip* >/dev/null 2>&1 || skip "no /dev/gpiochip*"
	# shellcheck disable=SC2086 # six words on purpose
	"$drv" show $PD_GPIO_SHOW || fail=1
	ran=1
fi
[ "$ran" -eq 1 ] || skip "no gpio-sim module and PD_GPIO_SHOW unset"
if [ "$fail" -eq 0 ]; then echo "ok"; else echo "FAILED"; fi
exit "$fail"
