/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_punch.c: punches, the raw facts of attendance.  Each is checked,
 * appended to the ledger (kind "punch") with its punches row and committed
 * before return; reports read them back whole, or lean from the covering
 * index punches_scan, and the bench's SQL yardstick aggregates them.
 */
#include "store_int.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define SECS_PER_DAY 86400 /* local_sec is in [0, SECS_PER_DAY) */

/* ---- punches ---- */

static int punch_check(const struct punch *p, int64_t now_utc)
{
	bool manual = p->flags & PUNCH_F_MANUAL;

	if (!store_id_ok(p->person) ||
	    (p->flags & ~(unsigned int)PUNCH_F_ALL) || p->local_sec < 0 ||
	    p->local_sec >= SECS_PER_DAY || p->local_day == PD_DAY_OPEN ||
	    !store_fits(p->source, sizeof(p->source)) ||
	    !store_fits(p->reader, sizeof(p->reader)) ||
	    !store_fits(p->clock, sizeof(p->clock)) ||
	    !store_fits(p->boot_id, sizeof(p->boot_id)) ||
	    !store_fits(p->reason, sizeof(p->reason)) ||
	    !store_fits(p->by, sizeof(p->by)))
		return -EINVAL;
	if (manual) {
		/* An admin's entry: says who and why, never in the future. */
		if (strcmp(p->source, "manual") != 0 || !*p->reason ||
		    !*p->by || p->at_utc > now_utc)
			return -EINVAL;
	} else if (strcmp(p->source, "reader") != 0 || *p->reason || *p->by) {
		return -EINVAL;
	}
	return 0;
}

int store_punch_add(struct store *st, struct punch *p, int64_t now_utc)
{
	char data[LEDGER_DATA_MAX], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	rc = punch_check(p, now_utc);
	if (rc == 0)
		rc = ledger_punch_data(LEDGER_FORMAT, p, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, p->person, name, jab, NULL);
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_PUNCH, now_utc, p->person,
					 p->at_utc, data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_PUNCH_INS);
		sqlite3_bind_int64(s, 1, seq);
		store_bind_text(s, 2, p->person);
		sqlite3_bind_int64(s, 3, p->at_utc);
		sqlite3_bind_int(s, 4, p->local_day);
		sqlite3_bind_int(s, 5, p->local_sec);
		sqlite3_bind_int(s, 6, (int)p->flags);
		store_bind_text(s, 7, p->source);
		store_bind_text(s, 8, p->reader);
		store_bind_text(s, 9, p->clock);
		store_bind_text(s, 10, p->boot_id);
		sqlite3_bind_int64(s, 11, (int64_t)p->mono_ms);
		store_bind_text(s, 12, p->reason);
		store_bind_text(s, 13, p->by);
		store_bind_uid(s, 14,
			       p->flags & PUNCH_F_MANUAL ? p->by_uid
							 : ACTOR_UID_NONE);
		rc = store_exec(st, s, "punch insert");
	}
	rc = store_tx_end(st, rc);
	if (rc == 0)
		p->seq = seq;
	return rc;
}

int store_punch_last_accepted(struct store *st, const char *person,
			      int64_t *at_utc)
{
	sqlite3_stmt *s = store_stmt(st, S_PUNCH_LAST);

	store_bind_text(s, 1, person);
	return store_row_get(st, s, store_read_int64, at_utc, "last punch");
}

/* Reads PUNCH_COLS into a struct punch. */
int store_punch_read(sqlite3_stmt *s, void *rec)
{
	struct punch *p = rec;
	int rc;

	memset(p, 0, sizeof(*p));
	p->seq = sqlite3_column_int64(s, 0);
	p->at_utc = sqlite3_column_int64(s, 2);
	p->local_day = sqlite3_column_int(s, 3);
	p->local_sec = sqlite3_column_int(s, 4);
	p->flags = (unsigned int)sqlite3_column_int(s, 5);
	p->mono_ms = (uint64_t)sqlite3_column_int64(s, 10);
	p->by_uid = store_col_uid(s, 13);
	if ((rc = store_col_text(s, 1, p->person, sizeof(p->person))) ||
	    (rc = store_col_text(s, 6, p->source, sizeof(p->source))) ||
	    (rc = store_col_text(s, 7, p->reader, sizeof(p->reader))) ||
	    (rc = store_col_text(s, 8, p->clock, sizeof(p->clock))) ||
	    (rc = store_col_text(s, 9, p->boot_id, sizeof(p->boot_id))) ||
	    (rc = store_col_text(s, 11, p->reason, sizeof(p->reason))) ||
	    (rc = store_col_text(s, 12, p->by, sizeof(p->by))))
		return rc;
	return 0;
}

struct punch_each {
	store_punch_fn *fn;
	void *ud;
};

static int emit_punch(void *ctx, const void *rec)
{
	const struct punch_each *c = ctx;

	return c->fn(c->ud, rec);
}

int store_punch_each(struct store *st, pd_day_t from_day, pd_day_t to_day,
		     const char *person, store_punch_fn *fn, void *ud)
{
	struct punch_each c = {fn, ud};
	sqlite3_stmt *s = store_stmt(st, S_PUNCH_RANGE);
	struct punch p;

	sqlite3_bind_int(s, 1, from_day);
	sqlite3_bind_int(s, 2, to_day);
	if (person)
		store_bind_text(s, 3, person);
	return store_rows_each(st, s, store_punch_read, &p, emit_punch, &c,
			       "punch list");
}

/* The person string handed to store_punch_scan's callback: two buffers
 * taken in turn, so a new person gets a new pointer while the previous
 * person's string stays intact until the new one's first punch. */
struct scan_ids {
	char buf[2][PD_ID_MAX];
	int last; /* buf[last] went to the callback last */
};

/* An S_PUNCH_SCAN row: what a verdict needs of one punch. */
struct scan_row {
	pd_day_t day;
	int32_t sec;
	unsigned int flags;
};

static int read_scan(sqlite3_stmt *s, void *rec)
{
	struct scan_row *r = rec;

	r->day = sqlite3_column_int(s, 0);
	r->sec = sqlite3_column_int(s, 1);
	r->flags = (unsigned int)sqlite3_column_int(s, 2);
	return 0;
}

struct scan_each {
	const char *person; /* the id bound to S_PUNCH_SCAN */
	const char *who;    /* what fn gets: person, or its copy in ids */
	struct scan_ids *ids;
	store_punch_scan_fn *fn;
	void *ud;
};

static int emit_scan(void *ctx, const void *rec)
{
	struct scan_each *c = ctx;
	const struct scan_row *r = rec;

	if (c->ids && c->who == c->person) {
		c->ids->last = !c->ids->last;
		memcpy(c->ids->buf[c->ids->last], c->person,
		       strlen(c->person) + 1);
		c->who = c->ids->buf[c->ids->last];
	}
	return c->fn(c->ud, c->who, r->day, r->sec, r->flags);
}

/* One person's punches of [from_day, to_day] from the covering index.
 * ids NULL: fn gets person itself (the caller's, stable); else a copy in
 * ids, made at the person's first punch. */
static int scan_person(struct store *st, const char *person, pd_day_t from_day,
		       pd_day_t to_day, struct scan_ids *ids,
		       store_punch_scan_fn *fn, void *ud)
{
	struct scan_each c = {person, person, ids, fn, ud};
	sqlite3_stmt *s = store_stmt(st, S_PUNCH_SCAN);
	struct scan_row r;

	sqlite3_bind_text(s, 1, person, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, from_day);
	sqlite3_bind_int(s, 3, to_day);
	return store_rows_each(st, s, read_scan, &r, emit_scan, &c,
			       "punch scan");
}

static int read_id(sqlite3_stmt *s, void *rec)
{
	return store_col_text(s, 0, rec, PD_ID_MAX);
}

/* Everyone: seek the next person id in the index, then that person's
 * range; two index seeks per person instead of a walk over all years. */
static int scan_everyone(struct store *st, pd_day_t from_day, pd_day_t to_day,
			 store_punch_scan_fn *fn, void *ud)
{
	struct scan_ids ids = {.last = 0};
	char key[PD_ID_MAX] = ""; /* "" sorts before every id; none is "" */
	int rc;

	for (;;) {
		sqlite3_stmt *s = store_stmt(st, S_PUNCH_NEXT_PERSON);

		store_bind_text(s, 1, key);
		rc = store_row_get(st, s, read_id, key, "punch scan person");
		if (rc == -ENOENT)
			return 0; /* no more people */
		if (rc != 0)
			return rc;
		rc = scan_person(st, key, from_day, to_day, &ids, fn, ud);
		if (rc != 0)
			return rc;
	}
}

int store_punch_scan(struct store *st, pd_day_t from_day, pd_day_t to_day,
		     const char *person, store_punch_scan_fn *fn, void *ud)
{
	bool own_tx = sqlite3_get_autocommit(st->db);
	int rc;

	/* Many statements, one snapshot, as store_punch_each's one statement
	 * has while the daemon keeps writing. */
	if (own_tx) {
		rc = store_exec(st, store_stmt(st, S_BEGIN_READ),
				"punch scan begin");
		if (rc != 0)
			return rc;
	}
	if (person)
		rc = scan_person(st, person, from_day, to_day, NULL, fn, ud);
	else
		rc = scan_everyone(st, from_day, to_day, fn, ud);
	if (own_tx) {
		sqlite3_stmt *s = store_stmt(st, S_COMMIT);

		(void)sqlite3_step(s); /* ends a read-only snapshot */
		store_stmt_done(s);
	}
	return rc;
}

/* ---- the bench's SQL yardstick ---- */

/* A row of store_punch_aggregate's query; person points into the row. */
struct aggregate_row {
	const char *person;
	uint32_t days;
	uint32_t late;
};

static int read_aggregate(sqlite3_stmt *s, void *rec)
{
	struct aggregate_row *r = rec;

	r->person = store_col_str(s, 0);
	r->days = (uint32_t)sqlite3_column_int(s, 1);
	r->late = (uint32_t)sqlite3_column_int(s, 2);
	return 0;
}

struct aggregate_each {
	store_aggregate_fn *fn;
	void *ud;
};

static int emit_aggregate(void *ctx, const void *rec)
{
	const struct aggregate_each *c = ctx;
	const struct aggregate_row *r = rec;

	return c->fn(c->ud, r->person, r->days, r->late);
}

int store_punch_aggregate(struct store *st, pd_day_t from_day, pd_day_t to_day,
			  int32_t late_after_sec, store_aggregate_fn *fn,
			  void *ud)
{
	/* A day is late when none of its punches is on time, so one
	 * GROUP BY person in the covering index's order, no sort: twice as
	 * fast as grouping by (person, day) first, then by person. */
	static const char sql[] =
		"SELECT person, COUNT(DISTINCT local_day),"
		" COUNT(DISTINCT local_day)"
		" - COUNT(DISTINCT CASE WHEN local_sec <= ?3"
		"   THEN local_day END)"
		" FROM punches INDEXED BY punches_scan"
		" WHERE local_day BETWEEN ?1 AND ?2 AND (flags & 1) = 0"
		" GROUP BY person ORDER BY person";
	struct aggregate_each c = {fn, ud};
	struct aggregate_row r;
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_db_fail(st, rc, "aggregate prepare");
	sqlite3_bind_int(s, 1, from_day);
	sqlite3_bind_int(s, 2, to_day);
	sqlite3_bind_int(s, 3, late_after_sec);
	rc = store_rows_each(st, s, read_aggregate, &r, emit_aggregate, &c,
			     "aggregate");
	sqlite3_finalize(s);
	return rc;
}
