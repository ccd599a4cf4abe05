/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-built reports for the export tests (unit and integration): verdicts
 * constructed field by field and summed with rekap_add_day, so the tests of
 * the outputs do not depend on report.c or the store.  Header-only (static)
 * because only test programs include it.
 */
#ifndef PRESENSI_EXPORT_FIXTURE_H
#define PRESENSI_EXPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "export.h"
#include "rekap.h"
#include "verdict.h"

#define FX_START     (7 * 3600 + 30 * 60) /* 07:30 */
#define FX_END	     (16 * 3600)	  /* 16:00 */
#define FX_GRACE     59
#define FX_NONE	     VERDICT_NONE_SEC
#define HMS(h, m, s) ((h)*3600 + (m)*60 + (s))

static inline int fx_ceil_min(int32_t sec)
{
	return (sec + 59) / 60;
}

/* A working day with punches at in/out (FX_NONE for none). */
static inline struct verdict fx_hadir(pd_day_t day, int32_t in, int32_t out,
				      unsigned int flags)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	v.day = day;
	v.status = VERDICT_HADIR;
	v.working = v.efektif = v.hadir = true;
	v.start_s = FX_START;
	v.end_s = FX_END;
	v.masuk_sec = in;
	v.pulang_sec = out;
	if (in == FX_NONE) {
		v.no_masuk = true;
		v.tl = VERDICT_BAND_MAX;
	} else {
		v.masuk_flags = flags;
		v.n_accepted++;
		if (in > FX_START + FX_GRACE) {
			v.late_min = fx_ceil_min(in - FX_START);
			v.tl = verdict_band(v.late_min);
		}
	}
	if (out == FX_NONE) {
		v.no_pulang = true;
		v.psw = VERDICT_BAND_MAX;
	} else {
		v.pulang_flags = flags;
		v.n_accepted++;
		if (out < FX_END) {
			v.early_min = fx_ceil_min(FX_END - out);
			v.psw = verdict_band(v.early_min);
		}
	}
	if (flags & PUNCH_F_MANUAL)
		v.n_manual = v.n_accepted;
	if (flags & PUNCH_F_UNTRUSTED)
		v.n_untrusted = v.n_accepted;
	return v;
}

static inline struct verdict fx_status(pd_day_t day, enum verdict_status st,
				       enum excuse_kind ex)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	v.day = day;
	v.status = st;
	v.excuse = ex;
	v.working = st != VERDICT_NONWORKING && st != VERDICT_INACTIVE;
	v.efektif = (st == VERDICT_TK || st == VERDICT_EXCUSED ||
		     st == VERDICT_BELUM_HADIR) &&
		    ex != EXCUSE_C;
	v.hadir = st == VERDICT_EXCUSED && ex == EXCUSE_DL;
	v.provisional = st == VERDICT_BELUM_HADIR;
	v.start_s = v.working ? FX_START : 0;
	v.end_s = v.working ? FX_END : 0;
	v.masuk_sec = v.pulang_sec = FX_NONE;
	if (st == VERDICT_LIBUR)
		v.holiday = CALENDAR_LOKAL;
	return v;
}

struct fx_person {
	const char *id, *name, *jabatan;
};

/* The fixture's owner: report + people + day rows, freed by fx_free. */
struct fx {
	struct report r;
	struct export_days days;
};

static inline void fx_init(struct fx *f, size_t npeople,
			   enum civil_period_kind kind, pd_day_t first,
			   pd_day_t last)
{
	memset(f, 0, sizeof(*f));
	f->r.kind = kind;
	f->r.first = first;
	f->r.last = last;
	civil_period_label(kind, first, f->r.label_id, sizeof(f->r.label_id));
	civil_period_label_id(kind, first, f->r.label, sizeof(f->r.label));
	f->r.today = last;
	f->r.now_sec = HMS(17, 0, 0);
	f->r.offset_min = 420;
	/* 2026-11-30 17:05:00 WIB */
	f->r.built_utc = civil_utc_from_local(civil_from_ymd(2026, 11, 30),
					      HMS(17, 5, 0), 420);
	snprintf(f->r.desa_id, sizeof(f->r.desa_id), "3517010007");
	snprintf(f->r.desa_name, sizeof(f->r.desa_name), "Sukamaju");
	f->r.nprofiles = 1;
	f->r.profiles[0].from_day = first;
	f->r.profiles[0].to_day = last;
	snprintf(f->r.profiles[0].name, sizeof(f->r.profiles[0].name),
		 "PPU 24/2018 5 hari");
	snprintf(f->r.profiles[0].reference, sizeof(f->r.profiles[0].reference),
		 "Perbup Penajam Paser Utara No. 24 Tahun 2018");
	snprintf(f->r.profiles[0].version, sizeof(f->r.profiles[0].version),
		 "%s",
		 "5d0c7a1f3e9b2c4d6a8f0e1d2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e"
		 "6f7");
	f->r.ncalendars = 1;
	f->r.calendars[0].year = 2026;
	snprintf(f->r.calendars[0].name, sizeof(f->r.calendars[0].name),
		 "Hari libur 2026");
	snprintf(f->r.calendars[0].version, sizeof(f->r.calendars[0].version),
		 "%s",
		 "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
		 "f90");
	snprintf(f->r.calendar_facts_version,
		 sizeof(f->r.calendar_facts_version), "%s",
		 "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffe"
		 "e0"
		 "0");
	f->r.calendar_days_changed = 1;
	f->r.nretro = 1;
	f->r.retro[0].seq = 1200;
	f->r.retro[0].from_day = civil_from_ymd(2026, 11, 16);
	f->r.retro[0].on_day = civil_from_ymd(2026, 11, 25);
	snprintf(f->r.retro[0].name, sizeof(f->r.retro[0].name),
		 "PPU 24/2018 5 hari");
	snprintf(f->r.retro[0].version, sizeof(f->r.retro[0].version), "%s",
		 f->r.profiles[0].version);
	snprintf(f->r.retro[0].reason, sizeof(f->r.retro[0].reason),
		 "Perbup 9/2026, berlaku surut");
	snprintf(f->r.retro[0].by, sizeof(f->r.retro[0].by), "sekdes");
	f->r.ledger_seq = 1234;
	snprintf(f->r.ledger_head, sizeof(f->r.ledger_head), "%s",
		 "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff0"
		 "0ff");
	f->r.npeople = npeople;
	f->r.people = calloc(npeople ? npeople : 1, sizeof(*f->r.people));
	rekap_init(&f->r.total);
}

static inline void fx_set_person(struct fx *f, size_t i,
				 const struct fx_person *p)
{
	struct report_person *rp = &f->r.people[i];

	snprintf(rp->p.id, sizeof(rp->p.id), "%s", p->id);
	snprintf(rp->p.name, sizeof(rp->p.name), "%s", p->name);
	snprintf(rp->p.jabatan, sizeof(rp->p.jabatan), "%s", p->jabatan);
	rp->p.since = civil_from_ymd(2020, 1, 1);
	rp->p.until = PD_DAY_OPEN;
	rp->any_active = true;
	rekap_init(&rp->r);
}

/* Adds a day to person i's rekap and to the day rows. */
static inline void fx_add(struct fx *f, size_t i, const struct verdict *v,
			  const char *holiday)
{
	struct report_day d = {
		.person = &f->r.people[i].p,
		.v = v,
		.holiday_name = holiday,
		.profile_name = f->r.profiles[0].name,
	};

	rekap_add_day(&f->r.people[i].r, v);
	if (export_days_collect(&f->days, &d) != 0)
		abort();
}

static inline void fx_finish(struct fx *f)
{
	rekap_init(&f->r.total);
	for (size_t i = 0; i < f->r.npeople; i++)
		rekap_merge(&f->r.total, &f->r.people[i].r);
}

static inline void fx_free(struct fx *f)
{
	free(f->r.people);
	f->r.people = NULL;
	export_days_free(&f->days);
}

/*
 * The November 2026 fixture: four people, the first week of the month,
 * covering on time, TL1, TL2, TL4 (late and no masuk), PSW1, TK, S, C, DL,
 * I, a local holiday, a manual and an untrusted punch, and names that need
 * CSV quoting, HTML escaping and UTF-8.
 */
static inline void fx_month(struct fx *f)
{
	static const struct fx_person people[] = {
		{"3517-001", "Ahmad Fauzi", "Kepala Desa"},
		{"3517-002", "Siti Nur'aini, S.Pd", "Sekretaris Desa"},
		{"3517-003", "Bambang \"Bams\" <Wijaya>", "Kaur Keuangan"},
		{"3517-004", "Dédé Suryadi", "Kepala Dusun Krajan"},
	};
	pd_day_t d0 = civil_from_ymd(2026, 11, 2); /* Monday */
	struct verdict v;

	fx_init(f, 4, CIVIL_PERIOD_MONTH, civil_from_ymd(2026, 11, 1),
		civil_from_ymd(2026, 11, 30));
	for (size_t i = 0; i < 4; i++)
		fx_set_person(f, i, &people[i]);

	v = fx_hadir(d0, HMS(7, 25, 3), HMS(16, 2, 0), 0);
	fx_add(f, 0, &v, NULL);
	v = fx_hadir(d0 + 1, HMS(7, 42, 10), HMS(16, 5, 0), 0); /* TL1 12 */
	fx_add(f, 0, &v, NULL);
	v = fx_hadir(d0 + 2, HMS(8, 15, 0), HMS(16, 0, 0), 0); /* TL2 45 */
	fx_add(f, 0, &v, NULL);
	v = fx_status(d0 + 3, VERDICT_TK, EXCUSE_NONE);
	fx_add(f, 0, &v, NULL);
	v = fx_status(d0 + 4, VERDICT_EXCUSED, EXCUSE_S);
	fx_add(f, 0, &v, NULL);

	v = fx_hadir(d0, HMS(7, 30, 59), HMS(16, 0, 0), 0);
	fx_add(f, 1, &v, NULL);
	v = fx_hadir(d0 + 1, HMS(7, 20, 0), HMS(15, 40, 0), 0); /* PSW1 20 */
	fx_add(f, 1, &v, NULL);
	v = fx_hadir(d0 + 2, HMS(7, 10, 0), HMS(16, 30, 0), PUNCH_F_MANUAL);
	fx_add(f, 1, &v, NULL);
	v = fx_hadir(d0 + 3, HMS(7, 29, 0), HMS(16, 1, 0), PUNCH_F_UNTRUSTED);
	fx_add(f, 1, &v, NULL);
	v = fx_hadir(d0 + 4, HMS(7, 0, 0), HMS(16, 10, 0), 0);
	fx_add(f, 1, &v, NULL);

	v = fx_hadir(d0, HMS(9, 5, 0), HMS(16, 0, 0), 0); /* TL4 95 */
	fx_add(f, 2, &v, NULL);
	v = fx_hadir(d0 + 1, FX_NONE, HMS(16, 0, 0), 0); /* no masuk */
	fx_add(f, 2, &v, NULL);
	v = fx_status(d0 + 2, VERDICT_EXCUSED, EXCUSE_DL);
	fx_add(f, 2, &v, NULL);
	v = fx_status(d0 + 3, VERDICT_EXCUSED, EXCUSE_C);
	fx_add(f, 2, &v, NULL);
	v = fx_hadir(d0 + 4, HMS(7, 31, 0), FX_NONE, 0); /* TL1 1, no pulang */
	fx_add(f, 2, &v, NULL);

	v = fx_status(d0, VERDICT_LIBUR, EXCUSE_NONE);
	fx_add(f, 3, &v, "Hari Jadi Kabupaten");
	v = fx_status(d0 + 1, VERDICT_EXCUSED, EXCUSE_I);
	fx_add(f, 3, &v, NULL);
	v = fx_hadir(d0 + 2, HMS(7, 15, 0), HMS(16, 0, 0), 0);
	fx_add(f, 3, &v, NULL);
	v = fx_hadir(d0 + 3, HMS(7, 15, 0), HMS(14, 20, 0), 0); /* PSW4 100 */
	fx_add(f, 3, &v, NULL);
	v = fx_hadir(d0 + 4, HMS(7, 15, 0), HMS(16, 0, 0), 0);
	fx_add(f, 3, &v, NULL);
	fx_finish(f);
}

/*
 * A desa of n people (n up to 60) over November 2026: 20 working days each
 * (Monday 2 to Friday 27), a mix of on time, TL1..TL4, no masuk, PSW,
 * excuses and TK that differs per person; names and jabatan as a real
 * desa has them (long names, jabatan short enough for one cell line).
 */
static inline void fx_desa(struct fx *f, size_t n)
{
	static const char *const first[] = {
		"Ahmad", "Siti",  "Bambang", "Dwi",    "Raden",
		"Heru",	 "Nur",	  "Agus",    "Endang", "Yusuf",
		"Sri",	 "Teguh", "Lilik",   "Slamet", "Muhammad",
		"Dewi",	 "Budi",  "Rina",    "Joko",   "Wahyu",
	};
	static const char *const rest[] = {
		"Fauzi Rahman",
		"Nurhayati Kusumawardani",
		"Sugiarto Wicaksono",
		"Retno Setyaningsih",
		"Mas Prasetyo",
		"Prasetyo Nugroho",
		"Aini Fitriyah",
		"Salim Hidayatullah",
		"Wahyuningsih",
		"Maulana Ibrahim",
		"Mulyani Handayani",
		"Santoso Wibisono",
		"Suryani Anggraeni",
		"Riyadi Pamungkas",
		"Zainul Arifin",
		"Lestari Puspitasari",
		"Santoso",
		"Wati Kurniasih",
		"Susilo Hadi",
		"Hidayat Saputra",
	};
	static const char *const jabatan[] = {
		"Kepala Desa",	      "Sekretaris Desa",  "Kaur Keuangan",
		"Kaur Umum dan TU",   "Kaur Perencanaan", "Kasi Pemerintahan",
		"Kasi Kesejahteraan", "Kasi Pelayanan",	  "Kepala Dusun",
	};
	pd_day_t d0 = civil_from_ymd(2026, 11, 2); /* Monday */

	fx_init(f, n, CIVIL_PERIOD_MONTH, civil_from_ymd(2026, 11, 1),
		civil_from_ymd(2026, 11, 30));
	for (size_t i = 0; i < n; i++) {
		char id[PD_ID_MAX], name[PD_NAME_MAX];
		struct fx_person p = {id, name, jabatan[i < 8 ? i : 8]};

		snprintf(id, sizeof(id), "3517-%03zu", i + 1);
		snprintf(name, sizeof(name), "%s %s", first[i % 20],
			 rest[(i * 7 + i / 20) % 20]);
		fx_set_person(f, i, &p);
		for (int w = 0; w < 4; w++) {
			for (int k = 0; k < 5; k++) {
				pd_day_t day = d0 + w * 7 + k;
				int r = (int)((i * 7 +
					       (size_t)(w * 5 + k) * 11) %
					      23);
				struct verdict v;

				if (r == 0)
					v = fx_status(day, VERDICT_TK,
						      EXCUSE_NONE);
				else if (r <= 2)
					v = fx_status(day, VERDICT_EXCUSED,
						      (enum excuse_kind)(r));
				else if (r <= 6)
					v = fx_hadir(day,
						     HMS(7, 31, 0) +
							     (r - 3) * 31 * 60,
						     HMS(16, 5, 0), 0);
				else if (r == 7)
					v = fx_hadir(day, FX_NONE,
						     HMS(16, 0, 0), 0);
				else if (r <= 9)
					v = fx_hadir(day, HMS(7, 20, 0),
						     HMS(15, 40, 0) -
							     (r - 8) * 40 * 60,
						     0);
				else
					v = fx_hadir(day, HMS(7, 25, 0),
						     HMS(16, 1, 0), 0);
				fx_add(f, i, &v, NULL);
			}
		}
	}
	fx_finish(f);
}

#endif /* PRESENSI_EXPORT_FIXTURE_H */
