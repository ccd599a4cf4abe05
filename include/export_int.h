/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the export module (export.c, xlsx.c, html.c): the shared table
 * of rekap columns with their CSV names and Indonesian labels, and small
 * formatting helpers, so every output names a figure the same way.
 */
#ifndef PRESENSI_EXPORT_INT_H
#define PRESENSI_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

/* One counter of struct rekap as shown in every output. */
struct export_col {
	const char *csv;   /* CSV header: "tl1_menit" */
	const char *label; /* short, for tables: "TL1 mnt" */
	const char *
		title; /* long, for XLSX/HTML: "Terlambat 1-30 menit (menit)" */
	size_t off;    /* offsetof a uint32_t in struct rekap */
	int band;      /* 1..4 TL band, -1..-4 PSW band, 0 none */
	bool main;     /* in the compact tables (text, HTML) */
};

extern const struct export_col export_cols[];
extern const size_t export_ncols;

uint32_t export_col_get(const struct export_col *c, const struct rekap *r);

/* Column names of the compact person table in export_text/HTML, in order. */
#define EXPORT_STAMP_MAX 40 /* "2026-11-23 10:00:00 WIB" + NUL */
/* "YYYY-MM-DD HH:MM:SS WIB" of r->built_utc in the desa's zone. */
void export_stamp(const struct report *r, char buf[EXPORT_STAMP_MAX]);

/* "HH:MM:SS", or "-" when sec is VERDICT_NONE_SEC. */
void export_hms(int32_t sec, char buf[CIVIL_TIME_LEN]);
#define EXPORT_ISO_MAX 24 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
/* UTC instant of a local day + seconds, "" when sec is VERDICT_NONE_SEC. */
void export_utc_iso(pd_day_t day, int32_t sec, int32_t offset_min,
		    char buf[EXPORT_ISO_MAX]);

#define EXPORT_RATIO_MAX 64
/* "num / den = pct %" with decimal dec; "0 / 0 = -" when undefined. */
void export_ratio_text(const struct rekap_ratio *q, char dec,
		       char buf[EXPORT_RATIO_MAX]);

#define EXPORT_STATUS_MAX 160
/* Indonesian one-line status of a day: "Hadir", "Hadir, TL2 45 mnt",
 * "Sakit", "TK", "Belum pulang", "Libur: Natal". */
void export_day_status(const struct export_day *d, char buf[EXPORT_STATUS_MAX]);

/* True when o asks for the "indikatif" deduction column. */
bool export_deduction_on(const struct export_opts *o);

/* Number of UTF-8 characters (not bytes) in s: the length a chat app
 * counts (ringkas).  Terminal columns are textwidth_measure(). */
size_t export_utf8_len(const char *s);

/* A short name: a name (PD_NAME_MAX), " (", an id, ")". */
#define EXPORT_SHORT_MAX (PD_NAME_MAX + PD_ID_MAX + 4)
/*
 * The shortest form of each of r's people's names that fits no one else
 * in r, for texts where space is short (ringkas, chart labels): the first
 * words whole, the next as initials ("Raden M.B.P.", "Siti Nur A."),
 * without degrees after a comma or titles before the name ("H.", "Drs.").
 * A name with no shorter such form is kept whole, with " (id)" added when
 * another person has the very same name.  out has r->npeople entries; on
 * -ENOMEM nothing is shortened (each gets its whole name).
 */
void export_short_names(const struct report *r, char (*out)[EXPORT_SHORT_MAX]);

/* Title used by the printable outputs. */
extern const char export_title[];
/* "Data pendukung ..." line naming the indicators it supports. */
extern const char export_evidence[];

/* Shared checks: 0 or -EINVAL. */
int export_check(const struct report *r);

#endif /* PRESENSI_EXPORT_INT_H */
