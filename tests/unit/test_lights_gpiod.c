/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the libgpiod v1 light backend (hw/lights_gpiod.c), linked
 * against tests/fakes/standin/gpiod_standin.c instead of libgpiod, which
 * records each line's level and request.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/standin/gpiod_standin.h"
#include "lights.h"
#include "log.h"

#define GREEN  17
#define AMBER  27
#define RED    22
#define BUZZ   23
#define NLINES 54 /* a Raspberry Pi's header chip */

static struct lights_gpio_conf pi_conf(int active_low)
{
	struct lights_gpio_conf gc = {.green = GREEN,
				      .amber = AMBER,
				      .red = RED,
				      .buzzer = BUZZ,
				      .active_low = active_low};

	snprintf(gc.chip, sizeof(gc.chip), "gpiochip0");
	return gc;
}

static int setup(void **state)
{
	(void)state;
	gpiod_standin_reset("gpiochip0", NLINES);
	return 0;
}

static void test_gpiod_new_requests_lines_off(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;
	const int lines[] = {GREEN, AMBER, RED, BUZZ};

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_non_null(be);
	assert_int_equal(gpiod_standin_open_chips(), 1);
	for (int i = 0; i < 4; i++) {
		assert_true(gpiod_standin_requested(lines[i]));
		assert_string_equal(gpiod_standin_consumer(lines[i]),
				    "presensid");
		assert_int_equal(gpiod_standin_value(lines[i]), 0);
	}
	assert_false(gpiod_standin_requested(4));
	be->destroy(be);
	for (int i = 0; i < 4; i++)
		assert_false(gpiod_standin_requested(lines[i]));
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

struct mask_case {
	unsigned int mask;
	int green, amber, red, buzz; /* levels for active-high wiring */
};

static const struct mask_case mask_cases[] = {
	{0, 0, 0, 0, 0},
	{LIGHT_GREEN, 1, 0, 0, 0},
	{LIGHT_AMBER, 0, 1, 0, 0},
	{LIGHT_RED, 0, 0, 1, 0},
	{LIGHT_BUZZER, 0, 0, 0, 1},
	{LIGHT_GREEN | LIGHT_BUZZER, 1, 0, 0, 1},
	{LIGHT_RED | LIGHT_AMBER, 0, 1, 1, 0},
	{0xf, 1, 1, 1, 1},
};

static void check_masks(int active_low)
{
	struct lights_gpio_conf gc = pi_conf(active_low);
	struct lights_backend *be = NULL;

	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	/* Off at request time, whatever the wiring. */
	assert_int_equal(gpiod_standin_value(GREEN), active_low);
	for (size_t i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]);
	     i++) {
		const struct mask_case *c = &mask_cases[i];

		assert_int_equal(be->set(be, c->mask), 0);
		assert_int_equal(gpiod_standin_value(GREEN),
				 c->green ^ active_low);
		assert_int_equal(gpiod_standin_value(AMBER),
				 c->amber ^ active_low);
		assert_int_equal(gpiod_standin_value(RED), c->red ^ active_low);
		assert_int_equal(gpiod_standin_value(BUZZ),
				 c->buzz ^ active_low);
	}
	be->destroy(be);
}

static void test_gpiod_set_drives_each_line(void **state)
{
	(void)state;
	check_masks(0);
}

static void test_gpiod_active_low_inverts_levels(void **state)
{
	(void)state;
	check_masks(1);
}

static void test_gpiod_absent_lines_are_skipped(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.green = -1;
	gc.amber = -1;
	gc.buzzer = -1;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_false(gpiod_standin_requested(GREEN));
	assert_true(gpiod_standin_requested(RED));
	assert_int_equal(be->set(be, LIGHT_GREEN | LIGHT_RED), 0);
	assert_int_equal(gpiod_standin_value(RED), 1);
	assert_int_equal(gpiod_standin_value(GREEN), -1); /* never driven */
	assert_int_equal(gpiod_standin_sets(GREEN), 0);
	be->destroy(be);
}

static void test_gpiod_chip_by_path_opens(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	snprintf(gc.chip, sizeof(gc.chip), "/dev/gpiochip0");
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	be->destroy(be);
}

static void test_gpiod_missing_chip_fails_enoent(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	snprintf(gc.chip, sizeof(gc.chip), "gpiochip9");
	assert_int_equal(lights_gpiod_new(&gc, &be), -ENOENT);
	assert_null(be);
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

static void test_gpiod_bad_offset_releases_everything(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.red = NLINES; /* one past the last line */
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	assert_null(be);
	assert_false(gpiod_standin_requested(GREEN));
	assert_false(gpiod_standin_requested(AMBER));
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

static void test_gpiod_busy_line_fails_ebusy(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gpiod_standin_fail_request(BUZZ, EBUSY);
	assert_int_equal(lights_gpiod_new(&gc, &be), -EBUSY);
	assert_null(be);
	assert_false(gpiod_standin_requested(GREEN));
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

static void test_gpiod_no_chip_or_no_lines_is_einval(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.chip[0] = '\0';
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	gc = pi_conf(0);
	gc.green = gc.amber = gc.red = gc.buzzer = -1;
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	assert_null(be);
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

static void test_gpiod_set_failure_still_drives_other_lines(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	gpiod_standin_fail_set(GREEN, EIO);
	assert_int_equal(be->set(be, LIGHT_GREEN | LIGHT_RED), -EIO);
	assert_int_equal(gpiod_standin_value(RED), 1);
	gpiod_standin_fail_set(GREEN, 0);
	assert_int_equal(be->set(be, LIGHT_GREEN), 0);
	assert_int_equal(gpiod_standin_value(GREEN), 1);
	assert_int_equal(gpiod_standin_value(RED), 0);
	be->destroy(be);
}

static void test_gpiod_through_engine_blinks_and_ends_dark(void **state)
{
	struct lights_gpio_conf gc = pi_conf(1);
	struct lights_backend *be = NULL;
	struct lights *l = NULL;
	uint64_t dl;

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_int_equal(lights_new(be, 1, &l), 0);
	dl = lights_show(l, LIGHT_READY, 0);
	assert_int_equal(gpiod_standin_value(GREEN), 0); /* lit, active-low */
	lights_tick(l, dl);
	assert_int_equal(gpiod_standin_value(GREEN), 1);
	lights_show(l, LIGHT_UNKNOWN, 5000);
	assert_int_equal(gpiod_standin_value(RED), 0);
	assert_int_equal(gpiod_standin_value(BUZZ), 0);
	/* A line failing mid-pattern is counted, the pattern goes on. */
	gpiod_standin_fail_set(AMBER, EIO);
	lights_tick(l, 5500);
	assert_int_equal(lights_errors(l), 1);
	assert_int_equal(gpiod_standin_value(BUZZ), 1); /* beep over */
	gpiod_standin_fail_set(AMBER, 0);
	lights_free(l);
	assert_false(gpiod_standin_requested(GREEN));
	assert_int_equal(gpiod_standin_value(RED), 1); /* dark */
	assert_int_equal(gpiod_standin_value(GREEN), 1);
	assert_int_equal(gpiod_standin_open_chips(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gpiod_new_requests_lines_off,
				       setup),
		cmocka_unit_test_setup(test_gpiod_set_drives_each_line, setup),
		cmocka_unit_test_setup(test_gpiod_active_low_inverts_levels,
				       setup),
		cmocka_unit_test_setup(test_gpiod_absent_lines_are_skipped,
				       setup),
		cmocka_unit_test_setup(test_gpiod_chip_by_path_opens, setup),
		cmocka_unit_test_setup(test_gpiod_missing_chip_fails_enoent,
				       setup),
		cmocka_unit_test_setup(
			test_gpiod_bad_offset_releases_everything, setup),
		cmocka_unit_test_setup(test_gpiod_busy_line_fails_ebusy, setup),
		cmocka_unit_test_setup(test_gpiod_no_chip_or_no_lines_is_einval,
				       setup),
		cmocka_unit_test_setup(
			test_gpiod_set_failure_still_drives_other_lines, setup),
		cmocka_unit_test_setup(
			test_gpiod_through_engine_blinks_and_ends_dark, setup),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
