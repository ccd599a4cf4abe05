/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_today.c: "Hari ini" (/k/<id>/hari-ini): per desa, who has clocked
 * in of how many, who is late, who has not come yet, when the box last
 * reported and its health; recomputed from the rows pushed this morning
 * with the box's own rules (the cache keeps each desa's day for a minute
 * unless a push changes it).  ?tanggal=YYYY-MM-DD shows another day.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kecd_cache.h"
#include "kecd_int.h"
#include "verdict.h"

#define REFRESH_S 60 /* the page reloads itself (no JavaScript) */

struct counts {
	int people, in, late, waiting, tk, excused, off;
};

static int came(const struct verdict *v)
{
	return v->status == VERDICT_HADIR || v->status == VERDICT_BELUM_PULANG;
}

static int late(const struct verdict *v)
{
	return came(v) && (v->no_masuk || (v->tl && !v->late_excused));
}

static void count(const struct kecd_part *p, struct counts *c)
{
	for (size_t i = 0; i < p->days.n; i++) {
		const struct verdict *v = &p->days.d[i].v;

		if (v->status == VERDICT_INACTIVE ||
		    v->status == VERDICT_FUTURE)
			continue;
		if (v->status == VERDICT_NONWORKING ||
		    v->status == VERDICT_LIBUR ||
		    v->status == VERDICT_CUTI_BERSAMA) {
			c->off++;
			continue;
		}
		c->people++;
		c->in += came(v);
		c->late += late(v);
		c->waiting += v->status == VERDICT_BELUM_HADIR;
		c->tk += v->status == VERDICT_TK;
		c->excused += v->status == VERDICT_EXCUSED;
	}
}

static void person_line(FILE *fp, const struct kecd_ctx *x,
			const struct kec_desa *d, const struct export_day *e,
			const char *period)
{
	fputs("<li><a href=\"", fp);
	fprintf(fp, "/k/%" PRId64 "/desa/", x->kec.id);
	kecd_u(fp, d->id);
	fputs("/orang/", fp);
	kecd_u(fp, e->person);
	fputs("?periode=", fp);
	kecd_u(fp, period);
	fputs("\">", fp);
	kecd_h(fp, e->name);
	fputs("</a> <span class=\"kecil\">", fp);
	kecd_h(fp, e->jabatan);
	fputs("</span><br>", fp);
	if (came(&e->v)) {
		fputs("masuk ", fp);
		kecd_hhmm(fp, e->v.masuk_sec);
		fputs(" ", fp);
	}
	kecd_verdict_badge(fp, &e->v);
	fputs("</li>", fp);
}

static void desa_card(FILE *fp, const struct kecd_ctx *x,
		      const struct kec_desa *d, const struct kecd_part *p,
		      const struct kec_device_state *box, const char *period)
{
	struct counts c = {0};

	fputs("<section class=\"kartu\" data-desa=\"", fp);
	kecd_h(fp, d->id);
	fputs("\"><h3><a href=\"", fp);
	fprintf(fp, "/k/%" PRId64 "/desa/", x->kec.id);
	kecd_u(fp, d->id);
	fputs("?periode=", fp);
	kecd_u(fp, period);
	fputs("\">", fp);
	kecd_h(fp, d->name);
	fputs("</a></h3>", fp);
	if (!p->r) {
		kecd_msg(fp, "galat", p->error);
	} else {
		count(p, &c);
		if (!c.people && c.off) {
			fputs("<p><span class=\"lencana tunggu\">hari libur"
			      "</span></p>",
			      fp);
		} else {
			fprintf(fp,
				"<p><span class=\"angka\" data-hadir=\"%d\">%d"
				"</span> dari %d hadir</p><p>",
				c.in, c.in, c.people);
			if (c.late)
				fprintf(fp,
					"<span class=\"lencana telat\">%d "
					"terlambat</span> ",
					c.late);
			if (c.waiting)
				fprintf(fp,
					"<span class=\"lencana tunggu\">%d "
					"belum hadir</span> ",
					c.waiting);
			if (c.tk)
				fprintf(fp,
					"<span class=\"lencana absen\">%d TK"
					"</span> ",
					c.tk);
			if (c.excused)
				fprintf(fp,
					"<span class=\"lencana tunggu\">%d "
					"berketerangan</span>",
					c.excused);
			fputs("</p><ul class=\"daftar\">", fp);
			/* the late and the absent first: what a camat asks */
			for (int pass = 0; pass < 2; pass++)
				for (size_t i = 0; i < p->days.n; i++) {
					const struct verdict *v =
						&p->days.d[i].v;
					int first =
						late(v) ||
						v->status ==
							VERDICT_BELUM_HADIR ||
						v->status == VERDICT_TK;

					if (v->status == VERDICT_INACTIVE ||
					    v->status == VERDICT_FUTURE ||
					    first != (pass == 0))
						continue;
					person_line(fp, x, d, &p->days.d[i],
						    period);
				}
			fputs("</ul>", fp);
		}
	}
	fputs("<p class=\"kecil\">Laporan terakhir: ", fp);
	kecd_box_contact(fp, box, x->req->now_utc, x->kec.offset_min);
	fputs("<br>", fp);
	kecd_box_health(fp, box, x->req->now_utc, x->kec.offset_min);
	fputs("</p></section>\n", fp);
}

int kecd_page_today(struct kecd_ctx *x)
{
	struct kecd_desa_list desa = {0};
	struct kecd_heads heads = {0};
	struct kecd_boxes boxes = {0};
	const struct kecd_part **parts = NULL;
	struct counts total = {0};
	char when[64], label[CIVIL_LABEL_MAX], period[CIVIL_LABEL_MAX];
	char day_s[CIVIL_DATE_LEN + 2];
	struct kecd_page p = {0};
	int32_t now_sec;
	pd_day_t today = kecd_today(x, &now_sec), day = today;
	int rc, reporting = 0;

	rc = kecd_query(x, "tanggal", day_s, sizeof(day_s));
	if (rc == 0 && (civil_date_parse(day_s, &day) || day > today))
		return -ENOENT;
	rc = kec_store_desa_each(x->w->st, x->kec.id, kecd_desa_take, &desa);
	if (rc == 0)
		rc = kecd_heads_read(x->w->st, x->kec.id, &heads);
	if (rc == 0)
		rc = kecd_boxes_read(x->w->st, x->kec.id, &boxes);
	if (rc == 0 && desa.n) {
		parts = calloc(desa.n, sizeof(*parts));
		if (!parts)
			rc = -ENOMEM;
	}
	for (size_t i = 0; rc == 0 && i < desa.n; i++)
		rc = kecd_cache_get(x->w->k->cache, x->w->st, &x->kec,
				    &desa.d[i], CIVIL_PERIOD_DATE, day, day,
				    x->req->now_utc, &heads, &parts[i]);
	memset(&p, 0, sizeof(p));
	if (day == today)
		kecd_page_refresh(&p, REFRESH_S);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, "Hari ini", x->kec.id,
				    x->kec.name, KECD_NAV_TODAY);
	if (rc)
		goto out;
	civil_period_label_id(CIVIL_PERIOD_DATE, day, label, sizeof(label));
	civil_period_label(CIVIL_PERIOD_MONTH, day, period, sizeof(period));
	snprintf(when, sizeof(when), "pukul %02d:%02d %s", now_sec / 3600,
		 now_sec / 60 % 60,
		 civil_tz_abbrev(x->kec.offset_min)
			 ? civil_tz_abbrev(x->kec.offset_min)
			 : "");
	for (size_t i = 0; i < desa.n; i++) {
		const struct kec_device_state *b =
			kecd_boxes_desa(&boxes, x->kec.id, desa.d[i].id);

		if (parts[i]->r)
			count(parts[i], &total);
		if (b && b->last_push_utc &&
		    b->last_push_utc >=
			    civil_utc_from_local(day, 0, x->kec.offset_min))
			reporting++;
	}
	fputs("<h1>Hari ini</h1><p class=\"kecil\">", p.fp);
	kecd_h(p.fp, label);
	if (day == today) {
		fputs(" · ", p.fp);
		kecd_h(p.fp, when);
		fputs(" · diperbarui tiap menit", p.fp);
	}
	fputs("</p><form class=\"baris\" method=\"get\">"
	      "<div><label for=\"tanggal\">Tanggal</label>"
	      "<input type=\"date\" id=\"tanggal\" name=\"tanggal\" value=\"",
	      p.fp);
	civil_date_format(day, day_s);
	kecd_h(p.fp, day_s);
	fputs("\"></div><div style=\"flex:0 0 auto\"><button type=\"submit\" "
	      "class=\"tombol sekunder\">Lihat</button></div></form>",
	      p.fp);
	fprintf(p.fp,
		"<div class=\"kisi\" style=\"margin-top:.8rem\">"
		"<div class=\"kartu\"><div class=\"kecil\">Hadir</div>"
		"<div class=\"angka\" id=\"total-hadir\">%d</div>"
		"<div class=\"kecil\">dari %d perangkat desa</div></div>"
		"<div class=\"kartu\"><div class=\"kecil\">Terlambat</div>"
		"<div class=\"angka\" id=\"total-terlambat\">%d</div></div>"
		"<div class=\"kartu\"><div class=\"kecil\">Belum hadir</div>"
		"<div class=\"angka\">%d</div><div class=\"kecil\">%d tanpa "
		"keterangan</div></div>"
		"<div class=\"kartu\"><div class=\"kecil\">Alat melapor hari "
		"ini</div><div class=\"angka\">%d</div><div class=\"kecil\">"
		"dari %zu desa</div></div></div>",
		total.in, total.people, total.late, total.waiting, total.tk,
		reporting, desa.n);
	if (!desa.n)
		kecd_msg(p.fp, "info",
			 "Belum ada desa yang terdaftar di kecamatan ini "
			 "(presensi-kecamatan trust).");
	fputs("<h2>Per desa</h2><div class=\"kisi\">", p.fp);
	for (size_t i = 0; i < desa.n; i++)
		desa_card(p.fp, x, &desa.d[i], parts[i],
			  kecd_boxes_desa(&boxes, x->kec.id, desa.d[i].id),
			  period);
	fputs("</div>", p.fp);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	for (size_t i = 0; parts && i < desa.n; i++)
		kecd_cache_put(x->w->k->cache, parts[i]);
	free(parts);
	free(desa.d);
	kecd_heads_free(&heads);
	kecd_boxes_free(&boxes);
	return rc;
}
