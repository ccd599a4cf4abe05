/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reverse of ledger_kinds.c: one ledger row, of any format this
 * program reads (docs/ledger.md), decoded into the record it states.  The
 * kecamatan rebuilds a desa's people, punches, excuses and rules from the
 * rows of its bundles with it; the box's encoders and these decoders are
 * tested against each other, so the two stay in step.  Strict: the keys of
 * a kind must come in their documented order, with no key unknown to the
 * row's format, and every value must parse.  Pure, no allocation.
 */
#ifndef PRESENSI_LEDGER_DECODE_H
#define PRESENSI_LEDGER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "pd.h"
#include "records.h"

#define LEDGER_PRINT	      "print" /* a fingerprint enrolled/deleted */
#define LEDGER_DECODE_ERR_MAX 160     /* a decode error, bytes incl. NUL */
#define LEDGER_ACTION_MAX     16      /* "reactivate", "import", ... */

enum ledger_fact_kind {
	LEDGER_FACT_PUNCH = 0,	 /* u.punch */
	LEDGER_FACT_PERSON,	 /* u.person: add, reactivate, deactivate */
	LEDGER_FACT_PROFILE,	 /* u.profile */
	LEDGER_FACT_CALENDAR,	 /* u.calendar: a yearly file imported */
	LEDGER_FACT_CALDAY_ADD,	 /* u.calday: one day added */
	LEDGER_FACT_CALDAY_DROP, /* u.calday: one day removed (format 2) */
	LEDGER_FACT_EXCUSE,	 /* u.excuse (id = the row's seq) */
	LEDGER_FACT_REVOKE,	 /* u.revoke */
	LEDGER_FACT_PRINT,	 /* u.print (format 2) */
	LEDGER_FACT_CHECKPOINT,	 /* u.checkpoint (format 2) */
};

enum ledger_person_action {
	LEDGER_PERSON_ADD = 0,	  /* first period opens: day = since */
	LEDGER_PERSON_REACTIVATE, /* a new period opens: day = since */
	LEDGER_PERSON_DEACTIVATE, /* the open period ends: day = until */
};

struct ledger_fact_person {
	enum ledger_person_action action;
	char name[PD_NAME_MAX];
	char jabatan[PD_JABATAN_MAX];
	pd_day_t day; /* since, or until for a deactivation */
	char by[PD_NAME_MAX];
	int64_t uid; /* ACTOR_UID_NONE in format 1 */
};

struct ledger_fact_profile {
	pd_day_t from_day;
	char version[PD_HASH_HEX];
	char name[PD_TEXT_MAX];
	char by[PD_NAME_MAX];
	int64_t uid;
	bool retroactive; /* format 2: imported with from before today */
	pd_day_t on_day;  /* retroactive: the day it was imported */
	char reason[PD_TEXT_MAX]; /* retroactive: why */
};

struct ledger_fact_calendar {
	char version[PD_HASH_HEX];
	char name[PD_TEXT_MAX];
	char by[PD_NAME_MAX];
	int64_t uid;
};

struct ledger_fact_calday {
	pd_day_t day;
	char kind[16];		  /* add: libur, cuti_bersama, lokal */
	char name[PD_TEXT_MAX];	  /* add: the day's name */
	char reason[PD_TEXT_MAX]; /* remove: why */
	char by[PD_NAME_MAX];
	int64_t uid;
};

struct ledger_fact_revoke {
	int64_t excuse; /* the revoked excuse's seq */
	char reason[PD_TEXT_MAX];
	char by[PD_NAME_MAX];
	int64_t uid;
};

struct ledger_fact_print {
	bool enrol; /* enrol, else delete */
	int64_t print;
	char finger[PD_FINGER_MAX];
	char model[PD_READER_MAX];
	char consent[PD_TEXT_MAX]; /* enrol */
	char reason[PD_TEXT_MAX];  /* delete */
	char by[PD_NAME_MAX];
	int64_t uid;
};

struct ledger_fact_checkpoint {
	int64_t at_utc;		      /* when the month was closed */
	char month[LEDGER_MONTH_LEN]; /* "YYYY-MM" */
	pd_day_t first, last;	      /* the month's days */
	bool automatic;
	int64_t uptime_s;
	int64_t untrusted;
	int64_t reader_errors;
	int64_t disk_free;
	char by[PD_NAME_MAX];
	int64_t uid;
};

struct ledger_fact {
	enum ledger_fact_kind kind;
	int fmt;		/* the row's format version */
	char person[PD_ID_MAX]; /* the row's person, "" when none */
	union {
		struct punch punch; /* seq, person and at_utc from the row */
		struct ledger_fact_person person;
		struct ledger_fact_profile profile;
		struct ledger_fact_calendar calendar;
		struct ledger_fact_calday calday;
		struct excuse excuse; /* id = seq, person from the row */
		struct ledger_fact_revoke revoke;
		struct ledger_fact_print print;
		struct ledger_fact_checkpoint checkpoint;
	} u;
};

/*
 * Decodes r (its kind, person, at_utc and data) into out.  Returns 0;
 * -ENOTSUP when the row's format is newer than this program; -EINVAL for
 * anything else that is not a row this program writes: an unknown kind, a
 * key missing, unknown or out of order, a value that does not parse, a
 * person id missing where the kind needs one.  err (cap bytes, may be
 * NULL) gets one line naming the key or value, without the seq.
 */
int ledger_decode(const struct ledger_row *r, struct ledger_fact *out,
		  char *err, size_t cap);

/* The kind's word as rows carry it ("punch", "calendar", ...). */
const char *ledger_fact_kind_name(enum ledger_fact_kind kind);

#endif /* PRESENSI_LEDGER_DECODE_H */
