/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the kecamatan store: the table of functions each backend
 * fills (fprintd's storage), embedded first in the backend's own struct
 * (SQLite's "sqlite3_file base; Base class. Must be first").  Included by
 * kec_store.c, kec_store_sqlite.c and kec_store_pg.c only.  The contract
 * of each function is its kec_store_* namesake's in kec_store.h.
 */
#ifndef PRESENSI_KEC_STORE_INT_H
#define PRESENSI_KEC_STORE_INT_H

#include "kec_store.h"

struct kec_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(struct kec_store *st);
	int (*begin)(struct kec_store *st);
	int (*commit)(struct kec_store *st);
	int (*rollback)(struct kec_store *st);
	int (*kec_add)(struct kec_store *st, struct kec_info *k);
	int (*kec_each)(struct kec_store *st, kec_info_fn *fn, void *ud);
	int (*desa_put)(struct kec_store *st, int64_t kec,
			const struct kec_desa *d);
	int (*desa_each)(struct kec_store *st, int64_t kec, kec_desa_fn *fn,
			 void *ud);
	int (*key_add)(struct kec_store *st, int64_t kec, struct kec_key *k);
	int (*key_replace)(struct kec_store *st, int64_t kec, const char *desa,
			   int64_t now_utc);
	int (*key_each)(struct kec_store *st, int64_t kec, const char *desa,
			const char *public_key, kec_key_fn *fn, void *ud);
	int (*key_lock)(struct kec_store *st, int64_t key_id);
	int (*audit_add)(struct kec_store *st, int64_t kec, int64_t at_utc,
			 const char *by, const char *action,
			 const char *subject, const char *detail);
	int (*audit_each)(struct kec_store *st, int64_t kec, kec_audit_fn *fn,
			  void *ud);
	int (*import_add)(struct kec_store *st, int64_t kec,
			  struct kec_import *r, const char *rekap_csv);
	int (*import_rekap)(struct kec_store *st, int64_t id, int same,
			    const char *diff);
	int (*import_each)(struct kec_store *st, int64_t kec,
			   const char *period, kec_import_fn *fn, void *ud);
	int (*head)(struct kec_store *st, int64_t key_id, int64_t *seq,
		    char hash[PD_HASH_HEX]);
	int (*hash_each)(struct kec_store *st, int64_t key_id, int64_t from,
			 int64_t to, kec_hash_fn *fn, void *ud);
	int (*rows_add)(struct kec_store *st, int64_t kec, const char *desa,
			int64_t key_id, int64_t import_id,
			const struct ledger_row *rows, size_t n);
	int (*punches_add)(struct kec_store *st, int64_t kec, const char *desa,
			   const struct kec_punch *p, size_t n);
	int (*facts_each)(struct kec_store *st, int64_t kec, const char *desa,
			  const struct kec_bound *b, kec_row_fn *fn, void *ud);
	int (*punch_scan)(struct kec_store *st, int64_t kec, const char *desa,
			  pd_day_t first, pd_day_t last,
			  const struct kec_bound *b, kec_punch_fn *fn,
			  void *ud);
	int (*last_rows)(struct kec_store *st, int64_t kec, kec_last_row_fn *fn,
			 void *ud);
	int (*last_row)(struct kec_store *st, int64_t kec, const char *desa,
			int64_t *recorded_utc);
	int (*rule_put)(struct kec_store *st, int64_t kec, const char *version,
			const char *kind, const char *name, const char *text);
	int (*rule_get)(struct kec_store *st, int64_t kec, const char *version,
			char **text);
	int (*office_add)(struct kec_store *st, int64_t kec,
			  const struct kec_office *o, int64_t at_utc,
			  const char *by);
	int (*office_each)(struct kec_store *st, int64_t kec, kec_office_fn *fn,
			   void *ud);
	int (*counts)(struct kec_store *st, int64_t kec,
		      struct kec_counts *out);
	/* schema 2: the server */
	int (*user_add)(struct kec_store *st, struct kec_user *u);
	int (*user_get)(struct kec_store *st, const char *name, int64_t id,
			struct kec_user *out);
	int (*user_update)(struct kec_store *st, const struct kec_user *u);
	int (*user_each)(struct kec_store *st, kec_user_fn *fn, void *ud);
	int (*session_add)(struct kec_store *st, const struct kec_session *s);
	int (*session_get)(struct kec_store *st, const char *token_hash,
			   struct kec_session *out);
	int (*session_touch)(struct kec_store *st, const char *token_hash,
			     int64_t seen_utc);
	int (*session_end)(struct kec_store *st, const char *token_hash,
			   int64_t user);
	int (*session_purge)(struct kec_store *st, int64_t now_utc,
			     int64_t idle_since);
	int (*access_add)(struct kec_store *st, struct kec_access *a);
	int (*access_each)(struct kec_store *st, int64_t kec, int64_t limit,
			   kec_access_fn *fn, void *ud);
	int (*device_get)(struct kec_store *st, int64_t key_id,
			  struct kec_device_state *out);
	int (*device_put)(struct kec_store *st,
			  const struct kec_device_state *d);
	int (*device_each)(struct kec_store *st, int64_t kec, kec_device_fn *fn,
			   void *ud);
	int (*key_find_any)(struct kec_store *st, const char *public_key,
			    int64_t *kec, struct kec_key *out);
	int (*heads_each)(struct kec_store *st, int64_t kec, kec_head_fn *fn,
			  void *ud);
	int (*published_add)(struct kec_store *st, struct kec_published *p,
			     const char *text);
	int (*published_sign)(struct kec_store *st, int64_t id,
			      const char *signature);
	int (*published_each)(struct kec_store *st, int64_t kec, int64_t after,
			      kec_published_fn *fn, void *ud);
};

#define KEC_STORE_RULES 32 /* rule texts kept per connection */

/* A rule file's text, read once: a row of rule_file never changes. */
struct kec_rule_text {
	int64_t kec;
	char version[PD_HASH_HEX];
	char *text;
};

struct kec_store {
	const struct kec_store_ops *ops;
	bool in_tx;
	struct kec_rule_text rules[KEC_STORE_RULES];
	size_t next_rule; /* the slot to fill next, round robin */
};

/* The backends' constructors; each sets st->ops. */
int kec_store_sqlite_open(const char *path, struct kec_store **out);
int kec_store_pg_open(const char *conninfo, struct kec_store **out);

/* Copies a column's text into a fixed field, cut at cap - 1 bytes. */
void kec_store_copy(char *dst, size_t cap, const char *src);

#endif /* PRESENSI_KEC_STORE_INT_H */
