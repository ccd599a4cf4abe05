/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake_sim.c: the simulated twin of the wake input, a FIFO.  A test, the
 * demo or an operator at a laptop writes "press" (or "down" / "up") into
 * it, e.g. `echo press > /run/presensi/wake.fifo`; each line becomes edges
 * stamped with the time it is read.  We hold a writer end ourselves, so a
 * writer leaving never makes the FIFO report end-of-file forever.
 */
#include "wake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define SIM_FIFO_MODE	0660  /* the daemon and its admin group */
#define SIM_LINE_MAX	64    /* longest line kept; longer is garbage */
#define SIM_HOLD_MAX_MS 60000 /* "press N": at most a minute */
#define SIM_READ_CHUNK	32    /* bytes read from the FIFO at once */
#define SIM_QUEUE_MAX	128   /* edges parsed, not handed over yet */

struct wake_sim {
	struct wake_backend base; /* must be first; base.fd: read end */
	int wfd;		  /* our own writer: no EOF when others leave */
	char path[256];		  /* removed by destroy when created */
	bool created;
	char line[SIM_LINE_MAX]; /* a line not finished yet */
	size_t len;
	bool overlong; /* dropping the rest of a too long line */
	struct wake_edge q[SIM_QUEUE_MAX]; /* parsed, oldest first */
	size_t qn;
};

/* One complete line into edges; false when it is not understood. */
static bool sim_parse(const char *line, uint64_t now_ms, struct wake_edge *e,
		      size_t *n)
{
	unsigned long hold = WAKE_SIM_HOLD_MS;
	char *end;

	if (strcmp(line, "down") == 0 || strcmp(line, "up") == 0) {
		e[0].mono_ms = now_ms;
		e[0].active = line[0] == 'd';
		*n = 1;
		return true;
	}
	if (strncmp(line, "press", 5) != 0 || (line[5] && line[5] != ' '))
		return false;
	if (line[5]) {
		errno = 0;
		hold = strtoul(line + 6, &end, 10);
		if (errno || end == line + 6 || *end || hold > SIM_HOLD_MAX_MS)
			return false;
	}
	e[0].mono_ms = now_ms;
	e[0].active = true;
	e[1].mono_ms = now_ms + hold;
	e[1].active = false;
	*n = 2;
	return true;
}

/* Parses the bytes of buf into lines, their edges into the queue. */
static void sim_take(struct wake_sim *s, const char *buf, size_t len,
		     uint64_t now_ms)
{
	for (size_t i = 0; i < len; i++) {
		struct wake_edge le[2];
		size_t ln = 0;

		if (buf[i] != '\n') {
			if (s->len + 1 < sizeof(s->line))
				s->line[s->len++] = buf[i];
			else
				s->overlong = true;
			continue;
		}
		s->line[s->len] = '\0';
		if (s->len && !s->overlong &&
		    sim_parse(s->line, now_ms, le, &ln)) {
			for (size_t k = 0; k < ln; k++)
				s->q[s->qn++] = le[k];
		} else if (s->len || s->overlong) {
			log_warnx("wake: %s: ignored a line (not \"press "
				  "[ms]\", \"down\" or \"up\")",
				  s->path);
		}
		s->len = 0;
		s->overlong = false;
	}
}

static int sim_read(struct wake_backend *be, uint64_t now_ms,
		    struct wake_edge *e, size_t max, size_t *n)
{
	struct wake_sim *s = (struct wake_sim *)be;
	char buf[SIM_READ_CHUNK];
	ssize_t got;

	/* Each byte read can end a line of two edges: read no more than
	 * the queue can take, and leave the rest in the FIFO. */
	while (s->qn + 2 * sizeof(buf) <= SIM_QUEUE_MAX) {
		got = read(s->base.fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno != EAGAIN)
			return -errno;
		if (got <= 0)
			break; /* drained (0 cannot happen: we hold wfd) */
		sim_take(s, buf, (size_t)got, now_ms);
	}
	*n = s->qn < max ? s->qn : max;
	memcpy(e, s->q, *n * sizeof(*e));
	memmove(s->q, s->q + *n, (s->qn - *n) * sizeof(*e));
	s->qn -= *n;
	return 0;
}

static void sim_destroy(struct wake_backend *be)
{
	struct wake_sim *s = (struct wake_sim *)be;

	if (!s)
		return;
	close(s->base.fd);
	close(s->wfd);
	if (s->created)
		unlink(s->path);
	free(s);
}

int wake_sim_new(const char *path, struct wake_backend **out)
{
	struct wake_sim *s;
	struct stat st;
	int rc;

	if (!path || !*path)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s", path) >=
	    sizeof(s->path)) {
		rc = -ENAMETOOLONG;
		goto err_free;
	}
	if (stat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode)) {
			rc = -EINVAL;
			log_warnx("wake: %s exists and is not a FIFO", path);
			goto err_free;
		}
	} else if (mkfifo(path, SIM_FIFO_MODE) == 0) {
		s->created = true;
	} else {
		rc = -errno;
		log_errno(rc, "wake: cannot create the FIFO %s", path);
		goto err_free;
	}
	s->base.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->base.fd < 0) {
		rc = -errno;
		log_errno(rc, "wake: cannot open %s", path);
		goto err_unlink;
	}
	s->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->wfd < 0) {
		rc = -errno;
		log_errno(rc, "wake: cannot open %s for writing", path);
		goto err_close;
	}
	s->base.read = sim_read;
	s->base.destroy = sim_destroy;
	*out = &s->base;
	return 0;

err_close:
	close(s->base.fd);
err_unlink:
	if (s->created)
		unlink(path);
err_free:
	free(s);
	return rc;
}
