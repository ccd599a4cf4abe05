/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of json.c: the canonical form (sorted keys, two-space indent,
 * final newline, UTF-8 as is), strict parsing (duplicate keys, NUL,
 * trailing text, bad UTF-8) and the readers' type checks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static void
test_json_dump_sorts_keys_indents_two_and_ends_with_newline(void **state)
{
	struct json_value *o = json_value_object(), *in = json_value_object();
	char *text;
	size_t len;

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_value_set_string(o, "zeta", "Sukamaju"), 0);
	assert_int_equal(json_value_set_int(o, "alpha", 9007199254740993LL), 0);
	assert_int_equal(json_value_set_string(in, "b", "Desa Ü/é"), 0);
	assert_int_equal(json_value_set_int(in, "a", -1), 0);
	assert_int_equal(json_value_set(o, "mid", in), 0);
	assert_int_equal(json_value_dump(o, &text, &len), 0);
	assert_string_equal(text, "{\n"
				  "  \"alpha\": 9007199254740993,\n"
				  "  \"mid\": {\n"
				  "    \"a\": -1,\n"
				  "    \"b\": \"Desa Ü/é\"\n"
				  "  },\n"
				  "  \"zeta\": \"Sukamaju\"\n"
				  "}\n");
	assert_int_equal(len, strlen(text));
	free(text);
	json_value_free(o);
}

static void test_json_same_content_in_any_order_gives_same_bytes(void **state)
{
	struct json_value *a = json_value_object(), *b = json_value_object();
	char *ta, *tb;
	size_t la, lb;

	(void)state;
	assert_int_equal(json_value_set_int(a, "x", 1), 0);
	assert_int_equal(json_value_set_int(a, "y", 2), 0);
	assert_int_equal(json_value_set_int(b, "y", 2), 0);
	assert_int_equal(json_value_set_int(b, "x", 1), 0);
	assert_int_equal(json_value_dump(a, &ta, &la), 0);
	assert_int_equal(json_value_dump(b, &tb, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ta, tb, la);
	free(ta);
	free(tb);
	json_value_free(a);
	json_value_free(b);
}

static void test_json_parse_reads_back_what_dump_wrote(void **state)
{
	static const char text[] = "{\"a\": [1, \"two\", {\"k\": 3}], "
				   "\"s\": \"Budi\"}";
	struct json_value *v;
	const struct json_value *arr;
	const char *s;
	int64_t n;
	char why[128];

	(void)state;
	assert_int_equal(
		json_value_parse(text, strlen(text), &v, why, sizeof(why)), 0);
	assert_int_equal(json_value_type(v), JSON_VALUE_OBJECT);
	assert_int_equal(json_value_size(v), 2);
	arr = json_value_get(v, "a");
	assert_int_equal(json_value_type(arr), JSON_VALUE_ARRAY);
	assert_int_equal(json_value_size(arr), 3);
	assert_int_equal(json_value_int(json_value_at(arr, 0), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(json_value_string(json_value_at(arr, 1), &s), 0);
	assert_string_equal(s, "two");
	/* the wrong type is refused, not converted */
	assert_int_equal(json_value_int(json_value_at(arr, 1), &n), -EINVAL);
	assert_int_equal(json_value_string(json_value_at(arr, 0), &s), -EINVAL);
	assert_null(json_value_at(arr, 3));
	assert_null(json_value_get(v, "missing"));
	assert_null(json_value_get(arr, "a"));
	json_value_free(v);
}

static void
test_json_parse_refuses_duplicate_keys_nul_and_trailing_text(void **state)
{
	static const char *const bad[] = {
		"{\"a\": 1, \"a\": 2}",	  /* duplicate key */
		"{\"a\": \"x\\u0000y\"}", /* NUL inside a string */
		"{\"a\": 1} {\"b\": 2}",  /* a second value */
		"{\"a\": \"\xc3\x28\"}",  /* not UTF-8 */
		"{\"a\": 1",		  /* truncated */
		"",			  /* nothing */
	};
	struct json_value *v = NULL;
	char why[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(json_value_parse(bad[i], strlen(bad[i]), &v,
						  why, sizeof(why)),
				 -EINVAL);
		assert_non_null(strstr(why, "line "));
	}
}

static void test_json_set_refuses_bad_utf8_and_non_objects(void **state)
{
	struct json_value *o = json_value_object(), *a = json_value_array();

	(void)state;
	assert_int_equal(json_value_set_string(o, "k", "\xff"), -EINVAL);
	assert_int_equal(json_value_set_string(o, "k", "\xed\xa0\x80"),
			 -EINVAL); /* a surrogate */
	assert_int_equal(json_value_set_string(o, "k", "\xc0\xaf"),
			 -EINVAL); /* overlong '/' */
	assert_int_equal(json_value_set_int(a, "k", 1), -EINVAL);
	assert_int_equal(json_value_append(o, json_value_object()), -EINVAL);
	assert_int_equal(json_value_append(a, json_value_object()), 0);
	assert_int_equal(json_value_size(o), 0);
	assert_int_equal(json_value_size(a), 1);
	json_value_free(o);
	json_value_free(a);
}

static int count_member(void *ud, const char *key, const struct json_value *v)
{
	(void)key, (void)v;
	return ++*(int *)ud == 2 ? 7 : 0;
}

static void test_json_each_stops_on_the_callbacks_non_zero(void **state)
{
	static const char text[] = "{\"a\": 1, \"b\": 2, \"c\": 3}";
	struct json_value *v;
	int n = 0;

	(void)state;
	assert_int_equal(json_value_parse(text, strlen(text), &v, NULL, 0), 0);
	assert_int_equal(json_value_each(v, count_member, &n), 7);
	assert_int_equal(n, 2);
	assert_int_equal(
		json_value_each(json_value_get(v, "a"), count_member, &n),
		-EINVAL);
	json_value_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_json_dump_sorts_keys_indents_two_and_ends_with_newline),
		cmocka_unit_test(
			test_json_same_content_in_any_order_gives_same_bytes),
		cmocka_unit_test(test_json_parse_reads_back_what_dump_wrote),
		cmocka_unit_test(
			test_json_parse_refuses_duplicate_keys_nul_and_trailing_text),
		cmocka_unit_test(
			test_json_set_refuses_bad_utf8_and_non_objects),
		cmocka_unit_test(
			test_json_each_stops_on_the_callbacks_non_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
