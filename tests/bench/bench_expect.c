// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gallery order's worth over a simulated day (seeded): 500 people with
 * 14 days of history arrive, 20 % tap again 20 to 150 s later (inside the
 * duplicate window), 5 % tap again after leaving, and leave.  Before each
 * tap the gallery is ordered for that moment, once by the rule expect.c
 * used before (people in today ranked by their usual leave only) and once
 * by expect.c now (a person who punched less than EXPECT_REPEAT_S ago
 * ranks by the seconds since), and the prints compared before the match
 * (the tapping person's place + 1) are counted.  Prints the mean per kind
 * of tap and the simulated identify time at B_MS_PER_PRINT (N=500 costs
 * 636 ms for a whole-gallery scan on the reference board).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define B_PEOPLE       500
#define B_HISTORY      14
#define B_TODAY	       30000
#define B_MS_PER_PRINT (636.0 / 500.0)
#define B_TAPS_MAX     (B_PEOPLE * 4)
#define HM(h, m)       ((h)*3600 + (m)*60)

enum tap_kind { TAP_ARRIVE = 0, TAP_REPEAT_IN, TAP_LEAVE, TAP_REPEAT_OUT };

static const char *const kind_name[] = {"arrival", "repeat after arrival",
					"leave", "repeat after leave"};

struct tap {
	int32_t sec;
	size_t person;
	enum tap_kind kind;
};

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Around mean, +- spread (a sum of two uniforms: a rough bell). */
static int32_t around(int32_t mean, int32_t spread)
{
	return mean - spread + (int32_t)rnd((uint32_t)spread + 1) +
	       (int32_t)rnd((uint32_t)spread + 1);
}

/* ---- the rule before: in today ranks by usual leave only ---- */

static int32_t med(int32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int32_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : -1;
}

static int32_t old_distance(const struct expect_person *p, int32_t now)
{
	int32_t v[EXPECT_DAYS_MAX], usual;
	uint32_t n = 0;

	if (p->today_first_sec == EXPECT_NONE) {
		memcpy(v, p->first_sec, p->days * sizeof(v[0]));
		usual = med(v, p->days);
	} else if (p->today_last_sec - p->today_first_sec >=
		   EXPECT_STAY_MIN_S) {
		return 2 * 86400;
	} else {
		for (uint32_t i = 0; i < p->days; i++)
			if (p->last_sec[i] - p->first_sec[i] >=
			    EXPECT_STAY_MIN_S)
				v[n++] = p->last_sec[i];
		usual = med(v, n);
	}
	if (usual < 0)
		return EXPECT_UNKNOWN_S;
	return usual > now ? usual - now : now - usual;
}

/* Place of person `who` in the old order: people strictly before it. */
static size_t old_place(const struct expect_person *p, size_t n, size_t who,
			int32_t now)
{
	int32_t dw = old_distance(&p[who], now);
	size_t place = 0;

	for (size_t i = 0; i < n; i++) {
		int32_t di;
		int c;

		if (i == who)
			continue;
		di = old_distance(&p[i], now);
		c = strcmp(p[i].id, p[who].id);
		if (di < dw || (di == dw && (c < 0 || (c == 0 && i < who))))
			place++;
	}
	return place;
}

static size_t new_place(const struct expect_person *p, size_t n, size_t who,
			int32_t now, size_t *order)
{
	if (expect_order(p, n, now, order) < 0)
		return n;
	for (size_t i = 0; i < n; i++)
		if (order[i] == who)
			return i;
	return n;
}

static int tap_cmp(const void *a, const void *b)
{
	const struct tap *x = a, *y = b;

	return x->sec < y->sec ? -1 : x->sec > y->sec;
}

int main(void)
{
	static struct expect_person p[B_PEOPLE];
	static struct tap taps[B_TAPS_MAX];
	static size_t order[B_PEOPLE];
	int32_t arrive[B_PEOPLE], leave[B_PEOPLE];
	double sum_old[4] = {0}, sum_new[4] = {0};
	size_t count[4] = {0}, ntaps = 0;
	double all_old = 0, all_new = 0;

	for (size_t i = 0; i < B_PEOPLE; i++) {
		char id[PD_ID_MAX];

		snprintf(id, sizeof(id), "P%04zu", i);
		expect_person_init(&p[i], id);
		arrive[i] = around(HM(7, 20), 30 * 60);
		leave[i] = around(HM(15, 50), 20 * 60);
		for (int d = B_HISTORY; d > 0; d--) {
			pd_day_t day = B_TODAY - d;

			(void)expect_person_add(&p[i], B_TODAY, day,
						around(arrive[i], 10 * 60));
			(void)expect_person_add(&p[i], B_TODAY, day,
						around(leave[i], 10 * 60));
		}
	}
	/* today: everyone arrives and leaves; some tap again */
	for (size_t i = 0; i < B_PEOPLE; i++) {
		int32_t in = around(arrive[i], 10 * 60);
		int32_t out = around(leave[i], 10 * 60);

		taps[ntaps++] = (struct tap){in, i, TAP_ARRIVE};
		if (rnd(100) < 20)
			taps[ntaps++] = (struct tap){
				in + 20 + (int32_t)rnd(130), i, TAP_REPEAT_IN};
		taps[ntaps++] = (struct tap){out, i, TAP_LEAVE};
		if (rnd(100) < 5)
			taps[ntaps++] =
				(struct tap){out + 20 + (int32_t)rnd(130), i,
					     TAP_REPEAT_OUT};
	}
	qsort(taps, ntaps, sizeof(taps[0]), tap_cmp);
	for (size_t t = 0; t < ntaps; t++) {
		const struct tap *k = &taps[t];
		double o =
			(double)old_place(p, B_PEOPLE, k->person, k->sec) + 1;
		double nw = (double)new_place(p, B_PEOPLE, k->person, k->sec,
					      order) +
			    1;

		sum_old[k->kind] += o;
		sum_new[k->kind] += nw;
		all_old += o;
		all_new += nw;
		count[k->kind]++;
		/* a repeat tap is suppressed: it changes nobody's history */
		if (k->kind == TAP_ARRIVE || k->kind == TAP_LEAVE)
			(void)expect_person_add(&p[k->person], B_TODAY, B_TODAY,
						k->sec);
	}
	printf("gallery order over a simulated day: %d people, %zu taps "
	       "(seeded); prints compared before the match, mean\n",
	       B_PEOPLE, ntaps);
	printf("%-22s %6s %10s %10s %11s %11s\n", "tap", "taps", "before",
	       "after", "before ms", "after ms");
	for (int i = 0; i < 4; i++)
		printf("%-22s %6zu %10.1f %10.1f %11.1f %11.1f\n", kind_name[i],
		       count[i], count[i] ? sum_old[i] / (double)count[i] : 0,
		       count[i] ? sum_new[i] / (double)count[i] : 0,
		       count[i] ? sum_old[i] / (double)count[i] * B_MS_PER_PRINT
				: 0,
		       count[i] ? sum_new[i] / (double)count[i] * B_MS_PER_PRINT
				: 0);
	printf("%-22s %6zu %10.1f %10.1f %11.1f %11.1f\n", "all taps", ntaps,
	       all_old / (double)ntaps, all_new / (double)ntaps,
	       all_old / (double)ntaps * B_MS_PER_PRINT,
	       all_new / (double)ntaps * B_MS_PER_PRINT);
	return 0;
}
