/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemonargs.h: the command line the box's daemons (presensid,
 * presensi-push) take alike, and the load of presensi.conf they start
 * with:  --config FILE [--check] [--debug] | --help | --version
 */
#ifndef PRESENSI_DAEMONARGS_H
#define PRESENSI_DAEMONARGS_H

#include <stdio.h>

#include "conf.h"

#define CONF_ERR_MAX 8192 /* every error of one config, one per line */

struct daemon_args {
	const char *config; /* --config FILE */
	int check;	    /* --check: check the config, then exit */
	int debug;	    /* --debug: log to stderr, debug messages too */
};

/*
 * Parses argv into a; prog names the program for --version, usage prints
 * its help.  -1 to go on, else the exit code: 0 after --help or
 * --version, 2 after a bad command line (usage on stderr).
 */
int daemon_args_parse(int argc, char **argv, const char *prog,
		      void (*usage)(FILE *), struct daemon_args *a);

/* conf_load of path into c; its error on stderr as one line.  0, or 1
 * (the exit code of a bad config). */
int daemon_conf_load(const char *path, struct conf *c);

#endif /* PRESENSI_DAEMONARGS_H */
