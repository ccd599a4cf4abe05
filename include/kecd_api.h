/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boxes' API of kecamatand (docs/push.md "The API exactly"): POST
 * /api/v1/push, POST /api/v1/bundle and GET /api/v1/rules, and the
 * bundle import the upload page shares: the kecamatan is the one that
 * trusts the manifest's device key, the import presensi-kecamatan's.
 */
#ifndef PRESENSI_KECD_API_H
#define PRESENSI_KECD_API_H

#include "kecd.h"

/* Answers a request under /api/v1/. */
void kecd_api(struct kecd_worker *w, const struct kecd_req *req,
	      struct kecd_resp *resp);

/*
 * Imports a bundle (len bytes named file) received at req->now_utc by
 * by.  only_kec (0: any) refuses a bundle of another kecamatan without
 * importing it.  *r is the import's log record (r->result, r->reason);
 * *kec the kecamatan it went to (0 when none trusts its key).  0, or a
 * store error (r->reason says).
 */
int kecd_import_bundle(struct kecd_worker *w, const struct kecd_req *req,
		       const char *file, const uint8_t *zip, size_t len,
		       const char *by, int64_t only_kec, struct kec_import *r,
		       int64_t *kec);

/* The kecamatan with id (0 or -ENOENT). */
int kecd_kec_get(struct kec_store *st, int64_t id, struct kec_info *out);

#endif /* PRESENSI_KECD_API_H */
