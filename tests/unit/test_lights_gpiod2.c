/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the libgpiod v2 light backend (hw/lights_gpiod2.c),
 * compiled against the stand-in's mirror of the v2 header and linked with
 * tests/fakes/standin/gpiod2_standin.c instead of libgpiod 2: the one
 * request it makes, the physical levels it drives for each wiring, how the
 * chip is found, and that every error path frees what it made.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/standin/gpiod2_standin.h"
#include "fakes/standin/v2/gpiod.h"
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
	gpiod2_standin_reset("gpiochip0", "pinctrl-bcm2711", NLINES);
	return 0;
}

/* Nothing the backend made is left: no object, no chip, no line. */
static void assert_all_gone(void)
{
	assert_int_equal(gpiod2_standin_live(), 0);
	assert_int_equal(gpiod2_standin_open_chips(), 0);
	for (unsigned int i = 0; i < NLINES; i++)
		assert_false(gpiod2_standin_requested(i));
}

static void test_gpiod2_new_requests_all_lines_off_in_one_request(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;
	const int lines[] = {GREEN, AMBER, RED, BUZZ};

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_non_null(be);
	assert_int_equal(gpiod2_standin_requests(), 1);
	/* Only the request stays: settings, configs and chip are gone. */
	assert_int_equal(gpiod2_standin_live(), 1);
	assert_int_equal(gpiod2_standin_open_chips(), 0);
	for (int i = 0; i < 4; i++) {
		assert_true(gpiod2_standin_requested(lines[i]));
		assert_int_equal(gpiod2_standin_position(lines[i]), i);
		assert_string_equal(gpiod2_standin_consumer(lines[i]),
				    "presensid");
		assert_int_equal(gpiod2_standin_direction(lines[i]),
				 GPIOD_LINE_DIRECTION_OUTPUT);
		assert_int_equal(gpiod2_standin_edge(lines[i]),
				 GPIOD_LINE_EDGE_NONE);
		assert_int_equal(gpiod2_standin_active_low(lines[i]), 0);
		assert_int_equal(gpiod2_standin_level(lines[i]), 0);
	}
	assert_false(gpiod2_standin_requested(4));
	be->destroy(be);
	assert_all_gone();
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
	size_t n = sizeof(mask_cases) / sizeof(mask_cases[0]);

	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	/* The kernel inverts: the request says active-low, and off at
	 * request time is the wiring's off level. */
	assert_int_equal(gpiod2_standin_active_low(GREEN), active_low);
	assert_int_equal(gpiod2_standin_level(GREEN), active_low);
	assert_int_equal(gpiod2_standin_level(BUZZ), active_low);
	for (size_t i = 0; i < n; i++) {
		const struct mask_case *c = &mask_cases[i];

		assert_int_equal(be->set(be, c->mask), 0);
		assert_int_equal(gpiod2_standin_level(GREEN),
				 c->green ^ active_low);
		assert_int_equal(gpiod2_standin_level(AMBER),
				 c->amber ^ active_low);
		assert_int_equal(gpiod2_standin_level(RED),
				 c->red ^ active_low);
		assert_int_equal(gpiod2_standin_level(BUZZ),
				 c->buzz ^ active_low);
	}
	/* One call per step for all four lines. */
	assert_int_equal(gpiod2_standin_set_calls(), n);
	be->destroy(be);
	assert_all_gone();
}

static void test_gpiod2_set_drives_each_line(void **state)
{
	(void)state;
	check_masks(0);
}

static void test_gpiod2_active_low_is_the_kernels_inversion(void **state)
{
	(void)state;
	check_masks(1);
}

static void test_gpiod2_absent_lines_are_not_requested(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.green = -1;
	gc.buzzer = -1;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_false(gpiod2_standin_requested(GREEN));
	assert_false(gpiod2_standin_requested(BUZZ));
	assert_int_equal(gpiod2_standin_position(AMBER), 0);
	assert_int_equal(gpiod2_standin_position(RED), 1);
	assert_int_equal(be->set(be, LIGHT_GREEN | LIGHT_RED), 0);
	assert_int_equal(gpiod2_standin_level(RED), 1);
	assert_int_equal(gpiod2_standin_level(AMBER), 0);
	assert_int_equal(gpiod2_standin_level(GREEN), -1); /* never driven */
	be->destroy(be);
	assert_all_gone();
}

/* v1's gpiod_chip_open_lookup() took a path, a number, a name or a label;
 * the config keeps meaning the same with v2. */
static void test_gpiod2_chip_by_path_number_and_name(void **state)
{
	static const char *const names[] = {"/dev/gpiochip0", "0", "gpiochip0"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct lights_gpio_conf gc = pi_conf(0);
		struct lights_backend *be = NULL;

		snprintf(gc.chip, sizeof(gc.chip), "%s", names[i]);
		assert_int_equal(lights_gpiod_new(&gc, &be), 0);
		be->destroy(be);
		assert_all_gone();
	}
}

static void test_gpiod2_chip_by_label_scans_dev(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	/* The label scan asks gpiod_is_gpiochip_device() about every entry
	 * of /dev, as gpiodetect does.  This host has no GPIO chip, so the
	 * simulated one answers to /dev/zero, which every Linux has. */
	gpiod2_standin_reset("zero", "pinctrl-rp1", NLINES);
	snprintf(gc.chip, sizeof(gc.chip), "pinctrl-rp1");
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_true(gpiod2_standin_requested(GREEN));
	be->destroy(be);
	assert_all_gone();
	snprintf(gc.chip, sizeof(gc.chip), "pinctrl-bcm2711");
	assert_int_equal(lights_gpiod_new(&gc, &be), -ENOENT);
	assert_all_gone();
	/* A chip it may not open could be the one: say why, not ENOENT. */
	gpiod2_standin_fail_open(EACCES);
	snprintf(gc.chip, sizeof(gc.chip), "pinctrl-rp1");
	assert_int_equal(lights_gpiod_new(&gc, &be), -EACCES);
	gpiod2_standin_fail_open(0);
	assert_all_gone();
}

static void test_gpiod2_missing_chip_fails_enoent(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	snprintf(gc.chip, sizeof(gc.chip), "gpiochip9");
	assert_int_equal(lights_gpiod_new(&gc, &be), -ENOENT);
	assert_null(be);
	snprintf(gc.chip, sizeof(gc.chip), "/dev/gpiochip9");
	assert_int_equal(lights_gpiod_new(&gc, &be), -ENOENT);
	assert_null(be);
	assert_all_gone();
}

static void test_gpiod2_chip_not_allowed_fails_eacces(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	/* Not in group gpio: the udev rule or the unit is wrong. */
	gpiod2_standin_fail_open(EACCES);
	assert_int_equal(lights_gpiod_new(&gc, &be), -EACCES);
	assert_null(be);
	gpiod2_standin_fail_open(0);
	assert_all_gone();
}

static void test_gpiod2_bad_offset_requests_nothing(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.red = NLINES; /* one past the last line */
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	assert_null(be);
	assert_int_equal(gpiod2_standin_requests(), 0);
	assert_all_gone();
}

static void test_gpiod2_busy_line_fails_ebusy_and_takes_none(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gpiod2_standin_fail_request(BUZZ, EBUSY);
	assert_int_equal(lights_gpiod_new(&gc, &be), -EBUSY);
	assert_null(be);
	assert_all_gone();
}

static void test_gpiod2_no_chip_no_lines_or_a_line_twice_is_einval(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	gc.chip[0] = '\0';
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	gc = pi_conf(0);
	gc.green = gc.amber = gc.red = gc.buzzer = -1;
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	gc = pi_conf(0);
	gc.buzzer = GREEN;
	assert_int_equal(lights_gpiod_new(&gc, &be), -EINVAL);
	assert_null(be);
	assert_int_equal(gpiod2_standin_requests(), 0);
	assert_all_gone();
}

static void test_gpiod2_set_failure_changes_no_line(void **state)
{
	struct lights_gpio_conf gc = pi_conf(0);
	struct lights_backend *be = NULL;

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_int_equal(be->set(be, LIGHT_AMBER), 0);
	gpiod2_standin_fail_set(GREEN, EIO);
	/* One ioctl for all lines: it fails whole. */
	assert_int_equal(be->set(be, LIGHT_GREEN | LIGHT_RED), -EIO);
	assert_int_equal(gpiod2_standin_level(AMBER), 1);
	assert_int_equal(gpiod2_standin_level(RED), 0);
	gpiod2_standin_fail_set(GREEN, 0);
	assert_int_equal(be->set(be, LIGHT_GREEN), 0);
	assert_int_equal(gpiod2_standin_level(GREEN), 1);
	assert_int_equal(gpiod2_standin_level(AMBER), 0);
	be->destroy(be);
	assert_all_gone();
}

static void test_gpiod2_through_engine_blinks_and_ends_dark(void **state)
{
	struct lights_gpio_conf gc = pi_conf(1);
	struct lights_backend *be = NULL;
	struct lights *l = NULL;
	uint64_t dl;

	(void)state;
	assert_int_equal(lights_gpiod_new(&gc, &be), 0);
	assert_int_equal(lights_new(be, 1, &l), 0);
	dl = lights_show(l, LIGHT_READY, 0);
	assert_int_equal(gpiod2_standin_level(GREEN), 0); /* lit, active-low */
	lights_tick(l, dl);
	assert_int_equal(gpiod2_standin_level(GREEN), 1);
	lights_show(l, LIGHT_UNKNOWN, 5000);
	assert_int_equal(gpiod2_standin_level(RED), 0);
	assert_int_equal(gpiod2_standin_level(BUZZ), 0);
	/* A failing step is counted and the pattern goes on. */
	gpiod2_standin_fail_set(AMBER, EIO);
	lights_tick(l, 5500);
	assert_int_equal(lights_errors(l), 1);
	gpiod2_standin_fail_set(AMBER, 0);
	lights_free(l);
	assert_int_equal(gpiod2_standin_level(RED), 1); /* dark */
	assert_int_equal(gpiod2_standin_level(GREEN), 1);
	assert_int_equal(gpiod2_standin_level(BUZZ), 1);
	assert_all_gone();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_gpiod2_new_requests_all_lines_off_in_one_request,
			setup),
		cmocka_unit_test_setup(test_gpiod2_set_drives_each_line, setup),
		cmocka_unit_test_setup(
			test_gpiod2_active_low_is_the_kernels_inversion, setup),
		cmocka_unit_test_setup(
			test_gpiod2_absent_lines_are_not_requested, setup),
		cmocka_unit_test_setup(test_gpiod2_chip_by_path_number_and_name,
				       setup),
		cmocka_unit_test_setup(test_gpiod2_chip_by_label_scans_dev,
				       setup),
		cmocka_unit_test_setup(test_gpiod2_missing_chip_fails_enoent,
				       setup),
		cmocka_unit_test_setup(
			test_gpiod2_chip_not_allowed_fails_eacces, setup),
		cmocka_unit_test_setup(test_gpiod2_bad_offset_requests_nothing,
				       setup),
		cmocka_unit_test_setup(
			test_gpiod2_busy_line_fails_ebusy_and_takes_none,
			setup),
		cmocka_unit_test_setup(
			test_gpiod2_no_chip_no_lines_or_a_line_twice_is_einval,
			setup),
		cmocka_unit_test_setup(test_gpiod2_set_failure_changes_no_line,
				       setup),
		cmocka_unit_test_setup(
			test_gpiod2_through_engine_blinks_and_ends_dark, setup),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
