/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake_nogpio.c: the GPIO wake backend of a build without libgpiod
 * (make LIGHTS=sim).  Chosen by the Makefile instead of wake_gpiod.c, so
 * the daemon links either way and a "gpiod" configuration fails cleanly.
 */
#include "wake.h"

#include <errno.h>

#include "log.h"

int wake_gpiod_new(const struct wake_gpio_conf *gc, struct wake_backend **out)
{
	(void)gc;
	(void)out; /* set only on success, and this never succeeds */
	log_warnx("wake: built without GPIO support (LIGHTS=sim); "
		  "use [wake] backend = sim or none");
	return -ENOTSUP;
}
