/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gpiod2_chip.c: what the two libgpiod v2 backends (lights_gpiod2.c,
 * wake_gpiod2.c) share: opening the configured chip the way v1's
 * gpiod_chip_open_lookup() did, and the errno of a failed call.  Built
 * with them, and like them the only files of such a build to include
 * gpiod.h.
 */
#include "gpiod2_chip.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define GPIOD_DEV_DIR  "/dev" /* where the chips' device files are */
#define GPIOD_PATH_MAX 300    /* GPIOD_DEV_DIR, '/', a d_name */

/* errno after a failed libgpiod call; never 0, so never "success". */
int gpiod2_err(void)
{
	return errno ? -errno : -EIO;
}

/* The chip whose label is label, found among the chips in GPIOD_DEV_DIR
 * (as gpiodetect finds them); NULL and errno ENOENT when none has it, or
 * the error of a chip that could not be opened to read its label (EACCES:
 * not in group gpio), which may be the one. */
static struct gpiod_chip *chip_open_label(const char *label)
{
	char path[GPIOD_PATH_MAX];
	struct dirent *de;
	int err = ENOENT;
	DIR *dir;

	dir = opendir(GPIOD_DEV_DIR);
	if (!dir)
		return NULL;
	/* readdir_r is deprecated in glibc; one thread reads this dir. */
	// cppcheck-suppress readdirCalled ; see above
	while ((de = readdir(dir)) != NULL) {
		struct gpiod_chip_info *info;
		struct gpiod_chip *chip;
		bool match;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", GPIOD_DEV_DIR,
			 de->d_name);
		if (!gpiod_is_gpiochip_device(path))
			continue;
		chip = gpiod_chip_open(path);
		if (!chip) {
			err = errno ? errno : EIO;
			continue;
		}
		info = gpiod_chip_get_info(chip);
		match = info &&
			strcmp(gpiod_chip_info_get_label(info), label) == 0;
		gpiod_chip_info_free(info);
		if (match) {
			closedir(dir);
			return chip;
		}
		gpiod_chip_close(chip);
	}
	closedir(dir);
	errno = err;
	return NULL;
}

/*
 * libgpiod v2 opens a chip by path only; the config names it as v1's
 * gpiod_chip_open_lookup() took it: a path, a number ("0"), a name
 * ("gpiochip0") or a label ("pinctrl-rp1").  NULL and errno on failure.
 */
struct gpiod_chip *gpiod2_chip_open(const char *descr)
{
	char path[GPIOD_PATH_MAX];

	if (strchr(descr, '/'))
		return gpiod_chip_open(descr);
	if (strspn(descr, "0123456789") == strlen(descr))
		snprintf(path, sizeof(path), "%s/gpiochip%s", GPIOD_DEV_DIR,
			 descr);
	else
		snprintf(path, sizeof(path), "%s/%s", GPIOD_DEV_DIR, descr);
	if (gpiod_is_gpiochip_device(path))
		return gpiod_chip_open(path);
	return chip_open_label(descr);
}
