/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule profiles (jam kerja as data, DOMAIN §2): parsed from an INI file,
 * resolved per day into a struct day_rule, and kept in a set ordered by the
 * day each profile takes effect, so a later import never re-judges earlier
 * days.  Pure: no allocation; the caller owns every struct.
 *
 * Profile file format (ini.h syntax; unknown sections/keys are errors):
 *
 *   [profile]
 *   name      = PPU 24/2018 5 hari      ; required, < RULES_NAME_MAX bytes
 *   reference = Perbup Penajam Paser Utara No. 24 Tahun 2018   ; required
 *   grace_s   = 59        ; toleransi in seconds, 0..RULES_GRACE_MAX_S
 *   week      = 5         ; optional, 5 or 6: must equal the working days
 *                         ; of [hours] (catches a forgotten "libur")
 *   [hours]               ; all seven required
 *   mon = 07:30-16:00     ; start-end ("HH:MM" or "HH:MM:SS"), start < end
 *   ...
 *   sat = libur           ; not a working day
 *   [windows]             ; optional
 *   masuk      = 07:30-08:10   ; arrival window, every working day
 *   pulang     = 15:20-17:00   ; leave window
 *   pulang.fri = 14:20-16:00   ; per-weekday override (masuk.<day> too)
 *   [ramadan]             ; optional
 *   from = 2026-02-18     ; first day, inclusive (required in the section)
 *   to   = 2026-03-19     ; last day, inclusive
 *   mon  = 08:00-14:00    ; weekdays not listed keep their [hours]
 *   masuk = ... pulang.fri = ...   ; windows as in [windows]
 *
 * Windows open at "from" (inclusive) and close at "to" (exclusive):
 * masuk = 07:30-08:10 accepts 07:30:00..08:09:59; "24:00" is allowed as a
 * close.  A working day without a window uses the default: arrival from
 * 00:00 to the midpoint of start and end, leave from the midpoint to 24:00.
 * Ramadan days never inherit [windows]: they use the [ramadan] windows or
 * the midpoint defaults of the Ramadan hours.  The arrival and leave
 * windows may overlap (a short Friday): masuk is the first accepted punch
 * in the arrival window, pulang the last one in the leave window that is
 * later than masuk, so a single punch is never both (DOMAIN §3.3).
 */
#ifndef PRESENSI_RULES_H
#define PRESENSI_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "civil.h"
#include "pd.h"

#define RULES_NAME_MAX	  64   /* profile name, bytes incl. NUL */
#define RULES_GRACE_MAX_S 3600 /* a grace above an hour is a typo */
#define RULES_SET_MAX	  32   /* profiles in force over a device's life */

/* [from_s, to_s): seconds after local midnight, 0 <= from_s < to_s <= 86400 */
struct rules_window {
	int32_t from_s; /* opens, inclusive */
	int32_t to_s;	/* closes, exclusive */
};

/* One weekday's hours. */
struct rules_hours {
	bool working;	 /* false: "libur" */
	int32_t start_s; /* jam masuk, seconds after midnight */
	int32_t end_s;	 /* jam pulang, > start_s */
};

struct rules_profile {
	char name[RULES_NAME_MAX];
	char reference[PD_TEXT_MAX]; /* legal text */
	char version[PD_HASH_HEX]; /* SHA-256 hex of the file; set by caller */
	int32_t grace_s;	   /* toleransi for masuk, seconds */
	int week_days;		   /* 5 or 6 as written, 0 when not given */
	struct rules_hours hours[CIVIL_WEEKDAYS];   /* by enum civil_weekday */
	struct rules_window masuk[CIVIL_WEEKDAYS];  /* resolved (defaults */
	struct rules_window pulang[CIVIL_WEEKDAYS]; /* filled in) */
	bool has_ramadan;
	pd_day_t ramadan_from, ramadan_to; /* inclusive */
	struct rules_hours ramadan_hours[CIVIL_WEEKDAYS];
	struct rules_window ramadan_masuk[CIVIL_WEEKDAYS];
	struct rules_window ramadan_pulang[CIVIL_WEEKDAYS];
};

/* What one profile says about one day. */
struct day_rule {
	bool working;		    /* working weekday (holidays: calendar.h) */
	bool ramadan;		    /* Ramadan hours applied */
	int32_t start_s, end_s;	    /* seconds after local midnight */
	int32_t grace_s;	    /* masuk is late after start_s + grace_s */
	struct rules_window masuk;  /* arrival window */
	struct rules_window pulang; /* leave window */
	const struct rules_profile *profile; /* borrowed; NULL if none */
};

/*
 * Parses a profile from fp (named fname in messages) into out.  Every error
 * is collected into errbuf (may be NULL) as "fname:line: message\n"; a
 * missing required key is reported with the section's line (or line 0).
 * out->version is left empty for the caller (crypto.c hashes the bytes).
 * Returns 0, -EINVAL (errors in errbuf; *out unspecified) or -EIO.
 */
int rules_parse(FILE *fp, const char *fname, struct rules_profile *out,
		char *errbuf, size_t errcap);

/* Resolves day under profile p (Ramadan range, weekday, windows).
 * Infallible; out->profile = p. */
void rules_day(const struct rules_profile *p, pd_day_t day,
	       struct day_rule *out);

/* True when from_s <= sec < to_s. */
bool rules_in_window(const struct rules_window *w, int32_t sec);

/* ---- a set of profiles, each in force from its day ---- */
struct rules_set_entry {
	pd_day_t from_day; /* first day judged by this profile */
	struct rules_profile profile;
};

struct rules_set {
	int n;					 /* entries used */
	struct rules_set_entry e[RULES_SET_MAX]; /* sorted by from_day */
};

void rules_set_init(struct rules_set *s);
/*
 * Copies p into the set, in force from from_day until the next entry's
 * from_day.  An entry with the same from_day is replaced (the later
 * import wins for that date on); days before from_day keep their profile.
 * Returns 0 or -ENOSPC (RULES_SET_MAX reached).
 */
int rules_set_add(struct rules_set *s, pd_day_t from_day,
		  const struct rules_profile *p);
/* The profile in force on day, or NULL if day precedes every entry; the
 * pointer is into s and valid until s changes.
 * from_day (may be NULL) receives its effective-from day. */
const struct rules_profile *rules_set_find(const struct rules_set *s,
					   pd_day_t day, pd_day_t *from_day);
/* rules_set_find + rules_day.  0, or -ENOENT when no profile is in force. */
int rules_set_day(const struct rules_set *s, pd_day_t day,
		  struct day_rule *out);

#endif /* PRESENSI_RULES_H */
