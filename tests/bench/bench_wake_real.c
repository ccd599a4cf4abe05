// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The real thing, opt-in (`make bench-wake-real`, or PD_BENCH_WAKE_REAL=1
 * with `make bench`): three build/presensid daemons side by side on
 * libfprint's virtual_image reader, whose heat model is libfprint's own,
 * run PD_BENCH_WAKE_MIN minutes (default 20) of synthetic fingers arriving
 * at random times (seeded): (a) armed all the time ([wake] duty = no),
 * (b) the simulated wake input, pressed by each arrival and again every
 * REPRESS_S while the person waits, (c) no wake input, inside the busy
 * window around jam masuk (simulated clock from 07:05, speed 1).  Each
 * arrival waits until the reader is armed, places its finger, and counts
 * as served at once when its result light came within AT_ONCE_MS; the
 * cooling light seen while waiting is counted too.  Prints one table.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fakes/testutil.h"
#include "tools/fingergen.h"
#include "tools/pdfeed.h"
#include "tools/vimage.h"

#define PEOPLE	     6	 /* enrolled per daemon */
#define FINGER_BASE  501 /* their synthetic finger seeds */
#define ARRIVALS_DEF 30	 /* over the run */
#define MINUTES_DEF  20
#define SEED	     20261123u
#define AT_ONCE_MS   5000  /* a result within this counts as at once */
#define REPRESS_S    20	   /* (b): a waiting person presses again */
#define GIVE_UP_S    600   /* nobody waits longer */
#define RESULT_MS    10000 /* the image was lost if no light by then */
#define LOST_MS	     1500  /* ... or by this long after a rest began */
#define ARRIVALS_MAX 200

struct variant {
	const char *name;
	const char *wake; /* the [wake] section, unless press */
	bool press;	  /* arrivals press the wake input */
	char dir[256], conf[320], ctl[320], vsock[320], simlog[320];
	char fifo[320];
	pid_t pid;
	/* results */
	int n, once, zero, cooling, lost, gave_up;
	double wait_sum_ms, wait_max_ms;
};

struct arrival {
	uint64_t at_ms; /* from the start of the run */
	uint32_t finger, imp;
};

static struct arrival arr[ARRIVALS_MAX];
static int n_arr;
static uint64_t t_start_ms;
static char bin_d[512], bin_c[512], top[400];

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int cli(struct variant *v, char **out, ...)
{
	char *argv[24];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = v->conf;
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	return testutil_run(argv, out);
}

static int start(struct variant *v)
{
	char text[4096], wake[512], *out = NULL;

	snprintf(v->conf, sizeof(v->conf), "%s/presensi.conf", v->dir);
	snprintf(v->ctl, sizeof(v->ctl), "%s/ctl.sock", v->dir);
	snprintf(v->vsock, sizeof(v->vsock), "%s/vimage.sock", v->dir);
	snprintf(v->simlog, sizeof(v->simlog), "%s/lights.log", v->dir);
	snprintf(v->fifo, sizeof(v->fifo), "%s/wake.fifo", v->dir);
	/* The [wake] section; (b) names its FIFO. */
	if (v->press)
		snprintf(wake, sizeof(wake),
			 "[wake]\nbackend = sim\nsim_path = %s\n", v->fifo);
	else
		snprintf(wake, sizeof(wake), "%s", v->wake);
	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Bench\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s/p.db\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[clock]\nsource = simulated\n"
		 "simulated_start = 2026-11-23 07:05:00\n"
		 "simulated_speed = 1\n[rules]\nprofile = %s/firmware/"
		 "profiles/ppu-24-2018-5hari.ini\n%s",
		 v->dir, v->ctl, v->simlog, top, wake);
	if (testutil_write(v->conf, text) < 0)
		return -1;
	v->pid = fork();
	if (v->pid == 0) {
		char logp[400];

		snprintf(logp, sizeof(logp), "%s/presensid.log", v->dir);
		if (!freopen(logp, "w", stderr))
			_exit(126);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", v->vsock, 1);
		execl(bin_d, bin_d, "--config", v->conf, "--debug",
		      (char *)NULL);
		_exit(127);
	}
	/* Up when the reader is open: its light leaves "fault". */
	for (int i = 0; i < 400; i++) {
		out = testutil_slurp(v->simlog, NULL);
		if (out &&
		    (strstr(out, " ready\n") || strstr(out, " standby\n"))) {
			free(out);
			return 0;
		}
		free(out);
		sleep_ms(50);
	}
	return -1;
}

static void stop(struct variant *v)
{
	if (v->pid <= 0)
		return;
	kill(v->pid, SIGTERM);
	waitpid(v->pid, NULL, 0);
	v->pid = 0;
}

static int enroll(struct variant *v, const char *id, uint32_t seed)
{
	char outp[400];
	pid_t pid;
	int status = -1, fed = 0;

	snprintf(outp, sizeof(outp), "%s/enroll-%s.out", v->dir, id);
	pid = fork();
	if (pid == 0) {
		if (!freopen(outp, "w", stdout) || !freopen(outp, "a", stderr))
			_exit(126);
		execl(bin_c, bin_c, "--config", v->conf, "enroll", "--id", id,
		      "--finger", "right-index", "--consent", "yes",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 2000; i++) {
		char *t = testutil_slurp(outp, NULL);
		int asked = t && strstr(t, "place the finger");

		free(t);
		if (asked || waitpid(pid, &status, WNOHANG) == pid)
			break;
		sleep_ms(10);
	}
	for (; fed < 12; fed++) {
		struct pdfeed f = {.ctl = v->ctl,
				   .vimage = v->vsock,
				   .kind = PDFEED_IMAGE,
				   .finger = seed,
				   .impression = 1 + (uint32_t)fed,
				   .wait_after = 1,
				   .enrolment = 1,
				   .timeout_ms = 20000};

		if (pdfeed_send(&f) < 0)
			break;
	}
	if (waitpid(pid, &status, 0) < 0 && errno != ECHILD)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void press(struct variant *v)
{
	int fd = open(v->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "press\n", 6) != 6)
			fprintf(stderr, "%s: cannot press\n", v->name);
		close(fd);
	}
}

/*
 * Scans the light log: *result_ms gets the time of the first result light
 * (ok, late, flagged, unknown, retry) at or after from_ms, 0 if none yet;
 * *rested whether "standby" came at or after from_ms before any result
 * (the reader went to rest under the finger).  Returns whether the
 * cooling light was on at since_ms or came on up to until_ms.
 */
static bool scan_lights(struct variant *v, uint64_t since_ms, uint64_t from_ms,
			uint64_t until_ms, uint64_t *result_ms, bool *rested)
{
	static const char *const results[] = {"ok", "late", "flagged",
					      "unknown", "retry"};
	char *log = testutil_slurp(v->simlog, NULL), *line, *save = NULL;
	bool cooling = false, base_cooling = false;

	*result_ms = 0;
	*rested = false;
	if (!log)
		return false;
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char st[32];
		uint64_t t;

		if (sscanf(line, "%" SCNu64 " %31s", &t, st) != 2)
			continue;
		/* Each change is logged, the return to a base state too. */
		if (t <= since_ms)
			base_cooling = strcmp(st, "cooling") == 0;
		else if (t <= until_ms && strcmp(st, "cooling") == 0)
			cooling = true;
		if (!*result_ms && t >= from_ms && strcmp(st, "standby") == 0)
			*rested = true;
		for (size_t i = 0; i < sizeof(results) / sizeof(results[0]);
		     i++)
			if (!*result_ms && t >= from_ms &&
			    strcmp(st, results[i]) == 0)
				*result_ms = t;
	}
	free(log);
	return cooling || base_cooling;
}

/* One arrival: wait for the arm (pressing if we may), place the finger,
 * wait for the light.  Returns the ms from arrival to the result. */
static int64_t serve(struct variant *v, struct vimage *vi, uint8_t *img,
		     const struct arrival *a, uint64_t *gen, bool *cooling,
		     bool *zero)
{
	/* From the scheduled arrival: an earlier person may have kept us. */
	uint64_t t_arr = t_start_ms + a->at_ms, g = 0, res = 0;
	bool rested;

	*zero = false;
	if (v->press)
		press(v);
	for (;;) {
		uint64_t t_send;
		int rc = pdfeed_wait_armed(v->ctl, 0, *gen, 0, REPRESS_S * 1000,
					   &g);

		if (rc == -ETIMEDOUT) {
			if (mono_ms() - t_arr > GIVE_UP_S * 1000u)
				return -1;
			if (v->press)
				press(v);
			continue;
		}
		if (rc < 0)
			return -1;
		/* Armed the moment the person came. */
		if (mono_ms() - t_arr < 50)
			*zero = true;
		*gen = g;
		t_send = mono_ms();
		if (vimage_send_image(vi, img, FINGERGEN_W, FINGERGEN_H) < 0)
			return -1;
		rested = false;
		for (uint64_t until = t_send + RESULT_MS; mono_ms() < until;) {
			bool was = rested;

			*cooling = scan_lights(v, t_arr, t_send, mono_ms(),
					       &res, &rested);
			if (res)
				return (int64_t)(res - t_arr);
			/* Standby shows at once, an identify that has the
			 * image still finishes: give it a moment. */
			if (rested && !was)
				until = mono_ms() + LOST_MS;
			sleep_ms(20);
		}
		/* Placed as the reader went to rest: the virtual reader
		 * drops the image (a real one would take the finger still on
		 * its glass at the next arm), so place it again then. */
		v->lost++;
	}
}

static void *run_variant(void *ud)
{
	struct variant *v = ud;
	struct vimage *vi = NULL;
	uint8_t *img = malloc((size_t)FINGERGEN_W * FINGERGEN_H);
	uint64_t gen = 0;

	if (!img || vimage_connect(v->vsock, 10000, &vi) < 0) {
		fprintf(stderr, "%s: cannot reach the reader\n", v->name);
		free(img);
		return NULL;
	}
	for (int i = 0; i < n_arr; i++) {
		uint64_t now = mono_ms() - t_start_ms;
		bool cooling = false, zero = false;
		int64_t w;

		/* The finger exists before its owner arrives: render it
		 * first, so its cost is not counted as waiting. */
		if (fingergen_render(arr[i].finger, arr[i].imp, img,
				     FINGERGEN_W, FINGERGEN_H) < 0)
			break;
		now = mono_ms() - t_start_ms;
		if (arr[i].at_ms > now)
			sleep_ms(arr[i].at_ms - now);
		w = serve(v, vi, img, &arr[i], &gen, &cooling, &zero);
		v->n++;
		if (w < 0) {
			v->gave_up++;
			continue;
		}
		v->once += w <= AT_ONCE_MS && !cooling;
		v->zero += zero;
		v->cooling += cooling;
		v->wait_sum_ms += (double)w;
		if (w > v->wait_max_ms)
			v->wait_max_ms = (double)w;
	}
	vimage_close(vi);
	free(img);
	return NULL;
}

static int count_state(struct variant *v, const char *state)
{
	char *log = testutil_slurp(v->simlog, NULL), pat[40];
	int n;

	if (!log)
		return 0;
	snprintf(pat, sizeof(pat), " %s\n", state);
	n = testutil_count(log, pat);
	free(log);
	return n;
}

/* Stops every daemon started, keeps the work dir for a look. */
static int fail(struct variant *v, size_t nv, char *base)
{
	for (size_t k = 0; k < nv; k++)
		stop(&v[k]);
	fprintf(stderr, "work dir kept: %s\n", base);
	free(base);
	return 1;
}

static uint64_t rng = SEED;

static uint64_t rng_next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int by_time(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	return x->at_ms < y->at_ms ? -1 : x->at_ms > y->at_ms;
}

int main(void)
{
	static struct variant v[] = {
		{.name = "(a) always armed", .wake = "[wake]\nduty = no\n"},
		{.name = "(b) wake input", .wake = "", .press = true},
		{.name = "(c) duty cycle", .wake = "[wake]\nduty = yes\n"},
	};
	const size_t nv = sizeof(v) / sizeof(v[0]);
	const char *o = getenv("O") ? getenv("O") : "build";
	const char *env;
	pthread_t th[3];
	int minutes = MINUTES_DEF;
	char *base;

	if (!getenv("PD_BENCH_WAKE_REAL")) {
		printf("skipped: the %d-minute run against the virtual reader "
		       "is opt-in (make bench-wake-real)\n",
		       MINUTES_DEF);
		return 0;
	}
	if ((env = getenv("PD_BENCH_WAKE_MIN")))
		minutes = atoi(env);
	n_arr = ARRIVALS_DEF;
	if ((env = getenv("PD_BENCH_WAKE_N")))
		n_arr = atoi(env);
	if (minutes < 1 || n_arr < 1 || n_arr > ARRIVALS_MAX ||
	    !getcwd(top, sizeof(top)))
		return 2;
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", top, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", top, o);
	for (int i = 0; i < n_arr; i++) {
		arr[i].at_ms = rng_next() % ((uint64_t)minutes * 60000u);
		arr[i].finger = FINGER_BASE + (uint32_t)(rng_next() % PEOPLE);
		arr[i].imp = 20 + (uint32_t)i;
	}
	qsort(arr, (size_t)n_arr, sizeof(arr[0]), by_time);
	base = testutil_tmpdir("wake-real");
	if (!base)
		return 1;
	printf("Real run: %d arrivals over %d min, seed %u, %d people "
	       "enrolled on each of %zu daemons (virtual_image, libfprint's "
	       "own heat model); work dir %s\n",
	       n_arr, minutes, SEED, PEOPLE, nv, base);
	fflush(stdout);
	fflush(stdout);
	for (size_t k = 0; k < nv; k++) {
		char *out = NULL, id[16], name[32];

		snprintf(v[k].dir, sizeof(v[k].dir), "%s/%c", base,
			 (int)('a' + k));
		if (mkdir(v[k].dir, 0700) < 0 || start(&v[k]) < 0) {
			fprintf(stderr, "%s: presensid did not start\n",
				v[k].name);
			return fail(v, nv, base);
		}
		for (int p = 0; p < PEOPLE; p++) {
			snprintf(id, sizeof(id), "%d", 101 + p);
			snprintf(name, sizeof(name), "Orang %d", p + 1);
			if (cli(&v[k], &out, "person", "add", "--id", id,
				"--name", name, "--jabatan", "Kasi", "--since",
				"2026-11-01", NULL) != 0 ||
			    enroll(&v[k], id, FINGER_BASE + (uint32_t)p) != 0) {
				fprintf(stderr, "%s: enrolment of %s failed\n",
					v[k].name, id);
				return fail(v, nv, base);
			}
			free(out);
			out = NULL;
		}
	}
	t_start_ms = mono_ms();
	for (size_t k = 0; k < nv; k++)
		pthread_create(&th[k], NULL, run_variant, &v[k]);
	for (size_t k = 0; k < nv; k++)
		pthread_join(th[k], NULL);
	printf("\n%-18s %8s %9s %8s %8s %8s %8s %6s %5s\n", "policy", "at once",
	       "no wait", "cooling", "mean s", "max s", "lost", "HOT", "rests");
	for (size_t k = 0; k < nv; k++) {
		struct variant *x = &v[k];

		printf("%-18s %3d/%-3d %4d/%-3d %4d/%-3d %8.1f %8.1f %8d %6d "
		       "%5d\n",
		       x->name, x->once, x->n, x->zero, x->n, x->cooling, x->n,
		       x->n ? x->wait_sum_ms / 1000.0 / x->n : 0.0,
		       x->wait_max_ms / 1000.0, x->lost,
		       count_state(x, "cooling"), count_state(x, "standby"));
		stop(x);
	}
	printf("(no wait: armed when the person came; for (b) every arrival "
	       "presses first.  lost: a finger placed as the reader went to "
	       "rest, placed again.  HOT: cooling lights shown; rests: "
	       "standby lights shown)\n");
	if (!getenv("PD_KEEP_BENCH"))
		testutil_rmtree_free(base);
	else
		free(base);
	return 0;
}
