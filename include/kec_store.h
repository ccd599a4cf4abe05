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

#define KEC_SCHEMA_VERSION 2   /* user_version / kec_meta 'schema' */
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
typedef int kec_last_row_fn(void *ud, const char *desa, int64_t recorded_utc);
/* The same for every desa of kec in one query, in id order (bytes). */
int kec_store_last_rows(struct kec_store *st, int64_t kec, kec_last_row_fn *fn,
			void *ud);

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

/*
 * ---- the server, kecamatand (schema 2; docs/kecamatan.md "The server")
 * Accounts and their sessions, the access log (logins, uploads,
 * publications), what each box last told the server, and the rule files
 * published down the push channel.  A kecamatan id of 0 means "none" (a
 * kabupaten account, an access outside any kecamatan) or "every
 * kecamatan" (a publication for the whole kabupaten).
 */
#define KEC_PWHASH_MAX	 128 /* crypto_pwhash_str's string, with its NUL */
#define KEC_ADDRESS_MAX	 64  /* a peer's IP address as text */
#define KEC_SOFTWARE_MAX 64  /* "presensi 0.2.0" */
#define KEC_SIG_HEX	 129 /* an Ed25519 signature as hex, with NUL */

enum kec_role {
	KEC_ROLE_KABUPATEN = 0, /* every kecamatan on the server */
	KEC_ROLE_CAMAT,		/* one kecamatan, may publish its rules */
	KEC_ROLE_KASI,		/* one kecamatan, reads and uploads */
	KEC_ROLE_OPERATOR,	/* uploads only (one kecamatan, or all) */
	KEC_ROLES,
};
/* "kabupaten", "camat", "kasi", "operator"; and back (0 or -EINVAL). */
const char *kec_role_name(enum kec_role r);
int kec_role_parse(const char *s, enum kec_role *out);

struct kec_user {
	int64_t id;
	char name[PD_NAME_MAX]; /* the login name, unique */
	enum kec_role role;
	int64_t kec;		     /* its kecamatan, 0 for every one */
	char pwhash[KEC_PWHASH_MAX]; /* crypto_password_hash's string */
	bool disabled;
	int64_t created_utc, changed_utc;
};
/* Adds u (u->id is set).  -EEXIST for a name taken. */
int kec_store_user_add(struct kec_store *st, struct kec_user *u);
/* By login name or by id; -ENOENT when none. */
int kec_store_user_get(struct kec_store *st, const char *name,
		       struct kec_user *out);
int kec_store_user_get_id(struct kec_store *st, int64_t id,
			  struct kec_user *out);
/* Writes u's pwhash, disabled and changed_utc (by u->id); -ENOENT. */
int kec_store_user_update(struct kec_store *st, const struct kec_user *u);
typedef int kec_user_fn(void *ud, const struct kec_user *u);
/* Every account, by name. */
int kec_store_user_each(struct kec_store *st, kec_user_fn *fn, void *ud);

struct kec_session {
	char token_hash[PD_HASH_HEX]; /* SHA-256 of the cookie's token */
	int64_t user;
	char csrf[PD_HASH_HEX]; /* the forms' token, 64 hex */
	int64_t created_utc, seen_utc, expires_utc;
	char address[KEC_ADDRESS_MAX];
};
int kec_store_session_add(struct kec_store *st, const struct kec_session *s);
/* -ENOENT when no such session. */
int kec_store_session_get(struct kec_store *st, const char *token_hash,
			  struct kec_session *out);
int kec_store_session_touch(struct kec_store *st, const char *token_hash,
			    int64_t seen_utc);
/* Ends one session (0 also when there was none). */
int kec_store_session_end(struct kec_store *st, const char *token_hash);
/* Ends every session of user (a password change, a disabled account). */
int kec_store_session_end_user(struct kec_store *st, int64_t user);
/* Deletes sessions expired at now_utc or idle since before idle_since. */
int kec_store_session_purge(struct kec_store *st, int64_t now_utc,
			    int64_t idle_since);

/* The access log: every login (and failed one), logout, upload,
 * publication and refused push, with who, from where and the result. */
struct kec_access {
	int64_t id, at_utc;
	int64_t kec;		       /* 0: none */
	char user[PD_NAME_MAX];	       /* "" for a box */
	char address[KEC_ADDRESS_MAX]; /* the peer */
	char action[32]; /* "login", "login-gagal", "unggah" ... */
	char subject[PD_TEXT_MAX];
	char detail[KEC_REASON_MAX];
};
int kec_store_access_add(struct kec_store *st, struct kec_access *a);
typedef int kec_access_fn(void *ud, const struct kec_access *a);
/* Newest first, at most limit; kec 0: every line (a kabupaten's view),
 * else that kecamatan's. */
int kec_store_access_each(struct kec_store *st, int64_t kec, int64_t limit,
			  kec_access_fn *fn, void *ud);

/* What the server knows of a box (one per device key). */
struct kec_device_state {
	int64_t key_id, kec;
	char desa[PD_ID_MAX];
	int64_t push_channel;	 /* import_log id its pushed rows carry */
	int64_t last_push_utc;	 /* last batch stored or found held */
	int64_t last_bundle_utc; /* last bundle accepted or duplicate */
	int64_t pushes;		 /* batches that stored rows */
	int64_t last_punch_utc;	 /* newest punch row's time, 0 none */
	int64_t last_reader_utc; /* newest reader (not manual) punch */
	int clock_trusted;	 /* newest punch: 1 yes, 0 no, -1 unknown */
	int64_t health_utc;	 /* checkpoint or manifest health's time */
	int64_t disk_free;	 /* bytes, -1 unknown */
	int64_t reader_errors, uptime_s, untrusted;
	char software[KEC_SOFTWARE_MAX];   /* from a bundle's manifest */
	char profile_version[PD_HASH_HEX]; /* the last profile row's */
	char profile_name[PD_TEXT_MAX];
	pd_day_t profile_from;
	char calendar_version[PD_HASH_HEX]; /* the last calendar file row's */
	char calendar_name[PD_TEXT_MAX];
	char last_error[KEC_REASON_MAX]; /* the last refused push, or "" */
	int64_t last_error_utc;
};
/* Zeroes d with the "unknown" markers (clock_trusted, disk_free -1). */
void kec_device_state_init(struct kec_device_state *d);
/* -ENOENT when the server never heard of the key. */
int kec_store_device_get(struct kec_store *st, int64_t key_id,
			 struct kec_device_state *out);
/* Inserts or replaces the state of d->key_id. */
int kec_store_device_put(struct kec_store *st,
			 const struct kec_device_state *d);
typedef int kec_device_fn(void *ud, const struct kec_device_state *d);
/* kec 0: every kecamatan; by kecamatan, desa, key. */
int kec_store_device_each(struct kec_store *st, int64_t kec, kec_device_fn *fn,
			  void *ud);

/* The key with this public key in any kecamatan (the push API, which
 * does not know the kecamatan); -ENOENT if untrusted everywhere. */
int kec_store_key_find_any(struct kec_store *st, const char *public_key,
			   int64_t *kec, struct kec_key *out);
typedef int kec_head_fn(void *ud, int64_t key_id, const char *desa,
			int64_t seq);
/* Every device key of kec with the seq of its newest row (0: none), by
 * desa and key: what changed since a cached recompute. */
int kec_store_heads_each(struct kec_store *st, int64_t kec, kec_head_fn *fn,
			 void *ud);

/* A rule file published down the push channel (docs/push.md). */
struct kec_published {
	int64_t id;
	int64_t kec; /* 0: for every kecamatan (the kabupaten's) */
	char kind[16];
	char area[PD_NAME_MAX]; /* the kabupaten's or kecamatan's name */
	char name[PD_TEXT_MAX];
	char version[PD_HASH_HEX];
	pd_day_t from_day;
	int64_t published_utc;
	char signature[KEC_SIG_HEX]; /* "" until signed */
	char by[PD_NAME_MAX];
	const char *text; /* valid during a callback; NULL elsewhere */
};
/* Adds p with text (p->id is set); sign it with _sign in the same
 * transaction: the statement names the id. */
int kec_store_published_add(struct kec_store *st, struct kec_published *p,
			    const char *text);
int kec_store_published_sign(struct kec_store *st, int64_t id,
			     const char *signature);
typedef int kec_published_fn(void *ud, const struct kec_published *p);
/* In id order, those with id > after: kec -1 all, else that kecamatan's
 * and the kabupaten's (kec 0). */
int kec_store_published_each(struct kec_store *st, int64_t kec, int64_t after,
			     kec_published_fn *fn, void *ud);

#endif /* PRESENSI_KEC_STORE_H */
