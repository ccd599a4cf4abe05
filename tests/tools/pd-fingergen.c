// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pd-fingergen: writes one synthetic fingerprint impression as PGM (or raw
 * grey bytes with --raw) for the demo, for fixtures and for looking at.
 *   pd-fingergen --finger N --impression K --out file.pgm [--raw]
 *                [--width W --height H]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/fingergen.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: pd-fingergen --finger N --impression K --out FILE "
		"[--raw] [--width W] [--height H]\n");
}

static int parse_u32(const char *opt, const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > UINT32_MAX || s[0] == '-') {
		fprintf(stderr, "pd-fingergen: %s: not a number 0..%u: '%s'\n",
			opt, UINT32_MAX, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"finger", required_argument, NULL, 'f'},
		{"impression", required_argument, NULL, 'i'},
		{"out", required_argument, NULL, 'o'},
		{"raw", no_argument, NULL, 'r'},
		{"width", required_argument, NULL, 'W'},
		{"height", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint32_t finger = 0, imp = 0, w = FINGERGEN_W, h = FINGERGEN_H;
	const char *out = NULL;
	int raw = 0, have_finger = 0, c, rc;
	uint8_t *img;

	while ((c = getopt_long(argc, argv, "f:i:o:rW:H:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			if (parse_u32("--finger", optarg, &finger))
				return 2;
			have_finger = 1;
			break;
		case 'i':
			if (parse_u32("--impression", optarg, &imp))
				return 2;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			raw = 1;
			break;
		case 'W':
			if (parse_u32("--width", optarg, &w))
				return 2;
			break;
		case 'H':
			if (parse_u32("--height", optarg, &h))
				return 2;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (!have_finger || !out || optind != argc) {
		usage();
		return 2;
	}
	if (w < FINGERGEN_MIN_DIM || w > FINGERGEN_MAX_DIM ||
	    h < FINGERGEN_MIN_DIM || h > FINGERGEN_MAX_DIM) {
		fprintf(stderr,
			"pd-fingergen: --width/--height: must be %d..%d\n",
			FINGERGEN_MIN_DIM, FINGERGEN_MAX_DIM);
		return 2;
	}
	img = malloc((size_t)w * h);
	if (!img) {
		fprintf(stderr, "pd-fingergen: out of memory\n");
		return 1;
	}
	rc = fingergen_render(finger, imp, img, (int)w, (int)h);
	if (!rc && raw) {
		FILE *f = fopen(out, "wb");

		rc = f ? 0 : -errno;
		if (f && fwrite(img, 1, (size_t)w * h, f) != (size_t)w * h)
			rc = -EIO;
		if (f && fclose(f) != 0 && !rc)
			rc = -errno;
	} else if (!rc) {
		rc = fingergen_write_pgm(out, img, (int)w, (int)h);
	}
	free(img);
	if (rc) {
		fprintf(stderr, "pd-fingergen: %s: %s\n", out, strerror(-rc));
		return 1;
	}
	return 0;
}
