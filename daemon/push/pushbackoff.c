/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pushbackoff.c: doubling waits with jitter after failures (pushbackoff.h). */
#include "pushbackoff.h"

void pushbackoff_reset(struct pushbackoff *b)
{
	b->base_ms = PUSHBACKOFF_FIRST_MS;
	b->failures = 0;
}

uint32_t pushbackoff_jitter(uint32_t base_ms, uint32_t rnd)
{
	uint64_t span = (uint64_t)base_ms * PUSHBACKOFF_JITTER_PCT / 100;

	/* base - span .. base + span, rnd scaled over 2 * span */
	return (uint32_t)((uint64_t)base_ms - span +
			  (2 * span * rnd + UINT32_MAX / 2) / UINT32_MAX);
}

uint32_t pushbackoff_fail(struct pushbackoff *b, uint32_t rnd)
{
	uint32_t wait;

	if (b->base_ms < PUSHBACKOFF_FIRST_MS)
		b->base_ms = PUSHBACKOFF_FIRST_MS;
	wait = pushbackoff_jitter(b->base_ms, rnd);
	b->base_ms = b->base_ms >= PUSHBACKOFF_MAX_MS / 2 ? PUSHBACKOFF_MAX_MS
							  : b->base_ms * 2;
	b->failures++;
	return wait;
}
