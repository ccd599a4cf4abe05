/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A desa rebuilt from its ledger rows, as the kecamatan holds them: people
 * and their active periods, excuses and their revocations, the rule
 * profiles and calendars in force (their texts come from the bundles'
 * rules/ entries), and the checkpoints that closed each month, which tell
 * a correction after closing (*koreksi setelah tutup buku*, DOMAIN §7.3)
 * from an ordinary row.  It feeds the core's report builder, so the
 * kecamatan judges with the box's own code.  Pure; allocates.
 *
 * Row order.  A desa may have had more than one device (a box replaced
 * after its SD card died is a new key, starting again at row 1).  Its
 * rows are ordered by device, in the order the kecamatan trusted the
 * keys (dev, a positive number that grows with each key), then by seq.
 * Each device's rows are replayed on their own (a revocation names an
 * excuse of the same device; a deactivation closes that device's open
 * period), and the facts of all devices are merged in that order.
 */
#ifndef PRESENSI_REPLAY_H
#define PRESENSI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "ledger_decode.h"
#include "report.h"

#define REPLAY_ERR_MAX 256 /* an error message, bytes incl. NUL */

struct replay;

/* An empty desa.  Free with replay_free(). 0 or -ENOMEM. */
int replay_new(struct replay **out);
void replay_free(struct replay *rp); /* NULL-safe */

/*
 * Adds one decoded row of device dev (> 0), other than a punch: rows in
 * (dev, seq) order.  Returns 0, -ENOMEM, or -EINVAL (err says why): a
 * punch (punches go to the report builder directly, see
 * replay_punch_correction), a row out of order, a revocation of a row
 * that is not an excuse of this device, a deactivation or reactivation
 * that does not match the person's periods on this device.
 */
int replay_add(struct replay *rp, int64_t dev, int64_t seq,
	       const struct ledger_fact *f, char *err, size_t cap);

/*
 * The text of a profile or calendar file by version (64 hex digits):
 * sets *text to a malloc'd NUL-terminated copy (the replay frees it) and
 * returns 0, or -ENOENT when the kecamatan never received that file, or
 * another negative errno, which stops replay_facts.
 */
typedef int replay_text_fn(void *ud, const char *version, char **text);

/*
 * The facts in force, built from every profile and calendar row in row
 * order with texts from fn.  A file the kecamatan never received is
 * skipped when it judges no day of [first, last] (a profile superseded
 * before first, a calendar named by no bundle); one that would judge a
 * day of it is -ENOENT, with err naming it.  Free with facts_free().
 * 0, -ENOMEM, -ENOENT, -EINVAL (a text does not parse), or fn's error.
 */
int replay_facts(const struct replay *rp, pd_day_t first, pd_day_t last,
		 replay_text_fn *fn, void *ud, struct facts **out, char *err,
		 size_t cap);

/* Feeds every person, period and excuse to b (before its punches). An
 * excuse's id is dev * 2^32 + seq, so later rows win as on the box. */
int replay_feed(const struct replay *rp, struct report_builder *b);

/* The number of people ever added (all devices). */
size_t replay_people(const struct replay *rp);

/*
 * Closing.  A month is closed by the first checkpoint row that names it
 * (in row order).  A row about a day of a closed month that comes after
 * that checkpoint is a correction after closing.
 */
/* True when month_first's month (its first day) is closed; *dev, *seq
 * (may be NULL) get the closing row. */
bool replay_closed(const struct replay *rp, pd_day_t month_first, int64_t *dev,
		   int64_t *seq);
/* True when a punch row (dev, seq) on day corrects a closed month. */
bool replay_punch_correction(const struct replay *rp, int64_t dev, int64_t seq,
			     pd_day_t day);

/* One row that corrects a closed month, other than a punch. */
struct replay_correction {
	int64_t dev, seq;
	enum ledger_fact_kind kind;
	char person[PD_ID_MAX]; /* "" for rules and calendar rows */
	pd_day_t first, last;	/* the days it is about, clipped to the
				 * period asked; last PD_DAY_OPEN = on */
	pd_day_t month;		/* first day of the first month it corrects */
};
typedef int replay_correction_fn(void *ud, const struct replay_correction *c);
/*
 * Calls fn for each non-punch row that corrects a month closed inside
 * [first, last], in row order.  Returns 0 or fn's non-zero value.
 */
int replay_corrections_each(const struct replay *rp, pd_day_t first,
			    pd_day_t last, replay_correction_fn *fn, void *ud);

#endif /* PRESENSI_REPLAY_H */
