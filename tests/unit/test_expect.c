// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * expect.c: who is expected at the reader next.  Tables of people (their
 * last days' first and last punches and today's), a time of day and the
 * order wanted; plus the history window and the bad inputs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#define HM(h, m)   ((h)*3600 + (m)*60)
#define T_TODAY	   20000 /* any day number */
#define T_DAYS	   3	 /* history days per person in the tables */
#define T_PEOPLE   6	 /* people per row */
#define T_NO_PUNCH EXPECT_NONE

struct t_person {
	const char *id;
	int ndays;
	int32_t day[T_DAYS][2]; /* first, last punch of a past day */
	int32_t in, out;	/* today's first and last, or T_NO_PUNCH */
};

struct t_row {
	const char *name;
	int32_t now;
	struct t_person p[T_PEOPLE];
	const char *want[T_PEOPLE]; /* ids, most expected first */
};

static const struct t_row rows[] = {
	{
		"morning: not arrived first, nearest usual arrival first",
		HM(7, 0),
		{
			{"A",
			 3,
			 {{HM(7, 10), HM(15, 30)},
			  {HM(7, 20), HM(15, 35)},
			  {HM(7, 15), HM(15, 40)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"B",
			 1,
			 {{HM(7, 45), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"C",
			 1,
			 {{HM(6, 40), HM(15, 30)}},
			 HM(6, 50),
			 HM(6, 50)},
			{"D",
			 2,
			 {{HM(7, 0), HM(15, 30)}, {HM(7, 10), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
		},
		{"D", "A", "B", "C"},
	},
	{
		"afternoon: in and not out first, no history in the middle",
		HM(15, 20),
		{
			{"A",
			 1,
			 {{HM(7, 0), HM(15, 30)}},
			 HM(7, 10),
			 HM(7, 10)},
			{"B", 1, {{HM(7, 0), HM(14, 30)}}, HM(7, 5), HM(7, 5)},
			{"C",
			 1,
			 {{HM(7, 30), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"D", 1, {{HM(7, 0), HM(15, 25)}}, HM(7, 0), HM(14, 0)},
			{"E", 0, {{0}}, T_NO_PUNCH, T_NO_PUNCH},
		},
		{"A", "B", "E", "C", "D"},
	},
	{
		"in today but never seen leaving: as unknown",
		HM(15, 0),
		{
			{"A",
			 2,
			 {{HM(7, 0), HM(7, 1)}, {HM(7, 0), HM(7, 0)}},
			 HM(7, 0),
			 HM(7, 0)},
			{"B", 1, {{HM(7, 0), HM(16, 0)}}, HM(7, 0), HM(7, 0)},
			{"C", 1, {{HM(7, 0), HM(11, 0)}}, HM(7, 0), HM(7, 0)},
		},
		{"B", "A", "C"},
	},
	{
		"no history at all: by id",
		HM(9, 0),
		{
			{"c", 0, {{0}}, T_NO_PUNCH, T_NO_PUNCH},
			{"a", 0, {{0}}, T_NO_PUNCH, T_NO_PUNCH},
			{"b", 0, {{0}}, HM(8, 0), HM(8, 0)},
		},
		{"a", "b", "c"},
	},
	{
		"ties: same distance goes by id, either side of now",
		HM(8, 0),
		{
			{"Z",
			 1,
			 {{HM(7, 30), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"Y",
			 1,
			 {{HM(8, 30), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"X", 0, {{0}}, T_NO_PUNCH, T_NO_PUNCH},
			{"W",
			 1,
			 {{HM(10, 0), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
		},
		{"Y", "Z", "W", "X"},
	},
	{
		"even history: the mean of the middle two",
		HM(8, 0),
		{
			/* 7:00, 7:40 -> 7:20: 40 min away */
			{"A",
			 2,
			 {{HM(7, 0), HM(15, 0)}, {HM(7, 40), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			/* 7:10, 7:50, 9:00 -> 7:50: 10 min away */
			{"B",
			 3,
			 {{HM(9, 0), HM(15, 0)},
			  {HM(7, 10), HM(15, 0)},
			  {HM(7, 50), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			/* 8:25: 25 min away */
			{"C",
			 1,
			 {{HM(8, 25), HM(15, 0)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
		},
		{"B", "C", "A"},
	},
	{
		"repeat tap: who arrived 10 s ago (4 x 10 s) before who is due "
		"in 60 s",
		HM(7, 30),
		{
			{"A",
			 1,
			 {{HM(7, 30), HM(15, 30)}},
			 HM(7, 29) + 50,
			 HM(7, 29) + 50},
			{"B",
			 1,
			 {{HM(7, 31), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
			{"C",
			 1,
			 {{HM(7, 45), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
		},
		{"A", "B", "C"},
	},
	{
		"repeat tap at leaving: who left 60 s ago (240) before a leave "
		"in 540 s",
		HM(15, 31),
		{
			{"A",
			 1,
			 {{HM(7, 0), HM(15, 30)}},
			 HM(7, 0),
			 HM(15, 30)},
			{"B", 1, {{HM(7, 5), HM(15, 40)}}, HM(7, 5), HM(7, 5)},
			{"C",
			 1,
			 {{HM(7, 5), HM(15, 20)}},
			 HM(7, 5),
			 HM(15, 20)},
		},
		{"A", "B", "C"},
	},
	{
		"past the repeat window (180 s): back to the usual leave",
		HM(7, 40),
		{
			{"A",
			 1,
			 {{HM(7, 30), HM(15, 30)}},
			 HM(7, 29),
			 HM(7, 29)},
			{"B",
			 1,
			 {{HM(7, 45), HM(15, 30)}},
			 T_NO_PUNCH,
			 T_NO_PUNCH},
		},
		{"B", "A"},
	},
};

static size_t t_build(const struct t_row *r, struct expect_person *p)
{
	size_t n = 0;

	for (; n < T_PEOPLE && r->p[n].id; n++) {
		const struct t_person *tp = &r->p[n];

		expect_person_init(&p[n], tp->id);
		for (int d = 0; d < tp->ndays; d++) {
			pd_day_t day = T_TODAY - tp->ndays + d;

			assert_int_equal(expect_person_add(&p[n], T_TODAY, day,
							   tp->day[d][0]),
					 0);
			assert_int_equal(expect_person_add(&p[n], T_TODAY, day,
							   tp->day[d][1]),
					 0);
		}
		if (tp->in != T_NO_PUNCH)
			assert_int_equal(expect_person_add(&p[n], T_TODAY,
							   T_TODAY, tp->in),
					 0);
		if (tp->out != T_NO_PUNCH)
			assert_int_equal(expect_person_add(&p[n], T_TODAY,
							   T_TODAY, tp->out),
					 0);
	}
	return n;
}

static void test_expect_order_table_gives_expected_first(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct expect_person p[T_PEOPLE];
		size_t order[T_PEOPLE];
		size_t n = t_build(&rows[i], p);

		assert_int_equal(expect_order(p, n, rows[i].now, order), 0);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(p[order[k]].id, rows[i].want[k]))
				fail_msg("row \"%s\": place %zu is %s, want %s",
					 rows[i].name, k, p[order[k]].id,
					 rows[i].want[k]);
		}
	}
}

static void test_expect_order_same_id_and_distance_keeps_index(void **state)
{
	struct expect_person p[4];
	size_t order[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		expect_person_init(&p[i], "same");
	assert_int_equal(expect_order(p, 4, HM(12, 0), order), 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(order[i], i);
}

static void test_expect_add_keeps_last_days_and_day_bounds(void **state)
{
	struct expect_person p;

	(void)state;
	expect_person_init(&p, "A");
	assert_int_equal(p.today_first_sec, EXPECT_NONE);
	/* 20 days, one punch each: only the last EXPECT_DAYS_MAX stay. */
	for (int d = 0; d < 20; d++)
		assert_int_equal(expect_person_add(&p, T_TODAY,
						   T_TODAY - 20 + d, 100 + d),
				 0);
	assert_int_equal(p.days, EXPECT_DAYS_MAX);
	assert_int_equal(p.first_sec[0], 100 + 20 - EXPECT_DAYS_MAX);
	assert_int_equal(p.first_sec[EXPECT_DAYS_MAX - 1], 119);
	assert_int_equal(p.last_day, T_TODAY - 1);
	/* Same day again: first is the minimum, last the maximum. */
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY - 1, 50), 0);
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY - 1, 900), 0);
	assert_int_equal(p.first_sec[EXPECT_DAYS_MAX - 1], 50);
	assert_int_equal(p.last_sec[EXPECT_DAYS_MAX - 1], 900);
	assert_int_equal(p.days, EXPECT_DAYS_MAX);
	/* Today goes apart from the history. */
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY, HM(8, 0)), 0);
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY, HM(7, 0)), 0);
	assert_int_equal(p.today_first_sec, HM(7, 0));
	assert_int_equal(p.today_last_sec, HM(8, 0));
	assert_int_equal(p.days, EXPECT_DAYS_MAX);
}

static void test_expect_bad_input_gives_einval(void **state)
{
	struct expect_person p;
	size_t order[1];

	(void)state;
	expect_person_init(&p, "A");
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY, -1), -EINVAL);
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY, 86400),
			 -EINVAL);
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY + 1, 0),
			 -EINVAL);
	assert_int_equal(expect_person_add(NULL, T_TODAY, T_TODAY, 0), -EINVAL);
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY - 2, 0), 0);
	/* Out of time order: a day before the last one. */
	assert_int_equal(expect_person_add(&p, T_TODAY, T_TODAY - 3, 0),
			 -EINVAL);
	assert_int_equal(p.days, 1);
	assert_int_equal(expect_order(&p, 1, -1, order), -EINVAL);
	assert_int_equal(expect_order(&p, 1, 86400, order), -EINVAL);
	assert_int_equal(expect_order(NULL, 1, 0, order), -EINVAL);
	assert_int_equal(expect_order(&p, 1, 0, NULL), -EINVAL);
	assert_int_equal(expect_order(NULL, 0, 0, NULL), 0);
	p.days = EXPECT_DAYS_MAX + 1;
	assert_int_equal(expect_order(&p, 1, 0, order), -EINVAL);
}

static void test_expect_init_truncates_long_id(void **state)
{
	char id[PD_ID_MAX + 10];
	struct expect_person p;

	(void)state;
	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	expect_person_init(&p, id);
	assert_int_equal(strlen(p.id), PD_ID_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_order_table_gives_expected_first),
		cmocka_unit_test(
			test_expect_order_same_id_and_distance_keeps_index),
		cmocka_unit_test(
			test_expect_add_keeps_last_days_and_day_bounds),
		cmocka_unit_test(test_expect_bad_input_gives_einval),
		cmocka_unit_test(test_expect_init_truncates_long_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
