/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When the fingerprint readers are armed.  libfprint's heat model, in pure
 * C, and the policy over it: a wake input arms the readers for a while;
 * without one they are armed through the busy windows of the profile in
 * force (around jam masuk and jam pulang) and rest between; and they rest
 * a few seconds before the model would turn HOT, which would lock them for
 * minutes.  presensid (daemon/presensid/arming.c) and the day simulation
 * of `make bench` (tests/bench/bench_wake.c) run this same code.
 *
 * Pure: no clock, no allocation, no GLib.  Times come in as arguments:
 * monotonic milliseconds for heat and wake, local seconds after midnight
 * for the windows.  The caller owns every struct.
 */
#ifndef PRESENSI_DUTY_H
#define PRESENSI_DUTY_H

#include <stdbool.h>
#include <stdint.h>

#include "rules.h"

/*
 * libfprint 1.94.5's heat model, read from its source (hw/README.md, "How
 * readers heat"): fp-device-private.h lines 29-40 and fpi-device.c
 * fpi_device_update_temp(), lines 2194-2299.  For every driver that keeps
 * the defaults (all but the match-on-chip ones), a ratio r runs toward 1
 * with time constant DUTY_HOT_S while an action (identify, enrol, verify,
 * capture) runs, and toward 0 with DUTY_COLD_S while none does.  A device
 * starts at DUTY_R_COLD.  It is HOT from DUTY_R_HOT until r falls below
 * DUTY_R_HOT_WARM; HOT cancels the running action with
 * FP_DEVICE_ERROR_TOO_HOT and refuses new ones.  So an always-armed reader
 * is HOT after 180 s, then locked for 540 ln(0.731 / 0.5) = 205 s.
 */
#define DUTY_HOT_S	180.0 /* DEFAULT_TEMP_HOT_SECONDS (3 * 60) */
#define DUTY_COLD_S	540.0 /* DEFAULT_TEMP_COLD_SECONDS (9 * 60) */
#define DUTY_R_COLD	0.26894142136999512075 /* TEMP_COLD_THRESH, 1/(e+1) */
#define DUTY_R_HOT	(1.0 - DUTY_R_COLD)    /* TEMP_WARM_HOT_THRESH */
#define DUTY_R_HOT_WARM 0.5		       /* TEMP_HOT_WARM_THRESH */
/*
 * Our own limit, below HOT: the readers rest when the model reaches it.
 * 0.031 below DUTY_R_HOT is about 14 s of arming, a margin for the
 * difference between our estimate and the device's own (an identify that
 * ends a moment after we disarm, a restart between two identifies).
 */
#define DUTY_R_CEILING 0.70

/* After a result, a woken reader stays armed at most this much longer:
 * the next person in the queue places a finger, or presses again. */
#define DUTY_LINGER_S 15
/* Decisions are made again at least this often: windows follow the wall
 * clock (which can be set), the heat model the monotonic one. */
#define DUTY_RECHECK_MS 60000

enum duty_temp {
	DUTY_TEMP_COLD = 0,
	DUTY_TEMP_WARM,
	DUTY_TEMP_HOT,
};

/* One reader's heat, as libfprint models it. */
struct duty_heat {
	double r;      /* libfprint's temp_current_ratio, 0..1 */
	uint64_t t_ms; /* r is as of this monotonic time */
	bool active;   /* an action has run since t_ms */
	bool hot;      /* HOT: set at DUTY_R_HOT, cleared below 0.5 */
};

/* A reader just created by libfprint: r = DUTY_R_COLD, idle. */
void duty_heat_init(struct duty_heat *h, uint64_t now_ms);
/* Brings the model to now_ms (now_ms before t_ms counts as t_ms). */
void duty_heat_advance(struct duty_heat *h, uint64_t now_ms);
/* Advances to now_ms, then an action runs (active) or not from there. */
void duty_heat_set(struct duty_heat *h, bool active, uint64_t now_ms);
/* Advances to now_ms; COLD below DUTY_R_COLD, HOT as above, else WARM. */
enum duty_temp duty_heat_temp(struct duty_heat *h, uint64_t now_ms);
/*
 * Milliseconds from t_ms until r reaches target while active (or idle);
 * 0 when it is there already, UINT64_MAX when it never gets there (an
 * idle reader never warms, an active one never cools).
 */
uint64_t duty_heat_eta_ms(const struct duty_heat *h, bool active,
			  double target);

/* ---- the policy ---- */

enum duty_mode {
	DUTY_ALWAYS = 0, /* armed all the time ([wake] duty = no) */
	DUTY_WAKE,	 /* armed for armed_s after each wake press */
	DUTY_WINDOWS,	 /* no wake input: busy windows and idle slots */
};

struct duty_conf {
	enum duty_mode mode;
	uint32_t armed_s; /* DUTY_WAKE: one press arms this long */
	uint32_t rest_s;  /* a rest at DUTY_R_CEILING lasts this long */
	/* DUTY_WINDOWS: the busy windows, around the day's hours */
	uint32_t masuk_before_s, masuk_after_s;	  /* start - b .. start + a */
	uint32_t pulang_before_s, pulang_after_s; /* end - b .. end + a */
	/* DUTY_WINDOWS outside the busy windows: armed the first
	 * idle_armed_s of every idle_every_s; idle_every_s 0 = never */
	uint32_t idle_armed_s, idle_every_s;
};

/* Defaults of presensi.conf(5) [wake]; mode DUTY_WINDOWS. */
void duty_conf_defaults(struct duty_conf *c);

/* A day's busy windows, local seconds, sorted and disjoint. */
struct duty_windows {
	int n;
	struct rules_window w[2];
};

/*
 * The busy windows of a day: [start - masuk_before, start + masuk_after)
 * and [end - pulang_before, end + pulang_after), clamped to the day and
 * merged when they touch.  None on a non-working day or a holiday.
 */
void duty_windows_of(const struct duty_conf *c, const struct day_rule *r,
		     bool holiday, struct duty_windows *out);
/* True when local_sec is inside one of the windows. */
bool duty_windows_has(const struct duty_windows *w, int32_t local_sec);

/* Why the readers are (not) armed; named for logs and status. */
enum duty_why {
	DUTY_WHY_ALWAYS = 0, /* armed: mode always, or no reader heats */
	DUTY_WHY_WOKEN,	     /* armed: the wake input was pressed */
	DUTY_WHY_BUSY,	     /* armed: inside a busy window */
	DUTY_WHY_IDLE_SLOT,  /* armed: the short slot outside the windows */
	DUTY_WHY_REST,	     /* resting rest_s at DUTY_R_CEILING */
	DUTY_WHY_STANDBY,    /* not woken, or between idle slots */
	DUTY_WHY_HOT,	     /* our model is HOT: resting until WARM */
};
const char *duty_why_name(enum duty_why why);

struct duty {
	struct duty_conf c;
	struct duty_heat heat;	/* our estimate of the readers' model */
	bool heats;		/* false: no reader has a heat model */
	bool enrolling;		/* an enrolment runs (heats, armed or not) */
	bool armed;		/* the last decision */
	enum duty_why why;	/* ... and its reason */
	uint64_t wake_until_ms; /* DUTY_WAKE: armed until, 0 = never woken */
	uint64_t rest_until_ms; /* resting at the ceiling until */
};

/* Starts with the readers' model cold (DUTY_R_COLD), heating, unarmed. */
void duty_init(struct duty *d, const struct duty_conf *c, uint64_t now_ms);
/* New settings (a reload); the state is kept. */
void duty_set_conf(struct duty *d, const struct duty_conf *c);
/* A debounced press of the wake input (DUTY_WAKE; ignored otherwise). */
void duty_wake(struct duty *d, uint64_t now_ms);
/* An identify gave a result: a woken reader lingers DUTY_LINGER_S. */
void duty_result(struct duty *d, uint64_t now_ms);
/* An enrolment started or ended: it heats the reader like identify. */
void duty_set_enrolling(struct duty *d, bool on, uint64_t now_ms);
/* Whether any connected reader has a heat model (libfprint's
 * FP_DEVICE_FEATURE_ALWAYS_ON is the opposite). */
void duty_set_heats(struct duty *d, bool heats);
/* A reader reported TOO_HOT, or cooled: corrects our estimate. */
void duty_note_hot(struct duty *d, uint64_t now_ms);
void duty_note_cooled(struct duty *d, uint64_t now_ms);
/* A reader was plugged in: libfprint starts it at DUTY_R_COLD. */
void duty_note_reader(struct duty *d, uint64_t now_ms);

struct duty_decision {
	bool armed; /* identify should run now */
	enum duty_why why;
	uint64_t next_ms; /* decide again at this monotonic time (0: only
			     on an event: a press, a reader, a result) */
};

/*
 * Decides at now_ms, with the desa's local time local_sec (0..86399) and
 * today's busy windows w, or NULL when no profile is in force (then the
 * whole day is busy: nobody can say when people come).  Records the
 * decision in d (the heat estimate runs from it) and fills out.
 */
void duty_decide(struct duty *d, uint64_t now_ms, int32_t local_sec,
		 const struct duty_windows *w, struct duty_decision *out);

#endif /* PRESENSI_DUTY_H */
