/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backup file of a box (docs/domain.md §6.8): what a dead SD card
 * takes with it and the box cannot make again, sealed with a key derived
 * from a passphrase.  presensid makes it (it alone holds the key file);
 * "presensi restore" opens it on a fresh card.  backupfile.c lays the file
 * out and seals it through crypto.h; the database travels as bytes (the
 * store makes and checks them), so no foreign library is included here.
 *
 * The format, version 1.  Integers are unsigned, big-endian.
 *
 *   offset  size  field
 *   0       8     magic "PDBACKUP"
 *   8       2     format version: 1
 *   10      2     key derivation: 1 = Argon2id v1.3, one lane
 *                 (libsodium crypto_pwhash)
 *   12      4     its passes (opslimit)
 *   16      4     its memory in KiB (memlimit / 1024)
 *   20      16    its salt, random per file
 *   36      8     length L of the sealed part that follows, bytes
 *   44      L     the sealed part: nonce (24) || Poly1305 tag (16) ||
 *                 ciphertext, XSalsa20-Poly1305 (secretbox) under the key
 *                 Argon2id(passphrase, salt) at the cost above
 *
 * The file ends where the sealed part does; a file of another length is
 * refused as truncated or altered before any key is derived, and so is a
 * cost past crypto_pw_cost_check's bounds.  The plain text inside is:
 *
 *   32      SHA-256 of the header (bytes 0..43): the header is bound to
 *           the contents, not only through the key
 *   then four sections, in this order, each a 4-byte tag, an 8-byte
 *   length n and n bytes, and nothing after them:
 *   "META"  text, "key=value" lines: format, desa_id, desa_name,
 *           made_utc, software, schema, ledger_rows, ledger_head,
 *           prints_dropped (a reader ignores keys it does not know)
 *   "CONF"  the configuration file, byte for byte
 *   "KEY "  the device key file: 32 bytes
 *   "DBSQ"  the SQLite database: every table and ledger row, rollback
 *           journal mode, and no fingerprint template (store.h,
 *           store_backup_image)
 *
 * A later version may add sections or change them; it gets a new version
 * number, and this program refuses it (-ENOTSUP) rather than guess.
 */
#ifndef PRESENSI_BACKUPFILE_H
#define PRESENSI_BACKUPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "pd.h"

#define BACKUPFILE_MAGIC      "PDBACKUP"
#define BACKUPFILE_VERSION    1
#define BACKUPFILE_KDF_ARGON2 1
#define BACKUPFILE_HEADER_LEN 44
#define BACKUPFILE_PASS_MIN   12   /* bytes a new backup's passphrase needs */
#define BACKUPFILE_PASS_MAX   1024 /* bytes, at most */
#define BACKUPFILE_CONF_MAX   (256 * 1024) /* a configuration file */
#define BACKUPFILE_SUFFIX     ".pdbak"
#define BACKUPFILE_WHY_MAX    256

/* What the META section says about the box and the copy. */
struct backupfile_meta {
	char desa_id[PD_ID_MAX];
	char desa_name[PD_NAME_MAX];
	int64_t made_utc;	       /* when the copy was made */
	char software[32];	       /* "presensi 0.2.0" */
	int schema;		       /* the database's PRAGMA user_version */
	int64_t ledger_rows;	       /* the ledger's last seq */
	char ledger_head[PD_HASH_HEX]; /* and its hash */
	int64_t prints_dropped;	       /* templates left out of the copy */
};

/* The contents; pointers are borrowed (building) or point into the
 * opened file's buffer (opening). */
struct backupfile_parts {
	struct backupfile_meta meta;
	const uint8_t *conf;
	size_t conf_len;    /* at most BACKUPFILE_CONF_MAX */
	const uint8_t *key; /* CRYPTO_KEY_BYTES */
	const uint8_t *db;
	size_t db_len;
};

struct backupfile;

/*
 * Lays a new file out for parts at cost c, with a fresh salt: the header,
 * and the plain text where it will be sealed.  Nothing is secret yet;
 * backupfile_seal does the slow part.  Free with backupfile_free().
 * 0, -EINVAL (a part missing, too long, or a cost out of bounds),
 * -ENOMEM.
 */
int backupfile_build(const struct backupfile_parts *p,
		     const struct crypto_pw_cost *c, struct backupfile **out);
/*
 * Derives the key from pass (len bytes: BACKUPFILE_PASS_MIN to _MAX) and
 * seals the contents in place.  Seconds of work and the cost's memory:
 * call it off the daemon's main loop (any thread; b is not shared).  0,
 * -EINVAL (a passphrase too short or long, or sealed already), -ENOMEM.
 */
int backupfile_seal(struct backupfile *b, const void *pass, size_t len);
/* The sealed file's bytes, valid until backupfile_free. */
const uint8_t *backupfile_bytes(const struct backupfile *b, size_t *len);
/* Wipes and frees.  NULL-safe. */
void backupfile_free(struct backupfile *b);

/* What the header says, before any key is derived. */
struct backupfile_info {
	int version;
	struct crypto_pw_cost cost;
	uint64_t sealed_len;
};
/*
 * Checks the header of a file's len bytes.  0 with *info; -EINVAL not a
 * backup file (no magic); -ENOTSUP a newer format or an unknown key
 * derivation; -EBADMSG truncated or altered (a length that is not the
 * file's, a cost out of bounds).  why gets one line.
 */
int backupfile_check(const uint8_t *buf, size_t len,
		     struct backupfile_info *info, char *why, size_t cap);
/*
 * Opens the file in buf (len bytes) with pass: checks the header as
 * backupfile_check, derives the key (seconds, the cost's memory), opens
 * the sealed part in place and reads the sections into *out, whose
 * pointers then point into buf.  The caller wipes buf when done (it
 * holds the key file).  0; the codes of backupfile_check; -EBADMSG for a
 * wrong passphrase or an altered sealed part (one cannot be told from the
 * other), or malformed contents; -ENOMEM.  why gets one line.
 */
int backupfile_open(uint8_t *buf, size_t len, const void *pass, size_t pass_len,
		    struct backupfile_parts *out, char *why, size_t cap);

#endif /* PRESENSI_BACKUPFILE_H */
