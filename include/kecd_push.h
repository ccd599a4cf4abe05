/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POST /api/v1/push (docs/push.md "The API exactly"): a signed batch of
 * one box's ledger rows, verified from the body alone (the key trusted
 * for that desa, the statement rebuilt with pushbatch and its Ed25519
 * signature), then checked against the head held for that device and
 * stored idempotently by (device, seq) through the store's row and punch
 * operations, in one transaction with the device's key row locked.
 */
#ifndef PRESENSI_KECD_PUSH_H
#define PRESENSI_KECD_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "kecd.h"

struct kecd_push_result {
	int status;		    /* 200, 400, 403, 409, 503 */
	int64_t seq;		    /* 200 and 409: the head held */
	char head[PD_HASH_HEX];	    /* its hash */
	char error[KEC_REASON_MAX]; /* anything but 200 */
	/* what the batch was (for the log and the cache), when known */
	int64_t kec, key_id;
	char desa[PD_ID_MAX];
	int64_t old_seq, rows_new;
	pd_day_t day_min, day_max; /* the new punches' days */
	int facts_new;		   /* new rows other than punches */
};

/* Handles one push body (len bytes of JSON) received at now_utc.  Never
 * fails: r->status says. */
void kecd_push(struct kecd_worker *w, const char *body, size_t len,
	       int64_t now_utc, struct kecd_push_result *r);
/* r as the JSON answer of docs/push.md (malloc'd, free()); NULL on OOM. */
char *kecd_push_answer(const struct kecd_push_result *r, size_t *len);

#endif /* PRESENSI_KECD_PUSH_H */
