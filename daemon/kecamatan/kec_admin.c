/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_admin.c: creating a kecamatan, picking one, trusting and re-keying
 * desa device keys, and the office's holidays.  One transaction per act;
 * every trust, re-key and calendar change goes to the audit table.
 */
#include "kec_admin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "civil.h"
#include "crypto.h"
#include "rekap.h"

#define DEADLINE_MDAY_MAX 28 /* every month has the day */

static int why_set(char *why, size_t cap, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_set(char *why, size_t cap, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Printable UTF-8 without control bytes, non-empty, fits cap. */
static bool text_ok(const char *s, size_t cap)
{
	if (!s || !*s || strlen(s) >= cap)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* A desa id as a box's configuration allows: letters, digits, . - _ */
static bool id_ok(const char *s)
{
	if (!s || !*s || strlen(s) >= PD_ID_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

int kec_admin_init(struct kec_store *st, const char *name,
		   const char *kabupaten, const char *timezone,
		   int deadline_mday, int64_t now_utc, struct kec_info *out,
		   char *why, size_t cap)
{
	struct kec_info k;
	int rc;

	memset(&k, 0, sizeof(k));
	if (!text_ok(name, sizeof(k.name)))
		return why_set(why, cap, -EINVAL,
			       "--name: a kecamatan's name "
			       "is required, printable");
	if (kabupaten && *kabupaten && !text_ok(kabupaten, sizeof(k.kabupaten)))
		return why_set(why, cap, -EINVAL,
			       "--kabupaten: not printable "
			       "or too long");
	if (civil_tz_offset(timezone ? timezone : "Asia/Jakarta",
			    &k.offset_min))
		return why_set(why, cap, -EINVAL,
			       "--timezone: Asia/Jakarta, Asia/Makassar or "
			       "Asia/Jayapura");
	if (deadline_mday < 0 || deadline_mday > DEADLINE_MDAY_MAX)
		return why_set(why, cap, -EINVAL, "--deadline-day: 1 to %d",
			       DEADLINE_MDAY_MAX);
	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(k.kabupaten, sizeof(k.kabupaten), "%s",
		 kabupaten ? kabupaten : "");
	k.deadline_mday = deadline_mday ? deadline_mday : REKAP_DEADLINE_MDAY;
	k.created_utc = now_utc;
	rc = kec_store_kec_add(st, &k);
	if (rc == -EEXIST)
		return why_set(why, cap, rc, "kecamatan %s exists already",
			       name);
	if (rc)
		return why_set(why, cap, rc, "cannot create kecamatan %s: %s",
			       name, strerror(-rc));
	if (out)
		*out = k;
	return 0;
}

struct pick {
	const char *name;
	int n;
	struct kec_info found;
	char names[KEC_ADMIN_WHY_MAX / 2];
};

static int pick_row(void *ud, const struct kec_info *k)
{
	struct pick *p = ud;
	size_t len = strlen(p->names);

	if (p->name && strcmp(p->name, k->name) != 0) {
		snprintf(p->names + len, sizeof(p->names) - len, "%s%s",
			 len ? ", " : "", k->name);
		return 0;
	}
	if (!p->name)
		snprintf(p->names + len, sizeof(p->names) - len, "%s%s",
			 len ? ", " : "", k->name);
	p->n++;
	p->found = *k;
	return 0;
}

int kec_admin_pick(struct kec_store *st, const char *name, struct kec_info *out,
		   char *why, size_t cap)
{
	struct pick p = {.name = name};
	int rc = kec_store_kec_each(st, pick_row, &p);

	if (rc)
		return why_set(why, cap, rc, "cannot list kecamatan: %s",
			       strerror(-rc));
	if (p.n == 0 && name)
		return why_set(why, cap, -ENOENT,
			       "no kecamatan %s here (there are: %s)", name,
			       p.names[0] ? p.names : "none");
	if (p.n == 0)
		return why_set(why, cap, -ENOENT,
			       "no kecamatan yet: presensi-kecamatan init "
			       "--name NAME");
	if (p.n > 1)
		return why_set(why, cap, -EINVAL,
			       "this database holds several kecamatan (%s): "
			       "say which with --kecamatan NAME",
			       p.names);
	*out = p.found;
	return 0;
}

struct current {
	int n;
	char fprs[KEC_ADMIN_WHY_MAX / 2];
};

static int current_row(void *ud, const struct kec_key *k)
{
	struct current *c = ud;
	size_t len = strlen(c->fprs);

	if (k->replaced_utc)
		return 0;
	c->n++;
	snprintf(c->fprs + len, sizeof(c->fprs) - len, "%s%s", len ? ", " : "",
		 k->fingerprint);
	return 0;
}

int kec_admin_trust(struct kec_store *st, const struct kec_info *kec,
		    const char *desa_id, const char *desa_name,
		    const char *public_key, const char *reason, int64_t now_utc,
		    const char *by, struct kec_key *out, char *why, size_t cap)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	struct current cur = {0};
	struct kec_desa d;
	struct kec_key k, held;
	char detail[KEC_ADMIN_WHY_MAX];
	int rc;

	if (!id_ok(desa_id))
		return why_set(why, cap, -EINVAL,
			       "--desa: an id of letters, digits, . - _");
	if (!text_ok(desa_name, sizeof(d.name)))
		return why_set(why, cap, -EINVAL,
			       "--name: the desa's name is required");
	if (!public_key || strlen(public_key) != 2 * CRYPTO_PK_BYTES ||
	    crypto_hex_decode(public_key, pk, sizeof(pk)) != 0)
		return why_set(why, cap, -EINVAL,
			       "--key: the device key is 64 hex digits "
			       "(presensi device key on the box)");
	if (reason && !text_ok(reason, PD_TEXT_MAX))
		return why_set(why, cap, -EINVAL, "--reason: not printable");
	memset(&k, 0, sizeof(k));
	crypto_pubkey_hex(pk, k.public_key); /* lower case */
	crypto_pubkey_fingerprint(pk, k.fingerprint);
	snprintf(k.desa, sizeof(k.desa), "%s", desa_id);
	snprintf(k.reason, sizeof(k.reason), "%s", reason ? reason : "");
	snprintf(k.by, sizeof(k.by), "%s", by ? by : "");
	k.trusted_utc = now_utc;
	memset(&d, 0, sizeof(d));
	snprintf(d.id, sizeof(d.id), "%s", desa_id);
	snprintf(d.name, sizeof(d.name), "%s", desa_name);
	d.registered_utc = now_utc;

	rc = kec_store_key_find(st, kec->id, k.public_key, &held);
	if (rc == 0)
		return why_set(why, cap, -EEXIST,
			       "key %s is trusted already, for desa %s",
			       k.fingerprint, held.desa);
	if (rc != -ENOENT)
		return why_set(why, cap, rc, "cannot read keys: %s",
			       strerror(-rc));
	rc = kec_store_begin(st);
	if (rc)
		return why_set(why, cap, rc, "database: %s", strerror(-rc));
	rc = kec_store_key_each(st, kec->id, desa_id, current_row, &cur);
	if (rc == 0 && cur.n && !k.reason[0]) {
		why_set(why, cap, -EINVAL,
			"desa %s has key %s already: a replaced box is a "
			"re-key, give --reason",
			desa_id, cur.fprs);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = kec_store_desa_put(st, kec->id, &d);
	if (rc == 0 && cur.n)
		rc = kec_store_key_replace(st, kec->id, desa_id, now_utc);
	if (rc == 0)
		rc = kec_store_key_add(st, kec->id, &k);
	if (cur.n)
		why_set(detail, sizeof(detail), 0, "key %s replaces %s: %s",
			k.fingerprint, cur.fprs, k.reason);
	else
		why_set(detail, sizeof(detail), 0, "key %s, desa %s",
			k.fingerprint, desa_name);
	if (rc == 0)
		rc = kec_store_audit_add(st, kec->id, now_utc, k.by,
					 cur.n ? "rekey" : "trust", desa_id,
					 detail);
	rc = kec_store_end(st, rc);
	if (rc == -EINVAL)
		return rc; /* why is set */
	if (rc)
		return why_set(why, cap, rc, "cannot trust the key: %s",
			       strerror(-rc));
	if (out)
		*out = k;
	return 0;
}

int kec_admin_calendar_file(struct kec_store *st, const struct kec_info *kec,
			    const char *name, const char *text, int64_t now_utc,
			    const char *by, char *why, size_t cap)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	struct kec_office o;
	char detail[KEC_ADMIN_WHY_MAX];
	FILE *fp;
	int rc;

	if (!cal)
		return -ENOMEM;
	fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	if (!fp) {
		free(cal);
		return -ENOMEM;
	}
	rc = calendar_parse(fp, name, cal, why, cap);
	fclose(fp);
	if (rc) {
		free(cal);
		return rc == -EINVAL ? rc
				     : why_set(why, cap, rc, "%s: %s", name,
					       strerror(-rc));
	}
	memset(&o, 0, sizeof(o));
	o.file = true;
	crypto_sha256_hex(text, strlen(text), o.version);
	snprintf(o.name, sizeof(o.name), "%s", cal->name);
	o.text = text;
	snprintf(detail, sizeof(detail), "year %d, version %.16s", cal->year,
		 o.version);
	free(cal);
	rc = kec_store_begin(st);
	if (rc == 0)
		rc = kec_store_office_add(st, kec->id, &o, now_utc, by);
	if (rc == 0)
		rc = kec_store_audit_add(st, kec->id, now_utc, by,
					 "calendar import", o.name, detail);
	rc = kec_store_end(st, rc);
	if (rc)
		return why_set(why, cap, rc, "cannot keep the calendar: %s",
			       strerror(-rc));
	return 0;
}

int kec_admin_calendar_day(struct kec_store *st, const struct kec_info *kec,
			   pd_day_t day, const char *kind, const char *name,
			   int64_t now_utc, const char *by, char *why,
			   size_t cap)
{
	enum calendar_kind k;
	struct kec_office o;
	char date[CIVIL_DATE_LEN];
	int rc;

	if (calendar_kind_parse(kind, &k))
		return why_set(why, cap, -EINVAL,
			       "--kind: libur, cuti_bersama or lokal");
	if (!text_ok(name, CALENDAR_NAME_MAX))
		return why_set(why, cap, -EINVAL, "--name: the day's name");
	memset(&o, 0, sizeof(o));
	o.day = day;
	snprintf(o.kind, sizeof(o.kind), "%s", kind);
	snprintf(o.name, sizeof(o.name), "%s", name);
	civil_date_format(day, date);
	rc = kec_store_begin(st);
	if (rc == 0)
		rc = kec_store_office_add(st, kec->id, &o, now_utc, by);
	if (rc == 0)
		rc = kec_store_audit_add(st, kec->id, now_utc, by,
					 "calendar add", date, name);
	rc = kec_store_end(st, rc);
	if (rc)
		return why_set(why, cap, rc, "cannot keep the day: %s",
			       strerror(-rc));
	return 0;
}
