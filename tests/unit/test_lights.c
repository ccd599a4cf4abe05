/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the light pattern engine (hw/lights.c) through a recording
 * backend, and of the simulated backend's log (hw/lights_sim.c).  Time is
 * passed in by the test: nothing here sleeps or reads the clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lights.h"
#include "log.h"

#define G  LIGHT_GREEN
#define A  LIGHT_AMBER
#define R  LIGHT_RED
#define BZ LIGHT_BUZZER

#define REC_MAX 64

/* A backend that records every call; set() can be made to fail. */
struct rec_backend {
	struct lights_backend base;
	unsigned int masks[REC_MAX];
	int nsets;
	enum light_state states[REC_MAX];
	uint64_t state_ms[REC_MAX];
	int nstates;
	int fail_rc;	/* returned by set() when non-zero */
	int *destroyed; /* set to 1 by destroy() */
};

static int rec_set(struct lights_backend *be, unsigned int mask)
{
	struct rec_backend *r = (struct rec_backend *)be;

	if (r->nsets < REC_MAX)
		r->masks[r->nsets] = mask;
	r->nsets++;
	return r->fail_rc;
}

static void rec_state(struct lights_backend *be, enum light_state st,
		      uint64_t ms)
{
	struct rec_backend *r = (struct rec_backend *)be;

	if (r->nstates < REC_MAX) {
		r->states[r->nstates] = st;
		r->state_ms[r->nstates] = ms;
	}
	r->nstates++;
}

static void rec_destroy(struct lights_backend *be)
{
	struct rec_backend *r = (struct rec_backend *)be;

	if (r->destroyed)
		*r->destroyed = 1;
	free(r);
}

static struct rec_backend *rec_new(void)
{
	struct rec_backend *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->base.set = rec_set;
	r->base.state = rec_state;
	r->base.destroy = rec_destroy;
	return r;
}

static unsigned int last_mask(const struct rec_backend *r)
{
	assert_true(r->nsets > 0);
	return r->masks[r->nsets - 1];
}

static enum light_state last_state(const struct rec_backend *r)
{
	assert_true(r->nstates > 0);
	return r->states[r->nstates - 1];
}

static struct lights *new_lights(struct rec_backend **rp, int buzzer)
{
	struct lights *l = NULL;

	*rp = rec_new();
	assert_int_equal(lights_new(&(*rp)->base, buzzer, &l), 0);
	assert_non_null(l);
	return l;
}

static void test_lights_state_names_round_trip(void **state)
{
	static const char *const names[LIGHT_STATE_COUNT] = {
		"off",		"ready",   "ok",    "late",
		"flagged",	"unknown", "retry", "enroll",
		"enroll-stage", "cooling", "fault", "export-ok",
		"export-fail",	"standby",
	};
	enum light_state st;

	(void)state;
	for (int i = 0; i < LIGHT_STATE_COUNT; i++) {
		assert_string_equal(lights_state_name((enum light_state)i),
				    names[i]);
		assert_int_equal(lights_state_parse(names[i], &st), 0);
		assert_int_equal(st, i);
	}
	st = LIGHT_READY;
	assert_int_equal(lights_state_parse("green", &st), -EINVAL);
	assert_int_equal(lights_state_parse("", &st), -EINVAL);
	assert_int_equal(lights_state_parse(NULL, &st), -EINVAL);
	assert_int_equal(st, LIGHT_READY); /* untouched on error */
	assert_string_equal(lights_state_name(LIGHT_STATE_COUNT), "invalid");
}

static void test_lights_new_starts_off_without_driving(void **state)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);

	(void)state;
	assert_int_equal(lights_current(l), LIGHT_OFF);
	assert_int_equal(lights_base(l), LIGHT_OFF);
	assert_int_equal(r->nsets, 0);
	assert_int_equal(r->nstates, 0);
	assert_int_equal(lights_tick(l, 5000), 0);
	lights_free(l);
}

/* Base states: the steps of two full periods, from t = 1000. */
struct base_case {
	enum light_state st;
	unsigned int on_mask;
	uint64_t on_ms, off_ms;
};

static void test_lights_base_states_repeat_their_blink(void **state)
{
	static const struct base_case cases[] = {
		{LIGHT_READY, G, 1000, 1000},	/* slow pulse */
		{LIGHT_ENROLL, A, 250, 250},	/* blinking */
		{LIGHT_COOLING, A, 1000, 1000}, /* slow blink */
		{LIGHT_FAULT, R, 250, 250},	/* blinking */
		/* docs/domain.md §5: a short green flash every 4 s */
		{LIGHT_STANDBY, G, 150, 3850},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct base_case *c = &cases[i];
		struct rec_backend *r;
		struct lights *l = new_lights(&r, 1);
		uint64_t t = 1000, dl;

		dl = lights_show(l, c->st, t);
		assert_int_equal(lights_current(l), c->st);
		assert_int_equal(lights_base(l), c->st);
		assert_int_equal(r->nstates, 1);
		assert_int_equal(r->states[0], c->st);
		assert_int_equal(r->state_ms[0], 1000);
		for (int period = 0; period < 2; period++) {
			assert_int_equal(last_mask(r), c->on_mask);
			assert_int_equal(dl, t + c->on_ms);
			t = dl;
			dl = lights_tick(l, t);
			assert_int_equal(last_mask(r), 0);
			assert_int_equal(dl, t + c->off_ms);
			t = dl;
			dl = lights_tick(l, t);
		}
		assert_int_equal(last_mask(r), c->on_mask);
		/* Repeating is not a state change. */
		assert_int_equal(r->nstates, 1);
		lights_free(l);
	}
}

/* Transient states: every step (mask, duration), then back to the base. */
struct step_exp {
	unsigned int mask;
	uint64_t ms;
};

struct transient_case {
	enum light_state base, st;
	int buzzer;
	size_t n;
	struct step_exp steps[8];
};

static void test_lights_transients_play_then_return_to_base(void **state)
{
	static const struct transient_case cases[] = {
		/* ok: green steady 1.5 s, one short beep */
		{LIGHT_READY, LIGHT_OK, 0, 2, {{G, 150}, {G, 1350}}},
		{LIGHT_READY, LIGHT_OK, 1, 2, {{G | BZ, 150}, {G, 1350}}},
		/* late and flagged: amber steady 1.5 s */
		{LIGHT_READY, LIGHT_LATE, 1, 1, {{A, 1500}}},
		{LIGHT_READY, LIGHT_FLAGGED, 1, 1, {{A, 1500}}},
		/* unknown: red 1.5 s, two long beeps */
		{LIGHT_READY,
		 LIGHT_UNKNOWN,
		 0,
		 4,
		 {{R, 500}, {R, 250}, {R, 500}, {R, 250}}},
		{LIGHT_READY,
		 LIGHT_UNKNOWN,
		 1,
		 4,
		 {{R | BZ, 500}, {R, 250}, {R | BZ, 500}, {R, 250}}},
		/* retry: one red blink */
		{LIGHT_READY, LIGHT_RETRY, 1, 2, {{R, 250}, {0, 250}}},
		/* a scan that finished as the reader went to standby */
		{LIGHT_STANDBY, LIGHT_OK, 0, 2, {{G, 150}, {G, 1350}}},
		/* enroll-stage: one green flash, back to enroll */
		{LIGHT_ENROLL, LIGHT_ENROLL_STAGE, 1, 2, {{G, 300}, {0, 100}}},
		/* export: three blinks */
		{LIGHT_READY,
		 LIGHT_EXPORT_OK,
		 1,
		 6,
		 {{G, 300}, {0, 300}, {G, 300}, {0, 300}, {G, 300}, {0, 300}}},
		{LIGHT_COOLING,
		 LIGHT_EXPORT_FAIL,
		 1,
		 6,
		 {{R, 300}, {0, 300}, {R, 300}, {0, 300}, {R, 300}, {0, 300}}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct transient_case *c = &cases[i];
		struct rec_backend *r;
		struct lights *l = new_lights(&r, c->buzzer);
		uint64_t t = 10000, dl;
		unsigned int base_on;

		lights_show(l, c->base, 9000);
		base_on = last_mask(r);
		dl = lights_show(l, c->st, t);
		assert_int_equal(lights_current(l), c->st);
		assert_int_equal(lights_base(l), c->base);
		assert_int_equal(last_state(r), c->st);
		for (size_t s = 0; s < c->n; s++) {
			assert_int_equal(last_mask(r), c->steps[s].mask);
			assert_int_equal(dl, t + c->steps[s].ms);
			/* A tick before the deadline changes nothing. */
			int sets = r->nsets;
			assert_int_equal(lights_tick(l, dl - 1), dl);
			assert_int_equal(r->nsets, sets);
			t = dl;
			dl = lights_tick(l, t);
		}
		assert_int_equal(lights_current(l), c->base);
		assert_int_equal(last_state(r), c->base);
		assert_int_equal(r->state_ms[r->nstates - 1], t);
		assert_int_equal(r->nstates, 3); /* base, transient, base */
		assert_int_equal(last_mask(r), base_on);
		lights_free(l);
	}
}

static void test_lights_results_last_1500_ms(void **state)
{
	static const enum light_state results[] = {
		LIGHT_OK, LIGHT_LATE, LIGHT_FLAGGED, LIGHT_UNKNOWN};

	(void)state;
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		struct rec_backend *r;
		struct lights *l = new_lights(&r, 1);
		uint64_t dl = lights_show(l, results[i], 0);

		while (lights_current(l) == results[i]) {
			assert_true(dl > 0 && dl <= 1500);
			dl = lights_tick(l, dl);
		}
		assert_int_equal(r->state_ms[r->nstates - 1], 1500);
		lights_free(l);
	}
}

static void test_lights_off_holds_without_deadline(void **state)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);

	(void)state;
	lights_show(l, LIGHT_READY, 0);
	assert_int_equal(lights_show(l, LIGHT_OFF, 300), 0);
	assert_int_equal(last_mask(r), 0);
	assert_int_equal(last_state(r), LIGHT_OFF);
	assert_int_equal(lights_tick(l, 100000), 0);
	lights_free(l);
}

static void test_lights_base_during_transient_becomes_return_target(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);
	uint64_t dl;

	(void)s;
	lights_show(l, LIGHT_READY, 0);
	dl = lights_show(l, LIGHT_LATE, 100);
	assert_int_equal(lights_show(l, LIGHT_COOLING, 200), dl);
	assert_int_equal(lights_current(l), LIGHT_LATE);
	assert_int_equal(lights_base(l), LIGHT_COOLING);
	assert_int_equal(last_mask(r), A);
	assert_int_equal(r->nstates, 2);
	lights_tick(l, dl);
	assert_int_equal(lights_current(l), LIGHT_COOLING);
	assert_int_equal(last_state(r), LIGHT_COOLING);
	lights_free(l);
}

static void test_lights_fault_and_off_interrupt_a_transient(void **s)
{
	static const enum light_state urgent[] = {LIGHT_FAULT, LIGHT_OFF};

	(void)s;
	for (size_t i = 0; i < 2; i++) {
		struct rec_backend *r;
		struct lights *l = new_lights(&r, 0);

		lights_show(l, LIGHT_READY, 0);
		lights_show(l, LIGHT_OK, 100);
		lights_show(l, urgent[i], 200);
		assert_int_equal(lights_current(l), urgent[i]);
		assert_int_equal(lights_base(l), urgent[i]);
		assert_int_equal(last_state(r), urgent[i]);
		assert_int_equal(last_mask(r),
				 urgent[i] == LIGHT_FAULT ? R : 0);
		lights_free(l);
	}
}

static void test_lights_same_base_again_keeps_rhythm(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);
	uint64_t dl;

	(void)s;
	dl = lights_show(l, LIGHT_READY, 0);
	assert_int_equal(lights_show(l, LIGHT_READY, 400), dl);
	assert_int_equal(r->nsets, 1);
	assert_int_equal(r->nstates, 1);
	lights_free(l);
}

static void test_lights_transient_again_restarts_and_is_told(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);

	(void)s;
	lights_show(l, LIGHT_READY, 0);
	lights_show(l, LIGHT_OK, 100);
	assert_int_equal(lights_show(l, LIGHT_OK, 900), 900 + 150);
	assert_int_equal(r->nstates, 3);
	assert_int_equal(r->states[2], LIGHT_OK);
	assert_int_equal(r->state_ms[2], 900);
	/* and a different transient replaces it at once */
	lights_show(l, LIGHT_UNKNOWN, 1000);
	assert_int_equal(lights_current(l), LIGHT_UNKNOWN);
	assert_int_equal(last_mask(r), R);
	lights_free(l);
}

static void test_lights_transient_from_off_returns_to_off(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);
	uint64_t dl;

	(void)s;
	dl = lights_show(l, LIGHT_EXPORT_OK, 0);
	while (lights_current(l) == LIGHT_EXPORT_OK)
		dl = lights_tick(l, dl);
	assert_int_equal(dl, 0);
	assert_int_equal(lights_current(l), LIGHT_OFF);
	assert_int_equal(last_state(r), LIGHT_OFF);
	lights_free(l);
}

static void test_lights_late_tick_starts_next_step_from_now(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);

	(void)s;
	lights_show(l, LIGHT_READY, 0);
	assert_int_equal(lights_tick(l, 1300), 2300);
	assert_int_equal(last_mask(r), 0);
	lights_free(l);
}

static void test_lights_backend_failure_is_counted_not_fatal(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);
	uint64_t dl;

	(void)s;
	r->fail_rc = -EIO;
	dl = lights_show(l, LIGHT_READY, 0);
	assert_int_equal(dl, 1000);
	dl = lights_tick(l, dl);
	assert_int_equal(lights_errors(l), 2);
	assert_int_equal(dl, 2000);
	r->fail_rc = 0;
	lights_show(l, LIGHT_OK, 2100);
	assert_int_equal(lights_errors(l), 2);
	assert_int_equal(lights_current(l), LIGHT_OK);
	lights_free(l);
}

static void test_lights_invalid_state_is_ignored(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 0);
	uint64_t dl;

	(void)s;
	dl = lights_show(l, LIGHT_READY, 0);
	assert_int_equal(lights_show(l, LIGHT_STATE_COUNT, 10), dl);
	assert_int_equal(lights_show(l, (enum light_state) - 1, 10), dl);
	assert_int_equal(lights_current(l), LIGHT_READY);
	lights_free(l);
}

static void test_lights_free_turns_off_and_destroys_backend(void **s)
{
	struct rec_backend *r;
	struct lights *l = new_lights(&r, 1);
	int destroyed = 0;

	(void)s;
	r->destroyed = &destroyed;
	lights_show(l, LIGHT_OK, 0);
	assert_int_equal(last_mask(r), G | BZ);
	lights_free(l); /* frees r too: the flag tells it was destroyed */
	assert_int_equal(destroyed, 1);
	lights_free(NULL);
}

static void test_lights_free_reports_off_to_backend(void **s)
{
	/* A backend that outlives lights_free (destroy does not free). */
	static struct rec_backend keep;
	struct lights *l = NULL;

	(void)s;
	memset(&keep, 0, sizeof(keep));
	keep.base.set = rec_set;
	keep.base.state = rec_state;
	keep.base.destroy = NULL;
	assert_int_equal(lights_new(&keep.base, 0, &l), 0);
	lights_show(l, LIGHT_FAULT, 0);
	lights_free(l);
	assert_int_equal(last_mask(&keep), 0);
	assert_int_equal(last_state(&keep), LIGHT_OFF);
	assert_int_equal(keep.nstates, 2);
}

static void test_lights_without_backend_tracks_state(void **s)
{
	struct lights *l = NULL;

	(void)s;
	assert_int_equal(lights_new(NULL, 1, &l), 0);
	assert_int_equal(lights_show(l, LIGHT_READY, 0), 1000);
	lights_show(l, LIGHT_UNKNOWN, 10);
	assert_int_equal(lights_current(l), LIGHT_UNKNOWN);
	assert_int_equal(lights_errors(l), 0);
	lights_free(l);
}

/* ---- the simulated backend ---- */

static char *read_all(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void make_temp(char *path, size_t cap)
{
	int fd;

	snprintf(path, cap, "/tmp/test_lights_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "earlier line\n", 13), 13);
	close(fd);
}

static void test_lights_sim_logs_each_state_change(void **s)
{
	struct lights_backend *be = NULL;
	struct lights *l = NULL;
	char path[64];
	const char *text;
	uint64_t dl;

	(void)s;
	make_temp(path, sizeof(path));
	assert_int_equal(lights_sim_new(path, &be), 0);
	assert_int_equal(lights_new(be, 1, &l), 0);
	lights_show(l, LIGHT_READY, 1000);
	lights_tick(l, 2000); /* blink step: not logged */
	dl = lights_show(l, LIGHT_OK, 2500);
	while (lights_current(l) == LIGHT_OK)
		dl = lights_tick(l, dl);
	lights_show(l, LIGHT_ENROLL, 4100);
	lights_show(l, LIGHT_ENROLL_STAGE, 4200);
	lights_tick(l, 4500);
	lights_tick(l, 4600);
	/* Visible to a reader before anything is closed. */
	text = read_all(path);
	assert_string_equal(text, "earlier line\n"
				  "1000 ready\n"
				  "2500 ok\n"
				  "4000 ready\n"
				  "4100 enroll\n"
				  "4200 enroll-stage\n"
				  "4600 enroll\n");
	lights_free(l);
	text = read_all(path);
	assert_non_null(strstr(text, "4600 enroll\n"));
	assert_int_equal(strcmp(text + strlen(text) - 4, "off\n"), 0);
	unlink(path);
}

static void test_lights_sim_bad_path_fails(void **s)
{
	struct lights_backend *be = NULL;

	(void)s;
	assert_int_equal(lights_sim_new("/nonexistent-dir/lights.log", &be),
			 -ENOENT);
	assert_null(be);
	assert_int_equal(lights_sim_new("", &be), -EINVAL);
	assert_int_equal(lights_sim_new(NULL, &be), -EINVAL);
	assert_null(be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lights_state_names_round_trip),
		cmocka_unit_test(test_lights_new_starts_off_without_driving),
		cmocka_unit_test(test_lights_base_states_repeat_their_blink),
		cmocka_unit_test(
			test_lights_transients_play_then_return_to_base),
		cmocka_unit_test(test_lights_results_last_1500_ms),
		cmocka_unit_test(test_lights_off_holds_without_deadline),
		cmocka_unit_test(
			test_lights_base_during_transient_becomes_return_target),
		cmocka_unit_test(
			test_lights_fault_and_off_interrupt_a_transient),
		cmocka_unit_test(test_lights_same_base_again_keeps_rhythm),
		cmocka_unit_test(
			test_lights_transient_again_restarts_and_is_told),
		cmocka_unit_test(test_lights_transient_from_off_returns_to_off),
		cmocka_unit_test(
			test_lights_late_tick_starts_next_step_from_now),
		cmocka_unit_test(
			test_lights_backend_failure_is_counted_not_fatal),
		cmocka_unit_test(test_lights_invalid_state_is_ignored),
		cmocka_unit_test(
			test_lights_free_turns_off_and_destroys_backend),
		cmocka_unit_test(test_lights_free_reports_off_to_backend),
		cmocka_unit_test(test_lights_without_backend_tracks_state),
		cmocka_unit_test(test_lights_sim_logs_each_state_change),
		cmocka_unit_test(test_lights_sim_bad_path_fails),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
