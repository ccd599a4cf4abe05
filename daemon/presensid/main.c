/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid: the appliance daemon.  Reads the config, opens the store,
 * the lights and every fingerprint reader, serves the control socket, and
 * runs one GMainLoop: scanner events go to attend.c, admin commands to
 * admin.c.  Wiring, signals and the socket only; no domain logic here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "admin.h"
#include "attend.h"
#include "civil.h"
#include "clock.h"
#include "conf.h"
#include "control.h"
#include "crypto.h"
#include "keyfile.h"
#include "expect.h"
#include "lights.h"
#include "log.h"
#include "notify.h"
#include "store_report.h"
#include "scanner.h"
#include "store.h"

#define PRESENSI_VERSION    "0.1.0"
#define READERS_MAX	    8	   /* readers tracked for waits and status */
#define LATENCY_KEEP	    32	   /* last identify latencies kept */
#define ENROLL_TIMEOUT_S    90	   /* a whole enrolment, all stages */
#define WAIT_TIMEOUT_MAX_MS 600000 /* longest wait-armed a client may ask */
#define CLIENT_LINE_MAX	    CONTROL_LINE_MAX
#define EXP_DAY_STALE	    INT32_MIN /* exp_day: history must be re-read */

struct client;

struct latency {
	int reader;
	enum attend_result result;
	uint64_t image_to_decision_us;
	uint64_t decision_to_light_us;
};

struct gallery_key {
	int64_t key;
	char person[PD_ID_MAX];
};

struct waiter {
	struct client *c;
	int reader;
	uint64_t after_gen;
	int enrolment; /* only an arm of a running enrolment counts */
	guint timeout_src;
	struct waiter *next;
};

struct enrolment {
	struct client *c; /* NULL when none runs */
	char person[PD_ID_MAX];
	char finger[PD_FINGER_MAX];
	char by[PD_NAME_MAX];
	int reader;
	guint timeout_src;
};

struct daemon {
	char conf_path[CONF_PATH_MAX];
	struct conf conf;
	struct store *store;
	struct clock *clock;
	struct lights *lights;
	struct scanner *scanner;
	struct facts *facts;
	GMainLoop *loop;
	guint lights_src;
	int listen_fd;
	guint listen_src;
	struct client *clients;
	struct waiter *waiters;
	struct enrolment enr;
	uint64_t armed_gen[READERS_MAX];
	int armed[READERS_MAX];
	struct gallery_key *keys;
	size_t nkeys;
	struct expect_person *exp; /* the gallery's people, by id */
	size_t nexp;
	pd_day_t exp_day; /* local day exp's history was read on */
	struct latency lat[LATENCY_KEEP];
	unsigned int nlat; /* total recorded; ring index = nlat % KEEP */
	int quitting;
};

struct client {
	struct daemon *d;
	int fd;
	guint src;
	char *buf;
	size_t len;
	int dead;
	struct client *next;
};

/* ---- lights ---- */

static gboolean lights_timeout(gpointer ud);

static void lights_arm(struct daemon *d, uint64_t deadline_ms)
{
	uint64_t now = clock_mono_ms();

	if (d->lights_src) {
		g_source_remove(d->lights_src);
		d->lights_src = 0;
	}
	if (!deadline_ms)
		return;
	d->lights_src = g_timeout_add(
		deadline_ms > now ? (guint)(deadline_ms - now) : 0,
		lights_timeout, d);
}

static gboolean lights_timeout(gpointer ud)
{
	struct daemon *d = ud;

	d->lights_src = 0;
	lights_arm(d, lights_tick(d->lights, clock_mono_ms()));
	return G_SOURCE_REMOVE;
}

static void lights_state(struct daemon *d, enum light_state st)
{
	lights_arm(d, lights_show(d->lights, st, clock_mono_ms()));
}

/* ---- replies ---- */

static void client_send(void *ud, const char *line)
{
	struct client *c = ud;
	size_t n = strlen(line);

	if (c->dead)
		return;
	if (control_write_all(c->fd, line, n) < 0 ||
	    (line[n - 1] != '\n' && control_write_all(c->fd, "\n", 1) < 0))
		c->dead = 1;
}

static void admin_ctx_for(struct daemon *d, struct client *c,
			  struct admin_ctx *a)
{
	memset(a, 0, sizeof(*a));
	a->store = d->store;
	a->conf = &d->conf;
	a->clock = d->clock;
	a->reply = client_send;
	a->reply_ud = c;
}

/* ---- facts and gallery ---- */

static int reload_facts(struct daemon *d)
{
	struct facts *f;
	char err[1024];
	int rc = store_facts_load(d->store, &f, err, sizeof(err));

	if (rc < 0) {
		log_warnx("rules: %s (keeping the previous rules)", err);
		return rc;
	}
	facts_free(d->facts);
	d->facts = f;
	return 0;
}

struct gallery_build {
	struct scanner_print *p;
	struct gallery_key *k;
	size_t n, cap;
	int rc;
};

static int gallery_add(void *ud, const struct print_rec *r, const uint8_t *blob,
		       size_t len)
{
	struct gallery_build *g = ud;
	uint8_t *copy;

	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 64;
		struct scanner_print *np = reallocarray(g->p, nc, sizeof(*np));
		struct gallery_key *nk;

		if (!np)
			return g->rc = -ENOMEM;
		g->p = np;
		nk = reallocarray(g->k, nc, sizeof(*nk));
		if (!nk)
			return g->rc = -ENOMEM;
		g->k = nk;
		g->cap = nc;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return g->rc = -ENOMEM;
	memcpy(copy, blob, len);
	g->p[g->n].key = r->key;
	g->p[g->n].blob = copy;
	g->p[g->n].blob_len = len;
	g->k[g->n].key = r->key;
	snprintf(g->k[g->n].person, sizeof(g->k[g->n].person), "%s", r->person);
	g->n++;
	return 0;
}

static void order_gallery(struct daemon *d);

static int reload_gallery(struct daemon *d)
{
	struct gallery_build g = {0};
	int rc = store_print_each(d->store, gallery_add, &g);

	if (g.rc)
		rc = g.rc;
	if (rc == 0 && d->scanner)
		rc = scanner_gallery_set(d->scanner, g.p, g.n);
	for (size_t i = 0; i < g.n; i++) {
		explicit_bzero((void *)(uintptr_t)g.p[i].blob, g.p[i].blob_len);
		free((void *)(uintptr_t)g.p[i].blob);
	}
	free(g.p);
	if (rc < 0 && rc != -EINVAL) {
		free(g.k);
		log_errno(rc, "gallery: cannot load prints");
		return rc;
	}
	free(d->keys);
	d->keys = g.k;
	d->nkeys = g.n;
	log_info("gallery: %zu prints", g.n);
	d->exp_day = EXP_DAY_STALE; /* people changed: re-read history */
	order_gallery(d);
	return 0;
}

static const char *person_of_key(const struct daemon *d, int64_t key)
{
	for (size_t i = 0; i < d->nkeys; i++)
		if (d->keys[i].key == key)
			return d->keys[i].person;
	return NULL;
}

/* ---- gallery order: the people expected now first (expect.c) ---- */

static int exp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct expect_person *)a)->id,
		      ((const struct expect_person *)b)->id);
}

static struct expect_person *exp_find(struct daemon *d, const char *person)
{
	struct expect_person key;

	snprintf(key.id, sizeof(key.id), "%s", person);
	/* cppcheck-suppress uninitvar ; exp_cmp reads key.id only */
	return d->nexp ? bsearch(&key, d->exp, d->nexp, sizeof(*d->exp),
				 exp_cmp)
		       : NULL;
}

struct exp_scan {
	struct daemon *d;
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
		x->p = exp_find(x->d, person);
	}
	if (x->p && !(flags & PUNCH_F_SUPPRESSED))
		(void)expect_person_add(x->p, x->today, day,
					sec); /* in order */
	return 0;
}

/* The gallery's people and their last EXPECT_DAYS_MAX days of punches. */
static int expect_reload(struct daemon *d, pd_day_t today)
{
	struct exp_scan x = {.d = d, .today = today};
	struct expect_person *p = NULL;
	size_t n = 0;
	int rc;

	if (d->nkeys) {
		p = calloc(d->nkeys, sizeof(*p));
		if (!p)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->nkeys; i++) {
		size_t k = 0;

		while (k < n && strcmp(p[k].id, d->keys[i].person))
			k++;
		if (k == n)
			expect_person_init(&p[n++], d->keys[i].person);
	}
	if (n)
		qsort(p, n, sizeof(*p), exp_cmp);
	free(d->exp);
	d->exp = p;
	d->nexp = n;
	d->exp_day = today;
	rc = store_punch_scan(d->store, today - EXPECT_DAYS_MAX, today, NULL,
			      exp_add, &x);
	if (rc < 0)
		log_errno(rc, "gallery order: cannot read recent punches");
	return rc;
}

/*
 * Orders the gallery for the time now, re-reading the history when the
 * day changed.  A failure only costs speed: identify still finds anyone.
 */
static void order_gallery(struct daemon *d)
{
	struct clock_reading now;
	size_t *order = NULL, m = 0;
	int64_t *keys = NULL;
	uint64_t t0 = clock_mono_us();
	pd_day_t today;
	int32_t sec;
	int rc;

	if (!d->scanner)
		return;
	clock_read(d->clock, &now);
	civil_local_from_utc(now.utc_ms / 1000, d->conf.offset_min, &today,
			     &sec);
	if (today != d->exp_day && expect_reload(d, today) == -ENOMEM)
		goto err_nomem;
	if (!d->nexp)
		return;
	order = calloc(d->nexp, sizeof(*order));
	keys = calloc(d->nkeys, sizeof(*keys));
	if (!order || !keys)
		goto err_nomem;
	rc = expect_order(d->exp, d->nexp, sec, order);
	for (size_t i = 0; rc == 0 && i < d->nexp; i++)
		for (size_t k = 0; k < d->nkeys; k++)
			if (!strcmp(d->keys[k].person, d->exp[order[i]].id))
				keys[m++] = d->keys[k].key;
	if (rc == 0)
		rc = scanner_gallery_order(d->scanner, keys, m);
	if (rc < 0)
		log_errno(rc, "gallery order: not changed");
	else
		log_debug("gallery order: %zu people, first %s, in %.2f ms",
			  d->nexp, d->exp[order[0]].id,
			  (clock_mono_us() - t0) / 1000.0);
	free(order);
	free(keys);
	return;
err_nomem:
	free(order);
	free(keys);
	log_errno(-ENOMEM, "gallery order: not changed");
}

/* A recorded punch joins its person's today; then the order is redone. */
static void order_after_punch(struct daemon *d, const struct punch *p)
{
	struct expect_person *e = exp_find(d, p->person);

	if (e && p->local_day == d->exp_day && !(p->flags & PUNCH_F_SUPPRESSED))
		(void)expect_person_add(e, d->exp_day, p->local_day,
					p->local_sec); /* today: in range */
	order_gallery(d);
}

/* ---- waits for an armed reader (test tools pace images on these) ---- */

static gboolean waiter_timeout(gpointer ud);

static void waiter_finish(struct daemon *d, struct waiter *w, int rc)
{
	struct waiter **pp;
	struct admin_ctx a;
	char gen[32];

	for (pp = &d->waiters; *pp && *pp != w; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = w->next;
	if (w->timeout_src)
		g_source_remove(w->timeout_src);
	admin_ctx_for(d, w->c, &a);
	if (rc == 0) {
		snprintf(gen, sizeof(gen), "%llu",
			 (unsigned long long)d->armed_gen[w->reader]);
		admin_reply_ok(&a, "gen", gen);
	} else if (rc == -ENOENT) {
		admin_reply_err(&a, rc, "no enrolment is running");
	} else {
		admin_reply_err(&a, rc, "reader %d: not armed in time",
				w->reader);
	}
	g_free(w);
}

static gboolean waiter_timeout(gpointer ud)
{
	struct waiter *w = ud;

	w->timeout_src = 0;
	waiter_finish(w->c->d, w, -ETIMEDOUT);
	return G_SOURCE_REMOVE;
}

static void waiters_check(struct daemon *d)
{
	struct waiter *w = d->waiters, *next;

	for (; w; w = next) {
		next = w->next;
		if (w->enrolment && !d->enr.c)
			waiter_finish(d, w, -ENOENT);
		else if (d->armed[w->reader] &&
			 d->armed_gen[w->reader] > w->after_gen)
			waiter_finish(d, w, 0);
	}
}

static void cmd_wait_armed(struct daemon *d, struct client *c,
			   const struct control_msg *m)
{
	const char *rs = control_get(m, "reader");
	const char *as = control_get(m, "after");
	const char *ts = control_get(m, "timeout_ms");
	long reader = rs ? strtol(rs, NULL, 10) : 0;
	unsigned long long after = as ? strtoull(as, NULL, 10) : 0;
	long timeout = ts ? strtol(ts, NULL, 10) : 30000;
	struct waiter *w;

	if (reader < 0 || reader >= READERS_MAX || timeout <= 0 ||
	    timeout > WAIT_TIMEOUT_MAX_MS) {
		struct admin_ctx a;

		admin_ctx_for(d, c, &a);
		admin_reply_err(&a, -EINVAL,
				"reader or timeout_ms out of "
				"range");
		return;
	}
	w = g_new0(struct waiter, 1);
	w->c = c;
	w->reader = (int)reader;
	w->after_gen = after;
	w->enrolment = control_get(m, "enrolment") != NULL;
	w->next = d->waiters;
	d->waiters = w;
	w->timeout_src = g_timeout_add((guint)timeout, waiter_timeout, w);
	waiters_check(d);
}

/* ---- enrolment ---- */

static void enrol_end(struct daemon *d)
{
	if (d->enr.timeout_src)
		g_source_remove(d->enr.timeout_src);
	memset(&d->enr, 0, sizeof(d->enr));
	lights_state(d, scanner_reader_count(d->scanner) ? LIGHT_READY
							 : LIGHT_FAULT);
	waiters_check(d); /* enrolment-only waits end here */
}

static gboolean enrol_timeout(gpointer ud)
{
	struct daemon *d = ud;
	struct admin_ctx a;

	d->enr.timeout_src = 0;
	scanner_enroll_cancel(d->scanner);
	if (d->enr.c) {
		admin_ctx_for(d, d->enr.c, &a);
		admin_reply_err(&a, -ETIMEDOUT,
				"enrolment timed out after %d s: nothing was "
				"stored",
				ENROLL_TIMEOUT_S);
	}
	enrol_end(d);
	return G_SOURCE_REMOVE;
}

static int finger_ok(const char *f)
{
	static const char *const fingers[] = {PD_FINGERS};

	for (size_t i = 0; i < sizeof(fingers) / sizeof(fingers[0]); i++)
		if (strcmp(f, fingers[i]) == 0)
			return 1;
	return 0;
}

static void cmd_enroll(struct daemon *d, struct client *c,
		       const struct control_msg *m)
{
	const char *id = control_get(m, "id");
	const char *finger = control_get(m, "finger");
	const char *rs = control_get(m, "reader");
	const char *by = control_get(m, "by");
	struct admin_ctx a;
	struct person p;
	char why[256];
	long reader = rs ? strtol(rs, NULL, 10) : 0;
	int rc;

	admin_ctx_for(d, c, &a);
	if (admin_check_id(id, why, sizeof(why)) < 0) {
		admin_reply_err(&a, -EINVAL, "%s", why);
		return;
	}
	if (!finger || !finger_ok(finger)) {
		admin_reply_err(&a, -EINVAL,
				"finger: \"%s\" is not one of left-/right-"
				"thumb, index, middle, ring, little",
				finger ? finger : "");
		return;
	}
	if (store_person_get(d->store, id, &p) < 0) {
		admin_reply_err(&a, -ENOENT, "id: no person %s", id);
		return;
	}
	if (p.until != PD_DAY_OPEN) {
		admin_reply_err(&a, -EINVAL, "id: person %s is not active", id);
		return;
	}
	if (d->enr.c) {
		admin_reply_err(&a, -EBUSY, "another enrolment is running");
		return;
	}
	rc = scanner_enroll_start(d->scanner, (int)reader);
	if (rc < 0) {
		admin_reply_err(&a, rc,
				rc == -ENODEV ? "reader %ld: not connected"
					      : "reader %ld: busy",
				reader);
		return;
	}
	d->enr.c = c;
	d->enr.reader = (int)reader;
	/* The identify that was armed is gone: waits need the next arm. */
	d->armed[reader] = 0;
	snprintf(d->enr.person, sizeof(d->enr.person), "%s", id);
	snprintf(d->enr.finger, sizeof(d->enr.finger), "%s", finger);
	snprintf(d->enr.by, sizeof(d->enr.by), "%s", by && *by ? by : "admin");
	d->enr.timeout_src =
		g_timeout_add_seconds(ENROLL_TIMEOUT_S, enrol_timeout, d);
	lights_state(d, LIGHT_ENROLL);
	admin_reply_line(&a, "progress",
			 "place the finger on the reader (first a check that "
			 "it is not enrolled yet)");
	log_info("enrolment started: person %s", id);
}

static void enrol_done(struct daemon *d, const struct scanner_event *ev)
{
	struct admin_ctx a;
	struct print_rec r;
	struct clock_reading now;
	char detail[160], key[32];
	int64_t k;
	int rc;

	admin_ctx_for(d, d->enr.c, &a);
	clock_read(d->clock, &now);
	memset(&r, 0, sizeof(r));
	snprintf(r.person, sizeof(r.person), "%s", d->enr.person);
	snprintf(r.finger, sizeof(r.finger), "%s", d->enr.finger);
	snprintf(r.model, sizeof(r.model), "%s", ev->model ? ev->model : "");
	r.created_utc = now.utc_ms / 1000;
	rc = store_print_add(d->store, &r, ev->blob, ev->blob_len, d->enr.by,
			     now.utc_ms / 1000, &k);
	if (rc < 0) {
		admin_reply_err(
			&a, rc,
			rc == -EEXIST ? "%s of %s is already enrolled on this "
					"reader model"
				      : "cannot store the print of %s %s",
			d->enr.finger, d->enr.person);
		enrol_end(d);
		return;
	}
	/* UU 27/2022: consent is recorded with who, when and which finger. */
	snprintf(detail, sizeof(detail),
		 "consent recorded at enrolment; finger=%s; reader=%s",
		 d->enr.finger, r.model);
	rc = store_audit_add(d->store, now.utc_ms / 1000, d->enr.by, "enroll",
			     d->enr.person, detail);
	if (rc < 0)
		log_errno(rc, "audit: enrolment of %s not recorded",
			  d->enr.person);
	log_info("enrolment done: person %s print %lld", d->enr.person,
		 (long long)k);
	snprintf(key, sizeof(key), "%lld", (long long)k);
	admin_reply_ok(&a, "print", key);
	enrol_end(d);
	reload_gallery(d);
}

static void enrol_event(struct daemon *d, const struct scanner_event *ev)
{
	struct admin_ctx a;
	char msg[160];

	if (!d->enr.c) {
		scanner_enroll_cancel(d->scanner);
		return;
	}
	admin_ctx_for(d, d->enr.c, &a);
	switch (ev->kind) {
	case SCANNER_EV_ENROLL_STAGE:
		snprintf(msg, sizeof(msg),
			 "stage %d/%d done: lift and place "
			 "the finger again",
			 ev->stage, ev->stages);
		if (ev->stage >= ev->stages)
			snprintf(msg, sizeof(msg), "stage %d/%d done",
				 ev->stage, ev->stages);
		admin_reply_line(&a, "progress", msg);
		lights_state(d, LIGHT_ENROLL_STAGE);
		break;
	case SCANNER_EV_ENROLL_DONE:
		enrol_done(d, ev);
		break;
	case SCANNER_EV_ENROLL_FAILED:
		if (ev->outcome == SCAN_MATCH) {
			const char *owner = person_of_key(d, ev->print_key);

			admin_reply_err(&a, -EEXIST,
					"this finger is already enrolled to "
					"person %s: nothing was stored",
					owner ? owner : "?");
		} else {
			admin_reply_err(&a, -EIO, "enrolment failed: %s",
					ev->message ? ev->message
						    : "reader error");
		}
		lights_state(d, LIGHT_UNKNOWN);
		enrol_end(d);
		break;
	default:
		break;
	}
}

/* ---- scanner events ---- */

static void record_latency(struct daemon *d, const struct scanner_event *ev,
			   enum attend_result res, uint64_t light_us)
{
	struct latency *l = &d->lat[d->nlat++ % LATENCY_KEEP];

	l->reader = ev->reader;
	l->result = res;
	l->image_to_decision_us = ev->t_decision_us > ev->t_image_us
					  ? ev->t_decision_us - ev->t_image_us
					  : 0;
	l->decision_to_light_us =
		light_us > ev->t_decision_us ? light_us - ev->t_decision_us : 0;
	log_info("identify: reader %d %s in %.1f ms (+%.1f ms to light)",
		 ev->reader, attend_result_name(res),
		 l->image_to_decision_us / 1000.0,
		 l->decision_to_light_us / 1000.0);
}

static void on_scanner(void *ud, const struct scanner_event *ev)
{
	struct daemon *d = ud;
	struct attend_deps deps;
	struct attend_outcome out;
	const char *person = NULL;

	switch (ev->kind) {
	case SCANNER_EV_ADDED:
		log_info("reader %d connected: %s", ev->reader,
			 ev->model ? ev->model : "?");
		if (lights_base(d->lights) == LIGHT_FAULT ||
		    lights_base(d->lights) == LIGHT_OFF)
			lights_state(d, LIGHT_READY);
		break;
	case SCANNER_EV_REMOVED:
		log_info("reader %d disconnected", ev->reader);
		if (ev->reader >= 0 && ev->reader < READERS_MAX)
			d->armed[ev->reader] = 0;
		if (d->enr.c && d->enr.reader == ev->reader) {
			struct admin_ctx a;

			admin_ctx_for(d, d->enr.c, &a);
			admin_reply_err(&a, -ENODEV,
					"the reader was unplugged "
					"during enrolment");
			enrol_end(d);
		}
		if (scanner_reader_count(d->scanner) == 0)
			lights_state(d, LIGHT_FAULT);
		break;
	case SCANNER_EV_ARMED:
		if (ev->reader >= 0 && ev->reader < READERS_MAX) {
			d->armed_gen[ev->reader] = ev->armed_gen;
			d->armed[ev->reader] = 1;
		}
		waiters_check(d);
		break;
	case SCANNER_EV_COOLING:
		log_warnx("reader %d is too hot: paused until it cools",
			  ev->reader);
		lights_state(d, LIGHT_COOLING);
		break;
	case SCANNER_EV_COOLED:
		log_info("reader %d cooled down: identify re-armed",
			 ev->reader);
		lights_state(d, LIGHT_READY);
		break;
	case SCANNER_EV_ENROLL_STAGE:
	case SCANNER_EV_ENROLL_DONE:
	case SCANNER_EV_ENROLL_FAILED:
		enrol_event(d, ev);
		break;
	case SCANNER_EV_RESULT:
		if (ev->reader >= 0 && ev->reader < READERS_MAX)
			d->armed[ev->reader] = 0;
		if (ev->outcome == SCAN_MATCH) {
			person = person_of_key(d, ev->print_key);
			if (!person) {
				log_warnx("identify: print %lld has no owner",
					  (long long)ev->print_key);
				break;
			}
		}
		memset(&deps, 0, sizeof(deps));
		deps.store = d->store;
		deps.lights = d->lights;
		deps.clock = d->clock;
		deps.facts = d->facts;
		deps.offset_min = d->conf.offset_min;
		deps.duplicate_window_s = d->conf.duplicate_window_s;
		deps.refuse_untrusted = d->conf.refuse_untrusted;
		lights_arm(d, attend_on_scan(&deps, ev->outcome, person,
					     ev->model, &out));
		if (ev->outcome == SCAN_MATCH || ev->outcome == SCAN_NO_MATCH)
			record_latency(d, ev, out.result, clock_mono_us());
		if (out.punch.seq > 0) /* recorded: ok, late, flagged, repeat */
			order_after_punch(d, &out.punch);
		break;
	}
}

/* ---- status ---- */

struct missing_ctx {
	struct daemon *d;
	struct client *c;
	char model[PD_READER_MAX];
	int has;
	const char *person;
};

static int print_for_model(void *ud, const struct print_rec *r)
{
	struct missing_ctx *m = ud;

	if (strcmp(r->person, m->person) == 0 &&
	    strcmp(r->model, m->model) == 0)
		m->has = 1;
	return 0;
}

static int person_missing(void *ud, const struct person *p)
{
	struct missing_ctx *m = ud;
	struct admin_ctx a;
	char line[256];

	if (p->until != PD_DAY_OPEN)
		return 0;
	m->has = 0;
	m->person = p->id;
	if (store_print_meta_each(m->d->store, print_for_model, m) < 0)
		return 0;
	if (!m->has) {
		admin_ctx_for(m->d, m->c, &a);
		snprintf(line, sizeof(line), "no-print\t%s\t%s", p->id,
			 m->model);
		admin_reply_line(&a, "row", line);
	}
	return 0;
}

static void cmd_status(struct daemon *d, struct client *c)
{
	struct admin_ctx a;
	struct clock_reading now;
	char line[512], head[PD_HASH_HEX];
	int64_t seq = 0, head_utc = 0, unknown = 0;
	size_t n = scanner_reader_count(d->scanner);

	admin_ctx_for(d, c, &a);
	clock_read(d->clock, &now);
#define KV(k, ...)                                                             \
	do {                                                                   \
		snprintf(line, sizeof(line), k "\t" __VA_ARGS__);              \
		admin_reply_line(&a, "kv", line);                              \
	} while (0)
	KV("version", "%s", PRESENSI_VERSION);
	KV("desa", "%s %s", d->conf.desa_id, d->conf.desa_name);
	{
		char local[CIVIL_LOCAL_LEN];

		civil_local_format(now.utc_ms / 1000, d->conf.offset_min,
				   local);
		KV("clock", "%s %s, source %s, %s", local,
		   civil_tz_abbrev(d->conf.offset_min), now.source,
		   now.trusted ? "trusted" : "NOT trusted");
	}
	KV("boot_id", "%s", clock_boot_id(d->clock));
	KV("readers", "%zu", n);
	for (size_t i = 0; i < n; i++) {
		struct scanner_reader_info ri;

		if (scanner_reader_info(d->scanner, i, &ri) < 0)
			continue;
		snprintf(line, sizeof(line),
			 "reader\t%d\t%s\t%s\t%s\t%s\tgallery=%zu", ri.reader,
			 ri.model, ri.name, ri.state, ri.temperature,
			 ri.gallery);
		admin_reply_line(&a, "row", line);
	}
	KV("prints_loaded", "%zu", d->nkeys);
	if (store_counter_get(d->store, "unknown_finger", &unknown) < 0)
		unknown = 0;
	KV("unknown_fingers", "%lld", (long long)unknown);
	if (store_ledger_head(d->store, &seq, &head_utc, head) == 0)
		KV("ledger", "%lld rows, head %.16s", (long long)seq, head);
	KV("lights", "%s (%u errors)",
	   lights_state_name(lights_current(d->lights)),
	   lights_errors(d->lights));
	for (unsigned int i = 0; i < LATENCY_KEEP && i < d->nlat; i++) {
		const struct latency *l =
			&d->lat[(d->nlat - 1 - i) % LATENCY_KEEP];

		snprintf(line, sizeof(line), "latency\t%d\t%s\t%.1f\t%.1f",
			 l->reader, attend_result_name(l->result),
			 l->image_to_decision_us / 1000.0,
			 l->decision_to_light_us / 1000.0);
		admin_reply_line(&a, "row", line);
	}
	for (size_t i = 0; i < n; i++) {
		struct scanner_reader_info ri;
		struct missing_ctx m = {.d = d, .c = c};

		if (scanner_reader_info(d->scanner, i, &ri) < 0)
			continue;
		snprintf(m.model, sizeof(m.model), "%s", ri.model);
		store_person_each(d->store, person_missing, &m);
	}
#undef KV
	admin_reply_ok(&a, NULL, NULL);
}

/* ---- control socket ---- */

static void client_free(struct daemon *d, struct client *c)
{
	struct client **pp;
	struct waiter *w, *next;

	for (w = d->waiters; w; w = next) {
		next = w->next;
		if (w->c == c) {
			c->dead = 1;
			waiter_finish(d, w, -ECANCELED);
		}
	}
	if (d->enr.c == c) {
		scanner_enroll_cancel(d->scanner);
		log_info("enrolment cancelled: client left");
		enrol_end(d);
	}
	for (pp = &d->clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	if (c->src)
		g_source_remove(c->src);
	close(c->fd);
	g_free(c->buf);
	g_free(c);
}

static void handle_line(struct daemon *d, struct client *c, char *line)
{
	struct control_msg m;
	struct admin_ctx a;
	int rc;

	admin_ctx_for(d, c, &a);
	if (control_parse(line, &m) < 0 || m.nfields < 1 || !*m.field[0]) {
		admin_reply_err(&a, -EINVAL, "malformed request");
		return;
	}
	if (strcmp(m.field[0], "ping") == 0) {
		struct clock_reading now;
		char pong[160];

		/* Reports ask the daemon for its clock: it may be simulated. */
		clock_read(d->clock, &now);
		snprintf(pong, sizeof(pong), "ok\tversion=%s\tnow=%lld\n",
			 PRESENSI_VERSION, (long long)(now.utc_ms / 1000));
		client_send(c, pong);
	} else if (strcmp(m.field[0], "status") == 0) {
		cmd_status(d, c);
	} else if (strcmp(m.field[0], "enroll") == 0) {
		cmd_enroll(d, c, &m);
	} else if (strcmp(m.field[0], "wait-armed") == 0) {
		cmd_wait_armed(d, c, &m);
	} else {
		rc = admin_dispatch(&a, &m);
		if (rc == -ENOENT) {
			admin_reply_err(&a, -EINVAL, "unknown command \"%s\"",
					m.field[0]);
			return;
		}
		if (a.changed & ADMIN_CHANGED_FACTS)
			reload_facts(d);
		if (a.changed & ADMIN_CHANGED_PRINTS)
			reload_gallery(d);
	}
}

static gboolean client_readable(gint fd, GIOCondition cond, gpointer ud)
{
	struct client *c = ud;
	struct daemon *d = c->d;
	char tmp[8192];
	ssize_t n;

	(void)cond;
	n = read(fd, tmp, sizeof(tmp));
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return G_SOURCE_CONTINUE;
		c->src = 0;
		client_free(d, c);
		return G_SOURCE_REMOVE;
	}
	if (c->len + (size_t)n + 1 > CLIENT_LINE_MAX) {
		struct admin_ctx a;

		admin_ctx_for(d, c, &a);
		admin_reply_err(&a, -EINVAL, "request longer than %d bytes",
				CLIENT_LINE_MAX);
		c->src = 0;
		client_free(d, c);
		return G_SOURCE_REMOVE;
	}
	c->buf = g_realloc(c->buf, c->len + (size_t)n + 1);
	memcpy(c->buf + c->len, tmp, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		size_t used;

		if (!nl)
			break;
		*nl = '\0';
		used = (size_t)(nl - c->buf) + 1;
		{
			char *line = g_strdup(c->buf);

			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			c->buf[c->len] = '\0';
			handle_line(d, c, line);
			g_free(line);
		}
		if (c->dead) {
			c->src = 0;
			client_free(d, c);
			return G_SOURCE_REMOVE;
		}
	}
	return G_SOURCE_CONTINUE;
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer ud)
{
	struct daemon *d = ud;
	struct client *c;
	int cfd;

	(void)cond;
	/* cppcheck-suppress nullPointer ; accept4(2): both may be NULL */
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EINTR && errno != EAGAIN)
			log_warn("control: accept");
		return G_SOURCE_CONTINUE;
	}
	c = g_new0(struct client, 1);
	c->d = d;
	c->fd = cfd;
	c->next = d->clients;
	d->clients = c;
	c->src = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR,
			       client_readable, c);
	return G_SOURCE_CONTINUE;
}

static int control_listen(struct daemon *d)
{
	const char *path = d->conf.socket_path;
	struct sockaddr_un sa;
	int fd, probe;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* A socket nobody answers on is stale (a crash); a live one is not. */
	probe = control_connect(path);
	if (probe >= 0) {
		close(probe);
		log_warnx("control: %s is in use: is presensid running?", path);
		return -EADDRINUSE;
	}
	(void)unlink(path); /* stale or absent: either way, gone now */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || listen(fd, 16) < 0) {
		int err = errno;

		log_warn("control: %s", path);
		close(fd);
		return -err;
	}
	if (d->conf.socket_group[0]) {
		/* Once, at start, on the main thread; no other thread reads the
		 * group database, so getgrnam's static buffer is safe. */
		/* cppcheck-suppress getgrnamCalled ; see above */
		struct group *g = getgrnam(d->conf.socket_group);

		if (!g || chown(path, (uid_t)-1, g->gr_gid) < 0)
			log_warnx("control: cannot give %s to group %s", path,
				  d->conf.socket_group);
	}
	d->listen_fd = fd;
	d->listen_src = g_unix_fd_add(fd, G_IO_IN, listen_ready, d);
	return 0;
}

/* ---- first start: the configured default rules ---- */

static void noreply(void *ud, const char *line)
{
	char *dst = ud;

	snprintf(dst, 512, "%s", line);
}

static int first_start_import(struct daemon *d, const char *cmd,
			      const char *path)
{
	char *text = NULL, last[512] = "", today_s[CIVIL_DATE_LEN];
	char line_from[32];
	struct control_msg m;
	struct admin_ctx a;
	struct clock_reading now;
	pd_day_t today;
	int32_t sec;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL)) {
		log_warnx("rules: cannot read %s", path);
		return -ENOENT;
	}
	clock_read(d->clock, &now);
	civil_local_from_utc(now.utc_ms / 1000, d->conf.offset_min, &today,
			     &sec);
	civil_date_format(today, today_s);
	snprintf(line_from, sizeof(line_from), "from=%s", today_s);
	{
		char *f_text = g_strconcat("text=", text, NULL);
		char *f_file = g_strconcat("file=", path, NULL);

		m.nfields = 0;
		m.field[m.nfields++] = (char *)(uintptr_t)cmd;
		m.field[m.nfields++] = line_from;
		m.field[m.nfields++] = f_file;
		m.field[m.nfields++] = f_text;
		m.field[m.nfields++] = (char *)(uintptr_t) "by=presensid";
		memset(&a, 0, sizeof(a));
		a.store = d->store;
		a.conf = &d->conf;
		a.clock = d->clock;
		a.reply = noreply;
		a.reply_ud = last;
		admin_dispatch(&a, &m);
		g_free(f_text);
		g_free(f_file);
	}
	g_free(text);
	if (strncmp(last, "ok", 2) != 0) {
		log_warnx("rules: %s not imported: %s", path, last);
		return -EINVAL;
	}
	log_info("rules: imported %s (first start)", path);
	return 0;
}

static int has_row(void *ud, pd_day_t a, const char *b, const char *c,
		   const char *e, int64_t f)
{
	(void)a, (void)b, (void)c, (void)e, (void)f;
	*(int *)ud = 1;
	return 1;
}

static int has_cal(void *ud, int64_t a, const char *b, const char *c,
		   const char *e)
{
	(void)a, (void)b, (void)c, (void)e;
	*(int *)ud = 1;
	return 1;
}

static void first_start(struct daemon *d)
{
	int have = 0;

	store_profile_each(d->store, has_row, &have);
	if (!have && d->conf.default_profile[0])
		first_start_import(d, "profile-import",
				   d->conf.default_profile);
	have = 0;
	store_calendar_each(d->store, has_cal, NULL, &have);
	if (!have && d->conf.default_calendar[0])
		first_start_import(d, "calendar-import",
				   d->conf.default_calendar);
}

/* ---- systemd watchdog ---- */

/*
 * Pings only while the main loop runs and the store answers: a wedged
 * loop or a dead database gets the daemon restarted.  A missing reader
 * does not stop the pings (that is the fault light's job: restarting
 * would not bring a USB reader back).
 */
static gboolean watchdog_tick(gpointer ud)
{
	struct daemon *d = ud;
	int64_t seq, utc;
	char head[PD_HASH_HEX];

	if (store_ledger_head(d->store, &seq, &utc, head) == 0)
		(void)notify_send("WATCHDOG=1"); /* no systemd: a no-op */
	else
		log_warnx("watchdog: the store does not answer; not pinging");
	return G_SOURCE_CONTINUE;
}

/* ---- signals ---- */

static gboolean on_quit(gpointer ud)
{
	struct daemon *d = ud;

	log_info("stopping");
	(void)notify_send("STOPPING=1"); /* best effort */
	d->quitting = 1;
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer ud)
{
	struct daemon *d = ud;
	struct conf nc;
	char err[4096];

	(void)notify_send("RELOADING=1"); /* best effort, as below */
	if (conf_load(d->conf_path, &nc, err, sizeof(err)) < 0) {
		log_warnx("reload: %s is invalid, keeping the running "
			  "configuration: %s",
			  d->conf_path, err);
		(void)notify_send("READY=1");
		return G_SOURCE_CONTINUE;
	}
	if (strcmp(nc.store_path, d->conf.store_path) ||
	    strcmp(nc.socket_path, d->conf.socket_path) ||
	    nc.lights != d->conf.lights ||
	    nc.clock_source != d->conf.clock_source)
		log_warnx("reload: store, socket, lights and clock changes "
			  "take effect after a restart");
	snprintf(d->conf.desa_name, sizeof(d->conf.desa_name), "%s",
		 nc.desa_name);
	d->conf.duplicate_window_s = nc.duplicate_window_s;
	d->conf.refuse_untrusted = nc.refuse_untrusted;
	if (nc.offset_min != d->conf.offset_min)
		log_warnx("reload: timezone changes take effect after a "
			  "restart");
	log_info("configuration reloaded");
	(void)notify_send("READY=1");
	return G_SOURCE_CONTINUE;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: presensid --config FILE [--check] [--debug]\n"
		   "  --config FILE  configuration (see presensi.conf(5))\n"
		   "  --check        validate the configuration and exit\n"
		   "  --debug        verbose logging in plain text on a tty\n"
		   "  --version      print the version\n");
}

static int open_lights(struct daemon *d)
{
	struct lights_backend *be = NULL;
	int rc = 0;

	switch (d->conf.lights) {
	case LIGHTS_SIM:
		rc = lights_sim_new(d->conf.sim_log, &be);
		break;
	case LIGHTS_GPIOD:
		rc = lights_gpiod_new(&d->conf.gpio, &be);
		break;
	case LIGHTS_NONE:
		be = NULL;
		break;
	}
	if (rc < 0) {
		log_errno(rc, "lights: backend unavailable, running dark");
		be = NULL;
	}
	return lights_new(be, d->conf.buzzer, &d->lights);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'n'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct daemon *d = g_new0(struct daemon, 1);
	uint8_t master[CRYPTO_KEY_BYTES], prints_key[CRYPTO_KEY_BYTES];
	char err[8192];
	int check = 0, debug = 0, ch, rc;
	const char *conf_path = NULL;

	while ((ch = getopt_long(argc, argv, "c:ndhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			usage(stdout);
			g_free(d);
			return 0;
		case 'V':
			printf("presensid %s\n", PRESENSI_VERSION);
			g_free(d);
			return 0;
		default:
			usage(stderr);
			g_free(d);
			return 2;
		}
	}
	if (!conf_path || optind != argc) {
		usage(stderr);
		g_free(d);
		return 2;
	}
	if (conf_load(conf_path, &d->conf, err, sizeof(err)) < 0) {
		fputs(err, stderr);
		if (err[0] && err[strlen(err) - 1] != '\n')
			fputc('\n', stderr);
		g_free(d);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		g_free(d);
		return 0;
	}
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", conf_path);
	log_init(debug || isatty(2) ? LOG_TO_TTY : LOG_TO_STDERR, debug);
	/* scanner.c routes GLib and libfprint messages into log.h. */
	signal(SIGPIPE, SIG_IGN);

	if (crypto_init() < 0)
		fatalx("crypto: libsodium failed to initialise");
	rc = keyfile_load_or_create(d->conf.key_path, master);
	if (rc < 0)
		fatalx("key %s: %s", d->conf.key_path, strerror(-rc));
	crypto_key_derive(master, CRYPTO_SUBKEY_PRINTS, prints_key);
	explicit_bzero(master, sizeof(master));
	rc = store_open(d->conf.store_path, NULL, 0, prints_key, &d->store);
	explicit_bzero(prints_key, sizeof(prints_key));
	if (rc < 0)
		fatalx("store %s: %s", d->conf.store_path, strerror(-rc));
	rc = clock_new(d->conf.clock_source, d->conf.simulated_start_utc_ms,
		       d->conf.simulated_speed, &d->clock);
	if (rc < 0)
		fatalx("clock: %s", strerror(-rc));
	if (open_lights(d) < 0)
		fatalx("lights: out of memory");
	first_start(d);
	if (reload_facts(d) < 0)
		log_warnx("rules: none in force; punches are recorded but "
			  "not judged");
	d->loop = g_main_loop_new(NULL, FALSE);
	if (control_listen(d) < 0)
		fatalx("control: cannot listen on %s", d->conf.socket_path);
	lights_state(d, LIGHT_FAULT); /* until a reader shows up */
	rc = scanner_new(on_scanner, d, &d->scanner);
	if (rc < 0)
		fatalx("scanner: %s", strerror(-rc));
	reload_gallery(d);
	g_unix_signal_add(SIGTERM, on_quit, d);
	g_unix_signal_add(SIGINT, on_quit, d);
	g_unix_signal_add(SIGHUP, on_hup, d);
	{
		uint64_t wd_us = notify_watchdog_usec();

		if (wd_us)
			g_timeout_add((guint)(wd_us / 2000), watchdog_tick, d);
		rc = notify_send("READY=1\nSTATUS=recording punches");
		if (rc < 0)
			log_errno(rc, "systemd notify");
	}
	log_info("presensid %s started: desa %s, %s, clock %s",
		 PRESENSI_VERSION, d->conf.desa_id, d->conf.timezone,
		 d->conf.clock_source == CLOCK_SOURCE_SIMULATED ? "simulated"
								: "system");

	g_main_loop_run(d->loop);

	/* Shutdown: every store call commits before it returns, so there is
	 * no open transaction here; cancel the reader, lights off, close. */
	while (d->clients)
		client_free(d, d->clients);
	scanner_free(d->scanner);
	d->scanner = NULL;
	if (d->lights_src)
		g_source_remove(d->lights_src);
	lights_free(d->lights);
	if (d->listen_src)
		g_source_remove(d->listen_src);
	close(d->listen_fd);
	(void)unlink(d->conf.socket_path); /* ours; gone is fine too */
	facts_free(d->facts);
	free(d->keys);
	free(d->exp);
	store_close(d->store);
	clock_free(d->clock);
	g_main_loop_unref(d->loop);
	g_free(d);
	log_info("stopped");
	return 0;
}
