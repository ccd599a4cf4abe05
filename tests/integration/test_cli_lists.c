// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLI's lists as people read them: `presensi person list` and
 * `presensi punches`, text and CSV, run by the real build/presensi on a
 * temp store filled through the store API (no daemon: both lists open the
 * store read-only).  Names with accents, combining marks and wide
 * characters must line up by display width and never be cut inside a
 * character; CSV cells that a spreadsheet would run as formulas are
 * neutralised (DOMAIN §8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "civil.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store.h"
#include "textwidth.h"

#define DAY "2026-11-23"
#define WIB 420

static char *dir;
static char conf_path[512], db[512], bin_c[512];

/* Byte 28 of the first name falls inside the n-tilde: a byte cut of
 * "%-28.28s" splits it. */
static const struct person people[] = {
	{.id = "101",
	 .name = "Ni Luh Putu Ayu Sekar Wangi\u00f1\u00e9",
	 .jabatan = "Kasi Kesejahteraan"},
	{.id = "102", .name = "Budi", .jabatan = "Kepala Dusun"},
	{.id = "103",
	 .name = "Tan \u9648\u7f8e\u73b2 Wijaya",
	 .jabatan = "Kaur Keuangan \u00d1"},
	{.id = "104",
	 .name = "De\u0301de\u0301 Wangin\u0303e\u0301",
	 .jabatan = "Kaur Perencanaan dan Pelaporan Desa"},
	{.id = "105",
	 .name = "=HYPERLINK(\"http://x.example\",\"klik\")",
	 .jabatan = "+62 812 3456"},
	{.id = "106", .name = "@Siti", .jabatan = "-"},
	{.id = "107", .name = "-1+2", .jabatan = "Kaur Umum"},
};
#define NPEOPLE (sizeof(people) / sizeof(people[0]))

/* Runs build/presensi with the test config; exit code, output in *out. */
static int cli(char **out, const char *a1, const char *a2, const char *a3,
	       const char *a4, const char *a5)
{
	char *argv[] = {bin_c,
			"--config",
			conf_path,
			(char *)(uintptr_t)a1,
			(char *)(uintptr_t)a2,
			(char *)(uintptr_t)a3,
			(char *)(uintptr_t)a4,
			(char *)(uintptr_t)a5,
			NULL};

	return testutil_run(argv, out);
}

static int group_setup(void **state)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char cwd[400], text[2048];
	struct store *st;
	pd_day_t day;
	int64_t now;

	(void)state;
	dir = testutil_tmpdir("cli-lists");
	if (!dir || !getcwd(cwd, sizeof(cwd)))
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/presensi.conf", dir);
	snprintf(db, sizeof(db), "%s/presensi.db", dir);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", cwd, o);
	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Desa Uji\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s/ctl.sock\n[lights]\nbackend = none\n"
		 "[clock]\nsource = simulated\n"
		 "simulated_start = " DAY " 18:00:00\n",
		 db, dir);
	if (testutil_write(conf_path, text) != 0 ||
	    civil_date_parse(DAY, &day) != 0 ||
	    store_open(db, NULL, 0, NULL, &st) != 0)
		return -1;
	now = civil_utc_from_local(day, 18 * 3600, WIB);
	for (size_t i = 0; i < NPEOPLE; i++) {
		struct person p = people[i];
		struct punch k;

		p.since = day - 30;
		p.until = PD_DAY_OPEN;
		if (store_person_add(st, &p, now, ACTOR("test", 0)) != 0)
			return -1;
		memset(&k, 0, sizeof(k));
		snprintf(k.person, sizeof(k.person), "%s", p.id);
		k.local_day = day;
		k.local_sec = 7 * 3600 + 10 * 60 + (int32_t)i * 60;
		k.at_utc = civil_utc_from_local(day, k.local_sec, WIB);
		snprintf(k.source, sizeof(k.source), "reader");
		snprintf(k.reader, sizeof(k.reader), "virtual_image/0");
		snprintf(k.clock, sizeof(k.clock), "ntp");
		snprintf(k.boot_id, sizeof(k.boot_id), "boot");
		if (store_punch_add(st, &k, now) != 0)
			return -1;
	}
	store_close(st);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	testutil_rmtree_free(dir);
	return 0;
}

/* True when s is valid UTF-8 throughout (nothing cut mid-character). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80		 ? 1
			   : (*p & 0xE0) == 0xC0 ? 2
			   : (*p & 0xF0) == 0xE0 ? 3
			   : (*p & 0xF8) == 0xF0 ? 4
						 : 0;

		if (n == 0)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/*
 * Display column at which needle starts in each line holding it (after
 * the first `skip` lines); all must agree with the header's column of
 * head.  Checks every line has the same shape.
 */
static void assert_column(const char *out, const char *head, const char *needle,
			  size_t want_rows)
{
	char *copy = strdup(out), *line, *save = NULL;
	long col = -1;
	size_t rows = 0;

	assert_non_null(copy);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *at = strstr(line, head);
		long c;

		if (col < 0 && at) { /* the header line */
			*at = '\0';
			col = (long)textwidth_measure(line);
			continue;
		}
		at = strstr(line, needle);
		if (col < 0 || !at)
			continue;
		*at = '\0';
		c = (long)textwidth_measure(line);
		if (c != col)
			fail_msg("\"%s\" at column %ld, header \"%s\" at %ld "
				 "in:\n%s",
				 needle, c, head, col, out);
		rows++;
	}
	free(copy);
	assert_true(col >= 0);
	assert_int_equal(rows, want_rows);
}

static void test_person_list_aligns_by_display_width(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "list", NULL, NULL, NULL), 0);
	if (!utf8_valid(out))
		fail_msg("person list cut a character:\n%s", out);
	/* every row's "since" date sits under "Sejak" */
	assert_column(out, "Sejak", "2026-10-24", NPEOPLE);
	assert_non_null(strstr(out, "Budi "));
	assert_non_null(strstr(out, "Tan \u9648\u7f8e\u73b2 Wijaya"));
	free(out);
}

static void test_punches_list_aligns_by_display_width(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "punches", "--date", DAY, NULL, NULL), 0);
	if (!utf8_valid(out))
		fail_msg("punches cut a character:\n%s", out);
	/* every row's source sits under "Sumber" */
	assert_column(out, "Sumber", "reader", NPEOPLE);
	assert_non_null(strstr(out, "7 presensi"));
	free(out);
}

static void test_person_list_csv_neutralises_formulas(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "person", "list", "--format", "csv", NULL),
			 0);
	assert_non_null(strstr(out, "\r\n105,\"'=HYPERLINK(\"\"http://"
				    "x.example\"\",\"\"klik\"\")\",'+62 812 "
				    "3456,2026-10-24,,0\r\n"));
	assert_non_null(strstr(out, "\r\n106,'@Siti,-,2026-10-24,,0\r\n"));
	assert_non_null(
		strstr(out, "\r\n107,'-1+2,Kaur Umum,2026-10-24,,0\r\n"));
	/* names that start with a letter are untouched */
	assert_non_null(strstr(out, "\r\n102,Budi,Kepala Dusun,"));
	free(out);
}

static void test_punches_csv_neutralises_formulas(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cli(&out, "punches", "--date", DAY, "--format", "csv"),
			 0);
	assert_non_null(strstr(out, ",105,\"'=HYPERLINK(\"\"http://"
				    "x.example\"\",\"\"klik\"\")\",07:14:00,"));
	assert_non_null(strstr(out, ",106,'@Siti,07:15:00,"));
	assert_non_null(strstr(out, ",107,'-1+2,07:16:00,"));
	/* the UTC instant and the rest stay exact */
	assert_non_null(strstr(out, ",07:16:00,2026-11-23T00:16:00Z,reader,"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_list_aligns_by_display_width),
		cmocka_unit_test(test_punches_list_aligns_by_display_width),
		cmocka_unit_test(test_person_list_csv_neutralises_formulas),
		cmocka_unit_test(test_punches_csv_neutralises_formulas),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
