/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Civil time: days since 1970-01-01 <-> year-month-day, weekdays, ISO weeks,
 * strict parsing and formatting of dates, times and report periods, and the
 * three fixed Indonesian zone offsets (no DST).  Pure: no allocation, no
 * locale, no libc time zone.  Used by every module that shows or reads a date.
 */
#ifndef PRESENSI_CIVIL_H
#define PRESENSI_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"

#define CIVIL_SEC_PER_DAY 86400 /* Indonesia has no DST: every day is 24 h */
#define CIVIL_YEAR_MIN	  1970	/* accepted years in parsed dates */
#define CIVIL_YEAR_MAX	  9999
#define CIVIL_DATE_LEN	  11 /* "YYYY-MM-DD" + NUL */
#define CIVIL_TIME_LEN	  9  /* "HH:MM:SS" + NUL */
#define CIVIL_LOCAL_LEN	  20 /* "YYYY-MM-DD HH:MM:SS" + NUL */
#define CIVIL_LABEL_MAX	  64 /* any period label, either form, incl. NUL */

/* Weekdays, ISO order: index into per-weekday tables of rules.h. */
enum civil_weekday {
	CIVIL_MON = 0,
	CIVIL_TUE,
	CIVIL_WED,
	CIVIL_THU,
	CIVIL_FRI,
	CIVIL_SAT,
	CIVIL_SUN,
	CIVIL_WEEKDAYS, /* 7: table size */
};

/* ---- days ---- */
/* Proleptic Gregorian; no validation (2026-02-31 is 2026-03-03). */
pd_day_t civil_from_ymd(int year, int month, int mday);
void civil_to_ymd(pd_day_t day, int *year, int *month, int *mday);
bool civil_ymd_valid(int year, int month, int mday);
int civil_days_in_month(int year, int month); /* 0 for a bad month */
enum civil_weekday civil_weekday(pd_day_t day);
/* ISO 8601 week: the week-numbering year and week 1..53. */
void civil_iso_week(pd_day_t day, int *iso_year, int *week);
/* Weeks (52 or 53) in an ISO week-numbering year. */
int civil_iso_weeks_in_year(int iso_year);

/* Strict "YYYY-MM-DD" (exactly 10 chars, real date, CIVIL_YEAR_MIN..MAX).
 * 0 or -EINVAL; *out set only on success. */
int civil_date_parse(const char *s, pd_day_t *out);
void civil_date_format(pd_day_t day, char buf[CIVIL_DATE_LEN]);

/* Strict "HH:MM" or "HH:MM:SS", 00:00:00..23:59:59 -> seconds after local
 * midnight.  0 or -EINVAL. */
int civil_time_parse(const char *s, int32_t *sec_out);
/* "HH:MM:SS"; sec is taken modulo a day (86400 shows as 00:00:00). */
void civil_time_format(int32_t sec, char buf[CIVIL_TIME_LEN]);

/* ---- zones ---- */
/* "Asia/Jakarta" 420, "Asia/Makassar" 480, "Asia/Jayapura" 540 minutes east
 * of UTC; anything else (also "WIB", "UTC") is -EINVAL. */
int civil_tz_offset(const char *name, int32_t *offset_min);
/* 420 -> "WIB", 480 -> "WITA", 540 -> "WIT", other -> NULL. */
const char *civil_tz_abbrev(int32_t offset_min);

/* UTC seconds -> the local day and seconds after local midnight. */
void civil_local_from_utc(int64_t utc, int32_t offset_min, pd_day_t *day,
			  int32_t *sec);
/* Local day + seconds after midnight -> UTC seconds. */
int64_t civil_utc_from_local(pd_day_t day, int32_t sec, int32_t offset_min);
/* Strict local "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" -> UTC seconds
 * using the fixed offset.  0 or -EINVAL. */
int civil_local_parse(const char *s, int32_t offset_min, int64_t *utc_out);
/* UTC seconds -> local "YYYY-MM-DD HH:MM:SS". */
void civil_local_format(int64_t utc, int32_t offset_min,
			char buf[CIVIL_LOCAL_LEN]);

/* ---- periods (DOMAIN §8: --date --week --month --quarter --year) ---- */
enum civil_period_kind {
	CIVIL_PERIOD_DATE = 0, /* YYYY-MM-DD */
	CIVIL_PERIOD_WEEK,     /* YYYY-Www, ISO week, Monday..Sunday */
	CIVIL_PERIOD_MONTH,    /* YYYY-MM */
	CIVIL_PERIOD_QUARTER,  /* YYYY-Qn */
	CIVIL_PERIOD_YEAR,     /* YYYY */
};

/* "date" "week" "month" "quarter" "year" (option names without "--").
 * 0 or -EINVAL. */
int civil_period_kind_parse(const char *name, enum civil_period_kind *out);
const char *civil_period_kind_name(enum civil_period_kind kind);

/*
 * Parses text of the given kind into the first and last day (inclusive).
 * Returns 0, or -EINVAL with a one-line message in err (may be NULL) that
 * names the option and the bad field, e.g.
 * "--week 2026-W54: week must be 01..53 (2026 has 53 weeks)".
 * Outputs set only on success.
 */
int civil_period_parse(enum civil_period_kind kind, const char *text,
		       pd_day_t *first_day, pd_day_t *last_day, char *err,
		       size_t errcap);

/*
 * Period labels for the period that contains day.
 * civil_period_label: the machine form, the same text civil_period_parse
 * takes ("2026-03-05", "2026-W10", "2026-03", "2026-Q1", "2026"), used in
 * file names and CSV.
 * civil_period_label_id: for people, in Indonesian ("Kamis, 5 Maret 2026",
 * "Minggu ke-10 2026 (2-8 Maret)", "Maret 2026", "Triwulan I 2026",
 * "Tahun 2026").
 * Both return the length written, or -ENAMETOOLONG if cap is too small.
 */
int civil_period_label(enum civil_period_kind kind, pd_day_t day, char *buf,
		       size_t cap);
int civil_period_label_id(enum civil_period_kind kind, pd_day_t day, char *buf,
			  size_t cap);

/* Indonesian names: "Januari".."Desember" (month 1..12), "Senin".."Minggu".
 * NULL for out-of-range input. */
const char *civil_month_name_id(int month);
const char *civil_weekday_name_id(enum civil_weekday wd);

#endif /* PRESENSI_CIVIL_H */
