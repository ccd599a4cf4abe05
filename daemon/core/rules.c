// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rules.c: rule profiles (jam kerja) as data.  Parses the profile INI
 * format documented in rules.h, fills in default windows, resolves one day
 * (weekday, Ramadan range) and keeps the set of profiles by effective day.
 */
#include "rules.h"

#include <errno.h>
#include <string.h>

#include "ini.h"

#define DAY_KEYS 7
#define SEC_DAY	 CIVIL_SEC_PER_DAY

/* Weekday keys in enum civil_weekday order. */
static const char *const day_key[DAY_KEYS] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static const char *const profile_keys[] = {
	"grace_s",
	"name",
	"reference",
	"week",
};
enum { K_GRACE, K_NAME, K_REFERENCE, K_WEEK, K_PROFILE_N };

/* Explicit windows of one hours table: "all days" and per weekday. */
struct win_src {
	bool have_all;
	int line_all;
	struct rules_window all;
	bool have_day[DAY_KEYS];
	int line_day[DAY_KEYS];
	struct rules_window day[DAY_KEYS];
};

struct hours_src {
	bool have[DAY_KEYS];
	int line[DAY_KEYS];
};

struct parse_state {
	struct rules_profile *p;
	int profile_line;
	int line_profile_key[K_PROFILE_N]; /* [profile] keys, 0 = absent */
	int hours_line;			   /* 0: no [hours] section */
	struct hours_src hours, ram_hours;
	struct win_src masuk, pulang, ram_masuk, ram_pulang;
	int ramadan_line;
	bool have_from, have_to;
	int from_line, to_line;
};

static int day_index(const char *s)
{
	for (int i = 0; i < DAY_KEYS; i++)
		if (strcmp(s, day_key[i]) == 0)
			return i;
	return -1;
}

/* "HH:MM-HH:MM" (seconds optional) with from < to, to <= 24:00. */
static int range_parse(const char *v, int32_t *from, int32_t *to)
{
	char a[16];
	const char *dash = strchr(v, '-');
	size_t n;

	if (!dash)
		return -EINVAL;
	n = (size_t)(dash - v);
	if (n == 0 || n >= sizeof(a))
		return -EINVAL;
	memcpy(a, v, n);
	a[n] = '\0';
	while (n && a[n - 1] == ' ')
		a[--n] = '\0';
	dash++;
	while (*dash == ' ')
		dash++;
	if (ini_parse_hms(a, from) || *from >= SEC_DAY ||
	    ini_parse_hms(dash, to) || *from >= *to)
		return -EINVAL;
	return 0;
}

static void hours_key(struct parse_state *st, struct ini_errors *e, int line,
		      bool ramadan, int wd, const char *value)
{
	struct hours_src *src = ramadan ? &st->ram_hours : &st->hours;
	struct rules_hours *h =
		ramadan ? &st->p->ramadan_hours[wd] : &st->p->hours[wd];
	int32_t a, b;

	if (src->have[wd]) {
		ini_error(e, line, "duplicate key \"%s\" (first on line %d)",
			  day_key[wd], src->line[wd]);
		return;
	}
	src->have[wd] = true;
	src->line[wd] = line;
	if (strcmp(value, "libur") == 0) {
		h->working = false;
		h->start_s = h->end_s = 0;
		return;
	}
	if (range_parse(value, &a, &b)) {
		ini_error(e, line,
			  "%s: expected \"HH:MM-HH:MM\" (start before end) "
			  "or \"libur\", got \"%s\"",
			  day_key[wd], value);
		return;
	}
	h->working = true;
	h->start_s = a;
	h->end_s = b;
}

/* "masuk", "pulang", "masuk.fri", "pulang.sat": true when key is one. */
static bool window_key(struct parse_state *st, struct ini_errors *e, int line,
		       bool ramadan, const char *key, const char *value)
{
	struct win_src *src;
	struct rules_window w;
	const char *dot = strchr(key, '.');
	size_t base = dot ? (size_t)(dot - key) : strlen(key);
	int wd = -1;

	if (base == 5 && strncmp(key, "masuk", 5) == 0)
		src = ramadan ? &st->ram_masuk : &st->masuk;
	else if (base == 6 && strncmp(key, "pulang", 6) == 0)
		src = ramadan ? &st->ram_pulang : &st->pulang;
	else
		return false;
	if (dot) {
		wd = day_index(dot + 1);
		if (wd < 0)
			return false;
	}
	if (range_parse(value, &w.from_s, &w.to_s)) {
		ini_error(e, line,
			  "%s: expected a window \"HH:MM-HH:MM\" (opens "
			  "before it closes), got \"%s\"",
			  key, value);
		return true;
	}
	if (wd < 0) {
		if (src->have_all) {
			ini_error(e, line,
				  "duplicate key \"%s\" (first on line %d)",
				  key, src->line_all);
			return true;
		}
		src->have_all = true;
		src->line_all = line;
		src->all = w;
	} else {
		if (src->have_day[wd]) {
			ini_error(e, line,
				  "duplicate key \"%s\" (first on line %d)",
				  key, src->line_day[wd]);
			return true;
		}
		src->have_day[wd] = true;
		src->line_day[wd] = line;
		src->day[wd] = w;
	}
	return true;
}

static void profile_key(struct parse_state *st, struct ini_errors *e, int line,
			const char *key, const char *value)
{
	int k = ini_key_once(profile_keys, K_PROFILE_N, "profile", key,
			     st->line_profile_key, e, line);
	long v;

	if (k < 0)
		return;
	switch (k) {
	case K_NAME:
		if (!*value || strlen(value) >= sizeof(st->p->name))
			ini_error(e, line, "name must be 1..%zu bytes",
				  sizeof(st->p->name) - 1);
		else
			strcpy(st->p->name, value);
		break;
	case K_REFERENCE:
		if (!*value || strlen(value) >= sizeof(st->p->reference))
			ini_error(e, line, "reference must be 1..%zu bytes",
				  sizeof(st->p->reference) - 1);
		else
			strcpy(st->p->reference, value);
		break;
	case K_GRACE:
		if (ini_parse_long(value, 0, RULES_GRACE_MAX_S, &v))
			ini_error(e, line,
				  "grace_s must be seconds 0..%d, got \"%s\"",
				  RULES_GRACE_MAX_S, value);
		else
			st->p->grace_s = (int32_t)v;
		break;
	case K_WEEK:
		if (ini_parse_long(value, 5, 6, &v))
			ini_error(e, line, "week must be 5 or 6, got \"%s\"",
				  value);
		else
			st->p->week_days = (int)v;
		break;
	}
}

static void ramadan_key(struct parse_state *st, struct ini_errors *e, int line,
			const char *key, const char *value)
{
	int wd = day_index(key);
	pd_day_t d;

	if (wd >= 0) {
		hours_key(st, e, line, true, wd, value);
		return;
	}
	if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
		bool from = key[0] == 'f';
		bool *have = from ? &st->have_from : &st->have_to;
		int *l = from ? &st->from_line : &st->to_line;

		if (*have) {
			ini_error(e, line,
				  "duplicate key \"%s\" (first on line %d)",
				  key, *l);
			return;
		}
		*have = true;
		*l = line;
		if (civil_date_parse(value, &d)) {
			ini_error(e, line,
				  "%s: expected a date YYYY-MM-DD, got \"%s\"",
				  key, value);
			return;
		}
		if (from)
			st->p->ramadan_from = d;
		else
			st->p->ramadan_to = d;
		return;
	}
	if (!window_key(st, e, line, true, key, value))
		ini_error(e, line, "unknown key \"%s\" in [ramadan]", key);
}

static int on_kv(void *ud, struct ini_errors *e, int line, const char *section,
		 const char *key, const char *value)
{
	struct parse_state *st = ud;
	int wd;

	if (!key) {
		if (strcmp(section, "profile") == 0) {
			if (!st->profile_line)
				st->profile_line = line;
		} else if (strcmp(section, "hours") == 0) {
			if (!st->hours_line)
				st->hours_line = line;
		} else if (strcmp(section, "ramadan") == 0) {
			if (!st->ramadan_line)
				st->ramadan_line = line;
		} else if (strcmp(section, "windows") != 0) {
			ini_error(e, line,
				  "unknown section [%s] (expected [profile], "
				  "[hours], [windows] or [ramadan])",
				  section);
		}
		return 0;
	}
	if (strcmp(section, "profile") == 0) {
		profile_key(st, e, line, key, value);
	} else if (strcmp(section, "hours") == 0) {
		wd = day_index(key);
		if (wd < 0)
			ini_error(e, line,
				  "unknown key \"%s\" in [hours] (expected "
				  "mon..sun)",
				  key);
		else
			hours_key(st, e, line, false, wd, value);
	} else if (strcmp(section, "windows") == 0) {
		if (!window_key(st, e, line, false, key, value))
			ini_error(e, line,
				  "unknown key \"%s\" in [windows] (expected "
				  "masuk, pulang, masuk.<day>, pulang.<day>)",
				  key);
	} else if (strcmp(section, "ramadan") == 0) {
		ramadan_key(st, e, line, key, value);
	} else if (section[0] == '\0') {
		ini_error(e, line, "key \"%s\" outside any section", key);
	}
	/* keys of an unknown section: its header was already reported */
	return 0;
}

/*
 * Fills resolved windows for one hours table.  The arrival and leave
 * windows may overlap (DOMAIN §2.1): pulang is the last accepted punch in
 * the leave window later than masuk, so one punch is never both.
 */
static void resolve_windows(const struct rules_hours *h,
			    const struct win_src *ms, const struct win_src *ps,
			    struct rules_window *masuk,
			    struct rules_window *pulang)
{
	for (int wd = 0; wd < DAY_KEYS; wd++) {
		int32_t mid = (h[wd].start_s + h[wd].end_s) / 2;

		masuk[wd] = (struct rules_window){0, mid};
		pulang[wd] = (struct rules_window){mid, SEC_DAY};
		if (ms->have_day[wd])
			masuk[wd] = ms->day[wd];
		else if (ms->have_all)
			masuk[wd] = ms->all;
		if (ps->have_day[wd])
			pulang[wd] = ps->day[wd];
		else if (ps->have_all)
			pulang[wd] = ps->all;
		if (!h[wd].working)
			masuk[wd] = pulang[wd] = (struct rules_window){0, 0};
	}
}

static void finish(struct parse_state *st, struct ini_errors *e)
{
	struct rules_profile *p = st->p;
	static const char *const req[] = {"name", "reference"};
	int working = 0;

	if (!st->profile_line)
		ini_error(e, 0, "missing section [profile]");
	for (int k = 0; k < 2 && st->profile_line; k++)
		if (!st->line_profile_key[k == 0 ? K_NAME : K_REFERENCE])
			ini_error(e, st->profile_line,
				  "[profile]: missing key \"%s\"", req[k]);
	if (!st->hours_line)
		ini_error(e, 0, "missing section [hours]");
	for (int wd = 0; wd < DAY_KEYS && st->hours_line; wd++) {
		if (!st->hours.have[wd])
			ini_error(e, st->hours_line,
				  "[hours]: missing key \"%s\" (give hours "
				  "or \"libur\")",
				  day_key[wd]);
		working += p->hours[wd].working;
	}
	if (p->week_days && st->hours_line && working != p->week_days)
		ini_error(e, st->line_profile_key[K_WEEK],
			  "week = %d but [hours] has %d working days",
			  p->week_days, working);
	resolve_windows(p->hours, &st->masuk, &st->pulang, p->masuk, p->pulang);
	if (!st->ramadan_line)
		return;
	p->has_ramadan = true;
	if (!st->have_from)
		ini_error(e, st->ramadan_line,
			  "[ramadan]: missing key \"from\"");
	if (!st->have_to)
		ini_error(e, st->ramadan_line, "[ramadan]: missing key \"to\"");
	if (st->have_from && st->have_to && p->ramadan_from > p->ramadan_to)
		ini_error(e, st->to_line,
			  "[ramadan]: \"to\" is before \"from\"");
	for (int wd = 0; wd < DAY_KEYS; wd++)
		if (!st->ram_hours.have[wd])
			p->ramadan_hours[wd] = p->hours[wd];
	resolve_windows(p->ramadan_hours, &st->ram_masuk, &st->ram_pulang,
			p->ramadan_masuk, p->ramadan_pulang);
}

int rules_parse(FILE *fp, const char *fname, struct rules_profile *out,
		char *errbuf, size_t errcap)
{
	struct parse_state st;
	struct ini_errors e;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.p = out;
	ini_errors_init(&e, fname, errbuf, errcap);
	rc = ini_parse(fp, on_kv, &st, &e);
	if (rc == -EIO)
		return rc;
	finish(&st, &e);
	return e.count ? -EINVAL : 0;
}

void rules_day(const struct rules_profile *p, pd_day_t day,
	       struct day_rule *out)
{
	enum civil_weekday wd = civil_weekday(day);
	bool ram = p->has_ramadan && day >= p->ramadan_from &&
		   day <= p->ramadan_to;
	const struct rules_hours *h =
		ram ? &p->ramadan_hours[wd] : &p->hours[wd];

	memset(out, 0, sizeof(*out));
	out->profile = p;
	out->ramadan = ram;
	out->working = h->working;
	if (!h->working)
		return;
	out->start_s = h->start_s;
	out->end_s = h->end_s;
	out->grace_s = p->grace_s;
	out->masuk = ram ? p->ramadan_masuk[wd] : p->masuk[wd];
	out->pulang = ram ? p->ramadan_pulang[wd] : p->pulang[wd];
}

bool rules_in_window(const struct rules_window *w, int32_t sec)
{
	return sec >= w->from_s && sec < w->to_s;
}

void rules_set_init(struct rules_set *s)
{
	s->n = 0;
}

int rules_set_add(struct rules_set *s, pd_day_t from_day,
		  const struct rules_profile *p)
{
	int i = 0;

	while (i < s->n && s->e[i].from_day < from_day)
		i++;
	if (i < s->n && s->e[i].from_day == from_day) {
		s->e[i].profile = *p;
		return 0;
	}
	if (s->n >= RULES_SET_MAX)
		return -ENOSPC;
	memmove(&s->e[i + 1], &s->e[i], (size_t)(s->n - i) * sizeof(s->e[0]));
	s->e[i].from_day = from_day;
	s->e[i].profile = *p;
	s->n++;
	return 0;
}

const struct rules_profile *rules_set_find(const struct rules_set *s,
					   pd_day_t day, pd_day_t *from_day)
{
	for (int i = s->n - 1; i >= 0; i--)
		if (s->e[i].from_day <= day) {
			if (from_day)
				*from_day = s->e[i].from_day;
			return &s->e[i].profile;
		}
	return NULL;
}

int rules_set_day(const struct rules_set *s, pd_day_t day, struct day_rule *out)
{
	const struct rules_profile *p = rules_set_find(s, day, NULL);

	if (!p)
		return -ENOENT;
	rules_day(p, day, out);
	return 0;
}
