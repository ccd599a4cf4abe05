#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds an arm64 (Pi OS bookworm) sysroot in DIR from Debian's arm64
# packages without installing any of them: apt resolves the closure against
# an empty package status, apt-get download fetches it, dpkg-deb -x unpacks
# it.  The host's own packages are never touched.  Usage: sysroot.sh DIR
set -eu
dir=${1:?usage: sysroot.sh DIR}
PKGS="libc6-dev libfprint-2-dev libglib2.0-dev libsqlite3-dev \
libsodium-dev libxlsxwriter-dev libutf8proc-dev libgpiod-dev libcmocka-dev libusb-1.0-0-dev"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "sysroot.sh: arm64 is not a dpkg architecture here. As root run:" >&2
	echo "  dpkg --add-architecture arm64 && apt-get update" >&2
	exit 1
fi

mkdir -p "$dir/debs"
dir=$(cd "$dir" && pwd)
empty="$dir/debs/empty-status"
: >"$empty"
args=""
for p in $PKGS; do
	args="$args $p:arm64"
done
# shellcheck disable=SC2086
apt-get install -s -qq --no-install-recommends -o Debug::NoLocking=1 \
	-o Dir::State::status="$empty" $args >"$dir/debs/plan.txt" 2>&1 || {
	cat "$dir/debs/plan.txt" >&2
	echo "sysroot.sh: apt cannot resolve the arm64 packages;" \
		"run apt-get update as root" >&2
	exit 1
}
list=$(sed -n 's/^Inst \([^ ]*:arm64\) .*/\1/p' "$dir/debs/plan.txt")
[ -n "$list" ] || {
	echo "sysroot.sh: no arm64 packages in $dir/debs/plan.txt" >&2
	exit 1
}
echo "sysroot.sh: $(echo "$list" | wc -l) arm64 packages into $dir"
# As root, apt would hand the download to user _apt, who cannot write here.
sandbox=""
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
# shellcheck disable=SC2086
(cd "$dir/debs" && apt-get download -qq $sandbox $list)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done
# Absolute symlinks (libm.so -> /lib/...) would point into the host;
# make them relative links inside the sysroot.
find "$dir" -path "$dir/debs" -prune -o -type l -lname '/*' -print |
	while read -r l; do
		ln -sfnr "$dir$(readlink "$l")" "$l"
	done
date -u '+%Y-%m-%dT%H:%M:%SZ' >"$dir/.complete"
