/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the libgpiod v2 wake backend (hw/wake_gpiod2.c), compiled
 * against the stand-in's mirror of the v2 header and linked with
 * tests/fakes/standin/gpiod2_standin.c instead of libgpiod 2: the request
 * it makes (input, both edges, bias, active-low, debounce, clock), how the
 * kernel's edges and stamps become presses through the debouncer, and its
 * error paths.  Levels below are physical, as the wiring sets them.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/standin/gpiod2_standin.h"
#include "fakes/standin/v2/gpiod.h"
#include "log.h"
#include "wake.h"

#define BUTTON 5  /* BCM 5, header pin 29 */
#define NLINES 54 /* a Raspberry Pi's header chip */
#define MS     1000000ULL
#define UP     1 /* a pulled-up line, button released */
#define DOWN   0

static struct wake_gpio_conf button_conf(void)
{
	struct wake_gpio_conf gc = {
		.line = BUTTON, .active_low = 1, .bias = WAKE_BIAS_PULL_UP};

	snprintf(gc.chip, sizeof(gc.chip), "gpiochip0");
	return gc;
}

static int setup(void **state)
{
	(void)state;
	gpiod2_standin_reset("gpiochip0", "pinctrl-bcm2711", NLINES);
	/* The pull-up holds the idle button's line high. */
	gpiod2_standin_drive_input(BUTTON, UP, 0);
	return 0;
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

static void assert_all_gone(void)
{
	assert_int_equal(gpiod2_standin_live(), 0);
	assert_int_equal(gpiod2_standin_open_chips(), 0);
	assert_false(gpiod2_standin_requested(BUTTON));
}

static void test_wake_gpiod2_requests_input_both_edges(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_non_null(be);
	assert_int_equal(gpiod2_standin_requests(), 1);
	assert_true(gpiod2_standin_requested(BUTTON));
	assert_string_equal(gpiod2_standin_consumer(BUTTON), "presensid");
	assert_int_equal(gpiod2_standin_direction(BUTTON),
			 GPIOD_LINE_DIRECTION_INPUT);
	assert_int_equal(gpiod2_standin_edge(BUTTON), GPIOD_LINE_EDGE_BOTH);
	assert_int_equal(gpiod2_standin_bias(BUTTON), GPIOD_LINE_BIAS_PULL_UP);
	/* v2: the kernel inverts, filters bounce, stamps on our clock. */
	assert_int_equal(gpiod2_standin_active_low(BUTTON), 1);
	assert_int_equal(gpiod2_standin_debounce_us(BUTTON), 5000);
	assert_int_equal(gpiod2_standin_clock(BUTTON),
			 GPIOD_LINE_CLOCK_MONOTONIC);
	/* The request and the event buffer stay; the rest is freed. */
	assert_int_equal(gpiod2_standin_live(), 2);
	assert_int_equal(gpiod2_standin_open_chips(), 0);
	assert_true(be->fd >= 0);
	assert_false(readable(be->fd));
	be->destroy(be);
	assert_all_gone();
}

static void test_wake_gpiod2_bias_of_each_setting(void **state)
{
	static const struct {
		enum wake_bias bias;
		int want;
	} cases[] = {
		{WAKE_BIAS_AS_IS, GPIOD_LINE_BIAS_AS_IS},
		{WAKE_BIAS_PULL_UP, GPIOD_LINE_BIAS_PULL_UP},
		{WAKE_BIAS_PULL_DOWN, GPIOD_LINE_BIAS_PULL_DOWN},
		{WAKE_BIAS_DISABLE, GPIOD_LINE_BIAS_DISABLED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wake_gpio_conf gc = button_conf();
		struct wake_backend *be = NULL;

		gc.bias = cases[i].bias;
		assert_int_equal(wake_gpiod_new(&gc, &be), 0);
		assert_int_equal(gpiod2_standin_bias(BUTTON), cases[i].want);
		be->destroy(be);
		assert_all_gone();
	}
}

static void test_wake_gpiod2_button_press_uses_kernel_stamps(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* Pressed at 7000 ms: the line falls, the kernel reports a rising
	 * (active) edge.  Read 10 ms later, the press is due 50 ms after
	 * the kernel's stamp, not after the read. */
	assert_int_equal(gpiod2_standin_drive_input(BUTTON, DOWN, 7000 * MS),
			 1);
	assert_true(readable(wake_fd(w)));
	assert_int_equal(wake_dispatch(w, 7010, &next), 0);
	assert_false(readable(wake_fd(w)));
	assert_int_equal(next, 7050);
	assert_int_equal(wake_tick(w, 7050, &next), 1);
	assert_int_equal(gpiod2_standin_drive_input(BUTTON, UP, 7180 * MS), 1);
	assert_int_equal(wake_dispatch(w, 7200, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
	assert_all_gone();
}

static void test_wake_gpiod2_touch_pad_active_high_batch(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	gpiod2_standin_drive_input(BUTTON, 0, 0); /* a TTP223 idles low */
	gc.active_low = 0;
	gc.bias = WAKE_BIAS_DISABLE;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(gpiod2_standin_active_low(BUTTON), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* A 120 ms touch and a 20 ms glitch, read in one batch. */
	gpiod2_standin_drive_input(BUTTON, 1, 100 * MS);
	gpiod2_standin_drive_input(BUTTON, 0, 220 * MS);
	gpiod2_standin_drive_input(BUTTON, 1, 400 * MS);
	gpiod2_standin_drive_input(BUTTON, 0, 420 * MS);
	assert_int_equal(gpiod2_standin_pending(BUTTON), 4);
	assert_int_equal(wake_dispatch(w, 10000, &next), 1);
	assert_int_equal(next, 0);
	assert_int_equal(gpiod2_standin_pending(BUTTON), 0);
	wake_free(w);
	assert_all_gone();
}

static void test_wake_gpiod2_more_edges_than_one_read_are_all_read(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* Twenty taps of 100 ms: 40 edges, WAKE_EDGES_MAX per read. */
	for (uint64_t i = 0; i < 20; i++) {
		gpiod2_standin_drive_input(BUTTON, DOWN, (1000 * i) * MS);
		gpiod2_standin_drive_input(BUTTON, UP, (1000 * i + 100) * MS);
	}
	assert_int_equal(gpiod2_standin_pending(BUTTON), 40);
	assert_int_equal(wake_dispatch(w, 30000, &next), 20);
	assert_false(readable(wake_fd(w)));
	wake_free(w);
	assert_all_gone();
}

static void test_wake_gpiod2_stamp_after_now_is_now(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake_edge e[WAKE_EDGES_MAX];
	size_t n = 0;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	gpiod2_standin_drive_input(BUTTON, DOWN, 9000 * MS);
	assert_int_equal(be->read(be, 8000, e, WAKE_EDGES_MAX, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].mono_ms, 8000);
	assert_true(e[0].active);
	/* Nothing waiting: no edge, and no blocking. */
	assert_int_equal(be->read(be, 8000, e, WAKE_EDGES_MAX, &n), 0);
	assert_int_equal(n, 0);
	be->destroy(be);
	assert_all_gone();
}

static void test_wake_gpiod2_held_at_start_counts_from_next_press(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	/* Held down (or active_low wrong): logged, and no press. */
	gpiod2_standin_drive_input(BUTTON, DOWN, 0);
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	gpiod2_standin_drive_input(BUTTON, UP, 500 * MS);
	assert_int_equal(wake_dispatch(w, 600, &next), 0);
	gpiod2_standin_drive_input(BUTTON, DOWN, 1000 * MS);
	gpiod2_standin_drive_input(BUTTON, UP, 1200 * MS);
	assert_int_equal(wake_dispatch(w, 1300, &next), 1);
	wake_free(w);
	assert_all_gone();
}

static void test_wake_gpiod2_read_error_is_returned(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	gpiod2_standin_drive_input(BUTTON, DOWN, 100 * MS);
	gpiod2_standin_drive_input(BUTTON, UP, 300 * MS);
	gpiod2_standin_fail_read(EIO);
	assert_int_equal(wake_dispatch(w, 400, &next), -EIO);
	gpiod2_standin_fail_read(0);
	/* The edges waited in the kernel: nothing is lost. */
	assert_int_equal(wake_dispatch(w, 400, &next), 1);
	wake_free(w);
	assert_all_gone();
}

static void test_wake_gpiod2_errors_free_everything(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;

	(void)state;
	snprintf(gc.chip, sizeof(gc.chip), "gpiochip9");
	assert_int_equal(wake_gpiod_new(&gc, &be), -ENOENT);
	assert_all_gone();
	gc = button_conf();
	gc.line = NLINES;
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	assert_all_gone();
	gc.line = -1;
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	gc = button_conf();
	gc.chip[0] = '\0';
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	gc = button_conf();
	gpiod2_standin_fail_request(BUTTON, EBUSY);
	assert_int_equal(wake_gpiod_new(&gc, &be), -EBUSY);
	assert_all_gone();
	gpiod2_standin_fail_request(BUTTON, 0);
	gpiod2_standin_fail_open(EACCES);
	assert_int_equal(wake_gpiod_new(&gc, &be), -EACCES);
	gpiod2_standin_fail_open(0);
	assert_null(be);
	assert_int_equal(gpiod2_standin_requests(), 0);
	assert_all_gone();
}

static void test_wake_gpiod2_chip_by_label(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;

	(void)state;
	/* See test_lights_gpiod2: the simulated chip is /dev/zero. */
	gpiod2_standin_reset("zero", "pinctrl-rp1", NLINES);
	snprintf(gc.chip, sizeof(gc.chip), "pinctrl-rp1");
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_true(gpiod2_standin_requested(BUTTON));
	be->destroy(be);
	assert_all_gone();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_wake_gpiod2_requests_input_both_edges, setup),
		cmocka_unit_test_setup(test_wake_gpiod2_bias_of_each_setting,
				       setup),
		cmocka_unit_test_setup(
			test_wake_gpiod2_button_press_uses_kernel_stamps,
			setup),
		cmocka_unit_test_setup(
			test_wake_gpiod2_touch_pad_active_high_batch, setup),
		cmocka_unit_test_setup(
			test_wake_gpiod2_more_edges_than_one_read_are_all_read,
			setup),
		cmocka_unit_test_setup(test_wake_gpiod2_stamp_after_now_is_now,
				       setup),
		cmocka_unit_test_setup(
			test_wake_gpiod2_held_at_start_counts_from_next_press,
			setup),
		cmocka_unit_test_setup(test_wake_gpiod2_read_error_is_returned,
				       setup),
		cmocka_unit_test_setup(test_wake_gpiod2_errors_free_everything,
				       setup),
		cmocka_unit_test_setup(test_wake_gpiod2_chip_by_label, setup),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
