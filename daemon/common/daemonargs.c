/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemonargs.c: the box's daemons' shared command line (daemonargs.h).
 */
#include "daemonargs.h"

#include <getopt.h>
#include <string.h>

#include "pd.h"

int daemon_args_parse(int argc, char **argv, const char *prog,
		      void (*usage)(FILE *), struct daemon_args *a)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'n'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt_long(argc, argv, "c:ndhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->config = optarg;
			break;
		case 'n':
			a->check = 1;
			break;
		case 'd':
			a->debug = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, PD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!a->config || optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int daemon_conf_load(const char *path, struct conf *c)
{
	static char err[CONF_ERR_MAX];

	if (conf_load(path, c, err, sizeof(err)) < 0) {
		fputs(err, stderr);
		if (err[0] && err[strlen(err) - 1] != '\n')
			fputc('\n', stderr);
		return 1;
	}
	return 0;
}
