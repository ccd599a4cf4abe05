// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vimage.c: the client side of libfprint's virtual_image socket, and the
 * gate that paces a feeder thread on finger-status NEEDED.  Tests, bench
 * and the demo use it to play a finger on the virtual reader.
 */
#include "tools/vimage.h"
#include "tools/fingergen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VIMAGE_CONNECT_STEP_NS 10000000L /* 10 ms between connect tries */
#define VIMAGE_MAX_DIM	       5000	 /* driver rejects larger images */

struct vimage {
	int fd; /* connected AF_UNIX stream socket */
};

int vimage_connect(const char *path, int timeout_ms, struct vimage **out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timespec step = {0, VIMAGE_CONNECT_STEP_NS};
	struct vimage *v;
	long waited_ms = 0;
	int fd;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (;;) {
		int err;

		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = -errno;
			free(v);
			return err;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		err = -errno;
		close(fd);
		if ((err != -ENOENT && err != -ECONNREFUSED) ||
		    waited_ms >= timeout_ms) {
			free(v);
			return err == -ENOENT || err == -ECONNREFUSED
				       ? -ETIMEDOUT
				       : err;
		}
		nanosleep(&step, NULL);
		waited_ms += VIMAGE_CONNECT_STEP_NS / 1000000L;
	}
	v->fd = fd;
	*out = v;
	return 0;
}

void vimage_close(struct vimage *v)
{
	if (!v)
		return;
	close(v->fd);
	free(v);
}

static int vimage_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		/* MSG_NOSIGNAL: a vanished reader is -EPIPE, not SIGPIPE. */
		ssize_t k = send(fd, p, len, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int vimage_send_header(struct vimage *v, int32_t a, int32_t b)
{
	int32_t hdr[2] = {a, b};

	if (!v)
		return -EINVAL;
	return vimage_write_all(v->fd, hdr, sizeof(hdr));
}

int vimage_send_image(struct vimage *v, const uint8_t *img, int w, int h)
{
	int rc;

	if (!v || !img || w <= 0 || h <= 0 || w > VIMAGE_MAX_DIM ||
	    h > VIMAGE_MAX_DIM)
		return -EINVAL;
	rc = vimage_send_header(v, w, h);
	if (rc)
		return rc;
	return vimage_write_all(v->fd, img, (size_t)w * h);
}

int vimage_send_retry(struct vimage *v, int retry_code)
{
	return vimage_send_header(v, VIMAGE_HDR_RETRY, retry_code);
}

int vimage_send_error(struct vimage *v, int error_code)
{
	return vimage_send_header(v, VIMAGE_HDR_ERROR, error_code);
}

int vimage_send_unplug(struct vimage *v)
{
	return vimage_send_header(v, VIMAGE_HDR_UNPLUG, 0);
}

void vimage_gate_init(struct vimage_gate *g)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	g->gen = 0;
	g->closed = 0;
}

void vimage_gate_destroy(struct vimage_gate *g)
{
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
}

uint64_t vimage_gate_open(struct vimage_gate *g)
{
	uint64_t gen;

	pthread_mutex_lock(&g->mu);
	gen = ++g->gen;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return gen;
}

uint64_t vimage_gate_gen(struct vimage_gate *g)
{
	uint64_t gen;

	pthread_mutex_lock(&g->mu);
	gen = g->gen;
	pthread_mutex_unlock(&g->mu);
	return gen;
}

int vimage_gate_wait(struct vimage_gate *g, uint64_t after, int timeout_ms,
		     uint64_t *gen)
{
	struct timespec dl;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&g->mu);
	while (!g->closed && g->gen <= after && rc == 0)
		rc = pthread_cond_timedwait(&g->cv, &g->mu, &dl);
	if (g->closed)
		rc = -ECANCELED;
	else if (g->gen > after)
		rc = 0;
	else
		rc = -ETIMEDOUT;
	if (!rc && gen)
		*gen = g->gen;
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void vimage_gate_shutdown(struct vimage_gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->closed = 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

#define VIMAGE_FEEDER_QMAX 64 /* queued jobs; tests queue a handful */

struct vimage_job {
	int is_image;
	uint32_t finger, imp; /* is_image */
	int32_t a, b;	      /* header */
	uint64_t after;	      /* gate generation to exceed */
};

struct vimage_feeder {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vimage_job q[VIMAGE_FEEDER_QMAX];
	unsigned int head, tail; /* ring indexes, tail - head queued */
	int stop;
	unsigned int sent;
	uint64_t last_sent_us;
	int error;
	int timeout_ms;
	struct vimage_gate *gate;
	struct vimage *conn;
	char sock[108];
};

static uint64_t vimage_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int vimage_feeder_do(struct vimage_feeder *f, const struct vimage_job *j,
			    uint8_t *img)
{
	int rc = 0;

	if (!f->conn)
		rc = vimage_connect(f->sock, f->timeout_ms, &f->conn);
	if (!rc && j->is_image)
		rc = fingergen_render(j->finger, j->imp, img, FINGERGEN_W,
				      FINGERGEN_H);
	if (!rc && j->is_image)
		rc = vimage_send_image(f->conn, img, FINGERGEN_W, FINGERGEN_H);
	else if (!rc)
		rc = vimage_send_header(f->conn, j->a, j->b);
	return rc;
}

static void *vimage_feeder_main(void *arg)
{
	struct vimage_feeder *f = arg;
	uint8_t *img = malloc((size_t)FINGERGEN_W * FINGERGEN_H);
	uint64_t last = 0, gen = 0;

	for (;;) {
		struct vimage_job j;
		int rc;

		pthread_mutex_lock(&f->mu);
		while (!f->stop && f->head == f->tail)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		j = f->q[f->head % VIMAGE_FEEDER_QMAX];
		pthread_mutex_unlock(&f->mu);

		rc = img ? 0 : -ENOMEM;
		if (!rc)
			rc = vimage_gate_wait(f->gate,
					      j.after > last ? j.after : last,
					      f->timeout_ms, &gen);
		if (!rc)
			rc = vimage_feeder_do(f, &j, img);
		pthread_mutex_lock(&f->mu);
		f->head++;
		if (rc && !f->error)
			f->error = rc;
		if (!rc) {
			last = gen;
			f->sent++;
			f->last_sent_us = vimage_now_us();
		}
		pthread_mutex_unlock(&f->mu);
		if (rc == -ECANCELED)
			break;
	}
	free(img);
	return NULL;
}

int vimage_feeder_start(const char *sock, struct vimage_gate *gate,
			int timeout_ms, struct vimage_feeder **out)
{
	struct vimage_feeder *f;
	int rc;

	if (!sock || !gate || strlen(sock) >= sizeof(f->sock))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f->sock, sock, strlen(sock) + 1);
	f->gate = gate;
	f->timeout_ms = timeout_ms;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	rc = pthread_create(&f->thread, NULL, vimage_feeder_main, f);
	if (rc) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return -rc;
	}
	*out = f;
	return 0;
}

static int vimage_feeder_push(struct vimage_feeder *f,
			      const struct vimage_job *j)
{
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	if (f->tail - f->head >= VIMAGE_FEEDER_QMAX) {
		rc = -ENOMEM;
	} else {
		f->q[f->tail % VIMAGE_FEEDER_QMAX] = *j;
		f->tail++;
		pthread_cond_signal(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

int vimage_feeder_push_finger(struct vimage_feeder *f, uint32_t finger,
			      uint32_t imp, uint64_t after)
{
	struct vimage_job j = {
		.is_image = 1, .finger = finger, .imp = imp, .after = after};

	return vimage_feeder_push(f, &j);
}

int vimage_feeder_push_header(struct vimage_feeder *f, int32_t a, int32_t b,
			      uint64_t after)
{
	struct vimage_job j = {.a = a, .b = b, .after = after};

	return vimage_feeder_push(f, &j);
}

unsigned int vimage_feeder_sent(struct vimage_feeder *f)
{
	unsigned int n;

	pthread_mutex_lock(&f->mu);
	n = f->sent;
	pthread_mutex_unlock(&f->mu);
	return n;
}

uint64_t vimage_feeder_last_sent_us(struct vimage_feeder *f)
{
	uint64_t t;

	pthread_mutex_lock(&f->mu);
	t = f->last_sent_us;
	pthread_mutex_unlock(&f->mu);
	return t;
}

int vimage_feeder_error(struct vimage_feeder *f)
{
	int e;

	pthread_mutex_lock(&f->mu);
	e = f->error;
	pthread_mutex_unlock(&f->mu);
	return e;
}

void vimage_feeder_stop(struct vimage_feeder *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	/*
	 * A thread blocked in the gate is woken by the owner's
	 * vimage_gate_shutdown(); here only a bounded wait remains.
	 */
	pthread_join(f->thread, NULL);
	vimage_close(f->conn);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
