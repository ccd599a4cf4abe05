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
			char d[LEDGER_DATA_MAX])
{
	int rc;

	if ((rc = data_start(fmt, d)))
		return rc;
	if ((rc = data_day(d, "from", from)))
		return rc;
	DATA_ADD(d, "version", version);
	DATA_ADD(d, "name", name);
	return data_by(fmt, d, by->name, by->uid);
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
