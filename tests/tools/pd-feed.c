/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pd-feed: puts a synthetic finger (or a reader event) on a running
 * presensid's virtual_image reader, paced on the reader's finger-status.
 * For the demo and for trying the appliance by hand.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tools/pdfeed.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: pd-feed --config FILE [--vimage SOCKET] "
		   "[--reader N]\n"
		   "         (--finger N [--impression K] | --retry CODE | "
		   "--error CODE | --unplug)\n"
		   "         [--no-wait] [--enrolment] [--timeout MS]\n"
		   "--enrolment sends only into a running enrolment (exit 3 "
		   "when none runs).\n"
		   "The virtual_image socket defaults to $FP_VIRTUAL_IMAGE.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"vimage", required_argument, NULL, 'v'},
		{"reader", required_argument, NULL, 'r'},
		{"finger", required_argument, NULL, 'f'},
		{"impression", required_argument, NULL, 'i'},
		{"retry", required_argument, NULL, 'R'},
		{"error", required_argument, NULL, 'E'},
		{"unplug", no_argument, NULL, 'U'},
		{"no-wait", no_argument, NULL, 'n'},
		{"enrolment", no_argument, NULL, 'e'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pdfeed f = {.wait_after = 1, .timeout_ms = 30000};
	const char *cpath = NULL;
	static char err[8192];
	struct conf conf;
	int ch, have = 0, rc;

	f.vimage = getenv("FP_VIRTUAL_IMAGE");
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cpath = optarg;
			break;
		case 'v':
			f.vimage = optarg;
			break;
		case 'r':
			f.reader = atoi(optarg);
			break;
		case 'f':
			f.kind = PDFEED_IMAGE;
			f.finger = (uint32_t)strtoul(optarg, NULL, 10);
			have++;
			break;
		case 'i':
			f.impression = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'R':
			f.kind = PDFEED_RETRY;
			f.code = atoi(optarg);
			have++;
			break;
		case 'E':
			f.kind = PDFEED_ERROR;
			f.code = atoi(optarg);
			have++;
			break;
		case 'U':
			f.kind = PDFEED_UNPLUG;
			have++;
			break;
		case 'n':
			f.wait_after = 0;
			break;
		case 'e':
			f.enrolment = 1;
			break;
		case 't':
			f.timeout_ms = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!cpath || have != 1 || !f.vimage || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(cpath, &conf, err, sizeof(err)) < 0) {
		fputs(err, stderr);
		return 1;
	}
	f.ctl = conf.socket_path;
	rc = pdfeed_send(&f);
	if (rc == -ENOENT && f.enrolment)
		return 3;
	if (rc < 0) {
		fprintf(stderr, "pd-feed: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
