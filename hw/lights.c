/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lights.c: the pattern engine behind the status lights.  Each state of
 * docs/domain.md §5 is a table of timed steps (output mask, duration) plus a
 * rule: base states repeat until replaced, transient ones play once and return
 * to the current base.  No timers here: callers get the next deadline back.
 */
#include "lights.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

#define G  LIGHT_GREEN
#define A  LIGHT_AMBER
#define R  LIGHT_RED
#define BZ LIGHT_BUZZER /* dropped from every step when no buzzer */

#define STEPS_MAX 8

/* A step lasting forever: a static base state (off). */
#define HOLD_MS 0

struct step {
	unsigned int mask;    /* LIGHT_* bits on during this step */
	uint32_t duration_ms; /* HOLD_MS: until the next lights_show() */
};

struct pattern {
	bool base; /* repeats until replaced; else plays once, back to base */
	size_t n;  /* steps used */
	struct step steps[STEPS_MAX];
};

/*
 * Timings: a result holds 1.5 s (long enough to read from a step away);
 * "slow" blinks are 1 s on / 1 s off (no PWM for a real pulse); "fast"
 * blinks are 250 ms on / 250 ms off, which reads as urgent without strobing.
 * Standby is a 150 ms green flash every 4 s: alive, but plainly not the
 * ready pulse, and nearly dark (docs/domain.md §5).
 */
static const struct pattern patterns[LIGHT_STATE_COUNT] = {
	[LIGHT_OFF] = {true, 1, {{0, HOLD_MS}}},
	[LIGHT_READY] = {true, 2, {{G, 1000}, {0, 1000}}},
	[LIGHT_OK] = {false, 2, {{G | BZ, 150}, {G, 1350}}},
	[LIGHT_LATE] = {false, 1, {{A, 1500}}},
	[LIGHT_FLAGGED] = {false, 1, {{A, 1500}}},
	/* two long beeps inside the 1.5 s of red */
	[LIGHT_UNKNOWN] = {false,
			   4,
			   {{R | BZ, 500}, {R, 250}, {R | BZ, 500}, {R, 250}}},
	[LIGHT_RETRY] = {false, 2, {{R, 250}, {0, 250}}},
	[LIGHT_ENROLL] = {true, 2, {{A, 250}, {0, 250}}},
	[LIGHT_ENROLL_STAGE] = {false, 2, {{G, 300}, {0, 100}}},
	[LIGHT_COOLING] = {true, 2, {{A, 1000}, {0, 1000}}},
	[LIGHT_FAULT] = {true, 2, {{R, 250}, {0, 250}}},
	[LIGHT_EXPORT_OK] =
		{false,
		 6,
		 {{G, 300}, {0, 300}, {G, 300}, {0, 300}, {G, 300}, {0, 300}}},
	[LIGHT_EXPORT_FAIL] =
		{false,
		 6,
		 {{R, 300}, {0, 300}, {R, 300}, {0, 300}, {R, 300}, {0, 300}}},
	[LIGHT_STANDBY] = {true, 2, {{G, 150}, {0, 3850}}},
};

static const char *const state_names[LIGHT_STATE_COUNT] = {
	[LIGHT_OFF] = "off",
	[LIGHT_READY] = "ready",
	[LIGHT_OK] = "ok",
	[LIGHT_LATE] = "late",
	[LIGHT_FLAGGED] = "flagged",
	[LIGHT_UNKNOWN] = "unknown",
	[LIGHT_RETRY] = "retry",
	[LIGHT_ENROLL] = "enroll",
	[LIGHT_ENROLL_STAGE] = "enroll-stage",
	[LIGHT_COOLING] = "cooling",
	[LIGHT_FAULT] = "fault",
	[LIGHT_EXPORT_OK] = "export-ok",
	[LIGHT_EXPORT_FAIL] = "export-fail",
	[LIGHT_STANDBY] = "standby",
};

struct lights {
	struct lights_backend *be; /* owned; NULL = nothing to drive */
	bool buzzer;		   /* keep BZ bits */
	enum light_state cur;	   /* state playing now */
	enum light_state base;	   /* where transients return */
	size_t step;		   /* index into patterns[cur] */
	uint64_t deadline_ms;	   /* end of the step; 0 = holds */
	unsigned int errors;	   /* failed set() calls */
	bool failing;		   /* last set() failed: log only edges */
};

const char *lights_state_name(enum light_state st)
{
	if ((unsigned int)st >= LIGHT_STATE_COUNT)
		return "invalid";
	return state_names[st];
}

int lights_state_parse(const char *name, enum light_state *out)
{
	if (!name)
		return -EINVAL;
	for (unsigned int i = 0; i < LIGHT_STATE_COUNT; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum light_state)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void drive(struct lights *l, unsigned int mask)
{
	int rc;

	if (!l->be || !l->be->set)
		return;
	if (!l->buzzer)
		mask &= ~LIGHT_BUZZER;
	rc = l->be->set(l->be, mask);
	if (rc < 0) {
		l->errors++;
		/* One line per failure streak: a blinking light would
		 * otherwise write four lines a second to the SD card. */
		if (!l->failing)
			log_errno(rc, "lights: cannot drive outputs");
		l->failing = true;
	} else if (l->failing) {
		log_info("lights: outputs work again after %u failures",
			 l->errors);
		l->failing = false;
	}
}

static void tell(struct lights *l, enum light_state st, uint64_t now_ms)
{
	if (l->be && l->be->state)
		l->be->state(l->be, st, now_ms);
}

/* Starts step i of the current pattern at now_ms. */
static void enter_step(struct lights *l, size_t i, uint64_t now_ms)
{
	const struct step *s = &patterns[l->cur].steps[i];

	l->step = i;
	l->deadline_ms =
		s->duration_ms == HOLD_MS ? 0 : now_ms + s->duration_ms;
	drive(l, s->mask);
}

static void enter_state(struct lights *l, enum light_state st, uint64_t now_ms)
{
	l->cur = st;
	if (patterns[st].base)
		l->base = st;
	tell(l, st, now_ms);
	enter_step(l, 0, now_ms);
}

int lights_new(struct lights_backend *be, int buzzer, struct lights **out)
{
	struct lights *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->be = be;
	l->buzzer = buzzer != 0;
	l->cur = LIGHT_OFF;
	l->base = LIGHT_OFF;
	*out = l;
	return 0;
}

void lights_free(struct lights *l)
{
	if (!l)
		return;
	drive(l, 0);
	if (l->cur != LIGHT_OFF)
		tell(l, LIGHT_OFF, clock_mono_ms());
	if (l->be && l->be->destroy)
		l->be->destroy(l->be);
	free(l);
}

/*
 * A base state shown while a transient plays becomes the base the
 * transient returns to, so a result is never cut short by a status change;
 * OFF and FAULT are the exceptions and take over at once.  Showing the base
 * that already plays changes nothing (the blink keeps its rhythm); a
 * transient always (re)starts, because each one reports a new event.
 */
uint64_t lights_show(struct lights *l, enum light_state st, uint64_t now_ms)
{
	assert(l);
	if ((unsigned int)st >= LIGHT_STATE_COUNT) {
		log_warnx("lights: invalid state %d ignored", (int)st);
		return l->deadline_ms;
	}
	if (patterns[st].base) {
		bool in_transient = !patterns[l->cur].base;

		if (in_transient && st != LIGHT_OFF && st != LIGHT_FAULT) {
			l->base = st;
			return l->deadline_ms;
		}
		if (!in_transient && st == l->cur)
			return l->deadline_ms;
	}
	enter_state(l, st, now_ms);
	return l->deadline_ms;
}

uint64_t lights_tick(struct lights *l, uint64_t now_ms)
{
	const struct pattern *p;

	assert(l);
	if (l->deadline_ms == 0 || now_ms < l->deadline_ms)
		return l->deadline_ms;
	p = &patterns[l->cur];
	if (l->step + 1 < p->n)
		enter_step(l, l->step + 1, now_ms);
	else if (p->base)
		enter_step(l, 0, now_ms);
	else
		enter_state(l, l->base, now_ms);
	return l->deadline_ms;
}

enum light_state lights_current(const struct lights *l)
{
	return l->cur;
}

enum light_state lights_base(const struct lights *l)
{
	return l->base;
}

unsigned int lights_errors(const struct lights *l)
{
	return l->errors;
}
