// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlsx.c: the rekap as an Excel workbook (sheets Rekap, Harian [, Harian 2
 * ...], Indikator) for the kecamatan.  Totals and percentages are formulas
 * that carry their computed values, so readers that never recalculate
 * still show the right figures.  Written in constant_memory mode, day rows
 * straight from report_build's callback; every sheet is set up to print on
 * A4.  The only file that includes xlsxwriter.h.
 */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "atomicfile.h"
#include "civil.h"
#include "export_int.h"
#include "log.h"
#include "xlsx_table.h"

#define HDR_ROW	    9	/* Rekap: the table's header row (0-based) */
#define FIRST_COL   4	/* Rekap: first counter column (after No ID Nama Jab) */
#define CELL_REF    32	/* "Rekap!$AB$1234" + NUL, generous */
#define FORMULA_MAX 160 /* one formula */
#define PAPER_A4    9	/* libxlsxwriter's paper index for A4 */
#define MARGIN_LR   0.4 /* inches: narrow side margins, more columns */
#define MARGIN_TB   0.5 /* inches */
#define HARIAN_COLS 14	/* columns of a Harian sheet */
#define SHEET_NAME  32	/* "Harian 123" + NUL, generous */

/* Band fills, light to dark: TL/PSW 1..4. */
static const lxw_color_t band_rgb[VERDICT_BAND_MAX + 1] = {
	0, 0xFFF2CC, 0xFFD966, 0xF4B183, 0xE06666,
};

struct xfmt {
	lxw_format *title, *bold, *head, *num, *pct, *text, *total, *total_pct,
		*wrap, *note;
	lxw_format *band[VERDICT_BAND_MAX + 1];
};

struct export_xlsx {
	struct atomicfile *af;
	lxw_workbook *wb;
	const struct export_opts *o;
	struct xfmt f;
	lxw_worksheet *rekap;
	lxw_worksheet *harian; /* the one being filled */
	int nharian;	       /* Harian sheets so far */
	lxw_row_t row;	       /* next row in harian */
	uint64_t days;	       /* day rows written, all sheets */
	int rc;		       /* first error of a day row */
	char path[PATH_MAX];
};

static void formats_make(lxw_workbook *wb, struct xfmt *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->bold = workbook_add_format(wb);
	format_set_bold(f->bold);
	f->note = workbook_add_format(wb);
	format_set_italic(f->note);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bg_color(f->head, 0xD9E1F2);
	format_set_border(f->head, LXW_BORDER_THIN);
	f->num = workbook_add_format(wb);
	format_set_border(f->num, LXW_BORDER_THIN);
	f->text = workbook_add_format(wb);
	format_set_border(f->text, LXW_BORDER_THIN);
	f->wrap = workbook_add_format(wb);
	format_set_text_wrap(f->wrap);
	format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
	f->pct = workbook_add_format(wb);
	format_set_num_format(f->pct, "0.00%");
	format_set_border(f->pct, LXW_BORDER_THIN);
	format_set_align(f->pct, LXW_ALIGN_RIGHT);
	f->total = workbook_add_format(wb);
	format_set_bold(f->total);
	format_set_top(f->total, LXW_BORDER_DOUBLE);
	format_set_border(f->total, LXW_BORDER_THIN);
	f->total_pct = workbook_add_format(wb);
	format_set_bold(f->total_pct);
	format_set_num_format(f->total_pct, "0.00%");
	format_set_border(f->total_pct, LXW_BORDER_THIN);
	format_set_align(f->total_pct, LXW_ALIGN_RIGHT);
	for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
		f->band[b] = workbook_add_format(wb);
		format_set_bg_color(f->band[b], band_rgb[b]);
		format_set_border(f->band[b], LXW_BORDER_THIN);
	}
}

static int col_of(const char *csv)
{
	for (size_t i = 0; i < export_ncols; i++)
		if (strcmp(export_cols[i].csv, csv) == 0)
			return FIRST_COL + (int)i;
	return -1; /* programmer error: names below are in export_cols */
}

/* Columns of each indicator's numerator and denominator in Rekap;
 * num2 >= 0 means num - num2 (trusted = all - untrusted). */
struct ind_cols {
	int num, num2, den;
};

static void ind_cols(enum rekap_indicator i, struct ind_cols *c)
{
	c->num2 = -1;
	switch (i) {
	case REKAP_KEHADIRAN:
		c->num = col_of("hadir");
		c->den = col_of("hari_kerja_efektif");
		break;
	case REKAP_TEPAT_WAKTU:
		c->num = col_of("tepat_waktu");
		c->den = col_of("hari_presensi");
		break;
	case REKAP_ABSEN_PULANG:
		c->num = col_of("dengan_pulang");
		c->den = col_of("hari_presensi");
		break;
	default:
		c->num = col_of("presensi");
		c->num2 = col_of("presensi_tak_tepercaya");
		c->den = col_of("presensi");
		break;
	}
}

static void cell(char *buf, lxw_row_t row, int col)
{
	lxw_rowcol_to_cell(buf, row, (lxw_col_t)col);
}

/* =IF(den=0,"-",num/den) with the computed value (or "-"). */
static void write_pct(lxw_worksheet *ws, lxw_row_t row, int col,
		      const char *num, const char *den,
		      const struct rekap_ratio *q, lxw_format *fmt)
{
	char f[FORMULA_MAX];

	snprintf(f, sizeof(f), "=IF(%s=0,\"-\",%s/%s)", den, num, den);
	if (q->den == 0)
		worksheet_write_formula_str(ws, row, (lxw_col_t)col, f, fmt,
					    "-");
	else
		worksheet_write_formula_num(ws, row, (lxw_col_t)col, f, fmt,
					    (double)q->num / (double)q->den);
}

static void rekap_pct_cells(lxw_worksheet *ws, lxw_row_t row, int col0,
			    const struct rekap *k, lxw_format *fmt)
{
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		struct ind_cols c;
		struct rekap_ratio q;
		char a[CELL_REF], b[CELL_REF], d[CELL_REF],
			num[2 * CELL_REF + 4];

		ind_cols((enum rekap_indicator)i, &c);
		rekap_indicator(k, (enum rekap_indicator)i, &q);
		cell(a, row, c.num);
		cell(d, row, c.den);
		if (c.num2 >= 0) {
			cell(b, row, c.num2);
			snprintf(num, sizeof(num), "(%s-%s)", a, b);
		} else {
			snprintf(num, sizeof(num), "%s", a);
		}
		write_pct(ws, row, col0 + i, num, d, &q, fmt);
	}
}

static void join_profiles(const struct report *r, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->nprofiles && i < REPORT_PROFILES_MAX; i++) {
		const struct report_profile_use *u = &r->profiles[i];
		char d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
		int n;

		civil_date_format(u->from_day, d1);
		civil_date_format(u->to_day, d2);
		n = snprintf(buf + len, cap - len,
			     "%s%s, %s (%s s.d. %s; versi %s)", i ? "\n" : "",
			     u->name, u->reference, d1, d2, u->version);
		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
	if (!r->nprofiles)
		snprintf(buf, cap, "tidak ada profil berlaku");
}

static void join_calendars(const struct report *r, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->ncalendars && i < CALENDAR_SET_FILES_MAX; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s (%d; versi %s)",
				 i ? "\n" : "", r->calendars[i].name,
				 r->calendars[i].year, r->calendars[i].version);

		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
	if (!r->ncalendars)
		snprintf(buf, cap, "tidak ada kalender libur");
}

/*
 * Print setup shared by every sheet: A4, narrow margins, centred, page
 * "n / N" in the footer, the area to print, and title rows repeated on
 * every page.  wide: one page wide, as many tall as needed; else the
 * whole area on one page.
 */
static void print_setup(lxw_worksheet *ws, bool landscape, lxw_row_t last_row,
			lxw_col_t last_col, lxw_row_t repeat_first,
			lxw_row_t repeat_last, bool one_page)
{
	if (landscape)
		worksheet_set_landscape(ws);
	else
		worksheet_set_portrait(ws);
	worksheet_set_paper(ws, PAPER_A4);
	worksheet_set_margins(ws, MARGIN_LR, MARGIN_LR, MARGIN_TB, MARGIN_TB);
	worksheet_center_horizontally(ws);
	worksheet_set_footer(ws, "&L&A&RHalaman &P / &N");
	worksheet_print_area(ws, 0, 0, last_row, last_col);
	if (repeat_last >= repeat_first)
		worksheet_repeat_rows(ws, repeat_first, repeat_last);
	worksheet_fit_to_pages(ws, 1, one_page ? 1 : 0);
}

static void sheet_rekap(lxw_worksheet *ws, const struct report *r,
			const struct export_opts *o, const struct xfmt *f,
			int nharian, uint64_t days)
{
	char buf[4096], d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
	char stamp[EXPORT_STAMP_MAX];
	const int pct0 = FIRST_COL + (int)export_ncols;
	const int ded = pct0 + REKAP_INDICATORS;
	const lxw_row_t total = HDR_ROW + 1 + (lxw_row_t)r->npeople;
	const int last_col = export_deduction_on(o) ? ded : ded - 1;

	print_setup(ws, true, total + (export_deduction_on(o) ? 2 : 0),
		    (lxw_col_t)last_col, HDR_ROW, HDR_ROW, false);
	worksheet_write_string(ws, 0, 0, export_title, f->title);
	worksheet_write_string(ws, 1, 0, "Desa", f->bold);
	snprintf(buf, sizeof(buf), "%s (%s)", r->desa_name, r->desa_id);
	worksheet_write_string(ws, 1, 2, buf, NULL);
	worksheet_write_string(ws, 2, 0, "Periode", f->bold);
	civil_date_format(r->first, d1);
	civil_date_format(r->last, d2);
	snprintf(buf, sizeof(buf), "%s (%s s.d. %s)", r->label, d1, d2);
	worksheet_write_string(ws, 2, 2, buf, NULL);
	worksheet_write_string(ws, 3, 0, "Jam kerja", f->bold);
	join_profiles(r, buf, sizeof(buf));
	worksheet_write_string(ws, 3, 2, buf, NULL);
	worksheet_write_string(ws, 4, 0, "Kalender", f->bold);
	join_calendars(r, buf, sizeof(buf));
	worksheet_write_string(ws, 4, 2, buf, NULL);
	worksheet_write_string(ws, 5, 0, "Buku besar", f->bold);
	snprintf(buf, sizeof(buf), "seq %" PRId64 ", kepala %s", r->ledger_seq,
		 r->ledger_head);
	worksheet_write_string(ws, 5, 2, buf, NULL);
	worksheet_write_string(ws, 6, 0, "Dibuat pada", f->bold);
	export_stamp(r, stamp);
	worksheet_write_string(ws, 6, 2, stamp, NULL);
	worksheet_write_string(ws, 7, 0,
			       "Persentase dihitung dengan rumus Excel; TL/PSW "
			       "berwarna menurut tingkat (1 muda .. 4 tua).",
			       f->note);
	if (nharian > 1) {
		/* never a silent cut: say where the day rows are */
		snprintf(buf, sizeof(buf),
			 "Data harian: %" PRIu64 " baris di %d lembar (Harian "
			 "s.d. Harian %d); batas Excel %d baris per lembar.",
			 days, nharian, nharian, EXPORT_XLSX_ROWS);
		worksheet_write_string(ws, 8, 0, buf, f->note);
	}

	/* narrow: one page wide on A4 prints as large as it can */
	worksheet_set_column(ws, 0, 0, 4, NULL);
	worksheet_set_column(ws, 1, 1, 9, NULL);
	worksheet_set_column(ws, 2, 2, 22, NULL);
	worksheet_set_column(ws, 3, 3, 14, NULL);
	worksheet_set_column(ws, FIRST_COL, (lxw_col_t)(pct0 - 1), 6.5, NULL);
	worksheet_set_column(ws, (lxw_col_t)pct0,
			     (lxw_col_t)(pct0 + REKAP_INDICATORS), 9, NULL);
	worksheet_set_row(ws, HDR_ROW, 84, NULL);

	worksheet_write_string(ws, HDR_ROW, 0, "No", f->head);
	worksheet_write_string(ws, HDR_ROW, 1, "ID", f->head);
	worksheet_write_string(ws, HDR_ROW, 2, "Nama", f->head);
	worksheet_write_string(ws, HDR_ROW, 3, "Jabatan", f->head);
	for (size_t i = 0; i < export_ncols; i++)
		worksheet_write_string(ws, HDR_ROW,
				       (lxw_col_t)(FIRST_COL + (int)i),
				       export_cols[i].title, f->head);
	for (int i = 0; i < REKAP_INDICATORS; i++)
		worksheet_write_string(
			ws, HDR_ROW, (lxw_col_t)(pct0 + i),
			rekap_indicator_label((enum rekap_indicator)i),
			f->head);
	if (export_deduction_on(o))
		worksheet_write_string(ws, HDR_ROW, (lxw_col_t)ded,
				       "Potongan (" REKAP_DEDUCTION_LABEL ")",
				       f->head);
	worksheet_freeze_panes(ws, HDR_ROW + 1, 3);

	for (size_t p = 0; p < r->npeople; p++) {
		const struct report_person *rp = &r->people[p];
		lxw_row_t row = HDR_ROW + 1 + (lxw_row_t)p;

		worksheet_write_number(ws, row, 0, (double)(p + 1), f->num);
		worksheet_write_string(ws, row, 1, rp->p.id, f->text);
		worksheet_write_string(ws, row, 2, rp->p.name, f->text);
		worksheet_write_string(ws, row, 3, rp->p.jabatan, f->text);
		for (size_t i = 0; i < export_ncols; i++) {
			const struct export_col *c = &export_cols[i];
			uint32_t v = export_col_get(c, &rp->r);
			int band = c->band < 0 ? -c->band : c->band;

			worksheet_write_number(
				ws, row, (lxw_col_t)(FIRST_COL + (int)i),
				(double)v, band && v ? f->band[band] : f->num);
		}
		rekap_pct_cells(ws, row, pct0, &rp->r, f->pct);
		if (export_deduction_on(o))
			worksheet_write_number(ws, row, (lxw_col_t)ded,
					       (double)rekap_deduction_cp(
						       &rp->r, o->deduction) /
						       10000.0,
					       f->pct);
	}

	worksheet_write_string(ws, total, 0, "", f->total);
	worksheet_write_string(ws, total, 1, "", f->total);
	worksheet_write_string(ws, total, 2, "Total desa", f->total);
	worksheet_write_string(ws, total, 3, "", f->total);
	for (size_t i = 0; i < export_ncols; i++) {
		int col = FIRST_COL + (int)i;
		uint32_t v = export_col_get(&export_cols[i], &r->total);
		char a[CELL_REF], b[CELL_REF], fm[FORMULA_MAX];

		if (r->npeople == 0) {
			worksheet_write_number(ws, total, (lxw_col_t)col,
					       (double)v, f->total);
			continue;
		}
		cell(a, HDR_ROW + 1, col);
		cell(b, total - 1, col);
		snprintf(fm, sizeof(fm), "=SUM(%s:%s)", a, b);
		worksheet_write_formula_num(ws, total, (lxw_col_t)col, fm,
					    f->total, (double)v);
	}
	rekap_pct_cells(ws, total, pct0, &r->total, f->total_pct);
	if (export_deduction_on(o)) {
		worksheet_write_number(
			ws, total, (lxw_col_t)ded,
			(double)rekap_deduction_cp(&r->total, o->deduction) /
				10000.0,
			f->total_pct);
		worksheet_write_string(
			ws, total + 2, 2,
			"Potongan bersifat " REKAP_DEDUCTION_LABEL
			": bukan keputusan pemotongan siltap.",
			f->note);
	}
}

static const char *const harian_head[HARIAN_COLS] = {
	"Tanggal",
	"Hari",
	"ID",
	"Nama",
	"Status",
	"Keterangan",
	"Masuk",
	"Pulang",
	"Terlambat (menit)",
	"TL",
	"Pulang cepat (menit)",
	"PSW",
	"Tanda",
	"Profil",
};

/* Ends the Harian sheet being filled: filter and print area. */
static void harian_close(struct export_xlsx *x)
{
	lxw_row_t last = x->row ? x->row - 1 : 0;

	if (!x->harian)
		return;
	if (x->row > 1)
		worksheet_autofilter(x->harian, 0, 0, last,
				     (lxw_col_t)(HARIAN_COLS - 1));
	print_setup(x->harian, true, last, (lxw_col_t)(HARIAN_COLS - 1), 0, 0,
		    false);
	x->harian = NULL;
}

/* Starts "Harian" (the first) or "Harian N": head row, widths, panes. */
static int harian_open(struct export_xlsx *x)
{
	char name[SHEET_NAME];
	lxw_worksheet *ws;

	if (x->nharian)
		snprintf(name, sizeof(name), "Harian %d", x->nharian + 1);
	else
		snprintf(name, sizeof(name), "Harian");
	ws = workbook_add_worksheet(x->wb, name);
	if (!ws)
		return -ENOMEM;
	x->nharian++;
	x->harian = ws;
	x->row = 1;
	worksheet_set_row(ws, 0, 32, NULL);
	for (size_t i = 0; i < HARIAN_COLS; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, harian_head[i],
				       x->f.head);
	worksheet_set_column(ws, 0, 0, 11, NULL);
	worksheet_set_column(ws, 1, 1, 8, NULL);
	worksheet_set_column(ws, 2, 2, 12, NULL);
	worksheet_set_column(ws, 3, 3, 24, NULL);
	worksheet_set_column(ws, 4, 4, 14, NULL);
	worksheet_set_column(ws, 5, 5, 34, NULL);
	worksheet_set_column(ws, 6, 11, 10, NULL);
	worksheet_set_column(ws, 12, 13, 20, NULL);
	worksheet_freeze_panes(ws, 1, 0);
	return 0;
}

/* One day row, in the order they come; a new sheet before the limit. */
static int harian_row(struct export_xlsx *x, const struct export_day *d)
{
	const struct verdict *v = &d->v;
	const struct xfmt *f = &x->f;
	char date[CIVIL_DATE_LEN], hms[CIVIL_TIME_LEN];
	char st[EXPORT_STATUS_MAX], fl[2 * RECORDS_FLAGS_MAX + 24];
	char fin[RECORDS_FLAGS_MAX], fout[RECORDS_FLAGS_MAX];
	const char *wd = civil_weekday_name_id(civil_weekday(v->day));
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_error e;

	if (x->row >= EXPORT_XLSX_ROWS) {
		harian_close(x);
		if (harian_open(x) < 0)
			return -ENOMEM;
	}
	ws = x->harian;
	row = x->row++;
	civil_date_format(v->day, date);
	e = worksheet_write_string(ws, row, 0, date, f->text);
	worksheet_write_string(ws, row, 1, wd ? wd : "", f->text);
	worksheet_write_string(ws, row, 2, d->person, f->text);
	worksheet_write_string(ws, row, 3, d->name, f->text);
	worksheet_write_string(ws, row, 4, verdict_status_label(v->status),
			       f->text);
	export_day_status(d, st);
	worksheet_write_string(ws, row, 5, st, f->text);
	export_hms(v->masuk_sec, hms);
	worksheet_write_string(ws, row, 6, hms, f->text);
	export_hms(v->pulang_sec, hms);
	worksheet_write_string(ws, row, 7, hms, f->text);
	worksheet_write_number(ws, row, 8, v->late_min, f->num);
	worksheet_write_number(ws, row, 9, v->tl,
			       v->tl > 0 && v->tl <= VERDICT_BAND_MAX
				       ? f->band[v->tl]
				       : f->num);
	worksheet_write_number(ws, row, 10, v->early_min, f->num);
	worksheet_write_number(ws, row, 11, v->psw,
			       v->psw > 0 && v->psw <= VERDICT_BAND_MAX
				       ? f->band[v->psw]
				       : f->num);
	records_flags_format(v->masuk_sec != VERDICT_NONE_SEC ? v->masuk_flags
							      : 0,
			     RECORDS_FLAG_WORD, ' ', fin);
	records_flags_format(v->pulang_sec != VERDICT_NONE_SEC ? v->pulang_flags
							       : 0,
			     RECORDS_FLAG_WORD, ' ', fout);
	snprintf(fl, sizeof(fl), "%s%s%s%s%s", fin[0] ? "masuk: " : "", fin,
		 fin[0] && fout[0] ? "; " : "", fout[0] ? "pulang: " : "",
		 fout);
	worksheet_write_string(ws, row, 12, fl, f->text);
	worksheet_write_string(ws, row, 13, d->profile, f->text);
	x->days++;
	/* constant_memory writes rows to a temporary file: a full disk
	 * shows here, and stops the build */
	return e == LXW_NO_ERROR ? 0 : -EIO;
}

static void sheet_indikator(lxw_workbook *wb, const struct report *r,
			    const struct xfmt *f)
{
	static const char *const head[] = {
		"Indikator", "Pembilang", "Penyebut", "Persen", "Rumus",
	};
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Indikator");
	const lxw_row_t total = HDR_ROW + 1 + (lxw_row_t)r->npeople;
	char stamp[EXPORT_STAMP_MAX], buf[256];

	/* the summary: everything on one page */
	print_setup(ws, true, 10, 4, 1, 0, true);
	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, 3, 12, NULL);
	worksheet_set_column(ws, 4, 4, 70, NULL);
	worksheet_write_string(ws, 0, 0, "Indikator desa", f->title);
	snprintf(buf, sizeof(buf), "%s (%s), %s", r->desa_name, r->desa_id,
		 r->label);
	worksheet_write_string(ws, 1, 0, buf, NULL);
	worksheet_merge_range(ws, 2, 0, 2, 4, export_evidence, f->wrap);
	worksheet_set_row(ws, 2, 45, NULL);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		worksheet_write_string(ws, 4, (lxw_col_t)i, head[i], f->head);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		lxw_row_t row = 5 + (lxw_row_t)i;
		struct ind_cols c;
		struct rekap_ratio q;
		char a[CELL_REF], b[CELL_REF], fm[FORMULA_MAX];
		char nb[CELL_REF], db[CELL_REF];

		ind_cols((enum rekap_indicator)i, &c);
		rekap_indicator(&r->total, (enum rekap_indicator)i, &q);
		worksheet_write_string(
			ws, row, 0,
			rekap_indicator_label((enum rekap_indicator)i),
			f->text);
		cell(a, total, c.num);
		if (c.num2 >= 0) {
			cell(b, total, c.num2);
			snprintf(fm, sizeof(fm), "=Rekap!%s-Rekap!%s", a, b);
		} else {
			snprintf(fm, sizeof(fm), "=Rekap!%s", a);
		}
		worksheet_write_formula_num(ws, row, 1, fm, f->num,
					    (double)q.num);
		cell(a, total, c.den);
		snprintf(fm, sizeof(fm), "=Rekap!%s", a);
		worksheet_write_formula_num(ws, row, 2, fm, f->num,
					    (double)q.den);
		cell(nb, row, 1);
		cell(db, row, 2);
		write_pct(ws, row, 3, nb, db, &q, f->pct);
		worksheet_write_string(
			ws, row, 4,
			rekap_indicator_formula((enum rekap_indicator)i),
			f->text);
	}
	export_stamp(r, stamp);
	snprintf(buf, sizeof(buf), "Dibuat pada %s", stamp);
	worksheet_write_string(ws, 10, 0, buf, f->note);
}

int export_xlsx_begin(const char *path, const struct export_opts *o,
		      struct export_xlsx **out, char *err, size_t errcap)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	struct export_xlsx *x;
	int rc;

	if (!path || !*path || !out) {
		snprintf(err, errcap, "export_xlsx: bad arguments");
		return -EINVAL;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->o = o;
	snprintf(x->path, sizeof(x->path), "%s", path);
	/* mode 0666: the umask decides, as for any file the user makes */
	rc = atomicfile_open(path, 0666, 0, &x->af);
	if (rc < 0) {
		snprintf(err, errcap, "%s: cannot create temporary file: %s",
			 path, strerror(-rc));
		free(x);
		return rc == -ENOMEM ? rc : -EIO;
	}
	/* libxlsxwriter writes the temporary file by name (same inode);
	 * the atomic writer then syncs and renames it */
	x->wb = workbook_new_opt(atomicfile_tmp_path(x->af), &opt);
	if (!x->wb) {
		snprintf(err, errcap, "%s: cannot start workbook", path);
		atomicfile_abort(x->af);
		free(x);
		return -EIO;
	}
	formats_make(x->wb, &x->f);
	/* sheets appear in the order they are added: Rekap first, filled
	 * at finish (each sheet streams to its own temporary file) */
	x->rekap = workbook_add_worksheet(x->wb, "Rekap");
	rc = x->rekap ? harian_open(x) : -ENOMEM;
	if (rc < 0) {
		snprintf(err, errcap, "%s: cannot add the sheets", path);
		export_xlsx_abort(x);
		return rc;
	}
	*out = x;
	return 0;
}

int export_xlsx_day(void *ud, const struct report_day *d)
{
	struct export_xlsx *x = ud;
	struct export_day row;

	if (x->rc)
		return x->rc;
	export_day_from(&row, d);
	x->rc = harian_row(x, &row);
	return x->rc;
}

void export_xlsx_abort(struct export_xlsx *x)
{
	if (!x)
		return;
	if (x->wb) {
		/* nothing of it is kept: close only to free it */
		(void)workbook_close(x->wb);
	}
	atomicfile_abort(x->af);
	free(x);
}

int export_xlsx_finish(struct export_xlsx *x, const struct report *r, char *err,
		       size_t errcap)
{
	lxw_error lerr;
	int rc;

	if (!x)
		return -EINVAL;
	rc = export_check(r);
	if (rc || x->rc) {
		snprintf(err, errcap, "%s: %s", x->path,
			 rc ? "export_xlsx: bad arguments"
			    : "cannot write the day rows");
		rc = rc ? rc : x->rc;
		export_xlsx_abort(x);
		return rc;
	}
	harian_close(x);
	sheet_rekap(x->rekap, r, x->o, &x->f, x->nharian, x->days);
	sheet_indikator(x->wb, r, &x->f);
	lerr = workbook_close(x->wb);
	x->wb = NULL;
	if (lerr != LXW_NO_ERROR) {
		snprintf(err, errcap, "%s: %s", x->path, lxw_strerror(lerr));
		export_xlsx_abort(x);
		return lerr == LXW_ERROR_MEMORY_MALLOC_FAILED ? -ENOMEM : -EIO;
	}
	rc = atomicfile_commit(x->af);
	if (rc < 0)
		snprintf(err, errcap, "%s: %s", x->path, strerror(-rc));
	free(x);
	return rc < 0 ? -EIO : 0;
}

int export_xlsx(const char *path, const struct report *r,
		const struct export_opts *o, char *err, size_t errcap)
{
	struct export_xlsx *x;
	int rc = export_check(r);

	if (rc || !path || !*path) {
		snprintf(err, errcap, "export_xlsx: bad arguments");
		return -EINVAL;
	}
	rc = export_xlsx_begin(path, o, &x, err, errcap);
	if (rc < 0)
		return rc;
	for (size_t i = 0; o && o->days && i < o->days->n && !x->rc; i++)
		x->rc = harian_row(x, &o->days->d[i]);
	return export_xlsx_finish(x, r, err, errcap);
}

/* ---- plain tables (xlsx_table.h): the kecamatan's rekap ---- */

static void table_sheet(lxw_workbook *wb, const struct xlsx_sheet *s,
			const struct xfmt *f)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
	lxw_row_t hdr = (lxw_row_t)s->ntitle + 1;

	for (size_t i = 0; i < s->ntitle; i++)
		worksheet_write_string(ws, (lxw_row_t)i, 0, s->title[i],
				       i ? NULL : f->title);
	for (size_t c = 0; c < s->ncols; c++) {
		worksheet_write_string(ws, hdr, (lxw_col_t)c, s->header[c],
				       f->head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
				     c < 2 ? 18 : 9, NULL);
	}
	worksheet_freeze_panes(ws, hdr + 1, 2);
	for (size_t r = 0; r < s->nrows; r++)
		for (size_t c = 0; c < s->ncols; c++) {
			const struct xlsx_cell *x = &s->cells[r * s->ncols + c];
			lxw_row_t row = hdr + 1 + (lxw_row_t)r;

			if (x->kind == XLSX_CELL_INT)
				worksheet_write_number(
					ws, row, (lxw_col_t)c, (double)x->num,
					x->bold ? f->total : f->num);
			else if (x->kind == XLSX_CELL_PCT && x->den)
				worksheet_write_number(
					ws, row, (lxw_col_t)c,
					(double)x->num / (double)x->den,
					x->bold ? f->total_pct : f->pct);
			else if (x->kind == XLSX_CELL_TEXT && x->text)
				worksheet_write_string(
					ws, row, (lxw_col_t)c, x->text,
					x->bold ? f->total : f->text);
		}
}

int xlsx_tables_write(const char *path, const struct xlsx_sheet *sheets,
		      size_t n, char *err, size_t cap)
{
	struct atomicfile *af;
	lxw_workbook *wb;
	lxw_error lerr;
	struct xfmt f;
	int rc;

	if (!path || !*path || !n) {
		snprintf(err, cap, "xlsx: bad arguments");
		return -EINVAL;
	}
	rc = atomicfile_open(path, 0666, 0, &af);
	if (rc < 0) {
		snprintf(err, cap, "%s: cannot create temporary file: %s", path,
			 strerror(-rc));
		return rc == -ENOMEM ? rc : -EIO;
	}
	wb = workbook_new(atomicfile_tmp_path(af));
	if (!wb) {
		snprintf(err, cap, "%s: cannot start workbook", path);
		atomicfile_abort(af);
		return -EIO;
	}
	formats_make(wb, &f);
	for (size_t i = 0; i < n; i++)
		table_sheet(wb, &sheets[i], &f);
	lerr = workbook_close(wb);
	if (lerr != LXW_NO_ERROR) {
		snprintf(err, cap, "%s: %s", path, lxw_strerror(lerr));
		atomicfile_abort(af);
		return lerr == LXW_ERROR_MEMORY_MALLOC_FAILED ? -ENOMEM : -EIO;
	}
	rc = atomicfile_commit(af);
	if (rc < 0) {
		snprintf(err, cap, "%s: %s", path, strerror(-rc));
		return -EIO;
	}
	return 0;
}
