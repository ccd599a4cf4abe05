/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push's wait after a failure (docs/push.md): doubling from 5 s
 * to 15 min, each wait jittered by up to 20 % either way, so that the
 * boxes of a kecamatan that lost the server together do not all come
 * back in the same second.  A success starts over.  Pure: the caller
 * brings the random number.
 */
#ifndef PRESENSI_PUSHBACKOFF_H
#define PRESENSI_PUSHBACKOFF_H

#include <stdint.h>

#define PUSHBACKOFF_FIRST_MS   5000u	      /* after the first failure */
#define PUSHBACKOFF_MAX_MS     (15u * 60000u) /* the longest base wait */
#define PUSHBACKOFF_JITTER_PCT 20u	      /* either way */

struct pushbackoff {
	uint32_t base_ms;      /* the next failure's wait before jitter */
	unsigned int failures; /* in a row, since the last success */
};

/* No failure yet (or a success): the next wait is PUSHBACKOFF_FIRST_MS. */
void pushbackoff_reset(struct pushbackoff *b);
/* One failure more: returns the wait before the next try in ms (the
 * base jittered by rnd, uniform over 0..UINT32_MAX) and doubles the base
 * up to PUSHBACKOFF_MAX_MS. */
uint32_t pushbackoff_fail(struct pushbackoff *b, uint32_t rnd);
/* base_ms moved by up to PUSHBACKOFF_JITTER_PCT either way: rnd 0 is the
 * shortest, UINT32_MAX the longest, the middle base_ms itself. */
uint32_t pushbackoff_jitter(uint32_t base_ms, uint32_t rnd);

#endif /* PRESENSI_PUSHBACKOFF_H */
