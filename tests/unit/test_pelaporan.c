/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of pelaporan.c (DOMAIN §7.4): the deadline of a month's
 * bundle, moved past weekends and the kecamatan's holidays, its last
 * second, and each desa's status from the time its complete bundle was
 * received.  One case per edge.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "pelaporan.h"

#define DAY(y, m, d) civil_from_ymd((y), (m), (d))
#define WIB	     420

static struct calendar_set cs;

static int setup(void **state)
{
	(void)state;
	calendar_set_init(&cs);
	return 0;
}

static void test_deadline_on_a_weekday_stays(void **state)
{
	(void)state;
	/* October 2026: 5 November is a Thursday */
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 10, 1), 5, &cs),
			 DAY(2026, 11, 5));
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 10, 31), 5, NULL),
			 DAY(2026, 11, 5));
}

static void test_deadline_on_saturday_moves_to_monday(void **state)
{
	(void)state;
	/* November 2026: 5 December is a Saturday */
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 11, 15), 5, &cs),
			 DAY(2026, 12, 7));
}

static void test_deadline_on_sunday_moves_to_monday(void **state)
{
	(void)state;
	/* March 2026: 5 April is a Sunday (and Easter) */
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 3, 1), 5, &cs),
			 DAY(2026, 4, 6));
}

static void test_deadline_on_holidays_moves_past_them_and_weekend(void **s)
{
	(void)s;
	/* a holiday Thursday and a cuti bersama Friday, then the weekend */
	assert_int_equal(calendar_set_add_day(&cs, DAY(2026, 11, 5),
					      CALENDAR_LOKAL, "Hari Jadi"),
			 0);
	assert_int_equal(calendar_set_add_day(&cs, DAY(2026, 11, 6),
					      CALENDAR_CUTI_BERSAMA, "Cuti"),
			 0);
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 10, 1), 5, &cs),
			 DAY(2026, 11, 9));
}

static void test_deadline_day_clamped_to_short_month(void **state)
{
	(void)state;
	/* the 31st after January 2026: 28 February 2026 is a Saturday */
	assert_int_equal(pelaporan_deadline_day(DAY(2026, 1, 10), 31, &cs),
			 DAY(2026, 3, 2));
}

static void test_deadline_second_is_end_of_local_day(void **state)
{
	int64_t end = pelaporan_deadline_utc(DAY(2026, 10, 1), 5, &cs, WIB);

	(void)state;
	/* 2026-11-05 23:59:59 WIB = 16:59:59Z */
	assert_int_equal(end,
			 civil_utc_from_local(DAY(2026, 11, 5), 86399, WIB));
	assert_int_equal(end,
			 civil_utc_from_local(DAY(2026, 11, 5),
					      16 * 3600 + 59 * 60 + 59, 0));
}

static void test_status_at_the_deadline_second_and_one_after(void **state)
{
	int64_t end = pelaporan_deadline_utc(DAY(2026, 10, 1), 5, &cs, WIB);
	int64_t reg = end - 90 * 86400;

	(void)state;
	assert_int_equal(pelaporan_status(end, end, end + 86400, reg),
			 PELAPORAN_TEPAT);
	assert_int_equal(pelaporan_status(end + 1, end, end + 86400, reg),
			 PELAPORAN_TERLAMBAT);
	assert_int_equal(pelaporan_status(end - 30 * 86400, end, end + 1, reg),
			 PELAPORAN_TEPAT);
}

static void test_status_missing_and_pending(void **state)
{
	int64_t end = pelaporan_deadline_utc(DAY(2026, 10, 1), 5, &cs, WIB);
	int64_t reg = end - 90 * 86400;

	(void)state;
	assert_int_equal(pelaporan_status(0, end, end, reg),
			 PELAPORAN_MENUNGGU);
	assert_int_equal(pelaporan_status(0, end, end + 1, reg),
			 PELAPORAN_BELUM);
}

static void test_status_desa_registered_after_deadline_not_due(void **s)
{
	int64_t end = pelaporan_deadline_utc(DAY(2026, 10, 1), 5, &cs, WIB);

	(void)s;
	assert_int_equal(pelaporan_status(0, end, end + 99, end + 1),
			 PELAPORAN_TIDAK_WAJIB);
	/* registered at the deadline second: still due */
	assert_int_equal(pelaporan_status(0, end, end + 99, end),
			 PELAPORAN_BELUM);
	/* what arrived anyway is shown, not counted */
	assert_int_equal(pelaporan_status(end + 5, end, end + 99, end + 1),
			 PELAPORAN_TIDAK_WAJIB);
}

static void test_status_counts_and_words(void **state)
{
	(void)state;
	assert_true(pelaporan_counted(PELAPORAN_TEPAT));
	assert_true(pelaporan_counted(PELAPORAN_TERLAMBAT));
	assert_true(pelaporan_counted(PELAPORAN_BELUM));
	assert_false(pelaporan_counted(PELAPORAN_MENUNGGU));
	assert_false(pelaporan_counted(PELAPORAN_TIDAK_WAJIB));
	assert_string_equal(pelaporan_code(PELAPORAN_TERLAMBAT), "terlambat");
	assert_string_equal(pelaporan_label(PELAPORAN_BELUM), "belum diterima");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_deadline_on_a_weekday_stays, setup),
		cmocka_unit_test_setup(
			test_deadline_on_saturday_moves_to_monday, setup),
		cmocka_unit_test_setup(test_deadline_on_sunday_moves_to_monday,
				       setup),
		cmocka_unit_test_setup(
			test_deadline_on_holidays_moves_past_them_and_weekend,
			setup),
		cmocka_unit_test_setup(test_deadline_day_clamped_to_short_month,
				       setup),
		cmocka_unit_test_setup(test_deadline_second_is_end_of_local_day,
				       setup),
		cmocka_unit_test_setup(
			test_status_at_the_deadline_second_and_one_after,
			setup),
		cmocka_unit_test_setup(test_status_missing_and_pending, setup),
		cmocka_unit_test_setup(
			test_status_desa_registered_after_deadline_not_due,
			setup),
		cmocka_unit_test_setup(test_status_counts_and_words, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
