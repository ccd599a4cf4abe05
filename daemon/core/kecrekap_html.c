/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecrekap_html.c: the camat's printable page, one self-contained A4
 * landscape HTML file: desa ranked by tepat waktu, the kecamatan's
 * indicators with kepatuhan pelaporan, the people with the most TL4 and
 * TK days, who reported late or not at all, the anomalies, and a
 * signature block.  No scripts, fonts or images; every text escaped here.
 */
#include "kecrekap.h"
#include "htmlesc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kecrekap_int.h"

static void td(FILE *fp, const char *s)
{
	fputs("<td>", fp);
	htmlesc_put(fp, s);
	fputs("</td>", fp);
}

static void tdn(FILE *fp, uint64_t v)
{
	fprintf(fp, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void tdpct(FILE *fp, const struct rekap_ratio *q)
{
	char p[REKAP_PCT_MAX];

	if (rekap_percent_format(q, ',', p, sizeof(p)) < 0)
		snprintf(p, sizeof(p), "-");
	fprintf(fp, "<td class=\"n\">%s%s</td>", p, q->den ? " %" : "");
}

static const char style[] =
	"@page{size:A4 landscape;margin:11mm 10mm 12mm 10mm}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;"
	"font-size:8.5pt;color:#111;margin:0}\n"
	"header{border-bottom:2pt solid #1f3864;padding-bottom:2mm;"
	"margin-bottom:3mm}\n"
	"h1{font-size:14pt;margin:0;text-align:center;text-transform:uppercase;"
	"color:#1f3864}\n"
	".sub{text-align:center;font-size:11pt;margin-top:1mm;"
	"font-weight:bold}\n"
	"h2{font-size:10pt;margin:4mm 0 1.5mm;color:#1f3864;"
	"page-break-after:avoid}\n"
	"table{border-collapse:collapse}\n"
	"table.meta td{padding:.3mm 3mm .3mm 0}\n"
	"table.meta td:first-child{font-weight:bold}\n"
	"table.grid{width:100%;font-size:7.6pt}\n"
	"table.grid th,table.grid td{border:.5pt solid #666;padding:.6mm 1mm}\n"
	"table.grid th{background:#d9e1f2}\n"
	"table.grid td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.grid tr.total td{font-weight:bold;background:#e8ecf4;"
	"border-top:1.4pt solid #000}\n"
	"thead{display:table-header-group}\n"
	"tr{page-break-inside:avoid}\n"
	"td.late{background:#ffd966}td.missing{background:#e06666;color:#fff}\n"
	".note{font-size:7pt;color:#444;margin-top:1mm}\n"
	".sign{display:flex;justify-content:space-between;margin:7mm 12mm 0;"
	"page-break-inside:avoid}\n"
	".sign div{width:38%;text-align:center}\n"
	".sign .space{height:19mm}\n"
	".sign .line{border-top:.6pt solid #000;margin:0 8mm}\n"
	"footer{margin-top:5mm;font-size:7pt;color:#555;"
	"border-top:.5pt solid #999;padding-top:1mm}\n";

/* Desa order on the page: tepat waktu percent, high first; desa that
 * could not be recomputed or had no punch day last; then by id. */
static int cmp_rank(const void *a, const void *b, void *ctx)
{
	const struct kecrekap *k = ctx;
	const struct kecrekap_desa *x = &k->desa[*(const size_t *)a];
	const struct kecrekap_desa *y = &k->desa[*(const size_t *)b];
	struct rekap_ratio qx, qy;
	int64_t px, py;

	rekap_indicator(&x->r, REKAP_TEPAT_WAKTU, &qx);
	rekap_indicator(&y->r, REKAP_TEPAT_WAKTU, &qy);
	px = x->error[0] ? -2 : rekap_percent_cp(&qx);
	py = y->error[0] ? -2 : rekap_percent_cp(&qy);
	if (px != py)
		return px > py ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void rank_table(FILE *fp, const struct kecrekap *k, const size_t *ord)
{
	static const char *const head[] = {
		"No",	     "Desa", "ID",   "Orang", "Tepat waktu", "%",
		"Kehadiran", "TL1",  "TL2",  "TL3",   "TL4",	     "PSW1",
		"PSW2",	     "PSW3", "PSW4", "TK",    "Manual",	     "Koreksi",
	};
	struct rekap_ratio q;
	char buf[64];

	fputs("<h2>Peringkat desa menurut ketepatan waktu</h2>\n"
	      "<table class=\"grid\"><thead><tr>",
	      fp);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		fputs("<th>", fp);
		htmlesc_put(fp, head[i]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead><tbody>\n", fp);
	for (size_t n = 0; n <= k->ndesa; n++) {
		const struct kecrekap_desa *d =
			n < k->ndesa ? &k->desa[ord[n]] : NULL;
		const struct rekap *r = d ? &d->r : &k->total;

		fputs(d ? "<tr>" : "<tr class=\"total\">", fp);
		if (d)
			fprintf(fp, "<td class=\"n\">%zu</td>", n + 1);
		else
			fputs("<td></td>", fp);
		td(fp, d ? d->name : "Total kecamatan");
		td(fp, d ? d->id : "");
		tdn(fp, d ? d->people : k->people);
		rekap_indicator(r, REKAP_TEPAT_WAKTU, &q);
		snprintf(buf, sizeof(buf), "%" PRIu64 " / %" PRIu64, q.num,
			 q.den);
		fputs("<td class=\"n\">", fp);
		htmlesc_put(fp, buf);
		fputs("</td>", fp);
		tdpct(fp, &q);
		rekap_indicator(r, REKAP_KEHADIRAN, &q);
		tdpct(fp, &q);
		for (int b = 1; b <= VERDICT_BAND_MAX; b++)
			tdn(fp, r->tl[b].count);
		for (int b = 1; b <= VERDICT_BAND_MAX; b++)
			tdn(fp, r->psw[b].count);
		tdn(fp, r->tk);
		tdn(fp, r->punches_manual);
		tdn(fp, d ? d->corrections : k->corrections);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
}

static void indicators(FILE *fp, const struct kecrekap *k)
{
	struct rekap_ratio q;
	char buf[64];

	fputs("<h2>Indikator kecamatan</h2>\n<table class=\"grid\"><thead><tr>"
	      "<th>Indikator</th><th>Pembilang / penyebut</th><th>%</th>"
	      "<th>Rumus</th></tr></thead><tbody>\n",
	      fp);
	for (int i = 0; i <= REKAP_INDICATORS; i++) {
		const char *label, *formula;

		if (i < REKAP_INDICATORS) {
			rekap_indicator(&k->total, (enum rekap_indicator)i, &q);
			label = rekap_indicator_label((enum rekap_indicator)i);
			formula = rekap_indicator_formula(
				(enum rekap_indicator)i);
		} else {
			kecrekap_pelaporan(k, &q);
			label = rekap_pelaporan_label;
			formula = rekap_pelaporan_formula;
		}
		snprintf(buf, sizeof(buf), "%" PRIu64 " / %" PRIu64, q.num,
			 q.den);
		fputs("<tr>", fp);
		td(fp, label);
		td(fp, buf);
		tdpct(fp, &q);
		td(fp, formula);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
}

static void top_people(FILE *fp, const struct kecrekap *k)
{
	fputs("<h2>Perangkat dengan TL4 dan TK terbanyak</h2>\n", fp);
	if (!k->ntop) {
		fputs("<p>Tidak ada.</p>\n", fp);
		return;
	}
	fputs("<table class=\"grid\"><thead><tr><th>No</th><th>Desa</th>"
	      "<th>ID</th><th>Nama</th><th>Jabatan</th><th>TL4</th>"
	      "<th>TK</th></tr></thead><tbody>\n",
	      fp);
	for (size_t i = 0; i < k->ntop; i++) {
		const struct kecrekap_person *p = &k->top[i];

		fprintf(fp, "<tr><td class=\"n\">%zu</td>", i + 1);
		td(fp, p->desa_name);
		td(fp, p->id);
		td(fp, p->name);
		td(fp, p->jabatan);
		tdn(fp, p->tl4);
		tdn(fp, p->tk);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
}

static void pelaporan(FILE *fp, const struct kecrekap *k)
{
	char label[CIVIL_LABEL_MAX], due[CIVIL_DATE_LEN];
	char stamp[KECREKAP_STAMP_MAX];

	fputs("<h2>Kepatuhan pelaporan</h2>\n<table class=\"grid\"><thead>"
	      "<tr><th>Desa</th>",
	      fp);
	for (int m = 0; m < k->nmonths; m++) {
		civil_period_label_id(CIVIL_PERIOD_MONTH, k->month[m], label,
				      sizeof(label));
		civil_date_format(k->deadline[m], due);
		fputs("<th>", fp);
		htmlesc_put(fp, label);
		fputs(" (batas ", fp);
		htmlesc_put(fp, due);
		fputs(")</th>", fp);
	}
	fputs("</tr></thead><tbody>\n", fp);
	for (size_t i = 0; i < k->ndesa; i++) {
		const struct kecrekap_desa *d = &k->desa[i];

		fputs("<tr>", fp);
		td(fp, d->name);
		for (int m = 0; m < k->nmonths; m++) {
			fprintf(fp, "<td%s>",
				d->pel[m] == PELAPORAN_TERLAMBAT
					? " class=\"late\""
				: d->pel[m] == PELAPORAN_BELUM
					? " class=\"missing\""
					: "");
			htmlesc_put(fp, pelaporan_label(d->pel[m]));
			if (d->received_utc[m]) {
				kecrekap_stamp(k, d->received_utc[m], stamp);
				fputs("<br>", fp);
				htmlesc_put(fp, stamp);
			}
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fprintf(fp,
		"</tbody></table>\n<p class=\"note\">Batas: tanggal %d bulan "
		"berikutnya pukul 23:59:59, diundur ke hari kerja berikutnya "
		"bila jatuh pada Sabtu, Minggu atau hari libur kecamatan. "
		"Waktu diterima adalah waktu impor di kecamatan.</p>\n",
		k->deadline_mday);
}

static void anomalies(FILE *fp, const struct kecrekap *k)
{
	char line[KECREKAP_NOTE_MAX * 2];
	bool any = false;

	fputs("<h2>Anomali untuk diperiksa</h2>\n", fp);
	for (size_t i = 0; i < k->ndesa; i++) {
		const struct kecrekap_desa *d = &k->desa[i];

		for (int a = 0; kecrekap_anomaly_bit(a); a++) {
			unsigned int bit = kecrekap_anomaly_bit(a);

			if (!(d->anomalies & bit))
				continue;
			if (!any)
				fputs("<ul>\n", fp);
			any = true;
			kecrekap_anomaly_text(d, bit, line, sizeof(line));
			fputs("<li><b>", fp);
			htmlesc_put(fp, d->name);
			fputs("</b>: ", fp);
			htmlesc_put(fp, line);
			fputs("</li>\n", fp);
		}
	}
	fputs(any ? "</ul>\n" : "<p>Tidak ada.</p>\n", fp);
}

int kecrekap_html(FILE *fp, const struct kecrekap *k)
{
	char first[CIVIL_DATE_LEN], last[CIVIL_DATE_LEN];
	char stamp[KECREKAP_STAMP_MAX], buf[64];
	size_t *ord;

	ord = calloc(k->ndesa ? k->ndesa : 1, sizeof(*ord));
	if (!ord)
		return -ENOMEM;
	for (size_t i = 0; i < k->ndesa; i++)
		ord[i] = i;
	if (k->ndesa)
		qsort_r(ord, k->ndesa, sizeof(*ord), cmp_rank,
			(void *)(uintptr_t)k);
	civil_date_format(k->first, first);
	civil_date_format(k->last, last);
	kecrekap_stamp(k, k->built_utc, stamp);

	fputs("<!DOCTYPE html>\n<html lang=\"id\"><head><meta "
	      "charset=\"utf-8\">"
	      "<title>Rekap presensi Kecamatan ",
	      fp);
	htmlesc_put(fp, k->kecamatan);
	fputs(" ", fp);
	htmlesc_put(fp, k->label_id);
	fputs("</title>\n<style>\n", fp);
	fputs(style, fp);
	fputs("</style></head><body>\n<header><h1>Rekap presensi perangkat "
	      "desa</h1>\n<div class=\"sub\">Kecamatan ",
	      fp);
	htmlesc_put(fp, k->kecamatan);
	if (k->kabupaten[0]) {
		fputs(" &mdash; Kabupaten ", fp);
		htmlesc_put(fp, k->kabupaten);
	}
	fputs("</div></header>\n<table class=\"meta\">\n<tr><td>Periode</td>"
	      "<td>",
	      fp);
	htmlesc_put(fp, k->label);
	fprintf(fp, " (%s s.d. %s)</td></tr>\n", first, last);
	snprintf(buf, sizeof(buf), "%zu desa, %u perangkat", k->ndesa,
		 k->people);
	fputs("<tr><td>Cakupan</td><td>", fp);
	htmlesc_put(fp, buf);
	fputs("</td></tr>\n<tr><td>Dibuat pada</td><td>", fp);
	htmlesc_put(fp, stamp);
	fputs("</td></tr>\n</table>\n<p class=\"note\">Dihitung ulang di "
	      "kecamatan dari baris ledger bertanda tangan tiap desa, dengan "
	      "aturan yang sama dengan alat di desa.</p>\n",
	      fp);
	rank_table(fp, k, ord);
	indicators(fp, k);
	top_people(fp, k);
	pelaporan(fp, k);
	anomalies(fp, k);
	fputs("<p class=\"note\">Data pendukung pembinaan dan pengawasan "
	      "pemerintahan desa; bukan IKU resmi.</p>\n",
	      fp);
	fputs("<div class=\"sign\"><div>Mengetahui,<br>Camat ", fp);
	htmlesc_put(fp, k->kecamatan);
	fputs("<div class=\"space\"></div><div class=\"line\">NIP.</div>"
	      "</div><div>Kasi Pemerintahan<div class=\"space\"></div>"
	      "<div class=\"line\">NIP.</div></div></div>\n<footer>Dibuat "
	      "pada ",
	      fp);
	htmlesc_put(fp, stamp);
	fputs(" oleh presensi-kecamatan.</footer>\n</body></html>\n", fp);
	free(ord);
	return kecrekap_stream_result(fp);
}
