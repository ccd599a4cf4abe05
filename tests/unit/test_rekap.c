// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of rekap.c: a month of one person streamed through
 * verdict_classify into the counters, the indicators as numerator /
 * denominator / percent, weeks across months with today and the future,
 * per-desa sums, percent formatting and indicative deductions.
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
#include "rekap.h"
#include "rules.h"

#define T(h, m, s) ((h)*3600 + (m)*60 + (s))
#define N(a)	   (sizeof(a) / sizeof((a)[0]))

static pd_day_t D(const char *s)
{
	pd_day_t d = 0;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static FILE *open_text(char *buf)
{
	FILE *f = fmemopen(buf, strlen(buf), "r");

	assert_non_null(f);
	return f;
}

static struct rules_set rs;
static struct calendar_set cs;

static int setup(void **state)
{
	static struct rules_profile p;
	static struct calendar cal;
	char prof[] = "[profile]\nname = P5\nreference = R\ngrace_s = 59\n"
		      "[hours]\nmon = 07:30-16:00\ntue = 07:30-16:00\n"
		      "wed = 07:30-16:00\nthu = 07:30-16:00\n"
		      "fri = 07:30-11:00\nsat = libur\nsun = libur\n";
	char cals[] = "[calendar]\nyear = 2026\nname = C\nreference = SKB\n"
		      "[libur]\n2026-03-19 = Nyepi\n2026-03-21 = Idul Fitri\n"
		      "2026-03-22 = Idul Fitri\n2026-04-03 = Wafat Yesus\n"
		      "[cuti_bersama]\n2026-03-18 = CB\n2026-03-20 = CB\n"
		      "2026-03-23 = CB\n2026-03-24 = CB\n";
	char err[512] = "";
	FILE *f;

	(void)state;
	f = open_text(prof);
	assert_int_equal(rules_parse(f, "p.ini", &p, err, sizeof(err)), 0);
	fclose(f);
	f = open_text(cals);
	assert_int_equal(calendar_parse(f, "c.ini", &cal, err, sizeof(err)), 0);
	fclose(f);
	rules_set_init(&rs);
	assert_int_equal(rules_set_add(&rs, D("2026-01-01"), &p), 0);
	calendar_set_init(&cs);
	assert_int_equal(calendar_set_add(&cs, &cal), 0);
	return 0;
}

struct scen {
	const char *day;
	size_t np;
	struct verdict_punch p[3];
	size_t nx;
	struct verdict_excuse x[1];
};

#define NOX                                                                    \
	0,                                                                     \
	{                                                                      \
		{                                                              \
			EXCUSE_NONE, EXCUSE_FULL_DAY, false                    \
		}                                                              \
	}
#define IN(h, m, s)                                                            \
	{                                                                      \
		T(h, m, s), 0                                                  \
	}
#define OUT(h, m, s)                                                           \
	{                                                                      \
		T(h, m, s), 0                                                  \
	}

/* One person's March 2026 (see the expected figures below). */
static const struct scen march[] = {
	{"2026-03-02", 2, {IN(7, 20, 0), OUT(16, 5, 0)}, NOX},
	{"2026-03-03", 2, {IN(8, 0, 1), OUT(16, 0, 0)}, NOX},  /* TL2 31 */
	{"2026-03-04", 2, {IN(9, 0, 1), OUT(16, 0, 0)}, NOX},  /* TL4 91 */
	{"2026-03-05", 1, {OUT(16, 10, 0)}, NOX},	       /* no masuk */
	{"2026-03-06", 2, {IN(7, 25, 0), OUT(10, 0, 0)}, NOX}, /* PSW2 60 */
	{"2026-03-09", 1, {IN(7, 10, 0)}, NOX},		       /* no pulang */
	/* 03-10: nothing: TK */
	{"2026-03-11", 0, {{0}}, 1, {{EXCUSE_S, EXCUSE_FULL_DAY, false}}},
	{"2026-03-12", 0, {{0}}, 1, {{EXCUSE_C, EXCUSE_FULL_DAY, false}}},
	{"2026-03-13", 0, {{0}}, 1, {{EXCUSE_DL, EXCUSE_FULL_DAY, false}}},
	{"2026-03-16",
	 2,
	 {{T(7, 50, 0), PUNCH_F_MANUAL}, {T(16, 0, 0), PUNCH_F_MANUAL}},
	 1,
	 {{EXCUSE_AR, EXCUSE_FULL_DAY, false}}},
	{"2026-03-17",
	 2,
	 {{T(7, 30, 0), PUNCH_F_UNTRUSTED}, {T(16, 0, 0), PUNCH_F_UNTRUSTED}},
	 NOX},
	{"2026-03-25",
	 2,
	 {IN(8, 15, 0), OUT(16, 0, 0)},
	 1,
	 {{EXCUSE_I, EXCUSE_LATE_IN, false}}},
	{"2026-03-26",
	 0,
	 {{0}},
	 1,
	 {{EXCUSE_S, EXCUSE_FULL_DAY, true}}}, /* revoked: TK */
	{"2026-03-27",
	 3,
	 {IN(7, 30, 0), {T(7, 31, 0), PUNCH_F_SUPPRESSED}, OUT(11, 0, 0)},
	 NOX},
	{"2026-03-30", 2, {IN(7, 30, 59), OUT(15, 29, 59)}, NOX}, /* PSW2 31 */
	{"2026-03-31", 3, {IN(7, 0, 0), IN(7, 5, 0), OUT(16, 0, 0)}, NOX},
	/* a Saturday punch: not a working day, still a punch */
	{"2026-03-07", 1, {IN(9, 0, 0)}, NOX},
};

static void run_period(struct rekap *r, pd_day_t first, pd_day_t last,
		       const struct scen *sc, size_t nsc, pd_day_t today,
		       int32_t now, pd_day_t active_until)
{
	for (pd_day_t d = first; d <= last; d++) {
		struct day_rule rule;
		struct verdict_input in = {
			.day = d, .today = today, .now_sec = now};
		enum calendar_kind k = CALENDAR_NONE;
		struct verdict v;

		in.rule = rules_set_day(&rs, d, &rule) == 0 ? &rule : NULL;
		if (calendar_day(&cs, d, &k, NULL) != 0)
			k = CALENDAR_NONE;
		in.holiday = k;
		in.active = d <= active_until;
		for (size_t i = 0; i < nsc; i++)
			if (D(sc[i].day) == d) {
				in.punches = sc[i].p;
				in.npunches = sc[i].np;
				in.excuses = sc[i].x;
				in.nexcuses = sc[i].nx;
			}
		assert_int_equal(verdict_classify(&in, &v, NULL), 0);
		rekap_add_day(r, &v);
	}
}

static void test_rekap_month_counts_every_column(void **state)
{
	struct rekap r;
	pd_day_t a, b;

	(void)state;
	assert_int_equal(civil_period_parse(CIVIL_PERIOD_MONTH, "2026-03", &a,
					    &b, NULL, 0),
			 0);
	rekap_init(&r);
	run_period(&r, a, b, march, N(march), D("2026-04-15"), 0, PD_DAY_OPEN);
	assert_int_equal(r.people, 1);
	assert_int_equal(r.days, 31);
	assert_int_equal(r.hari_kerja, 22);
	assert_int_equal(r.libur, 1);
	assert_int_equal(r.cuti_bersama, 4);
	assert_int_equal(r.hari_kerja_efektif, 16);
	assert_int_equal(r.hadir, 13);
	assert_int_equal(r.days_punched, 12);
	assert_int_equal(r.tepat_waktu, 9);
	assert_int_equal(r.with_pulang, 11);
	assert_int_equal(r.tl[1].count, 0);
	assert_int_equal(r.tl[2].count, 1);
	assert_int_equal(r.tl[2].minutes, 31);
	assert_int_equal(r.tl[3].count, 0);
	assert_int_equal(r.tl[4].count, 2);
	assert_int_equal(r.tl[4].minutes, 91);
	assert_int_equal(r.no_masuk, 1);
	assert_int_equal(r.psw[2].count, 2);
	assert_int_equal(r.psw[2].minutes, 91);
	assert_int_equal(r.psw[4].count, 1);
	assert_int_equal(r.psw[4].minutes, 0);
	assert_int_equal(r.no_pulang, 1);
	assert_int_equal(r.excuse[EXCUSE_I], 0);
	assert_int_equal(r.excuse[EXCUSE_S], 1);
	assert_int_equal(r.excuse[EXCUSE_C], 1);
	assert_int_equal(r.excuse[EXCUSE_DL], 1);
	assert_int_equal(r.excuse[EXCUSE_AR], 1);
	assert_int_equal(r.izin_terlambat, 1);
	assert_int_equal(r.izin_pulang_cepat, 0);
	assert_int_equal(r.tk, 2);
	assert_int_equal(r.belum_hadir, 0);
	assert_int_equal(r.punches, 24);
	assert_int_equal(r.punches_untrusted, 2);
	assert_int_equal(r.punches_manual, 2);
	assert_int_equal(r.punches_suppressed, 1);
}

static void test_rekap_month_indicators_are_fractions(void **state)
{
	static const struct {
		enum rekap_indicator which;
		uint64_t num, den;
		const char *csv, *id;
	} rows[] = {
		{REKAP_KEHADIRAN, 13, 16, "81.25", "81,25"},
		{REKAP_TEPAT_WAKTU, 9, 12, "75.00", "75,00"},
		{REKAP_ABSEN_PULANG, 11, 12, "91.67", "91,67"},
		{REKAP_KUALITAS_DATA, 22, 24, "91.67", "91,67"},
	};
	struct rekap r;
	pd_day_t a, b;

	(void)state;
	assert_int_equal(civil_period_parse(CIVIL_PERIOD_MONTH, "2026-03", &a,
					    &b, NULL, 0),
			 0);
	rekap_init(&r);
	run_period(&r, a, b, march, N(march), D("2026-04-15"), 0, PD_DAY_OPEN);
	for (size_t i = 0; i < N(rows); i++) {
		struct rekap_ratio q;
		char buf[REKAP_PCT_MAX];

		rekap_indicator(&r, rows[i].which, &q);
		assert_true(q.num == rows[i].num);
		assert_true(q.den == rows[i].den);
		assert_int_equal(
			rekap_percent_format(&q, '.', buf, sizeof(buf)), 5);
		assert_string_equal(buf, rows[i].csv);
		rekap_percent_format(&q, ',', buf, sizeof(buf));
		assert_string_equal(buf, rows[i].id);
		assert_non_null(strstr(rekap_indicator_formula(rows[i].which),
				       "\u00d7 100%"));
		assert_true(strlen(rekap_indicator_label(rows[i].which)) > 0);
	}
}

/* 2026-W14 runs 30 March to 5 April; today is Thursday 2 April 10:00. */
static void test_rekap_week_across_months_stops_at_today(void **state)
{
	struct rekap r;
	pd_day_t a, b;
	static const struct scen none[] = {{"2026-03-30", 0, {{0}}, NOX}};

	(void)state;
	assert_int_equal(civil_period_parse(CIVIL_PERIOD_WEEK, "2026-W14", &a,
					    &b, NULL, 0),
			 0);
	rekap_init(&r);
	run_period(&r, a, b, none, 0, D("2026-04-02"), T(10, 0, 0),
		   PD_DAY_OPEN);
	assert_int_equal(r.days, 4); /* 3, 4, 5 April are future */
	assert_int_equal(r.hari_kerja, 4);
	assert_int_equal(r.libur, 0); /* Good Friday is still future */
	assert_int_equal(r.tk, 3);
	assert_int_equal(r.belum_hadir, 1);
	assert_int_equal(r.hari_kerja_efektif, 3);
}

static void test_rekap_inactive_days_are_not_counted(void **state)
{
	struct rekap r;

	(void)state;
	rekap_init(&r);
	/* deactivated after 2026-03-04: 2..4 March count, the rest not */
	run_period(&r, D("2026-03-01"), D("2026-03-10"), march, N(march),
		   D("2026-04-15"), 0, D("2026-03-04"));
	assert_int_equal(r.hari_kerja, 3);
	assert_int_equal(r.inactive, 6);
	assert_int_equal(r.hari_kerja_efektif, 3);
	assert_int_equal(r.tk, 0);
}

static void test_rekap_merge_sums_people_for_the_desa(void **state)
{
	struct rekap a, b, desa;
	struct rekap_ratio q;

	(void)state;
	rekap_init(&a);
	rekap_init(&b);
	rekap_init(&desa);
	run_period(&a, D("2026-03-01"), D("2026-03-31"), march, N(march),
		   D("2026-04-15"), 0, PD_DAY_OPEN);
	run_period(&b, D("2026-03-01"), D("2026-03-31"), march, 0,
		   D("2026-04-15"), 0, PD_DAY_OPEN);
	rekap_merge(&desa, &a);
	rekap_merge(&desa, &b);
	assert_int_equal(desa.people, 2);
	assert_int_equal(desa.hari_kerja_efektif, 16 + 17);
	assert_int_equal(desa.tk, 2 + 17);
	assert_int_equal(desa.tl[4].count, 2);
	assert_int_equal(desa.excuse[EXCUSE_DL], 1);
	rekap_indicator(&desa, REKAP_KEHADIRAN, &q);
	assert_true(q.num == 13 && q.den == 33);
}

static void test_rekap_percent_rounds_half_up_and_dash_for_none(void **state)
{
	static const struct {
		uint64_t num, den;
		const char *s;
	} rows[] = {
		{0, 0, "-"},	 {1, 3, "33.33"},    {2, 3, "66.67"},
		{1, 8, "12.50"}, {1, 800, "0.13"},   {1, 1, "100.00"},
		{0, 5, "0.00"},	 {1, 20000, "0.01"}, {1, 20001, "0.00"},
	};
	char buf[REKAP_PCT_MAX], tiny[4];

	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		struct rekap_ratio q = {rows[i].num, rows[i].den};

		rekap_percent_format(&q, '.', buf, sizeof(buf));
		assert_string_equal(buf, rows[i].s);
	}
	struct rekap_ratio full = {1, 1};

	assert_int_equal(rekap_percent_format(&full, ',', tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

static void test_rekap_deductions_off_by_default_indikatif_when_on(void **state)
{
	struct rekap r;
	struct rekap_deduction d;
	char buf[REKAP_PCT_MAX];

	(void)state;
	rekap_init(&r);
	run_period(&r, D("2026-03-01"), D("2026-03-31"), march, N(march),
		   D("2026-04-15"), 0, PD_DAY_OPEN);
	rekap_deduction_off(&d);
	assert_false(d.enabled);
	assert_int_equal(rekap_deduction_cp(&r, &d), -1);
	rekap_deduction_permentan(&d);
	/* TL2 1 x 1 % + TL4 2 x 2 % + PSW2 2 x 1 % + PSW4 1 x 2 % + TK 2 x
	 * 4 % = 17 % */
	assert_int_equal(rekap_deduction_cp(&r, &d), 1700);
	rekap_cp_format(rekap_deduction_cp(&r, &d), ',', buf, sizeof(buf));
	assert_string_equal(buf, "17,00");
	assert_string_equal(REKAP_DEDUCTION_LABEL, "indikatif");
	r.tk = 40; /* capped at 100 % */
	assert_int_equal(rekap_deduction_cp(&r, &d), 10000);
}

static void test_rekap_deadline_is_fifth_of_next_month(void **state)
{
	struct rekap_ratio q;

	(void)state;
	assert_int_equal(rekap_deadline(D("2026-03-17"), REKAP_DEADLINE_MDAY),
			 D("2026-04-05"));
	assert_int_equal(rekap_deadline(D("2026-12-01"), REKAP_DEADLINE_MDAY),
			 D("2027-01-05"));
	assert_int_equal(rekap_deadline(D("2026-01-31"), 31), D("2026-02-28"));
	rekap_pelaporan(12, 13, &q);
	assert_int_equal(rekap_percent_cp(&q), 9231);
	assert_non_null(strstr(rekap_pelaporan_formula, "jumlah desa"));
}

static void test_rekap_future_verdicts_are_ignored(void **state)
{
	struct rekap r;
	struct verdict v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.status = VERDICT_FUTURE;
	v.n_accepted = 3;
	rekap_init(&r);
	rekap_add_day(&r, &v);
	assert_int_equal(r.days, 0);
	assert_int_equal(r.punches, 0);
	assert_int_equal(r.people, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekap_month_counts_every_column),
		cmocka_unit_test(test_rekap_month_indicators_are_fractions),
		cmocka_unit_test(test_rekap_week_across_months_stops_at_today),
		cmocka_unit_test(test_rekap_inactive_days_are_not_counted),
		cmocka_unit_test(test_rekap_merge_sums_people_for_the_desa),
		cmocka_unit_test(
			test_rekap_percent_rounds_half_up_and_dash_for_none),
		cmocka_unit_test(
			test_rekap_deductions_off_by_default_indikatif_when_on),
		cmocka_unit_test(test_rekap_deadline_is_fifth_of_next_month),
		cmocka_unit_test(test_rekap_future_verdicts_are_ignored),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
