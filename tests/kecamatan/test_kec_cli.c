/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of kec_cli.c: presensi-kecamatan's command table and
 * parser (no database).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kec_cli.h"

#define ARGV(...) ((char *[]){"presensi-kecamatan", __VA_ARGS__, NULL})

static struct kec_cli_args a;
static char err[256];

static int parse(int argc, char **argv)
{
	return kec_cli_parse(argc, argv, &a, err, sizeof(err));
}

static void test_cli_globals_before_or_after_the_command(void **s)
{
	char **v = ARGV("--db", "k.db", "import", "a.zip", "b.zip",
			"--kecamatan=Pucuk");

	(void)s;
	assert_int_equal(parse(7, v), 0);
	assert_int_equal(a.cmd->verb, KEC_IMPORT);
	assert_string_equal(a.db, "k.db");
	assert_string_equal(a.kecamatan, "Pucuk");
	assert_int_equal(a.npos, 2);
	assert_string_equal(a.pos[1], "b.zip");
}

static void test_cli_two_word_commands_and_values(void **s)
{
	char **v = ARGV("calendar", "add", "--date", "2026-12-07",
			"--name=Hari Jadi");

	(void)s;
	assert_int_equal(parse(6, v), 0);
	assert_int_equal(a.cmd->verb, KEC_CALENDAR_ADD);
	assert_string_equal(kec_cli_get(&a, "date"), "2026-12-07");
	assert_string_equal(kec_cli_get(&a, "name"), "Hari Jadi");
	assert_null(kec_cli_get(&a, "kind"));
	assert_null(kec_cli_get(&a, "nothing"));
}

static void test_cli_errors_name_what_is_wrong(void **s)
{
	(void)s;
	assert_int_equal(parse(2, ARGV("import")), -EINVAL);
	assert_non_null(strstr(err, "FILE.zip"));
	assert_int_equal(parse(2, ARGV("trust")), -EINVAL);
	assert_non_null(strstr(err, "--desa is required"));
	assert_int_equal(parse(3, ARGV("rekap", "--mont")), -EINVAL);
	assert_non_null(strstr(err, "unknown option --mont"));
	assert_int_equal(parse(3, ARGV("rekap", "--month")), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(parse(3, ARGV("desa", "extra")), -EINVAL);
	assert_int_equal(parse(2, ARGV("frobnicate")), -EINVAL);
	assert_int_equal(parse(2, ARGV("--db")), -EINVAL);
	assert_int_equal(parse(0, ARGV("x")), -EINVAL);
}

static void test_cli_help_needs_no_required_option(void **s)
{
	(void)s;
	assert_int_equal(parse(3, ARGV("trust", "--help")), 0);
	assert_true(a.help);
	assert_int_equal(a.cmd->verb, KEC_TRUST);
	assert_int_equal(parse(2, ARGV("--help")), 0);
	assert_null(a.cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_globals_before_or_after_the_command),
		cmocka_unit_test(test_cli_two_word_commands_and_values),
		cmocka_unit_test(test_cli_errors_name_what_is_wrong),
		cmocka_unit_test(test_cli_help_needs_no_required_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
