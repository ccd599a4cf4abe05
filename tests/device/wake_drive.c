/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-test driver for the real libgpiod wake backend, built and run by
 * tests/device/test_wake_device.sh (root only).  "check" requests line 0 of
 * a gpio-sim chip for edges, moves its simulated pull from sysfs (a press,
 * a release, a glitch) and counts the debounced presses; "watch" prints
 * each press of a real button or pad for a person to try.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "wake.h"

#define DEBOUNCE_MS 50
#define HOLD_MS	    200 /* a press */
#define GLITCH_MS   5	/* shorter than the debounce */
#define WATCH_MS    30000

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int set_pull(const char *simdir, const char *pull)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sim_gpio0/pull", simdir);
	fp = fopen(path, "w");
	if (!fp)
		return -1;
	fputs(pull, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* Dispatches whatever arrives within ms; returns the presses counted. */
static int pump(struct wake *w, long ms)
{
	uint64_t end = clock_mono_ms() + (uint64_t)ms, next = 0;
	int presses = 0;

	for (;;) {
		uint64_t now = clock_mono_ms();
		struct pollfd p = {.fd = wake_fd(w), .events = POLLIN};
		int n;

		if (now >= end)
			break;
		if (poll(&p, 1, (int)(end - now)) > 0) {
			n = wake_dispatch(w, clock_mono_ms(), &next);
			if (n < 0)
				return n;
			presses += n;
		}
		if (next && clock_mono_ms() >= next)
			presses += (int)wake_tick(w, clock_mono_ms(), &next);
	}
	if (next)
		presses += (int)wake_tick(w, clock_mono_ms(), &next);
	return presses;
}

static int check(const char *chip, const char *simdir)
{
	struct wake_gpio_conf gc = {
		.line = 0, .active_low = 1, .bias = WAKE_BIAS_AS_IS};
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	int bad = 0, n;

	snprintf(gc.chip, sizeof(gc.chip), "%s", chip);
	if (set_pull(simdir, "pull-up") < 0 || wake_gpiod_new(&gc, &be) < 0 ||
	    wake_new(be, DEBOUNCE_MS, &w) < 0) {
		fprintf(stderr, "cannot open line 0 of %s\n", chip);
		return 1;
	}
	/* A press: low for HOLD_MS, then released. */
	set_pull(simdir, "pull-down");
	n = pump(w, HOLD_MS);
	set_pull(simdir, "pull-up");
	n += pump(w, HOLD_MS);
	if (n != 1) {
		fprintf(stderr, "press: %d presses, want 1\n", n);
		bad++;
	}
	/* A glitch shorter than the debounce. */
	set_pull(simdir, "pull-down");
	pause_ms(GLITCH_MS);
	set_pull(simdir, "pull-up");
	n = pump(w, HOLD_MS);
	if (n != 0) {
		fprintf(stderr, "glitch: %d presses, want 0\n", n);
		bad++;
	}
	wake_free(w);
	printf("check %s wake line 0: %s\n", chip, bad ? "FAILED" : "ok");
	return bad != 0;
}

static int watch(char **argv)
{
	struct wake_gpio_conf gc = {.line = atoi(argv[1]),
				    .active_low = atoi(argv[2]),
				    .bias = (enum wake_bias)atoi(argv[3])};
	struct wake_backend *be = NULL;
	struct wake *w = NULL;
	int n;

	snprintf(gc.chip, sizeof(gc.chip), "%s", argv[0]);
	if (wake_gpiod_new(&gc, &be) < 0 || wake_new(be, DEBOUNCE_MS, &w) < 0)
		return 1;
	printf("press the button or touch the pad (%d s)\n", WATCH_MS / 1000);
	n = pump(w, WATCH_MS);
	printf("%d presses\n", n);
	wake_free(w);
	return n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	log_init(LOG_TO_STDERR, 0);
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return check(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "watch") == 0)
		return watch(argv + 2);
	fprintf(stderr, "usage: wake_drive check CHIP SIMDIR\n"
			"       wake_drive watch CHIP LINE ACTIVE_LOW BIAS\n");
	return 2;
}
