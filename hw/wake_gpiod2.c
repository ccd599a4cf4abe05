/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake_gpiod2.c: the wake input on a GPIO line through libgpiod's v2 API
 * (Debian 13 trixie, Raspberry Pi OS trixie: libgpiod 2.2), picked by the
 * Makefile over wake_gpiod.c when libgpiod >= 2.  One request of the line
 * as an input for both edges, as consumer "presensid", with the configured
 * pull resistor.  Unlike v1, the kernel does the wiring's inversion
 * (active-low: a rising edge is a press), filters contact bounce shorter
 * than WAKE_BOUNCE_US, and stamps each edge on CLOCK_MONOTONIC, the
 * daemon's clock, so the stamps are used as they are.  wake.c still
 * decides what a press is (debounce_ms).
 */
#include "wake.h"

#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpiod2_chip.h"
#include "log.h"

#define GPIOD_CONSUMER "presensid" /* shown by gpioinfo */
#define NS_PER_MS      1000000ULL
/*
 * The kernel's debounce: a level must hold this long before its edge is
 * reported.  A push button bounces for a few ms; the shortest real tap is
 * far longer.  It keeps a bouncing or noisy wire from filling the kernel's
 * event queue (16 edges per line) between two reads.  Presses shorter than
 * this never reach wake.c, which matters only with debounce_ms below it.
 */
#define WAKE_BOUNCE_US 5000

struct wake_gpiod2 {
	struct wake_backend base;	     /* must be first */
	struct gpiod_line_request *req;	     /* owned: the one line */
	struct gpiod_edge_event_buffer *buf; /* owned: WAKE_EDGES_MAX */
};

static int gpiod2_read(struct wake_backend *be, uint64_t now_ms,
		       struct wake_edge *e, size_t max, size_t *n)
{
	struct wake_gpiod2 *g = (struct wake_gpiod2 *)be;
	int rc, got;

	*n = 0;
	if (max > WAKE_EDGES_MAX)
		max = WAKE_EDGES_MAX;
	if (max == 0)
		return 0;
	/* A zero timeout: poll, never block (reading with none waiting
	 * would). */
	errno = 0;
	rc = gpiod_line_request_wait_edge_events(g->req, 0);
	if (rc < 0)
		return gpiod2_err();
	if (rc == 0)
		return 0;
	errno = 0;
	got = gpiod_line_request_read_edge_events(g->req, g->buf, max);
	if (got < 0)
		return gpiod2_err();
	for (int i = 0; i < got; i++) {
		struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(
			g->buf, (unsigned long)i);
		uint64_t ms = gpiod_edge_event_get_timestamp_ns(ev) / NS_PER_MS;

		/* The same clock as now_ms: never later, but never trust a
		 * stamp to move the debouncer into the future either. */
		e[i].mono_ms = ms < now_ms ? ms : now_ms;
		e[i].active = gpiod_edge_event_get_event_type(ev) ==
			      GPIOD_EDGE_EVENT_RISING_EDGE;
	}
	*n = (size_t)got;
	return 0;
}

static void gpiod2_destroy(struct wake_backend *be)
{
	struct wake_gpiod2 *g = (struct wake_gpiod2 *)be;

	if (!g)
		return;
	gpiod_line_request_release(g->req);
	gpiod_edge_event_buffer_free(g->buf);
	free(g);
}

static enum gpiod_line_bias line_bias(enum wake_bias b)
{
	switch (b) {
	case WAKE_BIAS_PULL_UP:
		return GPIOD_LINE_BIAS_PULL_UP;
	case WAKE_BIAS_PULL_DOWN:
		return GPIOD_LINE_BIAS_PULL_DOWN;
	case WAKE_BIAS_DISABLE:
		return GPIOD_LINE_BIAS_DISABLED;
	case WAKE_BIAS_AS_IS:
		break;
	}
	return GPIOD_LINE_BIAS_AS_IS;
}

/* The request of gc's line as an edge-detecting input.  NULL and -errno
 * in *rc on failure. */
static struct gpiod_line_request *
request_input(struct gpiod_chip *chip, const struct wake_gpio_conf *gc, int *rc)
{
	const unsigned int offset = (unsigned int)gc->line;
	struct gpiod_line_settings *ls;
	struct gpiod_line_config *lc = NULL;
	struct gpiod_request_config *rq = NULL;
	struct gpiod_line_request *req = NULL;

	errno = 0;
	ls = gpiod_line_settings_new();
	if (!ls)
		goto err;
	lc = gpiod_line_config_new();
	if (!lc)
		goto err;
	rq = gpiod_request_config_new();
	if (!rq)
		goto err;
	gpiod_line_settings_set_active_low(ls, gc->active_low != 0);
	gpiod_line_settings_set_debounce_period_us(ls, WAKE_BOUNCE_US);
	if (gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT) <
		    0 ||
	    gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_BOTH) <
		    0 ||
	    gpiod_line_settings_set_bias(ls, line_bias(gc->bias)) < 0 ||
	    gpiod_line_settings_set_event_clock(
		    ls, GPIOD_LINE_CLOCK_MONOTONIC) < 0 ||
	    gpiod_line_config_add_line_settings(lc, &offset, 1, ls) < 0)
		goto err;
	gpiod_request_config_set_consumer(rq, GPIOD_CONSUMER);
	errno = 0;
	req = gpiod_chip_request_lines(chip, rq, lc);
err:
	if (!req)
		*rc = gpiod2_err();
	gpiod_request_config_free(rq);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	return req;
}

int wake_gpiod_new(const struct wake_gpio_conf *gc, struct wake_backend **out)
{
	struct wake_gpiod2 *g;
	struct gpiod_chip *chip;
	enum gpiod_line_value now;
	int rc = 0;

	if (!gc->chip[0] || gc->line < 0) {
		log_warnx("wake: gpiod needs a chip and a line");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->base.read = gpiod2_read;
	g->base.destroy = gpiod2_destroy;

	errno = 0;
	g->buf = gpiod_edge_event_buffer_new(WAKE_EDGES_MAX);
	if (!g->buf) {
		rc = gpiod2_err();
		goto err_free;
	}
	errno = 0;
	chip = gpiod2_chip_open(gc->chip);
	if (!chip) {
		rc = errno ? -errno : -ENODEV;
		log_errno(rc, "wake: cannot open GPIO chip %s", gc->chip);
		goto err_free_buf;
	}
	g->req = request_input(chip, gc, &rc);
	/* The request has its own fd and outlives the chip's. */
	gpiod_chip_close(chip);
	if (!g->req) {
		log_errno(rc, "wake: %s: cannot request line %d for edges",
			  gc->chip, gc->line);
		goto err_free_buf;
	}
	/* Active already: a button held, a pad touched, or (most often)
	 * active_low or bias set wrong for the wiring.  No edge will say so;
	 * it counts from its next press on. */
	errno = 0;
	now = gpiod_line_request_get_value(g->req, (unsigned int)gc->line);
	if (now == GPIOD_LINE_VALUE_ERROR) {
		rc = gpiod2_err();
		log_errno(rc, "wake: %s: cannot read line %d", gc->chip,
			  gc->line);
		goto err_release;
	}
	if (now == GPIOD_LINE_VALUE_ACTIVE)
		log_warnx("wake: %s line %d is active at start: held down, "
			  "or active_low/bias do not match the wiring",
			  gc->chip, gc->line);
	g->base.fd = gpiod_line_request_get_fd(g->req);
	*out = &g->base;
	return 0;

err_release:
	gpiod_line_request_release(g->req);
err_free_buf:
	gpiod_edge_event_buffer_free(g->buf);
err_free:
	free(g);
	return rc;
}
