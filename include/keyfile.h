/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device's secret key files (the template and signing keys derive
 * from one; crypto.h).  keyfile.c is their only reader and writer.
 */
#ifndef PRESENSI_KEYFILE_H
#define PRESENSI_KEYFILE_H

#include <stdint.h>

#include "crypto.h"

/*
 * Loads the 32-byte key at path, or creates it when absent: random bytes
 * written to a temp file (mode 0600) in the same directory, fsync, moved
 * into place with link()+unlink() so a key that appeared meanwhile is never
 * replaced (it is loaded instead), then the directory fsynced.  Refuses (and
 * logs why, naming path) a key that is not a regular file (-EINVAL), has the
 * wrong size (-EINVAL) or is accessible by group or others (-EPERM).  Other
 * failures: -errno of the system call. key is set only on success; wipe it with
 * explicit_bzero when done.
 */
int keyfile_load_or_create(const char *path, uint8_t key[CRYPTO_KEY_BYTES]);
/* Loads the key at path under the same rules, never creating one
 * (a backup reads it): -ENOENT when there is none. */
int keyfile_load(const char *path, uint8_t key[CRYPTO_KEY_BYTES]);
/* Writes key as a new key file at path (a restore): mode 0600, through
 * the atomic writer, never replacing one: -EEXIST when path exists.
 * Other failures: -errno. */
int keyfile_install(const char *path, const uint8_t key[CRYPTO_KEY_BYTES]);
/* Seed file at path under the rules of keyfile_load_or_create, then
 * crypto_devkey_from_seed.  Same return codes. */
int keyfile_devkey_load_or_create(const char *path, struct crypto_devkey *out);

#endif /* PRESENSI_KEYFILE_H */
