/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only reader of the wall clock.  Tells whether the clock can be
 * trusted (adjtimex says synchronised, or a working RTC), the boot id and a
 * monotonic reading.  A simulated clock (tests, demo) runs from a set start
 * at a set speed and is recorded as source "simulated".
 */
#ifndef PRESENSI_CLOCK_H
#define PRESENSI_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "pd.h"

enum clock_source {
	CLOCK_SOURCE_SYSTEM = 0,
	CLOCK_SOURCE_SIMULATED = 1,
};

struct clock_reading {
	int64_t utc_ms;	    /* wall clock, ms since the epoch, UTC */
	uint64_t mono_ms;   /* CLOCK_MONOTONIC, ms */
	bool trusted;	    /* synchronised (NTP/RTC); false if unknown */
	const char *source; /* "ntp", "rtc", "unsynced", "simulated" */
};

struct clock;

/*
 * Creates the clock.  For CLOCK_SOURCE_SIMULATED, sim_start_utc_ms is the
 * wall time at creation and sim_speed how many simulated seconds pass per
 * real second (1..3600), or 0 for a frozen clock that moves only when
 * clock_sim_set() steps it (tests: a verdict never depends on how long
 * feeding a finger took).  Free with clock_free().  Returns 0, -ENOMEM, or
 * -EINVAL for a speed out of range.
 */
int clock_new(enum clock_source src, int64_t sim_start_utc_ms,
	      unsigned int sim_speed, struct clock **out);
void clock_free(struct clock *c); /* NULL-safe */

void clock_read(struct clock *c, struct clock_reading *out);
/* The kernel's boot id (36 chars) or "unknown"; valid while c lives. */
const char *clock_boot_id(const struct clock *c);
/* Simulated clocks only: jump to utc_ms.  -EPERM for the system clock. */
int clock_sim_set(struct clock *c, int64_t utc_ms);
enum clock_source clock_source_of(const struct clock *c);
/* CLOCK_MONOTONIC in ms, for timers and latency. */
uint64_t clock_mono_ms(void);
uint64_t clock_mono_us(void);

#endif /* PRESENSI_CLOCK_H */
