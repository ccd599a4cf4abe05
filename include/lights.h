/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Status lights: the semantic states of docs/domain.md §5 become timed on/off
 * steps for a backend (GPIO lines, or the simulated log).  No timers of its
 * own: lights_show() and lights_tick() return the next deadline and the
 * daemon arms a timeout for it.  Called from the main loop only.
 */
#ifndef PRESENSI_LIGHTS_H
#define PRESENSI_LIGHTS_H

#include <stdint.h>

enum light_state {
	LIGHT_OFF = 0,
	LIGHT_READY,	    /* base: green slow pulse */
	LIGHT_OK,	    /* 1.5 s green: recorded on time */
	LIGHT_LATE,	    /* 1.5 s amber: TL or PSW */
	LIGHT_FLAGGED,	    /* 1.5 s amber: duplicate tap, untrusted clock */
	LIGHT_UNKNOWN,	    /* 1.5 s red: not recognised */
	LIGHT_RETRY,	    /* one red blink: place the finger again */
	LIGHT_ENROLL,	    /* base: amber blinking */
	LIGHT_ENROLL_STAGE, /* one green flash, back to ENROLL */
	LIGHT_COOLING,	    /* base: amber slow blink (TOO_HOT, busy) */
	LIGHT_FAULT,	    /* base: red blinking until fixed */
	LIGHT_EXPORT_OK,    /* green three blinks */
	LIGHT_EXPORT_FAIL,  /* red three blinks */
	LIGHT_STANDBY,	    /* base: green short flash every 4 s: the
			       reader rests (wake input, duty cycle) */
	LIGHT_STATE_COUNT
};

/* Output bits passed to a backend. */
#define LIGHT_GREEN  0x1u
#define LIGHT_AMBER  0x2u
#define LIGHT_RED    0x4u
#define LIGHT_BUZZER 0x8u

/* A backend: embed this first in the backend's own struct. */
struct lights_backend {
	/* Drive the outputs; 0 or -errno.  Called on every step. */
	int (*set)(struct lights_backend *be, unsigned int on_mask);
	/* Told once per state change (the sim backend logs it); may be NULL. */
	void (*state)(struct lights_backend *be, enum light_state st,
		      uint64_t mono_ms);
	void (*destroy)(struct lights_backend *be); /* NULL-safe */
};

/* State names of docs/domain.md §5: "ready", "ok", "late", "flagged", ... */
const char *lights_state_name(enum light_state st);
/* 0 and *out, or -EINVAL for an unknown name. */
int lights_state_parse(const char *name, enum light_state *out);

struct lights;

/*
 * Takes ownership of be (destroyed by lights_free()); be may be NULL
 * ([lights] backend = none): states are tracked, nothing is driven.
 * buzzer: also drive LIGHT_BUZZER for results.  Free with lights_free().
 * 0 or -ENOMEM.
 */
int lights_new(struct lights_backend *be, int buzzer, struct lights **out);
/* Turns everything off, destroys the backend.  NULL-safe. */
void lights_free(struct lights *l);

/*
 * Shows st from now_ms.  Base states (ready, standby, enroll, cooling,
 * fault, off)
 * persist; transient ones play their pattern, then return to the base.
 * Returns the next deadline (monotonic ms) at which lights_tick() must be
 * called, or 0 for none.  A backend failure is logged, never fatal.
 */
uint64_t lights_show(struct lights *l, enum light_state st, uint64_t now_ms);
uint64_t lights_tick(struct lights *l, uint64_t now_ms);
enum light_state lights_current(const struct lights *l);
enum light_state lights_base(const struct lights *l);
/* Number of backend set() failures so far (shown by status). */
unsigned int lights_errors(const struct lights *l);

/* Backends. Each returns 0 or -errno; free through lights_free(). */
/* Appends "<monotonic_ms> <state>" per state change to log_path. */
int lights_sim_new(const char *log_path, struct lights_backend **out);

struct lights_gpio_conf {
	char chip[64];		       /* "gpiochip0" or a path */
	int green, amber, red, buzzer; /* line offsets, -1 = absent */
	int active_low; /* 1 when the LED is wired to sink current */
};
/* Real GPIO lines (libgpiod; v1 API).  -ENOTSUP when built without. */
int lights_gpiod_new(const struct lights_gpio_conf *gc,
		     struct lights_backend **out);

#endif /* PRESENSI_LIGHTS_H */
