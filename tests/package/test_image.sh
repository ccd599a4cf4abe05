#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Tests the Pi image recipe (firmware/image/customize.sh) on a Debian
# trixie arm64 root, the base of Raspberry Pi OS trixie (whose images are
# not in Debian's archive).  This machine has no binfmt_misc, so nothing
# of the root may run: mmdebstrap --variant=extract unpacks base-files,
# procps (the unit's ExecReload runs /bin/kill), systemd,
# systemd-timesyncd, tzdata, dphys-swapfile, fake-hwclock, rsyslog and the
# package's dependencies without running a maintainer script, and the
# test then registers them in the root's dpkg database as installed
# (their scripts never ran: no users of theirs, no links).  A
# stand-in /boot/firmware holds a Pi OS config.txt and cmdline.txt, and
# /etc/fstab is Pi OS's, plus a swap file.  Then customize.sh
# --chrootless --rtc with a desa config for Asia/Makassar, and checks:
#   the package installed, its users; the desa's config 0640
#   root:presensi-admin, accepted by the arm64 presensid --check under
#   qemu-aarch64-static; /etc/localtime and /etc/timezone; presensid and
#   systemd-timesyncd enabled, rsyslog disabled, dphys-swapfile and
#   fake-hwclock masked, CONF_SWAPSIZE=0, rpi-swap zram only, /var/swap
#   gone; the journald drop-in; fstab noatime on / and /boot/firmware,
#   its swap line commented out; the overlay line in config.txt's [all];
#   cmdline.txt untouched; systemd-analyze verify and security of the
#   installed unit.  A second run changes nothing; --persistent-journal
#   switches the drop-in; a config with another time zone is refused
#   before the root is touched.  The scripts are shellcheck-clean.
# Then pi-image.sh on a stand-in image file made from the same root (a
# Pi OS-shaped .img.xz): unpacked, grown, customized through loop
# devices, and read back.
#   Usage: test_image.sh DIR      (DIR: make deb ARCH=arm64 SUITE=trixie's output)
set -u
dir=${1:?usage: test_image.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
recipe=$top/firmware/image/customize.sh
deb=$(find "$dir" -maxdepth 1 -name 'presensi_*_arm64.deb' | head -n 1)
[ -n "$deb" ] || {
	echo "test_image.sh: no presensi_*_arm64.deb in $dir" >&2
	exit 1
}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() {
	echo "ok: $*"
}
# check LABEL COMMAND...: ok or FAIL by the command's status.
check() {
	label=$1
	shift
	if "$@"; then ok "$label"; else fail "$label"; fi
}

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck "$top"/firmware/image/*.sh "$0" >"$tmp/sc.log" 2>&1; then
		ok "shellcheck firmware/image/*.sh and this test"
	else
		fail "shellcheck"
		sed 's/^/    | /' "$tmp/sc.log"
	fi
else
	echo "skip: no shellcheck here"
fi

# ---- the trixie arm64 root ----
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' |
	grep -v '^$' | tr '\n' ',')
echo "== mmdebstrap --variant=extract trixie arm64 (+ ${deps%,})"
t0=$(date +%s)
if ! mmdebstrap --quiet --mode=chrootless --variant=extract --arch=arm64 \
	--skip=cleanup/apt/cache --skip=download/empty \
	--include="base-files,base-passwd,procps,tzdata,systemd,systemd-timesyncd,dphys-swapfile,fake-hwclock,rsyslog,${deps%,}" \
	trixie "$root" "$MIRROR" >"$tmp/mmdebstrap.log" 2>&1; then
	sed 's/^/    | /' "$tmp/mmdebstrap.log"
	echo "test_image.sh: mmdebstrap failed" >&2
	exit 1
fi
# What their maintainer scripts would have recorded: each unpacked
# package installed, with its files; base-passwd's users.
admin=$root/var/lib/dpkg
mkdir -p "$admin/info" "$admin/updates"
: >"$admin/status"
n=0
for f in "$root"/var/cache/apt/archives/*.deb; do
	rm -rf "$tmp/ctl" && dpkg-deb -e "$f" "$tmp/ctl"
	p=$(sed -n 's/^Package: //p' "$tmp/ctl/control")
	[ "$(sed -n 's/^Multi-Arch: //p' "$tmp/ctl/control")" = same ] &&
		p=$p:$(sed -n 's/^Architecture: //p' "$tmp/ctl/control")
	{
		cat "$tmp/ctl/control"
		echo "Status: install ok installed"
		echo
	} >>"$admin/status"
	dpkg-deb -c "$f" | awk '{ print substr($6, 2) }' |
		sed -e 's|/$||' -e 's|^$|/.|' -e 's| ->.*||' >"$admin/info/$p.list"
	n=$((n + 1))
done
rm -f "$root"/var/cache/apt/archives/*.deb
cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
echo "== root: $n packages in $(($(date +%s) - t0)) s, $(du -sm "$root" | cut -f1) MB"

# Raspberry Pi OS's boot partition, fstab and swap file, as its image has them.
boot=$root/boot/firmware
mkdir -p "$boot"
cat >"$boot/config.txt" <<'EOF'
# For more options and information see
# http://rptl.io/configtxt
#dtparam=i2c_arm=on
dtparam=audio=on
camera_auto_detect=1
display_auto_detect=1
auto_initramfs=1
dtoverlay=vc4-kms-v3d
max_framebuffers=2
disable_fw_kms_setup=1
arm_64bit=1
disable_overscan=1
arm_boost=1

[cm4]
otg_mode=1

[cm5]
dtoverlay=dwc2,dr_mode=host

[all]
EOF
echo 'console=serial0,115200 console=tty1 root=PARTUUID=3f4a1c2b-02 rootfstype=ext4 fsck.repair=yes rootwait quiet' \
	>"$boot/cmdline.txt"
cp "$boot/cmdline.txt" "$tmp/cmdline.orig"
cat >"$root/etc/fstab" <<'EOF'
proc            /proc           proc    defaults          0       0
PARTUUID=3f4a1c2b-01  /boot/firmware  vfat    defaults,relatime          0       2
PARTUUID=3f4a1c2b-02  /               ext4    defaults,noatime  0       1
/var/swap none swap sw 0 0
EOF
head -c 1048576 /dev/zero >"$root/var/swap"

# The desa's config: the package's default, for a desa in WITA.
sed -e 's/^id = .*/id = 7371012005/' -e 's/^name = .*/name = Bonto Marannu/' \
	-e 's|^timezone = .*|timezone = Asia/Makassar|' \
	"$top/firmware/presensi.conf" >"$tmp/desa.conf"
sed -e 's|^timezone = .*|timezone = Asia/Singapore|' "$tmp/desa.conf" >"$tmp/bad.conf"

# A pristine copy for the image-file test at the end.
cp -a "$root" "$tmp/pristine"

# ---- a refused config touches nothing ----
find "$root" -newer "$tmp/desa.conf" | sort >"$tmp/before"
if sh "$recipe" --chrootless --rtc --deb "$deb" --config "$tmp/bad.conf" \
	"$root" >"$tmp/bad.log" 2>&1; then
	fail "a config for Asia/Singapore was accepted"
elif grep -q "timezone is 'Asia/Singapore'" "$tmp/bad.log" &&
	find "$root" -newer "$tmp/desa.conf" | sort | cmp -s - "$tmp/before"; then
	ok "Asia/Singapore refused, the root untouched: $(tail -n 1 "$tmp/bad.log")"
else
	fail "Asia/Singapore: not refused cleanly"
	sed 's/^/    | /' "$tmp/bad.log"
fi

# ---- the recipe ----
echo "== customize.sh --chrootless --rtc --config (Asia/Makassar)"
t0=$(date +%s)
if ! sh "$recipe" --chrootless --rtc --deb "$deb" --config "$tmp/desa.conf" \
	"$root" >"$tmp/run1.log" 2>&1; then
	sed 's/^/    | /' "$tmp/run1.log"
	fail "customize.sh failed"
	exit 1
fi
sed 's/^/    | /' "$tmp/run1.log"
echo "== customize.sh took $(($(date +%s) - t0)) s"

name_of() { # FILE ID
	awk -F: -v id="$2" '$3 == id { print $1; exit }' "$root/etc/$1"
}
owner_mode() {
	echo "$(stat -c %a "$1") $(name_of passwd "$(stat -c %u "$1")"):$(name_of group "$(stat -c %g "$1")")"
}
enabled() { # UNIT: systemctl's word for it
	systemctl --root="$root" is-enabled "$1" 2>/dev/null
}

check "presensi $(dpkg-query --admindir="$admin" -W -f='${Version} ${Architecture}' presensi) is installed" \
	sh -c "dpkg-query --admindir='$admin' -W -f='\${db:Status-Status}' presensi | grep -qx installed"
for g in presensi presensi-admin gpio; do
	check "group $g" grep -q "^$g:" "$root/etc/group"
done
check "user presensi" grep -q '^presensi:.*:/var/lib/presensi:/usr/sbin/nologin$' "$root/etc/passwd"
conf=$root/etc/presensi/presensi.conf
check "the desa's config is installed" cmp -s "$tmp/desa.conf" "$conf"
om=$(owner_mode "$conf")
check "the config is $om (640 root:presensi-admin)" [ "$om" = "640 root:presensi-admin" ]
if command -v qemu-aarch64-static >/dev/null 2>&1; then
	check "the arm64 presensid --check accepted it" grep -q 'configuration OK' "$tmp/run1.log"
fi
check "/etc/localtime -> $(readlink "$root/etc/localtime")" \
	[ "$(readlink "$root/etc/localtime")" = /usr/share/zoneinfo/Asia/Makassar ]
check "/etc/timezone: $(cat "$root/etc/timezone")" \
	[ "$(cat "$root/etc/timezone")" = Asia/Makassar ]
check "the zone file is there" [ -f "$root/usr/share/zoneinfo/Asia/Makassar" ]
for u in presensid.service systemd-timesyncd.service; do
	check "$u: $(enabled $u)" [ "$(enabled $u)" = enabled ]
done
check "presensid.service is wanted by multi-user.target" \
	[ -L "$root/etc/systemd/system/multi-user.target.wants/presensid.service" ]
check "rsyslog.service: $(enabled rsyslog.service)" [ "$(enabled rsyslog.service)" = disabled ]
check "dphys-swapfile.service: $(enabled dphys-swapfile.service)" \
	[ "$(enabled dphys-swapfile.service)" = masked ]
check "CONF_SWAPSIZE=0 in /etc/dphys-swapfile" grep -qx 'CONF_SWAPSIZE=0' "$root/etc/dphys-swapfile"
check "rpi-swap: zram only" grep -qx 'Mechanism=zram' "$root/etc/rpi/swap.conf.d/50-presensi.conf"
check "/var/swap is gone" [ ! -e "$root/var/swap" ]
for u in $(cd "$root/usr/lib/systemd/system" && ls fake-hwclock*.service fake-hwclock*.timer 2>/dev/null); do
	check "$u: $(enabled "$u")" [ "$(enabled "$u")" = masked ]
done
jd=$root/etc/systemd/journald.conf.d/50-presensi.conf
check "journald: Storage=volatile" grep -qx 'Storage=volatile' "$jd"
check "journald: RuntimeMaxUse=16M" grep -qx 'RuntimeMaxUse=16M' "$jd"
check "journald: rate-limited" grep -qx 'RateLimitBurst=1000' "$jd"
fstab=$root/etc/fstab
check "fstab: / is ext4 defaults,noatime" \
	grep -qP '^PARTUUID=3f4a1c2b-02\t/\text4\tdefaults,noatime\t0\t1$' "$fstab"
check "fstab: /boot/firmware relatime became noatime" \
	grep -qP '^PARTUUID=3f4a1c2b-01\t/boot/firmware\tvfat\tdefaults,noatime\t0\t2$' "$fstab"
check "fstab: proc untouched" grep -q '^proc  *\/proc  *proc  *defaults' "$fstab"
check "fstab: the swap line is commented out" \
	grep -q '^# presensi: no swap on the SD card: /var/swap none swap' "$fstab"
check "fstab: no active swap line" sh -c "! awk '!/^#/ && \$3 == \"swap\"' '$fstab' | grep -q ."
last=$(grep -v '^[[:space:]]*$' "$boot/config.txt" | grep -v '^#' | tail -n 2 | tr '\n' ' ')
check "config.txt ends with [all] dtoverlay=i2c-rtc,ds3231 ($last)" \
	[ "$last" = "[all] dtoverlay=i2c-rtc,ds3231 " ]
check "cmdline.txt untouched" cmp -s "$tmp/cmdline.orig" "$boot/cmdline.txt"
check "/etc/presensi-image says rtc: ds3231" grep -qx 'rtc: ds3231' "$root/etc/presensi-image"
check "no policy-rc.d left behind" [ ! -e "$root/usr/sbin/policy-rc.d" ]

# The installed unit, against the root's own units.  This machine's
# systemd-analyze (252) reads trixie's (257) and complains about their
# newer settings, so only what it says of presensid.service counts.
unit=/usr/lib/systemd/system/presensid.service
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify --man=no --root="$root" "$unit" >"$tmp/verify.log" 2>&1
	if grep -q 'presensid' "$tmp/verify.log"; then
		fail "systemd-analyze verify $unit"
		grep 'presensid' "$tmp/verify.log" | sed 's/^/    | /'
	else
		ok "systemd-analyze verify $unit: nothing about presensid.service" \
			"($(wc -l <"$tmp/verify.log") lines about trixie's own units)"
	fi
	systemd-analyze security --offline=yes --root="$root" --threshold=20 \
		presensid.service >"$tmp/security.log" 2>&1
	src=$?
	score=$(sed -n 's/.*Overall exposure level for presensid.service: //p' "$tmp/security.log")
	if [ "$src" -eq 0 ] && [ -n "$score" ]; then
		ok "systemd-analyze security presensid.service (trixie arm64): $score"
	else
		fail "systemd-analyze security presensid.service: ${score:-no score} (at most 2.0)"
	fi
fi

# ---- again: nothing changes ----
snap() {
	(cd "$root" && find etc boot var/lib/presensi usr/sbin/presensid \
		-xdev \( -type f -o -type l \) ! -path 'etc/presensi-image' \
		-printf '%p %m %u %g %l\n' | sort) >"$1"
	(cd "$root" && find etc boot -type f ! -name '*-old' -exec md5sum {} + |
		sort) >>"$1"
}
snap "$tmp/snap1"
if sh "$recipe" --chrootless --rtc --deb "$deb" --config "$tmp/desa.conf" \
	"$root" >"$tmp/run2.log" 2>&1; then
	snap "$tmp/snap2"
	if cmp -s "$tmp/snap1" "$tmp/snap2" && ! grep -q '^customize: wrote' "$tmp/run2.log"; then
		ok "a second run changes nothing"
	else
		fail "a second run changed:"
		diff "$tmp/snap1" "$tmp/snap2" | head -n 20 | sed 's/^/    | /'
		grep '^customize: wrote' "$tmp/run2.log" | sed 's/^/    | /'
	fi
	check "config.txt has the overlay once" \
		[ "$(grep -c '^dtoverlay=i2c-rtc,ds3231$' "$boot/config.txt")" -eq 1 ]
else
	fail "the second run failed"
	sed 's/^/    | /' "$tmp/run2.log"
fi

# ---- --persistent-journal ----
if sh "$recipe" --chrootless --rtc --persistent-journal --deb "$deb" \
	"$root" >"$tmp/run3.log" 2>&1; then
	check "--persistent-journal: Storage=persistent, SystemMaxUse=32M" \
		grep -qx 'SystemMaxUse=32M' "$jd"
	check "--persistent-journal: no volatile line" sh -c "! grep -q volatile '$jd'"
	check "without --config the desa's config stays" cmp -s "$tmp/desa.conf" "$conf"
else
	fail "the --persistent-journal run failed"
	sed 's/^/    | /' "$tmp/run3.log"
fi

# ---- pi-image.sh on an image file ----
# A stand-in for the Pi OS .img.xz: a DOS label, a FAT boot partition at
# 4 MiB and an ext4 root after it, made from the pristine root without
# mounting it (mkfs.ext4 -d).  pi-image.sh unpacks, grows, mounts and
# customizes it; then its partition table, file system size and a few
# of the recipe's changes are read back.
image_test() {
	p=$tmp/pristine
	rmb=$(($(du -sm "$p" | cut -f1) * 13 / 10 + 32))
	mkdir -p "$tmp/bootfs"
	mv "$p"/boot/firmware/* "$tmp/bootfs/"
	mkfs.ext4 -q -F -L rootfs -d "$p" "$tmp/root.fs" "${rmb}M" >/dev/null &&
		mkfs.vfat -n BOOTFS -C "$tmp/boot.fs" 32768 >/dev/null &&
		MTOOLS_SKIP_CHECK=1 mcopy -i "$tmp/boot.fs" "$tmp/bootfs"/* :: ||
		return 1
	disk=$tmp/pios.img
	truncate -s "$((36 + rmb))M" "$disk"
	printf 'label: dos\nstart=8192, size=65536, type=c\nstart=73728, type=83\n' |
		sfdisk --quiet "$disk" || return 1
	dd if="$tmp/boot.fs" of="$disk" bs=1M seek=4 conv=notrunc status=none &&
		dd if="$tmp/root.fs" of="$disk" bs=1M seek=36 conv=notrunc status=none &&
		xz -0 -T2 "$disk" || return 1
	rm -f "$tmp/root.fs" "$tmp/boot.fs"
	echo "== pi-image.sh --image pios.img.xz --grow-mib 64 --chrootless --rtc"
	t0=$(date +%s)
	if ! sh "$top/firmware/image/pi-image.sh" --image "$disk.xz" --out "$tmp/box.img" \
		--grow-mib 64 --chrootless --rtc --deb "$deb" --config "$tmp/desa.conf" \
		>"$tmp/img.log" 2>&1; then
		sed 's/^/    | /' "$tmp/img.log"
		fail "pi-image.sh failed"
		return 0
	fi
	echo "== pi-image.sh took $(($(date +%s) - t0)) s: $(tail -n 1 "$tmp/img.log")"
	check "no loop device left attached" sh -c "! losetup -j '$tmp/box.img.partial' | grep -q . && ! losetup -j '$tmp/box.img' | grep -q ."
	size2=$(sfdisk -d "$tmp/box.img" | sed -n 's|.*box.img2 : start= *73728, size= *\([0-9]*\),.*|\1|p')
	check "partition 2 grew by 64 MiB ($size2 sectors)" \
		[ "${size2:-0}" -eq $(((rmb + 64) * 2048)) ]
	l=$(losetup --show -f -r -o $((73728 * 512)) "$tmp/box.img")
	fsb=$(dumpe2fs -h "$l" 2>/dev/null | sed -n 's/^Block count: *//p')
	bs=$(dumpe2fs -h "$l" 2>/dev/null | sed -n 's/^Block size: *//p')
	check "the root file system fills it ($((fsb * bs / 1048576)) MiB)" \
		[ $((fsb * bs / 1048576)) -eq $((rmb + 64)) ]
	mkdir -p "$tmp/im"
	if mount -o ro "$l" "$tmp/im"; then
		check "in the image: presensi installed" sh -c "dpkg-query --admindir='$tmp/im/var/lib/dpkg' -W -f='\${db:Status-Status}' presensi | grep -qx installed"
		check "in the image: the desa's config" cmp -s "$tmp/desa.conf" "$tmp/im/etc/presensi/presensi.conf"
		check "in the image: Asia/Makassar" [ "$(readlink "$tmp/im/etc/localtime")" = /usr/share/zoneinfo/Asia/Makassar ]
		check "in the image: presensid enabled" \
			[ -L "$tmp/im/etc/systemd/system/multi-user.target.wants/presensid.service" ]
		umount "$tmp/im"
	else
		fail "cannot mount the image's root"
	fi
	losetup -d "$l"
	if MTOOLS_SKIP_CHECK=1 mtype -i "$tmp/box.img@@$((8192 * 512))" ::config.txt \
		>"$tmp/img-config.txt"; then
		check "in the image: config.txt has the RTC overlay" \
			grep -qx 'dtoverlay=i2c-rtc,ds3231' "$tmp/img-config.txt"
	else
		fail "cannot read the image's config.txt"
	fi
}
if [ "$(id -u)" -eq 0 ] && command -v sfdisk >/dev/null 2>&1 &&
	command -v mkfs.vfat >/dev/null 2>&1 && command -v mcopy >/dev/null 2>&1 &&
	losetup -f >/dev/null 2>&1; then
	image_test || fail "could not make the stand-in image"
else
	echo "skip: pi-image.sh on an image file needs root, sfdisk, mkfs.vfat," \
		"mtools and loop devices"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all image recipe checks passed"
