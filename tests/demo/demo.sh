#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the appliance's main job, for real, in a temporary directory.
# presensid runs with libfprint's virtual_image reader, simulated lights and
# a simulated wake button (a FIFO): the reader rests in standby and each
# arrival presses the button first.  Five perangkat desa are enrolled with
# synthetic fingerprints through the presensi CLI, then a simulated morning
# and afternoon of clock-ins plays, and the day's rekap is printed.
set -eu
O=${O:-build}
TOP=$(pwd)
BIN="$TOP/$O"
DAY=2026-11-23			# a Monday (Senin), a working day
DIR=$(mktemp -d "${TMPDIR:-/tmp}/presensi-demo.XXXXXX")
CONF="$DIR/presensi.conf"
SIMLOG="$DIR/lights.log"
WAKE="$DIR/wake.fifo"
export FP_DRIVERS_WHITELIST=virtual_image FP_DRIVERS_ALLOWLIST=virtual_image
export FP_VIRTUAL_IMAGE="$DIR/vimage.sock"

if [ -t 1 ]; then
	G=$(printf '\033[1;32m') A=$(printf '\033[1;33m') R=$(printf '\033[1;31m')
	B=$(printf '\033[1m') N=$(printf '\033[0m')
else
	G='' A='' R='' B='' N=''
fi

cat >"$CONF" <<CONF
# Demo configuration (written by tests/demo/demo.sh)
[desa]
id = 3517012001
name = Sukamaju
timezone = Asia/Jakarta
[store]
path = $DIR/presensi.db
[control]
socket = $DIR/presensi.sock
[lights]
backend = sim
sim_log = $SIMLOG
[punch]
duplicate_window_s = 120
[clock]
source = simulated
simulated_start = $DAY 06:50:00
simulated_speed = 0
[rules]
profile = $TOP/firmware/profiles/ppu-24-2018-5hari.ini
calendar = $TOP/firmware/calendars/2026.ini
[wake]
backend = sim
sim_path = $WAKE
CONF

PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ -n "${PD_KEEP_DEMO:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

P() { "$BIN/presensi" --config "$CONF" "$@"; }
feed() { "$BIN/tests/tools/pd-feed" --config "$CONF" "$@"; }
# The wake button: the daemon holds the FIFO open, so this never blocks.
press() { echo press >"$WAKE"; }

light_colour() {
	case "$1" in
	ok | export-ok | enroll-stage | standby) printf '%s%s%s' "$G" "$1" "$N" ;;
	late | flagged | cooling | enroll) printf '%s%s%s' "$A" "$1" "$N" ;;
	unknown | retry | fault | export-fail) printf '%s%s%s' "$R" "$1" "$N" ;;
	*) printf '%s' "$1" ;;
	esac
}

# The light the last event produced: the newest state in the sim log that
# is not the return to "ready" (or to "standby").
last_light() {
	st=$(awk '$2 != "ready" && $2 != "standby" { s = $2 } END { print s }' "$SIMLOG")
	light_colour "$st"
}

echo "${B}== Presensi Desa demo ==${N}  (work dir $DIR)"
"$BIN/presensid" --config "$CONF" 2>"$DIR/presensid.log" &
PID=$!
i=0
until P status >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "presensid did not start:"; cat "$DIR/presensid.log"; exit 1; }
	kill -0 "$PID" 2>/dev/null || { echo "presensid died:"; cat "$DIR/presensid.log"; exit 1; }
	sleep 0.1
done
i=0
until grep -q ' standby$' "$SIMLOG" 2>/dev/null; do # the reader is open
	i=$((i + 1))
	[ $i -gt 400 ] && { echo "no reader:"; cat "$DIR/presensid.log"; exit 1; }
	sleep 0.05
done
echo "presensid is up; the reader rests (light: $(light_colour standby)) until the button is pressed:"
P status | grep -E '^(clock|readers|reader|lights|arming)' | sed 's/^/  /'
press
P wait-armed --timeout 20000 >/dev/null # the reader is open and armed

echo
echo "${B}== People ==${N}"
P person add --id 101 --name "H. Sutrisno" --jabatan "Kepala Desa" --since 2026-11-01
P person add --id 102 --name "Siti Aminah" --jabatan "Sekretaris Desa" --since 2026-11-01
P person add --id 103 --name "Budi Santoso" --jabatan "Kaur Keuangan" --since 2026-11-01
P person add --id 104 --name "Dewi Lestari" --jabatan "Kasi Pelayanan" --since 2026-11-01
P person add --id 105 --name "Agus Salim" --jabatan "Kepala Dusun Krajan" --since 2026-11-01

echo
echo "${B}== Enrolment (synthetic fingers, one per person) ==${N}"
for id in 101 102 103 104 105; do
	out="$DIR/enroll-$id.out"
	P enroll --id "$id" --finger right-index --consent yes >"$out" 2>&1 &
	EP=$!
	# The daemon says when it waits for the finger; then place it on the
	# reader: one check scan, then the enrol stages, paced by the reader.
	until grep -q 'place the finger' "$out" 2>/dev/null; do
		kill -0 $EP 2>/dev/null || break
		sleep 0.05
	done
	imp=1
	while [ $imp -le 12 ]; do
		feed --finger "$id" --impression $imp --enrolment --timeout 10000 2>/dev/null || break
		imp=$((imp + 1))
	done
	wait $EP && rc=0 || rc=$?
	sed 's/^/  /' "$out"
	[ $rc -eq 0 ] || { echo "enrolment of $id failed"; exit 1; }
done

# One event of the morning: set the simulated clock, present a finger,
# show the light and the stored row.
event() {
	at=$1 what=$2
	shift 2
	P clock set --at "$DAY $at" >/dev/null
	press
	feed "$@"
	row=$(P punches --date $DAY | sed -n '3,$p' | grep -v ' presensi$' | tail -n 1 |
		sed 's/  */ /g; s/^ //')
	printf '  %s  %-31s light %-8s ' "$at" "$what" "$(last_light)"
	case "$*" in
	*"--finger 999"*) echo "(no punch stored; counted as unknown)" ;;
	*) echo "row: seq $row" ;;
	esac
}

echo
echo "${B}== Senin $DAY, pagi (jam masuk 07:30, toleransi 59 detik) ==${N}"
event 07:12:05 "101 H. Sutrisno arrives" --finger 101 --impression 11
event 07:24:40 "102 Siti Aminah arrives" --finger 102 --impression 11
event 07:30:59 "103 Budi Santoso, last second" --finger 103 --impression 11
event 07:48:10 "104 Dewi Lestari, late" --finger 104 --impression 11
event 07:48:40 "104 taps again (duplicate)" --finger 104 --impression 12
event 07:52:00 "a stranger tries a finger" --finger 999 --impression 1
echo
echo "${B}== Sore (jam pulang 16:00) ==${N}"
event 15:20:30 "103 Budi leaves early" --finger 103 --impression 13
event 16:02:10 "101 H. Sutrisno leaves" --finger 101 --impression 13
event 16:07:45 "102 Siti Aminah leaves" --finger 102 --impression 13
event 16:31:00 "104 Dewi Lestari leaves" --finger 104 --impression 13
echo "  (105 Agus Salim never came)"

# The rekap is final once the day is over: Tuesday, just after midnight.
P clock set --at "2026-11-24 00:05:00" >/dev/null
echo
echo "${B}== Rekap harian ==${N}"
P rekap --date $DAY
echo
echo "${B}== Ringkas (untuk grup WhatsApp) ==${N}"
P ringkas --date $DAY
echo
echo "${B}== Ledger ==${N}"
P chain verify
echo
echo "${B}== Wake button ==${N}"
P status | grep '^arming' | sed 's/^/  /'
echo "${B}== Month end: November closes itself on 3 December, 23:59 ==${N}"
P clock set --at "2026-12-04 08:00:00" >/dev/null
P export --month 2026-11 --out "$DIR" | sed 's/^/  /'
"$BIN/presensi" verify "$DIR/presensi-3517012001-2026-11.zip" | sed 's/^/  /'
P device key | sed 's/^/  /'
echo
echo "${B}== Identify latency (image -> decision, decision -> light) ==${N}"
P status | grep '^latency' | head -n 5 | sed 's/^/  /'
echo
echo "demo done"
