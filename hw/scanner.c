// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scanner.c: every fingerprint reader libfprint finds, through its async
 * API on one GMainContext.  Each reader loops identify over the gallery
 * prints compatible with it; results, retries, removal and the heat model
 * become scanner.h events.  The only file that includes <fprint.h>.
 */
#include "scanner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fprint.h>

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

struct scanner {
	scanner_event_fn *fn;
	void *ud;
	GMainContext *mctx; /* thread-default at scanner_new() */
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

static void emit(struct reader *r, struct scanner_event *ev)
{
	ev->reader = r->index;
	ev->model = r->model;
	r->s->fn(r->s->ud, ev);
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
			g_main_context_find_source_by_id(r->s->mctx, r->timer);

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
	id = g_source_attach(src, r->s->mctx);
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
	g_autoptr(GError) err = NULL;

	if (!fp_device_close_finish(FP_DEVICE(o), res, &err) && !r->removed)
		scanner_logf(4, "scanner: %s: close: %s", r->model,
			     err->message);
	r->ops--;
	reader_maybe_free(r);
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
	g_autoptr(GError) err = NULL;
	g_autoptr(FpPrint) match = NULL;
	gboolean ok;

	ok = fp_device_identify_finish(FP_DEVICE(o), res, &match, NULL, &err);
	reader_identify_end(r, ok, match, err);
}

static void reader_capture_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	g_autoptr(GError) err = NULL;
	g_autoptr(FpImage) img = NULL;

	img = fp_device_capture_finish(FP_DEVICE(o), res, &err);
	if (img)
		r->t_decision_us = now_us();
	reader_identify_end(r, img != NULL, NULL, err);
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
	g_autoptr(GError) err = NULL;
	g_autoptr(FpPrint) print = NULL;
	guchar *blob = NULL;
	gsize len = 0;

	print = fp_device_enroll_finish(FP_DEVICE(o), res, &err);
	r->ops--;
	r->s->enrolling = NULL;
	if (r->gone) {
		reader_maybe_free(r);
		return;
	}
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
			return;
		}
	}
	r->enroll_cancel = 0;
	reader_next(r);
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
	if (!r->t_image_us)
		g_cancellable_cancel(r->cancel);
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
	}
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
}

/* The device says it is gone; the context drops it after close. */
static void reader_on_removed(FpDevice *dev, gpointer ud)
{
	struct reader *r = ud;

	(void)dev;
	scanner_logf(6, "scanner: %s: removed", r->model);
	r->removed = 1;
	reader_stop_timer(r);
	if (r->cancel)
		g_cancellable_cancel(r->cancel); /* callback closes */
	else
		reader_close(r);
}

static void reader_open_cb(GObject *o, GAsyncResult *res, gpointer ud)
{
	struct reader *r = ud;
	g_autoptr(GError) err = NULL;

	r->ops--;
	if (!fp_device_open_finish(FP_DEVICE(o), res, &err)) {
		scanner_logf(3, "scanner: %s: open: %s", r->model,
			     err->message);
		r->state = READER_ERROR;
		reader_maybe_free(r);
		return;
	}
	r->state = READER_IDLE;
	if (r->gone || r->removed || r->s->freeing) {
		reader_close(r);
		return;
	}
	scanner_logf(6, "scanner: reader %d opened: %s (%s)", r->index,
		     r->model, r->name);
	emit_kind(r, SCANNER_EV_ADDED);
	reader_arm(r);
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

static void scanner_on_added(FpContext *ctx, FpDevice *dev, gpointer ud)
{
	(void)ctx;
	scanner_add_device(ud, dev);
}

static void scanner_on_removed(FpContext *ctx, FpDevice *dev, gpointer ud)
{
	struct scanner *s = ud;
	struct reader *r = reader_of_dev(s, dev);

	(void)ctx;
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

/* ---- public API --------------------------------------------------------- */

int scanner_new(scanner_event_fn *fn, void *ud, struct scanner **out)
{
	static gsize log_routed;
	struct scanner *s;
	GPtrArray *devs;

	if (!fn || !out)
		return -EINVAL;
	if (g_once_init_enter(&log_routed)) {
		/* Once per process: GLib refuses a second writer. */
		g_log_set_writer_func(scanner_log_writer, NULL, NULL);
		g_once_init_leave(&log_routed, 1);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->ud = ud;
	s->armed = 1;
	s->mctx = g_main_context_ref_thread_default();
	s->readers = g_ptr_array_new();
	s->ctx = fp_context_new();
	g_signal_connect(s->ctx, "device-added", G_CALLBACK(scanner_on_added),
			 s);
	g_signal_connect(s->ctx, "device-removed",
			 G_CALLBACK(scanner_on_removed), s);
	/* Enumerates (USB and virtual), then hot-plug via the signals. */
	devs = fp_context_get_devices(s->ctx);
	for (guint i = 0; devs && i < devs->len; i++)
		scanner_add_device(s, g_ptr_array_index(devs, i));
	if (!s->readers->len)
		scanner_logf(4, "scanner: no fingerprint reader found");
	*out = s;
	return 0;
}

static void scanner_clear_gallery(struct scanner *s)
{
	for (size_t i = 0; i < s->n_gal; i++)
		g_object_unref(s->gal[i].print);
	free(s->gal);
	s->gal = NULL;
	s->n_gal = 0;
}

void scanner_free(struct scanner *s)
{
	gint64 deadline;

	if (!s)
		return;
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
	/* Let cancellations and closes finish, bounded. */
	deadline = g_get_monotonic_time() + SCANNER_FREE_WAIT_US;
	for (;;) {
		int busy = 0;

		for (guint i = 0; i < s->readers->len; i++) {
			struct reader *r = g_ptr_array_index(s->readers, i);

			busy += r->ops;
		}
		if (!busy || g_get_monotonic_time() > deadline)
			break;
		g_main_context_iteration(s->mctx, TRUE);
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
	g_main_context_unref(s->mctx);
	free(s);
}

int scanner_gallery_set(struct scanner *s, const struct scanner_print *p,
			size_t n)
{
	struct gal_print *gal = NULL;
	size_t k = 0;
	int rc = 0;

	if (!s || (n && !p))
		return -EINVAL;
	if (n) {
		gal = calloc(n, sizeof(*gal));
		if (!gal)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		g_autoptr(GError) err = NULL;
		FpPrint *fp =
			fp_print_deserialize(p[i].blob, p[i].blob_len, &err);

		if (!fp) {
			scanner_logf(4, "scanner: print %lld: %s",
				     (long long)p[i].key,
				     err ? err->message : "bad blob");
			rc = -EINVAL;
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
	return rc;
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

int scanner_gallery_order(struct scanner *s, const int64_t *keys, size_t n)
{
	struct gal_rank *want = NULL, *slot;
	struct gal_print *gal;
	size_t nwant = 0;

	if (!s || (n && !keys))
		return -EINVAL;
	if (!s->n_gal)
		return 0;
	slot = calloc(s->n_gal, sizeof(*slot));
	gal = calloc(s->n_gal, sizeof(*gal));
	if (n)
		want = calloc(n, sizeof(*want));
	if (!slot || !gal || (n && !want)) {
		free(slot);
		free(gal);
		free(want);
		return -ENOMEM;
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
	return 0;
}

int scanner_gallery_keys(const struct scanner *s, size_t i, int64_t *keys,
			 size_t max, size_t *count)
{
	size_t n = 0;

	if (!count || (max && !keys))
		return -EINVAL;
	for (guint k = 0; s && k < s->readers->len; k++) {
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

int scanner_enroll_start(struct scanner *s, int reader)
{
	struct reader *r = s ? reader_of_index(s, reader) : NULL;

	if (!r || r->removed || r->state == READER_OPENING ||
	    r->state == READER_ERROR || r->state == READER_CLOSING)
		return -ENODEV;
	if (s->enrolling)
		return -EBUSY;
	s->enrolling = r;
	r->enroll_cancel = 0;
	r->want_enroll = 1;
	if (r->state == READER_COOLING || r->state == READER_BACKOFF) {
		/* Starts when the pause ends (reader_arm). */
		return 0;
	}
	if (!r->cancel)
		reader_arm(r);
	else
		reader_stop_identify(r); /* its end calls reader_arm */
	return 0;
}

int scanner_enroll_cancel(struct scanner *s)
{
	struct reader *r = s ? s->enrolling : NULL;

	if (!r)
		return -ENOENT;
	r->enroll_cancel = 1;
	if (r->want_enroll) {
		/* Not started yet. */
		r->want_enroll = 0;
		r->enroll_cancel = 0;
		s->enrolling = NULL;
		emit_enroll_failed(r, SCAN_FAILED, -1, "cancelled");
		return 0;
	}
	if (r->cancel)
		g_cancellable_cancel(r->cancel);
	return 0;
}

void scanner_set_armed(struct scanner *s, int armed)
{
	if (!s || s->armed == !!armed)
		return;
	s->armed = !!armed;
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

size_t scanner_reader_count(const struct scanner *s)
{
	size_t n = 0;

	for (guint i = 0; s && i < s->readers->len; i++)
		n += !((struct reader *)g_ptr_array_index(s->readers, i))->gone;
	return n;
}

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

int scanner_reader_info(const struct scanner *s, size_t i,
			struct scanner_reader_info *info)
{
	size_t n = 0;

	for (guint k = 0; s && k < s->readers->len; k++) {
		const struct reader *r = g_ptr_array_index(s->readers, k);

		if (r->gone || n++ != i)
			continue;
		memset(info, 0, sizeof(*info));
		info->reader = r->index;
		snprintf(info->model, sizeof(info->model), "%s", r->model);
		snprintf(info->name, sizeof(info->name), "%s", r->name);
		info->state = reader_state_name(r);
		switch (fp_device_get_temperature(r->dev)) {
		case FP_TEMPERATURE_HOT:
			info->temperature = "hot";
			break;
		case FP_TEMPERATURE_WARM:
			info->temperature = "warm";
			break;
		default:
			info->temperature = "cold";
		}
		info->heats = !fp_device_has_feature(
			r->dev, FP_DEVICE_FEATURE_ALWAYS_ON);
		info->armed_gen = r->armed_gen;
		info->armed = r->armed_now;
		info->gallery = r->gal->len;
		return 0;
	}
	return -ENOENT;
}

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
