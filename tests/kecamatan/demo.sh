#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo-kecamatan: the kecamatan server with three desa pushing a
# morning live, in a temporary directory.  A kecamatan on SQLite (made with
# presensi-kecamatan), three desa boxes (tests/kecamatan/kecd-box: the
# box's real store, people, the shipped profile and calendar, a device key
# the kecamatan trusts) with the month so far, a camat account with a fresh
# random password, and the real kecamatand on a free loopback port.  Then
# the morning plays: people arrive at their desa's box from about 07:10,
# some after 07:30:59 (late under the PPU 24/2018 profile), one per desa
# not at all; each arrival is a punch in that box's store, pushed to the
# server as presensi-push does, and printed as one line.  Open the URL,
# log in, and "Hari ini" shows them come in (the page reloads itself every
# minute; F5 sooner).
#
# The server's clock is simulated ([clock] source = simulated): it shows
# DEMO_DAY (default Monday 2026-11-23, the day `make demo` plays, a working
# day in the shipped 2026 calendar) and moves to each arrival's time as it
# is pushed, so the page judges lateness as it would that morning, whatever
# the real date is.
#
# Environment: DEMO_DAY=YYYY-MM-DD (a weekday of a year with a shipped
# calendar, not a holiday in it), DEMO_SECONDS=N (stop N seconds after the
# server started; default: run until Ctrl-C), DEMO_WAIT=N (seconds between
# the login banner and the first arrival; default 30, 2 with DEMO_SECONDS),
# DEMO_PACE=S (seconds between arrivals; default 3, so that the morning
# lasts a minute and a half and the page's own reload shows it coming in;
# 0.3 with DEMO_SECONDS), DEMO_SEED=N (the
# arrival times; default 1).  Everything lives in one temporary directory,
# removed on exit.
set -u
O=${O:-build}
top=$(pwd)
kec="$top/$O/presensi-kecamatan"
box="$top/$O/tests/kecamatan/kecd-box"
kecd="$top/$O/kecamatand"
day=${DEMO_DAY:-2026-11-23}
seed=${DEMO_SEED:-1}
secs=${DEMO_SECONDS:-}
if [ -n "$secs" ]; then
	wait_s=${DEMO_WAIT:-2}
	pace=${DEMO_PACE:-0.3}
else
	wait_s=${DEMO_WAIT:-30}
	pace=${DEMO_PACE:-3}
fi

die() {
	echo "demo-kecamatan: $*" >&2
	exit 1
}
is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
}

# ---- the arguments, checked before anything is made ----
for b in "$kec" "$box" "$kecd"; do
	[ -x "$b" ] || die "$b is missing: run make demo-kecamatan (it builds them)"
done
[ -z "$secs" ] || { is_uint "$secs" && [ "$secs" -gt 0 ]; } ||
	die "DEMO_SECONDS=$secs: a whole number of seconds above 0"
is_uint "$wait_s" || die "DEMO_WAIT=$wait_s: a whole number of seconds"
is_uint "$seed" || die "DEMO_SEED=$seed: a whole number"
case $pace in
'' | *[!0-9.]* | *.*.*) die "DEMO_PACE=$pace: seconds, such as 0.3" ;;
esac
case $day in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) die "DEMO_DAY=$day: YYYY-MM-DD" ;;
esac
dow=$(date -u -d "$day" +%u 2>/dev/null) || die "DEMO_DAY=$day is not a date"
[ "$dow" -le 5 ] || die "DEMO_DAY=$day is a $(date -u -d "$day" +%A): a weekday is needed"
cal="$top/firmware/calendars/${day%%-*}.ini"
[ -f "$cal" ] || die "DEMO_DAY=$day: no calendar for ${day%%-*} is shipped (firmware/calendars/)"
holiday=$(sed -n "s/^$day *= *//p" "$cal")
[ -z "$holiday" ] || die "DEMO_DAY=$day is a holiday: $holiday"
month=${day%-*}
first=$month-01
prev=$(date -u -d "$day -1 day" +%F)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-kecamatan-demo.XXXXXX") || exit 1
pid=
# shellcheck disable=SC2317 # run by the traps
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo; echo "demo-kecamatan: stopped"; exit 0' INT TERM
db="$tmp/kecamatan.db"
fail() {
	echo "demo-kecamatan: $*" >&2
	[ -s "$tmp/kecamatand.log" ] && sed 's/^/    | /' "$tmp/kecamatand.log" >&2
	exit 1
}

if [ -t 1 ]; then
	B=$(printf '\033[1m') L=$(printf '\033[1;33m') N=$(printf '\033[0m')
else
	B='' L='' N=''
fi

# ---- the kecamatan, its desa and their boxes ----
echo "== a kecamatan on SQLite in $tmp"
"$kec" --db "$db" init --name Pucuk --kabupaten Lamongan >/dev/null ||
	fail "presensi-kecamatan init"
sukamaju="101=H. Sutrisno
102=Siti Nurhayati
103=Budi Santoso
104=Dewi Lestari
105=Agus Salim
106=Rina Wulandari
107=Joko Prasetyo
108=Sri Mulyani"
tanjung="201=Wahyu Hidayat
202=Lilis Suryani
203=Bambang Hartono
204=Yuni Astuti
205=Eko Saputro
206=Nur Aini
207=Slamet Riyadi"
sumberjo="301=Ahmad Fauzi
302=Endang Sulastri
303=Heru Purnomo
304=Tri Wahyuni
305=Sugeng Widodo
306=Kartini Rahayu"
# mkbox DIR DESA NAME SEED PEOPLE: the box, trusted, with the month so far
mkbox() {
	d=$1 desa=$2 name=$3 s=$4 people=$5
	ids=$(printf '%s\n' "$people" | cut -d= -f1 | tr '\n' ' ')
	# shellcheck disable=SC2086 # one argument a person
	key=$(IFS='
' && "$box" "$tmp/$d" init "$desa" "$name" "$s" "$first" $people) ||
		fail "kecd-box init $d"
	"$kec" --db "$db" trust --desa "$desa" --name "$name" --key "$key" \
		>"$tmp/trust.out" || fail "presensi-kecamatan trust $d"
	if [ "$(date -u -d "$prev" +%s)" -ge "$(date -u -d "$first" +%s)" ]; then
		# shellcheck disable=SC2086
		"$box" "$tmp/$d" days "$first" "$prev" $ids >/dev/null ||
			fail "kecd-box days $d"
	fi
	printf '   desa %s %-9s %d perangkat, box key %s\n' "$desa" "$name" \
		"$(printf '%s\n' "$people" | wc -l)" "$(cut -d' ' -f3 "$tmp/trust.out")"
}
mkbox sukamaju 3524012001 Sukamaju 11 "$sukamaju"
mkbox tanjung 3524012002 Tanjung 12 "$tanjung"
mkbox sumberjo 3524012003 Sumberjo 13 "$sumberjo"
password=$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')
[ ${#password} -eq 18 ] || fail "no random password from /dev/urandom"
printf '%s\n' "$password" | "$kec" --db "$db" user add --name camat.pucuk \
	--role camat >/dev/null || fail "presensi-kecamatan user add"

# ---- the server ----
# The clock: 07:00 WIB (UTC+7) of the day, then each arrival's time.
utc() { # HH:MM:SS on $day, WIB -> the clock file's UTC instant
	date -u -d "$day $1 +0700" +%Y-%m-%dT%H:%M:%SZ
}
utc 07:00:00 >"$tmp/clock" || fail "date cannot convert $day 07:00"
cat >"$tmp/kecamatand.conf" <<EOC
# Written by tests/kecamatan/demo.sh
[server]
listen = 127.0.0.1
port = 0
tmp_dir = $tmp
[store]
db = $db
[publisher]
key = $tmp/publisher.key
[rules]
dir = $top/firmware
[clock]
source = simulated
simulated_file = $tmp/clock
EOC
"$kecd" --config "$tmp/kecamatand.conf" --check >/dev/null ||
	fail "kecamatand --check"
t0=$(date +%s)
"$kecd" --config "$tmp/kecamatand.conf" 2>"$tmp/kecamatand.log" &
pid=$!
port=
for _ in $(seq 1 100); do # start-up poll, not a timing assertion
	port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' \
		"$tmp/kecamatand.log")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || fail "kecamatand exited"
	sleep 0.1
done
[ -n "$port" ] || fail "kecamatand did not say where it listens"
url="http://127.0.0.1:$port"
for d in sukamaju tanjung sumberjo; do
	"$box" "$tmp/$d" push "$port" >"$tmp/push.out" ||
		fail "the month so far of $d was not taken: $(cat "$tmp/push.out")"
done

banner() {
	echo
	echo "${B}   Open  $url/${N}"
	echo "${B}   Login camat.pucuk   password $password${N}"
	echo "   \"Hari ini\" is the camat's first page; it reloads itself every minute."
	echo
}
banner
echo "== $(date -u -d "$day" +%A) $day: the boxes push each arrival (server clock simulated)"
if [ "$wait_s" -gt 0 ]; then
	echo "   the first arrival in $wait_s s: log in now"
	sleep "$wait_s"
fi

# ---- the morning ----
# Each person of each box: an arrival time (on time 07:08-07:30, about one
# in four late, 07:31-07:55), or absent (the last person of each desa).
{
	for d in sukamaju tanjung sumberjo; do
		eval "people=\$$d"
		printf '%s\n' "$people" | sed "s/^/$d /"
	done
} | awk -v seed="$seed" '
	BEGIN { srand(seed) }
	{ line[NR] = $0; b[NR] = $1 }
	END {
		for (i = 1; i <= NR; i++) {
			if (i == NR || b[i + 1] != b[i])
				continue # the last of each desa stays away
			if (rand() < 0.25)
				t = 7 * 3600 + 31 * 60 + int(rand() * 24 * 60)
			else
				t = 7 * 3600 + 8 * 60 + int(rand() * 22 * 60)
			split(line[i], f, " ")
			id = substr(f[2], 1, index(f[2], "=") - 1)
			name = substr(line[i], index(line[i], "=") + 1)
			printf "%02d:%02d:%02d %s %s %s\n", t / 3600, t % 3600 / 60,
				t % 60, b[i], id, name
		}
	}' | sort >"$tmp/arrivals"
n=0
late=0
while read -r t d id name; do
	if [ -n "$secs" ] && [ $(($(date +%s) - t0)) -ge "$secs" ]; then
		echo "   (DEMO_SECONDS=$secs reached)"
		break
	fi
	utc "$t" >"$tmp/clock.new" && mv "$tmp/clock.new" "$tmp/clock"
	"$box" "$tmp/$d" punch "$id" "$day $t" || fail "kecd-box punch $d $id"
	"$box" "$tmp/$d" push "$port" >"$tmp/push.out" ||
		fail "push from $d refused: $(cat "$tmp/push.out")"
	rows=$(sed -n 's/^push \([0-9.]*\): \([0-9]*\) .*/rows \1 -> HTTP \2/p' \
		"$tmp/push.out" | tail -n 1)
	case $t in
	07:[0-2]?:?? | 07:30:??) mark="" ;;
	*)
		mark="${L}late${N}"
		late=$((late + 1))
		;;
	esac
	case $d in
	sukamaju) desa=Sukamaju ;;
	tanjung) desa=Tanjung ;;
	*) desa=Sumberjo ;;
	esac
	printf '  %s  %-9s %s %-18s pushed: %s %s\n' "$t" "$desa" "$id" "$name" \
		"$rows" "$mark"
	n=$((n + 1))
	sleep "$pace"
done <"$tmp/arrivals"
echo "== $n arrivals pushed ($late after 07:30:59); one perangkat per desa has not come"
banner

if [ -n "$secs" ]; then
	left=$((secs - ($(date +%s) - t0)))
	if [ "$left" -gt 0 ]; then
		echo "   the server stops in $left s (DEMO_SECONDS=$secs)"
		sleep "$left"
	fi
	kill -0 "$pid" 2>/dev/null || fail "kecamatand died"
	echo "demo-kecamatan: done"
	exit 0
fi
echo "   the server runs until Ctrl-C; its log: $tmp/kecamatand.log"
wait "$pid"
pid=
fail "kecamatand stopped"
