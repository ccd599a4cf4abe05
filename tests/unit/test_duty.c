/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the arming policy (daemon/core/duty.c): libfprint's heat
 * model against the numbers its source gives, the busy windows of a day
 * rule, and the decisions of each mode, driven the way presensid drives
 * them (decide again at each deadline).  Time is passed in; nothing sleeps.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "duty.h"

#define S(x)	 ((uint64_t)(x)*1000u)
#define HM(h, m) ((int32_t)((h)*3600 + (m)*60))
#define T0	 S(1000000) /* a monotonic origin well away from 0 */

/* ---- the heat model ---- */

static void test_heat_cold_reader_armed_is_hot_after_180_s(void **state)
{
	struct duty_heat h;

	(void)state;
	duty_heat_init(&h, T0);
	assert_true(fabs(h.r - 1.0 / (M_E + 1.0)) < 1e-12);
	assert_int_equal(duty_heat_temp(&h, T0), DUTY_TEMP_WARM);
	duty_heat_set(&h, true, T0);
	/* One time constant from COLD to HOT (fp-device-private.h). */
	assert_true(llabs((long long)duty_heat_eta_ms(&h, true, DUTY_R_HOT) -
			  180000) <= 2);
	assert_int_equal(duty_heat_temp(&h, T0 + S(179)), DUTY_TEMP_WARM);
	assert_int_equal(duty_heat_temp(&h, T0 + S(181)), DUTY_TEMP_HOT);
}

static void test_heat_hot_reader_idle_is_warm_after_205_s(void **state)
{
	struct duty_heat h;
	uint64_t t;

	(void)state;
	duty_heat_init(&h, T0);
	duty_heat_set(&h, true, T0);
	t = T0 + S(181);
	assert_int_equal(duty_heat_temp(&h, t), DUTY_TEMP_HOT);
	duty_heat_set(&h, false, t);
	/* HOT holds down to 0.5: 540 ln(0.731 / 0.5) = 205 s. */
	assert_true(fabs(duty_heat_eta_ms(&h, false, DUTY_R_HOT_WARM) / 1000.0 -
			 540.0 * log(h.r / 0.5)) < 0.01);
	assert_int_equal(duty_heat_temp(&h, t + S(200)), DUTY_TEMP_HOT);
	assert_true(h.r < DUTY_R_HOT); /* below HOT's ratio, still HOT */
	assert_int_equal(duty_heat_temp(&h, t + S(207)), DUTY_TEMP_WARM);
	/* ... and COLD one cold time constant after HOT, 540 s. */
	assert_int_equal(duty_heat_temp(&h, t + S(530)), DUTY_TEMP_WARM);
	assert_int_equal(duty_heat_temp(&h, t + S(545)), DUTY_TEMP_COLD);
}

static void test_heat_eta_never_and_now(void **state)
{
	struct duty_heat h;

	(void)state;
	duty_heat_init(&h, T0);
	assert_int_equal(duty_heat_eta_ms(&h, false, 0.5), 0);
	assert_int_equal(duty_heat_eta_ms(&h, true, 0.1), 0);
	assert_true(duty_heat_eta_ms(&h, false, 0.0) == UINT64_MAX);
	assert_true(duty_heat_eta_ms(&h, true, 1.0) == UINT64_MAX);
	/* Time going backwards changes nothing. */
	duty_heat_set(&h, true, T0);
	duty_heat_advance(&h, T0 - S(10));
	assert_true(fabs(h.r - DUTY_R_COLD) < 1e-12);
}

/* ---- busy windows ---- */

static struct day_rule day(int32_t start, int32_t end)
{
	struct day_rule r;

	memset(&r, 0, sizeof(r));
	r.working = true;
	r.start_s = start;
	r.end_s = end;
	return r;
}

static void test_windows_around_masuk_and_pulang(void **state)
{
	struct duty_conf c;
	struct duty_windows w;
	struct day_rule r = day(HM(7, 30), HM(16, 0));

	(void)state;
	duty_conf_defaults(&c);
	duty_windows_of(&c, &r, false, &w);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.w[0].from_s, HM(6, 45));
	assert_int_equal(w.w[0].to_s, HM(8, 0));
	assert_int_equal(w.w[1].from_s, HM(15, 30));
	assert_int_equal(w.w[1].to_s, HM(17, 0));
	assert_true(duty_windows_has(&w, HM(6, 45)));
	assert_false(duty_windows_has(&w, HM(8, 0)));
	assert_false(duty_windows_has(&w, HM(12, 0)));
	assert_true(duty_windows_has(&w, HM(16, 59) + 59));
	assert_false(duty_windows_has(NULL, HM(7, 0)));
}

static void test_windows_none_on_days_off_and_holidays(void **state)
{
	struct duty_conf c;
	struct duty_windows w;
	struct day_rule r = day(HM(7, 30), HM(16, 0));

	(void)state;
	duty_conf_defaults(&c);
	duty_windows_of(&c, &r, true, &w);
	assert_int_equal(w.n, 0);
	r.working = false;
	duty_windows_of(&c, &r, false, &w);
	assert_int_equal(w.n, 0);
	duty_windows_of(&c, NULL, false, &w);
	assert_int_equal(w.n, 0);
}

static void test_windows_touching_merge_and_clamp_to_the_day(void **state)
{
	struct duty_conf c;
	struct duty_windows w;
	struct day_rule r = day(HM(0, 30), HM(1, 30));

	(void)state;
	duty_conf_defaults(&c);
	duty_windows_of(&c, &r, false, &w);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.w[0].from_s, 0);
	assert_int_equal(w.w[0].to_s, HM(2, 30));
	r = day(HM(22, 0), HM(23, 30));
	duty_windows_of(&c, &r, false, &w);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.w[0].from_s, HM(21, 15));
	assert_int_equal(w.w[0].to_s, HM(22, 30));
	assert_int_equal(w.w[1].from_s, HM(23, 0));
	assert_int_equal(w.w[1].to_s, 86400);
}

/* ---- decisions ---- */

static struct duty_conf conf_mode(enum duty_mode m)
{
	struct duty_conf c;

	duty_conf_defaults(&c);
	c.mode = m;
	return c;
}

static void test_always_mode_is_armed_without_deadline(void **state)
{
	struct duty_conf c = conf_mode(DUTY_ALWAYS);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_decide(&d, T0, HM(3, 0), NULL, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_ALWAYS);
	assert_int_equal(dec.next_ms, 0);
	assert_string_equal(duty_why_name(dec.why), "always");
}

static void test_a_reader_that_does_not_heat_is_always_armed(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WAKE);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_set_heats(&d, false);
	duty_decide(&d, T0, HM(3, 0), NULL, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_ALWAYS);
}

static void test_wake_press_arms_for_armed_s_then_standby(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WAKE);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_decide(&d, T0, HM(7, 0), NULL, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_STANDBY);
	duty_wake(&d, T0 + S(10));
	duty_decide(&d, T0 + S(10), HM(7, 0), NULL, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_WOKEN);
	assert_int_equal(dec.next_ms, T0 + S(70)); /* armed_s = 60 */
	/* A second press extends from its own time. */
	duty_wake(&d, T0 + S(40));
	duty_decide(&d, T0 + S(40), HM(7, 0), NULL, &dec);
	assert_int_equal(dec.next_ms, T0 + S(100));
	duty_decide(&d, T0 + S(100), HM(7, 1), NULL, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_STANDBY);
	assert_string_equal(duty_why_name(dec.why), "standby");
}

static void test_wake_result_shortens_to_linger(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WAKE);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_wake(&d, T0);
	duty_result(&d, T0 + S(5));
	duty_decide(&d, T0 + S(5), HM(7, 0), NULL, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.next_ms, T0 + S(5 + DUTY_LINGER_S));
	/* A result never lengthens: late in the arm it keeps the end. */
	duty_wake(&d, T0 + S(100));
	duty_result(&d, T0 + S(155));
	duty_decide(&d, T0 + S(155), HM(7, 0), NULL, &dec);
	assert_int_equal(dec.next_ms, T0 + S(160));
	/* Presses mean nothing in the other modes. */
	c = conf_mode(DUTY_WINDOWS);
	duty_init(&d, &c, T0);
	duty_wake(&d, T0);
	assert_int_equal(d.wake_until_ms, 0);
}

static void test_windows_mode_busy_inside_idle_slots_outside(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WINDOWS);
	struct day_rule r = day(HM(7, 30), HM(16, 0));
	struct duty_windows w;
	struct duty d;
	struct duty_decision dec;
	uint64_t t = S(6000); /* a multiple of the idle period */

	(void)state;
	duty_windows_of(&c, &r, false, &w);
	duty_init(&d, &c, t);
	duty_decide(&d, t, HM(7, 0), &w, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_BUSY);
	/* Outside: armed the first 10 s of every minute. */
	duty_init(&d, &c, t);
	duty_decide(&d, t, HM(10, 0), &w, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_IDLE_SLOT);
	assert_int_equal(dec.next_ms, t + S(10));
	duty_decide(&d, t + S(10), HM(10, 0) + 10, &w, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_STANDBY);
	assert_int_equal(dec.next_ms, t + S(60));
	/* The window's opening comes before the next idle slot. */
	duty_decide(&d, t + S(10), HM(6, 44) + 30, &w, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.next_ms, t + S(40));
	/* No idle slots: standby until the window opens (or the recheck). */
	c.idle_every_s = 0;
	duty_set_conf(&d, &c);
	duty_decide(&d, t + S(20), HM(6, 44), &w, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.next_ms, t + S(20 + 60));
	duty_decide(&d, t + S(20), HM(12, 0), &w, &dec);
	assert_int_equal(dec.next_ms, t + S(20) + DUTY_RECHECK_MS);
}

static void test_windows_mode_without_profile_is_busy_all_day(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WINDOWS);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_decide(&d, T0, HM(2, 0), NULL, &dec);
	assert_true(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_BUSY);
	assert_true(dec.next_ms <= T0 + DUTY_RECHECK_MS);
}

/*
 * Drives the policy like presensid over span_s from t0 (local time follows
 * mono time) and a "device" model that is the same heat law fed with the
 * policy's decisions.  Returns the share of time armed; *max_r and *hot
 * get the hottest ratio reached and whether the device went HOT.
 */
static double drive(struct duty *d, const struct duty_windows *w, uint64_t t0,
		    int32_t local0, uint32_t span_s, double *max_r, bool *hot,
		    uint64_t *longest_rest_ms)
{
	struct duty_decision dec;
	uint64_t t = t0, end = t0 + S(span_s), armed_ms = 0, rest_from = 0;

	*max_r = 0;
	*hot = false;
	*longest_rest_ms = 0;
	while (t < end) {
		int32_t local = local0 + (int32_t)((t - t0) / 1000);
		uint64_t next;

		duty_decide(d, t, local, w, &dec);
		if (!dec.armed && dec.why == DUTY_WHY_REST && !rest_from)
			rest_from = t;
		if (dec.armed && rest_from) {
			if (t - rest_from > *longest_rest_ms)
				*longest_rest_ms = t - rest_from;
			rest_from = 0;
		}
		assert_true(dec.next_ms > t);
		next = dec.next_ms < end ? dec.next_ms : end;
		if (dec.armed)
			armed_ms += next - t;
		t = next;
		duty_heat_advance(&d->heat, t);
		if (d->heat.r > *max_r)
			*max_r = d->heat.r;
		if (d->heat.hot)
			*hot = true;
	}
	return (double)armed_ms / (double)(end - t0);
}

static void test_busy_window_rests_before_hot_never_reaching_it(void **s)
{
	struct duty_conf c = conf_mode(DUTY_WINDOWS);
	struct day_rule r = day(HM(7, 30), HM(16, 0));
	struct duty_windows w;
	struct duty d;
	uint64_t rest;
	double share, max_r;
	bool hot;

	(void)s;
	duty_windows_of(&c, &r, false, &w);
	duty_init(&d, &c, T0);
	/* The whole masuk window, 06:45 to 08:00, from a cold reader. */
	share = drive(&d, &w, T0, HM(6, 45), 75 * 60, &max_r, &hot, &rest);
	assert_false(hot);
	assert_true(max_r < DUTY_R_CEILING + 0.001);
	assert_true(max_r > DUTY_R_CEILING - 0.01);
	/* Rests last rest_s, so a person waits at most that long. */
	assert_true(rest >= S(4) && rest <= S(4) + 10);
	/* Close to the most the model allows, r / (3 - 2 r) = 0.44. */
	assert_true(share > 0.43 && share < 0.50);
}

static void test_idle_slots_keep_the_reader_cool(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WINDOWS);
	struct day_rule r = day(HM(7, 30), HM(16, 0));
	struct duty_windows w;
	struct duty d;
	uint64_t rest;
	double share, max_r;
	bool hot;

	(void)state;
	duty_windows_of(&c, &r, false, &w);
	duty_init(&d, &c, T0);
	/* 08:00 to 15:30 between the windows: 10 s armed per minute. */
	share = drive(&d, &w, T0, HM(8, 0), 450 * 60, &max_r, &hot, &rest);
	assert_false(hot);
	assert_true(share > 0.16 && share < 0.17);
	/* At 15:30 the reader is WARM, not near HOT: r -> 3d / (1 + 2d). */
	assert_true(d.heat.r < 0.40);
}

static void test_wake_mode_in_heavy_use_rests_instead_of_hot(void **s)
{
	struct duty_conf c = conf_mode(DUTY_WAKE);
	struct duty d;
	struct duty_decision dec;
	uint64_t t = T0;
	bool rested = false;

	(void)s;
	duty_init(&d, &c, T0);
	/* Someone presses every 30 s for 20 minutes. */
	for (int i = 0; i < 40; i++) {
		uint64_t stop = T0 + S(30 * (i + 1));

		duty_wake(&d, t);
		while (t < stop) {
			duty_decide(&d, t, HM(7, 0), NULL, &dec);
			rested |= dec.why == DUTY_WHY_REST;
			t = dec.next_ms && dec.next_ms < stop ? dec.next_ms
							      : stop;
			duty_heat_advance(&d.heat, t);
			assert_false(d.heat.hot);
		}
	}
	assert_true(rested);
}

static void test_hot_and_cooled_reports_correct_the_estimate(void **s)
{
	struct duty_conf c = conf_mode(DUTY_WINDOWS);
	struct duty d;
	struct duty_decision dec;

	(void)s;
	duty_init(&d, &c, T0);
	duty_note_hot(&d, T0 + S(1));
	duty_decide(&d, T0 + S(1), HM(7, 0), NULL, &dec);
	assert_false(dec.armed);
	assert_int_equal(dec.why, DUTY_WHY_HOT);
	/* From HOT's ratio to 0.5 is 205 s; decided again before that. */
	assert_true(llabs((long long)duty_heat_eta_ms(&d.heat, false, 0.5) -
			  (long long)(540000.0 * log(DUTY_R_HOT / 0.5))) < 5);
	assert_int_equal(dec.next_ms, T0 + S(1) + DUTY_RECHECK_MS);
	duty_note_cooled(&d, T0 + S(2));
	assert_false(d.heat.hot);
	assert_true(d.heat.r <= 0.5);
	duty_decide(&d, T0 + S(2), HM(7, 0), NULL, &dec);
	assert_true(dec.armed);
	/* A new reader starts at libfprint's COLD threshold. */
	d.heat.r = 0.01;
	duty_note_reader(&d, T0 + S(3));
	assert_true(fabs(d.heat.r - DUTY_R_COLD) < 1e-12);
}

static void test_enrolment_heats_while_disarmed(void **state)
{
	struct duty_conf c = conf_mode(DUTY_WAKE);
	struct duty d;
	struct duty_decision dec;

	(void)state;
	duty_init(&d, &c, T0);
	duty_decide(&d, T0, HM(7, 0), NULL, &dec);
	assert_false(dec.armed);
	duty_set_enrolling(&d, true, T0);
	duty_decide(&d, T0 + S(60), HM(7, 1), NULL, &dec);
	assert_false(dec.armed);
	/* 60 s of enrolment: 1 - 0.731 e^(-60/180) = 0.476 */
	assert_true(fabs(d.heat.r - 0.476) < 0.001);
	duty_set_enrolling(&d, false, T0 + S(60));
	duty_heat_advance(&d.heat, T0 + S(120));
	assert_true(fabs(d.heat.r - 0.426) < 0.001); /* idle again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_heat_cold_reader_armed_is_hot_after_180_s),
		cmocka_unit_test(test_heat_hot_reader_idle_is_warm_after_205_s),
		cmocka_unit_test(test_heat_eta_never_and_now),
		cmocka_unit_test(test_windows_around_masuk_and_pulang),
		cmocka_unit_test(test_windows_none_on_days_off_and_holidays),
		cmocka_unit_test(
			test_windows_touching_merge_and_clamp_to_the_day),
		cmocka_unit_test(test_always_mode_is_armed_without_deadline),
		cmocka_unit_test(
			test_a_reader_that_does_not_heat_is_always_armed),
		cmocka_unit_test(test_wake_press_arms_for_armed_s_then_standby),
		cmocka_unit_test(test_wake_result_shortens_to_linger),
		cmocka_unit_test(
			test_windows_mode_busy_inside_idle_slots_outside),
		cmocka_unit_test(
			test_windows_mode_without_profile_is_busy_all_day),
		cmocka_unit_test(
			test_busy_window_rests_before_hot_never_reaching_it),
		cmocka_unit_test(test_idle_slots_keep_the_reader_cool),
		cmocka_unit_test(
			test_wake_mode_in_heavy_use_rests_instead_of_hot),
		cmocka_unit_test(
			test_hot_and_cooled_reports_correct_the_estimate),
		cmocka_unit_test(test_enrolment_heats_while_disarmed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
