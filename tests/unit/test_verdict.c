// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of verdict.c, one table row per boundary (DOMAIN §3): start,
 * grace, every band edge, window edges, missing masuk/pulang, TK, today and
 * the future, holidays, excuses, manual and untrusted punches, Friday,
 * 6-day and Ramadan hours, profile changes and WIB/WITA/WIT local days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "verdict.h"

#define T(h, m, s) ((h)*3600 + (m)*60 + (s))
#define NONE	   VERDICT_NONE_SEC
#define MAN	   PUNCH_F_MANUAL
#define UNT	   PUNCH_F_UNTRUSTED
#define SUP	   PUNCH_F_SUPPRESSED
#define N(a)	   (sizeof(a) / sizeof((a)[0]))

static pd_day_t D(const char *s)
{
	pd_day_t d = 0;

	assert_int_equal(civil_date_parse(s, &d), 0);
	return d;
}

/* PPU-like Monday: 07:30-16:00, grace 59 s, midpoint windows (11:45). */
static struct day_rule rule_ppu(void)
{
	struct day_rule r = {
		.working = true,
		.start_s = T(7, 30, 0),
		.end_s = T(16, 0, 0),
		.grace_s = 59,
		.masuk = {0, T(11, 45, 0)},
		.pulang = {T(11, 45, 0), 86400},
	};
	return r;
}

/* Bondowoso-like Thursday: 08:00-15:30, windows 07:30-08:10, 15:20-17:00 */
static struct day_rule rule_bdw(void)
{
	struct day_rule r = {
		.working = true,
		.start_s = T(8, 0, 0),
		.end_s = T(15, 30, 0),
		.grace_s = 59,
		.masuk = {T(7, 30, 0), T(8, 10, 0)},
		.pulang = {T(15, 20, 0), T(17, 0, 0)},
	};
	return r;
}

struct row {
	const char *name;
	size_t np;
	struct verdict_punch p[4];
	enum verdict_status st;
	int32_t masuk, late;
	int tl;
	bool no_masuk;
	int32_t pulang, early;
	int psw;
	bool no_pulang;
	unsigned int outside;
};

static void run_rows(const struct day_rule *r, const struct row *rows, size_t n,
		     pd_day_t day, pd_day_t today, int32_t now)
{
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		struct verdict_input in = {
			.day = day,
			.rule = r,
			.active = true,
			.punches = w->p,
			.npunches = w->np,
			.today = today,
			.now_sec = now,
		};
		struct verdict v;

		print_message("      row: %s\n", w->name);
		assert_int_equal(verdict_classify(&in, &v, NULL), 0);
		assert_int_equal(v.status, w->st);
		assert_int_equal(v.masuk_sec, w->masuk);
		assert_int_equal(v.late_min, w->late);
		assert_int_equal(v.tl, w->tl);
		assert_int_equal(v.no_masuk, w->no_masuk);
		assert_int_equal(v.pulang_sec, w->pulang);
		assert_int_equal(v.early_min, w->early);
		assert_int_equal(v.psw, w->psw);
		assert_int_equal(v.no_pulang, w->no_pulang);
		assert_int_equal(v.n_outside, w->outside);
	}
}

#define OUT16                                                                  \
	{                                                                      \
		T(16, 0, 0), 0                                                 \
	}
#define IN07                                                                   \
	{                                                                      \
		T(7, 0, 0), 0                                                  \
	}
#define H VERDICT_HADIR

static void test_verdict_lateness_at_every_boundary_is_banded(void **state)
{
	const struct day_rule r = rule_ppu();
	const struct row rows[] = {
		{"exactly at start",
		 2,
		 {{T(7, 30, 0), 0}, OUT16},
		 H,
		 T(7, 30, 0),
		 0,
		 0,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"at grace end 07:30:59 on time",
		 2,
		 {{T(7, 30, 59), 0}, OUT16},
		 H,
		 T(7, 30, 59),
		 0,
		 0,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"grace + 1 s 07:31:00 = 1 min",
		 2,
		 {{T(7, 31, 0), 0}, OUT16},
		 H,
		 T(7, 31, 0),
		 1,
		 1,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"07:31:01 = 2 min",
		 2,
		 {{T(7, 31, 1), 0}, OUT16},
		 H,
		 T(7, 31, 1),
		 2,
		 1,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:00:00 = 30 TL1",
		 2,
		 {{T(8, 0, 0), 0}, OUT16},
		 H,
		 T(8, 0, 0),
		 30,
		 1,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:00:01 = 31 TL2",
		 2,
		 {{T(8, 0, 1), 0}, OUT16},
		 H,
		 T(8, 0, 1),
		 31,
		 2,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:30:00 = 60 TL2",
		 2,
		 {{T(8, 30, 0), 0}, OUT16},
		 H,
		 T(8, 30, 0),
		 60,
		 2,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:30:01 = 61 TL3",
		 2,
		 {{T(8, 30, 1), 0}, OUT16},
		 H,
		 T(8, 30, 1),
		 61,
		 3,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"09:00:00 = 90 TL3",
		 2,
		 {{T(9, 0, 0), 0}, OUT16},
		 H,
		 T(9, 0, 0),
		 90,
		 3,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"09:00:01 = 91 TL4",
		 2,
		 {{T(9, 0, 1), 0}, OUT16},
		 H,
		 T(9, 0, 1),
		 91,
		 4,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"last second of arrival window",
		 2,
		 {{T(11, 44, 59), 0}, OUT16},
		 H,
		 T(11, 44, 59),
		 255,
		 4,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"midpoint punch is leave window: no masuk TL4 0 min",
		 2,
		 {{T(11, 45, 0), 0}, OUT16},
		 H,
		 NONE,
		 0,
		 4,
		 true,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"first arrival punch is masuk",
		 3,
		 {{T(7, 40, 0), 0}, {T(7, 10, 0), 0}, OUT16},
		 H,
		 T(7, 10, 0),
		 0,
		 0,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
	};
	(void)state;
	run_rows(&r, rows, N(rows), D("2026-03-02"), D("2026-04-01"), 0);
}

static void test_verdict_early_leave_at_every_boundary_is_banded(void **state)
{
	const struct day_rule r = rule_ppu();
	const struct row rows[] = {
		{"exactly at end",
		 2,
		 {IN07, {T(16, 0, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"15:59:59 = 1 PSW1 (no grace)",
		 2,
		 {IN07, {T(15, 59, 59), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(15, 59, 59),
		 1,
		 1,
		 false,
		 0},
		{"15:30:00 = 30 PSW1",
		 2,
		 {IN07, {T(15, 30, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(15, 30, 0),
		 30,
		 1,
		 false,
		 0},
		{"15:29:59 = 31 PSW2",
		 2,
		 {IN07, {T(15, 29, 59), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(15, 29, 59),
		 31,
		 2,
		 false,
		 0},
		{"15:00:00 = 60 PSW2",
		 2,
		 {IN07, {T(15, 0, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(15, 0, 0),
		 60,
		 2,
		 false,
		 0},
		{"14:59:59 = 61 PSW3",
		 2,
		 {IN07, {T(14, 59, 59), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(14, 59, 59),
		 61,
		 3,
		 false,
		 0},
		{"14:30:00 = 90 PSW3",
		 2,
		 {IN07, {T(14, 30, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(14, 30, 0),
		 90,
		 3,
		 false,
		 0},
		{"14:29:59 = 91 PSW4",
		 2,
		 {IN07, {T(14, 29, 59), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(14, 29, 59),
		 91,
		 4,
		 false,
		 0},
		{"no pulang: PSW4 0 min + column",
		 1,
		 {IN07},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 4,
		 true,
		 0},
		{"last leave punch is pulang",
		 3,
		 {IN07, {T(17, 0, 0), 0}, {T(16, 30, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(17, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"no punch: TK",
		 0,
		 {IN07},
		 VERDICT_TK,
		 NONE,
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 0,
		 false,
		 0},
		{"suppressed taps never change the verdict",
		 3,
		 {IN07, {T(7, 1, 0), SUP}, {T(15, 0, 0), SUP}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 4,
		 true,
		 0},
		{"only suppressed: TK",
		 1,
		 {{T(7, 0, 0), SUP}},
		 VERDICT_TK,
		 NONE,
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 0,
		 false,
		 0},
	};
	(void)state;
	run_rows(&r, rows, N(rows), D("2026-03-02"), D("2026-04-01"), 0);
}

static void test_verdict_window_edges_decide_masuk_and_pulang(void **state)
{
	const struct day_rule r = rule_bdw();
	const struct row rows[] = {
		{"07:29:59 before arrival window: outside",
		 2,
		 {{T(7, 29, 59), 0}, {T(15, 30, 0), 0}},
		 H,
		 NONE,
		 0,
		 4,
		 true,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 1},
		{"07:30:00 window opens",
		 2,
		 {{T(7, 30, 0), 0}, {T(15, 30, 0), 0}},
		 H,
		 T(7, 30, 0),
		 0,
		 0,
		 false,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:00:59 grace end",
		 2,
		 {{T(8, 0, 59), 0}, {T(15, 30, 0), 0}},
		 H,
		 T(8, 0, 59),
		 0,
		 0,
		 false,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:09:59 last second of window: 10 min",
		 2,
		 {{T(8, 9, 59), 0}, {T(15, 30, 0), 0}},
		 H,
		 T(8, 9, 59),
		 10,
		 1,
		 false,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 0},
		{"08:10:00 window closed: outside, no masuk",
		 2,
		 {{T(8, 10, 0), 0}, {T(15, 30, 0), 0}},
		 H,
		 NONE,
		 0,
		 4,
		 true,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 1},
		{"15:19:59 before leave window: no pulang",
		 2,
		 {{T(7, 45, 0), 0}, {T(15, 19, 59), 0}},
		 H,
		 T(7, 45, 0),
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 4,
		 true,
		 1},
		{"15:20:00 leave window opens: 10 min early",
		 2,
		 {{T(7, 45, 0), 0}, {T(15, 20, 0), 0}},
		 H,
		 T(7, 45, 0),
		 0,
		 0,
		 false,
		 T(15, 20, 0),
		 10,
		 1,
		 false,
		 0},
		{"16:59:59 last second of leave window",
		 2,
		 {{T(7, 45, 0), 0}, {T(16, 59, 59), 0}},
		 H,
		 T(7, 45, 0),
		 0,
		 0,
		 false,
		 T(16, 59, 59),
		 0,
		 0,
		 false,
		 0},
		{"17:00:00 leave window closed: outside",
		 2,
		 {{T(7, 45, 0), 0}, {T(17, 0, 0), 0}},
		 H,
		 T(7, 45, 0),
		 0,
		 0,
		 false,
		 NONE,
		 0,
		 4,
		 true,
		 1},
		{"noon punch listed, not used",
		 3,
		 {{T(7, 45, 0), 0}, {T(12, 0, 0), 0}, {T(15, 30, 0), 0}},
		 H,
		 T(7, 45, 0),
		 0,
		 0,
		 false,
		 T(15, 30, 0),
		 0,
		 0,
		 false,
		 1},
		{"only an outside punch: hadir, TL4 and PSW4",
		 1,
		 {{T(12, 0, 0), 0}},
		 H,
		 NONE,
		 0,
		 4,
		 true,
		 NONE,
		 0,
		 4,
		 true,
		 1},
	};
	(void)state;
	run_rows(&r, rows, N(rows), D("2026-03-05"), D("2026-04-01"), 0);
}

static void test_verdict_today_before_leave_closes_is_pending(void **state)
{
	const struct day_rule ppu = rule_ppu(), bdw = rule_bdw();
	static const struct {
		const char *name;
		int bondowoso;
		int32_t now;
		size_t np;
		struct verdict_punch p[2];
		enum verdict_status st;
		int tl, psw;
		bool no_masuk, no_pulang, provisional, efektif;
	} rows[] = {
		{"no punch at 10:00: belum hadir",
		 0,
		 T(10, 0, 0),
		 0,
		 {{0}},
		 VERDICT_BELUM_HADIR,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"no punch at 23:59:59: still belum hadir",
		 0,
		 T(23, 59, 59),
		 0,
		 {{0}},
		 VERDICT_BELUM_HADIR,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"late masuk, no pulang yet: TL counts, no PSW4",
		 0,
		 T(10, 0, 0),
		 1,
		 {{T(7, 40, 0), 0}},
		 VERDICT_BELUM_PULANG,
		 1,
		 0,
		 false,
		 false,
		 true,
		 true},
		{"early pulang so far: provisional PSW",
		 0,
		 T(15, 0, 0),
		 2,
		 {{T(7, 0, 0), 0}, {T(14, 30, 0), 0}},
		 VERDICT_HADIR,
		 0,
		 3,
		 false,
		 false,
		 true,
		 true},
		{"window closes 17:00: 16:59:59 still belum hadir",
		 1,
		 T(16, 59, 59),
		 0,
		 {{0}},
		 VERDICT_BELUM_HADIR,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"window closed at 17:00:00: TK",
		 1,
		 T(17, 0, 0),
		 0,
		 {{0}},
		 VERDICT_TK,
		 0,
		 0,
		 false,
		 false,
		 false,
		 true},
		{"after 17:00 with masuk only: PSW4",
		 1,
		 T(17, 0, 0),
		 1,
		 {{T(7, 45, 0), 0}},
		 VERDICT_HADIR,
		 0,
		 4,
		 false,
		 true,
		 false,
		 true},
		{"punch before arrival window opens: no TL4 yet",
		 1,
		 T(7, 20, 0),
		 1,
		 {{T(7, 0, 0), 0}},
		 VERDICT_BELUM_PULANG,
		 0,
		 0,
		 false,
		 false,
		 true,
		 true},
		{"arrival window closed, no masuk: TL4",
		 1,
		 T(9, 0, 0),
		 1,
		 {{T(7, 0, 0), 0}},
		 VERDICT_BELUM_PULANG,
		 4,
		 0,
		 true,
		 false,
		 true,
		 true},
	};
	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		struct verdict_input in = {
			.day = D("2026-03-05"),
			.rule = rows[i].bondowoso ? &bdw : &ppu,
			.active = true,
			.punches = rows[i].p,
			.npunches = rows[i].np,
			.today = D("2026-03-05"),
			.now_sec = rows[i].now,
		};
		struct verdict v;

		print_message("      row: %s\n", rows[i].name);
		assert_int_equal(verdict_classify(&in, &v, NULL), 0);
		assert_int_equal(v.status, rows[i].st);
		assert_int_equal(v.tl, rows[i].tl);
		assert_int_equal(v.psw, rows[i].psw);
		assert_int_equal(v.no_masuk, rows[i].no_masuk);
		assert_int_equal(v.no_pulang, rows[i].no_pulang);
		assert_int_equal(v.provisional, rows[i].provisional);
		assert_int_equal(v.efektif, rows[i].efektif);
	}
}

static void test_verdict_future_day_is_not_counted(void **state)
{
	const struct day_rule r = rule_ppu();
	struct verdict_punch p[1] = {{T(7, 0, 0), UNT}};
	enum verdict_role roles[1];
	struct verdict_input in = {
		.day = D("2026-03-06"),
		.rule = &r,
		.active = true,
		.punches = p,
		.npunches = 1,
		.today = D("2026-03-05"),
		.now_sec = T(23, 0, 0),
	};
	struct verdict v;

	(void)state;
	assert_int_equal(verdict_classify(&in, &v, roles), 0);
	assert_int_equal(v.status, VERDICT_FUTURE);
	assert_false(v.efektif);
	assert_false(v.hadir);
	assert_int_equal(v.n_accepted, 0);
	assert_int_equal(v.n_untrusted, 0);
	assert_int_equal(roles[0], VERDICT_ROLE_OFFDAY);
}

static void test_verdict_days_off_come_before_punches(void **state)
{
	const struct day_rule r = rule_ppu();
	struct day_rule off = {.working = false};
	struct verdict_punch p[2] = {{T(7, 0, 0), 0}, {T(16, 0, 0), 0}};
	static const struct {
		const char *name;
		int rule; /* 0 working, 1 off, 2 NULL */
		enum calendar_kind holiday;
		bool active;
		enum verdict_status st;
	} rows[] = {
		{"libur nasional", 0, CALENDAR_LIBUR, true, VERDICT_LIBUR},
		{"libur lokal", 0, CALENDAR_LOKAL, true, VERDICT_LIBUR},
		{"cuti bersama", 0, CALENDAR_CUTI_BERSAMA, true,
		 VERDICT_CUTI_BERSAMA},
		{"weekday off", 1, CALENDAR_NONE, true, VERDICT_NONWORKING},
		{"holiday on a weekday off", 1, CALENDAR_LIBUR, true,
		 VERDICT_NONWORKING},
		{"no profile in force", 2, CALENDAR_NONE, true,
		 VERDICT_NONWORKING},
		{"inactive person", 0, CALENDAR_NONE, false, VERDICT_INACTIVE},
	};
	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		enum verdict_role roles[2] = {VERDICT_ROLE_MASUK,
					      VERDICT_ROLE_MASUK};
		struct verdict_input in = {
			.day = D("2026-03-02"),
			.rule = rows[i].rule == 0   ? &r
				: rows[i].rule == 1 ? &off
						    : NULL,
			.holiday = rows[i].holiday,
			.active = rows[i].active,
			.punches = p,
			.npunches = 2,
			.today = D("2026-04-01"),
		};
		struct verdict v;

		print_message("      row: %s\n", rows[i].name);
		assert_int_equal(verdict_classify(&in, &v, roles), 0);
		assert_int_equal(v.status, rows[i].st);
		assert_false(v.efektif);
		assert_false(v.hadir);
		assert_int_equal(v.tl, 0);
		assert_int_equal(v.psw, 0);
		assert_int_equal(v.n_accepted, 2); /* still data-quality */
		assert_int_equal(roles[0], VERDICT_ROLE_OFFDAY);
		assert_int_equal(roles[1], VERDICT_ROLE_OFFDAY);
	}
}

static void test_verdict_excuses_cancel_what_they_cover(void **state)
{
	const struct day_rule r = rule_ppu();
	/* late 31 min (TL2) and 60 min early (PSW2) */
	struct verdict_punch late_early[2] = {{T(8, 0, 1), 0},
					      {T(15, 0, 0), 0}};
	static const struct {
		const char *name;
		bool punches;
		struct verdict_excuse x[2];
		size_t nx;
		enum verdict_status st;
		enum excuse_kind kind;
		int tl, psw;
		bool late_exc, early_exc, efektif, hadir;
	} rows[] = {
		{"no excuse",
		 true,
		 {{0}},
		 0,
		 VERDICT_HADIR,
		 EXCUSE_NONE,
		 2,
		 2,
		 false,
		 false,
		 true,
		 true},
		{"sakit full day, no punch",
		 false,
		 {{EXCUSE_S, EXCUSE_FULL_DAY, false}},
		 1,
		 VERDICT_EXCUSED,
		 EXCUSE_S,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"izin full day, no punch",
		 false,
		 {{EXCUSE_I, EXCUSE_FULL_DAY, false}},
		 1,
		 VERDICT_EXCUSED,
		 EXCUSE_I,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"cuti leaves hari kerja efektif",
		 false,
		 {{EXCUSE_C, EXCUSE_FULL_DAY, false}},
		 1,
		 VERDICT_EXCUSED,
		 EXCUSE_C,
		 0,
		 0,
		 false,
		 false,
		 false,
		 false},
		{"dinas luar counts as hadir",
		 false,
		 {{EXCUSE_DL, EXCUSE_FULL_DAY, false}},
		 1,
		 VERDICT_EXCUSED,
		 EXCUSE_DL,
		 0,
		 0,
		 false,
		 false,
		 true,
		 true},
		{"full day overrides TL and PSW",
		 true,
		 {{EXCUSE_AR, EXCUSE_FULL_DAY, false}},
		 1,
		 VERDICT_EXCUSED,
		 EXCUSE_AR,
		 0,
		 0,
		 true,
		 true,
		 true,
		 true},
		{"izin terlambat cancels only TL",
		 true,
		 {{EXCUSE_I, EXCUSE_LATE_IN, false}},
		 1,
		 VERDICT_HADIR,
		 EXCUSE_NONE,
		 0,
		 2,
		 true,
		 false,
		 true,
		 true},
		{"izin pulang cepat cancels only PSW",
		 true,
		 {{EXCUSE_I, EXCUSE_EARLY_OUT, false}},
		 1,
		 VERDICT_HADIR,
		 EXCUSE_NONE,
		 2,
		 0,
		 false,
		 true,
		 true,
		 true},
		{"partial excuse without punch: still TK",
		 false,
		 {{EXCUSE_I, EXCUSE_LATE_IN, false}},
		 1,
		 VERDICT_TK,
		 EXCUSE_NONE,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"revoked full-day excuse: TK",
		 false,
		 {{EXCUSE_S, EXCUSE_FULL_DAY, true}},
		 1,
		 VERDICT_TK,
		 EXCUSE_NONE,
		 0,
		 0,
		 false,
		 false,
		 true,
		 false},
		{"revoked partial: TL stays",
		 true,
		 {{EXCUSE_I, EXCUSE_LATE_IN, true}},
		 1,
		 VERDICT_HADIR,
		 EXCUSE_NONE,
		 2,
		 2,
		 false,
		 false,
		 true,
		 true},
		{"latest full-day entry wins",
		 false,
		 {{EXCUSE_S, EXCUSE_FULL_DAY, false},
		  {EXCUSE_C, EXCUSE_FULL_DAY, false}},
		 2,
		 VERDICT_EXCUSED,
		 EXCUSE_C,
		 0,
		 0,
		 false,
		 false,
		 false,
		 false},
	};
	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		struct verdict_input in = {
			.day = D("2026-03-02"),
			.rule = &r,
			.active = true,
			.punches = rows[i].punches ? late_early : NULL,
			.npunches = rows[i].punches ? 2 : 0,
			.excuses = rows[i].x,
			.nexcuses = rows[i].nx,
			.today = D("2026-04-01"),
		};
		struct verdict v;

		print_message("      row: %s\n", rows[i].name);
		assert_int_equal(verdict_classify(&in, &v, NULL), 0);
		assert_int_equal(v.status, rows[i].st);
		assert_int_equal(v.excuse, rows[i].kind);
		assert_int_equal(v.tl, rows[i].tl);
		assert_int_equal(v.psw, rows[i].psw);
		assert_int_equal(v.late_excused, rows[i].late_exc);
		assert_int_equal(v.early_excused, rows[i].early_exc);
		assert_int_equal(v.efektif, rows[i].efektif);
		assert_int_equal(v.hadir, rows[i].hadir);
	}
}

static void test_verdict_manual_never_replaces_reader_punch(void **state)
{
	const struct day_rule r = rule_ppu();
	const struct row rows[] = {
		{"earlier manual masuk loses to reader",
		 3,
		 {{T(7, 20, 0), MAN}, {T(7, 45, 0), 0}, OUT16},
		 H,
		 T(7, 45, 0),
		 15,
		 1,
		 false,
		 T(16, 0, 0),
		 0,
		 0,
		 false,
		 0},
		{"later manual pulang loses to reader",
		 3,
		 {IN07, {T(15, 0, 0), 0}, {T(16, 30, 0), MAN}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(15, 0, 0),
		 60,
		 2,
		 false,
		 0},
		{"manual only: judged like a reader punch",
		 2,
		 {{T(7, 50, 0), MAN}, {T(15, 59, 0), MAN}},
		 H,
		 T(7, 50, 0),
		 20,
		 1,
		 false,
		 T(15, 59, 0),
		 1,
		 1,
		 false,
		 0},
		{"manual fills the role the reader missed",
		 2,
		 {{T(7, 0, 0), MAN}, {T(16, 5, 0), 0}},
		 H,
		 T(7, 0, 0),
		 0,
		 0,
		 false,
		 T(16, 5, 0),
		 0,
		 0,
		 false,
		 0},
	};
	struct verdict_punch p[3] = {
		{T(7, 20, 0), MAN}, {T(7, 45, 0), 0}, {T(16, 0, 0), 0}};
	struct verdict_input in = {
		.day = D("2026-03-02"),
		.rule = &r,
		.active = true,
		.punches = p,
		.npunches = 3,
		.today = D("2026-04-01"),
	};
	enum verdict_role roles[3];
	struct verdict v;

	(void)state;
	run_rows(&r, rows, N(rows), D("2026-03-02"), D("2026-04-01"), 0);
	assert_int_equal(verdict_classify(&in, &v, roles), 0);
	assert_int_equal(v.n_manual, 1);
	assert_int_equal(v.masuk_flags & MAN, 0);
	assert_int_equal(roles[0], VERDICT_ROLE_OTHER);
	assert_int_equal(roles[1], VERDICT_ROLE_MASUK);
	assert_int_equal(roles[2], VERDICT_ROLE_PULANG);
}

static void test_verdict_untrusted_punch_judged_at_recorded_time(void **state)
{
	const struct day_rule r = rule_ppu();
	struct verdict_punch p[3] = {{T(8, 0, 1), UNT},
				     {T(16, 0, 0), UNT | MAN},
				     {T(12, 0, 0), SUP | UNT}};
	struct verdict_input in = {
		.day = D("2026-03-02"),
		.rule = &r,
		.active = true,
		.punches = p,
		.npunches = 3,
		.today = D("2026-04-01"),
	};
	enum verdict_role roles[3];
	struct verdict v;

	(void)state;
	assert_int_equal(verdict_classify(&in, &v, roles), 0);
	assert_int_equal(v.late_min, 31);
	assert_int_equal(v.tl, 2);
	assert_true(v.masuk_flags & UNT);
	assert_int_equal(v.n_accepted, 2);
	assert_int_equal(v.n_untrusted, 2);
	assert_int_equal(v.n_manual, 1);
	assert_int_equal(v.n_suppressed, 1);
	assert_int_equal(roles[2], VERDICT_ROLE_SUPPRESSED);
}

static void test_verdict_bad_input_is_einval_and_out_untouched(void **state)
{
	const struct day_rule r = rule_ppu();
	struct verdict_punch p[1] = {{86400, 0}};
	struct verdict_excuse x[1] = {{EXCUSE_NONE, EXCUSE_FULL_DAY, false}};
	struct verdict_input in = {
		.day = 1,
		.rule = &r,
		.active = true,
		.today = 2,
	};
	struct verdict v;

	(void)state;
	memset(&v, 0x5a, sizeof(v));
	in.punches = p;
	in.npunches = 1;
	assert_int_equal(verdict_classify(&in, &v, NULL), -EINVAL);
	p[0].sec = -1;
	assert_int_equal(verdict_classify(&in, &v, NULL), -EINVAL);
	in.punches = NULL;
	assert_int_equal(verdict_classify(&in, &v, NULL), -EINVAL);
	in.npunches = 0;
	in.excuses = x;
	in.nexcuses = 1;
	assert_int_equal(verdict_classify(&in, &v, NULL), -EINVAL);
	assert_int_equal(v.status, 0x5a5a5a5a);
}

/* Profiles parsed from text, resolved per day through a rules_set. */
#define PROFILE_5                                                              \
	"[profile]\nname = P5\nreference = R\ngrace_s = 59\nweek = 5\n"        \
	"[hours]\nmon = 07:30-16:00\ntue = 07:30-16:00\n"                      \
	"wed = 07:30-16:00\nthu = 07:30-16:00\nfri = 07:30-11:00\n"            \
	"sat = libur\nsun = libur\n"
#define PROFILE_6                                                              \
	"[profile]\nname = P6\nreference = R\ngrace_s = 59\nweek = 6\n"        \
	"[hours]\nmon = 07:30-14:30\ntue = 07:30-14:30\n"                      \
	"wed = 07:30-14:30\nthu = 07:30-14:30\nfri = 07:30-11:00\n"            \
	"sat = 07:30-13:30\nsun = libur\n"
#define RAMADAN                                                                \
	"[ramadan]\nfrom = 2026-02-18\nto = 2026-03-19\n"                      \
	"mon = 08:00-15:00\ntue = 08:00-15:00\nwed = 08:00-15:00\n"            \
	"thu = 08:00-15:00\nfri = 08:00-11:30\n"

static void parse_profile(const char *text, struct rules_profile *p)
{
	char buf[2048], err[1024] = "";
	FILE *f;

	strcpy(buf, text);
	f = fmemopen(buf, strlen(buf), "r");
	assert_non_null(f);
	if (rules_parse(f, "t.ini", p, err, sizeof(err)))
		fail_msg("%s", err);
	fclose(f);
}

static struct verdict judge_day(const struct rules_set *s, const char *day,
				int32_t in_s, int32_t out_s)
{
	struct day_rule r;
	struct verdict_punch p[2] = {{in_s, 0}, {out_s, 0}};
	struct verdict_input in = {
		.day = D(day),
		.active = true,
		.punches = p,
		.npunches = 2,
		.today = D("2026-12-31"),
	};
	struct verdict v;

	in.rule = rules_set_day(s, D(day), &r) == 0 ? &r : NULL;
	assert_int_equal(verdict_classify(&in, &v, NULL), 0);
	return v;
}

static void test_verdict_friday_6day_and_ramadan_hours(void **state)
{
	static struct rules_set five, six, ram;
	static struct rules_profile p;
	static const struct {
		const char *name;
		int set; /* 0 five, 1 six, 2 ramadan */
		const char *day;
		int32_t in_s, out_s;
		enum verdict_status st;
		int32_t late, early;
	} rows[] = {
		{"Friday ends 11:00", 0, "2026-03-06", T(7, 30, 0), T(11, 0, 0),
		 VERDICT_HADIR, 0, 0},
		{"Thursday 12:00 is 240 min early", 0, "2026-03-05",
		 T(7, 30, 0), T(12, 0, 0), VERDICT_HADIR, 0, 240},
		{"5-day Saturday is off", 0, "2026-03-07", T(7, 30, 0),
		 T(13, 30, 0), VERDICT_NONWORKING, 0, 0},
		{"6-day Saturday ends 13:30", 1, "2026-03-07", T(7, 30, 0),
		 T(13, 30, 0), VERDICT_HADIR, 0, 0},
		{"6-day Monday ends 14:30", 1, "2026-03-09", T(7, 30, 0),
		 T(14, 0, 0), VERDICT_HADIR, 0, 30},
		{"Ramadan Monday starts 08:00", 2, "2026-03-02", T(7, 45, 0),
		 T(15, 0, 0), VERDICT_HADIR, 0, 0},
		{"Ramadan last day", 2, "2026-03-19", T(8, 1, 1), T(15, 0, 0),
		 VERDICT_HADIR, 2, 0},
		{"after Ramadan back to 07:30", 2, "2026-03-23", T(7, 45, 0),
		 T(16, 0, 0), VERDICT_HADIR, 15, 0},
		{"Ramadan Friday ends 11:30", 2, "2026-03-13", T(7, 45, 0),
		 T(11, 0, 0), VERDICT_HADIR, 0, 30},
	};
	const struct rules_set *sets[3] = {&five, &six, &ram};

	(void)state;
	rules_set_init(&five);
	rules_set_init(&six);
	rules_set_init(&ram);
	parse_profile(PROFILE_5, &p);
	assert_int_equal(rules_set_add(&five, 0, &p), 0);
	parse_profile(PROFILE_6, &p);
	assert_int_equal(rules_set_add(&six, 0, &p), 0);
	parse_profile(PROFILE_5 RAMADAN, &p);
	assert_int_equal(rules_set_add(&ram, 0, &p), 0);
	for (size_t i = 0; i < N(rows); i++) {
		struct verdict v = judge_day(sets[rows[i].set], rows[i].day,
					     rows[i].in_s, rows[i].out_s);

		print_message("      row: %s\n", rows[i].name);
		assert_int_equal(v.status, rows[i].st);
		assert_int_equal(v.late_min, rows[i].late);
		assert_int_equal(v.early_min, rows[i].early);
	}
}

static void
test_verdict_profile_change_mid_month_keeps_earlier_days(void **state)
{
	static struct rules_set s;
	static struct rules_profile a, b;
	struct verdict before, after, again;

	(void)state;
	parse_profile(PROFILE_5, &a);
	parse_profile(PROFILE_5 RAMADAN, &b);
	/* b's Ramadan range covers 2026-03-02..19; it takes effect 03-16 */
	rules_set_init(&s);
	assert_int_equal(rules_set_add(&s, D("2026-01-01"), &a), 0);
	before = judge_day(&s, "2026-03-12", T(7, 45, 0), T(16, 0, 0));
	assert_int_equal(before.late_min, 15);
	assert_int_equal(rules_set_add(&s, D("2026-03-16"), &b), 0);
	again = judge_day(&s, "2026-03-12", T(7, 45, 0), T(16, 0, 0));
	after = judge_day(&s, "2026-03-17", T(7, 45, 0), T(15, 0, 0));
	assert_int_equal(again.late_min, 15); /* not re-judged */
	assert_int_equal(again.tl, 1);
	assert_int_equal(after.late_min, 0);
	assert_int_equal(after.early_min, 0);
	/* before the first profile: no rule, not a working day */
	assert_int_equal(
		judge_day(&s, "2025-12-31", T(7, 45, 0), T(16, 0, 0)).status,
		VERDICT_NONWORKING);
}

static void test_verdict_zone_decides_local_day_and_lateness(void **state)
{
	static struct rules_set s;
	static struct rules_profile p;
	/* 2026-03-02T00:40:00Z and 2026-03-01T16:30:00Z */
	const int64_t morning = (int64_t)D("2026-03-02") * 86400 + 40 * 60;
	const int64_t evening = (int64_t)D("2026-03-01") * 86400 + T(16, 30, 0);
	static const struct {
		const char *zone;
		int which; /* 0 morning, 1 evening */
		const char *day;
		enum verdict_status st;
		int32_t late;
		int tl;
	} rows[] = {
		{"Asia/Jakarta", 0, "2026-03-02", VERDICT_HADIR, 10, 1},
		{"Asia/Makassar", 0, "2026-03-02", VERDICT_HADIR, 70, 3},
		{"Asia/Jayapura", 0, "2026-03-02", VERDICT_HADIR, 130, 4},
		/* 23:30 Sunday in WIB; 00:30 / 01:30 Monday further east */
		{"Asia/Jakarta", 1, "2026-03-01", VERDICT_NONWORKING, 0, 0},
		{"Asia/Makassar", 1, "2026-03-02", VERDICT_HADIR, 0, 0},
		{"Asia/Jayapura", 1, "2026-03-02", VERDICT_HADIR, 0, 0},
	};
	(void)state;
	parse_profile(PROFILE_5, &p);
	rules_set_init(&s);
	assert_int_equal(rules_set_add(&s, 0, &p), 0);
	for (size_t i = 0; i < N(rows); i++) {
		int32_t off, sec;
		pd_day_t day;
		struct day_rule r;
		struct verdict_punch punch;
		struct verdict_input in = {.active = true,
					   .npunches = 1,
					   .today = D("2026-12-31")};
		struct verdict v;

		assert_int_equal(civil_tz_offset(rows[i].zone, &off), 0);
		civil_local_from_utc(rows[i].which ? evening : morning, off,
				     &day, &sec);
		assert_int_equal(day, D(rows[i].day));
		assert_int_equal(rules_set_day(&s, day, &r), 0);
		punch.sec = sec;
		punch.flags = 0;
		in.day = day;
		in.rule = &r;
		in.punches = &punch;
		assert_int_equal(verdict_classify(&in, &v, NULL), 0);
		assert_int_equal(v.status, rows[i].st);
		assert_int_equal(v.late_min, rows[i].late);
		assert_int_equal(v.tl, rows[i].tl);
	}
}

static void test_verdict_mark_punch_picks_the_light(void **state)
{
	const struct day_rule ppu = rule_ppu(), bdw = rule_bdw();
	struct day_rule off = {.working = false};
	static const struct {
		int rule; /* 0 ppu, 1 bdw, 2 off, 3 NULL */
		enum calendar_kind hol;
		int32_t sec;
		bool have_masuk;
		enum verdict_mark mark;
	} rows[] = {
		{0, CALENDAR_NONE, T(7, 30, 59), false, VERDICT_MARK_ON_TIME},
		{0, CALENDAR_NONE, T(7, 31, 0), false, VERDICT_MARK_LATE},
		{0, CALENDAR_NONE, T(7, 31, 0), true, VERDICT_MARK_ON_TIME},
		{0, CALENDAR_NONE, T(15, 59, 59), true, VERDICT_MARK_EARLY},
		{0, CALENDAR_NONE, T(16, 0, 0), true, VERDICT_MARK_ON_TIME},
		{0, CALENDAR_NONE, T(12, 0, 0), false, VERDICT_MARK_EARLY},
		{1, CALENDAR_NONE, T(7, 29, 59), false, VERDICT_MARK_OUTSIDE},
		{1, CALENDAR_NONE, T(8, 9, 59), false, VERDICT_MARK_LATE},
		{1, CALENDAR_NONE, T(8, 10, 0), false, VERDICT_MARK_OUTSIDE},
		{1, CALENDAR_NONE, T(15, 20, 0), true, VERDICT_MARK_EARLY},
		{1, CALENDAR_NONE, T(17, 0, 0), true, VERDICT_MARK_OUTSIDE},
		{0, CALENDAR_LIBUR, T(7, 0, 0), false, VERDICT_MARK_NONWORKING},
		{2, CALENDAR_NONE, T(7, 0, 0), false, VERDICT_MARK_NONWORKING},
		{3, CALENDAR_NONE, T(7, 0, 0), false, VERDICT_MARK_NONWORKING},
	};
	const struct day_rule *rules[4] = {&ppu, &bdw, &off, NULL};

	(void)state;
	for (size_t i = 0; i < N(rows); i++)
		assert_int_equal(verdict_mark_punch(rules[rows[i].rule],
						    rows[i].hol, rows[i].sec,
						    rows[i].have_masuk),
				 rows[i].mark);
}

/* A short Friday whose windows overlap (DOMAIN §2.1, §3.3): 07:30-11:00,
 * masuk 07:00-10:00, pulang 09:00-12:00, parsed from a profile file. */
#define OVERLAP_PROFILE                                                        \
	"[profile]\nname = Jumat pendek\nreference = Perbup Uji\n"             \
	"grace_s = 59\n[hours]\nmon = 07:30-16:00\ntue = 07:30-16:00\n"        \
	"wed = 07:30-16:00\nthu = 07:30-16:00\nfri = 07:30-11:00\n"            \
	"sat = libur\nsun = libur\n[windows]\nmasuk.fri = 07:00-10:00\n"       \
	"pulang.fri = 09:00-12:00\n"

static void
test_verdict_overlapping_windows_masuk_first_pulang_later(void **state)
{
	static const struct row rows[] = {
		{"masuk 07:20, then 09:30 in both windows is pulang",
		 2,
		 {{T(7, 20, 0), 0}, {T(9, 30, 0), 0}},
		 H,
		 T(7, 20, 0),
		 0,
		 0,
		 false,
		 T(9, 30, 0),
		 90,
		 3,
		 false,
		 0},
		{"a single punch in the overlap is masuk only",
		 1,
		 {{T(9, 30, 0), 0}},
		 H,
		 T(9, 30, 0),
		 120,
		 4,
		 false,
		 NONE,
		 0,
		 4,
		 true,
		 0},
		{"two punches in the overlap: first masuk, last pulang",
		 2,
		 {{T(9, 40, 0), 0}, {T(9, 10, 0), 0}},
		 H,
		 T(9, 10, 0),
		 100,
		 4,
		 false,
		 T(9, 40, 0),
		 80,
		 3,
		 false,
		 0},
		{"masuk, a punch in both, then pulang after end",
		 3,
		 {{T(7, 20, 0), 0}, {T(9, 30, 0), 0}, {T(11, 5, 0), 0}},
		 H,
		 T(7, 20, 0),
		 0,
		 0,
		 false,
		 T(11, 5, 0),
		 0,
		 0,
		 false,
		 0},
	};
	char text[] = OVERLAP_PROFILE, err[1024] = "";
	static struct rules_profile p;
	struct day_rule r;
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	if (rules_parse(f, "jumat.ini", &p, err, sizeof(err)) != 0)
		fail_msg("overlapping windows refused: %s", err);
	fclose(f);
	rules_day(&p, D("2026-11-27"), &r); /* a Friday */
	assert_true(rules_in_window(&r.masuk, T(9, 30, 0)));
	assert_true(rules_in_window(&r.pulang, T(9, 30, 0)));
	run_rows(&r, rows, N(rows), D("2026-11-27"), D("2026-11-30"), 0);
	/* the light: after a masuk, a punch in the overlap leaves early */
	assert_int_equal(
		verdict_mark_punch(&r, CALENDAR_NONE, T(9, 30, 0), true),
		VERDICT_MARK_EARLY);
	assert_int_equal(
		verdict_mark_punch(&r, CALENDAR_NONE, T(9, 30, 0), false),
		VERDICT_MARK_LATE);
	assert_int_equal(
		verdict_mark_punch(&r, CALENDAR_NONE, T(11, 0, 0), true),
		VERDICT_MARK_ON_TIME);
}

static void test_verdict_band_edges(void **state)
{
	static const int32_t min[] = {-5, 0, 1, 30, 31, 60, 61, 90, 91, 600};
	static const int band[] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};

	(void)state;
	for (size_t i = 0; i < N(min); i++)
		assert_int_equal(verdict_band(min[i]), band[i]);
}

static void test_verdict_excuse_words_map_from_store(void **state)
{
	struct excuse e;
	struct verdict_excuse x;
	enum excuse_kind k;

	(void)state;
	memset(&e, 0, sizeof(e));
	strcpy(e.kind, "dinas-luar");
	strcpy(e.part, "");
	e.revoked = true;
	assert_int_equal(verdict_excuse_from_store(&e, &x), 0);
	assert_int_equal(x.kind, EXCUSE_DL);
	assert_int_equal(x.scope, EXCUSE_FULL_DAY);
	assert_true(x.revoked);
	strcpy(e.kind, "sakit");
	strcpy(e.part, "pulang-cepat");
	assert_int_equal(verdict_excuse_from_store(&e, &x), 0);
	assert_int_equal(x.kind, EXCUSE_S);
	assert_int_equal(x.scope, EXCUSE_EARLY_OUT);
	strcpy(e.part, "siang");
	assert_int_equal(verdict_excuse_from_store(&e, &x), -EINVAL);
	assert_int_equal(verdict_excuse_parse("AR", &k), 0);
	assert_int_equal(k, EXCUSE_AR);
	assert_int_equal(verdict_excuse_parse("X", &k), -EINVAL);
	for (int i = EXCUSE_I; i < EXCUSE_KINDS; i++) {
		assert_int_equal(
			verdict_excuse_parse(verdict_excuse_code(i), &k), 0);
		assert_int_equal(k, i);
		assert_int_equal(
			verdict_excuse_parse(verdict_excuse_word(i), &k), 0);
		assert_int_equal(k, i);
	}
	for (int i = 0; i < VERDICT_STATUSES; i++)
		assert_string_not_equal(verdict_status_code(i), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_verdict_lateness_at_every_boundary_is_banded),
		cmocka_unit_test(
			test_verdict_overlapping_windows_masuk_first_pulang_later),
		cmocka_unit_test(
			test_verdict_early_leave_at_every_boundary_is_banded),
		cmocka_unit_test(
			test_verdict_window_edges_decide_masuk_and_pulang),
		cmocka_unit_test(
			test_verdict_today_before_leave_closes_is_pending),
		cmocka_unit_test(test_verdict_future_day_is_not_counted),
		cmocka_unit_test(test_verdict_days_off_come_before_punches),
		cmocka_unit_test(test_verdict_excuses_cancel_what_they_cover),
		cmocka_unit_test(
			test_verdict_manual_never_replaces_reader_punch),
		cmocka_unit_test(
			test_verdict_untrusted_punch_judged_at_recorded_time),
		cmocka_unit_test(
			test_verdict_bad_input_is_einval_and_out_untouched),
		cmocka_unit_test(test_verdict_friday_6day_and_ramadan_hours),
		cmocka_unit_test(
			test_verdict_profile_change_mid_month_keeps_earlier_days),
		cmocka_unit_test(
			test_verdict_zone_decides_local_day_and_lateness),
		cmocka_unit_test(test_verdict_mark_punch_picks_the_light),
		cmocka_unit_test(test_verdict_band_edges),
		cmocka_unit_test(test_verdict_excuse_words_map_from_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
