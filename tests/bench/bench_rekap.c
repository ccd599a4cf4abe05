// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rekap benchmark: a kabupaten's year (5,000 people, 2026's 239 working
 * days, ~2.3 M punches incl. repeat taps, excuses and holidays) in a temporary
 * SQLite store, then the yearly report_build of everyone against one
 * hand-written SQL aggregate over the same punches, timed in the same run.
 * Target: report <= 2 s and <= 2x the SQL, on the best of REPEAT runs of
 * each (every run is printed too).  The figures are also cross-checked.
 *
 * Then the year's exports a kabupaten asks for, each in a child process
 * (peak RSS from getrusage's ru_maxrss, wall time): the XLSX and the daily
 * CSV, with the day rows collected first and written after (as presensi
 * rekap did before) and streamed from the day callback (as it does now).
 *
 * Environment: PD_BENCH_PEOPLE (default 5000), PD_BENCH_DB (keep/reuse this
 * database file instead of a temporary one), PD_BENCH_STRICT=1 (exit 1 when
 * a target is missed).  Run with `make bench`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "civil.h"
#include "crypto.h"
#include "export.h"
#include "log.h"
#include "store_report.h"
#include "store.h"

#define YEAR	       2026
#define OFFSET_MIN     420 /* WIB */
#define PEOPLE_DEFAULT 5000
#define CHUNK_ROWS     200000 /* rows per bulk transaction */
#define REPEAT	       3      /* timed runs of each; the best is shown */
#define TARGET_NS      2000000000LL
#define LATE_AFTER     (7 * 3600 + 30 * 60 + 59) /* start 07:30 + grace 59 */

static const char profile_text[] =
	"[profile]\n"
	"name = PPU 24/2018 5 hari\n"
	"reference = Perbup Penajam Paser Utara No. 24 Tahun 2018\n"
	"grace_s = 59\n"
	"week = 5\n"
	"[hours]\n"
	"mon = 07:30-16:00\ntue = 07:30-16:00\nwed = 07:30-16:00\n"
	"thu = 07:30-16:00\nfri = 07:30-11:00\nsat = libur\nsun = libur\n";

static const char calendar_text[] =
	"[calendar]\n"
	"year = 2026\n"
	"name = Hari libur 2026\n"
	"reference = SKB No. 1497, 2 dan 5 Tahun 2025\n"
	"[libur]\n"
	"2026-01-01 = Tahun Baru Masehi\n2026-01-16 = Isra Mikraj\n"
	"2026-02-17 = Tahun Baru Imlek\n2026-03-19 = Nyepi\n"
	"2026-03-21 = Idul Fitri\n2026-03-22 = Idul Fitri\n"
	"2026-04-03 = Wafat Yesus Kristus\n2026-04-05 = Paskah\n"
	"2026-05-01 = Hari Buruh\n2026-05-14 = Kenaikan Yesus Kristus\n"
	"2026-05-27 = Idul Adha\n2026-05-31 = Waisak\n"
	"2026-06-01 = Hari Lahir Pancasila\n2026-06-16 = 1 Muharam\n"
	"2026-08-17 = Proklamasi Kemerdekaan\n2026-08-25 = Maulid Nabi\n"
	"2026-12-25 = Natal\n"
	"[cuti_bersama]\n"
	"2026-02-16 = Cuti bersama Imlek\n2026-03-18 = Cuti bersama Nyepi\n"
	"2026-03-20 = Cuti bersama Idul Fitri\n"
	"2026-03-23 = Cuti bersama Idul Fitri\n"
	"2026-03-24 = Cuti bersama Idul Fitri\n"
	"2026-05-15 = Cuti bersama Kenaikan\n"
	"2026-05-28 = Cuti bersama Idul Adha\n"
	"2026-12-24 = Cuti bersama Natal\n"
	"[lokal]\n"
	"2026-10-09 = Hari Jadi Kabupaten\n";

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Working days of the year: Mon-Fri less the calendar's days. */
static int working_days(pd_day_t *days, int cap)
{
	pd_day_t first = civil_from_ymd(YEAR, 1, 1);
	pd_day_t last = civil_from_ymd(YEAR, 12, 31);
	int n = 0;

	for (pd_day_t d = first; d <= last; d++) {
		char date[CIVIL_DATE_LEN];

		if (civil_weekday(d) >= CIVIL_SAT)
			continue;
		civil_date_format(d, date);
		if (strstr(calendar_text, date))
			continue;
		if (n < cap)
			days[n++] = d;
	}
	return n;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_rekap: %s: %s\n", what, strerror(-rc));
	exit(2);
}

/* Every 20th working day from a per-person offset is excused: sakit (two
 * days), dinas luar (one day); the rest get punches. */
static int excused_kind(size_t person, int wd_index)
{
	int k = (wd_index + (int)(person % 20)) % 40;

	if (k == 0 || k == 1)
		return 1; /* sakit */
	if (k == 20)
		return 2; /* dinas luar */
	return 0;
}

static void build(struct store *st, size_t npeople, const pd_day_t *wd, int nwd,
		  uint64_t *npunches)
{
	char ver[PD_HASH_HEX];
	int64_t now =
		civil_utc_from_local(civil_from_ymd(YEAR, 1, 1), 0, OFFSET_MIN);
	size_t rows = 0;
	int rc;

	crypto_sha256_hex(profile_text, strlen(profile_text), ver);
	rc = store_profile_add(st, civil_from_ymd(YEAR, 1, 1), ver,
			       "PPU 24/2018 5 hari", profile_text, now,
			       ACTOR("bench", 0));
	if (rc)
		die("profile", rc);
	crypto_sha256_hex(calendar_text, strlen(calendar_text), ver);
	rc = store_calendar_add(st, ver, "Hari libur 2026", calendar_text, now,
				ACTOR("bench", 0));
	if (rc)
		die("calendar", rc);

	rc = store_bulk_begin(st);
	if (rc)
		die("bulk begin", rc);
	for (size_t i = 0; i < npeople; i++) {
		struct person p = {0};

		snprintf(p.id, sizeof(p.id), "P%05zu", i);
		snprintf(p.name, sizeof(p.name), "Perangkat %05zu", i);
		snprintf(p.jabatan, sizeof(p.jabatan), "Kepala Dusun");
		p.since = civil_from_ymd(YEAR - 1, 1, 1);
		p.until = PD_DAY_OPEN;
		rc = store_person_add(st, &p, now, ACTOR("bench", 0));
		if (rc)
			die("person", rc);
		for (int w = 0; w < nwd; w++) {
			int k = excused_kind(i, w);
			struct excuse e = {0};

			bool second = (w + (int)(i % 20)) % 40 == 1;

			/* a sakit excuse spans its two days; the second
			 * day alone only when it is the year's first */
			if (!k || (second && w > 0))
				continue;
			snprintf(e.person, sizeof(e.person), "%s", p.id);
			e.from_day = wd[w];
			e.to_day = k == 1 && !second && w + 1 < nwd ? wd[w + 1]
								    : wd[w];
			snprintf(e.kind, sizeof(e.kind), "%s",
				 k == 1 ? "sakit" : "dinas-luar");
			snprintf(e.reason, sizeof(e.reason), "bench");
			if (k == 2)
				snprintf(e.document, sizeof(e.document),
					 "ST/%d/%zu", w, i);
			snprintf(e.by, sizeof(e.by), "bench");
			rc = store_excuse_add(st, &e, now);
			if (rc)
				die("excuse", rc);
		}
	}
	rc = store_bulk_end(st);
	if (rc)
		die("bulk end (people)", rc);

	*npunches = 0;
	rc = store_bulk_begin(st);
	for (size_t i = 0; i < npeople && rc == 0; i++) {
		for (int w = 0; w < nwd; w++) {
			bool fri = civil_weekday(wd[w]) == CIVIL_FRI;
			uint32_t roll = rnd(100);
			int32_t secs[3];
			unsigned int fl[3] = {0, 0, 0};
			int n = 0;

			if (excused_kind(i, w) || roll < 3)
				continue; /* excused, or TK */
			if (roll >= 5)	  /* 2 %: no masuk */
				secs[n++] = 7 * 3600 + (int32_t)rnd(90 * 60);
			if (n && rnd(100) < 20) { /* repeat tap, kept */
				secs[n] = secs[n - 1] + 30 + (int32_t)rnd(60);
				fl[n++] = PUNCH_F_SUPPRESSED;
			}
			if (roll < 95 || roll >= 98) /* 3 %: no pulang */
				secs[n++] = (fri ? 10 * 3600 + 30 * 60
						 : 15 * 3600 + 30 * 60) +
					    (int32_t)rnd(3600);
			for (int k = 0; k < n; k++) {
				struct punch pu = {0};

				snprintf(pu.person, sizeof(pu.person), "P%05zu",
					 i);
				pu.local_day = wd[w];
				pu.local_sec = secs[k];
				pu.at_utc = civil_utc_from_local(wd[w], secs[k],
								 OFFSET_MIN);
				pu.flags =
					fl[k] |
					(rnd(100) == 0 ? PUNCH_F_UNTRUSTED : 0);
				snprintf(pu.source, sizeof(pu.source),
					 "reader");
				snprintf(pu.reader, sizeof(pu.reader),
					 "virtual_device/bench");
				snprintf(pu.clock, sizeof(pu.clock), "ntp");
				snprintf(
					pu.boot_id, sizeof(pu.boot_id),
					"00000000-0000-0000-0000-000000000000");
				pu.mono_ms = (uint64_t)*npunches;
				rc = store_punch_add(st, &pu, pu.at_utc + 1);
				if (rc)
					die("punch", rc);
				++*npunches;
				if (++rows % CHUNK_ROWS == 0) {
					rc = store_bulk_end(st);
					if (rc == 0)
						rc = store_bulk_begin(st);
				}
			}
		}
		if (i % 500 == 499)
			fprintf(stderr, "  %zu people, %" PRIu64 " punches\n",
				i + 1, *npunches);
	}
	if (rc == 0)
		rc = store_bulk_end(st);
	if (rc)
		die("bulk (punches)", rc);
}

struct agg {
	uint64_t days, late;
	size_t people;
};

static int agg_fn(void *ud, const char *person, uint32_t days, uint32_t late)
{
	struct agg *a = ud;

	(void)person;
	a->days += days;
	a->late += late;
	a->people++;
	return 0;
}

/* ---- the exports, one child process per case ---- */

enum exp_case { EXP_CSV = 0, EXP_XLSX };

/* In the child: the year's export, collected or streamed; 0 or 1. */
static int export_child(const char *db, const struct report_opts *base,
			enum exp_case c, bool stream, const char *out)
{
	struct report_opts o = *base;
	struct export_days days = {0};
	struct export_opts eo = {0};
	struct export_daily_csv dc;
	struct export_xlsx *x = NULL;
	struct report *r = NULL;
	struct store *st;
	char err[256] = "";
	FILE *fp = NULL;
	int rc;

	rc = store_open(db, NULL, STORE_RDONLY, NULL, &st);
	if (rc)
		return 1;
	eo.days = &days;
	if (c == EXP_CSV) {
		fp = fopen(out, "w");
		if (!fp)
			return 1;
	}
	if (!stream) {
		o.day_fn = export_days_collect;
		o.day_ud = &days;
	} else if (c == EXP_CSV) {
		rc = export_csv_daily_begin(&dc, fp, o.desa_id, o.offset_min);
		o.day_fn = export_csv_daily_day;
		o.day_ud = &dc;
	} else {
		rc = export_xlsx_begin(out, &eo, &x, err, sizeof(err));
		o.day_fn = export_xlsx_day;
		o.day_ud = x;
	}
	if (!rc)
		rc = store_report_build(st, &o, &r, err, sizeof(err));
	if (rc >= 0) {
		if (c == EXP_CSV)
			rc = stream ? export_csv_daily_end(&dc)
				    : export_csv_daily(fp, r, &eo);
		else if (stream)
			rc = export_xlsx_finish(x, r, err, sizeof(err));
		else
			rc = export_xlsx(out, r, &eo, err, sizeof(err));
	}
	if (fp && fclose(fp))
		rc = -EIO;
	if (rc)
		fprintf(stderr, "bench_rekap: export: %s\n", err);
	report_free(r);
	export_days_free(&days);
	store_close(st);
	return rc ? 1 : 0;
}

static void export_case(const char *db, const struct report_opts *o,
			const char *dir, enum exp_case c, bool stream, bool *ok)
{
	char out[300];
	struct rusage ru;
	int64_t t0 = now_ns();
	int status = 0;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/year.%s", dir,
		 c == EXP_CSV ? "csv" : "xlsx");
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(export_child(db, o, c, stream, out));
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("%-12s %-22s failed\n",
		       c == EXP_CSV ? "csv --daily" : "xlsx",
		       stream ? "streamed (now)" : "collected (before)");
		*ok = false;
		return;
	}
	printf("%-12s %-22s %8.2f s %10.1f MiB peak RSS\n",
	       c == EXP_CSV ? "csv --daily" : "xlsx",
	       stream ? "streamed (now)" : "collected (before)",
	       (double)(now_ns() - t0) / 1e9, (double)ru.ru_maxrss / 1024.0);
	unlink(out);
}

int main(void)
{
	const char *env = getenv("PD_BENCH_PEOPLE");
	const char *keep = getenv("PD_BENCH_DB");
	size_t npeople = env ? strtoul(env, NULL, 10) : PEOPLE_DEFAULT;
	pd_day_t wd[400];
	int nwd = working_days(wd, 400);
	char dir[] = "/tmp/pd-bench-XXXXXX", path[256], err[256] = "";
	uint64_t npunches = 0;
	int64_t best_rep = INT64_MAX, best_sql = INT64_MAX, t0;
	int64_t run_rep[REPEAT], run_sql[REPEAT];
	struct report *r = NULL;
	struct report_opts o = {0};
	struct agg a = {0};
	struct store *st;
	uint64_t tl = 0;
	bool reuse = false, ok = true;
	int rc;

	log_init(LOG_TO_STDERR, 0);
	if (crypto_init() != 0)
		die("crypto_init", -EIO);
	if (keep) {
		snprintf(path, sizeof(path), "%s", keep);
		reuse = access(path, F_OK) == 0;
	} else {
		const char *tmp = getenv("TMPDIR");

		if (tmp)
			snprintf(dir, sizeof(dir), "%.*s/pd-bench-XXXXXX",
				 (int)(sizeof(dir) - 20), tmp);
		if (!mkdtemp(dir))
			die("mkdtemp", -errno);
		snprintf(path, sizeof(path), "%s/bench.db", dir);
	}
	rc = store_open(path, NULL, 0, NULL, &st);
	if (rc)
		die(path, rc);
	if (!reuse) {
		fprintf(stderr, "building %zu people x %d working days in %s\n",
			npeople, nwd, path);
		t0 = now_ns();
		build(st, npeople, wd, nwd, &npunches);
		fprintf(stderr, "built %" PRIu64 " punches in %.1f s\n",
			npunches, (double)(now_ns() - t0) / 1e9);
	}

	o.kind = CIVIL_PERIOD_YEAR;
	o.first = civil_from_ymd(YEAR, 1, 1);
	o.last = civil_from_ymd(YEAR, 12, 31);
	o.today = o.last + 1; /* the year is over: nothing provisional */
	o.now_sec = 8 * 3600;
	o.now_utc = civil_utc_from_local(o.today, o.now_sec, OFFSET_MIN);
	o.desa_id = "3517";
	o.desa_name = "Kabupaten (bench)";
	o.offset_min = OFFSET_MIN;

	for (int i = 0; i < REPEAT; i++) {
		struct report *rr = NULL;

		a = (struct agg){0};
		t0 = now_ns();
		rc = store_punch_aggregate(st, o.first, o.last, LATE_AFTER,
					   agg_fn, &a);
		if (rc)
			die("sql aggregate", rc);
		run_sql[i] = now_ns() - t0;
		if (run_sql[i] < best_sql)
			best_sql = run_sql[i];

		t0 = now_ns();
		rc = store_report_build(st, &o, &rr, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "report_build: %s\n", err);
			die("report_build", rc);
		}
		run_rep[i] = now_ns() - t0;
		if (run_rep[i] < best_rep)
			best_rep = run_rep[i];
		report_free(r);
		r = rr;
	}

	for (int b = 1; b <= VERDICT_BAND_MAX; b++)
		tl += r->total.tl[b].count;
	printf("people %zu, accepted punches %" PRIu32
	       ", days with a punch %" PRIu32 ", hari kerja efektif %" PRIu32
	       "\n",
	       r->npeople, r->total.punches, r->total.days_punched,
	       r->total.hari_kerja_efektif);
	printf("report_build (year, everyone): %8.3f s  (runs:",
	       (double)best_rep / 1e9);
	for (int i = 0; i < REPEAT; i++)
		printf(" %.3f", (double)run_rep[i] / 1e9);
	printf(")\nSQL aggregate (same punches):  %8.3f s  (runs:",
	       (double)best_sql / 1e9);
	for (int i = 0; i < REPEAT; i++)
		printf(" %.3f", (double)run_sql[i] / 1e9);
	printf(")\n");
	printf("ratio report / SQL:            %8.2f\n",
	       (double)best_rep / (double)(best_sql ? best_sql : 1));
	if (a.days != r->total.days_punched || a.late != tl) {
		printf("cross-check FAILED: SQL days %" PRIu64 " late %" PRIu64
		       ", report days %" PRIu32 " TL %" PRIu64 "\n",
		       a.days, a.late, r->total.days_punched, tl);
		ok = false;
	} else {
		printf("cross-check ok: %" PRIu64 " punch days, %" PRIu64
		       " late days in both\n",
		       a.days, a.late);
	}
	if (best_rep > TARGET_NS || best_rep > 2 * best_sql) {
		printf("target MISSED (<= 2 s and <= 2x SQL)\n");
		if (getenv("PD_BENCH_STRICT"))
			ok = false;
	} else {
		printf("target met (<= 2 s and <= 2x SQL)\n");
	}
	report_free(r);
	store_close(st);

	{
		char edir[] = "/tmp/pd-bench-export-XXXXXX";

		if (!mkdtemp(edir))
			die("mkdtemp", -errno);
		printf("year exports of %zu people (each in a child "
		       "process):\n",
		       npeople);
		for (int c = EXP_CSV; c <= EXP_XLSX; c++)
			for (int stream = 0; stream <= 1; stream++)
				export_case(path, &o, edir, (enum exp_case)c,
					    stream, &ok);
		rmdir(edir);
	}
	if (!keep) {
		char side[300];

		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
		rmdir(dir);
	}
	return ok ? 0 : 1;
}
