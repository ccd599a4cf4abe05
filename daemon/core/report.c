/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c: the report builder.  Takes people, periods and excuses, then
 * merges people in id order with the period's punches in (person, time)
 * order, so a kabupaten's year is one pass with no per-punch allocation.
 * Each person-day goes through verdict_classify() and rekap_add_day().
 * Where the records come from is the caller's business (store_report.c,
 * the kecamatan's store).
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCUSES_PER_DAY 8 /* excuses covering one person-day, at most */

/* ---- the period walk ---- */

struct day_ctx {
	int has_rule;
	struct day_rule rule;
	enum calendar_kind holiday;
	const char *holiday_name;
};

struct rpunch {
	pd_day_t day;
	int32_t sec;
	unsigned int flags;
};

/* An excuse as the walk needs it, converted once (struct excuse is ~1 KiB
 * of texts; a kabupaten's year has ~90,000 of them). */
struct rexcuse {
	char person[PD_ID_MAX];
	int64_t id;		   /* ledger seq: later entries win */
	pd_day_t from_day, to_day; /* inclusive */
	bool valid;		   /* verdict_excuse_from_store() accepted it */
	struct verdict_excuse ve;
};

struct report_builder {
	const struct report_opts *o;
	struct report *r;
	const struct facts *facts;
	bool walking;		/* punches have begun: people are sorted */
	char pun_id[PD_ID_MAX]; /* person of the punches in pun[] */
	int ndays;
	struct day_ctx days[REPORT_DAYS_MAX];
	/* people, all of them, in id order */
	struct person *all;
	size_t nall, capall;
	/* periods, sorted by person */
	struct period *per;
	size_t nper, capper;
	/* excuses of the period, in person order */
	struct rexcuse *exc;
	size_t nexc, capexc;
	/* the flushed person's excuses by day of the period, in id order */
	unsigned char day_nve[REPORT_DAYS_MAX];
	struct verdict_excuse day_ve[REPORT_DAYS_MAX][EXCUSES_PER_DAY];
	/* punches of the person being merged */
	struct rpunch *pun;
	size_t npun, cappun;
	bool pun_known;	    /* pun_id is all[next_person] */
	size_t next_person; /* index into all[] of the next to flush */
	size_t next_period, next_excuse;
	int rc;
};

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	void *n;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	n = reallocarray(*arr, nc, elem);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = nc;
	return 0;
}

static int check_open(struct report_builder *b, const char *what)
{
	if (b->walking) {
		/* records after the first punch would be missed */
		b->rc = -EINVAL;
		return -EINVAL;
	}
	(void)what;
	return b->rc;
}

int report_builder_person(struct report_builder *b, const struct person *p)
{
	int rc = check_open(b, "person");

	if (rc)
		return rc;
	if (grow((void **)&b->all, &b->capall, b->nall + 1, sizeof(*b->all)))
		return b->rc = -ENOMEM;
	b->all[b->nall++] = *p;
	return 0;
}

int report_builder_period(struct report_builder *b, const struct period *p)
{
	int rc = check_open(b, "period");

	if (rc)
		return rc;
	if (grow((void **)&b->per, &b->capper, b->nper + 1, sizeof(*b->per)))
		return b->rc = -ENOMEM;
	b->per[b->nper++] = *p;
	return 0;
}

int report_builder_excuse(struct report_builder *b, const struct excuse *e)
{
	struct rexcuse *x;
	int rc = check_open(b, "excuse");

	if (rc)
		return rc;
	/* only the period's, and only the asked person's */
	if (e->to_day < b->o->first || e->from_day > b->o->last ||
	    (b->o->person && strcmp(e->person, b->o->person)))
		return 0;
	if (grow((void **)&b->exc, &b->capexc, b->nexc + 1, sizeof(*b->exc)))
		return b->rc = -ENOMEM;
	x = &b->exc[b->nexc++];
	memcpy(x->person, e->person, sizeof(x->person));
	x->id = e->id;
	x->from_day = e->from_day;
	x->to_day = e->to_day;
	x->valid = verdict_excuse_from_store(e, &x->ve) == 0;
	return 0;
}

static int cmp_person(const void *a, const void *b)
{
	return strcmp(((const struct person *)a)->id,
		      ((const struct person *)b)->id);
}

static int cmp_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	if (c)
		return c;
	return x->since < y->since ? -1 : x->since > y->since;
}

static int cmp_excuse(const void *a, const void *b)
{
	const struct rexcuse *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Judges every day of the period for all[idx] with the punches in pun[]. */
static int flush_person(struct report_builder *b, size_t idx)
{
	const struct report_opts *o = b->o;
	const struct person *p = &b->all[idx];
	const struct period *per;
	const struct rexcuse *exc;
	size_t nper = 0, nexc = 0, pi = 0;
	struct report_person *rp;
	bool any_active = false;

	/* periods and excuses of this person: advance the sorted cursors */
	while (b->next_period < b->nper &&
	       strcmp(b->per[b->next_period].person, p->id) < 0)
		b->next_period++;
	per = b->per + b->next_period;
	while (b->next_period + nper < b->nper &&
	       strcmp(per[nper].person, p->id) == 0)
		nper++;
	b->next_period += nper;
	while (b->next_excuse < b->nexc &&
	       strcmp(b->exc[b->next_excuse].person, p->id) < 0)
		b->next_excuse++;
	exc = b->exc + b->next_excuse;
	while (b->next_excuse + nexc < b->nexc &&
	       strcmp(exc[nexc].person, p->id) == 0)
		nexc++;
	b->next_excuse += nexc;

	for (size_t i = 0; i < nper; i++)
		if (per[i].since <= b->o->last && per[i].until >= b->o->first)
			any_active = true;
	if (!any_active)
		return 0;

	/* Each day's excuses, in id order and at most EXCUSES_PER_DAY, as
	 * one pass over the person's excuses (not one per day). */
	memset(b->day_nve, 0, (size_t)b->ndays);
	for (size_t i = 0; i < nexc; i++) {
		/* days of the period it covers, as indexes into days[] */
		int from = exc[i].from_day < o->first
				   ? 0
				   : (int)(exc[i].from_day - o->first);
		int to = exc[i].to_day > o->last
				 ? b->ndays - 1
				 : (int)(exc[i].to_day - o->first);

		if (!exc[i].valid)
			continue;
		for (int di = from; di <= to; di++)
			if (b->day_nve[di] < EXCUSES_PER_DAY)
				b->day_ve[di][b->day_nve[di]++] = exc[i].ve;
	}

	rp = &b->r->people[b->r->npeople++];
	memset(rp, 0, sizeof(*rp));
	rp->p = *p;
	rp->any_active = true;
	rekap_init(&rp->r);

	for (int di = 0; di < b->ndays; di++) {
		pd_day_t day = o->first + di;
		const struct day_ctx *dc = &b->days[di];
		struct verdict_punch vp[64];
		struct verdict_input in;
		struct verdict v;
		size_t nvp = 0;
		bool active = false;

		for (size_t i = 0; i < nper; i++)
			if (per[i].since <= day && day <= per[i].until)
				active = true;
		while (pi < b->npun && b->pun[pi].day < day)
			pi++;
		while (pi < b->npun && b->pun[pi].day == day) {
			if (nvp < sizeof(vp) / sizeof(vp[0])) {
				vp[nvp].sec = b->pun[pi].sec;
				vp[nvp].flags = b->pun[pi].flags;
				nvp++;
			}
			pi++;
		}
		memset(&in, 0, sizeof(in));
		in.day = day;
		in.rule = dc->has_rule ? &dc->rule : NULL;
		in.holiday = dc->holiday;
		in.active = active;
		in.punches = vp;
		in.npunches = nvp;
		in.excuses = b->day_ve[di];
		in.nexcuses = b->day_nve[di];
		in.today = o->today;
		in.now_sec = o->now_sec;
		if (verdict_classify(&in, &v, NULL) < 0)
			continue;
		if (v.status == VERDICT_FUTURE)
			continue;
		rekap_add_day(&rp->r, &v);
		if (o->day_fn) {
			struct report_day d = {
				.person = &rp->p,
				.v = &v,
				.holiday_name = dc->holiday_name,
				.profile_name = dc->has_rule && dc->rule.profile
							? dc->rule.profile->name
							: NULL,
			};
			int rc = o->day_fn(o->day_ud, &d);

			if (rc)
				return rc;
		}
	}
	rekap_merge(&b->r->total, &rp->r);
	return 0;
}

/* Flushes every person before id (NULL: all remaining). */
static int flush_until(struct report_builder *b, const char *id)
{
	while (b->next_person < b->nall &&
	       (!id || strcmp(b->all[b->next_person].id, id) < 0)) {
		size_t idx = b->next_person++;
		int rc;

		if (b->o->person && strcmp(b->all[idx].id, b->o->person))
			continue;
		rc = flush_person(b, idx);
		b->npun = 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* The first punch (or finish) ends the records: sort them, make room. */
static int walk_begin(struct report_builder *b)
{
	if (b->walking)
		return b->rc;
	b->walking = true;
	if (b->rc)
		return b->rc;
	/* qsort's base must not be NULL, even for 0 items */
	if (b->nall)
		qsort(b->all, b->nall, sizeof(*b->all), cmp_person);
	if (b->nper)
		qsort(b->per, b->nper, sizeof(*b->per), cmp_period);
	if (b->nexc)
		qsort(b->exc, b->nexc, sizeof(*b->exc), cmp_excuse);
	b->r->people = calloc(b->nall ? b->nall : 1, sizeof(*b->r->people));
	if (!b->r->people)
		return b->rc = -ENOMEM;
	return 0;
}

int report_builder_punch(struct report_builder *b, const char *person,
			 pd_day_t day, int32_t sec, unsigned int flags)
{
	int rc = walk_begin(b);

	if (rc)
		return rc;
	if (strcmp(person, b->pun_id) != 0) {
		if (b->pun_id[0] && strcmp(person, b->pun_id) < 0)
			return b->rc = -EINVAL; /* not in person order */
		snprintf(b->pun_id, sizeof(b->pun_id), "%s", person);
		/* A new person: judge everyone before, including the
		 * previous. */
		if (b->next_person < b->nall &&
		    strcmp(b->all[b->next_person].id, person) < 0) {
			rc = flush_until(b, person);
			if (rc)
				return b->rc = rc;
		}
		/* punches of people not given are not judged */
		b->pun_known = b->next_person < b->nall &&
			       strcmp(b->all[b->next_person].id, person) == 0;
	}
	if (!b->pun_known || day < b->o->first || day > b->o->last)
		return 0;
	if (grow((void **)&b->pun, &b->cappun, b->npun + 1, sizeof(*b->pun)))
		return b->rc = -ENOMEM;
	b->pun[b->npun].day = day;
	b->pun[b->npun].sec = sec;
	b->pun[b->npun].flags = flags;
	b->npun++;
	return 0;
}

static void note_profiles(struct report_builder *b)
{
	struct report *r = b->r;

	for (int di = 0; di < b->ndays; di++) {
		const struct day_ctx *dc = &b->days[di];
		const struct rules_profile *p;
		struct report_profile_use *u;

		if (!dc->has_rule || !(p = dc->rule.profile))
			continue;
		u = r->nprofiles ? &r->profiles[r->nprofiles - 1] : NULL;
		if (u && strcmp(u->version, p->version) == 0 &&
		    strcmp(u->name, p->name) == 0) {
			u->to_day = b->o->first + di;
			continue;
		}
		if (r->nprofiles == REPORT_PROFILES_MAX)
			continue;
		u = &r->profiles[r->nprofiles++];
		u->from_day = u->to_day = b->o->first + di;
		snprintf(u->name, sizeof(u->name), "%s", p->name);
		snprintf(u->reference, sizeof(u->reference), "%s",
			 p->reference);
		snprintf(u->version, sizeof(u->version), "%s", p->version);
	}
}

int report_builder_new(const struct report_opts *o, const struct facts *f,
		       struct report_builder **out, char *err, size_t cap)
{
	struct report_builder *b;
	struct report *r;

	if (o->last < o->first || o->last - o->first + 1 > REPORT_DAYS_MAX) {
		snprintf(err, cap, "period must be 1 to %d days",
			 REPORT_DAYS_MAX);
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	r = calloc(1, sizeof(*r));
	if (!b || !r) {
		free(b);
		free(r);
		return -ENOMEM;
	}
	b->o = o;
	b->r = r;
	b->facts = f;

	r->kind = o->kind;
	r->first = o->first;
	r->last = o->last;
	/* label: the people's form ("November 2026"); label_id: "2026-11" */
	civil_period_label_id(o->kind, o->first, r->label, sizeof(r->label));
	civil_period_label(o->kind, o->first, r->label_id, sizeof(r->label_id));
	r->today = o->today;
	r->now_sec = o->now_sec;
	r->built_utc = o->now_utc;
	snprintf(r->desa_id, sizeof(r->desa_id), "%s",
		 o->desa_id ? o->desa_id : "");
	snprintf(r->desa_name, sizeof(r->desa_name), "%s",
		 o->desa_name ? o->desa_name : "");
	r->offset_min = o->offset_min;
	rekap_init(&r->total);

	b->ndays = o->last - o->first + 1;
	for (int di = 0; di < b->ndays; di++) {
		struct day_ctx *dc = &b->days[di];

		dc->has_rule = facts_day(f, o->first + di, &dc->rule,
					 &dc->holiday, &dc->holiday_name) == 0;
	}
	note_profiles(b);
	{
		const struct calendar_set *cs = facts_calendar(f);
		const struct facts_retro *x;
		int nx;

		r->ncalendars = cs->nfiles;
		memcpy(r->calendars, cs->files,
		       sizeof(cs->files[0]) * (size_t)cs->nfiles);
		facts_calendar_version(f, r->calendar_facts_version);
		r->calendar_days_changed = facts_calendar_days_changed(f);
		/* a retroactive import re-judged [from_day, on_day) */
		x = facts_retros(f, &nx);
		for (int i = 0; i < nx && r->nretro < REPORT_RETRO_MAX; i++)
			if (x[i].from_day <= o->last && x[i].on_day > o->first)
				r->retro[r->nretro++] = x[i];
	}
	*out = b;
	return 0;
}

void report_builder_free(struct report_builder *b)
{
	if (!b)
		return;
	free(b->all);
	free(b->per);
	free(b->exc);
	free(b->pun);
	report_free(b->r);
	free(b);
}

int report_builder_finish(struct report_builder *b, struct report **out)
{
	int rc = walk_begin(b);

	if (rc == 0)
		rc = flush_until(b, NULL);
	if (rc < 0) {
		report_builder_free(b);
		return rc;
	}
	/* rc > 0: a day callback asked to stop; what is built stands */
	*out = b->r;
	b->r = NULL;
	report_builder_free(b);
	return 0;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->people);
	free(r);
}
