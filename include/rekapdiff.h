/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Does a desa's own rekap.csv (in its bundle) say what the kecamatan's
 * recompute over the same rows says?  Both CSVs are read by their header
 * names and rows are matched by their "id" column (a person's id, or
 * TOTAL), so a column one side lacks is not a difference.  The calendar
 * versions column is not compared: the box names every calendar file it
 * ever imported, the kecamatan only those a bundle carried.  Pure.
 */
#ifndef PRESENSI_REKAPDIFF_H
#define PRESENSI_REKAPDIFF_H

#include <stddef.h>

#define REKAPDIFF_NOTE_MAX 200 /* the first difference, bytes incl. NUL */

struct rekapdiff {
	unsigned int cells;	/* cells that differ in rows both have */
	unsigned int only_desa; /* rows only in the desa's rekap */
	unsigned int only_ours; /* rows only in the recompute */
	char first[REKAPDIFF_NOTE_MAX]; /* "103 tl1: desa 2, kecamatan 3" */
};

/*
 * Compares desa (the bundle's rekap.csv) with ours (export_csv of the
 * recompute).  Returns 0 with out filled (all counts 0: the same), or
 * -EINVAL when either is not a CSV with an "id" column (out->first says
 * which), -ENOMEM.
 */
int rekapdiff_compare(const char *desa, size_t desa_len, const char *ours,
		      size_t ours_len, struct rekapdiff *out);

#endif /* PRESENSI_REKAPDIFF_H */
