// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who gets a result at once: a simulated month of arrivals at the reader
 * under libfprint's heat model, for (a) the reader armed all the time (the
 * behaviour before the wake input), (b) a wake input pressed by each
 * arrival, and (c) the duty cycle of a box without one.  The policy is the
 * daemon's own (daemon/core/duty.c); the reader is a second copy of the
 * heat model fed with what the policy arms, going HOT and locking as
 * libfprint 1.94.5 does, and the policy hears of it as presensid does
 * (COOLING, COOLED).  Pure simulation on simulated time: a month takes
 * milliseconds.  No timing asserts; `make bench` prints the table.
 *
 * Arrivals: PD_BENCH_PEOPLE (default 12) perangkat desa, every working day
 * of four weeks, arriving N(jam masuk - 10 min, 10 min) and leaving
 * N(jam pulang + 5 min, 10 min), from a seeded generator (PD_BENCH_SEED).
 * "At once": a result within AT_ONCE_S of arriving, never the cooling
 * light.  A person who waits presses the wake input again every
 * REPRESS_S (b only).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "duty.h"
#include "rules.h"

#define FIRST_DAY     "2026-11-02" /* a Monday */
#define DAYS	      28	   /* four weeks */
#define PEOPLE	      12
#define SEED	      20261102u
#define SD_S	      600.0 /* arrival spread: 10 minutes */
#define MASUK_MEAN_S  (-600.0)
#define PULANG_MEAN_S 300.0
#define AT_ONCE_S     5	 /* a result within this counts as at once */
#define DEBOUNCE_MS   50 /* a press counts this long after the touch */
#define REPRESS_S     20 /* a waiting person presses again */
#define DAY_MS	      86400000ull
#define ARRIVALS_MAX  (2 * DAYS * 64)

static const char profile_text[] =
	"[profile]\n"
	"name = PPU 24/2018 5 hari\n"
	"reference = Perbup Penajam Paser Utara No. 24 Tahun 2018\n"
	"grace_s = 59\n"
	"week = 5\n"
	"[hours]\n"
	"mon = 07:30-16:00\ntue = 07:30-16:00\nwed = 07:30-16:00\n"
	"thu = 07:30-16:00\nfri = 07:30-11:00\nsat = libur\nsun = libur\n";

struct arrival {
	uint64_t t_ms; /* from FIRST_DAY 00:00 local */
	bool in_window;
};

struct result {
	int n, n_in;	   /* arrivals, inside the busy windows */
	int once, once_in; /* served within AT_ONCE_S */
	int zero, zero_in; /* served with no wait */
	int cooling;	   /* met the cooling light */
	double wait_sum_s, wait_max_s;
	uint64_t armed_ms, hot_ms; /* over the whole month */
	int hot_episodes;
	int open_temp[3]; /* reader at each window's opening */
};

/* ---- a seeded generator (splitmix64) and normal deviates ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(double mean, double sd)
{
	double u = rng_unit(), v = rng_unit();

	return mean + sd * sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static int by_time(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	return x->t_ms < y->t_ms ? -1 : x->t_ms > y->t_ms;
}

/* ---- the month ---- */

struct month {
	struct day_rule rule[DAYS];
	struct duty_windows win[DAYS]; /* from the default [wake] margins */
	struct arrival a[ARRIVALS_MAX];
	int n;
};

static int month_build(struct month *m, const struct rules_profile *p,
		       int people)
{
	struct duty_conf dc;
	pd_day_t first;

	duty_conf_defaults(&dc);
	if (civil_date_parse(FIRST_DAY, &first) < 0)
		return -EINVAL;
	m->n = 0;
	for (int d = 0; d < DAYS; d++) {
		rules_day(p, first + d, &m->rule[d]);
		duty_windows_of(&dc, &m->rule[d], false, &m->win[d]);
		if (!m->rule[d].working)
			continue;
		for (int i = 0; i < people; i++) {
			double at[2] = {
				rng_normal(m->rule[d].start_s + MASUK_MEAN_S,
					   SD_S),
				rng_normal(m->rule[d].end_s + PULANG_MEAN_S,
					   SD_S)};

			for (int k = 0; k < 2; k++) {
				struct arrival *x = &m->a[m->n++];
				double s = at[k] < 0	   ? 0
					   : at[k] > 86399 ? 86399
							   : at[k];

				x->t_ms = (uint64_t)d * DAY_MS +
					  (uint64_t)(s * 1000.0);
				x->in_window = duty_windows_has(&m->win[d],
								(int32_t)s);
			}
		}
	}
	qsort(m->a, (size_t)m->n, sizeof(m->a[0]), by_time);
	return 0;
}

/* ---- one policy over the month ---- */

struct sim {
	const struct month *m;
	struct duty pol;      /* presensid's policy and its estimate */
	struct duty_heat dev; /* the reader, as libfprint models it */
	struct duty_decision dec;
	uint64_t next_decide;
	struct result r;
};

static void decide(struct sim *s, uint64_t t)
{
	int day = (int)(t / DAY_MS);
	int32_t local = (int32_t)((t % DAY_MS) / 1000);
	const struct duty_windows *w =
		day < DAYS ? &s->m->win[day] : &s->m->win[DAYS - 1];

	duty_decide(&s->pol, t, local, w, &s->dec);
	s->next_decide = s->dec.next_ms ? s->dec.next_ms : UINT64_MAX;
	/* The scanner runs identify only while armed and not HOT. */
	duty_heat_set(&s->dev, s->dec.armed && !s->dev.hot, t);
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a < b ? a : b;

	return x < c ? x : c;
}

/* The reader's next crossing: HOT while active, WARM again while hot. */
static uint64_t device_eta(const struct sim *s, uint64_t t)
{
	uint64_t e = UINT64_MAX;

	if (s->dev.active)
		e = duty_heat_eta_ms(&s->dev, true, DUTY_R_HOT);
	else if (s->dev.hot)
		e = duty_heat_eta_ms(&s->dev, false, DUTY_R_HOT_WARM);
	return e == UINT64_MAX ? e : t + (e ? e : 1);
}

static void note_served(struct sim *s, const struct arrival *a, uint64_t t)
{
	double w = (double)(t - a->t_ms) / 1000.0;

	s->r.wait_sum_s += w;
	if (w > s->r.wait_max_s)
		s->r.wait_max_s = w;
	if (w <= AT_ONCE_S) {
		s->r.once++;
		s->r.once_in += a->in_window;
	}
	if (t == a->t_ms) {
		s->r.zero++;
		s->r.zero_in += a->in_window;
	}
}

static void run(const struct month *m, enum duty_mode mode, struct result *out)
{
	struct sim s;
	struct duty_conf dc;
	int next = 0, wait_from = 0, wait_to = 0;
	uint64_t t = 0, end = (uint64_t)DAYS * DAY_MS, repress = UINT64_MAX;
	uint64_t press = UINT64_MAX;
	bool saw_cooling[ARRIVALS_MAX] = {false};
	int next_open_day = 0, next_open_w = 0;

	memset(&s, 0, sizeof(s));
	s.m = m;
	duty_conf_defaults(&dc);
	dc.mode = mode;
	duty_init(&s.pol, &dc, 0);
	duty_heat_init(&s.dev, 0);
	/* Before the month: a night at rest (or, armed all the time, the
	 * steady cycle it settles into). */
	decide(&s, 0);
	while (t < end) {
		uint64_t arr = next < m->n ? m->a[next].t_ms : UINT64_MAX;
		uint64_t open = UINT64_MAX, tn;
		bool was_hot = s.dev.hot, was_active = s.dev.active;

		if (next_open_day < DAYS)
			open = (uint64_t)next_open_day * DAY_MS +
			       (next_open_w < m->win[next_open_day].n
					? (uint64_t)m->win[next_open_day]
							  .w[next_open_w]
							  .from_s *
						  1000
					: DAY_MS);
		tn = min3(arr, s.next_decide, device_eta(&s, t));
		tn = min3(tn, press, repress);
		tn = min3(tn, open, end);
		if (was_active)
			s.r.armed_ms += tn - t;
		if (was_hot)
			s.r.hot_ms += tn - t;
		t = tn;
		duty_heat_advance(&s.dev, t);
		if (t == open) {
			if (next_open_w < m->win[next_open_day].n)
				s.r.open_temp[duty_heat_temp(&s.dev, t)]++;
			if (++next_open_w > m->win[next_open_day].n) {
				next_open_day++;
				next_open_w = 0;
			}
		}
		if (s.dev.hot && !was_hot) {
			s.r.hot_episodes++;
			duty_note_hot(&s.pol, t); /* COOLING */
			decide(&s, t);
		} else if (!s.dev.hot && was_hot) {
			duty_note_cooled(&s.pol, t); /* COOLED */
			decide(&s, t);
		}
		if (t >= s.next_decide)
			decide(&s, t);
		for (; next < m->n && m->a[next].t_ms <= t; next++) {
			saw_cooling[next] = s.dev.hot;
			wait_to = next + 1;
			if (mode == DUTY_WAKE && press == UINT64_MAX)
				press = t + DEBOUNCE_MS;
		}
		if (t >= press) {
			duty_wake(&s.pol, t);
			press = UINT64_MAX;
			repress = t + REPRESS_S * 1000ull;
			decide(&s, t);
		} else if (t >= repress) {
			if (wait_from < wait_to)
				duty_wake(&s.pol, t);
			repress = wait_from < wait_to ? t + REPRESS_S * 1000ull
						      : UINT64_MAX;
			decide(&s, t);
		}
		for (int i = wait_from; i < wait_to; i++)
			saw_cooling[i] |= s.dev.hot;
		if (wait_from < wait_to && s.dec.armed && !s.dev.hot) {
			for (; wait_from < wait_to; wait_from++)
				note_served(&s, &m->a[wait_from], t);
			duty_result(&s.pol, t);
			decide(&s, t);
		}
	}
	for (int i = 0; i < m->n; i++) {
		s.r.n++;
		s.r.n_in += m->a[i].in_window;
		s.r.cooling += saw_cooling[i];
	}
	*out = s.r;
}

static double pct(int a, int b)
{
	return b ? 100.0 * a / b : 0.0;
}

static void report(const char *name, const struct result *r)
{
	printf("%-22s %6.1f %% %6.1f %% %6.1f %% %5.1f %% %7.1f %7.0f "
	       "%5.1f %% %4d  %d/%d/%d\n",
	       name, pct(r->once, r->n), pct(r->once_in, r->n_in),
	       pct(r->zero, r->n), pct(r->cooling, r->n),
	       r->n ? r->wait_sum_s / r->n : 0.0, r->wait_max_s,
	       100.0 * (double)r->armed_ms / (double)(DAYS * DAY_MS),
	       r->hot_episodes, r->open_temp[DUTY_TEMP_COLD],
	       r->open_temp[DUTY_TEMP_WARM], r->open_temp[DUTY_TEMP_HOT]);
}

int main(void)
{
	static struct month m;
	struct rules_profile p;
	struct duty_conf dc;
	struct result r;
	char err[512], text[sizeof(profile_text)];
	const char *env;
	int people = PEOPLE;
	uint64_t seed = SEED;
	FILE *fp;
	static const struct {
		const char *name;
		enum duty_mode mode;
	} policies[] = {
		{"(a) always armed", DUTY_ALWAYS},
		{"(b) wake input", DUTY_WAKE},
		{"(c) duty cycle", DUTY_WINDOWS},
	};

	if ((env = getenv("PD_BENCH_SEED")))
		seed = strtoull(env, NULL, 10);
	rng_state = seed;
	if ((env = getenv("PD_BENCH_PEOPLE")))
		people = atoi(env);
	if (people < 1 || people > 64) {
		fprintf(stderr, "PD_BENCH_PEOPLE: 1..64\n");
		return 2;
	}
	memcpy(text, profile_text, sizeof(text));
	fp = fmemopen(text, sizeof(profile_text) - 1, "r");
	if (!fp || rules_parse(fp, "bench", &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "profile: %s\n", err);
		return 1;
	}
	fclose(fp);
	if (month_build(&m, &p, people) < 0)
		return 1;
	printf("Wake and duty cycle: %d people, %d days from %s, %d "
	       "arrivals, seed %" PRIu64 "\n",
	       people, DAYS, FIRST_DAY, m.n, seed);
	duty_conf_defaults(&dc);
	printf("libfprint 1.94.5 heat model: HOT after %.0f s armed from "
	       "COLD, locked %.0f s; our ceiling %.2f, rest %u s, wake "
	       "armed_s %u\n",
	       DUTY_HOT_S, DUTY_COLD_S * log(DUTY_R_HOT / DUTY_R_HOT_WARM),
	       DUTY_R_CEILING, dc.rest_s, dc.armed_s);
	printf("at once = a result within %d s of arriving, never the "
	       "cooling light\n\n",
	       AT_ONCE_S);
	printf("%-22s %8s %8s %8s %7s %7s %7s %7s %4s  %s\n", "policy",
	       "at once", "in wind.", "no wait", "cooling", "mean s", "max s",
	       "armed", "HOT", "window opens C/W/H");
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		run(&m, policies[i].mode, &r);
		report(policies[i].name, &r);
	}
	return 0;
}
