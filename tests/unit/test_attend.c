/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the punch path (attend.c) with its collaborators given as
 * arguments: a real SQLite store in a temp dir (faults through faultvfs),
 * the simulated clock, and a lights backend that records what it was told.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attend.h"
#include "store_report.h"
#include "civil.h"
#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "log.h"

static const char profile_text[] =
	"[profile]\nname = Uji 5 hari\nreference = Perbup Uji\n"
	"grace_s = 59\n[hours]\nmon = 07:30-16:00\ntue = 07:30-16:00\n"
	"wed = 07:30-16:00\nthu = 07:30-16:00\nfri = 07:30-11:00\n"
	"sat = libur\nsun = libur\n";

#define WIB 420

struct rec_backend {
	struct lights_backend base; /* must be first */
	enum light_state states[64];
	int n;
};

static int rec_set(struct lights_backend *be, unsigned int mask)
{
	(void)be;
	(void)mask;
	return 0;
}

static void rec_state(struct lights_backend *be, enum light_state st,
		      uint64_t ms)
{
	struct rec_backend *r = (struct rec_backend *)be;

	(void)ms;
	if (r->n < 64)
		r->states[r->n++] = st;
}

static void rec_destroy(struct lights_backend *be)
{
	(void)be; /* owned by the fixture */
}

struct fx {
	char *dir;
	char path[512];
	struct store *st;
	struct clock *clk;
	struct rec_backend be;
	struct lights *lights;
	struct facts *facts;
	struct attend_deps deps;
};

static int64_t local(const char *s)
{
	int64_t t;

	assert_int_equal(civil_local_parse(s, WIB, &t), 0);
	return t;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t key[CRYPTO_KEY_BYTES] = {1, 2, 3};
	char err[512], ver[PD_HASH_HEX];
	struct person p = {.id = "101", .name = "Budi", .jabatan = "Kasi"};

	log_init(LOG_TO_NONE, 0);
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(faultvfs_register(), 0);
	f->dir = testutil_tmpdir("attend");
	snprintf(f->path, sizeof(f->path), "%s/presensi.db", f->dir);
	assert_int_equal(store_open(f->path, FAULTVFS_NAME, 0, key, &f->st), 0);
	f->be.base.set = rec_set;
	f->be.base.state = rec_state;
	f->be.base.destroy = rec_destroy;
	assert_int_equal(lights_new(&f->be.base, 0, &f->lights), 0);
	assert_int_equal(clock_new(CLOCK_SOURCE_SIMULATED,
				   local("2026-11-23 07:00:00") * 1000, 1,
				   &f->clk),
			 0);
	assert_int_equal(civil_date_parse("2026-11-01", &p.since), 0);
	p.until = PD_DAY_OPEN;
	assert_int_equal(store_person_add(f->st, &p, local("2026-11-01 08:00"),
					  ACTOR("admin", 0)),
			 0);
	crypto_sha256_hex(profile_text, strlen(profile_text), ver);
	assert_int_equal(
		store_profile_add(f->st, p.since, ver, "Uji", profile_text,
				  local("2026-11-01 08:00"), ACTOR("admin", 0)),
		0);
	assert_int_equal(store_facts_load(f->st, &f->facts, err, sizeof(err)),
			 0);
	f->deps.store = f->st;
	f->deps.lights = f->lights;
	f->deps.clock = f->clk;
	f->deps.facts = f->facts;
	f->deps.offset_min = WIB;
	f->deps.duplicate_window_s = 120;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	faultvfs_disarm();
	facts_free(f->facts);
	lights_free(f->lights);
	clock_free(f->clk);
	store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

static struct attend_outcome scan_at(struct fx *f, const char *when,
				     enum scan_outcome o)
{
	struct attend_outcome out;

	assert_int_equal(clock_sim_set(f->clk, local(when) * 1000), 0);
	attend_on_scan(&f->deps, o, "101", "virtual_image/0", &out);
	return out;
}

static int count_rows(struct fx *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(faultvfs_query_int(f->path, sql, &n), 0);
	return (int)n;
}

static void test_attend_at_grace_end_is_ok_green(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out =
		scan_at(f, "2026-11-23 07:30:59", SCAN_MATCH);

	assert_int_equal(out.result, ATTEND_OK);
	assert_int_equal(out.light, LIGHT_OK);
	assert_true(out.punch.seq > 0);
	assert_int_equal(out.punch.local_sec, 7 * 3600 + 30 * 60 + 59);
	assert_true(out.punch.flags & PUNCH_F_SIMULATED);
	assert_false(out.punch.flags & PUNCH_F_SUPPRESSED);
	assert_int_equal(lights_current(f->lights), LIGHT_OK);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 1);
}

static void test_attend_one_second_after_grace_is_late_amber(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out =
		scan_at(f, "2026-11-23 07:31:00", SCAN_MATCH);

	assert_int_equal(out.result, ATTEND_LATE);
	assert_int_equal(out.mark, VERDICT_MARK_LATE);
	assert_int_equal(out.light, LIGHT_LATE);
}

static void test_attend_repeat_tap_is_stored_suppressed(void **state)
{
	struct fx *f = *state;
	struct attend_outcome a = scan_at(f, "2026-11-23 07:20:00", SCAN_MATCH);
	struct attend_outcome b = scan_at(f, "2026-11-23 07:21:59", SCAN_MATCH);
	struct attend_outcome c = scan_at(f, "2026-11-23 07:22:00", SCAN_MATCH);

	assert_int_equal(a.result, ATTEND_OK);
	assert_int_equal(b.result, ATTEND_DUPLICATE);
	assert_int_equal(b.light, LIGHT_FLAGGED);
	assert_true(b.punch.flags & PUNCH_F_SUPPRESSED);
	/* 120 s after the last accepted punch: accepted again */
	assert_int_not_equal(c.result, ATTEND_DUPLICATE);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 3);
	assert_int_equal(
		count_rows(f, "SELECT count(*) FROM punches WHERE flags & 1"),
		1);
}

static void test_attend_unknown_finger_counts_and_stores_no_punch(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out =
		scan_at(f, "2026-11-23 07:10:00", SCAN_NO_MATCH);
	int64_t n = 0;

	assert_int_equal(out.result, ATTEND_UNKNOWN);
	assert_int_equal(out.light, LIGHT_UNKNOWN);
	assert_int_equal(store_counter_get(f->st, "unknown_finger", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 0);
}

static void test_attend_retry_blinks_and_stores_nothing(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out =
		scan_at(f, "2026-11-23 07:10:00", SCAN_RETRY);

	assert_int_equal(out.result, ATTEND_RETRY);
	assert_int_equal(f->be.states[f->be.n - 1], LIGHT_RETRY);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 0);
}

static void test_attend_early_leave_is_amber(void **state)
{
	struct fx *f = *state;

	assert_int_equal(scan_at(f, "2026-11-23 07:25:00", SCAN_MATCH).result,
			 ATTEND_OK);
	struct attend_outcome out =
		scan_at(f, "2026-11-23 15:00:00", SCAN_MATCH);

	assert_int_equal(out.mark, VERDICT_MARK_EARLY);
	assert_int_equal(out.result, ATTEND_LATE);
	assert_int_equal(out.light, LIGHT_LATE);
	out = scan_at(f, "2026-11-23 16:05:00", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_OK);
}

static void test_attend_clock_behind_last_row_is_flagged(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out;

	assert_int_equal(scan_at(f, "2026-11-23 07:25:00", SCAN_MATCH).result,
			 ATTEND_OK);
	/* fake-hwclock after a power cut: the clock went back a day */
	out = scan_at(f, "2026-11-22 16:30:00", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_FLAGGED);
	assert_true(out.punch.flags & PUNCH_F_BACKWARD);
	assert_true(out.punch.flags & PUNCH_F_UNTRUSTED);
	assert_int_equal(out.light, LIGHT_FLAGGED);
	/* kept, never dropped */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 2);
}

static void test_attend_disk_full_lights_fault_and_keeps_chain(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out;
	int64_t rows = 0, bad = 0;
	char why[256];

	assert_int_equal(scan_at(f, "2026-11-23 07:25:00", SCAN_MATCH).result,
			 ATTEND_OK);
	faultvfs_arm(FAULTVFS_FULL, 0);
	out = scan_at(f, "2026-11-23 16:10:00", SCAN_MATCH);
	faultvfs_disarm();
	assert_int_equal(out.result, ATTEND_FAULT);
	assert_int_equal(out.store_rc, -ENOSPC);
	assert_int_equal(out.light, LIGHT_FAULT);
	assert_int_equal(lights_base(f->lights), LIGHT_FAULT);
	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 1);
	/* storage back: the next punch is stored and the fault clears */
	out = scan_at(f, "2026-11-23 16:11:00", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_OK);
	assert_int_equal(lights_base(f->lights), LIGHT_READY);
}

static void test_attend_refuse_untrusted_when_configured(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out;

	f->deps.refuse_untrusted = true;
	assert_int_equal(scan_at(f, "2026-11-23 07:25:00", SCAN_MATCH).result,
			 ATTEND_OK);
	out = scan_at(f, "2026-11-20 07:25:00", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_REFUSED);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 1);
}

static void test_attend_weekend_is_not_judged_green(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out =
		scan_at(f, "2026-11-28 10:00:00", SCAN_MATCH);

	assert_int_equal(out.mark, VERDICT_MARK_NONWORKING);
	assert_int_equal(out.result, ATTEND_OK);
}

/* After a disk-full, only a punch that is stored again clears the fault:
 * an unknown finger or a punch refused for its untrusted clock proves
 * nothing about storage, and a stored one (a duplicate tap included)
 * does. */
static void test_attend_fault_clears_only_when_a_punch_is_stored(void **state)
{
	struct fx *f = *state;
	struct attend_outcome out;

	f->deps.refuse_untrusted = true;
	assert_int_equal(scan_at(f, "2026-11-23 07:25:00", SCAN_MATCH).result,
			 ATTEND_OK);
	faultvfs_arm(FAULTVFS_FULL, 0);
	out = scan_at(f, "2026-11-23 07:30:00", SCAN_MATCH);
	faultvfs_disarm();
	assert_int_equal(out.result, ATTEND_FAULT);
	assert_int_equal(lights_base(f->lights), LIGHT_FAULT);
	/* nothing stored: the fault stays */
	out = scan_at(f, "2026-11-23 07:30:30", SCAN_NO_MATCH);
	assert_int_equal(lights_base(f->lights), LIGHT_FAULT);
	out = scan_at(f, "2026-11-20 07:30:00", SCAN_MATCH); /* clock back */
	assert_int_equal(out.result, ATTEND_REFUSED);
	assert_int_equal(out.punch.seq, 0);
	assert_int_equal(lights_base(f->lights), LIGHT_FAULT);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM punches"), 1);
	/* stored again, even as a suppressed repeat: the fault clears */
	out = scan_at(f, "2026-11-23 07:40:00", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_OK);
	out = scan_at(f, "2026-11-23 07:40:30", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_DUPLICATE);
	faultvfs_arm(FAULTVFS_FULL, 0);
	out = scan_at(f, "2026-11-23 07:41:00", SCAN_MATCH);
	faultvfs_disarm();
	assert_int_equal(lights_base(f->lights), LIGHT_FAULT);
	out = scan_at(f, "2026-11-23 07:41:30", SCAN_MATCH);
	assert_int_equal(out.result, ATTEND_DUPLICATE);
	assert_true(out.punch.seq > 0);
	assert_int_equal(lights_base(f->lights), LIGHT_READY);
	assert_int_equal(lights_current(f->lights), LIGHT_FLAGGED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_attend_at_grace_end_is_ok_green),
		T(test_attend_one_second_after_grace_is_late_amber),
		T(test_attend_repeat_tap_is_stored_suppressed),
		T(test_attend_unknown_finger_counts_and_stores_no_punch),
		T(test_attend_retry_blinks_and_stores_nothing),
		T(test_attend_early_leave_is_amber),
		T(test_attend_clock_behind_last_row_is_flagged),
		T(test_attend_disk_full_lights_fault_and_keeps_chain),
		T(test_attend_refuse_untrusted_when_configured),
		T(test_attend_fault_clears_only_when_a_punch_is_stored),
		T(test_attend_weekend_is_not_judged_green),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
