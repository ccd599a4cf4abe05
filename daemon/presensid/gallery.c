/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gallery.c: presensid's prints and their order.  Keeps print key ->
 * person, and per person the recent arrivals and leaves that expect.c
 * ranks; the daemon hands the result to the scanner.
 */
#include "gallery.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "log.h"

#define DAY_STALE INT32_MIN /* exp_day: history must be re-read */

struct gallery_key {
	int64_t key;
	char person[PD_ID_MAX];
};

struct gallery {
	struct gallery_key *keys; /* in load order */
	size_t nkeys;
	struct print_rec *bad; /* did not open at the last load */
	size_t nbad;
	struct expect_person *exp; /* the gallery's people, sorted by id */
	size_t nexp;
	pd_day_t exp_day; /* local day exp's history was read on */
};

int gallery_new(struct gallery **out)
{
	struct gallery *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	g->exp_day = DAY_STALE;
	*out = g;
	return 0;
}

void gallery_free(struct gallery *g)
{
	if (!g)
		return;
	free(g->keys);
	free(g->bad);
	free(g->exp);
	free(g);
}

void gallery_prints_free(struct scanner_print *prints, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* the blob is ours (a copy): const only for the scanner */
		explicit_bzero((void *)(uintptr_t)prints[i].blob,
			       prints[i].blob_len);
		free((void *)(uintptr_t)prints[i].blob);
	}
	free(prints);
}

struct load {
	struct scanner_print *p;
	struct gallery_key *k;
	size_t n, cap;
	struct print_rec *bad;
	size_t nbad, badcap;
	int rc;
};

static int note_bad(void *ud, const struct print_rec *r)
{
	struct load *l = ud;

	if (l->nbad == l->badcap) {
		size_t nc = l->badcap ? l->badcap * 2 : 8;
		struct print_rec *nb = reallocarray(l->bad, nc, sizeof(*nb));

		if (!nb)
			return l->rc = -ENOMEM;
		l->bad = nb;
		l->badcap = nc;
	}
	l->bad[l->nbad++] = *r;
	return 0;
}

static int load_print(void *ud, const struct print_rec *r, const uint8_t *blob,
		      size_t len)
{
	struct load *l = ud;
	uint8_t *copy;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct scanner_print *np = reallocarray(l->p, nc, sizeof(*np));
		struct gallery_key *nk;

		if (!np)
			return l->rc = -ENOMEM;
		l->p = np;
		nk = reallocarray(l->k, nc, sizeof(*nk));
		if (!nk)
			return l->rc = -ENOMEM;
		l->k = nk;
		l->cap = nc;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return l->rc = -ENOMEM;
	memcpy(copy, blob, len);
	l->p[l->n].key = r->key;
	l->p[l->n].blob = copy;
	l->p[l->n].blob_len = len;
	l->k[l->n].key = r->key;
	snprintf(l->k[l->n].person, sizeof(l->k[l->n].person), "%s", r->person);
	l->n++;
	return 0;
}

int gallery_load(struct gallery *g, struct store *st,
		 struct scanner_print **prints, size_t *n)
{
	struct load l = {0};
	int rc = store_print_open_each(st, load_print, note_bad, &l);

	if (l.rc)
		rc = l.rc;
	if (rc < 0) {
		gallery_prints_free(l.p, l.n);
		free(l.k);
		free(l.bad);
		return rc;
	}
	free(g->keys);
	g->keys = l.k;
	g->nkeys = l.n;
	free(g->bad);
	g->bad = l.bad;
	g->nbad = l.nbad;
	g->exp_day = DAY_STALE; /* people changed: re-read history */
	*prints = l.p;
	*n = l.n;
	return 0;
}

size_t gallery_count(const struct gallery *g)
{
	return g->nkeys;
}

size_t gallery_bad_count(const struct gallery *g)
{
	return g->nbad;
}

const struct print_rec *gallery_bad(const struct gallery *g, size_t i)
{
	return i < g->nbad ? &g->bad[i] : NULL;
}

const char *gallery_person_of(const struct gallery *g, int64_t key)
{
	for (size_t i = 0; i < g->nkeys; i++)
		if (g->keys[i].key == key)
			return g->keys[i].person;
	return NULL;
}

/* ---- the order: the people expected now first (expect.c) ---- */

static int exp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct expect_person *)a)->id,
		      ((const struct expect_person *)b)->id);
}

static struct expect_person *exp_find(struct gallery *g, const char *person)
{
	struct expect_person key = {0};

	snprintf(key.id, sizeof(key.id), "%s", person);
	return g->nexp ? bsearch(&key, g->exp, g->nexp, sizeof(*g->exp),
				 exp_cmp)
		       : NULL;
}

struct exp_scan {
	struct gallery *g;
	pd_day_t today;
	const char *last; /* store_punch_scan: same pointer, same person */
	struct expect_person *p;
};

static int exp_add(void *ud, const char *person, pd_day_t day, int32_t sec,
		   unsigned int flags)
{
	struct exp_scan *x = ud;

	if (person != x->last) {
		x->last = person;
		x->p = exp_find(x->g, person);
	}
	/* in time order (store_punch_scan's order), so it cannot fail */
	if (x->p && !(flags & PUNCH_F_SUPPRESSED))
		(void)expect_person_add(x->p, x->today, day, sec);
	return 0;
}

/* The gallery's people and their last EXPECT_DAYS_MAX days of punches. */
static int expect_reload(struct gallery *g, struct store *st, pd_day_t today)
{
	struct exp_scan x = {.g = g, .today = today};
	struct expect_person *p = NULL;
	size_t n = 0;
	int rc;

	if (g->nkeys) {
		p = calloc(g->nkeys, sizeof(*p));
		if (!p)
			return -ENOMEM;
	}
	for (size_t i = 0; i < g->nkeys; i++) {
		size_t k = 0;

		while (k < n && strcmp(p[k].id, g->keys[i].person))
			k++;
		if (k == n)
			expect_person_init(&p[n++], g->keys[i].person);
	}
	if (n)
		qsort(p, n, sizeof(*p), exp_cmp);
	free(g->exp);
	g->exp = p;
	g->nexp = n;
	g->exp_day = today;
	rc = store_punch_scan(st, today - EXPECT_DAYS_MAX, today, NULL, exp_add,
			      &x);
	if (rc < 0)
		log_errno(rc, "gallery order: cannot read recent punches");
	return rc;
}

int gallery_order(struct gallery *g, struct store *st, pd_day_t today,
		  int32_t sec, int64_t *keys, size_t *n)
{
	size_t *order = NULL, m = 0;
	int rc = 0;

	*n = 0;
	if (today != g->exp_day) {
		rc = expect_reload(g, st, today);
		if (rc == -ENOMEM)
			return rc;
	}
	if (!g->nexp)
		return rc;
	order = calloc(g->nexp, sizeof(*order));
	if (!order)
		return -ENOMEM;
	if (expect_order(g->exp, g->nexp, sec, order) < 0) {
		free(order);
		return -EINVAL;
	}
	for (size_t i = 0; i < g->nexp; i++)
		for (size_t k = 0; k < g->nkeys; k++)
			if (!strcmp(g->keys[k].person, g->exp[order[i]].id))
				keys[m++] = g->keys[k].key;
	free(order);
	*n = m;
	return rc;
}

void gallery_note_punch(struct gallery *g, const struct punch *p)
{
	struct expect_person *e = exp_find(g, p->person);

	/* today's punch, in time order: cannot fail */
	if (e && p->local_day == g->exp_day && !(p->flags & PUNCH_F_SUPPRESSED))
		(void)expect_person_add(e, g->exp_day, p->local_day,
					p->local_sec);
}
