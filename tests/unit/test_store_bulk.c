// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of the store's bulk import (one transaction around many writes,
 * all-or-nothing) and of the SQL aggregate the rekap bench compares
 * report_build against, on real SQLite in a temporary file.
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

#include "civil.h"
#include "crypto.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store.h"

#define OFFSET_MIN 420
#define LATE_AFTER (7 * 3600 + 30 * 60 + 59)

struct env {
	char *dir;
	struct store *st;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char path[512];

	assert_non_null(e);
	e->dir = testutil_tmpdir("store-bulk");
	assert_non_null(e->dir);
	snprintf(path, sizeof(path), "%s/t.db", e->dir);
	assert_int_equal(store_open(path, NULL, 0, NULL, &e->st), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	store_close(e->st);
	testutil_rmtree_free(e->dir);
	free(e);
	return 0;
}

static void add_person(struct store *st, const char *id)
{
	struct person p = {0};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "Nama %s", id);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kasun");
	p.since = civil_from_ymd(2026, 1, 1);
	p.until = PD_DAY_OPEN;
	assert_int_equal(store_person_add(st, &p, 1, ACTOR("test", 0)), 0);
}

static int punch(struct store *st, const char *id, pd_day_t day, int32_t sec,
		 unsigned int flags)
{
	struct punch p = {0};

	snprintf(p.person, sizeof(p.person), "%s", id);
	p.local_day = day;
	p.local_sec = sec;
	p.at_utc = civil_utc_from_local(day, sec, OFFSET_MIN);
	p.flags = flags;
	snprintf(p.source, sizeof(p.source), "reader");
	snprintf(p.reader, sizeof(p.reader), "virtual/test");
	snprintf(p.clock, sizeof(p.clock), "ntp");
	return store_punch_add(st, &p, p.at_utc + 1);
}

static int count_fn(void *ud, const struct punch *p)
{
	(void)p;
	++*(int *)ud;
	return 0;
}

static int count_punches(struct store *st)
{
	int n = 0;

	assert_int_equal(
		store_punch_each(st, 0, INT32_MAX - 1, NULL, count_fn, &n), 0);
	return n;
}

static void test_bulk_commits_every_row_at_end(void **state)
{
	struct env *e = *state;
	pd_day_t d = civil_from_ymd(2026, 11, 2);
	int64_t seq;

	add_person(e->st, "A");
	assert_int_equal(store_bulk_begin(e->st), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(punch(e->st, "A", d + i / 2,
				       7 * 3600 + (i % 2) * 9 * 3600, 0),
				 0);
	assert_int_equal(store_bulk_end(e->st), 0);
	assert_int_equal(count_punches(e->st), 500);
	/* the chain is intact across the bulk */
	assert_int_equal(store_chain_verify(e->st, &seq, &seq, NULL, 0), 0);
}

static void test_bulk_failure_rolls_back_whole_bulk(void **state)
{
	struct env *e = *state;
	pd_day_t d = civil_from_ymd(2026, 11, 2);
	int rc;

	add_person(e->st, "A");
	assert_int_equal(store_bulk_begin(e->st), 0);
	assert_int_equal(punch(e->st, "A", d, 7 * 3600, 0), 0);
	rc = punch(e->st, "nobody", d, 7 * 3600, 0);
	assert_true(rc < 0);
	/* later writes in the failed bulk are refused with the first error */
	assert_int_equal(punch(e->st, "A", d + 1, 7 * 3600, 0), rc);
	assert_int_equal(store_bulk_end(e->st), rc);
	assert_int_equal(count_punches(e->st), 0);
	/* the store works normally afterwards */
	assert_int_equal(punch(e->st, "A", d, 7 * 3600, 0), 0);
	assert_int_equal(count_punches(e->st), 1);
}

static void test_bulk_nesting_and_unmatched_end_are_einval(void **state)
{
	struct env *e = *state;

	assert_int_equal(store_bulk_end(e->st), -EINVAL);
	assert_int_equal(store_bulk_begin(e->st), 0);
	assert_int_equal(store_bulk_begin(e->st), -EINVAL);
	assert_int_equal(store_bulk_end(e->st), 0);
}

struct agg_row {
	char person[PD_ID_MAX];
	uint32_t days, late;
};

static int agg_fn(void *ud, const char *person, uint32_t days, uint32_t late)
{
	struct agg_row *rows = ud;
	int i = 0;

	while (rows[i].person[0])
		i++;
	snprintf(rows[i].person, sizeof(rows[i].person), "%s", person);
	rows[i].days = days;
	rows[i].late = late;
	return 0;
}

static void test_aggregate_counts_days_and_late_first_punches(void **state)
{
	struct env *e = *state;
	pd_day_t d = civil_from_ymd(2026, 11, 2);
	struct agg_row rows[4];

	memset(rows, 0, sizeof(rows));
	add_person(e->st, "A");
	add_person(e->st, "B");
	/* A: on time at the grace limit, then 1 s late; a suppressed early
	 * repeat tap does not make a late day on time */
	assert_int_equal(punch(e->st, "A", d, LATE_AFTER, 0), 0);
	assert_int_equal(punch(e->st, "A", d + 1, LATE_AFTER + 1, 0), 0);
	assert_int_equal(punch(e->st, "A", d + 2, 8 * 3600, 0), 0);
	assert_int_equal(
		punch(e->st, "A", d + 2, 8 * 3600 + 30, PUNCH_F_SUPPRESSED), 0);
	/* B: two punches one day (first on time), one day outside range */
	assert_int_equal(punch(e->st, "B", d, 7 * 3600, 0), 0);
	assert_int_equal(punch(e->st, "B", d, 16 * 3600, 0), 0);
	assert_int_equal(punch(e->st, "B", d + 10, 9 * 3600, 0), 0);
	assert_int_equal(store_punch_aggregate(e->st, d, d + 5, LATE_AFTER,
					       agg_fn, rows),
			 0);
	assert_string_equal(rows[0].person, "A");
	assert_int_equal(rows[0].days, 3);
	assert_int_equal(rows[0].late, 2);
	assert_string_equal(rows[1].person, "B");
	assert_int_equal(rows[1].days, 1);
	assert_int_equal(rows[1].late, 0);
	assert_string_equal(rows[2].person, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_bulk_commits_every_row_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_bulk_failure_rolls_back_whole_bulk, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_bulk_nesting_and_unmatched_end_are_einval, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_aggregate_counts_days_and_late_first_punches,
			setup, teardown),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
