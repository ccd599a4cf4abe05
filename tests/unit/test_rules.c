// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of rules.c: the profile INI format (every error by
 * file:line), the shipped sample profiles, day resolution (Friday, 6-day
 * week, Ramadan, windows) and the set of profiles by effective day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

#define HM(h, m) ((h)*3600 + (m)*60)

static pd_day_t D(const char *s)
{
	pd_day_t d = 0;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static int parse_text(const char *text, struct rules_profile *p, char *err,
		      size_t cap)
{
	char buf[4096];
	FILE *f;
	int rc;

	assert_true(strlen(text) < sizeof(buf));
	strcpy(buf, text);
	f = fmemopen(buf, strlen(buf), "r");
	assert_non_null(f);
	rc = rules_parse(f, "test.ini", p, err, cap);
	fclose(f);
	return rc;
}

/* Sample files live in the source tree; tests run from its root. */
static int parse_file(const char *name, struct rules_profile *p, char *err,
		      size_t cap)
{
	static const char *const dirs[] = {"firmware/profiles/",
					   "../../firmware/profiles/"};
	char path[256];
	FILE *f = NULL;
	int rc;

	for (size_t i = 0; !f && i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s", dirs[i], name);
		f = fopen(path, "r");
	}
	if (!f)
		fail_msg("cannot open %s (run from the source tree)", name);
	rc = rules_parse(f, name, p, err, cap);
	fclose(f);
	return rc;
}

#define BASE                                                                   \
	"[profile]\nname = T\nreference = Perbup X\ngrace_s = 59\n"            \
	"[hours]\nmon = 07:30-16:00\ntue = 07:30-16:00\n"                      \
	"wed = 07:30-16:00\nthu = 07:30-16:00\nfri = 07:30-11:00\n"            \
	"sat = libur\nsun = libur\n"

static void test_rules_sample_ppu_5hari_parses(void **state)
{
	struct rules_profile p;
	char err[1024] = "";

	(void)state;
	assert_int_equal(
		parse_file("ppu-24-2018-5hari.ini", &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "PPU 24/2018 5 hari");
	assert_non_null(strstr(p.reference, "Penajam Paser Utara"));
	assert_int_equal(p.grace_s, 59);
	assert_int_equal(p.week_days, 5);
	assert_true(p.hours[CIVIL_MON].working);
	assert_int_equal(p.hours[CIVIL_THU].end_s, HM(16, 0));
	assert_int_equal(p.hours[CIVIL_FRI].end_s, HM(11, 0));
	assert_false(p.hours[CIVIL_SAT].working);
	assert_false(p.has_ramadan);
	/* default windows split at the midpoint */
	assert_int_equal(p.masuk[CIVIL_MON].from_s, 0);
	assert_int_equal(p.masuk[CIVIL_MON].to_s, HM(11, 45));
	assert_int_equal(p.pulang[CIVIL_MON].from_s, HM(11, 45));
	assert_int_equal(p.pulang[CIVIL_MON].to_s, 86400);
	assert_int_equal(p.masuk[CIVIL_FRI].to_s, HM(9, 15));
}

static void test_rules_sample_ppu_6hari_parses(void **state)
{
	struct rules_profile p;
	char err[1024] = "";

	(void)state;
	assert_int_equal(
		parse_file("ppu-24-2018-6hari.ini", &p, err, sizeof(err)), 0);
	assert_int_equal(p.week_days, 6);
	assert_int_equal(p.hours[CIVIL_TUE].end_s, HM(14, 30));
	assert_int_equal(p.hours[CIVIL_FRI].end_s, HM(11, 0));
	assert_true(p.hours[CIVIL_SAT].working);
	assert_int_equal(p.hours[CIVIL_SAT].end_s, HM(13, 30));
	assert_false(p.hours[CIVIL_SUN].working);
}

static void test_rules_sample_bondowoso_has_windows(void **state)
{
	struct rules_profile p;
	char err[1024] = "";

	(void)state;
	assert_int_equal(
		parse_file("bondowoso-48-2023.ini", &p, err, sizeof(err)), 0);
	assert_int_equal(p.hours[CIVIL_WED].start_s, HM(8, 0));
	assert_int_equal(p.hours[CIVIL_WED].end_s, HM(15, 30));
	assert_int_equal(p.hours[CIVIL_FRI].end_s, HM(14, 30));
	assert_int_equal(p.masuk[CIVIL_FRI].from_s, HM(7, 30));
	assert_int_equal(p.masuk[CIVIL_FRI].to_s, HM(8, 10));
	assert_int_equal(p.pulang[CIVIL_THU].from_s, HM(15, 20));
	assert_int_equal(p.pulang[CIVIL_THU].to_s, HM(17, 0));
	assert_int_equal(p.pulang[CIVIL_FRI].from_s, HM(14, 20));
	assert_int_equal(p.pulang[CIVIL_FRI].to_s, HM(16, 0));
}

/* What TL4 means is written where a kabupaten's admin reads it: in every
 * shipped profile (DOMAIN §3.6). */
static void test_rules_samples_say_what_tl4_means(void **state)
{
	static const char *const files[] = {"ppu-24-2018-5hari.ini",
					    "ppu-24-2018-6hari.ini",
					    "bondowoso-48-2023.ini"};
	static const char *const dirs[] = {"firmware/profiles/",
					   "../../firmware/profiles/"};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256], text[8192], flat[8192];
		size_t n = 0, o = 0;
		FILE *f = NULL;

		for (size_t d = 0; !f && d < 2; d++) {
			snprintf(path, sizeof(path), "%s%s", dirs[d], files[i]);
			f = fopen(path, "r");
		}
		assert_non_null(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		/* comments wrap: join them into one line of words */
		for (size_t k = 0; k < n; k++) {
			if (text[k] == '\n' && text[k + 1] == '#') {
				flat[o++] = ' ';
				k++;
				while (text[k + 1] == ' ')
					k++;
				continue;
			}
			flat[o++] = text[k];
		}
		flat[o] = '\0';
		if (!strstr(flat, "TL4 is 91 minutes late or more, and also "
				  "\"no masuk punch on a day with any "
				  "accepted punch\""))
			fail_msg("%s does not say what TL4 means", files[i]);
	}
}

static void test_rules_bad_files_report_every_error_by_line(void **state)
{
	static const struct {
		const char *text;
		const char *msgs[4];
	} rows[] = {
		{BASE "[jam]\n", {"test.ini:13: unknown section [jam]"}},
		{BASE "[windows]\nmasok = 07:00-08:00\n",
		 {"test.ini:14: unknown key \"masok\" in [windows]"}},
		{"[profile]\nname = T\nreference = R\ncolor = red\n"
		 "[hours]\nmon = 07:30-16:00\ntue = 16:00-07:30\n"
		 "wed = 7:30-16:00\nthu = libur\nfri = libur\n"
		 "sat = libur\n",
		 {"test.ini:4: unknown key \"color\" in [profile]",
		  "test.ini:7: tue: expected \"HH:MM-HH:MM\"",
		  "test.ini:8: wed: expected",
		  "test.ini:5: [hours]: missing key \"sun\""}},
		{"[profile]\nname = T\nreference = R\nweek = 6\n"
		 "grace_s = 7200\n"
		 "[hours]\nmon = 07:30-16:00\n"
		 "mon = 08:00-16:00\ntue = libur\nwed = libur\n"
		 "thu = libur\nfri = libur\nsat = libur\nsun = libur\n",
		 {"test.ini:5: grace_s must be seconds 0..3600",
		  "test.ini:8: duplicate key \"mon\" (first on line 7)",
		  "test.ini:4: week = 6 but [hours] has 1 working days"}},
		{"[hours]\n",
		 {"test.ini: missing section [profile]",
		  "[hours]: missing key \"mon\""}},
		{"[profile]\nname = T\n"
		 "[hours]\n",
		 {"test.ini:1: [profile]: missing key \"reference\""}},
		{BASE "[ramadan]\nfrom = 2026-03-19\nto = 2026-02-18\n"
		      "mon = 08:00-14:00\nmasuk.xyz = 07:00-08:00\n",
		 {"test.ini:15: [ramadan]: \"to\" is before \"from\"",
		  "test.ini:17: unknown key \"masuk.xyz\" in [ramadan]"}},
		{BASE "[ramadan]\nfrom = 2026-02-30\n",
		 {"test.ini:14: from: expected a date YYYY-MM-DD",
		  "test.ini:13: [ramadan]: missing key \"to\""}},
		{"[profile]\nname = Bud\xff\xfei\nreference = R\n"
		 "[hours]\nmon = libur\ntue = libur\nwed = libur\n"
		 "thu = libur\nfri = libur\nsat = libur\nsun = libur\n",
		 {"test.ini:2: invalid UTF-8"}},
		{"name = T\n" BASE,
		 {"test.ini:1: key \"name\" outside any section"}},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rules_profile p;
		char err[2048] = "";

		assert_int_equal(parse_text(rows[i].text, &p, err, sizeof(err)),
				 -EINVAL);
		for (int m = 0; m < 4 && rows[i].msgs[m]; m++)
			if (!strstr(err, rows[i].msgs[m]))
				fail_msg("row %zu: \"%s\" lacks \"%s\"", i, err,
					 rows[i].msgs[m]);
	}
}

/* The agreed rule (DOMAIN §2.1): windows may overlap; the verdict keeps a
 * punch from being both masuk and pulang. */
static void test_rules_overlapping_windows_are_accepted(void **state)
{
	struct rules_profile p;
	struct day_rule r;
	char err[1024] = "";

	(void)state;
	if (parse_text(BASE "[windows]\nmasuk = 07:00-12:00\n"
			    "masuk.fri = 07:00-10:00\n"
			    "pulang.fri = 09:00-12:00\n",
		       &p, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	rules_day(&p, D("2026-03-06"), &r); /* Friday */
	assert_int_equal(r.masuk.from_s, HM(7, 0));
	assert_int_equal(r.masuk.to_s, HM(10, 0));
	assert_int_equal(r.pulang.from_s, HM(9, 0));
	assert_int_equal(r.pulang.to_s, HM(12, 0));
	rules_day(&p, D("2026-03-05"), &r); /* Thursday: masuk past midpoint */
	assert_int_equal(r.masuk.to_s, HM(12, 0));
	assert_int_equal(r.pulang.from_s, HM(11, 45));
}

static void test_rules_day_uses_friday_hours(void **state)
{
	struct rules_profile p;
	struct day_rule r;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse_text(BASE, &p, err, sizeof(err)), 0);
	rules_day(&p, D("2026-03-06"), &r); /* Friday */
	assert_true(r.working);
	assert_int_equal(r.start_s, HM(7, 30));
	assert_int_equal(r.end_s, HM(11, 0));
	assert_int_equal(r.grace_s, 59);
	assert_int_equal(r.masuk.to_s, HM(9, 15));
	assert_ptr_equal(r.profile, &p);
	rules_day(&p, D("2026-03-05"), &r); /* Thursday */
	assert_int_equal(r.end_s, HM(16, 0));
	rules_day(&p, D("2026-03-07"), &r); /* Saturday */
	assert_false(r.working);
}

static void test_rules_day_ramadan_range_is_inclusive(void **state)
{
	struct rules_profile p;
	struct day_rule r;
	char err[512] = "";
	static const struct {
		const char *day;
		bool ramadan;
		int32_t start, end, masuk_to;
	} rows[] = {
		{"2026-02-17", false, HM(7, 30), HM(16, 0), HM(10, 0)},
		{"2026-02-18", true, HM(8, 0), HM(14, 0), HM(8, 30)},
		{"2026-02-20", true, HM(8, 0), HM(11, 30), HM(8, 30)},
		{"2026-03-19", true, HM(8, 0), HM(14, 0), HM(8, 30)},
		{"2026-03-20", false, HM(7, 30), HM(11, 0), HM(9, 15)},
	};

	(void)state;
	assert_int_equal(parse_text(BASE "[windows]\nmasuk = 06:00-10:00\n"
					 "masuk.fri = 06:00-09:15\n"
					 "[ramadan]\nfrom = 2026-02-18\n"
					 "to = 2026-03-19\n"
					 "mon = 08:00-14:00\n"
					 "tue = 08:00-14:00\n"
					 "wed = 08:00-14:00\n"
					 "thu = 08:00-14:00\n"
					 "fri = 08:00-11:30\n"
					 "masuk = 07:00-08:30\n",
				    &p, err, sizeof(err)),
			 0);
	assert_true(p.has_ramadan);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rules_day(&p, D(rows[i].day), &r);
		assert_int_equal(r.ramadan, rows[i].ramadan);
		assert_int_equal(r.start_s, rows[i].start);
		assert_int_equal(r.end_s, rows[i].end);
		assert_int_equal(r.masuk.to_s, rows[i].masuk_to);
	}
	/* [windows] masuk 06:00-10:00 never reaches a Ramadan day */
	rules_day(&p, D("2026-03-04"), &r);
	assert_int_equal(r.masuk.from_s, HM(7, 0));
	rules_day(&p, D("2026-03-25"), &r);
	assert_int_equal(r.masuk.from_s, HM(6, 0));
	assert_int_equal(r.masuk.to_s, HM(10, 0));
}

static void test_rules_ramadan_weekday_not_listed_keeps_hours(void **state)
{
	struct rules_profile p;
	struct day_rule r;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse_text(BASE "[ramadan]\nfrom = 2026-02-18\n"
					 "to = 2026-03-19\nmon = 08:00-14:00\n",
				    &p, err, sizeof(err)),
			 0);
	rules_day(&p, D("2026-03-03"), &r); /* Tuesday, not listed */
	assert_true(r.ramadan);
	assert_int_equal(r.start_s, HM(7, 30));
	assert_int_equal(r.end_s, HM(16, 0));
	rules_day(&p, D("2026-03-07"), &r); /* Saturday stays libur */
	assert_false(r.working);
}

static void test_rules_in_window_is_half_open(void **state)
{
	struct rules_window w = {HM(7, 30), HM(8, 10)};

	(void)state;
	assert_false(rules_in_window(&w, HM(7, 30) - 1));
	assert_true(rules_in_window(&w, HM(7, 30)));
	assert_true(rules_in_window(&w, HM(8, 10) - 1));
	assert_false(rules_in_window(&w, HM(8, 10)));
}

static void test_rules_set_finds_profile_in_force(void **state)
{
	static struct rules_set s;
	struct rules_profile a, b, c;
	struct day_rule r;
	pd_day_t from = 0;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse_text(BASE, &a, err, sizeof(err)), 0);
	b = a;
	c = a;
	strcpy(b.name, "B");
	strcpy(c.name, "C");
	rules_set_init(&s);
	assert_null(rules_set_find(&s, D("2026-03-01"), NULL));
	assert_int_equal(rules_set_day(&s, D("2026-03-01"), &r), -ENOENT);
	assert_int_equal(rules_set_add(&s, D("2026-03-16"), &b), 0);
	assert_int_equal(rules_set_add(&s, D("2026-01-01"), &a), 0);
	assert_string_equal(rules_set_find(&s, D("2026-03-15"), &from)->name,
			    "T");
	assert_int_equal(from, D("2026-01-01"));
	assert_string_equal(rules_set_find(&s, D("2026-03-16"), &from)->name,
			    "B");
	assert_int_equal(from, D("2026-03-16"));
	assert_null(rules_set_find(&s, D("2025-12-31"), NULL));
	/* same effective day: the later import replaces */
	assert_int_equal(rules_set_add(&s, D("2026-03-16"), &c), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(rules_set_find(&s, D("2026-04-01"), NULL)->name,
			    "C");
	assert_int_equal(rules_set_day(&s, D("2026-03-02"), &r), 0);
	assert_string_equal(r.profile->name, "T");
}

static void test_rules_set_full_is_enospc(void **state)
{
	static struct rules_set s;
	static struct rules_profile p;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse_text(BASE, &p, err, sizeof(err)), 0);
	rules_set_init(&s);
	for (int i = 0; i < RULES_SET_MAX; i++)
		assert_int_equal(rules_set_add(&s, i, &p), 0);
	assert_int_equal(rules_set_add(&s, RULES_SET_MAX, &p), -ENOSPC);
	assert_int_equal(rules_set_add(&s, 3, &p), 0); /* replace: fits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_sample_ppu_5hari_parses),
		cmocka_unit_test(test_rules_sample_ppu_6hari_parses),
		cmocka_unit_test(test_rules_sample_bondowoso_has_windows),
		cmocka_unit_test(test_rules_samples_say_what_tl4_means),
		cmocka_unit_test(
			test_rules_bad_files_report_every_error_by_line),
		cmocka_unit_test(test_rules_overlapping_windows_are_accepted),
		cmocka_unit_test(test_rules_day_uses_friday_hours),
		cmocka_unit_test(test_rules_day_ramadan_range_is_inclusive),
		cmocka_unit_test(
			test_rules_ramadan_weekday_not_listed_keeps_hours),
		cmocka_unit_test(test_rules_in_window_is_half_open),
		cmocka_unit_test(test_rules_set_finds_profile_in_force),
		cmocka_unit_test(test_rules_set_full_is_enospc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
