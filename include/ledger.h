/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hash-chained event ledger's pure part: the canonical line of a row
 * and the chain hash.  The canonical line is the row's exact CSV export
 * line (RFC 4180 quoting, fixed column order, UTF-8, no locale):
 *
 *   seq,kind,recorded_utc,person,at_utc,data
 *
 * times as ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (empty when unset), data a
 * "key=value;key=value" string whose values are percent-escaped (% ; = and
 * control characters).  hash = SHA-256(prev_hash_bytes || line_bytes),
 * hex, where prev_hash_bytes are the 32 bytes the previous hash's hex
 * digits encode (not the 64 ASCII digits); the first row's prev_hash is
 * 64 zeros.  The export line of a row is
 * its canonical line followed by ",prev_hash,hash".
 *
 * Format versions (docs/ledger.md has the whole rule).  Rows outlive the
 * program that wrote them: a box in the field keeps rows of every version
 * it ever ran, and the kecamatan re-checks them from the file alone.  So a
 * row says its format: format 1 rows (the first release) have no "v" key;
 * every later row's data begins "v=N;".  The line of a stored row is never
 * re-encoded, only re-read.  To add a kind or a field: bump LEDGER_FORMAT,
 * add the field to the encoder for the new version only (keys are appended,
 * never reordered or renamed), and keep every older version's encoder as
 * it was so that the side-table cross-check of old rows still matches.
 */
#ifndef PRESENSI_LEDGER_H
#define PRESENSI_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"
#include "records.h"

#define LEDGER_KIND_MAX 16
#define LEDGER_DATA_MAX 1024
#define LEDGER_LINE_MAX 1400
#define LEDGER_HASH_ZERO                                                       \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* Kinds, lower case as exported. */
#define LEDGER_PUNCH	  "punch"      /* reader or manual punch */
#define LEDGER_PERSON	  "person"     /* active period opened/closed */
#define LEDGER_PROFILE	  "profile"    /* rule profile imported */
#define LEDGER_CALENDAR	  "calendar"   /* calendar imported / day added */
#define LEDGER_EXCUSE	  "excuse"     /* excuse added */
#define LEDGER_REVOKE	  "revoke"     /* excuse revoked */
#define LEDGER_CHECKPOINT "checkpoint" /* month closed */
#define LEDGER_PRINT	  "print"      /* fingerprint enrolled / deleted */

struct ledger_row {
	int64_t seq;
	char kind[LEDGER_KIND_MAX];
	int64_t recorded_utc; /* when stored, seconds UTC */
	char person[PD_ID_MAX];
	int64_t at_utc; /* the fact's own time (0 = unset) */
	char data[LEDGER_DATA_MAX];
	char prev_hash[PD_HASH_HEX];
	char hash[PD_HASH_HEX];
};

/* Writes the canonical line (no newline).  Returns its length, or
 * -ENAMETOOLONG if it does not fit in cap. */
int ledger_line(const struct ledger_row *r, char *buf, size_t cap);
/* Computes r->hash from r->prev_hash and the canonical line.  0/-errno. */
int ledger_hash(struct ledger_row *r);
/* Recomputes and compares; 0 when r->hash is right, -EBADMSG if not. */
int ledger_check(const struct ledger_row *r);

/* data helpers: append "key=value" (escaped) to data; -ENAMETOOLONG. */
int ledger_data_add(char *data, size_t cap, const char *key, const char *value);
int ledger_data_addf(char *data, size_t cap, const char *key, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
/* Finds key and unescapes its value into out; -ENOENT, -ENAMETOOLONG. */
int ledger_data_get(const char *data, const char *key, char *out, size_t cap);

/* ---- format versions ---- */
#define LEDGER_FORMAT_1	    1 /* first release: no "v" key */
#define LEDGER_FORMAT	    2 /* what this program writes */
#define LEDGER_FORMAT_PRINT 2 /* the first format with "print" rows */
/* A row's format from its data: 1 without a leading "v=" key.  0, or
 * -EINVAL for a malformed version, -ENOTSUP for one newer than
 * LEDGER_FORMAT (a newer program wrote it). */
int ledger_data_format(const char *data, int *fmt);

/*
 * ---- the data of each kind, one encoder per kind ----
 * Used to write a row and, with the row's own format, to cross-check a
 * stored row against its side table.  fmt is LEDGER_FORMAT_1 ..
 * LEDGER_FORMAT.  Each writes d (LEDGER_DATA_MAX) and returns 0, or
 * -EINVAL when a value does not fit or fmt is unknown.
 */
int ledger_punch_data(int fmt, const struct punch *p, char d[LEDGER_DATA_MAX]);
/* action "add" / "reactivate" (day_key "since") or "deactivate" ("until") */
int ledger_person_data(int fmt, const char *action, const char *name,
		       const char *jabatan, const char *day_key, pd_day_t day,
		       const struct actor *by, char d[LEDGER_DATA_MAX]);
/* retro_on: for a retroactive import (DOMAIN §2.3) the local day it was
 * imported, after from, with reason; PD_DAY_OPEN (reason ignored) for an
 * ordinary one.  Retroactive rows exist from format 2 (keys retroactive,
 * on, reason); format 1 with retro_on set is -EINVAL. */
int ledger_profile_data(int fmt, pd_day_t from, const char *version,
			const char *name, const struct actor *by,
			pd_day_t retro_on, const char *reason,
			char d[LEDGER_DATA_MAX]);
int ledger_calendar_data(int fmt, const char *version, const char *name,
			 const struct actor *by, char d[LEDGER_DATA_MAX]);
int ledger_calday_data(int fmt, pd_day_t day, const char *kind,
		       const char *name, const struct actor *by,
		       char d[LEDGER_DATA_MAX]);
/* A holiday removed (action "remove", format 2 on; format 1 is -EINVAL). */
int ledger_calremove_data(int fmt, pd_day_t day, const char *reason,
			  const struct actor *by, char d[LEDGER_DATA_MAX]);
int ledger_excuse_data(int fmt, const struct excuse *e,
		       char d[LEDGER_DATA_MAX]);
int ledger_revoke_data(int fmt, int64_t excuse_id, const char *reason,
		       const struct actor *by, char d[LEDGER_DATA_MAX]);

/*
 * ---- checkpoint (format 2): a month closed (docs/ledger.md) ----
 * person empty, at_utc the closing instant.  The health figures are in the
 * row so that re-exporting a closed month gives the same manifest.
 */
#define LEDGER_MONTH_LEN 8 /* "YYYY-MM" + NUL */
struct ledger_health {
	int64_t uptime_s;	 /* seconds since boot at closing */
	int64_t untrusted;	 /* punches of the month, untrusted clock */
	int64_t reader_errors;	 /* since the previous checkpoint */
	int64_t disk_free_bytes; /* free on the store's file system */
};
struct ledger_checkpoint {
	char month[LEDGER_MONTH_LEN]; /* "YYYY-MM" */
	int auto_close; /* 1: closed by presensid on the configured day */
	struct ledger_health health;
};
/* Keys v month auto uptime untrusted reader_errors disk_free by uid.
 * Format 2 and later only (format 1 had no checkpoint): -EINVAL for
 * format 1, a month that is not YYYY-MM, or a negative figure. */
int ledger_checkpoint_data(int fmt, const struct ledger_checkpoint *c,
			   const struct actor *by, char d[LEDGER_DATA_MAX]);
/* Reads a checkpoint row's data back (any format this program reads).
 * 0, or -EINVAL when a key is missing or malformed, -ENOTSUP for a
 * newer format. */
int ledger_checkpoint_parse(const char *data, struct ledger_checkpoint *c);

/*
 * A fingerprint enrolled (action "enrol", note = the consent text's
 * version) or deleted ("delete", note = why), by its print id in the box,
 * finger and reader model; never the template (docs/ledger.md, "print").
 * -EINVAL for format 1, which had no print rows, or another action.
 */
int ledger_print_data(int fmt, const char *action, int64_t print,
		      const char *finger, const char *model, const char *note,
		      const struct actor *by, char d[LEDGER_DATA_MAX]);

/*
 * Parses an export line back (for the kecamatan side and tests), ended by
 * nothing, LF or CRLF.  Only the canonical spelling is accepted: its first
 * six fields must be exactly ledger_line() of the row (no needless quotes,
 * no leading zeros, an unset time empty), so the bytes a SHA-256 of the
 * file covers are the bytes ledger_check() hashes.  0 or -EINVAL.
 */
int ledger_parse_export(const char *line, struct ledger_row *r);

/* "YYYY-MM-DDTHH:MM:SSZ", or "" for 0.  buf must hold 21 bytes. */
void ledger_iso_utc(int64_t t, char buf[21]);
/* The reverse: exactly "YYYY-MM-DDTHH:MM:SSZ" (a real instant), or ""
 * for 0.  0 or -EINVAL. */
int ledger_iso_parse(const char *s, int64_t *t);

#endif /* PRESENSI_LEDGER_H */
