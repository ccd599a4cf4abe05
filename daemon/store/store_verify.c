/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_verify.c: store_chain_verify.  Walks the whole ledger in one read
 * snapshot, recomputing every hash and re-encoding each row from its
 * side-table row with the row's own format version, then looks for side
 * rows that no ledger row owns, and holds every stored print against its
 * "print enrol" row.  Names the first broken row and why.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* What a row's side table says it should be: person, at_utc and data. */
struct expect {
	int fmt; /* the ledger row's format: encode as it was written */
	char person[PD_ID_MAX];
	int64_t at_utc;
	char data[LEDGER_DATA_MAX];
};

/* Reads the side row of ledger row seq with the by-seq statement id, as
 * store_row_get: 0, read's result, -ENOENT, -EIO. */
static int lookup(struct store *st, enum stmt_id id, int64_t seq,
		  store_row_read_fn *read, void *rec)
{
	sqlite3_stmt *s = store_stmt(st, id);

	sqlite3_bind_int64(s, 1, seq);
	return store_row_get(st, s, read, rec, "verify lookup");
}

/* A side row's check while the statement is on it: its strings are
 * encoded into x->data straight from the row. */
struct side {
	struct expect *x;
	char *why; /* a reason when the row is bad, cap bytes */
	size_t cap;
};

static int expect_punch(struct store *st, int64_t seq, struct expect *x)
{
	struct punch p;
	int rc = lookup(st, S_PUNCH_BY_SEQ, seq, store_punch_read, &p);

	if (rc != 0)
		return rc;
	strcpy(x->person, p.person);
	x->at_utc = p.at_utc;
	return ledger_punch_data(x->fmt, &p, x->data);
}

/* An S_PERIOD_BY_OPEN or S_PERIOD_BY_CLOSE row. */
struct period_side {
	char person[PD_ID_MAX];
	pd_day_t day; /* since or until */
	char by[PD_NAME_MAX];
	int64_t uid;
};

static int read_period_side(sqlite3_stmt *s, void *rec)
{
	struct period_side *p = rec;
	int rc;

	rc = store_col_text(s, 0, p->person, sizeof(p->person));
	p->day = sqlite3_column_int(s, 1);
	if (rc == 0)
		rc = store_col_text(s, 2, p->by, sizeof(p->by));
	p->uid = store_col_uid(s, 3);
	return rc;
}

static int expect_person(struct store *st, const struct ledger_row *r,
			 struct expect *x)
{
	char action[16], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	struct period_side p;
	bool close;
	int64_t created;
	int rc;

	if (ledger_data_get(r->data, "action", action, sizeof(action)) != 0)
		return -ENOENT;
	close = strcmp(action, "deactivate") == 0;
	if (!close && strcmp(action, "add") != 0 &&
	    strcmp(action, "reactivate") != 0)
		return -ENOENT;
	rc = lookup(st, close ? S_PERIOD_BY_CLOSE : S_PERIOD_BY_OPEN, r->seq,
		    read_period_side, &p);
	if (rc != 0)
		return rc;
	strcpy(x->person, p.person);
	rc = store_person_names(st, x->person, name, jab, &created);
	if (rc != 0)
		return rc;
	/* The people row belongs to the "add" row and no other. */
	if ((strcmp(action, "add") == 0) != (created == r->seq))
		return -ENOENT;
	x->at_utc = 0;
	return ledger_person_data(x->fmt, action, name, jab,
				  close ? "until" : "since", p.day,
				  ACTOR(p.by, p.uid), x->data);
}

/* S_PROFILE_BY_SEQ: from_day, version, name, text, by, uid, retro_on,
 * retro_reason (NULL unless retroactive). */
static int read_profile_side(sqlite3_stmt *s, void *rec)
{
	const struct side *c = rec;
	pd_day_t on = sqlite3_column_type(s, 6) == SQLITE_NULL
			      ? PD_DAY_OPEN
			      : sqlite3_column_int(s, 6);
	int rc;

	rc = ledger_profile_data(
		c->x->fmt, sqlite3_column_int(s, 0), store_col_str(s, 1),
		store_col_str(s, 2),
		ACTOR(store_col_str(s, 4), store_col_uid(s, 5)), on,
		store_col_str(s, 7), c->x->data);
	if (rc == 0 &&
	    store_file_check(store_col_str(s, 1), store_col_str(s, 2),
			     store_col_str(s, 3), store_col_str(s, 4)) != 0) {
		snprintf(c->why, c->cap,
			 "profile text does not match its version");
		rc = -EBADMSG;
	}
	return rc;
}

static int expect_profile(struct store *st, int64_t seq, struct expect *x,
			  char *why, size_t cap)
{
	struct side c = {x, why, cap};

	x->person[0] = '\0';
	x->at_utc = 0;
	return lookup(st, S_PROFILE_BY_SEQ, seq, read_profile_side, &c);
}

/* S_CAL_BY_SEQ: version, name, text, by, uid. */
static int read_calendar_side(sqlite3_stmt *s, void *rec)
{
	const struct side *c = rec;
	int rc;

	rc = ledger_calendar_data(
		c->x->fmt, store_col_str(s, 0), store_col_str(s, 1),
		ACTOR(store_col_str(s, 3), store_col_uid(s, 4)), c->x->data);
	if (rc == 0 &&
	    store_file_check(store_col_str(s, 0), store_col_str(s, 1),
			     store_col_str(s, 2), store_col_str(s, 3)) != 0) {
		snprintf(c->why, c->cap,
			 "calendar text does not match its version");
		rc = -EBADMSG;
	}
	return rc;
}

/* S_CALDAY_BY_SEQ: day, kind, name, by, uid, action, reason. */
static int read_calday_side(sqlite3_stmt *s, void *rec)
{
	const struct side *c = rec;

	if (strcmp(store_col_str(s, 5), STORE_DAY_REMOVE) == 0)
		return ledger_calremove_data(
			c->x->fmt, sqlite3_column_int(s, 0),
			store_col_str(s, 6),
			ACTOR(store_col_str(s, 3), store_col_uid(s, 4)),
			c->x->data);
	return ledger_calday_data(
		c->x->fmt, sqlite3_column_int(s, 0), store_col_str(s, 1),
		store_col_str(s, 2),
		ACTOR(store_col_str(s, 3), store_col_uid(s, 4)), c->x->data);
}

static int expect_calendar(struct store *st, const struct ledger_row *r,
			   struct expect *x, char *why, size_t cap)
{
	struct side c = {x, why, cap};
	char action[16];

	x->person[0] = '\0';
	x->at_utc = 0;
	if (ledger_data_get(r->data, "action", action, sizeof(action)) != 0)
		return -ENOENT;
	if (strcmp(action, "import") == 0)
		return lookup(st, S_CAL_BY_SEQ, r->seq, read_calendar_side, &c);
	if (strcmp(action, STORE_DAY_ADD) != 0 &&
	    strcmp(action, STORE_DAY_REMOVE) != 0)
		return -ENOENT;
	/* the side row's own action must match: re-encoding it gives
	 * another action's data otherwise */
	return lookup(st, S_CALDAY_BY_SEQ, r->seq, read_calday_side, &c);
}

static int expect_excuse(struct store *st, const struct ledger_row *r,
			 struct expect *x)
{
	char revoke_by[PD_NAME_MAX];
	int64_t revoke_uid = ACTOR_UID_NONE;
	struct excuse e = {0};
	int64_t rseq = 0;
	bool revoke = strcmp(r->kind, LEDGER_REVOKE) == 0;
	int rc;

	rc = store_excuse_find(st,
			       revoke ? S_EXCUSE_BY_REVOKE : S_EXCUSE_BY_SEQ,
			       r->seq, &e, &rseq, revoke_by, &revoke_uid);
	if (rc != 0)
		return rc;
	strcpy(x->person, e.person);
	x->at_utc = 0;
	if (revoke)
		return ledger_revoke_data(x->fmt, e.id, e.revoke_reason,
					  ACTOR(revoke_by, revoke_uid),
					  x->data);
	return ledger_excuse_data(x->fmt, &e, x->data);
}

/* A CKPT_COLS row re-encoded: month, auto, the health figures, by, uid. */
static int read_checkpoint_side(sqlite3_stmt *s, void *rec)
{
	struct expect *x = rec;
	struct ledger_checkpoint cp;

	memset(&cp, 0, sizeof(cp));
	if (store_col_text(s, 1, cp.month, sizeof(cp.month)) != 0)
		return -EINVAL;
	cp.auto_close = sqlite3_column_int(s, 2);
	cp.health.uptime_s = sqlite3_column_int64(s, 3);
	cp.health.untrusted = sqlite3_column_int64(s, 4);
	cp.health.reader_errors = sqlite3_column_int64(s, 5);
	cp.health.disk_free_bytes = sqlite3_column_int64(s, 6);
	return ledger_checkpoint_data(
		x->fmt, &cp, ACTOR(store_col_str(s, 7), store_col_uid(s, 8)),
		x->data);
}

static int expect_checkpoint(struct store *st, const struct ledger_row *r,
			     struct expect *x)
{
	x->person[0] = '\0';
	x->at_utc = r->at_utc; /* the side row does not repeat the time */
	return lookup(st, S_CKPT_BY_SEQ, r->seq, read_checkpoint_side, x);
}

/* S_PRINT_FACT_BY_SEQ: print, person, action, finger, model, consent,
 * reason, by, uid. */
static int read_print_side(sqlite3_stmt *s, void *rec)
{
	const struct side *c = rec;
	const char *action = store_col_str(s, 2);
	int rc;

	rc = store_col_text(s, 1, c->x->person, sizeof(c->x->person));
	if (rc != 0)
		return rc;
	return ledger_print_data(
		c->x->fmt, action, sqlite3_column_int64(s, 0),
		store_col_str(s, 3), store_col_str(s, 4),
		store_col_str(s, strcmp(action, "enrol") == 0 ? 5 : 6),
		ACTOR(store_col_str(s, 7), store_col_uid(s, 8)), c->x->data);
}

static int expect_print(struct store *st, int64_t seq, struct expect *x,
			char *why, size_t cap)
{
	struct side c = {x, why, cap};

	x->at_utc = 0;
	return lookup(st, S_PRINT_FACT_BY_SEQ, seq, read_print_side, &c);
}

/* Checks one row against its side table.  0, -EBADMSG (why filled), or a
 * database error. */
static int verify_side(struct store *st, const struct ledger_row *r, char *why,
		       size_t cap)
{
	struct expect x;
	int rc;

	memset(&x, 0, sizeof(x));
	why[0] = '\0';
	rc = ledger_data_format(r->data, &x.fmt);
	if (rc != 0) {
		snprintf(why, cap,
			 rc == -ENOTSUP
				 ? "row format is newer than this program"
				 : "row format version is malformed");
		return -EBADMSG;
	}
	if (strcmp(r->kind, LEDGER_PUNCH) == 0)
		rc = expect_punch(st, r->seq, &x);
	else if (strcmp(r->kind, LEDGER_PERSON) == 0)
		rc = expect_person(st, r, &x);
	else if (strcmp(r->kind, LEDGER_PROFILE) == 0)
		rc = expect_profile(st, r->seq, &x, why, cap);
	else if (strcmp(r->kind, LEDGER_CALENDAR) == 0)
		rc = expect_calendar(st, r, &x, why, cap);
	else if (strcmp(r->kind, LEDGER_EXCUSE) == 0 ||
		 strcmp(r->kind, LEDGER_REVOKE) == 0)
		rc = expect_excuse(st, r, &x);
	else if (strcmp(r->kind, LEDGER_PRINT) == 0)
		rc = expect_print(st, r->seq, &x, why, cap);
	else if (strcmp(r->kind, LEDGER_CHECKPOINT) == 0)
		rc = expect_checkpoint(st, r, &x);
	else {
		snprintf(why, cap, "unknown kind \"%s\"", r->kind);
		return -EBADMSG;
	}
	if (rc == -ENOENT) {
		snprintf(why, cap, "%s row has no matching side-table row",
			 r->kind);
		return -EBADMSG;
	}
	if (rc == -EINVAL) { /* side row no longer forms a valid row */
		snprintf(why, cap, "%s side-table row is malformed", r->kind);
		return -EBADMSG;
	}
	if (rc != 0) {
		if (rc == -EBADMSG && !why[0])
			snprintf(why, cap, "%s side-table row is malformed",
				 r->kind);
		return rc;
	}
	if (strcmp(x.person, r->person) != 0 || x.at_utc != r->at_utc ||
	    strcmp(x.data, r->data) != 0) {
		snprintf(why, cap,
			 "%s side-table row differs from the ledger row",
			 r->kind);
		return -EBADMSG;
	}
	return 0;
}

/* A ledger row as the walk sees it: read_rc keeps a row with an oversized
 * field in the walk, so that it is named as broken, not as an I/O error. */
struct walk_row {
	struct ledger_row r;
	int read_rc; /* store_ledger_row_read's result */
};

static int read_walk_row(sqlite3_stmt *s, void *rec)
{
	struct walk_row *w = rec;

	w->read_rc = store_ledger_row_read(s, &w->r);
	return 0;
}

/* The walk so far: rows intact and the hash the next row must link to. */
struct walk {
	struct store *st;
	char prev[PD_HASH_HEX];
	int64_t n;
	int64_t *bad_seq;
	char *why;
	size_t cap;
};

static int check_row(void *ctx, const void *rec)
{
	struct walk *w = ctx;
	const struct walk_row *row = rec;
	const struct ledger_row *r = &row->r;
	int rc;

	if (row->read_rc == -EIO) {
		*w->bad_seq = r->seq;
		snprintf(w->why, w->cap, "row has an oversized field");
		return -EBADMSG;
	}
	if (r->seq != w->n + 1) {
		*w->bad_seq = w->n + 1;
		snprintf(w->why, w->cap,
			 "row missing (next row is %" PRId64 ")", r->seq);
		return -EBADMSG;
	}
	if (strcmp(r->prev_hash, w->prev) != 0) {
		*w->bad_seq = r->seq;
		snprintf(w->why, w->cap,
			 "prev_hash does not link to row "
			 "%" PRId64,
			 w->n);
		return -EBADMSG;
	}
	if (ledger_check(r) != 0) {
		*w->bad_seq = r->seq;
		snprintf(w->why, w->cap, "hash does not match the row");
		return -EBADMSG;
	}
	rc = verify_side(w->st, r, w->why, w->cap);
	if (rc != 0) {
		*w->bad_seq = r->seq;
		return rc;
	}
	memcpy(w->prev, r->hash, sizeof(w->prev));
	w->n++;
	return 0;
}

static int verify_walk(struct store *st, int64_t *rows, int64_t *bad_seq,
		       char *why, size_t cap)
{
	struct walk w = {st, LEDGER_HASH_ZERO, 0, bad_seq, why, cap};
	sqlite3_stmt *s = store_stmt(st, S_LEDGER_RANGE);
	struct walk_row row;
	int rc;

	sqlite3_bind_int64(s, 1, INT64_MIN);
	sqlite3_bind_int64(s, 2, INT64_MAX);
	rc = store_rows_each(st, s, read_walk_row, &row, check_row, &w,
			     "verify");
	*rows = w.n;
	return rc;
}

/* Where S_ORPHANS's answer goes. */
struct orphan {
	int64_t *bad_seq;
	char *why;
	size_t cap;
};

/* The first orphan's seq and table, or NULL when there is none. */
static int read_orphan(sqlite3_stmt *s, void *rec)
{
	const struct orphan *o = rec;

	if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		return 0;
	*o->bad_seq = sqlite3_column_int64(s, 0);
	snprintf(o->why, o->cap, "%s side-table row has no ledger row",
		 store_col_str(s, 1));
	return -EBADMSG;
}

static int verify_orphans(struct store *st, int64_t *bad_seq, char *why,
			  size_t cap)
{
	struct orphan o = {bad_seq, why, cap};

	/* min() without GROUP BY always answers one row: never -ENOENT */
	return store_row_get(st, store_stmt(st, S_ORPHANS), read_orphan, &o,
			     "verify side tables");
}

/* The first prints row that its "print enrol" row does not vouch for. */
static int read_unbound(sqlite3_stmt *s, void *rec)
{
	const struct orphan *o = rec;
	int64_t id = sqlite3_column_int64(s, 0);
	const char *person = store_col_str(s, 1);

	if (sqlite3_column_type(s, 2) == SQLITE_NULL) {
		*o->bad_seq = 0;
		snprintf(o->why, o->cap,
			 "print %" PRId64 " (person %s) has no print enrol "
			 "row in the ledger",
			 id, person);
		return -EBADMSG;
	}
	*o->bad_seq = sqlite3_column_int64(s, 2);
	if (!sqlite3_column_int(s, 4)) {
		snprintf(o->why, o->cap,
			 "print %" PRId64 ": the prints row (person %s) "
			 "differs from its print enrol row (person %s)",
			 id, person, store_col_str(s, 3));
		return -EBADMSG;
	}
	if (sqlite3_column_int64(s, 5)) {
		*o->bad_seq = sqlite3_column_int64(s, 5);
		snprintf(o->why, o->cap,
			 "print %" PRId64 " (person %s) was deleted in the "
			 "ledger but is still stored",
			 id, person);
		return -EBADMSG;
	}
	return 0;
}

static int no_emit(void *ctx, const void *rec)
{
	(void)ctx;
	(void)rec;
	return 0;
}

/* Every prints row against its latest "print enrol" row: person, finger
 * and model the same, and no later "print delete". */
static int verify_prints(struct store *st, int64_t *bad_seq, char *why,
			 size_t cap)
{
	struct orphan o = {bad_seq, why, cap};

	return store_rows_each(st, store_stmt(st, S_PRINT_UNBOUND),
			       read_unbound, &o, no_emit, NULL,
			       "verify prints");
}

int store_chain_verify(struct store *st, int64_t *rows, int64_t *bad_seq,
		       char *why, size_t why_cap)
{
	char reason[160] = "";
	int64_t n = 0, bad = 0;
	int rc;

	/* One read transaction: a consistent snapshot while the daemon
	 * keeps writing. */
	rc = store_exec(st, store_stmt(st, S_BEGIN_READ), "verify begin");
	if (rc != 0)
		return rc;
	rc = verify_walk(st, &n, &bad, reason, sizeof(reason));
	if (rc == 0)
		rc = verify_orphans(st, &bad, reason, sizeof(reason));
	if (rc == 0)
		rc = verify_prints(st, &bad, reason, sizeof(reason));
	{
		sqlite3_stmt *s = store_stmt(st, S_COMMIT);

		(void)sqlite3_step(s); /* ends a read-only snapshot */
		store_stmt_done(s);
	}
	if (rows)
		*rows = n;
	if (rc == -EBADMSG) {
		log_warnx("store: ledger broken at seq %" PRId64 ": %s", bad,
			  reason);
		if (bad_seq)
			*bad_seq = bad;
		if (why && why_cap)
			snprintf(why, why_cap, "%s", reason);
	}
	return rc;
}
