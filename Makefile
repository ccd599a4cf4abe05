# SPDX-License-Identifier: GPL-2.0-or-later
# Presensi Desa: build, test, demo, install.  See README.md.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share/presensi
KECDATADIR ?= $(PREFIX)/share/presensi-kecamatan
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
UDEVDIR    ?= /lib/udev/rules.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
SYSUSERSDIR ?= /usr/lib/sysusers.d
PKG_CONFIG ?= pkg-config
O          ?= build
CC         ?= cc
CFLAGS     ?= -O2 -g
WERROR     ?= -Werror
LIGHTS     ?= gpiod

ifneq ($(V),1)
Q := @
endif

# Foreign libraries.  Each is included by exactly one source file (README,
# "Architecture").  A module pkg-config cannot find is an error naming it
# (the pkgcheck stamp below), never a silently empty flag.
PKGS_CORE := sqlite3 libsodium xlsxwriter libutf8proc libzip jansson
PKGS_FP   := libfprint-2 glib-2.0 gio-2.0
PKGS_GPIO := libgpiod
PKGS_TEST := cmocka

WARN := -Wall -Wextra $(WERROR) -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wundef -Wpointer-arith \
	-Wcast-qual
HARDEN ?= -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
HARDEN_LD ?= -pie

pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

# xlsxwriter's include flags reach its one includer, xlsx.c, alone: on
# trixie they name minizip's directory, whose zip.h hides libzip's from
# bundle.c.
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Iinclude -MMD -MP $(WARN) $(HARDEN) \
	$(call pc_cflags,$(filter-out xlsxwriter,$(PKGS_CORE))) $(CPPFLAGS) $(CFLAGS)
FP_CFLAGS  = $(call pc_cflags,$(PKGS_FP))
LIBS_CORE  = $(call pc_libs,$(PKGS_CORE)) -lm
LIBS_FP    = $(call pc_libs,$(PKGS_FP))
LIBS_CMOCKA = $(call pc_libs,$(PKGS_TEST))
ALL_LDFLAGS = $(HARDEN_LD) $(LDFLAGS)

# libgpiod v1 or v2 gets its own backend files (the lights and the wake
# input), chosen here, not by #ifdef: the v2 pair (lights_gpiod2.c,
# wake_gpiod2.c) implements the same lights.h / wake.h calls.  GPIOD_API is
# the major version PKG_CONFIG finds (a cross PKG_CONFIG asks the sysroot),
# empty without libgpiod.  hw/README.md, "libgpiod v1 and v2".
GPIOD_API := $(shell if $(PKG_CONFIG) --atleast-version=2 libgpiod; then \
	echo 2; elif $(PKG_CONFIG) --exists libgpiod; then echo 1; fi 2>/dev/null)
ifeq ($(LIGHTS),sim)
GPIO_SRC  := hw/lights_nogpio.c hw/wake_nogpio.c
LIBS_GPIO :=
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP)
else ifeq ($(GPIOD_API),2)
GPIO_SRC  := hw/lights_gpiod2.c hw/wake_gpiod2.c hw/gpiod2_chip.c
LIBS_GPIO  = $(call pc_libs,$(PKGS_GPIO))
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP) $(PKGS_GPIO)
else
GPIO_SRC  := hw/lights_gpiod.c hw/wake_gpiod.c
LIBS_GPIO  = $(call pc_libs,$(PKGS_GPIO))
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP) $(PKGS_GPIO)
endif
# Both backend pairs are unit-tested through stand-ins of libgpiod
# (tests/fakes/standin/).  The v2 tests build everywhere: the v2 stand-in
# brings its own mirror of the v2 header.  The v1 tests include the system's
# <gpiod.h>, so they build only where that is v1.
GPIOD_V1_TESTS := tests/unit/test_lights_gpiod.c tests/unit/test_wake_gpiod.c
GPIOD_TESTS_OUT := $(if $(filter 1,$(GPIOD_API)),,$(GPIOD_V1_TESTS))

# ---- the layers (README "Architecture"); each folder is one library ----
# core: the pure domain.  Links against libc/libm and the hash and log
# functions only; tests/unit/test_core_pure proves it at every build.
CORE_SRCS   := $(wildcard daemon/core/*.c)
# common: modules every program links (crypto, log, conf, notify, the
# atomic file writer, the XLSX writer, the control-socket client).
COMMON_SRCS := $(wildcard daemon/common/*.c)
# store: the device database (the only sqlite3 user) and what reads it.
STORE_SRCS  := $(wildcard daemon/store/*.c)
# hw: clock, the light pattern engine and the wake debouncer with their
# simulated twins; the scanner and the GPIO backends are linked by
# presensid only.
HW_ONLY     := hw/scanner.c hw/lights_gpiod.c hw/lights_gpiod2.c \
	hw/lights_nogpio.c hw/wake_gpiod.c hw/wake_gpiod2.c hw/wake_nogpio.c \
	hw/gpiod2_chip.c
HW_SRCS     := $(filter-out $(HW_ONLY),$(wildcard hw/*.c))
# the programs: everything but main.c is a library the tests link too.
PRESENSID_SRCS := $(filter-out %/main.c,$(wildcard daemon/presensid/*.c))
PRESENSI_SRCS  := $(filter-out %/main.c,$(wildcard daemon/presensi/*.c))

objs = $(1:%.c=$(O)/%.o)
LIB_CORE   := $(O)/libpdcore.a
LIB_COMMON := $(O)/libpdcommon.a
LIB_STORE  := $(O)/libpdstore.a
LIB_HW     := $(O)/libpdhw.a
LIB_PRESENSID := $(O)/libpddaemon.a
LIB_PRESENSI  := $(O)/libpdcli.a
LIBS_OURS  := $(LIB_PRESENSID) $(LIB_PRESENSI) $(LIB_STORE) $(LIB_HW) \
	      $(LIB_COMMON) $(LIB_CORE)
# The layers call each other in both directions through headers (conf
# parses with core's ini, core hashes with common's crypto): one group.
GROUP = -Wl,--start-group $(1) -Wl,--end-group

SCANNER_OBJ := $(O)/hw/scanner.o
GPIO_OBJ    := $(GPIO_SRC:%.c=$(O)/%.o)

# Test support: fakes and the synthetic-finger tools library.
TLIB_SRCS  := $(wildcard tests/fakes/*.c) $(wildcard tests/tools/lib/*.c)
TLIB_OBJS  := $(TLIB_SRCS:%.c=$(O)/%.o)
TLIB       := $(O)/libpdtest.a
STANDIN_OBJ := $(O)/tests/standin/gpiod_standin.o

UNIT_SRCS  := $(filter-out $(GPIOD_TESTS_OUT),$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:%.c=$(O)/%)
INTEG_SRCS := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(INTEG_SRCS:%.c=$(O)/%)
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(TOOL_SRCS:%.c=$(O)/%)
BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(BENCH_SRCS:%.c=$(O)/%)
# Shell tests (the test runner itself, install, deps): run by `make test`
# after the programs above, each counted as one test.
SHELL_TESTS := $(wildcard tests/shell/test_*.sh tests/browser/test_*.sh)

PROGS := $(O)/presensid $(O)/presensi

.SECONDARY:
.PHONY: all deps test check tests-build sanitize bench bench-build \
	bench-wake-real demo install uninstall clean format format-check lint \
	golden check-device cross cross-test cross-run cross-sysroot \
	check-arm64 FORCE
all: $(PROGS)

deps:
	$(Q)sh firmware/build-deps.sh

# Every module pkg-config must find, named when it cannot.  Checked on
# every build (FORCE): the flags above come from $(shell) on every run, so a
# stamp left by an earlier run must not let a changed or broken PKG_CONFIG
# compile with empty flags.  Order-only: the check never forces a rebuild.
# tests/shell/test_deps.sh tests it.
define pkgcheck
	$(Q)missing=; for p in $(1); do \
		$(PKG_CONFIG) --exists $$p || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "pkg-config ($(PKG_CONFIG)) cannot find:$$missing (make deps installs them)" >&2; \
		exit 1; fi
	$(Q)mkdir -p $(@D) && touch $@
endef
$(O)/.pkgcheck-$(LIGHTS): FORCE
	$(call pkgcheck,$(PKGS_NEED))
$(O)/.pkgcheck-test: FORCE
	$(call pkgcheck,$(PKGS_TEST))
$(call objs,$(UNIT_SRCS) $(INTEG_SRCS) $(wildcard tests/fakes/*.c)): \
	| $(O)/.pkgcheck-test

$(O)/%.o: %.c | $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Files that include libfprint/GLib get their flags; so do tools and
# integration tests that drive the virtual readers.
$(O)/hw/scanner.o $(call objs,$(wildcard daemon/presensid/*.c)) \
$(O)/tests/integration/%.o $(O)/tests/tools/%.o $(O)/tests/tools/lib/%.o \
$(O)/tests/bench/%.o: ALL_CFLAGS += $(FP_CFLAGS)
$(GPIO_OBJ): ALL_CFLAGS += $(call pc_cflags,$(PKGS_GPIO))
$(O)/daemon/common/xlsx.o: ALL_CFLAGS += $(call pc_cflags,xlsxwriter)
$(O)/tests/unit/%.o $(O)/tests/integration/%.o $(O)/tests/fakes/%.o: \
	ALL_CFLAGS += $(call pc_cflags,$(PKGS_TEST)) -Itests
$(O)/tests/tools/%.o $(O)/tests/bench/%.o $(O)/tests/tools/lib/%.o: \
	ALL_CFLAGS += -Itests
# The libgpiod stand-in implements the v1 API the backend uses, so the
# backend's own code runs in unit tests on a machine without GPIO.
$(STANDIN_OBJ): tests/fakes/standin/gpiod_standin.c | $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS_GPIO)) -Itests -c -o $@ $<
$(O)/tests/unit/test_lights_gpiod.o $(O)/tests/unit/test_wake_gpiod.o: \
	ALL_CFLAGS += $(call pc_cflags,$(PKGS_GPIO))
# The v2 stand-in: the v2 backends compiled a second time, against the
# mirror of the v2 header in tests/fakes/standin/v2 (first on their include
# path), into $(O)/tests/standin/, apart from the real build's $(O)/hw/.
STANDIN2_INC  := -Itests/fakes/standin/v2
STANDIN2_OBJ  := $(O)/tests/standin/gpiod2_standin.o
STANDIN2_HW   := $(O)/tests/standin/lights_gpiod2.o $(O)/tests/standin/wake_gpiod2.o \
		 $(O)/tests/standin/gpiod2_chip.o
$(STANDIN2_HW): $(O)/tests/standin/%.o: hw/%.c | $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (v2 stand-in)")
	$(Q)$(CC) $(ALL_CFLAGS) $(STANDIN2_INC) -c -o $@ $<
$(STANDIN2_OBJ): tests/fakes/standin/gpiod2_standin.c | $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests $(STANDIN2_INC) -c -o $@ $<
# Where libgpiod is v2, the stand-in is also compiled against the real
# <gpiod.h>: its definitions then prove the mirror's declarations and enum
# values are libgpiod's (tests-build builds it; check-arm64 SUITE=trixie).
STANDIN2_REAL := $(if $(filter 2,$(GPIOD_API)),$(O)/tests/standin/gpiod2_standin-real.o)
$(O)/tests/standin/gpiod2_standin-real.o: tests/fakes/standin/gpiod2_standin.c \
	| $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (against the real libgpiod $(GPIOD_API))")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests $(call pc_cflags,$(PKGS_GPIO)) -c -o $@ $<

$(LIB_CORE): $(call objs,$(CORE_SRCS))
$(LIB_COMMON): $(call objs,$(COMMON_SRCS))
$(LIB_STORE): $(call objs,$(STORE_SRCS))
$(LIB_HW): $(call objs,$(HW_SRCS))
$(LIB_PRESENSID): $(call objs,$(PRESENSID_SRCS))
$(LIB_PRESENSI): $(call objs,$(PRESENSI_SRCS))
$(LIBS_OURS) $(TLIB):
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(TLIB): $(TLIB_OBJS)

# The linker keeps the core pure: every core object, forced in whole,
# linked with nothing but crypto and log (and libc/libm).  A core file that
# reaches SQLite, GLib, libfprint, libxlsxwriter or hardware fails here.
$(O)/tests/unit/test_core_pure: $(O)/tests/unit/test_core_pure.o $(LIB_CORE) \
	$(O)/daemon/common/crypto.o $(O)/daemon/common/log.o
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--whole-archive $(LIB_CORE) \
		-Wl,--no-whole-archive $(O)/daemon/common/crypto.o \
		$(O)/daemon/common/log.o $(LIBS_CMOCKA) \
		$(call pc_libs,libsodium) -lm

$(O)/presensid: $(O)/daemon/presensid/main.o $(SCANNER_OBJ) $(GPIO_OBJ) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call GROUP,$(LIBS_OURS)) $(LIBS_FP) $(LIBS_GPIO) $(LIBS_CORE) $(LDLIBS)
$(O)/presensi: $(O)/daemon/presensi/main.o $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(LIBS_OURS)) \
		$(LIBS_CORE) $(LDLIBS)

$(O)/tests/unit/test_lights_gpiod: $(O)/tests/unit/test_lights_gpiod.o \
	$(O)/hw/lights_gpiod.o $(STANDIN_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_CORE) $(LDLIBS)
$(O)/tests/unit/test_wake_gpiod: $(O)/tests/unit/test_wake_gpiod.o \
	$(O)/hw/wake_gpiod.o $(STANDIN_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_CORE) $(LDLIBS)
$(O)/tests/unit/test_lights_gpiod2: $(O)/tests/unit/test_lights_gpiod2.o \
	$(O)/tests/standin/lights_gpiod2.o $(O)/tests/standin/gpiod2_chip.o \
	$(STANDIN2_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_CORE) $(LDLIBS)
$(O)/tests/unit/test_wake_gpiod2: $(O)/tests/unit/test_wake_gpiod2.o \
	$(O)/tests/standin/wake_gpiod2.o $(O)/tests/standin/gpiod2_chip.o \
	$(STANDIN2_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_CORE) $(LDLIBS)
$(O)/tests/unit/%: $(O)/tests/unit/%.o $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(TLIB) $(LIBS_OURS)) \
		$(LIBS_CMOCKA) $(LIBS_CORE) $(LDLIBS)
$(O)/tests/integration/%: $(O)/tests/integration/%.o $(SCANNER_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(SCANNER_OBJ) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_FP) \
		$(LIBS_CORE) -lpthread $(LDLIBS)
$(O)/tests/tools/%: $(O)/tests/tools/%.o $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(TLIB) $(LIBS_OURS)) \
		$(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)
$(O)/tests/bench/%: $(O)/tests/bench/%.o $(SCANNER_OBJ) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(SCANNER_OBJ) \
		$(call GROUP,$(TLIB) $(LIBS_OURS)) $(LIBS_FP) $(LIBS_CORE) \
		-lpthread $(LDLIBS)

# The kecamatan server's files (its block is at the end) stay out of
# presensi-kecamatan's library.
KECD_GLOB  := daemon/kecamatan/kecd_%.c

# ---- the kecamatan side: presensi-kecamatan, its store and its tests ----
# A separate program over the same core.  Its store has two backends behind
# one table of functions (docs/kecamatan.md): kec_store_sqlite.c includes
# sqlite3.h, kec_store_pg.c libpq-fe.h, and only this block links libpq,
# so the box's daemon and CLI never do.  Its tests (tests/kecamatan/) run
# every case on SQLite and on a private PostgreSQL (tests/fakes/pgtest.c).
PKGS_KEC   := libpq
KEC_SRCS   := $(filter-out %/main.c %/kecamatand.c $(KECD_GLOB),$(wildcard daemon/kecamatan/*.c))
LIB_KEC    := $(O)/libpdkec.a
LIBS_KEC    = $(call pc_libs,$(PKGS_KEC))
KEC_PROG   := $(O)/presensi-kecamatan
KEC_TEST_SRCS := $(wildcard tests/kecamatan/test_*.c)
KEC_TEST_BINS := $(KEC_TEST_SRCS:%.c=$(O)/%)
KEC_BENCH_SRCS := $(wildcard tests/kecamatan/bench_*.c)
KEC_BENCH_BINS := $(KEC_BENCH_SRCS:%.c=$(O)/%)
BENCH_BINS += $(KEC_BENCH_BINS)

all: $(KEC_PROG)
$(O)/.pkgcheck-kec: FORCE
	$(call pkgcheck,$(PKGS_KEC))
$(call objs,$(wildcard daemon/kecamatan/*.c)): | $(O)/.pkgcheck-kec
$(O)/daemon/kecamatan/kec_store_pg.o: ALL_CFLAGS += $(call pc_cflags,$(PKGS_KEC))
$(O)/tests/kecamatan/%.o: ALL_CFLAGS += $(call pc_cflags,$(PKGS_TEST)) -Itests
$(O)/tests/kecamatan/%.o: | $(O)/.pkgcheck-test
$(LIB_KEC): $(call objs,$(KEC_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(KEC_PROG): $(O)/daemon/kecamatan/main.o $(LIB_KEC) $(LIB_COMMON) $(LIB_CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_KEC) $(LIB_COMMON) $(LIB_CORE)) \
		$(LIBS_KEC) $(LIBS_CORE) $(LDLIBS)
# Tests link the device store too: they build real box ledgers; the
# end-to-end test drives the real daemon's virtual reader (pdfeed).
$(O)/tests/kecamatan/%: $(O)/tests/kecamatan/%.o $(LIB_KEC) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_KEC) $(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) \
		$(LIBS_KEC) $(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)

# The kecamatan's program installs beside the box's CLI; a box needs
# neither it nor libpq.
.PHONY: install-kecamatan uninstall-kecamatan
install: install-kecamatan
install-kecamatan: $(KEC_PROG)
	install -Dm755 $(KEC_PROG) $(DESTDIR)$(BINDIR)/presensi-kecamatan
uninstall: uninstall-kecamatan
uninstall-kecamatan:
	rm -f $(DESTDIR)$(BINDIR)/presensi-kecamatan

tests-build: $(PROGS) $(KEC_PROG) $(UNIT_BINS) $(INTEG_BINS) $(TOOL_BINS) \
	$(STANDIN2_REAL) $(KEC_TEST_BINS)

# Runs every unit test, then the integration tests that need no hardware,
# then the shell tests; ends with one "N passed, N failed, N skipped" line
# and fails on any failure.
test check: deps
	$(Q)$(MAKE) --no-print-directory tests-build
	$(Q)O=$(O) sh tests/run-tests.sh $(UNIT_BINS) $(INTEG_BINS) \
		$(KEC_TEST_BINS) $(PUSH_TEST_BINS) $(SHELL_TESTS)

# intercept_tls_get_addr=0: LeakSanitizer of gcc 12 walks the dynamic TLS
# of modules loaded with dlopen (glib-networking's GnuTLS, which the push
# and kecamatand load for HTTPS) through a bogus entry under glibc 2.36 and
# dies at exit ("Tracer caught signal 11") after every test passed; without
# the interception, static TLS and every heap object are still checked.
sanitize:
	$(Q)ASAN_OPTIONS=intercept_tls_get_addr=0 \
		$(MAKE) --no-print-directory test O=build-san HARDEN= HARDEN_LD= \
		CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined'

# bench-build builds the benchmarks without running them (CI does, so
# they keep compiling); bench runs them.
bench-build: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(KEC_PROG) $(BENCH_BINS) \
		$(TOOL_BINS)
bench: bench-build
	$(Q)for b in $(BENCH_BINS); do echo "== $$b"; O=$(O) $$b || exit 1; done

# The wake input and duty cycle against the real daemon and the virtual
# reader: 20 minutes of wall time (PD_BENCH_WAKE_MIN, PD_BENCH_WAKE_N).
bench-wake-real: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(O)/tests/bench/bench_wake_real
	$(Q)O=$(O) PD_BENCH_WAKE_REAL=1 $(O)/tests/bench/bench_wake_real

demo: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(TOOL_BINS)
	$(Q)O=$(O) sh tests/demo/demo.sh

check-device:
	$(Q)sh tests/device/run.sh $(O) || { rc=$$?; [ $$rc -eq 77 ] && echo "device tests skipped (exit 77): no board here"; [ $$rc -eq 77 ]; }

golden: tests-build
	$(Q)O=$(O) PD_GOLDEN_UPDATE=1 sh tests/run-tests.sh $(UNIT_BINS) $(INTEG_BINS)

# The files that name install paths are templates: @SBINDIR@, @BINDIR@,
# @SYSCONFDIR@, @DATADIR@, @KECDATADIR@ and @UDEVDIR@ become this install's paths in
# $(O)/firmware/.  $(O)/.paths holds the values and changes only when they
# do, so `make install PREFIX=/usr` after a /usr/local one regenerates.
# The sample config keeps its name (the docs point to it) but is a template
# too.  tests/shell/test_install.sh checks the installed paths exist.
PATH_VARS := SBINDIR BINDIR SYSCONFDIR DATADIR KECDATADIR UDEVDIR
SUBST := sed $(foreach v,$(PATH_VARS),-e 's|@$(v)@|$($(v))|g')
GEN_IN    := $(addprefix $(O)/firmware/,systemd/presensid.service \
	systemd/presensi-usb-export@.service \
	tmpfiles/presensi.conf man/presensid.8 man/presensi.conf.5)
GENERATED := $(O)/firmware/presensi.conf $(GEN_IN) \
	$(O)/firmware/udev/60-presensi.rules
define from_template
	@mkdir -p $(@D)
	$(Q)$(SUBST) $< >$@.tmp
	@if grep -n '@[A-Z_]*@' $@.tmp; then \
		echo "$<: unknown @VARIABLE@ (known: $(PATH_VARS))" >&2; \
		rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@
endef
$(O)/.paths: FORCE
	@mkdir -p $(@D)
	@echo '$(foreach v,$(PATH_VARS),$(v)=$($(v)))' | cmp -s - $@ || \
		echo '$(foreach v,$(PATH_VARS),$(v)=$($(v)))' >$@
$(GEN_IN): $(O)/firmware/%: firmware/%.in $(O)/.paths
	$(from_template)
$(O)/firmware/presensi.conf: firmware/presensi.conf $(O)/.paths
	$(from_template)
# The udev rule names the readers the libfprint we build against supports,
# from its own hwdb (under pkg-config's sysroot in a cross build);
# FPRINT_HWDB= names another.  tests/shell/test_udev_readers.sh checks it.
FPRINT_ROOT  = $(patsubst %/,%,$(shell $(PKG_CONFIG) --variable=pc_sysrootdir libfprint-2 2>/dev/null))
FPRINT_HWDB ?= $(firstword $(wildcard $(addprefix $(FPRINT_ROOT),\
	/usr/lib/udev/hwdb.d/60-autosuspend-libfprint-2.hwdb \
	/lib/udev/hwdb.d/60-autosuspend-libfprint-2.hwdb)))
$(O)/firmware/udev/60-presensi.rules: firmware/udev/60-presensi.rules.in \
	firmware/udev/readers-from-hwdb.sh $(FPRINT_HWDB) $(O)/.paths
	@test -n "$(FPRINT_HWDB)" || { echo "no 60-autosuspend-libfprint-2.hwdb" \
		"under $(or $(FPRINT_ROOT),/): is libfprint-2 installed?" \
		"(FPRINT_HWDB= names one)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(Q)sh firmware/udev/readers-from-hwdb.sh $(FPRINT_HWDB) \
		"$$($(PKG_CONFIG) --modversion libfprint-2)" <$< >$@.gen
	$(Q)$(SUBST) $@.gen >$@.tmp && rm -f $@.gen
	@if grep -n '@[A-Z_]*@' $@.tmp; then \
		echo "$<: unknown @VARIABLE@ (known: $(PATH_VARS))" >&2; \
		rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

# Never overwrites an existing presensi.conf: it is the admin's.
install: $(PROGS) $(GENERATED)
	install -Dm755 $(O)/presensid $(DESTDIR)$(SBINDIR)/presensid
	install -Dm755 $(O)/presensi $(DESTDIR)$(BINDIR)/presensi
	install -d $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR)/calendars
	install -m644 firmware/profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/
	-install -m644 firmware/calendars/*.ini $(DESTDIR)$(DATADIR)/calendars/ 2>/dev/null
	install -Dm644 $(O)/firmware/presensi.conf $(DESTDIR)$(DATADIR)/presensi.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/presensi/presensi.conf || \
		install -Dm640 $(O)/firmware/presensi.conf $(DESTDIR)$(SYSCONFDIR)/presensi/presensi.conf
	install -Dm644 $(O)/firmware/systemd/presensid.service $(DESTDIR)$(UNITDIR)/presensid.service
	install -Dm644 $(O)/firmware/udev/60-presensi.rules $(DESTDIR)$(UDEVDIR)/60-presensi.rules
	install -Dm644 $(O)/firmware/systemd/presensi-usb-export@.service \
		$(DESTDIR)$(UNITDIR)/presensi-usb-export@.service
	install -Dm644 firmware/udev/70-presensi-usb.rules $(DESTDIR)$(UDEVDIR)/70-presensi-usb.rules
	install -Dm644 $(O)/firmware/tmpfiles/presensi.conf $(DESTDIR)$(TMPFILESDIR)/presensi.conf
	install -Dm644 firmware/sysusers/presensi.conf $(DESTDIR)$(SYSUSERSDIR)/presensi.conf
	install -Dm644 $(O)/firmware/man/presensid.8 $(DESTDIR)$(MANDIR)/man8/presensid.8
	install -Dm644 $(O)/firmware/man/presensi.conf.5 $(DESTDIR)$(MANDIR)/man5/presensi.conf.5

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/presensid $(DESTDIR)$(BINDIR)/presensi
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(UNITDIR)/presensid.service $(DESTDIR)$(UDEVDIR)/60-presensi.rules
	rm -f $(DESTDIR)$(UNITDIR)/presensi-usb-export@.service \
		$(DESTDIR)$(UDEVDIR)/70-presensi-usb.rules
	rm -f $(DESTDIR)$(TMPFILESDIR)/presensi.conf $(DESTDIR)$(SYSUSERSDIR)/presensi.conf
	rm -f $(DESTDIR)$(MANDIR)/man8/presensid.8 $(DESTDIR)$(MANDIR)/man5/presensi.conf.5

# Cross build for the Pi (arm64), against the Debian suite SUITE: bookworm
# (Pi OS bookworm, libgpiod 1.6: the v1 backends) or trixie (Pi OS trixie,
# libgpiod 2.2: the v2 backends).  hw/README.md, "Building for the Pi".
#   check-arm64    what CI runs: installs the cross tools if missing (as
#                  root), unpacks the suite's sysroot once into
#                  build-arm64-sysroot-$(SUITE) (kept; `make clean` leaves
#                  it), then cross-test against it, and checks that the
#                  build picked the backends of the sysroot's libgpiod.
#   cross          the programs, in build-arm64-$(SUITE)
#   cross-test     cross, the unit tests, then run.sh under qemu-user
#   cross-sysroot  (re)builds build-arm64-sysroot-$(SUITE)
# cross and cross-test use that sysroot when it is complete, else the
# multiarch arm64 -dev packages (bookworm only).  A sysroot lives beside the
# build folder, never in it: its *.d directories must not reach the
# -include below.  Name integration tests in CROSS_INTEG to run them too
# (test_e2e cannot run there: it execs the arm64 daemon, which needs
# binfmt_misc).  Inside the cross make, cross-run builds and runs.
SUITE         ?= bookworm
CROSS_SUITES  := bookworm trixie
CROSS_SYSROOT_DIR := build-arm64-sysroot-$(SUITE)
CROSS_O       ?= build-arm64-$(SUITE)
CROSS_SYSROOT ?= $(if $(wildcard $(CROSS_SYSROOT_DIR)/.complete),$(CURDIR)/$(CROSS_SYSROOT_DIR))
CROSS_CC      ?= aarch64-linux-gnu-gcc$(if $(CROSS_SYSROOT), --sysroot=$(CROSS_SYSROOT))
CROSS_PKG_CONFIG ?= $(if $(CROSS_SYSROOT),env \
	PKG_CONFIG_SYSROOT_DIR=$(CROSS_SYSROOT) \
	PKG_CONFIG_LIBDIR=$(CROSS_SYSROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:$(CROSS_SYSROOT)/usr/share/pkgconfig \
	pkg-config,aarch64-linux-gnu-pkg-config)
CROSS_QEMU    ?= qemu-aarch64-static -L $(or $(CROSS_SYSROOT),/usr/aarch64-linux-gnu)
CROSS_MAKE     = $(MAKE) --no-print-directory O=$(CROSS_O) CC='$(CROSS_CC)' \
	PKG_CONFIG='$(CROSS_PKG_CONFIG)'
CROSS_INTEG   ?=
EXPECT_GPIOD  ?=

# Without its sysroot a suite other than the host's would silently build
# against the host's multiarch (bookworm) packages: refuse.
cross_need_sysroot = $(if $(CROSS_SYSROOT)$(filter bookworm,$(SUITE)),,$(error \
	SUITE=$(SUITE) has no sysroot yet: make cross-sysroot SUITE=$(SUITE), \
	or make check-arm64 SUITE=$(SUITE)))
cross:
	$(cross_need_sysroot)
	+$(Q)$(CROSS_MAKE) all
cross-test:
	$(cross_need_sysroot)
	+$(Q)$(CROSS_MAKE) cross-run CROSS_RUN_QEMU='$(CROSS_QEMU)' \
		EXPECT_GPIOD='$(EXPECT_GPIOD)'
# Run by cross-test inside the cross make, where UNIT_BINS and GPIOD_API
# are the sysroot's: a trixie build has no v1 tests, and compiles the v2
# stand-in against the real libgpiod 2 header too.
cross-run: $(PROGS) $(UNIT_BINS) $(CROSS_INTEG:%=$(O)/tests/integration/%) \
	$(STANDIN2_REAL)
	$(Q)O=$(O) QEMU='$(CROSS_RUN_QEMU)' \
		EXPECT_GPIOD='$(EXPECT_GPIOD)' sh tests/cross/run.sh \
		$(UNIT_BINS) $(CROSS_INTEG:%=$(O)/tests/integration/%)
cross-sysroot:
	$(Q)sh tests/cross/sysroot.sh $(CROSS_SYSROOT_DIR) $(SUITE)
check-arm64:
	$(Q)t0=$$(date +%s); sh tests/cross/tools.sh && \
	{ test -e $(CROSS_SYSROOT_DIR)/.complete || \
	  sh tests/cross/sysroot.sh $(CROSS_SYSROOT_DIR) $(SUITE); } && \
	api=$$(sed -n 's/^libgpiod=\([0-9]*\).*/\1/p' $(CROSS_SYSROOT_DIR)/.complete) && \
	$(MAKE) --no-print-directory cross-test SUITE=$(SUITE) \
		CROSS_SYSROOT=$(CURDIR)/$(CROSS_SYSROOT_DIR) EXPECT_GPIOD=$$api && \
	echo "check-arm64 SUITE=$(SUITE): ok in $$(( $$(date +%s) - t0 )) s"

# ---- Debian packages and the Pi image (firmware/debian, firmware/image;
# README "Packages and the Pi image") ----
#   deb            the packages presensi and presensi-kecamatan (when its
#                  program is in the tree: its block's install-kecamatan
#                  installs it), with lintian, into DEB_O: for
#                  the host by default; ARCH=arm64 SUITE=bookworm|trixie
#                  cross-builds against build-arm64-sysroot-$(SUITE), made
#                  first if missing or older than tests/cross/sysroot.sh
#                  (its package list; the .debs it has are kept).
#   check-package  deb for the host, then tests/package/test_deb.sh installs
#                  it into a scratch root and checks files, owners, modes,
#                  users, the unit and its conffile across upgrades.
#   check-image    deb ARCH=arm64 SUITE=trixie, then tests/package/
#                  test_image.sh: a trixie arm64 root from mmdebstrap, the
#                  Pi image recipe run on it, and what it changed.
# tests/package/tools.sh installs debhelper, lintian, mmdebstrap and the
# missing build dependencies (as root; else it names them).
HOST_ARCH  := $(shell dpkg --print-architecture 2>/dev/null)
HOST_SUITE := $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_CODENAME)
ARCH       ?= $(HOST_ARCH)
JOBS       ?= 2
# The host's own suite for a native build (SUITE on the command line must
# agree: mkdeb.sh checks), SUITE for a cross build.
DEB_SUITE   = $(if $(filter $(HOST_ARCH),$(ARCH)),$(if $(filter command \
	line,$(origin SUITE)),$(SUITE),$(HOST_SUITE)),$(SUITE))
DEB_SYSROOT = build-arm64-sysroot-$(DEB_SUITE)
DEB_O       = $(O)/deb/$(DEB_SUITE)-$(ARCH)
.PHONY: deb check-package check-image
deb:
	$(Q)sh tests/package/tools.sh
ifneq ($(ARCH),$(HOST_ARCH))
	$(if $(filter arm64,$(ARCH)),,$(error ARCH=$(ARCH): only the host's \
		architecture ($(HOST_ARCH)) or arm64))
	$(Q)sh tests/cross/tools.sh && \
	{ test $(DEB_SYSROOT)/.complete -nt tests/cross/sysroot.sh || \
		sh tests/cross/sysroot.sh $(DEB_SYSROOT) $(DEB_SUITE); }
	$(Q)JOBS=$(JOBS) sh firmware/mkdeb.sh $(DEB_O) $(ARCH) $(DEB_SUITE) \
		$(CURDIR)/$(DEB_SYSROOT)
else
	$(Q)JOBS=$(JOBS) sh firmware/mkdeb.sh $(DEB_O) $(ARCH) $(DEB_SUITE)
endif
check-package: deb
	$(Q)t0=$$(date +%s); sh tests/package/test_deb.sh $(DEB_O) && \
	echo "check-package: ok in $$(( $$(date +%s) - t0 )) s"
check-image:
	$(Q)$(MAKE) --no-print-directory deb ARCH=arm64 SUITE=trixie
	$(Q)t0=$$(date +%s); sh tests/package/test_image.sh $(O)/deb/trixie-arm64 && \
	echo "check-image: ok in $$(( $$(date +%s) - t0 )) s"
# ---- end of the Debian packages and the Pi image ----

SOURCES = $(wildcard include/*.h daemon/*/*.c daemon/*/*.h hw/*.c hw/*.h \
	tests/*/*.c tests/*/*.h tests/*/*/*.c tests/*/*/*.h tests/*/*/*/*.h)
# Every C file in the tree, however deep: format-check fails when one is
# missing from SOURCES, so a new folder depth cannot slip past the check.
ALL_C_FILES = $(shell find include daemon hw tests -name '*.[ch]')
format:
	clang-format -i $(SOURCES)
format-check:
	$(Q)missed='$(filter-out $(SOURCES),$(ALL_C_FILES))'; \
	if [ -n "$$missed" ]; then \
		echo "format-check: not in SOURCES: $$missed" >&2; exit 1; fi
	clang-format --dry-run --Werror $(SOURCES)
# cppcheck over every C file under daemon/ and hw/ (it recurses), with the
# models of the POSIX, GNU and GLib APIs the code calls, every #ifdef
# configuration.  A false positive is suppressed inline, on the line before,
# as "cppcheck-suppress ID ; reason", and nowhere else.
LINT_LIBS := posix gnu gtk
lint:
	cppcheck --quiet --enable=warning,portability --inline-suppr \
		--error-exitcode=1 $(LINT_LIBS:%=--library=%) -Iinclude \
		daemon hw

# The arm64 builds go; their sysroots stay (a download): rm -rf them.
clean:
	rm -rf $(O) build-san build-arm64 $(CROSS_SUITES:%=build-arm64-%)

# ---- fuzz and crash suites (tests/fuzz, tests/crash; see their README) ----
# libFuzzer harnesses, one per parser or decoder.  clang builds them, and
# core + common again with the same sanitizers and coverage, into FUZZ_O
# (never build/).  `make fuzz` runs each harness FUZZ_SECONDS over its seed
# corpus and prints the executions; `make fuzz-smoke` is the short CI pass.
FUZZ_O       ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# The crash suite: the real presensid killed at random moments, and the
# store under injected write faults.  CRASH_ITER kill/restart rounds
# (CRASH_SEED picks the moments; printed, so a run can be replayed).
CRASH_ITER   ?= 200
CRASH_SEED   ?=
CRASH_BINS   := $(patsubst tests/crash/%.c,$(O)/tests/crash/%,$(wildcard tests/crash/crash_*.c))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins fuzz-clean crash
fuzz-build:
	$(Q)printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' | \
		$(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null || { \
		echo "$(FUZZ_CC) cannot build a libFuzzer program; on Debian 12:" \
			"apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory O=$(FUZZ_O) CC=$(FUZZ_CC) WERROR= \
		HARDEN= HARDEN_LD= LDFLAGS='-fsanitize=fuzzer $(FUZZ_SAN)' \
		CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
		fuzz-bins
fuzz-bins: $(FUZZ_NAMES:%=$(O)/tests/fuzz/fuzz_%)
$(O)/tests/fuzz/%.o: ALL_CFLAGS += -Itests
$(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(LIB_COMMON) $(LIB_CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(LIB_COMMON) $(LIB_CORE)) \
		$(LIBS_CORE) $(LDLIBS)
fuzz: fuzz-build
	$(Q)FUZZ_O=$(FUZZ_O) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)
fuzz-smoke:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10
fuzz-clean:
	rm -rf $(FUZZ_O)
clean: fuzz-clean

$(O)/tests/crash/%.o: ALL_CFLAGS += $(FP_CFLAGS) -Itests
$(O)/tests/crash/%: $(O)/tests/crash/%.o $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(TLIB) $(LIBS_OURS)) \
		$(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)
crash: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(CRASH_BINS)
	$(Q)O=$(O) CRASH_ITER=$(CRASH_ITER) CRASH_SEED=$(CRASH_SEED) \
		sh tests/crash/run.sh $(CRASH_BINS)
# ---- end of the fuzz and crash suites ----

# ---- the kecamatan server: kecamatand, its pages, its tests ----
# A second program over presensi-kecamatan's library (docs/kecamatan.md,
# "The server").  libsoup is included by kecd_http.c alone, GLib's main
# loop by it and kecamatand.c; every other kecd_*.c is plain C over the
# store, the core and the writers.  The tests (tests/kecamatan/test_kecd_*)
# start the real program on loopback, on SQLite and on a private
# PostgreSQL; the browser test drives headless Chromium through
# chromium-driver and python3-selenium (tests/browser/).  The box they
# push from is tests/kecamatan/kecd-box.c (the real store and pushbatch).
PKGS_KECD  := libsoup-3.0 glib-2.0 gio-2.0
KECD_SRCS  := $(wildcard daemon/kecamatan/kecd_*.c)
LIB_KECD   := $(O)/libpdkecd.a
LIBS_KECD   = $(call pc_libs,$(PKGS_KECD))
KECD_PROG  := $(O)/kecamatand
KECD_TLIB_SRCS := tests/kecamatan/kecdfix.c
KECD_TLIB  := $(O)/libpdkecdtest.a
KECD_BOX   := $(O)/tests/kecamatan/kecd-box
# bench_kecd (kecamatand under a morning of pushes) is in BENCH_BINS through
# the kecamatan block's bench_* wildcard, so bench and bench-build take it;
# it links with the rule below, the server's library included.
KECD_BENCH := $(O)/tests/kecamatan/bench_kecd

all: $(KECD_PROG)
tests-build: $(KECD_PROG) $(KECD_BOX)
bench-build: $(KECD_PROG) $(KECD_BOX)
$(O)/.pkgcheck-kecd: FORCE
	$(call pkgcheck,$(PKGS_KECD))
$(call objs,$(KECD_SRCS) daemon/kecamatan/kecamatand.c): | $(O)/.pkgcheck-kecd
$(O)/daemon/kecamatan/kecd_http.o $(O)/daemon/kecamatan/kecamatand.o: \
	ALL_CFLAGS += $(call pc_cflags,$(PKGS_KECD))
$(LIB_KECD): $(call objs,$(KECD_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(KECD_TLIB): $(call objs,$(KECD_TLIB_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(KECD_PROG): $(O)/daemon/kecamatan/kecamatand.o $(LIB_KECD) $(LIB_KEC) \
	$(LIB_COMMON) $(LIB_CORE)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_KECD) $(LIB_KEC) $(LIB_COMMON) $(LIB_CORE)) \
		$(LIBS_KECD) $(LIBS_KEC) $(LIBS_CORE) -lpthread $(LDLIBS)
# The server's tests, its box and its benchmark link its library too.
$(O)/tests/kecamatan/test_kecd_%: $(O)/tests/kecamatan/test_kecd_%.o \
	$(KECD_TLIB) $(LIB_KECD) $(LIB_KEC) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(KECD_TLIB) \
		$(LIB_KECD) $(LIB_KEC) $(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) \
		$(LIBS_KEC) $(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)
$(KECD_BOX) $(KECD_BENCH): $(O)/tests/kecamatan/%: $(O)/tests/kecamatan/%.o \
	$(KECD_TLIB) $(LIB_KECD) $(LIB_KEC) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(call GROUP,$(KECD_TLIB) \
		$(LIB_KECD) $(LIB_KEC) $(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) \
		$(LIBS_KEC) $(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)
$(O)/tests/kecamatan/kecdfix.o: | $(O)/.pkgcheck-test

.PHONY: demo-kecamatan install-kecamatand uninstall-kecamatand
# Three simulated boxes push a morning into a fresh kecamatand; prints
# the URL and a login (tests/kecamatan/demo.sh).
demo-kecamatan: deps
	$(Q)$(MAKE) --no-print-directory $(KECD_PROG) $(KEC_PROG) $(KECD_BOX)
	$(Q)O=$(O) sh tests/kecamatan/demo.sh
install: install-kecamatand
# The sample config, the unit, the tmpfiles entry and the man page are
# templates (their paths); the sysusers entry is not.  The shipped
# profiles and calendars go to KECDATADIR too: [rules] dir names them, and
# the box's package (which has its own copy) is not installed on a server.
# Never overwrites an existing kecamatand.conf: it is the admin's.
KECD_GEN := $(addprefix $(O)/firmware/,kecamatand.conf \
	systemd/kecamatand.service tmpfiles/presensi-kecamatan.conf \
	man/kecamatand.8)
install-kecamatand: $(KECD_PROG) $(KECD_GEN)
	install -Dm755 $(KECD_PROG) $(DESTDIR)$(SBINDIR)/kecamatand
	install -Dm644 $(O)/firmware/systemd/kecamatand.service \
		$(DESTDIR)$(UNITDIR)/kecamatand.service
	install -Dm644 $(O)/firmware/kecamatand.conf \
		$(DESTDIR)$(KECDATADIR)/kecamatand.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/presensi-kecamatan/kecamatand.conf || \
		install -Dm640 $(O)/firmware/kecamatand.conf \
		$(DESTDIR)$(SYSCONFDIR)/presensi-kecamatan/kecamatand.conf
	install -d $(DESTDIR)$(KECDATADIR)/profiles \
		$(DESTDIR)$(KECDATADIR)/calendars
	install -m644 firmware/profiles/*.ini $(DESTDIR)$(KECDATADIR)/profiles/
	install -m644 firmware/calendars/*.ini $(DESTDIR)$(KECDATADIR)/calendars/
	install -Dm644 firmware/sysusers/presensi-kecamatan.conf \
		$(DESTDIR)$(SYSUSERSDIR)/presensi-kecamatan.conf
	install -Dm644 $(O)/firmware/tmpfiles/presensi-kecamatan.conf \
		$(DESTDIR)$(TMPFILESDIR)/presensi-kecamatan.conf
	install -Dm644 $(O)/firmware/man/kecamatand.8 \
		$(DESTDIR)$(MANDIR)/man8/kecamatand.8
$(filter-out $(O)/firmware/kecamatand.conf,$(KECD_GEN)): $(O)/firmware/%: \
	firmware/%.in $(O)/.paths
	$(from_template)
$(O)/firmware/kecamatand.conf: firmware/kecamatand.conf $(O)/.paths
	$(from_template)
uninstall: uninstall-kecamatand
uninstall-kecamatand:
	rm -f $(DESTDIR)$(SBINDIR)/kecamatand $(DESTDIR)$(UNITDIR)/kecamatand.service \
		$(DESTDIR)$(SYSUSERSDIR)/presensi-kecamatan.conf \
		$(DESTDIR)$(TMPFILESDIR)/presensi-kecamatan.conf \
		$(DESTDIR)$(MANDIR)/man8/kecamatand.8
	rm -rf $(DESTDIR)$(KECDATADIR)
# ---- end of the kecamatan server ----

# ---- the live push: presensi-push (docs/push.md) ----
# A separate program with its own unit, in the OpenNTPD manner: it reads
# the box's store read-only, asks presensid over the control socket to
# sign each batch (the key never leaves presensid), and sends the batches
# with libsoup's async client on a GLib main loop.  pushhttp.c is the only
# includer of libsoup; only this block links it, so presensid (which never
# talks IP) and the CLI never do.  Its unit tests of the push's own modules
# link libpdpush.a; tests/push/ runs the real presensid, presensi-push and
# the kecamatan's server against each other on loopback.
PKGS_PUSH  := libsoup-3.0 glib-2.0 gio-2.0
PUSH_SRCS  := $(filter-out %/main.c,$(wildcard daemon/push/*.c))
LIB_PUSH   := $(O)/libpdpush.a
LIBS_PUSH   = $(call pc_libs,$(PKGS_PUSH))
PUSH_PROG  := $(O)/presensi-push
PUSH_UNIT_BINS := $(filter $(addprefix $(O)/tests/unit/,test_pushstate \
	test_pushread test_pushwire test_pushhttp),$(UNIT_BINS))
PUSH_TEST_SRCS := $(wildcard tests/push/test_*.c)
PUSH_TEST_BINS := $(PUSH_TEST_SRCS:%.c=$(O)/%)
PUSH_GEN   := $(O)/firmware/systemd/presensi-push.service \
	$(O)/firmware/man/presensi-push.8

all: $(PUSH_PROG)
$(O)/.pkgcheck-push: FORCE
	$(call pkgcheck,$(PKGS_PUSH))
$(call objs,$(wildcard daemon/push/*.c)): | $(O)/.pkgcheck-push
$(call objs,$(wildcard daemon/push/*.c)) $(PUSH_UNIT_BINS:%=%.o): \
	ALL_CFLAGS += $(call pc_cflags,$(PKGS_PUSH))
$(O)/tests/push/%.o: ALL_CFLAGS += $(FP_CFLAGS) \
	$(call pc_cflags,$(PKGS_TEST) $(PKGS_PUSH)) -Itests -Itests/kecamatan
$(O)/tests/push/%.o: | $(O)/.pkgcheck-test $(O)/.pkgcheck-push
$(LIB_PUSH): $(call objs,$(PUSH_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(PUSH_PROG): $(O)/daemon/push/main.o $(LIB_PUSH) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_PUSH) $(LIBS_OURS)) $(LIBS_PUSH) \
		$(LIBS_CORE) $(LDLIBS)
$(PUSH_UNIT_BINS): $(O)/tests/unit/%: $(O)/tests/unit/%.o $(LIB_PUSH) \
	$(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_PUSH) $(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) \
		$(LIBS_PUSH) $(LIBS_CORE) $(LDLIBS)
# The end-to-end tests drive the real daemon and start the kecamatan's
# server with its tests' fixture: they link what the server's tests link.
$(O)/tests/push/%: $(O)/tests/push/%.o $(LIB_PUSH) $(KECD_TLIB) $(LIB_KECD) \
	$(LIB_KEC) $(TLIB) $(LIBS_OURS)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< \
		$(call GROUP,$(LIB_PUSH) $(KECD_TLIB) $(LIB_KECD) $(LIB_KEC) \
		$(TLIB) $(LIBS_OURS)) $(LIBS_CMOCKA) $(LIBS_PUSH) $(LIBS_KEC) \
		$(LIBS_FP) $(LIBS_CORE) -lpthread $(LDLIBS)
tests-build: $(PUSH_PROG) $(PUSH_TEST_BINS)
bench-build: $(PUSH_PROG)

$(PUSH_GEN): $(O)/firmware/%: firmware/%.in $(O)/.paths
	$(from_template)
.PHONY: install-push uninstall-push
install: install-push
install-push: $(PUSH_PROG) $(PUSH_GEN)
	install -Dm755 $(PUSH_PROG) $(DESTDIR)$(SBINDIR)/presensi-push
	install -Dm644 $(O)/firmware/systemd/presensi-push.service \
		$(DESTDIR)$(UNITDIR)/presensi-push.service
	install -Dm644 firmware/sysusers/presensi-push.conf \
		$(DESTDIR)$(SYSUSERSDIR)/presensi-push.conf
	install -Dm644 $(O)/firmware/man/presensi-push.8 \
		$(DESTDIR)$(MANDIR)/man8/presensi-push.8
uninstall: uninstall-push
uninstall-push:
	rm -f $(DESTDIR)$(SBINDIR)/presensi-push \
		$(DESTDIR)$(UNITDIR)/presensi-push.service \
		$(DESTDIR)$(SYSUSERSDIR)/presensi-push.conf \
		$(DESTDIR)$(MANDIR)/man8/presensi-push.8
# ---- end of the live push ----

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
