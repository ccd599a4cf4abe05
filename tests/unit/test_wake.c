/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the wake input: the debouncer (hw/wake.c) fed edges with
 * their times by the test, a recording backend behind wake_dispatch(), and
 * the simulated twin (hw/wake_sim.c) through a real FIFO in a temp dir.
 * Nothing sleeps: edges carry their own times.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakes/testutil.h"
#include "log.h"
#include "wake.h"

#define DEB 50 /* debounce_ms of most tests */

static struct wake *new_wake(uint32_t debounce_ms)
{
	struct wake *w = NULL;

	assert_int_equal(wake_new(NULL, debounce_ms, &w), 0);
	assert_non_null(w);
	return w;
}

static unsigned int edge(struct wake *w, uint64_t ms, bool active)
{
	struct wake_edge e = {.mono_ms = ms, .active = active};

	return wake_feed(w, &e);
}

static void test_wake_clean_press_counts_after_debounce(void **state)
{
	struct wake *w = new_wake(DEB);
	uint64_t next = 1;

	(void)state;
	assert_int_equal(wake_fd(w), -1);
	assert_int_equal(wake_tick(w, 1000, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(edge(w, 1000, true), 0);
	assert_int_equal(wake_tick(w, 1049, &next), 0);
	assert_int_equal(next, 1050);
	assert_int_equal(wake_tick(w, 1050, &next), 1);
	assert_int_equal(next, 0);
	/* Held: still one press. */
	assert_int_equal(wake_tick(w, 5000, &next), 0);
	assert_int_equal(edge(w, 5200, false), 0);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
}

static void test_wake_contact_bounce_is_one_press(void **state)
{
	struct wake *w = new_wake(DEB);
	uint64_t next;

	(void)state;
	/* A mechanical button: 5 ms of chatter, then held. */
	edge(w, 100, true);
	edge(w, 101, false);
	edge(w, 103, true);
	edge(w, 104, false);
	edge(w, 105, true);
	assert_int_equal(wake_tick(w, 150, &next), 0);
	assert_int_equal(next, 155); /* debounce from the last edge */
	assert_int_equal(wake_tick(w, 155, &next), 1);
	/* Chatter on release counts nothing either. */
	edge(w, 400, false);
	edge(w, 401, true);
	edge(w, 402, false);
	assert_int_equal(wake_tick(w, 1000, &next), 0);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
}

static void test_wake_glitch_shorter_than_debounce_is_ignored(void **state)
{
	struct wake *w = new_wake(DEB);
	uint64_t next;

	(void)state;
	edge(w, 100, true);
	assert_int_equal(edge(w, 149, false), 0);
	assert_int_equal(wake_tick(w, 1000, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(wake_presses(w), 0);
	wake_free(w);
}

static void test_wake_release_read_late_still_counts(void **state)
{
	struct wake *w = new_wake(DEB);

	(void)state;
	/* Both edges read in one batch, the tap lasted 120 ms. */
	edge(w, 100, true);
	assert_int_equal(edge(w, 220, false), 1);
	/* Two taps, two presses. */
	edge(w, 500, true);
	assert_int_equal(edge(w, 700, false), 1);
	assert_int_equal(wake_presses(w), 2);
	wake_free(w);
}

static void test_wake_lost_edges_do_not_double_count(void **state)
{
	struct wake *w = new_wake(DEB);
	uint64_t next;

	(void)state;
	edge(w, 100, true);
	edge(w, 120, true); /* an inactive edge was lost */
	assert_int_equal(wake_tick(w, 150, &next), 1);
	edge(w, 300, true);
	assert_int_equal(wake_tick(w, 1000, &next), 0);
	edge(w, 1100, false);
	edge(w, 1200, false);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
}

static void test_wake_zero_debounce_counts_at_once(void **state)
{
	struct wake *w = new_wake(0);
	uint64_t next;

	(void)state;
	edge(w, 100, true);
	assert_int_equal(wake_tick(w, 100, &next), 1);
	wake_free(w);
}

static void test_wake_debounce_out_of_range_is_einval(void **state)
{
	struct wake *w = NULL;

	(void)state;
	assert_int_equal(wake_new(NULL, WAKE_DEBOUNCE_MAX_MS + 1, &w), -EINVAL);
	assert_null(w);
	assert_int_equal(wake_new(NULL, WAKE_DEBOUNCE_MAX_MS, &w), 0);
	wake_free(w);
	wake_free(NULL);
}

/* ---- a scripted backend behind wake_dispatch() ---- */

struct script_backend {
	struct wake_backend base;
	struct wake_edge e[8];
	size_t n;
	int fail;	/* returned by read() once, then cleared */
	int *destroyed; /* set by destroy() */
};

static int script_read(struct wake_backend *be, uint64_t now_ms,
		       struct wake_edge *e, size_t max, size_t *n)
{
	struct script_backend *s = (struct script_backend *)be;
	int rc = s->fail;

	(void)now_ms;
	s->fail = 0;
	*n = 0;
	if (rc)
		return rc;
	for (; *n < s->n && *n < max; (*n)++)
		e[*n] = s->e[*n];
	s->n = 0;
	return 0;
}

static void script_destroy(struct wake_backend *be)
{
	struct script_backend *s = (struct script_backend *)be;

	*s->destroyed = 1;
	free(s);
}

static void test_wake_dispatch_reads_feeds_and_ticks(void **state)
{
	struct script_backend *s = calloc(1, sizeof(*s));
	struct wake *w = NULL;
	uint64_t next;
	int destroyed = 0;

	(void)state;
	assert_non_null(s);
	s->base.fd = 42;
	s->base.read = script_read;
	s->base.destroy = script_destroy;
	s->destroyed = &destroyed;
	assert_int_equal(wake_new(&s->base, DEB, &w), 0);
	assert_int_equal(wake_fd(w), 42);
	s->e[0] = (struct wake_edge){.mono_ms = 1000, .active = true};
	s->n = 1;
	assert_int_equal(wake_dispatch(w, 1010, &next), 0);
	assert_int_equal(next, 1050);
	/* Read late: the press already held long enough. */
	s->e[0] = (struct wake_edge){.mono_ms = 1300, .active = false};
	s->e[1] = (struct wake_edge){.mono_ms = 2000, .active = true};
	s->n = 2;
	assert_int_equal(wake_dispatch(w, 3000, &next), 2);
	s->fail = -EIO;
	assert_int_equal(wake_dispatch(w, 3100, &next), -EIO);
	assert_int_equal(wake_presses(w), 2);
	wake_free(w);
	assert_int_equal(destroyed, 1);
}

/* ---- the simulated twin: a FIFO ---- */

static char *tdir;
static char fifo[512];

static int sim_setup(void **state)
{
	(void)state;
	tdir = testutil_tmpdir("wake");
	if (!tdir)
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/wake.fifo", tdir);
	return 0;
}

static int sim_teardown(void **state)
{
	(void)state;
	testutil_rmtree_free(tdir);
	tdir = NULL;
	return 0;
}

static void put(const char *text)
{
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static struct wake *sim_wake(void)
{
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	struct stat st;

	assert_int_equal(wake_sim_new(fifo, &be), 0);
	assert_non_null(be);
	assert_int_equal(stat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(wake_new(be, DEB, &w), 0);
	return w;
}

static void test_wake_sim_press_line_is_one_press(void **state)
{
	struct wake *w = sim_wake();
	uint64_t next;

	(void)state;
	assert_false(readable(wake_fd(w)));
	put("press\n");
	assert_true(readable(wake_fd(w)));
	assert_int_equal(wake_dispatch(w, 5000, &next), 1);
	assert_false(readable(wake_fd(w)));
	/* The writer left: no end-of-file storm, nothing readable. */
	assert_int_equal(wake_dispatch(w, 5400, &next), 0);
	assert_false(readable(wake_fd(w)));
	wake_free(w);
	/* Made here, so removed here. */
	assert_int_equal(access(fifo, F_OK), -1);
}

static void test_wake_sim_glitches_and_held_levels(void **state)
{
	struct wake *w = sim_wake();
	uint64_t next;

	(void)state;
	/* Shorter than the debounce: a glitch. */
	put("press 5\n");
	assert_int_equal(wake_dispatch(w, 1000, &next), 0);
	put("down\nup\n");
	assert_int_equal(wake_dispatch(w, 2000, &next), 0);
	/* Held down: counted once the debounce has passed. */
	put("down\n");
	assert_int_equal(wake_dispatch(w, 3000, &next), 0);
	assert_int_equal(next, 3000 + DEB);
	assert_int_equal(wake_tick(w, 3000 + DEB, &next), 1);
	put("up\n");
	assert_int_equal(wake_dispatch(w, 4000, &next), 0);
	assert_int_equal(wake_presses(w), 1);
	wake_free(w);
}

static void test_wake_sim_split_and_bad_lines(void **state)
{
	struct wake *w = sim_wake();
	uint64_t next;

	(void)state;
	put("pre");
	assert_int_equal(wake_dispatch(w, 1000, &next), 0);
	put("ss 300\nbogus\npress x\n\npress\n");
	assert_int_equal(wake_dispatch(w, 1001, &next), 2);
	wake_free(w);
}

static void test_wake_sim_bad_paths(void **state)
{
	struct wake_backend *be = NULL;
	char file[600];

	(void)state;
	snprintf(file, sizeof(file), "%s/plain", tdir);
	assert_int_equal(testutil_write(file, "x"), 0);
	assert_int_equal(wake_sim_new(file, &be), -EINVAL);
	snprintf(file, sizeof(file), "%s/no/such/dir/wake.fifo", tdir);
	assert_int_equal(wake_sim_new(file, &be), -ENOENT);
	assert_int_equal(wake_sim_new("", &be), -EINVAL);
	assert_int_equal(wake_sim_new(NULL, &be), -EINVAL);
	assert_null(be);
}

static void test_wake_sim_existing_fifo_is_kept(void **state)
{
	struct wake_backend *be = NULL;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(wake_sim_new(fifo, &be), 0);
	be->destroy(be);
	assert_int_equal(access(fifo, F_OK), 0);
	unlink(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wake_clean_press_counts_after_debounce),
		cmocka_unit_test(test_wake_contact_bounce_is_one_press),
		cmocka_unit_test(
			test_wake_glitch_shorter_than_debounce_is_ignored),
		cmocka_unit_test(test_wake_release_read_late_still_counts),
		cmocka_unit_test(test_wake_lost_edges_do_not_double_count),
		cmocka_unit_test(test_wake_zero_debounce_counts_at_once),
		cmocka_unit_test(test_wake_debounce_out_of_range_is_einval),
		cmocka_unit_test(test_wake_dispatch_reads_feeds_and_ticks),
		cmocka_unit_test_setup_teardown(
			test_wake_sim_press_line_is_one_press, sim_setup,
			sim_teardown),
		cmocka_unit_test_setup_teardown(
			test_wake_sim_glitches_and_held_levels, sim_setup,
			sim_teardown),
		cmocka_unit_test_setup_teardown(
			test_wake_sim_split_and_bad_lines, sim_setup,
			sim_teardown),
		cmocka_unit_test_setup_teardown(test_wake_sim_bad_paths,
						sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(
			test_wake_sim_existing_fifo_is_kept, sim_setup,
			sim_teardown),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
