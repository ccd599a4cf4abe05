/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid's side of the live push (docs/push.md): the batch statement
 * signed by the device key, and published rules taken into the ledger.
 * The requests themselves (sign-batch, wait-ledger, rules-publish,
 * push-status) are served in daemon/presensid/push_sign.c and
 * push_rules.c on the daemon's main loop; these are their cores, callable
 * without a daemon (unit tests).
 */
#ifndef PRESENSI_PUSHSIGN_H
#define PRESENSI_PUSHSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "admin.h"
#include "control.h"
#include "crypto.h"
#include "pushbatch.h"
#include "store.h"

/* A signed batch: the statement's fields and the device's signature. */
struct pushsign {
	char device[CRYPTO_FPR_MAX];	    /* the device key's fingerprint */
	char public_key[CRYPTO_PK_HEX];	    /* the device key */
	char desa[PD_ID_MAX];		    /* [desa] id */
	int64_t first, last;		    /* the rows */
	char prev[PD_HASH_HEX];		    /* prev_hash of row first */
	char head[PD_HASH_HEX];		    /* hash of row last */
	char lines[PD_HASH_HEX];	    /* SHA-256 of the export lines */
	char statement[PUSHBATCH_STMT_MAX]; /* the bytes signed */
	char signature[2 * CRYPTO_SIG_BYTES + 1]; /* 128 hex digits */
};

/*
 * Reads rows first..last of st, builds their statement with pushbatch.h
 * (device id: the short fingerprint of k's public key; desa desa_id) and
 * signs it with k.  presensid signs only its own rows: never bytes a
 * client brings.  0 with *out filled; -ERANGE for a range that is not
 * this store's rows (empty, reversed, beyond the head) or larger than one
 * batch (PUSHBATCH_ROWS_MAX rows, PUSHBATCH_BYTES_MAX bytes); -EBADMSG
 * when a row of the range does not check (its hash or its link: a
 * damaged ledger is never signed); a store error.  why gets one line.
 */
int pushsign_batch(struct store *st, const struct crypto_devkey *k,
		   const char *desa_id, int64_t first, int64_t last,
		   struct pushsign *out, char *why, size_t cap);

/*
 * "rules-publish" (docs/push.md, "Rules down the same channel"): a
 * publication as GET /api/v1/rules lists it (m: id, kind, scope, area,
 * name, from, published, text, signature).  Rebuilds its statement
 * (rulepub.h) with the SHA-256 of the text and checks the publisher's
 * signature against a->conf's [push] publisher_key; a kecamatan's
 * publication must name this box's [desa] kecamatan.  Then the file goes
 * in through the admin code of "profile-import" / "calendar-import"
 * (admin_dispatch), as the daemon ("presensid (publisher <fingerprint>)")
 * with an audit record naming the publication, the publisher and the
 * peer who brought it.  A file takes effect from today or later (DOMAIN
 * §2.3): an earlier from, or a calendar that changes a day before its
 * from, is refused (EPERM: that needs the explicit act at the box), as
 * is any day in a closed month.  The same version already in force on
 * from is acknowledged ("ok result=in-force"), not imported twice.
 * Answers exactly one ok or err line through a; sets a->changed as the
 * import did.
 */
void pushrules_publish(struct admin_ctx *a, const struct control_msg *m);

#endif /* PRESENSI_PUSHSIGN_H */
