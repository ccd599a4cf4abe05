/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_rekap.c: a desa's report recomputed from the rows the kecamatan
 * holds (its rows other than punches replayed, its punches scanned in
 * builder order), and the camat's rekap of every desa with pelaporan
 * from the import log.  Reads the store only.
 */
#include "kec_rekap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "ledger_decode.h"

/* A note for people, cut at cap. */
static void note(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

/* ---- one desa ---- */

struct facts_ctx {
	struct replay *rp;
	char *err;
	size_t cap;
};

static int fact_row(void *ud, int64_t dev, const struct ledger_row *r)
{
	struct facts_ctx *c = ud;
	char why[REPLAY_ERR_MAX];
	struct ledger_fact f;
	int rc;

	rc = ledger_decode(r, &f, why, sizeof(why));
	if (rc == 0)
		rc = replay_add(c->rp, dev, r->seq, &f, why, sizeof(why));
	if (rc)
		snprintf(c->err, c->cap, "row %lld of device %lld: %s",
			 (long long)r->seq, (long long)dev, why);
	return rc;
}

struct text_ctx {
	struct kec_store *st;
	int64_t kec;
};

static int text_fn(void *ud, const char *version, char **text)
{
	const struct text_ctx *c = ud;

	return kec_store_rule_get(c->st, c->kec, version, text);
}

struct punch_ctx {
	struct report_builder *b;
	const struct replay *rp;
	uint32_t corrections;
	kec_correction_fn *fn;
	void *ud;
};

static pd_day_t month_first(pd_day_t day)
{
	int y, m, d;

	civil_to_ymd(day, &y, &m, &d);
	return civil_from_ymd(y, m, 1);
}

static int punch(void *ud, const struct kec_punch *p)
{
	struct punch_ctx *c = ud;

	if (replay_punch_correction(c->rp, p->dev, p->seq, p->day)) {
		c->corrections++;
		if (c->fn) {
			struct replay_correction x;
			int rc;

			memset(&x, 0, sizeof(x));
			x.dev = p->dev;
			x.seq = p->seq;
			x.kind = LEDGER_FACT_PUNCH;
			memcpy(x.person, p->person, sizeof(x.person));
			x.first = x.last = p->day;
			x.month = month_first(p->day);
			rc = c->fn(c->ud, &x);
			if (rc)
				return rc;
		}
	}
	return report_builder_punch(c->b, p->person, p->day, p->sec, p->flags);
}

struct corr_ctx {
	uint32_t n;
	kec_correction_fn *fn;
	void *ud;
};

static int count_correction(void *ud, const struct replay_correction *x)
{
	struct corr_ctx *c = ud;

	c->n++;
	return c->fn ? c->fn(c->ud, x) : 0;
}

struct head_ctx {
	struct kec_store *st;
	const struct kec_bound *bound;
	struct report *r;
};

static int key_head(void *ud, const struct kec_key *k)
{
	struct head_ctx *c = ud;
	char hash[PD_HASH_HEX];
	int64_t seq;
	int rc;

	if (c->bound->dev && k->id != c->bound->dev)
		return 0;
	rc = kec_store_head(c->st, k->id, &seq, hash);
	if (rc == 0 && c->bound->dev && seq > c->bound->max_seq)
		return 0; /* the bound's own row is named below */
	if (rc == 0 && seq > 0) {
		c->r->ledger_seq = seq;
		memcpy(c->r->ledger_head, hash, sizeof(hash));
	}
	return rc;
}

/* The report names the head of the desa's newest device it read. */
static int newest_head(struct kec_store *st, const struct kec_recompute *q,
		       struct report *r)
{
	struct head_ctx c = {st, &q->bound, r};

	if (q->bound.dev) {
		r->ledger_seq = q->bound.max_seq;
		snprintf(r->ledger_head, sizeof(r->ledger_head), "%s", "");
	}
	return kec_store_key_each(st, q->kec, q->desa_id, key_head, &c);
}

int kec_recompute_desa(struct kec_store *st, const struct kec_recompute *q,
		       struct report **out, uint32_t *corrections, char *err,
		       size_t cap)
{
	struct facts_ctx fc = {.err = err, .cap = cap};
	struct text_ctx tc = {st, q->kec};
	struct punch_ctx pc = {.fn = q->corr_fn, .ud = q->corr_ud};
	struct corr_ctx cc = {.fn = q->corr_fn, .ud = q->corr_ud};
	struct report_builder *b = NULL;
	struct facts *facts = NULL;
	struct report_opts o;
	struct report *r;
	int rc;

	err[0] = '\0';
	rc = replay_new(&fc.rp);
	if (rc)
		return rc;
	rc = kec_store_facts_each(st, q->kec, q->desa_id, &q->bound, fact_row,
				  &fc);
	if (rc == 0)
		rc = replay_facts(fc.rp, q->first, q->last, text_fn, &tc,
				  &facts, err, cap);
	if (rc)
		goto out;
	memset(&o, 0, sizeof(o));
	o.kind = q->kind;
	o.first = q->first;
	o.last = q->last;
	o.today = q->today;
	o.now_sec = q->now_sec;
	o.now_utc = q->now_utc;
	o.desa_id = q->desa_id;
	o.desa_name = q->desa_name;
	o.offset_min = q->offset_min;
	o.person = q->person;
	o.day_fn = q->day_fn;
	o.day_ud = q->day_ud;
	rc = report_builder_new(&o, facts, &b, err, cap);
	if (rc)
		goto out;
	rc = replay_feed(fc.rp, b);
	pc.b = b;
	pc.rp = fc.rp;
	if (rc == 0)
		rc = kec_store_punch_scan(st, q->kec, q->desa_id, q->first,
					  q->last, &q->bound, punch, &pc);
	if (rc == 0)
		rc = replay_corrections_each(fc.rp, q->first, q->last,
					     count_correction, &cc);
	if (rc < 0) {
		report_builder_free(b);
		goto out;
	}
	rc = report_builder_finish(b, &r);
	if (rc)
		goto out;
	rc = newest_head(st, q, r);
	if (rc) {
		report_free(r);
		goto out;
	}
	if (corrections)
		*corrections = pc.corrections + cc.n;
	*out = r;
out:
	if (rc < 0 && !err[0])
		snprintf(err, cap, "cannot recompute desa %s: %s", q->desa_id,
			 strerror(-rc));
	facts_free(facts);
	replay_free(fc.rp);
	return rc < 0 ? rc : 0;
}

/* ---- the kecamatan ---- */

struct office_ctx {
	struct calendar_set *cs;
	char *err;
	size_t cap;
	int rc;
};

static int office_row(void *ud, const struct kec_office *o)
{
	struct office_ctx *c = ud;
	enum calendar_kind k;
	struct calendar *cal;
	FILE *fp;
	int rc;

	if (!o->file) {
		rc = calendar_kind_parse(o->kind, &k);
		if (rc == 0)
			rc = calendar_set_add_day(c->cs, o->day, k, o->name);
		return rc == -EEXIST ? 0 : rc;
	}
	cal = calloc(1, sizeof(*cal));
	if (!cal)
		return -ENOMEM;
	fp = fmemopen((void *)(uintptr_t)o->text, strlen(o->text), "r");
	if (!fp) {
		free(cal);
		return -ENOMEM;
	}
	rc = calendar_parse(fp, o->name, cal, c->err, c->cap);
	fclose(fp);
	if (rc == 0)
		rc = calendar_set_add(c->cs, cal);
	free(cal);
	return rc;
}

int kec_rekap_office(struct kec_store *st, int64_t kec, struct calendar_set *cs,
		     char *err, size_t cap)
{
	struct office_ctx c = {cs, err, cap, 0};

	calendar_set_init(cs);
	return kec_store_office_each(st, kec, office_row, &c);
}

struct desa_list {
	size_t n, cap;
	struct kec_desa *d;
};

static int desa_row(void *ud, const struct kec_desa *d)
{
	struct desa_list *l = ud;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;
		struct kec_desa *p = reallocarray(l->d, nc, sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->d = p;
		l->cap = nc;
	}
	l->d[l->n++] = *d;
	return 0;
}

/* What the import log says about one desa and the period's months, and
 * its newest row. */
struct desa_log {
	int64_t received_utc[KECREKAP_MONTHS_MAX];
	char mismatch[KEC_REASON_MAX];
	int64_t last_row_utc;
};

struct log_ctx {
	const struct kecrekap *k;
	const struct desa_list *desa;
	struct desa_log *log; /* one per desa, in desa order */
};

static long desa_index(const struct desa_list *l, const char *id)
{
	size_t lo = 0, hi = l->n; /* desa come in strcmp order */

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->d[mid].id, id);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int log_row(void *ud, const struct kec_import *r)
{
	struct log_ctx *c = ud;
	long di;

	if (r->result == KEC_IMPORT_REFUSED || !r->complete)
		return 0;
	di = desa_index(c->desa, r->desa);
	if (di < 0)
		return 0;
	for (int m = 0; m < c->k->nmonths; m++) {
		char label[CIVIL_LABEL_MAX];
		struct desa_log *l = &c->log[di];

		civil_period_label(CIVIL_PERIOD_MONTH, c->k->month[m], label,
				   sizeof(label));
		if (strcmp(label, r->period) != 0)
			continue;
		if (!l->received_utc[m] || r->received_utc < l->received_utc[m])
			l->received_utc[m] = r->received_utc;
		if (r->rekap_same == 0)
			note(l->mismatch, sizeof(l->mismatch), "%s: %s",
			     r->period, r->rekap_diff);
	}
	return 0;
}

static int last_row(void *ud, const char *desa, int64_t recorded_utc)
{
	struct log_ctx *c = ud;
	long di = desa_index(c->desa, desa);

	if (di >= 0)
		c->log[di].last_row_utc = recorded_utc;
	return 0;
}

int kec_rekap_build(struct kec_store *st, const struct kec_rekap_opts *o,
		    struct kecrekap **out, char *err, size_t cap)
{
	struct desa_list desa = {0};
	struct calendar_set *office = NULL;
	struct desa_log *log = NULL;
	struct kecrekap_silence *sil = NULL;
	struct kecrekap_opts ko;
	struct kecrekap *k = NULL;
	struct log_ctx lc;
	int32_t now_sec;
	pd_day_t today;
	int rc;

	err[0] = '\0';
	civil_local_from_utc(o->now_utc, o->kec->offset_min, &today, &now_sec);
	office = calloc(1, sizeof(*office));
	sil = calloc(1, sizeof(*sil));
	if (!office || !sil) {
		rc = -ENOMEM;
		goto out;
	}
	rc = kec_rekap_office(st, o->kec->id, office, err, cap);
	if (rc)
		goto out;
	memset(&ko, 0, sizeof(ko));
	ko.kind = o->kind;
	ko.first = o->first;
	ko.last = o->last;
	ko.today = today;
	ko.now_utc = o->now_utc;
	ko.offset_min = o->kec->offset_min;
	ko.kecamatan = o->kec->name;
	ko.kabupaten = o->kec->kabupaten;
	ko.deadline_mday = o->kec->deadline_mday;
	ko.office = office;
	rc = kecrekap_new(&ko, &k);
	if (rc) {
		snprintf(err, cap, "a rekap covers a month, quarter or year");
		goto out;
	}
	rc = kec_store_desa_each(st, o->kec->id, desa_row, &desa);
	if (rc)
		goto out;
	log = calloc(desa.n ? desa.n : 1, sizeof(*log));
	if (!log) {
		rc = -ENOMEM;
		goto out;
	}
	lc.k = k;
	lc.desa = &desa;
	lc.log = log;
	rc = kec_store_import_each(st, o->kec->id, NULL, log_row, &lc);
	if (rc == 0)
		rc = kec_store_last_rows(st, o->kec->id, last_row, &lc);
	for (size_t i = 0; rc == 0 && i < desa.n; i++) {
		const struct kec_desa *d = &desa.d[i];
		struct kec_recompute q;
		struct kecrekap_extra x;
		struct kec_rekap_part part;
		struct report *r = NULL;
		char why[KECREKAP_NOTE_MAX];
		int qrc;

		memset(&x, 0, sizeof(x));
		x.id = d->id;
		x.name = d->name;
		x.registered_utc = d->registered_utc;
		memcpy(x.received_utc, log[i].received_utc,
		       sizeof(x.received_utc));
		x.mismatch = log[i].mismatch[0] ? log[i].mismatch : NULL;
		x.last_row_utc = log[i].last_row_utc;
		if (o->source) {
			memset(&part, 0, sizeof(part));
			rc = o->source->get(o->source->ud, st, o, d, &part);
			if (rc)
				break;
			x.corrections = part.corrections;
			x.silent_run = part.silent_run;
			x.silent_from = part.silent_from;
			x.error = part.error;
			rc = kecrekap_add(k, part.r, &x);
			o->source->put(o->source->ud, &part);
			continue;
		}
		memset(&q, 0, sizeof(q));
		q.kec = o->kec->id;
		q.desa_id = d->id;
		q.desa_name = d->name;
		q.offset_min = o->kec->offset_min;
		q.kind = o->kind;
		q.first = o->first;
		q.last = o->last;
		q.today = today;
		q.now_sec = now_sec;
		q.now_utc = o->now_utc;
		q.day_fn = kecrekap_silence_day;
		q.day_ud = sil;
		kecrekap_silence_init(sil, o->first, o->last);
		qrc = kec_recompute_desa(st, &q, &r, &x.corrections, why,
					 sizeof(why));
		if (qrc == -ENOMEM || qrc == -EIO || qrc == -EBUSY) {
			rc = qrc;
			snprintf(err, cap, "%s", why);
			break;
		}
		if (qrc)
			x.error = why;
		else
			kecrekap_silence_longest(sil, &x.silent_run,
						 &x.silent_from);
		rc = kecrekap_add(k, r, &x);
		report_free(r);
	}
out:
	free(desa.d);
	free(log);
	free(office);
	free(sil);
	if (rc) {
		if (!err[0])
			snprintf(err, cap, "cannot build the rekap: %s",
				 strerror(-rc));
		kecrekap_free(k);
		return rc;
	}
	*out = k;
	return 0;
}
