// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bare libfprint (no scanner.c) on the virtual_image reader fed with
 * synthetic fingers: proves the generator and the feeder's pacing work
 * with NBIS before anything of ours sits on top.  Enrols five fingers,
 * identifies fresh impressions, and checks that strangers match nobody.
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
#include <fprint.h>

#include "tools/fingergen.h"
#include "tools/vimage.h"

#define BARE_FINGERS	   5   /* enrolled fingers */
#define BARE_FINGER_BASE   101 /* their seeds: 101..105 */
#define BARE_STRANGERS	   50  /* unknown fingers that must not match */
#define BARE_STRANGER_BASE 5001
#define BARE_STEP_MS	   30000 /* one libfprint action, at most */
#define BARE_FEED_MS	   30000 /* feeder wait for NEEDED, at most */

struct bare {
	char dir[64];
	char sock[96];
	FpContext *ctx;
	FpDevice *dev;
	struct vimage_gate gate;
	struct vimage_feeder *feeder;
	FpFingerStatusFlags status; /* last seen finger-status */
	/* the running action */
	int done;
	GError *error;
	FpPrint *print; /* enrolled print or identify's match */
	int stages;	/* enrol progress reports */
	FpPrint *gallery[BARE_FINGERS];
};

static struct bare B;

static void bare_on_status(GObject *o, GParamSpec *ps, gpointer ud)
{
	struct bare *b = ud;
	FpFingerStatusFlags st = fp_device_get_finger_status(FP_DEVICE(o));

	(void)ps;
	if ((st & FP_FINGER_STATUS_NEEDED) &&
	    !(b->status & FP_FINGER_STATUS_NEEDED))
		vimage_gate_open(&b->gate);
	b->status = st;
}

static gboolean bare_on_timeout(gpointer p)
{
	*(int *)p = 1;
	return G_SOURCE_REMOVE;
}

/* Runs the default main context until b->done; -ETIMEDOUT after ms. */
static int bare_run(struct bare *b, unsigned int ms)
{
	int timed_out = 0;
	guint id = g_timeout_add(ms, bare_on_timeout, &timed_out);

	while (!b->done && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(id);
	return b->done ? 0 : -ETIMEDOUT;
}

static void bare_reset(struct bare *b)
{
	b->done = 0;
	g_clear_error(&b->error);
	g_clear_object(&b->print);
	b->stages = 0;
}

static void bare_open_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bare *b = ud;

	fp_device_open_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void bare_close_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bare *b = ud;

	fp_device_close_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void bare_enroll_progress(FpDevice *dev, gint stage, FpPrint *print,
				 gpointer ud, GError *error)
{
	struct bare *b = ud;

	(void)dev;
	(void)print;
	(void)stage;
	if (!error)
		b->stages++;
}

static void bare_enroll_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bare *b = ud;

	b->print = fp_device_enroll_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void bare_identify_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bare *b = ud;
	FpPrint *match = NULL;

	fp_device_identify_finish(FP_DEVICE(o), res, &match, NULL, &b->error);
	b->print = match;
	b->done = 1;
}

/* Enrols finger seed with impressions 1..stages. */
static int bare_enroll(struct bare *b, uint32_t finger, FpPrint **out)
{
	int stages = fp_device_get_nr_enroll_stages(b->dev);
	uint64_t g0 = vimage_gate_gen(&b->gate);
	FpPrint *tmpl = fp_print_new(b->dev);

	bare_reset(b);
	for (int i = 1; i <= stages; i++)
		assert_int_equal(vimage_feeder_push_finger(b->feeder, finger,
							   (uint32_t)i, g0),
				 0);
	fp_device_enroll(b->dev, tmpl, NULL, bare_enroll_progress, b, NULL,
			 bare_enroll_cb, b);
	if (bare_run(b, BARE_STEP_MS))
		return -ETIMEDOUT;
	if (b->error) {
		print_error("enrol finger %u: %s\n", finger, b->error->message);
		return -EIO;
	}
	assert_int_equal(b->stages, stages);
	*out = g_steal_pointer(&b->print);
	return 0;
}

/* Identifies impression imp of finger; *idx = gallery index or -1. */
static int bare_identify(struct bare *b, uint32_t finger, uint32_t imp,
			 int *idx)
{
	g_autoptr(GPtrArray) gal = g_ptr_array_new();
	uint64_t g0 = vimage_gate_gen(&b->gate);

	for (int i = 0; i < BARE_FINGERS; i++)
		g_ptr_array_add(gal, b->gallery[i]);
	bare_reset(b);
	assert_int_equal(vimage_feeder_push_finger(b->feeder, finger, imp, g0),
			 0);
	fp_device_identify(b->dev, gal, NULL, NULL, NULL, NULL,
			   bare_identify_cb, b);
	if (bare_run(b, BARE_STEP_MS))
		return -ETIMEDOUT;
	if (b->error) {
		print_error("identify finger %u/%u: %s\n", finger, imp,
			    b->error->message);
		return -EIO;
	}
	*idx = -1;
	for (int i = 0; b->print && i < BARE_FINGERS; i++)
		if (fp_print_equal(b->print, b->gallery[i]))
			*idx = i;
	return 0;
}

static int bare_setup(void **state)
{
	GPtrArray *devs;

	(void)state;
	snprintf(B.dir, sizeof(B.dir), "/tmp/pd-fpbare-XXXXXX");
	if (!mkdtemp(B.dir))
		return -1;
	snprintf(B.sock, sizeof(B.sock), "%s/vimage.sock", B.dir);
	setenv("FP_VIRTUAL_IMAGE", B.sock, 1);
	/* 1.94.5 reads WHITELIST; later releases ALLOWLIST: set both. */
	setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
	setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
	vimage_gate_init(&B.gate);
	B.ctx = fp_context_new();
	devs = fp_context_get_devices(B.ctx);
	for (guint i = 0; devs && i < devs->len; i++) {
		FpDevice *d = g_ptr_array_index(devs, i);

		if (!strcmp(fp_device_get_driver(d), "virtual_image"))
			B.dev = g_object_ref(d);
	}
	if (!B.dev) {
		fprintf(stderr, "libfprint has no virtual_image driver\n");
		exit(77);
	}
	g_signal_connect(B.dev, "notify::finger-status",
			 G_CALLBACK(bare_on_status), &B);
	bare_reset(&B);
	fp_device_open(B.dev, NULL, bare_open_cb, &B);
	if (bare_run(&B, BARE_STEP_MS) || B.error)
		return -1;
	return vimage_feeder_start(B.sock, &B.gate, BARE_FEED_MS, &B.feeder);
}

static int bare_teardown(void **state)
{
	(void)state;
	vimage_gate_shutdown(&B.gate);
	vimage_feeder_stop(B.feeder);
	bare_reset(&B);
	fp_device_close(B.dev, NULL, bare_close_cb, &B);
	bare_run(&B, BARE_STEP_MS);
	bare_reset(&B);
	for (int i = 0; i < BARE_FINGERS; i++)
		g_clear_object(&B.gallery[i]);
	g_clear_object(&B.dev);
	g_clear_object(&B.ctx);
	vimage_gate_destroy(&B.gate);
	unlink(B.sock);
	rmdir(B.dir);
	return 0;
}

static void test_fprint_bare_enroll_five_fingers_gives_five_prints(void **st)
{
	(void)st;
	for (int i = 0; i < BARE_FINGERS; i++) {
		assert_int_equal(bare_enroll(&B, BARE_FINGER_BASE + (uint32_t)i,
					     &B.gallery[i]),
				 0);
		assert_non_null(B.gallery[i]);
	}
	assert_int_equal(vimage_feeder_error(B.feeder), 0);
}

static void test_fprint_bare_identify_fresh_impression_matches_owner(void **st)
{
	(void)st;
	for (int i = 0; i < BARE_FINGERS; i++) {
		assert_non_null(B.gallery[i]);
		for (uint32_t imp = 6; imp <= 8; imp++) {
			int idx = -2;

			assert_int_equal(
				bare_identify(&B,
					      BARE_FINGER_BASE + (uint32_t)i,
					      imp, &idx),
				0);
			if (idx != i)
				print_error("finger %d impression %u -> %d\n",
					    i, imp, idx);
			assert_int_equal(idx, i);
		}
	}
}

static void test_fprint_bare_identify_stranger_matches_nobody(void **st)
{
	int false_matches = 0, n = BARE_STRANGERS;

	(void)st;
	/* PD_FPBARE_STRANGERS=N: more strangers when tuning fingergen. */
	if (getenv("PD_FPBARE_STRANGERS"))
		n = atoi(getenv("PD_FPBARE_STRANGERS"));
	for (int i = 0; i < n; i++) {
		int idx = -2;

		assert_int_equal(bare_identify(&B,
					       BARE_STRANGER_BASE + (uint32_t)i,
					       1, &idx),
				 0);
		if (idx != -1) {
			print_error("stranger %d matched print %d\n", i, idx);
			false_matches++;
		}
	}
	assert_int_equal(false_matches, 0);
	assert_int_equal(vimage_feeder_error(B.feeder), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_fprint_bare_enroll_five_fingers_gives_five_prints),
		cmocka_unit_test(
			test_fprint_bare_identify_fresh_impression_matches_owner),
		cmocka_unit_test(
			test_fprint_bare_identify_stranger_matches_nobody),
	};

	return cmocka_run_group_tests(tests, bare_setup, bare_teardown);
}
