/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of store.c on real SQLite files in a temp directory and on
 * :memory:: migrations, every add/each function, read-only refusal,
 * templates encrypted at rest, chain verification against rows altered
 * behind the store's back, and I/O errors injected through faultvfs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store.h"

#define DAY0  20458	 /* 2026-01-05, a Monday, days since 1970-01-01 */
#define T0    1767571200 /* 2026-01-05T00:00:00Z */
#define NOW   (T0 + 86400 * 3)
#define ADMIN "Sekdes Admin"

static const uint8_t key1[CRYPTO_KEY_BYTES] = {0x11, 0x22, 0x33};
static const uint8_t key2[CRYPTO_KEY_BYTES] = {0x44, 0x55, 0x66};

struct fx {
	char *dir;
	char path[512];
	struct store *st;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = testutil_tmpdir("store");
	if (!f->dir)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/presensi.db", f->dir);
	if (store_open(f->path, NULL, 0, key1, &f->st) != 0)
		return -1;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

static void reopen(struct fx *f, unsigned int flags, const uint8_t *key)
{
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, NULL, flags, key, &f->st), 0);
}

static int64_t q(struct fx *f, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(faultvfs_query_int(f->path, sql, &v), 0);
	return v;
}

static void add_person(struct store *st, const char *id, pd_day_t since)
{
	struct person p = {.since = since};

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.name, sizeof(p.name), "Nama %s, S.Pd", id);
	snprintf(p.jabatan, sizeof(p.jabatan), "Kaur \"TU\"");
	assert_int_equal(store_person_add(st, &p, NOW, ACTOR(ADMIN, 0)), 0);
}

static struct punch mkpunch(const char *person, int64_t at, unsigned int fl)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", person);
	p.at_utc = at;
	/* WIB: local = UTC + 7 h */
	p.local_day = (pd_day_t)((at + 7 * 3600) / 86400);
	p.local_sec = (int32_t)((at + 7 * 3600) % 86400);
	p.flags = fl;
	if (fl & PUNCH_F_MANUAL) {
		strcpy(p.source, "manual");
		strcpy(p.reason, "alat rusak, presensi manual");
		strcpy(p.by, ADMIN);
	} else {
		strcpy(p.source, "reader");
		strcpy(p.reader, "virtual_device_storage/0");
	}
	strcpy(p.clock, "ntp");
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	p.mono_ms = (uint64_t)at * 10;
	return p;
}

static int64_t add_punch(struct store *st, const char *person, int64_t at,
			 unsigned int fl)
{
	struct punch p = mkpunch(person, at, fl);

	assert_int_equal(store_punch_add(st, &p, NOW), 0);
	assert_true(p.seq > 0);
	return p.seq;
}

static struct excuse mkexcuse(const char *person, pd_day_t from, pd_day_t to,
			      const char *kind)
{
	struct excuse e;

	memset(&e, 0, sizeof(e));
	snprintf(e.person, sizeof(e.person), "%s", person);
	e.from_day = from;
	e.to_day = to;
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	strcpy(e.reason, "surat dokter; demam");
	strcpy(e.document, "ST/12/2026");
	strcpy(e.by, ADMIN);
	return e;
}

static void version_of(const char *text, char out[PD_HASH_HEX])
{
	crypto_sha256_hex(text, strlen(text), out);
}

#define PROFILE_TEXT  "[profile]\nname = PPU 24/2018, 5 hari\n"
#define CALENDAR_TEXT "[2026-01-01]\nkind = libur\nname = Tahun Baru\n"

/* One row of every kind: person, punches, profile, calendar, day,
 * excuse, revoke, deactivate, reactivate, print.  Returns the ledger
 * rows. */
static int64_t populate(struct store *st)
{
	static const uint8_t blob[] = "template-bytes";
	struct print_rec pr = {
		.person = "P001", .finger = "right-index", .model = "virtual"};
	struct excuse e = mkexcuse("P002", DAY0, DAY0 + 1, "sakit");
	char v[PD_HASH_HEX], head[PD_HASH_HEX];
	int64_t seq, t;

	add_person(st, "P001", DAY0 - 30);		    /* 1 */
	add_person(st, "P002", DAY0 - 30);		    /* 2 */
	add_punch(st, "P001", T0 + 30, 0);		    /* 3 */
	add_punch(st, "P001", T0 + 60, PUNCH_F_SUPPRESSED); /* 4 */
	version_of(PROFILE_TEXT, v);
	assert_int_equal(store_profile_add(st, DAY0 - 30, v, "PPU 5 hari",
					   PROFILE_TEXT, NOW, ACTOR(ADMIN, 0)),
			 0); /* 5 */
	version_of(CALENDAR_TEXT, v);
	assert_int_equal(store_calendar_add(st, v, "SKB 2026", CALENDAR_TEXT,
					    NOW, ACTOR(ADMIN, 0)),
			 0); /* 6 */
	assert_int_equal(store_calendar_day_add(st, DAY0 + 2, STORE_DAY_LOKAL,
						"Hari Jadi Kabupaten", NOW,
						ACTOR(ADMIN, 0)),
			 0);				    /* 7 */
	assert_int_equal(store_excuse_add(st, &e, NOW), 0); /* 8 */
	assert_int_equal(store_excuse_revoke(st, e.id, "salah input",
					     ACTOR(ADMIN, 0), NOW),
			 0); /* 9 */
	assert_int_equal(store_person_deactivate(st, "P002", DAY0 + 5, NOW,
						 ACTOR(ADMIN, 0)),
			 0); /* 10 */
	assert_int_equal(store_person_reactivate(st, "P002", DAY0 + 10, NOW,
						 ACTOR(ADMIN, 0)),
			 0); /* 11 */
	add_punch(st, "P001", T0 + 86400 + 30,
		  PUNCH_F_MANUAL | PUNCH_F_UNTRUSTED); /* 12 */
	assert_int_equal(store_print_add(st, &pr, blob, sizeof(blob),
					 ACTOR(ADMIN, 0), NOW, NULL),
			 0); /* 13 */
	assert_int_equal(store_ledger_head(st, &seq, &t, head), 0);
	return seq;
}

/* ---- open and migrations ---- */

static void test_store_open_empty_file_migrates_to_latest(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	char wal[600];
	int v = -1;

	assert_int_equal(store_schema_version(f->st, &v), 0);
	assert_int_equal(v, STORE_SCHEMA_VERSION);
	assert_int_equal(q(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE "
			      "name IN ('meta','counters','people','periods',"
			      "'prints','audit','ledger','punches','profiles',"
			      "'calendars','calendar_days','excuses',"
			      "'punches_person_at','punches_day',"
			      "'punches_scan')"),
			 15);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(access(wal, F_OK), 0); /* journal_mode=WAL */
}

static void test_store_reopen_keeps_rows_and_version(void **state)
{
	struct fx *f = *state;
	struct person p;
	int v = -1;

	add_person(f->st, "P001", DAY0);
	reopen(f, 0, key1);
	assert_int_equal(store_schema_version(f->st, &v), 0);
	assert_int_equal(v, STORE_SCHEMA_VERSION);
	assert_int_equal(store_person_get(f->st, "P001", &p), 0);
	assert_string_equal(p.name, "Nama P001, S.Pd");
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 1);
}

/* What schema 5 adds, dropped to make an older database. */
#define DROP_V7                                                                \
	"DROP TABLE print_facts;"                                              \
	"ALTER TABLE prints DROP COLUMN seal;"
/* The columns schema 4 adds, dropped to make an older database. */
#define DROP_V4_COLUMNS                                                        \
	"ALTER TABLE periods DROP COLUMN open_uid;"                            \
	"ALTER TABLE periods DROP COLUMN close_uid;"                           \
	"ALTER TABLE punches DROP COLUMN by_uid;"                              \
	"ALTER TABLE audit DROP COLUMN uid;"
/* The tables schema 5 adds (checkpoints), dropped likewise. */
#define DROP_V6_TABLES                                                         \
	"DROP TABLE checkpoint_files;"                                         \
	"DROP TABLE checkpoints;"
#define DROP_V4_FACT_COLUMNS                                                   \
	"ALTER TABLE profiles DROP COLUMN uid;"                                \
	"ALTER TABLE calendars DROP COLUMN uid;"                               \
	"ALTER TABLE calendar_days DROP COLUMN uid;"                           \
	"ALTER TABLE excuses DROP COLUMN uid;"                                 \
	"ALTER TABLE excuses DROP COLUMN revoke_uid;"
#define DROP_V5_COLUMNS                                                        \
	"ALTER TABLE profiles DROP COLUMN retro_on;"                           \
	"ALTER TABLE profiles DROP COLUMN retro_reason;"                       \
	"ALTER TABLE calendar_days DROP COLUMN action;"                        \
	"ALTER TABLE calendar_days DROP COLUMN reason;"

static void test_store_open_migrates_schema_1_database(void **state)
{
	struct fx *f = *state;

	add_person(f->st, "P001", DAY0);
	store_close(f->st);
	f->st = NULL;
	/* Back to what a schema-1 program left behind. */
	assert_int_equal(faultvfs_exec_sql(
				 f->path, DROP_V7 DROP_V6_TABLES DROP_V4_COLUMNS
				 "DROP TABLE profiles;"
				 "DROP TABLE calendars;"
				 "DROP TABLE calendar_days;"
				 "DROP TABLE excuses;"
				 "DROP INDEX punches_scan;"
				 "PRAGMA user_version = 1;"),
			 0);
	assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
	assert_int_equal(q(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master "
			      "WHERE name IN ('excuses', 'punches_scan')"),
			 2);
	assert_int_equal(q(f, "SELECT count(*) FROM people"), 1);
}

static int count_scan(void *ud, const char *person, pd_day_t day, int32_t sec,
		      unsigned int flags)
{
	int *n = ud;

	(void)person;
	(void)day;
	(void)sec;
	(void)flags;
	++*n;
	return 0;
}

static void test_store_open_migrates_schema_2_database(void **state)
{
	struct fx *f = *state;
	struct store *st = (struct store *)0x1;
	int n = 0;

	{
		/* no uid: the side rows of an old database have none, so
		 * the ledger row must not claim one either */
		struct person p = {.since = DAY0};

		snprintf(p.id, sizeof(p.id), "P001");
		snprintf(p.name, sizeof(p.name), "Nama");
		assert_int_equal(store_person_add(f->st, &p, NOW,
						  ACTOR(ADMIN, ACTOR_UID_NONE)),
				 0);
	}
	add_punch(f->st, "P001", T0 + 3600, 0);
	add_punch(f->st, "P001", T0 + 7200, PUNCH_F_SUPPRESSED);
	store_close(f->st);
	f->st = NULL;
	/* Back to what a schema-2 program left behind. */
	assert_int_equal(
		faultvfs_exec_sql(f->path,
				  DROP_V7 DROP_V6_TABLES DROP_V5_COLUMNS
					  DROP_V4_COLUMNS DROP_V4_FACT_COLUMNS
				  "DROP INDEX punches_scan;"
				  "PRAGMA user_version = 2;"),
		0);
	/* the CLI reads only a migrated database */
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &st),
			 -EIO);
	assert_ptr_equal(st, (struct store *)0x1);
	assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
	assert_int_equal(q(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE "
			      "type = 'index' AND name = 'punches_scan' AND "
			      "tbl_name = 'punches'"),
			 1);
	/* the index covers what a report reads: no table lookups */
	assert_int_equal(q(f, "SELECT count(*) FROM pragma_index_info("
			      "'punches_scan')"),
			 5);
	assert_int_equal(q(f, "SELECT count(*) FROM punches"), 2);
	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0, NULL, count_scan, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

static void test_store_open_newer_schema_is_eio(void **state)
{
	struct fx *f = *state;
	struct store *st = (struct store *)0x1;

	store_close(f->st);
	f->st = NULL;
	assert_int_equal(faultvfs_exec_sql(f->path, "PRAGMA user_version = 99"),
			 0);
	assert_int_equal(store_open(f->path, NULL, 0, key1, &st), -EIO);
	assert_ptr_equal(st, (struct store *)0x1); /* not set on failure */
	assert_int_equal(store_open(f->path, NULL, STORE_RDONLY, NULL, &st),
			 -EIO);
}

static void test_store_open_rdonly_missing_file_is_enoent(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char path[600];

	snprintf(path, sizeof(path), "%s/none.db", f->dir);
	assert_int_equal(store_open(path, NULL, STORE_RDONLY, NULL, &st),
			 -ENOENT);
	assert_null(st);
	assert_int_equal(access(path, F_OK), -1); /* not created */
}

static void test_store_memory_database_works(void **state)
{
	struct store *st = NULL;
	struct person p;

	(void)state;
	assert_int_equal(store_open(":memory:", NULL, 0, key1, &st), 0);
	add_person(st, "P001", DAY0);
	add_punch(st, "P001", T0 + 100, 0);
	assert_int_equal(store_person_get(st, "P001", &p), 0);
	assert_int_equal(store_chain_verify(st, NULL, NULL, NULL, 0), 0);
	store_close(st);
	store_close(NULL); /* NULL-safe */
}

/* ---- people ---- */

static int collect_people(void *ud, const struct person *p)
{
	char *out = ud;

	strcat(out, p->id);
	strcat(out, " ");
	return 0;
}

static void test_store_person_add_get_each(void **state)
{
	struct fx *f = *state;
	struct person p;
	char ids[128] = "";

	add_person(f->st, "P003", DAY0);
	add_person(f->st, "P001", DAY0 + 1);
	add_person(f->st, "P002", DAY0 + 2);
	assert_int_equal(store_person_get(f->st, "P001", &p), 0);
	assert_string_equal(p.id, "P001");
	assert_string_equal(p.jabatan, "Kaur \"TU\"");
	assert_int_equal(p.since, DAY0 + 1);
	assert_int_equal(p.until, PD_DAY_OPEN);
	assert_int_equal(p.nprints, 0);
	assert_int_equal(store_person_each(f->st, collect_people, ids), 0);
	assert_string_equal(ids, "P001 P002 P003 ");
	assert_int_equal(store_person_get(f->st, "P404", &p), -ENOENT);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE "
			      "action = 'person.add'"),
			 3);
}

static int stop_at_second(void *ud, const struct person *p)
{
	int *n = ud;

	(void)p;
	return ++*n == 2 ? 42 : 0;
}

static void test_store_person_each_stops_on_callback_value(void **state)
{
	struct fx *f = *state;
	int n = 0;

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	add_person(f->st, "P003", DAY0);
	assert_int_equal(store_person_each(f->st, stop_at_second, &n), 42);
	assert_int_equal(n, 2);
}

static void test_store_person_add_bad_input_is_rejected(void **state)
{
	static const struct {
		const char *id, *name;
		int want;
	} rows[] = {
		{"", "Siti", -EINVAL}, {"P\n1", "Siti", -EINVAL},
		{"P001", "", -EINVAL}, {"P001", "Siti\tA", -EINVAL},
		{"P001", "Siti", 0},   {"P001", "Siti Lagi", -EEXIST},
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct person p = {.since = DAY0};

		strcpy(p.id, rows[i].id);
		strcpy(p.name, rows[i].name);
		assert_int_equal(
			store_person_add(f->st, &p, NOW, ACTOR(ADMIN, 0)),
			rows[i].want);
	}
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 1);
}

static int collect_periods(void *ud, const struct period *p)
{
	char *out = ud;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s:%d-%d ", p->person, p->since - DAY0,
		 p->until == PD_DAY_OPEN ? -1 : p->until - DAY0);
	strcat(out, buf);
	return 0;
}

static void test_store_person_periods_deactivate_reactivate(void **state)
{
	struct fx *f = *state;
	struct person p;
	char periods[256] = "";

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_person_deactivate(f->st, "P404", DAY0, NOW,
						 ACTOR(ADMIN, 0)),
			 -ENOENT);
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0 - 1, NOW,
						 ACTOR(ADMIN, 0)),
			 -EINVAL); /* until before since */
	assert_int_equal(store_person_reactivate(f->st, "P001", DAY0 + 9, NOW,
						 ACTOR(ADMIN, 0)),
			 -EINVAL); /* still active */
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0 + 4, NOW,
						 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0 + 5, NOW,
						 ACTOR(ADMIN, 0)),
			 -EINVAL); /* no open period */
	assert_int_equal(store_person_reactivate(f->st, "P001", DAY0 + 4, NOW,
						 ACTOR(ADMIN, 0)),
			 -EINVAL); /* would overlap */
	assert_int_equal(store_person_reactivate(f->st, "P404", DAY0 + 9, NOW,
						 ACTOR(ADMIN, 0)),
			 -ENOENT);
	assert_int_equal(store_person_reactivate(f->st, "P001", DAY0 + 10, NOW,
						 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_person_get(f->st, "P001", &p), 0);
	assert_int_equal(p.since, DAY0 + 10);
	assert_int_equal(p.until, PD_DAY_OPEN);
	assert_int_equal(store_period_each(f->st, collect_periods, periods), 0);
	assert_string_equal(periods, "P001:0-4 P001:10--1 ");
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'person' AND person = 'P001'"),
			 3);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE data LIKE "
			      "'v=2;action=deactivate;%until=2026-01-09;%'"),
			 1);
}

/* ---- prints ---- */

#define SECRET "FINGERPRINT-TEMPLATE-SECRET-BYTES-7f3a"

struct blobs {
	int n;
	char last[64];
	int64_t key;
};

static int collect_blob(void *ud, const struct print_rec *r,
			const uint8_t *blob, size_t len)
{
	struct blobs *b = ud;

	b->n++;
	b->key = r->key;
	assert_true(len < sizeof(b->last));
	memcpy(b->last, blob, len);
	b->last[len] = '\0';
	return 0;
}

static int count_meta(void *ud, const struct print_rec *r)
{
	(void)r;
	++*(int *)ud;
	return 0;
}

static bool file_has(const char *path, const char *needle)
{
	size_t len = 0;
	char *buf = testutil_slurp(path, &len);
	bool found;

	if (!buf)
		return false;
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static void test_store_print_encrypted_at_rest(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {.person = "P001",
			      .finger = "right-index",
			      .model = "virtual_device_storage/0"};
	struct blobs b = {0};
	char wal[600];
	int64_t key = 0;

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)SECRET,
					 strlen(SECRET), ACTOR(ADMIN, 0), NOW,
					 &key),
			 0);
	assert_true(key > 0);
	/* the plaintext is in neither the WAL nor, after close, the file */
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(file_has(wal, "TEMPLATE-SECRET"));
	store_close(f->st);
	f->st = NULL;
	assert_false(file_has(f->path, "TEMPLATE-SECRET"));
	assert_true(file_has(f->path, "right-index")); /* the file is real */
	assert_int_equal(q(f, "SELECT length(blob) FROM prints"),
			 (int64_t)strlen(SECRET) + CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
	assert_int_equal(store_print_each(f->st, collect_blob, &b), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.key, key);
	assert_string_equal(b.last, SECRET);
	assert_int_equal(
		q(f, "SELECT count(*) FROM audit WHERE action = "
		     "'print.add' AND subject = 'P001' AND detail = "
		     "'finger=right-index;model=virtual_device_storage/0'"),
		1);
}

static void test_store_print_tampered_or_wrong_key_is_ebadmsg(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {
		.person = "P001", .finger = "left-thumb", .model = "m"};
	struct blobs b = {0};
	int n = 0;

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)SECRET,
					 strlen(SECRET), ACTOR(ADMIN, 0), NOW,
					 NULL),
			 0);
	reopen(f, 0, key2);
	assert_int_equal(store_print_each(f->st, collect_blob, &b), -EBADMSG);
	assert_int_equal(b.n, 0);
	reopen(f, 0, key1);
	assert_int_equal(faultvfs_exec_sql(f->path, "UPDATE prints SET blob = "
						    "randomblob(length(blob))"),
			 0);
	assert_int_equal(store_print_each(f->st, collect_blob, &b), -EBADMSG);
	assert_int_equal(b.n, 0);
	/* metadata still lists it; no key needed */
	assert_int_equal(store_print_meta_each(f->st, count_meta, &n), 0);
	assert_int_equal(n, 1);
	reopen(f, STORE_RDONLY, NULL);
	assert_int_equal(store_print_each(f->st, collect_blob, &b), -EINVAL);
}

/* ---- prints bound to their person (AEAD, print facts) ---- */

struct bad_prints {
	int n;
	int64_t key[8];
	char person[8][PD_ID_MAX];
};

static int note_bad(void *ud, const struct print_rec *r)
{
	struct bad_prints *b = ud;

	assert_true(b->n < 8);
	b->key[b->n] = r->key;
	strcpy(b->person[b->n], r->person);
	b->n++;
	return 0;
}

struct good_and_bad {
	struct blobs good;
	struct bad_prints bad;
};

static int gb_good(void *ud, const struct print_rec *r, const uint8_t *blob,
		   size_t len)
{
	return collect_blob(&((struct good_and_bad *)ud)->good, r, blob, len);
}

static int gb_bad(void *ud, const struct print_rec *r)
{
	return note_bad(&((struct good_and_bad *)ud)->bad, r);
}

/* "UPDATE prints SET person = ..." made one finger punch as another, and
 * chain verify said OK.  The template is sealed to its person and print:
 * moved, it does not open (skipped and reported, the others still load),
 * and chain verify names the print. */
static void test_store_print_moved_to_another_person_is_caught(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {
		.person = "P001", .finger = "right-index", .model = "m"};
	struct good_and_bad gb = {0};
	int64_t k1 = 0, k2 = 0, bad = -1;
	char why[200] = "";

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)SECRET,
					 strlen(SECRET), ACTOR(ADMIN, 0), NOW,
					 &k1),
			 0);
	strcpy(r.person, "P002");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"other", 5,
					 ACTOR(ADMIN, 0), NOW, &k2),
			 0);
	/* each enrolment is a ledger fact, in the same transaction */
	assert_int_equal(
		q(f, "SELECT count(*) FROM ledger WHERE kind = 'print' AND "
		     "person = 'P001' AND data = 'v=2;action=enrol;print=1;"
		     "finger=right-index;model=m;consent=" PD_CONSENT_VERSION
		     ";by=" ADMIN ";uid=0'"),
		1);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
	assert_int_equal(faultvfs_exec_sql(f->path, "UPDATE prints SET person "
						    "= 'P002' WHERE id = 1"),
			 0);
	assert_int_equal(store_print_open_each(f->st, gb_good, gb_bad, &gb), 0);
	assert_int_equal(gb.good.n, 1);
	assert_int_equal(gb.good.key, k2);
	assert_string_equal(gb.good.last, "other");
	assert_int_equal(gb.bad.n, 1);
	assert_int_equal(gb.bad.key[0], k1);
	assert_string_equal(gb.bad.person[0], "P002");
	/* strict: the first that does not open stops the walk */
	memset(&gb, 0, sizeof(gb));
	assert_int_equal(store_print_each(f->st, gb_good, &gb), -EBADMSG);
	assert_int_equal(
		store_chain_verify(f->st, NULL, &bad, why, sizeof(why)),
		-EBADMSG);
	assert_int_equal(bad, 3); /* print 1's enrol row */
	assert_string_equal(why, "print 1: the prints row (person P002) "
				 "differs from its print enrol row (person "
				 "P001)");
}

/* Deleting prints (a person deactivated, a print replaced by a new
 * enrolment) is a ledger fact per print; ids are never reused. */
static void test_store_print_deletions_are_ledger_facts(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {
		.person = "P001", .finger = "right-index", .model = "m"};
	struct blobs b = {0};
	int64_t k1 = 0, k2 = 0, k3 = 0;

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"one", 3,
					 ACTOR(ADMIN, 0), NOW, &k1),
			 0);
	/* a replacement: the same person's only */
	r.replaces = k1;
	strcpy(r.person, "P002");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"x", 1,
					 ACTOR(ADMIN, 0), NOW, NULL),
			 -EINVAL);
	strcpy(r.person, "P001");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"two", 3,
					 ACTOR(ADMIN, 0), NOW, &k2),
			 0);
	assert_true(k2 > k1);
	assert_int_equal(store_print_each(f->st, collect_blob, &b), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.last, "two");
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'print' AND data LIKE 'v=2;action=delete;"
			      "print=1;%;reason=replaced by print 2;%'"),
			 1);
	/* the last print deleted: its id is not given again */
	r.replaces = 0;
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0 + 3, NOW,
						 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'print' AND data LIKE 'v=2;action=delete;"
			      "print=2;%;reason=person deactivated;%'"),
			 1);
	strcpy(r.person, "P002");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"three", 5,
					 ACTOR(ADMIN, 0), NOW, &k3),
			 0);
	assert_int_equal(k3, 3);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

/* A store of schema 4 holds templates sealed with secretbox and no print
 * facts.  The first open migrates it: each print gets its "print enrol"
 * row (consent "migrated", by presensid), and the templates the key opens
 * are re-sealed with AEAD; those it does not open stay, reported, until
 * the right key comes. */
static void test_store_open_migrates_schema_4_prints(void **state)
{
	struct fx *f = *state;
	uint8_t box[sizeof(SECRET) - 1 + CRYPTO_SEAL_OVERHEAD];
	char hex[2 * sizeof(box) + 1], sql[1024];
	struct good_and_bad gb = {0};

	add_person(f->st, "P001", DAY0);
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(crypto_seal(key1, (const uint8_t *)SECRET,
				     strlen(SECRET), box, sizeof(box)),
			 0);
	crypto_hex_encode(box, sizeof(box), hex);
	snprintf(sql, sizeof(sql),
		 DROP_V7 "INSERT INTO prints(id, person, finger, model,"
			 " created_utc, blob) VALUES(4, 'P001', 'left-index',"
			 " 'virtual_image/0', 0, x'%s');"
			 "PRAGMA user_version = 6;",
		 hex);
	assert_int_equal(faultvfs_exec_sql(f->path, sql), 0);
	/* opened first with another key: the facts, but no re-seal */
	assert_int_equal(store_open(f->path, NULL, 0, key2, &f->st), 0);
	assert_int_equal(q(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(
		q(f, "SELECT count(*) FROM ledger WHERE kind = 'print' AND "
		     "person = 'P001' AND data LIKE 'v=2;action=enrol;print=4;"
		     "finger=left-index;model=virtual_image/0;"
		     "consent=migrated;by=presensid;uid=%'"),
		1);
	assert_int_equal(q(f, "SELECT seal FROM prints WHERE id = 4"), 1);
	assert_int_equal(store_print_open_each(f->st, gb_good, gb_bad, &gb), 0);
	assert_int_equal(gb.good.n, 0);
	assert_int_equal(gb.bad.n, 1);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
	/* the right key: re-sealed, bound, and it opens */
	reopen(f, 0, key1);
	assert_int_equal(q(f, "SELECT seal FROM prints WHERE id = 4"), 2);
	memset(&gb, 0, sizeof(gb));
	assert_int_equal(store_print_open_each(f->st, gb_good, gb_bad, &gb), 0);
	assert_int_equal(gb.good.n, 1);
	assert_string_equal(gb.good.last, SECRET);
	assert_int_equal(gb.bad.n, 0);
	/* one migration only: no second row at the next open */
	reopen(f, 0, key1);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'print'"),
			 1);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
	/* and a new print gets the next id, never a migrated one's */
	{
		struct print_rec r = {
			.person = "P001", .finger = "left-thumb", .model = "m"};
		int64_t k = 0;

		assert_int_equal(store_print_add(f->st, &r,
						 (const uint8_t *)"t", 1,
						 ACTOR(ADMIN, 0), NOW, &k),
				 0);
		assert_int_equal(k, 5);
	}
}

static void test_store_print_add_bad_input_is_rejected(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {.person = "P001", .finger = "right-index"};
	uint8_t blob[4] = {1, 2, 3, 4};

	assert_int_equal(store_print_add(f->st, &r, blob, sizeof(blob),
					 ACTOR(ADMIN, 0), NOW, NULL),
			 -ENOENT); /* no such person */
	add_person(f->st, "P001", DAY0);
	assert_int_equal(
		store_print_add(f->st, &r, blob, 0, ACTOR(ADMIN, 0), NOW, NULL),
		-EINVAL);
	strcpy(r.finger, "");
	assert_int_equal(store_print_add(f->st, &r, blob, sizeof(blob),
					 ACTOR(ADMIN, 0), NOW, NULL),
			 -EINVAL);
	strcpy(r.finger, "right-index");
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0, NOW,
						 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_print_add(f->st, &r, blob, sizeof(blob),
					 ACTOR(ADMIN, 0), NOW, NULL),
			 -EINVAL); /* inactive people do not enrol */
}

static void test_store_deactivate_deletes_prints_with_audit(void **state)
{
	struct fx *f = *state;
	struct print_rec r = {.person = "P001", .model = "m"};
	struct blobs b = {0};
	struct person p;
	int n = 0;

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	strcpy(r.finger, "right-index");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)SECRET,
					 strlen(SECRET), ACTOR(ADMIN, 0), NOW,
					 NULL),
			 0);
	strcpy(r.finger, "left-index");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)SECRET,
					 strlen(SECRET), ACTOR(ADMIN, 0), NOW,
					 NULL),
			 0);
	strcpy(r.person, "P002");
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"other", 5,
					 ACTOR(ADMIN, 0), NOW, NULL),
			 0);
	assert_int_equal(store_person_get(f->st, "P001", &p), 0);
	assert_int_equal(p.nprints, 2);
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0 + 3, NOW,
						 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_person_get(f->st, "P001", &p), 0);
	assert_int_equal(p.nprints, 0);
	assert_int_equal(p.until, DAY0 + 3);
	assert_int_equal(store_print_meta_each(f->st, count_meta, &n), 0);
	assert_int_equal(n, 1); /* P002's stays */
	assert_int_equal(store_print_each(f->st, collect_blob, &b), 0);
	assert_string_equal(b.last, "other");
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'print.delete' AND subject = 'P001' AND "
			      "detail = 'count=2' AND actor = '" ADMIN "'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM prints WHERE person = "
			      "'P001'"),
			 0);
}

/* ---- punches ---- */

struct plist {
	int n;
	int64_t seq[16];
	char who[16][PD_ID_MAX];
	int64_t at[16];
	unsigned int flags[16];
};

static int collect_punch(void *ud, const struct punch *p)
{
	struct plist *l = ud;

	assert_true(l->n < 16);
	l->seq[l->n] = p->seq;
	strcpy(l->who[l->n], p->person);
	l->at[l->n] = p->at_utc;
	l->flags[l->n] = p->flags;
	l->n++;
	return 0;
}

static void test_store_punch_each_orders_by_person_time_seq(void **state)
{
	struct fx *f = *state;
	struct plist l = {0};
	int64_t s[6];

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	s[0] = add_punch(f->st, "P002", T0 + 3600, 0);
	s[1] = add_punch(f->st, "P001", T0 + 7200, 0);
	s[2] = add_punch(f->st, "P001", T0 + 3600, 0);
	s[3] = add_punch(f->st, "P001", T0 + 3600, PUNCH_F_SUPPRESSED);
	s[4] = add_punch(f->st, "P001", T0 + 86400 * 2, 0); /* DAY0 + 2 */
	s[5] = add_punch(f->st, "P002", T0 - 86400, 0);	    /* DAY0 - 1 */
	assert_int_equal(store_punch_each(f->st, DAY0, DAY0 + 1, NULL,
					  collect_punch, &l),
			 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.seq[0], s[2]);
	assert_int_equal(l.seq[1], s[3]); /* same instant: seq order */
	assert_int_equal(l.seq[2], s[1]);
	assert_int_equal(l.seq[3], s[0]);
	assert_string_equal(l.who[3], "P002");
	assert_int_equal(l.flags[1], PUNCH_F_SUPPRESSED);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_punch_each(f->st, DAY0 - 1, DAY0 + 2, "P002",
					  collect_punch, &l),
			 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], s[5]);
	assert_int_equal(l.seq[1], s[0]);
}

struct slist {
	int n;
	const char *ptr[16]; /* the person pointer as passed */
	char who[16][PD_ID_MAX];
	pd_day_t day[16];
	int32_t sec[16];
	unsigned int flags[16];
	int stop_at; /* return 7 on this call (1-based), 0 never */
};

static int collect_scan(void *ud, const char *person, pd_day_t day, int32_t sec,
			unsigned int flags)
{
	struct slist *l = ud;

	assert_true(l->n < 16);
	/* the previous person's string is still intact */
	if (l->n)
		assert_string_equal(l->ptr[l->n - 1], l->who[l->n - 1]);
	l->ptr[l->n] = person;
	snprintf(l->who[l->n], sizeof(l->who[0]), "%s", person);
	l->day[l->n] = day;
	l->sec[l->n] = sec;
	l->flags[l->n] = flags;
	return ++l->n == l->stop_at ? 7 : 0;
}

/* Scan and store_punch_each list the same punches in the same order. */
static void assert_scan_matches_each(struct store *st, pd_day_t from,
				     pd_day_t to, const char *person)
{
	struct plist e = {0};
	struct slist l = {0};

	assert_int_equal(
		store_punch_each(st, from, to, person, collect_punch, &e), 0);
	assert_int_equal(
		store_punch_scan(st, from, to, person, collect_scan, &l), 0);
	assert_int_equal(l.n, e.n);
	for (int i = 0; i < l.n; i++) {
		struct punch p = mkpunch(e.who[i], e.at[i], e.flags[i]);

		assert_string_equal(l.who[i], e.who[i]);
		assert_int_equal(l.day[i], p.local_day);
		assert_int_equal(l.sec[i], p.local_sec);
		assert_int_equal(l.flags[i], e.flags[i]);
	}
}

static void test_store_punch_scan_orders_by_person_day_sec_seq(void **state)
{
	struct fx *f = *state;
	struct slist l = {0};

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	add_person(f->st, "P003", DAY0); /* no punch at all */
	add_person(f->st, "P004", DAY0); /* punches outside the range only */
	add_person(f->st, "P10", DAY0);	 /* after "P004": strcmp order */
	add_punch(f->st, "P002", T0 + 3600, 0);
	add_punch(f->st, "P001", T0 + 7200, PUNCH_F_UNTRUSTED);
	add_punch(f->st, "P001", T0 + 3600, 0);
	add_punch(f->st, "P001", T0 + 3600, PUNCH_F_SUPPRESSED);
	add_punch(f->st, "P001", T0 + 86400 * 2, 0);	  /* DAY0 + 2 */
	add_punch(f->st, "P002", T0 - 86400, 0);	  /* DAY0 - 1 */
	add_punch(f->st, "P004", T0 + 86400 * 5, 0);	  /* DAY0 + 5 */
	add_punch(f->st, "P10", T0 + 86400 + 60, 0);	  /* DAY0 + 1 */
	add_punch(f->st, "P10", T0 + 60, PUNCH_F_MANUAL); /* DAY0 */

	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0 + 1, NULL, collect_scan, &l),
		0);
	assert_int_equal(l.n, 6);
	/* P001's three on DAY0 by second, then seq; then P002; then P10 */
	assert_string_equal(l.who[0], "P001");
	assert_int_equal(l.day[0], DAY0);
	assert_int_equal(l.sec[0], 7 * 3600 + 3600);
	assert_int_equal(l.flags[0], 0);
	assert_int_equal(l.sec[1], 7 * 3600 + 3600);
	assert_int_equal(l.flags[1], PUNCH_F_SUPPRESSED); /* later seq */
	assert_int_equal(l.sec[2], 7 * 3600 + 7200);
	assert_int_equal(l.flags[2], PUNCH_F_UNTRUSTED);
	assert_string_equal(l.who[3], "P002");
	assert_string_equal(l.who[4], "P10");
	assert_int_equal(l.day[4], DAY0);
	assert_int_equal(l.flags[4], PUNCH_F_MANUAL);
	assert_int_equal(l.day[5], DAY0 + 1);
	/* one pointer per person, a new one for each new person */
	assert_ptr_equal(l.ptr[0], l.ptr[1]);
	assert_ptr_equal(l.ptr[1], l.ptr[2]);
	assert_ptr_not_equal(l.ptr[2], l.ptr[3]);
	assert_ptr_not_equal(l.ptr[3], l.ptr[4]);
	assert_ptr_equal(l.ptr[4], l.ptr[5]);

	/* one person: only theirs, the caller's pointer every time */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_punch_scan(f->st, DAY0 - 1, DAY0 + 2, "P002",
					  collect_scan, &l),
			 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.day[0], DAY0 - 1);
	assert_int_equal(l.day[1], DAY0);
	assert_ptr_equal(l.ptr[0], l.ptr[1]);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_punch_scan(f->st, DAY0, DAY0 + 9, "P003",
					  collect_scan, &l),
			 0);
	assert_int_equal(l.n, 0);

	/* a callback's non-zero value stops the scan and comes back */
	memset(&l, 0, sizeof(l));
	l.stop_at = 4;
	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0 + 1, NULL, collect_scan, &l),
		7);
	assert_int_equal(l.n, 4);

	/* the same punches, in the same order, as store_punch_each */
	assert_scan_matches_each(f->st, DAY0 - 1, DAY0 + 5, NULL);
	assert_scan_matches_each(f->st, DAY0, DAY0, NULL);
	assert_scan_matches_each(f->st, DAY0 + 3, DAY0 + 4, NULL);
	assert_scan_matches_each(f->st, DAY0 - 1, DAY0 + 5, "P001");
	assert_scan_matches_each(f->st, DAY0 - 1, DAY0 + 5, "P999");
}

static void test_store_punch_scan_inside_bulk_and_read_only(void **state)
{
	struct fx *f = *state;
	int n = 0;

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_bulk_begin(f->st), 0);
	add_punch(f->st, "P001", T0 + 3600, 0);
	add_punch(f->st, "P001", T0 + 7200, 0);
	/* sees the bulk's own rows and leaves its transaction open */
	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0, NULL, count_scan, &n), 0);
	assert_int_equal(n, 2);
	add_punch(f->st, "P001", T0 + 9000, 0);
	assert_int_equal(store_bulk_end(f->st), 0);
	reopen(f, STORE_RDONLY, NULL);
	n = 0;
	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0, NULL, count_scan, &n), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(
		store_punch_scan(f->st, DAY0, DAY0, "P001", count_scan, &n), 0);
	assert_int_equal(n, 3);
}

static void test_store_punch_round_trips_every_field(void **state)
{
	struct fx *f = *state;
	struct punch in =
		mkpunch("P001", T0 + 99,
			PUNCH_F_MANUAL | PUNCH_F_UNTRUSTED | PUNCH_F_BACKWARD);
	struct punch out;
	struct plist l = {0};

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_punch_add(f->st, &in, NOW), 0);
	assert_int_equal(
		store_punch_each(f->st, DAY0, DAY0, "P001", collect_punch, &l),
		0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.seq[0], in.seq);
	/* full record via the ledger's data, which mirrors the row */
	assert_int_equal(q(f,
			   "SELECT count(*) FROM ledger WHERE kind = "
			   "'punch' AND data = 'v=2;day=2026-01-05;sec=25299;"
			   "flags=untrusted+manual+backward;source=manual;"
			   "reader=;clock=ntp;boot=6f1c2d3e-0000-4000-8000-"
			   "0123456789ab;mono=17675712990;reason=alat rusak, "
			   "presensi manual;by=" ADMIN ";uid=0'"),
			 1);
	(void)out;
}

static void test_store_punch_last_accepted_ignores_suppressed(void **state)
{
	struct fx *f = *state;
	int64_t at = 0;

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	assert_int_equal(store_punch_last_accepted(f->st, "P001", &at),
			 -ENOENT);
	add_punch(f->st, "P001", T0 + 100, PUNCH_F_SUPPRESSED);
	assert_int_equal(store_punch_last_accepted(f->st, "P001", &at),
			 -ENOENT);
	add_punch(f->st, "P001", T0 + 200, PUNCH_F_UNTRUSTED);
	add_punch(f->st, "P001", T0 + 250, PUNCH_F_SUPPRESSED);
	add_punch(f->st, "P002", T0 + 900, 0);
	assert_int_equal(store_punch_last_accepted(f->st, "P001", &at), 0);
	assert_int_equal(at, T0 + 200);
}

static void test_store_punch_add_bad_input_is_rejected(void **state)
{
	struct fx *f = *state;
	struct punch p;

	add_person(f->st, "P001", DAY0);
	p = mkpunch("P404", T0, 0);
	assert_int_equal(store_punch_add(f->st, &p, NOW), -ENOENT);
	p = mkpunch("P001", T0, 0x100);
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	p = mkpunch("P001", T0, PUNCH_F_MANUAL);
	p.reason[0] = '\0';
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	p = mkpunch("P001", T0, PUNCH_F_MANUAL);
	p.by[0] = '\0';
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	p = mkpunch("P001", NOW + 1, PUNCH_F_MANUAL); /* in the future */
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	p = mkpunch("P001", T0, 0);
	strcpy(p.source, "manual"); /* without the flag */
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	p = mkpunch("P001", T0, 0);
	p.local_sec = 86400;
	assert_int_equal(store_punch_add(f->st, &p, NOW), -EINVAL);
	assert_int_equal(q(f, "SELECT count(*) FROM punches"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 1);
}

/* ---- read-only ---- */

static void test_store_rdonly_refuses_every_write(void **state)
{
	struct fx *f = *state;
	struct person p = {.id = "P009", .name = "X", .since = DAY0};
	struct print_rec r = {.person = "P001", .finger = "right-index"};
	struct punch pu = mkpunch("P001", T0, 0);
	struct excuse e = mkexcuse("P001", DAY0, DAY0, "izin");
	struct plist l = {0};
	char v[PD_HASH_HEX], out[32];
	int64_t n = -1;

	add_person(f->st, "P001", DAY0);
	add_punch(f->st, "P001", T0 + 5, 0);
	assert_int_equal(store_meta_set(f->st, "desa", "3517012001"), 0);
	reopen(f, STORE_RDONLY, NULL);
	version_of(PROFILE_TEXT, v);
	assert_int_equal(store_person_add(f->st, &p, NOW, ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_person_deactivate(f->st, "P001", DAY0, NOW,
						 ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_person_reactivate(f->st, "P001", DAY0, NOW,
						 ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_print_add(f->st, &r, (const uint8_t *)"x", 1,
					 ACTOR(ADMIN, 0), NOW, NULL),
			 -EROFS);
	assert_int_equal(store_punch_add(f->st, &pu, NOW), -EROFS);
	assert_int_equal(store_counter_add(f->st, "unknown_finger", 1), -EROFS);
	assert_int_equal(store_meta_set(f->st, "k", "v"), -EROFS);
	assert_int_equal(
		store_audit_add(f->st, NOW, ACTOR(ADMIN, 0), "x", "", ""),
		-EROFS);
	assert_int_equal(store_profile_add(f->st, DAY0, v, "p", PROFILE_TEXT,
					   NOW, ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_calendar_add(f->st, v, "c", PROFILE_TEXT, NOW,
					    ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_calendar_day_add(f->st, DAY0, STORE_DAY_LIBUR,
						"x", NOW, ACTOR(ADMIN, 0)),
			 -EROFS);
	assert_int_equal(store_excuse_add(f->st, &e, NOW), -EROFS);
	assert_int_equal(
		store_excuse_revoke(f->st, 1, "r", ACTOR(ADMIN, 0), NOW),
		-EROFS);
	/* reads work */
	assert_int_equal(
		store_punch_each(f->st, DAY0, DAY0, NULL, collect_punch, &l),
		0);
	assert_int_equal(l.n, 1);
	assert_int_equal(store_meta_get(f->st, "desa", out, sizeof(out)), 0);
	assert_string_equal(out, "3517012001");
	assert_int_equal(store_chain_verify(f->st, &n, NULL, NULL, 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 2);
}

/* ---- counters, meta, audit ---- */

static void test_store_counters_and_meta(void **state)
{
	struct fx *f = *state;
	char buf[8] = "x";
	int64_t v = -1;

	assert_int_equal(store_counter_get(f->st, "unknown_finger", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(store_counter_add(f->st, "unknown_finger", 1), 0);
	assert_int_equal(store_counter_add(f->st, "unknown_finger", 2), 0);
	assert_int_equal(store_counter_add(f->st, "scanner_retry", 5), 0);
	assert_int_equal(store_counter_get(f->st, "unknown_finger", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(store_meta_get(f->st, "desa", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(store_meta_set(f->st, "desa", "Perak"), 0);
	assert_int_equal(store_meta_set(f->st, "desa", "Pucuk"), 0);
	assert_int_equal(store_meta_get(f->st, "desa", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Pucuk");
	assert_int_equal(store_meta_set(f->st, "long", "12345678"), 0);
	assert_int_equal(store_meta_get(f->st, "long", buf, sizeof(buf)),
			 -ENAMETOOLONG);
	assert_string_equal(buf, "Pucuk");
	assert_int_equal(store_audit_add(f->st, NOW, ACTOR(ADMIN, 0),
					 "export.usb", "", "month=2026-01"),
			 0);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = "
			      "'export.usb' AND detail = 'month=2026-01'"),
			 1);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 0);
}

/* ---- profiles and calendars ---- */

struct texts {
	int n;
	char line[8][160];
};

static int collect_profile(void *ud, pd_day_t from, const char *version,
			   const char *name, const char *text, int64_t seq)
{
	struct texts *t = ud;

	snprintf(t->line[t->n++], sizeof(t->line[0]), "%d %.8s %s %zu %lld",
		 from - DAY0, version, name, strlen(text), (long long)seq);
	return 0;
}

static void test_store_profile_add_and_each(void **state)
{
	struct fx *f = *state;
	struct texts t = {0};
	const char *b = "[profile]\nname = Bondowoso 48/2023\n";
	char va[PD_HASH_HEX], vb[PD_HASH_HEX];

	version_of(PROFILE_TEXT, va);
	version_of(b, vb);
	assert_int_equal(store_profile_add(f->st, DAY0 + 10, vb, "Bondowoso", b,
					   NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_profile_add(f->st, DAY0, va, "PPU", PROFILE_TEXT,
					   NOW, ACTOR("", 0)),
			 0);
	assert_int_equal(store_profile_add(f->st, DAY0 + 10, va, "PPU again",
					   PROFILE_TEXT, NOW, ACTOR(ADMIN, 0)),
			 0);
	/* the version must be the SHA-256 of the text */
	assert_int_equal(store_profile_add(f->st, DAY0, vb, "PPU", PROFILE_TEXT,
					   NOW, ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_profile_add(f->st, DAY0, "abc", "PPU",
					   PROFILE_TEXT, NOW, ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_profile_each(f->st, collect_profile, &t), 0);
	assert_int_equal(t.n, 3);
	{
		char want[3][160];

		snprintf(want[0], sizeof(want[0]), "0 %.8s PPU %zu 2", va,
			 strlen(PROFILE_TEXT));
		snprintf(want[1], sizeof(want[1]), "10 %.8s Bondowoso %zu 1",
			 vb, strlen(b));
		snprintf(want[2], sizeof(want[2]), "10 %.8s PPU again %zu 3",
			 va, strlen(PROFILE_TEXT));
		for (int i = 0; i < 3; i++)
			assert_string_equal(t.line[i], want[i]);
	}
	assert_int_equal(
		q(f, "SELECT count(*) FROM ledger WHERE kind = "
		     "'profile' AND person = '' AND data LIKE "
		     "'v=2;from=2026-01-15;version=%;name=Bondowoso;by=%'"),
		1);
}

static int collect_cal_file(void *ud, int64_t seq, const char *version,
			    const char *name, const char *text)
{
	struct texts *t = ud;

	snprintf(t->line[t->n++], sizeof(t->line[0]), "%lld file %s %.8s %zu",
		 (long long)seq, name, version, strlen(text));
	return 0;
}

static int collect_cal_day(void *ud, int64_t seq, pd_day_t day,
			   const char *action, const char *kind,
			   const char *name)
{
	struct texts *t = ud;

	snprintf(t->line[t->n++], sizeof(t->line[0]), "%lld %s %d %s %s",
		 (long long)seq, strcmp(action, "add") == 0 ? "day" : action,
		 day - DAY0, kind, name);
	return 0;
}

static void test_store_calendar_files_and_days_in_seq_order(void **state)
{
	struct fx *f = *state;
	struct texts t = {0};
	char v[PD_HASH_HEX], want[160];

	version_of(CALENDAR_TEXT, v);
	assert_int_equal(store_calendar_day_add(f->st, DAY0 + 1,
						STORE_DAY_LOKAL, "Hari Jadi",
						NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_calendar_add(f->st, v, "SKB 2026", CALENDAR_TEXT,
					    NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(
		store_calendar_day_add(f->st, DAY0 + 2, STORE_DAY_CUTI_BERSAMA,
				       "Cuti; geser", NOW, ACTOR(ADMIN, 0)),
		0);
	assert_int_equal(store_calendar_day_add(f->st, DAY0, "kerja", "x", NOW,
						ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_calendar_day_add(f->st, DAY0, STORE_DAY_LIBUR,
						"", NOW, ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_calendar_each(f->st, collect_cal_file,
					     collect_cal_day, &t),
			 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.line[0], "1 day 1 lokal Hari Jadi");
	snprintf(want, sizeof(want), "2 file SKB 2026 %.8s %zu", v,
		 strlen(CALENDAR_TEXT));
	assert_string_equal(t.line[1], want);
	assert_string_equal(t.line[2], "3 day 2 cuti_bersama Cuti; geser");
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_calendar_each(f->st, NULL, collect_cal_day, &t),
			 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'calendar' AND data = 'v=2;action=add;"
			      "day=2026-01-07;kind=cuti_bersama;"
			      "name=Cuti%3B geser;by=" ADMIN ";uid=0'"),
			 1);
}

/* ---- month checkpoints, retroactive imports, removed days ---- */

/* Schema 5 (retroactive imports, removed days): the rows a schema-4
 * program left keep verifying, and added days read back as "add". */
static void test_store_open_migrates_schema_4_database(void **state)
{
	struct fx *f = *state;
	struct texts t = {0};
	char v[PD_HASH_HEX];

	/* what a schema-4 program could write: no prints, whose facts came
	 * with schema 7 and cannot be taken back out of the ledger */
	add_person(f->st, "P001", DAY0 - 30); /* 1 */
	version_of(CALENDAR_TEXT, v);
	assert_int_equal(store_calendar_add(f->st, v, "SKB 2026", CALENDAR_TEXT,
					    NOW, ACTOR(ADMIN, 0)),
			 0); /* 2 */
	assert_int_equal(store_calendar_day_add(
				 f->st, DAY0 + 2, STORE_DAY_LOKAL,
				 "Hari Jadi Kabupaten", NOW, ACTOR(ADMIN, 0)),
			 0); /* 3 */
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(faultvfs_exec_sql(
				 f->path, DROP_V7 DROP_V6_TABLES DROP_V5_COLUMNS
				 "PRAGMA user_version = 4;"),
			 0);
	assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
	assert_int_equal(q(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(store_calendar_each(f->st, NULL, collect_cal_day, &t),
			 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.line[0], "3 day 2 lokal Hari Jadi Kabupaten");
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

static int64_t verify_rows(struct fx *f)
{
	int64_t rows = -1, bad = -1;
	char why[160] = "";

	if (store_chain_verify(f->st, &rows, &bad, why, sizeof(why)) != 0)
		fail_msg("chain broken at %lld: %s", (long long)bad, why);
	return rows;
}

/* Closes month through the store as presensid's close does, with a
 * minimal frozen bundle (test_store_checkpoint.c tests the close itself). */
static int close_month_as(struct store *st, const char *month, int64_t now)
{
	static const struct store_frozen_file file = {"rekap.csv", "", "x", 1};
	static const struct store_frozen fz = {
		"3517012001",
		"Desa Uji",
		"Pucuk",
		"presensi test",
		"00000000000000000000000000000000000000000000000000000000000000"
		"00",
		&file,
		1,
	};
	struct ledger_checkpoint cp = {.auto_close = 0};
	int64_t seq;

	snprintf(cp.month, sizeof(cp.month), "%s", month);
	return store_checkpoint_add(st, &cp, &fz, ACTOR("sekdes", 0), now,
				    &seq);
}

static int collect_retro(void *ud, int64_t seq, pd_day_t from_day,
			 pd_day_t on_day, const char *version, const char *name,
			 const char *reason, const char *by)
{
	struct texts *t = ud;

	snprintf(t->line[t->n++], sizeof(t->line[0]),
		 "%lld %d %d %.8s %s %s %s", (long long)seq, from_day - DAY0,
		 on_day - DAY0, version, name, reason, by);
	return 0;
}

static void test_store_profile_never_reaches_into_a_closed_month(void **state)
{
	struct fx *f = *state;
	struct texts t = {0};
	pd_day_t feb1 = DAY0 + 27, feb10 = DAY0 + 36;
	char v[PD_HASH_HEX], want[160];

	version_of(PROFILE_TEXT, v);
	assert_int_equal(close_month_as(f->st, "2026-01", NOW), 0);
	/* 2026-01 is closed: no profile may judge its days again */
	assert_int_equal(store_profile_add(f->st, DAY0, v, "PPU", PROFILE_TEXT,
					   NOW, ACTOR(ADMIN, 0)),
			 -EPERM);
	assert_int_equal(store_profile_add_retroactive(
				 f->st, DAY0 + 26, v, "PPU", PROFILE_TEXT,
				 feb10, "Perbup 3/2026", NOW, ACTOR(ADMIN, 0)),
			 -EPERM);
	/* a retroactive import needs a reason and an earlier from */
	assert_int_equal(store_profile_add_retroactive(f->st, feb1, v, "PPU",
						       PROFILE_TEXT, feb10, "",
						       NOW, ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_profile_add_retroactive(
				 f->st, feb10, v, "PPU", PROFILE_TEXT, feb10,
				 "Perbup 3/2026", NOW, ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger"), 1);
	assert_int_equal(store_profile_add_retroactive(
				 f->st, feb1, v, "PPU", PROFILE_TEXT, feb10,
				 "Perbup 3/2026; berlaku surut", NOW,
				 ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_profile_add(f->st, feb10, v, "PPU lagi",
					   PROFILE_TEXT, NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(
		q(f,
		  "SELECT count(*) FROM ledger WHERE kind = 'profile' AND "
		  "data LIKE 'v=2;from=2026-02-01;version=%;name=PPU;by=" ADMIN
		  ";uid=0;retroactive=1;on=2026-02-10;"
		  "reason=Perbup 3/2026%3B berlaku surut'"),
		1);
	assert_int_equal(store_profile_retro_each(f->st, collect_retro, &t), 0);
	assert_int_equal(t.n, 1);
	snprintf(want, sizeof(want),
		 "2 27 36 %.8s PPU Perbup 3/2026; berlaku surut " ADMIN, v);
	assert_string_equal(t.line[0], want);
	assert_int_equal(verify_rows(f), 3);
	/* the side row's retroactive fields are held against the ledger */
	assert_int_equal(faultvfs_exec_sql(f->path,
					   "UPDATE profiles SET retro_on = "
					   "retro_on + 1 WHERE seq = 2"),
			 0);
	{
		int64_t rows, bad = 0;
		char why[160];

		reopen(f, 0, key1);
		assert_int_equal(store_chain_verify(f->st, &rows, &bad, why,
						    sizeof(why)),
				 -EBADMSG);
		assert_int_equal(bad, 2);
	}
}

static void test_store_calendar_day_remove_is_a_ledger_row(void **state)
{
	struct fx *f = *state;
	struct texts t = {0};

	assert_int_equal(store_calendar_day_add(f->st, DAY0 + 1,
						STORE_DAY_LIBUR, "Isra Mikraj",
						NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_calendar_day_remove(f->st, DAY0 + 1, "", NOW,
						   ACTOR(ADMIN, 0)),
			 -EINVAL);
	assert_int_equal(store_calendar_day_remove(f->st, DAY0 + 1,
						   "sidang isbat: 7 Januari",
						   NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_calendar_each(f->st, NULL, collect_cal_day, &t),
			 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.line[0], "1 day 1 libur Isra Mikraj");
	assert_string_equal(t.line[1], "2 remove 1  ");
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'calendar' AND data = 'v=2;action=remove;"
			      "day=2026-01-06;reason=sidang isbat: 7 Januari;"
			      "by=" ADMIN ";uid=0'"),
			 1);
	assert_int_equal(verify_rows(f), 2);
}

/* ---- excuses ---- */

struct elist {
	int n;
	struct excuse e[8];
};

static int collect_excuse(void *ud, const struct excuse *e)
{
	struct elist *l = ud;

	assert_true(l->n < 8);
	l->e[l->n++] = *e;
	return 0;
}

static void test_store_excuse_add_validates(void **state)
{
	static const struct {
		const char *person, *kind, *part, *doc, *by;
		int from, to;
		int want;
	} rows[] = {
		{"P001", "sakit", "", "", ADMIN, 0, 2, 0},
		{"P001", "izin", "terlambat", "", ADMIN, 1, 1, 0},
		{"P001", "izin", "pulang-cepat", "", ADMIN, 1, 1, 0},
		{"P001", "dinas-luar", "", "ST/1/2026", ADMIN, 3, 4, 0},
		{"P001", "alat-rusak", "", "", ADMIN, 5, 5, 0},
		{"P001", "cuti", "", "", ADMIN, 6, 9, 0},
		{"P001", "libur", "", "", ADMIN, 0, 0, -EINVAL},
		{"P001", "izin", "siang", "", ADMIN, 0, 0, -EINVAL},
		{"P001", "izin", "terlambat", "", ADMIN, 0, 1, -EINVAL},
		{"P001", "sakit", "", "", ADMIN, 2, 1, -EINVAL},
		{"P001", "dinas-luar", "", "", ADMIN, 3, 3, -EINVAL},
		{"P001", "sakit", "", "", "", 0, 0, -EINVAL},
		{"P404", "sakit", "", "", ADMIN, 0, 0, -ENOENT},
	};
	struct fx *f = *state;

	add_person(f->st, "P001", DAY0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct excuse e = mkexcuse(rows[i].person, DAY0 + rows[i].from,
					   DAY0 + rows[i].to, rows[i].kind);

		strcpy(e.part, rows[i].part);
		strcpy(e.document, rows[i].doc);
		strcpy(e.by, rows[i].by);
		e.id = -7;
		assert_int_equal(store_excuse_add(f->st, &e, NOW),
				 rows[i].want);
		if (rows[i].want == 0)
			assert_true(e.id > 1);
		else
			assert_int_equal(e.id, -7);
	}
	assert_int_equal(q(f, "SELECT count(*) FROM excuses"), 6);
}

static void test_store_excuse_each_and_revoke(void **state)
{
	struct fx *f = *state;
	struct excuse a = mkexcuse("P002", DAY0, DAY0 + 4, "sakit");
	struct excuse b = mkexcuse("P001", DAY0 + 3, DAY0 + 3, "izin");
	struct excuse c = mkexcuse("P001", DAY0 + 10, DAY0 + 12, "cuti");
	struct elist l = {0};

	add_person(f->st, "P001", DAY0);
	add_person(f->st, "P002", DAY0);
	assert_int_equal(store_excuse_add(f->st, &a, NOW), 0);
	assert_int_equal(store_excuse_add(f->st, &b, NOW), 0);
	assert_int_equal(store_excuse_add(f->st, &c, NOW), 0);
	/* overlap with [DAY0+3, DAY0+10]: all three, person order */
	assert_int_equal(store_excuse_each(f->st, DAY0 + 3, DAY0 + 10, NULL,
					   collect_excuse, &l),
			 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.e[0].id, b.id);
	assert_int_equal(l.e[1].id, c.id);
	assert_int_equal(l.e[2].id, a.id);
	assert_string_equal(l.e[2].reason, "surat dokter; demam");
	assert_false(l.e[2].revoked);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_excuse_each(f->st, DAY0 + 5, DAY0 + 9, NULL,
					   collect_excuse, &l),
			 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(
		store_excuse_revoke(f->st, a.id, "", ACTOR(ADMIN, 0), NOW),
		-EINVAL);
	assert_int_equal(
		store_excuse_revoke(f->st, 999, "salah", ACTOR(ADMIN, 0), NOW),
		-ENOENT);
	assert_int_equal(store_excuse_revoke(f->st, a.id, "salah input",
					     ACTOR(ADMIN, 0), NOW),
			 0);
	assert_int_equal(
		store_excuse_revoke(f->st, a.id, "lagi", ACTOR(ADMIN, 0), NOW),
		-EALREADY);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_excuse_each(f->st, DAY0, DAY0 + 30, "P002",
					   collect_excuse, &l),
			 0);
	assert_int_equal(l.n, 1);
	assert_true(l.e[0].revoked);
	assert_string_equal(l.e[0].revoke_reason, "salah input");
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE kind = "
			      "'revoke' AND person = 'P002'"),
			 1);
}

/* ---- ledger and chain ---- */

struct rows {
	int n;
	char prev[PD_HASH_HEX];
	bool linked;
};

static int check_row(void *ud, const struct ledger_row *r)
{
	struct rows *x = ud;

	if (x->n > 0 && strcmp(r->prev_hash, x->prev) != 0)
		x->linked = false;
	assert_int_equal(ledger_check(r), 0);
	strcpy(x->prev, r->hash);
	x->n++;
	return 0;
}

static void test_store_ledger_head_and_each(void **state)
{
	struct fx *f = *state;
	struct rows x = {.linked = true};
	char h[PD_HASH_HEX];
	int64_t seq = -1, t = -1, last;

	assert_int_equal(store_ledger_head(f->st, &seq, &t, h), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(h, LEDGER_HASH_ZERO);
	last = populate(f->st);
	assert_int_equal(last, 13);
	assert_int_equal(store_ledger_head(f->st, &seq, &t, h), 0);
	assert_int_equal(seq, 13);
	assert_int_equal(t, NOW);
	assert_int_equal(store_ledger_each(f->st, 1, INT64_MAX, check_row, &x),
			 0);
	assert_int_equal(x.n, 13);
	assert_true(x.linked);
	assert_string_equal(x.prev, h);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_ledger_each(f->st, 4, 6, check_row, &x), 0);
	assert_int_equal(x.n, 3);
}

/* ---- every _each stops on its callback's non-zero value ---- */

#define STOP 7 /* what every stop_* callback returns: not an errno */

/* Counts a call in *(int *)ud and asks the walk to stop. */
static int stop(void *ud)
{
	int *n = ud;

	++*n;
	return STOP;
}

static int stop_person(void *ud, const struct person *p)
{
	(void)p;
	return stop(ud);
}

static int stop_period(void *ud, const struct period *p)
{
	(void)p;
	return stop(ud);
}

static int stop_print(void *ud, const struct print_rec *r, const uint8_t *blob,
		      size_t len)
{
	(void)r;
	(void)blob;
	(void)len;
	return stop(ud);
}

static int stop_print_meta(void *ud, const struct print_rec *r)
{
	(void)r;
	return stop(ud);
}

static int stop_punch(void *ud, const struct punch *p)
{
	(void)p;
	return stop(ud);
}

static int stop_scan(void *ud, const char *person, pd_day_t day, int32_t sec,
		     unsigned int flags)
{
	(void)person;
	(void)day;
	(void)sec;
	(void)flags;
	return stop(ud);
}

static int stop_aggregate(void *ud, const char *person, uint32_t days,
			  uint32_t late)
{
	(void)person;
	(void)days;
	(void)late;
	return stop(ud);
}

static int stop_profile(void *ud, pd_day_t from_day, const char *version,
			const char *name, const char *text, int64_t seq)
{
	(void)from_day;
	(void)version;
	(void)name;
	(void)text;
	(void)seq;
	return stop(ud);
}

static int stop_cal_file(void *ud, int64_t seq, const char *version,
			 const char *name, const char *text)
{
	(void)seq;
	(void)version;
	(void)name;
	(void)text;
	return stop(ud);
}

static int stop_cal_day(void *ud, int64_t seq, pd_day_t day, const char *action,
			const char *kind, const char *name)
{
	(void)seq;
	(void)day;
	(void)action;
	(void)kind;
	(void)name;
	return stop(ud);
}

static int stop_excuse(void *ud, const struct excuse *e)
{
	(void)e;
	return stop(ud);
}

static int stop_ledger(void *ud, const struct ledger_row *r)
{
	(void)r;
	return stop(ud);
}

static void test_store_each_stops_on_first_callback_value(void **state)
{
	static const uint8_t blob[] = "second-template";
	struct fx *f = *state;
	struct print_rec pr = {
		.person = "P001", .finger = "left-index", .model = "virtual"};
	struct excuse e = mkexcuse("P001", DAY0, DAY0, "izin");
	const char *b = "[profile]\nname = Bondowoso 48/2023\n";
	char v[PD_HASH_HEX];
	int n;

	/* at least two rows for every walk */
	populate(f->st);
	assert_int_equal(store_print_add(f->st, &pr, blob, sizeof(blob),
					 ACTOR(ADMIN, 0), NOW, NULL),
			 0);
	add_punch(f->st, "P002", T0 + 11 * 86400, 0);
	version_of(b, v);
	assert_int_equal(store_profile_add(f->st, DAY0 + 10, v, "Bondowoso", b,
					   NOW, ACTOR(ADMIN, 0)),
			 0);
	assert_int_equal(store_excuse_add(f->st, &e, NOW), 0);

#define ASSERT_STOPS(call)                                                     \
	do {                                                                   \
		n = 0;                                                         \
		assert_int_equal((call), STOP);                                \
		assert_int_equal(n, 1);                                        \
	} while (0)
	ASSERT_STOPS(store_person_each(f->st, stop_person, &n));
	ASSERT_STOPS(store_period_each(f->st, stop_period, &n));
	ASSERT_STOPS(store_print_each(f->st, stop_print, &n));
	ASSERT_STOPS(store_print_meta_each(f->st, stop_print_meta, &n));
	ASSERT_STOPS(store_punch_each(f->st, DAY0 - 1, DAY0 + 20, NULL,
				      stop_punch, &n));
	ASSERT_STOPS(store_punch_each(f->st, DAY0 - 1, DAY0 + 20, "P001",
				      stop_punch, &n));
	ASSERT_STOPS(store_punch_scan(f->st, DAY0 - 1, DAY0 + 20, NULL,
				      stop_scan, &n));
	ASSERT_STOPS(store_punch_scan(f->st, DAY0 - 1, DAY0 + 20, "P001",
				      stop_scan, &n));
	ASSERT_STOPS(store_punch_aggregate(f->st, DAY0 - 1, DAY0 + 20, 0,
					   stop_aggregate, &n));
	ASSERT_STOPS(store_profile_each(f->st, stop_profile, &n));
	ASSERT_STOPS(
		store_calendar_each(f->st, stop_cal_file, stop_cal_day, &n));
	ASSERT_STOPS(store_calendar_each(f->st, NULL, stop_cal_day, &n));
	ASSERT_STOPS(store_excuse_each(f->st, DAY0 - 1, DAY0 + 20, NULL,
				       stop_excuse, &n));
	ASSERT_STOPS(store_ledger_each(f->st, 1, INT64_MAX, stop_ledger, &n));
#undef ASSERT_STOPS

	/* the statements were left reset: the next walk starts over */
	n = 0;
	assert_int_equal(store_person_each(f->st, stop_at_second, &n), 42);
	assert_int_equal(n, 2);
}

static void test_store_chain_verify_intact_counts_rows(void **state)
{
	struct fx *f = *state;
	int64_t rows = -1, bad = -1;
	char why[128] = "";

	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)), 0);
	assert_int_equal(rows, 0);
	populate(f->st);
	reopen(f, 0, key1);
	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)), 0);
	assert_int_equal(rows, 13);
	assert_int_equal(bad, -1); /* untouched when intact */
}

/* Each alteration is made with plain SQLite behind the store's back. */
static void test_store_chain_verify_names_altered_row(void **state)
{
	static const struct {
		const char *sql;
		int64_t bad;
		const char *why;
	} rows[] = {
		{"DROP TRIGGER ledger_no_update;"
		 "UPDATE ledger SET at_utc = at_utc - 600 WHERE seq = 3",
		 3, "hash does not match"},
		{"DROP TRIGGER ledger_no_update;"
		 "UPDATE ledger SET data = replace(data, 'sakit', 'izin')"
		 " WHERE seq = 8",
		 8, "hash does not match"},
		{"DROP TRIGGER punches_no_update;"
		 "UPDATE punches SET at_utc = at_utc - 600 WHERE seq = 4",
		 4, "punch side-table row differs"},
		{"DROP TRIGGER punches_no_update;"
		 "UPDATE punches SET flags = 0 WHERE seq = 4",
		 4, "punch side-table row differs"},
		{"DROP TRIGGER punches_no_delete;"
		 "DELETE FROM punches WHERE seq = 12",
		 12, "punch row has no matching"},
		{"UPDATE excuses SET to_day = to_day + 3 WHERE seq = 8", 8,
		 "excuse side-table row differs"},
		{"UPDATE excuses SET revoke_reason = 'x' WHERE seq = 8", 9,
		 "revoke side-table row differs"},
		{"UPDATE periods SET until = until + 1 WHERE close_seq = 10",
		 10, "person side-table row differs"},
		{"UPDATE people SET name = 'Orang Lain' WHERE id = 'P001'", 1,
		 "person side-table row differs"},
		{"UPDATE profiles SET text = text || ' ' WHERE seq = 5", 5,
		 "profile text does not match"},
		{"UPDATE calendar_days SET day = day + 1 WHERE seq = 7", 7,
		 "calendar side-table row differs"},
		{"PRAGMA foreign_keys = OFF;"
		 "DROP TRIGGER ledger_no_delete;"
		 "DELETE FROM ledger WHERE seq = 6",
		 6, "row missing"},
		{"DROP TRIGGER punches_no_update;"
		 "UPDATE punches SET seq = 99 WHERE seq = 12;"
		 "DROP TRIGGER ledger_no_update;"
		 "UPDATE ledger SET kind = 'checkpoint' WHERE seq = 12",
		 12, "hash does not match"},
		{"INSERT INTO punches SELECT 11, person, at_utc, local_day,"
		 " local_sec, flags, source, reader, clock, boot_id, mono_ms,"
		 " reason, by, by_uid FROM punches WHERE seq = 3",
		 11, "punch side-table row has no ledger row"},
		/* a print moved to another person */
		{"UPDATE prints SET person = 'P002'", 13,
		 "print 1: the prints row (person P002) differs from its "
		 "print enrol row (person P001)"},
		{"UPDATE prints SET finger = 'left-thumb'", 13,
		 "print 1: the prints row (person P001) differs"},
		{"DROP TRIGGER print_facts_no_update;"
		 "UPDATE print_facts SET person = 'P002'",
		 13, "print side-table row differs"},
		{"INSERT INTO prints(person, finger, model, created_utc, blob,"
		 " seal) VALUES('P002', 'left-index', 'm', 0, x'00', 2)",
		 0, "print 2 (person P002) has no print enrol row"},
		{"DROP TRIGGER print_facts_no_delete;"
		 "DELETE FROM print_facts",
		 13, "print row has no matching side-table row"},
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t n = -1, bad = -1;
		char why[160] = "";

		store_close(f->st);
		f->st = NULL;
		unlink(f->path);
		assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
		populate(f->st);
		assert_int_equal(
			store_chain_verify(f->st, &n, &bad, why, sizeof(why)),
			0);
		assert_int_equal(faultvfs_exec_sql(f->path, rows[i].sql), 0);
		assert_int_equal(
			store_chain_verify(f->st, &n, &bad, why, sizeof(why)),
			-EBADMSG);
		if (bad != rows[i].bad || !strstr(why, rows[i].why))
			fail_msg("case %zu: seq %lld \"%s\", want seq %lld "
				 "\"%s\"",
				 i, (long long)bad, why, (long long)rows[i].bad,
				 rows[i].why);
	}
}

static void test_store_ledger_rejects_update_through_sql(void **state)
{
	struct fx *f = *state;

	populate(f->st);
	assert_int_equal(faultvfs_exec_sql(f->path, "UPDATE ledger SET "
						    "data = '' WHERE seq = 1"),
			 -EIO);
	assert_int_equal(faultvfs_exec_sql(f->path, "DELETE FROM punches"),
			 -EIO);
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

/* A box in the field holds rows of the first release (format 1, no "v"
 * key) under the rows of this one: its chain and side tables still verify,
 * and the next row chains onto them. */
static void test_store_chain_verify_accepts_format1_rows(void **state)
{
	struct fx *f = *state;
	struct punch p = mkpunch("P001", T0 + 3600, 0);
	struct ledger_row r;
	char sql[4096], why[160] = "";
	int64_t rows = 0, bad = 0, seq, utc;

	add_person(f->st, "P001", DAY0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_ledger_head(f->st, &seq, &utc, r.prev_hash), 0);
	r.seq = seq + 1;
	strcpy(r.kind, LEDGER_PUNCH);
	r.recorded_utc = NOW;
	strcpy(r.person, p.person);
	r.at_utc = p.at_utc;
	assert_int_equal(ledger_punch_data(LEDGER_FORMAT_1, &p, r.data), 0);
	assert_int_equal(strncmp(r.data, "day=", 4), 0);
	assert_int_equal(ledger_hash(&r), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ledger VALUES(%lld, 'punch', %lld, '%s', %lld,"
		 " '%s', '%s', '%s');"
		 "INSERT INTO punches VALUES(%lld, '%s', %lld, %d, %d, 0,"
		 " 'reader', '%s', '%s', '%s', %llu, '', '', NULL)",
		 (long long)r.seq, (long long)r.recorded_utc, r.person,
		 (long long)r.at_utc, r.data, r.prev_hash, r.hash,
		 (long long)r.seq, p.person, (long long)p.at_utc, p.local_day,
		 p.local_sec, p.reader, p.clock, p.boot_id,
		 (unsigned long long)p.mono_ms);
	assert_int_equal(faultvfs_exec_sql(f->path, sql), 0);
	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)), 0);
	assert_int_equal(rows, 2);
	/* a format-2 row after it chains on */
	add_punch(f->st, "P001", T0 + 7200, 0);
	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)), 0);
	assert_int_equal(rows, 3);
}

/* A row of a format newer than this program is named, not misread. */
static void test_store_chain_verify_names_newer_format(void **state)
{
	struct fx *f = *state;
	struct ledger_row r;
	char sql[2048], why[160] = "";
	int64_t rows = 0, bad = 0, seq, utc;

	memset(&r, 0, sizeof(r));
	assert_int_equal(store_ledger_head(f->st, &seq, &utc, r.prev_hash), 0);
	r.seq = seq + 1;
	strcpy(r.kind, LEDGER_CHECKPOINT);
	r.recorded_utc = NOW;
	strcpy(r.data, "v=99;month=2026-01");
	assert_int_equal(ledger_hash(&r), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ledger VALUES(%lld, 'checkpoint', %lld, '', 0,"
		 " '%s', '%s', '%s')",
		 (long long)r.seq, (long long)r.recorded_utc, r.data,
		 r.prev_hash, r.hash);
	assert_int_equal(faultvfs_exec_sql(f->path, sql), 0);
	assert_int_equal(
		store_chain_verify(f->st, &rows, &bad, why, sizeof(why)),
		-EBADMSG);
	assert_int_equal(bad, r.seq);
	assert_string_equal(why, "row format is newer than this program");
}

/* ---- injected I/O errors ---- */

static void fault_case(struct fx *f, enum faultvfs_fault fault, int want)
{
	int64_t before, rows = -1;
	bool failed_once = false;

	store_close(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, FAULTVFS_NAME, 0, key1, &f->st),
			 0);
	populate(f->st);
	for (int after = 0; after < 8; after++) {
		struct punch p = mkpunch("P001", T0 + 1000 + after, 0);
		int rc;

		before = q(f, "SELECT count(*) FROM ledger");
		faultvfs_arm(fault, after);
		rc = store_punch_add(f->st, &p, NOW);
		faultvfs_disarm();
		if (rc != 0) {
			assert_int_equal(rc, want);
			assert_true(faultvfs_failed_writes() > 0);
			failed_once = true;
		}
		/* reopen with the plain VFS: all or nothing */
		store_close(f->st);
		f->st = NULL;
		assert_int_equal(store_open(f->path, NULL, 0, key1, &f->st), 0);
		assert_int_equal(
			store_chain_verify(f->st, &rows, NULL, NULL, 0), 0);
		assert_int_equal(rows, before + (rc == 0));
		assert_int_equal(q(f, "SELECT count(*) FROM punches"),
				 rows - 10); /* populate: 13 rows, 3 punches */
		store_close(f->st);
		f->st = NULL;
		assert_int_equal(
			store_open(f->path, FAULTVFS_NAME, 0, key1, &f->st), 0);
	}
	assert_true(failed_once);
	/* after a failure the same handle keeps working */
	faultvfs_arm(fault, 0);
	{
		struct punch p = mkpunch("P001", T0 + 5000, 0);

		assert_int_equal(store_punch_add(f->st, &p, NOW), want);
		faultvfs_disarm();
		assert_int_equal(store_punch_add(f->st, &p, NOW), 0);
	}
	assert_int_equal(store_chain_verify(f->st, NULL, NULL, NULL, 0), 0);
}

static void test_store_punch_add_io_error_is_eio_and_atomic(void **state)
{
	fault_case(*state, FAULTVFS_IOERR, -EIO);
}

static void test_store_punch_add_disk_full_is_enospc_and_atomic(void **state)
{
	fault_case(*state, FAULTVFS_FULL, -ENOSPC);
}

/* The database deleted, or replaced by another file, under an open store:
 * every later write is refused (-ESTALE) before it reaches the orphaned
 * file, where it would have been acknowledged and lost. */
static void test_store_writes_refused_once_the_file_is_gone(void **state)
{
	struct fx *f = *state;
	struct punch p = mkpunch("P001", T0 + 60, 0);
	char moved[600], other[600];
	struct store *o = NULL;

	add_person(f->st, "P001", DAY0);
	assert_int_equal(store_path_check(f->st), 0);
	snprintf(moved, sizeof(moved), "%s/moved.db", f->dir);
	assert_int_equal(rename(f->path, moved), 0);
	assert_int_equal(store_path_check(f->st), -ESTALE);
	assert_int_equal(store_punch_add(f->st, &p, NOW), -ESTALE);
	assert_int_equal(store_counter_add(f->st, "unknown_finger", 1),
			 -ESTALE);
	/* back in place: the same file, so writes go on */
	assert_int_equal(rename(moved, f->path), 0);
	assert_int_equal(store_path_check(f->st), 0);
	assert_int_equal(store_punch_add(f->st, &p, NOW), 0);
	/* another database at the path (a restore under a running
	 * daemon): not the file this store holds open */
	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	assert_int_equal(store_open(other, NULL, 0, key1, &o), 0);
	store_close(o);
	assert_int_equal(rename(other, f->path), 0);
	p = mkpunch("P001", T0 + 600, 0);
	assert_int_equal(store_punch_add(f->st, &p, NOW), -ESTALE);
	/* a store opened on a :memory: database never says so */
	assert_int_equal(store_open(":memory:", NULL, 0, key1, &o), 0);
	assert_int_equal(store_path_check(o), 0);
	store_close(o);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_open_empty_file_migrates_to_latest),
		T(test_store_reopen_keeps_rows_and_version),
		T(test_store_open_migrates_schema_1_database),
		T(test_store_open_migrates_schema_2_database),
		T(test_store_open_migrates_schema_4_database),
		T(test_store_open_newer_schema_is_eio),
		T(test_store_open_rdonly_missing_file_is_enoent),
		cmocka_unit_test(test_store_memory_database_works),
		T(test_store_person_add_get_each),
		T(test_store_person_each_stops_on_callback_value),
		T(test_store_person_add_bad_input_is_rejected),
		T(test_store_person_periods_deactivate_reactivate),
		T(test_store_print_encrypted_at_rest),
		T(test_store_print_tampered_or_wrong_key_is_ebadmsg),
		T(test_store_print_add_bad_input_is_rejected),
		T(test_store_print_moved_to_another_person_is_caught),
		T(test_store_print_deletions_are_ledger_facts),
		T(test_store_open_migrates_schema_4_prints),
		T(test_store_deactivate_deletes_prints_with_audit),
		T(test_store_punch_each_orders_by_person_time_seq),
		T(test_store_punch_scan_orders_by_person_day_sec_seq),
		T(test_store_punch_scan_inside_bulk_and_read_only),
		T(test_store_punch_round_trips_every_field),
		T(test_store_punch_last_accepted_ignores_suppressed),
		T(test_store_punch_add_bad_input_is_rejected),
		T(test_store_rdonly_refuses_every_write),
		T(test_store_counters_and_meta),
		T(test_store_profile_add_and_each),
		T(test_store_profile_never_reaches_into_a_closed_month),
		T(test_store_calendar_day_remove_is_a_ledger_row),
		T(test_store_calendar_files_and_days_in_seq_order),
		T(test_store_excuse_add_validates),
		T(test_store_excuse_each_and_revoke),
		T(test_store_ledger_head_and_each),
		T(test_store_each_stops_on_first_callback_value),
		T(test_store_chain_verify_intact_counts_rows),
		T(test_store_chain_verify_names_altered_row),
		T(test_store_chain_verify_accepts_format1_rows),
		T(test_store_chain_verify_names_newer_format),
		T(test_store_ledger_rejects_update_through_sql),
		T(test_store_punch_add_io_error_is_eio_and_atomic),
		T(test_store_punch_add_disk_full_is_enospc_and_atomic),
		T(test_store_writes_refused_once_the_file_is_gone),
	};
#undef T

	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0 || faultvfs_register() != 0)
		return 1;
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
