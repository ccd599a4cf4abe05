#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install` into a staging DESTDIR, with PREFIX=/usr and with the
# default PREFIX (/usr/local): the unit's binaries exist there and are
# executable, every path the installed files name under the prefix or
# under /etc/presensi or /etc/presensi-kecamatan exists there, no
# @VARIABLE@ is left, the kecamatan server's installed config passes its
# own --check, and a second install keeps an edited presensi.conf and
# kecamatand.conf.  When systemd-analyze can run here, it verifies the
# staged units too.  O (default build) must hold the
# built programs: `make test` builds them first.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
o=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# A fresh make, not a child of the make running the tests: that one's
# jobserver and command-line variables are not meant for this.
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		"${MAKE:-make}" -C "$top" --no-print-directory O="$o" "$@"
}

# The absolute paths a text file names, one a line.
paths_in() {
	grep -o '/[A-Za-z0-9._/+-]*' "$1" | sed 's|[.]*$||' | sort -u
}

# check_install LABEL DEST PREFIX [MAKE-ARGS...]
check_install() {
	label=$1
	dest=$2
	prefix=$3
	shift 3
	if ! run_make install DESTDIR="$dest" "$@" >"$tmp/$label.log" 2>&1; then
		fail "$label: make install failed"
		sed 's/^/    | /' "$tmp/$label.log"
		return
	fi
	unit=$dest/lib/systemd/system/presensid.service
	usb=$dest/lib/systemd/system/presensi-usb-export@.service
	push=$dest/lib/systemd/system/presensi-push.service
	conf=$dest/etc/presensi/presensi.conf
	kecd=$dest/lib/systemd/system/kecamatand.service
	kconf=$dest/etc/presensi-kecamatan/kecamatand.conf
	kshare=$dest$prefix/share/presensi-kecamatan
	for f in "$unit" "$usb" "$dest/lib/udev/rules.d/70-presensi-usb.rules" \
		"$push" "$dest$prefix/sbin/presensi-push" \
		"$dest/usr/lib/sysusers.d/presensi-push.conf" \
		"$dest$prefix/share/man/man8/presensi-push.8" \
		"$conf" "$dest$prefix/sbin/presensid" \
		"$dest$prefix/bin/presensi" \
		"$dest$prefix/share/presensi/presensi.conf.sample" \
		"$dest/usr/lib/tmpfiles.d/presensi.conf" \
		"$dest/usr/lib/sysusers.d/presensi.conf" \
		"$dest/lib/udev/rules.d/60-presensi.rules" \
		"$dest$prefix/share/man/man8/presensid.8" \
		"$dest$prefix/share/man/man5/presensi.conf.5" \
		"$kecd" "$kconf" "$dest$prefix/sbin/kecamatand" \
		"$kshare/kecamatand.conf.sample" \
		"$kshare/profiles/ppu-24-2018-5hari.ini" \
		"$kshare/calendars/2026.ini" \
		"$dest/usr/lib/sysusers.d/presensi-kecamatan.conf" \
		"$dest/usr/lib/tmpfiles.d/presensi-kecamatan.conf" \
		"$dest$prefix/share/man/man8/kecamatand.8"; do
		[ -f "$f" ] || fail "$label: ${f#"$dest"} not installed"
	done
	# The installed config as kecamatand reads it: a fresh install's
	# defaults must pass its own check (paths it names are checked below).
	if [ -f "$kconf" ] && [ -x "$dest$prefix/sbin/kecamatand" ]; then
		if out=$("$dest$prefix/sbin/kecamatand" --config "$kconf" \
			--check 2>&1); then
			echo "ok: $label: kecamatand --check on the installed config: $out"
		else
			fail "$label: kecamatand --check on the installed config:"
			printf '%s\n' "$out" | sed 's/^/    | /'
		fi
		if cmp -s "$kconf" "$kshare/kecamatand.conf.sample"; then
			echo "ok: $label: kecamatand.conf is the sample"
		else
			fail "$label: kecamatand.conf differs from the sample"
		fi
	fi
	[ -f "$unit" ] || return

	# Every Exec line of the unit runs a program: under the prefix (ours)
	# it must be staged and executable.
	grep '^Exec[A-Za-z]*=' "$unit" "$push" "$kecd" | while IFS= read -r line; do
		line=${line#*.service:}
		bin=${line#*=}
		bin=${bin%% *}
		bin=${bin#[-@:+!]}
		case $bin in
		"$prefix"/*)
			if [ -f "$dest$bin" ] && [ -x "$dest$bin" ]; then
				echo "ok: $label: ${line%%=*} $bin is executable"
			else
				echo "FAIL: $label: ${line%%=*} $bin: not an executable under DESTDIR"
			fi
			;;
		/bin/* | /usr/bin/*) ;; # the system's own (kill)
		*) echo "FAIL: $label: ${line%%=*} $bin: outside $prefix" ;;
		esac
	done >"$tmp/exec.out"
	cat "$tmp/exec.out"
	grep -q '^ok: .* ExecStart ' "$tmp/exec.out" ||
		fail "$label: no ExecStart under $prefix"
	n=$(grep -c '^FAIL' "$tmp/exec.out")
	fails=$((fails + n))

	# Every path an installed text file names under the prefix or the
	# config directory is there.
	for f in "$unit" "$usb" "$push" "$conf" "$kecd" "$kconf" \
		"$kshare/kecamatand.conf.sample" \
		"$dest/usr/lib/tmpfiles.d/presensi-kecamatan.conf" \
		"$dest$prefix/share/man/man8/kecamatand.8" \
		"$dest$prefix/share/man/man8/presensi-push.8" \
		"$dest$prefix/share/presensi/presensi.conf.sample" \
		"$dest/usr/lib/tmpfiles.d/presensi.conf" \
		"$dest/lib/udev/rules.d/60-presensi.rules" \
		"$dest$prefix/share/man/man8/presensid.8" \
		"$dest$prefix/share/man/man5/presensi.conf.5"; do
		[ -f "$f" ] || continue
		if grep -n '@[A-Z_]*@' "$f"; then
			fail "$label: ${f#"$dest"}: template variable left"
		fi
		for p in $(paths_in "$f"); do
			case $p in
			"$prefix"/* | /etc/presensi | /etc/presensi/* | \
				/etc/presensi-kecamatan/*.conf)
				if [ -e "$dest$p" ]; then
					echo "ok: $label: ${f#"$dest"} names $p"
				else
					fail "$label: ${f#"$dest"} names $p, not installed"
				fi
				;;
			esac
		done
		if [ "$prefix" != /usr/local ] && grep -n /usr/local "$f"; then
			fail "$label: ${f#"$dest"} names /usr/local"
		fi
	done
}

# systemd-analyze verify --root resolves the unit's programs inside the
# root, and the units it depends on: a copy of the staged tree plus the
# system's units and kill.  A trivial unit shows whether it can run here.
verify_unit() {
	label=$1
	dest=$2
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		echo "skip: $label: no systemd-analyze here"
		return
	fi
	root=$tmp/verify-root
	units=$root/lib/systemd/system
	rm -rf "$root"
	if ! { cp -a "$dest" "$root" &&
		mkdir -p "$root/usr/lib/systemd" &&
		cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"; }; then
		echo "skip: $label: cannot stage a root for systemd-analyze"
		return
	fi
	printf '[Service]\nExecStart=/bin/true\n' >"$units/pd-verify-probe.service"
	# The system's programs the units run (/bin/kill), from this machine.
	sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' \
		"$units/presensid.service" "$units/presensi-push.service" \
		"$units/kecamatand.service" \
		"$units/pd-verify-probe.service" |
		while IFS= read -r bin; do
			if [ ! -e "$root$bin" ] && [ -x "$bin" ]; then
				mkdir -p "$root${bin%/*}" && cp "$bin" "$root$bin"
			fi
		done
	if ! systemd-analyze verify --man=no --root="$root" \
		/lib/systemd/system/pd-verify-probe.service >"$tmp/probe.log" 2>&1; then
		echo "skip: $label: systemd-analyze verify cannot run here:"
		sed 's/^/    | /' "$tmp/probe.log"
		return
	fi
	for u in presensid.service presensi-push.service kecamatand.service; do
		if systemd-analyze verify --man=no --root="$root" \
			"/lib/systemd/system/$u" >"$tmp/verify.log" 2>&1; then
			echo "ok: $label: systemd-analyze verify $u"
		else
			fail "$label: systemd-analyze verify $u"
			sed 's/^/    | /' "$tmp/verify.log"
		fi
	done
}

check_install usr "$tmp/usr" /usr PREFIX=/usr
verify_unit usr "$tmp/usr"
check_install default "$tmp/default" /usr/local
verify_unit default "$tmp/default"

# The admin's presensi.conf survives a second install.
echo "# edited by the admin" >>"$tmp/usr/etc/presensi/presensi.conf"
cp "$tmp/usr/etc/presensi/presensi.conf" "$tmp/edited.conf"
if run_make install DESTDIR="$tmp/usr" PREFIX=/usr >"$tmp/again.log" 2>&1 &&
	cmp -s "$tmp/edited.conf" "$tmp/usr/etc/presensi/presensi.conf"; then
	echo "ok: a second install keeps the edited presensi.conf"
else
	fail "a second install replaced or failed on the edited presensi.conf"
	sed 's/^/    | /' "$tmp/again.log"
fi

# The kecamatan admin's kecamatand.conf survives a second install too.
kconf=$tmp/usr/etc/presensi-kecamatan/kecamatand.conf
echo "# edited by the kecamatan's admin" >>"$kconf"
cp "$kconf" "$tmp/kedited.conf"
if run_make install DESTDIR="$tmp/usr" PREFIX=/usr >"$tmp/again.log" 2>&1 &&
	cmp -s "$tmp/kedited.conf" "$kconf"; then
	echo "ok: a second install keeps the edited kecamatand.conf"
else
	fail "a second install replaced or failed on the edited kecamatand.conf"
	sed 's/^/    | /' "$tmp/again.log"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all install checks passed"
