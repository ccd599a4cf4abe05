/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_subject.c: everything the store holds about one person, for their
 * right of access (UU 27/2022, DOMAIN §6.5): the person, their periods,
 * the prints enrolled now (metadata only: a template never leaves
 * store_prints.c), their consent and enrolment facts, punches, excuses
 * and the audit records about them, all in one read snapshot.
 */
#include "store_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* The caller's callbacks, and the person whose records are walked. */
struct subject {
	const char *id;
	const struct store_subject_fns *fns;
	void *ud;
};

static int emit_period(void *ud, const struct period *p)
{
	const struct subject *s = ud;

	return strcmp(p->person, s->id) == 0 ? s->fns->period(s->ud, p) : 0;
}

/* S_PRINT_OF_PERSON: id, person, finger, model, created_utc. */
static int read_print(sqlite3_stmt *s, void *rec)
{
	struct print_rec *r = rec;
	int rc;

	memset(r, 0, sizeof(*r));
	r->key = sqlite3_column_int64(s, 0);
	if ((rc = store_col_text(s, 1, r->person, sizeof(r->person))) ||
	    (rc = store_col_text(s, 2, r->finger, sizeof(r->finger))) ||
	    (rc = store_col_text(s, 3, r->model, sizeof(r->model))))
		return rc;
	r->created_utc = sqlite3_column_int64(s, 4);
	return 0;
}

static int emit_print(void *ctx, const void *rec)
{
	const struct subject *s = ctx;

	return s->fns->print(s->ud, rec);
}

/* S_PRINT_FACT_OF_PERSON: seq, recorded_utc, print, action, finger,
 * model, consent, reason, by, uid. */
static int read_fact(sqlite3_stmt *s, void *rec)
{
	struct store_print_fact *f = rec;
	int rc;

	memset(f, 0, sizeof(*f));
	f->seq = sqlite3_column_int64(s, 0);
	f->recorded_utc = sqlite3_column_int64(s, 1);
	f->print = sqlite3_column_int64(s, 2);
	if ((rc = store_col_text(s, 3, f->action, sizeof(f->action))) ||
	    (rc = store_col_text(s, 4, f->finger, sizeof(f->finger))) ||
	    (rc = store_col_text(s, 5, f->model, sizeof(f->model))) ||
	    (rc = store_col_text(s, 6, f->consent, sizeof(f->consent))) ||
	    (rc = store_col_text(s, 7, f->reason, sizeof(f->reason))) ||
	    (rc = store_col_text(s, 8, f->by, sizeof(f->by))))
		return rc;
	f->uid = store_col_uid(s, 9);
	return 0;
}

static int emit_fact(void *ctx, const void *rec)
{
	const struct subject *s = ctx;

	return s->fns->print_fact(s->ud, rec);
}

/* S_AUDIT_OF_SUBJECT: at_utc, actor, uid, action, detail. */
static int read_audit(sqlite3_stmt *s, void *rec)
{
	struct store_audit_rec *a = rec;
	int rc;

	memset(a, 0, sizeof(*a));
	a->at_utc = sqlite3_column_int64(s, 0);
	a->uid = store_col_uid(s, 2);
	if ((rc = store_col_text(s, 1, a->actor, sizeof(a->actor))) ||
	    (rc = store_col_text(s, 3, a->action, sizeof(a->action))) ||
	    (rc = store_col_text(s, 4, a->detail, sizeof(a->detail))))
		return rc;
	return 0;
}

static int emit_audit(void *ctx, const void *rec)
{
	const struct subject *s = ctx;

	return s->fns->audit(s->ud, rec);
}

static int emit_punch(void *ud, const struct punch *p)
{
	const struct subject *s = ud;

	return s->fns->punch(s->ud, p);
}

static int emit_excuse(void *ud, const struct excuse *e)
{
	const struct subject *s = ud;

	return s->fns->excuse(s->ud, e);
}

/* Each kind in turn; the first non-zero ends the walk. */
static int walk(struct store *st, struct subject *sj)
{
	const struct store_subject_fns *fns = sj->fns;
	struct store_print_fact f;
	struct store_audit_rec a;
	struct print_rec r;
	sqlite3_stmt *s;
	int rc = 0;

	if (fns->period)
		rc = store_period_each(st, emit_period, sj);
	if (rc == 0 && fns->print) {
		s = store_stmt(st, S_PRINT_OF_PERSON);
		store_bind_text(s, 1, sj->id);
		rc = store_rows_each(st, s, read_print, &r, emit_print, sj,
				     "prints of a person");
	}
	if (rc == 0 && fns->print_fact) {
		s = store_stmt(st, S_PRINT_FACT_OF_PERSON);
		store_bind_text(s, 1, sj->id);
		rc = store_rows_each(st, s, read_fact, &f, emit_fact, sj,
				     "print facts of a person");
	}
	/* every day there is: a person's whole history */
	if (rc == 0 && fns->punch)
		rc = store_punch_each(st, INT32_MIN, INT32_MAX - 1, sj->id,
				      emit_punch, sj);
	if (rc == 0 && fns->excuse)
		rc = store_excuse_each(st, INT32_MIN, INT32_MAX - 1, sj->id,
				       emit_excuse, sj);
	if (rc == 0 && fns->audit) {
		s = store_stmt(st, S_AUDIT_OF_SUBJECT);
		store_bind_text(s, 1, sj->id);
		rc = store_rows_each(st, s, read_audit, &a, emit_audit, sj,
				     "audit of a person");
	}
	return rc;
}

int store_subject_each(struct store *st, const char *id, struct person *who,
		       const struct store_subject_fns *fns, void *ud)
{
	struct subject sj = {id, fns, ud};
	bool own_tx = sqlite3_get_autocommit(st->db);
	int rc;

	if (!store_id_ok(id))
		return -ENOENT;
	/* many statements, one snapshot, while the daemon keeps writing */
	if (own_tx) {
		rc = store_exec(st, store_stmt(st, S_BEGIN_READ),
				"subject begin");
		if (rc != 0)
			return rc;
	}
	rc = store_person_get(st, id, who);
	if (rc == 0)
		rc = walk(st, &sj);
	if (own_tx) {
		sqlite3_stmt *s = store_stmt(st, S_COMMIT);

		(void)sqlite3_step(s); /* ends a read-only snapshot */
		store_stmt_done(s);
	}
	return rc;
}
