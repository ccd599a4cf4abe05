#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Missing dependencies stop the build with their names: the Makefile's
# pkg-config check (also when an earlier run left its stamp behind), and
# firmware/build-deps.sh when apt-get fails or it cannot run as root.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_fail LABEL WANT-TEXT COMMAND...: COMMAND fails and says WANT-TEXT.
expect_fail() {
	label=$1
	want=$2
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		echo "FAIL: $label: succeeded"
	elif ! grep -qF -- "$want" "$tmp/out"; then
		echo "FAIL: $label: does not say \"$want\""
	else
		echo "ok: $label: $(grep -F -- "$want" "$tmp/out" | head -n 1)"
		return
	fi
	sed 's/^/    | /' "$tmp/out"
	fails=$((fails + 1))
}

run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		"${MAKE:-make}" -C "$top" --no-print-directory "$@"
}

# --- pkg-config ---
all="sqlite3 libsodium xlsxwriter libutf8proc libzip jansson libfprint-2 glib-2.0 gio-2.0 libgpiod"
expect_fail "PKG_CONFIG=false" "cannot find: $all" \
	run_make O="$tmp/o1" PKG_CONFIG=false
# A stamp from an earlier good run must not wave a broken one through.
mkdir -p "$tmp/o2" && touch "$tmp/o2/.pkgcheck-gpiod"
expect_fail "PKG_CONFIG=false, stale stamp" "cannot find: $all" \
	run_make O="$tmp/o2" PKG_CONFIG=false "$tmp/o2/daemon/core/civil.o"
# One module missing: that one is named.
cat >"$tmp/pkg-config" <<'SH'
#!/bin/sh
for a; do [ "$a" = xlsxwriter ] && exit 1; done
exec pkg-config "$@"
SH
chmod +x "$tmp/pkg-config"
expect_fail "no xlsxwriter" "cannot find: xlsxwriter (make deps" \
	run_make O="$tmp/o3" PKG_CONFIG="$tmp/pkg-config"
sed 's/xlsxwriter/cmocka/' "$tmp/pkg-config" >"$tmp/nocmocka"
chmod +x "$tmp/nocmocka"
expect_fail "no cmocka" "cannot find: cmocka" \
	run_make O="$tmp/o4" PKG_CONFIG="$tmp/nocmocka" \
	"$tmp/o4/tests/unit/test_civil.o"

# --- firmware/build-deps.sh, with stand-ins for id, dpkg-query, apt-get ---
bin=$tmp/bin
mkdir -p "$bin"
# shellcheck disable=SC2016 # expanded by the stand-in, not here
printf '#!/bin/sh\necho "${FAKE_UID:-0}"\n' >"$bin/id"
printf '#!/bin/sh\nexit 1\n' >"$bin/dpkg-query" # nothing installed
printf '#!/bin/sh\necho "E: fake apt-get failure ($*)" >&2\nexit 100\n' \
	>"$bin/apt-get"
chmod +x "$bin/id" "$bin/dpkg-query" "$bin/apt-get"
expect_fail "build-deps.sh, apt-get fails" "apt-get failed" \
	env PATH="$bin:$PATH" sh "$top/firmware/build-deps.sh"
fake_make_deps() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL PATH="$bin:$PATH" \
		"${MAKE:-make}" -C "$top" --no-print-directory deps
}
expect_fail "make deps, apt-get fails" "apt-get failed" fake_make_deps
expect_fail "build-deps.sh, not root" "Missing packages" \
	env PATH="$bin:$PATH" FAKE_UID=1000 sh "$top/firmware/build-deps.sh"
# apt-get says yes but a package is still not installed.
printf '#!/bin/sh\nexit 0\n' >"$bin/apt-get"
expect_fail "build-deps.sh, still missing" "still not installed" \
	env PATH="$bin:$PATH" sh "$top/firmware/build-deps.sh"

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "all dependency checks passed"
