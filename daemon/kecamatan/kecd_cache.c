/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_cache.c: desa parts of periods, recomputed once and kept while
 * their devices' heads stand still.  Parts of one desa share a hash
 * chain, so a push touches only its desa's parts.
 */
#include "kecd_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#define BUCKETS 4096 /* chains, by (kecamatan, desa) */

struct entry {
	struct kecd_part part;
	int64_t kec;
	char desa[PD_ID_MAX];
	enum civil_period_kind kind;
	pd_day_t first, last;
	int ndev; /* -1: more devices than a stamp follows: never reused */
	int64_t dev[KECD_PART_DEVICES], seq[KECD_PART_DEVICES];
	bool timed;	/* its period holds today: valid within a minute */
	int64_t minute; /* when it was built, now / 60 */
	int refs;
	bool linked; /* in its chain; else freed at the last put */
	uint64_t used;
	struct entry *next;
};

struct kecd_cache {
	pthread_mutex_t lock;
	struct entry *chain[BUCKETS];
	size_t n;
	uint64_t tick;
};

static struct entry *entry_of(const struct kecd_part *p)
{
	return (struct entry *)(void *)((char *)(uintptr_t)p -
					offsetof(struct entry, part));
}

static size_t bucket(int64_t kec, const char *desa)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kec;

	for (; *desa; desa++)
		h = (h ^ (unsigned char)*desa) * 1099511628211ULL;
	return (size_t)(h % BUCKETS);
}

static void entry_free(struct entry *e)
{
	report_free(e->part.r);
	export_days_free(&e->part.days);
	free(e);
}

int kecd_cache_new(struct kecd_cache **out)
{
	struct kecd_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

/* Unlinks e from its chain (the lock held); frees it unless in use. */
static void drop(struct kecd_cache *c, struct entry **link)
{
	struct entry *e = *link;

	*link = e->next;
	e->linked = false;
	c->n--;
	if (!e->refs)
		entry_free(e);
}

void kecd_cache_free(struct kecd_cache *c)
{
	if (!c)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		while (c->chain[b])
			drop(c, &c->chain[b]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- heads ---- */

static int take_head(void *ud, int64_t key_id, const char *desa, int64_t seq)
{
	struct kecd_heads *h = ud;
	struct kecd_head *p;

	p = reallocarray(h->h, h->n + 1, sizeof(*h->h));
	if (!p)
		return -ENOMEM;
	h->h = p;
	p[h->n].key_id = key_id;
	p[h->n].seq = seq;
	snprintf(p[h->n].desa, sizeof(p[h->n].desa), "%s", desa);
	h->n++;
	return 0;
}

int kecd_heads_read(struct kec_store *st, int64_t kec, struct kecd_heads *out)
{
	memset(out, 0, sizeof(*out));
	return kec_store_heads_each(st, kec, take_head, out);
}

void kecd_heads_free(struct kecd_heads *h)
{
	free(h->h);
	memset(h, 0, sizeof(*h));
}

/* The stamp of desa from heads into e. */
static void stamp(struct entry *e, const struct kecd_heads *heads,
		  const char *desa)
{
	e->ndev = 0;
	for (size_t i = 0; i < heads->n; i++) {
		if (strcmp(heads->h[i].desa, desa) != 0)
			continue;
		if (e->ndev < 0 || e->ndev == KECD_PART_DEVICES) {
			e->ndev = -1;
			continue;
		}
		e->dev[e->ndev] = heads->h[i].key_id;
		e->seq[e->ndev] = heads->h[i].seq;
		e->ndev++;
	}
}

static bool same_stamp(const struct entry *a, const struct entry *b)
{
	if (a->ndev < 0 || a->ndev != b->ndev)
		return false;
	for (int i = 0; i < a->ndev; i++)
		if (a->dev[i] != b->dev[i] || a->seq[i] != b->seq[i])
			return false;
	return true;
}

/* ---- building a part ---- */

struct build_ctx {
	struct kecrekap_silence *sil;
	struct kecd_part *part;
	bool days;
};

static int part_day(void *ud, const struct report_day *d)
{
	struct build_ctx *b = ud;
	struct kecd_part *p = b->part;
	int m = p->nmonths - 1;

	while (m > 0 && d->v->day < p->month[m])
		m--;
	rekap_add_day(&p->by_month[m], d->v);
	if (b->days) {
		int rc = export_days_collect(&p->days, d);

		if (rc)
			return rc;
	}
	return kecrekap_silence_day(b->sil, d);
}

static int build(struct kec_store *st, const struct kec_info *kec,
		 const struct kec_desa *d, int64_t now_utc, struct entry *e)
{
	struct build_ctx b = {.part = &e->part,
			      .days = e->kind == CIVIL_PERIOD_DATE};
	struct kec_recompute q;
	pd_day_t today, m;
	int32_t now_sec;
	int rc;

	b.sil = calloc(1, sizeof(*b.sil));
	if (!b.sil)
		return -ENOMEM;
	civil_local_from_utc(now_utc, kec->offset_min, &today, &now_sec);
	e->timed = e->last >= today;
	e->minute = now_utc / 60;
	for (m = e->first;
	     m <= e->last && e->part.nmonths < KECREKAP_MONTHS_MAX;) {
		int y, mo, dd;

		civil_to_ymd(m, &y, &mo, &dd);
		e->part.month[e->part.nmonths] = m;
		rekap_init(&e->part.by_month[e->part.nmonths]);
		e->part.nmonths++;
		m = mo == 12 ? civil_from_ymd(y + 1, 1, 1)
			     : civil_from_ymd(y, mo + 1, 1);
	}
	memset(&q, 0, sizeof(q));
	q.kec = kec->id;
	q.desa_id = d->id;
	q.desa_name = d->name;
	q.offset_min = kec->offset_min;
	q.kind = e->kind;
	q.first = e->first;
	q.last = e->last;
	q.today = today;
	q.now_sec = now_sec;
	q.now_utc = now_utc;
	q.day_fn = part_day;
	q.day_ud = &b;
	kecrekap_silence_init(b.sil, e->first, e->last);
	rc = kec_recompute_desa(st, &q, &e->part.r, &e->part.corrections,
				e->part.error, sizeof(e->part.error));
	if (rc == 0)
		kecrekap_silence_longest(b.sil, &e->part.silent_run,
					 &e->part.silent_from);
	free(b.sil);
	if (rc == -ENOMEM || rc == -EIO || rc == -EBUSY)
		return rc;
	if (rc) { /* the desa's own error, shown where its row would be */
		e->part.r = NULL;
		export_days_free(&e->part.days);
	}
	return 0;
}

static struct entry **find(struct kecd_cache *c, const struct entry *k)
{
	struct entry **l = &c->chain[bucket(k->kec, k->desa)];

	for (; *l; l = &(*l)->next)
		if ((*l)->kec == k->kec && (*l)->kind == k->kind &&
		    (*l)->first == k->first && (*l)->last == k->last &&
		    strcmp((*l)->desa, k->desa) == 0)
			return l;
	return NULL;
}

/* Drops the least recently used part not in use (the lock held). */
static void evict(struct kecd_cache *c)
{
	struct entry **old = NULL;

	for (size_t b = 0; b < BUCKETS; b++)
		for (struct entry **l = &c->chain[b]; *l; l = &(*l)->next)
			if (!(*l)->refs && (!old || (*l)->used < (*old)->used))
				old = l;
	if (old)
		drop(c, old);
}

int kecd_cache_get(struct kecd_cache *c, struct kec_store *st,
		   const struct kec_info *kec, const struct kec_desa *d,
		   enum civil_period_kind kind, pd_day_t first, pd_day_t last,
		   int64_t now_utc, const struct kecd_heads *heads,
		   const struct kecd_part **out)
{
	struct entry key, *e, **l;
	int rc;

	memset(&key, 0, sizeof(key));
	key.kec = kec->id;
	snprintf(key.desa, sizeof(key.desa), "%s", d->id);
	key.kind = kind;
	key.first = first;
	key.last = last;
	stamp(&key, heads, d->id);
	pthread_mutex_lock(&c->lock);
	l = find(c, &key);
	if (l && same_stamp(*l, &key) &&
	    (!(*l)->timed || (*l)->minute == now_utc / 60)) {
		(*l)->refs++;
		(*l)->used = ++c->tick;
		*out = &(*l)->part;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	pthread_mutex_unlock(&c->lock);
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	*e = key;
	rc = build(st, kec, d, now_utc, e);
	if (rc) {
		entry_free(e);
		return rc;
	}
	e->refs = 1;
	pthread_mutex_lock(&c->lock);
	l = find(c, e);
	if (l)
		drop(c, l); /* an older one, or another worker's twin */
	if (c->n >= KECD_CACHE_PARTS)
		evict(c);
	e->used = ++c->tick;
	e->linked = true;
	l = &c->chain[bucket(e->kec, e->desa)];
	e->next = *l;
	*l = e;
	c->n++;
	pthread_mutex_unlock(&c->lock);
	*out = &e->part;
	return 0;
}

void kecd_cache_put(struct kecd_cache *c, const struct kecd_part *p)
{
	struct entry *e;

	if (!p)
		return;
	e = entry_of(p);
	pthread_mutex_lock(&c->lock);
	if (--e->refs == 0 && !e->linked)
		entry_free(e);
	pthread_mutex_unlock(&c->lock);
}

void kecd_cache_rows(struct kecd_cache *c, int64_t kec, const char *desa,
		     int64_t key_id, int64_t old_seq, int64_t new_seq,
		     pd_day_t day_min, pd_day_t day_max, int facts)
{
	struct entry **l;

	pthread_mutex_lock(&c->lock);
	l = &c->chain[bucket(kec, desa)];
	while (*l) {
		struct entry *e = *l;
		int moved = 0;

		if (e->kec != kec || strcmp(e->desa, desa) != 0) {
			l = &e->next;
			continue;
		}
		if (!facts && (day_max < e->first || day_min > e->last))
			for (int i = 0; i < e->ndev; i++)
				if (e->dev[i] == key_id &&
				    e->seq[i] == old_seq) {
					e->seq[i] = new_seq;
					moved = 1;
				}
		if (moved)
			l = &e->next;
		else
			drop(c, l);
	}
	pthread_mutex_unlock(&c->lock);
}

void kecd_cache_desa(struct kecd_cache *c, int64_t kec, const char *desa)
{
	struct entry **l;

	pthread_mutex_lock(&c->lock);
	l = &c->chain[bucket(kec, desa)];
	while (*l)
		if ((*l)->kec == kec && strcmp((*l)->desa, desa) == 0)
			drop(c, l);
		else
			l = &(*l)->next;
	pthread_mutex_unlock(&c->lock);
}

void kecd_cache_all(struct kecd_cache *c)
{
	pthread_mutex_lock(&c->lock);
	for (size_t b = 0; b < BUCKETS; b++)
		while (c->chain[b])
			drop(c, &c->chain[b]);
	pthread_mutex_unlock(&c->lock);
}

/* ---- as kec_rekap_build's source ---- */

static int source_get(void *ud, struct kec_store *st,
		      const struct kec_rekap_opts *o, const struct kec_desa *d,
		      struct kec_rekap_part *p)
{
	struct kecd_source *s = ud;
	const struct kecd_part *part;
	int rc = kecd_cache_get(s->c, st, o->kec, d, o->kind, o->first, o->last,
				o->now_utc, s->heads, &part);

	if (rc)
		return rc;
	p->r = part->r;
	p->corrections = part->corrections;
	p->silent_run = part->silent_run;
	p->silent_from = part->silent_from;
	p->error = part->r ? NULL : part->error;
	p->priv = part;
	return 0;
}

static void source_put(void *ud, struct kec_rekap_part *p)
{
	struct kecd_source *s = ud;

	kecd_cache_put(s->c, p->priv);
}

void kecd_source_init(struct kecd_source *s, struct kecd_cache *c,
		      const struct kecd_heads *heads)
{
	s->c = c;
	s->heads = heads;
	s->src.get = source_get;
	s->src.put = source_put;
	s->src.ud = s;
}
