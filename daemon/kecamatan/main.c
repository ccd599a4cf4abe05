/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi-kecamatan: the kecamatan's program.  Creates a kecamatan in
 * its database (SQLite, or PostgreSQL for a kabupaten's server), trusts
 * desa device keys, imports their monthly bundles, and prints the camat's
 * rekap.  main.c is wiring: arguments, the store, the clock, one function
 * per command.  Exit codes: 0 done, 1 refused or failed, 2 bad arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "civil.h"
#include "crypto.h"
#include "export.h"
#include "kec_admin.h"
#include "kec_cli.h"
#include "kec_import.h"
#include "kec_rekap.h"
#include "kec_store.h"
#include "kecrekap.h"
#include "ledger_decode.h"
#include "log.h"
#include "pelaporan.h"

#define DEFAULT_DB    "/var/lib/presensi-kecamatan/kecamatan.db"
#define ENV_DB	      "PRESENSI_KECAMATAN_DB"
#define ENV_NOW	      "PRESENSI_KECAMATAN_NOW" /* tests and demos only */
#define TEXT_FILE_MAX (1 << 20)		       /* a calendar file, bytes */

static const char prog[] = "presensi-kecamatan";
static struct kec_store *st;
static struct kec_info kec;
static char user[PD_NAME_MAX];

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "%s: %s\n", prog, msg);
	return 2;
}

/* The kecamatan's clock.  PRESENSI_KECAMATAN_NOW ("YYYY-MM-DDTHH:MM:SSZ")
 * replaces it for tests and demos, and says so. */
static int64_t now_utc(void)
{
	const char *env = getenv(ENV_NOW);
	struct ledger_row r;
	char line[160];

	if (!env || !*env)
		return (int64_t)time(NULL);
	/* parse it as a ledger instant: one strict format in the tree */
	snprintf(line, sizeof(line), "1,x,%s,,,,%064d,%064d", env, 0, 0);
	if (ledger_parse_export(line, &r) != 0 || !r.recorded_utc) {
		fprintf(stderr, "%s: %s is not YYYY-MM-DDTHH:MM:SSZ\n", prog,
			ENV_NOW);
		exit(2);
	}
	return r.recorded_utc;
}

/* The system user running us (what the audit records, never a claim). */
static void whoami(void)
{
	struct passwd pwd, *pw = NULL;
	char buf[4096];

	if (getpwuid_r(geteuid(), &pwd, buf, sizeof(buf), &pw) == 0 && pw)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned int)geteuid());
}

static void stamp(int64_t utc, char buf[CIVIL_LOCAL_LEN + 8])
{
	char local[CIVIL_LOCAL_LEN];
	const char *tz = civil_tz_abbrev(kec.offset_min);

	if (!utc) {
		snprintf(buf, CIVIL_LOCAL_LEN + 8, "-");
		return;
	}
	civil_local_format(utc, kec.offset_min, local);
	snprintf(buf, CIVIL_LOCAL_LEN + 8, "%s %s", local, tz ? tz : "");
}

static int pick(const struct kec_cli_args *a)
{
	char why[KEC_ADMIN_WHY_MAX];

	if (kec_admin_pick(st, a->kecamatan, &kec, why, sizeof(why)))
		return fail("%s", why);
	return 0;
}

/* ---- init, trust, keys, desa ---- */

static int cmd_init(const struct kec_cli_args *a)
{
	const char *mday = kec_cli_get(a, "deadline-day");
	char why[KEC_ADMIN_WHY_MAX];
	struct kec_info k;
	int day = 0;

	if (mday) {
		char *end;

		day = (int)strtol(mday, &end, 10);
		if (*end || day < 1)
			return usage_error("init: --deadline-day 1 to 28");
	}
	if (kec_admin_init(st, kec_cli_get(a, "name"),
			   kec_cli_get(a, "kabupaten"),
			   kec_cli_get(a, "timezone"), day, now_utc(), &k, why,
			   sizeof(why)))
		return fail("init: %s", why);
	printf("kecamatan %s created (%s, bundles due on day %d of the next "
	       "month) in %s\n",
	       k.name, civil_tz_abbrev(k.offset_min), k.deadline_mday,
	       kec_store_backend_name(st));
	return 0;
}

static int cmd_trust(const struct kec_cli_args *a)
{
	char why[KEC_ADMIN_WHY_MAX];
	const char *reason = kec_cli_get(a, "reason");
	struct kec_key k;

	if (pick(a))
		return 1;
	if (kec_admin_trust(st, &kec, kec_cli_get(a, "desa"),
			    kec_cli_get(a, "name"), kec_cli_get(a, "key"),
			    reason, now_utc(), user, &k, why, sizeof(why)))
		return fail("trust: %s", why);
	printf("trusted device %s for desa %s (%s)%s%s\n", k.fingerprint,
	       k.desa, kec_cli_get(a, "name"), reason ? ": re-key, " : "",
	       reason ? reason : "");
	return 0;
}

static int print_key(void *ud, const struct kec_key *k)
{
	char t[CIVIL_LOCAL_LEN + 8], r[CIVIL_LOCAL_LEN + 8];

	(void)ud;
	stamp(k->trusted_utc, t);
	stamp(k->replaced_utc, r);
	printf("%-12s %s  trusted %s by %s%s%s%s%s\n", k->desa, k->fingerprint,
	       t, k->by, k->replaced_utc ? ", replaced " : "",
	       k->replaced_utc ? r : "", k->reason[0] ? ": " : "", k->reason);
	return 0;
}

static int cmd_keys(const struct kec_cli_args *a)
{
	int rc;

	if (pick(a))
		return 1;
	rc = kec_store_key_each(st, kec.id, kec_cli_get(a, "desa"), print_key,
				NULL);
	return rc ? fail("keys: %s", strerror(-rc)) : 0;
}

struct desa_line {
	char key[CRYPTO_FPR_MAX];
	int nkeys;
};

static int desa_key(void *ud, const struct kec_key *k)
{
	struct desa_line *l = ud;

	l->nkeys++;
	if (!k->replaced_utc)
		snprintf(l->key, sizeof(l->key), "%s", k->fingerprint);
	return 0;
}

struct last_import {
	const char *desa;
	char period[KEC_PERIOD_LEN];
	int64_t at;
};

static int last_import(void *ud, const struct kec_import *r)
{
	struct last_import *l = ud;

	if (r->result != KEC_IMPORT_REFUSED && strcmp(r->desa, l->desa) == 0 &&
	    r->complete) {
		snprintf(l->period, sizeof(l->period), "%s", r->period);
		l->at = r->received_utc;
	}
	return 0;
}

static int print_desa(void *ud, const struct kec_desa *d)
{
	struct desa_line l = {"", 0};
	struct last_import li = {d->id, "", 0};
	char at[CIVIL_LOCAL_LEN + 8], row[CIVIL_LOCAL_LEN + 8];
	int64_t last = 0;
	int rc;

	(void)ud;
	rc = kec_store_key_each(st, kec.id, d->id, desa_key, &l);
	if (rc == 0)
		rc = kec_store_import_each(st, kec.id, NULL, last_import, &li);
	if (rc == 0)
		rc = kec_store_last_row(st, kec.id, d->id, &last);
	if (rc)
		return rc;
	stamp(li.at, at);
	stamp(last, row);
	printf("%-12s %-20s key %s%s  last complete bundle %s (%s)  last "
	       "row %s\n",
	       d->id, d->name, l.key[0] ? l.key : "-",
	       l.nkeys > 1 ? " (re-keyed)" : "", li.period[0] ? li.period : "-",
	       at, row);
	return 0;
}

static int cmd_desa(const struct kec_cli_args *a)
{
	int rc;

	if (pick(a))
		return 1;
	rc = kec_store_desa_each(st, kec.id, print_desa, NULL);
	return rc ? fail("desa: %s", strerror(-rc)) : 0;
}

/* ---- import and log ---- */

static int cmd_import(const struct kec_cli_args *a)
{
	struct kec_import_opts o = {&kec, 0, user};
	int refused = 0;

	if (pick(a))
		return 1;
	for (int i = 0; i < a->npos; i++) {
		struct kec_import r;
		int rc;

		o.received_utc = now_utc();
		rc = kec_import_file(st, &o, a->pos[i], &r);
		if (rc) {
			fail("%s: %s", a->pos[i], r.reason);
			refused++;
			continue;
		}
		switch (r.result) {
		case KEC_IMPORT_OK:
			printf("%s: accepted: desa %s %s %s, rows %" PRId64
			       "..%" PRId64 " (%" PRId64 " new)%s%s\n",
			       a->pos[i], r.desa, r.period,
			       r.complete ? "complete" : "interim", r.first_seq,
			       r.last_seq, r.rows_new,
			       r.rekap_same == 1   ? "; its rekap.csv matches "
						     "the recompute"
			       : r.rekap_same == 0 ? "; ITS REKAP.CSV DIFFERS: "
						   : "",
			       r.rekap_same == 0 ? r.rekap_diff : "");
			break;
		case KEC_IMPORT_DUPLICATE:
			printf("%s: %s\n", a->pos[i], r.reason);
			break;
		default:
			printf("%s: REFUSED: %s\n", a->pos[i], r.reason);
			refused++;
			break;
		}
	}
	return refused ? 1 : 0;
}

static int print_log(void *ud, const struct kec_import *r)
{
	static const char *const result[] = {"accepted", "duplicate",
					     "REFUSED"};
	char at[CIVIL_LOCAL_LEN + 8];

	(void)ud;
	stamp(r->received_utc, at);
	printf("%s  %-9s %-12s %-7s %-8s %s: %s%s%s\n", at,
	       result[r->result % 3], r->desa[0] ? r->desa : "-",
	       r->period[0] ? r->period : "-",
	       r->period[0] ? (r->complete ? "complete" : "interim") : "-",
	       r->file, r->reason,
	       r->rekap_same == 0 ? "; rekap.csv differs: " : "",
	       r->rekap_same == 0 ? r->rekap_diff : "");
	return 0;
}

static int cmd_log(const struct kec_cli_args *a)
{
	int rc;

	if (pick(a))
		return 1;
	rc = kec_store_import_each(st, kec.id, kec_cli_get(a, "month"),
				   print_log, NULL);
	return rc ? fail("log: %s", strerror(-rc)) : 0;
}

static int print_audit(void *ud, const struct kec_audit *x)
{
	char at[CIVIL_LOCAL_LEN + 8];

	(void)ud;
	stamp(x->at_utc, at);
	printf("%s  %-8s %-16s %-12s %s\n", at, x->by, x->action, x->subject,
	       x->detail);
	return 0;
}

static int cmd_audit(const struct kec_cli_args *a)
{
	int rc;

	if (pick(a))
		return 1;
	rc = kec_store_audit_each(st, kec.id, print_audit, NULL);
	return rc ? fail("audit: %s", strerror(-rc)) : 0;
}

/* ---- the office calendar ---- */

static int cmd_calendar_import(const struct kec_cli_args *a)
{
	char why[KEC_ADMIN_WHY_MAX], *text;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (pick(a))
		return 1;
	fp = fopen(a->pos[0], "r");
	if (!fp)
		return fail("calendar import: %s: %s", a->pos[0],
			    strerror(errno));
	text = calloc(1, TEXT_FILE_MAX + 1);
	if (text)
		len = fread(text, 1, TEXT_FILE_MAX, fp);
	fclose(fp);
	if (!text || len == TEXT_FILE_MAX) {
		free(text);
		return fail("calendar import: %s: too large", a->pos[0]);
	}
	rc = kec_admin_calendar_file(st, &kec, a->pos[0], text, now_utc(), user,
				     why, sizeof(why));
	free(text);
	if (rc)
		return fail("calendar import: %s", why);
	printf("calendar %s imported for kecamatan %s\n", a->pos[0], kec.name);
	return 0;
}

static int cmd_calendar_add(const struct kec_cli_args *a)
{
	const char *kind = kec_cli_get(a, "kind");
	char why[KEC_ADMIN_WHY_MAX];
	pd_day_t day;

	if (civil_date_parse(kec_cli_get(a, "date"), &day))
		return usage_error("calendar add: --date YYYY-MM-DD");
	if (pick(a))
		return 1;
	if (kec_admin_calendar_day(st, &kec, day, kind ? kind : "lokal",
				   kec_cli_get(a, "name"), now_utc(), user, why,
				   sizeof(why)))
		return fail("calendar add: %s", why);
	printf("%s added to the holidays of kecamatan %s\n",
	       kec_cli_get(a, "date"), kec.name);
	return 0;
}

static int cmd_calendar_list(const struct kec_cli_args *a)
{
	struct calendar_set *cs;
	char why[KEC_ADMIN_WHY_MAX], d[CIVIL_DATE_LEN], label[CIVIL_LABEL_MAX];
	pd_day_t first, last;
	int rc;

	if (civil_period_parse(CIVIL_PERIOD_YEAR, kec_cli_get(a, "year"),
			       &first, &last, why, sizeof(why)))
		return usage_error(why);
	if (pick(a))
		return 1;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return fail("out of memory");
	rc = kec_rekap_office(st, kec.id, cs, why, sizeof(why));
	if (rc) {
		free(cs);
		return fail("calendar list: %s", why);
	}
	printf("Hari libur kantor kecamatan %s, %s\n", kec.name,
	       kec_cli_get(a, "year"));
	for (int i = 0; i < cs->n; i++) {
		if (cs->e[i].day < first || cs->e[i].day > last)
			continue;
		civil_date_format(cs->e[i].day, d);
		printf("  %s  %-14s %s\n", d,
		       calendar_kind_label(cs->e[i].kind), cs->e[i].name);
	}
	printf("Batas pengiriman berkas bulanan (hari %d bulan berikutnya, "
	       "hari kerja berikutnya bila libur)\n",
	       kec.deadline_mday);
	for (int m = 1; m <= 12; m++) {
		int y;
		pd_day_t mf, due;

		civil_to_ymd(first, &y, &(int){0}, &(int){0});
		mf = civil_from_ymd(y, m, 1);
		due = pelaporan_deadline_day(mf, kec.deadline_mday, cs);
		civil_period_label_id(CIVIL_PERIOD_MONTH, mf, label,
				      sizeof(label));
		civil_date_format(due, d);
		printf("  %-15s %s %s\n", label,
		       civil_weekday_name_id(civil_weekday(due)), d);
	}
	free(cs);
	return 0;
}

/* ---- rekap ---- */

struct output {
	struct atomicfile *af;
	FILE *fp;
};

static int out_open(struct output *o, const char *path)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if (!path) {
		o->fp = stdout;
		return 0;
	}
	rc = atomicfile_open(path, 0666, 0, &o->af);
	if (rc)
		return fail("rekap: %s: %s", path, strerror(-rc));
	o->fp = atomicfile_stream(o->af);
	return 0;
}

static int out_close(struct output *o, int rc, const char *path)
{
	if (!o->af) {
		if (fflush(stdout) != 0)
			rc = rc ? rc : -EIO;
		return rc ? fail("rekap: %s", strerror(-rc)) : 0;
	}
	if (rc) {
		atomicfile_abort(o->af);
		return fail("rekap: %s: %s", path, strerror(-rc));
	}
	rc = atomicfile_commit(o->af);
	if (rc)
		return fail("rekap: %s: %s", path, strerror(-rc));
	printf("written %s\n", path);
	return 0;
}

static int period_of(const struct kec_cli_args *a, enum civil_period_kind *kind,
		     pd_day_t *first, pd_day_t *last)
{
	static const struct {
		const char *name;
		enum civil_period_kind kind;
	} p[] = {{"month", CIVIL_PERIOD_MONTH},
		 {"quarter", CIVIL_PERIOD_QUARTER},
		 {"year", CIVIL_PERIOD_YEAR}};
	char err[160];
	int given = 0;

	for (size_t i = 0; i < 3; i++) {
		const char *v = kec_cli_get(a, p[i].name);

		if (!v)
			continue;
		given++;
		*kind = p[i].kind;
		if (civil_period_parse(p[i].kind, v, first, last, err,
				       sizeof(err)))
			return usage_error(err);
	}
	if (given != 1)
		return usage_error("rekap: one of --month, --quarter, --year");
	return 0;
}

struct find_desa {
	const char *id;
	struct kec_desa d;
	bool found;
};

static int find_desa(void *ud, const struct kec_desa *d)
{
	struct find_desa *f = ud;

	if (strcmp(d->id, f->id) == 0) {
		f->d = *d;
		f->found = true;
		return 1;
	}
	return 0;
}

static int print_correction(void *ud, const struct replay_correction *c)
{
	FILE *fp = ud;
	char first[CIVIL_DATE_LEN], month[CIVIL_LABEL_MAX];

	civil_date_format(c->first, first);
	civil_period_label_id(CIVIL_PERIOD_MONTH, c->month, month,
			      sizeof(month));
	fprintf(fp,
		"  baris %" PRId64 " (perangkat ke-%" PRId64 "): %s %s%s%s, "
		"mengoreksi %s\n",
		c->seq, c->dev, ledger_fact_kind_name(c->kind),
		c->person[0] ? c->person : "", c->person[0] ? " " : "", first,
		month);
	return 0;
}

/* One desa's per-person rekap, in the box's own layout. */
static int rekap_desa(const struct kec_cli_args *a, const char *fmt,
		      enum civil_period_kind kind, pd_day_t first,
		      pd_day_t last, int64_t now)
{
	struct find_desa fd = {.id = kec_cli_get(a, "desa")};
	struct export_days days = {0};
	struct export_opts eo = {&days, NULL};
	struct kec_recompute q;
	const char *path = kec_cli_get(a, "out");
	struct report *r = NULL;
	struct output out;
	uint32_t corr = 0;
	char err[512];
	int rc;

	rc = kec_store_desa_each(st, kec.id, find_desa, &fd);
	if (rc < 0)
		return fail("rekap: %s", strerror(-rc));
	if (!fd.found)
		return fail("rekap: no desa %s in kecamatan %s", fd.id,
			    kec.name);
	memset(&q, 0, sizeof(q));
	q.kec = kec.id;
	q.desa_id = fd.d.id;
	q.desa_name = fd.d.name;
	q.offset_min = kec.offset_min;
	q.kind = kind;
	q.first = first;
	q.last = last;
	civil_local_from_utc(now, kec.offset_min, &q.today, &q.now_sec);
	q.now_utc = now;
	q.day_fn = export_days_collect;
	q.day_ud = &days;
	rc = kec_recompute_desa(st, &q, &r, &corr, err, sizeof(err));
	if (rc) {
		export_days_free(&days);
		return fail("rekap: %s", err);
	}
	if (strcmp(fmt, "xlsx") == 0) {
		rc = export_xlsx(path, r, &eo, err, sizeof(err));
		report_free(r);
		export_days_free(&days);
		if (rc)
			return fail("rekap: %s", err);
		printf("written %s\n", path);
		return 0;
	}
	if (out_open(&out, path)) {
		report_free(r);
		export_days_free(&days);
		return 1;
	}
	if (strcmp(fmt, "csv") == 0) {
		rc = export_csv(out.fp, r, &eo);
	} else if (strcmp(fmt, "html") == 0) {
		rc = export_html(out.fp, r, &eo);
	} else {
		rc = export_text(out.fp, r, &eo);
		fprintf(out.fp,
			"\nDihitung ulang di kecamatan dari baris ledger desa."
			"\nKoreksi setelah tutup buku: %u baris\n",
			corr);
		q.day_fn = NULL;
		q.corr_fn = print_correction;
		q.corr_ud = out.fp;
		if (rc == 0 && corr) {
			struct report *again = NULL;

			rc = kec_recompute_desa(st, &q, &again, NULL, err,
						sizeof(err));
			report_free(again);
		}
	}
	report_free(r);
	export_days_free(&days);
	return out_close(&out, rc, path);
}

static int cmd_rekap(const struct kec_cli_args *a)
{
	const char *fmt = kec_cli_get(a, "format");
	const char *path = kec_cli_get(a, "out");
	struct kec_rekap_opts o;
	struct kecrekap *k = NULL;
	struct output out;
	char err[512];
	int rc;

	if (!fmt)
		fmt = "text";
	if (strcmp(fmt, "text") && strcmp(fmt, "csv") && strcmp(fmt, "html") &&
	    strcmp(fmt, "xlsx"))
		return usage_error("rekap: --format text, csv, xlsx or html");
	if (strcmp(fmt, "xlsx") == 0 && !path)
		return usage_error("rekap: --format xlsx needs --out FILE");
	memset(&o, 0, sizeof(o));
	rc = period_of(a, &o.kind, &o.first, &o.last);
	if (rc)
		return rc;
	if (pick(a))
		return 1;
	o.kec = &kec;
	o.now_utc = now_utc();
	if (kec_cli_get(a, "desa"))
		return rekap_desa(a, fmt, o.kind, o.first, o.last, o.now_utc);
	rc = kec_rekap_build(st, &o, &k, err, sizeof(err));
	if (rc)
		return fail("rekap: %s", err);
	if (strcmp(fmt, "xlsx") == 0) {
		rc = kecrekap_xlsx(path, k, err, sizeof(err));
		kecrekap_free(k);
		if (rc)
			return fail("rekap: %s", err);
		printf("written %s\n", path);
		return 0;
	}
	if (out_open(&out, path)) {
		kecrekap_free(k);
		return 1;
	}
	if (strcmp(fmt, "csv") == 0)
		rc = kecrekap_csv(out.fp, k);
	else if (strcmp(fmt, "html") == 0)
		rc = kecrekap_html(out.fp, k);
	else
		rc = kecrekap_text(out.fp, k);
	kecrekap_free(k);
	return out_close(&out, rc, path);
}

/* ---- the server's accounts (kecamatand) ---- */

/* One line of fp without its newline; -EINVAL when too long or empty. */
static int read_line(FILE *fp, char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, fp))
		return -EINVAL;
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == cap - 1)
		return -EINVAL; /* no newline within cap: too long */
	buf[n] = '\0';
	return n ? 0 : -EINVAL;
}

/* Prompts on the terminal with echo off and reads one line. */
static int tty_line(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(0, &old) != 0)
		return -errno;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(0, TCSAFLUSH, &quiet) != 0)
		return -errno;
	rc = read_line(stdin, buf, cap);
	(void)tcsetattr(0, TCSAFLUSH, &old); /* restored whatever rc is */
	fputc('\n', stderr);
	return rc;
}

/* The new password: from the terminal, twice and not shown, or from the
 * first line of stdin; never from the command line.  0, or 1 after
 * saying why on stderr. */
static int read_password(char pw[CRYPTO_PASSWORD_MAX + 2])
{
	char again[CRYPTO_PASSWORD_MAX + 2];
	int rc;

	if (!isatty(0)) {
		if (read_line(stdin, pw, CRYPTO_PASSWORD_MAX + 2))
			return fail("user: the first line of stdin must be "
				    "the password (1 to %d bytes)",
				    CRYPTO_PASSWORD_MAX);
		return 0;
	}
	rc = tty_line("Kata sandi baru: ", pw, CRYPTO_PASSWORD_MAX + 2);
	if (rc == 0)
		rc = tty_line("Ulangi kata sandi: ", again, sizeof(again));
	if (rc == 0 && strcmp(pw, again) != 0)
		rc = -EAGAIN;
	explicit_bzero(again, sizeof(again));
	if (rc == -EAGAIN)
		return fail("user: the two passwords differ");
	if (rc)
		return fail("user: no password read (1 to %d bytes)",
			    CRYPTO_PASSWORD_MAX);
	return 0;
}

#define PASSWORD_MIN 8 /* bytes: shorter ones are refused */

static int set_password(struct kec_user *u)
{
	char pw[CRYPTO_PASSWORD_MAX + 2];
	int rc;

	if (read_password(pw))
		return 1;
	if (strlen(pw) < PASSWORD_MIN) {
		explicit_bzero(pw, sizeof(pw));
		return fail("user: a password has at least %d characters",
			    PASSWORD_MIN);
	}
	rc = crypto_password_hash(pw, u->pwhash);
	explicit_bzero(pw, sizeof(pw));
	if (rc)
		return fail("user: cannot hash the password: %s",
			    strerror(-rc));
	return 0;
}

static void account_log(int64_t k, const char *action, const char *name,
			const char *detail)
{
	struct kec_access a;

	memset(&a, 0, sizeof(a));
	a.at_utc = now_utc();
	a.kec = k;
	snprintf(a.user, sizeof(a.user), "%s", user);
	snprintf(a.address, sizeof(a.address), "lokal");
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.subject, sizeof(a.subject), "%s", name);
	snprintf(a.detail, sizeof(a.detail), "%s", detail);
	if (kec_store_access_add(st, &a) != 0)
		fail("user: the access log was not written");
}

static int cmd_user_add(const struct kec_cli_args *a)
{
	const char *name = kec_cli_get(a, "name");
	struct kec_user u;
	int rc;

	memset(&u, 0, sizeof(u));
	if (kec_role_parse(kec_cli_get(a, "role"), &u.role))
		return usage_error("user add: --role kabupaten, camat, kasi "
				   "or operator");
	if (strlen(name) >= sizeof(u.name) || strpbrk(name, " \t\r\n"))
		return usage_error("user add: --name: one word, up to 95 "
				   "bytes");
	snprintf(u.name, sizeof(u.name), "%s", name);
	if (u.role == KEC_ROLE_KABUPATEN && a->kecamatan)
		return usage_error("user add: a kabupaten account has no "
				   "--kecamatan");
	if (u.role == KEC_ROLE_CAMAT || u.role == KEC_ROLE_KASI ||
	    (u.role == KEC_ROLE_OPERATOR && a->kecamatan)) {
		if (pick(a))
			return 1;
		u.kec = kec.id;
	}
	if (kec_store_user_get(st, u.name, &(struct kec_user){0}) == 0)
		return fail("user add: %s exists already", u.name);
	if (set_password(&u))
		return 1;
	u.created_utc = u.changed_utc = now_utc();
	rc = kec_store_user_add(st, &u);
	explicit_bzero(u.pwhash, sizeof(u.pwhash));
	if (rc == -EEXIST)
		return fail("user add: %s exists already", u.name);
	if (rc)
		return fail("user add: %s", strerror(-rc));
	account_log(u.kec, "akun-tambah", u.name, kec_role_name(u.role));
	printf("account %s (%s%s%s) added\n", u.name, kec_role_name(u.role),
	       u.kec ? ", kecamatan " : "", u.kec ? kec.name : "");
	return 0;
}

static int cmd_user_change(const struct kec_cli_args *a)
{
	bool passwd = a->cmd->verb == KEC_USER_PASSWD;
	struct kec_user u;
	int rc;

	rc = kec_store_user_get(st, kec_cli_get(a, "name"), &u);
	if (rc == -ENOENT)
		return fail("user: no account %s", kec_cli_get(a, "name"));
	if (rc)
		return fail("user: %s", strerror(-rc));
	if (passwd && set_password(&u))
		return 1;
	if (!passwd)
		u.disabled = true;
	u.changed_utc = now_utc();
	rc = kec_store_user_update(st, &u);
	explicit_bzero(u.pwhash, sizeof(u.pwhash));
	if (rc == 0)
		rc = kec_store_session_end_user(st, u.id);
	if (rc)
		return fail("user: %s", strerror(-rc));
	account_log(u.kec, passwd ? "akun-sandi" : "akun-nonaktif", u.name, "");
	printf("account %s: %s; its sessions ended\n", u.name,
	       passwd ? "new password set" : "disabled");
	return 0;
}

struct kec_names {
	int64_t id;
	char name[PD_NAME_MAX];
};

static int kec_name_of(void *ud, const struct kec_info *k)
{
	struct kec_names *n = ud;

	if (k->id == n->id) {
		snprintf(n->name, sizeof(n->name), "%s", k->name);
		return 1;
	}
	return 0;
}

static int print_user(void *ud, const struct kec_user *u)
{
	struct kec_names n = {u->kec, "-"};
	char at[CIVIL_LOCAL_LEN + 8];

	(void)ud;
	if (u->kec && kec_store_kec_each(st, kec_name_of, &n) < 0)
		return -EIO;
	if (!kec.offset_min)
		kec.offset_min = 420; /* no kecamatan picked: WIB */
	stamp(u->changed_utc, at);
	printf("%-20s %-10s %-16s %s  changed %s\n", u->name,
	       kec_role_name(u->role), u->kec ? n.name : "(semua)",
	       u->disabled ? "NONAKTIF" : "aktif   ", at);
	return 0;
}

static int cmd_user_list(const struct kec_cli_args *a)
{
	int rc;

	(void)a;
	rc = kec_store_user_each(st, print_user, NULL);
	return rc ? fail("user list: %s", strerror(-rc)) : 0;
}

int main(int argc, char **argv)
{
	static int (*const run[KEC_VERBS])(const struct kec_cli_args *) = {
		[KEC_INIT] = cmd_init,
		[KEC_TRUST] = cmd_trust,
		[KEC_KEYS] = cmd_keys,
		[KEC_DESA] = cmd_desa,
		[KEC_IMPORT] = cmd_import,
		[KEC_LOG] = cmd_log,
		[KEC_REKAP] = cmd_rekap,
		[KEC_CALENDAR_IMPORT] = cmd_calendar_import,
		[KEC_CALENDAR_ADD] = cmd_calendar_add,
		[KEC_CALENDAR_LIST] = cmd_calendar_list,
		[KEC_AUDIT] = cmd_audit,
		[KEC_USER_ADD] = cmd_user_add,
		[KEC_USER_PASSWD] = cmd_user_change,
		[KEC_USER_DISABLE] = cmd_user_change,
		[KEC_USER_LIST] = cmd_user_list,
	};
	static struct kec_cli_args a;
	const char *db;
	char err[256];
	int rc;

	log_init(isatty(2) ? LOG_TO_TTY : LOG_TO_STDERR, 0);
	if (kec_cli_parse(argc, argv, &a, err, sizeof(err)))
		return usage_error(err);
	if (a.help) {
		kec_cli_usage(stdout, a.cmd);
		return 0;
	}
	if (crypto_init() != 0)
		return fail("libsodium failed to start");
	whoami();
	if (getenv(ENV_NOW) && *getenv(ENV_NOW))
		fprintf(stderr, "%s: the clock is %s=%s (tests and demos)\n",
			prog, ENV_NOW, getenv(ENV_NOW));
	db = a.db ? a.db : getenv(ENV_DB);
	if (!db || !*db)
		db = DEFAULT_DB;
	rc = kec_store_open(db, &st);
	if (rc)
		return fail("cannot open the database %s: %s", db,
			    strerror(-rc));
	rc = run[a.cmd->verb](&a);
	kec_store_close(st);
	return rc;
}
