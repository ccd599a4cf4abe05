// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scanner.c: every fingerprint reader libfprint finds, through its async
 * API, on a thread of its own with its own GMainContext (STYLE §10):
 * libfprint matches the gallery inside its callbacks, and that must not
 * stall the daemon's main loop.  Each reader loops identify over the
 * gallery prints compatible with it; results, retries, removal and the
 * heat model become scanner.h events, queued to the caller's context.
 * The only file that includes <fprint.h>.
 *
 * Threads: the public functions run on the caller's thread (the one whose
 * thread-default context was current at scanner_new()).  They copy what
 * they are given into a request and hand it to the scanner thread with
 * g_main_context_invoke_full(); nothing there calls libfprint.  Everything
 * from "readers" to "public API" below runs on the scanner thread only.
 * What crosses the other way: events (struct ev_msg, copied, queued under
 * sh->mu, dispatched by a GSource on the caller's context) and a snapshot
 * of the readers (sh->snap, written by the scanner thread under sh->mu,
 * read by scanner_reader_count/_info).
 */
#include "scanner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fprint.h>
#include <glib.h>

#include "log.h"

/*
 * libfprint 1.94.5's heat model (fpi-device.c fpi_device_update_temp,
 * fp-device-private.h), for drivers that keep the defaults, as the
 * virtual ones and most USB image readers do:
 *   while an action (identify, enrol, capture) runs, r -> 1 with time
 *   constant 180 s; while idle, r -> 0 with time constant 540 s;
 *   r starts at 1/(e+1) = 0.269 (COLD), HOT at e/(e+1) = 0.731, back to
 *   WARM only below 0.5.  HOT cancels the running action with
 *   FP_DEVICE_ERROR_TOO_HOT and refuses new ones.
 * So a reader kept armed goes HOT after 180 s from cold, then needs
 * 540 * ln(0.731 / 0.5) = 205 s idle, then is HOT again after
 * 180 * ln(0.5 / 0.269) = 112 s armed: 35 % availability.  Restarting
 * identify before it turns HOT does not help: the model integrates
 * active time, and the idle gaps between two identifies (~0.1 s) cool it
 * by nothing; closing and re-opening the device keeps the model too
 * (measured on 1.94.5: ratio 0.28 carried across close/open).  Only a
 * new FpContext starts from cold, which would defeat the protection, so
 * we do not.  Armed a fraction d of the time, r settles at
 * 3d / (1 + 2d), which passes 0.731 for d > 47.5 %.  So presensid arms the
 * readers only while somebody is likely there (scanner_set_armed() from a
 * wake input, or the profile's busy windows), and rests them a few seconds
 * before HOT rather than letting HOT lock them for 205 s (duty.h).  On TOO_HOT
 * we pause the reader (COOLING), watch notify::temperature and re-arm when it
 * leaves HOT (COOLED).  A TOO_HOT reported while the model is not HOT (a
 * driver's own sensor, or the virtual reader's injected error) pauses
 * SCANNER_HOT_PAUSE_MS, so a device that keeps saying so cannot spin us.
 */
#define SCANNER_HOT_PAUSE_MS   1000  /* TOO_HOT without a HOT model */
#define SCANNER_BACKOFF_MIN_MS 500   /* after a device error, first */
#define SCANNER_BACKOFF_MAX_MS 30000 /* ... doubling up to this */
#define SCANNER_FREE_WAIT_US   (5 * G_USEC_PER_SEC) /* shutdown bound */
#define SCANNER_READERS_SNAP   16 /* readers shown in the snapshot, at most */

enum reader_state {
	READER_OPENING = 0,
	READER_IDLE,	 /* open, no action */
	READER_IDENTIFY, /* identify (or capture, empty gallery) running */
	READER_CHECK,	 /* enrol: duplicate check running */
	READER_ENROLL,	 /* enrol stages running */
	READER_COOLING,	 /* TOO_HOT: waiting */
	READER_BACKOFF,	 /* device error: waiting */
	READER_ERROR,	 /* open failed */
	READER_CLOSING,
};

struct gal_print {
	int64_t key;
	FpPrint *print; /* owned ref */
};

struct reader {
	struct scanner *s;
	FpDevice *dev; /* owned ref */
	int index;
	char model[PD_READER_MAX];
	char name[PD_TEXT_MAX];
	enum reader_state state;
	int ops;	      /* libfprint calls in flight */
	int removed;	      /* device went away */
	int gone;	      /* context dropped it: free when ops == 0 */
	int want_enroll;      /* start enrolment when the action ends */
	int enroll_cancel;    /* scanner_enroll_cancel() asked */
	GCancellable *cancel; /* of the running action */
	GPtrArray *gal;	      /* compatible FpPrint, owned refs */
	GArray *gal_keys;     /* int64_t, parallel to gal */
	GPtrArray *run_gal;   /* gal as given to the running identify */
	GArray *run_keys;     /* its keys */
	uint64_t armed_gen;
	int armed_now;
	uint64_t t_image_us;
	uint64_t t_decision_us;
	FpFingerStatusFlags status;
	guint timer; /* cooling/backoff source id */
	int backoff_ms;
	int stages; /* enrol: stages of this device */
};

/* A reader as the caller's thread sees it (scanner_reader_info). */
struct snap_reader {
	struct scanner_reader_info info;
	int usable; /* open, not closing or removed: enrol may start */
};

/*
 * What both threads touch, always under mu.  Separate from struct scanner
 * so that a const struct scanner * still reaches a lockable mutex.
 */
struct shared {
	GMutex mu;
	GCond cv; /* started, sync requests done */
	struct snap_reader snap[SCANNER_READERS_SNAP];
	size_t nsnap;
	GQueue events;	      /* struct ev_msg *, oldest first */
	uint64_t disarms;     /* requests posted that end the current arm */
	uint64_t disarmed;    /* ... of which the scanner thread has run */
	int started;	      /* the scanner thread runs its loop */
	struct scanner *self; /* for the scanner_gallery_keys() request */
};

/* One event on its way to the caller's thread; owns its copies. */
struct ev_msg {
	struct scanner_event ev;
	char model[PD_READER_MAX];
	char *message; /* g_strdup */
	uint8_t *blob; /* ENROLL_DONE: a copy, wiped after the callback */
};

/* The GSource on the caller's context that hands events over. */
struct ev_source {
	GSource base; /* must be first */
	struct scanner *s;
};

struct scanner {
	/* set by scanner_new(), read-only after */
	scanner_event_fn *fn;
	void *ud;
	GMainContext *mctx; /* caller's thread-default at scanner_new() */
	GMainContext *fctx; /* the scanner thread's own context */
	GThread *thread;
	struct shared *sh;
	GSource *evsrc; /* struct ev_source, attached to mctx */
	/* the caller's thread only */
	int armed_main;	    /* last scanner_set_armed() */
	int enrolling_main; /* enrolment started, its end not delivered */
	int enroll_reader_main;
	/* the scanner thread only, from here on */
	GMainLoop *loop;
	FpContext *ctx;
	GPtrArray *readers; /* struct reader * */
	struct gal_print *gal;
	size_t n_gal;
	int have_gallery; /* identify starts once a gallery is set */
	int armed;	  /* scanner_set_armed() */
	int next_index;
	struct reader *enrolling;
	int freeing;
};

static void reader_arm(struct reader *r);
static void snap_publish(struct scanner *s);

static uint64_t now_us(void)
{
	return (uint64_t)g_get_monotonic_time();
}

/* ---- logging ---------------------------------------------------------- */

static void scanner_logf(int pri, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void scanner_logf(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(pri, fmt, ap);
	va_end(ap);
}

/* GLib and libfprint messages, as log.h lines (pri 3/4/6/7). */
static GLogWriterOutput scanner_log_writer(GLogLevelFlags level,
					   const GLogField *fields,
					   gsize n_fields, gpointer ud)
{
	const char *domain = NULL, *msg = NULL;
	int pri;

	(void)ud;
	for (gsize i = 0; i < n_fields; i++) {
		if (!strcmp(fields[i].key, "GLIB_DOMAIN"))
			domain = fields[i].value;
		else if (!strcmp(fields[i].key, "MESSAGE"))
			msg = fields[i].value;
	}
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		pri = 3;
	else if (level & G_LOG_LEVEL_WARNING)
		pri = 4;
	else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
		pri = 6;
	else if (g_log_writer_default_would_drop(level, domain) &&
		 log_getverbose() < 2)
		return G_LOG_WRITER_HANDLED; /* libfprint debug: -vv */
	else
		pri = 7;
	scanner_logf(pri, "%s: %s", domain ? domain : "glib", msg ? msg : "");
	return G_LOG_WRITER_HANDLED;
}

/* ---- events ----------------------------------------------------------- */

/* Scanner thread: queues ev (copied) for the caller's thread. */
static void post_event(struct scanner *s, const struct scanner_event *ev,
		       const char *model)
{
	struct ev_msg *m = g_new0(struct ev_msg, 1);

	m->ev = *ev;
	snprintf(m->model, sizeof(m->model), "%s", model ? model : "");
	m->message = g_strdup(ev->message);
	if (ev->blob && ev->blob_len)
		m->blob = g_memdup2(ev->blob, ev->blob_len);
	m->ev.model = NULL;
	m->ev.message = NULL;
	m->ev.blob = NULL;
	g_mutex_lock(&s->sh->mu);
	g_queue_push_tail(&s->sh->events, m);
	g_mutex_unlock(&s->sh->mu);
	/* thread-safe: wakes the caller's context */
	g_source_set_ready_time(s->evsrc, 0);
}

/* The snapshot first: a caller that sees the event sees its state. */
static void emit(struct reader *r, struct scanner_event *ev)
{
	ev->reader = r->index;
	snap_publish(r->s);
	post_event(r->s, ev, r->model);
}

static void emit_kind(struct reader *r, enum scanner_event_kind kind)
{
	struct scanner_event ev = {.kind = kind};

	emit(r, &ev);
}

static void emit_result(struct reader *r, enum scan_outcome o, int64_t key,
			int retry_code, const char *msg)
{
	struct scanner_event ev = {
		.kind = SCANNER_EV_RESULT,
		.outcome = o,
		.print_key = key,
		.retry_code = retry_code,
		.t_image_us = r->t_image_us,
		.t_decision_us = r->t_decision_us ? r->t_decision_us : now_us(),
		.message = msg,
	};

	emit(r, &ev);
}

static void emit_enroll_failed(struct reader *r, enum scan_outcome o,
			       int64_t key, const char *msg)
{
	struct scanner_event ev = {
		.kind = SCANNER_EV_ENROLL_FAILED,
		.outcome = o,
		.print_key = key,
		.message = msg,
	};

	emit(r, &ev);
}

/* ---- readers ---------------------------------------------------------- */

static struct reader *reader_of_dev(struct scanner *s, FpDevice *dev)
{
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		if (r->dev == dev)
			return r;
	}
	return NULL;
}

static struct reader *reader_of_index(struct scanner *s, int index)
{
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		if (r->index == index && !r->gone)
			return r;
	}
	return NULL;
}

static void reader_stop_timer(struct reader *r)
{
	if (r->timer) {
		GSource *src =
			g_main_context_find_source_by_id(r->s->fctx, r->timer);

		if (src)
			g_source_destroy(src);
		r->timer = 0;
	}
}

static guint reader_add_timer(struct reader *r, guint ms, GSourceFunc fn)
{
	GSource *src = g_timeout_source_new(ms);
	guint id;

	g_source_set_callback(src, fn, r, NULL);
	id = g_source_attach(src, r->s->fctx);
	g_source_unref(src);
	return id;
}

static void reader_destroy(struct reader *r)
{
	reader_stop_timer(r);
	g_signal_handlers_disconnect_by_data(r->dev, r);
	g_clear_object(&r->cancel);
	g_ptr_array_unref(r->gal);
	g_array_unref(r->gal_keys);
	g_clear_pointer(&r->run_gal, g_ptr_array_unref);
	g_clear_pointer(&r->run_keys, g_array_unref);
	g_object_unref(r->dev);
	g_free(r);
}

/* Frees a reader the context dropped, once nothing of ours is pending. */
static void reader_maybe_free(struct reader *r)
{
	struct scanner *s = r->s;

	if (!r->gone || r->ops)
		return;
	g_ptr_array_remove(s->readers, r);
	if (s->enrolling == r)
		s->enrolling = NULL;
	reader_destroy(r);
}

/*
 * Rebuilds the reader's compatible gallery, in the caller's order.  New
 * arrays every time: a running identify keeps the old ones (run_gal).
 */
static void reader_load_gallery(struct reader *r)
{
	struct scanner *s = r->s;

	if (r->gal)
		g_ptr_array_unref(r->gal);
	if (r->gal_keys)
		g_array_unref(r->gal_keys);
	r->gal = g_ptr_array_new_with_free_func(g_object_unref);
	r->gal_keys = g_array_new(FALSE, FALSE, sizeof(int64_t));
	for (size_t i = 0; i < s->n_gal; i++) {
		if (!fp_print_compatible(s->gal[i].print, r->dev))
			continue;
		g_ptr_array_add(r->gal, g_object_ref(s->gal[i].print));
		g_array_append_val(r->gal_keys, s->gal[i].key);
	}
}

/* Key of the gallery print identify matched, from its own gallery. */
static int64_t reader_key_of(struct reader *r, FpPrint *match)
{
	GPtrArray *gal = r->run_gal;

	for (guint i = 0; match && gal && i < gal->len; i++)
		if (g_ptr_array_index(gal, i) == match ||
		    fp_print_equal(g_ptr_array_index(gal, i), match))
			return g_array_index(r->run_keys, int64_t, i);
	return -1;
}

static void reader_close_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	struct scanner *s = r->s;
	g_autoptr(GError) err = NULL;

	if (!fp_device_close_finish(FP_DEVICE(o), res, &err) && !r->removed)
		scanner_logf(4, "scanner: %s: close: %s", r->model,
			     err->message);
	r->ops--;
	reader_maybe_free(r);
	snap_publish(s);
}

static void reader_close(struct reader *r)
{
	if (r->state == READER_CLOSING || r->state == READER_OPENING ||
	    r->state == READER_ERROR || !fp_device_is_open(r->dev))
		return;
	reader_stop_timer(r);
	r->state = READER_CLOSING;
	r->ops++;
	fp_device_close(r->dev, NULL, reader_close_cb, r);
}

/* The action ended: decide what the reader does next. */
static void reader_next(struct reader *r)
{
	g_clear_object(&r->cancel);
	r->t_decision_us = 0;
	if (r->removed || r->s->freeing) {
		reader_close(r);
		return;
	}
	if (r->state == READER_IDENTIFY || r->state == READER_CHECK ||
	    r->state == READER_ENROLL)
		r->state = READER_IDLE;
	reader_arm(r);
}

static gboolean reader_timer_cb(gpointer ud)
{
	struct reader *r = ud;

	r->timer = 0;
	if (r->state == READER_COOLING) {
		r->state = READER_IDLE;
		scanner_logf(6, "scanner: %s: cooled, identify re-armed",
			     r->model);
		emit_kind(r, SCANNER_EV_COOLED);
	} else if (r->state == READER_BACKOFF) {
		r->state = READER_IDLE;
	}
	reader_arm(r);
	snap_publish(r->s);
	return G_SOURCE_REMOVE;
}

static void reader_cooling(struct reader *r)
{
	r->state = READER_COOLING;
	scanner_logf(4, "scanner: %s: too hot, paused until it cools",
		     r->model);
	emit_kind(r, SCANNER_EV_COOLING);
	/* A real HOT model is watched by notify::temperature. */
	if (fp_device_get_temperature(r->dev) != FP_TEMPERATURE_HOT)
		r->timer = reader_add_timer(r, SCANNER_HOT_PAUSE_MS,
					    reader_timer_cb);
}

static void reader_backoff(struct reader *r)
{
	r->backoff_ms =
		r->backoff_ms ? r->backoff_ms * 2 : SCANNER_BACKOFF_MIN_MS;
	if (r->backoff_ms > SCANNER_BACKOFF_MAX_MS)
		r->backoff_ms = SCANNER_BACKOFF_MAX_MS;
	r->state = READER_BACKOFF;
	r->timer = reader_add_timer(r, (guint)r->backoff_ms, reader_timer_cb);
}

/* The outcome of a failed action that was neither cancelled nor hot. */
static enum scan_outcome reader_error_outcome(struct reader *r,
					      const GError *err)
{
	if (err->domain == FP_DEVICE_RETRY)
		return SCAN_RETRY;
	if (g_error_matches(err, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED) ||
	    r->removed) {
		r->removed = 1;
		return SCAN_GONE;
	}
	return SCAN_FAILED;
}

/* ---- identify --------------------------------------------------------- */

static void reader_identify_match_cb(FpDevice *dev, FpPrint *match,
				     FpPrint *print, gpointer ud, GError *error)
{
	struct reader *r = ud;

	(void)dev;
	(void)match;
	(void)print;
	(void)error;
	r->t_decision_us = now_us();
}

/* Common end of identify and capture (empty gallery). */
static void reader_identify_end(struct reader *r, gboolean ok, FpPrint *match,
				GError *err)
{
	enum scan_outcome o = SCAN_NO_MATCH;
	int64_t key = -1;
	int in_check = r->state == READER_CHECK;

	r->ops--;
	if (!ok || !match) {
		g_clear_pointer(&r->run_gal, g_ptr_array_unref);
		g_clear_pointer(&r->run_keys, g_array_unref);
	}
	if (r->gone) {
		reader_maybe_free(r);
		return;
	}
	if (!ok && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		/*
		 * Ours: gallery change, disarm, enrolment, shutdown, or the
		 * device's "removed" signal (then the scan is SCAN_GONE).
		 */
		if (in_check &&
		    (r->enroll_cancel || r->removed || r->s->freeing)) {
			r->enroll_cancel = 0;
			r->s->enrolling = NULL;
			emit_enroll_failed(r,
					   r->removed ? SCAN_GONE : SCAN_FAILED,
					   -1, "cancelled");
		} else if (!in_check && r->removed) {
			emit_result(r, SCAN_GONE, -1, 0, "reader removed");
		}
		reader_next(r);
		return;
	}
	if (!ok &&
	    g_error_matches(err, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT)) {
		g_clear_object(&r->cancel);
		if (in_check) {
			r->s->enrolling = NULL;
			emit_enroll_failed(r, SCAN_FAILED, -1,
					   "reader too hot");
		}
		reader_cooling(r);
		return;
	}
	if (!ok) {
		o = reader_error_outcome(r, err);
		if (o == SCAN_FAILED)
			scanner_logf(4, "scanner: %s: identify: %s", r->model,
				     err->message);
	} else if (match) {
		o = SCAN_MATCH;
		key = reader_key_of(r, match);
	}
	g_clear_pointer(&r->run_gal, g_ptr_array_unref);
	g_clear_pointer(&r->run_keys, g_array_unref);
	if (o != SCAN_FAILED)
		r->backoff_ms = 0;
	if (in_check) {
		if (o == SCAN_MATCH) {
			r->s->enrolling = NULL;
			emit_enroll_failed(r, SCAN_MATCH, key,
					   "finger already enrolled");
		} else if (o == SCAN_NO_MATCH) {
			r->state = READER_ENROLL; /* reader_arm starts it */
		} else if (o == SCAN_RETRY) {
			emit_result(r, o, -1, err ? err->code : 0,
				    err->message);
			r->want_enroll = 1; /* check again */
		} else {
			r->s->enrolling = NULL;
			emit_enroll_failed(r, o, -1, err ? err->message : NULL);
		}
	} else {
		emit_result(r, o, key, o == SCAN_RETRY ? err->code : 0,
			    err ? err->message : NULL);
	}
	g_clear_object(&r->cancel);
	r->t_decision_us = 0;
	if (r->removed) {
		reader_close(r);
		return;
	}
	if (o == SCAN_FAILED && !in_check) {
		reader_backoff(r);
		return;
	}
	if (r->state != READER_ENROLL)
		r->state = READER_IDLE;
	reader_arm(r);
}

static void reader_identify_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	struct scanner *s = r->s;
	g_autoptr(GError) err = NULL;
	g_autoptr(FpPrint) match = NULL;
	gboolean ok;

	ok = fp_device_identify_finish(FP_DEVICE(o), res, &match, NULL, &err);
	reader_identify_end(r, ok, match, err);
	snap_publish(s); /* r may be freed by now */
}

static void reader_capture_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	struct scanner *s = r->s;
	g_autoptr(GError) err = NULL;
	g_autoptr(FpImage) img = NULL;

	img = fp_device_capture_finish(FP_DEVICE(o), res, &err);
	if (img)
		r->t_decision_us = now_us();
	reader_identify_end(r, img != NULL, NULL, err);
	snap_publish(s); /* r may be freed by now */
}

static void reader_start_identify(struct reader *r, enum reader_state st)
{
	r->state = st;
	r->cancel = g_cancellable_new();
	r->t_image_us = 0;
	r->t_decision_us = 0;
	r->ops++;
	if (r->gal->len == 0) {
		/* Nobody to match: a capture still reports the scan. */
		fp_device_capture(r->dev, TRUE, r->cancel, reader_capture_cb,
				  r);
		return;
	}
	r->run_gal = g_ptr_array_ref(r->gal);
	r->run_keys = g_array_ref(r->gal_keys);
	fp_device_identify(r->dev, r->run_gal, r->cancel,
			   reader_identify_match_cb, r, NULL,
			   reader_identify_cb, r);
}

/* ---- enrol ------------------------------------------------------------ */

static void reader_enroll_progress(FpDevice *dev, gint stage, FpPrint *print,
				   gpointer ud, GError *error)
{
	struct reader *r = ud;
	struct scanner_event ev = {.kind = SCANNER_EV_ENROLL_STAGE};

	(void)dev;
	(void)print;
	if (error) {
		/* A retry inside enrolment: the finger must be placed again. */
		r->t_decision_us = now_us();
		emit_result(r, SCAN_RETRY, -1,
			    error->domain == FP_DEVICE_RETRY ? error->code : 0,
			    error->message);
		r->t_decision_us = 0;
		return;
	}
	ev.stage = stage;
	ev.stages = r->stages;
	emit(r, &ev);
}

static void reader_enroll_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	struct scanner *s = r->s;
	g_autoptr(GError) err = NULL;
	g_autoptr(FpPrint) print = NULL;
	guchar *blob = NULL;
	gsize len = 0;

	print = fp_device_enroll_finish(FP_DEVICE(o), res, &err);
	r->ops--;
	r->s->enrolling = NULL;
	if (r->gone) {
		reader_maybe_free(r);
		snap_publish(s);
		return;
	}
	/*
	 * The enrolment is over before anyone hears of it: the snapshot
	 * published with the event must not still say "enroll".
	 */
	r->state = READER_IDLE;
	if (print && fp_print_serialize(print, &blob, &len, &err)) {
		struct scanner_event ev = {
			.kind = SCANNER_EV_ENROLL_DONE,
			.stage = r->stages,
			.stages = r->stages,
			.blob = blob,
			.blob_len = len,
		};

		emit(r, &ev);
		explicit_bzero(blob, len); /* template: wipe our copy */
		g_free(blob);
	} else {
		enum scan_outcome oc = SCAN_FAILED;

		if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			emit_enroll_failed(r, SCAN_FAILED, -1, "cancelled");
		else if (g_error_matches(err, FP_DEVICE_ERROR,
					 FP_DEVICE_ERROR_TOO_HOT))
			emit_enroll_failed(r, SCAN_FAILED, -1,
					   "reader too hot");
		else {
			oc = reader_error_outcome(r, err);
			emit_enroll_failed(r, oc, -1, err->message);
		}
		if (g_error_matches(err, FP_DEVICE_ERROR,
				    FP_DEVICE_ERROR_TOO_HOT)) {
			g_clear_object(&r->cancel);
			reader_cooling(r);
			snap_publish(s);
			return;
		}
	}
	r->enroll_cancel = 0;
	reader_next(r);
	snap_publish(s);
}

static void reader_start_enroll(struct reader *r)
{
	FpPrint *tmpl = fp_print_new(r->dev);
	GDate *today = g_date_new();

	/* Metadata only: no names in templates (UU 27/2022). */
	g_date_set_time_t(today, time(NULL));
	fp_print_set_enroll_date(tmpl, today);
	g_date_free(today);
	fp_print_set_finger(tmpl, FP_FINGER_UNKNOWN);
	fp_print_set_username(tmpl, "presensi");
	fp_print_set_description(tmpl, "Presensi Desa");
	r->stages = fp_device_get_nr_enroll_stages(r->dev);
	r->state = READER_ENROLL;
	r->cancel = g_cancellable_new();
	r->ops++;
	/* The template is floating: enroll sinks and owns it. */
	fp_device_enroll(r->dev, tmpl, r->cancel, reader_enroll_progress, r,
			 NULL, reader_enroll_cb, r);
}

/* Starts whatever the reader should be doing now, if anything. */
static void reader_arm(struct reader *r)
{
	struct scanner *s = r->s;

	if (r->gone || r->removed || s->freeing || r->cancel)
		return;
	if (r->state == READER_ENROLL) {
		reader_start_enroll(r);
		return;
	}
	if (r->state != READER_IDLE)
		return;
	if (r->want_enroll) {
		r->want_enroll = 0;
		reader_start_identify(r, READER_CHECK);
		return;
	}
	if (!s->armed || !s->have_gallery || s->enrolling == r)
		return;
	if (fp_device_get_temperature(r->dev) == FP_TEMPERATURE_HOT) {
		reader_cooling(r);
		return;
	}
	reader_start_identify(r, READER_IDENTIFY);
}

/*
 * Ends a running identify early so that something else can start: its
 * callback then calls reader_arm().  A scan whose image is already in
 * (finger-status went PRESENT) is not thrown away: it finishes, its
 * RESULT is emitted, and the next arm sees the new situation.  Returns 1
 * when an identify is running (stopping or finishing), 0 when none is.
 */
static int reader_stop_identify(struct reader *r)
{
	if (!r->cancel || r->state != READER_IDENTIFY)
		return 0;
	if (!r->t_image_us) {
		g_cancellable_cancel(r->cancel);
		r->armed_now = 0; /* this arm is over */
	}
	return 1;
}

static void reader_restart(struct reader *r)
{
	if (!reader_stop_identify(r))
		reader_arm(r);
}

/* ---- device signals ----------------------------------------------------- */

static void reader_on_status(GObject *o, GParamSpec *ps, gpointer ud)
{
	struct reader *r = ud;
	FpFingerStatusFlags st = fp_device_get_finger_status(FP_DEVICE(o));
	FpFingerStatusFlags was = r->status;

	(void)ps;
	r->status = st;
	r->armed_now = !!(st & FP_FINGER_STATUS_NEEDED);
	if ((st & FP_FINGER_STATUS_PRESENT) &&
	    !(was & FP_FINGER_STATUS_PRESENT))
		r->t_image_us = now_us();
	if ((st & FP_FINGER_STATUS_NEEDED) &&
	    !(was & FP_FINGER_STATUS_NEEDED)) {
		struct scanner_event ev = {.kind = SCANNER_EV_ARMED};

		ev.armed_gen = ++r->armed_gen;
		emit(r, &ev);
		return;
	}
	snap_publish(r->s);
}

static void reader_on_temperature(GObject *o, GParamSpec *ps, gpointer ud)
{
	struct reader *r = ud;
	FpTemperature t = fp_device_get_temperature(FP_DEVICE(o));

	(void)ps;
	scanner_logf(7, "scanner: %s: temperature %d", r->model, (int)t);
	/*
	 * Never start an action from inside this notification: libfprint
	 * emits it in the middle of fpi_device_update_temp(), which then
	 * destroys the heat timer our new action just set (1.94.5), and the
	 * next HOT would come at ratio 0.92 instead of 0.73.  Re-arm from a
	 * fresh main-loop dispatch instead.
	 */
	if (r->state == READER_COOLING && t != FP_TEMPERATURE_HOT && !r->timer)
		r->timer = reader_add_timer(r, 0, reader_timer_cb);
	snap_publish(r->s);
}

/*
 * libfprint's context and device signals normally come on the scanner
 * thread.  USB hot-plug does not: gusb 0.3 dispatches it on the process's
 * global default context (g_idle_add), which is the daemon's main loop,
 * and libfprint then emits device-added, device-removed and a device's
 * "removed" there.  Those are sent on to the scanner thread, untouched.
 */
enum fwd_kind { FWD_ADDED = 0, FWD_CTX_REMOVED, FWD_DEV_REMOVED };

struct fwd {
	struct scanner *s;
	FpDevice *dev; /* owned ref */
	enum fwd_kind kind;
};

static int on_scanner_thread(const struct scanner *s)
{
	return g_main_context_is_owner(s->fctx);
}

static void scanner_add_device(struct scanner *s, FpDevice *dev);
static void scanner_drop_device(struct scanner *s, FpDevice *dev);
static void reader_removed(struct reader *r);

static gboolean fwd_run(gpointer ud)
{
	struct fwd *f = ud;
	struct reader *r;

	if (f->s->freeing)
		return G_SOURCE_REMOVE;
	switch (f->kind) {
	case FWD_ADDED:
		scanner_add_device(f->s, f->dev);
		break;
	case FWD_CTX_REMOVED:
		scanner_drop_device(f->s, f->dev);
		break;
	case FWD_DEV_REMOVED:
		r = reader_of_dev(f->s, f->dev);
		if (r && !r->removed)
			reader_removed(r);
		break;
	}
	snap_publish(f->s);
	return G_SOURCE_REMOVE;
}

static void fwd_free(gpointer ud)
{
	struct fwd *f = ud;

	g_object_unref(f->dev);
	g_free(f);
}

static void forward(struct scanner *s, FpDevice *dev, enum fwd_kind kind)
{
	struct fwd *f = g_new0(struct fwd, 1);

	f->s = s;
	f->dev = g_object_ref(dev);
	f->kind = kind;
	g_main_context_invoke_full(s->fctx, G_PRIORITY_DEFAULT, fwd_run, f,
				   fwd_free);
	// cppcheck-suppress memleak ; the source owns f now (fwd_free)
}

/* The device says it is gone; the context drops it after close. */
static void reader_removed(struct reader *r)
{
	scanner_logf(6, "scanner: %s: removed", r->model);
	r->removed = 1;
	reader_stop_timer(r);
	if (r->cancel)
		g_cancellable_cancel(r->cancel); /* callback closes */
	else
		reader_close(r);
}

static void reader_on_removed(FpDevice *dev, gpointer ud)
{
	struct reader *r = ud;

	if (!on_scanner_thread(r->s)) {
		forward(r->s, dev, FWD_DEV_REMOVED);
		return;
	}
	reader_removed(r);
	snap_publish(r->s);
}

static void reader_open_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	struct scanner *s = r->s;
	g_autoptr(GError) err = NULL;

	r->ops--;
	if (!fp_device_open_finish(FP_DEVICE(o), res, &err)) {
		scanner_logf(3, "scanner: %s: open: %s", r->model,
			     err->message);
		r->state = READER_ERROR;
		reader_maybe_free(r);
		snap_publish(s);
		return;
	}
	r->state = READER_IDLE;
	if (r->gone || r->removed || s->freeing) {
		reader_close(r);
		snap_publish(s);
		return;
	}
	scanner_logf(6, "scanner: reader %d opened: %s (%s)", r->index,
		     r->model, r->name);
	emit_kind(r, SCANNER_EV_ADDED);
	reader_arm(r);
	snap_publish(s);
}

static void scanner_add_device(struct scanner *s, FpDevice *dev)
{
	struct reader *r;

	if (reader_of_dev(s, dev))
		return;
	r = g_new0(struct reader, 1);
	r->s = s;
	r->dev = g_object_ref(dev);
	r->index = s->next_index++;
	snprintf(r->model, sizeof(r->model), "%s/%s", fp_device_get_driver(dev),
		 fp_device_get_device_id(dev));
	snprintf(r->name, sizeof(r->name), "%s", fp_device_get_name(dev));
	reader_load_gallery(r);
	g_ptr_array_add(s->readers, r);
	g_signal_connect(dev, "notify::finger-status",
			 G_CALLBACK(reader_on_status), r);
	g_signal_connect(dev, "notify::temperature",
			 G_CALLBACK(reader_on_temperature), r);
	g_signal_connect(dev, "removed", G_CALLBACK(reader_on_removed), r);
	r->state = READER_OPENING;
	r->ops++;
	fp_device_open(dev, NULL, reader_open_cb, r);
}

static void scanner_drop_device(struct scanner *s, FpDevice *dev)
{
	struct reader *r = reader_of_dev(s, dev);

	if (!r || r->gone)
		return;
	r->gone = 1;
	r->removed = 1;
	reader_stop_timer(r);
	if (r->cancel)
		g_cancellable_cancel(r->cancel);
	scanner_logf(6, "scanner: reader %d gone: %s", r->index, r->model);
	emit_kind(r, SCANNER_EV_REMOVED);
	reader_maybe_free(r);
}

static void scanner_on_added(FpContext *ctx, FpDevice *dev, gpointer ud)
{
	struct scanner *s = ud;

	(void)ctx;
	if (!on_scanner_thread(s)) {
		forward(s, dev, FWD_ADDED);
		return;
	}
	scanner_add_device(s, dev);
	snap_publish(s);
}

static void scanner_on_removed(FpContext *ctx, FpDevice *dev, gpointer ud)
{
	struct scanner *s = ud;

	(void)ctx;
	if (!on_scanner_thread(s)) {
		forward(s, dev, FWD_CTX_REMOVED);
		return;
	}
	scanner_drop_device(s, dev);
	snap_publish(s);
}

/* ---- the snapshot (scanner thread writes, any thread reads) ------------- */

static const char *reader_state_name(const struct reader *r)
{
	switch (r->state) {
	case READER_IDENTIFY:
		return "identify";
	case READER_CHECK:
	case READER_ENROLL:
		return "enroll";
	case READER_COOLING:
		return "cooling";
	case READER_ERROR:
	case READER_BACKOFF:
		return "error";
	default:
		return "idle";
	}
}

static const char *reader_temperature_name(struct reader *r)
{
	switch (fp_device_get_temperature(r->dev)) {
	case FP_TEMPERATURE_HOT:
		return "hot";
	case FP_TEMPERATURE_WARM:
		return "warm";
	default:
		return "cold";
	}
}

/*
 * Scanner thread: copies every connected reader's state for the caller's
 * thread.  A reader shows as armed only while no request that ends its
 * arm (gallery set, disarm, enrolment) is still on its way here, so a
 * caller never acts on an arm it has already asked to end.
 */
static void snap_publish(struct scanner *s)
{
	struct shared *sh = s->sh;
	struct snap_reader snap[SCANNER_READERS_SNAP];
	size_t n = 0;

	memset(snap, 0, sizeof(snap));

	for (guint k = 0; k < s->readers->len && n < SCANNER_READERS_SNAP;
	     k++) {
		struct reader *r = g_ptr_array_index(s->readers, k);
		struct snap_reader *v = &snap[n];

		if (r->gone)
			continue;
		memset(v, 0, sizeof(*v));
		v->info.reader = r->index;
		snprintf(v->info.model, sizeof(v->info.model), "%s", r->model);
		snprintf(v->info.name, sizeof(v->info.name), "%s", r->name);
		v->info.state = reader_state_name(r);
		v->info.temperature = reader_temperature_name(r);
		v->info.heats = !fp_device_has_feature(
			r->dev, FP_DEVICE_FEATURE_ALWAYS_ON);
		v->info.armed_gen = r->armed_gen;
		v->info.armed = r->armed_now;
		v->info.gallery = r->gal->len;
		v->usable = !r->removed && r->state != READER_OPENING &&
			    r->state != READER_ERROR &&
			    r->state != READER_CLOSING;
		n++;
	}
	g_mutex_lock(&sh->mu);
	memcpy(sh->snap, snap, n * sizeof(snap[0]));
	sh->nsnap = n;
	for (size_t i = 0; i < n && sh->disarmed != sh->disarms; i++)
		sh->snap[i].info.armed = 0;
	g_mutex_unlock(&sh->mu);
}

/* ---- requests from the caller's thread ----------------------------------- */

enum req_kind {
	REQ_GALLERY_SET = 0,
	REQ_GALLERY_ORDER,
	REQ_GALLERY_KEYS, /* synchronous */
	REQ_ENROLL_START,
	REQ_ENROLL_CANCEL,
	REQ_ARMED,
	REQ_QUIT,
};

struct req {
	struct scanner *s;
	enum req_kind kind;
	uint64_t disarm; /* sh->disarms when posted, or 0 */
	/* GALLERY_SET: copies, wiped and freed here */
	struct scanner_print *prints;
	size_t n;
	/* GALLERY_ORDER: a copy of the keys (n) */
	int64_t *keys;
	/* GALLERY_KEYS: the caller's buffers, answered under sh->mu */
	size_t index, max, count;
	int64_t *out;
	int rc, done;
	/* ENROLL_START, ARMED */
	int arg;
};

static void req_free(gpointer ud)
{
	struct req *q = ud;

	for (size_t i = 0; q->prints && i < q->n; i++) {
		/* our copy of a template: wipe it */
		explicit_bzero((void *)(uintptr_t)q->prints[i].blob,
			       q->prints[i].blob_len);
		g_free((void *)(uintptr_t)q->prints[i].blob);
	}
	g_free(q->prints);
	g_free(q->keys);
	g_free(q);
}

static void scanner_clear_gallery(struct scanner *s)
{
	for (size_t i = 0; i < s->n_gal; i++)
		g_object_unref(s->gal[i].print);
	free(s->gal);
	s->gal = NULL;
	s->n_gal = 0;
}

static void do_gallery_set(struct scanner *s, const struct scanner_print *p,
			   size_t n)
{
	struct gal_print *gal = NULL;
	size_t k = 0;

	if (n) {
		gal = calloc(n, sizeof(*gal));
		if (!gal) {
			scanner_logf(3,
				     "scanner: gallery of %zu prints: out "
				     "of memory; the old one stays",
				     n);
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		g_autoptr(GError) err = NULL;
		FpPrint *fp =
			fp_print_deserialize(p[i].blob, p[i].blob_len, &err);

		if (!fp) {
			scanner_logf(4, "scanner: print %lld: %s",
				     (long long)p[i].key,
				     err ? err->message : "bad blob");
			continue;
		}
		gal[k].key = p[i].key;
		gal[k].print = fp;
		k++;
	}
	/* Readers hold their own references; a running identify keeps
	 * the arrays it was given until it ends. */
	scanner_clear_gallery(s);
	s->gal = gal;
	s->n_gal = k;
	s->have_gallery = 1;
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		reader_load_gallery(r);
		if (!r->gone)
			reader_restart(r);
	}
}

struct gal_rank {
	int64_t key;
	size_t place; /* key's first place in the caller's list */
	size_t index; /* print's place in the gallery before */
};

static int rank_by_key(const void *a, const void *b)
{
	const struct gal_rank *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->place < y->place ? -1 : x->place > y->place;
}

static int rank_by_key_only(const void *a, const void *b)
{
	const struct gal_rank *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int rank_by_place(const void *a, const void *b)
{
	const struct gal_rank *x = a, *y = b;

	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void do_gallery_order(struct scanner *s, const int64_t *keys, size_t n)
{
	struct gal_rank *want = NULL, *slot;
	struct gal_print *gal;
	size_t nwant = 0;

	if (!s->n_gal)
		return;
	slot = calloc(s->n_gal, sizeof(*slot));
	gal = calloc(s->n_gal, sizeof(*gal));
	if (n)
		want = calloc(n, sizeof(*want));
	if (!slot || !gal || (n && !want)) {
		free(slot);
		free(gal);
		free(want);
		scanner_logf(4, "scanner: gallery order: out of memory");
		return;
	}
	/* The caller's keys by value, each once, at its first place. */
	for (size_t i = 0; i < n; i++) {
		want[i].key = keys[i];
		want[i].place = i;
	}
	if (n)
		qsort(want, n, sizeof(*want), rank_by_key);
	for (size_t i = 0; i < n; i++)
		if (!nwant || want[nwant - 1].key != want[i].key)
			want[nwant++] = want[i];
	/* Listed prints by place, the rest after them as they were. */
	for (size_t i = 0; i < s->n_gal; i++) {
		struct gal_rank probe = {.key = s->gal[i].key, .place = 0};
		const struct gal_rank *hit =
			nwant ? bsearch(&probe, want, nwant, sizeof(*want),
					rank_by_key_only)
			      : NULL;

		slot[i].key = s->gal[i].key;
		slot[i].place = hit ? hit->place : n;
		slot[i].index = i;
	}
	qsort(slot, s->n_gal, sizeof(*slot), rank_by_place);
	for (size_t i = 0; i < s->n_gal; i++)
		gal[i] = s->gal[slot[i].index]; /* the reference moves */
	free(s->gal);
	s->gal = gal;
	free(slot);
	free(want);
	/*
	 * New arrays per reader, and no restart: a running identify keeps
	 * the arrays it was given (run_gal) until it ends.
	 */
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		if (!r->gone)
			reader_load_gallery(r);
	}
}

static int do_gallery_keys(struct scanner *s, size_t i, int64_t *keys,
			   size_t max, size_t *count)
{
	size_t n = 0;

	for (guint k = 0; k < s->readers->len; k++) {
		const struct reader *r = g_ptr_array_index(s->readers, k);

		if (r->gone || n++ != i)
			continue;
		for (guint j = 0; j < r->gal_keys->len && j < max; j++)
			keys[j] = g_array_index(r->gal_keys, int64_t, j);
		*count = r->gal_keys->len;
		return 0;
	}
	return -ENOENT;
}

/* An enrolment that cannot start ends as every enrolment does. */
static void enroll_refused(struct scanner *s, int reader, const char *why)
{
	struct scanner_event ev = {
		.kind = SCANNER_EV_ENROLL_FAILED,
		.reader = reader,
		.outcome = SCAN_GONE,
		.print_key = -1,
		.message = why,
	};

	snap_publish(s);
	post_event(s, &ev, NULL);
}

static void do_enroll_start(struct scanner *s, int reader)
{
	struct reader *r = reader_of_index(s, reader);

	if (!r || r->removed || r->state == READER_OPENING ||
	    r->state == READER_ERROR || r->state == READER_CLOSING) {
		enroll_refused(s, reader, "reader not connected");
		return;
	}
	if (s->enrolling) {
		/* the caller's thread allows one at a time: cannot happen */
		enroll_refused(s, reader, "another enrolment is running");
		return;
	}
	s->enrolling = r;
	r->enroll_cancel = 0;
	r->want_enroll = 1;
	if (r->state == READER_COOLING || r->state == READER_BACKOFF) {
		/* Starts when the pause ends (reader_arm). */
		return;
	}
	if (!r->cancel)
		reader_arm(r);
	else
		reader_stop_identify(r); /* its end calls reader_arm */
}

static void do_enroll_cancel(struct scanner *s)
{
	struct reader *r = s->enrolling;

	if (!r)
		return; /* it ended already: its event is on its way */
	r->enroll_cancel = 1;
	if (r->want_enroll) {
		/* Not started yet. */
		r->want_enroll = 0;
		r->enroll_cancel = 0;
		s->enrolling = NULL;
		emit_enroll_failed(r, SCAN_FAILED, -1, "cancelled");
		return;
	}
	if (r->cancel)
		g_cancellable_cancel(r->cancel);
}

static void do_set_armed(struct scanner *s, int armed)
{
	if (s->armed == armed)
		return;
	s->armed = armed;
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		if (r->gone)
			continue;
		if (!armed)
			reader_stop_identify(r);
		else
			reader_arm(r);
	}
}

/* Shutdown, first half: cancel and close everything, stop the loop. */
static void do_quit(struct scanner *s)
{
	s->freeing = 1;
	g_signal_handlers_disconnect_by_data(s->ctx, s);
	for (guint i = 0; i < s->readers->len; i++) {
		struct reader *r = g_ptr_array_index(s->readers, i);

		reader_stop_timer(r);
		if (r->cancel)
			g_cancellable_cancel(r->cancel);
		else
			reader_close(r);
	}
	g_main_loop_quit(s->loop);
}

/* Scanner thread: one request from the caller's thread. */
static gboolean req_run(gpointer ud)
{
	struct req *q = ud;
	struct scanner *s = q->s;

	if (q->disarm) {
		/* from here on, an arm is a new one (it may come at once,
		 * from inside the libfprint call below) */
		g_mutex_lock(&s->sh->mu);
		s->sh->disarmed = q->disarm;
		g_mutex_unlock(&s->sh->mu);
	}
	if (s->freeing && q->kind != REQ_GALLERY_KEYS)
		return G_SOURCE_REMOVE;
	switch (q->kind) {
	case REQ_GALLERY_SET:
		do_gallery_set(s, q->prints, q->n);
		break;
	case REQ_GALLERY_ORDER:
		do_gallery_order(s, q->keys, q->n);
		break;
	case REQ_GALLERY_KEYS:
		q->rc = do_gallery_keys(s, q->index, q->out, q->max, &q->count);
		g_mutex_lock(&s->sh->mu);
		q->done = 1;
		g_cond_broadcast(&s->sh->cv);
		g_mutex_unlock(&s->sh->mu);
		return G_SOURCE_REMOVE; /* the caller frees q */
	case REQ_ENROLL_START:
		do_enroll_start(s, q->arg);
		break;
	case REQ_ENROLL_CANCEL:
		do_enroll_cancel(s);
		break;
	case REQ_ARMED:
		do_set_armed(s, q->arg);
		break;
	case REQ_QUIT:
		do_quit(s);
		return G_SOURCE_REMOVE;
	}
	snap_publish(s);
	return G_SOURCE_REMOVE;
}

/*
 * Caller's thread: hands q to the scanner thread, which runs and frees it
 * in posting order.  disarm: q ends the readers' current arm, so the
 * snapshot shows them unarmed from now until it has run.
 */
static void post_req(struct scanner *s, struct req *q, int disarm)
{
	q->s = s;
	if (disarm) {
		g_mutex_lock(&s->sh->mu);
		q->disarm = ++s->sh->disarms;
		for (size_t i = 0; i < s->sh->nsnap; i++)
			s->sh->snap[i].info.armed = 0;
		g_mutex_unlock(&s->sh->mu);
	}
	g_main_context_invoke_full(s->fctx, G_PRIORITY_DEFAULT, req_run, q,
				   req_free);
}

/* ---- events to the caller's thread ----------------------------------------
 */

static void ev_msg_free(struct ev_msg *m)
{
	if (m->blob) {
		explicit_bzero(m->blob, m->ev.blob_len);
		g_free(m->blob);
	}
	g_free(m->message);
	g_free(m);
}

/* Caller's thread: delivers the queued events in order. */
static gboolean ev_dispatch(GSource *src, GSourceFunc cb, gpointer ud)
{
	struct scanner *s = ((struct ev_source *)src)->s;

	(void)cb;
	(void)ud;
	g_source_set_ready_time(src, -1);
	for (;;) {
		struct ev_msg *m;

		g_mutex_lock(&s->sh->mu);
		m = g_queue_pop_head(&s->sh->events);
		g_mutex_unlock(&s->sh->mu);
		if (!m)
			break;
		m->ev.model = m->model;
		m->ev.message = m->message;
		m->ev.blob = m->blob;
		if (s->enrolling_main &&
		    m->ev.reader == s->enroll_reader_main &&
		    (m->ev.kind == SCANNER_EV_ENROLL_DONE ||
		     m->ev.kind == SCANNER_EV_ENROLL_FAILED ||
		     m->ev.kind == SCANNER_EV_REMOVED))
			s->enrolling_main = 0; /* the callback may start one */
		s->fn(s->ud, &m->ev);
		ev_msg_free(m);
	}
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs ev_funcs = {
	.dispatch = ev_dispatch,
};

/* ---- the scanner thread ----------------------------------------------------
 */

static void scanner_started(struct scanner *s)
{
	g_mutex_lock(&s->sh->mu);
	s->sh->started = 1;
	g_cond_broadcast(&s->sh->cv);
	g_mutex_unlock(&s->sh->mu);
}

/* Shutdown, second half: let cancellations and closes finish, bounded. */
static void scanner_thread_finish(struct scanner *s)
{
	gint64 deadline = g_get_monotonic_time() + SCANNER_FREE_WAIT_US;

	for (;;) {
		int busy = 0;

		for (guint i = 0; i < s->readers->len; i++) {
			struct reader *r = g_ptr_array_index(s->readers, i);

			busy += r->ops;
		}
		if (!busy || g_get_monotonic_time() > deadline)
			break;
		g_main_context_iteration(s->fctx, TRUE);
	}
	while (s->readers->len) {
		struct reader *r = g_ptr_array_index(s->readers, 0);

		if (r->ops)
			scanner_logf(4, "scanner: %s: still busy at exit",
				     r->model);
		g_ptr_array_remove_index(s->readers, 0);
		if (!r->ops)
			reader_destroy(r); /* else leaked, never dangling */
	}
	g_ptr_array_unref(s->readers);
	scanner_clear_gallery(s);
	g_object_unref(s->ctx);
	/* what libfprint left queued for itself, dispatched, not leaked */
	while (g_main_context_iteration(s->fctx, FALSE))
		;
}

/*
 * libfprint 1.94.5's enumeration (fp_context_get_devices ->
 * fp_context_enumerate) spins the process's global default context,
 * g_main_context_iteration(NULL), until every device's init has finished,
 * and those inits finish on the thread-default context they were started
 * from.  So the enumeration runs here, on the scanner thread, before
 * fctx is pushed: the inits start and finish on the global default
 * context that the spin iterates.  The caller's thread is blocked in
 * scanner_new() meanwhile, and does not own that context (checked there),
 * so the spin can acquire it; whatever else it dispatches there runs while
 * the caller's thread waits, never beside it.  Devices are opened only
 * after fctx is pushed, so everything after the enumeration is on fctx.
 */
static gpointer scanner_thread(gpointer ud)
{
	struct scanner *s = ud;
	GPtrArray *devs;

	s->readers = g_ptr_array_new();
	s->ctx = fp_context_new();
	g_signal_connect(s->ctx, "device-added", G_CALLBACK(scanner_on_added),
			 s);
	g_signal_connect(s->ctx, "device-removed",
			 G_CALLBACK(scanner_on_removed), s);
	/* Enumerates (USB and virtual), then hot-plug via the signals;
	 * device-added during the spin is forwarded to fctx (the reader is
	 * in devs as well: added once). */
	devs = fp_context_get_devices(s->ctx);
	g_main_context_push_thread_default(s->fctx);
	s->loop = g_main_loop_new(s->fctx, FALSE);
	for (guint i = 0; devs && i < devs->len; i++)
		scanner_add_device(s, g_ptr_array_index(devs, i));
	if (!s->readers->len)
		scanner_logf(4, "scanner: no fingerprint reader found");
	snap_publish(s);
	scanner_started(s);
	g_main_loop_run(s->loop);
	scanner_thread_finish(s);
	g_main_loop_unref(s->loop);
	g_main_context_pop_thread_default(s->fctx);
	return NULL;
}

/* ---- public API (the caller's thread) --------------------------------------
 */

int scanner_new(scanner_event_fn *fn, void *ud, struct scanner **out)
{
	static gsize log_routed;
	struct scanner *s;
	GError *err = NULL;

	if (!fn || !out)
		return -EINVAL;
	if (g_main_context_is_owner(g_main_context_default())) {
		/* the enumeration would wait for this thread, which waits
		 * for it (see scanner_thread) */
		scanner_logf(3, "scanner: scanner_new() called while running "
				"the default main context");
		return -EDEADLK;
	}
	if (g_once_init_enter(&log_routed)) {
		/* Once per process: GLib refuses a second writer. */
		g_log_set_writer_func(scanner_log_writer, NULL, NULL);
		g_once_init_leave(&log_routed, 1);
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->sh = calloc(1, sizeof(*s->sh));
	if (!s || !s->sh) {
		free(s);
		return -ENOMEM;
	}
	s->fn = fn;
	s->ud = ud;
	s->armed = 1;
	s->armed_main = 1;
	s->sh->self = s;
	g_mutex_init(&s->sh->mu);
	g_cond_init(&s->sh->cv);
	g_queue_init(&s->sh->events);
	s->mctx = g_main_context_ref_thread_default();
	s->fctx = g_main_context_new();
	s->evsrc = g_source_new(&ev_funcs, sizeof(struct ev_source));
	((struct ev_source *)s->evsrc)->s = s;
	g_source_set_name(s->evsrc, "scanner events");
	g_source_attach(s->evsrc, s->mctx);
	s->thread = g_thread_try_new("scanner", scanner_thread, s, &err);
	if (!s->thread) {
		scanner_logf(3, "scanner: cannot start its thread: %s",
			     err->message);
		g_error_free(err);
		g_source_destroy(s->evsrc);
		g_source_unref(s->evsrc);
		g_main_context_unref(s->fctx);
		g_main_context_unref(s->mctx);
		g_mutex_clear(&s->sh->mu);
		g_cond_clear(&s->sh->cv);
		free(s->sh);
		free(s);
		return -ENOMEM;
	}
	/* The readers found at start are in the snapshot when we return. */
	g_mutex_lock(&s->sh->mu);
	while (!s->sh->started)
		g_cond_wait(&s->sh->cv, &s->sh->mu);
	g_mutex_unlock(&s->sh->mu);
	*out = s;
	return 0;
}

void scanner_free(struct scanner *s)
{
	struct req *q;
	struct ev_msg *m;

	if (!s)
		return;
	q = g_new0(struct req, 1);
	q->kind = REQ_QUIT;
	post_req(s, q, 0);
	g_thread_join(s->thread);
	/* Events not yet delivered are dropped: the caller is going. */
	g_source_destroy(s->evsrc);
	g_source_unref(s->evsrc);
	while ((m = g_queue_pop_head(&s->sh->events)))
		ev_msg_free(m);
	/* requests left on the scanner context are freed with it */
	g_main_context_unref(s->fctx);
	g_main_context_unref(s->mctx);
	g_mutex_clear(&s->sh->mu);
	g_cond_clear(&s->sh->cv);
	free(s->sh);
	free(s);
}

int scanner_gallery_set(struct scanner *s, const struct scanner_print *p,
			size_t n)
{
	struct req *q;

	if (!s || (n && !p))
		return -EINVAL;
	q = g_try_new0(struct req, 1);
	if (!q)
		return -ENOMEM;
	q->kind = REQ_GALLERY_SET;
	if (n) {
		q->prints = g_try_new0(struct scanner_print, n);
		if (!q->prints) {
			g_free(q);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *copy = g_try_malloc(p[i].blob_len ? p[i].blob_len : 1);

		if (!copy) {
			req_free(q);
			return -ENOMEM;
		}
		if (p[i].blob_len)
			memcpy(copy, p[i].blob, p[i].blob_len);
		q->prints[i].key = p[i].key;
		q->prints[i].blob = copy;
		q->prints[i].blob_len = p[i].blob_len;
		q->n = i + 1;
	}
	post_req(s, q, 1);
	return 0;
}

int scanner_gallery_order(struct scanner *s, const int64_t *keys, size_t n)
{
	struct req *q;

	if (!s || (n && !keys))
		return -EINVAL;
	q = g_try_new0(struct req, 1);
	if (!q)
		return -ENOMEM;
	q->kind = REQ_GALLERY_ORDER;
	if (n) {
		q->keys = g_try_new(int64_t, n);
		if (!q->keys) {
			g_free(q);
			return -ENOMEM;
		}
		memcpy(q->keys, keys, n * sizeof(*keys));
	}
	q->n = n;
	post_req(s, q, 0);
	return 0;
}

int scanner_gallery_keys(const struct scanner *s, size_t i, int64_t *keys,
			 size_t max, size_t *count)
{
	struct req q = {0};
	struct shared *sh;

	if (!count || (max && !keys))
		return -EINVAL;
	if (!s)
		return -ENOENT;
	/* never from the scanner thread: it would wait for itself */
	g_return_val_if_fail(!on_scanner_thread(s), -EINVAL);
	sh = s->sh;
	q.s = sh->self; /* s itself, not const: the thread reads it */
	q.kind = REQ_GALLERY_KEYS;
	q.index = i;
	q.out = keys;
	q.max = max;
	/* no destroy notify: q lives on this stack until done */
	g_main_context_invoke_full(s->fctx, G_PRIORITY_DEFAULT, req_run, &q,
				   NULL);
	g_mutex_lock(&sh->mu);
	while (!q.done)
		g_cond_wait(&sh->cv, &sh->mu);
	g_mutex_unlock(&sh->mu);
	if (q.rc == 0)
		*count = q.count;
	return q.rc;
}

/* The snapshot entry of reader number reader, under sh->mu, or NULL. */
static const struct snap_reader *snap_find(const struct shared *sh, int reader)
{
	for (size_t i = 0; i < sh->nsnap; i++)
		if (sh->snap[i].info.reader == reader)
			return &sh->snap[i];
	return NULL;
}

int scanner_enroll_start(struct scanner *s, int reader)
{
	const struct snap_reader *v;
	struct req *q;
	int usable;

	if (!s)
		return -ENODEV;
	g_mutex_lock(&s->sh->mu);
	v = snap_find(s->sh, reader);
	usable = v && v->usable;
	g_mutex_unlock(&s->sh->mu);
	if (!usable)
		return -ENODEV;
	if (s->enrolling_main)
		return -EBUSY;
	q = g_try_new0(struct req, 1);
	if (!q)
		return -ENOMEM;
	q->kind = REQ_ENROLL_START;
	q->arg = reader;
	s->enrolling_main = 1;
	s->enroll_reader_main = reader;
	post_req(s, q, 1);
	return 0;
}

int scanner_enroll_cancel(struct scanner *s)
{
	struct req *q;

	if (!s || !s->enrolling_main)
		return -ENOENT;
	q = g_try_new0(struct req, 1);
	if (!q)
		return -ENOMEM;
	q->kind = REQ_ENROLL_CANCEL;
	post_req(s, q, 0);
	return 0;
}

void scanner_set_armed(struct scanner *s, int armed)
{
	struct req *q;

	if (!s || s->armed_main == !!armed)
		return;
	q = g_try_new0(struct req, 1);
	if (!q) {
		scanner_logf(3, "scanner: set armed: out of memory");
		return;
	}
	s->armed_main = !!armed;
	q->kind = REQ_ARMED;
	q->arg = !!armed;
	post_req(s, q, !armed);
}

size_t scanner_reader_count(const struct scanner *s)
{
	size_t n;

	if (!s)
		return 0;
	g_mutex_lock(&s->sh->mu);
	n = s->sh->nsnap;
	g_mutex_unlock(&s->sh->mu);
	return n;
}

int scanner_reader_info(const struct scanner *s, size_t i,
			struct scanner_reader_info *info)
{
	int rc = -ENOENT;

	if (!s || !info)
		return -ENOENT;
	g_mutex_lock(&s->sh->mu);
	if (i < s->sh->nsnap) {
		*info = s->sh->snap[i].info;
		rc = 0;
	}
	g_mutex_unlock(&s->sh->mu);
	return rc;
}

/*
 * Parses the blob only (a GVariant): no context, no device, no main
 * context, so it is the one libfprint call made on the caller's thread.
 */
int scanner_print_model(const uint8_t *blob, size_t len, char *model,
			size_t model_len)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(FpPrint) p = NULL;
	int n;

	if (!blob || !len || !model || !model_len)
		return -EINVAL;
	p = fp_print_deserialize(blob, len, &err);
	if (!p)
		return -EINVAL;
	n = snprintf(model, model_len, "%s/%s", fp_print_get_driver(p),
		     fp_print_get_device_id(p));
	return n < 0 || (size_t)n >= model_len ? -EINVAL : 0;
}
