/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the live push's own state (pushstate.c) and its backoff
 * (pushbackoff.c): the acknowledged head survives a save and a load
 * through the atomic writer, a missing file is a fresh start, a damaged
 * one is refused with its line; the wait after failures doubles from
 * 5 s to 15 min, jittered by at most 20 % either way, and starts over
 * after a success.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakes/testutil.h"
#include "log.h"
#include "pushbackoff.h"
#include "pushstate.h"

#define HEAD "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void filled(struct pushstate *s)
{
	pushstate_init(s);
	snprintf(s->server, sizeof(s->server), "https://kec.example.go.id");
	snprintf(s->device, sizeof(s->device), "9f86-d081-884c-7d65");
	s->acked = 1234;
	snprintf(s->acked_head, sizeof(s->acked_head), "%s", HEAD);
	s->ok_at = 1764000000;
	snprintf(s->bundle, sizeof(s->bundle), "2026-10");
	s->refused_at = 1764000300;
	snprintf(s->refused_rows, sizeof(s->refused_rows), "1235..1240");
	snprintf(s->refused, sizeof(s->refused),
		 "HTTP 403: key not trusted for desa 3517012001");
	snprintf(s->bundle_refused, sizeof(s->bundle_refused), "2026-09");
	s->rules_after = 7;
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_pushstate_save_then_load_is_the_same(void **state)
{
	char *dir = testutil_tmpdir("pushstate"), path[512];
	struct pushstate a, b;
	struct stat sb;
	char why[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/push.state", dir);
	filled(&a);
	assert_int_equal(pushstate_save(path, &a), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(count_files(dir), 1); /* no temporary file left */
	assert_int_equal(pushstate_load(path, &b, why, sizeof(why)), 0);
	assert_int_equal(b.acked, 1234);
	assert_string_equal(b.acked_head, HEAD);
	assert_string_equal(b.server, a.server);
	assert_string_equal(b.device, a.device);
	assert_int_equal(b.ok_at, a.ok_at);
	assert_string_equal(b.bundle, "2026-10");
	assert_int_equal(b.refused_at, a.refused_at);
	assert_string_equal(b.refused_rows, a.refused_rows);
	assert_string_equal(b.refused, a.refused);
	assert_string_equal(b.bundle_refused, "2026-09");
	assert_int_equal(b.rules_after, 7);
	/* saved again over itself, after a success cleared the refusal */
	b.acked = 1240;
	b.refused[0] = '\0';
	assert_int_equal(pushstate_save(path, &b), 0);
	assert_int_equal(pushstate_load(path, &a, why, sizeof(why)), 0);
	assert_int_equal(a.acked, 1240);
	assert_string_equal(a.refused, "");
	testutil_rmtree_free(dir);
}

static void test_pushstate_missing_file_is_a_fresh_start(void **state)
{
	struct pushstate s;
	char why[256];

	(void)state;
	assert_int_equal(
		pushstate_load("/nonexistent/push.state", &s, why, sizeof(why)),
		-ENOENT);
	assert_int_equal(s.acked, 0);
	assert_string_equal(s.acked_head, PUSHSTATE_HEAD_ZERO);
	assert_string_equal(s.bundle, "");
	assert_string_equal(s.refused, "");
}

static void test_pushstate_damage_is_refused_with_its_line(void **state)
{
	static const struct {
		const char *text, *why;
	} rows[] = {
		{"", "line 1: not a presensi-push state file"},
		{"presensi-push-state 2\n", "line 1: not a presensi-push"},
		{"presensi-push-state 1\nacked 12x\n",
		 "line 2: acked: \"12x\" is not a row number"},
		{"presensi-push-state 1\nacked -3\n",
		 "line 2: acked: \"-3\" is not a row number"},
		{"presensi-push-state 1\nacked_head abc\n",
		 "line 2: acked_head: not 64 hex digits"},
		{"presensi-push-state 1\nbundle 2026-13\n",
		 "line 2: bundle: \"2026-13\" is not a month"},
		{"presensi-push-state 1\nspeed 3\n",
		 "line 2: unknown key \"speed\""},
		{"presensi-push-state 1\nacked 3\nacked 4\n",
		 "line 3: acked: given twice"},
		/* a head without its row, or a row without its head */
		{"presensi-push-state 1\nacked 3\n",
		 "acked 3 without acked_head"},
	};
	struct pushstate s;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *fp = fmemopen((void *)(uintptr_t)rows[i].text,
				    strlen(rows[i].text), "r");

		if (!*rows[i].text)
			fp = fmemopen((void *)(uintptr_t) " ", 0, "r");
		assert_non_null(fp);
		assert_int_equal(pushstate_parse(fp, &s, why, sizeof(why)),
				 -EINVAL);
		fclose(fp);
		if (!strstr(why, rows[i].why))
			fail_msg("row %zu: \"%s\", want \"%s\"", i, why,
				 rows[i].why);
	}
}

static void test_pushbackoff_doubles_to_fifteen_minutes(void **state)
{
	/* rnd in the middle of its range: no jitter */
	static const uint32_t want_s[] = {5,   10,  20,	 40,  80,
					  160, 320, 640, 900, 900};
	struct pushbackoff b;

	(void)state;
	pushbackoff_reset(&b);
	for (size_t i = 0; i < sizeof(want_s) / sizeof(want_s[0]); i++)
		assert_int_equal(pushbackoff_fail(&b, UINT32_MAX / 2 + 1),
				 want_s[i] * 1000);
	assert_int_equal(b.failures, 10);
	pushbackoff_reset(&b);
	assert_int_equal(b.failures, 0);
	assert_int_equal(pushbackoff_fail(&b, UINT32_MAX / 2 + 1), 5000);
}

static void test_pushbackoff_jitter_is_within_twenty_percent(void **state)
{
	struct pushbackoff b;

	(void)state;
	/* the ends of the random range are the ends of the jitter */
	assert_int_equal(pushbackoff_jitter(5000, 0), 4000);
	assert_int_equal(pushbackoff_jitter(5000, UINT32_MAX), 6000);
	assert_int_equal(pushbackoff_jitter(900000, UINT32_MAX), 1080000);
	for (uint32_t base = 5000; base <= 900000; base *= 2)
		for (uint32_t r = 0; r < 64; r++) {
			uint32_t d =
				pushbackoff_jitter(base, r * (UINT32_MAX / 63));

			assert_true(d >= base - base / 5);
			assert_true(d <= base + base / 5);
		}
	/* and a failure's delay is its base, jittered */
	pushbackoff_reset(&b);
	(void)pushbackoff_fail(&b, 0);
	assert_int_equal(pushbackoff_fail(&b, 0), 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pushstate_save_then_load_is_the_same),
		cmocka_unit_test(test_pushstate_missing_file_is_a_fresh_start),
		cmocka_unit_test(
			test_pushstate_damage_is_refused_with_its_line),
		cmocka_unit_test(test_pushbackoff_doubles_to_fifteen_minutes),
		cmocka_unit_test(
			test_pushbackoff_jitter_is_within_twenty_percent),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
