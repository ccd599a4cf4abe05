/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-test driver for the real libgpiod light backend, built and run by
 * tests/device/test_gpio_device.sh (root only).  "check" drives every mask on
 * a gpio-sim chip and reads the levels back from sysfs; "show" plays each
 * light state on real LEDs for a person to watch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "lights.h"
#include "log.h"

#define SIM_LINES    4	  /* green, amber, red, buzzer on offsets 0..3 */
#define SHOW_EACH_MS 3000 /* how long each state plays in "show" */

static int read_level(const char *simdir, int line)
{
	char path[512];
	FILE *fp;
	int v = -1;

	snprintf(path, sizeof(path), "%s/sim_gpio%d/value", simdir, line);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (fscanf(fp, "%d", &v) != 1)
		v = -1;
	fclose(fp);
	return v;
}

static int check(const char *chip, const char *simdir, int active_low)
{
	struct lights_gpio_conf gc = {.green = 0,
				      .amber = 1,
				      .red = 2,
				      .buzzer = 3,
				      .active_low = active_low};
	struct lights_backend *be = NULL;
	int bad = 0, rc;

	snprintf(gc.chip, sizeof(gc.chip), "%s", chip);
	rc = lights_gpiod_new(&gc, &be);
	if (rc < 0) {
		fprintf(stderr, "lights_gpiod_new: %s\n", strerror(-rc));
		return 1;
	}
	for (unsigned int mask = 0; mask < 16; mask++) {
		rc = be->set(be, mask);
		if (rc < 0) {
			fprintf(stderr, "set 0x%x: %s\n", mask, strerror(-rc));
			bad++;
			continue;
		}
		for (int i = 0; i < SIM_LINES; i++) {
			int want = !!(mask & (1u << i)) ^ !!active_low;
			int got = read_level(simdir, i);

			if (got != want) {
				fprintf(stderr,
					"mask 0x%x line %d: %d, want %d\n",
					mask, i, got, want);
				bad++;
			}
		}
	}
	be->destroy(be);
	printf("check %s active_low=%d: %s\n", chip, active_low,
	       bad ? "FAILED" : "ok");
	return bad != 0;
}

static void sleep_until(uint64_t mono_ms)
{
	uint64_t now = clock_mono_ms();
	struct timespec ts;

	if (mono_ms <= now)
		return;
	ts.tv_sec = (time_t)((mono_ms - now) / 1000);
	ts.tv_nsec = (long)((mono_ms - now) % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int show(char **argv)
{
	static const enum light_state states[] = {
		LIGHT_READY,	 LIGHT_STANDBY,	     LIGHT_OK,
		LIGHT_LATE,	 LIGHT_UNKNOWN,	     LIGHT_RETRY,
		LIGHT_ENROLL,	 LIGHT_ENROLL_STAGE, LIGHT_COOLING,
		LIGHT_EXPORT_OK, LIGHT_EXPORT_FAIL,  LIGHT_FAULT,
	};
	struct lights_gpio_conf gc;
	struct lights_backend *be = NULL;
	struct lights *l = NULL;
	int rc;

	snprintf(gc.chip, sizeof(gc.chip), "%s", argv[0]);
	gc.green = atoi(argv[1]);
	gc.amber = atoi(argv[2]);
	gc.red = atoi(argv[3]);
	gc.buzzer = atoi(argv[4]);
	gc.active_low = atoi(argv[5]);
	rc = lights_gpiod_new(&gc, &be);
	if (rc < 0 || lights_new(be, gc.buzzer >= 0, &l) < 0) {
		fprintf(stderr, "cannot open the lights: %s\n", strerror(-rc));
		return 1;
	}
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		uint64_t end = clock_mono_ms() + SHOW_EACH_MS;
		uint64_t dl = lights_show(l, states[i], clock_mono_ms());

		printf("%s\n", lights_state_name(states[i]));
		fflush(stdout);
		while (dl && dl < end) {
			sleep_until(dl);
			dl = lights_tick(l, clock_mono_ms());
		}
		sleep_until(end);
	}
	rc = lights_errors(l) ? 1 : 0;
	lights_free(l);
	return rc;
}

int main(int argc, char **argv)
{
	log_init(LOG_TO_TTY, 1);
	if (argc == 5 && strcmp(argv[1], "check") == 0)
		return check(argv[2], argv[3], atoi(argv[4]));
	if (argc == 8 && strcmp(argv[1], "show") == 0)
		return show(argv + 2);
	fprintf(stderr, "usage: gpio_drive check CHIP SIMDIR ACTIVE_LOW\n"
			"       gpio_drive show CHIP GREEN AMBER RED BUZZER "
			"ACTIVE_LOW\n");
	return 2;
}
