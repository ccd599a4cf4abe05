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

/* The CLI with config and argv's words (NULL-ended), its stdin the
 * text input (the passphrase lines): exit code, output in *out. */
static int cli_input(const char *config, const char *input, char **out,
		     const char *const *words)
{
	char inp[600], outp[600], *argv[24];
	int n = 0, status = -1;
	pid_t pid;

	snprintf(inp, sizeof(inp), "%s/stdin.txt", dir);
	snprintf(outp, sizeof(outp), "%s/cli.out", dir);
	assert_int_equal(testutil_write(inp, input), 0);
	argv[n++] = bin_c;
	if (config) {
		argv[n++] = "--config";
		argv[n++] = (char *)(uintptr_t)config;
	}
	while (*words && n < 23)
		argv[n++] = (char *)(uintptr_t)*words++;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		if (!freopen(inp, "r", stdin) || !freopen(outp, "w", stdout) ||
		    !freopen(outp, "a", stderr))
			_exit(126);
		execv(bin_c, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	*out = testutil_slurp(outp, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
	(void)unlink(outp); /* an earlier enrolment's asked already */
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
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *t = testutil_slurp(outp, NULL);

		size_t n = t ? strlen(t) : 0;

		/* the end says why; the consent text comes first */
		print_message("enroll %s: %s\n", id,
			      t ? t + (n > 300 ? n - 300 : 0) : "");
		free(t);
	}
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
	if (getenv("PD_KEEP")) /* to look at after a failure */
		print_message("kept %s\n", dir);
	else
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

/* ---- backup and restore: a dead SD card (DOMAIN §6.8) ---- */

#define PASS	   "kartu SD boleh mati, data tidak"
#define PASS_TWICE PASS "\n" PASS "\n"

static char stick[600], backup_file[800], pubkey_before[80];
static int64_t rows_before; /* the ledger's rows in the backup */

/* "public_key       <hex>" from "presensi device key". */
static void device_key(const char *config, char out[80])
{
	char *txt = NULL, *p;
	const char *const words[] = {"device", "key", NULL};

	assert_int_equal(
		cli_input(config ? config : conf_path, "", &txt, words), 0);
	p = strstr(txt, "public_key");
	assert_non_null(p);
	p += strlen("public_key");
	while (*p == ' ')
		p++;
	snprintf(out, 80, "%.64s", p);
	free(txt);
}

static int count_files(const char *d)
{
	char cmd[700], *out = NULL;
	char *const argv[] = {"/bin/sh", "-c", cmd, NULL};
	int n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", d);
	assert_int_equal(testutil_run(argv, &out), 0);
	n = atoi(out);
	free(out);
	return n;
}

static void test_rights_e2e_backup_from_the_running_daemon(void **state)
{
	const char *words[4] = {"backup", "--out", NULL, NULL};
	char *out = NULL, *p;
	struct stat sb;
	uint8_t *f;
	size_t len = 0;

	(void)state;
	snprintf(stick, sizeof(stick), "%s/stick", dir);
	assert_int_equal(mkdir(stick, 0755), 0);
	words[2] = stick;
	device_key(NULL, pubkey_before);
	rows_before = q("SELECT max(seq) FROM ledger");
	/* passphrases that differ, or are short: nothing is written */
	assert_int_equal(
		cli_input(conf_path, PASS "\nanother one here\n", &out, words),
		2);
	assert_non_null(strstr(out, "differ"));
	free(out);
	assert_int_equal(cli_input(conf_path, "pendek\npendek\n", &out, words),
			 2);
	assert_non_null(strstr(out, "at least 12"));
	free(out);
	assert_int_equal(count_files(stick), 0);
	/* the backup, while the daemon runs */
	assert_int_equal(cli_input(conf_path, PASS_TWICE, &out, words), 0);
	p = strstr(out, "written ");
	assert_non_null(p);
	snprintf(backup_file, sizeof(backup_file), "%.*s",
		 (int)strcspn(p + 8, "\n"), p + 8);
	assert_non_null(strstr(backup_file, "/presensi-" DESA
					    "-backup-20261123-152000.pdbak"));
	assert_non_null(strstr(out, "templates_out    1"));
	free(out);
	assert_int_equal(count_files(stick), 1); /* no temp file left */
	assert_int_equal(stat(backup_file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = (uint8_t *)testutil_slurp(backup_file, &len);
	assert_non_null(f);
	assert_memory_equal(f, "PDBACKUP", 8);
	/* nothing of the contents shows: not the desa, not the ledger */
	assert_null(memmem(f, len, "Sukamaju", 8));
	assert_null(memmem(f, len, "SQLite format 3", 15));
	free(f);
	/* the daemon went on: a punch after it is stored */
	ok("clock", "set", "--at", "2026-11-23 15:30:00", NULL);
	assert_int_equal(feed(SEED102, 23), 0);
	assert_int_equal(q("SELECT max(seq) FROM ledger"), rows_before + 1);
	{
		char *txt = NULL;
		const char *const chain[] = {"chain", "verify", NULL};

		assert_int_equal(cli_input(conf_path, "", &txt, chain), 0);
		free(txt);
	}
}

/* Refusals write nothing: a running daemon's directory, a wrong
 * passphrase, a truncated or altered file, another directory. */
static void test_rights_e2e_restore_refuses_and_writes_nothing(void **state)
{
	char out_conf[600], dead[600], cut[800], alt[800], other[600];
	const char *words[] = {"restore",     "--from",	 backup_file,
			       "--state-dir", state_dir, "--config-out",
			       out_conf,      NULL};
	char *out = NULL, *f;
	size_t len = 0;

	(void)state;
	snprintf(out_conf, sizeof(out_conf), "%s/restored.conf", dir);
	/* onto the live store: refused (its daemon holds the directory) */
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 1);
	assert_non_null(strstr(out, "nothing was written"));
	free(out);
	/* the card dies: the daemon stops, the state directory is gone; a
	 * report still reads what it read (the daemon is down) */
	stop_daemon();
	{
		const char *const rep[] = {"person", "report", "--id", "102",
					   NULL};

		assert_int_equal(cli_input(conf_path, "", &out, rep), 0);
		assert_non_null(strstr(out, "Dewi Lestari"));
		free(out);
	}
	snprintf(dead, sizeof(dead), "%s/state.dead", dir);
	assert_int_equal(rename(state_dir, dead), 0);
	assert_int_equal(mkdir(state_dir, 0750), 0);
	/* a wrong passphrase */
	assert_int_equal(cli_input(NULL, "kartu SD boleh mati, data juga\n",
				   &out, words),
			 1);
	assert_non_null(strstr(out, "wrong passphrase, or the file was "
				    "altered; nothing was written"));
	free(out);
	/* truncated, and altered in the middle */
	f = testutil_slurp(backup_file, &len);
	assert_non_null(f);
	snprintf(cut, sizeof(cut), "%s/cut.pdbak", dir);
	{
		FILE *fp = fopen(cut, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(f, 1, len - 100, fp), len - 100);
		fclose(fp);
	}
	snprintf(alt, sizeof(alt), "%s/altered.pdbak", dir);
	f[len / 2] ^= 0x20;
	{
		FILE *fp = fopen(alt, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(f, 1, len, fp), len);
		fclose(fp);
	}
	free(f);
	words[2] = cut;
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 1);
	assert_non_null(strstr(out, "truncated"));
	free(out);
	words[2] = alt;
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 1);
	assert_non_null(strstr(out, "wrong passphrase, or the file was "
				    "altered"));
	free(out);
	/* a directory the configuration does not keep its store in */
	words[2] = backup_file;
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	assert_int_equal(mkdir(other, 0750), 0);
	words[4] = other;
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 1);
	assert_non_null(strstr(out, "restore with --state-dir set to"));
	free(out);
	/* nothing anywhere */
	assert_int_equal(count_files(state_dir), 0);
	assert_int_equal(count_files(other), 0);
	assert_int_equal(access(out_conf, F_OK), -1);
}

static void test_rights_e2e_restore_round_trip(void **state)
{
	char out_conf[600], old_key[700], new_key[700], marker[700];
	char pubkey_after[80];
	const char *words[] = {"restore",     "--from",	 backup_file,
			       "--state-dir", state_dir, "--config-out",
			       out_conf,      NULL};
	char *out = NULL, *a, *b;
	size_t la = 0, lb = 0;
	struct stat sb;
	int64_t rows;

	(void)state;
	snprintf(out_conf, sizeof(out_conf), "%s/restored.conf", dir);
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 0);
	assert_non_null(strstr(out, "restored desa " DESA " (Sukamaju)"));
	assert_non_null(strstr(out, pubkey_before));
	assert_non_null(strstr(out, "(1 left out)"));
	free(out);
	/* the key file, byte for byte, mode 0600; the marker; the config */
	snprintf(old_key, sizeof(old_key), "%s/state.dead/presensi.db.key",
		 dir);
	snprintf(new_key, sizeof(new_key), "%s/presensi.db.key", state_dir);
	a = testutil_slurp(old_key, &la);
	b = testutil_slurp(new_key, &lb);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(la, 32);
	assert_int_equal(lb, 32);
	assert_memory_equal(a, b, 32);
	free(a);
	free(b);
	assert_int_equal(stat(new_key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(db, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	snprintf(marker, sizeof(marker), "%s/.presensi-store", state_dir);
	assert_int_equal(access(marker, F_OK), 0);
	a = testutil_slurp(conf_path, &la);
	b = testutil_slurp(out_conf, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	/* restored again over it: refused, it holds a store now */
	assert_int_equal(cli_input(NULL, PASS "\n", &out, words), 1);
	assert_non_null(strstr(out, "holds a store already"));
	free(out);
	/* presensid on the restored card */
	assert_int_equal(start_daemon(out_conf), 0);
	device_key(out_conf, pubkey_after);
	assert_string_equal(pubkey_after, pubkey_before);
	/* the ledger verifies, and says the template is not there */
	rows = q("SELECT max(seq) FROM ledger");
	assert_true(rows == rows_before + 1);
	assert_int_equal(
		q("SELECT count(*) FROM ledger WHERE seq = (SELECT max(seq) "
		  "FROM ledger) AND kind = 'print' AND person = '102' AND "
		  "data LIKE '%action=delete;%reason=not in the backup: "
		  "templates are never backed up;by=%'"),
		1);
	assert_int_equal(q("SELECT count(*) FROM prints"), 0);
	assert_int_equal(cli(&out, "status", NULL), 0);
	assert_non_null(strstr(out, "prints_loaded    0"));
	free(out);
	/* people re-enrol, and a new punch chains on */
	assert_int_equal(enroll("102", SEED102), 0);
	assert_true(q("SELECT max(id) FROM prints") == 3);
	ok("clock", "set", "--at", "2026-11-24 07:05:00", NULL);
	assert_int_equal(feed(SEED102, 24), 0);
	assert_int_equal(q("SELECT count(*) FROM punches WHERE person = '102' "
			   "AND local_day = 20781"),
			 1);
	assert_true(q("SELECT max(seq) FROM ledger") == rows + 2);
	{
		const char *const chain[] = {"chain", "verify", NULL};

		assert_int_equal(cli_input(out_conf, "", &out, chain), 0);
		assert_non_null(strstr(out, "chain OK"));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rights_e2e_people_enrol_and_punch),
		cmocka_unit_test(test_rights_e2e_forget_prints_deletes_at_once),
		cmocka_unit_test(test_rights_e2e_person_report_text),
		cmocka_unit_test(test_rights_e2e_person_report_csv),
		cmocka_unit_test(
			test_rights_e2e_backup_from_the_running_daemon),
		cmocka_unit_test(
			test_rights_e2e_restore_refuses_and_writes_nothing),
		cmocka_unit_test(test_rights_e2e_restore_round_trip),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
