# SPDX-License-Identifier: GPL-2.0-or-later
# Presensi Desa: build, test, demo, install.  See README.md.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share/presensi
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
UDEVDIR    ?= /lib/udev/rules.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
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
PKGS_CORE := sqlite3 libsodium xlsxwriter libzip jansson
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

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Iinclude -MMD -MP $(WARN) $(HARDEN) \
	$(call pc_cflags,$(PKGS_CORE)) $(CPPFLAGS) $(CFLAGS)
FP_CFLAGS  = $(call pc_cflags,$(PKGS_FP))
LIBS_CORE  = $(call pc_libs,$(PKGS_CORE)) -lm
LIBS_FP    = $(call pc_libs,$(PKGS_FP))
LIBS_CMOCKA = $(call pc_libs,$(PKGS_TEST))
ALL_LDFLAGS = $(HARDEN_LD) $(LDFLAGS)

# libgpiod v1 or v2 gets its own backend file, chosen here, not by #ifdef.
ifeq ($(LIGHTS),sim)
GPIO_SRC  := hw/lights_nogpio.c
LIBS_GPIO :=
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP)
else ifeq ($(shell $(PKG_CONFIG) --atleast-version=2 libgpiod 2>/dev/null && echo 2),2)
GPIO_SRC  := hw/lights_gpiod2.c
LIBS_GPIO  = $(call pc_libs,$(PKGS_GPIO))
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP) $(PKGS_GPIO)
else
GPIO_SRC  := hw/lights_gpiod.c
LIBS_GPIO  = $(call pc_libs,$(PKGS_GPIO))
PKGS_NEED := $(PKGS_CORE) $(PKGS_FP) $(PKGS_GPIO)
endif

# ---- the layers (README "Architecture"); each folder is one library ----
# core: the pure domain.  Links against libc/libm and the hash and log
# functions only; tests/unit/test_core_pure proves it at every build.
CORE_SRCS   := $(wildcard daemon/core/*.c)
# common: modules every program links (crypto, log, conf, notify, the
# atomic file writer, the XLSX writer, the control-socket client).
COMMON_SRCS := $(wildcard daemon/common/*.c)
# store: the device database (the only sqlite3 user) and what reads it.
STORE_SRCS  := $(wildcard daemon/store/*.c)
# hw: clock and the light pattern engine with its simulated twin; the
# scanner and the GPIO backends are linked by presensid only.
HW_ONLY     := hw/scanner.c hw/lights_gpiod.c hw/lights_gpiod2.c hw/lights_nogpio.c
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

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:%.c=$(O)/%)
INTEG_SRCS := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(INTEG_SRCS:%.c=$(O)/%)
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(TOOL_SRCS:%.c=$(O)/%)
BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(BENCH_SRCS:%.c=$(O)/%)
# Shell tests (the test runner itself, install, deps): run by `make test`
# after the programs above, each counted as one test.
SHELL_TESTS := $(wildcard tests/shell/test_*.sh)

PROGS := $(O)/presensid $(O)/presensi

.SECONDARY:
.PHONY: all deps test check tests-build sanitize bench bench-build demo \
	install uninstall clean format format-check lint golden check-device \
	cross cross-test cross-sysroot FORCE
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
$(O)/tests/unit/%.o $(O)/tests/integration/%.o $(O)/tests/fakes/%.o: \
	ALL_CFLAGS += $(call pc_cflags,$(PKGS_TEST)) -Itests
$(O)/tests/tools/%.o $(O)/tests/bench/%.o $(O)/tests/tools/lib/%.o: \
	ALL_CFLAGS += -Itests
# The libgpiod stand-in implements the v1 API the backend uses, so the
# backend's own code runs in unit tests on a machine without GPIO.
$(STANDIN_OBJ): tests/fakes/standin/gpiod_standin.c | $(O)/.pkgcheck-$(LIGHTS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS_GPIO)) -Itests -c -o $@ $<
$(O)/tests/unit/test_lights_gpiod.o: ALL_CFLAGS += $(call pc_cflags,$(PKGS_GPIO))

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

# ---- the kecamatan side: presensi-kecamatan, its store and its tests ----
# A separate program over the same core.  Its store has two backends behind
# one table of functions (docs/kecamatan.md): kec_store_sqlite.c includes
# sqlite3.h, kec_store_pg.c libpq-fe.h, and only this block links libpq,
# so the box's daemon and CLI never do.  Its tests (tests/kecamatan/) run
# every case on SQLite and on a private PostgreSQL (tests/fakes/pgtest.c).
PKGS_KEC   := libpq
KEC_SRCS   := $(filter-out %/main.c,$(wildcard daemon/kecamatan/*.c))
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
	$(KEC_TEST_BINS)

# Runs every unit test, then the integration tests that need no hardware,
# then the shell tests; ends with one "N passed, N failed, N skipped" line
# and fails on any failure.
test check: deps
	$(Q)$(MAKE) --no-print-directory tests-build
	$(Q)O=$(O) sh tests/run-tests.sh $(UNIT_BINS) $(INTEG_BINS) \
		$(KEC_TEST_BINS) $(SHELL_TESTS)

sanitize:
	$(Q)$(MAKE) --no-print-directory test O=build-san HARDEN= HARDEN_LD= \
		CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined'

# bench-build builds the benchmarks without running them (CI does, so
# they keep compiling); bench runs them.
bench-build: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(KEC_PROG) $(BENCH_BINS) \
		$(TOOL_BINS)
bench: bench-build
	$(Q)for b in $(BENCH_BINS); do echo "== $$b"; O=$(O) $$b || exit 1; done

demo: deps
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(TOOL_BINS)
	$(Q)O=$(O) sh tests/demo/demo.sh

check-device:
	$(Q)sh tests/device/run.sh $(O) || { rc=$$?; [ $$rc -eq 77 ] && echo "device tests skipped (exit 77): no board here"; [ $$rc -eq 77 ]; }

golden: tests-build
	$(Q)O=$(O) PD_GOLDEN_UPDATE=1 sh tests/run-tests.sh $(UNIT_BINS) $(INTEG_BINS)

# The files that name install paths are templates: @SBINDIR@, @BINDIR@,
# @SYSCONFDIR@, @DATADIR@ and @UDEVDIR@ become this install's paths in
# $(O)/firmware/.  $(O)/.paths holds the values and changes only when they
# do, so `make install PREFIX=/usr` after a /usr/local one regenerates.
# The sample config keeps its name (the docs point to it) but is a template
# too.  tests/shell/test_install.sh checks the installed paths exist.
PATH_VARS := SBINDIR BINDIR SYSCONFDIR DATADIR UDEVDIR
SUBST := sed $(foreach v,$(PATH_VARS),-e 's|@$(v)@|$($(v))|g')
GEN_IN    := $(addprefix $(O)/firmware/,systemd/presensid.service \
	systemd/presensi-usb-export@.service \
	tmpfiles/presensi.conf man/presensid.8 man/presensi.conf.5)
GENERATED := $(O)/firmware/presensi.conf $(GEN_IN)
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
	install -Dm644 firmware/udev/60-presensi.rules $(DESTDIR)$(UDEVDIR)/60-presensi.rules
	install -Dm644 $(O)/firmware/systemd/presensi-usb-export@.service \
		$(DESTDIR)$(UNITDIR)/presensi-usb-export@.service
	install -Dm644 firmware/udev/70-presensi-usb.rules $(DESTDIR)$(UDEVDIR)/70-presensi-usb.rules
	install -Dm644 $(O)/firmware/tmpfiles/presensi.conf $(DESTDIR)$(TMPFILESDIR)/presensi.conf
	install -Dm644 $(O)/firmware/man/presensid.8 $(DESTDIR)$(MANDIR)/man8/presensid.8
	install -Dm644 $(O)/firmware/man/presensi.conf.5 $(DESTDIR)$(MANDIR)/man5/presensi.conf.5

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/presensid $(DESTDIR)$(BINDIR)/presensi
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(UNITDIR)/presensid.service $(DESTDIR)$(UDEVDIR)/60-presensi.rules
	rm -f $(DESTDIR)$(UNITDIR)/presensi-usb-export@.service \
		$(DESTDIR)$(UDEVDIR)/70-presensi-usb.rules
	rm -f $(DESTDIR)$(TMPFILESDIR)/presensi.conf
	rm -f $(DESTDIR)$(MANDIR)/man8/presensid.8 $(DESTDIR)$(MANDIR)/man5/presensi.conf.5

# Cross build for the Pi (arm64); hw/README.md "Building for the Pi".
# With the arm64 -dev packages installed multiarch, `make cross` is all it
# takes.  Without them, `make cross-sysroot` unpacks those packages into
# build-arm64-sysroot (outside build-arm64: its *.d directories must not
# reach the -include below), and cross and cross-test then use it.
# cross-test runs the unit tests and a smoke test under qemu-user; name
# integration tests in CROSS_INTEG to add them (test_e2e cannot run there:
# it execs the arm64 daemon, which needs binfmt_misc).
CROSS_O       ?= build-arm64
CROSS_SYSROOT ?= $(if $(wildcard build-arm64-sysroot/.complete),$(CURDIR)/build-arm64-sysroot)
CROSS_CC      ?= aarch64-linux-gnu-gcc$(if $(CROSS_SYSROOT), --sysroot=$(CROSS_SYSROOT))
CROSS_PKG_CONFIG ?= $(if $(CROSS_SYSROOT),env \
	PKG_CONFIG_SYSROOT_DIR=$(CROSS_SYSROOT) \
	PKG_CONFIG_LIBDIR=$(CROSS_SYSROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:$(CROSS_SYSROOT)/usr/share/pkgconfig \
	pkg-config,aarch64-linux-gnu-pkg-config)
CROSS_QEMU    ?= qemu-aarch64-static -L $(or $(CROSS_SYSROOT),/usr/aarch64-linux-gnu)
CROSS_MAKE     = $(MAKE) --no-print-directory O=$(CROSS_O) CC='$(CROSS_CC)' \
	PKG_CONFIG='$(CROSS_PKG_CONFIG)'
CROSS_INTEG   ?=
CROSS_TESTS    = $(UNIT_SRCS:%.c=$(CROSS_O)/%) \
	$(CROSS_INTEG:%=$(CROSS_O)/tests/integration/%)

cross:
	$(Q)$(CROSS_MAKE) all
cross-test: cross
	$(Q)$(CROSS_MAKE) $(if $(Q),-s) $(CROSS_TESTS)
	$(Q)O=$(CROSS_O) QEMU='$(CROSS_QEMU)' sh tests/cross/run.sh $(CROSS_TESTS)
cross-sysroot:
	$(Q)sh tests/cross/sysroot.sh build-arm64-sysroot

SOURCES = $(wildcard include/*.h daemon/*/*.c daemon/*/*.h hw/*.c hw/*.h \
	tests/*/*.c tests/*/*.h tests/*/*/*.c tests/*/*/*.h)
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

clean:
	rm -rf $(O) build-san build-arm64

-include $(shell find $(O) -name '*.d' 2>/dev/null)
