/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Argument parsing of presensi-kecamatan, as a table: each command's
 * words, options and positional arguments, with help text.
 * "presensi-kecamatan [--db DB] [--kecamatan NAME] <command> [--opt value
 * | --opt=value] [ARG...]"; --db and --kecamatan may also come after the
 * command.  Pure; tested on its own (tests/kecamatan/test_kec_cli.c).
 */
#ifndef PRESENSI_KEC_CLI_H
#define PRESENSI_KEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KEC_CLI_OPTS_MAX 10
#define KEC_CLI_POS_MAX	 512 /* files one import takes */

struct kec_cli_opt {
	const char *name; /* without "--" */
	bool value;	  /* takes a value */
	bool required;
	const char *help;
};

enum kec_verb {
	KEC_INIT = 0,
	KEC_TRUST,
	KEC_KEYS,
	KEC_DESA,
	KEC_IMPORT,
	KEC_LOG,
	KEC_REKAP,
	KEC_CALENDAR_IMPORT,
	KEC_CALENDAR_ADD,
	KEC_CALENDAR_LIST,
	KEC_AUDIT,
	KEC_USER_ADD, /* the server's accounts (kecamatand) */
	KEC_USER_PASSWD,
	KEC_USER_DISABLE,
	KEC_USER_LIST,
	KEC_VERBS,
};

struct kec_cli_cmd {
	enum kec_verb verb;
	const char *words;	/* "calendar import" */
	const char *positional; /* "FILE.zip...", "FILE", or NULL */
	int pos_min, pos_max;	/* how many positionals */
	const char *summary;
	struct kec_cli_opt opts[KEC_CLI_OPTS_MAX];
};

struct kec_cli_args {
	const struct kec_cli_cmd *cmd; /* NULL with help: general help */
	const char *db;		       /* --db, or NULL */
	const char *kecamatan;	       /* --kecamatan, or NULL */
	bool help;
	int npos;
	const char *pos[KEC_CLI_POS_MAX];
	const char *val[KEC_CLI_OPTS_MAX]; /* by option index; NULL unset,
					      "" for a flag given */
};

/* Parses argv.  0, or -EINVAL with a one-line message in err. */
int kec_cli_parse(int argc, char **argv, struct kec_cli_args *out, char *err,
		  size_t cap);
/* The value of option name, or NULL when not given. */
const char *kec_cli_get(const struct kec_cli_args *a, const char *name);
void kec_cli_usage(FILE *f, const struct kec_cli_cmd *cmd); /* NULL: all */

#endif /* PRESENSI_KEC_CLI_H */
