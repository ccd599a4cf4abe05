/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * duty.c: libfprint's heat model and the arming policy over it (duty.h).
 * The model is the closed form of the first-order law libfprint integrates
 * between its updates, so evaluating it at any instant gives the ratio the
 * device itself computes at that instant.  The policy answers "armed or
 * not, why, and until when" and is called again at that deadline.
 */
#include "duty.h"

#include <math.h>
#include <stddef.h>

#define MS_PER_S     1000u
#define DAY_S	     86400
#define ETA_SLACK_MS 1 /* past the crossing, so the caller sees it done */

/* Defaults of presensi.conf(5) [wake]: see firmware/presensi.conf. */
#define DEF_ARMED_S	    60
#define DEF_REST_S	    4
#define DEF_MASUK_BEFORE_S  (45 * 60)
#define DEF_MASUK_AFTER_S   (30 * 60)
#define DEF_PULANG_BEFORE_S (30 * 60)
#define DEF_PULANG_AFTER_S  (60 * 60)
#define DEF_IDLE_ARMED_S    10
#define DEF_IDLE_EVERY_S    60

void duty_heat_init(struct duty_heat *h, uint64_t now_ms)
{
	h->r = DUTY_R_COLD;
	h->t_ms = now_ms;
	h->active = false;
	h->hot = false;
}

void duty_heat_advance(struct duty_heat *h, uint64_t now_ms)
{
	double dt;

	if (now_ms <= h->t_ms)
		return;
	dt = (double)(now_ms - h->t_ms) / MS_PER_S;
	if (h->active)
		h->r = 1.0 - (1.0 - h->r) * exp(-dt / DUTY_HOT_S);
	else
		h->r *= exp(-dt / DUTY_COLD_S);
	h->t_ms = now_ms;
	/* r is monotonic over the step: checking its end is enough. */
	if (h->r >= DUTY_R_HOT)
		h->hot = true;
	else if (h->r < DUTY_R_HOT_WARM)
		h->hot = false;
}

void duty_heat_set(struct duty_heat *h, bool active, uint64_t now_ms)
{
	duty_heat_advance(h, now_ms);
	h->active = active;
}

enum duty_temp duty_heat_temp(struct duty_heat *h, uint64_t now_ms)
{
	duty_heat_advance(h, now_ms);
	if (h->hot)
		return DUTY_TEMP_HOT;
	return h->r < DUTY_R_COLD ? DUTY_TEMP_COLD : DUTY_TEMP_WARM;
}

uint64_t duty_heat_eta_ms(const struct duty_heat *h, bool active, double target)
{
	double s;

	if (active) {
		if (h->r >= target)
			return 0;
		if (target >= 1.0)
			return UINT64_MAX;
		s = DUTY_HOT_S * log((1.0 - h->r) / (1.0 - target));
	} else {
		if (h->r <= target)
			return 0;
		if (target <= 0.0)
			return UINT64_MAX;
		s = DUTY_COLD_S * log(h->r / target);
	}
	return (uint64_t)ceil(s * MS_PER_S) + ETA_SLACK_MS;
}

/* ---- the policy ---- */

void duty_conf_defaults(struct duty_conf *c)
{
	c->mode = DUTY_WINDOWS;
	c->armed_s = DEF_ARMED_S;
	c->rest_s = DEF_REST_S;
	c->masuk_before_s = DEF_MASUK_BEFORE_S;
	c->masuk_after_s = DEF_MASUK_AFTER_S;
	c->pulang_before_s = DEF_PULANG_BEFORE_S;
	c->pulang_after_s = DEF_PULANG_AFTER_S;
	c->idle_armed_s = DEF_IDLE_ARMED_S;
	c->idle_every_s = DEF_IDLE_EVERY_S;
}

static int32_t clamp_day(int64_t s)
{
	return s < 0 ? 0 : s > DAY_S ? DAY_S : (int32_t)s;
}

void duty_windows_of(const struct duty_conf *c, const struct day_rule *r,
		     bool holiday, struct duty_windows *out)
{
	struct rules_window m, p;

	out->n = 0;
	if (!r || !r->working || holiday)
		return;
	m.from_s = clamp_day((int64_t)r->start_s - c->masuk_before_s);
	m.to_s = clamp_day((int64_t)r->start_s + c->masuk_after_s);
	p.from_s = clamp_day((int64_t)r->end_s - c->pulang_before_s);
	p.to_s = clamp_day((int64_t)r->end_s + c->pulang_after_s);
	if (m.from_s < m.to_s)
		out->w[out->n++] = m;
	if (p.from_s >= p.to_s)
		return;
	if (out->n && p.from_s <= out->w[0].to_s) {
		/* They touch (a short day, wide margins): one window. */
		if (p.to_s > out->w[0].to_s)
			out->w[0].to_s = p.to_s;
		if (p.from_s < out->w[0].from_s)
			out->w[0].from_s = p.from_s;
		return;
	}
	out->w[out->n++] = p;
}

bool duty_windows_has(const struct duty_windows *w, int32_t local_sec)
{
	for (int i = 0; w && i < w->n; i++)
		if (rules_in_window(&w->w[i], local_sec))
			return true;
	return false;
}

const char *duty_why_name(enum duty_why why)
{
	switch (why) {
	case DUTY_WHY_ALWAYS:
		return "always";
	case DUTY_WHY_WOKEN:
		return "woken";
	case DUTY_WHY_BUSY:
		return "busy";
	case DUTY_WHY_IDLE_SLOT:
		return "idle-slot";
	case DUTY_WHY_REST:
		return "rest";
	case DUTY_WHY_STANDBY:
		return "standby";
	case DUTY_WHY_HOT:
		return "hot";
	}
	return "invalid";
}

void duty_init(struct duty *d, const struct duty_conf *c, uint64_t now_ms)
{
	d->c = *c;
	duty_heat_init(&d->heat, now_ms);
	d->heats = true;
	d->enrolling = false;
	d->armed = false;
	d->why = DUTY_WHY_STANDBY;
	d->wake_until_ms = 0;
	d->rest_until_ms = 0;
}

void duty_set_conf(struct duty *d, const struct duty_conf *c)
{
	d->c = *c;
}

void duty_wake(struct duty *d, uint64_t now_ms)
{
	uint64_t until = now_ms + (uint64_t)d->c.armed_s * MS_PER_S;

	if (d->c.mode == DUTY_WAKE && until > d->wake_until_ms)
		d->wake_until_ms = until;
}

void duty_result(struct duty *d, uint64_t now_ms)
{
	uint64_t linger = now_ms + (uint64_t)DUTY_LINGER_S * MS_PER_S;

	if (d->c.mode == DUTY_WAKE && d->wake_until_ms > linger)
		d->wake_until_ms = linger;
}

void duty_set_enrolling(struct duty *d, bool on, uint64_t now_ms)
{
	d->enrolling = on;
	duty_heat_set(&d->heat, d->armed || on, now_ms);
}

void duty_set_heats(struct duty *d, bool heats)
{
	d->heats = heats;
}

void duty_note_hot(struct duty *d, uint64_t now_ms)
{
	duty_heat_advance(&d->heat, now_ms);
	if (d->heat.r < DUTY_R_HOT)
		d->heat.r = DUTY_R_HOT;
	d->heat.hot = true;
}

void duty_note_cooled(struct duty *d, uint64_t now_ms)
{
	duty_heat_advance(&d->heat, now_ms);
	if (d->heat.r > DUTY_R_HOT_WARM)
		d->heat.r = DUTY_R_HOT_WARM;
	d->heat.hot = false;
}

void duty_note_reader(struct duty *d, uint64_t now_ms)
{
	duty_heat_advance(&d->heat, now_ms);
	if (d->heat.r < DUTY_R_COLD)
		d->heat.r = DUTY_R_COLD;
}

/* The earlier of two deadlines, 0 meaning "none". */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* What the mode wants now, ignoring heat; *until: when that changes. */
static bool wanted(const struct duty *d, uint64_t now_ms, int32_t local_sec,
		   const struct duty_windows *w, enum duty_why *why,
		   uint64_t *until)
{
	uint64_t open_ms = 0, every_ms, armed_ms, pos;

	*until = 0;
	if (d->c.mode == DUTY_WAKE) {
		if (now_ms < d->wake_until_ms) {
			*why = DUTY_WHY_WOKEN;
			*until = d->wake_until_ms;
			return true;
		}
		*why = DUTY_WHY_STANDBY;
		return false;
	}
	if (!w) {
		*why = DUTY_WHY_BUSY;
		*until = now_ms + (uint64_t)(DAY_S - local_sec) * MS_PER_S;
		return true;
	}
	for (int i = 0; i < w->n; i++) {
		if (rules_in_window(&w->w[i], local_sec)) {
			*why = DUTY_WHY_BUSY;
			*until = now_ms + (uint64_t)(w->w[i].to_s - local_sec) *
						  MS_PER_S;
			return true;
		}
		if (!open_ms && w->w[i].from_s > local_sec)
			open_ms = now_ms +
				  (uint64_t)(w->w[i].from_s - local_sec) *
					  MS_PER_S;
	}
	every_ms = (uint64_t)d->c.idle_every_s * MS_PER_S;
	armed_ms = (uint64_t)d->c.idle_armed_s * MS_PER_S;
	if (!every_ms || !armed_ms) {
		*why = DUTY_WHY_STANDBY;
		*until = open_ms;
		return false;
	}
	pos = now_ms % every_ms;
	if (pos < armed_ms) {
		*why = DUTY_WHY_IDLE_SLOT;
		*until = earlier(open_ms, now_ms + armed_ms - pos);
		return true;
	}
	*why = DUTY_WHY_STANDBY;
	*until = earlier(open_ms, now_ms + every_ms - pos);
	return false;
}

void duty_decide(struct duty *d, uint64_t now_ms, int32_t local_sec,
		 const struct duty_windows *w, struct duty_decision *out)
{
	uint64_t rest_ms = (uint64_t)(d->c.rest_s ? d->c.rest_s : 1) * MS_PER_S;
	uint64_t until = 0, next = 0;
	enum duty_why why;
	bool armed = false;

	duty_heat_advance(&d->heat, now_ms);
	if (d->c.mode == DUTY_ALWAYS || !d->heats) {
		armed = true;
		why = DUTY_WHY_ALWAYS;
	} else if (d->heat.hot) {
		why = DUTY_WHY_HOT;
		next = now_ms +
		       duty_heat_eta_ms(&d->heat, false, DUTY_R_HOT_WARM);
	} else if (!wanted(d, now_ms, local_sec, w, &why, &until)) {
		next = until;
	} else if (now_ms < d->rest_until_ms) {
		why = DUTY_WHY_REST;
		next = earlier(d->rest_until_ms, until);
	} else if (d->heat.r >= DUTY_R_CEILING) {
		why = DUTY_WHY_REST;
		d->rest_until_ms = now_ms + rest_ms;
		next = earlier(d->rest_until_ms, until);
	} else {
		armed = true;
		next = earlier(until,
			       now_ms + duty_heat_eta_ms(&d->heat, true,
							 DUTY_R_CEILING));
	}
	if (why != DUTY_WHY_ALWAYS)
		next = earlier(next, now_ms + DUTY_RECHECK_MS);
	d->armed = armed;
	d->why = why;
	duty_heat_set(&d->heat, armed || d->enrolling, now_ms);
	out->armed = armed;
	out->why = why;
	out->next_ms = next;
}
