#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The tools make check-arm64 needs on a Debian 12 amd64 machine: the arm64
# cross compiler, qemu-user (run directly with -L, no binfmt_misc) and
# file.  As root it installs the missing ones with apt-get, but first
# simulates: if that would upgrade or remove any installed package, it
# stops and says which.  Not as root it prints the line to run.
set -u
PKGS="gcc-aarch64-linux-gnu qemu-user-static file"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing cross tools. Run as root:" >&2
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
touched=$(echo "$plan" | sed -n 's/^Inst \([^ ]*\) \[.*/\1/p; s/^Remv \([^ ]*\).*/\1/p')
if [ -n "$touched" ]; then
	echo "tools.sh: installing$missing would upgrade or remove:" $touched >&2
	echo "  bring the machine up to date first (apt-get upgrade), then re-run" >&2
	exit 1
fi
echo "Installing:$missing"
$line >/dev/null || {
	echo "tools.sh: failed: $line" >&2
	exit 1
}
