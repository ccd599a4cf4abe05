/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the few libgpiod v1 calls hw/lights_gpiod.c and
 * hw/wake_gpiod.c make, linked only into test_lights_gpiod and
 * test_wake_gpiod instead of -lgpiod.  It keeps one simulated chip and
 * records each line's level and request, and queues edge events behind a
 * real pipe (so the event fd polls like the kernel's), so the real backend
 * code runs in unit tests on machines without GPIO.  Types come from
 * <gpiod.h>.
 */
#include "fakes/standin/gpiod_standin.h"

#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct gpiod_line {
	struct gpiod_chip *chip;
	unsigned int offset;
	bool requested;
	char consumer[32];
	int value;	   /* -1 = never driven */
	unsigned int sets; /* set_value calls */
	int fail_request;  /* errno for the next requests, 0 = none */
	int fail_set;	   /* errno for set_value, 0 = none */
	int req_type;	   /* of the last gpiod_line_request() */
	int req_flags;
	int pipe[2]; /* events: one byte per queued event; -1 */
	struct gpiod_line_event ev[STANDIN_EVENTS_MAX];
	int nev;
};

struct gpiod_chip {
	char name[32];
	unsigned int nlines;
	struct gpiod_line lines[STANDIN_LINES_MAX];
};

static struct gpiod_chip standin_chip;
static int open_count;

static void drop_events(struct gpiod_line *line);

void gpiod_standin_reset(const char *name, unsigned int nlines)
{
	static bool once; /* pipes exist only after the first reset */

	for (unsigned int i = 0; once && i < STANDIN_LINES_MAX; i++)
		drop_events(&standin_chip.lines[i]);
	once = true;
	memset(&standin_chip, 0, sizeof(standin_chip));
	snprintf(standin_chip.name, sizeof(standin_chip.name), "%s", name);
	standin_chip.nlines =
		nlines > STANDIN_LINES_MAX ? STANDIN_LINES_MAX : nlines;
	for (unsigned int i = 0; i < STANDIN_LINES_MAX; i++) {
		standin_chip.lines[i].chip = &standin_chip;
		standin_chip.lines[i].offset = i;
		standin_chip.lines[i].value = -1;
		standin_chip.lines[i].pipe[0] = -1;
		standin_chip.lines[i].pipe[1] = -1;
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

static void drop_events(struct gpiod_line *line)
{
	for (int k = 0; k < 2; k++) {
		if (line->pipe[k] >= 0)
			close(line->pipe[k]);
		line->pipe[k] = -1;
	}
	line->nev = 0;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
	if (!chip)
		return;
	for (unsigned int i = 0; i < chip->nlines; i++) {
		chip->lines[i].requested = false;
		drop_events(&chip->lines[i]);
	}
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
	drop_events(line);
}

int gpiod_standin_request_type(unsigned int offset)
{
	return at(offset) ? at(offset)->req_type : -1;
}

int gpiod_standin_request_flags(unsigned int offset)
{
	return at(offset) ? at(offset)->req_flags : -1;
}

int gpiod_line_request(struct gpiod_line *line,
		       const struct gpiod_line_request_config *config,
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
	if (config->request_type == GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES ||
	    config->request_type == GPIOD_LINE_REQUEST_EVENT_RISING_EDGE ||
	    config->request_type == GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE) {
		if (pipe2(line->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
			return -1;
	}
	line->requested = true;
	line->req_type = config->request_type;
	line->req_flags = config->flags;
	snprintf(line->consumer, sizeof(line->consumer), "%s",
		 config->consumer ? config->consumer : "");
	line->value = default_val ? 1 : 0;
	return 0;
}

int gpiod_line_event_get_fd(struct gpiod_line *line)
{
	if (!line->requested || line->pipe[0] < 0) {
		errno = EPERM;
		return -1;
	}
	return line->pipe[0];
}

int gpiod_standin_push_event(unsigned int offset, bool rising, int64_t ts_ns)
{
	struct gpiod_line *line = at(offset);
	struct gpiod_line_event *ev;

	if (!line || line->pipe[1] < 0 || line->nev >= STANDIN_EVENTS_MAX)
		return -1;
	ev = &line->ev[line->nev++];
	ev->ts.tv_sec = (time_t)(ts_ns / 1000000000LL);
	ev->ts.tv_nsec = (long)(ts_ns % 1000000000LL);
	ev->event_type = rising ? GPIOD_LINE_EVENT_RISING_EDGE
				: GPIOD_LINE_EVENT_FALLING_EDGE;
	return write(line->pipe[1], "e", 1) == 1 ? 0 : -1;
}

int gpiod_standin_pending(unsigned int offset)
{
	return at(offset) ? at(offset)->nev : 0;
}

/* Only a zero timeout is supported: the backend never blocks. */
int gpiod_line_event_wait(struct gpiod_line *line,
			  const struct timespec *timeout)
{
	(void)timeout;
	if (line->pipe[0] < 0) {
		errno = EPERM;
		return -1;
	}
	return line->nev > 0;
}

int gpiod_line_event_read_multiple(struct gpiod_line *line,
				   struct gpiod_line_event *events,
				   unsigned int num_events)
{
	unsigned int n = 0;
	char drain[STANDIN_EVENTS_MAX];

	if (line->pipe[0] < 0) {
		errno = EPERM;
		return -1;
	}
	while (n < num_events && (int)n < line->nev) {
		events[n] = line->ev[n];
		n++;
	}
	memmove(line->ev, line->ev + n,
		(size_t)(line->nev - (int)n) * sizeof(line->ev[0]));
	line->nev -= (int)n;
	if (n && read(line->pipe[0], drain, n) != (ssize_t)n)
		return -1;
	return (int)n;
}
