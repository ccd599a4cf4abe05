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
		T(test_admin_clock_set_only_when_simulated),
		T(test_admin_unknown_command_is_enoent),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
