#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the udev rule of firmware/udev/60-presensi.rules.in with its
# @READERS@ line replaced by one rule per libfprint driver and USB vendor,
# giving group "presensi" the usb_device node of every reader the given
# libfprint supports.  The list comes from libfprint's own hwdb
# (60-autosuspend-libfprint-2.hwdb, written by its fprint-list-udev-hwdb):
# blocks under "# Supported by libfprint driver NAME" are taken; blocks
# under "# Known unsupported devices", or any other heading, are left out.
# A hwdb this script does not understand (a usb: line of another shape, no
# supported reader at all) is an error, never an empty rule.
#   Usage: readers-from-hwdb.sh HWDB [LIBFPRINT-VERSION] <TEMPLATE >RULES
set -eu
hwdb=${1:?usage: readers-from-hwdb.sh HWDB [LIBFPRINT-VERSION] <TEMPLATE}
version=${2:-}
[ -r "$hwdb" ] || {
	echo "readers-from-hwdb.sh: cannot read $hwdb" >&2
	exit 1
}

# The rules, one per (driver, vendor): ids in the order of the hwdb, each
# vendor:product once even if two drivers list it.
rules=$(awk -v version="$version" -v src="${hwdb##*/}" '
function fail(msg) {
	printf "readers-from-hwdb.sh: %s:%d: %s\n", FILENAME, FNR, msg \
		>"/dev/stderr"
	bad = 1
	exit 1
}
/^# Supported by libfprint driver [A-Za-z0-9_]+$/ {
	section = "supported"
	driver = $NF
	next
}
/^# Known unsupported devices/ { section = "unsupported"; next }
/^# SPDX-License-Identifier:/ || /^# This file has been generated/ { next }
/^#/ { section = "other"; next }
/^usb:/ {
	if ($0 !~ /^usb:v[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]p[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][*]$/)
		fail("not a usb:vXXXXpYYYY* match: " $0)
	if (section != "supported") {
		skipped++
		next
	}
	vid = tolower(substr($0, 6, 4))
	pid = tolower(substr($0, 11, 4))
	if ((vid ":" pid) in seen)
		next
	seen[vid ":" pid] = 1
	key = driver " " vid
	if (!(key in products)) {
		order[++n] = key
		if (!(driver in drivers))
			ndrivers++
		drivers[driver] = 1
	}
	if (key in products)
		products[key] = products[key] "|" pid
	else
		products[key] = pid
	readers++
	next
}
/^ [A-Z_]+=/ || /^$/ { next }
{ fail("unexpected line: " $0) }
END {
	if (bad)
		exit 1
	if (readers == 0) {
		printf "readers-from-hwdb.sh: %s: no supported reader found\n", \
			FILENAME >"/dev/stderr"
		exit 1
	}
	printf "# %d readers of %d libfprint drivers, from %s", readers, \
		ndrivers, src
	if (version != "")
		printf " of libfprint %s", version
	printf "\n# (%d ids it lists as unsupported, or under other headings, left out).\n", \
		skipped
	last = ""
	for (i = 1; i <= n; i++) {
		split(order[i], k, " ")
		if (k[1] != last)
			printf "# driver %s\n", k[1]
		last = k[1]
		printf "ATTR{idVendor}==\"%s\", ATTR{idProduct}==\"%s\", GROUP=\"presensi\", MODE=\"0660\"\n", \
			k[2], products[order[i]]
	}
}' "$hwdb")

# The template, with its one @READERS@ line replaced.
found=0
while IFS= read -r line; do
	if [ "$line" = "@READERS@" ]; then
		printf '%s\n' "$rules"
		found=$((found + 1))
	else
		printf '%s\n' "$line"
	fi
done
[ "$found" -eq 1 ] || {
	echo "readers-from-hwdb.sh: the template must have one @READERS@ line ($found)" >&2
	exit 1
}
