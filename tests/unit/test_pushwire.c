/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the push's messages (pushwire.c) against docs/push.md,
 * "The API exactly": the push body has every key and no other; the
 * server's answers give the head it holds and its one-line reason, also
 * when the body is not JSON at all; the rules listing gives each
 * publication, and one that lacks a field is left out, not trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "pushwire.h"

#define H1  "1111111111111111111111111111111111111111111111111111111111111111"
#define H2  "2222222222222222222222222222222222222222222222222222222222222222"
#define SIG H1 H2

static void test_pushwire_body_has_every_key_and_no_other(void **state)
{
	const struct pushwire_batch b = {
		.device = "9f86-d081-884c-7d65",
		.public_key = H1,
		.desa = "3517012001",
		.first = 13,
		.last = 14,
		.prev = H1,
		.head = H2,
		.lines = "13,punch,...\r\n14,punch,...\r\n",
		.signature = SIG,
	};
	static const char *const keys[] = {"desa", "device",	 "first",
					   "head", "last",	 "lines",
					   "prev", "public_key", "signature"};
	struct json_value *v;
	char *body, why[128];
	const char *s;
	size_t len;
	int64_t n;

	(void)state;
	assert_int_equal(pushwire_batch_body(&b, &body, &len), 0);
	assert_int_equal(body[len - 1], '\n');
	assert_int_equal(json_value_parse(body, len, &v, why, sizeof(why)), 0);
	assert_int_equal(json_value_size(v), sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_non_null(json_value_get(v, keys[i]));
	assert_int_equal(json_value_int(json_value_get(v, "first"), &n), 0);
	assert_int_equal(n, 13);
	assert_int_equal(json_value_string(json_value_get(v, "lines"), &s), 0);
	assert_string_equal(s, b.lines);
	json_value_free(v);
	free(body);
}

static void test_pushwire_answers_and_their_reasons(void **state)
{
	static const struct {
		const char *body;
		int rc, has_head;
		int64_t seq;
		const char *error, *result;
	} rows[] = {
		{"{\"seq\": 500, \"head\": \"" H1 "\"}\n", 0, 1, 500, "", ""},
		{"{\"seq\": 0, \"head\": \"" H2 "\", \"error\": \"gap\"}", 0, 1,
		 0, "gap", ""},
		{"{\"error\": \"device key 9f86-d081-884c-7d65 is not trusted "
		 "here\"}",
		 0, 0, 0, "device key 9f86-d081-884c-7d65 is not trusted here",
		 ""},
		{"{\"result\": \"refused\", \"error\": \"signature: bad\"}", 0,
		 0, 0, "signature: bad", "refused"},
		/* a head that is no hash, a negative seq: no head */
		{"{\"seq\": 5, \"head\": \"xyz\"}", 0, 0, 0, "", ""},
		{"{\"seq\": -1, \"head\": \"" H1 "\"}", 0, 0, 0, "", ""},
		/* not JSON: a proxy's page; its first line, cleaned */
		{"<html>502 Bad\tGateway</html>\nmore", -EINVAL, 0, 0,
		 "<html>502 Bad Gateway</html>", ""},
		{"", -EINVAL, 0, 0, "", ""},
		{"[1, 2]", -EINVAL, 0, 0, "[1, 2]", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pushwire_answer a;

		assert_int_equal(pushwire_answer_parse(rows[i].body,
						       strlen(rows[i].body),
						       &a),
				 rows[i].rc);
		assert_int_equal(a.has_head, rows[i].has_head);
		if (a.has_head)
			assert_int_equal(a.seq, rows[i].seq);
		assert_string_equal(a.error, rows[i].error);
		assert_string_equal(a.result, rows[i].result);
	}
}

static void test_pushwire_rules_listing(void **state)
{
	static const char body[] =
		"{\"desa\": \"3524012001\", \"kecamatan\": \"Pucuk\",\n"
		" \"publisher_key\": \"" H1 "\",\n"
		" \"rules\": [\n"
		"  {\"id\": 3, \"kind\": \"profile\", \"scope\": \"kabupaten\","
		"   \"area\": \"Lamongan\", \"name\": \"PPU 24/2018 5 hari\","
		"   \"version\": \"" H2 "\", \"from\": \"2026-12-01\","
		"   \"published\": \"2026-11-18T11:06:40Z\","
		"   \"text\": \"[profile]\\nname = x\\n\","
		"   \"signature\": \"" SIG "\"},\n"
		"  {\"id\": 4, \"kind\": \"profile\"},\n"
		"  {\"id\": 5, \"kind\": \"calendar\", \"scope\": "
		"\"kecamatan\","
		"   \"area\": \"Pucuk\", \"name\": \"Libur 2027\","
		"   \"version\": \"" H1 "\", \"from\": \"2027-01-01\","
		"   \"published\": \"2026-11-19T01:00:00Z\","
		"   \"text\": \"[calendar]\\n\", \"signature\": \"" SIG "\"}\n"
		" ]}\n";
	struct pushwire_rules r;
	size_t skipped;
	char why[128];

	(void)state;
	assert_int_equal(pushwire_rules_parse(body, strlen(body), &r, &skipped,
					      why, sizeof(why)),
			 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(skipped, 1);
	assert_string_equal(r.publisher_key, H1);
	assert_string_equal(r.kecamatan, "Pucuk");
	assert_int_equal(r.r[0].id, 3);
	assert_string_equal(r.r[0].kind, "profile");
	assert_string_equal(r.r[0].scope, "kabupaten");
	assert_string_equal(r.r[0].area, "Lamongan");
	assert_string_equal(r.r[0].from, "2026-12-01");
	assert_string_equal(r.r[0].published, "2026-11-18T11:06:40Z");
	assert_string_equal(r.r[0].text, "[profile]\nname = x\n");
	assert_string_equal(r.r[0].signature, SIG);
	assert_int_equal(r.r[1].id, 5);
	assert_string_equal(r.r[1].scope, "kecamatan");
	pushwire_rules_free(&r);
	pushwire_rules_free(&r); /* idempotent */

	{
		const char *nf = "{\"error\": \"unknown desa\"}";

		assert_int_equal(pushwire_rules_parse(nf, strlen(nf), &r, NULL,
						      why, sizeof(why)),
				 -EINVAL);
	}
	assert_non_null(strstr(why, "not a listing"));
	assert_int_equal(
		pushwire_rules_parse("nope", 4, &r, NULL, why, sizeof(why)),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pushwire_body_has_every_key_and_no_other),
		cmocka_unit_test(test_pushwire_answers_and_their_reasons),
		cmocka_unit_test(test_pushwire_rules_listing),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
