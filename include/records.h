/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records every layer shares: a person and their active periods, a
 * punch with its flags, an excuse.  The device store keeps them, the core
 * judges and writes them, the kecamatan rebuilds them from ledger rows; so
 * they live here, not in store.h.  records.c holds the one table of punch
 * flag names.  Pure: fixed, bounded fields, no allocation.
 */
#ifndef PRESENSI_RECORDS_H
#define PRESENSI_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"

/*
 * ---- who acted ----
 * Every admin act names the system user who did it: the name and uid the
 * control socket's peer credentials give, never what a client claims.
 * uid ACTOR_UID_NONE marks rows of the first ledger format, which had no
 * uid.  A borrowed view: name is valid during the call it is passed to.
 */
#define ACTOR_UID_NONE (-1)
struct actor {
	const char *name; /* user name (PD_NAME_MAX bytes at most) */
	int64_t uid;	  /* numeric uid, or ACTOR_UID_NONE */
};
/* An actor for a call: ACTOR("root", 0). */
#define ACTOR(n, u) (&(const struct actor){.name = (n), .uid = (u)})

/* ---- people and their active periods (ledger kind "person") ---- */
struct person {
	char id[PD_ID_MAX];
	char name[PD_NAME_MAX];
	char jabatan[PD_JABATAN_MAX];
	pd_day_t since; /* first active day of the latest period */
	pd_day_t until; /* last active day, or PD_DAY_OPEN */
	int nprints;	/* enrolled prints */
};
#define PD_DAY_OPEN INT32_MAX

struct period {
	char person[PD_ID_MAX];
	pd_day_t since, until; /* until PD_DAY_OPEN when open */
};

/* ---- punches (ledger kind "punch") ---- */
#define PUNCH_F_SUPPRESSED 0x01 /* duplicate tap inside the window */
#define PUNCH_F_UNTRUSTED  0x02 /* clock not synchronised */
#define PUNCH_F_MANUAL	   0x04 /* entered by an admin */
#define PUNCH_F_BACKWARD   0x08 /* wall clock earlier than the last row */
#define PUNCH_F_SIMULATED  0x10 /* simulated clock (tests, demo) */
#define PUNCH_F_ALL	   0x1f /* every PUNCH_F_* bit */

#define PUNCH_SOURCE_MAX 16
#define PUNCH_CLOCK_MAX	 16

struct punch {
	int64_t seq; /* ledger seq, set by store_punch_add */
	char person[PD_ID_MAX];
	int64_t at_utc;		       /* seconds since the epoch, UTC */
	pd_day_t local_day;	       /* day in the desa's zone */
	int32_t local_sec;	       /* seconds after local midnight */
	unsigned int flags;	       /* PUNCH_F_* */
	char source[PUNCH_SOURCE_MAX]; /* "reader" or "manual" */
	char reader[PD_READER_MAX];    /* model, or "" for manual */
	char clock[PUNCH_CLOCK_MAX];   /* clock source name */
	char boot_id[PD_BOOTID_MAX];
	uint64_t mono_ms;
	char reason[PD_TEXT_MAX]; /* manual: why */
	char by[PD_NAME_MAX];	  /* manual: admin */
	int64_t by_uid;		  /* manual: admin's uid (ACTOR_UID_NONE) */
};

/*
 * The one table of punch flag names.  Each flag has a code, fixed forever
 * because ledger rows carry it ("untrusted"), and one word for people,
 * used by every report, CSV and list ("tak-tepercaya").
 */
enum records_flag_style {
	RECORDS_FLAG_CODE = 0, /* ledger: suppressed untrusted manual ... */
	RECORDS_FLAG_WORD,     /* people: ganda tak-tepercaya manual ... */
};
#define RECORDS_FLAGS_MAX 64 /* every word of every flag, separators, NUL */
/*
 * Writes the names of flags' bits in table order, separated by sep, into
 * buf (RECORDS_FLAGS_MAX bytes); "" when none.
 */
void records_flags_format(unsigned int flags, enum records_flag_style style,
			  char sep, char buf[RECORDS_FLAGS_MAX]);
/*
 * Parses codes or words separated by sep ("" is no flag).  0, or -EINVAL
 * for an unknown name.
 */
int records_flags_parse(const char *s, enum records_flag_style style, char sep,
			unsigned int *out);

/* ---- excuses (ledger kinds "excuse" and "revoke") ---- */
#define EXCUSE_KIND_MAX 16
#define EXCUSE_PART_MAX 16
struct excuse {
	int64_t id; /* its ledger seq, set by store_excuse_add */
	char person[PD_ID_MAX];
	pd_day_t from_day, to_day;  /* inclusive */
	char kind[EXCUSE_KIND_MAX]; /* izin sakit cuti dinas-luar alat-rusak */
	char part[EXCUSE_PART_MAX]; /* "" (full day), terlambat, pulang-cepat */
	char reason[PD_TEXT_MAX];
	char document[PD_TEXT_MAX]; /* surat tugas no., dinas-luar needs it */
	char by[PD_NAME_MAX];	    /* admin who entered it */
	int64_t by_uid;		    /* their uid (ACTOR_UID_NONE) */
	bool revoked;
	char revoke_reason[PD_TEXT_MAX];
};

#endif /* PRESENSI_RECORDS_H */
