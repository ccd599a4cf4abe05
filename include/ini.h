/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The INI syntax shared by the configuration, rule profiles and holiday
 * calendars: "[section]" lines, "key = value" lines, whole-line comments
 * starting with '#' or ';'.  The parser only tokenises; each caller checks
 * its own keys against a sorted table and reports "file:line: message".
 * Pure: no allocation, no GLib.
 */
#ifndef PRESENSI_INI_H
#define PRESENSI_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define INI_LINE_MAX 1024 /* longest accepted line, bytes */

/* Error collector: every message is "file:line: text\n", appended. */
struct ini_errors {
	char *buf;	  /* caller's buffer, may be NULL (count only) */
	size_t cap;	  /* its size in bytes */
	size_t len;	  /* bytes used so far */
	int count;	  /* errors reported */
	const char *file; /* name used in messages */
};

void ini_errors_init(struct ini_errors *e, const char *file, char *buf,
		     size_t cap);
/* Appends "file:line: message"; line 0 omits the line number. */
void ini_error(struct ini_errors *e, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Called once per "key = value" line. section is "" before the first
 * [section]. Also called with key == NULL for every section header, so a
 * caller can reject unknown sections. Return 0 to go on; any error is
 * reported through ini_error() by the callback itself.
 */
typedef int ini_kv_fn(void *ud, struct ini_errors *e, int line,
		      const char *section, const char *key, const char *value);

/*
 * Reads fp to its end. Syntax errors (missing '=', bad section header,
 * over-long line, invalid UTF-8, a NUL byte) are reported into e; a line
 * in error is skipped whole. Returns 0 when no
 * error was reported (by the parser or the callback), -EINVAL when any was,
 * -EIO on a read error.
 */
int ini_parse(FILE *fp, ini_kv_fn *fn, void *ud, struct ini_errors *e);

/* Value helpers: 0 or -EINVAL; *out set only on success. */
int ini_parse_long(const char *v, long min, long max, long *out);
int ini_parse_bool(const char *v, bool *out);
/* "HH:MM" or "HH:MM:SS" -> seconds after midnight (0..86399; "24:00" ok). */
int ini_parse_hms(const char *v, int32_t *out);
/* Sorted-table keyword lookup (bsearch); returns index or -1. */
int ini_keyword(const char *const *sorted, size_t n, const char *key);
/*
 * A key of [section] that may be given once: looks key up in sorted and
 * records line in line_of[index] (0 = not given yet).  An unknown or
 * repeated key is reported at line and -1 returned; else the index.
 */
int ini_key_once(const char *const *sorted, size_t n, const char *section,
		 const char *key, int *line_of, struct ini_errors *e, int line);

#endif /* PRESENSI_INI_H */
