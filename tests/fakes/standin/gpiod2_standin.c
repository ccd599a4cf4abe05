/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the libgpiod v2 calls hw/lights_gpiod2.c and
 * hw/wake_gpiod2.c make, linked only into test_lights_gpiod2 and
 * test_wake_gpiod2 instead of -lgpiod.  It keeps one simulated chip,
 * applies each request as the kernel would (exclusive lines, outputs set
 * at request time, active-low inverting values and edges, edges only on
 * inputs) and records what was asked for; edges wait behind a real pipe, so
 * the request's fd polls like the kernel's.  Its <gpiod.h> is the mirror in
 * v2/ (the Makefile's include path); the cross build for Debian 13 also
 * compiles this file against the real libgpiod 2.2 header, which checks
 * that every signature here, and so the mirror, matches libgpiod's.
 */
#include "fakes/standin/gpiod2_standin.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The enum values of libgpiod 2.2: compiled against the real header (the
 * cross build), these prove the mirror's values are libgpiod's. */
_Static_assert(GPIOD_LINE_VALUE_ERROR == -1 && GPIOD_LINE_VALUE_ACTIVE == 1,
	       "gpiod_line_value");
_Static_assert(GPIOD_LINE_DIRECTION_AS_IS == 1 &&
		       GPIOD_LINE_DIRECTION_OUTPUT == 3,
	       "gpiod_line_direction");
_Static_assert(GPIOD_LINE_EDGE_NONE == 1 && GPIOD_LINE_EDGE_BOTH == 4,
	       "gpiod_line_edge");
_Static_assert(GPIOD_LINE_BIAS_AS_IS == 1 && GPIOD_LINE_BIAS_DISABLED == 3 &&
		       GPIOD_LINE_BIAS_PULL_DOWN == 5,
	       "gpiod_line_bias");
_Static_assert(GPIOD_LINE_CLOCK_MONOTONIC == 1 && GPIOD_LINE_CLOCK_HTE == 3,
	       "gpiod_line_clock");
_Static_assert(GPIOD_EDGE_EVENT_RISING_EDGE == 1 &&
		       GPIOD_EDGE_EVENT_FALLING_EDGE == 2,
	       "gpiod_edge_event_type");

#define CONSUMER_MAX   32   /* the kernel's GPIO_MAX_NAME_SIZE */
#define BUFFER_DEFAULT 64   /* gpiod_edge_event_buffer_new(0) */
#define BUFFER_MAX     1024 /* its largest capacity */
#define DEBOUNCE_UNSET (-1L)

struct gpiod_line_settings {
	enum gpiod_line_direction direction;
	enum gpiod_line_edge edge;
	enum gpiod_line_bias bias;
	enum gpiod_line_clock clock;
	enum gpiod_line_value output;
	bool active_low;
	unsigned long debounce_us;
};

struct gpiod_line_config {
	unsigned int offset[STANDIN2_LINES_MAX]; /* in the order added */
	struct gpiod_line_settings ls[STANDIN2_LINES_MAX];
	size_t n;
};

struct gpiod_request_config {
	char consumer[CONSUMER_MAX];
};

struct gpiod_edge_event {
	enum gpiod_edge_event_type type;
	uint64_t ts_ns;
	unsigned int offset;
};

struct gpiod_edge_event_buffer {
	size_t capacity;
	size_t n;
	struct gpiod_edge_event *ev; /* capacity of them */
};

struct gpiod_line_request {
	unsigned int offset[STANDIN2_LINES_MAX];
	size_t n;
	int pipe[2]; /* one byte per queued edge; [0] is the fd */
	struct gpiod_edge_event ev[STANDIN2_EVENTS_MAX];
	int nev;
};

struct gpiod_chip_info {
	char name[32];
	char label[32];
};

struct gpiod_chip {
	int unused; /* every chip is the one simulated chip */
};

/* One line of the simulated chip. */
struct line {
	struct gpiod_line_request *req; /* holding it, or NULL */
	struct gpiod_line_settings ls;	/* of that request */
	char consumer[CONSUMER_MAX];
	int logical; /* output: the value set; -1 = never driven */
	int input;   /* input: the physical level */
	int fail_request, fail_set;
};

static struct {
	char name[32], label[32];
	unsigned int nlines;
	struct line line[STANDIN2_LINES_MAX];
	int live, open_chips;
	unsigned int requests, set_calls;
	int fail_open, fail_read;
} sim;

static struct line *at(unsigned int offset)
{
	return offset < STANDIN2_LINES_MAX ? &sim.line[offset] : NULL;
}

void gpiod2_standin_reset(const char *name, const char *label,
			  unsigned int nlines)
{
	memset(&sim, 0, sizeof(sim));
	snprintf(sim.name, sizeof(sim.name), "%s", name);
	snprintf(sim.label, sizeof(sim.label), "%s", label);
	sim.nlines = nlines > STANDIN2_LINES_MAX ? STANDIN2_LINES_MAX : nlines;
	for (unsigned int i = 0; i < STANDIN2_LINES_MAX; i++)
		sim.line[i].logical = -1;
}

int gpiod2_standin_live(void)
{
	return sim.live;
}

int gpiod2_standin_open_chips(void)
{
	return sim.open_chips;
}

unsigned int gpiod2_standin_requests(void)
{
	return sim.requests;
}

unsigned int gpiod2_standin_set_calls(void)
{
	return sim.set_calls;
}

static const struct gpiod_line_settings *held(unsigned int offset)
{
	return at(offset) && at(offset)->req ? &at(offset)->ls : NULL;
}

bool gpiod2_standin_requested(unsigned int offset)
{
	return held(offset) != NULL;
}

const char *gpiod2_standin_consumer(unsigned int offset)
{
	return held(offset) ? at(offset)->consumer : "";
}

int gpiod2_standin_direction(unsigned int offset)
{
	return held(offset) ? (int)held(offset)->direction : -1;
}

int gpiod2_standin_edge(unsigned int offset)
{
	return held(offset) ? (int)held(offset)->edge : -1;
}

int gpiod2_standin_bias(unsigned int offset)
{
	return held(offset) ? (int)held(offset)->bias : -1;
}

int gpiod2_standin_clock(unsigned int offset)
{
	return held(offset) ? (int)held(offset)->clock : -1;
}

int gpiod2_standin_active_low(unsigned int offset)
{
	return held(offset) ? held(offset)->active_low : -1;
}

long gpiod2_standin_debounce_us(unsigned int offset)
{
	return held(offset) ? (long)held(offset)->debounce_us : DEBOUNCE_UNSET;
}

int gpiod2_standin_position(unsigned int offset)
{
	const struct gpiod_line_request *req =
		at(offset) ? at(offset)->req : NULL;

	for (size_t i = 0; req && i < req->n; i++)
		if (req->offset[i] == offset)
			return (int)i;
	return -1;
}

int gpiod2_standin_level(unsigned int offset)
{
	const struct line *l = at(offset);

	if (!l || l->logical < 0)
		return -1;
	return l->logical ^ (int)l->ls.active_low;
}

void gpiod2_standin_fail_request(unsigned int offset, int err)
{
	if (at(offset))
		at(offset)->fail_request = err;
}

void gpiod2_standin_fail_set(unsigned int offset, int err)
{
	if (at(offset))
		at(offset)->fail_set = err;
}

void gpiod2_standin_fail_open(int err)
{
	sim.fail_open = err;
}

void gpiod2_standin_fail_read(int err)
{
	sim.fail_read = err;
}

int gpiod2_standin_drive_input(unsigned int offset, int level, uint64_t ts_ns)
{
	struct line *l = at(offset);
	struct gpiod_line_request *req;
	struct gpiod_edge_event *ev;
	bool rising;

	if (!l)
		return 0;
	level = level != 0;
	if (l->input == level)
		return 0;
	l->input = level;
	req = l->req;
	if (!req || l->ls.direction != GPIOD_LINE_DIRECTION_INPUT ||
	    l->ls.edge == GPIOD_LINE_EDGE_NONE)
		return 0;
	/* The kernel reports edges of the logical value. */
	rising = (level ^ (int)l->ls.active_low) != 0;
	if ((rising && l->ls.edge == GPIOD_LINE_EDGE_FALLING) ||
	    (!rising && l->ls.edge == GPIOD_LINE_EDGE_RISING))
		return 0;
	if (req->nev >= STANDIN2_EVENTS_MAX)
		return -1;
	ev = &req->ev[req->nev++];
	ev->type = rising ? GPIOD_EDGE_EVENT_RISING_EDGE
			  : GPIOD_EDGE_EVENT_FALLING_EDGE;
	ev->ts_ns = ts_ns;
	ev->offset = offset;
	return write(req->pipe[1], "e", 1) == 1 ? 1 : -1;
}

int gpiod2_standin_pending(unsigned int offset)
{
	return at(offset) && at(offset)->req ? at(offset)->req->nev : 0;
}

/* ---- the libgpiod v2 API ---- */

static void *new_object(size_t size)
{
	void *p = calloc(1, size);

	if (p)
		sim.live++;
	else
		errno = ENOMEM;
	return p;
}

static void free_object(void *p)
{
	if (!p)
		return;
	sim.live--;
	free(p);
}

bool gpiod_is_gpiochip_device(const char *path)
{
	char dev[64];

	snprintf(dev, sizeof(dev), "/dev/%s", sim.name);
	return path && sim.name[0] && strcmp(path, dev) == 0;
}

struct gpiod_chip *gpiod_chip_open(const char *path)
{
	struct gpiod_chip *chip;

	if (sim.fail_open) {
		errno = sim.fail_open;
		return NULL;
	}
	if (!gpiod_is_gpiochip_device(path)) {
		errno = ENOENT;
		return NULL;
	}
	chip = new_object(sizeof(*chip));
	if (chip)
		sim.open_chips++;
	return chip;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
	if (!chip)
		return;
	sim.open_chips--;
	free_object(chip);
}

struct gpiod_chip_info *gpiod_chip_get_info(struct gpiod_chip *chip)
{
	struct gpiod_chip_info *info;

	assert(chip);
	info = new_object(sizeof(*info));
	if (!info)
		return NULL;
	snprintf(info->name, sizeof(info->name), "%s", sim.name);
	snprintf(info->label, sizeof(info->label), "%s", sim.label);
	return info;
}

void gpiod_chip_info_free(struct gpiod_chip_info *info)
{
	free_object(info);
}

const char *gpiod_chip_info_get_name(struct gpiod_chip_info *info)
{
	assert(info);
	return info->name;
}

const char *gpiod_chip_info_get_label(struct gpiod_chip_info *info)
{
	assert(info);
	return info->label;
}

struct gpiod_line_settings *gpiod_line_settings_new(void)
{
	struct gpiod_line_settings *ls = new_object(sizeof(*ls));

	if (!ls)
		return NULL;
	/* libgpiod's defaults. */
	ls->direction = GPIOD_LINE_DIRECTION_AS_IS;
	ls->edge = GPIOD_LINE_EDGE_NONE;
	ls->bias = GPIOD_LINE_BIAS_AS_IS;
	ls->clock = GPIOD_LINE_CLOCK_MONOTONIC;
	ls->output = GPIOD_LINE_VALUE_INACTIVE;
	return ls;
}

void gpiod_line_settings_free(struct gpiod_line_settings *settings)
{
	free_object(settings);
}

int gpiod_line_settings_set_direction(struct gpiod_line_settings *settings,
				      enum gpiod_line_direction direction)
{
	assert(settings);
	if (direction < GPIOD_LINE_DIRECTION_AS_IS ||
	    direction > GPIOD_LINE_DIRECTION_OUTPUT) {
		errno = EINVAL;
		return -1;
	}
	settings->direction = direction;
	return 0;
}

int gpiod_line_settings_set_edge_detection(struct gpiod_line_settings *settings,
					   enum gpiod_line_edge edge)
{
	assert(settings);
	if (edge < GPIOD_LINE_EDGE_NONE || edge > GPIOD_LINE_EDGE_BOTH) {
		errno = EINVAL;
		return -1;
	}
	settings->edge = edge;
	return 0;
}

int gpiod_line_settings_set_bias(struct gpiod_line_settings *settings,
				 enum gpiod_line_bias bias)
{
	assert(settings);
	/* UNKNOWN is what line info reports, never a setting. */
	if (bias < GPIOD_LINE_BIAS_AS_IS || bias > GPIOD_LINE_BIAS_PULL_DOWN ||
	    bias == GPIOD_LINE_BIAS_UNKNOWN) {
		errno = EINVAL;
		return -1;
	}
	settings->bias = bias;
	return 0;
}

void gpiod_line_settings_set_active_low(struct gpiod_line_settings *settings,
					bool active_low)
{
	assert(settings);
	settings->active_low = active_low;
}

void gpiod_line_settings_set_debounce_period_us(
	struct gpiod_line_settings *settings, unsigned long period)
{
	assert(settings);
	settings->debounce_us = period;
}

int gpiod_line_settings_set_event_clock(struct gpiod_line_settings *settings,
					enum gpiod_line_clock event_clock)
{
	assert(settings);
	if (event_clock < GPIOD_LINE_CLOCK_MONOTONIC ||
	    event_clock > GPIOD_LINE_CLOCK_HTE) {
		errno = EINVAL;
		return -1;
	}
	settings->clock = event_clock;
	return 0;
}

int gpiod_line_settings_set_output_value(struct gpiod_line_settings *settings,
					 enum gpiod_line_value value)
{
	assert(settings);
	if (value != GPIOD_LINE_VALUE_INACTIVE &&
	    value != GPIOD_LINE_VALUE_ACTIVE) {
		errno = EINVAL;
		return -1;
	}
	settings->output = value;
	return 0;
}

struct gpiod_line_config *gpiod_line_config_new(void)
{
	return new_object(sizeof(struct gpiod_line_config));
}

void gpiod_line_config_free(struct gpiod_line_config *config)
{
	free_object(config);
}

int gpiod_line_config_add_line_settings(struct gpiod_line_config *config,
					const unsigned int *offsets,
					size_t num_offsets,
					struct gpiod_line_settings *settings)
{
	assert(config);
	if (!offsets || num_offsets == 0) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < num_offsets; i++) {
		size_t k = 0;

		/* An offset added again keeps its place, takes the new
		 * settings (libgpiod). */
		while (k < config->n && config->offset[k] != offsets[i])
			k++;
		if (k == config->n) {
			if (config->n == STANDIN2_LINES_MAX) {
				errno = E2BIG;
				return -1;
			}
			config->offset[config->n++] = offsets[i];
		}
		if (settings)
			config->ls[k] = *settings;
		else
			config->ls[k] = (struct gpiod_line_settings){
				.direction = GPIOD_LINE_DIRECTION_AS_IS,
				.edge = GPIOD_LINE_EDGE_NONE,
				.bias = GPIOD_LINE_BIAS_AS_IS,
				.clock = GPIOD_LINE_CLOCK_MONOTONIC,
			};
	}
	return 0;
}

struct gpiod_request_config *gpiod_request_config_new(void)
{
	return new_object(sizeof(struct gpiod_request_config));
}

void gpiod_request_config_free(struct gpiod_request_config *config)
{
	free_object(config);
}

void gpiod_request_config_set_consumer(struct gpiod_request_config *config,
				       const char *consumer)
{
	assert(config);
	/* Truncated to the kernel's length, as libgpiod does. */
	snprintf(config->consumer, sizeof(config->consumer), "%s",
		 consumer ? consumer : "");
}

/* The kernel's checks of a request: every line exists and is free, edge
 * detection only on inputs (debounce on an output is ignored). */
static int check_request(const struct gpiod_line_config *lc)
{
	if (lc->n == 0)
		return EINVAL;
	for (size_t i = 0; i < lc->n; i++) {
		const struct gpiod_line_settings *ls = &lc->ls[i];
		const struct line *l;

		if (lc->offset[i] >= sim.nlines)
			return EINVAL;
		l = at(lc->offset[i]);
		if (l->fail_request)
			return l->fail_request;
		if (l->req)
			return EBUSY;
		if (ls->direction != GPIOD_LINE_DIRECTION_INPUT &&
		    ls->edge != GPIOD_LINE_EDGE_NONE)
			return EINVAL;
	}
	return 0;
}

struct gpiod_line_request *
gpiod_chip_request_lines(struct gpiod_chip *chip,
			 struct gpiod_request_config *req_cfg,
			 struct gpiod_line_config *line_cfg)
{
	struct gpiod_line_request *req;
	int err;

	assert(chip);
	if (!line_cfg) {
		errno = EINVAL;
		return NULL;
	}
	err = check_request(line_cfg);
	if (err) {
		errno = err;
		return NULL;
	}
	req = new_object(sizeof(*req));
	if (!req)
		return NULL;
	if (pipe2(req->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free_object(req);
		return NULL;
	}
	req->n = line_cfg->n;
	for (size_t i = 0; i < line_cfg->n; i++) {
		struct line *l = at(line_cfg->offset[i]);

		req->offset[i] = line_cfg->offset[i];
		l->req = req;
		l->ls = line_cfg->ls[i];
		snprintf(l->consumer, sizeof(l->consumer), "%s",
			 req_cfg ? req_cfg->consumer : "");
		if (l->ls.direction == GPIOD_LINE_DIRECTION_OUTPUT)
			l->logical = (int)l->ls.output;
	}
	sim.requests++;
	return req;
}

void gpiod_line_request_release(struct gpiod_line_request *request)
{
	if (!request)
		return;
	for (size_t i = 0; i < request->n; i++) {
		struct line *l = at(request->offset[i]);

		l->req = NULL;
		l->consumer[0] = '\0';
	}
	close(request->pipe[0]);
	close(request->pipe[1]);
	free_object(request);
}

static int find(const struct gpiod_line_request *req, unsigned int offset)
{
	for (size_t i = 0; i < req->n; i++)
		if (req->offset[i] == offset)
			return (int)i;
	return -1;
}

enum gpiod_line_value
gpiod_line_request_get_value(struct gpiod_line_request *request,
			     unsigned int offset)
{
	const struct line *l;

	assert(request);
	if (find(request, offset) < 0) {
		errno = EINVAL;
		return GPIOD_LINE_VALUE_ERROR;
	}
	l = at(offset);
	if (l->ls.direction == GPIOD_LINE_DIRECTION_OUTPUT)
		return l->logical > 0 ? GPIOD_LINE_VALUE_ACTIVE
				      : GPIOD_LINE_VALUE_INACTIVE;
	return (l->input ^ (int)l->ls.active_low) ? GPIOD_LINE_VALUE_ACTIVE
						  : GPIOD_LINE_VALUE_INACTIVE;
}

int gpiod_line_request_set_values(struct gpiod_line_request *request,
				  const enum gpiod_line_value *values)
{
	assert(request);
	if (!values) {
		errno = EINVAL;
		return -1;
	}
	/* One ioctl: it fails whole or sets every line. */
	for (size_t i = 0; i < request->n; i++) {
		const struct line *l = at(request->offset[i]);

		if (l->fail_set) {
			errno = l->fail_set;
			return -1;
		}
		if (l->ls.direction != GPIOD_LINE_DIRECTION_OUTPUT) {
			errno = EPERM;
			return -1;
		}
	}
	for (size_t i = 0; i < request->n; i++)
		at(request->offset[i])->logical = values[i] ? 1 : 0;
	sim.set_calls++;
	return 0;
}

int gpiod_line_request_get_fd(struct gpiod_line_request *request)
{
	assert(request);
	return request->pipe[0];
}

int gpiod_line_request_wait_edge_events(struct gpiod_line_request *request,
					int64_t timeout_ns)
{
	struct pollfd p = {.fd = 0, .events = POLLIN};
	int ms = timeout_ns < 0 ? -1 : (int)(timeout_ns / 1000000);

	assert(request);
	if (sim.fail_read) {
		errno = sim.fail_read;
		return -1;
	}
	p.fd = request->pipe[0];
	return poll(&p, 1, ms);
}

int gpiod_line_request_read_edge_events(struct gpiod_line_request *request,
					struct gpiod_edge_event_buffer *buffer,
					size_t max_events)
{
	char drain[STANDIN2_EVENTS_MAX];
	size_t n = 0;

	assert(request);
	if (sim.fail_read) {
		errno = sim.fail_read;
		return -1;
	}
	if (!buffer) {
		errno = EINVAL;
		return -1;
	}
	if (request->nev == 0) {
		/* libgpiod would block here; a test never wants that. */
		errno = EAGAIN;
		return -1;
	}
	if (max_events > buffer->capacity)
		max_events = buffer->capacity;
	while (n < max_events && n < (size_t)request->nev) {
		buffer->ev[n] = request->ev[n];
		n++;
	}
	memmove(request->ev, request->ev + n,
		((size_t)request->nev - n) * sizeof(request->ev[0]));
	request->nev -= (int)n;
	buffer->n = n;
	if (read(request->pipe[0], drain, n) != (ssize_t)n)
		return -1;
	return (int)n;
}

enum gpiod_edge_event_type
gpiod_edge_event_get_event_type(struct gpiod_edge_event *event)
{
	assert(event);
	return event->type;
}

uint64_t gpiod_edge_event_get_timestamp_ns(struct gpiod_edge_event *event)
{
	assert(event);
	return event->ts_ns;
}

unsigned int gpiod_edge_event_get_line_offset(struct gpiod_edge_event *event)
{
	assert(event);
	return event->offset;
}

struct gpiod_edge_event_buffer *gpiod_edge_event_buffer_new(size_t capacity)
{
	struct gpiod_edge_event_buffer *buf;

	if (capacity == 0)
		capacity = BUFFER_DEFAULT;
	if (capacity > BUFFER_MAX)
		capacity = BUFFER_MAX;
	buf = new_object(sizeof(*buf));
	if (!buf)
		return NULL;
	buf->ev = calloc(capacity, sizeof(buf->ev[0]));
	if (!buf->ev) {
		free_object(buf);
		errno = ENOMEM;
		return NULL;
	}
	buf->capacity = capacity;
	return buf;
}

void gpiod_edge_event_buffer_free(struct gpiod_edge_event_buffer *buffer)
{
	if (!buffer)
		return;
	free(buffer->ev);
	free_object(buffer);
}

struct gpiod_edge_event *
gpiod_edge_event_buffer_get_event(struct gpiod_edge_event_buffer *buffer,
				  unsigned long index)
{
	assert(buffer);
	if (index >= buffer->n) {
		errno = EINVAL;
		return NULL;
	}
	return &buffer->ev[index];
}

size_t
gpiod_edge_event_buffer_get_num_events(struct gpiod_edge_event_buffer *buffer)
{
	assert(buffer);
	return buffer->n;
}
