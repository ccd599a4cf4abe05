/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * closing.c: closing a month (closing.h, DOMAIN §7.3).  A month closes
 * once, in order, never while it runs; the checkpoint row records health
 * figures read here (uptime, untrusted punches, reader errors, free disk)
 * and the store keeps the month's frozen bundle parts with it.
 */
#include "closing.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "bundling.h"
#include "civil.h"
#include "log.h"

#define UPTIME_PATH "/proc/uptime"

#define WHY(...)                                                               \
	do {                                                                   \
		if (why && cap)                                                \
			snprintf(why, cap, __VA_ARGS__);                       \
	} while (0)

void closing_month_of(int64_t utc, int32_t offset_min,
		      char out[LEDGER_MONTH_LEN])
{
	pd_day_t day;
	int32_t sec;
	int y, m, d;

	civil_local_from_utc(utc, offset_min, &day, &sec);
	civil_to_ymd(day, &y, &m, &d);
	snprintf(out, LEDGER_MONTH_LEN, "%04u-%02u", (unsigned int)y % 10000u,
		 (unsigned int)m % 100u);
}

static int month_ym(const char *month, int *y, int *m)
{
	pd_day_t first, last;
	int d;

	if (strlen(month) != LEDGER_MONTH_LEN - 1 ||
	    civil_period_parse(CIVIL_PERIOD_MONTH, month, &first, &last, NULL,
			       0) != 0)
		return -EINVAL;
	civil_to_ymd(first, y, m, &d);
	return 0;
}

/* The month after month. */
static void month_next(const char *month, char out[LEDGER_MONTH_LEN])
{
	int y = 0, m = 0;

	(void)month_ym(month, &y, &m); /* callers pass a valid month */
	if (++m > 12) {
		m = 1;
		y++;
	}
	snprintf(out, LEDGER_MONTH_LEN, "%04u-%02u", (unsigned int)y % 10000u,
		 (unsigned int)m % 100u);
}

static int first_row(void *ud, const struct ledger_row *r)
{
	*(int64_t *)ud = r->recorded_utc;
	return 1; /* one is enough */
}

int closing_next_month(struct store *st, int32_t offset_min,
		       char out[LEDGER_MONTH_LEN])
{
	char last[LEDGER_MONTH_LEN];
	int64_t seq, t = 0;
	int rc;

	rc = store_month_latest_closed(st, last, &seq);
	if (rc == 0) {
		month_next(last, out);
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	rc = store_ledger_each(st, 1, 1, first_row, &t);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOENT; /* no row 1: nothing recorded */
	closing_month_of(t, offset_min, out);
	return 0;
}

int closing_check(const struct closing_deps *d, const char *month, char *why,
		  size_t cap)
{
	char running[LEDGER_MONTH_LEN], next[LEDGER_MONTH_LEN];
	char last[LEDGER_MONTH_LEN];
	int64_t seq;
	bool closed;
	int y, m, rc;

	if (month_ym(month, &y, &m) != 0) {
		WHY("\"%s\" is not a month YYYY-MM", month);
		return -EINVAL;
	}
	closing_month_of(d->now_utc, d->conf->offset_min, running);
	if (strcmp(month, running) > 0) {
		WHY("%s has not begun yet (it is %s now)", month, running);
		return -EINVAL;
	}
	if (strcmp(month, running) == 0) {
		month_next(running, next);
		WHY("%s is the running month: it can be closed from %s-01 on",
		    month, next);
		return -EINVAL;
	}
	rc = store_month_closed(d->store, month, &closed);
	if (rc)
		return rc;
	if (closed) {
		WHY("%s is closed already; later rows about it travel in the "
		    "next bundle",
		    month);
		return -EEXIST;
	}
	rc = closing_next_month(d->store, d->conf->offset_min, next);
	if (rc == -ENOENT) {
		WHY("nothing is recorded yet: there is no month to close");
		return rc;
	}
	if (rc)
		return rc;
	if (strcmp(month, next) > 0) {
		WHY("close %s first: months close in order", next);
		return -EINVAL;
	}
	if (strcmp(month, next) < 0) {
		if (store_month_latest_closed(d->store, last, &seq) == 0)
			WHY("%s comes before %s, which is closed: months "
			    "close in order",
			    month, last);
		else
			WHY("nothing was recorded in %s: the first record is "
			    "in %s",
			    month, next);
		return -EINVAL;
	}
	return 0;
}

/* ---- health ---- */

static int64_t uptime_s(void)
{
	FILE *fp = fopen(UPTIME_PATH, "re");
	double up = 0;
	int n;

	if (!fp) {
		log_warn("health: %s", UPTIME_PATH);
		return 0;
	}
	n = fscanf(fp, "%lf", &up);
	fclose(fp);
	if (n != 1 || up < 0) {
		log_warnx("health: %s does not say the uptime", UPTIME_PATH);
		return 0;
	}
	return (int64_t)up;
}

static int count_untrusted(void *ud, const char *person, pd_day_t day,
			   int32_t sec, unsigned int flags)
{
	(void)person, (void)day, (void)sec;
	if (flags & PUNCH_F_UNTRUSTED)
		++*(int64_t *)ud;
	return 0;
}

static int64_t disk_free(const char *store_path)
{
	char copy[CONF_PATH_MAX];
	struct statvfs sv;
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", store_path);
	dir = dirname(copy);
	if (statvfs(dir, &sv) != 0) {
		log_warn("health: statvfs %s", dir);
		return 0;
	}
	return (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
}

int closing_health(const struct closing_deps *d, const char *month,
		   struct ledger_health *out)
{
	pd_day_t first, last;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(month) != LEDGER_MONTH_LEN - 1 ||
	    civil_period_parse(CIVIL_PERIOD_MONTH, month, &first, &last, NULL,
			       0) != 0)
		return -EINVAL;
	out->uptime_s = uptime_s();
	rc = store_punch_scan(d->store, first, last, NULL, count_untrusted,
			      &out->untrusted);
	if (rc == 0)
		rc = store_counter_get(d->store, STORE_COUNTER_READER_ERRORS,
				       &out->reader_errors);
	if (out->reader_errors < 0)
		out->reader_errors = 0;
	out->disk_free_bytes = disk_free(d->conf->store_path);
	return rc;
}

/* ---- closing ---- */

int closing_close(const struct closing_deps *d, const char *month,
		  bool auto_close, const struct actor *by, int64_t *seq,
		  char *why, size_t cap)
{
	struct ledger_checkpoint cp;
	struct bundling_frozen *f = NULL;
	int rc;

	rc = closing_check(d, month, why, cap);
	if (rc)
		return rc;
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.month, sizeof(cp.month), "%s", month);
	cp.auto_close = auto_close;
	rc = closing_health(d, month, &cp.health);
	if (rc) {
		WHY("health figures: %s", strerror(-rc));
		return rc;
	}
	rc = bundling_freeze(d->store, d->conf, month, d->now_utc, &f, why,
			     cap);
	if (rc)
		return rc;
	rc = store_checkpoint_add(d->store, &cp, &f->fz, by, d->now_utc, seq);
	bundling_frozen_free(f);
	if (rc == -EEXIST)
		WHY("%s is closed already", month);
	else if (rc == -ENOSPC)
		WHY("disk full: %s is not closed", month);
	else if (rc)
		WHY("%s is not closed: %s", month, strerror(-rc));
	else
		log_info("month %s closed%s: checkpoint row %" PRId64
			 ", %" PRId64 " untrusted punches, %" PRId64
			 " reader errors",
			 month, auto_close ? " automatically" : "", *seq,
			 cp.health.untrusted, cp.health.reader_errors);
	return rc;
}

/* When month closes by itself: its next month's close_day, close_sec. */
static int64_t auto_close_utc(const char *month, const struct conf *c)
{
	char next[LEDGER_MONTH_LEN];
	int y = 0, m = 0;

	month_next(month, next);
	(void)month_ym(next, &y, &m); /* a valid month */
	return civil_utc_from_local(civil_from_ymd(y, m, c->close_day),
				    c->close_sec, c->offset_min);
}

int closing_auto(const struct closing_deps *d, const struct actor *by,
		 int *closed, char *why, size_t cap)
{
	char next[LEDGER_MONTH_LEN], running[LEDGER_MONTH_LEN];
	int64_t seq;
	int rc;

	*closed = 0;
	closing_month_of(d->now_utc, d->conf->offset_min, running);
	for (;;) {
		rc = closing_next_month(d->store, d->conf->offset_min, next);
		if (rc == -ENOENT)
			return 0; /* nothing recorded: nothing to close */
		if (rc)
			return rc;
		if (strcmp(next, running) >= 0 ||
		    d->now_utc < auto_close_utc(next, d->conf))
			return 0;
		rc = closing_close(d, next, true, by, &seq, why, cap);
		if (rc)
			return rc;
		++*closed;
	}
}
