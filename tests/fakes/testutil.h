/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the tests: temporary directories removed at the
 * end, whole-file reads, and running a program capturing its output.
 */
#ifndef PRESENSI_TESTUTIL_H
#define PRESENSI_TESTUTIL_H

#include <stddef.h>

/* Creates a fresh directory under $TMPDIR (or /tmp); returns a static-free
 * malloc'd path (free with testutil_rmtree_free) or NULL. */
char *testutil_tmpdir(const char *tag);
/* Removes the tree at path, then frees path.  NULL-safe. */
void testutil_rmtree_free(char *path);
/* Reads a whole file; returns a malloc'd NUL-terminated buffer or NULL. */
char *testutil_slurp(const char *path, size_t *len);
/* Writes text to path (truncating); 0 or -errno. */
int testutil_write(const char *path, const char *text);
/*
 * Runs argv (argv[0] a path) with stdin from /dev/null, capturing stdout
 * and stderr together into a malloc'd buffer *out.  Returns the exit code,
 * or 128 + signal, or -errno.
 */
int testutil_run(char *const argv[], char **out);
/* Counts non-overlapping occurrences of needle in hay. */
int testutil_count(const char *hay, const char *needle);

#endif /* PRESENSI_TESTUTIL_H */
