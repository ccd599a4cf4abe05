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

/*
 * Exit codes, the same for every command (README "The CLI"): a bad
 * argument exits 2, whether the CLI or the daemon found it (the daemon
 * answers EINVAL only for a field missing, malformed or out of its fixed
 * bounds); a well-formed request the daemon refused, or a failure, exits 1.
 */
#define CLI_EXIT_OK	 0
#define CLI_EXIT_REFUSED 1
#define CLI_EXIT_USAGE	 2
/* The exit code for a daemon's "err" line with errno name (control.h):
 * CLI_EXIT_USAGE for "EINVAL", CLI_EXIT_REFUSED for any other. */
int cli_exit_for_error(const char *errname);

/* What an option's value must be; checked by cli_parse (exit 2). */
enum cli_type {
	CLI_TEXT = 0, /* any text: valid UTF-8 */
	CLI_DATE,     /* YYYY-MM-DD, a real date */
	CLI_LOCAL,    /* "YYYY-MM-DD HH:MM[:SS]" */
};

struct cli_opt {
	const char *name; /* without "--" */
	bool value;	  /* takes a value */
	bool required;
	const char *help;
	enum cli_type type; /* of the value */
};

struct conf;
struct cli_args;
/* Runs a parsed command with the loaded configuration; returns the exit
 * code.  Handlers live in daemon/presensi/commands.c and, for the
 * month's end, bundle_cmds.c.  conf is NULL for a no_config command. */
typedef int cli_run_fn(const struct conf *conf, const struct cli_args *a);

/* One row of the command table: the only list of commands. */
struct cli_cmd {
	const char *words;	/* "person add" */
	const char *positional; /* name of the one positional, or NULL */
	const char *summary;
	cli_run_fn *run;
	struct cli_opt opts[CLI_OPTS_MAX];
	bool no_config; /* runs without a configuration (verify) */
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
