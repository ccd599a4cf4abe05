/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of utf8.c (well-formed UTF-8, RFC 3629) and nfc.c (NFC
 * through utf8proc): invalid bytes, cut sequences, overlong forms,
 * surrogates, code points above U+10FFFF, and a decomposed "é" composed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfc.h"
#include "utf8.h"

static void test_utf8_check_refuses_every_malformed_form(void **state)
{
	static const struct {
		const char *s;
		int rc;
		size_t bad; /* offset of the bad sequence */
	} rows[] = {
		{"Budi Santoso", 0, 0},
		{"Jos\xc3\xa9", 0, 0},	      /* é, two bytes */
		{"\xe2\x82\xac 5", 0, 0},     /* € */
		{"\xf0\x9f\x98\x80", 0, 0},   /* U+1F600 */
		{"\xf4\x8f\xbf\xbf", 0, 0},   /* U+10FFFF, the last */
		{"\xed\x9f\xbf", 0, 0},	      /* U+D7FF, before surrogates */
		{"\xee\x80\x80", 0, 0},	      /* U+E000, after them */
		{"Bud\xff\xfei", -EILSEQ, 3}, /* the bug report */
		{"\x80", -EILSEQ, 0},	      /* a lone continuation */
		{"ab\xc3", -EILSEQ, 2},	      /* cut short */
		{"\xe2\x82", -EILSEQ, 0},     /* cut short */
		{"\xc3(", -EILSEQ, 0},	      /* not a continuation */
		{"\xc0\xaf", -EILSEQ, 0},     /* overlong '/' */
		{"\xc1\xbf", -EILSEQ, 0},     /* overlong U+007F */
		{"\xe0\x80\xaf", -EILSEQ, 0}, /* overlong '/' in 3 */
		{"\xe0\x9f\xbf", -EILSEQ, 0}, /* overlong U+07FF */
		{"\xf0\x80\x80\xaf", -EILSEQ, 0}, /* overlong '/' in 4 */
		{"\xf0\x8f\xbf\xbf", -EILSEQ, 0}, /* overlong U+FFFF */
		{"x\xed\xa0\x80", -EILSEQ, 1},	  /* U+D800, a surrogate */
		{"\xed\xbf\xbf", -EILSEQ, 0},	  /* U+DFFF */
		{"\xf4\x90\x80\x80", -EILSEQ, 0}, /* U+110000 */
		{"\xf5\x80\x80\x80", -EILSEQ, 0},
		{"\xf8\x88\x80\x80\x80", -EILSEQ, 0}, /* 5-byte form */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t bad = 99;
		int rc = utf8_check(rows[i].s, strlen(rows[i].s), &bad);

		if (rc != rows[i].rc || (rc && bad != rows[i].bad))
			fail_msg("row %zu: rc %d at %zu, want %d at %zu", i, rc,
				 bad, rows[i].rc, rows[i].bad);
		assert_int_equal(utf8_valid(rows[i].s), rows[i].rc == 0);
	}
	assert_false(utf8_valid(NULL));
}

static void test_nfc_composes_a_decomposed_e_acute(void **state)
{
	char *out = NULL;

	(void)state;
	/* "José" typed as e + U+0301 COMBINING ACUTE ACCENT */
	assert_int_equal(nfc_normalize("Jose\xcc\x81", &out), 0);
	assert_string_equal(out, "Jos\xc3\xa9");
	free(out);
	/* already NFC: the same bytes */
	assert_int_equal(nfc_normalize("Jos\xc3\xa9 S.Pd", &out), 0);
	assert_string_equal(out, "Jos\xc3\xa9 S.Pd");
	free(out);
	assert_int_equal(nfc_normalize("", &out), 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_nfc_refuses_malformed_input(void **state)
{
	static const char *const bad[] = {
		"Bud\xff\xfei",
		"\xc0\xaf",
		"\xed\xa0\x80",
		"\xf4\x90\x80\x80",
	};
	char *out = (char *)"untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nfc_normalize(bad[i], &out), -EILSEQ);
		assert_string_equal(out, "untouched");
	}
	assert_int_equal(nfc_normalize(NULL, &out), -EILSEQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_check_refuses_every_malformed_form),
		cmocka_unit_test(test_nfc_composes_a_decomposed_e_acute),
		cmocka_unit_test(test_nfc_refuses_malformed_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
