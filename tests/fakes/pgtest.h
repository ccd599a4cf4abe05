/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A private PostgreSQL server for tests, from Debian's packages: initdb
 * into a temporary directory, pg_ctl start listening on a UNIX socket in
 * that directory only (no TCP), stopped and removed by pgtest_stop.  As
 * root the server runs as the postgres user (runuser), as PostgreSQL
 * refuses root.  The initialised cluster is kept in $O/pgtest-template
 * and copied for the next test program, since initdb is the slow part.
 * No libpq here: databases are made with the createdb program.
 */
#ifndef PRESENSI_PGTEST_H
#define PRESENSI_PGTEST_H

#include <stddef.h>

struct pgtest;

/*
 * Starts a server.  Returns 0, -ENOENT when PostgreSQL's programs are not
 * installed (/usr/lib/postgresql/N/bin; make deps installs them), or -EIO
 * when initdb or pg_ctl failed (their output is printed).  Free with
 * pgtest_stop().
 */
int pgtest_start(struct pgtest **out);
/* The same with fsync on, as a real server runs: for benchmarks. */
int pgtest_start_durable(struct pgtest **out);
/* Creates database name and writes its libpq conninfo into buf.  0, -EIO,
 * -ENAMETOOLONG. */
int pgtest_createdb(struct pgtest *pg, const char *name, char *buf, size_t cap);
/* Stops the server and removes its directory.  NULL-safe. */
void pgtest_stop(struct pgtest *pg);

#endif /* PRESENSI_PGTEST_H */
