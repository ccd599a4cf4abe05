/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end for the arming of the readers: the real build/presensid with
 * libfprint's virtual_image reader, the sim lights and the simulated wake
 * input (a FIFO), driven through the presensi CLI and the FIFO.  The box
 * rests in standby, a press arms it for armed_s, enrolment works while it
 * rests, a glitch arms nothing, a waiting tool never mistakes a resting or
 * cooling reader for an armed one; without a wake input the busy windows
 * of the profile decide.  Waits poll for events with a bound; heat over
 * minutes is daemon/core/duty.c's unit test, not this one's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "civil.h"
#include "fakes/testutil.h"
#include "store.h"
#include "tools/pdfeed.h"
#include "tools/vimage.h"

#define DAY	"2026-11-23" /* a Monday: 07:30-16:00 */
#define TIMEOUT 20000	     /* ms for one wait on the reader */
#define SHORT	400	     /* ms: "not armed" waits */
#define ARMED_S 5	     /* [wake] armed_s, the shortest allowed */

static char *dir;
static char conf_path[512], ctl[512], vsock[512], simlog[512], db[512];
static char fifo[512], bin_d[512], bin_c[512];
static pid_t daemon_pid;

/* extra: the [wake] section and anything else; start: local time. */
static void write_conf(const char *start, const char *extra)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Desa Uji\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[clock]\nsource = simulated\n"
		 "simulated_start = " DAY " %s\nsimulated_speed = 0\n"
		 "[rules]\nprofile = %s/firmware/profiles/"
		 "ppu-24-2018-5hari.ini\n%s",
		 db, ctl, simlog, start,
		 getenv("PD_TOP") ? getenv("PD_TOP") : ".", extra);
	assert_int_equal(testutil_write(conf_path, text), 0);
}

static int cli(char **out, ...)
{
	char *argv[24];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = conf_path;
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	return testutil_run(argv, out);
}

/* The state of the last line of the light log, or "" */
static void light_now(char *out, size_t cap)
{
	char *log = testutil_slurp(simlog, NULL), *nl, *sp;

	out[0] = '\0';
	if (!log)
		return;
	nl = strrchr(log, '\n');
	if (nl) {
		*nl = '\0';
		nl = strrchr(log, '\n');
		sp = strchr(nl ? nl + 1 : log, ' ');
		if (sp)
			snprintf(out, cap, "%s", sp + 1);
	}
	free(log);
}

/* Polls the light log until its last state is want; 0 or -ETIMEDOUT. */
static int wait_light(const char *want, int timeout_ms)
{
	char now[64];

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		light_now(now, sizeof(now));
		if (strcmp(now, want) == 0)
			return 0;
		usleep(20 * 1000); /* polling a file, not pacing the reader */
	}
	print_message("light is \"%s\", not \"%s\"\n", now, want);
	return -ETIMEDOUT;
}

static int count_lights(const char *state)
{
	char *log = testutil_slurp(simlog, NULL), pat[64];
	int n;

	if (!log)
		return 0;
	snprintf(pat, sizeof(pat), " %s\n", state);
	n = testutil_count(log, pat);
	free(log);
	return n;
}

/* Writes one line into the wake FIFO (the daemon holds it open). */
static void wake(const char *line)
{
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
}

static int start_daemon(void)
{
	char *out = NULL;

	unlink(simlog);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		char logp[600];

		snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
		if (!freopen(logp, "a", stderr))
			_exit(126);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", vsock, 1);
		execl(bin_d, bin_d, "--config", conf_path, "--debug",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		int rc = cli(&out, "status", NULL);

		if (rc == 0 && strstr(out, "readers          1")) {
			free(out);
			return 0;
		}
		free(out);
		out = NULL;
		if (waitpid(daemon_pid, NULL, WNOHANG) == daemon_pid)
			return -1;
		usleep(50 * 1000); /* start-up poll, not a pacing sleep */
	}
	return -1;
}

static void stop_daemon(void)
{
	if (daemon_pid <= 0)
		return;
	kill(daemon_pid, SIGTERM);
	for (int i = 0; i < 1000; i++) {
		if (waitpid(daemon_pid, NULL, WNOHANG) == daemon_pid) {
			daemon_pid = 0;
			return;
		}
		usleep(10 * 1000);
	}
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, NULL, 0);
	daemon_pid = 0;
}

static int status_has(const char *text)
{
	char *out = NULL;
	int has = cli(&out, "status", NULL) == 0 && strstr(out, text);

	if (!has)
		print_message("status lacks \"%s\":\n%s\n", text, out);
	free(out);
	return has;
}

static int group_setup(void **state)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char cwd[400], extra[700];

	(void)state;
	dir = testutil_tmpdir("wake");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	setenv("PD_TOP", cwd, 0);
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	snprintf(simlog, sizeof(simlog), "%s/lights.log", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(fifo, sizeof(fifo), "%s/wake.fifo", dir);
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", cwd, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", cwd, o);
	snprintf(extra, sizeof(extra),
		 "[wake]\nbackend = sim\nsim_path = %s\ndebounce_ms = 50\n"
		 "armed_s = %d\n",
		 fifo, ARMED_S);
	write_conf("07:10:00", extra);
	return start_daemon();
}

static int group_teardown(void **state)
{
	char logp[600], *log;

	(void)state;
	stop_daemon();
	snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
	if (getenv("PD_SHOW_LOG") && (log = testutil_slurp(logp, NULL))) {
		print_message("%s", log);
		free(log);
	}
	testutil_rmtree_free(dir);
	return 0;
}

static int feed(uint32_t finger, uint32_t impression, int timeout_ms)
{
	struct pdfeed f = {.ctl = ctl,
			   .vimage = vsock,
			   .kind = PDFEED_IMAGE,
			   .finger = finger,
			   .impression = impression,
			   .wait_after = 0,
			   .timeout_ms = timeout_ms};

	return pdfeed_send(&f);
}

/* Enrols seed for id through the CLI (in a child), feeding its images. */
static int enroll(const char *id, uint32_t seed)
{
	char outp[600];
	pid_t pid;
	int status = -1, fed = 0;

	snprintf(outp, sizeof(outp), "%s/enroll-%s.out", dir, id);
	pid = fork();
	if (pid == 0) {
		if (!freopen(outp, "w", stdout) || !freopen(outp, "a", stderr))
			_exit(126);
		execl(bin_c, bin_c, "--config", conf_path, "enroll", "--id", id,
		      "--finger", "right-index", "--consent", "yes",
		      (char *)NULL);
		_exit(127);
	}
	/* wait until the daemon asks for the finger, then feed until done */
	for (int i = 0; i < 2000; i++) {
		char *t = testutil_slurp(outp, NULL);
		int asked = t && strstr(t, "place the finger");

		free(t);
		if (asked || waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10 * 1000); /* polling the CLI's output */
	}
	for (;;) {
		struct pdfeed f = {.ctl = ctl,
				   .vimage = vsock,
				   .kind = PDFEED_IMAGE,
				   .finger = seed,
				   .impression = 1 + (uint32_t)fed,
				   .wait_after = 1,
				   .enrolment = 1,
				   .timeout_ms = TIMEOUT};

		if (fed >= 12 || pdfeed_send(&f) < 0)
			break;
		fed++;
	}
	if (waitpid(pid, &status, 0) < 0 && errno != ECHILD)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct punch_count {
	const char *who;
	int n;
};

static int count_punch(void *ud, const struct punch *p)
{
	struct punch_count *pc = ud;

	pc->n += strcmp(p->person, pc->who) == 0;
	return 0;
}

/* Punches of person stored for DAY. */
static int punches_of(const char *person)
{
	struct punch_count pc = {person, 0};
	struct store *st;
	pd_day_t d;

	assert_int_equal(civil_date_parse(DAY, &d), 0);
	assert_int_equal(store_open(db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_punch_each(st, d, d, NULL, count_punch, &pc), 0);
	store_close(st);
	return pc.n;
}

static void test_e2e_wake_box_starts_in_standby(void **state)
{
	(void)state;
	assert_int_equal(wait_light("standby", TIMEOUT), 0);
	assert_int_equal(count_lights("ready"), 0);
	/* Nothing waits for a finger: a tool pacing images must wait. */
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, SHORT, NULL),
			 -ETIMEDOUT);
	assert_true(status_has("arming           resting (standby)"));
}

static void test_e2e_wake_enrolment_works_in_standby(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "add", "--id", "101", "--name",
			     "Orang Satu", "--jabatan", "Kasi", "--since",
			     "2026-11-01", NULL),
			 0);
	free(out);
	assert_int_equal(enroll("101", 101), 0);
	/* Then armed, for the new person to try the finger. */
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, NULL), 0);
	assert_true(status_has("arming           armed (woken)"));
}

static void test_e2e_wake_press_arms_for_armed_s_then_rests(void **state)
{
	uint64_t gen = 0, gen2 = 0;
	int ready;

	(void)state;
	/* The arm after the enrolment lapses after armed_s. */
	assert_int_equal(wait_light("standby", (ARMED_S + 5) * 1000), 0);
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, SHORT, NULL),
			 -ETIMEDOUT);
	ready = count_lights("ready");
	wake("press\n");
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, &gen), 0);
	assert_int_equal(wait_light("ready", TIMEOUT), 0);
	assert_int_equal(count_lights("ready"), ready + 1);
	assert_int_equal(feed(101, 21, TIMEOUT), 0);
	assert_int_equal(pdfeed_wait_armed(ctl, 0, gen, 0, TIMEOUT, &gen2), 0);
	assert_int_equal(punches_of("101"), 1);
	assert_int_equal(wait_light("standby", (ARMED_S + 5) * 1000), 0);
}

static void test_e2e_wake_glitch_arms_nothing(void **state)
{
	int ready = count_lights("ready");

	(void)state;
	wake("press 5\n"); /* 5 ms: shorter than debounce_ms = 50 */
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, 3 * SHORT, NULL),
			 -ETIMEDOUT);
	assert_int_equal(count_lights("ready"), ready);
	assert_true(status_has("wake presses 1"));
}

static void test_e2e_wake_cooling_reader_is_not_armed(void **state)
{
	struct pdfeed f = {.ctl = ctl,
			   .vimage = vsock,
			   .kind = PDFEED_ERROR,
			   .code = VIMAGE_ERR_TOO_HOT,
			   .timeout_ms = TIMEOUT};
	uint64_t gen = 0, gen2 = 0;

	(void)state;
	wake("press\n");
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, &gen), 0);
	assert_int_equal(pdfeed_send(&f), 0);
	assert_int_equal(wait_light("cooling", TIMEOUT), 0);
	wake("press\n");
	/* Any arm now is a new one, after the pause: never the one the
	 * TOO_HOT ended. */
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, &gen2), 0);
	assert_true(gen2 > gen);
	assert_int_equal(feed(101, 22, TIMEOUT), 0);
	assert_int_equal(pdfeed_wait_armed(ctl, 0, gen2, 0, TIMEOUT, NULL), 0);
	assert_int_equal(punches_of("101"), 2);
}

/* Without a wake input: armed inside the busy windows, standby outside
 * (idle slots off here, so "outside" is plainly standby). */
static void test_e2e_wake_none_follows_the_busy_windows(void **state)
{
	uint64_t gen = 0;

	(void)state;
	stop_daemon();
	write_conf("12:00:00", "[wake]\nidle_every_s = 0\n");
	assert_int_equal(start_daemon(), 0);
	assert_int_equal(wait_light("standby", TIMEOUT), 0);
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, SHORT, NULL),
			 -ETIMEDOUT);
	assert_true(status_has("arming           resting (standby)"));
	stop_daemon();
	/* 07:10 is inside the masuk window (06:45-08:00). */
	write_conf("07:10:00", "[wake]\nidle_every_s = 0\n");
	assert_int_equal(start_daemon(), 0);
	assert_int_equal(pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, &gen), 0);
	assert_int_equal(wait_light("ready", TIMEOUT), 0);
	assert_true(status_has("arming           armed (busy)"));
	assert_int_equal(feed(101, 23, TIMEOUT), 0);
	/* re-armed: the image was handled */
	assert_int_equal(pdfeed_wait_armed(ctl, 0, gen, 0, TIMEOUT, NULL), 0);
	stop_daemon();
	assert_int_equal(punches_of("101"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e2e_wake_box_starts_in_standby),
		cmocka_unit_test(test_e2e_wake_enrolment_works_in_standby),
		cmocka_unit_test(
			test_e2e_wake_press_arms_for_armed_s_then_rests),
		cmocka_unit_test(test_e2e_wake_glitch_arms_nothing),
		cmocka_unit_test(test_e2e_wake_cooling_reader_is_not_armed),
		cmocka_unit_test(test_e2e_wake_none_follows_the_busy_windows),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
