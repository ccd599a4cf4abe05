// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of calendar.c: the yearly holiday file (and the shipped 2026
 * file: 17 libur nasional + 8 cuti bersama), its errors by file:line, and
 * the merged set with late edits and local days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "crypto.h"
#include "facts.h"

static pd_day_t D(const char *s)
{
	pd_day_t d = 0;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static int parse_text(const char *text, struct calendar *c, char *err,
		      size_t cap)
{
	char buf[4096];
	FILE *f;
	int rc;

	assert_true(strlen(text) < sizeof(buf));
	strcpy(buf, text);
	f = fmemopen(buf, strlen(buf), "r");
	assert_non_null(f);
	rc = calendar_parse(f, "cal.ini", c, err, cap);
	fclose(f);
	return rc;
}

static int parse_2026(struct calendar *c, char *err, size_t cap)
{
	static const char *const paths[] = {
		"firmware/calendars/2026.ini",
		"../../firmware/calendars/2026.ini",
	};
	FILE *f = NULL;
	int rc;

	for (size_t i = 0; !f && i < 2; i++)
		f = fopen(paths[i], "r");
	if (!f)
		fail_msg("cannot open firmware/calendars/2026.ini");
	rc = calendar_parse(f, "2026.ini", c, err, cap);
	fclose(f);
	return rc;
}

#define HEAD "[calendar]\nyear = 2026\nname = Libur 2026\nreference = SKB\n"

static void test_calendar_2026_file_has_17_libur_and_8_cuti(void **state)
{
	static struct calendar c;
	char err[1024] = "";

	(void)state;
	assert_int_equal(parse_2026(&c, err, sizeof(err)), 0);
	assert_int_equal(c.year, 2026);
	assert_non_null(strstr(c.reference, "1497"));
	assert_int_equal(calendar_count(&c, CALENDAR_LIBUR), 17);
	assert_int_equal(calendar_count(&c, CALENDAR_CUTI_BERSAMA), 8);
	assert_int_equal(calendar_count(&c, CALENDAR_LOKAL), 0);
	for (int i = 1; i < c.n; i++)
		assert_true(c.e[i - 1].day < c.e[i].day);
}

static void test_calendar_2026_lookups_match_the_skb(void **state)
{
	static struct calendar c;
	static struct calendar_set cs;
	static const struct {
		const char *day;
		enum calendar_kind kind;
		const char *name_part;
	} rows[] = {
		{"2026-01-01", CALENDAR_LIBUR, "Tahun Baru"},
		{"2026-02-16", CALENDAR_CUTI_BERSAMA, "Imlek"},
		{"2026-03-18", CALENDAR_CUTI_BERSAMA, "Nyepi"},
		{"2026-03-19", CALENDAR_LIBUR, "Nyepi"},
		{"2026-03-20", CALENDAR_CUTI_BERSAMA, "Idul Fitri"},
		{"2026-03-21", CALENDAR_LIBUR, "Idul Fitri"},
		{"2026-03-22", CALENDAR_LIBUR, "Idul Fitri"},
		{"2026-03-23", CALENDAR_CUTI_BERSAMA, "Idul Fitri"},
		{"2026-03-24", CALENDAR_CUTI_BERSAMA, "Idul Fitri"},
		{"2026-05-15", CALENDAR_CUTI_BERSAMA, "Kenaikan"},
		{"2026-05-28", CALENDAR_CUTI_BERSAMA, "Idul Adha"},
		{"2026-08-17", CALENDAR_LIBUR, "Proklamasi"},
		{"2026-12-24", CALENDAR_CUTI_BERSAMA, "Natal"},
		{"2026-03-25", CALENDAR_NONE, NULL},
		{"2026-12-31", CALENDAR_NONE, NULL},
	};
	char err[1024] = "";

	(void)state;
	assert_int_equal(parse_2026(&c, err, sizeof(err)), 0);
	calendar_set_init(&cs);
	assert_int_equal(calendar_set_add(&cs, &c), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum calendar_kind k = CALENDAR_NONE;
		const char *name = NULL;
		int rc = calendar_day(&cs, D(rows[i].day), &k, &name);

		if (rows[i].kind == CALENDAR_NONE) {
			assert_int_equal(rc, -ENOENT);
			assert_null(name);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(k, rows[i].kind);
		assert_non_null(strstr(name, rows[i].name_part));
	}
}

static void test_calendar_bad_files_report_every_error_by_line(void **state)
{
	static const struct {
		const char *text;
		const char *msgs[3];
	} rows[] = {
		{HEAD "[libur]\n2025-12-31 = Tahun Baru\n",
		 {"cal.ini:6: 2025-12-31 is outside year 2026"}},
		{HEAD "[libur]\n2026-01-01 = A\n[lokal]\n2026-01-01 = B\n",
		 {"cal.ini:8: 2026-01-01 listed twice (first on line 6)"}},
		{HEAD "[libur]\n2026-02-30 = X\n1-1-2026 = Y\n2026-03-01 =\n",
		 {"cal.ini:6: bad date \"2026-02-30\"",
		  "cal.ini:7: bad date \"1-1-2026\"",
		  "cal.ini:8: 2026-03-01: name must be"}},
		{HEAD "[hari_libur]\n",
		 {"cal.ini:5: unknown section [hari_libur]"}},
		{"[calendar]\nyear = 26\nname = X\ncolour = red\n",
		 {"cal.ini:2: year must be 1970..9999",
		  "cal.ini:4: unknown key \"colour\" in [calendar]",
		  "cal.ini:1: [calendar]: missing key \"reference\""}},
		{"[libur]\n2026-01-01 = X\n",
		 {"cal.ini: missing section [calendar]"}},
		{HEAD "[libur]\n2026-01-01 = Tahun Baru\xc0\xaf\n",
		 {"cal.ini:6: invalid UTF-8"}},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		static struct calendar c;
		char err[2048] = "";

		assert_int_equal(parse_text(rows[i].text, &c, err, sizeof(err)),
				 -EINVAL);
		for (int m = 0; m < 3 && rows[i].msgs[m]; m++)
			if (!strstr(err, rows[i].msgs[m]))
				fail_msg("row %zu: \"%s\" lacks \"%s\"", i, err,
					 rows[i].msgs[m]);
	}
}

static void
test_calendar_new_file_for_year_replaces_old_keeps_added(void **state)
{
	static struct calendar v1, v2;
	static struct calendar_set cs;
	enum calendar_kind k;
	const char *name;
	char err[512] = "";

	(void)state;
	/* sidang isbat moves Idul Adha by one day */
	assert_int_equal(parse_text(HEAD "[libur]\n2026-05-27 = Idul Adha\n",
				    &v1, err, sizeof(err)),
			 0);
	assert_int_equal(parse_text(HEAD "[libur]\n2026-05-26 = Idul Adha\n"
					 "[lokal]\n2026-10-09 = Hari Jadi\n",
				    &v2, err, sizeof(err)),
			 0);
	strcpy(v1.version, "v1");
	strcpy(v2.version, "v2");
	calendar_set_init(&cs);
	assert_false(calendar_set_has_year(&cs, 2026));
	assert_int_equal(calendar_set_add(&cs, &v1), 0);
	assert_int_equal(calendar_set_add_day(&cs, D("2026-04-10"),
					      CALENDAR_LOKAL, "Hari Desa"),
			 0);
	/* an added day on a date the new file lists gives way to the file */
	assert_int_equal(calendar_set_add_day(&cs, D("2026-10-09"),
					      CALENDAR_LOKAL, "Old"),
			 0);
	assert_int_equal(calendar_set_add(&cs, &v2), 0);
	assert_int_equal(cs.nfiles, 1);
	assert_string_equal(cs.files[0].version, "v2");
	assert_int_equal(calendar_day(&cs, D("2026-05-27"), &k, &name),
			 -ENOENT);
	assert_int_equal(calendar_day(&cs, D("2026-05-26"), &k, &name), 0);
	assert_int_equal(calendar_day(&cs, D("2026-04-10"), &k, &name), 0);
	assert_string_equal(name, "Hari Desa");
	assert_int_equal(calendar_day(&cs, D("2026-10-09"), &k, &name), 0);
	assert_string_equal(name, "Hari Jadi");
	assert_int_equal(k, CALENDAR_LOKAL);
	assert_int_equal(cs.n, 3);
	assert_true(calendar_set_has_year(&cs, 2026));
	assert_false(calendar_set_has_year(&cs, 2027));
}

static void test_calendar_add_day_rejects_bad_input(void **state)
{
	static struct calendar_set cs;
	char longname[CALENDAR_NAME_MAX + 1];

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	calendar_set_init(&cs);
	assert_int_equal(calendar_set_add_day(&cs, 1, CALENDAR_NONE, "x"),
			 -EINVAL);
	assert_int_equal(calendar_set_add_day(&cs, 1, CALENDAR_LOKAL, ""),
			 -EINVAL);
	assert_int_equal(calendar_set_add_day(&cs, 1, CALENDAR_LOKAL, longname),
			 -EINVAL);
	assert_int_equal(calendar_set_add_day(&cs, 1, CALENDAR_LOKAL, "a"), 0);
	assert_int_equal(calendar_set_add_day(&cs, 1, CALENDAR_LIBUR, "b"),
			 -EEXIST);
	for (int i = 2; i <= CALENDAR_SET_DAYS_MAX; i++)
		assert_int_equal(
			calendar_set_add_day(&cs, i, CALENDAR_LOKAL, "a"), 0);
	assert_int_equal(calendar_set_add_day(&cs, 0, CALENDAR_LOKAL, "a"),
			 -ENOSPC);
}

/* A moved isbat date: the day leaves the set; facts apply in ledger
 * order, so a later re-import or add lists it again. */
static void test_calendar_remove_day_then_reimport_or_add(void **state)
{
	static struct calendar c;
	static struct calendar_set cs;
	char err[512] = "";
	enum calendar_kind k;

	(void)state;
	assert_int_equal(parse_text(HEAD "[libur]\n2026-03-20 = Idul Fitri\n",
				    &c, err, sizeof(err)),
			 0);
	calendar_set_init(&cs);
	assert_int_equal(calendar_set_add(&cs, &c), 0);
	assert_int_equal(calendar_set_add_day(&cs, D("2026-10-09"),
					      CALENDAR_LOKAL, "Hari Jadi"),
			 0);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-03-20")), 0);
	assert_int_equal(calendar_day(&cs, D("2026-03-20"), &k, NULL), -ENOENT);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-03-20")),
			 -ENOENT);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-10-09")), 0);
	assert_int_equal(cs.n, 0);
	/* the year's file again: its days are listed again */
	assert_int_equal(calendar_set_add(&cs, &c), 0);
	assert_int_equal(calendar_day(&cs, D("2026-03-20"), &k, NULL), 0);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-03-20")), 0);
	assert_int_equal(calendar_set_add_day(&cs, D("2026-03-21"),
					      CALENDAR_LIBUR, "Idul Fitri"),
			 0);
	assert_int_equal(calendar_day(&cs, D("2026-03-21"), &k, NULL), 0);
	assert_int_equal(k, CALENDAR_LIBUR);
}

static const char cal_text[] = HEAD "[libur]\n2026-03-20 = Idul Fitri\n";

/* The calendar facts version (DOMAIN §8) names files and the days added
 * or removed by command, in ledger order. */
static void test_calendar_facts_version_covers_added_and_removed(void **state)
{
	struct facts *a, *b, *c;
	char va[PD_HASH_HEX], vb[PD_HASH_HEX], vc[PD_HASH_HEX],
		want[PD_HASH_HEX], err[512], text[256];

	(void)state;
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(facts_new(&a), 0);
	assert_int_equal(facts_new(&b), 0);
	assert_int_equal(facts_new(&c), 0);
	assert_int_equal(facts_add_calendar(a, "ab12", "Libur 2026", cal_text,
					    1, err, sizeof(err)),
			 0);
	assert_int_equal(facts_add_calendar(b, "ab12", "Libur 2026", cal_text,
					    1, err, sizeof(err)),
			 0);
	assert_int_equal(facts_add_calendar(c, "ab12", "Libur 2026", cal_text,
					    1, err, sizeof(err)),
			 0);
	facts_calendar_version(a, va);
	/* the definition, re-checkable with sha256sum */
	crypto_sha256_hex("file ab12\n", 10, want);
	assert_string_equal(va, want);
	assert_int_equal(facts_calendar_days_changed(a), 0);
	/* a local holiday added: other figures, another version */
	assert_int_equal(facts_add_day(b, D("2026-11-27"), "lokal",
				       "Hari Jadi Kabupaten", 2, err,
				       sizeof(err)),
			 0);
	facts_calendar_version(b, vb);
	snprintf(text, sizeof(text),
		 "file ab12\nadd 2026-11-27 lokal Hari Jadi Kabupaten\n");
	crypto_sha256_hex(text, strlen(text), want);
	assert_string_equal(vb, want);
	assert_string_not_equal(va, vb);
	assert_int_equal(facts_calendar_days_changed(b), 1);
	/* a day removed: another set of facts, another version */
	assert_int_equal(
		facts_remove_day(c, D("2026-03-20"), 2, err, sizeof(err)), 0);
	facts_calendar_version(c, vc);
	snprintf(text, sizeof(text), "file ab12\nremove 2026-03-20\n");
	crypto_sha256_hex(text, strlen(text), want);
	assert_string_equal(vc, want);
	assert_int_equal(
		facts_remove_day(c, D("2026-03-20"), 3, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "ledger seq 3"));
	/* reading the version does not change it */
	facts_calendar_version(c, va);
	assert_string_equal(va, vc);
	facts_free(a);
	facts_free(b);
	facts_free(c);
}

static void test_calendar_kind_words_match_store(void **state)
{
	enum calendar_kind k;

	(void)state;
	assert_int_equal(calendar_kind_parse("libur", &k), 0);
	assert_int_equal(k, CALENDAR_LIBUR);
	assert_int_equal(calendar_kind_parse("cuti_bersama", &k), 0);
	assert_int_equal(k, CALENDAR_CUTI_BERSAMA);
	assert_int_equal(calendar_kind_parse("lokal", &k), 0);
	assert_int_equal(k, CALENDAR_LOKAL);
	assert_int_equal(calendar_kind_parse("calendar", &k), -EINVAL);
	assert_string_equal(calendar_kind_label(CALENDAR_CUTI_BERSAMA),
			    "cuti bersama");
	assert_null(calendar_kind_section(CALENDAR_NONE));
}

static void test_calendar_remove_day_drops_file_or_added_day(void **state)
{
	static struct calendar cal;
	static struct calendar_set cs;
	char err[512];
	enum calendar_kind k;

	(void)state;
	assert_int_equal(parse_2026(&cal, err, sizeof(err)), 0);
	calendar_set_init(&cs);
	assert_int_equal(calendar_set_add(&cs, &cal), 0);
	assert_int_equal(calendar_set_add_day(&cs, D("2026-10-09"),
					      CALENDAR_LOKAL, "Hari Jadi"),
			 0);
	/* an Islamic day moved after sidang isbat: a file day goes */
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-03-20")), 0);
	assert_int_equal(calendar_day(&cs, D("2026-03-20"), &k, NULL), -ENOENT);
	assert_int_equal(calendar_day(&cs, D("2026-03-21"), &k, NULL), 0);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-10-09")), 0);
	assert_int_equal(calendar_day(&cs, D("2026-10-09"), &k, NULL), -ENOENT);
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-10-09")),
			 -ENOENT);
	/* a later add of the same day makes it a holiday again */
	assert_int_equal(calendar_set_add_day(&cs, D("2026-03-20"),
					      CALENDAR_CUTI_BERSAMA, "Idul"),
			 0);
	assert_int_equal(calendar_day(&cs, D("2026-03-20"), &k, NULL), 0);
	assert_int_equal(k, CALENDAR_CUTI_BERSAMA);
	/* re-importing the year's file brings its days back */
	assert_int_equal(calendar_set_remove_day(&cs, D("2026-01-01")), 0);
	assert_int_equal(calendar_set_add(&cs, &cal), 0);
	assert_int_equal(calendar_day(&cs, D("2026-01-01"), &k, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_calendar_2026_file_has_17_libur_and_8_cuti),
		cmocka_unit_test(test_calendar_2026_lookups_match_the_skb),
		cmocka_unit_test(
			test_calendar_bad_files_report_every_error_by_line),
		cmocka_unit_test(
			test_calendar_new_file_for_year_replaces_old_keeps_added),
		cmocka_unit_test(test_calendar_add_day_rejects_bad_input),
		cmocka_unit_test(test_calendar_remove_day_then_reimport_or_add),
		cmocka_unit_test(
			test_calendar_facts_version_covers_added_and_removed),
		cmocka_unit_test(test_calendar_kind_words_match_store),
		cmocka_unit_test(
			test_calendar_remove_day_drops_file_or_added_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
