/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_checkpoint.c: months closed.  A checkpoint is a ledger row (kind
 * "checkpoint", format 2) with its side row in checkpoints, and the files a
 * complete bundle of the month froze at closing in checkpoint_files (schema
 * 5).  Months close once and in order; the lookups here serve the close
 * command, the bundle export and rules that must not reach into a closed
 * month.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define FROZEN_FILE_MAX (64u << 20) /* one frozen file: a bundle entry */

static bool month_form_ok(const char *m)
{
	return store_fits(m, LEDGER_MONTH_LEN) &&
	       strlen(m) == LEDGER_MONTH_LEN - 1 && m[4] == '-';
}

static bool frozen_ok(const struct store_frozen *fz)
{
	if (!fz || !store_fits(fz->desa_id, PD_ID_MAX) ||
	    !store_fits(fz->desa_name, PD_NAME_MAX) ||
	    !store_fits(fz->kecamatan, PD_NAME_MAX) ||
	    !store_fits(fz->software,
			sizeof(((struct store_checkpoint *)0)->software)) ||
	    !store_fits(fz->calendar_set, PD_HASH_HEX) ||
	    (fz->nfiles && !fz->files))
		return false;
	for (size_t i = 0; i < fz->nfiles; i++)
		if (!fz->files[i].name || !*fz->files[i].name ||
		    !fz->files[i].label ||
		    (fz->files[i].len && !fz->files[i].data) ||
		    fz->files[i].len > FROZEN_FILE_MAX)
			return false;
	return true;
}

/* A CKPT_COLS row. */
static int read_checkpoint(sqlite3_stmt *s, void *rec)
{
	struct store_checkpoint *c = rec;
	int rc;

	memset(c, 0, sizeof(*c));
	c->seq = sqlite3_column_int64(s, 0);
	c->cp.auto_close = sqlite3_column_int(s, 2);
	c->cp.health.uptime_s = sqlite3_column_int64(s, 3);
	c->cp.health.untrusted = sqlite3_column_int64(s, 4);
	c->cp.health.reader_errors = sqlite3_column_int64(s, 5);
	c->cp.health.disk_free_bytes = sqlite3_column_int64(s, 6);
	if ((rc = store_col_text(s, 1, c->cp.month, sizeof(c->cp.month))) ||
	    (rc = store_col_text(s, 7, c->by, sizeof(c->by))) ||
	    (rc = store_col_text(s, 9, c->desa_id, sizeof(c->desa_id))) ||
	    (rc = store_col_text(s, 10, c->desa_name, sizeof(c->desa_name))) ||
	    (rc = store_col_text(s, 11, c->kecamatan, sizeof(c->kecamatan))) ||
	    (rc = store_col_text(s, 12, c->software, sizeof(c->software))) ||
	    (rc = store_col_text(s, 13, c->calendar_set,
				 sizeof(c->calendar_set))))
		return rc;
	return 0;
}

static int latest(struct store *st, struct store_checkpoint *c)
{
	return store_row_get(st, store_stmt(st, S_CKPT_LATEST), read_checkpoint,
			     c, "checkpoint latest");
}

static int by_month(struct store *st, const char *month,
		    struct store_checkpoint *c)
{
	sqlite3_stmt *s = store_stmt(st, S_CKPT_BY_MONTH);

	store_bind_text(s, 1, month);
	return store_row_get(st, s, read_checkpoint, c, "checkpoint get");
}

static int insert_frozen(struct store *st, int64_t seq,
			 const struct store_frozen *fz)
{
	for (size_t i = 0; i < fz->nfiles; i++) {
		const struct store_frozen_file *f = &fz->files[i];
		sqlite3_stmt *s = store_stmt(st, S_CKPT_FILE_INS);
		int rc;

		sqlite3_bind_int64(s, 1, seq);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		store_bind_text(s, 3, f->name);
		store_bind_text(s, 4, f->label);
		sqlite3_bind_blob(s, 5, f->len ? f->data : "", (int)f->len,
				  SQLITE_STATIC);
		rc = store_exec(st, s, "checkpoint file insert");
		if (rc)
			return rc;
	}
	return 0;
}

static int insert_checkpoint(struct store *st, int64_t seq,
			     const struct ledger_checkpoint *cp,
			     const struct store_frozen *fz,
			     const struct actor *by)
{
	sqlite3_stmt *s = store_stmt(st, S_CKPT_INS);

	sqlite3_bind_int64(s, 1, seq);
	store_bind_text(s, 2, cp->month);
	sqlite3_bind_int(s, 3, cp->auto_close);
	sqlite3_bind_int64(s, 4, cp->health.uptime_s);
	sqlite3_bind_int64(s, 5, cp->health.untrusted);
	sqlite3_bind_int64(s, 6, cp->health.reader_errors);
	sqlite3_bind_int64(s, 7, cp->health.disk_free_bytes);
	store_bind_text(s, 8, by->name);
	store_bind_uid(s, 9, by->uid);
	store_bind_text(s, 10, fz->desa_id);
	store_bind_text(s, 11, fz->desa_name);
	store_bind_text(s, 12, fz->kecamatan);
	store_bind_text(s, 13, fz->software);
	store_bind_text(s, 14, fz->calendar_set);
	return store_exec(st, s, "checkpoint insert");
}

int store_checkpoint_add(struct store *st, const struct ledger_checkpoint *cp,
			 const struct store_frozen *fz, const struct actor *by,
			 int64_t now_utc, int64_t *seq_out)
{
	char data[LEDGER_DATA_MAX];
	struct store_checkpoint *last;
	int64_t seq = 0;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!store_actor_ok(by) || !frozen_ok(fz) || !month_form_ok(cp->month))
		return -EINVAL;
	rc = ledger_checkpoint_data(LEDGER_FORMAT, cp, by, data);
	if (rc)
		return rc;
	last = malloc(sizeof(*last));
	if (!last)
		return -ENOMEM;
	rc = store_tx_begin(st);
	if (rc) {
		free(last);
		return rc;
	}
	/* inside the write lock: no one closes a month meanwhile */
	rc = latest(st, last);
	if (rc == 0) {
		int cmp = strcmp(cp->month, last->cp.month);

		if (cmp == 0 || by_month(st, cp->month, last) == 0)
			rc = -EEXIST;
		else if (cmp < 0)
			rc = -EINVAL; /* a later month is closed already */
	} else if (rc == -ENOENT) {
		rc = 0;
	}
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_CHECKPOINT, now_utc, "",
					 now_utc, data, &seq);
	if (rc == 0)
		rc = insert_checkpoint(st, seq, cp, fz, by);
	if (rc == 0)
		rc = insert_frozen(st, seq, fz);
	if (rc == 0 && cp->health.reader_errors) {
		sqlite3_stmt *s = store_stmt(st, S_COUNTER_ADD);

		store_bind_text(s, 1, STORE_COUNTER_READER_ERRORS);
		sqlite3_bind_int64(s, 2, -cp->health.reader_errors);
		rc = store_exec(st, s, "reader errors counter");
	}
	free(last);
	rc = store_tx_end(st, rc);
	if (rc == 0)
		*seq_out = seq;
	return rc;
}

int store_month_closed(struct store *st, const char *month, bool *closed)
{
	struct store_checkpoint *c;
	int rc;

	if (!month_form_ok(month))
		return -EINVAL;
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = by_month(st, month, c);
	free(c);
	if (rc == 0 || rc == -ENOENT) {
		*closed = rc == 0;
		rc = 0;
	}
	return rc;
}

int store_month_latest_closed(struct store *st, char month[LEDGER_MONTH_LEN],
			      int64_t *seq)
{
	struct store_checkpoint *c = malloc(sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	rc = latest(st, c);
	if (rc == 0) {
		memcpy(month, c->cp.month, LEDGER_MONTH_LEN);
		*seq = c->seq;
	}
	free(c);
	return rc;
}

int store_checkpoint_get(struct store *st, const char *month,
			 struct store_checkpoint *out)
{
	sqlite3_stmt *s;
	int rc;

	if (!month_form_ok(month))
		return -EINVAL;
	rc = by_month(st, month, out);
	if (rc)
		return rc;
	s = store_stmt(st, S_CKPT_PREV);
	sqlite3_bind_int64(s, 1, out->seq);
	rc = store_row_get(st, s, store_read_int64, &out->prev_seq,
			   "checkpoint before");
	if (rc == 0) {
		struct ledger_row r;

		/* the row's own time: when the month was closed */
		s = store_stmt(st, S_LEDGER_RANGE);
		sqlite3_bind_int64(s, 1, out->seq);
		sqlite3_bind_int64(s, 2, out->seq);
		rc = store_row_get(st, s, store_ledger_row_read, &r,
				   "checkpoint row");
		if (rc == 0)
			out->at_utc = r.at_utc;
		else if (rc == -ENOENT) {
			log_warnx("store: checkpoint %s has no ledger row",
				  month);
			rc = -EIO;
		}
	}
	return rc;
}

/* An S_CKPT_FILES row: pointers into the row. */
struct frozen_row {
	const char *name, *label;
	const void *data;
	size_t len;
};

static int read_frozen(sqlite3_stmt *s, void *rec)
{
	struct frozen_row *f = rec;

	f->name = store_col_str(s, 0);
	f->label = store_col_str(s, 1);
	f->data = sqlite3_column_blob(s, 2);
	f->len = (size_t)sqlite3_column_bytes(s, 2);
	return 0;
}

struct frozen_each {
	store_frozen_file_fn *fn;
	void *ud;
};

static int emit_frozen(void *ctx, const void *rec)
{
	const struct frozen_each *c = ctx;
	const struct frozen_row *f = rec;

	return c->fn(c->ud, f->name, f->label, f->data ? f->data : "", f->len);
}

int store_checkpoint_files(struct store *st, int64_t seq,
			   store_frozen_file_fn *fn, void *ud)
{
	struct frozen_each c = {fn, ud};
	struct frozen_row f;
	sqlite3_stmt *s = store_stmt(st, S_CKPT_FILES);

	sqlite3_bind_int64(s, 1, seq);
	return store_rows_each(st, s, read_frozen, &f, emit_frozen, &c,
			       "checkpoint files");
}
