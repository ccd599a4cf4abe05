/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Published rules (docs/push.md, "Rules down the same channel"): the
 * statement a publisher, the kabupaten or the kecamatan, signs with its
 * Ed25519 key for a profile or calendar file it publishes, and the check
 * of that signature against the publishers' keys a box pins in
 * presensi.conf ([push] publisher_key).  The statement binds the kind,
 * the day the file takes effect and the SHA-256 of every byte of the
 * file.  Both sides build it with this code: the publisher to sign,
 * presensid to verify.  Pure.
 */
#ifndef PRESENSI_RULESPUB_H
#define PRESENSI_RULESPUB_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

#define RULESPUB_VERSION  1
#define RULESPUB_STMT_MAX 160 /* the statement, with its NUL */
#define RULESPUB_SIG_HEX  (2 * CRYPTO_SIG_BYTES + 1)
#define RULESPUB_KIND_MAX 9 /* "calendar" + NUL */

enum rulespub_kind {
	RULESPUB_PROFILE = 0, /* a rule profile (rules.h) */
	RULESPUB_CALENDAR,    /* a yearly holiday calendar (calendar.h) */
};

/* "profile", "calendar"; NULL for anything else. */
const char *rulespub_kind_name(enum rulespub_kind kind);
/* The kind of a name (exactly as above).  0 or -EINVAL. */
int rulespub_kind_parse(const char *name, enum rulespub_kind *out);

/*
 * The statement of a published file into out:
 *
 *   presensi-rules 1
 *   kind <profile|calendar>
 *   from <YYYY-MM-DD, the day it takes effect>
 *   version <SHA-256 hex of the file's bytes>
 *
 * each line ended by LF.  Returns its length, or -EINVAL for an unknown
 * kind or a from that is not a date.
 */
int rulespub_statement(enum rulespub_kind kind, const char *from,
		       const void *text, size_t len,
		       char out[RULESPUB_STMT_MAX]);
/* The publisher's detached signature of the statement.  0 or -EINVAL. */
int rulespub_sign(const struct crypto_devkey *k, enum rulespub_kind kind,
		  const char *from, const void *text, size_t len,
		  uint8_t sig[CRYPTO_SIG_BYTES]);
/*
 * Checks sig_hex (128 hex digits) against the statement of the file and
 * each of the npks pinned keys.  0 with *which the index of the key that
 * signed it; -EBADMSG when none did; -ENOKEY when no key is pinned;
 * -EINVAL for a signature that is not 128 hex digits, an unknown kind or
 * a bad from.
 */
int rulespub_verify(const uint8_t (*pks)[CRYPTO_PK_BYTES], int npks,
		    enum rulespub_kind kind, const char *from, const void *text,
		    size_t len, const char *sig_hex, int *which);

#endif /* PRESENSI_RULESPUB_H */
