/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: the real build/presensid with libfprint's virtual_image
 * reader, a temp SQLite store and the sim lights, driven through the real
 * build/presensi CLI.  Five synthetic fingers are enrolled, then fresh
 * impressions are presented on the simulated clock and the database rows
 * and the light log are checked.  Images are paced on the reader's
 * finger-status through the daemon (pdfeed), never on sleeps.
 * The tests of the group run in order against one daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civil.h"
#include "control_client.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "store.h"
#include "tools/pdfeed.h"
#include "tools/vimage.h"

#define DAY	"2026-11-23" /* a Monday */
#define WIB	420
#define TIMEOUT 20000 /* ms for one wait on the reader */

static char *dir;
static char conf_path[512], ctl[512], vsock[512], simlog[512], db[512];
static char bin_d[512], bin_c[512];
static pid_t daemon_pid;
static char notify_path[512];
static int notify_fd = -1; /* plays systemd's notify socket */

static void write_conf(void)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Desa Uji\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[punch]\nduplicate_window_s = 120\n"
		 "[clock]\nsource = simulated\n"
		 "simulated_start = " DAY " 06:00:00\n"
		 /* frozen: a verdict never depends on how long feeding a
		  * finger and identify took in wall time */
		 "simulated_speed = 0\n"
		 "[rules]\nprofile = %s/firmware/profiles/"
		 "ppu-24-2018-5hari.ini\n"
		 /* armed all the time: these tests jump the clock through
		  * the day; test_e2e_wake covers the arming policy */
		 "[wake]\nduty = no\n",
		 db, ctl, simlog, getenv("PD_TOP") ? getenv("PD_TOP") : ".");
	assert_int_equal(testutil_write(conf_path, text), 0);
}

/* Runs the CLI with the test config; returns exit code, output in *out. */
static int cli(char **out, ...)
{
	char *argv[24];
	int n = 0, rc;
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
	rc = testutil_run(argv, out);
	return rc;
}

static int cli_ok(const char *a1, const char *a2, const char *a3,
		  const char *a4)
{
	char *out = NULL;
	int rc = cli(&out, a1, a2, a3, a4, NULL);

	if (rc != 0)
		print_message("presensi %s %s: %s\n", a1, a2 ? a2 : "", out);
	free(out);
	return rc;
}

static int start_daemon(void)
{
	char *out = NULL;

	daemon_pid = fork();
	if (daemon_pid == 0) {
		char logp[600];
		FILE *l;

		snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
		l = freopen(logp, "w", stderr);
		(void)l;
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", vsock, 1);
		setenv("NOTIFY_SOCKET", notify_path, 1);
		setenv("WATCHDOG_USEC", "400000", 1); /* pings every 0.2 s */
		execl(bin_d, bin_d, "--config", conf_path, (char *)NULL);
		_exit(127);
	}
	/* ready when it answers status with a reader */
	for (int i = 0; i < 400; i++) {
		int rc = cli(&out, "status", NULL);

		if (rc == 0 && strstr(out, "readers          1")) {
			free(out);
			/* ready = the reader is open and waits for a finger */
			return pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, NULL);
		}
		free(out);
		out = NULL;
		if (waitpid(daemon_pid, NULL, WNOHANG) == daemon_pid)
			return -1;
		usleep(50 * 1000); /* start-up poll, not a pacing sleep */
	}
	return -1;
}

static int stop_daemon(void)
{
	int status = -1;

	if (daemon_pid <= 0)
		return -1;
	kill(daemon_pid, SIGTERM);
	/* a daemon that ignores SIGTERM for 10 s fails the caller's check
	 * and is killed, never left behind */
	for (int i = 0; i < 1000; i++) {
		if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
			daemon_pid = 0;
			return status;
		}
		usleep(10 * 1000);
	}
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = 0;
	return -1;
}

static int group_setup(void **state)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char cwd[400];

	(void)state;
	if (access("/dev/null", R_OK) != 0)
		return -1;
	dir = testutil_tmpdir("e2e");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	setenv("PD_TOP", cwd, 0);
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	snprintf(simlog, sizeof(simlog), "%s/lights.log", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(notify_path, sizeof(notify_path), "%s/notify.sock", dir);
	{
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		if (strlen(notify_path) >= sizeof(sa.sun_path))
			return -1;
		memcpy(sa.sun_path, notify_path, strlen(notify_path) + 1);
		notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (notify_fd < 0 ||
		    bind(notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -1;
	}
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", cwd, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", cwd, o);
	write_conf();
	return start_daemon();
}

static int group_teardown(void **state)
{
	char logp[600], *log;

	(void)state;
	stop_daemon();
	if (notify_fd >= 0)
		close(notify_fd);
	snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
	if (getenv("PD_SHOW_LOG") && (log = testutil_slurp(logp, NULL))) {
		print_message("%s", log);
		free(log);
	}
	testutil_rmtree_free(dir);
	return 0;
}

static int feed(uint32_t finger, uint32_t impression)
{
	struct pdfeed f = {.ctl = ctl,
			   .vimage = vsock,
			   .kind = PDFEED_IMAGE,
			   .finger = finger,
			   .impression = impression,
			   .wait_after = 1,
			   .timeout_ms = TIMEOUT};

	return pdfeed_send(&f);
}

/* The newest light state other than the return to "ready". */
static void last_light(char *out, size_t cap)
{
	char *log = testutil_slurp(simlog, NULL), *line, *save = NULL;

	snprintf(out, cap, "none");
	if (!log)
		return;
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *st = strchr(line, ' ');

		if (st && strcmp(st + 1, "ready") != 0)
			snprintf(out, cap, "%s", st + 1);
	}
	free(log);
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

struct last_punch {
	int n;
	struct punch p;
};

static int note_punch(void *ud, const struct punch *p)
{
	struct last_punch *l = ud;

	l->n++;
	if (p->seq > l->p.seq)
		l->p = *p;
	return 0;
}

static struct last_punch punches_on(const char *day)
{
	struct last_punch l;
	struct store *st;
	pd_day_t d;

	memset(&l, 0, sizeof(l));
	assert_int_equal(civil_date_parse(day, &d), 0);
	assert_int_equal(store_open(db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_punch_each(st, d, d, NULL, note_punch, &l), 0);
	store_close(st);
	return l;
}

static struct last_punch punches_today(void)
{
	return punches_on(DAY);
}

static void set_clock(const char *hms)
{
	char at[40];

	snprintf(at, sizeof(at), DAY " %s", hms);
	assert_int_equal(cli_ok("clock", "set", "--at", at), 0);
}

/* Enrols finger seed for id: the CLI runs in a child, images are fed. */
static int enroll(const char *id, uint32_t seed, char **out_text)
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
		usleep(10 * 1000);
	}
	/* one check scan, then the stages: feed while the enrolment runs */
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
	if (out_text)
		*out_text = testutil_slurp(outp, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *const ids[] = {"101", "102", "103", "104", "105"};

static void test_e2e_tells_systemd_ready_and_pings_watchdog(void **state)
{
	char buf[256];
	int ready = 0, pings = 0;

	(void)state;
	/* READY=1 came before the first status answer; pings follow every
	 * WATCHDOG_USEC / 2 while the loop runs and the store answers */
	for (int i = 0; i < 500 && !(ready && pings >= 2); i++) {
		ssize_t n = recv(notify_fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0) {
			usleep(10 * 1000); /* datagram poll, not pacing */
			continue;
		}
		buf[n] = '\0';
		ready += strstr(buf, "READY=1") != NULL;
		pings += strcmp(buf, "WATCHDOG=1") == 0;
	}
	assert_int_equal(ready, 1);
	assert_true(pings >= 2);
}

static void test_e2e_enroll_five_synthetic_fingers(void **state)
{
	char *out = NULL, name[32], jab[32];

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "Orang %d", i + 1);
		snprintf(jab, sizeof(jab), "Kasi %d", i + 1);
		char *argv_out = NULL;
		int rc = cli(&argv_out, "person", "add", "--id", ids[i],
			     "--name", name, "--jabatan", jab, "--since",
			     "2026-11-01", NULL);

		assert_int_equal(rc, 0);
		free(argv_out);
	}
	for (int i = 0; i < 5; i++) {
		int rc = enroll(ids[i], 101 + (uint32_t)i, &out);

		if (rc != 0)
			fail_msg("enrol %s: rc %d: %s", ids[i], rc, out);
		assert_non_null(strstr(out, "stage 1/"));
		assert_non_null(strstr(out, "enrolled"));
		free(out);
	}
	assert_true(count_lights("enroll-stage") >= 5 * 5);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    5"));
	free(out);
}

static int raw_request(const char *line, char *out, size_t cap);

/* UU 27/2022: the CLI shows the consent text and enrols only with
 * --consent yes; the daemon refuses an enrolment request without
 * consent=yes, or for a text version it does not record.  Nothing is
 * stored and no reader is armed for it. */
static void test_e2e_enroll_needs_consent(void **state)
{
	char *out = NULL, reply[512];

	(void)state;
	assert_int_equal(cli(&out, "enroll", "--id", "101", "--finger",
			     "left-thumb", NULL),
			 2);
	assert_non_null(strstr(out, "PERSETUJUAN PENDAFTARAN SIDIK JARI"));
	assert_non_null(strstr(out, "versi " PD_CONSENT_VERSION));
	assert_non_null(strstr(out, "--consent yes"));
	free(out);
	assert_int_equal(cli(&out, "enroll", "--id", "101", "--finger",
			     "left-thumb", "--consent", "no", NULL),
			 1);
	assert_non_null(strstr(out, "nothing was enrolled"));
	free(out);
	assert_int_equal(cli(&out, "enroll", "--id", "101", "--finger",
			     "left-thumb", "--consent", "ya", NULL),
			 2);
	free(out);
	assert_int_equal(raw_request("enroll\tid=101\tfinger=left-thumb\n",
				     reply, sizeof(reply)),
			 0);
	assert_non_null(strstr(reply, "err\tEINVAL\tconsent:"));
	assert_int_equal(
		raw_request("enroll\tid=101\tfinger=left-thumb\tconsent=no\n",
			    reply, sizeof(reply)),
		0);
	assert_int_equal(strncmp(reply, "err\tEPERM\t", 10), 0);
	assert_int_equal(
		raw_request("enroll\tid=101\tfinger=left-thumb\tconsent=yes"
			    "\tconsent_version=2025.9\n",
			    reply, sizeof(reply)),
		0);
	assert_int_equal(strncmp(reply, "err\tEPERM\t", 10), 0);
	assert_non_null(strstr(reply, "2025.9"));
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    5"));
	free(out);
	/* the enrolments before recorded the version of the text shown */
	assert_int_equal(cli(&out, "person", "report", "--id", "101", NULL), 0);
	assert_non_null(strstr(out, "persetujuan " PD_CONSENT_VERSION));
	free(out);
}

static void test_e2e_duplicate_finger_enrolment_is_refused(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "add", "--id", "106", "--name",
			     "Orang 6", "--jabatan", "Kasun", NULL),
			 0);
	free(out);
	/* person 106 presents person 103's finger */
	assert_int_equal(enroll("106", 103, &out), 1);
	assert_non_null(strstr(out, "already enrolled to person 103"));
	free(out);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    5"));
	assert_non_null(strstr(out, "no-print  106"));
	free(out);
}

static void test_e2e_each_finger_punches_the_right_person(void **state)
{
	char light[32];

	(void)state;
	set_clock("07:10:00");
	for (int i = 0; i < 5; i++) {
		char hms[32];

		snprintf(hms, sizeof(hms), "07:1%d:00", i);
		set_clock(hms);
		assert_int_equal(feed(101 + (uint32_t)i, 20), 0);
		struct last_punch l = punches_today();

		assert_int_equal(l.n, i + 1);
		assert_string_equal(l.p.person, ids[i]);
		assert_false(l.p.flags & PUNCH_F_SUPPRESSED);
		last_light(light, sizeof(light));
		assert_string_equal(light, "ok");
	}
}

static void test_e2e_unknown_finger_lights_red_and_stores_nothing(void **state)
{
	char light[32];
	int before = punches_today().n;

	(void)state;
	assert_int_equal(feed(777, 3), 0);
	assert_int_equal(punches_today().n, before);
	last_light(light, sizeof(light));
	assert_string_equal(light, "unknown");
}

static void test_e2e_double_tap_is_a_suppressed_row(void **state)
{
	char light[32];
	struct last_punch l;

	(void)state;
	set_clock("07:15:30"); /* 102 punched at 07:11:00, 270 s ago */
	assert_int_equal(feed(102, 21), 0);
	set_clock("07:16:10"); /* 40 s later: a repeat tap */
	assert_int_equal(feed(102, 22), 0);
	l = punches_today();
	assert_string_equal(l.p.person, "102");
	assert_true(l.p.flags & PUNCH_F_SUPPRESSED);
	last_light(light, sizeof(light));
	assert_string_equal(light, "flagged");
}

static void test_e2e_grace_boundary_on_the_simulated_clock(void **state)
{
	char light[32], *out = NULL;

	(void)state;
	/* a second day: Tuesday, first punches of the day */
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-24 07:30:59"),
			 0);
	/* A slow reader or a loaded machine: over a second of wall time
	 * between setting the clock and the finger.  On a clock that ran at
	 * speed 1 this punch became 07:31:00 and late; the frozen clock keeps
	 * the test about the rule, not about the machine's speed. */
	usleep(1100 * 1000);
	assert_int_equal(feed(101, 30), 0);
	last_light(light, sizeof(light));
	assert_string_equal(light, "ok");
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-24 07:31:00"),
			 0);
	assert_int_equal(feed(102, 30), 0);
	last_light(light, sizeof(light));
	assert_string_equal(light, "late");
	/* the rekap agrees: 101 on time, 102 one minute late (TL1) */
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-24 23:00:00"),
			 0);
	assert_int_equal(cli(&out, "rekap", "--date", "2026-11-24", "--format",
			     "csv", "--daily", NULL),
			 0);
	assert_non_null(strstr(out, "101"));
	assert_non_null(strstr(out, "07:30:59"));
	assert_non_null(strstr(out, "07:31:00"));
	free(out);
}

static void test_e2e_retry_blinks_red_once_and_rearms(void **state)
{
	struct pdfeed f = {.ctl = ctl,
			   .vimage = vsock,
			   .kind = PDFEED_RETRY,
			   .code = VIMAGE_RETRY_CENTER,
			   .wait_after = 1,
			   .timeout_ms = TIMEOUT};
	int before = punches_today().n, retries = count_lights("retry");

	(void)state;
	assert_int_equal(pdfeed_send(&f), 0);
	assert_int_equal(count_lights("retry"), retries + 1);
	assert_int_equal(punches_today().n, before);
	/* and the reader still identifies afterwards */
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-25 07:20:00"),
			 0);
	assert_int_equal(feed(104, 40), 0);
	assert_string_equal(punches_on("2026-11-25").p.person, "104");
}

static void test_e2e_chain_verifies_after_the_morning(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "chain", "verify", NULL), 0);
	assert_non_null(strstr(out, "chain OK"));
	free(out);
}

static void test_e2e_too_hot_pauses_then_rearms_without_crash(void **state)
{
	struct pdfeed f = {.ctl = ctl,
			   .vimage = vsock,
			   .kind = PDFEED_ERROR,
			   .code = VIMAGE_ERR_TOO_HOT,
			   .wait_after = 1,
			   .timeout_ms = TIMEOUT};
	char logp[600], *log = NULL;

	(void)state;
	/* TOO_HOT cancels the identify; the reader is paused, then re-armed
	 * when libfprint says it is cool (here at once: the injected error
	 * does not heat the virtual device).  wait_after proves the re-arm. */
	assert_int_equal(pdfeed_send(&f), 0);
	snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
	log = testutil_slurp(logp, NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "too hot: paused until it cools"));
	assert_non_null(strstr(log, "cooled down: identify re-armed"));
	free(log);
	assert_int_equal(waitpid(daemon_pid, NULL, WNOHANG), 0);
	/* and it identifies again */
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-25 16:10:00"),
			 0);
	assert_int_equal(feed(105, 41), 0);
	assert_string_equal(punches_on("2026-11-25").p.person, "105");
}

/* Sends one raw request line; returns its final reply line in out. */
static int raw_request(const char *line, char *out, size_t cap)
{
	struct control_reader rb = {0};
	int fd = control_connect(ctl), rc;

	if (fd < 0)
		return fd;
	rc = control_write_all(fd, line, strlen(line));
	while (rc == 0) {
		rc = control_read_line(fd, &rb, out, cap);
		if (rc >= 0 &&
		    (strncmp(out, "ok", 2) == 0 || strncmp(out, "err", 3) == 0))
			rc = 1;
		else if (rc >= 0)
			rc = 0;
	}
	close(fd);
	return rc < 0 ? rc : 0;
}

/* One hostile request crashed the daemon (an unchecked reader index);
 * every field is now held against the request table first. */
static void test_e2e_out_of_range_fields_are_refused_not_fatal(void **state)
{
	static const char *const reqs[] = {
		"enroll\tid=101\tfinger=right-index\treader=4294967296\n",
		"enroll\tid=101\tfinger=right-index\treader=-1\n",
		"wait-armed\treader=99999999999\ttimeout_ms=10\n",
		"person-add\tid=x\tcolour=blue\n",
	};
	char reply[512];

	(void)state;
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(raw_request(reqs[i], reply, sizeof(reply)), 0);
		if (strncmp(reply, "err\tEINVAL\t", 11) != 0)
			fail_msg("%s -> %s", reqs[i], reply);
	}
	/* a reader number no reader has: refused, daemon still up */
	assert_int_equal(
		raw_request("enroll\tid=101\tfinger=right-thumb\treader=9"
			    "\tconsent=yes\n",
			    reply, sizeof(reply)),
		0);
	assert_string_equal(reply, "err\tENODEV\treader 9: not connected");
	assert_int_equal(raw_request("ping\n", reply, sizeof(reply)), 0);
	assert_int_equal(strncmp(reply, "ok\t", 3), 0);
}

/* Who may change records is decided by the socket's peer credentials:
 * another uid that can reach the socket may read status but not write,
 * and a row records the system's name and uid for who acted. */
static void test_e2e_only_admins_change_records(void **state)
{
	char *out = NULL, *argv[20];
	int64_t n = -1;
	int rc, k = 0;

	(void)state;
	/* let uid 65534 reach the config and the socket; the daemon alone
	 * must refuse it */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(conf_path, 0644), 0);
	assert_int_equal(chmod(ctl, 0666), 0);
	argv[k++] = "/usr/bin/setpriv";
	argv[k++] = "--reuid=65534";
	argv[k++] = "--regid=65534";
	argv[k++] = "--clear-groups";
	argv[k++] = bin_c;
	argv[k++] = "--config";
	argv[k++] = conf_path;
	argv[k++] = "person";
	argv[k++] = "add";
	argv[k++] = "--id";
	argv[k++] = "666";
	argv[k++] = "--name";
	argv[k++] = "Penyusup";
	argv[k++] = "--jabatan";
	argv[k++] = "Kaur";
	argv[k] = NULL;
	rc = testutil_run(argv, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "only root and members of group"));
	free(out);
	argv[7] = "status";
	argv[8] = NULL;
	rc = testutil_run(argv, &out);
	if (rc != 0)
		fail_msg("status as uid 65534: %d %s", rc, out);
	free(out);
	assert_int_equal(faultvfs_query_int(db,
					    "SELECT count(*) FROM people "
					    "WHERE id = '666'",
					    &n),
			 0);
	assert_int_equal(n, 0);
	/* rows name the system user (here root), never a claimed one */
	assert_int_equal(
		faultvfs_query_int(db,
				   "SELECT count(*) FROM ledger WHERE kind = "
				   "'person' AND data LIKE '%;by=root;uid=0'",
				   &n),
		0);
	assert_true(n >= 5);
	assert_int_equal(chmod(ctl, 0660), 0);
	assert_int_equal(chmod(dir, 0700), 0);
}

static void test_e2e_config_check_names_file_and_line(void **state)
{
	char bad[600], *out = NULL;
	char *argv_bad[] = {bin_d, "--config", bad, "--check", NULL};
	char *argv_good[] = {bin_d, "--config", conf_path, "--check", NULL};

	(void)state;
	snprintf(bad, sizeof(bad), "%s/bad.conf", dir);
	assert_int_equal(testutil_write(bad, "[desa]\nid = 1\nname = X\n"
					     "timezone = Europe/Paris\n"
					     "colour = blue\n[store]\n"
					     "path = x.db\n"),
			 0);
	assert_int_not_equal(testutil_run(argv_bad, &out), 0);
	assert_non_null(strstr(out, "bad.conf:4:"));
	assert_non_null(strstr(out, "bad.conf:5:"));
	assert_non_null(strstr(out, "[control] socket is required"));
	free(out);
	assert_int_equal(testutil_run(argv_good, &out), 0);
	assert_string_equal(out, "configuration OK\n");
	free(out);
}

static void test_e2e_sighup_with_bad_config_keeps_running_one(void **state)
{
	char *good, *out = NULL, logp[600], *log;

	(void)state;
	good = testutil_slurp(conf_path, NULL);
	assert_non_null(good);
	assert_int_equal(testutil_write(conf_path, "[desa]\nid =\n"), 0);
	assert_int_equal(kill(daemon_pid, SIGHUP), 0);
	snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
	for (int i = 0; i < 250; i++) {
		log = testutil_slurp(logp, NULL);
		if (log && strstr(log, "keeping the running configuration"))
			break;
		free(log);
		log = NULL;
		usleep(20 * 1000); /* signal delivery poll */
	}
	assert_non_null(log);
	free(log);
	assert_int_equal(testutil_write(conf_path, good), 0);
	free(good);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "readers          1"));
	free(out);
}

static void
test_e2e_deactivate_deletes_prints_and_finger_is_unknown(void **state)
{
	char *out = NULL, light[32];
	int before;

	(void)state;
	assert_int_equal(cli(&out, "person", "deactivate", "--id", "105",
			     "--on", "2026-11-25", NULL),
			 0);
	free(out);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    4"));
	free(out);
	before = punches_on("2026-11-25").n;
	assert_int_equal(feed(105, 42), 0);
	assert_int_equal(punches_on("2026-11-25").n, before);
	last_light(light, sizeof(light));
	assert_string_equal(light, "unknown");
	/* history stays: the person is listed, with no print */
	assert_int_equal(cli(&out, "person", "list", NULL), 0);
	assert_non_null(strstr(out, "2026-11-25 0"));
	free(out);
}

/*
 * The value of column col in the rekap CSV row of person id (or "TOTAL").
 * Our test names have no commas or quotes, so a plain split is enough.
 */
static long csv_value(const char *csv, const char *id, const char *col)
{
	char *copy = strdup(csv), *line, *save = NULL;
	int idcol = -1, want = -1;
	long v = -1;

	assert_non_null(copy);
	for (line = strtok_r(copy, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *f, *rest = line, *cells[128];
		int n = 0;

		/* strsep, not strtok: empty fields ("-" percents) count */
		while ((f = strsep(&rest, ",")) && n < 128)
			cells[n++] = f;
		if (idcol < 0) { /* the header */
			for (int i = 0; i < n; i++) {
				if (strcmp(cells[i], "id") == 0)
					idcol = i;
				if (strcmp(cells[i], col) == 0)
					want = i;
			}
			assert_true(idcol >= 0 && want >= 0);
			continue;
		}
		if (idcol < n && want < n && strcmp(cells[idcol], id) == 0) {
			v = strtol(cells[want], NULL, 10);
			break;
		}
	}
	free(copy);
	return v;
}

static char *rekap_csv(const char *date)
{
	char *out = NULL;

	assert_int_equal(
		cli(&out, "rekap", "--date", date, "--format", "csv", NULL), 0);
	return out;
}

static void
test_e2e_excuse_manual_punch_and_holiday_change_the_rekap(void **state)
{
	char *out = NULL, *csv;

	(void)state;
	assert_int_equal(cli_ok("clock", "set", "--at", "2026-11-27 18:00:00"),
			 0);
	/* Thursday 26: 103 is sick, 101 punched by hand (the box was down),
	 * 102 did nothing. */
	assert_int_equal(cli(&out, "excuse", "add", "--id", "103", "--from",
			     "2026-11-26", "--to", "2026-11-27", "--kind",
			     "sakit", "--reason", "demam", "--document",
			     "SKD-7", NULL),
			 0);
	assert_non_null(strstr(out, "excuse="));
	free(out);
	assert_int_equal(cli(&out, "punch", "manual", "--id", "101", "--at",
			     "2026-11-26 07:40", "--reason", "alat mati", NULL),
			 0);
	free(out);
	/* a manual punch in the future is refused, and nothing is stored */
	assert_int_equal(cli(&out, "punch", "manual", "--id", "101", "--at",
			     "2026-11-28 07:40", "--reason", "x", NULL),
			 1);
	assert_non_null(strstr(out, "is in the future"));
	free(out);
	csv = rekap_csv("2026-11-26");
	assert_int_equal(csv_value(csv, "103", "sakit"), 1);
	assert_int_equal(csv_value(csv, "103", "tk"), 0);
	assert_int_equal(csv_value(csv, "101", "hadir"), 1);
	assert_int_equal(csv_value(csv, "101", "tl1"), 1);
	assert_int_equal(csv_value(csv, "101", "tl1_menit"), 10);
	assert_int_equal(csv_value(csv, "101", "presensi_manual"), 1);
	assert_int_equal(csv_value(csv, "102", "tk"), 1);
	free(csv);

	/* Friday 27 becomes a local holiday: nobody is expected */
	assert_int_equal(cli(&out, "calendar", "add", "--date", "2026-11-27",
			     "--name", "Hari Jadi Kabupaten", "--kind", "lokal",
			     NULL),
			 0);
	free(out);
	csv = rekap_csv("2026-11-27");
	assert_int_equal(csv_value(csv, "TOTAL", "libur"), 5);
	assert_int_equal(csv_value(csv, "TOTAL", "hari_kerja_efektif"), 0);
	assert_int_equal(csv_value(csv, "TOTAL", "tk"), 0);
	free(csv);

	/* revoking the sick note turns 103's Thursday into TK */
	/* an excuse number that is no excuse is refused */
	assert_int_equal(cli(&out, "excuse", "revoke", "--excuse", "1",
			     "--reason", "x", NULL),
			 1);
	assert_non_null(strstr(out, "excuse 1: not found"));
	free(out);
	assert_int_equal(
		cli(&out, "excuse", "list", "--month", "2026-11", NULL), 0);
	{
		char *p = strstr(out, "103"), id[16] = "";

		assert_non_null(p);
		/* the list starts each line with the excuse number */
		while (p > out && p[-1] != '\n')
			p--;
		sscanf(p, "%15s", id);
		free(out);
		assert_int_equal(cli(&out, "excuse", "revoke", "--excuse", id,
				     "--reason", "salah input", NULL),
				 0);
		free(out);
	}
	csv = rekap_csv("2026-11-26");
	assert_int_equal(csv_value(csv, "103", "sakit"), 0);
	assert_int_equal(csv_value(csv, "103", "tk"), 1);
	free(csv);
	assert_int_equal(cli(&out, "chain", "verify", NULL), 0);
	free(out);
}

/* The text of column col in the rekap CSV row of person id ("" if none). */
static void csv_text(const char *csv, const char *id, const char *col,
		     char *out, size_t cap)
{
	char *copy = strdup(csv), *line, *save = NULL;
	int idcol = -1, want = -1;

	assert_non_null(copy);
	out[0] = '\0';
	for (line = strtok_r(copy, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *f, *rest = line, *cells[128];
		int n = 0;

		while ((f = strsep(&rest, ",")) && n < 128)
			cells[n++] = f;
		if (idcol < 0) {
			for (int i = 0; i < n; i++) {
				if (strcmp(cells[i], "id") == 0)
					idcol = i;
				if (strcmp(cells[i], col) == 0)
					want = i;
			}
			assert_true(idcol >= 0 && want >= 0);
			continue;
		}
		if (want < n && strcmp(cells[idcol], id) == 0) {
			snprintf(out, cap, "%s", cells[want]);
			break;
		}
	}
	free(copy);
}

/* README "The CLI": a bad argument exits 2, also when the daemon finds it
 * (EINVAL); a well-formed request it refuses exits 1; nothing is stored
 * either way.  With them: a retroactive import, named by the rekap, and a
 * calendar day removed, which changes the calendar facts version. */
static void test_e2e_exit_codes_retroactive_import_calendar_remove(void **state)
{
	char *out = NULL, *csv, v1[80], v2[80], retro[80], profile[600];
	int64_t before = -1, after = -1;

	(void)state;
	snprintf(profile, sizeof(profile),
		 "%s/firmware/profiles/"
		 "ppu-24-2018-5hari.ini",
		 getenv("PD_TOP"));
	assert_int_equal(
		faultvfs_query_int(db, "SELECT count(*) FROM ledger", &before),
		0);
	/* a malformed date in a write command: 2, never sent */
	assert_int_equal(cli(&out, "person", "add", "--id", "107", "--name",
			     "Orang 7", "--jabatan", "Kasun", "--since",
			     "2026-13-01", NULL),
			 2);
	assert_non_null(strstr(out, "--since: \"2026-13-01\" is not a date"));
	free(out);
	/* a bad argument the daemon finds (EINVAL): 2 */
	assert_int_equal(cli(&out, "excuse", "add", "--id", "101", "--from",
			     "2026-11-26", "--to", "2026-11-25", "--kind",
			     "izin", "--reason", "r", NULL),
			 2);
	assert_non_null(strstr(out, "to: before from"));
	free(out);
	assert_int_equal(cli(&out, "profile", "import", profile, "--from",
			     "2026-11-20", "--retroactive", NULL),
			 2);
	free(out);
	/* well-formed, refused: 1 */
	assert_int_equal(cli(&out, "profile", "import", profile, "--from",
			     "2026-11-20", NULL),
			 1);
	assert_non_null(strstr(out, "is before today (2026-11-27)"));
	free(out);
	assert_int_equal(cli(&out, "punch", "manual", "--id", "106", "--at",
			     "2026-11-20 07:40", "--reason", "r", NULL),
			 1);
	assert_non_null(strstr(out, "not an active day of person 106"));
	free(out);
	assert_int_equal(cli(&out, "calendar", "remove", "--date", "2026-11-26",
			     "--reason", "x", NULL),
			 1);
	assert_non_null(strstr(out, "is not a holiday"));
	free(out);
	assert_int_equal(
		faultvfs_query_int(db, "SELECT count(*) FROM ledger", &after),
		0);
	assert_int_equal(after, before);

	/* the explicit retroactive act; the rekap names it */
	assert_int_equal(cli(&out, "profile", "import", profile, "--from",
			     "2026-11-20", "--retroactive", "--reason",
			     "Perbup 24/2018, koreksi", NULL),
			 0);
	free(out);
	csv = rekap_csv("2026-11-26");
	csv_text(csv, "TOTAL", "perubahan_surut", retro, sizeof(retro));
	assert_non_null(strstr(retro, ":2026-11-20:2026-11-27"));
	csv_text(csv, "TOTAL", "kalender_fakta_versi", v1, sizeof(v1));
	assert_int_equal(strlen(v1), 64);
	free(csv);
	assert_int_equal(cli(&out, "rekap", "--date", "2026-11-26", NULL), 0);
	assert_non_null(strstr(out, "Ubah surut"));
	assert_non_null(strstr(out, "Perbup 24/2018, koreksi"));
	free(out);

	/* the local holiday of Friday 27 is removed: figures and version
	 * change together */
	assert_int_equal(cli(&out, "calendar", "remove", "--date", "2026-11-27",
			     "--reason", "salah tanggal", NULL),
			 0);
	free(out);
	csv = rekap_csv("2026-11-27");
	assert_int_equal(csv_value(csv, "TOTAL", "libur"), 0);
	csv_text(csv, "TOTAL", "kalender_fakta_versi", v2, sizeof(v2));
	assert_string_not_equal(v1, v2);
	free(csv);
	assert_int_equal(cli(&out, "chain", "verify", NULL), 0);
	free(out);
}

static void test_e2e_unplug_drops_reader_and_lights_fault(void **state)
{
	struct vimage *v = NULL;
	char *out = NULL;
	int faults = count_lights("fault");

	(void)state;
	assert_int_equal(vimage_connect(vsock, TIMEOUT, &v), 0);
	assert_int_equal(vimage_send_unplug(v), 0);
	vimage_close(v);
	/* the removal arrives asynchronously; poll the light log */
	for (int i = 0; i < 250 && count_lights("fault") == faults; i++)
		usleep(20 * 1000);
	assert_int_equal(count_lights("fault"), faults + 1);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "readers          0"));
	free(out);
	/* SIGTERM: exit 0, lights off */
	int st = stop_daemon();

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	{
		char light[32];
		char *log = testutil_slurp(simlog, NULL);

		assert_non_null(log);
		assert_non_null(strstr(log, " off\n"));
		free(log);
		(void)light;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_e2e_tells_systemd_ready_and_pings_watchdog),
		cmocka_unit_test(test_e2e_enroll_five_synthetic_fingers),
		cmocka_unit_test(test_e2e_enroll_needs_consent),
		cmocka_unit_test(
			test_e2e_duplicate_finger_enrolment_is_refused),
		cmocka_unit_test(test_e2e_each_finger_punches_the_right_person),
		cmocka_unit_test(
			test_e2e_unknown_finger_lights_red_and_stores_nothing),
		cmocka_unit_test(test_e2e_double_tap_is_a_suppressed_row),
		cmocka_unit_test(
			test_e2e_grace_boundary_on_the_simulated_clock),
		cmocka_unit_test(test_e2e_retry_blinks_red_once_and_rearms),
		cmocka_unit_test(test_e2e_chain_verifies_after_the_morning),
		cmocka_unit_test(
			test_e2e_too_hot_pauses_then_rearms_without_crash),
		cmocka_unit_test(
			test_e2e_out_of_range_fields_are_refused_not_fatal),
		cmocka_unit_test(test_e2e_only_admins_change_records),
		cmocka_unit_test(test_e2e_config_check_names_file_and_line),
		cmocka_unit_test(
			test_e2e_sighup_with_bad_config_keeps_running_one),
		cmocka_unit_test(
			test_e2e_deactivate_deletes_prints_and_finger_is_unknown),
		cmocka_unit_test(
			test_e2e_excuse_manual_punch_and_holiday_change_the_rekap),
		cmocka_unit_test(
			test_e2e_exit_codes_retroactive_import_calendar_remove),
		cmocka_unit_test(test_e2e_unplug_drops_reader_and_lights_fault),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
