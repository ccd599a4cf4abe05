/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_store.c: the kecamatan store's front.  Picks the backend a --db
 * argument names, checks arguments once for both backends, keeps the one
 * transaction rule, and calls through the backend's table of functions.
 * No database library is included here.
 */
#include "kec_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kec_store_int.h"
#include "log.h"

enum kec_backend kec_store_backend(const char *db)
{
	const char *eq;

	if (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0)
		return KEC_BACKEND_PG;
	/* a conninfo is key=value words: "host=/run/pg dbname=kec" */
	eq = strchr(db, '=');
	if (eq && eq > db && !memchr(db, '/', (size_t)(eq - db)))
		return KEC_BACKEND_PG;
	return KEC_BACKEND_SQLITE;
}

int kec_store_open(const char *db, struct kec_store **out)
{
	if (!db || !*db)
		return -EINVAL;
	if (kec_store_backend(db) == KEC_BACKEND_PG)
		return kec_store_pg_open(db, out);
	return kec_store_sqlite_open(db, out);
}

void kec_store_close(struct kec_store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < KEC_STORE_RULES; i++)
		free(st->rules[i].text);
	st->ops->close(st);
}

const char *kec_store_backend_name(const struct kec_store *st)
{
	return st->ops->name;
}

void kec_store_copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int kec_store_begin(struct kec_store *st)
{
	int rc;

	if (st->in_tx)
		return -EINVAL;
	rc = st->ops->begin(st);
	if (rc == 0)
		st->in_tx = true;
	return rc;
}

int kec_store_end(struct kec_store *st, int rc)
{
	int rc2;

	if (!st->in_tx)
		return rc ? rc : -EINVAL;
	st->in_tx = false;
	if (rc) {
		(void)st->ops->rollback(st); /* rc is the error to report */
		return rc;
	}
	rc2 = st->ops->commit(st);
	if (rc2)
		(void)st->ops->rollback(st); /* the commit's error wins */
	return rc2;
}

static bool hex64(const char *s)
{
	if (!s || strlen(s) != PD_HASH_HEX - 1)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

int kec_store_kec_add(struct kec_store *st, struct kec_info *k)
{
	if (!k->name[0] || k->deadline_mday < 1 || k->deadline_mday > 28)
		return -EINVAL;
	return st->ops->kec_add(st, k);
}

int kec_store_kec_each(struct kec_store *st, kec_info_fn *fn, void *ud)
{
	return st->ops->kec_each(st, fn, ud);
}

int kec_store_desa_put(struct kec_store *st, int64_t kec,
		       const struct kec_desa *d)
{
	if (!d->id[0] || !d->name[0])
		return -EINVAL;
	return st->ops->desa_put(st, kec, d);
}

int kec_store_desa_each(struct kec_store *st, int64_t kec, kec_desa_fn *fn,
			void *ud)
{
	return st->ops->desa_each(st, kec, fn, ud);
}

int kec_store_key_add(struct kec_store *st, int64_t kec, struct kec_key *k)
{
	if (!k->desa[0] || !hex64(k->public_key) || !k->fingerprint[0])
		return -EINVAL;
	return st->ops->key_add(st, kec, k);
}

int kec_store_key_replace(struct kec_store *st, int64_t kec, const char *desa,
			  int64_t now_utc)
{
	return st->ops->key_replace(st, kec, desa, now_utc);
}

int kec_store_key_each(struct kec_store *st, int64_t kec, const char *desa,
		       kec_key_fn *fn, void *ud)
{
	return st->ops->key_each(st, kec, desa, NULL, fn, ud);
}

static int copy_key(void *ud, const struct kec_key *k)
{
	*(struct kec_key *)ud = *k;
	return 1;
}

int kec_store_key_find(struct kec_store *st, int64_t kec,
		       const char *public_key, struct kec_key *out)
{
	int rc;

	if (!hex64(public_key))
		return -EINVAL;
	rc = st->ops->key_each(st, kec, NULL, public_key, copy_key, out);
	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

int kec_store_key_lock(struct kec_store *st, int64_t key_id)
{
	if (!st->in_tx)
		return -EINVAL;
	return st->ops->key_lock(st, key_id);
}

int kec_store_audit_add(struct kec_store *st, int64_t kec, int64_t at_utc,
			const char *by, const char *action, const char *subject,
			const char *detail)
{
	return st->ops->audit_add(st, kec, at_utc, by, action, subject,
				  detail ? detail : "");
}

int kec_store_audit_each(struct kec_store *st, int64_t kec, kec_audit_fn *fn,
			 void *ud)
{
	return st->ops->audit_each(st, kec, fn, ud);
}

int kec_store_import_add(struct kec_store *st, int64_t kec,
			 struct kec_import *r, const char *rekap_csv)
{
	return st->ops->import_add(st, kec, r, rekap_csv);
}

int kec_store_import_rekap(struct kec_store *st, int64_t id, int same,
			   const char *diff)
{
	return st->ops->import_rekap(st, id, same, diff ? diff : "");
}

int kec_store_import_each(struct kec_store *st, int64_t kec, const char *period,
			  kec_import_fn *fn, void *ud)
{
	return st->ops->import_each(st, kec, period, fn, ud);
}

int kec_store_head(struct kec_store *st, int64_t key_id, int64_t *seq,
		   char hash[PD_HASH_HEX])
{
	return st->ops->head(st, key_id, seq, hash);
}

int kec_store_hash_each(struct kec_store *st, int64_t key_id, int64_t from,
			int64_t to, kec_hash_fn *fn, void *ud)
{
	return st->ops->hash_each(st, key_id, from, to, fn, ud);
}

int kec_store_rows_add(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t key_id, int64_t import_id,
		       const struct ledger_row *rows, size_t n)
{
	if (!n)
		return 0;
	return st->ops->rows_add(st, kec, desa, key_id, import_id, rows, n);
}

int kec_store_punches_add(struct kec_store *st, int64_t kec, const char *desa,
			  const struct kec_punch *p, size_t n)
{
	if (!n)
		return 0;
	return st->ops->punches_add(st, kec, desa, p, n);
}

static const struct kec_bound all_rows = {0, 0};

int kec_store_facts_each(struct kec_store *st, int64_t kec, const char *desa,
			 const struct kec_bound *b, kec_row_fn *fn, void *ud)
{
	return st->ops->facts_each(st, kec, desa, b ? b : &all_rows, fn, ud);
}

int kec_store_punch_scan(struct kec_store *st, int64_t kec, const char *desa,
			 pd_day_t first, pd_day_t last,
			 const struct kec_bound *b, kec_punch_fn *fn, void *ud)
{
	return st->ops->punch_scan(st, kec, desa, first, last,
				   b ? b : &all_rows, fn, ud);
}

int kec_store_last_row(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t *recorded_utc)
{
	return st->ops->last_row(st, kec, desa, recorded_utc);
}

int kec_store_last_rows(struct kec_store *st, int64_t kec, kec_last_row_fn *fn,
			void *ud)
{
	return st->ops->last_rows(st, kec, fn, ud);
}

int kec_store_rule_put(struct kec_store *st, int64_t kec, const char *version,
		       const char *kind, const char *name, const char *text)
{
	if (!hex64(version) ||
	    (strcmp(kind, "profile") != 0 && strcmp(kind, "calendar") != 0))
		return -EINVAL;
	return st->ops->rule_put(st, kec, version, kind, name, text);
}

/*
 * Rule texts are kept per connection: every desa of a kecamatan names the
 * same few, and a row of rule_file is never changed or deleted (put is
 * INSERT ... DO NOTHING).  Only what was read outside a transaction, so
 * committed, is kept.
 */
int kec_store_rule_get(struct kec_store *st, int64_t kec, const char *version,
		       char **text)
{
	struct kec_rule_text *r;
	int rc;

	for (size_t i = 0; i < KEC_STORE_RULES; i++) {
		r = &st->rules[i];
		if (r->text && r->kec == kec &&
		    strcmp(r->version, version) == 0) {
			*text = strdup(r->text);
			return *text ? 0 : -ENOMEM;
		}
	}
	rc = st->ops->rule_get(st, kec, version, text);
	if (rc || st->in_tx || strlen(version) >= sizeof(r->version))
		return rc;
	r = &st->rules[st->next_rule];
	st->next_rule = (st->next_rule + 1) % KEC_STORE_RULES;
	free(r->text);
	r->text = strdup(*text);
	r->kec = kec;
	snprintf(r->version, sizeof(r->version), "%s", version);
	return 0;
}

int kec_store_office_add(struct kec_store *st, int64_t kec,
			 const struct kec_office *o, int64_t at_utc,
			 const char *by)
{
	if (o->file ? !hex64(o->version) || !o->text : !o->kind[0])
		return -EINVAL;
	return st->ops->office_add(st, kec, o, at_utc, by);
}

int kec_store_office_each(struct kec_store *st, int64_t kec, kec_office_fn *fn,
			  void *ud)
{
	return st->ops->office_each(st, kec, fn, ud);
}

int kec_store_counts(struct kec_store *st, int64_t kec, struct kec_counts *out)
{
	memset(out, 0, sizeof(*out));
	return st->ops->counts(st, kec, out);
}

/* ---- schema 2: the server ---- */

static const char *const roles[KEC_ROLES] = {"kabupaten", "camat", "kasi",
					     "operator"};

const char *kec_role_name(enum kec_role r)
{
	return (unsigned int)r < KEC_ROLES ? roles[r] : "";
}

int kec_role_parse(const char *s, enum kec_role *out)
{
	for (unsigned int i = 0; i < KEC_ROLES; i++)
		if (strcmp(s, roles[i]) == 0) {
			*out = (enum kec_role)i;
			return 0;
		}
	return -EINVAL;
}

int kec_store_user_add(struct kec_store *st, struct kec_user *u)
{
	if (!u->name[0] || !u->pwhash[0] || (unsigned int)u->role >= KEC_ROLES)
		return -EINVAL;
	if ((u->role == KEC_ROLE_CAMAT || u->role == KEC_ROLE_KASI) && !u->kec)
		return -EINVAL;
	if (u->role == KEC_ROLE_KABUPATEN && u->kec)
		return -EINVAL;
	return st->ops->user_add(st, u);
}

int kec_store_user_get(struct kec_store *st, const char *name,
		       struct kec_user *out)
{
	if (!name || !*name)
		return -ENOENT;
	return st->ops->user_get(st, name, 0, out);
}

int kec_store_user_get_id(struct kec_store *st, int64_t id,
			  struct kec_user *out)
{
	return st->ops->user_get(st, NULL, id, out);
}

int kec_store_user_update(struct kec_store *st, const struct kec_user *u)
{
	if (!u->pwhash[0])
		return -EINVAL;
	return st->ops->user_update(st, u);
}

int kec_store_user_each(struct kec_store *st, kec_user_fn *fn, void *ud)
{
	return st->ops->user_each(st, fn, ud);
}

int kec_store_session_add(struct kec_store *st, const struct kec_session *s)
{
	if (!hex64(s->token_hash) || !hex64(s->csrf))
		return -EINVAL;
	return st->ops->session_add(st, s);
}

int kec_store_session_get(struct kec_store *st, const char *token_hash,
			  struct kec_session *out)
{
	if (!hex64(token_hash))
		return -ENOENT;
	return st->ops->session_get(st, token_hash, out);
}

int kec_store_session_touch(struct kec_store *st, const char *token_hash,
			    int64_t seen_utc)
{
	return st->ops->session_touch(st, token_hash, seen_utc);
}

int kec_store_session_end(struct kec_store *st, const char *token_hash)
{
	return st->ops->session_end(st, token_hash, 0);
}

int kec_store_session_end_user(struct kec_store *st, int64_t user)
{
	return st->ops->session_end(st, NULL, user);
}

int kec_store_session_purge(struct kec_store *st, int64_t now_utc,
			    int64_t idle_since)
{
	return st->ops->session_purge(st, now_utc, idle_since);
}

int kec_store_access_add(struct kec_store *st, struct kec_access *a)
{
	if (!a->action[0])
		return -EINVAL;
	return st->ops->access_add(st, a);
}

int kec_store_access_each(struct kec_store *st, int64_t kec, int64_t limit,
			  kec_access_fn *fn, void *ud)
{
	return st->ops->access_each(st, kec, limit, fn, ud);
}

void kec_device_state_init(struct kec_device_state *d)
{
	memset(d, 0, sizeof(*d));
	d->clock_trusted = -1;
	d->disk_free = -1;
	d->reader_errors = -1;
	d->uptime_s = -1;
	d->untrusted = -1;
}

int kec_store_device_get(struct kec_store *st, int64_t key_id,
			 struct kec_device_state *out)
{
	return st->ops->device_get(st, key_id, out);
}

int kec_store_device_put(struct kec_store *st, const struct kec_device_state *d)
{
	if (!d->key_id || !d->kec || !d->desa[0])
		return -EINVAL;
	return st->ops->device_put(st, d);
}

int kec_store_device_each(struct kec_store *st, int64_t kec, kec_device_fn *fn,
			  void *ud)
{
	return st->ops->device_each(st, kec, fn, ud);
}

int kec_store_key_find_any(struct kec_store *st, const char *public_key,
			   int64_t *kec, struct kec_key *out)
{
	if (!hex64(public_key))
		return -EINVAL;
	return st->ops->key_find_any(st, public_key, kec, out);
}

int kec_store_heads_each(struct kec_store *st, int64_t kec, kec_head_fn *fn,
			 void *ud)
{
	return st->ops->heads_each(st, kec, fn, ud);
}

int kec_store_published_add(struct kec_store *st, struct kec_published *p,
			    const char *text)
{
	if (!hex64(p->version) || !text ||
	    (strcmp(p->kind, "profile") != 0 &&
	     strcmp(p->kind, "calendar") != 0))
		return -EINVAL;
	return st->ops->published_add(st, p, text);
}

int kec_store_published_sign(struct kec_store *st, int64_t id,
			     const char *signature)
{
	if (!signature || strlen(signature) != KEC_SIG_HEX - 1)
		return -EINVAL;
	return st->ops->published_sign(st, id, signature);
}

int kec_store_published_each(struct kec_store *st, int64_t kec, int64_t after,
			     kec_published_fn *fn, void *ud)
{
	return st->ops->published_each(st, kec, after, fn, ud);
}
