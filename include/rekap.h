/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rekap (DOMAIN §4): per-person counters over a period, fed one verdict at
 * a time, summed per desa, and the kecamatan's indicators as numerator /
 * denominator / percent with their formula in Indonesian.  Optional
 * deductions per band, off by default and labelled "indikatif".  Pure and
 * allocation-free: integer arithmetic only, so the same inputs give the
 * same bytes.
 */
#ifndef PRESENSI_REKAP_H
#define PRESENSI_REKAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

#define REKAP_PCT_MAX 16 /* formatted percent "100.00" / "-", incl. NUL */

struct rekap_band {
	uint32_t count;	  /* days in this band */
	uint32_t minutes; /* their minutes (0 for "no punch" days) */
};

struct rekap {
	uint32_t people;	     /* persons summed in (1 after first day) */
	uint32_t days;		     /* days fed in, FUTURE excluded */
	uint32_t inactive;	     /* days outside active periods */
	uint32_t hari_kerja;	     /* active profile working days */
	uint32_t libur;		     /* ... of which libur nasional/lokal */
	uint32_t cuti_bersama;	     /* ... of which cuti bersama */
	uint32_t hari_kerja_efektif; /* hari_kerja - libur - CB - C - BH */
	uint32_t hadir;		     /* hari hadir: punch days + DL days */
	uint32_t days_punched;	     /* efektif days with an accepted punch,
				      * not provisional (indicator base) */
	uint32_t tepat_waktu;	     /* ... of which without TL */
	uint32_t with_pulang;	     /* ... of which with a pulang */
	struct rekap_band tl[VERDICT_BAND_MAX + 1];  /* [1..4] used */
	struct rekap_band psw[VERDICT_BAND_MAX + 1]; /* [1..4] used */
	uint32_t no_masuk;	       /* tidak absen masuk (within tl[4]) */
	uint32_t no_pulang;	       /* tidak absen pulang (within psw[4]) */
	uint32_t excuse[EXCUSE_KINDS]; /* full-day days by kind (I S C DL AR) */
	uint32_t izin_terlambat;       /* TL cancelled by a partial excuse */
	uint32_t izin_pulang_cepat;    /* PSW cancelled by a partial excuse */
	uint32_t tk;		       /* tanpa keterangan */
	uint32_t belum_hadir;	       /* today, pending */
	uint32_t belum_pulang;	       /* today, pending */
	uint32_t punches;	       /* accepted punches (non-suppressed) */
	uint32_t punches_untrusted;    /* ... taken with an untrusted clock */
	uint32_t punches_manual;       /* ... entered by an admin */
	uint32_t punches_suppressed;   /* duplicate taps kept, ignored */
	uint32_t punches_outside;      /* outside both windows */
};

void rekap_init(struct rekap *r);
/*
 * Adds one person-day; the caller keeps one struct rekap per person and
 * streams that person's days in any order.  FUTURE verdicts are ignored.
 * Today's TL counts as soon as masuk is known; PSW and the indicator bases
 * (days_punched, tepat_waktu, with_pulang) wait until the verdict is no
 * longer provisional.
 */
void rekap_add_day(struct rekap *r, const struct verdict *v);
/* Adds every counter of src into sum (per desa, per kecamatan). */
void rekap_merge(struct rekap *sum, const struct rekap *src);

/* ---- indicators ---- */
enum rekap_indicator {
	REKAP_KEHADIRAN = 0, /* hadir / hari kerja efektif */
	REKAP_TEPAT_WAKTU,   /* days without TL / days with a punch */
	REKAP_ABSEN_PULANG,  /* days with a pulang / days with a punch */
	REKAP_KUALITAS_DATA, /* trusted punches / all accepted punches */
	REKAP_INDICATORS,
};

struct rekap_ratio {
	uint64_t num;
	uint64_t den; /* 0: not defined (shown as "-") */
};

void rekap_indicator(const struct rekap *r, enum rekap_indicator which,
		     struct rekap_ratio *out);
/* "Persentase kehadiran", ... */
const char *rekap_indicator_label(enum rekap_indicator which);
/* "jumlah hari hadir / jumlah hari kerja efektif × 100%", ... (UTF-8) */
const char *rekap_indicator_formula(enum rekap_indicator which);

/* Kepatuhan pelaporan (kecamatan side): desa whose signed monthly file
 * arrived by the deadline / jumlah desa. */
void rekap_pelaporan(uint32_t on_time, uint32_t desa, struct rekap_ratio *out);
extern const char rekap_pelaporan_label[]; /* "Kepatuhan pelaporan" */
extern const char rekap_pelaporan_formula[];
#define REKAP_DEADLINE_MDAY 5 /* default: the 5th of the next month */
/* Last day a month's file counts as on time: mday of the month after the
 * one containing month_day (mday clamped to that month's length). */
pd_day_t rekap_deadline(pd_day_t month_day, int mday);

/* Percent in hundredths (8750 = 87.50 %), rounded half up; -1 if den 0. */
int64_t rekap_percent_cp(const struct rekap_ratio *r);
/*
 * Writes the percent with two decimals and decimal separator dec ('.' for
 * CSV, ',' for people), no '%' sign: "87.50" / "87,50"; "-" when den is 0.
 * Returns the length, or -ENAMETOOLONG if cap is too small.
 */
int rekap_percent_format(const struct rekap_ratio *r, char dec, char *buf,
			 size_t cap);
/* Same for a value already in hundredths (deductions). */
int rekap_cp_format(int64_t cp, char dec, char *buf, size_t cap);

/* ---- deductions (indikatif, off by default) ---- */
struct rekap_deduction {
	bool enabled;			       /* false: no figure is shown */
	uint32_t tl_cp[VERDICT_BAND_MAX + 1];  /* per day, hundredths of % */
	uint32_t psw_cp[VERDICT_BAND_MAX + 1]; /* [1..4] used */
	uint32_t tk_cp;			       /* per TK day */
};
#define REKAP_DEDUCTION_LABEL "indikatif"
/* Off: enabled false, all rates 0. */
void rekap_deduction_off(struct rekap_deduction *d);
/* Permentan 68/2012 rates: TL/PSW 0.5/1/1.5/2 %, TK 4 %/day; enabled. */
void rekap_deduction_permentan(struct rekap_deduction *d);
/* Sum of rates over one person's band counts and TK days, capped at
 * 100.00 % (10000); -1 when d is disabled.  Shown only with the label
 * REKAP_DEDUCTION_LABEL. */
int64_t rekap_deduction_cp(const struct rekap *r,
			   const struct rekap_deduction *d);

#endif /* PRESENSI_REKAP_H */
