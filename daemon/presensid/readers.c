/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * readers.c: what each reader event does.  Arrival and removal, the armed
 * state per reader (keyed by the scanner's reader number, which grows with
 * every replug), waits on it ("wait-armed", for test tools that pace
 * images), cooling, identify results handed to attend.c with their
 * latency, and the gallery the scanner identifies against.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "daemon_int.h"
#include "log.h"

#define WAIT_TIMEOUT_DEFAULT_MS 30000

/* ---- reader slots ---- */

struct reader_slot *readers_slot(struct daemon *d, int reader)
{
	for (int i = 0; i < READERS_MAX; i++)
		if (d->readers[i].used && d->readers[i].reader == reader)
			return &d->readers[i];
	return NULL;
}

static struct reader_slot *slot_add(struct daemon *d, int reader)
{
	struct reader_slot *s = readers_slot(d, reader);

	for (int i = 0; !s && i < READERS_MAX; i++)
		if (!d->readers[i].used)
			s = &d->readers[i];
	if (!s) {
		log_warnx("reader %d: more than %d readers at once; not "
			  "tracked for waits",
			  reader, READERS_MAX);
		return NULL;
	}
	if (!s->used)
		memset(s, 0, sizeof(*s));
	s->used = 1;
	s->reader = reader;
	return s;
}

/* ---- the gallery ---- */

static void order_gallery(struct daemon *d)
{
	struct clock_reading now;
	int64_t *keys;
	size_t n = 0;
	uint64_t t0 = clock_mono_us();
	pd_day_t today;
	int32_t sec;
	int rc;

	if (!d->scanner || !gallery_count(d->gallery) || !fault_store_usable(d))
		return;
	keys = calloc(gallery_count(d->gallery), sizeof(*keys));
	if (!keys) {
		log_errno(-ENOMEM, "gallery order: not changed");
		return;
	}
	clock_read(d->clock, &now);
	civil_local_from_utc(now.utc_ms / 1000, d->conf.offset_min, &today,
			     &sec);
	/* a failed history read only costs speed: identify finds anyone */
	rc = gallery_order(d->gallery, d->store, today, sec, keys, &n);
	if (rc != -ENOMEM && n)
		rc = scanner_gallery_order(d->scanner, keys, n);
	if (rc < 0)
		log_errno(rc, "gallery order: not changed");
	else
		log_debug("gallery order: %zu prints in %.2f ms", n,
			  (clock_mono_us() - t0) / 1000.0);
	free(keys);
}

/*
 * Prints that do not open are skipped and reported; when none opens, the
 * key is not the one they were sealed with: fault mode, never a box that
 * shows ready and answers every finger with red.
 */
static void gallery_check(struct daemon *d, size_t n)
{
	size_t bad = gallery_bad_count(d->gallery);

	if (!d->have_key)
		return; /* the key's own fault says so */
	if (bad && !n) {
		fault_set(d, FAULT_KEY,
			  "key file %s does not open the %zu enrolled prints: "
			  "restore the key or re-enrol",
			  d->conf.key_path, bad);
		return;
	}
	fault_clear(d, FAULT_KEY);
	if (bad)
		log_warnx("gallery: %zu prints do not open and are skipped "
			  "(altered, moved to another person, or another "
			  "key): re-enrol them",
			  bad);
}

int readers_reload_gallery(struct daemon *d)
{
	struct scanner_print *p = NULL;
	size_t n = 0;
	int rc = 0;

	/* no store or no key: an empty gallery, every finger unknown */
	if (fault_store_usable(d) && d->have_key)
		rc = gallery_load(d->gallery, d->store, &p, &n);
	if (rc == 0 && d->scanner)
		rc = scanner_gallery_set(d->scanner, p, n);
	gallery_prints_free(p, n);
	if (rc < 0 && rc != -EINVAL) {
		log_errno(rc, "gallery: cannot load prints");
		return rc;
	}
	log_info("gallery: %zu prints", n);
	gallery_check(d, n);
	order_gallery(d);
	return 0;
}

/* ---- waits for an armed reader (test tools pace images on these) ---- */

static gboolean waiter_timeout(gpointer ud);

static void waiter_finish(struct daemon *d, struct waiter *w, int rc)
{
	struct reader_slot *s = readers_slot(d, w->reader);
	struct waiter **pp;
	struct admin_ctx a;
	char gen[32];

	for (pp = &d->waiters; *pp && *pp != w; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = w->next;
	if (w->timeout_src)
		g_source_remove(w->timeout_src);
	server_ctx(d, w->c, &a);
	if (rc == 0) {
		snprintf(gen, sizeof(gen), "%llu",
			 (unsigned long long)(s ? s->gen : 0));
		admin_reply_ok(&a, "gen", gen);
	} else if (rc == -ENOENT) {
		admin_reply_err(&a, rc, "no enrolment is running");
	} else if (rc != -ECANCELED) {
		admin_reply_err(&a, rc, "reader %d: not armed in time",
				w->reader);
	}
	g_free(w);
}

static gboolean waiter_timeout(gpointer ud)
{
	struct waiter *w = ud;

	w->timeout_src = 0;
	waiter_finish(w->d, w, -ETIMEDOUT);
	return G_SOURCE_REMOVE;
}

void readers_waits_check(struct daemon *d)
{
	struct waiter *w = d->waiters, *next;

	for (; w; w = next) {
		struct reader_slot *s = readers_slot(d, w->reader);

		next = w->next;
		if (w->enrolment && !d->enr.c)
			waiter_finish(d, w, -ENOENT);
		else if (s && s->armed && s->gen > w->after_gen)
			waiter_finish(d, w, 0);
	}
}

void readers_disarmed(struct daemon *d)
{
	for (int i = 0; i < READERS_MAX; i++)
		d->readers[i].armed = 0;
}

void readers_waits_drop(struct daemon *d, struct client *c)
{
	struct waiter *w, *next;

	for (w = d->waiters; w; w = next) {
		next = w->next;
		if (w->c == c)
			waiter_finish(d, w, -ECANCELED);
	}
}

void readers_cmd_wait(struct daemon *d, struct client *c,
		      const struct control_msg *m)
{
	struct waiter *w = g_new0(struct waiter, 1);

	/* bounds were checked against the request table */
	w->d = d;
	w->c = c;
	w->reader = (int)control_get_uint(m, "reader", 0);
	w->after_gen = control_get_uint(m, "after", 0);
	w->enrolment = control_get(m, "enrolment") != NULL;
	w->next = d->waiters;
	d->waiters = w;
	w->timeout_src =
		g_timeout_add((guint)control_get_uint(m, "timeout_ms",
						      WAIT_TIMEOUT_DEFAULT_MS),
			      waiter_timeout, w);
	readers_waits_check(d);
}

/* ---- events ---- */

static void record_latency(struct daemon *d, const struct scanner_event *ev,
			   enum attend_result res, uint64_t light_us)
{
	struct latency *l = &d->lat[d->nlat++ % LATENCY_KEEP];

	l->reader = ev->reader;
	l->result = res;
	l->image_to_decision_us = ev->t_decision_us > ev->t_image_us
					  ? ev->t_decision_us - ev->t_image_us
					  : 0;
	l->decision_to_light_us =
		light_us > ev->t_decision_us ? light_us - ev->t_decision_us : 0;
	log_info("identify: reader %d %s in %.1f ms (+%.1f ms to light)",
		 ev->reader, attend_result_name(res),
		 l->image_to_decision_us / 1000.0,
		 l->decision_to_light_us / 1000.0);
}

static void on_result(struct daemon *d, const struct scanner_event *ev)
{
	struct reader_slot *s = readers_slot(d, ev->reader);
	struct attend_deps deps;
	struct attend_outcome out;
	const char *person = NULL;

	if (s)
		s->armed = 0;
	if (!fault_store_usable(d)) {
		/* nothing can be recorded: the fault light stays, and says
		 * why in status */
		if (ev->outcome == SCAN_MATCH || ev->outcome == SCAN_NO_MATCH)
			log_warnx("identify: punch NOT recorded: fault mode "
				  "(%s)",
				  d->fault_msg);
		return;
	}
	if (ev->outcome == SCAN_MATCH) {
		person = gallery_person_of(d->gallery, ev->print_key);
		if (!person) {
			log_warnx("identify: print %lld has no owner",
				  (long long)ev->print_key);
			return;
		}
	}
	memset(&deps, 0, sizeof(deps));
	deps.store = d->store;
	deps.lights = d->lights;
	deps.clock = d->clock;
	deps.facts = d->facts;
	deps.offset_min = d->conf.offset_min;
	deps.duplicate_window_s = d->conf.duplicate_window_s;
	deps.refuse_untrusted = d->conf.refuse_untrusted;
	daemon_lights_arm(
		d, attend_on_scan(&deps, ev->outcome, person, ev->model, &out));
	if (ev->outcome == SCAN_MATCH)
		fault_punch_result(d, person, out.store_rc, out.punch.seq > 0);
	if (ev->outcome == SCAN_MATCH || ev->outcome == SCAN_NO_MATCH)
		record_latency(d, ev, out.result, clock_mono_us());
	/* a month's checkpoint records its reader errors */
	if (ev->outcome == SCAN_FAILED && fault_store_usable(d) &&
	    store_counter_add(d->store, STORE_COUNTER_READER_ERRORS, 1) < 0)
		log_warnx("cannot count a reader error");
	if (out.punch.seq > 0) { /* recorded: ok, late, flagged, repeat */
		gallery_note_punch(d->gallery, &out.punch);
		order_gallery(d);
	}
	if (ev->outcome == SCAN_MATCH || ev->outcome == SCAN_NO_MATCH)
		arming_on_result(d);
}

void readers_on_event(void *ud, const struct scanner_event *ev)
{
	struct daemon *d = ud;
	struct reader_slot *s;

	switch (ev->kind) {
	case SCANNER_EV_ADDED:
		log_info("reader %d connected: %s", ev->reader,
			 ev->model ? ev->model : "?");
		slot_add(d, ev->reader);
		if (lights_base(d->lights) == LIGHT_FAULT ||
		    lights_base(d->lights) == LIGHT_OFF)
			daemon_lights(d, daemon_idle_light(d));
		arming_on_reader(d);
		break;
	case SCANNER_EV_REMOVED:
		log_info("reader %d disconnected", ev->reader);
		s = readers_slot(d, ev->reader);
		if (s)
			memset(s, 0, sizeof(*s));
		enrol_reader_gone(d, ev->reader);
		if (scanner_reader_count(d->scanner) == 0)
			daemon_lights(d, LIGHT_FAULT);
		arming_on_reader(d);
		break;
	case SCANNER_EV_ARMED:
		s = readers_slot(d, ev->reader);
		if (!s)
			s = slot_add(d, ev->reader);
		if (s) {
			s->gen = ev->armed_gen;
			s->armed = 1;
		}
		readers_waits_check(d);
		break;
	case SCANNER_EV_COOLING:
		log_warnx("reader %d is too hot: paused until it cools",
			  ev->reader);
		s = readers_slot(d, ev->reader);
		if (s)
			s->armed = 0; /* no finger is awaited while hot */
		daemon_lights(d, LIGHT_COOLING);
		arming_on_hot(d, 1);
		break;
	case SCANNER_EV_COOLED:
		arming_on_hot(d, 0);
		if (d->duty.armed)
			log_info("reader %d cooled down: identify re-armed",
				 ev->reader);
		else
			log_info("reader %d cooled down: resting (%s)",
				 ev->reader, duty_why_name(d->duty.why));
		daemon_lights(d, daemon_idle_light(d));
		break;
	case SCANNER_EV_ENROLL_STAGE:
	case SCANNER_EV_ENROLL_DONE:
	case SCANNER_EV_ENROLL_FAILED:
		enrol_on_event(d, ev);
		break;
	case SCANNER_EV_RESULT:
		on_result(d, ev);
		break;
	}
}
