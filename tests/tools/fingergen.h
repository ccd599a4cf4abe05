/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Synthetic fingerprints for tests, benchmarks and the demo: a finger is a
 * seed, an impression is a second seed.  Pure C, deterministic, no GLib.
 * The pictures are made for libfprint's NBIS matcher (mindtct + bozorth3)
 * behind the virtual_image driver: impressions of one finger match each
 * other, impressions of different fingers do not.
 */
#ifndef PRESENSI_TOOLS_FINGERGEN_H
#define PRESENSI_TOOLS_FINGERGEN_H

#include <stddef.h>
#include <stdint.h>

#define FINGERGEN_W	  256 /* default width, px (about 500 dpi, like NIST) */
#define FINGERGEN_H	  360 /* default height, px */
#define FINGERGEN_MIN_DIM 64  /* smallest accepted width or height, px */
#define FINGERGEN_MAX_DIM 2048 /* largest accepted width or height, px */

/*
 * Renders impression impression_seed of finger finger_seed into img (w * h
 * grey bytes, row-major, ridges dark, background white).  Impression 0 is
 * the canonical one (no shift, no rotation, no noise); every other
 * impression is shifted by up to a few pixels, rotated by up to about 5
 * degrees and noisy, all drawn from impression_seed.  The same arguments
 * always give the same bytes.  Returns 0, or -EINVAL when img is NULL or w
 * or h lies outside FINGERGEN_MIN_DIM..FINGERGEN_MAX_DIM.  Thread-safe.
 */
int fingergen_render(uint32_t finger_seed, uint32_t impression_seed,
		     uint8_t *img, int w, int h);

/*
 * Writes img as a binary PGM (P5) to path.  Returns 0 or -errno of the
 * failing call (open, write, close).
 */
int fingergen_write_pgm(const char *path, const uint8_t *img, int w, int h);

#endif /* PRESENSI_TOOLS_FINGERGEN_H */
