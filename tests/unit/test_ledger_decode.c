/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of ledger_decode.c against the box's own encoders
 * (ledger_kinds.c): every kind written in format 1 and format 2 decodes
 * back to the record it was written from.  Kinds and keys no encoder in
 * this tree writes yet (print, a removed calendar day, a retroactive
 * profile) are decoded from the lines docs/ledger.md gives.
 * Malformed data is refused with a reason naming the key.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "ledger_decode.h"

#define DAY(y, m, d) civil_from_ymd((y), (m), (d))
#define HASH1	     "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static struct ledger_row row(const char *kind, const char *person,
			     int64_t at_utc, const char *data)
{
	struct ledger_row r;

	memset(&r, 0, sizeof(r));
	r.seq = 42;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.person, sizeof(r.person), "%s", person);
	r.recorded_utc = 1795000000;
	r.at_utc = at_utc;
	snprintf(r.data, sizeof(r.data), "%s", data);
	return r;
}

static int decode(const struct ledger_row *r, struct ledger_fact *f, char *err)
{
	return ledger_decode(r, f, err, LEDGER_DECODE_ERR_MAX);
}

static struct punch reader_punch(void)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "103");
	p.local_day = DAY(2026, 11, 23);
	p.local_sec = 27059;
	p.at_utc = civil_utc_from_local(p.local_day, p.local_sec, 420);
	p.flags = PUNCH_F_UNTRUSTED | PUNCH_F_BACKWARD;
	snprintf(p.source, sizeof(p.source), "reader");
	snprintf(p.reader, sizeof(p.reader), "virtual_image/0");
	snprintf(p.clock, sizeof(p.clock), "unsynced");
	snprintf(p.boot_id, sizeof(p.boot_id),
		 "3f0c2a8e-5b1d-4c7e-9a60-2d8f4e1b7c55");
	p.mono_ms = 4523187;
	p.by_uid = ACTOR_UID_NONE;
	return p;
}

static void check_punch(int fmt, const struct punch *p)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	assert_int_equal(ledger_punch_data(fmt, p, data), 0);
	r = row(LEDGER_PUNCH, p->person, p->at_utc, data);
	assert_int_equal(decode(&r, &f, err), 0);
	assert_int_equal(f.kind, LEDGER_FACT_PUNCH);
	assert_int_equal(f.fmt, fmt);
	assert_int_equal(f.u.punch.seq, 42);
	assert_string_equal(f.u.punch.person, p->person);
	assert_int_equal(f.u.punch.at_utc, p->at_utc);
	assert_int_equal(f.u.punch.local_day, p->local_day);
	assert_int_equal(f.u.punch.local_sec, p->local_sec);
	assert_int_equal(f.u.punch.flags, p->flags);
	assert_string_equal(f.u.punch.source, p->source);
	assert_string_equal(f.u.punch.reader, p->reader);
	assert_string_equal(f.u.punch.clock, p->clock);
	assert_string_equal(f.u.punch.boot_id, p->boot_id);
	assert_int_equal(f.u.punch.mono_ms, p->mono_ms);
	assert_string_equal(f.u.punch.reason, p->reason);
	assert_string_equal(f.u.punch.by, p->by);
	assert_int_equal(f.u.punch.by_uid,
			 fmt == LEDGER_FORMAT_1 || !(p->flags & PUNCH_F_MANUAL)
				 ? ACTOR_UID_NONE
				 : p->by_uid);
}

static void test_decode_reader_punch_both_formats_round_trip(void **state)
{
	struct punch p = reader_punch();

	(void)state;
	check_punch(LEDGER_FORMAT_1, &p);
	check_punch(LEDGER_FORMAT, &p);
	p.flags = PUNCH_F_ALL & ~PUNCH_F_MANUAL;
	check_punch(LEDGER_FORMAT, &p);
	p.flags = 0;
	check_punch(LEDGER_FORMAT, &p);
}

static void test_decode_manual_punch_keeps_reason_by_and_uid(void **state)
{
	struct punch p = reader_punch();

	(void)state;
	p.flags = PUNCH_F_MANUAL;
	snprintf(p.source, sizeof(p.source), "manual");
	p.reader[0] = '\0';
	snprintf(p.clock, sizeof(p.clock), "manual");
	/* every byte the escape must carry, and a CSV comma and quote */
	snprintf(p.reason, sizeof(p.reason),
		 "alat mati; listrik=padam 50%%, \"lagi\"\nbaris dua");
	snprintf(p.by, sizeof(p.by), "sekdes");
	p.by_uid = 1001;
	check_punch(LEDGER_FORMAT_1, &p);
	check_punch(LEDGER_FORMAT, &p);
}

static void test_decode_punch_needs_person_and_instant(void **state)
{
	struct punch p = reader_punch();
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	assert_int_equal(ledger_punch_data(LEDGER_FORMAT, &p, data), 0);
	r = row(LEDGER_PUNCH, "", p.at_utc, data);
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "person"));
	r = row(LEDGER_PUNCH, "103", 0, data);
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "at_utc"));
}

static void test_decode_manual_flag_without_reason_is_refused(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r =
		row(LEDGER_PUNCH, "103", 1795000000,
		    "v=2;day=2026-11-23;sec=27059;flags=manual;source=manual;"
		    "reader=;clock=manual;boot=x;mono=1");

	(void)state;
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "reason"));
}

static void check_person(int fmt, const char *action, const char *day_key,
			 enum ledger_person_action want)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	assert_int_equal(ledger_person_data(fmt, action, "Budi; \"Santoso\"",
					    "Kaur Keuangan", day_key,
					    DAY(2026, 11, 2),
					    ACTOR("sekdes", 1000), data),
			 0);
	r = row(LEDGER_PERSON, "103", 0, data);
	assert_int_equal(decode(&r, &f, err), 0);
	assert_int_equal(f.kind, LEDGER_FACT_PERSON);
	assert_int_equal(f.u.person.action, want);
	assert_string_equal(f.u.person.name, "Budi; \"Santoso\"");
	assert_string_equal(f.u.person.jabatan, "Kaur Keuangan");
	assert_int_equal(f.u.person.day, DAY(2026, 11, 2));
	assert_string_equal(f.u.person.by, "sekdes");
	assert_int_equal(f.u.person.uid,
			 fmt == LEDGER_FORMAT_1 ? ACTOR_UID_NONE : 1000);
}

static void test_decode_person_actions_both_formats(void **state)
{
	(void)state;
	for (int fmt = LEDGER_FORMAT_1; fmt <= LEDGER_FORMAT; fmt++) {
		check_person(fmt, "add", "since", LEDGER_PERSON_ADD);
		check_person(fmt, "reactivate", "since",
			     LEDGER_PERSON_REACTIVATE);
		check_person(fmt, "deactivate", "until",
			     LEDGER_PERSON_DEACTIVATE);
	}
}

static void test_decode_person_day_key_must_match_action(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r =
		row(LEDGER_PERSON, "103", 0,
		    "v=2;action=deactivate;name=A;jabatan=B;since=2026-11-02;"
		    "by=sekdes;uid=0");

	(void)state;
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "until"));
}

static void test_decode_profile_both_formats(void **state)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	for (int fmt = LEDGER_FORMAT_1; fmt <= LEDGER_FORMAT; fmt++) {
		assert_int_equal(ledger_profile_data(fmt, DAY(2026, 1, 1),
						     HASH1,
						     "PPU 24/2018 5 hari",
						     ACTOR("presensid", 998),
						     PD_DAY_OPEN, NULL, data),
				 0);
		r = row(LEDGER_PROFILE, "", 0, data);
		assert_int_equal(decode(&r, &f, err), 0);
		assert_int_equal(f.kind, LEDGER_FACT_PROFILE);
		assert_int_equal(f.u.profile.from_day, DAY(2026, 1, 1));
		assert_string_equal(f.u.profile.version, HASH1);
		assert_string_equal(f.u.profile.name, "PPU 24/2018 5 hari");
		assert_string_equal(f.u.profile.by, "presensid");
		assert_false(f.u.profile.retroactive);
	}
}

static void test_decode_retroactive_profile_names_both_days(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r = row(
		LEDGER_PROFILE, "", 0,
		"v=2;from=2026-10-01;version=" HASH1 ";name=Bondowoso 48/2023;"
		"by=sekdes;uid=1000;retroactive=1;on=2026-11-10;"
		"reason=Perbup 48/2023 berlaku 1 Oktober");

	(void)state;
	assert_int_equal(decode(&r, &f, err), 0);
	assert_true(f.u.profile.retroactive);
	assert_int_equal(f.u.profile.from_day, DAY(2026, 10, 1));
	assert_int_equal(f.u.profile.on_day, DAY(2026, 11, 10));
	assert_string_equal(f.u.profile.reason,
			    "Perbup 48/2023 berlaku 1 Oktober");
	/* format 1 never had them */
	r = row(LEDGER_PROFILE, "", 0,
		"from=2026-10-01;version=" HASH1 ";name=B;by=s;retroactive=1;"
		"on=2026-11-10;reason=x");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "retroactive"));
}

static void test_decode_calendar_import_add_and_remove(void **state)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	for (int fmt = LEDGER_FORMAT_1; fmt <= LEDGER_FORMAT; fmt++) {
		assert_int_equal(ledger_calendar_data(fmt, HASH1, "SKB 2026",
						      ACTOR("sekdes", 7), data),
				 0);
		r = row(LEDGER_CALENDAR, "", 0, data);
		assert_int_equal(decode(&r, &f, err), 0);
		assert_int_equal(f.kind, LEDGER_FACT_CALENDAR);
		assert_string_equal(f.u.calendar.version, HASH1);
		assert_string_equal(f.u.calendar.name, "SKB 2026");

		assert_int_equal(ledger_calday_data(fmt, DAY(2026, 11, 23),
						    "lokal", "Hari Jadi",
						    ACTOR("sekdes", 7), data),
				 0);
		r = row(LEDGER_CALENDAR, "", 0, data);
		assert_int_equal(decode(&r, &f, err), 0);
		assert_int_equal(f.kind, LEDGER_FACT_CALDAY_ADD);
		assert_int_equal(f.u.calday.day, DAY(2026, 11, 23));
		assert_string_equal(f.u.calday.kind, "lokal");
		assert_string_equal(f.u.calday.name, "Hari Jadi");
	}
	r = row(LEDGER_CALENDAR, "", 0,
		"v=2;action=remove;day=2026-03-20;reason=sidang isbat;"
		"by=sekdes;uid=1000");
	assert_int_equal(decode(&r, &f, err), 0);
	assert_int_equal(f.kind, LEDGER_FACT_CALDAY_DROP);
	assert_int_equal(f.u.calday.day, DAY(2026, 3, 20));
	assert_string_equal(f.u.calday.reason, "sidang isbat");
	/* removing a day is format 2 only */
	r = row(LEDGER_CALENDAR, "", 0,
		"action=remove;day=2026-03-20;reason=x;by=sekdes");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	/* a day's kind is one of three words */
	r = row(LEDGER_CALENDAR, "", 0,
		"v=2;action=add;day=2026-03-20;kind=bebas;name=x;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "kind"));
}

static void test_decode_excuse_and_revoke_both_formats(void **state)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;
	struct excuse e;

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.person, sizeof(e.person), "104");
	e.from_day = DAY(2026, 11, 24);
	e.to_day = DAY(2026, 11, 26);
	snprintf(e.kind, sizeof(e.kind), "dinas-luar");
	snprintf(e.reason, sizeof(e.reason), "rapat; di kecamatan");
	snprintf(e.document, sizeof(e.document), "090/45/2026");
	snprintf(e.by, sizeof(e.by), "sekdes");
	e.by_uid = 1000;
	for (int fmt = LEDGER_FORMAT_1; fmt <= LEDGER_FORMAT; fmt++) {
		assert_int_equal(ledger_excuse_data(fmt, &e, data), 0);
		r = row(LEDGER_EXCUSE, "104", 0, data);
		assert_int_equal(decode(&r, &f, err), 0);
		assert_int_equal(f.kind, LEDGER_FACT_EXCUSE);
		assert_int_equal(f.u.excuse.id, 42);
		assert_string_equal(f.u.excuse.person, "104");
		assert_int_equal(f.u.excuse.from_day, e.from_day);
		assert_int_equal(f.u.excuse.to_day, e.to_day);
		assert_string_equal(f.u.excuse.kind, "dinas-luar");
		assert_string_equal(f.u.excuse.part, "");
		assert_string_equal(f.u.excuse.reason, e.reason);
		assert_string_equal(f.u.excuse.document, e.document);
		assert_false(f.u.excuse.revoked);

		assert_int_equal(ledger_revoke_data(fmt, 17, "salah input",
						    ACTOR("sekdes", 1000),
						    data),
				 0);
		r = row(LEDGER_REVOKE, "104", 0, data);
		assert_int_equal(decode(&r, &f, err), 0);
		assert_int_equal(f.kind, LEDGER_FACT_REVOKE);
		assert_int_equal(f.u.revoke.excuse, 17);
		assert_string_equal(f.u.revoke.reason, "salah input");
	}
}

static void test_decode_excuse_checks_kind_part_and_days(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	r = row(LEDGER_EXCUSE, "104", 0,
		"v=2;from=2026-11-24;to=2026-11-24;kind=libur;part=;reason=x;"
		"document=;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_EXCUSE, "104", 0,
		"v=2;from=2026-11-24;to=2026-11-25;kind=izin;part=terlambat;"
		"reason=x;document=;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "one day"));
	r = row(LEDGER_EXCUSE, "104", 0,
		"v=2;from=2026-11-25;to=2026-11-24;kind=izin;part=;"
		"reason=x;document=;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
}

static void test_decode_print_rows(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	r = row(LEDGER_PRINT, "103", 0,
		"v=2;action=enrol;print=7;finger=right-index;"
		"model=virtual_image/0;consent=" HASH1 ";by=sekdes;uid=1000");
	assert_int_equal(decode(&r, &f, err), 0);
	assert_int_equal(f.kind, LEDGER_FACT_PRINT);
	assert_true(f.u.print.enrol);
	assert_int_equal(f.u.print.print, 7);
	assert_string_equal(f.u.print.finger, "right-index");
	r = row(LEDGER_PRINT, "103", 0,
		"v=2;action=delete;print=7;finger=right-index;"
		"model=virtual_image/0;reason=berhenti;by=sekdes;uid=1000");
	assert_int_equal(decode(&r, &f, err), 0);
	assert_false(f.u.print.enrol);
	assert_string_equal(f.u.print.reason, "berhenti");
}

static void test_decode_checkpoint_names_its_month(void **state)
{
	char data[LEDGER_DATA_MAX], err[LEDGER_DECODE_ERR_MAX];
	struct ledger_checkpoint c;
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	memset(&c, 0, sizeof(c));
	snprintf(c.month, sizeof(c.month), "2026-11");
	c.auto_close = 1;
	c.health.uptime_s = 86400;
	c.health.untrusted = 3;
	c.health.disk_free_bytes = 1234567890;
	assert_int_equal(ledger_checkpoint_data(LEDGER_FORMAT, &c,
						ACTOR("presensid", 998), data),
			 0);
	r = row(LEDGER_CHECKPOINT, "", 1796230740, data);
	assert_int_equal(decode(&r, &f, err), 0);
	assert_int_equal(f.kind, LEDGER_FACT_CHECKPOINT);
	assert_int_equal(f.u.checkpoint.at_utc, 1796230740);
	assert_string_equal(f.u.checkpoint.month, "2026-11");
	assert_int_equal(f.u.checkpoint.first, DAY(2026, 11, 1));
	assert_int_equal(f.u.checkpoint.last, DAY(2026, 11, 30));
	assert_true(f.u.checkpoint.automatic);
	assert_int_equal(f.u.checkpoint.uptime_s, 86400);
	assert_int_equal(f.u.checkpoint.untrusted, 3);
	assert_int_equal(f.u.checkpoint.reader_errors, 0);
	assert_int_equal(f.u.checkpoint.disk_free, 1234567890);
	assert_string_equal(f.u.checkpoint.by, "presensid");
	assert_int_equal(f.u.checkpoint.uid, 998);
	/* the box's own reader agrees */
	assert_int_equal(ledger_checkpoint_parse(data, &c), 0);
	assert_string_equal(c.month, f.u.checkpoint.month);
	/* a checkpoint is format 2 only, and needs its closing instant */
	r = row(LEDGER_CHECKPOINT, "", 1796230740,
		"month=2026-11;auto=1;uptime=1;untrusted=0;reader_errors=0;"
		"disk_free=1;by=presensid");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_CHECKPOINT, "", 0, data);
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_CHECKPOINT, "", 1796230740,
		"v=2;month=2026-13;auto=1;uptime=86400;untrusted=3;"
		"reader_errors=0;disk_free=1234567890;by=presensid;uid=998");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "month"));
}

static void test_decode_refuses_keys_out_of_order(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r = row(LEDGER_REVOKE, "104", 0,
				  "v=2;reason=x;excuse=17;by=s;uid=1");

	(void)state;
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "excuse"));
}

static void test_decode_refuses_unknown_missing_and_repeated_keys(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	r = row(LEDGER_REVOKE, "104", 0,
		"v=2;excuse=17;reason=x;by=s;uid=1;colour=red");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "colour"));
	r = row(LEDGER_REVOKE, "104", 0, "v=2;excuse=17;reason=x;by=s");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "uid"));
	r = row(LEDGER_REVOKE, "104", 0, "v=2;excuse=17;excuse=18;reason=x");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	/* format 1 has no uid */
	r = row(LEDGER_REVOKE, "104", 0, "excuse=17;reason=x;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_REVOKE, "104", 0, "excuse=17;reason=x;by=s;");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_REVOKE, "104", 0, "excuse=17;reason%=x;by=s");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
}

static void test_decode_refuses_bad_values(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	r = row(LEDGER_PUNCH, "103", 1795000000,
		"v=2;day=2026-11-23;sec=86400;flags=;source=reader;"
		"reader=r;clock=ntp;boot=b;mono=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "sec"));
	r = row(LEDGER_PUNCH, "103", 1795000000,
		"v=2;day=2026-11-23;sec=1;flags=late;source=reader;"
		"reader=r;clock=ntp;boot=b;mono=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "flags"));
	r = row(LEDGER_PUNCH, "103", 1795000000,
		"v=2;day=2026-11-23;sec=1;flags=;source=scanner;"
		"reader=r;clock=ntp;boot=b;mono=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_PUNCH, "103", 1795000000,
		"v=2;day=2026-11-31;sec=1;flags=;source=reader;"
		"reader=r;clock=ntp;boot=b;mono=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "day"));
	r = row(LEDGER_PUNCH, "103", 1795000000,
		"v=2;day=2026-11-23;sec=1;flags=;source=reader;"
		"reader=r;clock=ntp;boot=b;mono=-1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_PROFILE, "", 0,
		"v=2;from=2026-10-01;version=ABC;name=B;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "version"));
	r = row(LEDGER_REVOKE, "104", 0, "excuse=x;reason=x;by=s");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row(LEDGER_REVOKE, "104", 0, "excuse=17;reason=a%00b;by=s");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
}

static void test_decode_newer_format_and_unknown_kind(void **state)
{
	char err[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	struct ledger_row r;

	(void)state;
	r = row(LEDGER_REVOKE, "104", 0, "v=3;excuse=17;reason=x;by=s;uid=1");
	assert_int_equal(decode(&r, &f, err), -ENOTSUP);
	r = row(LEDGER_REVOKE, "104", 0, "v=1;excuse=17;reason=x;by=s");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	r = row("photo", "104", 0, "v=2;x=1");
	assert_int_equal(decode(&r, &f, err), -EINVAL);
	assert_non_null(strstr(err, "photo"));
	/* NULL err is allowed */
	assert_int_equal(ledger_decode(&r, &f, NULL, 0), -EINVAL);
}

static void test_decode_kind_names(void **state)
{
	(void)state;
	assert_string_equal(ledger_fact_kind_name(LEDGER_FACT_PUNCH), "punch");
	assert_string_equal(ledger_fact_kind_name(LEDGER_FACT_CALDAY_DROP),
			    "calendar");
	assert_string_equal(ledger_fact_kind_name(LEDGER_FACT_CHECKPOINT),
			    "checkpoint");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_decode_reader_punch_both_formats_round_trip),
		cmocka_unit_test(
			test_decode_manual_punch_keeps_reason_by_and_uid),
		cmocka_unit_test(test_decode_punch_needs_person_and_instant),
		cmocka_unit_test(
			test_decode_manual_flag_without_reason_is_refused),
		cmocka_unit_test(test_decode_person_actions_both_formats),
		cmocka_unit_test(test_decode_person_day_key_must_match_action),
		cmocka_unit_test(test_decode_profile_both_formats),
		cmocka_unit_test(
			test_decode_retroactive_profile_names_both_days),
		cmocka_unit_test(test_decode_calendar_import_add_and_remove),
		cmocka_unit_test(test_decode_excuse_and_revoke_both_formats),
		cmocka_unit_test(test_decode_excuse_checks_kind_part_and_days),
		cmocka_unit_test(test_decode_print_rows),
		cmocka_unit_test(test_decode_checkpoint_names_its_month),
		cmocka_unit_test(test_decode_refuses_keys_out_of_order),
		cmocka_unit_test(
			test_decode_refuses_unknown_missing_and_repeated_keys),
		cmocka_unit_test(test_decode_refuses_bad_values),
		cmocka_unit_test(test_decode_newer_format_and_unknown_kind),
		cmocka_unit_test(test_decode_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
