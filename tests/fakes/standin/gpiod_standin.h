/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control and inspection of the libgpiod v1 stand-in (gpiod_standin.c):
 * one simulated chip whose lines record the level last driven, whether they
 * are requested and by whom, so test_lights_gpiod can assert on them; and
 * edge events queued by the test for a line requested for events (the
 * wake input, test_wake_gpiod).
 */
#ifndef PRESENSI_GPIOD_STANDIN_H
#define PRESENSI_GPIOD_STANDIN_H

#include <stdbool.h>
#include <stdint.h>

#define STANDIN_LINES_MAX 64

/* Forgets everything; the one chip answers to name (and "/dev/<name>")
 * and has nlines lines (<= STANDIN_LINES_MAX), all free and at level 0. */
void gpiod_standin_reset(const char *name, unsigned int nlines);
/* Level last driven on offset, or -1 if never driven since reset. */
int gpiod_standin_value(unsigned int offset);
/* Whether offset is requested now, and the consumer that holds it. */
bool gpiod_standin_requested(unsigned int offset);
const char *gpiod_standin_consumer(unsigned int offset);
/* Number of gpiod_line_set_value() calls on offset since reset. */
unsigned int gpiod_standin_sets(unsigned int offset);
/* Make the next requests of offset fail with -err (EBUSY: in use). */
void gpiod_standin_fail_request(unsigned int offset, int err);
/* Make set_value on offset fail with err until called with 0. */
void gpiod_standin_fail_set(unsigned int offset, int err);
/* Chips open now (opened and not yet closed). */
int gpiod_standin_open_chips(void);

#define STANDIN_EVENTS_MAX 32 /* queued per line */
/* The request type and flags of offset's last gpiod_line_request(). */
int gpiod_standin_request_type(unsigned int offset);
int gpiod_standin_request_flags(unsigned int offset);
/* Queues an edge (rising or falling) at ts_ns on a line requested for
 * events; its event fd becomes readable.  0, or -1 when not requested. */
int gpiod_standin_push_event(unsigned int offset, bool rising, int64_t ts_ns);
/* Events queued and not read yet. */
int gpiod_standin_pending(unsigned int offset);

#endif /* PRESENSI_GPIOD_STANDIN_H */
