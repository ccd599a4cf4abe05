/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_people.c: people, their employment periods and their prints.  A
 * person is added, deactivated (prints deleted, UU 27/2022) and
 * reactivated with a ledger row of kind "person" each; templates are
 * sealed with the store key before they reach the file and unsealed only
 * for the gallery.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"

#define PRINT_MAX (64 * 1024) /* largest template blob, bytes */

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

/* The person's latest period: its row id, since and until. */
static int last_period(struct store *st, const char *id, int64_t *pid,
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
		rc = last_period(st, id, &pid, &since, &cur_until);
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
	if (rc == 0) {
		s = store_stmt(st, S_PRINT_DEL);
		store_bind_text(s, 1, id);
		rc = store_exec(st, s, "print delete");
		n = sqlite3_changes(st->db);
	}
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
		rc = last_period(st, id, &pid, &last_since, &last_until);
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

/* ---- prints ---- */

int store_print_add(struct store *st, const struct print_rec *r,
		    const uint8_t *blob, size_t len, const struct actor *by,
		    int64_t now_utc, int64_t *key_out)
{
	char name[PD_NAME_MAX], jab[PD_JABATAN_MAX], detail[160];
	pd_day_t since, until;
	int64_t pid, key = 0;
	uint8_t *box;
	size_t box_len = len + CRYPTO_SEAL_OVERHEAD;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!st->has_key || !store_id_ok(r->person) ||
	    !store_fits(r->finger, PD_FINGER_MAX) || !*r->finger ||
	    !store_printable(r->finger) ||
	    !store_fits(r->model, PD_READER_MAX) ||
	    !store_printable(r->model) || len == 0 || len > PRINT_MAX ||
	    !store_actor_ok(by))
		return -EINVAL;
	box = calloc(1, box_len);
	if (!box)
		return -ENOMEM;
	rc = crypto_seal(st->key, blob, len, box, box_len);
	if (rc != 0)
		goto out;
	rc = store_tx_begin(st);
	if (rc != 0)
		goto out;
	rc = store_person_names(st, r->person, name, jab, NULL);
	if (rc == 0)
		rc = last_period(st, r->person, &pid, &since, &until);
	if (rc == 0 && until != PD_DAY_OPEN)
		rc = -EINVAL; /* only active people enrol */
	if (rc == 0) {
		s = store_stmt(st, S_PRINT_INS);
		store_bind_text(s, 1, r->person);
		store_bind_text(s, 2, r->finger);
		store_bind_text(s, 3, r->model);
		sqlite3_bind_int64(s, 4,
				   r->created_utc ? r->created_utc : now_utc);
		sqlite3_bind_blob(s, 5, box, (int)box_len, SQLITE_TRANSIENT);
		rc = store_exec(st, s, "print insert");
		key = sqlite3_last_insert_rowid(st->db);
	}
	/* Consent record: who enrolled which finger, when. */
	snprintf(detail, sizeof(detail), "finger=%s;model=%s", r->finger,
		 r->model);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "print.add", r->person,
					detail);
	rc = store_tx_end(st, rc);
	if (rc == 0 && key_out)
		*key_out = key;
out:
	free(box);
	return rc;
}

/* Reads columns 0-4 (id, person, finger, model, created_utc). */
static int read_print_meta(sqlite3_stmt *s, void *rec)
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

/* An S_PRINT_ACTIVE row: the metadata and the sealed blob, which points
 * into the statement's row and is valid until the next step. */
struct print_row {
	struct print_rec r;
	const uint8_t *box;
	size_t box_len;
};

static int read_print(sqlite3_stmt *s, void *rec)
{
	struct print_row *p = rec;

	p->box = sqlite3_column_blob(s, 5);
	p->box_len = (size_t)sqlite3_column_bytes(s, 5);
	return read_print_meta(s, &p->r);
}

struct print_each {
	const uint8_t *key; /* the store's template key */
	store_print_fn *fn;
	void *ud;
};

/* Unseals the row's blob into a buffer wiped after fn has seen it. */
static int emit_print(void *ctx, const void *rec)
{
	const struct print_each *c = ctx;
	const struct print_row *p = rec;
	uint8_t *plain;
	size_t len = 0;
	int rc;

	if (!p->box || p->box_len <= CRYPTO_SEAL_OVERHEAD) {
		rc = -EBADMSG;
	} else {
		plain = calloc(1, p->box_len - CRYPTO_SEAL_OVERHEAD);
		if (!plain)
			return -ENOMEM;
		rc = crypto_unseal(c->key, p->box, p->box_len, plain,
				   p->box_len - CRYPTO_SEAL_OVERHEAD, &len);
		if (rc == 0)
			rc = c->fn(c->ud, &p->r, plain, len);
		explicit_bzero(plain, p->box_len - CRYPTO_SEAL_OVERHEAD);
		free(plain);
	}
	if (rc == -EBADMSG)
		log_warnx("store: print %" PRId64 " of %s does not "
			  "decrypt: altered, or another key",
			  p->r.key, p->r.person);
	return rc;
}

int store_print_each(struct store *st, store_print_fn *fn, void *ud)
{
	struct print_each c = {st->key, fn, ud};
	struct print_row p;
	sqlite3_stmt *s;

	if (!st->has_key)
		return -EINVAL;
	s = store_stmt(st, S_PRINT_ACTIVE);
	sqlite3_bind_int(s, 1, PD_DAY_OPEN);
	return store_rows_each(st, s, read_print, &p, emit_print, &c,
			       "print list");
}

struct print_meta_each {
	int (*fn)(void *ud, const struct print_rec *r);
	void *ud;
};

static int emit_print_meta(void *ctx, const void *rec)
{
	const struct print_meta_each *c = ctx;

	return c->fn(c->ud, rec);
}

int store_print_meta_each(struct store *st,
			  int (*fn)(void *ud, const struct print_rec *r),
			  void *ud)
{
	struct print_meta_each c = {fn, ud};
	struct print_rec r;

	return store_rows_each(st, store_stmt(st, S_PRINT_META),
			       read_print_meta, &r, emit_print_meta, &c,
			       "print meta list");
}
