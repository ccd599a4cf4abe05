/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attend.c: from an identify outcome to a durable ledger row and a light.
 * Order matters: read the clock once, decide duplicate and flags, commit
 * the punch (fsync'd by the store), and only then show the light.
 */
#include "attend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "log.h"

const char *attend_result_name(enum attend_result r)
{
	static const char *const names[] = {
		[ATTEND_OK] = "ok",	      [ATTEND_LATE] = "late",
		[ATTEND_FLAGGED] = "flagged", [ATTEND_DUPLICATE] = "duplicate",
		[ATTEND_UNKNOWN] = "unknown", [ATTEND_RETRY] = "retry",
		[ATTEND_REFUSED] = "refused", [ATTEND_FAULT] = "fault",
		[ATTEND_IGNORED] = "ignored",
	};

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r]
								  : "?";
}

struct today_ctx {
	const struct day_rule *rule;
	int64_t self_seq; /* the punch being judged */
	bool have_masuk;
};

static int note_masuk(void *ud, const struct punch *p)
{
	struct today_ctx *c = ud;

	if (p->seq != c->self_seq && !(p->flags & PUNCH_F_SUPPRESSED) &&
	    rules_in_window(&c->rule->masuk, p->local_sec))
		c->have_masuk = true;
	return 0;
}

/* How the punch reads against the rules in force (for the light only:
 * the rekap is always derived again from the stored facts). */
static enum verdict_mark mark_punch(const struct attend_deps *d,
				    const struct punch *p)
{
	struct day_rule rule;
	enum calendar_kind holiday;
	struct today_ctx c = {.rule = &rule, .self_seq = p->seq};

	if (!d->facts ||
	    facts_day(d->facts, p->local_day, &rule, &holiday, NULL) < 0)
		return VERDICT_MARK_NONWORKING;
	/* Earlier accepted punches of the same day, this one excluded. */
	if (store_punch_each(d->store, p->local_day, p->local_day, p->person,
			     note_masuk, &c) < 0)
		c.have_masuk = false;
	return verdict_mark_punch(&rule, holiday, p->local_sec, c.have_masuk);
}

static uint64_t show(const struct attend_deps *d, enum light_state st,
		     uint64_t now_ms, struct attend_outcome *out)
{
	out->light = st;
	/* Only a punch stored again proves storage works: leave the fault
	 * then, and never for an unknown finger, a retry or a punch refused
	 * before it reached the store. */
	if (lights_base(d->lights) == LIGHT_FAULT && out->punch.seq > 0)
		lights_show(d->lights, LIGHT_READY, now_ms);
	return lights_show(d->lights, st, now_ms);
}

uint64_t attend_on_scan(const struct attend_deps *d, enum scan_outcome o,
			const char *person, const char *reader,
			struct attend_outcome *out)
{
	struct clock_reading now;
	struct punch *p = &out->punch;
	int64_t last_at, head_seq, head_utc;
	char head_hash[PD_HASH_HEX];
	int rc;

	memset(out, 0, sizeof(*out));
	clock_read(d->clock, &now);

	switch (o) {
	case SCAN_NO_MATCH:
		out->result = ATTEND_UNKNOWN;
		rc = store_counter_add(d->store, "unknown_finger", 1);
		if (rc < 0)
			log_errno(rc, "cannot count an unknown finger");
		log_info("identify: not recognised");
		return show(d, LIGHT_UNKNOWN, now.mono_ms, out);
	case SCAN_RETRY:
		out->result = ATTEND_RETRY;
		return show(d, LIGHT_RETRY, now.mono_ms, out);
	case SCAN_GONE:
	case SCAN_FAILED:
		out->result = ATTEND_IGNORED;
		return 0;
	case SCAN_MATCH:
		break;
	}

	snprintf(p->person, sizeof(p->person), "%s", person);
	p->at_utc = now.utc_ms / 1000;
	civil_local_from_utc(p->at_utc, d->offset_min, &p->local_day,
			     &p->local_sec);
	snprintf(p->source, sizeof(p->source), "reader");
	snprintf(p->reader, sizeof(p->reader), "%s", reader ? reader : "");
	snprintf(p->clock, sizeof(p->clock), "%s", now.source);
	snprintf(p->boot_id, sizeof(p->boot_id), "%s", clock_boot_id(d->clock));
	p->mono_ms = now.mono_ms;
	if (!now.trusted)
		p->flags |= PUNCH_F_UNTRUSTED;
	if (clock_source_of(d->clock) == CLOCK_SOURCE_SIMULATED)
		p->flags |= PUNCH_F_SIMULATED;
	/* fake-hwclock after a power cut restores an old time: detect it. */
	if (store_ledger_head(d->store, &head_seq, &head_utc, head_hash) == 0 &&
	    head_seq > 0 && p->at_utc < head_utc) {
		p->flags |= PUNCH_F_BACKWARD | PUNCH_F_UNTRUSTED;
		log_warnx("clock: wall clock is %lld s behind the last stored "
			  "row (seq %lld)",
			  (long long)(head_utc - p->at_utc),
			  (long long)head_seq);
	}
	if ((p->flags & PUNCH_F_UNTRUSTED) && d->refuse_untrusted) {
		out->result = ATTEND_REFUSED;
		log_warnx("punch refused: person %s, clock untrusted",
			  p->person);
		return show(d, LIGHT_UNKNOWN, now.mono_ms, out);
	}
	rc = store_punch_last_accepted(d->store, p->person, &last_at);
	if (rc == 0 && p->at_utc >= last_at &&
	    p->at_utc - last_at < (int64_t)d->duplicate_window_s)
		p->flags |= PUNCH_F_SUPPRESSED;

	rc = store_punch_add(d->store, p, p->at_utc);
	if (rc < 0) {
		out->result = ATTEND_FAULT;
		out->store_rc = rc;
		log_errno(rc, "punch NOT recorded: person %s", p->person);
		return show(d, LIGHT_FAULT, now.mono_ms, out);
	}

	if (p->flags & PUNCH_F_SUPPRESSED) {
		out->result = ATTEND_DUPLICATE;
	} else {
		out->mark = mark_punch(d, p);
		if (p->flags & (PUNCH_F_UNTRUSTED | PUNCH_F_BACKWARD))
			out->result = ATTEND_FLAGGED;
		else if (out->mark == VERDICT_MARK_LATE ||
			 out->mark == VERDICT_MARK_EARLY)
			out->result = ATTEND_LATE;
		else
			out->result = ATTEND_OK;
	}
	log_info("punch: person %s seq %lld %s", p->person, (long long)p->seq,
		 attend_result_name(out->result));
	switch (out->result) {
	case ATTEND_LATE:
		return show(d, LIGHT_LATE, clock_mono_ms(), out);
	case ATTEND_OK:
		return show(d, LIGHT_OK, clock_mono_ms(), out);
	default:
		return show(d, LIGHT_FLAGGED, clock_mono_ms(), out);
	}
}
