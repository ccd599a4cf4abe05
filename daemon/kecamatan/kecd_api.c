/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_api.c: the three endpoints the boxes call, each answering JSON,
 * and the bundle import behind both the API and the upload page.
 */
#include "kecd_api.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "civil.h"
#include "json.h"
#include "kec_import.h"
#include "kecd_auth.h"
#include "kecd_cache.h"
#include "kecd_form.h"
#include "kecd_push.h"
#include "log.h"

struct kec_find {
	int64_t id;
	struct kec_info *out;
};

static int kec_match(void *ud, const struct kec_info *k)
{
	struct kec_find *f = ud;

	if (k->id != f->id)
		return 0;
	*f->out = *k;
	return 1;
}

int kecd_kec_get(struct kec_store *st, int64_t id, struct kec_info *out)
{
	struct kec_find f = {id, out};
	int rc = kec_store_kec_each(st, kec_match, &f);

	return rc == 1 ? 0 : rc < 0 ? rc : -ENOENT;
}

static int count_kec(void *ud, const struct kec_info *k)
{
	struct kec_info *only = ud;

	if (only->id) {
		only->id = -1; /* more than one */
		return 1;
	}
	*only = *k;
	return 0;
}

static void send_json(struct kecd_resp *resp, int status, struct json_value *o)
{
	char *text = NULL;
	size_t len = 0;

	if (!o || json_value_dump(o, &text, &len) != 0) {
		json_value_free(o);
		kecd_resp_error_json(resp, 503, "out of memory");
		return;
	}
	json_value_free(o);
	(void)kecd_resp_header(resp, "Cache-Control", "no-store");
	free(resp->body);
	resp->body = text;
	resp->len = len;
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type),
		 "application/json");
}

/* ---- POST /api/v1/push ---- */

static void api_push(struct kecd_worker *w, const struct kecd_req *req,
		     struct kecd_resp *resp)
{
	struct kecd_push_result r;
	char *text;
	size_t len = 0;

	if (strncmp(req->content_type, "application/json", 16) != 0) {
		kecd_resp_error_json(resp, 415,
				     "Content-Type must be application/json");
		return;
	}
	kecd_push(w, (const char *)req->body, req->body_len, req->now_utc, &r);
	if (r.status == 200 && r.rows_new)
		kecd_cache_rows(w->k->cache, r.kec, r.desa, r.key_id, r.old_seq,
				r.seq, r.day_min, r.day_max, r.facts_new);
	if (r.status == 403)
		kecd_audit(w, req, r.kec, "", "push-ditolak", r.desa, r.error);
	text = kecd_push_answer(&r, &len);
	if (!text) {
		kecd_resp_error_json(resp, 503, "out of memory");
		return;
	}
	(void)kecd_resp_header(resp, "Cache-Control", "no-store");
	free(resp->body);
	resp->body = text;
	resp->len = len;
	resp->status = r.status;
	snprintf(resp->content_type, sizeof(resp->content_type),
		 "application/json");
}

/* ---- bundles ---- */

int kecd_import_bundle(struct kecd_worker *w, const struct kecd_req *req,
		       const char *file, const uint8_t *zip, size_t len,
		       const char *by, int64_t only_kec, struct kec_import *r,
		       int64_t *kec)
{
	const struct bundle_manifest *m;
	struct kec_import_opts o;
	struct kec_info info;
	struct bundle *b = NULL;
	struct kec_key key;
	char why[BUNDLE_WHY_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&info, 0, sizeof(info));
	*kec = 0;
	/* which kecamatan: the one that trusts the manifest's key */
	if (bundle_open_mem(zip, len, &b, why, sizeof(why)) == 0 &&
	    bundle_manifest_get(b, &m, why, sizeof(why)) == 0) {
		rc = kec_store_key_find_any(w->st, m->public_key, &info.id,
					    &key);
		if (rc && rc != -ENOENT) {
			bundle_close(b);
			snprintf(r->reason, sizeof(r->reason),
				 "store: the database failed");
			return -EIO;
		}
	}
	bundle_close(b);
	if (!info.id) {
		/* untrusted or unreadable: logged where it can be */
		rc = kec_store_kec_each(w->st, count_kec, &info);
		if (rc < 0)
			return -EIO;
		if (info.id <= 0 || (only_kec && info.id != only_kec)) {
			r->result = KEC_IMPORT_REFUSED;
			snprintf(r->reason, sizeof(r->reason),
				 "trust: no kecamatan here trusts the key "
				 "that signed this file");
			return 0;
		}
	}
	if (only_kec && info.id != only_kec) {
		r->result = KEC_IMPORT_REFUSED;
		snprintf(r->reason, sizeof(r->reason),
			 "trust: this file is a desa's of another kecamatan");
		return 0;
	}
	rc = kecd_kec_get(w->st, info.id, &info);
	if (rc)
		return -EIO;
	*kec = info.id;
	memset(&o, 0, sizeof(o));
	o.kec = &info;
	o.received_utc = req->now_utc;
	o.by = by;
	rc = kec_import_mem(w->st, &o, file, zip, len, r);
	if (rc == 0 && r->result == KEC_IMPORT_OK && r->rows_new)
		kecd_cache_desa(w->k->cache, info.id, r->desa);
	return rc;
}

/* A file name for the log: presensi-<desa>-<YYYY-MM>.zip as sent, else a
 * neutral one. */
static void file_name(const struct kecd_req *req, char *out, size_t cap)
{
	char name[KEC_FILE_MAX];

	if (kecd_form_get(req->query, strlen(req->query), "name", name,
			  sizeof(name)) != 0 ||
	    strchr(name, '/') || !name[0])
		snprintf(name, sizeof(name), "bundle");
	snprintf(out, cap, "%s", name);
}

static void api_bundle(struct kecd_worker *w, const struct kecd_req *req,
		       struct kecd_resp *resp)
{
	static const char *const rekap[] = {"differs", "same"};
	struct json_value *o;
	struct kec_import r;
	char file[KEC_FILE_MAX];
	int64_t kec;
	int rc;

	if (strcmp(req->content_type, "application/zip") != 0 &&
	    strcmp(req->content_type, "application/octet-stream") != 0) {
		kecd_resp_error_json(resp, 415,
				     "Content-Type must be application/zip");
		return;
	}
	file_name(req, file, sizeof(file));
	rc = kecd_import_bundle(w, req, file, req->body, req->body_len, "api",
				0, &r, &kec);
	kecd_audit(w, req, kec, "", "unggah-api", file,
		   r.result == KEC_IMPORT_REFUSED ? r.reason : "diterima");
	if (rc) {
		kecd_resp_error_json(resp, 503, "%s", r.reason);
		return;
	}
	o = json_value_object();
	if (!o) {
		kecd_resp_error_json(resp, 503, "out of memory");
		return;
	}
	if (r.result == KEC_IMPORT_REFUSED) {
		rc = json_value_set_string(o, "result", "refused");
		if (rc == 0)
			rc = json_value_set_string(o, "error", r.reason);
		send_json(resp, rc ? 503 : 422, rc ? NULL : o);
		if (rc)
			json_value_free(o);
		return;
	}
	rc = json_value_set_string(o, "result",
				   r.result == KEC_IMPORT_OK ? "accepted"
							     : "duplicate");
	if (rc == 0)
		rc = json_value_set_string(o, "desa", r.desa);
	if (rc == 0)
		rc = json_value_set_string(o, "period", r.period);
	if (rc == 0)
		rc = json_value_set_string(o, "status",
					   r.complete ? "complete" : "interim");
	if (rc == 0)
		rc = json_value_set_int(o, "first", r.first_seq);
	if (rc == 0)
		rc = json_value_set_int(o, "last", r.last_seq);
	if (rc == 0)
		rc = json_value_set_int(o, "new", r.rows_new);
	if (rc == 0)
		rc = json_value_set_string(
			o, "rekap",
			r.rekap_same < 0 ? "not compared"
					 : rekap[r.rekap_same ? 1 : 0]);
	if (rc == 0)
		rc = json_value_set_string(o, "reason", r.reason);
	if (rc) {
		json_value_free(o);
		o = NULL;
	}
	send_json(resp, 200, o);
}

/* ---- GET /api/v1/rules ---- */

struct desa_find {
	const char *id;
	struct kec_store *st;
	struct kec_info kec;
	struct kec_desa d;
	int found;
};

static int desa_match(void *ud, const struct kec_desa *d)
{
	struct desa_find *f = ud;

	if (strcmp(d->id, f->id) != 0)
		return 0;
	f->d = *d;
	return 1;
}

static int kec_search(void *ud, const struct kec_info *k)
{
	struct desa_find *f = ud;
	int rc = kec_store_desa_each(f->st, k->id, desa_match, f);

	if (rc == 1) {
		f->kec = *k;
		f->found = 1;
	}
	return rc;
}

struct rules_ctx {
	struct json_value *arr;
	int rc;
};

static int rule_json(void *ud, const struct kec_published *p)
{
	struct rules_ctx *c = ud;
	struct json_value *o = json_value_object();
	char day[CIVIL_DATE_LEN], at[21];
	int rc;

	if (!o)
		return -ENOMEM;
	civil_date_format(p->from_day, day);
	ledger_iso_utc(p->published_utc, at);
	rc = json_value_set_int(o, "id", p->id);
	if (rc == 0)
		rc = json_value_set_string(o, "kind", p->kind);
	if (rc == 0)
		rc = json_value_set_string(o, "scope",
					   p->kec ? "kecamatan" : "kabupaten");
	if (rc == 0)
		rc = json_value_set_string(o, "area", p->area);
	if (rc == 0)
		rc = json_value_set_string(o, "name", p->name);
	if (rc == 0)
		rc = json_value_set_string(o, "version", p->version);
	if (rc == 0)
		rc = json_value_set_string(o, "from", day);
	if (rc == 0)
		rc = json_value_set_string(o, "published", at);
	if (rc == 0)
		rc = json_value_set_string(o, "text", p->text);
	if (rc == 0)
		rc = json_value_set_string(o, "signature", p->signature);
	if (rc) {
		json_value_free(o);
		return rc;
	}
	return json_value_append(c->arr, o);
}

static void api_rules(struct kecd_worker *w, const struct kecd_req *req,
		      struct kecd_resp *resp)
{
	struct desa_find f = {.st = w->st};
	struct rules_ctx c;
	struct json_value *o;
	char desa[PD_ID_MAX], after_s[24];
	int64_t after = 0;
	int rc;

	if (kecd_form_get(req->query, strlen(req->query), "desa", desa,
			  sizeof(desa)) != 0 ||
	    !desa[0]) {
		kecd_resp_error_json(resp, 400, "desa=ID is required");
		return;
	}
	rc = kecd_form_get(req->query, strlen(req->query), "after", after_s,
			   sizeof(after_s));
	if (rc == 0) {
		char *end;

		after = strtoll(after_s, &end, 10);
		if (*end || after < 0) {
			kecd_resp_error_json(resp, 400,
					     "after must be a whole number");
			return;
		}
	} else if (rc != -ENOENT) {
		kecd_resp_error_json(resp, 400, "after must be a whole number");
		return;
	}
	f.id = desa;
	rc = kec_store_kec_each(w->st, kec_search, &f);
	if (rc < 0) {
		kecd_resp_error_json(resp, 503, "the store is not available");
		return;
	}
	if (!f.found) {
		kecd_resp_error_json(resp, 404, "unknown desa");
		return;
	}
	o = json_value_object();
	c.arr = json_value_array();
	if (!o || !c.arr) {
		json_value_free(o);
		json_value_free(c.arr);
		kecd_resp_error_json(resp, 503, "out of memory");
		return;
	}
	rc = kec_store_published_each(w->st, f.kec.id, after, rule_json, &c);
	if (rc == 0)
		rc = json_value_set(o, "rules", c.arr);
	else
		json_value_free(c.arr);
	if (rc == 0)
		rc = json_value_set_string(o, "desa", f.d.id);
	if (rc == 0)
		rc = json_value_set_string(o, "kecamatan", f.kec.name);
	if (rc == 0)
		rc = json_value_set_string(o, "publisher_key",
					   w->k->publisher_pk);
	if (rc) {
		json_value_free(o);
		kecd_resp_error_json(resp, 503, "the rules cannot be listed");
		return;
	}
	send_json(resp, 200, o);
}

void kecd_api(struct kecd_worker *w, const struct kecd_req *req,
	      struct kecd_resp *resp)
{
	static const struct {
		const char *path, *method;
		void (*fn)(struct kecd_worker *, const struct kecd_req *,
			   struct kecd_resp *);
	} routes[] = {
		{"/api/v1/push", "POST", api_push},
		{"/api/v1/bundle", "POST", api_bundle},
		{"/api/v1/rules", "GET", api_rules},
	};

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(req->path, routes[i].path) != 0)
			continue;
		if (strcmp(req->method, routes[i].method) != 0 &&
		    !(strcmp(routes[i].method, "GET") == 0 &&
		      strcmp(req->method, "HEAD") == 0)) {
			(void)kecd_resp_header(resp, "Allow", "%s",
					       routes[i].method);
			kecd_resp_error_json(resp, 405, "use %s",
					     routes[i].method);
			return;
		}
		routes[i].fn(w, req, resp);
		return;
	}
	kecd_resp_error_json(resp, 404, "no such endpoint");
}
