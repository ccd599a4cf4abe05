/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_store_pg.c: the kecamatan store on PostgreSQL, for a kabupaten or a
 * province that hosts every kecamatan on one server.  The only includer
 * of libpq-fe.h.  The schema is created in one transaction under an
 * advisory lock (two first starts do not race); statements are prepared
 * once per connection; rows and punches of a bundle go in with COPY.
 * Names and ids that reports sort are COLLATE "C", so the order is the
 * bytes' order, strcmp's, as the report builder needs.
 */
#include "kec_store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"

#define MIGRATE_LOCK 7315011	  /* pg_advisory_xact_lock key of the schema */
#define PARAMS_MAX   24		  /* parameters of the longest statement */
#define NUM_MAX	     24		  /* an int64 in decimal, sign, NUL */
#define COPY_BUF     (256 * 1024) /* bytes sent per PQputCopyData */

static const char schema[] =
	"CREATE TABLE kecamatan(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	" kabupaten TEXT NOT NULL, offset_min INTEGER NOT NULL,"
	" deadline_mday INTEGER NOT NULL, created_utc BIGINT NOT NULL);"
	"CREATE TABLE desa(kecamatan BIGINT NOT NULL REFERENCES kecamatan(id),"
	" id TEXT COLLATE \"C\" NOT NULL, name TEXT NOT NULL,"
	" registered_utc BIGINT NOT NULL, PRIMARY KEY(kecamatan, id));"
	"CREATE TABLE device_key(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, kecamatan BIGINT NOT NULL,"
	" desa TEXT COLLATE \"C\" NOT NULL, public_key TEXT NOT NULL,"
	" fingerprint TEXT NOT NULL, trusted_utc BIGINT NOT NULL,"
	" replaced_utc BIGINT NOT NULL, reason TEXT NOT NULL,"
	" by_user TEXT NOT NULL, UNIQUE(kecamatan, public_key),"
	" FOREIGN KEY(kecamatan, desa) REFERENCES desa(kecamatan, id));"
	"CREATE TABLE audit(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" kecamatan BIGINT NOT NULL REFERENCES kecamatan(id),"
	" at_utc BIGINT NOT NULL, by_user TEXT NOT NULL,"
	" action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE TABLE import_log(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, kecamatan BIGINT NOT NULL REFERENCES kecamatan(id),"
	" received_utc BIGINT NOT NULL, file TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, result INTEGER NOT NULL, reason TEXT NOT NULL,"
	" desa TEXT COLLATE \"C\" NOT NULL, device TEXT NOT NULL,"
	" key_id BIGINT NOT NULL, period TEXT NOT NULL,"
	" complete BOOLEAN NOT NULL, first_seq BIGINT NOT NULL,"
	" last_seq BIGINT NOT NULL, rows_new BIGINT NOT NULL,"
	" rekap_same INTEGER NOT NULL, rekap_diff TEXT NOT NULL,"
	" rekap_csv TEXT, by_user TEXT NOT NULL);"
	"CREATE INDEX import_period ON import_log(kecamatan, period, id);"
	"CREATE TABLE ledger_row(device BIGINT NOT NULL"
	" REFERENCES device_key(id), seq BIGINT NOT NULL,"
	" kecamatan BIGINT NOT NULL, desa TEXT COLLATE \"C\" NOT NULL,"
	" kind TEXT NOT NULL, recorded_utc BIGINT NOT NULL,"
	" person TEXT COLLATE \"C\" NOT NULL, at_utc BIGINT NOT NULL,"
	" data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,"
	" import_id BIGINT NOT NULL REFERENCES import_log(id),"
	" PRIMARY KEY(device, seq));"
	"CREATE INDEX ledger_facts ON ledger_row(kecamatan, desa, device, seq)"
	" WHERE kind <> 'punch';"
	"CREATE INDEX ledger_recent ON ledger_row(kecamatan, desa,"
	" recorded_utc);"
	"CREATE FUNCTION kec_ledger_frozen() RETURNS trigger LANGUAGE plpgsql"
	" AS $$BEGIN RAISE EXCEPTION 'ledger rows are never changed'; END$$;"
	"CREATE TRIGGER ledger_row_frozen BEFORE UPDATE OR DELETE ON ledger_row"
	" FOR EACH ROW EXECUTE FUNCTION kec_ledger_frozen();"
	"CREATE TABLE punch(kecamatan BIGINT NOT NULL,"
	" desa TEXT COLLATE \"C\" NOT NULL, person TEXT COLLATE \"C\" NOT NULL,"
	" day INTEGER NOT NULL, sec INTEGER NOT NULL, device BIGINT NOT NULL,"
	" seq BIGINT NOT NULL, flags INTEGER NOT NULL,"
	" PRIMARY KEY(kecamatan, desa, person, day, sec, device, seq),"
	" FOREIGN KEY(device, seq) REFERENCES ledger_row(device, seq));"
	"CREATE TABLE rule_file(kecamatan BIGINT NOT NULL,"
	" version TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
	" text TEXT NOT NULL, PRIMARY KEY(kecamatan, version));"
	"CREATE TABLE office_calendar(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, kecamatan BIGINT NOT NULL REFERENCES kecamatan(id),"
	" file BOOLEAN NOT NULL, version TEXT NOT NULL, name TEXT NOT NULL,"
	" text TEXT NOT NULL, day INTEGER NOT NULL, kind TEXT NOT NULL,"
	" at_utc BIGINT NOT NULL, by_user TEXT NOT NULL);"
	"INSERT INTO kec_meta(key, value) VALUES('schema', '1');";

/* Schema 2: the server (kecamatand); punches by day for today's page. */
static const char schema2[] =
	"CREATE INDEX punch_day ON punch(kecamatan, desa, day);"
	"CREATE TABLE web_user(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	" role TEXT NOT NULL, kecamatan BIGINT NOT NULL, pwhash TEXT NOT NULL,"
	" disabled BOOLEAN NOT NULL, created_utc BIGINT NOT NULL,"
	" changed_utc BIGINT NOT NULL);"
	"CREATE TABLE web_session(token_hash TEXT PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES web_user(id),"
	" csrf TEXT NOT NULL, created_utc BIGINT NOT NULL,"
	" seen_utc BIGINT NOT NULL, expires_utc BIGINT NOT NULL,"
	" address TEXT NOT NULL);"
	"CREATE INDEX web_session_user ON web_session(user_id);"
	"CREATE TABLE web_access(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, at_utc BIGINT NOT NULL, kecamatan BIGINT NOT NULL,"
	" user_name TEXT NOT NULL, address TEXT NOT NULL,"
	" action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE INDEX web_access_kec ON web_access(kecamatan, id);"
	"CREATE TABLE device_state(key_id BIGINT PRIMARY KEY"
	" REFERENCES device_key(id), kecamatan BIGINT NOT NULL,"
	" desa TEXT COLLATE \"C\" NOT NULL, push_channel BIGINT NOT NULL,"
	" last_push_utc BIGINT NOT NULL, last_bundle_utc BIGINT NOT NULL,"
	" pushes BIGINT NOT NULL, last_punch_utc BIGINT NOT NULL,"
	" last_reader_utc BIGINT NOT NULL, clock_trusted INTEGER NOT NULL,"
	" health_utc BIGINT NOT NULL, disk_free BIGINT NOT NULL,"
	" reader_errors BIGINT NOT NULL, uptime_s BIGINT NOT NULL,"
	" untrusted BIGINT NOT NULL, software TEXT NOT NULL,"
	" profile_version TEXT NOT NULL, profile_name TEXT NOT NULL,"
	" profile_from INTEGER NOT NULL, calendar_version TEXT NOT NULL,"
	" calendar_name TEXT NOT NULL, last_error TEXT NOT NULL,"
	" last_error_utc BIGINT NOT NULL);"
	"CREATE TABLE published_rule(id BIGINT GENERATED ALWAYS AS IDENTITY"
	" PRIMARY KEY, kecamatan BIGINT NOT NULL, kind TEXT NOT NULL,"
	" area TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,"
	" from_day INTEGER NOT NULL, published_utc BIGINT NOT NULL,"
	" text TEXT NOT NULL, signature TEXT NOT NULL,"
	" by_user TEXT NOT NULL);"
	"UPDATE kec_meta SET value = '2' WHERE key = 'schema';";

enum pid {
	P_KEC_ADD,
	P_KEC_ALL,
	P_DESA_PUT,
	P_DESA_ALL,
	P_KEY_ADD,
	P_KEY_REPLACE,
	P_KEY_ALL,
	P_KEY_LOCK,
	P_AUDIT_ADD,
	P_AUDIT_ALL,
	P_IMPORT_ADD,
	P_IMPORT_REKAP,
	P_IMPORT_ALL,
	P_HEAD,
	P_HASHES,
	P_FACTS,
	P_PUNCHES,
	P_LAST_ROW,
	P_LAST_ROWS,
	P_RULE_PUT,
	P_RULE_GET,
	P_OFFICE_ADD,
	P_OFFICE_ALL,
	P_COUNTS,
	P_COUNT,
	P_USER_ADD,
	P_USER_BY_NAME,
	P_USER_BY_ID,
	P_USER_UPDATE,
	P_USER_ALL,
	P_SESSION_ADD,
	P_SESSION_GET,
	P_SESSION_TOUCH,
	P_SESSION_END,
	P_SESSION_END_USER,
	P_SESSION_PURGE,
	P_ACCESS_ADD,
	P_ACCESS_ALL,
	P_DEVICE_GET,
	P_DEVICE_PUT,
	P_DEVICE_ALL,
	P_KEY_ANY,
	P_HEADS,
	P_PUB_ADD,
	P_PUB_SIGN,
	P_PUB_ALL,
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
	[P_KEC_ADD] = "INSERT INTO kecamatan(name, kabupaten, offset_min,"
		      " deadline_mday, created_utc) VALUES($1, $2, $3, $4, $5)"
		      " RETURNING id",
	[P_KEC_ALL] = "SELECT id, name, kabupaten, offset_min, deadline_mday,"
		      " created_utc FROM kecamatan ORDER BY name",
	[P_DESA_PUT] = "INSERT INTO desa(kecamatan, id, name, registered_utc)"
		       " VALUES($1, $2, $3, $4) ON CONFLICT(kecamatan, id)"
		       " DO UPDATE SET name = excluded.name",
	[P_DESA_ALL] = "SELECT id, name, registered_utc FROM desa"
		       " WHERE kecamatan = $1 ORDER BY id",
	[P_KEY_ADD] =
		"INSERT INTO device_key(kecamatan, desa, public_key,"
		" fingerprint, trusted_utc, replaced_utc, reason, by_user)"
		" VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	[P_KEY_REPLACE] = "UPDATE device_key SET replaced_utc = $1"
			  " WHERE kecamatan = $2 AND desa = $3"
			  " AND replaced_utc = 0",
	[P_KEY_ALL] = "SELECT " KEY_COLS " FROM device_key"
		      " WHERE kecamatan = $1"
		      " AND ($2::text IS NULL OR desa = $2)"
		      " AND ($3::text IS NULL OR public_key = $3) ORDER BY id",
	[P_KEY_LOCK] = "SELECT id FROM device_key WHERE id = $1 FOR UPDATE",
	[P_AUDIT_ADD] = "INSERT INTO audit(kecamatan, at_utc, by_user, action,"
			" subject, detail) VALUES($1, $2, $3, $4, $5, $6)",
	[P_AUDIT_ALL] = "SELECT at_utc, by_user, action, subject, detail"
			" FROM audit WHERE kecamatan = $1 ORDER BY id",
	[P_IMPORT_ADD] = "INSERT INTO import_log(kecamatan, received_utc,"
			 " file, sha256, result, reason, desa, device,"
			 " key_id, period, complete, first_seq, last_seq,"
			 " rows_new, rekap_same, rekap_diff, rekap_csv,"
			 " by_user) VALUES($1, $2, $3, $4, $5, $6, $7, $8,"
			 " $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
			 " RETURNING id",
	[P_IMPORT_REKAP] = "UPDATE import_log SET rekap_same = $1,"
			   " rekap_diff = $2 WHERE id = $3",
	[P_IMPORT_ALL] = "SELECT " IMPORT_COLS " FROM import_log"
			 " WHERE kecamatan = $1"
			 " AND ($2::text IS NULL OR period = $2) ORDER BY id",
	[P_HEAD] = "SELECT seq, hash FROM ledger_row WHERE device = $1"
		   " ORDER BY seq DESC LIMIT 1",
	[P_HASHES] = "SELECT seq, hash FROM ledger_row WHERE device = $1"
		     " AND seq BETWEEN $2 AND $3 ORDER BY seq",
	[P_FACTS] = "SELECT device, seq, kind, recorded_utc, person, at_utc,"
		    " data, prev_hash, hash FROM ledger_row"
		    " WHERE kecamatan = $1 AND desa = $2 AND kind <> 'punch'"
		    " AND ($3::bigint = 0 OR (device = $3::bigint"
		    " AND seq <= $4::bigint))"
		    " ORDER BY device, seq",
	[P_PUNCHES] = "SELECT device, seq, person, day, sec, flags FROM punch"
		      " WHERE kecamatan = $1 AND desa = $2"
		      " AND day BETWEEN $3 AND $4"
		      " AND ($5::bigint = 0 OR (device = $5::bigint"
		      " AND seq <= $6::bigint))"
		      " ORDER BY person, day, sec, device, seq",
	[P_LAST_ROW] = "SELECT coalesce(max(recorded_utc), 0) FROM ledger_row"
		       " WHERE kecamatan = $1 AND desa = $2",
	[P_LAST_ROWS] = "SELECT d.id, coalesce((SELECT max(r.recorded_utc)"
			" FROM ledger_row r WHERE r.kecamatan = $1"
			" AND r.desa = d.id), 0) FROM desa d"
			" WHERE d.kecamatan = $1 ORDER BY d.id",
	[P_RULE_PUT] = "INSERT INTO rule_file(kecamatan, version, kind, name,"
		       " text) VALUES($1, $2, $3, $4, $5)"
		       " ON CONFLICT(kecamatan, version) DO NOTHING",
	[P_RULE_GET] = "SELECT text FROM rule_file"
		       " WHERE kecamatan = $1 AND version = $2",
	[P_OFFICE_ADD] = "INSERT INTO office_calendar(kecamatan, file,"
			 " version, name, text, day, kind, at_utc, by_user)"
			 " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	[P_OFFICE_ALL] = "SELECT file, version, name, text, day, kind"
			 " FROM office_calendar WHERE kecamatan = $1"
			 " ORDER BY id",
	[P_COUNTS] = "SELECT (SELECT count(*) FROM desa WHERE kecamatan = $1),"
		     " (SELECT count(*) FROM device_key WHERE kecamatan = $1),"
		     " (SELECT count(*) FROM ledger_row WHERE kecamatan = $1),"
		     " (SELECT count(*) FROM punch WHERE kecamatan = $1),"
		     " (SELECT count(*) FROM rule_file WHERE kecamatan = $1)",
	[P_COUNT] = "SELECT result, count(*) FROM import_log"
		    " WHERE kecamatan = $1 GROUP BY result",
	[P_USER_ADD] = "INSERT INTO web_user(name, role, kecamatan, pwhash,"
		       " disabled, created_utc, changed_utc)"
		       " VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	[P_USER_BY_NAME] = "SELECT " USER_COLS " FROM web_user WHERE name = $1",
	[P_USER_BY_ID] = "SELECT " USER_COLS " FROM web_user WHERE id = $1",
	[P_USER_UPDATE] = "UPDATE web_user SET pwhash = $1, disabled = $2,"
			  " changed_utc = $3 WHERE id = $4",
	[P_USER_ALL] = "SELECT " USER_COLS " FROM web_user ORDER BY name",
	[P_SESSION_ADD] = "INSERT INTO web_session(" SESSION_COLS ")"
			  " VALUES($1, $2, $3, $4, $5, $6, $7)",
	[P_SESSION_GET] = "SELECT " SESSION_COLS " FROM web_session"
			  " WHERE token_hash = $1",
	[P_SESSION_TOUCH] = "UPDATE web_session SET seen_utc = $1"
			    " WHERE token_hash = $2",
	[P_SESSION_END] = "DELETE FROM web_session WHERE token_hash = $1",
	[P_SESSION_END_USER] = "DELETE FROM web_session WHERE user_id = $1",
	[P_SESSION_PURGE] = "DELETE FROM web_session WHERE expires_utc <= $1"
			    " OR seen_utc < $2",
	[P_ACCESS_ADD] = "INSERT INTO web_access(at_utc, kecamatan, user_name,"
			 " address, action, subject, detail)"
			 " VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	[P_ACCESS_ALL] = "SELECT id, at_utc, kecamatan, user_name, address,"
			 " action, subject, detail FROM web_access"
			 " WHERE $1::bigint = 0 OR kecamatan = $1::bigint"
			 " ORDER BY id DESC LIMIT $2",
	[P_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM device_state"
			 " WHERE key_id = $1",
	[P_DEVICE_PUT] = "INSERT INTO device_state(" DEVICE_COLS ")"
			 " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			 " $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
			 " $21, $22, $23) ON CONFLICT(key_id) DO UPDATE SET"
			 " kecamatan = excluded.kecamatan,"
			 " desa = excluded.desa,"
			 " push_channel = excluded.push_channel,"
			 " last_push_utc = excluded.last_push_utc,"
			 " last_bundle_utc = excluded.last_bundle_utc,"
			 " pushes = excluded.pushes,"
			 " last_punch_utc = excluded.last_punch_utc,"
			 " last_reader_utc = excluded.last_reader_utc,"
			 " clock_trusted = excluded.clock_trusted,"
			 " health_utc = excluded.health_utc,"
			 " disk_free = excluded.disk_free,"
			 " reader_errors = excluded.reader_errors,"
			 " uptime_s = excluded.uptime_s,"
			 " untrusted = excluded.untrusted,"
			 " software = excluded.software,"
			 " profile_version = excluded.profile_version,"
			 " profile_name = excluded.profile_name,"
			 " profile_from = excluded.profile_from,"
			 " calendar_version = excluded.calendar_version,"
			 " calendar_name = excluded.calendar_name,"
			 " last_error = excluded.last_error,"
			 " last_error_utc = excluded.last_error_utc",
	[P_DEVICE_ALL] = "SELECT " DEVICE_COLS " FROM device_state"
			 " WHERE $1::bigint = 0 OR kecamatan = $1::bigint"
			 " ORDER BY kecamatan, desa, key_id",
	[P_KEY_ANY] = "SELECT kecamatan, " KEY_COLS " FROM device_key"
		      " WHERE public_key = $1 ORDER BY id LIMIT 1",
	[P_HEADS] = "SELECT k.id, k.desa, coalesce((SELECT max(r.seq)"
		    " FROM ledger_row r WHERE r.device = k.id), 0)"
		    " FROM device_key k WHERE k.kecamatan = $1"
		    " ORDER BY k.desa, k.id",
	[P_PUB_ADD] = "INSERT INTO published_rule(kecamatan, kind, area, name,"
		      " version, from_day, published_utc, text, signature,"
		      " by_user) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		      " $10) RETURNING id",
	[P_PUB_SIGN] = "UPDATE published_rule SET signature = $1"
		       " WHERE id = $2",
	[P_PUB_ALL] = "SELECT " PUB_COLS " FROM published_rule"
		      " WHERE ($1::bigint = -1 OR kecamatan = $1::bigint"
		      " OR kecamatan = 0) AND id > $2 ORDER BY id",
};
#define NSTMT (sizeof(sql) / sizeof(sql[0]))

struct pg_store {
	struct kec_store base; /* must be first */
	PGconn *conn;
};

static struct pg_store *pg(struct kec_store *st)
{
	return (struct pg_store *)st;
}

/* Parameters in text form; numbers are written into buf. */
struct params {
	int n;
	const char *v[PARAMS_MAX];
	char buf[PARAMS_MAX][NUM_MAX];
};

static void p_int(struct params *p, int64_t x)
{
	snprintf(p->buf[p->n], NUM_MAX, "%" PRId64, x);
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

static void p_text(struct params *p, const char *s)
{
	p->v[p->n++] = s; /* NULL is SQL NULL */
}

static void p_bool(struct params *p, bool b)
{
	p->v[p->n++] = b ? "t" : "f";
}

/* Maps a failed result's SQLSTATE; logs the server's message once. */
static int fail(struct pg_store *g, const PGresult *res, const char *what)
{
	const char *state =
		res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int rc = -EIO;

	if (state) {
		if (strcmp(state, "23505") == 0)
			return -EEXIST; /* unique_violation: the caller's */
		if (strcmp(state, "40001") == 0 ||
		    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
			rc = -EBUSY;
		else if (strcmp(state, "53100") == 0)
			rc = -ENOSPC;
		else if (strcmp(state, "53200") == 0)
			rc = -ENOMEM;
	}
	log_warnx("kecamatan store: %s: %s", what,
		  res ? PQresultErrorMessage(res) : PQerrorMessage(g->conn));
	return rc;
}

/* Runs prepared statement id; *out gets the result on success (clear it
 * with PQclear), else it is cleared here. */
static int exec(struct pg_store *g, enum pid id, const struct params *p,
		PGresult **out, const char *what)
{
	char name[16];
	PGresult *res;
	ExecStatusType s;
	int rc;

	snprintf(name, sizeof(name), "k%d", (int)id);
	res = PQexecPrepared(g->conn, name, p ? p->n : 0, p ? p->v : NULL, NULL,
			     NULL, 0);
	s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		rc = fail(g, res, what);
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

static int exec_sql(struct pg_store *g, const char *text, const char *what)
{
	PGresult *res = PQexec(g->conn, text);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = fail(g, res, what);
	PQclear(res);
	return rc;
}

static int64_t i64(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static const char *txt(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col);
}

static bool tf(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col)[0] == 't';
}

static int migrate(struct pg_store *g)
{
	char lock[64];
	PGresult *res;
	int rc, have;

	rc = exec_sql(g, "BEGIN", "migrate");
	if (rc)
		return rc;
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%d)",
		 MIGRATE_LOCK);
	rc = exec_sql(g, lock, "migrate lock");
	if (rc == 0)
		rc = exec_sql(g,
			      "CREATE TABLE IF NOT EXISTS kec_meta(key TEXT"
			      " PRIMARY KEY, value TEXT NOT NULL)",
			      "migrate");
	if (rc)
		goto out;
	res = PQexec(g->conn,
		     "SELECT value FROM kec_meta WHERE key = 'schema'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = fail(g, res, "schema version");
		PQclear(res);
		goto out;
	}
	have = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	if (have > KEC_SCHEMA_VERSION) {
		log_warnx("kecamatan store: schema %d is newer than this "
			  "program's %d",
			  have, KEC_SCHEMA_VERSION);
		rc = -EIO;
	} else {
		if (have == 0)
			rc = exec_sql(g, schema, "create schema");
		if (rc == 0 && have < 2)
			rc = exec_sql(g, schema2, "schema 2");
	}
out:
	if (rc == 0)
		return exec_sql(g, "COMMIT", "migrate");
	(void)exec_sql(g, "ROLLBACK", "migrate rollback");
	return rc;
}

static void pg_close(struct kec_store *st)
{
	struct pg_store *g = pg(st);

	PQfinish(g->conn);
	free(g);
}

static int pg_begin(struct kec_store *st)
{
	return exec_sql(pg(st), "BEGIN", "begin");
}

static int pg_commit(struct kec_store *st)
{
	return exec_sql(pg(st), "COMMIT", "commit");
}

static int pg_rollback(struct kec_store *st)
{
	return exec_sql(pg(st), "ROLLBACK", "rollback");
}

static int pg_kec_add(struct kec_store *st, struct kec_info *k)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, k->name);
	p_text(&p, k->kabupaten);
	p_int(&p, k->offset_min);
	p_int(&p, k->deadline_mday);
	p_int(&p, k->created_utc);
	rc = exec(pg(st), P_KEC_ADD, &p, &res, "kecamatan insert");
	if (rc)
		return rc;
	k->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_kec_each(struct kec_store *st, kec_info_fn *fn, void *ud)
{
	PGresult *res = NULL;
	int rc = exec(pg(st), P_KEC_ALL, NULL, &res, "kecamatan list");

	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_info k;

		memset(&k, 0, sizeof(k));
		k.id = i64(res, i, 0);
		kec_store_copy(k.name, sizeof(k.name), txt(res, i, 1));
		kec_store_copy(k.kabupaten, sizeof(k.kabupaten),
			       txt(res, i, 2));
		k.offset_min = (int32_t)i64(res, i, 3);
		k.deadline_mday = (int)i64(res, i, 4);
		k.created_utc = i64(res, i, 5);
		rc = fn(ud, &k);
	}
	PQclear(res);
	return rc;
}

static int pg_desa_put(struct kec_store *st, int64_t kec,
		       const struct kec_desa *d)
{
	struct params p = {0};

	p_int(&p, kec);
	p_text(&p, d->id);
	p_text(&p, d->name);
	p_int(&p, d->registered_utc);
	return exec(pg(st), P_DESA_PUT, &p, NULL, "desa insert");
}

static int pg_desa_each(struct kec_store *st, int64_t kec, kec_desa_fn *fn,
			void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_DESA_ALL, &p, &res, "desa list");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_desa d;

		memset(&d, 0, sizeof(d));
		kec_store_copy(d.id, sizeof(d.id), txt(res, i, 0));
		kec_store_copy(d.name, sizeof(d.name), txt(res, i, 1));
		d.registered_utc = i64(res, i, 2);
		rc = fn(ud, &d);
	}
	PQclear(res);
	return rc;
}

static int pg_key_add(struct kec_store *st, int64_t kec, struct kec_key *k)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, kec);
	p_text(&p, k->desa);
	p_text(&p, k->public_key);
	p_text(&p, k->fingerprint);
	p_int(&p, k->trusted_utc);
	p_int(&p, k->replaced_utc);
	p_text(&p, k->reason);
	p_text(&p, k->by);
	rc = exec(pg(st), P_KEY_ADD, &p, &res, "device key insert");
	if (rc)
		return rc;
	k->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_key_replace(struct kec_store *st, int64_t kec, const char *desa,
			  int64_t now_utc)
{
	struct params p = {0};

	p_int(&p, now_utc);
	p_int(&p, kec);
	p_text(&p, desa);
	return exec(pg(st), P_KEY_REPLACE, &p, NULL, "device key replace");
}

static int pg_key_each(struct kec_store *st, int64_t kec, const char *desa,
		       const char *public_key, kec_key_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_text(&p, desa);
	p_text(&p, public_key);
	rc = exec(pg(st), P_KEY_ALL, &p, &res, "device key list");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_key k;

		memset(&k, 0, sizeof(k));
		k.id = i64(res, i, 0);
		kec_store_copy(k.desa, sizeof(k.desa), txt(res, i, 1));
		kec_store_copy(k.public_key, sizeof(k.public_key),
			       txt(res, i, 2));
		kec_store_copy(k.fingerprint, sizeof(k.fingerprint),
			       txt(res, i, 3));
		k.trusted_utc = i64(res, i, 4);
		k.replaced_utc = i64(res, i, 5);
		kec_store_copy(k.reason, sizeof(k.reason), txt(res, i, 6));
		kec_store_copy(k.by, sizeof(k.by), txt(res, i, 7));
		rc = fn(ud, &k);
	}
	PQclear(res);
	return rc;
}

static int pg_key_lock(struct kec_store *st, int64_t key_id)
{
	struct params p = {0};

	p_int(&p, key_id);
	return exec(pg(st), P_KEY_LOCK, &p, NULL, "device key lock");
}

static int pg_audit_add(struct kec_store *st, int64_t kec, int64_t at_utc,
			const char *by, const char *action, const char *subject,
			const char *detail)
{
	struct params p = {0};

	p_int(&p, kec);
	p_int(&p, at_utc);
	p_text(&p, by);
	p_text(&p, action);
	p_text(&p, subject);
	p_text(&p, detail);
	return exec(pg(st), P_AUDIT_ADD, &p, NULL, "audit insert");
}

static int pg_audit_each(struct kec_store *st, int64_t kec, kec_audit_fn *fn,
			 void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_AUDIT_ALL, &p, &res, "audit list");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_audit a;

		memset(&a, 0, sizeof(a));
		a.at_utc = i64(res, i, 0);
		kec_store_copy(a.by, sizeof(a.by), txt(res, i, 1));
		kec_store_copy(a.action, sizeof(a.action), txt(res, i, 2));
		kec_store_copy(a.subject, sizeof(a.subject), txt(res, i, 3));
		kec_store_copy(a.detail, sizeof(a.detail), txt(res, i, 4));
		rc = fn(ud, &a);
	}
	PQclear(res);
	return rc;
}

static int pg_import_add(struct kec_store *st, int64_t kec,
			 struct kec_import *r, const char *rekap_csv)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, kec);
	p_int(&p, r->received_utc);
	p_text(&p, r->file);
	p_text(&p, r->sha256);
	p_int(&p, r->result);
	p_text(&p, r->reason);
	p_text(&p, r->desa);
	p_text(&p, r->device);
	p_int(&p, r->key_id);
	p_text(&p, r->period);
	p_bool(&p, r->complete);
	p_int(&p, r->first_seq);
	p_int(&p, r->last_seq);
	p_int(&p, r->rows_new);
	p_int(&p, r->rekap_same);
	p_text(&p, r->rekap_diff);
	p_text(&p, rekap_csv);
	p_text(&p, r->by);
	rc = exec(pg(st), P_IMPORT_ADD, &p, &res, "import log insert");
	if (rc)
		return rc;
	r->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_import_rekap(struct kec_store *st, int64_t id, int same,
			   const char *diff)
{
	struct params p = {0};

	p_int(&p, same);
	p_text(&p, diff);
	p_int(&p, id);
	return exec(pg(st), P_IMPORT_REKAP, &p, NULL, "import log rekap");
}

static int pg_import_each(struct kec_store *st, int64_t kec, const char *period,
			  kec_import_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_text(&p, period);
	rc = exec(pg(st), P_IMPORT_ALL, &p, &res, "import log list");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_import r;

		memset(&r, 0, sizeof(r));
		r.id = i64(res, i, 0);
		r.received_utc = i64(res, i, 1);
		kec_store_copy(r.file, sizeof(r.file), txt(res, i, 2));
		kec_store_copy(r.sha256, sizeof(r.sha256), txt(res, i, 3));
		r.result = (enum kec_import_result)i64(res, i, 4);
		kec_store_copy(r.reason, sizeof(r.reason), txt(res, i, 5));
		kec_store_copy(r.desa, sizeof(r.desa), txt(res, i, 6));
		kec_store_copy(r.device, sizeof(r.device), txt(res, i, 7));
		r.key_id = i64(res, i, 8);
		kec_store_copy(r.period, sizeof(r.period), txt(res, i, 9));
		r.complete = tf(res, i, 10);
		r.first_seq = i64(res, i, 11);
		r.last_seq = i64(res, i, 12);
		r.rows_new = i64(res, i, 13);
		r.rekap_same = (int)i64(res, i, 14);
		kec_store_copy(r.rekap_diff, sizeof(r.rekap_diff),
			       txt(res, i, 15));
		kec_store_copy(r.by, sizeof(r.by), txt(res, i, 16));
		rc = fn(ud, &r);
	}
	PQclear(res);
	return rc;
}

static int pg_head(struct kec_store *st, int64_t key_id, int64_t *seq,
		   char hash[PD_HASH_HEX])
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, key_id);
	rc = exec(pg(st), P_HEAD, &p, &res, "device head");
	if (rc)
		return rc;
	if (PQntuples(res)) {
		*seq = i64(res, 0, 0);
		kec_store_copy(hash, PD_HASH_HEX, txt(res, 0, 1));
	} else {
		*seq = 0;
		kec_store_copy(hash, PD_HASH_HEX, LEDGER_HASH_ZERO);
	}
	PQclear(res);
	return 0;
}

static int pg_hash_each(struct kec_store *st, int64_t key_id, int64_t from,
			int64_t to, kec_hash_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, key_id);
	p_int(&p, from);
	p_int(&p, to);
	rc = exec(pg(st), P_HASHES, &p, &res, "row hashes");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = fn(ud, i64(res, i, 0), txt(res, i, 1));
	PQclear(res);
	return rc;
}

/* ---- COPY: rows and punches of a bundle in one round trip ---- */

struct copybuf {
	char *b;
	size_t n, cap;
	bool oom;
};

static void cb_put(struct copybuf *c, const char *s, size_t len)
{
	if (c->oom)
		return;
	if (c->n + len + 1 > c->cap) {
		size_t nc = c->cap ? c->cap * 2 : COPY_BUF;
		char *nb;

		while (nc < c->n + len + 1)
			nc *= 2;
		nb = realloc(c->b, nc);
		if (!nb) {
			c->oom = true;
			return;
		}
		c->b = nb;
		c->cap = nc;
	}
	memcpy(c->b + c->n, s, len);
	c->n += len;
}

/* A text field in COPY's text format, then tab or newline after it. */
static void cb_text(struct copybuf *c, const char *s, char sep)
{
	char e[2] = {'\\', 0};

	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\\':
			e[1] = '\\';
			break;
		case '\t':
			e[1] = 't';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		default:
			cb_put(c, p, 1);
			continue;
		}
		cb_put(c, e, 2);
	}
	cb_put(c, &sep, 1);
}

static void cb_int(struct copybuf *c, int64_t v, char sep)
{
	char num[NUM_MAX];
	int n = snprintf(num, sizeof(num), "%" PRId64 "%c", v, sep);

	cb_put(c, num, (size_t)n);
}

static int copy_in(struct pg_store *g, const char *stmt, struct copybuf *c,
		   const char *what)
{
	PGresult *res;
	int rc = 0;

	if (c->oom)
		return -ENOMEM;
	res = PQexec(g->conn, stmt);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = fail(g, res, what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	if (PQputCopyData(g->conn, c->b, (int)c->n) != 1)
		rc = -EIO;
	if (PQputCopyEnd(g->conn, rc ? "aborted" : NULL) != 1 && !rc)
		rc = -EIO;
	while ((res = PQgetResult(g->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !rc)
			rc = fail(g, res, what);
		PQclear(res);
	}
	if (rc == -EIO)
		log_warnx("kecamatan store: %s: %s", what,
			  PQerrorMessage(g->conn));
	return rc;
}

static int pg_rows_add(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t key_id, int64_t import_id,
		       const struct ledger_row *r, size_t n)
{
	struct copybuf c = {0};
	int rc;

	for (size_t i = 0; i < n; i++) {
		cb_int(&c, key_id, '\t');
		cb_int(&c, r[i].seq, '\t');
		cb_int(&c, kec, '\t');
		cb_text(&c, desa, '\t');
		cb_text(&c, r[i].kind, '\t');
		cb_int(&c, r[i].recorded_utc, '\t');
		cb_text(&c, r[i].person, '\t');
		cb_int(&c, r[i].at_utc, '\t');
		cb_text(&c, r[i].data, '\t');
		cb_text(&c, r[i].prev_hash, '\t');
		cb_text(&c, r[i].hash, '\t');
		cb_int(&c, import_id, '\n');
	}
	rc = copy_in(pg(st),
		     "COPY ledger_row(device, seq, kecamatan, desa, kind,"
		     " recorded_utc, person, at_utc, data, prev_hash, hash,"
		     " import_id) FROM STDIN",
		     &c, "ledger row copy");
	free(c.b);
	return rc;
}

static int pg_punches_add(struct kec_store *st, int64_t kec, const char *desa,
			  const struct kec_punch *p, size_t n)
{
	struct copybuf c = {0};
	int rc;

	for (size_t i = 0; i < n; i++) {
		cb_int(&c, kec, '\t');
		cb_text(&c, desa, '\t');
		cb_text(&c, p[i].person, '\t');
		cb_int(&c, p[i].day, '\t');
		cb_int(&c, p[i].sec, '\t');
		cb_int(&c, p[i].dev, '\t');
		cb_int(&c, p[i].seq, '\t');
		cb_int(&c, p[i].flags, '\n');
	}
	rc = copy_in(pg(st),
		     "COPY punch(kecamatan, desa, person, day, sec, device,"
		     " seq, flags) FROM STDIN",
		     &c, "punch copy");
	free(c.b);
	return rc;
}

static int pg_facts_each(struct kec_store *st, int64_t kec, const char *desa,
			 const struct kec_bound *b, kec_row_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_text(&p, desa);
	p_int(&p, b->dev);
	p_int(&p, b->max_seq);
	rc = exec(pg(st), P_FACTS, &p, &res, "facts list");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct ledger_row r;

		memset(&r, 0, sizeof(r));
		r.seq = i64(res, i, 1);
		kec_store_copy(r.kind, sizeof(r.kind), txt(res, i, 2));
		r.recorded_utc = i64(res, i, 3);
		kec_store_copy(r.person, sizeof(r.person), txt(res, i, 4));
		r.at_utc = i64(res, i, 5);
		kec_store_copy(r.data, sizeof(r.data), txt(res, i, 6));
		kec_store_copy(r.prev_hash, sizeof(r.prev_hash),
			       txt(res, i, 7));
		kec_store_copy(r.hash, sizeof(r.hash), txt(res, i, 8));
		rc = fn(ud, i64(res, i, 0), &r);
	}
	PQclear(res);
	return rc;
}

static int pg_punch_scan(struct kec_store *st, int64_t kec, const char *desa,
			 pd_day_t first, pd_day_t last,
			 const struct kec_bound *b, kec_punch_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_text(&p, desa);
	p_int(&p, first);
	p_int(&p, last);
	p_int(&p, b->dev);
	p_int(&p, b->max_seq);
	rc = exec(pg(st), P_PUNCHES, &p, &res, "punch scan");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_punch k;

		k.dev = i64(res, i, 0);
		k.seq = i64(res, i, 1);
		kec_store_copy(k.person, sizeof(k.person), txt(res, i, 2));
		k.day = (pd_day_t)i64(res, i, 3);
		k.sec = (int32_t)i64(res, i, 4);
		k.flags = (unsigned int)i64(res, i, 5);
		rc = fn(ud, &k);
	}
	PQclear(res);
	return rc;
}

static int pg_last_rows(struct kec_store *st, int64_t kec, kec_last_row_fn *fn,
			void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_LAST_ROWS, &p, &res, "last rows");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = fn(ud, txt(res, i, 0), i64(res, i, 1));
	PQclear(res);
	return rc;
}

static int pg_last_row(struct kec_store *st, int64_t kec, const char *desa,
		       int64_t *recorded_utc)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, kec);
	p_text(&p, desa);
	rc = exec(pg(st), P_LAST_ROW, &p, &res, "last row");
	if (rc)
		return rc;
	*recorded_utc = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_rule_put(struct kec_store *st, int64_t kec, const char *version,
		       const char *kind, const char *name, const char *text)
{
	struct params p = {0};

	p_int(&p, kec);
	p_text(&p, version);
	p_text(&p, kind);
	p_text(&p, name);
	p_text(&p, text);
	return exec(pg(st), P_RULE_PUT, &p, NULL, "rule file insert");
}

static int pg_rule_get(struct kec_store *st, int64_t kec, const char *version,
		       char **text)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, kec);
	p_text(&p, version);
	rc = exec(pg(st), P_RULE_GET, &p, &res, "rule file");
	if (rc)
		return rc;
	if (!PQntuples(res)) {
		rc = -ENOENT;
	} else {
		*text = strdup(txt(res, 0, 0));
		rc = *text ? 0 : -ENOMEM;
	}
	PQclear(res);
	return rc;
}

static int pg_office_add(struct kec_store *st, int64_t kec,
			 const struct kec_office *o, int64_t at_utc,
			 const char *by)
{
	struct params p = {0};

	p_int(&p, kec);
	p_bool(&p, o->file);
	p_text(&p, o->version);
	p_text(&p, o->name);
	p_text(&p, o->file ? o->text : "");
	p_int(&p, o->day);
	p_text(&p, o->kind);
	p_int(&p, at_utc);
	p_text(&p, by);
	return exec(pg(st), P_OFFICE_ADD, &p, NULL, "office calendar insert");
}

static int pg_office_each(struct kec_store *st, int64_t kec, kec_office_fn *fn,
			  void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_OFFICE_ALL, &p, &res, "office calendar");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_office o;

		memset(&o, 0, sizeof(o));
		o.file = tf(res, i, 0);
		kec_store_copy(o.version, sizeof(o.version), txt(res, i, 1));
		kec_store_copy(o.name, sizeof(o.name), txt(res, i, 2));
		o.text = txt(res, i, 3);
		o.day = (pd_day_t)i64(res, i, 4);
		kec_store_copy(o.kind, sizeof(o.kind), txt(res, i, 5));
		rc = fn(ud, &o);
	}
	PQclear(res);
	return rc;
}

static int pg_counts(struct kec_store *st, int64_t kec, struct kec_counts *out)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_COUNTS, &p, &res, "counts");
	if (rc)
		return rc;
	out->desa = i64(res, 0, 0);
	out->keys = i64(res, 0, 1);
	out->rows = i64(res, 0, 2);
	out->punches = i64(res, 0, 3);
	out->rules = i64(res, 0, 4);
	PQclear(res);
	rc = exec(pg(st), P_COUNT, &p, &res, "import counts");
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t n = i64(res, i, 1);

		switch (i64(res, i, 0)) {
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
	PQclear(res);
	return 0;
}

/* ---- schema 2: the server ---- */

static int pg_user_add(struct kec_store *st, struct kec_user *u)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, u->name);
	p_text(&p, kec_role_name(u->role));
	p_int(&p, u->kec);
	p_text(&p, u->pwhash);
	p_bool(&p, u->disabled);
	p_int(&p, u->created_utc);
	p_int(&p, u->changed_utc);
	rc = exec(pg(st), P_USER_ADD, &p, &res, "user insert");
	if (rc)
		return rc;
	u->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static void user_row(const PGresult *res, int i, struct kec_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = i64(res, i, 0);
	kec_store_copy(u->name, sizeof(u->name), txt(res, i, 1));
	if (kec_role_parse(txt(res, i, 2), &u->role) != 0)
		u->role = KEC_ROLE_OPERATOR; /* never more than asked */
	u->kec = i64(res, i, 3);
	kec_store_copy(u->pwhash, sizeof(u->pwhash), txt(res, i, 4));
	u->disabled = tf(res, i, 5);
	u->created_utc = i64(res, i, 6);
	u->changed_utc = i64(res, i, 7);
}

static int pg_user_get(struct kec_store *st, const char *name, int64_t id,
		       struct kec_user *out)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	if (name)
		p_text(&p, name);
	else
		p_int(&p, id);
	rc = exec(pg(st), name ? P_USER_BY_NAME : P_USER_BY_ID, &p, &res,
		  "user");
	if (rc)
		return rc;
	if (PQntuples(res))
		user_row(res, 0, out);
	else
		rc = -ENOENT;
	PQclear(res);
	return rc;
}

static int pg_user_update(struct kec_store *st, const struct kec_user *u)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, u->pwhash);
	p_bool(&p, u->disabled);
	p_int(&p, u->changed_utc);
	p_int(&p, u->id);
	rc = exec(pg(st), P_USER_UPDATE, &p, &res, "user update");
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(res), "0") == 0)
		rc = -ENOENT;
	PQclear(res);
	return rc;
}

static int pg_user_each(struct kec_store *st, kec_user_fn *fn, void *ud)
{
	PGresult *res = NULL;
	int rc = exec(pg(st), P_USER_ALL, NULL, &res, "user list");

	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_user u;

		user_row(res, i, &u);
		rc = fn(ud, &u);
	}
	PQclear(res);
	return rc;
}

static int pg_session_add(struct kec_store *st, const struct kec_session *s)
{
	struct params p = {0};

	p_text(&p, s->token_hash);
	p_int(&p, s->user);
	p_text(&p, s->csrf);
	p_int(&p, s->created_utc);
	p_int(&p, s->seen_utc);
	p_int(&p, s->expires_utc);
	p_text(&p, s->address);
	return exec(pg(st), P_SESSION_ADD, &p, NULL, "session insert");
}

static int pg_session_get(struct kec_store *st, const char *token_hash,
			  struct kec_session *out)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, token_hash);
	rc = exec(pg(st), P_SESSION_GET, &p, &res, "session");
	if (rc)
		return rc;
	if (PQntuples(res)) {
		memset(out, 0, sizeof(*out));
		kec_store_copy(out->token_hash, sizeof(out->token_hash),
			       txt(res, 0, 0));
		out->user = i64(res, 0, 1);
		kec_store_copy(out->csrf, sizeof(out->csrf), txt(res, 0, 2));
		out->created_utc = i64(res, 0, 3);
		out->seen_utc = i64(res, 0, 4);
		out->expires_utc = i64(res, 0, 5);
		kec_store_copy(out->address, sizeof(out->address),
			       txt(res, 0, 6));
	} else {
		rc = -ENOENT;
	}
	PQclear(res);
	return rc;
}

static int pg_session_touch(struct kec_store *st, const char *token_hash,
			    int64_t seen_utc)
{
	struct params p = {0};

	p_int(&p, seen_utc);
	p_text(&p, token_hash);
	return exec(pg(st), P_SESSION_TOUCH, &p, NULL, "session touch");
}

static int pg_session_end(struct kec_store *st, const char *token_hash,
			  int64_t user)
{
	struct params p = {0};

	if (token_hash) {
		p_text(&p, token_hash);
		return exec(pg(st), P_SESSION_END, &p, NULL, "session end");
	}
	p_int(&p, user);
	return exec(pg(st), P_SESSION_END_USER, &p, NULL, "session end");
}

static int pg_session_purge(struct kec_store *st, int64_t now_utc,
			    int64_t idle_since)
{
	struct params p = {0};

	p_int(&p, now_utc);
	p_int(&p, idle_since);
	return exec(pg(st), P_SESSION_PURGE, &p, NULL, "session purge");
}

static int pg_access_add(struct kec_store *st, struct kec_access *a)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, a->at_utc);
	p_int(&p, a->kec);
	p_text(&p, a->user);
	p_text(&p, a->address);
	p_text(&p, a->action);
	p_text(&p, a->subject);
	p_text(&p, a->detail);
	rc = exec(pg(st), P_ACCESS_ADD, &p, &res, "access log insert");
	if (rc)
		return rc;
	a->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_access_each(struct kec_store *st, int64_t kec, int64_t limit,
			  kec_access_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_int(&p, limit);
	rc = exec(pg(st), P_ACCESS_ALL, &p, &res, "access log");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_access a;

		memset(&a, 0, sizeof(a));
		a.id = i64(res, i, 0);
		a.at_utc = i64(res, i, 1);
		a.kec = i64(res, i, 2);
		kec_store_copy(a.user, sizeof(a.user), txt(res, i, 3));
		kec_store_copy(a.address, sizeof(a.address), txt(res, i, 4));
		kec_store_copy(a.action, sizeof(a.action), txt(res, i, 5));
		kec_store_copy(a.subject, sizeof(a.subject), txt(res, i, 6));
		kec_store_copy(a.detail, sizeof(a.detail), txt(res, i, 7));
		rc = fn(ud, &a);
	}
	PQclear(res);
	return rc;
}

static void device_row(const PGresult *res, int r, struct kec_device_state *d)
{
	int i = 0;

	memset(d, 0, sizeof(*d));
	d->key_id = i64(res, r, i++);
	d->kec = i64(res, r, i++);
	kec_store_copy(d->desa, sizeof(d->desa), txt(res, r, i++));
	d->push_channel = i64(res, r, i++);
	d->last_push_utc = i64(res, r, i++);
	d->last_bundle_utc = i64(res, r, i++);
	d->pushes = i64(res, r, i++);
	d->last_punch_utc = i64(res, r, i++);
	d->last_reader_utc = i64(res, r, i++);
	d->clock_trusted = (int)i64(res, r, i++);
	d->health_utc = i64(res, r, i++);
	d->disk_free = i64(res, r, i++);
	d->reader_errors = i64(res, r, i++);
	d->uptime_s = i64(res, r, i++);
	d->untrusted = i64(res, r, i++);
	kec_store_copy(d->software, sizeof(d->software), txt(res, r, i++));
	kec_store_copy(d->profile_version, sizeof(d->profile_version),
		       txt(res, r, i++));
	kec_store_copy(d->profile_name, sizeof(d->profile_name),
		       txt(res, r, i++));
	d->profile_from = (pd_day_t)i64(res, r, i++);
	kec_store_copy(d->calendar_version, sizeof(d->calendar_version),
		       txt(res, r, i++));
	kec_store_copy(d->calendar_name, sizeof(d->calendar_name),
		       txt(res, r, i++));
	kec_store_copy(d->last_error, sizeof(d->last_error), txt(res, r, i++));
	d->last_error_utc = i64(res, r, i++);
}

static int pg_device_get(struct kec_store *st, int64_t key_id,
			 struct kec_device_state *out)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, key_id);
	rc = exec(pg(st), P_DEVICE_GET, &p, &res, "device state");
	if (rc)
		return rc;
	if (PQntuples(res))
		device_row(res, 0, out);
	else
		rc = -ENOENT;
	PQclear(res);
	return rc;
}

static int pg_device_put(struct kec_store *st, const struct kec_device_state *d)
{
	struct params p = {0};

	p_int(&p, d->key_id);
	p_int(&p, d->kec);
	p_text(&p, d->desa);
	p_int(&p, d->push_channel);
	p_int(&p, d->last_push_utc);
	p_int(&p, d->last_bundle_utc);
	p_int(&p, d->pushes);
	p_int(&p, d->last_punch_utc);
	p_int(&p, d->last_reader_utc);
	p_int(&p, d->clock_trusted);
	p_int(&p, d->health_utc);
	p_int(&p, d->disk_free);
	p_int(&p, d->reader_errors);
	p_int(&p, d->uptime_s);
	p_int(&p, d->untrusted);
	p_text(&p, d->software);
	p_text(&p, d->profile_version);
	p_text(&p, d->profile_name);
	p_int(&p, d->profile_from);
	p_text(&p, d->calendar_version);
	p_text(&p, d->calendar_name);
	p_text(&p, d->last_error);
	p_int(&p, d->last_error_utc);
	return exec(pg(st), P_DEVICE_PUT, &p, NULL, "device state");
}

static int pg_device_each(struct kec_store *st, int64_t kec, kec_device_fn *fn,
			  void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_DEVICE_ALL, &p, &res, "device states");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_device_state d;

		device_row(res, i, &d);
		rc = fn(ud, &d);
	}
	PQclear(res);
	return rc;
}

static int pg_key_find_any(struct kec_store *st, const char *public_key,
			   int64_t *kec, struct kec_key *out)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, public_key);
	rc = exec(pg(st), P_KEY_ANY, &p, &res, "device key");
	if (rc)
		return rc;
	if (!PQntuples(res)) {
		PQclear(res);
		return -ENOENT;
	}
	*kec = i64(res, 0, 0);
	memset(out, 0, sizeof(*out));
	out->id = i64(res, 0, 1);
	kec_store_copy(out->desa, sizeof(out->desa), txt(res, 0, 2));
	kec_store_copy(out->public_key, sizeof(out->public_key),
		       txt(res, 0, 3));
	kec_store_copy(out->fingerprint, sizeof(out->fingerprint),
		       txt(res, 0, 4));
	out->trusted_utc = i64(res, 0, 5);
	out->replaced_utc = i64(res, 0, 6);
	kec_store_copy(out->reason, sizeof(out->reason), txt(res, 0, 7));
	kec_store_copy(out->by, sizeof(out->by), txt(res, 0, 8));
	PQclear(res);
	return 0;
}

static int pg_heads_each(struct kec_store *st, int64_t kec, kec_head_fn *fn,
			 void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	rc = exec(pg(st), P_HEADS, &p, &res, "device heads");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = fn(ud, i64(res, i, 0), txt(res, i, 1), i64(res, i, 2));
	PQclear(res);
	return rc;
}

static int pg_published_add(struct kec_store *st, struct kec_published *x,
			    const char *text)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_int(&p, x->kec);
	p_text(&p, x->kind);
	p_text(&p, x->area);
	p_text(&p, x->name);
	p_text(&p, x->version);
	p_int(&p, x->from_day);
	p_int(&p, x->published_utc);
	p_text(&p, text);
	p_text(&p, x->signature);
	p_text(&p, x->by);
	rc = exec(pg(st), P_PUB_ADD, &p, &res, "published rule insert");
	if (rc)
		return rc;
	x->id = i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_published_sign(struct kec_store *st, int64_t id,
			     const char *signature)
{
	struct params p = {0};
	PGresult *res;
	int rc;

	p_text(&p, signature);
	p_int(&p, id);
	rc = exec(pg(st), P_PUB_SIGN, &p, &res, "published rule sign");
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(res), "0") == 0)
		rc = -ENOENT;
	PQclear(res);
	return rc;
}

static int pg_published_each(struct kec_store *st, int64_t kec, int64_t after,
			     kec_published_fn *fn, void *ud)
{
	struct params p = {0};
	PGresult *res = NULL;
	int rc;

	p_int(&p, kec);
	p_int(&p, after);
	rc = exec(pg(st), P_PUB_ALL, &p, &res, "published rules");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct kec_published x;

		memset(&x, 0, sizeof(x));
		x.id = i64(res, i, 0);
		x.kec = i64(res, i, 1);
		kec_store_copy(x.kind, sizeof(x.kind), txt(res, i, 2));
		kec_store_copy(x.area, sizeof(x.area), txt(res, i, 3));
		kec_store_copy(x.name, sizeof(x.name), txt(res, i, 4));
		kec_store_copy(x.version, sizeof(x.version), txt(res, i, 5));
		x.from_day = (pd_day_t)i64(res, i, 6);
		x.published_utc = i64(res, i, 7);
		x.text = txt(res, i, 8);
		kec_store_copy(x.signature, sizeof(x.signature),
			       txt(res, i, 9));
		kec_store_copy(x.by, sizeof(x.by), txt(res, i, 10));
		rc = fn(ud, &x);
	}
	PQclear(res);
	return rc;
}

static const struct kec_store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.kec_add = pg_kec_add,
	.kec_each = pg_kec_each,
	.desa_put = pg_desa_put,
	.desa_each = pg_desa_each,
	.key_add = pg_key_add,
	.key_replace = pg_key_replace,
	.key_each = pg_key_each,
	.key_lock = pg_key_lock,
	.audit_add = pg_audit_add,
	.audit_each = pg_audit_each,
	.import_add = pg_import_add,
	.import_rekap = pg_import_rekap,
	.import_each = pg_import_each,
	.head = pg_head,
	.hash_each = pg_hash_each,
	.rows_add = pg_rows_add,
	.punches_add = pg_punches_add,
	.facts_each = pg_facts_each,
	.punch_scan = pg_punch_scan,
	.last_row = pg_last_row,
	.last_rows = pg_last_rows,
	.rule_put = pg_rule_put,
	.rule_get = pg_rule_get,
	.office_add = pg_office_add,
	.office_each = pg_office_each,
	.counts = pg_counts,
	.user_add = pg_user_add,
	.user_get = pg_user_get,
	.user_update = pg_user_update,
	.user_each = pg_user_each,
	.session_add = pg_session_add,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_end = pg_session_end,
	.session_purge = pg_session_purge,
	.access_add = pg_access_add,
	.access_each = pg_access_each,
	.device_get = pg_device_get,
	.device_put = pg_device_put,
	.device_each = pg_device_each,
	.key_find_any = pg_key_find_any,
	.heads_each = pg_heads_each,
	.published_add = pg_published_add,
	.published_sign = pg_published_sign,
	.published_each = pg_published_each,
};

/* libpq prints notices (e.g. from CREATE ... IF NOT EXISTS) on stderr by
 * default; they go to the debug log instead. */
static void notice(void *ud, const char *msg)
{
	(void)ud;
	log_debug("kecamatan store: %s", msg);
}

int kec_store_pg_open(const char *conninfo, struct kec_store **out)
{
	struct pg_store *g = calloc(1, sizeof(*g));
	int rc = 0;

	if (!g)
		return -ENOMEM;
	g->base.ops = &pg_ops;
	g->conn = PQconnectdb(conninfo);
	if (!g->conn) {
		free(g);
		return -ENOMEM;
	}
	if (PQstatus(g->conn) != CONNECTION_OK) {
		log_warnx("kecamatan store: cannot connect to PostgreSQL: %s",
			  PQerrorMessage(g->conn));
		rc = -EIO;
		goto err_close;
	}
	PQsetNoticeProcessor(g->conn, notice, NULL);
	if (PQsetClientEncoding(g->conn, "UTF8") != 0) {
		log_warnx("kecamatan store: cannot use UTF-8: %s",
			  PQerrorMessage(g->conn));
		rc = -EIO;
		goto err_close;
	}
	rc = migrate(g);
	for (size_t i = 0; rc == 0 && i < NSTMT; i++) {
		char name[16];
		PGresult *res;

		snprintf(name, sizeof(name), "k%zu", i);
		res = PQprepare(g->conn, name, sql[i], 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail(g, res, sql[i]);
		PQclear(res);
	}
	if (rc)
		goto err_close;
	*out = &g->base;
	return 0;
err_close:
	pg_close(&g->base);
	return rc;
}
