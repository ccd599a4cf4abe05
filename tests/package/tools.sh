#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The tools make deb, check-package and check-image need on a Debian 12
# machine beyond firmware/build-deps.sh: debhelper and lintian, the build
# dependencies of firmware/debian/control that are missing, and mmdebstrap
# for the image test's trixie root.  As root it installs what is missing
# with apt-get, but first simulates: if that would upgrade or remove any
# installed package, it stops and says which.  Not as root it prints the
# line to run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PKGS="debhelper lintian mmdebstrap dpkg-dev fakeroot fdisk dosfstools mtools
shellcheck"

missing=""
for p in $PKGS; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# "Unmet build dependencies: a b (>= 1) c | d": the first of each.
if command -v dpkg-checkbuilddeps >/dev/null 2>&1; then
	# The profile make deb would build with (firmware/mkdeb.sh).
	prof=""
	[ -e "$top/daemon/kecamatan/main.c" ] || prof=-Ppkg.presensi.nokecamatan
	# shellcheck disable=SC2086 # $prof: none or one option
	unmet=$(cd "$top/firmware" && dpkg-checkbuilddeps $prof debian/control 2>&1 |
		sed -n 's/.*Unmet build dependencies: //p' |
		sed 's/([^)]*)//g; s/|[^,]*//g; s/:[a-z0-9]*//g' | tr -s ' ')
	for p in $unmet; do
		# debhelper-compat is debhelper, above.
		[ "$p" = debhelper-compat ] && continue
		case " $missing " in
		*" $p "*) ;;
		*) missing="$missing $p" ;;
		esac
	done
fi
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing packaging tools. Run as root:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || {
	echo "tools.sh: apt-get update failed" >&2
	exit 1
}
# "Inst NAME [OLD] (NEW ...)" is an upgrade; "Remv" a removal.
# shellcheck disable=SC2086 # one word per package
plan=$(apt-get install -s --no-install-recommends $missing 2>&1) || {
	echo "$plan" >&2
	exit 1
}
touched=$(echo "$plan" | sed -n 's/^Inst \([^ ]*\) \[.*/\1/p; s/^Remv \([^ ]*\).*/\1/p' |
	tr '\n' ' ')
if [ -n "$touched" ]; then
	echo "tools.sh: installing$missing would upgrade or remove: $touched" >&2
	echo "  bring the machine up to date first (apt-get upgrade), then re-run" >&2
	exit 1
fi
echo "Installing:$missing"
$line >/dev/null || {
	echo "tools.sh: failed: $line" >&2
	exit 1
}
