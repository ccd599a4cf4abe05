// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How long the daemon's main loop stalls while libfprint identifies: a
 * client thread sends a ping every B_PING_MS to an echo served on the main
 * loop (as presensid serves its control socket) and times each round trip
 * from the moment it was due (open loop), while unknown fingers are identified
 * against a 200-print gallery on the virtual_image reader.  Two cases, side by
 * side in one run: main-loop  libfprint driven on the main loop itself (bare
 * libfprint on the main context: how scanner.c ran it before it had its own
 * thread; libfprint matches inside its callbacks); scanner    through
 * hw/scanner.c, which runs libfprint on its own thread and only hands events to
 * the main loop. Prints ping median, p95 and max (ms) and the identify time per
 * scan. PD_BENCH_STALL_PRINTS overrides the gallery size (default 200).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fprint.h>
#include <glib-unix.h>

#include "log.h"
#include "scanner.h"
#include "tools/fingergen.h"
#include "tools/vimage.h"

#define B_PRINTS_DEFAULT 200
#define B_PRINTS_MAX	 1000
#define B_FINGER_BASE	 5001  /* enrolled seeds from here */
#define B_STRANGER	 90001 /* unknown fingers from here */
#define B_SCANS		 12    /* unknown-finger identifies per case */
#define B_PING_MS	 10    /* one ping every this many ms */
#define B_PINGS_MAX	 20000 /* round trips kept per case */
#define B_WAIT_MS	 120000
#define B_GOAL_MS	 50.0 /* a control round trip never over this */

struct pinger {
	int fd; /* client end */
	pthread_t th;
	pthread_mutex_t mu;
	int stop;
	size_t n;
	double ms[B_PINGS_MAX];
	double wake_max_ms; /* the client's own lateness waking up: noise */
	int err;
};

struct bench {
	char dir[64];
	char sock[96];
	struct vimage_gate gate;
	struct vimage_feeder *feeder;
	int nprints;
	/* bare libfprint */
	FpContext *ctx;
	FpDevice *dev;
	FpFingerStatusFlags status;
	int done;
	GError *error;
	FpPrint *print;
	FpPrint **gallery;
	guchar **blob;
	gsize *blob_len;
	/* scanner.c */
	struct scanner *s;
	int have_result;
	struct scanner_event result;
	int armed;
	/* the echo on the main loop */
	int echo_fd;
	guint echo_src;
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

/* ---- the echo (main loop) and the pinging client (its own thread) ---- */

static gboolean b_echo_cb(gint fd, GIOCondition cond, gpointer ud)
{
	char buf[64];
	ssize_t n;

	(void)cond;
	(void)ud;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return G_SOURCE_REMOVE;
	if (write(fd, buf, (size_t)n) != n)
		return G_SOURCE_REMOVE;
	return G_SOURCE_CONTINUE;
}

/*
 * Open loop: ping k is due at start + k * B_PING_MS and its latency counts
 * from then, so a stall of 1 s counts as the 100 pings it held up (from
 * 1 s down to 0), not as one slow ping (no coordinated omission).
 */
static void *b_ping_main(void *ud)
{
	struct pinger *p = ud;
	uint64_t due = b_now_us();

	for (;;) {
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
		uint64_t now = b_now_us();
		char c = 'p';
		int stop;

		pthread_mutex_lock(&p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		if (now < due) {
			double late;

			g_usleep((gulong)(due - now));
			/* the scheduler's share of a slow round trip */
			late = (double)(b_now_us() - due) / 1000.0;
			if (late > p->wake_max_ms)
				p->wake_max_ms = late;
		}
		if (write(p->fd, &c, 1) != 1 || poll(&pfd, 1, B_WAIT_MS) != 1 ||
		    read(p->fd, &c, 1) != 1) {
			p->err = -EIO;
			break;
		}
		if (p->n < B_PINGS_MAX)
			p->ms[p->n++] = (double)(b_now_us() - due) / 1000.0;
		due += B_PING_MS * 1000;
	}
	return NULL;
}

static int b_ping_start(struct bench *b, struct pinger *p)
{
	int sv[2];

	memset(p, 0, sizeof(*p));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	b->echo_fd = sv[0];
	p->fd = sv[1];
	b->echo_src = g_unix_fd_add(sv[0], G_IO_IN, b_echo_cb, b);
	pthread_mutex_init(&p->mu, NULL);
	if (pthread_create(&p->th, NULL, b_ping_main, p)) {
		g_source_remove(b->echo_src);
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	return 0;
}

/* Stops the client; the main loop keeps answering until it has. */
static void b_ping_stop(struct bench *b, struct pinger *p)
{
	int joined = 0;

	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_mutex_unlock(&p->mu);
	while (!joined) {
		g_main_context_iteration(NULL, FALSE);
		joined = pthread_tryjoin_np(p->th, NULL) == 0;
		if (!joined)
			g_usleep(1000);
	}
	g_source_remove(b->echo_src);
	close(b->echo_fd);
	close(p->fd);
	pthread_mutex_destroy(&p->mu);
}

static void b_report(const char *path, int n, struct pinger *p, double *id_ms,
		     int nid)
{
	double med, p95, max;

	qsort(p->ms, p->n, sizeof(p->ms[0]), b_cmp);
	qsort(id_ms, (size_t)nid, sizeof(*id_ms), b_cmp);
	med = p->n ? p->ms[p->n / 2] : 0;
	p95 = p->n ? p->ms[(p->n * 95 + 99) / 100 - 1] : 0;
	max = p->n ? p->ms[p->n - 1] : 0;
	printf("%-10s %7d %6zu %8.2f %8.2f %8.1f %9.1f %8.1f  %s\n", path, n,
	       p->n, med, p95, max, id_ms[nid / 2], p->wake_max_ms,
	       max <= B_GOAL_MS ? "goal met" : "over the goal");
}

/* ---- bare libfprint on the main loop ---- */

static void b_on_status(GObject *o, GParamSpec *ps, gpointer ud)
{
	struct bench *b = ud;
	FpFingerStatusFlags st = fp_device_get_finger_status(FP_DEVICE(o));

	(void)ps;
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
	for (int i = 0; i < b->nprints; i++) {
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

static int b_bare(struct bench *b)
{
	g_autoptr(GPtrArray) gal = g_ptr_array_new();
	double id_ms[B_SCANS];
	struct pinger p;
	int rc;

	for (int i = 0; i < b->nprints; i++)
		g_ptr_array_add(gal, b->gallery[i]);
	rc = b_ping_start(b, &p);
	for (int r = 0; !rc && r < B_SCANS; r++) {
		uint64_t g0 = vimage_gate_gen(&b->gate), t0;

		b_reset(b);
		vimage_feeder_push_finger(b->feeder, B_STRANGER + (uint32_t)r,
					  6, g0);
		t0 = b_now_us();
		fp_device_identify(b->dev, gal, NULL, NULL, NULL, NULL,
				   b_identify_cb, b);
		/* a synthetic stranger may match (false accept) at 200:
		 * the scan then stops early; it still stalls until then */
		if (b_run_until(&b->done) || b->error) {
			fprintf(stderr, "bench: main-loop identify %d: %s\n", r,
				b->error ? b->error->message : "timeout");
			rc = -EIO;
		}
		id_ms[r] = (double)(b_now_us() - t0) / 1000.0;
	}
	b_ping_stop(b, &p);
	if (!rc && p.err)
		rc = p.err;
	if (!rc)
		b_report("main-loop", b->nprints, &p, id_ms, B_SCANS);
	return rc;
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

/* ---- through scanner.c ---- */

static void b_on_event(void *ud, const struct scanner_event *ev)
{
	struct bench *b = ud;

	if (ev->kind == SCANNER_EV_ARMED) {
		b->armed = 1;
		vimage_gate_open(&b->gate);
	}
	if (ev->kind == SCANNER_EV_RESULT) {
		b->result = *ev;
		b->result.model = NULL;
		b->result.message = NULL;
		b->armed = 0;
		b->have_result = 1;
	}
}

static int b_scanner(struct bench *b)
{
	struct scanner_print *pr = calloc((size_t)b->nprints, sizeof(*pr));
	struct scanner_reader_info info;
	double id_ms[B_SCANS];
	struct pinger p;
	int rc;

	if (!pr)
		return -ENOMEM;
	vimage_gate_init(&b->gate);
	b_env(b, "scanner");
	rc = scanner_new(b_on_event, b, &b->s);
	if (rc) {
		free(pr);
		return rc;
	}
	rc = vimage_feeder_start(b->sock, &b->gate, B_WAIT_MS, &b->feeder);
	for (int i = 0; i < b->nprints; i++) {
		pr[i].key = i;
		pr[i].blob = b->blob[i];
		pr[i].blob_len = b->blob_len[i];
	}
	if (!rc)
		rc = scanner_gallery_set(b->s, pr, (size_t)b->nprints);
	if (!rc)
		rc = b_ping_start(b, &p);
	for (int r = 0; !rc && r < B_SCANS; r++) {
		uint64_t t0;

		/* The reader waits for a finger (its arm was announced). */
		for (;;) {
			rc = scanner_reader_info(b->s, 0, &info);
			if (rc ||
			    (info.armed && info.gallery == (size_t)b->nprints))
				break;
			g_main_context_iteration(NULL, TRUE);
		}
		b->have_result = 0;
		t0 = b_now_us();
		vimage_feeder_push_finger(b->feeder, B_STRANGER + (uint32_t)r,
					  6, info.armed_gen - 1);
		if (!rc)
			rc = b_run_until(&b->have_result);
		if (!rc && b->result.outcome != SCAN_NO_MATCH &&
		    b->result.outcome != SCAN_MATCH) {
			fprintf(stderr,
				"bench: scanner identify %d: outcome %d\n", r,
				b->result.outcome);
			rc = -EIO;
		}
		id_ms[r] = (double)(b_now_us() - t0) / 1000.0;
	}
	if (b->echo_src) {
		b_ping_stop(b, &p);
		if (!rc && p.err)
			rc = p.err;
		if (!rc)
			b_report("scanner", b->nprints, &p, id_ms, B_SCANS);
	}
	vimage_gate_shutdown(&b->gate);
	vimage_feeder_stop(b->feeder);
	scanner_free(b->s);
	vimage_gate_destroy(&b->gate);
	unlink(b->sock);
	free(pr);
	return rc;
}

int main(void)
{
	static struct bench b;
	const char *env = getenv("PD_BENCH_STALL_PRINTS");
	uint64_t t0;
	int rc;

	log_init(LOG_TO_STDERR, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	b.nprints = env ? atoi(env) : B_PRINTS_DEFAULT;
	if (b.nprints < 1 || b.nprints > B_PRINTS_MAX)
		b.nprints = B_PRINTS_DEFAULT;
	b.gallery = calloc((size_t)b.nprints, sizeof(*b.gallery));
	b.blob = calloc((size_t)b.nprints, sizeof(*b.blob));
	b.blob_len = calloc((size_t)b.nprints, sizeof(*b.blob_len));
	if (!b.gallery || !b.blob || !b.blob_len)
		return 1;
	snprintf(b.dir, sizeof(b.dir), "/tmp/pd-bench-XXXXXX");
	if (!mkdtemp(b.dir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	vimage_gate_init(&b.gate);
	rc = b_bare_open(&b);
	if (rc == -ENODEV) {
		printf("bench_stall: skipped: no virtual_image driver\n");
		rmdir(b.dir);
		return 0;
	}
	t0 = b_now_us();
	if (!rc)
		rc = b_bare_enroll_all(&b);
	fprintf(stderr, "bench_stall: %d prints enrolled in %.1f s\n",
		b.nprints, (double)(b_now_us() - t0) / 1e6);
	printf("main-loop stall: ping round trips (one every %d ms) during "
	       "%d unknown-finger identifies (goal: max <= %.0f ms)\n",
	       B_PING_MS, B_SCANS, B_GOAL_MS);
	printf("(wake ms: the pinging client's own worst lateness waking up, "
	       "the machine's scheduling noise)\n");
	printf("%-10s %7s %6s %8s %8s %8s %9s %8s\n", "libfprint", "gallery",
	       "pings", "med ms", "p95 ms", "max ms", "scan ms", "wake ms");
	if (!rc)
		rc = b_bare(&b);
	b_bare_close(&b);
	vimage_gate_destroy(&b.gate);
	if (!rc)
		rc = b_scanner(&b);
	for (int i = 0; i < b.nprints; i++) {
		g_clear_object(&b.gallery[i]);
		if (b.blob[i])
			explicit_bzero(b.blob[i], b.blob_len[i]);
		g_free(b.blob[i]);
	}
	free(b.gallery);
	free(b.blob);
	free(b.blob_len);
	rmdir(b.dir);
	if (rc) {
		fprintf(stderr, "bench_stall: failed: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
