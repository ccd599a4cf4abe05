/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * commands.c: what each command of the presensi CLI does, one handler per
 * row of the command table (cli.c).  Commands that change something go to
 * presensid over the control socket (the daemon is the only writer);
 * reports open the database read-only, so they work while it is down.
 * Exit codes (README "The CLI"): 0 done, 1 refused or failed, 2 bad
 * arguments, also when the daemon answers EINVAL.
 */
#include "cli_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "civil.h"
#include "clock.h"
#include "control.h"
#include "control_client.h"
#include "export.h"
#include "store_report.h"
#include "store.h"
#include "textwidth.h"

#define REQ_MAX (CONTROL_LINE_MAX + 1024)
/* Column widths of the person and punches lists, in display columns
 * (textwidth.h); longer names are cut with "…". */
#define LIST_ID_COLS	  12 /* at least; wider when an id is */
#define LIST_NAME_COLS	  28
#define LIST_JABATAN_COLS 22

/* The configuration of the one command this process runs (main.c). */
static const struct conf *cf;

static void die_usage(const char *msg)
{
	fprintf(stderr, "presensi: %s\n", msg);
	exit(2);
}

/* ---- talking to the daemon ---- */

/*
 * Sends one request and prints what comes back: progress lines as they
 * arrive, rows and kv lines.  Returns the exit code: 0 on "ok", for "err"
 * cli_exit_for_error() of its errno name (2 for EINVAL, a bad argument;
 * 1 for a refusal), 1 when the daemon cannot be reached.  ok_line
 * (optional) receives the ok line's first field.
 */
static int request(char *req_line, char *ok_line, size_t ok_cap)
{
	struct control_reader rb;
	static char line[REQ_MAX];
	int fd = control_connect(cf->socket_path), rc;

	if (fd < 0) {
		fprintf(stderr,
			"presensi: cannot reach presensid at %s: %s "
			"(is the daemon running?)\n",
			cf->socket_path, strerror(-fd));
		return 1;
	}
	rc = control_write_all(fd, req_line, strlen(req_line));
	if (rc < 0) {
		fprintf(stderr, "presensi: %s\n", strerror(-rc));
		close(fd);
		return 1;
	}
	memset(&rb, 0, sizeof(rb));
	for (;;) {
		struct control_msg m;

		rc = control_read_line(fd, &rb, line, sizeof(line));
		if (rc < 0) {
			fprintf(stderr,
				"presensi: the daemon closed the connection\n");
			close(fd);
			return 1;
		}
		if (control_parse(line, &m) < 0)
			continue;
		if (strcmp(m.field[0], "progress") == 0 && m.nfields > 1) {
			printf("  %s\n", m.field[1]);
			fflush(stdout);
		} else if (strcmp(m.field[0], "kv") == 0 && m.nfields > 2) {
			printf("%-16s %s\n", m.field[1], m.field[2]);
		} else if (strcmp(m.field[0], "row") == 0) {
			for (int i = 1; i < m.nfields; i++)
				printf("%s%s", i > 1 ? "  " : "", m.field[i]);
			printf("\n");
		} else if (strcmp(m.field[0], "ok") == 0) {
			if (ok_line) {
				snprintf(ok_line, ok_cap, "%s",
					 m.nfields > 1 ? m.field[1] : "");
			}
			close(fd);
			return 0;
		} else if (strcmp(m.field[0], "err") == 0) {
			fprintf(stderr, "presensi: %s\n",
				m.nfields > 2 ? m.field[2] : "refused");
			close(fd);
			return cli_exit_for_error(m.nfields > 1 ? m.field[1]
								: "");
		}
	}
}

struct req {
	char buf[REQ_MAX];
	struct control_buf b;
};

static void req_start(struct req *r, const char *cmd)
{
	control_buf_init(&r->b, r->buf, sizeof(r->buf));
	control_buf_add(&r->b, cmd);
}

/* Copies each named CLI option (when given) as key=value. */
static void req_opts(struct req *r, const struct cli_args *a,
		     const char *const *names)
{
	for (; *names; names += 2) {
		const char *v = cli_get(a, names[0]);

		if (v)
			control_buf_addkv(&r->b, names[1], v);
	}
}

static int req_send(struct req *r, char *ok, size_t cap)
{
	if (control_buf_end(&r->b) < 0) {
		fprintf(stderr, "presensi: request too long\n");
		return 1;
	}
	return request(r->buf, ok, cap);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "presensi: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = calloc(1, CONTROL_LINE_MAX / 4 + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, CONTROL_LINE_MAX / 4, f);
	if (!feof(f)) {
		fprintf(stderr, "presensi: %s: larger than %d bytes\n", path,
			CONTROL_LINE_MAX / 4);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int cmd_import(const struct cli_args *a, const char *cmd)
{
	struct req *r = calloc(1, sizeof(*r));
	char ok[256];
	char *text = read_file(a->positional);
	int rc;

	if (!text || !r) {
		free(text);
		free(r);
		return 1;
	}
	req_start(r, cmd);
	control_buf_addkv(&r->b, "file", a->positional);
	if (cli_get(a, "from"))
		control_buf_addkv(&r->b, "from", cli_get(a, "from"));
	if (cli_get(a, "retroactive"))
		control_buf_addkv(&r->b, "retroactive", "1");
	if (cli_get(a, "reason"))
		control_buf_addkv(&r->b, "reason", cli_get(a, "reason"));
	control_buf_addkv(&r->b, "text", text);
	rc = req_send(r, ok, sizeof(ok));
	if (rc == 0)
		printf("imported %s (%s)\n", a->positional, ok);
	free(text);
	free(r);
	return rc;
}

/* ---- the desa's clock: the daemon's when it runs (it may be simulated) */

int64_t cli_daemon_now(const struct conf *c)
{
	struct control_reader rb = {0};
	static char line[256];
	struct control_msg m;
	int fd = control_connect(c->socket_path);
	int64_t now = 0;

	if (fd < 0)
		return 0;
	if (control_write_all(fd, "ping\n", 5) == 0 &&
	    control_read_line(fd, &rb, line, sizeof(line)) > 0 &&
	    control_parse(line, &m) == 0 && control_get(&m, "now"))
		now = strtoll(control_get(&m, "now"), NULL, 10);
	close(fd);
	return now;
}

int64_t cli_desa_now(const struct conf *c)
{
	struct clock_reading cr;
	struct clock *ck;
	int64_t now = cli_daemon_now(c);

	if (now)
		return now;
	if (clock_new(c->clock_source, c->simulated_start_utc_ms,
		      c->simulated_speed, &ck) < 0)
		return 0;
	clock_read(ck, &cr);
	clock_free(ck);
	return cr.utc_ms / 1000;
}

static void today_now(pd_day_t *day, int32_t *sec, int64_t *utc)
{
	*utc = cli_desa_now(cf);
	civil_local_from_utc(*utc, cf->offset_min, day, sec);
}

/* ---- read-only reports ---- */

static struct store *open_ro(void)
{
	struct store *st;
	int rc = store_open(cf->store_path, NULL, STORE_RDONLY, NULL, &st);

	if (rc < 0) {
		fprintf(stderr, "presensi: cannot open %s read-only: %s\n",
			cf->store_path, strerror(-rc));
		return NULL;
	}
	return st;
}

struct person_list {
	int csv;
	size_t id_cols; /* widest id, at least LIST_ID_COLS */
};

static int measure_person(void *ud, const struct person *p)
{
	struct person_list *pl = ud;
	size_t w = textwidth_measure(p->id);

	if (w > pl->id_cols)
		pl->id_cols = w;
	return 0;
}

static int print_person(void *ud, const struct person *p)
{
	char since[CIVIL_DATE_LEN], until[CIVIL_DATE_LEN] = "-";
	const struct person_list *pl = ud;

	civil_date_format(p->since, since);
	if (p->until != PD_DAY_OPEN)
		civil_date_format(p->until, until);
	if (pl->csv) {
		char n[16];

		snprintf(n, sizeof(n), "%d", p->nprints);
		export_csv_field(stdout, p->id, true);
		export_csv_field(stdout, p->name, false);
		export_csv_field(stdout, p->jabatan, false);
		export_csv_field(stdout, since, false);
		export_csv_field(stdout, p->until == PD_DAY_OPEN ? "" : until,
				 false);
		export_csv_field(stdout, n, false);
		fputs("\r\n", stdout);
		return 0;
	}
	textwidth_put(stdout, p->id, pl->id_cols, false);
	putchar(' ');
	textwidth_put(stdout, p->name, LIST_NAME_COLS, false);
	putchar(' ');
	textwidth_put(stdout, p->jabatan, LIST_JABATAN_COLS, false);
	printf(" %s  %-10s %d\n", since, until, p->nprints);
	return 0;
}

static int cmd_person_list(const struct cli_args *a)
{
	struct store *st = open_ro();
	const char *fmt = cli_get(a, "format");
	struct person_list pl = {.csv = fmt && strcmp(fmt, "csv") == 0,
				 .id_cols = LIST_ID_COLS};
	int rc;

	if (fmt && !pl.csv && strcmp(fmt, "text"))
		die_usage("person list: --format must be text or csv");
	if (!st)
		return 1;
	if (pl.csv) {
		printf("id,nama,jabatan,sejak,sampai,sidik_jari\r\n");
	} else {
		rc = store_person_each(st, measure_person, &pl);
		if (rc < 0)
			goto out;
		textwidth_put(stdout, "ID", pl.id_cols, false);
		putchar(' ');
		textwidth_put(stdout, "Nama", LIST_NAME_COLS, false);
		putchar(' ');
		textwidth_put(stdout, "Jabatan", LIST_JABATAN_COLS, false);
		printf(" %-10s  %-10s %s\n", "Sejak", "Sampai", "Jari");
	}
	rc = store_person_each(st, print_person, &pl);
out:
	store_close(st);
	return rc < 0 ? 1 : 0;
}

static int print_profile(void *ud, pd_day_t from, const char *version,
			 const char *name, const char *text, int64_t seq)
{
	char d[CIVIL_DATE_LEN];

	(void)ud;
	(void)text;
	civil_date_format(from, d);
	printf("%s  %.16s  seq %-6lld %s\n", d, version, (long long)seq, name);
	return 0;
}

static void show_hours(const char *label, const struct rules_hours *h,
		       const struct rules_window *mw,
		       const struct rules_window *pw)
{
	static const char *const wd[] = {"Senin", "Selasa", "Rabu",  "Kamis",
					 "Jumat", "Sabtu",  "Minggu"};

	printf("%s\n", label);
	for (int i = 0; i < CIVIL_WEEKDAYS; i++) {
		char a[CIVIL_TIME_LEN], b[CIVIL_TIME_LEN], c[CIVIL_TIME_LEN],
			e[CIVIL_TIME_LEN], f[CIVIL_TIME_LEN], g[CIVIL_TIME_LEN];

		if (!h[i].working) {
			printf("  %-7s libur\n", wd[i]);
			continue;
		}
		civil_time_format(h[i].start_s, a);
		civil_time_format(h[i].end_s, b);
		civil_time_format(mw[i].from_s, c);
		civil_time_format(mw[i].to_s % 86400, e);
		civil_time_format(pw[i].from_s, f);
		civil_time_format(pw[i].to_s % 86400, g);
		printf("  %-7s %s-%s  masuk %s-%s  pulang %s-%s\n", wd[i], a, b,
		       c, e, f, g);
	}
}

static int cmd_profile(const struct cli_args *a, int show)
{
	struct store *st = open_ro();
	struct facts *f;
	const struct rules_profile *p;
	char err[1024], d[CIVIL_DATE_LEN];
	pd_day_t day, from;
	int32_t sec;
	int64_t utc;
	int rc;

	if (!st)
		return 1;
	if (!show) {
		printf("%-10s  %-16s  %-10s %s\n", "Berlaku", "Versi", "Baris",
		       "Nama");
		rc = store_profile_each(st, print_profile, NULL);
		store_close(st);
		return rc < 0 ? 1 : 0;
	}
	today_now(&day, &sec, &utc);
	if (cli_get(a, "date") && civil_date_parse(cli_get(a, "date"), &day))
		die_usage("profile show: --date must be YYYY-MM-DD");
	rc = store_facts_load(st, &f, err, sizeof(err));
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "presensi: %s\n", err);
		return 1;
	}
	p = rules_set_find(facts_rules(f), day, &from);
	civil_date_format(day, d);
	if (!p) {
		printf("no profile in force on %s\n", d);
		facts_free(f);
		return 1;
	}
	printf("Profil      %s\nDasar hukum %s\nVersi       %s\n"
	       "Toleransi   %d detik\n",
	       p->name, p->reference, p->version, p->grace_s);
	civil_date_format(from, d);
	printf("Berlaku     sejak %s\n", d);
	show_hours("Jam kerja:", p->hours, p->masuk, p->pulang);
	if (p->has_ramadan) {
		char r1[CIVIL_DATE_LEN], r2[CIVIL_DATE_LEN], lbl[64];

		civil_date_format(p->ramadan_from, r1);
		civil_date_format(p->ramadan_to, r2);
		snprintf(lbl, sizeof(lbl), "Ramadan %s s.d. %s:", r1, r2);
		show_hours(lbl, p->ramadan_hours, p->ramadan_masuk,
			   p->ramadan_pulang);
	}
	facts_free(f);
	return 0;
}

static int cmd_calendar_list(const struct cli_args *a)
{
	struct store *st = open_ro();
	const struct calendar_set *cs;
	struct facts *f;
	char err[1024], *end;
	long year = strtol(cli_get(a, "year"), &end, 10);
	int rc, n = 0;

	if (*end || year < CIVIL_YEAR_MIN || year > CIVIL_YEAR_MAX)
		die_usage("calendar list: --year must be YYYY");
	if (!st)
		return 1;
	rc = store_facts_load(st, &f, err, sizeof(err));
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "presensi: %s\n", err);
		return 1;
	}
	cs = facts_calendar(f);
	for (int i = 0; i < cs->nfiles; i++)
		if (cs->files[i].year == year)
			printf("# %s (versi %.16s)\n", cs->files[i].name,
			       cs->files[i].version);
	for (int i = 0; i < cs->n; i++) {
		int y, m, dd;
		char d[CIVIL_DATE_LEN];

		civil_to_ymd(cs->e[i].day, &y, &m, &dd);
		if (y != year)
			continue;
		civil_date_format(cs->e[i].day, d);
		printf("%s  %-6s  %-13s %s%s\n", d,
		       civil_weekday_name_id(civil_weekday(cs->e[i].day)),
		       calendar_kind_label(cs->e[i].kind), cs->e[i].name,
		       cs->e[i].file < 0 ? "  (ditambahkan)" : "");
		n++;
	}
	printf("%d hari\n", n);
	facts_free(f);
	return 0;
}

/* Exactly one of --date/--week/--month/--quarter/--year (or a default). */
static int period_of(const struct cli_args *a, const char *dflt_kind,
		     enum civil_period_kind *kind, pd_day_t *first,
		     pd_day_t *last)
{
	static const char *const kinds[] = {"date", "week", "month", "quarter",
					    "year"};
	const char *which = NULL, *text = NULL;
	char err[256], today_s[CIVIL_DATE_LEN];
	pd_day_t day;
	int32_t sec;
	int64_t utc;

	for (size_t i = 0; i < 5; i++) {
		const char *v = cli_get(a, kinds[i]);

		if (!v)
			continue;
		if (which) {
			fprintf(stderr, "presensi: give only one of --date, "
					"--week, --month, --quarter, --year\n");
			exit(2);
		}
		which = kinds[i];
		text = v;
	}
	if (!which) {
		if (!dflt_kind) {
			fprintf(stderr,
				"presensi: %s: give --date, --week, "
				"--month, --quarter or --year\n",
				a->cmd->words);
			exit(2);
		}
		today_now(&day, &sec, &utc);
		civil_date_format(day, today_s);
		which = dflt_kind;
		text = today_s;
	}
	if (civil_period_kind_parse(which, kind) < 0 ||
	    civil_period_parse(*kind, text, first, last, err, sizeof(err)) <
		    0) {
		fprintf(stderr, "presensi: %s\n", err); /* names --option */
		exit(2);
	}
	return 0;
}

static int print_excuse(void *ud, const struct excuse *e)
{
	char f[CIVIL_DATE_LEN], t[CIVIL_DATE_LEN];

	(void)ud;
	civil_date_format(e->from_day, f);
	civil_date_format(e->to_day, t);
	printf("%-5lld %-12s %s %s %-11s %-12s %s%s%s%s\n", (long long)e->id,
	       e->person, f, t, e->kind, e->part[0] ? e->part : "sehari penuh",
	       e->reason, e->document[0] ? " [" : "", e->document,
	       e->document[0] ? "]" : "");
	if (e->revoked)
		printf("      DICABUT: %s\n", e->revoke_reason);
	return 0;
}

static int cmd_excuse_list(const struct cli_args *a)
{
	enum civil_period_kind kind;
	pd_day_t first, last;
	struct store *st;
	int rc;

	period_of(a, "month", &kind, &first, &last);
	st = open_ro();
	if (!st)
		return 1;
	rc = store_excuse_each(st, first, last, cli_get(a, "id"), print_excuse,
			       NULL);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

struct punch_list {
	struct punch *p;
	size_t n, cap;
};

static int collect_punch(void *ud, const struct punch *p)
{
	struct punch_list *l = ud;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct punch *np = reallocarray(l->p, nc, sizeof(*np));

		if (!np)
			return -ENOMEM;
		l->p = np;
		l->cap = nc;
	}
	l->p[l->n++] = *p;
	return 0;
}

/* The store gives punches by person; people read them by time. */
static int cmp_punch_time(const void *a, const void *b)
{
	const struct punch *x = a, *y = b;

	if (x->at_utc != y->at_utc)
		return x->at_utc < y->at_utc ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_punch(struct store *st, const struct punch *p, int csv,
			size_t id_cols)
{
	struct person who;
	char local[CIVIL_LOCAL_LEN], iso[21], flags[RECORDS_FLAGS_MAX];

	if (store_person_get(st, p->person, &who) < 0)
		snprintf(who.name, sizeof(who.name), "?");
	civil_local_format(p->at_utc, cf->offset_min, local);
	ledger_iso_utc(p->at_utc, iso);
	records_flags_format(p->flags, RECORDS_FLAG_WORD, ' ', flags);
	if (csv) {
		char seq[24];

		snprintf(seq, sizeof(seq), "%lld", (long long)p->seq);
		export_csv_field(stdout, seq, true);
		export_csv_field(stdout, p->person, false);
		export_csv_field(stdout, who.name, false);
		export_csv_field(stdout, local + 11, false);
		export_csv_field(stdout, iso, false);
		export_csv_field(stdout, p->source, false);
		export_csv_field(stdout, flags, false);
		fputs("\r\n", stdout);
		return;
	}
	printf("%6lld  %s  ", (long long)p->seq, local + 11);
	textwidth_put(stdout, p->person, id_cols, false);
	putchar(' ');
	textwidth_put(stdout, who.name, LIST_NAME_COLS, false);
	printf(" %-7s %s\n", p->source, flags);
}

static int cmd_punches(const struct cli_args *a)
{
	struct punch_list l = {0};
	const char *fmt = cli_get(a, "format");
	char d[CIVIL_DATE_LEN];
	struct store *st;
	pd_day_t day;
	int32_t sec;
	int64_t utc;
	size_t id_cols = LIST_ID_COLS;
	int rc, csv;

	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "text"))
		die_usage("punches: --format must be text or csv");
	csv = fmt && strcmp(fmt, "csv") == 0;
	if (cli_get(a, "date")) {
		if (civil_date_parse(cli_get(a, "date"), &day) < 0)
			die_usage("punches: --date must be YYYY-MM-DD");
	} else {
		today_now(&day, &sec, &utc);
	}
	st = open_ro();
	if (!st)
		return 1;
	rc = store_punch_each(st, day, day, NULL, collect_punch, &l);
	if (rc < 0) {
		fprintf(stderr, "presensi: cannot read punches: %s\n",
			strerror(-rc));
		store_close(st);
		free(l.p);
		return 1;
	}
	qsort(l.p, l.n, sizeof(*l.p), cmp_punch_time);
	civil_date_format(day, d);
	for (size_t i = 0; i < l.n; i++) {
		size_t w = textwidth_measure(l.p[i].person);

		if (w > id_cols)
			id_cols = w;
	}
	if (csv) {
		printf("seq,id,nama,jam,utc,sumber,tanda\r\n");
	} else {
		printf("Presensi %s, %s (%s)\n%6s  %-8s  ", d, cf->desa_name,
		       civil_tz_abbrev(cf->offset_min), "Seq", "Jam");
		textwidth_put(stdout, "ID", id_cols, false);
		putchar(' ');
		textwidth_put(stdout, "Nama", LIST_NAME_COLS, false);
		printf(" %-7s %s\n", "Sumber", "Tanda");
	}
	for (size_t i = 0; i < l.n; i++)
		print_punch(st, &l.p[i], csv, id_cols);
	if (!csv)
		printf("%zu presensi\n", l.n);
	store_close(st);
	free(l.p);
	return 0;
}

static int cmd_chain_verify(void)
{
	struct store *st = open_ro();
	int64_t rows = 0, bad = 0, seq, utc;
	char why[512], head[PD_HASH_HEX];
	int rc;

	if (!st)
		return 1;
	rc = store_chain_verify(st, &rows, &bad, why, sizeof(why));
	if (rc == 0 && store_ledger_head(st, &seq, &utc, head) == 0)
		printf("chain OK: %lld rows, head %s\n", (long long)rows, head);
	else if (rc == -EBADMSG)
		printf("chain BROKEN at seq %lld: %s\n", (long long)bad, why);
	else
		fprintf(stderr, "presensi: chain verify: %s\n", strerror(-rc));
	store_close(st);
	return rc == 0 ? 0 : 1;
}

static int cmd_rekap(const struct cli_args *a, int ringkas)
{
	struct report_opts o;
	struct report *r = NULL;
	struct export_days days = {0};
	struct export_opts eo = {0};
	struct export_xlsx *xw = NULL;
	struct export_daily_csv dcsv;
	struct rekap_deduction ded;
	const char *fmt = ringkas ? "ringkas" : cli_get(a, "format");
	const char *out = ringkas ? NULL : cli_get(a, "out");
	struct store *st;
	char err[1024];
	struct atomicfile *af = NULL;
	FILE *fp = stdout;
	int rc = 0, daily = !ringkas && cli_get(a, "daily") != NULL;

	if (!fmt)
		fmt = "text";
	if (strcmp(fmt, "text") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx") &&
	    strcmp(fmt, "html") && strcmp(fmt, "ringkas"))
		die_usage("rekap: --format must be text, csv, xlsx or html");
	if (strcmp(fmt, "xlsx") == 0 && !out)
		die_usage("rekap: --format xlsx needs --out FILE.xlsx");
	memset(&o, 0, sizeof(o));
	period_of(a, ringkas ? "date" : NULL, &o.kind, &o.first, &o.last);
	if (ringkas && o.kind != CIVIL_PERIOD_DATE &&
	    o.kind != CIVIL_PERIOD_WEEK)
		die_usage("ringkas: give --date or --week");
	today_now(&o.today, &o.now_sec, &o.now_utc);
	o.desa_id = cf->desa_id;
	o.desa_name = cf->desa_name;
	o.offset_min = cf->offset_min;
	o.person = ringkas ? NULL : cli_get(a, "id");
	/* Day rows: the XLSX and the daily CSV write them as they are
	 * judged (a year of a kabupaten is 1.8 M); the text and HTML of one
	 * date collect them; nothing else needs them. */
	if (o.kind == CIVIL_PERIOD_DATE &&
	    (!strcmp(fmt, "text") || !strcmp(fmt, "html"))) {
		o.day_fn = export_days_collect;
		o.day_ud = &days;
	}
	eo.days = &days;
	rekap_deduction_off(&ded);
	if (!ringkas && cli_get(a, "deductions")) {
		rekap_deduction_permentan(&ded);
		eo.deduction = &ded;
	}
	if (out && strcmp(fmt, "xlsx") != 0) {
		/* a power cut or a full disk leaves the old file, never a
		 * truncated one */
		rc = atomicfile_open(out, 0666, 0, &af);
		if (rc < 0) {
			fprintf(stderr, "presensi: %s: %s\n", out,
				strerror(-rc));
			return 1;
		}
		fp = atomicfile_stream(af);
	}
	if (strcmp(fmt, "xlsx") == 0) {
		rc = export_xlsx_begin(out, &eo, &xw, err, sizeof(err));
		o.day_fn = export_xlsx_day;
		o.day_ud = xw;
	} else if (daily && strcmp(fmt, "csv") == 0) {
		rc = export_csv_daily_begin(&dcsv, fp, o.desa_id, o.offset_min);
		o.day_fn = export_csv_daily_day;
		o.day_ud = &dcsv;
	}
	st = rc < 0 ? NULL : open_ro();
	if (rc < 0)
		fprintf(stderr, "presensi: %s\n", err);
	if (st) {
		rc = store_report_build(st, &o, &r, err, sizeof(err));
		store_close(st);
		if (rc < 0)
			fprintf(stderr, "presensi: %s\n", err);
	}
	if (!st || rc < 0) {
		export_xlsx_abort(xw);
		if (af)
			atomicfile_abort(af);
		export_days_free(&days);
		return 1;
	}
	if (strcmp(fmt, "text") == 0)
		rc = export_text(fp, r, &eo);
	else if (strcmp(fmt, "csv") == 0)
		rc = daily ? export_csv_daily_end(&dcsv)
			   : export_csv(fp, r, &eo);
	else if (strcmp(fmt, "html") == 0)
		rc = export_html(fp, r, &eo);
	else if (strcmp(fmt, "ringkas") == 0)
		rc = export_ringkas(fp, r);
	else {
		rc = export_xlsx_finish(xw, r, err, sizeof(err));
		if (rc < 0)
			fprintf(stderr, "presensi: %s\n", err);
		else
			printf("written %s\n", out);
	}
	if (af) {
		if (rc == 0)
			rc = atomicfile_commit(af);
		else
			atomicfile_abort(af);
	}
	if (rc < 0 && strcmp(fmt, "xlsx"))
		fprintf(stderr, "presensi: cannot write the report: %s\n",
			strerror(-rc));
	report_free(r);
	export_days_free(&days);
	return rc < 0 ? 1 : 0;
}

/* ---- the handlers of the command table ---- */

/* What a sent command prints when the daemon says ok. */
enum shown {
	SHOW_NONE = 0,
	SHOW_OPT,      /* "<done> <first option's value>" */
	SHOW_OK,       /* "<done> (<the ok line's field>)" */
	SHOW_OK_ALONE, /* "<the ok line's field>" */
};

/* Sends the request cmd with each named option as key=value (names:
 * pairs of CLI option and request key, NULL-ended) and prints what shown
 * says.  Returns the exit code (request()). */
static int send_opts(const struct cli_args *a, const char *cmd,
		     const char *const *names, enum shown shown,
		     const char *done)
{
	struct req *r = calloc(1, sizeof(*r));
	const char *first = names[0] ? cli_get(a, names[0]) : NULL;
	char ok[256] = "";
	int rc;

	if (!r)
		return CLI_EXIT_REFUSED;
	req_start(r, cmd);
	req_opts(r, a, names);
	rc = req_send(r, ok, sizeof(ok));
	if (rc == 0 && shown == SHOW_OPT)
		printf("%s %s\n", done, first ? first : "");
	else if (rc == 0 && shown == SHOW_OK)
		printf("%s (%s)\n", done, ok);
	else if (rc == 0 && shown == SHOW_OK_ALONE)
		printf("%s\n", ok);
	free(r);
	return rc;
}

#define SEND(c, a, cmd, shown, done, ...)                                      \
	do {                                                                   \
		static const char *const names_[] = {__VA_ARGS__, NULL};       \
		cf = (c);                                                      \
		return send_opts((a), (cmd), names_, (shown), (done));         \
	} while (0)

int cli_run_person_add(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "person-add", SHOW_OPT, "added", "id", "id", "name", "name",
	     "jabatan", "jabatan", "since", "since");
}

int cli_run_person_deactivate(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "person-deactivate", SHOW_OPT,
	     "deactivated (prints deleted)", "id", "id", "on", "on");
}

int cli_run_person_reactivate(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "person-reactivate", SHOW_OPT, "reactivated", "id", "id",
	     "since", "since");
}

int cli_run_person_list(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_person_list(a);
}

/* The enrolment request, with the consent given and its text's version. */
static int send_enroll(const struct conf *c, const struct cli_args *a)
{
	static const char *const names[] = {"id",      "id",	  "finger",
					    "finger",  "reader",  "reader",
					    "consent", "consent", NULL};
	struct req *r = calloc(1, sizeof(*r));
	char ok[256] = "";
	int rc;

	if (!r)
		return CLI_EXIT_REFUSED;
	cf = c;
	req_start(r, "enroll");
	req_opts(r, a, names);
	control_buf_addkv(&r->b, "consent_version", PD_CONSENT_VERSION);
	rc = req_send(r, ok, sizeof(ok));
	if (rc == 0)
		printf("enrolled (%s)\n", ok);
	free(r);
	return rc;
}

/* UU 27/2022 (DOMAIN §6.5): the consent text first, every time; the
 * scan starts only with --consent yes, and the request names the text's
 * version, which the "print enrol" row records. */
int cli_run_enroll(const struct conf *c, const struct cli_args *a)
{
	const char *consent = cli_get(a, "consent");

	printf("Teks persetujuan (versi %s), untuk %s, jari %s:\n\n%s\n",
	       PD_CONSENT_VERSION, cli_get(a, "id"), cli_get(a, "finger"),
	       PD_CONSENT_TEXT);
	fflush(stdout);
	if (!consent) {
		fprintf(stderr,
			"presensi: enroll: read this text to the person; if "
			"they agree, run the command again with --consent yes "
			"(nothing was scanned)\n");
		return CLI_EXIT_USAGE;
	}
	if (strcmp(consent, "no") == 0) {
		fprintf(stderr, "presensi: enroll: no consent: nothing was "
				"enrolled\n");
		return CLI_EXIT_REFUSED;
	}
	if (strcmp(consent, "yes") != 0)
		die_usage("enroll: --consent must be yes (or no)");
	return send_enroll(c, a);
}

int cli_run_profile_import(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	/* a retroactive import is an explicit act with its reason
	 * (DOMAIN §2.3): the two options come together */
	if (cli_get(a, "retroactive") && !cli_get(a, "reason"))
		die_usage("profile import: --retroactive needs --reason "
			  "(the Perbup's date and number)");
	if (cli_get(a, "reason") && !cli_get(a, "retroactive"))
		die_usage("profile import: --reason is only for a "
			  "--retroactive import");
	return cmd_import(a, "profile-import");
}

int cli_run_profile_list(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_profile(a, 0);
}

int cli_run_profile_show(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_profile(a, 1);
}

int cli_run_calendar_import(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_import(a, "calendar-import");
}

int cli_run_calendar_list(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_calendar_list(a);
}

int cli_run_calendar_add(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "calendar-add", SHOW_OPT, "added", "date", "date", "name",
	     "name", "kind", "kind");
}

int cli_run_calendar_remove(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "calendar-remove", SHOW_OPT, "removed", "date", "date",
	     "reason", "reason");
}

int cli_run_excuse_add(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "excuse-add", SHOW_OK, "recorded", "id", "id", "from",
	     "from", "to", "to", "kind", "kind", "partial", "part", "reason",
	     "reason", "document", "document");
}

int cli_run_excuse_list(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_excuse_list(a);
}

int cli_run_excuse_revoke(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "excuse-revoke", SHOW_OK, "revoked", "excuse", "excuse",
	     "reason", "reason");
}

int cli_run_punch_manual(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "punch-manual", SHOW_OK, "manual punch recorded", "id", "id",
	     "at", "at", "reason", "reason");
}

int cli_run_punches(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_punches(a);
}

int cli_run_status(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "status", SHOW_NONE, NULL, NULL);
}

int cli_run_rekap(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_rekap(a, 0);
}

int cli_run_ringkas(const struct conf *c, const struct cli_args *a)
{
	cf = c;
	return cmd_rekap(a, 1);
}

int cli_run_chain_verify(const struct conf *c, const struct cli_args *a)
{
	(void)a;
	cf = c;
	return cmd_chain_verify();
}

int cli_run_clock_set(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "clock-set", SHOW_NONE, NULL, "at", "at");
}

int cli_run_wait_armed(const struct conf *c, const struct cli_args *a)
{
	SEND(c, a, "wait-armed", SHOW_OK_ALONE, NULL, "reader", "reader",
	     "after", "after", "timeout", "timeout_ms");
}
