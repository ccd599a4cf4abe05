/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_upload.c: "Unggah berkas" (/unggah): desa bundles brought by a
 * stick, WhatsApp or email, uploaded from a browser (one or several in
 * one form) and imported exactly as presensi-kecamatan import does, with
 * the server's clock as the receive time; each file's result in plain
 * words.  A camat, kasi or kecamatan operator uploads only their own
 * kecamatan's desa; every upload is in the access log.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kecd_api.h"
#include "kecd_form.h"
#include "kecd_int.h"

#define FILES_MAX 40 /* bundles in one upload */

/* The first word of an import's reason, in words for people. */
static const char *plain(const char *reason)
{
	static const struct {
		const char *check, *text;
	} words[] = {
		{"archive", "Berkas rusak atau bukan berkas presensi bulanan."},
		{"manifest", "Daftar isi berkas (manifest) tidak lengkap atau "
			     "rusak."},
		{"signature", "Tanda tangan alat tidak sah: berkas diubah "
			      "setelah dibuat, atau bukan dari alat itu."},
		{"files", "Isi berkas tidak cocok dengan daftar isinya: ada "
			  "yang diubah."},
		{"chain", "Rantai baris di dalam berkas rusak."},
		{"counts", "Jumlah baris tidak cocok dengan daftar isi."},
		{"rules", "Berkas aturan (jam kerja, kalender) di dalamnya "
			  "tidak cocok."},
		{"trust", "Alat yang menandatangani berkas ini belum dipercaya "
			  "untuk desa tersebut (atau milik kecamatan lain)."},
		{"continuity", "Ada baris yang belum diterima di antaranya: "
			       "unggah dulu berkas bulan sebelumnya."},
		{"rows", "Ada baris yang tidak dapat dibaca."},
		{"store", "Gangguan pada basis data; coba lagi nanti."},
	};
	size_t n = strcspn(reason, ":");

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].check) == n &&
		    strncmp(reason, words[i].check, n) == 0)
			return words[i].text;
	return "Berkas ditolak.";
}

static void result(FILE *fp, const char *file, const struct kec_import *r)
{
	char text[600], label[CIVIL_LABEL_MAX] = "";
	pd_day_t first, last;

	if (r->period[0] && civil_period_parse(CIVIL_PERIOD_MONTH, r->period,
					       &first, &last, NULL, 0) == 0)
		civil_period_label_id(CIVIL_PERIOD_MONTH, first, label,
				      sizeof(label));
	fputs("<li data-hasil=\"", fp);
	fputs(r->result == KEC_IMPORT_OK	  ? "diterima"
	      : r->result == KEC_IMPORT_DUPLICATE ? "sudah-ada"
						  : "ditolak",
	      fp);
	fputs("\"><strong>", fp);
	kecd_h(fp, file);
	fputs("</strong><br>", fp);
	switch (r->result) {
	case KEC_IMPORT_OK:
		snprintf(text, sizeof(text),
			 "Diterima: desa %s, %s, berkas %s, baris %" PRId64
			 " sampai %" PRId64 " (%" PRId64 " baru).",
			 r->desa, label, r->complete ? "lengkap" : "sementara",
			 r->first_seq, r->last_seq, r->rows_new);
		kecd_msg(fp, "sukses", text);
		if (r->rekap_same == 1)
			fputs("<span class=\"kecil\">Rekap desa sama dengan "
			      "hitungan ulang kecamatan.</span>",
			      fp);
		else if (r->rekap_same == 0) {
			fputs("<span class=\"lencana telat\">Rekap desa "
			      "berbeda "
			      "dengan hitungan ulang kecamatan</span> "
			      "<span class=\"kecil\">",
			      fp);
			kecd_h(fp, r->rekap_diff);
			fputs("</span>", fp);
		}
		if (!r->complete)
			fputs("<br><span class=\"kecil\">Berkas sementara "
			      "tidak "
			      "dihitung sebagai laporan bulanan.</span>",
			      fp);
		break;
	case KEC_IMPORT_DUPLICATE:
		kecd_msg(fp, "info",
			 "Sudah ada: semua baris berkas ini sudah diterima "
			 "sebelumnya. Tidak ada yang berubah.");
		break;
	default:
		snprintf(text, sizeof(text), "Ditolak. %s", plain(r->reason));
		kecd_msg(fp, "galat", text);
		fputs("<span class=\"kecil\">Rincian: ", fp);
		kecd_h(fp, r->reason);
		fputs("</span>", fp);
		break;
	}
	fputs("</li>", fp);
}

/* The kecamatan an account uploads to: its own, or any (0). */
static int64_t upload_scope(const struct kec_user *u)
{
	return u->role == KEC_ROLE_KABUPATEN ? 0 : u->kec;
}

static void form(FILE *fp, const struct kecd_who *who, size_t max_mb)
{
	fputs("<form class=\"kartu\" method=\"post\" action=\"/unggah\" "
	      "enctype=\"multipart/form-data\">",
	      fp);
	kecd_csrf_field(fp, who);
	fprintf(fp,
		"<label for=\"berkas\">Berkas bulanan desa (.zip)</label>"
		"<input type=\"file\" id=\"berkas\" name=\"berkas\" "
		"accept=\".zip,application/zip\" multiple required>"
		"<p class=\"kecil\">Nama berkas seperti "
		"presensi-3524012001-2026-11.zip. Boleh beberapa sekaligus, "
		"paling besar %zu MiB semuanya.</p>"
		"<button type=\"submit\">Unggah dan periksa</button></form>",
		max_mb);
}

int kecd_page_upload(struct kecd_ctx *x)
{
	struct kecd_page p = {0};
	struct kec_info kec;
	bool post = strcmp(x->req->method, "POST") == 0;
	int rc, files = 0;

	memset(&kec, 0, sizeof(kec));
	if (x->who.u.kec && kecd_kec_get(x->w->st, x->who.u.kec, &kec))
		memset(&kec, 0, sizeof(kec));
	rc = kecd_page_open(&p, &x->who, "Unggah berkas", kec.id, kec.name,
			    KECD_NAV_UPLOAD);
	if (rc)
		return rc;
	fputs("<h1>Unggah berkas bulanan</h1><p class=\"kecil\">Berkas dari "
	      "flashdisk, WhatsApp atau surel diperiksa dari berkasnya saja "
	      "(tanda tangan alat, isi, rantai baris), lalu digabungkan. "
	      "Waktu terima adalah saat ini, dan itulah yang dihitung untuk "
	      "kepatuhan pelaporan.</p>",
	      p.fp);
	if (post) {
		fputs("<h2>Hasil pemeriksaan</h2><ul class=\"kartu daftar\" "
		      "id=\"hasil\">",
		      p.fp);
		for (int i = 0; i < FILES_MAX; i++) {
			struct kecd_mpart part;
			struct kec_import r;
			char file[KEC_FILE_MAX];
			int64_t to;

			rc = kecd_multipart_nth(x->req->content_type,
						x->req->body, x->req->body_len,
						"berkas", i, &part);
			if (rc)
				break;
			if (!part.len && !part.filename[0])
				continue; /* the empty input of a bare form */
			snprintf(file, sizeof(file), "%s",
				 part.filename[0] ? part.filename : "berkas");
			if (strrchr(file, '\\'))
				memmove(file, strrchr(file, '\\') + 1,
					strlen(strrchr(file, '\\')));
			files++;
			rc = kecd_import_bundle(x->w, x->req, file, part.data,
						part.len, x->who.u.name,
						upload_scope(&x->who.u), &r,
						&to);
			kecd_audit(x->w, x->req, to ? to : x->who.u.kec,
				   x->who.u.name, "unggah", file,
				   r.result == KEC_IMPORT_OK ? r.reason
				   : r.result == KEC_IMPORT_DUPLICATE
					   ? "sudah ada"
					   : r.reason);
			result(p.fp, file, &r);
		}
		fputs("</ul>", p.fp);
		if (rc == -EINVAL)
			kecd_msg(p.fp, "galat",
				 "Formulir unggahan tidak dapat dibaca.");
		else if (!files)
			kecd_msg(p.fp, "galat",
				 "Tidak ada berkas yang dipilih.");
	}
	form(p.fp, &x->who, (size_t)x->w->k->conf.bundle_max_mb);
	return kecd_page_finish(&p, x->req, x->resp, 200);
}
