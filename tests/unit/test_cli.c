/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the presensi CLI argument parser (cli.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ARGV(...)                                                              \
	char *argv[] = {"presensi", __VA_ARGS__};                              \
	int argc = (int)(sizeof(argv) / sizeof(argv[0]))

static void test_cli_person_add_all_options_parsed(void **state)
{
	ARGV("--config", "/tmp/x.conf", "person", "add", "--id", "101",
	     "--name=Budi Santoso", "--jabatan", "Kaur Keuangan");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_int_equal(a.cmd->verb, CLI_PERSON_ADD);
	assert_string_equal(a.config, "/tmp/x.conf");
	assert_string_equal(cli_get(&a, "id"), "101");
	assert_string_equal(cli_get(&a, "name"), "Budi Santoso");
	assert_string_equal(cli_get(&a, "jabatan"), "Kaur Keuangan");
	assert_null(cli_get(&a, "since"));
}

static void test_cli_missing_required_option_names_it(void **state)
{
	ARGV("person", "add", "--id", "101", "--name", "Budi");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "person add: --jabatan is required");
}

static void test_cli_unknown_option_is_rejected(void **state)
{
	ARGV("rekap", "--mont", "2026-11");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rekap: unknown option --mont");
}

static void test_cli_unknown_command_is_rejected(void **state)
{
	ARGV("persn", "add");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown command \"persn\""));
}

static void test_cli_option_without_value_is_rejected(void **state)
{
	ARGV("punches", "--date");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "punches: --date needs a value");
}

static void test_cli_flag_and_positional(void **state)
{
	ARGV("profile", "import", "ppu.ini", "--from", "2026-01-01");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_int_equal(a.cmd->verb, CLI_PROFILE_IMPORT);
	assert_string_equal(a.positional, "ppu.ini");
	assert_string_equal(cli_get(&a, "from"), "2026-01-01");
}

static void test_cli_missing_positional_is_rejected(void **state)
{
	ARGV("profile", "import", "--from", "2026-01-01");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "profile import: FILE is required");
}

static void test_cli_flag_given_value_is_rejected(void **state)
{
	ARGV("rekap", "--month", "2026-11", "--daily=yes");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rekap: --daily takes no value");
}

static void test_cli_repeated_option_is_rejected(void **state)
{
	ARGV("rekap", "--month", "2026-11", "--month", "2026-10");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rekap: --month given twice");
}

static void test_cli_text_that_is_not_utf8_is_rejected(void **state)
{
	ARGV("person", "add", "--id", "101", "--name", "Bud\xff\xfei",
	     "--jabatan", "Kaur");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "person add: --name: not valid UTF-8");
}

static void test_cli_help_skips_required_checks(void **state)
{
	ARGV("excuse", "add", "--help");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_true(a.help);
	assert_int_equal(a.cmd->verb, CLI_EXCUSE_ADD);
}

static void test_cli_longest_command_words_win(void **state)
{
	ARGV("chain", "verify");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_int_equal(a.cmd->verb, CLI_CHAIN_VERIFY);
}

static void test_cli_usage_lists_every_option(void **state)
{
	ARGV("excuse", "add", "--help");
	struct cli_args a;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	cli_usage(f, a.cmd);
	fclose(f);
	assert_non_null(strstr(buf, "--document V"));
	assert_non_null(strstr(buf, "--partial V"));
	assert_non_null(strstr(buf, "(required)"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_person_add_all_options_parsed),
		cmocka_unit_test(test_cli_missing_required_option_names_it),
		cmocka_unit_test(test_cli_unknown_option_is_rejected),
		cmocka_unit_test(test_cli_unknown_command_is_rejected),
		cmocka_unit_test(test_cli_option_without_value_is_rejected),
		cmocka_unit_test(test_cli_flag_and_positional),
		cmocka_unit_test(test_cli_missing_positional_is_rejected),
		cmocka_unit_test(test_cli_flag_given_value_is_rejected),
		cmocka_unit_test(test_cli_repeated_option_is_rejected),
		cmocka_unit_test(test_cli_text_that_is_not_utf8_is_rejected),
		cmocka_unit_test(test_cli_help_skips_required_checks),
		cmocka_unit_test(test_cli_longest_command_words_win),
		cmocka_unit_test(test_cli_usage_lists_every_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
