/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A push batch (docs/push.md): a contiguous run of one device's ledger
 * rows, and the statement presensid signs for it.  Both sides build the
 * statement with this code from the rows themselves: presensid from its
 * own ledger (it signs only its own rows, never bytes a client brings),
 * the server from the rows it received.  Pure.
 */
#ifndef PRESENSI_PUSHBATCH_H
#define PRESENSI_PUSHBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "ledger.h"

#define PUSHBATCH_ROWS_MAX  500		 /* rows in one batch, at most */
#define PUSHBATCH_BYTES_MAX (256 * 1024) /* export lines, at most */
#define PUSHBATCH_STMT_MAX  512		 /* the statement, with its NUL */
#define PUSHBATCH_VERSION   1

/* The export lines of a batch, hashed as they are added. */
struct pushbatch {
	int64_t first, last;	/* seqs; last < first while empty */
	char prev[PD_HASH_HEX]; /* prev_hash of row first */
	char head[PD_HASH_HEX]; /* hash of row last */
	size_t bytes;		/* export lines so far, CRLF included */
	struct crypto_sha256_ctx lines;
};

/* An empty batch.  Call before the first pushbatch_add(). */
void pushbatch_init(struct pushbatch *b);
/*
 * Adds row r, which must be the next seq of the run (or any seq for the
 * first row) and link to the previous row's hash.  0, -EINVAL (a gap, a
 * broken link or a bad row), -E2BIG when the batch would pass
 * PUSHBATCH_ROWS_MAX or PUSHBATCH_BYTES_MAX (the row is not added).
 */
int pushbatch_add(struct pushbatch *b, const struct ledger_row *r);
/* Rows in the batch. */
int64_t pushbatch_rows(const struct pushbatch *b);
/*
 * The statement of a non-empty batch (docs/push.md, "A batch") into out
 * (PUSHBATCH_STMT_MAX bytes); finishes the lines' hash, so the batch takes
 * no more rows.  Returns its length, or -EINVAL for an empty batch or ids
 * that do not fit.
 */
int pushbatch_statement(struct pushbatch *b, const char *device_id,
			const char *desa_id, char out[PUSHBATCH_STMT_MAX]);

#endif /* PRESENSI_PUSHBATCH_H */
