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
#include "textwidth.h"
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

static char *field(const char *s, bool raw)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (raw)
		export_csv_field_raw(fp, s, true);
	else
		export_csv_field(fp, s, true);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void test_csv_field_neutralises_formula_starts(void **state)
{
	static const struct {
		const char *in, *people, *raw;
	} rows[] = {
		/* OWASP: = + - @ TAB CR start a formula in a spreadsheet */
		{"=1+2", "'=1+2", "=1+2"},
		{"+62 812 3456", "'+62 812 3456", "+62 812 3456"},
		{"-1+2", "'-1+2", "-1+2"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)", "@SUM(A1:A9)"},
		{"\tx", "'\tx", "\tx"},
		{"\r=1", "\"'\r=1\"", "\"\r=1\""},
		/* the prefix goes inside the RFC 4180 quotes */
		{"=HYPERLINK(\"http://x\",\"klik\")",
		 "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"",
		 "\"=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\""},
		{"=1,2", "\"'=1,2\"", "\"=1,2\""},
		/* a lone "-" (nothing, undefined) is no formula: kept */
		{"-", "-", "-"},
		{"--", "'--", "--"},
		{"", "", ""},
		{"Budi", "Budi", "Budi"},
		{"a=b", "a=b", "a=b"},
		{" =1", " =1", " =1"},
		{"'=1", "'=1", "'=1"},
		{"Siti, S.Pd", "\"Siti, S.Pd\"", "\"Siti, S.Pd\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *p = field(rows[i].in, false),
		     *r = field(rows[i].in, true);

		if (strcmp(p, rows[i].people) != 0)
			fail_msg("row %zu for people: [%s], want [%s]", i, p,
				 rows[i].people);
		if (strcmp(r, rows[i].raw) != 0)
			fail_msg("row %zu raw: [%s], want [%s]", i, r,
				 rows[i].raw);
		free(p);
		free(r);
	}
}

static void test_csv_rekap_and_daily_neutralise_formula_cells(void **state)
{
	static const struct fx_person evil = {
		"=1+1", "=HYPERLINK(\"http://x\",\"klik\")", "@Kaur"};
	struct fx f;
	struct export_opts o = {0};
	int rc;
	char *csv;

	(void)state;
	fx_month(&f);
	fx_set_person(&f, 0, &evil);
	snprintf(f.days.d[0].name, sizeof(f.days.d[0].name), "%s", evil.name);
	snprintf(f.days.d[0].person, sizeof(f.days.d[0].person), "%s", evil.id);
	snprintf(f.days.d[15].holiday, sizeof(f.days.d[15].holiday), "%s",
		 "+Hari Jadi");
	csv = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(csv, ",'=1+1,\"'=HYPERLINK(\"\"http://x\"\","
				    "\"\"klik\"\")\",'@Kaur,"));
	free(csv);
	o.days = &f.days;
	csv = render(export_csv_daily, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(csv, "\r\n2026-11-02,3517010007,'=1+1,\"'="));
	assert_non_null(strstr(csv, ",LIBUR,,'+Hari Jadi,,"));
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
		if (textwidth_measure(buf) > cols)
			fail_msg("line %d has %zu columns (> %zu): %s", n + 1,
				 textwidth_measure(buf), cols, buf);
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

/* A report names the version of every calendar fact it used (days added
 * by command change the figures) and every retroactive change of its
 * period (DOMAIN §2.3, §8), in the text and in every CSV row. */
static void test_text_and_csv_name_calendar_facts_and_retro(void **state)
{
	struct fx f;
	int rc;
	char *txt, *csv, *nl;

	(void)state;
	fx_month(&f);
	txt = render(export_text, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	assert_non_null(strstr(txt, "Fakta libur: versi c0ffee00c0ffee00"));
	assert_non_null(strstr(txt, "1 hari ditambah atau dihapus"));
	assert_non_null(strstr(txt, "Ubah surut : profil PPU 24/2018 5 "
				    "hari (versi 5d0c7a1f3e9b2c4d) berlaku "
				    "surut sejak 2026-11-16,"));
	assert_non_null(strstr(txt, "Perbup 9/2026, berlaku surut"));
	free(txt);
	csv = render(export_csv, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	nl = strstr(csv, "\r\n");
	assert_non_null(nl);
	*nl = '\0';
	assert_non_null(strstr(csv, ",kalender_versi,kalender_fakta_versi,"
				    "perubahan_surut"));
	/* every row, the TOTAL too, ends with both */
	assert_int_equal(testutil_count(nl + 2, ",c0ffee00c0ffee00c0ffee00c0ff"
						"ee00c0ffee00c0ffee00c0ffee00"
						"c0ffee00,1200:2026-11-16:"
						"2026-11-25\r\n"),
			 (int)f.r.npeople + 1);
	free(csv);
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

/* The rows rows after the header line holding head (a dashed line not
 * counted) have the same display width, the header no more: the columns
 * line up (a table's last text column may leave its header unpadded). */
static void assert_table_aligned(const char *text, const char *head, int rows)
{
	const char *line = strstr(text, head);
	size_t want = 0;
	int n = 0;

	assert_non_null(line);
	while (line[-1] != '\n')
		line--;
	while (*line && n <= rows) {
		const char *nl = strchr(line, '\n');
		size_t blen = nl ? (size_t)(nl - line) : strlen(line);
		char buf[4096];

		assert_true(blen < sizeof(buf));
		memcpy(buf, line, blen);
		buf[blen] = '\0';
		if (n == 0)
			want = textwidth_measure(buf); /* the header */
		else if (buf[0] == '-')
			n--; /* the line before the total */
		else if (n == 1 && textwidth_measure(buf) >= want)
			want = textwidth_measure(buf);
		else if (textwidth_measure(buf) != want)
			fail_msg("row %d is %zu columns wide, not %zu:\n%s", n,
				 textwidth_measure(buf), want, text);
		n++;
		line += blen + (nl ? 1 : 0);
	}
	assert_int_equal(n, rows + 1);
}

static void test_text_wide_and_combining_names_fit_and_align(void **state)
{
	static const struct fx_person people[] = {
		{"1", "Tan \u9648\u7f8e\u73b2 Kusumaningrat Wijayakusuma",
		 "Kaur \u8ca1\u52d9 Keuangan"},
		{"2", "De\u0301de\u0301 Wangin\u0303e\u0301 Suryadiningrat",
		 "Kasi Pelayanan"},
		{"3", "Budi", "Kepala Dusun Krajan"},
		{"4", "\u674e\u5c0f\u9f8d\u674e\u5c0f\u9f8d\u674e\u5c0f",
		 "Kaur \u8ca1\u52d9\u8ca1\u52d9\u8ca1\u52d9\u8ca1\u52d9"},
	};
	pd_day_t d0 = civil_from_ymd(2026, 11, 2);
	struct fx f;
	struct export_opts o = {0};
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 4, CIVIL_PERIOD_DATE, d0, d0);
	for (size_t i = 0; i < 4; i++) {
		struct verdict v = fx_hadir(d0, HMS(7, 42, 10), HMS(15, 0, 0),
					    PUNCH_F_MANUAL);

		fx_set_person(&f, i, &people[i]);
		fx_add(&f, i, &v, NULL);
	}
	fx_finish(&f);
	o.days = &f.days;
	txt = render(export_text, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	assert_table_aligned(txt, "Nama", 5);
	assert_table_aligned(strstr(txt, "Masuk dan pulang"), "Nama", 4);
	assert_table_aligned(strstr(txt, "Indikator per orang"), "Nama", 5);
	/* short names are whole; the combining marks kept with them */
	assert_non_null(strstr(txt, "Budi "));
	free(txt);
	fx_free(&f);
}

static void test_text_date_long_status_wraps_within_100_columns(void **state)
{
	static const struct fx_person people[] = {
		{"1", "Raden Mas Bagus Prasetyo Adi Nugroho", "Kepala Dusun"},
		{"2", "Siti Nurhayati Kusumawardani", "Kasi Kesejahteraan"},
	};
	pd_day_t day = civil_from_ymd(2026, 11, 2);
	struct fx f;
	struct export_opts o = {0};
	struct verdict v;
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 2, CIVIL_PERIOD_DATE, day, day);
	fx_set_person(&f, 0, &people[0]);
	fx_set_person(&f, 1, &people[1]);
	/* punches outside both windows, by hand, with an untrusted clock:
	 * the longest status a day can have */
	v = fx_hadir(day, FX_NONE, FX_NONE, 0);
	v.n_accepted = v.n_manual = v.n_untrusted = 1;
	fx_add(&f, 0, &v, NULL);
	/* and the longest holiday name a calendar can hold */
	v = fx_status(day, VERDICT_CUTI_BERSAMA, EXCUSE_NONE);
	fx_add(&f, 1, &v,
	       "Cuti Bersama Hari Raya Idul Fitri 1447 Hijriah dan Hari "
	       "Kebangkitan Nasional (ditetapkan)");
	fx_finish(&f);
	o.days = &f.days;
	txt = render(export_text, &f.r, &o, &rc);
	assert_int_equal(rc, 0);
	assert_fits(txt, EXPORT_TEXT_COLS);
	/* the status is wrapped, not cut: every word is there */
	assert_non_null(strstr(txt, "jam tak tepercaya"));
	assert_non_null(strstr(txt, "(ditetapkan)"));
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

/*
 * Does the short form s (as ringkas prints it: full words, then maybe one
 * group of initials "M.P.", or "name (id)") fit person p?  Written here
 * independently of export.c: a reader's reading of the short form.
 */
static bool short_fits(const char *s, const struct report_person *p)
{
	char form[200], name[200], *fw[16], *nw[16], *save = NULL, *t;
	size_t nf = 0, nn = 0, skip = 0;
	const char *paren = strstr(s, " (");

	if (paren) { /* "name (id)" */
		char id[64];

		snprintf(id, sizeof(id), " (%s)", p->p.id);
		return strcmp(paren, id) == 0 &&
		       strncmp(s, p->p.name, (size_t)(paren - s)) == 0 &&
		       p->p.name[paren - s] == '\0';
	}
	if (strcmp(s, p->p.name) == 0)
		return true;
	snprintf(form, sizeof(form), "%s", s);
	snprintf(name, sizeof(name), "%s", p->p.name);
	if ((t = strchr(name, ',')))
		*t = '\0'; /* degrees after a comma are not part of it */
	for (t = strtok_r(form, " ", &save); t && nf < 16;
	     t = strtok_r(NULL, " ", &save))
		fw[nf++] = t;
	save = NULL;
	for (t = strtok_r(name, " ", &save); t && nn < 16;
	     t = strtok_r(NULL, " ", &save))
		nw[nn++] = t;
	/* leading titles ("H.", "Hj.", "Drs.") are left out of short forms */
	while (skip < nn && strlen(nw[skip]) > 1 &&
	       nw[skip][strlen(nw[skip]) - 1] == '.' &&
	       (nf == 0 || strcmp(fw[0], nw[skip]) != 0))
		skip++;
	for (size_t i = 0; i < nf; i++) {
		const char *f = fw[i];
		size_t at = skip + i;

		if (i + 1 == nf && strlen(f) >= 2 && f[1] == '.' &&
		    !(at < nn && strcmp(f, nw[at]) == 0)) {
			/* initials: one letter and a dot per word */
			for (; *f; f += 2, at++)
				if (at >= nn || f[1] != '.' ||
				    nw[at][0] != f[0])
					return false;
			return true;
		}
		if (at >= nn || strcmp(f, nw[at]) != 0)
			return false;
	}
	return true;
}

/* Checks each list entry of a ringkas names exactly one person. */
static void assert_entries_distinguishable(const char *txt,
					   const struct report *r)
{
	const char *line = txt;
	int entries = 0;

	for (; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1
						: line + strlen(line)) {
		const char *colon = strstr(line, "): ");
		const char *end = strchr(line, '\n');
		char buf[2048], *save = NULL, *e;

		if (!colon || !end || colon > end)
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - colon - 3),
			 colon + 3);
		for (e = strtok_r(buf, ";", &save); e;
		     e = strtok_r(NULL, ";", &save)) {
			char nm[200];
			size_t len, hits = 0;

			while (*e == ' ')
				e++;
			if (e[0] == '+')
				continue; /* "+N lainnya" */
			/* the name ends where the detail starts: " 3x", " 12
			 * mnt", " (S)", " (tanpa ..." or " (I 2)" */
			for (len = 0; e[len]; len++)
				if (e[len] == ' ' &&
				    ((e[len + 1] >= '0' && e[len + 1] <= '9') ||
				     (e[len + 1] == '(' &&
				      !(e[len + 2] >= '0' &&
					e[len + 2] <= '9'))))
					break;
			snprintf(nm, sizeof(nm), "%.*s", (int)len, e);
			for (size_t i = 0; i < r->npeople; i++)
				if (short_fits(nm, &r->people[i]))
					hits++;
			if (hits != 1)
				fail_msg("\"%s\" fits %zu people in:\n%s", nm,
					 hits, txt);
			entries++;
		}
	}
	assert_true(entries > 0);
}

static void test_ringkas_40_people_sharing_first_names_stay_apart(void **state)
{
	static const char *const names[] = {
		"Raden Mas Bagus Prasetyo",
		"Raden Mas Panji Wicaksono",
		"Raden Ajeng Kartika Sari",
		"Raden Ayu Sekar Kinasih",
		"Raden Mas Bagus Pramono",
		"Raden Roro Ayu Lestari",
		"Raden Panji Asmara",
		"Raden Mas Said",
		"Siti Aminah",
		"Siti Nurhaliza",
		"Siti Nur Aisyah",
		"Siti Nurjanah",
		"Siti Aminah Lestari",
		"Siti Fatimah",
		"Muhammad Rizki",
		"Muhammad Ridwan",
		"Muhammad Rizal Fauzi",
		"Muhammad Rizki Pratama",
		"Muhammad Yusuf",
		"Muhammad Yunus",
		"Dwi Lestari",
		"Dwi Lestiani",
		"Dwi Setyo Utomo",
		"Ni Luh Putu Ayu Sekarini",
		"Ni Luh Putu Ayu Sekarwati",
		"Ni Luh Made Sari",
		"I Made Sudarsana",
		"I Made Sudiarta",
		"I Wayan Suardana",
		"I Wayan Suarjana",
		"H. Ahmad Fauzi",
		"Hj. Siti Aminah",
		"Drs. Bambang Sutejo",
		"Bambang Sutejo",
		"Agus Salim",
		"Agus Salim",
		"Budi",
		"Budi Santoso",
		"Dewi Sartika, S.Pd",
		"Dewi Sartika, S.Kom",
	};
	pd_day_t d0 = civil_from_ymd(2026, 11, 2);
	struct fx f;
	int rc;
	char *txt;

	(void)state;
	fx_init(&f, 40, CIVIL_PERIOD_WEEK, d0, d0 + 6);
	for (size_t i = 0; i < 40; i++) {
		char id[PD_ID_MAX];
		struct fx_person p = {id, names[i], "Kasun"};

		snprintf(id, sizeof(id), "35-%02zu", i + 1);
		fx_set_person(&f, i, &p);
		/* everyone late at least once; many also leave early, some
		 * are TK or excused */
		for (int k = 0; k < 5; k++) {
			struct verdict v;

			if ((i + (size_t)k) % 9 == 0)
				v = fx_status(d0 + k, VERDICT_TK, EXCUSE_NONE);
			else if ((i + (size_t)k) % 7 == 0)
				v = fx_status(d0 + k, VERDICT_EXCUSED,
					      (enum excuse_kind)(1 + k % 4));
			else
				v = fx_hadir(d0 + k,
					     HMS(7, 35 + (int)(i % 20) * 2, 0),
					     HMS(15, 10 + k * 9, 0), 0);
			fx_add(&f, i, &v, NULL);
		}
	}
	fx_finish(&f);
	txt = render(ringkas_adapter, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	if (export_utf8_len(txt) >= EXPORT_RINGKAS_MAX)
		fail_msg("ringkas has %zu chars:\n%s", export_utf8_len(txt),
			 txt);
	assert_non_null(strstr(txt, "Terlambat (40): "));
	assert_entries_distinguishable(txt, &f.r);
	/* the heaviest first: the most late days and minutes */
	assert_non_null(strstr(txt, "Terlambat (40): Budi S. 5x 195 mnt; "));
	free(txt);
	fx_free(&f);
}

static void test_short_names_fit_one_person_each(void **state)
{
	static const struct {
		const char *id, *name, *want;
	} rows[] = {
		{"1", "Raden Mas Panji Wicaksono", "Raden M.P."},
		{"2", "Raden Mas Bagus Prasetyo", "Raden M.B."},
		{"3", "Raden Ajeng Kartika", "Raden A."},
		{"4", "Budi", "Budi (4)"},
		{"5", "Budi Santoso", "Budi S."},
		{"6", "Agus Salim", "Agus Salim (6)"},
		{"7", "Agus Salim", "Agus Salim (7)"},
		{"8", "H. Ahmad Fauzi", "Ahmad"},
		{"9", "Dewi Sartika, S.Pd", "Dewi"},
		{"10", "Ayu \u00d1oman", "Ayu \u00d1."},
		{"11", "Ayu Nanda", "Ayu N."},
		{"12", "Tan \u9648\u7f8e\u73b2", "Tan"},
		{"13", "Sri", "Sri"},
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	char(*out)[EXPORT_SHORT_MAX] = calloc(n, sizeof(*out));
	struct fx f;

	(void)state;
	assert_non_null(out);
	fx_init(&f, n, CIVIL_PERIOD_MONTH, civil_from_ymd(2026, 11, 1),
		civil_from_ymd(2026, 11, 30));
	for (size_t i = 0; i < n; i++) {
		struct fx_person p = {rows[i].id, rows[i].name, "Kasun"};

		fx_set_person(&f, i, &p);
	}
	export_short_names(&f.r, out);
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i], rows[i].want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", rows[i].name,
				 out[i], rows[i].want);
	free(out);
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

static void test_html_page_margins_escape_css_strings(void **state)
{
	struct fx f;
	int rc;
	char *html, *style_end;

	(void)state;
	fx_month(&f);
	snprintf(f.r.desa_name, sizeof(f.r.desa_name), "%s",
		 "Suka\"maju\\</style><script>x</script>");
	html = render(export_html, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	/* page numbers in the margin boxes, on every printed page */
	assert_non_null(strstr(html, "@bottom-right{content:\"Halaman \" "
				     "counter(page) \" dari \" "
				     "counter(pages)"));
	/* the desa's name cannot end the CSS string or the style element */
	assert_non_null(strstr(html, "@bottom-left{content:\"Desa Suka\\22 "
				     "maju\\5c \\3c /style\\3e \\3c script"));
	style_end = strstr(html, "</style>");
	assert_non_null(style_end);
	assert_null(strstr(html, "<script"));
	assert_true(strstr(html, "@bottom-left") < style_end);
	free(html);
	fx_free(&f);
}

static void test_html_chart_labels_are_short_distinct_names(void **state)
{
	struct fx f;
	int rc;
	char *html;

	(void)state;
	fx_desa(&f, 15);
	html = render(export_html, &f.r, NULL, &rc);
	assert_int_equal(rc, 0);
	/* "No short-name" under each pair of bars: the number matches the
	 * table's, the name fits one person and the label's room */
	assert_non_null(strstr(html, ">1 Ahmad</text>"));
	assert_non_null(strstr(html, ">2 Siti</text>"));
	assert_non_null(strstr(html, ">15 Muhammad</text>"));
	assert_null(strstr(html, ">15 Muhammad S\u2026</text>"));
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
		cmocka_unit_test(test_csv_field_neutralises_formula_starts),
		cmocka_unit_test(
			test_csv_rekap_and_daily_neutralise_formula_cells),
		cmocka_unit_test(test_csv_lines_end_crlf_and_ignore_build_time),
		cmocka_unit_test(test_csv_daily_without_days_is_einval),
		cmocka_unit_test(test_export_people_null_is_einval),
		cmocka_unit_test(test_utc_iso_per_zone_is_z_instant),
		cmocka_unit_test(test_day_status_words_per_verdict),
		cmocka_unit_test(test_ratio_text_uses_decimal_comma),
		cmocka_unit_test(test_text_month_fits_100_columns),
		cmocka_unit_test(
			test_text_and_csv_name_calendar_facts_and_retro),
		cmocka_unit_test(test_text_year_big_numbers_long_names_fit),
		cmocka_unit_test(test_text_date_lists_masuk_pulang_and_status),
		cmocka_unit_test(
			test_text_wide_and_combining_names_fit_and_align),
		cmocka_unit_test(
			test_text_date_long_status_wraps_within_100_columns),
		cmocka_unit_test(test_ringkas_15_people_stays_under_1000_chars),
		cmocka_unit_test(
			test_ringkas_40_people_sharing_first_names_stay_apart),
		cmocka_unit_test(test_short_names_fit_one_person_each),
		cmocka_unit_test(test_ringkas_date_names_minutes_and_absent),
		cmocka_unit_test(
			test_ringkas_today_open_omits_undefined_ratios),
		cmocka_unit_test(test_html_escapes_text_and_fetches_nothing),
		cmocka_unit_test(test_html_page_margins_escape_css_strings),
		cmocka_unit_test(
			test_html_chart_labels_are_short_distinct_names),
		cmocka_unit_test(
			test_xlsx_written_through_rename_leaves_no_temp),
		cmocka_unit_test(test_xlsx_missing_directory_names_path),
		cmocka_unit_test(test_days_collect_copies_rows),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
