/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rekap of a period: the facts in force (facts.h), people and their
 * active periods, punches and excuses, run through verdict.c per
 * person-day and summed by rekap.c.  A report_builder is fed by whoever
 * holds the records (the device store through store_report.h, the
 * kecamatan's store from imported ledger rows), so both sides judge with
 * the same code.  One pass over the period's punches in (person, time)
 * order, no per-punch allocation.  Pure.
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
#include "facts.h"
#include "records.h"
#include "verdict.h"

/* ---- the report of a period ---- */
#define REPORT_PROFILES_MAX 8 /* profiles named in one report */
#define REPORT_RETRO_MAX    8 /* retroactive changes named in one report */

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
	/* the version of every calendar fact used: files and days added or
	 * removed by command (DOMAIN §8, facts_calendar_version) */
	char calendar_facts_version[PD_HASH_HEX];
	int calendar_days_changed; /* of those, days added or removed */
	/* retroactive profile imports whose re-judged days [from_day,
	 * on_day) overlap the period (DOMAIN §2.3), in ledger order; the
	 * text and CSV print them (HTML and XLSX to follow) */
	int nretro;
	struct facts_retro retro[REPORT_RETRO_MAX];
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

#define REPORT_DAYS_MAX 400 /* a year and a bit: the longest period */

/*
 * Building a report.  report_builder_new() takes the options and the
 * facts (both borrowed until the builder is finished or freed); then every
 * person, period and excuse in any order; then the period's punches in
 * order of person id (strcmp), day, seconds; then report_builder_finish().
 * o->day_fn is called per judged person-day while punches are fed and at
 * finish.  Each returns 0, -ENOMEM, -EINVAL (err says why: a period longer
 * than REPORT_DAYS_MAX, a call out of order), or a day_fn's non-zero value
 * (the builder then stops: finish returns the report built so far).
 */
struct report_builder;
int report_builder_new(const struct report_opts *o, const struct facts *f,
		       struct report_builder **out, char *err, size_t cap);
int report_builder_person(struct report_builder *b, const struct person *p);
int report_builder_period(struct report_builder *b, const struct period *p);
int report_builder_excuse(struct report_builder *b, const struct excuse *e);
int report_builder_punch(struct report_builder *b, const char *person,
			 pd_day_t day, int32_t sec, unsigned int flags);
/* Judges the rest and hands over the report (free with report_free()),
 * then frees the builder, also on error. */
int report_builder_finish(struct report_builder *b, struct report **out);
void report_builder_free(struct report_builder *b); /* NULL-safe */
void report_free(struct report *r);		    /* NULL-safe */

#endif /* PRESENSI_REPORT_H */
