/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to store.c and the store_*.c files that share its jobs (not
 * store_report.c, a user of store.h), as SQLite's btreeInt.h is to its
 * btree: struct store, the ids of the statements prepared at open, and the
 * helpers those files share: errors, statements, rows, transactions, input
 * checks, the ledger append.  The contract stays include/store.h.
 */
#ifndef PRESENSI_STORE_INT_H
#define PRESENSI_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "crypto.h"
#include "ledger.h"
#include "pd.h"
#include "records.h"
#include "store.h"

/* The statements prepared once at open; their SQL is stmt_sql[] in
 * store.c. */
enum stmt_id {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_HEAD,
	S_LEDGER_INS,
	S_LEDGER_RANGE,
	S_PERSON_INS,
	S_PERSON_GET,
	S_PERSON_ALL,
	S_PERSON_NAME,
	S_PERIOD_INS,
	S_PERIOD_LAST,
	S_PERIOD_CLOSE,
	S_PERIOD_ALL,
	S_PERIOD_BY_OPEN,
	S_PERIOD_BY_CLOSE,
	S_PRINT_INS,
	S_PRINT_SEAL,
	S_PRINT_ACTIVE,
	S_PRINT_META,
	S_PRINT_GET,
	S_PRINT_OF_PERSON,
	S_PRINT_DEL_ONE,
	S_PRINT_LEGACY,
	S_PRINT_BLOB,
	S_PRINT_COUNT,
	S_PRINT_FACT_INS,
	S_PRINT_FACT_BY_SEQ,
	S_PRINT_UNBOUND,
	S_PRINT_FACT_OF_PERSON,
	S_PRINT_ENROLLED_GONE,
	S_AUDIT_INS,
	S_AUDIT_OF_SUBJECT,
	S_PUNCH_INS,
	S_PUNCH_LAST,
	S_PUNCH_RANGE,
	S_PUNCH_BY_SEQ,
	S_PUNCH_NEXT_PERSON,
	S_PUNCH_SCAN,
	S_COUNTER_ADD,
	S_COUNTER_GET,
	S_META_SET,
	S_META_GET,
	S_META_DEL,
	S_PROFILE_INS,
	S_PROFILE_ALL,
	S_PROFILE_BY_SEQ,
	S_PROFILE_RETRO,
	S_CAL_INS,
	S_CALDAY_INS,
	S_CAL_ALL,
	S_CAL_BY_SEQ,
	S_CALDAY_BY_SEQ,
	S_CHECKPOINT_ALL,
	S_EXCUSE_INS,
	S_EXCUSE_BY_SEQ,
	S_EXCUSE_BY_REVOKE,
	S_EXCUSE_REVOKE,
	S_EXCUSE_RANGE,
	S_ORPHANS,
	S_CKPT_INS,
	S_CKPT_FILE_INS,
	S_CKPT_BY_MONTH,
	S_CKPT_BY_SEQ,
	S_CKPT_LATEST,
	S_CKPT_PREV,
	S_CKPT_FILES,
	S_COUNT
};

struct store {
	sqlite3 *db;
	bool rdonly;
	/* the file opened, to notice it removed or replaced (a plain path,
	 * written to): store_path_check() */
	char *path; /* NULL: :memory:, a URI, or read-only */
	dev_t dev;
	ino_t ino;
	bool gone; /* found removed or replaced: logged once */
	bool has_key;
	uint8_t key[CRYPTO_KEY_BYTES]; /* template key, wiped at close */
	sqlite3_stmt *stmt[S_COUNT];
	bool bulk;   /* inside store_bulk_begin: one outer transaction */
	int bulk_rc; /* first failure inside the bulk, 0 if none */
};

/* ---- errors ---- */

/* Logs what and sqlite3_errmsg() once, and translates rc: -EBUSY,
 * -ENOSPC or -EIO. */
int store_db_fail(struct store *st, int rc, const char *what);
/* Translates a SQLite result code, as store_db_fail does, unlogged:
 * -EBUSY, -ENOSPC, -EROFS or -EIO. */
int store_rc(int rc);

/* The meta key a backup image carries (store_backup.c): the ledger's
 * last seq at the copy; store_restore_settle acts on it, once. */
#define STORE_RESTORE_MARK "restore_prints_from"

/* ---- statements and columns ---- */

/* Returns statement id reset and unbound, ready to bind. */
sqlite3_stmt *store_stmt(struct store *st, enum stmt_id id);
/* Prepares statement id unless it is: the statements a migration step's
 * own code needs, before store_open prepares the rest.  0 or the error. */
int store_stmt_prepare(struct store *st, enum stmt_id id);
/* Resets s and clears its bindings. */
void store_stmt_done(sqlite3_stmt *s);
/* Binds a copy of v (SQLITE_TRANSIENT) to parameter i. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Runs a statement that returns no rows, then resets it: 0 or the
 * translated error. */
int store_exec(struct store *st, sqlite3_stmt *s, const char *what);
/* Copies column i into buf; -EIO (logged) if it does not fit: a corrupt
 * row. */
int store_col_text(sqlite3_stmt *s, int i, char *buf, size_t cap);
/* Column i as a string, "" for NULL; valid until the next step or reset. */
const char *store_col_str(sqlite3_stmt *s, int i);

/* ---- rows: every query that returns rows is walked by one of these ---- */

/* Reads the statement's current row into rec (copies, or pointers valid
 * until the next step); 0, or a negative errno that stops the walk. */
typedef int store_row_read_fn(sqlite3_stmt *s, void *rec);
/* Hands one row, read into rec, to the caller; non-zero stops the walk. */
typedef int store_row_emit_fn(void *ctx, const void *rec);

/* Steps s (bound by the caller) to its end, reading each row into rec and
 * handing it to emit.  Returns 0, the first non-zero of read or emit, or
 * the step's error translated (logged with what).  Leaves s reset. */
int store_rows_each(struct store *st, sqlite3_stmt *s, store_row_read_fn *read,
		    void *rec, store_row_emit_fn *emit, void *ctx,
		    const char *what);
/* Steps s (bound by the caller) once and reads its row into rec.  Returns
 * read's result, -ENOENT when there is no row, or the step's error
 * translated (logged with what).  Leaves s reset, so what read keeps must
 * be copied. */
int store_row_get(struct store *st, sqlite3_stmt *s, store_row_read_fn *read,
		  void *rec, const char *what);
/* A reader of column 0 into an int64_t. */
int store_read_int64(sqlite3_stmt *s, void *rec);

/* ---- transactions ---- */

/* Begins a write transaction (or joins the bulk one): 0, -EROFS, or the
 * translated error. */
int store_tx_begin(struct store *st);
/* Commits when rc is 0 (durably: synchronous=FULL), else rolls back.
 * Returns rc, or the commit's error. */
int store_tx_end(struct store *st, int rc);

/* ---- input checks ---- */

/* s is non-NULL and shorter than cap bytes with its NUL. */
bool store_fits(const char *s, size_t cap);
/* s has no control characters. */
bool store_printable(const char *s);
/* A person id: fits PD_ID_MAX, non-empty, printable. */
bool store_id_ok(const char *id);

/* ---- writes every fact shares ---- */

/* Appends a row after the current head, inside a write transaction, and
 * sets *seq_out to its seq.  -EINVAL if the row is too
 * long, -EIO if the head is corrupt, or a database error. */
int store_ledger_append(struct store *st, const char *kind, int64_t now_utc,
			const char *person, int64_t at_utc, const char *data,
			int64_t *seq_out);
/* Inserts an audit record; NULL actor, subject, detail are "". */
int store_audit_insert(struct store *st, int64_t now_utc,
		       const struct actor *actor, const char *action,
		       const char *subject, const char *detail);
/* A uid bound as NULL when ACTOR_UID_NONE, and read back the same way. */
void store_bind_uid(sqlite3_stmt *s, int i, int64_t uid);
int64_t store_col_uid(sqlite3_stmt *s, int i);
/* An actor whose name fits PD_NAME_MAX and is printable. */
bool store_actor_ok(const struct actor *by);

/* ---- prints (store_prints.c) ---- */

/* Migration step 5's own part, inside its transaction: a "print enrol"
 * ledger row (consent "migrated") for every print an older store holds. */
int store_prints_migrate(struct store *st);
/* Deletes every print of person, each with a "print delete" row giving
 * reason, inside the caller's transaction; *n gets how many. */
int store_prints_delete_of(struct store *st, const char *person,
			   const char *reason, int64_t now_utc,
			   const struct actor *by, int *n);
/* Re-seals the templates still sealed the old way (secretbox, seal 1)
 * with AEAD bound to their person and print, those the key opens; the
 * rest are left for a later key.  0 or a database error (logged). */
int store_prints_reseal(struct store *st);

/* ---- row readers and lookups other parts need ---- */

/* An S_LEDGER_RANGE row into a struct ledger_row; -EIO if a field does
 * not fit (seq is read first, so it names the row even then)
 *. */
int store_ledger_row_read(sqlite3_stmt *s, void *rec);
/* The person's name (PD_NAME_MAX bytes), jabatan (PD_JABATAN_MAX) and,
 * if created_seq is non-NULL, the seq of the ledger row that added them;
 * -ENOENT for an unknown id. */
int store_person_names(struct store *st, const char *id, char *name,
		       char *jabatan, int64_t *created_seq);
/* The person's latest period: its row id, since and until; -ENOENT if
 * none. */
int store_period_latest(struct store *st, const char *id, int64_t *pid,
			pd_day_t *since, pd_day_t *until);
/* A PUNCH_COLS row into a struct punch. */
int store_punch_read(sqlite3_stmt *s, void *rec);
/* Looks an excuse up by its seq (S_EXCUSE_BY_SEQ) or by the seq of its
 * revocation (S_EXCUSE_BY_REVOKE); revoke_seq, revoke_by (PD_NAME_MAX
 * bytes) and revoke_uid are filled when non-NULL.  -ENOENT if none. */
int store_excuse_find(struct store *st, enum stmt_id id, int64_t seq,
		      struct excuse *e, int64_t *revoke_seq, char *revoke_by,
		      int64_t *revoke_uid);
/* A profile or calendar file: version_hex must be the SHA-256 of text's
 * bytes (DOMAIN §8), name and by must fit; 0 or -EINVAL. */
int store_file_check(const char *version_hex, const char *name,
		     const char *text, const char *by);

#endif /* PRESENSI_STORE_INT_H */
