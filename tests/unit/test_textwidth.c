// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of textwidth.c, the display width every text table measures
 * by: combining marks take no column, East Asian wide characters two,
 * invalid bytes one; cuts end on a character boundary; cells come out in
 * exactly the asked number of columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "textwidth.h"

#define NFC_NAME "Wangi\u00f1\u00e9"	    /* precomposed n~, e' */
#define NFD_NAME "Wangin\u0303e\u0301"	    /* n + U+0303, e + U+0301 */
#define HAN_NAME "\u9648\u7f8e\u73b2"	    /* three wide ideographs */
#define EMOJI	 "\xf0\x9f\x91\x8d"	    /* U+1F44D, wide */
#define ZWJ	 "\u200d"		    /* zero width joiner */
#define JAVA	 "\ua9a5\ua9b8\ua9a4\ua9c0" /* Javanese with marks */

static void test_textwidth_measure_counts_columns_not_bytes(void **state)
{
	static const struct {
		const char *s;
		size_t want;
	} rows[] = {
		{"", 0},
		{"abc", 3},
		{NFC_NAME, 7},
		{NFD_NAME, 7},
		{HAN_NAME, 6},
		{"Tan " HAN_NAME, 10},
		{EMOJI, 2},
		{"a" ZWJ "b", 2},
		{"\xff\xfe", 2},     /* invalid bytes: one column each */
		{"a\xc3", 2},	     /* a sequence cut short */
		{"\xc0\xaf", 2},     /* overlong '/' is two invalid bytes */
		{"\xed\xa0\x80", 3}, /* a UTF-16 surrogate is invalid */
		{JAVA, 3},	     /* the vowel sign U+A9B8 is a mark */
		{"\u2026", 1},	     /* the ellipsis the cells use */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (textwidth_measure(rows[i].s) != rows[i].want)
			fail_msg("row %zu: width %zu, want %zu", i,
				 textwidth_measure(rows[i].s), rows[i].want);
}

static void test_textwidth_cut_ends_on_a_character_boundary(void **state)
{
	static const struct {
		const char *s;
		size_t cols;
		const char *want; /* the prefix kept */
		size_t width;
	} rows[] = {
		{NFC_NAME, 0, "", 0},
		{NFC_NAME, 5, "Wangi", 5},
		{NFC_NAME, 6, "Wangi\u00f1", 6},
		{NFC_NAME, 7, NFC_NAME, 7},
		{NFC_NAME, 50, NFC_NAME, 7},
		/* a combining mark stays with its base */
		{NFD_NAME, 6, "Wangin\u0303", 6},
		{NFD_NAME, 5, "Wangi", 5},
		/* a wide character never straddles the edge */
		{HAN_NAME, 3, "\u9648", 2},
		{HAN_NAME, 4, "\u9648\u7f8e", 4},
		{HAN_NAME, 1, "", 0},
		{"ab\xff", 3, "ab\xff", 3},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t w = 99;
		size_t n = textwidth_cut(rows[i].s, rows[i].cols, &w);

		if (n != strlen(rows[i].want) ||
		    memcmp(rows[i].s, rows[i].want, n) != 0 ||
		    w != rows[i].width)
			fail_msg("row %zu: kept %zu bytes (%.*s) width %zu; "
				 "want %zu bytes width %zu",
				 i, n, (int)n, rows[i].s, w,
				 strlen(rows[i].want), rows[i].width);
	}
	assert_int_equal(textwidth_cut(NFC_NAME, 6, NULL), 7);
}

static char *put(const char *s, size_t cols, bool right)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	textwidth_put(fp, s, cols, right);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void test_textwidth_put_fills_exactly_the_columns(void **state)
{
	static const struct {
		const char *s;
		size_t cols;
		bool right;
		const char *want;
	} rows[] = {
		{NFC_NAME, 10, false, NFC_NAME "   "},
		{NFC_NAME, 10, true, "   " NFC_NAME},
		{NFD_NAME, 9, false, NFD_NAME "  "},
		{NFC_NAME, 7, false, NFC_NAME},
		{NFC_NAME, 6, false, "Wangi\u2026"},
		{NFC_NAME, 1, false, "\u2026"},
		{NFC_NAME, 0, false, ""},
		{HAN_NAME, 4, false, "\u9648\u2026 "},
		{HAN_NAME, 4, true, " \u9648\u2026"},
		{HAN_NAME, 6, false, HAN_NAME},
		{"", 3, false, "   "},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *got = put(rows[i].s, rows[i].cols, rows[i].right);

		if (strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu: \"%s\", want \"%s\"", i, got,
				 rows[i].want);
		assert_int_equal(textwidth_measure(got), rows[i].cols);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_textwidth_measure_counts_columns_not_bytes),
		cmocka_unit_test(
			test_textwidth_cut_ends_on_a_character_boundary),
		cmocka_unit_test(test_textwidth_put_fills_exactly_the_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
