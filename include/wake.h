/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wake input: a push button or a capacitive touch pad (a TTP223
 * module) on a GPIO line, or its simulated twin, a FIFO that tests and the
 * demo write "press" into.  A backend reports raw level changes with their
 * monotonic time; wake.c debounces them into presses, and presensid arms
 * the readers for a while on each (duty.h).  No timers of its own:
 * wake_dispatch() and wake_tick() return the next deadline.  Main loop
 * only.
 */
#ifndef PRESENSI_WAKE_H
#define PRESENSI_WAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WAKE_DEBOUNCE_MAX_MS 1000 /* longer would drop real taps */
#define WAKE_EDGES_MAX	     16	  /* read from a backend at once */

/* One raw level change of the input. */
struct wake_edge {
	uint64_t mono_ms; /* when, CLOCK_MONOTONIC ms */
	bool active;	  /* the level after it: true = pressed/touched */
};

/* A backend: embed this first in the backend's own struct. */
struct wake_backend {
	int fd; /* readable while edges wait (poll it); -1: none */
	/*
	 * Reads the edges waiting now, oldest first, into e[0 .. max)
	 * without blocking; *n gets how many (0: none).  now_ms is the
	 * caller's monotonic time, for backends that stamp edges on
	 * reading.  0 or -errno.
	 */
	int (*read)(struct wake_backend *be, uint64_t now_ms,
		    struct wake_edge *e, size_t max, size_t *n);
	void (*destroy)(struct wake_backend *be); /* NULL-safe */
};

struct wake;

/*
 * Debounces be's edges: a press counts once the input has stayed active
 * debounce_ms (0..WAKE_DEBOUNCE_MAX_MS) since its last active edge; a
 * shorter pulse is a glitch or contact bounce, and an input held down
 * counts once.  Takes ownership of be (destroyed by wake_free()), which
 * may be NULL in tests that feed edges themselves.  Free with wake_free().
 * 0, -EINVAL (debounce out of range), -ENOMEM.
 */
int wake_new(struct wake_backend *be, uint32_t debounce_ms, struct wake **out);
/* Destroys the backend.  NULL-safe. */
void wake_free(struct wake *w);
/* The backend's fd to watch for reading, or -1. */
int wake_fd(const struct wake *w);

/* Feeds one raw edge; returns the presses it completes (0 or 1). */
unsigned int wake_feed(struct wake *w, const struct wake_edge *e);
/*
 * Confirms a press held long enough by now_ms; returns the presses
 * counted (0 or 1).  *next_ms gets the deadline to call again at, or 0.
 */
unsigned int wake_tick(struct wake *w, uint64_t now_ms, uint64_t *next_ms);
/*
 * The fd is readable: reads every waiting edge, feeds them, then ticks.
 * Returns the presses counted (>= 0) or -errno from the backend (the edges
 * read before the error still count next time); *next_ms as wake_tick().
 */
int wake_dispatch(struct wake *w, uint64_t now_ms, uint64_t *next_ms);
/* Presses counted since wake_new() (status). */
unsigned int wake_presses(const struct wake *w);

/* ---- backends; each returns 0 or -errno and sets *out on success ---- */

/*
 * The simulated twin: a FIFO at path, created (mode 0660) when missing
 * and removed by destroy if it was created here.  Each line written to it
 * is one action, stamped with the time it is read:
 *   "press [hold_ms]"  active now, inactive hold_ms later (default
 *                      WAKE_SIM_HOLD_MS: a finger's tap);
 *   "down", "up"       a level change now (a held button, a glitch).
 * Unknown lines are logged and ignored.  -EINVAL when path exists and is
 * not a FIFO.
 */
#define WAKE_SIM_HOLD_MS 200
int wake_sim_new(const char *path, struct wake_backend **out);

enum wake_bias {
	WAKE_BIAS_AS_IS = 0, /* leave the line's bias as it is */
	WAKE_BIAS_PULL_UP,   /* a button to ground (the default) */
	WAKE_BIAS_PULL_DOWN, /* a button to 3.3 V */
	WAKE_BIAS_DISABLE,   /* a module that drives the line (TTP223) */
};

struct wake_gpio_conf {
	char chip[64];	     /* "gpiochip0", a /dev path or a label */
	int line;	     /* line offset (BCM number on a Pi) */
	int active_low;	     /* 1: pressed pulls the line low */
	enum wake_bias bias; /* pull resistor inside the SoC */
};
/*
 * A GPIO line through libgpiod (v1 API in wake_gpiod.c), requested for
 * both edges as consumer "presensid".  -ENOTSUP when built without GPIO.
 */
int wake_gpiod_new(const struct wake_gpio_conf *gc, struct wake_backend **out);

#endif /* PRESENSI_WAKE_H */
