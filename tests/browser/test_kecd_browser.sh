#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kecamatan server in a real browser: headless Chromium driven through
# Debian's chromium-driver and python3-selenium (tests/browser/
# kecd_browser.py).  This script builds the world it runs in: a SQLite
# database with two kecamatan, three desa boxes (tests/kecamatan/kecd-box,
# the box's real store), a camat, a kasi and a kabupaten account, and the
# real kecamatand on a free loopback port with a simulated clock that the
# browser script moves.  Screenshots of every page at 390 and 1366 px go
# to $O/screenshots/.  Exit 77 (skipped) only when chromium-driver is
# missing; make deps installs it.
set -u
O=${O:-build}
top=$(pwd)
if ! command -v chromedriver >/dev/null 2>&1; then
	echo "chromium-driver is not installed (make deps installs it)"
	exit 77
fi
PY=/usr/bin/python3 # Debian's, with python3-selenium
kec="$top/$O/presensi-kecamatan"
box="$top/$O/tests/kecamatan/kecd-box"
kecd="$top/$O/kecamatand"
tmp=$(mktemp -d /tmp/pd-browser-XXXXXX) || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
db="$tmp/kecamatan.db"
fail() {
	echo "test_kecd_browser: $*" >&2
	[ -f "$tmp/kecamatand.log" ] && sed 's/^/    /' "$tmp/kecamatand.log" >&2
	exit 1
}

# ---- the kecamatan, its desa and their boxes ----
"$kec" --db "$db" init --name Pucuk --kabupaten Lamongan >/dev/null || fail init
"$kec" --db "$db" init --name Perak --kabupaten Lamongan >/dev/null || fail init
people="101=H. Sutrisno
102=Siti Nurhayati
103=Budi Santoso
104=Dewi Lestari
105=Agus Salim
106=Rina Wulandari
107=Joko Prasetyo
108=Sri Mulyani
109=Bambang Hartono
110=Yuni Astuti
111=Eko Saputro"
mkbox() { # dir desa name seed kecamatan people...
	d=$1 desa=$2 name=$3 seed=$4 k=$5
	shift 5
	key=$("$box" "$tmp/$d" init "$desa" "$name" "$seed" 2026-10-01 "$@") ||
		fail "box $d"
	"$kec" --db "$db" --kecamatan "$k" trust --desa "$desa" --name "$name" \
		--key "$key" >/dev/null || fail "trust $d"
}
IFS='
'
# shellcheck disable=SC2086
mkbox sukamaju 3524012001 Sukamaju 11 Pucuk $people
# shellcheck disable=SC2086
mkbox tanjung 3524012002 Tanjung 12 Pucuk $people
mkbox sumberjo 3517012001 Sumberjo 13 Perak "201=Wahyu Hidayat" \
	"202=Lilis Suryani"
unset IFS
printf 'sandi-camat-1\n' | "$kec" --db "$db" --kecamatan Pucuk user add \
	--name camat.pucuk --role camat >/dev/null || fail user
printf 'sandi-kasi-1\n' | "$kec" --db "$db" --kecamatan Perak user add \
	--name kasi.perak --role kasi >/dev/null || fail user
printf 'sandi-kab-1\n' | "$kec" --db "$db" user add --name admin.kab \
	--role kabupaten >/dev/null || fail user
# October at Tanjung, closed: the bundle the browser uploads
"$box" "$tmp/tanjung" days 2026-10-01 2026-10-31 101 102 103 104 105 106 \
	107 108 109 110 111 || fail days
"$box" "$tmp/tanjung" close 2026-10 "2026-11-02 09:00:00" || fail close
"$box" "$tmp/tanjung" bundle 2026-10 "2026-11-02 09:05:00" \
	"$tmp/presensi-3524012002-2026-10.zip" || fail bundle
# Sukamaju's November so far, and this morning's first arrivals
"$box" "$tmp/sukamaju" days 2026-11-02 2026-11-20 101 102 103 104 105 106 \
	107 108 109 110 111 || fail days
for p in "101 07:12:05" "102 07:21:40" "103 07:25:10" "105 07:29:59"; do
	set -- $p
	"$box" "$tmp/sukamaju" punch "$1" "2026-11-23 $2" || fail punch
done

# ---- the server ----
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "2026-11-23T00:35:00Z" >"$tmp/clock" # 07:35 WIB
cat >"$tmp/kecamatand.conf" <<EOC
[server]
listen = 127.0.0.1
port = $port
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
[web]
session_idle_min = 30
EOC
"$kecd" --config "$tmp/kecamatand.conf" --check >/dev/null || fail check
"$kecd" --config "$tmp/kecamatand.conf" 2>"$tmp/kecamatand.log" &
pid=$!
for _ in $(seq 1 100); do # start-up poll, not a timing assertion
	curl -sf "http://127.0.0.1:$port/sehat" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "kecamatand exited"
	sleep 0.1
done
"$box" "$tmp/sukamaju" push "$port" >/dev/null || fail push
"$box" "$tmp/sumberjo" push "$port" >/dev/null || fail push

mkdir -p "$O/screenshots"
"$PY" tests/browser/kecd_browser.py \
	--url "http://127.0.0.1:$port" --tmp "$tmp" --box "$box" \
	--port "$port" --clock "$tmp/clock" \
	--bundle "$tmp/presensi-3524012002-2026-10.zip" \
	--shots "$top/$O/screenshots" || fail "browser scenarios failed"
