/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi-push, the box's live push (docs/push.md): sends every ledger
 * row to the kecamatan's server within seconds, in signed batches, and
 * keeps everything when the server cannot be reached.  It reads the
 * store read-only, asks presensid to sign each batch (pushctl.h), keeps
 * the head the server acknowledged in its own state file (pushstate.h),
 * and runs on the thread-default GLib main context: woken by presensid
 * after each new row ("wait-ledger") and by a timer, one request to the
 * server at a time (pushhttp.h), waiting with backoff after a failure
 * (pushbackoff.h).  Then the closed months' bundles, then the rules the
 * server publishes, handed to presensid.  It never deletes anything on
 * the box.
 */
#ifndef PRESENSI_PUSH_H
#define PRESENSI_PUSH_H

#include "conf.h"

#define PUSH_RULES_EVERY_S 3600	  /* published rules fetched hourly */
#define PUSH_WAIT_MS	   600000 /* one wait-ledger long poll */
#define PUSH_WAIT_RETRY_S  5	  /* presensid gone: reconnect after */

struct push;

/* A push for the box of c (copied; c->push.server must be set).  Loads
 * its state file (a missing one is a fresh start, a damaged one is
 * logged and started over: the server's 409 says where to resume).
 * Free with push_free().  0, -EINVAL, -ENOMEM. */
int push_new(const struct conf *c, struct push **out);
/* Starts on the thread-default main context: the wait on presensid, the
 * timers, the first batch. */
void push_start(struct push *p);
/* Tries now (SIGUSR1): the backoff's wait is cut, published rules are
 * fetched, and a closed month's bundle the server refused is sent once
 * more. */
void push_kick(struct push *p);
/* Stops everything (a request in flight is abandoned; the state file is
 * always already written).  NULL-safe. */
void push_free(struct push *p);

#endif /* PRESENSI_PUSH_H */
