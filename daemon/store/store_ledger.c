/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_ledger.c: the hash-chained ledger table.  Appends a row after the
 * head (seq + 1, prev_hash = the head's hash, hash by ledger.c) inside the
 * caller's write transaction, and reads the head and ranges of rows back.
 * Rows are never updated or deleted: triggers refuse it (schema 1).
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* The ledger's last row: what store_ledger_head reports. */
struct ledger_head {
	int64_t seq;
	int64_t recorded_utc;
	char hash[PD_HASH_HEX];
};

static int read_head(sqlite3_stmt *s, void *rec)
{
	struct ledger_head *h = rec;

	h->seq = sqlite3_column_int64(s, 0);
	h->recorded_utc = sqlite3_column_int64(s, 1);
	return store_col_text(s, 2, h->hash, sizeof(h->hash));
}

/* The last row, or seq 0 and the zero hash when the ledger is empty. */
static int head_get(struct store *st, struct ledger_head *h)
{
	int rc;

	memset(h, 0, sizeof(*h));
	rc = store_row_get(st, store_stmt(st, S_HEAD), read_head, h,
			   "ledger head");
	if (rc == -ENOENT) {
		strcpy(h->hash, LEDGER_HASH_ZERO);
		rc = 0;
	}
	return rc;
}

/* Appends a row after the current head; inside a write transaction. */
int store_ledger_append(struct store *st, const char *kind, int64_t now_utc,
			const char *person, int64_t at_utc, const char *data,
			int64_t *seq_out)
{
	struct ledger_head h;
	struct ledger_row r;
	sqlite3_stmt *s;
	int rc;

	rc = head_get(st, &h);
	if (rc != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.seq = h.seq + 1;
	memcpy(r.prev_hash, h.hash, sizeof(r.prev_hash));
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	r.recorded_utc = now_utc;
	snprintf(r.person, sizeof(r.person), "%s", person);
	r.at_utc = at_utc;
	snprintf(r.data, sizeof(r.data), "%s", data);
	rc = ledger_hash(&r);
	if (rc == -ENAMETOOLONG) {
		log_warnx("store: %s row too long for the ledger", kind);
		return -EINVAL;
	}
	if (rc != 0) {
		log_warnx("store: ledger head hash is corrupt");
		return -EIO;
	}
	s = store_stmt(st, S_LEDGER_INS);
	sqlite3_bind_int64(s, 1, r.seq);
	store_bind_text(s, 2, r.kind);
	sqlite3_bind_int64(s, 3, r.recorded_utc);
	store_bind_text(s, 4, r.person);
	sqlite3_bind_int64(s, 5, r.at_utc);
	store_bind_text(s, 6, r.data);
	store_bind_text(s, 7, r.prev_hash);
	store_bind_text(s, 8, r.hash);
	rc = store_exec(st, s, "ledger append");
	if (rc == 0)
		*seq_out = r.seq;
	return rc;
}

/* ---- reading ---- */

/* Reads an S_LEDGER_RANGE row into a struct ledger_row; -EIO if a field
 * does not fit (seq is read first, so it names the row even then). */
int store_ledger_row_read(sqlite3_stmt *s, void *rec)
{
	struct ledger_row *r = rec;
	int rc;

	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(s, 0);
	r->recorded_utc = sqlite3_column_int64(s, 2);
	r->at_utc = sqlite3_column_int64(s, 4);
	if ((rc = store_col_text(s, 1, r->kind, sizeof(r->kind))) ||
	    (rc = store_col_text(s, 3, r->person, sizeof(r->person))) ||
	    (rc = store_col_text(s, 5, r->data, sizeof(r->data))) ||
	    (rc = store_col_text(s, 6, r->prev_hash, sizeof(r->prev_hash))) ||
	    (rc = store_col_text(s, 7, r->hash, sizeof(r->hash))))
		return rc;
	return 0;
}

int store_ledger_head(struct store *st, int64_t *seq, int64_t *recorded_utc,
		      char hash_hex[PD_HASH_HEX])
{
	struct ledger_head h;
	int rc = head_get(st, &h);

	if (rc == 0) {
		*seq = h.seq;
		*recorded_utc = h.recorded_utc;
		memcpy(hash_hex, h.hash, sizeof(h.hash));
	}
	return rc;
}

struct ledger_each {
	store_ledger_fn *fn;
	void *ud;
};

static int emit_ledger(void *ctx, const void *rec)
{
	const struct ledger_each *c = ctx;

	return c->fn(c->ud, rec);
}

int store_ledger_each(struct store *st, int64_t from_seq, int64_t to_seq,
		      store_ledger_fn *fn, void *ud)
{
	struct ledger_each c = {fn, ud};
	sqlite3_stmt *s = store_stmt(st, S_LEDGER_RANGE);
	struct ledger_row r;

	sqlite3_bind_int64(s, 1, from_seq);
	sqlite3_bind_int64(s, 2, to_seq);
	return store_rows_each(st, s, store_ledger_row_read, &r, emit_ledger,
			       &c, "ledger list");
}
