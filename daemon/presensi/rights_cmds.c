/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rights_cmds.c: a person's data rights in the presensi CLI (UU 27/2022,
 * DOMAIN §6.5).  "person report" shows everything the box holds about one
 * person, never a template, as text or CSV, straight from the database
 * read-only (it works while the daemon is down); "person forget-prints"
 * asks presensid to delete every template of one person at once (audited:
 * a "print delete" ledger row each); their attendance records stay.
 * Also cli_ask(), the request helper the backup commands share.
 */
#include "cli_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "control.h"
#include "control_client.h"
#include "export.h"
#include "ledger.h"
#include "records.h"
#include "store.h"

#define REPLY_MAX 8192
#define REQ_LINE  1024

int cli_ask(const struct conf *c, const char *line, int pass_fd, char *ok,
	    size_t ok_cap)
{
	struct control_reader rb;
	static char buf[REPLY_MAX];
	int fd = control_connect(c->socket_path), rc;

	if (ok && ok_cap)
		ok[0] = '\0';
	if (fd < 0) {
		fprintf(stderr,
			"presensi: cannot reach presensid at %s: %s (is the "
			"daemon running?)\n",
			c->socket_path, strerror(-fd));
		return CLI_EXIT_REFUSED;
	}
	rc = pass_fd >= 0
		     ? control_write_all_fd(fd, line, strlen(line), pass_fd)
		     : control_write_all(fd, line, strlen(line));
	memset(&rb, 0, sizeof(rb));
	while (rc == 0) {
		struct control_msg m;

		rc = control_read_line(fd, &rb, buf, sizeof(buf));
		if (rc < 0)
			break;
		rc = 0;
		if (control_parse(buf, &m) < 0)
			continue;
		if (strcmp(m.field[0], "progress") == 0 && m.nfields > 1) {
			printf("  %s\n", m.field[1]);
			fflush(stdout);
		} else if (strcmp(m.field[0], "kv") == 0 && m.nfields > 2) {
			printf("%-16s %s\n", m.field[1], m.field[2]);
		} else if (strcmp(m.field[0], "ok") == 0) {
			if (ok && ok_cap)
				snprintf(ok, ok_cap, "%s",
					 m.nfields > 1 ? m.field[1] : "");
			close(fd);
			return CLI_EXIT_OK;
		} else if (strcmp(m.field[0], "err") == 0) {
			fprintf(stderr, "presensi: %s\n",
				m.nfields > 2 ? m.field[2] : "refused");
			close(fd);
			return cli_exit_for_error(m.nfields > 1 ? m.field[1]
								: "");
		}
	}
	fprintf(stderr, "presensi: the daemon closed the connection\n");
	close(fd);
	return CLI_EXIT_REFUSED;
}

/* ---- person forget-prints ---- */

int cli_run_person_forget_prints(const struct conf *c, const struct cli_args *a)
{
	const char *id = cli_get(a, "id");
	char line[REQ_LINE], ok[64];
	struct control_buf b;
	int rc;

	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "person-forget-prints");
	control_buf_addkv(&b, "id", id);
	control_buf_addkv(&b, "reason", cli_get(a, "reason"));
	if (control_buf_end(&b) < 0) {
		fprintf(stderr, "presensi: person forget-prints: --reason is "
				"too long\n");
		return CLI_EXIT_USAGE;
	}
	rc = cli_ask(c, line, -1, ok, sizeof(ok));
	if (rc != CLI_EXIT_OK)
		return rc;
	printf("deleted %s prints of %s (a \"print delete\" row each); "
	       "their attendance records stay: they are official records of "
	       "the desa\n",
	       strncmp(ok, "count=", 6) == 0 ? ok + 6 : "?", id);
	return CLI_EXIT_OK;
}

/* ---- person report ---- */

/* A growing array of records of one kind. */
struct recs {
	void *v;
	size_t n, cap;
};

static int recs_add(struct recs *r, const void *rec, size_t size)
{
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		void *nv = reallocarray(r->v, nc, size);

		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = nc;
	}
	memcpy((char *)r->v + r->n * size, rec, size);
	r->n++;
	return 0;
}

/* Everything store_subject_each gave, kind by kind. */
struct subject_data {
	struct person who;
	struct recs periods, prints, facts, punches, excuses, audit;
};

static int add_period(void *ud, const struct period *p)
{
	return recs_add(&((struct subject_data *)ud)->periods, p, sizeof(*p));
}

static int add_print(void *ud, const struct print_rec *r)
{
	return recs_add(&((struct subject_data *)ud)->prints, r, sizeof(*r));
}

static int add_fact(void *ud, const struct store_print_fact *f)
{
	return recs_add(&((struct subject_data *)ud)->facts, f, sizeof(*f));
}

static int add_punch(void *ud, const struct punch *p)
{
	return recs_add(&((struct subject_data *)ud)->punches, p, sizeof(*p));
}

static int add_excuse(void *ud, const struct excuse *e)
{
	return recs_add(&((struct subject_data *)ud)->excuses, e, sizeof(*e));
}

static int add_audit(void *ud, const struct store_audit_rec *a)
{
	return recs_add(&((struct subject_data *)ud)->audit, a, sizeof(*a));
}

static void subject_data_free(struct subject_data *d)
{
	free(d->periods.v);
	free(d->prints.v);
	free(d->facts.v);
	free(d->punches.v);
	free(d->excuses.v);
	free(d->audit.v);
}

#define FOR_EACH(type, x, recs)                                                \
	for (const type *x = (recs).v; x < (const type *)(recs).v + (recs).n;  \
	     x++)

/* "root (uid 0)", or the name alone when no uid was recorded. */
static void who_text(const char *by, int64_t uid, char *out, size_t cap)
{
	if (uid == ACTOR_UID_NONE)
		snprintf(out, cap, "%s", by);
	else
		snprintf(out, cap, "%s (uid %lld)", by, (long long)uid);
}

/* ---- as text ---- */

struct text_ctx {
	const struct conf *c;
	char local[CIVIL_LOCAL_LEN]; /* scratch */
};

static const char *local_of(struct text_ctx *t, int64_t utc)
{
	civil_local_format(utc, t->c->offset_min, t->local);
	return t->local;
}

static void text_head(const char *title, size_t n)
{
	printf("\n%s (%zu)\n", title, n);
	if (n == 0)
		printf("  tidak ada\n");
}

static void report_text(const struct conf *c, const struct subject_data *d,
			int64_t now)
{
	const char *tz = civil_tz_abbrev(c->offset_min);
	struct text_ctx t = {c, ""};
	char day1[CIVIL_DATE_LEN], day2[CIVIL_DATE_LEN], by[PD_NAME_MAX + 32];
	char flags[RECORDS_FLAGS_MAX];

	printf("Data pribadi yang disimpan alat ini tentang %s\n", d->who.id);
	printf("Desa %s (%s); dibaca %s %s\n", c->desa_name, c->desa_id,
	       local_of(&t, now), tz);
	printf("Templat sidik jari tidak pernah ditampilkan, diekspor atau "
	       "dicadangkan.\n");
	printf("\nOrang\n  ID       %s\n  Nama     %s\n  Jabatan  %s\n",
	       d->who.id, d->who.name, d->who.jabatan);

	text_head("Masa aktif", d->periods.n);
	FOR_EACH(struct period, p, d->periods)
	{
		civil_date_format(p->since, day1);
		if (p->until == PD_DAY_OPEN)
			snprintf(day2, sizeof(day2), "sekarang");
		else
			civil_date_format(p->until, day2);
		printf("  %s s.d. %s\n", day1, day2);
	}

	text_head("Sidik jari terdaftar sekarang", d->prints.n);
	FOR_EACH(struct print_rec, r, d->prints)
	printf("  sidik jari #%lld  %-12s %s  sejak %s %s\n", (long long)r->key,
	       r->finger, r->model, local_of(&t, r->created_utc), tz);

	text_head("Persetujuan dan pendaftaran sidik jari", d->facts.n);
	FOR_EACH(struct store_print_fact, f, d->facts)
	{
		bool enrol = strcmp(f->action, "enrol") == 0;

		who_text(f->by, f->uid, by, sizeof(by));
		printf("  seq %-6lld %s %s  %-6s sidik jari #%lld  %-12s %s  ",
		       (long long)f->seq, local_of(&t, f->recorded_utc), tz,
		       enrol ? "daftar" : "hapus", (long long)f->print,
		       f->finger, f->model);
		if (enrol)
			printf("persetujuan %s", f->consent);
		else
			printf("alasan: %s", f->reason);
		printf("  oleh %s\n", by);
	}

	text_head("Presensi", d->punches.n);
	FOR_EACH(struct punch, p, d->punches)
	{
		records_flags_format(p->flags, RECORDS_FLAG_WORD, ' ', flags);
		printf("  seq %-6lld %s %s  %-6s %s", (long long)p->seq,
		       local_of(&t, p->at_utc), tz, p->source, p->reader);
		if (*flags)
			printf("  [%s]", flags);
		if (p->flags & PUNCH_F_MANUAL) {
			who_text(p->by, p->by_uid, by, sizeof(by));
			printf("  alasan: %s; oleh %s", p->reason, by);
		}
		printf("\n");
	}

	text_head("Keterangan", d->excuses.n);
	FOR_EACH(struct excuse, e, d->excuses)
	{
		civil_date_format(e->from_day, day1);
		civil_date_format(e->to_day, day2);
		who_text(e->by, e->by_uid, by, sizeof(by));
		printf("  no %-6lld %s s.d. %s  %-10s %s  %s%s%s%s  oleh %s\n",
		       (long long)e->id, day1, day2, e->kind,
		       e->part[0] ? e->part : "sehari penuh", e->reason,
		       e->document[0] ? " [" : "", e->document,
		       e->document[0] ? "]" : "", by);
		if (e->revoked)
			printf("         DICABUT: %s\n", e->revoke_reason);
	}

	text_head("Catatan audit", d->audit.n);
	FOR_EACH(struct store_audit_rec, a, d->audit)
	{
		who_text(a->actor, a->uid, by, sizeof(by));
		printf("  %s %s  %-17s oleh %s%s%s\n", local_of(&t, a->at_utc),
		       tz, a->action, by, a->detail[0] ? "  " : "", a->detail);
	}
}

/* ---- as CSV: one table, a row per record, "bagian" says which ---- */

enum csv_col {
	COL_BAGIAN,
	COL_SEQ,
	COL_WAKTU_UTC,
	COL_TANGGAL,
	COL_JAM,
	COL_SAMPAI,
	COL_JENIS,
	COL_JARI,
	COL_MODEL,
	COL_PERSETUJUAN,
	COL_RINCIAN,
	COL_DOKUMEN,
	COL_ALASAN,
	COL_OLEH,
	COL_UID,
	COL_N
};

static const char *const csv_head[COL_N] = {
	"bagian",  "seq",     "waktu_utc", "tanggal", "jam",
	"sampai",  "jenis",   "jari",	   "model",   "versi_persetujuan",
	"rincian", "dokumen", "alasan",	   "oleh",    "uid",
};

/* One row: every cell neutralised for spreadsheets (export.h). */
static void csv_row(const char *const cells[COL_N])
{
	for (int i = 0; i < COL_N; i++)
		export_csv_field(stdout, cells[i] ? cells[i] : "", i == 0);
	fputs("\r\n", stdout);
}

/* The UTC, local day and local time cells of an instant. */
struct csv_time {
	char iso[21], day[CIVIL_DATE_LEN], hms[9];
};

static void csv_time_of(const struct conf *c, int64_t utc, struct csv_time *t)
{
	char local[CIVIL_LOCAL_LEN];

	ledger_iso_utc(utc, t->iso);
	civil_local_format(utc, c->offset_min, local);
	snprintf(t->day, sizeof(t->day), "%.10s", local);
	snprintf(t->hms, sizeof(t->hms), "%.8s", local + 11);
}

static void report_csv(const struct conf *c, const struct subject_data *d)
{
	char seq[24], uid[24], day2[CIVIL_DATE_LEN], detail[64];
	char flags[RECORDS_FLAGS_MAX];
	struct csv_time t;

	csv_row(csv_head);
	{
		const char *rows[3][2] = {{"id", d->who.id},
					  {"nama", d->who.name},
					  {"jabatan", d->who.jabatan}};

		for (int i = 0; i < 3; i++)
			csv_row((const char *const[COL_N]){
				[COL_BAGIAN] = "orang",
				[COL_JENIS] = rows[i][0],
				[COL_RINCIAN] = rows[i][1]});
	}
	FOR_EACH(struct period, p, d->periods)
	{
		civil_date_format(p->since, t.day);
		if (p->until == PD_DAY_OPEN)
			day2[0] = '\0';
		else
			civil_date_format(p->until, day2);
		csv_row((const char *const[COL_N]){[COL_BAGIAN] = "masa_aktif",
						   [COL_TANGGAL] = t.day,
						   [COL_SAMPAI] = day2,
						   [COL_JENIS] = "aktif"});
	}
	FOR_EACH(struct print_rec, r, d->prints)
	{
		csv_time_of(c, r->created_utc, &t);
		snprintf(detail, sizeof(detail), "sidik_jari=%lld",
			 (long long)r->key);
		csv_row((const char *const[COL_N]){
			[COL_BAGIAN] = "sidik_jari_sekarang",
			[COL_WAKTU_UTC] = t.iso,
			[COL_TANGGAL] = t.day,
			[COL_JAM] = t.hms,
			[COL_JENIS] = "terdaftar",
			[COL_JARI] = r->finger,
			[COL_MODEL] = r->model,
			[COL_RINCIAN] = detail});
	}
	FOR_EACH(struct store_print_fact, f, d->facts)
	{
		csv_time_of(c, f->recorded_utc, &t);
		snprintf(seq, sizeof(seq), "%lld", (long long)f->seq);
		snprintf(detail, sizeof(detail), "sidik_jari=%lld",
			 (long long)f->print);
		uid[0] = '\0';
		if (f->uid != ACTOR_UID_NONE)
			snprintf(uid, sizeof(uid), "%lld", (long long)f->uid);
		csv_row((const char *const[COL_N]){[COL_BAGIAN] = "persetujuan",
						   [COL_SEQ] = seq,
						   [COL_WAKTU_UTC] = t.iso,
						   [COL_TANGGAL] = t.day,
						   [COL_JAM] = t.hms,
						   [COL_JENIS] = f->action,
						   [COL_JARI] = f->finger,
						   [COL_MODEL] = f->model,
						   [COL_PERSETUJUAN] =
							   f->consent,
						   [COL_RINCIAN] = detail,
						   [COL_ALASAN] = f->reason,
						   [COL_OLEH] = f->by,
						   [COL_UID] = uid});
	}
	FOR_EACH(struct punch, p, d->punches)
	{
		csv_time_of(c, p->at_utc, &t);
		snprintf(seq, sizeof(seq), "%lld", (long long)p->seq);
		records_flags_format(p->flags, RECORDS_FLAG_WORD, ' ', flags);
		uid[0] = '\0';
		if ((p->flags & PUNCH_F_MANUAL) && p->by_uid != ACTOR_UID_NONE)
			snprintf(uid, sizeof(uid), "%lld",
				 (long long)p->by_uid);
		csv_row((const char *const[COL_N]){[COL_BAGIAN] = "presensi",
						   [COL_SEQ] = seq,
						   [COL_WAKTU_UTC] = t.iso,
						   [COL_TANGGAL] = t.day,
						   [COL_JAM] = t.hms,
						   [COL_JENIS] = p->source,
						   [COL_MODEL] = p->reader,
						   [COL_RINCIAN] = flags,
						   [COL_ALASAN] = p->reason,
						   [COL_OLEH] = p->by,
						   [COL_UID] = uid});
	}
	FOR_EACH(struct excuse, e, d->excuses)
	{
		civil_date_format(e->from_day, t.day);
		civil_date_format(e->to_day, day2);
		snprintf(seq, sizeof(seq), "%lld", (long long)e->id);
		uid[0] = '\0';
		if (e->by_uid != ACTOR_UID_NONE)
			snprintf(uid, sizeof(uid), "%lld",
				 (long long)e->by_uid);
		csv_row((const char *const[COL_N]){
			[COL_BAGIAN] = "keterangan",
			[COL_SEQ] = seq,
			[COL_TANGGAL] = t.day,
			[COL_SAMPAI] = day2,
			[COL_JENIS] = e->kind,
			[COL_RINCIAN] = e->part[0] ? e->part : "sehari_penuh",
			[COL_DOKUMEN] = e->document,
			[COL_ALASAN] = e->reason,
			[COL_OLEH] = e->by,
			[COL_UID] = uid});
		if (e->revoked)
			csv_row((const char *const[COL_N]){
				[COL_BAGIAN] = "keterangan_dicabut",
				[COL_SEQ] = seq,
				[COL_ALASAN] = e->revoke_reason});
	}
	FOR_EACH(struct store_audit_rec, a, d->audit)
	{
		csv_time_of(c, a->at_utc, &t);
		uid[0] = '\0';
		if (a->uid != ACTOR_UID_NONE)
			snprintf(uid, sizeof(uid), "%lld", (long long)a->uid);
		csv_row((const char *const[COL_N]){[COL_BAGIAN] = "audit",
						   [COL_WAKTU_UTC] = t.iso,
						   [COL_TANGGAL] = t.day,
						   [COL_JAM] = t.hms,
						   [COL_JENIS] = a->action,
						   [COL_RINCIAN] = a->detail,
						   [COL_OLEH] = a->actor,
						   [COL_UID] = uid});
	}
}

int cli_run_person_report(const struct conf *c, const struct cli_args *a)
{
	static const struct store_subject_fns fns = {
		add_period, add_print,	add_fact,
		add_punch,  add_excuse, add_audit,
	};
	const char *fmt = cli_get(a, "format"), *id = cli_get(a, "id");
	struct subject_data d;
	struct store *st = NULL;
	bool csv = fmt && strcmp(fmt, "csv") == 0;
	int rc;

	if (fmt && !csv && strcmp(fmt, "text") != 0) {
		fprintf(stderr, "presensi: person report: --format must be "
				"text or csv\n");
		return CLI_EXIT_USAGE;
	}
	memset(&d, 0, sizeof(d));
	rc = store_open(c->store_path, NULL, STORE_RDONLY, NULL, &st);
	if (rc < 0) {
		fprintf(stderr, "presensi: cannot open %s read-only: %s\n",
			c->store_path, strerror(-rc));
		return CLI_EXIT_REFUSED;
	}
	rc = store_subject_each(st, id, &d.who, &fns, &d);
	store_close(st);
	if (rc == -ENOENT) {
		fprintf(stderr, "presensi: person report: no person %s\n", id);
	} else if (rc < 0) {
		fprintf(stderr, "presensi: person report: cannot read %s: %s\n",
			c->store_path, strerror(-rc));
	} else if (csv) {
		report_csv(c, &d);
	} else {
		report_text(c, &d, cli_desa_now(c));
	}
	subject_data_free(&d);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "presensi: person report: cannot write: %s\n",
			strerror(errno));
		return CLI_EXIT_REFUSED;
	}
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_REFUSED;
}
