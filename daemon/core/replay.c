/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c: a desa's non-punch ledger rows replayed into what the report
 * builder takes (people, periods, excuses) and the facts in force, with
 * the checkpoints that tell a correction after closing.  The kecamatan's
 * rekap and its import's cross-check call it; punches bypass it and go
 * from the store to the builder in one ordered scan.
 */
#include "replay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#define EXCUSE_ID_SHIFT 32 /* excuse id fed to the builder: dev << 32 | seq */

struct rperson {
	char id[PD_ID_MAX];
	char name[PD_NAME_MAX];
	char jabatan[PD_JABATAN_MAX];
};

struct rperiod {
	int64_t dev;
	struct period p;
};

struct rexcuse {
	int64_t dev;
	struct excuse e; /* e.id: the row's seq on its device */
};

enum rrule_what { RULE_PROFILE, RULE_CAL_FILE, RULE_CAL_ADD, RULE_CAL_DROP };

struct rrule {
	int64_t dev, seq;
	enum rrule_what what;
	pd_day_t day; /* profile: from; added or removed day */
	char version[PD_HASH_HEX];
	char name[PD_TEXT_MAX];
	char kind[16];
};

struct rclose {
	pd_day_t first, last; /* the month */
	int64_t dev, seq;     /* its first checkpoint */
};

struct rabout {
	int64_t dev, seq;
	enum ledger_fact_kind kind;
	char person[PD_ID_MAX];
	pd_day_t first, last; /* last PD_DAY_OPEN: from first on */
};

#define ARRAY(type, name)                                                      \
	type *name;                                                            \
	size_t n_##name, cap_##name

struct replay {
	ARRAY(struct rperson, people);
	ARRAY(struct rperiod, periods);
	ARRAY(struct rexcuse, excuses);
	ARRAY(struct rrule, rules);
	ARRAY(struct rclose, closes);
	ARRAY(struct rabout, abouts);
	int64_t last_dev, last_seq;
};

/* Makes room for one more element; 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	p = reallocarray(*arr, nc, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

#define PUSH(rp, name)                                                         \
	(grow((void **)&(rp)->name, &(rp)->cap_##name, (rp)->n_##name,         \
	      sizeof(*(rp)->name))                                             \
		 ? NULL                                                        \
		 : memset(&(rp)->name[(rp)->n_##name++], 0,                    \
			  sizeof(*(rp)->name)))

static int fail(char *err, size_t cap, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t cap, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && cap) {
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int replay_new(struct replay **out)
{
	struct replay *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return -ENOMEM;
	*out = rp;
	return 0;
}

void replay_free(struct replay *rp)
{
	if (!rp)
		return;
	free(rp->people);
	free(rp->periods);
	free(rp->excuses);
	free(rp->rules);
	free(rp->closes);
	free(rp->abouts);
	free(rp);
}

size_t replay_people(const struct replay *rp)
{
	return rp->n_people;
}

static bool after(int64_t dev, int64_t seq, int64_t dev0, int64_t seq0)
{
	return dev > dev0 || (dev == dev0 && seq > seq0);
}

static int about(struct replay *rp, int64_t dev, int64_t seq,
		 enum ledger_fact_kind kind, const char *person, pd_day_t first,
		 pd_day_t last)
{
	struct rabout *a = PUSH(rp, abouts);

	if (!a)
		return -ENOMEM;
	a->dev = dev;
	a->seq = seq;
	a->kind = kind;
	snprintf(a->person, sizeof(a->person), "%s", person);
	a->first = first;
	a->last = last;
	return 0;
}

static struct rperiod *open_period(struct replay *rp, int64_t dev,
				   const char *id)
{
	for (size_t i = rp->n_periods; i-- > 0;) {
		struct rperiod *x = &rp->periods[i];

		if (x->dev == dev && strcmp(x->p.person, id) == 0 &&
		    x->p.until == PD_DAY_OPEN)
			return x;
	}
	return NULL;
}

static int add_person(struct replay *rp, int64_t dev, int64_t seq,
		      const char *id, const struct ledger_fact_person *f,
		      char *err, size_t cap)
{
	struct rperson *who = NULL;
	struct rperiod *open = open_period(rp, dev, id);
	char day[CIVIL_DATE_LEN];

	civil_date_format(f->day, day);
	if (f->action == LEDGER_PERSON_DEACTIVATE) {
		if (!open || f->day < open->p.since)
			return fail(err, cap, -EINVAL,
				    "deactivation of %s on %s without an open "
				    "period on this device",
				    id, day);
		open->p.until = f->day;
		return about(rp, dev, seq, LEDGER_FACT_PERSON, id, f->day + 1,
			     PD_DAY_OPEN);
	}
	if (open)
		return fail(err, cap, -EINVAL,
			    "%s of %s on %s while already active",
			    f->action == LEDGER_PERSON_ADD ? "addition"
							   : "reactivation",
			    id, day);
	for (size_t i = 0; i < rp->n_people; i++)
		if (strcmp(rp->people[i].id, id) == 0)
			who = &rp->people[i];
	if (!who) {
		who = PUSH(rp, people);
		if (!who)
			return -ENOMEM;
		snprintf(who->id, sizeof(who->id), "%s", id);
	}
	snprintf(who->name, sizeof(who->name), "%s", f->name);
	snprintf(who->jabatan, sizeof(who->jabatan), "%s", f->jabatan);
	open = PUSH(rp, periods);
	if (!open)
		return -ENOMEM;
	open->dev = dev;
	snprintf(open->p.person, sizeof(open->p.person), "%s", id);
	open->p.since = f->day;
	open->p.until = PD_DAY_OPEN;
	return about(rp, dev, seq, LEDGER_FACT_PERSON, id, f->day, PD_DAY_OPEN);
}

static int add_revoke(struct replay *rp, int64_t dev, int64_t seq,
		      const struct ledger_fact_revoke *v, char *err, size_t cap)
{
	for (size_t i = 0; i < rp->n_excuses; i++) {
		struct rexcuse *x = &rp->excuses[i];

		if (x->dev != dev || x->e.id != v->excuse)
			continue;
		if (x->e.revoked)
			return fail(err, cap, -EINVAL,
				    "excuse %lld revoked twice",
				    (long long)v->excuse);
		x->e.revoked = true;
		snprintf(x->e.revoke_reason, sizeof(x->e.revoke_reason), "%s",
			 v->reason);
		return about(rp, dev, seq, LEDGER_FACT_REVOKE, x->e.person,
			     x->e.from_day, x->e.to_day);
	}
	return fail(err, cap, -EINVAL,
		    "revocation of row %lld, which is not an excuse of this "
		    "device",
		    (long long)v->excuse);
}

static int add_rule(struct replay *rp, int64_t dev, int64_t seq,
		    enum rrule_what what, pd_day_t day, const char *version,
		    const char *name, const char *kind)
{
	struct rrule *r = PUSH(rp, rules);

	if (!r)
		return -ENOMEM;
	r->dev = dev;
	r->seq = seq;
	r->what = what;
	r->day = day;
	snprintf(r->version, sizeof(r->version), "%s", version);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	return 0;
}

static int add_close(struct replay *rp, int64_t dev, int64_t seq,
		     const struct ledger_fact_checkpoint *k)
{
	struct rclose *c;

	for (size_t i = 0; i < rp->n_closes; i++)
		if (rp->closes[i].first == k->first)
			return 0; /* closed once; a later one changes nothing */
	c = PUSH(rp, closes);
	if (!c)
		return -ENOMEM;
	c->first = k->first;
	c->last = k->last;
	c->dev = dev;
	c->seq = seq;
	return 0;
}

int replay_add(struct replay *rp, int64_t dev, int64_t seq,
	       const struct ledger_fact *f, char *err, size_t cap)
{
	struct rexcuse *x;
	int rc;

	if (dev <= 0 || seq <= 0 ||
	    !after(dev, seq, rp->last_dev, rp->last_seq))
		return fail(err, cap, -EINVAL,
			    "row %lld of device %lld out of order",
			    (long long)seq, (long long)dev);
	switch (f->kind) {
	case LEDGER_FACT_PUNCH:
		return fail(err, cap, -EINVAL, "punches are not replayed");
	case LEDGER_FACT_PERSON:
		rc = add_person(rp, dev, seq, f->person, &f->u.person, err,
				cap);
		break;
	case LEDGER_FACT_PROFILE:
		rc = add_rule(rp, dev, seq, RULE_PROFILE, f->u.profile.from_day,
			      f->u.profile.version, f->u.profile.name, "");
		if (rc == 0)
			rc = about(rp, dev, seq, f->kind, "",
				   f->u.profile.from_day, PD_DAY_OPEN);
		break;
	case LEDGER_FACT_CALENDAR:
		/* its year is inside the text: not listed as a correction */
		rc = add_rule(rp, dev, seq, RULE_CAL_FILE, 0,
			      f->u.calendar.version, f->u.calendar.name, "");
		break;
	case LEDGER_FACT_CALDAY_ADD:
	case LEDGER_FACT_CALDAY_DROP:
		rc = add_rule(rp, dev, seq,
			      f->kind == LEDGER_FACT_CALDAY_ADD ? RULE_CAL_ADD
								: RULE_CAL_DROP,
			      f->u.calday.day, "", f->u.calday.name,
			      f->u.calday.kind);
		if (rc == 0)
			rc = about(rp, dev, seq, f->kind, "", f->u.calday.day,
				   f->u.calday.day);
		break;
	case LEDGER_FACT_EXCUSE:
		x = PUSH(rp, excuses);
		if (!x)
			return -ENOMEM;
		x->dev = dev;
		x->e = f->u.excuse;
		x->e.id = seq;
		rc = about(rp, dev, seq, f->kind, x->e.person, x->e.from_day,
			   x->e.to_day);
		break;
	case LEDGER_FACT_REVOKE:
		rc = add_revoke(rp, dev, seq, &f->u.revoke, err, cap);
		break;
	case LEDGER_FACT_CHECKPOINT:
		rc = add_close(rp, dev, seq, &f->u.checkpoint);
		break;
	default: /* LEDGER_FACT_PRINT: changes no rekap */
		rc = 0;
		break;
	}
	if (rc == 0) {
		rp->last_dev = dev;
		rp->last_seq = seq;
	}
	return rc;
}

/* ---- the facts in force ---- */

/* The last day profile rules[i] judges, or PD_DAY_OPEN; first day - 1
 * when a later row with the same from day replaces it. */
static pd_day_t profile_until(const struct replay *rp, size_t i)
{
	pd_day_t from = rp->rules[i].day, next = PD_DAY_OPEN;

	for (size_t j = 0; j < rp->n_rules; j++) {
		const struct rrule *r = &rp->rules[j];

		if (r->what != RULE_PROFILE)
			continue;
		if (r->day == from && j > i)
			return from - 1;
		if (r->day > from && r->day < next)
			next = r->day;
	}
	return next == PD_DAY_OPEN ? PD_DAY_OPEN : next - 1;
}

static int fetch(replay_text_fn *fn, void *ud, const struct rrule *r,
		 char **text, char *err, size_t cap)
{
	int rc = fn(ud, r->version, text);

	if (rc < 0 && rc != -ENOENT)
		return fail(err, cap, rc, "cannot read the file %.16s: %s",
			    r->version, strerror(-rc));
	return rc;
}

int replay_facts(const struct replay *rp, pd_day_t first, pd_day_t last,
		 replay_text_fn *fn, void *ud, struct facts **out, char *err,
		 size_t cap)
{
	struct facts *f;
	int rc;

	if (err && cap)
		err[0] = '\0';
	rc = facts_new(&f);
	if (rc)
		return rc;
	for (size_t i = 0; i < rp->n_rules && rc == 0; i++) {
		const struct rrule *r = &rp->rules[i];
		char *text = NULL, day[CIVIL_DATE_LEN];
		pd_day_t until;

		if (r->what == RULE_CAL_ADD) {
			rc = facts_add_day(f, r->day, r->kind, r->name, r->seq,
					   err, cap);
			if (rc == -EEXIST) /* listed by a file we never got */
				rc = 0;
			continue;
		}
		if (r->what == RULE_CAL_DROP) {
			rc = facts_remove_day(f, r->day, r->seq, err, cap);
			if (rc == -ENOENT) /* listed by a file we never got */
				rc = 0;
			continue;
		}
		rc = fetch(fn, ud, r, &text, err, cap);
		if (rc == -ENOENT && r->what == RULE_PROFILE) {
			until = profile_until(rp, i);
			rc = 0;
			if (r->day <= last && until >= first &&
			    until >= r->day) {
				civil_date_format(r->day, day);
				rc = fail(err, cap, -ENOENT,
					  "profile %s (%.16s) in force from %s "
					  "was never received",
					  r->name, r->version, day);
			}
		} else if (rc == -ENOENT) {
			rc = 0; /* a calendar no bundle named */
		} else if (rc == 0 && r->what == RULE_PROFILE) {
			rc = facts_add_profile(f, r->day, r->version, r->name,
					       text, r->seq, err, cap);
		} else if (rc == 0) {
			rc = facts_add_calendar(f, r->version, r->name, text,
						r->seq, err, cap);
		}
		free(text);
	}
	if (rc) {
		facts_free(f);
		return rc;
	}
	if (err && cap)
		err[0] = '\0';
	*out = f;
	return 0;
}

int replay_feed(const struct replay *rp, struct report_builder *b)
{
	int rc = 0;

	for (size_t i = 0; i < rp->n_people && rc == 0; i++) {
		const struct rperson *w = &rp->people[i];
		struct person p;

		memset(&p, 0, sizeof(p));
		memcpy(p.id, w->id, sizeof(p.id));
		memcpy(p.name, w->name, sizeof(p.name));
		memcpy(p.jabatan, w->jabatan, sizeof(p.jabatan));
		p.since = PD_DAY_OPEN;
		for (size_t j = 0; j < rp->n_periods; j++) {
			const struct period *x = &rp->periods[j].p;

			if (strcmp(x->person, p.id) == 0 &&
			    (p.since == PD_DAY_OPEN || x->since > p.since)) {
				p.since = x->since;
				p.until = x->until;
			}
		}
		rc = report_builder_person(b, &p);
	}
	for (size_t i = 0; i < rp->n_periods && rc == 0; i++)
		rc = report_builder_period(b, &rp->periods[i].p);
	for (size_t i = 0; i < rp->n_excuses && rc == 0; i++) {
		struct excuse e = rp->excuses[i].e;

		e.id = rp->excuses[i].dev << EXCUSE_ID_SHIFT | e.id;
		rc = report_builder_excuse(b, &e);
	}
	return rc;
}

/* ---- closing ---- */

static const struct rclose *closed_month(const struct replay *rp, pd_day_t day)
{
	for (size_t i = 0; i < rp->n_closes; i++)
		if (rp->closes[i].first <= day && day <= rp->closes[i].last)
			return &rp->closes[i];
	return NULL;
}

bool replay_closed(const struct replay *rp, pd_day_t month_first, int64_t *dev,
		   int64_t *seq)
{
	const struct rclose *c = closed_month(rp, month_first);

	if (!c)
		return false;
	if (dev)
		*dev = c->dev;
	if (seq)
		*seq = c->seq;
	return true;
}

bool replay_punch_correction(const struct replay *rp, int64_t dev, int64_t seq,
			     pd_day_t day)
{
	const struct rclose *c = closed_month(rp, day);

	return c && after(dev, seq, c->dev, c->seq);
}

int replay_corrections_each(const struct replay *rp, pd_day_t first,
			    pd_day_t last, replay_correction_fn *fn, void *ud)
{
	for (size_t i = 0; i < rp->n_abouts; i++) {
		const struct rabout *a = &rp->abouts[i];
		struct replay_correction c;
		bool hit = false;

		memset(&c, 0, sizeof(c));
		c.first = a->first > first ? a->first : first;
		c.last = a->last < last ? a->last : last;
		if (c.first > c.last)
			continue;
		for (size_t j = 0; j < rp->n_closes; j++) {
			const struct rclose *m = &rp->closes[j];

			if (m->last < c.first || m->first > c.last ||
			    !after(a->dev, a->seq, m->dev, m->seq))
				continue;
			if (!hit || m->first < c.month)
				c.month = m->first;
			hit = true;
		}
		if (!hit)
			continue;
		c.dev = a->dev;
		c.seq = a->seq;
		c.kind = a->kind;
		memcpy(c.person, a->person, sizeof(c.person));
		int rc = fn(ud, &c);

		if (rc)
			return rc;
	}
	return 0;
}
