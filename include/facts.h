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
/* Removes one listed day (calendar action "remove"); as facts_add_day,
 * -ENOENT when the day is not listed. */
int facts_remove_day(struct facts *f, pd_day_t day, int64_t seq, char *err,
		     size_t cap);

/*
 * The version of the whole set of calendar facts (DOMAIN §8): SHA-256 hex
 * of one line per fact in the order they were added (ledger order):
 * "file <version>", "add <YYYY-MM-DD> <kind> <name>", "remove
 * <YYYY-MM-DD>", each ended by LF.  The same facts in the same order give
 * the same version.
 */
void facts_calendar_version(const struct facts *f, char out[PD_HASH_HEX]);
/* How many days were added or removed by command (the lines not "file"). */
int facts_calendar_days_changed(const struct facts *f);

/* ---- retroactive profile imports (DOMAIN §2.3) ---- */
#define FACTS_RETRO_MAX RULES_SET_MAX
struct facts_retro {
	int64_t seq;		   /* the profile row */
	pd_day_t from_day, on_day; /* it re-judged [from_day, on_day) */
	char name[RULES_NAME_MAX];
	char version[PD_HASH_HEX];
	char reason[PD_TEXT_MAX];
	char by[PD_NAME_MAX];
};
/* Records one (strings are cut to fit).  0 or -ENOSPC. */
int facts_add_retro(struct facts *f, const struct facts_retro *r);
/* The retroactive imports in the order added; *n receives their count. */
const struct facts_retro *facts_retros(const struct facts *f, int *n);

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
