/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of hw/clock.c: the simulated clock's arithmetic and jumps,
 * source names and trust, and a sanity check of the system clock reading.
 * Bounds are computed from monotonic readings taken around each call, so
 * they hold however slowly the machine runs; nothing sleeps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "log.h"

/* 2026-03-02 07:30:00 WIB */
#define START_MS 1772411400000LL

static struct clock *sim_clock(int64_t start, unsigned int speed)
{
	struct clock *c = NULL;

	assert_int_equal(clock_new(CLOCK_SOURCE_SIMULATED, start, speed, &c),
			 0);
	assert_non_null(c);
	return c;
}

static void test_clock_sim_reports_simulated_and_trusted(void **state)
{
	struct clock *c = sim_clock(START_MS, 1);
	struct clock_reading r;

	(void)state;
	clock_read(c, &r);
	assert_string_equal(r.source, "simulated");
	assert_true(r.trusted);
	assert_int_equal(clock_source_of(c), CLOCK_SOURCE_SIMULATED);
	clock_free(c);
}

static void test_clock_sim_starts_at_start(void **state)
{
	static const unsigned int speeds[] = {1, 60, 3600};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint64_t before = clock_mono_ms();
		struct clock *c = sim_clock(START_MS, speeds[i]);
		struct clock_reading r;
		int64_t max_el;

		clock_read(c, &r);
		/* At most (elapsed real ms + 1 for rounding) * speed. */
		max_el = (int64_t)(r.mono_ms - before + 1) * speeds[i];
		assert_true(r.utc_ms >= START_MS);
		assert_true(r.utc_ms - START_MS <= max_el);
		clock_free(c);
	}
}

static void test_clock_sim_advances_at_speed(void **state)
{
	static const unsigned int speeds[] = {1, 7, 60, 3600};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		unsigned int sp = speeds[i];
		struct clock *c = sim_clock(START_MS, sp);
		struct clock_reading r1, r2;
		int64_t d_utc, d_real;
		uint64_t until;

		clock_read(c, &r1);
		/* Busy-read until the monotonic clock moved 3 ms on. */
		until = r1.mono_ms + 3;
		do
			clock_read(c, &r2);
		while (r2.mono_ms < until);
		d_utc = r2.utc_ms - r1.utc_ms;
		d_real = (int64_t)(r2.mono_ms - r1.mono_ms) * sp;
		/* Equal up to the ms rounding of each mono reading. */
		assert_true(d_utc >= d_real - (int64_t)sp - 1);
		assert_true(d_utc <= d_real + (int64_t)sp + 1);
		assert_true(d_utc >= 2 * (int64_t)sp);
		clock_free(c);
	}
}

static void test_clock_sim_set_jumps_both_ways(void **state)
{
	static const int64_t targets[] = {
		START_MS + 86400000LL, /* a day ahead */
		START_MS - 3600000LL,  /* an hour back */
		946684800000LL,	       /* 2000-01-01, the reset-clock date */
	};
	struct clock *c = sim_clock(START_MS, 60);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint64_t before = clock_mono_ms();
		struct clock_reading r;

		assert_int_equal(clock_sim_set(c, targets[i]), 0);
		clock_read(c, &r);
		assert_true(r.utc_ms >= targets[i]);
		assert_true(r.utc_ms - targets[i] <=
			    (int64_t)(r.mono_ms - before + 1) * 60);
		assert_string_equal(r.source, "simulated");
	}
	clock_free(c);
}

/* Speed 0: the clock stands still however long the reader takes, and
 * moves only when set, so a test's verdict never depends on wall time. */
static void test_clock_sim_frozen_moves_only_when_set(void **state)
{
	struct clock *c = sim_clock(START_MS, 0);
	struct clock_reading r1, r2;
	uint64_t until;

	(void)state;
	clock_read(c, &r1);
	assert_int_equal(r1.utc_ms, START_MS);
	until = r1.mono_ms + 3;
	do
		clock_read(c, &r2);
	while (r2.mono_ms < until);
	assert_int_equal(r2.utc_ms, START_MS);
	assert_int_equal(clock_sim_set(c, START_MS + 59000), 0);
	clock_read(c, &r2);
	assert_int_equal(r2.utc_ms, START_MS + 59000);
	clock_free(c);
}

static void test_clock_sim_set_on_system_clock_is_eperm(void **state)
{
	struct clock *c = NULL;

	(void)state;
	assert_int_equal(clock_new(CLOCK_SOURCE_SYSTEM, 0, 0, &c), 0);
	assert_int_equal(clock_sim_set(c, START_MS), -EPERM);
	assert_int_equal(clock_source_of(c), CLOCK_SOURCE_SYSTEM);
	clock_free(c);
}

static void test_clock_new_bad_arguments_are_einval(void **state)
{
	struct clock *c = NULL;

	(void)state;
	assert_int_equal(clock_new(CLOCK_SOURCE_SIMULATED, START_MS, 3601, &c),
			 -EINVAL);
	assert_int_equal(clock_new((enum clock_source)7, 0, 1, &c), -EINVAL);
	assert_null(c);
	clock_free(NULL);
}

static void test_clock_system_reading_is_sane(void **state)
{
	struct clock *c = NULL;
	struct clock_reading r;
	uint64_t before, after;
	time_t now;

	(void)state;
	assert_int_equal(clock_new(CLOCK_SOURCE_SYSTEM, 0, 0, &c), 0);
	before = clock_mono_ms();
	clock_read(c, &r);
	after = clock_mono_ms();
	now = time(NULL);
	assert_true(r.mono_ms >= before && r.mono_ms <= after);
	/* The same wall clock as libc's, to within a few seconds. */
	assert_true(r.utc_ms / 1000 >= (int64_t)now - 5);
	assert_true(r.utc_ms / 1000 <= (int64_t)now + 5);
	assert_non_null(r.source);
	if (strcmp(r.source, "unsynced") == 0)
		assert_false(r.trusted);
	else if (strcmp(r.source, "ntp") == 0 || strcmp(r.source, "rtc") == 0)
		assert_true(r.trusted);
	else
		fail_msg("unexpected clock source \"%s\"", r.source);
	clock_free(c);
}

static void test_clock_boot_id_matches_kernel(void **state)
{
	struct clock *c = NULL;
	char want[64] = "unknown";
	FILE *fp;

	(void)state;
	fp = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (fp) {
		if (!fgets(want, sizeof(want), fp))
			snprintf(want, sizeof(want), "unknown");
		fclose(fp);
		want[strcspn(want, "\n")] = '\0';
	}
	assert_int_equal(clock_new(CLOCK_SOURCE_SYSTEM, 0, 0, &c), 0);
	assert_string_equal(clock_boot_id(c), want);
	if (strcmp(want, "unknown") != 0)
		assert_int_equal(strlen(clock_boot_id(c)), 36);
	clock_free(c);
}

static void test_clock_mono_ms_and_us_agree(void **state)
{
	uint64_t ms1, us, ms2;

	(void)state;
	ms1 = clock_mono_ms();
	us = clock_mono_us();
	ms2 = clock_mono_ms();
	assert_true(ms1 <= us / 1000 && us / 1000 <= ms2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_sim_reports_simulated_and_trusted),
		cmocka_unit_test(test_clock_sim_starts_at_start),
		cmocka_unit_test(test_clock_sim_advances_at_speed),
		cmocka_unit_test(test_clock_sim_frozen_moves_only_when_set),
		cmocka_unit_test(test_clock_sim_set_jumps_both_ways),
		cmocka_unit_test(test_clock_sim_set_on_system_clock_is_eperm),
		cmocka_unit_test(test_clock_new_bad_arguments_are_einval),
		cmocka_unit_test(test_clock_system_reading_is_sane),
		cmocka_unit_test(test_clock_boot_id_matches_kernel),
		cmocka_unit_test(test_clock_mono_ms_and_us_agree),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
