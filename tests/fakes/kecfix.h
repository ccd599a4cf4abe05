/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan tests' fixture: every test runs twice, once on a SQLite
 * file and once on a database of a private PostgreSQL server, each fresh.
 * A test program calls kecfix_main() with its cases; the PostgreSQL
 * server is started once per program and stopped at its end.
 */
#ifndef PRESENSI_KECFIX_H
#define PRESENSI_KECFIX_H

#include <stddef.h>

#include "kec_store.h"

#define KECFIX_DB_MAX 512

struct kecfix {
	char *dir;		/* temporary directory, removed at the end */
	char db[KECFIX_DB_MAX]; /* the --db argument of this test */
	struct kec_store *st;	/* open on db */
	int pg;			/* 1 on PostgreSQL */
};

/* Runs tests on SQLite, then on PostgreSQL; returns the failures.  A
 * test's state is a struct kecfix *. */
struct CMUnitTest;
int kecfix_main(const char *name, const struct CMUnitTest *tests, size_t n);

/* Closes and reopens f->st on the same database. */
void kecfix_reopen(struct kecfix *f);

#endif /* PRESENSI_KECFIX_H */
