/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of gallery.c on a real store in a temp directory: the prints
 * of active people load with their owners, a deactivated person's do not,
 * and the order puts the person expected now first, moves someone who
 * clocked in behind those still to come, and follows a new punch.
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

#include "civil.h"
#include "crypto.h"
#include "fakes/testutil.h"
#include "gallery.h"
#include "log.h"

#define OFFSET_MIN 420 /* WIB */
#define HM(h, m)   ((h)*3600 + (m)*60)

static const uint8_t key[CRYPTO_KEY_BYTES] = {7, 7, 7};

struct fx {
	char *dir;
	struct store *st;
	struct gallery *g;
	pd_day_t today;
	int64_t now;
};

static void person(struct fx *f, const char *id)
{
	struct person p = {.since = f->today - 30};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "Nama %s", id);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kasi");
	assert_int_equal(store_person_add(f->st, &p, f->now, ACTOR("test", 0)),
			 0);
}

static int64_t print(struct fx *f, const char *id, const char *finger)
{
	struct print_rec r = {0};
	uint8_t blob[64];
	int64_t k = 0;

	memset(blob, id[0], sizeof(blob));
	snprintf(r.person, sizeof(r.person), "%s", id);
	snprintf(r.finger, sizeof(r.finger), "%s", finger);
	snprintf(r.model, sizeof(r.model), "virtual_image/0");
	assert_int_equal(store_print_add(f->st, &r, blob, sizeof(blob),
					 ACTOR("test", 0), f->now, &k),
			 0);
	return k;
}

static struct punch punch_at(const char *id, pd_day_t day, int32_t sec)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.local_day = day;
	p.local_sec = sec;
	p.at_utc = civil_utc_from_local(day, sec, OFFSET_MIN);
	snprintf(p.source, sizeof(p.source), "reader");
	snprintf(p.clock, sizeof(p.clock), "ntp");
	return p;
}

static void punch(struct fx *f, const char *id, pd_day_t day, int32_t sec)
{
	struct punch p = punch_at(id, day, sec);

	assert_int_equal(store_punch_add(f->st, &p, f->now), 0);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[512];

	if (!f || !(f->dir = testutil_tmpdir("gallery")))
		return -1;
	snprintf(path, sizeof(path), "%s/presensi.db", f->dir);
	if (store_open(path, NULL, 0, key, &f->st) != 0 ||
	    gallery_new(&f->g) != 0)
		return -1;
	f->today = civil_from_ymd(2026, 11, 25); /* a Wednesday */
	f->now = civil_utc_from_local(f->today, HM(6, 0), OFFSET_MIN);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	gallery_free(f->g);
	store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

static void test_gallery_load_maps_prints_to_active_people(void **state)
{
	struct fx *f = *state;
	struct scanner_print *p = NULL;
	size_t n = 0;
	int64_t ka, kb, kb2, kc;

	person(f, "A");
	person(f, "B");
	person(f, "C");
	ka = print(f, "A", "right-index");
	kb = print(f, "B", "right-index");
	kb2 = print(f, "B", "left-index");
	kc = print(f, "C", "right-index");
	assert_int_equal(store_person_deactivate(f->st, "C", f->today - 1,
						 f->now, ACTOR("test", 0)),
			 0);
	assert_int_equal(gallery_load(f->g, f->st, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(gallery_count(f->g), 3);
	/* decrypted templates, as enrolled */
	assert_int_equal(p[0].blob_len, 64);
	assert_int_equal(p[0].blob[0], 'A');
	gallery_prints_free(p, n);
	assert_string_equal(gallery_person_of(f->g, ka), "A");
	assert_string_equal(gallery_person_of(f->g, kb), "B");
	assert_string_equal(gallery_person_of(f->g, kb2), "B");
	assert_null(gallery_person_of(f->g, kc)); /* deleted on leaving */
	assert_null(gallery_person_of(f->g, 99999));
}

/* Index of key in keys[0..n), or -1. */
static int pos(const int64_t *keys, size_t n, int64_t k)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i] == k)
			return (int)i;
	return -1;
}

static void test_gallery_order_follows_who_is_due(void **state)
{
	struct fx *f = *state;
	struct scanner_print *p = NULL;
	int64_t keys[8], ke, kl, kl2;
	size_t n = 0;
	struct punch in;

	person(f, "EARLY"); /* comes at 07:00, leaves 16:00 */
	person(f, "LATE");  /* comes at 08:30, leaves 16:30 */
	ke = print(f, "EARLY", "right-index");
	kl = print(f, "LATE", "right-index");
	kl2 = print(f, "LATE", "left-thumb");
	for (int d = 1; d <= 5; d++) {
		punch(f, "EARLY", f->today - d, HM(7, 0));
		punch(f, "EARLY", f->today - d, HM(16, 0));
		punch(f, "LATE", f->today - d, HM(8, 30));
		punch(f, "LATE", f->today - d, HM(16, 30));
	}
	assert_int_equal(gallery_load(f->g, f->st, &p, &n), 0);
	gallery_prints_free(p, n);

	/* 06:55: EARLY is due first */
	assert_int_equal(
		gallery_order(f->g, f->st, f->today, HM(6, 55), keys, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(keys[0], ke);
	/* every print of a person is tried, together */
	assert_true(abs(pos(keys, n, kl) - pos(keys, n, kl2)) == 1);

	/* 08:25: LATE is due, EARLY is already in (not due before 16:00) */
	in = punch_at("EARLY", f->today, HM(7, 1));
	assert_int_equal(store_punch_add(f->st, &in, f->now), 0);
	gallery_note_punch(f->g, &in);
	assert_int_equal(
		gallery_order(f->g, f->st, f->today, HM(8, 25), keys, &n), 0);
	assert_true(pos(keys, n, kl) < pos(keys, n, ke));
	assert_true(pos(keys, n, kl2) < pos(keys, n, ke));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)
		T(test_gallery_load_maps_prints_to_active_people),
		T(test_gallery_order_follows_who_is_due),
#undef T
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
