/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_xlsx.c: the camat's rekap as a workbook.  Lays the kecrekap model
 * out as plain tables and hands them to the one XLSX writer
 * (xlsx_table.h, daemon/common/xlsx.c); no xlsxwriter.h here.
 */
#include "kecrekap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_table.h"

#define LINE_MAX_ 512

/* Rekap sheet columns after ID and Desa. */
static const struct {
	const char *head;
	size_t off; /* offsetof a uint32_t in struct rekap */
} counts[] = {
	{"HKE", offsetof(struct rekap, hari_kerja_efektif)},
	{"Hadir", offsetof(struct rekap, hadir)},
	{"Tepat", offsetof(struct rekap, tepat_waktu)},
	{"TL1", offsetof(struct rekap, tl[1].count)},
	{"TL1 mnt", offsetof(struct rekap, tl[1].minutes)},
	{"TL2", offsetof(struct rekap, tl[2].count)},
	{"TL2 mnt", offsetof(struct rekap, tl[2].minutes)},
	{"TL3", offsetof(struct rekap, tl[3].count)},
	{"TL3 mnt", offsetof(struct rekap, tl[3].minutes)},
	{"TL4", offsetof(struct rekap, tl[4].count)},
	{"TL4 mnt", offsetof(struct rekap, tl[4].minutes)},
	{"PSW1", offsetof(struct rekap, psw[1].count)},
	{"PSW1 mnt", offsetof(struct rekap, psw[1].minutes)},
	{"PSW2", offsetof(struct rekap, psw[2].count)},
	{"PSW2 mnt", offsetof(struct rekap, psw[2].minutes)},
	{"PSW3", offsetof(struct rekap, psw[3].count)},
	{"PSW3 mnt", offsetof(struct rekap, psw[3].minutes)},
	{"PSW4", offsetof(struct rekap, psw[4].count)},
	{"PSW4 mnt", offsetof(struct rekap, psw[4].minutes)},
	{"TK", offsetof(struct rekap, tk)},
	{"I", offsetof(struct rekap, excuse[EXCUSE_I])},
	{"S", offsetof(struct rekap, excuse[EXCUSE_S])},
	{"C", offsetof(struct rekap, excuse[EXCUSE_C])},
	{"DL", offsetof(struct rekap, excuse[EXCUSE_DL])},
	{"AR", offsetof(struct rekap, excuse[EXCUSE_AR])},
	{"Manual", offsetof(struct rekap, punches_manual)},
	{"Jam tak tepercaya", offsetof(struct rekap, punches_untrusted)},
};
#define NCOUNTS (sizeof(counts) / sizeof(counts[0]))
/* ID, Desa, Orang, counts, Koreksi, 4 indicators, Pelaporan */
#define REKAP_COLS (3 + NCOUNTS + 1 + REKAP_INDICATORS + 1)

static uint32_t get(const struct rekap *r, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)r + off, sizeof(v));
	return v;
}

static struct xlsx_cell text(const char *s, bool bold)
{
	return (struct xlsx_cell){XLSX_CELL_TEXT, s, 0, 0, bold};
}

static struct xlsx_cell num(int64_t v, bool bold)
{
	return (struct xlsx_cell){XLSX_CELL_INT, NULL, v, 0, bold};
}

static struct xlsx_cell pct(const struct rekap_ratio *q, bool bold)
{
	return (struct xlsx_cell){XLSX_CELL_PCT, NULL, (int64_t)q->num,
				  (int64_t)q->den, bold};
}

static void rekap_row(struct xlsx_cell *c, const struct kecrekap *k,
		      const struct kecrekap_desa *d)
{
	const struct rekap *r = d ? &d->r : &k->total;
	struct rekap_ratio q;
	bool b = d == NULL;
	size_t i = 0;

	c[i++] = text(d ? d->id : "TOTAL", b);
	c[i++] = text(d ? d->name : "Total kecamatan", b);
	c[i++] = num(d ? d->people : k->people, b);
	for (size_t n = 0; n < NCOUNTS; n++)
		c[i++] = num(get(r, counts[n].off), b);
	c[i++] = num(d ? d->corrections : k->corrections, b);
	for (int n = 0; n < REKAP_INDICATORS; n++) {
		rekap_indicator(r, (enum rekap_indicator)n, &q);
		c[i++] = pct(&q, b);
	}
	if (d) {
		q.num = q.den = 0;
		for (int m = 0; m < k->nmonths; m++) {
			q.den += pelaporan_counted(d->pel[m]);
			q.num += d->pel[m] == PELAPORAN_TEPAT;
		}
	} else {
		kecrekap_pelaporan(k, &q);
	}
	c[i++] = pct(&q, b);
}

int kecrekap_xlsx(const char *path, const struct kecrekap *k, char *err,
		  size_t cap)
{
	static const char *const ind_head[] = {"Indikator", "Pembilang",
					       "Penyebut", "Persen", "Rumus"};
	static const char *const top_head[] = {"Desa",	  "ID",	 "Nama",
					       "Jabatan", "TL4", "TK"};
	static const char *const ano_head[] = {"ID", "Desa", "Anomali"};
	const char *rekap_head[REKAP_COLS], *pel_head[1 + KECREKAP_MONTHS_MAX];
	char title1[LINE_MAX_], title2[LINE_MAX_], title3[LINE_MAX_];
	char months[KECREKAP_MONTHS_MAX][CIVIL_LABEL_MAX];
	const char *title[3] = {title1, title2, title3};
	struct xlsx_sheet sh[5];
	struct xlsx_cell *rc = NULL, *ic = NULL, *pc = NULL, *ac = NULL,
			 *tc = NULL;
	char(*notes)[LINE_MAX_] = NULL;
	size_t nano = 0, i = 0;
	int ret = -ENOMEM;

	if (!k)
		return -EINVAL;
	snprintf(title1, sizeof(title1),
		 "Rekap presensi perangkat desa - Kecamatan %s", k->kecamatan);
	snprintf(title2, sizeof(title2), "Kabupaten %s, periode %s",
		 k->kabupaten[0] ? k->kabupaten : "-", k->label);
	snprintf(title3, sizeof(title3),
		 "Dihitung ulang dari baris ledger bertanda tangan tiap desa");
	rekap_head[i++] = "ID";
	rekap_head[i++] = "Desa";
	rekap_head[i++] = "Orang";
	for (size_t n = 0; n < NCOUNTS; n++)
		rekap_head[i++] = counts[n].head;
	rekap_head[i++] = "Koreksi setelah tutup buku";
	for (int n = 0; n < REKAP_INDICATORS; n++)
		rekap_head[i++] =
			rekap_indicator_label((enum rekap_indicator)n);
	rekap_head[i++] = rekap_pelaporan_label;

	rc = calloc((k->ndesa + 1) * REKAP_COLS, sizeof(*rc));
	ic = calloc((REKAP_INDICATORS + 1) * 5, sizeof(*ic));
	pc = calloc((k->ndesa ? k->ndesa : 1) * (1 + (size_t)k->nmonths) * 2,
		    sizeof(*pc));
	for (size_t d = 0; d < k->ndesa; d++)
		for (int a = 0; a < 7; a++)
			nano += (k->desa[d].anomalies >> a) & 1u;
	ac = calloc(nano ? nano * 3 : 1, sizeof(*ac));
	notes = calloc(nano ? nano : 1, sizeof(*notes));
	tc = calloc(k->ntop ? k->ntop * 6 : 1, sizeof(*tc));
	if (!rc || !ic || !pc || !ac || !notes || !tc)
		goto out;

	for (size_t d = 0; d <= k->ndesa; d++)
		rekap_row(rc + d * REKAP_COLS, k,
			  d < k->ndesa ? &k->desa[d] : NULL);
	for (int n = 0; n <= REKAP_INDICATORS; n++) {
		struct xlsx_cell *c = ic + n * 5;
		struct rekap_ratio q;

		if (n < REKAP_INDICATORS) {
			rekap_indicator(&k->total, (enum rekap_indicator)n, &q);
			c[0] = text(
				rekap_indicator_label((enum rekap_indicator)n),
				false);
			c[4] = text(rekap_indicator_formula(
					    (enum rekap_indicator)n),
				    false);
		} else {
			kecrekap_pelaporan(k, &q);
			c[0] = text(rekap_pelaporan_label, false);
			c[4] = text(rekap_pelaporan_formula, false);
		}
		c[1] = num((int64_t)q.num, false);
		c[2] = num((int64_t)q.den, false);
		c[3] = pct(&q, false);
	}
	pel_head[0] = "Desa";
	for (int m = 0; m < k->nmonths; m++) {
		civil_period_label(CIVIL_PERIOD_MONTH, k->month[m], months[m],
				   sizeof(months[m]));
		pel_head[1 + m] = months[m];
	}
	for (size_t d = 0; d < k->ndesa; d++) {
		struct xlsx_cell *c = pc + d * (1 + (size_t)k->nmonths);

		c[0] = text(k->desa[d].name, false);
		for (int m = 0; m < k->nmonths; m++)
			c[1 + m] =
				text(pelaporan_label(k->desa[d].pel[m]), false);
	}
	nano = 0;
	for (size_t d = 0; d < k->ndesa; d++)
		for (int a = 0; a < 7; a++) {
			unsigned int bit = 1u << a;

			if (!(k->desa[d].anomalies & bit))
				continue;
			kecrekap_anomaly_text(&k->desa[d], bit, notes[nano],
					      sizeof(notes[nano]));
			ac[nano * 3] = text(k->desa[d].id, false);
			ac[nano * 3 + 1] = text(k->desa[d].name, false);
			ac[nano * 3 + 2] = text(notes[nano], false);
			nano++;
		}
	for (size_t t = 0; t < k->ntop; t++) {
		const struct kecrekap_person *p = &k->top[t];
		struct xlsx_cell *c = tc + t * 6;

		c[0] = text(p->desa_name, false);
		c[1] = text(p->id, false);
		c[2] = text(p->name, false);
		c[3] = text(p->jabatan, false);
		c[4] = num(p->tl4, false);
		c[5] = num(p->tk, false);
	}
	sh[0] = (struct xlsx_sheet){"Rekap",	title, 3,	    rekap_head,
				    REKAP_COLS, rc,    k->ndesa + 1};
	sh[1] = (struct xlsx_sheet){
		"Indikator", title, 1, ind_head, 5, ic, REKAP_INDICATORS + 1};
	sh[2] = (struct xlsx_sheet){
		"Pelaporan", title,   1, pel_head, 1 + (size_t)k->nmonths,
		pc,	     k->ndesa};
	sh[3] = (struct xlsx_sheet){"Anomali", title, 1, ano_head, 3, ac, nano};
	sh[4] = (struct xlsx_sheet){"Perangkat", title, 1,	top_head,
				    6,		 tc,	k->ntop};
	ret = xlsx_tables_write(path, sh, 5, err, cap);
out:
	if (ret == -ENOMEM)
		snprintf(err, cap, "out of memory");
	free(rc);
	free(ic);
	free(pc);
	free(ac);
	free(notes);
	free(tc);
	return ret;
}
