// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Identify latency on the virtual_image reader, from the image reaching
 * the device (finger-status PRESENT) to the decision, for galleries of 5
 * and 50 synthetic prints: once over bare libfprint, once through
 * hw/scanner.c, and through scanner.c with the finger's print ordered
 * first or last by scanner_gallery_order() (what presensid's expected-
 * people order buys).  Prints median and p90 in ms; `make bench` runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fprint.h>

#include "log.h"
#include "scanner.h"
#include "tools/fingergen.h"
#include "tools/vimage.h"

#define B_PRINTS      50    /* largest gallery */
#define B_FINGER_BASE 301   /* enrolled seeds 301..350 */
#define B_STRANGER    7001  /* unknown seeds from here */
#define B_RUNS	      20    /* identifies per (gallery, kind) */
#define B_WAIT_MS     60000 /* any one step, at most */

static const int b_sizes[] = {5, 50};

struct bench {
	char dir[64];
	char sock[96];
	struct vimage_gate gate;
	struct vimage_feeder *feeder;
	/* bare libfprint */
	FpContext *ctx;
	FpDevice *dev;
	FpFingerStatusFlags status;
	uint64_t t_present;
	int done;
	GError *error;
	FpPrint *print;
	FpPrint *gallery[B_PRINTS];
	guchar *blob[B_PRINTS];
	gsize blob_len[B_PRINTS];
	/* scanner.c */
	struct scanner *s;
	int have_result;
	struct scanner_event result;
	uint64_t armed_gen;
	int armed;
};

static uint64_t b_now_us(void)
{
	return (uint64_t)g_get_monotonic_time();
}

static gboolean b_on_timeout(gpointer p)
{
	*(int *)p = 1;
	return G_SOURCE_REMOVE;
}

static int b_run_until(int *flag)
{
	int timed_out = 0;
	guint id = g_timeout_add(B_WAIT_MS, b_on_timeout, &timed_out);

	while (!*flag && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(id);
	return *flag ? 0 : -ETIMEDOUT;
}

static int b_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void b_report(const char *path, int gallery, const char *kind,
		     double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof(*ms), b_cmp);
	printf("%-8s %7d  %-8s %8.1f %8.1f %5d\n", path, gallery, kind,
	       ms[n / 2], ms[(n * 9 + 9) / 10 - 1], n);
}

/* ---- bare libfprint ------------------------------------------------------ */

static void b_on_status(GObject *o, GParamSpec *ps, gpointer ud)
{
	struct bench *b = ud;
	FpFingerStatusFlags st = fp_device_get_finger_status(FP_DEVICE(o));

	(void)ps;
	if ((st & FP_FINGER_STATUS_PRESENT) &&
	    !(b->status & FP_FINGER_STATUS_PRESENT))
		b->t_present = b_now_us();
	if ((st & FP_FINGER_STATUS_NEEDED) &&
	    !(b->status & FP_FINGER_STATUS_NEEDED))
		vimage_gate_open(&b->gate);
	b->status = st;
}

static void b_reset(struct bench *b)
{
	b->done = 0;
	g_clear_error(&b->error);
	g_clear_object(&b->print);
}

static void b_open_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bench *b = ud;

	fp_device_open_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void b_close_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bench *b = ud;

	fp_device_close_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void b_enroll_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bench *b = ud;

	b->print = fp_device_enroll_finish(FP_DEVICE(o), res, &b->error);
	b->done = 1;
}

static void b_identify_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct bench *b = ud;
	FpPrint *match = NULL;

	fp_device_identify_finish(FP_DEVICE(o), res, &match, NULL, &b->error);
	b->print = match;
	b->done = 1;
}

static void b_env(struct bench *b, const char *tag)
{
	snprintf(b->sock, sizeof(b->sock), "%s/%s.sock", b->dir, tag);
	setenv("FP_VIRTUAL_IMAGE", b->sock, 1);
	setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
	setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
}

static int b_bare_open(struct bench *b)
{
	GPtrArray *devs;

	b_env(b, "bare");
	b->ctx = fp_context_new();
	devs = fp_context_get_devices(b->ctx);
	for (guint i = 0; devs && i < devs->len; i++) {
		FpDevice *d = g_ptr_array_index(devs, i);

		if (!strcmp(fp_device_get_driver(d), "virtual_image"))
			b->dev = g_object_ref(d);
	}
	if (!b->dev)
		return -ENODEV;
	g_signal_connect(b->dev, "notify::finger-status",
			 G_CALLBACK(b_on_status), b);
	b_reset(b);
	fp_device_open(b->dev, NULL, b_open_cb, b);
	if (b_run_until(&b->done) || b->error)
		return -EIO;
	return vimage_feeder_start(b->sock, &b->gate, B_WAIT_MS, &b->feeder);
}

static int b_bare_enroll_all(struct bench *b)
{
	for (int i = 0; i < B_PRINTS; i++) {
		uint64_t g0 = vimage_gate_gen(&b->gate);

		for (uint32_t k = 1; k <= 5; k++)
			vimage_feeder_push_finger(
				b->feeder, B_FINGER_BASE + (uint32_t)i, k, g0);
		b_reset(b);
		fp_device_enroll(b->dev, fp_print_new(b->dev), NULL, NULL, NULL,
				 NULL, b_enroll_cb, b);
		if (b_run_until(&b->done) || b->error || !b->print) {
			fprintf(stderr, "bench: enrol %d: %s\n", i,
				b->error ? b->error->message : "timeout");
			return -EIO;
		}
		b->gallery[i] = g_steal_pointer(&b->print);
		if (!fp_print_serialize(b->gallery[i], &b->blob[i],
					&b->blob_len[i], NULL))
			return -EIO;
	}
	return 0;
}

/* One identify over the first n prints; latency in ms, or < 0. */
static double b_bare_identify(struct bench *b, int n, uint32_t finger,
			      int *matched)
{
	g_autoptr(GPtrArray) gal = g_ptr_array_new();
	uint64_t g0 = vimage_gate_gen(&b->gate);
	uint64_t t_end;

	for (int i = 0; i < n; i++)
		g_ptr_array_add(gal, b->gallery[i]);
	b_reset(b);
	b->t_present = 0;
	vimage_feeder_push_finger(b->feeder, finger, 6, g0);
	fp_device_identify(b->dev, gal, NULL, NULL, NULL, NULL, b_identify_cb,
			   b);
	if (b_run_until(&b->done) || b->error || !b->t_present)
		return -1;
	t_end = b_now_us();
	*matched = b->print != NULL;
	return (double)(t_end - b->t_present) / 1000.0;
}

static void b_bare_close(struct bench *b)
{
	vimage_gate_shutdown(&b->gate);
	vimage_feeder_stop(b->feeder);
	b->feeder = NULL;
	b_reset(b);
	fp_device_close(b->dev, NULL, b_close_cb, b);
	b_run_until(&b->done);
	b_reset(b);
	g_clear_object(&b->dev);
	g_clear_object(&b->ctx);
	unlink(b->sock);
}

static int b_bare(struct bench *b)
{
	double ms[B_RUNS];

	for (size_t z = 0; z < sizeof(b_sizes) / sizeof(b_sizes[0]); z++) {
		int n = b_sizes[z];

		for (int kind = 0; kind < 2; kind++) {
			for (int r = 0; r < B_RUNS; r++) {
				/* Matches spread over the whole gallery. */
				uint32_t f =
					kind == 0 ? B_FINGER_BASE +
							    (uint32_t)(r * n /
								       B_RUNS)
						  : B_STRANGER + (uint32_t)r;
				int matched = 0;

				ms[r] = b_bare_identify(b, n, f, &matched);
				if (ms[r] < 0 || matched != (kind == 0)) {
					fprintf(stderr,
						"bench: bare identify %u of %d:"
						" %s\n",
						f, n,
						ms[r] < 0 ? "failed"
							  : "wrong result");
					return -EIO;
				}
			}
			b_report("bare", n, kind == 0 ? "match" : "no-match",
				 ms, B_RUNS);
		}
	}
	return 0;
}

/* ---- through scanner.c --------------------------------------------------- */

static void b_on_event(void *ud, const struct scanner_event *ev)
{
	struct bench *b = ud;

	if (ev->kind == SCANNER_EV_ARMED) {
		b->armed_gen = ev->armed_gen;
		vimage_gate_open(&b->gate);
	}
	if (ev->kind == SCANNER_EV_RESULT) {
		b->result = *ev;
		b->have_result = 1;
	}
}

/*
 * One identify through scanner.c of finger f, whose print has key key, with
 * that print ordered first (first != 0) or last in the 50-print gallery.
 * The order applies from the next identify, so the armed one is restarted
 * (disarm, re-arm) and the scan waits for the new arm.  ms, or < 0.
 */
static double b_ordered_identify(struct bench *b, uint32_t f, int64_t key,
				 int first)
{
	int64_t keys[B_PRINTS];
	struct scanner_reader_info info;
	size_t n = 0;
	uint64_t gen;
	int rc;

	if (first) {
		keys[n++] = key;
	} else {
		for (int i = 0; i < B_PRINTS; i++)
			if (i != key)
				keys[n++] = i; /* unlisted key goes last */
	}
	rc = scanner_reader_info(b->s, 0, &info);
	gen = info.armed_gen;
	if (!rc)
		rc = scanner_gallery_order(b->s, keys, n);
	if (rc)
		return -1;
	scanner_set_armed(b->s, 0);
	scanner_set_armed(b->s, 1);
	do {
		g_main_context_iteration(NULL, TRUE);
		rc = scanner_reader_info(b->s, 0, &info);
	} while (!rc && !(info.armed && info.armed_gen > gen));
	b->have_result = 0;
	vimage_feeder_push_finger(b->feeder, f, 6, info.armed_gen - 1);
	if (rc || b_run_until(&b->have_result) ||
	    b->result.outcome != SCAN_MATCH || b->result.print_key != key) {
		fprintf(stderr, "bench: ordered %u (%s): outcome %d key %lld\n",
			f, first ? "first" : "last", b->result.outcome,
			(long long)b->result.print_key);
		return -1;
	}
	return (double)(b->result.t_decision_us - b->result.t_image_us) /
	       1000.0;
}

static int b_ordered(struct bench *b, const struct scanner_print *p)
{
	double ms[2][B_RUNS], med[2];
	int rc = scanner_gallery_set(b->s, p, B_PRINTS);

	for (int first = 1; !rc && first >= 0; first--) {
		for (int r = 0; r < B_RUNS; r++) {
			/* The same fingers as the match rows above. */
			int64_t key = r * B_PRINTS / B_RUNS;

			ms[first][r] = b_ordered_identify(
				b, B_FINGER_BASE + (uint32_t)key, key, first);
			if (ms[first][r] < 0)
				return -EIO;
		}
		b_report("ordered", B_PRINTS, first ? "first" : "last",
			 ms[first], B_RUNS);
		med[first] = ms[first][B_RUNS / 2]; /* sorted by b_report */
	}
	if (!rc)
		printf("ordered  %7d  speed-up of first over last: %.1fx "
		       "(median)\n",
		       B_PRINTS, med[1] > 0 ? med[0] / med[1] : 0.0);
	return rc;
}

static int b_scanner(struct bench *b)
{
	struct scanner_print p[B_PRINTS];
	struct scanner_reader_info info;
	double ms[B_RUNS];
	int rc;

	vimage_gate_init(&b->gate);
	b_env(b, "scanner");
	rc = scanner_new(b_on_event, b, &b->s);
	if (rc)
		return rc;
	rc = vimage_feeder_start(b->sock, &b->gate, B_WAIT_MS, &b->feeder);
	for (int i = 0; i < B_PRINTS; i++) {
		p[i].key = i;
		p[i].blob = b->blob[i];
		p[i].blob_len = b->blob_len[i];
	}
	for (size_t z = 0; !rc && z < sizeof(b_sizes) / sizeof(b_sizes[0]);
	     z++) {
		int n = b_sizes[z];

		rc = scanner_gallery_set(b->s, p, (size_t)n);
		for (int kind = 0; !rc && kind < 2; kind++) {
			for (int r = 0; !rc && r < B_RUNS; r++) {
				uint32_t f =
					kind == 0 ? B_FINGER_BASE +
							    (uint32_t)(r * n /
								       B_RUNS)
						  : B_STRANGER + (uint32_t)r;
				int want =
					kind == 0 ? SCAN_MATCH : SCAN_NO_MATCH;

				/* Settle: the reader waits for a finger. */
				do {
					g_main_context_iteration(NULL, TRUE);
					rc = scanner_reader_info(b->s, 0,
								 &info);
				} while (!rc && !info.armed);
				b->have_result = 0;
				vimage_feeder_push_finger(b->feeder, f, 6,
							  info.armed_gen - 1);
				if (!rc)
					rc = b_run_until(&b->have_result);
				if (!rc && b->result.outcome !=
						   (enum scan_outcome)want) {
					fprintf(stderr,
						"bench: scanner %u of %d: "
						"outcome %d\n",
						f, n, b->result.outcome);
					rc = -EIO;
				}
				ms[r] = (double)(b->result.t_decision_us -
						 b->result.t_image_us) /
					1000.0;
			}
			if (!rc)
				b_report("scanner", n,
					 kind == 0 ? "match" : "no-match", ms,
					 B_RUNS);
		}
	}
	if (!rc)
		rc = b_ordered(b, p);
	vimage_gate_shutdown(&b->gate);
	vimage_feeder_stop(b->feeder);
	scanner_free(b->s);
	vimage_gate_destroy(&b->gate);
	unlink(b->sock);
	return rc;
}

int main(void)
{
	static struct bench b;
	int rc;

	log_init(LOG_TO_STDERR, 0);
	snprintf(b.dir, sizeof(b.dir), "/tmp/pd-bench-XXXXXX");
	if (!mkdtemp(b.dir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	vimage_gate_init(&b.gate);
	rc = b_bare_open(&b);
	if (rc == -ENODEV) {
		printf("bench_identify: skipped: no virtual_image driver\n");
		rmdir(b.dir);
		return 0;
	}
	printf("identify latency, image at reader -> decision "
	       "(virtual_image, NBIS, %dx%d px)\n",
	       FINGERGEN_W, FINGERGEN_H);
	printf("%-8s %7s  %-8s %8s %8s %5s\n", "path", "gallery", "kind",
	       "med ms", "p90 ms", "runs");
	if (!rc)
		rc = b_bare_enroll_all(&b);
	if (!rc)
		rc = b_bare(&b);
	b_bare_close(&b);
	vimage_gate_destroy(&b.gate);
	if (!rc)
		rc = b_scanner(&b);
	for (int i = 0; i < B_PRINTS; i++) {
		g_clear_object(&b.gallery[i]);
		if (b.blob[i])
			explicit_bzero(b.blob[i], b.blob_len[i]);
		g_free(b.blob[i]);
	}
	rmdir(b.dir);
	if (rc) {
		fprintf(stderr, "bench_identify: failed: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
