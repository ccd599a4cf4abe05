/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The camat's rekap on SQLite and on PostgreSQL, from bundles the box's
 * own code makes: three desa, one on time at the deadline's last second,
 * one a second late, one missing; the deadline moved past a Saturday and
 * past the office's holiday; an interim or refused bundle does not count;
 * a quarter with a month not yet due; a desa whose own rekap.csv differs;
 * the anomalies a camat checks; and the sums equal the boxes' own rekaps.
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

#include "bundle.h"
#include "civil.h"
#include "fakes/bundlefix.h"
#include "fakes/kecbox.h"
#include "fakes/kecfix.h"
#include "kec_admin.h"
#include "kec_import.h"
#include "kec_rekap.h"
#include "store_report.h"

#define D(y, m, d)	    civil_from_ymd((y), (m), (d))
#define AT(y, mo, d, h, mi) kecbox_at((y), (mo), (d), (h), (mi), 0)

static struct kec_info kec;
static char why[KEC_ADMIN_WHY_MAX];
static const char *const ids[] = {"101", "102", "103"};
static const char *const desa_id[] = {"3524012001", "3524012002", "3524012003"};
static const char *const desa_name[] = {"Pucuk", "Padenganploso", "Sumberjo"};

static void kec_init(struct kecfix *f)
{
	assert_int_equal(kec_admin_init(f->st, "Pucuk", "Lamongan", NULL, 0,
					AT(2026, 10, 1, 8, 0), &kec, why,
					sizeof(why)),
			 0);
}

static void trust(struct kecfix *f, const struct kecbox *b)
{
	if (kec_admin_trust(f->st, &kec, b->conf.desa_id, b->conf.desa_name,
			    b->public_key, NULL, AT(2026, 10, 2, 8, 0), "root",
			    NULL, why, sizeof(why)))
		fail_msg("trust: %s", why);
}

static enum kec_import_result import(struct kecfix *f, const uint8_t *zip,
				     size_t len, int64_t received)
{
	struct kec_import_opts o = {&kec, received, "root"};
	struct kec_import r;

	assert_int_equal(kec_import_mem(f->st, &o, "b.zip", zip, len, &r), 0);
	return r.result;
}

/* Desa i's box with a month of November; anomalous when odd: manual
 * punches, an untrusted clock, days of alat rusak, a silent week. */
static void november(struct kecbox *b, int i, bool odd)
{
	kecbox_open(b, desa_id[i], desa_name[i], (uint8_t)(i + 1));
	kecbox_rules(b, D(2026, 11, 1), AT(2026, 11, 1, 6, 0));
	for (int p = 0; p < 3; p++)
		kecbox_person(b, ids[p], p ? "Sri Wahyuni" : "Budi Santoso",
			      D(2026, 11, 2), AT(2026, 11, 1, 6, 1 + p));
	if (!odd) {
		kecbox_days(b, ids, 3, D(2026, 11, 2), D(2026, 11, 30));
		return;
	}
	kecbox_days(b, ids, 3, D(2026, 11, 2), D(2026, 11, 6));
	/* 9 to 13 November: the box saw nobody; the sekdes typed it in */
	for (int d = 9; d <= 13; d++)
		for (int p = 0; p < 3; p++)
			kecbox_manual(b, ids[p], AT(2026, 11, d, 7, 20 + p),
				      AT(2026, 11, 16, 8, 0));
	kecbox_excuse(b, "101", "alat-rusak", D(2026, 11, 16), D(2026, 11, 17),
		      AT(2026, 11, 16, 8, 30));
	kecbox_excuse(b, "102", "alat-rusak", D(2026, 11, 16), D(2026, 11, 17),
		      AT(2026, 11, 16, 8, 31));
	kecbox_punch(b, "103", AT(2026, 11, 16, 7, 25), PUNCH_F_UNTRUSTED);
	kecbox_days(b, ids, 3, D(2026, 11, 18), D(2026, 11, 30));
}

static void bundle(struct kecbox *b, uint8_t **zip, size_t *len)
{
	kecbox_close_month(b, "2026-11", AT(2026, 12, 3, 10, 0));
	kecbox_bundle(b, "2026-11", AT(2026, 12, 3, 10, 5), zip, len);
}

static struct kecrekap *rekap(struct kecfix *f, enum civil_period_kind kind,
			      pd_day_t first, pd_day_t last, int64_t now)
{
	struct kec_rekap_opts o = {.kec = &kec,
				   .kind = kind,
				   .first = first,
				   .last = last,
				   .now_utc = now};
	struct kecrekap *k;

	if (kec_rekap_build(f->st, &o, &k, why, sizeof(why)))
		fail_msg("rekap: %s", why);
	return k;
}

static struct kecrekap *november_rekap(struct kecfix *f)
{
	return rekap(f, CIVIL_PERIOD_MONTH, D(2026, 11, 1), D(2026, 11, 30),
		     AT(2026, 12, 10, 9, 0));
}

static struct report *box_report(struct kecbox *b)
{
	struct report_opts o;
	struct report *r;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.kind = CIVIL_PERIOD_MONTH;
	o.first = D(2026, 11, 1);
	o.last = D(2026, 11, 30);
	o.today = D(2026, 12, 10);
	o.offset_min = KECBOX_WIB;
	o.desa_id = b->conf.desa_id;
	if (store_report_build(b->st, &o, &r, err, sizeof(err)))
		fail_msg("box: %s", err);
	return r;
}

static void test_rekap_three_desa_one_late_one_missing(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b[3];
	struct report *box[2];
	struct kecrekap *k;
	struct rekap_ratio q;
	uint8_t *z[3];
	size_t l[3];
	char *txt = NULL, *csv = NULL;
	size_t n;
	FILE *fp;

	kec_init(f);
	for (int i = 0; i < 3; i++) {
		november(&b[i], i, false);
		bundle(&b[i], &z[i], &l[i]);
		trust(f, &b[i]);
	}
	/* 5 December 2026 is a Saturday: due Monday 7, 23:59:59 WIB */
	assert_int_equal(
		import(f, z[0], l[0], kecbox_at(2026, 12, 7, 23, 59, 59)),
		KEC_IMPORT_OK);
	assert_int_equal(import(f, z[1], l[1], kecbox_at(2026, 12, 8, 0, 0, 0)),
			 KEC_IMPORT_OK);
	k = november_rekap(f);
	assert_int_equal(k->ndesa, 3);
	assert_int_equal(k->deadline[0], D(2026, 12, 7));
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_TEPAT);
	assert_int_equal(k->desa[1].pel[0], PELAPORAN_TERLAMBAT);
	assert_int_equal(k->desa[2].pel[0], PELAPORAN_BELUM);
	kecrekap_pelaporan(k, &q);
	assert_int_equal(q.num, 1);
	assert_int_equal(q.den, 3);
	/* the kecamatan's sums are the boxes' own */
	box[0] = box_report(&b[0]);
	box[1] = box_report(&b[1]);
	assert_int_equal(k->desa[0].r.hadir, box[0]->total.hadir);
	assert_int_equal(k->desa[1].r.tl[1].minutes,
			 box[1]->total.tl[1].minutes);
	assert_int_equal(k->total.tepat_waktu,
			 box[0]->total.tepat_waktu + box[1]->total.tepat_waktu);
	assert_int_equal(k->total.tk, box[0]->total.tk + box[1]->total.tk);
	assert_int_equal(k->people, 6);
	assert_int_equal(k->desa[2].people, 0);
	fp = open_memstream(&txt, &n);
	assert_int_equal(kecrekap_text(fp, k), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(txt, "1 / 3 = 33,33 %"));
	assert_non_null(strstr(txt, "diterima 2026-12-07 23:59:59 WIB"));
	assert_non_null(strstr(txt, "diterima 2026-12-08 00:00:00 WIB"));
	assert_non_null(strstr(txt, "belum diterima"));
	fp = open_memstream(&csv, &n);
	assert_int_equal(kecrekap_csv(fp, k), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(csv, ",tepat,2026-12-07T16:59:59Z,"));
	assert_non_null(strstr(csv, ",terlambat,2026-12-07T17:00:00Z,"));
	free(txt);
	free(csv);
	report_free(box[0]);
	report_free(box[1]);
	kecrekap_free(k);
	for (int i = 0; i < 3; i++) {
		free(z[i]);
		kecbox_close(&b[i]);
	}
}

static void test_rekap_deadline_moved_past_office_holiday(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kecrekap *k;
	uint8_t *z;
	size_t l;

	kec_init(f);
	/* the kecamatan's own holiday on Monday 7 December */
	assert_int_equal(kec_admin_calendar_day(f->st, &kec, D(2026, 12, 7),
						"lokal", "Hari Jadi Kecamatan",
						AT(2026, 11, 1, 8, 0), "root",
						why, sizeof(why)),
			 0);
	november(&b, 0, false);
	bundle(&b, &z, &l);
	trust(f, &b);
	assert_int_equal(import(f, z, l, kecbox_at(2026, 12, 8, 23, 59, 59)),
			 KEC_IMPORT_OK);
	k = november_rekap(f);
	assert_int_equal(k->deadline[0], D(2026, 12, 8));
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_TEPAT);
	kecrekap_free(k);
	free(z);
	kecbox_close(&b);
}

static void test_rekap_interim_or_refused_bundle_does_not_count(void **s)
{
	struct kecfix *f = *s;
	struct kecbox b;
	struct kecrekap *k;
	struct bundlefix bf;
	uint8_t *z, *bad;
	size_t l, lb;

	kec_init(f);
	november(&b, 0, false);
	trust(f, &b);
	kecbox_bundle(&b, "2026-11", AT(2026, 11, 30, 18, 0), &z, &l);
	assert_int_equal(import(f, z, l, AT(2026, 11, 30, 19, 0)),
			 KEC_IMPORT_OK);
	free(z);
	bundle(&b, &z, &l);
	bundlefix_load(&bf, z, l);
	bundlefix_ledger_edit(&bf, 30, NULL);
	bundlefix_zip(&bf, &bad, &lb);
	assert_int_equal(import(f, bad, lb, AT(2026, 12, 4, 8, 0)),
			 KEC_IMPORT_REFUSED);
	k = november_rekap(f);
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_BELUM);
	kecrekap_free(k);
	/* the real one, late */
	assert_int_equal(import(f, z, l, AT(2026, 12, 9, 8, 0)), KEC_IMPORT_OK);
	k = november_rekap(f);
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_TERLAMBAT);
	assert_int_equal(k->desa[0].received_utc[0], AT(2026, 12, 9, 8, 0));
	kecrekap_free(k);
	bundlefix_free(&bf);
	free(bad);
	free(z);
	kecbox_close(&b);
}

static void test_rekap_quarter_counts_only_months_due(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kecrekap *k;
	struct rekap_ratio q;
	uint8_t *z;
	size_t l;

	kec_init(f);
	november(&b, 0, false);
	bundle(&b, &z, &l);
	trust(f, &b);
	assert_int_equal(import(f, z, l, AT(2026, 12, 4, 8, 0)), KEC_IMPORT_OK);
	k = rekap(f, CIVIL_PERIOD_QUARTER, D(2026, 10, 1), D(2026, 12, 31),
		  AT(2026, 12, 10, 9, 0));
	assert_int_equal(k->nmonths, 3);
	/* registered 2 October: October was due, nothing came */
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_BELUM);
	assert_int_equal(k->desa[0].pel[1], PELAPORAN_TEPAT);
	/* December's is due on 5 January 2027 */
	assert_int_equal(k->desa[0].pel[2], PELAPORAN_MENUNGGU);
	kecrekap_pelaporan(k, &q);
	assert_int_equal(q.num, 1);
	assert_int_equal(q.den, 2);
	/* December is not over: its days after the 10th are not judged */
	assert_true(k->desa[0].r.days > 0);
	kecrekap_free(k);
	free(z);
	kecbox_close(&b);
}

static void test_rekap_flags_a_desa_whose_rekap_differs(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kecrekap *k;
	struct bundlefix bf;
	struct kec_import_opts o = {&kec, AT(2026, 12, 4, 8, 0), "root"};
	struct kec_import r;
	const char *csv;
	char *edited, *total;
	uint8_t *z, *z2;
	size_t l, l2, n;

	kec_init(f);
	november(&b, 0, false);
	bundle(&b, &z, &l);
	trust(f, &b);
	/* the box's key signs a rekap.csv that claims fewer TK */
	bundlefix_load(&bf, z, l);
	csv = bundlefix_get(&bf, BUNDLE_REKAP_CSV, &n);
	edited = strdup(csv);
	assert_non_null(edited);
	total = strstr(edited, "\r\n2026-11,2026-11-01,2026-11-30,3524012001,"
			       "101,");
	assert_non_null(total);
	total = strstr(total + 2, ",21,");
	assert_non_null(total);
	total[2] = '0'; /* hari_kerja 21 -> 20 */
	bundlefix_set(&bf, BUNDLE_REKAP_CSV, edited, n);
	bundlefix_resign(&bf, &b.key, NULL, &z2, &l2);
	assert_int_equal(kec_import_mem(f->st, &o, "b.zip", z2, l2, &r), 0);
	assert_int_equal(r.result, KEC_IMPORT_OK);
	assert_int_equal(r.rekap_same, 0);
	print_message("    differs: %s\n", r.rekap_diff);
	assert_non_null(strstr(r.rekap_diff, "101 hari_kerja: desa 20, "
					     "kecamatan 21"));
	k = november_rekap(f);
	assert_true(k->desa[0].anomalies & KECREKAP_A_MISMATCH);
	assert_non_null(strstr(k->desa[0].mismatch, "hari_kerja"));
	kecrekap_free(k);
	bundlefix_free(&bf);
	free(edited);
	free(z);
	free(z2);
	kecbox_close(&b);
}

static void test_rekap_anomalies_a_camat_checks(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b[2];
	struct kecrekap *k;
	uint8_t *z[2];
	size_t l[2];
	char line[KECREKAP_NOTE_MAX * 2];

	kec_init(f);
	for (int i = 0; i < 2; i++) {
		november(&b[i], i, i == 1);
		bundle(&b[i], &z[i], &l[i]);
		trust(f, &b[i]);
		assert_int_equal(import(f, z[i], l[i], AT(2026, 12, 4, 8, 0)),
				 KEC_IMPORT_OK);
	}
	k = november_rekap(f);
	assert_int_equal(k->desa[0].anomalies, 0);
	assert_true(k->desa[1].anomalies & KECREKAP_A_MANUAL);
	assert_true(k->desa[1].anomalies & KECREKAP_A_AR);
	assert_true(k->desa[1].anomalies & KECREKAP_A_UNTRUSTED);
	assert_true(k->desa[1].anomalies & KECREKAP_A_SILENT);
	assert_int_equal(k->desa[1].silent_run, 5);
	assert_int_equal(k->desa[1].silent_from, D(2026, 11, 9));
	kecrekap_anomaly_text(&k->desa[1], KECREKAP_A_MANUAL, line,
			      sizeof(line));
	print_message("    %s\n", line);
	assert_non_null(strstr(line, "presensi manual 15 dari"));
	kecrekap_free(k);
	for (int i = 0; i < 2; i++) {
		free(z[i]);
		kecbox_close(&b[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekap_three_desa_one_late_one_missing),
		cmocka_unit_test(test_rekap_deadline_moved_past_office_holiday),
		cmocka_unit_test(
			test_rekap_interim_or_refused_bundle_does_not_count),
		cmocka_unit_test(test_rekap_quarter_counts_only_months_due),
		cmocka_unit_test(test_rekap_flags_a_desa_whose_rekap_differs),
		cmocka_unit_test(test_rekap_anomalies_a_camat_checks),
	};

	return kecfix_main("kec_rekap", tests, sizeof(tests) / sizeof(*tests));
}
