// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * html.c: the rekap as a self-contained printable A4 landscape document
 * for the kecamatan and the balai desa notice board: header, table, an
 * inline SVG chart of TL/PSW per person beside the indicators, and the
 * signature block, laid out so that Chromium prints it on full pages with
 * page numbers.  No scripts, fonts or images are fetched; every text is
 * escaped here (HTML and, in the page margins, CSS strings).
 */
#include "export.h"
#include "htmlesc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "export_int.h"
#include "textwidth.h"

#define CHART_PEOPLE_MAX 60   /* bars drawn; more people are listed only */
#define CHART_W		 1000 /* SVG user units; scaled to the chart's box */
#define CHART_H		 300  /* so the chart is as tall whatever n is */
#define CHART_LEFT	 44   /* the day scale left of the bars */
#define CHART_RIGHT	 8
#define CHART_TOP	 28  /* the legend above the bars */
#define CHART_BASE	 176 /* the bars stand on this line */
#define CHART_LABEL_COLS 14  /* "No name" under each pair, cut to fit */
#define CHART_FONT	 11  /* labels, in user units */

static const char *const band_css[VERDICT_BAND_MAX + 1] = {
	"", "#f6d978", "#f0a54a", "#d9622b", "#a61b1b",
};
static const char *const psw_css[VERDICT_BAND_MAX + 1] = {
	"", "#a9c8ec", "#6a9fd8", "#3465a4", "#1c3d6e",
};

/*
 * Print layout (A4 landscape, 277 x 190 mm inside the margins): the
 * header, the table and the band of chart and indicators follow each
 * other; the table head repeats on every page and no row is split; the
 * band is never split and the signature block always stays with it, so
 * the signature is never alone and no page is left half empty before a
 * chart.  Page numbers and the report's name go in the @page margin boxes
 * (Chromium 131 and later; older browsers print without them).
 */
static const char style[] =
	"@page{size:A4 landscape;margin:9mm 10mm 11mm 10mm}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;"
	"font-size:7.6pt;color:#111;margin:0}\n"
	"header{border-bottom:1.5pt solid #1f3864;padding-bottom:.8mm;"
	"margin-bottom:1.2mm}\n"
	"h1{font-size:12pt;margin:0;text-align:center;letter-spacing:.4pt;"
	"text-transform:uppercase;color:#1f3864}\n"
	".sub{text-align:center;font-size:9.5pt;font-weight:bold}\n"
	"h2{font-size:8.5pt;margin:2mm 0 .8mm;color:#1f3864;"
	"break-after:avoid;page-break-after:avoid}\n"
	"table{border-collapse:collapse}\n"
	".meta{display:flex;gap:8mm;font-size:7pt}\n"
	".meta td{padding:0 2.5mm 0 0;vertical-align:top}\n"
	".meta td:first-child{font-weight:bold;white-space:nowrap}\n"
	".meta table:first-child td{white-space:nowrap}\n"
	"table.grid{width:100%;font-size:7.2pt}\n"
	"table.fixed{table-layout:fixed}\n"
	"table.grid th,table.grid td{border:.5pt solid #666;"
	"padding:.2mm .7mm;line-height:1.15}\n"
	"table.grid th{background:#d9e1f2;font-weight:bold;text-align:center}\n"
	"table.grid td.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"table.grid tr:nth-child(even) td{background:#f6f8fb}\n"
	"table.grid tr.total td{font-weight:bold;background:#e8ecf4;"
	"border-top:1.4pt solid #000}\n"
	"thead{display:table-header-group}\n"
	"tr{break-inside:avoid;page-break-inside:avoid}\n"
	"td.b1{background:#fff2cc!important}td.b2{background:#ffd966!important}"
	"td.b3{background:#f4b183!important}"
	"td.b4{background:#e06666!important;color:#fff}\n"
	".note{font-size:6.5pt;color:#444;margin-top:.6mm;"
	"break-before:avoid;page-break-before:avoid}\n"
	".band{display:flex;gap:5mm;align-items:flex-start;"
	"break-inside:avoid;page-break-inside:avoid;"
	"break-before:avoid;page-break-before:avoid}\n"
	".band>.chart{flex:0 0 54%}.band>.ind{flex:1 1 0}\n"
	".chart svg{display:block;width:100%;height:auto}\n"
	".ind table.grid{font-size:6.5pt}\n"
	".ev{border-left:2pt solid #1f3864;padding:.5mm 1.5mm;"
	"background:#f3f5f9;font-size:6.5pt;margin-bottom:1mm}\n"
	".sign{display:flex;justify-content:space-between;margin:3mm 12mm 0;"
	"break-inside:avoid;page-break-inside:avoid;"
	"break-before:avoid;page-break-before:avoid}\n"
	".sign div{width:38%;text-align:center}\n"
	".sign .space{height:14mm}\n"
	".sign .line{border-top:.6pt solid #000;margin:0 "
	"8mm;padding-top:.5mm}\n";

/*
 * Writes s as the inside of a CSS string: anything that could end the
 * string or the <style> element (quote, backslash, < > &, controls) as a
 * hex escape, the rest (UTF-8 included) as it is.
 */
static void css_str(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || strchr("\"\\'<>&", c))
			fprintf(fp, "\\%x ", c);
		else
			fputc(c, fp);
	}
}

/* The margin boxes of every printed page: what it is, and its number. */
static void page_margins(FILE *fp, const struct report *r)
{
	static const char font[] = "font-family:'DejaVu Sans',Arial,sans-serif";
	char stamp[EXPORT_STAMP_MAX];

	export_stamp(r, stamp);
	fputs("@page{@bottom-left{content:\"Desa ", fp);
	css_str(fp, r->desa_name);
	fputs(" \\b7  ", fp);
	css_str(fp, r->label);
	fputs(" \\b7  dibuat ", fp);
	css_str(fp, stamp);
	fprintf(fp,
		"\";font-size:6.5pt;color:#555;%s}\n"
		"@bottom-right{content:\"Halaman \" counter(page) \" dari \" "
		"counter(pages);font-size:7pt;color:#333;%s}}\n",
		font, font);
}

/* "23 November 2026" for a local day. */
static void date_id(pd_day_t day, char *buf, size_t cap)
{
	int y, m, d;
	const char *mn;

	civil_to_ymd(day, &y, &m, &d);
	mn = civil_month_name_id(m);
	snprintf(buf, cap, "%d %s %d", d, mn ? mn : "?", y);
}

static void meta_row(FILE *fp, const char *label, const char *text)
{
	fputs("<tr><td>", fp);
	htmlesc_put(fp, label);
	fputs("</td><td>", fp);
	htmlesc_put(fp, text);
	fputs("</td></tr>\n", fp);
}

static void html_header(FILE *fp, const struct report *r)
{
	char buf[1024], d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
	char stamp[EXPORT_STAMP_MAX];

	fputs("<header><h1>", fp);
	htmlesc_put(fp, export_title);
	fputs("</h1><div class=\"sub\">Desa ", fp);
	htmlesc_put(fp, r->desa_name);
	fputs(" &middot; ", fp);
	htmlesc_put(fp, r->label);
	/* two columns: the short facts, then the long ones */
	fputs("</div></header>\n<div class=\"meta\"><table>\n", fp);
	snprintf(buf, sizeof(buf), "%s (kode %s)", r->desa_name, r->desa_id);
	meta_row(fp, "Desa", buf);
	civil_date_format(r->first, d1);
	civil_date_format(r->last, d2);
	if (r->first == r->last)
		snprintf(buf, sizeof(buf), "%s (%s)", r->label, d1);
	else
		snprintf(buf, sizeof(buf), "%s (%s s.d. %s)", r->label, d1, d2);
	meta_row(fp, "Periode", buf);
	export_stamp(r, stamp);
	meta_row(fp, "Dibuat pada", stamp);
	fputs("</table><table>\n", fp);
	if (!r->nprofiles)
		meta_row(fp, "Jam kerja", "tidak ada profil berlaku");
	for (int i = 0; i < r->nprofiles && i < REPORT_PROFILES_MAX; i++) {
		const struct report_profile_use *u = &r->profiles[i];

		civil_date_format(u->from_day, d1);
		civil_date_format(u->to_day, d2);
		snprintf(buf, sizeof(buf),
			 "%s \u2014 %s (berlaku %s s.d. %s; versi %.16s)",
			 u->name, u->reference, d1, d2, u->version);
		meta_row(fp, i ? "" : "Jam kerja", buf);
	}
	if (!r->ncalendars)
		meta_row(fp, "Kalender libur", "tidak ada kalender");
	for (int i = 0; i < r->ncalendars && i < CALENDAR_SET_FILES_MAX; i++) {
		snprintf(buf, sizeof(buf), "%s (%d; versi %.16s)",
			 r->calendars[i].name, r->calendars[i].year,
			 r->calendars[i].version);
		meta_row(fp, i ? "" : "Kalender libur", buf);
	}
	snprintf(buf, sizeof(buf), "seq %" PRId64 ", kepala %s", r->ledger_seq,
		 r->ledger_head);
	meta_row(fp, "Buku besar", buf);
	fputs("</table></div>\n", fp);
}

static void td_num(FILE *fp, uint64_t v, int band)
{
	if (band && v)
		fprintf(fp, "<td class=\"n b%d\">%" PRIu64 "</td>", band, v);
	else
		fprintf(fp, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void td_pct(FILE *fp, const struct rekap *k, enum rekap_indicator i)
{
	struct rekap_ratio q;
	char pct[REKAP_PCT_MAX];

	rekap_indicator(k, i, &q);
	if (rekap_percent_format(&q, ',', pct, sizeof(pct)) < 0)
		pct[0] = '\0';
	fprintf(fp, "<td class=\"n\">%s</td>", pct);
}

static void table_row(FILE *fp, const char *cls, const char *no,
		      const char *name, const char *jabatan,
		      const struct rekap *k, const struct export_opts *o)
{
	uint32_t tlm = 0, pswm = 0;

	for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
		tlm += k->tl[b].minutes;
		pswm += k->psw[b].minutes;
	}
	fprintf(fp, "<tr%s><td class=\"n\">", cls);
	htmlesc_put(fp, no);
	fputs("</td><td>", fp);
	htmlesc_put(fp, name);
	fputs("</td><td>", fp);
	htmlesc_put(fp, jabatan);
	fputs("</td>", fp);
	td_num(fp, k->hari_kerja_efektif, 0);
	td_num(fp, k->hadir, 0);
	td_num(fp, k->tepat_waktu, 0);
	for (int b = 1; b <= VERDICT_BAND_MAX; b++)
		td_num(fp, k->tl[b].count, b);
	td_num(fp, tlm, 0);
	for (int b = 1; b <= VERDICT_BAND_MAX; b++)
		td_num(fp, k->psw[b].count, b);
	td_num(fp, pswm, 0);
	for (int e = EXCUSE_I; e < EXCUSE_KINDS; e++)
		td_num(fp, k->excuse[e], 0);
	td_num(fp, k->tk, 0);
	td_pct(fp, k, REKAP_KEHADIRAN);
	td_pct(fp, k, REKAP_TEPAT_WAKTU);
	td_pct(fp, k, REKAP_ABSEN_PULANG);
	if (export_deduction_on(o)) {
		char pct[REKAP_PCT_MAX];

		if (rekap_cp_format(rekap_deduction_cp(k, o->deduction), ',',
				    pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		fprintf(fp, "<td class=\"n\">%s</td>", pct);
	}
	fputs("</tr>\n", fp);
}

/* Fixed column widths (percent of the page), so figures line up. */
static void html_cols(FILE *fp, bool ded)
{
	static const struct {
		int n;
		const char *w;
	} cols[] = {
		{1, "2.5"}, {1, "14.2"}, {1, "10"}, /* No Nama Jabatan */
		{3, "3.4"},			    /* HKE Hadir Tepat */
		{4, "2.4"}, {1, "3.4"},		    /* TL1..4 menit */
		{4, "2.4"}, {1, "3.4"},		    /* PSW1..4 menit */
		{6, "2.4"},			    /* I S C DL AR TK */
		{3, "4.6"},			    /* percentages */
	};

	fputs("<colgroup>", fp);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		for (int k = 0; k < cols[i].n; k++)
			fprintf(fp, "<col style=\"width:%s%%\">", cols[i].w);
	if (ded)
		fputs("<col style=\"width:5.5%\">", fp);
	fputs("</colgroup>", fp);
}

static void html_table(FILE *fp, const struct report *r,
		       const struct export_opts *o)
{
	bool ded = export_deduction_on(o);

	fputs("<h2>Rekap per perangkat desa</h2>\n"
	      "<table class=\"grid fixed\">",
	      fp);
	html_cols(fp, ded);
	fputs("<thead><tr>"
	      "<th rowspan=\"2\">No</th><th rowspan=\"2\">Nama</th>"
	      "<th rowspan=\"2\">Jabatan</th>"
	      "<th rowspan=\"2\" title=\"Hari kerja efektif\">HKE</th>"
	      "<th rowspan=\"2\">Hadir</th><th rowspan=\"2\">Tepat waktu</th>"
	      "<th colspan=\"5\">Terlambat (TL)</th>"
	      "<th colspan=\"5\">Pulang sebelum waktunya (PSW)</th>"
	      "<th colspan=\"5\">Keterangan</th>"
	      "<th rowspan=\"2\">TK</th>"
	      "<th colspan=\"3\">Persentase (%)</th>",
	      fp);
	if (ded)
		fputs("<th rowspan=\"2\">Potongan (%)<br>"
		      "<i>" REKAP_DEDUCTION_LABEL "</i></th>",
		      fp);
	fputs("</tr>\n<tr><th>1</th><th>2</th><th>3</th><th>4</th>"
	      "<th>menit</th><th>1</th><th>2</th><th>3</th><th>4</th>"
	      "<th>menit</th><th>I</th><th>S</th><th>C</th><th>DL</th>"
	      "<th>AR</th><th>Hadir</th><th>Tepat</th><th>Pulang</th></tr>"
	      "</thead>\n<tbody>\n",
	      fp);
	for (size_t i = 0; i < r->npeople; i++) {
		char no[24];

		snprintf(no, sizeof(no), "%zu", i + 1);
		table_row(fp, "", no, r->people[i].p.name,
			  r->people[i].p.jabatan, &r->people[i].r, o);
	}
	table_row(fp, " class=\"total\"", "", "Total desa", "", &r->total, o);
	fputs("</tbody></table>\n<div class=\"note\">HKE hari kerja efektif; "
	      "TL/PSW tingkat 1: 1&ndash;30, 2: 31&ndash;60, 3: 61&ndash;90, "
	      "4: &ge;&nbsp;91 menit atau tanpa absen masuk/pulang; I izin, "
	      "S sakit, C cuti, DL dinas luar, AR alat rusak, TK tanpa "
	      "keterangan.",
	      fp);
	if (ded)
		fputs(" Potongan bersifat <b>" REKAP_DEDUCTION_LABEL
		      "</b>, bukan keputusan pemotongan siltap.",
		      fp);
	fputs("</div>\n", fp);
}

/* Days of TL (kind 0) or PSW (kind 1) of a person, all bands. */
static uint32_t band_days(const struct rekap *k, int kind)
{
	const struct rekap_band *b = kind ? k->psw : k->tl;
	uint32_t n = 0;

	for (int i = 1; i <= VERDICT_BAND_MAX; i++)
		n += b[i].count;
	return n;
}

/* A step of 1, 2 or 5 times a power of ten giving at most 5 grid lines. */
static uint32_t grid_step(uint32_t max)
{
	uint32_t step = 1;

	for (;;) {
		if (max <= 5 * step)
			return step;
		if (max <= 10 * step)
			return 2 * step;
		if (max <= 25 * step)
			return 5 * step;
		step *= 10;
	}
}

/* "No name" under a pair of bars, cut to CHART_LABEL_COLS columns. */
static void chart_label(FILE *fp, size_t no, const char *name)
{
	char num[24], part[EXPORT_SHORT_MAX];
	size_t room, keep;

	snprintf(num, sizeof(num), "%zu ", no);
	fputs(num, fp);
	room = CHART_LABEL_COLS - strlen(num);
	if (textwidth_measure(name) <= room) {
		htmlesc_put(fp, name);
		return;
	}
	keep = textwidth_cut(name, room - 1, NULL);
	if (keep >= sizeof(part))
		keep = sizeof(part) - 1;
	memcpy(part, name, keep);
	part[keep] = '\0';
	htmlesc_put(fp, part);
	fputs("\u2026", fp);
}

/*
 * Vertical stacked bars, one pair per person in table order: TL days by
 * band (warm) and PSW days by band (blue), a day scale, and "No name"
 * labels turned upright under the pairs, with the shortest name that
 * tells the person apart (export_short_names).  Its height is the same
 * for 5 or 60 people, so where it fits does not depend on the desa's
 * size.
 */
static void html_chart(FILE *fp, const struct report *r)
{
	size_t n =
		r->npeople < CHART_PEOPLE_MAX ? r->npeople : CHART_PEOPLE_MAX;
	const double plot_h = CHART_BASE - CHART_TOP;
	char(*names)[EXPORT_SHORT_MAX];
	double slot, bar_w;
	uint32_t max = 0, step;

	for (size_t i = 0; i < n; i++)
		for (int kind = 0; kind < 2; kind++)
			if (band_days(&r->people[i].r, kind) > max)
				max = band_days(&r->people[i].r, kind);
	fputs("<div class=\"chart\"><h2>Hari terlambat (TL) dan pulang "
	      "sebelum waktunya (PSW) per orang</h2>\n",
	      fp);
	if (max == 0) {
		fputs("<p>Tidak ada TL atau PSW pada periode ini.</p></div>\n",
		      fp);
		return;
	}
	names = calloc(r->npeople, sizeof(*names)); /* NULL: whole names */
	if (names)
		export_short_names(r, names);
	step = grid_step(max);
	max = (max + step - 1) / step * step; /* the top grid line */
	slot = (double)(CHART_W - CHART_LEFT - CHART_RIGHT) / (double)n;
	bar_w = slot * 0.36 < 34 ? slot * 0.36 : 34;
	fprintf(fp,
		"<svg viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"Grafik TL dan PSW per orang\" "
		"font-family=\"DejaVu Sans,Arial,sans-serif\" "
		"font-size=\"%d\">\n",
		CHART_W, CHART_H, CHART_FONT);
	/* legend */
	for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
		int x = CHART_LEFT + (b - 1) * 78;

		fprintf(fp,
			"<rect x=\"%d\" y=\"4\" width=\"12\" height=\"10\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"13\">TL%d</text>\n",
			x, band_css[b], x + 16, b);
		fprintf(fp,
			"<rect x=\"%d\" y=\"4\" width=\"12\" height=\"10\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"13\">PSW%d</text>\n",
			x + 330, psw_css[b], x + 346, b);
	}
	/* day scale */
	for (uint32_t v = 0; v <= max; v += step) {
		double y = CHART_BASE - plot_h * v / max;

		fprintf(fp,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"%s\" stroke-width=\"%s\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%" PRIu32
			"</text>\n",
			CHART_LEFT, y, CHART_W - CHART_RIGHT, y,
			v ? "#ddd" : "#555", v ? "0.6" : "1", CHART_LEFT - 6,
			y + 4, v);
	}
	fprintf(fp,
		"<text x=\"4\" y=\"%d\" transform=\"rotate(-90 10 %d)\" "
		"font-size=\"10\">hari</text>\n",
		CHART_TOP + 30, CHART_TOP + 30);
	for (size_t i = 0; i < n; i++) {
		const struct report_person *rp = &r->people[i];
		double x0 = CHART_LEFT + slot * (double)i + slot / 2 - bar_w;
		double lx = CHART_LEFT + slot * (double)i + slot / 2 + 4;

		for (int kind = 0; kind < 2; kind++) {
			const struct rekap_band *bands =
				kind ? rp->r.psw : rp->r.tl;
			const char *const *col = kind ? psw_css : band_css;
			double x = x0 + kind * bar_w, y = CHART_BASE;
			uint32_t tot = band_days(&rp->r, kind);

			for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
				double h = plot_h * bands[b].count / max;

				if (!bands[b].count)
					continue;
				y -= h;
				fprintf(fp,
					"<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.1f\" height=\"%.1f\" "
					"fill=\"%s\"/>\n",
					x, y, bar_w - 1, h, col[b]);
			}
			if (tot && bar_w >= 12)
				fprintf(fp,
					"<text x=\"%.1f\" y=\"%.1f\" "
					"font-size=\"9\" "
					"text-anchor=\"middle\" "
					"fill=\"#333\">%" PRIu32 "</text>\n",
					x + bar_w / 2, y - 3, tot);
		}
		fprintf(fp,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" "
			"transform=\"rotate(-90 %.1f %d)\">",
			lx, CHART_BASE + 6, lx, CHART_BASE + 6);
		chart_label(fp, i + 1, names ? names[i] : rp->p.name);
		fputs("</text>\n", fp);
	}
	fputs("</svg>\n", fp);
	free(names);
	if (r->npeople > n)
		fprintf(fp,
			"<div class=\"note\">Grafik memuat %zu orang pertama "
			"dari %zu.</div>\n",
			n, r->npeople);
	fputs("</div>\n", fp);
}

static void html_indicators(FILE *fp, const struct report *r)
{
	fputs("<div class=\"ind\"><h2>Indikator desa</h2>\n"
	      "<div class=\"ev\">",
	      fp);
	htmlesc_put(fp, export_evidence);
	fputs("</div>\n<table class=\"grid\"><thead><tr>"
	      "<th>Indikator</th><th>Pembilang</th><th>Penyebut</th>"
	      "<th>Persen</th><th>Rumus</th></tr></thead><tbody>\n",
	      fp);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		struct rekap_ratio q;
		char pct[REKAP_PCT_MAX];

		rekap_indicator(&r->total, (enum rekap_indicator)i, &q);
		if (rekap_percent_format(&q, ',', pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		fputs("<tr><td>", fp);
		htmlesc_put(fp, rekap_indicator_label((enum rekap_indicator)i));
		fprintf(fp,
			"</td><td class=\"n\">%" PRIu64
			"</td><td class=\"n\">%" PRIu64
			"</td><td class=\"n\">%s%s</td><td>",
			q.num, q.den, pct, q.den ? " %" : "");
		htmlesc_put(fp,
			    rekap_indicator_formula((enum rekap_indicator)i));
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table></div>\n", fp);
}

static void html_days(FILE *fp, const struct report *r,
		      const struct export_opts *o)
{
	fputs("<h2>Masuk dan pulang (waktu setempat)</h2>\n"
	      "<table class=\"grid\"><thead><tr><th>Nama</th><th>Jabatan</th>"
	      "<th>Masuk</th><th>Pulang</th><th>Keterangan</th></tr></thead>"
	      "<tbody>\n",
	      fp);
	for (size_t i = 0; i < o->days->n; i++) {
		const struct export_day *d = &o->days->d[i];
		char in[CIVIL_TIME_LEN], out[CIVIL_TIME_LEN];
		char st[EXPORT_STATUS_MAX];

		if (d->v.day < r->first || d->v.day > r->last)
			continue;
		export_hms(d->v.masuk_sec, in);
		export_hms(d->v.pulang_sec, out);
		export_day_status(d, st);
		fputs("<tr><td>", fp);
		htmlesc_put(fp, d->name);
		fputs("</td><td>", fp);
		htmlesc_put(fp, d->jabatan);
		fprintf(fp,
			"</td><td class=\"n\">%s</td><td class=\"n\">%s"
			"</td><td>",
			in, out);
		htmlesc_put(fp, st);
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
}

static void html_sign(FILE *fp, const struct report *r)
{
	pd_day_t day;
	int32_t sec;
	char date[64];

	civil_local_from_utc(r->built_utc, r->offset_min, &day, &sec);
	date_id(day, date, sizeof(date));
	fputs("<div class=\"sign\"><div>Mengetahui,<br>Kepala Desa ", fp);
	htmlesc_put(fp, r->desa_name);
	fputs("<div class=\"space\"></div><div class=\"line\">"
	      "Nama &amp; tanda tangan</div></div>\n<div>",
	      fp);
	htmlesc_put(fp, r->desa_name);
	fputs(", ", fp);
	htmlesc_put(fp, date);
	fputs("<br>Sekretaris Desa<div class=\"space\"></div>"
	      "<div class=\"line\">Nama &amp; tanda tangan</div></div></div>\n",
	      fp);
}

int export_html(FILE *fp, const struct report *r, const struct export_opts *o)
{
	int rc = export_check(r);

	if (rc)
		return rc;
	fputs("<!DOCTYPE html>\n<html lang=\"id\"><head><meta "
	      "charset=\"utf-8\">"
	      "\n<title>",
	      fp);
	htmlesc_put(fp, export_title);
	fputs(" \u2014 ", fp);
	htmlesc_put(fp, r->desa_name);
	fputs(" \u2014 ", fp);
	htmlesc_put(fp, r->label);
	fprintf(fp, "</title>\n<style>\n%s", style);
	page_margins(fp, r);
	fputs("</style></head>\n<body>\n", fp);
	html_header(fp, r);
	html_table(fp, r, o);
	if (o && o->days && r->kind == CIVIL_PERIOD_DATE)
		html_days(fp, r, o);
	/* the chart beside the indicators, the signature kept with them */
	fputs("<div class=\"band\">\n", fp);
	html_chart(fp, r);
	html_indicators(fp, r);
	fputs("</div>\n", fp);
	html_sign(fp, r);
	fputs("</body></html>\n", fp);
	return fflush(fp) != 0 || ferror(fp) ? -EIO : 0;
}
