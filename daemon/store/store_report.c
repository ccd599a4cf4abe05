/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_report.c: feeds the core's facts and report builder from the
 * device store.  People, periods and excuses first, then the period's
 * punches straight from the covering index (store_punch_scan).
 */
#include "store_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct facts_ctx {
	struct facts *f;
	char *err;
	size_t cap;
	int rc;
};

static int load_profile(void *ud, pd_day_t from_day, const char *version,
			const char *name, const char *text, int64_t seq)
{
	struct facts_ctx *c = ud;

	c->rc = facts_add_profile(c->f, from_day, version, name, text, seq,
				  c->err, c->cap);
	return c->rc;
}

static int load_calendar(void *ud, int64_t seq, const char *version,
			 const char *name, const char *text)
{
	struct facts_ctx *c = ud;

	c->rc = facts_add_calendar(c->f, version, name, text, seq, c->err,
				   c->cap);
	return c->rc;
}

static int load_day(void *ud, int64_t seq, pd_day_t day, const char *action,
		    const char *kind, const char *name)
{
	struct facts_ctx *c = ud;

	if (strcmp(action, STORE_DAY_REMOVE) == 0)
		c->rc = facts_remove_day(c->f, day, seq, c->err, c->cap);
	else
		c->rc = facts_add_day(c->f, day, kind, name, seq, c->err,
				      c->cap);
	return c->rc;
}

static int load_retro(void *ud, int64_t seq, pd_day_t from_day, pd_day_t on_day,
		      const char *version, const char *name, const char *reason,
		      const char *by)
{
	struct facts_ctx *c = ud;
	struct facts_retro x;

	memset(&x, 0, sizeof(x));
	x.seq = seq;
	x.from_day = from_day;
	x.on_day = on_day;
	snprintf(x.name, sizeof(x.name), "%s", name);
	snprintf(x.version, sizeof(x.version), "%s", version);
	snprintf(x.reason, sizeof(x.reason), "%s", reason);
	snprintf(x.by, sizeof(x.by), "%s", by);
	c->rc = facts_add_retro(c->f, &x);
	if (c->rc < 0)
		snprintf(c->err, c->cap,
			 "too many retroactive imports (ledger seq %lld)",
			 (long long)seq);
	return c->rc;
}

int store_facts_load(struct store *st, struct facts **out, char *err,
		     size_t cap)
{
	struct facts_ctx c = {.err = err, .cap = cap};
	int rc;

	if (cap)
		err[0] = '\0';
	rc = facts_new(&c.f);
	if (rc < 0)
		return rc;
	rc = store_profile_each(st, load_profile, &c);
	if (rc == 0 && c.rc == 0)
		rc = store_calendar_each(st, load_calendar, load_day, &c);
	if (rc == 0 && c.rc == 0)
		rc = store_profile_retro_each(st, load_retro, &c);
	if (c.rc < 0)
		rc = c.rc;
	if (rc < 0) {
		if (cap && !err[0])
			snprintf(err, cap, "cannot read rules: %s",
				 strerror(-rc));
		facts_free(c.f);
		return rc;
	}
	*out = c.f;
	return 0;
}

static int feed_person(void *ud, const struct person *p)
{
	return report_builder_person(ud, p);
}

static int feed_period(void *ud, const struct period *p)
{
	return report_builder_period(ud, p);
}

static int feed_excuse(void *ud, const struct excuse *e)
{
	return report_builder_excuse(ud, e);
}

static int feed_punch(void *ud, const char *person, pd_day_t day, int32_t sec,
		      unsigned int flags)
{
	return report_builder_punch(ud, person, day, sec, flags);
}

int store_report_build(struct store *st, const struct report_opts *o,
		       struct report **out, char *err, size_t cap)
{
	struct report_builder *b = NULL;
	struct facts *f = NULL;
	struct report *r = NULL;
	int64_t seq = 0, head_utc;
	char head[PD_HASH_HEX];
	int rc;

	if (cap)
		err[0] = '\0';
	rc = store_facts_load(st, &f, err, cap);
	if (rc < 0)
		return rc;
	rc = report_builder_new(o, f, &b, err, cap);
	if (rc < 0)
		goto out;
	/* the head first: a report never claims rows it did not read */
	rc = store_ledger_head(st, &seq, &head_utc, head);
	if (rc == 0)
		rc = store_person_each(st, feed_person, b);
	if (rc == 0)
		rc = store_period_each(st, feed_period, b);
	if (rc == 0)
		rc = store_excuse_each(st, o->first, o->last, o->person,
				       feed_excuse, b);
	if (rc == 0)
		rc = store_punch_scan(st, o->first, o->last, o->person,
				      feed_punch, b);
	if (rc < 0) {
		report_builder_free(b);
		goto out;
	}
	/* rc > 0: a day callback asked to stop; finish what is built */
	rc = report_builder_finish(b, &r);
	if (rc < 0)
		goto out;
	r->ledger_seq = seq;
	snprintf(r->ledger_head, sizeof(r->ledger_head), "%s", head);
	*out = r;
out:
	facts_free(f);
	if (rc < 0 && cap && !err[0])
		snprintf(err, cap, "cannot build the report: %s",
			 strerror(-rc));
	return rc;
}
