/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crypto.c: the only libsodium user.  SHA-256 for the ledger chain and file
 * versions, XChaCha20-Poly1305 (AEAD) for templates at rest, sealed to
 * their person and print, secretbox for templates of older stores and for
 * backups, key derivation, the Ed25519 device key that signs bundles, and
 * Argon2id keys from a backup's passphrase.
 */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= CRYPTO_STATE_BYTES,
	       "crypto_sha256_ctx too small for libsodium's state");
_Static_assert(crypto_hash_sha256_BYTES == CRYPTO_SHA256_BYTES, "sha256");
_Static_assert(crypto_secretbox_KEYBYTES == CRYPTO_KEY_BYTES, "key");
_Static_assert(crypto_secretbox_NONCEBYTES == CRYPTO_NONCE_BYTES, "nonce");
_Static_assert(crypto_secretbox_MACBYTES == CRYPTO_MAC_BYTES, "mac");
_Static_assert(crypto_sign_PUBLICKEYBYTES == CRYPTO_PK_BYTES, "pk");
_Static_assert(crypto_sign_SECRETKEYBYTES == CRYPTO_SK_BYTES, "sk");
_Static_assert(crypto_sign_SEEDBYTES == CRYPTO_KEY_BYTES, "seed");
_Static_assert(crypto_sign_BYTES == CRYPTO_SIG_BYTES, "sig");
_Static_assert(crypto_kdf_KEYBYTES == CRYPTO_KEY_BYTES, "kdf");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == CRYPTO_KEY_BYTES,
	       "aead key");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ==
		       CRYPTO_NONCE_BYTES,
	       "aead nonce");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == CRYPTO_MAC_BYTES,
	       "aead tag");

#define KDF_CONTEXT  "presensi" /* libsodium wants exactly 8 bytes */
#define FILE_BUF_LEN 4096	/* read size when hashing files, bytes */

int crypto_init(void)
{
	if (sodium_init() < 0) {
		log_warnx("crypto: libsodium failed to initialise");
		return -EIO;
	}
	return 0;
}

void crypto_sha256(const void *buf, size_t len,
		   uint8_t out[CRYPTO_SHA256_BYTES])
{
	crypto_hash_sha256(out, buf, len);
}

void crypto_sha256_hex(const void *buf, size_t len, char out[PD_HASH_HEX])
{
	uint8_t h[CRYPTO_SHA256_BYTES];

	crypto_hash_sha256(h, buf, len);
	crypto_hex_encode(h, sizeof(h), out);
}

static crypto_hash_sha256_state *state_of(struct crypto_sha256_ctx *c)
{
	return (crypto_hash_sha256_state *)(void *)c->opaque;
}

void crypto_sha256_start(struct crypto_sha256_ctx *c)
{
	crypto_hash_sha256_init(state_of(c));
}

void crypto_sha256_update(struct crypto_sha256_ctx *c, const void *buf,
			  size_t len)
{
	crypto_hash_sha256_update(state_of(c), buf, len);
}

void crypto_sha256_final(struct crypto_sha256_ctx *c,
			 uint8_t out[CRYPTO_SHA256_BYTES])
{
	crypto_hash_sha256_final(state_of(c), out);
	sodium_memzero(c->opaque, sizeof(c->opaque));
}

int crypto_sha256_file(const char *path, char out[PD_HASH_HEX])
{
	struct crypto_sha256_ctx c = {{0}}; /* cppcheck: not read */
	uint8_t h[CRYPTO_SHA256_BYTES];
	unsigned char buf[FILE_BUF_LEN];
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		log_errno(rc, "%s: cannot open", path);
		return rc;
	}
	crypto_sha256_start(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			log_errno(rc, "%s: read failed", path);
			break;
		}
		if (n == 0)
			break;
		crypto_sha256_update(&c, buf, (size_t)n);
	}
	close(fd);
	crypto_sha256_final(&c, h);
	if (rc == 0)
		crypto_hex_encode(h, sizeof(h), out);
	return rc;
}

void crypto_hex_encode(const uint8_t *bin, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int crypto_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool crypto_hex_is_canonical(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == n && s[i] == '\0';
}

int crypto_hex_decode(const char *hex, uint8_t *bin, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (hex[2 * i] == '\0' || hex[2 * i + 1] == '\0')
			return -EINVAL;
		hi = crypto_hex_digit(hex[2 * i]);
		lo = crypto_hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		bin[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * len] == '\0' ? 0 : -EINVAL;
}

int crypto_seal(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t *plain,
		size_t len, uint8_t *out, size_t out_cap)
{
	if (len > SIZE_MAX - CRYPTO_SEAL_OVERHEAD ||
	    out_cap < len + CRYPTO_SEAL_OVERHEAD)
		return -EINVAL;
	randombytes_buf(out, CRYPTO_NONCE_BYTES);
	/* The _easy form writes MAC || ciphertext after the nonce. */
	if (crypto_secretbox_easy(out + CRYPTO_NONCE_BYTES, plain, len, out,
				  key) != 0)
		return -EINVAL;
	return 0;
}

int crypto_unseal(const uint8_t key[CRYPTO_KEY_BYTES], const uint8_t *blob,
		  size_t blob_len, uint8_t *out, size_t out_cap,
		  size_t *out_len)
{
	size_t len;

	if (blob_len < CRYPTO_SEAL_OVERHEAD)
		return -EBADMSG;
	len = blob_len - CRYPTO_SEAL_OVERHEAD;
	if (out_cap < len)
		return -EINVAL;
	if (crypto_secretbox_open_easy(out, blob + CRYPTO_NONCE_BYTES,
				       blob_len - CRYPTO_NONCE_BYTES, blob,
				       key) != 0) {
		sodium_memzero(out, len);
		return -EBADMSG;
	}
	*out_len = len;
	return 0;
}

int crypto_aead_seal(const uint8_t key[CRYPTO_KEY_BYTES], const void *ad,
		     size_t ad_len, const uint8_t *plain, size_t len,
		     uint8_t *out, size_t out_cap)
{
	unsigned long long clen = 0;

	if (len > SIZE_MAX - CRYPTO_AEAD_OVERHEAD ||
	    out_cap < len + CRYPTO_AEAD_OVERHEAD)
		return -EINVAL;
	randombytes_buf(out, CRYPTO_NONCE_BYTES);
	/* combined mode: ciphertext || tag after the nonce */
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(
		    out + CRYPTO_NONCE_BYTES, &clen, plain, len, ad, ad_len,
		    NULL, out, key) != 0)
		return -EINVAL;
	return 0;
}

int crypto_aead_open(const uint8_t key[CRYPTO_KEY_BYTES], const void *ad,
		     size_t ad_len, const uint8_t *blob, size_t blob_len,
		     uint8_t *out, size_t out_cap, size_t *out_len)
{
	unsigned long long mlen = 0;
	size_t len;

	if (blob_len < CRYPTO_AEAD_OVERHEAD)
		return -EBADMSG;
	len = blob_len - CRYPTO_AEAD_OVERHEAD;
	if (out_cap < len)
		return -EINVAL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &mlen, NULL, blob + CRYPTO_NONCE_BYTES,
		    blob_len - CRYPTO_NONCE_BYTES, ad, ad_len, blob,
		    key) != 0) {
		sodium_memzero(out, len);
		return -EBADMSG;
	}
	*out_len = (size_t)mlen;
	return 0;
}

/* What crypto_pw_cost_check allows: Argon2id's floor, and no more than
 * libsodium's "sensitive" cost, whatever a file asks. */
#define PW_OPS_MIN crypto_pwhash_argon2id_OPSLIMIT_MIN
#define PW_OPS_MAX crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE
#define PW_MEM_MIN crypto_pwhash_argon2id_MEMLIMIT_MIN
#define PW_MEM_MAX crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE

_Static_assert(crypto_pwhash_argon2id_SALTBYTES == CRYPTO_PW_SALT_BYTES,
	       "pwhash salt");

void crypto_pw_cost_moderate(struct crypto_pw_cost *c)
{
	c->ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
	c->mem_bytes = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
}

int crypto_pw_cost_check(const struct crypto_pw_cost *c)
{
	if (c->ops < PW_OPS_MIN || c->ops > PW_OPS_MAX ||
	    c->mem_bytes < PW_MEM_MIN || c->mem_bytes > PW_MEM_MAX)
		return -EINVAL;
	return 0;
}

int crypto_pw_key(const void *pass, size_t len,
		  const uint8_t salt[CRYPTO_PW_SALT_BYTES],
		  const struct crypto_pw_cost *c, uint8_t key[CRYPTO_KEY_BYTES])
{
	if (crypto_pw_cost_check(c) != 0 || len == 0 ||
	    len > crypto_pwhash_argon2id_PASSWD_MAX)
		return -EINVAL;
	/* fails only when the memory cannot be allocated */
	if (crypto_pwhash_argon2id(
		    key, CRYPTO_KEY_BYTES, pass, (unsigned long long)len, salt,
		    (unsigned long long)c->ops, (size_t)c->mem_bytes,
		    crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
		sodium_memzero(key, CRYPTO_KEY_BYTES);
		return -ENOMEM;
	}
	return 0;
}

void crypto_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

void crypto_key_derive(const uint8_t master[CRYPTO_KEY_BYTES], uint64_t id,
		       uint8_t out[CRYPTO_KEY_BYTES])
{
	/* Cannot fail for these fixed, valid lengths. */
	(void)crypto_kdf_derive_from_key(out, CRYPTO_KEY_BYTES, id, KDF_CONTEXT,
					 master);
}

void crypto_devkey_from_seed(const uint8_t seed[CRYPTO_KEY_BYTES],
			     struct crypto_devkey *out)
{
	crypto_sign_seed_keypair(out->pk, out->sk, seed);
}

void crypto_devkey_sign(const struct crypto_devkey *k, const void *msg,
			size_t len, uint8_t sig[CRYPTO_SIG_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

int crypto_sig_verify(const uint8_t pk[CRYPTO_PK_BYTES], const void *msg,
		      size_t len, const uint8_t sig[CRYPTO_SIG_BYTES])
{
	if (crypto_sign_verify_detached(sig, msg, len, pk) != 0)
		return -EBADMSG;
	return 0;
}

void crypto_pubkey_hex(const uint8_t pk[CRYPTO_PK_BYTES],
		       char out[CRYPTO_PK_HEX])
{
	crypto_hex_encode(pk, CRYPTO_PK_BYTES, out);
}

void crypto_pubkey_fingerprint(const uint8_t pk[CRYPTO_PK_BYTES],
			       char out[CRYPTO_FPR_MAX])
{
	char hex[PD_HASH_HEX];
	size_t o = 0;

	crypto_sha256_hex(pk, CRYPTO_PK_BYTES, hex);
	for (int i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
}

_Static_assert(CRYPTO_PWHASH_MAX == crypto_pwhash_STRBYTES,
	       "CRYPTO_PWHASH_MAX is libsodium's crypto_pwhash_STRBYTES");

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX])
{
	size_t n = strlen(password);

	if (n == 0 || n > CRYPTO_PASSWORD_MAX)
		return -EINVAL;
	if (crypto_pwhash_str(out, password, n,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -ENOMEM;
	return 0;
}

int crypto_password_verify(const char *hash, const char *password)
{
	size_t n = strlen(password);

	if (n == 0 || n > CRYPTO_PASSWORD_MAX ||
	    strnlen(hash, CRYPTO_PWHASH_MAX) == CRYPTO_PWHASH_MAX)
		return -EACCES;
	return crypto_pwhash_str_verify(hash, password, n) == 0 ? 0 : -EACCES;
}
