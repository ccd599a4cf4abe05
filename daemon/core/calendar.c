// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * calendar.c: yearly holiday files (libur nasional, cuti bersama, local
 * days) and the merged set the verdict looks days up in.  Entries stay
 * sorted by day so a lookup is a binary search.
 */
#include "calendar.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "ini.h"

static const char *const header_keys[] = {"name", "reference", "year"};
enum { K_NAME, K_REFERENCE, K_YEAR, K_N };

struct parse_state {
	struct calendar *cal;
	int header_line;
	int key_line[K_N]; /* where each [calendar] key was, 0 = absent */
	enum calendar_kind section; /* NONE inside [calendar] or unknown */
	bool in_header;
	int lines[CALENDAR_DAYS_MAX]; /* line of each entry, for errors */
};

const char *calendar_kind_section(enum calendar_kind kind)
{
	switch (kind) {
	case CALENDAR_LIBUR:
		return "libur";
	case CALENDAR_CUTI_BERSAMA:
		return "cuti_bersama";
	case CALENDAR_LOKAL:
		return "lokal";
	case CALENDAR_NONE:
		break;
	}
	return NULL;
}

int calendar_kind_parse(const char *section, enum calendar_kind *out)
{
	for (int k = CALENDAR_LIBUR; k <= CALENDAR_LOKAL; k++)
		if (section && strcmp(section, calendar_kind_section(k)) == 0) {
			*out = (enum calendar_kind)k;
			return 0;
		}
	return -EINVAL;
}

const char *calendar_kind_label(enum calendar_kind kind)
{
	switch (kind) {
	case CALENDAR_LIBUR:
		return "libur nasional";
	case CALENDAR_CUTI_BERSAMA:
		return "cuti bersama";
	case CALENDAR_LOKAL:
		return "libur lokal";
	case CALENDAR_NONE:
		break;
	}
	return "";
}

static void header_key(struct parse_state *st, struct ini_errors *e, int line,
		       const char *key, const char *value)
{
	int k = ini_key_once(header_keys, K_N, "calendar", key, st->key_line, e,
			     line);
	long y;

	if (k < 0)
		return;
	switch (k) {
	case K_YEAR:
		if (ini_parse_long(value, CIVIL_YEAR_MIN, CIVIL_YEAR_MAX, &y))
			ini_error(e, line, "year must be %d..%d, got \"%s\"",
				  CIVIL_YEAR_MIN, CIVIL_YEAR_MAX, value);
		else
			st->cal->year = (int)y;
		break;
	case K_NAME:
		if (!*value || strlen(value) >= sizeof(st->cal->name))
			ini_error(e, line, "name must be 1..%zu bytes",
				  sizeof(st->cal->name) - 1);
		else
			strcpy(st->cal->name, value);
		break;
	case K_REFERENCE:
		if (!*value || strlen(value) >= sizeof(st->cal->reference))
			ini_error(e, line, "reference must be 1..%zu bytes",
				  sizeof(st->cal->reference) - 1);
		else
			strcpy(st->cal->reference, value);
		break;
	}
}

static void day_key(struct parse_state *st, struct ini_errors *e, int line,
		    const char *key, const char *value)
{
	struct calendar *cal = st->cal;
	pd_day_t day;

	if (civil_date_parse(key, &day)) {
		ini_error(e, line, "bad date \"%s\" (expected YYYY-MM-DD)",
			  key);
		return;
	}
	if (!*value || strlen(value) >= CALENDAR_NAME_MAX) {
		ini_error(e, line, "%s: name must be 1..%d bytes", key,
			  CALENDAR_NAME_MAX - 1);
		return;
	}
	for (int i = 0; i < cal->n; i++)
		if (cal->e[i].day == day) {
			ini_error(e, line, "%s listed twice (first on line %d)",
				  key, st->lines[i]);
			return;
		}
	if (cal->n >= CALENDAR_DAYS_MAX) {
		ini_error(e, line, "more than %d days in one file",
			  CALENDAR_DAYS_MAX);
		return;
	}
	st->lines[cal->n] = line;
	cal->e[cal->n].day = day;
	cal->e[cal->n].kind = st->section;
	cal->e[cal->n].file = 0;
	strcpy(cal->e[cal->n].name, value);
	cal->n++;
}

static int on_kv(void *ud, struct ini_errors *e, int line, const char *section,
		 const char *key, const char *value)
{
	struct parse_state *st = ud;

	if (!key) {
		st->in_header = strcmp(section, "calendar") == 0;
		st->section = CALENDAR_NONE;
		if (st->in_header) {
			if (!st->header_line)
				st->header_line = line;
		} else if (calendar_kind_parse(section, &st->section)) {
			ini_error(e, line,
				  "unknown section [%s] (expected [calendar], "
				  "[libur], [cuti_bersama] or [lokal])",
				  section);
		}
		return 0;
	}
	if (st->in_header)
		header_key(st, e, line, key, value);
	else if (st->section != CALENDAR_NONE)
		day_key(st, e, line, key, value);
	else if (section[0] == '\0')
		ini_error(e, line, "key \"%s\" outside any section", key);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct calendar_entry *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

int calendar_parse(FILE *fp, const char *fname, struct calendar *out,
		   char *errbuf, size_t errcap)
{
	struct parse_state st;
	struct ini_errors e;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.cal = out;
	ini_errors_init(&e, fname, errbuf, errcap);
	rc = ini_parse(fp, on_kv, &st, &e);
	if (rc == -EIO)
		return rc;
	if (!st.header_line) {
		ini_error(&e, 0, "missing section [calendar]");
	} else {
		for (int k = 0; k < K_N; k++)
			if (!st.key_line[k])
				ini_error(&e, st.header_line,
					  "[calendar]: missing key \"%s\"",
					  header_keys[k]);
	}
	if (st.key_line[K_YEAR] && out->year) {
		for (int i = 0; i < out->n; i++) {
			int y, m, d;

			civil_to_ymd(out->e[i].day, &y, &m, &d);
			if (y != out->year)
				ini_error(&e, st.lines[i],
					  "%04d-%02d-%02d is outside year %d",
					  y, m, d, out->year);
		}
	}
	if (e.count)
		return -EINVAL;
	qsort(out->e, (size_t)out->n, sizeof(out->e[0]), cmp_entry);
	return 0;
}

int calendar_count(const struct calendar *cal, enum calendar_kind kind)
{
	int n = 0;

	for (int i = 0; i < cal->n; i++)
		n += cal->e[i].kind == kind;
	return n;
}

void calendar_set_init(struct calendar_set *cs)
{
	cs->nfiles = 0;
	cs->n = 0;
}

static const struct calendar_entry *find(const struct calendar_set *cs,
					 pd_day_t day)
{
	struct calendar_entry key = {.day = day};

	return bsearch(&key, cs->e, (size_t)cs->n, sizeof(cs->e[0]), cmp_entry);
}

/* Inserts keeping the order; caller checked space and uniqueness. */
static void insert(struct calendar_set *cs, const struct calendar_entry *x)
{
	int i = cs->n;

	while (i > 0 && cs->e[i - 1].day > x->day) {
		cs->e[i] = cs->e[i - 1];
		i--;
	}
	cs->e[i] = *x;
	cs->n++;
}

int calendar_set_add(struct calendar_set *cs, const struct calendar *cal)
{
	int fi, kept = 0, room, out;

	for (fi = 0; fi < cs->nfiles; fi++)
		if (cs->files[fi].year == cal->year)
			break;
	if (fi == cs->nfiles && cs->nfiles >= CALENDAR_SET_FILES_MAX)
		return -ENOSPC;
	/* Count what survives to check space before changing anything:
	 * the old file's entries go, added days on a file date go. */
	for (int i = 0; i < cs->n; i++) {
		const struct calendar_entry *x = &cs->e[i];
		bool clash = false;

		if (x->file == fi)
			continue;
		for (int j = 0; x->file < 0 && j < cal->n; j++)
			clash |= cal->e[j].day == x->day;
		kept += !clash;
	}
	room = CALENDAR_SET_DAYS_MAX - kept;
	if (cal->n > room)
		return -ENOSPC;
	out = 0;
	for (int i = 0; i < cs->n; i++) {
		const struct calendar_entry *x = &cs->e[i];
		bool clash = false;

		for (int j = 0; x->file < 0 && j < cal->n; j++)
			clash |= cal->e[j].day == x->day;
		if (x->file != fi && !clash)
			cs->e[out++] = *x;
	}
	cs->n = out;
	if (fi == cs->nfiles)
		cs->nfiles++;
	cs->files[fi].year = cal->year;
	memcpy(cs->files[fi].name, cal->name, sizeof(cs->files[fi].name));
	memcpy(cs->files[fi].version, cal->version,
	       sizeof(cs->files[fi].version));
	for (int j = 0; j < cal->n; j++) {
		struct calendar_entry x = cal->e[j];

		x.file = (int8_t)fi;
		insert(cs, &x);
	}
	return 0;
}

int calendar_set_add_day(struct calendar_set *cs, pd_day_t day,
			 enum calendar_kind kind, const char *name)
{
	struct calendar_entry x;

	if (kind != CALENDAR_LIBUR && kind != CALENDAR_CUTI_BERSAMA &&
	    kind != CALENDAR_LOKAL)
		return -EINVAL;
	if (!name || !*name || strlen(name) >= sizeof(x.name))
		return -EINVAL;
	if (find(cs, day))
		return -EEXIST;
	if (cs->n >= CALENDAR_SET_DAYS_MAX)
		return -ENOSPC;
	memset(&x, 0, sizeof(x));
	x.day = day;
	x.kind = kind;
	x.file = -1;
	strcpy(x.name, name);
	insert(cs, &x);
	return 0;
}

int calendar_set_remove_day(struct calendar_set *cs, pd_day_t day)
{
	const struct calendar_entry *x = find(cs, day);
	int i;

	if (!x)
		return -ENOENT;
	i = (int)(x - cs->e);
	memmove(&cs->e[i], &cs->e[i + 1], (size_t)(cs->n - i - 1) * sizeof(*x));
	cs->n--;
	return 0;
}

int calendar_day(const struct calendar_set *cs, pd_day_t day,
		 enum calendar_kind *kind, const char **name)
{
	const struct calendar_entry *x = find(cs, day);

	if (!x)
		return -ENOENT;
	if (kind)
		*kind = x->kind;
	if (name)
		*name = x->name;
	return 0;
}

bool calendar_set_has_year(const struct calendar_set *cs, int year)
{
	for (int i = 0; i < cs->nfiles; i++)
		if (cs->files[i].year == year)
			return true;
	return false;
}
