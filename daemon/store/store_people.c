/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_people.c: people and their employment periods.  A person is added,
 * deactivated (prints deleted, UU 27/2022: store_prints.c) and reactivated
 * with a ledger row of kind "person" each.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* ---- people ---- */

/* Reads PERSON_COLS into a struct person. */
static int read_person(sqlite3_stmt *s, void *rec)
{
	struct person *p = rec;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = store_col_text(s, 0, p->id, sizeof(p->id))) ||
	    (rc = store_col_text(s, 1, p->name, sizeof(p->name))) ||
	    (rc = store_col_text(s, 2, p->jabatan, sizeof(p->jabatan))))
		return rc;
	p->since = sqlite3_column_int(s, 3);
	p->until = sqlite3_column_int(s, 4);
	p->nprints = sqlite3_column_int(s, 5);
	return 0;
}

/* A person's latest period (S_PERIOD_LAST). */
struct last_period {
	int64_t pid; /* periods.id */
	pd_day_t since;
	pd_day_t until;
};

static int read_last_period(sqlite3_stmt *s, void *rec)
{
	struct last_period *lp = rec;

	lp->pid = sqlite3_column_int64(s, 0);
	lp->since = sqlite3_column_int(s, 1);
	lp->until = sqlite3_column_int(s, 2);
	return 0;
}

int store_period_latest(struct store *st, const char *id, int64_t *pid,
			pd_day_t *since, pd_day_t *until)
{
	sqlite3_stmt *s = store_stmt(st, S_PERIOD_LAST);
	struct last_period lp;
	int rc;

	store_bind_text(s, 1, id);
	rc = store_row_get(st, s, read_last_period, &lp, "last period");
	if (rc == 0) {
		*pid = lp.pid;
		*since = lp.since;
		*until = lp.until;
	}
	return rc;
}

/* Where S_PERSON_NAME's columns go: the caller's buffers. */
struct person_names {
	char *name;	      /* PD_NAME_MAX bytes */
	char *jabatan;	      /* PD_JABATAN_MAX bytes */
	int64_t *created_seq; /* NULL if not wanted */
};

static int read_person_names(sqlite3_stmt *s, void *rec)
{
	const struct person_names *pn = rec;
	int rc;

	rc = store_col_text(s, 0, pn->name, PD_NAME_MAX);
	if (rc == 0)
		rc = store_col_text(s, 1, pn->jabatan, PD_JABATAN_MAX);
	if (pn->created_seq)
		*pn->created_seq = sqlite3_column_int64(s, 2);
	return rc;
}

int store_person_names(struct store *st, const char *id, char *name,
		       char *jabatan, int64_t *created_seq)
{
	struct person_names pn = {name, jabatan, created_seq};
	sqlite3_stmt *s = store_stmt(st, S_PERSON_NAME);

	store_bind_text(s, 1, id);
	return store_row_get(st, s, read_person_names, &pn, "person lookup");
}

static int period_open(struct store *st, const char *id, pd_day_t since,
		       int64_t seq, const struct actor *by)
{
	sqlite3_stmt *s = store_stmt(st, S_PERIOD_INS);

	store_bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, since);
	sqlite3_bind_int(s, 3, PD_DAY_OPEN);
	sqlite3_bind_int64(s, 4, seq);
	store_bind_text(s, 5, by->name);
	store_bind_uid(s, 6, by->uid);
	return store_exec(st, s, "period insert");
}

int store_person_add(struct store *st, const struct person *p, int64_t now_utc,
		     const struct actor *by)
{
	char data[LEDGER_DATA_MAX], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!store_id_ok(p->id) || !store_fits(p->name, PD_NAME_MAX) ||
	    !*p->name || !store_printable(p->name) ||
	    !store_fits(p->jabatan, PD_JABATAN_MAX) ||
	    !store_printable(p->jabatan) || !store_actor_ok(by) ||
	    p->since == PD_DAY_OPEN)
		return -EINVAL;
	rc = ledger_person_data(LEDGER_FORMAT, "add", p->name, p->jabatan,
				"since", p->since, by, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, p->id, name, jab, NULL);
	if (rc == 0)
		rc = -EEXIST;
	else if (rc == -ENOENT)
		rc = store_ledger_append(st, LEDGER_PERSON, now_utc, p->id, 0,
					 data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_PERSON_INS);
		store_bind_text(s, 1, p->id);
		store_bind_text(s, 2, p->name);
		store_bind_text(s, 3, p->jabatan);
		sqlite3_bind_int64(s, 4, seq);
		rc = store_exec(st, s, "person insert");
	}
	if (rc == 0)
		rc = period_open(st, p->id, p->since, seq, by);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "person.add", p->id,
					"");
	return store_tx_end(st, rc);
}

int store_person_deactivate(struct store *st, const char *id, pd_day_t until,
			    int64_t now_utc, const struct actor *by)
{
	char data[LEDGER_DATA_MAX], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	char detail[32];
	pd_day_t since, cur_until;
	int64_t pid, seq;
	sqlite3_stmt *s;
	int rc, n = 0;

	if (st->rdonly)
		return -EROFS;
	if (!store_id_ok(id) || !store_actor_ok(by) || until == PD_DAY_OPEN)
		return -EINVAL;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, id, name, jab, NULL);
	if (rc == 0)
		rc = store_period_latest(st, id, &pid, &since, &cur_until);
	if (rc == 0 && (cur_until != PD_DAY_OPEN || until < since))
		rc = -EINVAL;
	if (rc == 0)
		rc = ledger_person_data(LEDGER_FORMAT, "deactivate", name, jab,
					"until", until, by, data);
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_PERSON, now_utc, id, 0,
					 data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_PERIOD_CLOSE);
		sqlite3_bind_int(s, 1, until);
		sqlite3_bind_int64(s, 2, seq);
		store_bind_text(s, 3, by->name);
		store_bind_uid(s, 4, by->uid);
		sqlite3_bind_int64(s, 5, pid);
		rc = store_exec(st, s, "period close");
	}
	/* each print a "print delete" row of its own */
	if (rc == 0)
		rc = store_prints_delete_of(st, id, "person deactivated",
					    now_utc, by, &n);
	/* UU 27/2022: templates go with the person; the audit keeps only
	 * how many, never their bytes. */
	snprintf(detail, sizeof(detail), "count=%d", n);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "print.delete", id,
					detail);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "person.deactivate",
					id, "");
	rc = store_tx_end(st, rc);
	if (rc == 0)
		log_info("store: person %s deactivated, %d prints deleted", id,
			 n);
	return rc;
}

int store_person_reactivate(struct store *st, const char *id, pd_day_t since,
			    int64_t now_utc, const struct actor *by)
{
	char data[LEDGER_DATA_MAX], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	pd_day_t last_since, last_until;
	int64_t pid, seq;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!store_id_ok(id) || !store_actor_ok(by) || since == PD_DAY_OPEN)
		return -EINVAL;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, id, name, jab, NULL);
	if (rc == 0)
		rc = store_period_latest(st, id, &pid, &last_since,
					 &last_until);
	/* Periods never overlap: the new one starts after the last ends. */
	if (rc == 0 && (last_until == PD_DAY_OPEN || since <= last_until))
		rc = -EINVAL;
	if (rc == 0)
		rc = ledger_person_data(LEDGER_FORMAT, "reactivate", name, jab,
					"since", since, by, data);
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_PERSON, now_utc, id, 0,
					 data, &seq);
	if (rc == 0)
		rc = period_open(st, id, since, seq, by);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "person.reactivate",
					id, "");
	return store_tx_end(st, rc);
}

int store_person_get(struct store *st, const char *id, struct person *out)
{
	sqlite3_stmt *s = store_stmt(st, S_PERSON_GET);
	struct person p;
	int rc;

	store_bind_text(s, 1, id);
	rc = store_row_get(st, s, read_person, &p, "person get");
	if (rc == 0)
		*out = p;
	return rc;
}

/* The caller's callback for store_person_each, typed. */
struct person_each {
	store_person_fn *fn;
	void *ud;
};

static int emit_person(void *ctx, const void *rec)
{
	const struct person_each *c = ctx;

	return c->fn(c->ud, rec);
}

int store_person_each(struct store *st, store_person_fn *fn, void *ud)
{
	struct person_each c = {fn, ud};
	struct person p;

	return store_rows_each(st, store_stmt(st, S_PERSON_ALL), read_person,
			       &p, emit_person, &c, "person list");
}

static int read_period(sqlite3_stmt *s, void *rec)
{
	struct period *p = rec;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = store_col_text(s, 0, p->person, sizeof(p->person));
	p->since = sqlite3_column_int(s, 1);
	p->until = sqlite3_column_int(s, 2);
	return rc;
}

struct period_each {
	store_period_fn *fn;
	void *ud;
};

static int emit_period(void *ctx, const void *rec)
{
	const struct period_each *c = ctx;

	return c->fn(c->ud, rec);
}

int store_period_each(struct store *st, store_period_fn *fn, void *ud)
{
	struct period_each c = {fn, ud};
	struct period p;

	return store_rows_each(st, store_stmt(st, S_PERIOD_ALL), read_period,
			       &p, emit_period, &c, "period list");
}
