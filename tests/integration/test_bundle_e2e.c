/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The month's end, end to end: the real build/presensid (virtual_image
 * reader, sim lights, frozen simulated clock) and the real build/presensi.
 * Two synthetic fingers punch every working day of November 2026; October
 * is closed by hand, November on its own on 3 December; the bundles are
 * exported, verified with "presensi verify", exported again identically,
 * damaged in every way docs/bundle.md names and refused for the right
 * reason; USB export writes to a directory and through a FAT image.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "fakes/bundlefix.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "tools/pdfeed.h"

#define TIMEOUT 20000 /* ms for one wait on the reader */
#define DESA	"3517012001"
#define NOV	"presensi-" DESA "-2026-11.zip"
#define OCT	"presensi-" DESA "-2026-10.zip"
#define DEC	"presensi-" DESA "-2026-12.zip"

static char *dir;
static char conf_path[512], ctl[512], vsock[512], simlog[512], db[512];
static char out1[512], out2[512], bin_d[512], bin_c[512];
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
		 "simulated_start = 2026-10-28 08:00:00\n"
		 "simulated_speed = 0\n"
		 /* armed all day: the punches come at any hour of the
		  * test; test_e2e_wake covers the arming policy */
		 "[wake]\nduty = no\n"
		 "[rules]\nprofile = "
		 "%s/firmware/profiles/ppu-24-2018-5hari.ini\n"
		 "calendar = %s/firmware/calendars/2026.ini\n",
		 db, ctl, simlog, top, top);
	assert_int_equal(testutil_write(conf_path, text), 0);
}

/* Runs the CLI with the test config; exit code, output in *out. */
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

/* The CLI, which must succeed. */
static void ok(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *out = NULL;

	if (cli(&out, a1, a2, a3, a4, NULL) != 0)
		fail_msg("presensi %s %s %s %s: %s", a1, a2 ? a2 : "",
			 a3 ? a3 : "", a4 ? a4 : "", out);
	free(out);
}

/* "presensi verify FILE [--after PREV]" without a config. */
static int verify(const char *file, const char *after, char **out)
{
	char *argv[] = {bin_c,
			"verify",
			(char *)(uintptr_t)file,
			after ? "--after" : NULL,
			(char *)(uintptr_t)after,
			NULL};

	return testutil_run(argv, out);
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
		execl(bin_d, bin_d, "--config", conf_path, (char *)NULL);
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
	dir = testutil_tmpdir("bundle-e2e");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	setenv("PD_TOP", cwd, 0);
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(vsock, sizeof(vsock), "%s/vimage.sock", dir);
	snprintf(simlog, sizeof(simlog), "%s/lights.log", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(out1, sizeof(out1), "%s/out1", dir);
	snprintf(out2, sizeof(out2), "%s/out2", dir);
	if (mkdir(out1, 0755) < 0 || mkdir(out2, 0755) < 0)
		return -1;
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

static char *path_in(const char *d, const char *name)
{
	static char p[4][700];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", d, name);
	return p[i];
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

/* ---- October: people, prints, the first close ---- */

static void test_bundle_e2e_october_closes_by_hand_once(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "add", "--id", "101", "--name",
			     "Budi Santoso", "--jabatan", "Kaur Keuangan",
			     "--since", "2026-10-01", NULL),
			 0);
	free(out);
	assert_int_equal(cli(&out, "person", "add", "--id", "102", "--name",
			     "Dewi Lestari", "--jabatan", "Kasi Pelayanan",
			     "--since", "2026-10-01", NULL),
			 0);
	free(out);
	assert_int_equal(enroll("101", 201), 0);
	assert_int_equal(enroll("102", 202), 0);
	/* October runs: it cannot close yet */
	assert_int_equal(cli(&out, "close", "--month", "2026-10", NULL), 1);
	assert_non_null(strstr(out, "2026-10 is the running month: it can be "
				    "closed from 2026-11-01 on"));
	free(out);
	set_clock("2026-11-01 09:00");
	assert_int_equal(cli(&out, "close", "--month", "2026-11", NULL), 1);
	assert_non_null(strstr(out, "2026-11 is the running month"));
	free(out);
	assert_int_equal(cli(&out, "close", "--month", "2026-10", NULL), 0);
	assert_non_null(strstr(out, "2026-10 closed"));
	assert_non_null(strstr(out, "checkpoint       row "));
	free(out);
	assert_int_equal(cli(&out, "close", "--month", "2026-10", NULL), 1);
	assert_non_null(strstr(out, "2026-10 is closed already"));
	free(out);
	/* by the sekdes (here root), not by the daemon */
	assert_int_equal(q("SELECT count(*) FROM ledger WHERE kind = "
			   "'checkpoint' AND data LIKE "
			   "'v=2;month=2026-10;auto=0;%;by=root;uid=0'"),
			 1);
}

/* ---- November: a month of punches ---- */

static void test_bundle_e2e_a_month_of_punches(void **state)
{
	static const int days[] = {2,  3,  4,  5,  6,  9,  10, 11, 12, 13, 16,
				   17, 18, 19, 20, 23, 24, 25, 26, 27, 30};
	char at[40], *out = NULL;
	uint32_t imp = 30;

	(void)state;
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		/* 102 comes late on Mondays */
		snprintf(at, sizeof(at), "2026-11-%02d 07:1%zu", days[i],
			 i % 10);
		set_clock(at);
		assert_int_equal(feed(201, imp++), 0);
		snprintf(at, sizeof(at), "2026-11-%02d %s", days[i],
			 i % 5 == 0 ? "07:47" : "07:25");
		set_clock(at);
		assert_int_equal(feed(202, imp++), 0);
		snprintf(at, sizeof(at), "2026-11-%02d 16:0%zu", days[i],
			 i % 10);
		set_clock(at);
		assert_int_equal(feed(201, imp++), 0);
		assert_int_equal(feed(202, imp++), 0);
		if (days[i] == 20) {
			/* mid-month: an interim bundle, from October's
			 * checkpoint to now */
			assert_int_equal(cli(&out, "export", "--month",
					     "2026-11", "--out", out1, NULL),
					 0);
			assert_non_null(strstr(out, "(interim, rows "));
			free(out);
			assert_int_equal(verify(path_in(out1, NOV), NULL, &out),
					 0);
			assert_non_null(strstr(out, "ok   counts ("));
			assert_non_null(strstr(out, "interim"));
			free(out);
		}
	}
	assert_int_equal(q("SELECT count(*) FROM punches WHERE local_day "
			   "BETWEEN 20759 AND 20788"),
			 4 * 21);
}

/* ---- the automatic close and the complete bundle ---- */

static void test_bundle_e2e_november_closes_itself_on_the_third(void **state)
{
	(void)state;
	set_clock("2026-12-03 23:58");
	assert_int_equal(q("SELECT count(*) FROM checkpoints WHERE month = "
			   "'2026-11'"),
			 0);
	/* a clock change makes presensid look for due months at once,
	 * right after its answer: the next request sees November closed,
	 * a reader of the database may have to wait a moment */
	set_clock("2026-12-03 23:59");
	for (int i = 0; i < 250 && q("SELECT count(*) FROM checkpoints WHERE "
				     "month = '2026-11'") == 0;
	     i++)
		usleep(20 * 1000); /* a poll, not pacing */
	assert_int_equal(q("SELECT count(*) FROM ledger WHERE kind = "
			   "'checkpoint' AND data LIKE "
			   "'v=2;month=2026-11;auto=1;%;by=presensid;%'"),
			 1);
}

static void test_bundle_e2e_export_and_verify_round_trip(void **state)
{
	char *out = NULL, *dk = NULL, fpr[CRYPTO_FPR_MAX] = "";

	(void)state;
	set_clock("2026-12-04 08:00");
	assert_int_equal(
		cli(&out, "export", "--month", "2026-11", "--out", out1, NULL),
		0);
	assert_non_null(strstr(out, "(complete, rows "));
	free(out);
	assert_int_equal(verify(path_in(out1, NOV), NULL, &out), 0);
	assert_int_equal(testutil_count(out, "\nok   ") + (out[0] == 'o'), 7);
	assert_null(strstr(out, "FAIL"));
	assert_non_null(strstr(out, "ok   counts (85 rows, 84 punches, ends "
				    "with the month's checkpoint)"));
	print_message("%s", out);
	/* the device key the kecamatan registers is the one that signed */
	assert_int_equal(cli(&dk, "device", "key", NULL), 0);
	assert_int_equal(
		sscanf(strstr(dk, "fingerprint"), "fingerprint %19s", fpr), 1);
	assert_non_null(strstr(out, fpr));
	assert_non_null(strstr(dk, "public_key       "));
	free(dk);
	free(out);
}

/* Only admins may have bundles signed; anyone who reaches the socket may
 * read the public key.  The refused export leaves no file behind. */
static void test_bundle_e2e_only_admins_export(void **state)
{
	char pub[600], *out = NULL;
	char *argv[] = {"/usr/bin/setpriv",
			"--reuid=65534",
			"--regid=65534",
			"--clear-groups",
			bin_c,
			"--config",
			conf_path,
			"export",
			"--month",
			"2026-11",
			"--out",
			pub,
			NULL};
	char *key[] = {"/usr/bin/setpriv",
		       "--reuid=65534",
		       "--regid=65534",
		       "--clear-groups",
		       bin_c,
		       "--config",
		       conf_path,
		       "device",
		       "key",
		       NULL};
	int rc;

	(void)state;
	if (geteuid() != 0 || access(argv[0], X_OK) != 0) {
		print_message("not root or no setpriv: skipped\n");
		skip();
	}
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	assert_int_equal(mkdir(pub, 0777), 0);
	assert_int_equal(chmod(pub, 0777), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(conf_path, 0644), 0);
	assert_int_equal(chmod(ctl, 0666), 0);
	rc = testutil_run(argv, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "export: only root and members of group"));
	free(out);
	{
		char *ls[] = {"/bin/ls", "-A", pub, NULL};

		assert_int_equal(testutil_run(ls, &out), 0);
		assert_string_equal(out, ""); /* not even the temporary file */
		free(out);
	}
	assert_int_equal(testutil_run(key, &out), 0);
	assert_non_null(strstr(out, "fingerprint      "));
	free(out);
	assert_int_equal(chmod(ctl, 0660), 0);
	assert_int_equal(chmod(dir, 0700), 0);
}

static void test_bundle_e2e_reexport_is_byte_identical(void **state)
{
	static const char *const same[] = {BUNDLE_LEDGER, BUNDLE_REKAP_CSV,
					   BUNDLE_MANIFEST};
	struct bundlefix a, b;
	char *out = NULL;

	(void)state;
	/* a late sick note for November and December's first punches */
	set_clock("2026-12-07 09:00");
	assert_int_equal(cli(&out, "excuse", "add", "--id", "102", "--from",
			     "2026-11-30", "--kind", "sakit", "--reason",
			     "demam", NULL),
			 0);
	free(out);
	set_clock("2026-12-07 07:12");
	assert_int_equal(feed(201, 300), 0);
	set_clock("2026-12-08 10:00");
	assert_int_equal(
		cli(&out, "export", "--month", "2026-11", "--out", out2, NULL),
		0);
	free(out);
	bundlefix_load_file(&a, path_in(out1, NOV));
	bundlefix_load_file(&b, path_in(out2, NOV));
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		size_t la, lb;
		const char *ea = bundlefix_get(&a, same[i], &la);
		const char *eb = bundlefix_get(&b, same[i], &lb);

		assert_non_null(ea);
		assert_non_null(eb);
		assert_int_equal(la, lb);
		assert_memory_equal(ea, eb, la);
	}
	/* stamped with the closing time */
	assert_non_null(strstr(bundlefix_get(&a, BUNDLE_REKAP_HTML, NULL),
			       "2026-12-03 23:59:00 WIB"));
	bundlefix_free(&a);
	bundlefix_free(&b);
	{
		size_t la, lb;
		char *za = testutil_slurp(path_in(out1, NOV), &la);
		char *zb = testutil_slurp(path_in(out2, NOV), &lb);

		assert_int_equal(la, lb);
		assert_memory_equal(za, zb, la);
		free(za);
		free(zb);
	}
}

static void test_bundle_e2e_no_template_enters_a_bundle(void **state)
{
	struct bundlefix a;
	char sql[96], *zip;
	size_t zlen;

	(void)state;
	/* the prints table holds the templates (sealed); no part of one
	 * travels in any entry, nor in the archive, and no entry is about
	 * prints */
	assert_int_equal(q("SELECT count(*) FROM prints"), 2);
	bundlefix_load_file(&a, path_in(out1, NOV));
	zip = testutil_slurp(path_in(out1, NOV), &zlen);
	assert_non_null(zip);
	for (int k = 0; k < 2; k++) {
		void *blob = NULL;
		size_t len = 0;

		snprintf(
			sql, sizeof(sql),
			"SELECT blob FROM prints ORDER BY id LIMIT 1 OFFSET %d",
			k);
		assert_int_equal(faultvfs_query_blob(db, sql, &blob, &len), 0);
		assert_true(len > 64);
		/* any 32 bytes of it: the nonce, the MAC, the sealed body */
		for (size_t off = 0; off + 32 <= len; off += len / 4) {
			for (size_t i = 0; i < a.n; i++)
				assert_null(memmem(a.e[i].data, a.e[i].len,
						   (char *)blob + off, 32));
			assert_null(memmem(zip, zlen, (char *)blob + off, 32));
		}
		free(blob);
	}
	for (size_t i = 0; i < a.n; i++)
		assert_null(strstr(a.e[i].name, "print"));
	free(zip);
	bundlefix_free(&a);
}

/* ---- tampering: each refused by "presensi verify" for its reason ---- */

static const char *tamper_dir(void)
{
	static char p[600];

	snprintf(p, sizeof(p), "%s/tamper", dir);
	(void)mkdir(p, 0755); /* made by the first caller */
	return p;
}

/* Writes zip as name, runs verify; expects exit 1 and a FAIL line. */
static void expect_refused(const char *name, const uint8_t *zip, size_t len,
			   const char *want)
{
	char *path = path_in(tamper_dir(), name), *out = NULL;

	bundlefix_write_file(path, zip, len);
	assert_int_equal(verify(path, NULL, &out), 1);
	print_message("presensi verify %s:\n%s", name, out);
	if (!strstr(out, want))
		fail_msg("%s: expected \"%s\" in:\n%s", name, want, out);
	free(out);
}

static void later(struct ledger_row *r)
{
	char *sec = strstr(r->data, ";sec=");

	assert_non_null(sec);
	r->at_utc -= 900; /* 15 minutes earlier: no longer late */
	/* 07:47:00 local is 28020 s; the edit keeps the field's width */
	assert_int_equal(strncmp(sec, ";sec=28020", 10), 0);
	memcpy(sec, ";sec=27120", 10);
}

static int64_t first_late_punch(const struct bundlefix *f)
{
	const char *csv = bundlefix_get(f, BUNDLE_LEDGER, NULL);
	const char *p = strstr(csv, ";sec=28020;");

	while (p > csv && p[-1] != '\n')
		p--;
	return strtoll(p, NULL, 10);
}

static void test_bundle_e2e_tampered_bundles_are_refused(void **state)
{
	struct crypto_devkey other;
	uint8_t seed[CRYPTO_KEY_BYTES] = {42}, *z;
	struct bundlefix f;
	size_t len;
	char *json, *p;
	int64_t seq;

	(void)state;
	crypto_devkey_from_seed(seed, &other);
	bundlefix_load_file(&f, path_in(out1, NOV));
	seq = first_late_punch(&f);
	assert_true(seq > 0);

	/* a punch time edited in ledger.csv */
	bundlefix_ledger_edit(&f, seq, later);
	bundlefix_zip(&f, &z, &len);
	expect_refused("punch-edited.zip", z, len,
		       "FAIL files: ledger.csv does not match its SHA-256 in "
		       "the manifest");
	free(z);
	/* the same, re-signed with another key (manifest changed to
	 * match): the signature now holds, the chain does not */
	bundlefix_resign(&f, &other, NULL, &z, &len);
	{
		char msg[96];

		snprintf(msg, sizeof(msg),
			 "FAIL chain: row %lld: hash does not match the row",
			 (long long)seq);
		expect_refused("punch-edited-resigned.zip", z, len, msg);
	}
	free(z);
	bundlefix_free(&f);

	/* a row deleted */
	bundlefix_load_file(&f, path_in(out1, NOV));
	bundlefix_ledger_edit(&f, seq, NULL);
	bundlefix_zip(&f, &z, &len);
	expect_refused("row-deleted.zip", z, len,
		       "FAIL files: ledger.csv does not match");
	free(z);
	bundlefix_resign(&f, &other, NULL, &z, &len);
	{
		char msg[96];

		snprintf(msg, sizeof(msg),
			 "FAIL chain: row %lld missing (next row is %lld)",
			 (long long)seq, (long long)seq + 1);
		expect_refused("row-deleted-resigned.zip", z, len, msg);
	}
	free(z);
	bundlefix_free(&f);

	/* the manifest edited: fewer untrusted punches */
	bundlefix_load_file(&f, path_in(out1, NOV));
	json = strdup(bundlefix_get(&f, BUNDLE_MANIFEST, &len));
	assert_non_null(json);
	p = strstr(json, "\"kecamatan\": \"Pucuk\"");
	assert_non_null(p);
	memcpy(p, "\"kecamatan\": \"Perak\"", 20);
	bundlefix_set(&f, BUNDLE_MANIFEST, json, len);
	free(json);
	bundlefix_zip(&f, &z, &len);
	expect_refused("manifest-edited.zip", z, len,
		       "FAIL signature: manifest.sig is not device ");
	free(z);
	bundlefix_free(&f);

	/* the signature replaced with another key's */
	bundlefix_load_file(&f, path_in(out1, NOV));
	{
		uint8_t sig[CRYPTO_SIG_BYTES];
		char hex[2 * CRYPTO_SIG_BYTES + 2];
		const char *m = bundlefix_get(&f, BUNDLE_MANIFEST, &len);

		crypto_devkey_sign(&other, m, len, sig);
		crypto_hex_encode(sig, sizeof(sig), hex);
		strcat(hex, "\n");
		bundlefix_set(&f, BUNDLE_SIGNATURE, hex, strlen(hex));
	}
	bundlefix_zip(&f, &z, &len);
	expect_refused("other-key.zip", z, len,
		       "FAIL signature: manifest.sig is not device ");
	free(z);
	bundlefix_free(&f);

	/* a truncated file */
	z = (uint8_t *)testutil_slurp(path_in(out1, NOV), &len);
	assert_non_null(z);
	expect_refused("truncated.zip", z, len * 2 / 3,
		       "FAIL archive: damaged archive");
	free(z);

	/* an entry with ".." */
	bundlefix_load_file(&f, path_in(out1, NOV));
	bundlefix_set(&f, "../../etc/cron.d/x", "* * * * * root sh\n", 18);
	bundlefix_zip(&f, &z, &len);
	expect_refused("dotdot.zip", z, len,
		       "FAIL archive: entry name \"../../etc/cron.d/x\" holds "
		       "\"..\"");
	free(z);
	bundlefix_free(&f);

	/* a zip bomb: a tiny compressed entry that declares 2 GiB */
	bundlefix_load_file(&f, path_in(out1, NOV));
	bundlefix_zip(&f, &z, &len);
	bundlefix_patch_size(z, len, BUNDLE_REKAP_HTML, 0x7fffffffu);
	expect_refused("bomb.zip", z, len,
		       "FAIL archive: entry \"rekap.html\" declares 2147483647 "
		       "bytes, more than 64 MiB (zip bomb?)");
	free(z);
	bundlefix_free(&f);
}

/* ---- continuity between months ---- */

static void test_bundle_e2e_a_gap_between_months_is_found(void **state)
{
	char *out = NULL;

	(void)state;
	set_clock("2027-01-04 08:00"); /* December closes itself */
	assert_int_equal(
		cli(&out, "export", "--month", "2026-10", "--out", out1, NULL),
		0);
	free(out);
	assert_int_equal(
		cli(&out, "export", "--month", "2026-12", "--out", out1, NULL),
		0);
	assert_non_null(strstr(out, "(complete, rows "));
	free(out);
	/* December alone verifies; after October it leaves a gap */
	assert_int_equal(verify(path_in(out1, DEC), NULL, &out), 0);
	free(out);
	assert_int_equal(verify(path_in(out1, DEC), path_in(out1, OCT), &out),
			 1);
	print_message("presensi verify %s --after %s:\n%s", DEC, OCT, out);
	assert_non_null(strstr(out,
			       "FAIL continues: 2026-12 does not continue "
			       "2026-10: a gap: the bundle starts at row "));
	free(out);
	assert_int_equal(verify(path_in(out1, NOV), path_in(out1, OCT), &out),
			 0);
	assert_non_null(strstr(out, "ok   continues (2026-10: rows 1.."));
	free(out);
	assert_int_equal(verify(path_in(out1, DEC), path_in(out1, NOV), &out),
			 0);
	free(out);
}

static void
test_bundle_e2e_verify_needs_no_config_and_checks_arguments(void **state)
{
	char *argv[] = {bin_c, "verify", NULL};
	char *argv2[] = {bin_c, "verify", "/nonexistent/x.zip", NULL};
	char *out = NULL;

	(void)state;
	assert_int_equal(testutil_run(argv, &out), 2);
	assert_non_null(strstr(out, "FILE.zip is required"));
	free(out);
	assert_int_equal(testutil_run(argv2, &out), 1);
	assert_non_null(strstr(out, "FAIL archive: /nonexistent/x.zip: No "
				    "such file or directory"));
	free(out);
}

/* ---- the USB stick ---- */

static void test_bundle_e2e_usb_export_to_a_directory(void **state)
{
	char usb[600], *out = NULL;
	int oks = count_lights("export-ok"),
	    fails = count_lights("export-fail");

	(void)state;
	snprintf(usb, sizeof(usb), "%s/usb", dir);
	assert_int_equal(mkdir(usb, 0755), 0);
	/* 10 January: January is interim, December complete */
	set_clock("2027-01-10 09:00");
	set_clock("2027-01-05 07:20");
	assert_int_equal(feed(202, 400), 0);
	set_clock("2027-01-10 09:00");
	assert_int_equal(cli(&out, "usb-export", "--mount", usb, NULL), 0);
	assert_non_null(strstr(out, "presensi-" DESA "-2027-01.zip (interim)"));
	assert_non_null(
		strstr(out, "presensi-" DESA "-2026-12.zip (complete)"));
	free(out);
	assert_int_equal(count_lights("export-ok"), oks + 1);
	assert_int_equal(verify(path_in(usb, DEC), NULL, &out), 0);
	free(out);
	/* a stick it cannot write to: red blinks, exit 1 */
	assert_int_equal(
		cli(&out, "usb-export", "--mount", "/nonexistent", NULL), 1);
	free(out);
	assert_int_equal(count_lights("export-fail"), fails + 1);
	/* the stick did not mount: the unit asks for the red blinks */
	assert_int_equal(cli(&out, "usb-export", "--failed", NULL), 0);
	free(out);
	assert_int_equal(count_lights("export-fail"), fails + 2);
}

static const char *tool(const char *name)
{
	static char p[64];

	snprintf(p, sizeof(p), "/usr/bin/%s", name);
	return access(p, X_OK) == 0 ? p : NULL;
}

static int run3(const char *t, const char *a, const char *b, const char *c,
		const char *d)
{
	char *argv[] = {(char *)(uintptr_t)t, (char *)(uintptr_t)a,
			(char *)(uintptr_t)b, (char *)(uintptr_t)c,
			(char *)(uintptr_t)d, NULL};
	char *out = NULL;
	int rc = testutil_run(argv, &out);

	if (rc != 0)
		print_message("%s %s %s %s: %s", t, a, b, c, out);
	free(out);
	return rc;
}

/* A FAT file system made with mtools, filled through mtools: the names
 * and bytes usb-export writes survive FAT (8.3 plus long names). */
static void test_bundle_e2e_usb_export_through_a_fat_image(void **state)
{
	char img[600], usb[600], back[600], *out = NULL;

	(void)state;
	if (!tool("mformat") || !tool("mcopy")) {
		print_message("mtools not installed: FAT image test skipped\n");
		skip();
	}
	snprintf(img, sizeof(img), "%s/stick.img", dir);
	snprintf(usb, sizeof(usb), "%s/usb-fat", dir);
	snprintf(back, sizeof(back), "%s/back", dir);
	assert_int_equal(mkdir(usb, 0755), 0);
	assert_int_equal(mkdir(back, 0755), 0);
	assert_int_equal(testutil_write(img, ""), 0);
	assert_int_equal(truncate(img, 8 << 20), 0);
	assert_int_equal(run3(tool("mformat"), "-i", img, "-v", "STICK"), 0);
	assert_int_equal(cli(&out, "usb-export", "--mount", usb, NULL), 0);
	free(out);
	assert_int_equal(
		run3(tool("mcopy"), "-i", img, path_in(usb, DEC), "::"), 0);
	assert_int_equal(run3(tool("mcopy"), "-i", img, "::" DEC, back), 0);
	assert_int_equal(verify(path_in(back, DEC), NULL, &out), 0);
	free(out);
}

/* usb-export onto a FAT image mounted through a loop device, where the
 * machine allows it (root, loop devices, vfat in the kernel). */
static void test_bundle_e2e_usb_export_onto_a_mounted_fat_image(void **state)
{
	char img[600], mnt[600], *out = NULL;
	char *argv[] = {"/bin/mount", "-o", "loop", img, mnt, NULL};
	char *umount[] = {"/bin/umount", mnt, NULL};

	(void)state;
	snprintf(img, sizeof(img), "%s/stick2.img", dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	if (!tool("mformat") || geteuid() != 0 || mkdir(mnt, 0755) != 0) {
		print_message("no mtools or not root: loop mount skipped\n");
		skip();
	}
	assert_int_equal(testutil_write(img, ""), 0);
	assert_int_equal(truncate(img, 8 << 20), 0);
	assert_int_equal(run3(tool("mformat"), "-i", img, "-v", "STICK"), 0);
	if (testutil_run(argv, &out) != 0) {
		print_message("cannot loop-mount a FAT image here (%s): "
			      "skipped\n",
			      out);
		free(out);
		skip();
	}
	free(out);
	assert_int_equal(cli(&out, "usb-export", "--mount", mnt, NULL), 0);
	free(out);
	assert_int_equal(testutil_run(umount, &out), 0);
	free(out);
	assert_int_equal(run3(tool("mcopy"), "-i", img, "::" DEC, dir), 0);
	assert_int_equal(verify(path_in(dir, DEC), NULL, &out), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_e2e_october_closes_by_hand_once),
		cmocka_unit_test(test_bundle_e2e_a_month_of_punches),
		cmocka_unit_test(
			test_bundle_e2e_november_closes_itself_on_the_third),
		cmocka_unit_test(test_bundle_e2e_export_and_verify_round_trip),
		cmocka_unit_test(test_bundle_e2e_only_admins_export),
		cmocka_unit_test(test_bundle_e2e_reexport_is_byte_identical),
		cmocka_unit_test(test_bundle_e2e_no_template_enters_a_bundle),
		cmocka_unit_test(test_bundle_e2e_tampered_bundles_are_refused),
		cmocka_unit_test(test_bundle_e2e_a_gap_between_months_is_found),
		cmocka_unit_test(
			test_bundle_e2e_verify_needs_no_config_and_checks_arguments),
		cmocka_unit_test(test_bundle_e2e_usb_export_to_a_directory),
		cmocka_unit_test(
			test_bundle_e2e_usb_export_through_a_fat_image),
		cmocka_unit_test(
			test_bundle_e2e_usb_export_onto_a_mounted_fat_image),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
