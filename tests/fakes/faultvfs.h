/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection for store tests, after SQLite's test_vfs.c: a wrapper
 * VFS named "faultvfs" over the default one that, once armed, counts writes
 * down and then fails every later write with an I/O error or "disk full".
 * Also plain-SQL access to a database file, so tests can inspect or tamper
 * with it behind the store's back without including sqlite3.h themselves.
 */
#ifndef PRESENSI_FAULTVFS_H
#define PRESENSI_FAULTVFS_H

#include <stddef.h>
#include <stdint.h>

#define FAULTVFS_NAME "faultvfs" /* pass to store_open() */

enum faultvfs_fault {
	FAULTVFS_IOERR = 1, /* xWrite returns SQLITE_IOERR_WRITE */
	FAULTVFS_FULL = 2,  /* xWrite returns SQLITE_FULL */
};

/* Registers the VFS (not as default); idempotent.  0 or -EIO. */
int faultvfs_register(void);
/* From now on let `after` writes through, then fail every later write
 * (through any file of the VFS) with fault until faultvfs_disarm(). */
void faultvfs_arm(enum faultvfs_fault fault, int after);
void faultvfs_disarm(void);
/* Writes failed since the last arm (0 if the fault never fired). */
int faultvfs_failed_writes(void);

/* Runs sql (may be several statements) on the database file at path with
 * plain SQLite and the default VFS.  0, or -EIO with the error on stderr. */
int faultvfs_exec_sql(const char *path, const char *sql);
/* Runs a query and returns its first row's first column as an integer;
 * -ENOENT when there is no row, -EIO on error. */
int faultvfs_query_int(const char *path, const char *sql, int64_t *out);
/* The same for a blob (or text): a malloc'd copy in *out, its size in
 * *len; free with free(). */
int faultvfs_query_blob(const char *path, const char *sql, void **out,
			size_t *len);

#endif /* PRESENSI_FAULTVFS_H */
