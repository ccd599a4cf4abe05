// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status benchmark: the real presensid with the virtual_image reader on a
 * store of 500 people (PD_BENCH_PEOPLE) with one print each (dummy
 * template bytes: sealed and loaded like real ones, which the reader then
 * refuses) and 50 more without a print, then `status` asked over the
 * control socket again and again.  status must stay cheap: it walks the
 * prints once, not once per person (status.c).  Prints the median and p90
 * ms per call; `make bench` runs it.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control_client.h"
#include "crypto.h"
#include "fakes/testutil.h"
#include "keyfile.h"
#include "log.h"
#include "store.h"

#define PEOPLE_DEFAULT 500
#define NO_PRINT       50 /* people without a print: status rows */
#define CALLS	       200
#define DAY0	       20458 /* 2026-01-05 */
#define NOW	       1767571200
#define TEMPLATE_LEN   2048 /* about a libfprint template's size */
#define WAIT_MS	       20000
#define MODEL	       "virtual_image/0"

static char *dir;
static char db[320], conf[320], ctl[320], logp[320], vsock[320];

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_status: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The store: people, prints sealed with the key the daemon derives. */
static void build_store(int people)
{
	uint8_t master[CRYPTO_KEY_BYTES], key[CRYPTO_KEY_BYTES];
	uint8_t blob[TEMPLATE_LEN];
	char keyp[340];
	struct store *st;
	int rc;

	snprintf(keyp, sizeof(keyp), "%s.key", db);
	rc = keyfile_load_or_create(keyp, master);
	if (rc < 0)
		die("key", rc);
	crypto_key_derive(master, CRYPTO_SUBKEY_PRINTS, key);
	rc = store_open(db, NULL, 0, key, &st);
	if (rc < 0)
		die("store_open", rc);
	crypto_random(blob, sizeof(blob));
	rc = store_bulk_begin(st);
	for (int i = 0; rc == 0 && i < people + NO_PRINT; i++) {
		struct person p = {.since = DAY0, .until = PD_DAY_OPEN};
		struct print_rec r = {.finger = "right-index", .model = MODEL};

		snprintf(p.id, sizeof(p.id), "P%04d", i);
		snprintf(p.name, sizeof(p.name), "Orang %d", i);
		snprintf(p.jabatan, sizeof(p.jabatan), "Kasi");
		rc = store_person_add(st, &p, NOW, ACTOR("bench", 0));
		if (rc == 0 && i < people) {
			snprintf(r.person, sizeof(r.person), "%s", p.id);
			rc = store_print_add(st, &r, blob, sizeof(blob),
					     ACTOR("bench", 0), NOW, NULL);
		}
	}
	if (rc == 0)
		rc = store_bulk_end(st);
	if (rc < 0)
		die("filling the store", rc);
	store_close(st);
	explicit_bzero(master, sizeof(master));
	explicit_bzero(key, sizeof(key));
}

/* One status request; the reply's line count in *lines.  0 or -errno. */
static int status_once(int *lines)
{
	struct control_reader rb = {0};
	char line[4096];
	int fd = control_connect(ctl), rc;

	if (fd < 0)
		return fd;
	*lines = 0;
	rc = control_write_all(fd, "status\n", 7);
	while (rc == 0) {
		rc = control_read_line(fd, &rb, line, sizeof(line));
		if (rc < 0)
			break;
		++*lines;
		if (!strncmp(line, "ok", 2) || !strncmp(line, "err", 3))
			rc = 1;
		else
			rc = 0;
	}
	close(fd);
	return rc < 0 ? rc : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	const char *env = getenv("PD_BENCH_PEOPLE");
	int people = env ? atoi(env) : PEOPLE_DEFAULT, lines = 0, rc;
	uint64_t ns[CALLS];
	char bin[400], text[2048], cwd[256];
	pid_t pid;
	FILE *f;

	log_init(LOG_TO_NONE, 0);
	if (people <= 0 || crypto_init() < 0 || !getcwd(cwd, sizeof(cwd)))
		die("setup", -EINVAL);
	dir = testutil_tmpdir("bench-status");
	if (!dir)
		die("temporary directory", -EIO);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(conf, sizeof(conf), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	build_store(people);
	snprintf(text, sizeof(text),
		 "[desa]\nid = 1\nname = Bench\ntimezone = Asia/Jakarta\n"
		 "[store]\npath = %s\n[control]\nsocket = %s\n"
		 "[clock]\nsource = simulated\n"
		 "simulated_start = 2026-01-05 07:00:00\n"
		 "simulated_speed = 0\n",
		 db, ctl);
	f = fopen(conf, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		die("config", -EIO);
	snprintf(bin, sizeof(bin), "%s/%s/presensid", cwd, o);
	pid = fork();
	if (pid == 0) {
		if (!freopen(logp, "w", stderr))
			_exit(126);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", vsock, 1);
		execl(bin, bin, "--config", conf, (char *)NULL);
		_exit(127);
	}
	/* ready when status answers with its reader: poll, not timing */
	rc = -ETIMEDOUT;
	for (int i = 0; i < WAIT_MS / 50 && rc; i++) {
		rc = status_once(&lines);
		if (rc == 0 && lines < 8)
			rc = -EAGAIN;
		if (rc)
			usleep(50 * 1000);
	}
	if (rc < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		die("presensid did not answer", rc);
	}
	for (int i = 0; i < CALLS; i++) {
		uint64_t t0 = now_ns();

		rc = status_once(&lines);
		ns[i] = now_ns() - t0;
		if (rc < 0)
			break;
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (rc < 0)
		die("status", rc);
	qsort(ns, CALLS, sizeof(ns[0]), cmp_u64);
	printf("status: %d people, %d prints, %d reply lines: median "
	       "%.2f ms, p90 %.2f ms per call (%d calls)\n",
	       people + NO_PRINT, people, lines, ns[CALLS / 2] / 1e6,
	       ns[CALLS * 9 / 10] / 1e6, CALLS);
	testutil_rmtree_free(dir); /* kept with PD_KEEP_TMP */
	return 0;
}
