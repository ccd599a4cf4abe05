/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * admin.c: the synchronous control-socket commands, each a thin checker in
 * front of one store function.  Validate everything first, write once.
 */
#include "admin.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "crypto.h"
#include "log.h"
#include "nfc.h"
#include "rules.h"
#include "store_report.h"
#include "utf8.h"
#include "verdict.h"

#define REPLY_MAX 4096

void admin_reply_line(struct admin_ctx *a, const char *type, const char *text)
{
	char line[REPLY_MAX];
	struct control_buf b;

	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, type);
	/* text is TAB-separated fields: each becomes a field of its own */
	while (text) {
		const char *tab = strchr(text, '\t');
		char field[REPLY_MAX];

		snprintf(field, sizeof(field), "%.*s",
			 tab ? (int)(tab - text) : (int)strlen(text), text);
		control_buf_add(&b, field);
		text = tab ? tab + 1 : NULL;
	}
	if (control_buf_end(&b) < 0)
		snprintf(line, sizeof(line), "%s\treply too long\n", type);
	a->reply(a->reply_ud, line);
}

void admin_reply_ok(struct admin_ctx *a, const char *key, const char *value)
{
	char line[REPLY_MAX];
	struct control_buf b;

	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "ok");
	if (key)
		control_buf_addkv(&b, key, value);
	if (control_buf_end(&b) < 0)
		snprintf(line, sizeof(line), "ok\n");
	a->reply(a->reply_ud, line);
}

void admin_reply_err(struct admin_ctx *a, int rc, const char *fmt, ...)
{
	char msg[2048], line[REPLY_MAX];
	struct control_buf b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "err");
	control_buf_add(&b, control_errname(rc));
	control_buf_add(&b, msg);
	if (control_buf_end(&b) < 0)
		snprintf(line, sizeof(line), "err\tEIO\treply too long\n");
	a->reply(a->reply_ud, line);
}

int admin_check_id(const char *id, char *why, size_t cap)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0) {
		snprintf(why, cap, "id: required");
		return -EINVAL;
	}
	if (n >= PD_ID_MAX) {
		snprintf(why, cap, "id: longer than %d characters",
			 PD_ID_MAX - 1);
		return -EINVAL;
	}
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_' && *p != '/') {
			snprintf(why, cap,
				 "id: only letters, digits, '.', '-', '_' "
				 "and '/' (got \"%s\")",
				 id);
			return -EINVAL;
		}
	return 0;
}

int admin_check_text(const char *field, const char *v, size_t max,
		     bool required, char *why, size_t cap)
{
	if (!v || !*v) {
		if (!required)
			return 0;
		snprintf(why, cap, "%s: required", field);
		return -EINVAL;
	}
	if (strlen(v) >= max) {
		snprintf(why, cap, "%s: longer than %zu bytes", field, max - 1);
		return -EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(why, cap,
				 "%s: control characters are not "
				 "allowed",
				 field);
			return -EINVAL;
		}
	if (!utf8_valid(v)) {
		snprintf(why, cap, "%s: not valid UTF-8", field);
		return -EINVAL;
	}
	return 0;
}

static int64_t now_utc(struct admin_ctx *a)
{
	struct clock_reading r;

	clock_read(a->clock, &r);
	return r.utc_ms / 1000;
}

static pd_day_t today(struct admin_ctx *a)
{
	pd_day_t d;
	int32_t s;

	civil_local_from_utc(now_utc(a), a->conf->offset_min, &d, &s);
	return d;
}

/* Refuses a day before ADMIN_YEAR_MIN (answered): -EINVAL, or 0. */
static int check_year_min(struct admin_ctx *a, const char *key,
			  const char *text, pd_day_t day)
{
	if (day >= civil_from_ymd(ADMIN_YEAR_MIN, 1, 1))
		return 0;
	admin_reply_err(a, -EINVAL,
			"%s: %s is before %d-01-01, the earliest day a record "
			"may name",
			key, text, ADMIN_YEAR_MIN);
	return -EINVAL;
}

/* Parses an optional date field; default when absent. */
static int opt_day(struct admin_ctx *a, const struct control_msg *m,
		   const char *key, pd_day_t dflt, pd_day_t *out)
{
	const char *v = control_get(m, key);

	if (!v || !*v) {
		*out = dflt;
		return 0;
	}
	if (civil_date_parse(v, out) < 0) {
		admin_reply_err(a, -EINVAL,
				"%s: \"%s\" is not a date "
				"YYYY-MM-DD",
				key, v);
		return -EINVAL;
	}
	return check_year_min(a, key, v, *out);
}

/* Who acts: the peer the socket saw, never what the request claims. */
#define BY(a) ACTOR((a)->actor_name, (a)->actor_uid)

static void reply_store_err(struct admin_ctx *a, int rc, const char *what)
{
	switch (rc) {
	case -EEXIST:
		admin_reply_err(a, rc, "%s: already exists", what);
		break;
	case -ENOENT:
		admin_reply_err(a, rc, "%s: not found", what);
		break;
	case -EBUSY:
		admin_reply_err(a, rc, "%s: the database is busy, try again",
				what);
		break;
	case -ENOSPC:
		admin_reply_err(a, rc, "%s: disk full, nothing was stored",
				what);
		break;
	case -ESTALE:
		admin_reply_err(a, rc,
				"%s: the database was deleted or replaced "
				"while presensid ran; nothing was stored",
				what);
		break;
	default:
		admin_reply_err(a, rc, "%s: %s", what, strerror(-rc));
	}
}

static int cmd_person_add(struct admin_ctx *a, const struct control_msg *m)
{
	struct person p;
	char why[256];
	const char *id = control_get(m, "id");
	const char *name = control_get(m, "name");
	const char *jab = control_get(m, "jabatan");
	int rc;

	memset(&p, 0, sizeof(p));
	if (admin_check_id(id, why, sizeof(why)) < 0 ||
	    admin_check_text("name", name, PD_NAME_MAX, true, why,
			     sizeof(why)) < 0 ||
	    admin_check_text("jabatan", jab, PD_JABATAN_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (opt_day(a, m, "since", today(a), &p.since) < 0)
		return 0;
	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.jabatan, sizeof(p.jabatan), "%s", jab);
	p.until = PD_DAY_OPEN;
	rc = store_person_add(a->store, &p, now_utc(a), BY(a));
	if (rc < 0) {
		char what[64];

		snprintf(what, sizeof(what), "person %s", id);
		reply_store_err(a, rc, what);
		return 0;
	}
	log_info("person added: %s", id);
	admin_reply_ok(a, "id", id);
	return 0;
}

static int cmd_person_period(struct admin_ctx *a, const struct control_msg *m,
			     bool deactivate)
{
	const char *id = control_get(m, "id");
	char why[256], what[64];
	pd_day_t day;
	int rc;

	if (admin_check_id(id, why, sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (opt_day(a, m, deactivate ? "on" : "since", today(a), &day) < 0)
		return 0;
	if (deactivate)
		rc = store_person_deactivate(a->store, id, day, now_utc(a),
					     BY(a));
	else
		rc = store_person_reactivate(a->store, id, day, now_utc(a),
					     BY(a));
	snprintf(what, sizeof(what), "person %s", id);
	if (rc == -EINVAL) {
		/* well-formed, refused by the person's periods: not a bad
		 * argument (the CLI exits 1, README "Exit codes") */
		admin_reply_err(
			a, -ERANGE,
			deactivate ? "person %s: no open period, or --on is "
				     "before its start"
				   : "person %s: still active, or --since is "
				     "not after the last period",
			id);
		return 0;
	}
	if (rc < 0) {
		reply_store_err(a, rc, what);
		return 0;
	}
	log_info("person %s: %s", id,
		 deactivate ? "deactivated" : "reactivated");
	a->changed |= ADMIN_CHANGED_PRINTS;
	admin_reply_ok(a, "id", id);
	return 0;
}

static int cmd_person_deactivate(struct admin_ctx *a,
				 const struct control_msg *m)
{
	return cmd_person_period(a, m, true);
}

static int cmd_person_reactivate(struct admin_ctx *a,
				 const struct control_msg *m)
{
	return cmd_person_period(a, m, false);
}

/* Profile and calendar files travel whole; the daemon re-checks them. */
static int parse_profile(FILE *fp, const char *fname, void *out, char *err,
			 size_t cap)
{
	return rules_parse(fp, fname, out, err, cap);
}

static int parse_calendar(FILE *fp, const char *fname, void *out, char *err,
			  size_t cap)
{
	return calendar_parse(fp, fname, out, err, cap);
}

/*
 * Parses a file sent as text into out and sets version to its SHA-256.
 * On a bad file answers the err line (every "file:line: message") and
 * returns -EINVAL.
 */
static int
parse_file_text(struct admin_ctx *a, const char *fname, const char *text,
		int (*parse)(FILE *, const char *, void *, char *, size_t),
		void *out, char version[PD_HASH_HEX])
{
	char errbuf[2048];
	FILE *fp;
	int rc;

	if (!text || !*text) {
		admin_reply_err(a, -EINVAL, "%s: empty file", fname);
		return -EINVAL;
	}
	fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	if (!fp) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	rc = parse(fp, fname, out, errbuf, sizeof(errbuf));
	fclose(fp);
	if (rc < 0) {
		size_t n = strlen(errbuf);

		while (n && errbuf[n - 1] == '\n')
			errbuf[--n] = '\0';
		admin_reply_err(a, -EINVAL, "%s", errbuf);
		return -EINVAL;
	}
	crypto_sha256_hex(text, strlen(text), version);
	return 0;
}

static const char *file_of(const struct control_msg *m, const char *dflt)
{
	const char *f = control_get(m, "file");

	return f && *f ? f : dflt;
}

/*
 * When a profile may take effect (DOMAIN §2.3): from today on; earlier
 * only as an explicit retroactive act with a reason; never in or before a
 * month a checkpoint row closed.  Answers and returns the error, or 0.
 */
static int check_profile_from(struct admin_ctx *a, pd_day_t from, bool retro,
			      const char *reason)
{
	char why[256], f[CIVIL_DATE_LEN], t[CIVIL_DATE_LEN];
	char month[LEDGER_MONTH_LEN];
	pd_day_t td = today(a), closed_last;
	int64_t seq;
	int rc;

	civil_date_format(from, f);
	civil_date_format(td, t);
	if (!retro && reason && *reason) {
		admin_reply_err(a, -EINVAL,
				"reason: only for a retroactive import "
				"(give retroactive too)");
		return -EINVAL;
	}
	if (retro && admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
				      sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL,
				"%s: a retroactive import says why (the "
				"Perbup's date and number)",
				why);
		return -EINVAL;
	}
	if (retro && from >= td) {
		admin_reply_err(a, -EINVAL,
				"retroactive: from %s is not before today (%s)",
				f, t);
		return -EINVAL;
	}
	if (!retro && from < td) {
		admin_reply_err(a, -EPERM,
				"from: %s is before today (%s): the import "
				"would judge again days already judged; give "
				"retroactive and a reason to do so on purpose",
				f, t);
		return -EPERM;
	}
	rc = store_month_latest_closed(a->store, month, &seq);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0) {
		pd_day_t first;
		char err[64];

		rc = civil_period_parse(CIVIL_PERIOD_MONTH, month, &first,
					&closed_last, err, sizeof(err)) < 0
			     ? -EIO
			     : 0;
	}
	if (rc < 0) {
		reply_store_err(a, rc, "profile");
		return rc;
	}
	if (from > closed_last)
		return 0;
	civil_date_format(closed_last + 1, t);
	admin_reply_err(a, -EPERM,
			"from: %s is in a closed month (%s closed by ledger "
			"seq %lld); a profile can take effect from %s at the "
			"earliest",
			f, month, (long long)seq, t);
	return -EPERM;
}

static int cmd_profile_import(struct admin_ctx *a, const struct control_msg *m)
{
	char version[PD_HASH_HEX], on[CIVIL_DATE_LEN];
	const char *reason = control_get(m, "reason");
	bool retro = control_get(m, "retroactive") != NULL;
	struct rules_profile *p;
	pd_day_t from;
	int rc;

	if (!control_get(m, "from")) {
		admin_reply_err(a, -EINVAL, "from: required (YYYY-MM-DD)");
		return 0;
	}
	if (opt_day(a, m, "from", 0, &from) < 0)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return 0;
	}
	if (parse_file_text(a, file_of(m, "profile"), control_get(m, "text"),
			    parse_profile, p, version) < 0 ||
	    check_profile_from(a, from, retro, reason) < 0) {
		free(p);
		return 0;
	}
	if (retro)
		rc = store_profile_add_retroactive(
			a->store, from, version, p->name,
			control_get(m, "text"), today(a), reason, now_utc(a),
			BY(a));
	else
		rc = store_profile_add(a->store, from, version, p->name,
				       control_get(m, "text"), now_utc(a),
				       BY(a));
	free(p);
	if (rc == -EPERM) { /* a month closed since the check above */
		admin_reply_err(a, rc, "from: in a closed month");
		return 0;
	}
	if (rc < 0) {
		reply_store_err(a, rc, "profile");
		return 0;
	}
	a->changed |= ADMIN_CHANGED_FACTS;
	civil_date_format(today(a), on);
	if (retro)
		log_info("profile imported retroactively on %s: version %.16s",
			 on, version);
	else
		log_info("profile imported: version %.16s", version);
	admin_reply_ok(a, "version", version);
	return 0;
}

static int cmd_calendar_import(struct admin_ctx *a, const struct control_msg *m)
{
	char version[PD_HASH_HEX];
	struct calendar *cal;
	int rc;

	cal = calloc(1, sizeof(*cal));
	if (!cal) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return 0;
	}
	if (parse_file_text(a, file_of(m, "calendar"), control_get(m, "text"),
			    parse_calendar, cal, version) < 0) {
		free(cal);
		return 0;
	}
	rc = store_calendar_add(a->store, version, cal->name,
				control_get(m, "text"), now_utc(a), BY(a));
	free(cal);
	if (rc < 0) {
		reply_store_err(a, rc, "calendar");
		return 0;
	}
	a->changed |= ADMIN_CHANGED_FACTS;
	log_info("calendar imported: version %.16s", version);
	admin_reply_ok(a, "version", version);
	return 0;
}

static int cmd_calendar_add(struct admin_ctx *a, const struct control_msg *m)
{
	const char *name = control_get(m, "name");
	const char *kind = control_get(m, "kind");
	enum calendar_kind k;
	char why[256];
	pd_day_t day;
	int rc;

	if (!control_get(m, "date")) {
		admin_reply_err(a, -EINVAL, "date: required (YYYY-MM-DD)");
		return 0;
	}
	if (opt_day(a, m, "date", 0, &day) < 0)
		return 0;
	/* a name the calendar set cannot hold would break every report */
	if (admin_check_text("name", name, CALENDAR_NAME_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (!kind || !*kind)
		kind = STORE_DAY_LOKAL;
	if (calendar_kind_parse(kind, &k) < 0) {
		admin_reply_err(a, -EINVAL,
				"kind: \"%s\" is not libur, cuti_bersama or "
				"lokal",
				kind);
		return 0;
	}
	rc = store_calendar_day_add(a->store, day, calendar_kind_section(k),
				    name, now_utc(a), BY(a));
	if (rc < 0) {
		reply_store_err(a, rc, "calendar day");
		return 0;
	}
	a->changed |= ADMIN_CHANGED_FACTS;
	admin_reply_ok(a, NULL, NULL);
	return 0;
}

#define PERIODS_MAX 16 /* active periods of one person shown in errors */

struct person_periods {
	const char *id;
	int n;
	struct period p[PERIODS_MAX]; /* the latest PERIODS_MAX, by since */
	int total;
};

static int note_period(void *ud, const struct period *p)
{
	struct person_periods *pp = ud;

	if (strcmp(p->person, pp->id) != 0)
		return 0;
	if (pp->n == PERIODS_MAX) { /* keep the latest: drop the oldest */
		memmove(pp->p, pp->p + 1, sizeof(pp->p[0]) * (PERIODS_MAX - 1));
		pp->n--;
	}
	pp->p[pp->n++] = *p;
	pp->total++;
	return 0;
}

/*
 * Refuses (answered, -ERANGE) a record of person id on days [from, to]
 * that are not all inside the person's active periods (DOMAIN §1.3):
 * before their first day, after their last, or between two periods.
 * field names the request field in the message.  0, or the error sent.
 */
static int check_active(struct admin_ctx *a, const char *field, const char *id,
			pd_day_t from, pd_day_t to)
{
	struct person_periods pp = {.id = id};
	char list[256] = "", d[CIVIL_DATE_LEN], e[CIVIL_DATE_LEN];
	pd_day_t day = from;
	size_t len = 0;
	int rc;

	rc = store_period_each(a->store, note_period, &pp);
	if (rc < 0) {
		admin_reply_err(a, rc, "%s: cannot read the person's periods",
				field);
		return rc;
	}
	/* periods never overlap and come by since: walk the days */
	for (int i = 0; i < pp.n && day <= to; i++)
		if (pp.p[i].since <= day && day <= pp.p[i].until)
			day = pp.p[i].until == PD_DAY_OPEN ? PD_DAY_OPEN
							   : pp.p[i].until + 1;
	if (day > to)
		return 0;
	for (int i = 0; i < pp.n && len < sizeof(list); i++) {
		int n;

		civil_date_format(pp.p[i].since, d);
		if (pp.p[i].until == PD_DAY_OPEN)
			n = snprintf(list + len, sizeof(list) - len,
				     "%sfrom %s", i ? ", " : "", d);
		else {
			civil_date_format(pp.p[i].until, e);
			n = snprintf(list + len, sizeof(list) - len,
				     "%s%s to %s", i ? ", " : "", d, e);
		}
		if (n > 0)
			len += (size_t)n;
	}
	civil_date_format(day, d);
	admin_reply_err(a, -ERANGE,
			"%s: %s is not an active day of person %s (active "
			"%s); nothing was stored",
			field, d, id, pp.total ? list : "never");
	return -ERANGE;
}

/* Loads the facts in force (answered on failure): 0 or the error. */
static int load_facts(struct admin_ctx *a, struct facts **f)
{
	char err[1024];
	int rc = store_facts_load(a->store, f, err, sizeof(err));

	if (rc < 0)
		admin_reply_err(a, rc, "%s", err);
	return rc;
}

/* A holiday that moved (sidang isbat): removed from that row on. */
static int cmd_calendar_remove(struct admin_ctx *a, const struct control_msg *m)
{
	const char *reason = control_get(m, "reason");
	const char *date = control_get(m, "date");
	enum calendar_kind k;
	struct facts *f;
	char why[256];
	pd_day_t day;
	int rc;

	if (!date || !*date) {
		admin_reply_err(a, -EINVAL, "date: required (YYYY-MM-DD)");
		return 0;
	}
	if (opt_day(a, m, "date", 0, &day) < 0)
		return 0;
	if (admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (load_facts(a, &f) < 0)
		return 0;
	rc = calendar_day(facts_calendar(f), day, &k, NULL);
	facts_free(f);
	if (rc < 0) {
		admin_reply_err(a, -ENOENT,
				"date: %s is not a holiday in the calendar",
				date);
		return 0;
	}
	rc = store_calendar_day_remove(a->store, day, reason, now_utc(a),
				       BY(a));
	if (rc < 0) {
		reply_store_err(a, rc, "calendar day");
		return 0;
	}
	a->changed |= ADMIN_CHANGED_FACTS;
	log_info("calendar day removed: %s", date);
	admin_reply_ok(a, NULL, NULL);
	return 0;
}

static int cmd_excuse_add(struct admin_ctx *a, const struct control_msg *m)
{
	struct excuse e;
	struct person who;
	const char *id = control_get(m, "id");
	const char *kind = control_get(m, "kind");
	const char *part = control_get(m, "part");
	const char *reason = control_get(m, "reason");
	const char *doc = control_get(m, "document");
	enum excuse_kind ek;
	enum excuse_scope es;
	char why[256], idbuf[32];
	int rc;

	memset(&e, 0, sizeof(e));
	if (admin_check_id(id, why, sizeof(why)) < 0 ||
	    admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
			     sizeof(why)) < 0 ||
	    admin_check_text("document", doc, PD_TEXT_MAX, false, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (!kind || verdict_excuse_parse(kind, &ek) < 0) {
		admin_reply_err(a, -EINVAL,
				"kind: \"%s\" is not izin, sakit, cuti, "
				"dinas-luar or alat-rusak",
				kind ? kind : "");
		return 0;
	}
	if (part && *part && verdict_excuse_scope_parse(part, &es) < 0) {
		admin_reply_err(a, -EINVAL,
				"partial: \"%s\" is not terlambat or "
				"pulang-cepat",
				part);
		return 0;
	}
	if (!control_get(m, "from")) {
		admin_reply_err(a, -EINVAL, "from: required (YYYY-MM-DD)");
		return 0;
	}
	if (opt_day(a, m, "from", 0, &e.from_day) < 0 ||
	    opt_day(a, m, "to", e.from_day, &e.to_day) < 0)
		return 0;
	if (e.to_day < e.from_day) {
		admin_reply_err(a, -EINVAL, "to: before from");
		return 0;
	}
	if (part && *part && e.to_day != e.from_day) {
		admin_reply_err(a, -EINVAL,
				"partial: a partial excuse covers one day "
				"(from = to)");
		return 0;
	}
	if (ek == EXCUSE_DL && (!doc || !*doc)) {
		admin_reply_err(a, -EINVAL,
				"document: the surat tugas number is required "
				"for dinas-luar");
		return 0;
	}
	if (store_person_get(a->store, id, &who) < 0) {
		admin_reply_err(a, -ENOENT, "id: no person %s", id);
		return 0;
	}
	if (check_active(a, "from", id, e.from_day, e.to_day) < 0)
		return 0;
	snprintf(e.person, sizeof(e.person), "%s", id);
	snprintf(e.kind, sizeof(e.kind), "%s", verdict_excuse_word(ek));
	snprintf(e.part, sizeof(e.part), "%s", part ? part : "");
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	snprintf(e.document, sizeof(e.document), "%s", doc ? doc : "");
	snprintf(e.by, sizeof(e.by), "%s", a->actor_name);
	e.by_uid = a->actor_uid;
	rc = store_excuse_add(a->store, &e, now_utc(a));
	if (rc < 0) {
		reply_store_err(a, rc, "excuse");
		return 0;
	}
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)e.id);
	admin_reply_ok(a, "excuse", idbuf);
	return 0;
}

static int cmd_excuse_revoke(struct admin_ctx *a, const struct control_msg *m)
{
	const char *ids = control_get(m, "excuse");
	const char *reason = control_get(m, "reason");
	char why[256], *end;
	long long id;
	int rc;

	if (!ids || !*ids || (id = strtoll(ids, &end, 10)) <= 0 || *end) {
		admin_reply_err(a, -EINVAL, "excuse: a number is required");
		return 0;
	}
	if (admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	rc = store_excuse_revoke(a->store, id, reason, BY(a), now_utc(a));
	if (rc == -EALREADY) {
		admin_reply_err(a, rc, "excuse %lld: already revoked", id);
		return 0;
	}
	if (rc < 0) {
		char what[48];

		snprintf(what, sizeof(what), "excuse %lld", id);
		reply_store_err(a, rc, what);
		return 0;
	}
	admin_reply_ok(a, "excuse", ids);
	return 0;
}

static int cmd_punch_manual(struct admin_ctx *a, const struct control_msg *m)
{
	const char *id = control_get(m, "id");
	const char *at = control_get(m, "at");
	const char *reason = control_get(m, "reason");
	struct person who;
	struct punch p;
	char why[256], seq[32];
	int64_t t, now = now_utc(a);
	int rc;

	memset(&p, 0, sizeof(p));
	if (admin_check_id(id, why, sizeof(why)) < 0 ||
	    admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return 0;
	}
	if (!at || civil_local_parse(at, a->conf->offset_min, &t) < 0) {
		admin_reply_err(a, -EINVAL,
				"at: \"%s\" is not a local time "
				"\"YYYY-MM-DD HH:MM\"",
				at ? at : "");
		return 0;
	}
	civil_local_from_utc(t, a->conf->offset_min, &p.local_day,
			     &p.local_sec);
	if (check_year_min(a, "at", at, p.local_day) < 0)
		return 0;
	if (t > now) {
		admin_reply_err(a, -ERANGE, "at: %s is in the future", at);
		return 0;
	}
	if (store_person_get(a->store, id, &who) < 0) {
		admin_reply_err(a, -ENOENT, "id: no person %s", id);
		return 0;
	}
	if (check_active(a, "at", id, p.local_day, p.local_day) < 0)
		return 0;
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.at_utc = t;
	p.flags = PUNCH_F_MANUAL;
	snprintf(p.source, sizeof(p.source), "manual");
	snprintf(p.clock, sizeof(p.clock), "manual");
	snprintf(p.boot_id, sizeof(p.boot_id), "%s", clock_boot_id(a->clock));
	snprintf(p.reason, sizeof(p.reason), "%s", reason);
	snprintf(p.by, sizeof(p.by), "%s", a->actor_name);
	p.by_uid = a->actor_uid;
	rc = store_punch_add(a->store, &p, now);
	if (rc < 0) {
		reply_store_err(a, rc, "manual punch");
		return 0;
	}
	log_info("manual punch: person %s seq %lld", id, (long long)p.seq);
	snprintf(seq, sizeof(seq), "%lld", (long long)p.seq);
	admin_reply_ok(a, "seq", seq);
	return 0;
}

static int cmd_clock_set(struct admin_ctx *a, const struct control_msg *m)
{
	const char *at = control_get(m, "at");
	int64_t t;

	if (clock_source_of(a->clock) != CLOCK_SOURCE_SIMULATED) {
		admin_reply_err(a, -EPERM,
				"clock: only a simulated clock can be set");
		return 0;
	}
	if (!at || civil_local_parse(at, a->conf->offset_min, &t) < 0) {
		admin_reply_err(a, -EINVAL,
				"at: \"%s\" is not a local time "
				"\"YYYY-MM-DD HH:MM[:SS]\"",
				at ? at : "");
		return 0;
	}
	clock_sim_set(a->clock, t * 1000);
	a->changed |= ADMIN_CHANGED_CLOCK;
	admin_reply_ok(a, "at", at);
	return 0;
}

/*
 * m with every field's value in NFC (nfc.h), so that what is stored,
 * hashed and compared is one spelling of each text.  The new fields are
 * malloc'd into norm[] (free each).  0, or -EINVAL (answered: a value that
 * is not UTF-8, e.g. a file read on first start) or -ENOMEM.
 */
static int normalize_msg(struct admin_ctx *a, const struct control_msg *m,
			 struct control_msg *out,
			 char *norm[CONTROL_FIELDS_MAX])
{
	*out = *m;
	for (int i = 1; i < m->nfields; i++) {
		const char *eq = strchr(m->field[i], '=');
		size_t kl;
		char *v = NULL;
		int rc;

		if (!eq)
			continue;
		kl = (size_t)(eq - m->field[i]);
		rc = nfc_normalize(eq + 1, &v);
		if (rc == -EILSEQ) {
			admin_reply_err(a, -EINVAL, "%.*s: not valid UTF-8",
					(int)(kl > 40 ? 40 : kl), m->field[i]);
			return -EINVAL;
		}
		if (rc < 0 || !(norm[i] = malloc(kl + 1 + strlen(v) + 1))) {
			free(v);
			admin_reply_err(a, -ENOMEM, "out of memory");
			return -ENOMEM;
		}
		memcpy(norm[i], m->field[i], kl + 1);
		strcpy(norm[i] + kl + 1, v);
		free(v);
		out->field[i] = norm[i];
	}
	return 0;
}

int admin_dispatch(struct admin_ctx *a, const struct control_msg *m)
{
	static const struct {
		const char *name;
		int (*fn)(struct admin_ctx *, const struct control_msg *);
	} cmds[] = {
		{"calendar-add", cmd_calendar_add},
		{"calendar-import", cmd_calendar_import},
		{"calendar-remove", cmd_calendar_remove},
		{"clock-set", cmd_clock_set},
		{"excuse-add", cmd_excuse_add},
		{"excuse-revoke", cmd_excuse_revoke},
		{"person-add", cmd_person_add},
		{"person-deactivate", cmd_person_deactivate},
		{"person-reactivate", cmd_person_reactivate},
		{"profile-import", cmd_profile_import},
		{"punch-manual", cmd_punch_manual},
	};
	char *norm[CONTROL_FIELDS_MAX] = {0};
	struct control_msg n;

	if (m->nfields < 1)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(m->field[0], cmds[i].name) != 0)
			continue;
		if (normalize_msg(a, m, &n, norm) == 0)
			cmds[i].fn(a, &n);
		for (int k = 0; k < CONTROL_FIELDS_MAX; k++)
			free(norm[k]);
		return 0;
	}
	return -ENOENT;
}
