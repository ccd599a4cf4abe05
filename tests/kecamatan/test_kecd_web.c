/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pages of the real kecamatand, on SQLite and on a private
 * PostgreSQL: logins (a wrong password, the cookie's attributes, the
 * limit per account), sessions that end when idle, CSRF tokens on every
 * form, the scope of each role (another kecamatan's page or desa is 404,
 * an operator sees uploads only), today's page from pushed punches, the
 * rekap and its downloads, a desa and a person, uploads, and the access
 * log that records them.
 */
#include <errno.h>
#include <inttypes.h>
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
#include "fakes/kecfix.h"
#include "fakes/testutil.h"
#include "kec_admin.h"
#include "kecdfix.h"

#define DESA		"3524012001"
#define DESA_B		"3517012001"
#define D(y, m, d)	civil_from_ymd((y), (m), (d))
#define AT(d, h, mi, s) kecbox_at(2026, 11, (d), (h), (mi), (s))

struct world {
	struct kecfix *f;
	char *dir;
	struct kec_info pucuk, perak;
	struct kecbox box;
	struct kecdfix_server srv;
	char pk[32], pr[32]; /* "/k/<id>" of each */
};

static void world_up(struct world *w, void **state)
{
	char why[KEC_ADMIN_WHY_MAX];
	struct kecbox other;

	memset(w, 0, sizeof(*w));
	w->f = *state;
	w->dir = testutil_tmpdir("kecdweb");
	assert_non_null(w->dir);
	assert_int_equal(kec_admin_init(w->f->st, "Pucuk", "Lamongan", NULL, 0,
					AT(1, 8, 0, 0), &w->pucuk, why,
					sizeof(why)),
			 0);
	assert_int_equal(kec_admin_init(w->f->st, "Perak", "Lamongan", NULL, 0,
					AT(1, 8, 0, 0), &w->perak, why,
					sizeof(why)),
			 0);
	snprintf(w->pk, sizeof(w->pk), "/k/%" PRId64, w->pucuk.id);
	snprintf(w->pr, sizeof(w->pr), "/k/%" PRId64, w->perak.id);
	kecbox_open(&w->box, DESA, "Sukamaju", 1);
	assert_int_equal(kec_admin_trust(w->f->st, &w->pucuk, DESA, "Sukamaju",
					 w->box.public_key, NULL,
					 AT(1, 8, 0, 0), "root", NULL, why,
					 sizeof(why)),
			 0);
	kecbox_open(&other, DESA_B, "Sumberjo", 2);
	assert_int_equal(kec_admin_trust(w->f->st, &w->perak, DESA_B,
					 "Sumberjo", other.public_key, NULL,
					 AT(1, 8, 0, 0), "root", NULL, why,
					 sizeof(why)),
			 0);
	kecbox_close(&other);
	kecbox_rules(&w->box, D(2026, 11, 1), AT(1, 7, 0, 0));
	kecbox_person(&w->box, "101", "H. Sutrisno", D(2026, 11, 1),
		      AT(1, 7, 5, 0));
	kecbox_person(&w->box, "102", "Dewi <Lestari>", D(2026, 11, 1),
		      AT(1, 7, 6, 0));
	kecbox_person(&w->box, "103", "Budi Santoso", D(2026, 11, 1),
		      AT(1, 7, 7, 0));
	kecbox_punch(&w->box, "101", AT(23, 7, 12, 5), 0);
	kecdfix_user(w->f->db, "Pucuk", "camat.pucuk", "camat", "sandi-camat");
	kecdfix_user(w->f->db, "Perak", "kasi.perak", "kasi", "sandi-kasi");
	kecdfix_user(w->f->db, "Pucuk", "operator", "operator", "sandi-op1");
	kecdfix_user(w->f->db, NULL, "kab", "kabupaten", "sandi-kab1");
	kecdfix_start(&w->srv, w->dir, w->f->db, AT(23, 7, 30, 0),
		      "[web]\nsession_idle_min = 30\nlogin_attempts = 5\n");
	assert_int_equal(kecdfix_push(w->srv.port, &w->box, 1,
				      kecdfix_box_head(&w->box), NULL),
			 200);
}

static void world_down(struct world *w)
{
	kecdfix_stop(&w->srv);
	kecbox_close(&w->box);
	testutil_rmtree_free(w->dir);
}

static int status_of(struct world *w, const char *path, const char *cookie)
{
	int status;
	char *page = kecdfix_get(w->srv.port, path, cookie, &status);

	free(page);
	return status;
}

static char *page_of(struct world *w, const char *path, const char *cookie)
{
	int status;
	char *page = kecdfix_get(w->srv.port, path, cookie, &status);

	if (status != 200)
		fail_msg("GET %s: %d\n%s", path, status, page);
	return page;
}

static char *at(const char *a, const char *b)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s%s", a, b);
	return buf;
}

static void test_kecd_login_cookie_and_wrong_password(void **state)
{
	struct kecdfix_reply r;
	struct world w;
	char cookie[128], hdr[512];

	world_up(&w, state);
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "salah-sandi",
				       cookie, sizeof(cookie)),
			 401);
	assert_string_equal(cookie, "");
	assert_int_equal(kecdfix_login(w.srv.port, "tidak.ada", "apa-saja",
				       cookie, sizeof(cookie)),
			 401);
	/* without a session every page leads to the login */
	assert_int_equal(kecdfix_http(w.srv.port, "GET", at(w.pk, "/hari-ini"),
				      NULL, NULL, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 303);
	assert_string_equal(kecdfix_header(&r, "Location", 0, hdr, sizeof(hdr)),
			    "/masuk");
	kecdfix_reply_free(&r);
	/* the cookie's attributes, from the login's own answer */
	{
		char pre[160], tok[80], body[256];

		assert_int_equal(kecdfix_http(w.srv.port, "GET", "/masuk", NULL,
					      NULL, NULL, 0, &r),
				 0);
		assert_non_null(
			kecdfix_header(&r, "Set-Cookie", 0, hdr, sizeof(hdr)));
		snprintf(pre, sizeof(pre), "%.*s", (int)strcspn(hdr, ";"), hdr);
		assert_int_equal(kecdfix_csrf(r.body, tok, sizeof(tok)), 0);
		assert_non_null(kecdfix_header(&r, "Content-Security-Policy", 0,
					       hdr, sizeof(hdr)));
		kecdfix_reply_free(&r);
		snprintf(body, sizeof(body),
			 "csrf=%s&nama=camat.pucuk&sandi=sandi-camat", tok);
		assert_int_equal(kecdfix_http(w.srv.port, "POST", "/masuk",
					      "application/x-www-form-"
					      "urlencoded",
					      pre, body, strlen(body), &r),
				 0);
		assert_int_equal(r.status, 303);
		assert_non_null(
			kecdfix_header(&r, "Set-Cookie", 0, hdr, sizeof(hdr)));
		assert_int_equal(strncmp(hdr, "kd_sesi=", 8), 0);
		assert_non_null(strstr(hdr, "; HttpOnly"));
		assert_non_null(strstr(hdr, "; SameSite=Strict"));
		assert_null(strstr(hdr, "Secure")); /* plain HTTP here */
		assert_string_equal(
			kecdfix_header(&r, "Location", 0, hdr, sizeof(hdr)),
			at(w.pk, "/hari-ini"));
		kecdfix_reply_free(&r);
		/*
		 * A browser asks for more than the form (its favicon is
		 * sent to the login too): a second visit with the cookie
		 * keeps the token, so the first form still posts.
		 */
		assert_int_equal(kecdfix_http(w.srv.port, "GET", "/masuk", NULL,
					      pre, NULL, 0, &r),
				 0);
		{
			char tok2[80];

			assert_int_equal(
				kecdfix_csrf(r.body, tok2, sizeof(tok2)), 0);
			assert_string_equal(tok2, tok);
		}
		kecdfix_reply_free(&r);
		/* a login form posted without its own token */
		snprintf(body, sizeof(body),
			 "csrf=%s&nama=camat.pucuk&sandi=sandi-camat", tok);
		assert_int_equal(kecdfix_http(w.srv.port, "POST", "/masuk",
					      "application/x-www-form-"
					      "urlencoded",
					      NULL, body, strlen(body), &r),
				 0);
		assert_int_equal(r.status, 403);
		kecdfix_reply_free(&r);
	}
	world_down(&w);
}

static void test_kecd_logins_limited_per_account(void **state)
{
	struct world w;
	char cookie[128];

	world_up(&w, state);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk",
					       "tebakan", cookie,
					       sizeof(cookie)),
				 401);
	/* locked now, even with the right password */
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 429);
	/* another account is not */
	assert_int_equal(kecdfix_login(w.srv.port, "kab", "sandi-kab1", cookie,
				       sizeof(cookie)),
			 303);
	/* after the window */
	kecdfix_clock(&w.srv, AT(23, 7, 46, 0));
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	world_down(&w);
}

static void test_kecd_scope_is_404_outside_the_account(void **state)
{
	struct world w;
	char camat[128], kasi[128], op[128], kab[128], path[160];

	world_up(&w, state);
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       camat, sizeof(camat)),
			 303);
	assert_int_equal(kecdfix_login(w.srv.port, "kasi.perak", "sandi-kasi",
				       kasi, sizeof(kasi)),
			 303);
	assert_int_equal(kecdfix_login(w.srv.port, "operator", "sandi-op1", op,
				       sizeof(op)),
			 303);
	assert_int_equal(kecdfix_login(w.srv.port, "kab", "sandi-kab1", kab,
				       sizeof(kab)),
			 303);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), camat), 200);
	assert_int_equal(status_of(&w, at(w.pr, "/hari-ini"), camat), 404);
	assert_int_equal(status_of(&w, at(w.pr, "/rekap"), camat), 404);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), kasi), 404);
	/* another kecamatan's desa under one's own kecamatan */
	snprintf(path, sizeof(path), "%s/desa/%s", w.pk, DESA_B);
	assert_int_equal(status_of(&w, path, camat), 404);
	snprintf(path, sizeof(path), "%s/desa/%s", w.pr, DESA_B);
	assert_int_equal(status_of(&w, path, kasi), 200);
	assert_int_equal(status_of(&w, path, camat), 404);
	assert_int_equal(status_of(&w, "/kabupaten", camat), 404);
	assert_int_equal(status_of(&w, "/aturan", kasi), 404);
	assert_int_equal(status_of(&w, "/aturan", camat), 200);
	/* an operator uploads, and sees nothing else */
	assert_int_equal(status_of(&w, "/unggah", op), 200);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), op), 404);
	assert_int_equal(status_of(&w, "/catatan", op), 404);
	/* the kabupaten sees every kecamatan */
	assert_int_equal(status_of(&w, "/kabupaten", kab), 200);
	assert_int_equal(status_of(&w, at(w.pr, "/hari-ini"), kab), 200);
	assert_int_equal(status_of(&w, at(w.pk, "/rekap"), kab), 200);
	/* ids that are not ids */
	assert_int_equal(status_of(&w, "/k/0/hari-ini", kab), 404);
	assert_int_equal(status_of(&w, "/k/99/hari-ini", kab), 404);
	assert_int_equal(status_of(&w, "/k/1x/hari-ini", kab), 404);
	assert_int_equal(status_of(&w, "/k/1/../hari-ini", kab), 404);
	world_down(&w);
}

static void test_kecd_csrf_and_session_end(void **state)
{
	struct kecdfix_reply r;
	struct world w;
	char cookie[128], tok[80], body[160], hdr[256], *page;
	int status;

	world_up(&w, state);
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	page = page_of(&w, at(w.pk, "/hari-ini"), cookie);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	/* a forged token is refused and changes nothing */
	snprintf(body, sizeof(body), "csrf=%064d", 7);
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/keluar",
				      "application/x-www-form-urlencoded",
				      cookie, body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 403);
	kecdfix_reply_free(&r);
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/keluar",
				      "application/x-www-form-urlencoded",
				      cookie, "", 0, &r),
			 0);
	assert_int_equal(r.status, 403);
	kecdfix_reply_free(&r);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), cookie), 200);
	/* idle past session_idle_min: the session has ended */
	kecdfix_clock(&w.srv, AT(23, 8, 1, 0));
	assert_int_equal(kecdfix_http(w.srv.port, "GET", at(w.pk, "/rekap"),
				      NULL, cookie, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 303);
	assert_string_equal(kecdfix_header(&r, "Location", 0, hdr, sizeof(hdr)),
			    "/masuk?sesi=berakhir");
	kecdfix_reply_free(&r);
	page = kecdfix_get(w.srv.port, "/masuk?sesi=berakhir", NULL, &status);
	assert_non_null(strstr(page, "Sesi Anda telah berakhir"));
	free(page);
	/* a new session, and its logout with the right token */
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	page = page_of(&w, at(w.pk, "/hari-ini"), cookie);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	snprintf(body, sizeof(body), "csrf=%s", tok);
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/keluar",
				      "application/x-www-form-urlencoded",
				      cookie, body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 303);
	kecdfix_reply_free(&r);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), cookie), 303);
	/* a disabled account's sessions end at once */
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	assert_int_equal(kecdfix_cli(w.f->db, NULL, NULL, "user", "disable",
				     "--name", "camat.pucuk", NULL),
			 0);
	assert_int_equal(status_of(&w, at(w.pk, "/hari-ini"), cookie), 303);
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 401);
	world_down(&w);
}

static void test_kecd_today_follows_the_pushes(void **state)
{
	struct world w;
	char cookie[128], *page;

	world_up(&w, state);
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	page = page_of(&w, at(w.pk, "/hari-ini"), cookie);
	assert_non_null(strstr(page, "Sukamaju"));
	assert_non_null(strstr(page, "data-hadir=\"1\">1</span> dari 3 hadir"));
	assert_non_null(strstr(page, "Dewi &lt;Lestari&gt;")); /* escaped */
	assert_null(strstr(page, "Dewi <Lestari>"));
	assert_non_null(strstr(page, "2 belum hadir"));
	free(page);
	/* Dewi arrives late, pushed at once */
	kecbox_punch(&w.box, "102", AT(23, 7, 48, 10), 0);
	kecdfix_clock(&w.srv, AT(23, 7, 48, 12));
	assert_int_equal(kecdfix_push(w.srv.port, &w.box, 7, 7, NULL), 200);
	page = page_of(&w, at(w.pk, "/hari-ini"), cookie);
	assert_non_null(strstr(page, "data-hadir=\"2\">2</span> dari 3 hadir"));
	assert_non_null(strstr(page, "terlambat TL1 (19 menit)"));
	assert_non_null(strstr(page, "1 belum hadir"));
	assert_non_null(strstr(page, "lewat push"));
	free(page);
	world_down(&w);
}

static void test_kecd_rekap_desa_person_and_downloads(void **state)
{
	struct kecdfix_reply r;
	struct world w;
	char cookie[128], path[200], hdr[256], *page;

	world_up(&w, state);
	assert_int_equal(kecdfix_login(w.srv.port, "kab", "sandi-kab1", cookie,
				       sizeof(cookie)),
			 303);
	page = page_of(&w, at(w.pk, "/rekap?periode=2026-11"), cookie);
	assert_non_null(strstr(page, "Rekap November 2026"));
	assert_non_null(strstr(page, "Sukamaju"));
	assert_non_null(strstr(page, "Persentase tepat waktu"));
	assert_non_null(strstr(page, "<svg class=\"grafik\""));
	free(page);
	page = page_of(&w, at(w.pk, "/rekap?periode=2026-Q4"), cookie);
	assert_non_null(strstr(page, "Triwulan IV 2026"));
	free(page);
	page = page_of(&w, at(w.pk, "/rekap?periode=2026"), cookie);
	free(page);
	assert_int_equal(
		status_of(&w, at(w.pk, "/rekap?periode=2026-13"), cookie), 404);
	snprintf(path, sizeof(path), "%s/desa/%s?periode=2026-11", w.pk, DESA);
	page = page_of(&w, path, cookie);
	assert_non_null(strstr(page, "H. Sutrisno"));
	assert_non_null(strstr(page, "PPU 24/2018 5 hari"));
	free(page);
	snprintf(path, sizeof(path), "%s/desa/%s/orang/101?periode=2026-11",
		 w.pk, DESA);
	page = page_of(&w, path, cookie);
	assert_non_null(strstr(page, "07:12:05"));
	assert_non_null(strstr(page, "tepat waktu"));
	free(page);
	snprintf(path, sizeof(path), "%s/desa/%s/orang/999?periode=2026-11",
		 w.pk, DESA);
	assert_int_equal(status_of(&w, path, cookie), 404);
	/* downloads: the camat's writers and the box's */
	assert_int_equal(kecdfix_http(w.srv.port, "GET",
				      at(w.pk, "/rekap.xlsx?periode=2026-11"),
				      NULL, cookie, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_true(r.len > 1000);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	assert_non_null(
		kecdfix_header(&r, "Content-Disposition", 0, hdr, sizeof(hdr)));
	assert_non_null(strstr(hdr, "rekap-Pucuk-2026-11.xlsx"));
	kecdfix_reply_free(&r);
	page = page_of(&w, at(w.pk, "/rekap.csv?periode=2026-11"), cookie);
	assert_non_null(strstr(page, DESA));
	free(page);
	snprintf(path, sizeof(path), "%s/desa/%s/rekap.xlsx?periode=2026-11",
		 w.pk, DESA);
	assert_int_equal(kecdfix_http(w.srv.port, "GET", path, NULL, cookie,
				      NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	kecdfix_reply_free(&r);
	snprintf(path, sizeof(path), "%s/desa/%s/rekap.html?periode=2026-11",
		 w.pk, DESA);
	page = page_of(&w, path, cookie);
	assert_non_null(strstr(page, "Mengetahui"));
	free(page);
	page = page_of(&w, at(w.pk, "/perangkat"), cookie);
	assert_non_null(strstr(page, "PPU 24/2018 5 hari"));
	assert_non_null(strstr(page, "lewat push"));
	free(page);
	page = page_of(&w, at(w.pr, "/perangkat"), cookie);
	assert_non_null(strstr(page, "Sumberjo"));
	assert_non_null(strstr(page, "belum pernah melapor"));
	free(page);
	page = page_of(&w, "/kabupaten?periode=2026-11", cookie);
	assert_non_null(strstr(page, "Pucuk"));
	assert_non_null(strstr(page, "Perak"));
	free(page);
	world_down(&w);
}

static void test_kecd_upload_page_and_access_log(void **state)
{
	struct kecdfix_reply r;
	struct world w;
	char cookie[128], tok[80], *page, *body;
	uint8_t *zip;
	size_t len, blen;

	world_up(&w, state);
	kecbox_close_month(&w.box, "2026-11", kecbox_at(2026, 12, 1, 9, 0, 0));
	kecbox_bundle(&w.box, "2026-11", kecbox_at(2026, 12, 1, 9, 5, 0), &zip,
		      &len);
	/* the kasi of another kecamatan may not bring it in */
	assert_int_equal(kecdfix_login(w.srv.port, "kasi.perak", "sandi-kasi",
				       cookie, sizeof(cookie)),
			 303);
	page = page_of(&w, "/unggah", cookie);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	{
		const char *fields[] = {"csrf", tok, NULL};

		body = kecdfix_multipart("BnD", fields, "berkas",
					 "presensi-" DESA "-2026-11.zip", zip,
					 len, &blen);
	}
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/unggah",
				      "multipart/form-data; boundary=BnD",
				      cookie, body, blen, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "data-hasil=\"ditolak\""));
	assert_non_null(strstr(r.body, "kecamatan lain"));
	kecdfix_reply_free(&r);
	free(body);
	/* its own camat brings it in */
	assert_int_equal(kecdfix_login(w.srv.port, "camat.pucuk", "sandi-camat",
				       cookie, sizeof(cookie)),
			 303);
	page = page_of(&w, "/unggah", cookie);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	{
		const char *fields[] = {"csrf", tok, NULL};

		body = kecdfix_multipart("BnD", fields, "berkas",
					 "presensi-" DESA "-2026-11.zip", zip,
					 len, &blen);
	}
	assert_int_equal(kecdfix_http(w.srv.port, "POST", "/unggah",
				      "multipart/form-data; boundary=BnD",
				      cookie, body, blen, &r),
			 0);
	assert_non_null(strstr(r.body, "data-hasil=\"diterima\""));
	assert_non_null(strstr(r.body, "November 2026, berkas lengkap"));
	kecdfix_reply_free(&r);
	/* a forged token: the upload is refused whole */
	{
		/* the body holds a zip: binary, NULs and all */
		char *forged = malloc(blen), *p;

		assert_non_null(forged);
		memcpy(forged, body, blen);
		p = memmem(forged, blen, tok, strlen(tok));
		assert_non_null(p);
		p[0] = p[0] == 'a' ? 'b' : 'a';
		assert_int_equal(kecdfix_http(w.srv.port, "POST", "/unggah",
					      "multipart/form-data; "
					      "boundary=BnD",
					      cookie, forged, blen, &r),
				 0);
		assert_int_equal(r.status, 403);
		kecdfix_reply_free(&r);
		free(forged);
	}
	free(body);
	free(zip);
	page = page_of(&w, "/catatan", cookie);
	assert_non_null(strstr(page, "unggah"));
	assert_non_null(strstr(page, "login"));
	assert_non_null(strstr(page, "csrf-ditolak"));
	assert_null(strstr(page, "kasi.perak")); /* Perak's lines */
	free(page);
	world_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kecd_login_cookie_and_wrong_password),
		cmocka_unit_test(test_kecd_logins_limited_per_account),
		cmocka_unit_test(test_kecd_scope_is_404_outside_the_account),
		cmocka_unit_test(test_kecd_csrf_and_session_end),
		cmocka_unit_test(test_kecd_today_follows_the_pushes),
		cmocka_unit_test(test_kecd_rekap_desa_person_and_downloads),
		cmocka_unit_test(test_kecd_upload_page_and_access_log),
	};

	signal(SIGPIPE, SIG_IGN);
	return kecfix_main("kecd_web", tests, sizeof(tests) / sizeof(*tests));
}
