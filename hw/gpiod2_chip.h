/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the libgpiod v2 backends (hw/lights_gpiod2.c,
 * hw/wake_gpiod2.c): the chip lookup they share (gpiod2_chip.c).
 */
#ifndef PRESENSI_GPIOD2_CHIP_H
#define PRESENSI_GPIOD2_CHIP_H

#include <gpiod.h>

/* errno after a failed libgpiod call, as -errno; never 0 (-EIO then). */
int gpiod2_err(void);
/*
 * Opens the chip the config names as v1 took it: a path, a number ("0"),
 * a name ("gpiochip0") or a label ("pinctrl-rp1", looked for among the
 * chips in /dev as gpiodetect does).  NULL and errno on failure: ENOENT
 * when no chip has the label, or the error of a chip that could not be
 * opened to read its label (EACCES: not in group gpio).
 */
struct gpiod_chip *gpiod2_chip_open(const char *descr);

#endif /* PRESENSI_GPIOD2_CHIP_H */
