/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark of the kecamatan side at a kabupaten's scale: a month of 401
 * desa bundles (Pati's SARIDIN runs 401 desa), 11 perangkat each, made
 * by the box's own code (kecbox: a real device store, closing_close,
 * bundling_make) once and kept in $O/bench-kecamatan; then their import
 * into one kecamatan and the camat's rekap of the month, on SQLite and on
 * a private PostgreSQL, side by side.  Times go to stdout; nothing is
 * asserted about them (DESA=n makes a smaller run).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "civil.h"
#include "fakes/bundlefix.h"
#include "fakes/kecbox.h"
#include "fakes/pgtest.h"
#include "fakes/testutil.h"
#include "kec_admin.h"
#include "kec_import.h"
#include "kec_rekap.h"
#include "log.h"

#define DESA_DEFAULT	    401
#define PEOPLE		    11
#define D(y, m, d)	    civil_from_ymd((y), (m), (d))
#define AT(y, mo, d, h, mi) kecbox_at((y), (mo), (d), (h), (mi), 0)

static int ndesa = DESA_DEFAULT;
static char dir[512];
static char keys[DESA_DEFAULT][CRYPTO_PK_HEX];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void desa_id(int i, char out[PD_ID_MAX])
{
	snprintf(out, PD_ID_MAX, "3318%02d%04d", 1 + i / 20, 2001 + i % 20);
}

static void bundle_path(int i, char *out, size_t cap)
{
	char id[PD_ID_MAX];

	desa_id(i, id);
	snprintf(out, cap, "%s/presensi-%s-2026-11.zip", dir, id);
}

/* One desa's November, made once; its public key is kept beside it. */
static void make_desa(int i)
{
	static const char *ids[PEOPLE];
	static char idbuf[PEOPLE][8];
	char id[PD_ID_MAX], name[32], path[600], kpath[620];
	struct kecbox b;
	struct stat sb;
	uint8_t *zip;
	size_t len;
	char *k;

	bundle_path(i, path, sizeof(path));
	snprintf(kpath, sizeof(kpath), "%s.key", path);
	if (stat(path, &sb) == 0 && (k = testutil_slurp(kpath, NULL))) {
		snprintf(keys[i], sizeof(keys[i]), "%s", k);
		free(k);
		return;
	}
	desa_id(i, id);
	snprintf(name, sizeof(name), "Desa %d", i + 1);
	kecbox_open(&b, id, name, 1);
	{
		/* a key of its own for each of the 401 */
		uint8_t seed[CRYPTO_KEY_BYTES] = {(uint8_t)(i & 0xff),
						  (uint8_t)(i >> 8), 0xbe};

		crypto_devkey_from_seed(seed, &b.key);
		crypto_pubkey_hex(b.key.pk, b.public_key);
	}
	kecbox_rules(&b, D(2026, 11, 1), AT(2026, 11, 1, 6, 0));
	for (int p = 0; p < PEOPLE; p++) {
		snprintf(idbuf[p], sizeof(idbuf[p]), "p%02d", p + 1);
		ids[p] = idbuf[p];
		kecbox_person(&b, ids[p], "Perangkat Desa", D(2026, 11, 2),
			      AT(2026, 11, 1, 6, 1));
	}
	assert_int_equal(store_bulk_begin(b.st), 0);
	kecbox_days(&b, ids, PEOPLE, D(2026, 11, 2), D(2026, 11, 30));
	assert_int_equal(store_bulk_end(b.st), 0);
	kecbox_close_month(&b, "2026-11", AT(2026, 12, 3, 10, 0));
	kecbox_bundle(&b, "2026-11", AT(2026, 12, 3, 10, 5), &zip, &len);
	bundlefix_write_file(path, zip, len);
	assert_int_equal(testutil_write(kpath, b.public_key), 0);
	snprintf(keys[i], sizeof(keys[i]), "%s", b.public_key);
	free(zip);
	kecbox_close(&b);
}

static void run(const char *label, const char *db)
{
	struct kec_store *st;
	struct kec_info kec;
	struct kec_import_opts o;
	struct kec_rekap_opts ro;
	struct kecrekap *k;
	char why[KEC_ADMIN_WHY_MAX], id[PD_ID_MAX], name[32], path[600];
	double t0, t_import, t_rekap, t_again;
	int64_t rows = 0;
	int ok = 0;

	assert_int_equal(kec_store_open(db, &st), 0);
	assert_int_equal(kec_admin_init(st, "Pati", "Pati", NULL, 0,
					AT(2026, 10, 1, 8, 0), &kec, why,
					sizeof(why)),
			 0);
	for (int i = 0; i < ndesa; i++) {
		desa_id(i, id);
		snprintf(name, sizeof(name), "Desa %d", i + 1);
		if (kec_admin_trust(st, &kec, id, name, keys[i], NULL,
				    AT(2026, 10, 2, 8, 0), "bench", NULL, why,
				    sizeof(why)))
			fail_msg("trust: %s", why);
	}
	o.kec = &kec;
	o.received_utc = AT(2026, 12, 4, 8, 0);
	o.by = "bench";
	t0 = now_s();
	for (int i = 0; i < ndesa; i++) {
		struct kec_import r;

		bundle_path(i, path, sizeof(path));
		assert_int_equal(kec_import_file(st, &o, path, &r), 0);
		if (r.result != KEC_IMPORT_OK || r.rekap_same != 1)
			fail_msg("%s: %s %s", path, r.reason, r.rekap_diff);
		rows += r.rows_new;
		ok++;
	}
	t_import = now_s() - t0;
	memset(&ro, 0, sizeof(ro));
	ro.kec = &kec;
	ro.kind = CIVIL_PERIOD_MONTH;
	ro.first = D(2026, 11, 1);
	ro.last = D(2026, 11, 30);
	ro.now_utc = AT(2026, 12, 10, 9, 0);
	t0 = now_s();
	assert_int_equal(kec_rekap_build(st, &ro, &k, why, sizeof(why)), 0);
	t_rekap = now_s() - t0;
	assert_int_equal((int)k->ndesa, ndesa);
	assert_int_equal((int)k->people, ndesa * PEOPLE);
	kecrekap_free(k);
	/* importing them all again changes nothing */
	t0 = now_s();
	for (int i = 0; i < ndesa; i++) {
		struct kec_import r;

		bundle_path(i, path, sizeof(path));
		assert_int_equal(kec_import_file(st, &o, path, &r), 0);
		assert_int_equal(r.result, KEC_IMPORT_DUPLICATE);
	}
	t_again = now_s() - t0;
	printf("%-10s import %d bundles (%lld rows): %6.2f s, %6.1f "
	       "bundles/s, %7.0f rows/s\n",
	       label, ok, (long long)rows, t_import, ok / t_import,
	       (double)rows / t_import);
	printf("%-10s rekap of the month (%d desa, %d people): %6.2f s\n",
	       label, ndesa, ndesa * PEOPLE, t_rekap);
	printf("%-10s the same %d bundles again (all duplicates): %6.2f s\n",
	       label, ok, t_again);
	fflush(stdout);
	kec_store_close(st);
}

static void bench_kabupaten_month(void **state)
{
	struct pgtest *pg;
	char db[600], *tmp;
	const char *o = getenv("O");
	double t0;

	(void)state;
	if (getenv("DESA"))
		ndesa = atoi(getenv("DESA"));
	if (ndesa < 1 || ndesa > DESA_DEFAULT)
		ndesa = DESA_DEFAULT;
	snprintf(dir, sizeof(dir), "%s/bench-kecamatan", o && *o ? o : "build");
	mkdir(dir, 0755);
	t0 = now_s();
	log_init(LOG_TO_NONE, 0); /* 401 boxes migrating and closing */
	for (int i = 0; i < ndesa; i++)
		make_desa(i);
	log_init(LOG_TO_STDERR, 0);
	printf("bundles of %d desa ready in %s (%.1f s; kept for the next "
	       "run)\n",
	       ndesa, dir, now_s() - t0);
	tmp = testutil_tmpdir("kbench");
	assert_non_null(tmp);
	snprintf(db, sizeof(db), "%s/kecamatan.db", tmp);
	run("sqlite", db);
	assert_int_equal(pgtest_start(&pg), 0);
	assert_int_equal(pgtest_createdb(pg, "bench", db, sizeof(db)), 0);
	run("postgresql", db);
	pgtest_stop(pg);
	testutil_rmtree_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bench_kabupaten_month),
	};

	log_init(LOG_TO_STDERR, 0);
	if (crypto_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
