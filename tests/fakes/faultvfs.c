/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faultvfs.c: a wrapper VFS over SQLite's default VFS that fails writes on
 * demand (the one test file allowed to include sqlite3.h), plus plain-SQL
 * helpers to inspect or tamper with a store file from tests.  Each wrapped
 * file forwards every method to the real file it carries after itself.
 */
#include "faultvfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 5000 /* same as the store's */

struct fv_file {
	sqlite3_file base;  /* must be first */
	sqlite3_file *real; /* the default VFS's file, right after us */
};

static sqlite3_vfs *fv_real_vfs;
static sqlite3_vfs fv_vfs;
static int fv_armed;
static int fv_fault;
static int fv_left;   /* writes still let through */
static int fv_failed; /* writes failed since arming */

void faultvfs_arm(enum faultvfs_fault fault, int after)
{
	fv_fault = fault == FAULTVFS_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	fv_left = after;
	fv_failed = 0;
	fv_armed = 1;
}

void faultvfs_disarm(void)
{
	fv_armed = 0;
}

int faultvfs_failed_writes(void)
{
	return fv_failed;
}

static sqlite3_file *real_of(sqlite3_file *f)
{
	return ((struct fv_file *)f)->real;
}

static int fv_close(sqlite3_file *f)
{
	return real_of(f)->pMethods->xClose(real_of(f));
}

static int fv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	return real_of(f)->pMethods->xRead(real_of(f), buf, amt, off);
}

static int fv_write(sqlite3_file *f, const void *buf, int amt,
		    sqlite3_int64 off)
{
	if (fv_armed) {
		if (fv_left == 0) {
			fv_failed++;
			return fv_fault;
		}
		fv_left--;
	}
	return real_of(f)->pMethods->xWrite(real_of(f), buf, amt, off);
}

static int fv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int fv_sync(sqlite3_file *f, int flags)
{
	return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int fv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int fv_lock(sqlite3_file *f, int lock)
{
	return real_of(f)->pMethods->xLock(real_of(f), lock);
}

static int fv_unlock(sqlite3_file *f, int lock)
{
	return real_of(f)->pMethods->xUnlock(real_of(f), lock);
}

static int fv_check_reserved(sqlite3_file *f, int *out)
{
	return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int fv_file_control(sqlite3_file *f, int op, void *arg)
{
	return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int fv_sector_size(sqlite3_file *f)
{
	return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int fv_device_chars(sqlite3_file *f)
{
	return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int fv_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
		      void volatile **pp)
{
	return real_of(f)->pMethods->xShmMap(real_of(f), pg, pgsz, extend, pp);
}

static int fv_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}

static void fv_shm_barrier(sqlite3_file *f)
{
	real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int fv_shm_unmap(sqlite3_file *f, int del)
{
	return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}

/* Version 2: no xFetch/xUnfetch, so SQLite never maps the file. */
static const sqlite3_io_methods fv_io = {
	.iVersion = 2,
	.xClose = fv_close,
	.xRead = fv_read,
	.xWrite = fv_write,
	.xTruncate = fv_truncate,
	.xSync = fv_sync,
	.xFileSize = fv_file_size,
	.xLock = fv_lock,
	.xUnlock = fv_unlock,
	.xCheckReservedLock = fv_check_reserved,
	.xFileControl = fv_file_control,
	.xSectorSize = fv_sector_size,
	.xDeviceCharacteristics = fv_device_chars,
	.xShmMap = fv_shm_map,
	.xShmLock = fv_shm_lock,
	.xShmBarrier = fv_shm_barrier,
	.xShmUnmap = fv_shm_unmap,
};

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
		   int flags, int *out_flags)
{
	struct fv_file *p = (struct fv_file *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)&p[1];
	rc = fv_real_vfs->xOpen(fv_real_vfs, name, p->real, flags, out_flags);
	p->base.pMethods =
		(rc == SQLITE_OK && p->real->pMethods) ? &fv_io : NULL;
	return rc;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return fv_real_vfs->xDelete(fv_real_vfs, name, sync_dir);
}

static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return fv_real_vfs->xAccess(fv_real_vfs, name, flags, out);
}

static int fv_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
			    char *out)
{
	(void)vfs;
	return fv_real_vfs->xFullPathname(fv_real_vfs, name, n, out);
}

static int fv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fv_real_vfs->xRandomness(fv_real_vfs, n, out);
}

static int fv_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return fv_real_vfs->xSleep(fv_real_vfs, us);
}

static int fv_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return fv_real_vfs->xCurrentTime(fv_real_vfs, out);
}

static int fv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fv_real_vfs->xGetLastError(fv_real_vfs, n, out);
}

static int fv_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return fv_real_vfs->xCurrentTimeInt64(fv_real_vfs, out);
}

int faultvfs_register(void)
{
	if (fv_real_vfs)
		return 0;
	if (sqlite3_initialize() != SQLITE_OK)
		return -EIO;
	fv_real_vfs = sqlite3_vfs_find(NULL);
	if (!fv_real_vfs || fv_real_vfs->iVersion < 2)
		return -EIO;
	fv_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct fv_file) + fv_real_vfs->szOsFile,
		.mxPathname = fv_real_vfs->mxPathname,
		.zName = FAULTVFS_NAME,
		.xOpen = fv_open,
		.xDelete = fv_delete,
		.xAccess = fv_access,
		.xFullPathname = fv_full_pathname,
		/* no loadable extensions through this VFS */
		.xRandomness = fv_randomness,
		.xSleep = fv_sleep,
		.xCurrentTime = fv_current_time,
		.xGetLastError = fv_last_error,
		.xCurrentTimeInt64 = fv_current_time64,
	};
	if (sqlite3_vfs_register(&fv_vfs, 0) != SQLITE_OK) {
		fv_real_vfs = NULL;
		return -EIO;
	}
	return 0;
}

static int plain_open(const char *path, sqlite3 **db)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "faultvfs: %s: %s\n", path,
			*db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		return -EIO;
	}
	sqlite3_busy_timeout(*db, BUSY_TIMEOUT_MS);
	return 0;
}

int faultvfs_exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc = plain_open(path, &db);

	if (rc != 0)
		return rc;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "faultvfs: %s: %s: %s\n", path, sql,
			err ? err : "error");
		rc = -EIO;
	}
	sqlite3_free(err);
	sqlite3_close(db);
	return rc;
}

int faultvfs_query_int(const char *path, const char *sql, int64_t *out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = plain_open(path, &db);

	if (rc != 0)
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "faultvfs: %s: %s: %s\n", path, sql,
			sqlite3_errmsg(db));
		rc = -EIO;
		goto out;
	}
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*out = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		fprintf(stderr, "faultvfs: %s: %s: %s\n", path, sql,
			sqlite3_errmsg(db));
		rc = -EIO;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int faultvfs_query_blob(const char *path, const char *sql, void **out,
			size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = plain_open(path, &db);

	if (rc != 0)
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "faultvfs: %s: %s: %s\n", path, sql,
			sqlite3_errmsg(db));
		rc = -EIO;
		goto out;
	}
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*out = malloc(*len + 1);
		if (!*out) {
			rc = -ENOMEM;
			break;
		}
		if (*len)
			memcpy(*out, sqlite3_column_blob(st, 0), *len);
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		fprintf(stderr, "faultvfs: %s: %s: %s\n", path, sql,
			sqlite3_errmsg(db));
		rc = -EIO;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
