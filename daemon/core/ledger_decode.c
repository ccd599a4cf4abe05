/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ledger_decode.c: a ledger row back into its record, for every kind and
 * format docs/ledger.md lists.  The data is split into its keys first (so
 * order, repeats and unknown keys are seen), then each kind takes its keys
 * in their documented order; values are unescaped by ledger_data_get, the
 * same code that writes them.  Used by the kecamatan's import and replay.
 */
#include "ledger_decode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "verdict.h"

#define KEYS_MAX 24 /* keys in one row's data; the longest kind has 13 */
#define KEY_MAX	 16 /* one key, bytes incl. NUL */
#define NUM_MAX	 24 /* a decimal int64, sign and NUL */

struct cur {
	const char *data;
	char keys[KEYS_MAX][KEY_MAX];
	int n, i;
	char *err;
	size_t cap;
};

static int fail(struct cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->cap) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->cap, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.';
}

/* Splits data into keys, checking each "key=value" segment's shape: key
 * characters, one '=', no raw control byte, no repeated key. */
static int split(struct cur *c)
{
	const char *p = c->data;

	c->n = c->i = 0;
	if (!*p)
		return 0;
	for (;;) {
		const char *end = strchr(p, ';');
		const char *eq;
		size_t klen;

		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq == p)
			return fail(c, "data segment without key=value");
		klen = (size_t)(eq - p);
		if (klen >= KEY_MAX)
			return fail(c, "key too long");
		for (const char *k = p; k < eq; k++)
			if (!key_char(*k))
				return fail(c, "bad character in a key");
		for (const char *v = eq + 1; v < end; v++)
			if (*v == '=' || (unsigned char)*v < 0x20 || *v == 0x7f)
				return fail(c, "unescaped byte in the value "
					       "of a key");
		if (c->n == KEYS_MAX)
			return fail(c, "too many keys");
		memcpy(c->keys[c->n], p, klen);
		c->keys[c->n][klen] = '\0';
		for (int j = 0; j < c->n; j++)
			if (strcmp(c->keys[j], c->keys[c->n]) == 0)
				return fail(c, "key %s repeated",
					    c->keys[c->n]);
		c->n++;
		if (!*end)
			return 0;
		p = end + 1;
		if (!*p)
			return fail(c, "data ends with ';'");
	}
}

static bool peek(const struct cur *c, const char *key)
{
	return c->i < c->n && strcmp(c->keys[c->i], key) == 0;
}

/* Takes the next key, which must be key, unescaped into out. */
static int take(struct cur *c, const char *key, char *out, size_t cap)
{
	int rc;

	if (c->i >= c->n)
		return fail(c, "key %s missing", key);
	if (strcmp(c->keys[c->i], key) != 0)
		return fail(c, "key %s expected, found %s", key, c->keys[c->i]);
	rc = ledger_data_get(c->data, key, out, cap);
	if (rc == -ENAMETOOLONG)
		return fail(c, "value of %s too long", key);
	if (rc)
		return fail(c, "value of %s: bad escape", key);
	c->i++;
	return 0;
}

static int take_day(struct cur *c, const char *key, pd_day_t *out)
{
	char buf[CIVIL_DATE_LEN + 1];
	int rc = take(c, key, buf, sizeof(buf));

	if (rc)
		return rc;
	if (civil_date_parse(buf, out))
		return fail(c, "value of %s is not a date", key);
	return 0;
}

static int take_int(struct cur *c, const char *key, int64_t min, int64_t max,
		    int64_t *out)
{
	char buf[NUM_MAX], *end;
	long long v;
	int rc = take(c, key, buf, sizeof(buf));

	if (rc)
		return rc;
	if (!((buf[0] >= '0' && buf[0] <= '9') ||
	      (buf[0] == '-' && buf[1] >= '0' && buf[1] <= '9')))
		return fail(c, "value of %s is not a number", key);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || v < min || v > max)
		return fail(c, "value of %s out of range", key);
	*out = v;
	return 0;
}

static int take_one_of(struct cur *c, const char *key, const char *const *set,
		       size_t n, char *out, size_t cap)
{
	int rc = take(c, key, out, cap);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(out, set[i]) == 0)
			return 0;
	return fail(c, "value of %s unknown: %s", key, out);
}

static int take_hash(struct cur *c, const char *key, char out[PD_HASH_HEX])
{
	char buf[PD_HASH_HEX + 1];
	int rc = take(c, key, buf, sizeof(buf));

	if (rc)
		return rc;
	if (strlen(buf) != PD_HASH_HEX - 1)
		return fail(c, "value of %s is not a SHA-256", key);
	for (const char *h = buf; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return fail(c, "value of %s is not a SHA-256", key);
	memcpy(out, buf, PD_HASH_HEX);
	return 0;
}

/* by, and from format 2 its uid. */
static int take_by(struct cur *c, int fmt, char by[PD_NAME_MAX], int64_t *uid)
{
	int rc = take(c, "by", by, PD_NAME_MAX);

	*uid = ACTOR_UID_NONE;
	if (rc == 0 && fmt > LEDGER_FORMAT_1)
		rc = take_int(c, "uid", 0, INT64_MAX, uid);
	return rc;
}

static int done(struct cur *c)
{
	if (c->i < c->n)
		return fail(c, "unknown key %s", c->keys[c->i]);
	return 0;
}

#define TRY(x)                                                                 \
	do {                                                                   \
		int rc_ = (x);                                                 \
		if (rc_)                                                       \
			return rc_;                                            \
	} while (0)

static int dec_punch(struct cur *c, int fmt, const struct ledger_row *r,
		     struct punch *p)
{
	static const char *const sources[] = {"reader", "manual"};
	char flags[RECORDS_FLAGS_MAX];
	int64_t v;

	memset(p, 0, sizeof(*p));
	p->seq = r->seq;
	memcpy(p->person, r->person, sizeof(p->person));
	p->at_utc = r->at_utc;
	p->by_uid = ACTOR_UID_NONE;
	TRY(take_day(c, "day", &p->local_day));
	TRY(take_int(c, "sec", 0, CIVIL_SEC_PER_DAY - 1, &v));
	p->local_sec = (int32_t)v;
	TRY(take(c, "flags", flags, sizeof(flags)));
	if (records_flags_parse(flags, RECORDS_FLAG_CODE, '+', &p->flags))
		return fail(c, "value of flags unknown: %s", flags);
	TRY(take_one_of(c, "source", sources, 2, p->source, sizeof(p->source)));
	TRY(take(c, "reader", p->reader, sizeof(p->reader)));
	TRY(take(c, "clock", p->clock, sizeof(p->clock)));
	TRY(take(c, "boot", p->boot_id, sizeof(p->boot_id)));
	TRY(take_int(c, "mono", 0, INT64_MAX, &v));
	p->mono_ms = (uint64_t)v;
	if ((p->flags & PUNCH_F_MANUAL) !=
	    (strcmp(p->source, "manual") == 0 ? PUNCH_F_MANUAL : 0u))
		return fail(c, "flags and source disagree on manual");
	if (p->flags & PUNCH_F_MANUAL) {
		TRY(take(c, "reason", p->reason, sizeof(p->reason)));
		TRY(take_by(c, fmt, p->by, &p->by_uid));
	}
	if (!r->at_utc)
		return fail(c, "punch without at_utc");
	return 0;
}

static int dec_person(struct cur *c, int fmt, struct ledger_fact_person *p)
{
	static const char *const actions[] = {"add", "reactivate",
					      "deactivate"};
	char action[LEDGER_ACTION_MAX];

	TRY(take_one_of(c, "action", actions, 3, action, sizeof(action)));
	p->action = strcmp(action, "add") == 0 ? LEDGER_PERSON_ADD
		    : strcmp(action, "reactivate") == 0
			    ? LEDGER_PERSON_REACTIVATE
			    : LEDGER_PERSON_DEACTIVATE;
	TRY(take(c, "name", p->name, sizeof(p->name)));
	TRY(take(c, "jabatan", p->jabatan, sizeof(p->jabatan)));
	TRY(take_day(c,
		     p->action == LEDGER_PERSON_DEACTIVATE ? "until" : "since",
		     &p->day));
	return take_by(c, fmt, p->by, &p->uid);
}

static int dec_profile(struct cur *c, int fmt, struct ledger_fact_profile *p)
{
	char one[2];

	TRY(take_day(c, "from", &p->from_day));
	TRY(take_hash(c, "version", p->version));
	TRY(take(c, "name", p->name, sizeof(p->name)));
	TRY(take_by(c, fmt, p->by, &p->uid));
	if (fmt > LEDGER_FORMAT_1 && peek(c, "retroactive")) {
		TRY(take(c, "retroactive", one, sizeof(one)));
		if (strcmp(one, "1") != 0)
			return fail(c, "value of retroactive must be 1");
		p->retroactive = true;
		TRY(take_day(c, "on", &p->on_day));
		TRY(take(c, "reason", p->reason, sizeof(p->reason)));
	}
	return 0;
}

static int dec_calendar(struct cur *c, int fmt, struct ledger_fact *f)
{
	static const char *const actions[] = {"import", "add", "remove"};
	static const char *const kinds[] = {"libur", "cuti_bersama", "lokal"};
	char action[LEDGER_ACTION_MAX];

	TRY(take_one_of(c, "action", actions, fmt > LEDGER_FORMAT_1 ? 3 : 2,
			action, sizeof(action)));
	if (strcmp(action, "import") == 0) {
		struct ledger_fact_calendar *k = &f->u.calendar;

		f->kind = LEDGER_FACT_CALENDAR;
		TRY(take_hash(c, "version", k->version));
		TRY(take(c, "name", k->name, sizeof(k->name)));
		return take_by(c, fmt, k->by, &k->uid);
	}
	f->kind = strcmp(action, "add") == 0 ? LEDGER_FACT_CALDAY_ADD
					     : LEDGER_FACT_CALDAY_DROP;
	TRY(take_day(c, "day", &f->u.calday.day));
	if (f->kind == LEDGER_FACT_CALDAY_ADD) {
		TRY(take_one_of(c, "kind", kinds, 3, f->u.calday.kind,
				sizeof(f->u.calday.kind)));
		TRY(take(c, "name", f->u.calday.name,
			 sizeof(f->u.calday.name)));
	} else {
		TRY(take(c, "reason", f->u.calday.reason,
			 sizeof(f->u.calday.reason)));
	}
	return take_by(c, fmt, f->u.calday.by, &f->u.calday.uid);
}

static int dec_excuse(struct cur *c, int fmt, const struct ledger_row *r,
		      struct excuse *e)
{
	static const char *const kinds[] = {"izin", "sakit", "cuti",
					    "dinas-luar", "alat-rusak"};
	static const char *const parts[] = {"", "terlambat", "pulang-cepat"};

	memset(e, 0, sizeof(*e));
	e->id = r->seq;
	memcpy(e->person, r->person, sizeof(e->person));
	TRY(take_day(c, "from", &e->from_day));
	TRY(take_day(c, "to", &e->to_day));
	TRY(take_one_of(c, "kind", kinds, 5, e->kind, sizeof(e->kind)));
	TRY(take_one_of(c, "part", parts, 3, e->part, sizeof(e->part)));
	TRY(take(c, "reason", e->reason, sizeof(e->reason)));
	TRY(take(c, "document", e->document, sizeof(e->document)));
	TRY(take_by(c, fmt, e->by, &e->by_uid));
	if (e->from_day > e->to_day)
		return fail(c, "excuse ends before it starts");
	if (*e->part && e->from_day != e->to_day)
		return fail(c, "a partial excuse covers one day");
	if (strcmp(e->kind, "dinas-luar") == 0 && !*e->document)
		return fail(c, "dinas-luar without document");
	return 0;
}

static int dec_revoke(struct cur *c, int fmt, struct ledger_fact_revoke *v)
{
	TRY(take_int(c, "excuse", 1, INT64_MAX, &v->excuse));
	TRY(take(c, "reason", v->reason, sizeof(v->reason)));
	return take_by(c, fmt, v->by, &v->uid);
}

static int dec_print(struct cur *c, int fmt, struct ledger_fact_print *p)
{
	static const char *const actions[] = {"enrol", "delete"};
	char action[LEDGER_ACTION_MAX];

	TRY(take_one_of(c, "action", actions, 2, action, sizeof(action)));
	p->enrol = strcmp(action, "enrol") == 0;
	TRY(take_int(c, "print", 0, INT64_MAX, &p->print));
	TRY(take(c, "finger", p->finger, sizeof(p->finger)));
	TRY(take(c, "model", p->model, sizeof(p->model)));
	if (peek(c, "consent"))
		TRY(take(c, "consent", p->consent, sizeof(p->consent)));
	if (peek(c, "reason"))
		TRY(take(c, "reason", p->reason, sizeof(p->reason)));
	return take_by(c, fmt, p->by, &p->uid);
}

static int dec_checkpoint(struct cur *c, int fmt, const struct ledger_row *r,
			  struct ledger_fact_checkpoint *k)
{
	int64_t v;

	TRY(take(c, "month", k->month, sizeof(k->month)));
	if (civil_period_parse(CIVIL_PERIOD_MONTH, k->month, &k->first,
			       &k->last, NULL, 0))
		return fail(c, "value of month is not YYYY-MM");
	TRY(take_int(c, "auto", 0, 1, &v));
	k->automatic = v == 1;
	TRY(take_int(c, "uptime", 0, INT64_MAX, &k->uptime_s));
	TRY(take_int(c, "untrusted", 0, INT64_MAX, &k->untrusted));
	TRY(take_int(c, "reader_errors", 0, INT64_MAX, &k->reader_errors));
	TRY(take_int(c, "disk_free", 0, INT64_MAX, &k->disk_free));
	TRY(take_by(c, fmt, k->by, &k->uid));
	if (!r->at_utc)
		return fail(c, "checkpoint without at_utc");
	k->at_utc = r->at_utc;
	return 0;
}

static const struct {
	const char *kind;
	enum ledger_fact_kind fact;
	bool person; /* the row names a person */
	bool at;     /* the row has at_utc */
	int min_fmt; /* first format with this kind */
} kinds[] = {
	{LEDGER_PUNCH, LEDGER_FACT_PUNCH, true, true, LEDGER_FORMAT_1},
	{LEDGER_PERSON, LEDGER_FACT_PERSON, true, false, LEDGER_FORMAT_1},
	{LEDGER_PROFILE, LEDGER_FACT_PROFILE, false, false, LEDGER_FORMAT_1},
	{LEDGER_CALENDAR, LEDGER_FACT_CALENDAR, false, false, LEDGER_FORMAT_1},
	{LEDGER_EXCUSE, LEDGER_FACT_EXCUSE, true, false, LEDGER_FORMAT_1},
	{LEDGER_REVOKE, LEDGER_FACT_REVOKE, true, false, LEDGER_FORMAT_1},
	{LEDGER_PRINT, LEDGER_FACT_PRINT, true, false, 2},
	{LEDGER_CHECKPOINT, LEDGER_FACT_CHECKPOINT, false, true, 2},
};

const char *ledger_fact_kind_name(enum ledger_fact_kind kind)
{
	if (kind == LEDGER_FACT_CALDAY_ADD || kind == LEDGER_FACT_CALDAY_DROP)
		return LEDGER_CALENDAR;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].fact == kind)
			return kinds[i].kind;
	return "";
}

int ledger_decode(const struct ledger_row *r, struct ledger_fact *out,
		  char *err, size_t cap)
{
	struct cur c = {.data = r->data, .err = err, .cap = cap};
	struct ledger_fact f;
	size_t k;
	int fmt, rc;

	if (err && cap)
		err[0] = '\0';
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(r->kind, kinds[k].kind) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return fail(&c, "unknown kind %s", r->kind);
	rc = ledger_data_format(r->data, &fmt);
	if (rc == -ENOTSUP) {
		fail(&c, "row format is newer than this program");
		return -ENOTSUP;
	}
	if (rc)
		return fail(&c, "row format version is malformed");
	if (fmt < kinds[k].min_fmt)
		return fail(&c, "kind %s does not exist in format %d", r->kind,
			    fmt);
	if (kinds[k].person != (r->person[0] != '\0'))
		return fail(&c,
			    kinds[k].person ? "%s row without a person"
					    : "%s row with a person",
			    r->kind);
	if (!kinds[k].at && r->at_utc)
		return fail(&c, "%s row with an at_utc", r->kind);
	TRY(split(&c));
	if (fmt > LEDGER_FORMAT_1)
		c.i = 1; /* "v=N", read by ledger_data_format */
	memset(&f, 0, sizeof(f));
	f.kind = kinds[k].fact;
	f.fmt = fmt;
	memcpy(f.person, r->person, sizeof(f.person));
	switch (f.kind) {
	case LEDGER_FACT_PUNCH:
		rc = dec_punch(&c, fmt, r, &f.u.punch);
		break;
	case LEDGER_FACT_PERSON:
		rc = dec_person(&c, fmt, &f.u.person);
		break;
	case LEDGER_FACT_PROFILE:
		rc = dec_profile(&c, fmt, &f.u.profile);
		break;
	case LEDGER_FACT_EXCUSE:
		rc = dec_excuse(&c, fmt, r, &f.u.excuse);
		break;
	case LEDGER_FACT_REVOKE:
		rc = dec_revoke(&c, fmt, &f.u.revoke);
		break;
	case LEDGER_FACT_PRINT:
		rc = dec_print(&c, fmt, &f.u.print);
		break;
	case LEDGER_FACT_CHECKPOINT:
		rc = dec_checkpoint(&c, fmt, r, &f.u.checkpoint);
		break;
	default: /* LEDGER_FACT_CALENDAR: the action picks the fact */
		rc = dec_calendar(&c, fmt, &f);
		break;
	}
	if (rc == 0)
		rc = done(&c);
	if (rc == 0)
		*out = f;
	return rc;
}
