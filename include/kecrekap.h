/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The camat's rekap: one row per desa of a kecamatan over a month, quarter
 * or year, recomputed from the desa's own ledger rows by the core's report
 * builder, plus the kecamatan total, the indicators (DOMAIN §4.3) with
 * kepatuhan pelaporan, the people with the most TL4 and TK days, and the
 * anomalies a camat checks for abuse (docs/kecamatan.md has every rule
 * and threshold).  The model is filled desa by desa from built reports;
 * the writers (text, CSV, printable HTML) never touch a store.  Pure.
 */
#ifndef PRESENSI_KECREKAP_H
#define PRESENSI_KECREKAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "calendar.h"
#include "civil.h"
#include "pelaporan.h"
#include "rekap.h"
#include "report.h"

#define KECREKAP_MONTHS_MAX 12	/* months in the longest period (a year) */
#define KECREKAP_TOP_MAX    10	/* people listed with the most TL4 + TK */
#define KECREKAP_NOTE_MAX   200 /* an error or mismatch note, bytes */

/* Anomaly thresholds (docs/kecamatan.md "Anomali"). */
#define KECREKAP_MANUAL_PCT    10 /* manual punches above this % of all */
#define KECREKAP_AR_PCT	       5  /* AR days above this % of HKE */
#define KECREKAP_SILENT_DAYS   3  /* working days in a row, no reader */
#define KECREKAP_UNTRUSTED_ANY 1  /* untrusted-clock punches, at least */

enum kecrekap_anomaly {
	KECREKAP_A_MANUAL = 1u << 0,	/* high share of manual punches */
	KECREKAP_A_AR = 1u << 1,	/* many alat-rusak days */
	KECREKAP_A_UNTRUSTED = 1u << 2, /* punches with an untrusted clock */
	KECREKAP_A_SILENT = 1u << 3,	/* the box saw nobody for days */
	KECREKAP_A_MISMATCH = 1u << 4,	/* its rekap.csv differs */
	KECREKAP_A_KOREKSI = 1u << 5,	/* corrections after closing */
	KECREKAP_A_ERROR = 1u << 6,	/* could not be recomputed */
};
#define KECREKAP_ANOMALIES 7

struct kecrekap_opts {
	enum civil_period_kind kind; /* MONTH, QUARTER or YEAR */
	pd_day_t first, last;
	pd_day_t today;	 /* the kecamatan's local day now */
	int64_t now_utc; /* for pelaporan and "dibuat pada" */
	int32_t offset_min;
	const char *kecamatan, *kabupaten;
	int deadline_mday;		   /* REKAP_DEADLINE_MDAY by default */
	const struct calendar_set *office; /* the kecamatan's holidays */
};

/* What the kecamatan knows of a desa besides its recomputed report. */
struct kecrekap_extra {
	const char *id, *name;
	int64_t registered_utc;
	/* received time of the first complete bundle of each month of the
	 * period, in order (0: none) */
	int64_t received_utc[KECREKAP_MONTHS_MAX];
	uint32_t corrections; /* rows correcting a closed month */
	uint32_t silent_run;  /* longest run of silent working days */
	pd_day_t silent_from; /* its first day */
	int64_t last_row_utc; /* newest row held (recorded_utc), or 0 */
	const char *mismatch; /* NULL, or how its rekap.csv differs */
	const char *error;    /* NULL, or why no report could be built */
};

struct kecrekap_desa {
	char id[PD_ID_MAX];
	char name[PD_NAME_MAX];
	uint32_t people;
	struct rekap r; /* the desa total (zero on error) */
	uint32_t corrections;
	enum pelaporan_status pel[KECREKAP_MONTHS_MAX];
	int64_t received_utc[KECREKAP_MONTHS_MAX];
	uint32_t silent_run;
	pd_day_t silent_from;
	int64_t last_row_utc;
	unsigned int anomalies; /* KECREKAP_A_* */
	char mismatch[KECREKAP_NOTE_MAX];
	char error[KECREKAP_NOTE_MAX];
};

struct kecrekap_person {
	char desa_id[PD_ID_MAX];
	char desa_name[PD_NAME_MAX];
	char id[PD_ID_MAX];
	char name[PD_NAME_MAX];
	char jabatan[PD_JABATAN_MAX];
	uint32_t tl4, tk;
};

struct kecrekap {
	enum civil_period_kind kind;
	pd_day_t first, last, today;
	char label[CIVIL_LABEL_MAX];	/* "November 2026" */
	char label_id[CIVIL_LABEL_MAX]; /* "2026-11" */
	int64_t built_utc;
	int32_t offset_min;
	char kecamatan[PD_NAME_MAX];
	char kabupaten[PD_NAME_MAX];
	int deadline_mday; /* the day of the next month it is due */
	int nmonths;
	pd_day_t month[KECREKAP_MONTHS_MAX];	/* first day of each */
	pd_day_t deadline[KECREKAP_MONTHS_MAX]; /* its moved due day */
	int64_t deadline_utc[KECREKAP_MONTHS_MAX];
	size_t ndesa;
	struct kecrekap_desa *desa; /* in the order added (by id) */
	struct rekap total;
	uint32_t people, corrections;
	uint32_t pel_on_time, pel_due; /* desa-months on time / counted */
	size_t ntop;
	struct kecrekap_person top[KECREKAP_TOP_MAX];
};

/* An empty rekap for o's period.  Free with kecrekap_free().  0, -ENOMEM,
 * -EINVAL (not a month, quarter or year). */
int kecrekap_new(const struct kecrekap_opts *o, struct kecrekap **out);
void kecrekap_free(struct kecrekap *k); /* NULL-safe */
/*
 * Adds one desa: r is its recomputed report of the same period, or NULL
 * when x->error says why there is none.  Sums it into the total, judges
 * its pelaporan for each month and its anomalies, and keeps its people
 * with the most TL4 + TK days.  0 or -ENOMEM.
 */
int kecrekap_add(struct kecrekap *k, const struct report *r,
		 const struct kecrekap_extra *x);
/* Kepatuhan pelaporan of the whole rekap: pel_on_time / pel_due. */
void kecrekap_pelaporan(const struct kecrekap *k, struct rekap_ratio *out);
/* "manual", "alat-rusak", ... for one KECREKAP_A_* bit; "" if unknown. */
const char *kecrekap_anomaly_code(unsigned int bit);
/* One line for people on a desa's anomaly bit, with its figures. */
void kecrekap_anomaly_text(const struct kecrekap_desa *d, unsigned int bit,
			   char *buf, size_t cap);

/*
 * Silence: the longest run of working days on which a desa's box recorded
 * no reader punch from anyone (days in nobody's hari kerja efektif, and
 * today while pending, are skipped and do not break a run).  Zero it with
 * kecrekap_silence_init, pass kecrekap_silence_day as the report's day_fn
 * with the struct as day_ud, then read the run.
 */
struct kecrekap_silence {
	pd_day_t first;
	int ndays;
	bool working[REPORT_DAYS_MAX]; /* someone's efektif day */
	bool heard[REPORT_DAYS_MAX];   /* a reader punch that day */
};
void kecrekap_silence_init(struct kecrekap_silence *s, pd_day_t first,
			   pd_day_t last);
int kecrekap_silence_day(void *ud, const struct report_day *d);
void kecrekap_silence_longest(const struct kecrekap_silence *s, uint32_t *run,
			      pd_day_t *from);

/*
 * Writers.  Each returns 0, -EIO when writing fp failed, or -EINVAL.
 * text: aligned tables for a terminal (decimal comma, "dibuat pada");
 * csv: RFC 4180, '.' decimals, one row per desa and a TOTAL row, no
 * generation time; html: one self-contained printable A4 page ranking
 * desa by tepat waktu, with the people with the most TL4/TK days, the
 * anomalies, kepatuhan pelaporan and a signature block.
 */
int kecrekap_text(FILE *fp, const struct kecrekap *k);
int kecrekap_csv(FILE *fp, const struct kecrekap *k);
int kecrekap_html(FILE *fp, const struct kecrekap *k);
/*
 * The same as an XLSX workbook at path (sheets Rekap, Indikator,
 * Pelaporan, Anomali, Perangkat), written through a temporary file and
 * renamed.  0, -ENOMEM, -EIO (err says why).  Implemented outside the
 * core, in daemon/kecamatan/kec_xlsx.c, over the one XLSX writer.
 */
int kecrekap_xlsx(const char *path, const struct kecrekap *k, char *err,
		  size_t cap);

#endif /* PRESENSI_KECREKAP_H */
