/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push's own state file (docs/push.md): the head the server
 * acknowledged (row and hash), the closed months it took, its last
 * refusal.  presensi-push keeps it in its own state directory, written
 * whole through the atomic writer after every answer, so a power cut
 * leaves the old state or the new one, and a restart or months offline
 * resume from the acknowledged head.  The box's ledger is never touched.
 *
 * Text, one "key value" per line after the first line
 * "presensi-push-state 1"; unknown keys are errors.
 */
#ifndef PRESENSI_PUSHSTATE_H
#define PRESENSI_PUSHSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "crypto.h"
#include "ledger.h"

#define PUSHSTATE_VERSION   1
#define PUSHSTATE_TEXT_MAX  256 /* a refusal's reason, with NUL */
#define PUSHSTATE_ROWS_MAX  48	/* "first..last" or "bundle YYYY-MM" */
#define PUSHSTATE_HEAD_ZERO LEDGER_HASH_ZERO

struct pushstate {
	char server[CONF_PUSH_URL_MAX];	  /* whose acknowledgements these are */
	char device[CRYPTO_FPR_MAX];	  /* and for which device key */
	int64_t acked;			  /* the server holds rows 1..acked */
	char acked_head[PD_HASH_HEX];	  /* hash of row acked; zeros for 0 */
	int64_t ok_at;			  /* UTC s of the last success; 0 */
	char bundle[LEDGER_MONTH_LEN];	  /* closed months taken up to; "" */
	char refused[PUSHSTATE_TEXT_MAX]; /* the last refusal; "" none */
	int64_t refused_at;		  /* UTC s */
	char refused_rows[PUSHSTATE_ROWS_MAX];
	char bundle_refused[LEDGER_MONTH_LEN]; /* a month's bundle the
						  server refused (422) */
	int64_t rules_after; /* publications handed over up to this id */
};

/* Nothing acknowledged yet. */
void pushstate_init(struct pushstate *s);
/* Reads a state file's text.  0, or -EINVAL with "line N: ..." in why
 * (s then unspecified), -EIO on a read error. */
int pushstate_parse(FILE *fp, struct pushstate *s, char *why, size_t cap);
/* pushstate_parse of the file at path; -ENOENT when there is none (s is
 * then the fresh state), or -errno of fopen. */
int pushstate_load(const char *path, struct pushstate *s, char *why,
		   size_t cap);
/* Writes s to path through the atomic writer, mode 0640.  0 or the
 * atomic writer's -errno. */
int pushstate_save(const char *path, const struct pushstate *s);

#endif /* PRESENSI_PUSHSTATE_H */
