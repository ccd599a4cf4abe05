/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pushread.c: the next batch of export lines from the read-only store. */
#include "pushread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct walk {
	struct pushread_batch *b;
	size_t cap;
	int rc;		/* what stopped the walk: 0, -E2BIG (full), other */
	int64_t expect; /* the next seq */
};

static int add_row(void *ud, const struct ledger_row *r)
{
	struct walk *w = ud;
	struct pushread_batch *b = w->b;
	char line[LEDGER_LINE_MAX + 2 * PD_HASH_HEX + 4];
	int n, rc;

	if (r->seq != w->expect) { /* a gap in the ledger: not ours */
		w->rc = -EBADMSG;
		return 1;
	}
	rc = pushbatch_add(&b->pb, r);
	if (rc < 0) {
		w->rc = rc == -E2BIG ? -E2BIG : -EBADMSG;
		return 1;
	}
	n = ledger_line(r, line, sizeof(line));
	if (n >= 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s,%s\r\n",
			      r->prev_hash, r->hash);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		w->rc = -EBADMSG;
		return 1;
	}
	if (b->len + (size_t)n + 1 > w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64 * 1024;
		char *nl;

		while (nc < b->len + (size_t)n + 1)
			nc *= 2;
		nl = realloc(b->lines, nc);
		if (!nl) {
			w->rc = -ENOMEM;
			return 1;
		}
		b->lines = nl;
		w->cap = nc;
	}
	memcpy(b->lines + b->len, line, (size_t)n);
	b->len += (size_t)n;
	b->lines[b->len] = '\0';
	if (b->first == 0) {
		b->first = r->seq;
		memcpy(b->prev, r->prev_hash, sizeof(b->prev));
	}
	b->last = r->seq;
	memcpy(b->head, r->hash, sizeof(b->head));
	w->expect++;
	return 0;
}

struct one_hash {
	char *hash;
	int found;
};

static int take_hash(void *ud, const struct ledger_row *r)
{
	struct one_hash *o = ud;

	memcpy(o->hash, r->hash, PD_HASH_HEX);
	o->found = 1;
	return 1;
}

int pushread_row_hash(struct store *st, int64_t seq, char hash[PD_HASH_HEX])
{
	struct one_hash o = {hash, 0};
	int rc;

	if (seq == 0) {
		snprintf(hash, PD_HASH_HEX, "%s", LEDGER_HASH_ZERO);
		return 0;
	}
	rc = store_ledger_each(st, seq, seq, take_hash, &o);
	if (rc < 0)
		return rc;
	return o.found ? 0 : -ENOENT;
}

int pushread_next(struct store *st, int64_t acked, const char *acked_head,
		  struct pushread_batch *b)
{
	struct walk w = {.b = b, .expect = acked + 1};
	char hash[PD_HASH_HEX];
	int rc;

	memset(b, 0, sizeof(*b));
	pushbatch_init(&b->pb);
	if (acked < 0)
		return -ESTALE;
	rc = pushread_row_hash(st, acked, hash);
	if (rc == -ENOENT || (rc == 0 && strcmp(hash, acked_head) != 0))
		return -ESTALE;
	if (rc < 0)
		return rc;
	rc = store_ledger_each(st, acked + 1, acked + PUSHBATCH_ROWS_MAX,
			       add_row, &w);
	if (rc >= 0 && w.rc && w.rc != -E2BIG)
		rc = w.rc;
	if (rc >= 0 && b->first == 0)
		rc = -ENOENT;
	/* the first row must link to the acknowledged row (whose hash was
	 * checked above): a broken link is damage */
	if (rc >= 0 && strcmp(b->prev, acked_head) != 0)
		rc = -EBADMSG;
	if (rc < 0) {
		pushread_free(b);
		return rc;
	}
	return 0;
}

void pushread_free(struct pushread_batch *b)
{
	if (!b)
		return;
	free(b->lines);
	b->lines = NULL;
	b->len = 0;
}

int pushread_statement(struct pushread_batch *b, const char *device,
		       const char *desa, char out[PUSHBATCH_STMT_MAX])
{
	return pushbatch_statement(&b->pb, device, desa, out);
}
