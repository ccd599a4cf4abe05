/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of store_checkpoint.c on a real SQLite file: a month closes
 * once and in order, its row and side rows and frozen files read back, the
 * reader-error counter restarts, chain verify cross-checks the side table,
 * and a read-only store refuses to close.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "store.h"

#define T_DEC3 1796317140 /* 2026-12-03T16:59:00Z */
#define SEKDES ACTOR("sekdes", 1000)

static const uint8_t key1[CRYPTO_KEY_BYTES] = {0x11, 0x22, 0x33};

struct fx {
	char *dir;
	char path[512];
	struct store *st;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || crypto_init() < 0)
		return -1;
	f->dir = testutil_tmpdir("ckpt");
	if (!f->dir)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/presensi.db", f->dir);
	if (store_open(f->path, NULL, 0, key1, &f->st) != 0)
		return -1;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

static int64_t q(struct fx *f, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(faultvfs_query_int(f->path, sql, &v), 0);
	return v;
}

static const struct store_frozen_file files[] = {
	{"rules/profile-0123456789abcdef.ini", "PPU 24/2018", "[profile]\n",
	 10},
	{"rekap.csv", "", "id,nama\r\n", 9},
	{"rekap.xlsx", "", "PK\x03\x04\x00binary", 11},
};

static const struct store_frozen frozen = {
	"3517012001",
	"Sukamaju",
	"Pucuk",
	"presensi 0.2.0",
	"5d0c0000000000000000000000000000000000000000000000000000000000aa",
	files,
	3,
};

static int close_month(struct fx *f, const char *month, int64_t at,
		       int64_t *seq)
{
	struct ledger_checkpoint cp = {.auto_close = 0,
				       .health = {3600, 2, 1, 5000000}};

	snprintf(cp.month, sizeof(cp.month), "%s", month);
	return store_checkpoint_add(f->st, &cp, &frozen, SEKDES, at, seq);
}

static void add_person(struct fx *f)
{
	struct person p = {.since = 20393}; /* 2025-11-01 */

	snprintf(p.id, sizeof(p.id), "101");
	snprintf(p.name, sizeof(p.name), "Budi");
	snprintf(p.jabatan, sizeof(p.jabatan), "Kaur");
	assert_int_equal(
		store_person_add(f->st, &p, T_DEC3 - 86400 * 40, SEKDES), 0);
}

struct got_file {
	int n;
	char names[4][64];
	size_t len[4];
	int xlsx_ok;
};

static int note_file(void *ud, const char *name, const char *label,
		     const void *data, size_t len)
{
	struct got_file *g = ud;

	snprintf(g->names[g->n], sizeof(g->names[0]), "%s", name);
	g->len[g->n] = len;
	if (strcmp(name, "rekap.xlsx") == 0)
		g->xlsx_ok = len == 11 && memcmp(data, files[2].data, 11) == 0;
	if (g->n == 0)
		assert_string_equal(label, "PPU 24/2018");
	g->n++;
	return 0;
}

static void test_store_checkpoint_closes_a_month_with_its_row(void **state)
{
	struct fx *f = *state;
	struct store_checkpoint c;
	struct got_file g = {0};
	char month[LEDGER_MONTH_LEN];
	int64_t seq = 0, lseq;
	bool closed = true;

	add_person(f);
	assert_int_equal(store_month_closed(f->st, "2026-11", &closed), 0);
	assert_false(closed);
	assert_int_equal(store_month_latest_closed(f->st, month, &lseq),
			 -ENOENT);
	assert_int_equal(close_month(f, "2026-11", T_DEC3, &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'checkpoint' AND person = '' AND at_utc = "
			      "1796317140 AND data = 'v=2;month=2026-11;auto=0;"
			      "uptime=3600;untrusted=2;reader_errors=1;"
			      "disk_free=5000000;by=sekdes;uid=1000'"),
			 1);
	assert_int_equal(store_month_closed(f->st, "2026-11", &closed), 0);
	assert_true(closed);
	assert_int_equal(store_month_latest_closed(f->st, month, &lseq), 0);
	assert_string_equal(month, "2026-11");
	assert_int_equal(lseq, 2);
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
	assert_int_equal(c.seq, 2);
	assert_int_equal(c.prev_seq, 0);
	assert_int_equal(c.at_utc, T_DEC3);
	assert_int_equal(c.cp.health.untrusted, 2);
	assert_string_equal(c.by, "sekdes");
	assert_string_equal(c.kecamatan, "Pucuk");
	assert_string_equal(c.calendar_set, frozen.calendar_set);
	assert_int_equal(store_checkpoint_files(f->st, c.seq, note_file, &g),
			 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.names[0], files[0].name);
	assert_string_equal(g.names[2], "rekap.xlsx");
	assert_true(g.xlsx_ok); /* a blob, NUL bytes and all */
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
	assert_int_equal(store_checkpoint_get(f->st, "2026-10", &c), -ENOENT);
}

static void test_store_checkpoint_closes_once_and_in_order(void **state)
{
	struct fx *f = *state;
	struct store_checkpoint c;
	int64_t oct = 0, nov = 0, seq = 0;

	assert_int_equal(close_month(f, "2026-10", T_DEC3 - 86400 * 30, &oct),
			 0);
	assert_int_equal(close_month(f, "2026-11", T_DEC3, &nov), 0);
	/* closing again, or an earlier month, writes nothing */
	assert_int_equal(close_month(f, "2026-11", T_DEC3 + 60, &seq), -EEXIST);
	assert_int_equal(close_month(f, "2026-09", T_DEC3 + 60, &seq), -EINVAL);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM checkpoint_files"), 6);
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
	assert_int_equal(c.prev_seq, oct);
	assert_int_equal(c.seq, nov);
}

static void test_store_checkpoint_restarts_the_reader_error_count(void **state)
{
	struct fx *f = *state;
	int64_t n = -1, seq;

	assert_int_equal(
		store_counter_add(f->st, STORE_COUNTER_READER_ERRORS, 3), 0);
	/* the figure recorded is 1 (close_month): 2 remain for the next */
	assert_int_equal(close_month(f, "2026-11", T_DEC3, &seq), 0);
	assert_int_equal(
		store_counter_get(f->st, STORE_COUNTER_READER_ERRORS, &n), 0);
	assert_int_equal(n, 2);
}

static void test_store_checkpoint_refuses_bad_input_and_read_only(void **state)
{
	struct fx *f = *state;
	struct ledger_checkpoint cp = {"2026-13", 0, {0, 0, 0, 0}};
	struct store *ro;
	int64_t seq;
	bool closed;

	assert_int_equal(
		store_checkpoint_add(f->st, &cp, &frozen, SEKDES, T_DEC3, &seq),
		-EINVAL);
	snprintf(cp.month, sizeof(cp.month), "2026-11");
	assert_int_equal(
		store_checkpoint_add(f->st, &cp, NULL, SEKDES, T_DEC3, &seq),
		-EINVAL);
	cp.health.disk_free_bytes = -1;
	assert_int_equal(
		store_checkpoint_add(f->st, &cp, &frozen, SEKDES, T_DEC3, &seq),
		-EINVAL);
	assert_int_equal(store_month_closed(f->st, "November", &closed),
			 -EINVAL);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 0);
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &ro), 0);
	cp.health.disk_free_bytes = 0;
	assert_int_equal(
		store_checkpoint_add(ro, &cp, &frozen, SEKDES, T_DEC3, &seq),
		-EROFS);
	store_close(ro);
}

static void test_store_chain_verify_cross_checks_checkpoints(void **state)
{
	struct fx *f = *state;
	int64_t seq, bad = 0;
	char why[160];

	add_person(f);
	assert_int_equal(close_month(f, "2026-11", T_DEC3, &seq), 0);
	/* the side table refuses updates like the ledger does */
	assert_int_not_equal(
		faultvfs_exec_sql(f->path,
				  "UPDATE checkpoints SET untrusted = 0"),
		0);
	/* behind the store's back, past its trigger */
	assert_int_equal(faultvfs_exec_sql(f->path,
					   "DROP TRIGGER checkpoints_no_update;"
					   "UPDATE checkpoints SET untrusted = "
					   "0;"),
			 0);
	assert_int_equal(
		store_chain_verify(f->st, NULL, &bad, why, sizeof(why)),
		-EBADMSG);
	assert_int_equal(bad, seq);
	assert_string_equal(why,
			    "checkpoint side-table row differs from the ledger "
			    "row");
	/* a side row whose ledger row is another kind */
	assert_int_equal(faultvfs_exec_sql(f->path,
					   "UPDATE checkpoints SET untrusted = "
					   "2;"
					   "INSERT INTO checkpoints SELECT 1, "
					   "'2026-12', auto, uptime, untrusted,"
					   " reader_errors, disk_free, by, uid,"
					   " desa_id, desa_name, kecamatan,"
					   " software, calendar_set FROM "
					   "checkpoints;"),
			 0);
	assert_int_equal(
		store_chain_verify(f->st, NULL, &bad, why, sizeof(why)),
		-EBADMSG);
	assert_int_equal(bad, 1);
	assert_string_equal(why, "checkpoint side-table row has no ledger row");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_store_checkpoint_closes_a_month_with_its_row,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_checkpoint_closes_once_and_in_order,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_checkpoint_restarts_the_reader_error_count,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_checkpoint_refuses_bad_input_and_read_only,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_chain_verify_cross_checks_checkpoints,
			fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
