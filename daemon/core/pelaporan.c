/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pelaporan.c: the deadline of a month's bundle, moved to the next
 * working day of the kecamatan, and each desa's reporting status.
 */
#include "pelaporan.h"

#include "civil.h"
#include "rekap.h"

/* A kecamatan office is closed on Saturdays, Sundays and listed days. */
static bool office_closed(pd_day_t day, const struct calendar_set *cs)
{
	enum civil_weekday wd = civil_weekday(day);

	if (wd == CIVIL_SAT || wd == CIVIL_SUN)
		return true;
	return cs && calendar_day(cs, day, NULL, NULL) == 0;
}

pd_day_t pelaporan_deadline_day(pd_day_t month_day, int mday,
				const struct calendar_set *cs)
{
	pd_day_t day = rekap_deadline(month_day, mday);

	/* at most a few weeks of listed days in a row; bounded anyway */
	for (int i = 0; i < 366 && office_closed(day, cs); i++)
		day++;
	return day;
}

int64_t pelaporan_deadline_utc(pd_day_t month_day, int mday,
			       const struct calendar_set *cs,
			       int32_t offset_min)
{
	pd_day_t day = pelaporan_deadline_day(month_day, mday, cs);

	return civil_utc_from_local(day, CIVIL_SEC_PER_DAY - 1, offset_min);
}

enum pelaporan_status pelaporan_status(int64_t received_utc,
				       int64_t deadline_utc, int64_t now_utc,
				       int64_t registered_utc)
{
	if (registered_utc > deadline_utc)
		return PELAPORAN_TIDAK_WAJIB;
	if (received_utc)
		return received_utc <= deadline_utc ? PELAPORAN_TEPAT
						    : PELAPORAN_TERLAMBAT;
	return now_utc > deadline_utc ? PELAPORAN_BELUM : PELAPORAN_MENUNGGU;
}

bool pelaporan_counted(enum pelaporan_status st)
{
	return st == PELAPORAN_TEPAT || st == PELAPORAN_TERLAMBAT ||
	       st == PELAPORAN_BELUM;
}

static const struct {
	const char *code, *label;
} names[PELAPORAN_STATUSES] = {
	[PELAPORAN_TEPAT] = {"tepat", "tepat waktu"},
	[PELAPORAN_TERLAMBAT] = {"terlambat", "terlambat"},
	[PELAPORAN_BELUM] = {"belum", "belum diterima"},
	[PELAPORAN_MENUNGGU] = {"menunggu", "menunggu (belum jatuh tempo)"},
	[PELAPORAN_TIDAK_WAJIB] = {"tidak_wajib", "tidak wajib"},
};

const char *pelaporan_code(enum pelaporan_status st)
{
	return (unsigned int)st < PELAPORAN_STATUSES ? names[st].code : "";
}

const char *pelaporan_label(enum pelaporan_status st)
{
	return (unsigned int)st < PELAPORAN_STATUSES ? names[st].label : "";
}
