/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecrekap.c: the camat's rekap model, filled one recomputed desa report
 * at a time, with its pelaporan, anomalies and the people with the most
 * TL4 and TK days; and its text and CSV writers (the HTML page is in
 * kecrekap_html.c).  The kecamatan's store feeds it (daemon/kecamatan).
 */
#include "kecrekap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kecrekap_int.h"
#include "ledger.h"

/* ---- the model ---- */

int kecrekap_new(const struct kecrekap_opts *o, struct kecrekap **out)
{
	struct kecrekap *k;
	int y, m, d;

	if (o->kind != CIVIL_PERIOD_MONTH && o->kind != CIVIL_PERIOD_QUARTER &&
	    o->kind != CIVIL_PERIOD_YEAR)
		return -EINVAL;
	if (o->last < o->first)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->kind = o->kind;
	k->first = o->first;
	k->last = o->last;
	k->today = o->today;
	k->built_utc = o->now_utc;
	k->offset_min = o->offset_min;
	snprintf(k->kecamatan, sizeof(k->kecamatan), "%s",
		 o->kecamatan ? o->kecamatan : "");
	snprintf(k->kabupaten, sizeof(k->kabupaten), "%s",
		 o->kabupaten ? o->kabupaten : "");
	civil_period_label_id(o->kind, o->first, k->label, sizeof(k->label));
	civil_period_label(o->kind, o->first, k->label_id, sizeof(k->label_id));
	rekap_init(&k->total);
	k->deadline_mday =
		o->deadline_mday ? o->deadline_mday : REKAP_DEADLINE_MDAY;
	civil_to_ymd(o->first, &y, &m, &d);
	for (pd_day_t day = civil_from_ymd(y, m, 1);
	     day <= o->last && k->nmonths < KECREKAP_MONTHS_MAX;) {
		int i = k->nmonths++;
		int mday = k->deadline_mday;

		k->month[i] = day;
		k->deadline[i] = pelaporan_deadline_day(day, mday, o->office);
		k->deadline_utc[i] = pelaporan_deadline_utc(
			day, mday, o->office, o->offset_min);
		civil_to_ymd(day, &y, &m, &d);
		day += civil_days_in_month(y, m);
	}
	*out = k;
	return 0;
}

void kecrekap_free(struct kecrekap *k)
{
	if (!k)
		return;
	free(k->desa);
	free(k);
}

/* a * 100 > pct * b, in integers */
static bool above_pct(uint64_t a, uint64_t b, uint64_t pct)
{
	return a * 100 > pct * b;
}

static unsigned int judge(const struct kecrekap_desa *d)
{
	const struct rekap *r = &d->r;
	unsigned int a = 0;

	if (d->error[0])
		return KECREKAP_A_ERROR;
	if (r->punches &&
	    above_pct(r->punches_manual, r->punches, KECREKAP_MANUAL_PCT))
		a |= KECREKAP_A_MANUAL;
	if (r->hari_kerja_efektif &&
	    above_pct(r->excuse[EXCUSE_AR], r->hari_kerja_efektif,
		      KECREKAP_AR_PCT))
		a |= KECREKAP_A_AR;
	if (r->punches_untrusted >= KECREKAP_UNTRUSTED_ANY)
		a |= KECREKAP_A_UNTRUSTED;
	if (d->silent_run >= KECREKAP_SILENT_DAYS)
		a |= KECREKAP_A_SILENT;
	if (d->mismatch[0])
		a |= KECREKAP_A_MISMATCH;
	if (d->corrections)
		a |= KECREKAP_A_KOREKSI;
	return a;
}

/* Orders the top list: TL4 + TK, then TK, then desa and person id. */
static int cmp_top(const struct kecrekap_person *x,
		   const struct kecrekap_person *y)
{
	uint32_t sx = x->tl4 + x->tk, sy = y->tl4 + y->tk;
	int c;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->tk != y->tk)
		return x->tk > y->tk ? -1 : 1;
	c = strcmp(x->desa_id, y->desa_id);
	return c ? c : strcmp(x->id, y->id);
}

static void keep_top(struct kecrekap *k, const struct kecrekap_desa *d,
		     const struct report_person *rp)
{
	struct kecrekap_person p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.tl4 = rp->r.tl[VERDICT_BAND_MAX].count;
	p.tk = rp->r.tk;
	if (p.tl4 + p.tk == 0)
		return;
	memcpy(p.desa_id, d->id, sizeof(p.desa_id));
	memcpy(p.desa_name, d->name, sizeof(p.desa_name));
	memcpy(p.id, rp->p.id, sizeof(p.id));
	memcpy(p.name, rp->p.name, sizeof(p.name));
	memcpy(p.jabatan, rp->p.jabatan, sizeof(p.jabatan));
	for (i = k->ntop; i > 0 && cmp_top(&p, &k->top[i - 1]) < 0; i--)
		if (i < KECREKAP_TOP_MAX)
			k->top[i] = k->top[i - 1];
	if (i >= KECREKAP_TOP_MAX)
		return;
	k->top[i] = p;
	if (k->ntop < KECREKAP_TOP_MAX)
		k->ntop++;
}

int kecrekap_add(struct kecrekap *k, const struct report *r,
		 const struct kecrekap_extra *x)
{
	struct kecrekap_desa *d, *n;

	n = reallocarray(k->desa, k->ndesa + 1, sizeof(*k->desa));
	if (!n)
		return -ENOMEM;
	k->desa = n;
	d = &k->desa[k->ndesa++];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", x->id ? x->id : "");
	snprintf(d->name, sizeof(d->name), "%s", x->name ? x->name : "");
	rekap_init(&d->r);
	if (r && !x->error) {
		d->r = r->total;
		for (size_t i = 0; i < r->npeople; i++)
			if (r->people[i].any_active)
				d->people++;
	} else {
		snprintf(d->error, sizeof(d->error), "%s",
			 x->error ? x->error : "no report");
	}
	d->corrections = x->corrections;
	d->silent_run = x->silent_run;
	d->silent_from = x->silent_from;
	d->last_row_utc = x->last_row_utc;
	if (x->mismatch)
		snprintf(d->mismatch, sizeof(d->mismatch), "%s", x->mismatch);
	for (int i = 0; i < k->nmonths; i++) {
		d->received_utc[i] = x->received_utc[i];
		d->pel[i] =
			pelaporan_status(x->received_utc[i], k->deadline_utc[i],
					 k->built_utc, x->registered_utc);
		if (pelaporan_counted(d->pel[i]))
			k->pel_due++;
		if (d->pel[i] == PELAPORAN_TEPAT)
			k->pel_on_time++;
	}
	d->anomalies = judge(d);
	rekap_merge(&k->total, &d->r);
	k->people += d->people;
	k->corrections += d->corrections;
	for (size_t i = 0; r && !x->error && i < r->npeople; i++)
		keep_top(k, d, &r->people[i]);
	return 0;
}

void kecrekap_pelaporan(const struct kecrekap *k, struct rekap_ratio *out)
{
	rekap_pelaporan(k->pel_on_time, k->pel_due, out);
}

void kecrekap_desa_pelaporan(const struct kecrekap *k,
			     const struct kecrekap_desa *d,
			     struct rekap_ratio *out)
{
	out->num = out->den = 0;
	for (int i = 0; i < k->nmonths; i++) {
		out->den += pelaporan_counted(d->pel[i]);
		out->num += d->pel[i] == PELAPORAN_TEPAT;
	}
}

/* ---- anomalies ---- */

static const struct {
	unsigned int bit;
	const char *code;
} anomaly_codes[KECREKAP_ANOMALIES] = {
	{KECREKAP_A_MANUAL, "manual"},
	{KECREKAP_A_AR, "alat-rusak"},
	{KECREKAP_A_UNTRUSTED, "jam-tak-tepercaya"},
	{KECREKAP_A_SILENT, "diam"},
	{KECREKAP_A_MISMATCH, "rekap-beda"},
	{KECREKAP_A_KOREKSI, "koreksi"},
	{KECREKAP_A_ERROR, "galat"},
};

const char *kecrekap_anomaly_code(unsigned int bit)
{
	for (int i = 0; i < KECREKAP_ANOMALIES; i++)
		if (anomaly_codes[i].bit == bit)
			return anomaly_codes[i].code;
	return "";
}

unsigned int kecrekap_anomaly_bit(int i)
{
	return i >= 0 && i < KECREKAP_ANOMALIES ? anomaly_codes[i].bit : 0;
}

static void pct(uint64_t num, uint64_t den, char buf[REKAP_PCT_MAX])
{
	struct rekap_ratio q = {num, den};

	if (rekap_percent_format(&q, ',', buf, REKAP_PCT_MAX) < 0)
		buf[0] = '\0';
}

void kecrekap_anomaly_text(const struct kecrekap_desa *d, unsigned int bit,
			   char *buf, size_t cap)
{
	const struct rekap *r = &d->r;
	char p[REKAP_PCT_MAX], day[CIVIL_DATE_LEN];

	switch (bit) {
	case KECREKAP_A_MANUAL:
		pct(r->punches_manual, r->punches, p);
		snprintf(buf, cap,
			 "presensi manual %u dari %u (%s %%), di atas %d %%",
			 r->punches_manual, r->punches, p, KECREKAP_MANUAL_PCT);
		break;
	case KECREKAP_A_AR:
		pct(r->excuse[EXCUSE_AR], r->hari_kerja_efektif, p);
		snprintf(buf, cap,
			 "hari alat rusak %u dari %u hari kerja efektif "
			 "(%s %%), di atas %d %%",
			 r->excuse[EXCUSE_AR], r->hari_kerja_efektif, p,
			 KECREKAP_AR_PCT);
		break;
	case KECREKAP_A_UNTRUSTED:
		snprintf(buf, cap,
			 "presensi dengan jam tak tepercaya: %u dari %u",
			 r->punches_untrusted, r->punches);
		break;
	case KECREKAP_A_SILENT:
		civil_date_format(d->silent_from, day);
		snprintf(buf, cap,
			 "alat diam %u hari kerja berturut-turut sejak %s",
			 d->silent_run, day);
		break;
	case KECREKAP_A_MISMATCH:
		snprintf(buf, cap,
			 "rekap.csv desa berbeda dari hitung ulang: %s",
			 d->mismatch);
		break;
	case KECREKAP_A_KOREKSI:
		snprintf(buf, cap, "%u baris koreksi setelah tutup buku",
			 d->corrections);
		break;
	case KECREKAP_A_ERROR:
		snprintf(buf, cap, "tidak dapat dihitung ulang: %s", d->error);
		break;
	default:
		snprintf(buf, cap, "%s", "");
		break;
	}
}

/* ---- silence ---- */

void kecrekap_silence_init(struct kecrekap_silence *s, pd_day_t first,
			   pd_day_t last)
{
	memset(s, 0, sizeof(*s));
	s->first = first;
	s->ndays = last - first + 1;
	if (s->ndays > REPORT_DAYS_MAX)
		s->ndays = REPORT_DAYS_MAX;
	if (s->ndays < 0)
		s->ndays = 0;
}

int kecrekap_silence_day(void *ud, const struct report_day *d)
{
	struct kecrekap_silence *s = ud;
	const struct verdict *v = d->v;
	int i = v->day - s->first;

	if (i < 0 || i >= s->ndays)
		return 0;
	if (v->efektif && !v->provisional)
		s->working[i] = true;
	/* suppressed taps are reader punches too: the box was alive */
	if (v->n_accepted - v->n_manual + v->n_suppressed > 0)
		s->heard[i] = true;
	return 0;
}

void kecrekap_silence_longest(const struct kecrekap_silence *s, uint32_t *run,
			      pd_day_t *from)
{
	uint32_t best = 0, cur = 0;
	pd_day_t best_from = 0, cur_from = 0;

	for (int i = 0; i < s->ndays; i++) {
		if (!s->working[i])
			continue;
		if (s->heard[i]) {
			cur = 0;
			continue;
		}
		if (cur++ == 0)
			cur_from = s->first + i;
		if (cur > best) {
			best = cur;
			best_from = cur_from;
		}
	}
	*run = best;
	*from = best_from;
}

/* ---- shared output helpers ---- */

const struct kecrekap_col kecrekap_cols[] = {
	{"hari_kerja_efektif", "HKE",
	 offsetof(struct rekap, hari_kerja_efektif)},
	{"hadir", "Hadir", offsetof(struct rekap, hadir)},
	{"hari_presensi", "Pres", offsetof(struct rekap, days_punched)},
	{"tepat_waktu", "Tepat", offsetof(struct rekap, tepat_waktu)},
	{"dengan_pulang", "Plg", offsetof(struct rekap, with_pulang)},
	{"tl1", "TL1", offsetof(struct rekap, tl[1].count)},
	{"tl1_menit", "", offsetof(struct rekap, tl[1].minutes)},
	{"tl2", "TL2", offsetof(struct rekap, tl[2].count)},
	{"tl2_menit", "", offsetof(struct rekap, tl[2].minutes)},
	{"tl3", "TL3", offsetof(struct rekap, tl[3].count)},
	{"tl3_menit", "", offsetof(struct rekap, tl[3].minutes)},
	{"tl4", "TL4", offsetof(struct rekap, tl[4].count)},
	{"tl4_menit", "", offsetof(struct rekap, tl[4].minutes)},
	{"tidak_absen_masuk", "", offsetof(struct rekap, no_masuk)},
	{"psw1", "PSW1", offsetof(struct rekap, psw[1].count)},
	{"psw1_menit", "", offsetof(struct rekap, psw[1].minutes)},
	{"psw2", "PSW2", offsetof(struct rekap, psw[2].count)},
	{"psw2_menit", "", offsetof(struct rekap, psw[2].minutes)},
	{"psw3", "PSW3", offsetof(struct rekap, psw[3].count)},
	{"psw3_menit", "", offsetof(struct rekap, psw[3].minutes)},
	{"psw4", "PSW4", offsetof(struct rekap, psw[4].count)},
	{"psw4_menit", "", offsetof(struct rekap, psw[4].minutes)},
	{"tidak_absen_pulang", "", offsetof(struct rekap, no_pulang)},
	{"tk", "TK", offsetof(struct rekap, tk)},
	{"izin", "I", offsetof(struct rekap, excuse[EXCUSE_I])},
	{"sakit", "S", offsetof(struct rekap, excuse[EXCUSE_S])},
	{"cuti", "C", offsetof(struct rekap, excuse[EXCUSE_C])},
	{"dinas_luar", "DL", offsetof(struct rekap, excuse[EXCUSE_DL])},
	{"alat_rusak", "AR", offsetof(struct rekap, excuse[EXCUSE_AR])},
	{"presensi", "", offsetof(struct rekap, punches)},
	{"presensi_manual", "Man", offsetof(struct rekap, punches_manual)},
	{"presensi_tak_tepercaya", "TT",
	 offsetof(struct rekap, punches_untrusted)},
};
const size_t kecrekap_ncols = sizeof(kecrekap_cols) / sizeof(kecrekap_cols[0]);

uint32_t kecrekap_col_get(const struct kecrekap_col *c, const struct rekap *r)
{
	uint32_t v;

	memcpy(&v, (const char *)r + c->off, sizeof(v));
	return v;
}

const char *const kecrekap_ind_csv[REKAP_INDICATORS] = {
	"kehadiran",
	"tepat_waktu",
	"absen_pulang",
	"kualitas_data",
};

void kecrekap_stamp(const struct kecrekap *k, int64_t utc,
		    char buf[KECREKAP_STAMP_MAX])
{
	char local[CIVIL_LOCAL_LEN];
	const char *tz = civil_tz_abbrev(k->offset_min);

	civil_local_format(utc, k->offset_min, local);
	snprintf(buf, KECREKAP_STAMP_MAX, "%s %s", local, tz ? tz : "");
}

/* ---- CSV ---- */

static void csv_field(FILE *fp, const char *s, bool first)
{
	if (!first)
		fputc(',', fp);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void csv_ratio(FILE *fp, const struct rekap_ratio *q)
{
	char p[REKAP_PCT_MAX];

	if (rekap_percent_format(q, '.', p, sizeof(p)) < 0 || !q->den)
		p[0] = '\0';
	fprintf(fp, ",%" PRIu64 ",%" PRIu64, q->num, q->den);
	csv_field(fp, p, false);
}

static void csv_row(FILE *fp, const struct kecrekap *k, const char *id,
		    const char *name, uint32_t people, const struct rekap *r,
		    uint32_t corrections, const struct kecrekap_desa *d)
{
	char first[CIVIL_DATE_LEN], last[CIVIL_DATE_LEN], iso[21];
	char buf[KECREKAP_NOTE_MAX * 2];
	struct rekap_ratio q;
	size_t n = 0;

	civil_date_format(k->first, first);
	civil_date_format(k->last, last);
	csv_field(fp, k->label_id, true);
	csv_field(fp, first, false);
	csv_field(fp, last, false);
	csv_field(fp, k->kecamatan, false);
	csv_field(fp, id, false);
	csv_field(fp, name, false);
	fprintf(fp, ",%u", people);
	for (size_t i = 0; i < kecrekap_ncols; i++)
		fprintf(fp, ",%u", kecrekap_col_get(&kecrekap_cols[i], r));
	fprintf(fp, ",%u", corrections);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		rekap_indicator(r, (enum rekap_indicator)i, &q);
		csv_ratio(fp, &q);
	}
	if (d)
		kecrekap_desa_pelaporan(k, d, &q);
	else
		kecrekap_pelaporan(k, &q);
	csv_ratio(fp, &q);
	/* per month of the period: status and receive time, '|' between */
	buf[0] = '\0';
	for (int i = 0; d && i < k->nmonths; i++)
		n += (size_t)snprintf(
			buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
			i ? "|" : "", pelaporan_code(d->pel[i]));
	csv_field(fp, buf, false);
	buf[0] = '\0';
	n = 0;
	for (int i = 0; d && i < k->nmonths; i++) {
		ledger_iso_utc(d->received_utc[i], iso);
		n += (size_t)snprintf(buf + n,
				      n < sizeof(buf) ? sizeof(buf) - n : 0,
				      "%s%s", i ? "|" : "", iso);
	}
	csv_field(fp, k->nmonths > 1 || (d && d->received_utc[0]) ? buf : "",
		  false);
	buf[0] = '\0';
	n = 0;
	for (int i = 0; d && i < KECREKAP_ANOMALIES; i++)
		if (d->anomalies & anomaly_codes[i].bit)
			n += (size_t)snprintf(
				buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0,
				"%s%s", n ? "|" : "", anomaly_codes[i].code);
	csv_field(fp, buf, false);
	csv_field(fp, d ? (d->error[0] ? d->error : d->mismatch) : "", false);
	fputs("\r\n", fp);
}

int kecrekap_stream_result(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp))
		return -EIO;
	return 0;
}

int kecrekap_csv(FILE *fp, const struct kecrekap *k)
{
	fputs("periode,dari,sampai,kecamatan,desa,nama_desa,orang", fp);
	for (size_t i = 0; i < kecrekap_ncols; i++)
		fprintf(fp, ",%s", kecrekap_cols[i].csv);
	fputs(",koreksi_setelah_tutup_buku", fp);
	for (int i = 0; i < REKAP_INDICATORS; i++)
		fprintf(fp, ",%s_pembilang,%s_penyebut,%s_persen",
			kecrekap_ind_csv[i], kecrekap_ind_csv[i],
			kecrekap_ind_csv[i]);
	fputs(",pelaporan_pembilang,pelaporan_penyebut,pelaporan_persen,"
	      "pelaporan,diterima_utc,anomali,catatan\r\n",
	      fp);
	for (size_t i = 0; i < k->ndesa; i++) {
		const struct kecrekap_desa *d = &k->desa[i];

		csv_row(fp, k, d->id, d->name, d->people, &d->r, d->corrections,
			d);
	}
	csv_row(fp, k, "TOTAL", "Total kecamatan", k->people, &k->total,
		k->corrections, NULL);
	return kecrekap_stream_result(fp);
}

/* ---- text ---- */

#define W_ID   11
#define W_DESA 16

/* Writes s in exactly width characters (UTF-8), cut with "~" or padded. */
static void cell(FILE *fp, const char *s, int width, bool right)
{
	int chars = 0, keep;
	const char *p;

	for (p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars > width) {
		keep = width - 1;
		for (p = s; *p; p++) {
			if (((unsigned char)*p & 0xC0) != 0x80 && keep-- == 0)
				break;
			fputc(*p, fp);
		}
		fputc('~', fp);
		return;
	}
	if (right)
		fprintf(fp, "%*s", width - chars, "");
	fputs(s, fp);
	if (!right)
		fprintf(fp, "%*s", width - chars, "");
}

/* Writes s, cut to width characters with "~" when longer; no padding. */
static void cut(FILE *fp, const char *s, int width)
{
	int chars = 0;

	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars > width)
		cell(fp, s, width, false);
	else
		fputs(s, fp);
}

static void num(FILE *fp, uint32_t v, int width)
{
	fprintf(fp, " %*u", width - 1, v);
}

static const struct {
	const char *label;
	size_t off;
	int width;
} table1[] = {
	{"HKE", offsetof(struct rekap, hari_kerja_efektif), 5},
	{"Hadir", offsetof(struct rekap, hadir), 6},
	{"Tepat", offsetof(struct rekap, tepat_waktu), 6},
	{"TL1", offsetof(struct rekap, tl[1].count), 4},
	{"TL2", offsetof(struct rekap, tl[2].count), 4},
	{"TL3", offsetof(struct rekap, tl[3].count), 4},
	{"TL4", offsetof(struct rekap, tl[4].count), 4},
	{"PSW1", offsetof(struct rekap, psw[1].count), 5},
	{"PSW2", offsetof(struct rekap, psw[2].count), 5},
	{"PSW3", offsetof(struct rekap, psw[3].count), 5},
	{"PSW4", offsetof(struct rekap, psw[4].count), 5},
	{"TK", offsetof(struct rekap, tk), 4},
};

static const struct {
	const char *label;
	size_t off;
	int width;
} table2[] = {
	{"I", offsetof(struct rekap, excuse[EXCUSE_I]), 4},
	{"S", offsetof(struct rekap, excuse[EXCUSE_S]), 4},
	{"C", offsetof(struct rekap, excuse[EXCUSE_C]), 4},
	{"DL", offsetof(struct rekap, excuse[EXCUSE_DL]), 4},
	{"AR", offsetof(struct rekap, excuse[EXCUSE_AR]), 4},
	{"Pres", offsetof(struct rekap, punches), 6},
	{"Man", offsetof(struct rekap, punches_manual), 5},
	{"TT", offsetof(struct rekap, punches_untrusted), 5},
};

static uint32_t field(const struct rekap *r, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)r + off, sizeof(v));
	return v;
}

static uint32_t minutes(const struct rekap_band *b)
{
	uint32_t m = 0;

	for (int i = 1; i <= VERDICT_BAND_MAX; i++)
		m += b[i].minutes;
	return m;
}

static void text_rows(FILE *fp, const struct kecrekap *k, int which)
{
	for (size_t i = 0; i <= k->ndesa; i++) {
		const struct kecrekap_desa *d =
			i < k->ndesa ? &k->desa[i] : NULL;
		const struct rekap *r = d ? &d->r : &k->total;

		cell(fp, d ? d->id : "TOTAL", W_ID, false);
		fputc(' ', fp);
		cell(fp, d ? d->name : "Kecamatan", W_DESA, false);
		if (which == 1) {
			num(fp, d ? d->people : k->people, 4);
			for (size_t c = 0; c < sizeof(table1) / sizeof(*table1);
			     c++)
				num(fp, field(r, table1[c].off),
				    table1[c].width);
		} else {
			for (size_t c = 0; c < sizeof(table2) / sizeof(*table2);
			     c++)
				num(fp, field(r, table2[c].off),
				    table2[c].width);
			num(fp, d ? d->corrections : k->corrections, 5);
			num(fp, minutes(r->tl), 8);
			num(fp, minutes(r->psw), 8);
		}
		if (d && d->error[0])
			fputs("  galat", fp);
		fputc('\n', fp);
	}
}

static void text_header(FILE *fp, int which)
{
	cell(fp, "ID", W_ID, false);
	fputc(' ', fp);
	cell(fp, "Desa", W_DESA, false);
	if (which == 1) {
		fputc(' ', fp);
		cell(fp, "Org", 3, true);
		for (size_t c = 0; c < sizeof(table1) / sizeof(*table1); c++) {
			fputc(' ', fp);
			cell(fp, table1[c].label, table1[c].width - 1, true);
		}
	} else {
		for (size_t c = 0; c < sizeof(table2) / sizeof(*table2); c++) {
			fputc(' ', fp);
			cell(fp, table2[c].label, table2[c].width - 1, true);
		}
		fputs("  Kor  TL mnt PSW mnt", fp);
	}
	fputc('\n', fp);
}

/* " num/den pct %" right-aligned in 17 columns ("-" when undefined). */
static void ratio_cell(FILE *fp, const struct rekap_ratio *q)
{
	char p[REKAP_PCT_MAX], buf[64];

	if (!q->den) {
		fprintf(fp, " %16s", "-");
		return;
	}
	if (rekap_percent_format(q, ',', p, sizeof(p)) < 0)
		snprintf(p, sizeof(p), "-");
	snprintf(buf, sizeof(buf), "%" PRIu64 "/%" PRIu64 " %s %%", q->num,
		 q->den, p);
	fprintf(fp, " %16s", buf);
}

static void text_ratio(FILE *fp, const char *label, const char *formula,
		       const struct rekap_ratio *q)
{
	char p[REKAP_PCT_MAX];

	if (rekap_percent_format(q, ',', p, sizeof(p)) < 0)
		snprintf(p, sizeof(p), "-");
	fprintf(fp, "  %-26s %" PRIu64 " / %" PRIu64 " = %s%s\n", label, q->num,
		q->den, p, q->den ? " %" : "");
	fprintf(fp, "    %s\n", formula);
}

int kecrekap_text(FILE *fp, const struct kecrekap *k)
{
	char first[CIVIL_DATE_LEN], last[CIVIL_DATE_LEN];
	char stamp[KECREKAP_STAMP_MAX], line[KECREKAP_NOTE_MAX * 2];
	struct rekap_ratio q;
	bool any = false;

	civil_date_format(k->first, first);
	civil_date_format(k->last, last);
	kecrekap_stamp(k, k->built_utc, stamp);
	fprintf(fp, "REKAP PRESENSI PERANGKAT DESA - Kecamatan %s\n",
		k->kecamatan);
	if (k->kabupaten[0])
		fprintf(fp, "Kabupaten    : %s\n", k->kabupaten);
	fprintf(fp, "Periode      : %s (%s s.d. %s)\n", k->label, first, last);
	fprintf(fp, "Desa         : %zu, perangkat %u\n", k->ndesa, k->people);
	fprintf(fp, "Dibuat pada  : %s\n", stamp);
	fputs("Dihitung ulang dari baris ledger tiap desa dengan aturan yang "
	      "sama dengan alat.\n\n",
	      fp);

	fputs("Kehadiran dan disiplin per desa (hari)\n", fp);
	text_header(fp, 1);
	text_rows(fp, k, 1);
	fputs("\nKeterangan, presensi dan koreksi setelah tutup buku\n", fp);
	text_header(fp, 2);
	text_rows(fp, k, 2);

	fputs("\nIndikator per desa (pembilang/penyebut persen)\n", fp);
	cell(fp, "ID", W_ID, false);
	fputc(' ', fp);
	cell(fp, "Desa", W_DESA, false);
	fprintf(fp, " %16s %16s %16s %16s\n", "Kehadiran", "Tepat waktu",
		"Absen pulang", "Pelaporan");
	for (size_t i = 0; i <= k->ndesa; i++) {
		const struct kecrekap_desa *d =
			i < k->ndesa ? &k->desa[i] : NULL;
		static const enum rekap_indicator ind[] = {
			REKAP_KEHADIRAN, REKAP_TEPAT_WAKTU, REKAP_ABSEN_PULANG};

		cell(fp, d ? d->id : "TOTAL", W_ID, false);
		fputc(' ', fp);
		cell(fp, d ? d->name : "Kecamatan", W_DESA, false);
		for (size_t n = 0; n < 3; n++) {
			rekap_indicator(d ? &d->r : &k->total, ind[n], &q);
			ratio_cell(fp, &q);
		}
		if (d)
			kecrekap_desa_pelaporan(k, d, &q);
		else
			kecrekap_pelaporan(k, &q);
		ratio_cell(fp, &q);
		fputc('\n', fp);
	}

	fputs("\nIndikator kecamatan\n", fp);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		rekap_indicator(&k->total, (enum rekap_indicator)i, &q);
		text_ratio(fp, rekap_indicator_label((enum rekap_indicator)i),
			   rekap_indicator_formula((enum rekap_indicator)i),
			   &q);
	}
	kecrekap_pelaporan(k, &q);
	text_ratio(fp, rekap_pelaporan_label, rekap_pelaporan_formula, &q);

	for (int m = 0; m < k->nmonths; m++) {
		char label[CIVIL_LABEL_MAX], due[CIVIL_DATE_LEN];
		char unmoved[CIVIL_DATE_LEN];

		civil_period_label_id(CIVIL_PERIOD_MONTH, k->month[m], label,
				      sizeof(label));
		civil_date_format(k->deadline[m], due);
		civil_date_format(
			rekap_deadline(k->month[m], REKAP_DEADLINE_MDAY),
			unmoved);
		fprintf(fp, "\nKepatuhan pelaporan %s (batas %s 23:59:59",
			label, due);
		if (strcmp(due, unmoved) != 0)
			fprintf(fp, ", diundur dari %s", unmoved);
		fputs(")\n", fp);
		for (size_t i = 0; i < k->ndesa; i++) {
			const struct kecrekap_desa *d = &k->desa[i];

			fputs("  ", fp);
			cell(fp, d->id, W_ID, false);
			fputc(' ', fp);
			cell(fp, d->name, W_DESA, false);
			fputc(' ', fp);
			if (!d->received_utc[m]) {
				fputs(pelaporan_label(d->pel[m]), fp);
			} else {
				cell(fp, pelaporan_label(d->pel[m]), 28, false);
				kecrekap_stamp(k, d->received_utc[m], stamp);
				fprintf(fp, " diterima %s", stamp);
			}
			fputc('\n', fp);
		}
	}

	fputs("\nPerangkat dengan TL4 + TK terbanyak\n", fp);
	if (!k->ntop)
		fputs("  tidak ada\n", fp);
	for (size_t i = 0; i < k->ntop; i++) {
		const struct kecrekap_person *p = &k->top[i];

		fprintf(fp, "  %2zu ", i + 1);
		cell(fp, p->desa_name, W_DESA, false);
		fputc(' ', fp);
		cell(fp, p->id, 12, false);
		fputc(' ', fp);
		cell(fp, p->name, 28, false);
		fprintf(fp, " TL4 %3u  TK %3u\n", p->tl4, p->tk);
	}

	fputs("\nAnomali (untuk diperiksa)\n", fp);
	for (size_t i = 0; i < k->ndesa; i++) {
		const struct kecrekap_desa *d = &k->desa[i];

		for (int a = 0; a < KECREKAP_ANOMALIES; a++) {
			if (!(d->anomalies & anomaly_codes[a].bit))
				continue;
			kecrekap_anomaly_text(d, anomaly_codes[a].bit, line,
					      sizeof(line));
			fputs("  ", fp);
			cell(fp, d->name, W_DESA, false);
			fputc(' ', fp);
			/* one line of the page at most */
			cut(fp, line, 100 - 3 - W_DESA);
			fputc('\n', fp);
			any = true;
		}
	}
	if (!any)
		fputs("  tidak ada\n", fp);
	return kecrekap_stream_result(fp);
}
