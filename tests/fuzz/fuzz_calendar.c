/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_calendar: libFuzzer harness for calendar_parse(), the yearly
 * holiday-file reader, on arbitrary bytes.  An accepted file must list its
 * days sorted, unique, inside its year and named; merged into a set (over
 * an admin-added day, and again as a replacement for the same year) every
 * day must be found with its kind and the set must stay sorted and unique.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "fuzz.h"

#define ERRBUF_BYTES 4096

static void check_set(const struct calendar_set *cs)
{
	FUZZ_CHECK(cs->n >= 0 && cs->n <= CALENDAR_SET_DAYS_MAX);
	for (int i = 1; i < cs->n; i++)
		FUZZ_CHECK(cs->e[i - 1].day < cs->e[i].day);
}

static void check_calendar(const struct calendar *cal)
{
	static struct calendar_set cs;
	int per_kind = 0;

	FUZZ_CHECK(cal->year >= CIVIL_YEAR_MIN && cal->year <= CIVIL_YEAR_MAX);
	FUZZ_CHECK(fuzz_terminated(cal->name, sizeof(cal->name)) &&
		   cal->name[0]);
	FUZZ_CHECK(fuzz_terminated(cal->reference, sizeof(cal->reference)) &&
		   cal->reference[0]);
	FUZZ_CHECK(cal->n >= 0 && cal->n <= CALENDAR_DAYS_MAX);
	for (int i = 0; i < cal->n; i++) {
		const struct calendar_entry *x = &cal->e[i];
		int y, m, d;

		civil_to_ymd(x->day, &y, &m, &d);
		FUZZ_CHECK(y == cal->year);
		FUZZ_CHECK(i == 0 || cal->e[i - 1].day < x->day);
		FUZZ_CHECK(x->kind == CALENDAR_LIBUR ||
			   x->kind == CALENDAR_CUTI_BERSAMA ||
			   x->kind == CALENDAR_LOKAL);
		FUZZ_CHECK(fuzz_terminated(x->name, sizeof(x->name)) &&
			   x->name[0]);
	}
	per_kind = calendar_count(cal, CALENDAR_LIBUR) +
		   calendar_count(cal, CALENDAR_CUTI_BERSAMA) +
		   calendar_count(cal, CALENDAR_LOKAL);
	FUZZ_CHECK(per_kind == cal->n);

	/* an admin's day first (on the first listed date, if any), then the
	 * file, then the file again: the second import replaces the first */
	calendar_set_init(&cs);
	FUZZ_CHECK(
		calendar_set_add_day(&cs,
				     cal->n ? cal->e[0].day
					    : civil_from_ymd(cal->year, 1, 1),
				     CALENDAR_LOKAL, "Hari Jadi") == 0);
	for (int round = 0; round < 2; round++) {
		FUZZ_CHECK(calendar_set_add(&cs, cal) == 0);
		FUZZ_CHECK(cs.nfiles == 1);
		FUZZ_CHECK(calendar_set_has_year(&cs, cal->year));
		check_set(&cs);
		for (int i = 0; i < cal->n; i++) {
			enum calendar_kind kind;
			const char *name;

			FUZZ_CHECK(calendar_day(&cs, cal->e[i].day, &kind,
						&name) == 0);
			FUZZ_CHECK(kind == cal->e[i].kind);
			FUZZ_CHECK(strcmp(name, cal->e[i].name) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *errbuf = malloc(ERRBUF_BYTES);
	struct calendar *cal = malloc(sizeof(*cal));
	FILE *fp;
	int rc;

	if (!copy || !errbuf || !cal)
		goto out;
	if (size)
		memcpy(copy, data, size);
	fp = fmemopen(copy, size, "r");
	if (!fp)
		goto out;
	memset(errbuf, 0x5a, ERRBUF_BYTES);
	rc = calendar_parse(fp, "fuzz.ini", cal, errbuf, ERRBUF_BYTES);
	fclose(fp);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO);
	/* a NUL byte is no text: refused, never a silent line break or
	 * the end of a line whose rest is dropped (ini.h) */
	if (memchr(data, '\0', size))
		FUZZ_CHECK(rc != 0);
	if (rc == 0)
		check_calendar(cal);
	else if (rc == -EINVAL)
		FUZZ_CHECK(fuzz_terminated(errbuf, ERRBUF_BYTES) &&
			   errbuf[0] != '\0');
out:
	free(cal);
	free(errbuf);
	free(copy);
	return 0;
}
