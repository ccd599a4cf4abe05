/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kecfix.c: runs the kecamatan tests on SQLite, then on PostgreSQL. */
#include "kecfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "pgtest.h"
#include "testutil.h"

static struct pgtest *server; /* NULL while the SQLite pass runs */
static int ndb;

static int fix_setup(void **state)
{
	struct kecfix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = testutil_tmpdir("kec");
	if (!f->dir)
		return -1;
	if (server) {
		char name[32];

		f->pg = 1;
		snprintf(name, sizeof(name), "kt%d", ++ndb);
		if (pgtest_createdb(server, name, f->db, sizeof(f->db)) != 0)
			return -1;
	} else {
		snprintf(f->db, sizeof(f->db), "%s/kecamatan.db", f->dir);
	}
	if (kec_store_open(f->db, &f->st) != 0)
		return -1;
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct kecfix *f = *state;

	kec_store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

void kecfix_reopen(struct kecfix *f)
{
	kec_store_close(f->st);
	f->st = NULL;
	assert_int_equal(kec_store_open(f->db, &f->st), 0);
}

int kecfix_main(const char *name, const struct CMUnitTest *tests, size_t n)
{
	struct CMUnitTest *t = calloc(n, sizeof(*t));
	char group[128];
	int failed;

	if (!t || crypto_init() != 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		t[i] = tests[i];
		t[i].setup_func = fix_setup;
		t[i].teardown_func = fix_teardown;
	}
	snprintf(group, sizeof(group), "%s on sqlite", name);
	failed = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	if (pgtest_start(&server) != 0) {
		fprintf(stderr, "%s: cannot start PostgreSQL for the tests\n",
			name);
		free(t);
		return failed + 1;
	}
	snprintf(group, sizeof(group), "%s on postgresql", name);
	failed += _cmocka_run_group_tests(group, t, n, NULL, NULL);
	pgtest_stop(server);
	server = NULL;
	free(t);
	return failed;
}
