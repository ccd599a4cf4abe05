#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The udev rule's reader list comes from the hwdb of the libfprint the
# build uses (firmware/udev/readers-from-hwdb.sh, run by the Makefile):
# the rule make builds gives group presensi the DigitalPersona U.are.U
# 4500 (05ba:000a, driver uru4000) and not the Synaptics 06cb:00a8 that
# libfprint lists as unsupported; every id of the hwdb's "Known
# unsupported devices" is left out and every supported one is in.  Then
# the generator on made-up hwdbs: other headings left out, an id listed by
# two drivers once, and a hwdb it does not understand is an error.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
o=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
gen=$top/firmware/udev/readers-from-hwdb.sh
tmpl=$top/firmware/udev/60-presensi.rules.in

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# "vid:pid" of every reader a rule file names, one a line, lower case.
ids_of() {
	sed -n 's/^ATTR{idVendor}=="\([0-9a-f]*\)", ATTR{idProduct}=="\([0-9a-f|]*\)".*GROUP="presensi".*/\1 \2/p' "$1" |
		while read -r vid pids; do
			echo "$pids" | tr '|' '\n' | sed "s/^/$vid:/"
		done | sort
}

# "vid:pid" of the usb: lines of a hwdb between two line patterns.
hwdb_ids() {
	sed -n "$2,$3p" "$1" | sed -n 's/^usb:v\(....\)p\(....\)\*$/\1:\2/p' |
		tr 'A-F' 'a-f' | sort -u
}

# The rule the build makes, from the hwdb the Makefile found.
rules=$top/$o/firmware/udev/60-presensi.rules
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -C "$top" \
	--no-print-directory O="$o" "$o/firmware/udev/60-presensi.rules" \
	>"$tmp/make.log" 2>&1; then
	fail "make $o/firmware/udev/60-presensi.rules"
	sed 's/^/    | /' "$tmp/make.log"
	exit 1
fi
hwdb=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -C "$top" \
	--no-print-directory -s O="$o" -f Makefile -f - print-hwdb <<'EOF'
print-hwdb: ; @echo $(FPRINT_HWDB)
EOF
)
echo "ok: the rule is built from ${hwdb:-?}: $(sed -n 's/^# \([0-9]* readers.*\)/\1/p' "$rules")"
ids_of "$rules" >"$tmp/rule.ids"
if grep -qx '05ba:000a' "$tmp/rule.ids"; then
	echo "ok: U.are.U 4500 (05ba:000a) is in the rule"
else
	fail "U.are.U 4500 (05ba:000a) is not in the rule"
fi
if grep -qx '06cb:00a8' "$tmp/rule.ids"; then
	fail "unsupported 06cb:00a8 is in the rule"
else
	echo "ok: unsupported 06cb:00a8 is not in the rule"
fi
if [ -r "$hwdb" ]; then
	hwdb_ids "$hwdb" '/^# Known unsupported devices/' '/^$/' >"$tmp/unsup"
	hwdb_ids "$hwdb" '/^# Supported by libfprint driver/' '/^$/' >"$tmp/sup"
	bad=$(comm -12 "$tmp/unsup" "$tmp/rule.ids" | tr '\n' ' ')
	[ -z "$bad" ] || fail "unsupported ids in the rule: $bad"
	missing=$(comm -23 "$tmp/sup" "$tmp/rule.ids" | tr '\n' ' ')
	[ -z "$missing" ] || fail "supported ids missing from the rule: $missing"
	[ -n "$bad$missing" ] || echo "ok: all $(wc -l <"$tmp/sup") supported" \
		"ids in, all $(wc -l <"$tmp/unsup") unsupported ones out"
else
	fail "the Makefile's FPRINT_HWDB ($hwdb) is not readable"
fi
grep -q '^@\|@READERS@' "$rules" && fail "a template line is left in the rule"

# The generator on made-up hwdbs.
cat >"$tmp/a.hwdb" <<'EOF'
# SPDX-License-Identifier: LGPL-2.1-or-later
# This file has been generated using fprint-list-udev-hwdb with all drivers enabled

# Supported by libfprint driver one
usb:v1111p0001*
usb:v2222p00AB*
 ID_AUTOSUSPEND=1

# Supported by libfprint driver two
usb:v1111p0001*
usb:v1111p0002*
 ID_AUTOSUSPEND=1

# Some later heading
usb:v3333p0003*

# Known unsupported devices
usb:v4444p0004*
 ID_AUTOSUSPEND=1
EOF
if sh "$gen" "$tmp/a.hwdb" 9.9 <"$tmpl" >"$tmp/a.rules" 2>"$tmp/a.err"; then
	ids_of "$tmp/a.rules" | tr '\n' ' ' >"$tmp/a.ids"
	if [ "$(cat "$tmp/a.ids")" = "1111:0001 1111:0002 2222:00ab " ]; then
		echo "ok: made-up hwdb: supported ids once each, others left out"
	else
		fail "made-up hwdb gives $(cat "$tmp/a.ids")"
	fi
	if ! grep -q '^# driver two$' "$tmp/a.rules" ||
		! grep -q 'of libfprint 9.9$' "$tmp/a.rules"; then
		fail "made-up hwdb: no driver or version comment"
	fi
else
	fail "made-up hwdb: $(cat "$tmp/a.err")"
fi

# expect_error LABEL WANT HWDB-TEXT [TEMPLATE]
expect_error() {
	printf '%s\n' "$3" >"$tmp/e.hwdb"
	if sh "$gen" "$tmp/e.hwdb" <"${4:-$tmpl}" >/dev/null 2>"$tmp/e.err"; then
		fail "$1: accepted"
	elif grep -qF -- "$2" "$tmp/e.err"; then
		echo "ok: $1: $(head -n 1 "$tmp/e.err")"
	else
		fail "$1: does not say \"$2\": $(cat "$tmp/e.err")"
	fi
}
expect_error "no supported reader" "no supported reader" \
	"# Known unsupported devices
usb:v4444p0004*"
expect_error "a usb: line of another shape" "not a usb:vXXXXpYYYY*" \
	"# Supported by libfprint driver one
usb:v1111p0001d0100*"
expect_error "an unknown line" "unexpected line" \
	"# Supported by libfprint driver one
usb:v1111p0001*
bluetooth:v1111p0001*"
printf '# no marker\n' >"$tmp/nomarker.in"
expect_error "a template without @READERS@" "one @READERS@ line" \
	"# Supported by libfprint driver one
usb:v1111p0001*" "$tmp/nomarker.in"

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all udev reader checks passed"
