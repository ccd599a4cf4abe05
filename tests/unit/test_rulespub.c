/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of rulespub.c: the statement a publisher (the kabupaten or
 * the kecamatan) signs for a profile or calendar it publishes down the
 * push channel (docs/push.md, "Rules down the same channel"), and its
 * check against the keys a box pins: kind, effective day and every byte
 * of the text are bound; another key, another day, another kind or one
 * changed byte fail.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rulespub.h"

static const char text[] = "[profile]\nname = PPU 24/2018\n";

static void key(uint8_t seed, struct crypto_devkey *k)
{
	uint8_t s[CRYPTO_KEY_BYTES];

	memset(s, seed, sizeof(s));
	crypto_devkey_from_seed(s, k);
}

static void test_rulespub_statement_is_the_documented_text(void **state)
{
	char stmt[RULESPUB_STMT_MAX], want[RULESPUB_STMT_MAX];
	char ver[PD_HASH_HEX];

	(void)state;
	assert_int_equal(crypto_init(), 0);
	crypto_sha256_hex(text, strlen(text), ver);
	snprintf(want, sizeof(want),
		 "presensi-rules 1\nkind profile\nfrom 2026-12-01\n"
		 "version %s\n",
		 ver);
	assert_int_equal(rulespub_statement(RULESPUB_PROFILE, "2026-12-01",
					    text, strlen(text), stmt),
			 (int)strlen(want));
	assert_string_equal(stmt, want);
	assert_int_equal(rulespub_statement(RULESPUB_CALENDAR, "2027-01-01",
					    text, strlen(text), stmt),
			 (int)strlen(want) + 1);
	assert_non_null(strstr(stmt, "\nkind calendar\nfrom 2027-01-01\n"));
	/* a day that is not one, or no kind */
	assert_int_equal(rulespub_statement(RULESPUB_PROFILE, "2026-13-01",
					    text, strlen(text), stmt),
			 -EINVAL);
	assert_int_equal(rulespub_statement((enum rulespub_kind)7, "2026-12-01",
					    text, strlen(text), stmt),
			 -EINVAL);
}

static void test_rulespub_kind_names_both_ways(void **state)
{
	enum rulespub_kind k;

	(void)state;
	assert_string_equal(rulespub_kind_name(RULESPUB_PROFILE), "profile");
	assert_string_equal(rulespub_kind_name(RULESPUB_CALENDAR), "calendar");
	assert_null(rulespub_kind_name((enum rulespub_kind)9));
	assert_int_equal(rulespub_kind_parse("calendar", &k), 0);
	assert_int_equal(k, RULESPUB_CALENDAR);
	assert_int_equal(rulespub_kind_parse("profile", &k), 0);
	assert_int_equal(k, RULESPUB_PROFILE);
	assert_int_equal(rulespub_kind_parse("Profile", &k), -EINVAL);
	assert_int_equal(rulespub_kind_parse("", &k), -EINVAL);
}

static void test_rulespub_verify_finds_the_signing_key(void **state)
{
	struct crypto_devkey kab, kec, other;
	uint8_t pins[2][CRYPTO_PK_BYTES], sig[CRYPTO_SIG_BYTES];
	char hex[RULESPUB_SIG_HEX];
	int which = -1;

	(void)state;
	key(1, &kab);
	key(2, &kec);
	key(3, &other);
	memcpy(pins[0], kab.pk, sizeof(pins[0]));
	memcpy(pins[1], kec.pk, sizeof(pins[1]));
	assert_int_equal(rulespub_sign(&kec, RULESPUB_PROFILE, "2026-12-01",
				       text, strlen(text), sig),
			 0);
	crypto_hex_encode(sig, sizeof(sig), hex);
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 0);
	assert_int_equal(which, 1);
	/* the same signature over anything else, or by an unpinned key */
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_PROFILE,
					 "2026-11-01", text, strlen(text), hex,
					 &which),
			 -EBADMSG);
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_CALENDAR,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 -EBADMSG);
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text) - 1,
					 hex, &which),
			 -EBADMSG);
	assert_int_equal(rulespub_verify(pins, 1, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 -EBADMSG);
	assert_int_equal(rulespub_sign(&other, RULESPUB_PROFILE, "2026-12-01",
				       text, strlen(text), sig),
			 0);
	crypto_hex_encode(sig, sizeof(sig), hex);
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 -EBADMSG);
	/* no keys pinned, or a signature that is not 128 hex digits */
	assert_int_equal(rulespub_verify(pins, 0, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 -ENOKEY);
	hex[127] = '\0';
	assert_int_equal(rulespub_verify(pins, 2, RULESPUB_PROFILE,
					 "2026-12-01", text, strlen(text), hex,
					 &which),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_rulespub_statement_is_the_documented_text),
		cmocka_unit_test(test_rulespub_kind_names_both_ways),
		cmocka_unit_test(test_rulespub_verify_finds_the_signing_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
