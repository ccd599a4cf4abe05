/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake_gpiod.c: the wake input on a GPIO line through libgpiod's v1 API
 * (Debian 12, Raspberry Pi OS bookworm); with lights_gpiod.c the only
 * files that include gpiod.h.  The line is requested for both edges with
 * the configured pull resistor; active-low wiring is inverted here, not by
 * the kernel.  The kernel stamps each edge, but v1 kernels differ on the
 * clock, so only the spacing of a batch is kept, anchored at the time it
 * is read.
 */
#include "wake.h"

#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

#define GPIOD_CONSUMER "presensid" /* shown by gpioinfo */
#define NS_PER_MS      1000000LL

struct wake_gpiod {
	struct wake_backend base; /* must be first */
	struct gpiod_chip *chip;  /* owned */
	struct gpiod_line *line;  /* requested for events */
	bool active_low;	  /* pressed = the line low */
};

/* errno after a failed libgpiod call; never 0, so never "success". */
static int gpiod_err(void)
{
	return errno ? -errno : -EIO;
}

static int64_t ts_ms(const struct timespec *ts)
{
	return ((int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec) / NS_PER_MS;
}

static int gpiod_read(struct wake_backend *be, uint64_t now_ms,
		      struct wake_edge *e, size_t max, size_t *n)
{
	struct wake_gpiod *g = (struct wake_gpiod *)be;
	struct gpiod_line_event ev[WAKE_EDGES_MAX];
	const struct timespec zero = {0, 0};
	int rc, got;
	int64_t last;

	*n = 0;
	if (max > WAKE_EDGES_MAX)
		max = WAKE_EDGES_MAX;
	errno = 0;
	rc = gpiod_line_event_wait(g->line, &zero);
	if (rc < 0)
		return gpiod_err();
	if (rc == 0)
		return 0;
	errno = 0;
	got = gpiod_line_event_read_multiple(g->line, ev, (unsigned int)max);
	if (got < 0)
		return gpiod_err();
	last = got ? ts_ms(&ev[got - 1].ts) : 0;
	for (int i = 0; i < got; i++) {
		int64_t back = last - ts_ms(&ev[i].ts);
		bool high = ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;

		if (back < 0 || (uint64_t)back > now_ms)
			back = 0; /* a clock jump between events: no spacing */
		e[i].mono_ms = now_ms - (uint64_t)back;
		e[i].active = high != g->active_low;
	}
	*n = (size_t)got;
	return 0;
}

static void gpiod_destroy(struct wake_backend *be)
{
	struct wake_gpiod *g = (struct wake_gpiod *)be;

	if (!g)
		return;
	if (g->line)
		gpiod_line_release(g->line);
	if (g->chip)
		gpiod_chip_close(g->chip);
	free(g);
}

static int bias_flags(enum wake_bias b)
{
	switch (b) {
	case WAKE_BIAS_PULL_UP:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
	case WAKE_BIAS_PULL_DOWN:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
	case WAKE_BIAS_DISABLE:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
	case WAKE_BIAS_AS_IS:
		break;
	}
	return 0;
}

int wake_gpiod_new(const struct wake_gpio_conf *gc, struct wake_backend **out)
{
	struct gpiod_line_request_config cfg = {
		.consumer = GPIOD_CONSUMER,
		.request_type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
		.flags = bias_flags(gc->bias),
	};
	struct wake_gpiod *g;
	int rc;

	if (!gc->chip[0] || gc->line < 0) {
		log_warnx("wake: gpiod needs a chip and a line");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->active_low = gc->active_low != 0;
	g->base.read = gpiod_read;
	g->base.destroy = gpiod_destroy;

	errno = 0;
	g->chip = gpiod_chip_open_lookup(gc->chip);
	if (!g->chip) {
		rc = errno ? -errno : -ENODEV;
		log_errno(rc, "wake: cannot open GPIO chip %s", gc->chip);
		goto err_free;
	}
	errno = 0;
	g->line = gpiod_chip_get_line(g->chip, (unsigned int)gc->line);
	if (!g->line) {
		rc = gpiod_err();
		log_errno(rc, "wake: %s: no line %d", gc->chip, gc->line);
		goto err_close;
	}
	errno = 0;
	if (gpiod_line_request(g->line, &cfg, 0) < 0) {
		rc = gpiod_err();
		log_errno(rc, "wake: %s: cannot request line %d for edges",
			  gc->chip, gc->line);
		g->line = NULL;
		goto err_close;
	}
	errno = 0;
	g->base.fd = gpiod_line_event_get_fd(g->line);
	if (g->base.fd < 0) {
		rc = gpiod_err();
		log_errno(rc, "wake: %s: line %d has no event fd", gc->chip,
			  gc->line);
		goto err_release;
	}
	*out = &g->base;
	return 0;

err_release:
	gpiod_line_release(g->line);
err_close:
	gpiod_chip_close(g->chip);
err_free:
	free(g);
	return rc;
}
