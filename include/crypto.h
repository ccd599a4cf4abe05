/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cryptography of Presensi Desa over libsodium (crypto.c is its only user):
 * SHA-256 for the ledger chain and file versions, AEAD for fingerprint
 * templates at rest (secretbox for those of older stores), key derivation,
 * the device's Ed25519 key that signs the monthly bundle, and Argon2id
 * keys from a passphrase, which seal a backup with secretbox.  Names avoid
 * libsodium's own (crypto_sign, crypto_verify).
 */
#ifndef PRESENSI_CRYPTO_H
#define PRESENSI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"

#define CRYPTO_SHA256_BYTES 32
#define CRYPTO_KEY_BYTES    32 /* secretbox key, key-file size, Ed25519 seed */
#define CRYPTO_NONCE_BYTES  24 /* secretbox (XSalsa20) nonce */
#define CRYPTO_MAC_BYTES    16 /* Poly1305 tag */
/* A sealed blob is nonce || MAC || ciphertext: the plain length plus this. */
#define CRYPTO_SEAL_OVERHEAD (CRYPTO_NONCE_BYTES + CRYPTO_MAC_BYTES)
#define CRYPTO_PK_BYTES	     32	 /* Ed25519 public key */
#define CRYPTO_SK_BYTES	     64	 /* Ed25519 secret key (seed || pk) */
#define CRYPTO_SIG_BYTES     64	 /* Ed25519 detached signature */
#define CRYPTO_PK_HEX	     65	 /* public key as 64 hex digits + NUL */
#define CRYPTO_FPR_MAX	     20	 /* "XXXX-XXXX-XXXX-XXXX" + NUL */
#define CRYPTO_STATE_BYTES   128 /* room for libsodium's SHA-256 state */

/* Sub-keys derived from one device key file (crypto_key_derive). */
#define CRYPTO_SUBKEY_PRINTS 1 /* secretbox key for templates */
#define CRYPTO_SUBKEY_SIGN   2 /* Ed25519 seed of the device key */

/*
 * Initialises libsodium; call once at start-up, before anything else here
 * (safe to call again).  Returns 0, or -EIO if libsodium cannot start.
 */
int crypto_init(void);

/* ---- SHA-256 ---- */
void crypto_sha256(const void *buf, size_t len,
		   uint8_t out[CRYPTO_SHA256_BYTES]);
/* Lower-case hex, 64 digits + NUL. */
void crypto_sha256_hex(const void *buf, size_t len, char out[PD_HASH_HEX]);

/* Incremental hashing, for files and for prev_hash || line.  The state is
 * caller-owned storage (no allocation); start, update any number of times,
 * then final (which wipes the state). */
struct crypto_sha256_ctx {
	_Alignas(16) unsigned char opaque[CRYPTO_STATE_BYTES];
};
void crypto_sha256_start(struct crypto_sha256_ctx *c);
void crypto_sha256_update(struct crypto_sha256_ctx *c, const void *buf,
			  size_t len);
void crypto_sha256_final(struct crypto_sha256_ctx *c,
			 uint8_t out[CRYPTO_SHA256_BYTES]);
/*
 * SHA-256 of a file's bytes, as hex: the version of a profile or calendar
 * file (DOMAIN §8).  Returns 0 or -errno from open/read (logged with the
 * path).
 */
int crypto_sha256_file(const char *path, char out[PD_HASH_HEX]);

/* ---- hex ---- */
/* Writes 2 * len lower-case hex digits and a NUL into out. */
void crypto_hex_encode(const uint8_t *bin, size_t len, char *out);
/* The value 0..15 of one hex digit (either case), or -1. */
int crypto_hex_digit(char ch);
/* Whether s is exactly n lowercase hex digits, as crypto_hex_encode
 * writes them (the canonical form of hashes, keys and tokens). */
bool crypto_hex_is_canonical(const char *s, size_t n);
/* Decodes exactly 2 * len hex digits (either case) followed by NUL into
 * bin; -EINVAL on any other input (bin is then unspecified). */
int crypto_hex_decode(const char *hex, uint8_t *bin, size_t len);

/* ---- secretbox (templates of stores before schema 5) ---- */
/*
 * Encrypts plain (len bytes) with key into out, which must hold
 * len + CRYPTO_SEAL_OVERHEAD bytes: a fresh random nonce, then the MAC and
 * ciphertext.  plain may lie in out, at out + CRYPTO_SEAL_OVERHEAD (sealed
 * in place, as a backup is).  Returns 0, or -EINVAL if out_cap is too
 * small.
 */
int crypto_seal(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t *plain,
		size_t len, uint8_t *out, size_t out_cap);
/*
 * Decrypts a blob made by crypto_seal into out (out_cap >= blob_len -
 * CRYPTO_SEAL_OVERHEAD) and sets *out_len; out may be blob +
 * CRYPTO_SEAL_OVERHEAD (opened in place).  Returns 0, -EBADMSG when the
 * blob was altered, truncated or sealed with another key, -EINVAL when
 * out_cap is too small.  On error out is wiped.
 */
int crypto_unseal(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t *blob,
		  size_t blob_len, uint8_t *out, size_t out_cap,
		  size_t *out_len);

/* ---- AEAD (templates at rest, bound to what they belong to) ---- */
/* A sealed blob is nonce || ciphertext || tag: the plain length plus
 * this (the same as secretbox's). */
#define CRYPTO_AEAD_OVERHEAD (CRYPTO_NONCE_BYTES + CRYPTO_MAC_BYTES)
/*
 * Encrypts plain (len bytes) with key under XChaCha20-Poly1305 (IETF),
 * authenticating ad (ad_len bytes, not stored: the caller gives it again
 * to open) with it, into out, which must hold len + CRYPTO_AEAD_OVERHEAD
 * bytes; the nonce is fresh and random.  0, or -EINVAL if out_cap is too
 * small.
 */
int crypto_aead_seal(const uint8_t key[CRYPTO_KEY_BYTES], const void *ad,
		     size_t ad_len, const uint8_t *plain, size_t len,
		     uint8_t *out, size_t out_cap);
/*
 * Opens a blob made by crypto_aead_seal with the same key and ad into out
 * (out_cap >= blob_len - CRYPTO_AEAD_OVERHEAD) and sets *out_len.  0,
 * -EBADMSG when the blob was altered or truncated, sealed with another
 * key, or with other associated data; -EINVAL when out_cap is too small.
 * On error out is wiped.
 */
int crypto_aead_open(const uint8_t key[CRYPTO_KEY_BYTES], const void *ad,
		     size_t ad_len, const uint8_t *blob, size_t blob_len,
		     uint8_t *out, size_t out_cap, size_t *out_len);

/* ---- passphrase keys (the backup file, include/backupfile.h) ---- */
#define CRYPTO_PW_SALT_BYTES 16 /* Argon2id salt, random per file */
/* What one derivation costs; a backup file records the cost it was made
 * with, so a later program with other defaults still opens it. */
struct crypto_pw_cost {
	uint64_t ops;	    /* passes over the memory (opslimit) */
	uint64_t mem_bytes; /* memory used (memlimit), bytes */
};
/* libsodium's "moderate" Argon2id cost: 3 passes over 256 MiB, about a
 * second on a desktop, a few on a Raspberry Pi. */
void crypto_pw_cost_moderate(struct crypto_pw_cost *c);
/*
 * 0 when c is a cost Argon2id accepts and this program will spend: at
 * least 1 pass and 8 KiB, at most libsodium's "sensitive" 4 passes and
 * 1 GiB, so that a file naming more is refused before any work; else
 * -EINVAL.
 */
int crypto_pw_cost_check(const struct crypto_pw_cost *c);
/*
 * Derives a key from the passphrase pass (len bytes) and salt with
 * Argon2id v1.3 (one lane) at cost c.  May take seconds and
 * c->mem_bytes of memory: never on the daemon's main loop.  0; -EINVAL
 * for a cost out of bounds or an empty passphrase; -ENOMEM when the
 * memory could not be had.  Wipe key when done.
 */
int crypto_pw_key(const void *pass, size_t len,
		  const uint8_t salt[CRYPTO_PW_SALT_BYTES],
		  const struct crypto_pw_cost *c,
		  uint8_t key[CRYPTO_KEY_BYTES]);

/* Fills buf with len random bytes from the kernel's CSPRNG. */
void crypto_random(void *buf, size_t len);

/*
 * Derives a sub-key (CRYPTO_SUBKEY_*) from a master key, so one key file
 * can give both the template key and the signing seed.  Deterministic.
 */
void crypto_key_derive(const uint8_t master[CRYPTO_KEY_BYTES], uint64_t id,
		       uint8_t out[CRYPTO_KEY_BYTES]);

/* ---- Ed25519 device key (signs the monthly bundle) ---- */
struct crypto_devkey {
	uint8_t pk[CRYPTO_PK_BYTES];
	uint8_t sk[CRYPTO_SK_BYTES]; /* wipe with explicit_bzero when done */
};
/* Deterministic keypair from a 32-byte seed (a key file or a sub-key). */
void crypto_devkey_from_seed(const uint8_t seed[CRYPTO_KEY_BYTES],
			     struct crypto_devkey *out);
/* Detached signature of msg. */
void crypto_devkey_sign(const struct crypto_devkey *k, const void *msg,
			size_t len, uint8_t sig[CRYPTO_SIG_BYTES]);
/* 0 when sig is pk's signature of msg, -EBADMSG otherwise. */
int crypto_sig_verify(const uint8_t pk[CRYPTO_PK_BYTES], const void *msg,
		      size_t len, const uint8_t sig[CRYPTO_SIG_BYTES]);
/* Public key as 64 lower-case hex digits. */
void crypto_pubkey_hex(const uint8_t pk[CRYPTO_PK_BYTES],
		       char out[CRYPTO_PK_HEX]);
/* Short fingerprint: the first 16 hex digits of SHA-256(pk), lower case
 * as sha256sum prints them, grouped "xxxx-xxxx-xxxx-xxxx" (DOMAIN §8). */
void crypto_pubkey_fingerprint(const uint8_t pk[CRYPTO_PK_BYTES],
			       char out[CRYPTO_FPR_MAX]);

/* ---- passwords of the kecamatan server's accounts ---- */
#define CRYPTO_PWHASH_MAX   128 /* the hash string with its NUL */
#define CRYPTO_PASSWORD_MAX 128 /* a password, bytes (longer: -EINVAL) */
/*
 * The Argon2id string of password (libsodium's crypto_pwhash_str with its
 * interactive limits: about 64 MiB and a fraction of a second), with its
 * own random salt, into out.  0, -EINVAL (empty or longer than
 * CRYPTO_PASSWORD_MAX), -ENOMEM (the memory could not be had).
 */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX]);
/* 0 when password is the one hash was made from, -EACCES when not (also
 * for a malformed hash or an over-long password). Takes as long as
 * hashing. */
int crypto_password_verify(const char *hash, const char *password);

#endif /* PRESENSI_CRYPTO_H */
