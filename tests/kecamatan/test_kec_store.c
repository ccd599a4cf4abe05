/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan store, every function on both backends (SQLite and a
 * private PostgreSQL): tenants, desa, keys and re-keys, the import log,
 * rows and punches with their orders and bounds, rule files, the
 * office calendar, counts, rollback, and tenants kept apart.
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
#include "fakes/kecfix.h"
#include "kec_store.h"
#include "records.h"

#define T0   1796000000
#define PK_A "1111111111111111111111111111111111111111111111111111111111111111"
#define PK_B "2222222222222222222222222222222222222222222222222222222222222222"

static int64_t kec_new(struct kec_store *st, const char *name)
{
	struct kec_info k;

	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(k.kabupaten, sizeof(k.kabupaten), "Lamongan");
	k.offset_min = 420;
	k.deadline_mday = 5;
	k.created_utc = T0;
	assert_int_equal(kec_store_kec_add(st, &k), 0);
	assert_true(k.id > 0);
	return k.id;
}

static void desa_new(struct kec_store *st, int64_t kec, const char *id,
		     const char *name)
{
	struct kec_desa d;

	memset(&d, 0, sizeof(d));
	snprintf(d.id, sizeof(d.id), "%s", id);
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.registered_utc = T0;
	assert_int_equal(kec_store_desa_put(st, kec, &d), 0);
}

static int64_t key_new(struct kec_store *st, int64_t kec, const char *desa,
		       const char *pk)
{
	struct kec_key k;

	memset(&k, 0, sizeof(k));
	snprintf(k.desa, sizeof(k.desa), "%s", desa);
	snprintf(k.public_key, sizeof(k.public_key), "%s", pk);
	snprintf(k.fingerprint, sizeof(k.fingerprint), "abcd-%.4s-0000-0000",
		 pk);
	k.trusted_utc = T0;
	snprintf(k.by, sizeof(k.by), "root");
	assert_int_equal(kec_store_key_add(st, kec, &k), 0);
	return k.id;
}

static int64_t import_new(struct kec_store *st, int64_t kec, const char *desa,
			  const char *period, enum kec_import_result res)
{
	struct kec_import r;

	memset(&r, 0, sizeof(r));
	r.received_utc = T0 + 10;
	snprintf(r.file, sizeof(r.file), "presensi-%s-%s.zip", desa, period);
	snprintf(r.desa, sizeof(r.desa), "%s", desa);
	snprintf(r.period, sizeof(r.period), "%s", period);
	r.result = res;
	r.complete = true;
	r.rekap_same = -1;
	snprintf(r.by, sizeof(r.by), "root");
	assert_int_equal(kec_store_import_add(st, kec, &r, "a,b\r\n"), 0);
	return r.id;
}

static struct ledger_row mkrow(int64_t seq, const char *kind,
			       const char *person)
{
	struct ledger_row r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.person, sizeof(r.person), "%s", person);
	r.recorded_utc = T0 + seq;
	/* every byte COPY's text format must escape, and UTF-8 */
	snprintf(r.data, sizeof(r.data), "v=2;reason=a\\b\tc\"d,é");
	snprintf(r.prev_hash, sizeof(r.prev_hash), "%064lld",
		 (long long)seq - 1);
	snprintf(r.hash, sizeof(r.hash), "%064lld", (long long)seq);
	return r;
}

static int count_kec(void *ud, const struct kec_info *k)
{
	(void)k;
	++*(int *)ud;
	return 0;
}

static void test_store_reopens_and_keeps_tenants(void **state)
{
	struct kecfix *f = *state;
	struct kec_info k;
	int n = 0;

	kec_new(f->st, "Pucuk");
	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "Pucuk");
	k.deadline_mday = 5;
	assert_int_equal(kec_store_kec_add(f->st, &k), -EEXIST);
	k.deadline_mday = 29;
	assert_int_equal(kec_store_kec_add(f->st, &k), -EINVAL);
	kecfix_reopen(f);
	kec_new(f->st, "Perak");
	assert_int_equal(kec_store_kec_each(f->st, count_kec, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kec_store_backend_name(f->st),
			    f->pg ? "postgresql" : "sqlite");
}

struct names {
	int n;
	char s[8][PD_ID_MAX + PD_NAME_MAX + 2];
};

static int desa_name(void *ud, const struct kec_desa *d)
{
	struct names *x = ud;

	snprintf(x->s[x->n++], sizeof(x->s[0]), "%s=%s", d->id, d->name);
	return 0;
}

static void test_store_desa_in_byte_order_and_renamed(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	struct names x = {0};

	desa_new(f->st, kec, "b01", "Sumberjo");
	desa_new(f->st, kec, "B02", "Pucuk");
	desa_new(f->st, kec, "a03", "Lama");
	desa_new(f->st, kec, "a03", "Baru");
	assert_int_equal(kec_store_desa_each(f->st, kec, desa_name, &x), 0);
	assert_int_equal(x.n, 3);
	/* bytes, as strcmp: upper case first */
	assert_string_equal(x.s[0], "B02=Pucuk");
	assert_string_equal(x.s[1], "a03=Baru");
	assert_string_equal(x.s[2], "b01=Sumberjo");
}

static int key_count(void *ud, const struct kec_key *k)
{
	struct kec_key *last = ud;

	*last = *k;
	return 0;
}

static void test_store_keys_trusted_found_and_replaced(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	int64_t a, b;
	struct kec_key k, last;

	desa_new(f->st, kec, "3524012001", "Pucuk");
	a = key_new(f->st, kec, "3524012001", PK_A);
	memset(&k, 0, sizeof(k));
	snprintf(k.desa, sizeof(k.desa), "3524012001");
	snprintf(k.public_key, sizeof(k.public_key), PK_A);
	snprintf(k.fingerprint, sizeof(k.fingerprint), "x");
	assert_int_equal(kec_store_key_add(f->st, kec, &k), -EEXIST);
	snprintf(k.desa, sizeof(k.desa), "no-such-desa");
	snprintf(k.public_key, sizeof(k.public_key), PK_B);
	assert_int_not_equal(kec_store_key_add(f->st, kec, &k), 0);
	assert_int_equal(
		kec_store_key_replace(f->st, kec, "3524012001", T0 + 99), 0);
	b = key_new(f->st, kec, "3524012001", PK_B);
	assert_true(b > a);
	assert_int_equal(kec_store_key_find(f->st, kec, PK_A, &k), 0);
	assert_int_equal(k.id, a);
	assert_int_equal(k.replaced_utc, T0 + 99);
	assert_int_equal(kec_store_key_find(f->st, kec, PK_B, &k), 0);
	assert_int_equal(k.replaced_utc, 0);
	assert_int_equal(kec_store_key_find(f->st, kec, "33", &k), -EINVAL);
	assert_int_equal(kec_store_key_find(f->st, kec + 1, PK_A, &k), -ENOENT);
	assert_int_equal(
		kec_store_key_each(f->st, kec, "3524012001", key_count, &last),
		0);
	assert_int_equal(last.id, b);
}

static int import_seen(void *ud, const struct kec_import *r)
{
	struct kec_import *x = ud;

	x[x[0].id == 0 ? 0 : 1] = *r;
	return 0;
}

static void test_store_import_log_by_period(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	struct kec_import got[2];
	struct kec_counts c;

	import_new(f->st, kec, "d1", "2026-10", KEC_IMPORT_OK);
	import_new(f->st, kec, "d1", "2026-11", KEC_IMPORT_REFUSED);
	import_new(f->st, kec, "d2", "2026-11", KEC_IMPORT_DUPLICATE);
	memset(got, 0, sizeof(got));
	assert_int_equal(
		kec_store_import_each(f->st, kec, "2026-11", import_seen, got),
		0);
	assert_string_equal(got[0].desa, "d1");
	assert_int_equal(got[0].result, KEC_IMPORT_REFUSED);
	assert_true(got[0].complete);
	assert_int_equal(got[0].rekap_same, -1);
	assert_string_equal(got[1].desa, "d2");
	assert_int_equal(kec_store_counts(f->st, kec, &c), 0);
	assert_int_equal(c.imports, 3);
	assert_int_equal(c.imports_ok, 1);
	assert_int_equal(c.imports_duplicate, 1);
	assert_int_equal(c.imports_refused, 1);
}

static int64_t hashes_sum;
static int sum_hash(void *ud, int64_t seq, const char *hash)
{
	(void)ud;
	assert_int_equal(strtoll(hash, NULL, 10), seq);
	hashes_sum += seq;
	return 0;
}

struct facts_seen {
	int n;
	int64_t dev[8], seq[8];
	char data[LEDGER_DATA_MAX];
};

static int fact_seen(void *ud, int64_t dev, const struct ledger_row *r)
{
	struct facts_seen *x = ud;

	x->dev[x->n] = dev;
	x->seq[x->n++] = r->seq;
	snprintf(x->data, sizeof(x->data), "%s", r->data);
	return 0;
}

static void test_store_rows_head_hashes_and_facts(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk"), a, b, imp, seq;
	struct ledger_row r[4];
	struct facts_seen x = {0};
	struct kec_bound bound = {0, 0};
	char hash[PD_HASH_HEX];

	desa_new(f->st, kec, "d1", "Satu");
	a = key_new(f->st, kec, "d1", PK_A);
	b = key_new(f->st, kec, "d1", PK_B);
	imp = import_new(f->st, kec, "d1", "2026-11", KEC_IMPORT_OK);
	assert_int_equal(kec_store_head(f->st, a, &seq, hash), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(hash, LEDGER_HASH_ZERO);
	r[0] = mkrow(1, "person", "101");
	r[1] = mkrow(2, "punch", "101");
	r[2] = mkrow(3, "excuse", "101");
	r[3] = mkrow(4, "checkpoint", "");
	assert_int_equal(kec_store_begin(f->st), 0);
	assert_int_equal(kec_store_key_lock(f->st, a), 0);
	assert_int_equal(kec_store_rows_add(f->st, kec, "d1", a, imp, r, 4), 0);
	assert_int_equal(kec_store_rows_add(f->st, kec, "d1", b, imp, r, 1), 0);
	assert_int_equal(kec_store_end(f->st, 0), 0);
	assert_int_equal(kec_store_head(f->st, a, &seq, hash), 0);
	assert_int_equal(seq, 4);
	assert_int_equal(strtoll(hash, NULL, 10), 4);
	hashes_sum = 0;
	assert_int_equal(kec_store_hash_each(f->st, a, 2, 9, sum_hash, NULL),
			 0);
	assert_int_equal(hashes_sum, 2 + 3 + 4);
	/* every non-punch row, by device then seq */
	assert_int_equal(
		kec_store_facts_each(f->st, kec, "d1", NULL, fact_seen, &x), 0);
	assert_int_equal(x.n, 4);
	assert_int_equal(x.seq[0], 1);
	assert_int_equal(x.seq[1], 3);
	assert_int_equal(x.seq[2], 4);
	assert_int_equal(x.dev[3], b);
	assert_string_equal(x.data, "v=2;reason=a\\b\tc\"d,é");
	/* only device a up to row 3 */
	bound.dev = a;
	bound.max_seq = 3;
	x.n = 0;
	assert_int_equal(
		kec_store_facts_each(f->st, kec, "d1", &bound, fact_seen, &x),
		0);
	assert_int_equal(x.n, 2);
	/* a row held is never stored twice; the transaction stores none */
	assert_int_equal(kec_store_begin(f->st), 0);
	r[0] = mkrow(5, "person", "102");
	assert_int_equal(kec_store_rows_add(f->st, kec, "d1", a, imp, r, 1), 0);
	assert_int_equal(kec_store_rows_add(f->st, kec, "d1", a, imp, &r[1], 1),
			 -EEXIST);
	assert_int_equal(kec_store_end(f->st, -EEXIST), -EEXIST);
	assert_int_equal(kec_store_head(f->st, a, &seq, hash), 0);
	assert_int_equal(seq, 4);
	assert_int_equal(kec_store_last_row(f->st, kec, "d1", &seq), 0);
	assert_int_equal(seq, T0 + 4);
	assert_int_equal(kec_store_last_row(f->st, kec, "d9", &seq), 0);
	assert_int_equal(seq, 0);
}

struct punches_seen {
	int n;
	char s[16][64];
};

static int punch_seen(void *ud, const struct kec_punch *p)
{
	struct punches_seen *x = ud;

	snprintf(x->s[x->n++], 64, "%s %d %d %lld", p->person, (int)p->day,
		 (int)p->sec, (long long)p->seq);
	return 0;
}

static void test_store_punch_scan_in_builder_order(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk"), a, imp;
	struct punches_seen x = {0};
	struct ledger_row r[6];
	struct kec_punch p[6];
	struct kec_bound bound;
	const char *who[6] = {"a1", "Z9", "a1", "a1", "Z9", "b2"};
	const int day[6] = {10, 10, 9, 10, 11, 12};
	const int sec[6] = {500, 100, 900, 200, 50, 1};

	desa_new(f->st, kec, "d1", "Satu");
	desa_new(f->st, kec, "d2", "Dua");
	a = key_new(f->st, kec, "d1", PK_A);
	imp = import_new(f->st, kec, "d1", "2026-11", KEC_IMPORT_OK);
	for (int i = 0; i < 6; i++) {
		r[i] = mkrow(i + 1, "punch", who[i]);
		memset(&p[i], 0, sizeof(p[i]));
		p[i].dev = a;
		p[i].seq = i + 1;
		snprintf(p[i].person, sizeof(p[i].person), "%s", who[i]);
		p[i].day = day[i];
		p[i].sec = sec[i];
		p[i].flags = PUNCH_F_MANUAL;
	}
	assert_int_equal(kec_store_begin(f->st), 0);
	assert_int_equal(kec_store_rows_add(f->st, kec, "d1", a, imp, r, 6), 0);
	assert_int_equal(kec_store_punches_add(f->st, kec, "d1", p, 6), 0);
	assert_int_equal(kec_store_end(f->st, 0), 0);
	assert_int_equal(kec_store_punch_scan(f->st, kec, "d1", 10, 11, NULL,
					      punch_seen, &x),
			 0);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.s[0], "Z9 10 100 2");
	assert_string_equal(x.s[1], "Z9 11 50 5");
	assert_string_equal(x.s[2], "a1 10 200 4");
	assert_string_equal(x.s[3], "a1 10 500 1");
	bound.dev = a;
	bound.max_seq = 3;
	x.n = 0;
	assert_int_equal(kec_store_punch_scan(f->st, kec, "d1", 0, 99, &bound,
					      punch_seen, &x),
			 0);
	assert_int_equal(x.n, 3);
	x.n = 0;
	assert_int_equal(kec_store_punch_scan(f->st, kec, "d2", 0, 99, NULL,
					      punch_seen, &x),
			 0);
	assert_int_equal(x.n, 0);
}

static void test_store_rule_files_by_version(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	const char *v = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"
			"8796a5b4c3d2e1f0";
	char *text = NULL;

	assert_int_equal(kec_store_rule_get(f->st, kec, v, &text), -ENOENT);
	assert_int_equal(kec_store_rule_put(f->st, kec, v, "profile", "P",
					    "[profile]\nname = P\n"),
			 0);
	/* held already: the first text stays */
	assert_int_equal(
		kec_store_rule_put(f->st, kec, v, "profile", "P", "other"), 0);
	assert_int_equal(kec_store_rule_get(f->st, kec, v, &text), 0);
	assert_string_equal(text, "[profile]\nname = P\n");
	free(text);
	assert_int_equal(
		kec_store_rule_put(f->st, kec, "abc", "profile", "P", "x"),
		-EINVAL);
	assert_int_equal(kec_store_rule_get(f->st, kec + 1, v, &text), -ENOENT);
}

struct office_seen {
	int files, days;
	char text[64];
	pd_day_t day;
};

static int office_seen(void *ud, const struct kec_office *o)
{
	struct office_seen *x = ud;

	if (o->file) {
		x->files++;
		snprintf(x->text, sizeof(x->text), "%s", o->text);
	} else {
		x->days++;
		x->day = o->day;
	}
	return 0;
}

static int audit_seen(void *ud, const struct kec_audit *a)
{
	snprintf(ud, 512, "%s %s %s", a->by, a->action, a->subject);
	return 0;
}

static void test_store_office_calendar_and_audit(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	struct office_seen x = {0};
	struct kec_office o;
	char audit[512] = "";

	memset(&o, 0, sizeof(o));
	o.file = true;
	snprintf(o.version, sizeof(o.version), "%064d", 7);
	snprintf(o.name, sizeof(o.name), "SKB 2026");
	o.text = "[calendar]\nyear = 2026\n";
	assert_int_equal(kec_store_office_add(f->st, kec, &o, T0, "root"), 0);
	memset(&o, 0, sizeof(o));
	o.day = civil_from_ymd(2026, 11, 5);
	snprintf(o.kind, sizeof(o.kind), "lokal");
	snprintf(o.name, sizeof(o.name), "Hari Jadi");
	assert_int_equal(kec_store_office_add(f->st, kec, &o, T0, "root"), 0);
	assert_int_equal(kec_store_office_each(f->st, kec, office_seen, &x), 0);
	assert_int_equal(x.files, 1);
	assert_int_equal(x.days, 1);
	assert_string_equal(x.text, "[calendar]\nyear = 2026\n");
	assert_int_equal(x.day, civil_from_ymd(2026, 11, 5));
	assert_int_equal(kec_store_audit_add(f->st, kec, T0, "root", "trust",
					     "3524012001", "key abcd"),
			 0);
	assert_int_equal(kec_store_audit_each(f->st, kec, audit_seen, audit),
			 0);
	assert_string_equal(audit, "root trust 3524012001");
}

static void test_store_tenants_do_not_see_each_other(void **state)
{
	struct kecfix *f = *state;
	int64_t k1 = kec_new(f->st, "Pucuk"), k2 = kec_new(f->st, "Perak");
	struct names x = {0};
	struct kec_counts c;
	struct kec_key k;

	desa_new(f->st, k1, "d1", "Satu");
	desa_new(f->st, k2, "d1", "Lain");
	key_new(f->st, k1, "d1", PK_A);
	/* the same box key may be trusted in another kecamatan too */
	key_new(f->st, k2, "d1", PK_A);
	assert_int_equal(kec_store_desa_each(f->st, k2, desa_name, &x), 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.s[0], "d1=Lain");
	assert_int_equal(kec_store_counts(f->st, k1, &c), 0);
	assert_int_equal(c.desa, 1);
	assert_int_equal(c.keys, 1);
	assert_int_equal(kec_store_key_find(f->st, k2, PK_A, &k), 0);
	assert_string_equal(k.desa, "d1");
}

static void test_store_backend_from_db_argument(void **state)
{
	(void)state;
	assert_int_equal(kec_store_backend("/var/lib/kec.db"),
			 KEC_BACKEND_SQLITE);
	assert_int_equal(kec_store_backend("kec.db"), KEC_BACKEND_SQLITE);
	assert_int_equal(kec_store_backend("./a=b.db"), KEC_BACKEND_SQLITE);
	assert_int_equal(kec_store_backend("postgresql://kab@db/presensi"),
			 KEC_BACKEND_PG);
	assert_int_equal(kec_store_backend("postgres:///presensi"),
			 KEC_BACKEND_PG);
	assert_int_equal(kec_store_backend("host=/run/postgresql dbname=k"),
			 KEC_BACKEND_PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_reopens_and_keeps_tenants),
		cmocka_unit_test(test_store_desa_in_byte_order_and_renamed),
		cmocka_unit_test(test_store_keys_trusted_found_and_replaced),
		cmocka_unit_test(test_store_import_log_by_period),
		cmocka_unit_test(test_store_rows_head_hashes_and_facts),
		cmocka_unit_test(test_store_punch_scan_in_builder_order),
		cmocka_unit_test(test_store_rule_files_by_version),
		cmocka_unit_test(test_store_office_calendar_and_audit),
		cmocka_unit_test(test_store_tenants_do_not_see_each_other),
		cmocka_unit_test(test_store_backend_from_db_argument),
	};

	return kecfix_main("kec_store", tests, sizeof(tests) / sizeof(*tests));
}
