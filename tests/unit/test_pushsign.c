/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of presensid's side of the live push (pushsign.h) over a real
 * device store: sign-batch signs the statement of its own rows, which
 * verifies with crypto_sig_verify under the device key and equals the
 * statement rebuilt from the rows; ranges that are not its rows, and a
 * tampered row, are refused.  rules-publish takes a profile or calendar
 * signed by a pinned publisher into the ledger through the admin code,
 * once; another key, a retroactive day, a calendar that changes the past
 * are refused and write nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "fakes/faultvfs.h"
#include "fakes/kecbox.h"
#include "fakes/testutil.h"
#include "log.h"
#include "pushsign.h"
#include "rulepub.h"

#define DESA "3517012001"

static pd_day_t day(const char *s)
{
	pd_day_t d;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

static int64_t head_seq(struct store *st)
{
	int64_t seq = 0, utc;
	char h[PD_HASH_HEX];

	assert_int_equal(store_ledger_head(st, &seq, &utc, h), 0);
	return seq;
}

/* ---- sign-batch ---- */

struct sign_fx {
	struct kecbox b;
};

static int sign_setup(void **state)
{
	struct sign_fx *f = calloc(1, sizeof(*f));
	static const char *const ids[] = {"101", "102", "103", "104",
					  "105", "106", "107", "108"};

	log_init(LOG_TO_NONE, 0);
	assert_int_equal(crypto_init(), 0);
	kecbox_open(&f->b, DESA, "Sumberejo", 7);
	assert_int_equal(store_bulk_begin(f->b.st), 0);
	kecbox_rules(&f->b, day("2026-10-01"), kecbox_at(2026, 10, 1, 8, 0, 0));
	for (size_t i = 0; i < 8; i++)
		kecbox_person(&f->b, ids[i], "Perangkat", day("2026-10-01"),
			      kecbox_at(2026, 10, 1, 9, 0, (int)i));
	/* October and November: some 600 rows, more than one batch */
	kecbox_days(&f->b, ids, 8, day("2026-10-01"), day("2026-11-30"));
	assert_int_equal(store_bulk_end(f->b.st), 0);
	*state = f;
	return 0;
}

static int sign_teardown(void **state)
{
	struct sign_fx *f = *state;

	kecbox_close(&f->b);
	free(f);
	return 0;
}

struct rebuild {
	struct pushbatch b;
	struct ledger_row first, last;
	int n;
};

static int rebuild_row(void *ud, const struct ledger_row *r)
{
	struct rebuild *rb = ud;

	assert_int_equal(pushbatch_add(&rb->b, r), 0);
	if (!rb->n++)
		rb->first = *r;
	rb->last = *r;
	return 0;
}

/* The statement of rows first..last, built here from the rows. */
static void statement_of(struct kecbox *b, int64_t first, int64_t last,
			 char out[PUSHBATCH_STMT_MAX], struct rebuild *rb)
{
	pushbatch_init(&rb->b);
	rb->n = 0;
	assert_int_equal(store_ledger_each(b->st, first, last, rebuild_row, rb),
			 0);
	assert_true(pushbatch_statement(&rb->b, b->fingerprint, DESA, out) > 0);
}

static void test_pushsign_batch_verifies_under_the_device_key(void **state)
{
	struct sign_fx *f = *state;
	static const int64_t ranges[][2] = {{1, 1}, {1, 500}, {5, 9}, {501, 0}};
	struct pushsign s;
	struct rebuild rb;
	char stmt[PUSHBATCH_STMT_MAX], why[256];
	uint8_t sig[CRYPTO_SIG_BYTES];
	int64_t head = head_seq(f->b.st);

	assert_true(head > PUSHBATCH_ROWS_MAX);
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		int64_t first = ranges[i][0];
		int64_t last = ranges[i][1] ? ranges[i][1] : head;

		if (pushsign_batch(f->b.st, &f->b.key, DESA, first, last, &s,
				   why, sizeof(why)) != 0)
			fail_msg("%lld..%lld: %s", (long long)first,
				 (long long)last, why);
		statement_of(&f->b, first, last, stmt, &rb);
		assert_string_equal(s.statement, stmt);
		assert_int_equal(
			crypto_hex_decode(s.signature, sig, sizeof(sig)), 0);
		assert_int_equal(crypto_sig_verify(f->b.key.pk, s.statement,
						   strlen(s.statement), sig),
				 0);
		assert_string_equal(s.device, f->b.fingerprint);
		assert_string_equal(s.public_key, f->b.public_key);
		assert_string_equal(s.desa, DESA);
		assert_int_equal(s.first, first);
		assert_int_equal(s.last, last);
		assert_string_equal(s.prev, rb.first.prev_hash);
		assert_string_equal(s.head, rb.last.hash);
		assert_non_null(strstr(stmt, s.lines));
		assert_int_equal(strlen(s.lines), 64);
	}
}

static void test_pushsign_refuses_ranges_not_its_rows(void **state)
{
	struct sign_fx *f = *state;
	int64_t head = head_seq(f->b.st);
	const int64_t ranges[][2] = {
		{0, 3},
		{4, 3},
		{head, head + 1},
		{head + 1, head + 1},
		{1, PUSHBATCH_ROWS_MAX + 1},
	};
	struct pushsign s;
	char why[256];

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		assert_int_equal(pushsign_batch(f->b.st, &f->b.key, DESA,
						ranges[i][0], ranges[i][1], &s,
						why, sizeof(why)),
				 -ERANGE);
		assert_non_null(strstr(why, "rows "));
	}
}

static void test_pushsign_tampered_row_is_never_signed(void **state)
{
	struct sign_fx *f = *state;
	struct pushsign s;
	char why[256];

	store_close(f->b.st);
	f->b.st = NULL;
	/* past the append-only trigger, as an intruder with the file would */
	assert_int_equal(faultvfs_exec_sql(f->b.path,
					   "DROP TRIGGER ledger_no_update;"
					   "UPDATE ledger SET at_utc = at_utc "
					   "- 600 WHERE seq = 40"),
			 0);
	assert_int_equal(
		store_open(f->b.path, NULL, STORE_RDONLY, NULL, &f->b.st), 0);
	assert_int_equal(pushsign_batch(f->b.st, &f->b.key, DESA, 30, 50, &s,
					why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "row 40 does not check"));
	/* the rows after it still link to its stored hash */
	assert_int_equal(pushsign_batch(f->b.st, &f->b.key, DESA, 41, 50, &s,
					why, sizeof(why)),
			 0);
}

/* ---- rules-publish ---- */

struct rules_fx {
	struct kecbox b;
	struct clock *clk;
	struct admin_ctx a;
	struct crypto_devkey kab, other;
	char reply[4096];
	int nreplies;
};

static void capture(void *ud, const char *line)
{
	struct rules_fx *f = ud;

	snprintf(f->reply, sizeof(f->reply), "%s", line);
	f->nreplies++;
}

static void seed_key(uint8_t seed, struct crypto_devkey *k)
{
	uint8_t s[CRYPTO_KEY_BYTES];

	memset(s, seed, sizeof(s));
	crypto_devkey_from_seed(s, k);
}

static int rules_setup(void **state)
{
	struct rules_fx *f = calloc(1, sizeof(*f));

	log_init(LOG_TO_NONE, 0);
	assert_int_equal(crypto_init(), 0);
	kecbox_open(&f->b, DESA, "Sumberejo", 7);
	kecbox_rules(&f->b, day("2026-10-01"), kecbox_at(2026, 10, 1, 8, 0, 0));
	/* today is Monday 2026-11-23, 09:00 WIB */
	assert_int_equal(clock_new(CLOCK_SOURCE_SIMULATED,
				   kecbox_at(2026, 11, 23, 9, 0, 0) * 1000, 0,
				   &f->clk),
			 0);
	seed_key(0x4b, &f->kab);
	seed_key(0x77, &f->other);
	f->b.conf.push.npublishers = 1;
	memcpy(f->b.conf.push.publisher[0], f->kab.pk, CRYPTO_PK_BYTES);
	f->a.store = f->b.st;
	f->a.conf = &f->b.conf;
	f->a.clock = f->clk;
	f->a.reply = capture;
	f->a.reply_ud = f;
	snprintf(f->a.actor_name, sizeof(f->a.actor_name), "presensi-push");
	f->a.actor_uid = 998;
	*state = f;
	return 0;
}

static int rules_teardown(void **state)
{
	struct rules_fx *f = *state;

	clock_free(f->clk);
	kecbox_close(&f->b);
	free(f);
	return 0;
}

static char *firmware_text(const char *path)
{
	char *t = testutil_slurp(path, NULL);

	if (!t)
		fail_msg("cannot read %s", path);
	return t;
}

/* A publication of text as the server lists it: kabupaten Lamongan. */
static struct rulepub pub(const char *kind, const char *from, const char *text)
{
	static int64_t id;
	struct rulepub p;

	memset(&p, 0, sizeof(p));
	p.id = ++id;
	assert_int_equal(rulepub_kind_parse(kind, &p.kind), 0);
	p.kabupaten = true;
	snprintf(p.area, sizeof(p.area), "Lamongan");
	snprintf(p.name, sizeof(p.name), "Published %s", kind);
	crypto_sha256_hex(text, strlen(text), p.version);
	p.from_day = day(from);
	p.published_utc = kecbox_at(2026, 11, 18, 18, 6, 40);
	return p;
}

/* Sends sent (with text), signed as signd by k; the one reply. */
static const char *send_pub(struct rules_fx *f, const struct crypto_devkey *k,
			    const struct rulepub *signd,
			    const struct rulepub *sent, const char *text)
{
	static char line[128 * 1024];
	char stmt[RULEPUB_STMT_MAX], hex[2 * CRYPTO_SIG_BYTES + 1];
	char from[CIVIL_DATE_LEN], at[21];
	uint8_t sig[CRYPTO_SIG_BYTES];
	struct control_buf b;
	struct control_msg m;
	int n = rulepub_statement(signd, stmt);

	assert_true(n > 0);
	crypto_devkey_sign(k, stmt, (size_t)n, sig);
	crypto_hex_encode(sig, sizeof(sig), hex);
	civil_date_format(sent->from_day, from);
	ledger_iso_utc(sent->published_utc, at);
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "rules-publish");
	control_buf_addkvf(&b, "id", "%lld", (long long)sent->id);
	control_buf_addkv(&b, "kind", rulepub_kind_name(sent->kind));
	control_buf_addkv(&b, "scope",
			  sent->kabupaten ? "kabupaten" : "kecamatan");
	control_buf_addkv(&b, "area", sent->area);
	control_buf_addkv(&b, "name", sent->name);
	control_buf_addkv(&b, "from", from);
	control_buf_addkv(&b, "published", at);
	control_buf_addkv(&b, "text", text);
	control_buf_addkv(&b, "signature", hex);
	assert_true(control_buf_end(&b) > 0);
	assert_int_equal(control_parse(line, &m), 0);
	f->nreplies = 0;
	f->a.changed = 0;
	pushrules_publish(&f->a, &m);
	assert_int_equal(f->nreplies, 1);
	return f->reply;
}

/* Publishes text as kind from "from", signed by k; the one reply. */
static const char *publish(struct rules_fx *f, const struct crypto_devkey *k,
			   const char *kind, const char *from, const char *text)
{
	struct rulepub p = pub(kind, from, text);

	return send_pub(f, k, &p, &p, text);
}

struct last_profile {
	char version[PD_HASH_HEX];
	pd_day_t from;
	int n;
};

static int note_profile(void *ud, pd_day_t from_day, const char *version,
			const char *name, const char *text, int64_t seq)
{
	struct last_profile *lp = ud;

	(void)name;
	(void)text;
	(void)seq;
	snprintf(lp->version, sizeof(lp->version), "%s", version);
	lp->from = from_day;
	lp->n++;
	return 0;
}

struct by_of {
	int64_t seq;
	char by[PD_NAME_MAX];
};

static int note_by(void *ud, const struct ledger_row *r)
{
	struct by_of *b = ud;

	if (r->seq == b->seq)
		assert_int_equal(
			ledger_data_get(r->data, "by", b->by, sizeof(b->by)),
			0);
	return 0;
}

static void test_pushrules_profile_imported_once_as_the_daemon(void **state)
{
	struct rules_fx *f = *state;
	char *text = firmware_text("firmware/profiles/ppu-24-2018-6hari.ini");
	char version[PD_HASH_HEX], want[128], fpr[CRYPTO_FPR_MAX];
	struct last_profile lp = {0};
	struct by_of by = {0};
	int64_t rows = head_seq(f->b.st), audits = 0;

	crypto_sha256_hex(text, strlen(text), version);
	snprintf(want, sizeof(want), "ok\tresult=imported\tversion=%s\n",
		 version);
	assert_string_equal(publish(f, &f->kab, "profile", "2026-12-01", text),
			    want);
	assert_true(f->a.changed & ADMIN_CHANGED_FACTS);
	assert_int_equal(head_seq(f->b.st), rows + 1);
	assert_int_equal(store_profile_each(f->b.st, note_profile, &lp), 0);
	assert_string_equal(lp.version, version);
	assert_int_equal(lp.from, day("2026-12-01"));
	/* the row says the daemon took it on the publisher's word */
	by.seq = rows + 1;
	assert_int_equal(store_ledger_each(f->b.st, 1, rows + 1, note_by, &by),
			 0);
	crypto_pubkey_fingerprint(f->kab.pk, fpr);
	snprintf(want, sizeof(want), "presensid (publisher %s)", fpr);
	assert_string_equal(by.by, want);
	assert_int_equal(faultvfs_query_int(f->b.path,
					    "SELECT count(*) FROM audit WHERE "
					    "action = 'rules.publish'",
					    &audits),
			 0);
	assert_int_equal(audits, 1);

	/* the same version again: in force, not a second row */
	snprintf(want, sizeof(want), "ok\tresult=in-force\tversion=%s\n",
		 version);
	assert_string_equal(publish(f, &f->kab, "profile", "2026-12-01", text),
			    want);
	assert_int_equal(head_seq(f->b.st), rows + 1);
	/* a later day, where the same version is in force already */
	assert_string_equal(publish(f, &f->kab, "profile", "2026-12-15", text),
			    want);
	free(text);
}

static void test_pushrules_refusals_write_nothing(void **state)
{
	struct rules_fx *f = *state;
	char *text = firmware_text("firmware/profiles/ppu-24-2018-6hari.ini");
	int64_t rows = head_seq(f->b.st);
	const char *r;

	r = publish(f, &f->other, "profile", "2026-12-01", text);
	assert_non_null(strstr(r, "err\tEPERM\tsignature: not by a publisher "
				  "key pinned in [push] publisher_key"));
	r = publish(f, &f->kab, "profile", "2026-11-01", text);
	assert_non_null(strstr(r, "err\tEPERM\tfrom: 2026-11-01 is before "
				  "today (2026-11-23)"));
	assert_non_null(strstr(r, "explicit act at the box"));
	/* every field is signed: the signature of one publication does
	 * not carry another day, kind, scope, number or text */
	{
		struct rulepub good = pub("profile", "2026-12-01", text);
		struct rulepub bad[5];

		for (int i = 0; i < 5; i++)
			bad[i] = good;
		bad[0].from_day++;
		bad[1].kind = RULEPUB_CALENDAR;
		bad[2].kabupaten = false;
		snprintf(bad[2].area, sizeof(bad[2].area), "Pucuk");
		bad[3].id++;
		snprintf(bad[4].name, sizeof(bad[4].name), "Other");
		for (int i = 0; i < 5; i++) {
			r = send_pub(f, &f->kab, &good, &bad[i], text);
			if (!strstr(r, "err\tEPERM\tsignature"))
				fail_msg("field %d: %s", i, r);
		}
		/* the text: its version is what is signed */
		r = send_pub(f, &f->kab, &good, &good,
			     "[profile]\nname = Other\n");
		assert_non_null(strstr(r, "err\tEPERM\tsignature"));
	}
	/* a kecamatan's rules are for its own desa only */
	{
		struct rulepub kec = pub("profile", "2026-12-01", text);

		kec.kabupaten = false;
		snprintf(kec.area, sizeof(kec.area), "Lain");
		r = send_pub(f, &f->kab, &kec, &kec, text);
		assert_non_null(strstr(r, "err\tEPERM\tscope: published for "
					  "kecamatan Lain, and this box is "
					  "in Pucuk"));
	}
	/* nothing pinned: nothing taken */
	f->b.conf.push.npublishers = 0;
	r = publish(f, &f->kab, "profile", "2026-12-01", text);
	assert_non_null(strstr(r, "err\tEPERM\tno publisher key is pinned"));
	f->b.conf.push.npublishers = 1;
	/* not NFC: its version would change on the way in */
	r = publish(f, &f->kab, "profile", "2026-12-01",
		    "[profile]\nname = Cafe\xcc\x81\n");
	assert_non_null(strstr(r, "err\tEINVAL\ttext: not Unicode NFC"));
	/* a profile that does not parse: the admin code's own answer */
	r = publish(f, &f->kab, "profile", "2026-12-01", "[profile]\nx = 1\n");
	assert_non_null(strstr(r, "err\tEINVAL\t"));
	assert_int_equal(head_seq(f->b.st), rows);
	free(text);
}

static void test_pushrules_own_kecamatan_scope_is_taken(void **state)
{
	struct rules_fx *f = *state;
	char *text = firmware_text("firmware/profiles/ppu-24-2018-6hari.ini");
	struct rulepub kec = pub("profile", "2026-12-01", text);
	int64_t rows = head_seq(f->b.st);

	kec.kabupaten = false;
	snprintf(kec.area, sizeof(kec.area), "Pucuk");
	assert_non_null(strstr(send_pub(f, &f->kab, &kec, &kec, text),
			       "ok\tresult=imported\t"));
	assert_int_equal(head_seq(f->b.st), rows + 1);
	free(text);
}

static const char cal2027[] =
	"[calendar]\nyear = 2027\nname = Hari libur 2027\n"
	"reference = SKB 2026\n[libur]\n2027-01-01 = Tahun Baru 2027 "
	"Masehi\n";

static void test_pushrules_calendar_from_today_on_only(void **state)
{
	struct rules_fx *f = *state;
	char *cal2026 = firmware_text("firmware/calendars/2026.ini");
	char *moved = malloc(strlen(cal2026) + 128), *past;
	int64_t rows = head_seq(f->b.st);
	const char *r;

	/* next year's calendar: imported, then in force */
	r = publish(f, &f->kab, "calendar", "2026-12-01", cal2027);
	assert_non_null(strstr(r, "ok\tresult=imported\t"));
	assert_int_equal(head_seq(f->b.st), rows + 1);
	r = publish(f, &f->kab, "calendar", "2026-12-01", cal2027);
	assert_non_null(strstr(r, "ok\tresult=in-force\t"));
	/* this year's, already in force */
	r = publish(f, &f->kab, "calendar", "2026-11-23", cal2026);
	assert_non_null(strstr(r, "ok\tresult=in-force\t"));
	assert_int_equal(head_seq(f->b.st), rows + 1);

	/* this year's with a day added in the past: refused (the file
	 * ends with its empty [lokal] section) */
	assert_non_null(strstr(cal2026, "\n[lokal]\n"));
	assert_string_equal(strstr(cal2026, "\n[lokal]\n"), "\n[lokal]\n");
	past = malloc(strlen(cal2026) + 128);
	snprintf(past, strlen(cal2026) + 128,
		 "%s2026-10-09 = Hari Jadi Kabupaten\n", cal2026);
	r = publish(f, &f->kab, "calendar", "2026-12-01", past);
	assert_non_null(strstr(r, "err\tEPERM\tfrom: the calendar changes "
				  "2026-10-09, before 2026-12-01"));
	assert_int_equal(head_seq(f->b.st), rows + 1);
	/* ...and one added from its effective day on: taken */
	snprintf(moved, strlen(cal2026) + 128,
		 "%s2026-12-09 = Hari Jadi Kabupaten\n", cal2026);
	r = publish(f, &f->kab, "calendar", "2026-12-01", moved);
	assert_non_null(strstr(r, "ok\tresult=imported\t"));
	assert_int_equal(head_seq(f->b.st), rows + 2);
	free(past);
	free(moved);
	free(cal2026);
}

int main(void)
{
	const struct CMUnitTest sign[] = {
		cmocka_unit_test(
			test_pushsign_batch_verifies_under_the_device_key),
		cmocka_unit_test(test_pushsign_refuses_ranges_not_its_rows),
		cmocka_unit_test(test_pushsign_tampered_row_is_never_signed),
	};
	const struct CMUnitTest rules[] = {
		cmocka_unit_test_setup_teardown(
			test_pushrules_profile_imported_once_as_the_daemon,
			rules_setup, rules_teardown),
		cmocka_unit_test_setup_teardown(
			test_pushrules_refusals_write_nothing, rules_setup,
			rules_teardown),
		cmocka_unit_test_setup_teardown(
			test_pushrules_own_kecamatan_scope_is_taken,
			rules_setup, rules_teardown),
		cmocka_unit_test_setup_teardown(
			test_pushrules_calendar_from_today_on_only, rules_setup,
			rules_teardown),
	};
	int failed = cmocka_run_group_tests_name("sign-batch", sign, sign_setup,
						 sign_teardown);

	return failed +
	       cmocka_run_group_tests_name("rules-publish", rules, NULL, NULL);
}
