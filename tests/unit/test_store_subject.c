/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of a person's data rights in the store (UU 27/2022, DOMAIN
 * §6.5) on real SQLite files: forgetting a person's prints at once, as
 * audited ledger facts, while their attendance records stay.
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

#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store.h"

#define DAY0  20458	 /* 2026-01-05, a Monday, days since 1970-01-01 */
#define T0    1767571200 /* 2026-01-05T00:00:00Z */
#define NOW   (T0 + 86400 * 3)
#define ADMIN "sekdes"

static const uint8_t key1[CRYPTO_KEY_BYTES] = {0x11, 0x22, 0x33};

struct fx {
	char *dir;
	char path[512];
	struct store *st;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = testutil_tmpdir("subject");
	if (!f->dir)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/presensi.db", f->dir);
	if (store_open(f->path, NULL, 0, key1, &f->st) != 0)
		return -1;
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

static int64_t q(struct fx *f, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(faultvfs_query_int(f->path, sql, &v), 0);
	return v;
}

static void add_person(struct store *st, const char *id)
{
	struct person p = {.since = DAY0 - 30};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "Nama %s", id);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kasi");
	assert_int_equal(store_person_add(st, &p, NOW, ACTOR(ADMIN, 1001)), 0);
}

static int64_t add_print(struct store *st, const char *id, const char *finger)
{
	struct print_rec r = {.model = "virtual_image/0"};
	int64_t k = 0;

	snprintf(r.person, sizeof(r.person), "%s", id);
	snprintf(r.finger, sizeof(r.finger), "%s", finger);
	assert_int_equal(store_print_add(st, &r, (const uint8_t *)"tmpl", 4,
					 ACTOR(ADMIN, 1001), NOW, &k),
			 0);
	return k;
}

static void add_punch(struct store *st, const char *id, int64_t at)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.at_utc = at;
	p.local_day = (pd_day_t)((at + 7 * 3600) / 86400);
	p.local_sec = (int32_t)((at + 7 * 3600) % 86400);
	strcpy(p.source, "reader");
	strcpy(p.reader, "virtual_image/0");
	strcpy(p.clock, "ntp");
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	assert_int_equal(store_punch_add(st, &p, NOW), 0);
}

/* ---- forget-prints ---- */

static void
test_store_forget_prints_deletes_all_and_keeps_attendance(void **state)
{
	struct fx *f = *state;
	int64_t k1, k2, k3, rows = 0;
	int n = -1;

	add_person(f->st, "103");
	add_person(f->st, "104");
	k1 = add_print(f->st, "103", "right-index");
	k2 = add_print(f->st, "103", "left-index");
	k3 = add_print(f->st, "104", "right-index");
	add_punch(f->st, "103", T0 + 30);
	assert_int_equal(store_person_forget_prints(
				 f->st, "103", "permintaan yang bersangkutan",
				 NOW + 60, ACTOR(ADMIN, 1001), &n),
			 0);
	assert_int_equal(n, 2);
	/* the templates are gone, person 104's stays */
	assert_int_equal(q(f, "SELECT count(*) FROM prints WHERE person = "
			      "'103'"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM prints"), 1);
	assert_int_equal(q(f, "SELECT id FROM prints"), k3);
	/* one "print delete" row each, with the reason and who asked */
	assert_int_equal(
		q(f, "SELECT count(*) FROM ledger WHERE kind = 'print' AND "
		     "person = '103' AND data LIKE '%action=delete;%' AND data "
		     "LIKE '%reason=permintaan yang bersangkutan;by=" ADMIN
		     ";uid=1001'"),
		2);
	assert_int_equal(q(f, "SELECT count(*) FROM print_facts WHERE "
			      "action = 'delete' AND print IN (1, 2)"),
			 2);
	(void)k1;
	(void)k2;
	/* the audit says how many, never the bytes */
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget' AND subject = '103' AND detail = "
			      "'count=2;reason=permintaan yang bersangkutan'"),
			 1);
	/* attendance is an official record: it stays */
	assert_int_equal(q(f, "SELECT count(*) FROM punches WHERE person = "
			      "'103'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM periods WHERE person = "
			      "'103' AND until = 2147483647"),
			 1);
	assert_int_equal(store_chain_verify(f->st, &rows, NULL, NULL, 0), 0);
}

static void test_store_forget_prints_refuses_bad_input(void **state)
{
	struct fx *f = *state;
	char long_reason[PD_TEXT_MAX + 8];
	int n = -1;

	add_person(f->st, "103");
	assert_int_equal(store_person_forget_prints(f->st, "999", "r", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -ENOENT);
	assert_int_equal(store_person_forget_prints(f->st, "103", "", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -EINVAL);
	assert_int_equal(store_person_forget_prints(f->st, "103", "a\nb", NOW,
						    ACTOR(ADMIN, 1001), &n),
			 -EINVAL);
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	assert_int_equal(store_person_forget_prints(f->st, "103", long_reason,
						    NOW, ACTOR(ADMIN, 1001),
						    &n),
			 -EINVAL);
	/* nothing was written by the refusals */
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget'"),
			 0);
}

/* A person with no print: nothing to delete, and the request is still
 * on record. */
static void test_store_forget_prints_without_prints_is_recorded(void **state)
{
	struct fx *f = *state;
	int n = -1;

	add_person(f->st, "103");
	assert_int_equal(store_person_forget_prints(f->st, "103", "berhenti",
						    NOW, ACTOR(ADMIN, 1001),
						    &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'print'"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.forget' AND detail = "
			      "'count=0;reason=berhenti'"),
			 1);
}

static void test_store_forget_prints_read_only_is_erofs(void **state)
{
	struct fx *f = *state;
	struct store *ro = NULL;
	int n = -1;

	add_person(f->st, "103");
	add_print(f->st, "103", "right-index");
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &ro), 0);
	assert_int_equal(store_person_forget_prints(ro, "103", "r", NOW,
						    ACTOR(ADMIN, 1), &n),
			 -EROFS);
	store_close(ro);
	assert_int_equal(q(f, "SELECT count(*) FROM prints"), 1);
}

/* ---- everything the store holds about one person ---- */

/* What store_subject_each handed over, as one line per record. */
struct seen {
	char text[8192];
	int periods, prints, facts, punches, excuses, audit;
};

static void seen_add(struct seen *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void seen_add(struct seen *s, const char *fmt, ...)
{
	size_t n = strlen(s->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->text + n, sizeof(s->text) - n, fmt, ap);
	va_end(ap);
}

static int on_period(void *ud, const struct period *p)
{
	struct seen *s = ud;

	s->periods++;
	seen_add(s, "period %s %d %d\n", p->person, p->since - DAY0,
		 p->until == PD_DAY_OPEN ? -1 : p->until - DAY0);
	return 0;
}

static int on_print(void *ud, const struct print_rec *r)
{
	struct seen *s = ud;

	s->prints++;
	seen_add(s, "print %lld %s %s %s\n", (long long)r->key, r->person,
		 r->finger, r->model);
	return 0;
}

static int on_fact(void *ud, const struct store_print_fact *f)
{
	struct seen *s = ud;

	s->facts++;
	seen_add(s,
		 "fact %lld %s print=%lld %s consent=%s reason=%s by=%s/%lld "
		 "at=%lld\n",
		 (long long)f->seq, f->action, (long long)f->print, f->finger,
		 f->consent, f->reason, f->by, (long long)f->uid,
		 (long long)(f->recorded_utc - NOW));
	return 0;
}

static int on_punch(void *ud, const struct punch *p)
{
	struct seen *s = ud;

	s->punches++;
	seen_add(s, "punch %s %lld\n", p->person, (long long)(p->at_utc - T0));
	return 0;
}

static int on_excuse(void *ud, const struct excuse *e)
{
	struct seen *s = ud;

	s->excuses++;
	seen_add(s, "excuse %s %s revoked=%d\n", e->person, e->kind,
		 e->revoked);
	return 0;
}

static int on_audit(void *ud, const struct store_audit_rec *a)
{
	struct seen *s = ud;

	s->audit++;
	seen_add(s, "audit %s %s/%lld %s\n", a->action, a->actor,
		 (long long)a->uid, a->detail);
	return 0;
}

static const struct store_subject_fns all_fns = {
	on_period, on_print, on_fact, on_punch, on_excuse, on_audit,
};

static void
test_store_subject_each_gives_every_record_of_one_person(void **state)
{
	struct fx *f = *state;
	struct excuse e = {.person = "103",
			   .from_day = DAY0,
			   .to_day = DAY0,
			   .kind = "sakit",
			   .reason = "demam",
			   .by = ADMIN,
			   .by_uid = 1001};
	struct excuse other = {.person = "104",
			       .from_day = DAY0,
			       .to_day = DAY0,
			       .kind = "izin",
			       .reason = "x",
			       .by = ADMIN,
			       .by_uid = 1001};
	struct person who;
	struct seen s = {0};
	struct store *ro = NULL;
	int n;

	add_person(f->st, "103");
	add_person(f->st, "104");
	add_print(f->st, "103", "right-index"); /* print 1 */
	add_print(f->st, "103", "left-index");	/* print 2 */
	add_print(f->st, "104", "right-index"); /* print 3 */
	add_punch(f->st, "103", T0 + 30);
	add_punch(f->st, "104", T0 + 40);
	add_punch(f->st, "103", T0 + 3600);
	assert_int_equal(store_excuse_add(f->st, &e, NOW), 0);
	assert_int_equal(store_excuse_add(f->st, &other, NOW), 0);
	assert_int_equal(store_excuse_revoke(f->st, e.id, "salah input",
					     ACTOR(ADMIN, 1001), NOW),
			 0);
	assert_int_equal(store_person_forget_prints(f->st, "103", "diminta",
						    NOW + 5, ACTOR("root", 0),
						    &n),
			 0);
	add_print(f->st, "103", "right-thumb"); /* print 4, after */
	/* a report reads the database while the daemon is down */
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &ro), 0);
	assert_int_equal(store_subject_each(ro, "103", &who, &all_fns, &s), 0);
	store_close(ro);
	assert_string_equal(who.name, "Nama 103");
	assert_string_equal(who.jabatan, "Kasi");
	assert_int_equal(who.nprints, 1);
	assert_string_equal(
		s.text,
		"period 103 -30 -1\n"
		"print 4 103 right-thumb virtual_image/0\n"
		"fact 3 enrol print=1 right-index consent=" PD_CONSENT_VERSION
		" reason= by=sekdes/1001 at=0\n"
		"fact 4 enrol print=2 left-index consent=" PD_CONSENT_VERSION
		" reason= by=sekdes/1001 at=0\n"
		"fact 12 delete print=1 right-index consent= reason=diminta "
		"by=root/0 at=5\n"
		"fact 13 delete print=2 left-index consent= reason=diminta "
		"by=root/0 at=5\n"
		"fact 14 enrol print=4 right-thumb consent=" PD_CONSENT_VERSION
		" reason= by=sekdes/1001 at=0\n"
		"punch 103 30\n"
		"punch 103 3600\n"
		"excuse 103 sakit revoked=1\n"
		"audit person.add sekdes/1001 \n"
		"audit print.add sekdes/1001 finger=right-index;"
		"model=virtual_image/0\n"
		"audit print.add sekdes/1001 finger=left-index;"
		"model=virtual_image/0\n"
		"audit print.forget root/0 count=2;reason=diminta\n"
		"audit print.add sekdes/1001 finger=right-thumb;"
		"model=virtual_image/0\n");
	/* never a template: nothing the callbacks get holds its bytes */
	assert_null(strstr(s.text, "tmpl"));
}

static void test_store_subject_each_unknown_person_is_enoent(void **state)
{
	struct fx *f = *state;
	struct person who;
	struct seen s = {0};

	assert_int_equal(store_subject_each(f->st, "999", &who, &all_fns, &s),
			 -ENOENT);
	assert_int_equal(s.periods + s.prints + s.facts + s.punches, 0);
}

/* A callback's non-zero stops the walk and comes back; NULL callbacks
 * skip their kind. */
static int stop_at_punch(void *ud, const struct punch *p)
{
	(void)ud;
	(void)p;
	return 42;
}

static void test_store_subject_each_stops_on_callback(void **state)
{
	struct fx *f = *state;
	struct store_subject_fns fns = {.punch = stop_at_punch};
	struct person who;

	add_person(f->st, "103");
	add_punch(f->st, "103", T0 + 30);
	assert_int_equal(store_subject_each(f->st, "103", &who, &fns, NULL),
			 42);
	/* and the snapshot was ended: the store still writes */
	add_punch(f->st, "103", T0 + 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_deletes_all_and_keeps_attendance,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_refuses_bad_input, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_without_prints_is_recorded,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_forget_prints_read_only_is_erofs, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_subject_each_gives_every_record_of_one_person,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_subject_each_unknown_person_is_enoent,
			fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_store_subject_each_stops_on_callback, fx_setup,
			fx_teardown),
	};

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0 || faultvfs_register() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
