/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake.c: the wake input's debouncer.  Backends (wake_gpiod.c, wake_sim.c)
 * hand over raw edges with their times; a press counts once the input has
 * stayed active debounce_ms after its last active edge, which rejects
 * contact bounce and interference on a long wire, and counts a button held
 * down (or a hand resting on the pad) once.  No timers: callers get the
 * deadline at which the held press is confirmed.
 */
#include "wake.h"

#include <errno.h>
#include <stdlib.h>

struct wake {
	struct wake_backend *be; /* owned; NULL: edges fed by the caller */
	uint32_t debounce_ms;
	bool raw;	      /* the input's last raw level */
	bool pending;	      /* raw active since since_ms, not counted yet */
	bool pressed;	      /* counted, and still held */
	uint64_t since_ms;    /* the last active edge */
	unsigned int presses; /* counted since wake_new() */
};

int wake_new(struct wake_backend *be, uint32_t debounce_ms, struct wake **out)
{
	struct wake *w;

	if (debounce_ms > WAKE_DEBOUNCE_MAX_MS)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->be = be;
	w->debounce_ms = debounce_ms;
	*out = w;
	return 0;
}

void wake_free(struct wake *w)
{
	if (!w)
		return;
	if (w->be && w->be->destroy)
		w->be->destroy(w->be);
	free(w);
}

int wake_fd(const struct wake *w)
{
	return w->be ? w->be->fd : -1;
}

unsigned int wake_feed(struct wake *w, const struct wake_edge *e)
{
	unsigned int n = 0;

	if (e->active) {
		/* Active while already active: an edge was lost between;
		 * keep the earlier start, never count twice. */
		if (!w->raw && !w->pressed) {
			w->pending = true;
			w->since_ms = e->mono_ms;
		}
		w->raw = true;
		return 0;
	}
	/* Released: a press held long enough that was not ticked yet
	 * (both edges came in one read) still counts. */
	if (w->raw && w->pending &&
	    e->mono_ms >= w->since_ms + w->debounce_ms) {
		w->presses++;
		n = 1;
	}
	w->raw = false;
	w->pending = false;
	w->pressed = false;
	return n;
}

unsigned int wake_tick(struct wake *w, uint64_t now_ms, uint64_t *next_ms)
{
	if (w->pending && now_ms >= w->since_ms + w->debounce_ms) {
		w->pending = false;
		w->pressed = true;
		w->presses++;
		*next_ms = 0;
		return 1;
	}
	*next_ms = w->pending ? w->since_ms + w->debounce_ms : 0;
	return 0;
}

int wake_dispatch(struct wake *w, uint64_t now_ms, uint64_t *next_ms)
{
	struct wake_edge e[WAKE_EDGES_MAX];
	unsigned int presses = 0;
	size_t n;
	int rc;

	*next_ms = 0;
	if (!w->be || !w->be->read)
		return (int)wake_tick(w, now_ms, next_ms);
	do {
		rc = w->be->read(w->be, now_ms, e, WAKE_EDGES_MAX, &n);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			presses += wake_feed(w, &e[i]);
	} while (n == WAKE_EDGES_MAX);
	return (int)(presses + wake_tick(w, now_ms, next_ms));
}

unsigned int wake_presses(const struct wake *w)
{
	return w->presses;
}
