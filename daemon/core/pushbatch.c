/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pushbatch.c: the statement a push batch is signed by (docs/push.md).
 * The lines' hash covers each row's export line ended by CRLF, exactly as
 * a bundle's ledger.csv holds it, so the two never disagree on a row.
 */
#include "pushbatch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void pushbatch_init(struct pushbatch *b)
{
	memset(b, 0, sizeof(*b));
	b->first = 1;
	b->last = 0;
	crypto_sha256_start(&b->lines);
}

int64_t pushbatch_rows(const struct pushbatch *b)
{
	return b->last >= b->first ? b->last - b->first + 1 : 0;
}

int pushbatch_add(struct pushbatch *b, const struct ledger_row *r)
{
	char line[LEDGER_LINE_MAX + 2 * PD_HASH_HEX + 4];
	int n, empty = pushbatch_rows(b) == 0;

	if (ledger_check(r) != 0)
		return -EINVAL;
	if (!empty && (r->seq != b->last + 1 || strcmp(r->prev_hash, b->head)))
		return -EINVAL;
	if (!empty && pushbatch_rows(b) >= PUSHBATCH_ROWS_MAX)
		return -E2BIG;
	n = ledger_line(r, line, sizeof(line));
	if (n < 0)
		return -EINVAL;
	n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s,%s\r\n",
		      r->prev_hash, r->hash);
	if ((size_t)n >= sizeof(line))
		return -EINVAL;
	if (!empty && b->bytes + (size_t)n > PUSHBATCH_BYTES_MAX)
		return -E2BIG;
	if (empty) {
		b->first = r->seq;
		memcpy(b->prev, r->prev_hash, sizeof(b->prev));
	}
	b->last = r->seq;
	memcpy(b->head, r->hash, sizeof(b->head));
	b->bytes += (size_t)n;
	crypto_sha256_update(&b->lines, line, (size_t)n);
	return 0;
}

int pushbatch_statement(struct pushbatch *b, const char *device_id,
			const char *desa_id, char out[PUSHBATCH_STMT_MAX])
{
	uint8_t sum[CRYPTO_SHA256_BYTES];
	char hex[PD_HASH_HEX];
	int n;

	if (!pushbatch_rows(b))
		return -EINVAL;
	crypto_sha256_final(&b->lines, sum);
	crypto_hex_encode(sum, sizeof(sum), hex);
	n = snprintf(out, PUSHBATCH_STMT_MAX,
		     "presensi-batch %d\ndevice %s\ndesa %s\nfirst %" PRId64
		     "\nlast %" PRId64 "\nprev %s\nhead %s\nlines %s\n",
		     PUSHBATCH_VERSION, device_id, desa_id, b->first, b->last,
		     b->prev, b->head, hex);
	if (n < 0 || n >= PUSHBATCH_STMT_MAX)
		return -EINVAL;
	return n;
}
