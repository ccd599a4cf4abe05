/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The punch path: scan outcome -> duplicate check -> durable punch ->
 * verdict mark -> light.  A state machine over its collaborators, which it
 * gets as arguments and never constructs (tests pass a temp store, the
 * simulated clock and a recording lights backend).  The punch is committed
 * before the light says so; a storage failure lights the fault and the
 * punch is refused with a log line; a light failure never loses a punch.
 * Called from the daemon's main loop.
 */
#ifndef PRESENSI_ATTEND_H
#define PRESENSI_ATTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "lights.h"
#include "facts.h"
#include "scanner.h"
#include "store.h"
#include "verdict.h"

struct attend_deps {
	struct store *store;
	struct lights *lights;
	struct clock *clock;
	const struct facts *facts;   /* rules in force; NULL: not judged */
	int32_t offset_min;	     /* the desa's zone */
	uint32_t duplicate_window_s; /* repeat taps inside it: suppressed */
	bool refuse_untrusted;	     /* refuse punches on an untrusted clock */
};

enum attend_result {
	ATTEND_OK = 0,	  /* recorded; on time or not judged: green */
	ATTEND_LATE,	  /* recorded; TL or PSW: amber */
	ATTEND_FLAGGED,	  /* recorded; untrusted or backward clock: amber */
	ATTEND_DUPLICATE, /* recorded as suppressed (repeat tap): amber */
	ATTEND_UNKNOWN,	  /* finger not recognised: red, counter only */
	ATTEND_RETRY,	  /* place the finger again: one red blink */
	ATTEND_REFUSED,	  /* untrusted clock and refuse_untrusted: red */
	ATTEND_FAULT,	  /* storage failed: fault light, punch refused */
	ATTEND_IGNORED,	  /* reader gone or failed: no punch, no light */
};

struct attend_outcome {
	enum attend_result result;
	enum light_state light; /* what was shown */
	enum verdict_mark mark; /* for recorded punches */
	struct punch punch;	/* the stored punch (seq set) if recorded */
	int store_rc;		/* 0 or the store's error */
};

/*
 * Handles one identify result.  person: the matched person's id (MATCH
 * only); reader: the reader's model.  Fills out and returns the lights'
 * next deadline (monotonic ms, 0 = none).
 */
uint64_t attend_on_scan(const struct attend_deps *d, enum scan_outcome o,
			const char *person, const char *reader,
			struct attend_outcome *out);

const char *attend_result_name(enum attend_result r);

#endif /* PRESENSI_ATTEND_H */
