#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes a Presensi Desa SD card image from a Raspberry Pi OS Lite image
# (trixie, arm64; from https://www.raspberrypi.com/software/operating-systems/):
# copies it (unpacking .xz), grows its root partition and file system by
# --grow-mib so the package and its libraries fit (Pi OS grows it to the
# whole card at first boot anyway), mounts root and boot through loop
# devices at the partitions' offsets (no partition scanning, no udev
# needed), runs customize.sh on them, unmounts, and checks the file
# system.  The result is written as OUT only when all of that succeeded.
#   Usage: pi-image.sh --image IN.img[.xz] --out OUT.img [--grow-mib N]
#                      [customize.sh options: --deb FILE --config FILE
#                       --rtc --persistent-journal --chrootless]
# Without --chrootless the package is installed by apt inside the image,
# which runs arm64 programs: on an arm64 machine, or with qemu-user-static
# registered in binfmt_misc (package qemu-user-static with binfmt-support,
# or systemd-binfmt).  Needs root, losetup, sfdisk, e2fsck, resize2fs,
# and mtools where the kernel cannot mount FAT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

die() {
	echo "pi-image.sh: $*" >&2
	exit 1
}
usage() {
	sed -n 's/^#   Usage: /usage: /p; s/^#                      /    /p' "$0" >&2
	exit 2
}

in=""
out=""
grow=512
pass=""
while [ $# -gt 0 ]; do
	case $1 in
	--image) in=${2:?--image FILE}; shift ;;
	--out) out=${2:?--out FILE}; shift ;;
	--grow-mib) grow=${2:?--grow-mib N}; shift ;;
	--deb | --config)
		[ $# -ge 2 ] || usage
		# Absolute paths: customize.sh runs with the same view.
		f=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
		pass="$pass $1 $f"
		shift
		;;
	--rtc | --persistent-journal | --chrootless) pass="$pass $1" ;;
	-h | --help) usage ;;
	*) echo "pi-image.sh: unknown argument $1" >&2; usage ;;
	esac
	shift
done
if [ -z "$in" ] || [ -z "$out" ]; then
	usage
fi
case $grow in
'' | *[!0-9]*) die "--grow-mib takes a number of MiB" ;;
esac
[ "$(id -u)" -eq 0 ] || die "must run as root (loop devices, mounts)"
for t in losetup sfdisk e2fsck resize2fs mount umount; do
	command -v "$t" >/dev/null || die "needs $t (packages mount, fdisk, e2fsprogs)"
done
[ -r "$in" ] || die "cannot read $in"

work=$(mktemp -d)
img=$out.partial
loops=""
mounts=""
cleanup() {
	for m in $mounts; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	for l in $loops; do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$work"
	rm -f "$img"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "pi-image: $in -> $img"
case $in in
*.xz) xz -dc "$in" >"$img" ;;
*) cp "$in" "$img" ;;
esac

# Partition 2 (root) grows into the new space; the boot partition stays.
if [ "$grow" -gt 0 ]; then
	truncate -s "+${grow}M" "$img"
	echo ', +' | sfdisk --quiet --no-reread --no-tell-kernel -N 2 "$img" ||
		die "cannot grow partition 2 of $in (is it a Pi OS image?)"
fi

# "IMG1 : start= 8192, size= 1048576, type=c" -> "start size" in sectors.
part() {
	sfdisk -d "$img" | sed -n "s|^$img$1 *: *start= *\([0-9]*\), *size= *\([0-9]*\),.*|\1 \2|p"
}
# attach N: $dev becomes a loop device over partition N.
attach() {
	# shellcheck disable=SC2046 # "start size", two words
	set -- "$1" $(part "$1")
	[ $# -eq 3 ] || die "$in has no partition $1"
	off=$(($2 * 512))
	dev=$(losetup --show -f -o "$off" --sizelimit $(($3 * 512)) "$img")
	loops="$dev $loops"
}
# fsck LABEL: e2fsck -f -y on the root; 0, 1 and 2 mean it is clean now.
fsck() {
	e2fsck -f -y "$rootdev" >"$work/fsck.log" 2>&1 || [ $? -le 2 ] || {
		cat "$work/fsck.log" >&2
		die "e2fsck found errors it could not fix $1"
	}
}
attach 2
rootdev=$dev
attach 1
bootdev=$dev
fatimg=$img@@$off
fsck "on the root file system"
resize2fs "$rootdev" >/dev/null 2>&1 || die "resize2fs failed"

mnt=$work/root
mkdir -p "$mnt"
mount "$rootdev" "$mnt"
mounts="$mnt"
# Pi OS bookworm and later mount the boot partition at /boot/firmware.
# Where this kernel cannot mount FAT (a container, a kernel without vfat)
# mtools carries config.txt and cmdline.txt out and config.txt back: the
# recipe changes nothing else there, and installs no kernel or firmware.
boot=$mnt/boot/firmware
[ -d "$boot" ] || boot=$mnt/boot
fat=mount
if mount -t vfat "$bootdev" "$boot" 2>/dev/null; then
	mounts="$boot $mounts"
else
	command -v mcopy >/dev/null ||
		die "cannot mount the FAT boot partition here, and no mcopy (mtools) to read it"
	fat=mtools
	boot=$work/boot
	mkdir -p "$boot"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$fatimg" ::config.txt ::cmdline.txt "$boot/" ||
		die "no config.txt or cmdline.txt in the boot partition"
	echo "pi-image: no vfat here: the boot partition through mtools"
fi

# shellcheck disable=SC2086 # $pass: customize.sh's options, one word each
sh "$here/customize.sh" --boot "$boot" $pass "$mnt"

if [ "$fat" = mtools ]; then
	# The FAT through the image file, not the loop device: mtools asks a
	# device for its geometry.
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$fatimg" "$boot/config.txt" ::config.txt
fi
sync
for m in $mounts; do
	umount "$m"
done
mounts=""
fsck "after customizing"
for l in $loops; do
	losetup -d "$l"
done
loops=""
mv "$img" "$out"
echo "pi-image: wrote $out ($(($(stat -c %s "$out") / 1048576)) MiB); write it to the card with" \
	"dd or Raspberry Pi Imager (\"Use custom\")"
