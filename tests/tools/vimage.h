/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeds libfprint's virtual_image reader (FP_VIRTUAL_IMAGE unix socket):
 * images and the driver's control headers (retry, device error, unplug,
 * finger on/off).  Plain POSIX + pthreads, no GLib, usable from any
 * process.  Also a small "gate" that paces a feeder thread on the
 * reader's finger-status NEEDED, because libfprint 1.94.5 asserts (and
 * hangs) when an image arrives before the previous one was consumed.
 *
 * Wire format (libfprint drivers/virtual-image.c): two native int32
 * (width, height) then width*height grey bytes; a negative width is a
 * header: (-1, FpDeviceRetry) retry, (-2, FpDeviceError) session error,
 * (-3, 0/1) automatic finger off/on, (-4, 0/1) finger off/on report,
 * (-5, 0) device removed.  The driver reads all of them from one client
 * connection; keep it open across images (a new connection replaces the
 * old one).
 */
#ifndef PRESENSI_TOOLS_VIMAGE_H
#define PRESENSI_TOOLS_VIMAGE_H

#include <pthread.h>
#include <stdint.h>

#define VIMAGE_HDR_RETRY  (-1)
#define VIMAGE_HDR_ERROR  (-2)
#define VIMAGE_HDR_AUTO	  (-3)
#define VIMAGE_HDR_FINGER (-4)
#define VIMAGE_HDR_UNPLUG (-5)

/* libfprint 1.94.5 fp-device.h: FP_DEVICE_ERROR_REMOVED = 0x100, then */
#define VIMAGE_ERR_GENERAL 0   /* FP_DEVICE_ERROR_GENERAL */
#define VIMAGE_ERR_PROTO   5   /* FP_DEVICE_ERROR_PROTO */
#define VIMAGE_ERR_TOO_HOT 257 /* FP_DEVICE_ERROR_TOO_HOT (0x101) */
/* fp-device.h FpDeviceRetry */
#define VIMAGE_RETRY_GENERAL   0 /* FP_DEVICE_RETRY_GENERAL */
#define VIMAGE_RETRY_TOO_SHORT 1 /* FP_DEVICE_RETRY_TOO_SHORT */
#define VIMAGE_RETRY_CENTER    2 /* FP_DEVICE_RETRY_CENTER_FINGER */
#define VIMAGE_RETRY_REMOVE    3 /* FP_DEVICE_RETRY_REMOVE_FINGER */

struct vimage;

/*
 * Connects to the reader's socket at path, trying again every 10 ms for
 * up to timeout_ms while it does not exist yet or refuses (the driver
 * creates it when the device is opened).  *out is set only on success;
 * free with vimage_close().  Returns 0, -EINVAL (path too long),
 * -ETIMEDOUT, -ENOMEM or another -errno from socket/connect.
 */
int vimage_connect(const char *path, int timeout_ms, struct vimage **out);
/* Closes the connection.  NULL-safe. */
void vimage_close(struct vimage *v);

/*
 * Sends one w x h grey image (w, h in 1..5000, the driver's limit).
 * Blocks until written.  0, -EINVAL, or -errno (-EPIPE: reader gone).
 */
int vimage_send_image(struct vimage *v, const uint8_t *img, int w, int h);
/* Sends a two-int header (the constants above).  0 or -errno. */
int vimage_send_header(struct vimage *v, int32_t a, int32_t b);
/* Shorthands for the headers. */
int vimage_send_retry(struct vimage *v, int retry_code);
int vimage_send_error(struct vimage *v, int error_code);
int vimage_send_unplug(struct vimage *v);

/*
 * The pacing gate: the reader's main loop calls vimage_gate_open() each
 * time finger-status gains NEEDED; a feeder thread calls
 * vimage_gate_wait() before each image or header.  Thread-safe; the gate
 * itself is a plain struct the caller owns.
 */
struct vimage_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	uint64_t gen;	   /* times NEEDED was seen */
	int closed;	   /* vimage_gate_shutdown(): wake everybody */
};

void vimage_gate_init(struct vimage_gate *g);
void vimage_gate_destroy(struct vimage_gate *g);
/* From the main loop: NEEDED seen once more.  Returns the new generation. */
uint64_t vimage_gate_open(struct vimage_gate *g);
/* Current generation (how many NEEDED so far). */
uint64_t vimage_gate_gen(struct vimage_gate *g);
/*
 * Waits until the generation exceeds after (pass the generation the last
 * send was made under, or 0 at first).  *gen (optional) gets the new
 * generation.  0, -ETIMEDOUT after timeout_ms, -ECANCELED after shutdown.
 */
int vimage_gate_wait(struct vimage_gate *g, uint64_t after, int timeout_ms,
		     uint64_t *gen);
/* Wakes every waiter with -ECANCELED, now and for later waits. */
void vimage_gate_shutdown(struct vimage_gate *g);

/*
 * A feeder thread: plays queued synthetic-finger impressions and headers
 * into the socket, each one only after the gate's generation exceeds both
 * the generation of its previous send and the job's own "after" (give the
 * gate's generation read just before starting the libfprint action).  It
 * connects on its first job and keeps the connection for all later jobs.
 * Images are rendered in the feeder thread (fingergen, FINGERGEN_W x
 * FINGERGEN_H), never in the main loop's thread.
 */
struct vimage_feeder;

/* Starts the thread.  sock is copied; gate is borrowed.  0, -ENOMEM, -errno. */
int vimage_feeder_start(const char *sock, struct vimage_gate *gate,
			int timeout_ms, struct vimage_feeder **out);
/* Queues impression imp of finger; 0 or -ENOMEM. */
int vimage_feeder_push_finger(struct vimage_feeder *f, uint32_t finger,
			      uint32_t imp, uint64_t after);
/* Queues a header (a, b); 0 or -ENOMEM. */
int vimage_feeder_push_header(struct vimage_feeder *f, int32_t a, int32_t b,
			      uint64_t after);
/* Jobs written so far (safe from any thread). */
unsigned int vimage_feeder_sent(struct vimage_feeder *f);
/* Monotonic time (us) when the latest job's last byte was written. */
uint64_t vimage_feeder_last_sent_us(struct vimage_feeder *f);
/* First error the thread met (-ETIMEDOUT waiting, -EPIPE...), or 0. */
int vimage_feeder_error(struct vimage_feeder *f);
/* Drops queued jobs, wakes the thread, joins it, closes.  NULL-safe. */
void vimage_feeder_stop(struct vimage_feeder *f);

#endif /* PRESENSI_TOOLS_VIMAGE_H */
