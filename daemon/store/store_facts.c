/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_facts.c: the facts a rekap is judged by, besides punches: rule
 * profiles and holiday calendars (files kept whole, each version the
 * SHA-256 of its text), calendar days added one by one, and excuses with
 * their revocations.  Each is a ledger row plus its side-table row.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "crypto.h"
#include "log.h"

#define FILE_TEXT_MAX (1 << 20) /* profile/calendar file, bytes */

/* ---- profiles and calendars ---- */

static bool hash_hex_ok(const char *h)
{
	if (!store_fits(h, PD_HASH_HEX) || strlen(h) != PD_HASH_HEX - 1)
		return false;
	for (; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return false;
	return true;
}

/* A file's version is the SHA-256 of its bytes (DOMAIN §8). */
int store_file_check(const char *version_hex, const char *name,
		     const char *text, const char *by)
{
	char h[PD_HASH_HEX];
	size_t n;

	if (!hash_hex_ok(version_hex) || !store_fits(name, PD_TEXT_MAX) ||
	    !*name || !store_printable(name) || !text ||
	    !store_fits(by, PD_NAME_MAX))
		return -EINVAL;
	n = strnlen(text, FILE_TEXT_MAX);
	if (n >= FILE_TEXT_MAX)
		return -EINVAL;
	crypto_sha256_hex(text, n, h);
	if (strcmp(h, version_hex) != 0) {
		log_warnx("store: file %s: version %.16s... is not the "
			  "SHA-256 of its text",
			  name, version_hex);
		return -EINVAL;
	}
	return 0;
}

/* ---- month checkpoints ---- */

/* "YYYY-MM" of a real month: its first and last day. */
static int month_days(const char *month, pd_day_t *first, pd_day_t *last)
{
	char err[128];

	if (!store_fits(month, LEDGER_MONTH_LEN) ||
	    strlen(month) != LEDGER_MONTH_LEN - 1)
		return -EINVAL;
	return civil_period_parse(CIVIL_PERIOD_MONTH, month, first, last, err,
				  sizeof(err)) < 0
		       ? -EINVAL
		       : 0;
}

/* The last day of the latest closed month: 0, -ENOENT when no month is
 * closed, or a database error. */
static int closed_through(struct store *st, pd_day_t *last_day)
{
	char month[LEDGER_MONTH_LEN];
	pd_day_t first;
	int64_t seq;
	int rc = store_month_latest_closed(st, month, &seq);

	if (rc == 0)
		rc = month_days(month, &first, last_day);
	return rc;
}

/* ---- profiles ---- */

static int profile_add(struct store *st, pd_day_t from_day,
		       const char *version_hex, const char *name,
		       const char *file_text, pd_day_t on_day,
		       const char *reason, int64_t now_utc,
		       const struct actor *by)
{
	char data[LEDGER_DATA_MAX];
	pd_day_t closed_last;
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (from_day == PD_DAY_OPEN)
		return -EINVAL;
	rc = store_actor_ok(by)
		     ? store_file_check(version_hex, name, file_text, by->name)
		     : -EINVAL;
	if (rc == 0)
		rc = ledger_profile_data(LEDGER_FORMAT, from_day, version_hex,
					 name, by, on_day, reason, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	/* never into a closed month (DOMAIN §2.3), checked under the lock */
	rc = closed_through(st, &closed_last);
	if (rc == 0)
		rc = from_day <= closed_last ? -EPERM : 0;
	else if (rc == -ENOENT)
		rc = 0;
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_PROFILE, now_utc, "", 0,
					 data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_PROFILE_INS);
		sqlite3_bind_int64(s, 1, seq);
		sqlite3_bind_int(s, 2, from_day);
		store_bind_text(s, 3, version_hex);
		store_bind_text(s, 4, name);
		store_bind_text(s, 5, file_text);
		store_bind_text(s, 6, by->name);
		store_bind_uid(s, 7, by->uid);
		if (on_day != PD_DAY_OPEN) {
			sqlite3_bind_int(s, 8, on_day);
			store_bind_text(s, 9, reason);
		}
		rc = store_exec(st, s, "profile insert");
	}
	return store_tx_end(st, rc);
}

int store_profile_add(struct store *st, pd_day_t from_day,
		      const char *version_hex, const char *name,
		      const char *file_text, int64_t now_utc,
		      const struct actor *by)
{
	return profile_add(st, from_day, version_hex, name, file_text,
			   PD_DAY_OPEN, NULL, now_utc, by);
}

int store_profile_add_retroactive(struct store *st, pd_day_t from_day,
				  const char *version_hex, const char *name,
				  const char *file_text, pd_day_t on_day,
				  const char *reason, int64_t now_utc,
				  const struct actor *by)
{
	if (on_day == PD_DAY_OPEN || from_day >= on_day ||
	    !store_fits(reason, PD_TEXT_MAX) || !*reason ||
	    !store_printable(reason))
		return -EINVAL;
	return profile_add(st, from_day, version_hex, name, file_text, on_day,
			   reason, now_utc, by);
}

/* An S_PROFILE_RETRO row; the strings point into the row. */
struct retro_row {
	int64_t seq;
	pd_day_t from_day, on_day;
	const char *version, *name, *reason, *by;
};

static int read_retro(sqlite3_stmt *s, void *rec)
{
	struct retro_row *r = rec;

	r->seq = sqlite3_column_int64(s, 0);
	r->from_day = sqlite3_column_int(s, 1);
	r->on_day = sqlite3_column_int(s, 2);
	r->version = store_col_str(s, 3);
	r->name = store_col_str(s, 4);
	r->reason = store_col_str(s, 5);
	r->by = store_col_str(s, 6);
	return 0;
}

struct retro_each {
	store_profile_retro_fn *fn;
	void *ud;
};

static int emit_retro(void *ctx, const void *rec)
{
	const struct retro_each *c = ctx;
	const struct retro_row *r = rec;

	return c->fn(c->ud, r->seq, r->from_day, r->on_day, r->version, r->name,
		     r->reason, r->by);
}

int store_profile_retro_each(struct store *st, store_profile_retro_fn *fn,
			     void *ud)
{
	struct retro_each c = {fn, ud};
	struct retro_row r;

	return store_rows_each(st, store_stmt(st, S_PROFILE_RETRO), read_retro,
			       &r, emit_retro, &c, "retroactive profiles");
}

/* An S_PROFILE_ALL row; the strings point into the row. */
struct profile_row {
	pd_day_t from_day;
	const char *version;
	const char *name;
	const char *text;
	int64_t seq;
};

static int read_profile(sqlite3_stmt *s, void *rec)
{
	struct profile_row *r = rec;

	r->from_day = sqlite3_column_int(s, 0);
	r->version = store_col_str(s, 1);
	r->name = store_col_str(s, 2);
	r->text = store_col_str(s, 3);
	r->seq = sqlite3_column_int64(s, 4);
	return 0;
}

struct profile_each {
	store_profile_fn *fn;
	void *ud;
};

static int emit_profile(void *ctx, const void *rec)
{
	const struct profile_each *c = ctx;
	const struct profile_row *r = rec;

	return c->fn(c->ud, r->from_day, r->version, r->name, r->text, r->seq);
}

int store_profile_each(struct store *st, store_profile_fn *fn, void *ud)
{
	struct profile_each c = {fn, ud};
	struct profile_row r;

	return store_rows_each(st, store_stmt(st, S_PROFILE_ALL), read_profile,
			       &r, emit_profile, &c, "profile list");
}

int store_calendar_add(struct store *st, const char *version_hex,
		       const char *name, const char *file_text, int64_t now_utc,
		       const struct actor *by)
{
	char data[LEDGER_DATA_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	rc = store_actor_ok(by)
		     ? store_file_check(version_hex, name, file_text, by->name)
		     : -EINVAL;
	if (rc == 0)
		rc = ledger_calendar_data(LEDGER_FORMAT, version_hex, name, by,
					  data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_ledger_append(st, LEDGER_CALENDAR, now_utc, "", 0, data,
				 &seq);
	if (rc == 0) {
		s = store_stmt(st, S_CAL_INS);
		sqlite3_bind_int64(s, 1, seq);
		store_bind_text(s, 2, version_hex);
		store_bind_text(s, 3, name);
		store_bind_text(s, 4, file_text);
		store_bind_text(s, 5, by->name);
		store_bind_uid(s, 6, by->uid);
		rc = store_exec(st, s, "calendar insert");
	}
	return store_tx_end(st, rc);
}

static bool day_kind_ok(const char *kind)
{
	return kind && (strcmp(kind, STORE_DAY_LIBUR) == 0 ||
			strcmp(kind, STORE_DAY_CUTI_BERSAMA) == 0 ||
			strcmp(kind, STORE_DAY_LOKAL) == 0);
}

int store_calendar_day_add(struct store *st, pd_day_t day, const char *kind,
			   const char *name, int64_t now_utc,
			   const struct actor *by)
{
	char data[LEDGER_DATA_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (day == PD_DAY_OPEN || !day_kind_ok(kind) ||
	    !store_fits(name, PD_TEXT_MAX) || !*name ||
	    !store_printable(name) || !store_actor_ok(by))
		return -EINVAL;
	rc = ledger_calday_data(LEDGER_FORMAT, day, kind, name, by, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_ledger_append(st, LEDGER_CALENDAR, now_utc, "", 0, data,
				 &seq);
	if (rc == 0) {
		s = store_stmt(st, S_CALDAY_INS);
		sqlite3_bind_int64(s, 1, seq);
		sqlite3_bind_int(s, 2, day);
		store_bind_text(s, 3, kind);
		store_bind_text(s, 4, name);
		store_bind_text(s, 5, by->name);
		store_bind_uid(s, 6, by->uid);
		store_bind_text(s, 7, STORE_DAY_ADD);
		rc = store_exec(st, s, "calendar day insert");
	}
	return store_tx_end(st, rc);
}

int store_calendar_day_remove(struct store *st, pd_day_t day,
			      const char *reason, int64_t now_utc,
			      const struct actor *by)
{
	char data[LEDGER_DATA_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (day == PD_DAY_OPEN || !store_fits(reason, PD_TEXT_MAX) ||
	    !*reason || !store_printable(reason) || !store_actor_ok(by))
		return -EINVAL;
	rc = ledger_calremove_data(LEDGER_FORMAT, day, reason, by, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_ledger_append(st, LEDGER_CALENDAR, now_utc, "", 0, data,
				 &seq);
	if (rc == 0) {
		s = store_stmt(st, S_CALDAY_INS);
		sqlite3_bind_int64(s, 1, seq);
		sqlite3_bind_int(s, 2, day);
		store_bind_text(s, 3, "");
		store_bind_text(s, 4, "");
		store_bind_text(s, 5, by->name);
		store_bind_uid(s, 6, by->uid);
		store_bind_text(s, 7, STORE_DAY_REMOVE);
		store_bind_text(s, 8, reason);
		rc = store_exec(st, s, "calendar day remove");
	}
	return store_tx_end(st, rc);
}

/* An S_CAL_ALL row: an imported file (what 0) or an added day (what 1);
 * the strings point into the row. */
struct calendar_row {
	int64_t seq;
	int what;
	const char *version; /* file */
	const char *name;    /* file or day */
	const char *text;    /* file */
	pd_day_t day;	     /* day */
	const char *kind;    /* day */
	const char *action;  /* day: STORE_DAY_ADD or STORE_DAY_REMOVE */
};

static int read_calendar(sqlite3_stmt *s, void *rec)
{
	struct calendar_row *r = rec;

	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(s, 0);
	r->what = sqlite3_column_int(s, 1);
	if (r->what == 0) {
		r->version = store_col_str(s, 2);
		r->name = store_col_str(s, 3);
		r->text = store_col_str(s, 4);
	} else if (r->what == 1) {
		r->day = sqlite3_column_int(s, 5);
		r->kind = store_col_str(s, 6);
		r->name = store_col_str(s, 3);
		r->action = store_col_str(s, 7);
	}
	return 0;
}

struct calendar_each {
	store_calendar_file_fn *file_fn;
	store_calendar_day_fn *day_fn;
	void *ud;
};

static int emit_calendar(void *ctx, const void *rec)
{
	const struct calendar_each *c = ctx;
	const struct calendar_row *r = rec;

	if (r->what == 0 && c->file_fn)
		return c->file_fn(c->ud, r->seq, r->version, r->name, r->text);
	if (r->what == 1 && c->day_fn)
		return c->day_fn(c->ud, r->seq, r->day, r->action, r->kind,
				 r->name);
	return 0;
}

int store_calendar_each(struct store *st, store_calendar_file_fn *file_fn,
			store_calendar_day_fn *day_fn, void *ud)
{
	struct calendar_each c = {file_fn, day_fn, ud};
	struct calendar_row r;

	return store_rows_each(st, store_stmt(st, S_CAL_ALL), read_calendar, &r,
			       emit_calendar, &c, "calendar list");
}

/* ---- excuses ---- */

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static int excuse_check(const struct excuse *e)
{
	static const char *const kinds[] = {"izin", "sakit", "cuti",
					    "dinas-luar", "alat-rusak"};
	static const char *const parts[] = {"", "terlambat", "pulang-cepat"};

	if (!store_id_ok(e->person) || !store_fits(e->kind, sizeof(e->kind)) ||
	    !store_fits(e->part, sizeof(e->part)) ||
	    !store_fits(e->reason, sizeof(e->reason)) ||
	    !store_fits(e->document, sizeof(e->document)) ||
	    !store_fits(e->by, sizeof(e->by)))
		return -EINVAL;
	if (!one_of(e->kind, kinds, sizeof(kinds) / sizeof(kinds[0])) ||
	    !one_of(e->part, parts, sizeof(parts) / sizeof(parts[0])))
		return -EINVAL;
	if (e->from_day > e->to_day || e->to_day == PD_DAY_OPEN ||
	    (*e->part && e->from_day != e->to_day) || !*e->by)
		return -EINVAL;
	if (strcmp(e->kind, "dinas-luar") == 0 && !*e->document)
		return -EINVAL; /* the surat tugas number is required */
	return 0;
}

int store_excuse_add(struct store *st, struct excuse *e, int64_t now_utc)
{
	char data[LEDGER_DATA_MAX], name[PD_NAME_MAX], jab[PD_JABATAN_MAX];
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	rc = excuse_check(e);
	if (rc == 0)
		rc = ledger_excuse_data(LEDGER_FORMAT, e, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_person_names(st, e->person, name, jab, NULL);
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_EXCUSE, now_utc, e->person,
					 0, data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_EXCUSE_INS);
		sqlite3_bind_int64(s, 1, seq);
		store_bind_text(s, 2, e->person);
		sqlite3_bind_int(s, 3, e->from_day);
		sqlite3_bind_int(s, 4, e->to_day);
		store_bind_text(s, 5, e->kind);
		store_bind_text(s, 6, e->part);
		store_bind_text(s, 7, e->reason);
		store_bind_text(s, 8, e->document);
		store_bind_text(s, 9, e->by);
		store_bind_uid(s, 10, e->by_uid);
		rc = store_exec(st, s, "excuse insert");
	}
	rc = store_tx_end(st, rc);
	if (rc == 0) {
		e->id = seq;
		e->revoked = false;
		e->revoke_reason[0] = '\0';
	}
	return rc;
}

/* Where EXCUSE_COLS go: e, and the revocation's seq and by (column 11,
 * PD_NAME_MAX bytes) when those are non-NULL. */
struct excuse_row {
	struct excuse *e;
	int64_t *revoke_seq;
	char *revoke_by;
	int64_t *revoke_uid;
};

static int read_excuse(sqlite3_stmt *s, void *rec)
{
	const struct excuse_row *x = rec;
	struct excuse *e = x->e;
	int64_t *revoke_seq = x->revoke_seq;
	char *revoke_by = x->revoke_by;
	int64_t *revoke_uid = x->revoke_uid;
	int rc;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	e->from_day = sqlite3_column_int(s, 2);
	e->to_day = sqlite3_column_int(s, 3);
	e->revoked = sqlite3_column_type(s, 9) != SQLITE_NULL;
	e->by_uid = store_col_uid(s, 12);
	if (revoke_seq)
		*revoke_seq = sqlite3_column_int64(s, 9);
	if (revoke_uid)
		*revoke_uid = store_col_uid(s, 13);
	if ((rc = store_col_text(s, 1, e->person, sizeof(e->person))) ||
	    (rc = store_col_text(s, 4, e->kind, sizeof(e->kind))) ||
	    (rc = store_col_text(s, 5, e->part, sizeof(e->part))) ||
	    (rc = store_col_text(s, 6, e->reason, sizeof(e->reason))) ||
	    (rc = store_col_text(s, 7, e->document, sizeof(e->document))) ||
	    (rc = store_col_text(s, 8, e->by, sizeof(e->by))) ||
	    (rc = store_col_text(s, 10, e->revoke_reason,
				 sizeof(e->revoke_reason))))
		return rc;
	if (revoke_by)
		return store_col_text(s, 11, revoke_by, PD_NAME_MAX);
	return 0;
}

/* Looks an excuse up by its seq (S_EXCUSE_BY_SEQ) or by the seq of its
 * revocation (S_EXCUSE_BY_REVOKE).  -ENOENT if none. */
int store_excuse_find(struct store *st, enum stmt_id id, int64_t seq,
		      struct excuse *e, int64_t *revoke_seq, char *revoke_by,
		      int64_t *revoke_uid)
{
	struct excuse_row x = {e, revoke_seq, revoke_by, revoke_uid};
	sqlite3_stmt *s = store_stmt(st, id);

	sqlite3_bind_int64(s, 1, seq);
	return store_row_get(st, s, read_excuse, &x, "excuse lookup");
}

int store_excuse_revoke(struct store *st, int64_t id, const char *reason,
			const struct actor *by, int64_t now_utc)
{
	char data[LEDGER_DATA_MAX];
	struct excuse e;
	int64_t seq;
	sqlite3_stmt *s;
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (!store_fits(reason, PD_TEXT_MAX) || !*reason ||
	    !store_actor_ok(by) || !*by->name)
		return -EINVAL;
	rc = ledger_revoke_data(LEDGER_FORMAT, id, reason, by, data);
	if (rc != 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc != 0)
		return rc;
	rc = store_excuse_find(st, S_EXCUSE_BY_SEQ, id, &e, NULL, NULL, NULL);
	if (rc == 0 && e.revoked)
		rc = -EALREADY;
	if (rc == 0)
		rc = store_ledger_append(st, LEDGER_REVOKE, now_utc, e.person,
					 0, data, &seq);
	if (rc == 0) {
		s = store_stmt(st, S_EXCUSE_REVOKE);
		sqlite3_bind_int64(s, 1, seq);
		store_bind_text(s, 2, reason);
		store_bind_text(s, 3, by->name);
		store_bind_uid(s, 4, by->uid);
		sqlite3_bind_int64(s, 5, id);
		rc = store_exec(st, s, "excuse revoke");
	}
	return store_tx_end(st, rc);
}

struct excuse_each {
	store_excuse_fn *fn;
	void *ud;
};

static int emit_excuse(void *ctx, const void *rec)
{
	const struct excuse_each *c = ctx;
	const struct excuse_row *x = rec;

	return c->fn(c->ud, x->e);
}

int store_excuse_each(struct store *st, pd_day_t from_day, pd_day_t to_day,
		      const char *person, store_excuse_fn *fn, void *ud)
{
	struct excuse e;
	struct excuse_row x = {&e, NULL, NULL, NULL};
	struct excuse_each c = {fn, ud};
	sqlite3_stmt *s = store_stmt(st, S_EXCUSE_RANGE);

	sqlite3_bind_int(s, 1, from_day);
	sqlite3_bind_int(s, 2, to_day);
	if (person)
		store_bind_text(s, 3, person);
	return store_rows_each(st, s, read_excuse, &x, emit_excuse, &c,
			       "excuse list");
}
