/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan's recompute: a desa's report for a period rebuilt from the
 * rows its bundles brought (replay.h feeds the core's report builder,
 * then the punches come from the store in builder order), and the camat's
 * rekap of every desa (kecrekap.h) with pelaporan from the import log.
 * Reads the store only.  Called by the import (to check a desa's own
 * rekap.csv) and by the rekap command.
 */
#ifndef PRESENSI_KEC_REKAP_H
#define PRESENSI_KEC_REKAP_H

#include <stddef.h>
#include <stdint.h>

#include "kec_store.h"
#include "kecrekap.h"
#include "replay.h"
#include "report.h"

/* A correction after closing, a punch (kind LEDGER_FACT_PUNCH) or not. */
typedef int kec_correction_fn(void *ud, const struct replay_correction *c);

struct kec_recompute {
	int64_t kec;
	const char *desa_id, *desa_name;
	int32_t offset_min;
	enum civil_period_kind kind;
	pd_day_t first, last;
	pd_day_t today; /* the day "now" is, for the verdicts */
	int32_t now_sec;
	int64_t now_utc;
	struct kec_bound bound; /* {0, 0}: every row held */
	const char *person;	/* only this person, or NULL */
	report_day_fn *day_fn;	/* per judged person-day, or NULL */
	void *day_ud;
	kec_correction_fn *corr_fn; /* per correction in the period, or NULL */
	void *corr_ud;
};

/*
 * Builds the desa's report (free with report_free()) and counts the rows
 * that correct a month closed inside the period (*corrections, may be
 * NULL).  0; -EINVAL (a held row does not decode or replay, a rule file
 * does not parse; err says which); -ENOENT (a profile in force was never
 * received); -ENOMEM; a store error.
 */
int kec_recompute_desa(struct kec_store *st, const struct kec_recompute *q,
		       struct report **out, uint32_t *corrections, char *err,
		       size_t cap);

/* One desa's part of the camat's rekap: its report and what the rekap
 * needs beside it. */
struct kec_rekap_part {
	const struct report *r; /* NULL when error says why there is none */
	uint32_t corrections;	/* rows correcting a closed month */
	uint32_t silent_run;	/* longest run of silent working days */
	pd_day_t silent_from;
	const char *error;
	const void *priv; /* the source's own, for its put */
};
struct kec_rekap_opts;
/* Where the parts come from when not recomputed here (kecamatand's
 * cache): get fills p, borrowed until put; a non-zero get (a negative
 * errno) stops the build. */
struct kec_rekap_source {
	int (*get)(void *ud, struct kec_store *st,
		   const struct kec_rekap_opts *o, const struct kec_desa *d,
		   struct kec_rekap_part *p);
	void (*put)(void *ud, struct kec_rekap_part *p);
	void *ud;
};

/* What the camat's rekap covers. */
struct kec_rekap_opts {
	const struct kec_info *kec;
	enum civil_period_kind kind; /* MONTH, QUARTER or YEAR */
	pd_day_t first, last;
	int64_t now_utc;		       /* the kecamatan's clock */
	const struct kec_rekap_source *source; /* NULL: recompute each desa */
};

/*
 * The camat's rekap: every desa of the kecamatan recomputed over the
 * period, with its pelaporan (the first complete bundle of each month
 * accepted, by receive time), its anomalies and mismatches.  A desa that
 * cannot be recomputed is a row with its error, not a failure.  Free
 * with kecrekap_free().  0, -ENOMEM, -EINVAL (a period kecrekap does not
 * take), or a store error.
 */
int kec_rekap_build(struct kec_store *st, const struct kec_rekap_opts *o,
		    struct kecrekap **out, char *err, size_t cap);

/* The kecamatan office's holidays (for the deadline), from the store.
 * 0, -EINVAL (a stored file does not parse), or a store error. */
int kec_rekap_office(struct kec_store *st, int64_t kec, struct calendar_set *cs,
		     char *err, size_t cap);

#endif /* PRESENSI_KEC_REKAP_H */
