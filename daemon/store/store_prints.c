/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_prints.c: enrolled fingerprints.  A template is sealed with AEAD
 * (crypto.h) under the store key with its person and print id as
 * associated data, so a prints row moved to another person no longer
 * opens; its enrolment and deletion are ledger facts (kind "print") in the
 * same transaction as the prints row, so chain verify can hold every row
 * against them.  Templates of an older store (secretbox) are re-sealed
 * once a key opens them.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define PRINT_MAX      (64 * 1024) /* largest template blob, bytes */
#define AD_MAX	       64	   /* "print=<id>;person=<id>" */
#define SEAL_SECRETBOX 1	   /* prints.seal: before schema 5 */
#define SEAL_AEAD      2	   /* prints.seal: bound to person and print */
#define MIGRATED       "migrated"  /* consent of prints enrolled before 5 */
#define DAEMON_ACTOR   "presensid" /* rows the daemon writes on its own */

/* The associated data a template is sealed with: its print id and
 * person.  Ids hold no ';' or '=' (store_id_ok), so it is unambiguous. */
static size_t print_ad(int64_t key, const char *person, char ad[AD_MAX])
{
	int n = snprintf(ad, AD_MAX, "print=%" PRId64 ";person=%s", key,
			 person);

	return n < 0 || n >= AD_MAX ? AD_MAX - 1 : (size_t)n;
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

/* ---- the ledger facts ---- */

/* Appends the "print" row of action (note: consent or reason) and its
 * print_facts row; inside the caller's transaction. */
static int print_fact(struct store *st, const char *action,
		      const struct print_rec *r, const char *note,
		      int64_t now_utc, const struct actor *by)
{
	char data[LEDGER_DATA_MAX];
	bool enrol = strcmp(action, "enrol") == 0;
	sqlite3_stmt *s;
	int64_t seq;
	int rc;

	rc = ledger_print_data(LEDGER_FORMAT, action, r->key, r->finger,
			       r->model, note, by, data);
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_PRINT, now_utc, r->person,
					 0, data, &seq);
	if (rc != 0)
		return rc;
	s = store_stmt(st, S_PRINT_FACT_INS);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, r->key);
	store_bind_text(s, 3, r->person);
	store_bind_text(s, 4, action);
	store_bind_text(s, 5, r->finger);
	store_bind_text(s, 6, r->model);
	store_bind_text(s, 7, enrol ? note : "");
	store_bind_text(s, 8, enrol ? "" : note);
	store_bind_text(s, 9, by->name);
	store_bind_uid(s, 10, by->uid);
	return store_exec(st, s, "print fact insert");
}

/* Deletes print r with its "print delete" row. */
static int print_delete(struct store *st, const struct print_rec *r,
			const char *reason, int64_t now_utc,
			const struct actor *by)
{
	sqlite3_stmt *s;
	int rc = print_fact(st, "delete", r, reason, now_utc, by);

	if (rc != 0)
		return rc;
	s = store_stmt(st, S_PRINT_DEL_ONE);
	sqlite3_bind_int64(s, 1, r->key);
	return store_exec(st, s, "print delete");
}

/* The prints of one person, read whole before any is deleted. */
struct print_list {
	struct print_rec *r;
	size_t n, cap;
};

static int list_add(void *ctx, const void *rec)
{
	struct print_list *l = ctx;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct print_rec *nr = reallocarray(l->r, nc, sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		l->r = nr;
		l->cap = nc;
	}
	l->r[l->n++] = *(const struct print_rec *)rec;
	return 0;
}

/* For lists of ids only (the key of each record). */
static int list_add_id(void *ctx, const void *rec)
{
	struct print_rec r = {.key = *(const int64_t *)rec};

	return list_add(ctx, &r);
}

int store_prints_delete_of(struct store *st, const char *person,
			   const char *reason, int64_t now_utc,
			   const struct actor *by, int *n)
{
	struct print_list l = {0};
	struct print_rec r;
	sqlite3_stmt *s = store_stmt(st, S_PRINT_OF_PERSON);
	int rc;

	store_bind_text(s, 1, person);
	rc = store_rows_each(st, s, read_print_meta, &r, list_add, &l,
			     "prints of a person");
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = print_delete(st, &l.r[i], reason, now_utc, by);
	*n = rc == 0 ? (int)l.n : 0;
	free(l.r);
	return rc;
}

int store_person_forget_prints(struct store *st, const char *id,
			       const char *reason, int64_t now_utc,
			       const struct actor *by, int *n)
{
	char name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	char detail[PD_TEXT_MAX + 32];
	int rc, count = 0;

	if (st->rdonly)
		return -EROFS;
	if (!store_id_ok(id) || !store_fits(reason, PD_TEXT_MAX) || !*reason ||
	    !store_printable(reason) || !store_actor_ok(by))
		return -EINVAL;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, id, name, jab, NULL);
	if (rc == 0)
		rc = store_prints_delete_of(st, id, reason, now_utc, by,
					    &count);
	/* the request itself, with the count: never the templates */
	snprintf(detail, sizeof(detail), "count=%d;reason=%s", count, reason);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "print.forget", id,
					detail);
	rc = store_tx_end(st, rc);
	if (rc == 0) {
		*n = count;
		log_info("store: person %s: %d prints forgotten on request", id,
			 count);
	}
	return rc;
}

/* ---- after a restore (DOMAIN §6.8) ---- */

int store_restore_settle(struct store *st, int64_t now_utc,
			 const struct actor *by, int *n)
{
	struct print_list l = {0};
	struct print_rec r;
	char mark[32], detail[32];
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	rc = store_meta_get(st, STORE_RESTORE_MARK, mark, sizeof(mark));
	if (rc == -ENOENT)
		return 0; /* not a restored store */
	if (rc != 0)
		return rc;
	if (st->rdonly)
		return -EROFS;
	if (!store_actor_ok(by))
		return -EINVAL;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_rows_each(st, store_stmt(st, S_PRINT_ENROLLED_GONE),
			     read_print_meta, &r, list_add, &l,
			     "prints a restore left out");
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = print_fact(st, "delete", &l.r[i], STORE_RESTORE_REASON,
				now_utc, by);
	/* one audit record per person, with how many */
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		int count = 0;
		size_t k;

		for (k = 0; k < i && strcmp(l.r[k].person, l.r[i].person); k++)
			;
		if (k < i)
			continue; /* counted with the first of its person */
		for (k = i; k < l.n; k++)
			count += strcmp(l.r[k].person, l.r[i].person) == 0;
		snprintf(detail, sizeof(detail), "count=%d", count);
		rc = store_audit_insert(st, now_utc, by, "print.restore",
					l.r[i].person, detail);
	}
	if (rc == 0) {
		s = store_stmt(st, S_META_DEL);
		store_bind_text(s, 1, STORE_RESTORE_MARK);
		rc = store_exec(st, s, "restore mark");
	}
	rc = store_tx_end(st, rc);
	if (rc == 0) {
		*n = (int)l.n;
		log_info("store: restored from a backup made at ledger row "
			 "%s: %zu prints had no template (people re-enrol)",
			 mark, l.n);
	}
	free(l.r);
	return rc;
}

/* ---- enrolment ---- */

/* Seals plain for print key of person into a new buffer (free it). */
static int seal_for(const struct store *st, int64_t key, const char *person,
		    const uint8_t *plain, size_t len, uint8_t **box,
		    size_t *box_len)
{
	char ad[AD_MAX];
	size_t ad_len = print_ad(key, person, ad);
	int rc;

	*box_len = len + CRYPTO_AEAD_OVERHEAD;
	*box = calloc(1, *box_len);
	if (!*box)
		return -ENOMEM;
	rc = crypto_aead_seal(st->key, ad, ad_len, plain, len, *box, *box_len);
	if (rc != 0) {
		free(*box);
		*box = NULL;
	}
	return rc;
}

static int put_blob(struct store *st, int64_t key, const uint8_t *box,
		    size_t box_len)
{
	sqlite3_stmt *s = store_stmt(st, S_PRINT_SEAL);

	sqlite3_bind_blob(s, 1, box, (int)box_len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, key);
	return store_exec(st, s, "print seal");
}

static int read_print_rec(sqlite3_stmt *s, void *rec)
{
	return read_print_meta(s, rec);
}

/* The print a new enrolment replaces: it must be the same person's. */
static int replaced_print(struct store *st, const struct print_rec *r,
			  struct print_rec *old)
{
	sqlite3_stmt *s = store_stmt(st, S_PRINT_GET);
	int rc;

	sqlite3_bind_int64(s, 1, r->replaces);
	rc = store_row_get(st, s, read_print_rec, old, "print get");
	if (rc == 0 && strcmp(old->person, r->person) != 0)
		rc = -EINVAL;
	return rc;
}

int store_print_add(struct store *st, const struct print_rec *r,
		    const uint8_t *blob, size_t len, const struct actor *by,
		    int64_t now_utc, int64_t *key_out)
{
	char name[PD_NAME_MAX], jab[PD_JABATAN_MAX], detail[160], why[48];
	struct print_rec fact = *r, old;
	pd_day_t since, until;
	int64_t pid;
	uint8_t *box = NULL;
	size_t box_len = 0;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!st->has_key || !store_id_ok(r->person) ||
	    !store_fits(r->finger, PD_FINGER_MAX) || !*r->finger ||
	    !store_printable(r->finger) ||
	    !store_fits(r->model, PD_READER_MAX) ||
	    !store_printable(r->model) || len == 0 || len > PRINT_MAX ||
	    !store_fits(r->consent, sizeof(r->consent)) ||
	    !store_printable(r->consent) || !store_actor_ok(by))
		return -EINVAL;
	if (!r->consent[0])
		snprintf(fact.consent, sizeof(fact.consent), "%s",
			 PD_CONSENT_VERSION);
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, r->person, name, jab, NULL);
	if (rc == 0)
		rc = store_period_latest(st, r->person, &pid, &since, &until);
	if (rc == 0 && until != PD_DAY_OPEN)
		rc = -EINVAL; /* only active people enrol */
	if (rc == 0 && r->replaces)
		rc = replaced_print(st, r, &old);
	if (rc == 0) {
		s = store_stmt(st, S_PRINT_INS);
		store_bind_text(s, 1, r->person);
		store_bind_text(s, 2, r->finger);
		store_bind_text(s, 3, r->model);
		sqlite3_bind_int64(s, 4,
				   r->created_utc ? r->created_utc : now_utc);
		rc = store_exec(st, s, "print insert");
		fact.key = sqlite3_last_insert_rowid(st->db);
	}
	/* the id is known now: seal the template to it and its person */
	if (rc == 0)
		rc = seal_for(st, fact.key, r->person, blob, len, &box,
			      &box_len);
	if (rc == 0)
		rc = put_blob(st, fact.key, box, box_len);
	if (rc == 0)
		rc = print_fact(st, "enrol", &fact, fact.consent, now_utc, by);
	if (rc == 0 && r->replaces) {
		snprintf(why, sizeof(why), "replaced by print %" PRId64,
			 fact.key);
		rc = print_delete(st, &old, why, now_utc, by);
	}
	/* Consent record: who enrolled which finger, when. */
	snprintf(detail, sizeof(detail), "finger=%s;model=%s", r->finger,
		 r->model);
	if (rc == 0)
		rc = store_audit_insert(st, now_utc, by, "print.add", r->person,
					detail);
	rc = store_tx_end(st, rc);
	if (rc == 0 && key_out)
		*key_out = fact.key;
	free(box);
	return rc;
}

/* ---- the gallery: every template that opens ---- */

/* An S_PRINT_ACTIVE row: the metadata and the sealed blob, which points
 * into the statement's row and is valid until the next step. */
struct print_row {
	struct print_rec r;
	const uint8_t *box;
	size_t box_len;
	int seal;
};

static int read_print(sqlite3_stmt *s, void *rec)
{
	struct print_row *p = rec;

	p->box = sqlite3_column_blob(s, 5);
	p->box_len = (size_t)sqlite3_column_bytes(s, 5);
	p->seal = sqlite3_column_int(s, 6);
	return read_print_meta(s, &p->r);
}

/* Opens one blob as its seal says into plain (len bytes at most). */
static int open_blob(const uint8_t *key, int seal, int64_t id,
		     const char *person, const uint8_t *box, size_t box_len,
		     uint8_t *plain, size_t cap, size_t *len)
{
	char ad[AD_MAX];
	size_t ad_len;

	if (!box || box_len <= CRYPTO_AEAD_OVERHEAD)
		return -EBADMSG;
	if (seal == SEAL_SECRETBOX)
		return crypto_unseal(key, box, box_len, plain, cap, len);
	if (seal != SEAL_AEAD)
		return -EBADMSG;
	ad_len = print_ad(id, person, ad);
	return crypto_aead_open(key, ad, ad_len, box, box_len, plain, cap, len);
}

struct print_each {
	const uint8_t *key; /* the store's template key */
	store_print_fn *fn;
	store_print_bad_fn *bad; /* NULL: stop at the first */
	void *ud;
};

/* Opens the row's blob into a buffer wiped after fn has seen it. */
static int emit_print(void *ctx, const void *rec)
{
	const struct print_each *c = ctx;
	const struct print_row *p = rec;
	uint8_t *plain;
	size_t len = 0, cap;
	int rc;

	if (!p->box || p->box_len <= CRYPTO_AEAD_OVERHEAD) {
		rc = -EBADMSG;
	} else {
		cap = p->box_len - CRYPTO_AEAD_OVERHEAD;
		plain = calloc(1, cap);
		if (!plain)
			return -ENOMEM;
		rc = open_blob(c->key, p->seal, p->r.key, p->r.person, p->box,
			       p->box_len, plain, cap, &len);
		if (rc == 0)
			rc = c->fn(c->ud, &p->r, plain, len);
		explicit_bzero(plain, cap);
		free(plain);
		if (rc != -EBADMSG)
			return rc;
	}
	log_warnx("store: print %" PRId64 " of %s does not open: altered, "
		  "moved to another person, or sealed with another key",
		  p->r.key, p->r.person);
	return c->bad ? c->bad(c->ud, &p->r) : rc;
}

int store_print_open_each(struct store *st, store_print_fn *fn,
			  store_print_bad_fn *bad, void *ud)
{
	struct print_each c = {st->key, fn, bad, ud};
	struct print_row p;
	sqlite3_stmt *s;

	if (!st->has_key)
		return -EINVAL;
	s = store_stmt(st, S_PRINT_ACTIVE);
	sqlite3_bind_int(s, 1, PD_DAY_OPEN);
	return store_rows_each(st, s, read_print, &p, emit_print, &c,
			       "print list");
}

int store_print_each(struct store *st, store_print_fn *fn, void *ud)
{
	return store_print_open_each(st, fn, NULL, ud);
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

int store_print_count(struct store *st, int64_t *n)
{
	return store_row_get(st, store_stmt(st, S_PRINT_COUNT),
			     store_read_int64, n, "print count");
}

/* ---- older stores ---- */

int store_prints_migrate(struct store *st)
{
	struct print_list l = {0};
	struct print_rec r;
	int64_t seq = 0, recorded = 0;
	char head[PD_HASH_HEX];
	int rc;

	/* the statements this step needs, before store_open prepares all */
	if ((rc = store_stmt_prepare(st, S_HEAD)) ||
	    (rc = store_stmt_prepare(st, S_LEDGER_INS)) ||
	    (rc = store_stmt_prepare(st, S_PRINT_META)) ||
	    (rc = store_stmt_prepare(st, S_PRINT_FACT_INS)))
		return rc;
	rc = store_rows_each(st, store_stmt(st, S_PRINT_META), read_print_meta,
			     &r, list_add, &l, "prints to migrate");
	/* No clock here: each row takes the last recorded time, so the
	 * ledger's times never go back. */
	if (rc == 0 && l.n)
		rc = store_ledger_head(st, &seq, &recorded, head);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = print_fact(st, "enrol", &l.r[i], MIGRATED, recorded,
				ACTOR(DAEMON_ACTOR, (int64_t)getuid()));
	if (rc == 0 && l.n)
		log_info("store: %zu prints enrolled before this version got "
			 "their ledger rows (consent \"" MIGRATED "\")",
			 l.n);
	free(l.r);
	return rc;
}

/* Re-seals one secretbox template with AEAD, when the key opens it.
 * 1 when re-sealed, 0 when the key does not open it, or an error. */
static int reseal_one(struct store *st, int64_t id)
{
	sqlite3_stmt *s = store_stmt(st, S_PRINT_BLOB);
	char person[PD_ID_MAX];
	uint8_t *plain = NULL, *box = NULL;
	size_t cap = 0, len = 0, box_len = 0;
	int rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		store_stmt_done(s);
		return rc == SQLITE_DONE ? 0
					 : store_db_fail(st, rc, "print blob");
	}
	rc = store_col_text(s, 0, person, sizeof(person));
	if (rc == 0 && sqlite3_column_bytes(s, 1) > CRYPTO_SEAL_OVERHEAD) {
		cap = (size_t)sqlite3_column_bytes(s, 1) - CRYPTO_SEAL_OVERHEAD;
		plain = calloc(1, cap);
		if (!plain)
			rc = -ENOMEM;
		else if (crypto_unseal(st->key, sqlite3_column_blob(s, 1),
				       (size_t)sqlite3_column_bytes(s, 1),
				       plain, cap, &len) != 0)
			rc = 1; /* not with this key: left as it is */
	} else if (rc == 0) {
		rc = 1;
	}
	store_stmt_done(s);
	if (rc == 0)
		rc = seal_for(st, id, person, plain, len, &box, &box_len);
	if (rc == 0)
		rc = put_blob(st, id, box, box_len);
	if (plain)
		explicit_bzero(plain, cap);
	free(plain);
	free(box);
	return rc == 1 ? 0 : rc == 0 ? 1 : rc;
}

int store_prints_reseal(struct store *st)
{
	struct print_list l = {0};
	int64_t id;
	int rc, done = 0;

	rc = store_rows_each(st, store_stmt(st, S_PRINT_LEGACY),
			     store_read_int64, &id, list_add_id, &l,
			     "prints to re-seal");
	if (rc == 0 && l.n)
		rc = store_tx_begin(st);
	if (rc == 0 && l.n) {
		for (size_t i = 0; rc >= 0 && i < l.n; i++) {
			rc = reseal_one(st, l.r[i].key);
			done += rc == 1;
		}
		rc = store_tx_end(st, rc < 0 ? rc : 0);
	}
	if (rc < 0)
		log_errno(rc, "store: cannot re-seal the older templates");
	else if (l.n)
		log_info("store: %d of %zu older templates re-sealed to their "
			 "person and print; %zu do not open with this key",
			 done, l.n, l.n - (size_t)done);
	free(l.r);
	return rc < 0 ? rc : 0;
}
