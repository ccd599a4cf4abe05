/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lights_sim.c: the simulated twin of the GPIO lights.  Appends one line
 * "<monotonic_ms> <state-name>" per state change to a log file, written
 * whole with one write(2) on an O_APPEND descriptor, so the demo and the
 * end-to-end tests can tail it from another process while it grows.
 */
#include "lights.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define SIM_LOG_MODE 0644 /* readable by the test or demo that tails it */

struct lights_sim {
	struct lights_backend base; /* must be first */
	int fd;			    /* the log, O_APPEND */
	unsigned int mask;	    /* last outputs, for debugging */
	bool write_failed;	    /* log the first failure only */
};

static int sim_set(struct lights_backend *be, unsigned int on_mask)
{
	struct lights_sim *s = (struct lights_sim *)be;

	s->mask = on_mask;
	return 0;
}

static void sim_state(struct lights_backend *be, enum light_state st,
		      uint64_t mono_ms)
{
	struct lights_sim *s = (struct lights_sim *)be;
	char line[64];
	ssize_t w;
	int n;

	n = snprintf(line, sizeof(line), "%" PRIu64 " %s\n", mono_ms,
		     lights_state_name(st));
	if (n < 0 || (size_t)n >= sizeof(line))
		return; /* cannot happen: names are short */
	do
		w = write(s->fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w != n && !s->write_failed) {
		/* The light log is a test aid: note it, carry on. */
		log_warn("lights: cannot append to the simulated light log");
		s->write_failed = true;
	}
}

static void sim_destroy(struct lights_backend *be)
{
	struct lights_sim *s = (struct lights_sim *)be;

	if (!s)
		return;
	close(s->fd);
	free(s);
}

int lights_sim_new(const char *log_path, struct lights_backend **out)
{
	struct lights_sim *s;
	int fd;

	if (!log_path || !*log_path)
		return -EINVAL;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		  SIM_LOG_MODE);
	if (fd < 0) {
		int rc = -errno;

		log_errno(rc, "lights: cannot open %s", log_path);
		return rc;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	s->base.set = sim_set;
	s->base.state = sim_state;
	s->base.destroy = sim_destroy;
	*out = &s->base;
	return 0;
}
