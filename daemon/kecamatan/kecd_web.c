/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_web.c: kecamatand's router.  /api/v1/ goes to the boxes' API; every
 * other path is a page: the login, the logout, and behind a session the
 * pages of kecd_today.c, kecd_rekap.c, kecd_boxes.c, kecd_upload.c and
 * kecd_kab.c.  A kecamatan, desa or person out of the account's scope is
 * "not found" (404), never "forbidden": the answer says nothing of what
 * exists elsewhere.  Every POST carries the session's CSRF token.
 */
#include "kecd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kecd_api.h"
#include "kecd_form.h"
#include "kecd_int.h"
#include "log.h"

int kecd_query(const struct kecd_ctx *x, const char *key, char *out, size_t cap)
{
	return kecd_form_get(x->req->query, strlen(x->req->query), key, out,
			     cap);
}

int kecd_field(const struct kecd_ctx *x, const char *key, char *out, size_t cap)
{
	return kecd_req_field(x->req, key, out, cap);
}

int kecd_error_page(struct kecd_ctx *x, int status, const char *title,
		    const char *text)
{
	struct kecd_page p = {0};

	if (kecd_page_open(&p, x->who.in ? &x->who : NULL, title, 0, NULL,
			   KECD_NAV_NONE))
		return -ENOMEM;
	fputs("<h1>", p.fp);
	kecd_h(p.fp, title);
	fputs("</h1>", p.fp);
	kecd_msg(p.fp, "galat", text);
	fputs("<p><a href=\"/\">Kembali ke halaman utama</a></p>", p.fp);
	return kecd_page_finish(&p, x->req, x->resp, status);
}

pd_day_t kecd_today(const struct kecd_ctx *x, int32_t *now_sec)
{
	pd_day_t d;
	int32_t s;

	civil_local_from_utc(x->req->now_utc,
			     x->kec.offset_min ? x->kec.offset_min : 420, &d,
			     &s);
	if (now_sec)
		*now_sec = s;
	return d;
}

int kecd_period(const struct kecd_ctx *x, enum civil_period_kind *kind,
		pd_day_t *first, pd_day_t *last, char *label, size_t cap)
{
	static const enum civil_period_kind kinds[] = {
		CIVIL_PERIOD_MONTH, CIVIL_PERIOD_QUARTER, CIVIL_PERIOD_YEAR};
	char v[32];
	int rc = kecd_query(x, "periode", v, sizeof(v));

	if (rc == -ENOENT) {
		*kind = CIVIL_PERIOD_MONTH;
		civil_period_label(CIVIL_PERIOD_MONTH, kecd_today(x, NULL), v,
				   sizeof(v));
	} else if (rc) {
		return -EINVAL;
	}
	for (size_t i = 0; i < 3; i++)
		if (civil_period_parse(kinds[i], v, first, last, NULL, 0) ==
		    0) {
			*kind = kinds[i];
			civil_period_label_id(kinds[i], *first, label, cap);
			return 0;
		}
	return -EINVAL;
}

struct desa_find {
	const char *id;
	struct kec_desa *out;
};

static int desa_match(void *ud, const struct kec_desa *d)
{
	struct desa_find *f = ud;

	if (strcmp(d->id, f->id) != 0)
		return 0;
	*f->out = *d;
	return 1;
}

int kecd_desa_get(const struct kecd_ctx *x, struct kec_desa *out)
{
	// cppcheck-suppress ctuuninitvar ; out is written here, never read
	struct desa_find f = {x->desa, out};
	int rc = kec_store_desa_each(x->w->st, x->kec.id, desa_match, &f);

	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

int kecd_desa_take(void *ud, const struct kec_desa *d)
{
	struct kecd_desa_list *l = ud;
	struct kec_desa *p = reallocarray(l->d, l->n + 1, sizeof(*l->d));

	if (!p)
		return -ENOMEM;
	l->d = p;
	l->d[l->n++] = *d;
	return 0;
}

/* ---- login, logout, home ---- */

static int page_login(struct kecd_ctx *x, const char *kind, const char *text,
		      int status)
{
	char token[KECD_TOKEN_HEX], v[16];
	struct kecd_page p = {0};

	if (!text && kecd_query(x, "sesi", v, sizeof(v)) == 0) {
		kind = "info";
		text = strcmp(v, "berakhir") == 0
			       ? "Sesi Anda telah berakhir. Silakan masuk lagi."
			       : "Anda telah keluar.";
	}
	if (kecd_page_open(&p, NULL, "Masuk", 0, NULL, KECD_NAV_NONE))
		return -ENOMEM;
	if (kecd_auth_pre_token(x->req, x->resp, token)) {
		kecd_page_abort(&p);
		return -ENOMEM;
	}
	fputs("<div class=\"masuk kartu\"><h1>Masuk</h1>"
	      "<p class=\"kecil\">Rekap presensi perangkat desa untuk camat, "
	      "kasi pemerintahan dan kabupaten.</p>",
	      p.fp);
	if (text)
		kecd_msg(p.fp, kind, text);
	fputs("<form method=\"post\" action=\"/masuk\" autocomplete=\"on\">"
	      "<input type=\"hidden\" name=\"csrf\" value=\"",
	      p.fp);
	kecd_h(p.fp, token);
	fputs("\"><label for=\"nama\">Nama pengguna</label>"
	      "<input type=\"text\" id=\"nama\" name=\"nama\" "
	      "autocomplete=\"username\" autocapitalize=\"none\" required "
	      "maxlength=\"95\">"
	      "<label for=\"sandi\">Kata sandi</label>"
	      "<input type=\"password\" id=\"sandi\" name=\"sandi\" "
	      "autocomplete=\"current-password\" required maxlength=\"128\">"
	      "<p><button type=\"submit\" style=\"width:100%\">Masuk"
	      "</button></p></form></div>",
	      p.fp);
	explicit_bzero(token, sizeof(token));
	return kecd_page_finish(&p, x->req, x->resp, status);
}

static int home_path(const struct kec_user *u, char *out, size_t cap)
{
	if (u->role == KEC_ROLE_KABUPATEN)
		return snprintf(out, cap, "/kabupaten");
	if (u->role == KEC_ROLE_OPERATOR)
		return snprintf(out, cap, "/unggah");
	return snprintf(out, cap, "/k/%" PRId64 "/hari-ini", u->kec);
}

static int do_login(struct kecd_ctx *x)
{
	enum kecd_login res;
	int64_t retry = 0;
	char path[64], text[160];
	int rc = kecd_auth_login(x->w, x->req, x->resp, &res, &retry);

	if (rc)
		return rc;
	switch (res) {
	case KECD_LOGIN_OK: {
		struct kecd_who who;

		/* the new session's user, for where to go */
		memset(&who, 0, sizeof(who));
		if (kecd_field(x, "nama", who.u.name, sizeof(who.u.name)) ||
		    kec_store_user_get(x->w->st, who.u.name, &who.u))
			return kecd_resp_redirect(x->resp, "/");
		explicit_bzero(who.u.pwhash, sizeof(who.u.pwhash));
		home_path(&who.u, path, sizeof(path));
		return kecd_resp_redirect(x->resp, path);
	}
	case KECD_LOGIN_LOCKED:
		snprintf(text, sizeof(text),
			 "Terlalu banyak percobaan yang gagal. Coba lagi "
			 "dalam %lld menit.",
			 (long long)((retry + 59) / 60));
		return page_login(x, "galat", text, 429);
	case KECD_LOGIN_CSRF:
		return page_login(x, "galat",
				  "Formulir sudah kedaluwarsa. Silakan "
				  "coba lagi.",
				  403);
	default:
		return page_login(x, "galat",
				  "Nama pengguna atau kata sandi salah.", 401);
	}
}

/* ---- the router ---- */

/* Splits path into decoded segments; -EINVAL for a bad one. */
static int segments(const char *path, char seg[][KECD_SEG_MAX], int max, int *n)
{
	const char *p = path;

	*n = 0;
	if (*p != '/')
		return -EINVAL;
	while (*p == '/') {
		char tmp[3 * KECD_SEG_MAX + 4];
		const char *end;
		size_t len;

		p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (*n == max)
			return -EINVAL;
		/* percent-decoding as a form value, '+' aside */
		if (memchr(p, '+', len))
			return -EINVAL;
		if (len + 2 > sizeof(tmp))
			return -EINVAL;
		tmp[0] = '=';
		memcpy(tmp + 1, p, len);
		if (kecd_form_get(tmp, len + 1, "", seg[*n], KECD_SEG_MAX) != 0)
			return -EINVAL;
		if (!seg[*n][0] || strcmp(seg[*n], ".") == 0 ||
		    strcmp(seg[*n], "..") == 0 || strchr(seg[*n], '/'))
			return -EINVAL;
		(*n)++;
		p += len;
	}
	return 0;
}

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static int not_found(struct kecd_ctx *x)
{
	return kecd_error_page(x, 404, "Tidak ditemukan",
			       "Halaman yang Anda cari tidak ada, atau tidak "
			       "termasuk wilayah akun Anda.");
}

/* /k/<id>/...: the kecamatan, if the account sees it. */
static int pick_kec(struct kecd_ctx *x, const char *seg)
{
	char *end;
	long long id = strtoll(seg, &end, 10);

	if (*end || id < 1 || !kecd_auth_sees_kec(&x->who.u, id))
		return -ENOENT;
	return kecd_kec_get(x->w->st, id, &x->kec);
}

/* A download's name: "rekap.xlsx" -> "xlsx". */
static const char *download_ext(const char *seg)
{
	static const char *const ext[] = {"csv", "xlsx", "html"};

	if (strncmp(seg, "rekap.", 6) != 0)
		return NULL;
	for (size_t i = 0; i < 3; i++)
		if (is(seg + 6, ext[i]))
			return ext[i];
	return NULL;
}

static int route_kec(struct kecd_ctx *x, char seg[][KECD_SEG_MAX], int n)
{
	int rc = pick_kec(x, seg[1]);

	if (rc)
		return rc;
	if (n == 3 && is(seg[2], "hari-ini"))
		return kecd_page_today(x);
	if (n == 3 && is(seg[2], "rekap"))
		return kecd_page_rekap(x);
	if (n == 3 && (x->ext = download_ext(seg[2])))
		return kecd_download_rekap(x);
	if (n == 3 && is(seg[2], "perangkat"))
		return kecd_page_boxes(x);
	if (n >= 4 && is(seg[2], "desa")) {
		snprintf(x->desa, sizeof(x->desa), "%s", seg[3]);
		if (n == 4)
			return kecd_page_desa(x);
		if (n == 5 && (x->ext = download_ext(seg[4])))
			return kecd_download_desa(x);
		if (n == 6 && is(seg[4], "orang")) {
			snprintf(x->person, sizeof(x->person), "%s", seg[5]);
			return kecd_page_person(x);
		}
	}
	return -ENOENT;
}

static int route(struct kecd_ctx *x)
{
	char seg[8][KECD_SEG_MAX], path[64];
	const char *m = x->req->method;
	bool get = is(m, "GET") || is(m, "HEAD"), post = is(m, "POST");
	int n, rc;

	if (segments(x->req->path, seg, 8, &n))
		return -ENOENT;
	if (n == 1 && is(seg[0], "sehat") && get)
		return kecd_resp_set(x->resp, 200, "text/plain; charset=utf-8",
				     "ok\n", 3);
	rc = kecd_auth_who(x->w, x->req, &x->who);
	if (rc)
		return rc;
	if (n == 1 && is(seg[0], "masuk")) {
		if (post)
			return do_login(x);
		if (x->who.in) {
			home_path(&x->who.u, path, sizeof(path));
			return kecd_resp_redirect(x->resp, path);
		}
		return page_login(x, NULL, NULL, 200);
	}
	if (!x->who.in) {
		if (n == 0 && get && !x->who.expired)
			return kecd_resp_redirect(x->resp, "/masuk");
		return kecd_resp_redirect(
			x->resp,
			x->who.expired ? "/masuk?sesi=berakhir" : "/masuk");
	}
	if (post && !kecd_auth_csrf_ok(&x->who, x->req)) {
		kecd_audit(x->w, x->req, x->who.u.kec, x->who.u.name,
			   "csrf-ditolak", x->req->path, "");
		return kecd_error_page(x, 403, "Formulir ditolak",
				       "Formulir ini sudah kedaluwarsa atau "
				       "tidak sah. Muat ulang halaman lalu "
				       "coba lagi.");
	}
	if (n == 0 && get) {
		home_path(&x->who.u, path, sizeof(path));
		return kecd_resp_redirect(x->resp, path);
	}
	if (n == 1 && is(seg[0], "keluar") && post) {
		rc = kecd_auth_logout(x->w, x->req, &x->who, x->resp);
		return rc ? rc
			  : kecd_resp_redirect(x->resp, "/masuk?sesi=keluar");
	}
	if (n == 1 && is(seg[0], "unggah") && (get || post))
		return kecd_page_upload(x);
	if (x->who.u.role == KEC_ROLE_OPERATOR)
		return -ENOENT; /* uploads only */
	if (n == 1 && is(seg[0], "kabupaten") && get &&
	    kecd_auth_sees_all(&x->who.u))
		return kecd_page_kab(x);
	if (n == 1 && is(seg[0], "aturan") && (get || post) &&
	    (x->who.u.role == KEC_ROLE_KABUPATEN ||
	     x->who.u.role == KEC_ROLE_CAMAT))
		return kecd_page_rules(x);
	if (n == 1 && is(seg[0], "catatan") && get)
		return kecd_page_log(x);
	if (n >= 3 && is(seg[0], "k") && get)
		return route_kec(x, seg, n);
	return -ENOENT;
}

void kecd_handle(struct kecd_worker *w, const struct kecd_req *req,
		 struct kecd_resp *resp)
{
	struct kecd_ctx x;
	int rc;

	if (strncmp(req->path, "/api/", 5) == 0) {
		kecd_api(w, req, resp);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.w = w;
	x.req = req;
	x.resp = resp;
	rc = route(&x);
	if (rc == 0)
		return;
	kecd_resp_free(resp);
	resp->nheaders = 0;
	if (rc == -ENOENT)
		rc = not_found(&x);
	else {
		log_errno(rc, "%s %s", req->method, req->path);
		rc = kecd_error_page(&x, 503, "Sedang ada gangguan",
				     "Server tidak dapat menjawab saat ini. "
				     "Coba lagi sebentar lagi.");
	}
	if (rc) {
		resp->status = 503;
		(void)kecd_resp_set(resp, 503, "text/plain; charset=utf-8",
				    "503\n", 4);
	}
}
