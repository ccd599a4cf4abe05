/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts in force: every rule profile by effective day and the holiday
 * calendars with their added days, as one set the verdict looks days up
 * in.  Filled from stored file texts in ledger order by whoever holds them
 * (the device store, the kecamatan's store); pure and allocation-light.
 */
#ifndef PRESENSI_FACTS_H
#define PRESENSI_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "pd.h"
#include "rules.h"

struct facts;

/* An empty set.  Free with facts_free().  0 or -ENOMEM. */
int facts_new(struct facts **out);
void facts_free(struct facts *f); /* NULL-safe */

/*
 * Adds a profile file's text effective from from_day; version is its
 * SHA-256 hex, name its file name; seq the ledger row it came from (named
 * in errors).  0, -ENOMEM, -EINVAL (does not parse; err says why),
 * -ENOSPC (too many profiles).
 */
int facts_add_profile(struct facts *f, pd_day_t from_day, const char *version,
		      const char *name, const char *text, int64_t seq,
		      char *err, size_t cap);
/* Adds a calendar file's text; as facts_add_profile. */
int facts_add_calendar(struct facts *f, const char *version, const char *name,
		       const char *text, int64_t seq, char *err, size_t cap);
/* Adds one day of kind ("libur", "cuti_bersama", "lokal"); as above. */
int facts_add_day(struct facts *f, pd_day_t day, const char *kind,
		  const char *name, int64_t seq, char *err, size_t cap);
/* Removes one listed day (a "calendar remove" row); 0, or -ENOENT when
 * the day is not listed (err says so). */
int facts_remove_day(struct facts *f, pd_day_t day, int64_t seq, char *err,
		     size_t cap);

const struct rules_set *facts_rules(const struct facts *f);
const struct calendar_set *facts_calendar(const struct facts *f);
/*
 * The rule and holiday of day.  Returns 0 with *rule filled, or -ENOENT
 * when no profile is in force that day (then the day is not judged).
 * holiday_name may be NULL; otherwise set to the name or NULL.
 */
int facts_day(const struct facts *f, pd_day_t day, struct day_rule *rule,
	      enum calendar_kind *holiday, const char **holiday_name);

#endif /* PRESENSI_FACTS_H */
