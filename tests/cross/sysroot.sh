#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds an arm64 sysroot of one Debian suite in DIR without installing
# anything on this machine: a private apt (its own sources list, lists,
# status and cache under DIR/.apt, arm64 as its only architecture) resolves
# the closure of the -dev packages below against an empty status, downloads
# it, and dpkg-deb -x unpacks every package into DIR.  The host's dpkg
# database, architectures and packages are never touched.
#   Usage: sysroot.sh DIR [SUITE]    SUITE: bookworm (default) or trixie
# The archive is the one this machine's apt already uses for Debian (its
# "Origin: Debian" entries, with the host's codename swapped for SUITE);
# SYSROOT_SOURCES=FILE gives a sources.list of one's own instead.  The .debs
# stay in DIR/.apt/cache, so a second run downloads only what changed.
set -eu
dir=${1:?usage: sysroot.sh DIR [SUITE]}
suite=${2:-bookworm}
# libminizip-dev: trixie's xlsxwriter.pc requires minizip, which its
# libxlsxwriter-dev does not depend on; pkg-config fails without it.
# libpq-dev: presensi-kecamatan, which `make all` builds (make deb ARCH=arm64).
# libsoup-3.0-dev: presensi-push and kecamatand, which `make all` builds too.
PKGS="libc6-dev libfprint-2-dev libglib2.0-dev libsqlite3-dev \
libsodium-dev libxlsxwriter-dev libminizip-dev libutf8proc-dev libzip-dev \
libjansson-dev libgpiod-dev libcmocka-dev libusb-1.0-0-dev libpq-dev \
libsoup-3.0-dev"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() {
	echo "sysroot.sh: $*" >&2
	exit 1
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
apt="$dir/.apt"
mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" \
	"$apt/sources.list.d" "$apt/preferences.d"
: >"$apt/state/status"
: >"$apt/preferences"

# The sources: the host's Debian entries with the codename swapped.
if [ -n "${SYSROOT_SOURCES:-}" ]; then
	cp "$SYSROOT_SOURCES" "$apt/sources.list"
else
	[ -r "$KEYRING" ] || die "no $KEYRING (apt-get install debian-archive-keyring)"
	host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$host" ] || die "cannot tell this machine's Debian codename"
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
		'Origin: Debian' 'Target-Of: deb' | sort -u |
		while read -r uri rel comp; do
			case $rel in
			"$host") rel=$suite ;;
			"$host"-*) rel=$suite-${rel#"$host"-} ;;
			*) continue ;;
			esac
			echo "deb [arch=arm64 signed-by=$KEYRING] $uri $rel $comp"
		done >"$apt/sources.list"
fi
[ -s "$apt/sources.list" ] ||
	die "no Debian archive in this machine's apt sources; set SYSROOT_SOURCES"

sandbox=""
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
# shellcheck disable=SC2086 # $sandbox is one option or none
papt() {
	cmd=$1
	shift
	$cmd -q -o Debug::NoLocking=1 $sandbox \
		-o APT::Architecture=arm64 -o APT::Architectures=arm64 \
		-o Dir::Etc::sourcelist="$apt/sources.list" \
		-o Dir::Etc::sourceparts="$apt/sources.list.d" \
		-o Dir::Etc::preferences="$apt/preferences" \
		-o Dir::Etc::preferencesparts="$apt/preferences.d" \
		-o Dir::State="$apt/state" \
		-o Dir::State::status="$apt/state/status" \
		-o Dir::Cache="$apt/cache" \
		-o Acquire::Languages=none -o Acquire::PDiffs=false \
		-o APT::Install-Recommends=false -o APT::Install-Suggests=false \
		"$@"
}

echo "sysroot.sh: $suite arm64: updating the package lists"
papt apt-get update >"$apt/update.log" 2>&1 || {
	cat "$apt/update.log" >&2
	die "apt-get update failed for $suite (see above)"
}
# shellcheck disable=SC2086 # one word per package
papt apt-get install -s $PKGS >"$apt/plan.txt" 2>&1 || {
	cat "$apt/plan.txt" >&2
	die "apt cannot resolve the $suite arm64 packages"
}
# "Inst NAME (VERSION ORIGIN [ARCH])" -> NAME_VERSION_ARCH.deb (":" -> %3a)
sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\([a-z0-9][a-z0-9]*\)\].*/\1_\2_\3.deb/p' \
	"$apt/plan.txt" | sed 's/:/%3a/g' >"$apt/debs.txt"
[ -s "$apt/debs.txt" ] || die "no packages in $apt/plan.txt"
echo "sysroot.sh: $(wc -l <"$apt/debs.txt") packages into $dir"
# shellcheck disable=SC2086
papt apt-get install -d -y $PKGS >"$apt/download.log" 2>&1 || {
	cat "$apt/download.log" >&2
	die "download failed"
}

# Unpack into a clean root: a refresh must not leave files of old versions.
rm -f "$dir/.complete"
find "$dir" -mindepth 1 -maxdepth 1 ! -name .apt -exec rm -rf {} +
bytes=0
while read -r deb; do
	f="$apt/cache/archives/$deb"
	[ -e "$f" ] || die "missing $f"
	bytes=$((bytes + $(stat -c %s "$f")))
	dpkg-deb -x "$f" "$dir"
done <"$apt/debs.txt"
# Merged /usr (trixie on): the packages ship nothing in /lib and a system
# gets /lib -> usr/lib from base-files.  The cross linker (libc.so names
# /lib/aarch64-linux-gnu/libc.so.6) and qemu -L (the interpreter is
# /lib/ld-linux-aarch64.so.1) need it too.
[ -e "$dir/lib" ] || ln -s usr/lib "$dir/lib"
# qemu -L looks every path up in the sysroot first: the empty /dev, /proc,
# /sys, /run and /tmp that base-files ships (in trixie's closure) would hide
# the host's, and the libgpiod stand-in's simulated chip (/dev/zero) with
# them.
for d in dev proc sys run tmp; do
	[ -d "$dir/$d" ] || continue
	rmdir "$dir/$d" 2>/dev/null ||
		die "$dir/$d is not empty; qemu -L would hide the host's /$d"
done
# Absolute symlinks (libm.so -> /lib/...) would point into the host;
# make them relative links inside the sysroot.
find "$dir" -path "$apt" -prune -o -type l -lname '/*' -print |
	while read -r l; do
		ln -sfnr "$dir$(readlink "$l")" "$l"
	done
gpiod=$(sed -n 's/^Version: *//p' "$dir/usr/lib/aarch64-linux-gnu/pkgconfig/libgpiod.pc")
echo "sysroot.sh: $suite: downloaded $((bytes / 1048576)) MiB of .debs," \
	"$(du -sm --exclude=.apt "$dir" | cut -f1) MiB unpacked; libgpiod $gpiod"
{
	echo "suite=$suite"
	echo "libgpiod=$gpiod"
	echo "debs_mib=$((bytes / 1048576))"
	date -u '+built=%Y-%m-%dT%H:%M:%SZ'
} >"$dir/.complete"
