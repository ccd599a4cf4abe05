/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reports people read and the files the kecamatan gets (DOMAIN §4, §8):
 * an aligned terminal table, RFC 4180 CSV (summary and per person-day),
 * XLSX with live formulas, a printable A4 HTML page with an inline SVG chart
 * and a short WhatsApp summary, all written from a built struct report.
 * Writers never touch the store; per-day rows are collected beforehand.
 */
#ifndef PRESENSI_EXPORT_H
#define PRESENSI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rekap.h"
#include "report.h"
#include "verdict.h"

#define EXPORT_TEXT_COLS   100	/* export_text lines fit this many columns */
#define EXPORT_RINGKAS_MAX 1000 /* export_ringkas aims below this (chars) */

/* One judged person-day, copied out of report_build's callback. */
struct export_day {
	char person[PD_ID_MAX];
	char name[PD_NAME_MAX];
	char jabatan[PD_JABATAN_MAX];
	struct verdict v;
	char holiday[CALENDAR_NAME_MAX]; /* "" when none */
	char profile[RULES_NAME_MAX];	 /* "" when none in force */
};

/* Per-day rows in report_build's order (person by person, day by day). */
struct export_days {
	size_t n, cap;
	struct export_day *d; /* owned; free with export_days_free() */
};

/*
 * Collecting per-day rows: zero a struct export_days, set
 * report_opts.day_fn = export_days_collect and .day_ud = &days, call
 * store_report_build(), pass &days to the writers, then export_days_free().
 * A report_day_fn: returns 0, or -ENOMEM (report_build then fails).
 */
int export_days_collect(void *ud, const struct report_day *d);
void export_days_free(struct export_days *days); /* NULL-safe; reusable */
/* One day row copied out of a report_day (texts cut to their fields). */
void export_day_from(struct export_day *row, const struct report_day *d);

struct export_opts {
	const struct export_days *days; /* per-day rows, or NULL */
	/* NULL or disabled: no deduction figure anywhere; enabled: one
	 * column labelled "indikatif". */
	const struct rekap_deduction *deduction;
};

/*
 * Writers.  o may be NULL (no day rows, no deduction).  Each returns 0,
 * -EIO when writing fp failed (errno from the stream), -ENOMEM, or -EINVAL
 * for a report whose npeople > 0 with NULL people.  Called from the CLI.
 */

/*
 * Terminal table, at most EXPORT_TEXT_COLS columns per line (display
 * columns, textwidth.h: wide characters count two, combining marks none),
 * names cut with "…" on a character boundary: header (desa, period, profiles
 * with references, calendars, "dibuat pada"), per-person counts (HKE, Hadir,
 * Tepat, TL1..4, PSW1..4, I S C DL AR, TK), the desa total, per-person
 * indicators and the desa's indicators as "num / den = pct %" (decimal comma).
 * For a CIVIL_PERIOD_DATE report with o->days, also each person's masuk and
 * pulang (HH:MM:SS) and status.
 */
int export_text(FILE *fp, const struct report *r, const struct export_opts *o);

/*
 * CSV (DOMAIN §8): UTF-8, RFC 4180 (CRLF, quoted when needed), '.' as the
 * decimal point, no generation time, so the same report gives the same
 * bytes.  One header line, one row per person (sorted as r->people), one
 * "TOTAL" row for the desa.  Versions of the profiles and calendars used
 * are columns of every row.
 */
int export_csv(FILE *fp, const struct report *r, const struct export_opts *o);
/*
 * One RFC 4180 field (quoted only when needed), preceded by ',' unless
 * first; s NULL writes an empty field.  For CSV meant for people, opened
 * in a spreadsheet (the rekap, the daily rows, `person list`, `punches`):
 * a cell starting with = + - @ TAB or CR gets a leading "'" so that no
 * spreadsheet runs it as a formula (OWASP "CSV Injection"; DOMAIN §8).  A
 * cell that is exactly "-" (nothing, undefined) is no formula and is
 * kept.  The figures of these files are never negative, so no number
 * gets the quote.
 */
void export_csv_field(FILE *fp, const char *s, bool first);
/* The same field with its exact text, for files meant for machines (a
 * parser, an import), where a "'" would change the data. */
void export_csv_field_raw(FILE *fp, const char *s, bool first);
/* One row per person-day of o->days (status, masuk/pulang local and UTC
 * "YYYY-MM-DDTHH:MM:SSZ", minutes, bands, flags).  -EINVAL without days. */
int export_csv_daily(FILE *fp, const struct report *r,
		     const struct export_opts *o);

/*
 * The same daily CSV, streamed: rows are written from report_build's day
 * callback as the person-days are judged, so no day is held in memory (a
 * kabupaten's year is 1.8 M rows).  export_csv_daily_begin() writes the
 * header; set report_opts.day_fn = export_csv_daily_day and .day_ud = c;
 * export_csv_daily_end() flushes.  The bytes equal export_csv_daily()'s
 * for the same report.  Each returns 0, -EINVAL, or -EIO (writing fp
 * failed: the day callback then stops the build).
 */
struct export_daily_csv {
	FILE *fp;	     /* borrowed */
	const char *desa_id; /* borrowed: report_opts.desa_id */
	int32_t offset_min;
	uint64_t rows; /* day rows written */
};
int export_csv_daily_begin(struct export_daily_csv *c, FILE *fp,
			   const char *desa_id, int32_t offset_min);
int export_csv_daily_day(void *ud, const struct report_day *d);
int export_csv_daily_end(struct export_daily_csv *c);

/*
 * XLSX at path, written to a temporary file in the same directory, synced,
 * then renamed over path.  Sheets: "Rekap" (header block, frozen header
 * row, bands coloured, totals and percentages as formulas carrying their
 * computed values), "Harian" (o->days, may be empty) and "Indikator".
 * Returns 0, -EIO (message in err), -ENOMEM, -EINVAL.  The only user of
 * libxlsxwriter.
 */
int export_xlsx(const char *path, const struct report *r,
		const struct export_opts *o, char *err, size_t errcap);

/*
 * The same workbook, streamed (libxlsxwriter's constant_memory mode: each
 * sheet's rows go to disk in order as they are written).  The day rows
 * come from report_build's day callback, so no person-day is held in
 * memory; "Harian" continues in "Harian 2", "Harian 3", ... before Excel's
 * EXPORT_XLSX_ROWS rows per sheet, and Rekap says so.  Rekap and
 * Indikator are written at export_xlsx_finish(), from the built report.
 *   export_xlsx_begin(path, o, &x, err, cap);
 *   report_opts.day_fn = export_xlsx_day, .day_ud = x; store_report_build;
 *   export_xlsx_finish(x, r, err, cap)   (or export_xlsx_abort(x)).
 * o is borrowed until finish.  begin and finish return 0, -EIO (message in
 * err), -ENOMEM, -EINVAL; export_xlsx_day returns 0 or -EIO (the build
 * stops).  finish and abort free x; abort leaves path as it was.
 */
#define EXPORT_XLSX_ROWS 1048576 /* rows per sheet (Excel's limit) */
struct export_xlsx;
int export_xlsx_begin(const char *path, const struct export_opts *o,
		      struct export_xlsx **out, char *err, size_t errcap);
int export_xlsx_day(void *ud, const struct report_day *d);
int export_xlsx_finish(struct export_xlsx *x, const struct report *r, char *err,
		       size_t errcap);
void export_xlsx_abort(struct export_xlsx *x); /* NULL-safe */

/*
 * One self-contained printable document (CSS @page A4 landscape; no
 * scripts, fonts or images fetched): title, desa, period, profiles,
 * calendars, "dibuat pada", the ledger head, the table, then a band of an
 * inline SVG bar chart of TL and PSW per person (the same height for any
 * number of people) beside the indicators as supporting evidence (Perak
 * PRK-9, Purwosari), and the signature block kept with that band.
 * Printed, the table head repeats on every page, no row or band is split,
 * and every page carries "Halaman N dari M" and the desa and period in its
 * margin boxes: up to about 15 people fit on one page.  Every text is
 * HTML-escaped (CSS-escaped in the margins).  With o->days and a
 * CIVIL_PERIOD_DATE report, also each person's masuk and pulang.
 */
int export_html(FILE *fp, const struct report *r, const struct export_opts *o);

/*
 * Short plain text for a WhatsApp group (a date or a week): attendance and
 * punctuality percentages, who was late (minutes), left early, is absent
 * without excuse (TK), has an excuse, and is still pending today; each
 * list starts with whoever has the most days (then minutes).  Stays under
 * EXPORT_RINGKAS_MAX characters (tested for 40 people) by shortening
 * names to the shortest form that still fits one person only ("Raden
 * M.P.", "Siti Aminah (35-09)"; export_int.h) and then by shortening the
 * lists ("+3 lainnya").  Uses only the rekap (no day rows needed).
 */
int export_ringkas(FILE *fp, const struct report *r);

#endif /* PRESENSI_EXPORT_H */
