// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hw/scanner.c against libfprint's virtual_image reader fed with
 * synthetic fingers: enrolment, identify results and keys, retry, the
 * TOO_HOT pause, unplug, and the duplicate-finger check.  Every test gets
 * its own scanner and socket; the prints enrolled first are reused.
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
#include <glib.h>

#include "log.h"
#include "scanner.h"
#include "tools/fingergen.h"
#include "tools/vimage.h"

#define T_FINGERS     3	    /* fingers enrolled by the first test */
#define T_FINGER_BASE 201   /* their seeds */
#define T_KEY_BASE    11    /* their gallery keys: 11, 12, 13 */
#define T_STRANGER    9001  /* a finger nobody enrolled */
#define T_EVENTS_MAX  256   /* events kept per test */
#define T_WAIT_MS     30000 /* any single wait, at most */
#define T_CHECK_IMP   9	    /* impression used for the duplicate check */

struct t_event {
	struct scanner_event ev;
	uint8_t *blob; /* ENROLL_DONE: copy */
};

struct t_ctx {
	char dir[64];
	char sock[96];
	struct scanner *s;
	struct vimage_gate gate;
	struct vimage_feeder *feeder;
	struct t_event ev[T_EVENTS_MAX];
	int n_ev;
	int reader;
};

/* Prints enrolled by the first test, reused by the others. */
static uint8_t *t_blob[T_FINGERS];
static size_t t_blob_len[T_FINGERS];

static void t_on_event(void *ud, const struct scanner_event *ev)
{
	struct t_ctx *t = ud;
	struct t_event *e;

	if (ev->kind == SCANNER_EV_ARMED)
		vimage_gate_open(&t->gate);
	if (t->n_ev >= T_EVENTS_MAX)
		return;
	e = &t->ev[t->n_ev++];
	e->ev = *ev;
	e->ev.model = NULL;
	e->ev.message = NULL;
	e->blob = NULL;
	if (ev->kind == SCANNER_EV_ENROLL_DONE && ev->blob) {
		e->blob = malloc(ev->blob_len);
		assert_non_null(e->blob);
		memcpy(e->blob, ev->blob, ev->blob_len);
		e->ev.blob = e->blob;
	}
}

static gboolean t_on_timeout(gpointer p)
{
	*(int *)p = 1;
	return G_SOURCE_REMOVE;
}

/*
 * Runs the main loop until an event of kind arrives at index >= *from;
 * returns it and moves *from past it, or NULL after T_WAIT_MS.
 */
static const struct scanner_event *
t_wait(struct t_ctx *t, enum scanner_event_kind kind, int *from)
{
	int timed_out = 0;
	guint id = g_timeout_add(T_WAIT_MS, t_on_timeout, &timed_out);

	for (;;) {
		for (int i = *from; i < t->n_ev; i++) {
			if (t->ev[i].ev.kind != kind)
				continue;
			*from = i + 1;
			g_source_remove(id);
			return &t->ev[i].ev;
		}
		if (timed_out)
			break;
		g_main_context_iteration(NULL, TRUE);
	}
	print_error("timed out waiting for event kind %d\n", kind);
	return NULL;
}

static uint64_t t_armed_gen(struct t_ctx *t)
{
	struct scanner_reader_info info;

	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	return info.armed_gen;
}

static int t_gallery(struct t_ctx *t, int n)
{
	struct scanner_print p[T_FINGERS];

	for (int i = 0; i < n; i++) {
		assert_non_null(t_blob[i]);
		p[i].key = T_KEY_BASE + i;
		p[i].blob = t_blob[i];
		p[i].blob_len = t_blob_len[i];
	}
	return scanner_gallery_set(t->s, p, (size_t)n);
}

static int t_setup(void **state)
{
	struct t_ctx *t = calloc(1, sizeof(*t));
	int from = 0;

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/pd-scanner-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->sock, sizeof(t->sock), "%s/vimage.sock", t->dir);
	/* Before fp_context_new (in scanner_new); 1.94.5 reads WHITELIST. */
	setenv("FP_VIRTUAL_IMAGE", t->sock, 1);
	setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
	setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
	vimage_gate_init(&t->gate);
	if (scanner_new(t_on_event, t, &t->s))
		return -1;
	if (scanner_reader_count(t->s) == 0) {
		fprintf(stderr, "libfprint has no virtual_image driver\n");
		exit(77);
	}
	if (!t_wait(t, SCANNER_EV_ADDED, &from))
		return -1;
	t->reader = t->ev[from - 1].ev.reader;
	if (vimage_feeder_start(t->sock, &t->gate, T_WAIT_MS, &t->feeder))
		return -1;
	*state = t;
	return 0;
}

static int t_teardown(void **state)
{
	struct t_ctx *t = *state;

	if (!t)
		return 0;
	vimage_gate_shutdown(&t->gate);
	vimage_feeder_stop(t->feeder);
	scanner_free(t->s);
	vimage_gate_destroy(&t->gate);
	for (int i = 0; i < t->n_ev; i++)
		free(t->ev[i].blob);
	unlink(t->sock);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Runs the loop until the reader waits for a finger (ARMED settled). */
static void t_settle(struct t_ctx *t)
{
	struct scanner_reader_info info;
	int k = t->n_ev;

	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	while (!info.armed) {
		assert_non_null(t_wait(t, SCANNER_EV_ARMED, &k));
		assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	}
}

/* Feeds an impression once the reader is armed past generation after. */
static void t_feed(struct t_ctx *t, uint32_t finger, uint32_t imp,
		   uint64_t after)
{
	assert_int_equal(
		vimage_feeder_push_finger(t->feeder, finger, imp, after), 0);
}

/* The next RESULT after *from, fed with finger/imp when armed. */
static const struct scanner_event *t_scan(struct t_ctx *t, uint32_t finger,
					  uint32_t imp, int *from)
{
	struct scanner_reader_info info;
	int armed_from = *from;

	/* Wait for identify to be armed (ARMED event or already armed). */
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	if (!info.armed)
		assert_non_null(t_wait(t, SCANNER_EV_ARMED, &armed_from));
	t_feed(t, finger, imp, t_armed_gen(t) - 1);
	return t_wait(t, SCANNER_EV_RESULT, from);
}

static void t_enroll(struct t_ctx *t, uint32_t finger, int slot)
{
	const struct scanner_event *ev;
	uint64_t g0;
	int from, stages = 0;

	t_settle(t);
	g0 = t_armed_gen(t);
	from = t->n_ev;
	assert_int_equal(scanner_enroll_start(t->s, t->reader), 0);
	/* One image for the duplicate check, then one per stage. */
	t_feed(t, finger, T_CHECK_IMP, g0);
	for (uint32_t i = 1; i <= 5; i++)
		t_feed(t, finger, i, g0);
	for (;;) {
		int k = from;

		ev = NULL;
		while (k < t->n_ev || !ev) {
			if (k >= t->n_ev) {
				g_main_context_iteration(NULL, TRUE);
				continue;
			}
			if (t->ev[k].ev.kind == SCANNER_EV_ENROLL_STAGE ||
			    t->ev[k].ev.kind == SCANNER_EV_ENROLL_DONE ||
			    t->ev[k].ev.kind == SCANNER_EV_ENROLL_FAILED) {
				ev = &t->ev[k].ev;
				k++;
				break;
			}
			k++;
		}
		from = k;
		if (ev->kind != SCANNER_EV_ENROLL_STAGE)
			break;
		stages++;
		assert_int_equal(ev->stage, stages);
		assert_int_equal(ev->stages, 5);
	}
	assert_int_equal(ev->kind, SCANNER_EV_ENROLL_DONE);
	assert_int_equal(stages, 5);
	assert_non_null(ev->blob);
	assert_true(ev->blob_len > 0);
	t_blob[slot] = malloc(ev->blob_len);
	assert_non_null(t_blob[slot]);
	memcpy(t_blob[slot], ev->blob, ev->blob_len);
	t_blob_len[slot] = ev->blob_len;
}

static void test_scanner_enroll_new_fingers_gives_blobs(void **state)
{
	struct t_ctx *t = *state;
	char model[PD_READER_MAX];

	assert_int_equal(scanner_gallery_set(t->s, NULL, 0), 0);
	for (int i = 0; i < T_FINGERS; i++) {
		t_enroll(t, T_FINGER_BASE + (uint32_t)i, i);
		/* Later enrolments check against the earlier prints. */
		assert_int_equal(t_gallery(t, i + 1), 0);
	}
	assert_int_equal(scanner_print_model(t_blob[0], t_blob_len[0], model,
					     sizeof(model)),
			 0);
	assert_string_equal(model, "virtual_image/0");
	assert_int_equal(vimage_feeder_error(t->feeder), 0);
}

static void test_scanner_identify_known_fingers_gives_their_keys(void **st)
{
	struct t_ctx *t = *st;
	int from = t->n_ev;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	for (int i = 0; i < T_FINGERS; i++) {
		const struct scanner_event *ev =
			t_scan(t, T_FINGER_BASE + (uint32_t)i, 7, &from);

		assert_non_null(ev);
		assert_int_equal(ev->outcome, SCAN_MATCH);
		assert_int_equal(ev->print_key, T_KEY_BASE + i);
		assert_int_equal(ev->reader, t->reader);
		assert_true(ev->t_image_us > 0);
		assert_true(ev->t_decision_us >= ev->t_image_us);
	}
}

static void test_scanner_identify_unknown_finger_gives_no_match(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	int from = t->n_ev;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	for (uint32_t f = T_STRANGER; f < T_STRANGER + 5; f++) {
		ev = t_scan(t, f, 1, &from);
		assert_non_null(ev);
		assert_int_equal(ev->outcome, SCAN_NO_MATCH);
	}
}

static void test_scanner_empty_gallery_scan_gives_no_match(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	int from = t->n_ev;

	assert_int_equal(scanner_gallery_set(t->s, NULL, 0), 0);
	ev = t_scan(t, T_FINGER_BASE, 7, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_NO_MATCH);
}

static void test_scanner_gallery_change_while_armed_uses_new_keys(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_print p = {.key = 99};
	uint64_t gen;
	int from;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	t_settle(t);
	/* Replace the gallery under a waiting identify: it restarts. */
	p.blob = t_blob[2];
	p.blob_len = t_blob_len[2];
	gen = t_armed_gen(t);
	from = t->n_ev;
	assert_int_equal(scanner_gallery_set(t->s, &p, 1), 0);
	/* The snapshot runs ahead of delivery: the arm t_settle saw may
	 * still be queued.  The restart is the first arm after it. */
	do {
		ev = t_wait(t, SCANNER_EV_ARMED, &from);
		assert_non_null(ev);
	} while (ev->armed_gen <= gen);
	ev = t_scan(t, T_FINGER_BASE + 2, 11, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, 99);
	ev = t_scan(t, T_FINGER_BASE, 11, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_NO_MATCH);
}

/* Asserts the reader's next identify tries exactly want[0 .. n). */
static void t_assert_order(struct t_ctx *t, const int64_t *want, size_t n)
{
	int64_t got[T_FINGERS + 1];
	size_t count = 0;

	assert_int_equal(
		scanner_gallery_keys(t->s, 0, got, T_FINGERS + 1, &count), 0);
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

static void test_scanner_gallery_order_lists_keys_first_rest_after(void **st)
{
	static const struct {
		int64_t keys[4];
		size_t n;
		int64_t want[T_FINGERS]; /* after this row, from the last */
	} rows[] = {
		{{0}, 0, {11, 12, 13}},	 /* nothing listed: as set */
		{{13}, 1, {13, 11, 12}}, /* one first, rest keep order */
		{{12}, 1, {12, 13, 11}}, /* rest as they were just now */
		{{999, 11, 4}, 3, {11, 12, 13}},     /* unknown keys ignored */
		{{13, 12, 13, 11}, 4, {13, 12, 11}}, /* repeat: first place */
	};
	struct t_ctx *t = *st;
	int64_t key = 13;
	size_t count;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(
			scanner_gallery_order(t->s, rows[i].keys, rows[i].n),
			0);
		t_assert_order(t, rows[i].want, T_FINGERS);
	}
	assert_int_equal(scanner_gallery_order(NULL, &key, 1), -EINVAL);
	assert_int_equal(scanner_gallery_order(t->s, NULL, 1), -EINVAL);
	assert_int_equal(scanner_gallery_keys(t->s, 0, NULL, 1, &count),
			 -EINVAL);
	assert_int_equal(scanner_gallery_keys(t->s, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(scanner_gallery_keys(t->s, 1, NULL, 0, &count),
			 -ENOENT);
	/* A gallery set afterwards is in its own order again. */
	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	t_assert_order(t, rows[0].want, T_FINGERS);
}

static void test_scanner_gallery_order_while_armed_keeps_identify(void **st)
{
	static const int64_t first[] = {T_KEY_BASE + 2};
	static const int64_t want[] = {T_KEY_BASE + 2, T_KEY_BASE,
				       T_KEY_BASE + 1};
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_reader_info info;
	uint64_t gen;
	int from;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	t_settle(t);
	gen = t_armed_gen(t);
	from = t->n_ev;
	assert_int_equal(scanner_gallery_order(t->s, first, 1), 0);
	/* Nothing restarts: no new arm, the same identify still waits. */
	while (g_main_context_iteration(NULL, FALSE))
		;
	for (int i = from; i < t->n_ev; i++)
		assert_int_not_equal(t->ev[i].ev.kind, SCANNER_EV_ARMED);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_string_equal(info.state, "identify");
	assert_int_equal(info.armed_gen, gen);
	assert_int_equal(info.gallery, T_FINGERS);
	t_assert_order(t, want, T_FINGERS);
	/* The waiting identify (old order), then the next (new order). */
	ev = t_scan(t, T_FINGER_BASE + 2, 12, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 2);
	for (int f = 0; f < T_FINGERS; f++) {
		ev = t_scan(t, T_FINGER_BASE + (uint32_t)f, 13, &from);
		assert_non_null(ev);
		assert_int_equal(ev->outcome, SCAN_MATCH);
		assert_int_equal(ev->print_key, T_KEY_BASE + f);
	}
}

static void test_scanner_retry_header_gives_retry_and_rearms(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_reader_info info;
	int from = t->n_ev, armed_from;
	uint64_t gen;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	armed_from = t->n_ev;
	if (!info.armed)
		assert_non_null(t_wait(t, SCANNER_EV_ARMED, &armed_from));
	gen = t_armed_gen(t);
	assert_int_equal(vimage_feeder_push_header(t->feeder, VIMAGE_HDR_RETRY,
						   VIMAGE_RETRY_CENTER,
						   gen - 1),
			 0);
	ev = t_wait(t, SCANNER_EV_RESULT, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_RETRY);
	assert_int_equal(ev->retry_code, VIMAGE_RETRY_CENTER);
	/* Re-armed by itself: a newer generation, and a scan works. */
	armed_from = from;
	ev = t_wait(t, SCANNER_EV_ARMED, &armed_from);
	assert_non_null(ev);
	assert_true(ev->armed_gen > gen);
	ev = t_scan(t, T_FINGER_BASE + 1, 8, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 1);
}

static void test_scanner_too_hot_header_cools_and_rearms(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_reader_info info;
	int from = t->n_ev, k;
	uint64_t gen;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	k = t->n_ev;
	if (!info.armed)
		assert_non_null(t_wait(t, SCANNER_EV_ARMED, &k));
	gen = t_armed_gen(t);
	assert_int_equal(vimage_feeder_push_header(t->feeder, VIMAGE_HDR_ERROR,
						   VIMAGE_ERR_TOO_HOT, gen - 1),
			 0);
	k = from;
	assert_non_null(t_wait(t, SCANNER_EV_COOLING, &k));
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_string_equal(info.state, "cooling");
	/* No RESULT for a heat pause, and no re-arm before COOLED. */
	for (int i = from; i < k; i++)
		assert_int_not_equal(t->ev[i].ev.kind, SCANNER_EV_RESULT);
	assert_non_null(t_wait(t, SCANNER_EV_COOLED, &k));
	for (int i = from; i < k; i++)
		assert_false(t->ev[i].ev.kind == SCANNER_EV_ARMED &&
			     t->ev[i].ev.armed_gen > gen);
	ev = t_scan(t, T_FINGER_BASE + 2, 8, &k);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 2);
}

/* Runs the loop until the reader's state is want, or T_WAIT_MS. */
static int t_until_state(struct t_ctx *t, const char *want)
{
	struct scanner_reader_info info;
	int timed_out = 0;
	guint id = g_timeout_add(T_WAIT_MS, t_on_timeout, &timed_out);

	for (;;) {
		assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
		if (strcmp(info.state, want) == 0) {
			g_source_remove(id);
			return 0;
		}
		if (timed_out)
			return -1;
		g_main_context_iteration(NULL, TRUE);
	}
}

/*
 * What a wake input relies on: a disarmed reader stops identifying (the
 * heat model then cools it), still enrols, stays idle after, and
 * identifies again once armed.  The virtual reader has libfprint's
 * default heat model.
 */
static void test_scanner_disarmed_reader_enrols_then_waits_for_arm(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_reader_info info;
	uint64_t g0;
	int from, stages = 0;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	t_settle(t);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_int_equal(info.heats, 1);
	scanner_set_armed(t->s, 0);
	assert_int_equal(t_until_state(t, "idle"), 0);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_int_equal(info.armed, 0);
	g0 = info.armed_gen;
	from = t->n_ev;
	assert_int_equal(scanner_enroll_start(t->s, t->reader), 0);
	t_feed(t, T_STRANGER + 7, T_CHECK_IMP, g0);
	for (uint32_t i = 1; i <= 5; i++)
		t_feed(t, T_STRANGER + 7, i, g0);
	for (;;) {
		ev = NULL;
		while (!ev) {
			for (; from < t->n_ev && !ev; from++)
				if (t->ev[from].ev.kind ==
					    SCANNER_EV_ENROLL_STAGE ||
				    t->ev[from].ev.kind ==
					    SCANNER_EV_ENROLL_DONE ||
				    t->ev[from].ev.kind ==
					    SCANNER_EV_ENROLL_FAILED)
					ev = &t->ev[from].ev;
			if (!ev)
				g_main_context_iteration(NULL, TRUE);
		}
		if (ev->kind != SCANNER_EV_ENROLL_STAGE)
			break;
		stages++;
	}
	assert_int_equal(ev->kind, SCANNER_EV_ENROLL_DONE);
	assert_int_equal(stages, 5);
	/* Still disarmed: no identify after the enrolment. */
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_string_equal(info.state, "idle");
	assert_int_equal(info.armed, 0);
	g0 = info.armed_gen;
	scanner_set_armed(t->s, 1);
	ev = t_wait(t, SCANNER_EV_ARMED, &from);
	assert_non_null(ev);
	assert_true(ev->armed_gen > g0);
	ev = t_scan(t, T_FINGER_BASE + 1, 11, &from);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 1);
}

static void test_scanner_unplug_gives_gone_and_removed(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	struct scanner_reader_info info;
	int from = t->n_ev, k;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	k = t->n_ev;
	if (!info.armed)
		assert_non_null(t_wait(t, SCANNER_EV_ARMED, &k));
	assert_int_equal(vimage_feeder_push_header(t->feeder, VIMAGE_HDR_UNPLUG,
						   0, t_armed_gen(t) - 1),
			 0);
	k = from;
	ev = t_wait(t, SCANNER_EV_RESULT, &k);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_GONE);
	assert_non_null(t_wait(t, SCANNER_EV_REMOVED, &k));
	assert_int_equal(scanner_reader_count(t->s), 0);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), -ENOENT);
	assert_int_equal(scanner_enroll_start(t->s, t->reader), -ENODEV);
}

static void test_scanner_enroll_duplicate_finger_fails_with_owner(void **st)
{
	struct t_ctx *t = *st;
	const struct scanner_event *ev;
	uint64_t g0;
	int from, k;

	assert_int_equal(t_gallery(t, T_FINGERS), 0);
	t_settle(t);
	g0 = t_armed_gen(t);
	from = t->n_ev;
	assert_int_equal(scanner_enroll_start(t->s, t->reader), 0);
	assert_int_equal(scanner_enroll_start(t->s, t->reader), -EBUSY);
	t_feed(t, T_FINGER_BASE + 1, T_CHECK_IMP, g0);
	k = from;
	ev = t_wait(t, SCANNER_EV_ENROLL_FAILED, &k);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 1);
	for (int i = from; i < k; i++)
		assert_int_not_equal(t->ev[i].ev.kind, SCANNER_EV_ENROLL_STAGE);
	/* Identify resumes: the owner is recognised again. */
	ev = t_scan(t, T_FINGER_BASE + 1, 10, &k);
	assert_non_null(ev);
	assert_int_equal(ev->outcome, SCAN_MATCH);
	assert_int_equal(ev->print_key, T_KEY_BASE + 1);
}

static void test_scanner_bad_arguments_give_errors(void **st)
{
	struct t_ctx *t = *st;
	struct scanner_reader_info info;
	struct scanner_print p[2];
	uint8_t junk[16] = "not a print";
	char model[PD_READER_MAX];
	int64_t keys[2];
	size_t count = 0;

	p[0].key = 77;
	p[0].blob = junk;
	p[0].blob_len = sizeof(junk);
	p[1].key = T_KEY_BASE;
	p[1].blob = t_blob[0];
	p[1].blob_len = t_blob_len[0];
	/* The bad blob is skipped (logged on the scanner thread), the good
	 * one is used; scanner_gallery_keys() waits for the set to apply. */
	assert_int_equal(scanner_gallery_set(t->s, p, 2), 0);
	assert_int_equal(scanner_gallery_keys(t->s, 0, keys, 2, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(keys[0], T_KEY_BASE);
	assert_int_equal(scanner_reader_info(t->s, 0, &info), 0);
	assert_int_equal(info.gallery, 1);
	assert_int_equal(scanner_gallery_set(t->s, NULL, 1), -EINVAL);
	assert_int_equal(scanner_gallery_set(NULL, p, 1), -EINVAL);
	assert_int_equal(scanner_reader_info(t->s, 1, &info), -ENOENT);
	assert_int_equal(scanner_enroll_start(t->s, t->reader + 100), -ENODEV);
	assert_int_equal(scanner_enroll_cancel(t->s), -ENOENT);
	assert_int_equal(
		scanner_print_model(junk, sizeof(junk), model, sizeof(model)),
		-EINVAL);
	assert_int_equal(
		scanner_print_model(t_blob[0], t_blob_len[0], model, 4),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_scanner_enroll_new_fingers_gives_blobs, t_setup,
			t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_identify_known_fingers_gives_their_keys,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_identify_unknown_finger_gives_no_match,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_empty_gallery_scan_gives_no_match, t_setup,
			t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_gallery_change_while_armed_uses_new_keys,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_gallery_order_lists_keys_first_rest_after,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_gallery_order_while_armed_keeps_identify,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_retry_header_gives_retry_and_rearms,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_too_hot_header_cools_and_rearms, t_setup,
			t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_enroll_duplicate_finger_fails_with_owner,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_bad_arguments_give_errors, t_setup,
			t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_disarmed_reader_enrols_then_waits_for_arm,
			t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(
			test_scanner_unplug_gives_gone_and_removed, t_setup,
			t_teardown),
	};
	int rc;

	log_init(getenv("PD_TEST_VERBOSE") ? LOG_TO_TTY : LOG_TO_NONE,
		 getenv("PD_TEST_VERBOSE") ? 2 : 0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (int i = 0; i < T_FINGERS; i++)
		free(t_blob[i]);
	return rc;
}
