/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kecbox.c: a desa's real device store for the kecamatan's tests. */
#include "kecbox.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle.h"
#include "bundling.h"
#include "civil.h"
#include "closing.h"
#include "export.h"
#include "store_report.h"
#include "testutil.h"

#define PROFILE "firmware/profiles/ppu-24-2018-5hari.ini"
#define CAL	"firmware/calendars/2026.ini"
#define SEKDES	ACTOR("sekdes", 1000)

static const uint8_t store_key[CRYPTO_KEY_BYTES] = {0x42};

int64_t kecbox_at(int y, int mo, int d, int h, int mi, int s)
{
	return civil_utc_from_local(civil_from_ymd(y, mo, d),
				    h * 3600 + mi * 60 + s, KECBOX_WIB);
}

void kecbox_open(struct kecbox *b, const char *desa_id, const char *name,
		 uint8_t seed)
{
	uint8_t s[CRYPTO_KEY_BYTES] = {0};

	memset(b, 0, sizeof(*b));
	b->dir = testutil_tmpdir("box");
	assert_non_null(b->dir);
	snprintf(b->path, sizeof(b->path), "%s/presensi.db", b->dir);
	assert_int_equal(store_open(b->path, NULL, 0, store_key, &b->st), 0);
	conf_defaults(&b->conf);
	snprintf(b->conf.desa_id, sizeof(b->conf.desa_id), "%s", desa_id);
	snprintf(b->conf.desa_name, sizeof(b->conf.desa_name), "%s", name);
	snprintf(b->conf.kecamatan, sizeof(b->conf.kecamatan), "Pucuk");
	snprintf(b->conf.store_path, sizeof(b->conf.store_path), "%s", b->path);
	b->conf.offset_min = KECBOX_WIB;
	s[0] = seed;
	s[1] = 0x5e;
	crypto_devkey_from_seed(s, &b->key);
	crypto_pubkey_hex(b->key.pk, b->public_key);
	crypto_pubkey_fingerprint(b->key.pk, b->fingerprint);
}

void kecbox_close(struct kecbox *b)
{
	store_close(b->st);
	testutil_rmtree_free(b->dir);
	explicit_bzero(&b->key, sizeof(b->key));
	memset(b, 0, sizeof(*b));
}

static char *slurp(const char *path)
{
	char *text = testutil_slurp(path, NULL);

	if (!text) /* the tests run from the tree's top or from build/ */
		fail_msg("cannot read %s", path);
	return text;
}

void kecbox_rules(struct kecbox *b, pd_day_t from_day, int64_t when)
{
	char *text = slurp(PROFILE), v[PD_HASH_HEX];

	crypto_sha256_hex(text, strlen(text), v);
	assert_int_equal(store_profile_add(b->st, from_day, v,
					   "PPU 24/2018 5 hari", text, when,
					   SEKDES),
			 0);
	free(text);
	text = slurp(CAL);
	crypto_sha256_hex(text, strlen(text), v);
	assert_int_equal(store_calendar_add(b->st, v, "Hari libur 2026", text,
					    when + 1, SEKDES),
			 0);
	free(text);
}

void kecbox_person(struct kecbox *b, const char *id, const char *name,
		   pd_day_t since, int64_t when)
{
	struct person p = {.since = since};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kasi Pelayanan");
	assert_int_equal(store_person_add(b->st, &p, when, SEKDES), 0);
}

static struct punch mkpunch(const char *id, int64_t t, unsigned int flags)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", id);
	p.at_utc = t;
	civil_local_from_utc(t, KECBOX_WIB, &p.local_day, &p.local_sec);
	p.flags = flags;
	strcpy(p.source, "reader");
	strcpy(p.reader, "virtual_image/0");
	strcpy(p.clock, flags & PUNCH_F_UNTRUSTED ? "unsynced" : "ntp");
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	p.mono_ms = (uint64_t)(t % 1000000) * 1000;
	p.by_uid = ACTOR_UID_NONE;
	return p;
}

void kecbox_punch(struct kecbox *b, const char *id, int64_t t,
		  unsigned int flags)
{
	struct punch p = mkpunch(id, t, flags);

	assert_int_equal(store_punch_add(b->st, &p, t), 0);
}

void kecbox_manual(struct kecbox *b, const char *id, int64_t t, int64_t when)
{
	struct punch p = mkpunch(id, t, PUNCH_F_MANUAL);

	strcpy(p.source, "manual");
	p.reader[0] = '\0';
	strcpy(p.clock, "manual");
	strcpy(p.reason, "alat mati listrik");
	strcpy(p.by, "sekdes");
	p.by_uid = 1000;
	assert_int_equal(store_punch_add(b->st, &p, when), 0);
}

int64_t kecbox_excuse(struct kecbox *b, const char *id, const char *kind,
		      pd_day_t from, pd_day_t to, int64_t when)
{
	struct excuse e;

	memset(&e, 0, sizeof(e));
	snprintf(e.person, sizeof(e.person), "%s", id);
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	snprintf(e.reason, sizeof(e.reason), "surat dokter");
	snprintf(e.document, sizeof(e.document), "SKD/%lld", (long long)from);
	snprintf(e.by, sizeof(e.by), "sekdes");
	e.by_uid = 1000;
	e.from_day = from;
	e.to_day = to;
	assert_int_equal(store_excuse_add(b->st, &e, when), 0);
	return e.id;
}

/* 2026's listed days (libur and cuti bersama) fall off the pattern. */
static int holiday(pd_day_t d)
{
	static const char *const days[] = {
		"2026-01-01", "2026-01-16", "2026-02-16", "2026-02-17",
		"2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23",
		"2026-03-24", "2026-04-03", "2026-05-01", "2026-05-14",
		"2026-05-15", "2026-05-27", "2026-05-28", "2026-06-01",
		"2026-06-16", "2026-08-17", "2026-08-25", "2026-12-24",
		"2026-12-25",
	};
	char s[CIVIL_DATE_LEN];

	civil_date_format(d, s);
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		if (strcmp(s, days[i]) == 0)
			return 1;
	return 0;
}

void kecbox_days(struct kecbox *b, const char *const *ids, size_t n,
		 pd_day_t from, pd_day_t to)
{
	for (pd_day_t d = from; d <= to; d++) {
		enum civil_weekday wd = civil_weekday(d);
		int y, m, dd;

		if (wd == CIVIL_SAT || wd == CIVIL_SUN || holiday(d))
			continue;
		civil_to_ymd(d, &y, &m, &dd);
		for (size_t i = 0; i < n; i++) {
			unsigned int k =
				(unsigned int)(i * 37 + (size_t)d * 11);
			int in = 7 * 60 + 5 + (int)(k % 50); /* 07:05..07:54 */
			int out = wd == CIVIL_FRI
					  ? 11 * 60 - 5 + (int)(k % 15)
					  : 16 * 60 - 10 + (int)(k % 40);

			if ((i + (size_t)d) % 11 == 0)
				continue; /* away that day */
			kecbox_punch(b, ids[i],
				     kecbox_at(y, m, dd, in / 60, in % 60,
					       (int)(k % 60)),
				     0);
			if ((i + (size_t)d) % 7 == 0)
				continue; /* forgot to punch out */
			kecbox_punch(b, ids[i],
				     kecbox_at(y, m, dd, out / 60, out % 60,
					       (int)(k % 60)),
				     0);
		}
	}
}

void kecbox_close_month(struct kecbox *b, const char *month, int64_t now)
{
	struct closing_deps d = {b->st, &b->conf, now};
	char why[CLOSING_WHY_MAX];
	int64_t seq;

	if (closing_close(&d, month, false, SEKDES, &seq, why, sizeof(why)))
		fail_msg("close %s: %s", month, why);
}

void kecbox_bundle(struct kecbox *b, const char *month, int64_t now,
		   uint8_t **zip, size_t *len)
{
	struct bundling_deps d = {b->st, &b->conf, &b->key, now};
	char name[BUNDLE_FILE_NAME_MAX], why[BUNDLE_WHY_MAX];
	enum bundle_status status;

	if (bundling_make(&d, month, zip, len, &status, name, why, sizeof(why)))
		fail_msg("export %s: %s", month, why);
}

char *kecbox_rekap_csv(struct kecbox *b, const char *month, int64_t now)
{
	struct report_opts o;
	struct report *r;
	char err[256], *csv = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&o, 0, sizeof(o));
	o.kind = CIVIL_PERIOD_MONTH;
	assert_int_equal(civil_period_parse(CIVIL_PERIOD_MONTH, month, &o.first,
					    &o.last, NULL, 0),
			 0);
	civil_local_from_utc(now, KECBOX_WIB, &o.today, &o.now_sec);
	o.now_utc = now;
	o.desa_id = b->conf.desa_id;
	o.desa_name = b->conf.desa_name;
	o.offset_min = KECBOX_WIB;
	if (store_report_build(b->st, &o, &r, err, sizeof(err)))
		fail_msg("box rekap: %s", err);
	fp = open_memstream(&csv, &len);
	assert_non_null(fp);
	assert_int_equal(export_csv(fp, r, NULL), 0);
	assert_int_equal(fclose(fp), 0);
	report_free(r);
	return csv;
}
