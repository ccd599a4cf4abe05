/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arming.c: when the readers are armed.  Owns the wake input (its fd
 * watch and debounce timer) and the duty.h policy; decides again at each
 * deadline the policy returns, on a press, a result, an enrolment, a
 * reader coming or going, and a heat report; then arms or disarms the
 * scanner and shows ready (armed) or standby (resting) on the lights.
 */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>

#include "civil.h"
#include "daemon_int.h"
#include "log.h"

#define WAKE_RETRY_MS 5000 /* a failing wake input is watched again after */

static gboolean on_wake_fd(gint fd, GIOCondition cond, gpointer ud);

static void stop_source(guint *src)
{
	if (*src)
		g_source_remove(*src);
	*src = 0;
}

/* A timeout for a monotonic deadline in ms (0: none). */
static guint timeout_at(uint64_t deadline_ms, GSourceFunc fn, void *ud)
{
	uint64_t now = clock_mono_ms();

	if (!deadline_ms)
		return 0;
	return g_timeout_add(deadline_ms > now ? (guint)(deadline_ms - now) : 0,
			     fn, ud);
}

static gboolean on_decide(gpointer ud)
{
	struct daemon *d = ud;

	d->arm_src = 0;
	arming_update(d);
	return G_SOURCE_REMOVE;
}

enum light_state arming_light(const struct daemon *d)
{
	return d->duty.armed ? LIGHT_READY : LIGHT_STANDBY;
}

void arming_update(struct daemon *d)
{
	struct clock_reading now;
	struct duty_decision dec;
	struct duty_windows w, *wp = NULL;
	struct day_rule rule;
	enum calendar_kind holiday = CALENDAR_NONE;
	enum duty_why was = d->duty.why;
	bool was_armed = d->duty.armed;
	pd_day_t day;
	int32_t sec;
	enum light_state base;

	clock_read(d->clock, &now);
	civil_local_from_utc(now.utc_ms / 1000, d->conf.offset_min, &day, &sec);
	/* No profile in force: nobody can say when people come, so the
	 * policy treats the whole day as busy. */
	if (d->facts && facts_day(d->facts, day, &rule, &holiday, NULL) == 0) {
		duty_windows_of(&d->duty.c, &rule, holiday != CALENDAR_NONE,
				&w);
		wp = &w;
	}
	duty_decide(&d->duty, clock_mono_ms(), sec, wp, &dec);
	if (d->scanner)
		scanner_set_armed(d->scanner, dec.armed);
	/* An enrolment arms its reader itself, whatever the policy says. */
	if (!dec.armed && !d->enr.c)
		readers_disarmed(d);
	if (dec.armed != was_armed || dec.why != was)
		log_debug("arming: %s (%s), heat %.3f",
			  dec.armed ? "armed" : "resting",
			  duty_why_name(dec.why), d->duty.heat.r);
	/* Only ready and standby are ours: enrol, cooling and fault
	 * stay until their owners end them. */
	base = lights_base(d->lights);
	if (base == LIGHT_READY || base == LIGHT_STANDBY)
		daemon_lights(d, arming_light(d));
	stop_source(&d->arm_src);
	d->arm_src = timeout_at(dec.next_ms, on_decide, d);
}

/* ---- the wake input ---- */

static gboolean on_wake_timer(gpointer ud)
{
	struct daemon *d = ud;
	uint64_t next = 0, now = clock_mono_ms();

	d->wake_timer = 0;
	if (wake_tick(d->wake, now, &next) > 0) {
		log_debug("wake: pressed");
		duty_wake(&d->duty, now);
		arming_update(d);
	}
	d->wake_timer = timeout_at(next, on_wake_timer, d);
	return G_SOURCE_REMOVE;
}

static gboolean on_wake_retry(gpointer ud)
{
	struct daemon *d = ud;

	d->wake_retry = 0;
	d->wake_src = g_unix_fd_add(wake_fd(d->wake), G_IO_IN, on_wake_fd, d);
	return G_SOURCE_REMOVE;
}

static gboolean on_wake_fd(gint fd, GIOCondition cond, gpointer ud)
{
	struct daemon *d = ud;
	uint64_t next = 0, now = clock_mono_ms();
	int n;

	(void)fd;
	(void)cond;
	n = wake_dispatch(d->wake, now, &next);
	if (n < 0) {
		/* Never spin on a broken input: look again later. */
		log_errno(n, "wake: cannot read the wake input; again in %d s",
			  WAKE_RETRY_MS / 1000);
		d->wake_src = 0;
		d->wake_retry = g_timeout_add(WAKE_RETRY_MS, on_wake_retry, d);
		return G_SOURCE_REMOVE;
	}
	if (n > 0) {
		log_debug("wake: pressed");
		duty_wake(&d->duty, now);
		arming_update(d);
	}
	stop_source(&d->wake_timer);
	d->wake_timer = timeout_at(next, on_wake_timer, d);
	return G_SOURCE_CONTINUE;
}

static int open_wake(struct daemon *d)
{
	struct wake_backend *be = NULL;
	int rc;

	switch (d->conf.wake) {
	case WAKE_SIM:
		rc = wake_sim_new(d->conf.wake_sim_path, &be);
		break;
	case WAKE_GPIOD:
		rc = wake_gpiod_new(&d->conf.wake_gpio, &be);
		break;
	case WAKE_NONE:
	default:
		return 0;
	}
	if (rc == 0)
		rc = wake_new(be, d->conf.wake_debounce_ms, &d->wake);
	if (rc < 0) {
		if (!d->wake && be && be->destroy)
			be->destroy(be);
		return rc;
	}
	d->wake_src = g_unix_fd_add(wake_fd(d->wake), G_IO_IN, on_wake_fd, d);
	return 0;
}

/* The policy as configured, minus a wake input that did not open. */
static struct duty_conf effective(const struct daemon *d, const struct conf *c)
{
	struct duty_conf dc = c->duty;

	if (dc.mode == DUTY_WAKE && !d->wake)
		dc.mode = DUTY_WINDOWS;
	return dc;
}

void arming_start(struct daemon *d)
{
	struct duty_conf dc;
	int rc = open_wake(d);

	if (rc < 0)
		log_errno(rc, "wake: no wake input; the readers follow the "
			      "busy windows of the profile instead");
	dc = effective(d, &d->conf);
	duty_init(&d->duty, &dc, clock_mono_ms());
	log_info("arming: %s", dc.mode == DUTY_WAKE ? "by the wake input"
			       : dc.mode == DUTY_WINDOWS
				       ? "through the busy windows"
				       : "always");
	arming_on_reader(d);
}

void arming_stop(struct daemon *d)
{
	stop_source(&d->arm_src);
	stop_source(&d->wake_src);
	stop_source(&d->wake_timer);
	stop_source(&d->wake_retry);
	wake_free(d->wake);
	d->wake = NULL;
}

void arming_reload(struct daemon *d, const struct conf *nc)
{
	struct duty_conf dc;

	if (nc->wake != d->conf.wake ||
	    strcmp(nc->wake_sim_path, d->conf.wake_sim_path) ||
	    strcmp(nc->wake_gpio.chip, d->conf.wake_gpio.chip) ||
	    nc->wake_gpio.line != d->conf.wake_gpio.line ||
	    nc->wake_gpio.active_low != d->conf.wake_gpio.active_low ||
	    nc->wake_gpio.bias != d->conf.wake_gpio.bias ||
	    nc->wake_debounce_ms != d->conf.wake_debounce_ms)
		log_warnx("reload: wake input changes take effect after a "
			  "restart");
	/* A wake input added by the reload opens only at a restart. */
	dc = effective(d, nc);
	d->conf.duty = nc->duty;
	duty_set_conf(&d->duty, &dc);
	arming_update(d);
}

/* ---- events ---- */

void arming_on_reader(struct daemon *d)
{
	size_t n = d->scanner ? scanner_reader_count(d->scanner) : 0;
	bool heats = n == 0;

	for (size_t i = 0; i < n; i++) {
		struct scanner_reader_info ri;

		if (scanner_reader_info(d->scanner, i, &ri) == 0 && ri.heats)
			heats = true;
	}
	duty_set_heats(&d->duty, heats);
	duty_note_reader(&d->duty, clock_mono_ms());
	arming_update(d);
}

void arming_on_result(struct daemon *d)
{
	duty_result(&d->duty, clock_mono_ms());
	arming_update(d);
}

void arming_on_enrol(struct daemon *d, int on)
{
	uint64_t now = clock_mono_ms();

	duty_set_enrolling(&d->duty, on, now);
	/* The person just enrolled tries the finger: as after a press. */
	if (!on)
		duty_wake(&d->duty, now);
	arming_update(d);
}

void arming_on_hot(struct daemon *d, int hot)
{
	if (hot)
		duty_note_hot(&d->duty, clock_mono_ms());
	else
		duty_note_cooled(&d->duty, clock_mono_ms());
	arming_update(d);
}
