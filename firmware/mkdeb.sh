#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian packages presensi and presensi-kecamatan for one
# architecture and suite, as `make deb` runs it: stages a copy of the
# tree (the files git knows, as they are in the work tree) with
# firmware/debian as its debian/, writes the suite into the changelog
# (version X+debNN, so an upgrade from bookworm to trixie takes the trixie
# build), runs dpkg-buildpackage, then lintian.  The host arch builds
# natively, source and binaries; another arch cross-builds against SYSROOT
# (binaries only; build dependencies are in the sysroot, not installed).
#   Usage: mkdeb.sh OUTDIR ARCH SUITE [SYSROOT]
# Leaves in OUTDIR the .deb, .changes, .buildinfo (and .dsc, .tar.xz),
# build.log and lintian.txt; fails on a lintian error or warning.
# JOBS (default 2) is the build's parallelism.
set -eu
out=${1:?usage: mkdeb.sh OUTDIR ARCH SUITE [SYSROOT]}
arch=${2:?usage: mkdeb.sh OUTDIR ARCH SUITE [SYSROOT]}
suite=${3:?usage: mkdeb.sh OUTDIR ARCH SUITE [SYSROOT]}
sysroot=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
host_arch=$(dpkg --print-architecture)

die() {
	echo "mkdeb.sh: $*" >&2
	exit 1
}

case $suite in
bookworm) n=12 ;;
trixie) n=13 ;;
*) die "unknown suite $suite (bookworm or trixie)" ;;
esac
for t in dpkg-buildpackage dh lintian; do
	command -v "$t" >/dev/null ||
		die "no $t: run tests/package/tools.sh as root (make check-package does)"
done
if [ "$arch" = "$host_arch" ]; then
	host_suite=$(sed -n "s/^VERSION_CODENAME=//p" /etc/os-release)
	[ "$suite" = "$host_suite" ] ||
		die "a $arch build here is for $host_suite, the host's suite, not $suite"
	bpargs="-F"
else
	triplet=$(dpkg-architecture -a"$arch" -qDEB_HOST_GNU_TYPE 2>/dev/null)
	command -v "$triplet-gcc" >/dev/null ||
		die "no $triplet-gcc: run tests/cross/tools.sh as root"
	if [ -n "$sysroot" ]; then
		[ -e "$sysroot/.complete" ] || die "$sysroot is not a complete sysroot"
		PD_SYSROOT=$(cd "$sysroot" && pwd)
		export PD_SYSROOT
	fi
	bpargs="-a$arch -d -b"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$top/firmware/debian/changelog" -SVersion)+deb$n
src=$out/src/presensi-$version
rm -rf "$out/src"
mkdir -p "$src"

# The files git tracks or would add (not ignored), as they are now; a
# tree without git is copied whole but for build output.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$top" ls-files -co --exclude-standard | while IFS= read -r f; do
		[ -e "$top/$f" ] && printf '%s\n' "$f"
	done | tar -C "$top" -cf - -T - | tar -C "$src" -xf -
else
	tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . |
		tar -C "$src" -xf -
fi
cp -R "$top/firmware/debian" "$src/debian"
sed -i "1s/^presensi ([^)]*) [^;]*;/presensi ($version) $suite;/" \
	"$src/debian/changelog"

# Without the kecamatan's program in the tree there is no
# presensi-kecamatan to build.
profiles=""
[ -e "$src/daemon/kecamatan/main.c" ] || profiles=pkg.presensi.nokecamatan

echo "mkdeb.sh: presensi $version for $suite $arch${PD_SYSROOT:+ against $PD_SYSROOT}${profiles:+ (profile $profiles)}"
t0=$(date +%s)
# shellcheck disable=SC2086 # bpargs: one word per option
if ! (cd "$src" && DEB_BUILD_PROFILES=$profiles \
	DEB_BUILD_OPTIONS="parallel=${JOBS:-2}" \
	dpkg-buildpackage -us -uc $bpargs) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed; the whole log is $out/build.log"
fi
echo "mkdeb.sh: built in $(($(date +%s) - t0)) s"

rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out"/*.dsc \
	"$out"/*.tar.*
for f in "$out"/src/*; do
	[ -f "$f" ] && mv "$f" "$out/"
done
rm -rf "$out/src"
changes=$(ls "$out"/*.changes)

for deb in "$out"/*.deb; do
	printf 'mkdeb.sh: %-50s %5s KiB, installed %5s KiB; Depends: %s\n' \
		"${deb##*/}" "$(($(stat -c %s "$deb") / 1024))" \
		"$(dpkg-deb -f "$deb" Installed-Size)" "$(dpkg-deb -f "$deb" Depends)"
done

# Lintian: errors and warnings fail; info and pedantic tags are shown.
# Each tag we keep is explained in firmware/debian/*.lintian-overrides.
lintian --display-info --pedantic --fail-on error,warning \
	"$changes" >"$out/lintian.txt" 2>&1 && lrc=0 || lrc=$?
# (As root lintian says it would rather not be: that line is not a tag.)
tags=$(grep -v 'running with root privileges' "$out/lintian.txt" || true)
if [ -n "$tags" ]; then
	printf '%s\n' "$tags" | sed 's/^/lintian: /'
else
	echo "lintian: no tags (errors, warnings, info, pedantic; overrides:" \
		"firmware/debian/*.lintian-overrides)"
fi
[ "$lrc" -eq 0 ] || die "lintian failed (exit $lrc)"
