// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * export.c: the text table, the CSV files and the WhatsApp "ringkas" written
 * from a built report, plus the column and label tables xlsx.c and html.c
 * share (export_int.h).  Pure formatting over stdio: no store, no clock, so
 * the same report always gives the same CSV bytes.
 */
#include "export.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "export_int.h"
#include "textwidth.h"

#define ROFF(field) offsetof(struct rekap, field)

const struct export_col export_cols[] = {
	{"hari_kerja", "HK", "Hari kerja", ROFF(hari_kerja), 0, false},
	{"libur", "Libur", "Libur nasional/lokal", ROFF(libur), 0, false},
	{"cuti_bersama", "CB", "Cuti bersama", ROFF(cuti_bersama), 0, false},
	{"hari_kerja_efektif", "HKE", "Hari kerja efektif",
	 ROFF(hari_kerja_efektif), 0, true},
	{"hadir", "Hadir", "Hari hadir", ROFF(hadir), 0, true},
	{"hari_presensi", "Pres", "Hari dengan presensi", ROFF(days_punched), 0,
	 false},
	{"tepat_waktu", "Tepat", "Tepat waktu", ROFF(tepat_waktu), 0, true},
	{"dengan_pulang", "Plg", "Dengan absen pulang", ROFF(with_pulang), 0,
	 false},
	{"tl1", "TL1", "TL1 (1-30 menit)", ROFF(tl[1].count), 1, true},
	{"tl1_menit", "TL1 mnt", "TL1 menit", ROFF(tl[1].minutes), 0, false},
	{"tl2", "TL2", "TL2 (31-60 menit)", ROFF(tl[2].count), 2, true},
	{"tl2_menit", "TL2 mnt", "TL2 menit", ROFF(tl[2].minutes), 0, false},
	{"tl3", "TL3", "TL3 (61-90 menit)", ROFF(tl[3].count), 3, true},
	{"tl3_menit", "TL3 mnt", "TL3 menit", ROFF(tl[3].minutes), 0, false},
	{"tl4", "TL4", "TL4 (>= 91 menit / tanpa masuk)", ROFF(tl[4].count), 4,
	 true},
	{"tl4_menit", "TL4 mnt", "TL4 menit", ROFF(tl[4].minutes), 0, false},
	{"tidak_absen_masuk", "TAM", "Tidak absen masuk", ROFF(no_masuk), 0,
	 false},
	{"psw1", "PSW1", "PSW1 (1-30 menit)", ROFF(psw[1].count), -1, true},
	{"psw1_menit", "PSW1 mnt", "PSW1 menit", ROFF(psw[1].minutes), 0,
	 false},
	{"psw2", "PSW2", "PSW2 (31-60 menit)", ROFF(psw[2].count), -2, true},
	{"psw2_menit", "PSW2 mnt", "PSW2 menit", ROFF(psw[2].minutes), 0,
	 false},
	{"psw3", "PSW3", "PSW3 (61-90 menit)", ROFF(psw[3].count), -3, true},
	{"psw3_menit", "PSW3 mnt", "PSW3 menit", ROFF(psw[3].minutes), 0,
	 false},
	{"psw4", "PSW4", "PSW4 (>= 91 menit / tanpa pulang)",
	 ROFF(psw[4].count), -4, true},
	{"psw4_menit", "PSW4 mnt", "PSW4 menit", ROFF(psw[4].minutes), 0,
	 false},
	{"tidak_absen_pulang", "TAP", "Tidak absen pulang", ROFF(no_pulang), 0,
	 false},
	{"izin", "I", "Izin", ROFF(excuse[EXCUSE_I]), 0, true},
	{"sakit", "S", "Sakit", ROFF(excuse[EXCUSE_S]), 0, true},
	{"cuti", "C", "Cuti", ROFF(excuse[EXCUSE_C]), 0, true},
	{"dinas_luar", "DL", "Dinas luar", ROFF(excuse[EXCUSE_DL]), 0, true},
	{"alat_rusak", "AR", "Alat rusak", ROFF(excuse[EXCUSE_AR]), 0, true},
	{"izin_terlambat", "IT", "Izin terlambat", ROFF(izin_terlambat), 0,
	 false},
	{"izin_pulang_cepat", "IPC", "Izin pulang cepat",
	 ROFF(izin_pulang_cepat), 0, false},
	{"tk", "TK", "Tanpa keterangan (TK)", ROFF(tk), 0, true},
	{"belum_hadir", "BH", "Belum hadir", ROFF(belum_hadir), 0, false},
	{"belum_pulang", "BP", "Belum pulang", ROFF(belum_pulang), 0, false},
	{"presensi", "Pres", "Presensi diterima", ROFF(punches), 0, false},
	{"presensi_tak_tepercaya", "TT", "Presensi jam tak tepercaya",
	 ROFF(punches_untrusted), 0, false},
	{"presensi_manual", "Man", "Presensi manual", ROFF(punches_manual), 0,
	 false},
	{"presensi_ganda", "Ganda", "Tap ganda (diabaikan)",
	 ROFF(punches_suppressed), 0, false},
	{"presensi_luar_jendela", "Luar", "Presensi di luar jendela",
	 ROFF(punches_outside), 0, false},
};
const size_t export_ncols = sizeof(export_cols) / sizeof(export_cols[0]);

const char export_title[] = "Rekap Kehadiran dan Kedisiplinan Perangkat Desa";
const char export_evidence[] =
	"Data pendukung (bukan IKU resmi) untuk Perak PRK-9 \"Capaian Nilai "
	"Aspek Pembinaan dan Pengawasan Pemerintahan Desa\", serta Purwosari "
	"\"Persentase Penyelenggaraan Kecamatan\" (komponen Program pembinaan "
	"dan pengawasan) dan \"Presentase Aparatur Desa/Kelurahan yang telah "
	"dibina\".";

/* CSV names of the indicators, in enum rekap_indicator order. */
static const char *const ind_csv[REKAP_INDICATORS] = {
	"kehadiran",
	"tepat_waktu",
	"absen_pulang",
	"kualitas_data",
};

uint32_t export_col_get(const struct export_col *c, const struct rekap *r)
{
	uint32_t v;

	memcpy(&v, (const char *)r + c->off, sizeof(v));
	return v;
}

/* ---- small helpers ---- */

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (src)
		for (; src[n] && n + 1 < cap; n++)
			dst[n] = src[n];
	/* never end inside a UTF-8 sequence */
	if (src && src[n])
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	dst[n] = '\0';
}

size_t export_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void export_stamp(const struct report *r, char buf[EXPORT_STAMP_MAX])
{
	char local[CIVIL_LOCAL_LEN];
	const char *tz = civil_tz_abbrev(r->offset_min);

	civil_local_format(r->built_utc, r->offset_min, local);
	if (tz)
		snprintf(buf, EXPORT_STAMP_MAX, "%s %s", local, tz);
	else
		snprintf(buf, EXPORT_STAMP_MAX, "%s UTC%+d", local,
			 (int)(r->offset_min / 60));
}

void export_hms(int32_t sec, char buf[CIVIL_TIME_LEN])
{
	if (sec == VERDICT_NONE_SEC)
		snprintf(buf, CIVIL_TIME_LEN, "-");
	else
		civil_time_format(sec, buf);
}

void export_utc_iso(pd_day_t day, int32_t sec, int32_t offset_min,
		    char buf[EXPORT_ISO_MAX])
{
	char local[CIVIL_LOCAL_LEN];

	if (sec == VERDICT_NONE_SEC) {
		buf[0] = '\0';
		return;
	}
	civil_local_format(civil_utc_from_local(day, sec, offset_min), 0,
			   local);
	local[10] = 'T'; /* "YYYY-MM-DD HH:MM:SS" -> ISO 8601 */
	snprintf(buf, EXPORT_ISO_MAX, "%sZ", local);
}

void export_ratio_text(const struct rekap_ratio *q, char dec,
		       char buf[EXPORT_RATIO_MAX])
{
	char pct[REKAP_PCT_MAX];

	if (rekap_percent_format(q, dec, pct, sizeof(pct)) < 0)
		snprintf(pct, sizeof(pct), "?");
	snprintf(buf, EXPORT_RATIO_MAX, "%" PRIu64 " / %" PRIu64 " = %s%s",
		 q->num, q->den, pct, q->den ? " %" : "");
}

void export_day_status(const struct export_day *d, char buf[EXPORT_STATUS_MAX])
{
	const struct verdict *v = &d->v;
	size_t len;
	int n;

	switch (v->status) {
	case VERDICT_EXCUSED:
		snprintf(buf, EXPORT_STATUS_MAX, "%s",
			 verdict_excuse_label(v->excuse));
		return;
	case VERDICT_LIBUR:
	case VERDICT_CUTI_BERSAMA:
		if (d->holiday[0]) {
			snprintf(buf, EXPORT_STATUS_MAX, "%s: %s",
				 verdict_status_label(v->status), d->holiday);
			return;
		}
		break;
	case VERDICT_HADIR:
	case VERDICT_BELUM_PULANG:
		break;
	default:
		snprintf(buf, EXPORT_STATUS_MAX, "%s",
			 verdict_status_label(v->status));
		return;
	}
	n = snprintf(buf, EXPORT_STATUS_MAX, "%s",
		     verdict_status_label(v->status));
	len = n > 0 ? (size_t)n : 0;
#define ADD(...)                                                               \
	do {                                                                   \
		if (len < EXPORT_STATUS_MAX) {                                 \
			n = snprintf(buf + len, EXPORT_STATUS_MAX - len,       \
				     __VA_ARGS__);                             \
			if (n > 0)                                             \
				len += (size_t)n;                              \
		}                                                              \
	} while (0)
	if (v->no_masuk)
		ADD(", tidak absen masuk");
	else if (v->tl > 0)
		ADD(", TL%d %" PRId32 " mnt", v->tl, v->late_min);
	else if (v->late_min > 0 && v->late_excused)
		ADD(", izin terlambat");
	if (v->no_pulang)
		ADD(", tidak absen pulang");
	else if (v->psw > 0)
		ADD(", PSW%d %" PRId32 " mnt", v->psw, v->early_min);
	else if (v->early_min > 0 && v->early_excused)
		ADD(", izin pulang cepat");
	if (v->n_manual)
		ADD(", manual");
	if (v->n_untrusted)
		ADD(", jam tak tepercaya");
#undef ADD
}

bool export_deduction_on(const struct export_opts *o)
{
	return o && o->deduction && o->deduction->enabled;
}

int export_check(const struct report *r)
{
	if (!r || (r->npeople > 0 && !r->people))
		return -EINVAL;
	return 0;
}

static int stream_result(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp))
		return -EIO;
	return 0;
}

/* ---- day rows ---- */

int export_days_collect(void *ud, const struct report_day *d)
{
	struct export_days *days = ud;
	struct export_day *row;

	if (days->n == days->cap) {
		size_t cap = days->cap ? days->cap * 2 : 256;
		struct export_day *nd = reallocarray(days->d, cap, sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		days->d = nd;
		days->cap = cap;
	}
	row = &days->d[days->n++];
	export_day_from(row, d);
	return 0;
}

void export_day_from(struct export_day *row, const struct report_day *d)
{
	memset(row, 0, sizeof(*row));
	if (d->person) {
		copy_str(row->person, sizeof(row->person), d->person->id);
		copy_str(row->name, sizeof(row->name), d->person->name);
		copy_str(row->jabatan, sizeof(row->jabatan),
			 d->person->jabatan);
	}
	if (d->v)
		row->v = *d->v;
	copy_str(row->holiday, sizeof(row->holiday), d->holiday_name);
	copy_str(row->profile, sizeof(row->profile), d->profile_name);
}

void export_days_free(struct export_days *days)
{
	if (!days)
		return;
	free(days->d);
	days->d = NULL;
	days->n = days->cap = 0;
}

/* ---- CSV (RFC 4180) ---- */

/*
 * True when a spreadsheet would read cell s as a formula (OWASP, "CSV
 * Injection"): it starts with = + - @ TAB or CR.  A cell that is exactly
 * "-" is the "nothing / undefined" placeholder: with no operand it is no
 * formula, every spreadsheet shows it as text, so it stays as it is.
 */
static bool csv_formula_start(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && strcmp(s, "-") != 0;
}

static void csv_field(FILE *fp, const char *s, bool first, bool people)
{
	bool neutralise;

	if (!first)
		fputc(',', fp);
	if (!s)
		return;
	neutralise = people && csv_formula_start(s);
	if (!strpbrk(s, ",\"\r\n")) {
		if (neutralise)
			fputc('\'', fp);
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (neutralise)
		fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

void export_csv_field(FILE *fp, const char *s, bool first)
{
	csv_field(fp, s, first, true);
}

void export_csv_field_raw(FILE *fp, const char *s, bool first)
{
	csv_field(fp, s, first, false);
}

static void csv_u64(FILE *fp, uint64_t v)
{
	fprintf(fp, ",%" PRIu64, v);
}

static void csv_end(FILE *fp)
{
	fputs("\r\n", fp);
}

/* "name;name" and "hash;hash" of the profiles / calendars used. */
static void csv_versions(FILE *fp, const struct report *r)
{
	char buf[REPORT_PROFILES_MAX * (RULES_NAME_MAX + PD_HASH_HEX) +
		 CALENDAR_SET_FILES_MAX * PD_HASH_HEX];
	size_t len = 0;

#define JOIN(fmt, ...)                                                         \
	do {                                                                   \
		int n_ = snprintf(buf + len, sizeof(buf) - len, fmt,           \
				  __VA_ARGS__);                                \
		if (n_ > 0 && (size_t)n_ < sizeof(buf) - len)                  \
			len += (size_t)n_;                                     \
	} while (0)
	buf[0] = '\0';
	for (int i = 0; i < r->nprofiles && i < REPORT_PROFILES_MAX; i++)
		JOIN("%s%s", i ? ";" : "", r->profiles[i].name);
	export_csv_field(fp, buf, false);
	len = 0;
	buf[0] = '\0';
	for (int i = 0; i < r->nprofiles && i < REPORT_PROFILES_MAX; i++)
		JOIN("%s%s", i ? ";" : "", r->profiles[i].version);
	export_csv_field(fp, buf, false);
	len = 0;
	buf[0] = '\0';
	for (int i = 0; i < r->ncalendars && i < CALENDAR_SET_FILES_MAX; i++)
		JOIN("%s%s", i ? ";" : "", r->calendars[i].version);
	export_csv_field(fp, buf, false);
	/* the whole set of calendar facts (DOMAIN §8) */
	export_csv_field(fp, r->calendar_facts_version, false);
	/* retroactive imports that re-judged days of the period (DOMAIN
	 * §2.3): "seq:from:on", the days [from, on) */
	len = 0;
	buf[0] = '\0';
	for (int i = 0; i < r->nretro && i < REPORT_RETRO_MAX; i++) {
		char d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];

		civil_date_format(r->retro[i].from_day, d1);
		civil_date_format(r->retro[i].on_day, d2);
		JOIN("%s%" PRId64 ":%s:%s", i ? ";" : "", r->retro[i].seq, d1,
		     d2);
	}
	export_csv_field(fp, buf, false);
#undef JOIN
}

static void csv_row(FILE *fp, const struct report *r, const char *id,
		    const char *name, const char *jabatan,
		    const struct rekap *k, const struct export_opts *o)
{
	char first[CIVIL_DATE_LEN], last[CIVIL_DATE_LEN];

	civil_date_format(r->first, first);
	civil_date_format(r->last, last);
	export_csv_field(fp, r->label_id, true);
	export_csv_field(fp, first, false);
	export_csv_field(fp, last, false);
	export_csv_field(fp, r->desa_id, false);
	export_csv_field(fp, id, false);
	export_csv_field(fp, name, false);
	export_csv_field(fp, jabatan, false);
	for (size_t i = 0; i < export_ncols; i++)
		csv_u64(fp, export_col_get(&export_cols[i], k));
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		struct rekap_ratio q;
		char pct[REKAP_PCT_MAX];

		rekap_indicator(k, (enum rekap_indicator)i, &q);
		if (rekap_percent_format(&q, '.', pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		csv_u64(fp, q.num);
		csv_u64(fp, q.den);
		export_csv_field(fp, q.den ? pct : "", false);
	}
	if (export_deduction_on(o)) {
		char pct[REKAP_PCT_MAX];

		if (rekap_cp_format(rekap_deduction_cp(k, o->deduction), '.',
				    pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		export_csv_field(fp, pct, false);
	}
	csv_versions(fp, r);
	csv_end(fp);
}

int export_csv(FILE *fp, const struct report *r, const struct export_opts *o)
{
	int rc = export_check(r);

	if (rc)
		return rc;
	fputs("periode,dari,sampai,desa,id,nama,jabatan", fp);
	for (size_t i = 0; i < export_ncols; i++)
		fprintf(fp, ",%s", export_cols[i].csv);
	for (int i = 0; i < REKAP_INDICATORS; i++)
		fprintf(fp, ",%s_pembilang,%s_penyebut,%s_persen", ind_csv[i],
			ind_csv[i], ind_csv[i]);
	if (export_deduction_on(o))
		fputs(",potongan_" REKAP_DEDUCTION_LABEL "_persen", fp);
	fputs(",profil,profil_versi,kalender_versi,kalender_fakta_versi,"
	      "perubahan_surut",
	      fp);
	csv_end(fp);
	for (size_t i = 0; i < r->npeople; i++) {
		const struct report_person *rp = &r->people[i];

		csv_row(fp, r, rp->p.id, rp->p.name, rp->p.jabatan, &rp->r, o);
	}
	csv_row(fp, r, "TOTAL", "Total desa", "", &r->total, o);
	return stream_result(fp);
}

static void csv_daily_head(FILE *fp)
{
	fputs("tanggal,desa,id,nama,status,keterangan,libur,masuk,pulang,"
	      "masuk_utc,pulang_utc,terlambat_menit,tl,tidak_absen_masuk,"
	      "izin_terlambat,pulang_cepat_menit,psw,tidak_absen_pulang,"
	      "izin_pulang_cepat,presensi,tak_tepercaya,manual,ganda,"
	      "luar_jendela,tanda_masuk,tanda_pulang,profil",
	      fp);
	csv_end(fp);
}

static void csv_daily_row(FILE *fp, const char *desa_id, int32_t offset_min,
			  const struct export_day *d)
{
	const struct verdict *v = &d->v;
	char date[CIVIL_DATE_LEN], in[CIVIL_TIME_LEN], out[CIVIL_TIME_LEN];
	char in_utc[EXPORT_ISO_MAX], out_utc[EXPORT_ISO_MAX];
	char fin[RECORDS_FLAGS_MAX], fout[RECORDS_FLAGS_MAX];
	bool has_in = v->masuk_sec != VERDICT_NONE_SEC;
	bool has_out = v->pulang_sec != VERDICT_NONE_SEC;

	civil_date_format(v->day, date);
	if (has_in)
		civil_time_format(v->masuk_sec, in);
	else
		in[0] = '\0';
	if (has_out)
		civil_time_format(v->pulang_sec, out);
	else
		out[0] = '\0';
	export_utc_iso(v->day, v->masuk_sec, offset_min, in_utc);
	export_utc_iso(v->day, v->pulang_sec, offset_min, out_utc);
	records_flags_format(has_in ? v->masuk_flags : 0, RECORDS_FLAG_WORD,
			     '|', fin);
	records_flags_format(has_out ? v->pulang_flags : 0, RECORDS_FLAG_WORD,
			     '|', fout);
	export_csv_field(fp, date, true);
	export_csv_field(fp, desa_id, false);
	export_csv_field(fp, d->person, false);
	export_csv_field(fp, d->name, false);
	export_csv_field(fp, verdict_status_code(v->status), false);
	export_csv_field(fp, verdict_excuse_code(v->excuse), false);
	export_csv_field(fp, d->holiday, false);
	export_csv_field(fp, in, false);
	export_csv_field(fp, out, false);
	export_csv_field(fp, in_utc, false);
	export_csv_field(fp, out_utc, false);
	fprintf(fp, ",%" PRId32 ",%d,%d,%d,%" PRId32 ",%d,%d,%d", v->late_min,
		v->tl, v->no_masuk, v->late_excused, v->early_min, v->psw,
		v->no_pulang, v->early_excused);
	fprintf(fp, ",%u,%u,%u,%u,%u", v->n_accepted, v->n_untrusted,
		v->n_manual, v->n_suppressed, v->n_outside);
	export_csv_field(fp, fin, false);
	export_csv_field(fp, fout, false);
	export_csv_field(fp, d->profile, false);
	csv_end(fp);
}

int export_csv_daily(FILE *fp, const struct report *r,
		     const struct export_opts *o)
{
	int rc = export_check(r);

	if (rc)
		return rc;
	if (!o || !o->days)
		return -EINVAL;
	csv_daily_head(fp);
	for (size_t i = 0; i < o->days->n; i++)
		csv_daily_row(fp, r->desa_id, r->offset_min, &o->days->d[i]);
	return stream_result(fp);
}

int export_csv_daily_begin(struct export_daily_csv *c, FILE *fp,
			   const char *desa_id, int32_t offset_min)
{
	if (!c || !fp || !desa_id)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->fp = fp;
	c->desa_id = desa_id;
	c->offset_min = offset_min;
	csv_daily_head(fp);
	return ferror(fp) ? -EIO : 0;
}

int export_csv_daily_day(void *ud, const struct report_day *d)
{
	struct export_daily_csv *c = ud;
	struct export_day row;

	export_day_from(&row, d);
	csv_daily_row(c->fp, c->desa_id, c->offset_min, &row);
	c->rows++;
	/* a full disk stops the build at once, not a year later */
	return ferror(c->fp) ? -EIO : 0;
}

int export_csv_daily_end(struct export_daily_csv *c)
{
	return c ? stream_result(c->fp) : -EINVAL;
}

/* ---- text ---- */

#define CELL_MAX 112 /* one table cell, bytes incl. NUL (names: 96) */
/* A left-aligned last column (the day's status) keeps up to this many
 * columns before the names shrink further; longer texts wrap, in at
 * least TEXT_LAST_MIN columns. */
#define TEXT_LAST_KEEP 48
#define TEXT_LAST_MIN  12

/*
 * A table held as cells[row][col].  Columns up to nflex are text, shrunk
 * (flex) to fit EXPORT_TEXT_COLS; the rest are right-aligned figures.
 * sep_row: a dashed line is drawn before that row (the total), or -1.
 */
struct ttable {
	size_t ncols, nrows;
	size_t nflex;		 /* leading text columns */
	const char *const *head; /* ncols headers */
	char *cells;		 /* nrows * ncols * CELL_MAX */
	long sep_row;
	bool left_last; /* last column is text, left-aligned */
};

static char *tcell(struct ttable *t, size_t row, size_t col)
{
	return t->cells + (row * t->ncols + col) * CELL_MAX;
}

static int ttable_init(struct ttable *t, size_t ncols, size_t nrows,
		       size_t nflex, const char *const *head)
{
	t->ncols = ncols;
	t->nrows = nrows;
	t->nflex = nflex;
	t->head = head;
	t->sep_row = -1;
	t->left_last = false;
	t->cells = calloc(nrows * ncols > 0 ? nrows * ncols : 1, CELL_MAX);
	return t->cells ? 0 : -ENOMEM;
}

static bool right_col(const struct ttable *t, size_t c)
{
	return c >= t->nflex && !(t->left_last && c + 1 == t->ncols);
}

/* text word-wrapped to EXPORT_TEXT_COLS from column indent, where the
 * line already is, continuation lines indented the same; ends the line.
 * A word wider than the room is cut with "…". */
static void wrap_at(FILE *fp, size_t indent, const char *text)
{
	size_t col = indent;
	const char *p = text;

	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t blen = sp ? (size_t)(sp - p) : strlen(p);
		char word[PD_TEXT_MAX * 2];
		size_t wl;

		if (blen >= sizeof(word))
			blen = sizeof(word) - 1;
		memcpy(word, p, blen);
		word[blen] = '\0';
		wl = textwidth_measure(word);
		if (col > indent && col + 1 + wl > EXPORT_TEXT_COLS) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', fp);
			col++;
		}
		if (wl > EXPORT_TEXT_COLS - indent) {
			textwidth_put(fp, word, EXPORT_TEXT_COLS - indent,
				      false);
			col += EXPORT_TEXT_COLS - indent;
		} else {
			fputs(word, fp);
			col += wl;
		}
		p += blen;
		while (*p == ' ')
			p++;
	}
	fputc('\n', fp);
}

/* prefix padded to indent, then text wrapped as wrap_at() does. */
static void put_wrap(FILE *fp, const char *prefix, size_t indent,
		     const char *text)
{
	fputs(prefix, fp);
	fprintf(fp, "%*s", (int)(indent - textwidth_measure(prefix)), "");
	wrap_at(fp, indent, text);
}

static void ttable_print(FILE *fp, struct ttable *t)
{
	size_t w[32] = {0}, want[32] = {0};
	size_t fixed = 0, avail, flexsum = 0, last_at = 0;

	for (size_t c = 0; c < t->ncols && c < 32; c++) {
		w[c] = textwidth_measure(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t l = textwidth_measure(tcell(t, r, c));

			if (l > w[c])
				w[c] = l;
		}
		if (c >= t->nflex && t->left_last && c + 1 == t->ncols)
			/* a long last text is wrapped, not given it all */
			fixed += (w[c] < TEXT_LAST_KEEP ? w[c]
							: TEXT_LAST_KEEP) +
				 1;
		else if (c >= t->nflex)
			fixed += w[c] + 1;
		else
			flexsum += w[c];
	}
	/* text columns share what the figures leave, each separated by one
	 * space; shrink the widest first, keep at least 6 each */
	avail = EXPORT_TEXT_COLS > fixed + t->nflex
			? EXPORT_TEXT_COLS - fixed - (t->nflex - 1)
			: 6 * t->nflex;
	for (size_t c = 0; c < t->nflex; c++)
		want[c] = w[c];
	while (flexsum > avail) {
		size_t wid = 0;

		for (size_t c = 1; c < t->nflex; c++)
			if (want[c] > want[wid])
				wid = c;
		if (want[wid] <= 6)
			break;
		want[wid]--;
		flexsum--;
	}
	for (size_t c = 0; c < t->nflex; c++)
		w[c] = want[c];
	/* where a left-aligned last column starts, and its width there */
	for (size_t c = 0; c + 1 < t->ncols; c++)
		last_at += w[c] + 1;
	if (t->left_last && last_at + w[t->ncols - 1] > EXPORT_TEXT_COLS &&
	    last_at + TEXT_LAST_MIN <= EXPORT_TEXT_COLS)
		w[t->ncols - 1] = EXPORT_TEXT_COLS - last_at;

	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			fputc(' ', fp);
		if (c + 1 == t->ncols && t->left_last)
			fputs(t->head[c], fp);
		else
			textwidth_put(fp, t->head[c], w[c], right_col(t, c));
	}
	fputc('\n', fp);
	for (size_t r = 0; r < t->nrows; r++) {
		if ((long)r == t->sep_row) {
			size_t total = 0;

			for (size_t c = 0; c < t->ncols; c++)
				total += w[c] + (c ? 1 : 0);
			for (size_t i = 0; i < total; i++)
				fputc('-', fp);
			fputc('\n', fp);
		}
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(' ', fp);
			if (c + 1 == t->ncols && t->left_last &&
			    last_at + TEXT_LAST_MIN <= EXPORT_TEXT_COLS) {
				/* no trailing pad; wrapped under itself */
				wrap_at(fp, last_at, tcell(t, r, c));
				break;
			}
			if (c + 1 == t->ncols && t->left_last) {
				/* no room left to wrap in: as it is */
				fprintf(fp, "%s\n", tcell(t, r, c));
				break;
			}
			textwidth_put(fp, tcell(t, r, c), w[c],
				      right_col(t, c));
			if (c + 1 == t->ncols)
				fputc('\n', fp);
		}
	}
}

/* "Label      : text", wrapped under the text. */
static void put_wrapped(FILE *fp, const char *label, const char *text)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%-11s%s", label,
		 *label ? ": " : "  ");
	put_wrap(fp, prefix, 13, text);
}

static void text_header(FILE *fp, const struct report *r)
{
	char line[1024], d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
	char stamp[EXPORT_STAMP_MAX];

	fprintf(fp, "%s\n", export_title);
	snprintf(line, sizeof(line), "%s (%s)", r->desa_name, r->desa_id);
	put_wrapped(fp, "Desa", line);
	civil_date_format(r->first, d1);
	civil_date_format(r->last, d2);
	if (r->first == r->last)
		snprintf(line, sizeof(line), "%s (%s)", r->label, d1);
	else
		snprintf(line, sizeof(line), "%s (%s s.d. %s)", r->label, d1,
			 d2);
	put_wrapped(fp, "Periode", line);
	if (r->nprofiles == 0)
		put_wrapped(fp, "Jam kerja", "tidak ada profil berlaku");
	for (int i = 0; i < r->nprofiles && i < REPORT_PROFILES_MAX; i++) {
		const struct report_profile_use *u = &r->profiles[i];

		civil_date_format(u->from_day, d1);
		civil_date_format(u->to_day, d2);
		snprintf(line, sizeof(line),
			 "%s, %s; berlaku %s s.d. %s; versi %.16s", u->name,
			 u->reference, d1, d2, u->version);
		put_wrapped(fp, i ? "" : "Jam kerja", line);
	}
	if (r->ncalendars == 0)
		put_wrapped(fp, "Kalender", "tidak ada kalender libur");
	for (int i = 0; i < r->ncalendars && i < CALENDAR_SET_FILES_MAX; i++) {
		snprintf(line, sizeof(line), "%s (%d); versi %.16s",
			 r->calendars[i].name, r->calendars[i].year,
			 r->calendars[i].version);
		put_wrapped(fp, i ? "" : "Kalender", line);
	}
	snprintf(line, sizeof(line),
		 "versi %.16s (berkas kalender dan %d hari ditambah atau "
		 "dihapus dengan perintah)",
		 r->calendar_facts_version, r->calendar_days_changed);
	put_wrapped(fp, "Fakta libur", line);
	/* every retroactive change that re-judged days of the period */
	for (int i = 0; i < r->nretro && i < REPORT_RETRO_MAX; i++) {
		const struct facts_retro *x = &r->retro[i];

		civil_date_format(x->from_day, d1);
		civil_date_format(x->on_day, d2);
		snprintf(line, sizeof(line),
			 "profil %s (versi %.16s) berlaku surut sejak %s, "
			 "diimpor %s oleh %s (seq %" PRId64 "): %s",
			 x->name, x->version, d1, d2, x->by, x->seq, x->reason);
		put_wrapped(fp, i ? "" : "Ubah surut", line);
	}
	snprintf(line, sizeof(line), "seq %" PRId64 ", kepala %.16s",
		 r->ledger_seq, r->ledger_head);
	put_wrapped(fp, "Buku besar", line);
	export_stamp(r, stamp);
	put_wrapped(fp, "Dibuat pada", stamp);
}

static const char *const counts_head[] = {
	"Nama", "Jabatan", "HKE",  "Hadir", "Tepat", "TL1",  "TL2",
	"TL3",	"TL4",	   "PSW1", "PSW2",  "PSW3",  "PSW4", "I",
	"S",	"C",	   "DL",   "AR",    "TK",
};
#define COUNTS_NCOLS (sizeof(counts_head) / sizeof(counts_head[0]))

static void counts_fill(struct ttable *t, size_t row, const char *name,
			const char *jabatan, const struct rekap *k)
{
	const uint32_t v[] = {
		k->hari_kerja_efektif,
		k->hadir,
		k->tepat_waktu,
		k->tl[1].count,
		k->tl[2].count,
		k->tl[3].count,
		k->tl[4].count,
		k->psw[1].count,
		k->psw[2].count,
		k->psw[3].count,
		k->psw[4].count,
		k->excuse[EXCUSE_I],
		k->excuse[EXCUSE_S],
		k->excuse[EXCUSE_C],
		k->excuse[EXCUSE_DL],
		k->excuse[EXCUSE_AR],
		k->tk,
	};

	copy_str(tcell(t, row, 0), CELL_MAX, name);
	copy_str(tcell(t, row, 1), CELL_MAX, jabatan);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		snprintf(tcell(t, row, 2 + i), CELL_MAX, "%" PRIu32, v[i]);
}

static const char *const ind_head[] = {
	"Nama",	  "Kehadiran", "Tepat waktu",	     "Absen pulang",
	"TL mnt", "PSW mnt",   "Potongan indikatif",
};

static void ind_fill(struct ttable *t, size_t row, const char *name,
		     const struct rekap *k, const struct export_opts *o)
{
	static const enum rekap_indicator which[] = {
		REKAP_KEHADIRAN,
		REKAP_TEPAT_WAKTU,
		REKAP_ABSEN_PULANG,
	};
	uint32_t tlm = 0, pswm = 0;

	copy_str(tcell(t, row, 0), CELL_MAX, name);
	for (size_t i = 0; i < 3; i++) {
		struct rekap_ratio q;
		char pct[REKAP_PCT_MAX];

		rekap_indicator(k, which[i], &q);
		if (rekap_percent_format(&q, ',', pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		snprintf(tcell(t, row, 1 + i), CELL_MAX,
			 "%" PRIu64 "/%" PRIu64 " %s%s", q.num, q.den, pct,
			 q.den ? " %" : "");
	}
	for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
		tlm += k->tl[b].minutes;
		pswm += k->psw[b].minutes;
	}
	snprintf(tcell(t, row, 4), CELL_MAX, "%" PRIu32, tlm);
	snprintf(tcell(t, row, 5), CELL_MAX, "%" PRIu32, pswm);
	if (export_deduction_on(o)) {
		char pct[REKAP_PCT_MAX];

		if (rekap_cp_format(rekap_deduction_cp(k, o->deduction), ',',
				    pct, sizeof(pct)) < 0)
			pct[0] = '\0';
		snprintf(tcell(t, row, 6), CELL_MAX, "%s %%", pct);
	}
}

static const char *const day_head[] = {
	"Nama", "Jabatan", "Masuk", "Pulang", "Keterangan",
};

static int text_days(FILE *fp, const struct report *r,
		     const struct export_opts *o)
{
	struct ttable t;
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < o->days->n; i++)
		if (o->days->d[i].v.day >= r->first &&
		    o->days->d[i].v.day <= r->last)
			n++;
	rc = ttable_init(&t, 5, n, 2, day_head);
	if (rc)
		return rc;
	/* the status is the widest text: keep it whole, shrink names */
	t.left_last = true;
	n = 0;
	for (size_t i = 0; i < o->days->n; i++) {
		const struct export_day *d = &o->days->d[i];
		char hms[CIVIL_TIME_LEN], st[EXPORT_STATUS_MAX];

		if (d->v.day < r->first || d->v.day > r->last)
			continue;
		copy_str(tcell(&t, n, 0), CELL_MAX, d->name);
		copy_str(tcell(&t, n, 1), CELL_MAX, d->jabatan);
		export_hms(d->v.masuk_sec, hms);
		copy_str(tcell(&t, n, 2), CELL_MAX, hms);
		export_hms(d->v.pulang_sec, hms);
		copy_str(tcell(&t, n, 3), CELL_MAX, hms);
		export_day_status(d, st);
		copy_str(tcell(&t, n, 4), CELL_MAX, st);
		n++;
	}
	fputs("\nMasuk dan pulang (waktu setempat)\n", fp);
	ttable_print(fp, &t);
	free(t.cells);
	return 0;
}

int export_text(FILE *fp, const struct report *r, const struct export_opts *o)
{
	struct ttable t;
	int rc = export_check(r);

	if (rc)
		return rc;
	text_header(fp, r);

	rc = ttable_init(&t, COUNTS_NCOLS, r->npeople + 1, 2, counts_head);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->npeople; i++)
		counts_fill(&t, i, r->people[i].p.name, r->people[i].p.jabatan,
			    &r->people[i].r);
	counts_fill(&t, r->npeople, "Total desa", "", &r->total);
	t.sep_row = (long)r->npeople;
	fputc('\n', fp);
	ttable_print(fp, &t);
	free(t.cells);
	fputs("HKE hari kerja efektif; TL terlambat, PSW pulang sebelum "
	      "waktunya (1-30, 31-60, 61-90,\n>= 91 menit atau tanpa absen); "
	      "I izin, S sakit, C cuti, DL dinas luar, AR alat rusak,\n"
	      "TK tanpa keterangan.\n",
	      fp);

	if (o && o->days && r->kind == CIVIL_PERIOD_DATE) {
		rc = text_days(fp, r, o);
		if (rc)
			return rc;
	}

	rc = ttable_init(&t, export_deduction_on(o) ? 7 : 6, r->npeople + 1, 1,
			 ind_head);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->npeople; i++)
		ind_fill(&t, i, r->people[i].p.name, &r->people[i].r, o);
	ind_fill(&t, r->npeople, "Total desa", &r->total, o);
	t.sep_row = (long)r->npeople;
	fputs("\nIndikator per orang (pembilang/penyebut persen)\n", fp);
	ttable_print(fp, &t);
	free(t.cells);
	if (export_deduction_on(o))
		fputs("Potongan bersifat " REKAP_DEDUCTION_LABEL
		      ", bukan keputusan pemotongan siltap.\n",
		      fp);

	fputs("\nIndikator desa\n", fp);
	for (int i = 0; i < REKAP_INDICATORS; i++) {
		struct rekap_ratio q;
		char txt[EXPORT_RATIO_MAX];

		rekap_indicator(&r->total, (enum rekap_indicator)i, &q);
		export_ratio_text(&q, ',', txt);
		char formula[PD_TEXT_MAX];

		fprintf(fp, "  %-26s %s\n",
			rekap_indicator_label((enum rekap_indicator)i), txt);
		snprintf(formula, sizeof(formula), "(%s)",
			 rekap_indicator_formula((enum rekap_indicator)i));
		put_wrap(fp, "", 4, formula);
	}
	fputc('\n', fp);
	put_wrapped(fp, "Catatan", export_evidence);
	return stream_result(fp);
}

/* ---- short names (ringkas, chart labels) ---- */

#define SHORT_WORDS_MAX 16 /* words of a name considered */

/* A name cut into words for shortening: degrees after a comma and
 * leading titles ("H.", "Hj.", "Drs.") left out. */
struct name_words {
	char buf[PD_NAME_MAX];
	const char *w[SHORT_WORDS_MAX];
	size_t n;
};

static void name_words_split(const char *name, struct name_words *nw)
{
	char *p, *save = NULL;

	copy_str(nw->buf, sizeof(nw->buf), name);
	p = strchr(nw->buf, ',');
	if (p)
		*p = '\0';
	nw->n = 0;
	for (p = strtok_r(nw->buf, " ", &save); p && nw->n < SHORT_WORDS_MAX;
	     p = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(p);

		if (nw->n == 0 && len > 1 && p[len - 1] == '.')
			continue; /* a title before the name */
		nw->w[nw->n++] = p;
	}
}

/* The first character of w that is not ASCII punctuation (all of w's
 * first character if none is), as UTF-8 in out. */
static void word_initial(const char *w, char out[8])
{
	const char *p = w;
	size_t n;

	while (*p && (unsigned char)*p < 0x80 && !isalnum((unsigned char)*p))
		p++;
	if (!*p)
		p = w;
	n = textwidth_cut(p, 1, NULL);
	if (n == 0 || n >= 8) /* wide or invalid: take one byte */
		n = 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Does q fit the form "first j words of p, then the initials of the k
 * words after them"? */
static bool form_fits(const struct name_words *p, const struct name_words *q,
		      size_t j, size_t k)
{
	if (q->n < j + k)
		return false;
	for (size_t i = 0; i < j; i++)
		if (strcmp(p->w[i], q->w[i]) != 0)
			return false;
	for (size_t i = j; i < j + k; i++) {
		char a[8], b[8];

		word_initial(p->w[i], a);
		word_initial(q->w[i], b);
		if (strcmp(a, b) != 0)
			return false;
	}
	return true;
}

static void form_write(const struct name_words *p, size_t j, size_t k,
		       char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < j + k && len < cap; i++) {
		char ini[8];
		int n;

		if (i < j) {
			n = snprintf(buf + len, cap - len, "%s%s", i ? " " : "",
				     p->w[i]);
		} else {
			word_initial(p->w[i], ini);
			n = snprintf(buf + len, cap - len, "%s%s.",
				     i == j ? " " : "", ini);
		}
		if (n > 0)
			len += (size_t)n;
	}
}

void export_short_names(const struct report *r, char (*out)[EXPORT_SHORT_MAX])
{
	struct name_words *nw =
		calloc(r->npeople ? r->npeople : 1, sizeof(*nw));

	for (size_t i = 0; nw && i < r->npeople; i++)
		name_words_split(r->people[i].p.name, &nw[i]);
	for (size_t i = 0; i < r->npeople; i++) {
		const char *name = r->people[i].p.name;
		size_t best = SIZE_MAX;
		bool twin = false;

		/* the shortest form that fits nobody else, the first words
		 * kept whole and the next ones as initials */
		for (size_t j = 1; nw && j <= nw[i].n; j++) {
			for (size_t k = 0; j + k <= nw[i].n; k++) {
				char form[EXPORT_SHORT_MAX];
				bool alone = true;

				for (size_t q = 0; q < r->npeople && alone; q++)
					alone = q == i ||
						!form_fits(&nw[i], &nw[q], j,
							   k);
				if (!alone)
					continue;
				form_write(&nw[i], j, k, form, sizeof(form));
				if (export_utf8_len(form) < best) {
					best = export_utf8_len(form);
					copy_str(out[i], EXPORT_SHORT_MAX,
						 form);
				}
			}
		}
		if (best != SIZE_MAX && best < export_utf8_len(name))
			continue;
		/* no shorter form: the whole name, with the id when someone
		 * has the same name or one that starts with all its words
		 * ("Budi", "Budi Santoso") */
		for (size_t q = 0; q < r->npeople; q++)
			twin |= q != i &&
				(strcmp(name, r->people[q].p.name) == 0 ||
				 (nw && nw[i].n &&
				  form_fits(&nw[i], &nw[q], nw[i].n, 0)));
		if (twin)
			snprintf(out[i], EXPORT_SHORT_MAX, "%s (%s)", name,
				 r->people[i].p.id);
		else
			copy_str(out[i], EXPORT_SHORT_MAX, name);
	}
	free(nw);
}

/* ---- ringkas (WhatsApp) ---- */

enum rk_list { RK_TL, RK_PSW, RK_TK, RK_EXC, RK_BH, RK_BP, RK_LISTS };

static bool rk_in(const struct rekap *k, enum rk_list l)
{
	switch (l) {
	case RK_TL:
		return k->tl[1].count + k->tl[2].count + k->tl[3].count +
			       k->tl[4].count >
		       0;
	case RK_PSW:
		return k->psw[1].count + k->psw[2].count + k->psw[3].count +
			       k->psw[4].count >
		       0;
	case RK_TK:
		return k->tk > 0;
	case RK_EXC:
		for (int e = EXCUSE_I; e < EXCUSE_KINDS; e++)
			if (k->excuse[e])
				return true;
		return false;
	case RK_BH:
		return k->belum_hadir > 0;
	case RK_BP:
		return k->belum_pulang > 0;
	default:
		return false;
	}
}

/* What follows the name in a list entry. */
static void rk_detail(const struct rekap *k, enum rk_list l, bool oneday,
		      char *buf, size_t cap)
{
	uint32_t n = 0, min = 0, none = 0;
	size_t len = 0;

	buf[0] = '\0';
	if (l == RK_TL || l == RK_PSW) {
		const struct rekap_band *b = l == RK_TL ? k->tl : k->psw;

		for (int i = 1; i <= VERDICT_BAND_MAX; i++) {
			n += b[i].count;
			min += b[i].minutes;
		}
		none = l == RK_TL ? k->no_masuk : k->no_pulang;
		if (oneday && none)
			snprintf(buf, cap, " (tanpa absen %s)",
				 l == RK_TL ? "masuk" : "pulang");
		else if (oneday)
			snprintf(buf, cap, " %" PRIu32 " mnt", min);
		else if (none == n)
			snprintf(buf, cap, " %" PRIu32 "x tanpa absen %s", n,
				 l == RK_TL ? "masuk" : "pulang");
		else if (none)
			snprintf(buf, cap,
				 " %" PRIu32 "x %" PRIu32 " mnt (%" PRIu32
				 "x tanpa absen)",
				 n, min, none);
		else
			snprintf(buf, cap, " %" PRIu32 "x %" PRIu32 " mnt", n,
				 min);
	} else if (l == RK_TK && !oneday) {
		snprintf(buf, cap, " %" PRIu32 " hr", k->tk);
	} else if (l == RK_EXC) {
		for (int e = EXCUSE_I; e < EXCUSE_KINDS && len + 8 < cap; e++) {
			int w;

			if (!k->excuse[e])
				continue;
			if (oneday)
				w = snprintf(buf + len, cap - len, "%s%s",
					     len ? " " : " (",
					     verdict_excuse_code(
						     (enum excuse_kind)e));
			else
				w = snprintf(buf + len, cap - len,
					     "%s%s %" PRIu32, len ? " " : " (",
					     verdict_excuse_code(
						     (enum excuse_kind)e),
					     k->excuse[e]);
			if (w > 0)
				len += (size_t)w;
		}
		if (len && len + 1 < cap)
			snprintf(buf + len, cap - len, ")");
	}
}

static void rk_ratio(FILE *fp, const char *label, const struct rekap *k,
		     enum rekap_indicator which)
{
	struct rekap_ratio q;
	char pct[REKAP_PCT_MAX];

	rekap_indicator(k, which, &q);
	if (q.den == 0)
		return; /* nothing to say yet (e.g. today, still open) */
	if (rekap_percent_format(&q, ',', pct, sizeof(pct)) < 0)
		pct[0] = '\0';
	fprintf(fp, "%s: %" PRIu64 "/%" PRIu64 " (%s%s)\n", label, q.num, q.den,
		pct, q.den ? " %" : "");
}

/* How much a person weighs in list l, for showing the heaviest first:
 * days (or counts), then minutes. */
static uint64_t rk_weight(const struct rekap *k, enum rk_list l)
{
	uint64_t days = 0, min = 0;

	switch (l) {
	case RK_TL:
	case RK_PSW:
		for (int b = 1; b <= VERDICT_BAND_MAX; b++) {
			const struct rekap_band *x =
				l == RK_TL ? &k->tl[b] : &k->psw[b];

			days += x->count;
			min += x->minutes;
		}
		break;
	case RK_TK:
		days = k->tk;
		break;
	case RK_EXC:
		for (int e = EXCUSE_I; e < EXCUSE_KINDS; e++)
			days += k->excuse[e];
		break;
	default:
		break;
	}
	return days << 32 | (min > UINT32_MAX ? UINT32_MAX : min);
}

/*
 * One summary.  names: the short names (NULL: whole names); cap_list:
 * at most this many people per list, the heaviest first, the rest
 * counted as "+N lainnya".
 */
static void rk_write(FILE *fp, const struct report *r,
		     char (*names)[EXPORT_SHORT_MAX], size_t cap_list,
		     size_t *order)
{
	static const char *const titles[RK_LISTS] = {
		"Terlambat",	       "Pulang cepat",
		"TK/tanpa keterangan", "Izin/sakit/cuti/DL/AR",
		"Belum hadir",	       "Belum pulang",
	};
	bool oneday = r->first == r->last;
	char stamp[EXPORT_STAMP_MAX];

	fprintf(fp, "*Presensi Desa %s*\n%s\n", r->desa_name, r->label);
	rk_ratio(fp, "Hadir", &r->total, REKAP_KEHADIRAN);
	rk_ratio(fp, "Tepat waktu", &r->total, REKAP_TEPAT_WAKTU);
	rk_ratio(fp, "Absen pulang", &r->total, REKAP_ABSEN_PULANG);
	for (int l = 0; l < RK_LISTS; l++) {
		size_t n = 0;

		/* the people in the list, heaviest first (stable) */
		for (size_t i = 0; i < r->npeople; i++) {
			uint64_t w =
				rk_weight(&r->people[i].r, (enum rk_list)l);
			size_t at = n;

			if (!rk_in(&r->people[i].r, (enum rk_list)l))
				continue;
			while (at > 0 && rk_weight(&r->people[order[at - 1]].r,
						   (enum rk_list)l) < w) {
				order[at] = order[at - 1];
				at--;
			}
			order[at] = i;
			n++;
		}
		if (!n)
			continue;
		fprintf(fp, "%s (%zu): ", titles[l], n);
		for (size_t s = 0; s < n; s++) {
			const struct report_person *rp = &r->people[order[s]];
			char det[64];

			if (s == cap_list) {
				fprintf(fp, "; +%zu lainnya", n - s);
				break;
			}
			rk_detail(&rp->r, (enum rk_list)l, oneday, det,
				  sizeof(det));
			fprintf(fp, "%s%s%s", s ? "; " : "",
				names ? names[order[s]] : rp->p.name, det);
		}
		fputc('\n', fp);
	}
	export_stamp(r, stamp);
	fprintf(fp, "_dibuat %s_\n", stamp);
}

int export_ringkas(FILE *fp, const struct report *r)
{
	/* whole names, then short names, then ever shorter lists, until
	 * the text is under EXPORT_RINGKAS_MAX characters */
	static const size_t caps[] = {
		SIZE_MAX, SIZE_MAX, 20, 15, 12, 10, 8, 6, 5, 4, 3, 2, 1,
	};
	const size_t ntries = sizeof(caps) / sizeof(caps[0]);
	char(*names)[EXPORT_SHORT_MAX] = NULL;
	size_t *order = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc = export_check(r);

	if (rc)
		return rc;
	names = calloc(r->npeople ? r->npeople : 1, sizeof(*names));
	order = calloc(r->npeople ? r->npeople : 1, sizeof(*order));
	if (!names || !order) {
		rc = -ENOMEM;
		goto out;
	}
	export_short_names(r, names);
	for (size_t t = 0; t < ntries; t++) {
		FILE *mem = open_memstream(&buf, &len);

		if (!mem) {
			rc = -ENOMEM;
			goto out;
		}
		rk_write(mem, r, t ? names : NULL, caps[t], order);
		if (fclose(mem) != 0) {
			rc = -ENOMEM;
			goto out;
		}
		if (export_utf8_len(buf) < EXPORT_RINGKAS_MAX ||
		    t + 1 == ntries)
			break;
		free(buf);
		buf = NULL;
	}
	fwrite(buf, 1, len, fp);
	rc = stream_result(fp);
out:
	free(buf);
	free(order);
	free(names);
	return rc;
}
