/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c: the line codec of the control socket and the table of every
 * request: its fields, their types and bounds, and who may send it.  The
 * daemon checks each request against the table before any handler runs.
 * Pure: no sockets (control_client.c), no GLib (presensid/server.c).
 */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "pd.h"
#include "utf8.h"

int control_escape(const char *src, char *dst, size_t cap)
{
	size_t o = 0;

	for (; *src; src++) {
		const char *rep = NULL;
		char one[2] = {*src, 0};

		switch (*src) {
		case '\\':
			rep = "\\\\";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		default:
			rep = one;
		}
		size_t n = strlen(rep);

		if (o + n + 1 > cap)
			return -ENAMETOOLONG;
		memcpy(dst + o, rep, n);
		o += n;
	}
	if (o + 1 > cap)
		return -ENAMETOOLONG;
	dst[o] = '\0';
	return (int)o;
}

static int unescape_inplace(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case '\\':
			*w++ = '\\';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		default:
			return -EINVAL;
		}
	}
	*w = '\0';
	return 0;
}

int control_parse(char *line, struct control_msg *m)
{
	char *p = line;
	size_t len = strlen(line);

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	m->nfields = 0;
	for (;;) {
		char *tab = strchr(p, '\t');

		if (m->nfields == CONTROL_FIELDS_MAX)
			return -E2BIG;
		if (tab)
			*tab = '\0';
		if (unescape_inplace(p) < 0)
			return -EINVAL;
		m->field[m->nfields++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	return 0;
}

const char *control_get(const struct control_msg *m, const char *key)
{
	size_t kl = strlen(key);

	for (int i = 1; i < m->nfields; i++)
		if (strncmp(m->field[i], key, kl) == 0 &&
		    m->field[i][kl] == '=')
			return m->field[i] + kl + 1;
	return NULL;
}

void control_buf_init(struct control_buf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->nfields = 0;
	b->overflow = 0;
	if (cap)
		buf[0] = '\0';
}

void control_buf_add(struct control_buf *b, const char *field)
{
	int n;

	if (b->overflow)
		return;
	if (b->nfields++) {
		if (b->len + 2 > b->cap) {
			b->overflow = 1;
			return;
		}
		b->buf[b->len++] = '\t';
	}
	n = control_escape(field, b->buf + b->len, b->cap - b->len);
	if (n < 0) {
		b->overflow = 1;
		return;
	}
	b->len += (size_t)n;
}

void control_buf_addkv(struct control_buf *b, const char *key,
		       const char *value)
{
	char tmp[CONTROL_LINE_MAX / 4];
	int n = snprintf(tmp, sizeof(tmp), "%s=%s", key, value ? value : "");

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = 1;
		return;
	}
	control_buf_add(b, tmp);
}

void control_buf_addkvf(struct control_buf *b, const char *key, const char *fmt,
			...)
{
	char val[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		b->overflow = 1;
		return;
	}
	control_buf_addkv(b, key, val);
}

int control_buf_end(struct control_buf *b)
{
	if (b->overflow || b->len + 2 > b->cap)
		return -ENAMETOOLONG;
	b->buf[b->len++] = '\n';
	b->buf[b->len] = '\0';
	return (int)b->len;
}

/* ---- the request table ---- */

#define ARG(k, t, m)                                                           \
	{                                                                      \
		.key = (k), .type = CONTROL_ARG_##t, .max = (m)                \
	}
#define BY ARG("by", TEXT, PD_NAME_MAX - 1)
#define END                                                                    \
	{                                                                      \
		.key = NULL                                                    \
	}

static const struct control_arg args_none[] = {END};
/* the file comes with the request (SCM_RIGHTS) */
static const struct control_arg args_backup[] = {
	ARG("passphrase", TEXT, CONTROL_PASS_MAX),
	END,
};
/* consent: "yes" once the person agreed to the text of consent_version
 * (PD_CONSENT_VERSION when absent); presensid refuses anything else. */
static const struct control_arg args_enroll[] = {
	ARG("id", ID, 0),
	ARG("finger", TEXT, PD_FINGER_MAX - 1),
	ARG("reader", UINT, INT_MAX),
	ARG("consent", TEXT, 3),
	ARG("consent_version", TEXT, PD_CONSENT_MAX - 1),
	END,
};
static const struct control_arg args_wait[] = {
	ARG("reader", UINT, INT_MAX),
	ARG("after", UINT, INT64_MAX),
	ARG("timeout_ms", UINT, CONTROL_WAIT_MAX_MS),
	ARG("enrolment", FLAG, 0),
	END,
};
static const struct control_arg args_person_add[] = {
	ARG("id", ID, 0),
	ARG("name", TEXT, PD_NAME_MAX - 1),
	ARG("jabatan", TEXT, PD_JABATAN_MAX - 1),
	ARG("since", DATE, 0),
	END,
};
static const struct control_arg args_person_deactivate[] = {
	ARG("id", ID, 0),
	ARG("on", DATE, 0),
	END,
};
static const struct control_arg args_person_forget_prints[] = {
	ARG("id", ID, 0),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_person_reactivate[] = {
	ARG("id", ID, 0),
	ARG("since", DATE, 0),
	END,
};
static const struct control_arg args_profile_import[] = {
	ARG("from", DATE, 0),
	ARG("file", TEXT, CONTROL_PATH_MAX - 1),
	ARG("text", FILE, CONTROL_LINE_MAX - 1),
	ARG("retroactive", FLAG, 0),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_calendar_import[] = {
	ARG("file", TEXT, CONTROL_PATH_MAX - 1),
	ARG("text", FILE, CONTROL_LINE_MAX - 1),
	END,
};
static const struct control_arg args_calendar_add[] = {
	ARG("date", DATE, 0),
	ARG("name", TEXT, PD_TEXT_MAX - 1),
	ARG("kind", TEXT, 15),
	END,
};
static const struct control_arg args_calendar_remove[] = {
	ARG("date", DATE, 0),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_excuse_add[] = {
	ARG("id", ID, 0),
	ARG("from", DATE, 0),
	ARG("to", DATE, 0),
	ARG("kind", TEXT, 15),
	ARG("part", TEXT, 15),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	ARG("document", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_excuse_revoke[] = {
	ARG("excuse", UINT, INT64_MAX),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_punch_manual[] = {
	ARG("id", ID, 0),
	ARG("at", LOCAL, 0),
	ARG("reason", TEXT, PD_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_clock_set[] = {
	ARG("at", LOCAL, 0),
	END,
};
/* close, export: one month "YYYY-MM" (checked by the handler) */
static const struct control_arg args_month[] = {
	ARG("month", TEXT, 7),
	END,
};
/* the live push (docs/push.md) */
static const struct control_arg args_sign_batch[] = {
	ARG("first", UINT, INT64_MAX),
	ARG("last", UINT, INT64_MAX),
	END,
};
static const struct control_arg args_wait_ledger[] = {
	ARG("after", UINT, INT64_MAX),
	ARG("timeout_ms", UINT, CONTROL_WAIT_MAX_MS),
	END,
};
/* a publication as GET /api/v1/rules lists it (rulepub.h) */
static const struct control_arg args_rules_publish[] = {
	ARG("id", UINT, INT64_MAX),
	ARG("kind", TEXT, 8),  /* profile or calendar */
	ARG("scope", TEXT, 9), /* kabupaten or kecamatan */
	ARG("area", TEXT, PD_NAME_MAX - 1),
	ARG("name", TEXT, PD_TEXT_MAX - 1),
	ARG("from", DATE, 0),
	ARG("published", TEXT, 20), /* YYYY-MM-DDTHH:MM:SSZ */
	ARG("text", FILE, CONTROL_LINE_MAX - 1),
	ARG("signature", TEXT, 128), /* the publisher's, hex */
	END,
};
static const struct control_arg args_push_status[] = {
	ARG("state", TEXT, 15), /* caught-up, sending, retrying */
	ARG("acked", UINT, INT64_MAX),
	ARG("acked_head", TEXT, 64),
	ARG("ok_at", UINT, INT64_MAX),
	ARG("retry_s", UINT, INT32_MAX),
	ARG("refused", TEXT, CONTROL_TEXT_MAX - 1),
	ARG("refused_at", UINT, INT64_MAX),
	ARG("refused_rows", TEXT, 47),
	ARG("error", TEXT, CONTROL_TEXT_MAX - 1),
	ARG("bundle", TEXT, 7),
	ARG("rules", TEXT, CONTROL_TEXT_MAX - 1),
	END,
};
static const struct control_arg args_export_lights[] = {
	ARG("result", TEXT, 4), /* ok or fail */
	END,
};

/* Sorted by name (bsearch). */
static const struct control_cmd cmds[] = {
	{"backup", CONTROL_ACCESS_ADMIN, args_backup},
	{"calendar-add", CONTROL_ACCESS_ADMIN, args_calendar_add},
	{"calendar-import", CONTROL_ACCESS_ADMIN, args_calendar_import},
	{"calendar-remove", CONTROL_ACCESS_ADMIN, args_calendar_remove},
	{"clock-set", CONTROL_ACCESS_ADMIN, args_clock_set},
	{"close", CONTROL_ACCESS_ADMIN, args_month},
	{"device-key", CONTROL_ACCESS_READ, args_none},
	{"enroll", CONTROL_ACCESS_ADMIN, args_enroll},
	{"excuse-add", CONTROL_ACCESS_ADMIN, args_excuse_add},
	{"excuse-revoke", CONTROL_ACCESS_ADMIN, args_excuse_revoke},
	/* the push exports closed months' bundles, as the CLI does */
	{"export", CONTROL_ACCESS_PUSH, args_month},
	{"export-lights", CONTROL_ACCESS_ADMIN, args_export_lights},
	{"person-add", CONTROL_ACCESS_ADMIN, args_person_add},
	{"person-deactivate", CONTROL_ACCESS_ADMIN, args_person_deactivate},
	{"person-forget-prints", CONTROL_ACCESS_ADMIN,
	 args_person_forget_prints},
	{"person-reactivate", CONTROL_ACCESS_ADMIN, args_person_reactivate},
	{"ping", CONTROL_ACCESS_READ, args_none},
	{"profile-import", CONTROL_ACCESS_ADMIN, args_profile_import},
	{"punch-manual", CONTROL_ACCESS_ADMIN, args_punch_manual},
	{"push-status", CONTROL_ACCESS_PUSH, args_push_status},
	{"rules-publish", CONTROL_ACCESS_PUSH, args_rules_publish},
	{"sign-batch", CONTROL_ACCESS_PUSH, args_sign_batch},
	{"status", CONTROL_ACCESS_READ, args_none},
	{"wait-armed", CONTROL_ACCESS_READ, args_wait},
	/* the ledger head is in status already */
	{"wait-ledger", CONTROL_ACCESS_READ, args_wait_ledger},
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int cmd_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct control_cmd *)elem)->name);
}

const struct control_cmd *control_cmd_find(const char *name)
{
	return bsearch(name, cmds, NCMDS, sizeof(cmds[0]), cmd_cmp);
}

bool control_access_ok(unsigned int access, bool admin, bool push)
{
	switch (access) {
	case CONTROL_ACCESS_READ:
		return true;
	case CONTROL_ACCESS_PUSH:
		return admin || push;
	case CONTROL_ACCESS_ADMIN:
		return admin;
	default:
		return false;
	}
}

static bool has_ctl(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return true;
	return false;
}

static bool all_digits(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < '0' || *v > '9')
			return false;
	return true;
}

/* A decimal without sign, spaces or overflow, at most max. */
static int parse_uint(const char *v, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (!all_digits(v) || strlen(v) > 20)
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

/* Every text reaches CSV, HTML, XLSX and ledger rows: well-formed UTF-8
 * only (the daemon then normalises it to NFC, nfc.h). */
static int check_utf8(const struct control_arg *a, const char *v, size_t n,
		      char *why, size_t cap)
{
	size_t bad = 0;

	if (utf8_check(v, n, &bad) == 0)
		return 0;
	snprintf(why, cap, "%s: not valid UTF-8 (byte %zu)", a->key, bad + 1);
	return -EINVAL;
}

static int check_value(const struct control_arg *a, const char *v, char *why,
		       size_t cap)
{
	size_t n = strlen(v);
	uint64_t x;
	pd_day_t day;
	int64_t t;

	switch (a->type) {
	case CONTROL_ARG_TEXT:
		if (n > a->max) {
			snprintf(why, cap, "%s: longer than %" PRIu64 " bytes",
				 a->key, a->max);
			return -EINVAL;
		}
		if (has_ctl(v)) {
			snprintf(why, cap,
				 "%s: control characters are not "
				 "allowed",
				 a->key);
			return -EINVAL;
		}
		return check_utf8(a, v, n, why, cap);
	case CONTROL_ARG_FILE:
		if (n > a->max) {
			snprintf(why, cap, "%s: longer than %" PRIu64 " bytes",
				 a->key, a->max);
			return -EINVAL;
		}
		return check_utf8(a, v, n, why, cap);
	case CONTROL_ARG_ID:
		if (n == 0 || n >= PD_ID_MAX || has_ctl(v)) {
			snprintf(why, cap,
				 "%s: must be 1 to %d printable characters",
				 a->key, PD_ID_MAX - 1);
			return -EINVAL;
		}
		return check_utf8(a, v, n, why, cap);
	case CONTROL_ARG_DATE:
		if (n && civil_date_parse(v, &day) < 0) {
			snprintf(why, cap,
				 "%s: \"%.40s\" is not a date "
				 "YYYY-MM-DD",
				 a->key, v);
			return -EINVAL;
		}
		return 0;
	case CONTROL_ARG_LOCAL:
		/* any zone: only the form is checked here */
		if (n && civil_local_parse(v, 0, &t) < 0) {
			snprintf(why, cap,
				 "%s: \"%.40s\" is not a local time "
				 "\"YYYY-MM-DD HH:MM[:SS]\"",
				 a->key, v);
			return -EINVAL;
		}
		return 0;
	case CONTROL_ARG_UINT:
		if (parse_uint(v, a->max, &x) < 0) {
			snprintf(why, cap,
				 "%s: \"%.40s\" is not a whole number "
				 "in 0..%" PRIu64,
				 a->key, v, a->max);
			return -EINVAL;
		}
		return 0;
	case CONTROL_ARG_FLAG:
		if (n && strcmp(v, "1") != 0) {
			snprintf(why, cap, "%s: takes no value but 1", a->key);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(why, cap, "%s: unknown type", a->key);
	return -EINVAL;
}

int control_check(const struct control_msg *m, const struct control_cmd **out,
		  char *why, size_t cap)
{
	const struct control_cmd *c;

	if (m->nfields < 1 || !*m->field[0]) {
		snprintf(why, cap, "malformed request");
		return -EINVAL;
	}
	c = control_cmd_find(m->field[0]);
	if (!c) {
		snprintf(why, cap, "unknown command \"%.40s\"", m->field[0]);
		return -ENOENT;
	}
	for (int i = 1; i < m->nfields; i++) {
		const char *f = m->field[i], *eq = strchr(f, '=');
		const struct control_arg *a;
		size_t kl;

		if (!eq || eq == f) {
			snprintf(why, cap, "field %d: not key=value", i);
			return -EINVAL;
		}
		kl = (size_t)(eq - f);
		for (a = c->args; a->key; a++)
			if (strlen(a->key) == kl && memcmp(a->key, f, kl) == 0)
				break;
		if (!a->key) {
			snprintf(why, cap, "%s: unknown field \"%.*s\"",
				 c->name, (int)(kl > 40 ? 40 : kl), f);
			return -EINVAL;
		}
		for (int j = 1; j < i; j++)
			if (strncmp(m->field[j], f, kl + 1) == 0) {
				snprintf(why, cap, "%s: given twice", a->key);
				return -EINVAL;
			}
		if (check_value(a, eq + 1, why, cap) < 0)
			return -EINVAL;
	}
	*out = c;
	return 0;
}

uint64_t control_get_uint(const struct control_msg *m, const char *key,
			  uint64_t dflt)
{
	const char *v = control_get(m, key);
	uint64_t x;

	if (!v || parse_uint(v, UINT64_MAX, &x) < 0)
		return dflt;
	return x;
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{EINVAL, "EINVAL"},	  {EEXIST, "EEXIST"},
	{ENOENT, "ENOENT"},	  {EBUSY, "EBUSY"},
	{ENOSPC, "ENOSPC"},	  {EIO, "EIO"},
	{EPERM, "EPERM"},	  {ENODEV, "ENODEV"},
	{ETIMEDOUT, "ETIMEDOUT"}, {EALREADY, "EALREADY"},
	{ECANCELED, "ECANCELED"}, {EROFS, "EROFS"},
	{ENOMEM, "ENOMEM"},	  {EBADMSG, "EBADMSG"},
	{ENOTSUP, "ENOTSUP"},	  {EAGAIN, "EAGAIN"},
	{ERANGE, "ERANGE"},
};

const char *control_errname(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "EIO";
}

int control_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(errnames[i].name, name) == 0)
			return errnames[i].err;
	return EIO;
}
