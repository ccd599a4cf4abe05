/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of crypto.c: SHA-256 against published vectors, secretbox
 * sealing and tamper detection, key files (creation, mode, size, refusal)
 * in a temp directory, and the Ed25519 device key against RFC 8032.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto.h"
#include "keyfile.h"
#include "fakes/testutil.h"
#include "log.h"

/* FIPS 180-2 / `printf abc | sha256sum` */
#define SHA_ABC                                                                \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY                                                              \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* RFC 8032 section 7.1, TEST 1 (empty message). */
#define RFC_SEED                                                               \
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC_PK                                                                 \
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC_SIG                                                                \
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"    \
	"fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
/* printf RFC_PK | xxd -r -p | sha256sum, first 16 digits grouped */
#define RFC_FPR "21fe-31df-a154-a261"

static const uint8_t key_a[CRYPTO_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t key_b[CRYPTO_KEY_BYTES] = {8, 7, 6, 5, 4, 3, 2, 1};

static void test_crypto_sha256_known_vectors(void **state)
{
	char hex[PD_HASH_HEX];

	(void)state;
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, SHA_ABC);
	crypto_sha256_hex("", 0, hex);
	assert_string_equal(hex, SHA_EMPTY);
}

static void test_crypto_sha256_incremental_equals_one_shot(void **state)
{
	struct crypto_sha256_ctx c = {{0}}; /* cppcheck: not read */
	uint8_t one[CRYPTO_SHA256_BYTES], inc[CRYPTO_SHA256_BYTES];
	char hex[PD_HASH_HEX];

	(void)state;
	crypto_sha256("abc", 3, one);
	crypto_sha256_start(&c);
	crypto_sha256_update(&c, "a", 1);
	crypto_sha256_update(&c, "", 0);
	crypto_sha256_update(&c, "bc", 2);
	crypto_sha256_final(&c, inc);
	assert_memory_equal(one, inc, sizeof(one));
	crypto_hex_encode(inc, sizeof(inc), hex);
	assert_string_equal(hex, SHA_ABC);
}

static void test_crypto_sha256_file_matches_sha256sum(void **state)
{
	char *dir = testutil_tmpdir("crypto");
	char path[512], hex[PD_HASH_HEX] = "";

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/profile.ini", dir);
	assert_int_equal(testutil_write(path, "abc"), 0);
	assert_int_equal(crypto_sha256_file(path, hex), 0);
	assert_string_equal(hex, SHA_ABC);
	snprintf(path, sizeof(path), "%s/missing.ini", dir);
	assert_int_equal(crypto_sha256_file(path, hex), -ENOENT);
	testutil_rmtree_free(dir);
}

static void test_crypto_hex_is_canonical_only_lowercase_of_length(void **st)
{
	(void)st;
	assert_true(crypto_hex_is_canonical("0a9f", 4));
	assert_true(crypto_hex_is_canonical("", 0));
	assert_false(crypto_hex_is_canonical("0A9f", 4));  /* upper case */
	assert_false(crypto_hex_is_canonical("0a9", 4));   /* short */
	assert_false(crypto_hex_is_canonical("0a9f0", 4)); /* long */
	assert_false(crypto_hex_is_canonical("0a g", 4));
	assert_false(crypto_hex_is_canonical("0a:9f", 5));
}

static void test_crypto_hex_decode_rejects_bad_input(void **state)
{
	static const char *const bad[] = {"", "0", "0g", "001", "0 ", "-1"};
	uint8_t b[1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(crypto_hex_decode(bad[i], b, 1), -EINVAL);
	assert_int_equal(crypto_hex_decode("aF", b, 1), 0);
	assert_int_equal(b[0], 0xaf);
}

static void test_crypto_seal_round_trips_and_hides_plaintext(void **state)
{
	static const uint8_t plain[] = "FPRINT-TEMPLATE-BYTES-0123456789";
	uint8_t box[sizeof(plain) + CRYPTO_SEAL_OVERHEAD];
	uint8_t box2[sizeof(box)];
	uint8_t out[sizeof(plain)];
	size_t n = 0;

	(void)state;
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box, sizeof(box)), 0);
	assert_null(memmem(box, sizeof(box), "TEMPLATE", 8));
	assert_int_equal(
		crypto_unseal(key_a, box, sizeof(box), out, sizeof(out), &n),
		0);
	assert_int_equal(n, sizeof(plain));
	assert_memory_equal(out, plain, sizeof(plain));
	/* a fresh nonce each time: same input, different blob */
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box2, sizeof(box2)),
		0);
	assert_memory_not_equal(box, box2, sizeof(box));
}

static void test_crypto_unseal_tampered_is_ebadmsg(void **state)
{
	static const uint8_t plain[] = "template";
	uint8_t box[sizeof(plain) + CRYPTO_SEAL_OVERHEAD];
	uint8_t out[sizeof(plain)];
	size_t n = 99;

	(void)state;
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box, sizeof(box)), 0);
	/* every byte matters: nonce, MAC and ciphertext */
	for (size_t i = 0; i < sizeof(box); i++) {
		box[i] ^= 0x01;
		assert_int_equal(crypto_unseal(key_a, box, sizeof(box), out,
					       sizeof(out), &n),
				 -EBADMSG);
		box[i] ^= 0x01;
	}
	assert_int_equal(n, 99); /* untouched on failure */
	assert_int_equal(
		crypto_unseal(key_b, box, sizeof(box), out, sizeof(out), &n),
		-EBADMSG);
	assert_int_equal(crypto_unseal(key_a, box, sizeof(box) - 1, out,
				       sizeof(out), &n),
			 -EBADMSG);
	assert_int_equal(crypto_unseal(key_a, box, CRYPTO_SEAL_OVERHEAD - 1,
				       out, sizeof(out), &n),
			 -EBADMSG);
}

static void test_crypto_seal_small_buffers_are_einval(void **state)
{
	static const uint8_t plain[] = "template";
	uint8_t box[sizeof(plain) + CRYPTO_SEAL_OVERHEAD];
	uint8_t out[sizeof(plain)];
	size_t n;

	(void)state;
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box, sizeof(box) - 1),
		-EINVAL);
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box, sizeof(box)), 0);
	assert_int_equal(crypto_unseal(key_a, box, sizeof(box), out,
				       sizeof(out) - 1, &n),
			 -EINVAL);
}

static void test_crypto_aead_binds_its_associated_data(void **state)
{
	static const uint8_t plain[] = "FPRINT-TEMPLATE-BYTES-0123456789";
	static const char ad[] = "print=7;person=101";
	uint8_t box[sizeof(plain) + CRYPTO_AEAD_OVERHEAD];
	uint8_t out[sizeof(plain)];
	size_t n = 99;

	(void)state;
	assert_int_equal(crypto_aead_seal(key_a, ad, strlen(ad), plain,
					  sizeof(plain), box, sizeof(box)),
			 0);
	assert_null(memmem(box, sizeof(box), "TEMPLATE", 8));
	assert_int_equal(crypto_aead_open(key_a, ad, strlen(ad), box,
					  sizeof(box), out, sizeof(out), &n),
			 0);
	assert_int_equal(n, sizeof(plain));
	assert_memory_equal(out, plain, sizeof(plain));
	/* the same blob claimed by another person, or as another print */
	n = 99;
	assert_int_equal(crypto_aead_open(key_a, "print=7;person=102", 18, box,
					  sizeof(box), out, sizeof(out), &n),
			 -EBADMSG);
	assert_int_equal(crypto_aead_open(key_a, "print=8;person=101", 18, box,
					  sizeof(box), out, sizeof(out), &n),
			 -EBADMSG);
	assert_int_equal(n, 99);
	/* another key; every byte altered; short blobs; small buffers */
	assert_int_equal(crypto_aead_open(key_b, ad, strlen(ad), box,
					  sizeof(box), out, sizeof(out), &n),
			 -EBADMSG);
	for (size_t i = 0; i < sizeof(box); i++) {
		box[i] ^= 0x01;
		assert_int_equal(crypto_aead_open(key_a, ad, strlen(ad), box,
						  sizeof(box), out, sizeof(out),
						  &n),
				 -EBADMSG);
		box[i] ^= 0x01;
	}
	assert_int_equal(crypto_aead_open(key_a, ad, strlen(ad), box,
					  CRYPTO_AEAD_OVERHEAD - 1, out,
					  sizeof(out), &n),
			 -EBADMSG);
	assert_int_equal(crypto_aead_open(key_a, ad, strlen(ad), box,
					  sizeof(box), out, sizeof(out) - 1,
					  &n),
			 -EINVAL);
	assert_int_equal(crypto_aead_seal(key_a, ad, strlen(ad), plain,
					  sizeof(plain), box, sizeof(box) - 1),
			 -EINVAL);
	/* a secretbox blob is no AEAD blob */
	assert_int_equal(
		crypto_seal(key_a, plain, sizeof(plain), box, sizeof(box)), 0);
	assert_int_equal(crypto_aead_open(key_a, ad, strlen(ad), box,
					  sizeof(box), out, sizeof(out), &n),
			 -EBADMSG);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_crypto_key_file_created_0600_and_reloaded(void **state)
{
	char *dir = testutil_tmpdir("crypto");
	char path[512];
	uint8_t k1[CRYPTO_KEY_BYTES], k2[CRYPTO_KEY_BYTES];
	uint8_t zero[CRYPTO_KEY_BYTES] = {0};
	struct stat sb;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/device.key", dir);
	assert_int_equal(keyfile_load_or_create(path, k1), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, CRYPTO_KEY_BYTES);
	assert_memory_not_equal(k1, zero, sizeof(k1));
	assert_int_equal(count_entries(dir), 1); /* no temp file left */
	assert_int_equal(keyfile_load_or_create(path, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	testutil_rmtree_free(dir);
}

static void test_crypto_key_file_refused_when_bad(void **state)
{
	static const struct {
		const char *content;
		mode_t mode;
		int want;
	} rows[] = {
		{"short", 0600, -EINVAL},
		{"0123456789abcdef0123456789abcdef!", 0600, -EINVAL},
		{"0123456789abcdef0123456789abcdef", 0640, -EPERM},
		{"0123456789abcdef0123456789abcdef", 0604, -EPERM},
		{"0123456789abcdef0123456789abcdef", 0620, -EPERM},
		{"0123456789abcdef0123456789abcdef", 0400, 0},
		{"0123456789abcdef0123456789abcdef", 0600, 0},
	};
	char *dir = testutil_tmpdir("crypto");
	char path[512];

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/device.key", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t key[CRYPTO_KEY_BYTES] = {0};

		unlink(path);
		assert_int_equal(testutil_write(path, rows[i].content), 0);
		assert_int_equal(chmod(path, rows[i].mode), 0);
		assert_int_equal(keyfile_load_or_create(path, key),
				 rows[i].want);
		if (rows[i].want == 0)
			assert_memory_equal(key, rows[i].content, sizeof(key));
		else
			assert_int_equal(key[0], 0); /* not set on failure */
	}
	/* a directory in the key's place */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	{
		uint8_t key[CRYPTO_KEY_BYTES];

		assert_int_equal(keyfile_load_or_create(path, key), -EINVAL);
	}
	testutil_rmtree_free(dir);
}

static void test_crypto_key_file_missing_dir_is_enoent(void **state)
{
	uint8_t key[CRYPTO_KEY_BYTES];

	(void)state;
	assert_int_equal(keyfile_load_or_create(
				 "/nonexistent-presensi-dir/device.key", key),
			 -ENOENT);
}

/* The backup reads the key file, never making one; the restore installs
 * one, never over another. */
static void test_crypto_key_file_load_and_install(void **state)
{
	char *dir = testutil_tmpdir("crypto");
	char path[512];
	uint8_t k[CRYPTO_KEY_BYTES], back[CRYPTO_KEY_BYTES] = {0};
	struct stat sb;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/device.key", dir);
	assert_int_equal(keyfile_load(path, back), -ENOENT);
	assert_int_equal(count_entries(dir), 0); /* nothing made */
	memset(k, 0x5a, sizeof(k));
	assert_int_equal(keyfile_install(path, k), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(keyfile_load(path, back), 0);
	assert_memory_equal(k, back, sizeof(k));
	memset(k, 0x11, sizeof(k));
	assert_int_equal(keyfile_install(path, k), -EEXIST);
	assert_int_equal(keyfile_load(path, back), 0);
	assert_int_equal(back[0], 0x5a); /* the first one stays */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(keyfile_load(path, back), -EPERM);
	testutil_rmtree_free(dir);
}

static void test_crypto_key_derive_is_deterministic_and_separated(void **state)
{
	uint8_t a1[CRYPTO_KEY_BYTES], a2[CRYPTO_KEY_BYTES];
	uint8_t b[CRYPTO_KEY_BYTES], c[CRYPTO_KEY_BYTES];

	(void)state;
	crypto_key_derive(key_a, CRYPTO_SUBKEY_PRINTS, a1);
	crypto_key_derive(key_a, CRYPTO_SUBKEY_PRINTS, a2);
	crypto_key_derive(key_a, CRYPTO_SUBKEY_SIGN, b);
	crypto_key_derive(key_b, CRYPTO_SUBKEY_PRINTS, c);
	assert_memory_equal(a1, a2, sizeof(a1));
	assert_memory_not_equal(a1, b, sizeof(a1));
	assert_memory_not_equal(a1, c, sizeof(a1));
	assert_memory_not_equal(a1, key_a, sizeof(a1));
}

static void test_crypto_devkey_matches_rfc8032(void **state)
{
	uint8_t seed[CRYPTO_KEY_BYTES], sig[CRYPTO_SIG_BYTES];
	uint8_t want_sig[CRYPTO_SIG_BYTES];
	struct crypto_devkey k;
	char hex[CRYPTO_PK_HEX], fpr[CRYPTO_FPR_MAX];

	(void)state;
	assert_int_equal(crypto_hex_decode(RFC_SEED, seed, sizeof(seed)), 0);
	assert_int_equal(crypto_hex_decode(RFC_SIG, want_sig, sizeof(want_sig)),
			 0);
	crypto_devkey_from_seed(seed, &k);
	crypto_pubkey_hex(k.pk, hex);
	assert_string_equal(hex, RFC_PK);
	crypto_devkey_sign(&k, "", 0, sig);
	assert_memory_equal(sig, want_sig, sizeof(sig));
	assert_int_equal(crypto_sig_verify(k.pk, "", 0, sig), 0);
	crypto_pubkey_fingerprint(k.pk, fpr);
	assert_string_equal(fpr, RFC_FPR);
}

static void test_crypto_sig_verify_altered_is_ebadmsg(void **state)
{
	static const char msg[] = "manifest: desa 3517012001 2026-01";
	uint8_t sig[CRYPTO_SIG_BYTES];
	struct crypto_devkey k, other;

	(void)state;
	crypto_devkey_from_seed(key_a, &k);
	crypto_devkey_from_seed(key_b, &other);
	crypto_devkey_sign(&k, msg, strlen(msg), sig);
	assert_int_equal(crypto_sig_verify(k.pk, msg, strlen(msg), sig), 0);
	assert_int_equal(crypto_sig_verify(k.pk, msg, strlen(msg) - 1, sig),
			 -EBADMSG);
	assert_int_equal(crypto_sig_verify(other.pk, msg, strlen(msg), sig),
			 -EBADMSG);
	sig[10] ^= 0x80;
	assert_int_equal(crypto_sig_verify(k.pk, msg, strlen(msg), sig),
			 -EBADMSG);
}

static void test_crypto_devkey_file_is_stable(void **state)
{
	char *dir = testutil_tmpdir("crypto");
	char path[512];
	struct crypto_devkey k1, k2;
	struct stat sb;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/sign.key", dir);
	assert_int_equal(keyfile_devkey_load_or_create(path, &k1), 0);
	assert_int_equal(keyfile_devkey_load_or_create(path, &k2), 0);
	assert_memory_equal(k1.pk, k2.pk, sizeof(k1.pk));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, CRYPTO_KEY_BYTES); /* the seed only */
	testutil_rmtree_free(dir);
}

/* ---- passphrase keys (backups) ---- */

/* The reference implementation, argon2 (Debian's package, 2017-12-27):
 *   echo -n "sandi rahasia desa" | argon2 "garam-enambelas!" -id -t 2 \
 *       -m 13 -p 1 -l 32 -r
 * libsodium's crypto_pwhash is Argon2id v1.3 with one lane, no secret. */
static void test_crypto_pw_key_matches_the_reference_argon2id(void **state)
{
	static const char pass[] = "sandi rahasia desa";
	struct crypto_pw_cost c = {.ops = 2, .mem_bytes = 8192 * 1024};
	uint8_t key[CRYPTO_KEY_BYTES], salt[CRYPTO_PW_SALT_BYTES];
	char hex[2 * CRYPTO_KEY_BYTES + 1];

	(void)state;
	memcpy(salt, "garam-enambelas!", sizeof(salt));
	assert_int_equal(crypto_pw_key(pass, strlen(pass), salt, &c, key), 0);
	crypto_hex_encode(key, sizeof(key), hex);
	assert_string_equal(hex, "00ee4f033cf56e2706cd66ff188620955e0c1d8050"
				 "b3c1dec51bd24500040faf");
}

static void test_crypto_pw_key_depends_on_pass_salt_and_cost(void **state)
{
	struct crypto_pw_cost c = {.ops = 1, .mem_bytes = 8192};
	uint8_t k1[CRYPTO_KEY_BYTES], k2[CRYPTO_KEY_BYTES];
	uint8_t salt[CRYPTO_PW_SALT_BYTES] = {1, 2, 3};

	(void)state;
	assert_int_equal(crypto_pw_key("abc", 3, salt, &c, k1), 0);
	assert_int_equal(crypto_pw_key("abc", 3, salt, &c, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_int_equal(crypto_pw_key("abd", 3, salt, &c, k2), 0);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	salt[0] = 9;
	assert_int_equal(crypto_pw_key("abc", 3, salt, &c, k2), 0);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	salt[0] = 1;
	c.ops = 2;
	assert_int_equal(crypto_pw_key("abc", 3, salt, &c, k2), 0);
	assert_memory_not_equal(k1, k2, sizeof(k1));
}

/* A file names its own cost: one past what we spend is refused before
 * any work (a crafted file must not take the box's memory). */
static void test_crypto_pw_cost_bounds(void **state)
{
	struct crypto_pw_cost c;
	uint8_t key[CRYPTO_KEY_BYTES], salt[CRYPTO_PW_SALT_BYTES] = {0};

	(void)state;
	crypto_pw_cost_moderate(&c);
	assert_true(c.ops == 3);
	assert_true(c.mem_bytes == 256ull * 1024 * 1024);
	assert_int_equal(crypto_pw_cost_check(&c), 0);
	c = (struct crypto_pw_cost){.ops = 0, .mem_bytes = 8192};
	assert_int_equal(crypto_pw_cost_check(&c), -EINVAL);
	assert_int_equal(crypto_pw_key("a", 1, salt, &c, key), -EINVAL);
	c = (struct crypto_pw_cost){.ops = 5, .mem_bytes = 8192};
	assert_int_equal(crypto_pw_cost_check(&c), -EINVAL);
	c = (struct crypto_pw_cost){.ops = 1, .mem_bytes = 4096};
	assert_int_equal(crypto_pw_cost_check(&c), -EINVAL);
	c = (struct crypto_pw_cost){.ops = 1,
				    .mem_bytes = 1024ull * 1024 * 1024 + 1};
	assert_int_equal(crypto_pw_cost_check(&c), -EINVAL);
	c.mem_bytes = 1024ull * 1024 * 1024;
	assert_int_equal(crypto_pw_cost_check(&c), 0);
}

/* The backup seals and opens its contents where they lie: the plain
 * text at out + CRYPTO_SEAL_OVERHEAD, the blob opened onto itself. */
static void test_crypto_seal_and_unseal_in_place(void **state)
{
	static const char msg[] = "ledger, config and key";
	uint8_t key[CRYPTO_KEY_BYTES] = {7};
	uint8_t buf[CRYPTO_SEAL_OVERHEAD + sizeof(msg)];
	size_t len = 0;

	(void)state;
	memcpy(buf + CRYPTO_SEAL_OVERHEAD, msg, sizeof(msg));
	assert_int_equal(crypto_seal(key, buf + CRYPTO_SEAL_OVERHEAD,
				     sizeof(msg), buf, sizeof(buf)),
			 0);
	assert_memory_not_equal(buf + CRYPTO_SEAL_OVERHEAD, msg, sizeof(msg));
	assert_int_equal(crypto_unseal(key, buf, sizeof(buf),
				       buf + CRYPTO_SEAL_OVERHEAD, sizeof(msg),
				       &len),
			 0);
	assert_int_equal(len, sizeof(msg));
	assert_memory_equal(buf + CRYPTO_SEAL_OVERHEAD, msg, sizeof(msg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_sha256_known_vectors),
		cmocka_unit_test(
			test_crypto_sha256_incremental_equals_one_shot),
		cmocka_unit_test(test_crypto_sha256_file_matches_sha256sum),
		cmocka_unit_test(test_crypto_hex_decode_rejects_bad_input),
		cmocka_unit_test(
			test_crypto_hex_is_canonical_only_lowercase_of_length),
		cmocka_unit_test(
			test_crypto_seal_round_trips_and_hides_plaintext),
		cmocka_unit_test(test_crypto_unseal_tampered_is_ebadmsg),
		cmocka_unit_test(test_crypto_seal_small_buffers_are_einval),
		cmocka_unit_test(test_crypto_aead_binds_its_associated_data),
		cmocka_unit_test(
			test_crypto_key_file_created_0600_and_reloaded),
		cmocka_unit_test(test_crypto_key_file_refused_when_bad),
		cmocka_unit_test(test_crypto_key_file_missing_dir_is_enoent),
		cmocka_unit_test(test_crypto_key_file_load_and_install),
		cmocka_unit_test(
			test_crypto_key_derive_is_deterministic_and_separated),
		cmocka_unit_test(test_crypto_devkey_matches_rfc8032),
		cmocka_unit_test(test_crypto_sig_verify_altered_is_ebadmsg),
		cmocka_unit_test(test_crypto_devkey_file_is_stable),
		cmocka_unit_test(
			test_crypto_pw_key_matches_the_reference_argon2id),
		cmocka_unit_test(
			test_crypto_pw_key_depends_on_pass_salt_and_cost),
		cmocka_unit_test(test_crypto_pw_cost_bounds),
		cmocka_unit_test(test_crypto_seal_and_unseal_in_place),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
