/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the push's batches from a real store (pushread.c): from
 * the acknowledged head on, in batches of at most 500 rows or 256 KiB,
 * the export lines exactly as a bundle's ledger.csv holds them; the
 * statement built here is the one presensid signs for the same rows (and
 * its signature verifies); an acknowledged head that is not this
 * ledger's is noticed; a store opened read-only is never written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "civil.h"
#include "fakes/kecbox.h"
#include "fakes/testutil.h"
#include "log.h"
#include "pushread.h"
#include "pushsign.h"

#define DESA "3517012001"

struct fx {
	struct kecbox b;
	struct store *ro; /* the push's view */
	int64_t head;
};

static pd_day_t day(const char *s)
{
	pd_day_t d;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	static const char *const ids[] = {"101", "102", "103", "104",
					  "105", "106", "107", "108"};
	char h[PD_HASH_HEX];
	int64_t utc;

	log_init(LOG_TO_NONE, 0);
	assert_int_equal(crypto_init(), 0);
	kecbox_open(&f->b, DESA, "Sumberejo", 9);
	assert_int_equal(store_bulk_begin(f->b.st), 0);
	kecbox_rules(&f->b, day("2026-10-01"), kecbox_at(2026, 10, 1, 8, 0, 0));
	for (size_t i = 0; i < 8; i++)
		kecbox_person(&f->b, ids[i], "Perangkat", day("2026-10-01"),
			      kecbox_at(2026, 10, 1, 9, 0, (int)i));
	kecbox_days(&f->b, ids, 8, day("2026-10-01"), day("2026-11-30"));
	assert_int_equal(store_bulk_end(f->b.st), 0);
	assert_int_equal(store_ledger_head(f->b.st, &f->head, &utc, h), 0);
	assert_true(f->head > PUSHBATCH_ROWS_MAX);
	assert_int_equal(
		store_open(f->b.path, NULL, STORE_RDONLY, NULL, &f->ro), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->ro);
	kecbox_close(&f->b);
	free(f);
	return 0;
}

/* The export lines of rows first..last as the bundle writes them. */
struct lines {
	char *buf;
	size_t len;
};

static int add_line(void *ud, const struct ledger_row *r)
{
	struct lines *l = ud;
	char line[2048];
	int n = ledger_line(r, line, sizeof(line));

	assert_true(n > 0);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s,%s\r\n",
		      r->prev_hash, r->hash);
	l->buf = realloc(l->buf, l->len + (size_t)n + 1);
	memcpy(l->buf + l->len, line, (size_t)n + 1);
	l->len += (size_t)n;
	return 0;
}

static void test_pushread_batches_from_the_acked_head_to_the_end(void **state)
{
	struct fx *f = *state;
	struct pushread_batch b;
	int64_t acked = 0;
	char head[PD_HASH_HEX] = LEDGER_HASH_ZERO;
	int batches = 0;

	for (;;) {
		struct lines want = {0};
		int rc = pushread_next(f->ro, acked, head, &b);

		if (rc == -ENOENT)
			break;
		assert_int_equal(rc, 0);
		assert_int_equal(b.first, acked + 1);
		assert_true(b.last - b.first + 1 <= PUSHBATCH_ROWS_MAX);
		assert_true(b.len <= PUSHBATCH_BYTES_MAX);
		assert_string_equal(b.prev, head);
		assert_int_equal(store_ledger_each(f->b.st, b.first, b.last,
						   add_line, &want),
				 0);
		assert_int_equal(b.len, want.len);
		assert_memory_equal(b.lines, want.buf, want.len);
		assert_int_equal(testutil_count(b.lines, "\r\n"),
				 b.last - b.first + 1);
		acked = b.last;
		memcpy(head, b.head, sizeof(head));
		pushread_free(&b);
		free(want.buf);
		batches++;
	}
	assert_int_equal(acked, f->head);
	assert_int_equal(batches, (f->head + PUSHBATCH_ROWS_MAX - 1) /
					  PUSHBATCH_ROWS_MAX);
}

/* What the push builds is what presensid signs, and it verifies. */
static void test_pushread_statement_is_presensids(void **state)
{
	struct fx *f = *state;
	struct pushread_batch b;
	struct pushsign s;
	char stmt[PUSHBATCH_STMT_MAX], head[PD_HASH_HEX], why[256];
	uint8_t sig[CRYPTO_SIG_BYTES];

	assert_int_equal(pushread_row_hash(f->ro, 7, head), 0);
	assert_int_equal(pushread_next(f->ro, 7, head, &b), 0);
	assert_true(pushread_statement(&b, f->b.fingerprint, DESA, stmt) > 0);
	assert_int_equal(pushsign_batch(f->b.st, &f->b.key, DESA, b.first,
					b.last, &s, why, sizeof(why)),
			 0);
	assert_string_equal(stmt, s.statement);
	assert_int_equal(crypto_hex_decode(s.signature, sig, sizeof(sig)), 0);
	assert_int_equal(
		crypto_sig_verify(f->b.key.pk, stmt, strlen(stmt), sig), 0);
	pushread_free(&b);
}

static void test_pushread_head_not_ours_is_stale(void **state)
{
	struct fx *f = *state;
	struct pushread_batch b;
	char head[PD_HASH_HEX];

	assert_int_equal(pushread_row_hash(f->ro, 3, head), 0);
	/* another row's hash, a head past the end, nothing after the end */
	assert_int_equal(pushread_next(f->ro, 4, head, &b), -ESTALE);
	assert_int_equal(pushread_next(f->ro, f->head + 5, head, &b), -ESTALE);
	assert_int_equal(pushread_row_hash(f->ro, f->head, head), 0);
	assert_int_equal(pushread_next(f->ro, f->head, head, &b), -ENOENT);
	assert_int_equal(pushread_next(f->ro, 0, head, &b), -ESTALE);
	assert_int_equal(pushread_row_hash(f->ro, f->head + 1, head), -ENOENT);
	assert_int_equal(pushread_row_hash(f->ro, 0, head), 0);
	assert_string_equal(head, LEDGER_HASH_ZERO);
}

/* Long rows end a batch at 256 KiB, before 500 rows. */
static void test_pushread_bytes_bound_a_batch(void **state)
{
	struct kecbox big;
	struct store *ro;
	struct pushread_batch b;
	char reason[PD_TEXT_MAX];
	int64_t acked = 0, rows = 0;
	char head[PD_HASH_HEX] = LEDGER_HASH_ZERO;

	(void)state;
	kecbox_open(&big, DESA, "Sumberejo", 10);
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	assert_int_equal(store_bulk_begin(big.st), 0);
	kecbox_person(&big, "101", "Perangkat", day("2026-01-01"),
		      kecbox_at(2026, 1, 1, 9, 0, 0));
	for (int i = 0; i < 600; i++) {
		struct excuse e = {0};

		snprintf(e.person, sizeof(e.person), "101");
		snprintf(e.kind, sizeof(e.kind), "izin");
		snprintf(e.reason, sizeof(e.reason), "%s", reason);
		snprintf(e.document, sizeof(e.document), "%s", reason);
		snprintf(e.by, sizeof(e.by), "sekdes");
		e.by_uid = 1000;
		e.from_day = e.to_day = day("2026-01-05") + i;
		assert_int_equal(
			store_excuse_add(big.st, &e,
					 kecbox_at(2026, 1, 2, 9, 0, 0)),
			0);
	}
	assert_int_equal(store_bulk_end(big.st), 0);
	assert_int_equal(store_open(big.path, NULL, STORE_RDONLY, NULL, &ro),
			 0);
	assert_int_equal(pushread_next(ro, acked, head, &b), 0);
	assert_true(b.last - b.first + 1 < PUSHBATCH_ROWS_MAX);
	assert_true(b.len <= PUSHBATCH_BYTES_MAX);
	assert_true(b.len > PUSHBATCH_BYTES_MAX - 1024);
	while (b.first) {
		rows += b.last - b.first + 1;
		acked = b.last;
		memcpy(head, b.head, sizeof(head));
		pushread_free(&b);
		if (pushread_next(ro, acked, head, &b) != 0)
			break;
	}
	assert_int_equal(rows, 601);
	store_close(ro);
	kecbox_close(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_pushread_batches_from_the_acked_head_to_the_end),
		cmocka_unit_test(test_pushread_statement_is_presensids),
		cmocka_unit_test(test_pushread_head_not_ours_is_stale),
		cmocka_unit_test(test_pushread_bytes_bound_a_batch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
