/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundling.c: a month's bundle from the device store (bundling.h).  The
 * rekap comes from the report builder and the writers every report uses
 * (export.h); the rules files are the stored texts of the profiles and
 * calendars in force; the rows are the ledger's own export lines.  A
 * complete bundle is rebuilt from what its checkpoint froze, so the same
 * month gives the same bytes whenever it is exported.
 */
#include "bundling.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "closing.h"
#include "export.h"
#include "log.h"
#include "rekap.h"
#include "store_report.h"

#define WHY(...)                                                               \
	do {                                                                   \
		if (why && cap)                                                \
			snprintf(why, cap, __VA_ARGS__);                       \
	} while (0)

/* The rekap entries every complete bundle must have frozen. */
static const char *const rekap_names[] = {BUNDLE_REKAP_CSV, BUNDLE_REKAP_XLSX,
					  BUNDLE_REKAP_HTML};

static int month_days(const char *month, pd_day_t *first, pd_day_t *last)
{
	if (strlen(month) != LEDGER_MONTH_LEN - 1)
		return -EINVAL;
	return civil_period_parse(CIVIL_PERIOD_MONTH, month, first, last, NULL,
				  0);
}

void bundling_frozen_free(struct bundling_frozen *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->fz.nfiles; i++)
		free(f->data[i]);
	free(f);
}

/* Appends a file (data taken over) to f. */
static int frozen_add(struct bundling_frozen *f, const char *name,
		      const char *label, void *data, size_t len)
{
	size_t i = f->fz.nfiles;

	if (i == BUNDLING_FILES_MAX) {
		free(data);
		return -ENOSPC;
	}
	snprintf(f->names[i], sizeof(f->names[i]), "%s", name);
	snprintf(f->labels[i], sizeof(f->labels[i]), "%s", label);
	f->data[i] = data;
	f->files[i] = (struct store_frozen_file){f->names[i], f->labels[i],
						 data, len};
	f->fz.nfiles++;
	return 0;
}

static bool frozen_has(const struct bundling_frozen *f, const char *name)
{
	for (size_t i = 0; i < f->fz.nfiles; i++)
		if (strcmp(f->names[i], name) == 0)
			return true;
	return false;
}

/* ---- the rules files in force ---- */

/* One wanted file: its entry name, label and version; text found. */
struct wanted {
	int n;
	struct {
		char name[BUNDLE_NAME_MAX];
		char label[PD_TEXT_MAX];
		char version[PD_HASH_HEX];
		char *text;
	} w[BUNDLE_RULES_MAX];
};

static void want(struct wanted *ws, bool calendar, const char *version,
		 const char *label)
{
	for (int i = 0; i < ws->n; i++)
		if (strcmp(ws->w[i].version, version) == 0)
			return;
	if (ws->n == BUNDLE_RULES_MAX)
		return; /* the manifest lists at most this many */
	bundle_rules_entry(calendar, version, ws->w[ws->n].name);
	snprintf(ws->w[ws->n].label, sizeof(ws->w[0].label), "%s", label);
	snprintf(ws->w[ws->n].version, sizeof(ws->w[0].version), "%s", version);
	ws->n++;
}

static int found(struct wanted *ws, const char *version, const char *text)
{
	for (int i = 0; i < ws->n; i++)
		if (!ws->w[i].text && strcmp(ws->w[i].version, version) == 0) {
			ws->w[i].text = strdup(text);
			if (!ws->w[i].text)
				return -ENOMEM;
		}
	return 0;
}

static int profile_text(void *ud, pd_day_t from, const char *version,
			const char *name, const char *text, int64_t seq)
{
	(void)from, (void)name, (void)seq;
	return found(ud, version, text);
}

static int calendar_text(void *ud, int64_t seq, const char *version,
			 const char *name, const char *text)
{
	(void)seq, (void)name;
	return found(ud, version, text);
}

/* Moves the wanted texts into f, in order; every one must be found. */
static int add_wanted(struct bundling_frozen *f, struct wanted *ws, char *why,
		      size_t cap)
{
	int rc = 0;

	for (int i = 0; i < ws->n; i++) {
		if (!ws->w[i].text) {
			WHY("the text of version %.16s is not in the store",
			    ws->w[i].version);
			rc = -EIO;
			continue;
		}
		if (rc == 0)
			rc = frozen_add(f, ws->w[i].name, ws->w[i].label,
					ws->w[i].text, strlen(ws->w[i].text));
		else
			free(ws->w[i].text);
		ws->w[i].text = NULL;
	}
	return rc;
}

static int add_rules(struct bundling_frozen *f, struct store *st,
		     const struct report *r, const struct facts *facts,
		     pd_day_t first, pd_day_t last, char *why, size_t cap)
{
	const struct calendar_set *cs = facts_calendar(facts);
	struct wanted *ws = calloc(1, sizeof(*ws));
	int y1, y2, m, d, rc;

	if (!ws)
		return -ENOMEM;
	for (int i = 0; i < r->nprofiles; i++)
		want(ws, false, r->profiles[i].version, r->profiles[i].name);
	rc = store_profile_each(st, profile_text, ws);
	if (rc == 0)
		rc = add_wanted(f, ws, why, cap);
	memset(ws, 0, sizeof(*ws));
	civil_to_ymd(first, &y1, &m, &d);
	civil_to_ymd(last, &y2, &m, &d);
	for (int i = 0; rc == 0 && i < cs->nfiles; i++)
		if (cs->files[i].year >= y1 && cs->files[i].year <= y2)
			want(ws, true, cs->files[i].version, cs->files[i].name);
	if (rc == 0)
		rc = store_calendar_each(st, calendar_text, NULL, ws);
	if (rc == 0)
		rc = add_wanted(f, ws, why, cap);
	for (int i = 0; i < ws->n; i++)
		free(ws->w[i].text);
	free(ws);
	if (rc < 0 && why && cap && !why[0])
		WHY("rules files: %s", strerror(-rc));
	return rc;
}

/* ---- the rekap files ---- */

/* Runs a stream writer into a new buffer. */
static int to_buffer(int (*write)(FILE *, const struct report *,
				  const struct export_opts *),
		     const struct report *r, const struct export_opts *o,
		     void **data, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	int rc;

	if (!fp)
		return -ENOMEM;
	rc = write(fp, r, o);
	if (fclose(fp) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

static int read_whole(const char *path, void **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	FILE *mem;
	char chunk[8192];
	size_t got;
	int rc = 0;

	if (!fp)
		return -errno;
	mem = open_memstream(&buf, &n);
	if (!mem) {
		fclose(fp);
		return -ENOMEM;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (fwrite(chunk, 1, got, mem) != got)
			rc = -ENOMEM;
	if (ferror(fp))
		rc = -EIO;
	fclose(fp);
	if (fclose(mem) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* The XLSX writer wants a path: a private directory, read back, removed. */
static int xlsx_bytes(const struct report *r, const struct export_opts *o,
		      void **data, size_t *len, char *why, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600], err[256] = "";
	int rc;

	snprintf(dir, sizeof(dir), "%s/presensi-bundle.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		rc = -errno;
		WHY("rekap.xlsx: cannot make a temporary directory: %s",
		    strerror(-rc));
		return rc == -ENOMEM ? rc : -EIO;
	}
	snprintf(path, sizeof(path), "%s/rekap.xlsx", dir);
	rc = export_xlsx(path, r, o, err, sizeof(err));
	if (rc == 0)
		rc = read_whole(path, data, len);
	if (rc)
		WHY("rekap.xlsx: %s", err[0] ? err : strerror(-rc));
	(void)unlink(path); /* absent after a failed write: fine */
	if (rmdir(dir) != 0)
		log_warn("bundle: cannot remove %s", dir);
	return rc == -ENOMEM ? rc : rc ? -EIO : 0;
}

static int add_rekap(struct bundling_frozen *f, const struct report *r,
		     const struct export_days *days, char *why, size_t cap)
{
	struct export_opts eo = {days, NULL};
	void *data;
	size_t len;
	int rc;

	rc = to_buffer(export_csv, r, &eo, &data, &len);
	if (rc == 0)
		rc = frozen_add(f, BUNDLE_REKAP_CSV, "", data, len);
	if (rc == 0)
		rc = xlsx_bytes(r, &eo, &data, &len, why, cap);
	else
		WHY("rekap.csv: %s", strerror(-rc));
	if (rc == 0)
		rc = frozen_add(f, BUNDLE_REKAP_XLSX, "", data, len);
	if (rc == 0) {
		rc = to_buffer(export_html, r, &eo, &data, &len);
		if (rc)
			WHY("rekap.html: %s", strerror(-rc));
	}
	if (rc == 0)
		rc = frozen_add(f, BUNDLE_REKAP_HTML, "", data, len);
	return rc;
}

int bundling_freeze(struct store *st, const struct conf *c, const char *month,
		    int64_t at_utc, struct bundling_frozen **out, char *why,
		    size_t cap)
{
	struct export_days days = {0};
	struct bundling_frozen *f;
	struct facts *facts = NULL;
	struct report *r = NULL;
	struct report_opts o;
	char err[512] = "";
	int rc;

	if (why && cap)
		why[0] = '\0';
	memset(&o, 0, sizeof(o));
	if (month_days(month, &o.first, &o.last) != 0) {
		WHY("\"%s\" is not a month YYYY-MM", month);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	o.kind = CIVIL_PERIOD_MONTH;
	civil_local_from_utc(at_utc, c->offset_min, &o.today, &o.now_sec);
	o.now_utc = at_utc;
	o.desa_id = c->desa_id;
	o.desa_name = c->desa_name;
	o.offset_min = c->offset_min;
	o.day_fn = export_days_collect;
	o.day_ud = &days;
	rc = store_report_build(st, &o, &r, err, sizeof(err));
	if (rc == 0)
		rc = store_facts_load(st, &facts, err, sizeof(err));
	if (rc) {
		WHY("rekap %s: %s", month, err[0] ? err : strerror(-rc));
		goto out;
	}
	rc = add_rules(f, st, r, facts, o.first, o.last, why, cap);
	if (rc == 0)
		rc = add_rekap(f, r, &days, why, cap);
	if (rc)
		goto out;
	/* the same calendar facts version the rekap prints (DOMAIN §8) */
	facts_calendar_version(facts, f->calendar_set);
	snprintf(f->software, sizeof(f->software), "presensi %s", PD_VERSION);
	f->fz.desa_id = c->desa_id;
	f->fz.desa_name = c->desa_name;
	f->fz.kecamatan = c->kecamatan;
	f->fz.software = f->software;
	f->fz.calendar_set = f->calendar_set;
	f->fz.files = f->files;
out:
	facts_free(facts);
	report_free(r);
	export_days_free(&days);
	if (rc) {
		bundling_frozen_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* ---- the whole bundle ---- */

/* ledger.csv of rows from..to, with the manifest's ledger and counts. */
struct rows_out {
	FILE *fp;
	struct bundle_manifest *m;
	int64_t next;
	int rc;
};

static int put_row(void *ud, const struct ledger_row *r)
{
	struct rows_out *o = ud;
	char line[LEDGER_LINE_MAX + 2 * PD_HASH_HEX + 8];
	int k = bundle_kind_index(r->kind), n;

	if (r->seq != o->next || k < 0)
		return o->rc = -EIO; /* the store's chain is broken */
	n = bundle_ledger_line(r, line, sizeof(line));
	if (n < 0 || fwrite(line, 1, (size_t)n, o->fp) != (size_t)n)
		return o->rc = -ENOMEM;
	if (o->m->rows++ == 0)
		memcpy(o->m->prev_hash, r->prev_hash, sizeof(r->prev_hash));
	memcpy(o->m->head, r->hash, sizeof(r->hash));
	o->m->counts[k]++;
	o->next++;
	return 0;
}

static int ledger_csv(struct store *st, int64_t from, int64_t to,
		      struct bundle_manifest *m, char **csv, size_t *len)
{
	struct rows_out o = {NULL, m, from, 0};
	int rc;

	*csv = NULL;
	o.fp = open_memstream(csv, len);
	if (!o.fp)
		return -ENOMEM;
	fputs(BUNDLE_LEDGER_HEADER "\r\n", o.fp);
	m->first_seq = from;
	m->last_seq = to;
	rc = store_ledger_each(st, from, to, put_row, &o);
	if (fclose(o.fp) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc == 0 && o.next != to + 1)
		rc = -EIO; /* rows missing at the end */
	if (rc) {
		free(*csv);
		*csv = NULL;
	}
	return rc;
}

/* A frozen file read back from the store into f. */
static int take_frozen(void *ud, const char *name, const char *label,
		       const void *data, size_t len)
{
	void *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	return frozen_add(ud, name, label, copy, len);
}

/* The manifest's rules lists from f's rules files. */
static void rules_lists(const struct bundling_frozen *f,
			struct bundle_manifest *m)
{
	for (size_t i = 0; i < f->fz.nfiles; i++) {
		bool cal = strncmp(f->names[i], BUNDLE_CALENDAR_ENTRY,
				   strlen(BUNDLE_CALENDAR_ENTRY)) == 0;
		bool pro = strncmp(f->names[i], BUNDLE_PROFILE_ENTRY,
				   strlen(BUNDLE_PROFILE_ENTRY)) == 0;
		struct bundle_rules_file *r;

		if (cal && m->ncalendars < BUNDLE_RULES_MAX)
			r = &m->calendars[m->ncalendars++];
		else if (pro && m->nprofiles < BUNDLE_RULES_MAX)
			r = &m->profiles[m->nprofiles++];
		else
			continue;
		snprintf(r->file, sizeof(r->file), "%s", f->names[i]);
		snprintf(r->name, sizeof(r->name), "%s", f->labels[i]);
		crypto_sha256_hex(f->data[i], f->files[i].len, r->version);
	}
}

/* Fills m and f for a closed month from its checkpoint. */
static int complete_parts(struct store *st, const char *month,
			  struct bundle_manifest *m,
			  struct bundling_frozen **fp, int64_t *from,
			  int64_t *to, char *why, size_t cap)
{
	struct store_checkpoint *c = malloc(sizeof(*c));
	struct bundling_frozen *f = calloc(1, sizeof(*f));
	int rc;

	if (!c || !f) {
		free(c);
		free(f);
		return -ENOMEM;
	}
	rc = store_checkpoint_get(st, month, c);
	if (rc == 0)
		rc = store_checkpoint_files(st, c->seq, take_frozen, f);
	if (rc) {
		WHY("%s: cannot read its checkpoint: %s", month, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < sizeof(rekap_names) / sizeof(rekap_names[0]);
	     i++)
		if (!frozen_has(f, rekap_names[i])) {
			WHY("%s was closed without its %s", month,
			    rekap_names[i]);
			rc = -EIO;
			goto out;
		}
	m->status = BUNDLE_COMPLETE;
	m->closed_utc = c->at_utc;
	m->health = c->cp.health;
	snprintf(m->desa_id, sizeof(m->desa_id), "%s", c->desa_id);
	snprintf(m->desa_name, sizeof(m->desa_name), "%s", c->desa_name);
	snprintf(m->kecamatan, sizeof(m->kecamatan), "%s", c->kecamatan);
	snprintf(m->software, sizeof(m->software), "%s", c->software);
	snprintf(m->calendar_set, sizeof(m->calendar_set), "%s",
		 c->calendar_set);
	*from = c->prev_seq + 1;
	*to = c->seq;
out:
	free(c);
	if (rc) {
		bundling_frozen_free(f);
		return rc;
	}
	*fp = f;
	return 0;
}

/* Fills m and f for a month not closed: the rows since the last close. */
static int interim_parts(const struct bundling_deps *d, const char *month,
			 struct bundle_manifest *m, struct bundling_frozen **fp,
			 int64_t *from, int64_t *to, char *why, size_t cap)
{
	const struct closing_deps cd = {d->store, d->conf, d->now_utc};
	char running[LEDGER_MONTH_LEN], last[LEDGER_MONTH_LEN];
	char head[PD_HASH_HEX];
	int64_t last_seq = 0, head_utc;
	int rc;

	closing_month_of(d->now_utc, d->conf->offset_min, running);
	if (strcmp(month, running) > 0) {
		WHY("%s has not begun (it is %s now)", month, running);
		return -EINVAL;
	}
	rc = store_month_latest_closed(d->store, last, &last_seq);
	if (rc == 0 && strcmp(month, last) < 0) {
		WHY("%s was never closed: months before %s have no bundle",
		    month, last);
		return -EINVAL;
	}
	if (rc && rc != -ENOENT)
		return rc;
	rc = store_ledger_head(d->store, to, &head_utc, head);
	if (rc)
		return rc;
	*from = last_seq + 1;
	if (*to < *from) {
		if (last_seq)
			WHY("nothing is recorded since %s was closed", last);
		else
			WHY("nothing is recorded yet");
		return -ENOENT;
	}
	rc = bundling_freeze(d->store, d->conf, month, d->now_utc, fp, why,
			     cap);
	if (rc)
		return rc;
	rc = closing_health(&cd, month, &m->health);
	if (rc) {
		bundling_frozen_free(*fp);
		WHY("health: %s", strerror(-rc));
		return rc;
	}
	m->status = BUNDLE_INTERIM;
	m->closed_utc = d->now_utc;
	snprintf(m->desa_id, sizeof(m->desa_id), "%s", d->conf->desa_id);
	snprintf(m->desa_name, sizeof(m->desa_name), "%s", d->conf->desa_name);
	snprintf(m->kecamatan, sizeof(m->kecamatan), "%s", d->conf->kecamatan);
	snprintf(m->software, sizeof(m->software), "%s", (*fp)->software);
	snprintf(m->calendar_set, sizeof(m->calendar_set), "%s",
		 (*fp)->calendar_set);
	return 0;
}

int bundling_make(const struct bundling_deps *d, const char *month,
		  uint8_t **zip, size_t *zip_len, enum bundle_status *status,
		  char name[BUNDLE_FILE_NAME_MAX], char *why, size_t cap)
{
	struct bundle_entry e[BUNDLING_FILES_MAX + 1];
	struct bundle_manifest *m;
	struct bundling_frozen *f = NULL;
	pd_day_t first, last;
	int64_t from = 0, to = 0;
	char *csv = NULL;
	size_t csv_len = 0, n = 0;
	bool closed = false;
	int rc;

	if (why && cap)
		why[0] = '\0';
	if (month_days(month, &first, &last) != 0) {
		WHY("\"%s\" is not a month YYYY-MM", month);
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	rc = store_month_closed(d->store, month, &closed);
	if (rc == 0)
		rc = closed ? complete_parts(d->store, month, m, &f, &from, &to,
					     why, cap)
			    : interim_parts(d, month, m, &f, &from, &to, why,
					    cap);
	if (rc)
		goto out;
	m->format = BUNDLE_FORMAT;
	snprintf(m->period, sizeof(m->period), "%s", month);
	rules_lists(f, m);
	rc = ledger_csv(d->store, from, to, m, &csv, &csv_len);
	if (rc) {
		WHY("ledger rows %" PRId64 "..%" PRId64 ": %s", from, to,
		    rc == -EIO ? "the chain is broken (presensi chain verify)"
			       : strerror(-rc));
		goto out;
	}
	e[n++] = (struct bundle_entry){BUNDLE_LEDGER, csv, csv_len};
	for (size_t i = 0; i < f->fz.nfiles; i++)
		e[n++] = (struct bundle_entry){f->names[i], f->data[i],
					       f->files[i].len};
	rc = bundle_write(m, e, n, d->key, zip, zip_len, why, cap);
	if (rc == 0)
		rc = bundle_file_name(m->desa_id, month, name);
	if (rc == 0)
		*status = m->status;
	else if (rc == -ENAMETOOLONG)
		free(*zip);
out:
	if (rc && why && cap && !why[0])
		WHY("%s", strerror(-rc));
	free(csv);
	bundling_frozen_free(f);
	free(m);
	return rc;
}
