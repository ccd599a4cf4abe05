// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the report outputs (export.c, html.c, xlsx.c): CSV bytes
 * against golden files (tests/data/golden, rewritten only under
 * PD_GOLDEN_UPDATE=1 by `make golden`), the 100-column text table, the
 * WhatsApp summary length, HTML escaping and the atomic XLSX write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>

#include "export_int.h"
#include "fakes/testutil.h"
#include "log.h"
#include "unit/export_fixture.h"

#define GOLDEN_DIR "tests/data/golden"

/* Runs a writer into a malloc'd string. */
typedef int writer_fn(FILE *fp, const struct report *r,
		      const struct export_opts *o);

static char *render(writer_fn *fn, const struct report *r,
		    const struct export_opts *o, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	*rc = fn(fp, r, o);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static int ringkas_adapter(FILE *fp, const struct report *r,
			   const struct export_opts *o)
{
	(void)o;
	return export_ringkas(fp, r);
}

static void check_golden(const char *name, const char *got)
{
	char path[256];
	char *want;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s", name);
	if (getenv("PD_GOLDEN_UPDATE") &&
	    strcmp(getenv("PD_GOLDEN_UPDATE"), "1") == 0) {
		assert_int_equal(testutil_write(path, got), 0);
		fprintf(stderr, "golden: rewrote %s\n", path);
	}
	want = testutil_slurp(path, NULL);
	if (!want)
		fail_msg("%s: missing golden file (run `make golden` from the "
			 "source root)",
			 path);
	if (strcmp(want, got) != 0) {
		size_t i = 0;

		while (want[i] && want[i] == got[i])
			i++;
		fail_msg("%s: differs at byte %zu:\nwant: %.80s\ngot:  %.80s",
			 path, i, want + i, got + i);
	}
	free(want);
}

/* ---- CSV ---- */

static void test_csv_month_matches_golden(void **state)
{
	struct fx f;
	int rc;
	char *csv;

	(void)state;
	fx_month(&f);
	csv = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	check_golden("rekap_2026-11.csv", csv);
	free(csv);
	fx_free(&f);
}

static void test_csv_daily_matches_golden(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	int rc;
	char *csv;

	(void)state;
	fx_month(&f);
	o.days = &f.days;
	csv = render(export_csv_daily, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	check_golden("harian_2026-11.csv", csv);
	free(csv);
	fx_free(&f);
}

/* The day rows written from the day callback, as report_build calls it:
 * the same golden bytes as the collected rows. */
static void test_csv_daily_streamed_matches_golden(void **state)
{
	struct fx f;
	struct export_daily_csv c;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	fx_month(&f);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(
		export_csv_daily_begin(&c, fp, f.r.desa_id, f.r.offset_min), 0);
	for (size_t i = 0; i < f.days.n; i++) {
		const struct export_day *e = &f.days.d[i];
		struct person p = {0};
		struct report_day d = {
			.person = &p,
			.v = &e->v,
			.holiday_name = e->holiday[0] ? e->holiday : NULL,
			.profile_name = e->profile[0] ? e->profile : NULL,
		};

		snprintf(p.id, sizeof(p.id), "%s", e->person);
		snprintf(p.name, sizeof(p.name), "%s", e->name);
		snprintf(p.jabatan, sizeof(p.jabatan), "%s", e->jabatan);
		assert_int_equal(export_csv_daily_day(&c, &d), 0);
	}
	assert_int_equal(export_csv_daily_end(&c), 0);
	assert_int_equal(c.rows, f.days.n);
	assert_int_equal(fclose(fp), 0);
	check_golden("harian_2026-11.csv", buf);
	free(buf);
	fx_free(&f);
}

static void test_csv_deduction_on_matches_golden(void **state)
{
	struct fx f;
	struct rekap_deduction d;
	struct export_opts o = {.deduction = &d};
	int rc;
	char *csv;

	(void)state;
	rekap_deduction_permentan(&d);
	fx_month(&f);
	csv = render(export_csv, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(csv, "potongan_indikatif_persen"));
	check_golden("rekap_2026-11_potongan.csv", csv);
	free(csv);
	fx_free(&f);
}

static void test_csv_deduction_off_has_no_column(void **state)
{
	struct fx f;
	struct rekap_deduction d;
	struct export_opts o = {.deduction = &d};
	int rc;
	char *csv;

	(void)state;
	rekap_deduction_off(&d);
	fx_month(&f);
	csv = render(export_csv, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_null(strstr(csv, "potongan"));
	free(csv);
	fx_free(&f);
}

static void test_csv_fields_with_comma_or_quote_are_quoted(void **state)
{
	struct fx f;
	int rc;
	char *csv;

	(void)state;
	fx_month(&f);
	csv = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(csv, ",\"Siti Nur'aini, S.Pd\","));
	assert_non_null(strstr(csv, ",\"Bambang \"\"Bams\"\" <Wijaya>\","));
	assert_non_null(strstr(csv, ",Dédé Suryadi,"));
	free(csv);
	fx_free(&f);
}

static void test_csv_lines_end_crlf_and_ignore_build_time(void **state)
{
	struct fx f;
	int rc;
	char *a, *b;
	size_t lines = 0;

	(void)state;
	fx_month(&f);
	a = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	f.r.built_utc += 86400 * 3; /* built three days later */
	b = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(a, b);
	for (const char *p = a; *p; p++) {
		if (*p == '\n') {
			assert_true(p > a && p[-1] == '\r');
			lines++;
		}
	}
	assert_int_equal(lines, 1 + 4 + 1); /* header, people, TOTAL */
	assert_null(strstr(a, "dibuat"));
	free(a);
	free(b);
	fx_free(&f);
}

static void test_csv_daily_without_days_is_einval(void **state)
{
	struct fx f;
	int rc;
	char *csv;

	(void)state;
	fx_month(&f);
	csv = render(export_csv_daily, &f.r, NULL, &rc);
	assert_int_equal(rc, -EINVAL);
	free(csv);
	fx_free(&f);
}

static void test_export_people_null_is_einval(void **state)
{
	struct fx f;
	writer_fn *const fns[] = {export_csv, export_text, export_html,
				  ringkas_adapter};
	struct report_person *keep;

	(void)state;
	fx_month(&f);
	keep = f.r.people;
	f.r.people = NULL;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc;
		char *out = render(fns[i], &f.r, NULL, &rc);

		assert_int_equal(rc, -EINVAL);
		free(out);
	}
	f.r.people = keep;
	fx_free(&f);
}

/* ---- helpers, table-driven ---- */

static void test_utc_iso_per_zone_is_z_instant(void **state)
{
	static const struct {
		int32_t offset_min, sec;
		const char *want;
	} rows[] = {
		{420, HMS(7, 42, 10), "2026-11-02T00:42:10Z"}, /* WIB */
		{480, HMS(7, 42, 10), "2026-11-01T23:42:10Z"}, /* WITA */
		{540, HMS(8, 59, 59), "2026-11-01T23:59:59Z"}, /* WIT */
		{420, HMS(6, 59, 59), "2026-11-01T23:59:59Z"},
		{420, FX_NONE, ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[EXPORT_ISO_MAX];

		export_utc_iso(civil_from_ymd(2026, 11, 2), rows[i].sec,
			       rows[i].offset_min, buf);
		assert_string_equal(buf, rows[i].want);
	}
}

static void test_day_status_words_per_verdict(void **state)
{
	pd_day_t d = civil_from_ymd(2026, 11, 2);
	struct {
		struct verdict v;
		const char *holiday;
		const char *want;
	} rows[] = {
		{fx_hadir(d, HMS(7, 25, 0), HMS(16, 0, 0), 0), "", "Hadir"},
		{fx_hadir(d, HMS(7, 42, 10), HMS(16, 0, 0), 0), "",
		 "Hadir, TL1 13 mnt"},
		{fx_hadir(d, FX_NONE, HMS(15, 0, 0), 0), "",
		 "Hadir, tidak absen masuk, PSW2 60 mnt"},
		{fx_hadir(d, HMS(7, 0, 0), FX_NONE, PUNCH_F_MANUAL), "",
		 "Hadir, tidak absen pulang, manual"},
		{fx_hadir(d, HMS(7, 0, 0), HMS(16, 0, 0), PUNCH_F_UNTRUSTED),
		 "", "Hadir, jam tak tepercaya"},
		{fx_status(d, VERDICT_LIBUR, EXCUSE_NONE), "Natal", NULL},
		{fx_status(d, VERDICT_EXCUSED, EXCUSE_S), "", NULL},
		{fx_status(d, VERDICT_TK, EXCUSE_NONE), "", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct export_day ed;
		char st[EXPORT_STATUS_MAX], want[EXPORT_STATUS_MAX];

		memset(&ed, 0, sizeof(ed));
		ed.v = rows[i].v;
		snprintf(ed.holiday, sizeof(ed.holiday), "%s", rows[i].holiday);
		export_day_status(&ed, st);
		if (rows[i].want)
			snprintf(want, sizeof(want), "%s", rows[i].want);
		else if (ed.v.status == VERDICT_LIBUR)
			snprintf(want, sizeof(want), "%s: Natal",
				 verdict_status_label(ed.v.status));
		else if (ed.v.status == VERDICT_EXCUSED)
			snprintf(want, sizeof(want), "%s",
				 verdict_excuse_label(ed.v.excuse));
		else
			snprintf(want, sizeof(want), "%s",
				 verdict_status_label(ed.v.status));
		assert_string_equal(st, want);
	}
}

static void test_ratio_text_uses_decimal_comma(void **state)
{
	static const struct {
		uint64_t num, den;
		const char *want;
	} rows[] = {
		{7, 8, "7 / 8 = 87,50 %"},
		{2, 3, "2 / 3 = 66,67 %"},
		{0, 0, "0 / 0 = -"},
		{5, 5, "5 / 5 = 100,00 %"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rekap_ratio q = {rows[i].num, rows[i].den};
		char buf[EXPORT_RATIO_MAX];

		export_ratio_text(&q, ',', buf);
		assert_string_equal(buf, rows[i].want);
	}
}

/* ---- text ---- */

static void assert_fits(const char *text, size_t cols)
{
	const char *line = text;
	int n = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t blen = nl ? (size_t)(nl - line) : strlen(line);
		char buf[4096];

		assert_true(blen < sizeof(buf));
		memcpy(buf, line, blen);
		buf[blen] = '\0';
		if (export_utf8_len(buf) > cols)
			fail_msg("line %d has %zu columns (> %zu): %s", n + 1,
				 export_utf8_len(buf), cols, buf);
		n++;
		line += blen + (nl ? 1 : 0);
	}
	assert_true(n > 10);
}

static void test_text_month_fits_100_columns(void **state)
{
	struct fx f;
	struct rekap_deduction d;
	struct export_opts o = {.deduction = &d};
	int rc;
	char *txt;

	(void)state;
	rekap_deduction_permentan(&d);
	fx_month(&f);
	txt = render(export_text, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	assert_non_null(strstr(txt, "Dibuat pada: 2026-11-30 17:05:00 WIB"));
	assert_non_null(strstr(txt, "Perbup Penajam Paser Utara No. 24"));
	assert_non_null(strstr(txt, "Nama"));
	assert_non_null(strstr(txt, "PSW4"));
	assert_non_null(strstr(txt, "Potongan indikatif"));
	/* desa: 15 hadir (DL counts) of 18 HKE (C and libur leave it) */
	assert_non_null(strstr(txt, "15 / 18 = 83,33 %"));
	free(txt);
	fx_free(&f);
}

static void test_text_year_big_numbers_long_names_fit(void **state)
{
	struct fx f;
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 15, CIVIL_PERIOD_YEAR, civil_from_ymd(2026, 1, 1),
		civil_from_ymd(2026, 12, 31));
	for (size_t i = 0; i < 15; i++) {
		struct fx_person p = {
			"3517-1000000001",
			"Raden Mas Bagus Prasetyo Adi Nugroho Wicaksono",
			"Kepala Urusan Tata Usaha dan Umum",
		};
		struct rekap *k = &f.r.people[i].r;

		fx_set_person(&f, i, &p);
		k->hari_kerja_efektif = 245;
		k->hadir = 240;
		k->tepat_waktu = 199;
		k->days_punched = 238;
		for (int b = 1; b <= 4; b++) {
			k->tl[b].count = 10 + (uint32_t)b;
			k->psw[b].count = 20 + (uint32_t)b;
		}
		k->excuse[EXCUSE_S] = 12;
		k->excuse[EXCUSE_C] = 12;
		k->tk = 3;
	}
	fx_finish(&f);
	txt = render(export_text, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	assert_non_null(strstr(txt, "3675")); /* 15 x 245 HKE in the total */
	free(txt);
	fx_free(&f);
}

static void test_text_date_lists_masuk_pulang_and_status(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	pd_day_t day = civil_from_ymd(2026, 11, 3);
	int rc;
	char *txt;

	(void)state;
	fx_month(&f);
	/* the same people, reported for one day */
	f.r.kind = CIVIL_PERIOD_DATE;
	f.r.first = f.r.last = day;
	o.days = &f.days;
	txt = render(export_text, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	assert_non_null(strstr(txt, "Masuk"));
	assert_non_null(strstr(txt, "07:42:10"));
	assert_non_null(strstr(txt, "TL1 13 mnt"));
	assert_non_null(strstr(txt, "tidak absen masuk"));
	/* rows of other days are not listed */
	assert_null(strstr(txt, "07:25:03"));
	free(txt);
	fx_free(&f);
}

/* ---- ringkas ---- */

static void test_ringkas_15_people_stays_under_1000_chars(void **state)
{
	static const char *const names[] = {
		"Mochammad Abdul Rachman Hakim",
		"Siti Nurhayati Kusumawardani",
		"Bambang Sugiarto Wicaksono",
		"Dwi Retno Setyaningsih",
		"Raden Ajeng Kartika Puspitasari",
		"Heru Prasetyo Nugroho",
		"Nur Aini Fitriyah Rahmawati",
		"Agus Salim Hidayatullah",
		"Endang Sri Wahyuningsih",
		"Yusuf Maulana Ibrahim",
		"Sri Mulyani Handayani",
		"Teguh Santoso Wibisono",
		"Lilik Suryani Anggraeni",
		"Slamet Riyadi Pamungkas",
		"Ahmad Zainul Arifin Hasan",
	};
	pd_day_t d0 = civil_from_ymd(2026, 11, 2);
	struct fx f;
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 15, CIVIL_PERIOD_WEEK, d0, d0 + 6);
	for (size_t i = 0; i < 15; i++) {
		struct fx_person p = {"id", names[i], "Kasun"};

		fx_set_person(&f, i, &p);
		/* everybody late and early some days, some TK/excused */
		for (int k = 0; k < 5; k++) {
			struct verdict v;

			if ((i + (size_t)k) % 7 == 0)
				v = fx_status(d0 + k, VERDICT_TK, EXCUSE_NONE);
			else if ((i + (size_t)k) % 5 == 0)
				v = fx_status(d0 + k, VERDICT_EXCUSED,
					      (enum excuse_kind)(1 + k % 4));
			else
				v = fx_hadir(d0 + k, HMS(7, 35 + (int)i * 3, 0),
					     HMS(15, 10 + k * 5, 0), 0);
			fx_add(&f, i, &v, NULL);
		}
	}
	fx_finish(&f);
	txt = render(ringkas_adapter, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	if (export_utf8_len(txt) >= EXPORT_RINGKAS_MAX)
		fail_msg("ringkas has %zu chars:\n%s", export_utf8_len(txt),
			 txt);
	assert_non_null(strstr(txt, "Terlambat (15)"));
	assert_non_null(strstr(txt, "TK/tanpa keterangan ("));
	assert_non_null(strstr(txt, "Hadir: "));
	free(txt);
	fx_free(&f);
}

static void test_ringkas_date_names_minutes_and_absent(void **state)
{
	pd_day_t day = civil_from_ymd(2026, 11, 5);
	struct fx f;
	struct verdict v;
	static const struct fx_person people[] = {
		{"1", "Ahmad Fauzi", "Kades"},
		{"2", "Siti Aminah", "Sekdes"},
		{"3", "Joko Susilo", "Kasun"},
		{"4", "Rina Wati", "Kaur"},
	};
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 4, CIVIL_PERIOD_DATE, day, day);
	for (size_t i = 0; i < 4; i++)
		fx_set_person(&f, i, &people[i]);
	v = fx_hadir(day, HMS(7, 42, 10), HMS(16, 0, 0), 0);
	fx_add(&f, 0, &v, NULL);
	v = fx_hadir(day, HMS(7, 0, 0), HMS(16, 0, 0), 0);
	fx_add(&f, 1, &v, NULL);
	v = fx_status(day, VERDICT_TK, EXCUSE_NONE);
	fx_add(&f, 2, &v, NULL);
	v = fx_status(day, VERDICT_EXCUSED, EXCUSE_S);
	fx_add(&f, 3, &v, NULL);
	fx_finish(&f);
	txt = render(ringkas_adapter, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(txt, "Terlambat (1): Ahmad Fauzi 13 mnt\n"));
	assert_non_null(strstr(txt, "TK/tanpa keterangan (1): Joko Susilo\n"));
	assert_non_null(strstr(txt, "Rina Wati (S)"));
	assert_non_null(strstr(txt, "Hadir: 2/4 (50,00 %)"));
	assert_null(strstr(txt, "Siti"));
	free(txt);
	fx_free(&f);
}

static void test_ringkas_today_open_omits_undefined_ratios(void **state)
{
	pd_day_t day = civil_from_ymd(2026, 11, 5);
	struct fx f;
	struct verdict v;
	static const struct fx_person p = {"1", "Ahmad Fauzi", "Kades"};
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 1, CIVIL_PERIOD_DATE, day, day);
	fx_set_person(&f, 0, &p);
	/* 10:00 today: masuk 07:42:10, the leave window still open */
	v = fx_hadir(day, HMS(7, 42, 10), FX_NONE, 0);
	v.status = VERDICT_BELUM_PULANG;
	v.provisional = true;
	v.psw = 0;
	v.no_pulang = false;
	fx_add(&f, 0, &v, NULL);
	fx_finish(&f);
	txt = render(ringkas_adapter, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_null(strstr(txt, "Tepat waktu"));
	assert_null(strstr(txt, "(-)"));
	assert_non_null(strstr(txt, "Terlambat (1): Ahmad Fauzi 13 mnt\n"));
	assert_non_null(strstr(txt, "Belum pulang (1): Ahmad Fauzi\n"));
	free(txt);
	fx_free(&f);
}

/* ---- HTML ---- */

static void test_html_escapes_text_and_fetches_nothing(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	int rc;
	char *html;

	(void)state;
	fx_month(&f);
	o.days = &f.days;
	html = render(export_html, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(
		strstr(html, "Bambang &quot;Bams&quot; &lt;Wijaya&gt;"));
	assert_null(strstr(html, "<Wijaya>"));
	assert_null(strstr(html, "http"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "@import"));
	assert_non_null(strstr(html, "@page{size:A4"));
	assert_non_null(strstr(html, "Rekap Kehadiran dan Kedisiplinan "
				     "Perangkat Desa"));
	assert_non_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "PRK-9"));
	assert_non_null(strstr(html, "Persentase Penyelenggaraan Kecamatan"));
	assert_non_null(strstr(html, "Mengetahui,<br>Kepala Desa"));
	assert_non_null(strstr(html, "Sekretaris Desa"));
	assert_non_null(strstr(html, "Dibuat pada"));
	assert_non_null(strstr(html, "83,33 %"));
	free(html);
	fx_free(&f);
}

/* ---- XLSX (structure checked by the integration test) ---- */

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_xlsx_written_through_rename_leaves_no_temp(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	char *dir = testutil_tmpdir("xlsx");
	char path[512], err[256] = "";
	char *data;
	size_t len = 0;

	(void)state;
	assert_non_null(dir);
	fx_month(&f);
	o.days = &f.days;
	snprintf(path, sizeof(path), "%s/rekap.xlsx", dir);
	assert_int_equal(testutil_write(path, "old"), 0);
	assert_int_equal(export_xlsx(path, &f.r, &o, err, sizeof(err)), 0);
	data = testutil_slurp(path, &len);
	assert_non_null(data);
	assert_true(len > 1000);
	assert_memory_equal(data, "PK", 2);
	assert_int_equal(count_entries(dir), 1);
	free(data);
	fx_free(&f);
	testutil_rmtree_free(dir);
}

static void test_xlsx_missing_directory_names_path(void **state)
{
	struct fx f;
	char err[256] = "";
	int rc;

	(void)state;
	fx_month(&f);
	rc = export_xlsx("/nonexistent-dir-pd/rekap.xlsx", &f.r, NULL, err,
			 sizeof(err));
	assert_int_equal(rc, -EIO);
	assert_non_null(strstr(err, "/nonexistent-dir-pd/rekap.xlsx"));
	fx_free(&f);
}

static void test_days_collect_copies_rows(void **state)
{
	struct export_days days = {0};
	struct person p = {.id = "9", .name = "Nama", .jabatan = "Kasun"};
	struct verdict v = fx_status(100, VERDICT_TK, EXCUSE_NONE);
	struct report_day d = {&p, &v, "Libur X", "Profil Y"};

	(void)state;
	for (int i = 0; i < 1000; i++) {
		v.day = 100 + i;
		assert_int_equal(export_days_collect(&days, &d), 0);
	}
	assert_int_equal(days.n, 1000);
	assert_string_equal(days.d[999].person, "9");
	assert_string_equal(days.d[999].name, "Nama");
	assert_string_equal(days.d[999].holiday, "Libur X");
	assert_string_equal(days.d[999].profile, "Profil Y");
	assert_int_equal(days.d[999].v.day, 1099);
	export_days_free(&days);
	assert_null(days.d);
	export_days_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_month_matches_golden),
		cmocka_unit_test(test_csv_daily_matches_golden),
		cmocka_unit_test(test_csv_daily_streamed_matches_golden),
		cmocka_unit_test(test_csv_deduction_on_matches_golden),
		cmocka_unit_test(test_csv_deduction_off_has_no_column),
		cmocka_unit_test(
			test_csv_fields_with_comma_or_quote_are_quoted),
		cmocka_unit_test(test_csv_lines_end_crlf_and_ignore_build_time),
		cmocka_unit_test(test_csv_daily_without_days_is_einval),
		cmocka_unit_test(test_export_people_null_is_einval),
		cmocka_unit_test(test_utc_iso_per_zone_is_z_instant),
		cmocka_unit_test(test_day_status_words_per_verdict),
		cmocka_unit_test(test_ratio_text_uses_decimal_comma),
		cmocka_unit_test(test_text_month_fits_100_columns),
		cmocka_unit_test(test_text_year_big_numbers_long_names_fit),
		cmocka_unit_test(test_text_date_lists_masuk_pulang_and_status),
		cmocka_unit_test(test_ringkas_15_people_stays_under_1000_chars),
		cmocka_unit_test(test_ringkas_date_names_minutes_and_absent),
		cmocka_unit_test(
			test_ringkas_today_open_omits_undefined_ratios),
		cmocka_unit_test(test_html_escapes_text_and_fetches_nothing),
		cmocka_unit_test(
			test_xlsx_written_through_rename_leaves_no_temp),
		cmocka_unit_test(test_xlsx_missing_directory_names_path),
		cmocka_unit_test(test_days_collect_copies_rows),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
