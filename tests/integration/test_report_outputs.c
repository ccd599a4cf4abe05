// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report files as their readers see them: the XLSX read back with
 * Python's openpyxl (sheets, header block, frozen panes, band colours,
 * formulas and their cached values) and the HTML page printed to PDF and
 * PNG by headless Chromium, its pages counted and read back with
 * poppler-utils (pdfinfo, pdftotext, pdftoppm) for desa of 5, 15 and 40
 * people.  The XLSX case is skipped without openpyxl, the Chromium cases
 * without /usr/bin/chromium; with Chromium, poppler-utils are required.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "export_int.h"
#include "fakes/testutil.h"
#include "log.h"
#include "unit/export_fixture.h"

#define PYTHON	  "/usr/bin/python3"
#define CHROMIUM  "/usr/bin/chromium"
#define TIMEOUT	  "/usr/bin/timeout"
#define PDFINFO	  "/usr/bin/pdfinfo"
#define PDFTOTEXT "/usr/bin/pdftotext"
#define PDFTOPPM  "/usr/bin/pdftoppm"

/*
 * argv: path, then expected values.  Prints "OK" or the first mismatch.
 * Loads twice: formulas (default) and cached values (data_only=True).
 */
static const char check_py[] =
	"import sys, openpyxl\n"
	"path, desa, stamp, hke, hadir, ndays, trusted = sys.argv[1:8]\n"
	"hke, hadir, ndays, trusted = int(hke), int(hadir), int(ndays), "
	"int(trusted)\n"
	"wf = openpyxl.load_workbook(path)\n"
	"wv = openpyxl.load_workbook(path, data_only=True)\n"
	"def eq(what, got, want):\n"
	"    if got != want:\n"
	"        print('%s: got %r, want %r' % (what, got, want)); "
	"sys.exit(1)\n"
	"def near(what, got, want):\n"
	"    if not isinstance(got, (int, float)) or abs(got - want) > 1e-9:\n"
	"        print('%s: got %r, want %r' % (what, got, want)); "
	"sys.exit(1)\n"
	"eq('sheets', wf.sheetnames, ['Rekap', 'Harian', 'Indikator'])\n"
	"r, rv = wf['Rekap'], wv['Rekap']\n"
	"eq('title', r['A1'].value, 'Rekap Kehadiran dan Kedisiplinan "
	"Perangkat Desa')\n"
	"eq('A2', r['A2'].value, 'Desa')\n"
	"eq('desa', desa in (r['C2'].value or ''), True)\n"
	"eq('A4', r['A4'].value, 'Jam kerja')\n"
	"eq('profile', 'Perbup Penajam Paser Utara' in r['C4'].value, True)\n"
	"eq('calendar', 'a1b2c3d4e5f6' in r['C5'].value, True)\n"
	"eq('A7', r['A7'].value, 'Dibuat pada')\n"
	"eq('stamp', r['C7'].value, stamp)\n"
	"eq('freeze', r.freeze_panes, 'D11')\n"
	"head = {c.value: c.column for c in r[10] if c.value}\n"
	"total = 11 + 4\n"
	"eq('total label', r.cell(total, 3).value, 'Total desa')\n"
	"c = head['Hari kerja efektif']\n"
	"f = r.cell(total, c).value\n"
	"eq('sum formula', f.startswith('=SUM(') and f.endswith('14)'), True)\n"
	"eq('sum cached', rv.cell(total, c).value, hke)\n"
	"c = head['Persentase kehadiran']\n"
	"f = r.cell(total, c).value\n"
	"eq('pct formula', f.startswith('=IF(') and '/' in f, True)\n"
	"near('pct cached', rv.cell(total, c).value, hadir / hke)\n"
	"eq('pct format', r.cell(total, c).number_format, '0.00%')\n"
	"c = head['Persentase tepat waktu']\n"
	"near('tepat row 3', rv.cell(13, c).value, 0.0)\n"
	"c = head['TL4 (>= 91 menit / tanpa masuk)']\n"
	"eq('TL4 count', rv.cell(13, c).value, 2)\n"
	"eq('TL4 fill', r.cell(13, c).fill.fgColor.rgb[-6:], 'E06666')\n"
	"eq('TL4 no fill at 0', r.cell(11, c).fill.fgColor.rgb[-6:] "
	"!= 'E06666', True)\n"
	"h = wf['Harian']\n"
	"eq('harian freeze', h.freeze_panes, 'A2')\n"
	"eq('harian head', [c.value for c in h[1]][:8], ['Tanggal', 'Hari', "
	"'ID', 'Nama', 'Status', 'Keterangan', 'Masuk', 'Pulang'])\n"
	"eq('harian rows', h.max_row, 1 + ndays)\n"
	"eq('harian masuk', h['G3'].value, '07:42:10')\n"
	"i, iv = wf['Indikator'], wv['Indikator']\n"
	"eq('ind label', i['A6'].value, 'Persentase kehadiran')\n"
	"eq('ind num formula', i['B6'].value.startswith('=Rekap!'), True)\n"
	"eq('ind num cached', iv['B6'].value, hadir)\n"
	"eq('ind den cached', iv['C6'].value, hke)\n"
	"near('ind pct cached', iv['D6'].value, hadir / hke)\n"
	"eq('ind trusted', iv['B9'].value, trusted)\n"
	"eq('ind trusted formula', '-' in i['B9'].value, True)\n"
	"eq('evidence', 'PRK-9' in i['A3'].value, True)\n"
	"print('OK')\n";

static bool have_openpyxl(void)
{
	char *const argv[] = {PYTHON, "-c", "import openpyxl", NULL};
	char *out = NULL;
	int rc = access(PYTHON, X_OK) == 0 ? testutil_run(argv, &out) : -1;

	free(out);
	return rc == 0;
}

static void test_xlsx_read_back_has_sheets_formulas_and_values(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	char *dir = testutil_tmpdir("xlsx-rb");
	char path[512], err[256] = "", stamp[EXPORT_STAMP_MAX];
	char hke[16], hadir[16], ndays[16], trusted[16];
	char *out = NULL;
	int rc;

	(void)state;
	if (!have_openpyxl()) {
		print_message("skipped: " PYTHON " cannot import openpyxl\n");
		testutil_rmtree_free(dir);
		skip();
	}
	assert_non_null(dir);
	fx_month(&f);
	o.days = &f.days;
	snprintf(path, sizeof(path), "%s/rekap-2026-11.xlsx", dir);
	rc = export_xlsx(path, &f.r, &o, err, sizeof(err));
	if (rc)
		fail_msg("export_xlsx: %d %s", rc, err);
	export_stamp(&f.r, stamp);
	snprintf(hke, sizeof(hke), "%u", f.r.total.hari_kerja_efektif);
	snprintf(hadir, sizeof(hadir), "%u", f.r.total.hadir);
	snprintf(ndays, sizeof(ndays), "%zu", f.days.n);
	snprintf(trusted, sizeof(trusted), "%u",
		 f.r.total.punches - f.r.total.punches_untrusted);
	{
		char *const argv[] = {
			PYTHON,	 "-c",		(char *)(uintptr_t)check_py,
			path,	 f.r.desa_name, stamp,
			hke,	 hadir,		ndays,
			trusted, NULL};

		rc = testutil_run(argv, &out);
	}
	if (rc != 0 || !out || strncmp(out, "OK", 2) != 0)
		fail_msg("openpyxl check failed (%d): %s", rc,
			 out ? out : "(no output)");
	free(out);
	fx_free(&f);
	testutil_rmtree_free(dir);
}

static bool file_starts(const char *path, const char *magic, size_t n,
			size_t min_len)
{
	size_t len = 0;
	char *data = testutil_slurp(path, &len);
	bool ok = data && len >= min_len && memcmp(data, magic, n) == 0;

	free(data);
	return ok;
}

static void test_html_prints_to_pdf_and_png(void **state)
{
	struct fx f;
	struct export_opts o = {0};
	char *dir;
	char html[512], pdf[600], png[600], ud[600], url[600];
	char pdf_arg[640], png_arg[640], ud_arg[640];
	char *out = NULL;
	FILE *fp;
	int rc;

	(void)state;
	if (access(CHROMIUM, X_OK) != 0)
		skip();
	dir = testutil_tmpdir("html-print");
	assert_non_null(dir);
	fx_month(&f);
	o.days = &f.days;
	snprintf(html, sizeof(html), "%s/rekap.html", dir);
	snprintf(pdf, sizeof(pdf), "%s/rekap.pdf", dir);
	snprintf(png, sizeof(png), "%s/rekap.png", dir);
	snprintf(ud, sizeof(ud), "%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", html);
	fp = fopen(html, "w");
	assert_non_null(fp);
	assert_int_equal(export_html(fp, &f.r, &o), 0);
	assert_int_equal(fclose(fp), 0);
	snprintf(pdf_arg, sizeof(pdf_arg), "--print-to-pdf=%s", pdf);
	snprintf(png_arg, sizeof(png_arg), "--screenshot=%s", png);
	snprintf(ud_arg, sizeof(ud_arg), "--user-data-dir=%s", ud);
	for (int pass = 0; pass < 2; pass++) {
		char *const argv[] = {
			TIMEOUT,
			"180",
			CHROMIUM,
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			ud_arg,
			"--no-pdf-header-footer",
			"--window-size=1123,1400",
			pass ? png_arg : pdf_arg,
			url,
			NULL,
		};

		rc = testutil_run(argv, &out);
		if (rc != 0)
			fail_msg("chromium exited %d: %s", rc, out ? out : "");
		free(out);
		out = NULL;
	}
	if (!file_starts(pdf, "%PDF", 4, 4096))
		fail_msg("%s: not a PDF", pdf);
	if (!file_starts(png, "\x89PNG", 4, 4096))
		fail_msg("%s: not a PNG", png);
	fx_free(&f);
	testutil_rmtree_free(dir);
}

/* Prints url to pdf with headless Chromium (fresh profile in ud). */
static void chromium_pdf(const char *url, const char *pdf, const char *ud)
{
	char pdf_arg[640], ud_arg[640];
	char *out = NULL;
	int rc;

	snprintf(pdf_arg, sizeof(pdf_arg), "--print-to-pdf=%s", pdf);
	snprintf(ud_arg, sizeof(ud_arg), "--user-data-dir=%s", ud);
	{
		char *const argv[] = {
			TIMEOUT,
			"180",
			CHROMIUM,
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			ud_arg,
			"--no-pdf-header-footer",
			pdf_arg,
			(char *)(uintptr_t)url,
			NULL,
		};

		rc = testutil_run(argv, &out);
	}
	if (rc != 0)
		fail_msg("chromium exited %d: %s", rc, out ? out : "");
	free(out);
	if (!file_starts(pdf, "%PDF", 4, 4096))
		fail_msg("%s: not a PDF", pdf);
}

static int pdf_pages(const char *pdf)
{
	char *const argv[] = {PDFINFO, (char *)(uintptr_t)pdf, NULL};
	char *out = NULL, *p;
	int n = -1;

	if (testutil_run(argv, &out) != 0 || !out ||
	    !(p = strstr(out, "\nPages:")))
		fail_msg("pdfinfo %s: %s", pdf, out ? out : "");
	n = atoi(p + strlen("\nPages:"));
	free(out);
	return n;
}

/* The text of page `page` (from 1), laid out: malloc'd. */
static char *pdf_page_text(const char *pdf, int page)
{
	char num[16];
	char *out = NULL;
	int rc;

	snprintf(num, sizeof(num), "%d", page);
	{
		char *const argv[] = {PDFTOTEXT,
				      "-layout",
				      "-f",
				      num,
				      "-l",
				      num,
				      (char *)(uintptr_t)pdf,
				      "-",
				      NULL};

		rc = testutil_run(argv, &out);
	}
	if (rc != 0 || !out)
		fail_msg("pdftotext %s page %d: %s", pdf, page, out ? out : "");
	return out;
}

#define FILL_DPI       20 /* enough to see where the ink stops */
#define FILL_BOTTOM_MM 14 /* the bottom margin: page numbers, not content */

/*
 * How far down page `page` the content reaches, as a fraction of the
 * page height above the bottom margin: 1.0 is a full page, 0.1 a page
 * with a line or two at its top.
 */
static double pdf_page_fill(const char *pdf, const char *dir, int page)
{
	char num[16], prefix[600], pgm[640];
	char *out = NULL, *data;
	size_t len = 0;
	int rc, w, h, maxv, off = 0, last = -1, bottom;

	snprintf(num, sizeof(num), "%d", page);
	snprintf(prefix, sizeof(prefix), "%s/fill-%d", dir, page);
	snprintf(pgm, sizeof(pgm), "%s.pgm", prefix);
	{
		char *const argv[] = {PDFTOPPM,	     "-gray",
				      "-r",	     "20",
				      "-f",	     num,
				      "-l",	     num,
				      "-singlefile", (char *)(uintptr_t)pdf,
				      prefix,	     NULL};

		rc = testutil_run(argv, &out);
	}
	if (rc != 0)
		fail_msg("pdftoppm %s page %d: %s", pdf, page, out ? out : "");
	free(out);
	data = testutil_slurp(pgm, &len);
	if (!data || sscanf(data, "P5 %d %d %d%n", &w, &h, &maxv, &off) != 3 ||
	    (size_t)off + 1 + (size_t)w * (size_t)h > len)
		fail_msg("%s: not a PGM", pgm);
	off++; /* the one whitespace byte after maxval */
	bottom = h - (int)(FILL_BOTTOM_MM / 25.4 * FILL_DPI);
	for (int y = 0; y < bottom; y++)
		for (int x = 0; x < w; x++)
			if ((unsigned char)data[off + y * w + x] < 200)
				last = y;
	free(data);
	return (double)(last + 1) / bottom;
}

/* A page of the table: a row's jabatan or the total. */
static bool has_table_rows(const char *text)
{
	return strstr(text, "Kaur ") || strstr(text, "Kasi ") ||
	       strstr(text, "Kepala Dusun") || strstr(text, "Total desa");
}

#define PROBLEM(...)                                                           \
	do {                                                                   \
		if (!problem[0])                                               \
			snprintf(problem, cap, __VA_ARGS__);                   \
	} while (0)

/*
 * Prints a desa of npeople and reads the PDF back, page by page: every
 * page holds table rows or the signature, the signature never alone, no
 * page nearly empty, the table head on every page of rows, "Halaman p
 * dari n" on each, and at most max_pages pages.  Prints what each page
 * holds; the first problem found goes to problem (left alone if none).
 */
static void check_print(size_t npeople, int max_pages, char *problem,
			size_t cap)
{
	struct fx f;
	char *dir = testutil_tmpdir("html-pages");
	char html[512], pdf[600], ud[600], url[600];
	FILE *fp;
	int pages;

	assert_non_null(dir);
	fx_desa(&f, npeople);
	snprintf(html, sizeof(html), "%s/rekap-%zu.html", dir, npeople);
	snprintf(pdf, sizeof(pdf), "%s/rekap-%zu.pdf", dir, npeople);
	snprintf(ud, sizeof(ud), "%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", html);
	fp = fopen(html, "w");
	assert_non_null(fp);
	assert_int_equal(export_html(fp, &f.r, NULL), 0);
	assert_int_equal(fclose(fp), 0);
	chromium_pdf(url, pdf, ud);
	pages = pdf_pages(pdf);
	print_message("%zu people: %d page(s)\n", npeople, pages);
	for (int p = 1; p <= pages; p++) {
		char *text = pdf_page_text(pdf, p);
		double fill = pdf_page_fill(pdf, dir, p);
		bool rows = has_table_rows(text);
		bool sign = strstr(text, "Nama & tanda tangan") != NULL;
		bool chart = strstr(text, "per orang") != NULL;
		bool ind = strstr(text, "Indikator desa") != NULL;
		char want[64];

		print_message("  page %d:%s%s%s%s, filled %.0f %%\n", p,
			      rows ? " table rows" : "", chart ? " chart" : "",
			      ind ? " indicators" : "",
			      sign ? " signature" : "", fill * 100);
		if (!rows && !sign)
			PROBLEM("%zu people, page %d of %d has neither table "
				"rows nor the signature:\n%s",
				npeople, p, pages, text);
		if (sign && !rows && !ind)
			PROBLEM("%zu people: the signature is alone on page "
				"%d:\n%s",
				npeople, p, text);
		if (fill < 0.3)
			PROBLEM("%zu people: page %d of %d is nearly empty "
				"(%.0f %% filled):\n%s",
				npeople, p, pages, fill * 100, text);
		/* the table head repeats on every page of rows */
		if (rows && !strstr(text, "Terlambat (TL)"))
			PROBLEM("%zu people: page %d has rows but no table "
				"head:\n%s",
				npeople, p, text);
		snprintf(want, sizeof(want), "Halaman %d dari %d", p, pages);
		if (!strstr(text, want))
			PROBLEM("%zu people: page %d lacks \"%s\":\n%s",
				npeople, p, want, text);
		if (p == 1 && !strstr(text, "REKAP KEHADIRAN"))
			PROBLEM("%zu people: page 1 has no title", npeople);
		free(text);
	}
	if (pages > max_pages)
		PROBLEM("%zu people: %d pages, at most %d expected", npeople,
			pages, max_pages);
	fx_free(&f);
	if (getenv("PD_KEEP_PDF"))
		print_message("kept %s\n", dir);
	else
		testutil_rmtree_free(dir);
}

static void test_html_prints_5_15_40_people_on_full_pages(void **state)
{
	char problem[4096] = "";

	(void)state;
	if (access(CHROMIUM, X_OK) != 0)
		skip();
	if (access(PDFINFO, X_OK) != 0 || access(PDFTOTEXT, X_OK) != 0 ||
	    access(PDFTOPPM, X_OK) != 0)
		fail_msg("Chromium is here but poppler-utils are not: "
			 "apt-get install poppler-utils");
	/* all three print before the first problem is reported */
	check_print(5, 1, problem, sizeof(problem));
	check_print(15, 1, problem, sizeof(problem));
	check_print(40, 2, problem, sizeof(problem));
	if (problem[0])
		fail_msg("%s", problem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_xlsx_read_back_has_sheets_formulas_and_values),
		cmocka_unit_test(test_html_prints_to_pdf_and_png),
		cmocka_unit_test(test_html_prints_5_15_40_people_on_full_pages),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
