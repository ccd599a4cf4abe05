/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the bundle module: a bundle made here from a small chain of
 * rows verifies, reads back and is made byte for byte again; each way of
 * damaging one (an entry changed, a row edited or deleted, the manifest
 * edited, another key, a bad name, a zip bomb, a truncated file) is refused
 * by the right check with its reason; two bundles continue or do not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle.h"
#include "calendar.h"
#include "civil.h"
#include "crypto.h"
#include "fakes/bundlefix.h"
#include "fakes/testutil.h"
#include "ledger.h"

#define PROFILE_TEXT  "[profile]\nname = Uji\n"
#define CALENDAR_TEXT "[calendar]\nyear = 2026\n"
#define T_CLOSE	      1796317140 /* 2026-12-03T16:59:00Z */

static struct crypto_devkey key, other;

/* Where the next bundle of the device starts. */
struct chain_state {
	int64_t seq; /* last row so far */
	char head[PD_HASH_HEX];
};

struct fix {
	const char *period;
	int punches;
	int complete;
	int interim_checkpoint; /* an interim bundle wrongly holding one */
};

static void add_row(struct chain_state *cs, char *csv, size_t cap,
		    const char *kind, const char *person, int64_t at,
		    const char *data, struct bundle_manifest *m)
{
	struct ledger_row r;

	memset(&r, 0, sizeof(r));
	r.seq = ++cs->seq;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	r.recorded_utc = at ? at : T_CLOSE - 86400;
	snprintf(r.person, sizeof(r.person), "%s", person);
	r.at_utc = at;
	snprintf(r.data, sizeof(r.data), "%s", data);
	memcpy(r.prev_hash, cs->head, sizeof(r.prev_hash));
	assert_int_equal(ledger_hash(&r), 0);
	memcpy(cs->head, r.hash, sizeof(cs->head));
	assert_true(bundle_ledger_line(&r, csv + strlen(csv),
				       cap - strlen(csv)) > 0);
	m->counts[bundle_kind_index(kind)]++;
	if (m->rows++ == 0) {
		m->first_seq = r.seq;
		memcpy(m->prev_hash, r.prev_hash, sizeof(m->prev_hash));
	}
	m->last_seq = r.seq;
	memcpy(m->head, r.hash, sizeof(m->head));
}

/* A bundle of fx's period continuing cs, signed by k. */
static void make_bundle(const struct fix *fx, struct chain_state *cs,
			const struct crypto_devkey *k, uint8_t **zip,
			size_t *len)
{
	struct bundle_manifest *m = calloc(1, sizeof(*m));
	char csv[64 * 1024] = BUNDLE_LEDGER_HEADER "\r\n",
		      data[LEDGER_DATA_MAX];
	char pver[PD_HASH_HEX], cver[PD_HASH_HEX];
	char pname[BUNDLE_NAME_MAX], cname[BUNDLE_NAME_MAX], why[256];
	struct ledger_checkpoint cp = {.auto_close = 1,
				       .health = {86400, 3, 1, 123456789}};

	assert_non_null(m);
	m->format = BUNDLE_FORMAT;
	snprintf(m->period, sizeof(m->period), "%s", fx->period);
	snprintf(m->desa_id, sizeof(m->desa_id), "3517012001");
	snprintf(m->desa_name, sizeof(m->desa_name), "Sukamaju");
	snprintf(m->kecamatan, sizeof(m->kecamatan), "Pucuk");
	snprintf(m->software, sizeof(m->software), "presensi %s", PD_VERSION);
	crypto_sha256_hex("calendar set", 12, m->calendar_set);
	crypto_sha256_hex(PROFILE_TEXT, strlen(PROFILE_TEXT), pver);
	crypto_sha256_hex(CALENDAR_TEXT, strlen(CALENDAR_TEXT), cver);
	bundle_rules_entry(false, pver, pname);
	bundle_rules_entry(true, cver, cname);
	m->nprofiles = m->ncalendars = 1;
	snprintf(m->profiles[0].file, BUNDLE_NAME_MAX, "%s", pname);
	snprintf(m->profiles[0].name, PD_TEXT_MAX, "Uji");
	memcpy(m->profiles[0].version, pver, PD_HASH_HEX);
	snprintf(m->calendars[0].file, BUNDLE_NAME_MAX, "%s", cname);
	snprintf(m->calendars[0].name, PD_TEXT_MAX, "Libur 2026");
	memcpy(m->calendars[0].version, cver, PD_HASH_HEX);

	add_row(cs, csv, sizeof(csv), "person", "101", 0,
		"v=2;action=add;name=Budi;jabatan=Kaur;since=2026-11-01;"
		"by=root;uid=0",
		m);
	for (int i = 0; i < fx->punches; i++) {
		snprintf(data, sizeof(data),
			 "v=2;day=2026-11-%02d;sec=26000;flags=;source=reader;"
			 "reader=virtual_image/0;clock=ntp;boot=b;mono=%d",
			 i + 2, i);
		add_row(cs, csv, sizeof(csv), "punch", "101",
			T_CLOSE - 86400 * (30 - i), data, m);
	}
	if (fx->complete || fx->interim_checkpoint) {
		snprintf(cp.month, sizeof(cp.month), "%s", fx->period);
		assert_int_equal(ledger_checkpoint_data(
					 2, &cp, ACTOR("presensid", 0), data),
				 0);
		add_row(cs, csv, sizeof(csv), "checkpoint", "", T_CLOSE, data,
			m);
	}
	m->status = fx->complete ? BUNDLE_COMPLETE : BUNDLE_INTERIM;
	m->closed_utc = T_CLOSE;
	m->health = cp.health;
	{
		const struct bundle_entry e[] = {
			{BUNDLE_LEDGER, csv, strlen(csv)},
			{pname, PROFILE_TEXT, strlen(PROFILE_TEXT)},
			{cname, CALENDAR_TEXT, strlen(CALENDAR_TEXT)},
			{BUNDLE_REKAP_CSV, "id,nama\r\n", 9},
			{BUNDLE_REKAP_XLSX, "PK-not-really", 13},
			{BUNDLE_REKAP_HTML, "<html></html>\n", 14},
		};

		if (bundle_write(m, e, sizeof(e) / sizeof(e[0]), k, zip, len,
				 why, sizeof(why)) != 0)
			fail_msg("bundle_write: %s", why);
	}
	free(m);
}

static void make_default(uint8_t **zip, size_t *len)
{
	struct chain_state cs = {0, LEDGER_HASH_ZERO};
	struct fix fx = {"2026-11", 5, 1, 0};

	make_bundle(&fx, &cs, &key, zip, len);
}

/* Collects the check lines of a verify run. */
struct run {
	int n;
	bool ok[BUNDLE_CHECKS + 1];
	char last_why[BUNDLE_WHY_MAX];
	enum bundle_check failed;
};

static void on_check(void *ud, enum bundle_check c, bool ok, const char *d)
{
	struct run *r = ud;

	assert_int_equal(c, r->n + 1); /* in order, none skipped */
	r->ok[c] = ok;
	r->n++;
	if (!ok) {
		r->failed = c;
		snprintf(r->last_why, sizeof(r->last_why), "%s", d);
	}
}

static int verify_mem(const uint8_t *zip, size_t len, struct run *r)
{
	char why[BUNDLE_WHY_MAX];
	struct bundle *b;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = bundle_open_mem(zip, len, &b, why, sizeof(why));
	on_check(r, BUNDLE_CHECK_ARCHIVE, rc == 0, why);
	if (rc)
		return rc;
	rc = bundle_verify(b, on_check, r);
	bundle_close(b);
	return rc;
}

/* zip fails check c with a reason holding want. */
static void expect_fail(const uint8_t *zip, size_t len, enum bundle_check c,
			const char *want)
{
	struct run r;

	assert_int_equal(verify_mem(zip, len, &r), -EBADMSG);
	if (r.failed != c || !strstr(r.last_why, want))
		fail_msg("expected %s failing with \"%s\"; got %s: %s",
			 bundle_check_name(c), want,
			 bundle_check_name(r.failed), r.last_why);
	assert_int_equal(r.n, c); /* stopped at the failure */
}

static int setup(void **state)
{
	uint8_t seed[CRYPTO_KEY_BYTES] = {1, 2, 3};

	(void)state;
	if (crypto_init() < 0)
		return -1;
	crypto_devkey_from_seed(seed, &key);
	seed[0] = 9;
	crypto_devkey_from_seed(seed, &other);
	return 0;
}

static void test_bundle_made_here_verifies_all_seven_checks(void **state)
{
	uint8_t *zip;
	size_t len;
	struct run r;

	(void)state;
	make_default(&zip, &len);
	assert_int_equal(verify_mem(zip, len, &r), 0);
	assert_int_equal(r.n, BUNDLE_CHECKS);
	for (int c = 1; c <= BUNDLE_CHECKS; c++)
		assert_true(r.ok[c]);
	free(zip);
}

static void test_bundle_same_input_gives_same_bytes(void **state)
{
	uint8_t *a, *b;
	size_t la, lb;

	(void)state;
	make_default(&a, &la);
	make_default(&b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

static void
test_bundle_manifest_and_signature_are_the_last_entries(void **state)
{
	char why[BUNDLE_WHY_MAX];
	struct bundle *b;
	uint8_t *zip;
	size_t len, n;

	(void)state;
	make_default(&zip, &len);
	assert_int_equal(bundle_open_mem(zip, len, &b, why, sizeof(why)), 0);
	n = bundle_entry_count(b);
	assert_int_equal(n, 8);
	assert_string_equal(bundle_entry_name(b, 0), BUNDLE_LEDGER);
	assert_string_equal(bundle_entry_name(b, n - 2), BUNDLE_MANIFEST);
	assert_string_equal(bundle_entry_name(b, n - 1), BUNDLE_SIGNATURE);
	assert_null(bundle_entry_name(b, n));
	bundle_close(b);
	free(zip);
}

static void test_bundle_manifest_is_sorted_two_space_json(void **state)
{
	struct bundlefix f;
	const char *json;
	uint8_t *zip;
	size_t len;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	json = bundlefix_get(&f, BUNDLE_MANIFEST, NULL);
	assert_non_null(json);
	assert_int_equal(strncmp(json, "{\n  \"calendar_set\": \"", 21), 0);
	assert_non_null(strstr(json, "\n  \"closed_utc\": "
				     "\"2026-12-03T16:59:00Z\",\n"));
	assert_non_null(strstr(json, "\n  \"counts\": {\n    \"calendar\": 0,\n"
				     "    \"checkpoint\": 1,\n"));
	assert_non_null(strstr(json, "\n  \"format\": 1,\n"));
	assert_non_null(strstr(json, "\n    \"disk_free\": 123456789,\n"));
	assert_non_null(strstr(json, "\n  \"status\": \"complete\"\n}\n"));
	/* keys in byte order at the top level */
	assert_true(strstr(json, "\"calendars\"") < strstr(json, "\"counts\""));
	assert_true(strstr(json, "\"profiles\"") <
		    strstr(json, "\"software\""));
	bundlefix_free(&f);
	free(zip);
}

static int note_row(void *ud, const struct ledger_row *r)
{
	int64_t *last = ud;

	assert_int_equal(r->seq, *last + 1);
	*last = r->seq;
	return 0;
}

static void test_bundle_ledger_each_hands_over_every_row(void **state)
{
	char why[BUNDLE_WHY_MAX];
	struct bundle *b;
	const struct bundle_manifest *m;
	int64_t last = 0;
	uint8_t *zip;
	size_t len;

	(void)state;
	make_default(&zip, &len);
	assert_int_equal(bundle_open_mem(zip, len, &b, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(b, &m, why, sizeof(why)), 0);
	assert_int_equal(
		bundle_ledger_each(b, note_row, &last, why, sizeof(why)), 0);
	assert_int_equal(last, m->last_seq);
	assert_int_equal(m->rows, 7); /* person, 5 punches, checkpoint */
	assert_int_equal(m->counts[bundle_kind_index("punch")], 5);
	assert_int_equal(m->status, BUNDLE_COMPLETE);
	assert_string_equal(m->kecamatan, "Pucuk");
	bundle_close(b);
	free(zip);
}

/* ---- tampering ---- */

static void later_punch(struct ledger_row *r)
{
	r->at_utc += 3600; /* an hour later: no longer late */
	assert_non_null(strstr(r->data, "sec=26000"));
	memcpy(strstr(r->data, "sec=26000"), "sec=29600", 9);
}

static void test_bundle_edited_punch_fails_files_or_chain(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	bundlefix_ledger_edit(&f, 3, later_punch);
	/* as is: the manifest's hash of ledger.csv no longer matches */
	bundlefix_zip(&f, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_FILES,
		    "ledger.csv does not match its SHA-256");
	free(bad);
	/* re-signed (only the key's holder can): the chain still breaks */
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_CHAIN,
		    "row 3: hash does not match the row");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void relink(struct ledger_row *r)
{
	/* whoever edits a row can recompute its hash, not the next row's
	 * prev_hash without rehashing everything after it */
	assert_int_equal(ledger_hash(r), 0);
}

static void test_bundle_rehashed_row_does_not_link(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	bundlefix_ledger_edit(&f, 3, later_punch);
	bundlefix_ledger_edit(&f, 3, relink);
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_CHAIN,
		    "row 4 does not link: its prev_hash is not the hash of "
		    "row 3");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_deleted_row_is_missing(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	bundlefix_ledger_edit(&f, 4, NULL);
	bundlefix_zip(&f, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_FILES, "ledger.csv");
	free(bad);
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_CHAIN,
		    "row 4 missing (next row is 5)");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_edited_manifest_fails_the_signature(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;
	char *json;
	const char *old;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	old = bundlefix_get(&f, BUNDLE_MANIFEST, &blen);
	json = strdup(old);
	assert_non_null(json);
	/* three reader errors become none */
	assert_non_null(strstr(json, "\"untrusted\": 3"));
	memcpy(strstr(json, "\"untrusted\": 3"), "\"untrusted\": 0", 14);
	bundlefix_set(&f, BUNDLE_MANIFEST, json, strlen(json));
	free(json);
	bundlefix_zip(&f, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_SIGNATURE,
		    "signature of manifest.json");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_signed_by_another_key(void **state)
{
	struct bundle_manifest *m = calloc(1, sizeof(*m));
	const struct bundle_manifest *got;
	struct bundlefix f;
	struct bundle *b;
	char why[BUNDLE_WHY_MAX], fpr[CRYPTO_FPR_MAX], *json;
	char sighex[2 * CRYPTO_SIG_BYTES + 2];
	uint8_t *zip, *bad, sig[CRYPTO_SIG_BYTES];
	size_t len, blen, jlen;
	struct run r;
	const char *old;

	(void)state;
	assert_non_null(m);
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	/* 1. another key signs a manifest that keeps the device's id but
	 * names the other public key: the id is not its fingerprint */
	old = bundlefix_get(&f, BUNDLE_MANIFEST, &jlen);
	assert_int_equal(bundle_manifest_decode(old, jlen, m, why, sizeof(why)),
			 0);
	crypto_pubkey_hex(other.pk, m->public_key);
	assert_int_equal(bundle_manifest_encode(m, &json, &jlen), 0);
	crypto_devkey_sign(&other, json, jlen, sig);
	crypto_hex_encode(sig, sizeof(sig), sighex);
	strcat(sighex, "\n");
	bundlefix_set(&f, BUNDLE_MANIFEST, json, jlen);
	bundlefix_set(&f, BUNDLE_SIGNATURE, sighex, strlen(sighex));
	free(json);
	bundlefix_zip(&f, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_MANIFEST,
		    "is not the fingerprint of device.public_key");
	free(bad);
	/* 2. the device's own manifest signed by another key */
	bundlefix_free(&f);
	bundlefix_load(&f, zip, len);
	old = bundlefix_get(&f, BUNDLE_MANIFEST, &jlen);
	crypto_devkey_sign(&other, old, jlen, sig);
	crypto_hex_encode(sig, sizeof(sig), sighex);
	strcat(sighex, "\n");
	bundlefix_set(&f, BUNDLE_SIGNATURE, sighex, strlen(sighex));
	bundlefix_zip(&f, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_SIGNATURE,
		    "signature of manifest.json");
	free(bad);
	/* 3. re-signed whole, consistently: verify checks one file and
	 * passes; the device is another one, which the kecamatan's trust
	 * check (key registered for the desa) refuses */
	bundlefix_resign(&f, &other, NULL, &bad, &blen);
	assert_int_equal(verify_mem(bad, blen, &r), 0);
	assert_int_equal(bundle_open_mem(bad, blen, &b, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(b, &got, why, sizeof(why)), 0);
	crypto_pubkey_fingerprint(key.pk, fpr);
	assert_string_not_equal(got->device_id, fpr);
	crypto_pubkey_fingerprint(other.pk, fpr);
	assert_string_equal(got->device_id, fpr);
	bundle_close(b);
	free(bad);
	bundlefix_free(&f);
	free(zip);
	free(m);
}

static void test_bundle_truncated_archive_is_damaged(void **state)
{
	uint8_t *zip;
	size_t len;

	(void)state;
	make_default(&zip, &len);
	expect_fail(zip, len / 2, BUNDLE_CHECK_ARCHIVE, "damaged archive");
	expect_fail(zip, len - 1, BUNDLE_CHECK_ARCHIVE, "damaged archive");
	expect_fail(zip, 10, BUNDLE_CHECK_ARCHIVE, "too short");
	free(zip);
}

static void test_bundle_entry_names_outside_the_table_are_refused(void **state)
{
	static const struct {
		const char *name, *why;
	} bad[] = {
		{"../ledger.csv", "holds \"..\""},
		{"rules/../../etc/passwd", "holds \"..\""},
		{"/etc/passwd", "is absolute"},
		{"rules\\profile-0123456789abcdef.ini", "holds a backslash"},
		{"notes.txt", "is not part of a bundle"},
		{"fingerprints.bin", "is not part of a bundle"},
		{"rules/profile-0123.ini", "is not part of a bundle"},
		{"rules/profile-0123456789ABCDEF.ini",
		 "is not part of a bundle"},
		{"rules/", "is not part of a bundle"},
	};
	struct bundlefix f;
	uint8_t *zip, *badzip;
	size_t len, blen;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bundlefix_set(&f, bad[i].name, "x", 1);
		bundlefix_zip(&f, &badzip, &blen);
		expect_fail(badzip, blen, BUNDLE_CHECK_ARCHIVE, bad[i].why);
		free(badzip);
		bundlefix_remove(&f, bad[i].name);
	}
	/* a NUL inside a name, which libzip would cut short */
	bundlefix_set(&f, "rekap.csvX", "x", 1);
	bundlefix_zip(&f, &badzip, &blen);
	bundlefix_patch_name(badzip, blen, "rekap.csvX", "rekap.csv", 10);
	expect_fail(badzip, blen, BUNDLE_CHECK_ARCHIVE, "holds a NUL byte");
	free(badzip);
	bundlefix_remove(&f, "rekap.csvX");
	/* the same name twice */
	bundlefix_set(&f, "rekap.csx", "x", 1);
	bundlefix_zip(&f, &badzip, &blen);
	bundlefix_patch_name(badzip, blen, "rekap.csx", "rekap.csv", 9);
	expect_fail(badzip, blen, BUNDLE_CHECK_ARCHIVE, "rekap.csv");
	free(badzip);
	bundlefix_remove(&f, "rekap.csx");
	/* a fixed entry missing */
	bundlefix_remove(&f, BUNDLE_REKAP_XLSX);
	bundlefix_zip(&f, &badzip, &blen);
	expect_fail(badzip, blen, BUNDLE_CHECK_ARCHIVE,
		    "entry \"rekap.xlsx\" is missing");
	free(badzip);
	bundlefix_free(&f);
	free(zip);
}

static void zip_of(const struct bundle_entry *e, size_t n, uint8_t **zip,
		   size_t *len)
{
	char why[BUNDLE_WHY_MAX];

	if (bundle_zip(e, n, T_CLOSE, zip, len, why, sizeof(why)) != 0)
		fail_msg("bundle_zip: %s", why);
}

static void test_bundle_more_than_64_entries_are_refused(void **state)
{
	struct bundle_entry e[BUNDLE_ENTRIES_MAX + 1];
	char names[BUNDLE_ENTRIES_MAX + 1][BUNDLE_NAME_MAX];
	uint8_t *zip;
	size_t len;

	(void)state;
	for (int i = 0; i <= BUNDLE_ENTRIES_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "rules/profile-%016x.ini",
			 i);
		e[i] = (struct bundle_entry){names[i], "x", 1};
	}
	zip_of(e, BUNDLE_ENTRIES_MAX + 1, &zip, &len);
	expect_fail(zip, len, BUNDLE_CHECK_ARCHIVE, "65 entries, more than 64");
	free(zip);
}

static void test_bundle_zip_bombs_are_refused_before_decompressing(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad, *zeros;
	size_t len, blen, big = 8u << 20;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	/* a tiny entry that declares 2 GiB */
	bundlefix_zip(&f, &bad, &blen);
	bundlefix_patch_size(bad, blen, BUNDLE_REKAP_HTML, 0x7fffffffu);
	expect_fail(bad, blen, BUNDLE_CHECK_ARCHIVE,
		    "declares 2147483647 bytes, more than 64 MiB");
	free(bad);
	/* 8 MiB of zeros deflate about a thousandfold */
	zeros = calloc(1, big);
	assert_non_null(zeros);
	bundlefix_set(&f, BUNDLE_REKAP_HTML, zeros, big);
	free(zeros);
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_ARCHIVE,
		    "compression ratio over 200");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_entry_that_lies_about_its_size_is_damaged(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;
	struct run r;

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	bundlefix_zip(&f, &bad, &blen);
	/* rekap.html is 14 bytes; it now claims 10 */
	bundlefix_patch_size(bad, blen, BUNDLE_REKAP_HTML, 10);
	assert_int_equal(verify_mem(bad, blen, &r), -EBADMSG);
	assert_true(r.failed == BUNDLE_CHECK_ARCHIVE ||
		    r.failed == BUNDLE_CHECK_FILES);
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void mark_complete(struct bundle_manifest *m)
{
	m->status = BUNDLE_COMPLETE;
}

static void mark_october(struct bundle_manifest *m)
{
	snprintf(m->period, sizeof(m->period), "2026-10");
}

static void one_more_punch(struct bundle_manifest *m)
{
	m->counts[bundle_kind_index("punch")]++;
}

static void hide_untrusted(struct bundle_manifest *m)
{
	m->health.untrusted = 0;
}

/* A bundle made by fx, then re-signed after edit: fails check 6. */
static void expect_counts_fail(const struct fix *fx,
			       void (*edit)(struct bundle_manifest *m),
			       const char *want)
{
	struct chain_state cs = {0, LEDGER_HASH_ZERO};
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;

	make_bundle(fx, &cs, &key, &zip, &len);
	bundlefix_load(&f, zip, len);
	bundlefix_resign(&f, &key, edit, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_COUNTS, want);
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_counts_and_the_checkpoint_of_the_period(void **state)
{
	struct fix interim = {"2026-11", 3, 0, 0};
	struct fix complete = {"2026-11", 3, 1, 0};
	struct fix bad_interim = {"2026-11", 3, 0, 1};
	struct chain_state cs = {0, LEDGER_HASH_ZERO};
	uint8_t *zip;
	size_t len;
	struct run r;

	(void)state;
	/* an interim bundle without a checkpoint verifies */
	make_bundle(&interim, &cs, &key, &zip, &len);
	assert_int_equal(verify_mem(zip, len, &r), 0);
	free(zip);
	expect_counts_fail(&interim, mark_complete,
			   "a complete bundle must end with the checkpoint of "
			   "2026-11; row 4 is not");
	expect_counts_fail(&complete, mark_october,
			   "must end with the checkpoint of 2026-10");
	expect_counts_fail(&complete, one_more_punch,
			   "3 punch rows, the manifest counts 4");
	expect_counts_fail(&complete, hide_untrusted,
			   "closed_utc and health are not those of the "
			   "checkpoint row 5");
	expect_counts_fail(&bad_interim, NULL,
			   "an interim bundle holds the checkpoint of 2026-11");
}

static void test_bundle_rules_must_hash_to_their_versions(void **state)
{
	struct bundlefix f;
	uint8_t *zip, *bad;
	size_t len, blen;
	char name[BUNDLE_NAME_MAX];

	(void)state;
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	/* the profile's text changed (files re-hashed and re-signed): it is
	 * no longer the version the rekap was judged with */
	for (size_t i = 0; i < f.n; i++)
		if (strncmp(f.e[i].name, BUNDLE_PROFILE_ENTRY,
			    strlen(BUNDLE_PROFILE_ENTRY)) == 0)
			snprintf(name, sizeof(name), "%s", f.e[i].name);
	bundlefix_set(&f, name, "[profile]\nname = Lain\n", 22);
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_RULES,
		    "does not hash to its version");
	free(bad);
	bundlefix_free(&f);
	/* a rules file no profile or calendar names */
	bundlefix_load(&f, zip, len);
	bundlefix_set(&f, "rules/calendar-00000000000000aa.ini", "x", 1);
	bundlefix_resign(&f, &key, NULL, &bad, &blen);
	expect_fail(bad, blen, BUNDLE_CHECK_RULES,
		    "rules/calendar-00000000000000aa.ini is named by no");
	free(bad);
	bundlefix_free(&f);
	free(zip);
}

static void test_bundle_manifest_decode_is_strict(void **state)
{
	static const struct {
		const char *from, *to, *why;
	} edits[] = {
		{"\"format\": 1", "\"format\": 2", "format 2 is not 1"},
		{"\"format\": 1", "\"format\": \"1\"", "format: not a whole"},
		{"\"status\": \"complete\"", "\"status\": \"done\"",
		 "neither complete nor interim"},
		{"\"period\": \"2026-11\"", "\"period\": \"2026-13\"",
		 "not a month"},
		{"\"kecamatan\": \"Pucuk\"", "\"kecamatan\": 7",
		 "kecamatan: not a string"},
		{"\"kecamatan\": \"Pucuk\"", "\"kecamatn\": \"Pucuk\"",
		 "key \"kecamatan\" is missing"},
		{"\"software\"", "\"extra\": 1,\n  \"software\"",
		 "holds a key that is not in docs/bundle.md"},
		{"\"rows\": 7", "\"rows\": 8",
		 "is not last_seq - first_seq + 1"},
		{"\"closed_utc\": \"2026-12-03T16:59:00Z\"",
		 "\"closed_utc\": \"2026-12-03 16:59\"", "closed_utc"},
		{"\"uptime\": 86400", "\"uptime\": -1",
		 "health.uptime: negative"},
	};
	struct bundlefix f;
	struct bundle_manifest *m = calloc(1, sizeof(*m));
	char why[BUNDLE_WHY_MAX], *json;
	const char *orig;
	uint8_t *zip;
	size_t len, jlen;

	(void)state;
	assert_non_null(m);
	make_default(&zip, &len);
	bundlefix_load(&f, zip, len);
	orig = bundlefix_get(&f, BUNDLE_MANIFEST, &jlen);
	assert_int_equal(
		bundle_manifest_decode(orig, jlen, m, why, sizeof(why)), 0);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *at = strstr(orig, edits[i].from);
		size_t pre;

		if (!at)
			fail_msg("edit %zu: no \"%s\" in %s", i, edits[i].from,
				 orig);
		pre = (size_t)(at - orig);
		json = malloc(jlen + strlen(edits[i].to) + 1);
		assert_non_null(json);
		memcpy(json, orig, pre);
		strcpy(json + pre, edits[i].to);
		strcat(json, at + strlen(edits[i].from));
		why[0] = '\0';
		assert_int_equal(bundle_manifest_decode(json, strlen(json), m,
							why, sizeof(why)),
				 -EBADMSG);
		if (!strstr(why, edits[i].why))
			fail_msg("edit %zu: \"%s\" does not say \"%s\"", i, why,
				 edits[i].why);
		free(json);
	}
	bundlefix_free(&f);
	free(zip);
	free(m);
}

static void test_bundle_continues_only_the_bundle_just_before(void **state)
{
	struct chain_state cs = {0, LEDGER_HASH_ZERO};
	struct fix oct = {"2026-10", 2, 1, 0}, nov = {"2026-11", 2, 1, 0},
		   dec = {"2026-12", 2, 1, 0}, sep = {"2026-09", 2, 1, 0};
	uint8_t *za, *zb, *zc, *zo;
	size_t la, lb, lc, lo;
	struct bundle *a, *b, *c, *o;
	const struct bundle_manifest *ma, *mb, *mc, *mo;
	char why[BUNDLE_WHY_MAX];
	struct chain_state fork = {0, LEDGER_HASH_ZERO};

	(void)state;
	make_bundle(&oct, &cs, &key, &za, &la);
	make_bundle(&nov, &cs, &key, &zb, &lb);
	make_bundle(&dec, &cs, &key, &zc, &lc);
	make_bundle(&sep, &fork, &other, &zo, &lo);
	assert_int_equal(bundle_open_mem(za, la, &a, why, sizeof(why)), 0);
	assert_int_equal(bundle_open_mem(zb, lb, &b, why, sizeof(why)), 0);
	assert_int_equal(bundle_open_mem(zc, lc, &c, why, sizeof(why)), 0);
	assert_int_equal(bundle_open_mem(zo, lo, &o, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(a, &ma, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(b, &mb, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(c, &mc, why, sizeof(why)), 0);
	assert_int_equal(bundle_manifest_get(o, &mo, why, sizeof(why)), 0);
	/* the first bundle of a device follows row 0 */
	assert_int_equal(
		bundle_follows(ma, 0, LEDGER_HASH_ZERO, why, sizeof(why)), 0);
	assert_int_equal(bundle_continues(ma, mb, why, sizeof(why)), 0);
	assert_int_equal(bundle_continues(mb, mc, why, sizeof(why)), 0);
	/* each verifies alone; December does not continue October */
	assert_int_equal(bundle_continues(ma, mc, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "a gap: the bundle starts at row 9, the "
				    "one before ends at row 4 (rows 5..8 "
				    "missing)"));
	assert_int_equal(bundle_continues(mb, ma, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "an overlap"));
	/* the same rows from another device */
	assert_int_equal(bundle_continues(mo, mb, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "signed by device"));
	/* another chain that happens to end at the same seq */
	assert_int_equal(
		bundle_follows(mb, mo->last_seq, mo->head, why, sizeof(why)),
		-EBADMSG);
	assert_non_null(strstr(why, "does not link to row 4"));
	bundle_close(a);
	bundle_close(b);
	bundle_close(c);
	bundle_close(o);
	free(za);
	free(zb);
	free(zc);
	free(zo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_bundle_made_here_verifies_all_seven_checks),
		cmocka_unit_test(test_bundle_same_input_gives_same_bytes),
		cmocka_unit_test(
			test_bundle_manifest_and_signature_are_the_last_entries),
		cmocka_unit_test(test_bundle_manifest_is_sorted_two_space_json),
		cmocka_unit_test(test_bundle_ledger_each_hands_over_every_row),
		cmocka_unit_test(test_bundle_edited_punch_fails_files_or_chain),
		cmocka_unit_test(test_bundle_rehashed_row_does_not_link),
		cmocka_unit_test(test_bundle_deleted_row_is_missing),
		cmocka_unit_test(
			test_bundle_edited_manifest_fails_the_signature),
		cmocka_unit_test(test_bundle_signed_by_another_key),
		cmocka_unit_test(test_bundle_truncated_archive_is_damaged),
		cmocka_unit_test(
			test_bundle_entry_names_outside_the_table_are_refused),
		cmocka_unit_test(test_bundle_more_than_64_entries_are_refused),
		cmocka_unit_test(
			test_bundle_zip_bombs_are_refused_before_decompressing),
		cmocka_unit_test(
			test_bundle_entry_that_lies_about_its_size_is_damaged),
		cmocka_unit_test(
			test_bundle_counts_and_the_checkpoint_of_the_period),
		cmocka_unit_test(test_bundle_rules_must_hash_to_their_versions),
		cmocka_unit_test(test_bundle_manifest_decode_is_strict),
		cmocka_unit_test(
			test_bundle_continues_only_the_bundle_just_before),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
