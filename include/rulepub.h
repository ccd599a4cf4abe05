/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A published rule file (docs/push.md, "Rules down the same channel"): a
 * profile or calendar the kabupaten, or a camat for their kecamatan,
 * publishes with an effective date, and the statement the server's
 * publisher key signs for it.  The statement names the file by the
 * SHA-256 of its bytes, so the signature covers the text, the date, the
 * scope and the publication's number.  Both sides build it with this
 * code: the kecamatan server to sign, the box to verify against the key
 * it pins.  Pure.
 */
#ifndef PRESENSI_RULEPUB_H
#define PRESENSI_RULEPUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"

#define RULEPUB_VERSION	 1
#define RULEPUB_STMT_MAX 1024	   /* the statement, with its NUL */
#define RULEPUB_TEXT_MAX (1 << 20) /* a published file, bytes */

enum rulepub_kind {
	RULEPUB_PROFILE = 0,
	RULEPUB_CALENDAR,
};

struct rulepub {
	int64_t id;		   /* the publication's number (> 0) */
	enum rulepub_kind kind;	   /* what the file is */
	bool kabupaten;		   /* for every kecamatan, else one */
	char area[PD_NAME_MAX];	   /* the kabupaten's or kecamatan's name */
	char name[PD_TEXT_MAX];	   /* the name in the file */
	char version[PD_HASH_HEX]; /* SHA-256 of the file's bytes, hex */
	pd_day_t from_day;	   /* in force from this local day */
	int64_t published_utc;	   /* when the server signed it */
};

/* "profile" / "calendar"; and back (0 or -EINVAL). */
const char *rulepub_kind_name(enum rulepub_kind kind);
int rulepub_kind_parse(const char *s, enum rulepub_kind *out);

/*
 * The statement of p into out (RULEPUB_STMT_MAX bytes), each line ended
 * by LF:
 *
 *   presensi-rules 1
 *   id <id>
 *   kind <profile|calendar>
 *   scope <kabupaten|kecamatan> <area>
 *   name <name>
 *   version <64 hex>
 *   from <YYYY-MM-DD>
 *   published <YYYY-MM-DDTHH:MM:SSZ>
 *
 * Returns its length, or -EINVAL for an id below 1, an area or name that
 * is empty or holds a control character, a version that is not 64
 * lower-case hex digits, or a statement that does not fit.
 */
int rulepub_statement(const struct rulepub *p, char out[RULEPUB_STMT_MAX]);

#endif /* PRESENSI_RULEPUB_H */
