/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Holiday calendars: one INI file per year (libur nasional and cuti bersama
 * from the SKB 3 Menteri, plus local days), merged into a set with days an
 * admin adds later.  A new file for a year already in the set replaces that
 * year's file entries (Islamic dates move after sidang isbat).  Pure: no
 * allocation; the caller owns every struct.
 *
 * File format (ini.h syntax; unknown sections/keys are errors):
 *
 *   [calendar]
 *   year      = 2026                 ; required, CIVIL_YEAR_MIN..MAX
 *   name      = Hari libur 2026      ; required
 *   reference = SKB ... No. 1497, 2 dan 5 Tahun 2025   ; required
 *   [libur]                          ; libur nasional
 *   2026-01-01 = Tahun Baru Masehi
 *   [cuti_bersama]
 *   2026-02-16 = Cuti bersama Tahun Baru Imlek
 *   [lokal]                          ; kabupaten's own days
 *   2026-10-09 = Hari Jadi Kabupaten
 *
 * Errors ("file:line: message", all collected): bad date, date outside the
 * year, the same date twice (in any section), empty name, name too long.
 */
#ifndef PRESENSI_CALENDAR_H
#define PRESENSI_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pd.h"

#define CALENDAR_NAME_MAX      96  /* holiday / calendar name, bytes incl NUL */
#define CALENDAR_DAYS_MAX      64  /* listed days in one yearly file */
#define CALENDAR_SET_FILES_MAX 16  /* yearly files in a set */
#define CALENDAR_SET_DAYS_MAX  512 /* listed days in a set, files + added */

enum calendar_kind {
	CALENDAR_NONE = 0,     /* an ordinary day */
	CALENDAR_LIBUR,	       /* libur nasional */
	CALENDAR_CUTI_BERSAMA, /* cuti bersama */
	CALENDAR_LOKAL,	       /* local holiday (kabupaten) */
};

struct calendar_entry {
	pd_day_t day;
	enum calendar_kind kind;
	char name[CALENDAR_NAME_MAX];
	int8_t file; /* index into calendar_set.files, -1 = added by admin */
};

struct calendar {
	int year;
	char name[CALENDAR_NAME_MAX];
	char reference[PD_TEXT_MAX];
	char version[PD_HASH_HEX]; /* SHA-256 hex of the file; set by caller */
	int n;			   /* entries used */
	struct calendar_entry e[CALENDAR_DAYS_MAX]; /* sorted by day */
};

/*
 * Parses a yearly calendar from fp (named fname in messages).  Returns 0,
 * -EINVAL with every error in errbuf (may be NULL) as "fname:line: msg\n"
 * (*out unspecified), or -EIO.  out->version is left empty.
 */
int calendar_parse(FILE *fp, const char *fname, struct calendar *out,
		   char *errbuf, size_t errcap);

/* Counts of a calendar's entries of one kind (e.g. 17 libur in 2026). */
int calendar_count(const struct calendar *cal, enum calendar_kind kind);

struct calendar_file {
	int year;
	char name[CALENDAR_NAME_MAX];
	char version[PD_HASH_HEX];
};

struct calendar_set {
	int nfiles;
	struct calendar_file files[CALENDAR_SET_FILES_MAX];
	int n;						/* entries used */
	struct calendar_entry e[CALENDAR_SET_DAYS_MAX]; /* sorted by day */
};

void calendar_set_init(struct calendar_set *cs);
/*
 * Adds a yearly file.  If the set already has a file for cal->year, its
 * entries are dropped and the new file takes its place; days added by an
 * admin stay.  Where an added day and a file day share a date, the file's
 * entry is kept and the added one dropped.  Returns 0 or -ENOSPC (files or
 * days full; the set is then unchanged).
 */
int calendar_set_add(struct calendar_set *cs, const struct calendar *cal);
/*
 * Adds one day (kind CALENDAR_LIBUR, CUTI_BERSAMA or LOKAL) entered by an
 * admin.  Returns 0, -EEXIST (that date is already listed), -EINVAL (kind
 * CALENDAR_NONE, empty or over-long name) or -ENOSPC.
 */
int calendar_set_add_day(struct calendar_set *cs, pd_day_t day,
			 enum calendar_kind kind, const char *name);
/*
 * Removes day, whether a file or an admin listed it (ledger format 2's
 * "calendar remove": an Islamic day moved after sidang isbat).  A later
 * add of the day, or a new file for its year that lists it, makes it a
 * holiday again.  Returns 0, or -ENOENT when day is not listed.
 */
int calendar_set_remove_day(struct calendar_set *cs, pd_day_t day);
/*
 * Looks day up.  Returns 0 when it is listed (*kind and *name set; name is
 * borrowed from cs and valid until cs changes; either pointer may be NULL),
 * -ENOENT for an ordinary day.
 */
int calendar_day(const struct calendar_set *cs, pd_day_t day,
		 enum calendar_kind *kind, const char **name);
/* True when a yearly file for year is in the set (warn when not). */
bool calendar_set_has_year(const struct calendar_set *cs, int year);

/* "libur nasional", "cuti bersama", "libur lokal", "" for NONE. */
const char *calendar_kind_label(enum calendar_kind kind);
/* INI section names, equal to store.h's STORE_DAY_*: "libur",
 * "cuti_bersama", "lokal"; NULL for NONE.  parse: 0 or -EINVAL. */
const char *calendar_kind_section(enum calendar_kind kind);
int calendar_kind_parse(const char *section, enum calendar_kind *out);

#endif /* PRESENSI_CALENDAR_H */
