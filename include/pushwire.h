/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push's messages on the wire (docs/push.md, "The API exactly"):
 * the JSON body of POST /api/v1/push, the server's answers to it and to
 * POST /api/v1/bundle, and the publications GET /api/v1/rules lists.
 * JSON through json.h.  No GLib, no libsoup (pushhttp.c carries them).
 */
#ifndef PRESENSI_PUSHWIRE_H
#define PRESENSI_PUSHWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "civil.h"
#include "crypto.h"
#include "pd.h"

#define PUSHWIRE_TEXT_MAX 256 /* a reason from the server, with NUL */
#define PUSHWIRE_SIG_HEX  (2 * CRYPTO_SIG_BYTES + 1)

/* What POST /api/v1/push carries: every key, no other. */
struct pushwire_batch {
	const char *device;	/* the device key's fingerprint */
	const char *public_key; /* 64 hex */
	const char *desa;
	int64_t first, last;
	const char *prev, *head; /* 64 hex */
	const char *lines;	 /* the export lines, each ended by CRLF */
	const char *signature;	 /* presensid's, 128 hex */
};
/* The body (JSON, a final newline) into *out (free with free()).  0,
 * -ENOMEM, -EINVAL (a string that is not UTF-8). */
int pushwire_batch_body(const struct pushwire_batch *b, char **out,
			size_t *len);

/*
 * The server's answer: 200 and 409 carry the head it holds (seq, head),
 * every error answer a one-line "error", a bundle's answer its "result".
 * A body that is not such a JSON object still leaves a reason in error:
 * its first line, control characters replaced, cut to fit.
 */
struct pushwire_answer {
	int has_head;		/* seq and head were there and well-formed */
	int64_t seq;		/* the server holds rows 1..seq */
	char head[PD_HASH_HEX]; /* hash of row seq (64 zeros for 0) */
	char error[PUSHWIRE_TEXT_MAX];
	char result[16]; /* "accepted", "duplicate", "refused" */
};
/* 0 when body was a JSON object, -EINVAL when not (error then holds what
 * the body said). */
int pushwire_answer_parse(const char *body, size_t len,
			  struct pushwire_answer *out);

/* One publication of GET /api/v1/rules (rulepub.h's fields, as text). */
struct pushwire_rule {
	int64_t id;
	char kind[16];	/* profile, calendar */
	char scope[16]; /* kabupaten, kecamatan */
	char area[PD_NAME_MAX];
	char name[PD_TEXT_MAX];
	char version[PD_HASH_HEX]; /* SHA-256 of text, as listed */
	char from[CIVIL_DATE_LEN];
	char published[24]; /* YYYY-MM-DDTHH:MM:SSZ */
	char signature[PUSHWIRE_SIG_HEX];
	char *text; /* the file (malloc'd) */
};
struct pushwire_rules {
	char publisher_key[CRYPTO_PK_HEX]; /* the server's, "" if absent */
	char kecamatan[PD_NAME_MAX];
	size_t n;
	struct pushwire_rule *r; /* in the server's (id) order */
};
/*
 * Parses the listing.  A publication with a missing or ill-formed field
 * is not listed and counted in *skipped (NULL: not counted).  0, -ENOMEM,
 * or -EINVAL with why (not the listing's JSON).  Free with
 * pushwire_rules_free.
 */
int pushwire_rules_parse(const char *body, size_t len,
			 struct pushwire_rules *out, size_t *skipped, char *why,
			 size_t cap);
void pushwire_rules_free(struct pushwire_rules *r); /* NULL-safe */

#endif /* PRESENSI_PUSHWIRE_H */
