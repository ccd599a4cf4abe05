/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand's recompute cache.  A desa's part of a period (its report,
 * corrections and silence, and its totals month by month for the trend
 * chart; for one day, every person's verdict) is recomputed from the
 * rows with the core's report builder and kept, stamped with the newest
 * row of each of the desa's devices when it was built.  A part is used
 * again while those heads are unchanged; a part whose period holds today
 * only within the same minute.  A push that brings only punches of days
 * outside a part's period moves its stamp on instead of dropping it, so a
 * morning of pushes leaves last month's pages cached.  Shared by the
 * worker threads (one mutex; builds run outside it).
 */
#ifndef PRESENSI_KECD_CACHE_H
#define PRESENSI_KECD_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "export.h"
#include "kec_rekap.h"
#include "kec_store.h"
#include "kecrekap.h"

#define KECD_CACHE_PARTS  6000 /* parts kept at most (about 7 KiB each) */
#define KECD_PART_DEVICES 8    /* devices of one desa a stamp follows */

struct kecd_part {
	struct report *r; /* NULL when error says why */
	char error[KECREKAP_NOTE_MAX];
	uint32_t corrections, silent_run;
	pd_day_t silent_from;
	int nmonths;
	pd_day_t month[KECREKAP_MONTHS_MAX]; /* first day of each */
	struct rekap by_month[KECREKAP_MONTHS_MAX];
	struct export_days days; /* a day's part only: each person's */
};

/* The newest row of every device of a kecamatan (kec_store_heads_each),
 * read once per page.  Free with kecd_heads_free. */
struct kecd_heads {
	size_t n;
	struct kecd_head {
		int64_t key_id, seq;
		char desa[PD_ID_MAX];
	} * h;
};
int kecd_heads_read(struct kec_store *st, int64_t kec, struct kecd_heads *out);
void kecd_heads_free(struct kecd_heads *h);

struct kecd_cache;
int kecd_cache_new(struct kecd_cache **out);
void kecd_cache_free(struct kecd_cache *c); /* NULL-safe */

/*
 * The part of desa d of kecamatan kec over [first, last] of kind, as of
 * now_utc; built with st when none is cached or it is stale.  Release
 * with kecd_cache_put.  0, -ENOMEM, or a store error (a desa that cannot
 * be recomputed is a part with its error, not a failure).
 */
int kecd_cache_get(struct kecd_cache *c, struct kec_store *st,
		   const struct kec_info *kec, const struct kec_desa *d,
		   enum civil_period_kind kind, pd_day_t first, pd_day_t last,
		   int64_t now_utc, const struct kecd_heads *heads,
		   const struct kecd_part **out);
void kecd_cache_put(struct kecd_cache *c, const struct kecd_part *p);

/* Rows stored by a push: key_id went from old_seq to new_seq, with
 * punches of day_min..day_max and facts other rows. */
void kecd_cache_rows(struct kecd_cache *c, int64_t kec, const char *desa,
		     int64_t key_id, int64_t old_seq, int64_t new_seq,
		     pd_day_t day_min, pd_day_t day_max, int facts);
/* Every part of a desa, or of everything, dropped. */
void kecd_cache_desa(struct kecd_cache *c, int64_t kec, const char *desa);
void kecd_cache_all(struct kecd_cache *c);

/* A kec_rekap_source over the cache (kec_rekap_build with a cache). */
struct kecd_source {
	struct kecd_cache *c;
	const struct kecd_heads *heads;
	struct kec_rekap_source src;
};
void kecd_source_init(struct kecd_source *s, struct kecd_cache *c,
		      const struct kecd_heads *heads);

#endif /* PRESENSI_KECD_CACHE_H */
