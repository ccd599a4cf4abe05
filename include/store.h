/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The database: the only sqlite3 user.  WAL, synchronous=FULL, foreign
 * keys, busy timeout; numbered migrations on PRAGMA user_version; statements
 * prepared once at open.  Every fact that can change a rekap is appended to
 * the hash-chained ledger (ledger.h) in the same transaction as its side
 * table row (punches, periods, profiles, ...), which exists only to query
 * fast.  Nothing in the ledger is ever updated or deleted.
 *
 * Return codes: 0, -EBUSY (locked past busy_timeout), -ENOSPC (disk full),
 * -EIO (corrupt or I/O error), -EROFS (opened read-only, or the file or
 * its file system is read-only), -ESTALE (every write once the file was
 * removed or replaced while open: store_path_check), -EEXIST,
 * -ENOENT, -EINVAL as each function says.  sqlite3_errmsg() is logged once,
 * here.  Called from the daemon's main loop, or by the CLI read-only.
 */
#ifndef PRESENSI_STORE_H
#define PRESENSI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "pd.h"
#include "records.h"

struct store;

#define STORE_RDONLY 0x1 /* open read-only (reports while the daemon runs) */

/*
 * Opens (creating and migrating unless STORE_RDONLY) the database at path.
 * A store is used from one thread at a time (no connection mutex).
 * vfs: NULL for the default, or a registered VFS name (fault injection).
 * key: 32-byte template key (crypto.h); NULL for read-only users that
 * never touch prints.  With a key, templates an older store sealed with
 * secretbox are re-sealed (AEAD, bound to person and print) when the key
 * opens them.  Free with store_close().
 */
int store_open(const char *path, const char *vfs, unsigned int flags,
	       const uint8_t *key, struct store **out);
void store_close(struct store *st); /* NULL-safe */
/* Gives a store opened without a key its template key (the daemon opens
 * the store first to learn whether it holds prints before it decides on
 * the key), re-sealing older templates as store_open does.  0, or -EINVAL
 * when it has a key already or is read-only. */
int store_key_set(struct store *st, const uint8_t *key);

/* Adds a person with a period from since; -EEXIST if the id exists (use
 * store_person_reactivate to re-hire). by: admin name for the audit. */
int store_person_add(struct store *st, const struct person *p, int64_t now_utc,
		     const struct actor *by);
/* Closes the open period on until (inclusive), deletes the person's
 * prints (a "print delete" row each), writes the ledger row and an audit
 * record; -ENOENT, -EINVAL (until before since, or no open period). */
int store_person_deactivate(struct store *st, const char *id, pd_day_t until,
			    int64_t now_utc, const struct actor *by);
/* Opens a new period from since for a deactivated person. */
int store_person_reactivate(struct store *st, const char *id, pd_day_t since,
			    int64_t now_utc, const struct actor *by);
int store_person_get(struct store *st, const char *id, struct person *out);
typedef int store_person_fn(void *ud, const struct person *p);
/* In id order; stops early and returns the callback's non-zero value. */
int store_person_each(struct store *st, store_person_fn *fn, void *ud);

typedef int store_period_fn(void *ud, const struct period *p);
int store_period_each(struct store *st, store_period_fn *fn, void *ud);

/* ---- prints (sealed at rest to their person; never leave the device) */
struct print_rec {
	int64_t key; /* prints.id, never reused */
	char person[PD_ID_MAX];
	char finger[PD_FINGER_MAX];
	char model[PD_READER_MAX];
	int64_t created_utc;
	/* store_print_add only: */
	char consent[PD_CONSENT_MAX]; /* version stated; "" = current */
	int64_t replaces; /* a print of the same person it replaces, or 0 */
};
/*
 * Stores a template: sealed with AEAD under the store key, its person and
 * new print id as associated data, and a "print enrol" ledger row (person,
 * print id, finger, model, consent, by) in the same transaction; with
 * r->replaces, that print (the same person's, else -EINVAL) is deleted
 * with a "print delete" row.  *key_out gets the print id.  -ENOENT for an
 * unknown person (or replaced print), -EINVAL for bad input, an inactive
 * person or a store without key, or a database error.
 */
int store_print_add(struct store *st, const struct print_rec *r,
		    const uint8_t *blob, size_t len, const struct actor *by,
		    int64_t now_utc, int64_t *key_out);
/* Calls fn with the opened blob of every print of active people; the
 * blob buffer is wiped after each call.  A print that does not open
 * (altered, moved to another person, another key) is logged and calls
 * bad, and the walk goes on; bad NULL: the walk stops with -EBADMSG. */
typedef int store_print_fn(void *ud, const struct print_rec *r,
			   const uint8_t *blob, size_t len);
typedef int store_print_bad_fn(void *ud, const struct print_rec *r);
int store_print_open_each(struct store *st, store_print_fn *fn,
			  store_print_bad_fn *bad, void *ud);
/* store_print_open_each with bad NULL. */
int store_print_each(struct store *st, store_print_fn *fn, void *ud);
/*
 * A person's request to forget their fingerprints (UU 27/2022, DOMAIN
 * §6.5): deletes every print of person id at once, each with a "print
 * delete" ledger row giving reason, and one audit record "print.forget"
 * (count and reason, never the bytes), in one transaction.  Their
 * periods, punches and excuses stay: official records.  *n gets how many
 * (0 when there were none: the request is on record all the same).
 * -ENOENT unknown person; -EINVAL a reason that is empty, too long
 * (PD_TEXT_MAX) or not printable, or a bad actor; -EROFS; or a database
 * error.
 */
int store_person_forget_prints(struct store *st, const char *id,
			       const char *reason, int64_t now_utc,
			       const struct actor *by, int *n);
/* Prints rows, whatever their person's state.  0 or a database error. */
int store_print_count(struct store *st, int64_t *n);
/* Metadata only (no decryption): for status and person list. */
int store_print_meta_each(struct store *st,
			  int (*fn)(void *ud, const struct print_rec *r),
			  void *ud);

/* ---- everything the store holds about one person (UU 27/2022) ---- */
/* A "print" ledger fact of the person: an enrolment with its consent, or
 * a deletion with its reason. */
struct store_print_fact {
	int64_t seq;		      /* its ledger row */
	int64_t recorded_utc;	      /* when it was recorded */
	int64_t print;		      /* the print's id */
	char action[8];		      /* "enrol" or "delete" */
	char finger[PD_FINGER_MAX];   /* which finger */
	char model[PD_READER_MAX];    /* reader model */
	char consent[PD_CONSENT_MAX]; /* enrol: the consent text's version */
	char reason[PD_TEXT_MAX];     /* delete: why */
	char by[PD_NAME_MAX];	      /* who: the socket's peer, or presensid */
	int64_t uid;		      /* their uid, or ACTOR_UID_NONE */
};
#define STORE_AUDIT_ACTION_MAX 32
#define STORE_AUDIT_DETAIL_MAX 1024
/* An audit record whose subject is the person. */
struct store_audit_rec {
	int64_t at_utc;
	char actor[PD_NAME_MAX];
	int64_t uid;			     /* or ACTOR_UID_NONE */
	char action[STORE_AUDIT_ACTION_MAX]; /* "print.add", "print.forget" */
	char detail[STORE_AUDIT_DETAIL_MAX]; /* never a template */
};
/* The callbacks of store_subject_each; NULL skips that kind. */
struct store_subject_fns {
	/* active periods, by since */
	int (*period)(void *ud, const struct period *p);
	/* prints enrolled now, by id: their metadata, never the template */
	int (*print)(void *ud, const struct print_rec *r);
	/* consent and enrolment records ("print" facts), by seq */
	int (*print_fact)(void *ud, const struct store_print_fact *f);
	/* punches, by time */
	int (*punch)(void *ud, const struct punch *p);
	/* excuses, revoked ones flagged, by first day */
	int (*excuse)(void *ud, const struct excuse *e);
	/* audit records about the person, in the order written */
	int (*audit)(void *ud, const struct store_audit_rec *a);
};
/*
 * Everything the store holds about person id (a data subject's access,
 * DOMAIN §6.5), in one read snapshot: *who gets the person, then fns are
 * called kind by kind in the order of struct store_subject_fns.  Never a
 * template.  Works on a read-only store.  Stops on a callback's non-zero
 * value and returns it; -ENOENT for an unknown person, or a database
 * error.
 */
int store_subject_each(struct store *st, const char *id, struct person *who,
		       const struct store_subject_fns *fns, void *ud);

/* ---- punches (ledger kind "punch") ---- */
/* Appends the punch (ledger + punches) and commits durably before return. */
int store_punch_add(struct store *st, struct punch *p, int64_t now_utc);
/* The person's last non-suppressed punch time; -ENOENT if none. */
int store_punch_last_accepted(struct store *st, const char *person,
			      int64_t *at_utc);
typedef int store_punch_fn(void *ud, const struct punch *p);
/* Punches with from_day <= local_day <= to_day, ordered by person, then
 * at_utc, then seq. person NULL = everyone. */
int store_punch_each(struct store *st, pd_day_t from_day, pd_day_t to_day,
		     const char *person, store_punch_fn *fn, void *ud);

/*
 * The lean reader for reports: the same punches as store_punch_each, but
 * only what a verdict needs, straight from the covering index punches_scan
 * (schema 3) with no table rows and no sort.  Ordered by person (BINARY,
 * i.e. strcmp), then local_day, local_sec, seq: store_punch_each's order
 * while the desa's UTC offset stays the same.  person NULL = everyone.
 * fn's person is the same pointer for all consecutive punches of one
 * person and a different pointer when the person changes, so one pointer
 * compare tells a new person; it stays valid until fn is called for
 * another person.  One read snapshot.  Stops early and returns the
 * callback's non-zero value.  0, -EBUSY, -EIO.
 */
typedef int store_punch_scan_fn(void *ud, const char *person, pd_day_t day,
				int32_t sec, unsigned int flags);
int store_punch_scan(struct store *st, pd_day_t from_day, pd_day_t to_day,
		     const char *person, store_punch_scan_fn *fn, void *ud);

/* ---- bulk import (benchmarks, migrations of old terminals' data) ---- */
/*
 * Between store_bulk_begin and store_bulk_end every write shares one
 * transaction, committed (durably) by store_bulk_end: for importing many
 * rows, where one fsync per row is too slow.  If any write inside fails,
 * store_bulk_end rolls the whole bulk back and returns that first error.
 * Nesting is -EINVAL.  0, -EROFS, -EBUSY, -ENOSPC, -EIO.
 */
int store_bulk_begin(struct store *st);
int store_bulk_end(struct store *st);

/*
 * Hand-written SQL yardstick for the rekap bench: per person (in id
 * order), days in [from_day, to_day] with a non-suppressed punch, and how
 * many of those days' first punch is later than late_after_sec (local
 * seconds); only people with such a day.  Reads the covering index
 * punches_scan, as store_punch_scan does, so the bench compares like with
 * like.  Stops on the callback's non-zero value.  0 or -EIO.
 */
typedef int store_aggregate_fn(void *ud, const char *person, uint32_t days,
			       uint32_t late);
int store_punch_aggregate(struct store *st, pd_day_t from_day, pd_day_t to_day,
			  int32_t late_after_sec, store_aggregate_fn *fn,
			  void *ud);

/* ---- counters and metadata ---- */
int store_counter_add(struct store *st, const char *name, int64_t delta);
int store_counter_get(struct store *st, const char *name, int64_t *out);
int store_meta_set(struct store *st, const char *key, const char *value);
int store_meta_get(struct store *st, const char *key, char *out, size_t cap);

/* Admin action audit (never carries templates). */
int store_audit_add(struct store *st, int64_t now_utc,
		    const struct actor *actor, const char *action,
		    const char *subject, const char *detail);

/* ---- rule profiles (ledger kind "profile") ---- */
/*
 * Records a rule profile file effective from from_day.  version_hex must
 * be the SHA-256 of file_text's bytes (DOMAIN §8), else -EINVAL; the text
 * is kept in the profiles table, the ledger row carries from, version,
 * name, by.  A later profile with the same from_day supersedes an earlier.
 * -EPERM when from_day lies in or before a month a checkpoint row closed
 * (DOMAIN §2.3, §7.3): checked inside the write transaction.
 */
int store_profile_add(struct store *st, pd_day_t from_day,
		      const char *version_hex, const char *name,
		      const char *file_text, int64_t now_utc,
		      const struct actor *by);
/*
 * A retroactive import (DOMAIN §2.3): as store_profile_add, with on_day
 * the local day it is imported (from_day < on_day, else -EINVAL) and a
 * reason (required, PD_TEXT_MAX, printable); the ledger row adds
 * retroactive=1, on and reason (format 2).  -EPERM as above.
 */
int store_profile_add_retroactive(struct store *st, pd_day_t from_day,
				  const char *version_hex, const char *name,
				  const char *file_text, pd_day_t on_day,
				  const char *reason, int64_t now_utc,
				  const struct actor *by);
/* Strings are valid during the call only. */
typedef int store_profile_fn(void *ud, pd_day_t from_day, const char *version,
			     const char *name, const char *text, int64_t seq);
/* Ordered by from_day, then seq; stops on the callback's non-zero value. */
int store_profile_each(struct store *st, store_profile_fn *fn, void *ud);
/* A retroactive import: the days [from_day, on_day) it re-judged.
 * Strings are valid during the call only. */
typedef int store_profile_retro_fn(void *ud, int64_t seq, pd_day_t from_day,
				   pd_day_t on_day, const char *version,
				   const char *name, const char *reason,
				   const char *by);
/* Every retroactive import in seq order; stops on a non-zero value. */
int store_profile_retro_each(struct store *st, store_profile_retro_fn *fn,
			     void *ud);

/* ---- holiday calendars (ledger kind "calendar") ---- */
#define STORE_DAY_LIBUR	       "libur"	      /* libur nasional */
#define STORE_DAY_CUTI_BERSAMA "cuti_bersama" /* SKB cuti bersama */
#define STORE_DAY_LOKAL	       "lokal"	      /* local holiday */

/* Imports a calendar file (action "import"); version_hex as for profiles. */
int store_calendar_add(struct store *st, const char *version_hex,
		       const char *name, const char *file_text, int64_t now_utc,
		       const struct actor *by);
#define STORE_DAY_ADD	 "add"	  /* a day added (action of the row) */
#define STORE_DAY_REMOVE "remove" /* a day removed */

/* Adds one day (action "add"); kind is one of STORE_DAY_*, else -EINVAL. */
int store_calendar_day_add(struct store *st, pd_day_t day, const char *kind,
			   const char *name, int64_t now_utc,
			   const struct actor *by);
/* Removes one listed day (action "remove", ledger format 2): a date moved
 * after sidang isbat.  reason is required.  Whether the day is listed is
 * the caller's check (the facts in force).  0 or -EINVAL. */
int store_calendar_day_remove(struct store *st, pd_day_t day,
			      const char *reason, int64_t now_utc,
			      const struct actor *by);
/* Strings are valid during the call only. */
typedef int store_calendar_file_fn(void *ud, int64_t seq, const char *version,
				   const char *name, const char *text);
/* action STORE_DAY_ADD (kind and name set) or STORE_DAY_REMOVE (both ""). */
typedef int store_calendar_day_fn(void *ud, int64_t seq, pd_day_t day,
				  const char *action, const char *kind,
				  const char *name);
/* Imported files and added days interleaved in seq order (later rows
 * override earlier ones); either callback may be NULL to skip that kind. */
int store_calendar_each(struct store *st, store_calendar_file_fn *file_fn,
			store_calendar_day_fn *day_fn, void *ud);

/* ---- excuses (ledger kinds "excuse" and "revoke") ---- */
/*
 * Records an excuse and sets e->id.  -ENOENT unknown person; -EINVAL for a
 * bad kind or part, from_day > to_day, a partial excuse over more than one
 * day, dinas-luar without document, or an empty by.
 */
int store_excuse_add(struct store *st, struct excuse *e, int64_t now_utc);
/* Revokes excuse id with a "revoke" row.  -ENOENT unknown id, -EALREADY
 * already revoked, -EINVAL empty reason or by. */
int store_excuse_revoke(struct store *st, int64_t id, const char *reason,
			const struct actor *by, int64_t now_utc);
typedef int store_excuse_fn(void *ud, const struct excuse *e);
/* Excuses overlapping [from_day, to_day], revoked ones included (flagged),
 * ordered by person, from_day, id.  person NULL = everyone. */
int store_excuse_each(struct store *st, pd_day_t from_day, pd_day_t to_day,
		      const char *person, store_excuse_fn *fn, void *ud);

/*
 * ---- checkpoints: months closed (ledger kind "checkpoint", schema 5) ----
 * A month is closed once, after every earlier closed month (docs/domain.md
 * §7.3).  With the checkpoint row the store keeps, in the same
 * transaction, what a complete bundle of the month holds besides its
 * ledger rows and cannot re-derive later unchanged (docs/bundle.md): the
 * rekap files made at closing, the rules files in force, the desa's names
 * and the calendar set's version.  Re-exporting the month then gives the
 * same bytes, whatever is recorded after it.
 */
#define STORE_COUNTER_READER_ERRORS "reader_errors" /* since last close */

struct store_frozen_file {
	const char *name;  /* bundle entry name: "rekap.csv", "rules/..." */
	const char *label; /* a rules file's name; "" for the others */
	const void *data;
	size_t len;
};
struct store_frozen {
	const char *desa_id, *desa_name, *kecamatan; /* from the config */
	const char *software;			     /* "presensi 0.2.0" */
	const char *calendar_set;		     /* 64 hex */
	const struct store_frozen_file *files;	     /* in bundle order */
	size_t nfiles;
};

/*
 * Closes cp->month: appends the checkpoint row (at_utc = now_utc) and its
 * side rows, and takes cp->health.reader_errors off the counter
 * STORE_COUNTER_READER_ERRORS, so that the next checkpoint counts from
 * here; all in one transaction.  *seq_out gets the row's seq.  -EEXIST
 * when the month is closed already, -EINVAL when a later month is closed
 * (months close in order) or a field is bad, -EROFS, or a database error.
 * The caller checks the rest of the policy (the running month, gaps).
 */
int store_checkpoint_add(struct store *st, const struct ledger_checkpoint *cp,
			 const struct store_frozen *fz, const struct actor *by,
			 int64_t now_utc, int64_t *seq_out);
/* Whether month ("YYYY-MM") has its checkpoint.  0, -EINVAL, -EIO. */
int store_month_closed(struct store *st, const char *month, bool *closed);
/* The latest closed month and its checkpoint's seq; -ENOENT when none. */
int store_month_latest_closed(struct store *st, char month[LEDGER_MONTH_LEN],
			      int64_t *seq);

/* A closed month as stored; the strings are copies. */
struct store_checkpoint {
	int64_t seq;	  /* the checkpoint row */
	int64_t prev_seq; /* the checkpoint before it, 0 for the first */
	int64_t at_utc;	  /* when it was closed */
	struct ledger_checkpoint cp;
	char by[PD_NAME_MAX];
	char desa_id[PD_ID_MAX];
	char desa_name[PD_NAME_MAX];
	char kecamatan[PD_NAME_MAX];
	char software[64];
	char calendar_set[PD_HASH_HEX];
};
/* The checkpoint of month; -ENOENT when it is not closed. */
int store_checkpoint_get(struct store *st, const char *month,
			 struct store_checkpoint *out);
/* The files frozen with checkpoint seq, in the order given at closing;
 * data is valid during the call only.  Stops on fn's non-zero. */
typedef int store_frozen_file_fn(void *ud, const char *name, const char *label,
				 const void *data, size_t len);
int store_checkpoint_files(struct store *st, int64_t seq,
			   store_frozen_file_fn *fn, void *ud);

/* ---- health ---- */
/*
 * Checks that the store can be trusted with punches: it is writable (when
 * not opened read-only), and PRAGMA quick_check finds every page well
 * formed.  0; -EROFS (read-only file or file system); -EIO (corrupt: why
 * gets quick_check's first finding), or another error of the read, with
 * why filled.  Reads the whole file: for start-up, not per punch.
 */
int store_check(struct store *st, char *why, size_t cap);

/*
 * 0 while the store's path still names the file that was opened; -ESTALE
 * once it was removed or replaced (logged once), as every write then
 * returns before it touches the orphaned file.  A stat(2) per call; 0 for
 * read-only stores and :memory:, and when the path cannot be looked at
 * (EACCES: no proof it is gone).
 */
int store_path_check(struct store *st);

/* ---- backup and restore (DOMAIN §6.8) ---- */
/* The marker presensid writes beside its first store, and a restore
 * beside the one it installs: this directory held a store, so a store
 * missing from it later is a fault (DOMAIN §6.6), never a new ledger. */
#define STORE_MARKER_NAME ".presensi-store"
/* What a backup image holds, for the file's META. */
struct store_backup_info {
	int schema;		       /* PRAGMA user_version */
	int64_t ledger_rows;	       /* the ledger's last seq */
	char ledger_head[PD_HASH_HEX]; /* and its hash */
	int64_t prints_dropped;	       /* templates left out */
};
/* Gets the image (len bytes, valid during the call only: copy what is
 * kept) and what it holds; its non-zero return comes back. */
typedef int store_image_fn(void *ud, const void *img, size_t len,
			   const struct store_backup_info *info);
/*
 * A consistent copy of the whole database while the daemon writes
 * (SQLite's backup API, one snapshot), in memory: every prints row is
 * deleted from the copy (secure_delete, then VACUUM: no byte of a
 * template is left; print ids are still never given again), the copy is
 * marked so that the store restored from it settles the missing prints
 * (store_restore_settle), and fn gets its bytes: a database file in
 * rollback journal mode.  Holds the database in memory twice, briefly.
 * 0, fn's non-zero, -ENOMEM, or a database error.
 */
int store_backup_image(struct store *st, store_image_fn *fn, void *ud);
/*
 * Opens a database image (a backup's, len bytes; copied) in memory and
 * read-only, migrated there if it is older than this program, so that a
 * restore can check it (store_check, store_chain_verify) before anything
 * is installed.  Free with store_close().  0, -EIO (not a database, or a
 * newer schema), -ENOMEM.
 */
int store_image_open(const void *img, size_t len, struct store **out);
/* The reason of the "print delete" rows store_restore_settle writes. */
#define STORE_RESTORE_REASON "not in the backup: templates are never backed up"
/*
 * On a store restored from a backup image (its mark says so), once: a
 * "print delete" row, with STORE_RESTORE_REASON, for every print the
 * ledger still has enrolled and the store holds no template of, and an
 * audit record "print.restore" per person; then the mark goes.  *n gets
 * how many (0 for a store that was not restored, whatever it lacks).  In
 * one transaction.  0, -EROFS, or a database error.
 */
int store_restore_settle(struct store *st, int64_t now_utc,
			 const struct actor *by, int *n);

/* ---- schema ---- */
#define STORE_SCHEMA_VERSION 7 /* PRAGMA user_version after migrations */
int store_schema_version(struct store *st, int *out);

/* ---- ledger ---- */
/* The last row's seq, recorded time and hash (64 zeros, seq 0 if empty). */
int store_ledger_head(struct store *st, int64_t *seq, int64_t *recorded_utc,
		      char hash_hex[PD_HASH_HEX]);
typedef int store_ledger_fn(void *ud, const struct ledger_row *r);
int store_ledger_each(struct store *st, int64_t from_seq, int64_t to_seq,
		      store_ledger_fn *fn, void *ud);
/*
 * Walks the whole chain recomputing every hash and checks each side-table
 * row against its ledger row.  Returns 0 when intact; -EBADMSG when broken,
 * with *bad_seq the first broken row and why[] a one-line reason.
 */
int store_chain_verify(struct store *st, int64_t *rows, int64_t *bad_seq,
		       char *why, size_t why_cap);

#endif /* PRESENSI_STORE_H */
