#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes a dpkg database (an --admindir) describing the packages a sysroot
# was unpacked from, so dpkg-shlibdeps can compute a cross build's
# Depends from the sysroot's own shlibs and symbols files: which package
# holds a library (dpkg-query --search, answered from info/*.list, whose
# paths carry the sysroot prefix, as the library paths dpkg-shlibdeps
# finds with -lSYSROOT/... do) and what its symbols need (info/*.symbols).
# Nothing is installed and the host's own database is never read.
#   Usage: sysroot-dpkgdb.sh SYSROOT OUTDIR
# The .debs: SYSROOT/.apt/debs.txt naming files in SYSROOT/.apt/cache/
# archives (tests/cross/sysroot.sh), or SYSROOT/debs/*.deb.
set -eu
sysroot=${1:?usage: sysroot-dpkgdb.sh SYSROOT OUTDIR}
out=${2:?usage: sysroot-dpkgdb.sh SYSROOT OUTDIR}
sysroot=$(cd "$sysroot" && pwd)

debs=$(mktemp)
ctl=$(mktemp -d)
trap 'rm -rf "$debs" "$ctl"' EXIT
if [ -s "$sysroot/.apt/debs.txt" ]; then
	sed "s|^|$sysroot/.apt/cache/archives/|" "$sysroot/.apt/debs.txt" >"$debs"
elif ls "$sysroot"/debs/*.deb >/dev/null 2>&1; then
	ls "$sysroot"/debs/*.deb >"$debs"
else
	echo "sysroot-dpkgdb.sh: no list of the .debs $sysroot was made from" >&2
	exit 1
fi

rm -rf "$out"
mkdir -p "$out/info" "$out/updates"
echo 1 >"$out/info/format"
: >"$out/status"
: >"$out/available"
n=0
while read -r deb; do
	[ -r "$deb" ] || {
		echo "sysroot-dpkgdb.sh: missing $deb" >&2
		exit 1
	}
	rm -rf "$ctl/c" && dpkg-deb -e "$deb" "$ctl/c"
	field() { sed -n "s/^$1: *//p" "$ctl/c/control"; }
	# In a multiarch database (info/format 1) the files of a Multi-Arch:
	# same package are named pkg:arch.
	name=$(field Package)
	[ "$(field Multi-Arch)" = same ] && name=$name:$(field Architecture)
	for f in shlibs symbols; do
		if [ -f "$ctl/c/$f" ]; then
			cp "$ctl/c/$f" "$out/info/$name.$f"
		fi
	done
	# Only a package with shlibs or symbols can answer for a library;
	# listing the others' files (Python's stdlib...) would only cost time.
	if [ -f "$ctl/c/shlibs" ] || [ -f "$ctl/c/symbols" ]; then
		dpkg-deb --fsys-tarfile "$deb" | tar -t |
			sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d' \
				-e "s|^|$sysroot|" >"$out/info/$name.list"
	else
		: >"$out/info/$name.list"
	fi
	{
		sed '/^Status:/d' "$ctl/c/control"
		echo "Status: install ok installed"
		echo
	} >>"$out/status"
	n=$((n + 1))
done <"$debs"
echo "sysroot-dpkgdb.sh: $n packages of $sysroot in $out"
