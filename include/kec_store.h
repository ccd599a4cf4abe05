/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan's database, behind one table of functions with two
 * backends (fprintd's storage, docs/kecamatan.md "Schema"): SQLite for one
 * kecamatan on one machine (kec_store_sqlite.c, the only includer of
 * sqlite3.h here), PostgreSQL for a kabupaten or province that hosts every
 * kecamatan on one server (kec_store_pg.c, the only includer of
 * libpq-fe.h).  Everything is keyed by kecamatan.  It holds the trusted
 * device keys, every import attempt, the ledger rows exactly as received
 * (keyed by device and seq), the punches decoded from them for fast
 * period scans, the rule files by version, and the kecamatan office's own
 * calendar.  Verdicts are never stored: the rekap is recomputed from rows.
 *
 * Return codes, for every function: 0; -ENOENT (no such row), -EEXIST
 * (unique key taken), -EINVAL (bad argument), -EBUSY (locked), -ENOSPC
 * (disk or quota full), -ENOMEM, -EIO (any other database error; the
 * backend logs the database's message once).  An _each function stops at
 * its callback's first non-zero return and returns it.  A store is used
 * from one thread at a time.
 */
#ifndef PRESENSI_KEC_STORE_H
#define PRESENSI_KEC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "ledger.h"
#include "pd.h"

#define KEC_SCHEMA_VERSION 1   /* user_version / kec_meta 'schema' */
#define KEC_FILE_MAX	   256 /* a bundle's file name as received */
#define KEC_REASON_MAX	   512 /* one-line reason of an import */
#define KEC_PERIOD_LEN	   8   /* "YYYY-MM" + NUL */

struct kec_store;

/* Which backend a --db argument names. */
enum kec_backend {
	KEC_BACKEND_SQLITE = 0, /* a file path (or :memory:) */
	KEC_BACKEND_PG,		/* postgresql:// URI or a libpq conninfo */
};
/* "postgresql://..." and "postgres://..." URIs, and conninfo strings
 * ("host=/run/pg dbname=kec": a key=value word), are PostgreSQL. */
enum kec_backend kec_store_backend(const char *db);

/*
 * Opens db, creating the schema (or migrating it) in one transaction.
 * Free with kec_store_close().  -EIO when the database cannot be reached
 * (the reason is logged).
 */
int kec_store_open(const char *db, struct kec_store **out);
void kec_store_close(struct kec_store *st); /* NULL-safe */
const char *kec_store_backend_name(const struct kec_store *st);

/* One transaction; nothing else may be open.  end commits when rc is 0
 * and rolls back otherwise, returning rc or the commit's error. */
int kec_store_begin(struct kec_store *st);
int kec_store_end(struct kec_store *st, int rc);

/* ---- kecamatan (tenants) ---- */
struct kec_info {
	int64_t id;
	char name[PD_NAME_MAX];	     /* "Pucuk", unique on the server */
	char kabupaten[PD_NAME_MAX]; /* may be "" */
	int32_t offset_min;	     /* WIB 420, WITA 480, WIT 540 */
	int deadline_mday;	     /* bundle due on this day (default 5) */
	int64_t created_utc;
};
/* Adds k (k->id is set).  -EEXIST for a name already on the server. */
int kec_store_kec_add(struct kec_store *st, struct kec_info *k);
typedef int kec_info_fn(void *ud, const struct kec_info *k);
int kec_store_kec_each(struct kec_store *st, kec_info_fn *fn, void *ud);

/* ---- desa and their device keys ---- */
struct kec_desa {
	char id[PD_ID_MAX]; /* the desa's id, as its box is configured */
	char name[PD_NAME_MAX];
	int64_t registered_utc; /* when first trusted */
};
/* Adds d, or renames the desa when its id exists (registered_utc kept). */
int kec_store_desa_put(struct kec_store *st, int64_t kec,
		       const struct kec_desa *d);
typedef int kec_desa_fn(void *ud, const struct kec_desa *d);
/* In id order (bytes). */
int kec_store_desa_each(struct kec_store *st, int64_t kec, kec_desa_fn *fn,
			void *ud);

struct kec_key {
	int64_t id; /* the device's number here: grows with each key, so it
		     * orders a desa's devices (replay.h "Row order") */
	char desa[PD_ID_MAX];
	char public_key[CRYPTO_PK_HEX];	  /* 64 hex */
	char fingerprint[CRYPTO_FPR_MAX]; /* the manifest's device.id */
	int64_t trusted_utc;
	int64_t replaced_utc;	  /* 0 while it is the desa's current key */
	char reason[PD_TEXT_MAX]; /* a re-key's reason, else "" */
	char by[PD_NAME_MAX];	  /* system user who trusted it */
};
/* Adds k (k->id is set).  -EEXIST when the key is already trusted in this
 * kecamatan (for any desa). */
int kec_store_key_add(struct kec_store *st, int64_t kec, struct kec_key *k);
/* Marks the desa's current keys replaced at now_utc (they still verify). */
int kec_store_key_replace(struct kec_store *st, int64_t kec, const char *desa,
			  int64_t now_utc);
typedef int kec_key_fn(void *ud, const struct kec_key *k);
/* Keys of desa (NULL: all) in id order. */
int kec_store_key_each(struct kec_store *st, int64_t kec, const char *desa,
		       kec_key_fn *fn, void *ud);
/* The key with this public key (64 hex) in kec; -ENOENT if untrusted. */
int kec_store_key_find(struct kec_store *st, int64_t kec,
		       const char *public_key, struct kec_key *out);
/* Inside a transaction: serialises imports of one device (PostgreSQL
 * row lock; SQLite's write lock already does). */
int kec_store_key_lock(struct kec_store *st, int64_t key_id);

/* ---- audit (trust, re-key, calendar) ---- */
int kec_store_audit_add(struct kec_store *st, int64_t kec, int64_t at_utc,
			const char *by, const char *action, const char *subject,
			const char *detail);
struct kec_audit {
	int64_t at_utc;
	char by[PD_NAME_MAX];
	char action[32];
	char subject[PD_TEXT_MAX];
	char detail[KEC_REASON_MAX];
};
typedef int kec_audit_fn(void *ud, const struct kec_audit *a);
int kec_store_audit_each(struct kec_store *st, int64_t kec, kec_audit_fn *fn,
			 void *ud);

/* ---- import attempts ---- */
enum kec_import_result {
	KEC_IMPORT_OK = 0,    /* verified and merged; rows_new may be 0 */
	KEC_IMPORT_DUPLICATE, /* verified; every row was already held */
	KEC_IMPORT_REFUSED,   /* not stored; reason says why */
};
struct kec_import {
	int64_t id;
	int64_t received_utc; /* counts for kepatuhan pelaporan */
	char file[KEC_FILE_MAX];
	char sha256[PD_HASH_HEX]; /* of the file's bytes, "" if unread */
	enum kec_import_result result;
	char reason[KEC_REASON_MAX];
	/* from the manifest when it could be read, else "" / 0 */
	char desa[PD_ID_MAX];
	char device[CRYPTO_FPR_MAX];
	int64_t key_id;
	char period[KEC_PERIOD_LEN];
	bool complete;
	int64_t first_seq, last_seq, rows_new;
	/* the desa's own rekap.csv against the recompute (complete only):
	 * -1 not compared, 0 differs, 1 the same */
	int rekap_same;
	char rekap_diff[KEC_REASON_MAX];
	char by[PD_NAME_MAX];
};
/* Logs one attempt (r->id is set); rekap_csv (may be NULL) is the desa's
 * own rekap.csv, kept with an accepted bundle. */
int kec_store_import_add(struct kec_store *st, int64_t kec,
			 struct kec_import *r, const char *rekap_csv);
/* Records how attempt id's rekap.csv compared with the recompute. */
int kec_store_import_rekap(struct kec_store *st, int64_t id, int same,
			   const char *diff);
typedef int kec_import_fn(void *ud, const struct kec_import *r);
/* Attempts in id (arrival) order; period NULL: all. */
int kec_store_import_each(struct kec_store *st, int64_t kec, const char *period,
			  kec_import_fn *fn, void *ud);

/* ---- ledger rows and punches ---- */
/* The last row held for a device: seq 0 and 64 zeros when none. */
int kec_store_head(struct kec_store *st, int64_t key_id, int64_t *seq,
		   char hash[PD_HASH_HEX]);
typedef int kec_hash_fn(void *ud, int64_t seq, const char *hash);
/* Held rows' hashes of a device for from..to, in seq order. */
int kec_store_hash_each(struct kec_store *st, int64_t key_id, int64_t from,
			int64_t to, kec_hash_fn *fn, void *ud);
/* Stores rows (in seq order) exactly as received, under import_id. */
int kec_store_rows_add(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t key_id, int64_t import_id,
		       const struct ledger_row *rows, size_t n);

struct kec_punch {
	int64_t dev, seq; /* device (key id) and row */
	char person[PD_ID_MAX];
	pd_day_t day;
	int32_t sec;
	unsigned int flags; /* PUNCH_F_* */
};
int kec_store_punches_add(struct kec_store *st, int64_t kec, const char *desa,
			  const struct kec_punch *p, size_t n);

/*
 * A bound on the rows read for a recompute: all rows (dev 0), or only
 * device dev's rows up to max_seq (the desa's own view at a checkpoint).
 */
struct kec_bound {
	int64_t dev;
	int64_t max_seq;
};
typedef int kec_row_fn(void *ud, int64_t dev, const struct ledger_row *r);
/* The desa's rows other than punches, in (device, seq) order. */
int kec_store_facts_each(struct kec_store *st, int64_t kec, const char *desa,
			 const struct kec_bound *b, kec_row_fn *fn, void *ud);
typedef int kec_punch_fn(void *ud, const struct kec_punch *p);
/* The desa's punches with first <= day <= last, ordered by person
 * (bytes, as strcmp), day, sec, device, seq: report_builder_punch's
 * order. */
int kec_store_punch_scan(struct kec_store *st, int64_t kec, const char *desa,
			 pd_day_t first, pd_day_t last,
			 const struct kec_bound *b, kec_punch_fn *fn, void *ud);
/* The newest recorded_utc held for the desa; 0 when none. */
int kec_store_last_row(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t *recorded_utc);

/* ---- rule files (profiles and calendars by version) ---- */
/* Keeps text under version unless held already. kind: "profile" or
 * "calendar". */
int kec_store_rule_put(struct kec_store *st, int64_t kec, const char *version,
		       const char *kind, const char *name, const char *text);
/* A malloc'd copy of the text (free()); -ENOENT when never received. */
int kec_store_rule_get(struct kec_store *st, int64_t kec, const char *version,
		       char **text);

/* ---- the kecamatan office's calendar (for the deadline) ---- */
struct kec_office {
	bool file;		   /* a yearly file, else one day */
	char version[PD_HASH_HEX]; /* file */
	char name[PD_TEXT_MAX];	   /* file's or day's name */
	const char *text;	   /* file (valid during the callback) */
	pd_day_t day;		   /* day */
	char kind[16];		   /* day: libur, cuti_bersama, lokal */
};
int kec_store_office_add(struct kec_store *st, int64_t kec,
			 const struct kec_office *o, int64_t at_utc,
			 const char *by);
typedef int kec_office_fn(void *ud, const struct kec_office *o);
/* In the order added. */
int kec_store_office_each(struct kec_store *st, int64_t kec, kec_office_fn *fn,
			  void *ud);

/* ---- counts (status, tests) ---- */
struct kec_counts {
	int64_t desa, keys, rows, punches, rules;
	int64_t imports, imports_ok, imports_duplicate, imports_refused;
};
int kec_store_counts(struct kec_store *st, int64_t kec, struct kec_counts *out);

#endif /* PRESENSI_KEC_STORE_H */
