/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rules: libFuzzer harness for rules_parse(), the rule-profile reader
 * (jam kerja as data), on arbitrary bytes.  An accepted profile must keep
 * every promise of rules.h: hours with start < end, windows inside the day
 * with from < to, arrival closing no later than leave opens, grace in
 * range; and rules_day() must resolve any day under it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "fuzz.h"
#include "rules.h"

#define ERRBUF_BYTES 4096
#define SEC_DAY	     86400

static void check_window(const struct rules_window *w)
{
	FUZZ_CHECK(w->from_s >= 0 && w->from_s < w->to_s && w->to_s <= SEC_DAY);
}

static void check_table(const struct rules_hours *h,
			const struct rules_window *masuk,
			const struct rules_window *pulang)
{
	for (int wd = 0; wd < CIVIL_WEEKDAYS; wd++) {
		if (!h[wd].working)
			continue;
		FUZZ_CHECK(h[wd].start_s >= 0 && h[wd].start_s < h[wd].end_s &&
			   h[wd].end_s <= SEC_DAY);
		check_window(&masuk[wd]);
		check_window(&pulang[wd]);
		/* the windows may overlap (docs/domain.md §3): the verdict
		 * takes the first punch as masuk and a later one as pulang,
		 * so no order between them is a property of the profile */
	}
}

static void check_profile(const struct rules_profile *p)
{
	int working = 0;
	struct day_rule r;

	FUZZ_CHECK(fuzz_terminated(p->name, sizeof(p->name)) && p->name[0]);
	FUZZ_CHECK(fuzz_terminated(p->reference, sizeof(p->reference)) &&
		   p->reference[0]);
	FUZZ_CHECK(p->version[0] == '\0');
	FUZZ_CHECK(p->grace_s >= 0 && p->grace_s <= RULES_GRACE_MAX_S);
	for (int wd = 0; wd < CIVIL_WEEKDAYS; wd++)
		working += p->hours[wd].working;
	FUZZ_CHECK(p->week_days == 0 || p->week_days == working);
	check_table(p->hours, p->masuk, p->pulang);
	if (p->has_ramadan) {
		FUZZ_CHECK(p->ramadan_from <= p->ramadan_to);
		check_table(p->ramadan_hours, p->ramadan_masuk,
			    p->ramadan_pulang);
	}
	/* a week around the Ramadan start (or any week) resolves */
	for (int i = -3; i < 4; i++) {
		pd_day_t day = (p->has_ramadan ? p->ramadan_from : 20000) + i;

		rules_day(p, day, &r);
		FUZZ_CHECK(r.profile == p);
		if (r.working)
			FUZZ_CHECK(r.start_s < r.end_s &&
				   r.masuk.from_s < r.masuk.to_s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *errbuf = malloc(ERRBUF_BYTES);
	struct rules_profile *p = malloc(sizeof(*p));
	FILE *fp;
	int rc;

	if (!copy || !errbuf || !p)
		goto out;
	if (size)
		memcpy(copy, data, size);
	fp = fmemopen(copy, size, "r");
	if (!fp)
		goto out;
	memset(errbuf, 0x5a, ERRBUF_BYTES);
	rc = rules_parse(fp, "fuzz.ini", p, errbuf, ERRBUF_BYTES);
	fclose(fp);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO);
	/* a NUL byte is no text: refused, never a silent line break or
	 * the end of a line whose rest is dropped (ini.h) */
	if (memchr(data, '\0', size))
		FUZZ_CHECK(rc != 0);
	if (rc == 0)
		check_profile(p);
	else if (rc == -EINVAL)
		FUZZ_CHECK(fuzz_terminated(errbuf, ERRBUF_BYTES) &&
			   errbuf[0] != '\0');
out:
	free(p);
	free(errbuf);
	free(copy);
	return 0;
}
