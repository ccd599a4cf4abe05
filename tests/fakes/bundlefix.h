/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers that take a bundle apart and put it together again, changed:
 * an entry replaced or removed, a ledger row edited or deleted, the
 * manifest re-signed with some key, raw bytes of the archive patched (a
 * NUL in a name, a size that lies).  Used by the bundle's unit tests and
 * the end-to-end tamper tests.  Every function fails the running cmocka
 * test on an unexpected error.
 */
#ifndef PRESENSI_BUNDLEFIX_H
#define PRESENSI_BUNDLEFIX_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "crypto.h"

struct bundlefix {
	size_t n;
	struct {
		char name[BUNDLE_NAME_MAX];
		uint8_t *data;
		size_t len;
	} e[BUNDLE_ENTRIES_MAX];
};

/* Reads every entry of a valid bundle (zip bytes). */
void bundlefix_load(struct bundlefix *f, const void *zip, size_t len);
/* Reads every entry of the bundle file at path. */
void bundlefix_load_file(struct bundlefix *f, const char *path);
void bundlefix_free(struct bundlefix *f);
/* Replaces (or appends) entry name with a copy of data. */
void bundlefix_set(struct bundlefix *f, const char *name, const void *data,
		   size_t len);
void bundlefix_remove(struct bundlefix *f, const char *name);
/* The entry's bytes (NUL-terminated), or NULL. */
const char *bundlefix_get(const struct bundlefix *f, const char *name,
			  size_t *len);
/*
 * ledger.csv with row seq changed by fn (called with the parsed row; the
 * row's hash is NOT recomputed), or removed when fn is NULL.
 */
void bundlefix_ledger_edit(struct bundlefix *f, int64_t seq,
			   void (*fn)(struct ledger_row *r));
/* The entries as they are, zipped (no manifest recomputed). */
void bundlefix_zip(const struct bundlefix *f, uint8_t **zip, size_t *len);
/* A new manifest for the entries (files hashed again, device = key,
 * other fields from the current manifest after edit, when non-NULL, has
 * changed them), signed by key, zipped. */
void bundlefix_resign(const struct bundlefix *f,
		      const struct crypto_devkey *key,
		      void (*edit)(struct bundle_manifest *m), uint8_t **zip,
		      size_t *len);
/* Overwrites the first occurrence of the name from (same length as to)
 * in the archive's local and central headers. */
void bundlefix_patch_name(uint8_t *zip, size_t len, const char *from,
			  const char *to, size_t to_len);
/* Sets the uncompressed size an entry declares, in both headers. */
void bundlefix_patch_size(uint8_t *zip, size_t len, const char *name,
			  uint32_t size);
/* Writes bytes to path (fails the test on error). */
void bundlefix_write_file(const char *path, const void *data, size_t len);

#endif /* PRESENSI_BUNDLEFIX_H */
