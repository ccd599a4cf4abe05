/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain tables as an XLSX workbook, for outputs other than the box's rekap
 * (export_xlsx): the kecamatan's rekap.  Each sheet has a title block, one
 * bold header row frozen under it, and rows of cells that are text,
 * whole numbers or percentages (stored as numbers, shown "0.00%").
 * Implemented in daemon/common/xlsx.c, the one file that includes
 * xlsxwriter.h.
 */
#ifndef PRESENSI_XLSX_TABLE_H
#define PRESENSI_XLSX_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xlsx_cell_kind {
	XLSX_CELL_TEXT = 0,
	XLSX_CELL_INT, /* num */
	XLSX_CELL_PCT, /* num / den, empty when den is 0 */
};

struct xlsx_cell {
	enum xlsx_cell_kind kind;
	const char *text; /* TEXT; NULL is an empty cell */
	int64_t num, den;
	bool bold; /* a total row */
};

struct xlsx_sheet {
	const char *name;	  /* the tab, at most 31 characters */
	const char *const *title; /* lines above the table */
	size_t ntitle;
	const char *const *header; /* ncols column names */
	size_t ncols;
	const struct xlsx_cell *cells; /* nrows * ncols, row after row */
	size_t nrows;
};

/*
 * Writes the sheets to path through a temporary file, synced and renamed
 * over path.  0, -ENOMEM, -EINVAL (no sheets, a bad name), -EIO (err
 * says why).
 */
int xlsx_tables_write(const char *path, const struct xlsx_sheet *sheets,
		      size_t n, char *err, size_t cap);

#endif /* PRESENSI_XLSX_TABLE_H */
