/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.c: the device store's base.  Opens the database (WAL, synchronous=
 * FULL, foreign keys, busy timeout), migrates it step by step on PRAGMA
 * user_version, prepares every statement once; holds the helpers the other
 * store_*.c share (errors, rows, transactions, input checks: store_int.h),
 * bulk import, counters, meta and the audit trail.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "store_int.h"

#define BUSY_TIMEOUT_MS 5000 /* wait for a lock before -EBUSY */
#define DB_FILE_MODE	0640 /* group presensi-admin reads reports */

/* ---- schema: one entry per user_version step, each run in one
 * transaction.  Never edit a shipped step; add a new one. ---- */
static const char *const migrations[] = {
	/* 1: the core */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE counters(name TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL);"
	"CREATE TABLE ledger(seq INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
	" recorded_utc INTEGER NOT NULL, person TEXT NOT NULL,"
	" at_utc INTEGER NOT NULL, data TEXT NOT NULL,"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger"
	" BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger"
	" BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" jabatan TEXT NOT NULL,"
	" created_seq INTEGER NOT NULL UNIQUE REFERENCES ledger(seq));"
	"CREATE TABLE periods(id INTEGER PRIMARY KEY,"
	" person TEXT NOT NULL REFERENCES people(id),"
	" since INTEGER NOT NULL, until INTEGER NOT NULL,"
	" open_seq INTEGER NOT NULL UNIQUE REFERENCES ledger(seq),"
	" open_by TEXT NOT NULL,"
	" close_seq INTEGER UNIQUE REFERENCES ledger(seq), close_by TEXT);"
	"CREATE INDEX periods_person ON periods(person, since);"
	"CREATE TABLE prints(id INTEGER PRIMARY KEY,"
	" person TEXT NOT NULL REFERENCES people(id),"
	" finger TEXT NOT NULL, model TEXT NOT NULL,"
	" created_utc INTEGER NOT NULL, blob BLOB NOT NULL);"
	"CREATE INDEX prints_person ON prints(person);"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at_utc INTEGER NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,"
	" detail TEXT NOT NULL);"
	"CREATE TABLE punches(seq INTEGER PRIMARY KEY REFERENCES ledger(seq),"
	" person TEXT NOT NULL REFERENCES people(id),"
	" at_utc INTEGER NOT NULL, local_day INTEGER NOT NULL,"
	" local_sec INTEGER NOT NULL, flags INTEGER NOT NULL,"
	" source TEXT NOT NULL, reader TEXT NOT NULL, clock TEXT NOT NULL,"
	" boot_id TEXT NOT NULL, mono_ms INTEGER NOT NULL,"
	" reason TEXT NOT NULL, by TEXT NOT NULL);"
	"CREATE INDEX punches_person_at ON punches(person, at_utc);"
	"CREATE INDEX punches_day ON punches(local_day);"
	"CREATE TRIGGER punches_no_update BEFORE UPDATE ON punches"
	" BEGIN SELECT RAISE(ABORT, 'punches are append-only'); END;"
	"CREATE TRIGGER punches_no_delete BEFORE DELETE ON punches"
	" BEGIN SELECT RAISE(ABORT, 'punches are append-only'); END;",

	/* 2: rule profiles, calendars, excuses */
	"CREATE TABLE profiles(seq INTEGER PRIMARY KEY REFERENCES ledger(seq),"
	" from_day INTEGER NOT NULL, version TEXT NOT NULL,"
	" name TEXT NOT NULL, text TEXT NOT NULL, by TEXT NOT NULL);"
	"CREATE INDEX profiles_from ON profiles(from_day, seq);"
	"CREATE TABLE calendars(seq INTEGER PRIMARY KEY"
	" REFERENCES ledger(seq), version TEXT NOT NULL, name TEXT NOT NULL,"
	" text TEXT NOT NULL, by TEXT NOT NULL);"
	"CREATE TABLE calendar_days(seq INTEGER PRIMARY KEY"
	" REFERENCES ledger(seq), day INTEGER NOT NULL, kind TEXT NOT NULL,"
	" name TEXT NOT NULL, by TEXT NOT NULL);"
	"CREATE TABLE excuses(seq INTEGER PRIMARY KEY REFERENCES ledger(seq),"
	" person TEXT NOT NULL REFERENCES people(id),"
	" from_day INTEGER NOT NULL, to_day INTEGER NOT NULL,"
	" kind TEXT NOT NULL, part TEXT NOT NULL, reason TEXT NOT NULL,"
	" document TEXT NOT NULL, by TEXT NOT NULL,"
	" revoke_seq INTEGER UNIQUE REFERENCES ledger(seq),"
	" revoke_reason TEXT, revoke_by TEXT);"
	"CREATE INDEX excuses_person ON excuses(person, from_day);"
	"CREATE INDEX excuses_days ON excuses(from_day, to_day);",

	/* 3: a covering index for reports: one person's punches of a period
	 * in time order straight from the index, no table rows, no sort */
	"CREATE INDEX punches_scan"
	" ON punches(person, local_day, local_sec, seq, flags);",

	/* 4: who acted, by uid (ledger format 2); NULL on rows of format 1 */
	"ALTER TABLE periods ADD COLUMN open_uid INTEGER;"
	"ALTER TABLE periods ADD COLUMN close_uid INTEGER;"
	"ALTER TABLE punches ADD COLUMN by_uid INTEGER;"
	"ALTER TABLE profiles ADD COLUMN uid INTEGER;"
	"ALTER TABLE calendars ADD COLUMN uid INTEGER;"
	"ALTER TABLE calendar_days ADD COLUMN uid INTEGER;"
	"ALTER TABLE excuses ADD COLUMN uid INTEGER;"
	"ALTER TABLE excuses ADD COLUMN revoke_uid INTEGER;"
	"ALTER TABLE audit ADD COLUMN uid INTEGER;",

	/* 5: retroactive profile imports (the day imported and why: ledger
	 * keys retroactive, on, reason) and removed calendar days (ledger
	 * calendar action "remove"; kind and name empty, with a reason) */
	"ALTER TABLE profiles ADD COLUMN retro_on INTEGER;"
	"ALTER TABLE profiles ADD COLUMN retro_reason TEXT;"
	"ALTER TABLE calendar_days ADD COLUMN action TEXT NOT NULL"
	" DEFAULT 'add';"
	"ALTER TABLE calendar_days ADD COLUMN reason TEXT;",

	/* 6: months closed (ledger kind "checkpoint", format 2), with what
	 * a complete bundle of the month froze at closing (docs/bundle.md) */
	"CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY"
	" REFERENCES ledger(seq), month TEXT NOT NULL UNIQUE,"
	" auto INTEGER NOT NULL, uptime INTEGER NOT NULL,"
	" untrusted INTEGER NOT NULL, reader_errors INTEGER NOT NULL,"
	" disk_free INTEGER NOT NULL, by TEXT NOT NULL, uid INTEGER,"
	" desa_id TEXT NOT NULL, desa_name TEXT NOT NULL,"
	" kecamatan TEXT NOT NULL, software TEXT NOT NULL,"
	" calendar_set TEXT NOT NULL);"
	"CREATE TABLE checkpoint_files(seq INTEGER NOT NULL"
	" REFERENCES checkpoints(seq), pos INTEGER NOT NULL,"
	" name TEXT NOT NULL, label TEXT NOT NULL, data BLOB NOT NULL,"
	" PRIMARY KEY(seq, pos), UNIQUE(seq, name));"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoint_files_no_update BEFORE UPDATE"
	" ON checkpoint_files"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoint_files_no_delete BEFORE DELETE"
	" ON checkpoint_files"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;",

	/* 7: prints bound to their person.  Print ids are never reused
	 * (AUTOINCREMENT: a ledger row names a print by its id forever);
	 * seal says how the blob is sealed (1 secretbox, as before; 2 AEAD
	 * with the person and print id as associated data).  Enrolments and
	 * deletions are ledger facts (kind "print") with this side table;
	 * the prints a store already holds get theirs in this step's own
	 * code (store_prints_migrate). */
	"CREATE TABLE prints5(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" person TEXT NOT NULL REFERENCES people(id),"
	" finger TEXT NOT NULL, model TEXT NOT NULL,"
	" created_utc INTEGER NOT NULL, blob BLOB NOT NULL,"
	" seal INTEGER NOT NULL DEFAULT 1);"
	"INSERT INTO prints5(id, person, finger, model, created_utc, blob)"
	" SELECT id, person, finger, model, created_utc, blob FROM prints;"
	"DROP TABLE prints;"
	"ALTER TABLE prints5 RENAME TO prints;"
	"CREATE INDEX prints_person ON prints(person);"
	"CREATE TABLE print_facts(seq INTEGER PRIMARY KEY"
	" REFERENCES ledger(seq), print INTEGER NOT NULL,"
	" person TEXT NOT NULL, action TEXT NOT NULL,"
	" finger TEXT NOT NULL, model TEXT NOT NULL,"
	" consent TEXT NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL,"
	" uid INTEGER);"
	"CREATE INDEX print_facts_print ON print_facts(print, seq);"
	"CREATE TRIGGER print_facts_no_update BEFORE UPDATE ON print_facts"
	" BEGIN SELECT RAISE(ABORT, 'print facts are append-only'); END;"
	"CREATE TRIGGER print_facts_no_delete BEFORE DELETE ON print_facts"
	" BEGIN SELECT RAISE(ABORT, 'print facts are append-only'); END;",
};

/* The C part of a step, run after its SQL inside its transaction; NULL
 * for a step that is SQL only.  Indexed like migrations[]. */
static int (*const migration_code[])(struct store *st) = {
	[6] = store_prints_migrate,
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
		       STORE_SCHEMA_VERSION,
	       "one migration step per schema version");

/* ---- statements, prepared once at open ---- */
/* A ledger row's data without its leading format key "v=N;" (ledger.h). */
#define DATA_BODY                                                              \
	"(CASE WHEN data LIKE 'v=%' THEN substr(data, instr(data, ';') + 1)"   \
	" ELSE data END)"
#define PERSON_COLS                                                            \
	"p.id, p.name, p.jabatan,"                                             \
	" (SELECT since FROM periods WHERE person = p.id"                      \
	"  ORDER BY since DESC LIMIT 1),"                                      \
	" (SELECT until FROM periods WHERE person = p.id"                      \
	"  ORDER BY since DESC LIMIT 1),"                                      \
	" (SELECT count(*) FROM prints WHERE person = p.id)"
#define PUNCH_COLS                                                             \
	"seq, person, at_utc, local_day, local_sec, flags, source, reader,"    \
	" clock, boot_id, mono_ms, reason, by, by_uid"
#define EXCUSE_COLS                                                            \
	"seq, person, from_day, to_day, kind, part, reason, document, by,"     \
	" revoke_seq, revoke_reason, revoke_by, uid, revoke_uid"

#define CKPT_COLS                                                              \
	"seq, month, auto, uptime, untrusted, reader_errors, disk_free, by,"   \
	" uid, desa_id, desa_name, kecamatan, software, calendar_set"

static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_BEGIN_READ] = "BEGIN DEFERRED",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_HEAD] = "SELECT seq, recorded_utc, hash FROM ledger"
		   " ORDER BY seq DESC LIMIT 1",
	[S_LEDGER_INS] = "INSERT INTO ledger(seq, kind, recorded_utc, person,"
			 " at_utc, data, prev_hash, hash)"
			 " VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	[S_LEDGER_RANGE] = "SELECT seq, kind, recorded_utc, person, at_utc,"
			   " data, prev_hash, hash FROM ledger"
			   " WHERE seq BETWEEN ? AND ? ORDER BY seq",
	[S_PERSON_INS] = "INSERT INTO people(id, name, jabatan, created_seq)"
			 " VALUES(?, ?, ?, ?)",
	[S_PERSON_GET] = "SELECT " PERSON_COLS " FROM people p WHERE p.id = ?",
	[S_PERSON_ALL] = "SELECT " PERSON_COLS " FROM people p ORDER BY p.id",
	[S_PERSON_NAME] = "SELECT name, jabatan, created_seq FROM people"
			  " WHERE id = ?",
	[S_PERIOD_INS] = "INSERT INTO periods(person, since, until, open_seq,"
			 " open_by, open_uid) VALUES(?, ?, ?, ?, ?, ?)",
	[S_PERIOD_LAST] = "SELECT id, since, until FROM periods"
			  " WHERE person = ? ORDER BY since DESC LIMIT 1",
	[S_PERIOD_CLOSE] = "UPDATE periods SET until = ?, close_seq = ?,"
			   " close_by = ?, close_uid = ? WHERE id = ?",
	[S_PERIOD_ALL] = "SELECT person, since, until FROM periods"
			 " ORDER BY person, since",
	[S_PERIOD_BY_OPEN] = "SELECT person, since, open_by, open_uid"
			     " FROM periods"
			     " WHERE open_seq = ?",
	[S_PERIOD_BY_CLOSE] = "SELECT person, until, close_by, close_uid"
			      " FROM periods"
			      " WHERE close_seq = ?",
	/* the blob is sealed once the id (its associated data) is known */
	[S_PRINT_INS] = "INSERT INTO prints(person, finger, model,"
			" created_utc, blob, seal) VALUES(?, ?, ?, ?, x'', 2)",
	[S_PRINT_SEAL] = "UPDATE prints SET blob = ?, seal = 2 WHERE id = ?",
	[S_PRINT_ACTIVE] = "SELECT r.id, r.person, r.finger, r.model,"
			   " r.created_utc, r.blob, r.seal FROM prints r"
			   " WHERE EXISTS (SELECT 1 FROM periods"
			   "  WHERE person = r.person AND until = ?)"
			   " ORDER BY r.id",
	[S_PRINT_META] = "SELECT id, person, finger, model, created_utc"
			 " FROM prints ORDER BY id",
	[S_PRINT_GET] = "SELECT id, person, finger, model, created_utc"
			" FROM prints WHERE id = ?",
	[S_PRINT_OF_PERSON] = "SELECT id, person, finger, model, created_utc"
			      " FROM prints WHERE person = ? ORDER BY id",
	[S_PRINT_DEL_ONE] = "DELETE FROM prints WHERE id = ?",
	[S_PRINT_LEGACY] = "SELECT id FROM prints WHERE seal = 1 ORDER BY id",
	[S_PRINT_BLOB] = "SELECT person, blob FROM prints WHERE id = ?",
	[S_PRINT_COUNT] = "SELECT count(*) FROM prints",
	[S_PRINT_FACT_INS] = "INSERT INTO print_facts(seq, print, person,"
			     " action, finger, model, consent, reason, by,"
			     " uid) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_PRINT_FACT_BY_SEQ] = "SELECT print, person, action, finger, model,"
				" consent, reason, by, uid FROM print_facts"
				" WHERE seq = ?",
	/* Every prints row against its latest "enrol" fact: the fact's
	 * seq (NULL: none), whether person, finger and model agree, and the
	 * seq of a later "delete" of the same print (0: none). */
	[S_PRINT_UNBOUND] =
		"SELECT p.id, p.person, f.seq, f.person, p.person = f.person"
		" AND p.finger = f.finger AND p.model = f.model,"
		" coalesce((SELECT min(x.seq) FROM print_facts x"
		"  WHERE x.print = p.id AND x.action = 'delete'"
		"  AND x.seq > f.seq), 0)"
		" FROM prints p LEFT JOIN print_facts f ON f.seq ="
		" (SELECT max(seq) FROM print_facts"
		"  WHERE print = p.id AND action = 'enrol')"
		" ORDER BY p.id",
	[S_PRINT_FACT_OF_PERSON] = "SELECT f.seq, l.recorded_utc, f.print,"
				   " f.action, f.finger, f.model, f.consent,"
				   " f.reason, f.by, f.uid FROM print_facts f"
				   " JOIN ledger l ON l.seq = f.seq"
				   " WHERE f.person = ? ORDER BY f.seq",
	/* prints whose latest fact is an enrolment but that the store holds
	 * no template of: a restored store's (store_restore_settle) */
	[S_PRINT_ENROLLED_GONE] =
		"SELECT f.print, f.person, f.finger, f.model, 0"
		" FROM print_facts f WHERE f.action = 'enrol'"
		" AND f.seq = (SELECT max(seq) FROM print_facts"
		"  WHERE print = f.print)"
		" AND NOT EXISTS (SELECT 1 FROM prints WHERE id = f.print)"
		" ORDER BY f.print",
	[S_AUDIT_INS] = "INSERT INTO audit(at_utc, actor, action, subject,"
			" detail, uid) VALUES(?, ?, ?, ?, ?, ?)",
	[S_AUDIT_OF_SUBJECT] = "SELECT at_utc, actor, uid, action, detail"
			       " FROM audit WHERE subject = ? ORDER BY id",
	[S_PUNCH_INS] = "INSERT INTO punches(" PUNCH_COLS ")"
			" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_PUNCH_LAST] = "SELECT at_utc FROM punches"
			 " WHERE person = ? AND (flags & 1) = 0"
			 " ORDER BY at_utc DESC, seq DESC LIMIT 1",
	[S_PUNCH_RANGE] = "SELECT " PUNCH_COLS " FROM punches"
			  " WHERE local_day BETWEEN ?1 AND ?2"
			  " AND (?3 IS NULL OR person = ?3)"
			  " ORDER BY person, at_utc, seq",
	[S_PUNCH_BY_SEQ] = "SELECT " PUNCH_COLS " FROM punches WHERE seq = ?",
	/* store_punch_scan: a loose index scan, person by person, so that a
	 * month of a long history reads only that month's index entries.
	 * INDEXED BY makes a lost index fail at open, not crawl. */
	[S_PUNCH_NEXT_PERSON] = "SELECT person FROM punches"
				" INDEXED BY punches_scan WHERE person > ?1"
				" ORDER BY person LIMIT 1",
	[S_PUNCH_SCAN] = "SELECT local_day, local_sec, flags FROM punches"
			 " INDEXED BY punches_scan WHERE person = ?1"
			 " AND local_day BETWEEN ?2 AND ?3"
			 " ORDER BY local_day, local_sec, seq",
	[S_COUNTER_ADD] = "INSERT INTO counters(name, value) VALUES(?1, ?2)"
			  " ON CONFLICT(name) DO UPDATE SET value = value + ?2",
	[S_COUNTER_GET] = "SELECT value FROM counters WHERE name = ?",
	[S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
		       " ON CONFLICT(key) DO UPDATE SET value = ?2",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[S_META_DEL] = "DELETE FROM meta WHERE key = ?",
	[S_PROFILE_INS] = "INSERT INTO profiles(seq, from_day, version, name,"
			  " text, by, uid, retro_on, retro_reason)"
			  " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_PROFILE_ALL] = "SELECT from_day, version, name, text, seq"
			  " FROM profiles ORDER BY from_day, seq",
	[S_PROFILE_BY_SEQ] = "SELECT from_day, version, name, text, by, uid,"
			     " retro_on, retro_reason"
			     " FROM profiles WHERE seq = ?",
	[S_PROFILE_RETRO] = "SELECT seq, from_day, retro_on, version, name,"
			    " retro_reason, by FROM profiles"
			    " WHERE retro_on IS NOT NULL ORDER BY seq",
	[S_CAL_INS] = "INSERT INTO calendars(seq, version, name, text, by,"
		      " uid) VALUES(?, ?, ?, ?, ?, ?)",
	[S_CALDAY_INS] = "INSERT INTO calendar_days(seq, day, kind, name, by,"
			 " uid, action, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	[S_CAL_ALL] =
		"SELECT seq, 0, version, name, text, 0, '', 'import'"
		" FROM calendars"
		" UNION ALL SELECT seq, 1, '', name, '', day, kind, action"
		" FROM calendar_days ORDER BY 1",
	[S_CAL_BY_SEQ] = "SELECT version, name, text, by, uid FROM calendars"
			 " WHERE seq = ?",
	[S_CALDAY_BY_SEQ] = "SELECT day, kind, name, by, uid, action, reason"
			    " FROM calendar_days WHERE seq = ?",
	[S_CHECKPOINT_ALL] = "SELECT seq, data FROM ledger"
			     " WHERE kind = 'checkpoint' ORDER BY seq",
	[S_EXCUSE_INS] = "INSERT INTO excuses(seq, person, from_day, to_day,"
			 " kind, part, reason, document, by, uid)"
			 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_EXCUSE_BY_SEQ] = "SELECT " EXCUSE_COLS " FROM excuses WHERE seq = ?",
	[S_EXCUSE_BY_REVOKE] = "SELECT " EXCUSE_COLS " FROM excuses"
			       " WHERE revoke_seq = ?",
	[S_EXCUSE_REVOKE] = "UPDATE excuses SET revoke_seq = ?,"
			    " revoke_reason = ?, revoke_by = ?, revoke_uid = ?"
			    " WHERE seq = ?",
	[S_EXCUSE_RANGE] = "SELECT " EXCUSE_COLS " FROM excuses"
			   " WHERE from_day <= ?2 AND to_day >= ?1"
			   " AND (?3 IS NULL OR person = ?3)"
			   " ORDER BY person, from_day, seq",
	/* Side rows whose seq names no ledger row of their kind.  Actions
	 * are matched on the data after a format-version key (ledger.h). */
	[S_ORPHANS] =
		"SELECT min(s), t FROM ("
		" SELECT seq AS s, 'punch' AS t FROM punches WHERE seq NOT IN"
		"  (SELECT seq FROM ledger WHERE kind = 'punch')"
		" UNION ALL SELECT seq, 'profile' FROM profiles WHERE seq"
		"  NOT IN (SELECT seq FROM ledger WHERE kind = 'profile')"
		" UNION ALL SELECT seq, 'calendar' FROM calendars WHERE seq"
		"  NOT IN (SELECT seq FROM ledger WHERE kind = 'calendar'"
		"  AND " DATA_BODY " LIKE 'action=import;%')"
		" UNION ALL SELECT seq, 'calendar day' FROM calendar_days"
		"  WHERE seq NOT IN (SELECT seq FROM ledger"
		"  WHERE kind = 'calendar' AND (" DATA_BODY
		" LIKE 'action=add;%' OR " DATA_BODY " LIKE 'action=remove;%'))"
		" UNION ALL SELECT seq, 'excuse' FROM excuses WHERE seq NOT IN"
		"  (SELECT seq FROM ledger WHERE kind = 'excuse')"
		" UNION ALL SELECT revoke_seq, 'revocation' FROM excuses"
		"  WHERE revoke_seq IS NOT NULL AND revoke_seq NOT IN"
		"  (SELECT seq FROM ledger WHERE kind = 'revoke')"
		" UNION ALL SELECT open_seq, 'period' FROM periods"
		"  WHERE open_seq NOT IN (SELECT seq FROM ledger"
		"  WHERE kind = 'person' AND (" DATA_BODY " LIKE 'action=add;%'"
		"  OR " DATA_BODY " LIKE 'action=reactivate;%'))"
		" UNION ALL SELECT close_seq, 'period end' FROM periods"
		"  WHERE close_seq IS NOT NULL AND close_seq NOT IN"
		"  (SELECT seq FROM ledger WHERE kind = 'person'"
		"  AND " DATA_BODY " LIKE 'action=deactivate;%')"
		" UNION ALL SELECT created_seq, 'person' FROM people"
		"  WHERE created_seq NOT IN (SELECT seq FROM ledger"
		"  WHERE kind = 'person' AND " DATA_BODY " LIKE 'action=add;%')"
		" UNION ALL SELECT seq, 'checkpoint' FROM checkpoints"
		"  WHERE seq NOT IN (SELECT seq FROM ledger"
		"  WHERE kind = 'checkpoint')"
		" UNION ALL SELECT seq, 'print fact' FROM print_facts"
		"  WHERE seq NOT IN (SELECT seq FROM ledger"
		"  WHERE kind = 'print'))",
	[S_CKPT_INS] = "INSERT INTO checkpoints(" CKPT_COLS ")"
		       " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_CKPT_FILE_INS] = "INSERT INTO checkpoint_files(seq, pos, name,"
			    " label, data) VALUES(?, ?, ?, ?, ?)",
	[S_CKPT_BY_MONTH] = "SELECT " CKPT_COLS " FROM checkpoints"
			    " WHERE month = ?",
	[S_CKPT_BY_SEQ] = "SELECT " CKPT_COLS " FROM checkpoints"
			  " WHERE seq = ?",
	[S_CKPT_LATEST] = "SELECT " CKPT_COLS " FROM checkpoints"
			  " ORDER BY month DESC LIMIT 1",
	[S_CKPT_PREV] = "SELECT coalesce(max(seq), 0) FROM checkpoints"
			" WHERE seq < ?",
	[S_CKPT_FILES] = "SELECT name, label, data FROM checkpoint_files"
			 " WHERE seq = ? ORDER BY pos",
};

/* ---- errors: translated here, once ---- */

int store_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_READONLY:
		return -EROFS;
	default:
		return -EIO;
	}
}

int store_db_fail(struct store *st, int rc, const char *what)
{
	log_warnx("store: %s: %s (sqlite %d)", what, sqlite3_errmsg(st->db),
		  rc);
	return store_rc(rc);
}

int store_stmt_prepare(struct store *st, enum stmt_id id)
{
	int rc;

	if (st->stmt[id])
		return 0;
	rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
				SQLITE_PREPARE_PERSISTENT, &st->stmt[id], NULL);
	if (rc != SQLITE_OK)
		return store_db_fail(st, rc, stmt_sql[id]);
	return 0;
}

/* Returns the statement reset and unbound, ready to bind. */
sqlite3_stmt *store_stmt(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

void store_stmt_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* Runs a statement that returns no rows. */
int store_exec(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	store_stmt_done(s);
	if (rc != SQLITE_DONE)
		return store_db_fail(st, rc, what);
	return 0;
}

/* Copies column i into buf; -EIO if it does not fit (a corrupt row). */
int store_col_text(sqlite3_stmt *s, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);

	if (!t)
		n = 0;
	if (n >= cap) {
		log_warnx("store: corrupt row: %s is %zu bytes, at most %zu",
			  sqlite3_column_name(s, i), n, cap - 1);
		return -EIO;
	}
	memcpy(buf, t ? (const char *)t : "", n);
	buf[n] = '\0';
	return 0;
}

const char *store_col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* ---- rows: every query that returns rows is walked by one of these ---- */

/* The loop every _each shares; its contract is in store_int.h. */
int store_rows_each(struct store *st, sqlite3_stmt *s, store_row_read_fn *read,
		    void *rec, store_row_emit_fn *emit, void *ctx,
		    const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rc = read(s, rec);
		if (rc == 0)
			rc = emit(ctx, rec);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : store_db_fail(st, rc, what);
out:
	store_stmt_done(s);
	return rc;
}

/* The step every single-row read shares (store_int.h). */
int store_row_get(struct store *st, sqlite3_stmt *s, store_row_read_fn *read,
		  void *rec, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		rc = read(s, rec);
	else if (rc == SQLITE_DONE)
		rc = -ENOENT;
	else
		rc = store_db_fail(st, rc, what);
	store_stmt_done(s);
	return rc;
}

int store_read_int64(sqlite3_stmt *s, void *rec)
{
	int64_t *v = rec;

	*v = sqlite3_column_int64(s, 0);
	return 0;
}

/* ---- transactions ---- */

int store_path_check(struct store *st)
{
	struct stat sb;

	if (!st->path)
		return 0;
	if (stat(st->path, &sb) == 0) {
		if (sb.st_dev == st->dev && sb.st_ino == st->ino)
			return 0;
	} else if (errno != ENOENT && errno != ENOTDIR) {
		return 0; /* cannot tell (EACCES...): not proof it is gone */
	}
	if (!st->gone)
		log_warnx("store: %s was removed or replaced while open; "
			  "nothing more is written to it",
			  st->path);
	st->gone = true;
	return -ESTALE;
}

int store_tx_begin(struct store *st)
{
	int rc;

	if (st->rdonly)
		return -EROFS;
	if (st->bulk)
		return st->bulk_rc; /* already inside the bulk transaction */
	rc = store_path_check(st);
	if (rc != 0)
		return rc;
	return store_exec(st, store_stmt(st, S_BEGIN), "begin");
}

/* Commits when rc is 0 (durably: synchronous=FULL), else rolls back.
 * Returns rc, or the commit's error. */
int store_tx_end(struct store *st, int rc)
{
	if (st->bulk) {
		/* the bulk commits or rolls back as a whole at its end */
		if (rc != 0 && st->bulk_rc == 0)
			st->bulk_rc = rc;
		return rc;
	}
	/* A row committed into a file that is no longer the store would be
	 * acknowledged and lost: look at the path once more, just before. */
	if (rc == 0)
		rc = store_path_check(st);
	if (rc == 0) {
		rc = store_exec(st, store_stmt(st, S_COMMIT), "commit");
		if (rc == 0)
			return 0;
	}
	/* Nothing to report if SQLite already rolled back by itself. */
	if (!sqlite3_get_autocommit(st->db)) {
		sqlite3_stmt *s = store_stmt(st, S_ROLLBACK);

		(void)sqlite3_step(s); /* best effort: the error is rc */
		store_stmt_done(s);
	}
	return rc;
}

/* ---- input checks ---- */

bool store_fits(const char *s, size_t cap)
{
	return s && strnlen(s, cap) < cap;
}

bool store_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool store_id_ok(const char *id)
{
	return store_fits(id, PD_ID_MAX) && *id && store_printable(id);
}

/* ---- open, migrate, close ---- */

static int read_int(sqlite3_stmt *s, void *rec)
{
	int *v = rec;

	*v = sqlite3_column_int(s, 0);
	return 0;
}

static int user_version(struct store *st, int *out)
{
	sqlite3_stmt *s;
	int rc =
		sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return store_db_fail(st, rc, "read user_version");
	/* the pragma always answers one row: never -ENOENT */
	rc = store_row_get(st, s, read_int, out, "read user_version");
	sqlite3_finalize(s);
	return rc;
}

static int exec_sql(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_db_fail(st, rc, what);
	return 0;
}

/* One step per transaction, re-reading the version under the write lock so
 * that two openers never run a step twice. */
static int migrate(struct store *st)
{
	for (;;) {
		char sql[64];
		int v, rc;

		rc = exec_sql(st, "BEGIN IMMEDIATE", "migration begin");
		if (rc != 0)
			return rc;
		rc = user_version(st, &v);
		if (rc == 0 && v > STORE_SCHEMA_VERSION) {
			log_warnx("store: database schema %d is newer than "
				  "this program's %d",
				  v, STORE_SCHEMA_VERSION);
			rc = -EIO;
		}
		if (rc != 0 || v == STORE_SCHEMA_VERSION) {
			if (rc == 0)
				rc = exec_sql(st, "COMMIT", "migration commit");
			if (rc != 0)
				(void)sqlite3_exec(st->db, "ROLLBACK", NULL,
						   NULL, NULL); /* rc says */
			return rc;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		rc = exec_sql(st, migrations[v], "migration");
		if (rc == 0 &&
		    (size_t)v < sizeof(migration_code) /
					sizeof(migration_code[0]) &&
		    migration_code[v])
			rc = migration_code[v](st);
		if (rc == 0)
			rc = exec_sql(st, sql, "migration version");
		if (rc == 0)
			rc = exec_sql(st, "COMMIT", "migration commit");
		if (rc != 0) {
			(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL,
					   NULL); /* rc says why */
			log_warnx("store: migration to schema %d failed",
				  v + 1);
			return rc;
		}
		log_info("store: migrated database to schema %d", v + 1);
	}
}

static bool is_plain_path(const char *path)
{
	return *path && strcmp(path, ":memory:") != 0 &&
	       strncmp(path, "file:", 5) != 0;
}

int store_open(const char *path, const char *vfs, unsigned int flags,
	       const uint8_t *key, struct store **out)
{
	struct store *st;
	int oflags, rc, v;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->rdonly = flags & STORE_RDONLY;
	if (key) {
		memcpy(st->key, key, sizeof(st->key));
		st->has_key = true;
	}
	if (st->rdonly && is_plain_path(path) && access(path, F_OK) != 0) {
		rc = -errno;
		log_errno(rc, "store: %s", path);
		goto err_free;
	}
	if (!st->rdonly && is_plain_path(path)) {
		/* Create it ourselves so the mode is 0640, not SQLite's 0644;
		 * the WAL and shm files inherit the database file's mode. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      DB_FILE_MODE);

		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST) {
			rc = -errno;
			log_errno(rc, "store: cannot create %s", path);
			goto err_free;
		}
	}
	/* A store is used by one thread (the daemon's main loop, or the
	 * CLI): no per-call connection mutex, which a report's millions of
	 * sqlite3_column_*() calls would each take. */
	oflags = SQLITE_OPEN_NOMUTEX |
		 (st->rdonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(path, &st->db, oflags, vfs);
	if (rc != SQLITE_OK) {
		if (!st->db) {
			rc = -ENOMEM;
			goto err_free;
		}
		log_warnx("store: cannot open %s: %s", path,
			  sqlite3_errmsg(st->db));
		rc = store_rc(rc);
		goto err_close;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	if (st->rdonly) {
		rc = exec_sql(st, "PRAGMA query_only = ON", "query_only");
		if (rc == 0)
			rc = user_version(st, &v);
		if (rc == 0 && v != STORE_SCHEMA_VERSION) {
			log_warnx("store: %s has schema %d, this program needs "
				  "%d; start the daemon once to migrate it",
				  path, v, STORE_SCHEMA_VERSION);
			rc = -EIO;
		}
	} else {
		/* Keep -wal and -shm when the daemon closes: a report user in
		 * the admin group, who cannot create files in the 0750 state
		 * directory, can then still open the database read-only
		 * (SQLite >= 3.22 reads through a read-only -shm). */
		int persist = 1;

		if (sqlite3_file_control(st->db, "main",
					 SQLITE_FCNTL_PERSIST_WAL,
					 &persist) != SQLITE_OK)
			log_debug("store: cannot keep the WAL file");
		/* :memory: answers "memory" to journal_mode=WAL; fine. */
		rc = exec_sql(st, "PRAGMA journal_mode = WAL", "WAL");
		if (rc == 0)
			rc = exec_sql(st, "PRAGMA synchronous = FULL",
				      "synchronous");
		if (rc == 0)
			rc = exec_sql(st, "PRAGMA foreign_keys = ON",
				      "foreign_keys");
		if (rc == 0)
			rc = migrate(st);
	}
	if (rc != 0)
		goto err_close;
	if (!st->rdonly && is_plain_path(path)) {
		struct stat sb;

		if (stat(path, &sb) == 0) {
			st->path = strdup(path);
			if (!st->path) {
				rc = -ENOMEM;
				goto err_close;
			}
			st->dev = sb.st_dev;
			st->ino = sb.st_ino;
		}
	}
	for (int i = 0; i < S_COUNT; i++) {
		rc = store_stmt_prepare(st, (enum stmt_id)i);
		if (rc != 0)
			goto err_close;
	}
	/* templates of an older store: bound to their person now */
	if (st->has_key && !st->rdonly)
		(void)store_prints_reseal(st); /* logged; they stay readable */
	*out = st;
	return 0;

err_close:
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st->path);
err_free:
	explicit_bzero(st->key, sizeof(st->key));
	free(st);
	return rc;
}

int store_image_open(const void *img, size_t len, struct store **out)
{
	struct store *st;
	unsigned char *copy;
	int rc, v = -1;

	if (!img || len == 0 || len > (size_t)INT64_MAX)
		return -EIO;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	rc = sqlite3_open_v2(":memory:", &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = st->db ? store_db_fail(st, rc, "image open") : -ENOMEM;
		goto err_close;
	}
	copy = sqlite3_malloc64(len);
	if (!copy) {
		rc = -ENOMEM;
		goto err_close;
	}
	memcpy(copy, img, len);
	/* SQLite owns the copy from here, failed or not */
	rc = sqlite3_deserialize(
		st->db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
		SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
	if (rc != SQLITE_OK) {
		rc = store_db_fail(st, rc, "image load");
		goto err_close;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* an older image is migrated here, in memory, as the daemon will
	 * migrate the installed file; then nothing more is written */
	rc = user_version(st, &v);
	if (rc == 0 && v == 0) {
		log_warnx("store: the image holds no presensi database");
		rc = -EIO;
	}
	if (rc == 0)
		rc = exec_sql(st, "PRAGMA foreign_keys = ON", "foreign_keys");
	if (rc == 0)
		rc = migrate(st);
	if (rc == 0)
		rc = exec_sql(st, "PRAGMA query_only = ON", "query_only");
	if (rc != 0)
		goto err_close;
	st->rdonly = true;
	for (int i = 0; i < S_COUNT; i++) {
		rc = store_stmt_prepare(st, (enum stmt_id)i);
		if (rc != 0)
			goto err_close;
	}
	*out = st;
	return 0;

err_close:
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
	return rc;
}

int store_key_set(struct store *st, const uint8_t *key)
{
	if (st->has_key || st->rdonly || !key)
		return -EINVAL;
	memcpy(st->key, key, sizeof(st->key));
	st->has_key = true;
	(void)store_prints_reseal(st); /* logged; they stay readable */
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(st->db));
	free(st->path);
	explicit_bzero(st->key, sizeof(st->key));
	free(st);
}

int store_schema_version(struct store *st, int *out)
{
	return user_version(st, out);
}

/* ---- health ---- */

/* The caller's buffer for quick_check's first answer. */
struct check_answer {
	char *why;
	size_t cap;
};

static int read_check(sqlite3_stmt *s, void *rec)
{
	const struct check_answer *a = rec;
	const char *t = store_col_str(s, 0);

	if (strcmp(t, "ok") == 0)
		return 0;
	snprintf(a->why, a->cap, "%s", t);
	return -EIO;
}

int store_check(struct store *st, char *why, size_t cap)
{
	struct check_answer a = {why, cap};
	sqlite3_stmt *s;
	int rc;

	why[0] = '\0';
	if (!st->rdonly && sqlite3_db_readonly(st->db, "main") == 1) {
		snprintf(why, cap, "the database file is read-only");
		return -EROFS;
	}
	/* quick_check: every b-tree page well formed, O(size), no index
	 * cross-check; its first answer is "ok" or the first problem */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, cap, "%s", sqlite3_errmsg(st->db));
		return store_db_fail(st, rc, "quick_check");
	}
	rc = store_row_get(st, s, read_check, &a, "quick_check");
	sqlite3_finalize(s);
	if (rc < 0 && !why[0])
		snprintf(why, cap, "%s", sqlite3_errmsg(st->db));
	if (rc == -EIO)
		log_warnx("store: quick_check: %s", why);
	return rc;
}

/* ---- bulk import ---- */

int store_bulk_begin(struct store *st)
{
	int rc;

	if (st->bulk)
		return -EINVAL;
	rc = store_tx_begin(st);
	if (rc == 0) {
		st->bulk = true;
		st->bulk_rc = 0;
	}
	return rc;
}

int store_bulk_end(struct store *st)
{
	int rc;

	if (!st->bulk)
		return -EINVAL;
	st->bulk = false;
	rc = store_tx_end(st, st->bulk_rc);
	st->bulk_rc = 0;
	return rc;
}

/* ---- counters, meta, audit ---- */

int store_counter_add(struct store *st, const char *name, int64_t delta)
{
	sqlite3_stmt *s;

	if (st->rdonly)
		return -EROFS;
	if (!name || !*name)
		return -EINVAL;
	if (store_path_check(st) != 0)
		return -ESTALE;
	s = store_stmt(st, S_COUNTER_ADD);
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, delta);
	return store_exec(st, s, "counter add");
}

int store_counter_get(struct store *st, const char *name, int64_t *out)
{
	sqlite3_stmt *s = store_stmt(st, S_COUNTER_GET);
	int rc;

	store_bind_text(s, 1, name);
	rc = store_row_get(st, s, store_read_int64, out, "counter get");
	if (rc == -ENOENT) {
		*out = 0; /* a counter never bumped is zero */
		rc = 0;
	}
	return rc;
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s;

	if (st->rdonly)
		return -EROFS;
	if (!key || !*key || !value)
		return -EINVAL;
	s = store_stmt(st, S_META_SET);
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	return store_exec(st, s, "meta set");
}

/* The caller's buffer for a meta value. */
struct meta_value {
	char *out;
	size_t cap;
};

static int read_meta(sqlite3_stmt *s, void *rec)
{
	const struct meta_value *m = rec;
	size_t n = (size_t)sqlite3_column_bytes(s, 0);

	if (n >= m->cap)
		return -ENAMETOOLONG;
	memcpy(m->out, store_col_str(s, 0), n);
	m->out[n] = '\0';
	return 0;
}

int store_meta_get(struct store *st, const char *key, char *out, size_t cap)
{
	struct meta_value m = {out, cap};
	sqlite3_stmt *s = store_stmt(st, S_META_GET);

	store_bind_text(s, 1, key);
	return store_row_get(st, s, read_meta, &m, "meta get");
}

void store_bind_uid(sqlite3_stmt *s, int i, int64_t uid)
{
	if (uid == ACTOR_UID_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, uid);
}

int64_t store_col_uid(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return ACTOR_UID_NONE;
	return sqlite3_column_int64(s, i);
}

int store_audit_insert(struct store *st, int64_t now_utc,
		       const struct actor *actor, const char *action,
		       const char *subject, const char *detail)
{
	sqlite3_stmt *s = store_stmt(st, S_AUDIT_INS);

	sqlite3_bind_int64(s, 1, now_utc);
	store_bind_text(s, 2, actor && actor->name ? actor->name : "");
	store_bind_text(s, 3, action);
	store_bind_text(s, 4, subject ? subject : "");
	store_bind_text(s, 5, detail ? detail : "");
	store_bind_uid(s, 6, actor ? actor->uid : ACTOR_UID_NONE);
	return store_exec(st, s, "audit insert");
}

bool store_actor_ok(const struct actor *by)
{
	return by && store_fits(by->name, PD_NAME_MAX) &&
	       store_printable(by->name);
}

int store_audit_add(struct store *st, int64_t now_utc,
		    const struct actor *actor, const char *action,
		    const char *subject, const char *detail)
{
	if (st->rdonly)
		return -EROFS;
	if (!action || !*action)
		return -EINVAL;
	return store_audit_insert(st, now_utc, actor, action, subject, detail);
}
