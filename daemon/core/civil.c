// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * civil.c: calendar arithmetic (days since 1970-01-01, proleptic Gregorian,
 * era-based so it needs no tables), strict text formats and report periods.
 * Every date the system shows or reads passes through here.
 */
#include "civil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DAYS_PER_ERA 146097 /* 400 Gregorian years */
#define ERA_YEARS    400

static const char *const month_id[12] = {
	"Januari", "Februari", "Maret",	    "April",   "Mei",	   "Juni",
	"Juli",	   "Agustus",  "September", "Oktober", "November", "Desember",
};

static const char *const weekday_id[CIVIL_WEEKDAYS] = {
	"Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
};

static int floor_div(int64_t a, int64_t b)
{
	return (int)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

pd_day_t civil_from_ymd(int year, int month, int mday)
{
	/* Years start in March so the leap day is the year's last. */
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = floor_div(y, ERA_YEARS);
	int64_t yoe = y - era * ERA_YEARS;
	int64_t mp = (month + 9) % 12; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (pd_day_t)(era * DAYS_PER_ERA + doe - 719468);
}

void civil_to_ymd(pd_day_t day, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * ERA_YEARS + (m <= 2));
	*month = (int)m;
	*mday = (int)d;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int civil_days_in_month(int year, int month)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	return dim[month - 1] + (month == 2 && is_leap(year));
}

bool civil_ymd_valid(int year, int month, int mday)
{
	return year >= CIVIL_YEAR_MIN && year <= CIVIL_YEAR_MAX && month >= 1 &&
	       month <= 12 && mday >= 1 &&
	       mday <= civil_days_in_month(year, month);
}

enum civil_weekday civil_weekday(pd_day_t day)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = ((int64_t)day + CIVIL_THU) % CIVIL_WEEKDAYS;

	if (w < 0)
		w += CIVIL_WEEKDAYS;
	return (enum civil_weekday)w;
}

/* Monday of ISO week 1: the week holding the year's first Thursday. */
static pd_day_t iso_week1_monday(int iso_year)
{
	pd_day_t jan4 = civil_from_ymd(iso_year, 1, 4);

	return jan4 - (pd_day_t)civil_weekday(jan4);
}

void civil_iso_week(pd_day_t day, int *iso_year, int *week)
{
	int y, m, d;
	pd_day_t thu = day - (pd_day_t)civil_weekday(day) + CIVIL_THU;

	civil_to_ymd(thu, &y, &m, &d);
	*iso_year = y;
	*week = (thu - civil_from_ymd(y, 1, 1)) / 7 + 1;
}

int civil_iso_weeks_in_year(int iso_year)
{
	return (iso_week1_monday(iso_year + 1) - iso_week1_monday(iso_year)) /
	       7;
}

/* n decimal digits at s, no sign, no space. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static void put_digits(char *s, int n, int v)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		s[i] = (char)('0' + v % 10);
}

static int ymd_parse(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, y) ||
	    !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
		return -EINVAL;
	return 0;
}

int civil_date_parse(const char *s, pd_day_t *out)
{
	int y, m, d;

	if (!s || ymd_parse(s, &y, &m, &d) || !civil_ymd_valid(y, m, d))
		return -EINVAL;
	*out = civil_from_ymd(y, m, d);
	return 0;
}

void civil_date_format(pd_day_t day, char buf[CIVIL_DATE_LEN])
{
	int y, m, d;

	civil_to_ymd(day, &y, &m, &d);
	/* Fixed width; years outside 0..9999 are clamped (never parsed). */
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	put_digits(buf, 4, y);
	buf[4] = '-';
	put_digits(buf + 5, 2, m);
	buf[7] = '-';
	put_digits(buf + 8, 2, d);
	buf[10] = '\0';
}

static int hms_parse(const char *s, size_t len, int32_t *out)
{
	int h, m, sec = 0;

	if (len != 5 && len != 8)
		return -EINVAL;
	if (s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m))
		return -EINVAL;
	if (len == 8 && (s[5] != ':' || !digits(s + 6, 2, &sec)))
		return -EINVAL;
	if (h > 23 || m > 59 || sec > 59)
		return -EINVAL;
	*out = h * 3600 + m * 60 + sec;
	return 0;
}

int civil_time_parse(const char *s, int32_t *sec_out)
{
	if (!s)
		return -EINVAL;
	return hms_parse(s, strlen(s), sec_out);
}

void civil_time_format(int32_t sec, char buf[CIVIL_TIME_LEN])
{
	int32_t s = sec % CIVIL_SEC_PER_DAY;

	if (s < 0)
		s += CIVIL_SEC_PER_DAY;
	put_digits(buf, 2, (int)(s / 3600));
	buf[2] = ':';
	put_digits(buf + 3, 2, (int)(s / 60 % 60));
	buf[5] = ':';
	put_digits(buf + 6, 2, (int)(s % 60));
	buf[8] = '\0';
}

static const struct {
	const char *name;
	const char *abbrev;
	int32_t offset_min;
} zones[] = {
	{"Asia/Jakarta", "WIB", 7 * 60},
	{"Asia/Makassar", "WITA", 8 * 60},
	{"Asia/Jayapura", "WIT", 9 * 60},
};

int civil_tz_offset(const char *name, int32_t *offset_min)
{
	for (size_t i = 0; name && i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(name, zones[i].name) == 0) {
			*offset_min = zones[i].offset_min;
			return 0;
		}
	return -EINVAL;
}

const char *civil_tz_abbrev(int32_t offset_min)
{
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (zones[i].offset_min == offset_min)
			return zones[i].abbrev;
	return NULL;
}

void civil_local_from_utc(int64_t utc, int32_t offset_min, pd_day_t *day,
			  int32_t *sec)
{
	int64_t local = utc + (int64_t)offset_min * 60;
	int64_t d = local / CIVIL_SEC_PER_DAY;
	int64_t s = local % CIVIL_SEC_PER_DAY;

	if (s < 0) {
		s += CIVIL_SEC_PER_DAY;
		d--;
	}
	*day = (pd_day_t)d;
	*sec = (int32_t)s;
}

int64_t civil_utc_from_local(pd_day_t day, int32_t sec, int32_t offset_min)
{
	return (int64_t)day * CIVIL_SEC_PER_DAY + sec -
	       (int64_t)offset_min * 60;
}

int civil_local_parse(const char *s, int32_t offset_min, int64_t *utc_out)
{
	char date[CIVIL_DATE_LEN];
	pd_day_t day;
	int32_t sec;
	size_t len;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if ((len != 16 && len != 19) || s[10] != ' ')
		return -EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (civil_date_parse(date, &day) || hms_parse(s + 11, len - 11, &sec))
		return -EINVAL;
	*utc_out = civil_utc_from_local(day, sec, offset_min);
	return 0;
}

void civil_local_format(int64_t utc, int32_t offset_min,
			char buf[CIVIL_LOCAL_LEN])
{
	char d[CIVIL_DATE_LEN], t[CIVIL_TIME_LEN];
	pd_day_t day;
	int32_t sec;

	civil_local_from_utc(utc, offset_min, &day, &sec);
	civil_date_format(day, d);
	civil_time_format(sec, t);
	memcpy(buf, d, 10);
	buf[10] = ' ';
	memcpy(buf + 11, t, CIVIL_TIME_LEN);
}

/* ---- periods ---- */

static const char *const kind_names[] = {
	[CIVIL_PERIOD_DATE] = "date",	[CIVIL_PERIOD_WEEK] = "week",
	[CIVIL_PERIOD_MONTH] = "month", [CIVIL_PERIOD_QUARTER] = "quarter",
	[CIVIL_PERIOD_YEAR] = "year",
};
#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

static const char *const kind_forms[] = {
	[CIVIL_PERIOD_DATE] = "YYYY-MM-DD", [CIVIL_PERIOD_WEEK] = "YYYY-Www",
	[CIVIL_PERIOD_MONTH] = "YYYY-MM",   [CIVIL_PERIOD_QUARTER] = "YYYY-Qn",
	[CIVIL_PERIOD_YEAR] = "YYYY",
};

int civil_period_kind_parse(const char *name, enum civil_period_kind *out)
{
	for (size_t i = 0; name && i < NKINDS; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum civil_period_kind)i;
			return 0;
		}
	return -EINVAL;
}

const char *civil_period_kind_name(enum civil_period_kind kind)
{
	return (unsigned int)kind < NKINDS ? kind_names[kind] : "?";
}

static int period_err(char *err, size_t cap, enum civil_period_kind kind,
		      const char *text, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int period_err(char *err, size_t cap, enum civil_period_kind kind,
		      const char *text, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !cap)
		return -EINVAL;
	n = snprintf(err, cap, "--%s %s: ", civil_period_kind_name(kind),
		     text ? text : "(none)");
	if (n >= 0 && (size_t)n < cap) {
		va_start(ap, fmt);
		vsnprintf(err + n, cap - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool year_ok(int y)
{
	return y >= CIVIL_YEAR_MIN && y <= CIVIL_YEAR_MAX;
}

int civil_period_parse(enum civil_period_kind kind, const char *text,
		       pd_day_t *first_day, pd_day_t *last_day, char *err,
		       size_t errcap)
{
	size_t len = text ? strlen(text) : 0;
	pd_day_t first, last;
	int y, m = 1, d = 1, n;

	if ((unsigned int)kind >= NKINDS)
		return period_err(err, errcap, kind, text, "unknown period");
	if (!text)
		return period_err(err, errcap, kind, text, "expected %s",
				  kind_forms[kind]);
	if (len < 4 || !digits(text, 4, &y))
		return period_err(err, errcap, kind, text,
				  "year must be 4 digits (expected %s)",
				  kind_forms[kind]);
	if (!year_ok(y))
		return period_err(err, errcap, kind, text,
				  "year must be %d..%d", CIVIL_YEAR_MIN,
				  CIVIL_YEAR_MAX);
	switch (kind) {
	case CIVIL_PERIOD_DATE:
		if (len != 10 || text[4] != '-' || text[7] != '-')
			return period_err(err, errcap, kind, text,
					  "expected YYYY-MM-DD");
		if (!digits(text + 5, 2, &m) || m < 1 || m > 12)
			return period_err(err, errcap, kind, text,
					  "month must be 01..12");
		if (!digits(text + 8, 2, &d) || d < 1 ||
		    d > civil_days_in_month(y, m))
			return period_err(err, errcap, kind, text,
					  "day must be 01..%02d for %04d-%02d",
					  civil_days_in_month(y, m), y, m);
		first = last = civil_from_ymd(y, m, d);
		break;
	case CIVIL_PERIOD_WEEK:
		n = civil_iso_weeks_in_year(y);
		if (len != 8 || text[4] != '-' || text[5] != 'W')
			return period_err(err, errcap, kind, text,
					  "expected YYYY-Www (ISO week)");
		if (!digits(text + 6, 2, &d) || d < 1 || d > n)
			return period_err(err, errcap, kind, text,
					  "week must be 01..%02d (%04d has %d "
					  "ISO weeks)",
					  n, y, n);
		first = iso_week1_monday(y) + (d - 1) * 7;
		last = first + 6;
		break;
	case CIVIL_PERIOD_MONTH:
		if (len != 7 || text[4] != '-')
			return period_err(err, errcap, kind, text,
					  "expected YYYY-MM");
		if (!digits(text + 5, 2, &m) || m < 1 || m > 12)
			return period_err(err, errcap, kind, text,
					  "month must be 01..12");
		first = civil_from_ymd(y, m, 1);
		last = first + civil_days_in_month(y, m) - 1;
		break;
	case CIVIL_PERIOD_QUARTER:
		if (len != 7 || text[4] != '-' || text[5] != 'Q')
			return period_err(err, errcap, kind, text,
					  "expected YYYY-Qn");
		if (text[6] < '1' || text[6] > '4')
			return period_err(err, errcap, kind, text,
					  "quarter must be Q1..Q4");
		m = (text[6] - '1') * 3 + 1;
		first = civil_from_ymd(y, m, 1);
		last = civil_from_ymd(y, m + 3, 1) - 1;
		break;
	case CIVIL_PERIOD_YEAR:
	default:
		if (len != 4)
			return period_err(err, errcap, kind, text,
					  "expected YYYY");
		first = civil_from_ymd(y, 1, 1);
		last = civil_from_ymd(y, 12, 31);
		break;
	}
	*first_day = first;
	*last_day = last;
	return 0;
}

/* snprintf result -> length, or -ENAMETOOLONG when truncated. */
static int put(size_t cap, int n)
{
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return n;
}

int civil_period_label(enum civil_period_kind kind, pd_day_t day, char *buf,
		       size_t cap)
{
	int y, m, d, iy, w;

	civil_to_ymd(day, &y, &m, &d);
	switch (kind) {
	case CIVIL_PERIOD_DATE:
		return put(cap, snprintf(buf, cap, "%04d-%02d-%02d", y, m, d));
	case CIVIL_PERIOD_WEEK:
		civil_iso_week(day, &iy, &w);
		return put(cap, snprintf(buf, cap, "%04d-W%02d", iy, w));
	case CIVIL_PERIOD_MONTH:
		return put(cap, snprintf(buf, cap, "%04d-%02d", y, m));
	case CIVIL_PERIOD_QUARTER:
		return put(cap,
			   snprintf(buf, cap, "%04d-Q%d", y, (m - 1) / 3 + 1));
	case CIVIL_PERIOD_YEAR:
		return put(cap, snprintf(buf, cap, "%04d", y));
	}
	return -EINVAL;
}

int civil_period_label_id(enum civil_period_kind kind, pd_day_t day, char *buf,
			  size_t cap)
{
	static const char *const roman[4] = {"I", "II", "III", "IV"};
	int y, m, d, iy, w, y2, m2, d2;
	pd_day_t mon;

	civil_to_ymd(day, &y, &m, &d);
	switch (kind) {
	case CIVIL_PERIOD_DATE:
		return put(cap, snprintf(buf, cap, "%s, %d %s %d",
					 weekday_id[civil_weekday(day)], d,
					 month_id[m - 1], y));
	case CIVIL_PERIOD_WEEK:
		civil_iso_week(day, &iy, &w);
		mon = day - (pd_day_t)civil_weekday(day);
		civil_to_ymd(mon, &y, &m, &d);
		civil_to_ymd(mon + 6, &y2, &m2, &d2);
		if (m == m2)
			return put(cap,
				   snprintf(buf, cap,
					    "Minggu ke-%d %d (%d-%d %s)", w, iy,
					    d, d2, month_id[m - 1]));
		return put(cap,
			   snprintf(buf, cap, "Minggu ke-%d %d (%d %s - %d %s)",
				    w, iy, d, month_id[m - 1], d2,
				    month_id[m2 - 1]));
	case CIVIL_PERIOD_MONTH:
		return put(cap,
			   snprintf(buf, cap, "%s %d", month_id[m - 1], y));
	case CIVIL_PERIOD_QUARTER:
		return put(cap, snprintf(buf, cap, "Triwulan %s %d",
					 roman[(m - 1) / 3], y));
	case CIVIL_PERIOD_YEAR:
		return put(cap, snprintf(buf, cap, "Tahun %d", y));
	}
	return -EINVAL;
}

const char *civil_month_name_id(int month)
{
	return month >= 1 && month <= 12 ? month_id[month - 1] : NULL;
}

const char *civil_weekday_name_id(enum civil_weekday wd)
{
	return (unsigned int)wd < CIVIL_WEEKDAYS ? weekday_id[wd] : NULL;
}
