/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the few libgpiod v1 calls hw/lights_gpiod.c makes, linked
 * only into test_lights_gpiod instead of -lgpiod.  It keeps one simulated
 * chip and records each line's level and request, so the real backend code
 * runs in unit tests on machines without GPIO.  Types come from <gpiod.h>.
 */
#include "fakes/standin/gpiod_standin.h"

#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>

struct gpiod_line {
	struct gpiod_chip *chip;
	unsigned int offset;
	bool requested;
	char consumer[32];
	int value;	   /* -1 = never driven */
	unsigned int sets; /* set_value calls */
	int fail_request;  /* errno for the next requests, 0 = none */
	int fail_set;	   /* errno for set_value, 0 = none */
};

struct gpiod_chip {
	char name[32];
	unsigned int nlines;
	struct gpiod_line lines[STANDIN_LINES_MAX];
};

static struct gpiod_chip standin_chip;
static int open_count;

void gpiod_standin_reset(const char *name, unsigned int nlines)
{
	memset(&standin_chip, 0, sizeof(standin_chip));
	snprintf(standin_chip.name, sizeof(standin_chip.name), "%s", name);
	standin_chip.nlines =
		nlines > STANDIN_LINES_MAX ? STANDIN_LINES_MAX : nlines;
	for (unsigned int i = 0; i < STANDIN_LINES_MAX; i++) {
		standin_chip.lines[i].chip = &standin_chip;
		standin_chip.lines[i].offset = i;
		standin_chip.lines[i].value = -1;
	}
	open_count = 0;
}

static struct gpiod_line *at(unsigned int offset)
{
	return offset < STANDIN_LINES_MAX ? &standin_chip.lines[offset] : NULL;
}

int gpiod_standin_value(unsigned int offset)
{
	return at(offset) ? at(offset)->value : -1;
}

bool gpiod_standin_requested(unsigned int offset)
{
	return at(offset) && at(offset)->requested;
}

const char *gpiod_standin_consumer(unsigned int offset)
{
	return at(offset) ? at(offset)->consumer : "";
}

unsigned int gpiod_standin_sets(unsigned int offset)
{
	return at(offset) ? at(offset)->sets : 0;
}

void gpiod_standin_fail_request(unsigned int offset, int err)
{
	if (at(offset))
		at(offset)->fail_request = err;
}

void gpiod_standin_fail_set(unsigned int offset, int err)
{
	if (at(offset))
		at(offset)->fail_set = err;
}

int gpiod_standin_open_chips(void)
{
	return open_count;
}

/* libgpiod v1 accepts a name, a path, a label or a number. */
struct gpiod_chip *gpiod_chip_open_lookup(const char *descr)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", standin_chip.name);
	if (!descr || !standin_chip.name[0] ||
	    (strcmp(descr, standin_chip.name) != 0 &&
	     strcmp(descr, path) != 0)) {
		errno = ENOENT;
		return NULL;
	}
	open_count++;
	return &standin_chip;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
	if (!chip)
		return;
	for (unsigned int i = 0; i < chip->nlines; i++)
		chip->lines[i].requested = false;
	open_count--;
}

struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip,
				       unsigned int offset)
{
	if (offset >= chip->nlines) {
		errno = EINVAL;
		return NULL;
	}
	return &chip->lines[offset];
}

int gpiod_line_request_output(struct gpiod_line *line, const char *consumer,
			      int default_val)
{
	if (line->fail_request) {
		errno = line->fail_request;
		return -1;
	}
	if (line->requested) {
		errno = EBUSY;
		return -1;
	}
	line->requested = true;
	snprintf(line->consumer, sizeof(line->consumer), "%s",
		 consumer ? consumer : "");
	line->value = default_val ? 1 : 0;
	return 0;
}

int gpiod_line_set_value(struct gpiod_line *line, int value)
{
	if (!line->requested) {
		errno = EPERM;
		return -1;
	}
	if (line->fail_set) {
		errno = line->fail_set;
		return -1;
	}
	line->sets++;
	line->value = value ? 1 : 0;
	return 0;
}

void gpiod_line_release(struct gpiod_line *line)
{
	line->requested = false;
	line->consumer[0] = '\0';
}
