/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of closing.c and bundling.c on a real store: the rules of a
 * close (never the running month, once, in order, nothing before the first
 * record), the automatic close on the configured day, the health figures,
 * and the bundles made from the store: a complete one verifies and comes
 * out byte for byte the same after later corrections, an interim one runs
 * from the last checkpoint, and no template ever enters one.
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
#include "bundling.h"
#include "civil.h"
#include "closing.h"
#include "conf.h"
#include "crypto.h"
#include "fakes/bundlefix.h"
#include "fakes/testutil.h"
#include "store.h"

#define WIB	420
#define SEKDES	ACTOR("sekdes", 1000)
#define DAEMON	ACTOR("presensid", 998)
#define PROFILE "firmware/profiles/ppu-24-2018-5hari.ini"
#define CAL	"firmware/calendars/2026.ini"
#define SECRET	"TEMPLATE-SECRET-0123456789"

static const uint8_t key1[CRYPTO_KEY_BYTES] = {0x11, 0x22, 0x33};

struct fx {
	char *dir;
	char path[200];
	struct store *st;
	struct conf conf;
	struct crypto_devkey key;
};

/* Local time in the desa as UTC seconds. */
static int64_t at(int y, int mo, int d, int h, int mi)
{
	return civil_utc_from_local(civil_from_ymd(y, mo, d),
				    h * 3600 + mi * 60, WIB);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t seed[CRYPTO_KEY_BYTES] = {7};

	if (!f || crypto_init() < 0)
		return -1;
	f->dir = testutil_tmpdir("closing");
	if (!f->dir)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/presensi.db", f->dir);
	if (store_open(f->path, NULL, 0, key1, &f->st) != 0)
		return -1;
	conf_defaults(&f->conf);
	snprintf(f->conf.desa_id, sizeof(f->conf.desa_id), "3517012001");
	snprintf(f->conf.desa_name, sizeof(f->conf.desa_name), "Sukamaju");
	snprintf(f->conf.kecamatan, sizeof(f->conf.kecamatan), "Pucuk");
	snprintf(f->conf.store_path, sizeof(f->conf.store_path), "%s", f->path);
	f->conf.offset_min = WIB;
	crypto_devkey_from_seed(seed, &f->key);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

static void import(struct fx *f, const char *path, bool calendar, int64_t when)
{
	char *text = testutil_slurp(path, NULL), v[PD_HASH_HEX];

	assert_non_null(text);
	crypto_sha256_hex(text, strlen(text), v);
	if (calendar)
		assert_int_equal(store_calendar_add(f->st, v, "Hari libur 2026",
						    text, when, SEKDES),
				 0);
	else
		assert_int_equal(store_profile_add(f->st,
						   civil_from_ymd(2026, 10, 1),
						   v, "PPU 24/2018 5 hari",
						   text, when, SEKDES),
				 0);
	free(text);
}

static void punch(struct fx *f, const char *id, int64_t t, unsigned int fl)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.at_utc = t;
	civil_local_from_utc(t, WIB, &p.local_day, &p.local_sec);
	p.flags = fl;
	strcpy(p.source, "reader");
	strcpy(p.reader, "virtual_image/0");
	strcpy(p.clock, fl & PUNCH_F_UNTRUSTED ? "unsynced" : "ntp");
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	assert_int_equal(store_punch_add(f->st, &p, t), 0);
}

/* A desa whose first rows are in October. */
static void setup_october(struct fx *f)
{
	struct person p = {.since = civil_from_ymd(2026, 10, 1)};
	const struct print_rec pr = {.person = "101",
				     .finger = "right-index",
				     .model = "virtual_image"};

	import(f, PROFILE, false, at(2026, 10, 20, 8, 0));
	import(f, CAL, true, at(2026, 10, 20, 8, 1));
	snprintf(p.id, sizeof(p.id), "101");
	snprintf(p.name, sizeof(p.name), "Budi Santoso");
	snprintf(p.jabatan, sizeof(p.jabatan), "Kaur Keuangan");
	assert_int_equal(
		store_person_add(f->st, &p, at(2026, 10, 20, 8, 2), SEKDES), 0);
	assert_int_equal(store_print_add(f->st, &pr, (const uint8_t *)SECRET,
					 strlen(SECRET), SEKDES,
					 at(2026, 10, 20, 8, 3), NULL),
			 0);
}

static void punch_november(struct fx *f)
{
	punch(f, "101", at(2026, 11, 2, 7, 20), 0);
	punch(f, "101", at(2026, 11, 2, 16, 5), 0);
	punch(f, "101", at(2026, 11, 3, 7, 45), 0); /* late */
	punch(f, "101", at(2026, 11, 4, 7, 10), PUNCH_F_UNTRUSTED);
}

/* October's rows, then November's punches. */
static void populate(struct fx *f)
{
	setup_october(f);
	punch_november(f);
}

static struct closing_deps deps(struct fx *f, int64_t now)
{
	struct closing_deps d = {f->st, &f->conf, now};

	return d;
}

static int try_close(struct fx *f, int64_t now, const char *month, char *why)
{
	struct closing_deps d = deps(f, now);
	int64_t seq;

	return closing_close(&d, month, false, SEKDES, &seq, why,
			     CLOSING_WHY_MAX);
}

static void test_closing_nothing_recorded_has_no_month_to_close(void **state)
{
	struct fx *f = *state;
	struct closing_deps d = deps(f, at(2026, 12, 10, 8, 0));
	char why[CLOSING_WHY_MAX];
	int n = -1;

	assert_int_equal(closing_check(&d, "2026-11", why, sizeof(why)),
			 -ENOENT);
	assert_string_equal(why,
			    "nothing is recorded yet: there is no month to "
			    "close");
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
}

static void
test_closing_refuses_running_future_closed_and_out_of_order(void **state)
{
	struct fx *f = *state;
	int64_t now = at(2026, 12, 2, 10, 0);
	char why[CLOSING_WHY_MAX];

	populate(f);
	assert_int_equal(try_close(f, now, "2026-12", why), -EINVAL);
	assert_string_equal(why, "2026-12 is the running month: it can be "
				 "closed from 2027-01-01 on");
	assert_int_equal(try_close(f, now, "2027-01", why), -EINVAL);
	assert_string_equal(why, "2027-01 has not begun yet (it is 2026-12 "
				 "now)");
	assert_int_equal(try_close(f, now, "2026-11", why), -EINVAL);
	assert_string_equal(why, "close 2026-10 first: months close in order");
	assert_int_equal(try_close(f, now, "2026-09", why), -EINVAL);
	assert_string_equal(why, "nothing was recorded in 2026-09: the first "
				 "record is in 2026-10");
	assert_int_equal(try_close(f, now, "11-2026", why), -EINVAL);
	assert_string_equal(why, "\"11-2026\" is not a month YYYY-MM");
	assert_int_equal(try_close(f, now, "2026-10", why), 0);
	assert_int_equal(try_close(f, now, "2026-10", why), -EEXIST);
	assert_string_equal(why, "2026-10 is closed already; later rows about "
				 "it travel in the next bundle");
	assert_int_equal(try_close(f, now, "2026-11", why), 0);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

static void
test_closing_auto_waits_for_the_day_then_closes_in_order(void **state)
{
	struct fx *f = *state;
	struct store_checkpoint c;
	struct closing_deps d;
	char why[CLOSING_WHY_MAX] = "";
	int n = -1;

	populate(f);
	/* the 3rd at 23:58: November is not due yet, October is */
	d = deps(f, at(2026, 12, 3, 23, 58));
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_checkpoint_get(f->st, "2026-10", &c), 0);
	assert_int_equal(c.cp.auto_close, 1);
	assert_string_equal(c.by, "presensid");
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), -ENOENT);
	/* 23:59: November closes; again: nothing more is due */
	d = deps(f, at(2026, 12, 3, 23, 59));
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
	assert_int_equal(c.at_utc, at(2026, 12, 3, 23, 59));
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
}

static void test_closing_auto_after_months_off_closes_each_in_turn(void **state)
{
	struct fx *f = *state;
	struct closing_deps d;
	char why[CLOSING_WHY_MAX] = "", month[LEDGER_MONTH_LEN];
	int64_t seq, c10, c11;
	int n = -1;

	populate(f);
	/* the box was off until March: Oct, Nov, Dec, Jan close; Feb waits
	 * for the 3rd */
	f->conf.close_day = 5;
	d = deps(f, at(2027, 3, 4, 8, 0));
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(store_month_latest_closed(f->st, month, &seq), 0);
	assert_string_equal(month, "2027-01");
	{
		struct store_checkpoint c;

		assert_int_equal(store_checkpoint_get(f->st, "2026-10", &c), 0);
		c10 = c.seq;
		assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
		c11 = c.seq;
		assert_int_equal(c.prev_seq, c10);
	}
	assert_true(c10 < c11 && c11 < seq);
}

static void test_closing_health_counts_untrusted_and_reader_errors(void **state)
{
	struct fx *f = *state;
	struct closing_deps d = deps(f, at(2026, 12, 4, 8, 0));
	struct store_checkpoint c;
	struct ledger_health h;
	char why[CLOSING_WHY_MAX];
	int n;

	populate(f);
	assert_int_equal(
		store_counter_add(f->st, STORE_COUNTER_READER_ERRORS, 2), 0);
	assert_int_equal(closing_health(&d, "2026-11", &h), 0);
	assert_int_equal(h.untrusted, 1);
	assert_int_equal(h.reader_errors, 2);
	assert_true(h.disk_free_bytes > 0);
	assert_true(h.uptime_s > 0);
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 2);
	/* October took the two errors; November counts from there */
	assert_int_equal(store_checkpoint_get(f->st, "2026-10", &c), 0);
	assert_int_equal(c.cp.health.reader_errors, 2);
	assert_int_equal(c.cp.health.untrusted, 0);
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
	assert_int_equal(c.cp.health.reader_errors, 0);
	assert_int_equal(c.cp.health.untrusted, 1);
}

/* ---- bundles ---- */

static void make(struct fx *f, int64_t now, const char *month, uint8_t **zip,
		 size_t *len, enum bundle_status *st)
{
	struct bundling_deps d = {f->st, &f->conf, &f->key, now};
	char name[BUNDLE_FILE_NAME_MAX], why[BUNDLE_WHY_MAX];

	if (bundling_make(&d, month, zip, len, st, name, why, sizeof(why)))
		fail_msg("bundling_make %s: %s", month, why);
	assert_true(strstr(name, month) != NULL);
}

static void check_cb(void *ud, enum bundle_check c, bool ok, const char *d)
{
	if (!ok)
		fail_msg("%s: %s", bundle_check_name(c), d);
	++*(int *)ud;
}

static const struct bundle_manifest *verified(struct bundle **b,
					      const uint8_t *zip, size_t len)
{
	const struct bundle_manifest *m;
	char why[BUNDLE_WHY_MAX];
	int n = 0;

	assert_int_equal(bundle_open_mem(zip, len, b, why, sizeof(why)), 0);
	assert_int_equal(bundle_verify(*b, check_cb, &n), 0);
	assert_int_equal(n, BUNDLE_CHECKS - 1);
	assert_int_equal(bundle_manifest_get(*b, &m, why, sizeof(why)), 0);
	return m;
}

static void
test_bundling_complete_month_is_the_same_bytes_after_corrections(void **state)
{
	struct fx *f = *state;
	struct closing_deps d = deps(f, 0);
	struct excuse e;
	struct bundlefix a, b;
	struct bundle *bb;
	const struct bundle_manifest *m;
	enum bundle_status st;
	uint8_t *z1, *z2;
	size_t l1, l2;
	char why[CLOSING_WHY_MAX];
	const char *html;
	int n;

	/* October closes on November 3rd, as it should; November's rows
	 * follow its checkpoint.  (Had October closed later, November's
	 * punches would have travelled in October's bundle: a bundle is a
	 * run of rows, docs/bundle.md.) */
	setup_october(f);
	d.now_utc = at(2026, 11, 3, 23, 59);
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 1);
	punch_november(f);
	d.now_utc = at(2026, 12, 4, 9, 30);
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 1);
	make(f, at(2026, 12, 4, 10, 0), "2026-11", &z1, &l1, &st);
	assert_int_equal(st, BUNDLE_COMPLETE);
	m = verified(&bb, z1, l1);
	assert_string_equal(m->period, "2026-11");
	assert_int_equal(m->closed_utc, at(2026, 12, 4, 9, 30));
	assert_int_equal(m->counts[bundle_kind_index("punch")], 4);
	assert_int_equal(m->counts[bundle_kind_index("checkpoint")], 1);
	assert_int_equal(m->health.untrusted, 1);
	assert_int_equal(m->nprofiles, 1);
	assert_int_equal(m->ncalendars, 1);
	assert_string_equal(m->profiles[0].name, "PPU 24/2018 5 hari");
	bundle_close(bb);

	/* a late sick note for November, and December's first punch */
	memset(&e, 0, sizeof(e));
	snprintf(e.person, sizeof(e.person), "101");
	e.from_day = e.to_day = civil_from_ymd(2026, 11, 5);
	snprintf(e.kind, sizeof(e.kind), "sakit");
	snprintf(e.reason, sizeof(e.reason), "demam");
	snprintf(e.by, sizeof(e.by), "sekdes");
	assert_int_equal(store_excuse_add(f->st, &e, at(2026, 12, 5, 9, 0)), 0);
	punch(f, "101", at(2026, 12, 7, 7, 15), 0);

	make(f, at(2027, 1, 20, 10, 0), "2026-11", &z2, &l2, &st);
	assert_int_equal(st, BUNDLE_COMPLETE);
	bundlefix_load(&a, z1, l1);
	bundlefix_load(&b, z2, l2);
	for (size_t i = 0; i < a.n; i++) {
		size_t lb;
		const char *eb = bundlefix_get(&b, a.e[i].name, &lb);

		assert_non_null(eb);
		assert_int_equal(a.e[i].len, lb);
		assert_memory_equal(a.e[i].data, eb, lb);
	}
	assert_int_equal(a.n, b.n);
	/* the whole archive too: entries are dated the closing time */
	assert_int_equal(l1, l2);
	assert_memory_equal(z1, z2, l1);
	/* stamped with the closing time, not the time of export */
	html = bundlefix_get(&a, BUNDLE_REKAP_HTML, NULL);
	assert_non_null(strstr(html, "2026-12-04 09:30:00 WIB"));
	assert_null(strstr(html, "2027-01-20"));
	bundlefix_free(&a);
	bundlefix_free(&b);
	free(z1);
	free(z2);
}

static void test_bundling_interim_runs_from_the_last_checkpoint(void **state)
{
	struct fx *f = *state;
	struct closing_deps d = deps(f, at(2026, 12, 4, 9, 30));
	struct bundle *bb;
	const struct bundle_manifest *m;
	struct bundling_deps bd = {f->st, &f->conf, &f->key,
				   at(2026, 12, 6, 8, 0)};
	char name[BUNDLE_FILE_NAME_MAX], why[BUNDLE_WHY_MAX];
	struct store_checkpoint c;
	enum bundle_status st;
	uint8_t *z;
	size_t l;
	int n;

	populate(f);
	/* before any close, the interim bundle of November starts at row 1 */
	make(f, at(2026, 11, 20, 12, 0), "2026-11", &z, &l, &st);
	assert_int_equal(st, BUNDLE_INTERIM);
	m = verified(&bb, z, l);
	assert_int_equal(m->first_seq, 1);
	assert_int_equal(m->closed_utc, at(2026, 11, 20, 12, 0));
	bundle_close(bb);
	free(z);
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	/* nothing since November closed: no interim bundle of December */
	assert_int_equal(bundling_make(&bd, "2026-12", &z, &l, &st, name, why,
				       sizeof(why)),
			 -ENOENT);
	assert_string_equal(why,
			    "nothing is recorded since 2026-11 was closed");
	assert_int_equal(bundling_make(&bd, "2027-01", &z, &l, &st, name, why,
				       sizeof(why)),
			 -EINVAL);
	assert_int_equal(bundling_make(&bd, "2026-09", &z, &l, &st, name, why,
				       sizeof(why)),
			 -EINVAL);
	punch(f, "101", at(2026, 12, 5, 7, 15), 0);
	make(f, at(2026, 12, 6, 8, 0), "2026-12", &z, &l, &st);
	assert_int_equal(st, BUNDLE_INTERIM);
	m = verified(&bb, z, l);
	assert_int_equal(store_checkpoint_get(f->st, "2026-11", &c), 0);
	assert_int_equal(m->first_seq, c.seq + 1);
	assert_int_equal(m->rows, 1);
	assert_string_equal(m->period, "2026-12");
	assert_string_equal(m->kecamatan, "Pucuk");
	bundle_close(bb);
	free(z);
}

static void test_bundling_never_carries_a_template(void **state)
{
	struct fx *f = *state;
	struct closing_deps d = deps(f, at(2026, 12, 4, 9, 30));
	struct bundlefix b;
	enum bundle_status st;
	char why[CLOSING_WHY_MAX];
	uint8_t *z;
	size_t l;
	int n;

	populate(f);
	assert_int_equal(closing_auto(&d, DAEMON, &n, why, sizeof(why)), 0);
	make(f, at(2026, 12, 4, 10, 0), "2026-10", &z, &l, &st);
	bundlefix_load(&b, z, l);
	for (size_t i = 0; i < b.n; i++) {
		assert_null(memmem(b.e[i].data, b.e[i].len, SECRET,
				   strlen(SECRET)));
		assert_null(strstr(b.e[i].name, "print"));
	}
	assert_null(memmem(z, l, SECRET, strlen(SECRET)));
	bundlefix_free(&b);
	free(z);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_closing_nothing_recorded_has_no_month_to_close),
		T(test_closing_refuses_running_future_closed_and_out_of_order),
		T(test_closing_auto_waits_for_the_day_then_closes_in_order),
		T(test_closing_auto_after_months_off_closes_each_in_turn),
		T(test_closing_health_counts_untrusted_and_reader_errors),
		T(test_bundling_complete_month_is_the_same_bytes_after_corrections),
		T(test_bundling_interim_runs_from_the_last_checkpoint),
		T(test_bundling_never_carries_a_template),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
