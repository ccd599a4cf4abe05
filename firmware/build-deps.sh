#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages that building, testing and the demo need.
# libpq-dev builds presensi-kecamatan's PostgreSQL backend; postgresql runs
# its tests (each starts a private server on a UNIX socket).
# libsoup-3.0-dev builds presensi-push's HTTP client; glib-networking is
# its TLS (the box's push, docs/push.md).
# chromium-driver and python3-selenium drive the kecamatan server's pages in
# headless Chromium (tests/browser/); curl waits for the server there.
# As root it runs apt-get; otherwise it prints the exact line and stops.
set -u
PKGS="build-essential pkg-config libfprint-2-dev libglib2.0-dev \
libsqlite3-dev sqlite3 libgpiod-dev libcmocka-dev libsodium-dev \
libxlsxwriter-dev libutf8proc-dev libzip-dev libjansson-dev \
libusb-1.0-0-dev python3 python3-openpyxl chromium fonts-dejavu-core \
poppler-utils mtools dosfstools libpq-dev postgresql libsoup-3.0-dev \
glib-networking chromium-driver python3-selenium curl"

# The packages of $PKGS not installed, each after a space.
not_installed() {
	for p in $PKGS; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
		case "$st" in
		*"ok installed"*) ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

missing=$(not_installed)
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
# apt-get can succeed and still leave one out (held, renamed): say which.
missing=$(not_installed)
if [ -n "$missing" ]; then
	echo "still not installed after apt-get:$missing" >&2
	exit 1
fi
