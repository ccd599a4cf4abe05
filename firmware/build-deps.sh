#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages that building, testing and the demo need.
# As root it runs apt-get; otherwise it prints the exact line and stops.
set -u
PKGS="build-essential pkg-config libfprint-2-dev libglib2.0-dev \
libsqlite3-dev sqlite3 libgpiod-dev libcmocka-dev libsodium-dev \
libxlsxwriter-dev libusb-1.0-0-dev python3 python3-openpyxl"

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
	echo "Missing packages. Run as root:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && $line >/dev/null || {
	echo "apt-get failed: $line" >&2
	exit 1
}
