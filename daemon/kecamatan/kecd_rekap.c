/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_rekap.c: the period pages of a kecamatan.  "Rekap"
 * (/k/<id>/rekap?periode=YYYY-MM|YYYY-Qn|YYYY): every desa ranked by tepat
 * waktu with TL, PSW and TK, the indicators as numerator / denominator =
 * percent, kepatuhan pelaporan, and a trend chart by month; a desa's page
 * (/desa/<id>): its people; a person's (/orang/<id>): each day with every
 * punch and excuse; and the downloads (rekap.csv, .xlsx, .html), made by
 * the writers presensi-kecamatan and the box use.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "kec_rekap.h"
#include "kecd_cache.h"
#include "kecd_int.h"
#include "ledger_decode.h"
#include "log.h"
#include "pelaporan.h"
#include "verdict.h"

#define TREND_MONTHS 6 /* a month's page shows it and the five before */

/* ---- the period bar: tabs, previous and next, a month picker ---- */

static void period_link(FILE *fp, const struct kecd_ctx *x, const char *base,
			enum civil_period_kind kind, pd_day_t day,
			const char *text, bool active)
{
	char v[CIVIL_LABEL_MAX];

	civil_period_label(kind, day, v, sizeof(v));
	fprintf(fp, "<a%s href=\"/k/%" PRId64, active ? " class=\"aktif\"" : "",
		x->kec.id);
	kecd_h(fp, base);
	fputs("?periode=", fp);
	kecd_u(fp, v);
	fputs("\">", fp);
	kecd_h(fp, text);
	fputs("</a>", fp);
}

static pd_day_t shift(enum civil_period_kind kind, pd_day_t first, int dir)
{
	int y, m, d,
		step = kind == CIVIL_PERIOD_MONTH     ? 1
		       : kind == CIVIL_PERIOD_QUARTER ? 3
						      : 12;

	civil_to_ymd(first, &y, &m, &d);
	m += dir * step;
	while (m < 1) {
		m += 12;
		y--;
	}
	while (m > 12) {
		m -= 12;
		y++;
	}
	return civil_from_ymd(y, m, 1);
}

static void period_bar(FILE *fp, const struct kecd_ctx *x, const char *base,
		       enum civil_period_kind kind, pd_day_t first)
{
	char label[CIVIL_LABEL_MAX], v[CIVIL_LABEL_MAX];

	fputs("<nav class=\"tab\" aria-label=\"Periode\">", fp);
	period_link(fp, x, base, CIVIL_PERIOD_MONTH, first, "Bulan",
		    kind == CIVIL_PERIOD_MONTH);
	period_link(fp, x, base, CIVIL_PERIOD_QUARTER, first, "Triwulan",
		    kind == CIVIL_PERIOD_QUARTER);
	period_link(fp, x, base, CIVIL_PERIOD_YEAR, first, "Tahun",
		    kind == CIVIL_PERIOD_YEAR);
	fputs("</nav><nav class=\"tab\" aria-label=\"Sebelum dan sesudah\">",
	      fp);
	civil_period_label_id(kind, shift(kind, first, -1), label,
			      sizeof(label));
	{
		char text[CIVIL_LABEL_MAX + 8];

		snprintf(text, sizeof(text), "‹ %s", label);
		period_link(fp, x, base, kind, shift(kind, first, -1), text,
			    false);
		civil_period_label_id(kind, shift(kind, first, 1), label,
				      sizeof(label));
		snprintf(text, sizeof(text), "%s ›", label);
		period_link(fp, x, base, kind, shift(kind, first, 1), text,
			    false);
	}
	fputs("</nav><form class=\"baris\" method=\"get\"><div>"
	      "<label for=\"periode\">Bulan lain</label>"
	      "<input type=\"month\" id=\"periode\" name=\"periode\" value=\"",
	      fp);
	civil_period_label(CIVIL_PERIOD_MONTH, first, v, sizeof(v));
	kecd_h(fp, v);
	fputs("\"></div><div style=\"flex:0 0 auto\"><button type=\"submit\" "
	      "class=\"tombol sekunder\">Tampilkan</button></div></form>",
	      fp);
}

static void downloads(FILE *fp, const struct kecd_ctx *x, const char *base,
		      const char *period)
{
	static const char *const ext[] = {"xlsx", "csv", "html"};
	static const char *const text[] = {"Unduh XLSX", "Unduh CSV",
					   "Halaman cetak"};

	fputs("<div class=\"unduh\">", fp);
	for (int i = 0; i < 3; i++) {
		fprintf(fp, "<a class=\"tombol sekunder\" href=\"/k/%" PRId64,
			x->kec.id);
		kecd_h(fp, base);
		fprintf(fp, "/rekap.%s?periode=", ext[i]);
		kecd_u(fp, period);
		fprintf(fp, "\">%s</a>", text[i]);
	}
	fputs("</div>", fp);
}

/* ---- the trend ---- */

static void chart_add(struct kecd_chart *c, int i, const struct rekap *r)
{
	static const enum rekap_indicator which[KECD_CHART_LINES] = {
		REKAP_KEHADIRAN, REKAP_TEPAT_WAKTU, REKAP_ABSEN_PULANG};

	for (int l = 0; l < KECD_CHART_LINES; l++) {
		struct rekap_ratio q;

		rekap_indicator(r, which[l], &q);
		c->cp[l][i] = q.den ? rekap_percent_cp(&q) : -1;
	}
}

static void chart_init(struct kecd_chart *c)
{
	memset(c, 0, sizeof(*c));
	c->nlines = KECD_CHART_LINES;
	c->name[0] = "Kehadiran";
	c->name[1] = "Tepat waktu";
	c->name[2] = "Absen pulang";
}

static void chart_label(struct kecd_chart *c, int i, pd_day_t month)
{
	int y, m, d;

	civil_to_ymd(month, &y, &m, &d);
	snprintf(c->label[i], sizeof(c->label[i]), "%.3s %02d",
		 civil_month_name_id(m), y % 100);
}

/*
 * The trend of desa (one, or NULL for all of the kecamatan): the months of
 * a quarter or year from that period's parts, or a month and the five
 * before it from their month parts.
 */
static int trend(struct kecd_ctx *x, const struct kecd_desa_list *desa,
		 const struct kecd_heads *heads, enum civil_period_kind kind,
		 pd_day_t first, pd_day_t last, struct kecd_chart *c)
{
	int rc = 0;

	chart_init(c);
	if (kind == CIVIL_PERIOD_MONTH) {
		c->npoints = TREND_MONTHS;
		for (int i = 0; i < TREND_MONTHS && rc == 0; i++) {
			pd_day_t m = shift(kind, first, i - (TREND_MONTHS - 1));
			pd_day_t mf, ml;
			char v[CIVIL_LABEL_MAX];
			struct rekap sum;

			civil_period_label(kind, m, v, sizeof(v));
			civil_period_parse(kind, v, &mf, &ml, NULL, 0);
			rekap_init(&sum);
			for (size_t d = 0; d < desa->n && rc == 0; d++) {
				const struct kecd_part *p;

				rc = kecd_cache_get(x->w->k->cache, x->w->st,
						    &x->kec, &desa->d[d], kind,
						    mf, ml, x->req->now_utc,
						    heads, &p);
				if (rc == 0 && p->r)
					rekap_merge(&sum, &p->by_month[0]);
				if (rc == 0)
					kecd_cache_put(x->w->k->cache, p);
			}
			chart_label(c, i, m);
			chart_add(c, i, &sum);
		}
		return rc;
	}
	for (pd_day_t m = first; m <= last && c->npoints < KECD_CHART_POINTS;
	     m = shift(CIVIL_PERIOD_MONTH, m, 1))
		chart_label(c, c->npoints++, m);
	/* the sums, one part borrowed at a time */
	{
		struct rekap sum[KECREKAP_MONTHS_MAX];

		for (int i = 0; i < KECREKAP_MONTHS_MAX; i++)
			rekap_init(&sum[i]);
		for (size_t d = 0; d < desa->n && rc == 0; d++) {
			const struct kecd_part *p;

			rc = kecd_cache_get(x->w->k->cache, x->w->st, &x->kec,
					    &desa->d[d], kind, first, last,
					    x->req->now_utc, heads, &p);
			if (rc)
				break;
			if (p->r)
				for (int i = 0; i < p->nmonths; i++)
					rekap_merge(&sum[i], &p->by_month[i]);
			kecd_cache_put(x->w->k->cache, p);
		}
		for (int i = 0; i < c->npoints; i++)
			chart_add(c, i, &sum[i]);
	}
	return rc;
}

/* ---- the kecamatan's rekap ---- */

static void td_u(FILE *fp, uint64_t v)
{
	fprintf(fp, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void td_ratio(FILE *fp, const struct rekap *r, enum rekap_indicator i)
{
	struct rekap_ratio q;

	rekap_indicator(r, i, &q);
	fputs("<td class=\"n\">", fp);
	kecd_pct(fp, &q);
	fputs("</td>", fp);
}

static const char *pel_class(enum pelaporan_status s)
{
	switch (s) {
	case PELAPORAN_TEPAT:
		return "ok";
	case PELAPORAN_TERLAMBAT:
		return "telat";
	case PELAPORAN_BELUM:
		return "absen";
	default:
		return "tunggu";
	}
}

static void rekap_head(FILE *fp, bool person)
{
	fprintf(fp,
		"<thead><tr><th>No</th><th>%s</th>%s<th class=\"n\">HKE</th>"
		"<th class=\"n\">Hadir</th><th class=\"n\">Tepat</th>"
		"<th class=\"n\">TL1</th><th class=\"n\">TL2</th>"
		"<th class=\"n\">TL3</th><th class=\"n\">TL4</th>"
		"<th class=\"n\">PSW1</th><th class=\"n\">PSW2</th>"
		"<th class=\"n\">PSW3</th><th class=\"n\">PSW4</th>"
		"<th class=\"n\">TK</th><th class=\"n\">Kehadiran</th>"
		"<th class=\"n\">Tepat waktu</th>%s</tr></thead>",
		person ? "Nama" : "Desa",
		person ? "<th>Jabatan</th>" : "<th class=\"n\">Orang</th>",
		person ? "<th class=\"n\">I/S/C/DL/AR</th>"
		       : "<th>Pelaporan</th>");
}

static void rekap_cells(FILE *fp, const struct rekap *r)
{
	td_u(fp, r->hari_kerja_efektif);
	td_u(fp, r->hadir);
	td_u(fp, r->tepat_waktu);
	for (int b = 1; b <= 4; b++)
		td_u(fp, r->tl[b].count);
	for (int b = 1; b <= 4; b++)
		td_u(fp, r->psw[b].count);
	td_u(fp, r->tk);
	td_ratio(fp, r, REKAP_KEHADIRAN);
	td_ratio(fp, r, REKAP_TEPAT_WAKTU);
}

static void indicators(FILE *fp, const struct rekap *r,
		       const struct rekap_ratio *pel)
{
	fputs("<div class=\"kisi\">", fp);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		struct rekap_ratio q;

		rekap_indicator(r, (enum rekap_indicator)i, &q);
		fputs("<div class=\"kartu\"><div class=\"kecil\">", fp);
		kecd_h(fp, rekap_indicator_label((enum rekap_indicator)i));
		fputs("</div><div class=\"angka\">", fp);
		kecd_pct(fp, &q);
		fputs("</div><div>", fp);
		kecd_ratio(fp, &q);
		fputs("</div><div class=\"kecil\">", fp);
		kecd_h(fp, rekap_indicator_formula((enum rekap_indicator)i));
		fputs("</div></div>", fp);
	}
	if (pel) {
		fputs("<div class=\"kartu\"><div class=\"kecil\">", fp);
		kecd_h(fp, rekap_pelaporan_label);
		fputs("</div><div class=\"angka\">", fp);
		kecd_pct(fp, pel);
		fputs("</div><div>", fp);
		kecd_ratio(fp, pel);
		fputs("</div><div class=\"kecil\">", fp);
		kecd_h(fp, rekap_pelaporan_formula);
		fputs("</div></div>", fp);
	}
	fputs("</div>", fp);
}

/* Desa in order of tepat waktu (best first), then by id. */
static const struct kecrekap *sort_k;

static int by_tepat(const void *a, const void *b)
{
	const struct kecrekap_desa *da = &sort_k->desa[*(const size_t *)a];
	const struct kecrekap_desa *db = &sort_k->desa[*(const size_t *)b];
	struct rekap_ratio qa, qb;
	int64_t pa, pb;

	rekap_indicator(&da->r, REKAP_TEPAT_WAKTU, &qa);
	rekap_indicator(&db->r, REKAP_TEPAT_WAKTU, &qb);
	pa = qa.den ? rekap_percent_cp(&qa) : -1;
	pb = qb.den ? rekap_percent_cp(&qb) : -1;
	if (pa != pb)
		return pa > pb ? -1 : 1;
	return strcmp(da->id, db->id);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int build_kec(struct kecd_ctx *x, const struct kecd_heads *heads,
		     enum civil_period_kind kind, pd_day_t first, pd_day_t last,
		     struct kecrekap **k)
{
	struct kecd_source src;
	struct kec_rekap_opts o;
	char err[256];
	int rc;

	kecd_source_init(&src, x->w->k->cache, heads);
	memset(&o, 0, sizeof(o));
	o.kec = &x->kec;
	o.kind = kind;
	o.first = first;
	o.last = last;
	o.now_utc = x->req->now_utc;
	o.source = &src.src;
	rc = kec_rekap_build(x->w->st, &o, k, err, sizeof(err));
	if (rc)
		log_warnx("rekap of kecamatan %s: %s", x->kec.name, err);
	return rc;
}

static void kec_table(FILE *fp, const struct kecd_ctx *x,
		      const struct kecrekap *k, const char *period)
{
	size_t *order = calloc(k->ndesa ? k->ndesa : 1, sizeof(*order));

	fputs("<div class=\"gulir\"><table id=\"rekap-desa\">", fp);
	rekap_head(fp, false);
	fputs("<tbody>", fp);
	for (size_t i = 0; i < k->ndesa; i++)
		if (order)
			order[i] = i;
	if (order) {
		pthread_mutex_lock(&sort_lock);
		sort_k = k;
		qsort(order, k->ndesa, sizeof(*order), by_tepat);
		pthread_mutex_unlock(&sort_lock);
	}
	for (size_t j = 0; j < k->ndesa; j++) {
		const struct kecrekap_desa *d = &k->desa[order ? order[j] : j];

		fprintf(fp,
			"<tr><td class=\"n\">%zu</td><td><a href=\"/k/%" PRId64
			"/desa/",
			j + 1, x->kec.id);
		kecd_u(fp, d->id);
		fputs("?periode=", fp);
		kecd_u(fp, period);
		fputs("\">", fp);
		kecd_h(fp, d->name);
		fputs("</a>", fp);
		if (d->error[0]) {
			fputs("<br><span class=\"lencana absen\">", fp);
			kecd_h(fp, d->error);
			fputs("</span>", fp);
		}
		fputs("</td>", fp);
		td_u(fp, d->people);
		rekap_cells(fp, &d->r);
		fputs("<td>", fp);
		for (int m = 0; m < k->nmonths; m++) {
			fprintf(fp, "<span class=\"lencana %s\">",
				pel_class(d->pel[m]));
			kecd_h(fp, pelaporan_label(d->pel[m]));
			fputs("</span> ", fp);
		}
		fputs("</td></tr>", fp);
	}
	fputs("</tbody><tfoot><tr><td></td><td>Kecamatan</td>", fp);
	td_u(fp, k->people);
	rekap_cells(fp, &k->total);
	fputs("<td></td></tr></tfoot></table></div>", fp);
	free(order);
}

static void pelaporan_table(FILE *fp, const struct kecd_ctx *x,
			    const struct kecrekap *k)
{
	char d[CIVIL_DATE_LEN], label[CIVIL_LABEL_MAX];

	fputs("<h2>Kepatuhan pelaporan</h2><p class=\"kecil\">Berkas bulanan "
	      "lengkap diterima paling lambat tanggal ",
	      fp);
	fprintf(fp,
		"%d bulan berikutnya (hari kerja berikutnya bila libur), "
		"pukul 23.59.</p><div class=\"gulir\"><table><thead><tr>"
		"<th>Desa</th>",
		k->deadline_mday);
	for (int m = 0; m < k->nmonths; m++) {
		civil_period_label_id(CIVIL_PERIOD_MONTH, k->month[m], label,
				      sizeof(label));
		civil_date_format(k->deadline[m], d);
		fputs("<th>", fp);
		kecd_h(fp, label);
		fputs("<br><span class=\"kecil\">batas ", fp);
		kecd_h(fp, d);
		fputs("</span></th>", fp);
	}
	fputs("</tr></thead><tbody>", fp);
	for (size_t i = 0; i < k->ndesa; i++) {
		const struct kecrekap_desa *ds = &k->desa[i];

		fputs("<tr><td>", fp);
		kecd_h(fp, ds->name);
		fputs("</td>", fp);
		for (int m = 0; m < k->nmonths; m++) {
			fprintf(fp, "<td><span class=\"lencana %s\">",
				pel_class(ds->pel[m]));
			kecd_h(fp, pelaporan_label(ds->pel[m]));
			fputs("</span>", fp);
			if (ds->received_utc[m]) {
				fputs("<br><span class=\"kecil\">", fp);
				kecd_when(fp, ds->received_utc[m],
					  x->kec.offset_min);
				fputs("</span>", fp);
			}
			fputs("</td>", fp);
		}
		fputs("</tr>", fp);
	}
	fputs("</tbody></table></div>", fp);
}

static void anomalies(FILE *fp, const struct kecrekap *k)
{
	int any = 0;

	for (size_t i = 0; i < k->ndesa; i++)
		for (unsigned int b = 0; b < KECREKAP_ANOMALIES; b++) {
			char text[512];

			if (!(k->desa[i].anomalies & (1u << b)))
				continue;
			if (!any)
				fputs("<h2>Perlu diperiksa</h2><ul "
				      "class=\"kartu "
				      "daftar\">",
				      fp);
			any = 1;
			kecrekap_anomaly_text(&k->desa[i], 1u << b, text,
					      sizeof(text));
			fputs("<li><strong>", fp);
			kecd_h(fp, k->desa[i].name);
			fputs("</strong>: ", fp);
			kecd_h(fp, text);
			fputs("</li>", fp);
		}
	if (any)
		fputs("</ul>", fp);
}

int kecd_page_rekap(struct kecd_ctx *x)
{
	struct kecd_desa_list desa = {0};
	struct kecd_heads heads = {0};
	struct kecrekap *k = NULL;
	struct kecd_page p = {0};
	struct rekap_ratio pel;
	struct kecd_chart chart;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], period[CIVIL_LABEL_MAX], title[96];
	pd_day_t first, last;
	int rc;

	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	civil_period_label(kind, first, period, sizeof(period));
	rc = kecd_heads_read(x->w->st, x->kec.id, &heads);
	if (rc == 0)
		rc = kec_store_desa_each(x->w->st, x->kec.id, kecd_desa_take,
					 &desa);
	if (rc == 0)
		rc = build_kec(x, &heads, kind, first, last, &k);
	if (rc == 0)
		rc = trend(x, &desa, &heads, kind, first, last, &chart);
	snprintf(title, sizeof(title), "Rekap %s", label);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, title, x->kec.id, x->kec.name,
				    KECD_NAV_REKAP);
	if (rc)
		goto out;
	fputs("<h1>Rekap ", p.fp);
	kecd_h(p.fp, label);
	fputs("</h1>", p.fp);
	period_bar(p.fp, x, "/rekap", kind, first);
	downloads(p.fp, x, "", period);
	fputs("<h2>Kehadiran dan disiplin per desa</h2><p class=\"kecil\">"
	      "Diurutkan menurut persentase tepat waktu; dihitung ulang di "
	      "kecamatan dari baris ledger tiap desa dengan aturan desa itu "
	      "sendiri.</p>",
	      p.fp);
	kec_table(p.fp, x, k, period);
	fputs("<h2>Indikator kecamatan</h2>", p.fp);
	kecrekap_pelaporan(k, &pel);
	indicators(p.fp, &k->total, &pel);
	kecd_chart_svg(p.fp, &chart,
		       kind == CIVIL_PERIOD_MONTH
			       ? "Tren per bulan (enam bulan terakhir)"
			       : "Tren per bulan");
	pelaporan_table(p.fp, x, k);
	anomalies(p.fp, k);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	kecd_page_abort(&p);
	kecrekap_free(k);
	free(desa.d);
	kecd_heads_free(&heads);
	return rc;
}

/* ---- one desa ---- */

static int recompute(struct kecd_ctx *x, const struct kec_desa *d,
		     enum civil_period_kind kind, pd_day_t first, pd_day_t last,
		     const char *person, struct export_days *days,
		     struct report **r, uint32_t *corr, char *err, size_t cap)
{
	struct kec_recompute q;

	memset(&q, 0, sizeof(q));
	q.kec = x->kec.id;
	q.desa_id = d->id;
	q.desa_name = d->name;
	q.offset_min = x->kec.offset_min;
	q.kind = kind;
	q.first = first;
	q.last = last;
	q.today = kecd_today(x, &q.now_sec);
	q.now_utc = x->req->now_utc;
	q.person = person;
	if (days) {
		q.day_fn = export_days_collect;
		q.day_ud = days;
	}
	return kec_recompute_desa(x->w->st, &q, r, corr, err, cap);
}

int kecd_page_desa(struct kecd_ctx *x)
{
	struct kecd_desa_list one = {0};
	struct kecd_heads heads = {0};
	struct kecd_page p = {0};
	struct report *r = NULL;
	struct kecd_chart chart;
	struct kec_desa d;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], period[CIVIL_LABEL_MAX], err[256];
	char base[KECD_SEG_MAX * 3 + 16], title[256];
	pd_day_t first, last;
	uint32_t corr = 0;
	int rc;

	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	rc = kecd_desa_get(x, &d);
	if (rc)
		return rc;
	civil_period_label(kind, first, period, sizeof(period));
	one.n = 1;
	one.d = &d;
	rc = kecd_heads_read(x->w->st, x->kec.id, &heads);
	if (rc == 0)
		rc = trend(x, &one, &heads, kind, first, last, &chart);
	kecd_heads_free(&heads);
	if (rc)
		return rc;
	rc = recompute(x, &d, kind, first, last, NULL, NULL, &r, &corr, err,
		       sizeof(err));
	if (rc == -ENOMEM || rc == -EIO || rc == -EBUSY)
		return rc;
	snprintf(title, sizeof(title), "%s · %s", d.name, label);
	if (kecd_page_open(&p, &x->who, title, x->kec.id, x->kec.name,
			   KECD_NAV_REKAP)) {
		report_free(r);
		return -ENOMEM;
	}
	fprintf(p.fp,
		"<p class=\"kecil\"><a href=\"/k/%" PRId64 "/rekap?periode=",
		x->kec.id);
	kecd_u(p.fp, period);
	fputs("\">‹ Semua desa</a></p><h1>Desa ", p.fp);
	kecd_h(p.fp, d.name);
	fputs(" <span class=\"kecil\">", p.fp);
	kecd_h(p.fp, label);
	fputs("</span></h1>", p.fp);
	{
		FILE *b = fmemopen(base, sizeof(base), "w");

		if (b) {
			fputs("/desa/", b);
			kecd_u(b, d.id);
			fclose(b);
		} else {
			base[0] = '\0';
		}
	}
	period_bar(p.fp, x, base, kind, first);
	if (rc) {
		kecd_msg(p.fp, "galat", err);
		goto done;
	}
	downloads(p.fp, x, base, period);
	if (corr) {
		char text[160];

		snprintf(text, sizeof(text),
			 "%u baris mengoreksi bulan yang sudah ditutup "
			 "(koreksi setelah tutup buku).",
			 corr);
		kecd_msg(p.fp, "info", text);
	}
	fputs("<div class=\"gulir\"><table id=\"rekap-orang\">", p.fp);
	rekap_head(p.fp, true);
	fputs("<tbody>", p.fp);
	for (size_t i = 0; i < r->npeople; i++) {
		const struct report_person *rp = &r->people[i];

		fprintf(p.fp,
			"<tr><td class=\"n\">%zu</td><td><a href=\"/k/%" PRId64
			"/desa/",
			i + 1, x->kec.id);
		kecd_u(p.fp, d.id);
		fputs("/orang/", p.fp);
		kecd_u(p.fp, rp->p.id);
		fputs("?periode=", p.fp);
		kecd_u(p.fp, period);
		fputs("\">", p.fp);
		kecd_h(p.fp, rp->p.name);
		fputs("</a></td><td>", p.fp);
		kecd_h(p.fp, rp->p.jabatan);
		fputs("</td>", p.fp);
		rekap_cells(p.fp, &rp->r);
		fprintf(p.fp, "<td class=\"n\">%u/%u/%u/%u/%u</td></tr>",
			rp->r.excuse[EXCUSE_I], rp->r.excuse[EXCUSE_S],
			rp->r.excuse[EXCUSE_C], rp->r.excuse[EXCUSE_DL],
			rp->r.excuse[EXCUSE_AR]);
	}
	fputs("</tbody><tfoot><tr><td></td><td>Desa</td><td></td>", p.fp);
	rekap_cells(p.fp, &r->total);
	fprintf(p.fp,
		"<td class=\"n\">%u/%u/%u/%u/%u</td></tr></tfoot>"
		"</table></div>",
		r->total.excuse[EXCUSE_I], r->total.excuse[EXCUSE_S],
		r->total.excuse[EXCUSE_C], r->total.excuse[EXCUSE_DL],
		r->total.excuse[EXCUSE_AR]);
	fputs("<h2>Indikator desa</h2>", p.fp);
	indicators(p.fp, &r->total, NULL);
	kecd_chart_svg(p.fp, &chart,
		       kind == CIVIL_PERIOD_MONTH
			       ? "Tren per bulan (enam bulan terakhir)"
			       : "Tren per bulan");
	fputs("<p class=\"kecil\">Jam kerja: ", p.fp);
	for (int i = 0; i < r->nprofiles; i++) {
		if (i)
			fputs("; ", p.fp);
		kecd_h(p.fp, r->profiles[i].name);
		fprintf(p.fp, " (versi %.8s)", r->profiles[i].version);
	}
	if (!r->nprofiles)
		fputs("–", p.fp);
	fprintf(p.fp, ". Ledger sampai baris %" PRId64 ".</p>", r->ledger_seq);
done:
	report_free(r);
	return kecd_page_finish(&p, x->req, x->resp, 200);
}

/* ---- one person ---- */

struct person_rows {
	const char *person;
	size_t n, cap;
	struct kec_punch *p;
	size_t ne;
	struct excuse e[64];
	int64_t revoked[64];
	size_t nr;
	pd_day_t first, last;
};

static int take_punch(void *ud, const struct kec_punch *p)
{
	struct person_rows *x = ud;

	if (strcmp(p->person, x->person) != 0)
		return 0;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 128;
		struct kec_punch *np = reallocarray(x->p, nc, sizeof(*np));

		if (!np)
			return -ENOMEM;
		x->p = np;
		x->cap = nc;
	}
	x->p[x->n++] = *p;
	return 0;
}

static int take_fact(void *ud, int64_t dev, const struct ledger_row *r)
{
	struct person_rows *x = ud;
	struct ledger_fact f;

	(void)dev;
	if (ledger_decode(r, &f, NULL, 0) != 0)
		return 0;
	if (f.kind == LEDGER_FACT_REVOKE && x->nr < 64)
		x->revoked[x->nr++] = f.u.revoke.excuse;
	if (f.kind != LEDGER_FACT_EXCUSE || strcmp(r->person, x->person) ||
	    f.u.excuse.to_day < x->first || f.u.excuse.from_day > x->last ||
	    x->ne == 64)
		return 0;
	x->e[x->ne] = f.u.excuse;
	x->e[x->ne].id = r->seq;
	x->ne++;
	return 0;
}

static void excuse_line(FILE *fp, const struct person_rows *pr, pd_day_t day)
{
	for (size_t i = 0; i < pr->ne; i++) {
		const struct excuse *e = &pr->e[i];
		bool revoked = false;

		if (day < e->from_day || day > e->to_day)
			continue;
		for (size_t j = 0; j < pr->nr; j++)
			revoked |= pr->revoked[j] == e->id;
		fputs("<div class=\"kecil\">", fp);
		kecd_h(fp, e->kind);
		if (e->part[0]) {
			fputs(" (", fp);
			kecd_h(fp, e->part);
			fputs(")", fp);
		}
		fputs(": ", fp);
		kecd_h(fp, e->reason);
		if (e->document[0]) {
			fputs(" · ", fp);
			kecd_h(fp, e->document);
		}
		if (revoked)
			fputs(" <span class=\"lencana absen\">dicabut</span>",
			      fp);
		fputs("</div>", fp);
	}
}

int kecd_page_person(struct kecd_ctx *x)
{
	struct export_days days = {0};
	struct person_rows pr;
	struct kecd_page p = {0};
	struct report *r = NULL;
	struct kec_desa d;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], period[CIVIL_LABEL_MAX], err[256];
	char title[200], date[CIVIL_DATE_LEN];
	pd_day_t first, last;
	size_t k = 0;
	int rc;

	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	rc = kecd_desa_get(x, &d);
	if (rc)
		return rc;
	civil_period_label(kind, first, period, sizeof(period));
	rc = recompute(x, &d, kind, first, last, x->person, &days, &r, NULL,
		       err, sizeof(err));
	if (rc == 0 && r->npeople == 0)
		rc = -ENOENT;
	if (rc) {
		report_free(r);
		export_days_free(&days);
		return rc == -ENOMEM || rc == -EIO || rc == -EBUSY ? rc
								   : -ENOENT;
	}
	memset(&pr, 0, sizeof(pr));
	pr.person = x->person;
	pr.first = first;
	pr.last = last;
	rc = kec_store_punch_scan(x->w->st, x->kec.id, d.id, first, last, NULL,
				  take_punch, &pr);
	if (rc == 0)
		rc = kec_store_facts_each(x->w->st, x->kec.id, d.id, NULL,
					  take_fact, &pr);
	snprintf(title, sizeof(title), "%s · %s", r->people[0].p.name, label);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, title, x->kec.id, x->kec.name,
				    KECD_NAV_REKAP);
	if (rc)
		goto out;
	fprintf(p.fp, "<p class=\"kecil\"><a href=\"/k/%" PRId64 "/desa/",
		x->kec.id);
	kecd_u(p.fp, d.id);
	fputs("?periode=", p.fp);
	kecd_u(p.fp, period);
	fputs("\">‹ Desa ", p.fp);
	kecd_h(p.fp, d.name);
	fputs("</a></p><h1>", p.fp);
	kecd_h(p.fp, r->people[0].p.name);
	fputs(" <span class=\"kecil\">", p.fp);
	kecd_h(p.fp, r->people[0].p.jabatan);
	fputs(" · ", p.fp);
	kecd_h(p.fp, label);
	fputs("</span></h1>", p.fp);
	indicators(p.fp, &r->people[0].r, NULL);
	fputs("<h2>Hari demi hari</h2><div class=\"gulir\"><table id=\"hari\">"
	      "<thead><tr><th>Tanggal</th><th>Status</th><th>Masuk</th>"
	      "<th>Pulang</th><th>Semua presensi</th><th>Keterangan</th>"
	      "</tr></thead><tbody>",
	      p.fp);
	for (size_t i = 0; i < days.n; i++) {
		const struct export_day *e = &days.d[i];

		if (e->v.status == VERDICT_INACTIVE)
			continue;
		civil_date_format(e->v.day, date);
		fputs("<tr><td>", p.fp);
		kecd_h(p.fp, civil_weekday_name_id(civil_weekday(e->v.day)));
		fputs(" ", p.fp);
		kecd_h(p.fp, date);
		fputs("</td><td>", p.fp);
		kecd_verdict_badge(p.fp, &e->v);
		if (e->holiday[0]) {
			fputs("<br><span class=\"kecil\">", p.fp);
			kecd_h(p.fp, e->holiday);
			fputs("</span>", p.fp);
		}
		fputs("</td><td>", p.fp);
		kecd_hhmm(p.fp, e->v.masuk_sec);
		fputs("</td><td>", p.fp);
		kecd_hhmm(p.fp, e->v.pulang_sec);
		fputs("</td><td>", p.fp);
		while (k < pr.n && pr.p[k].day < e->v.day)
			k++;
		for (size_t j = k; j < pr.n && pr.p[j].day == e->v.day; j++) {
			char fl[RECORDS_FLAGS_MAX];

			records_flags_format(pr.p[j].flags, RECORDS_FLAG_WORD,
					     ' ', fl);
			kecd_hhmm(p.fp, pr.p[j].sec);
			fprintf(p.fp, ":%02d", pr.p[j].sec % 60);
			if (fl[0]) {
				fputs(" <span class=\"kecil\">", p.fp);
				kecd_h(p.fp, fl);
				fputs("</span>", p.fp);
			}
			fputs("<br>", p.fp);
		}
		fputs("</td><td class=\"teks\">", p.fp);
		excuse_line(p.fp, &pr, e->v.day);
		fputs("</td></tr>", p.fp);
	}
	fputs("</tbody></table></div>", p.fp);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	kecd_page_abort(&p);
	free(pr.p);
	report_free(r);
	export_days_free(&days);
	return rc;
}

/* ---- downloads ---- */

/* Runs the XLSX writer into a temporary file and reads it back. */
static int xlsx_bytes(struct kecd_ctx *x, const struct report *r,
		      const struct export_opts *eo, const struct kecrekap *k,
		      char **out, size_t *len)
{
	char path[KECD_PATH_MAX + 32], err[256];
	struct stat sb;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/kecamatand-XXXXXX.xlsx",
		 x->w->k->conf.tmp_dir);
	fd = mkstemps(path, 5);
	if (fd < 0)
		return -errno;
	close(fd);
	rc = r ? export_xlsx(path, r, eo, err, sizeof(err))
	       : kecrekap_xlsx(path, k, err, sizeof(err));
	if (rc) {
		log_warnx("xlsx: %s", err);
		unlink(path);
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0 || !(*out = malloc((size_t)sb.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	*len = 0;
	while (*len < (size_t)sb.st_size) {
		ssize_t n = read(fd, *out + *len, (size_t)sb.st_size - *len);

		if (n <= 0) {
			close(fd);
			free(*out);
			return -EIO;
		}
		*len += (size_t)n;
	}
	close(fd);
	return 0;
}

static int send_file(struct kecd_ctx *x, char *body, size_t len,
		     const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{"csv", "text/csv; charset=utf-8"},
		{"html", "text/html; charset=utf-8"},
		{"xlsx", "application/vnd.openxmlformats-officedocument."
			 "spreadsheetml.sheet"},
	};

	for (size_t i = 0; i < 3; i++)
		if (strcmp(x->ext, types[i].ext) == 0)
			snprintf(x->resp->content_type,
				 sizeof(x->resp->content_type), "%s",
				 types[i].type);
	kecd_page_headers(x->req, x->resp);
	if (strcmp(x->ext, "html") != 0)
		(void)kecd_resp_header(x->resp, "Content-Disposition",
				       "attachment; filename=\"%s.%s\"", name,
				       x->ext);
	free(x->resp->body);
	x->resp->body = body;
	x->resp->len = len;
	x->resp->status = 200;
	return 0;
}

/* A file name of letters, digits and '-' only. */
static void safe_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '-'))
			*s = '-';
}

int kecd_download_rekap(struct kecd_ctx *x)
{
	struct kecd_heads heads = {0};
	struct kecrekap *k = NULL;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], name[256], *body = NULL;
	pd_day_t first, last;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	rc = kecd_heads_read(x->w->st, x->kec.id, &heads);
	if (rc == 0)
		rc = build_kec(x, &heads, kind, first, last, &k);
	kecd_heads_free(&heads);
	if (rc)
		return rc;
	civil_period_label(kind, first, label, sizeof(label));
	snprintf(name, sizeof(name), "rekap-%s-%s", x->kec.name, label);
	safe_name(name);
	if (strcmp(x->ext, "xlsx") == 0) {
		rc = xlsx_bytes(x, NULL, NULL, k, &body, &len);
	} else {
		fp = open_memstream(&body, &len);
		if (!fp) {
			rc = -ENOMEM;
		} else {
			rc = strcmp(x->ext, "csv") == 0 ? kecrekap_csv(fp, k)
							: kecrekap_html(fp, k);
			if (fclose(fp) != 0 && !rc)
				rc = -ENOMEM;
		}
	}
	kecrekap_free(k);
	if (rc) {
		free(body);
		return rc;
	}
	return send_file(x, body, len, name);
}

int kecd_download_desa(struct kecd_ctx *x)
{
	struct export_days days = {0};
	struct export_opts eo = {&days, NULL};
	struct report *r = NULL;
	struct kec_desa d;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], name[256], err[256], *body = NULL;
	pd_day_t first, last;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	rc = kecd_desa_get(x, &d);
	if (rc == 0)
		rc = recompute(x, &d, kind, first, last, NULL, &days, &r, NULL,
			       err, sizeof(err));
	if (rc) {
		export_days_free(&days);
		if (rc == -EINVAL || rc == -ENOENT)
			return kecd_error_page(x, 409,
					       "Rekap tidak dapat dibuat", err);
		return rc;
	}
	civil_period_label(kind, first, label, sizeof(label));
	snprintf(name, sizeof(name), "rekap-%s-%s", d.id, label);
	safe_name(name);
	if (strcmp(x->ext, "xlsx") == 0) {
		rc = xlsx_bytes(x, r, &eo, NULL, &body, &len);
	} else {
		fp = open_memstream(&body, &len);
		if (!fp) {
			rc = -ENOMEM;
		} else {
			rc = strcmp(x->ext, "csv") == 0
				     ? export_csv(fp, r, &eo)
				     : export_html(fp, r, &eo);
			if (fclose(fp) != 0 && !rc)
				rc = -ENOMEM;
		}
	}
	report_free(r);
	export_days_free(&days);
	if (rc) {
		free(body);
		return rc;
	}
	return send_file(x, body, len, name);
}
