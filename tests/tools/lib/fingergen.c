// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fingergen.c: synthetic fingerprints.  A concentric ridge carrier whose
 * phase is bent by spiral singularities (each +-atan2 vortex adds one
 * ridge ending or bifurcation: a minutia), cut by a soft oval fingertip.
 * Impressions move, turn and add noise.  Used by tests, bench and demo.
 */
#include "tools/fingergen.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FG_SINGULARITIES 60    /* vortices per finger: ~55 minutiae */
#define FG_SING_MIN_DIST 16.0  /* px between vortices, so pairs stay */
#define FG_SING_TRIES	 2000  /* rejection-sampling budget */
#define FG_PERIOD_MIN	 8.5   /* ridge period, px (500 dpi: ~0.45 mm) */
#define FG_PERIOD_SPAN	 1.0   /* + up to this, px */
#define FG_SHIFT_MAX	 4.0   /* impression shift, +- px */
#define FG_ROT_MAX_DEG	 5.0   /* impression rotation, +- degrees */
#define FG_NOISE_AMP	 24.0  /* grey levels of noise, peak */
#define FG_CONTRAST	 105.0 /* ridge/valley half-swing, grey levels */
#define FG_MASK_EDGE	 0.06  /* soft oval border, fraction of radius */
#define FG_WARPS	 4     /* smooth phase warps: finger-specific flow */
#define FG_WARP_AMP	 5.0   /* rad, peak of each warp */
#define FG_WARP_WAVE	 0.025 /* rad/px, wave number of the warps */
#define FG_PI		 3.14159265358979323846

struct fg_rng {
	uint64_t s;
};

/* splitmix64: tiny, good enough, and the same on every platform. */
static uint64_t fg_next(struct fg_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double fg_unit(struct fg_rng *r)
{
	return (double)(fg_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [-1, 1). */
static double fg_sym(struct fg_rng *r)
{
	return 2.0 * fg_unit(r) - 1.0;
}

struct fg_finger {
	double core_x, core_y; /* carrier centre, px from image centre */
	double squash;	       /* vertical stretch of the carrier rings */
	double period;	       /* ridge period, px */
	double ax, ay;	       /* oval half-axes, px */
	double ox, oy;	       /* oval centre, px from image centre */
	double wk[FG_WARPS], wx[FG_WARPS], wy[FG_WARPS], wp[FG_WARPS];
	/* phase warp: amplitude, wave vector, phase */
	int n; /* vortices used */
	double sx[FG_SINGULARITIES], sy[FG_SINGULARITIES];
	double q[FG_SINGULARITIES]; /* +1 or -1 */
};

static void fg_finger_make(uint32_t seed, int w, int h, struct fg_finger *f)
{
	struct fg_rng r = {.s = 0x5eed0000ULL ^ ((uint64_t)seed << 20) ^ seed};
	int tries = 0;

	fg_next(&r);
	f->ax = (0.36 + 0.07 * fg_unit(&r)) * w;
	f->ay = (0.38 + 0.07 * fg_unit(&r)) * h;
	f->ox = fg_sym(&r) * (0.46 * w - f->ax);
	f->oy = fg_sym(&r) * (0.46 * h - f->ay);
	for (int i = 0; i < FG_WARPS; i++) {
		double a = 2.0 * FG_PI * fg_unit(&r);

		f->wk[i] = FG_WARP_AMP * fg_unit(&r);
		f->wx[i] = FG_WARP_WAVE * cos(a) * (0.5 + fg_unit(&r));
		f->wy[i] = FG_WARP_WAVE * sin(a) * (0.5 + fg_unit(&r));
		f->wp[i] = 2.0 * FG_PI * fg_unit(&r);
	}
	f->core_x = fg_sym(&r) * 0.15 * w;
	f->core_y = -0.05 * h + fg_sym(&r) * 0.12 * h;
	f->squash = 0.8 + 0.2 * fg_unit(&r);
	f->period = FG_PERIOD_MIN + FG_PERIOD_SPAN * fg_unit(&r);
	f->n = 0;
	while (f->n < FG_SINGULARITIES && tries++ < FG_SING_TRIES) {
		double x = fg_sym(&r) * f->ax * 0.85;
		double y = fg_sym(&r) * f->ay * 0.85;
		double q = fg_unit(&r) < 0.5 ? -1.0 : 1.0;
		int ok = (x * x) / (f->ax * f->ax) + (y * y) / (f->ay * f->ay) <
			 0.85 * 0.85;

		for (int i = 0; ok && i < f->n; i++) {
			double dx = x - f->sx[i], dy = y - f->sy[i];

			if (dx * dx + dy * dy <
			    FG_SING_MIN_DIST * FG_SING_MIN_DIST)
				ok = 0;
		}
		if (!ok)
			continue;
		f->sx[f->n] = x;
		f->sy[f->n] = y;
		f->sx[f->n] += f->ox;
		f->sy[f->n] += f->oy;
		f->q[f->n] = q;
		f->n++;
	}
}

/* Grey value of the finger at (x, y), px from the image centre. */
static double fg_finger_grey(const struct fg_finger *f, double x, double y)
{
	double dx = x - f->core_x, dy = (y - f->core_y) * f->squash;
	double ph = 2.0 * FG_PI * sqrt(dx * dx + dy * dy) / f->period;
	double ex = x - f->ox, ey = y - f->oy;
	double e =
		sqrt((ex * ex) / (f->ax * f->ax) + (ey * ey) / (f->ay * f->ay));
	double m;

	if (e >= 1.0)
		return 255.0;
	for (int i = 0; i < f->n; i++)
		ph += f->q[i] * atan2(y - f->sy[i], x - f->sx[i]);
	for (int i = 0; i < FG_WARPS; i++)
		ph += f->wk[i] * sin(f->wx[i] * x + f->wy[i] * y + f->wp[i]);
	m = e < 1.0 - FG_MASK_EDGE ? 1.0 : (1.0 - e) / FG_MASK_EDGE;
	/* Ridge centre where cos(ph) = 1: dark. */
	return 255.0 - m * (255.0 - (128.0 - FG_CONTRAST * cos(ph)));
}

int fingergen_render(uint32_t finger_seed, uint32_t impression_seed,
		     uint8_t *img, int w, int h)
{
	struct fg_finger f;
	struct fg_rng r = {.s = 0x1a9e0000ULL ^
				((uint64_t)impression_seed << 24) ^
				((uint64_t)finger_seed << 2)};
	double sh_x = 0, sh_y = 0, th = 0, noise = 0, c, s;

	if (!img || w < FINGERGEN_MIN_DIM || h < FINGERGEN_MIN_DIM ||
	    w > FINGERGEN_MAX_DIM || h > FINGERGEN_MAX_DIM)
		return -EINVAL;
	fg_finger_make(finger_seed, w, h, &f);
	if (impression_seed != 0) {
		fg_next(&r);
		sh_x = fg_sym(&r) * FG_SHIFT_MAX;
		sh_y = fg_sym(&r) * FG_SHIFT_MAX;
		th = fg_sym(&r) * FG_ROT_MAX_DEG * FG_PI / 180.0;
		noise = FG_NOISE_AMP;
	}
	c = cos(th);
	s = sin(th);
	for (int v = 0; v < h; v++) {
		for (int u = 0; u < w; u++) {
			/* Output pixel back to finger coordinates. */
			double pu = u - w / 2.0 - sh_x;
			double pv = v - h / 2.0 - sh_y;
			double x = c * pu + s * pv, y = -s * pu + c * pv;
			double g = fg_finger_grey(&f, x, y);

			if (noise > 0 && g < 255.0)
				g += noise * (fg_sym(&r) + fg_sym(&r)) / 2.0;
			if (g < 0)
				g = 0;
			if (g > 255)
				g = 255;
			img[(size_t)v * w + u] = (uint8_t)lround(g);
		}
	}
	return 0;
}

int fingergen_write_pgm(const char *path, const uint8_t *img, int w, int h)
{
	char hdr[64];
	int fd, n, rc = 0;
	size_t len = (size_t)w * h, off = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(hdr, sizeof(hdr), "P5\n%d %d\n255\n", w, h);
	if (write(fd, hdr, (size_t)n) != n)
		rc = -EIO;
	while (!rc && off < len) {
		ssize_t k = write(fd, img + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			rc = k < 0 ? -errno : -EIO;
		else
			off += (size_t)k;
	}
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}
