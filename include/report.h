/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rekap of a period, assembled from the database: the facts in force
 * (rule profiles by effective date, holiday calendars), people and their
 * active periods, punches and excuses, run through verdict.c per
 * person-day and summed by rekap.c.  Used by the daemon's punch path
 * (facts_day) and by every report and export (report_build).  Read-only on
 * the store; one pass over the period's punches in (person, time) order.
 */
#ifndef PRESENSI_REPORT_H
#define PRESENSI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "civil.h"
#include "rekap.h"
#include "rules.h"
#include "store.h"
#include "verdict.h"

/* ---- facts: profiles and calendars in force ---- */
struct facts;

/* Loads every imported profile and calendar (and added days) from st.
 * A stored file that no longer parses is an error naming its seq.
 * Free with facts_free().  0, -ENOMEM, -EIO, -EINVAL (message in err). */
int facts_load(struct store *st, struct facts **out, char *err, size_t cap);
void facts_free(struct facts *f); /* NULL-safe */
const struct rules_set *facts_rules(const struct facts *f);
const struct calendar_set *facts_calendar(const struct facts *f);
/*
 * The rule and holiday of day.  Returns 0 with *rule filled, or -ENOENT
 * when no profile is in force that day (then the day is not judged).
 * holiday_name may be NULL; otherwise set to the name or NULL.
 */
int facts_day(const struct facts *f, pd_day_t day, struct day_rule *rule,
	      enum calendar_kind *holiday, const char **holiday_name);

/* ---- the report of a period ---- */
#define REPORT_PROFILES_MAX 8 /* profiles named in one report */

struct report_person {
	struct person p; /* id, name, jabatan, latest period */
	struct rekap r;	 /* the person's sums over the period */
	bool any_active; /* active on at least one day of the period */
};

struct report_profile_use {
	pd_day_t from_day, to_day; /* days of the period it judged */
	char name[RULES_NAME_MAX];
	char reference[PD_TEXT_MAX];
	char version[PD_HASH_HEX];
};

struct report {
	/* what was asked */
	enum civil_period_kind kind;
	pd_day_t first, last;		/* inclusive, local days */
	char label[CIVIL_LABEL_MAX];	/* "November 2026", "Minggu 2026-W48" */
	char label_id[CIVIL_LABEL_MAX]; /* "2026-11", "2026-W48" */
	pd_day_t today;			/* local day when built */
	int32_t now_sec;		/* local seconds when built */
	int64_t built_utc;		/* for "dibuat pada" (not in CSV) */
	/* desa */
	char desa_id[PD_ID_MAX];
	char desa_name[PD_NAME_MAX];
	int32_t offset_min;
	/* facts used */
	int nprofiles;
	struct report_profile_use profiles[REPORT_PROFILES_MAX];
	int ncalendars;
	struct calendar_file calendars[CALENDAR_SET_FILES_MAX];
	int64_t ledger_seq; /* ledger head when built */
	char ledger_head[PD_HASH_HEX];
	/* results */
	size_t npeople;		      /* people active at some day of period */
	struct report_person *people; /* sorted by id */
	struct rekap total;	      /* desa sum */
};

/* One judged person-day, for daily views (Harian sheet, --daily CSV). */
struct report_day {
	const struct person *person;
	const struct verdict *v;
	const char *holiday_name; /* or NULL */
	const char *profile_name; /* or NULL */
};
typedef int report_day_fn(void *ud, const struct report_day *d);

struct report_opts {
	enum civil_period_kind kind;
	pd_day_t first, last;
	pd_day_t today;	 /* the desa's local day now */
	int32_t now_sec; /* local seconds now */
	int64_t now_utc;
	const char *desa_id, *desa_name;
	int32_t offset_min;
	const char *person;    /* only this person, or NULL */
	report_day_fn *day_fn; /* called per person-day (not FUTURE), or NULL */
	void *day_ud;
};

/*
 * Builds the report.  Free with report_free().  0, -ENOMEM, -EIO, -EINVAL
 * (a stored fact that does not parse; err says which).
 */
int report_build(struct store *st, const struct report_opts *o,
		 struct report **out, char *err, size_t cap);
void report_free(struct report *r); /* NULL-safe */

#endif /* PRESENSI_REPORT_H */
