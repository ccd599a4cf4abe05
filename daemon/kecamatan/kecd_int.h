/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to kecamatand's pages (kecd_web.c routes to the rest): one
 * request's context and the page handlers.  Each handler fills ctx->resp
 * and returns 0, or a negative errno the router answers with an error
 * page (-ENOENT: 404, anything else: 503).
 */
#ifndef PRESENSI_KECD_INT_H
#define PRESENSI_KECD_INT_H

#include <stdbool.h>

#include "civil.h"
#include "kecd.h"
#include "kecd_auth.h"
#include "kecd_page.h"

#define KECD_SEG_MAX 128 /* one decoded path segment, bytes */

struct kecd_ctx {
	struct kecd_worker *w;
	const struct kecd_req *req;
	struct kecd_resp *resp;
	struct kecd_who who;
	struct kec_info kec;	   /* under /k/<id>/ */
	char desa[KECD_SEG_MAX];   /* under /desa/<id> */
	char person[KECD_SEG_MAX]; /* under /orang/<id> */
	const char *ext;	   /* a download: "csv", "xlsx", "html" */
};

/* A query parameter of the request (0, -ENOENT, -EINVAL). */
int kecd_query(const struct kecd_ctx *x, const char *key, char *out,
	       size_t cap);
/* A field of the POSTed form, urlencoded or multipart. */
int kecd_field(const struct kecd_ctx *x, const char *key, char *out,
	       size_t cap);
/* An error page with status and a message in Indonesian. */
int kecd_error_page(struct kecd_ctx *x, int status, const char *title,
		    const char *text);
/* The kecamatan's local day now. */
pd_day_t kecd_today(const struct kecd_ctx *x, int32_t *now_sec);
/* The period of ?periode= (YYYY-MM, YYYY-Qn, YYYY), by default this
 * month; label_id for people.  0 or -EINVAL. */
int kecd_period(const struct kecd_ctx *x, enum civil_period_kind *kind,
		pd_day_t *first, pd_day_t *last, char *label, size_t cap);
/* The desa of x->kec named x->desa (0, -ENOENT). */
int kecd_desa_get(const struct kecd_ctx *x, struct kec_desa *out);
/* The desa of a kecamatan, in the store's order (kec_store_desa_each
 * with kecd_desa_take); free d when done. */
struct kecd_desa_list {
	size_t n;
	struct kec_desa *d;
};
int kecd_desa_take(void *ud, const struct kec_desa *d);

/* What the boxes of a kecamatan (0: all) told the server
 * (kecd_boxes.c). */
struct kecd_boxes {
	size_t n;
	struct kec_device_state *d;
};
int kecd_boxes_read(struct kec_store *st, int64_t kec, struct kecd_boxes *b);
void kecd_boxes_free(struct kecd_boxes *b);
/* The desa's box heard from last, or NULL. */
const struct kec_device_state *kecd_boxes_desa(const struct kecd_boxes *b,
					       int64_t kec, const char *desa);
/* When the box last reported: "07:40 WIB lewat push (3 menit lalu)". */
void kecd_box_contact(FILE *fp, const struct kec_device_state *d,
		      int64_t now_utc, int32_t offset_min);
/* Its health in a line: clock, reader, disk. */
void kecd_box_health(FILE *fp, const struct kec_device_state *d,
		     int64_t now_utc, int32_t offset_min);
/* A verdict as people read it, in a coloured badge. */
void kecd_verdict_badge(FILE *fp, const struct verdict *v);
/* "07:12" of local seconds, or "–". */
void kecd_hhmm(FILE *fp, int32_t sec);

/* The pages (kecd_today.c, kecd_rekap.c, kecd_boxes.c, kecd_upload.c,
 * kecd_kab.c). */
int kecd_page_today(struct kecd_ctx *x);
int kecd_page_rekap(struct kecd_ctx *x);
int kecd_page_desa(struct kecd_ctx *x);
int kecd_page_person(struct kecd_ctx *x);
int kecd_download_rekap(struct kecd_ctx *x);
int kecd_download_desa(struct kecd_ctx *x);
int kecd_page_boxes(struct kecd_ctx *x);
int kecd_page_upload(struct kecd_ctx *x);
int kecd_page_kab(struct kecd_ctx *x);
int kecd_page_rules(struct kecd_ctx *x);
int kecd_page_log(struct kecd_ctx *x);

#endif /* PRESENSI_KECD_INT_H */
