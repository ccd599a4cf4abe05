/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * push_sign.c: the statement of a batch of presensid's own rows, signed by
 * the device key (docs/push.md, "A batch").  presensid reads the rows
 * again itself and signs only them, never bytes a client brings; a row
 * that does not check against the chain is never signed.  No GLib: the
 * request around it is push_req.c's.
 */
#include "pushsign.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct sign_walk {
	struct pushbatch b;
	int64_t rows;
	int rc;
	int64_t bad_seq;
};

static int sign_row(void *ud, const struct ledger_row *r)
{
	struct sign_walk *w = ud;
	int rc = pushbatch_add(&w->b, r);

	if (rc < 0) {
		w->rc = rc;
		w->bad_seq = r->seq;
		return 1; /* stop */
	}
	w->rows++;
	return 0;
}

int pushsign_batch(struct store *st, const struct crypto_devkey *k,
		   const char *desa_id, int64_t first, int64_t last,
		   struct pushsign *out, char *why, size_t cap)
{
	struct sign_walk *w;
	uint8_t sig[CRYPTO_SIG_BYTES];
	char head[PD_HASH_HEX];
	int64_t head_seq = 0, utc;
	int rc, n;

	rc = store_ledger_head(st, &head_seq, &utc, head);
	if (rc < 0) {
		snprintf(why, cap, "the ledger cannot be read: %s",
			 strerror(-rc));
		return rc;
	}
	if (first < 1 || last < first || last > head_seq) {
		snprintf(why, cap,
			 "rows %" PRId64 "..%" PRId64 ": not rows of this "
			 "ledger (rows 1..%" PRId64 ")",
			 first, last, head_seq);
		return -ERANGE;
	}
	if (last - first + 1 > PUSHBATCH_ROWS_MAX) {
		snprintf(why, cap,
			 "rows %" PRId64 "..%" PRId64 ": more than %d rows in "
			 "one batch",
			 first, last, PUSHBATCH_ROWS_MAX);
		return -ERANGE;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(why, cap, "out of memory");
		return -ENOMEM;
	}
	pushbatch_init(&w->b);
	rc = store_ledger_each(st, first, last, sign_row, w);
	if (rc < 0) {
		snprintf(why, cap, "the ledger cannot be read: %s",
			 strerror(-rc));
		goto out;
	}
	if (w->rc == -E2BIG) {
		snprintf(why, cap,
			 "rows %" PRId64 "..%" PRId64 ": more than %d KiB "
			 "of export lines in one batch",
			 first, last, PUSHBATCH_BYTES_MAX / 1024);
		rc = -ERANGE;
		goto out;
	}
	if (w->rc < 0) {
		/* a row whose hash or link does not check: never signed */
		snprintf(why, cap,
			 "row %" PRId64 " does not check against the chain: "
			 "the ledger is damaged (run \"presensi chain "
			 "verify\"); nothing signed",
			 w->bad_seq);
		log_warnx("sign-batch: %s", why);
		rc = -EBADMSG;
		goto out;
	}
	if (w->rows != last - first + 1) {
		snprintf(why, cap,
			 "rows %" PRId64 "..%" PRId64 ": %" PRId64 " found",
			 first, last, w->rows);
		rc = -EIO;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	crypto_pubkey_fingerprint(k->pk, out->device);
	crypto_pubkey_hex(k->pk, out->public_key);
	snprintf(out->desa, sizeof(out->desa), "%s", desa_id);
	out->first = w->b.first;
	out->last = w->b.last;
	memcpy(out->prev, w->b.prev, sizeof(out->prev));
	memcpy(out->head, w->b.head, sizeof(out->head));
	n = pushbatch_statement(&w->b, out->device, desa_id, out->statement);
	if (n < 0) {
		snprintf(why, cap, "the statement does not fit");
		rc = -EINVAL;
		goto out;
	}
	/* the lines' hash, as the statement gives it */
	{
		const char *l = strstr(out->statement, "\nlines ");

		if (l)
			snprintf(out->lines, sizeof(out->lines), "%.64s",
				 l + strlen("\nlines "));
	}
	crypto_devkey_sign(k, out->statement, (size_t)n, sig);
	crypto_hex_encode(sig, sizeof(sig), out->signature);
	rc = 0;
out:
	free(w);
	return rc;
}
