/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the store's part of a backup (DOMAIN §6.8) on real SQLite
 * files: the consistent copy without templates, opening such a copy in
 * memory to check it before a restore installs it, and the print facts a
 * restored store settles on its first start.
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
	f->dir = testutil_tmpdir("store-backup");
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

static int64_t q(const char *path, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(faultvfs_query_int(path, sql, &v), 0);
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
	assert_int_equal(store_print_add(st, &r,
					 (const uint8_t *)"TEMPLATE-BYTES", 14,
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

/* The image store_backup_image handed over, kept for the test. */
struct image {
	uint8_t *buf;
	size_t len;
	struct store_backup_info info;
};

static int keep_image(void *ud, const void *img, size_t len,
		      const struct store_backup_info *info)
{
	struct image *im = ud;

	im->buf = malloc(len);
	if (!im->buf)
		return -ENOMEM;
	memcpy(im->buf, img, len);
	im->len = len;
	im->info = *info;
	return 0;
}

/* A store with two people, three prints (one deleted), punches. */
static void populate(struct store *st)
{
	add_person(st, "103");
	add_person(st, "104");
	add_print(st, "103", "right-index");
	add_print(st, "104", "right-index");
	add_print(st, "104", "left-index");
	add_punch(st, "103", T0 + 30);
	add_punch(st, "104", T0 + 40);
	assert_int_equal(store_person_deactivate(st, "103", DAY0, NOW,
						 ACTOR(ADMIN, 1001)),
			 0);
}

static void
test_store_backup_image_is_the_ledger_without_templates(void **state)
{
	struct fx *f = *state;
	struct image im = {0};
	char img_path[600], head[PD_HASH_HEX];
	void *blob = NULL;
	size_t blob_len = 0;
	int64_t seq = 0, t;

	populate(f->st);
	assert_int_equal(faultvfs_query_blob(f->path,
					     "SELECT blob FROM prints LIMIT 1",
					     &blob, &blob_len),
			 0);
	assert_int_equal(store_backup_image(f->st, keep_image, &im), 0);
	assert_int_equal(store_ledger_head(f->st, &seq, &t, head), 0);
	assert_true(im.info.ledger_rows == seq);
	assert_string_equal(im.info.ledger_head, head);
	assert_int_equal(im.info.schema, STORE_SCHEMA_VERSION);
	assert_true(im.info.prints_dropped == 2);
	/* a rollback-journal database file (bytes 18, 19: 1), no WAL */
	assert_true(im.len > 100);
	assert_memory_equal(im.buf, "SQLite format 3", 16);
	assert_int_equal(im.buf[18], 1);
	assert_int_equal(im.buf[19], 1);
	/* no byte of a sealed template is left in it */
	assert_true(blob_len > 16);
	assert_null(memmem(im.buf, im.len, blob, blob_len));
	assert_null(memmem(im.buf, im.len, (const char *)blob + 24, 16));
	/* as a file: every row but the templates */
	snprintf(img_path, sizeof(img_path), "%s/image.db", f->dir);
	{
		FILE *fp = fopen(img_path, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(im.buf, 1, im.len, fp), im.len);
		fclose(fp);
	}
	assert_int_equal(q(img_path, "SELECT count(*) FROM prints"), 0);
	assert_int_equal(q(img_path, "SELECT count(*) FROM print_facts"), 4);
	assert_int_equal(q(img_path, "SELECT count(*) FROM ledger"), seq);
	assert_int_equal(q(img_path, "SELECT count(*) FROM punches"), 2);
	/* print ids are never given again, restored or not */
	assert_int_equal(q(img_path, "SELECT seq FROM sqlite_sequence WHERE "
				     "name = 'prints'"),
			 3);
	/* the mark that the next start settles the missing templates */
	assert_int_equal(q(img_path, "SELECT value FROM meta WHERE key = "
				     "'restore_prints_from'"),
			 seq);
	/* and the live store is as it was */
	assert_int_equal(q(f->path, "SELECT count(*) FROM prints"), 2);
	free(blob);
	free(im.buf);
}

static void test_store_image_open_checks_a_copy_in_memory(void **state)
{
	struct fx *f = *state;
	struct image im = {0};
	struct store *img = NULL;
	int64_t rows = 0, bad = 0, seq = 0, t;
	char why[256], head[PD_HASH_HEX];
	struct person p;

	populate(f->st);
	assert_int_equal(store_backup_image(f->st, keep_image, &im), 0);
	assert_int_equal(store_image_open(im.buf, im.len, &img), 0);
	assert_int_equal(store_check(img, why, sizeof(why)), 0);
	assert_int_equal(store_chain_verify(img, &rows, &bad, why, sizeof(why)),
			 0);
	assert_true(rows == im.info.ledger_rows);
	assert_int_equal(store_ledger_head(img, &seq, &t, head), 0);
	assert_string_equal(head, im.info.ledger_head);
	assert_int_equal(store_person_get(img, "104", &p), 0);
	assert_int_equal(p.nprints, 0);
	/* read-only: nothing is written to it */
	assert_int_equal(store_counter_add(img, "x", 1), -EROFS);
	store_close(img);
	/* an image whose ledger was altered does not verify */
	{
		uint8_t *at = memmem(im.buf, im.len, "action=enrol", 12);

		assert_non_null(at);
		at[7] = 'E';
		assert_int_equal(store_image_open(im.buf, im.len, &img), 0);
		assert_int_equal(
			store_chain_verify(img, &rows, &bad, why, sizeof(why)),
			-EBADMSG);
		store_close(img);
	}
	/* not a database at all */
	memset(im.buf, 'x', 100);
	assert_int_not_equal(store_image_open(im.buf, im.len, &img), 0);
	free(im.buf);
}

/* The restored store's first start: a "print delete" row for each print
 * the ledger still had enrolled, once, then never again. */
static void test_store_restore_settle_deletes_the_missing_prints(void **state)
{
	struct fx *f = *state;
	struct image im = {0};
	struct store *st = NULL;
	char path[600];
	int64_t rows = 0;
	int n = -1;

	populate(f->st);
	assert_int_equal(store_backup_image(f->st, keep_image, &im), 0);
	snprintf(path, sizeof(path), "%s/restored.db", f->dir);
	assert_int_equal(testutil_write(path, ""), 0);
	{
		FILE *fp = fopen(path, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(im.buf, 1, im.len, fp), im.len);
		fclose(fp);
	}
	assert_int_equal(store_open(path, NULL, 0, key1, &st), 0);
	assert_int_equal(store_restore_settle(st, NOW + 100,
					      ACTOR("presensid", 999), &n),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(
		q(path, "SELECT count(*) FROM ledger WHERE kind = 'print' AND "
			"person = '104' AND data LIKE '%action=delete;%reason="
			"not in the backup: templates are never backed up;"
			"by=presensid;uid=999'"),
		2);
	assert_int_equal(q(path, "SELECT count(*) FROM audit WHERE action = "
				 "'print.restore' AND subject = '104' AND "
				 "detail = 'count=2'"),
			 1);
	assert_int_equal(q(path, "SELECT count(*) FROM meta WHERE key = "
				 "'restore_prints_from'"),
			 0);
	assert_int_equal(store_chain_verify(st, &rows, NULL, NULL, 0), 0);
	/* once: a second start has nothing to settle */
	assert_int_equal(store_restore_settle(st, NOW + 200,
					      ACTOR("presensid", 999), &n),
			 0);
	assert_int_equal(n, 0);
	/* a new enrolment takes a new print id */
	assert_true(add_print(st, "104", "right-index") == 4);
	store_close(st);
	/* a store that was never restored has nothing to settle, even with
	 * a prints row missing behind its back */
	assert_int_equal(faultvfs_exec_sql(f->path, "DELETE FROM prints"), 0);
	assert_int_equal(
		store_restore_settle(f->st, NOW, ACTOR("presensid", 1), &n), 0);
	assert_int_equal(n, 0);
	free(im.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_store_backup_image_is_the_ledger_without_templates,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_image_open_checks_a_copy_in_memory, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_restore_settle_deletes_the_missing_prints,
			fx_setup, fx_teardown),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0 || faultvfs_register() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
