/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the backup file (backupfile.h): its bytes as documented,
 * the round trip, and every way a file is refused: a wrong passphrase, a
 * truncated or extended file, any altered byte, a newer format.  The
 * tests use Argon2id's smallest cost; the daemon uses the moderate one.
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

#include "backupfile.h"
#include "crypto.h"
#include "log.h"

#define PASS "sandi cadangan desa"

static const struct crypto_pw_cost cheap = {.ops = 1, .mem_bytes = 8192};
static const uint8_t devkey[CRYPTO_KEY_BYTES] = {0xde, 0xad, 0xbe, 0xef};
static const char conf[] = "[desa]\nid = 3517012001\nname = Sukamaju\n";
static const char db[] = "SQLite format 3\0 pretend pages";

static struct backupfile_parts parts(void)
{
	struct backupfile_parts p = {
		.meta = {.desa_id = "3517012001",
			 .desa_name = "Sukamaju Kidul",
			 .made_utc = 1795000000,
			 .software = "presensi 0.2.0",
			 .schema = 7,
			 .ledger_rows = 553,
			 .ledger_head =
				 "1efde609b3c39f91000000000000000000000000"
				 "000000000000000000000000",
			 .prints_dropped = 5},
		.conf = (const uint8_t *)conf,
		.conf_len = sizeof(conf) - 1,
		.key = devkey,
		.db = (const uint8_t *)db,
		.db_len = sizeof(db),
	};
	return p;
}

/* A sealed file's bytes in a new buffer (free it). */
static uint8_t *make(size_t *len)
{
	struct backupfile_parts p = parts();
	struct backupfile *b = NULL;
	const uint8_t *bytes;
	uint8_t *copy;

	assert_int_equal(backupfile_build(&p, &cheap, &b), 0);
	assert_int_equal(backupfile_seal(b, PASS, strlen(PASS)), 0);
	bytes = backupfile_bytes(b, len);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, bytes, *len);
	backupfile_free(b);
	return copy;
}

static int open_copy(const uint8_t *file, size_t len, const char *pass,
		     char *why, size_t cap)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct backupfile_parts out;
	int rc;

	assert_non_null(buf);
	memcpy(buf, file, len);
	rc = backupfile_open(buf, len, pass, strlen(pass), &out, why, cap);
	free(buf);
	return rc;
}

static void test_backupfile_header_is_as_documented(void **state)
{
	size_t len = 0;
	uint8_t *f = make(&len);
	struct backupfile_info info;
	char why[BACKUPFILE_WHY_MAX];

	(void)state;
	assert_memory_equal(f, "PDBACKUP", 8);
	assert_int_equal(f[8] << 8 | f[9], 1);	 /* format version */
	assert_int_equal(f[10] << 8 | f[11], 1); /* Argon2id */
	assert_int_equal(f[12] << 24 | f[13] << 16 | f[14] << 8 | f[15], 1);
	assert_int_equal(f[16] << 24 | f[17] << 16 | f[18] << 8 | f[19], 8);
	assert_int_equal(backupfile_check(f, len, &info, why, sizeof(why)), 0);
	assert_true(info.sealed_len == len - BACKUPFILE_HEADER_LEN);
	assert_true(info.cost.ops == 1 && info.cost.mem_bytes == 8192);
	/* nothing of the contents shows in the file */
	assert_null(memmem(f, len, "Sukamaju", 8));
	assert_null(memmem(f, len, "SQLite format 3", 15));
	assert_null(memmem(f, len, devkey, 4));
	free(f);
}

static void test_backupfile_round_trip(void **state)
{
	size_t len = 0;
	uint8_t *f = make(&len);
	struct backupfile_parts out;
	char why[BACKUPFILE_WHY_MAX] = "";

	(void)state;
	assert_int_equal(backupfile_open(f, len, PASS, strlen(PASS), &out, why,
					 sizeof(why)),
			 0);
	assert_string_equal(out.meta.desa_id, "3517012001");
	assert_string_equal(out.meta.desa_name, "Sukamaju Kidul");
	assert_true(out.meta.made_utc == 1795000000);
	assert_string_equal(out.meta.software, "presensi 0.2.0");
	assert_int_equal(out.meta.schema, 7);
	assert_true(out.meta.ledger_rows == 553);
	assert_string_equal(out.meta.ledger_head, parts().meta.ledger_head);
	assert_true(out.meta.prints_dropped == 5);
	assert_int_equal(out.conf_len, sizeof(conf) - 1);
	assert_memory_equal(out.conf, conf, out.conf_len);
	assert_memory_equal(out.key, devkey, CRYPTO_KEY_BYTES);
	assert_int_equal(out.db_len, sizeof(db));
	assert_memory_equal(out.db, db, sizeof(db));
	free(f);
}

/* Two backups of the same contents share no byte pattern: a fresh salt
 * and nonce each. */
static void test_backupfile_salt_and_nonce_are_fresh(void **state)
{
	size_t l1 = 0, l2 = 0;
	uint8_t *a = make(&l1), *b = make(&l2);

	(void)state;
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, 20);
	assert_memory_not_equal(a + 20, b + 20, CRYPTO_PW_SALT_BYTES);
	assert_memory_not_equal(a + 44, b + 44, CRYPTO_NONCE_BYTES);
	free(a);
	free(b);
}

static void test_backupfile_wrong_passphrase_is_refused(void **state)
{
	size_t len = 0;
	uint8_t *f = make(&len);
	char why[BACKUPFILE_WHY_MAX] = "";

	(void)state;
	assert_int_equal(
		open_copy(f, len, "sandi cadangan DESA", why, sizeof(why)),
		-EBADMSG);
	assert_string_equal(why, "wrong passphrase, or the file was altered");
	assert_int_equal(open_copy(f, len, "", why, sizeof(why)), -EBADMSG);
	free(f);
}

static void test_backupfile_truncated_or_extended_is_refused(void **state)
{
	size_t len = 0, cuts[] = {len, 1, 10, 100};
	uint8_t *f = make(&len), *longer;
	char why[BACKUPFILE_WHY_MAX] = "";

	(void)state;
	cuts[0] = len - BACKUPFILE_HEADER_LEN; /* the header alone */
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		why[0] = '\0';
		assert_int_equal(
			open_copy(f, len - cuts[i], PASS, why, sizeof(why)),
			-EBADMSG);
		assert_non_null(strstr(why, "truncated"));
	}
	assert_int_equal(open_copy(f, 20, PASS, why, sizeof(why)), -EBADMSG);
	assert_int_equal(open_copy(f, 4, PASS, why, sizeof(why)), -EINVAL);
	longer = calloc(1, len + 1);
	assert_non_null(longer);
	memcpy(longer, f, len);
	assert_int_equal(open_copy(longer, len + 1, PASS, why, sizeof(why)),
			 -EBADMSG);
	free(longer);
	free(f);
}

/* Every byte of the file matters: flipped anywhere, it is refused. */
static void test_backupfile_any_altered_byte_is_refused(void **state)
{
	size_t len = 0;
	uint8_t *f = make(&len);
	char why[BACKUPFILE_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < len; i++) {
		int rc;

		f[i] ^= 0x01;
		rc = open_copy(f, len, PASS, why, sizeof(why));
		f[i] ^= 0x01;
		if (rc == 0)
			fail_msg("byte %zu altered, and the file opened", i);
	}
	assert_int_equal(open_copy(f, len, PASS, why, sizeof(why)), 0);
	free(f);
}

static void test_backupfile_newer_format_is_enotsup(void **state)
{
	size_t len = 0;
	uint8_t *f = make(&len);
	struct backupfile_info info;
	char why[BACKUPFILE_WHY_MAX];

	(void)state;
	f[9] = 2;
	assert_int_equal(backupfile_check(f, len, &info, why, sizeof(why)),
			 -ENOTSUP);
	assert_non_null(strstr(why, "newer program"));
	f[9] = 1;
	f[11] = 7; /* another key derivation */
	assert_int_equal(backupfile_check(f, len, &info, why, sizeof(why)),
			 -ENOTSUP);
	f[11] = 1;
	f[12] = 0x7f; /* a cost past what we spend: refused before work */
	assert_int_equal(backupfile_check(f, len, &info, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "out of bounds"));
	free(f);
}

static void test_backupfile_refuses_bad_parts_and_passphrases(void **state)
{
	struct backupfile_parts p = parts();
	struct backupfile *b = NULL;
	struct crypto_pw_cost dear = {.ops = 9, .mem_bytes = 8192};
	char big[BACKUPFILE_PASS_MAX + 2];

	(void)state;
	assert_int_equal(backupfile_build(&p, &dear, &b), -EINVAL);
	p.db_len = 0;
	assert_int_equal(backupfile_build(&p, &cheap, &b), -EINVAL);
	p = parts();
	strcpy(p.meta.desa_name, "two\nlines");
	assert_int_equal(backupfile_build(&p, &cheap, &b), -EINVAL);
	p = parts();
	p.key = NULL;
	assert_int_equal(backupfile_build(&p, &cheap, &b), -EINVAL);
	p = parts();
	assert_int_equal(backupfile_build(&p, &cheap, &b), 0);
	assert_int_equal(backupfile_seal(b, "pendek", 6), -EINVAL);
	memset(big, 'x', sizeof(big));
	assert_int_equal(backupfile_seal(b, big, sizeof(big)), -EINVAL);
	assert_int_equal(backupfile_seal(b, PASS, strlen(PASS)), 0);
	assert_int_equal(backupfile_seal(b, PASS, strlen(PASS)), -EINVAL);
	backupfile_free(b);
	backupfile_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backupfile_header_is_as_documented),
		cmocka_unit_test(test_backupfile_round_trip),
		cmocka_unit_test(test_backupfile_salt_and_nonce_are_fresh),
		cmocka_unit_test(test_backupfile_wrong_passphrase_is_refused),
		cmocka_unit_test(
			test_backupfile_truncated_or_extended_is_refused),
		cmocka_unit_test(test_backupfile_any_altered_byte_is_refused),
		cmocka_unit_test(test_backupfile_newer_format_is_enotsup),
		cmocka_unit_test(
			test_backupfile_refuses_bad_parts_and_passphrases),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
