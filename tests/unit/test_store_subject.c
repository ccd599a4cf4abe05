/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of a person's data rights in the store (UU 27/2022, DOMAIN
 * §6.5) on real SQLite files: forgetting a person's prints at once, as
 * audited ledger facts, while their attendance records stay.
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
#include "log.h"
#include "store.h"

#define DAY0  20458	 /* 2026-01-05, a Monday, days since 1970-01-01 */
#define T0    1767571200 /* 2026-01-05T00:00:00Z */
#define NOW   (T0 + 86400 * 3)
#define ADMIN "sekdes"

static const uint8_t key1[CRYPTO_KEY_BYTES] = {0x11, 0x22, 0x33};

struct fx {
	char *dir;
	char path[512];
	struct store *st;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = testutil_tmpdir("subject");
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

static void add_person(struct store *st, const char *id)
{
	struct person p = {.since = DAY0 - 30};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "Nama %s", id);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kasi");
	assert_int_equal(store_person_add(st, &p, NOW, ACTOR(ADMIN, 1001)), 0);
}

static int64_t add_print(struct store *st, const char *id, const char *finger)
{
	struct print_rec r = {.model = "virtual_image/0"};
	int64_t k = 0;

	snprintf(r.person, sizeof(r.person), "%s", id);
	snprintf(r.finger, sizeof(r.finger), "%s", finger);
	assert_int_equal(store_print_add(st, &r, (const uint8_t *)"tmpl", 4,
					 ACTOR(ADMIN, 1001), NOW, &k),
			 0);
	return k;
}

static void add_punch(struct store *st, const char *id, int64_t at)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.at_utc = at;
	p.local_day = (pd_day_t)((at + 7 * 3600) / 86400);
	p.local_sec = (int32_t)((at + 7 * 3600) % 86400);
	strcpy(p.source, "reader");
	strcpy(p.reader, "virtual_image/0");
	strcpy(p.clock, "ntp");
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	assert_int_equal(store_punch_add(st, &p, NOW), 0);
}

/* ---- forget-prints ---- */

static void
test_store_forget_prints_deletes_all_and_keeps_attendance(void **state)
{
	struct fx *f = *state;
	int64_t k1, k2, k3, rows = 0;
	int n = -1;

	add_person(f->st, "103");
	add_person(f->st, "104");
	k1 = add_print(f->st, "103", "right-index");
	k2 = add_print(f->st, "103", "left-index");
	k3 = add_print(f->st, "104", "right-index");
	add_punch(f->st, "103", T0 + 30);
	assert_int_equal(store_person_forget_prints(
				 f->st, "103", "permintaan yang bersangkutan",
				 NOW + 60, ACTOR(ADMIN, 1001), &n),
			 0);
	assert_int_equal(n, 2);
	/* the templates are gone, person 104's stays */
	assert_int_equal(q(f, "SELECT count(*) FROM prints WHERE person = "
			      "'103'"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM prints"), 1);
	assert_int_equal(q(f, "SELECT id FROM prints"), k3);
	/* one "print delete" row each, with the reason and who asked */
	assert_int_equal(
		q(f, "SELECT count(*) FROM ledger WHERE kind = 'print' AND "
		     "person = '103' AND data LIKE '%action=delete;%' AND data "
		     "LIKE '%reason=permintaan yang bersangkutan;by=" ADMIN
		     ";uid=1001'"),
		2);
	assert_int_equal(q(f, "SELECT count(*) FROM print_facts WHERE "
			      "action = 'delete' AND print IN (1, 2)"),
			 2);
	(void)k1;
	(void)k2;
	/* the audit says how many, never the bytes */
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget' AND subject = '103' AND detail = "
			      "'count=2;reason=permintaan yang bersangkutan'"),
			 1);
	/* attendance is an official record: it stays */
	assert_int_equal(q(f, "SELECT count(*) FROM punches WHERE person = "
			      "'103'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM periods WHERE person = "
			      "'103' AND until = 2147483647"),
			 1);
	assert_int_equal(store_chain_verify(f->st, &rows, NULL, NULL, 0), 0);
}

static void test_store_forget_prints_refuses_bad_input(void **state)
{
	struct fx *f = *state;
	char long_reason[PD_TEXT_MAX + 8];
	int n = -1;

	add_person(f->st, "103");
	assert_int_equal(store_person_forget_prints(f->st, "999", "r", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -ENOENT);
	assert_int_equal(store_person_forget_prints(f->st, "103", "", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -EINVAL);
	assert_int_equal(store_person_forget_prints(f->st, "103", "a\nb", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -EINVAL);
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	assert_int_equal(store_person_forget_prints(f->st, "103", long_reason,
						    NOW, ACTOR(ADMIN, 1001),
						    &n),
			 -EINVAL);
	/* nothing was written by the refusals */
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget'"),
			 0);
}

/* A person with no print: nothing to delete, and the request is still
 * on record. */
static void test_store_forget_prints_without_prints_is_recorded(void **state)
{
	struct fx *f = *state;
	int n = -1;

	add_person(f->st, "103");
	assert_int_equal(store_person_forget_prints(f->st, "103", "berhenti",
						    NOW, ACTOR(ADMIN, 1001),
						    &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'print'"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget' AND detail = "
			      "'count=0;reason=berhenti'"),
			 1);
}

static void test_store_forget_prints_read_only_is_erofs(void **state)
{
	struct fx *f = *state;
	struct store *ro = NULL;
	int n = -1;

	add_person(f->st, "103");
	add_print(f->st, "103", "right-index");
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &ro), 0);
	assert_int_equal(store_person_forget_prints(ro, "103", "r", NOW,
						    ACTOR(ADMIN, 1), &n),
			 -EROFS);
	store_close(ro);
	assert_int_equal(q(f, "SELECT count(*) FROM prints"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_deletes_all_and_keeps_attendance,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_refuses_bad_input, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_without_prints_is_recorded,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_read_only_is_erofs, fx_setup,
			fx_teardown),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0 || faultvfs_register() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
