/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push's reading of the ledger (docs/push.md, "A batch"):
 * presensi-push opens the box's store read-only and takes the next batch
 * after the head the server acknowledged, the rows' export lines as a
 * bundle's ledger.csv holds them, up to PUSHBATCH_ROWS_MAX rows or
 * PUSHBATCH_BYTES_MAX bytes.  It builds the batch's statement with the
 * same pushbatch.h code presensid signs with, so it can tell that what
 * presensid signed is what it sends.  No GLib; called on the push's main
 * loop.
 */
#ifndef PRESENSI_PUSHREAD_H
#define PRESENSI_PUSHREAD_H

#include <stddef.h>
#include <stdint.h>

#include "pushbatch.h"
#include "store.h"

struct pushread_batch {
	int64_t first, last;	/* the rows */
	char prev[PD_HASH_HEX]; /* prev_hash of row first */
	char head[PD_HASH_HEX]; /* hash of row last */
	char *lines;		/* their export lines, each ended by CRLF */
	size_t len;		/* bytes of lines */
	struct pushbatch pb;	/* the same rows, for the statement */
};

/*
 * The next batch after row acked (whose hash the server gave as
 * acked_head; acked 0 with 64 zeros for nothing acknowledged): rows
 * acked + 1 onwards.  0 with *b filled (free with pushread_free);
 * -ENOENT when the ledger has no row after acked; -ESTALE when row acked
 * is not in this ledger or its hash is not acked_head (this ledger does
 * not continue what the server acknowledged); -EBADMSG when a row does
 * not check (a damaged ledger: nothing is sent); -ENOMEM; a store error.
 */
int pushread_next(struct store *st, int64_t acked, const char *acked_head,
		  struct pushread_batch *b);
void pushread_free(struct pushread_batch *b); /* NULL-safe, idempotent */

/*
 * The batch's statement (docs/push.md) for device (the device key's
 * fingerprint) and desa, into out; the batch takes no more rows after.
 * Its length, or -EINVAL.
 */
int pushread_statement(struct pushread_batch *b, const char *device,
		       const char *desa, char out[PUSHBATCH_STMT_MAX]);

/* The hash of row seq of st (64 zeros for seq 0).  0, -ENOENT when the
 * ledger has no such row, or a store error. */
int pushread_row_hash(struct store *st, int64_t seq, char hash[PD_HASH_HEX]);

#endif /* PRESENSI_PUSHREAD_H */
