/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Importing bundles at the kecamatan, on SQLite and on PostgreSQL, with
 * bundles made by the box's own code (a real device store, closing_close,
 * bundling_make).  The round trip: the recompute equals the desa's rekap,
 * byte for byte.  The same bundle twice, and an interim one before the
 * complete one, change nothing twice.  A late sick note after closing
 * travels in the next bundle and changes the recompute, marked as a
 * correction.  A replaced box is re-keyed.  Every tampered bundle is
 * refused with its reason and stores nothing but its log line.
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
#include "civil.h"
#include "export.h"
#include "fakes/bundlefix.h"
#include "fakes/kecbox.h"
#include "fakes/kecfix.h"
#include "kec_admin.h"
#include "kec_import.h"
#include "kec_rekap.h"

#define D(y, m, d)	    civil_from_ymd((y), (m), (d))
#define AT(y, mo, d, h, mi) kecbox_at((y), (mo), (d), (h), (mi), 0)
#define DESA_A		    "3524012001"
#define DESA_B		    "3524012002"

static struct kec_info kec;
static char why[KEC_ADMIN_WHY_MAX];

static void kec_init(struct kecfix *f)
{
	assert_int_equal(kec_admin_init(f->st, "Pucuk", "Lamongan", NULL, 0,
					AT(2026, 10, 1, 8, 0), &kec, why,
					sizeof(why)),
			 0);
}

static void trust(struct kecfix *f, const struct kecbox *b, const char *desa)
{
	if (kec_admin_trust(f->st, &kec, desa, b->conf.desa_name, b->public_key,
			    NULL, AT(2026, 10, 2, 8, 0), "root", NULL, why,
			    sizeof(why)))
		fail_msg("trust: %s", why);
}

static struct kec_import import(struct kecfix *f, const uint8_t *zip,
				size_t len, int64_t received)
{
	struct kec_import_opts o = {&kec, received, "root"};
	struct kec_import r;

	assert_int_equal(
		kec_import_mem(f->st, &o, "presensi.zip", zip, len, &r), 0);
	return r;
}

static struct kec_counts counts(struct kecfix *f)
{
	struct kec_counts c;

	assert_int_equal(kec_store_counts(f->st, kec.id, &c), 0);
	return c;
}

static const char *const ids[] = {"101", "102", "103"};

/* A desa's November: rules and people on the 1st, a month of punches, a
 * manual punch on the 20th, two sick days for 102. */
static void november(struct kecbox *b, const char *desa, uint8_t seed)
{
	kecbox_open(b, desa, "Pucuk", seed);
	kecbox_rules(b, D(2026, 11, 1), AT(2026, 11, 1, 6, 0));
	kecbox_person(b, "101", "Budi Santoso", D(2026, 11, 2),
		      AT(2026, 11, 1, 6, 1));
	kecbox_person(b, "102", "Sri Wahyuni", D(2026, 11, 2),
		      AT(2026, 11, 1, 6, 2));
	kecbox_person(b, "103", "Dewi Lestari, S.Pd", D(2026, 11, 2),
		      AT(2026, 11, 1, 6, 3));
	kecbox_days(b, ids, 3, D(2026, 11, 2), D(2026, 11, 19));
	kecbox_manual(b, "103", AT(2026, 11, 20, 7, 40),
		      AT(2026, 11, 20, 9, 0));
	kecbox_excuse(b, "102", "sakit", D(2026, 11, 24), D(2026, 11, 25),
		      AT(2026, 11, 20, 9, 5));
	kecbox_days(b, ids, 3, D(2026, 11, 23), D(2026, 11, 30));
}

/* November closed on 3 December and its complete bundle. */
static void november_bundle(struct kecbox *b, const char *desa, uint8_t seed,
			    uint8_t **zip, size_t *len)
{
	november(b, desa, seed);
	kecbox_close_month(b, "2026-11", AT(2026, 12, 3, 10, 0));
	kecbox_bundle(b, "2026-11", AT(2026, 12, 3, 10, 5), zip, len);
}

static char *recompute_csv(struct kecfix *f, const char *desa, int y, int m,
			   int64_t now, uint32_t *corrections)
{
	struct kec_recompute q;
	struct report *r;
	char err[256], *csv = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&q, 0, sizeof(q));
	q.kec = kec.id;
	q.desa_id = desa;
	q.desa_name = "Pucuk";
	q.offset_min = KECBOX_WIB;
	q.kind = CIVIL_PERIOD_MONTH;
	q.first = D(y, m, 1);
	q.last = D(y, m, civil_days_in_month(y, m));
	civil_local_from_utc(now, KECBOX_WIB, &q.today, &q.now_sec);
	q.now_utc = now;
	if (kec_recompute_desa(f->st, &q, &r, corrections, err, sizeof(err)))
		fail_msg("recompute: %s", err);
	fp = open_memstream(&csv, &len);
	assert_non_null(fp);
	assert_int_equal(export_csv(fp, r, NULL), 0);
	assert_int_equal(fclose(fp), 0);
	report_free(r);
	return csv;
}

static void test_import_round_trip_recompute_equals_desa_rekap(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kec_import r;
	struct kec_counts c;
	uint8_t *zip;
	size_t len;
	char *ours, *theirs;

	november_bundle(&b, DESA_A, 1, &zip, &len);
	kec_init(f);
	trust(f, &b, DESA_A);
	r = import(f, zip, len, AT(2026, 12, 4, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_OK);
	assert_string_equal(r.desa, DESA_A);
	assert_string_equal(r.period, "2026-11");
	assert_true(r.complete);
	assert_int_equal(r.first_seq, 1);
	assert_int_equal(r.rows_new, r.last_seq);
	/* the desa's own rekap.csv says what the recompute says */
	assert_int_equal(r.rekap_same, 1);
	c = counts(f);
	assert_int_equal(c.rows, r.last_seq);
	assert_true(c.punches > 100);
	assert_int_equal(c.rules, 2);
	/* and the whole month, judged on a later day, byte for byte */
	ours = recompute_csv(f, DESA_A, 2026, 11, AT(2026, 12, 10, 9, 0), NULL);
	theirs = kecbox_rekap_csv(&b, "2026-11", AT(2026, 12, 10, 9, 0));
	assert_string_equal(ours, theirs);
	free(ours);
	free(theirs);
	free(zip);
	kecbox_close(&b);
}

static void test_import_twice_changes_nothing(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kec_counts c1, c2;
	struct kec_import r;
	uint8_t *zip;
	size_t len;

	november_bundle(&b, DESA_A, 1, &zip, &len);
	kec_init(f);
	trust(f, &b, DESA_A);
	r = import(f, zip, len, AT(2026, 12, 4, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_OK);
	c1 = counts(f);
	r = import(f, zip, len, AT(2026, 12, 5, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_DUPLICATE);
	assert_non_null(strstr(r.reason, "nothing changed"));
	c2 = counts(f);
	assert_int_equal(c2.rows, c1.rows);
	assert_int_equal(c2.punches, c1.punches);
	assert_int_equal(c2.imports, 2);
	assert_int_equal(c2.imports_duplicate, 1);
	free(zip);
	kecbox_close(&b);
}

static void test_import_interim_then_complete_overlap(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kec_import r1, r2, r3;
	uint8_t *z1, *z2;
	size_t l1, l2;

	november(&b, DESA_A, 1);
	/* a bundle of the running month, before the close */
	kecbox_bundle(&b, "2026-11", AT(2026, 11, 30, 18, 0), &z1, &l1);
	kecbox_close_month(&b, "2026-11", AT(2026, 12, 3, 10, 0));
	kecbox_bundle(&b, "2026-11", AT(2026, 12, 3, 10, 5), &z2, &l2);
	kec_init(f);
	trust(f, &b, DESA_A);
	r1 = import(f, z1, l1, AT(2026, 11, 30, 19, 0));
	assert_int_equal(r1.result, KEC_IMPORT_OK);
	assert_false(r1.complete);
	assert_int_equal(r1.rekap_same, -1);
	r2 = import(f, z2, l2, AT(2026, 12, 4, 8, 0));
	assert_int_equal(r2.result, KEC_IMPORT_OK);
	assert_int_equal(r2.first_seq, 1);
	/* only the checkpoint was new */
	assert_int_equal(r2.rows_new, 1);
	assert_int_equal(r2.rekap_same, 1);
	r3 = import(f, z1, l1, AT(2026, 12, 5, 8, 0));
	assert_int_equal(r3.result, KEC_IMPORT_DUPLICATE);
	assert_int_equal(counts(f).rows, r2.last_seq);
	free(z1);
	free(z2);
	kecbox_close(&b);
}

static void test_import_late_sick_note_is_a_correction(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kec_import r;
	struct kecrekap *k;
	struct kec_rekap_opts o = {.kec = &kec,
				   .kind = CIVIL_PERIOD_MONTH,
				   .first = D(2026, 11, 1),
				   .last = D(2026, 11, 30),
				   .now_utc = AT(2027, 1, 10, 9, 0)};
	uint8_t *z1, *z2;
	size_t l1, l2;
	uint32_t corr = 0;
	char *before, *after, *theirs;

	november_bundle(&b, DESA_A, 1, &z1, &l1);
	kec_init(f);
	trust(f, &b, DESA_A);
	assert_int_equal(import(f, z1, l1, AT(2026, 12, 4, 8, 0)).result,
			 KEC_IMPORT_OK);
	before = recompute_csv(f, DESA_A, 2026, 11, AT(2027, 1, 10, 9, 0),
			       &corr);
	assert_int_equal(corr, 0);
	/* 101 was sick on Friday 27 November; the note comes on 4 December */
	kecbox_excuse(&b, "101", "sakit", D(2026, 11, 27), D(2026, 11, 27),
		      AT(2026, 12, 4, 9, 0));
	kecbox_days(&b, ids, 3, D(2026, 12, 7), D(2026, 12, 11));
	kecbox_close_month(&b, "2026-12", AT(2027, 1, 3, 10, 0));
	kecbox_bundle(&b, "2026-12", AT(2027, 1, 3, 10, 5), &z2, &l2);
	r = import(f, z2, l2, AT(2027, 1, 4, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_OK);
	assert_int_equal(r.rekap_same, 1);
	after = recompute_csv(f, DESA_A, 2026, 11, AT(2027, 1, 10, 9, 0),
			      &corr);
	/* the recompute changed, and says why */
	assert_string_not_equal(before, after);
	assert_int_equal(corr, 1);
	/* the box's own November now says the same */
	theirs = kecbox_rekap_csv(&b, "2026-11", AT(2027, 1, 10, 9, 0));
	assert_string_equal(after, theirs);
	assert_int_equal(kec_rekap_build(f->st, &o, &k, why, sizeof(why)), 0);
	assert_int_equal(k->ndesa, 1);
	assert_int_equal(k->desa[0].corrections, 1);
	assert_true(k->desa[0].anomalies & KECREKAP_A_KOREKSI);
	assert_int_equal(k->desa[0].pel[0], PELAPORAN_TEPAT);
	kecrekap_free(k);
	free(before);
	free(after);
	free(theirs);
	free(z1);
	free(z2);
	kecbox_close(&b);
}

static void test_import_rekey_after_a_dead_sd_card(void **state)
{
	struct kecfix *f = *state;
	struct kecbox a, b;
	struct kec_import r;
	struct kec_key key;
	uint8_t *z1, *z2, *z3;
	size_t l1, l2, l3;

	november_bundle(&a, DESA_A, 1, &z1, &l1);
	kecbox_days(&a, ids, 3, D(2026, 12, 1), D(2026, 12, 4));
	kecbox_bundle(&a, "2026-12", AT(2026, 12, 4, 18, 0), &z2, &l2);
	/* the SD card dies; the new box starts from row 1 */
	kecbox_open(&b, DESA_A, "Pucuk", 9);
	kecbox_rules(&b, D(2026, 12, 1), AT(2026, 12, 8, 6, 0));
	kecbox_person(&b, "101", "Budi Santoso", D(2026, 12, 8),
		      AT(2026, 12, 8, 6, 1));
	kecbox_days(&b, ids, 1, D(2026, 12, 8), D(2026, 12, 31));
	kecbox_close_month(&b, "2026-12", AT(2027, 1, 3, 10, 0));
	kecbox_bundle(&b, "2026-12", AT(2027, 1, 3, 10, 5), &z3, &l3);

	kec_init(f);
	trust(f, &a, DESA_A);
	assert_int_equal(import(f, z1, l1, AT(2026, 12, 4, 8, 0)).result,
			 KEC_IMPORT_OK);
	/* a second key for the desa needs a reason */
	assert_int_equal(kec_admin_trust(f->st, &kec, DESA_A, "Pucuk",
					 b.public_key, NULL,
					 AT(2026, 12, 8, 9, 0), "root", NULL,
					 why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "--reason"));
	r = import(f, z3, l3, AT(2027, 1, 4, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_REFUSED);
	assert_non_null(strstr(r.reason, "not trusted"));
	assert_int_equal(kec_admin_trust(f->st, &kec, DESA_A, "Pucuk",
					 b.public_key, "kartu SD rusak",
					 AT(2026, 12, 8, 9, 0), "root", &key,
					 why, sizeof(why)),
			 0);
	assert_string_equal(key.fingerprint, b.fingerprint);
	r = import(f, z3, l3, AT(2027, 1, 4, 8, 0));
	assert_int_equal(r.result, KEC_IMPORT_OK);
	assert_int_equal(r.first_seq, 1);
	assert_int_equal(r.rekap_same, 1);
	/* the old box's last bundle still verifies and merges */
	r = import(f, z2, l2, AT(2027, 1, 4, 8, 5));
	assert_int_equal(r.result, KEC_IMPORT_OK);
	assert_int_equal(kec_store_key_find(f->st, kec.id, a.public_key, &key),
			 0);
	assert_true(key.replaced_utc > 0);
	free(z1);
	free(z2);
	free(z3);
	kecbox_close(&a);
	kecbox_close(&b);
}

/* ---- tampering: refused, with the reason, and nothing stored ---- */

static struct kecbox tbox;
static uint8_t *tzip;
static size_t tlen;

/* The November bundle of desa A, trusted, nothing imported yet. */
static void tamper_setup(struct kecfix *f)
{
	november_bundle(&tbox, DESA_A, 1, &tzip, &tlen);
	kec_init(f);
	trust(f, &tbox, DESA_A);
}

static void tamper_done(void)
{
	free(tzip);
	kecbox_close(&tbox);
}

/* Imports zip, which must be refused with a reason beginning prefix and
 * leave nothing stored but its log line. */
static void refused(struct kecfix *f, const uint8_t *zip, size_t len,
		    const char *prefix)
{
	struct kec_import r = import(f, zip, len, AT(2026, 12, 4, 8, 0));
	struct kec_counts c = counts(f);

	print_message("    refused: %s\n", r.reason);
	assert_int_equal(r.result, KEC_IMPORT_REFUSED);
	if (strncmp(r.reason, prefix, strlen(prefix)) != 0)
		fail_msg("reason \"%s\" does not begin \"%s\"", r.reason,
			 prefix);
	assert_int_equal(c.rows, 0);
	assert_int_equal(c.punches, 0);
	assert_int_equal(c.rules, 0);
	assert_int_equal(c.imports_refused, c.imports);
	assert_true(c.imports >= 1);
}

static void first_punch_later(struct ledger_row *r)
{
	char *sec = strstr(r->data, ";sec=");

	assert_non_null(sec);
	sec[5] = sec[5] == '9' ? '1' : (char)(sec[5] + 1);
}

/* The seq of the first punch row of ledger.csv. */
static int64_t first_punch(const struct bundlefix *bf)
{
	const char *csv = bundlefix_get(bf, BUNDLE_LEDGER, NULL);
	const char *p = strstr(csv, ",punch,");

	assert_non_null(p);
	while (p > csv && p[-1] != '\n')
		p--;
	return strtoll(p, NULL, 10);
}

static void test_tamper_punch_time_edited(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_ledger_edit(&bf, first_punch(&bf), first_punch_later);
	bundlefix_zip(&bf, &zip, &len);
	refused(f, zip, len, "files: ");
	free(zip);
	/* re-signed by the box's own key: the chain still breaks */
	bundlefix_resign(&bf, &tbox.key, NULL, &zip, &len);
	refused(f, zip, len, "chain: ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

static void test_tamper_row_deleted(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_ledger_edit(&bf, 20, NULL);
	bundlefix_resign(&bf, &tbox.key, NULL, &zip, &len);
	refused(f, zip, len, "chain: ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

static void period_december(struct bundle_manifest *m)
{
	snprintf(m->period, sizeof(m->period), "2026-12");
}

static void test_tamper_manifest_edited(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	const char *json;
	char *edited, *p;
	uint8_t *zip;
	size_t len, jlen;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	json = bundlefix_get(&bf, BUNDLE_MANIFEST, &jlen);
	edited = strdup(json);
	assert_non_null(edited);
	p = strstr(edited, "\"2026-11\"");
	assert_non_null(p);
	p[7] = '0'; /* "2026-10" */
	bundlefix_set(&bf, BUNDLE_MANIFEST, edited, jlen);
	bundlefix_zip(&bf, &zip, &len);
	refused(f, zip, len, "signature: ");
	free(zip);
	free(edited);
	bundlefix_free(&bf);
	tamper_done();
}

static void test_tamper_resigned_with_untrusted_key(void **state)
{
	struct kecfix *f = *state;
	struct kecbox other;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	kecbox_open(&other, DESA_B, "Padenganploso", 2);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_resign(&bf, &other.key, NULL, &zip, &len);
	refused(f, zip, len, "trust: device key ");
	/* the key of another desa is not this desa's */
	trust(f, &other, DESA_B);
	refused(f, zip, len, "trust: device key ");
	assert_non_null(strstr(import(f, zip, len, 1).reason,
			       "trusted for desa " DESA_B
			       ", not for desa " DESA_A));
	free(zip);
	bundlefix_free(&bf);
	kecbox_close(&other);
	tamper_done();
}

static void test_tamper_truncated_zip(void **state)
{
	struct kecfix *f = *state;

	tamper_setup(f);
	refused(f, tzip, tlen / 2, "archive: ");
	refused(f, tzip, 0, "archive: ");
	tamper_done();
}

static void test_tamper_wrong_month(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_resign(&bf, &tbox.key, period_december, &zip, &len);
	refused(f, zip, len, "counts: ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

static void test_tamper_path_dotdot_and_zip_bomb(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip, *zeros;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_zip(&bf, &zip, &len);
	bundlefix_patch_name(zip, len, "rekap.csv", "../ap.csv", 9);
	refused(f, zip, len, "archive: ");
	free(zip);
	zeros = calloc(1, 8 << 20);
	assert_non_null(zeros);
	bundlefix_set(&bf, BUNDLE_REKAP_HTML, zeros, 8 << 20);
	free(zeros);
	bundlefix_zip(&bf, &zip, &len);
	refused(f, zip, len, "archive: ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

static void test_tamper_malformed_json_and_csv(void **state)
{
	static const char broken[] = BUNDLE_LEDGER_HEADER "\r\n1,punch,\"x\r\n";
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_set(&bf, BUNDLE_MANIFEST, "{\"format\": 1,", 13);
	bundlefix_zip(&bf, &zip, &len);
	refused(f, zip, len, "manifest: ");
	free(zip);
	bundlefix_free(&bf);
	bundlefix_load(&bf, tzip, tlen);
	bundlefix_set(&bf, BUNDLE_LEDGER, broken, strlen(broken));
	bundlefix_resign(&bf, &tbox.key, NULL, &zip, &len);
	refused(f, zip, len, "chain: ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

/* A row whose chain is whole but whose data no box writes. */
static void rechained_bad_flags(struct bundlefix *bf, char head[PD_HASH_HEX])
{
	size_t len = 0, o = 0, cap;
	const char *csv = bundlefix_get(bf, BUNDLE_LEDGER, &len);
	char *copy = strdup(csv), *out, *line, *save = NULL;
	char prev[PD_HASH_HEX] = "";
	int n = 0;

	cap = len + 4096;
	out = malloc(cap);
	assert_non_null(copy);
	assert_non_null(out);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ledger_row r;
		size_t l = strlen(line);

		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (ledger_parse_export(line, &r) != 0) {
			o += (size_t)snprintf(out + o, cap - o, "%s\r\n", line);
			continue;
		}
		if (prev[0])
			memcpy(r.prev_hash, prev, sizeof(prev));
		if (strcmp(r.kind, "punch") == 0 && n++ == 3) {
			char *fl = strstr(r.data, ";flags=;");

			assert_non_null(fl);
			memmove(fl + 11, fl + 7, strlen(fl + 7) + 1);
			memcpy(fl + 7, "late", 4);
		}
		assert_int_equal(ledger_hash(&r), 0);
		memcpy(prev, r.hash, sizeof(prev));
		assert_true(bundle_ledger_line(&r, out + o, cap - o) > 0);
		o += strlen(out + o);
	}
	bundlefix_set(bf, BUNDLE_LEDGER, out, o);
	memcpy(head, prev, PD_HASH_HEX);
	free(out);
	free(copy);
}

static char new_head[PD_HASH_HEX];
static void set_head(struct bundle_manifest *m)
{
	memcpy(m->head, new_head, sizeof(m->head));
}

static void test_tamper_row_data_no_box_writes(void **state)
{
	struct kecfix *f = *state;
	struct bundlefix bf;
	uint8_t *zip;
	size_t len;

	tamper_setup(f);
	bundlefix_load(&bf, tzip, tlen);
	rechained_bad_flags(&bf, new_head);
	bundlefix_resign(&bf, &tbox.key, set_head, &zip, &len);
	refused(f, zip, len, "rows: row ");
	free(zip);
	bundlefix_free(&bf);
	tamper_done();
}

static void test_tamper_chain_gap_between_months(void **state)
{
	struct kecfix *f = *state;
	struct kecbox b;
	struct kec_import r;
	uint8_t *z11, *z12, *z01;
	size_t l11, l12, l01;
	int64_t rows;

	november_bundle(&b, DESA_A, 1, &z11, &l11);
	kecbox_days(&b, ids, 3, D(2026, 12, 1), D(2026, 12, 4));
	kecbox_close_month(&b, "2026-12", AT(2027, 1, 3, 10, 0));
	kecbox_bundle(&b, "2026-12", AT(2027, 1, 3, 10, 5), &z12, &l12);
	kecbox_days(&b, ids, 3, D(2027, 1, 4), D(2027, 1, 8));
	kecbox_close_month(&b, "2027-01", AT(2027, 2, 3, 10, 0));
	kecbox_bundle(&b, "2027-01", AT(2027, 2, 3, 10, 5), &z01, &l01);
	kec_init(f);
	trust(f, &b, DESA_A);
	/* a device never seen starts at row 1 */
	r = import(f, z12, l12, AT(2027, 1, 4, 8, 0));
	print_message("    refused: %s\n", r.reason);
	assert_int_equal(r.result, KEC_IMPORT_REFUSED);
	assert_non_null(strstr(r.reason, "must start at row 1"));
	assert_int_equal(counts(f).rows, 0);
	assert_int_equal(import(f, z11, l11, AT(2026, 12, 4, 8, 0)).result,
			 KEC_IMPORT_OK);
	rows = counts(f).rows;
	/* December skipped: January does not continue November */
	r = import(f, z01, l01, AT(2027, 2, 4, 8, 0));
	print_message("    refused: %s\n", r.reason);
	assert_int_equal(r.result, KEC_IMPORT_REFUSED);
	assert_non_null(strstr(r.reason, "continuity: a gap"));
	assert_int_equal(counts(f).rows, rows);
	assert_int_equal(import(f, z12, l12, AT(2027, 1, 4, 8, 0)).result,
			 KEC_IMPORT_OK);
	assert_int_equal(import(f, z01, l01, AT(2027, 2, 4, 8, 0)).result,
			 KEC_IMPORT_OK);
	free(z11);
	free(z12);
	free(z01);
	kecbox_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_import_round_trip_recompute_equals_desa_rekap),
		cmocka_unit_test(test_import_twice_changes_nothing),
		cmocka_unit_test(test_import_interim_then_complete_overlap),
		cmocka_unit_test(test_import_late_sick_note_is_a_correction),
		cmocka_unit_test(test_import_rekey_after_a_dead_sd_card),
		cmocka_unit_test(test_tamper_punch_time_edited),
		cmocka_unit_test(test_tamper_row_deleted),
		cmocka_unit_test(test_tamper_manifest_edited),
		cmocka_unit_test(test_tamper_resigned_with_untrusted_key),
		cmocka_unit_test(test_tamper_truncated_zip),
		cmocka_unit_test(test_tamper_wrong_month),
		cmocka_unit_test(test_tamper_path_dotdot_and_zip_bomb),
		cmocka_unit_test(test_tamper_malformed_json_and_csv),
		cmocka_unit_test(test_tamper_row_data_no_box_writes),
		cmocka_unit_test(test_tamper_chain_gap_between_months),
	};

	return kecfix_main("kec_import", tests, sizeof(tests) / sizeof(*tests));
}
