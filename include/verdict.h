/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Classifies one person-day (DOMAIN §3): masuk/pulang from the day's
 * punches under the day's rule, lateness and early-leave minutes and bands,
 * holidays, excuses, active periods, today and the future.  Also the quick
 * mark the daemon's punch path uses to pick a light.  Pure and
 * allocation-free: called once per person-day by reports and the rekap.
 */
#ifndef PRESENSI_VERDICT_H
#define PRESENSI_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "pd.h"
#include "rules.h"
#include "records.h" /* PUNCH_F_* bit values, struct excuse */

#define VERDICT_BAND_STEP_MIN 30   /* TL/PSW bands are 30-minute steps */
#define VERDICT_BAND_MAX      4	   /* TL4 / PSW4: >= 91 min, or no punch */
#define VERDICT_NONE_SEC      (-1) /* masuk_sec / pulang_sec when absent */

/* ---- excuses (keterangan), entered by an admin ---- */
enum excuse_kind {
	EXCUSE_NONE = 0,
	EXCUSE_I,     /* izin */
	EXCUSE_S,     /* sakit */
	EXCUSE_C,     /* cuti: leaves hari kerja efektif */
	EXCUSE_DL,    /* dinas luar / tugas luar: counts as hadir */
	EXCUSE_AR,    /* alat rusak: appliance down, presensi manual */
	EXCUSE_KINDS, /* 6: table size */
};

enum excuse_scope {
	EXCUSE_FULL_DAY = 0, /* overrides TL, PSW and TK */
	EXCUSE_LATE_IN,	     /* "izin terlambat": cancels only TL */
	EXCUSE_EARLY_OUT,    /* "izin pulang cepat": cancels only PSW */
};

/* One excuse covering the classified day. */
struct verdict_excuse {
	enum excuse_kind kind;
	enum excuse_scope scope;
	bool revoked; /* a revocation row exists: ignored */
};

/* Kind from a code "I" "S" "C" "DL" "AR" or from store.h's struct excuse
 * kind word "izin" "sakit" "cuti" "dinas-luar" "alat-rusak".  0/-EINVAL. */
int verdict_excuse_parse(const char *code, enum excuse_kind *out);
/* Scope from store.h's part: "" full day, "terlambat", "pulang-cepat". */
int verdict_excuse_scope_parse(const char *part, enum excuse_scope *out);
/* struct excuse (store.h) -> struct verdict_excuse.  0 or -EINVAL. */
int verdict_excuse_from_store(const struct excuse *e,
			      struct verdict_excuse *out);
const char *verdict_excuse_code(enum excuse_kind kind);	 /* "" for NONE */
const char *verdict_excuse_label(enum excuse_kind kind); /* "Izin", ... */
const char *verdict_excuse_word(enum excuse_kind kind);	 /* "izin", ... */

/* One punch of the day as the verdict needs it (from struct punch). */
struct verdict_punch {
	int32_t sec;	    /* local seconds after midnight (punch.local_sec) */
	unsigned int flags; /* PUNCH_F_* */
};

/*
 * What the day is, most decisive first.  BELUM_HADIR is not (yet) in hari
 * kerja efektif; BELUM_PULANG is hadir, with TL judged once the arrival
 * window has closed and PSW left for later.
 */
enum verdict_status {
	VERDICT_FUTURE = 0,   /* after today: not counted at all */
	VERDICT_INACTIVE,     /* outside the person's active periods */
	VERDICT_NONWORKING,   /* weekday off, or no profile in force */
	VERDICT_LIBUR,	      /* libur nasional or lokal (see .holiday) */
	VERDICT_CUTI_BERSAMA, /* cuti bersama */
	VERDICT_EXCUSED,      /* full-day excuse (see .excuse) */
	VERDICT_HADIR,	      /* accepted punches; TL/PSW may apply */
	VERDICT_BELUM_HADIR,  /* today, no punch yet, leave window open */
	VERDICT_BELUM_PULANG, /* today, punched, no pulang, leave window open */
	VERDICT_TK,	      /* working day, no punch, no excuse */
	VERDICT_STATUSES,
};

/* Role each input punch played (optional output array). */
enum verdict_role {
	VERDICT_ROLE_SUPPRESSED = 0, /* duplicate tap: ignored */
	VERDICT_ROLE_MASUK,
	VERDICT_ROLE_PULANG,
	VERDICT_ROLE_OTHER,   /* in a window, accepted, not chosen */
	VERDICT_ROLE_OUTSIDE, /* outside both windows: listed, not used */
	VERDICT_ROLE_OFFDAY,  /* on a day not judged (libur, inactive...) */
};

struct verdict_input {
	pd_day_t day;
	const struct day_rule *rule; /* NULL = no profile in force */
	enum calendar_kind holiday; /* calendar_day() result, NONE if -ENOENT */
	bool active;		    /* day inside one of the person's periods */
	const struct verdict_punch *punches; /* any order; may be NULL if n 0 */
	size_t npunches;
	const struct verdict_excuse *excuses; /* covering this day */
	size_t nexcuses;
	pd_day_t today;	 /* the desa's local day now */
	int32_t now_sec; /* local seconds after midnight now (for today) */
};

struct verdict {
	pd_day_t day;
	enum verdict_status status;
	enum calendar_kind holiday; /* as given (also on nonworking days) */
	enum excuse_kind excuse;    /* full-day excuse in force, or NONE */
	bool working;		    /* profile working day, before holidays */
	bool efektif;		    /* counts in hari kerja efektif */
	bool hadir;		    /* hari hadir: efektif and (punch or DL) */
	bool provisional;	    /* today, leave window open: may change */
	int32_t start_s, end_s;	    /* the rule's hours (0 if not working) */

	int32_t masuk_sec;	  /* VERDICT_NONE_SEC when none */
	unsigned int masuk_flags; /* PUNCH_F_* of the chosen punch */
	int32_t pulang_sec;	  /* VERDICT_NONE_SEC when none */
	unsigned int pulang_flags;

	int32_t late_min;  /* ceil((masuk - start) / 60) when past grace;
			    * as measured, also when an excuse cancels TL */
	int tl;		   /* TL band 0..4 after excuses (4 also: no masuk) */
	bool no_masuk;	   /* "tidak absen masuk" (tl = 4, late_min 0) */
	bool late_excused; /* a LATE_IN or full-day excuse cancelled TL */
	int32_t early_min; /* ceil((end - pulang) / 60) when before end;
			    * as measured, also when an excuse cancels PSW */
	int psw;	   /* PSW band 0..4 after excuses (4 also: no pulang) */
	bool no_pulang;	   /* "tidak absen pulang" (psw = 4, early_min 0) */
	bool early_excused; /* an EARLY_OUT or full-day excuse cancelled PSW */

	/* punch counts of the day (all statuses except FUTURE) */
	unsigned int n_accepted;   /* not suppressed */
	unsigned int n_untrusted;  /* accepted with PUNCH_F_UNTRUSTED */
	unsigned int n_manual;	   /* accepted with PUNCH_F_MANUAL */
	unsigned int n_suppressed; /* duplicate taps, ignored */
	unsigned int n_outside;	   /* accepted, outside both windows */
};

/*
 * Classifies in->day.  roles may be NULL, or an array of in->npunches that
 * receives each punch's role (the list of punches outside both windows).
 * Manual punches are judged like reader punches but only fill a role (masuk
 * or pulang) no reader punch fills.  Returns 0, or -EINVAL for a bad input
 * (punch sec outside 0..86399, npunches > 0 with NULL punches, excuse kind
 * out of range); *out set only on success.
 */
int verdict_classify(const struct verdict_input *in, struct verdict *out,
		     enum verdict_role *roles);

/* Band of a minute count: 0 for 0, 1 for 1..30, ..., 4 for >= 91. */
int verdict_band(int32_t minutes);

/* "Hadir", "TK", "Belum hadir", ... for people; short codes for CSV:
 * "FUTURE" "INACTIVE" "OFF" "LIBUR" "CB" "EXC" "H" "BH" "BP" "TK". */
const char *verdict_status_label(enum verdict_status st);
const char *verdict_status_code(enum verdict_status st);

/* ---- the punch path: one mark for the light ---- */
enum verdict_mark {
	VERDICT_MARK_ON_TIME = 0, /* masuk within grace, pulang at/after end,
				   * or a repeat inside the arrival window */
	VERDICT_MARK_LATE,	  /* masuk after start + grace */
	VERDICT_MARK_EARLY,	  /* pulang before end */
	VERDICT_MARK_OUTSIDE,	  /* outside both windows */
	VERDICT_MARK_NONWORKING,  /* day off, holiday, or r == NULL */
};

/*
 * What a new punch at local second sec means right now.  have_masuk_today:
 * an earlier accepted punch of this person today fell in the arrival window
 * (then a punch in the leave window is a pulang, also where the windows
 * overlap, and another arrival-window punch is a repeat, ON_TIME).  Excuses
 * are not consulted (the light is immediate; the rekap applies them).
 */
enum verdict_mark verdict_mark_punch(const struct day_rule *r,
				     enum calendar_kind holiday, int32_t sec,
				     bool have_masuk_today);

#endif /* PRESENSI_VERDICT_H */
