// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of civil.c: day arithmetic, ISO weeks, strict date/time
 * parsing, the three Indonesian zones and report periods with their labels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "civil.h"

static pd_day_t D(const char *s)
{
	pd_day_t d = -99999;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static void test_civil_known_days_convert_both_ways(void **state)
{
	static const struct {
		const char *date;
		pd_day_t day;
		enum civil_weekday wd;
	} rows[] = {
		{"1970-01-01", 0, CIVIL_THU},
		{"1970-01-02", 1, CIVIL_FRI},
		{"2000-02-29", 11016, CIVIL_TUE},
		{"2000-03-01", 11017, CIVIL_WED},
		{"2026-01-01", 20454, CIVIL_THU},
		{"2026-03-20", 20532, CIVIL_FRI},
		{"2100-03-01", 47541, CIVIL_MON},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[CIVIL_DATE_LEN];

		assert_int_equal(D(rows[i].date), rows[i].day);
		civil_date_format(rows[i].day, buf);
		assert_string_equal(buf, rows[i].date);
		assert_int_equal(civil_weekday(rows[i].day), rows[i].wd);
	}
}

static void test_civil_every_day_to_2100_round_trips(void **state)
{
	int py = 1969, pm = 12, pd = 31;

	(void)state;
	for (pd_day_t d = 0; d <= civil_from_ymd(2100, 12, 31); d++) {
		int y, m, md;

		civil_to_ymd(d, &y, &m, &md);
		assert_int_equal(civil_from_ymd(y, m, md), d);
		assert_true(civil_ymd_valid(y, m, md));
		/* consecutive: next day of the previous one */
		if (md == 1)
			assert_true(pd == civil_days_in_month(py, pm));
		else
			assert_int_equal(md, pd + 1);
		py = y;
		pm = m;
		pd = md;
	}
}

static void test_civil_negative_days_before_epoch_convert(void **state)
{
	int y, m, d;

	(void)state;
	civil_to_ymd(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	assert_int_equal(civil_weekday(-1), CIVIL_WED);
}

static void test_civil_iso_week_at_year_edges_is_right(void **state)
{
	static const struct {
		const char *date;
		int iso_year, week;
	} rows[] = {
		{"2026-01-01", 2026, 1},  {"2025-12-29", 2026, 1},
		{"2026-03-02", 2026, 10}, {"2026-12-31", 2026, 53},
		{"2027-01-03", 2026, 53}, {"2027-01-04", 2027, 1},
		{"2021-01-03", 2020, 53}, {"2024-12-30", 2025, 1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int y = 0, w = 0;

		civil_iso_week(D(rows[i].date), &y, &w);
		assert_int_equal(y, rows[i].iso_year);
		assert_int_equal(w, rows[i].week);
	}
	assert_int_equal(civil_iso_weeks_in_year(2026), 53);
	assert_int_equal(civil_iso_weeks_in_year(2020), 53);
	assert_int_equal(civil_iso_weeks_in_year(2025), 52);
}

static void test_civil_date_parse_is_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"2026-2-01",
		"2026-02-1",
		"2026-02-30",
		"2026-02-29",
		"2026-13-01",
		"2026-00-10",
		"2026-01-00",
		" 2026-01-01",
		"2026-01-01 ",
		"2026/01/01",
		"1969-12-31",
		"abcd-01-01",
		"+026-01-01",
		"2026-01-01x",
	};
	pd_day_t d = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(civil_date_parse(bad[i], &d), -EINVAL);
		assert_int_equal(d, 12345); /* untouched on error */
	}
	assert_int_equal(civil_date_parse(NULL, &d), -EINVAL);
	assert_int_equal(civil_date_parse("2024-02-29", &d), 0);
}

static void test_civil_time_parse_accepts_hhmm_and_hhmmss_only(void **state)
{
	static const struct {
		const char *s;
		int rc;
		int32_t sec;
	} rows[] = {
		{"00:00", 0, 0},	 {"07:30", 0, 27000},
		{"07:30:59", 0, 27059},	 {"23:59:59", 0, 86399},
		{"24:00", -EINVAL, 0},	 {"7:30", -EINVAL, 0},
		{"07:60", -EINVAL, 0},	 {"07:30:60", -EINVAL, 0},
		{"07:30:5", -EINVAL, 0}, {"07.30", -EINVAL, 0},
		{"", -EINVAL, 0},	 {"07:30 ", -EINVAL, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int32_t sec = -7;

		assert_int_equal(civil_time_parse(rows[i].s, &sec), rows[i].rc);
		assert_int_equal(sec, rows[i].rc ? -7 : rows[i].sec);
	}
}

static void test_civil_time_format_pads_and_wraps(void **state)
{
	char buf[CIVIL_TIME_LEN];

	(void)state;
	civil_time_format(27059, buf);
	assert_string_equal(buf, "07:30:59");
	civil_time_format(0, buf);
	assert_string_equal(buf, "00:00:00");
	civil_time_format(86400, buf);
	assert_string_equal(buf, "00:00:00");
}

static void test_civil_tz_offset_knows_three_zones_only(void **state)
{
	static const struct {
		const char *name;
		int rc;
		int32_t off;
		const char *abbrev;
	} rows[] = {
		{"Asia/Jakarta", 0, 420, "WIB"},
		{"Asia/Makassar", 0, 480, "WITA"},
		{"Asia/Jayapura", 0, 540, "WIT"},
		{"UTC", -EINVAL, 0, NULL},
		{"WIB", -EINVAL, 0, NULL},
		{"asia/jakarta", -EINVAL, 0, NULL},
		{"Asia/Pontianak", -EINVAL, 0, NULL},
		{"", -EINVAL, 0, NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int32_t off = -1;

		assert_int_equal(civil_tz_offset(rows[i].name, &off),
				 rows[i].rc);
		if (rows[i].rc == 0) {
			assert_int_equal(off, rows[i].off);
			assert_string_equal(civil_tz_abbrev(off),
					    rows[i].abbrev);
		} else {
			assert_int_equal(off, -1);
		}
	}
	assert_null(civil_tz_abbrev(0));
}

/* One UTC instant lands on different local days in WIB, WITA and WIT. */
static void test_civil_local_day_differs_by_zone_near_midnight(void **state)
{
	/* 2026-03-01T16:30:00Z */
	int64_t utc = (int64_t)D("2026-03-01") * 86400 + 16 * 3600 + 1800;
	static const struct {
		int32_t off;
		const char *day;
		int32_t sec;
	} rows[] = {
		{420, "2026-03-01", 23 * 3600 + 1800},
		{480, "2026-03-02", 1800},
		{540, "2026-03-02", 3600 + 1800},
	};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		pd_day_t day;
		int32_t sec;

		civil_local_from_utc(utc, rows[i].off, &day, &sec);
		assert_int_equal(day, D(rows[i].day));
		assert_int_equal(sec, rows[i].sec);
		assert_true(civil_utc_from_local(day, sec, rows[i].off) == utc);
	}
}

static void test_civil_local_parse_applies_fixed_offset(void **state)
{
	int64_t utc = 0;
	char buf[CIVIL_LOCAL_LEN];

	(void)state;
	assert_int_equal(civil_local_parse("2026-03-02 07:30", 420, &utc), 0);
	assert_true(utc == (int64_t)D("2026-03-02") * 86400 + 30 * 60);
	assert_int_equal(civil_local_parse("2026-03-02 07:30:00", 540, &utc),
			 0);
	assert_true(utc ==
		    (int64_t)D("2026-03-01") * 86400 + 22 * 3600 + 30 * 60);
	civil_local_format(utc, 540, buf);
	assert_string_equal(buf, "2026-03-02 07:30:00");
	civil_local_format(utc, 420, buf);
	assert_string_equal(buf, "2026-03-02 05:30:00");
	utc = 42;
	assert_int_equal(civil_local_parse("2026-03-02T07:30:00", 420, &utc),
			 -EINVAL);
	assert_int_equal(civil_local_parse("2026-03-02 7:30", 420, &utc),
			 -EINVAL);
	assert_int_equal(civil_local_parse("2026-02-30 07:30", 420, &utc),
			 -EINVAL);
	assert_int_equal(civil_local_parse("2026-03-02", 420, &utc), -EINVAL);
	assert_true(utc == 42);
}

static void test_civil_local_from_utc_before_epoch_floors(void **state)
{
	pd_day_t day;
	int32_t sec;

	(void)state;
	civil_local_from_utc(-25200 - 1, 420, &day, &sec);
	assert_int_equal(day, -1);
	assert_int_equal(sec, 86399);
}

static void test_civil_period_parse_valid_gives_first_and_last(void **state)
{
	static const struct {
		enum civil_period_kind kind;
		const char *text, *first, *last;
	} rows[] = {
		{CIVIL_PERIOD_DATE, "2026-03-05", "2026-03-05", "2026-03-05"},
		{CIVIL_PERIOD_WEEK, "2026-W01", "2025-12-29", "2026-01-04"},
		{CIVIL_PERIOD_WEEK, "2026-W14", "2026-03-30", "2026-04-05"},
		{CIVIL_PERIOD_WEEK, "2026-W53", "2026-12-28", "2027-01-03"},
		{CIVIL_PERIOD_MONTH, "2026-02", "2026-02-01", "2026-02-28"},
		{CIVIL_PERIOD_MONTH, "2024-02", "2024-02-01", "2024-02-29"},
		{CIVIL_PERIOD_MONTH, "2026-12", "2026-12-01", "2026-12-31"},
		{CIVIL_PERIOD_QUARTER, "2026-Q1", "2026-01-01", "2026-03-31"},
		{CIVIL_PERIOD_QUARTER, "2026-Q4", "2026-10-01", "2026-12-31"},
		{CIVIL_PERIOD_YEAR, "2026", "2026-01-01", "2026-12-31"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pd_day_t a = 0, b = 0;
		char err[128] = "";

		assert_int_equal(civil_period_parse(rows[i].kind, rows[i].text,
						    &a, &b, err, sizeof(err)),
				 0);
		assert_int_equal(a, D(rows[i].first));
		assert_int_equal(b, D(rows[i].last));
	}
}

static void test_civil_period_parse_error_names_option_and_field(void **state)
{
	static const struct {
		enum civil_period_kind kind;
		const char *text, *msg;
	} rows[] = {
		{CIVIL_PERIOD_WEEK, "2026-W54",
		 "--week 2026-W54: week must be 01..53 (2026 has 53 ISO "
		 "weeks)"},
		{CIVIL_PERIOD_WEEK, "2025-W53", "week must be 01..52"},
		{CIVIL_PERIOD_WEEK, "2026-W00", "week must be"},
		{CIVIL_PERIOD_WEEK, "2026-14", "expected YYYY-Www"},
		{CIVIL_PERIOD_MONTH, "2026-13",
		 "--month 2026-13: month must be 01..12"},
		{CIVIL_PERIOD_MONTH, "2026-3", "expected YYYY-MM"},
		{CIVIL_PERIOD_DATE, "2026-02-29",
		 "--date 2026-02-29: day must be 01..28 for 2026-02"},
		{CIVIL_PERIOD_DATE, "2026-00-01", "month must be 01..12"},
		{CIVIL_PERIOD_QUARTER, "2026-Q5", "quarter must be Q1..Q4"},
		{CIVIL_PERIOD_YEAR, "26", "year must be 4 digits"},
		{CIVIL_PERIOD_YEAR, "1900", "year must be 1970..9999"},
		{CIVIL_PERIOD_YEAR, "2026x", "expected YYYY"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pd_day_t a = 7, b = 7;
		char err[128] = "";

		assert_int_equal(civil_period_parse(rows[i].kind, rows[i].text,
						    &a, &b, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, rows[i].msg))
			fail_msg("\"%s\" lacks \"%s\"", err, rows[i].msg);
		assert_int_equal(a, 7);
		assert_int_equal(b, 7);
	}
}

static void test_civil_period_labels_machine_and_indonesian(void **state)
{
	static const struct {
		enum civil_period_kind kind;
		const char *day, *label, *label_id;
	} rows[] = {
		{CIVIL_PERIOD_DATE, "2026-03-05", "2026-03-05",
		 "Kamis, 5 Maret 2026"},
		{CIVIL_PERIOD_WEEK, "2026-03-05", "2026-W10",
		 "Minggu ke-10 2026 (2-8 Maret)"},
		{CIVIL_PERIOD_WEEK, "2026-04-01", "2026-W14",
		 "Minggu ke-14 2026 (30 Maret - 5 April)"},
		{CIVIL_PERIOD_MONTH, "2026-08-17", "2026-08", "Agustus 2026"},
		{CIVIL_PERIOD_QUARTER, "2026-08-17", "2026-Q3",
		 "Triwulan III 2026"},
		{CIVIL_PERIOD_YEAR, "2026-08-17", "2026", "Tahun 2026"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[CIVIL_LABEL_MAX];
		pd_day_t a, b;

		assert_int_equal(civil_period_label(rows[i].kind,
						    D(rows[i].day), buf,
						    sizeof(buf)),
				 (int)strlen(rows[i].label));
		assert_string_equal(buf, rows[i].label);
		/* the machine label parses back to a period holding day */
		assert_int_equal(
			civil_period_parse(rows[i].kind, buf, &a, &b, NULL, 0),
			0);
		assert_true(a <= D(rows[i].day) && D(rows[i].day) <= b);
		assert_true(civil_period_label_id(rows[i].kind, D(rows[i].day),
						  buf, sizeof(buf)) > 0);
		assert_string_equal(buf, rows[i].label_id);
	}
}

static void test_civil_period_label_small_buffer_is_refused(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(
		civil_period_label(CIVIL_PERIOD_DATE, 0, buf, sizeof(buf)),
		-ENAMETOOLONG);
	assert_int_equal(
		civil_period_label_id(CIVIL_PERIOD_MONTH, 0, buf, sizeof(buf)),
		-ENAMETOOLONG);
}

static void test_civil_period_kind_names_round_trip(void **state)
{
	enum civil_period_kind k;

	(void)state;
	for (int i = CIVIL_PERIOD_DATE; i <= CIVIL_PERIOD_YEAR; i++) {
		assert_int_equal(
			civil_period_kind_parse(civil_period_kind_name(i), &k),
			0);
		assert_int_equal(k, i);
	}
	assert_int_equal(civil_period_kind_parse("bulan", &k), -EINVAL);
	assert_string_equal(civil_month_name_id(5), "Mei");
	assert_null(civil_month_name_id(13));
	assert_string_equal(civil_weekday_name_id(CIVIL_FRI), "Jumat");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_known_days_convert_both_ways),
		cmocka_unit_test(test_civil_every_day_to_2100_round_trips),
		cmocka_unit_test(test_civil_negative_days_before_epoch_convert),
		cmocka_unit_test(test_civil_iso_week_at_year_edges_is_right),
		cmocka_unit_test(test_civil_date_parse_is_strict),
		cmocka_unit_test(
			test_civil_time_parse_accepts_hhmm_and_hhmmss_only),
		cmocka_unit_test(test_civil_time_format_pads_and_wraps),
		cmocka_unit_test(test_civil_tz_offset_knows_three_zones_only),
		cmocka_unit_test(
			test_civil_local_day_differs_by_zone_near_midnight),
		cmocka_unit_test(test_civil_local_parse_applies_fixed_offset),
		cmocka_unit_test(test_civil_local_from_utc_before_epoch_floors),
		cmocka_unit_test(
			test_civil_period_parse_valid_gives_first_and_last),
		cmocka_unit_test(
			test_civil_period_parse_error_names_option_and_field),
		cmocka_unit_test(
			test_civil_period_labels_machine_and_indonesian),
		cmocka_unit_test(
			test_civil_period_label_small_buffer_is_refused),
		cmocka_unit_test(test_civil_period_kind_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
