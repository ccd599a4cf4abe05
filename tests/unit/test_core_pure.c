/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The core's purity, kept by the linker: this program links every object
 * of libpdcore.a (--whole-archive) with nothing but crypto.o, log.o,
 * libsodium, libm and libc (Makefile).  A core file that calls SQLite,
 * GLib, libfprint, libxlsxwriter or the hardware layer fails to link, so
 * the build breaks before any test runs.  The cases below use the core
 * through that minimal link: a ledger row, a verdict and a rekap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "crypto.h"
#include "ledger.h"
#include "rekap.h"
#include "verdict.h"

static void test_core_pure_ledger_row_chains_in_minimal_link(void **state)
{
	struct ledger_row r;
	struct punch p;

	(void)state;
	assert_int_equal(crypto_init(), 0);
	memset(&p, 0, sizeof(p));
	p.local_day = civil_from_ymd(2026, 11, 23);
	p.local_sec = 7 * 3600 + 30 * 60 + 59;
	snprintf(p.source, sizeof(p.source), "reader");
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	snprintf(r.kind, sizeof(r.kind), LEDGER_PUNCH);
	snprintf(r.prev_hash, sizeof(r.prev_hash), LEDGER_HASH_ZERO);
	assert_int_equal(ledger_punch_data(LEDGER_FORMAT, &p, r.data), 0);
	assert_int_equal(strncmp(r.data, "v=2;day=2026-11-23;sec=27059", 28),
			 0);
	assert_int_equal(ledger_hash(&r), 0);
	assert_int_equal(ledger_check(&r), 0);
}

static void test_core_pure_verdict_and_rekap_in_minimal_link(void **state)
{
	struct rekap k;

	(void)state;
	assert_int_equal(verdict_band(30), 1);
	assert_int_equal(verdict_band(91), 4);
	rekap_init(&k);
	assert_int_equal(k.days, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_core_pure_ledger_row_chains_in_minimal_link),
		cmocka_unit_test(
			test_core_pure_verdict_and_rekap_in_minimal_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
