/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Closing a month (DOMAIN §7.3): the rules a close must follow, the health
 * figures the checkpoint row records, and the close itself, by the sekdes
 * ("presensi close") or by presensid on the configured day.  The close
 * freezes what the month's complete bundle holds besides its rows
 * (bundling.h).  No GLib: presensid's monthly.c calls it from the main
 * loop, the unit tests call it directly.
 */
#ifndef PRESENSI_CLOSING_H
#define PRESENSI_CLOSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ledger.h"
#include "records.h"
#include "store.h"

#define CLOSING_WHY_MAX 256 /* a reason buffer that always suffices */

/* What a close needs; borrowed for the call. */
struct closing_deps {
	struct store *store;
	const struct conf *conf; /* desa, zone, close day, store path */
	int64_t now_utc;	 /* the desa's clock (it may be simulated) */
};

/* The local month "YYYY-MM" that holds utc. */
void closing_month_of(int64_t utc, int32_t offset_min,
		      char out[LEDGER_MONTH_LEN]);

/*
 * The month that must close next: the one after the latest closed month,
 * or, when none is closed, the month of the ledger's first row.  0,
 * -ENOENT (nothing recorded yet), or a database error.
 */
int closing_next_month(struct store *st, int32_t offset_min,
		       char out[LEDGER_MONTH_LEN]);

/*
 * Whether month may be closed now, with a one-line reason in why: 0;
 * -EEXIST it is closed already; -EINVAL not a month, the running month or
 * a later one, before the first record, or not the next in order; -ENOENT
 * nothing is recorded yet; or a database error.
 */
int closing_check(const struct closing_deps *d, const char *month, char *why,
		  size_t cap);

/*
 * The health figures of a checkpoint of month: seconds since boot
 * (/proc/uptime; 0 when unreadable), the month's punches taken with an
 * untrusted clock, the reader errors counted since the last close, and
 * the free bytes of the store's file system (statvfs).  0 or a database
 * error.
 */
int closing_health(const struct closing_deps *d, const char *month,
		   struct ledger_health *out);

/*
 * Closes month after closing_check, freezing its bundle's parts
 * (bundling_freeze); by is the sekdes, or presensid for auto.  Sets *seq
 * to the checkpoint row.  The codes of closing_check, -ENOMEM, -EIO
 * (a rekap file could not be made), or a database error; why says.
 */
int closing_close(const struct closing_deps *d, const char *month,
		  bool auto_close, const struct actor *by, int64_t *seq,
		  char *why, size_t cap);

/*
 * The automatic close: closes, in order, every unclosed month whose day
 * has come, i.e. each month M before the running one once it is past
 * conf->close_day of the month after M at conf->close_sec, local time.
 * *closed counts the months closed.  0 (also when none was due), or the
 * first failure's code with why.
 */
int closing_auto(const struct closing_deps *d, const struct actor *by,
		 int *closed, char *why, size_t cap);

#endif /* PRESENSI_CLOSING_H */
