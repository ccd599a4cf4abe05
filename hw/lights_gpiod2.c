/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lights_gpiod2.c: the status lights on real GPIO lines through libgpiod's
 * v2 API (Debian 13 trixie, Raspberry Pi OS trixie: libgpiod 2.2).  The
 * Makefile picks it over lights_gpiod.c when libgpiod >= 2; with
 * wake_gpiod2.c the only files of such a build that include gpiod.h.  All
 * outputs are one request for "presensid", held until destroy; the kernel
 * inverts active-low wiring, so the values set here are "on" and "off".
 */
#include "lights.h"

#include <errno.h>
#include <gpiod.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpiod2_chip.h"
#include "log.h"

#define GPIOD_CONSUMER "presensid" /* shown by gpioinfo */
#define GPIOD_OUTPUTS  4	   /* green, amber, red, buzzer */

static const unsigned int output_bit[GPIOD_OUTPUTS] = {LIGHT_GREEN, LIGHT_AMBER,
						       LIGHT_RED, LIGHT_BUZZER};
static const char *const output_name[GPIOD_OUTPUTS] = {"green", "amber", "red",
						       "buzzer"};

struct lights_gpiod2 {
	struct lights_backend base;	/* must be first */
	struct gpiod_line_request *req; /* owned: every output */
	unsigned int nlines;		/* lines in req */
	int out[GPIOD_OUTPUTS];		/* output (index) of req's line i */
	enum gpiod_line_value v[GPIOD_OUTPUTS]; /* scratch for set_values */
};

static int gpiod2_set(struct lights_backend *be, unsigned int on_mask)
{
	struct lights_gpiod2 *g = (struct lights_gpiod2 *)be;

	for (unsigned int i = 0; i < g->nlines; i++)
		g->v[i] = (on_mask & output_bit[g->out[i]])
				  ? GPIOD_LINE_VALUE_ACTIVE
				  : GPIOD_LINE_VALUE_INACTIVE;
	/* One ioctl for all lines: they change together or not at all. */
	errno = 0;
	if (gpiod_line_request_set_values(g->req, g->v) < 0)
		return gpiod2_err();
	return 0;
}

static void gpiod2_destroy(struct lights_backend *be)
{
	struct lights_gpiod2 *g = (struct lights_gpiod2 *)be;

	if (!g)
		return;
	gpiod_line_request_release(g->req);
	free(g);
}

/* The request of nlines outputs at offset[], off, with the wiring's
 * polarity.  NULL and -errno in *rc on failure. */
static struct gpiod_line_request *request_outputs(struct gpiod_chip *chip,
						  const unsigned int *offset,
						  unsigned int nlines,
						  bool active_low, int *rc)
{
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
	gpiod_line_settings_set_active_low(ls, active_low);
	if (gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT) <
		    0 ||
	    gpiod_line_settings_set_output_value(
		    ls, GPIOD_LINE_VALUE_INACTIVE) < 0 ||
	    gpiod_line_config_add_line_settings(lc, offset, nlines, ls) < 0)
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

int lights_gpiod_new(const struct lights_gpio_conf *gc,
		     struct lights_backend **out)
{
	const int offset[GPIOD_OUTPUTS] = {gc->green, gc->amber, gc->red,
					   gc->buzzer};
	unsigned int line[GPIOD_OUTPUTS] = {0};
	char names[128]; /* "17 (green), 27 (amber), ..." */
	struct lights_gpiod2 *g;
	struct gpiod_chip *chip;
	int rc = 0;

	if (!gc->chip[0]) {
		log_warnx("lights: gpiod needs a chip and at least one line");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (int i = 0; i < GPIOD_OUTPUTS; i++) {
		if (offset[i] < 0)
			continue;
		/* One request holds each line once: a line named twice
		 * would be one line with two meanings. */
		for (unsigned int k = 0; k < g->nlines; k++) {
			if (line[k] != (unsigned int)offset[i])
				continue;
			log_warnx("lights: line %d is both %s and %s",
				  offset[i], output_name[g->out[k]],
				  output_name[i]);
			rc = -EINVAL;
			goto err_free;
		}
		line[g->nlines] = (unsigned int)offset[i];
		g->out[g->nlines++] = i;
	}
	if (g->nlines == 0) {
		log_warnx("lights: gpiod needs a chip and at least one line");
		rc = -EINVAL;
		goto err_free;
	}
	g->base.set = gpiod2_set;
	g->base.state = NULL;
	g->base.destroy = gpiod2_destroy;

	errno = 0;
	chip = gpiod2_chip_open(gc->chip);
	if (!chip) {
		rc = errno ? -errno : -ENODEV;
		log_errno(rc, "lights: cannot open GPIO chip %s", gc->chip);
		goto err_free;
	}
	g->req = request_outputs(chip, line, g->nlines, gc->active_low != 0,
				 &rc);
	/* The request has its own fd and outlives the chip's. */
	gpiod_chip_close(chip);
	if (!g->req) {
		names[0] = '\0';
		for (unsigned int i = 0; i < g->nlines; i++)
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%u (%s)",
				 i ? ", " : "", line[i],
				 output_name[g->out[i]]);
		log_errno(rc, "lights: %s: cannot request lines %s", gc->chip,
			  names);
		goto err_free;
	}
	*out = &g->base;
	return 0;

err_free:
	free(g);
	return rc;
}
