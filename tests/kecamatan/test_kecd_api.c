/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boxes' API of the real kecamatand (docs/push.md "The API exactly"),
 * on SQLite and on a private PostgreSQL: pushes built from a real box's
 * store with pushbatch and signed with its device key, stored by
 * (device, seq) and answered with the head held; gaps (409 with the held
 * head), every refusal in its order (400, 403, 405, 413, 415); bundles
 * made by the box's own close and export, imported at the server's clock;
 * rules published through the page, signed, and served to a desa.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "crypto.h"
#include "fakes/kecfix.h"
#include "fakes/testutil.h"
#include "json.h"
#include "kec_admin.h"
#include "kec_rekap.h"
#include "kecdfix.h"
#include "rulepub.h"

#define DESA		"3524012001"
#define D(y, m, d)	civil_from_ymd((y), (m), (d))
#define AT(d, h, mi, s) kecbox_at(2026, 11, (d), (h), (mi), (s))

struct world {
	struct kecfix *f;
	char *dir;
	struct kec_info kec;
	struct kecbox box;
	struct kec_key key;
	struct kecdfix_server srv;
};

/* Pucuk with one desa's box trusted: rules, three people, two punches
 * on Monday 23 November 2026; the server's clock at 08:00 WIB. */
static void world_up(struct world *w, void **state)
{
	char why[KEC_ADMIN_WHY_MAX];

	memset(w, 0, sizeof(*w));
	w->f = *state;
	w->dir = testutil_tmpdir("kecd");
	assert_non_null(w->dir);
	assert_int_equal(kec_admin_init(w->f->st, "Pucuk", "Lamongan", NULL, 0,
					AT(1, 8, 0, 0), &w->kec, why,
					sizeof(why)),
			 0);
	kecbox_open(&w->box, DESA, "Sukamaju", 1);
	assert_int_equal(kec_admin_trust(w->f->st, &w->kec, DESA, "Sukamaju",
					 w->box.public_key, NULL,
					 AT(1, 8, 0, 0), "root", &w->key, why,
					 sizeof(why)),
			 0);
	kecbox_rules(&w->box, D(2026, 11, 1), AT(1, 7, 0, 0));
	kecbox_person(&w->box, "101", "H. Sutrisno", D(2026, 11, 1),
		      AT(1, 7, 5, 0));
	kecbox_person(&w->box, "102", "Dewi Lestari", D(2026, 11, 1),
		      AT(1, 7, 6, 0));
	kecbox_person(&w->box, "103", "Budi Santoso", D(2026, 11, 1),
		      AT(1, 7, 7, 0));
	kecbox_punch(&w->box, "101", AT(23, 7, 12, 5), 0);
	kecbox_punch(&w->box, "102", AT(23, 7, 48, 10), 0);
	kecdfix_start(&w->srv, w->dir, w->f->db, AT(23, 8, 0, 0), NULL);
}

static void world_down(struct world *w)
{
	kecdfix_stop(&w->srv);
	kecbox_close(&w->box);
	testutil_rmtree_free(w->dir);
}

static struct json_value *json_of(const struct kecdfix_reply *r)
{
	struct json_value *v = NULL;
	char why[160];

	if (json_value_parse(r->body, r->len, &v, why, sizeof(why)) != 0)
		fail_msg("not JSON (%s): %s", why, r->body);
	return v;
}

static int64_t jint(const struct json_value *o, const char *key)
{
	int64_t v = -1;

	assert_int_equal(json_value_int(json_value_get(o, key), &v), 0);
	return v;
}

static const char *jstr(const struct json_value *o, const char *key)
{
	const char *s = NULL;

	assert_int_equal(json_value_string(json_value_get(o, key), &s), 0);
	return s;
}

static void test_kecd_push_stores_rows_and_answers_the_head(void **state)
{
	struct kec_device_state d;
	struct kecdfix_reply r;
	struct json_value *v;
	struct world w;
	char held[PD_HASH_HEX];
	int64_t head, seq;

	world_up(&w, state);
	head = kecdfix_box_head(&w.box);
	assert_int_equal(head, 7);
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 1, head, &r), 200);
	v = json_of(&r);
	assert_int_equal(jint(v, "seq"), 7);
	assert_int_equal(kec_store_head(w.f->st, w.key.id, &seq, held), 0);
	assert_int_equal(seq, 7);
	assert_string_equal(jstr(v, "head"), held);
	json_value_free(v);
	kecdfix_reply_free(&r);
	/* the same batch again, and a part of it: nothing changes */
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 1, head, NULL), 200);
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 2, 4, &r), 200);
	v = json_of(&r);
	assert_int_equal(jint(v, "seq"), 7); /* the head held, past last */
	json_value_free(v);
	kecdfix_reply_free(&r);
	/* what the box told the server */
	assert_int_equal(kec_store_device_get(w.f->st, w.key.id, &d), 0);
	assert_int_equal(d.pushes, 1);
	assert_int_equal(d.last_punch_utc, AT(23, 7, 48, 10));
	assert_int_equal(d.last_reader_utc, AT(23, 7, 48, 10));
	assert_int_equal(d.clock_trusted, 1);
	assert_string_equal(d.profile_name, "PPU 24/2018 5 hari");
	assert_int_equal(d.profile_from, D(2026, 11, 1));
	assert_string_equal(d.calendar_name, "Hari libur 2026");
	assert_int_equal(d.last_push_utc, AT(23, 8, 0, 0));
	/* one more punch, one more push */
	kecbox_punch(&w.box, "103", AT(23, 8, 5, 0), PUNCH_F_UNTRUSTED);
	kecdfix_clock(&w.srv, AT(23, 8, 5, 2));
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 8, 8, NULL), 200);
	assert_int_equal(kec_store_device_get(w.f->st, w.key.id, &d), 0);
	assert_int_equal(d.pushes, 2);
	assert_int_equal(d.clock_trusted, 0);
	world_down(&w);
}

static void test_kecd_push_gap_answers_the_held_head(void **state)
{
	struct kecdfix_reply r;
	struct json_value *v;
	struct world w;
	char held[PD_HASH_HEX];
	int64_t seq;

	world_up(&w, state);
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 1, 3, NULL), 200);
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 6, 7, &r), 409);
	v = json_of(&r);
	assert_string_equal(jstr(v, "error"), "gap");
	assert_int_equal(jint(v, "seq"), 3);
	assert_int_equal(kec_store_head(w.f->st, w.key.id, &seq, held), 0);
	assert_string_equal(jstr(v, "head"), held);
	json_value_free(v);
	kecdfix_reply_free(&r);
	/* the box resends from seq + 1 */
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 4, 7, NULL), 200);
	assert_int_equal(kec_store_head(w.f->st, w.key.id, &seq, held), 0);
	assert_int_equal(seq, 7);
	world_down(&w);
}

/* Posts body (len bytes) as a push; the status, error into err. */
static int post(struct world *w, const char *ctype, const char *body,
		size_t len, char *err, size_t cap)
{
	struct kecdfix_reply r;
	struct json_value *v;
	int status;

	assert_int_equal(kecdfix_http(w->srv.port, "POST", "/api/v1/push",
				      ctype, NULL, body, len, &r),
			 0);
	status = r.status;
	err[0] = '\0';
	if (json_value_parse(r.body, r.len, &v, NULL, 0) == 0) {
		const struct json_value *e = json_value_get(v, "error");
		const char *s;

		if (e && json_value_string(e, &s) == 0)
			snprintf(err, cap, "%s", s);
		json_value_free(v);
	}
	kecdfix_reply_free(&r);
	return status;
}

/* body with the first occurrence of from replaced by to (same length). */
static char *edited(const char *body, const char *from, const char *to)
{
	char *b = strdup(body), *p = strstr(b, from);

	assert_non_null(p);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(p, to, strlen(to));
	return b;
}

static void test_kecd_push_refusals_in_their_order(void **state)
{
	struct world w;
	struct kecbox other, fork;
	struct kec_key k2;
	char why[KEC_ADMIN_WHY_MAX], err[600], *body, *bad, sig[140];
	const char *p;
	size_t len;
	int64_t head;

	world_up(&w, state);
	head = kecdfix_box_head(&w.box);
	body = kecdfix_push_body(&w.box, 1, head, &len);
	/* 1: malformed, unknown key, wrong type */
	assert_int_equal(post(&w, "application/json", "{\"device\":", 10, err,
			      sizeof(err)),
			 400);
	assert_non_null(strstr(err, "not JSON"));
	bad = edited(body, "\"first\"", "\"fiRst\"");
	assert_int_equal(
		post(&w, "application/json", bad, len, err, sizeof(err)), 400);
	assert_non_null(strstr(err, "unknown key fiRst"));
	free(bad);
	assert_int_equal(post(&w, "text/plain", body, len, err, sizeof(err)),
			 415);
	/* 2: the device is not the key's fingerprint */
	bad = edited(body, w.box.fingerprint, "0000-0000-0000-0000");
	assert_int_equal(
		post(&w, "application/json", bad, len, err, sizeof(err)), 400);
	assert_non_null(strstr(err, "is not the fingerprint"));
	free(bad);
	/* 4: a line altered: its hash no longer recomputes */
	bad = edited(body, "H. Sutrisno", "H. Sutrisna");
	assert_int_equal(
		post(&w, "application/json", bad, len, err, sizeof(err)), 400);
	assert_non_null(strstr(err, "does not recompute"));
	free(bad);
	/* 5: a signature of something else */
	p = strstr(body, "\"signature\": \"");
	assert_non_null(p);
	snprintf(sig, sizeof(sig), "%.128s", p + 14);
	sig[0] = sig[0] == 'a' ? 'b' : 'a';
	{
		char orig[140];

		snprintf(orig, sizeof(orig), "%.128s", p + 14);
		bad = edited(body, orig, sig);
	}
	assert_int_equal(
		post(&w, "application/json", bad, len, err, sizeof(err)), 403);
	assert_string_equal(err, "bad signature");
	free(bad);
	free(body);
	/* 3: a key nobody trusts, and one trusted for another desa */
	kecbox_open(&other, "3524012002", "Tanjung", 2);
	kecbox_rules(&other, D(2026, 11, 1), AT(1, 7, 0, 0));
	body = kecdfix_push_body(&other, 1, 2, &len);
	assert_int_equal(
		post(&w, "application/json", body, len, err, sizeof(err)), 403);
	assert_non_null(strstr(err, "is not trusted here"));
	assert_int_equal(kec_admin_trust(w.f->st, &w.kec, "3524012009",
					 "Sumberjo", other.public_key, NULL,
					 AT(1, 8, 0, 0), "root", &k2, why,
					 sizeof(why)),
			 0);
	assert_int_equal(
		post(&w, "application/json", body, len, err, sizeof(err)), 403);
	assert_non_null(strstr(err, "trusted for desa 3524012009, not for "
				    "desa 3524012002"));
	free(body);
	kecbox_close(&other);
	/* 7: the same key, another chain (a box restored from an old
	 * card): rows that differ, and a row that does not link */
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 1, head, NULL), 200);
	kecbox_open(&fork, DESA, "Sukamaju", 1);
	kecbox_rules(&fork, D(2026, 11, 1), AT(1, 7, 0, 0));
	kecbox_person(&fork, "101", "H. Sutrisno", D(2026, 11, 1),
		      AT(1, 7, 5, 0));
	kecbox_person(&fork, "109", "Orang Lain", D(2026, 11, 2),
		      AT(2, 9, 0, 0));
	for (int i = 0; i < 5; i++)
		kecbox_punch(&fork, "109", AT(23, 7, 20, i * 10), 0);
	body = kecdfix_push_body(&fork, 1, 5, &len);
	assert_int_equal(
		post(&w, "application/json", body, len, err, sizeof(err)), 403);
	assert_non_null(strstr(err, "row 4 differs from the row held"));
	free(body);
	body = kecdfix_push_body(&fork, 8, 8, &len);
	assert_int_equal(
		post(&w, "application/json", body, len, err, sizeof(err)), 403);
	assert_non_null(strstr(err, "another chain"));
	free(body);
	kecbox_close(&fork);
	/* the refusal is kept for the box's page */
	{
		struct kec_device_state d;

		assert_int_equal(kec_store_device_get(w.f->st, w.key.id, &d),
				 0);
		assert_non_null(strstr(d.last_error, "another chain"));
	}
	world_down(&w);
}

static void test_kecd_push_bounds_and_methods(void **state)
{
	struct kecdfix_reply r;
	struct world w;
	size_t big = (1024 << 10) + 1;
	char *body = malloc(big);

	world_up(&w, state);
	assert_non_null(body);
	memset(body, ' ', big);
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/api/v1/push",
				      "application/json", NULL, body, big, &r),
			 0);
	assert_int_equal(r.status, 413);
	kecdfix_reply_free(&r);
	free(body);
	assert_int_equal(kecdfix_http(w.srv.port, "GET", "/api/v1/push", NULL,
				      NULL, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 405);
	kecdfix_reply_free(&r);
	assert_int_equal(kecdfix_http(w.srv.port, "GET", "/api/v1/nothing",
				      NULL, NULL, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 404);
	kecdfix_reply_free(&r);
	world_down(&w);
}

static int log_last(void *ud, const struct kec_import *r)
{
	if (strcmp(r->file, "push") != 0)
		*(struct kec_import *)ud = *r;
	return 0;
}

static void test_kecd_bundle_imported_at_the_servers_clock(void **state)
{
	struct kec_import last;
	struct kecdfix_reply r;
	struct json_value *v;
	struct world w;
	uint8_t *zip;
	size_t len;
	int64_t now = kecbox_at(2026, 12, 4, 10, 0, 0);

	world_up(&w, state);
	/* the morning pushed, then the month closed and exported */
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 1, 7, NULL), 200);
	kecbox_close_month(&w.box, "2026-11", kecbox_at(2026, 12, 1, 9, 0, 0));
	kecbox_bundle(&w.box, "2026-11", kecbox_at(2026, 12, 1, 9, 5, 0), &zip,
		      &len);
	kecdfix_clock(&w.srv, now);
	assert_int_equal(kecdfix_http(w.srv.port, "POST",
				      "/api/v1/bundle?name=presensi-" DESA
				      "-2026-11.zip",
				      "application/zip", NULL, zip, len, &r),
			 0);
	assert_int_equal(r.status, 200);
	v = json_of(&r);
	assert_string_equal(jstr(v, "result"), "accepted");
	assert_string_equal(jstr(v, "status"), "complete");
	assert_string_equal(jstr(v, "period"), "2026-11");
	assert_int_equal(jint(v, "new"), 1); /* the checkpoint; the rest held */
	assert_string_equal(jstr(v, "rekap"), "same");
	json_value_free(v);
	kecdfix_reply_free(&r);
	memset(&last, 0, sizeof(last));
	assert_int_equal(
		kec_store_import_each(w.f->st, w.kec.id, NULL, log_last, &last),
		0);
	assert_int_equal(last.received_utc, now);
	assert_string_equal(last.file, "presensi-" DESA "-2026-11.zip");
	/* the same file again */
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/api/v1/bundle",
				      "application/zip", NULL, zip, len, &r),
			 0);
	assert_int_equal(r.status, 200);
	v = json_of(&r);
	assert_string_equal(jstr(v, "result"), "duplicate");
	json_value_free(v);
	kecdfix_reply_free(&r);
	/* an altered one */
	zip[len / 2] ^= 0x20;
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/api/v1/bundle",
				      "application/zip", NULL, zip, len, &r),
			 0);
	assert_int_equal(r.status, 422);
	v = json_of(&r);
	assert_string_equal(jstr(v, "result"), "refused");
	json_value_free(v);
	kecdfix_reply_free(&r);
	free(zip);
	world_down(&w);
}

static void test_kecd_rules_published_signed_and_served(void **state)
{
	static const char *profile = "firmware/profiles/bondowoso-48-2023.ini";
	struct kecdfix_reply r;
	struct json_value *v;
	struct world w;
	char cookie[128], tok[80], path[128], *page, *text, *body, stmt[1024];
	const struct json_value *rule;
	struct rulepub rp;
	uint8_t pk[CRYPTO_PK_BYTES], sig[CRYPTO_SIG_BYTES];
	size_t tlen, blen;
	int status;

	world_up(&w, state);
	kecdfix_user(w.f->db, NULL, "kab", "kabupaten", "rahasia-kab");
	assert_int_equal(kecdfix_login(w.srv.port, "kab", "rahasia-kab", cookie,
				       sizeof(cookie)),
			 303);
	page = kecdfix_get(w.srv.port, "/aturan", cookie, &status);
	assert_int_equal(status, 200);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	text = testutil_slurp(profile, &tlen);
	assert_non_null(text);
	{
		const char *fields[] = {"csrf",	   tok,		 "jenis",
					"profile", "wilayah",	 "0",
					"berlaku", "2026-12-01", NULL};

		body = kecdfix_multipart("xYz123", fields, "berkas",
					 "bondowoso-48-2023.ini", text, tlen,
					 &blen);
	}
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/aturan",
				      "multipart/form-data; boundary=xYz123",
				      cookie, body, blen, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Diterbitkan sebagai nomor 1"));
	kecdfix_reply_free(&r);
	free(body);
	/* a date before today is refused */
	{
		const char *fields[] = {"csrf",	   tok,		 "jenis",
					"profile", "wilayah",	 "0",
					"berlaku", "2026-11-01", NULL};

		body = kecdfix_multipart("xYz123", fields, "berkas", "p.ini",
					 text, tlen, &blen);
	}
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/aturan",
				      "multipart/form-data; boundary=xYz123",
				      cookie, body, blen, &r),
			 0);
	assert_non_null(strstr(r.body, "hari ini atau sesudahnya"));
	kecdfix_reply_free(&r);
	free(body);
	/* what the desa's box fetches */
	snprintf(path, sizeof(path), "/api/v1/rules?desa=%s", DESA);
	assert_int_equal(
		kecdfix_http(w.srv.port, "GET", path, NULL, NULL, NULL, 0, &r),
		0);
	assert_int_equal(r.status, 200);
	v = json_of(&r);
	assert_string_equal(jstr(v, "kecamatan"), "Pucuk");
	assert_int_equal(json_value_size(json_value_get(v, "rules")), 1);
	rule = json_value_at(json_value_get(v, "rules"), 0);
	assert_string_equal(jstr(rule, "text"), text);
	{
		char ver[PD_HASH_HEX];

		crypto_sha256_hex(text, tlen, ver);
		assert_string_equal(jstr(rule, "version"), ver);
	}
	memset(&rp, 0, sizeof(rp));
	rp.id = jint(rule, "id");
	assert_int_equal(rulepub_kind_parse(jstr(rule, "kind"), &rp.kind), 0);
	rp.kabupaten = strcmp(jstr(rule, "scope"), "kabupaten") == 0;
	assert_true(rp.kabupaten);
	snprintf(rp.area, sizeof(rp.area), "%s", jstr(rule, "area"));
	assert_string_equal(rp.area, "Lamongan");
	snprintf(rp.name, sizeof(rp.name), "%s", jstr(rule, "name"));
	snprintf(rp.version, sizeof(rp.version), "%s", jstr(rule, "version"));
	assert_int_equal(civil_date_parse(jstr(rule, "from"), &rp.from_day), 0);
	assert_int_equal(
		ledger_iso_parse(jstr(rule, "published"), &rp.published_utc),
		0);
	assert_true(rulepub_statement(&rp, stmt) > 0);
	assert_int_equal(
		crypto_hex_decode(jstr(v, "publisher_key"), pk, sizeof(pk)), 0);
	assert_int_equal(
		crypto_hex_decode(jstr(rule, "signature"), sig, sizeof(sig)),
		0);
	assert_int_equal(crypto_sig_verify(pk, stmt, strlen(stmt), sig), 0);
	stmt[strlen(stmt) - 3] ^= 1; /* another instant: not signed */
	assert_int_equal(crypto_sig_verify(pk, stmt, strlen(stmt), sig),
			 -EBADMSG);
	json_value_free(v);
	kecdfix_reply_free(&r);
	snprintf(path, sizeof(path), "/api/v1/rules?desa=%s&after=1", DESA);
	assert_int_equal(
		kecdfix_http(w.srv.port, "GET", path, NULL, NULL, NULL, 0, &r),
		0);
	v = json_of(&r);
	assert_int_equal(json_value_size(json_value_get(v, "rules")), 0);
	json_value_free(v);
	kecdfix_reply_free(&r);
	assert_int_equal(kecdfix_http(w.srv.port, "GET",
				      "/api/v1/rules?desa=9999", NULL, NULL,
				      NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 404);
	kecdfix_reply_free(&r);
	free(text);
	world_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_kecd_push_stores_rows_and_answers_the_head),
		cmocka_unit_test(test_kecd_push_gap_answers_the_held_head),
		cmocka_unit_test(test_kecd_push_refusals_in_their_order),
		cmocka_unit_test(test_kecd_push_bounds_and_methods),
		cmocka_unit_test(
			test_kecd_bundle_imported_at_the_servers_clock),
		cmocka_unit_test(test_kecd_rules_published_signed_and_served),
	};

	signal(SIGPIPE, SIG_IGN);
	return kecfix_main("kecd_api", tests, sizeof(tests) / sizeof(*tests));
}
