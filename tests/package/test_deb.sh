#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the host's presensi package into a scratch root with
#   dpkg --root ROOT --force-script-chrootless --force-depends -i
# (the maintainer scripts run on this machine with DPKG_ROOT=ROOT, as
# mmdebstrap's chrootless mode does; the libraries it depends on are not
# in the root, hence --force-depends) and checks:
#   - the users and groups of its sysusers.d file, made by the postinst,
#     presensi a member of gpio;
#   - every file's owner and mode: programs, units (the daemon's, the USB
#     stick's), udev rules, tmpfiles and sysusers entries, man pages,
#     profiles, the config 0640
#     root:presensi-admin in /etc/presensi 0750, the state directory
#     /var/lib/presensi 0750 presensi:presensi-admin from tmpfiles;
#   - the config is the package's only conffile, and the unit is enabled;
#   - presensid --check accepts the packaged config;
#   - systemd-analyze verify on the installed unit, and its
#     systemd-analyze security exposure, printed, at most 2.0;
#   - upgrades: an untouched config follows the package, an edited one is
#     kept as it is (owner and mode too), also when the package's own
#     changes (--force-confold, what an unattended upgrade uses; the new
#     one lands beside it as .dpkg-dist);
#   - the live push in presensi: its program, unit (not enabled: it
#     needs [push] filled in), man page, and user presensi-push in
#     presensi-admin;
#   - presensi-kecamatan, when built: installed, its program runs; its
#     user, kecamatand, the unit (enabled; verify, security at most 2.0),
#     the tmpfiles and sysusers entries, the man page, the shipped rules,
#     and the config, its only conffile, 0640 root:presensi-kecamatan,
#     which kecamatand --check accepts;
#   - purge removes the config and the unit's link, and keeps the
#     attendance database and the users.
# Nothing outside the root is touched: a systemctl stand-in on PATH and a
# policy-rc.d in the root keep the scripts off this machine's systemd.
#   Usage: test_deb.sh DIR      (DIR: make deb's output, holding the .deb)
set -u
dir=${1:?usage: test_deb.sh DIR}
deb=$(find "$dir" -maxdepth 1 -name "presensi_*_$(dpkg --print-architecture).deb" |
	head -n 1)
[ -n "$deb" ] || {
	echo "test_deb.sh: no presensi_*.deb for this architecture in $dir" >&2
	exit 1
}
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

# A bookworm-shaped root (merged /usr) with nothing but root in it.
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/etc" \
	"$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$tmp/bin"
for d in bin sbin lib; do
	ln -s "usr/$d" "$root/$d"
done
: >"$root/var/lib/dpkg/status"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
printf '#!/bin/sh\necho "systemctl $*" >>"%s"\n' "$tmp/systemctl.log" \
	>"$tmp/bin/systemctl"
chmod 755 "$tmp/bin/systemctl"

# dpkg_root ARGS...: dpkg on the root, its output in $tmp/dpkg.log.
dpkg_root() {
	PATH=$tmp/bin:$PATH dpkg --root="$root" --force-script-chrootless \
		--force-depends "$@" >"$tmp/dpkg.log" 2>&1
}
show_log() {
	sed 's/^/    | /' "$tmp/dpkg.log"
}

# Names from the root's own user database.
name_of() { # FILE ID
	awk -F: -v id="$2" '$3 == id { print $1; exit }' "$root/etc/$1"
}
# expect PATH TYPE MODE USER GROUP   (TYPE: f, d or l)
expect() {
	p=$root$1
	case $2 in
	f) [ -f "$p" ] && [ ! -L "$p" ] ;;
	d) [ -d "$p" ] && [ ! -L "$p" ] ;;
	l) [ -L "$p" ] ;;
	esac || {
		fail "$1: not there as type $2"
		return
	}
	[ "$2" = l ] && {
		ok "$1 -> $(readlink "$p")"
		return
	}
	got="$(stat -c %a "$p") $(name_of passwd "$(stat -c %u "$p")"):$(name_of group "$(stat -c %g "$p")")"
	if [ "$got" = "$3 $4:$5" ]; then
		ok "$1 $got"
	else
		fail "$1 is $got, not $3 $4:$5"
	fi
}

# repack VERSION OUT [LINE]: the package again as VERSION, LINE (if any)
# appended to its config, as a new upstream default would change it.
repack() {
	rm -rf "$tmp/re"
	dpkg-deb -R "$deb" "$tmp/re"
	sed -i "s/^Version: .*/Version: $1/" "$tmp/re/DEBIAN/control"
	if [ -n "${3:-}" ]; then
		echo "$3" >>"$tmp/re/etc/presensi/presensi.conf"
		sum=$(md5sum <"$tmp/re/etc/presensi/presensi.conf" | cut -d' ' -f1)
		sed -i "s|^[0-9a-f]*  etc/presensi/presensi.conf$|$sum  etc/presensi/presensi.conf|" \
			"$tmp/re/DEBIAN/md5sums"
	fi
	dpkg-deb --root-owner-group -b "$tmp/re" "$2" >/dev/null
}
conf=$root/etc/presensi/presensi.conf

# ---- install ----
echo "== dpkg -i ${deb##*/} into a scratch root"
if ! dpkg_root -i "$deb"; then
	fail "dpkg -i failed"
	show_log
	exit 1
fi
ok "installed; the postinst said: $(grep -c '^Creating' "$tmp/dpkg.log") user/group lines"

for g in presensi presensi-admin gpio; do
	if grep -q "^$g:" "$root/etc/group"; then ok "group $g"; else fail "no group $g"; fi
done
if grep -q '^presensi:x:[0-9]*:[0-9]*:[^:]*:/var/lib/presensi:/usr/sbin/nologin$' \
	"$root/etc/passwd"; then
	ok "user presensi, home /var/lib/presensi, no login shell"
else
	fail "user presensi: $(grep '^presensi:' "$root/etc/passwd")"
fi
if grep -q '^gpio:[^:]*:[0-9]*:\(.*,\)\{0,1\}presensi\(,.*\)\{0,1\}$' "$root/etc/group"; then
	ok "presensi is a member of gpio"
else
	fail "presensi is not a member of gpio: $(grep '^gpio:' "$root/etc/group")"
fi
pgid=$(awk -F: '$1 == "presensi" { print $4 }' "$root/etc/passwd")
[ "$(name_of group "$pgid")" = presensi ] || fail "presensi's primary group is not presensi"

unitdir=/lib/systemd/system
udevdir=/lib/udev/rules.d
[ -e "$root/usr/lib/systemd/system/presensid.service" ] &&
	[ ! -e "$root/lib/systemd/system/presensid.service" ] && unitdir=/usr/lib/systemd/system
[ -e "$root/usr/lib/udev/rules.d/60-presensi.rules" ] &&
	[ ! -e "$root/lib/udev/rules.d/60-presensi.rules" ] && udevdir=/usr/lib/udev/rules.d
expect /usr/sbin/presensid f 755 root root
expect /usr/bin/presensi f 755 root root
expect /etc/presensi d 750 root presensi-admin
expect /etc/presensi/presensi.conf f 640 root presensi-admin
expect /var/lib/presensi d 750 presensi presensi-admin
expect $unitdir/presensid.service f 644 root root
expect $udevdir/60-presensi.rules f 644 root root
expect $unitdir/presensi-usb-export@.service f 644 root root
expect $udevdir/70-presensi-usb.rules f 644 root root
expect /usr/lib/tmpfiles.d/presensi.conf f 644 root root
expect /usr/lib/sysusers.d/presensi.conf f 644 root root
expect /usr/share/man/man8/presensid.8.gz f 644 root root
expect /usr/share/man/man5/presensi.conf.5.gz f 644 root root
expect /usr/share/presensi/presensi.conf.sample f 644 root root
expect /usr/share/presensi/profiles/ppu-24-2018-5hari.ini f 644 root root
expect /usr/share/presensi/calendars/2026.ini f 644 root root
expect /usr/share/doc/presensi/copyright f 644 root root
expect /etc/systemd/system/multi-user.target.wants/presensid.service l
expect /usr/sbin/presensi-push f 755 root root
expect $unitdir/presensi-push.service f 644 root root
expect /usr/lib/sysusers.d/presensi-push.conf f 644 root root
expect /usr/share/man/man8/presensi-push.8.gz f 644 root root
if [ -e "$root/etc/systemd/system/multi-user.target.wants/presensi-push.service" ]; then
	fail "presensi-push.service is enabled before [push] is configured"
else
	ok "presensi-push.service is not enabled (it needs [push] first)"
fi
if grep -q '^presensi-push:x:[0-9]*:[0-9]*:[^:]*:/var/lib/presensi-push:/usr/sbin/nologin$' \
	"$root/etc/passwd" &&
	grep -q '^presensi-admin:[^:]*:[0-9]*:\(.*,\)\{0,1\}presensi-push\(,.*\)\{0,1\}$' \
		"$root/etc/group"; then
	ok "user presensi-push, no login shell, in presensi-admin"
else
	fail "user presensi-push: $(grep '^presensi-push:' "$root/etc/passwd"); $(grep '^presensi-admin:' "$root/etc/group")"
fi
if grep -q 'ATTR{idVendor}=="05ba", ATTR{idProduct}=="[0-9a-f|]*000a' \
	"$root$udevdir/60-presensi.rules"; then
	ok "the udev rule names the U.are.U 4500 (05ba:000a)"
else
	fail "the udev rule does not name 05ba:000a"
fi
cf=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}' presensi |
	awk 'NF { print $1 }' | tr '\n' ' ')
if [ "$cf" = "/etc/presensi/presensi.conf " ]; then
	ok "conffiles: $cf"
else
	fail "conffiles are '$cf', not /etc/presensi/presensi.conf"
fi
if out=$("$root/usr/sbin/presensid" --config "$conf" --check 2>&1); then
	ok "presensid --check on the packaged config: $out"
else
	fail "presensid --check on the packaged config: $out"
fi

# ---- the unit, with the system's units beside it ----
if command -v systemd-analyze >/dev/null 2>&1; then
	cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
	[ -e "$root/usr/bin/kill" ] || cp /bin/kill "$root/usr/bin/kill"
	if systemd-analyze verify --man=no --root="$root" \
		"$unitdir/presensid.service" >"$tmp/verify.log" 2>&1; then
		ok "systemd-analyze verify $unitdir/presensid.service"
	else
		fail "systemd-analyze verify $unitdir/presensid.service"
		sed 's/^/    | /' "$tmp/verify.log"
	fi
	systemd-analyze security --offline=yes --root="$root" --threshold=20 \
		presensid.service >"$tmp/security.log" 2>&1
	src=$?
	score=$(sed -n 's/.*Overall exposure level for presensid.service: \(.*\)/\1/p' \
		"$tmp/security.log")
	if [ "$src" -eq 0 ] && [ -n "$score" ]; then
		ok "systemd-analyze security presensid.service: $score"
	else
		fail "systemd-analyze security presensid.service: ${score:-no score} (at most 2.0)"
		tail -n 25 "$tmp/security.log" | sed 's/^/    | /'
	fi
else
	echo "skip: no systemd-analyze here"
fi

# ---- upgrades and the config ----
repack "$(dpkg-deb -f "$deb" Version)+t1" "$tmp/v1.deb" "# new default 1"
repack "$(dpkg-deb -f "$deb" Version)+t2" "$tmp/v2.deb" "# new default 1"
repack "$(dpkg-deb -f "$deb" Version)+t3" "$tmp/v3.deb" "# new default 2"

if dpkg_root -i "$tmp/v1.deb" && grep -qx '# new default 1' "$conf"; then
	ok "upgrade: the untouched config follows the package"
else
	fail "upgrade: the untouched config did not follow the package"
	show_log
fi
expect /etc/presensi/presensi.conf f 640 root presensi-admin

echo "# edited by the sekretaris desa" >>"$conf"
cp "$conf" "$tmp/edited"
if dpkg_root -i "$tmp/v2.deb" && cmp -s "$tmp/edited" "$conf" &&
	[ ! -e "$conf.dpkg-dist" ] && [ ! -e "$conf.dpkg-new" ]; then
	ok "upgrade, same shipped config: the edited one is kept, no prompt"
else
	fail "upgrade, same shipped config: the edited one was not kept"
	show_log
fi
expect /etc/presensi/presensi.conf f 640 root presensi-admin

if dpkg_root --force-confdef --force-confold -i "$tmp/v3.deb" &&
	cmp -s "$tmp/edited" "$conf" && grep -qx '# new default 2' "$conf.dpkg-dist"; then
	ok "upgrade, new shipped config: the edited one is kept, the new one is .dpkg-dist"
else
	fail "upgrade, new shipped config (--force-confold): the edited one was not kept"
	show_log
fi
expect /etc/presensi/presensi.conf f 640 root presensi-admin
expect /var/lib/presensi d 750 presensi presensi-admin
expect /etc/systemd/system/multi-user.target.wants/presensid.service l

# The kecamatan server in the installed presensi-kecamatan.
check_kecamatand() {
	kconf=$root/etc/presensi-kecamatan/kecamatand.conf
	if grep -q '^presensi-kecamatan:x:[0-9]*:[0-9]*:[^:]*:/var/lib/presensi-kecamatan:/usr/sbin/nologin$' \
		"$root/etc/passwd"; then
		ok "user presensi-kecamatan, no login shell"
	else
		fail "user presensi-kecamatan: $(grep '^presensi-kecamatan:' "$root/etc/passwd")"
	fi
	expect /usr/sbin/kecamatand f 755 root root
	expect /etc/presensi-kecamatan d 750 root presensi-kecamatan
	expect /etc/presensi-kecamatan/kecamatand.conf f 640 root presensi-kecamatan
	expect /var/lib/presensi-kecamatan d 750 presensi-kecamatan presensi-kecamatan
	expect $unitdir/kecamatand.service f 644 root root
	expect /usr/lib/tmpfiles.d/presensi-kecamatan.conf f 644 root root
	expect /usr/lib/sysusers.d/presensi-kecamatan.conf f 644 root root
	expect /usr/share/man/man8/kecamatand.8.gz f 644 root root
	expect /usr/share/presensi-kecamatan/kecamatand.conf.sample f 644 root root
	expect /usr/share/presensi-kecamatan/profiles/ppu-24-2018-5hari.ini f 644 root root
	expect /usr/share/presensi-kecamatan/calendars/2026.ini f 644 root root
	expect /etc/systemd/system/multi-user.target.wants/kecamatand.service l
	cf=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}' \
		presensi-kecamatan | awk 'NF { print $1 }' | tr '\n' ' ')
	if [ "$cf" = "/etc/presensi-kecamatan/kecamatand.conf " ]; then
		ok "presensi-kecamatan conffiles: $cf"
	else
		fail "presensi-kecamatan conffiles are '$cf'"
	fi
	# The packaged config as the server reads it; its [rules] dir is the
	# root's copy of the shipped rules (the path is the same inside).
	if out=$("$root/usr/sbin/kecamatand" --config "$kconf" --check 2>&1); then
		ok "kecamatand --check on the packaged config: $out"
	else
		fail "kecamatand --check on the packaged config: $out"
	fi
	command -v systemd-analyze >/dev/null 2>&1 || return
	if systemd-analyze verify --man=no --root="$root" \
		"$unitdir/kecamatand.service" >"$tmp/verify.log" 2>&1; then
		ok "systemd-analyze verify $unitdir/kecamatand.service"
	else
		fail "systemd-analyze verify $unitdir/kecamatand.service"
		sed 's/^/    | /' "$tmp/verify.log"
	fi
	systemd-analyze security --offline=yes --root="$root" --threshold=20 \
		kecamatand.service >"$tmp/security.log" 2>&1
	src=$?
	score=$(sed -n 's/.*Overall exposure level for kecamatand.service: \(.*\)/\1/p' \
		"$tmp/security.log")
	if [ "$src" -eq 0 ] && [ -n "$score" ]; then
		ok "systemd-analyze security kecamatand.service: $score"
	else
		fail "systemd-analyze security kecamatand.service: ${score:-no score} (at most 2.0)"
		tail -n 25 "$tmp/security.log" | sed 's/^/    | /'
	fi
}

# ---- presensi-kecamatan, when it was built ----
kdeb=$(find "$dir" -maxdepth 1 -name "presensi-kecamatan_*_$(dpkg --print-architecture).deb" |
	head -n 1)
if [ -n "$kdeb" ]; then
	if dpkg_root -i "$kdeb"; then
		expect /usr/bin/presensi-kecamatan f 755 root root
		expect /usr/share/doc/presensi-kecamatan/copyright f 644 root root
		if "$root/usr/bin/presensi-kecamatan" --help >"$tmp/kec.out" 2>&1; then
			ok "presensi-kecamatan --help: $(head -n 1 "$tmp/kec.out")"
		else
			fail "presensi-kecamatan --help"
		fi
		check_kecamatand
	else
		fail "dpkg -i ${kdeb##*/}"
		show_log
	fi
else
	echo "skip: no presensi-kecamatan package (its program is not in this tree)"
fi

# ---- purge ----
echo "ledger" >"$root/var/lib/presensi/presensi.db"
if dpkg_root --purge presensi; then
	[ ! -e "$conf" ] || fail "purge left the config"
	[ ! -e "$root/etc/systemd/system/multi-user.target.wants/presensid.service" ] ||
		fail "purge left the unit's link"
	[ -e "$root/var/lib/presensi/presensi.db" ] ||
		fail "purge removed the attendance database"
	grep -q '^presensi:' "$root/etc/passwd" || fail "purge removed the user"
	ok "purge: config and unit link gone; the database and the users stay"
else
	fail "dpkg --purge failed"
	show_log
fi
if [ -s "$tmp/systemctl.log" ]; then
	echo "note: the scripts asked for: $(sort -u "$tmp/systemctl.log" | tr '\n' ';')"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all package checks passed"
