/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_civil: libFuzzer harness for the strict text parsers of civil time
 * (dates, times, local instants, report periods, zone names) and of punch
 * flag names.  What a parser accepts must format back to the same text
 * (a period to its own label), so no two spellings mean one value; what
 * it refuses must come with a terminated message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "fuzz.h"
#include "records.h"

#define ERR_BYTES 48 /* small: period messages must truncate safely */

static void check_date_time(const char *s)
{
	static const int32_t offsets[] = {420, 480, 540, 0};
	char buf[CIVIL_LOCAL_LEN], want[CIVIL_LOCAL_LEN];
	pd_day_t day;
	int32_t sec, off;
	int64_t utc;

	if (civil_date_parse(s, &day) == 0) {
		civil_date_format(day, buf);
		FUZZ_CHECK(strcmp(buf, s) == 0);
	}
	if (civil_time_parse(s, &sec) == 0) {
		FUZZ_CHECK(sec >= 0 && sec < CIVIL_SEC_PER_DAY);
		civil_time_format(sec, buf);
		snprintf(want, sizeof(want), "%s%s", s,
			 strlen(s) == 5 ? ":00" : "");
		FUZZ_CHECK(strcmp(buf, want) == 0);
	}
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		if (civil_local_parse(s, offsets[i], &utc) != 0)
			continue;
		civil_local_format(utc, offsets[i], buf);
		snprintf(want, sizeof(want), "%s%s", s,
			 strlen(s) == 16 ? ":00" : "");
		FUZZ_CHECK(strcmp(buf, want) == 0);
	}
	if (civil_tz_offset(s, &off) == 0)
		FUZZ_CHECK(civil_tz_abbrev(off) != NULL);
}

static void check_periods(const char *s)
{
	enum civil_period_kind kind;
	char err[ERR_BYTES], label[CIVIL_LABEL_MAX];
	pd_day_t first, last;

	if (civil_period_kind_parse(s, &kind) == 0)
		FUZZ_CHECK(strcmp(civil_period_kind_name(kind), s) == 0);
	for (int k = CIVIL_PERIOD_DATE; k <= CIVIL_PERIOD_YEAR; k++) {
		memset(err, 0x5a, sizeof(err));
		if (civil_period_parse((enum civil_period_kind)k, s, &first,
				       &last, err, sizeof(err)) != 0) {
			FUZZ_CHECK(fuzz_terminated(err, sizeof(err)) && err[0]);
			continue;
		}
		FUZZ_CHECK(first <= last);
		/* both ends are labelled with the text that named them */
		FUZZ_CHECK(civil_period_label((enum civil_period_kind)k, first,
					      label, sizeof(label)) > 0);
		FUZZ_CHECK(strcmp(label, s) == 0);
		FUZZ_CHECK(civil_period_label((enum civil_period_kind)k, last,
					      label, sizeof(label)) > 0);
		FUZZ_CHECK(strcmp(label, s) == 0);
		FUZZ_CHECK(civil_period_label_id((enum civil_period_kind)k,
						 first, label,
						 sizeof(label)) > 0);
		/* and the days just outside belong to other periods */
		FUZZ_CHECK(civil_period_label((enum civil_period_kind)k,
					      last + 1, label,
					      sizeof(label)) > 0);
		FUZZ_CHECK(strcmp(label, s) != 0);
	}
}

static void check_flags(const char *s)
{
	static const char seps[] = {'+', ' ', '|', ','};
	char buf[RECORDS_FLAGS_MAX];
	unsigned int flags, again;

	for (int style = RECORDS_FLAG_CODE; style <= RECORDS_FLAG_WORD;
	     style++) {
		for (size_t i = 0; i < sizeof(seps); i++) {
			if (records_flags_parse(s,
						(enum records_flag_style)style,
						seps[i], &flags) != 0)
				continue;
			FUZZ_CHECK((flags & ~(unsigned int)PUNCH_F_ALL) == 0);
			records_flags_format(flags,
					     (enum records_flag_style)style,
					     seps[i], buf);
			FUZZ_CHECK(records_flags_parse(
					   buf, (enum records_flag_style)style,
					   seps[i], &again) == 0);
			FUZZ_CHECK(again == flags);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	if (!s)
		return 0;
	check_date_time(s);
	check_periods(s);
	check_flags(s);
	free(s);
	return 0;
}
