/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A person's data rights and the box's backup, end to end (DOMAIN §6.5):
 * the real build/presensid (virtual_image reader, sim lights, frozen
 * simulated clock) and the real build/presensi.  Two people enrol and
 * punch; one asks to forget their prints; the tests of the group run in
 * order against one daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "tools/pdfeed.h"

#define TIMEOUT 20000 /* ms for one wait on the reader */
#define DESA	"3517012001"
#define SEED101 201 /* synthetic fingers */
#define SEED102 202

static char *dir;
static char conf_path[600], ctl[600], vsock[600], simlog[600], db[600];
static char state_dir[512], bin_d[512], bin_c[512];
static pid_t daemon_pid;

static void write_conf(void)
{
	char text[4096];
	const char *top = getenv("PD_TOP") ? getenv("PD_TOP") : ".";

	snprintf(text, sizeof(text),
		 "[desa]\nid = " DESA "\nname = Sukamaju\nkecamatan = Pucuk\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[clock]\nsource = simulated\n"
		 "simulated_start = 2026-11-23 06:50:00\n"
		 "simulated_speed = 0\n[wake]\nduty = no\n"
		 "[rules]\nprofile = "
		 "%s/firmware/profiles/ppu-24-2018-5hari.ini\n"
		 "calendar = %s/firmware/calendars/2026.ini\n",
		 db, ctl, simlog, top, top);
	assert_int_equal(testutil_write(conf_path, text), 0);
}

/* Runs the CLI with config (conf_path when NULL); exit code, output in
 * *out. */
static int cli_with(const char *config, char **out, va_list ap)
{
	char *argv[24];
	const char *a;
	int n = 0;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = (char *)(uintptr_t)(config ? config : conf_path);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	argv[n] = NULL;
	return testutil_run(argv, out);
}

static int cli(char **out, ...)
{
	va_list ap;
	int rc;

	va_start(ap, out);
	rc = cli_with(NULL, out, ap);
	va_end(ap);
	return rc;
}

/* The CLI, which must succeed (arguments end with NULL); its output is
 * dropped. */
static void ok(const char *first, ...)
{
	char *out = NULL, *argv[24];
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = conf_path;
	argv[n++] = (char *)(uintptr_t)first;
	va_start(ap, first);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	if (testutil_run(argv, &out) != 0)
		fail_msg("presensi %s ...: %s", first, out);
	free(out);
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

/* Enrols finger seed for id with consent: the CLI runs in a child,
 * images are fed.  The exit code. */
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

static int start_daemon(const char *config)
{
	char *out = NULL;

	daemon_pid = fork();
	if (daemon_pid == 0) {
		char logp[600];
		FILE *l;

		snprintf(logp, sizeof(logp), "%s/presensid.log", dir);
		l = freopen(logp, "a", stderr);
		(void)l;
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		setenv("FP_VIRTUAL_IMAGE", vsock, 1);
		execl(bin_d, bin_d, "--config", config, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		int rc = cli(&out, "status", NULL);

		if (rc == 0 && strstr(out, "readers          1")) {
			free(out);
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
	dir = testutil_tmpdir("rights-e2e");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	setenv("PD_TOP", cwd, 0);
	snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
	if (mkdir(state_dir, 0750) < 0)
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	snprintf(simlog, sizeof(simlog), "%s/lights.log", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", state_dir);
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", cwd, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", cwd, o);
	write_conf();
	return start_daemon(conf_path);
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

static int64_t q(const char *sql)
{
	int64_t v = -1;

	assert_int_equal(faultvfs_query_int(db, sql, &v), 0);
	return v;
}

/* ---- a morning: two people, their prints, punches and an excuse ---- */

static void test_rights_e2e_people_enrol_and_punch(void **state)
{
	char *out = NULL;

	(void)state;
	ok("person", "add", "--id", "101", "--name", "Budi Santoso",
	   "--jabatan", "Kaur Keuangan", "--since", "2026-11-02", NULL);
	ok("person", "add", "--id", "102", "--name", "Dewi Lestari",
	   "--jabatan", "Kasi Pelayanan", "--since", "2026-11-02", NULL);
	assert_int_equal(enroll("101", SEED101), 0);
	assert_int_equal(enroll("102", SEED102), 0);
	ok("clock", "set", "--at", "2026-11-23 07:12:05", NULL);
	assert_int_equal(feed(SEED101, 21), 0);
	ok("clock", "set", "--at", "2026-11-23 07:48:10", NULL);
	assert_int_equal(feed(SEED102, 21), 0);
	ok("punch", "manual", "--id", "101", "--at", "2026-11-20 07:35",
	   "--reason", "alat mati listrik", NULL);
	ok("excuse", "add", "--id", "101", "--from", "2026-11-24", "--to",
	   "2026-11-25", "--kind", "sakit", "--reason", "demam", "--document",
	   "SKD/12/2026", NULL);
	ok("excuse", "add", "--id", "101", "--from", "2026-11-26", "--kind",
	   "izin", "--reason", "=cmd|' /C calc'!A0", NULL);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    2"));
	free(out);
	assert_int_equal(q("SELECT count(*) FROM punches WHERE person = "
			   "'101'"),
			 2);
}

/* ---- forget-prints: the templates go at once, attendance stays ---- */

static void test_rights_e2e_forget_prints_deletes_at_once(void **state)
{
	char *out = NULL;
	int64_t before = q("SELECT count(*) FROM punches");

	(void)state;
	assert_int_equal(cli(&out, "person", "forget-prints", "--id", "101",
			     "--reason", "permintaan yang bersangkutan", NULL),
			 0);
	assert_non_null(strstr(out, "deleted 1 prints of 101"));
	free(out);
	/* gone from the readers at once: the finger is a stranger now */
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    1"));
	free(out);
	ok("clock", "set", "--at", "2026-11-23 15:20:00", NULL);
	assert_int_equal(feed(SEED101, 22), 0);
	assert_int_equal(q("SELECT count(*) FROM punches"), before);
	/* an audited ledger fact, by the peer who asked */
	assert_int_equal(
		q("SELECT count(*) FROM ledger WHERE kind = 'print' AND "
		  "person = '101' AND data LIKE '%action=delete;%reason="
		  "permintaan yang bersangkutan;by=root;uid=0'"),
		1);
	assert_int_equal(q("SELECT count(*) FROM prints WHERE person = "
			   "'101'"),
			 0);
	/* attendance is an official record: it stays */
	assert_int_equal(q("SELECT count(*) FROM punches WHERE person = "
			   "'101'"),
			 2);
	assert_int_equal(cli(&out, "chain", "verify", NULL), 0);
	free(out);
	/* a bad argument is 2, an unknown person 1 */
	assert_int_equal(
		cli(&out, "person", "forget-prints", "--id", "101", NULL), 2);
	free(out);
	assert_int_equal(cli(&out, "person", "forget-prints", "--id", "999",
			     "--reason", "r", NULL),
			 1);
	assert_non_null(strstr(out, "no person 999"));
	free(out);
}

/* ---- person report: everything about one person, never a template */

static void test_rights_e2e_person_report_text(void **state)
{
	char *out = NULL, seq[24];
	int64_t izin = q("SELECT seq FROM excuses WHERE kind = 'izin'");

	(void)state;
	snprintf(seq, sizeof(seq), "%lld", (long long)izin);
	ok("excuse", "revoke", "--excuse", seq, "--reason", "salah tanggal",
	   NULL);
	assert_int_equal(cli(&out, "person", "report", "--id", "101", NULL), 0);
	if (getenv("PD_SHOW_REPORT"))
		testutil_write(getenv("PD_SHOW_REPORT"), out);
	assert_non_null(strstr(out, "tentang 101\nDesa Sukamaju (" DESA ")"));
	assert_non_null(strstr(out, "  Nama     Budi Santoso\n"));
	assert_non_null(strstr(out, "  Jabatan  Kaur Keuangan\n"));
	assert_non_null(strstr(out, "Masa aktif (1)\n  2026-11-02 s.d. "
				    "sekarang\n"));
	/* forgotten: none now, and both facts on record */
	assert_non_null(strstr(out, "Sidik jari terdaftar sekarang (0)\n"
				    "  tidak ada\n"));
	assert_non_null(strstr(out, "Persetujuan dan pendaftaran sidik jari "
				    "(2)\n"));
	assert_non_null(strstr(out, "daftar sidik jari #1  right-index"));
	assert_non_null(strstr(out, "persetujuan " PD_CONSENT_VERSION
				    "  oleh root (uid 0)"));
	assert_non_null(strstr(out, "hapus  sidik jari #1  right-index"));
	assert_non_null(strstr(out, "alasan: permintaan yang bersangkutan"));
	assert_non_null(strstr(out, "Presensi (2)\n"));
	assert_non_null(strstr(out, "2026-11-23 07:12:05 WIB  reader "
				    "virtual_image/0"));
	assert_non_null(strstr(out, "alasan: alat mati listrik; oleh root"));
	assert_non_null(strstr(out, "Keterangan (2)\n"));
	assert_non_null(strstr(out, "[SKD/12/2026]"));
	assert_non_null(strstr(out, "DICABUT: salah tanggal"));
	assert_non_null(strstr(out, "Catatan audit (4)\n"));
	assert_non_null(strstr(out, "print.forget      oleh root (uid 0)  "
				    "count=1;reason=permintaan"));
	assert_null(strstr(out, "Dewi Lestari")); /* only this person */
	free(out);
	/* a person with a print shows it, never its bytes */
	assert_int_equal(cli(&out, "person", "report", "--id", "102", NULL), 0);
	assert_non_null(strstr(out, "Sidik jari terdaftar sekarang (1)\n"
				    "  sidik jari #2  right-index"));
	free(out);
	/* an unknown person is refused (1), a bad format is a bad argument */
	assert_int_equal(cli(&out, "person", "report", "--id", "999", NULL), 1);
	assert_non_null(strstr(out, "no person 999"));
	free(out);
	assert_int_equal(cli(&out, "person", "report", "--id", "101",
			     "--format", "xlsx", NULL),
			 2);
	free(out);
}

static void test_rights_e2e_person_report_csv(void **state)
{
	static const char head[] =
		"bagian,seq,waktu_utc,tanggal,jam,sampai,jenis,jari,model,"
		"versi_persetujuan,rincian,dokumen,alasan,oleh,uid\r\n"
		"orang,,,,,,id,,,,101,,,,\r\n"
		"orang,,,,,,nama,,,,Budi Santoso,,,,\r\n"
		"orang,,,,,,jabatan,,,,Kaur Keuangan,,,,\r\n"
		"masa_aktif,,,2026-11-02,,,aktif,,,,,,,,\r\n";
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "report", "--id", "101",
			     "--format", "csv", NULL),
			 0);
	assert_int_equal(strncmp(out, head, strlen(head)), 0);
	assert_non_null(strstr(out, "\r\npersetujuan,"));
	assert_non_null(strstr(
		out, ",enrol,right-index,virtual_image/0," PD_CONSENT_VERSION
		     ",sidik_jari=1,,,root,0"
		     "\r\n"));
	assert_non_null(strstr(out, ",delete,right-index,virtual_image/0,,"
				    "sidik_jari=1,,permintaan yang "
				    "bersangkutan,root,0\r\n"));
	assert_int_equal(testutil_count(out, "\r\npresensi,"), 2);
	assert_non_null(strstr(out, "presensi,7,2026-11-23T00:12:05Z,"
				    "2026-11-23,07:12:05,,reader,,"
				    "virtual_image/0,,"));
	assert_int_equal(testutil_count(out, "\r\nketerangan,"), 2);
	assert_int_equal(testutil_count(out, "\r\nketerangan_dicabut,"), 1);
	assert_int_equal(testutil_count(out, "\r\naudit,"), 4);
	/* a cell a spreadsheet would run is neutralised */
	assert_non_null(strstr(out, ",'=cmd|' /C calc'!A0,"));
	assert_null(strstr(out, ",=cmd"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rights_e2e_people_enrol_and_punch),
		cmocka_unit_test(test_rights_e2e_forget_prints_deletes_at_once),
		cmocka_unit_test(test_rights_e2e_person_report_text),
		cmocka_unit_test(test_rights_e2e_person_report_csv),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
