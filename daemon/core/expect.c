// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * expect.c: who comes to the reader next.  Each person's usual arrival
 * and leave (medians over the last days) against the time now and what
 * they did today give a distance; the gallery is ordered by it.  Pure.
 */
#include "expect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_DAY_S   86400
#define EXPECT_GONE_S  (2 * EXPECT_DAY_S) /* after any real distance */
#define EXPECT_NO_TIME (-1)		  /* no usual time: no median */

void expect_person_init(struct expect_person *p, const char *id)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
	p->today_first_sec = EXPECT_NONE;
	p->today_last_sec = EXPECT_NONE;
}

int expect_person_add(struct expect_person *p, pd_day_t today, pd_day_t day,
		      int32_t sec)
{
	uint32_t k;

	if (!p || sec < 0 || sec >= EXPECT_DAY_S || day > today ||
	    (p->days && day < p->last_day))
		return -EINVAL;
	if (day == today) {
		if (p->today_first_sec == EXPECT_NONE ||
		    sec < p->today_first_sec)
			p->today_first_sec = sec;
		if (sec > p->today_last_sec)
			p->today_last_sec = sec;
		return 0;
	}
	if (p->days && day == p->last_day) {
		k = p->days - 1;
		if (sec < p->first_sec[k])
			p->first_sec[k] = sec;
		if (sec > p->last_sec[k])
			p->last_sec[k] = sec;
		return 0;
	}
	if (p->days == EXPECT_DAYS_MAX) {
		/* Drop the oldest day. */
		memmove(p->first_sec, p->first_sec + 1,
			(EXPECT_DAYS_MAX - 1) * sizeof(p->first_sec[0]));
		memmove(p->last_sec, p->last_sec + 1,
			(EXPECT_DAYS_MAX - 1) * sizeof(p->last_sec[0]));
		p->days--;
	}
	p->first_sec[p->days] = sec;
	p->last_sec[p->days] = sec;
	p->days++;
	p->last_day = day;
	return 0;
}

/* Median of v[0 .. n) (mean of the middle two), sorting v. */
static int32_t median(int32_t *v, uint32_t n)
{
	if (!n)
		return EXPECT_NO_TIME;
	for (uint32_t i = 1; i < n; i++) {
		int32_t x = v[i];
		uint32_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int32_t usual_arrival(const struct expect_person *p)
{
	int32_t v[EXPECT_DAYS_MAX];

	memcpy(v, p->first_sec, p->days * sizeof(v[0]));
	return median(v, p->days);
}

/* Only days whose last punch was a leave count. */
static int32_t usual_leave(const struct expect_person *p)
{
	int32_t v[EXPECT_DAYS_MAX];
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->days; i++)
		if (p->last_sec[i] - p->first_sec[i] >= EXPECT_STAY_MIN_S)
			v[n++] = p->last_sec[i];
	return median(v, n);
}

/* Seconds from now to the person's next expected punch (see expect.h). */
static int32_t distance(const struct expect_person *p, int32_t now_sec)
{
	int32_t usual, d;
	int32_t since = p->today_last_sec == EXPECT_NONE
				? -1
				: now_sec - p->today_last_sec;
	/* a repeat tap comes right after a punch: as near as it is recent */
	int32_t repeat = since >= 0 && since < EXPECT_REPEAT_S
				 ? since * EXPECT_REPEAT_WEIGHT
				 : -1;

	if (p->today_first_sec == EXPECT_NONE) {
		usual = usual_arrival(p);
	} else if (p->today_last_sec - p->today_first_sec >=
		   EXPECT_STAY_MIN_S) {
		return repeat >= 0 ? repeat : EXPECT_GONE_S;
	} else {
		usual = usual_leave(p);
	}
	if (usual == EXPECT_NO_TIME)
		d = EXPECT_UNKNOWN_S;
	else
		d = usual > now_sec ? usual - now_sec : now_sec - usual;
	return repeat >= 0 && repeat < d ? repeat : d;
}

struct order_ctx {
	const struct expect_person *p;
	int32_t now_sec;
};

static int by_distance(const void *a, const void *b, void *ud)
{
	const struct order_ctx *c = ud;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int32_t di = distance(&c->p[i], c->now_sec);
	int32_t dj = distance(&c->p[j], c->now_sec);
	int r;

	if (di != dj)
		return di < dj ? -1 : 1;
	r = strcmp(c->p[i].id, c->p[j].id);
	if (r)
		return r;
	return i < j ? -1 : i > j;
}

int expect_order(const struct expect_person *p, size_t n, int32_t now_sec,
		 size_t *order)
{
	struct order_ctx c = {.p = p, .now_sec = now_sec};

	if ((n && (!p || !order)) || now_sec < 0 || now_sec >= EXPECT_DAY_S)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i].days > EXPECT_DAYS_MAX)
			return -EINVAL;
		order[i] = i;
	}
	if (n > 1)
		qsort_r(order, n, sizeof(*order), by_distance, &c);
	return 0;
}
