/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A month's end from the box to the camat, with the real programs: the
 * real build/presensid (virtual_image reader, sim lights, frozen
 * simulated clock) takes two synthetic fingers through November 2026;
 * "presensi close" and "presensi export" make the bundles, "presensi
 * device key" gives the key; then the real build/presensi-kecamatan
 * trusts it and imports them, on a SQLite file and on a private
 * PostgreSQL.  The kecamatan's rekap of the desa equals the box's own,
 * byte for byte, before and after a late sick note travels in December's
 * bundle.  The tests of the group run in order against one daemon.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "fakes/bundlefix.h"
#include "fakes/pgtest.h"
#include "fakes/testutil.h"
#include "tools/pdfeed.h"

#define TIMEOUT 20000 /* ms for one wait on the reader */
#define DESA	"3524012001"
#define OCT	"presensi-" DESA "-2026-10.zip"
#define NOV	"presensi-" DESA "-2026-11.zip"
#define DEC	"presensi-" DESA "-2026-12.zip"

static char *dir;
static char conf_path[512], ctl[512], vsock[512], simlog[512], db[512];
static char out[512], bin_d[512], bin_c[512], bin_k[512];
static char pubkey[CRYPTO_PK_HEX], kec_db[2][600];
static pid_t daemon_pid;
static struct pgtest *pg;

static void write_conf(void)
{
	char text[4096];
	const char *top = getenv("PD_TOP") ? getenv("PD_TOP") : ".";

	snprintf(text, sizeof(text),
		 "[desa]\nid = " DESA "\nname = Pucuk\nkecamatan = Pucuk\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[clock]\nsource = simulated\n"
		 "simulated_start = 2026-10-28 08:00:00\n"
		 "simulated_speed = 0\n"
		 /* armed all day: punches come at any hour of the test */
		 "[wake]\nduty = no\n"
		 "[rules]\nprofile = "
		 "%s/firmware/profiles/ppu-24-2018-5hari.ini\n"
		 "calendar = %s/firmware/calendars/2026.ini\n",
		 db, ctl, simlog, top, top);
	assert_int_equal(testutil_write(conf_path, text), 0);
}

/* Runs argv (NULL-ended list after prog); exit code, output in *o. */
static int runv(const char *prog, const char *const *pre, char **o, va_list ap)
{
	char *argv[32];
	const char *a;
	int n = 0;

	argv[n++] = (char *)(uintptr_t)prog;
	for (; pre && *pre; pre++)
		argv[n++] = (char *)(uintptr_t)*pre;
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)(uintptr_t)a;
	argv[n] = NULL;
	return testutil_run(argv, o);
}

/* The box's CLI with the test config. */
static int cli(char **o, ...)
{
	const char *pre[] = {"--config", conf_path, NULL};
	va_list ap;
	int rc;

	va_start(ap, o);
	rc = runv(bin_c, pre, o, ap);
	va_end(ap);
	return rc;
}

static void ok(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *o = NULL;

	if (cli(&o, a1, a2, a3, a4, NULL) != 0)
		fail_msg("presensi %s %s %s %s: %s", a1, a2 ? a2 : "",
			 a3 ? a3 : "", a4 ? a4 : "", o);
	free(o);
}

/* presensi-kecamatan on database k (0 SQLite, 1 PostgreSQL) at the
 * kecamatan's clock now ("YYYY-MM-DDTHH:MM:SSZ"). */
static int kec(int k, const char *now, char **o, ...)
{
	const char *pre[] = {"--db", kec_db[k], NULL};
	va_list ap;
	int rc;

	setenv("PRESENSI_KECAMATAN_NOW", now, 1);
	va_start(ap, o);
	rc = runv(bin_k, pre, o, ap);
	va_end(ap);
	/* the program says on stderr that its clock was set: drop that */
	if (*o && strncmp(*o, "presensi-kecamatan: the clock is ", 33) == 0) {
		char *nl = strchr(*o, '\n');

		if (nl)
			memmove(*o, nl + 1, strlen(nl + 1) + 1);
	}
	return rc;
}

static void set_clock(const char *at)
{
	ok("clock", "set", "--at", at);
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

/* Enrols finger seed for id: the CLI runs in a child, images are fed. */
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
	for (int i = 0; i < 2000; i++) {
		char *t = testutil_slurp(outp, NULL);
		int asked = t && strstr(t, "place the finger");

		free(t);
		if (asked || waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10 * 1000); /* start-up poll, not pacing */
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

static int start_daemon(void)
{
	char *o = NULL;

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
		execl(bin_d, bin_d, "--config", conf_path, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		int rc = cli(&o, "status", NULL);

		if (rc == 0 && strstr(o, "readers          1")) {
			free(o);
			return pdfeed_wait_armed(ctl, 0, 0, 0, TIMEOUT, NULL);
		}
		free(o);
		o = NULL;
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

static int group_setup(void **state)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char cwd[400];

	(void)state;
	if (crypto_init() < 0)
		return -1;
	dir = testutil_tmpdir("kec-e2e");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	setenv("PD_TOP", cwd, 0);
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	snprintf(simlog, sizeof(simlog), "%s/lights.log", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if (mkdir(out, 0755) < 0)
		return -1;
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", cwd, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", cwd, o);
	snprintf(bin_k, sizeof(bin_k), "%s/%s/presensi-kecamatan", cwd, o);
	snprintf(kec_db[0], sizeof(kec_db[0]), "%s/kecamatan.db", dir);
	if (pgtest_start(&pg) != 0 ||
	    pgtest_createdb(pg, "kece2e", kec_db[1], sizeof(kec_db[1])) != 0)
		return -1;
	write_conf();
	return start_daemon();
}

static int group_teardown(void **state)
{
	(void)state;
	stop_daemon();
	pgtest_stop(pg);
	testutil_rmtree_free(dir);
	return 0;
}

static char *path_in(const char *name)
{
	static char p[4][700];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", out, name);
	return p[i];
}

/* ---- the desa: October, November, December on the real box ---- */

static void test_kec_e2e_the_box_closes_and_exports(void **state)
{
	static const int days[] = {2,  3,  4,  5,  6,  9,  10, 11, 12, 13, 16,
				   17, 18, 19, 20, 23, 24, 25, 26, 27, 30};
	char at[40], *o = NULL;
	uint32_t imp = 30;

	(void)state;
	assert_int_equal(cli(&o, "person", "add", "--id", "101", "--name",
			     "Budi Santoso", "--jabatan", "Kaur Keuangan",
			     "--since", "2026-10-01", NULL),
			 0);
	free(o);
	assert_int_equal(cli(&o, "person", "add", "--id", "102", "--name",
			     "Dewi Lestari", "--jabatan", "Kasi Pelayanan",
			     "--since", "2026-10-01", NULL),
			 0);
	free(o);
	assert_int_equal(enroll("101", 201), 0);
	assert_int_equal(enroll("102", 202), 0);
	set_clock("2026-11-01 09:00");
	ok("close", "--month", "2026-10", NULL);
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		snprintf(at, sizeof(at), "2026-11-%02d 07:1%zu", days[i],
			 i % 10);
		set_clock(at);
		assert_int_equal(feed(201, imp++), 0);
		/* 102 comes late every fifth working day */
		snprintf(at, sizeof(at), "2026-11-%02d %s", days[i],
			 i % 5 == 0 ? "07:47" : "07:25");
		set_clock(at);
		assert_int_equal(feed(202, imp++), 0);
		snprintf(at, sizeof(at), "2026-11-%02d 16:0%zu", days[i],
			 i % 10);
		set_clock(at);
		assert_int_equal(feed(201, imp++), 0);
		if (days[i] != 27) /* 102 forgets to punch out once */
			assert_int_equal(feed(202, imp++), 0);
	}
	set_clock("2026-12-02 08:00");
	ok("close", "--month", "2026-11", NULL);
	assert_int_equal(
		cli(&o, "export", "--month", "2026-10", "--out", out, NULL), 0);
	free(o);
	assert_int_equal(
		cli(&o, "export", "--month", "2026-11", "--out", out, NULL), 0);
	assert_non_null(strstr(o, "(complete, rows "));
	free(o);
	assert_int_equal(cli(&o, "device", "key", NULL), 0);
	assert_int_equal(
		sscanf(strstr(o, "public_key"), "public_key %64s", pubkey), 1);
	free(o);
	/* a late sick note for 30 November, then some of December */
	set_clock("2026-12-04 09:00");
	assert_int_equal(cli(&o, "excuse", "add", "--id", "101", "--from",
			     "2026-11-30", "--kind", "sakit", "--reason",
			     "demam", "--document", "SKD/1/2026", NULL),
			 0);
	free(o);
	set_clock("2026-12-07 07:20");
	assert_int_equal(feed(201, imp++), 0);
	assert_int_equal(feed(202, imp++), 0);
	set_clock("2027-01-02 08:00");
	ok("close", "--month", "2026-12", NULL);
	assert_int_equal(
		cli(&o, "export", "--month", "2026-12", "--out", out, NULL), 0);
	free(o);
}

/* ---- the kecamatan, on SQLite then on PostgreSQL ---- */

static char *box_rekap(const char *month)
{
	char *o = NULL;

	assert_int_equal(
		cli(&o, "rekap", "--month", month, "--format", "csv", NULL), 0);
	return o;
}

static void kecamatan(int k)
{
	const char *now = "2026-12-04T01:00:00Z";
	struct bundlefix bf;
	char *o = NULL, *box, bad[700];
	uint8_t *zip;
	size_t len;

	assert_int_equal(kec(k, now, &o, "init", "--name", "Pucuk",
			     "--kabupaten", "Lamongan", NULL),
			 0);
	free(o);
	assert_int_equal(kec(k, now, &o, "trust", "--desa", DESA, "--name",
			     "Pucuk", "--key", pubkey, NULL),
			 0);
	assert_non_null(strstr(o, "trusted device "));
	free(o);
	assert_int_equal(
		kec(k, now, &o, "import", path_in(OCT), path_in(NOV), NULL), 0);
	print_message("%s", o);
	assert_int_equal(testutil_count(o, ": accepted: desa " DESA), 2);
	assert_int_equal(testutil_count(o, "its rekap.csv matches the "
					   "recompute"),
			 2);
	free(o);
	/* twice: nothing changes */
	assert_int_equal(kec(k, "2026-12-05T01:00:00Z", &o, "import",
			     path_in(NOV), NULL),
			 0);
	assert_non_null(strstr(o, "nothing changed"));
	free(o);
	/* a bundle with one byte changed is refused, exit 1 */
	bundlefix_load_file(&bf, path_in(NOV));
	bundlefix_ledger_edit(&bf, 20, NULL);
	bundlefix_zip(&bf, &zip, &len);
	snprintf(bad, sizeof(bad), "%s/bad-%d.zip", dir, k);
	bundlefix_write_file(bad, zip, len);
	assert_int_equal(kec(k, now, &o, "import", bad, NULL), 1);
	assert_non_null(strstr(o, "REFUSED: files: "));
	free(o);
	free(zip);
	bundlefix_free(&bf);
	/* the camat's rekap: on time, and what the box says */
	assert_int_equal(kec(k, "2026-12-10T02:00:00Z", &o, "rekap", "--month",
			     "2026-11", NULL),
			 0);
	assert_non_null(strstr(o, "Kepatuhan pelaporan        1 / 1 = "
				  "100,00 %"));
	assert_non_null(strstr(o, "diterima 2026-12-04 08:00:00 WIB"));
	free(o);
	assert_int_equal(kec(k, "2026-12-10T02:00:00Z", &o, "rekap", "--month",
			     "2026-11", "--desa", DESA, "--format", "csv",
			     NULL),
			 0);
	/* the box's own rekap, as the box now has it, byte for byte;
	 * December's sick note is not at the kecamatan yet */
	box = box_rekap("2026-11");
	assert_string_not_equal(o, box);
	free(o);
	assert_int_equal(kec(k, "2027-01-04T01:00:00Z", &o, "import",
			     path_in(DEC), NULL),
			 0);
	assert_non_null(strstr(o, "accepted"));
	free(o);
	assert_int_equal(kec(k, "2027-01-04T02:00:00Z", &o, "rekap", "--month",
			     "2026-11", "--desa", DESA, "--format", "csv",
			     NULL),
			 0);
	assert_string_equal(o, box);
	free(o);
	free(box);
	/* and the correction is named */
	assert_int_equal(kec(k, "2027-01-04T02:00:00Z", &o, "rekap", "--month",
			     "2026-11", "--desa", DESA, NULL),
			 0);
	assert_non_null(strstr(o, "Koreksi setelah tutup buku: 1 baris"));
	assert_non_null(strstr(o, "excuse 101 2026-11-30, mengoreksi "
				  "November 2026"));
	free(o);
	assert_int_equal(kec(k, "2027-01-04T02:00:00Z", &o, "log", NULL), 0);
	assert_int_equal(testutil_count(o, "accepted"), 3);
	assert_int_equal(testutil_count(o, "duplicate"), 1);
	assert_int_equal(testutil_count(o, "REFUSED"), 1);
	free(o);
}

static void test_kec_e2e_kecamatan_on_sqlite(void **state)
{
	(void)state;
	kecamatan(0);
}

static void test_kec_e2e_kecamatan_on_postgresql(void **state)
{
	(void)state;
	kecamatan(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kec_e2e_the_box_closes_and_exports),
		cmocka_unit_test(test_kec_e2e_kecamatan_on_sqlite),
		cmocka_unit_test(test_kec_e2e_kecamatan_on_postgresql),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
