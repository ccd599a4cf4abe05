// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rekap.c: counters per person over a period, fed one verdict at a time,
 * their sums per desa, the kecamatan's indicators (DOMAIN §4) and the
 * indicative deductions.  Integer arithmetic only, so figures are exact and
 * reproducible byte for byte.
 */
#include "rekap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"

#define CP_WHOLE 10000 /* 100.00 % in hundredths of a percent */

void rekap_init(struct rekap *r)
{
	memset(r, 0, sizeof(*r));
}

void rekap_add_day(struct rekap *r, const struct verdict *v)
{
	if (v->status == VERDICT_FUTURE)
		return;
	r->people = r->people ? r->people : 1;
	r->days++;
	r->punches += v->n_accepted;
	r->punches_untrusted += v->n_untrusted;
	r->punches_manual += v->n_manual;
	r->punches_suppressed += v->n_suppressed;
	r->punches_outside += v->n_outside;
	if (v->status == VERDICT_INACTIVE) {
		r->inactive++;
		return;
	}
	if (!v->working)
		return;
	r->hari_kerja++;
	switch (v->status) {
	case VERDICT_LIBUR:
		r->libur++;
		return;
	case VERDICT_CUTI_BERSAMA:
		r->cuti_bersama++;
		return;
	case VERDICT_EXCUSED:
		r->excuse[v->excuse]++;
		break;
	case VERDICT_TK:
		r->tk++;
		break;
	case VERDICT_BELUM_HADIR:
		r->belum_hadir++;
		break;
	case VERDICT_BELUM_PULANG:
		r->belum_pulang++;
		break;
	default:
		break;
	}
	r->hari_kerja_efektif += v->efektif;
	r->hadir += v->hadir;
	if (v->tl > 0) {
		r->tl[v->tl].count++;
		r->tl[v->tl].minutes += (uint32_t)v->late_min * !v->no_masuk;
	}
	r->no_masuk += v->no_masuk;
	if (v->status != VERDICT_EXCUSED) {
		r->izin_terlambat += v->late_excused;
		r->izin_pulang_cepat += v->early_excused;
	}
	if (v->provisional)
		return; /* today's pulang may still come or change */
	if (v->psw > 0) {
		r->psw[v->psw].count++;
		r->psw[v->psw].minutes +=
			(uint32_t)v->early_min * !v->no_pulang;
	}
	r->no_pulang += v->no_pulang;
	if (v->efektif && v->n_accepted > 0) {
		r->days_punched++;
		r->tepat_waktu += v->tl == 0;
		r->with_pulang += v->pulang_sec != VERDICT_NONE_SEC;
	}
}

void rekap_merge(struct rekap *sum, const struct rekap *src)
{
	sum->people += src->people;
	sum->days += src->days;
	sum->inactive += src->inactive;
	sum->hari_kerja += src->hari_kerja;
	sum->libur += src->libur;
	sum->cuti_bersama += src->cuti_bersama;
	sum->hari_kerja_efektif += src->hari_kerja_efektif;
	sum->hadir += src->hadir;
	sum->days_punched += src->days_punched;
	sum->tepat_waktu += src->tepat_waktu;
	sum->with_pulang += src->with_pulang;
	for (int b = 0; b <= VERDICT_BAND_MAX; b++) {
		sum->tl[b].count += src->tl[b].count;
		sum->tl[b].minutes += src->tl[b].minutes;
		sum->psw[b].count += src->psw[b].count;
		sum->psw[b].minutes += src->psw[b].minutes;
	}
	sum->no_masuk += src->no_masuk;
	sum->no_pulang += src->no_pulang;
	for (int k = 0; k < EXCUSE_KINDS; k++)
		sum->excuse[k] += src->excuse[k];
	sum->izin_terlambat += src->izin_terlambat;
	sum->izin_pulang_cepat += src->izin_pulang_cepat;
	sum->tk += src->tk;
	sum->belum_hadir += src->belum_hadir;
	sum->belum_pulang += src->belum_pulang;
	sum->punches += src->punches;
	sum->punches_untrusted += src->punches_untrusted;
	sum->punches_manual += src->punches_manual;
	sum->punches_suppressed += src->punches_suppressed;
	sum->punches_outside += src->punches_outside;
}

static const struct {
	const char *label;
	const char *formula;
} indicators[REKAP_INDICATORS] = {
	[REKAP_KEHADIRAN] =
		{
			"Persentase kehadiran",
			"jumlah hari hadir / jumlah hari kerja efektif \u00d7 "
			"100%",
		},
	[REKAP_TEPAT_WAKTU] =
		{
			"Persentase tepat waktu",
			"jumlah hari dengan presensi tanpa terlambat / jumlah "
			"hari "
			"dengan presensi \u00d7 100%",
		},
	[REKAP_ABSEN_PULANG] =
		{
			"Kepatuhan absen pulang",
			"jumlah hari dengan absen pulang / jumlah hari dengan "
			"presensi \u00d7 100%",
		},
	[REKAP_KUALITAS_DATA] =
		{
			"Kualitas data",
			"jumlah presensi dengan jam terpercaya / jumlah "
			"seluruh "
			"presensi \u00d7 100%",
		},
};

const char rekap_pelaporan_label[] = "Kepatuhan pelaporan";
const char rekap_pelaporan_formula[] =
	"jumlah desa yang mengirim berkas bulanan bertanda tangan tepat "
	"waktu / jumlah desa \u00d7 100%";

void rekap_indicator(const struct rekap *r, enum rekap_indicator which,
		     struct rekap_ratio *out)
{
	switch (which) {
	case REKAP_KEHADIRAN:
		out->num = r->hadir;
		out->den = r->hari_kerja_efektif;
		break;
	case REKAP_TEPAT_WAKTU:
		out->num = r->tepat_waktu;
		out->den = r->days_punched;
		break;
	case REKAP_ABSEN_PULANG:
		out->num = r->with_pulang;
		out->den = r->days_punched;
		break;
	case REKAP_KUALITAS_DATA:
		out->num = (uint64_t)r->punches - r->punches_untrusted;
		out->den = r->punches;
		break;
	default:
		out->num = out->den = 0;
		break;
	}
}

const char *rekap_indicator_label(enum rekap_indicator which)
{
	return (unsigned int)which < REKAP_INDICATORS ? indicators[which].label
						      : "";
}

const char *rekap_indicator_formula(enum rekap_indicator which)
{
	return (unsigned int)which < REKAP_INDICATORS
		       ? indicators[which].formula
		       : "";
}

void rekap_pelaporan(uint32_t on_time, uint32_t desa, struct rekap_ratio *out)
{
	out->num = on_time;
	out->den = desa;
}

pd_day_t rekap_deadline(pd_day_t month_day, int mday)
{
	int y, m, d, dim;

	civil_to_ymd(month_day, &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	dim = civil_days_in_month(y, m);
	mday = mday < 1 ? 1 : mday > dim ? dim : mday;
	return civil_from_ymd(y, m, mday);
}

int64_t rekap_percent_cp(const struct rekap_ratio *r)
{
	if (!r->den)
		return -1;
	/* round half up: floor((2 * num * 10000 + den) / (2 * den)) */
	return (int64_t)((2 * r->num * CP_WHOLE + r->den) / (2 * r->den));
}

int rekap_cp_format(int64_t cp, char dec, char *buf, size_t cap)
{
	int n;

	if (cp < 0)
		n = snprintf(buf, cap, "-");
	else
		n = snprintf(buf, cap, "%lld%c%02lld", (long long)(cp / 100),
			     dec, (long long)(cp % 100));
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return n;
}

int rekap_percent_format(const struct rekap_ratio *r, char dec, char *buf,
			 size_t cap)
{
	return rekap_cp_format(rekap_percent_cp(r), dec, buf, cap);
}

void rekap_deduction_off(struct rekap_deduction *d)
{
	memset(d, 0, sizeof(*d));
}

void rekap_deduction_permentan(struct rekap_deduction *d)
{
	/* Permentan 68/2012: TL/PSW 0.5, 1, 1.5, 2 %; absent 4 % a day. */
	static const uint32_t band_cp[VERDICT_BAND_MAX + 1] = {0, 50, 100, 150,
							       200};

	memset(d, 0, sizeof(*d));
	d->enabled = true;
	memcpy(d->tl_cp, band_cp, sizeof(band_cp));
	memcpy(d->psw_cp, band_cp, sizeof(band_cp));
	d->tk_cp = 400;
}

int64_t rekap_deduction_cp(const struct rekap *r,
			   const struct rekap_deduction *d)
{
	int64_t cp = 0;

	if (!d->enabled)
		return -1;
	for (int b = 1; b <= VERDICT_BAND_MAX; b++)
		cp += (int64_t)r->tl[b].count * d->tl_cp[b] +
		      (int64_t)r->psw[b].count * d->psw_cp[b];
	cp += (int64_t)r->tk * d->tk_cp;
	return cp > CP_WHOLE ? CP_WHOLE : cp;
}
