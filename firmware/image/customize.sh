#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Turns the root file system of a Raspberry Pi OS Lite image (trixie,
# arm64; bookworm works too) into a Presensi Desa box.  pi-image.sh runs
# it on a mounted image; tests/package/test_image.sh on a trixie root made
# by mmdebstrap.  In order:
#   1. installs the presensi package (apt-get in a chroot, which pulls its
#      dependencies from the image's archive, or with --chrootless dpkg
#      --root, for a root that has them already) without starting it;
#   2. installs the desa's presensi.conf (--config) as the admin's own
#      config: 0640 root:presensi-admin, kept across package upgrades;
#   3. sets the time zone from its [desa] timezone (Asia/Jakarta,
#      Asia/Makassar or Asia/Jayapura, nothing else);
#   4. enables presensid and systemd-timesyncd;
#   5. spares the SD card: journald bounded, rate-limited and in RAM
#      (--persistent-journal: on the card, bounded, synced every 15 min),
#      rsyslog off, no swap on the card (dphys-swapfile off, rpi-swap
#      zram only, swap lines of fstab commented out, /var/swap gone),
#      noatime on every disk file system in fstab;
#   6. with --rtc (a DS3231 is fitted): dtoverlay=i2c-rtc,ds3231 in
#      config.txt, and fake-hwclock removed (the RTC sets the clock, and
#      fake-hwclock's hourly save would only write to the card).
# Every step is idempotent; a second run changes nothing more.
#   Usage: customize.sh [options] ROOT
#     --deb FILE            the presensi package for the image's suite (required)
#     --config FILE         the desa's presensi.conf (default: the package's)
#     --rtc                 a DS3231 RTC is fitted
#     --persistent-journal  keep the journal on the card (bounded)
#     --boot DIR            the boot partition (default ROOT/boot/firmware)
#     --chrootless          install with dpkg --root; run no code of the image
set -eu

die() {
	echo "customize.sh: $*" >&2
	exit 1
}
say() {
	echo "customize: $*"
}
usage() {
	sed -n 's/^#   Usage: /usage: /p; s/^#     /    /p' "$0" >&2
	exit 2
}

root=""
deb=""
config=""
rtc=0
journal=volatile
boot=""
mode=chroot
while [ $# -gt 0 ]; do
	case $1 in
	--deb) deb=${2:?--deb FILE}; shift ;;
	--config) config=${2:?--config FILE}; shift ;;
	--rtc) rtc=1 ;;
	--persistent-journal) journal=persistent ;;
	--boot) boot=${2:?--boot DIR}; shift ;;
	--chrootless) mode=chrootless ;;
	-h | --help) usage ;;
	-*) echo "customize.sh: unknown option $1" >&2; usage ;;
	*) [ -z "$root" ] || usage; root=$1 ;;
	esac
	shift
done
if [ -z "$root" ] || [ -z "$deb" ]; then
	usage
fi
[ "$(id -u)" -eq 0 ] || die "must run as root (it writes a system's root)"
if [ ! -d "$root/etc" ] || [ ! -d "$root/usr" ]; then
	die "$root is not a root file system"
fi
root=$(cd "$root" && pwd)
[ "$root" != / ] || die "refusing to customize this machine's own root"
[ -r "$deb" ] || die "cannot read $deb"
[ -z "$config" ] || [ -r "$config" ] || die "cannot read $config"
boot=${boot:-$root/boot/firmware}
[ -f "$boot/config.txt" ] || die "no config.txt in $boot (--boot DIR)"
command -v systemctl >/dev/null || die "needs systemctl (systemctl --root)"
# systemctl --root on a unit with a SysV script would run the image's
# update-rc.d in a chroot; the native unit is what systemd uses anyway.
export SYSTEMCTL_SKIP_SYSV=1

# ini_get FILE SECTION KEY: the value of KEY in [SECTION], trimmed.
ini_get() {
	awk -v sec="$2" -v key="$3" '
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); next }
		s == sec && index($0, "=") {
			k = substr($0, 1, index($0, "=") - 1)
			v = substr($0, index($0, "=") + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", k)
			gsub(/^[ \t]+|[ \t]+$/, "", v)
			if (k == key) val = v
		}
		END { print val }' "$1"
}
# gid NAME: the group's id in the image's /etc/group.
gid() {
	awk -F: -v n="$1" '$1 == n { print $3 }' "$root/etc/group"
}
# installed PACKAGE: whether the image has it installed.
installed() {
	dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Status}' \
		"$1" 2>/dev/null | grep -qx installed
}
# write FILE MODE: stdin into the image's FILE, unless it is already so.
write() {
	mkdir -p "$(dirname "$root$1")"
	cat >"$root$1.new"
	if cmp -s "$root$1.new" "$root$1"; then
		rm -f "$root$1.new"
	else
		chmod "$2" "$root$1.new"
		mv "$root$1.new" "$root$1"
		say "wrote $1"
	fi
}

# The desa's config first: a bad time zone stops the build before the
# image is touched.
valid_tz() {
	case $1 in
	Asia/Jakarta | Asia/Makassar | Asia/Jayapura) return 0 ;;
	esac
	return 1
}
if [ -n "$config" ]; then
	tz=$(ini_get "$config" desa timezone)
	valid_tz "$tz" || die "$config: [desa] timezone is '$tz', not" \
		"Asia/Jakarta, Asia/Makassar or Asia/Jayapura"
	[ -n "$(ini_get "$config" desa id)" ] || die "$config: [desa] id is missing"
fi

# ---- 1. the package ----
# Nothing starts inside the image while it is built.
policy=$root/usr/sbin/policy-rc.d
mounted=""
cleanup() {
	for m in $mounted; do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	rm -f "$policy" "$root/tmp/presensi-image.deb"
	[ ! -e "$root/etc/resolv.conf.presensi-image" ] ||
		mv "$root/etc/resolv.conf.presensi-image" "$root/etc/resolv.conf"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
printf '#!/bin/sh\n# customize.sh: no service starts while the image is built.\nexit 101\n' >"$policy"
chmod 755 "$policy"

if [ "$mode" = chroot ]; then
	# The image's own apt and maintainer scripts run inside it: arm64
	# code, so the host is arm64 or has qemu-aarch64 in binfmt_misc.
	chroot "$root" /bin/true 2>/dev/null ||
		die "cannot run the image's programs here (an arm64 host, or" \
			"qemu-user-static registered in binfmt_misc); --chrootless" \
			"installs with dpkg --root when the root has the dependencies"
	for m in proc sys dev dev/pts; do
		mkdir -p "$root/$m"
		mount --bind "/$m" "$root/$m"
		mounted="$root/$m $mounted"
	done
	if [ -e /etc/resolv.conf ]; then
		mv "$root/etc/resolv.conf" "$root/etc/resolv.conf.presensi-image" 2>/dev/null ||
			: >"$root/etc/resolv.conf.presensi-image"
		cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	fi
	cp "$deb" "$root/tmp/presensi-image.deb"
	extra=""
	installed systemd-timesyncd || extra="systemd-timesyncd"
	say "apt-get install ${deb##*/} $extra (in the image)"
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086 # $extra: none or one package
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold /tmp/presensi-image.deb $extra
else
	# dpkg on the image's database; the maintainer scripts run here with
	# DPKG_ROOT set (ours are written for that).  A systemctl stand-in
	# keeps a host systemd out of it.
	shim=$(mktemp -d)
	printf '#!/bin/sh\nexit 0\n' >"$shim/systemctl"
	chmod 755 "$shim/systemctl"
	say "dpkg --root $root -i ${deb##*/}"
	PATH=$shim:$PATH dpkg --root="$root" --force-script-chrootless \
		--force-confdef --force-confold -i "$deb" || {
		rm -rf "$shim"
		die "dpkg -i failed (are its dependencies in the root?)"
	}
	rm -rf "$shim"
fi
installed presensi || die "presensi is not installed in the image"
say "presensi $(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' presensi) installed"

# ---- 2. the desa's config ----
conf=$root/etc/presensi/presensi.conf
admin_gid=$(gid presensi-admin)
[ -n "$admin_gid" ] || die "the package made no group presensi-admin"
if [ -n "$config" ]; then
	install -m 0640 -o 0 -g "$admin_gid" "$config" "$conf.new"
	mv "$conf.new" "$conf"
	say "installed the desa's config: $(ini_get "$conf" desa id)" \
		"$(ini_get "$conf" desa name)"
fi
chown 0:"$admin_gid" "$conf"
chmod 0640 "$conf"
if [ "$mode" = chroot ]; then
	chroot "$root" /usr/sbin/presensid --config /etc/presensi/presensi.conf --check ||
		die "presensid --check refuses the config"
elif command -v qemu-aarch64-static >/dev/null 2>&1 &&
	[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Architecture}' presensi)" = arm64 ]; then
	qemu-aarch64-static -L "$root" "$root/usr/sbin/presensid" \
		--config "$conf" --check || die "presensid --check refuses the config"
else
	say "presensid --check not run: this machine cannot run the image's programs"
fi

# ---- 3. the time zone ----
tz=$(ini_get "$conf" desa timezone)
valid_tz "$tz" || die "$conf: [desa] timezone is '$tz', not" \
	"Asia/Jakarta, Asia/Makassar or Asia/Jayapura"
[ -e "$root/usr/share/zoneinfo/$tz" ] || die "the image has no /usr/share/zoneinfo/$tz (tzdata)"
if [ "$(readlink "$root/etc/localtime" 2>/dev/null)" != "/usr/share/zoneinfo/$tz" ]; then
	ln -sfn "/usr/share/zoneinfo/$tz" "$root/etc/localtime"
	say "time zone $tz"
fi
echo "$tz" | write /etc/timezone 644

# ---- 4. services ----
for u in presensid.service systemd-timesyncd.service; do
	[ -e "$root/lib/systemd/system/$u" ] || [ -e "$root/usr/lib/systemd/system/$u" ] ||
		die "the image has no $u"
done
systemctl --root="$root" --quiet enable presensid.service systemd-timesyncd.service
say "enabled presensid.service and systemd-timesyncd.service"

# ---- 5. the SD card ----
if [ "$journal" = volatile ]; then
	write /etc/systemd/journald.conf.d/50-presensi.conf 644 <<'EOF'
# Presensi Desa (firmware/image/customize.sh): the journal lives in RAM,
# bounded, so logging never wears the SD card; the punches themselves are
# in the database.  Rate-limited against a runaway message loop.
[Journal]
Storage=volatile
RuntimeMaxUse=16M
RuntimeMaxFileSize=4M
RateLimitIntervalSec=30s
RateLimitBurst=1000
ForwardToSyslog=no
EOF
else
	write /etc/systemd/journald.conf.d/50-presensi.conf 644 <<'EOF'
# Presensi Desa (firmware/image/customize.sh --persistent-journal): the
# journal survives reboots on the SD card, bounded to 32 MB and written
# at most every 15 minutes (errors at once); rate-limited against a
# runaway message loop.
[Journal]
Storage=persistent
SystemMaxUse=32M
SystemMaxFileSize=4M
SyncIntervalSec=15m
RateLimitIntervalSec=30s
RateLimitBurst=1000
ForwardToSyslog=no
EOF
fi
if installed rsyslog; then
	systemctl --root="$root" --quiet disable rsyslog.service
	say "disabled rsyslog (the journal is the log)"
fi

# Swap: none on the card.  Pi OS bookworm swaps with dphys-swapfile, trixie
# with rpi-swap (zram, plus /var/swap as its writeback): compressed RAM
# only.  The drop-in is written either way: rpi-swap may come with an
# upgrade.
if installed dphys-swapfile; then
	f=$root/etc/dphys-swapfile
	if ! grep -qx 'CONF_SWAPSIZE=0' "$f" 2>/dev/null; then
		sed -i '/^[ \t]*CONF_SWAPSIZE=/d' "$f" 2>/dev/null || true
		echo 'CONF_SWAPSIZE=0' >>"$f"
	fi
	systemctl --root="$root" --quiet mask dphys-swapfile.service
	say "dphys-swapfile off"
fi
write /etc/rpi/swap.conf.d/50-presensi.conf 644 <<'EOF'
# Presensi Desa (firmware/image/customize.sh): swap in compressed RAM
# only, never a file on the SD card (rpi-swap, swap.conf(5)).
[Main]
Mechanism=zram
EOF
if [ -e "$root/var/swap" ]; then
	rm -f "$root/var/swap"
	say "removed /var/swap"
fi

# fstab: noatime on every disk file system, swap lines commented out.
fstab=$root/etc/fstab
if [ -f "$fstab" ]; then
	awk '
	/^[ \t]*#/ || NF < 4 { print; next }
	$3 == "swap" {
		print "# presensi: no swap on the SD card: " $0
		next
	}
	$3 ~ /^(ext[234]|vfat|f2fs|btrfs|xfs)$/ {
		n = split($4, o, ",")
		opts = ""
		for (i = 1; i <= n; i++)
			if (o[i] != "relatime" && o[i] != "strictatime" && \
			    o[i] != "atime" && o[i] != "noatime")
				opts = opts (opts == "" ? "" : ",") o[i]
		$4 = (opts == "" ? "" : opts ",") "noatime"
		line = $1
		for (i = 2; i <= NF; i++)
			line = line "\t" $i
		print line
		next
	}
	{ print }' "$fstab" | write /etc/fstab 644
fi

# ---- 6. the RTC ----
if [ "$rtc" -eq 1 ]; then
	if ! grep -qx 'dtoverlay=i2c-rtc,ds3231' "$boot/config.txt"; then
		printf '\n[all]\n# Presensi Desa: DS3231 battery RTC on I2C (hw/README.md)\ndtoverlay=i2c-rtc,ds3231\n' \
			>>"$boot/config.txt"
		say "config.txt: dtoverlay=i2c-rtc,ds3231"
	fi
	# fake-hwclock would restore a saved time over the RTC's and save it
	# back to the card every hour.  In a chroot it is purged; without one
	# its units are masked (its maintainer scripts ignore DPKG_ROOT and
	# would write to this machine's /etc).
	if installed fake-hwclock; then
		if [ "$mode" = chroot ]; then
			chroot "$root" env DEBIAN_FRONTEND=noninteractive \
				apt-get purge -y -q fake-hwclock
			say "removed fake-hwclock (the RTC sets the clock at boot)"
		else
			units=$(find "$root/lib/systemd/system/" \
				"$root/usr/lib/systemd/system/" -maxdepth 1 \
				\( -name 'fake-hwclock*.service' -o \
				-name 'fake-hwclock*.timer' \) 2>/dev/null |
				sed 's|.*/||' | sort -u | tr '\n' ' ')
			# shellcheck disable=SC2086 # one word per unit
			[ -z "$units" ] || systemctl --root="$root" --quiet mask $units
			say "masked fake-hwclock: $units"
		fi
	fi
fi

# What this image is, for whoever services the box.
{
	echo "Presensi Desa box image, made by firmware/image/customize.sh"
	echo "package: presensi $(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version} ${Architecture}' presensi)"
	echo "desa: $(ini_get "$conf" desa id) $(ini_get "$conf" desa name)"
	echo "timezone: $tz"
	echo "rtc: $([ "$rtc" -eq 1 ] && echo ds3231 || echo none)"
	echo "journal: $journal"
} | write /etc/presensi-image 644
say "done"
