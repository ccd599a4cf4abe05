/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the kecrekap module (kecrekap.c, kecrekap_html.c): the
 * columns every output names the same way, and small helpers.
 */
#ifndef PRESENSI_KECREKAP_INT_H
#define PRESENSI_KECREKAP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kecrekap.h"

/* One counter of struct rekap in the kecamatan's outputs. */
struct kecrekap_col {
	const char *csv;   /* CSV header, as the box's rekap.csv names it */
	const char *label; /* short label, "" when only in CSV */
	size_t off;	   /* offsetof a uint32_t in struct rekap */
};
extern const struct kecrekap_col kecrekap_cols[];
extern const size_t kecrekap_ncols;
uint32_t kecrekap_col_get(const struct kecrekap_col *c, const struct rekap *r);

/* CSV prefixes of the indicators, as the box's CSV names them. */
extern const char *const kecrekap_ind_csv[REKAP_INDICATORS];

#define KECREKAP_STAMP_MAX 40 /* "2026-12-07 23:59:59 WIB" + NUL */
/* utc as local "YYYY-MM-DD HH:MM:SS WIB" in the kecamatan's zone. */
void kecrekap_stamp(const struct kecrekap *k, int64_t utc,
		    char buf[KECREKAP_STAMP_MAX]);

/* A desa's own pelaporan ratio over the months of the period. */
void kecrekap_desa_pelaporan(const struct kecrekap *k,
			     const struct kecrekap_desa *d,
			     struct rekap_ratio *out);
/* The i-th KECREKAP_A_* bit in output order (0 past the last). */
unsigned int kecrekap_anomaly_bit(int i);

/* 0, or -EIO when the stream failed. */
int kecrekap_stream_result(FILE *fp);

#endif /* PRESENSI_KECREKAP_INT_H */
