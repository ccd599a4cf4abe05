/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Argument parsing of the presensi admin CLI, as a table: each command's
 * words, its options (required or not, with or without a value), its
 * positional argument and its help text.  Pure; tested on its own.
 * "presensi [--config FILE] <command words> [--opt value | --opt=value]".
 */
#ifndef PRESENSI_CLI_H
#define PRESENSI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_OPTS_MAX 12

struct cli_opt {
	const char *name; /* without "--" */
	bool value;	  /* takes a value */
	bool required;
	const char *help;
};

enum cli_verb {
	CLI_PERSON_ADD = 0,
	CLI_PERSON_LIST,
	CLI_PERSON_DEACTIVATE,
	CLI_PERSON_REACTIVATE,
	CLI_ENROLL,
	CLI_PROFILE_IMPORT,
	CLI_PROFILE_LIST,
	CLI_PROFILE_SHOW,
	CLI_CALENDAR_IMPORT,
	CLI_CALENDAR_LIST,
	CLI_CALENDAR_ADD,
	CLI_EXCUSE_ADD,
	CLI_EXCUSE_LIST,
	CLI_EXCUSE_REVOKE,
	CLI_PUNCH_MANUAL,
	CLI_PUNCHES,
	CLI_STATUS,
	CLI_REKAP,
	CLI_RINGKAS,
	CLI_CHAIN_VERIFY,
	CLI_CLOCK_SET,
	CLI_WAIT_ARMED,
	CLI_CLOSE, /* bundle_cmds.c: the month's end */
	CLI_EXPORT,
	CLI_VERIFY,
	CLI_DEVICE_KEY,
	CLI_USB_EXPORT,
	CLI_VERBS,
};

struct cli_cmd {
	enum cli_verb verb;
	const char *words;	/* "person add" */
	const char *positional; /* name of the one positional, or NULL */
	const char *summary;
	struct cli_opt opts[CLI_OPTS_MAX];
};

struct cli_args {
	const struct cli_cmd *cmd; /* NULL with help: general help */
	const char *config;	   /* --config, or NULL */
	bool help;		   /* --help given */
	const char *positional;
	const char *val[CLI_OPTS_MAX]; /* by index of cmd->opts; NULL unset;
					  "" for a flag that was given */
};

/*
 * Parses argv (argv[0] is the program).  Returns 0, or -EINVAL with a
 * one-line message in err ("rekap: unknown option --mont").
 */
int cli_parse(int argc, char **argv, struct cli_args *out, char *err,
	      size_t cap);
/* The value of option name, or NULL when not given. */
const char *cli_get(const struct cli_args *a, const char *name);
void cli_usage(FILE *f, const struct cli_cmd *cmd); /* NULL: all commands */

#endif /* PRESENSI_CLI_H */
