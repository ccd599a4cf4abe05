/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control and inspection of the libgpiod v2 stand-in (gpiod2_standin.c),
 * for the unit tests of hw/lights_gpiod2.c and hw/wake_gpiod2.c.  One
 * simulated chip; each line records the settings of the request that holds
 * it (direction, edge detection, bias, active-low, debounce, event clock),
 * its consumer and the values driven; tests inject edges on an input as a
 * kernel would report them, make calls fail, and count the libgpiod objects
 * still alive, so a backend that leaks or frees twice fails its test.
 */
#ifndef PRESENSI_GPIOD2_STANDIN_H
#define PRESENSI_GPIOD2_STANDIN_H

#include <stdbool.h>
#include <stdint.h>

#define STANDIN2_LINES_MAX  64 /* lines of the simulated chip, at most */
#define STANDIN2_EVENTS_MAX 64 /* edges queued per request */

/* Forgets everything (every object must be gone: see _live()).  The one
 * chip is /dev/<name>, labelled label, with nlines lines
 * (<= STANDIN2_LINES_MAX), all free, inputs at level 0. */
void gpiod2_standin_reset(const char *name, const char *label,
			  unsigned int nlines);

/* libgpiod objects alive now: chips, infos, settings, configs, requests
 * and event buffers made and not yet closed, freed or released. */
int gpiod2_standin_live(void);
/* Chips open now. */
int gpiod2_standin_open_chips(void);
/* gpiod_chip_request_lines() calls that succeeded since reset. */
unsigned int gpiod2_standin_requests(void);
/* gpiod_line_request_set_values() calls that succeeded since reset. */
unsigned int gpiod2_standin_set_calls(void);

/* What the request holding offset asked for, as libgpiod enum values
 * (direction, edge, bias, event clock); -1 when offset is free. */
bool gpiod2_standin_requested(unsigned int offset);
const char *gpiod2_standin_consumer(unsigned int offset);
int gpiod2_standin_direction(unsigned int offset);
int gpiod2_standin_edge(unsigned int offset);
int gpiod2_standin_bias(unsigned int offset);
int gpiod2_standin_clock(unsigned int offset);
int gpiod2_standin_active_low(unsigned int offset);
long gpiod2_standin_debounce_us(unsigned int offset);
/* Position of offset in its request (the order of set_values()), or -1. */
int gpiod2_standin_position(unsigned int offset);
/* Physical level of an output (the logical value the request set, through
 * active-low), or -1 when it was never driven since reset. */
int gpiod2_standin_level(unsigned int offset);

/* Failures: the next requests naming offset fail with err (EBUSY: in
 * use); set_values() on a request holding offset fails with err until
 * called with 0; chip opens fail with err until 0; the next edge read
 * (wait and read) fails with err until 0. */
void gpiod2_standin_fail_request(unsigned int offset, int err);
void gpiod2_standin_fail_set(unsigned int offset, int err);
void gpiod2_standin_fail_open(int err);
void gpiod2_standin_fail_read(int err);

/*
 * Sets the physical level of an input line at ts_ns, as wiring would.  On
 * a line requested with edge detection the kernel's edge follows: rising
 * or falling after the active-low inversion, queued when the request's
 * edge setting takes it, stamped ts_ns, and the request's fd polls
 * readable.  Returns 1 when an edge was queued, 0 when none (same level,
 * no edge detection, filtered), -1 when the queue is full.
 */
int gpiod2_standin_drive_input(unsigned int offset, int level, uint64_t ts_ns);
/* Edges queued on the request holding offset, not read yet. */
int gpiod2_standin_pending(unsigned int offset);

#endif /* PRESENSI_GPIOD2_STANDIN_H */
