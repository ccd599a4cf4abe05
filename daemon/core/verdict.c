// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verdict.c: the rules of DOMAIN §3 for one person-day.  Picks masuk and
 * pulang from the day's punches, measures lateness and early leave, applies
 * holidays, excuses and the today/future rules, and gives the punch path
 * its quick mark.  Reports, the rekap and the daemon all judge through it.
 */
#include "verdict.h"

#include <errno.h>
#include <string.h>

#include "civil.h"

#define SEC_PER_MIN 60

static const struct {
	const char *code;  /* CSV / CLI code */
	const char *word;  /* store.h struct excuse kind */
	const char *label; /* for people */
} excuse_names[EXCUSE_KINDS] = {
	[EXCUSE_NONE] = {"", "", ""},
	[EXCUSE_I] = {"I", "izin", "Izin"},
	[EXCUSE_S] = {"S", "sakit", "Sakit"},
	[EXCUSE_C] = {"C", "cuti", "Cuti"},
	[EXCUSE_DL] = {"DL", "dinas-luar", "Dinas luar"},
	[EXCUSE_AR] = {"AR", "alat-rusak", "Alat rusak"},
};

int verdict_excuse_parse(const char *code, enum excuse_kind *out)
{
	for (int k = EXCUSE_I; code && k < EXCUSE_KINDS; k++)
		if (strcmp(code, excuse_names[k].code) == 0 ||
		    strcmp(code, excuse_names[k].word) == 0) {
			*out = (enum excuse_kind)k;
			return 0;
		}
	return -EINVAL;
}

int verdict_excuse_scope_parse(const char *part, enum excuse_scope *out)
{
	if (!part)
		return -EINVAL;
	if (part[0] == '\0')
		*out = EXCUSE_FULL_DAY;
	else if (strcmp(part, "terlambat") == 0)
		*out = EXCUSE_LATE_IN;
	else if (strcmp(part, "pulang-cepat") == 0)
		*out = EXCUSE_EARLY_OUT;
	else
		return -EINVAL;
	return 0;
}

int verdict_excuse_from_store(const struct excuse *e,
			      struct verdict_excuse *out)
{
	struct verdict_excuse x;

	if (verdict_excuse_parse(e->kind, &x.kind) ||
	    verdict_excuse_scope_parse(e->part, &x.scope))
		return -EINVAL;
	x.revoked = e->revoked;
	*out = x;
	return 0;
}

const char *verdict_excuse_code(enum excuse_kind kind)
{
	return (unsigned int)kind < EXCUSE_KINDS ? excuse_names[kind].code : "";
}

const char *verdict_excuse_label(enum excuse_kind kind)
{
	return (unsigned int)kind < EXCUSE_KINDS ? excuse_names[kind].label
						 : "";
}

const char *verdict_excuse_word(enum excuse_kind kind)
{
	return (unsigned int)kind < EXCUSE_KINDS ? excuse_names[kind].word : "";
}

static const struct {
	const char *code;
	const char *label;
} status_names[VERDICT_STATUSES] = {
	[VERDICT_FUTURE] = {"FUTURE", "Belum terjadi"},
	[VERDICT_INACTIVE] = {"INACTIVE", "Tidak aktif"},
	[VERDICT_NONWORKING] = {"OFF", "Bukan hari kerja"},
	[VERDICT_LIBUR] = {"LIBUR", "Libur"},
	[VERDICT_CUTI_BERSAMA] = {"CB", "Cuti bersama"},
	[VERDICT_EXCUSED] = {"EXC", "Berketerangan"},
	[VERDICT_HADIR] = {"H", "Hadir"},
	[VERDICT_BELUM_HADIR] = {"BH", "Belum hadir"},
	[VERDICT_BELUM_PULANG] = {"BP", "Belum pulang"},
	[VERDICT_TK] = {"TK", "Tanpa keterangan"},
};

const char *verdict_status_label(enum verdict_status st)
{
	return (unsigned int)st < VERDICT_STATUSES ? status_names[st].label
						   : "?";
}

const char *verdict_status_code(enum verdict_status st)
{
	return (unsigned int)st < VERDICT_STATUSES ? status_names[st].code
						   : "?";
}

int verdict_band(int32_t minutes)
{
	if (minutes <= 0)
		return 0;
	if (minutes > VERDICT_BAND_STEP_MIN * (VERDICT_BAND_MAX - 1))
		return VERDICT_BAND_MAX;
	return (minutes - 1) / VERDICT_BAND_STEP_MIN + 1;
}

static int32_t ceil_min(int32_t sec)
{
	return (sec + SEC_PER_MIN - 1) / SEC_PER_MIN;
}

static int check_input(const struct verdict_input *in)
{
	if (in->npunches && !in->punches)
		return -EINVAL;
	if (in->nexcuses && !in->excuses)
		return -EINVAL;
	for (size_t i = 0; i < in->npunches; i++)
		if (in->punches[i].sec < 0 ||
		    in->punches[i].sec >= CIVIL_SEC_PER_DAY)
			return -EINVAL;
	for (size_t i = 0; i < in->nexcuses; i++)
		if (in->excuses[i].kind <= EXCUSE_NONE ||
		    in->excuses[i].kind >= EXCUSE_KINDS ||
		    (unsigned int)in->excuses[i].scope > EXCUSE_EARLY_OUT)
			return -EINVAL;
	return 0;
}

/*
 * Index of the masuk (first) or pulang (last) punch in window w, later than
 * after_sec: reader punches first, manual ones only when no reader punch
 * qualifies.  -1 when none.
 */
static int pick(const struct verdict_input *in, const struct rules_window *w,
		bool last, int32_t after_sec)
{
	for (int manual = 0; manual < 2; manual++) {
		int best = -1;

		for (size_t i = 0; i < in->npunches; i++) {
			const struct verdict_punch *p = &in->punches[i];

			if ((p->flags & PUNCH_F_SUPPRESSED) ||
			    !!(p->flags & PUNCH_F_MANUAL) != manual ||
			    !rules_in_window(w, p->sec) || p->sec <= after_sec)
				continue;
			if (best < 0 || (last ? p->sec >= in->punches[best].sec
					      : p->sec < in->punches[best].sec))
				best = (int)i;
		}
		if (best >= 0)
			return best;
	}
	return -1;
}

static void set_roles(enum verdict_role *roles, const struct verdict_input *in,
		      enum verdict_role accepted_role)
{
	for (size_t i = 0; roles && i < in->npunches; i++)
		roles[i] = (in->punches[i].flags & PUNCH_F_SUPPRESSED)
				   ? VERDICT_ROLE_SUPPRESSED
				   : accepted_role;
}

/* Judges a working, non-holiday, active, not-future day. */
static void judge(const struct verdict_input *in, struct verdict *v,
		  enum verdict_role *roles)
{
	const struct day_rule *r = in->rule;
	bool today = in->day == in->today;
	bool arrival_open = today && in->now_sec < r->masuk.to_s;
	bool leave_open = today && in->now_sec < r->pulang.to_s;
	enum excuse_kind full = EXCUSE_NONE;
	bool late_in = false, early_out = false;
	int mi, pi;

	for (size_t i = 0; i < in->nexcuses; i++) {
		const struct verdict_excuse *x = &in->excuses[i];

		if (x->revoked)
			continue;
		if (x->scope == EXCUSE_FULL_DAY)
			full = x->kind; /* the latest entry wins */
		else if (x->scope == EXCUSE_LATE_IN)
			late_in = true;
		else
			early_out = true;
	}

	mi = pick(in, &r->masuk, false, -1);
	if (mi >= 0) {
		v->masuk_sec = in->punches[mi].sec;
		v->masuk_flags = in->punches[mi].flags;
	}
	pi = pick(in, &r->pulang, true, v->masuk_sec);
	if (pi >= 0) {
		v->pulang_sec = in->punches[pi].sec;
		v->pulang_flags = in->punches[pi].flags;
	}
	for (size_t i = 0; i < in->npunches; i++) {
		const struct verdict_punch *p = &in->punches[i];
		enum verdict_role role;

		if (p->flags & PUNCH_F_SUPPRESSED)
			role = VERDICT_ROLE_SUPPRESSED;
		else if ((int)i == mi)
			role = VERDICT_ROLE_MASUK;
		else if ((int)i == pi)
			role = VERDICT_ROLE_PULANG;
		else if (rules_in_window(&r->masuk, p->sec) ||
			 rules_in_window(&r->pulang, p->sec))
			role = VERDICT_ROLE_OTHER;
		else
			role = VERDICT_ROLE_OUTSIDE;
		v->n_outside += role == VERDICT_ROLE_OUTSIDE;
		if (roles)
			roles[i] = role;
	}

	if (mi >= 0 && v->masuk_sec > r->start_s + r->grace_s) {
		v->late_min = ceil_min(v->masuk_sec - r->start_s);
		v->tl = verdict_band(v->late_min);
	} else if (mi < 0 && v->n_accepted && !arrival_open) {
		v->no_masuk = true;
		v->tl = VERDICT_BAND_MAX;
	}
	if (pi >= 0 && v->pulang_sec < r->end_s) {
		v->early_min = ceil_min(r->end_s - v->pulang_sec);
		v->psw = verdict_band(v->early_min);
	} else if (pi < 0 && v->n_accepted && !leave_open) {
		v->no_pulang = true;
		v->psw = VERDICT_BAND_MAX;
	}

	v->provisional = leave_open;
	if (full != EXCUSE_NONE || late_in) {
		v->late_excused = v->tl > 0;
		v->tl = 0;
		v->no_masuk = false;
	}
	if (full != EXCUSE_NONE || early_out) {
		v->early_excused = v->psw > 0;
		v->psw = 0;
		v->no_pulang = false;
	}

	if (full != EXCUSE_NONE) {
		v->status = VERDICT_EXCUSED;
		v->excuse = full;
		v->efektif = full != EXCUSE_C;
		v->hadir =
			v->efektif && (v->n_accepted > 0 || full == EXCUSE_DL);
	} else if (v->n_accepted == 0) {
		/* Until today's leave window closes nobody is TK yet. */
		v->status = leave_open ? VERDICT_BELUM_HADIR : VERDICT_TK;
		v->efektif = !leave_open;
	} else {
		v->status = (pi < 0 && leave_open) ? VERDICT_BELUM_PULANG
						   : VERDICT_HADIR;
		v->efektif = true;
		v->hadir = true;
	}
}

int verdict_classify(const struct verdict_input *in, struct verdict *out,
		     enum verdict_role *roles)
{
	struct verdict v;
	int rc = check_input(in);

	if (rc)
		return rc;
	memset(&v, 0, sizeof(v));
	v.day = in->day;
	v.holiday = in->holiday;
	v.masuk_sec = v.pulang_sec = VERDICT_NONE_SEC;
	v.working = in->rule && in->rule->working;
	if (v.working) {
		v.start_s = in->rule->start_s;
		v.end_s = in->rule->end_s;
	}
	if (in->day > in->today) {
		v.status = VERDICT_FUTURE;
		set_roles(roles, in, VERDICT_ROLE_OFFDAY);
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < in->npunches; i++) {
		unsigned int f = in->punches[i].flags;

		if (f & PUNCH_F_SUPPRESSED) {
			v.n_suppressed++;
			continue;
		}
		v.n_accepted++;
		v.n_untrusted += !!(f & PUNCH_F_UNTRUSTED);
		v.n_manual += !!(f & PUNCH_F_MANUAL);
	}
	if (!in->active)
		v.status = VERDICT_INACTIVE;
	else if (!v.working)
		v.status = VERDICT_NONWORKING;
	else if (in->holiday == CALENDAR_CUTI_BERSAMA)
		v.status = VERDICT_CUTI_BERSAMA;
	else if (in->holiday != CALENDAR_NONE)
		v.status = VERDICT_LIBUR;
	else
		judge(in, &v, roles);
	if (v.status <= VERDICT_CUTI_BERSAMA)
		set_roles(roles, in, VERDICT_ROLE_OFFDAY);
	*out = v;
	return 0;
}

enum verdict_mark verdict_mark_punch(const struct day_rule *r,
				     enum calendar_kind holiday, int32_t sec,
				     bool have_masuk_today)
{
	bool in_masuk, in_pulang;

	if (!r || !r->working || holiday != CALENDAR_NONE)
		return VERDICT_MARK_NONWORKING;
	in_masuk = rules_in_window(&r->masuk, sec);
	in_pulang = rules_in_window(&r->pulang, sec);
	/* The first arrival-window punch is masuk; after it, a punch where
	 * the windows overlap is judged as pulang (DOMAIN §3.3). */
	if (in_masuk && !have_masuk_today)
		return sec > r->start_s + r->grace_s ? VERDICT_MARK_LATE
						     : VERDICT_MARK_ON_TIME;
	if (in_pulang)
		return sec < r->end_s ? VERDICT_MARK_EARLY
				      : VERDICT_MARK_ON_TIME;
	if (in_masuk)
		return VERDICT_MARK_ON_TIME; /* a repeat in the arrival window
					      */
	return VERDICT_MARK_OUTSIDE;
}
