/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts.c: the profiles and calendars in force, parsed from their stored
 * texts.  A stored file that no longer parses is an error naming its
 * ledger seq: rules are never silently dropped.
 */
#include "facts.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARSE_ERR_MAX 1024

struct facts {
	struct rules_set rules;
	struct calendar_set cal;
};

int facts_new(struct facts **out)
{
	struct facts *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	rules_set_init(&f->rules);
	calendar_set_init(&f->cal);
	*out = f;
	return 0;
}

void facts_free(struct facts *f)
{
	free(f);
}

/* fmemopen over a const text: the stream is opened read-only. */
static FILE *text_stream(const char *text)
{
	return fmemopen((void *)(uintptr_t)text, strlen(text), "r");
}

int facts_add_profile(struct facts *f, pd_day_t from_day, const char *version,
		      const char *name, const char *text, int64_t seq,
		      char *err, size_t cap)
{
	struct rules_profile *p;
	char why[PARSE_ERR_MAX];
	FILE *fp;
	int rc;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	fp = text_stream(text);
	if (!fp) {
		free(p);
		return -ENOMEM;
	}
	rc = rules_parse(fp, name, p, why, sizeof(why));
	fclose(fp);
	if (rc < 0) {
		snprintf(err, cap,
			 "stored profile (ledger seq %lld) does not parse: %s",
			 (long long)seq, why);
		free(p);
		return -EINVAL;
	}
	snprintf(p->version, sizeof(p->version), "%s", version);
	rc = rules_set_add(&f->rules, from_day, p);
	free(p);
	if (rc < 0) {
		snprintf(err, cap, "too many profiles (ledger seq %lld)",
			 (long long)seq);
		return -ENOSPC;
	}
	return 0;
}

int facts_add_calendar(struct facts *f, const char *version, const char *name,
		       const char *text, int64_t seq, char *err, size_t cap)
{
	struct calendar *cal;
	char why[PARSE_ERR_MAX];
	FILE *fp;
	int rc;

	cal = calloc(1, sizeof(*cal));
	if (!cal)
		return -ENOMEM;
	fp = text_stream(text);
	if (!fp) {
		free(cal);
		return -ENOMEM;
	}
	rc = calendar_parse(fp, name, cal, why, sizeof(why));
	fclose(fp);
	if (rc == 0) {
		snprintf(cal->version, sizeof(cal->version), "%s", version);
		rc = calendar_set_add(&f->cal, cal);
		if (rc < 0)
			snprintf(err, cap,
				 "calendar (ledger seq %lld) does not fit: %s",
				 (long long)seq, strerror(-rc));
	} else {
		snprintf(err, cap,
			 "stored calendar (ledger seq %lld) does not parse: %s",
			 (long long)seq, why);
		rc = -EINVAL;
	}
	free(cal);
	return rc;
}

int facts_add_day(struct facts *f, pd_day_t day, const char *kind,
		  const char *name, int64_t seq, char *err, size_t cap)
{
	enum calendar_kind k;
	int rc = calendar_kind_parse(kind, &k);

	if (rc == 0)
		rc = calendar_set_add_day(&f->cal, day, k, name);
	if (rc < 0)
		snprintf(err, cap,
			 "calendar day (ledger seq %lld) rejected: %s",
			 (long long)seq, strerror(-rc));
	return rc;
}

int facts_remove_day(struct facts *f, pd_day_t day, int64_t seq, char *err,
		     size_t cap)
{
	int rc = calendar_set_remove_day(&f->cal, day);

	if (rc < 0)
		snprintf(err, cap,
			 "calendar day removed (ledger seq %lld) is not listed",
			 (long long)seq);
	return rc;
}

const struct rules_set *facts_rules(const struct facts *f)
{
	return &f->rules;
}

const struct calendar_set *facts_calendar(const struct facts *f)
{
	return &f->cal;
}

int facts_day(const struct facts *f, pd_day_t day, struct day_rule *rule,
	      enum calendar_kind *holiday, const char **holiday_name)
{
	const char *name = NULL;
	enum calendar_kind k = CALENDAR_NONE;

	if (calendar_day(&f->cal, day, &k, &name) < 0) {
		k = CALENDAR_NONE;
		name = NULL;
	}
	*holiday = k;
	if (holiday_name)
		*holiday_name = name;
	return rules_set_day(&f->rules, day, rule);
}
