/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of pushbatch.c: a contiguous run of rows makes the statement
 * docs/push.md gives, with the SHA-256 of their export lines as a bundle's
 * ledger.csv holds them; gaps, broken links and oversize batches refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pushbatch.h"

/* n chained rows into r[0..n). */
static void chain(struct ledger_row *r, int n)
{
	for (int i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].seq = i + 1;
		snprintf(r[i].kind, sizeof(r[i].kind), "punch");
		r[i].recorded_utc = 1764000000 + i;
		snprintf(r[i].person, sizeof(r[i].person), "10%d", i % 3);
		r[i].at_utc = r[i].recorded_utc;
		snprintf(r[i].data, sizeof(r[i].data),
			 "v=2;day=2026-11-23;n=%d", i);
		snprintf(r[i].prev_hash, sizeof(r[i].prev_hash), "%s",
			 i ? r[i - 1].hash : LEDGER_HASH_ZERO);
		assert_int_equal(ledger_hash(&r[i]), 0);
	}
}

static void test_pushbatch_statement_names_run_and_lines_hash(void **state)
{
	struct ledger_row r[3];
	struct pushbatch b;
	struct crypto_sha256_ctx c;
	char stmt[PUSHBATCH_STMT_MAX], want[PUSHBATCH_STMT_MAX], line[2048];
	char hex[PD_HASH_HEX];
	uint8_t sum[CRYPTO_SHA256_BYTES];

	(void)state;
	assert_int_equal(crypto_init(), 0);
	chain(r, 3);
	pushbatch_init(&b);
	assert_int_equal(pushbatch_statement(&b, "a", "b", stmt), -EINVAL);
	for (int i = 1; i < 3; i++) /* rows 2..3: a batch after an ack */
		assert_int_equal(pushbatch_add(&b, &r[i]), 0);
	assert_int_equal(pushbatch_rows(&b), 2);
	crypto_sha256_start(&c);
	for (int i = 1; i < 3; i++) {
		int n = ledger_line(&r[i], line, sizeof(line));

		n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s,%s\r\n",
			      r[i].prev_hash, r[i].hash);
		crypto_sha256_update(&c, line, (size_t)n);
	}
	crypto_sha256_final(&c, sum);
	crypto_hex_encode(sum, sizeof(sum), hex);
	snprintf(want, sizeof(want),
		 "presensi-batch 1\ndevice 9f86-d081-884c-7d65\ndesa 3517012001"
		 "\nfirst 2\nlast 3\nprev %s\nhead %s\nlines %s\n",
		 r[0].hash, r[2].hash, hex);
	assert_int_equal(pushbatch_statement(&b, "9f86-d081-884c-7d65",
					     "3517012001", stmt),
			 (int)strlen(want));
	assert_string_equal(stmt, want);
}

static void test_pushbatch_refuses_gaps_links_and_damage(void **state)
{
	struct ledger_row r[4];
	struct pushbatch b;

	(void)state;
	chain(r, 4);
	pushbatch_init(&b);
	assert_int_equal(pushbatch_add(&b, &r[0]), 0);
	assert_int_equal(pushbatch_add(&b, &r[2]), -EINVAL); /* gap */
	r[1].data[4] = 'X'; /* altered after hashing */
	assert_int_equal(pushbatch_add(&b, &r[1]), -EINVAL);
	chain(r, 4);
	snprintf(r[1].prev_hash, sizeof(r[1].prev_hash), "%s", r[3].hash);
	assert_int_equal(ledger_hash(&r[1]), 0);
	assert_int_equal(pushbatch_add(&b, &r[1]), -EINVAL); /* bad link */
	assert_int_equal(pushbatch_rows(&b), 1);
}

static void test_pushbatch_stops_at_its_row_limit(void **state)
{
	static struct ledger_row r[PUSHBATCH_ROWS_MAX + 1];
	struct pushbatch b;

	(void)state;
	chain(r, PUSHBATCH_ROWS_MAX + 1);
	pushbatch_init(&b);
	for (int i = 0; i < PUSHBATCH_ROWS_MAX; i++)
		assert_int_equal(pushbatch_add(&b, &r[i]), 0);
	assert_int_equal(pushbatch_add(&b, &r[PUSHBATCH_ROWS_MAX]), -E2BIG);
	assert_int_equal(pushbatch_rows(&b), PUSHBATCH_ROWS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_pushbatch_statement_names_run_and_lines_hash),
		cmocka_unit_test(test_pushbatch_refuses_gaps_links_and_damage),
		cmocka_unit_test(test_pushbatch_stops_at_its_row_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
