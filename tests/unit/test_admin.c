/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the daemon's admin commands (admin.c) over a real store:
 * each bad field is refused with one err line naming it, and nothing is
 * written; good commands write exactly their ledger rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "civil.h"
#include "crypto.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store_report.h"

struct fx {
	char *dir;
	struct store *st;
	struct clock *clk;
	struct conf conf;
	struct admin_ctx a;
	char reply[4096];
	int nreplies;
};

static void capture(void *ud, const char *line)
{
	struct fx *f = ud;

	snprintf(f->reply, sizeof(f->reply), "%s", line);
	f->nreplies++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t key[CRYPTO_KEY_BYTES] = {9};
	char path[512];
	int64_t t;

	log_init(LOG_TO_NONE, 0);
	assert_int_equal(crypto_init(), 0);
	f->dir = testutil_tmpdir("admin");
	snprintf(path, sizeof(path), "%s/p.db", f->dir);
	assert_int_equal(store_open(path, NULL, 0, key, &f->st), 0);
	conf_defaults(&f->conf);
	f->conf.offset_min = 420;
	assert_int_equal(civil_local_parse("2026-11-23 09:00", 420, &t), 0);
	assert_int_equal(
		clock_new(CLOCK_SOURCE_SIMULATED, t * 1000, 1, &f->clk), 0);
	f->a.store = f->st;
	f->a.conf = &f->conf;
	f->a.clock = f->clk;
	f->a.reply = capture;
	f->a.reply_ud = f;
	/* what server.c sets from the peer's credentials */
	snprintf(f->a.actor_name, sizeof(f->a.actor_name), "sekdes");
	f->a.actor_uid = 1001;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	clock_free(f->clk);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* Runs "cmd\tk=v\t..." and returns the reply line. */
static const char *run(struct fx *f, const char *req)
{
	char line[8192];
	struct control_msg m;

	snprintf(line, sizeof(line), "%s", req);
	assert_int_equal(control_parse(line, &m), 0);
	f->nreplies = 0;
	f->a.changed = 0;
	assert_int_equal(admin_dispatch(&f->a, &m), 0);
	assert_int_equal(f->nreplies, 1);
	return f->reply;
}

static int64_t ledger_rows(struct fx *f)
{
	int64_t seq = 0, utc;
	char h[PD_HASH_HEX];

	assert_int_equal(store_ledger_head(f->st, &seq, &utc, h), 0);
	return seq;
}

static void add_budi(struct fx *f)
{
	assert_string_equal(run(f, "person-add\tid=101\tname=Budi Santoso\t"
				   "jabatan=Kaur Keuangan\tsince=2026-11-01"),
			    "ok\tid=101\n");
}

static void test_admin_person_add_then_duplicate_is_eexist(void **state)
{
	struct fx *f = *state;
	struct person p;

	add_budi(f);
	assert_int_equal(store_person_get(f->st, "101", &p), 0);
	assert_string_equal(p.name, "Budi Santoso");
	assert_int_equal(ledger_rows(f), 1);
	assert_non_null(strstr(run(f, "person-add\tid=101\tname=X\t"
				      "jabatan=Y"),
			       "err\tEEXIST"));
	assert_int_equal(ledger_rows(f), 1);
}

static void test_admin_bad_fields_are_named_and_nothing_stored(void **state)
{
	static const struct {
		const char *req;
		const char *needle;
	} rows[] = {
		{"person-add\tname=A\tjabatan=B", "id: required"},
		{"person-add\tid=a b\tname=A\tjabatan=B", "id: only"},
		{"person-add\tid=1\tjabatan=B", "name: required"},
		{"person-add\tid=1\tname=A", "jabatan: required"},
		{"person-add\tid=1\tname=A\tjabatan=B\tsince=2026-13-01",
		 "since: \"2026-13-01\" is not a date"},
		{"profile-import\tfile=x.ini\ttext=[profile]\n",
		 "from: required"},
		{"profile-import\tfrom=2026-11-01\tfile=x.ini\t"
		 "text=[bogus]\nkey = 1\n",
		 "x.ini:1:"},
		{"calendar-add\tdate=2026-12-31\tname=X\tkind=fiesta",
		 "kind: \"fiesta\""},
		{"excuse-add\tid=101\tfrom=2026-11-02\tkind=holiday\t"
		 "reason=r\tby=a",
		 "kind: \"holiday\""},
		{"excuse-add\tid=101\tfrom=2026-11-02\tkind=dinas-luar\t"
		 "reason=rapat\tby=a",
		 "document: the surat tugas number is required"},
		{"excuse-add\tid=101\tfrom=2026-11-03\tto=2026-11-02\t"
		 "kind=izin\treason=r\tby=a",
		 "to: before from"},
		{"excuse-add\tid=101\tfrom=2026-11-02\tto=2026-11-03\t"
		 "kind=izin\tpart=terlambat\treason=r\tby=a",
		 "partial excuse covers one day"},
		{"excuse-add\tid=999\tfrom=2026-11-02\tkind=izin\t"
		 "reason=r\tby=a",
		 "no person 999"},
		{"punch-manual\tid=101\tat=2026-11-23 10:00\treason=r\tby=a",
		 "is in the future"},
		{"punch-manual\tid=101\tat=23/11/2026\treason=r\tby=a",
		 "is not a local time"},
		{"punch-manual\tid=101\tat=2026-11-20 07:00\tby=a",
		 "reason: required"},
		{"excuse-revoke\texcuse=abc\treason=r\tby=a",
		 "excuse: a number is required"},
	};
	struct fx *f = *state;

	add_budi(f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *r = run(f, rows[i].req);

		if (!strstr(r, rows[i].needle) || strncmp(r, "err\t", 4))
			fail_msg("row %zu: got \"%s\", wanted \"%s\"", i, r,
				 rows[i].needle);
		assert_int_equal(ledger_rows(f), 1);
	}
}

/* Text is stored once, in NFC; malformed UTF-8 never reaches a row, also
 * on the daemon's own path that skips the request table (first start). */
static void test_admin_text_is_utf8_and_stored_nfc(void **state)
{
	struct fx *f = *state;
	struct person p;

	assert_string_equal(run(f, "person-add\tid=102\tname=Jose\xcc\x81 "
				   "Santoso\tjabatan=Kaur Umum"),
			    "ok\tid=102\n");
	assert_int_equal(store_person_get(f->st, "102", &p), 0);
	assert_string_equal(p.name, "Jos\xc3\xa9 Santoso");
	assert_int_equal(ledger_rows(f), 1);
	assert_non_null(strstr(run(f, "person-add\tid=103\tname=Bud\xff\xfei\t"
				      "jabatan=Kasi"),
			       "err\tEINVAL\tname: not valid UTF-8"));
	assert_non_null(strstr(run(f, "calendar-add\tdate=2026-12-31\t"
				      "name=\xed\xa0\x80"),
			       "err\tEINVAL\tname: not valid UTF-8"));
	assert_int_equal(store_person_get(f->st, "103", &p), -ENOENT);
	assert_int_equal(ledger_rows(f), 1);
}

static void test_admin_excuse_add_and_revoke_are_ledger_rows(void **state)
{
	struct fx *f = *state;

	add_budi(f);
	assert_string_equal(run(f, "excuse-add\tid=101\tfrom=2026-11-02\t"
				   "to=2026-11-04\tkind=sakit\treason=demam\t"
				   "document=SK-1\tby=sekdes"),
			    "ok\texcuse=2\n");
	assert_string_equal(run(f, "excuse-revoke\texcuse=2\treason=salah "
				   "input\tby=sekdes"),
			    "ok\texcuse=2\n");
	assert_non_null(strstr(run(f, "excuse-revoke\texcuse=2\treason=x\t"
				      "by=sekdes"),
			       "already revoked"));
	assert_int_equal(ledger_rows(f), 3);
}

static int keep_punch(void *ud, const struct punch *p)
{
	struct punch *got = ud;

	if (got->seq)
		return -EEXIST; /* more than one punch: fail the caller */
	*got = *p;
	return 0;
}

static void test_admin_manual_punch_is_flagged_manual(void **state)
{
	struct fx *f = *state;
	struct punch got = {0};
	int n = 0;

	add_budi(f);
	assert_string_equal(run(f, "punch-manual\tid=101\tat=2026-11-20 "
				   "07:40\treason=alat rusak\tby=sekdes"),
			    "ok\tseq=2\n");
	pd_day_t d;

	assert_int_equal(civil_date_parse("2026-11-20", &d), 0);
	assert_int_equal(store_punch_each(f->st, d, d, "101", keep_punch, &got),
			 0);
	n = got.seq ? 1 : 0;
	assert_int_equal(n, 1);
	assert_true(got.flags & PUNCH_F_MANUAL);
	assert_int_equal(got.local_sec, 7 * 3600 + 40 * 60);
	assert_string_equal(got.source, "manual");
}

/* A profile: start 07:30 (or 08:00), grace 59 s, every weekday. */
#define PROFILE(start)                                                         \
	"[profile]\nname = Uji " start "\nreference = Perbup Uji\n"            \
	"grace_s = 59\n[hours]\nmon = " start "-16:00\ntue = " start           \
	"-16:00\nwed = " start "-16:00\nthu = " start "-16:00\nfri = " start   \
	"-16:00\nsat = libur\nsun = libur\n"

static void set_today(struct fx *f, const char *local)
{
	int64_t t;

	assert_int_equal(civil_local_parse(local, 420, &t), 0);
	clock_sim_set(f->clk, t * 1000);
}

static pd_day_t D(const char *s)
{
	pd_day_t d = 0;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

/* The rekap of day d for person 101: its report (free with report_free). */
static struct report *report_of(struct fx *f, const char *first,
				const char *last)
{
	struct report_opts o = {.kind = CIVIL_PERIOD_MONTH,
				.offset_min = 420,
				.desa_id = "1",
				.desa_name = "Uji"};
	struct report *r = NULL;
	char err[512];
	int64_t now;
	struct clock_reading cr;

	clock_read(f->clk, &cr);
	now = cr.utc_ms / 1000;
	civil_local_from_utc(now, 420, &o.today, &o.now_sec);
	o.now_utc = now;
	o.first = D(first);
	o.last = D(last);
	if (store_report_build(f->st, &o, &r, err, sizeof(err)) != 0)
		fail_msg("report: %s", err);
	return r;
}

/* On 2026-12-02 a profile imported --from 2026-11-16 turned a 2026-11-17
 * TL1 into on time, silently.  Now it takes retroactive and a reason, is
 * a row naming both days, and every report of a period it changed says
 * so; it never reaches into a closed month (DOMAIN §2.3). */
/* Closes month through the store as presensid's close does, with a
 * minimal frozen bundle (test_store_checkpoint.c tests the close itself). */
static int close_month_as(struct store *st, const char *month, int64_t now)
{
	static const struct store_frozen_file file = {"rekap.csv", "", "x", 1};
	static const struct store_frozen fz = {
		"3517012001",
		"Desa Uji",
		"Pucuk",
		"presensi test",
		"00000000000000000000000000000000000000000000000000000000000000"
		"00",
		&file,
		1,
	};
	struct ledger_checkpoint cp = {.auto_close = 0};
	int64_t seq;

	snprintf(cp.month, sizeof(cp.month), "%s", month);
	return store_checkpoint_add(st, &cp, &fz, ACTOR("sekdes", 0), now,
				    &seq);
}

static void test_admin_retroactive_profile_import_is_explicit(void **state)
{
	struct fx *f = *state;
	struct report *r;
	int64_t rows;

	add_budi(f);
	set_today(f, "2026-11-16 06:00");
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-16\t"
				      "file=a.ini\ttext=" PROFILE("07:30")),
			       "ok\tversion="));
	set_today(f, "2026-12-02 09:00");
	assert_non_null(strstr(run(f, "punch-manual\tid=101\tat=2026-11-17 "
				      "07:40\treason=alat mati"),
			       "ok\tseq="));
	r = report_of(f, "2026-11-01", "2026-11-30");
	assert_int_equal(r->total.tl[1].count, 1);
	assert_int_equal(r->nretro, 0);
	report_free(r);
	rows = ledger_rows(f);
	/* the import that re-judged history without a word: refused */
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-16\t"
				      "file=b.ini\ttext=" PROFILE("08:00")),
			       "err\tEPERM\tfrom: 2026-11-16 is before today "
			       "(2026-12-02)"));
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-16\t"
				      "retroactive=1\tfile=b.ini\t"
				      "text=" PROFILE("08:00")),
			       "err\tEINVAL\treason: required"));
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-12-02\t"
				      "retroactive=1\treason=x\tfile=b.ini\t"
				      "text=" PROFILE("08:00")),
			       "err\tEINVAL\tretroactive: from 2026-12-02 is "
			       "not before today"));
	assert_int_equal(ledger_rows(f), rows);
	r = report_of(f, "2026-11-01", "2026-11-30");
	assert_int_equal(r->total.tl[1].count, 1);
	report_free(r);
	/* the explicit act: one audited row naming both days */
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-16\t"
				      "retroactive=1\treason=Perbup 9/2026 "
				      "tanggal 14 November 2026\t"
				      "file=b.ini\ttext=" PROFILE("08:00")),
			       "ok\tversion="));
	assert_int_equal(ledger_rows(f), rows + 1);
	r = report_of(f, "2026-11-01", "2026-11-30");
	assert_int_equal(r->total.tl[1].count, 0); /* 07:40 is on time now */
	assert_int_equal(r->nretro, 1);
	assert_int_equal(r->retro[0].from_day, D("2026-11-16"));
	assert_int_equal(r->retro[0].on_day, D("2026-12-02"));
	assert_string_equal(r->retro[0].reason,
			    "Perbup 9/2026 tanggal 14 November 2026");
	assert_string_equal(r->retro[0].by, "sekdes");
	report_free(r);
	/* periods it did not change do not name it */
	r = report_of(f, "2026-12-02", "2026-12-02");
	assert_int_equal(r->nretro, 0);
	report_free(r);
	r = report_of(f, "2026-11-01", "2026-11-15");
	assert_int_equal(r->nretro, 0);
	report_free(r);
	/* November closed: never again, retroactive or not */
	assert_int_equal(close_month_as(f->st, "2026-11", 0), 0);
	rows = ledger_rows(f);
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-30\t"
				      "retroactive=1\treason=r\tfile=c.ini\t"
				      "text=" PROFILE("07:30")),
			       "err\tEPERM\tfrom: 2026-11-30 is in a closed "
			       "month (2026-11 closed by ledger seq"));
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-11-30\t"
				      "retroactive=1\treason=r\tfile=c.ini\t"
				      "text=" PROFILE("07:30")),
			       "from 2026-12-01 at the earliest"));
	assert_int_equal(ledger_rows(f), rows);
	assert_non_null(strstr(run(f, "profile-import\tfrom=2026-12-01\t"
				      "retroactive=1\treason=r\tfile=c.ini\t"
				      "text=" PROFILE("07:30")),
			       "ok\tversion="));
}

static void test_admin_calendar_remove_is_audited_like_add(void **state)
{
	struct fx *f = *state;
	struct facts *facts;
	char err[256];
	int64_t rows;

	assert_string_equal(run(f,
				"calendar-add\tdate=2026-12-24\t"
				"name=Cuti bersama Natal\tkind=cuti_bersama"),
			    "ok\n");
	rows = ledger_rows(f);
	assert_non_null(strstr(run(f, "calendar-remove\tdate=2026-12-24"),
			       "err\tEINVAL\treason: required"));
	assert_non_null(
		strstr(run(f, "calendar-remove\tdate=2026-12-23\t"
			      "reason=x"),
		       "err\tENOENT\tdate: 2026-12-23 is not a holiday"));
	assert_int_equal(ledger_rows(f), rows);
	assert_string_equal(run(f, "calendar-remove\tdate=2026-12-24\t"
				   "reason=SKB perubahan"),
			    "ok\n");
	assert_true(f->a.changed & ADMIN_CHANGED_FACTS);
	assert_int_equal(ledger_rows(f), rows + 1);
	assert_int_equal(store_facts_load(f->st, &facts, err, sizeof(err)), 0);
	assert_int_equal(calendar_day(facts_calendar(facts), D("2026-12-24"),
				      NULL, NULL),
			 -ENOENT);
	assert_int_equal(facts_calendar_days_changed(facts), 2);
	facts_free(facts);
	/* and it can be added again */
	assert_string_equal(run(f, "calendar-add\tdate=2026-12-24\t"
				   "name=Cuti bersama Natal"),
			    "ok\n");
}

/* Manual punches and excuses were stored for days before a person's
 * start, after their last day, and in 1999. */
static void test_admin_records_outside_active_days_are_refused(void **state)
{
	static const struct {
		const char *req, *needle;
	} rows[] = {
		{"punch-manual\tid=101\tat=2026-10-31 07:40\treason=r",
		 "err\tERANGE\tat: 2026-10-31 is not an active day of person "
		 "101 (active 2026-11-01 to 2026-11-20)"},
		{"punch-manual\tid=101\tat=2026-11-21 07:40\treason=r",
		 "err\tERANGE\tat: 2026-11-21 is not an active day"},
		{"punch-manual\tid=101\tat=1999-11-20 07:40\treason=r",
		 "err\tEINVAL\tat: 1999-11-20 07:40 is before 2020-01-01"},
		{"excuse-add\tid=101\tfrom=2026-10-30\tto=2026-11-02\t"
		 "kind=izin\treason=r",
		 "err\tERANGE\tfrom: 2026-10-30 is not an active day"},
		{"excuse-add\tid=101\tfrom=2026-11-19\tto=2026-11-22\t"
		 "kind=cuti\treason=r",
		 "err\tERANGE\tfrom: 2026-11-21 is not an active day"},
		{"excuse-add\tid=101\tfrom=1999-11-19\tkind=izin\treason=r",
		 "err\tEINVAL\tfrom: 1999-11-19 is before 2020-01-01"},
		{"person-add\tid=102\tname=A\tjabatan=B\tsince=1999-01-04",
		 "err\tEINVAL\tsince: 1999-01-04 is before 2020-01-01"},
	};
	struct fx *f = *state;
	int64_t n;

	add_budi(f);
	assert_string_equal(run(f, "person-deactivate\tid=101\t"
				   "on=2026-11-20"),
			    "ok\tid=101\n");
	n = ledger_rows(f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *r = run(f, rows[i].req);

		if (!strstr(r, rows[i].needle))
			fail_msg("row %zu: got \"%s\", wanted \"%s\"", i, r,
				 rows[i].needle);
		assert_int_equal(ledger_rows(f), n);
	}
	/* inside the period both are stored */
	assert_non_null(strstr(run(f, "punch-manual\tid=101\tat=2026-11-20 "
				      "07:40\treason=r"),
			       "ok\tseq="));
	assert_non_null(strstr(run(f, "excuse-add\tid=101\tfrom=2026-11-01\t"
				      "to=2026-11-20\tkind=izin\treason=r"),
			       "ok\texcuse="));
}

static void test_admin_clock_set_only_when_simulated(void **state)
{
	struct fx *f = *state;
	struct clock *sys;
	struct clock_reading r;
	int64_t t;

	assert_string_equal(run(f, "clock-set\tat=2026-11-24 07:29:00"),
			    "ok\tat=2026-11-24 07:29:00\n");
	clock_read(f->clk, &r);
	assert_int_equal(civil_local_parse("2026-11-24 07:29:00", 420, &t), 0);
	assert_true(r.utc_ms / 1000 - t < 5);
	assert_int_equal(clock_new(CLOCK_SOURCE_SYSTEM, 0, 1, &sys), 0);
	f->a.clock = sys;
	assert_non_null(strstr(run(f, "clock-set\tat=2026-11-24 07:29:00"),
			       "err\tEPERM"));
	f->a.clock = f->clk;
	clock_free(sys);
}

static void test_admin_unknown_command_is_enoent(void **state)
{
	struct fx *f = *state;
	char line[] = "frobnicate\tx=1";
	struct control_msg m;

	assert_int_equal(control_parse(line, &m), 0);
	assert_int_equal(admin_dispatch(&f->a, &m), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_admin_person_add_then_duplicate_is_eexist),
		T(test_admin_bad_fields_are_named_and_nothing_stored),
		T(test_admin_text_is_utf8_and_stored_nfc),
		T(test_admin_excuse_add_and_revoke_are_ledger_rows),
		T(test_admin_manual_punch_is_flagged_manual),
		T(test_admin_retroactive_profile_import_is_explicit),
		T(test_admin_calendar_remove_is_audited_like_add),
		T(test_admin_records_outside_active_days_are_refused),
		T(test_admin_clock_set_only_when_simulated),
		T(test_admin_unknown_command_is_enoent),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
