/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kepatuhan pelaporan (DOMAIN §4.3, §7.4): when a desa's complete monthly
 * bundle is due at the kecamatan, and whether it came in time.  The due
 * day is the mday of the next month (REKAP_DEADLINE_MDAY, the 5th, by
 * default), moved forward to the next working day of the kecamatan's
 * office while it falls on a Saturday, a Sunday or a day listed in the
 * kecamatan's own calendar.  A bundle counts as on time when it was
 * received (imported or pushed: the kecamatan's clock, never the date on
 * the stick) by 23:59:59 local time of that day.  Pure.
 */
#ifndef PRESENSI_PELAPORAN_H
#define PRESENSI_PELAPORAN_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "pd.h"

enum pelaporan_status {
	PELAPORAN_TEPAT = 0,   /* complete bundle received by the deadline */
	PELAPORAN_TERLAMBAT,   /* received after it */
	PELAPORAN_BELUM,       /* not received, and the deadline has passed */
	PELAPORAN_MENUNGGU,    /* not received, the deadline is still ahead */
	PELAPORAN_TIDAK_WAJIB, /* the desa was registered after the
				* deadline: not due, not counted */
	PELAPORAN_STATUSES,
};

/*
 * The due day for the month containing month_day: mday of the next
 * month (clamped to its length, as rekap_deadline), then moved past
 * Saturdays, Sundays and every day cs lists (NULL: weekends only).
 */
pd_day_t pelaporan_deadline_day(pd_day_t month_day, int mday,
				const struct calendar_set *cs);
/* Its last second as UTC: 23:59:59 of the due day at offset_min. */
int64_t pelaporan_deadline_utc(pd_day_t month_day, int mday,
			       const struct calendar_set *cs,
			       int32_t offset_min);
/*
 * A desa's status for one month: received_utc is when its first complete
 * bundle of the month was received (0: none yet), now_utc the kecamatan's
 * clock, registered_utc when the desa was registered.
 */
enum pelaporan_status pelaporan_status(int64_t received_utc,
				       int64_t deadline_utc, int64_t now_utc,
				       int64_t registered_utc);
/* Counted in the indicator's denominator (TEPAT, TERLAMBAT, BELUM). */
bool pelaporan_counted(enum pelaporan_status st);
/* "tepat", "terlambat", "belum", "menunggu", "tidak_wajib" (CSV) */
const char *pelaporan_code(enum pelaporan_status st);
/* "tepat waktu", "terlambat", "belum diterima", ... (people) */
const char *pelaporan_label(enum pelaporan_status st);

#endif /* PRESENSI_PELAPORAN_H */
