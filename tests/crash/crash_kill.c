/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash_kill: the real presensid, killed with SIGKILL at random moments
 * while punches flow, restarted, and checked.  Finger punches go through
 * libfprint's virtual_image reader (pdfeed pacing), manual punches through
 * `presensi punch manual`.  Whatever the client saw acknowledged must be
 * in the database after the restart: a finger punch whose result light is
 * in the sim light log (the daemon commits before it lights), a manual
 * punch the CLI reported ok.  Nothing may be stored twice or out of thin
 * air, and `presensi chain verify` must say OK after every restart.
 * Environment: O (build dir), CRASH_ITER (rounds), CRASH_SEED (moments).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "fakes/testutil.h"
#include "store.h"
#include "tools/fingergen.h"
#include "tools/pdfeed.h"
#include "tools/vimage.h"

#define WIB	       420
#define PEOPLE	       3     /* enrolled, each with one synthetic finger */
#define FINGER_SEED0   201   /* fingergen seed of the first person */
#define WAIT_MS	       20000 /* one wait on the reader, daemon alive */
#define CONNECT_MS     2000  /* reader socket: listening whenever armed */
#define READY_MS       30000 /* start-up until the reader is armed */
#define KILL_MAX_MS    1500  /* kill moment after ready, 0..this */
#define BOOT_KILL_MAX  300   /* kill moment after spawn, start-up kills */
#define BOOT_KILL_ODDS 6     /* one round in this many also kills a start */
#define MANUAL_ODDS    3     /* one punch in this many is manual */
#define FINGER_STEP_S  130   /* finger punches this far apart (> window) */
#define TARGET_MAX     4     /* aimed kill: at one of a round's first punches */
#define TARGET_WAIT_MS 10000 /* give up waiting for that punch: kill now */
#define JITTER_MS      40    /* aim this much before an acknowledgement */
#define LAT_FINGER_MS  400   /* acknowledgement latency until measured */
#define LAT_MANUAL_MS  60
#define LAT_CAP_MS     3000
#define LAT_SAMPLES    64 /* recent latencies kept per kind */
#define DEFAULT_ITER   200
#define SIM_START      "2026-12-01 06:00:00"
#define FINGER_DAY0    "2026-12-01 07:00:00" /* first finger punch time */

/* One punch the client attempted. */
struct attempt {
	bool manual;
	int person;	  /* index into ids[] */
	int64_t at_utc;	  /* finger: the simulated clock; manual: --at */
	int k;		  /* manual: its number, in the reason "crash-m<k>" */
	long log_start;	  /* finger: light log size before the image */
	uint64_t send_ms; /* image or request sent (CLOCK_MONOTONIC) */
	int round;	  /* iteration it was attempted in */
	bool acked;	  /* the client saw it acknowledged */
};

struct crash {
	char *dir;
	char conf[512], ctl[512], vsock[512], simlog[512], db[512], dlog[512];
	char bin_d[512], bin_c[512];
	pid_t pid;
	uint64_t rng;
	struct attempt *a;
	int na, cap;
	int nfinger, nmanual;
	/* for targeted kills: the client's progress in this round */
	atomic_int started;	       /* punches sent this round */
	atomic_int last_kind;	       /* 1 when the last one is manual */
	_Atomic uint64_t last_send_ms; /* when it was sent */
	/* send -> acknowledgement times seen, per kind (finger, manual) */
	uint64_t lat[2][LAT_SAMPLES];
	int nlat[2];
	/* report */
	int rounds, kills, targeted, boot_kills, restarts, verifies;
	int finger_acked, manual_acked, unknown_lights, retry_lights;
	int stored_unacked[2], lost_unacked; /* in flight at a kill */
	int failures;
};

static const char *const ids[PEOPLE] = {"201", "202", "203"};

static void fail(struct crash *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct crash *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "crash: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->failures++;
}

/* xorshift64*: the same seed gives the same choices on every libc. */
static uint32_t rnd(struct crash *c, uint32_t n)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (uint32_t)((c->rng * 2685821657736338717ULL) >> 32) % n;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

static int write_conf(struct crash *c, const char *top)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Desa Uji Mati Listrik\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[punch]\nduplicate_window_s = 120\n"
		 /* frozen: each punch's time is the one set before it */
		 "[clock]\nsource = simulated\nsimulated_start = " SIM_START
		 "\nsimulated_speed = 0\n"
		 /* armed all day: punches come at any hour */
		 "[wake]\nduty = no\n"
		 "[rules]\nprofile = %s/firmware/profiles/"
		 "ppu-24-2018-5hari.ini\n",
		 c->db, c->ctl, c->simlog, top);
	return testutil_write(c->conf, text);
}

/* Runs the CLI with the suite's config; exit code, output in *out. */
static int cli(struct crash *c, char **out, ...)
{
	char *argv[24];
	const char *arg;
	va_list ap;
	int n = 0;

	argv[n++] = c->bin_c;
	argv[n++] = "--config";
	argv[n++] = c->conf;
	va_start(ap, out);
	while ((arg = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)arg;
	va_end(ap);
	argv[n] = NULL;
	return testutil_run(argv, out);
}

static pid_t spawn_daemon(struct crash *c)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(c->dlog,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			dup2(fd, 2);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", c->vsock, 1);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		execl(c->bin_d, c->bin_d, "--config", c->conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits until the reader is armed: the daemon is up and serving. */
static int wait_ready(struct crash *c)
{
	uint64_t until = mono_ms() + READY_MS;
	int status;

	while (mono_ms() < until) {
		if (pdfeed_wait_armed(c->ctl, 0, 0, 0, 1000, NULL) == 0)
			return 0;
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			c->pid = 0;
			fail(c, "presensid exited during start-up (status %#x)",
			     status);
			return -1;
		}
		usleep(20 * 1000); /* start-up poll, not a pacing sleep */
	}
	fail(c, "presensid not armed after %d ms", READY_MS);
	return -1;
}

static int start_daemon(struct crash *c)
{
	c->pid = spawn_daemon(c);
	if (c->pid < 0)
		return -1;
	c->restarts++;
	return wait_ready(c);
}

/* ---- the killer: SIGKILL at one moment, from its own thread ---- */

struct killer {
	pthread_t th;
	pid_t pid;
	uint64_t at_ms;	   /* CLOCK_MONOTONIC; or, when target > 0: */
	int target;	   /* kill after the target-th punch is sent, */
	uint64_t after[2]; /* this long after it, by its kind */
	struct crash *c;
	atomic_int fired;
};

static void *killer_main(void *arg)
{
	struct killer *k = arg;
	struct crash *c = k->c;
	uint64_t at = k->at_ms;
	struct timespec ts;

	if (k->target > 0) {
		uint64_t give_up = mono_ms() + TARGET_WAIT_MS;

		while (atomic_load(&c->started) < k->target &&
		       mono_ms() < give_up)
			usleep(1000); /* poll the client's progress */
		at = atomic_load(&c->started) < k->target
			     ? mono_ms()
			     : atomic_load(&c->last_send_ms) +
				       k->after[atomic_load(&c->last_kind)];
	}
	ts.tv_sec = (time_t)(at / 1000);
	ts.tv_nsec = (long)(at % 1000) * 1000000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
	kill(k->pid, SIGKILL); /* a zombie until the main thread reaps it */
	atomic_store(&k->fired, 1);
	return NULL;
}

/* Kills pid at at_ms, or (target > 0) after[kind] ms after the client
 * sent its target-th punch of this round. */
static int killer_start(struct crash *c, struct killer *k, pid_t pid,
			uint64_t at_ms, int target, const uint64_t after[2])
{
	k->c = c;
	k->pid = pid;
	k->at_ms = at_ms;
	k->target = target;
	k->after[0] = after ? after[0] : 0;
	k->after[1] = after ? after[1] : 0;
	atomic_store(&k->fired, 0);
	return -pthread_create(&k->th, NULL, killer_main, k);
}

/* The client side of a targeted kill: a punch goes out now. */
static void note_send(struct crash *c, struct attempt *a)
{
	a->send_ms = mono_ms();
	atomic_store(&c->last_kind, a->manual ? 1 : 0);
	atomic_store(&c->last_send_ms, a->send_ms);
	atomic_fetch_add(&c->started, 1);
}

static void note_latency(struct crash *c, int kind, uint64_t from, uint64_t to)
{
	uint64_t lat = to > from ? to - from : 0;

	if (lat > LAT_CAP_MS)
		lat = LAT_CAP_MS;
	c->lat[kind][c->nlat[kind]++ % LAT_SAMPLES] = lat;
}

/* Where to aim for a punch of kind: a latency seen before, minus up to
 * JITTER_MS, so the kill lands just before an acknowledgement (the
 * commit precedes it), now and then just after. */
static uint64_t aim(struct crash *c, int kind)
{
	int n = c->nlat[kind] < LAT_SAMPLES ? c->nlat[kind] : LAT_SAMPLES;
	uint64_t lat = n ? c->lat[kind][rnd(c, (uint32_t)n)]
			 : (kind ? LAT_MANUAL_MS : LAT_FINGER_MS);
	uint64_t back = rnd(c, JITTER_MS + JITTER_MS / 4 + 1);

	return lat + JITTER_MS / 4 > back ? lat + JITTER_MS / 4 - back : 0;
}

/* Joins the killer and reaps the daemon; a death by anything but our
 * SIGKILL is a failure (the daemon crashed or exited by itself). */
static void killer_finish(struct crash *c, struct killer *k)
{
	int status = 0;

	pthread_join(k->th, NULL);
	if (waitpid(c->pid, &status, 0) != c->pid)
		fail(c, "cannot reap presensid: %s", strerror(errno));
	else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail(c, "presensid died by itself (status %#x) before the kill",
		     status);
	c->pid = 0;
}

/* ---- punches ---- */

static struct attempt *new_attempt(struct crash *c)
{
	if (c->na == c->cap) {
		int cap = c->cap ? 2 * c->cap : 256;
		struct attempt *a = reallocarray(c->a, (size_t)cap, sizeof(*a));

		if (!a)
			return NULL;
		c->a = a;
		c->cap = cap;
	}
	memset(&c->a[c->na], 0, sizeof(c->a[0]));
	c->a[c->na].round = c->rounds;
	return &c->a[c->na++];
}

/* One image, paced like pdfeed_send, but with a short connect timeout:
 * when the daemon is killed between the arm and the image, the stale
 * socket refuses, and waiting long for it would only slow the suite. */
static int feed_image(struct crash *c, struct attempt *a, uint32_t finger,
		      uint32_t impression)
{
	struct vimage *v = NULL;
	uint8_t *img;
	uint64_t gen = 0;
	int rc;

	rc = pdfeed_wait_armed(c->ctl, 0, 0, 0, WAIT_MS, &gen);
	if (rc < 0)
		return rc;
	rc = vimage_connect(c->vsock, CONNECT_MS, &v);
	if (rc < 0)
		return rc;
	img = malloc((size_t)FINGERGEN_W * FINGERGEN_H);
	rc = img ? fingergen_render(finger, impression, img, FINGERGEN_W,
				    FINGERGEN_H)
		 : -ENOMEM;
	if (rc == 0) {
		note_send(c, a);
		rc = vimage_send_image(v, img, FINGERGEN_W, FINGERGEN_H);
	}
	free(img);
	if (rc == 0)
		rc = pdfeed_wait_armed(c->ctl, 0, gen, 0, WAIT_MS, NULL);
	vimage_close(v);
	return rc;
}

static int finger_punch(struct crash *c)
{
	struct attempt *a = new_attempt(c);
	char at[CIVIL_LOCAL_LEN];
	int64_t t0;
	char *out = NULL;
	int rc;

	if (!a)
		return -ENOMEM;
	a->person = (int)rnd(c, PEOPLE);
	civil_local_parse(FINGER_DAY0, WIB, &t0);
	a->at_utc = t0 + (int64_t)c->nfinger++ * FINGER_STEP_S;
	civil_local_format(a->at_utc, WIB, at);
	a->log_start = file_size(c->simlog);
	rc = cli(c, &out, "clock", "set", "--at", at, NULL);
	free(out);
	if (rc != 0)
		return -EIO;
	return feed_image(c, a, FINGER_SEED0 + (uint32_t)a->person,
			  1000 + (uint32_t)c->nfinger);
}

static int manual_punch(struct crash *c)
{
	struct attempt *a = new_attempt(c);
	char at[32], reason[32];
	char *out = NULL;
	int k, rc;

	if (!a)
		return -ENOMEM;
	k = c->nmanual++;
	a->manual = true;
	a->k = k;
	a->person = (int)rnd(c, PEOPLE);
	/* November, before the simulated clock: never "in the future" */
	snprintf(at, sizeof(at), "2026-11-%02d %02d:%02d", 2 + k / 600,
		 6 + k % 600 / 60, k % 60);
	civil_local_parse(at, WIB, &a->at_utc);
	snprintf(reason, sizeof(reason), "crash-m%d", k);
	note_send(c, a);
	rc = cli(c, &out, "punch", "manual", "--id", ids[a->person], "--at", at,
		 "--reason", reason, NULL);
	if (rc == 0) {
		a->acked = true;
		c->manual_acked++;
		note_latency(c, 1, a->send_ms, mono_ms());
	}
	free(out);
	return rc == 0 ? 0 : -EIO;
}

/* After the daemon died: a finger punch is acknowledged when its result
 * light (ok, late, flagged) is in the light log after its image went. */
static void read_lights(struct crash *c, int first)
{
	char *log = testutil_slurp(c->simlog, NULL);
	long len = log ? (long)strlen(log) : 0;

	if (!log)
		return; /* no light at all: nothing was acknowledged */
	for (int i = first; i < c->na; i++) {
		struct attempt *a = &c->a[i];
		long end = len;

		if (a->manual)
			continue;
		for (int j = i + 1; j < c->na; j++)
			if (!c->a[j].manual) {
				end = c->a[j].log_start;
				break;
			}
		for (char *p = log + a->log_start; p < log + end;) {
			char *nl = memchr(p, '\n', (size_t)(log + end - p));
			char *sp = memchr(p, ' ', (size_t)(log + end - p));
			size_t n;

			if (!nl || !sp || sp > nl)
				break;
			n = (size_t)(nl - sp - 1);
			if ((n == 2 && memcmp(sp + 1, "ok", 2) == 0) ||
			    (n == 4 && memcmp(sp + 1, "late", 4) == 0) ||
			    (n == 7 && memcmp(sp + 1, "flagged", 7) == 0)) {
				if (!a->acked)
					c->finger_acked++;
				a->acked = true;
				note_latency(c, 0, a->send_ms,
					     strtoull(p, NULL, 10));
			} else if (n == 7 &&
				   memcmp(sp + 1, "unknown", 7) == 0) {
				c->unknown_lights++;
			} else if (n == 5 && memcmp(sp + 1, "retry", 5) == 0) {
				c->retry_lights++;
			} else if (n == 5 && memcmp(sp + 1, "fault", 5) == 0) {
				fail(c, "finger punch %d lit the fault light",
				     i);
			}
			p = nl + 1;
		}
	}
	free(log);
}

/* ---- checking the database ---- */

struct seen {
	struct crash *c;
	int *count; /* per attempt: rows matching it */
	int strays;
};

static int find_attempt(struct crash *c, const struct punch *p)
{
	for (int i = 0; i < c->na; i++) {
		const struct attempt *a = &c->a[i];

		if (a->at_utc != p->at_utc ||
		    strcmp(ids[a->person], p->person) != 0)
			continue;
		if (a->manual) {
			char want[32];

			snprintf(want, sizeof(want), "crash-m%d", a->k);
			if ((p->flags & PUNCH_F_MANUAL) &&
			    strcmp(p->reason, want) == 0)
				return i;
		} else if (!(p->flags & PUNCH_F_MANUAL)) {
			return i;
		}
	}
	return -1;
}

static int note_row(void *ud, const struct punch *p)
{
	struct seen *s = ud;
	int i = find_attempt(s->c, p);

	if (i < 0)
		s->strays++;
	else
		s->count[i]++;
	return 0;
}

/* Every acknowledged punch is stored once; nothing else is stored. */
static void verify(struct crash *c)
{
	struct seen s = {.c = c};
	struct store *st = NULL;
	pd_day_t from, to;
	char *out = NULL;
	int rc;

	c->verifies++;
	s.count = calloc((size_t)(c->na ? c->na : 1), sizeof(int));
	civil_date_parse("2026-11-01", &from);
	civil_date_parse("2027-12-31", &to);
	rc = s.count ? store_open(c->db, NULL, STORE_RDONLY, NULL, &st)
		     : -ENOMEM;
	if (rc == 0)
		rc = store_punch_each(st, from, to, NULL, note_row, &s);
	store_close(st);
	if (rc < 0) {
		fail(c, "round %d: cannot read the store: %s", c->rounds,
		     strerror(-rc));
		free(s.count);
		return;
	}
	if (s.strays)
		fail(c, "round %d: %d stored punches were never sent",
		     c->rounds, s.strays);
	c->stored_unacked[0] = c->stored_unacked[1] = c->lost_unacked = 0;
	for (int i = 0; i < c->na; i++) {
		const struct attempt *a = &c->a[i];

		if (s.count[i] > 1)
			fail(c, "round %d: %s punch %d stored %d times",
			     c->rounds, a->manual ? "manual" : "finger", i,
			     s.count[i]);
		if (a->acked && s.count[i] == 0)
			fail(c,
			     "round %d: acknowledged %s punch of %s "
			     "(attempt %d, round %d) is not in the database",
			     c->rounds, a->manual ? "manual" : "finger",
			     ids[a->person], i, a->round);
		/* in flight when the kill came: either outcome is right */
		if (!a->acked && s.count[i])
			c->stored_unacked[a->manual]++;
		else if (!a->acked)
			c->lost_unacked++;
	}
	free(s.count);
	rc = cli(c, &out, "chain", "verify", NULL);
	if (rc != 0 || !out || !strstr(out, "chain OK"))
		fail(c, "round %d: chain verify: exit %d: %s", c->rounds, rc,
		     out ? out : "");
	free(out);
}

/* ---- set-up: people and their fingers, once, with no kills ---- */

static int enroll(struct crash *c, int person)
{
	char outp[600], *text;
	pid_t pid;
	int status = -1;

	snprintf(outp, sizeof(outp), "%s/enroll-%s.out", c->dir, ids[person]);
	pid = fork();
	if (pid == 0) {
		if (!freopen(outp, "w", stdout) || !freopen(outp, "a", stderr))
			_exit(126);
		execl(c->bin_c, c->bin_c, "--config", c->conf, "enroll", "--id",
		      ids[person], "--finger", "right-index", "--consent",
		      "yes", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 2000; i++) { /* until it asks for the finger */
		char *t = testutil_slurp(outp, NULL);
		bool asked = t && strstr(t, "place the finger");

		free(t);
		if (asked || waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10 * 1000); /* output poll, not pacing */
	}
	for (int fed = 0; fed < 12; fed++) {
		struct pdfeed f = {.ctl = c->ctl,
				   .vimage = c->vsock,
				   .kind = PDFEED_IMAGE,
				   .finger = FINGER_SEED0 + (uint32_t)person,
				   .impression = 1 + (uint32_t)fed,
				   .wait_after = 1,
				   .enrolment = 1,
				   .timeout_ms = WAIT_MS};

		if (pdfeed_send(&f) < 0)
			break;
	}
	if (waitpid(pid, &status, 0) < 0 && errno != ECHILD)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		text = testutil_slurp(outp, NULL);
		fail(c, "enrolment of %s: %s", ids[person], text ? text : "");
		free(text);
		return -1;
	}
	return 0;
}

static int setup(struct crash *c)
{
	char *out = NULL;

	if (start_daemon(c) < 0)
		return -1;
	for (int i = 0; i < PEOPLE; i++) {
		char name[32];
		int rc;

		snprintf(name, sizeof(name), "Orang %d", i + 1);
		rc = cli(c, &out, "person", "add", "--id", ids[i], "--name",
			 name, "--jabatan", "Kaur", "--since", "2026-11-01",
			 NULL);
		if (rc != 0)
			fail(c, "person add %s: %s", ids[i], out ? out : "");
		free(out);
		out = NULL;
		if (rc != 0 || enroll(c, i) < 0)
			return -1;
	}
	return 0;
}

/* ---- one round: punches until the kill, restart, check ---- */

static void round_once(struct crash *c)
{
	struct killer k;
	/* half the rounds kill at a moment after the round starts; the other
	 * half aim at one punch, just before its acknowledgement, where the
	 * commit lies */
	bool aimed = rnd(c, 2) == 0;
	uint64_t kill_ms = rnd(c, KILL_MAX_MS + 1);
	int target = aimed ? 1 + (int)rnd(c, TARGET_MAX) : 0;
	uint64_t after[2] = {aim(c, 0), aim(c, 1)};
	int first = c->na;

	c->rounds++;
	c->targeted += aimed;
	atomic_store(&c->started, 0);
	if (killer_start(c, &k, c->pid, mono_ms() + kill_ms, target, after) !=
	    0) {
		fail(c, "cannot start the killer thread");
		return;
	}
	while (!atomic_load(&k.fired)) {
		int rc = rnd(c, MANUAL_ODDS) == 0 ? manual_punch(c)
						  : finger_punch(c);

		if (rc < 0)
			break; /* the daemon is gone (or going) */
	}
	killer_finish(c, &k);
	c->kills++;
	read_lights(c, first);

	/* sometimes kill the next start-up too, at a random moment */
	if (rnd(c, BOOT_KILL_ODDS) == 0) {
		c->pid = spawn_daemon(c);
		c->restarts++;
		if (c->pid > 0 &&
		    killer_start(c, &k, c->pid,
				 mono_ms() + rnd(c, BOOT_KILL_MAX + 1), 0,
				 NULL) == 0) {
			killer_finish(c, &k);
			c->boot_kills++;
		}
	}
	if (start_daemon(c) < 0)
		return;
	verify(c);
}

static void stop_daemon(struct crash *c)
{
	int status = 0;

	if (c->pid <= 0)
		return;
	kill(c->pid, SIGTERM);
	for (int i = 0; i < 1000; i++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			c->pid = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				fail(c, "presensid: SIGTERM gave status %#x",
				     status);
			return;
		}
		usleep(10 * 1000); /* exit poll */
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
	fail(c, "presensid ignored SIGTERM for 10 s");
}

static void show_log_tail(struct crash *c)
{
	char *log = testutil_slurp(c->dlog, NULL);

	if (log) {
		size_t n = strlen(log);

		fprintf(stderr, "---- end of %s ----\n%s\n", c->dlog,
			n > 4000 ? log + n - 4000 : log);
		free(log);
	}
}

int main(void)
{
	static struct crash c;
	const char *o = getenv("O") ? getenv("O") : "build";
	const char *e_iter = getenv("CRASH_ITER");
	const char *e_seed = getenv("CRASH_SEED");
	int iters = e_iter && *e_iter ? atoi(e_iter) : DEFAULT_ITER;
	uint64_t seed, t0 = mono_ms();
	char cwd[400];

	signal(SIGPIPE, SIG_IGN);
	seed = e_seed && *e_seed
		       ? strtoull(e_seed, NULL, 0)
		       : ((uint64_t)time(NULL) << 16) ^ (uint64_t)getpid();
	c.rng = seed ? seed : 1;
	c.dir = testutil_tmpdir("crash");
	if (!c.dir || !getcwd(cwd, sizeof(cwd)))
		return 1;
	snprintf(c.conf, sizeof(c.conf), "%s/presensi.conf", c.dir);
	snprintf(c.ctl, sizeof(c.ctl), "%s/ctl.sock", c.dir);
	snprintf(c.vsock, sizeof(c.vsock), "%s/vimage.sock", c.dir);
	snprintf(c.simlog, sizeof(c.simlog), "%s/lights.log", c.dir);
	snprintf(c.db, sizeof(c.db), "%s/presensi.db", c.dir);
	snprintf(c.dlog, sizeof(c.dlog), "%s/presensid.log", c.dir);
	snprintf(c.bin_d, sizeof(c.bin_d), "%s/%s/presensid", cwd, o);
	snprintf(c.bin_c, sizeof(c.bin_c), "%s/%s/presensi", cwd, o);
	printf("crash_kill: seed %" PRIu64 " (CRASH_SEED=%" PRIu64
	       " replays the choices), %d rounds, work dir %s\n",
	       seed, seed, iters, c.dir);
	fflush(stdout);
	if (write_conf(&c, cwd) != 0 || setup(&c) < 0)
		goto out;
	for (int i = 0; i < iters && !c.failures; i++)
		round_once(&c);
	stop_daemon(&c);
	if (!c.failures)
		verify(&c);
out:
	if (c.pid > 0) {
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
	}
	printf("crash_kill: %d rounds, %d kills while punching (%d aimed at "
	       "one punch), %d during start-up, %d starts\n",
	       c.rounds, c.kills, c.targeted, c.boot_kills, c.restarts);
	printf("crash_kill: finger punches: %d sent, %d acknowledged by a "
	       "light, %d unknown and %d retry lights\n",
	       c.nfinger, c.finger_acked, c.unknown_lights, c.retry_lights);
	printf("crash_kill: manual punches: %d sent, %d acknowledged by the "
	       "CLI\n",
	       c.nmanual, c.manual_acked);
	printf("crash_kill: in flight at a kill: %d finger and %d manual "
	       "punches committed but not yet acknowledged, %d not stored "
	       "(all allowed)\n",
	       c.stored_unacked[0], c.stored_unacked[1], c.lost_unacked);
	printf("crash_kill: %d acknowledged punches checked in the database "
	       "after every restart; chain verify run %d times\n",
	       c.finger_acked + c.manual_acked, c.verifies);
	printf("crash_kill: wall time %.1f s\n",
	       (double)(mono_ms() - t0) / 1000.0);
	if (c.failures) {
		show_log_tail(&c);
		printf("crash_kill: %d FAILURES; seed %" PRIu64
		       ", files kept in %s\n",
		       c.failures, seed, c.dir);
		free(c.dir);
		free(c.a);
		return 1;
	}
	printf("crash_kill: OK\n");
	testutil_rmtree_free(c.dir);
	free(c.a);
	return 0;
}
