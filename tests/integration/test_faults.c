/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box under faults, load and hostile clients: the real build/presensid
 * with libfprint's virtual_image reader and the sim lights, each test in a
 * fresh directory started from a store in which two synthetic fingers were
 * enrolled once (group setup).  The storage faults (a zeroed header, a
 * read-only file, a corrupt page, a deleted database, a lost key), the
 * control socket's path, a second daemon, clients that never read or
 * never leave, and a start as root.  Images are paced on the reader's
 * finger-status through the daemon (pdfeed), never on sleeps; daemon runs
 * stay short (libfprint's heat model cancels an identify left armed about
 * 180 s).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "civil.h"
#include "control_client.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "store.h"
#include "tools/pdfeed.h"

#define DAY	      "2026-11-23" /* a Monday */
#define WAIT_MS	      20000	   /* one wait on the reader or the daemon */
#define POLL_MS	      50	   /* start-up and log polls, not pacing */
#define FINGER_101    201	   /* synthetic finger seeds of the template */
#define FINGER_102    202
#define ANSWER_MS     10000 /* "answers at all", not a latency bound */
#define PATH_LEN      600
#define CONF_TEXT_MAX 4096

static char bin_d[PATH_LEN], bin_c[PATH_LEN], top[400];

/* One box: a directory with its config, store, key, socket and logs. */
struct box {
	char *dir;
	char conf[PATH_LEN], ctl[PATH_LEN], vsock[PATH_LEN];
	char simlog[PATH_LEN], db[PATH_LEN], key[PATH_LEN], log[PATH_LEN];
	pid_t pid;
};

/* Extra configuration for one start. */
struct box_opts {
	const char *socket;	   /* [control] socket; NULL = <dir>/ctl.sock */
	const char *control_extra; /* more [control] lines */
	const char *extra;	   /* more sections at the end */
	rlim_t nofile;		   /* RLIMIT_NOFILE for the daemon; 0 = keep */
	const char *user;	   /* run as this uid:gid (setpriv); NULL */
};

static struct box tmpl; /* the template store, with two prints */

/* Daemons started and not yet stopped: a failed assertion leaves a test
 * early, and its teardown stops them (never a daemon left behind). */
#define LIVE_MAX 8
static pid_t live[LIVE_MAX];

static void live_add(pid_t pid)
{
	for (int i = 0; i < LIVE_MAX; i++)
		if (!live[i]) {
			live[i] = pid;
			return;
		}
}

static void live_del(pid_t pid)
{
	for (int i = 0; i < LIVE_MAX; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static int stop_strays(void **state)
{
	(void)state;
	for (int i = 0; i < LIVE_MAX; i++)
		if (live[i] > 0) {
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
	return 0;
}

static void box_paths(struct box *b, const char *tag)
{
	memset(b, 0, sizeof(*b));
	b->dir = testutil_tmpdir(tag);
	assert_non_null(b->dir);
	snprintf(b->conf, sizeof(b->conf), "%s/presensi.conf", b->dir);
	snprintf(b->ctl, sizeof(b->ctl), "%s/ctl.sock", b->dir);
	snprintf(b->vsock, sizeof(b->vsock), "%s/vimage.sock", b->dir);
	snprintf(b->simlog, sizeof(b->simlog), "%s/lights.log", b->dir);
	snprintf(b->db, sizeof(b->db), "%s/presensi.db", b->dir);
	snprintf(b->key, sizeof(b->key), "%s/presensi.db.key", b->dir);
	snprintf(b->log, sizeof(b->log), "%s/presensid.log", b->dir);
}

static void box_conf(struct box *b, const struct box_opts *o)
{
	char text[CONF_TEXT_MAX];

	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Desa Uji\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n%s"
		 "[lights]\nbackend = sim\nsim_log = %s\n"
		 "[clock]\nsource = simulated\n"
		 "simulated_start = " DAY " 07:00:00\n"
		 "simulated_speed = 0\n"
		 /* armed all day: fingers come at any hour of a test */
		 "[wake]\nduty = no\n"
		 "[rules]\nprofile = %s/firmware/profiles/"
		 "ppu-24-2018-5hari.ini\n%s",
		 b->db, o && o->socket ? o->socket : b->ctl,
		 o && o->control_extra ? o->control_extra : "", b->simlog, top,
		 o && o->extra ? o->extra : "");
	assert_int_equal(testutil_write(b->conf, text), 0);
}

/* Copies file name from the template's directory into b's, if it is
 * there. */
static void copy_from_template(struct box *b, const char *name)
{
	char from[PATH_LEN + 64], to[PATH_LEN + 64];
	size_t len = 0;
	char *data;
	int fd;

	snprintf(from, sizeof(from), "%s/%s", tmpl.dir, name);
	snprintf(to, sizeof(to), "%s/%s", b->dir, name);
	data = testutil_slurp(from, &len);
	if (!data)
		return;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  strstr(name, ".key") ? 0600 : 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
}

/* A fresh box holding a copy of the template's store and key. */
static void box_from_template(struct box *b, const char *tag,
			      const struct box_opts *o)
{
	static const char *const files[] = {
		"presensi.db",	   "presensi.db-wal", "presensi.db-shm",
		"presensi.db.key", ".presensi-store",
	};

	box_paths(b, tag);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		copy_from_template(b, files[i]);
	box_conf(b, o);
}

/* Runs the CLI on b's config; returns the exit code, output in *out. */
static int cli(struct box *b, char **out, ...)
{
	char *argv[24];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = b->conf;
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	return testutil_run(argv, out);
}

/* Starts the daemon without waiting for it. */
static void box_spawn(struct box *b, const struct box_opts *o)
{
	b->pid = fork();
	assert_true(b->pid >= 0);
	if (b->pid == 0) {
		if (!freopen(b->log, "a", stderr))
			_exit(126);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", b->vsock, 1);
		unsetenv("NOTIFY_SOCKET");
		if (o && o->nofile) {
			struct rlimit rl = {o->nofile, o->nofile};

			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				_exit(125);
		}
		if (o && o->user) {
			char re[64], rg[64];
			const char *colon = strchr(o->user, ':');

			snprintf(re, sizeof(re), "--reuid=%.*s",
				 (int)(colon - o->user), o->user);
			snprintf(rg, sizeof(rg), "--regid=%s", colon + 1);
			execl("/usr/bin/setpriv", "setpriv", re, rg,
			      "--clear-groups", bin_d, "--config", b->conf,
			      (char *)NULL);
			_exit(127);
		}
		execl(bin_d, bin_d, "--config", b->conf, (char *)NULL);
		_exit(127);
	}
	live_add(b->pid);
}

/* Polls status until its output holds needle; 0, or -1 when the daemon
 * exited or never said it. */
static int box_wait_status(struct box *b, const char *needle)
{
	for (int i = 0; i < WAIT_MS / POLL_MS; i++) {
		char *out = NULL;
		int rc = cli(b, &out, "status", NULL);
		int found = rc == 0 && out && strstr(out, needle);

		free(out);
		if (found)
			return 0;
		if (waitpid(b->pid, NULL, WNOHANG) == b->pid) {
			live_del(b->pid);
			b->pid = 0;
			return -1;
		}
		usleep(POLL_MS * 1000);
	}
	return -1;
}

/* Starts the daemon and waits until its reader is armed. */
static int box_start(struct box *b, const struct box_opts *o)
{
	box_spawn(b, o);
	if (box_wait_status(b, "readers          1") < 0)
		return -1;
	return pdfeed_wait_armed(b->ctl, 0, 0, 0, WAIT_MS, NULL);
}

/* SIGTERM, then the exit status (-1 if it had to be killed). */
static int box_stop(struct box *b)
{
	int status = -1;

	if (b->pid <= 0)
		return -1;
	kill(b->pid, SIGTERM);
	for (int i = 0; i < 1000; i++) {
		if (waitpid(b->pid, &status, WNOHANG) == b->pid) {
			live_del(b->pid);
			b->pid = 0;
			return status;
		}
		usleep(10 * 1000);
	}
	kill(b->pid, SIGKILL);
	waitpid(b->pid, &status, 0);
	live_del(b->pid);
	b->pid = 0;
	return -1;
}

/* Waits for a daemon that must exit on its own; its exit status. */
static int box_exit_status(struct box *b)
{
	int status = -1;

	for (int i = 0; i < WAIT_MS / 10; i++) {
		if (waitpid(b->pid, &status, WNOHANG) == b->pid) {
			live_del(b->pid);
			b->pid = 0;
			return status;
		}
		usleep(10 * 1000);
	}
	return box_stop(b) == -1 ? -1 : -2; /* it did not exit */
}

static void box_free(struct box *b)
{
	char *log;

	box_stop(b);
	if (getenv("PD_SHOW_LOG") && (log = testutil_slurp(b->log, NULL))) {
		print_message("%s", log);
		free(log);
	}
	testutil_rmtree_free(b->dir);
	b->dir = NULL;
}

static char *box_log(struct box *b)
{
	char *log = testutil_slurp(b->log, NULL);

	assert_non_null(log);
	return log;
}

/* Presents finger seed (impression imp) and waits until it is handled. */
static int feed(struct box *b, uint32_t finger, uint32_t imp)
{
	struct pdfeed f = {.ctl = b->ctl,
			   .vimage = b->vsock,
			   .kind = PDFEED_IMAGE,
			   .finger = finger,
			   .impression = imp,
			   .wait_after = 1,
			   .timeout_ms = WAIT_MS};

	return pdfeed_send(&f);
}

static int64_t query(const char *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(faultvfs_query_int(db, sql, &n), 0);
	return n;
}

/* The last state in the sim light log. */
static void last_light(struct box *b, char *out, size_t cap)
{
	char *log = testutil_slurp(b->simlog, NULL), *p;

	snprintf(out, cap, "none");
	if (!log)
		return;
	p = log + strlen(log);
	if (p > log)
		p--; /* the last newline */
	while (p > log && p[-1] != '\n')
		p--;
	snprintf(out, cap, "%s", strchr(p, ' ') ? strchr(p, ' ') + 1 : p);
	out[strcspn(out, "\n")] = '\0';
	free(log);
}

static int count_lights(struct box *b, const char *state)
{
	char *log = testutil_slurp(b->simlog, NULL), pat[64];
	int n;

	if (!log)
		return 0;
	snprintf(pat, sizeof(pat), " %s\n", state);
	n = testutil_count(log, pat);
	free(log);
	return n;
}

/* Asserts fault mode: the fault light shows, ready never did, and status
 * answers with a fault line holding each of the needles. */
static void assert_fault_mode(struct box *b, const char *n1, const char *n2)
{
	char light[32], *out = NULL;

	last_light(b, light, sizeof(light));
	assert_string_equal(light, "fault");
	assert_int_equal(count_lights(b, "ready"), 0);
	assert_int_equal(cli(b, &out, "status", NULL), 0);
	if (!strstr(out, "fault            ") || !strstr(out, n1) ||
	    (n2 && !strstr(out, n2)))
		fail_msg("status without the fault (%s, %s): %s", n1,
			 n2 ? n2 : "", out);
	free(out);
}

/* Overwrites len bytes of file at off with byte v. */
static void scribble(const char *path, off_t off, size_t len, int v)
{
	char buf[65536];
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_true(len <= sizeof(buf));
	memset(buf, v, len);
	assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

/* Enrols finger seed for id through the CLI, feeding images. */
static int enroll(struct box *b, const char *id, uint32_t seed)
{
	char outp[PATH_LEN + 32];
	pid_t pid;
	int status = -1, fed = 0;

	snprintf(outp, sizeof(outp), "%s/enroll-%s.out", b->dir, id);
	pid = fork();
	if (pid == 0) {
		if (!freopen(outp, "w", stdout) || !freopen(outp, "a", stderr))
			_exit(126);
		execl(bin_c, bin_c, "--config", b->conf, "enroll", "--id", id,
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
		usleep(10 * 1000);
	}
	for (; fed < 12; fed++) {
		struct pdfeed f = {.ctl = b->ctl,
				   .vimage = b->vsock,
				   .kind = PDFEED_IMAGE,
				   .finger = seed,
				   .impression = 1 + (uint32_t)fed,
				   .wait_after = 1,
				   .enrolment = 1,
				   .timeout_ms = WAIT_MS};

		if (pdfeed_send(&f) < 0)
			break;
	}
	if (waitpid(pid, &status, 0) < 0 && errno != ECHILD)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Punches of a person in b's store, read behind the daemon's back. */
static int punches_of(struct box *b, const char *person)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM punches WHERE person = '%s'", person);
	return (int)query(b->db, sql);
}

/* Sends one request on a fresh connection and returns its final line in
 * out; waits at most ANSWER_MS for it (SO_RCVTIMEO): -ETIMEDOUT then. */
static int request(struct box *b, const char *line, char *out, size_t cap)
{
	struct timeval tv = {ANSWER_MS / 1000, 0};
	struct control_reader rb = {0};
	int fd = control_connect(b->ctl), rc;

	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return -errno;
	}
	rc = control_write_all(fd, line, strlen(line));
	while (rc == 0) {
		rc = control_read_line(fd, &rb, out, cap);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			rc = -ETIMEDOUT;
		else if (rc >= 0)
			rc = strncmp(out, "ok", 2) == 0 ||
					     strncmp(out, "err", 3) == 0
				     ? 1
				     : 0;
	}
	close(fd);
	return rc < 0 ? rc : 0;
}

/* Counts the lines of b's log holding needle. */
static int log_count(struct box *b, const char *needle)
{
	char *log = box_log(b);
	int n = testutil_count(log, needle);

	free(log);
	return n;
}

/* The daemon's CPU time so far (utime + stime), in clock ticks. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], *stat, *p;
	long long ut = -1, st = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = testutil_slurp(path, NULL);
	assert_non_null(stat);
	p = strrchr(stat, ')'); /* comm may hold spaces */
	assert_non_null(p);
	/* after ") ": state is field 3; utime and stime are 14 and 15 */
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
				"%lld %lld",
				&ut, &st),
			 2);
	free(stat);
	return ut + st;
}

/* Opens up to n idle connections (non-blocking: a full backlog refuses
 * more); returns how many are open, their fds in fds. */
static int idle_clients(struct box *b, int *fds, int n)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int k = 0;

	memcpy(sa.sun_path, b->ctl, strlen(b->ctl) + 1);
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

		assert_true(fd >= 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			fds[k++] = fd;
		else
			close(fd);
	}
	return k;
}

/* ---- the template: two people, one finger each ---- */

static int group_setup(void **state)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char *out = NULL;
	int rc;

	(void)state;
	if (!getcwd(top, sizeof(top)))
		return -1;
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", top, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", top, o);
	if (faultvfs_register() < 0)
		return -1;
	box_paths(&tmpl, "faults-tmpl");
	box_conf(&tmpl, NULL);
	if (box_start(&tmpl, NULL) < 0)
		return -1;
	rc = cli(&tmpl, &out, "person", "add", "--id", "101", "--name",
		 "Orang Satu", "--jabatan", "Kasi", "--since", "2026-11-01",
		 NULL);
	free(out);
	if (rc == 0)
		rc = cli(&tmpl, &out, "person", "add", "--id", "102", "--name",
			 "Orang Dua", "--jabatan", "Kaur", "--since",
			 "2026-11-01", NULL);
	free(out);
	if (rc == 0)
		rc = enroll(&tmpl, "101", FINGER_101);
	if (rc == 0)
		rc = enroll(&tmpl, "102", FINGER_102);
	if (box_stop(&tmpl) != 0)
		rc = -1;
	/* everything in the database file: a test that damages the file
	 * damages what SQLite reads */
	if (rc == 0)
		rc = faultvfs_exec_sql(tmpl.db,
				       "PRAGMA wal_checkpoint(TRUNCATE)");
	return rc;
}

static int group_teardown(void **state)
{
	box_free(&tmpl);
	return stop_strays(state);
}

/* ---- the control socket's path ---- */

/* presensid unlinked whatever sat at the socket path: with [control]
 * socket naming the database, starting deleted it.  --check refuses that
 * path, and at start only a stale socket is removed; any other file
 * there is an error and stays. */
static void test_faults_socket_path_never_replaces_a_file(void **state)
{
	struct box b;
	struct box_opts o = {0};
	char *out = NULL, other[PATH_LEN + 16], *argv[5];
	int64_t people;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	(void)state;
	box_from_template(&b, "faults-sock", NULL);
	people = query(b.db, "SELECT count(*) FROM people");
	/* the database as the socket: refused by --check and at start */
	o.socket = b.db;
	box_conf(&b, &o);
	argv[0] = bin_d;
	argv[1] = "--config";
	argv[2] = b.conf;
	argv[3] = "--check";
	argv[4] = NULL;
	assert_int_equal(testutil_run(argv, &out), 1);
	assert_non_null(strstr(out, "presensi.conf:8: [control] socket: the "
				    "same file as [store] path"));
	free(out);
	box_spawn(&b, &o);
	assert_int_equal(box_exit_status(&b), 1 << 8);
	assert_int_equal(query(b.db, "SELECT count(*) FROM people"), people);
	/* another file, not in the config: left alone, the start fails */
	snprintf(other, sizeof(other), "%s/notes.txt", b.dir);
	assert_int_equal(testutil_write(other, "catatan\n"), 0);
	o.socket = other;
	box_conf(&b, &o);
	box_spawn(&b, &o);
	assert_int_equal(box_exit_status(&b), 1 << 8);
	out = testutil_slurp(other, NULL);
	assert_string_equal(out, "catatan\n");
	free(out);
	out = box_log(&b);
	assert_non_null(strstr(out, "exists and is not a socket"));
	free(out);
	/* a symlink to the database: not a socket either */
	assert_int_equal(symlink(b.db, b.ctl), 0);
	box_conf(&b, NULL);
	box_spawn(&b, NULL);
	assert_int_equal(box_exit_status(&b), 1 << 8);
	assert_int_equal(query(b.db, "SELECT count(*) FROM people"), people);
	assert_int_equal(unlink(b.ctl), 0);
	/* a stale socket (a crash left it): removed, the daemon starts */
	memcpy(sa.sun_path, b.ctl, strlen(b.ctl) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* ---- one daemon per store ---- */

/* Two daemons could open one database.  The second is refused with a
 * clear message and exit 1 before it touches anything: no socket, no
 * light log, the first one untouched. */
static void test_faults_second_daemon_on_a_store_is_refused(void **state)
{
	struct box a, b2;
	char *out = NULL, *log;
	struct stat sb;

	(void)state;
	box_from_template(&a, "faults-lock", NULL);
	assert_int_equal(box_start(&a, NULL), 0);
	/* the same store, its own socket and light log */
	box_paths(&b2, "faults-lock2");
	snprintf(b2.db, sizeof(b2.db), "%s", a.db);
	box_conf(&b2, NULL);
	box_spawn(&b2, NULL);
	assert_int_equal(box_exit_status(&b2), 1 << 8);
	log = box_log(&b2);
	assert_non_null(strstr(log, "another presensid is running on"));
	assert_non_null(strstr(log, "not started"));
	free(log);
	assert_int_equal(lstat(b2.ctl, &sb), -1);
	assert_int_equal(lstat(b2.simlog, &sb), -1);
	assert_int_equal(cli(&a, &out, "status", NULL), 0);
	assert_non_null(strstr(out, "readers          1"));
	free(out);
	/* once the first has stopped, a daemon starts on the store */
	assert_int_equal(box_stop(&a), 0);
	assert_int_equal(box_start(&b2, NULL), 0);
	box_free(&b2);
	box_free(&a);
}

/* ---- clients that do not read, or never leave ---- */

/* A control client that did not read its replies froze the daemon: it
 * wrote them from the main loop on a blocking socket.  Now a client that
 * falls behind by more than its queue's bound is dropped, logged once,
 * and everyone else is served: a ping answers and a finger is recorded. */
static void test_faults_client_that_never_reads_is_dropped(void **state)
{
	struct box b;
	char reply[256];
	int h, sent = 0, stalled = 0;

	(void)state;
	box_from_template(&b, "faults-slow", NULL);
	assert_int_equal(box_start(&b, NULL), 0);
	h = control_connect(b.ctl);
	assert_true(h >= 0);
	assert_int_equal(fcntl(h, F_SETFL, O_NONBLOCK), 0);
	/* 3000 status requests, about 3 MB of replies, never read */
	while (sent < 3000 && stalled < 2000) {
		ssize_t n = send(h, "status\n", 7, MSG_NOSIGNAL);

		if (n == 7) {
			sent++;
			stalled = 0;
		} else if (n < 0 && errno == EAGAIN) {
			stalled++; /* a full buffer: let the daemon read */
			usleep(1000);
		} else {
			break; /* dropped: it stopped listening to us */
		}
	}
	assert_true(sent >= 500);
	assert_int_equal(request(&b, "ping\n", reply, sizeof(reply)), 0);
	assert_int_equal(strncmp(reply, "ok\t", 3), 0);
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_int_equal(punches_of(&b, "101"), 1);
	assert_int_equal(log_count(&b, "fell behind"), 1);
	close(h);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

#define IDLE_MAX 200 /* idle connections a test opens */
#define CPU_WAIT 2   /* seconds the daemon's CPU time is measured over */

/*
 * accept() failing with EMFILE spun at ~100 % CPU and flooded the log:
 * the listening socket stayed readable and every wake-up failed again.
 * Now the daemon stops watching it for a while (with backoff), logs the
 * episode once, and answers again once clients leave.
 *
 * The CPU bound is not a timing assertion: a busy loop uses the whole
 * interval (100 %), a paused listener next to nothing, and the bound
 * (half the interval) sits far from both, whatever the machine's speed.
 */
static void test_faults_out_of_fds_pauses_accept_not_spins(void **state)
{
	struct box b;
	struct box_opts o = {.nofile = 26}; /* about 6 clients' worth */
	int fds[IDLE_MAX], n;
	long long before, used, hz = sysconf(_SC_CLK_TCK);
	char reply[256];

	(void)state;
	box_from_template(&b, "faults-emfile", &o);
	assert_int_equal(box_start(&b, &o), 0);
	n = idle_clients(&b, fds, IDLE_MAX);
	assert_true(n > 10); /* more than the daemon has fds for */
	before = cpu_ticks(b.pid);
	sleep(CPU_WAIT); /* a measuring interval, not pacing */
	used = cpu_ticks(b.pid) - before;
	if (used * 2 >= CPU_WAIT * hz)
		fail_msg("%lld of %lld ticks busy while out of fds", used,
			 CPU_WAIT * hz);
	assert_int_equal(log_count(&b, "out of file descriptors"), 1);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	assert_int_equal(request(&b, "ping\n", reply, sizeof(reply)), 0);
	assert_int_equal(strncmp(reply, "ok\t", 3), 0);
	assert_int_equal(log_count(&b, "out of file descriptors"), 1);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* At [control] max_clients the daemon stops accepting until one leaves:
 * idle clients cannot take every descriptor.  Logged once. */
static void test_faults_client_cap_waits_then_serves(void **state)
{
	struct box b;
	struct box_opts o = {.control_extra = "max_clients = 4\n"};
	int fds[IDLE_MAX], n;
	char reply[256];

	(void)state;
	box_from_template(&b, "faults-cap", &o);
	assert_int_equal(box_start(&b, &o), 0);
	n = idle_clients(&b, fds, 12);
	assert_true(n > 4);
	for (int i = 0;
	     i < WAIT_MS / POLL_MS &&
	     !log_count(&b, "the most allowed ([control] max_clients)");
	     i++)
		usleep(POLL_MS * 1000);
	assert_int_equal(log_count(&b, "4 clients connected, the most allowed "
				       "([control] max_clients)"),
			 1);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	assert_int_equal(request(&b, "ping\n", reply, sizeof(reply)), 0);
	assert_int_equal(strncmp(reply, "ok\t", 3), 0);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* ---- storage faults at start: the lights first, then fault mode ---- */

/* A zeroed header made presensid exit 1 before the lights were open: the
 * box stayed dark and systemd restarted it in a loop.  Now it stays up in
 * fault mode, and a finger is refused. */
static void test_faults_zeroed_header_is_fault_mode(void **state)
{
	struct box b;
	char *log;

	(void)state;
	box_from_template(&b, "faults-zero", NULL);
	scribble(b.db, 0, 100, 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_fault_mode(&b, "is damaged or is not a database",
			  "restore a backup");
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_fault_mode(&b, "is damaged", NULL);
	log = box_log(&b);
	assert_non_null(strstr(log, "punch NOT recorded: fault mode"));
	free(log);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* A read-only database file left the box ready while every punch
 * failed.  As a non-root user (root writes anyway). */
static void test_faults_read_only_store_is_fault_mode(void **state)
{
	struct box b;
	struct box_opts o = {.user = "65534:65534"};
	static const char *const names[] = {
		"presensi.db",	   "presensi.db-wal", "presensi.db-shm",
		"presensi.db.key", ".presensi-store", "",
	};
	char path[PATH_LEN + 32];

	(void)state;
	box_from_template(&b, "faults-ro", &o);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", b.dir, names[i]);
		if (access(path, F_OK) == 0)
			assert_int_equal(chown(path, 65534, 65534), 0);
	}
	assert_int_equal(chmod(b.db, 0440), 0);
	assert_int_equal(box_start(&b, &o), 0);
	assert_fault_mode(&b, "is read-only", "make it writable");
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* A corrupt page (a b-tree page of the punches table overwritten) went
 * unnoticed, and punches were acknowledged over it: quick_check at start
 * finds it. */
static void test_faults_corrupt_page_is_fault_mode(void **state)
{
	struct box b;
	int64_t root, pgsz, before;

	(void)state;
	box_from_template(&b, "faults-page", NULL);
	root = query(b.db, "SELECT rootpage FROM sqlite_master "
			   "WHERE name = 'punches'");
	pgsz = query(b.db, "PRAGMA page_size");
	scribble(b.db, (off_t)((root - 1) * pgsz), (size_t)pgsz, 0xa5);
	before = query(b.db, "SELECT count(*) FROM ledger");
	assert_int_equal(box_start(&b, NULL), 0);
	assert_fault_mode(&b, "is damaged or is not a database",
			  "restore a backup");
	assert_int_equal(feed(&b, FINGER_101, 31), 0);
	assert_int_equal(query(b.db, "SELECT count(*) FROM ledger"), before);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* ---- the database deleted under the daemon, and the next start ---- */

/* Deleting the database while the daemon ran went unnoticed, and the next
 * start silently made an empty ledger.  Now the daemon notices (status, a
 * timer, any write) and goes to fault mode; a start finds the marker the
 * first store left and refuses to make a new one. */
static void test_faults_deleted_store_is_noticed_and_never_remade(void **state)
{
	struct box b;
	char *out = NULL, *log, light[32], wal[PATH_LEN + 8];
	struct stat sb;

	(void)state;
	box_from_template(&b, "faults-gone", NULL);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_int_equal(punches_of(&b, "101"), 1);
	snprintf(wal, sizeof(wal), "%s-wal", b.db);
	assert_int_equal(unlink(b.db), 0);
	(void)unlink(wal);
	assert_int_equal(cli(&b, &out, "status", NULL), 0);
	assert_non_null(strstr(out, "was deleted or replaced while presensid "
				    "ran"));
	free(out);
	last_light(&b, light, sizeof(light));
	assert_string_equal(light, "fault");
	/* a finger is refused; so is a write */
	assert_int_equal(feed(&b, FINGER_102, 30), 0);
	log = box_log(&b);
	assert_non_null(strstr(log, "punch NOT recorded: fault mode"));
	free(log);
	assert_int_equal(cli(&b, &out, "punch", "manual", "--id", "102", "--at",
			     DAY " 06:30", "--reason", "uji", NULL),
			 1);
	assert_non_null(strstr(out, "fault mode"));
	free(out);
	assert_int_equal(box_stop(&b), 0);
	/* the next start: no empty ledger in its place, but fault mode */
	assert_int_equal(testutil_write(b.simlog, ""), 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_int_equal(stat(b.db, &sb), -1);
	assert_fault_mode(&b, "is missing, but this directory held one",
			  "restore the database from a backup");
	assert_int_equal(box_stop(&b), 0);
	assert_int_equal(stat(b.db, &sb), -1);
	box_free(&b);
}

/* ---- prints that do not open, and keys ---- */

/* One altered template emptied the gallery: the box showed ready and no
 * finger was recognised.  Now that print is skipped and reported, and the
 * others still identify. */
static void test_faults_one_bad_template_is_skipped(void **state)
{
	struct box b;
	char *out = NULL, light[32];

	(void)state;
	box_from_template(&b, "faults-blob", NULL);
	assert_int_equal(faultvfs_exec_sql(b.db, "UPDATE prints SET blob = "
						 "randomblob(length(blob)) "
						 "WHERE person = '102'"),
			 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_int_equal(cli(&b, &out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    1"));
	assert_non_null(strstr(out, "prints_bad       1 do not open"));
	assert_non_null(strstr(out, "bad-print  2  102  right-index"));
	assert_null(strstr(out, "fault  "));
	free(out);
	assert_int_equal(log_count(&b, "print 2 of 102 does not open"), 1);
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_int_equal(punches_of(&b, "101"), 1);
	last_light(&b, light, sizeof(light));
	assert_string_equal(light, "ok");
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* The "UPDATE prints SET person": 101's template, claimed by 102,
 * no longer opens, so 101's finger punches as nobody, and chain verify
 * names the print. */
static void test_faults_print_moved_to_another_person(void **state)
{
	struct box b;
	char *out = NULL, light[32];

	(void)state;
	box_from_template(&b, "faults-moved", NULL);
	assert_int_equal(faultvfs_exec_sql(b.db, "UPDATE prints SET person = "
						 "'102' WHERE person = '101'"),
			 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_int_equal(punches_of(&b, "101"), 0);
	assert_int_equal(punches_of(&b, "102"), 0);
	last_light(&b, light, sizeof(light));
	assert_string_equal(light, "unknown");
	assert_int_equal(cli(&b, &out, "status", NULL), 0);
	assert_non_null(strstr(out, "bad-print  1  102"));
	free(out);
	assert_int_equal(cli(&b, &out, "chain", "verify", NULL), 1);
	assert_non_null(strstr(out, "print 1: the prints row (person 102) "
				    "differs from its print enrol row "
				    "(person 101)"));
	free(out);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* A lost key file was made anew over the enrolled prints, which then
 * never opened, and the box showed ready.  Now a missing key with prints
 * in the store is fault mode, and no key is made. */
static void test_faults_missing_key_is_fault_not_a_new_key(void **state)
{
	struct box b;
	struct stat sb;

	(void)state;
	box_from_template(&b, "faults-nokey", NULL);
	assert_int_equal(unlink(b.key), 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_fault_mode(&b, "key file",
			  "is missing, and the store holds 2 "
			  "enrolled prints");
	assert_int_equal(stat(b.key, &sb), -1);
	assert_int_equal(box_stop(&b), 0);
	assert_int_equal(stat(b.key, &sb), -1);
	/* no prints, but a ledger: the key is the device's identity too */
	assert_int_equal(faultvfs_exec_sql(b.db, "DELETE FROM prints"), 0);
	assert_int_equal(testutil_write(b.simlog, ""), 0);
	assert_int_equal(box_start(&b, NULL), 0);
	assert_fault_mode(&b, "key file", "is missing, and the store holds");
	assert_int_equal(stat(b.key, &sb), -1);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* A key that opens none of the prints: fault mode saying what to do.
 * Re-enrolling replaces the print that does not open (a ledger fact),
 * and the box is ready again. */
static void test_faults_wrong_key_is_fault_until_re_enrolled(void **state)
{
	struct box b;
	uint8_t key[32];
	char *out = NULL, want[PATH_LEN + 128];
	int fd;

	(void)state;
	box_from_template(&b, "faults-wrongkey", NULL);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	fd = open(b.key, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, key, sizeof(key)), (ssize_t)sizeof(key));
	close(fd);
	assert_int_equal(box_start(&b, NULL), 0);
	snprintf(want, sizeof(want),
		 "key file %s does not open the 2 enrolled prints: restore "
		 "the key or re-enrol",
		 b.key);
	assert_fault_mode(&b, want, NULL);
	/* the recovery the message names: 101 enrols again */
	assert_int_equal(enroll(&b, "101", FINGER_101), 0);
	assert_int_equal(cli(&b, &out, "status", NULL), 0);
	assert_null(strstr(out, "fault  "));
	assert_non_null(strstr(out, "prints_loaded    1"));
	assert_non_null(strstr(out, "bad-print  2  102"));
	free(out);
	assert_int_equal(query(b.db, "SELECT count(*) FROM ledger WHERE "
				     "kind = 'print' AND data LIKE "
				     "'%action=delete;print=1;%replaced by "
				     "print 3;%'"),
			 1);
	assert_int_equal(feed(&b, FINGER_101, 30), 0);
	assert_int_equal(punches_of(&b, "101"), 1);
	assert_int_equal(cli(&b, &out, "chain", "verify", NULL), 0);
	free(out);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

/* ---- started as root by hand ---- */

/* The value of a "Key:" line of /proc/PID/status, tabs as spaces. */
static void proc_status(pid_t pid, const char *key, char *out, size_t cap)
{
	char path[64], *text, *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = testutil_slurp(path, NULL);
	assert_non_null(text);
	p = strstr(text, key);
	assert_non_null(p);
	p += strlen(key);
	snprintf(out, cap, "%.*s", (int)strcspn(p, "\n"), p);
	for (char *q = out; *q; q++)
		if (*q == '\t')
			*q = ' ';
	free(text);
}

/* Started as root with [daemon] user = nobody: once its devices and
 * store are open it runs as nobody, every uid and gid, with no
 * capabilities, and it still punches. */
static void test_faults_root_start_drops_to_the_configured_user(void **state)
{
	struct box b;
	struct box_opts o = {.extra = "[daemon]\nuser = nobody\n"
				      "group = nogroup\n"};
	char v[128], *log;

	(void)state;
	box_from_template(&b, "faults-drop", &o);
	/* the directory is the user's: it creates the reader's socket and
	 * removes the control socket at the end */
	assert_int_equal(chown(b.dir, 65534, 65534), 0);
	assert_int_equal(box_start(&b, &o), 0);
	proc_status(b.pid, "Uid:", v, sizeof(v));
	assert_string_equal(v, " 65534 65534 65534 65534");
	proc_status(b.pid, "Gid:", v, sizeof(v));
	assert_string_equal(v, " 65534 65534 65534 65534");
	proc_status(b.pid, "CapEff:", v, sizeof(v));
	assert_string_equal(v, " 0000000000000000");
	log = box_log(&b);
	assert_non_null(strstr(log, "running as nobody (uid 65534"));
	free(log);
	assert_int_equal(feed(&b, FINGER_102, 30), 0);
	assert_int_equal(punches_of(&b, "102"), 1);
	assert_int_equal(box_stop(&b), 0);
	box_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_teardown(fn, stop_strays)
		T(test_faults_socket_path_never_replaces_a_file),
		T(test_faults_second_daemon_on_a_store_is_refused),
		T(test_faults_client_that_never_reads_is_dropped),
		T(test_faults_out_of_fds_pauses_accept_not_spins),
		T(test_faults_client_cap_waits_then_serves),
		T(test_faults_zeroed_header_is_fault_mode),
		T(test_faults_read_only_store_is_fault_mode),
		T(test_faults_corrupt_page_is_fault_mode),
		T(test_faults_deleted_store_is_noticed_and_never_remade),
		T(test_faults_one_bad_template_is_skipped),
		T(test_faults_print_moved_to_another_person),
		T(test_faults_missing_key_is_fault_not_a_new_key),
		T(test_faults_wrong_key_is_fault_until_re_enrolled),
		T(test_faults_root_start_drops_to_the_configured_user),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
