/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ledger_kinds.c: the data string of each ledger kind, per format version.
 * One encoder per kind writes new rows and re-derives old ones from their
 * side-table rows for chain verify; an encoder of a shipped version never
 * changes (docs/ledger.md).
 */
#include "ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#define DATA_ADD(d, k, v)                                                      \
	do {                                                                   \
		int rc_ = ledger_data_add((d), LEDGER_DATA_MAX, (k), (v));     \
		if (rc_)                                                       \
			return rc_ == -ENAMETOOLONG ? -EINVAL : rc_;           \
	} while (0)

int ledger_data_format(const char *data, int *fmt)
{
	char *end;
	long v;

	if (strncmp(data, "v=", 2) != 0) {
		*fmt = LEDGER_FORMAT_1;
		return 0;
	}
	if (data[2] < '1' || data[2] > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(data + 2, &end, 10);
	if (errno || (*end != ';' && *end != '\0') || v <= LEDGER_FORMAT_1)
		return -EINVAL;
	if (v > LEDGER_FORMAT)
		return -ENOTSUP;
	*fmt = (int)v;
	return 0;
}

/* Starts d: empty for format 1, "v=N" after. */
static int data_start(int fmt, char d[LEDGER_DATA_MAX])
{
	d[0] = '\0';
	if (fmt < LEDGER_FORMAT_1 || fmt > LEDGER_FORMAT)
		return -EINVAL;
	if (fmt > LEDGER_FORMAT_1)
		return ledger_data_addf(d, LEDGER_DATA_MAX, "v", "%d", fmt) == 0
			       ? 0
			       : -EINVAL;
	return 0;
}

static int data_int(char *d, const char *key, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	DATA_ADD(d, key, buf);
	return 0;
}

/* by, and from format 2 on its uid (docs/ledger.md "Who acted"). */
static int data_by(int fmt, char *d, const char *name, int64_t uid)
{
	int rc;

	DATA_ADD(d, "by", name);
	if (fmt > LEDGER_FORMAT_1 && (rc = data_int(d, "uid", uid)))
		return rc;
	return 0;
}

static int data_day(char *d, const char *key, pd_day_t day)
{
	char buf[CIVIL_DATE_LEN];

	civil_date_format(day, buf);
	DATA_ADD(d, key, buf);
	return 0;
}

int ledger_punch_data(int fmt, const struct punch *p, char d[LEDGER_DATA_MAX])
{
	char flags[RECORDS_FLAGS_MAX];
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	records_flags_format(p->flags, RECORDS_FLAG_CODE, '+', flags);
	if ((rc = data_day(d, "day", p->local_day)) ||
	    (rc = data_int(d, "sec", p->local_sec)))
		return rc;
	DATA_ADD(d, "flags", flags);
	DATA_ADD(d, "source", p->source);
	DATA_ADD(d, "reader", p->reader);
	DATA_ADD(d, "clock", p->clock);
	DATA_ADD(d, "boot", p->boot_id);
	if ((rc = data_int(d, "mono", (int64_t)p->mono_ms)))
		return rc;
	if (p->flags & PUNCH_F_MANUAL) {
		DATA_ADD(d, "reason", p->reason);
		if ((rc = data_by(fmt, d, p->by, p->by_uid)))
			return rc;
	}
	return 0;
}

int ledger_person_data(int fmt, const char *action, const char *name,
		       const char *jabatan, const char *day_key, pd_day_t day,
		       const struct actor *by, char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	DATA_ADD(d, "action", action);
	DATA_ADD(d, "name", name);
	DATA_ADD(d, "jabatan", jabatan);
	if ((rc = data_day(d, day_key, day)))
		return rc;
	return data_by(fmt, d, by->name, by->uid);
}

int ledger_profile_data(int fmt, pd_day_t from, const char *version,
			const char *name, const struct actor *by,
			pd_day_t retro_on, const char *reason,
			char d[LEDGER_DATA_MAX])
{
	int rc;

	if (retro_on != PD_DAY_OPEN && (fmt < 2 || !reason))
		return -EINVAL; /* format 1 had no retroactive import */
	if ((rc = data_start(fmt, d)))
		return rc;
	if ((rc = data_day(d, "from", from)))
		return rc;
	DATA_ADD(d, "version", version);
	DATA_ADD(d, "name", name);
	if ((rc = data_by(fmt, d, by->name, by->uid)))
		return rc;
	if (retro_on == PD_DAY_OPEN)
		return 0;
	DATA_ADD(d, "retroactive", "1");
	if ((rc = data_day(d, "on", retro_on)))
		return rc;
	DATA_ADD(d, "reason", reason);
	return 0;
}

int ledger_calendar_data(int fmt, const char *version, const char *name,
			 const struct actor *by, char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	DATA_ADD(d, "action", "import");
	DATA_ADD(d, "version", version);
	DATA_ADD(d, "name", name);
	return data_by(fmt, d, by->name, by->uid);
}

int ledger_calday_data(int fmt, pd_day_t day, const char *kind,
		       const char *name, const struct actor *by,
		       char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	DATA_ADD(d, "action", "add");
	if ((rc = data_day(d, "day", day)))
		return rc;
	DATA_ADD(d, "kind", kind);
	DATA_ADD(d, "name", name);
	return data_by(fmt, d, by->name, by->uid);
}

int ledger_calremove_data(int fmt, pd_day_t day, const char *reason,
			  const struct actor *by, char d[LEDGER_DATA_MAX])
{
	int rc;

	if (fmt < 2)
		return -EINVAL; /* format 1 could not remove a day */
	if ((rc = data_start(fmt, d)))
		return rc;
	DATA_ADD(d, "action", "remove");
	if ((rc = data_day(d, "day", day)))
		return rc;
	DATA_ADD(d, "reason", reason);
	return data_by(fmt, d, by->name, by->uid);
}

int ledger_excuse_data(int fmt, const struct excuse *e, char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	if ((rc = data_day(d, "from", e->from_day)) ||
	    (rc = data_day(d, "to", e->to_day)))
		return rc;
	DATA_ADD(d, "kind", e->kind);
	DATA_ADD(d, "part", e->part);
	DATA_ADD(d, "reason", e->reason);
	DATA_ADD(d, "document", e->document);
	return data_by(fmt, d, e->by, e->by_uid);
}

int ledger_revoke_data(int fmt, int64_t excuse_id, const char *reason,
		       const struct actor *by, char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	if ((rc = data_int(d, "excuse", excuse_id)))
		return rc;
	DATA_ADD(d, "reason", reason);
	return data_by(fmt, d, by->name, by->uid);
}

/* A month "YYYY-MM" that civil's month periods accept. */
static bool month_ok(const char *m)
{
	pd_day_t first, last;

	return strlen(m) == LEDGER_MONTH_LEN - 1 &&
	       civil_period_parse(CIVIL_PERIOD_MONTH, m, &first, &last, NULL,
				  0) == 0;
}

int ledger_checkpoint_data(int fmt, const struct ledger_checkpoint *c,
			   const struct actor *by, char d[LEDGER_DATA_MAX])
{
	const struct ledger_health *h = &c->health;
	int rc;

	if (fmt < 2) /* format 1 had no checkpoint */
		return -EINVAL;
	if ((rc = data_start(fmt, d)))
		return rc;
	if (!month_ok(c->month) || (c->auto_close != 0 && c->auto_close != 1) ||
	    h->uptime_s < 0 || h->untrusted < 0 || h->reader_errors < 0 ||
	    h->disk_free_bytes < 0)
		return -EINVAL;
	DATA_ADD(d, "month", c->month);
	if ((rc = data_int(d, "auto", c->auto_close)) ||
	    (rc = data_int(d, "uptime", h->uptime_s)) ||
	    (rc = data_int(d, "untrusted", h->untrusted)) ||
	    (rc = data_int(d, "reader_errors", h->reader_errors)) ||
	    (rc = data_int(d, "disk_free", h->disk_free_bytes)))
		return rc;
	return data_by(fmt, d, by->name, by->uid);
}

/* A non-negative decimal value of key, no sign, no leading zeros. */
static int get_count(const char *data, const char *key, int64_t *out)
{
	char v[24], *end;
	long long x;

	if (ledger_data_get(data, key, v, sizeof(v)) != 0 || !v[0] ||
	    v[0] < '0' || v[0] > '9' || (v[0] == '0' && v[1]))
		return -EINVAL;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = x;
	return 0;
}

int ledger_checkpoint_parse(const char *data, struct ledger_checkpoint *c)
{
	int64_t auto_close;
	int fmt, rc;

	memset(c, 0, sizeof(*c));
	rc = ledger_data_format(data, &fmt);
	if (rc)
		return rc;
	if (fmt < 2 ||
	    ledger_data_get(data, "month", c->month, sizeof(c->month)) != 0 ||
	    !month_ok(c->month) || get_count(data, "auto", &auto_close) ||
	    auto_close > 1 || get_count(data, "uptime", &c->health.uptime_s) ||
	    get_count(data, "untrusted", &c->health.untrusted) ||
	    get_count(data, "reader_errors", &c->health.reader_errors) ||
	    get_count(data, "disk_free", &c->health.disk_free_bytes))
		return -EINVAL;
	c->auto_close = (int)auto_close;
	return 0;
}
int ledger_print_data(int fmt, const char *action, int64_t print,
		      const char *finger, const char *model, const char *note,
		      const struct actor *by, char d[LEDGER_DATA_MAX])
{
	bool enrol = strcmp(action, "enrol") == 0;
	int rc;

	/* format 1 had no print facts */
	if (fmt < LEDGER_FORMAT_PRINT || (!enrol && strcmp(action, "delete")))
		return -EINVAL;
	if ((rc = data_start(fmt, d)))
		return rc;
	DATA_ADD(d, "action", action);
	if ((rc = data_int(d, "print", print)))
		return rc;
	DATA_ADD(d, "finger", finger);
	DATA_ADD(d, "model", model);
	DATA_ADD(d, enrol ? "consent" : "reason", note);
	return data_by(fmt, d, by->name, by->uid);
}
