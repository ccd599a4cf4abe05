/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of replay.c: rows written by the box's encoders, decoded,
 * replayed and judged by the core's report builder.  People and periods
 * over two devices, excuses and revocations per device, profiles and
 * calendars with texts the kecamatan has or lacks, removed days, and
 * which rows are corrections after a month was closed.
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
#include "ledger_decode.h"
#include "replay.h"

#define DAY(y, m, d) civil_from_ymd((y), (m), (d))
#define WIB	     420

static const char profile_5hari[] = "[profile]\n"
				    "name = Uji 5 hari\n"
				    "reference = Perbup Uji 1/2026\n"
				    "grace_s = 59\n"
				    "[hours]\n"
				    "mon = 07:30-16:00\n"
				    "tue = 07:30-16:00\n"
				    "wed = 07:30-16:00\n"
				    "thu = 07:30-16:00\n"
				    "fri = 07:30-11:00\n"
				    "sat = libur\n"
				    "sun = libur\n";

static const char profile_6hari[] = "[profile]\n"
				    "name = Uji 6 hari\n"
				    "reference = Perbup Uji 2/2026\n"
				    "grace_s = 59\n"
				    "[hours]\n"
				    "mon = 07:30-14:30\n"
				    "tue = 07:30-14:30\n"
				    "wed = 07:30-14:30\n"
				    "thu = 07:30-14:30\n"
				    "fri = 07:30-11:00\n"
				    "sat = 07:30-13:30\n"
				    "sun = libur\n";

static const char calendar_2026[] = "[calendar]\n"
				    "year = 2026\n"
				    "name = Uji 2026\n"
				    "reference = SKB Uji\n"
				    "[libur]\n"
				    "2026-11-10 = Hari Uji\n"
				    "2026-11-11 = Hari Uji Kedua\n"
				    "[cuti_bersama]\n"
				    "[lokal]\n";

/* the texts the "kecamatan" holds, by version */
struct texts {
	const char *text[4];
	char version[4][PD_HASH_HEX];
	int n;
};

static const char *hold(struct texts *t, const char *text)
{
	t->text[t->n] = text;
	crypto_sha256_hex(text, strlen(text), t->version[t->n]);
	return t->version[t->n++];
}

static int text_fn(void *ud, const char *version, char **text)
{
	struct texts *t = ud;

	for (int i = 0; i < t->n; i++)
		if (strcmp(t->version[i], version) == 0) {
			*text = strdup(t->text[i]);
			return *text ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static char err[REPLAY_ERR_MAX];

/* Decodes a row of kind/person/data and replays it as (dev, seq). */
static int add(struct replay *rp, int64_t dev, int64_t seq, const char *kind,
	       const char *person, int64_t at, const char *data)
{
	struct ledger_fact f;
	struct ledger_row r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.person, sizeof(r.person), "%s", person);
	r.at_utc = at;
	snprintf(r.data, sizeof(r.data), "%s", data);
	assert_int_equal(ledger_decode(&r, &f, err, sizeof(err)), 0);
	return replay_add(rp, dev, seq, &f, err, sizeof(err));
}

static void person(struct replay *rp, int64_t dev, int64_t seq, const char *id,
		   const char *action, pd_day_t day)
{
	char d[LEDGER_DATA_MAX];

	assert_int_equal(
		ledger_person_data(LEDGER_FORMAT, action, "Nama", "Kasi",
				   strcmp(action, "deactivate") ? "since"
								: "until",
				   day, ACTOR("sekdes", 1000), d),
		0);
	assert_int_equal(add(rp, dev, seq, LEDGER_PERSON, id, 0, d), 0);
}

static void profile(struct replay *rp, int64_t dev, int64_t seq, pd_day_t from,
		    const char *version)
{
	char d[LEDGER_DATA_MAX];

	assert_int_equal(ledger_profile_data(LEDGER_FORMAT, from, version,
					     "profil", ACTOR("sekdes", 1000),
					     PD_DAY_OPEN, NULL, d),
			 0);
	assert_int_equal(add(rp, dev, seq, LEDGER_PROFILE, "", 0, d), 0);
}

static int64_t excuse(struct replay *rp, int64_t dev, int64_t seq,
		      const char *id, const char *kind, pd_day_t from,
		      pd_day_t to)
{
	char d[LEDGER_DATA_MAX];
	struct excuse e;

	memset(&e, 0, sizeof(e));
	snprintf(e.person, sizeof(e.person), "%s", id);
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	snprintf(e.reason, sizeof(e.reason), "uji");
	snprintf(e.by, sizeof(e.by), "sekdes");
	e.from_day = from;
	e.to_day = to;
	assert_int_equal(ledger_excuse_data(LEDGER_FORMAT, &e, d), 0);
	assert_int_equal(add(rp, dev, seq, LEDGER_EXCUSE, id, 0, d), 0);
	return seq;
}

static int revoke(struct replay *rp, int64_t dev, int64_t seq, const char *id,
		  int64_t excuse_seq)
{
	char d[LEDGER_DATA_MAX];

	assert_int_equal(ledger_revoke_data(LEDGER_FORMAT, excuse_seq, "salah",
					    ACTOR("sekdes", 1000), d),
			 0);
	return add(rp, dev, seq, LEDGER_REVOKE, id, 0, d);
}

static void checkpoint(struct replay *rp, int64_t dev, int64_t seq,
		       const char *month)
{
	char d[LEDGER_DATA_MAX];

	snprintf(d, sizeof(d),
		 "v=2;month=%s;auto=0;uptime=1;untrusted=0;reader_errors=0;"
		 "disk_free=1;by=sekdes;uid=1000",
		 month);
	assert_int_equal(
		add(rp, dev, seq, LEDGER_CHECKPOINT, "", 1796230740, d), 0);
}

/* The month's report of everyone, judged as of a day after it. */
static struct report *month_report(struct replay *rp, struct texts *t, int y,
				   int m)
{
	struct report_opts o;
	struct report_builder *b;
	struct report *r;
	struct facts *f;

	memset(&o, 0, sizeof(o));
	o.kind = CIVIL_PERIOD_MONTH;
	o.first = DAY(y, m, 1);
	o.last = DAY(y, m, civil_days_in_month(y, m));
	o.today = o.last + 10;
	o.offset_min = WIB;
	o.desa_id = "3517012001";
	o.desa_name = "Sukamaju";
	assert_int_equal(replay_facts(rp, o.first, o.last, text_fn, t, &f, err,
				      sizeof(err)),
			 0);
	assert_int_equal(report_builder_new(&o, f, &b, err, sizeof(err)), 0);
	assert_int_equal(replay_feed(rp, b), 0);
	assert_int_equal(report_builder_finish(b, &r), 0);
	facts_free(f);
	return r;
}

static void test_replay_periods_over_two_devices(void **state)
{
	struct texts t = {0};
	struct replay *rp;
	struct report *r;

	(void)state;
	assert_int_equal(replay_new(&rp), 0);
	profile(rp, 1, 1, DAY(2026, 1, 1), hold(&t, profile_5hari));
	person(rp, 1, 2, "101", "add", DAY(2026, 11, 2));
	person(rp, 1, 3, "102", "add", DAY(2026, 11, 2));
	person(rp, 1, 4, "102", "deactivate", DAY(2026, 11, 6));
	person(rp, 1, 5, "102", "reactivate", DAY(2026, 11, 16));
	/* the box is replaced: its successor starts at row 1 again */
	profile(rp, 2, 1, DAY(2026, 11, 23), t.version[0]);
	person(rp, 2, 2, "101", "add", DAY(2026, 11, 23));
	person(rp, 2, 3, "103", "add", DAY(2026, 11, 23));
	assert_int_equal(replay_people(rp), 3);
	r = month_report(rp, &t, 2026, 11);
	assert_int_equal(r->npeople, 3);
	/* November 2026 has 21 working days from Mon 2 to Mon 30 */
	assert_string_equal(r->people[0].p.id, "101");
	assert_int_equal(r->people[0].r.hari_kerja, 21);
	/* 102: 2-6 (5 days), then 16-30 (11 days) */
	assert_int_equal(r->people[1].r.hari_kerja, 16);
	/* 103 from Monday 23: 6 days */
	assert_int_equal(r->people[2].r.hari_kerja, 6);
	assert_int_equal(r->people[2].r.tk, 6);
	report_free(r);
	replay_free(rp);
}

static void test_replay_revocation_is_per_device(void **state)
{
	struct texts t = {0};
	struct replay *rp;
	struct report *r;

	(void)state;
	assert_int_equal(replay_new(&rp), 0);
	profile(rp, 1, 1, DAY(2026, 1, 1), hold(&t, profile_5hari));
	person(rp, 1, 2, "101", "add", DAY(2026, 11, 2));
	excuse(rp, 1, 3, "101", "sakit", DAY(2026, 11, 2), DAY(2026, 11, 4));
	excuse(rp, 1, 4, "101", "izin", DAY(2026, 11, 5), DAY(2026, 11, 5));
	assert_int_equal(revoke(rp, 1, 5, "101", 4), 0);
	/* seq 2 is a person row, not an excuse */
	assert_int_equal(revoke(rp, 1, 6, "101", 2), -EINVAL);
	assert_non_null(strstr(err, "not an excuse"));
	/* device 2 has no excuse 3 of its own */
	assert_int_equal(revoke(rp, 2, 1, "101", 3), -EINVAL);
	r = month_report(rp, &t, 2026, 11);
	assert_int_equal(r->people[0].r.excuse[EXCUSE_S], 3);
	assert_int_equal(r->people[0].r.excuse[EXCUSE_I], 0);
	assert_int_equal(r->people[0].r.tk, 21 - 3);
	report_free(r);
	replay_free(rp);
}

static void test_replay_refuses_rows_out_of_order_and_punches(void **state)
{
	struct replay *rp;
	struct ledger_fact f;

	(void)state;
	assert_int_equal(replay_new(&rp), 0);
	person(rp, 2, 5, "101", "add", DAY(2026, 11, 2));
	memset(&f, 0, sizeof(f));
	f.kind = LEDGER_FACT_PERSON;
	f.u.person.action = LEDGER_PERSON_ADD;
	assert_int_equal(replay_add(rp, 2, 5, &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(replay_add(rp, 1, 9, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "order"));
	f.kind = LEDGER_FACT_PUNCH;
	assert_int_equal(replay_add(rp, 2, 9, &f, err, sizeof(err)), -EINVAL);
	/* a deactivation needs an open period on the same device */
	f.kind = LEDGER_FACT_PERSON;
	snprintf(f.person, sizeof(f.person), "101");
	f.u.person.action = LEDGER_PERSON_DEACTIVATE;
	f.u.person.day = DAY(2026, 11, 30);
	assert_int_equal(replay_add(rp, 3, 1, &f, err, sizeof(err)), -EINVAL);
	replay_free(rp);
}

static void test_replay_profile_text_missing_only_matters_in_force(void **s)
{
	struct texts t = {0};
	struct replay *rp;
	struct facts *f;
	struct day_rule rule;
	enum calendar_kind hk;
	char missing[PD_HASH_HEX];

	(void)s;
	crypto_sha256_hex("not held", 8, missing);
	assert_int_equal(replay_new(&rp), 0);
	profile(rp, 1, 1, DAY(2026, 1, 1), hold(&t, profile_5hari));
	/* superseded the day after it took effect: judges only 2026-03-01 */
	profile(rp, 1, 2, DAY(2026, 3, 1), missing);
	profile(rp, 1, 3, DAY(2026, 3, 2), hold(&t, profile_6hari));
	profile(rp, 1, 4, DAY(2026, 12, 1), missing);
	assert_int_equal(replay_facts(rp, DAY(2026, 11, 1), DAY(2026, 11, 30),
				      text_fn, &t, &f, err, sizeof(err)),
			 0);
	assert_int_equal(facts_day(f, DAY(2026, 11, 7), &rule, &hk, NULL), 0);
	assert_true(rule.working); /* a Saturday under 6 hari */
	facts_free(f);
	assert_int_equal(replay_facts(rp, DAY(2026, 12, 1), DAY(2026, 12, 31),
				      text_fn, &t, &f, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "2026-12-01"));
	assert_int_equal(replay_facts(rp, DAY(2026, 3, 1), DAY(2026, 3, 31),
				      text_fn, &t, &f, err, sizeof(err)),
			 -ENOENT);
	replay_free(rp);
}

static void test_replay_calendar_add_and_remove_in_row_order(void **state)
{
	struct texts t = {0};
	struct replay *rp;
	struct facts *f;
	struct day_rule rule;
	enum calendar_kind hk;
	char d[LEDGER_DATA_MAX];

	(void)state;
	assert_int_equal(replay_new(&rp), 0);
	profile(rp, 1, 1, DAY(2026, 1, 1), hold(&t, profile_5hari));
	assert_int_equal(ledger_calendar_data(LEDGER_FORMAT,
					      hold(&t, calendar_2026),
					      "Uji 2026", ACTOR("s", 1), d),
			 0);
	assert_int_equal(add(rp, 1, 2, LEDGER_CALENDAR, "", 0, d), 0);
	assert_int_equal(ledger_calday_data(LEDGER_FORMAT, DAY(2026, 11, 23),
					    "lokal", "Hari Jadi", ACTOR("s", 1),
					    d),
			 0);
	assert_int_equal(add(rp, 1, 3, LEDGER_CALENDAR, "", 0, d), 0);
	assert_int_equal(add(rp, 1, 4, LEDGER_CALENDAR, "", 0,
			     "v=2;action=remove;day=2026-11-11;reason=isbat;"
			     "by=s;uid=1"),
			 0);
	assert_int_equal(replay_facts(rp, DAY(2026, 11, 1), DAY(2026, 11, 30),
				      text_fn, &t, &f, err, sizeof(err)),
			 0);
	assert_int_equal(facts_day(f, DAY(2026, 11, 10), &rule, &hk, NULL), 0);
	assert_int_equal(hk, CALENDAR_LIBUR);
	assert_int_equal(facts_day(f, DAY(2026, 11, 11), &rule, &hk, NULL), 0);
	assert_int_equal(hk, CALENDAR_NONE);
	assert_int_equal(facts_day(f, DAY(2026, 11, 23), &rule, &hk, NULL), 0);
	assert_int_equal(hk, CALENDAR_LOKAL);
	facts_free(f);
	replay_free(rp);
}

struct seen {
	int n;
	struct replay_correction c[8];
};

static int collect(void *ud, const struct replay_correction *c)
{
	struct seen *s = ud;

	if (s->n < 8)
		s->c[s->n] = *c;
	s->n++;
	return 0;
}

static void test_replay_rows_after_checkpoint_are_corrections(void **state)
{
	struct texts t = {0};
	struct replay *rp;
	struct seen s = {0};
	int64_t dev = 0, seq = 0;
	struct report *r;

	(void)state;
	assert_int_equal(replay_new(&rp), 0);
	profile(rp, 1, 1, DAY(2026, 1, 1), hold(&t, profile_5hari));
	person(rp, 1, 2, "101", "add", DAY(2026, 10, 1));
	excuse(rp, 1, 3, "101", "izin", DAY(2026, 11, 3), DAY(2026, 11, 3));
	checkpoint(rp, 1, 4, "2026-11");
	/* a late sick note for November, after it was closed */
	excuse(rp, 1, 5, "101", "sakit", DAY(2026, 11, 30), DAY(2026, 12, 1));
	/* about December only: not a correction */
	excuse(rp, 1, 6, "101", "izin", DAY(2026, 12, 2), DAY(2026, 12, 2));
	/* the replaced box's rows about November come after the closing */
	person(rp, 2, 1, "101", "add", DAY(2026, 11, 20));

	assert_true(replay_closed(rp, DAY(2026, 11, 1), &dev, &seq));
	assert_int_equal(dev, 1);
	assert_int_equal(seq, 4);
	assert_false(replay_closed(rp, DAY(2026, 12, 1), NULL, NULL));
	assert_false(replay_punch_correction(rp, 1, 3, DAY(2026, 11, 20)));
	assert_true(replay_punch_correction(rp, 1, 7, DAY(2026, 11, 20)));
	assert_false(replay_punch_correction(rp, 1, 7, DAY(2026, 12, 1)));
	assert_true(replay_punch_correction(rp, 2, 2, DAY(2026, 11, 20)));

	assert_int_equal(replay_corrections_each(rp, DAY(2026, 11, 1),
						 DAY(2026, 11, 30), collect,
						 &s),
			 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.c[0].seq, 5);
	assert_int_equal(s.c[0].kind, LEDGER_FACT_EXCUSE);
	assert_string_equal(s.c[0].person, "101");
	assert_int_equal(s.c[0].first, DAY(2026, 11, 30));
	assert_int_equal(s.c[0].last, DAY(2026, 11, 30));
	assert_int_equal(s.c[0].month, DAY(2026, 11, 1));
	assert_int_equal(s.c[1].dev, 2);
	assert_int_equal(s.c[1].kind, LEDGER_FACT_PERSON);
	s.n = 0;
	assert_int_equal(replay_corrections_each(rp, DAY(2026, 10, 1),
						 DAY(2026, 10, 31), collect,
						 &s),
			 0);
	assert_int_equal(s.n, 0);
	/* the correction changes the recompute: S on the 30th */
	r = month_report(rp, &t, 2026, 11);
	assert_int_equal(r->people[0].r.excuse[EXCUSE_S], 1);
	assert_int_equal(r->people[0].r.excuse[EXCUSE_I], 1);
	report_free(r);
	replay_free(rp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_periods_over_two_devices),
		cmocka_unit_test(test_replay_revocation_is_per_device),
		cmocka_unit_test(
			test_replay_refuses_rows_out_of_order_and_punches),
		cmocka_unit_test(
			test_replay_profile_text_missing_only_matters_in_force),
		cmocka_unit_test(
			test_replay_calendar_add_and_remove_in_row_order),
		cmocka_unit_test(
			test_replay_rows_after_checkpoint_are_corrections),
	};

	assert_int_equal(crypto_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
