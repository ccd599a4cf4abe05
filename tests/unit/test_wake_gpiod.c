/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the libgpiod v1 wake backend (hw/wake_gpiod.c), linked
 * against tests/fakes/standin/gpiod_standin.c instead of libgpiod: the
 * request it makes, how edges and their times become presses through the
 * debouncer, and its error paths.
 */
#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/standin/gpiod_standin.h"
#include "log.h"
#include "wake.h"

#define BUTTON 5  /* BCM 5, header pin 29 */
#define NLINES 54 /* a Raspberry Pi's header chip */
#define MS     1000000LL

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
	gpiod_standin_reset("gpiochip0", NLINES);
	return 0;
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

static void test_wake_gpiod_requests_both_edges_with_pull_up(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_non_null(be);
	assert_true(gpiod_standin_requested(BUTTON));
	assert_string_equal(gpiod_standin_consumer(BUTTON), "presensid");
	assert_int_equal(gpiod_standin_request_type(BUTTON),
			 GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES);
	/* Inverted in our code, never by the kernel. */
	assert_int_equal(gpiod_standin_request_flags(BUTTON),
			 GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP);
	assert_true(be->fd >= 0);
	assert_false(readable(be->fd));
	be->destroy(be);
	assert_false(gpiod_standin_requested(BUTTON));
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

static void test_wake_gpiod_bias_flags(void **state)
{
	static const struct {
		enum wake_bias bias;
		int flags;
	} cases[] = {
		{WAKE_BIAS_AS_IS, 0},
		{WAKE_BIAS_PULL_DOWN, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN},
		{WAKE_BIAS_DISABLE, GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wake_gpio_conf gc = button_conf();
		struct wake_backend *be = NULL;

		gc.bias = cases[i].bias;
		assert_int_equal(wake_gpiod_new(&gc, &be), 0);
		assert_int_equal(gpiod_standin_request_flags(BUTTON),
				 cases[i].flags);
		be->destroy(be);
	}
}

static void test_wake_gpiod_button_press_active_low(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* Pressed: the line falls (pull-up, button to ground), bounces
	 * once, and is released 180 ms later.  The kernel's clock is not
	 * ours: only the spacing counts. */
	gpiod_standin_push_event(BUTTON, false, 7000 * MS);
	gpiod_standin_push_event(BUTTON, true, 7000 * MS + 2 * MS);
	gpiod_standin_push_event(BUTTON, false, 7000 * MS + 3 * MS);
	assert_true(readable(wake_fd(w)));
	assert_int_equal(wake_dispatch(w, 500, &next), 0);
	assert_false(readable(wake_fd(w)));
	assert_int_equal(next, 550); /* held since the last fall, read now */
	assert_int_equal(wake_tick(w, 550, &next), 1);
	gpiod_standin_push_event(BUTTON, true, 7000 * MS + 183 * MS);
	assert_int_equal(wake_dispatch(w, 700, &next), 0);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
	assert_false(gpiod_standin_requested(BUTTON));
}

static void test_wake_gpiod_touch_pad_active_high_batch(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	gc.active_low = 0; /* a TTP223 drives the line high on touch */
	gc.bias = WAKE_BIAS_DISABLE;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* A 120 ms touch and a 20 ms glitch, read in one batch. */
	gpiod_standin_push_event(BUTTON, true, 100 * MS);
	gpiod_standin_push_event(BUTTON, false, 220 * MS);
	gpiod_standin_push_event(BUTTON, true, 400 * MS);
	gpiod_standin_push_event(BUTTON, false, 420 * MS);
	assert_int_equal(wake_dispatch(w, 10000, &next), 1);
	assert_int_equal(next, 0);
	assert_int_equal(gpiod_standin_pending(BUTTON), 0);
	wake_free(w);
}

static void test_wake_gpiod_many_events_are_all_read(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	uint64_t next;

	(void)state;
	assert_int_equal(wake_gpiod_new(&gc, &be), 0);
	assert_int_equal(wake_new(be, 50, &w), 0);
	/* Ten taps of 100 ms: more events than one read takes. */
	for (int i = 0; i < 10; i++) {
		gpiod_standin_push_event(BUTTON, false, (1000 * i) * MS);
		gpiod_standin_push_event(BUTTON, true, (1000 * i + 100) * MS);
	}
	assert_int_equal(wake_dispatch(w, 20000, &next), 10);
	assert_false(readable(wake_fd(w)));
	wake_free(w);
}

static void test_wake_gpiod_errors(void **state)
{
	struct wake_gpio_conf gc = button_conf();
	struct wake_backend *be = NULL;

	(void)state;
	snprintf(gc.chip, sizeof(gc.chip), "gpiochip9");
	assert_int_equal(wake_gpiod_new(&gc, &be), -ENOENT);
	gc = button_conf();
	gc.line = NLINES;
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	gc.line = -1;
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	gc = button_conf();
	gc.chip[0] = '\0';
	assert_int_equal(wake_gpiod_new(&gc, &be), -EINVAL);
	gc = button_conf();
	gpiod_standin_fail_request(BUTTON, EBUSY);
	assert_int_equal(wake_gpiod_new(&gc, &be), -EBUSY);
	assert_null(be);
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_wake_gpiod_requests_both_edges_with_pull_up,
			setup),
		cmocka_unit_test_setup(test_wake_gpiod_bias_flags, setup),
		cmocka_unit_test_setup(test_wake_gpiod_button_press_active_low,
				       setup),
		cmocka_unit_test_setup(
			test_wake_gpiod_touch_pad_active_high_batch, setup),
		cmocka_unit_test_setup(test_wake_gpiod_many_events_are_all_read,
				       setup),
		cmocka_unit_test_setup(test_wake_gpiod_errors, setup),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
