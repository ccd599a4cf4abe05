/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display width of UTF-8 text, for every aligned text table people read
 * in a terminal (the text rekap, person list, punches list): how many
 * columns a string takes, where to cut it on a character boundary, and a
 * cell padded or cut to an exact width.  Pure: no locale, no allocation,
 * so the same name lines up the same way on every machine.
 */
#ifndef PRESENSI_TEXTWIDTH_H
#define PRESENSI_TEXTWIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Columns s takes in a terminal: 0 for combining marks and other
 * zero-width characters (Unicode Mn, Me, Cf), 2 for East Asian wide and
 * fullwidth characters (including emoji), 1 for anything else.  A byte
 * that does not start a valid UTF-8 sequence counts as one column (a
 * terminal shows it as one replacement character).  s must not be NULL.
 */
size_t textwidth_measure(const char *s);

/*
 * Length in bytes of the longest prefix of s that is at most cols columns
 * wide and ends on a character boundary; zero-width characters after the
 * last character kept stay with it.  Its width goes to *width when width
 * is not NULL.
 */
size_t textwidth_cut(const char *s, size_t cols, size_t *width);

/*
 * Writes s to fp in exactly cols columns: padded with spaces after it (or
 * before it when right is true), or, when wider, cut to cols - 1 columns
 * and ended with "…" (one column), padded if a wide character did not
 * fit.  Errors show in ferror(fp).
 */
void textwidth_put(FILE *fp, const char *s, size_t cols, bool right);

#endif /* PRESENSI_TEXTWIDTH_H */
