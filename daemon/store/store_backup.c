/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_backup.c: the database part of a backup (DOMAIN §6.8).  SQLite's
 * backup API copies every page in one read snapshot into a database in
 * memory while the daemon goes on writing; the copy loses its templates
 * (secure_delete, then VACUUM, so no byte of one is left), gets the mark
 * store_restore_settle looks for, and is handed over as the bytes of a
 * database file.  The live store is only read.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* Logs what failed in the copy (not the live store) and translates. */
static int copy_fail(sqlite3 *db, int rc, const char *what)
{
	log_warnx("store: backup: %s: %s (sqlite %d)", what,
		  db ? sqlite3_errmsg(db) : "out of memory", rc);
	return store_rc(rc);
}

static int copy_exec(sqlite3 *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : copy_fail(db, rc, what);
}

/* What the copy holds: schema, ledger head, prints about to go. */
static int copy_info(sqlite3 *db, struct store_backup_info *info)
{
	static const char sql[] =
		"SELECT (SELECT user_version FROM pragma_user_version),"
		" (SELECT count(*) FROM prints),"
		" coalesce((SELECT max(seq) FROM ledger), 0),"
		" coalesce((SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1),"
		" '" LEDGER_HASH_ZERO "')";
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = copy_fail(db, rc, "read the copy's head");
		sqlite3_finalize(s);
		return rc;
	}
	info->schema = sqlite3_column_int(s, 0);
	info->prints_dropped = sqlite3_column_int64(s, 1);
	info->ledger_rows = sqlite3_column_int64(s, 2);
	snprintf(info->ledger_head, sizeof(info->ledger_head), "%s",
		 (const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	return strlen(info->ledger_head) == PD_HASH_HEX - 1 ? 0 : -EIO;
}

/* In the copy: the templates go, the mark comes, all in one transaction,
 * then VACUUM rebuilds the file without the freed pages. */
static int copy_strip(sqlite3 *db, const struct store_backup_info *info)
{
	char mark[160];
	int rc;

	snprintf(mark, sizeof(mark),
		 "INSERT INTO meta(key, value) VALUES('" STORE_RESTORE_MARK
		 "', '%" PRId64 "') ON CONFLICT(key) DO UPDATE SET value ="
		 " excluded.value",
		 info->ledger_rows);
	rc = copy_exec(db, "PRAGMA secure_delete = ON", "secure_delete");
	if (rc == 0)
		rc = copy_exec(db, "BEGIN", "begin");
	if (rc == 0)
		rc = copy_exec(db, "DELETE FROM prints", "drop the templates");
	if (rc == 0)
		rc = copy_exec(db, mark, "mark the copy");
	if (rc == 0)
		rc = copy_exec(db, "COMMIT", "commit");
	if (rc == 0)
		rc = copy_exec(db, "VACUUM", "vacuum");
	return rc;
}

int store_backup_image(struct store *st, store_image_fn *fn, void *ud)
{
	struct store_backup_info info;
	sqlite3_backup *bk;
	sqlite3 *db = NULL;
	unsigned char *img = NULL;
	sqlite3_int64 size = 0;
	int rc;

	memset(&info, 0, sizeof(info));
	rc = sqlite3_open_v2(":memory:", &db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = copy_fail(db, rc, "open a database in memory");
		goto out;
	}
	/* every page at once: one read snapshot of the live store */
	bk = sqlite3_backup_init(db, "main", st->db, "main");
	if (!bk) {
		rc = copy_fail(db, sqlite3_errcode(db), "start the copy");
		goto out;
	}
	rc = sqlite3_backup_step(bk, -1);
	if (rc == SQLITE_DONE)
		rc = sqlite3_backup_finish(bk);
	else
		(void)sqlite3_backup_finish(bk); /* rc says why */
	if (rc != SQLITE_OK) {
		rc = copy_fail(db, rc, "copy the pages");
		goto out;
	}
	rc = copy_info(db, &info);
	if (rc == 0)
		rc = copy_strip(db, &info);
	if (rc != 0)
		goto out;
	img = sqlite3_serialize(db, "main", &size, 0);
	if (!img || size <= 0) {
		rc = -ENOMEM;
		goto out;
	}
	rc = fn(ud, img, (size_t)size, &info);
	explicit_bzero(img, (size_t)size); /* people's records */
	sqlite3_free(img);
out:
	sqlite3_close(db);
	if (rc == 0)
		log_info("store: backup image made: %" PRId64 " ledger rows, "
			 "%" PRId64 " templates left out",
			 info.ledger_rows, info.prints_dropped);
	return rc;
}
