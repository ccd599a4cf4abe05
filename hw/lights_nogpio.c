/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lights_nogpio.c: the GPIO backend of a build without libgpiod
 * (make LIGHTS=sim).  Chosen by the Makefile instead of lights_gpiod.c, so
 * the daemon links either way and a "gpiod" configuration fails cleanly.
 */
#include "lights.h"

#include <errno.h>

#include "log.h"

int lights_gpiod_new(const struct lights_gpio_conf *gc,
		     struct lights_backend **out)
{
	(void)gc;
	(void)out; /* set only on success, and this never succeeds */
	log_warnx("lights: built without GPIO support (LIGHTS=sim); "
		  "use [lights] backend = sim or none");
	return -ENOTSUP;
}
