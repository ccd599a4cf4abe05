/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is expected at the reader next: from each person's recent punches
 * (first and last accepted punch of each of the last days) and today's,
 * an order of people, most likely first.  presensid hands the order to
 * scanner_gallery_order(), because identify stops at the first match.
 * Pure: no clock, no store, no allocation.
 */
#ifndef PRESENSI_EXPECT_H
#define PRESENSI_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "pd.h"

#define EXPECT_DAYS_MAX 14 /* history days kept per person */
/*
 * A day's first and last punch this far apart (or more) are an arrival
 * and a leave; closer, the day has an arrival only.  Today, it means the
 * person has come and gone.  Two hours: longer than any repeat tap or
 * errand, shorter than the shortest working day (Friday, 6 h 30).
 */
#define EXPECT_STAY_MIN_S 7200
/*
 * A repeat tap (the finger put down again, or a tap to check) comes within
 * this long after a punch: longer than the default duplicate window
 * (120 s).  Until then the person ranks at the seconds since that punch
 * times EXPECT_REPEAT_WEIGHT: about one arrival in five is tapped again,
 * so a just-punched person goes ahead of those due a little later, not of
 * all the people due now (tests/bench/bench_expect.c chose 4 and 180 s).
 */
#define EXPECT_REPEAT_S	     180
#define EXPECT_REPEAT_WEIGHT 4
/* Where people with nothing to go on rank: as if due this far from now. */
#define EXPECT_UNKNOWN_S 7200
#define EXPECT_NONE	 (-1) /* no punch (today_first_sec, today_last_sec) */

struct expect_person {
	char id[PD_ID_MAX];		    /* person id: ties go by it */
	pd_day_t last_day;		    /* day of the last history entry */
	uint32_t days;			    /* history entries, oldest first */
	int32_t first_sec[EXPECT_DAYS_MAX]; /* first punch that day, local s */
	int32_t last_sec[EXPECT_DAYS_MAX];  /* last punch that day, local s */
	int32_t today_first_sec;	    /* EXPECT_NONE: not in today */
	int32_t today_last_sec;		    /* EXPECT_NONE: not in today */
};

/* An empty record for person id (truncated to PD_ID_MAX - 1 bytes). */
void expect_person_init(struct expect_person *p, const char *id);

/*
 * Adds one accepted punch (the caller skips suppressed repeat taps) at
 * local day/sec.  Punches of today go to today_*; earlier days to the
 * history, which keeps the last EXPECT_DAYS_MAX days and must be fed in
 * time order (store_punch_scan's order; then each new punch as it comes).
 * 0, -EINVAL (sec outside 0..86399, a day after today, or a day before
 * last_day).
 */
int expect_person_add(struct expect_person *p, pd_day_t today, pd_day_t day,
		      int32_t sec);

/*
 * Orders the n people for local time now_sec (seconds after midnight):
 * order[0 .. n) gets indexes into p, the most expected first.  Each person
 * gets a distance from now to their next expected punch:
 *   - not in today: |usual arrival - now| (median first punch of the days);
 *   - in today, not gone: |usual leave - now| (median last punch of the
 *     days that had a leave);
 *   - nothing to go on (no history, or in today with no leave history):
 *     EXPECT_UNKNOWN_S, so they sit between the people due soon and those
 *     due much later or earlier;
 *   - gone today (first and last punch today EXPECT_STAY_MIN_S apart):
 *     after everyone else;
 *   - whoever punched today less than EXPECT_REPEAT_S ago (arrival or
 *     leave): at most EXPECT_REPEAT_WEIGHT times the seconds since that
 *     punch, so a repeat tap right after arriving or leaving finds them
 *     near the front instead of after everyone due today.
 * Smaller distance first; ties by id (strcmp), then by index.
 * 0, -EINVAL (p or order NULL with n > 0, now_sec outside 0..86399, days
 * over EXPECT_DAYS_MAX).
 */
int expect_order(const struct expect_person *p, size_t n, int32_t now_sec,
		 size_t *order);

#endif /* PRESENSI_EXPECT_H */
