/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the presensi CLI argument parser (cli.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
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
	assert_string_equal(a.cmd->words, "person add");
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
	assert_string_equal(a.cmd->words, "profile import");
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

/* A malformed date in a write command exited 1 (the daemon's refusal);
 * it is a bad argument, found before anything is sent: exit 2. */
static void test_cli_malformed_dates_and_times_are_bad_arguments(void **state)
{
	static struct {
		char *argv[12];
		const char *err;
	} rows[] = {
		{{"presensi", "person", "add", "--id", "1", "--name", "A",
		  "--jabatan", "B", "--since", "2026-13-01"},
		 "person add: --since: \"2026-13-01\" is not a date "
		 "YYYY-MM-DD"},
		{{"presensi", "person", "deactivate", "--id", "1", "--on",
		  "26-11-2026"},
		 "person deactivate: --on: \"26-11-2026\" is not a date"},
		{{"presensi", "profile", "import", "p.ini", "--from",
		  "2026-02-30"},
		 "profile import: --from: \"2026-02-30\" is not a date"},
		{{"presensi", "excuse", "add", "--id", "1", "--from",
		  "2026-11-02", "--to", "kemarin", "--kind", "izin"},
		 "excuse add: --to: \"kemarin\" is not a date"},
		{{"presensi", "punch", "manual", "--id", "1", "--at",
		  "23/11/2026 07:30", "--reason", "r"},
		 "punch manual: --at: \"23/11/2026 07:30\" is not a local "
		 "time"},
		{{"presensi", "calendar", "remove", "--date", "2026-3-20",
		  "--reason", "isbat"},
		 "calendar remove: --date: \"2026-3-20\" is not a date"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cli_args a;
		char err[256] = "";
		int argc = 0;

		while (argc < 12 && rows[i].argv[argc])
			argc++;
		assert_int_equal(
			cli_parse(argc, rows[i].argv, &a, err, sizeof(err)),
			-EINVAL);
		if (!strstr(err, rows[i].err))
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, err,
				 rows[i].err);
	}
}

/* README "The CLI": EINVAL from the daemon is a bad argument (2); every
 * other refusal of a well-formed request is 1. */
static void test_cli_exit_code_of_daemon_errors(void **state)
{
	(void)state;
	assert_int_equal(CLI_EXIT_USAGE, 2);
	assert_int_equal(CLI_EXIT_REFUSED, 1);
	assert_int_equal(cli_exit_for_error("EINVAL"), CLI_EXIT_USAGE);
	assert_int_equal(cli_exit_for_error("ERANGE"), CLI_EXIT_REFUSED);
	assert_int_equal(cli_exit_for_error("EPERM"), CLI_EXIT_REFUSED);
	assert_int_equal(cli_exit_for_error("ENOENT"), CLI_EXIT_REFUSED);
	assert_int_equal(cli_exit_for_error("EEXIST"), CLI_EXIT_REFUSED);
	assert_int_equal(cli_exit_for_error(""), CLI_EXIT_REFUSED);
	assert_int_equal(cli_exit_for_error(NULL), CLI_EXIT_REFUSED);
}

/* One table: every command carries its handler (main.c has no switch). */
static void test_cli_every_command_has_its_handler(void **state)
{
	static const char *const words[] = {
		"person add",
		"person list",
		"person deactivate",
		"person reactivate",
		"person report",
		"person forget-prints",
		"enroll",
		"profile import",
		"profile list",
		"profile show",
		"calendar import",
		"calendar list",
		"calendar add",
		"calendar remove",
		"excuse add",
		"excuse list",
		"excuse revoke",
		"punch manual",
		"punches",
		"status",
		"rekap",
		"ringkas",
		"chain verify",
		"clock set",
		"backup",
		"restore",
		"wait-armed",
	};
	const void *seen[sizeof(words) / sizeof(words[0])];

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char buf[64], *argv[4] = {"presensi"}, *save = NULL;
		struct cli_args a;
		char err[256];
		int argc = 1;

		snprintf(buf, sizeof(buf), "%s", words[i]);
		for (char *w = strtok_r(buf, " ", &save); w;
		     w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		argv[argc++] = "--help";
		assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)),
				 0);
		assert_string_equal(a.cmd->words, words[i]);
		assert_non_null(a.cmd->run);
		seen[i] = (const void *)(uintptr_t)a.cmd->run;
		for (size_t k = 0; k < i; k++)
			assert_ptr_not_equal(seen[k], seen[i]);
	}
}

static void test_cli_profile_import_takes_retroactive_and_reason(void **state)
{
	ARGV("profile", "import", "p.ini", "--from", "2026-11-16",
	     "--retroactive", "--reason", "Perbup 9/2026");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_string_equal(cli_get(&a, "retroactive"), "");
	assert_string_equal(cli_get(&a, "reason"), "Perbup 9/2026");
}

/* Consent is an option of its own: without it the handler shows the
 * text and says how to give it (exit 2), so the parser lets it be absent. */
static void test_cli_enroll_takes_consent(void **state)
{
	ARGV("enroll", "--id", "101", "--finger", "right-index", "--consent",
	     "yes");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_string_equal(cli_get(&a, "consent"), "yes");
	assert_int_equal(cli_parse(argc - 2, argv, &a, err, sizeof(err)), 0);
	assert_null(cli_get(&a, "consent"));
}

static void test_cli_help_skips_required_checks(void **state)
{
	ARGV("excuse", "add", "--help");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_true(a.help);
	assert_string_equal(a.cmd->words, "excuse add");
}

static void test_cli_longest_command_words_win(void **state)
{
	ARGV("chain", "verify");
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(cli_parse(argc, argv, &a, err, sizeof(err)), 0);
	assert_string_equal(a.cmd->words, "chain verify");
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
		cmocka_unit_test(
			test_cli_malformed_dates_and_times_are_bad_arguments),
		cmocka_unit_test(test_cli_exit_code_of_daemon_errors),
		cmocka_unit_test(test_cli_every_command_has_its_handler),
		cmocka_unit_test(
			test_cli_profile_import_takes_retroactive_and_reason),
		cmocka_unit_test(test_cli_enroll_takes_consent),
		cmocka_unit_test(test_cli_help_skips_required_checks),
		cmocka_unit_test(test_cli_longest_command_words_win),
		cmocka_unit_test(test_cli_usage_lists_every_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
