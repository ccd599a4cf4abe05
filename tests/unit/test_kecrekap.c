/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of kecrekap.c and kecrekap_html.c: the camat's rekap from
 * hand-made desa reports.  Totals, kepatuhan pelaporan per month with the
 * moved deadline, every anomaly at its threshold and one past it, the
 * people with the most TL4 and TK days, the silence run, and what each
 * writer prints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "fakes/testutil.h"
#include "kecrekap.h"

#define DAY(y, m, d) civil_from_ymd((y), (m), (d))
#define WIB	     420

static int64_t at(int y, int m, int d, int hh, int mm, int ss)
{
	return civil_utc_from_local(DAY(y, m, d), hh * 3600 + mm * 60 + ss,
				    WIB);
}

static struct kecrekap *month_rekap(int y, int m)
{
	struct kecrekap_opts o;
	struct kecrekap *k;

	memset(&o, 0, sizeof(o));
	o.kind = CIVIL_PERIOD_MONTH;
	o.first = DAY(y, m, 1);
	o.last = DAY(y, m, civil_days_in_month(y, m));
	o.today = DAY(2027, 1, 20);
	o.now_utc = at(2027, 1, 20, 9, 0, 0);
	o.offset_min = WIB;
	o.kecamatan = "Pucuk";
	o.kabupaten = "Lamongan";
	o.deadline_mday = 5;
	assert_int_equal(kecrekap_new(&o, &k), 0);
	return k;
}

/* A desa report of npeople people; person i gets tl4 = i, tk = 2 * i. */
struct fake {
	struct report r;
	struct report_person p[4];
};

static void fake_report(struct fake *f, const char *id, const char *name,
			int npeople)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->r.desa_id, sizeof(f->r.desa_id), "%s", id);
	snprintf(f->r.desa_name, sizeof(f->r.desa_name), "%s", name);
	rekap_init(&f->r.total);
	f->r.people = f->p;
	f->r.npeople = (size_t)npeople;
	for (int i = 0; i < npeople; i++) {
		struct report_person *p = &f->p[i];

		snprintf(p->p.id, sizeof(p->p.id), "%s.%d", id, i + 1);
		snprintf(p->p.name, sizeof(p->p.name), "Orang %d %s", i + 1,
			 name);
		snprintf(p->p.jabatan, sizeof(p->p.jabatan), "Kasun");
		rekap_init(&p->r);
		p->r.people = 1;
		p->r.hari_kerja_efektif = 20;
		p->r.hadir = 20 - 2 * (uint32_t)i;
		p->r.days_punched = 20 - 2 * (uint32_t)i;
		p->r.tepat_waktu = 20 - 3 * (uint32_t)i;
		p->r.with_pulang = 20 - 2 * (uint32_t)i;
		p->r.tl[4].count = (uint32_t)i;
		p->r.tk = 2 * (uint32_t)i;
		p->r.punches = 40;
		p->any_active = true;
		rekap_merge(&f->r.total, &p->r);
	}
}

static struct kecrekap_extra extra(const char *id, const char *name)
{
	struct kecrekap_extra x;

	memset(&x, 0, sizeof(x));
	x.id = id;
	x.name = name;
	x.registered_utc = at(2026, 1, 2, 8, 0, 0);
	return x;
}

static void test_kecrekap_sums_desa_into_the_kecamatan(void **state)
{
	struct kecrekap *k = month_rekap(2026, 11);
	struct kecrekap_extra x;
	struct fake a, b;

	(void)state;
	fake_report(&a, "3524012001", "Pucuk", 3);
	fake_report(&b, "3524012002", "Padenganploso", 2);
	x = extra(a.r.desa_id, a.r.desa_name);
	x.corrections = 2;
	assert_int_equal(kecrekap_add(k, &a.r, &x), 0);
	x = extra(b.r.desa_id, b.r.desa_name);
	assert_int_equal(kecrekap_add(k, &b.r, &x), 0);
	assert_int_equal(k->ndesa, 2);
	assert_int_equal(k->people, 5);
	assert_int_equal(k->corrections, 2);
	assert_int_equal(k->total.hari_kerja_efektif, 100);
	assert_int_equal(k->total.tk, 2 * (0 + 1 + 2) + 2 * (0 + 1));
	assert_string_equal(k->label_id, "2026-11");
	/* Saturday 5 December moves to Monday 7 */
	assert_int_equal(k->nmonths, 1);
	assert_int_equal(k->deadline[0], DAY(2026, 12, 7));
	kecrekap_free(k);
}

static void test_kecrekap_pelaporan_on_time_late_missing(void **state)
{
	struct kecrekap *k = month_rekap(2026, 11);
	struct kecrekap_extra x;
	struct rekap_ratio q;
	struct fake f;

	(void)state;
	fake_report(&f, "1", "A", 1);
	x = extra("1", "A");
	x.received_utc[0] = at(2026, 12, 7, 23, 59, 59); /* the last second */
	assert_int_equal(kecrekap_add(k, &f.r, &x), 0);
	x = extra("2", "B");
	x.received_utc[0] = at(2026, 12, 8, 0, 0, 0); /* one second after */
	assert_int_equal(kecrekap_add(k, &f.r, &x), 0);
	x = extra("3", "C"); /* nothing came */
	assert_int_equal(kecrekap_add(k, &f.r, &x), 0);
	x = extra("4", "D"); /* registered after the deadline */
	x.registered_utc = at(2026, 12, 9, 8, 0, 0);
	assert_int_equal(kecrekap_add(k, &f.r, &x), 0);
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_TEPAT);
	assert_int_equal(k->desa[1].pel[0], PELAPORAN_TERLAMBAT);
	assert_int_equal(k->desa[2].pel[0], PELAPORAN_BELUM);
	assert_int_equal(k->desa[3].pel[0], PELAPORAN_TIDAK_WAJIB);
	kecrekap_pelaporan(k, &q);
	assert_int_equal(q.num, 1);
	assert_int_equal(q.den, 3);
	kecrekap_free(k);
}

static void test_kecrekap_quarter_has_three_deadlines(void **state)
{
	struct kecrekap_opts o;
	struct kecrekap *k;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.kind = CIVIL_PERIOD_QUARTER;
	o.first = DAY(2026, 10, 1);
	o.last = DAY(2026, 12, 31);
	o.today = DAY(2026, 12, 10);
	o.now_utc = at(2026, 12, 10, 9, 0, 0);
	o.offset_min = WIB;
	o.kecamatan = "Pucuk";
	assert_int_equal(kecrekap_new(&o, &k), 0);
	assert_int_equal(k->nmonths, 3);
	assert_int_equal(k->deadline[0], DAY(2026, 11, 5));
	assert_int_equal(k->deadline[1], DAY(2026, 12, 7));
	assert_int_equal(k->deadline[2], DAY(2027, 1, 5));
	kecrekap_free(k);
	o.kind = CIVIL_PERIOD_WEEK;
	assert_int_equal(kecrekap_new(&o, &k), -EINVAL);
}

static unsigned int anomalies_of(const struct kecrekap_extra *x,
				 const struct rekap *desa_total)
{
	struct kecrekap *k = month_rekap(2026, 11);
	struct fake f;
	unsigned int a;

	fake_report(&f, "1", "A", 1);
	f.r.total = *desa_total;
	assert_int_equal(kecrekap_add(k, &f.r, x), 0);
	a = k->desa[0].anomalies;
	kecrekap_free(k);
	return a;
}

static void test_kecrekap_anomalies_at_and_past_thresholds(void **state)
{
	struct kecrekap_extra x = extra("1", "A");
	struct rekap t;

	(void)state;
	rekap_init(&t);
	t.hari_kerja_efektif = 100;
	t.punches = 100;
	t.punches_manual = 10; /* exactly 10 %: not above */
	t.excuse[EXCUSE_AR] = 5;
	assert_int_equal(anomalies_of(&x, &t), 0);
	t.punches_manual = 11;
	assert_int_equal(anomalies_of(&x, &t), KECREKAP_A_MANUAL);
	t.punches_manual = 0;
	t.excuse[EXCUSE_AR] = 6;
	assert_int_equal(anomalies_of(&x, &t), KECREKAP_A_AR);
	t.excuse[EXCUSE_AR] = 0;
	t.punches_untrusted = 1;
	assert_int_equal(anomalies_of(&x, &t), KECREKAP_A_UNTRUSTED);
	t.punches_untrusted = 0;
	x.silent_run = KECREKAP_SILENT_DAYS - 1;
	assert_int_equal(anomalies_of(&x, &t), 0);
	x.silent_run = KECREKAP_SILENT_DAYS;
	assert_int_equal(anomalies_of(&x, &t), KECREKAP_A_SILENT);
	x.silent_run = 0;
	x.mismatch = "103 tl1: desa 2, kecamatan 3";
	x.corrections = 1;
	assert_int_equal(anomalies_of(&x, &t),
			 KECREKAP_A_MISMATCH | KECREKAP_A_KOREKSI);
}

static void test_kecrekap_desa_without_report_is_an_error_row(void **s)
{
	struct kecrekap *k = month_rekap(2026, 11);
	struct kecrekap_extra x = extra("9", "Z");

	(void)s;
	x.error = "profile X in force from 2026-11-01 was never received";
	assert_int_equal(kecrekap_add(k, NULL, &x), 0);
	assert_int_equal(k->desa[0].anomalies, KECREKAP_A_ERROR);
	assert_string_equal(k->desa[0].error, x.error);
	assert_int_equal(k->desa[0].people, 0);
	kecrekap_free(k);
}

static void test_kecrekap_top_people_by_tl4_and_tk(void **state)
{
	struct kecrekap *k = month_rekap(2026, 11);
	struct kecrekap_extra x;
	struct fake a, b;

	(void)state;
	fake_report(&a, "1", "A", 3);
	fake_report(&b, "2", "B", 4);
	x = extra("1", "A");
	assert_int_equal(kecrekap_add(k, &a.r, &x), 0);
	x = extra("2", "B");
	assert_int_equal(kecrekap_add(k, &b.r, &x), 0);
	/* nobody with 0 TL4 and 0 TK is listed */
	assert_int_equal(k->ntop, 5);
	assert_string_equal(k->top[0].id, "2.4"); /* 3 + 6 */
	assert_int_equal(k->top[0].tl4, 3);
	assert_int_equal(k->top[0].tk, 6);
	assert_string_equal(k->top[1].id, "1.3"); /* 2 + 4, desa 1 first */
	assert_string_equal(k->top[2].id, "2.3");
	assert_string_equal(k->top[0].desa_name, "B");
	kecrekap_free(k);
}

static void day(struct kecrekap_silence *s, pd_day_t d, bool efektif,
		unsigned int accepted, unsigned int manual)
{
	struct person p;
	struct verdict v;
	struct report_day rd = {.person = &p, .v = &v};

	memset(&p, 0, sizeof(p));
	memset(&v, 0, sizeof(v));
	v.day = d;
	v.efektif = efektif;
	v.n_accepted = accepted;
	v.n_manual = manual;
	assert_int_equal(kecrekap_silence_day(s, &rd), 0);
}

static void test_kecrekap_silence_counts_working_days_only(void **state)
{
	struct kecrekap_silence s;
	uint32_t run;
	pd_day_t from;

	(void)state;
	kecrekap_silence_init(&s, DAY(2026, 11, 1), DAY(2026, 11, 30));
	/* Thu 5 heard; Fri 6, Mon 9, Tue 10 silent (weekend skipped);
	 * Wed 11 only a manual punch: still silent; Thu 12 heard */
	day(&s, DAY(2026, 11, 5), true, 2, 0);
	day(&s, DAY(2026, 11, 6), true, 0, 0);
	day(&s, DAY(2026, 11, 7), false, 0, 0);
	day(&s, DAY(2026, 11, 9), true, 0, 0);
	day(&s, DAY(2026, 11, 10), true, 0, 0);
	day(&s, DAY(2026, 11, 11), true, 1, 1);
	day(&s, DAY(2026, 11, 12), true, 0, 0);
	day(&s, DAY(2026, 11, 12), true, 1, 0); /* a second person */
	kecrekap_silence_longest(&s, &run, &from);
	assert_int_equal(run, 4);
	assert_int_equal(from, DAY(2026, 11, 6));
}

static char *write(int (*fn)(FILE *, const struct kecrekap *),
		   const struct kecrekap *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(fn(fp, k), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static struct kecrekap *three_desa(void)
{
	static struct fake a, b, c;
	struct kecrekap *k = month_rekap(2026, 11);
	struct kecrekap_extra x;

	fake_report(&a, "3524012001", "Pucuk", 1);
	fake_report(&b, "3524012002", "Padenganploso <&>", 3);
	fake_report(&c, "3524012003", "Sumberjo", 2);
	x = extra(a.r.desa_id, a.r.desa_name);
	x.received_utc[0] = at(2026, 12, 3, 10, 0, 0);
	assert_int_equal(kecrekap_add(k, &a.r, &x), 0);
	x = extra(b.r.desa_id, b.r.desa_name);
	x.received_utc[0] = at(2026, 12, 9, 10, 0, 0);
	x.silent_run = 4;
	x.silent_from = DAY(2026, 11, 16);
	assert_int_equal(kecrekap_add(k, &b.r, &x), 0);
	x = extra(c.r.desa_id, c.r.desa_name);
	assert_int_equal(kecrekap_add(k, &c.r, &x), 0);
	return k;
}

static void test_kecrekap_csv_one_row_per_desa_and_total(void **state)
{
	struct kecrekap *k = three_desa();
	char *csv = write(kecrekap_csv, k);

	(void)state;
	assert_int_equal(strncmp(csv,
				 "periode,dari,sampai,kecamatan,desa,"
				 "nama_desa,orang,",
				 48),
			 0);
	assert_int_equal(testutil_count(csv, "\r\n"), 5);
	assert_non_null(strstr(csv, "\r\n2026-11,2026-11-01,2026-11-30,"
				    "Pucuk,3524012001,Pucuk,1,"));
	assert_non_null(strstr(csv, ",tepat,2026-12-03T03:00:00Z,"));
	assert_non_null(strstr(csv, ",terlambat,2026-12-09T03:00:00Z,"));
	assert_non_null(strstr(csv, ",belum,,"));
	assert_non_null(strstr(csv, ",diam,"));
	assert_non_null(strstr(csv, "\r\n2026-11,2026-11-01,2026-11-30,Pucuk,"
				    "TOTAL,Total kecamatan,6,"));
	/* no generation time: the same rekap, the same bytes */
	assert_null(strstr(csv, "dibuat"));
	free(csv);
	kecrekap_free(k);
}

static void test_kecrekap_text_shows_indicators_and_pelaporan(void **s)
{
	struct kecrekap *k = three_desa();
	char *txt = write(kecrekap_text, k);

	(void)s;
	assert_non_null(strstr(txt, "Kecamatan Pucuk"));
	assert_non_null(strstr(txt, "Kepatuhan pelaporan"));
	assert_non_null(strstr(txt, "1 / 3 = 33,33 %"));
	assert_non_null(strstr(txt, "batas 2026-12-07"));
	assert_non_null(strstr(txt, "terlambat"));
	assert_non_null(strstr(txt, "belum diterima"));
	assert_non_null(strstr(txt, "4 hari kerja berturut-turut"));
	assert_non_null(strstr(txt, "Dibuat pada"));
	for (char *line = txt; *line;) {
		char *nl = strchr(line, '\n');
		size_t chars = 0;

		for (char *p = line; p < (nl ? nl : line + strlen(line)); p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		assert_true(chars <= 100);
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(txt);
	kecrekap_free(k);
}

static void test_kecrekap_html_ranks_by_tepat_waktu(void **state)
{
	struct kecrekap *k = three_desa();
	char *html = write(kecrekap_html, k);
	char *pucuk, *sumberjo, *pad;

	(void)state;
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "Padenganploso &lt;&amp;&gt;"));
	assert_null(strstr(html, "Padenganploso <&>"));
	/* tepat waktu: Pucuk 20/20, Sumberjo 37/38, Padenganploso 51/54 */
	pucuk = strstr(html, "<td>Pucuk</td>");
	sumberjo = strstr(html, "<td>Sumberjo</td>");
	pad = strstr(html, "<td>Padenganploso &lt;&amp;&gt;</td>");
	assert_non_null(pucuk);
	assert_non_null(sumberjo);
	assert_non_null(pad);
	assert_true(pucuk < sumberjo && sumberjo < pad);
	assert_non_null(strstr(html, "Orang 3 Padenganploso"));
	assert_non_null(strstr(html, "Camat"));
	free(html);
	kecrekap_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kecrekap_sums_desa_into_the_kecamatan),
		cmocka_unit_test(test_kecrekap_pelaporan_on_time_late_missing),
		cmocka_unit_test(test_kecrekap_quarter_has_three_deadlines),
		cmocka_unit_test(
			test_kecrekap_anomalies_at_and_past_thresholds),
		cmocka_unit_test(
			test_kecrekap_desa_without_report_is_an_error_row),
		cmocka_unit_test(test_kecrekap_top_people_by_tl4_and_tk),
		cmocka_unit_test(
			test_kecrekap_silence_counts_working_days_only),
		cmocka_unit_test(test_kecrekap_csv_one_row_per_desa_and_total),
		cmocka_unit_test(
			test_kecrekap_text_shows_indicators_and_pelaporan),
		cmocka_unit_test(test_kecrekap_html_ranks_by_tepat_waktu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
