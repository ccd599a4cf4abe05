/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_boxes.c: the boxes of a kecamatan as the server knows them (each
 * device's last contact, health, software, and the profile and calendar
 * it last imported against the ones published for it), and the small
 * pieces other pages show of them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kecd_int.h"
#include "verdict.h"

#define STALE_PUSH_S (2 * 3600) /* a box silent longer is flagged */

static int take(void *ud, const struct kec_device_state *d)
{
	struct kecd_boxes *b = ud;
	struct kec_device_state *p;

	p = reallocarray(b->d, b->n + 1, sizeof(*b->d));
	if (!p)
		return -ENOMEM;
	b->d = p;
	b->d[b->n++] = *d;
	return 0;
}

int kecd_boxes_read(struct kec_store *st, int64_t kec, struct kecd_boxes *b)
{
	memset(b, 0, sizeof(*b));
	return kec_store_device_each(st, kec, take, b);
}

void kecd_boxes_free(struct kecd_boxes *b)
{
	free(b->d);
	memset(b, 0, sizeof(*b));
}

static int64_t contact(const struct kec_device_state *d)
{
	return d->last_push_utc > d->last_bundle_utc ? d->last_push_utc
						     : d->last_bundle_utc;
}

const struct kec_device_state *kecd_boxes_desa(const struct kecd_boxes *b,
					       int64_t kec, const char *desa)
{
	const struct kec_device_state *best = NULL;

	for (size_t i = 0; i < b->n; i++)
		if (b->d[i].kec == kec && strcmp(b->d[i].desa, desa) == 0 &&
		    (!best || contact(&b->d[i]) >= contact(best)))
			best = &b->d[i];
	return best;
}

void kecd_hhmm(FILE *fp, int32_t sec)
{
	if (sec < 0)
		fputs("–", fp);
	else
		fprintf(fp, "%02d:%02d", sec / 3600, sec / 60 % 60);
}

static void ago(FILE *fp, int64_t then, int64_t now)
{
	int64_t s = now - then;

	if (s < 60)
		fputs("baru saja", fp);
	else if (s < 3600)
		fprintf(fp, "%" PRId64 " menit lalu", s / 60);
	else if (s < 86400)
		fprintf(fp, "%" PRId64 " jam lalu", s / 3600);
	else
		fprintf(fp, "%" PRId64 " hari lalu", s / 86400);
}

void kecd_box_contact(FILE *fp, const struct kec_device_state *d,
		      int64_t now_utc, int32_t offset_min)
{
	int64_t t;

	if (!d || !contact(d)) {
		fputs("<span class=\"lencana absen\">belum pernah melapor"
		      "</span>",
		      fp);
		return;
	}
	t = contact(d);
	if (now_utc - t > STALE_PUSH_S)
		fputs("<span class=\"lencana telat\">", fp);
	else
		fputs("<span class=\"lencana ok\">", fp);
	kecd_when(fp, t, offset_min);
	fprintf(fp, "</span> lewat %s (",
		d->last_push_utc >= d->last_bundle_utc ? "push" : "berkas");
	ago(fp, t, now_utc);
	fputs(")", fp);
}

void kecd_box_health(FILE *fp, const struct kec_device_state *d,
		     int64_t now_utc, int32_t offset_min)
{
	if (!d) {
		fputs("–", fp);
		return;
	}
	fputs("Jam: ", fp);
	if (d->clock_trusted == 1)
		fputs("<span class=\"lencana ok\">tepercaya</span>", fp);
	else if (d->clock_trusted == 0)
		fputs("<span class=\"lencana absen\">tidak tepercaya</span>",
		      fp);
	else
		fputs("<span class=\"lencana tunggu\">belum diketahui</span>",
		      fp);
	fputs(" · Pembaca: ", fp);
	if (d->last_reader_utc) {
		fputs(now_utc - d->last_reader_utc < 3 * 86400
			      ? "<span class=\"lencana ok\">terpakai</span> "
			      : "<span class=\"lencana telat\">lama tak "
				"terpakai</span> ",
		      fp);
		kecd_when(fp, d->last_reader_utc, offset_min);
	} else {
		fputs("<span class=\"lencana tunggu\">belum ada sidik jari"
		      "</span>",
		      fp);
	}
	fputs(" · Disk: ", fp);
	if (d->disk_free >= 0) {
		int64_t mib = d->disk_free >> 20;

		fprintf(fp,
			"<span class=\"lencana %s\">%" PRId64
			" MiB bebas</span>",
			mib < 512 ? "absen" : "ok", mib);
		fputs(" <span class=\"kecil\">(", fp);
		kecd_when(fp, d->health_utc, offset_min);
		fputs(")</span>", fp);
	} else {
		fputs("<span class=\"lencana tunggu\">menunggu tutup buku"
		      "</span>",
		      fp);
	}
	if (d->last_error[0]) {
		fputs("<br><span class=\"lencana absen\">push ditolak</span> ",
		      fp);
		kecd_h(fp, d->last_error);
	}
}

void kecd_verdict_badge(FILE *fp, const struct verdict *v)
{
	switch (v->status) {
	case VERDICT_HADIR:
	case VERDICT_BELUM_PULANG:
		if (v->no_masuk)
			fputs("<span class=\"lencana telat\">tanpa absen masuk"
			      "</span>",
			      fp);
		else if (v->tl && !v->late_excused)
			fprintf(fp,
				"<span class=\"lencana telat\">terlambat TL%d "
				"(%d menit)</span>",
				v->tl, (int)v->late_min);
		else
			fputs("<span class=\"lencana ok\">tepat waktu</span>",
			      fp);
		if (v->psw && !v->early_excused && !v->provisional)
			fprintf(fp,
				" <span class=\"lencana telat\">PSW%d</span>",
				v->psw);
		break;
	case VERDICT_BELUM_HADIR:
		fputs("<span class=\"lencana tunggu\">belum hadir</span>", fp);
		break;
	case VERDICT_TK:
		fputs("<span class=\"lencana absen\">tanpa keterangan (TK)"
		      "</span>",
		      fp);
		break;
	case VERDICT_EXCUSED:
		fputs("<span class=\"lencana tunggu\">", fp);
		kecd_h(fp, verdict_excuse_label(v->excuse));
		fputs("</span>", fp);
		break;
	default:
		fputs("<span class=\"lencana tunggu\">", fp);
		kecd_h(fp, verdict_status_label(v->status));
		fputs("</span>", fp);
		break;
	}
}

/* ---- the page: /k/<id>/perangkat ---- */

struct pub_latest {
	struct kec_published profile, calendar;
};

static int latest_pub(void *ud, const struct kec_published *p)
{
	struct pub_latest *l = ud;

	if (strcmp(p->kind, "profile") == 0)
		l->profile = *p;
	else
		l->calendar = *p;
	l->profile.text = l->calendar.text = NULL;
	return 0;
}

static void version_cell(FILE *fp, const char *name, const char *version,
			 const struct kec_published *pub)
{
	fputs("<td class=\"teks\">", fp);
	if (!version[0]) {
		fputs("–</td>", fp);
		return;
	}
	kecd_h(fp, name);
	fprintf(fp, " <span class=\"kecil\">%.8s</span> ", version);
	if (pub->id) {
		if (strcmp(pub->version, version) == 0)
			fputs("<span class=\"lencana ok\">terbaru</span>", fp);
		else
			fputs("<span class=\"lencana telat\">belum mengambil "
			      "pembaruan</span>",
			      fp);
	}
	fputs("</td>", fp);
}

int kecd_page_boxes(struct kecd_ctx *x)
{
	struct kecd_desa_list names = {0};
	struct pub_latest pub;
	struct kecd_boxes b;
	struct kecd_page p = {0};
	int rc;

	memset(&pub, 0, sizeof(pub));
	rc = kecd_boxes_read(x->w->st, x->kec.id, &b);
	if (rc == 0)
		rc = kec_store_desa_each(x->w->st, x->kec.id, kecd_desa_take,
					 &names);
	if (rc == 0)
		rc = kec_store_published_each(x->w->st, x->kec.id, 0,
					      latest_pub, &pub);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, "Perangkat desa", x->kec.id,
				    x->kec.name, KECD_NAV_BOXES);
	if (rc) {
		kecd_boxes_free(&b);
		free(names.d);
		return rc;
	}
	fputs("<h1>Perangkat presensi desa</h1>"
	      "<p class=\"kecil\">Dari baris yang dikirim tiap alat (push) "
	      "dan dari berkas bulanan terakhirnya.</p>",
	      p.fp);
	fputs("<div class=\"gulir\"><table><thead><tr><th>Desa</th>"
	      "<th>Alat</th><th>Laporan terakhir</th><th>Perangkat lunak</th>"
	      "<th>Profil jam kerja</th><th>Kalender</th><th>Kesehatan</th>"
	      "</tr></thead><tbody>",
	      p.fp);
	for (size_t i = 0; i < names.n; i++) {
		int any = 0;

		for (size_t j = 0; j < b.n; j++) {
			const struct kec_device_state *d = &b.d[j];

			if (strcmp(d->desa, names.d[i].id) != 0)
				continue;
			any = 1;
			fputs("<tr><td>", p.fp);
			kecd_h(p.fp, names.d[i].name);
			fprintf(p.fp,
				"</td><td class=\"kecil\">#%" PRId64
				"</td><td class=\"teks\">",
				d->key_id);
			kecd_box_contact(p.fp, d, x->req->now_utc,
					 x->kec.offset_min);
			fputs("</td><td>", p.fp);
			kecd_h(p.fp, d->software[0] ? d->software : "–");
			fputs("</td>", p.fp);
			version_cell(p.fp, d->profile_name, d->profile_version,
				     &pub.profile);
			version_cell(p.fp, d->calendar_name,
				     d->calendar_version, &pub.calendar);
			fputs("<td class=\"teks\">", p.fp);
			kecd_box_health(p.fp, d, x->req->now_utc,
					x->kec.offset_min);
			fputs("</td></tr>", p.fp);
		}
		if (!any) {
			fputs("<tr><td>", p.fp);
			kecd_h(p.fp, names.d[i].name);
			fputs("</td><td colspan=\"6\"><span class=\"lencana "
			      "absen\">belum pernah melapor</span></td></tr>",
			      p.fp);
		}
	}
	fputs("</tbody></table></div>", p.fp);
	kecd_boxes_free(&b);
	free(names.d);
	return kecd_page_finish(&p, x->req, x->resp, 200);
}
