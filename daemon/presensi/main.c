/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi: the admin and report CLI.  Parses argv against the command
 * table (cli.c), loads the configuration and runs the command's handler
 * (commands.c).  Exit codes: 0 done, 1 refused or failed, 2 bad arguments
 * (README "The CLI").
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "conf.h"
#include "log.h"

int main(int argc, char **argv)
{
	static char cerr[8192];
	static struct conf conf;
	struct cli_args a;
	char err[512];
	const char *cpath;

	/* A person reads this: plain "warning: ..." lines, no journald
	 * priority prefixes. */
	log_init(LOG_TO_TTY, 0);
	if (cli_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		fprintf(stderr, "presensi: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	if (a.help) {
		cli_usage(stdout, a.cmd);
		return CLI_EXIT_OK;
	}
	if (a.cmd->no_config)
		return a.cmd->run(NULL, &a);
	cpath = a.config ? a.config : getenv("PRESENSI_CONF");
	if (!cpath || !*cpath)
		cpath = "/etc/presensi/presensi.conf";
	if (conf_load(cpath, &conf, cerr, sizeof(cerr)) < 0) {
		fputs(cerr, stderr);
		return CLI_EXIT_REFUSED;
	}
	return a.cmd->run(&conf, &a);
}
