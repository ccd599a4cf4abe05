/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lights_gpiod.c: the status lights on real GPIO lines through libgpiod's
 * v1 API (Debian 12, Raspberry Pi OS bookworm).  The only file that
 * includes gpiod.h.  Lines are requested as outputs for "presensid" and held
 * until destroy; active-low wiring is inverted here.
 */
#include "lights.h"

#include <errno.h>
#include <gpiod.h>
#include <stdbool.h>
#include <stdlib.h>

#include "log.h"

#define GPIOD_CONSUMER "presensid" /* shown by gpioinfo */
#define GPIOD_OUTPUTS  4	   /* green, amber, red, buzzer */

static const unsigned int output_bit[GPIOD_OUTPUTS] = {LIGHT_GREEN, LIGHT_AMBER,
						       LIGHT_RED, LIGHT_BUZZER};
static const char *const output_name[GPIOD_OUTPUTS] = {"green", "amber", "red",
						       "buzzer"};

struct lights_gpiod {
	struct lights_backend base;		/* must be first */
	struct gpiod_chip *chip;		/* owned */
	struct gpiod_line *line[GPIOD_OUTPUTS]; /* requested; NULL = absent */
	bool active_low;			/* LED on when the line is 0 */
};

/* The level that makes an output on (or off) for this wiring. */
static int level(const struct lights_gpiod *g, bool on)
{
	return on != g->active_low;
}

/* errno after a failed libgpiod call; never 0, so never "success". */
static int gpiod_err(void)
{
	return errno ? -errno : -EIO;
}

static int gpiod_set(struct lights_backend *be, unsigned int on_mask)
{
	struct lights_gpiod *g = (struct lights_gpiod *)be;
	int rc = 0;

	for (int i = 0; i < GPIOD_OUTPUTS; i++) {
		if (!g->line[i])
			continue;
		errno = 0;
		/* Keep going: a dead red line must not darken green too. */
		if (gpiod_line_set_value(g->line[i],
					 level(g, on_mask & output_bit[i])) <
			    0 &&
		    rc == 0)
			rc = gpiod_err();
	}
	return rc;
}

static void release_all(struct lights_gpiod *g)
{
	for (int i = 0; i < GPIOD_OUTPUTS; i++) {
		if (g->line[i])
			gpiod_line_release(g->line[i]);
		g->line[i] = NULL;
	}
	if (g->chip)
		gpiod_chip_close(g->chip);
	g->chip = NULL;
}

static void gpiod_destroy(struct lights_backend *be)
{
	struct lights_gpiod *g = (struct lights_gpiod *)be;

	if (!g)
		return;
	release_all(g);
	free(g);
}

int lights_gpiod_new(const struct lights_gpio_conf *gc,
		     struct lights_backend **out)
{
	const int offset[GPIOD_OUTPUTS] = {gc->green, gc->amber, gc->red,
					   gc->buzzer};
	struct lights_gpiod *g;
	int rc, used = 0;

	for (int i = 0; i < GPIOD_OUTPUTS; i++)
		used += offset[i] >= 0;
	if (!gc->chip[0] || used == 0) {
		log_warnx("lights: gpiod needs a chip and at least one line");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->active_low = gc->active_low != 0;
	g->base.set = gpiod_set;
	g->base.state = NULL;
	g->base.destroy = gpiod_destroy;

	errno = 0;
	g->chip = gpiod_chip_open_lookup(gc->chip);
	if (!g->chip) {
		rc = errno ? -errno : -ENODEV;
		log_errno(rc, "lights: cannot open GPIO chip %s", gc->chip);
		goto err_free;
	}
	for (int i = 0; i < GPIOD_OUTPUTS; i++) {
		struct gpiod_line *line;

		if (offset[i] < 0)
			continue;
		errno = 0;
		line = gpiod_chip_get_line(g->chip, (unsigned int)offset[i]);
		if (!line) {
			rc = gpiod_err();
			log_errno(rc, "lights: %s: no line %d for %s", gc->chip,
				  offset[i], output_name[i]);
			goto err_release;
		}
		errno = 0;
		if (gpiod_line_request_output(line, GPIOD_CONSUMER,
					      level(g, false)) < 0) {
			rc = gpiod_err();
			log_errno(rc, "lights: %s: cannot request line %d (%s)",
				  gc->chip, offset[i], output_name[i]);
			goto err_release;
		}
		g->line[i] = line;
	}
	*out = &g->base;
	return 0;

err_release:
	release_all(g);
err_free:
	free(g);
	return rc;
}
