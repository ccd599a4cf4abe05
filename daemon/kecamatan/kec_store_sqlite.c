/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_store_sqlite.c: the kecamatan store on one SQLite file, for one
 * kecamatan (or a few) on one machine.  The only includer of sqlite3.h
 * outside the device store.  WAL, synchronous=FULL, foreign keys, busy
 * timeout; the schema is created on PRAGMA user_version; every statement
 * is prepared once at open; ledger rows refuse UPDATE and DELETE.
 */
#include "kec_store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"

#define BUSY_TIMEOUT_MS 10000 /* wait for another importer's lock */

/* Schema version 1 (docs/kecamatan.md "Schema"); a later version is a
 * new entry, never an edit of this one. */
static const char *const migrations[] = {
	"CREATE TABLE kecamatan(id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, kabupaten TEXT NOT NULL,"
	" offset_min INTEGER NOT NULL, deadline_mday INTEGER NOT NULL,"
	" created_utc INTEGER NOT NULL);"
	"CREATE TABLE desa(kecamatan INTEGER NOT NULL REFERENCES kecamatan(id),"
	" id TEXT NOT NULL, name TEXT NOT NULL,"
	" registered_utc INTEGER NOT NULL, PRIMARY KEY(kecamatan, id));"
	"CREATE TABLE device_key(id INTEGER PRIMARY KEY,"
	" kecamatan INTEGER NOT NULL, desa TEXT NOT NULL,"
	" public_key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	" trusted_utc INTEGER NOT NULL, replaced_utc INTEGER NOT NULL,"
	" reason TEXT NOT NULL, by_user TEXT NOT NULL,"
	" UNIQUE(kecamatan, public_key),"
	" FOREIGN KEY(kecamatan, desa) REFERENCES desa(kecamatan, id));"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY,"
	" kecamatan INTEGER NOT NULL REFERENCES kecamatan(id),"
	" at_utc INTEGER NOT NULL, by_user TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" subject TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE TABLE import_log(id INTEGER PRIMARY KEY,"
	" kecamatan INTEGER NOT NULL REFERENCES kecamatan(id),"
	" received_utc INTEGER NOT NULL, file TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, result INTEGER NOT NULL,"
	" reason TEXT NOT NULL, desa TEXT NOT NULL, device TEXT NOT NULL,"
	" key_id INTEGER NOT NULL, period TEXT NOT NULL,"
	" complete INTEGER NOT NULL, first_seq INTEGER NOT NULL,"
	" last_seq INTEGER NOT NULL, rows_new INTEGER NOT NULL,"
	" rekap_same INTEGER NOT NULL, rekap_diff TEXT NOT NULL,"
	" rekap_csv TEXT, by_user TEXT NOT NULL);"
	"CREATE INDEX import_period ON import_log(kecamatan, period, id);"
	"CREATE TABLE ledger_row(device INTEGER NOT NULL"
	" REFERENCES device_key(id), seq INTEGER NOT NULL,"
	" kecamatan INTEGER NOT NULL, desa TEXT NOT NULL,"
	" kind TEXT NOT NULL, recorded_utc INTEGER NOT NULL,"
	" person TEXT NOT NULL, at_utc INTEGER NOT NULL, data TEXT NOT NULL,"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL,"
	" import_id INTEGER NOT NULL REFERENCES import_log(id),"
	" PRIMARY KEY(device, seq)) WITHOUT ROWID;"
	"CREATE INDEX ledger_facts ON ledger_row(kecamatan, desa, device, seq)"
	" WHERE kind <> 'punch';"
	"CREATE INDEX ledger_recent ON ledger_row(kecamatan, desa,"
	" recorded_utc);"
	"CREATE TRIGGER ledger_row_no_update BEFORE UPDATE ON ledger_row"
	" BEGIN SELECT RAISE(ABORT, 'ledger rows are never changed'); END;"
	"CREATE TRIGGER ledger_row_no_delete BEFORE DELETE ON ledger_row"
	" BEGIN SELECT RAISE(ABORT, 'ledger rows are never changed'); END;"
	"CREATE TABLE punch(kecamatan INTEGER NOT NULL, desa TEXT NOT NULL,"
	" person TEXT NOT NULL, day INTEGER NOT NULL, sec INTEGER NOT NULL,"
	" device INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" flags INTEGER NOT NULL,"
	" PRIMARY KEY(kecamatan, desa, person, day, sec, device, seq),"
	" FOREIGN KEY(device, seq) REFERENCES ledger_row(device, seq))"
	" WITHOUT ROWID;"
	"CREATE TABLE rule_file(kecamatan INTEGER NOT NULL,"
	" version TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
	" text TEXT NOT NULL, PRIMARY KEY(kecamatan, version));"
	"CREATE TABLE office_calendar(id INTEGER PRIMARY KEY,"
	" kecamatan INTEGER NOT NULL REFERENCES kecamatan(id),"
	" file INTEGER NOT NULL, version TEXT NOT NULL, name TEXT NOT NULL,"
	" text TEXT NOT NULL, day INTEGER NOT NULL, kind TEXT NOT NULL,"
	" at_utc INTEGER NOT NULL, by_user TEXT NOT NULL);",
	/* 2: the server (kecamatand); punches by day for today's page */
	"CREATE INDEX punch_day ON punch(kecamatan, desa, day);"
	"CREATE TABLE web_user(id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
	" kecamatan INTEGER NOT NULL, pwhash TEXT NOT NULL,"
	" disabled INTEGER NOT NULL, created_utc INTEGER NOT NULL,"
	" changed_utc INTEGER NOT NULL);"
	"CREATE TABLE web_session(token_hash TEXT PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES web_user(id),"
	" csrf TEXT NOT NULL, created_utc INTEGER NOT NULL,"
	" seen_utc INTEGER NOT NULL, expires_utc INTEGER NOT NULL,"
	" address TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX web_session_user ON web_session(user_id);"
	"CREATE TABLE web_access(id INTEGER PRIMARY KEY,"
	" at_utc INTEGER NOT NULL, kecamatan INTEGER NOT NULL,"
	" user_name TEXT NOT NULL, address TEXT NOT NULL,"
	" action TEXT NOT NULL, subject TEXT NOT NULL,"
	" detail TEXT NOT NULL);"
	"CREATE INDEX web_access_kec ON web_access(kecamatan, id);"
	"CREATE TABLE device_state(key_id INTEGER PRIMARY KEY"
	" REFERENCES device_key(id), kecamatan INTEGER NOT NULL,"
	" desa TEXT NOT NULL, push_channel INTEGER NOT NULL,"
	" last_push_utc INTEGER NOT NULL, last_bundle_utc INTEGER NOT NULL,"
	" pushes INTEGER NOT NULL, last_punch_utc INTEGER NOT NULL,"
	" last_reader_utc INTEGER NOT NULL, clock_trusted INTEGER NOT NULL,"
	" health_utc INTEGER NOT NULL, disk_free INTEGER NOT NULL,"
	" reader_errors INTEGER NOT NULL, uptime_s INTEGER NOT NULL,"
	" untrusted INTEGER NOT NULL, software TEXT NOT NULL,"
	" profile_version TEXT NOT NULL, profile_name TEXT NOT NULL,"
	" profile_from INTEGER NOT NULL, calendar_version TEXT NOT NULL,"
	" calendar_name TEXT NOT NULL, last_error TEXT NOT NULL,"
	" last_error_utc INTEGER NOT NULL);"
	"CREATE TABLE published_rule(id INTEGER PRIMARY KEY,"
	" kecamatan INTEGER NOT NULL, kind TEXT NOT NULL,"
	" area TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,"
	" from_day INTEGER NOT NULL, published_utc INTEGER NOT NULL,"
	" text TEXT NOT NULL, signature TEXT NOT NULL,"
	" by_user TEXT NOT NULL);",
};

enum sid {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_KEC_ADD,
	Q_KEC_ALL,
	Q_DESA_PUT,
	Q_DESA_ALL,
	Q_KEY_ADD,
	Q_KEY_REPLACE,
	Q_KEY_ALL,
	Q_AUDIT_ADD,
	Q_AUDIT_ALL,
	Q_IMPORT_ADD,
	Q_IMPORT_REKAP,
	Q_IMPORT_ALL,
	Q_HEAD,
	Q_HASHES,
	Q_ROW_ADD,
	Q_PUNCH_ADD,
	Q_FACTS,
	Q_PUNCHES,
	Q_LAST_ROW,
	Q_LAST_ROWS,
	Q_RULE_PUT,
	Q_RULE_GET,
	Q_OFFICE_ADD,
	Q_OFFICE_ALL,
	Q_COUNTS,
	Q_COUNT,
	Q_USER_ADD,
	Q_USER_BY_NAME,
	Q_USER_BY_ID,
	Q_USER_UPDATE,
	Q_USER_ALL,
	Q_SESSION_ADD,
	Q_SESSION_GET,
	Q_SESSION_TOUCH,
	Q_SESSION_END,
	Q_SESSION_END_USER,
	Q_SESSION_PURGE,
	Q_ACCESS_ADD,
	Q_ACCESS_ALL,
	Q_DEVICE_GET,
	Q_DEVICE_PUT,
	Q_DEVICE_ALL,
	Q_KEY_ANY,
	Q_HEADS,
	Q_PUB_ADD,
	Q_PUB_SIGN,
	Q_PUB_ALL,
};

#define KEY_COLS                                                               \
	"id, desa, public_key, fingerprint, trusted_utc, replaced_utc, "       \
	"reason, by_user"
#define IMPORT_COLS                                                            \
	"id, received_utc, file, sha256, result, reason, desa, device, "       \
	"key_id, period, complete, first_seq, last_seq, rows_new, "            \
	"rekap_same, rekap_diff, by_user"
#define USER_COLS                                                              \
	"id, name, role, kecamatan, pwhash, disabled, created_utc, "           \
	"changed_utc"
#define SESSION_COLS                                                           \
	"token_hash, user_id, csrf, created_utc, seen_utc, expires_utc, "      \
	"address"
#define DEVICE_COLS                                                            \
	"key_id, kecamatan, desa, push_channel, last_push_utc, "               \
	"last_bundle_utc, pushes, last_punch_utc, last_reader_utc, "           \
	"clock_trusted, health_utc, disk_free, reader_errors, uptime_s, "      \
	"untrusted, software, profile_version, profile_name, profile_from, "   \
	"calendar_version, calendar_name, last_error, last_error_utc"
#define PUB_COLS                                                               \
	"id, kecamatan, kind, area, name, version, from_day, published_utc, "  \
	"text, signature, by_user"

static const char *const sql[] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_KEC_ADD] = "INSERT INTO kecamatan(name, kabupaten, offset_min,"
		      " deadline_mday, created_utc) VALUES(?, ?, ?, ?, ?)",
	[Q_KEC_ALL] = "SELECT id, name, kabupaten, offset_min, deadline_mday,"
		      " created_utc FROM kecamatan ORDER BY name",
	[Q_DESA_PUT] = "INSERT INTO desa(kecamatan, id, name, registered_utc)"
		       " VALUES(?, ?, ?, ?) ON CONFLICT(kecamatan, id)"
		       " DO UPDATE SET name = excluded.name",
	[Q_DESA_ALL] = "SELECT id, name, registered_utc FROM desa"
		       " WHERE kecamatan = ? ORDER BY id",
	[Q_KEY_ADD] =
		"INSERT INTO device_key(kecamatan, desa, public_key,"
		" fingerprint, trusted_utc, replaced_utc, reason, by_user)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_KEY_REPLACE] = "UPDATE device_key SET replaced_utc = ?"
			  " WHERE kecamatan = ? AND desa = ?"
			  " AND replaced_utc = 0",
	[Q_KEY_ALL] = "SELECT " KEY_COLS " FROM device_key"
		      " WHERE kecamatan = ?1 AND (?2 IS NULL OR desa = ?2)"
		      " AND (?3 IS NULL OR public_key = ?3) ORDER BY id",
	[Q_AUDIT_ADD] = "INSERT INTO audit(kecamatan, at_utc, by_user, action,"
			" subject, detail) VALUES(?, ?, ?, ?, ?, ?)",
	[Q_AUDIT_ALL] = "SELECT at_utc, by_user, action, subject, detail"
			" FROM audit"
			" WHERE kecamatan = ? ORDER BY id",
	[Q_IMPORT_ADD] =
		"INSERT INTO import_log(kecamatan, received_utc,"
		" file, sha256, result, reason, desa, device,"
		" key_id, period, complete, first_seq, last_seq,"
		" rows_new, rekap_same, rekap_diff, rekap_csv, by_user)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, ?, ?)",
	[Q_IMPORT_REKAP] = "UPDATE import_log SET rekap_same = ?,"
			   " rekap_diff = ? WHERE id = ?",
	[Q_IMPORT_ALL] = "SELECT " IMPORT_COLS " FROM import_log"
			 " WHERE kecamatan = ?1 AND (?2 IS NULL OR period = ?2)"
			 " ORDER BY id",
	[Q_HEAD] = "SELECT seq, hash FROM ledger_row WHERE device = ?"
		   " ORDER BY seq DESC LIMIT 1",
	[Q_HASHES] = "SELECT seq, hash FROM ledger_row WHERE device = ?"
		     " AND seq BETWEEN ? AND ? ORDER BY seq",
	[Q_ROW_ADD] =
		"INSERT INTO ledger_row(device, seq, kecamatan, desa,"
		" kind, recorded_utc, person, at_utc, data, prev_hash,"
		" hash, import_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" ?)",
	[Q_PUNCH_ADD] = "INSERT INTO punch(kecamatan, desa, person, day, sec,"
			" device, seq, flags) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_FACTS] = "SELECT device, seq, kind, recorded_utc, person, at_utc,"
		    " data, prev_hash, hash FROM ledger_row"
		    " WHERE kecamatan = ?1 AND desa = ?2 AND kind <> 'punch'"
		    " AND (?3 = 0 OR (device = ?3 AND seq <= ?4))"
		    " ORDER BY device, seq",
	[Q_PUNCHES] = "SELECT device, seq, person, day, sec, flags FROM punch"
		      " WHERE kecamatan = ?1 AND desa = ?2"
		      " AND day BETWEEN ?3 AND ?4"
		      " AND (?5 = 0 OR (device = ?5 AND seq <= ?6))"
		      " ORDER BY person, day, sec, device, seq",
	[Q_LAST_ROW] = "SELECT max(recorded_utc) FROM ledger_row"
		       " WHERE kecamatan = ? AND desa = ?",
	[Q_LAST_ROWS] = "SELECT d.id, (SELECT max(r.recorded_utc)"
			" FROM ledger_row r WHERE r.kecamatan = ?1"
			" AND r.desa = d.id) FROM desa d"
			" WHERE d.kecamatan = ?1 ORDER BY d.id",
	[Q_RULE_PUT] = "INSERT INTO rule_file(kecamatan, version, kind, name,"
		       " text) VALUES(?, ?, ?, ?, ?)"
		       " ON CONFLICT(kecamatan, version) DO NOTHING",
	[Q_RULE_GET] = "SELECT text FROM rule_file"
		       " WHERE kecamatan = ? AND version = ?",
	[Q_OFFICE_ADD] = "INSERT INTO office_calendar(kecamatan, file,"
			 " version, name, text, day, kind, at_utc, by_user)"
			 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_OFFICE_ALL] = "SELECT file, version, name, text, day, kind"
			 " FROM office_calendar WHERE kecamatan = ?"
			 " ORDER BY id",
	[Q_COUNTS] = "SELECT (SELECT count(*) FROM desa WHERE kecamatan = ?1),"
		     " (SELECT count(*) FROM device_key WHERE kecamatan = ?1),"
		     " (SELECT count(*) FROM ledger_row WHERE kecamatan = ?1),"
		     " (SELECT count(*) FROM punch WHERE kecamatan = ?1),"
		     " (SELECT count(*) FROM rule_file WHERE kecamatan = ?1)",
	[Q_COUNT] = "SELECT result, count(*) FROM import_log"
		    " WHERE kecamatan = ? GROUP BY result",
	[Q_USER_ADD] = "INSERT INTO web_user(name, role, kecamatan, pwhash,"
		       " disabled, created_utc, changed_utc)"
		       " VALUES(?, ?, ?, ?, ?, ?, ?)",
	[Q_USER_BY_NAME] = "SELECT " USER_COLS " FROM web_user WHERE name = ?",
	[Q_USER_BY_ID] = "SELECT " USER_COLS " FROM web_user WHERE id = ?",
	[Q_USER_UPDATE] = "UPDATE web_user SET pwhash = ?, disabled = ?,"
			  " changed_utc = ? WHERE id = ?",
	[Q_USER_ALL] = "SELECT " USER_COLS " FROM web_user ORDER BY name",
	[Q_SESSION_ADD] = "INSERT INTO web_session(" SESSION_COLS ")"
			  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	[Q_SESSION_GET] = "SELECT " SESSION_COLS " FROM web_session"
			  " WHERE token_hash = ?",
	[Q_SESSION_TOUCH] = "UPDATE web_session SET seen_utc = ?"
			    " WHERE token_hash = ?",
	[Q_SESSION_END] = "DELETE FROM web_session WHERE token_hash = ?",
	[Q_SESSION_END_USER] = "DELETE FROM web_session WHERE user_id = ?",
	[Q_SESSION_PURGE] = "DELETE FROM web_session WHERE expires_utc <= ?"
			    " OR seen_utc < ?",
	[Q_ACCESS_ADD] = "INSERT INTO web_access(at_utc, kecamatan, user_name,"
			 " address, action, subject, detail)"
			 " VALUES(?, ?, ?, ?, ?, ?, ?)",
	[Q_ACCESS_ALL] = "SELECT id, at_utc, kecamatan, user_name, address,"
			 " action, subject, detail FROM web_access"
			 " WHERE ?1 = 0 OR kecamatan = ?1"
			 " ORDER BY id DESC LIMIT ?2",
	[Q_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM device_state"
			 " WHERE key_id = ?",
	[Q_DEVICE_PUT] = "INSERT OR REPLACE INTO device_state(" DEVICE_COLS
			 ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			 " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_DEVICE_ALL] = "SELECT " DEVICE_COLS " FROM device_state"
			 " WHERE ?1 = 0 OR kecamatan = ?1"
			 " ORDER BY kecamatan, desa, key_id",
	[Q_KEY_ANY] = "SELECT kecamatan, " KEY_COLS " FROM device_key"
		      " WHERE public_key = ? ORDER BY id LIMIT 1",
	[Q_HEADS] = "SELECT k.id, k.desa, coalesce((SELECT max(r.seq)"
		    " FROM ledger_row r WHERE r.device = k.id), 0)"
		    " FROM device_key k WHERE k.kecamatan = ?"
		    " ORDER BY k.desa, k.id",
	[Q_PUB_ADD] = "INSERT INTO published_rule(kecamatan, kind, area, name,"
		      " version, from_day, published_utc, text, signature,"
		      " by_user) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_PUB_SIGN] = "UPDATE published_rule SET signature = ? WHERE id = ?",
	[Q_PUB_ALL] = "SELECT " PUB_COLS " FROM published_rule"
		      " WHERE (?1 = -1 OR kecamatan = ?1 OR kecamatan = 0)"
		      " AND id > ?2 ORDER BY id",
};
#define NSTMT (sizeof(sql) / sizeof(sql[0]))

struct sq_store {
	struct kec_store base; /* must be first */
	sqlite3 *db;
	sqlite3_stmt *s[NSTMT];
};

static struct sq_store *sq(struct kec_store *st)
{
	return (struct sq_store *)st;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT:
		return (rc == SQLITE_CONSTRAINT_UNIQUE ||
			rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			       ? -EEXIST
			       : -EIO;
	default:
		return -EIO;
	}
}

/* Logs the database's message once, here, and maps the code. */
static int fail(struct sq_store *q, int rc, const char *what)
{
	int e = map_rc(rc);

	if (e != -EEXIST)
		log_warnx("kecamatan store: %s: %s (sqlite %d)", what,
			  sqlite3_errmsg(q->db), rc);
	return e;
}

/* The prepared statement id, reset and unbound. */
static sqlite3_stmt *stmt(struct sq_store *q, enum sid id)
{
	sqlite3_stmt *s = q->s[id];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int run(struct sq_store *q, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(q, rc, what);
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* Steps s, calling each(s, fn, ud) per row; stops on its non-zero. */
typedef int row_fn(sqlite3_stmt *s, void *fn, void *ud);
static int rows(struct sq_store *q, sqlite3_stmt *s, row_fn *each, void *fn,
		void *ud, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rc = each(s, fn, ud);
		if (rc) {
			sqlite3_reset(s);
			return rc;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(q, rc, what);
}

static int exec_sql(struct sq_store *q, const char *text, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(q->db, text, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_warnx("kecamatan store: %s: %s", what,
			  msg ? msg : sqlite3_errmsg(q->db));
		sqlite3_free(msg);
		return map_rc(rc);
	}
	return 0;
}

static int migrate(struct sq_store *q)
{
	sqlite3_stmt *s;
	int v, rc;

	rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc, "user_version");
	rc = sqlite3_step(s);
	v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (v < 0)
		return fail(q, rc, "user_version");
	if (v > (int)(sizeof(migrations) / sizeof(migrations[0]))) {
		log_warnx("kecamatan store: schema %d is newer than this "
			  "program's %d",
			  v, KEC_SCHEMA_VERSION);
		return -EIO;
	}
	for (; v < (int)(sizeof(migrations) / sizeof(migrations[0])); v++) {
		char pragma[40];

		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 v + 1);
		rc = exec_sql(q, "BEGIN IMMEDIATE", "migrate");
		if (rc == 0)
			rc = exec_sql(q, migrations[v], "migrate");
		if (rc == 0)
			rc = exec_sql(q, pragma, "migrate");
		if (rc == 0)
			rc = exec_sql(q, "COMMIT", "migrate");
		if (rc) {
			(void)exec_sql(q, "ROLLBACK", "migrate rollback");
			return rc;
		}
	}
	return 0;
}

static void sq_close(struct kec_store *st)
{
	struct sq_store *q = sq(st);

	for (size_t i = 0; i < NSTMT; i++)
		sqlite3_finalize(q->s[i]);
	sqlite3_close(q->db);
	free(q);
}

static int sq_begin(struct kec_store *st)
{
	struct sq_store *q = sq(st);

	return run(q, stmt(q, Q_BEGIN), "begin");
}

static int sq_commit(struct kec_store *st)
{
	struct sq_store *q = sq(st);

	return run(q, stmt(q, Q_COMMIT), "commit");
}

static int sq_rollback(struct kec_store *st)
{
	struct sq_store *q = sq(st);

	if (sqlite3_get_autocommit(q->db))
		return 0; /* SQLite already rolled back */
	return run(q, stmt(q, Q_ROLLBACK), "rollback");
}

static int sq_kec_add(struct kec_store *st, struct kec_info *k)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_KEC_ADD);
	int rc;

	bind_text(s, 1, k->name);
	bind_text(s, 2, k->kabupaten);
	sqlite3_bind_int(s, 3, k->offset_min);
	sqlite3_bind_int(s, 4, k->deadline_mday);
	sqlite3_bind_int64(s, 5, k->created_utc);
	rc = run(q, s, "kecamatan insert");
	if (rc == 0)
		k->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int each_kec(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_info k;

	memset(&k, 0, sizeof(k));
	k.id = sqlite3_column_int64(s, 0);
	kec_store_copy(k.name, sizeof(k.name), col(s, 1));
	kec_store_copy(k.kabupaten, sizeof(k.kabupaten), col(s, 2));
	k.offset_min = sqlite3_column_int(s, 3);
	k.deadline_mday = sqlite3_column_int(s, 4);
	k.created_utc = sqlite3_column_int64(s, 5);
	return ((kec_info_fn *)fn)(ud, &k);
}

static int sq_kec_each(struct kec_store *st, kec_info_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);

	return rows(q, stmt(q, Q_KEC_ALL), each_kec, (void *)fn, ud,
		    "kecamatan list");
}

static int sq_desa_put(struct kec_store *st, int64_t kec,
		       const struct kec_desa *d)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_DESA_PUT);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, d->id);
	bind_text(s, 3, d->name);
	sqlite3_bind_int64(s, 4, d->registered_utc);
	return run(q, s, "desa insert");
}

static int each_desa(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_desa d;

	memset(&d, 0, sizeof(d));
	kec_store_copy(d.id, sizeof(d.id), col(s, 0));
	kec_store_copy(d.name, sizeof(d.name), col(s, 1));
	d.registered_utc = sqlite3_column_int64(s, 2);
	return ((kec_desa_fn *)fn)(ud, &d);
}

static int sq_desa_each(struct kec_store *st, int64_t kec, kec_desa_fn *fn,
			void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_DESA_ALL);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_desa, (void *)fn, ud, "desa list");
}

static int sq_key_add(struct kec_store *st, int64_t kec, struct kec_key *k)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_KEY_ADD);
	int rc;

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, k->desa);
	bind_text(s, 3, k->public_key);
	bind_text(s, 4, k->fingerprint);
	sqlite3_bind_int64(s, 5, k->trusted_utc);
	sqlite3_bind_int64(s, 6, k->replaced_utc);
	bind_text(s, 7, k->reason);
	bind_text(s, 8, k->by);
	rc = run(q, s, "device key insert");
	if (rc == 0)
		k->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_key_replace(struct kec_store *st, int64_t kec, const char *desa,
			  int64_t now_utc)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_KEY_REPLACE);

	sqlite3_bind_int64(s, 1, now_utc);
	sqlite3_bind_int64(s, 2, kec);
	bind_text(s, 3, desa);
	return run(q, s, "device key replace");
}

static int each_key(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_key k;

	memset(&k, 0, sizeof(k));
	k.id = sqlite3_column_int64(s, 0);
	kec_store_copy(k.desa, sizeof(k.desa), col(s, 1));
	kec_store_copy(k.public_key, sizeof(k.public_key), col(s, 2));
	kec_store_copy(k.fingerprint, sizeof(k.fingerprint), col(s, 3));
	k.trusted_utc = sqlite3_column_int64(s, 4);
	k.replaced_utc = sqlite3_column_int64(s, 5);
	kec_store_copy(k.reason, sizeof(k.reason), col(s, 6));
	kec_store_copy(k.by, sizeof(k.by), col(s, 7));
	return ((kec_key_fn *)fn)(ud, &k);
}

static int sq_key_each(struct kec_store *st, int64_t kec, const char *desa,
		       const char *public_key, kec_key_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_KEY_ALL);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, desa);
	bind_text(s, 3, public_key);
	return rows(q, s, each_key, (void *)fn, ud, "device key list");
}

static int sq_key_lock(struct kec_store *st, int64_t key_id)
{
	/* BEGIN IMMEDIATE holds the database's write lock already */
	(void)st;
	(void)key_id;
	return 0;
}

static int sq_audit_add(struct kec_store *st, int64_t kec, int64_t at_utc,
			const char *by, const char *action, const char *subject,
			const char *detail)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_AUDIT_ADD);

	sqlite3_bind_int64(s, 1, kec);
	sqlite3_bind_int64(s, 2, at_utc);
	bind_text(s, 3, by);
	bind_text(s, 4, action);
	bind_text(s, 5, subject);
	bind_text(s, 6, detail);
	return run(q, s, "audit insert");
}

static int each_audit(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_audit a;

	memset(&a, 0, sizeof(a));
	a.at_utc = sqlite3_column_int64(s, 0);
	kec_store_copy(a.by, sizeof(a.by), col(s, 1));
	kec_store_copy(a.action, sizeof(a.action), col(s, 2));
	kec_store_copy(a.subject, sizeof(a.subject), col(s, 3));
	kec_store_copy(a.detail, sizeof(a.detail), col(s, 4));
	return ((kec_audit_fn *)fn)(ud, &a);
}

static int sq_audit_each(struct kec_store *st, int64_t kec, kec_audit_fn *fn,
			 void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_AUDIT_ALL);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_audit, (void *)fn, ud, "audit list");
}

static int sq_import_add(struct kec_store *st, int64_t kec,
			 struct kec_import *r, const char *rekap_csv)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_IMPORT_ADD);
	int rc;

	sqlite3_bind_int64(s, 1, kec);
	sqlite3_bind_int64(s, 2, r->received_utc);
	bind_text(s, 3, r->file);
	bind_text(s, 4, r->sha256);
	sqlite3_bind_int(s, 5, (int)r->result);
	bind_text(s, 6, r->reason);
	bind_text(s, 7, r->desa);
	bind_text(s, 8, r->device);
	sqlite3_bind_int64(s, 9, r->key_id);
	bind_text(s, 10, r->period);
	sqlite3_bind_int(s, 11, r->complete);
	sqlite3_bind_int64(s, 12, r->first_seq);
	sqlite3_bind_int64(s, 13, r->last_seq);
	sqlite3_bind_int64(s, 14, r->rows_new);
	sqlite3_bind_int(s, 15, r->rekap_same);
	bind_text(s, 16, r->rekap_diff);
	bind_text(s, 17, rekap_csv);
	bind_text(s, 18, r->by);
	rc = run(q, s, "import log insert");
	if (rc == 0)
		r->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_import_rekap(struct kec_store *st, int64_t id, int same,
			   const char *diff)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_IMPORT_REKAP);

	sqlite3_bind_int(s, 1, same);
	bind_text(s, 2, diff);
	sqlite3_bind_int64(s, 3, id);
	return run(q, s, "import log rekap");
}

static int each_import(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_import r;

	memset(&r, 0, sizeof(r));
	r.id = sqlite3_column_int64(s, 0);
	r.received_utc = sqlite3_column_int64(s, 1);
	kec_store_copy(r.file, sizeof(r.file), col(s, 2));
	kec_store_copy(r.sha256, sizeof(r.sha256), col(s, 3));
	r.result = (enum kec_import_result)sqlite3_column_int(s, 4);
	kec_store_copy(r.reason, sizeof(r.reason), col(s, 5));
	kec_store_copy(r.desa, sizeof(r.desa), col(s, 6));
	kec_store_copy(r.device, sizeof(r.device), col(s, 7));
	r.key_id = sqlite3_column_int64(s, 8);
	kec_store_copy(r.period, sizeof(r.period), col(s, 9));
	r.complete = sqlite3_column_int(s, 10) != 0;
	r.first_seq = sqlite3_column_int64(s, 11);
	r.last_seq = sqlite3_column_int64(s, 12);
	r.rows_new = sqlite3_column_int64(s, 13);
	r.rekap_same = sqlite3_column_int(s, 14);
	kec_store_copy(r.rekap_diff, sizeof(r.rekap_diff), col(s, 15));
	kec_store_copy(r.by, sizeof(r.by), col(s, 16));
	return ((kec_import_fn *)fn)(ud, &r);
}

static int sq_import_each(struct kec_store *st, int64_t kec, const char *period,
			  kec_import_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_IMPORT_ALL);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, period);
	return rows(q, s, each_import, (void *)fn, ud, "import log list");
}

static int sq_head(struct kec_store *st, int64_t key_id, int64_t *seq,
		   char hash[PD_HASH_HEX])
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_HEAD);
	int rc;

	sqlite3_bind_int64(s, 1, key_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		kec_store_copy(hash, PD_HASH_HEX, col(s, 1));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		kec_store_copy(hash, PD_HASH_HEX, LEDGER_HASH_ZERO);
		rc = 0;
	} else {
		rc = fail(q, rc, "device head");
	}
	sqlite3_reset(s);
	return rc;
}

static int each_hash(sqlite3_stmt *s, void *fn, void *ud)
{
	return ((kec_hash_fn *)fn)(ud, sqlite3_column_int64(s, 0), col(s, 1));
}

static int sq_hash_each(struct kec_store *st, int64_t key_id, int64_t from,
			int64_t to, kec_hash_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_HASHES);

	sqlite3_bind_int64(s, 1, key_id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	return rows(q, s, each_hash, (void *)fn, ud, "row hashes");
}

static int sq_rows_add(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t key_id, int64_t import_id,
		       const struct ledger_row *r, size_t n)
{
	struct sq_store *q = sq(st);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *s = stmt(q, Q_ROW_ADD);

		sqlite3_bind_int64(s, 1, key_id);
		sqlite3_bind_int64(s, 2, r[i].seq);
		sqlite3_bind_int64(s, 3, kec);
		bind_text(s, 4, desa);
		bind_text(s, 5, r[i].kind);
		sqlite3_bind_int64(s, 6, r[i].recorded_utc);
		bind_text(s, 7, r[i].person);
		sqlite3_bind_int64(s, 8, r[i].at_utc);
		bind_text(s, 9, r[i].data);
		bind_text(s, 10, r[i].prev_hash);
		bind_text(s, 11, r[i].hash);
		sqlite3_bind_int64(s, 12, import_id);
		rc = run(q, s, "ledger row insert");
	}
	return rc;
}

static int sq_punches_add(struct kec_store *st, int64_t kec, const char *desa,
			  const struct kec_punch *p, size_t n)
{
	struct sq_store *q = sq(st);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *s = stmt(q, Q_PUNCH_ADD);

		sqlite3_bind_int64(s, 1, kec);
		bind_text(s, 2, desa);
		bind_text(s, 3, p[i].person);
		sqlite3_bind_int(s, 4, p[i].day);
		sqlite3_bind_int(s, 5, p[i].sec);
		sqlite3_bind_int64(s, 6, p[i].dev);
		sqlite3_bind_int64(s, 7, p[i].seq);
		sqlite3_bind_int(s, 8, (int)p[i].flags);
		rc = run(q, s, "punch insert");
	}
	return rc;
}

static int each_fact(sqlite3_stmt *s, void *fn, void *ud)
{
	struct ledger_row r;

	memset(&r, 0, sizeof(r));
	r.seq = sqlite3_column_int64(s, 1);
	kec_store_copy(r.kind, sizeof(r.kind), col(s, 2));
	r.recorded_utc = sqlite3_column_int64(s, 3);
	kec_store_copy(r.person, sizeof(r.person), col(s, 4));
	r.at_utc = sqlite3_column_int64(s, 5);
	kec_store_copy(r.data, sizeof(r.data), col(s, 6));
	kec_store_copy(r.prev_hash, sizeof(r.prev_hash), col(s, 7));
	kec_store_copy(r.hash, sizeof(r.hash), col(s, 8));
	return ((kec_row_fn *)fn)(ud, sqlite3_column_int64(s, 0), &r);
}

static int sq_facts_each(struct kec_store *st, int64_t kec, const char *desa,
			 const struct kec_bound *b, kec_row_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_FACTS);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, desa);
	sqlite3_bind_int64(s, 3, b->dev);
	sqlite3_bind_int64(s, 4, b->max_seq);
	return rows(q, s, each_fact, (void *)fn, ud, "facts list");
}

static int each_punch(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_punch p;

	p.dev = sqlite3_column_int64(s, 0);
	p.seq = sqlite3_column_int64(s, 1);
	kec_store_copy(p.person, sizeof(p.person), col(s, 2));
	p.day = sqlite3_column_int(s, 3);
	p.sec = sqlite3_column_int(s, 4);
	p.flags = (unsigned int)sqlite3_column_int(s, 5);
	return ((kec_punch_fn *)fn)(ud, &p);
}

static int sq_punch_scan(struct kec_store *st, int64_t kec, const char *desa,
			 pd_day_t first, pd_day_t last,
			 const struct kec_bound *b, kec_punch_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_PUNCHES);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, desa);
	sqlite3_bind_int(s, 3, first);
	sqlite3_bind_int(s, 4, last);
	sqlite3_bind_int64(s, 5, b->dev);
	sqlite3_bind_int64(s, 6, b->max_seq);
	return rows(q, s, each_punch, (void *)fn, ud, "punch scan");
}

static int each_last_row(sqlite3_stmt *s, void *fn, void *ud)
{
	/* NULL is 0 */
	return ((kec_last_row_fn *)fn)(ud, col(s, 0),
				       sqlite3_column_int64(s, 1));
}

static int sq_last_rows(struct kec_store *st, int64_t kec, kec_last_row_fn *fn,
			void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_LAST_ROWS);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_last_row, (void *)fn, ud, "last rows");
}

static int sq_last_row(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t *recorded_utc)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_LAST_ROW);
	int rc;

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, desa);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*recorded_utc = sqlite3_column_int64(s, 0); /* NULL is 0 */
		rc = 0;
	} else {
		rc = fail(q, rc, "last row");
	}
	sqlite3_reset(s);
	return rc;
}

static int sq_rule_put(struct kec_store *st, int64_t kec, const char *version,
		       const char *kind, const char *name, const char *text)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_RULE_PUT);

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, version);
	bind_text(s, 3, kind);
	bind_text(s, 4, name);
	bind_text(s, 5, text);
	return run(q, s, "rule file insert");
}

static int sq_rule_get(struct kec_store *st, int64_t kec, const char *version,
		       char **text)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_RULE_GET);
	int rc;

	sqlite3_bind_int64(s, 1, kec);
	bind_text(s, 2, version);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*text = strdup(col(s, 0));
		rc = *text ? 0 : -ENOMEM;
	} else if (rc == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = fail(q, rc, "rule file");
	}
	sqlite3_reset(s);
	return rc;
}

static int sq_office_add(struct kec_store *st, int64_t kec,
			 const struct kec_office *o, int64_t at_utc,
			 const char *by)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_OFFICE_ADD);

	sqlite3_bind_int64(s, 1, kec);
	sqlite3_bind_int(s, 2, o->file);
	bind_text(s, 3, o->version);
	bind_text(s, 4, o->name);
	bind_text(s, 5, o->file ? o->text : "");
	sqlite3_bind_int(s, 6, o->day);
	bind_text(s, 7, o->kind);
	sqlite3_bind_int64(s, 8, at_utc);
	bind_text(s, 9, by);
	return run(q, s, "office calendar insert");
}

static int each_office(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_office o;

	memset(&o, 0, sizeof(o));
	o.file = sqlite3_column_int(s, 0) != 0;
	kec_store_copy(o.version, sizeof(o.version), col(s, 1));
	kec_store_copy(o.name, sizeof(o.name), col(s, 2));
	o.text = col(s, 3);
	o.day = sqlite3_column_int(s, 4);
	kec_store_copy(o.kind, sizeof(o.kind), col(s, 5));
	return ((kec_office_fn *)fn)(ud, &o);
}

static int sq_office_each(struct kec_store *st, int64_t kec, kec_office_fn *fn,
			  void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_OFFICE_ALL);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_office, (void *)fn, ud, "office calendar");
}

static int sq_counts(struct kec_store *st, int64_t kec, struct kec_counts *out)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_COUNTS);
	int rc;

	sqlite3_bind_int64(s, 1, kec);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = fail(q, rc, "counts");
		sqlite3_reset(s);
		return rc;
	}
	out->desa = sqlite3_column_int64(s, 0);
	out->keys = sqlite3_column_int64(s, 1);
	out->rows = sqlite3_column_int64(s, 2);
	out->punches = sqlite3_column_int64(s, 3);
	out->rules = sqlite3_column_int64(s, 4);
	sqlite3_reset(s);
	s = stmt(q, Q_COUNT);
	sqlite3_bind_int64(s, 1, kec);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(s, 1);

		switch (sqlite3_column_int(s, 0)) {
		case KEC_IMPORT_OK:
			out->imports_ok = n;
			break;
		case KEC_IMPORT_DUPLICATE:
			out->imports_duplicate = n;
			break;
		default:
			out->imports_refused += n;
			break;
		}
		out->imports += n;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(q, rc, "import counts");
}

/* ---- schema 2: the server ---- */

static int sq_user_add(struct kec_store *st, struct kec_user *u)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_USER_ADD);
	int rc;

	bind_text(s, 1, u->name);
	bind_text(s, 2, kec_role_name(u->role));
	sqlite3_bind_int64(s, 3, u->kec);
	bind_text(s, 4, u->pwhash);
	sqlite3_bind_int(s, 5, u->disabled);
	sqlite3_bind_int64(s, 6, u->created_utc);
	sqlite3_bind_int64(s, 7, u->changed_utc);
	rc = run(q, s, "user insert");
	if (rc == 0)
		u->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int each_user(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_user u;

	memset(&u, 0, sizeof(u));
	u.id = sqlite3_column_int64(s, 0);
	kec_store_copy(u.name, sizeof(u.name), col(s, 1));
	if (kec_role_parse(col(s, 2), &u.role) != 0)
		u.role = KEC_ROLE_OPERATOR; /* never more than asked */
	u.kec = sqlite3_column_int64(s, 3);
	kec_store_copy(u.pwhash, sizeof(u.pwhash), col(s, 4));
	u.disabled = sqlite3_column_int(s, 5) != 0;
	u.created_utc = sqlite3_column_int64(s, 6);
	u.changed_utc = sqlite3_column_int64(s, 7);
	return ((kec_user_fn *)fn)(ud, &u);
}

static int copy_user(void *ud, const struct kec_user *u)
{
	*(struct kec_user *)ud = *u;
	return 1;
}

static int sq_user_get(struct kec_store *st, const char *name, int64_t id,
		       struct kec_user *out)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, name ? Q_USER_BY_NAME : Q_USER_BY_ID);
	int rc;

	if (name)
		bind_text(s, 1, name);
	else
		sqlite3_bind_int64(s, 1, id);
	rc = rows(q, s, each_user, (void *)copy_user, out, "user");
	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

static int sq_user_update(struct kec_store *st, const struct kec_user *u)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_USER_UPDATE);
	int rc;

	bind_text(s, 1, u->pwhash);
	sqlite3_bind_int(s, 2, u->disabled);
	sqlite3_bind_int64(s, 3, u->changed_utc);
	sqlite3_bind_int64(s, 4, u->id);
	rc = run(q, s, "user update");
	if (rc == 0 && sqlite3_changes(q->db) == 0)
		rc = -ENOENT;
	return rc;
}

static int sq_user_each(struct kec_store *st, kec_user_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);

	return rows(q, stmt(q, Q_USER_ALL), each_user, (void *)fn, ud,
		    "user list");
}

static int sq_session_add(struct kec_store *st, const struct kec_session *x)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_SESSION_ADD);

	bind_text(s, 1, x->token_hash);
	sqlite3_bind_int64(s, 2, x->user);
	bind_text(s, 3, x->csrf);
	sqlite3_bind_int64(s, 4, x->created_utc);
	sqlite3_bind_int64(s, 5, x->seen_utc);
	sqlite3_bind_int64(s, 6, x->expires_utc);
	bind_text(s, 7, x->address);
	return run(q, s, "session insert");
}

static int sq_session_get(struct kec_store *st, const char *token_hash,
			  struct kec_session *out)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_SESSION_GET);
	int rc;

	bind_text(s, 1, token_hash);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		kec_store_copy(out->token_hash, sizeof(out->token_hash),
			       col(s, 0));
		out->user = sqlite3_column_int64(s, 1);
		kec_store_copy(out->csrf, sizeof(out->csrf), col(s, 2));
		out->created_utc = sqlite3_column_int64(s, 3);
		out->seen_utc = sqlite3_column_int64(s, 4);
		out->expires_utc = sqlite3_column_int64(s, 5);
		kec_store_copy(out->address, sizeof(out->address), col(s, 6));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = fail(q, rc, "session");
	}
	sqlite3_reset(s);
	return rc;
}

static int sq_session_touch(struct kec_store *st, const char *token_hash,
			    int64_t seen_utc)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_SESSION_TOUCH);

	sqlite3_bind_int64(s, 1, seen_utc);
	bind_text(s, 2, token_hash);
	return run(q, s, "session touch");
}

static int sq_session_end(struct kec_store *st, const char *token_hash,
			  int64_t user)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s;

	if (token_hash) {
		s = stmt(q, Q_SESSION_END);
		bind_text(s, 1, token_hash);
	} else {
		s = stmt(q, Q_SESSION_END_USER);
		sqlite3_bind_int64(s, 1, user);
	}
	return run(q, s, "session end");
}

static int sq_session_purge(struct kec_store *st, int64_t now_utc,
			    int64_t idle_since)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_SESSION_PURGE);

	sqlite3_bind_int64(s, 1, now_utc);
	sqlite3_bind_int64(s, 2, idle_since);
	return run(q, s, "session purge");
}

static int sq_access_add(struct kec_store *st, struct kec_access *a)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_ACCESS_ADD);
	int rc;

	sqlite3_bind_int64(s, 1, a->at_utc);
	sqlite3_bind_int64(s, 2, a->kec);
	bind_text(s, 3, a->user);
	bind_text(s, 4, a->address);
	bind_text(s, 5, a->action);
	bind_text(s, 6, a->subject);
	bind_text(s, 7, a->detail);
	rc = run(q, s, "access log insert");
	if (rc == 0)
		a->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int each_access(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_access a;

	memset(&a, 0, sizeof(a));
	a.id = sqlite3_column_int64(s, 0);
	a.at_utc = sqlite3_column_int64(s, 1);
	a.kec = sqlite3_column_int64(s, 2);
	kec_store_copy(a.user, sizeof(a.user), col(s, 3));
	kec_store_copy(a.address, sizeof(a.address), col(s, 4));
	kec_store_copy(a.action, sizeof(a.action), col(s, 5));
	kec_store_copy(a.subject, sizeof(a.subject), col(s, 6));
	kec_store_copy(a.detail, sizeof(a.detail), col(s, 7));
	return ((kec_access_fn *)fn)(ud, &a);
}

static int sq_access_each(struct kec_store *st, int64_t kec, int64_t limit,
			  kec_access_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_ACCESS_ALL);

	sqlite3_bind_int64(s, 1, kec);
	sqlite3_bind_int64(s, 2, limit);
	return rows(q, s, each_access, (void *)fn, ud, "access log");
}

static int each_device(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_device_state d;
	int i = 0;

	memset(&d, 0, sizeof(d));
	d.key_id = sqlite3_column_int64(s, i++);
	d.kec = sqlite3_column_int64(s, i++);
	kec_store_copy(d.desa, sizeof(d.desa), col(s, i++));
	d.push_channel = sqlite3_column_int64(s, i++);
	d.last_push_utc = sqlite3_column_int64(s, i++);
	d.last_bundle_utc = sqlite3_column_int64(s, i++);
	d.pushes = sqlite3_column_int64(s, i++);
	d.last_punch_utc = sqlite3_column_int64(s, i++);
	d.last_reader_utc = sqlite3_column_int64(s, i++);
	d.clock_trusted = sqlite3_column_int(s, i++);
	d.health_utc = sqlite3_column_int64(s, i++);
	d.disk_free = sqlite3_column_int64(s, i++);
	d.reader_errors = sqlite3_column_int64(s, i++);
	d.uptime_s = sqlite3_column_int64(s, i++);
	d.untrusted = sqlite3_column_int64(s, i++);
	kec_store_copy(d.software, sizeof(d.software), col(s, i++));
	kec_store_copy(d.profile_version, sizeof(d.profile_version),
		       col(s, i++));
	kec_store_copy(d.profile_name, sizeof(d.profile_name), col(s, i++));
	d.profile_from = sqlite3_column_int(s, i++);
	kec_store_copy(d.calendar_version, sizeof(d.calendar_version),
		       col(s, i++));
	kec_store_copy(d.calendar_name, sizeof(d.calendar_name), col(s, i++));
	kec_store_copy(d.last_error, sizeof(d.last_error), col(s, i++));
	d.last_error_utc = sqlite3_column_int64(s, i++);
	return ((kec_device_fn *)fn)(ud, &d);
}

static int copy_device(void *ud, const struct kec_device_state *d)
{
	*(struct kec_device_state *)ud = *d;
	return 1;
}

static int sq_device_get(struct kec_store *st, int64_t key_id,
			 struct kec_device_state *out)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_DEVICE_GET);
	int rc;

	sqlite3_bind_int64(s, 1, key_id);
	rc = rows(q, s, each_device, (void *)copy_device, out, "device state");
	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

static int sq_device_put(struct kec_store *st, const struct kec_device_state *d)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_DEVICE_PUT);
	int i = 1;

	sqlite3_bind_int64(s, i++, d->key_id);
	sqlite3_bind_int64(s, i++, d->kec);
	bind_text(s, i++, d->desa);
	sqlite3_bind_int64(s, i++, d->push_channel);
	sqlite3_bind_int64(s, i++, d->last_push_utc);
	sqlite3_bind_int64(s, i++, d->last_bundle_utc);
	sqlite3_bind_int64(s, i++, d->pushes);
	sqlite3_bind_int64(s, i++, d->last_punch_utc);
	sqlite3_bind_int64(s, i++, d->last_reader_utc);
	sqlite3_bind_int(s, i++, d->clock_trusted);
	sqlite3_bind_int64(s, i++, d->health_utc);
	sqlite3_bind_int64(s, i++, d->disk_free);
	sqlite3_bind_int64(s, i++, d->reader_errors);
	sqlite3_bind_int64(s, i++, d->uptime_s);
	sqlite3_bind_int64(s, i++, d->untrusted);
	bind_text(s, i++, d->software);
	bind_text(s, i++, d->profile_version);
	bind_text(s, i++, d->profile_name);
	sqlite3_bind_int(s, i++, d->profile_from);
	bind_text(s, i++, d->calendar_version);
	bind_text(s, i++, d->calendar_name);
	bind_text(s, i++, d->last_error);
	sqlite3_bind_int64(s, i++, d->last_error_utc);
	return run(q, s, "device state");
}

static int sq_device_each(struct kec_store *st, int64_t kec, kec_device_fn *fn,
			  void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_DEVICE_ALL);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_device, (void *)fn, ud, "device states");
}

struct key_any {
	int64_t *kec;
	struct kec_key *out;
};

static int each_key_any(sqlite3_stmt *s, void *fn, void *ud)
{
	struct key_any *k = ud;

	(void)fn;
	*k->kec = sqlite3_column_int64(s, 0);
	memset(k->out, 0, sizeof(*k->out));
	k->out->id = sqlite3_column_int64(s, 1);
	kec_store_copy(k->out->desa, sizeof(k->out->desa), col(s, 2));
	kec_store_copy(k->out->public_key, sizeof(k->out->public_key),
		       col(s, 3));
	kec_store_copy(k->out->fingerprint, sizeof(k->out->fingerprint),
		       col(s, 4));
	k->out->trusted_utc = sqlite3_column_int64(s, 5);
	k->out->replaced_utc = sqlite3_column_int64(s, 6);
	kec_store_copy(k->out->reason, sizeof(k->out->reason), col(s, 7));
	kec_store_copy(k->out->by, sizeof(k->out->by), col(s, 8));
	return 1;
}

static int sq_key_find_any(struct kec_store *st, const char *public_key,
			   int64_t *kec, struct kec_key *out)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_KEY_ANY);
	struct key_any k = {kec, out};
	int rc;

	bind_text(s, 1, public_key);
	rc = rows(q, s, each_key_any, NULL, &k, "device key");
	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

static int each_head(sqlite3_stmt *s, void *fn, void *ud)
{
	return ((kec_head_fn *)fn)(ud, sqlite3_column_int64(s, 0), col(s, 1),
				   sqlite3_column_int64(s, 2));
}

static int sq_heads_each(struct kec_store *st, int64_t kec, kec_head_fn *fn,
			 void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_HEADS);

	sqlite3_bind_int64(s, 1, kec);
	return rows(q, s, each_head, (void *)fn, ud, "device heads");
}

static int sq_published_add(struct kec_store *st, struct kec_published *p,
			    const char *text)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_PUB_ADD);
	int rc;

	sqlite3_bind_int64(s, 1, p->kec);
	bind_text(s, 2, p->kind);
	bind_text(s, 3, p->area);
	bind_text(s, 4, p->name);
	bind_text(s, 5, p->version);
	sqlite3_bind_int(s, 6, p->from_day);
	sqlite3_bind_int64(s, 7, p->published_utc);
	bind_text(s, 8, text);
	bind_text(s, 9, p->signature);
	bind_text(s, 10, p->by);
	rc = run(q, s, "published rule insert");
	if (rc == 0)
		p->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_published_sign(struct kec_store *st, int64_t id,
			     const char *signature)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_PUB_SIGN);
	int rc;

	bind_text(s, 1, signature);
	sqlite3_bind_int64(s, 2, id);
	rc = run(q, s, "published rule sign");
	if (rc == 0 && sqlite3_changes(q->db) == 0)
		rc = -ENOENT;
	return rc;
}

static int each_published(sqlite3_stmt *s, void *fn, void *ud)
{
	struct kec_published p;

	memset(&p, 0, sizeof(p));
	p.id = sqlite3_column_int64(s, 0);
	p.kec = sqlite3_column_int64(s, 1);
	kec_store_copy(p.kind, sizeof(p.kind), col(s, 2));
	kec_store_copy(p.area, sizeof(p.area), col(s, 3));
	kec_store_copy(p.name, sizeof(p.name), col(s, 4));
	kec_store_copy(p.version, sizeof(p.version), col(s, 5));
	p.from_day = sqlite3_column_int(s, 6);
	p.published_utc = sqlite3_column_int64(s, 7);
	p.text = col(s, 8);
	kec_store_copy(p.signature, sizeof(p.signature), col(s, 9));
	kec_store_copy(p.by, sizeof(p.by), col(s, 10));
	return ((kec_published_fn *)fn)(ud, &p);
}

static int sq_published_each(struct kec_store *st, int64_t kec, int64_t after,
			     kec_published_fn *fn, void *ud)
{
	struct sq_store *q = sq(st);
	sqlite3_stmt *s = stmt(q, Q_PUB_ALL);

	sqlite3_bind_int64(s, 1, kec);
	sqlite3_bind_int64(s, 2, after);
	return rows(q, s, each_published, (void *)fn, ud, "published rules");
}

static const struct kec_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.kec_add = sq_kec_add,
	.kec_each = sq_kec_each,
	.desa_put = sq_desa_put,
	.desa_each = sq_desa_each,
	.key_add = sq_key_add,
	.key_replace = sq_key_replace,
	.key_each = sq_key_each,
	.key_lock = sq_key_lock,
	.audit_add = sq_audit_add,
	.audit_each = sq_audit_each,
	.import_add = sq_import_add,
	.import_rekap = sq_import_rekap,
	.import_each = sq_import_each,
	.head = sq_head,
	.hash_each = sq_hash_each,
	.rows_add = sq_rows_add,
	.punches_add = sq_punches_add,
	.facts_each = sq_facts_each,
	.punch_scan = sq_punch_scan,
	.last_row = sq_last_row,
	.last_rows = sq_last_rows,
	.rule_put = sq_rule_put,
	.rule_get = sq_rule_get,
	.office_add = sq_office_add,
	.office_each = sq_office_each,
	.counts = sq_counts,
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_update = sq_user_update,
	.user_each = sq_user_each,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_end = sq_session_end,
	.session_purge = sq_session_purge,
	.access_add = sq_access_add,
	.access_each = sq_access_each,
	.device_get = sq_device_get,
	.device_put = sq_device_put,
	.device_each = sq_device_each,
	.key_find_any = sq_key_find_any,
	.heads_each = sq_heads_each,
	.published_add = sq_published_add,
	.published_sign = sq_published_sign,
	.published_each = sq_published_each,
};

int kec_store_sqlite_open(const char *path, struct kec_store **out)
{
	struct sq_store *q = calloc(1, sizeof(*q));
	int rc;

	if (!q)
		return -ENOMEM;
	q->base.ops = &sqlite_ops;
	rc = sqlite3_open_v2(path, &q->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		if (q->db)
			log_warnx("kecamatan store: cannot open %s: %s", path,
				  sqlite3_errmsg(q->db));
		rc = q->db ? map_rc(rc) : -ENOMEM;
		goto err_close;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	rc = exec_sql(q, "PRAGMA journal_mode = WAL", "WAL");
	if (rc == 0)
		rc = exec_sql(q, "PRAGMA synchronous = FULL", "synchronous");
	if (rc == 0)
		rc = exec_sql(q, "PRAGMA foreign_keys = ON", "foreign keys");
	if (rc == 0)
		rc = migrate(q);
	for (size_t i = 0; rc == 0 && i < NSTMT; i++) {
		int prc = sqlite3_prepare_v3(q->db, sql[i], -1,
					     SQLITE_PREPARE_PERSISTENT,
					     &q->s[i], NULL);

		if (prc != SQLITE_OK)
			rc = fail(q, prc, sql[i]);
	}
	if (rc)
		goto err_close;
	*out = &q->base;
	return 0;
err_close:
	sq_close(&q->base);
	return rc;
}
