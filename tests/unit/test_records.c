/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of records.c: the one table of punch flag names.  Codes keep
 * the order and spelling ledger rows already carry; every report shows the
 * same word for a flag; names parse back to the bits they came from.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "records.h"

static void test_records_flag_codes_keep_ledger_order(void **state)
{
	char buf[RECORDS_FLAGS_MAX];

	(void)state;
	records_flags_format(PUNCH_F_ALL, RECORDS_FLAG_CODE, '+', buf);
	/* the order format-1 ledger rows were written in: bit order */
	assert_string_equal(buf,
			    "suppressed+untrusted+manual+backward+simulated");
	records_flags_format(0, RECORDS_FLAG_CODE, '+', buf);
	assert_string_equal(buf, "");
}

static void test_records_flag_words_are_one_per_flag(void **state)
{
	char buf[RECORDS_FLAGS_MAX];

	(void)state;
	records_flags_format(PUNCH_F_UNTRUSTED, RECORDS_FLAG_WORD, ' ', buf);
	assert_string_equal(buf, "tak-tepercaya");
	records_flags_format(PUNCH_F_ALL, RECORDS_FLAG_WORD, '|', buf);
	assert_string_equal(buf,
			    "ganda|tak-tepercaya|manual|jam-mundur|simulasi");
}

static void test_records_flags_parse_round_trips(void **state)
{
	char buf[RECORDS_FLAGS_MAX];
	unsigned int got;

	(void)state;
	for (unsigned int f = 0; f <= PUNCH_F_ALL; f++) {
		records_flags_format(f, RECORDS_FLAG_CODE, '+', buf);
		assert_int_equal(
			records_flags_parse(buf, RECORDS_FLAG_CODE, '+', &got),
			0);
		assert_int_equal(got, f);
		records_flags_format(f, RECORDS_FLAG_WORD, '|', buf);
		assert_int_equal(
			records_flags_parse(buf, RECORDS_FLAG_WORD, '|', &got),
			0);
		assert_int_equal(got, f);
	}
	assert_int_equal(records_flags_parse("manual+bogus", RECORDS_FLAG_CODE,
					     '+', &got),
			 -EINVAL);
	assert_int_equal(
		records_flags_parse("manual+", RECORDS_FLAG_CODE, '+', &got),
		-EINVAL);
	/* a word is not a code */
	assert_int_equal(
		records_flags_parse("ganda", RECORDS_FLAG_CODE, '+', &got),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_flag_codes_keep_ledger_order),
		cmocka_unit_test(test_records_flag_words_are_one_per_flag),
		cmocka_unit_test(test_records_flags_parse_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
